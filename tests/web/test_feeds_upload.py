"""The secretariat uploads a registry extract in the browser: stored as the API stores it, or
refused with its problems (row, column, problem), the first 1,000 on the page and all of them in
a download, and nothing stored."""

from __future__ import annotations

import csv
import hashlib
import io
from typing import Any

from tests.factories import create_temporary_introduction
from tests.feeds.helpers import CRAFTED, csv_bytes, rows, stored
from tests.web.conftest import csrf_of
from tracker.exports import is_formula_like


def _path(intro: dict[str, Any]) -> str:
    return f"/arbeid/innforinger/{intro['id']}/leveranser/ny"


def _post(browser: Any, path: str, content: bytes | None, *, source: str = "INSPIRE",
          data_cut: str = "31.12.2025", name: str = "uttrekk.csv") -> Any:
    data: dict[str, Any] = {"csrf_token": csrf_of(browser.page(path)), "source": source,
                            "data_cut": data_cut}
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    return browser.client.post(path, data=data, content_type="multipart/form-data")


def _deliveries(client: Any, intro: dict[str, Any]) -> int:
    return int(client.get(f"/api/v1/introductions/{intro['id']}/feeds").get_json()["total"])


def _bad_dates(n: int) -> bytes:
    """n treatment courses whose treatment_start is not a date: n problems, one per row."""
    records = []
    for i in range(n):
        record = dict(CRAFTED[1], patient_id=f"PSN-{i:05d}", treatment_start=f"mars {i}")
        records.append(record)
    return csv_bytes(records)


def test_a_good_extract_is_stored_as_the_api_stores_it_and_its_provenance_shown(
        browser_as, client, app):
    intro = create_temporary_introduction(client)
    browser = browser_as("secretariat")
    form = browser.page(_path(intro))
    assert 'id="upload-form"' in form and 'enctype="multipart/form-data"' in form
    assert "upload_progress.js" in form and 'id="upload-progress"' in form
    content = csv_bytes(CRAFTED)

    response = _post(browser, _path(intro), content, name="INSPIRE_2025.csv")

    assert response.status_code == 302
    listed = client.get(f"/api/v1/introductions/{intro['id']}/feeds").get_json()["items"]
    assert len(listed) == 1
    delivery = listed[0]
    assert response.headers["Location"] == \
        f"/arbeid/innforinger/{intro['id']}/leveranser/{delivery['id']}"
    assert delivery["row_count"] == 5 and delivery["data_cut"] == "2025-12-31"
    assert delivery["sha256"] == hashlib.sha256(content).hexdigest()
    assert delivery["uploader"] == "secretariat-web" and delivery["source"] == "INSPIRE"
    assert stored(app) == (1, 5)

    page = browser.page(response.headers["Location"])
    assert "Uttrekket er importert: 5 behandlingsforløp." in page
    assert delivery["sha256"] in page and "INSPIRE_2025.csv" in page
    assert "31.12.2025" in page and "secretariat-web" in page
    assert f'href="/dashboards/introduksjon/{intro["id"]}"' in page
    # The warnings of the accepted extract are in Norwegian too.
    assert "started treatment before" not in page
    english = browser.page(response.headers["Location"] + "?lang=en")
    assert "Provenance" in english and "Checksum (SHA-256)" in english


def test_a_bad_extract_shows_its_problems_offers_all_of_them_and_stores_nothing(
        browser_as, client, app):
    intro = create_temporary_introduction(client)
    browser = browser_as("secretariat")
    before = _deliveries(client, intro)

    response = _post(browser, _path(intro), _bad_dates(1200))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="problems-table"' in page
    assert "Uttrekket ble avvist, og ingenting er lagret: 1\u00a0200 problem(er)." in page
    assert "de første 1\u00a0000 av 1\u00a0200" in page
    table = page.split('id="problems-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 1 + 1000  # the header row and the first 1,000 problems
    assert "<td>2</td><td class=\"mono\">treatment_start</td>" in table
    assert "&#39;mars 0&#39; er ikke en dato på formen ÅÅÅÅ-MM-DD" in table
    assert _deliveries(client, intro) == before == 0
    assert stored(app) == (0, 0)

    link = page.split('id="problems-download" href="', 1)[1].split('"', 1)[0]
    download = browser.get(link.replace("&amp;", "&"))
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert lines[0] == ["Rad", "Kolonne", "Problem"]
    assert len(lines) == 1 + 1200
    assert [int(line[0]) for line in lines[1:]] == list(range(2, 1202))
    assert {line[1] for line in lines[1:]} == {"treatment_start"}
    assert lines[-1][2].startswith("'mars 1199' er ikke en dato")


def test_the_problems_download_is_formula_safe_and_only_for_the_user_who_uploaded(
        browser_as, client):
    intro = create_temporary_introduction(client)
    kari = browser_as("secretariat", "kari")
    header = "patient_id,treatment_start,last_followup,=1+2,=1+2\n"
    content = (header + "PSN-1,2024-04-01,2025-01-01,a,b\n").encode()

    response = _post(kari, _path(intro), content)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "står mer enn én gang i overskriftsraden" in page
    link = page.split('id="problems-download" href="', 1)[1].split('"', 1)[0]
    text = kari.get(link).get_data(as_text=True)
    cells = [cell for line in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in line]
    assert "'=1+2" in cells
    assert not any(is_formula_like(cell) for cell in cells)

    ola = browser_as("secretariat", "ola")
    assert ola.get(link).status_code == 404
    assert browser_as("clinician").get(link).status_code == 403
    assert _deliveries(client, intro) == 0


def test_a_clinician_sees_no_upload_form_and_a_forged_post_is_refused(browser_as, client, app):
    intro = create_temporary_introduction(client)
    clinician = browser_as("clinician")
    page = clinician.page(_path(intro))
    assert 'id="upload-form"' not in page and 'id="upload-not-allowed"' in page

    forged = _post(clinician, _path(intro), csv_bytes(CRAFTED))

    assert forged.status_code == 403
    assert _deliveries(client, intro) == 0 and stored(app) == (0, 0)


def test_form_errors_are_shown_in_norwegian_next_to_their_fields(browser_as, client):
    intro = create_temporary_introduction(client)
    browser = browser_as("secretariat")

    missing = _post(browser, _path(intro), None, data_cut="31.02.2025")
    assert missing.status_code == 422
    page = missing.get_data(as_text=True)
    assert 'id="error-file"' in page and "Velg filen med uttrekket." in page
    assert 'id="error-data_cut"' in page and "Datoen finnes ikke" in page

    future = _post(browser, _path(intro), csv_bytes(CRAFTED), data_cut="31.12.2999")
    assert future.status_code == 422
    assert "Datakuttet 31.12.2999 er etter dagens dato." in future.get_data(as_text=True)

    unknown = _post(browser, _path(intro), csv_bytes(CRAFTED), source="UKJENT")
    assert unknown.status_code == 422
    assert "Ukjent datakilde &#39;UKJENT&#39;" in unknown.get_data(as_text=True)
    assert _deliveries(client, intro) == 0


def test_the_same_file_again_shows_the_stored_delivery_and_another_data_cut_is_refused(
        browser_as, client):
    intro = create_temporary_introduction(client)
    browser = browser_as("secretariat")
    content = csv_bytes(rows(1, subgroup="PD-L1 ≥ 50 %"))
    first = _post(browser, _path(intro), content)
    again = _post(browser, _path(intro), content)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert "allerede importert" in browser.page(again.headers["Location"])

    other_cut = _post(browser, _path(intro), content, data_cut="30.12.2025")
    assert other_cut.status_code == 409
    assert "den samme filen kan ikke ha et annet datakutt" in other_cut.get_data(as_text=True)
    assert _deliveries(client, intro) == 1


def test_an_upload_over_the_size_limit_is_refused_with_a_norwegian_message(
        browser_as, client, app):
    intro = create_temporary_introduction(client)
    browser = browser_as("secretariat")
    app.config["MAX_CONTENT_LENGTH"] = 4096  # small: the test client spools big bodies to disk
    big = csv_bytes(CRAFTED * 40)
    assert len(big) > 4096

    response = _post(browser, _path(intro), big)

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Filen er for stor: grensen er 4 KB." in page
    assert _deliveries(client, intro) == 0
