"""Everything the public section serves, searched for what it must never show.

A crawler starts where a visitor does (`/offentlig/`, in Norwegian and in English), follows every
link that stays in the public section — each introduction's page, each download, the feed — and
searches every answer for each confidential price, discount, share and term of the demo
agreements and each cost per QALY computed with a confidential price. The hidden counts of the
individual-access statistics are then checked where the public reads them: empty in the download
and marked as fewer than 5 on the page, never the number."""

from __future__ import annotations

import io
import re
from collections import deque
from typing import Any

import pandas as pd
import pytest

from tests.dashboards.confidential import confidential_needles, leaks

START = ("/offentlig/", "/offentlig/?lang=en")
HREF = re.compile(r"""href=["']([^"'#]+)""")


@pytest.fixture
def demo(cli):  # type: ignore[no-untyped-def]
    """The demo as `make run` leaves it, copied from a database seeded once per worker."""
    return cli


def crawl(client: Any, limit: int = 400) -> dict[str, str]:
    """Every public answer reachable from the start pages: {path: text}."""
    seen: dict[str, str] = {}
    queue = deque(START)
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        text = response.get_data(as_text=True)
        seen[path] = text
        if response.mimetype == "text/html":
            for link in HREF.findall(text):
                link = link.replace("&amp;", "&")
                if link.startswith("/offentlig") and link not in seen:
                    queue.append(link)
    return seen


# The crawls read what the pages render, the same on either database (the public pages' own
# tests run on both): SQLite is enough for them.
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])


@SQLITE_ONLY
def test_no_public_page_download_or_feed_entry_shows_a_confidential_value(demo, anonymous):
    answers = crawl(anonymous)
    kinds = {path.rsplit(".", 1)[-1] for path in answers if "/data/" in path}
    assert {"csv", "json"} <= kinds, "the crawler reached the downloads"
    assert any(path.startswith("/offentlig/nyheter.atom") for path in answers), "and the feed"
    assert sum("/offentlig/innforinger/" in path for path in answers) >= 7, "and every page"
    needles = confidential_needles()
    assert needles, "the demo has confidential values to look for"
    found = {path: hits for path, text in answers.items() if (hits := leaks(needles, text))}
    assert not found, found


@SQLITE_ONLY
def test_the_public_section_answers_as_the_public_for_a_signed_in_administrator(demo, client):
    """An administrator sees confidential prices elsewhere, but not here: the public section
    shows what was decided for everyone, whoever looks."""
    answers = crawl(client, limit=60)
    needles = confidential_needles()
    found = {path: hits for path, text in answers.items() if (hits := leaks(needles, text))}
    assert not found, found


def test_hidden_counts_are_empty_in_the_download_and_marked_on_the_page(demo, anonymous,
                                                                        client):
    """A count shown for all schemes together is hidden when any scheme's part of it is 1–4
    (group exceptions aside: they are published one by one, 000 L492–495)."""
    keys = ("year", "region", "diagnosis_group", "method", "scheme")
    parts: dict[tuple, list[int]] = {}
    for scheme in ("individual_exception", "access_scheme"):  # the administrator sees all
        staff = client.get(f"/api/v1/access-statistics?scheme={scheme}").get_json()
        for table, rows in staff["tables"].items():
            for row in rows:
                for column in ("granted", "refused", "total"):
                    where = (table, row["row_type"], column,
                             *(str(row.get(k)) for k in keys if table != "scheme" or k != "scheme"))
                    parts.setdefault(where, []).append(row[column])
    public = pd.read_csv(io.BytesIO(
        anonymous.get("/offentlig/data/tilgangsstatistikk.csv").get_data()), dtype=str)
    small = 0
    for record in public.to_dict("records"):
        table = record["table"]
        for column in ("granted", "refused", "total"):
            where = (table, record["row_type"], column,
                     *(str(record[k]) if isinstance(record[k], str) else "None"
                       for k in keys if table != "scheme" or k != "scheme"))
            if any(1 <= (v or 0) <= 4 for v in parts.get(where, [])):
                small += 1
                assert pd.isna(record[column]), (where, record)
    assert small, "the demo has counts under 5 to hide"
    page = anonymous.get("/offentlig/individuell-tilgang").get_data(as_text=True)
    hidden = int(public[["granted", "refused", "total"]].isna().sum().sum())
    assert page.count(">skjult<") >= hidden > 0
