"""The public news feed (`/offentlig/nyheter.atom`), read with a real feed parser as a feed
reader would, on the demo as `make run` leaves it (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from typing import Any

import feedparser
import pandas as pd
import pytest

from tests.public.test_open_data import move_review_date

FEED = "/offentlig/nyheter.atom"


@pytest.fixture
def demo(cli):  # type: ignore[no-untyped-def]
    """The demo as `make run` leaves it, copied from a database seeded once per worker."""
    return cli


def read(client: Any, path: str = FEED) -> Any:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def demo_introduction(client: Any, nye_metoder_id: str) -> dict[str, Any]:
    items = client.get("/api/v1/introductions?limit=500").json["items"]
    return next(i for i in items if i["nye_metoder_id"] == nye_metoder_id)


def test_the_feed_validates_and_lists_decisions_review_dates_and_reassessments(demo, anonymous):
    feed = read(anonymous)
    assert feed.feed.title == "Nye metoder: beslutninger, revurderingsdatoer og revurderinger"
    assert feed.feed.id.startswith("tag:")
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": f"http://localhost{FEED}", "alternate": "http://localhost/offentlig/"}
    kinds = [entry.tags[0].term for entry in feed.entries]
    assert kinds.count("decision") == 7, "one per temporary introduction of the demo"
    assert kinds.count("reassessment") == 1, "the demo's one decided reassessment"
    assert kinds.count("review_date") == 1, "and its one review date moved after the decision"
    moved = feed.entries[kinds.index("review_date")]
    assert "31.12.2027" in moved.summary and "30.06.2028" in moved.summary
    assert "Muskelregisteret" in moved.summary, "with the reason"
    decided = feed.entries[kinds.index("reassessment")]
    assert "Videreføres for undergrupper, resten utfases" in decided.title, "outcome in words"

    times = [entry.updated_parsed for entry in feed.entries]
    assert times == sorted(times, reverse=True), "newest first"
    assert feed.feed.updated_parsed == times[0]
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)
    for entry in feed.entries:
        assert entry.id.startswith("tag:") and entry.title and entry.summary
        path = entry.link.removeprefix("http://localhost")
        assert path.startswith("/offentlig/innforinger/"), entry.link
        assert anonymous.get(path).status_code == 200, "the link leads to the public page"


def test_entry_ids_stay_the_same_when_the_data_change(demo, client, anonymous):
    before = {entry.id: entry.updated_parsed for entry in read(anonymous).entries}
    intro = demo_introduction(client, "ID2021_901")
    move_review_date(client, intro["id"], "2027-03-31", "Utsatt til endelig analyse (test).")
    after = {entry.id: entry.updated_parsed for entry in read(anonymous).entries}
    assert len(after) == len(before) + 1
    assert {k: v for k, v in after.items() if k in before} == before


def test_a_review_date_changed_through_the_api_is_in_the_feed_and_the_history(
        demo, client, anonymous):
    intro = demo_introduction(client, "ID2022_906")
    old = intro["review_date"]
    reason = "Registeruttrekket er forsinket til 2. kvartal (test)."
    move_review_date(client, intro["id"], "2027-09-30", reason)

    newest = read(anonymous).entries[0]
    assert newest.tags[0].term == "review_date"
    assert newest.title == "Ny revurderingsdato for Keytruda (ID2022_906): 30.09.2027"
    assert "31.03.2027" in newest.summary and "30.09.2027" in newest.summary
    assert reason in newest.summary
    assert newest.link == f"http://localhost/offentlig/innforinger/{intro['id']}"

    history = pd.read_csv(io.BytesIO(anonymous.get("/offentlig/data/revurderingsdatoer.csv").data),
                          dtype=str, keep_default_na=False)
    mine = history[history["introduction_id"] == str(intro["id"])]
    assert mine[["old_date", "new_date", "reason"]].values.tolist()[-1] == [
        old, "2027-09-30", reason]
    introductions = anonymous.get("/offentlig/data/introduksjoner.json").json["items"]
    row = next(i for i in introductions if i["id"] == intro["id"])
    assert row["review_date"] == "2027-09-30" and row["review_date_changes"] == 1


def test_the_english_feed_is_in_english(demo, anonymous):
    feed = read(anonymous, FEED + "?lang=en")
    assert feed.feed.title == "Nye metoder: decisions, review dates and reassessments"
    assert feed.feed.language == "en"
    titles = [entry.title for entry in feed.entries]
    assert any(t.startswith("Temporarily introduced: ") for t in titles)
    assert any(t.startswith("New review date for Zolgensma") for t in titles)
    assert any("Continued for subgroups, phased out for the rest" in t for t in titles)
    assert not any(t.startswith(("Midlertidig", "Ny revurderingsdato")) for t in titles)
    assert all(entry.link.endswith("?lang=en") for entry in feed.entries)
    norwegian = read(anonymous, FEED + "?lang=nb")  # the client now has the English cookie
    assert norwegian.feed.language == "nb"
    assert {e.id for e in feed.entries} == {e.id for e in norwegian.entries}
    assert feed.feed.id != norwegian.feed.id


def test_markup_in_a_reason_is_text_in_the_feed(demo, client, anonymous):
    intro = demo_introduction(client, "ID2019_915")
    reason = "Data <b>forsinket</b> & \"revidert\" av registeret ]]> (test)."
    move_review_date(client, intro["id"], "2027-10-31", reason)
    newest = read(anonymous).entries[0]
    assert newest.summary_detail.type == "text/plain"
    assert 'Data <b>forsinket</b> & "revidert" av registeret ]]> (test).' in newest.summary


def test_the_feed_is_kept_and_changes_at_once_when_a_record_changes(demo, app, client,
                                                                  anonymous):
    store = app.extensions["tracker_answers"]
    first = anonymous.get(FEED)
    hits = store.hits
    again = anonymous.get(FEED)
    assert store.hits == hits + 1 and again.data == first.data
    assert again.mimetype == "application/atom+xml"
    intro = demo_introduction(client, "ID2020_913")
    move_review_date(client, intro["id"], "2027-05-31", "Nye data fra MT-innehaver (test).")
    changed = read(anonymous)
    assert changed.entries[0].title.endswith("31.05.2027")


def test_an_empty_register_still_gives_a_valid_feed(anonymous):
    feed = read(anonymous)
    assert feed.entries == [] and feed.feed.updated_parsed
