"""Synthetic demo cases of individual access, so that every page shows something in `make run`.

Everything here is invented and marked `synthetic`: the roster's names, the cases, their dates
and outcomes. The cases are registered and moved through the same services the API uses, so the
rules (eligibility, recusal, quorum, papers in time) hold for the demo too. Dates are relative to
the seeding day; a second run adds nothing (the demo is seeded once per database).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from tracker.auth import Principal
from tracker.individual import committee, service
from tracker.individual import committee_schemas as cs
from tracker.individual import schemas as s
from tracker.individual.enums import CaseState, Outcome, Scheme
from tracker.individual.models import AccessCase, CommitteeMeeting
from tracker.individual.trusts import TRUST_REGIONS
from tracker.individual.workdays import is_working_day, working_days_before
from tracker.methods import service as methods_service
from tracker.methods.models import MethodCreate
from tracker.users.enums import Role

NOTE = "Syntetiske demodata – ikke en reell sak."
COORDINATOR = Principal(name="demo-koordinator", role=Role.coordinator, interface="seed")
PROCUREMENT = Principal(name="demo-innkjop", role=Role.procurement, interface="seed")
SECRETARIAT = Principal(name="demo-sekretariat", role=Role.secretariat, interface="seed")
# Methods under assessment (no decision yet) for the exception scheme (synthetic IDs).
UNDER_ASSESSMENT: list[dict[str, Any]] = [
    {"nye_metoder_id": "ID2025_931", "active_substance": "tarlatamab", "trade_name": "Imdelltra",
     "indications": ["Småcellet lungekreft etter platinabasert behandling"],
     "therapeutic_area": "Onkologi", "ma_holder": "Amgen AB", "ma_status": "conditional"},
    {"nye_metoder_id": "ID2025_932", "active_substance": "zolbetuksimab", "trade_name": "Vyloy",
     "indications": ["Ventrikkelkreft, CLDN18.2-positiv"], "therapeutic_area": "Onkologi",
     "ma_holder": "Astellas Pharma", "ma_status": "full"},
    {"nye_metoder_id": "ID2025_933", "active_substance": "efgartigimod alfa",
     "trade_name": "Vyvgart", "indications": ["Generalisert myasthenia gravis"],
     "therapeutic_area": "Nevrologi", "ma_holder": "argenx", "ma_status": "full"},
]
DIAGNOSES = {"ID2025_931": ["C34.0", "C34.1", "C34.9"], "ID2025_932": ["C16.0", "C16.9"],
             "ID2025_933": ["G70.0"], "ID2019_919": ["G71.0"], "ID2022_910": ["C61"]}
ROSTER = [
    ("Fagdirektør Vest 1 (syntetisk)", "Helse Bergen HF"),
    ("Fagdirektør Vest 2 (syntetisk)", "Helse Fonna HF"),
    ("Fagdirektør Sør-Øst 1 (syntetisk)", "Oslo universitetssykehus HF"),
    ("Fagdirektør Sør-Øst 2 (syntetisk)", "Sykehuset Telemark HF"),
    ("Fagdirektør Midt 1 (syntetisk)", "St. Olavs hospital HF"),
    ("Fagdirektør Midt 2 (syntetisk)", "Helse Nord-Trøndelag HF"),
    ("Fagdirektør Nord 1 (syntetisk)", "Universitetssykehuset Nord-Norge HF"),
    ("Fagdirektør Nord 2 (syntetisk)", "Helgelandssykehuset HF"),
]


def _trust_principal(trust: str) -> Principal:
    return Principal(name=f"fagdirektør ved {trust}", role=Role.medical_director,
                     interface="seed", health_trust=trust)


def _weekday(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _roster(session: Session, start: date) -> list[int]:
    ids = []
    for name, trust in ROSTER:
        member = committee.create_member(session=session, data=cs.MemberIn(
            name=name, committee_role="member", health_trust=trust, medical_director=True,
            active_from=start))
        assert member.id is not None
        ids.append(member.id)
    for name, role in (("Leder av komitéen (syntetisk)", "leader"), ("DMP (syntetisk)", "dmp"),
                       ("Koordinator (syntetisk)", "secretariat")):
        member = committee.create_member(session=session, data=cs.MemberIn(
            name=name, committee_role=role, active_from=start))
        assert member.id is not None
        ids.append(member.id)
    return ids


def _meetings(session: Session, today: date) -> list[CommitteeMeeting]:
    # Wednesdays every two weeks, from 16 weeks back to 6 weeks ahead.
    wednesday = today - timedelta(days=(today.weekday() - 2) % 7)
    first = wednesday - timedelta(weeks=16)
    return committee.plan_meetings(session=session, first=first, count=12)


def _step(session: Session, case: AccessCase, to: CaseState, at: date, who: Principal,
          today: date, **extra: Any) -> AccessCase:
    # A step the demo's timeline puts after the seeding day is taken today: the service refuses
    # future dates, and a case received a few days ago cannot have moved further yet.
    body = s.StepIn(to=to, version=case.version, at=min(at, today), **extra)
    return service.step(session=session, case_id=case.id or 0, body=body, principal=who,
                        today=today)


def _application(rng: random.Random, complete: bool) -> s.AccessApplication:
    grounds = rng.sample(["increased_benefit", "higher_severity", "special_medical_reasons"],
                         k=rng.choice([1, 2]))
    data: dict[str, Any] = {
        "applicant": "Behandlingsansvarlig lege (syntetisk)", "consent_confirmed": True,
        "legal_sex": rng.choice(["female", "male"]), "birth_year": rng.randint(1945, 2005),
        "diagnosis_text": "Syntetisk sykdomsbeskrivelse", "history": "Syntetisk sykehistorie.",
        "functional_level": rng.choice(["ECOG 0", "ECOG 1", "Går uten hjelp"]),
        "drug": "Som i Felleskatalogen (syntetisk)", "dose": "Etter preparatomtalen",
        "expected_duration": rng.choice(["6 måneder", "12 måneder"]),
        "treatment_goal": rng.choice(["life_prolonging", "symptom_relief"]),
        "evaluation_plan": "Klinisk vurdering og bildediagnostikk hver 3. måned.",
        "stop_criteria": "Manglende effekt eller uakseptable bivirkninger.",
        "drug_cost_per_month_nok": float(rng.randrange(40_000, 160_000, 1_000)),
        "price_basis": "maximum_price", "other_costs_per_month_nok": 4000.0,
        "overall_assessment": "Syntetisk totalvurdering.",
        "line_manager": {"name": "Linjeleder (syntetisk)", "justification": "Forankret.",
                         "approved": True},
        "medical_director": {"name": "Fagdirektør (syntetisk)", "justification": "Anbefales.",
                             "approved": complete},
    }
    for ground in grounds:
        data[ground] = {"met": True, "justification": "Syntetisk begrunnelse."}
    if not complete:
        data.pop("stop_criteria")
    return s.AccessApplication.model_validate(data)


def _access_cases(session: Session, rng: random.Random, today: date,
                  meetings: list[CommitteeMeeting], member_ids: list[int]) -> int:
    trusts = list(TRUST_REGIONS)
    past = [m for m in meetings if m.held_on < today]
    upcoming = [m for m in meetings if m.held_on >= today]
    count = 0
    to_decide: list[tuple[AccessCase, CommitteeMeeting]] = []
    plan = [("decided", m) for m in past[-6:] for _ in range(2)] + [
        ("scheduled", upcoming[0]), ("price_checked", None), ("complete", None),
        ("returned", None), ("received", None), ("received", None)]
    for i, (target, meeting) in enumerate(plan):
        trust = rng.choice(trusts)
        nye_id = rng.choice(["ID2019_919", "ID2022_910"])
        if meeting is not None:
            received = _weekday(meeting.held_on - timedelta(days=rng.randint(14, 24)))
        else:
            received = _weekday(today - timedelta(days=rng.randint(2, 9)))
        data = s.AccessCaseCreate(
            nye_metoder_id=nye_id, sending_trust=trust,
            reference=f"{received.isoformat()}-{trust.split(' HF')[0]}-Avdeling {i + 1}",
            diagnosis_icd10=rng.choice(DIAGNOSES[nye_id]), received_on=received,
            application=_application(rng, complete=target != "returned"), note=NOTE)
        case = service.create(session=session, scheme=Scheme.access_scheme, data=data,
                              principal=_trust_principal(trust), today=today, synthetic=True)
        count += 1
        if target in ("received",):
            continue
        if target == "returned":
            _step(session, case, CaseState.returned, received + timedelta(days=1), COORDINATOR,
                  today, missing=["stop_criteria", "medical_director.approved"])
            continue
        at = received + timedelta(days=2)
        case = _step(session, case, CaseState.complete, at, COORDINATOR, today)
        if target == "complete":
            continue
        case = _step(session, case, CaseState.price_checked, at + timedelta(days=2), PROCUREMENT,
                     today, cost_per_month_nok=case.application["drug_cost_per_month_nok"],
                     price_basis="maximum_price")
        if target == "price_checked":
            continue
        assert meeting is not None and meeting.id is not None
        case = _step(session, case, CaseState.scheduled, at + timedelta(days=3), COORDINATOR,
                     today, meeting_id=meeting.id)
        if target == "decided":
            to_decide.append((case, meeting))
    # Papers go out once every case of a meeting is on its agenda.
    for case, meeting in to_decide:
        _decide(session, case, meeting, rng, today, member_ids)
    return count


def _decide(session: Session, case: AccessCase, meeting: CommitteeMeeting, rng: random.Random,
            today: date, member_ids: list[int]) -> None:
    assert meeting.id is not None
    if meeting.papers_sent_on is None:
        committee.send_papers(session=session, meeting_id=meeting.id,
                              sent_on=working_days_before(meeting.held_on, 3),
                              version=meeting.version, today=today)
        committee.set_attendance(session=session, meeting_id=meeting.id,
                                 member_ids=member_ids, version=meeting.version)
    outcome = rng.choices([Outcome.granted, Outcome.refused, Outcome.no_consensus],
                          weights=[6, 3, 1])[0]
    body = s.CommitteeDecisionIn(
        outcome=outcome, consensus=outcome != Outcome.no_consensus,
        grounds=["increased_benefit"] if outcome == Outcome.granted else [],
        justification="Syntetisk begrunnelse for komitéens avgjørelse.", version=case.version)
    case = committee.decide(session=session, case_id=case.id or 0, body=body,
                            principal=COORDINATOR, today=today)
    if meeting.held_on + timedelta(days=2) <= today:
        _step(session, case, CaseState.sent, meeting.held_on + timedelta(days=1), COORDINATOR,
              today)


def _exceptions(session: Session, rng: random.Random, today: date) -> int:
    trusts = list(TRUST_REGIONS)
    count = 0
    for i in range(60):
        nye_id = rng.choice([m["nye_metoder_id"] for m in UNDER_ASSESSMENT])
        trust = rng.choice(trusts)
        received = _weekday(today - timedelta(days=rng.randint(20, 900)))
        data = s.ExceptionCaseCreate(
            nye_metoder_id=nye_id, sending_trust=trust, reference=f"Unntak {i + 1} (syntetisk)",
            diagnosis_icd10=rng.choice(DIAGNOSES[nye_id]), received_on=received, note=NOTE,
            application=s.ExceptionApplication.model_validate({
                "applicant": "Behandlingsansvarlig lege (syntetisk)",
                "marketing_authorisation": {"met": True, "justification": "MT for indikasjonen."},
                "established_not_possible": {"met": True, "justification": "Ikke tolerert."},
                "substantially_greater_effect": {"met": rng.random() < 0.8,
                                                 "justification": "Syntetisk."},
                "price_basis": "maximum_price",
                "drug_cost_per_month_nok": float(rng.randrange(30_000, 120_000, 1_000))}))
        who = _trust_principal(trust)
        case = service.create(session=session, scheme=Scheme.individual_exception, data=data,
                              principal=who, today=today, synthetic=True)
        count += 1
        if i % 12 == 0:
            continue  # still with the line manager
        case = _step(session, case, CaseState.line_manager_approved, received, who, today,
                     justification="Forankret i avdelingen.")
        case = _step(session, case, CaseState.pharmacist_checked, received + timedelta(days=2),
                     who, today, literature_checked=True, prescription_category="H-resept",
                     cost_per_month_nok=case.application["drug_cost_per_month_nok"])
        outcome = Outcome.granted if rng.random() < 0.75 else Outcome.refused
        decided = min(received + timedelta(days=rng.randint(3, 12)), today)
        case = _step(session, case, CaseState.decided, decided, who, today, outcome=outcome,
                     justification="Syntetisk begrunnelse fra fagdirektøren.")
        _step(session, case, CaseState.sent, decided, who, today)
    return count


def _groups(session: Session, today: date) -> int:
    groups = [
        ("ID2025_931", "Norsk lungekreftgruppe (syntetisk)", "Oslo universitetssykehus HF",
         "Voksne med småcellet lungekreft som har progrediert etter to linjer.", "granted",
         None),
        ("ID2025_933", "Nevrologisk fagmiljø (syntetisk)", "Helse Bergen HF",
         "Pasienter med refraktær myasteni uten effekt av etablert behandling.", "refused", None),
        ("ID2025_932", "Norsk gastrointestinal cancergruppe (syntetisk)",
         "St. Olavs hospital HF", "CLDN18.2-positive pasienter i klinisk studieforlengelse.",
         "granted", "Unntaket gjaldt til Beslutningsforums behandling (syntetisk)."),
    ]
    for i, (nye_id, group, trust, patients, outcome, ended) in enumerate(groups):
        received = _weekday(today - timedelta(days=300 - 60 * i))
        case = service.create(session=session, scheme=Scheme.group_exception, principal=SECRETARIAT,
                              today=today, synthetic=True, data=s.GroupCaseCreate(
                                  nye_metoder_id=nye_id, sending_trust=trust, received_on=received,
                                  note=NOTE, application=s.GroupApplication(
                                      clinical_group=group, trusts=[trust], patient_group=patients,
                                      justification="Syntetisk begrunnelse.")))
        case = _step(session, case, CaseState.decided, received + timedelta(days=30), COORDINATOR,
                     today, outcome=outcome,
                     justification=("Innvilget av det interregionale fagdirektørmøtet "
                                    "(syntetisk)." if outcome == "granted" else
                                    "Dokumentasjonen viser ikke vesentlig merverdi (syntetisk)."),
                     indication_limits=("Kun etter minst to tidligere behandlingslinjer."
                                        if outcome == "granted" else None))
        if ended:
            _step(session, case, CaseState.ended, received + timedelta(days=120), COORDINATOR,
                  today, justification=ended)
    return len(groups)


def seed(session: Session, today: date) -> dict[str, int]:
    """Add the synthetic individual-access demo once: methods, roster, meetings and cases."""
    if session.exec(select(AccessCase).where(AccessCase.synthetic)).first() is not None:
        return {}
    for item in UNDER_ASSESSMENT:
        if methods_service.get_by_nye_metoder_id(session=session,
                                                 nye_metoder_id=item["nye_metoder_id"]) is None:
            methods_service.create(session=session, data=MethodCreate.model_validate(item))
    rng = random.Random(2026)
    member_ids = _roster(session, today - timedelta(days=600))
    meetings = _meetings(session, today)
    added = {"committee members": len(member_ids), "committee meetings": len(meetings)}
    added["access cases"] = (_access_cases(session, rng, today, meetings, member_ids)
                             + _exceptions(session, rng, today) + _groups(session, today))
    session.flush()
    return added
