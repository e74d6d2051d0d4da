"""Forms that write through the API's own operations.

A form's inputs are named by where their value goes in the operation's JSON body
(`outcome_measures.0.name`), so one function turns any form into the body the API documents,
guided by the body's JSON schema (dates as dd.mm.åååå, numbers with a decimal comma, ticked
boxes), and every error the API reports comes back to the input of the same name.
The body then goes through `tracker.apispec.execute`: the same access check, identifier scan,
schema, service and transaction as the JSON API, so the browser can store nothing the API
would refuse.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel
from werkzeug.datastructures import MultiDict

from tracker import apispec
from tracker.errors import Conflict, InvalidInput, TrackerError
from tracker.web import lang as web_lang
from tracker.web.messages import translate

BASE_FIELD = "_base"  # the form's values as the record stood when the form was opened
NOT_BODY = {"csrf_token", BASE_FIELD, "lang", "_action"}


@dataclass
class Outcome:
    """What became of a submitted form."""

    result: Any = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    untranslated: set[str] = field(default_factory=set)
    message: str | None = None
    stale: bool = False
    changed: list[tuple[str, str, str]] = field(default_factory=list)
    # Rules of the domain that refused the write: (rule code, message in the page's language).
    rules: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.message is None and not self.stale

    def add(self, name: str, message: str, lang: str) -> None:
        text, known = translate(message, lang)
        self.errors.setdefault(name, [])
        if text not in self.errors[name]:
            self.errors[name].append(text)
        if not known:
            self.untranslated.add(text)


# --- form -> JSON body ------------------------------------------------------------------------


def _unflatten(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for name, value in pairs:
        parts = name.split(".")
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            key: Any = int(part) if part.isdigit() else part
            if isinstance(node, dict):
                if last:
                    if key in node:  # several values under one name: a list (multi-select)
                        existing = node[key]
                        node[key] = (existing if isinstance(existing, list) else [existing])
                        node[key].append(value)
                    else:
                        node[key] = value
                else:
                    node = node.setdefault(key, {})
    return _lists(root)


def _lists(node: Any) -> Any:
    """Turn dicts keyed 0, 1, 2 ... into lists in index order."""
    if isinstance(node, dict):
        converted = {k: _lists(v) for k, v in node.items()}
        if converted and all(isinstance(k, int) for k in converted):
            return [converted[k] for k in sorted(converted)]
        return converted
    return node


class _Coercer:
    def __init__(self, schema: dict[str, Any], *, clear_empty: bool) -> None:
        self.defs = schema.get("$defs", {})
        self.clear_empty = clear_empty
        self.problems: dict[str, str] = {}

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.defs[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def _variants(self, schema: dict[str, Any], value: Any) -> tuple[dict[str, Any], bool]:
        """Pick the schema variant for a value; say whether null is allowed."""
        schema = self.resolve(schema)
        options = schema.get("anyOf") or schema.get("oneOf")
        if not options:
            return schema, schema.get("type") == "null"
        resolved = [self.resolve(o) for o in options]
        nullable = any(o.get("type") == "null" for o in resolved)
        others = [o for o in resolved if o.get("type") != "null"]
        disc = (schema.get("discriminator") or {}).get("propertyName")
        if disc and isinstance(value, dict):
            for option in others:
                const = option.get("properties", {}).get(disc, {}).get("const")
                if const is not None and const == value.get(disc):
                    return option, nullable
        if len(others) == 1:
            return self._variants(others[0], value)[0], nullable
        kinds = {o.get("type") for o in others}
        if isinstance(value, list):
            for option in others:
                if option.get("type") == "array":
                    return option, nullable
        if isinstance(value, dict):
            for option in others:
                if option.get("type") == "object":
                    return option, nullable
        for wanted in ("string", "integer", "number"):
            if wanted in kinds:
                return next(o for o in others if o.get("type") == wanted), nullable
        return (others[0] if others else schema), nullable

    def value(self, schema: dict[str, Any], raw: Any, where: str) -> Any:
        option, nullable = self._variants(schema, raw)
        kind = option.get("type")
        if isinstance(raw, list) and kind != "array":
            raw = raw[-1] if raw else ""  # a ticked box sends its hidden blank and "true"
        if isinstance(raw, str):
            raw = raw.strip() if kind != "string" or option.get("format") else raw
        if raw == "" or raw == []:
            if kind == "boolean":
                return False
            return None if nullable and self.clear_empty else _OMIT
        if kind == "array":
            if isinstance(raw, str) and self.resolve(option.get("items", {})).get("type") in (
                    "string", None):
                raw = [line.strip() for line in raw.splitlines() if line.strip()]  # one a line
            items = raw if isinstance(raw, list) else [raw]
            out = [self.value(option.get("items", {}), item, f"{where}.{i}")
                   for i, item in enumerate(items)]
            return [item for item in out if item is not _OMIT and not _blank(item)]
        if kind == "object" or "properties" in option:
            if not isinstance(raw, dict):
                return raw
            props = option.get("properties", {})
            extra = option.get("additionalProperties")
            result: dict[str, Any] = {}
            for key, sub in raw.items():
                sub_schema = props.get(key, extra if isinstance(extra, dict) else {})
                converted = self.value(sub_schema, sub, f"{where}.{key}" if where else key)
                if converted is not _OMIT:
                    result[key] = converted
            return result
        if not isinstance(raw, str):
            return raw
        try:
            if kind == "integer":
                number = web_lang.parse_number(raw)
                if not number.is_integer():
                    raise ValueError("integer")
                return int(number)
            if kind == "number":
                return web_lang.parse_number(raw)
            if kind == "boolean":
                return raw.lower() in {"on", "true", "1", "ja", "yes"}
            if option.get("format") == "date":
                return web_lang.parse_date(raw).isoformat()
        except ValueError as exc:
            known = str(exc) in _COERCION_TEXT
            self.problems[where] = str(exc) if known else ("integer" if kind == "integer"
                                                            else "number")
            return _OMIT
        return raw


_OMIT = object()


def _blank(item: Any) -> bool:
    """A list row the user left empty (a spare row of a table editor)."""
    if isinstance(item, dict):
        return all(_blank(v) for k, v in item.items() if not k.startswith("_")) or not item
    return item is None or item == "" or item is False


_COERCION_TEXT = {
    "date_format": ("Skriv datoen som dd.mm.åååå, for eksempel 30.06.2026.",
                    "Write the date as dd.mm.yyyy, e.g. 30.06.2026."),
    "date_invalid": ("Datoen finnes ikke; sjekk dag og måned.",
                     "That date does not exist; check the day and month."),
    "integer": ("Skriv et heltall, for eksempel 120.", "Write a whole number, e.g. 120."),
    "number": ("Skriv et tall, for eksempel 12,5.", "Write a number, e.g. 12.5."),
}


def body_from_form(
    form: MultiDict[str, str], model: type[BaseModel], *, clear_empty: bool = False,
    lang: str = "nb", skip: set[str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return (the JSON body a form stands for, {input name: problem} it could not read).

    `clear_empty` (edit forms): an emptied optional field becomes null, i.e. is cleared;
    otherwise it is left out and takes its default.
    """
    leave_out = NOT_BODY | (skip or set())
    pairs = [(k, v) for k, v in form.items(multi=True) if k not in leave_out]
    raw = _unflatten(pairs)
    coercer = _Coercer(model.model_json_schema(mode="validation"), clear_empty=clear_empty)
    body = coercer.value(model.model_json_schema(mode="validation"), raw, "")
    problems = {}
    for where, code in coercer.problems.items():
        nb, en = _COERCION_TEXT.get(code, (code, code))
        problems[where] = en if lang == "en" else nb
    return (body if isinstance(body, dict) else {}), problems


# --- submitting ------------------------------------------------------------------------------


def submit(
    operation_id: str,
    path_args: Mapping[str, Any] | None = None,
    *,
    form: MultiDict[str, str],
    lang: str,
    clear_empty: bool = False,
    adjust: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    current: Callable[[], Mapping[str, str]] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Outcome:
    """Submit a form to an API operation as the current user; return what happened.

    `current` returns the record's form values as stored now, to show what changed since the
    form was opened when the write is refused as stale (409); `labels` name the fields.
    """
    endpoint = apispec.operation_named(operation_id)
    outcome = Outcome()
    payload: dict[str, Any] = {}
    if endpoint.body is not None:
        payload, problems = body_from_form(form, endpoint.body, clear_empty=clear_empty,
                                           lang=lang)
        if adjust is not None:
            payload = adjust(payload)
        for name, message in problems.items():
            outcome.errors.setdefault(name, []).append(message)
        if problems:
            # Report the other fields' problems too, without storing anything.
            try:
                apispec.refuse_unstorable_text(payload)
                endpoint.body.model_validate(payload)
            except InvalidInput as exc:
                _collect(outcome, exc, lang)
            except Exception as exc:  # pydantic.ValidationError
                _collect(outcome, InvalidInput("", apispec.validation_details(exc)), lang)  # type: ignore[arg-type]
            return outcome
    try:
        outcome.result = apispec.execute(endpoint, dict(path_args or {}), payload=payload)
    except InvalidInput as exc:
        _collect(outcome, exc, lang)
        if not outcome.errors:
            outcome.message = translate(exc.message, lang)[0]
    except Conflict as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        if "current_version" in details:
            outcome.stale = True
            if current is not None:
                outcome.changed = changes_since(form, current(), labels or {})
        else:
            outcome.message = translate(exc.message, lang)[0]
    except TrackerError:
        raise  # 401/403/404: the page's error handler answers
    return outcome


def _collect(outcome: Outcome, exc: InvalidInput, lang: str) -> None:
    for detail in exc.details or []:
        name = str(detail.get("field", "")) if isinstance(detail, dict) else ""
        if name in ("body", ""):
            name = "_form"
        message = str(detail.get("message", "")) if isinstance(detail, dict) else str(detail)
        outcome.add(name, message, lang)
        if isinstance(detail, dict) and detail.get("rule"):
            outcome.rules.append((str(detail["rule"]), translate(message, lang)[0]))


# --- record -> form values -------------------------------------------------------------------


def flatten(data: Any, lang: str, prefix: str = "") -> dict[str, str]:
    """Return the form values of a record: {input name: text as the input shows it}."""
    if isinstance(data, BaseModel):
        data = data.model_dump()
    out: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(flatten(value, lang, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, (list, tuple)):
        if data and all(not isinstance(v, (dict, list, tuple, BaseModel)) for v in data):
            out[prefix] = "\n".join(str(v) for v in data)  # a list of texts: one per line
        for i, value in enumerate(data):
            out.update(flatten(value, lang, f"{prefix}.{i}"))
    else:
        out[prefix] = display_value(data, lang)
    return out


def display_value(value: Any, lang: str) -> str:
    """One value as an input shows it."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return web_lang.input_date(value)
    if isinstance(value, (int, float)):
        return web_lang.input_number(value, lang)
    return str(value)


def base_of(values: Mapping[str, str]) -> str:
    """The hidden field that keeps the values a form was opened with."""
    return json.dumps(dict(values), ensure_ascii=False, sort_keys=True)


def changes_since(
    form: MultiDict[str, str], now: Mapping[str, str], labels: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    """Return (field label, value when the form was opened, value now) for each field that
    another user changed meanwhile."""
    try:
        then = json.loads(form.get(BASE_FIELD) or "{}")
    except ValueError:
        then = {}
    changed = []
    for name in sorted(set(then) | set(now)):
        if name == "version" or name.endswith(".version"):
            continue
        before, after = str(then.get(name, "")), str(now.get(name, ""))
        if before != after:
            changed.append((labels.get(name, name), before or "–", after or "–"))
    return changed


# --- pages -----------------------------------------------------------------------------------


def read(operation_id: str, path_args: Mapping[str, Any] | None = None,
         query: Mapping[str, Any] | None = None) -> Any:
    """Read through an API operation as the current user: the page sees what the API shows
    this role (confidential fields withheld, small counts suppressed), nothing more."""
    endpoint = apispec.operation_named(operation_id)
    return apispec.execute(endpoint, dict(path_args or {}), query=dict(query or {}))


def may(resource: str, action: str = "write") -> bool:
    """Whether the current user may do this (the page then shows the form or the button)."""
    from tracker.access import allowed
    from tracker.auth import current_principal

    return allowed(resource, action, current_principal().role)  # type: ignore[arg-type]


def move_errors(outcome: Outcome, lang: str, moves: Mapping[str, str]) -> None:
    """Put errors the API gives for the whole body on the input they are about
    ({English message: input name})."""
    general = outcome.errors.get("_form", [])
    for english, target in moves.items():
        text = translate(english, lang)[0]
        if text in general:
            general.remove(text)
            outcome.errors.setdefault(target, []).append(text)
    if "_form" in outcome.errors and not general:
        del outcome.errors["_form"]


def form_page(
    template: str,
    *,
    operation: str,
    path_args: Mapping[str, Any] | None = None,
    values: Mapping[str, str],
    labels: Mapping[str, str],
    done: Callable[[Any], str],
    clear_empty: bool = False,
    adjust: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    current: Callable[[], Mapping[str, str]] | None = None,
    saved: str | None = None,
    prepare: Callable[[MultiDict[str, str]], MultiDict[str, str]] | None = None,
    moves: Mapping[str, str] | None = None,
    **context: Any,
) -> Any:
    """Show a form (GET) or submit it (POST): on success go to `done(result)`, else show the
    form again with what was typed, each error next to its field, nothing stored.

    `prepare` rewrites the post first (row editors drop blank rows and number the rest again,
    so an error lands on the row the user sees); `moves` puts errors the API reports for the
    whole body on the input they are about.
    """
    from flask import flash, redirect, render_template, request

    from tracker.web.lang import current_language
    from tracker.web.text import t

    lang = current_language()
    outcome: Outcome | None = None
    shown: Mapping[str, str] = values
    status = 200
    if request.method == "POST":
        form = prepare(request.form.copy()) if prepare else request.form
        outcome = submit(operation, path_args, form=form, lang=lang, clear_empty=clear_empty,
                         adjust=adjust, current=current, labels=labels)
        if outcome.ok:
            flash(saved or t("form.saved", lang), "saved")
            return redirect(done(outcome.result))
        move_errors(outcome, lang, moves or {})
        # What was typed is shown again (`typed`). On a stale edit the old version stays in the
        # form: saving again is refused again until the new version is loaded.
        shown = typed(form)
        status = 409 if outcome.stale or not outcome.errors else 422
    base = request.form.get(BASE_FIELD) if request.method == "POST" else base_of(values)
    html = render_template(template, values=shown, errors=(outcome.errors if outcome else {}),
                           outcome=outcome, labels=labels, base=base, **context)
    return html, status


def typed(form: MultiDict[str, str]) -> dict[str, str]:
    """What was typed into a form, to show it again: the last value of each input (a ticked box
    sends its hidden blank first, then "true"), never an identity number (it would stay in the
    page, the browser's history and any proxy's cache)."""
    from tracker.privacy import text_has_national_id

    return {key: ("" if text_has_national_id(values[-1]) else values[-1])
            for key, values in form.lists() if key != BASE_FIELD and values}


def render_page(template: str, **context: Any) -> Any:
    """Render a page that shows records (no form of its own)."""
    from flask import render_template

    return render_template(template, values={}, errors={}, outcome=None, labels={}, **context)
