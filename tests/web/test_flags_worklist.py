"""The work list of open flags: mine or all, by kind and introduction; acknowledged and snoozed
with a reason from its rows, as the API's own operations store it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from tests.factories import create_temporary_introduction, post_current
from tests.flags.helpers import flags, free_port, sweep
from tests.web.conftest import csrf_of
from tracker.flags.enums import KIND_LABELS, FlagKind
from tracker.flags.say import EN, NB
from tracker.timeutil import today

ME = "secretariat-web@example.org"


@pytest.fixture(autouse=True)
def _no_real_mail_server(settings: Any) -> None:
    """The sweep notifies the responsible people: point e-mail at a closed local port."""
    settings.smtp_host = "127.0.0.1"
    settings.smtp_port = free_port()
    settings.smtp_timeout_seconds = 2


@pytest.fixture
def raised(client: Any) -> dict[str, Any]:
    """Two introductions with review flags: one the secretariat user is responsible for (its
    review is due in a month), one of others (its review is overdue)."""
    day = today()
    mine = create_temporary_introduction(
        client, milestones=[], review_date=(day + timedelta(days=30)).isoformat(),
        responsible_emails=[ME, "fagmiljo@example.org"])
    theirs = create_temporary_introduction(
        client, milestones=[], review_date=(day - timedelta(days=10)).isoformat(),
        responsible_emails=["andre@example.org"])
    sweep(client, day.isoformat())
    [upcoming] = flags(client, kind="review_upcoming")
    [overdue] = flags(client, kind="review_overdue")
    assert upcoming["introduction_id"] == mine["id"] and overdue["introduction_id"] == theirs["id"]
    return {"mine": mine, "theirs": theirs, "upcoming": upcoming, "overdue": overdue}


def _row(page: str, flag_id: int) -> str:
    match = re.search(rf'<tr id="flag-{flag_id}".*?</tr>', page, re.DOTALL)
    return match.group(0) if match else ""


def _visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def _post(browser: Any, flag_id: int, action: str, data: dict[str, str], *,
          version: int | None = None, client: Any = None, query: str = "") -> Any:
    page = browser.page("/arbeid/varsler?include_snoozed=true")
    if version is None:
        version = client.get(f"/api/v1/flags/{flag_id}").get_json()["version"]
    path = {"ack": "kvitter", "snooze": "utsett"}[action]
    sent = {"csrf_token": csrf_of(page), "version": str(version)}
    sent.update({f"{action}-{flag_id}.{k}": v for k, v in data.items()})
    return browser.client.post(f"/arbeid/varsler/{flag_id}/{path}{query}", data=sent)


def test_the_work_list_shows_every_open_flag_labelled_with_its_introduction(
        browser_as, raised):
    page = browser_as("secretariat").page("/arbeid/varsler")
    upcoming, overdue = raised["upcoming"], raised["overdue"]
    first, second = _row(page, upcoming["id"]), _row(page, overdue["id"])
    assert first and second
    assert page.index(second) < page.index(first)  # the earlier due date first
    assert "Revurdering nærmer seg" in first and "Revurdering på overtid" in second
    assert f'href="/dashboards/introduksjon/{raised["mine"]["id"]}"' in first
    assert raised["mine"]["nye_metoder_id"] in first
    due = upcoming["due_date"]
    assert f"{due[8:10]}.{due[5:7]}.{due[0:4]}" in first
    assert "review_upcoming" not in _visible(page) and "review_overdue" not in _visible(page)
    assert 'id="ack-form-' in first and 'id="snooze-form-' in first
    english = browser_as("secretariat").page("/arbeid/varsler?lang=en")
    assert "Reassessment approaching" in english and "Acknowledge the flag" in english


def test_the_english_work_list_says_why_in_english_and_the_words_follow_the_days(
        browser_as, client, raised):
    upcoming, overdue = raised["upcoming"], raised["overdue"]
    english = browser_as("secretariat").page("/arbeid/varsler?lang=en")
    due = date.fromisoformat(upcoming["due_date"])
    row = _row(english, upcoming["id"])
    assert f"Reassessment due {EN.date(due)} (in 30 days)." in _visible(row)
    assert "forfaller" not in row and 'lang="nb"' not in row
    passed = date.fromisoformat(overdue["due_date"])
    assert (f"The reassessment was due {EN.date(passed)} (10 days overdue), and no reassessment "
            "decision has been made.") in _visible(_row(english, overdue["id"]))
    assert upcoming["message"] == f"Revurdering forfaller {NB.date(due)} (om 30 dager)."

    # The next morning's sweep rewrites the words, not the version: an acknowledgement typed
    # against the flag as it was read yesterday still goes in.
    sweep(client, (today() + timedelta(days=1)).isoformat())
    after = client.get(f"/api/v1/flags/{upcoming['id']}").get_json()
    assert after["message"] == f"Revurdering forfaller {NB.date(due)} (om 29 dager)."
    assert after["message_en"] == f"Reassessment due {EN.date(due)} (in 29 days)."
    assert after["version"] == upcoming["version"]
    acknowledged = client.post(f"/api/v1/flags/{upcoming['id']}/acknowledge",
                               json={"version": upcoming["version"], "reason": "Bestilt."})
    assert acknowledged.status_code == 200, acknowledged.get_json()
    norwegian = browser_as("secretariat").page("/arbeid/varsler")
    assert "om 29 dager" in _row(norwegian, upcoming["id"])


def test_every_flag_kind_has_a_label_in_both_languages():
    from tracker.web.pages.flags import kind_label

    for kind in FlagKind:
        assert kind_label(kind.value, "nb") == KIND_LABELS[kind]
        assert kind_label(kind.value, "en") not in (kind.value, KIND_LABELS[kind])


def test_mine_shows_the_flags_of_introductions_i_am_responsible_for(browser_as, raised):
    browser = browser_as("secretariat")
    everything = browser.page("/arbeid/varsler")
    assert "Alle (2)" in everything and "Mine (1)" in everything and ME in everything
    mine = browser.page("/arbeid/varsler?vis=mine")
    assert _row(mine, raised["upcoming"]["id"]) and not _row(mine, raised["overdue"]["id"])
    # Someone responsible for nothing has no flags of their own.
    other = browser_as("procurement").page("/arbeid/varsler?vis=mine")
    assert "Mine (0)" in other and 'id="flags-none"' in other


def test_the_list_is_filtered_by_kind_and_by_introduction(browser_as, raised):
    browser = browser_as("secretariat")
    by_kind = browser.page("/arbeid/varsler?kind=review_overdue")
    assert _row(by_kind, raised["overdue"]["id"]) and not _row(by_kind, raised["upcoming"]["id"])
    assert '<option value="review_overdue" selected>' in by_kind
    by_intro = browser.page(f"/arbeid/varsler?introduction_id={raised['mine']['id']}")
    assert _row(by_intro, raised["upcoming"]["id"]) and not _row(by_intro,
                                                                raised["overdue"]["id"])
    nothing = browser.page(f"/arbeid/varsler?kind=review_overdue&introduction_id="
                           f"{raised['mine']['id']}")
    assert 'id="flags-none"' in nothing


def test_a_flag_acknowledged_from_the_work_list_is_acknowledged_in_the_api(
        browser_as, client, raised):
    browser = browser_as("secretariat")
    flag_id = raised["upcoming"]["id"]

    response = _post(browser, flag_id, "ack", {"reason": "Revurderingen er bestilt."},
                     client=client, query="?vis=mine")

    assert response.status_code == 302
    assert response.headers["Location"] == "/arbeid/varsler?vis=mine"
    stored = client.get(f"/api/v1/flags/{flag_id}").get_json()
    assert stored["acknowledged_reason"] == "Revurderingen er bestilt."
    assert stored["acknowledged_by"] == "secretariat-web" and stored["is_open"]
    page = browser.page("/arbeid/varsler?vis=mine")
    assert "Varselet er kvittert." in page
    assert "Kvittert av secretariat-web" in _row(page, flag_id)
    assert "Revurderingen er bestilt." in _row(page, flag_id)
    audit = client.get(f"/api/v1/audit/flags/{flag_id}").get_json()
    assert audit["events"][-1]["interface"] == "web"


def test_an_acknowledgement_without_a_reason_is_refused_next_to_the_field(
        browser_as, client, raised):
    browser = browser_as("secretariat")
    flag_id = raised["upcoming"]["id"]

    response = _post(browser, flag_id, "ack", {"reason": ""}, client=client)

    assert response.status_code == 422
    row = _row(response.get_data(as_text=True), flag_id)
    assert f'id="error-ack-{flag_id}-reason"' in row and "Må fylles ut." in row
    assert f'<details id="actions-{flag_id}" open>' in row
    assert client.get(f"/api/v1/flags/{flag_id}").get_json()["acknowledged_at"] is None


def test_a_flag_is_snoozed_until_a_date_and_hidden_until_then(browser_as, client, raised):
    browser = browser_as("secretariat")
    flag_id = raised["overdue"]["id"]
    until = today() + timedelta(days=60)

    too_soon = _post(browser, flag_id, "snooze",
                     {"until": today().strftime("%d.%m.%Y"), "reason": "Venter"}, client=client)
    assert too_soon.status_code == 422
    assert "Utsett til en dato etter i dag" in _row(too_soon.get_data(as_text=True), flag_id)
    assert client.get(f"/api/v1/flags/{flag_id}").get_json()["snoozed_until"] is None

    response = _post(browser, flag_id, "snooze",
                     {"until": until.strftime("%d.%m.%Y"), "reason": "Data kommer i mars."},
                     client=client)

    assert response.status_code == 302
    stored = client.get(f"/api/v1/flags/{flag_id}").get_json()
    assert stored["snoozed_until"] == until.isoformat()
    assert stored["snoozed_reason"] == "Data kommer i mars."
    assert stored["snoozed_by"] == "secretariat-web"
    page = browser.page("/arbeid/varsler")
    assert f"Varselet er utsatt til {until.strftime('%d.%m.%Y')}." in page
    assert not _row(page, flag_id)
    shown = browser.page("/arbeid/varsler?include_snoozed=&include_snoozed=true")
    assert f"Utsatt til {until.strftime('%d.%m.%Y')} av secretariat-web" in _row(shown, flag_id)


def test_a_stale_acknowledgement_shows_what_changed_and_overwrites_nothing(
        browser_as, client, raised, as_user):
    browser = browser_as("secretariat")
    flag_id = raised["upcoming"]["id"]
    page = browser.page("/arbeid/varsler")
    opened = re.search(r'name="_base" value="([^"]*)"', _row(page, flag_id))
    version = raised["upcoming"]["version"]
    assert opened is not None
    other = post_current(client, f"/api/v1/flags/{flag_id}/acknowledge",
                         {"reason": "Ola tok den."}, read=f"/api/v1/flags/{flag_id}",
                         headers=as_user("ola"))
    assert other.status_code == 200

    import html

    response = browser.client.post(f"/arbeid/varsler/{flag_id}/kvitter", data={
        "csrf_token": csrf_of(page), "version": str(version),
        "_base": html.unescape(opened.group(1)), f"ack-{flag_id}.reason": "Kari tok den."})

    assert response.status_code == 409
    shown = response.get_data(as_text=True)
    assert 'id="stale-conflict"' in shown and "Ola tok den." in shown
    assert 'value="Kari tok den."' in shown  # what Kari typed is kept
    assert client.get(f"/api/v1/flags/{flag_id}").get_json()["acknowledged_reason"] == \
        "Ola tok den."


def test_roles_without_the_right_see_no_buttons_and_a_forged_post_is_refused(
        browser_as, client, raised):
    flag_id = raised["upcoming"]["id"]
    for role in ("clinician", "forum"):
        page = browser_as(role).page("/arbeid/varsler")
        assert _row(page, flag_id) and 'id="ack-form-' not in page
    clinician = browser_as("clinician")
    forged = _post(clinician, flag_id, "ack", {"reason": "x"}, client=client)
    assert forged.status_code == 403
    assert client.get(f"/api/v1/flags/{flag_id}").get_json()["acknowledged_at"] is None
    procurement = browser_as("procurement").page("/arbeid/varsler")
    assert f'id="ack-form-{flag_id}"' in procurement
