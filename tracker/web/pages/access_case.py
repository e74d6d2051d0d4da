"""A case of individual access in the browser: its facts, the application as read, what is
missing, the steps taken, and the steps the reader may take next as forms — among them the
trust's supplement of a returned application and the committee's decision with who decides and
who is recused (002_e9fcae1246b76c56.txt L585–731).

The page holds several forms. Their inputs carry a prefix (`step-returned.note`, `decision.
outcome`; the supplement's inputs are the body's own `application.*`), and each post is cut back
to its operation's body, sent through the API's operation, and its errors put back on the
prefixed inputs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from tracker.access import require
from tracker.individual import workflow
from tracker.individual.enums import CaseState, Ground, Outcome, Scheme
from tracker.timeutil import today
from tracker.users.enums import Role
from tracker.web import forms
from tracker.web.lang import current_language, fmt_date, input_date, input_number
from tracker.web.pages import access_case_view as view
from tracker.web.pages import access_common as common
from tracker.web.pages.access_forms import form_context
from tracker.web.pages.access_messages import problem, recusal_reason
from tracker.web.pages.access_text import enum_label, field_label, options
from tracker.web.pages.row_forms import compact_rows
from tracker.web.text import add, t

add({
    "acc.case.title": ("Sak {id}: {scheme}", "Case {id}: {scheme}"),
    "acc.case.facts": ("Saken", "The case"),
    "acc.case.state": ("Status", "State"),
    "acc.case.missing": ("Dette mangler i søknaden", "What the application lacks"),
    "acc.case.complete": ("Søknaden har alt skjemaet spør om.",
                          "The application has everything the form asks for."),
    "acc.case.next": ("Neste steg", "Next steps"),
    "acc.case.next.none": ("Saken er avsluttet; den har ingen flere steg.",
                           "The case is closed; it has no further steps."),
    "acc.case.waiting_for": ("Venter på: {step} ({roles})", "Waiting for: {step} ({roles})"),
    "acc.case.sending_trust": ("helseforetaket som søker", "the applying trust"),
    "acc.case.moved": ("Saken er flyttet til «{state}».", "The case moved to “{state}”."),
    "acc.case.supplement": ("Suppler søknaden", "Supplement the application"),
    "acc.case.supplement.help": (
        "Fyll inn det som mangler, lagre, og send søknaden inn på nytt.",
        "Fill in what is missing, save, and submit the application again."),
    "acc.case.supplement.save": ("Lagre søknaden", "Save the application"),
    "acc.case.supplemented": ("Søknaden er lagret.", "The application is saved."),
    "acc.case.application": ("Søknaden", "The application"),
    "acc.case.timeline": ("Saksgang", "Timeline"),
    "acc.case.col.date": ("Dato", "Date"),
    "acc.case.col.step": ("Steg", "Step"),
    "acc.case.col.by": ("Av", "By"),
    "acc.case.col.what": ("Registrert i steget", "Recorded in the step"),
    "acc.case.col.note": ("Merknad", "Note"),
    "acc.case.col.recorded": ("Registrert", "Recorded"),
    "acc.case.all": ("Alle saker", "All cases"),
    "acc.committee.form": ("Vurderingskomitéens avgjørelse", "The assessment committee's decision"),
    "acc.committee.meeting": ("Møtet {date}", "The meeting of {date}"),
    "acc.committee.papers": ("Sakspapirer", "Papers"),
    "acc.committee.papers.sent": ("sendt {date} (frist {deadline})",
                                  "sent {date} (deadline {deadline})"),
    "acc.committee.papers.late": ("for sent", "too late"),
    "acc.committee.papers.not_sent": ("ikke sendt (frist {deadline})",
                                      "not sent (deadline {deadline})"),
    "acc.committee.deciding": ("Avgjør saken", "Decide the case"),
    "acc.committee.recused": ("Inhabile", "Recused"),
    "acc.committee.quorate": ("Beslutningsdyktig", "Quorate"),
    "acc.committee.problems": ("Hindrer en avgjørelse", "Stands in the way of a decision"),
    "acc.committee.outcome": ("Utfall", "Outcome"),
    "acc.committee.consensus": ("Avgjørelsen er tatt ved konsensus",
                                "The decision is made by consensus"),
    "acc.committee.grounds": ("Kriterier for klinisk eksepsjonalitet som er oppfylt",
                              "Grounds of clinical exceptionality found met"),
    "acc.committee.justification": ("Begrunnelse", "Justification"),
    "acc.committee.subgroup": ("Foreslå en vurdering av en undergruppe i Nye metoder",
                               "Propose a subgroup assessment in Nye metoder"),
    "acc.committee.save": ("Registrer avgjørelsen", "Record the decision"),
    "acc.committee.saved": ("Komitéens avgjørelse er registrert.",
                            "The committee's decision is recorded."),
    "acc.committee.open_meeting": ("Til møtet", "To the meeting"),
})
DECIDE, SUPPLEMENT = "decision.", "application."
COMMITTEE_OUTCOMES = (Outcome.granted, Outcome.refused, Outcome.no_consensus)


def step_prefix(to: str) -> str:
    return f"step-{to}."


def may_supplement(case: Any) -> bool:
    """Whether the reader may change the application (the sending trust, or Nye metoder)."""
    from tracker.auth import current_principal

    principal = current_principal()
    if CaseState(case.state) not in workflow.EDITABLE:
        return False
    if principal.role == Role.admin:
        return True
    if principal.role not in workflow.CREATORS:
        return False
    return (principal.role not in workflow.TRUST_SCOPED
            or principal.health_trust == case.sending_trust)


def _forms_of(case: Any) -> list[Any]:
    """The next steps the reader may take as plain steps (the committee decides separately)."""
    return [step for step in case.allowed_next if step.may and not (
        case.scheme == Scheme.access_scheme and step.to == CaseState.decided)]


def may_decide(case: Any) -> bool:
    return case.scheme == Scheme.access_scheme and any(
        step.to == CaseState.decided and step.may for step in case.allowed_next)


def _state_now(case_id: int, lang: str) -> dict[str, str]:
    case = forms.read("get_access_case", {"case_id": case_id})
    return {"state": enum_label("state", case.state, lang)}


def case_page(case_id: int) -> Any:
    """A case with its forms; a post takes a step, supplements or records the decision."""
    require("access_cases", "read")
    lang = current_language()
    case = forms.read("get_access_case", {"case_id": case_id})
    outcome: forms.Outcome | None = None
    active: str | None = None
    status = 200
    if request.method == "POST":
        require("access_cases", "write")
        active = request.form.get("_action", "")
        outcome = _post(case, active, lang)
        if outcome.ok:
            return redirect(common.case_href(case_id, lang))
        status = 409 if (outcome.stale or outcome.message) else 422
    return _render(case, outcome, active, lang), status


def _post(case: Any, action: str, lang: str) -> forms.Outcome:
    form = request.form
    stale: dict[str, Any] = {"current": lambda: _state_now(case.id, lang),
                             "labels": {"state": t("acc.case.state", lang)}}
    path = {"case_id": case.id}
    if action.startswith("step:"):
        to = action.removeprefix("step:")
        if to not in {str(s) for s in CaseState}:
            raise BadRequest("No such step.")
        prefix = step_prefix(to)
        sub = common.sub_form(form, prefix, extra={"to": to})
        other = sub.pop("missing_other", "")
        for line in other.splitlines():
            if line.strip():
                sub.add("missing", line.strip())
        outcome = forms.submit("step_access_case", path, form=sub, lang=lang, **stale)
        common.put_back(outcome, prefix)
        if outcome.ok:
            flash(t("acc.case.moved", lang, state=enum_label("state", outcome.result.state,
                                                               lang)), "saved")
        return outcome
    if action == "supplement":
        return _supplement(case, form, lang, stale)
    if action == "decide":
        outcome = forms.submit("decide_access_case", path, lang=lang,
                               form=common.sub_form(form, DECIDE), **stale)
        common.put_back(outcome, DECIDE)
        if outcome.ok:
            flash(t("acc.committee.saved", lang), "saved")
        return outcome
    raise BadRequest("The case page has no such form.")


def _supplement(case: Any, form: MultiDict[str, str], lang: str,
                stale: dict[str, Any]) -> forms.Outcome:
    """Coerce the application's inputs by the scheme's own schema, then PATCH it."""
    model = common.APPLICATION_MODELS[Scheme(case.scheme)]
    fields = compact_rows(MultiDict([(k[len(SUPPLEMENT):], v) for k, v in form.items(multi=True)
                                     if k.startswith(SUPPLEMENT)]), "literature")
    application, problems = forms.body_from_form(fields, model, clear_empty=True, lang=lang)
    if problems:
        outcome = forms.Outcome()
        for name, message in problems.items():
            outcome.errors[SUPPLEMENT + name] = [message]
        return outcome
    outcome = forms.submit("update_access_case", {"case_id": case.id}, lang=lang,
                           form=MultiDict([(k, v) for k in ("version", forms.BASE_FIELD)
                                           if (v := form.get(k)) is not None]),
                           adjust=lambda body: {**body, "application": application}, **stale)
    if outcome.ok:
        flash(t("acc.case.supplemented", lang), "saved")
    return outcome


def _meetings(case: Any, lang: str) -> tuple[list[tuple[str, str]], dict[int, date]]:
    """Meetings a case may be scheduled for (not before its last step, papers not sent), and
    every meeting's date."""
    dates: dict[int, date] = {}
    if case.meeting_id and case.meeting_date:
        dates[case.meeting_id] = case.meeting_date
    if not forms.may("committee", "read"):
        return [], dates
    found = forms.read("list_committee_meetings").items
    dates.update({m.id: m.held_on for m in found})
    # A step may be dated back to the previous one, so a meeting from then on may take it.
    since = case.steps[-1].at if case.steps else today()
    open_ = [(str(m.id), fmt_date(m.held_on, lang) + (f" ({t('acc.meeting.extra', lang)})"
                                                       if m.extra else ""))
             for m in found if m.held_on >= since and m.papers_sent_on is None
             and m.id != case.meeting_id]
    return open_, dates


def _committee(case: Any, lang: str) -> dict[str, Any] | None:
    """The meeting the case is on: papers, who decides, who is recused (committee readers)."""
    if case.scheme != Scheme.access_scheme or not case.meeting_id or case.decision:
        return None
    if not forms.may("committee", "read"):
        return None
    meeting = forms.read("get_committee_meeting", {"meeting_id": case.meeting_id})
    part = next((c for c in meeting.cases if c.case_id == case.id), None)
    return {"meeting": meeting, "part": part,
            "recused": [(r.name, recusal_reason(r.reason, lang)) for r in part.recused]
            if part else [],
            "problems": [problem(p, lang) for p in part.problems] if part else [],
            "href": common.meeting_href(meeting.id, lang)}


def _defaults(case: Any, lang: str) -> dict[str, str]:
    """What the forms show before anything is typed: the stored application, the costs."""
    app = dict(case.application)
    for name in common.DATES:
        if app.get(name):
            app[name] = input_date(app[name])
    values = {SUPPLEMENT + k: v for k, v in forms.flatten(app, lang).items()}
    cost = app.get("drug_cost_per_month_nok")
    price = step_prefix(CaseState.price_checked)
    if cost is not None:
        values[price + "cost_per_month_nok"] = input_number(cost, lang)
    if app.get("price_basis"):
        values[price + "price_basis"] = str(app["price_basis"])
    return values


def _labels(case: Any, steps: list[Any], lang: str, rows: int) -> dict[str, str]:
    labels = {"state": t("acc.case.state", lang)}
    for step in steps:
        prefix = step_prefix(step.to)
        for name in ("at", "note", *step.needs, "indication_limits", "missing_other"):
            labels[prefix + name] = t(f"acc.stepf.{name}", lang)
    for name in ("outcome", "consensus", "grounds", "justification"):
        labels[DECIDE + name] = t(f"acc.committee.{name}", lang)
    labels[DECIDE + "propose_subgroup_assessment"] = t("acc.committee.subgroup", lang)
    labels.update(common.application_labels(Scheme(case.scheme), lang, rows))
    return labels


def _render(case: Any, outcome: forms.Outcome | None, active: str | None, lang: str) -> str:
    posted = request.form if request.method == "POST" else None
    values = _defaults(case, lang)
    if posted is not None:
        values.update(forms.typed(posted))
    steps = _forms_of(case)
    ctx = form_context(Scheme(case.scheme), lang, values, posted,
                       list(case.application.get("trusts", [])))
    labels = _labels(case, steps, lang, len(ctx["lit_rows"]))
    meetings, meeting_dates = _meetings(case, lang)
    version = str(case.version)
    if posted is not None and outcome is not None and outcome.stale:
        version = posted.get("version", version)  # a stale form stays stale
    shown = {"step:" + str(s.to) for s in steps}
    shown |= {"supplement"} if may_supplement(case) else set()
    shown |= {"decide"} if may_decide(case) else set()
    waiting = [(view.step_label(case.scheme, case.state, s.to, lang),
                ", ".join(enum_label("role", r, lang) for r in s.roles))
               for s in case.allowed_next if not s.may]
    return render_template(
        "web/access_case.html", case=case, values=values, labels=labels,
        errors=outcome.errors if outcome else {}, outcome=outcome, active=active,
        summary_at=active if active in shown else "top", version=version,
        base=posted.get(forms.BASE_FIELD) if posted is not None else forms.base_of(
            {"state": enum_label("state", case.state, lang)}),
        facts=view.facts(case, lang), application=view.application(case, lang),
        missing=[(m, field_label(m, lang)) for m in case.missing],
        timeline=view.timeline(case, meeting_dates, lang), decision=view.decision(case, lang),
        steps=steps, waiting=waiting, meetings=meetings, may_supplement=may_supplement(case),
        may_decide=may_decide(case), committee=_committee(case, lang), ctx=ctx,
        withheld=case.withheld_fields, posted=posted, step_prefix=step_prefix,
        step_label=lambda to: view.step_label(case.scheme, case.state, to, lang),
        outcomes=options("outcome", lang, [str(o) for o in COMMITTEE_OUTCOMES]),
        decisions=options("outcome", lang, [str(Outcome.granted), str(Outcome.refused)]),
        price_bases=options("price_basis", lang), ground_options=options(
            "ground", lang, [str(g) for g in Ground]),
        label=lambda kind, v: enum_label(kind, v, lang), lang_arg=common.lang_arg(lang))


def register(bp: Blueprint) -> None:
    """Add the routes."""
    bp.add_url_rule("/tilgang/<int:case_id>", view_func=case_page, endpoint="access_case",
                    methods=["GET", "POST"])
