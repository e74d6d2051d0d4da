"""Roles of the people who use the tracker."""

from enum import StrEnum


class Role(StrEnum):
    """A user's role; anonymous visitors are the public and have no role."""

    secretariat = "secretariat"  # Nye metoder-sekretariatet
    procurement = "procurement"  # Sykehusinnkjøp
    clinician = "clinician"  # klinikere / fagmiljø
    forum = "forum"  # Beslutningsforum
    admin = "admin"
