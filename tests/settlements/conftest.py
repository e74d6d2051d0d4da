"""The outcome-based agreement with its registry delivery (tests/settlements/test_api.py),
shared by the settlement tests."""

from tests.settlements.test_api import agreement  # noqa: F401 - a fixture
