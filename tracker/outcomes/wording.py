"""The one catalogue of words for outcomes: rule codes and numbers in, Norwegian and English out.

The statistics (`tracker.analytics`) return numbers and a rule code and know nothing of the
endpoint. What a difference *means* depends on it: for overall survival the events are deaths
and more of them is worse; for progression-free survival they are progression or death; for
time on treatment (TTD) they are discontinuations, and more of them means patients stop earlier
than the model assumed: lower drug cost, but possibly poorer tolerability or effect, neither
simply "worse" nor "better". This module holds those meanings (`MEANINGS`, used by the
divergence flag too) and every sentence built on them, in bokmål (decimal comma) and English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = [
    "MEANINGS",
    "Meaning",
    "endpoint_name",
    "extrapolation_text",
    "fixed",
    "label",
    "landmarks_text",
    "legacy_kind",
    "maturity_text",
    "meaning",
    "no_assumption_text",
    "number",
    "pre_specification_text",
    "undefined_text",
    "verdict_text",
]

Lang = str  # "nb" or "en"


# --- numbers -----------------------------------------------------------------------------------


def number(x: float, lang: Lang = "en") -> str:
    """Three significant digits (thousands whole), decimal comma in Norwegian."""
    text = f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
    if lang == "nb":  # decimal comma, narrow space between thousands
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def fixed(x: float, lang: Lang, digits: int = 2) -> str:
    """A number with ``digits`` decimals, decimal comma in Norwegian."""
    text = f"{x:.{digits}f}"
    return text.replace(".", ",") if lang == "nb" else text


def _range(lower: float, upper: float, lang: Lang) -> str:
    return fixed(lower, lang) + ("–" if lang == "nb" else "-") + fixed(upper, lang)


_UNITS = {"nb": {"months": "måneder", "days": "dager"}, "en": {"months": "months", "days": "days"}}


def _unit(unit: str, lang: Lang) -> str:
    return _UNITS[lang].get(unit, unit)


# --- what the endpoints' events are ------------------------------------------------------------


@dataclass(frozen=True)
class _Words:
    name: str  # the endpoint
    events: str  # what an event is, plural ("deaths")
    curve: str  # what the curve shows ("survival")
    zero: str  # the curve at 0 ("survival 0")


_ENDPOINTS: dict[str, dict[Lang, _Words]] = {
    "OS": {
        "nb": _Words("totaloverlevelse (OS)", "dødsfall", "overlevelse", "overlevelse 0"),
        "en": _Words("overall survival (OS)", "deaths", "survival", "survival 0"),
    },
    "PFS": {
        "nb": _Words("progresjonsfri overlevelse (PFS)", "hendelser (progresjon eller død)",
                     "progresjonsfri overlevelse", "progresjonsfri overlevelse 0"),
        "en": _Words("progression-free survival (PFS)", "events (progression or death)",
                     "progression-free survival", "progression-free survival 0"),
    },
    "TTD": {
        "nb": _Words("tid på behandling (TTD)", "behandlingsavbrudd",
                     "andel fortsatt på behandling", "ingen fortsatt på behandling"),
        "en": _Words("time on treatment (TTD)", "discontinuations",
                     "share still on treatment", "nobody still on treatment"),
    },
}


def _words(endpoint: str, lang: Lang) -> _Words:
    return _ENDPOINTS.get(str(endpoint), _ENDPOINTS["OS"])[lang]


def endpoint_name(endpoint: str, lang: Lang = "nb") -> str:
    """The endpoint's name, e.g. 'tid på behandling (TTD)'."""
    return _words(endpoint, lang).name


# --- what a difference means ---------------------------------------------------------------------


@dataclass(frozen=True)
class Meaning:
    """What a verdict kind means for one endpoint.

    ``code`` names it (``unfavourable``, ``favourable``, ``shorter_treatment``,
    ``longer_treatment``, ``none``); ``concern`` says whether it calls for attention before the
    reassessment (the divergence flag is raised for it); ``label`` is the headline and
    ``consequence`` the sentence on what it means, both per language.
    """

    code: str
    concern: bool
    label: Mapping[Lang, str]
    consequence: Mapping[Lang, str]


_CONSISTENT = Meaning("none", False, {"nb": "I tråd med antagelsene",
                                      "en": "Consistent with the assumptions"}, {})
_TOO_LITTLE = Meaning("none", False, {"nb": "For lite data", "en": "Too little data"}, {})
_WORSE = Meaning("unfavourable", True, {"nb": "Dårligere enn antatt", "en": "Worse than assumed"},
                 {})
_BETTER = Meaning("favourable", False, {"nb": "Bedre enn antatt", "en": "Better than assumed"},
                  {})

#: (endpoint, kind) -> what it means. Kinds are those of `tracker.analytics.comparison.KINDS`.
MEANINGS: dict[tuple[str, str], Meaning] = {
    **{(e, "consistent"): _CONSISTENT for e in ("OS", "PFS", "TTD")},
    **{(e, "too_little_data"): _TOO_LITTLE for e in ("OS", "PFS", "TTD")},
    ("OS", "more_events"): _WORSE,
    ("OS", "fewer_events"): _BETTER,
    ("PFS", "more_events"): _WORSE,
    ("PFS", "fewer_events"): _BETTER,
    ("TTD", "more_events"): Meaning(
        "shorter_treatment", True,
        {"nb": "Kortere behandlingstid enn antatt",
         "en": "Shorter time on treatment than assumed"},
        {"nb": "Pasientene avslutter behandlingen tidligere enn modellen antok: "
               "legemiddelkostnaden blir lavere enn beregnet, men det kan tyde på dårligere "
               "toleranse eller effekt enn antatt.",
         "en": "Patients stop treatment earlier than the model assumed: drug costs are lower "
               "than modelled, but this may point to poorer tolerability or effect than "
               "assumed."},
    ),
    ("TTD", "fewer_events"): Meaning(
        "longer_treatment", True,
        {"nb": "Lengre behandlingstid enn antatt",
         "en": "Longer time on treatment than assumed"},
        {"nb": "Pasientene står lenger på behandling enn modellen antok: legemiddelkostnaden "
               "blir høyere enn beregnet (budsjettvirkning og kostnad per QALY), selv om det kan "
               "gjenspeile god toleranse og effekt.",
         "en": "Patients stay on treatment longer than the model assumed: drug costs are higher "
               "than modelled (budget impact, cost per QALY), though this may reflect good "
               "tolerability and effect."},
    ),
}

_LEGACY = {"more_events": "worse", "fewer_events": "better", "consistent": "consistent",
           "too_little_data": "too_little_data"}


def meaning(endpoint: str, kind: str) -> Meaning:
    """What ``kind`` means for ``endpoint`` (see `MEANINGS`)."""
    return MEANINGS.get((str(endpoint), kind), MEANINGS[("OS", kind)])


def label(endpoint: str, kind: str, lang: Lang = "nb") -> str:
    """The headline of a verdict, e.g. 'Lengre behandlingstid enn antatt'."""
    return meaning(endpoint, kind).label[lang]


def legacy_kind(kind: str) -> str:
    """The verdict's older four-word kind (``worse``: more events, ``better``: fewer)."""
    return _LEGACY[kind]


# --- the verdict ---------------------------------------------------------------------------------


def _landmarks(landmarks: Sequence[Mapping[str, Any]], endpoint: str, unit: str,
               lang: Lang) -> str:
    nb = lang == "nb"
    curve = _words(endpoint, lang).curve
    parts = []
    for lm in landmarks:
        when = f"{number(float(lm['time']), lang)} {_unit(unit, lang)}"
        observed = fixed(float(lm["observed"]), lang)
        text = (f"ved {when} observert {curve} {observed}" if nb
                else f"at {when} observed {curve} {observed}")
        if lm.get("ci_lower") is not None and lm.get("ci_upper") is not None:
            text += f" ({_range(float(lm['ci_lower']), float(lm['ci_upper']), lang)})"
        if lm.get("assumed") is not None:
            text += (" mot antatt " if nb else " vs assumed ") + fixed(float(lm["assumed"]), lang)
        parts.append(text)
    if not parts:
        return ""
    return (" Landemerker: " if nb else " Landmarks: ") + "; ".join(parts) + "."


def _restriction(restricted_to: float | None, events_after: int | None, unit: str,
                 lang: Lang) -> str:
    if restricted_to is None:
        return ""
    until = f"{number(restricted_to, lang)} {_unit(unit, lang)}"
    if lang == "nb":
        text = (f" Testen omfatter bare oppfølgingen til og med {until}, så langt den antatte "
                "kurven går; etter det antar kurven ingenting")
        if events_after:
            text += f", så {events_after} hendelser etter det er ikke tatt med"
        return text + "."
    text = (f" The test covers follow-up up to {until} only, as far as the assumed curve goes; "
            "it assumes nothing after that")
    if events_after:
        text += f", so {events_after} events after it are not counted"
    return text + "."


def _too_little(result: Mapping[str, Any], unit: str, lang: Lang) -> str:
    nb = lang == "nb"
    reasons = []
    events, min_events = result["events"], result["min_events"]
    if result["rule"] in ("few_events", "few_events_short_follow_up"):
        reasons.append(f"bare {events} hendelser (færre enn {min_events})" if nb
                       else f"only {events} events (fewer than {min_events})")
    if result["rule"] in ("short_follow_up", "few_events_short_follow_up"):
        longest = number(result["max_follow_up"], lang)
        first = number(result["first_landmark"], lang)
        u = _unit(unit, lang)
        reasons.append(
            f"lengste oppfølging {longest} {u} er kortere enn første landemerke ved {first} {u}"
            if nb else
            f"longest follow-up {longest} {u} is shorter than the first landmark at {first} {u}"
        )
    joined = (" og " if nb else " and ").join(reasons)
    return ("For lite data: " if nb else "Too little data: ") + joined + "."


def verdict_text(
    endpoint: str,
    result: Mapping[str, Any],
    *,
    lang: Lang,
    time_unit: str,
    landmarks: Sequence[Mapping[str, Any]] = (),
    confidence: float = 0.95,
    restricted_to: float | None = None,
    events_after: int | None = None,
) -> str:
    """The sentence that explains a verdict with its numbers.

    ``result`` is `tracker.analytics.comparison.verdict`'s answer; ``landmarks`` are quoted
    (keys ``time, observed`` and optionally ``ci_lower, ci_upper, assumed``); ``restricted_to``
    says the test was cut where a ``points`` curve ends, with ``events_after`` not counted.
    """
    nb = lang == "nb"
    words = _words(endpoint, lang)
    extra = (_restriction(restricted_to, events_after, time_unit, lang)
             + _landmarks(landmarks, endpoint, time_unit, lang))
    kind = result["kind"]
    if kind == "too_little_data":
        return _too_little(result, time_unit, lang) + extra
    null = number(result["null_ratio"], lang)
    lower, upper = result["ratio_ci"]
    interval = _range(lower, upper, lang)
    unit = _unit(time_unit, lang)
    follow_up = number(result["max_follow_up"], lang)
    head = meaning(endpoint, kind).label[lang]
    consequence = meaning(endpoint, kind).consequence.get(lang)
    percent = f"{confidence:.0%}"
    if nb:
        ci_text = (f"{percent[:-1]} %-konfidensintervallet for observerte/forventede "
                   f"{words.events} ({interval})")
        sentence = {
            "more_events": f"{head}: {ci_text} ligger helt over {null}, altså flere "
                           f"{words.events} enn den antatte kurven gir",
            "fewer_events": f"{head}: {ci_text} ligger helt under {null}, altså færre "
                            f"{words.events} enn den antatte kurven gir",
            "consistent": f"{head}: {ci_text} omfatter {null}",
        }[kind]
        basis = f" ({result['events']} hendelser, oppfølging inntil {follow_up} {unit})."
    else:
        ci_text = f"{percent} CI of observed/expected {words.events} {interval}"
        sentence = {
            "more_events": f"{head}: the {ci_text} lies entirely above {null}, i.e. more "
                           f"{words.events} than the assumed curve predicts",
            "fewer_events": f"{head}: the {ci_text} lies entirely below {null}, i.e. fewer "
                            f"{words.events} than the assumed curve predicts",
            "consistent": f"Consistent with the assumption: the {ci_text} includes {null}",
        }[kind]
        basis = f" ({result['events']} events, follow-up up to {follow_up} {unit})."
    return sentence + basis + (f" {consequence}" if consequence else "") + extra


def undefined_text(
    endpoint: str, reason: str, *, lang: Lang, time_unit: str, time: float | None = None,
    detail: str | None = None,
) -> str:
    """Why the one-sample log-rank test could not be computed (``reason``: its code)."""
    nb = lang == "nb"
    start = ("Én-utvalgs log-rank-testen kunne ikke beregnes: " if nb
             else "The one-sample log-rank test could not be computed: ")
    zero = _words(endpoint, lang).zero
    if reason == "survival_zero":
        at, unit = number(time or 0.0, lang), _unit(time_unit, lang)
        return start + (
            f"den antatte kurven gir {zero} ved {at} {unit}, mens pasienter fortsatt "
            "følges opp. Kontroller kurvens tidsenhet, eller forleng punktene." if nb else
            f"the assumed curve gives {zero} at {at} {unit} while patients are still "
            "followed. Check the curve's time unit or extend its points."
        )
    if reason == "no_expected_events":
        return start + (
            "ingen oppfølgingstid under den antatte hasarden (går alle pasienter ut ved tid 0?)."
            if nb else "no follow-up time under the assumed hazard (do all patients exit at "
            "time 0?)."
        )
    if reason == "no_patients":
        return start + ("ingen pasienter eller hendelser å teste." if nb
                        else "no patients or events to test.")
    # A malformed curve or table is a fault of the program or the stored data: quote it as is.
    return start + (f"teknisk feil ({detail})." if nb else f"{detail}")


def no_assumption_text(lang: Lang) -> str:
    """No curve was fixed for the endpoint."""
    if lang == "nb":
        return ("Ingen antatt kurve ble fastsatt for dette endepunktet ved innføringen, så det "
                "er ingenting å sammenligne med.")
    return ("No assumed curve was fixed for this endpoint at introduction, so there is nothing "
            "to compare with.")


# --- maturity and extrapolation ------------------------------------------------------------------


def maturity_text(rule: str, numbers: Mapping[str, Any], *, lang: Lang, time_unit: str,
                  at_review: bool = False) -> str:
    """The maturity rule's sentence (``rule``: `tracker.analytics.maturity.MATURITY_RULES`).

    ``numbers``: ``events, min_events, follow_up, first_landmark``; ``at_review`` words it as
    the projection to the review date.
    """
    nb = lang == "nb"
    unit = _unit(time_unit, lang)
    events = number(float(numbers["events"]), lang)
    follow_up = number(float(numbers["follow_up"]), lang)
    first = number(float(numbers["first_landmark"]), lang)
    when = ("ved revurderingsdatoen" if nb else "by the review date") if at_review else (
        "nå" if nb else "now")
    if rule == "mature":
        return (f"Modne data {when}: {events} hendelser og median oppfølging {follow_up} {unit}."
                if nb else
                f"Mature data {when}: {events} events and median follow-up {follow_up} {unit}.")
    reasons = []
    if rule in ("few_events", "few_events_short_follow_up"):
        reasons.append(f"{events} hendelser (færre enn {numbers['min_events']})" if nb else
                       f"{events} events (fewer than {numbers['min_events']})")
    if rule in ("short_follow_up", "few_events_short_follow_up"):
        reasons.append(
            f"median oppfølging {follow_up} {unit} (kortere enn første landemerke ved "
            f"{first} {unit})" if nb else
            f"median follow-up {follow_up} {unit} (shorter than the first landmark at "
            f"{first} {unit})"
        )
    joined = (" og " if nb else " and ").join(reasons)
    return (f"Umodne data {when}: {joined}." if nb else f"Immature data {when}: {joined}.")


def extrapolation_text(rule: str, numbers: Mapping[str, Any], *, lang: Lang,
                       time_unit: str) -> str:
    """The extrapolation check's sentence (``rule``: `tracker.analytics.extrapolation`)."""
    nb = lang == "nb"
    unit = _unit(time_unit, lang)
    tau = number(float(numbers["tau"]), lang)
    if rule == "within_follow_up":
        return (f"Den antatte kurven slutter innenfor oppfølgingen ({tau} {unit}); det er "
                "ingenting å ekstrapolere." if nb else
                f"The assumed curve ends within the follow-up ({tau} {unit}); there is nothing "
                "to extrapolate.")
    mean = number(float(numbers["assumed_mean"]), lang)
    share = numbers.get("share_beyond")
    beyond = "" if share is None else (
        f" {fixed(100 * share, lang, 0)} % av den antatte gjennomsnittlige overlevelsen ligger "
        f"etter {tau} {unit}." if nb else
        f" {fixed(100 * share, lang, 0)}% of the assumed mean survival lies beyond {tau} {unit}.")
    head = (f"Modellens gjennomsnitt {mean} {unit}." if nb else f"Model mean {mean} {unit}.")
    if rule == "already_reached":
        return head + beyond + (
            " Det observerte arealet til lengste oppfølging er allerede minst like stort." if nb
            else " The observed area to the longest follow-up already reaches it.")
    if rule == "cannot_hold":
        return head + beyond + (
            " Selv uten flere hendelser etter lengste oppfølging kan gjennomsnittet ikke nås."
            if nb else
            " Even with no further events after the longest follow-up the mean cannot be "
            "reached.")
    required = number(float(numbers["required_hazard"]), lang)
    assumed = numbers.get("assumed_hazard")
    versus = "" if assumed is None else (
        f" (den antatte kurven tilsvarer {number(float(assumed), lang)})" if nb else
        f" (the assumed curve's equivalent: {number(float(assumed), lang)})")
    per = "per måned" if time_unit == "months" else "per dag"
    if not nb:
        per = "per month" if time_unit == "months" else "per day"
    return head + beyond + (
        f" For at det skal holde, må resten av kurven falle med en konstant hasard på "
        f"{required} {per}{versus}." if nb else
        f" For it to hold, the rest of the curve must fall at a constant hazard of "
        f"{required} {per}{versus}.")


# --- the analysis plan ---------------------------------------------------------------------------


def _date(value: date, lang: Lang) -> str:
    return value.strftime("%d.%m.%Y") if lang == "nb" else value.isoformat()


def _listing(values: Sequence[float], lang: Lang) -> str:
    words = [number(float(v), lang) for v in values]
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + (" og " if lang == "nb" else " and ") + words[-1]


def landmarks_text(source: str, months: Sequence[float], *, lang: Lang,
                   version_no: int | None = None) -> str:
    """Where the landmarks came from (``source``: ``plan`` or ``default``).

    Examples
    --------
    >>> landmarks_text("plan", [6.0, 12.0], lang="nb", version_no=2)
    'Landemerkene 6 og 12 måneder er fastsatt i analyseplanen (versjon 2).'
    >>> landmarks_text("default", [12.0, 24.0, 36.0], lang="en")
    'No analysis plan sets landmarks: the default landmarks 12, 24 and 36 months are used.'
    """
    listed = f"{_listing(months, lang)} {_unit('months', lang)}"
    if source == "plan":
        version = "" if version_no is None else (
            f" (versjon {version_no})" if lang == "nb" else f" (version {version_no})")
        return (f"Landemerkene {listed} er fastsatt i analyseplanen{version}." if lang == "nb"
                else f"The landmarks {listed} are those of the analysis plan{version}.")
    return (f"Ingen analyseplan fastsetter landemerker: standardlandemerkene {listed} er brukt."
            if lang == "nb" else
            f"No analysis plan sets landmarks: the default landmarks {listed} are used.")


def pre_specification_text(rule: str, first_data_cut: date | None, *, lang: Lang
                           ) -> str | None:
    """The warning for a plan registered after the first delivery's data cut, else None
    (``rule``: `tracker.introductions.plans.PRE_SPECIFICATION_RULES`).

    Examples
    --------
    >>> pre_specification_text("after_first_data_cut", date(2025, 12, 31), lang="nb")
    'Registrert etter første datakutt (31.12.2025): planen er ikke forhåndsspesifisert og kan \
være påvirket av dataene.'
    >>> pre_specification_text("before_first_data_cut", date(2025, 12, 31), lang="en") is None
    True
    """
    if rule != "after_first_data_cut" or first_data_cut is None:
        return None
    cut = _date(first_data_cut, lang)
    if lang == "nb":
        return (f"Registrert etter første datakutt ({cut}): planen er ikke forhåndsspesifisert "
                "og kan være påvirket av dataene.")
    return (f"Registered after the first data cut ({cut}): the plan is not pre-specified and "
            "may have been influenced by the data.")


# --- the divergence flag -------------------------------------------------------------------------


def divergence_text(kinds: Mapping[str, str], lang: Lang = "nb") -> str:
    """The middle of the outcome-divergence flag's message, for the endpoints whose verdict is
    a concern (``kinds``: endpoint -> kind); starts with a verb, ends with a full stop.

    Examples
    --------
    >>> divergence_text({"OS": "more_events"})
    'er dårligere enn antatt ved innføringen for totaloverlevelse (OS): flere hendelser enn den \
antatte kurven gir.'
    """
    worse = [e for e, k in kinds.items() if meaning(e, k).code == "unfavourable"]
    other = [(e, k) for e, k in kinds.items() if meaning(e, k).concern and e not in worse]
    parts = []
    if worse:
        named = ", ".join(endpoint_name(e, lang) for e in worse)
        parts.append(f"are worse than assumed at introduction for {named}: more events than "
                     "the assumed curve gives." if lang == "en" else
                     f"er dårligere enn antatt ved innføringen for {named}: flere hendelser enn "
                     "den antatte kurven gir.")
    for endpoint, kind in other:
        m = meaning(endpoint, kind)
        if lang == "en":
            verb = "For" if parts else "show for"
        else:
            verb = "For" if parts else "viser for"
        parts.append(f"{verb} {endpoint_name(endpoint, lang)}: {m.label[lang].lower()}. "
                     f"{m.consequence[lang]}")
    return " ".join(parts)
