"""What an application still lacks: the coordinator's check "without judging the content".

The coordinator checks that a Tilgangsordningen application is sufficiently informed, without
assessing what it says (002_e9fcae1246b76c56.txt L695–709). What counts as informed is what Part
2 of the form asks for (002 L432–576); an exception's application lacks what its three criteria
need (000_3134ab22afa02640.txt L263–271). The names returned are the form's field paths.
"""

from __future__ import annotations

from typing import Any

from tracker.individual.enums import ExceptionCriterion, Ground, Scheme

ACCESS_REQUIRED = (
    "applicant", "legal_sex", "birth_year", "diagnosis_text", "history", "functional_level",
    "drug", "dose", "expected_duration", "treatment_goal", "evaluation_plan", "stop_criteria",
    "drug_cost_per_month_nok", "price_basis", "other_costs_per_month_nok", "overall_assessment",
)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _justified(application: dict[str, Any], names: list[str], *, all_needed: bool) -> list[str]:
    missing = []
    ticked = [name for name in names if (application.get(name) or {}).get("met")]
    for name in ticked:
        if _blank((application.get(name) or {}).get("justification")):
            missing.append(f"{name}.justification")
    if all_needed:
        missing += [f"{name}.met" for name in names if name not in ticked]
    elif not ticked:
        missing.append("grounds")
    return missing


def _approval(application: dict[str, Any], name: str) -> list[str]:
    given = application.get(name) or {}
    missing = [f"{name}.{part}" for part in ("name", "justification") if _blank(given.get(part))]
    if not given.get("approved"):
        missing.append(f"{name}.approved")
    return missing


def missing(scheme: Scheme | str, application: dict[str, Any]) -> list[str]:
    """Return the fields an application still lacks (empty when it is complete)."""
    scheme = Scheme(scheme)
    if scheme == Scheme.access_scheme:
        found = [] if application.get("consent_confirmed") else ["consent_confirmed"]
        found += [name for name in ACCESS_REQUIRED if _blank(application.get(name))]
        found += _justified(application, [str(g) for g in Ground], all_needed=False)
        found += _approval(application, "line_manager") + _approval(application,
                                                                    "medical_director")
        return found
    if scheme == Scheme.individual_exception:
        return _justified(application, [str(c) for c in ExceptionCriterion], all_needed=True)
    return []
