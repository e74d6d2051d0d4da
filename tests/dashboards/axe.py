"""axe-core in the browser tests: run Deque's rules on a loaded page, report what matters.

The rules engine is the `axe.min.js` that the axe-playwright-python package ships; it is
injected into the page and run there, so every page is checked as Chromium rendered it.
"""

from __future__ import annotations

import importlib.resources
from functools import cache
from typing import Any

SERIOUS = ("serious", "critical")


@cache
def _axe_source() -> str:
    return importlib.resources.files("axe_playwright_python").joinpath("axe.min.js").read_text()


def violations(page: Any, impacts: tuple[str, ...] = SERIOUS) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A/AA rules) on the page; return the violations of these impacts."""
    page.evaluate(_axe_source())
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {runOnly: {type: 'tag',
                                  values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                         nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


def describe(found: list[dict[str, Any]]) -> str:
    """A readable list of violations for an assertion message."""
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}" for v in found)


def assert_accessible(page: Any, where: str) -> None:
    """Fail with the list of serious or critical violations on the page, if any."""
    found = violations(page)
    assert not found, f"{where}:\n{describe(found)}"
