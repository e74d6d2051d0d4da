"""The register's SQL on PostgreSQL too: a Tilgangsordningen case walked to the committee's
decision, an exception refused by its rule, and the published group exceptions. The other tests
of this package run on SQLite only (see conftest.py)."""

from __future__ import annotations

import pytest

from tests.individual.test_access_scheme import (  # noqa: F401 - collected here on PostgreSQL
    committee,
    test_the_committee_decides_with_recusal_quorum_consensus_and_papers_in_time,
)
from tests.individual.test_exceptions import (  # noqa: F401
    test_a_group_exception_is_published_current_then_previous,
    test_a_trust_registers_only_its_own_cases_and_sees_only_them,
    test_no_exception_once_the_method_is_decided,
)
from tests.individual.test_flags import (  # noqa: F401
    test_recurring_cases_for_one_method_and_diagnosis_suggest_a_subgroup_assessment,
)


@pytest.fixture(params=["postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)
