"""The pre-specified analysis plan of a temporary introduction: registered versions, each frozen
with the SHA-256 of its text at the moment of registration; a new version supersedes the last."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint

from tracker.access import require
from tracker.outcomes import wording
from tracker.outcomes.plan import DEFAULT_LANDMARKS_MONTHS
from tracker.timeutil import OSLO
from tracker.web import forms
from tracker.web.lang import current_language, fmt_date
from tracker.web.pages import introductions, row_forms
from tracker.web.text import add, t

add({
    "plan.title": ("Analyseplan: {method}", "Analysis plan: {method}"),
    "plan.lead": (
        "Analyseplanen skal ligge fast før dataene er sett. Hver versjon fryses når den "
        "registreres: teksten, tidspunktet og SHA-256-summen av teksten kan ikke endres "
        "etterpå. En ny versjon erstatter den gjeldende, og alle versjoner blir stående.",
        "The analysis plan is to be fixed before the data are seen. Each version is frozen when "
        "it is registered: its text, the time and the SHA-256 of the text cannot change "
        "afterwards. A new version supersedes the current one, and every version is kept.",
    ),
    "plan.current": ("Gjeldende analyseplan: versjon {n}", "Current analysis plan: version {n}"),
    "plan.none": ("Ingen analyseplan er registrert ennå.", "No analysis plan is registered yet."),
    "plan.sha": ("SHA-256 av teksten", "SHA-256 of the text"),
    "plan.frozen": ("Fryst (registrert)", "Frozen (registered)"),
    "plan.by": ("Registrert av", "Registered by"),
    "plan.landmarks": ("Landemerker (måneder)", "Landmarks (months)"),
    "plan.text": ("Planens tekst", "Text of the plan"),
    "plan.history": ("Alle versjoner", "All versions"),
    "plan.version": ("Versjon", "Version"),
    "plan.state": ("Status", "State"),
    "plan.state.current": ("Gjeldende", "Current"),
    "plan.state.superseded": ("Erstattet {when}", "Superseded {when}"),
    "plan.new": ("Registrer ny versjon", "Register a new version"),
    "plan.first": ("Registrer analyseplanen", "Register the analysis plan"),
    "plan.new.hint": (
        "Teksten fra gjeldende versjon står i feltet; endre den og registrer. Den gjeldende "
        "versjonen blir stående som erstattet.",
        "The current version's text is in the field; change it and register. The current "
        "version is kept, marked superseded.",
    ),
    "plan.landmark": ("Landemerke {n} (måneder)", "Landmark {n} (months)"),
    "plan.landmarks.hint": ("Tidspunktene overlevelsen sammenlignes ved, i stigende rekkefølge.",
                            "The times survival is compared at, in increasing order."),
    "plan.register": ("Registrer og frys", "Register and freeze"),
    "plan.saved": ("Analyseplanen er registrert og fryst.",
                   "The analysis plan is registered and frozen."),
    "plan.back": ("Tilbake til innføringen", "Back to the introduction"),
    "plan.at": ("{date} kl. {time}", "{date} at {time}"),
})

def fmt_moment(value: datetime | None, lang: str) -> str:
    """A moment as users read it, in Norwegian time: 16.03.2026 kl. 14.05."""
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # stored in UTC
    local = value.astimezone(OSLO)
    clock = local.strftime("%H.%M" if lang == "nb" else "%H:%M")
    return t("plan.at", lang, date=fmt_date(local, lang), time=clock)


def late_warnings(history: list[Any], lang: str) -> dict[int, str]:
    """The warning per plan version registered after the first data cut, as the API decided it
    (`tracker.introductions.plans`), in the catalogue's words."""
    out = {}
    for p in history:
        text = wording.pre_specification_text(p.pre_specification, p.first_data_cut, lang=lang)
        if not p.pre_specified and text is not None:
            out[p.version_no] = text
    return out


def plan_page(introduction_id: int) -> Any:
    """See every version of the analysis plan; register a new one."""
    from flask import request

    require("introductions", "read")
    if request.method == "POST":
        require("introductions", "write")
    lang = current_language()
    intro = forms.read("get_introduction", {"introduction_id": introduction_id})
    late = late_warnings(intro.analysis_plan_history, lang)
    current = intro.analysis_plan
    landmarks = current.landmarks_months if current else list(DEFAULT_LANDMARKS_MONTHS)
    values = forms.flatten({"text": current.text if current else "",
                            "landmarks_months": [float(x) for x in landmarks]}, lang)
    values.pop("landmarks_months", None)  # the landmarks are one input each
    labels = introductions.Labels(lang, {
        "text": t("plan.text", lang), "landmarks_months": t("plan.landmarks", lang),
        **{f"landmarks_months.{i}": t("plan.landmark", lang, n=i + 1) for i in range(12)},
    })
    return row_forms.form_page(
        "web/analysis_plan.html", operation="register_analysis_plan",
        path_args={"introduction_id": introduction_id}, values=values, labels=labels,
        done=lambda plan: f"/arbeid/innforinger/{introduction_id}/analyseplan"
                          f"{'?lang=en' if lang == 'en' else ''}#plan-current",
        saved=t("plan.saved", lang),
        heading=t("plan.title", lang, method=f"{intro.nye_metoder_id} {intro.active_substance}"),
        intro=intro, plan_now=current, history=list(reversed(intro.analysis_plan_history)),
        late=late, fmt_moment=lambda v: fmt_moment(v, lang),
        landmark_count=max(len(landmarks) + 2, 4), may_write=forms.may("introductions"),
        intro_href=introductions.intro_href(introduction_id))


def register(bp: Blueprint) -> None:
    """Add the routes."""
    bp.add_url_rule("/innforinger/<int:introduction_id>/analyseplan", view_func=plan_page,
                    endpoint="analysis_plan", methods=["GET", "POST"])
