"""For the secretariat's habits: an iCalendar feed, and the deadline list as CSV and Excel."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from tests.factories import create_temporary_introduction, patch_current
from tests.flags.helpers import free_port
from tracker.deadlines import ical
from tracker.deadlines.service import Deadline, DeadlineKind, DeadlineStatus
from tracker.flags.enums import SubjectType


def _deadline(**over: object) -> Deadline:
    fields: dict[str, object] = {
        "uid": "review-introduction-1",
        "kind": DeadlineKind.review,
        "date": date(2027, 3, 1),
        "status": DeadlineStatus.upcoming,
        "title": "Revurdering: ID2024_001 testinib",
        "description": "Kriterier",
        "introduction_id": 1,
        "nye_metoder_id": "ID2024_001",
        "method": "ID2024_001 testinib",
        "subject_type": SubjectType.introduction,
        "subject_id": 1,
        "link": "/api/v1/introductions/1",
        "sequence": 0,
        "updated_at": datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
    }
    fields.update(over)
    return Deadline(**fields)  # type: ignore[arg-type]


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_text_is_escaped_and_long_lines_are_folded_at_75_octets():
    assert ical.escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    line = "DESCRIPTION:" + "Blåbærsyltetøy, æ ø å; " * 12
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line  # no character split or lost


def test_calendar_has_one_all_day_event_per_deadline_with_crlf_lines():
    text = ical.calendar(
        [
            _deadline(),
            _deadline(
                uid="milestone-4", date=date(2025, 6, 30), title="Datalevering, INSPIRE; første"
            ),
        ]
    )
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = _unfold(text)
    assert lines.count("BEGIN:VEVENT") == 2
    assert "UID:review-introduction-1@nye-metoder-tracker" in lines
    assert "DTSTART;VALUE=DATE:20270301" in lines and "DTEND;VALUE=DATE:20270302" in lines
    assert "DTSTAMP:20261101T120000Z" in lines
    assert "SUMMARY:Datalevering\\, INSPIRE\\; første" in lines


def test_the_feed_updates_an_event_when_the_review_date_moves(client):
    intro = create_temporary_introduction(client, review_date="2027-03-01")
    first = client.get("/api/v1/calendar.ics")
    assert first.status_code == 200
    assert first.headers["Content-Type"].startswith("text/calendar")
    lines = _unfold(first.get_data(as_text=True))
    uid = f"UID:review-introduction-{intro['id']}@nye-metoder-tracker"
    milestone = intro["milestones"][0]
    assert uid in lines and f"UID:milestone-{milestone['id']}@nye-metoder-tracker" in lines
    assert "DTSTART;VALUE=DATE:20270301" in lines and "DTSTART;VALUE=DATE:20250630" in lines
    assert _unfold(client.get("/api/v1/calendar.ics").get_data(as_text=True)) == lines

    patch_current(
        client,
        f"/api/v1/introductions/{intro['id']}",
        json={"review_date": "2027-09-01", "review_date_reason": "Data forsinket"},
    )
    moved = _unfold(client.get("/api/v1/calendar.ics").get_data(as_text=True))
    event = moved[moved.index(uid) - 1 : moved.index(uid) + 10]
    assert "DTSTART;VALUE=DATE:20270901" in event
    assert "SEQUENCE:1" in event  # same UID, higher sequence: clients update, not duplicate
    assert moved.count(uid) == 1


def test_a_milestone_met_by_a_delivery_is_a_new_revision_of_its_event(client):
    intro = create_temporary_introduction(client, review_date="2027-03-01")
    uid = f"UID:milestone-{intro['milestones'][0]['id']}@nye-metoder-tracker"

    def event() -> list[str]:
        lines = _unfold(client.get("/api/v1/calendar.ics").get_data(as_text=True))
        return lines[lines.index(uid) - 1 : lines.index(uid) + 10]

    before = event()
    assert "SEQUENCE:0" in before
    assert not any(line.startswith("SUMMARY:[Utført]") for line in before)
    extract = ("patient_id,treatment_start,last_followup\n"
               "PSN-1,2024-03-01,2024-12-31\nPSN-2,2024-05-01,2024-12-31\n")
    imported = client.post(f"/api/v1/introductions/{intro['id']}/feeds", data={
        "file": (io.BytesIO(extract.encode()), "uttrekk.csv"), "source": "INSPIRE",
        "data_cut": "2024-12-31"}, content_type="multipart/form-data")
    assert imported.status_code == 201, imported.json
    after = event()
    assert any(line.startswith("SUMMARY:[Utført]") for line in after)
    assert "SEQUENCE:1" in after  # clients replace the event they have instead of ignoring it


@pytest.fixture
def deadlines(client, settings):
    """An overdue milestone, an upcoming review with its flag, and an agreement that ended."""
    settings.smtp_host, settings.smtp_port = "127.0.0.1", free_port()
    intro = create_temporary_introduction(client, review_date="2027-03-01")
    client.post(
        "/api/v1/agreements",
        json={
            "type": "flat_discount",
            "method_id": intro["method_id"],
            "introduction_id": intro["id"],
            "start_date": "2024-04-01",
            "end_date": "2026-12-31",
            "status": "expired",
        },
    )
    client.post(
        f"/api/v1/introductions/{intro['id']}/milestones",
        json={
            "data_source": "INSPIRE",
            "description": '=HYPERLINK("http://x")',
            "expected_date": "2027-06-30",
            "responsible_party": "Kreftregisteret",
        },
    )
    assert client.post("/api/v1/flags/sweep", json={"as_of": "2027-01-15"}).status_code == 200
    return intro


def test_the_deadline_list_gives_status_and_open_flags(client, deadlines):
    body = client.get("/api/v1/deadlines?as_of=2027-01-15").json
    assert body["as_of"] == "2027-01-15"
    rows = [(d["kind"], d["date"], d["status"], d["open_flags"]) for d in body["items"]]
    assert rows == [
        ("milestone", "2025-06-30", "overdue", ["data_delivery_overdue"]),
        ("agreement_end", "2026-12-31", "done", []),
        ("review", "2027-03-01", "upcoming", ["review_upcoming"]),
        ("milestone", "2027-06-30", "upcoming", []),
    ]
    review = body["items"][2]
    assert review["link"] == f"/api/v1/introductions/{deadlines['id']}"
    assert review["kind_label"] == "Revurdering"
    overdue = client.get("/api/v1/deadlines?as_of=2027-01-15&status=overdue").json["items"]
    assert [d["kind"] for d in overdue] == ["milestone"]
    window = client.get("/api/v1/deadlines?date_from=2027-01-01&date_to=2027-12-31").json
    assert [d["kind"] for d in window["items"]] == ["review", "milestone"]


def test_csv_export_of_the_deadline_list(client, deadlines):
    response = client.get("/api/v1/deadlines.csv?as_of=2027-01-15")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert 'filename="frister-2027-01-15.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["date"], r["kind"], r["status"]) for r in rows] == [
        ("2025-06-30", "milestone", "overdue"),
        ("2026-12-31", "agreement_end", "done"),
        ("2027-03-01", "review", "upcoming"),
        ("2027-06-30", "milestone", "upcoming"),
    ]
    assert rows[2]["open_flags"] == "review_upcoming"
    assert rows[3]["description"].startswith("'=HYPERLINK")  # not run as a formula


def test_excel_export_of_the_deadline_list(client, deadlines):
    response = client.get("/api/v1/deadlines.xlsx?as_of=2027-01-15")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Dato", "Status", "Type frist", "ID")
    assert rows[1][0] == datetime(2025, 6, 30) and rows[1][1] == "forfalt"
    assert rows[3][1] == "kommende" and rows[3][7] == "review_upcoming"
    assert sheet["G5"].value.startswith("=HYPERLINK") and sheet["G5"].data_type == "s"
    assert sheet.freeze_panes == "A2"


def test_the_deadline_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "text/calendar" in paths["/api/v1/calendar.ics"]["get"]["responses"]["200"]["content"]
    for path in (
        "/api/v1/deadlines",
        "/api/v1/deadlines.csv",
        "/api/v1/deadlines.xlsx",
        "/api/v1/flags",
        "/api/v1/flags/sweep",
        "/api/v1/notifications",
        "/api/v1/reassessments/{case_id}/transitions",
    ):
        assert path in paths
