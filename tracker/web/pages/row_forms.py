"""Forms with row editors: repeated parts of an API body (`milestones.1.expected_date`) shown
as the stored rows and blank spare rows.

Before a post is submitted its blank rows are dropped and the rest numbered again
(`compact_rows`), so an error the API reports for row 2 lands on the row the user sees as row 2,
whichever spare rows were left empty. `form_page` is `tracker.web.forms.form_page` with that step
(`prepare`) before the submission.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from werkzeug.datastructures import MultiDict

from tracker.web import forms

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


# Forms with row editors are shown and submitted by `forms.form_page` with `prepare=`.
form_page = forms.form_page
