"""The interregional assessment committee in the browser: its roster, its meetings every two
weeks, and each meeting's agenda with who decides and who is recused per case, attendance and
the papers (002_e9fcae1246b76c56.txt L585–690).

Recusal and quorum are computed by the API from the roster and the case's trusts; the page shows
them and never lets anyone tick them by hand.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from werkzeug.exceptions import BadRequest, NotFound

from tracker.access import require
from tracker.timeutil import today
from tracker.web import forms
from tracker.web.lang import current_language, input_date
from tracker.web.pages import access_common as common
from tracker.web.pages.access_messages import problem, recusal_reason, roster_problem
from tracker.web.pages.access_text import enum_label, options
from tracker.web.text import add, t

add({
    "com.title": ("Vurderingskomitéen", "The assessment committee"),
    "com.intro": (
        "Den interregionale vurderingskomitéen i Tilgangsordningen: to fagdirektører per region "
        "avgjør ved konsensus, minst fire med beslutningsmyndighet må delta, og ingen deltar i "
        "en sak fra eget helseforetak.",
        "The interregional assessment committee of Tilgangsordningen: two medical directors "
        "per region decide by consensus, at least four with decision authority must take part, "
        "and no one takes part in a case from their own trust."),
    "com.roster": ("Medlemmer", "Members"),
    "com.roster.problems": ("Medlemslisten oppfyller ikke ordningen:",
                            "The roster falls short of the procedure:"),
    "com.col.name": ("Navn", "Name"),
    "com.col.role": ("Rolle", "Role"),
    "com.col.trust": ("Helseforetak", "Trust"),
    "com.col.region": ("Region", "Region"),
    "com.col.director": ("Fagdirektør", "Medical director"),
    "com.col.substitute_for": ("Vara for", "Substitute for"),
    "com.col.active": ("Periode", "Period"),
    "com.col.edit": ("Endre", "Edit"),
    "com.member.add": ("Legg til medlem", "Add a member"),
    "com.member.edit": ("Endre {name}", "Edit {name}"),
    "com.member.name": ("Navn", "Name"),
    "com.member.committee_role": ("Rolle i komitéen", "Role in the committee"),
    "com.member.health_trust": ("Helseforetak", "Health trust"),
    "com.member.health_trust.hint": ("Medlemmer og vararepresentanter representerer et "
                                     "helseforetak; regionen følger av det.",
                                     "Members and substitutes represent a trust; the region "
                                     "follows from it."),
    "com.member.medical_director": ("Fagdirektør (eller oppnevnt som det)",
                                    "Medical director (or appointed as one)"),
    "com.member.substitute_for_id": ("Vararepresentant for", "Substitute for"),
    "com.member.user_name": ("Brukernavn i sporingsverktøyet", "User name in the tracker"),
    "com.member.active_from": ("Medlem fra", "Member from"),
    "com.member.active_to": ("Medlem til", "Member until"),
    "com.member.saved": ("Medlemslisten er oppdatert.", "The roster is updated."),
    "com.meetings": ("Møter", "Meetings"),
    "com.meetings.none": ("Ingen møter er planlagt.", "No meetings are planned."),
    "com.col.date": ("Dato", "Date"),
    "com.col.deadline": ("Frist for sakspapirer", "Papers deadline"),
    "com.col.papers": ("Sakspapirer sendt", "Papers sent"),
    "com.col.cases": ("Saker", "Cases"),
    "com.late": ("for sent", "too late"),
    "com.not_sent": ("ikke sendt", "not sent"),
    "com.extra": ("ekstra", "extra"),
    "com.plan": ("Planlegg møter annenhver uke", "Plan meetings every two weeks"),
    "com.plan.first": ("Første møte", "First meeting"),
    "com.plan.count": ("Antall møter", "Number of meetings"),
    "com.plan.save": ("Planlegg", "Plan"),
    "com.planned": ("Møtene er planlagt.", "The meetings are planned."),
    "com.extra_meeting": ("Ekstra møte (hastesak)", "Extra meeting (urgent case)"),
    "com.meeting.held_on": ("Dato", "Date"),
    "com.meeting.note": ("Merknad", "Note"),
    "com.meeting.save": ("Legg til møtet", "Add the meeting"),
    "com.meeting.saved": ("Møtet er lagt til.", "The meeting is added."),
    "com.meeting.title": ("Møte i vurderingskomitéen {date}", "Committee meeting {date}"),
    "com.agenda": ("Saker på møtet", "Cases on the agenda"),
    "com.agenda.none": ("Ingen saker er satt opp til møtet.", "No cases are on the agenda."),
    "com.col.case": ("Sak", "Case"),
    "com.col.deciding": ("Avgjør", "Decide"),
    "com.col.recused": ("Inhabile", "Recused"),
    "com.col.quorate": ("Beslutningsdyktig", "Quorate"),
    "com.col.problems": ("Hindrer en avgjørelse", "Stands in the way"),
    "com.decision_form": ("Til avgjørelsen", "To the decision"),
    "com.attendance": ("Til stede", "Attendance"),
    "com.attendance.help": (
        "Kryss av for hvem som deltok. Hvem som er inhabil i hver sak, regnes ut av "
        "helseforetakene, ikke krysses av.",
        "Tick who attended. Who is recused in each case is worked out from the trusts, not "
        "ticked."),
    "com.attendance.save": ("Lagre oppmøtet", "Save the attendance"),
    "com.attendance.saved": ("Oppmøtet er lagret.", "The attendance is saved."),
    "com.papers": ("Sakspapirer", "Papers"),
    "com.papers.deadline": ("Sakspapirene skal sendes senest {date} (to virkedager før møtet).",
                            "The papers go out by {date} at the latest (two working days "
                            "before the meeting)."),
    "com.papers.sent_on": ("Sendt dato", "Sent on"),
    "com.papers.sent_on.hint": ("Tomt felt betyr i dag.", "Leave empty for today."),
    "com.papers.save": ("Registrer at sakspapirene er sendt", "Record that the papers went out"),
    "com.papers.saved": ("Utsendelsen er registrert.", "The papers are recorded as sent."),
    "com.papers.was_sent": ("Sendt {date}.", "Sent {date}."),
    "com.back": ("Til komitéen", "To the committee"),
})
MEMBER_FIELDS = ("name", "committee_role", "health_trust", "medical_director",
                 "substitute_for_id", "user_name", "active_from", "active_to")


def _href(path: str, lang: str) -> str:
    return path + common.lang_arg(lang)


def _roster() -> Any:
    return forms.read("list_committee_members")


def _post_prefixed(operation: str, path: dict[str, Any], prefix: str, lang: str, saved: str,
                   adjust: Any = None) -> forms.Outcome:
    """Submit one of the page's forms (inputs named `prefix` + the body's field)."""
    outcome = forms.submit(operation, path, form=common.sub_form(request.form, prefix),
                           lang=lang, adjust=adjust)
    common.put_back(outcome, prefix)
    if outcome.ok:
        flash(saved, "saved")
    return outcome


def committee_page() -> Any:
    """The roster with its shortfalls, the meetings, and the forms to plan more."""
    require("committee", "read")
    lang = current_language()
    outcome: forms.Outcome | None = None
    active = None
    status = 200
    if request.method == "POST":
        require("committee", "write")
        active = request.form.get("_action", "")
        if active == "plan":
            outcome = _post_prefixed("plan_committee_meetings", {}, "plan.", lang,
                                     t("com.planned", lang))
        elif active == "meeting":
            outcome = _post_prefixed("create_committee_meeting", {}, "meeting.", lang,
                                     t("com.meeting.saved", lang),
                                     adjust=lambda body: {**body, "extra": True})
        else:
            raise BadRequest("The committee page has no such form.")
        if outcome.ok:
            return redirect(_href("/arbeid/komite", lang))
        status = 409 if outcome.message else 422
    roster = _roster()
    names = {m.id: m.name for m in roster.items}
    labels = {"plan.first": t("com.plan.first", lang), "plan.count": t("com.plan.count", lang),
              "meeting.held_on": t("com.meeting.held_on", lang),
              "meeting.note": t("com.meeting.note", lang)}
    values = forms.typed(request.form) if request.method == "POST" else {"plan.count": "6"}
    return render_template(
        "web/committee.html", roster=roster.items, names=names,
        problems=[roster_problem(p, lang) for p in roster.problems],
        meetings=forms.read("list_committee_meetings").items, may_write=forms.may("committee"),
        values=values, errors=outcome.errors if outcome else {}, outcome=outcome,
        active=active, labels=labels, today=today(),
        label=lambda kind, v: enum_label(kind, v, lang),
        meeting_href=lambda mid: common.meeting_href(mid, lang),
        member_href=lambda mid: _href(f"/arbeid/komite/medlemmer/{mid}", lang),
        new_member_href=_href("/arbeid/komite/medlemmer/ny", lang)), status


def _member_context(lang: str, roster: list[Any], own_id: int | None) -> dict[str, Any]:
    return {"roles": options("crole", lang), "trust_options": common.trust_options(),
            "members": [(str(m.id), m.name) for m in roster if m.id != own_id
                        and m.committee_role == "member"],
            "back": _href("/arbeid/komite", lang),
            "hints": {"health_trust": t("com.member.health_trust.hint", lang)}}


def _member_labels(lang: str) -> dict[str, str]:
    return {name: t(f"com.member.{name}", lang) for name in MEMBER_FIELDS}


def new_member() -> Any:
    """Add a person to the roster."""
    require("committee", "write")
    lang = current_language()
    return forms.form_page(
        "web/committee_member_form.html", operation="create_committee_member",
        values={"committee_role": "member", "active_from": input_date(today())},
        labels=_member_labels(lang), done=lambda _m: _href("/arbeid/komite", lang),
        saved=t("com.member.saved", lang), heading=t("com.member.add", lang),
        **_member_context(lang, _roster().items, None))


def edit_member(member_id: int) -> Any:
    """Change a roster entry (e.g. when a member leaves)."""
    require("committee", "write")
    lang = current_language()

    def stored() -> dict[str, str]:
        found = next((m for m in _roster().items if m.id == member_id), None)
        if found is None:
            raise NotFound()
        return forms.flatten(found.model_dump(include={*MEMBER_FIELDS, "version"}), lang)

    values = stored()
    return forms.form_page(
        "web/committee_member_form.html", operation="update_committee_member",
        path_args={"member_id": member_id}, values=values, labels=_member_labels(lang),
        clear_empty=True, current=stored, done=lambda _m: _href("/arbeid/komite", lang),
        saved=t("com.member.saved", lang),
        heading=t("com.member.edit", lang, name=values.get("name", "")),
        **_member_context(lang, _roster().items, member_id))


def meeting_page(meeting_id: int) -> Any:
    """A meeting: its agenda with who decides and who is recused, attendance and papers."""
    require("committee", "read")
    lang = current_language()
    outcome: forms.Outcome | None = None
    active = None
    status = 200
    path = {"meeting_id": meeting_id}
    if request.method == "POST":
        require("committee", "write")
        active = request.form.get("_action", "")
        if active == "attend":
            outcome = _post_prefixed(
                "set_committee_attendance", path, "attend.", lang,
                t("com.attendance.saved", lang),
                adjust=lambda body: {**body, "member_ids": body.get("member_ids", [])})
        elif active == "papers":
            outcome = _post_prefixed("send_committee_papers", path, "papers.", lang,
                                     t("com.papers.saved", lang))
        else:
            raise BadRequest("The meeting page has no such form.")
        if outcome.ok:
            return redirect(common.meeting_href(meeting_id, lang))
        status = 409 if (outcome.message or outcome.stale) else 422
    meeting = forms.read("get_committee_meeting", path)
    roster = [m for m in _roster().items if m.active_from <= meeting.held_on
              and (m.active_to is None or m.active_to >= meeting.held_on)]
    present = {m.id for m in meeting.attendees}
    if request.method == "POST" and active == "attend":
        present = {int(v) for v in request.form.getlist("attend.member_ids") if v.isdigit()}
    values = forms.typed(request.form) if request.method == "POST" else {}
    labels = {"attend.member_ids": t("com.attendance", lang),
              "papers.sent_on": t("com.papers.sent_on", lang)}
    return render_template(
        "web/committee_meeting.html", meeting=meeting, roster=roster, present=present,
        values=values, errors=outcome.errors if outcome else {}, outcome=outcome,
        active=active, labels=labels, may_write=forms.may("committee"),
        label=lambda kind, v: enum_label(kind, v, lang),
        recused=lambda part: [(r.name, recusal_reason(r.reason, lang)) for r in part.recused],
        problems=lambda part: [problem(p, lang) for p in part.problems],
        case_href=lambda case_id: common.case_href(case_id, lang),
        back=_href("/arbeid/komite", lang)), status


def register(bp: Blueprint) -> None:
    """Add the routes."""
    bp.add_url_rule("/komite", view_func=committee_page, endpoint="committee",
                    methods=["GET", "POST"])
    bp.add_url_rule("/komite/medlemmer/ny", view_func=new_member, endpoint="new_member",
                    methods=["GET", "POST"])
    bp.add_url_rule("/komite/medlemmer/<int:member_id>", view_func=edit_member,
                    endpoint="committee_member", methods=["GET", "POST"])
    bp.add_url_rule("/komite/moter/<int:meeting_id>", view_func=meeting_page,
                    endpoint="committee_meeting", methods=["GET", "POST"])
