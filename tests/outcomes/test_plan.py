"""The analysis plan before the data (issue 15, item 8), through the API: the outcomes answer
uses the landmarks the plan in force declares and says so, and a plan registered after the
first delivery's data cut is marked as not pre-specified, in the introduction and the answer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_lung

import tracker.introductions.service
from tests.factories import create_temporary_introduction
from tests.outcomes.helpers import MONTH, extract, import_extract
from tracker.timeutil import local_date


@pytest.fixture
def backend() -> str:
    """One new query (the first data cut), run on PostgreSQL by the introductions API tests."""
    return "sqlite"


@pytest.fixture(scope="module")
def lung():
    data = load_lung()
    return data["time"].to_numpy(dtype=float), data["status"].to_numpy() == 1


def _register(client, intro, landmarks, text="Revidert plan."):
    response = client.post(f"/api/v1/introductions/{intro['id']}/analysis-plans",
                           json={"text": text, "landmarks_months": landmarks})
    assert response.status_code == 201, response.json
    return response.json


def _outcomes(client, intro, query="endpoint=OS"):
    response = client.get(f"/api/v1/introductions/{intro['id']}/outcomes?{query}")
    assert response.status_code == 200, response.json
    return response.json


def _plan(client, intro):
    return client.get(f"/api/v1/introductions/{intro['id']}").json["analysis_plan"]


def test_the_plans_landmarks_6_and_12_months_are_the_answers_not_12_24_36(client, lung):
    intro = create_temporary_introduction(client)
    _register(client, intro, [6, 12], text="OS fra behandlingsstart. Landemerker 6 og 12 mnd.")
    days, died = lung
    import_extract(client, intro["id"], *extract(days, died))
    out = _outcomes(client, intro)
    assert [lm["time"] for lm in out["landmarks"]] == [6.0, 12.0]
    assert out["landmarks_source"] == "plan"
    assert out["analysis_plan"]["landmarks_months"] == [6.0, 12.0]
    assert out["analysis_plan"]["version_no"] == 2
    assert out["analysis_plan"]["text_nb"] == (
        "Landemerkene 6 og 12 måneder er fastsatt i analyseplanen (versjon 2).")
    assert out["analysis_plan"]["text"] == (
        "The landmarks 6 and 12 months are those of the analysis plan (version 2).")
    # The Kaplan-Meier estimate at the plan's landmarks (lifelines, in days).
    kmf = KaplanMeierFitter().fit(days, died)
    for lm, months in zip(out["landmarks"], (6, 12), strict=True):
        assert lm["km"] == pytest.approx(float(kmf.predict(months * MONTH)), rel=1e-12)
    # In days: the same landmarks, converted.
    in_days = _outcomes(client, intro, "endpoint=OS&time_unit=days")["landmarks"]
    assert [lm["time"] for lm in in_days] == pytest.approx([6 * MONTH, 12 * MONTH])
    # Every delivery of the history and the breakdown use them too.
    assert [lm["time"] for lm in out["history"]["deliveries"][0]["landmarks"]] == [6.0, 12.0]
    breakdown = client.get(f"/api/v1/introductions/{intro['id']}/outcomes/breakdown"
                           "?endpoint=OS&by=region").json
    assert breakdown["landmarks_source"] == "plan"
    assert [lm["time"] for lm in breakdown["groups"][0]["landmarks"]] == [6.0, 12.0]


def test_without_a_plan_the_answer_says_it_uses_12_24_and_36_months(client, lung):
    intro = create_temporary_introduction(client, analysis_plan=None)
    days, died = lung
    import_extract(client, intro["id"], *extract(days, died))
    out = _outcomes(client, intro)
    assert [lm["time"] for lm in out["landmarks"]] == [12.0, 24.0, 36.0]
    assert out["landmarks_source"] == "default"
    plan = out["analysis_plan"]
    assert plan["version_no"] is None and plan["pre_specified"] is None
    assert plan["warning_nb"] is None
    assert plan["text_nb"] == ("Ingen analyseplan fastsetter landemerker: standardlandemerkene "
                               "12, 24 og 36 måneder er brukt.")


def test_a_plan_registered_before_the_first_data_cut_is_pre_specified(
        client, lung, monkeypatch):
    # The plan is registered on 15.01.2024; the registry's first data cut is 30.06.2024.
    monkeypatch.setattr(tracker.introductions.service, "utcnow",
                        lambda: datetime(2024, 1, 15, 9, 0, tzinfo=UTC))
    intro = create_temporary_introduction(client)
    monkeypatch.undo()
    assert _plan(client, intro)["pre_specification"] == "no_data_yet"
    days, died = lung
    import_extract(client, intro["id"], extract(days, died)[0], date(2024, 6, 30))
    plan = _plan(client, intro)
    assert plan["pre_specified"] is True
    assert plan["pre_specification"] == "before_first_data_cut"
    assert plan["first_data_cut"] == "2024-06-30"
    checked = _outcomes(client, intro)["analysis_plan"]
    assert checked["pre_specified"] is True and checked["warning"] is None
    assert checked["warning_nb"] is None and checked["first_data_cut"] == "2024-06-30"


def test_a_plan_registered_on_the_day_of_the_data_cut_counts_as_before_it(client, lung):
    intro = create_temporary_introduction(client)  # registered today
    days, died = lung
    today = local_date(datetime.fromisoformat(_plan(client, intro)["registered_at"]))  # in Norway
    import_extract(client, intro["id"], extract(days, died)[0], today)
    assert _plan(client, intro)["pre_specified"] is True


def test_a_plan_registered_after_the_first_data_cut_carries_a_warning(client, lung):
    intro = create_temporary_introduction(client)
    days, died = lung
    # The first delivery was cut on 31.12.2023, the plan registered today; a later delivery
    # (31.12.2024) does not move the first cut.
    content, _ = extract(days, died)
    import_extract(client, intro["id"], content, date(2023, 12, 31))
    later, _ = extract(np.minimum(days + 30, 1100), died)
    import_extract(client, intro["id"], later, date(2024, 12, 31), name="neste.csv")
    plan = _plan(client, intro)
    assert plan["pre_specified"] is False
    assert plan["pre_specification"] == "after_first_data_cut"
    assert plan["first_data_cut"] == "2023-12-31"
    checked = _outcomes(client, intro)["analysis_plan"]
    assert checked["pre_specified"] is False
    assert checked["pre_specification"] == "after_first_data_cut"
    assert checked["warning_nb"] == (
        "Registrert etter første datakutt (31.12.2023): planen er ikke forhåndsspesifisert og "
        "kan være påvirket av dataene.")
    assert checked["warning"] == (
        "Registered after the first data cut (2023-12-31): the plan is not pre-specified and "
        "may have been influenced by the data.")
    # A new version registered now is no more pre-specified than the first.
    assert _register(client, intro, [6, 12])["pre_specified"] is False
    history = client.get(f"/api/v1/introductions/{intro['id']}").json["analysis_plan_history"]
    assert [p["pre_specified"] for p in history] == [False, False]
