"""What the individual-access pages share: links, the trusts, pages holding several forms, and
the application's fields grouped as the forms group them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel
from werkzeug.datastructures import MultiDict

from tracker.individual import schemas, workflow
from tracker.individual.enums import ExceptionCriterion, Ground, Scheme
from tracker.users.enums import Role
from tracker.web import forms
from tracker.web.pages import access_messages  # noqa: F401  (registers the translations)
from tracker.web.pages.access_text import field_label, hint

APP = "application."
LITERATURE_ROWS = 3


def lang_arg(lang: str) -> str:
    return "?lang=en" if lang == "en" else ""


def case_href(case_id: int, lang: str) -> str:
    return f"/arbeid/tilgang/{case_id}{lang_arg(lang)}"


def meeting_href(meeting_id: int, lang: str) -> str:
    return f"/arbeid/komite/moter/{meeting_id}{lang_arg(lang)}"


def fmt_amount(value: float | None, lang: str) -> str:
    """An amount in whole kroner, with the thousands separator of the language."""
    from dashboards.i18n import fmt_number

    return fmt_number(value, lang)


def trusts() -> list[Any]:
    """The health trusts and their regions, as the API lists them."""
    return list(forms.read("list_health_trusts").items)


def trust_options(own_only: str | None = None) -> list[tuple[str, str]]:
    """The trusts for a select (only one's own for a user of a trust)."""
    return [(item.name, f"{item.name} ({item.region})") for item in trusts()
            if own_only is None or item.name == own_only]


def trusts_by_region() -> list[tuple[str, list[str]]]:
    """The trusts grouped by region, for a set of checkboxes."""
    grouped: dict[str, list[str]] = {}
    for item in trusts():
        grouped.setdefault(item.region, []).append(item.name)
    return list(grouped.items())


def own_trust() -> str | None:
    """The trust a clinician or medical director acts for (None for national roles)."""
    from tracker.auth import current_principal

    principal = current_principal()
    if principal.role in workflow.TRUST_SCOPED:
        return principal.health_trust
    return None


def may_register() -> bool:
    """Whether the user may register a case (a trust's people, or Nye metoder)."""
    from tracker.auth import current_principal

    principal = current_principal()
    if principal.role == Role.admin:
        return True
    if principal.role in workflow.TRUST_SCOPED:
        return bool(principal.health_trust)
    return principal.role in workflow.CREATORS


# --- pages with several forms ---------------------------------------------------------------


def sub_form(form: MultiDict[str, str], prefix: str, keep: Iterable[str] = ("version",),
             extra: Mapping[str, str] | None = None) -> MultiDict[str, str]:
    """The inputs of one of the page's forms (`prefix`), named as the operation's body names
    them; `keep` are inputs every form of the page carries under their own name."""
    kept = set(keep) | {forms.BASE_FIELD}
    pairs = [(name[len(prefix):], value) for name, value in form.items(multi=True)
             if name.startswith(prefix)]
    pairs += [(name, value) for name, value in form.items(multi=True) if name in kept]
    pairs += list((extra or {}).items())
    return MultiDict(pairs)


def put_back(outcome: forms.Outcome, prefix: str) -> None:
    """Name each error by the input it belongs to on the page."""
    outcome.errors = {(name if name == "_form" else prefix + name): messages
                      for name, messages in outcome.errors.items()}


# --- the application's fields, grouped as the forms group them -------------------------------

ACCESS_GROUPS: list[tuple[str, list[str]]] = [
    ("about_application", ["applicant", "consent_confirmed"]),
    ("about_patient", ["legal_sex", "birth_year", "diagnosis_text", "history",
                       "functional_level"]),
    ("treatment", ["drug", "dose", "expected_duration", "treatment_goal", "evaluation_plan",
                   "stop_criteria"]),
    ("costs", ["drug_cost_per_month_nok", "price_basis", "other_costs_per_month_nok",
               "extra_resources_or_savings"]),
    ("grounds", [str(g) for g in Ground]),
    ("overall", ["overall_assessment"]),
    ("literature", ["literature"]),
    ("anchoring", ["line_manager", "medical_director"]),
]
EXCEPTION_GROUPS: list[tuple[str, list[str]]] = [
    ("about_application", ["applicant", "already_started_on"]),
    ("criteria", [str(c) for c in ExceptionCriterion]),
    ("treatment", ["dose", "expected_duration"]),
    ("costs", ["price_basis", "drug_cost_per_month_nok"]),
    ("literature", ["literature"]),
]
GROUP_GROUPS: list[tuple[str, list[str]]] = [
    ("about_application", ["clinical_group", "trusts", "patient_group", "justification"]),
    ("literature", ["literature"]),
]
APPLICATION_MODELS: dict[Scheme, type[BaseModel]] = {
    Scheme.access_scheme: schemas.AccessApplication,
    Scheme.individual_exception: schemas.ExceptionApplication,
    Scheme.group_exception: schemas.GroupApplication,
}
GROUPS = {Scheme.access_scheme: ACCESS_GROUPS, Scheme.individual_exception: EXCEPTION_GROUPS,
          Scheme.group_exception: GROUP_GROUPS}
JUSTIFIED = frozenset({*(str(g) for g in Ground), *(str(c) for c in ExceptionCriterion)})
APPROVALS = ("line_manager", "medical_director")
ENUM_FIELDS = {"legal_sex": "legal_sex", "treatment_goal": "goal", "price_basis": "price_basis"}
AMOUNTS = frozenset({"drug_cost_per_month_nok", "other_costs_per_month_nok"})
DATES = frozenset({"already_started_on"})


def application_labels(scheme: Scheme, lang: str, rows: int) -> dict[str, str]:
    """The label of every input of a scheme's application (`application.` paths), so each
    error the API reports links to its input by name."""
    labels: dict[str, str] = {}
    for _group, names in GROUPS[scheme]:
        for name in names:
            if name in JUSTIFIED:
                subs = ["met", "justification"]
            elif name in APPROVALS:
                subs = ["name", "justification", "approved"]
            elif name == "literature":
                for i in range(rows):
                    for part in ("title", "url"):
                        path = f"literature.{i}.{part}"
                        labels[APP + path] = field_label(path, lang)
                subs = []
                labels[APP + name] = field_label(name, lang)
            else:
                labels[APP + name] = field_label(name, lang)
                subs = []
            for sub in subs:
                labels[f"{APP}{name}.{sub}"] = field_label(f"{name}.{sub}", lang)
    if scheme == Scheme.access_scheme:
        labels[APP + "concerns_group"] = field_label("concerns_group", lang)
        labels[APP + "grounds"] = field_label("grounds", lang)
    return labels


def hints(names: Iterable[str], lang: str) -> dict[str, str]:
    """The hints of fields by input name (only those that have one)."""
    found = {name: hint(name, lang) for name in names}
    return {name: text for name, text in found.items() if text}
