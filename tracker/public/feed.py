"""The public news feed (`/offentlig/nyheter.atom`): an Atom feed (RFC 4287) of new
temporary-introduction decisions, changed review dates and decided reassessments.

Written with the standard library's ElementTree, which escapes text and attributes; stored text
first loses the control characters XML cannot hold (`tracker.exports.clean_text`). Entry ids
are tag URIs (RFC 4151) of the entry's key under a fixed authority, so an entry keeps its id
whatever address the site is reached by; the links are absolute, to the configured public
address or else the host of the request. Norwegian by default, English with `?lang=en`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from urllib.parse import quote
from xml.etree import ElementTree as ET

from flask import Blueprint, Response

from dashboards import i18n
from tracker import exports
from tracker.db import get_session
from tracker.public import schemas as s
from tracker.public import service
from tracker.public.opendata import base_url, utc
from tracker.public.views import PREFIX, kept
from tracker.web import lang as web_lang
from tracker.web.text import add, t

ATOM = "http://www.w3.org/2005/Atom"
# The tagging entity of every id (RFC 4151): set once, before the feed is first published, and
# never changed after, or every reader sees every entry again as new.
TAG = "tag:nyemetoder.no,2026:offentlig/nyheter"
MAX_ENTRIES = 200
# An empty feed has no newest entry to take its time from; a fixed time keeps it byte-stable.
EMPTY_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)

add({
    "news.title": ("Nye metoder: beslutninger, revurderingsdatoer og revurderinger",
                   "Nye metoder: decisions, review dates and reassessments"),
    "news.subtitle": (
        "Nye beslutninger om midlertidig innføring, endrede revurderingsdatoer og avgjorte "
        "revurderinger.",
        "New decisions on temporary introduction, changed review dates and decided "
        "reassessments."),
    "news.author": ("Nye metoder (oppfølging av midlertidig innføring)",
                    "Nye metoder (follow-up of temporary introductions)"),
    "news.kind.decision": ("Midlertidig innføring", "Temporary introduction"),
    "news.kind.review_date": ("Ny revurderingsdato", "New review date"),
    "news.kind.reassessment": ("Revurdering avgjort", "Reassessment decided"),
    "news.decision.title": ("Midlertidig innført: {method} ({id})",
                            "Temporarily introduced: {method} ({id})"),
    "news.decision.summary": (
        "Beslutningsforum besluttet {date} å innføre {method} midlertidig. Revurderingsdato: "
        "{review}.",
        "On {date} Beslutningsforum decided to introduce {method} temporarily. Review date: "
        "{review}."),
    "news.decision.text": ("Beslutningen: {text}", "The decision: {text}"),
    "news.review_date.title": ("Ny revurderingsdato for {method} ({id}): {new}",
                               "New review date for {method} ({id}): {new}"),
    "news.review_date.summary": (
        "Revurderingsdatoen er flyttet fra {old} til {new}. Begrunnelse: {reason}",
        "The review date was moved from {old} to {new}. Reason: {reason}"),
    "news.reassessment.title": ("Revurdering av {method} ({id}): {outcome}",
                                "Reassessment of {method} ({id}): {outcome}"),
    "news.reassessment.summary": ("Beslutningsforum avgjorde revurderingen {date}: {outcome}.",
                                  "On {date} Beslutningsforum decided the reassessment: "
                                  "{outcome}."),
    "news.reassessment.stop": ("Ingen nye pasienter fra {date}.", "No new patients from {date}."),
})


def _time(value: datetime) -> str:
    """An RFC 3339 time in UTC."""
    return utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_id(key: str) -> str:
    """The entry's permanent id: a tag URI of its key."""
    return f"{TAG}/{quote(key, safe=':@!$&()*+,;=-._~')}"


def _text(parent: ET.Element, tag: str, value: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = exports.clean_text(value)
    return element


def title_and_summary(entry: s.NewsEntry, lang: str) -> tuple[str, str]:
    """What the entry says, in the reader's language."""
    def day(value: date | datetime | None) -> str:
        return web_lang.fmt_date(value, lang)

    names = {"method": entry.method, "id": entry.nye_metoder_id}
    if entry.kind == "review_date":
        title = t("news.review_date.title", lang, **names, new=day(entry.new_date))
        summary = t("news.review_date.summary", lang, old=day(entry.old_date),
                    new=day(entry.new_date), reason=entry.reason or "")
        return title, summary
    if entry.kind == "reassessment":
        outcome = i18n.label("outcome", entry.outcome, lang)
        title = t("news.reassessment.title", lang, **names, outcome=outcome)
        parts = [t("news.reassessment.summary", lang, date=day(entry.at), outcome=outcome)]
        if entry.new_date is not None:
            parts.append(t("news.reassessment.stop", lang, date=day(entry.new_date)))
        if entry.text:
            parts.append(entry.text)
        return title, " ".join(parts)
    title = t("news.decision.title", lang, **names)
    parts = [t("news.decision.summary", lang, date=day(entry.at), method=entry.method,
               review=day(entry.new_date))]
    if entry.text:
        parts.append(t("news.decision.text", lang, text=entry.text))
    return title, " ".join(parts)


def atom(entries: Sequence[s.NewsEntry], *, lang: str, base: str) -> bytes:
    """The feed as Atom XML, newest entry first."""
    query = "?lang=en" if lang == "en" else ""
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": lang})
    _text(feed, "id", f"{TAG}/{lang}")
    _text(feed, "title", t("news.title", lang))
    _text(feed, "subtitle", t("news.subtitle", lang))
    newest = max((e.at for e in entries), default=EMPTY_UPDATED)
    _text(feed, "updated", _time(newest))
    ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml",
                                 "href": f"{base}{PREFIX}/nyheter.atom{query}"})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html",
                                 "href": f"{base}{PREFIX}/{query}"})
    author = ET.SubElement(feed, "author")
    _text(author, "name", t("news.author", lang))
    _text(feed, "rights", f"{service.LICENCE} ({service.LICENCE_URL})")
    for entry in entries[:MAX_ENTRIES]:
        title, summary = title_and_summary(entry, lang)
        item = ET.SubElement(feed, "entry")
        _text(item, "id", entry_id(entry.key))
        _text(item, "title", title)
        _text(item, "updated", _time(entry.at))
        ET.SubElement(item, "link", {
            "rel": "alternate", "type": "text/html",
            "href": f"{base}{PREFIX}/innforinger/{entry.introduction_id}{query}"})
        ET.SubElement(item, "category", {"term": entry.kind,
                                         "label": t(f"news.kind.{entry.kind}", lang)})
        _text(item, "summary", summary, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@kept
def news() -> Response:
    """The news feed."""
    lang = web_lang.current_language()
    body = atom(service.news(session=get_session()), lang=lang, base=base_url())
    return Response(body, mimetype="application/atom+xml")


def register(bp: Blueprint) -> None:
    """Add the news feed to the public blueprint."""
    bp.add_url_rule("/nyheter.atom", "news", news)
