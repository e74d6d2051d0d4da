"""The catalogue: rule codes and numbers in, endpoint-aware Norwegian and English out."""

from __future__ import annotations

from typing import Any

import pytest

from tracker.analytics.comparison import KINDS, verdict
from tracker.outcomes import wording

BASE: dict[str, Any] = {"events": 45, "max_follow_up": 30.0, "first_landmark": 12.0}
LANDMARKS = [
    {"time": 12, "observed": 0.61, "ci_lower": 0.52, "ci_upper": 0.69, "assumed": 0.72},
    {"time": 24, "observed": 0.40},
]


def text(endpoint: str, ratio_ci: tuple[float, float], lang: str, **kw: Any) -> str:
    options = {"time_unit": "months", **kw}
    rule = verdict(**{**BASE, **options.pop("base", {})}, ratio_ci=ratio_ci)
    return wording.verdict_text(endpoint, rule, lang=lang, **options)


def test_os_sentences_in_english() -> None:
    worse = text("OS", (1.12, 1.95), "en", landmarks=LANDMARKS)
    assert worse.startswith("Worse than assumed: the 95% CI of observed/expected deaths "
                            "1.12-1.95 lies entirely above 1, i.e. more deaths than the assumed "
                            "curve predicts (45 events, follow-up up to 30 months).")
    assert "at 12 months observed survival 0.61 (0.52-0.69) vs assumed 0.72" in worse
    assert "at 24 months observed survival 0.40" in worse
    assert "below 1" in text("OS", (0.41, 0.87), "en")
    assert text("OS", (0.8, 1.3), "en").startswith("Consistent with the assumption: the 95% CI")


def test_os_sentences_in_norwegian_with_the_same_numbers() -> None:
    worse = text("OS", (1.12, 1.95), "nb", landmarks=LANDMARKS[:1])
    assert worse.startswith("Dårligere enn antatt: 95 %-konfidensintervallet for "
                            "observerte/forventede dødsfall (1,12–1,95) ligger helt over 1")
    assert "45 hendelser, oppfølging inntil 30 måneder" in worse
    assert "ved 12 måneder observert overlevelse 0,61 (0,52–0,69) mot antatt 0,72" in worse
    assert "(0,41–0,87) ligger helt under 1" in text("OS", (0.41, 0.87), "nb")
    consistent = text("OS", (0.8, 1.3), "nb", time_unit="days")
    assert consistent.startswith("I tråd med antagelsene")
    assert "oppfølging inntil 30 dager" in consistent
    few = text("OS", (0.1, 5.0), "nb", base={"events": 3, "max_follow_up": 2.5})
    assert few == ("For lite data: bare 3 hendelser (færre enn 20) og lengste oppfølging 2,5 "
                   "måneder er kortere enn første landemerke ved 12 måneder.")
    for result in (worse, consistent, few):
        assert not any(word in result for word in ("events", "assumed", "months"))


def test_progression_free_survival_counts_progression_or_death() -> None:
    nb = text("PFS", (1.2, 1.8), "nb", landmarks=LANDMARKS[:1])
    assert "observerte/forventede hendelser (progresjon eller død)" in nb
    assert "flere hendelser (progresjon eller død) enn den antatte kurven gir" in nb
    assert "observert progresjonsfri overlevelse 0,61" in nb
    assert "dødsfall" not in nb
    en = text("PFS", (1.2, 1.8), "en")
    assert "observed/expected events (progression or death)" in en and "deaths" not in en
    assert wording.label("PFS", "more_events") == "Dårligere enn antatt"


def test_time_on_treatment_says_which_way_and_what_it_means() -> None:
    shorter = text("TTD", (1.2, 1.8), "nb", landmarks=LANDMARKS[:1])
    assert shorter.startswith("Kortere behandlingstid enn antatt: 95 %-konfidensintervallet for "
                              "observerte/forventede behandlingsavbrudd (1,20–1,80)")
    assert "legemiddelkostnaden blir lavere enn beregnet" in shorter
    assert "toleranse eller effekt" in shorter
    assert "observert andel fortsatt på behandling 0,61" in shorter
    for word in ("Dårligere", "Bedre", "dødsfall", "overlevelse"):
        assert word not in shorter
    longer = text("TTD", (0.5, 0.8), "en")
    assert longer.startswith("Longer time on treatment than assumed: the 95% CI of "
                             "observed/expected discontinuations 0.50-0.80 lies entirely below 1")
    assert "drug costs are higher than modelled" in longer
    assert "Worse" not in longer and "Better" not in longer
    assert wording.label("TTD", "fewer_events", "en") == "Longer time on treatment than assumed"


def test_meanings_decide_what_the_flag_raises() -> None:
    concerns = {(e, k) for (e, k), m in wording.MEANINGS.items() if m.concern}
    assert concerns == {("OS", "more_events"), ("PFS", "more_events"), ("TTD", "more_events"),
                        ("TTD", "fewer_events")}
    for endpoint in ("OS", "PFS", "TTD"):
        for kind in KINDS:
            meaning = wording.meaning(endpoint, kind)
            assert meaning.label["nb"] and meaning.label["en"]
    assert wording.meaning("TTD", "fewer_events").code == "longer_treatment"
    assert wording.divergence_text({"TTD": "fewer_events"}).startswith(
        "viser for tid på behandling (TTD): lengre behandlingstid enn antatt. Pasientene står "
        "lenger på behandling")
    both = wording.divergence_text({"OS": "more_events", "TTD": "more_events"})
    assert both.startswith("er dårligere enn antatt ved innføringen for totaloverlevelse (OS)")
    assert "For tid på behandling (TTD): kortere behandlingstid enn antatt." in both


def test_why_a_test_is_undefined_in_words_a_reader_can_act_on() -> None:
    zero = wording.undefined_text("OS", "survival_zero", lang="nb", time_unit="days", time=30.0)
    assert "overlevelse 0 ved 30 dager" in zero
    ttd = wording.undefined_text("TTD", "survival_zero", lang="en", time_unit="months", time=7.5)
    assert "gives nobody still on treatment at 7.5 months" in ttd
    assert "ingen oppfølgingstid" in wording.undefined_text(
        "OS", "no_expected_events", lang="nb", time_unit="days")
    assert wording.undefined_text("OS", "no_patients", lang="nb", time_unit="months") == (
        "Én-utvalgs log-rank-testen kunne ikke beregnes: ingen pasienter eller hendelser å teste.")
    detail = "cumhaz must be non-decreasing in time; check the assumed curve."
    assert wording.undefined_text("OS", "failed", lang="nb", time_unit="months",
                                  detail=detail).endswith(f"teknisk feil ({detail}).")


def test_a_test_restricted_to_the_curve_says_so() -> None:
    nb = text("OS", (0.8, 1.3), "nb", restricted_to=22.5, events_after=6)
    assert ("Testen omfatter bare oppfølgingen til og med 22,5 måneder, så langt den antatte "
            "kurven går; etter det antar kurven ingenting, så 6 hendelser etter det er ikke "
            "tatt med.") in nb
    en = text("OS", (0.8, 1.3), "en", restricted_to=22.5, events_after=0)
    assert "covers follow-up up to 22.5 months only" in en and "not counted" not in en


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_maturity_and_extrapolation_sentences(lang: str) -> None:
    numbers = {"events": 12, "min_events": 20, "follow_up": 8.0, "first_landmark": 12.0}
    immature = wording.maturity_text("few_events_short_follow_up", numbers, lang=lang,
                                     time_unit="months", at_review=True)
    assert ("Umodne data ved revurderingsdatoen: 12 hendelser (færre enn 20) og median "
            "oppfølging 8 måneder" if lang == "nb" else
            "Immature data by the review date: 12 events (fewer than 20) and median follow-up "
            "8 months") in immature
    check = {"tau": 30.0, "assumed_mean": 41.2, "share_beyond": 0.55, "required_hazard": 0.031,
             "assumed_hazard": 0.024}
    sentence = wording.extrapolation_text("needs_constant_hazard", check, lang=lang,
                                          time_unit="months")
    assert ("Modellens gjennomsnitt 41,2 måneder. 55 % av den antatte gjennomsnittlige "
            "overlevelsen ligger etter 30 måneder. For at det skal holde, må resten av kurven "
            "falle med en konstant hasard på 0,031 per måned (den antatte kurven tilsvarer "
            "0,024)." if lang == "nb" else
            "Model mean 41.2 months. 55% of the assumed mean survival lies beyond 30 months. For "
            "it to hold, the rest of the curve must fall at a constant hazard of 0.031 per month "
            "(the assumed curve's equivalent: 0.024).") == sentence
