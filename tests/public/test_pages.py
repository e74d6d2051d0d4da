"""The public pages (issue 18) through Flask's test client, as a visitor who is not signed in,
on SQLite and PostgreSQL: each page reads in Norwegian and English, the list filters, a changed
review date shows with its reason at once, a late analysis plan is flagged, no code or
confidential figure shows, and the pages are kept and revalidated while the data are unchanged.
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import date
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from tests.dashboards.confidential import confidential_needles, leaks
from tests.factories import create_temporary_introduction, patch_current
from tests.individual.test_statistics import table1_register  # noqa: F401  (a fixture)
from tests.outcomes.helpers import extract, import_extract
from tests.web import conftest as web
from tracker.agreements.enums import AgreementStatus, AgreementType, OecdCategory, OecdLevel
from tracker.decisions.enums import DecisionOutcome
from tracker.individual.enums import Ground, Outcome, PublicationStatus, Scheme
from tracker.introductions.enums import IntroductionStatus
from tracker.reassessments.enums import CaseState
from tracker.timeutil import today

browser_as = web.browser_as  # a browser logged in through the login page

PAGES = ("/offentlig/", "/offentlig/innforinger/{id}", "/offentlig/avtaler",
         "/offentlig/gruppeunntak", "/offentlig/individuell-tilgang")
HEADINGS = {
    "/offentlig/": ("Offentlig innsyn: midlertidige innføringer",
                    "Public information: temporary introductions"),
    "/offentlig/innforinger/{id}": ("Midlertidig innføring: Lumykras (sotorasib)",
                                    "Temporary introduction: Lumykras (sotorasib)"),
    "/offentlig/avtaler": ("Prisavtalenes struktur", "The structure of the price agreements"),
    "/offentlig/gruppeunntak": ("Gruppeunntak", "Group exceptions"),
    "/offentlig/individuell-tilgang": ("Individuell tilgang: statistikk og vedtak",
                                       "Individual access: statistics and decisions"),
}
DOWNLOADS = ("introduksjoner", "revurderingsdatoer", "endepunkter", "milepaeler", "leveranser",
             "revurderinger", "analyseplaner", "avtaler", "gruppeunntak", "tilgangsstatistikk",
             "komitevedtak")


@pytest.fixture
def demo(cli: CliRunner) -> CliRunner:
    """The demo as `make run` leaves it (`tracker seed demo`, then `tracker seed feeds`), copied
    from a database seeded once per worker and backend (tests/conftest.py)."""
    return cli


def visible(page: str) -> str:
    """The text a reader sees in the page's main part (or a piece of it): no tags, attributes
    or scripts."""
    main = page[page.index("<main"):] if "<main" in page else page
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main)))


def get(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def sotorasib(client: Any) -> int:
    """The id of the demo's sotorasib introduction, as the public list links to it."""
    match = re.search(r'href="/offentlig/innforinger/(\d+)" id="open-\d+">Lumykras<', get(
        client, "/offentlig/"))
    assert match, "the list links to Lumykras"
    return int(match.group(1))


def rows_of(page: str) -> list[str]:
    """The method names in the list, in order."""
    return re.findall(r'id="open-\d+">([^<]+)</a>', page)


def test_every_page_reads_without_login_in_norwegian_and_in_english(demo: CliRunner,
                                                                    anonymous: Any) -> None:
    intro = sotorasib(anonymous)
    assert '<html lang="nb">' in get(anonymous, "/offentlig/")  # Norwegian unless asked
    for template in PAGES:
        path = template.format(id=intro)
        nb_heading, en_heading = HEADINGS[template]
        page = get(anonymous, f"{path}?lang=nb")  # English, once chosen, is remembered
        assert '<html lang="nb">' in page
        assert f"<h1>{nb_heading}</h1>" in page, path
        assert ('<link rel="alternate" type="application/atom+xml" '
                'href="/offentlig/nyheter.atom"') in page
        assert 'href="/offentlig/data"' in page
        assert "public.css" in page
        english = get(anonymous, f"{path}?lang=en")
        assert '<html lang="en">' in english
        assert f"<h1>{en_heading}</h1>" in english, path
        assert "Last ned dataene" not in visible(english) and "Download the data" in english
        # Nobody signed in, and no login was asked for.
        assert "offentlig (uten innlogging)" in page and 'id="logout-button"' not in page
    start = get(anonymous, "/offentlig/?lang=nb")
    for name in DOWNLOADS:
        assert f'href="/offentlig/data/{name}.csv"' in start
        assert f'href="/offentlig/data/{name}.json"' in start
    assert "syntetiske" in visible(start)  # the demo says its data are made up


def test_the_list_shows_every_introduction_and_filters_by_text_status_and_area(
        demo: CliRunner, anonymous: Any) -> None:
    everything = get(anonymous, "/offentlig/")
    assert len(rows_of(everything)) == 7
    assert "7 av 7 midlertidige innføringer." in visible(everything)
    lumykras = everything[everything.index('">Lumykras<'):]
    lumykras = visible(lumykras[:lumykras.index("</tr>")])
    for shown in ("ID2021_901", "Onkologi – lungekreft", "Under revurdering", "23.05.2022",
                  "31.08.2026", "ikke endret", "ingen ennå"):
        assert shown in lumykras

    assert rows_of(get(anonymous, "/offentlig/?q=sotorasib")) == ["Lumykras"]
    assert rows_of(get(anonymous, "/offentlig/?q=id2021_901")) == ["Lumykras"]
    concluded = get(anonymous, "/offentlig/?status=concluded")
    assert rows_of(concluded) == ["Yescarta"]
    assert "Videreføres for undergrupper, resten utfases" in visible(concluded)
    assert '<option value="concluded" selected>Avsluttet</option>' in concluded
    neurology = "Nevrologi – sjeldne nevromuskulære sykdommer"
    assert sorted(rows_of(get(anonymous, f"/offentlig/?area={neurology}"))) == [
        "Spinraza", "Zolgensma"]
    both = get(anonymous, f"/offentlig/?area={neurology}&q=zolgensma&status=active")
    assert rows_of(both) == ["Zolgensma"]
    assert "1 av 7 midlertidige innføringer." in visible(both)
    nothing = get(anonymous, "/offentlig/?q=finnes-ikke")
    assert rows_of(nothing) == [] and "Ingen midlertidig innføring passer søket." in nothing
    english = get(anonymous, "/offentlig/?status=concluded&lang=en")
    assert '<input type="hidden" name="lang" value="en">' in english  # the form keeps English
    assert "1 of 7 temporary introductions." in visible(english)


def test_an_unknown_introduction_is_a_page_in_the_readers_language(demo: CliRunner,
                                                                  anonymous: Any) -> None:
    response = anonymous.get("/offentlig/innforinger/987654")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Det finnes ingen midlertidig innføring med nummer 987654." in visible(
        response.get_data(as_text=True))
    english = anonymous.get("/offentlig/innforinger/987654?lang=en")
    assert english.status_code == 404
    assert "There is no temporary introduction number 987654." in english.get_data(as_text=True)


def test_an_introduction_page_reads_as_the_decision_and_its_follow_up(demo: CliRunner,
                                                                     anonymous: Any) -> None:
    page = visible(get(anonymous, f"/offentlig/innforinger/{sotorasib(anonymous)}"))
    for shown in (
        "23.05.2022", "Sak 064-2022 (syntetisk)", "innføres midlertidig til behandling av KRAS",
        "Amgen Europe B.V.", "enarmet fase II-studie",  # the decision and its uncertainty
        "Totaloverlevelse (OS)", "INSPIRE – medikamentell kreftbehandling i Kreftregisteret",
        "Første uttrekk: pasienter startet 2022–2023", "levert",  # measures and milestones
        "31.12.2024", "erstattet av en senere leveranse med samme datakutt",  # deliveries
        "Fastsatt i beslutningen", "Revurderingsdato: 31.08.2026",
        "Kriterier for revurdering", "Kriterier for utfasing", "Exit-plan",
        "Data mottatt",  # the open reassessment's stage
        "e06b5299045fd5c36250ff97a741e7844658f52bd13b5b82865792d4e0b14803",
        "Resultatbasert betaling", "Pasientnivå",  # the agreement's structure
        "Priser, rabatter og refusjonsandeler er konfidensielle",
    ):
        assert shown in page, shown
    assert "Registrert etter første datakutt" not in page  # the demo plan came first


def test_a_review_date_changed_through_the_api_shows_at_once_with_its_reason_and_both_dates(
        demo: CliRunner, client: Any, anonymous: Any) -> None:
    intro = sotorasib(anonymous)
    path = f"/offentlig/innforinger/{intro}"
    before = get(anonymous, path)
    assert "ikke endret" in visible(before)
    reason = "Fase III-data kommer senere enn ventet; revurderingen flyttes."
    response = patch_current(client, f"/api/v1/introductions/{intro}",
                             {"review_date": "2027-02-28", "review_date_reason": reason})
    assert response.status_code == 200, response.json

    page = get(anonymous, path)
    history = visible(page[page.index('id="review-history"'):])
    history = history[:history.index("Revurdering og utfasing")]
    changed = history[history.index(reason) - 60:]
    assert "31.08.2026" in changed and "28.02.2027" in changed
    assert today().strftime("%d.%m.%Y") in changed  # when it was recorded
    assert "Revurderingsdato: 28.02.2027" in visible(page)
    assert "endret 1 gang" in visible(page)
    listed = get(anonymous, "/offentlig/")
    row = listed[listed.index(f'id="introduction-{intro}"'):]
    assert "28.02.2027" in row[:row.index("</tr>")]
    english = visible(get(anonymous, f"{path}?lang=en"))
    assert "28 Feb 2027" in english and "31 Aug 2026" in english and reason in english


def test_a_plan_registered_after_the_first_data_cut_carries_the_warning(client: Any,
                                                                      anonymous: Any) -> None:
    intro = create_temporary_introduction(client)
    path = f"/offentlig/innforinger/{intro['id']}"
    assert "Registrert etter første datakutt" not in get(anonymous, path)
    days = np.arange(30, 330, 10)
    import_extract(client, intro["id"], extract(days, days % 20 == 0)[0], date(2023, 12, 31))

    page = get(anonymous, path)
    warning = "Registrert etter første datakutt (31.12.2023): planen er ikke forhåndsspesifisert"
    assert warning in visible(page)
    assert "nei: etter første datakutt" in visible(page)  # in the table of versions
    plan = client.get(f"/api/v1/introductions/{intro['id']}").json["analysis_plan"]
    text = html.unescape(re.search(r'<pre class="plan-text" id="plan-text"[^>]*>(.*?)</pre>',
                                   page, flags=re.S).group(1))  # type: ignore[union-attr]
    assert text == plan["text"]
    # Anyone can check the text against its sum.
    assert hashlib.sha256(text.encode()).hexdigest() in page
    assert "Registered after the first data cut" in get(anonymous, f"{path}?lang=en")


def _codes() -> set[str]:
    """Every code of the enumerations the public pages show, as the data store them."""
    found = {str(v) for enum in (IntroductionStatus, CaseState, AgreementType, OecdCategory,
                                 OecdLevel, AgreementStatus, Outcome, Ground, Scheme,
                                 PublicationStatus, DecisionOutcome) for v in enum}
    found |= {"phase_out", "renegotiation", "subgroup_continuation", "outcome_based",
              "response"}
    # "permanent" is a Norwegian word too ("permanent respirasjonsstøtte" in the demo's texts);
    # the reassessment outcome reads "Innføres permanent", so the code alone is not a finding.
    return found


def test_no_code_shows_on_the_norwegian_pages(demo: CliRunner, anonymous: Any) -> None:
    intro = sotorasib(anonymous)
    paths = [p.format(id=intro) for p in PAGES] + [f"/offentlig/innforinger/{i}"
                                                  for i in range(1, 8)]
    words = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, _codes()))) + r")(?![\w-])")
    for path in paths:
        text = visible(get(anonymous, path))
        assert not words.findall(text), (path, sorted(set(words.findall(text))))
    # The check would see one: the start page's own codes are in its form's values.
    assert words.findall(get(anonymous, "/offentlig/"))


def test_no_confidential_figure_shows_on_any_page(demo: CliRunner, anonymous: Any) -> None:
    needles = confidential_needles()
    assert needles
    intro = sotorasib(anonymous)
    for template in PAGES:
        for lang in ("", "?lang=en"):
            page = get(anonymous, template.format(id=intro) + lang)
            assert leaks(needles, page) == [], template
    agreements = visible(get(anonymous, "/offentlig/avtaler?lang=nb"))
    assert "Priser, rabatter og refusjonsandeler er konfidensielle" in agreements
    for shown in ("Flat rabatt", "Pris–volum", "Takbegrensning", "Resultatbasert betaling",
                  "Dekning med evidensutvikling", "Finansiell", "Populasjonsnivå"):
        assert shown in agreements


def test_the_pages_are_kept_revalidated_and_changed_at_once(demo: CliRunner, client: Any,
                                                          anonymous: Any, app: Any) -> None:
    store = app.extensions["tracker_answers"]
    first = anonymous.get("/offentlig/")
    hits = store.hits
    again = anonymous.get("/offentlig/")
    assert store.hits == hits + 1
    assert again.get_data() == first.get_data()
    etag = again.headers["ETag"]
    assert etag == first.headers["ETag"] and again.headers["Cache-Control"] == "no-cache"
    unchanged = anonymous.get("/offentlig/", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    # English is kept apart from Norwegian.
    assert "Every temporary introduction" in get(app.test_client(), "/offentlig/?lang=en")

    intro = sotorasib(anonymous)
    response = patch_current(client, f"/api/v1/introductions/{intro}",
                             {"review_date": "2026-12-31",
                              "review_date_reason": "Ny tidsplan fra Beslutningsforum."})
    assert response.status_code == 200, response.json
    changed = anonymous.get("/offentlig/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    row = changed.get_data(as_text=True)
    row = row[row.index(f'id="introduction-{intro}"'):]
    assert "31.12.2026" in row[:row.index("</tr>")]


def test_a_signed_in_readers_page_is_not_kept_for_another_session(
        demo: CliRunner, app: Any, browser_as: Any) -> None:
    """A signed-in page carries the session's CSRF token (its logout form): given again to the
    same person in another browser, logging out there would fail."""
    store = app.extensions["tracker_answers"]
    laptop, phone = browser_as("secretariat"), browser_as("secretariat")
    first = laptop.page("/offentlig/")
    hits = store.hits
    second = phone.page("/offentlig/")
    assert store.hits == hits
    assert web.csrf_of(first) != web.csrf_of(second)
    assert 'id="logout-button"' in second and "(sekretariatet)" in second


def test_the_group_exceptions_are_current_previous_or_refused_with_the_reason(
        demo: CliRunner, anonymous: Any) -> None:
    page = get(anonymous, "/offentlig/gruppeunntak")

    def section(status: str) -> str:
        part = page[page.index(f'id="groups-{status}"'):]
        return visible(part[:part.index("</section>")])

    assert "Gjeldende gruppeunntak (1)" in section("current")
    assert "Imdelltra" in section("current") and "Oslo universitetssykehus HF" in section(
        "current")
    assert "Kun etter minst to tidligere behandlingslinjer." in section("current")
    previous = section("previous")
    assert "Vyloy" in previous and "03.10.2026" in previous  # when it ended
    assert "Unntaket gjaldt til Beslutningsforums behandling" in previous
    refused = section("refused")
    assert "Vyvgart" in refused and "Dokumentasjonen viser ikke vesentlig merverdi" in refused


def test_the_access_statistics_hide_small_counts_and_say_why_the_tests_are_withheld(
        demo: CliRunner, anonymous: Any) -> None:
    page = get(anonymous, "/offentlig/individuell-tilgang")
    text = visible(page)
    assert "70 avgjorte saker i utvalget." in text
    assert "«Skjult» betyr aldri 0." in text
    for table in ("year_region", "diagnosis_group", "method", "scheme", "rates"):
        part = page[page.index(f'id="stats-{table}"'):]
        part = part[:part.index("</table>")]
        cells = re.findall(r"<td>(.*?)</td>", part, flags=re.S)
        assert cells and all(c.strip() for c in cells), table  # no blank a reader takes for 0
        # By scheme nothing is hidden: group exceptions are published one by one anyway, and
        # the other schemes have five or more of each outcome in the demo.
        assert ("skjult" in part) == (table != "scheme"), table
    assert "II Svulster" in text  # a diagnosis group by its ICD-10 chapter
    assert "Tilgangsordningen" in text and "Unntak for enkeltpasient" in text
    assert "Testene og traktplottet vises ikke: i minst én region" in text
    assert "<svg" not in page
    committee = text[text.index("Vurderingskomitéens vedtak (Tilgangsordningen)"):]
    assert "Metode og diagnosegruppe vises ikke, fordi" in committee
    assert "12 vedtak." in committee and "Økt nytte" in committee and "Innvilget" in committee
    for absent in ("Kjønn", "Fødselsår", "Helseforetak"):
        assert absent not in committee.split("Last ned dataene")[0]

    chosen = get(anonymous, "/offentlig/individuell-tilgang?scheme=individual_exception"
                            "&year_from=2025&year_to=abc")
    assert "43 avgjorte saker i utvalget." in visible(chosen)
    assert "«abc» er ikke et årstall og er ikke brukt." in visible(chosen)
    assert '<option value="individual_exception" selected>' in chosen
    english = visible(get(anonymous, "/offentlig/individuell-tilgang?lang=en"))
    assert "Counts from 1 to 4 are not shown" in english and "hidden" in english


def test_the_funnel_plot_is_drawn_in_svg_with_a_table_beside_it(
        table1_register: None, anonymous: Any) -> None:  # noqa: F811
    page = get(anonymous, "/offentlig/individuell-tilgang?scheme=individual_exception")
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count('<g class="point"') == 4  # one point per region
    assert set(re.findall(r'data-series="([a-z_0-9]+)"', svg)) == {
        "national", "limit_lower_95", "limit_upper_95", "limit_lower_998", "limit_upper_998"}
    table = visible(page[page.index('id="funnel-table"'):page.index("</table>",
                                                                     page.index("funnel-table"))])
    assert all(region in table for region in ("Helse Sør-Øst", "Helse Vest",
                                              "Helse Midt-Norge", "Helse Nord"))
    assert "grensene" in table
    assert "χ² =" in visible(page) and "Eksakt test (Fisher–Freeman–Halton)" in visible(page)
    assert 'id="variation-withheld"' not in page
