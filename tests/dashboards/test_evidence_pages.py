"""The evidence for the reassessment on the pages (issue #15): hazards, the log-log plot, the
extrapolation check, data maturity and the evidence history, on the introduction page and in
the brief, through the Dash callbacks with Flask's test client on the demo as `make run` leaves
it (`tracker seed demo`, then `tracker seed feeds`: two deliveries per data source).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from click.testing import CliRunner

from tests.dashboards.test_pages_fixed import callback, ids
from tests.dashboards.test_role_starts import find
from tests.dashboards.test_routes import route


@pytest.fixture
def demo(cli: CliRunner) -> CliRunner:
    """The demo as `make run` leaves it (`tracker seed demo`, then `tracker seed feeds`): the
    test's database is copied from one seeded so once per worker (tests/conftest.py)."""
    return cli


def panel(client: Any, nye_metoder_id: str, endpoint: str, lang: str = "nb") -> dict[str, Any]:
    """The outcomes panel's callback answer for one endpoint, by output id."""
    intro = ids(client)[nye_metoder_id]
    return callback(
        client,
        [("km-figure", "figure"), ("km-col", "style"), ("verdict-wrap", "children"),
         ("numbers-col", "children")],
        [("endpoint", "value", endpoint)],
        [("intro-ctx", "data", {"lang": lang, "id": intro})],
    )


def text(tree: Any) -> str:
    return json.dumps(tree, ensure_ascii=False)


def words(tree: Any) -> str:
    """The visible strings of a component tree (children), without ids, classes or figures."""
    out: list[str] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, list):
            stack += node
        elif isinstance(node, dict):
            props = node.get("props", node)
            if "figure" in props:
                continue
            stack += [props.get("children")] if props.get("children") is not None else []
    return " ".join(out)


def traces(answer: dict[str, Any], graph_id: str) -> dict[str, dict[str, Any]]:
    graph = find(answer, graph_id)
    assert graph is not None, f"no {graph_id} on the page"
    return {t["meta"]: t for t in graph["figure"]["data"]}


def test_the_introduction_page_shows_hazards_log_log_extrapolation_maturity_and_history(
    demo: CliRunner, anonymous: Any
) -> None:
    answer = panel(anonymous, "ID2021_901", "OS")
    numbers = answer["numbers-col"]
    hazard = traces(numbers, "hazard-figure")
    assert {"hazard_interval", "hazard_smoothed", "assumed"} <= set(hazard)
    assert hazard["assumed"]["name"] == "Antatt hasard h(t)"
    assert len(hazard["hazard_smoothed"]["x"]) > 5 and "error_y" in hazard["hazard_interval"]
    loglog = traces(numbers, "loglog-figure")
    assert {"observed", "assumed"} <= set(loglog)
    assert find(numbers, "loglog-figure")["figure"]["layout"]["xaxis"]["type"] == "log"
    # The assumed curve past the longest follow-up is drawn apart and named extrapolated.
    extrapolated = traces(numbers, "extrapolation-figure")
    assert extrapolated["extrapolated"]["name"] == "Antatt, ekstrapolert"
    assert extrapolated["extrapolated"]["line"]["dash"] == "dot"
    assert min(extrapolated["extrapolated"]["x"]) >= max(extrapolated["assumed"]["x"]) - 1e-9
    shown = words(numbers)
    assert "Modellens gjennomsnitt" in shown and "Observert RMST til" in shown
    assert "Datamodenhet" in shown and "Median oppfølging (omvendt Kaplan–Meier)" in shown
    assert "Forventede nye hendelser innen revurderingen" in shown
    assert "Kompletthet per variabel" in shown and "Helseforetak" in shown
    # Both deliveries of the data source, the older one marked as superseded.
    history = find(numbers, "history-table")
    assert history is not None
    rows = text(history).count('"Tr"') - 1  # one header row
    assert rows == 2
    assert "erstattet" in words(history) and "gjeldende" in words(history)
    assert "Kumulativ O/E over kalendertid" in shown
    # ... drawn too: O/E with its interval by data cut, each delivery's O/E, a line at 1.
    calendar = traces(numbers, "calendar-figure")
    assert {"calendar", "deliveries"} <= set(calendar)
    assert len(calendar["calendar"]["x"]) >= 2 and "error_y" in calendar["calendar"]
    assert len(calendar["deliveries"]["x"]) == 2
    shapes = find(numbers, "calendar-figure")["figure"]["layout"]["shapes"]
    assert any(s["y0"] == s["y1"] == 1 for s in shapes)


def test_the_landmarks_say_they_come_from_the_analysis_plan(demo: CliRunner, client: Any
                                                            ) -> None:
    # ID2021_901's plan declares 6, 12 and 24 months: the landmark table has those rows, and
    # says where they came from; a plan registered after the first data cut is marked.
    intro = ids(client)["ID2021_901"]
    plan = client.get(f"/api/v1/introductions/{intro}").json["analysis_plan"]
    numbers = panel(client, "ID2021_901", "OS")["numbers-col"]
    rows = find_rows(find(numbers, "landmark-table"))[1:]
    assert [row[0] for row in rows] == ["6", "12", "24"]
    said = words(find(numbers, "landmarks-source"))
    assert said == (f"Landemerkene 6, 12 og 24 måneder er fastsatt i analyseplanen "
                    f"(versjon {plan['version_no']}).")
    late = find(numbers, "plan-late")
    assert (late is not None) == (not plan["pre_specified"])
    if late is not None:
        assert words(late).startswith("Registrert etter første datakutt (")
        assert "planen er ikke forhåndsspesifisert" in words(late)
    english = panel(client, "ID2021_901", "OS", lang="en")["numbers-col"]
    assert words(find(english, "landmarks-source")).startswith(
        "The landmarks 6, 12 and 24 months are those of the analysis plan")


def test_the_english_page_speaks_english(demo: CliRunner, anonymous: Any) -> None:
    answer = panel(anonymous, "ID2021_901", "OS", lang="en")
    shown = words(answer["numbers-col"])
    assert "Hazard against the assumed hazard" in shown and "Data maturity" in shown
    assert "The evidence over time" in shown and "Model mean" in shown
    assert traces(answer["numbers-col"], "hazard-figure")["assumed"]["name"] == \
        "Assumed hazard h(t)"
    assert "Datamodenhet" not in shown and "Modellens" not in shown


def test_shorter_time_on_treatment_is_not_called_worse(demo: CliRunner, anonymous: Any) -> None:
    answer = panel(anonymous, "ID2021_901", "TTD")
    verdict = find(answer["verdict-wrap"], "verdict")
    assert verdict is not None
    said = words(verdict)
    assert "Kortere behandlingstid enn antatt" in said
    assert "Dårligere" not in said and "Bedre" not in said
    assert "verdict-shorter_treatment" in verdict["className"]
    # Each delivery's verdict in the history is worded the same way.
    history = words(find(answer["numbers-col"], "history-table"))
    assert "Dårligere" not in history and "Kortere behandlingstid enn antatt" in history
    english = words(panel(anonymous, "ID2021_901", "TTD", lang="en")["verdict-wrap"])
    assert "Shorter time on treatment than assumed" in english and "Worse" not in english


def test_more_deaths_than_assumed_is_worse_and_coloured_so(
    demo: CliRunner, anonymous: Any
) -> None:
    verdict = find(panel(anonymous, "ID2021_901", "OS")["verdict-wrap"], "verdict")
    assert verdict is not None and "Dårligere enn antatt" in words(verdict)
    assert "verdict-unfavourable" in verdict["className"]
    assert "verdict-concern" in verdict["className"]


def test_a_young_delivery_warns_that_it_will_still_be_immature_at_the_review(
    demo: CliRunner, anonymous: Any
) -> None:
    numbers = panel(anonymous, "ID2020_913", "OS")["numbers-col"]
    warning = find(numbers, "immature-warning")
    assert warning is not None
    said = words(warning)
    assert "Dataene vil fortsatt være umodne ved revurderingen" in said
    # With its rule in words: which threshold is not met.
    assert "Umodne data ved revurderingsdatoen" in said
    assert re.search(r"færre enn \d+|kortere enn første landemerke", said)
    # A mature delivery has no such warning.
    assert find(panel(anonymous, "ID2021_901", "OS")["numbers-col"], "immature-warning") is None


RAW_CODES = re.compile(
    r"\b(needs_constant_hazard|cannot_hold|already_reached|within_follow_up|few_events"
    r"|short_follow_up|oe_above|oe_below|oe_includes|shorter_treatment|longer_treatment"
    r"|unfavourable|favourable|health_trust|birth_year|treatment_line|best_response"
    r"|stop_reason|curve_end|lifetime)\b"
)


@pytest.mark.parametrize(("method", "endpoint"), [("ID2021_901", "OS"), ("ID2021_901", "TTD"),
                                                  ("ID2020_913", "OS")])
def test_no_raw_codes_on_the_norwegian_page(
    demo: CliRunner, anonymous: Any, method: str, endpoint: str
) -> None:
    answer = panel(anonymous, method, endpoint)
    shown = words(answer["numbers-col"]) + " " + words(answer["verdict-wrap"])
    assert RAW_CODES.search(shown) is None, RAW_CODES.search(shown)
    # An endpoint is named, not coded: "OS" only inside "Totaloverlevelse (OS)".
    assert re.search(r"(?<!\()\b(OS|PFS|TTD)\b(?!\))", shown) is None
    for name in ("hazard-figure", "loglog-figure", "extrapolation-figure"):
        figure = find(answer["numbers-col"], name)
        names = " ".join(t.get("name", "") for t in figure["figure"]["data"])
        assert RAW_CODES.search(names) is None


def test_the_public_sees_rounded_numbers_only(demo: CliRunner, anonymous: Any,
                                               client: Any) -> None:
    public = panel(anonymous, "ID2021_901", "OS")["numbers-col"]
    shown = words(public)
    assert "avrundet til nærmeste 5" in shown
    maturity = find(public, "maturity")
    history = find(public, "history-table")
    assert maturity is not None and history is not None
    # Every count in the history is a multiple of 5 (or hidden), never an exact small count.
    for row in find_rows(history)[1:]:
        for cell in row[1:3]:
            assert cell == "<5" or int(cell.replace("\u00a0", "")) % 5 == 0, row
    # Expected events by the review date are whole numbers for the public.
    expected = dd_after(maturity, "Forventede nye hendelser innen revurderingen")
    assert expected is not None and "," not in expected
    # An administrator sees exact counts, without the note.
    admin = words(panel(client, "ID2021_901", "OS")["numbers-col"])
    assert "avrundet til nærmeste" not in admin


def find_rows(table: dict[str, Any]) -> list[list[str]]:
    """The table's rows as lists of cell texts."""
    rows: list[list[str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            if node.get("type") == "Tr":
                cells = node["props"]["children"]
                rows.append([words(c).strip() for c in cells])
                return
            walk(node.get("props", {}).get("children"))

    walk(table.get("children"))
    return rows


def dd_after(tree: Any, term: str) -> str | None:
    """The value beside a term of a definition list."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            for a, b in zip(node, node[1:], strict=False):
                if (isinstance(a, dict) and a.get("type") == "Dt"
                        and a["props"].get("children") == term):
                    return words(b).strip()
            stack += node
        elif isinstance(node, dict):
            stack += [v for v in node.get("props", node).values() if isinstance(v, list | dict)]
    return None


def test_the_brief_shows_hazards_maturity_extrapolation_and_history(
    demo: CliRunner, client: Any
) -> None:
    intro = ids(client)["ID2021_901"]
    opened = client.post(f"/api/v1/introductions/{intro}/reassessments", json={})
    assert opened.status_code in (201, 409), opened.get_data(as_text=True)
    case = client.get(f"/api/v1/introductions/{intro}/reassessments").json["items"][0]["id"]
    page = route(client, f"/dashboards/revurdering/{case}")["response"]["page"]
    for endpoint in ("OS", "TTD"):
        assert find(page, f"maturity-{endpoint}") is not None
        assert find(page, f"history-table-{endpoint}") is not None
    assert find(page, "extrapolation-OS") is not None
    # The hazard and log(-log S) plots of each endpoint, small and still for print, with the
    # assumed curve on both (the note under them names the lines the legend would).
    for endpoint in ("OS", "PFS", "TTD"):
        hazard = find(page, f"hazard-figure-{endpoint}")
        loglog = find(page, f"loglog-figure-{endpoint}")
        assert hazard is not None and loglog is not None, endpoint
        assert {"hazard_interval", "assumed"} <= {tr["meta"] for tr in hazard["figure"]["data"]}
        assert {"observed", "assumed"} <= {tr["meta"] for tr in loglog["figure"]["data"]}
        assert loglog["figure"]["layout"]["xaxis"]["type"] == "log"
        assert hazard["config"]["staticPlot"] and hazard["figure"]["layout"]["height"] < 250
    assert "stiplet: antagelsen" in words(find(page, "hazards-OS"))
    # Where the landmarks came from, once for the brief (one plan for every endpoint).
    assert words(find(page, "landmarks-source-brief")).startswith(
        "Landemerkene 6, 12 og 24 måneder er fastsatt i analyseplanen")
    assert text(page).count("landmarks-source") == 1
    # Cumulative O/E over calendar time in one line: each year's end and the data cut.
    calendar = words(find(page, "calendar-OS"))
    assert re.match(r"31\.12\.\d{4} \d+,\d\d \(\d+,\d\d–\d+,\d\d\)", calendar)
    assert calendar.count("31.12.") >= 2
    shown = words(page)
    assert "Datamodenhet" in shown and "Ekstrapolering" in shown and "Evidensen over tid" in shown
    # The summary words TTD as its endpoint means it.
    summary = words(find(page, "brief-summary"))
    assert "Kortere behandlingstid enn antatt" in summary
    assert RAW_CODES.search(shown) is None
