"""My notifications: the flags I was told about, marked read, and how I want to be told."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request

from tracker.access import require
from tracker.auth import current_principal
from tracker.web import forms
from tracker.web.lang import current_language
from tracker.web.text import add, t

add({
    "notes.title": ("Mine varslinger", "My notifications"),
    "notes.intro": (
        "Varslene du har fått e-post om, som ansvarlig for en midlertidig innføring. Velg om du "
        "vil ha én e-post per varsel eller ett daglig sammendrag.",
        "The flags you were e-mailed about, as responsible for a temporary introduction. Choose "
        "one e-mail per flag or one daily digest.",
    ),
    "notes.no_email": ("Brukeren din har ingen e-postadresse, så du får ingen varslinger. Be en "
                       "administrator legge den inn.",
                       "Your user has no e-mail address, so you get no notifications. Ask an "
                       "administrator to add it."),
    "notes.mode": ("Slik vil jeg varsles", "How I want to be notified"),
    "notes.mode.immediate": ("Én e-post per nytt varsel", "One e-mail per new flag"),
    "notes.mode.daily_digest": ("Ett daglig sammendrag", "One daily digest"),
    "notes.mode.save": ("Lagre valget", "Save my choice"),
    "notes.mode.saved": ("Valget er lagret.", "Your choice is saved."),
    "notes.unread_only": ("Bare uleste", "Unread only"),
    "notes.show": ("Vis", "Show"),
    "notes.none": ("Ingen varslinger.", "No notifications."),
    "notes.col.date": ("Dato", "Date"),
    "notes.col.flag": ("Varsel", "Flag"),
    "notes.col.due": ("Frist", "Due"),
    "notes.col.read": ("Lest", "Read"),
    "notes.read": ("Merk som lest", "Mark as read"),
    "notes.marked": ("Varslingen er merket som lest.", "The notification is marked as read."),
    "notes.closed": ("(lukket)", "(closed)"),
})


def _href() -> str:
    return "/arbeid/varslinger" + ("?lang=en" if current_language() == "en" else "")


def my_notifications() -> Any:
    """The logged-in user's notifications and notification preference."""
    require("notifications", "read")
    lang = current_language()
    email = current_principal().email
    outcome = None
    status = 200
    if request.method == "POST" and email:
        outcome = forms.submit("put_preference", {"email": email}, form=request.form, lang=lang)
        if outcome.ok:
            flash(t("notes.mode.saved", lang), "saved")
            return redirect(_href())
        status = 422
    unread = request.args.get("unread") == "true"
    items: list[Any] = []
    mode = "immediate"
    if email:
        items = forms.read("list_notifications",
                           query={"recipient": email, "unread": unread, "limit": 200}).items
        mode = str(forms.read("get_preference", {"email": email}).mode)
    html = forms.render_page(
        "web/notifications.html", items=items, email=email, mode=mode, unread=unread,
        may_write=forms.may("notifications"), note_outcome=outcome)
    return html, status


def mark_read(notification_id: int) -> Any:
    """Mark one of my notifications as read."""
    require("notifications", "write")
    lang = current_language()
    forms.submit("read_notification", {"notification_id": notification_id}, form=request.form,
                 lang=lang)
    flash(t("notes.marked", lang), "saved")
    return redirect(_href())


def register(bp: Blueprint) -> None:
    """Add the routes."""
    bp.add_url_rule("/varslinger", view_func=my_notifications, endpoint="notifications",
                    methods=["GET", "POST"])
    bp.add_url_rule("/varslinger/<int:notification_id>/lest", view_func=mark_read,
                    endpoint="notification_read", methods=["POST"])
