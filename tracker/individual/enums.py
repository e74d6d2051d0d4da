"""Enumerations of individual-access cases ("saker om individuell tilgang")."""

from enum import StrEnum


class Scheme(StrEnum):
    """Which scheme a case is under."""

    # unntak for enkeltpasient: decided by the trust's medical director (000 L259–276)
    individual_exception = "individual_exception"
    # unntak for definerte pasientgrupper: decided by the interregional medical directors'
    # meeting (000 L281–288)
    group_exception = "group_exception"
    # Tilgangsordningen: methods decided not introduced, clinically exceptional patients (002)
    access_scheme = "access_scheme"


class CaseState(StrEnum):
    """Where a case stands. Which states a scheme uses is in `tracker.individual.workflow`."""

    applied = "applied"  # søknad registrert (unntak)
    line_manager_approved = "line_manager_approved"  # linjeleder har godkjent
    pharmacist_checked = "pharmacist_checked"  # farmasøyt har kontrollert (001 L69–72)
    received = "received"  # mottatt av Nye metoder (Tilgangsordningen)
    returned = "returned"  # sendt tilbake for supplerende opplysninger (002 L705–709)
    complete = "complete"  # tilstrekkelig opplyst
    price_checked = "price_checked"  # pris kvalitetssikret av Sykehusinnkjøp (002 L715–717)
    scheduled = "scheduled"  # satt opp til møte i vurderingskomitéen
    decided = "decided"  # avgjort
    sent = "sent"  # avgjørelsen er sendt/tilbakeført til helseforetaket (journal)
    ended = "ended"  # gruppeunntak som ikke lenger gjelder
    withdrawn = "withdrawn"  # trukket


class Outcome(StrEnum):
    """The outcome of a case."""

    granted = "granted"  # innvilget
    refused = "refused"  # avslått
    no_consensus = "no_consensus"  # ikke konsensus i komitéen (Tilgangsordningen)
    withdrawn = "withdrawn"  # trukket


class Ground(StrEnum):
    """Grounds of clinical exceptionality in Tilgangsordningen (002 L512–520)."""

    increased_benefit = "increased_benefit"  # økt nytte
    higher_severity = "higher_severity"  # høyere alvorlighet
    special_medical_reasons = "special_medical_reasons"  # særskilte medisinske årsaker


class ExceptionCriterion(StrEnum):
    """The three criteria for an individual exception (000 L263–271)."""

    marketing_authorisation = "marketing_authorisation"  # MT i Norge for indikasjonen
    # etablert behandling kontraindisert eller ikke tolerert
    established_not_possible = "established_not_possible"
    substantially_greater_effect = "substantially_greater_effect"  # vesentlig større effekt


class PriceBasis(StrEnum):
    """What the drug is paid at under an exception or access (000 L1093–1115, 002 L492–495)."""

    maximum_price = "maximum_price"  # maksimalpris (not introduced for any indication)
    existing_discount = "existing_discount"  # eksisterende rabatt (not the new, higher one)
    agreed_price = "agreed_price"  # avtalepris (Tilgangsordningen: state it where there is one)


class LegalSex(StrEnum):
    """Legal sex as Part 2 of the Tilgangsordningen form asks (002 L446)."""

    female = "female"
    male = "male"


class TreatmentGoal(StrEnum):
    """The treatment goal (002 L481–482)."""

    curative = "curative"
    life_prolonging = "life_prolonging"
    symptom_relief = "symptom_relief"
    other = "other"


class CommitteeRole(StrEnum):
    """A person's place in the interregional assessment committee (002 L633–668)."""

    member = "member"  # beslutningstaker (two medical directors per region)
    substitute = "substitute"  # vararepresentant (decides when attending)
    leader = "leader"  # leder, without a vote
    dmp = "dmp"  # Direktoratet for medisinske produkter, attending without a vote
    secretariat = "secretariat"  # sekretariatet / koordinator, attending without a vote


VOTING_ROLES = frozenset({CommitteeRole.member, CommitteeRole.substitute})


class PublicationStatus(StrEnum):
    """How a group exception appears in the published list (000 L286–288, L492–495)."""

    current = "current"  # gjeldende
    previous = "previous"  # tidligere
    refused = "refused"  # avslått
