"""The work list of open flags ("varsler"): mine or all, by kind and by introduction, each with
its acknowledge and snooze forms.

Every row holds two small forms. Their visible inputs carry the flag's id as a prefix
(`ack-7.reason`, `snooze-7.until`) so that every input on the page has its own id; a post is cut
back to the operation's body (`reason`, `until`, `version`) and each error the API reports is put
back on the prefixed input of that row. The forms go through `forms.submit`, i.e. the API's
acknowledge_flag and snooze_flag operations, with the flag's version: a flag changed since the
page was opened (acknowledged by someone else, refreshed or closed by the sweep) is refused as
stale and shown with what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request
from werkzeug.datastructures import MultiDict

from tracker.access import require
from tracker.auth import current_principal
from tracker.db import get_session
from tracker.flags import notify
from tracker.flags.enums import KIND_LABELS, KIND_LABELS_EN, FlagKind
from tracker.web import forms
from tracker.web.lang import current_language, fmt_date
from tracker.web.text import add, t

add({f"enum.flag_kind.{kind.value}": (KIND_LABELS[kind], KIND_LABELS_EN[kind])
     for kind in FlagKind})
add({
    "flags.title": ("Varsler", "Flags"),
    "flags.intro": (
        "Åpne varsler om frister, dataleveranser og avtaler. Kvitter for et varsel når du har sett "
        "det og vet hva som skal gjøres (det står åpent til årsaken er borte), eller utsett det "
        "til en dato.",
        "Open flags on deadlines, data deliveries and agreements. Acknowledge a flag once you "
        "have seen it and know what is to be done (it stays open until its cause is gone), or "
        "snooze it until a date.",
    ),
    "flags.show": ("Vis varsler", "Show flags"),
    "flags.mine": ("Mine ({n})", "Mine ({n})"),
    "flags.all": ("Alle ({n})", "All ({n})"),
    "flags.mine.help": (
        "Mine: varsler på innføringer der e-postadressen din ({email}) står blant de ansvarlige.",
        "Mine: flags on introductions whose responsible people include your e-mail address "
        "({email}).",
    ),
    "flags.mine.no_email": (
        "Brukeren din har ingen e-postadresse, så ingen varsler regnes som dine.",
        "Your user has no e-mail address, so no flags count as yours.",
    ),
    "flags.filter.kind": ("Type varsel", "Kind of flag"),
    "flags.filter.introduction": ("Innføring", "Introduction"),
    "flags.filter.snoozed": ("Ta med utsatte varsler", "Include snoozed flags"),
    "flags.filter.go": ("Vis", "Show"),
    "flags.count": ("{n} varsler", "{n} flags"),
    "flags.none": ("Ingen åpne varsler her.", "No open flags here."),
    "flags.col.introduction": ("Innføring", "Introduction"),
    "flags.col.kind": ("Varsel", "Flag"),
    "flags.col.due": ("Frist", "Due"),
    "flags.col.opened": ("Åpnet", "Opened"),
    "flags.col.state": ("Behandling", "Handling"),
    "flags.col.actions": ("Kvitter eller utsett", "Acknowledge or snooze"),
    "flags.state.new": ("Ikke kvittert", "Not acknowledged"),
    "flags.state.acknowledged": ("Kvittert av {who} {when}", "Acknowledged by {who} on {when}"),
    "flags.state.snoozed": ("Utsatt til {until} av {who}", "Snoozed until {until} by {who}"),
    "flags.state.withheld": ("(begrunnelsen vises ikke for rollen din)",
                             "(the reason is not shown to your role)"),
    "flags.none_introduction": ("Ingen innføring", "No introduction"),
    "flags.actions": ("Kvitter eller utsett", "Acknowledge or snooze"),
    "flags.ack.legend": ("Kvitter", "Acknowledge"),
    "flags.ack.reason": ("Begrunnelse: hva gjøres?", "Reason: what is being done?"),
    "flags.ack.go": ("Kvitter for varselet", "Acknowledge the flag"),
    "flags.snooze.legend": ("Utsett", "Snooze"),
    "flags.snooze.until": ("Utsett til", "Snooze until"),
    "flags.snooze.until.hint": ("Varselet er skjult til og med dagen før.",
                                "The flag is hidden until the day before."),
    "flags.snooze.reason": ("Begrunnelse for utsettelsen", "Reason for the snooze"),
    "flags.snooze.go": ("Utsett varselet", "Snooze the flag"),
    "flags.acknowledged": ("Varselet er kvittert.", "The flag is acknowledged."),
    "flags.snoozed": ("Varselet er utsatt til {until}.", "The flag is snoozed until {until}."),
    "flags.failed": ("Varselet «{kind}» ble ikke lagret; se skjemaet i raden.",
                     "The flag “{kind}” was not saved; see the form in its row."),
    "flag.acknowledged_by": ("Kvittert av", "Acknowledged by"),
    "flag.acknowledged_reason": ("Begrunnelse for kvitteringen", "Reason of the acknowledgement"),
    "flag.snoozed_until": ("Utsatt til", "Snoozed until"),
    "flag.snoozed_reason": ("Begrunnelse for utsettelsen", "Reason of the snooze"),
    "flag.due_date": ("Frist", "Due"),
    "flag.is_open": ("Åpent", "Open"),
})

# The flag's fields whose change since the page was opened a stale post shows.
WATCHED = ("acknowledged_by", "acknowledged_reason", "snoozed_until", "snoozed_reason",
           "due_date", "is_open")
ACTIONS = {"ack": ("acknowledge_flag", ("reason",)), "snooze": ("snooze_flag",
                                                                ("until", "reason"))}
PAGE = 500


def kind_label(kind: str, lang: str) -> str:
    """A flag kind in the language (never its code)."""
    return t(f"enum.flag_kind.{kind}", lang)


@dataclass(frozen=True)
class Filters:
    """The work list's choices, read from the query string (unknown values are ignored)."""

    mine: bool = False
    kind: str | None = None
    introduction_id: int | None = None
    include_snoozed: bool = False

    @classmethod
    def of(cls, args: Any) -> Filters:
        kind = args.get("kind") or None
        number = args.get("introduction_id") or ""
        return cls(mine=args.get("vis") == "mine",
                   kind=kind if kind in {k.value for k in FlagKind} else None,
                   introduction_id=int(number) if number.isdigit() and 0 < int(number) < 2**31
                   else None,
                   # A ticked box sends its hidden blank and "true".
                   include_snoozed="true" in args.getlist("include_snoozed"))

    def query(self, lang: str, **changes: Any) -> str:
        """The list's query string with these choices (and `changes`)."""
        values: dict[str, Any] = {"vis": "mine" if self.mine else None, "kind": self.kind,
                                  "introduction_id": self.introduction_id,
                                  "include_snoozed": "true" if self.include_snoozed else None,
                                  "lang": "en" if lang == "en" else None}
        values.update(changes)
        kept = {k: v for k, v in values.items() if v is not None}
        return "?" + urlencode(kept) if kept else ""


def _read_all(operation: str, query: dict[str, Any]) -> list[Any]:
    items: list[Any] = []
    offset = 0
    while True:
        page = forms.read(operation, query={**query, "limit": PAGE, "offset": offset})
        items.extend(page.items)
        offset += PAGE
        if offset >= page.total or not page.items:
            return items


def _mine(flags: list[Any]) -> set[int]:
    """The introductions among these flags' whose responsible people include the user."""
    email = current_principal().email
    if not email:
        return set()
    me = notify.normalise(email)
    session = get_session()
    ids = {f.introduction_id for f in flags if f.introduction_id is not None}
    return {i for i in ids if me in notify.recipients_for(session=session, introduction_id=i)}


def _introductions() -> dict[int, str]:
    rows = _read_all("list_introductions", {"sort": "review_date"})
    return {row.id: f"{row.nye_metoder_id} {row.active_substance}" for row in rows}


def _base(flag: Any, lang: str) -> str:
    return forms.base_of(_watched(flag, lang))


def _watched(flag: Any, lang: str) -> dict[str, str]:
    values = forms.flatten({name: getattr(flag, name) for name in WATCHED}, lang)
    values["is_open"] = t("yes", lang) if flag.is_open else t("no", lang)
    return values


@dataclass
class Failed:
    """A row's form that was not saved: which flag and form, what happened, what was typed."""

    flag_id: int
    action: str
    outcome: forms.Outcome
    values: dict[str, str]
    # The version and opening values posted: on a stale post they stay in the row's forms, so
    # saving again is refused again until the user has loaded the new version.
    version: str
    base: str


def _render(filters: Filters, lang: str, failed: Failed | None = None,
            status: int = 200) -> tuple[str, int]:
    query: dict[str, Any] = {"sort": "due_date", "include_snoozed": filters.include_snoozed}
    if filters.kind:
        query["kind"] = filters.kind
    if filters.introduction_id:
        query["introduction_id"] = filters.introduction_id
    flags = _read_all("list_flags", query)
    flags.sort(key=lambda f: (f.due_date is None, f.due_date, f.id))
    mine = _mine(flags)
    mine_flags = [f for f in flags if f.introduction_id in mine]
    shown = mine_flags if filters.mine else flags
    labels: dict[str, str] = {}
    if failed is not None:
        for name in ACTIONS[failed.action][1]:
            labels[f"{failed.action}-{failed.flag_id}.{name}"] = t(
                f"flags.{failed.action}.{name}", lang)
        labels.update({name: t(f"flag.{name}", lang) for name in WATCHED})
    html = render_template(
        "web/flags.html", flags=shown, n_mine=len(mine_flags), n_all=len(flags),
        filters=filters, introductions=_introductions(), failed=failed,
        values=failed.values if failed else {}, errors=failed.outcome.errors if failed else {},
        outcome=failed.outcome if failed else None, labels=labels,
        kinds=[(k.value, kind_label(k.value, lang)) for k in FlagKind],
        may_write=forms.may("flags"), email=current_principal().email,
        base=lambda flag: _base(flag, lang), kind_label=lambda k: kind_label(k, lang))
    return html, status


def work_list() -> Any:
    """The open flags, mine or all, filtered."""
    require("flags", "read")
    return _render(Filters.of(request.args), current_language())


def _act(flag_id: int, action: str) -> Any:
    """Acknowledge or snooze one flag from its row of the work list."""
    lang = current_language()
    filters = Filters.of(request.args)
    back = "/arbeid/varsler" + filters.query(lang)
    if request.method == "GET":  # "load the new version" after a stale post
        return redirect(back)
    require("flags", "write")
    operation, names = ACTIONS[action]
    prefix = f"{action}-{flag_id}."
    body_form: MultiDict[str, str] = MultiDict()
    for name in ("csrf_token", "version", forms.BASE_FIELD):
        if name in request.form:
            body_form[name] = request.form[name]
    for name in names:
        body_form[name] = request.form.get(prefix + name, "")

    def current() -> dict[str, str]:
        return _watched(forms.read("get_flag", {"flag_id": flag_id}), lang)

    labels = {name: t(f"flag.{name}", lang) for name in WATCHED}
    outcome = forms.submit(operation, {"flag_id": flag_id}, form=body_form, lang=lang,
                           current=current, labels=labels)
    if outcome.ok:
        flag = outcome.result
        if action == "ack":
            flash(t("flags.acknowledged", lang), "saved")
        else:
            flash(t("flags.snoozed", lang, until=fmt_date(flag.snoozed_until, lang)), "saved")
        return redirect(back)
    outcome.errors = {(prefix + k if k in names else k): v for k, v in outcome.errors.items()}
    typed = {prefix + name: body_form.get(name, "") for name in names}
    status = 409 if outcome.stale or outcome.message else 422
    failed = Failed(flag_id, action, outcome, typed, version=request.form.get("version", ""),
                    base=request.form.get(forms.BASE_FIELD, ""))
    return _render(filters, lang, failed, status)


def acknowledge(flag_id: int) -> Any:
    """Acknowledge a flag with a reason."""
    return _act(flag_id, "ack")


def snooze(flag_id: int) -> Any:
    """Snooze a flag until a date, with a reason."""
    return _act(flag_id, "snooze")


def register(bp: Blueprint) -> None:
    """Add the routes."""
    bp.add_url_rule("/varsler", view_func=work_list, endpoint="flags")
    bp.add_url_rule("/varsler/<int:flag_id>/kvitter", view_func=acknowledge,
                    endpoint="acknowledge_flag", methods=["GET", "POST"])
    bp.add_url_rule("/varsler/<int:flag_id>/utsett", view_func=snooze, endpoint="snooze_flag",
                    methods=["GET", "POST"])
