"""New flags reach the responsible people: by e-mail through a real SMTP server, or in a digest."""

from __future__ import annotations

from tests.factories import create_temporary_introduction
from tests.flags.helpers import flags, sweep

SECRETARIAT = "sekretariat@example.org"


def _notifications(client, recipient=SECRETARIAT, **filters):
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    response = client.get(f"/api/v1/notifications?recipient={recipient}&{query}")
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_a_new_flag_is_e_mailed_to_the_people_responsible(client, mailbox):
    intro = create_temporary_introduction(
        client,
        milestones=[],
        review_date="2027-03-01",
        responsible_emails=[SECRETARIAT, "Fagansvarlig@Example.org"],
    )
    report = sweep(client, "2027-01-15")
    assert report["notifications_queued"] == 2 and report["emails_sent"] == 2

    [message] = mailbox.to(SECRETARIAT)
    method = f"{intro['nye_metoder_id']} {intro['active_substance']} (Testora)"
    assert message["Subject"] == f"[Nye metoder] Revurdering nærmer seg: {method}"
    body = mailbox.body(message)
    assert "Revurdering forfaller 01.03.2027 (om 45 dager)." in body
    assert f"Lenke: /api/v1/introductions/{intro['id']}" in body
    assert "Du får denne e-posten fordi du står som ansvarlig" in body
    assert len(mailbox.to("fagansvarlig@example.org")) == 1

    assert sweep(client, "2027-01-16")["emails_sent"] == 0  # told once, not every day
    assert len(mailbox.messages) == 2

    [note] = _notifications(client)
    assert note["channel"] == "email" and note["sent_at"] and note["read_at"] is None
    assert note["flag"]["kind"] == "review_upcoming" and note["flag"]["is_open"]
    read = client.post(f"/api/v1/notifications/{note['id']}/read")
    assert read.status_code == 200 and read.json["read_at"]
    assert _notifications(client, unread="true") == []
    assert client.post("/api/v1/notifications/999999/read").status_code == 404


def test_links_in_e_mails_use_the_public_address_when_one_is_set(client, mailbox, settings):
    settings.public_base_url = "https://tracker.example.org/"
    intro = create_temporary_introduction(client, milestones=[], review_date="2027-03-01")
    sweep(client, "2027-01-15")
    body = mailbox.body(mailbox.messages[0])
    assert f"Lenke: https://tracker.example.org/api/v1/introductions/{intro['id']}" in body


def test_a_failed_send_is_retried_by_the_next_sweep_without_breaking_it(client, mailbox, settings):
    create_temporary_introduction(
        client,
        milestones=[],
        review_date="2027-03-01",
        responsible_emails=[SECRETARIAT, "fag@example.org"],
    )
    port = settings.smtp_port
    settings.smtp_port = 1  # nothing listens there
    report = sweep(client, "2027-01-15")
    # The server is unreachable: one attempt fails, the rest wait instead of timing out each.
    assert report["opened"] and report["emails_failed"] == 1 and report["emails_sent"] == 0
    notes = _notifications(client) + _notifications(client, recipient="fag@example.org")
    assert [n["sent_at"] for n in notes] == [None, None]
    assert sorted(n["attempts"] for n in notes) == [0, 1]
    assert mailbox.messages == []

    settings.smtp_port = port
    assert sweep(client, "2027-01-16")["emails_sent"] == 2
    assert len(mailbox.to(SECRETARIAT)) == 1 and len(mailbox.to("fag@example.org")) == 1
    [note] = _notifications(client)
    assert note["sent_at"] is not None


def test_a_digest_recipient_gets_one_e_mail_a_day_listing_the_new_flags(
    client, mailbox, cli, settings, monkeypatch
):
    from tracker.cli import main

    monkeypatch.setenv("TRACKER_SMTP_HOST", settings.smtp_host)
    monkeypatch.setenv("TRACKER_SMTP_PORT", str(settings.smtp_port))

    first = create_temporary_introduction(client, milestones=[], review_date="2027-03-01")
    second = create_temporary_introduction(client, milestones=[], review_date="2026-12-01")
    chosen = client.put(
        f"/api/v1/notification-preferences/{SECRETARIAT}", json={"mode": "daily_digest"}
    )
    assert chosen.status_code == 200 and chosen.json["mode"] == "daily_digest"
    assert client.get(f"/api/v1/notification-preferences/{SECRETARIAT}").json["mode"] == (
        "daily_digest"
    )

    report = sweep(client, "2027-01-15")
    assert report["notifications_queued"] == 2 and report["emails_sent"] == 0
    assert mailbox.messages == []
    assert {n["channel"] for n in _notifications(client)} == {"digest"}

    sent = cli.invoke(main, ["flags", "digest", "--today", "2027-01-15"])
    assert sent.exit_code == 0 and "Digest: 1 e-mails sent." in sent.output, sent.output
    [digest] = mailbox.to(SECRETARIAT)
    assert digest["Subject"] == "[Nye metoder] Daglig sammendrag 2027-01-15: 2 nye varsler"
    body = mailbox.body(digest)
    assert first["nye_metoder_id"] in body and second["nye_metoder_id"] in body
    assert "Revurdering på overtid" in body and "Revurdering nærmer seg" in body
    assert all(n["sent_at"] for n in _notifications(client))

    assert (
        "Digest: 0 e-mails sent."
        in cli.invoke(main, ["flags", "digest", "--today", "2027-01-15"]).output
    )
    assert (
        "Digest: 0 e-mails sent."
        in cli.invoke(main, ["flags", "digest", "--today", "2027-01-16"]).output
    )
    assert len(mailbox.messages) == 1


def test_a_snoozed_flag_is_notified_again_when_the_snooze_ends(client, mailbox):
    create_temporary_introduction(client, milestones=[], review_date="2027-03-01")
    sweep(client, "2027-01-15")
    [flag] = flags(client)
    client.post(
        f"/api/v1/flags/{flag['id']}/snooze",
        json={"until": "2027-02-01", "reason": "Ferie", "as_of": "2027-01-15",
              "version": flag["version"]},
    )
    assert sweep(client, "2027-01-31")["emails_sent"] == 0
    assert sweep(client, "2027-02-01")["emails_sent"] == 1
    assert len(mailbox.messages) == 2
    assert sweep(client, "2027-02-02")["emails_sent"] == 0


def test_nobody_is_notified_when_nobody_is_responsible(client, mailbox):
    create_temporary_introduction(client, review_date="2027-03-01", responsible_emails=[])
    report = sweep(client, "2027-01-15")
    assert report["opened"] and report["notifications_queued"] == 0
    assert mailbox.messages == []


def test_bad_recipients_are_refused(client):
    assert client.get("/api/v1/notifications?recipient=kari").status_code == 422
    assert (
        client.put(
            "/api/v1/notification-preferences/kari", json={"mode": "daily_digest"}
        ).status_code
        == 422
    )
    assert (
        client.put(
            f"/api/v1/notification-preferences/{SECRETARIAT}", json={"mode": "weekly"}
        ).status_code
        == 422
    )
