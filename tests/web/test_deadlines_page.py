"""The deadline list in the browser: what the deadlines API lists, filtered as the API filters,
with working CSV, Excel and calendar links."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from tests.factories import create_temporary_introduction

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def two(client: Any) -> list[dict[str, Any]]:
    """Two introductions: review dates and one data-delivery milestone each."""
    return [
        create_temporary_introduction(client, review_date="2027-03-01"),
        create_temporary_introduction(client, review_date="2028-06-30"),
    ]


def _uids(page: str) -> list[str]:
    return re.findall(r'<tr id="deadline-([^"]+)"', page)


def _href(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}" href="([^"]+)"', page)
    assert match, element_id
    return html.unescape(match.group(1))


def test_the_page_lists_what_the_deadlines_api_lists(browser_as, client, two):
    listed = client.get("/api/v1/deadlines").get_json()["items"]
    page = browser_as("secretariat").page("/arbeid/frister")
    assert _uids(page) == [item["uid"] for item in listed]
    assert len(listed) == 4
    review = next(i for i in listed if i["kind"] == "review")
    row = re.search(rf'<tr id="deadline-{review["uid"]}".*?</tr>', page, re.DOTALL)
    assert row is not None
    assert "01.03.2027" in row.group(0) and "Revurdering" in row.group(0)
    assert f'href="/dashboards/introduksjon/{review["introduction_id"]}"' in row.group(0)
    assert "Datalevering" in page and "Forfalt" in page  # the 2025 milestones are overdue
    assert ">milestone<" not in page and ">overdue<" not in page
    english = browser_as("secretariat").page("/arbeid/frister?lang=en")
    assert "Data delivery" in english and "Overdue" in english


def test_the_filters_are_the_apis(browser_as, client, two):
    browser = browser_as("clinician")
    milestones = client.get("/api/v1/deadlines?kind=milestone").get_json()["items"]
    page = browser.page("/arbeid/frister?kind=milestone")
    assert _uids(page) == [i["uid"] for i in milestones] and len(milestones) == 2

    later = client.get("/api/v1/deadlines?date_from=2027-06-01").get_json()["items"]
    page = browser.page("/arbeid/frister?date_from=01.06.2027")
    assert _uids(page) == [i["uid"] for i in later] and len(later) == 1
    assert 'value="01.06.2027"' in page

    one = two[0]["id"]
    theirs = client.get(f"/api/v1/deadlines?introduction_id={one}").get_json()["items"]
    assert _uids(browser.page(f"/arbeid/frister?introduction_id={one}")) == \
        [i["uid"] for i in theirs]

    bad = browser.page("/arbeid/frister?date_to=31.02.2027")
    assert 'id="error-date_to"' in bad and "Datoen finnes ikke" in bad
    assert len(_uids(bad)) == 4  # the date that does not exist filters nothing


def test_the_export_and_calendar_links_work_with_the_same_filters(browser_as, client, two):
    browser = browser_as("secretariat")
    page = browser.page("/arbeid/frister?kind=review")

    csv_link = _href(page, "export-csv")
    assert csv_link == "/api/v1/deadlines.csv?kind=review"
    exported = browser.get(csv_link)
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert exported.get_data() == client.get("/api/v1/deadlines.csv?kind=review").get_data()
    assert exported.get_data(as_text=True).count("\r\n") == 1 + 2

    workbook = browser.get(_href(page, "export-xlsx"))
    assert workbook.status_code == 200 and workbook.mimetype == XLSX
    assert workbook.get_data()[:2] == b"PK"

    calendar = browser.get(_href(page, "ical-download"))
    assert calendar.status_code == 200 and calendar.mimetype == "text/calendar"
    assert calendar.get_data(as_text=True).count("BEGIN:VEVENT") == 2
    assert 'value="http://localhost/api/v1/calendar.ics?kind=review"' in page
    assert 'id="ical-url" type="text" readonly' in page


def test_the_public_is_sent_to_log_in(anonymous):
    response = anonymous.get("/arbeid/frister")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
