"""How a case of individual access reads on its page: the application as the form groups it,
the steps with who took them, the next steps as forms, and the decision in its short written
form (002_e9fcae1246b76c56.txt L721–731)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.individual import diagnosis
from tracker.individual.enums import CaseState, Scheme
from tracker.web.lang import fmt_date
from tracker.web.pages import access_common as common
from tracker.web.pages.access_messages import recusal_reason
from tracker.web.pages.access_text import enum_label, field_label
from tracker.web.text import add, t

add({
    # what a step does, as its button says it
    "acc.step.line_manager_approved": ("Linjeleder godkjenner", "Line manager approves"),
    "acc.step.pharmacist_checked": ("Farmasøyt har kontrollert", "Pharmacist has checked"),
    "acc.step.decided": ("Registrer avgjørelsen", "Record the decision"),
    "acc.step.individual_exception.decided": ("Fagdirektørens avgjørelse",
                                              "The medical director's decision"),
    "acc.step.group_exception.decided": ("Fagdirektørmøtets avgjørelse",
                                         "The medical directors' meeting's decision"),
    "acc.step.sent": ("Avgjørelsen er sendt til helseforetaket",
                      "The decision is sent to the trust"),
    "acc.step.individual_exception.sent": ("Avgjørelsen er tilbakeført til journalen",
                                           "The decision is returned to the patient record"),
    "acc.step.returned": ("Send tilbake for supplering", "Return for supplementing"),
    "acc.step.complete": ("Tilstrekkelig opplyst", "Sufficiently informed"),
    "acc.step.received": ("Send inn på nytt", "Submit again"),
    "acc.step.price_checked": ("Registrer priskontrollen", "Record the price check"),
    "acc.step.scheduled": ("Sett opp til møte", "Schedule for a meeting"),
    "acc.step.scheduled.again": ("Flytt til et annet møte", "Move to another meeting"),
    "acc.step.ended": ("Gruppeunntaket gjelder ikke lenger", "The group exception ends"),
    "acc.step.withdrawn": ("Trekk saken", "Withdraw the case"),
    # the inputs of the step forms
    "acc.stepf.at": ("Dato", "Date"),
    "acc.stepf.at.hint": ("Tomt felt betyr i dag.", "Leave empty for today."),
    "acc.stepf.note": ("Merknad", "Note"),
    "acc.stepf.justification": ("Begrunnelse", "Justification"),
    "acc.stepf.outcome": ("Avgjørelse", "Decision"),
    "acc.stepf.missing": ("Hva mangler", "What is missing"),
    "acc.stepf.missing.hint": ("Det som mangler etter skjemaet, er krysset av.",
                               "What the form still lacks is ticked."),
    "acc.stepf.missing_other": ("Annet som mangler (ett per linje)",
                                "Anything else missing (one a line)"),
    "acc.stepf.literature_checked": ("Litteraturen er kontrollert", "The literature is checked"),
    "acc.stepf.prescription_category": ("Forskrivningskategori", "Prescription category"),
    "acc.stepf.prescription_category.hint": ("For eksempel H-resept.", "For example H-resept."),
    "acc.stepf.cost_per_month_nok": ("Legemiddelkostnad per måned (kr)",
                                     "Drug cost per month (NOK)"),
    "acc.stepf.price_basis": ("Prisgrunnlag", "Price basis"),
    "acc.stepf.meeting_id": ("Møte i vurderingskomitéen", "Committee meeting"),
    "acc.stepf.meeting_id.none": ("Ingen planlagte møter tar imot saker nå; planlegg et møte "
                                  "på komitésiden.",
                                  "No planned meeting takes cases now; plan one on the "
                                  "committee page."),
    "acc.stepf.indication_limits": ("Indikasjonsavgrensning", "Indication limits"),
    "acc.meeting.extra": ("ekstra møte", "extra meeting"),
    # the timeline
    "acc.tl.opened": ("Registrert: {state}", "Registered: {state}"),
    "acc.tl.missing": ("Mangler: {items}", "Missing: {items}"),
    "acc.tl.cost": ("Kostnad per måned: {value}", "Cost per month: {value}"),
    "acc.tl.basis": ("Prisgrunnlag: {value}", "Price basis: {value}"),
    "acc.tl.category": ("Forskrivningskategori: {value}", "Prescription category: {value}"),
    "acc.tl.literature": ("Litteraturen kontrollert: {value}", "Literature checked: {value}"),
    "acc.tl.meeting": ("Møte: {value}", "Meeting: {value}"),
    "acc.tl.outcome": ("Avgjørelse: {value}", "Decision: {value}"),
    "acc.tl.consensus": ("ved konsensus", "by consensus"),
    "acc.tl.justification": ("Begrunnelse: {value}", "Justification: {value}"),
    "acc.kr": ("{value} kr", "NOK {value}"),
    # the decision, written out
    "acc.dec.committee": ("Vurderingskomitéens avgjørelse", "The assessment committee's decision"),
    "acc.dec.individual_exception": ("Fagdirektørens avgjørelse",
                                     "The medical director's decision"),
    "acc.dec.group_exception": ("Fagdirektørmøtets avgjørelse",
                                "The medical directors' meeting's decision"),
    "acc.dec.meeting": ("Møte", "Meeting"),
    "acc.dec.outcome": ("Avgjørelse", "Decision"),
    "acc.dec.by_consensus": ("{outcome}, ved konsensus", "{outcome}, by consensus"),
    "acc.dec.grounds": ("Kriterier for klinisk eksepsjonalitet som er oppfylt",
                        "Grounds of clinical exceptionality found met"),
    "acc.dec.justification": ("Begrunnelse", "Justification"),
    "acc.dec.limits": ("Indikasjonsavgrensning", "Indication limits"),
    "acc.dec.deciding": ("Besluttet av", "Decided by"),
    "acc.dec.recused": ("Inhabile (deltok ikke)", "Recused (did not take part)"),
    "acc.dec.attending": ("Til stede uten stemme", "Present without a vote"),
    "acc.dec.recorded_by": ("Registrert av", "Recorded by"),
    "acc.dec.decided_on": ("Dato", "Date"),
    "acc.dec.subgroup": ("Komitéen foreslår en vurdering av en undergruppe i Nye metoder.",
                         "The committee proposes a subgroup assessment in Nye metoder."),
    "acc.nobody": ("ingen", "none"),
})


def step_label(scheme: str, state: str, to: str, lang: str) -> str:
    """What a step does, as its button says it."""
    if to == CaseState.scheduled and state == CaseState.scheduled:
        return t("acc.step.scheduled.again", lang)
    try:
        return t(f"acc.step.{scheme}.{to}", lang)
    except KeyError:
        return t(f"acc.step.{to}", lang)


def kroner(value: float | None, lang: str) -> str:
    return "–" if value is None else t("acc.kr", lang, value=common.fmt_amount(value, lang))


def facts(case: Any, lang: str) -> list[tuple[str, str]]:
    """The fewest-parameters core of a case, labelled (000 L1230–1245)."""
    chapter = ""
    if case.diagnosis_group:
        title = diagnosis.CHAPTER_TITLES.get(case.diagnosis_group, "")
        chapter = (f" (kapittel {case.diagnosis_group}: {title})" if lang != "en"
                   else f" (ICD-10 chapter {case.diagnosis_group})")
    rows = [
        (t("acc.col.scheme", lang), enum_label("scheme", case.scheme, lang)),
        (t("acc.col.method", lang), f"{case.nye_metoder_id} {case.method}"),
        (field_label("diagnosis_icd10", lang), (case.diagnosis_icd10 or "–") + chapter),
        (field_label("sending_trust", lang), f"{case.sending_trust} ({case.region})"),
    ]
    if case.residence_trust:
        rows.append((field_label("residence_trust", lang),
                     f"{case.residence_trust} ({case.residence_region})"))
    if case.paying_trust and case.scheme == Scheme.individual_exception:
        rows.append((t("acc.paying", lang), case.paying_trust))
    if case.reference:
        rows.append((field_label("reference", lang), case.reference))
    rows.append((field_label("received_on", lang), fmt_date(case.received_on, lang)))
    if case.meeting_date:
        rows.append((t("acc.col.meeting", lang), fmt_date(case.meeting_date, lang)))
    if case.outcome:
        rows.append((t("acc.col.outcome", lang), f"{enum_label('outcome', case.outcome, lang)} "
                                                 f"({fmt_date(case.decided_on, lang)})"))
    if case.publication_status:
        rows.append((t("acc.published", lang), enum_label("pub", case.publication_status, lang)))
    return rows


add({"acc.paying": ("Helseforetaket som betaler", "Paying trust"),
     "acc.published": ("Publisert som", "Published as"),
     "acc.yes": ("ja", "yes"), "acc.no": ("nei", "no")})


def _value(name: str, value: Any, lang: str) -> str:
    if value in (None, "", []):
        return "–"
    if isinstance(value, bool):
        return t("acc.yes" if value else "acc.no", lang)
    if name in common.ENUM_FIELDS:
        return enum_label(common.ENUM_FIELDS[name], value, lang)
    if name in common.AMOUNTS:
        return kroner(float(value), lang)
    if name in common.DATES:
        return fmt_date(date.fromisoformat(value), lang)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@dataclass
class Shown:
    """One field of the application as read: label, text, whether withheld from this role."""

    label: str
    text: str
    hidden: bool = False
    rows: list[tuple[str, str | None]] = field(default_factory=list)  # literature


def application(case: Any, lang: str) -> list[tuple[str, list[Shown]]]:
    """The application as read, grouped as the form groups it."""
    app = case.application
    hidden = set(case.withheld_fields)
    out = []
    for group, names in common.GROUPS[Scheme(case.scheme)]:
        shown: list[Shown] = []
        for name in names:
            value = app.get(name)
            if name in common.JUSTIFIED:
                given = value or {}
                tick = t("acc.yes" if given.get("met") else "acc.no", lang)
                text = tick + (f": {given['justification']}" if given.get("justification")
                               else "")
                shown.append(Shown(field_label(f"{name}.met", lang), text))
            elif name in common.APPROVALS:
                given = value or {}
                for part in ("name", "justification", "approved"):
                    shown.append(Shown(field_label(f"{name}.{part}", lang),
                                       _value(part, given.get(part), lang)))
            elif name == "literature":
                shown.append(Shown(field_label(name, lang), "" if value else "–", rows=[
                    (row.get("title", ""), row.get("url")) for row in value or []]))
            elif f"application.{name}" in hidden:
                shown.append(Shown(field_label(name, lang), t("acc.hidden", lang), hidden=True))
            else:
                shown.append(Shown(field_label(name, lang), _value(name, value, lang)))
        out.append((group, shown))
    if case.scheme == Scheme.access_scheme and app.get("concerns_group"):
        out[0][1].append(Shown(field_label("concerns_group", lang), t("acc.yes", lang)))
    return out


def timeline(case: Any, meeting_dates: dict[int, date], lang: str) -> list[dict[str, Any]]:
    """The steps: when, from which state to which, who in which role, what they recorded."""
    rows = []
    for step in case.steps:
        payload = step.payload
        what = []
        if payload.get("missing"):
            what.append(t("acc.tl.missing", lang, items="; ".join(
                field_label(m, lang) for m in payload["missing"])))
        if payload.get("outcome"):
            text = t("acc.tl.outcome", lang, value=enum_label("outcome", payload["outcome"], lang))
            what.append(text + (", " + t("acc.tl.consensus", lang)
                                if payload.get("consensus") else ""))
        if step.to_state in (CaseState.price_checked, CaseState.pharmacist_checked):
            cost = payload.get("cost_per_month_nok")
            what.append(t("acc.tl.cost", lang, value=t("acc.hidden", lang) if cost is None
                          else kroner(cost, lang)))
        if payload.get("price_basis"):
            what.append(t("acc.tl.basis", lang,
                          value=enum_label("price_basis", payload["price_basis"], lang)))
        if payload.get("prescription_category"):
            what.append(t("acc.tl.category", lang, value=payload["prescription_category"]))
        if "literature_checked" in payload:
            what.append(t("acc.tl.literature", lang,
                          value=t("acc.yes" if payload["literature_checked"] else "acc.no",
                                  lang)))
        if payload.get("meeting_id"):
            held = meeting_dates.get(payload["meeting_id"])
            what.append(t("acc.tl.meeting", lang, value=fmt_date(held, lang) if held else "–"))
        if payload.get("justification"):
            what.append(t("acc.tl.justification", lang, value=payload["justification"]))
        to = enum_label("state", step.to_state, lang)
        rows.append({
            "at": fmt_date(step.at, lang),
            "step": (f"{enum_label('state', step.from_state, lang)} → {to}" if step.from_state
                     else t("acc.tl.opened", lang, state=to)),
            "by": step.by, "role": enum_label("role", step.role, lang) if step.role else "–",
            "what": what, "note": step.note or "–",
            "recorded": fmt_date(step.recorded_at, lang)})
    return rows


def decision(case: Any, lang: str) -> dict[str, Any] | None:
    """The decision in its short standardised written form, or None before it is made."""
    stored = case.decision
    if not stored:
        return None
    none = t("acc.nobody", lang)
    outcome = enum_label("outcome", stored.get("outcome"), lang)
    if case.scheme == Scheme.access_scheme:
        meeting = stored.get("meeting_date")
        lines = [
            (t("acc.dec.meeting", lang), fmt_date(date.fromisoformat(meeting), lang)
             if meeting else "–"),
            (t("acc.dec.outcome", lang), t("acc.dec.by_consensus", lang, outcome=outcome)
             if stored.get("consensus") else outcome),
            (t("acc.dec.grounds", lang), ", ".join(enum_label("ground", g, lang)
                                                   for g in stored.get("grounds", [])) or none),
            (t("acc.dec.justification", lang), stored.get("justification") or "–"),
            (t("acc.dec.deciding", lang), ", ".join(stored.get("deciding", [])) or none),
            (t("acc.dec.recused", lang), "; ".join(
                f"{r['name']} ({recusal_reason(r['reason'], lang)})"
                for r in stored.get("recused", [])) or none),
            (t("acc.dec.attending", lang), ", ".join(stored.get("attending", [])) or none),
            (t("acc.dec.recorded_by", lang), stored.get("recorded_by") or "–"),
        ]
        return {"title": t("acc.dec.committee", lang), "lines": lines,
                "subgroup": bool(stored.get("propose_subgroup_assessment"))}
    lines = [(t("acc.dec.decided_on", lang), fmt_date(case.decided_on, lang)),
             (t("acc.dec.outcome", lang), outcome),
             (t("acc.dec.justification", lang), stored.get("justification") or "–")]
    if stored.get("indication_limits"):
        lines.append((t("acc.dec.limits", lang), stored["indication_limits"]))
    lines.append((t("acc.dec.recorded_by", lang), stored.get("by") or "–"))
    return {"title": t(f"acc.dec.{case.scheme}", lang), "lines": lines, "subgroup": False}
