"""The introduction page for a delivery of fewer than 5 patients: roles without small-count
access are told why there is nothing to show, instead of the page failing."""

from __future__ import annotations

import io

from dashboards import data
from dashboards.access import viewer_for
from dashboards.i18n import t
from tests.factories import create_temporary_introduction
from tests.feeds.helpers import CRAFTED, csv_bytes


def test_filtering_by_region_reveals_no_region_of_fewer_than_5_patients(client, session):
    intro = create_temporary_introduction(client)
    many = [dict(row, patient_id=f"PSN-{i:03d}", region="Helse Vest")
            for i, row in enumerate(CRAFTED * 2)]  # 10 patients in Helse Vest
    few = [dict(CRAFTED[0], patient_id="PSN-900", region="Helse Nord")]  # 1 in Helse Nord
    response = client.post(
        f"/api/v1/introductions/{intro['id']}/feeds",
        data={"file": (io.BytesIO(csv_bytes(many + few)), "regioner.csv"), "source": "INSPIRE",
              "data_cut": "2025-12-31"},
        content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    ids = [intro["id"]]
    public = data.regions_of(session=session, introduction_ids=ids, viewer=viewer_for(None))
    assert public == {intro["id"]: {"Helse Vest"}}
    staff = data.regions_of(session=session, introduction_ids=ids,
                            viewer=viewer_for("secretariat"))
    assert staff == {intro["id"]: {"Helse Vest", "Helse Nord"}}


def test_three_patients_are_not_shown_to_the_public_but_to_the_secretariat(client, session):
    intro = create_temporary_introduction(client)
    response = client.post(
        f"/api/v1/introductions/{intro['id']}/feeds",
        data={"file": (io.BytesIO(csv_bytes(CRAFTED[:3])), "tre.csv"), "source": "INSPIRE",
              "data_cut": "2025-12-31"},
        content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    public = data.outcomes(session=session, introduction_id=intro["id"], endpoint="OS",
                           viewer=viewer_for(None))
    assert public == "in.too_few" and "under 5" in t(public, "nb")
    secretariat = data.outcomes(session=session, introduction_id=intro["id"], endpoint="OS",
                                viewer=viewer_for("secretariat"))
    assert not isinstance(secretariat, str) and secretariat.n_patients == 3
