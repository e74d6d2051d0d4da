"""Sykehusinnkjøp's settlement pages through Flask's client: settle a period from the form,
move the credit notes on (a dispute needs a reason), page and filter the patient lines, follow
an adjustment to its original line, print a trust's credit note, and reckon a price–volume
year. Every write goes through the API's operations; Norwegian words, never the API's codes."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from tests.settlements.helpers import late_death, outcome_agreement, settle
from tests.settlements.test_api import A, B, C, _financial
from tests.web.conftest import csrf_of

CODES = (">non_responder<", ">pending<", ">draft<", ">issued<", ">death<",
         ">followup_ends_in_window<", ">disputed<")


@pytest.fixture
def agreement(client: Any) -> dict[str, Any]:
    return outcome_agreement(client)


def _row(page: str, element_id: str) -> str:
    match = re.search(rf'<tr id="{element_id}".*?</tr>', page, re.DOTALL)
    assert match, element_id
    return html.unescape(match.group(0))


def _text(page: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_procurement_settles_a_period_from_the_form(browser_as, client, agreement):
    browser = browser_as("procurement")
    url = f"/arbeid/avtaler/{agreement['id']}/oppgjor"
    page = browser.page(url)
    assert "Ingen perioder er gjort opp ennå." in page
    # Before any settlement the form opens on the first period a window can end in.
    assert re.search(r'<option value="01.01.2026" selected>1. kvartal 2026', page)
    response = browser.submit(url, {"period_start": "01.04.2026", "as_of": "01.07.2026"})
    assert response.status_code == 302, response.get_data(as_text=True)
    settlement_url = response.headers["Location"]
    stored = client.get(f"/api/v1/agreements/{agreement['id']}/settlements").get_json()["items"]
    assert [s["period_start"] for s in stored] == ["2026-04-01"]
    assert settlement_url == f"/arbeid/oppgjor/{stored[0]['id']}"
    page = browser.page(settlement_url)
    assert "Oppgjør 2. kvartal 2026" in page and "Fortrolig – unntatt offentlighet" in page
    assert ">240\u00a0000<" in page  # the total, as the issue computes it by hand
    notes = {n["health_trust"]: n["id"] for n in stored[0]["credit_notes"]}
    for trust, owed in ((A, "120\u00a0000"), (B, "60\u00a0000"), (C, "60\u00a0000")):
        row = _row(page, f"note-{notes[trust]}")
        assert trust in row and owed in row and "utkast" in row
    lines = {p: _row(page, f"linje-{i}") for p, i in _line_ids(client, stored[0]["id"]).items()}
    assert "ikke-responder" in lines["P04"] and "død 01.04.2026" in lines["P04"]
    assert "avventer" in lines["P05"] and "oppfølgingen slutter i vinduet" in lines["P05"]
    assert not [code for code in CODES if code in page]
    # The list of the agreement's periods now has it, and the form moves on to the next one.
    page = browser.page(url)
    row = _row(page, f"settlement-{stored[0]['id']}")
    assert "2. kvartal 2026" in row and "240\u00a0000" in row and "3 utkast" in row
    assert re.search(r'<option value="01.07.2026" selected>', page)


def _line_ids(client: Any, settlement_id: int) -> dict[str, int]:
    items = client.get(f"/api/v1/settlements/{settlement_id}/lines").get_json()["items"]
    return {line["patient_id"]: line["id"] for line in items}


def test_a_period_not_over_is_refused_in_norwegian_and_nothing_is_stored(browser_as, client,
                                                                        agreement):
    url = f"/arbeid/avtaler/{agreement['id']}/oppgjor"
    response = browser_as("procurement").submit(url, {"period_start": "01.04.2026",
                                                      "as_of": "30.06.2026"})
    assert response.status_code == 409
    assert ("Perioden 01.04.2026–30.06.2026 er ikke over; den kan gjøres opp fra 01.07.2026."
            in html.unescape(response.get_data(as_text=True)))
    assert client.get(f"/api/v1/agreements/{agreement['id']}/settlements").get_json() == {
        "items": []}
    misaligned = browser_as("procurement").submit(url, {"period_start": "01.05.2026",
                                                        "as_of": "01.09.2026"})
    assert misaligned.status_code == 422
    assert ("Avtalen gjøres opp per kvartal; perioden starter 1. januar eller 1. april eller 1. "
            "juli eller 1. oktober" in html.unescape(misaligned.get_data(as_text=True)))


def _post(browser: Any, settlement_id: int, note: dict[str, Any], action: str,
          data: dict[str, str]) -> Any:
    page = browser.page(f"/arbeid/oppgjor/{settlement_id}")
    path = "steg" if action == "note" else "bestrid"
    fields = {f"{action}-{note['id']}.{k}": v for k, v in data.items()}
    return browser.client.post(f"/arbeid/oppgjor/{settlement_id}/kreditnota/{note['id']}/{path}",
                               data={"csrf_token": csrf_of(page), "version": note["version"],
                                     **fields})


def _note(client: Any, settlement_id: int, trust: str) -> dict[str, Any]:
    notes = client.get(f"/api/v1/settlements/{settlement_id}").get_json()["credit_notes"]
    return next(n for n in notes if n["health_trust"] == trust)


def test_a_credit_note_is_sent_disputed_with_a_reason_and_sent_again(browser_as, client,
                                                                     agreement):
    settlement = settle(client, agreement["id"])
    sid, browser = settlement["id"], browser_as("procurement", name="innkjop-anne")
    note = _note(client, sid, B)
    page = browser.page(f"/arbeid/oppgjor/{sid}")
    assert f'id="note-{note["id"]}-issued"' in page and f'id="dispute-{note["id"]}"' not in page
    sent = _post(browser, sid, note, "note", {"to": "issued", "at": "02.07.2026"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"#note-{note['id']}")
    note = _note(client, sid, B)
    assert note["state"] == "issued" and note["steps"][-1]["by"] == "innkjop-anne"
    assert note["steps"][-1]["at"] == "2026-07-02"

    silent = _post(browser, sid, note, "dispute", {"reason": "", "at": "10.07.2026"})
    assert silent.status_code == 422
    text = html.unescape(silent.get_data(as_text=True))
    assert re.search(rf'id="error-dispute-{note["id"]}-reason">Skriv leverandørens '
                     "begrunnelse.<", text)
    assert f'<details id="dispute-{note["id"]}" open>' in text
    assert _note(client, sid, B)["state"] == "issued"

    reason = "P07 stoppet av andre grunner enn toksisitet."
    disputed = _post(browser, sid, note, "dispute", {"reason": reason, "at": "10.07.2026"})
    assert disputed.status_code == 302
    note = _note(client, sid, B)
    assert (note["state"], note["dispute_reason"]) == ("disputed", reason)
    row = _row(browser.page(f"/arbeid/oppgjor/{sid}"), f"note-{note['id']}")
    assert "bestridt" in row and reason in row and "Send på nytt" in row

    stale = _post(browser, sid, {**note, "version": note["version"] - 1}, "note",
                  {"to": "issued", "at": ""})
    assert stale.status_code == 409 and 'id="stale-conflict"' in stale.get_data(as_text=True)
    again = _post(browser, sid, note, "note", {"to": "issued", "at": ""})
    assert again.status_code == 302
    assert [s["to_state"] for s in _note(client, sid, B)["steps"]] == [
        "draft", "issued", "disputed", "issued"]


def test_forum_reads_the_settlement_but_takes_no_step(browser_as, client, agreement):
    settlement = settle(client, agreement["id"])
    forum = browser_as("forum")
    page = forum.page(f"/arbeid/oppgjor/{settlement['id']}")
    assert ">240\u00a0000<" in page and "Send til leverandøren" not in page
    assert 'id="settle-form"' not in forum.page(f"/arbeid/avtaler/{agreement['id']}/oppgjor")
    note = settlement["credit_notes"][0]
    refused = _post(forum, settlement["id"], note, "note", {"to": "issued"})
    assert refused.status_code == 403
    assert _note(client, settlement["id"], note["health_trust"])["state"] == "draft"


def test_the_lines_are_filtered_by_trust_and_paged(browser_as, client, agreement, monkeypatch):
    from tracker.web.pages import settlement_view

    settlement = settle(client, agreement["id"])
    browser = browser_as("procurement")
    page = browser.page(f"/arbeid/oppgjor/{settlement['id']}?helseforetak={A}")
    assert len(re.findall(r'<tr id="linje-', page)) == 5
    assert {A} == set(re.findall(r"<td>([^<]+ HF)</td>", html.unescape(page)))
    assert f'lines.csv?health_trust={A.replace(" ", "+")}' in page
    monkeypatch.setattr(settlement_view, "PAGE", 5)
    second = _text(browser.page(f"/arbeid/oppgjor/{settlement['id']}?side=2"))
    assert "Linje 6–10 av 12" in second and "2 / 3" in second
    ids = list(_line_ids(client, settlement["id"]).values())
    assert re.findall(r"linje-(\d+)", browser.page(f"/arbeid/oppgjor/{settlement['id']}?side=3")
                      )[:2] == [str(i) for i in ids[10:]]


def test_an_adjustment_is_marked_and_leads_to_the_line_it_corrects(browser_as, client,
                                                                   agreement):
    first = settle(client, agreement["id"])
    late_death(client, agreement)
    second = settle(client, agreement["id"], "2026-07-01", "2026-10-01")
    browser = browser_as("procurement")
    page = browser.page(f"/arbeid/oppgjor/{second['id']}")
    original = _line_ids(client, first["id"])["P09"]
    (adjustment,) = _line_ids(client, second["id"]).values()
    row = _row(page, f"linje-{adjustment}")
    assert "korreksjon" in row and "+60\u00a0000" in row and "død 15.04.2026" in row
    link = re.search(r'class="adjusts" href="([^"]+)"', row)
    assert link and f"korreksjon av linje {original}" in row
    response = browser.get(html.unescape(link.group(1)))
    assert response.status_code == 302
    assert response.headers["Location"] == (f"/arbeid/oppgjor/{first['id']}?side=1"
                                            f"#linje-{original}")
    assert "avventer" in _row(browser.page(f"/arbeid/oppgjor/{first['id']}"),
                              f"linje-{original}")


def test_the_printable_credit_note_holds_the_trusts_lines_and_total(browser_as, client,
                                                                    agreement):
    settlement = settle(client, agreement["id"])
    note = _note(client, settlement["id"], A)
    response = browser_as("procurement").get(
        f"/arbeid/oppgjor/{settlement['id']}/kreditnota/{note['id']}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    text = _text(page)
    assert "Fortrolig – unntatt offentlighet" in text and "Kreditnota" in text
    assert f"Til: {A}" in text and "2. kvartal 2026 (01.04.2026–30.06.2026)" in text
    assert "8 uker fra behandlingsstart" in text
    assert "progresjon, død, stopp på grunn av toksisitet" in text
    assert "Å kreditere i alt (NOK): 120\u00a0000" in text
    assert sorted(re.findall(r">(P\d\d)<", page)) == ["P01", "P02", "P03", "P04", "P05"]
    assert "@media print" in page
    other = client.get(f"/api/v1/settlements/{settlement['id']}").get_json()
    assert browser_as("procurement").get(
        f"/arbeid/oppgjor/{other['id']}/kreditnota/999999").status_code == 404


def test_the_agreement_page_links_to_its_settlements(browser_as, agreement):
    page = browser_as("procurement").page(f"/arbeid/avtaler/{agreement['id']}")
    assert f'href="/arbeid/avtaler/{agreement["id"]}/oppgjor" id="agreement-settlements"' in page
    index = browser_as("forum").page("/arbeid/oppgjor")
    assert f'id="open-settlements-{agreement["id"]}"' in index and 'id="nav-settlements"' in index


def test_a_price_volume_year_is_reckoned_per_trust(browser_as, client):
    rows = [(f"V{i:03d}", A if i % 2 else B, f"2025-{1 + i // 28:02d}-{1 + i % 28:02d}",
             "2025-12-31", "", "", "", "") for i in range(130)]
    agreement = _financial(client, "price_volume", {
        "tiers": [{"min_patients": 0, "discount_percent": 0},
                  {"min_patients": 50, "discount_percent": 10},
                  {"min_patients": 100, "discount_percent": 15}],
        "cost_per_patient_nok": 100000}, rows)
    browser = browser_as("procurement")
    text = _text(browser.page(f"/arbeid/avtaler/{agreement['id']}/oppgjor?year=2025"
                              "&as_of=31.12.2025"))
    assert "130 Pasienter i avtaleåret" in text
    assert "965\u00a0000 Rabatt til gode (NOK)" in text  # 50 x 10 000 + 31 x 15 000, by hand
    assert "50 10 22.02.2025" in text and "100 15 16.04.2025" in text
    english = _text(browser.page(f"/arbeid/avtaler/{agreement['id']}/oppgjor?year=2025"
                                 "&as_of=31.12.2025&lang=en"))
    assert "965,000 Rebate owed (NOK)" in english


def test_a_reckoning_the_terms_cannot_give_says_why_in_norwegian(browser_as, client):
    rows = [("K1", A, "2025-01-01", "2025-12-31", "", "", "", "")]
    agreement = _financial(client, "cap", {"annual_cap_nok": 1000000}, rows)
    page = browser_as("procurement").page(f"/arbeid/avtaler/{agreement['id']}/oppgjor?year=2025")
    assert 'id="reckon-failed"' in page
    assert "Vilkårene sier ikke hva en måned på behandling koster per pasient." in page
