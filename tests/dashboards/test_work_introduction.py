"""The secretariat registers a method, its temporary decision and the introduction in Chromium,
watching the assumed curve drawn as it is typed; the API then holds what was typed."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

from tests.dashboards.axe import assert_accessible
from tests.dashboards.conftest import LiveServer, screenshot

pytestmark = pytest.mark.browser

CURVE = "#introduction-form .curve-editor[data-prefix='assumptions.curves.0']"
# The drawn line of the preview and how many vertices it has.
LINE_POINTS = """(selector) => {
  const line = document.querySelector(selector + ' svg polyline.curve-line');
  return line ? line.getAttribute('points').trim().split(/\\s+/).length : 0;
}"""


_no_serious_violations = assert_accessible


def _fill_method_and_decision(page: Any, server: LiveServer) -> None:
    page.goto(f"{server.url}/arbeid/metoder/ny")
    page.fill("#f-nye_metoder_id", "ID2026_481")
    page.fill("#f-active_substance", "kurvomab")
    page.fill("#f-trade_name", "Kurvo")
    page.fill("#f-ma_holder", "Kurve Pharma AS")
    page.click("#save")
    page.wait_for_selector("#new-decision")
    page.click("#new-decision")
    page.fill("#f-decision_date", "16.03.2026")
    page.select_option("#f-outcome", "temporarily_introduced")
    page.fill("#f-decision_text", "Kurvomab innføres midlertidig; revurderes om tre år.")
    page.click("#save")
    page.wait_for_selector("a[id^=introduce-]")
    page.click("a[id^=introduce-]")
    page.wait_for_selector("#introduction-form")


def test_the_secretariat_sees_the_assumed_curve_as_it_types_and_saves_the_introduction(
        page_as: Any, live_server: LiveServer) -> None:
    page = page_as("secretariat")
    errors: list[str] = []
    # The preview answers a curve it cannot draw with 422, which Chromium logs; nothing else
    # may fail.
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and "status of 422" not in m.text else None)
    _fill_method_and_decision(page, live_server)
    assert page.input_value("#f-documentation_duty") == "Kurve Pharma AS"

    page.fill("#f-uncertainty", "Enarmet studie med 48 pasienter; OS umoden.")
    page.fill("#f-outcome_measures-0-name", "Totaloverlevelse")
    page.select_option("#f-outcome_measures-0-kind", "OS")
    page.select_option("#f-outcome_measures-0-data_source", "INSPIRE")
    page.fill("#f-outcome_measures-0-definition", "Fra behandlingsstart til død.")
    page.fill("#f-outcome_measures-0-responsible_party", "Kreftregisteret")
    # "Legg til rad" adds a third, numbered, empty measure row.
    page.click("button[data-add-row='outcome_measures']")
    page.wait_for_selector("#f-outcome_measures-2-name")
    assert page.inner_text("#f-outcome_measures-2 legend") == "Utfallsmål 3"
    assert page.input_value("#f-outcome_measures-2-name") == ""
    page.fill("#f-outcome_measures-2-name", "Tid på behandling")
    page.select_option("#f-outcome_measures-2-kind", "TTD")
    page.select_option("#f-outcome_measures-2-data_source", "NPR")
    page.fill("#f-outcome_measures-2-definition", "Fra første til siste dose.")
    page.fill("#f-outcome_measures-2-responsible_party", "Helsedirektoratet")
    page.select_option("#f-milestones-0-data_source", "INSPIRE")
    page.fill("#f-milestones-0-description", "Første uttrekk")
    page.fill("#f-milestones-0-expected_date", "30.06.2027")
    page.fill("#f-milestones-0-data_cut", "31.12.2026")
    page.fill("#f-milestones-0-responsible_party", "Kreftregisteret")
    page.fill("#f-review_date", "01.03.2029")
    page.fill("#f-reassessment_criteria", "Revurderes når tre års INSPIRE-data foreligger.")
    page.fill("#f-phaseout_criteria", "Utfases om OS ved 24 måneder er under 40 %.")
    page.fill("#f-exit_plan-new_patients", "Ingen nye pasienter etter utfasingsdatoen.")
    page.fill("#f-exit_plan-patients_on_treatment", "Fullfører; leverandøren dekker.")

    # The curve: choosing Weibull shows its parameters only, and typing draws it.
    page.select_option("#f-assumptions-curves-0-endpoint", "OS")
    page.select_option("#f-assumptions-curves-0-distribution", "weibull")
    assert page.is_visible("#f-assumptions-curves-0-parameters-shape")
    assert not page.is_visible("#f-assumptions-curves-0-parameters-rate")
    assert not page.is_visible("#f-assumptions-curves-0-points-0-0")
    page.fill("#f-assumptions-curves-0-parameters-scale", "14")
    page.type("#f-assumptions-curves-0-parameters-shape", "0")
    summary = f"{CURVE} .curve-problems"
    page.wait_for_function(
        "(s) => document.querySelector(s).textContent.includes('Må være større enn 0.')",
        arg=summary)
    page.fill("#f-assumptions-curves-0-parameters-shape", "1,2")
    page.wait_for_function(f"(s) => ({LINE_POINTS})(s) > 50", arg=CURVE)
    assert page.inner_text(f"{CURVE} .curve-problems") == ""
    text = page.inner_text(f"{CURVE} .curve-summary")
    assert "Median: 10,3 måneder" in text and "S(12 måneder) = 0,44" in text
    # The drawn curve is S(t) = exp(-(t/14)^1.2): its median line crosses the axis at 10.3.
    median_x = page.evaluate(f"""() => document.querySelector("{CURVE} svg polyline.curve-median")
                                     .getAttribute('points').split(' ')[1].split(',')[0]""")
    horizon = 36.0  # S(34.9) = 0.05: the axis runs to three years
    assert float(median_x) == pytest.approx(46 + 420 * 14 * math.log(2) ** (1 / 1.2) / horizon,
                                            abs=0.5)
    screenshot(page, "work-introduction-curve-preview", page.locator(CURVE))
    screenshot(page, "work-introduction-form")
    _no_serious_violations(page, "the guided form with its preview")

    page.fill("#f-assumptions-expected_patients_per_year", "35")
    page.click("#save")
    page.wait_for_selector("#introduction-edit-form")
    assert "Den midlertidige innføringen er registrert." in page.inner_text("#flash-saved")
    intro_id = int(re.search(r"/arbeid/innforinger/(\d+)", page.url)[1])
    screenshot(page, "work-introduction-page")
    _no_serious_violations(page, "the introduction's page")

    stored = page.request.get(f"{live_server.url}/api/v1/introductions/{intro_id}").json()
    assert stored["nye_metoder_id"] == "ID2026_481"
    assert [(m["name"], m["data_source"]) for m in stored["outcome_measures"]] == [
        ("Totaloverlevelse", "INSPIRE"), ("Tid på behandling", "NPR")]
    assert [m["expected_date"] for m in stored["milestones"]] == ["2027-06-30"]
    assert stored["assumptions"]["curves"] == [{
        "version": 1, "endpoint": "OS", "distribution": "weibull", "time_unit": "months",
        "source": None, "parameters": {"scale": 14.0, "shape": 1.2}}]
    assert stored["assumptions"]["expected_patients_per_year"] == 35
    assert stored["review_date"] == "2029-03-01"

    # The curve's own page draws the stored curve at once, and so does the analysis plan page
    # keep its own look; both pass axe.
    page.click("#curve-link-OS")
    page.wait_for_function(f"(s) => ({LINE_POINTS})(s) > 50", arg="#curve-form .curve-editor")
    _no_serious_violations(page, "the curve's page")
    page.goto(f"{live_server.url}/arbeid/innforinger/{intro_id}/analyseplan")
    page.fill("#f-text", "OS fra behandlingsstart; sensur når dødsdata er komplette.")
    page.click("#register-plan")
    page.wait_for_selector("#plan-sha")
    sha = page.inner_text("#plan-sha")
    stored = page.request.get(f"{live_server.url}/api/v1/introductions/{intro_id}").json()
    assert sha == stored["analysis_plan"]["text_sha256"]
    _no_serious_violations(page, "the analysis plan page")
    assert not errors, errors
