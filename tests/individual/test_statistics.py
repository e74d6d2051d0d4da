"""The register against its source: loaded with the 412 individual applications of the review's
Table 1 and the ten group applications of Table 3 (000_3134ab22afa02640.txt L403–442, L502–686),
the statistics API reproduces both tables exactly, and its tests equal scipy's on the same
table. Counts of 1–4 are hidden from the public and cannot be recovered from what is shown."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tests.analytics.test_access_reference import parse_table1
from tests.factories import MethodPayload
from tracker.analytics import access_reference
from tracker.auth import SYSTEM
from tracker.individual import schemas as s
from tracker.individual import service
from tracker.individual.enums import CaseState, Scheme
from tracker.individual.models import AccessCase
from tracker.individual.trusts import TRUST_REGIONS
from tracker.timeutil import today

FIRST_TRUST = {region: next(t for t, r in TRUST_REGIONS.items() if r == region)
               for region in set(TRUST_REGIONS.values())}


def _decide(session, case, outcome: str, on: date) -> None:  # type: ignore[no-untyped-def]
    body = s.StepIn(to=CaseState.decided, version=case.version, at=on, outcome=outcome,
                    justification="Fra tabellen.")
    if case.scheme == Scheme.individual_exception:
        for to, extra in ((CaseState.line_manager_approved, {"justification": "ja"}),
                          (CaseState.pharmacist_checked, {
                              "literature_checked": True, "cost_per_month_nok": 0,
                              "prescription_category": "H"})):
            case = service.step(session=session, case_id=case.id, principal=SYSTEM,
                                today=on, body=s.StepIn(to=to, version=case.version, at=on,
                                                        **extra))
        body.version = case.version
    service.step(session=session, case_id=case.id, body=body, principal=SYSTEM, today=on)


@pytest.fixture
def table1_through_the_service(client, session):  # type: ignore[no-untyped-def]
    """The register holding Table 1's 412 applications, each registered and decided through
    the service as a trust would (the workflow's every step)."""
    method = client.post("/api/v1/methods", json=MethodPayload(
        active_substance="ukjent metode (tabell 1 oppgir ingen)")).get_json()
    for i, row in access_reference.table1_cases().iterrows():
        on = date(int(row["year"]), 6, 15)
        case = service.create(session=session, scheme=Scheme.individual_exception, today=on,
                              principal=SYSTEM, data=s.ExceptionCaseCreate(
                                  nye_metoder_id=method["nye_metoder_id"],
                                  sending_trust=FIRST_TRUST[row["region"]],
                                  diagnosis_icd10="C80", received_on=on,
                                  reference=f"Tabell 1, rad {i}"))
        _decide(session, case, row["outcome"], on)
    session.commit()


@pytest.fixture
def table1_register(client, session):  # type: ignore[no-untyped-def]
    """The same 412 decided cases written straight into the register's table (the tests that
    only read the statistics need not walk 412 cases through the workflow each time)."""
    method = client.post("/api/v1/methods", json=MethodPayload(
        active_substance="ukjent metode (tabell 1 oppgir ingen)")).get_json()
    for i, row in access_reference.table1_cases().iterrows():
        on = date(int(row["year"]), 6, 15)
        trust = FIRST_TRUST[row["region"]]
        session.add(AccessCase(
            scheme=str(Scheme.individual_exception), state=str(CaseState.sent),
            method_id=method["id"], reference=f"Tabell 1, rad {i}", diagnosis_icd10="C80",
            diagnosis_group="II", sending_trust=trust, region=row["region"],
            residence_region=row["region"], paying_trust=trust, received_on=on,
            decided_on=on, outcome=row["outcome"]))
    session.commit()


def test_the_register_reproduces_table_1_exactly(client, table1_through_the_service):
    cells, totals, grand = parse_table1()
    answer = client.get("/api/v1/access-statistics?scheme=individual_exception").get_json()
    assert answer["cases"] == 412 and answer["suppressed"] is False
    table = pd.DataFrame(answer["tables"]["year_region"])
    got = table[table.row_type == "cell"][["year", "region", "granted", "refused", "total"]]
    expected = cells.sort_values(["year", "region"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got.sort_values(["year", "region"]).reset_index(drop=True),
                                  expected, check_dtype=False)
    years = table[table.row_type == "subtotal"][["year", "granted", "refused", "total"]]
    pd.testing.assert_frame_equal(years.reset_index(drop=True), totals, check_dtype=False)
    total = table[table.row_type == "total"].iloc[0]
    assert (total.granted, total.refused, total.total) == grand == (310, 102, 412)


def test_the_variation_tests_equal_scipy_on_the_same_table(client, table1_register):
    cells, _, _ = parse_table1()
    by_region = cells.groupby("region")[["granted", "refused"]].sum()
    answer = client.get("/api/v1/access-statistics?scheme=individual_exception").get_json()
    chi2, p, dof, _ = stats.chi2_contingency(by_region.to_numpy(), correction=False)
    assert answer["variation"]["chi_square"]["statistic"] == pytest.approx(chi2, rel=1e-12)
    assert answer["variation"]["chi_square"]["p_value"] == pytest.approx(p, rel=1e-10)
    assert answer["variation"]["chi_square"]["dof"] == dof == 3
    # The exact test, independently: every table with the observed margins, its probability
    # from scipy's multivariate hypergeometric distribution, summed where no more probable.
    sizes = by_region.sum(axis=1).to_numpy()
    granted = int(by_region.granted.sum())
    grids = np.meshgrid(*[np.arange(n + 1) for n in sizes[:-1]], indexing="ij")
    first = np.stack([g.ravel() for g in grids], axis=1)
    last = granted - first.sum(axis=1)
    keep = (last >= 0) & (last <= sizes[-1])
    tables = np.column_stack([first[keep], last[keep]])
    pmf = stats.multivariate_hypergeom.pmf(tables, m=sizes, n=granted)
    observed = stats.multivariate_hypergeom.pmf(by_region.granted.to_numpy(), m=sizes, n=granted)
    exact = float(pmf[pmf <= observed * (1 + 1e-7)].sum())
    assert answer["variation"]["exact"]["p_value"] == pytest.approx(exact, rel=1e-9)
    assert answer["variation"]["exact"]["tables"] == len(tables)
    rates = {r["region"]: r for r in answer["rates"] if r["row_type"] == "cell"}
    ci = stats.binomtest(14, 25).proportion_ci(method="exact")
    assert rates["Helse Nord"]["rate"] == pytest.approx(14 / 25)
    assert (rates["Helse Nord"]["ci_lower"], rates["Helse Nord"]["ci_upper"]) == pytest.approx(
        (ci.low, ci.high), rel=1e-9)


def test_the_public_sees_no_count_of_one_to_four(client, anonymous, table1_register):
    answer = anonymous.get("/api/v1/access-statistics?scheme=individual_exception").get_json()
    assert answer["suppressed"] is True
    rows = answer["tables"]["year_region"]
    shown = [row[k] for row in rows for k in ("granted", "refused", "total")
             if row[k] is not None]
    assert not [v for v in shown if 1 <= v <= 4]
    hidden = [(row["year"], row["region"]) for row in rows if row["row_type"] == "cell"
              and None in (row["granted"], row["refused"])]
    assert (2020, "Helse Nord") in hidden  # 1 granted, 1 refused in the source
    # Secondary suppression: in every year, a hidden cell never stands alone in its column.
    for year in {row["year"] for row in rows if row["row_type"] == "cell"}:
        cells = [row for row in rows if row["row_type"] == "cell" and row["year"] == year]
        for key in ("granted", "refused"):
            assert sum(row[key] is None for row in cells) != 1, (year, key)
    # Over all years every region has more than four of each: the rates and tests are shown.
    rates = [r for r in answer["rates"] if r["row_type"] == "cell"]
    assert all(r["granted"] >= 5 and r["refused"] >= 5 for r in rates)
    assert answer["variation"] is not None and answer["funnel"] is not None
    cells, _, _ = parse_table1()
    truth = {(r.year, r.region, k): getattr(r, k) for r in cells.itertuples()
             for k in ("granted", "refused")}
    bounds = hidden_cell_bounds(rows, rates)
    small = {cell: bound for cell, bound in bounds.items() if 1 <= truth[cell] <= 4}
    assert small, "Table 1 has small counts to protect"
    for cell, (low, high) in small.items():
        assert high - low > 0.5, f"{cell} follows from what is shown: {low}"


def hidden_cell_bounds(rows: list[dict], rates: list[dict]) -> dict[tuple, tuple[float, float]]:
    """Try to recover each hidden cell from everything shown: the per-year cells, row totals and
    year subtotals, and the all-years counts per region (the rates table). A linear programme
    finds the least and the greatest value each hidden cell can take."""
    from scipy.optimize import linprog

    cells = [r for r in rows if r["row_type"] == "cell"]
    unknown = [(i, k) for i, r in enumerate(cells) for k in ("granted", "refused")
               if r[k] is None]
    index = {cell: j for j, cell in enumerate(unknown)}
    equations: list[tuple[dict[int, float], float]] = []

    def equation(members: list[tuple[int, str]], total: float) -> None:
        known = sum(cells[i][k] for i, k in members if (i, k) not in index)
        equations.append(({index[m]: 1.0 for m in members if m in index}, total - known))

    for i, r in enumerate(cells):
        if r["total"] is not None:
            equation([(i, "granted"), (i, "refused")], r["total"])
    for sub in (r for r in rows if r["row_type"] == "subtotal"):
        for k in ("granted", "refused"):
            equation([(i, k) for i, r in enumerate(cells) if r["year"] == sub["year"]], sub[k])
    for rate in rates:
        for k in ("granted", "refused"):
            equation([(i, k) for i, r in enumerate(cells) if r["region"] == rate["region"]],
                     rate[k])
    a = np.zeros((len(equations), len(unknown)))
    b = np.zeros(len(equations))
    for row, (coefficients, value) in enumerate(equations):
        for j, c in coefficients.items():
            a[row, j] = c
        b[row] = value
    out = {}
    for j, (i, k) in enumerate(unknown):
        goal = np.zeros(len(unknown))
        goal[j] = 1
        low = linprog(goal, A_eq=a, b_eq=b, bounds=(0, None)).fun
        high = -linprog(-goal, A_eq=a, b_eq=b, bounds=(0, None)).fun
        out[(cells[i]["year"], cells[i]["region"], k)] = (low, high)
    return out


def test_ten_group_applications_of_table_3(client, session, anonymous):
    table3 = access_reference.load_table3()
    for _, row in table3.iterrows():
        response = client.post("/api/v1/methods", json=MethodPayload(
            active_substance=row["method"][:200], method_type="procedure"))
        assert response.status_code == 201, response.get_json()
        method = response.get_json()
        on = date(int(row["year"]), 6, 15)
        case = service.create(session=session, scheme=Scheme.group_exception, principal=SYSTEM,
                              today=on, data=s.GroupCaseCreate(
                                  nye_metoder_id=method["nye_metoder_id"],
                                  sending_trust="Oslo universitetssykehus HF", received_on=on,
                                  application=s.GroupApplication(
                                      clinical_group="Fra tabell 3", trusts=[
                                          "Oslo universitetssykehus HF"],
                                      patient_group=row["indication"],
                                      justification=row["comment"] or "Fra tabell 3.")))
        _decide(session, case, row["outcome"], on)
        if row["publication_status"] == "previous":
            case = service.get(session=session, case_id=case.id, principal=SYSTEM)
            service.step(session=session, case_id=case.id, principal=SYSTEM, today=today(),
                         body=s.StepIn(to=CaseState.ended, version=case.version,
                                       at=on, justification="Ikke lenger gjeldende."))
        session.commit()  # the next method is added through the API
    published = anonymous.get("/api/v1/group-exceptions").get_json()["items"]
    assert len(published) == 10
    statuses = pd.Series([g["status"] for g in published]).value_counts().to_dict()
    assert statuses == table3["publication_status"].value_counts().to_dict()
    assert statuses["current"] == 4  # "Fire" unntak gjelder fortsatt (after Table 3)
    answer = client.get("/api/v1/access-statistics?scheme=group_exception").get_json()
    total = next(r for r in answer["tables"]["scheme"] if r["row_type"] != "total")
    assert (total["granted"], total["refused"]) == (8, 2)
    # Group exceptions are national decisions: no region counts them.
    assert all(r["granted"] == r["refused"] == 0 for r in answer["rates"])


def test_a_selection_of_years_shows_only_what_the_all_years_answer_shows(client, anonymous,
                                                                        table1_register):
    """2020 alone, protected on its own, would show cells the all-years answer hides, and the
    all-years rates minus 2021 and 2022 would give 2020 back. So a year's answer is read from
    the all-years answer: its year × region rows, the rates added from them, and nothing the
    all-years answer does not hold by year (the tables by diagnosis group, method and scheme,
    the rates per inhabitant)."""
    url = "/api/v1/access-statistics?scheme=individual_exception"
    whole = anonymous.get(url).get_json()
    answer = anonymous.get(f"{url}&year_from=2020&year_to=2020").get_json()
    # Helse Vest granted 13 and refused 2 in 2020.
    rates = {r["region"]: r for r in answer["rates"] if r["row_type"] == "cell"}
    assert rates["Helse Vest"]["refused"] is None and rates["Helse Vest"]["rate"] is None
    assert [r for r in answer["tables"]["year_region"] if r["row_type"] != "total"] == [
        r for r in whole["tables"]["year_region"] if r["year"] == 2020]
    cells = {r["region"]: r for r in answer["tables"]["year_region"] if r["row_type"] == "cell"}
    for region, rate in rates.items():
        assert (rate["granted"], rate["refused"]) == (cells[region]["granted"],
                                                      cells[region]["refused"]), region
    assert set(answer["withheld_tables"]) == {"diagnosis_group", "method", "scheme",
                                              "per_population"}
    assert answer["per_population"] == [] and answer["tables"]["method"] == []
    # The staff see 2020 as it is.
    staff = client.get(f"{url}&year_from=2020&year_to=2020").get_json()
    assert staff["withheld_tables"] == [] and staff["tables"]["method"]
