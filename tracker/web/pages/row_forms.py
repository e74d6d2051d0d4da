"""Forms with row editors: repeated parts of an API body (`milestones.1.expected_date`) shown
as the stored rows and blank spare rows.

Before a post is submitted its blank rows are dropped and the rest numbered again
(`compact_rows`), so an error the API reports for row 2 lands on the row the user sees as row 2,
whichever spare rows were left empty. `form_page` is `tracker.web.forms.form_page` with that step
(`prepare`) before the submission.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask import flash, redirect, render_template, request
from werkzeug.datastructures import MultiDict

from tracker.web import forms
from tracker.web.lang import current_language
from tracker.web.messages import translate
from tracker.web.text import t

# --- rows -------------------------------------------------------------------------------------


def compact_rows(form: MultiDict[str, str], prefix: str,
                 ignore: frozenset[str] = frozenset()) -> MultiDict[str, str]:
    """Drop the blank rows under `prefix` (`prefix.N.field`) and number the rest 0, 1, 2 ...

    A row is blank when every input but those in `ignore` (fields with a default) is empty.
    """
    pattern = re.compile(rf"^{re.escape(prefix)}\.(\d+)\.(.+)$")
    rows: dict[int, list[tuple[str, str]]] = {}
    out: list[tuple[str, str]] = []
    for key, value in form.items(multi=True):
        match = pattern.match(key)
        if match:
            rows.setdefault(int(match.group(1)), []).append((match.group(2), value))
        else:
            out.append((key, value))
    filled = [i for i in sorted(rows)
              if any(v.strip() for rest, v in rows[i]
                     if rest.split(".", 1)[0] not in ignore and rest != "version")]
    for new, old in enumerate(filled):
        out.extend((f"{prefix}.{new}.{rest}", value) for rest, value in rows[old])
    return MultiDict(out)


def row_indices(values: Mapping[str, str], prefix: str, *, spare: int = 2, least: int = 0,
                most: int | None = None) -> list[int]:
    """The rows a row editor shows: those in `values`, then blank spare rows."""
    pattern = re.compile(rf"^{re.escape(prefix)}\.(\d+)\.")
    used = {int(m.group(1)) for key in values if (m := pattern.match(key))}
    count = max(least, (max(used) + 1 if used else 0) + spare)
    if most is not None:
        count = min(count, max(most, len(used)))
    return list(range(count))


# --- submitting -------------------------------------------------------------------------------


def _translate_rest(outcome: forms.Outcome, lang: str) -> None:
    """Translate what the form layer left in English (a number it could not read)."""
    for name, messages in outcome.errors.items():
        translated = []
        for message in messages:
            text, known = translate(message, lang)
            translated.append(text)
            if known:
                outcome.untranslated.discard(message)
        outcome.errors[name] = list(dict.fromkeys(translated))


def _move_errors(outcome: forms.Outcome, lang: str, moves: Mapping[str, str]) -> None:
    """Put errors the API gives for the whole body on the input they are about."""
    general = outcome.errors.get("_form", [])
    for english, target in moves.items():
        text = translate(english, lang)[0]
        if text in general:
            general.remove(text)
            outcome.errors.setdefault(target, []).append(text)
    if "_form" in outcome.errors and not general:
        del outcome.errors["_form"]


def form_page(
    template: str, *, operation: str, values: Mapping[str, str], labels: Mapping[str, str],
    done: Callable[[Any], str], path_args: Mapping[str, Any] | None = None,
    prepare: Callable[[MultiDict[str, str]], MultiDict[str, str]] | None = None,
    moves: Mapping[str, str] | None = None, **options: Any,
) -> Any:
    """`forms.form_page` for forms with row editors: the post is first `prepare`d (blank rows
    dropped, rows numbered again), then submitted and shown again as prepared."""
    from tracker.privacy import text_has_national_id

    lang = current_language()
    context = {k: v for k, v in options.items()
               if k not in {"clear_empty", "adjust", "current", "saved"}}
    if request.method != "POST":
        return render_template(template, values=values, errors={}, outcome=None, labels=labels,
                               base=forms.base_of(values), **context), 200
    form = prepare(request.form.copy()) if prepare else request.form
    outcome = forms.submit(
        operation, path_args, form=form, lang=lang, clear_empty=options.get("clear_empty", False),
        adjust=options.get("adjust"), current=options.get("current"), labels=labels)
    if outcome.ok:
        flash(options.get("saved") or t("form.saved", lang), "saved")
        return redirect(done(outcome.result))
    _translate_rest(outcome, lang)
    _move_errors(outcome, lang, moves or {})
    shown = {k: ("" if text_has_national_id(v) else v) for k, v in form.items()
             if k != forms.BASE_FIELD}
    status = 409 if outcome.stale or not outcome.errors else 422
    return render_template(template, values=shown, errors=outcome.errors, outcome=outcome,
                           labels=labels, base=request.form.get(forms.BASE_FIELD),
                           **context), status
