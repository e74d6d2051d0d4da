"""Enumerations of Beslutningsforum decisions."""

from enum import StrEnum


class DecisionOutcome(StrEnum):
    """What Beslutningsforum decided ("beslutning")."""

    introduced = "introduced"
    introduced_with_criteria = "introduced_with_criteria"
    temporarily_introduced = "temporarily_introduced"
    not_introduced = "not_introduced"
