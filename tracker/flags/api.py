"""HTTP endpoints of flags, the on-demand sweep, notifications and notification preferences."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import Field

from tracker import get_settings
from tracker.access import may_see_confidential_prices, require_own_address
from tracker.actor import current_actor
from tracker.apispec import ApiBlueprint, list_query_model, page_model, page_of
from tracker.auth import current_principal
from tracker.db import get_engine, get_session
from tracker.errors import InvalidInput, NotFound, field_error
from tracker.flags import jobs, notify, service, visibility
from tracker.flags import schemas as s
from tracker.flags.enums import FlagKind, SubjectType
from tracker.introductions.schemas import EMAIL_PATTERN
from tracker.timeutil import today

bp = ApiBlueprint("flags", __name__, tag="flags and notifications", resource="flags")

FlagQuery = list_query_model(
    "FlagQuery",
    sortable=["opened_at", "due_date", "kind", "id"],
    default_sort="-id",
    filters={
        "kind": (FlagKind | None, None),
        "introduction_id": (int | None, Field(default=None, ge=1)),
        "subject_type": (SubjectType | None, None),
        "subject_id": (int | None, Field(default=None, ge=1)),
        "open": (bool, Field(default=True, description="true: open flags; false: closed ones.")),
        "include_snoozed": (bool, Field(default=False, description="Show snoozed open flags.")),
        "as_of": (date | None, Field(default=None, description="Today, for snoozes (default: "
                                                                "the server's date).")),
    },
)
FlagPage = page_model(s.FlagRead)

NotificationQuery = list_query_model(
    "NotificationQuery",
    sortable=["created_at", "id"],
    default_sort="-id",
    filters={
        "recipient": (str, Field(pattern=EMAIL_PATTERN, description="Whose notifications.")),
        "unread": (bool, Field(default=False, description="Only those not yet read.")),
    },
)
NotificationPage = page_model(s.NotificationRead)


def _read(flag: Any) -> s.FlagRead:
    return s.flag_read(flag, confidential=may_see_confidential_prices())


def _hidden() -> frozenset[str]:
    role = current_principal().role
    return visibility.hidden_kinds(confidential=may_see_confidential_prices(),
                                   role=str(role) if role else None)


@bp.operation("/flags", "GET", summary="List flags (open and not snoozed by default)",
              query=FlagQuery, response=FlagPage)
def list_flags(query: Any) -> Any:
    rows, total = service.list_(
        session=get_session(), as_of=query.as_of or today(), open=query.open,
        include_snoozed=query.include_snoozed, kind=query.kind,
        introduction_id=query.introduction_id, subject_type=query.subject_type,
        subject_id=query.subject_id, hidden_kinds=_hidden(), sort=query.sort, limit=query.limit,
        offset=query.offset,
    )
    return page_of(FlagPage, rows, total, query, convert=_read)


@bp.operation("/flags/<int:flag_id>", "GET", summary="Read a flag", response=s.FlagRead)
def get_flag(flag_id: int) -> Any:
    return _read(service.get(session=get_session(), flag_id=flag_id, hidden_kinds=_hidden()))


@bp.operation("/flags/<int:flag_id>/acknowledge", "POST",
              summary="Acknowledge a flag (seen; it stays open until its cause is gone)",
              body=s.AcknowledgeIn, response=s.FlagRead, errors=[409])
def acknowledge_flag(flag_id: int, body: s.AcknowledgeIn) -> Any:
    flag = service.acknowledge(session=get_session(), flag_id=flag_id, version=body.version,
                               reason=body.reason, actor=current_actor(), hidden_kinds=_hidden())
    return _read(flag)


@bp.operation("/flags/<int:flag_id>/snooze", "POST",
              summary="Snooze a flag: hidden and not notified until a date",
              body=s.SnoozeIn, response=s.FlagRead, errors=[409])
def snooze_flag(flag_id: int, body: s.SnoozeIn) -> Any:
    flag = service.snooze(session=get_session(), flag_id=flag_id, version=body.version,
                          until=body.until, reason=body.reason, actor=current_actor(),
                          as_of=body.as_of or today(), hidden_kinds=_hidden())
    return _read(flag)


@bp.operation("/flags/sweep", "POST",
              summary="Run the flag sweep now (the daily job, on demand); it is idempotent",
              body=s.SweepIn, response=s.SweepResult)
def sweep_flags(body: s.SweepIn) -> Any:
    outcome = jobs.run_sweep(get_engine(), get_settings(), body.as_of or today())
    return s.SweepResult.model_validate(outcome.to_dict())


@bp.operation("/notifications", "GET", summary="List a recipient's notifications (in-app list)",
              query=NotificationQuery, response=NotificationPage,
              permission=("notifications", "read"))
def list_notifications(query: Any) -> Any:
    require_own_address(query.recipient)
    rows, total = notify.list_(session=get_session(), query=query, hidden_kinds=_hidden())
    return page_of(NotificationPage, rows, total, query,
                   convert=lambda row: s.notification_read(
                       row[0], row[1], confidential=may_see_confidential_prices()))


@bp.operation("/notifications/<int:notification_id>/read", "POST",
              summary="Mark a notification as read", response=s.NotificationRead,
              permission=("notifications", "write"))
def read_notification(notification_id: int) -> Any:
    session = get_session()
    note = notify.get(session=session, notification_id=notification_id)
    flag = service.get(session=session, flag_id=note.flag_id)
    if flag.kind in _hidden():
        raise NotFound(f"Notification {notification_id} does not exist.")
    require_own_address(note.recipient)
    note = notify.mark_read(session=session, notification_id=notification_id)
    return s.notification_read(note, flag, confidential=may_see_confidential_prices())


def _email(value: str) -> str:
    if not re.match(EMAIL_PATTERN, value):
        raise InvalidInput("Not an e-mail address.",
                           [field_error("email", f"'{value}' is not an e-mail address")])
    return value


@bp.operation("/notification-preferences/<email>", "GET",
              summary="Read how a recipient is notified", response=s.PreferenceRead, errors=[422],
              permission=("notifications", "read"))
def get_preference(email: str) -> Any:
    require_own_address(email)
    pref = notify.get_preference(session=get_session(), recipient=_email(email))
    return s.preference_read(pref)


@bp.operation("/notification-preferences/<email>", "PUT",
              summary="Choose immediate e-mails or a daily digest", body=s.PreferenceIn,
              response=s.PreferenceRead, permission=("notifications", "write"))
def put_preference(email: str, body: s.PreferenceIn) -> Any:
    require_own_address(email)
    pref = notify.set_preference(session=get_session(), recipient=_email(email), mode=body.mode)
    return s.preference_read(pref)
