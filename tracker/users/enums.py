"""Roles of the people who use the tracker."""

from enum import StrEnum


class Role(StrEnum):
    """A user's role; anonymous visitors are the public and have no role."""

    secretariat = "secretariat"  # Nye metoder-sekretariatet
    procurement = "procurement"  # Sykehusinnkjøp
    clinician = "clinician"  # klinikere / fagmiljø
    forum = "forum"  # Beslutningsforum
    admin = "admin"
    # Individual access (000_3134ab22afa02640.txt, 002_e9fcae1246b76c56.txt L585–690):
    coordinator = "coordinator"  # koordinator for Tilgangsordningen i Nye metoder
    committee = "committee"  # medlem av den interregionale vurderingskomitéen
    medical_director = "medical_director"  # et helseforetaks fagdirektør
