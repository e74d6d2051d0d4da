"""Every validation rule: a bad file is refused with row, column and reason, and nothing is stored.

Rows are numbered as in a spreadsheet: the header is row 1, the first patient (CRAFTED[0]) row 2.
"""

from __future__ import annotations

import pytest

from tests.feeds.helpers import CRAFTED, csv_bytes, rows, stored, upload

LONG = "x" * 121


def _drop(column):
    return [{k: v for k, v in row.items() if k != column} for row in CRAFTED]


def _duplicate_first():
    records = rows()
    records.insert(1, dict(records[0], best_response="CR"))
    return records


# (rule, records, row, column, words the message must contain)
RULES = [
    ("required column missing", _drop("last_followup"), None, "last_followup",
     "required column 'last_followup' is missing"),
    ("required value empty", rows(patient_id=""), 2, "patient_id",
     "is empty; every row needs a value here"),
    ("date not ISO", rows(treatment_start="01.04.2024"), 2, "treatment_start",
     "'01.04.2024' is not a date in ISO form YYYY-MM-DD"),
    ("date that does not exist", rows(treatment_stop="2024-02-30"), 2, "treatment_stop",
     "'2024-02-30' is not a date in ISO form"),
    ("stop before start", rows(treatment_stop="2024-03-01"), 2, "treatment_stop",
     "2024-03-01 is before treatment_start (2024-04-01)"),
    ("progression before start", rows(progression_date="2024-03-31"), 2, "progression_date",
     "2024-03-31 is before treatment_start (2024-04-01)"),
    ("death before start", rows(death_date="2024-03-01", last_followup="2024-03-01"), 2,
     "death_date", "2024-03-01 is before treatment_start (2024-04-01)"),
    ("follow-up before start", rows(1, last_followup="2024-04-30"), 3, "last_followup",
     "2024-04-30 is before treatment_start (2024-05-01)"),
    ("death after the data cut", rows(death_date="2026-01-05", last_followup="2026-01-05"), 2,
     "death_date", "2026-01-05 is after the data cut (2025-12-31)"),
    ("follow-up after the data cut", rows(1, last_followup="2026-02-01"), 3, "last_followup",
     "2026-02-01 is after the data cut (2025-12-31)"),
    ("start after the data cut", rows(3, treatment_start="2026-01-02"), 5, "treatment_start",
     "2026-01-02 is after the data cut (2025-12-31)"),
    ("follow-up after death", rows(last_followup="2024-12-01"), 2, "last_followup",
     "follow-up until 2024-12-01 is after death_date (2024-10-01)"),
    ("stop after death", rows(treatment_stop="2024-10-02"), 2, "treatment_stop",
     "2024-10-02 is after death_date (2024-10-01)"),
    ("progression after death", rows(progression_date="2024-10-20"), 2, "progression_date",
     "2024-10-20 is after death_date (2024-10-01)"),
    ("entry after the end of follow-up", rows(entry_date="2024-10-15"), 2, "entry_date",
     "2024-10-15 is after the end of follow-up (2024-10-01)"),
    ("duplicate patient and start", _duplicate_first(), 3, "patient_id",
     "same patient_id and treatment_start as row 2"),
    ("birth year too early", rows(birth_year="1850"), 2, "birth_year",
     "birth year 1850 is impossible: it must be from 1900 to the year of treatment start (2024)"),
    ("birth year after start", rows(birth_year="2025"), 2, "birth_year",
     "birth year 2025 is impossible"),
    ("birth year not a number", rows(birth_year="19x8"), 2, "birth_year",
     "'19x8' is not a whole number"),
    ("treatment line zero", rows(treatment_line="0"), 2, "treatment_line",
     "treatment line 0 is impossible"),
    ("unknown region", rows(region="Helse Øst"), 2, "region",
     "unknown region 'Helse Øst'; use one of Helse Sør-Øst, Helse Vest"),
    ("unknown sex", rows(sex="X"), 2, "sex", "unknown sex 'X'; use K or M"),
    ("unknown stop reason", rows(stop_reason="bored"), 2, "stop_reason",
     "unknown stop reason 'bored'; use one of progression, toxicity"),
    ("unknown response", rows(best_response="VGPR"), 2, "best_response",
     "unknown response 'VGPR'; use one of CR, PR, SD, PD, NE"),
    ("text too long", rows(health_trust=LONG), 2, "health_trust",
     "is longer than 120 characters"),
    ("diagnosis not ICD-10", rows(diagnosis="lungekreft"), 2, "diagnosis",
     "'lungekreft' is not an ICD-10 code"),
]


@pytest.mark.parametrize(
    ("records", "row", "column", "words"),
    [pytest.param(*rule[1:], id=rule[0]) for rule in RULES],
)
def test_rule_refuses_the_file_and_stores_nothing(client, app, intro, records, row, column, words):
    response = upload(client, intro["id"], csv_bytes(records))
    assert response.status_code == 422, response.json
    body = response.json
    assert body["error"] == "invalid_input"
    assert "nothing was stored" in body["message"]
    matching = [d for d in body["details"] if d["row"] == row and d["column"] == column]
    assert matching, body["details"]
    assert any(words in d["message"] for d in matching), matching
    field = f"row {row}, column {column}" if row else f"column {column}"
    assert any(d["field"] == field for d in matching)
    assert body["total_problems"] == len(body["details"])
    assert stored(app) == (0, 0)


FILE_RULES = [
    ("not UTF-8", "patient_id,treatment_start,last_followup\nA,2024-01-01,2024-02-01\n"
     "Sør,2024-01-01,2024-02-01\n".encode("latin-1"), "row 3", "is not UTF-8 text"),
    ("ragged row", b"patient_id,treatment_start,last_followup\nA,2024-01-01,2024-02-01\n"
     b"B,2024-01-01\n", "row 3", "has 2 fields but the header row has 3"),
    ("broken quotes", b'patient_id,treatment_start,last_followup\nA,2024-01-01,2024-02-01\n'
     b'"B,2024-01-01,2024-02-01\n', "row 3", "cannot be read as CSV"),
    ("header only", b"patient_id,treatment_start,last_followup\n", "file",
     "has a header row but no patient rows"),
    ("empty file", b"", "row 1", "the file is empty"),
    ("column twice", b"patient_id,treatment_start,last_followup,region,Region\n"
     b"A,2024-01-01,2024-02-01,HV,HV\n", "column region", "appears more than once"),
    ("broken parquet", b"PAR1 this is not parquet", "file", "cannot be read as a Parquet file"),
]


@pytest.mark.parametrize(
    ("content", "field", "words"), [pytest.param(*rule[1:], id=rule[0]) for rule in FILE_RULES]
)
def test_unreadable_files_are_refused_and_nothing_is_stored(
    client, app, intro, content, field, words
):
    response = upload(client, intro["id"], content)
    assert response.status_code == 422, response.json
    assert any(d["field"] == field and words in d["message"] for d in response.json["details"]), \
        response.json
    assert stored(app) == (0, 0)


def test_all_problems_are_counted_and_the_first_thousand_listed(client, app, intro):
    base = CRAFTED[1]
    records = [dict(base, patient_id=f"PSN-{i:05d}", region="Vestlandet", sex="?")
               for i in range(700)]
    response = upload(client, intro["id"], csv_bytes(records))
    assert response.status_code == 422
    body = response.json
    assert body["total_problems"] == 1400
    assert len(body["details"]) == 1000
    assert "1400 problem(s) in all; the first 1000 are listed" in body["message"]
    # Listed by row, then in the order of the format's columns.
    assert [(d["row"], d["column"]) for d in body["details"][:3]] == [
        (2, "region"), (2, "sex"), (3, "region")]
    assert body["details"][-1]["row"] == 501
    assert stored(app) == (0, 0)


FORMS = [
    ({"source": "INSPIRE", "data_cut": "2025-12-31"}, "file"),
    ({"source": "", "data_cut": "2025-12-31", "file": True}, "source"),
    ({"source": "INSPIRE", "data_cut": "31.12.2025", "file": True}, "data_cut"),
    ({"source": "NOPE", "data_cut": "2025-12-31", "file": True}, "source"),
    ({"source": "INSPIRE", "data_cut": "2099-12-31", "file": True}, "data_cut"),
]


def test_form_fields_are_checked(client, app, intro):
    import io

    for form, field in FORMS:
        data = dict(form)
        if data.pop("file", None):
            data["file"] = (io.BytesIO(csv_bytes(CRAFTED)), "uttrekk.csv")
        response = client.post(f"/api/v1/introductions/{intro['id']}/feeds", data=data,
                               content_type="multipart/form-data")
        assert response.status_code == 422, (form, response.json)
        assert response.json["details"][0]["field"] == field, form
    assert stored(app) == (0, 0)


def test_unknown_introduction_is_404(client, app, intro):
    response = upload(client, 999_999, csv_bytes(CRAFTED))
    assert response.status_code == 404
    assert stored(app) == (0, 0)
