"""The flag rules that read the registry feeds: data deliveries, patient volume, outcomes.

Each kind appears when its cause holds (time moved with `as_of`), is not raised twice, and closes
when its cause is gone. Registry extracts are built in memory and imported through the API.
"""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.factories import create_temporary_introduction, data_source_payload, patch_current
from tests.flags.helpers import flags, sweep
from tracker.flags.feed_rules import agreement_year_start

MONTH = 30.4375


def _csv(starts: list[str], cut: str, prefix: str = "PSN") -> bytes:
    """An extract of patients alive at the data cut, one per treatment start."""
    rows = [
        {"patient_id": f"{prefix}-{i:04d}", "treatment_start": start, "last_followup": cut}
        for i, start in enumerate(starts)
    ]
    return pd.DataFrame(rows).to_csv(index=False).encode()


def _import(client: Any, intro_id: int, content: bytes, cut: str, source: str = "INSPIRE") -> Any:
    response = client.post(
        f"/api/v1/introductions/{intro_id}/feeds",
        data={"file": (io.BytesIO(content), "uttrekk.csv"), "source": source, "data_cut": cut},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    return response.json


def _deadline(client: Any, as_of: str, milestone_id: int) -> dict[str, Any]:
    items = client.get(f"/api/v1/deadlines?as_of={as_of}&kind=milestone").json["items"]
    [item] = [d for d in items if d["subject_id"] == milestone_id]
    return dict(item)


# --- data_delivery_due / data_delivery_overdue --------------------------------------------------


def test_a_milestone_is_flagged_due_then_overdue_until_a_delivery_covers_it(client):
    # The factory's milestone: INSPIRE, data cut 2024-12-31, expected 2025-06-30.
    intro = create_temporary_introduction(client, review_date="2029-01-01")
    [milestone] = intro["milestones"]
    assert sweep(client, "2025-05-30")["opened"] == []  # 31 days ahead: outside the lead time

    first = sweep(client, "2025-05-31")
    [due] = flags(client, kind="data_delivery_due")
    assert first["opened"] == [due["id"]]
    assert due["subject_type"] == "milestone" and due["subject_id"] == milestone["id"]
    assert due["introduction_id"] == intro["id"]
    assert due["link"] == f"/api/v1/introductions/{intro['id']}"
    assert due["due_date"] == "2025-06-30"
    assert due["message"] == (
        "Datalevering fra Kilde INSPIRE med datakutt 31.12.2024 forventes "
        "30.06.2025 (om 30 dager). Ingen levering fra Kilde INSPIRE er importert."
    )
    assert due["facts"]["data_source"] == "INSPIRE" and due["facts"]["data_cut"] == "2024-12-31"
    assert due["facts"]["days_until"] == 30 and due["facts"]["lead_days"] == 30
    assert due["facts"]["latest_data_cut"] is None

    again = sweep(client, "2025-05-31")
    assert (again["opened"], again["closed"], again["refreshed"]) == ([], [], [])
    assert sweep(client, "2025-06-30")["opened"] == []
    assert _deadline(client, "2025-06-30", milestone["id"])["open_flags"] == ["data_delivery_due"]

    late = sweep(client, "2025-07-01")
    [overdue] = flags(client, kind="data_delivery_overdue")
    assert late["closed"] == [due["id"]] and late["opened"] == [overdue["id"]]
    assert overdue["message"].startswith(
        "Datalevering fra Kilde INSPIRE med datakutt 31.12.2024 skulle vært levert 30.06.2025 "
        "(for 1 dag siden), og ingen levering dekker den."
    )
    assert sweep(client, "2025-08-01")["opened"] == []
    assert _deadline(client, "2025-08-01", milestone["id"])["status"] == "overdue"

    # A delivery with an older data cut does not cover the milestone.
    _import(client, intro["id"], _csv(["2024-04-02", "2024-05-01"], "2024-06-30"), "2024-06-30")
    still = sweep(client, "2025-08-02")
    assert still["closed"] == [] and still["opened"] == []
    assert _deadline(client, "2025-08-02", milestone["id"])["status"] == "overdue"

    # The delivery with the milestone's data cut covers it: the flag closes, the deadline is done.
    _import(
        client,
        intro["id"],
        _csv(["2024-04-02", "2024-05-01", "2024-09-01"], "2024-12-31"),
        "2024-12-31",
    )
    assert sweep(client, "2025-08-03")["closed"] == [overdue["id"]]
    assert flags(client, kind="data_delivery_overdue") == []
    done = _deadline(client, "2025-08-03", milestone["id"])
    assert done["status"] == "done" and done["open_flags"] == []
    [closed] = flags(client, open="false", kind="data_delivery_overdue")
    assert closed["close_reason"] == "resolved" and closed["closed_on"] == "2025-08-03"
    assert sweep(client, "2025-09-01")["opened"] == []

    # A newer delivery supersedes that one; the milestone stays covered.
    _import(client, intro["id"], _csv(["2024-04-02", "2025-02-01"], "2025-03-31"), "2025-03-31")
    assert sweep(client, "2025-09-02")["opened"] == []
    assert _deadline(client, "2025-09-02", milestone["id"])["status"] == "done"


def test_a_milestone_without_a_data_cut_is_covered_by_any_delivery_from_its_source(client):
    intro = create_temporary_introduction(client, review_date="2029-01-01", milestones=[])
    assert client.post("/api/v1/data-sources", json=data_source_payload("NPR")).status_code == 201
    created = client.post(
        f"/api/v1/introductions/{intro['id']}/milestones",
        json={
            "data_source": "NPR",
            "description": "Aktivitetsdata",
            "expected_date": "2025-03-31",
            "responsible_party": "Helsedirektoratet",
        },
    )
    assert created.status_code == 201, created.json
    milestone = created.json

    sweep(client, "2025-04-10")
    [overdue] = flags(client, kind="data_delivery_overdue")
    assert overdue["subject_id"] == milestone["id"] and overdue["facts"]["data_cut"] is None
    assert overdue["message"].startswith(
        "Datalevering fra Kilde NPR skulle vært levert 31.03.2025 (for 10 dager siden)"
    )

    # A delivery from another source does not count ...
    _import(client, intro["id"], _csv(["2024-04-02"], "2024-06-30"), "2024-06-30")
    assert sweep(client, "2025-04-11")["closed"] == []
    # ... one from the milestone's source does, whatever its data cut.
    _import(client, intro["id"], _csv(["2024-04-02"], "2024-06-30"), "2024-06-30", source="NPR")
    assert sweep(client, "2025-04-12")["closed"] == [overdue["id"]]
    assert _deadline(client, "2025-04-12", milestone["id"])["status"] == "done"


def test_the_milestones_of_a_concluded_introduction_raise_no_delivery_flags(client):
    intro = create_temporary_introduction(client, review_date="2029-01-01")
    sweep(client, "2025-07-01")
    [overdue] = flags(client, kind="data_delivery_overdue")
    concluded = patch_current(
        client, f"/api/v1/introductions/{intro['id']}", json={"status": "concluded"}
    )
    assert concluded.status_code == 200, concluded.json
    assert overdue["id"] in sweep(client, "2025-07-02")["closed"]


def test_the_delivery_lead_time_is_configurable(client, settings):
    create_temporary_introduction(client, review_date="2029-01-01")
    settings.delivery_lead_days = 10
    assert sweep(client, "2025-06-19")["opened"] == []
    sweep(client, "2025-06-20")
    [due] = flags(client, kind="data_delivery_due")
    assert due["facts"]["days_until"] == 10 and due["facts"]["lead_days"] == 10


# --- volume_threshold --------------------------------------------------------------------------

TIERS = [
    {"min_patients": 0, "discount_percent": 12.5},
    {"min_patients": 3, "discount_percent": 27.5},
    {"min_patients": 6, "discount_percent": 41.5},
]


def _price_volume(client: Any, intro: dict[str, Any], **over: Any) -> dict[str, Any]:
    payload = {
        "type": "price_volume",
        "method_id": intro["method_id"],
        "introduction_id": intro["id"],
        "start_date": "2024-04-01",
        "terms": {"tiers": TIERS, "year_start_month": 7},
        **over,
    }
    response = client.post("/api/v1/agreements", json=payload)
    assert response.status_code == 201, response.json
    return dict(response.json)


@pytest.mark.parametrize(
    ("as_of", "month", "start"),
    [
        (date(2025, 6, 30), 7, date(2024, 7, 1)),
        (date(2025, 7, 1), 7, date(2025, 7, 1)),
        (date(2025, 12, 31), 1, date(2025, 1, 1)),
        (date(2026, 1, 1), 1, date(2026, 1, 1)),
        (date(2026, 3, 15), 12, date(2025, 12, 1)),
    ],
)
def test_the_agreement_year_starts_on_the_first_of_its_month(as_of, month, start):
    assert agreement_year_start(as_of, month) == start


def test_a_tier_reached_opens_one_flag_a_higher_tier_updates_it_and_a_new_year_closes_it(client):
    intro = create_temporary_introduction(client, review_date="2029-01-01", milestones=[])
    agreement = _price_volume(client, intro)
    _price_volume(client, intro, introduction_id=None)  # not tied to an introduction: skipped
    # Two patients in the previous agreement year, then one start after another from July 2025.
    starts = [
        "2025-05-02",
        "2025-06-20",
        "2025-07-10",
        "2025-08-01",
        "2025-09-15",
        "2025-10-01",
        "2025-11-01",
        "2025-12-01",
        "2026-01-05",
    ]
    _import(client, intro["id"], _csv(starts, "2026-01-31"), "2026-01-31")

    assert sweep(client, "2025-06-30")["opened"] == []  # 2 patients: only the 0-patient tier
    assert sweep(client, "2025-09-14")["opened"] == []  # 2 patients in the year from 2025-07-01

    first = sweep(client, "2025-09-15")
    [flag] = flags(client, kind="volume_threshold")
    assert first["opened"] == [flag["id"]]
    assert flag["subject_type"] == "agreement" and flag["subject_id"] == agreement["id"]
    assert flag["introduction_id"] == intro["id"]
    assert flag["link"] == f"/api/v1/agreements/{agreement['id']}"
    assert flag["message"] == (
        "Pasientvolumet i pris–volum-avtalen nådde trinnet fra 3 pasienter (trinn 2 av 3) den "
        "15.09.2025, i avtaleåret som startet 01.07.2025. Per 15.09.2025 har 3 pasienter startet "
        "behandling i avtaleåret. Neste trinn er 6 pasienter."
    )
    assert flag["due_date"] == "2025-09-15"
    facts = flag["facts"]
    assert (
        facts["patients"],
        facts["tier"],
        facts["tier_min_patients"],
        facts["next_tier_min_patients"],
    ) == (3, 2, 3, 6)
    assert (facts["year_start"], facts["year_end"]) == ("2025-07-01", "2026-06-30")
    assert facts["reached_on"] == "2025-09-15"
    # The discounts are confidential: neither the message nor the facts tell them.
    text = flag["message"] + json.dumps(flag["facts"])
    assert "discount" not in text and "%" not in text
    assert not any(str(t["discount_percent"]) in text for t in TIERS)

    again = sweep(client, "2025-09-15")
    assert (again["opened"], again["closed"], again["refreshed"]) == ([], [], [])
    assert sweep(client, "2025-10-20")["refreshed"] == []  # more patients, same tier: no change

    higher = sweep(client, "2025-12-01")
    assert higher["refreshed"] == [flag["id"]] and higher["opened"] == []
    [same] = flags(client, kind="volume_threshold")
    assert same["id"] == flag["id"] and same["due_date"] == "2025-12-01"
    assert "trinnet fra 6 pasienter (trinn 3 av 3) den 01.12.2025," in same["message"]
    assert same["message"].endswith("Det er avtalens høyeste trinn.")
    assert same["facts"]["tier"] == 3 and same["facts"]["next_tier_min_patients"] is None
    assert same["facts"]["patients"] == 6

    # A new agreement year starts counting from zero: the cause is gone.
    new_year = sweep(client, "2026-07-01")
    assert new_year["closed"] == [flag["id"]]
    assert flags(client, kind="volume_threshold") == []
    [closed] = flags(client, open="false", kind="volume_threshold")
    assert closed["closed_on"] == "2026-07-01" and closed["close_reason"] == "resolved"


def test_only_active_price_volume_agreements_with_a_tier_above_zero_are_flagged(client):
    intro = create_temporary_introduction(client, review_date="2029-01-01", milestones=[])
    starts = ["2025-01-10", "2025-02-10", "2025-03-10", "2025-04-10"]
    _import(client, intro["id"], _csv(starts, "2025-06-30"), "2025-06-30")
    draft = _price_volume(client, intro, status="draft", terms={"tiers": TIERS})
    first_tier_above_zero = _price_volume(
        client,
        intro,
        terms={
            "tiers": [
                {"min_patients": 4, "discount_percent": 5},
                {"min_patients": 10, "discount_percent": 9},
            ]
        },
    )
    # A calendar-year agreement (the default month) that started within the year: counted from
    # its start, so the two patients before it do not count.
    late_start = _price_volume(client, intro, start_date="2025-02-15", terms={"tiers": TIERS})
    sweep(client, "2025-05-01")
    found = {f["subject_id"]: f for f in flags(client, kind="volume_threshold")}
    assert set(found) == {first_tier_above_zero["id"]}
    assert found[first_tier_above_zero["id"]]["facts"]["tier"] == 1
    assert found[first_tier_above_zero["id"]]["facts"]["year_start"] == "2025-01-01"
    assert draft["id"] not in found and late_start["id"] not in found

    moved = patch_current(
        client, f"/api/v1/agreements/{late_start['id']}", json={"start_date": "2025-01-01"}
    )
    assert moved.status_code == 200, moved.json
    sweep(client, "2025-05-02")
    assert {f["subject_id"] for f in flags(client, kind="volume_threshold")} == {
        first_tier_above_zero["id"],
        late_start["id"],
    }

    expired = patch_current(
        client, f"/api/v1/agreements/{first_tier_above_zero['id']}", json={"status": "expired"}
    )
    assert expired.status_code == 200, expired.json
    assert sweep(client, "2025-05-03")["closed"] == [found[first_tier_above_zero["id"]]["id"]]



def test_volume_flags_are_only_for_roles_that_may_see_the_agreement_terms(
    client, as_user, mailbox
):
    # The day a tier is reached, with the registry counts clinicians may see, gives the
    # confidential threshold away: the flag is for procurement, the forum and administrators.
    buyer, secretary, stranger = ("innkjop@example.org", "sekretariat@example.org",
                                  "ukjent@example.org")
    procurement = as_user("innkjop", "procurement")
    secretariat = as_user("sekretariat", "secretariat")
    clinician = as_user("klinikar", "clinician")
    intro = create_temporary_introduction(client, review_date="2029-01-01", milestones=[],
                                          responsible_emails=[buyer, secretary, stranger])
    _price_volume(client, intro)
    _import(client, intro["id"], _csv(["2025-07-10", "2025-08-01", "2025-09-15"], "2026-01-31"),
            "2026-01-31")
    sweep(client, "2025-09-15")
    [flag] = flags(client, kind="volume_threshold")  # as an administrator
    assert "trinnet fra 3 pasienter" in flag["message"] and flag["details_withheld"] is False

    seen = client.get(f"/api/v1/flags/{flag['id']}", headers=procurement).json
    assert seen["message"] == flag["message"] and seen["facts"]["tier_min_patients"] == 3
    for headers in (secretariat, clinician):
        listed = client.get("/api/v1/flags?limit=500", headers=headers)
        assert listed.status_code == 200
        assert flag["id"] not in [f["id"] for f in listed.json["items"]]
        assert client.get(f"/api/v1/flags/{flag['id']}", headers=headers).status_code == 404
    refused = client.post(f"/api/v1/flags/{flag['id']}/acknowledge",
                          json={"reason": "sett", "version": flag["version"]}, headers=secretariat)
    assert refused.status_code == 404

    # E-mail: only the address of a procurement account hears of it.
    def mail_to(address: str) -> str:
        return "\n".join(mailbox.body(m) for m in mailbox.to(address))

    assert "trinnet fra 3 pasienter" in mail_to(buyer)
    assert "trinnet fra" not in mail_to(secretary) + mail_to(stranger)
    assert "Pasientvolumet" not in mail_to(secretary) + mail_to(stranger)

    # In-app notifications: the secretariat may read anyone's list, but never this kind in it.
    own = client.get(f"/api/v1/notifications?recipient={buyer}&limit=500", headers=procurement)
    [note] = [n for n in own.json["items"] if n["flag"]["id"] == flag["id"]]
    asked = client.get(f"/api/v1/notifications?recipient={buyer}&limit=500", headers=secretariat)
    assert asked.status_code == 200
    assert flag["id"] not in [n["flag"]["id"] for n in asked.json["items"]]
    assert "2025-09-15" not in asked.get_data(as_text=True)
    marked = client.post(f"/api/v1/notifications/{note['id']}/read", headers=secretariat)
    assert marked.status_code == 404

    # The audit trail shows the secretariat that the flag changed, not what it says.
    trail = client.get(f"/api/v1/audit/flags/{flag['id']}", headers=secretariat).json
    assert {"message", "message_en", "facts", "due_date", "opened_on"} <= set(
        trail["withheld_fields"])
    assert "3 pasienter" not in json.dumps(trail) and "2025-09-15" not in json.dumps(trail)


def test_an_expiring_agreement_flag_keeps_its_wording_from_other_roles(client, as_user):
    intro = create_temporary_introduction(client, review_date="2029-01-01", milestones=[])
    _price_volume(client, intro, end_date="2025-10-31")
    sweep(client, "2025-10-01")
    [flag] = flags(client, kind="agreement_expiring")
    assert "utløper 31.10.2025" in flag["message"]
    noted = client.post(f"/api/v1/flags/{flag['id']}/acknowledge",
                        json={"reason": "Ny pris 41 500 kr avtalt muntlig",
                              "version": flag["version"]},
                        headers=as_user("x-procurement", "procurement"))
    assert noted.status_code == 200 and noted.json["acknowledged_reason"].startswith("Ny pris")
    for role in ("secretariat", "clinician"):
        seen = client.get(f"/api/v1/flags/{flag['id']}", headers=as_user(f"x-{role}", role)).json
        assert seen["details_withheld"] is True
        assert seen["message"].startswith(seen["kind_label"])
        assert "konfidensielle" in seen["message"] and "31.10.2025" not in seen["message"]
        assert "confidential" in seen["message_en"] and "31 Oct 2025" not in seen["message_en"]
        assert set(seen["facts"]) <= {"method", "agreement_type", "checked_on", "case_state"}
        assert seen["due_date"] == "2025-10-31"  # the date is part of the public structure
        assert seen["acknowledged_at"] and seen["acknowledged_reason"] is None
        trail = client.get(f"/api/v1/audit/flags/{flag['id']}",
                           headers=as_user(f"x-{role}", role))
        if trail.status_code == 200:  # the audit trail is not for clinicians
            assert "41 500" not in json.dumps(trail.json)
    full = client.get(f"/api/v1/flags/{flag['id']}", headers=as_user("x-forum", "forum")).json
    assert full["message"] == flag["message"] and full["details_withheld"] is False
    assert full["message_en"] == ("The price agreement (price–volume) ends 31 Oct 2025 "
                                  "(in 30 days).")


# --- outcome_divergence ------------------------------------------------------------------------

START = date(2024, 4, 1)
OS_ONLY = {
    "curves": [
        {
            "endpoint": "OS",
            "distribution": "weibull",
            "parameters": {"scale": 14.0, "shape": 1.2},
            "time_unit": "months",
        }
    ]
}


def _cohort(seed: int, scale_months: float, follow_days: int, n: int = 300) -> tuple[bytes, str]:
    """Patients starting on START with Weibull(shape 1.2) survival, censored after follow_days."""
    rng = np.random.default_rng(seed)
    days = np.ceil(rng.weibull(1.2, n) * scale_months * MONTH).astype(int) + 1
    rows = []
    for i, t in enumerate(days):
        died = t <= follow_days
        end = START + timedelta(days=int(min(t, follow_days)))
        rows.append(
            {
                "patient_id": f"PSN-{seed}-{i:05d}",
                "treatment_start": START.isoformat(),
                "last_followup": end.isoformat(),
                "death_date": end.isoformat() if died else "",
            }
        )
    cut = (START + timedelta(days=follow_days)).isoformat()
    return pd.DataFrame(rows).to_csv(index=False).encode(), cut


def test_worse_outcomes_than_assumed_raise_a_flag_that_closes_on_data_matching_the_assumption(
    client,
):
    intro = create_temporary_introduction(
        client, review_date="2027-03-01", milestones=[], assumptions=OS_ONLY
    )
    assert sweep(client, "2026-01-01")["opened"] == []  # no data yet

    content, cut = _cohort(seed=11, scale_months=7.0, follow_days=800)  # half the assumed scale
    _import(client, intro["id"], content, cut)
    first = sweep(client, "2026-07-01")
    [flag] = flags(client, kind="outcome_divergence")
    assert first["opened"] == [flag["id"]]
    assert flag["subject_type"] == "introduction" and flag["subject_id"] == intro["id"]
    assert flag["link"] == f"/api/v1/introductions/{intro['id']}"
    assert flag["due_date"] == "2027-03-01"
    assert flag["message"] == (
        f"Registerdataene (Kilde INSPIRE datakutt {date.fromisoformat(cut):%d.%m.%Y}) er "
        "dårligere enn antatt ved innføringen for totaloverlevelse (OS): flere hendelser enn den "
        "antatte kurven gir. Revurdering 01.03.2027 (om 243 dager)."
    )
    facts = flag["facts"]
    assert facts["endpoints"] == ["OS"] and facts["verdicts"] == {"OS": "worse"}
    assert "observerte/forventede dødsfall" in facts["rules"]["OS"]  # Norwegian, as the flag
    assert facts["data_cuts"] == {"INSPIRE": cut}

    again = sweep(client, "2026-07-02")
    assert flag["id"] not in again["opened"] + again["closed"] + again["refreshed"]
    assert len(flags(client, kind="outcome_divergence")) == 1

    # A later delivery whose survival matches the assumed curve replaces the worse one.
    content, cut = _cohort(seed=12, scale_months=14.0, follow_days=850)
    _import(client, intro["id"], content, cut)
    verdict = client.get(f"/api/v1/introductions/{intro['id']}/outcomes?endpoint=OS").json
    assert verdict["verdict"]["verdict"] == "consistent"
    assert sweep(client, "2026-08-01")["closed"] == [flag["id"]]
    assert flags(client, kind="outcome_divergence") == []


def test_a_concluded_introduction_is_no_longer_flagged_for_divergence(client):
    intro = create_temporary_introduction(
        client, review_date="2027-03-01", milestones=[], assumptions=OS_ONLY
    )
    untouched = create_temporary_introduction(
        client, review_date="2027-03-01", milestones=[], assumptions=OS_ONLY
    )
    content, cut = _cohort(seed=21, scale_months=7.0, follow_days=800)
    _import(client, intro["id"], content, cut)
    # The other introduction has data too, but they fit its assumed curve.
    content, cut = _cohort(seed=22, scale_months=14.0, follow_days=800)
    _import(client, untouched["id"], content, cut)

    sweep(client, "2026-07-01")
    [flag] = flags(client, kind="outcome_divergence")
    assert flag["subject_id"] == intro["id"]

    concluded = patch_current(
        client, f"/api/v1/introductions/{intro['id']}", json={"status": "concluded"}
    )
    assert concluded.status_code == 200, concluded.json
    assert flag["id"] in sweep(client, "2026-07-02")["closed"]
    assert flags(client, kind="outcome_divergence") == []
