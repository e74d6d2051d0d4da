"""Each role starts the overview with its own card, read with a bounded number of queries."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from tests.dashboards.test_queries import add_introductions, count
from tests.dashboards.test_routes import route
from tests.web import conftest as web

browser_as = web.browser_as  # a browser logged in through the login page, per role


@pytest.fixture
def demo(cli: CliRunner) -> None:
    """The demo as `make run` leaves it (`tracker seed demo`, then `tracker seed feeds`): the
    test's database is copied from one seeded so once per worker (tests/conftest.py)."""


def find(tree: Any, id: str) -> dict[str, Any] | None:
    """The props of the component with this id in a callback's answer, if there is one."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack += node
        elif isinstance(node, dict):
            props = node.get("props", node)
            if props.get("id") == id:
                return dict(props)
            stack += [v for v in props.values() if isinstance(v, list | dict)]
    return None


def start(client: Any) -> str:
    """The role's start card on the overview, as JSON text ("" if there is none)."""
    card = find(route(client, "/dashboards/")["response"]["page"], "role-start")
    return json.dumps(card, ensure_ascii=False) if card else ""


def test_the_secretariat_starts_with_what_is_overdue_and_due_within_six_months(
    demo: None, browser_as: Any
) -> None:
    card = start(browser_as("secretariat").client)
    assert "Frister: på overtid og de neste seks månedene" in card
    assert "på overtid ·" in card and "de neste seks månedene" in card
    # Sotorasib's review date (31.08.2026) has passed: it is on the list, marked overdue.
    assert "31.08.2026" in card and "ID2021_901 sotorasib" in card and "row-overdue" in card
    assert "til i listen" in card and "/arbeid/frister" in card  # the rest is one click away
    # An agreement without an introduction is named by its method.
    assert "ID2019_904 lorlatinib (Lorviqua)" in card


def test_procurement_starts_with_agreements_ending_and_volume_tiers(
    demo: None, browser_as: Any
) -> None:
    card = start(browser_as("procurement").client)
    assert "Prisavtaler: terskler og utløp" in card
    assert "aktive avtaler" in card and "volumtrinn passert" in card
    assert "Prisavtale utløper: Flat rabatt" in card and "ID2019_904 lorlatinib" in card
    assert "flat_discount" not in card


def test_a_clinician_starts_with_the_follow_up_of_the_introductions(
    demo: None, browser_as: Any
) -> None:
    card = start(browser_as("clinician").client)
    assert "Oppfølging av innføringene" in card and "Siste datakutt" in card
    # The introduction whose registry data differ from the assumptions comes first, flagged.
    first_row = card.index("ID2021_901 sotorasib")
    assert first_row < card.index("ID2022_906 pembrolizumab")
    assert "Resultatene avviker fra antagelsene" in card and "row-signal" in card
    assert "31.12.2025" in card  # the newest data cut delivered


def test_the_forum_starts_with_the_cases_to_decide(demo: None, browser_as: Any) -> None:
    card = start(browser_as("forum").client)
    assert "Saker til beslutning" in card
    assert "ID2021_901 sotorasib" in card and "Data mottatt" in card
    assert "Beslutningsgrunnlag" in card and "/dashboards/revurdering/" in card
    # The decided case is not among those to decide.
    assert "ID2022_909" not in card


def test_the_public_keeps_the_overview_as_it_was(demo: None, anonymous: Any) -> None:
    assert start(anonymous) == ""


@pytest.mark.parametrize("role", ["procurement", "clinician", "forum", "secretariat"])
def test_each_start_costs_as_many_queries_for_30_introductions_as_for_3(
    app: Any, browser_as: Any, role: str
) -> None:
    browser = browser_as(role)
    add_introductions(app, 3)
    route(browser.client, "/dashboards/")  # warm up
    small = count(app, lambda: route(browser.client, "/dashboards/"))
    add_introductions(app, 27)
    assert "30 av 30 innføringer" in json.dumps(route(browser.client, "/dashboards/"),
                                                ensure_ascii=False)
    assert count(app, lambda: route(browser.client, "/dashboards/")) == small
