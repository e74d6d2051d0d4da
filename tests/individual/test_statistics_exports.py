"""The statistics of individual access as CSV and Excel: each table of the answer, as the same
reader sees it. Loaded with the review's Table 1 (000_3134ab22afa02640.txt L403–442), a download
read back with pandas or openpyxl equals the JSON answer, the Excel sheet speaks Norwegian, and
the public gets no count of 1–4 in either file."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pandas as pd
import pytest

from tests.individual.test_statistics import table1_register  # noqa: F401  (a fixture)

TABLES = ["year_region", "diagnosis_group", "method", "scheme", "rates", "per_population"]
COUNTS = {"granted", "refused", "no_consensus", "total", "decided", "applications"}
URL = "/api/v1/access-statistics"


def _rows(answer: dict[str, Any], table: str) -> list[dict[str, Any]]:
    if table in ("rates", "per_population"):
        return list(answer[table])
    return list(answer["tables"][table])


def _csv(response: Any) -> pd.DataFrame:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/csv"
    return pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig",
                       float_precision="round_trip")


def _sheet(response: Any) -> list[list[Any]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.active is not None
    return [[cell.value for cell in row] for row in book.active.iter_rows()]


@pytest.mark.parametrize("table", TABLES)
def test_each_table_as_csv_equals_the_json_answer(client, table1_register, table):  # noqa: F811
    query = "?scheme=individual_exception"
    answer = client.get(URL + query).get_json()
    response = client.get(f"{URL}.csv{query}&table={table}")
    got = _csv(response)
    expected = pd.DataFrame(_rows(answer, table)).drop(columns="level", errors="ignore")
    assert list(got.columns) == ["row_type", *[c for c in expected.columns if c != "row_type"]]
    pd.testing.assert_frame_equal(got, expected[got.columns].astype(got.dtypes.to_dict()),
                                  check_exact=True)
    name = table.replace("_", "-")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="tilgang-statistikk-{name}-individual-exception.csv"')


def test_the_excel_sheet_is_table_1_with_norwegian_headers(client, table1_register):  # noqa: F811
    rows = _sheet(client.get(f"{URL}.xlsx?table=year_region"))
    assert rows[0] == ["Rad", "År", "Region", "Innvilget", "Avslått", "Totalt"]
    answer = client.get(URL).get_json()["tables"]["year_region"]
    assert len(rows) == 1 + len(answer)
    for row, record in zip(rows[1:], answer, strict=True):
        assert row[1:] == [record[k] for k in ("year", "region", "granted", "refused", "total")]
    kinds = {row[0] for row in rows[1:]}
    assert kinds == {"Enkeltrad", "Delsum", "Totalt"}
    assert rows[-1] == ["Totalt", None, None, 310, 102, 412]  # the source's total
    assert ["Enkeltrad", 2021, "Helse Nord", 10, 7, 17] in rows  # L418 of the source


def test_labels_in_the_sheet_are_words_not_codes(client, table1_register):  # noqa: F811
    schemes = _sheet(client.get(f"{URL}.xlsx?table=scheme"))
    assert schemes[0] == ["Rad", "Ordning", "Innvilget", "Avslått", "Totalt"]
    assert schemes[1] == ["Enkeltrad", "Unntak for enkeltpasient", 310, 102, 412]
    chapters = _sheet(client.get(f"{URL}.xlsx?table=diagnosis_group"))
    assert chapters[1][1] == "II Svulster"  # C80 (Table 1 gives no diagnosis) is chapter II
    english = _sheet(client.get(f"{URL}.xlsx?table=diagnosis_group&lang=en"))
    assert english[0][:2] == ["Row", "Diagnosis group (ICD-10 chapter)"]
    assert english[1][1] == "II Neoplasms"
    rates = _sheet(client.get(f"{URL}.xlsx?table=rates"))
    assert rates[0][-3:] == ["Andel innvilget", "95 % KI, nedre", "95 % KI, øvre"]
    nord = next(row for row in rates if row[1] == "Helse Nord")
    assert nord[2:5] == [14, 11, 25] and nord[-3] == pytest.approx(14 / 25)


def test_the_selection_narrows_the_download(client, table1_register):  # noqa: F811
    response = client.get(f"{URL}.csv?table=year_region&year_from=2021&year_to=2021")
    got = _csv(response)
    assert set(got["year"].dropna()) == {2021}
    total = got[got.row_type == "total"].iloc[0]
    assert (total.granted, total.refused, total.total) == (141, 45, 186)  # 2021 in the source
    assert 'filename="tilgang-statistikk-year-region-2021.csv"' in (
        response.headers["Content-Disposition"])
    refused = client.get(f"{URL}.csv?table=everything")
    assert refused.status_code == 422
    assert refused.get_json()["details"][0]["field"] == "table"


@pytest.mark.parametrize("table", TABLES)
def test_the_public_gets_no_count_of_one_to_four(anonymous, table1_register, table):  # noqa: F811
    answer = anonymous.get(URL).get_json()
    assert answer["suppressed"] is True
    records = _rows(answer, table)
    csv = _csv(anonymous.get(f"{URL}.csv?table={table}"))
    sheet = _sheet(anonymous.get(f"{URL}.xlsx?table={table}"))
    counts = [c for c in csv.columns if c in COUNTS]
    assert counts, csv.columns
    shown = [v for c in counts for v in csv[c].dropna()]
    shown += [v for row in sheet[1:] for i, v in enumerate(row)
              if csv.columns[i] in COUNTS and v is not None]
    assert shown and not [v for v in shown if 1 <= v <= 4]
    # Exactly the counts the answer hides are empty, in both files.
    hidden = [(i, c) for i, r in enumerate(records) for c in counts if r.get(c) is None]
    assert [(i, c) for i in range(len(csv)) for c in counts if pd.isna(csv.at[i, c])] == hidden
    index = {c: list(csv.columns).index(c) for c in counts}
    assert [(i, c) for i, row in enumerate(sheet[1:]) for c in counts
            if row[index[c]] is None] == hidden
    if table == "year_region":
        assert any(r["region"] == "Helse Nord" and r["year"] == 2020 for r in
                   (records[i] for i, _ in hidden))  # 1 granted, 1 refused in the source
