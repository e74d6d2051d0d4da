"""Reassessment cases ("revurdering") in the browser: the list, an introduction's cases, and the
case page where the secretariat and Beslutningsforum move a case step by step, record the
decision and tick off the phase-out plan.

The case page holds several forms (the next step, the decision, one per phase-out step). Their
inputs carry a prefix (`transition.note`, `phase_out.follow_up_date`, `done-7.note`) so that every
input on the page has its own name and id; a post is cut back to the operation's body by
stripping its form's prefix, and each error the API reports is put back on the prefixed input.
The decision form has one fieldset per outcome; only the chosen outcome's fields are sent on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, get_args

from flask import Blueprint, flash, redirect, render_template, request
from pydantic import BaseModel
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from tracker.access import require
from tracker.introductions.enums import IntroductionStatus
from tracker.reassessments import schemas as s
from tracker.reassessments.enums import (
    STATE_LABELS,
    STATE_LABELS_EN,
    CaseState,
    Outcome,
    PhaseOutStepKey,
)
from tracker.timeutil import today
from tracker.web import forms
from tracker.web.lang import current_language, fmt_date
from tracker.web.text import add, t

add({
    "reass.title": ("Revurderinger", "Reassessments"),
    "reass.intro": (
        "Revurderingssakene for de midlertidige innføringene: hvor hver sak står, og hva som "
        "venter på beslutning i Beslutningsforum.",
        "The reassessment cases of the temporary introductions: where each case stands and what "
        "awaits Beslutningsforum's decision.",
    ),
    "reass.filter": ("Vis saker", "Show cases"),
    "reass.filter.go": ("Vis", "Show"),
    "reass.filter.all": ("Alle saker", "All cases"),
    "reass.filter.open": ("Åpne saker (ikke besluttet)", "Open cases (not decided)"),
    "reass.filter.to_decide": ("Klare til beslutning", "Ready for decision"),
    "reass.filter.state": ("Status: {state}", "State: {state}"),
    "reass.count": ("{n} saker", "{n} cases"),
    "reass.none": ("Ingen revurderingssaker å vise.", "No reassessment cases to show."),
    "reass.waiting": ("{n} saker venter på beslutning i Beslutningsforum.",
                      "{n} cases await Beslutningsforum's decision."),
    "reass.col.case": ("Sak", "Case"),
    "reass.col.introduction": ("Innføring", "Introduction"),
    "reass.col.state": ("Status", "State"),
    "reass.col.opened": ("Åpnet", "Opened"),
    "reass.col.review": ("Revurderingsdato", "Review date"),
    "reass.col.due": ("Frist", "Deadline"),
    "reass.col.outcome": ("Beslutning", "Decision"),
    "reass.case": ("Sak {id}", "Case {id}"),
    "reass.to_decide": ("Til beslutning", "To decide"),
    "reass.overdue": ("passert", "passed"),
    **{f"enum.case_state.{state.value}": (STATE_LABELS[state], STATE_LABELS_EN[state])
       for state in CaseState},
    "enum.reassessment_outcome.permanent": ("Innføres permanent", "Introduced permanently"),
    "enum.reassessment_outcome.phase_out": ("Videreføres ikke: utfases",
                                            "Not continued: phased out"),
    "enum.reassessment_outcome.renegotiation": ("Ny prisforhandling", "New price negotiation"),
    "enum.reassessment_outcome.subgroup_continuation": (
        "Videreføres for undergrupper, utfases for resten",
        "Continued for subgroups, phased out for the rest"),
    "enum.reassessment_outcome.permanent.hint": (
        "Metoden innføres permanent, eventuelt med kriterier for bruk.",
        "The method is introduced permanently, possibly with criteria for its use."),
    "enum.reassessment_outcome.phase_out.hint": (
        "Ingen nye pasienter fra en dato; pasientene på behandling følger planen.",
        "No new patients from a date; the patients on treatment follow the plan."),
    "enum.reassessment_outcome.renegotiation.hint": (
        "Sykehusinnkjøp forhandler på nytt; saken kommer tilbake til Beslutningsforum.",
        "Sykehusinnkjøp negotiates again; the case returns to Beslutningsforum."),
    "enum.reassessment_outcome.subgroup_continuation.hint": (
        "Videreføres bare for navngitte undergrupper; resten utfases.",
        "Continued only for named subgroups; phased out for the rest."),
    # An introduction's cases
    "reass.intro_cases.title": ("Revurdering av {name}", "Reassessment of {name}"),
    "reass.intro_cases.cases": ("Revurderingssaker", "Reassessment cases"),
    "reass.intro_cases.none": ("Innføringen har ingen revurderingssak ennå.",
                               "The introduction has no reassessment case yet."),
    "reass.intro_cases.open_case": ("Åpen sak: {label}", "Open case: {label}"),
    "reass.intro_cases.go": ("Gå til saken", "Go to the case"),
    "reass.intro_cases.concluded": (
        "Innføringen er avsluttet: revurderingen er besluttet.",
        "The introduction is concluded: its reassessment is decided."),
    "reass.open": ("Åpne revurderingssak", "Open a reassessment case"),
    "reass.open.help": (
        "Innføringen går over til «under revurdering», og saken starter som planlagt.",
        "The introduction moves under reassessment, and the case starts as planned."),
    "reass.open.at": ("Åpnet dato", "Opened on"),
    "reass.open.at.hint": ("Tomt felt betyr i dag.", "Leave empty for today."),
    "reass.open.note": ("Merknad", "Note"),
    "reass.opened": ("Revurderingssaken er åpnet.", "The reassessment case is open."),
    # The case page
    "case.title": ("Revurderingssak {id}", "Reassessment case {id}"),
    "case.introduction": ("Innføring", "Introduction"),
    "case.state": ("Status", "State"),
    "case.opened": ("Åpnet", "Opened"),
    "case.opened_by": ("{date} av {who}", "{date} by {who}"),
    "case.review_date": ("Revurderingsdato", "Review date"),
    "case.due": ("Frist for reforhandlingen", "Deadline of the renegotiation"),
    "case.follows": ("Følger opp", "Follows"),
    "case.follow_up": ("Ny sak etter reforhandling", "Case opened by the renegotiation"),
    "case.links": ("Se også", "See also"),
    "case.brief": ("Beslutningsgrunnlag (kan skrives ut)", "Decision brief (printable)"),
    "case.introduction_page": ("Innføringen med registerdata", "The introduction with its data"),
    "case.all_cases": ("Innføringens revurderingssaker", "The introduction's reassessment cases"),
    "case.timeline": ("Saksgang", "Timeline"),
    "case.col.date": ("Dato", "Date"),
    "case.col.step": ("Steg", "Step"),
    "case.col.by": ("Av", "By"),
    "case.col.note": ("Merknad", "Note"),
    "case.col.recorded": ("Registrert", "Recorded"),
    "case.opened_step": ("Saken åpnet: {state}", "Case opened: {state}"),
    "case.next": ("Neste steg", "Next step"),
    "case.next.help": (
        "Velg steget saken går til. Dato og merknad er frivillige (tom dato betyr i dag).",
        "Choose the step the case moves to. Date and note are optional (no date means today)."),
    "case.next.to": ("Til: {state}", "To: {state}"),
    "case.next.decide_here": (
        "Saken er klar til beslutning: registrer Beslutningsforums beslutning nedenfor.",
        "The case is ready for decision: record Beslutningsforum's decision below."),
    "case.next.at": ("Dato for steget", "Date of the step"),
    "case.next.note": ("Merknad til steget", "Note on the step"),
    "case.next.none": ("Saken er besluttet; den har ingen flere steg.",
                       "The case is decided; it has no further steps."),
    "case.moved": ("Saken er flyttet til «{state}».", "The case moved to “{state}”."),
    "case.refused": (
        "Saken står i «{state}» og kan ikke gå til «{to}». Tillatte neste steg: {allowed}.",
        "The case is at “{state}” and cannot move to “{to}”. Allowed next steps: {allowed}."),
    "case.refused.none": ("ingen (saken er besluttet)", "none (the case is decided)"),
    "case.refused.decide": (
        "Saken besluttes med beslutningsskjemaet, ikke som et steg.",
        "The case is decided with the decision form, not as a step."),
    "case.refused.not_ready": (
        "Saken står i «{state}» og kan ikke besluttes ennå. Tillatte neste steg: {allowed}.",
        "The case is at “{state}” and cannot be decided yet. Allowed next steps: {allowed}."),
    "case.decision": ("Beslutning", "Decision"),
    "case.decide": ("Registrer beslutningen", "Record the decision"),
    "case.decide.help": (
        "Velg Beslutningsforums beslutning; bare feltene for den valgte beslutningen lagres.",
        "Choose Beslutningsforum's decision; only the fields of the chosen decision are stored."),
    "case.decide.only_for": ("Fylles ut ved «{outcome}»", "Fill in for “{outcome}”"),
    "case.decided": ("Beslutningen er registrert.", "The decision is recorded."),
    "decide.outcome": ("Beslutning", "Decision"),
    "decide.at": ("Dato for møtet i Beslutningsforum", "Date of the Beslutningsforum meeting"),
    "decide.at.hint": ("Tomt felt betyr i dag.", "Leave empty for today."),
    "decide.note": ("Referanse eller sammendrag", "Reference or summary"),
    "decide.criteria": ("Kriterier for bruk", "Criteria for use"),
    "decide.criteria.hint": ("Start- og stoppkriterier, om noen.",
                             "Start and stop criteria, if any."),
    "decide.new_patients_stop_date": ("Ingen nye pasienter fra", "No new patients from"),
    "decide.patients_on_treatment": ("Plan for pasienter som står på behandling",
                                     "Plan for the patients on treatment"),
    "decide.patients_on_treatment.hint": (
        "Forhåndsutfylt med exit-planen fra innføringen; endre om beslutningen sier noe annet.",
        "Filled in from the introduction's exit plan; change it if the decision says otherwise."),
    "decide.follow_up_date": ("Oppfølging av utfasingen", "Follow-up of the phase-out"),
    "decide.renegotiate": ("Hva skal forhandles på nytt", "What is to be renegotiated"),
    "decide.deadline": ("Frist for forhandlingen", "Deadline of the negotiation"),
    "decide.subgroups": ("Undergrupper som videreføres", "Subgroups that continue"),
    "decide.subgroups.hint": (
        "Én undergruppe per rad; tomme rader lagres ikke.",
        "One subgroup a row; empty rows are not stored."),
    "decide.subgroup.name": ("Undergruppe {n}: navn", "Subgroup {n}: name"),
    "decide.subgroup.criteria": ("Undergruppe {n}: hvordan pasientene identifiseres",
                                 "Subgroup {n}: how its patients are identified"),
    "decide.rest_phaseout_date": ("Ingen nye pasienter utenfor undergruppene fra",
                                  "No new patients outside the subgroups from"),
    "decided.by": ("Besluttet {date} (registrert av {who})", "Decided {date} (recorded by {who})"),
    "decided.subgroups": ("Undergrupper", "Subgroups"),
    "decided.follow_up_case": ("Reforhandlingen følges i", "The renegotiation is followed in"),
    "phaseout.title": ("Utfasingsplan", "Phase-out plan"),
    "phaseout.col.step": ("Steg", "Step"),
    "phaseout.col.due": ("Frist", "Due"),
    "phaseout.col.status": ("Status", "Status"),
    "phaseout.col.action": ("Handling", "Action"),
    "phaseout.stop_new_patients": ("Ingen nye pasienter startes fra {date}",
                                   "No new patients start from {date}"),
    "phaseout.stop_new_patients.subgroups": (
        "Ingen nye pasienter utenfor undergruppene ({names}) startes fra {date}",
        "No new patients outside the subgroups ({names}) start from {date}"),
    "phaseout.follow_up": ("Følg opp utfasingen og pasientene som står på behandling",
                           "Follow up the phase-out and the patients on treatment"),
    "phaseout.done": ("Utført {date} av {who}", "Done {date} by {who}"),
    "phaseout.open": ("Ikke utført", "Not done"),
    "phaseout.overdue": ("Ikke utført – fristen er passert", "Not done – past its due date"),
    "phaseout.mark": ("Merk som utført", "Mark as done"),
    "phaseout.mark.at": ("Utført dato (tomt = i dag)", "Done on (empty = today)"),
    "phaseout.mark.note": ("Merknad", "Note"),
    "phaseout.marked": ("Steget er merket som utført.", "The step is marked done."),
})

DECISIONS: dict[str, type[BaseModel]] = {
    Outcome.permanent: s.PermanentDecision,
    Outcome.phase_out: s.PhaseOutDecision,
    Outcome.renegotiation: s.RenegotiationDecision,
    Outcome.subgroup_continuation: s.SubgroupContinuationDecision,
}
COMMON = ("outcome", "at", "note", "version")
TO_DECIDE = {CaseState.assessment_delivered, CaseState.price_negotiation}  # decided is next
SUBGROUP_ROWS = 3
# The field prefix of each form on the case page.
TRANSITION, DECISION = "transition.", "decision."


def outcome_fields(outcome: str) -> tuple[str, ...]:
    """The fields of one decision outcome beyond those every decision has."""
    return tuple(name for name in DECISIONS[outcome].model_fields if name not in COMMON)


def _lang_arg(lang: str) -> str:
    return "?lang=en" if lang == "en" else ""


def case_href(case_id: int, lang: str) -> str:
    return f"/arbeid/revurderinger/{case_id}{_lang_arg(lang)}"


def state_label(state: str, lang: str) -> str:
    return t(f"enum.case_state.{state}", lang)


def _intro_name(intro: Any) -> str:
    name = f"{intro.nye_metoder_id} {intro.active_substance}"
    return f"{name} ({intro.trade_name})" if intro.trade_name else name


# --- the list ----------------------------------------------------------------------------------


def _introductions_with_ids(ids: set[int]) -> list[Any]:
    """The introductions with these ids, page by page as the API serves them."""
    found: list[Any] = []
    if not ids:
        return found
    seen = 0
    while True:
        page = forms.read("list_introductions", query={"limit": "500", "offset": str(seen)})
        seen += len(page.items)
        found.extend(intro for intro in page.items if intro.id in ids)
        if not page.items or seen >= page.total:
            return found


def _filters(lang: str) -> list[tuple[str, str]]:
    return [("", t("reass.filter.all", lang)), ("open", t("reass.filter.open", lang)),
            ("to_decide", t("reass.filter.to_decide", lang))] + [
        (str(state), t("reass.filter.state", lang, state=state_label(state, lang)))
        for state in CaseState]


def _matches(case: Any, chosen: str) -> bool:
    if chosen == "open":
        return bool(case.state != CaseState.decided)
    if chosen == "to_decide":
        return case.state in TO_DECIDE
    return not chosen or bool(case.state == chosen)


def list_cases() -> Any:
    """The reassessment cases, filtered by state; the forum sees the cases to decide first."""
    require("reassessments", "read")
    from tracker.auth import current_principal
    from tracker.users.enums import Role

    lang = current_language()
    filters = _filters(lang)
    chosen = request.args.get("state", "")
    if chosen not in {value for value, _ in filters}:
        chosen = ""
    rows: list[tuple[Any, Any]] = []
    cases: list[Any] = []
    query: dict[str, Any] = {"limit": 500}
    if chosen not in ("", "open", "to_decide"):
        query["state"] = chosen
    while True:  # every case, page by page as the API serves them
        page = forms.read("list_all_reassessments", query={**query, "offset": len(cases)})
        cases.extend(page.items)
        if not page.items or len(cases) >= page.total:
            break
    wanted = {case.introduction_id for case in cases if _matches(case, chosen)}
    intros = {intro.id: intro for intro in _introductions_with_ids(wanted)}
    rows.extend((case, intros[case.introduction_id]) for case in cases
                if _matches(case, chosen) and case.introduction_id in intros)
    forum_first = current_principal().role == Role.forum

    def order(row: tuple[Any, Any]) -> tuple[int, int, int]:
        case, intro = row
        if case.state == CaseState.decided:
            return 2, -case.decided_on.toordinal(), case.id  # the latest decision first
        group = 0 if (forum_first and case.state in TO_DECIDE) else 1
        return group, (case.due_date or intro.review_date).toordinal(), case.id

    rows.sort(key=order)
    waiting = len([case for case, _ in rows if case.state in TO_DECIDE])
    return forms.render_page(
        "web/reassessments.html", rows=rows, filters=filters, chosen=chosen, waiting=waiting,
        forum_first=forum_first, to_decide=TO_DECIDE, today=today(), intro_name=_intro_name,
        state_label=lambda state: state_label(state, lang))


# --- an introduction's cases -------------------------------------------------------------------


def introduction_cases(introduction_id: int) -> Any:
    """An introduction's reassessment cases; open one if none is open."""
    require("reassessments", "read")
    if request.method == "POST":
        require("reassessments", "write")
    lang = current_language()
    intro = forms.read("get_introduction", {"introduction_id": introduction_id})
    cases = forms.read("list_reassessments", {"introduction_id": introduction_id}).items
    open_case = next((c for c in cases if c.state != CaseState.decided), None)
    may_open = (forms.may("reassessments") and open_case is None
                and intro.status != IntroductionStatus.concluded)
    return forms.form_page(
        "web/reassessment_introduction.html", operation="open_reassessment",
        path_args={"introduction_id": introduction_id}, values={},
        labels={"at": t("reass.open.at", lang), "note": t("reass.open.note", lang)},
        done=lambda case: case_href(case.id, lang), saved=t("reass.opened", lang),
        intro=intro, intro_name=_intro_name(intro), cases=cases, open_case=open_case,
        may_open=may_open, concluded=intro.status == IntroductionStatus.concluded,
        case_href=lambda case_id: case_href(case_id, lang),
        state_label=lambda state: state_label(state, lang))


# --- the case page ------------------------------------------------------------------------------


def _sub_form(form: MultiDict[str, str], prefixes: Mapping[str, str], keep: set[str]
              ) -> MultiDict[str, str]:
    """The inputs of one form on the page, named as the operation's body names them.

    `prefixes` maps each body field to the prefix its input carries on the page; inputs of the
    page's other forms (and of the decision outcomes not chosen) are left out.
    """
    pairs = []
    for name, value in form.items(multi=True):
        if name in keep:
            pairs.append((name, value))
            continue
        for field, prefix in prefixes.items():
            if name == prefix + field or name.startswith(f"{prefix}{field}."):
                pairs.append((name[len(prefix):], value))
    return MultiDict(pairs)


def _put_back(outcome: forms.Outcome, prefixes: Mapping[str, str]) -> None:
    """Name each error by the input it belongs to on the page."""
    outcome.errors = {
        prefixes.get(name.split(".")[0], "") + name: messages
        for name, messages in outcome.errors.items()
    }


def _allowed_text(case: Any, lang: str) -> str:
    steps = [state_label(state, lang) for state in case.allowed_next]
    return ", ".join(f"«{x}»" if lang != "en" else f"“{x}”" for x in steps) or t(
        "case.refused.none", lang)


def _explain_refusal(outcome: forms.Outcome, case: Any, to: str | None, lang: str) -> None:
    """Say in the page's language, with the states' names, why the workflow refused a step."""
    if outcome.message is None or outcome.stale:
        return
    known = {str(state) for state in CaseState}
    if to == CaseState.decided and CaseState.decided in case.allowed_next:
        outcome.message = t("case.refused.decide", lang)
    elif to is None and CaseState.decided not in case.allowed_next:
        outcome.message = t("case.refused.not_ready", lang, state=state_label(case.state, lang),
                            allowed=_allowed_text(case, lang))
    elif to in known and to not in case.allowed_next:
        outcome.message = t("case.refused", lang, state=state_label(case.state, lang),
                            to=state_label(to, lang), allowed=_allowed_text(case, lang))


def _state_now(case_id: int, lang: str) -> dict[str, str]:
    case = forms.read("get_reassessment", {"case_id": case_id})
    return {"state": state_label(case.state, lang)}


def _defaults(intro: Any) -> dict[str, str]:
    """What the forms show before anything is typed."""
    on_treatment = intro.exit_plan.patients_on_treatment
    return {f"{Outcome.phase_out}.patients_on_treatment": on_treatment,
            f"{Outcome.subgroup_continuation}.patients_on_treatment": on_treatment}


def case_page(case_id: int) -> Any:
    """A case: its timeline, the allowed next steps, the decision and the phase-out plan."""
    require("reassessments", "read")
    lang = current_language()
    case = forms.read("get_reassessment", {"case_id": case_id})
    intro = forms.read("get_introduction", {"introduction_id": case.introduction_id})
    values = _defaults(intro)
    outcome: forms.Outcome | None = None
    active: str | None = None
    status = 200
    if request.method == "POST":
        require("reassessments", "write")
        active = request.form.get("_action", "")
        outcome = _post(case, active, lang)
        if outcome.ok:
            return redirect(case_href(case_id, lang))
        from tracker.privacy import text_has_national_id

        values.update({k: ("" if text_has_national_id(v) else v)
                       for k, v in request.form.items() if k != forms.BASE_FIELD})
        status = 409 if (outcome.stale or outcome.message) else 422
    return _render(case, intro, values, outcome, active, lang), status


def _post(case: Any, action: str, lang: str) -> forms.Outcome:
    """Submit the form of the case page that was posted; flash what it did."""
    form = request.form
    stale: dict[str, Any] = {"current": lambda: _state_now(case.id, lang),
                             "labels": {"state": t("case.state", lang)}}
    if action == "transition":
        prefixes = {"at": TRANSITION, "note": TRANSITION}
        to = form.get("to")
        outcome = forms.submit(
            "transition_reassessment", {"case_id": case.id}, lang=lang,
            form=_sub_form(form, prefixes, {"to", "version", forms.BASE_FIELD}), **stale)
        _put_back(outcome, prefixes)
        _explain_refusal(outcome, case, to, lang)
        if outcome.ok:
            flash(t("case.moved", lang, state=state_label(outcome.result.state, lang)), "saved")
        return outcome
    if action == "decide":
        chosen = form.get("outcome", "")
        prefixes = {"at": DECISION, "note": DECISION}
        if chosen in DECISIONS:
            prefixes.update(dict.fromkeys(outcome_fields(chosen), f"{chosen}."))
        outcome = forms.submit(
            "decide_reassessment", {"case_id": case.id}, lang=lang,
            form=_sub_form(form, prefixes, {"outcome", "version", forms.BASE_FIELD}), **stale)
        _put_back(outcome, prefixes)
        _explain_refusal(outcome, case, None, lang)
        if outcome.ok:
            flash(t("case.decided", lang), "saved")
        return outcome
    if action == "step" and case.phaseout_plan is not None:
        step_id = form.get("step_id", "")
        step = next((x for x in case.phaseout_plan.steps if str(x.id) == step_id), None)
        if step is not None:
            prefix = f"done-{step.id}."
            prefixes = {"at": prefix, "note": prefix}
            outcome = forms.submit(
                "mark_phaseout_step_done", {"plan_id": case.phaseout_plan.id,
                                            "step_id": step.id},
                form=_sub_form(form, prefixes, {"version"}), lang=lang)
            _put_back(outcome, prefixes)
            if outcome.ok:
                flash(t("phaseout.marked", lang), "saved")
            return outcome
    raise BadRequest("The case page has no such form.")


def _step_label(step: Any, plan: Any, lang: str) -> str:
    if step.key == PhaseOutStepKey.stop_new_patients:
        when = fmt_date(step.due_date, lang)
        if plan.subgroups:
            names = ", ".join(group.name for group in plan.subgroups)
            return t("phaseout.stop_new_patients.subgroups", lang, names=names, date=when)
        return t("phaseout.stop_new_patients", lang, date=when)
    return t("phaseout.follow_up", lang)


def _decision_rows(case: Any, lang: str) -> list[tuple[str, str]]:
    """The recorded decision's fields, labelled, dates as the reader writes them."""
    stored = case.decision or {}
    rows = []
    for name in outcome_fields(case.outcome):
        value = stored.get(name)
        if value in (None, "", []) or name == "subgroups":
            continue
        annotation = DECISIONS[case.outcome].model_fields[name].annotation
        if date in (annotation, *get_args(annotation)):
            value = fmt_date(date.fromisoformat(value), lang)
        rows.append((t(f"decide.{name}", lang), str(value)))
    if stored.get("note"):
        rows.append((t("decide.note", lang), str(stored["note"])))
    return rows


def _render(case: Any, intro: Any, values: Mapping[str, str], outcome: forms.Outcome | None,
            active: str | None, lang: str) -> str:
    may_write = forms.may("reassessments")
    labels = {"state": t("case.state", lang), f"{TRANSITION}at": t("case.next.at", lang),
              f"{TRANSITION}note": t("case.next.note", lang), "to": t("case.next", lang),
              "outcome": t("decide.outcome", lang), f"{DECISION}at": t("decide.at", lang),
              f"{DECISION}note": t("decide.note", lang)}
    for chosen in DECISIONS:
        for name in outcome_fields(chosen):
            labels[f"{chosen}.{name}"] = t(f"decide.{name}", lang)
    rows = max(SUBGROUP_ROWS, 1 + max(
        (int(k.split(".")[2]) for k in values
         if k.startswith(f"{Outcome.subgroup_continuation}.subgroups.")
         and k.split(".")[2].isdigit()), default=-1))
    for i in range(rows):
        prefix = f"{Outcome.subgroup_continuation}.subgroups.{i}"
        labels[f"{prefix}.name"] = t("decide.subgroup.name", lang, n=i + 1)
        labels[f"{prefix}.criteria"] = t("decide.subgroup.criteria", lang, n=i + 1)
    plan = case.phaseout_plan
    for step in plan.steps if plan is not None else []:
        labels[f"done-{step.id}.at"] = t("phaseout.mark.at", lang)
        labels[f"done-{step.id}.note"] = t("phaseout.mark.note", lang)
    base = forms.base_of({"state": state_label(case.state, lang)})
    posted = request.form if request.method == "POST" else MultiDict()
    versions = {"transition": case.version, "decide": case.version}
    if plan is not None:
        versions.update({f"step-{x.id}": x.version for x in plan.steps})
    if outcome is not None and active is not None:
        key = active if active != "step" else f"step-{posted.get('step_id')}"
        versions[key] = posted.get("version", versions.get(key))  # a stale form stays stale
        base = posted.get(forms.BASE_FIELD, base)
    errors = outcome.errors if outcome else {}
    next_steps = [x for x in case.allowed_next if x != CaseState.decided]
    may_decide = CaseState.decided in case.allowed_next
    # The refusal is shown above the form that was posted, or at the top when the page has no
    # such form (a forged post, or the case moved on meanwhile).
    shown = {"transition": may_write and bool(next_steps),
             "decide": may_write and may_decide and case.outcome is None,
             "step": plan is not None}
    summary_at = active if active and shown.get(active) else "top"
    return render_template(
        "web/reassessment_case.html", case=case, intro=intro, intro_name=_intro_name(intro),
        values=values, errors=errors, outcome=outcome, active=active, labels=labels,
        base=base, versions=versions, may_write=may_write,
        next_steps=next_steps, may_decide=may_decide, summary_at=summary_at,
        outcomes=list(DECISIONS),
        outcome_fields=outcome_fields, subgroup_rows=rows, plan=plan, today=today(),
        step_label=lambda step: _step_label(step, plan, lang),
        decision_rows=_decision_rows(case, lang) if case.outcome else [],
        posted_step=posted.get("step_id") if active == "step" else None,
        state_label=lambda state: state_label(state, lang),
        case_href=lambda case_id: case_href(case_id, lang), lang_arg=_lang_arg(lang))


def register(bp: Blueprint) -> None:
    """Add the routes."""
    bp.add_url_rule("/revurderinger", view_func=list_cases, endpoint="reassessments")
    bp.add_url_rule("/innforinger/<int:introduction_id>/revurdering",
                    view_func=introduction_cases, endpoint="introduction_reassessment",
                    methods=["GET", "POST"])
    bp.add_url_rule("/revurderinger/<int:case_id>", view_func=case_page,
                    endpoint="reassessment", methods=["GET", "POST"])
