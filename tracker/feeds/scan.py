"""Look at the bytes of a CSV extract before it is parsed: line lengths, line ends, quotes, rows.

The checks run on the uploaded bytes as they are, without decoding or copying them: numpy looks
at a few megabytes at a time and `bytes.find` searches at memory speed, so the memory taken
stays small whatever the file holds, and a file without a line break is refused after its first
chunk.

Rows are numbered as in a spreadsheet and as Arrow numbers them: the header is row 1, and blank
lines are skipped and not counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tracker.feeds.limits import MAX_LINE_BYTES

LF, CR, QUOTE = 0x0A, 0x0D, 0x22
CHUNK = 4 * 1024 * 1024  # bytes looked at with numpy at a time


@dataclass
class LineProblem:
    """A physical line that must be refused before parsing, and why."""

    row: int
    kind: str  # "too long", "lone CR" or "open quote"


@dataclass
class Lines:
    """What the scan found: the number of rows (header included) or the first problem."""

    rows: int
    problem: LineProblem | None = None


def _bytes(content: bytes) -> npt.NDArray[np.uint8]:
    return np.frombuffer(content, dtype=np.uint8)


def scan_lines(content: bytes, start: int) -> Lines:
    """Count the rows from `start` and find the first line longer than MAX_LINE_BYTES.

    Also refuses a CR that does not end a line and a quote that is not closed in its line:
    values may not span lines, so the number of rows read can be checked against the file.
    """
    data = _bytes(content)
    end = len(content)
    previous = start - 1  # the line break before the current line
    lines = blanks = 0
    for at in range(start, end, CHUNK):
        breaks = np.flatnonzero(data[at : at + CHUNK] == LF) + at
        if breaks.size == 0:
            if min(at + CHUNK, end) - previous - 1 > MAX_LINE_BYTES:
                return Lines(lines - blanks, LineProblem(lines - blanks + 1, "too long"))
            continue
        lengths = np.diff(breaks, prepend=previous) - 1  # without the LF
        # A blank line is an LF or a CRLF alone; most files have none, so look only if one may.
        blank = ((lengths == 0) | ((lengths == 1) & (data[breaks - 1] == CR))
                 if lengths.min() <= 1 else None)
        if lengths.max() > MAX_LINE_BYTES:
            i = int(np.argmax(lengths > MAX_LINE_BYTES))
            skipped = int(np.count_nonzero(blank[:i])) if blank is not None else 0
            row = lines + i + 1 - blanks - skipped
            return Lines(row - 1, LineProblem(row, "too long"))
        lines += breaks.size
        blanks += int(np.count_nonzero(blank)) if blank is not None else 0
        previous = int(breaks[-1])
    if previous < end - 1:  # the last line has no line break
        if end - previous - 1 > MAX_LINE_BYTES:
            return Lines(lines - blanks, LineProblem(lines - blanks + 1, "too long"))
        lines += 1
    rows = lines - blanks
    if content.find(b"\r", start) >= 0 and (
            content.count(b"\r", start) != content.count(b"\r\n", start)):
        lone = _lone_cr(content, start)
        if lone is not None:
            return Lines(rows, LineProblem(row_at(content, start, lone), "lone CR"))
    if content.find(b'"', start) >= 0 and content.count(b'"', start) % 2:
        quote = _open_quote(content, start)
        return Lines(rows, LineProblem(row_at(content, start, quote), "open quote"))
    return Lines(rows)


def row_at(content: bytes, start: int, position: int) -> int:
    """Return the spreadsheet row of the line holding byte `position` (header row: 1)."""
    return content.count(b"\n", start, position) + 1 - _blank_lines(content, start, position)


def _blank_lines(content: bytes, start: int, end: int) -> int:
    """Count the empty lines (an LF or CRLF alone) that end in content[start:end]."""
    data = _bytes(content)
    blank = 0
    for at in range(start, end, CHUNK):
        breaks = np.flatnonzero(data[at : min(at + CHUNK, end)] == LF) + at
        previous = data[np.maximum(breaks - 1, 0)]
        before = data[np.maximum(breaks - 2, 0)]
        empty = ((breaks - 1 >= start) & (previous == LF)) | (
            (breaks - 2 >= start) & (previous == CR) & (before == LF))
        blank += int(np.count_nonzero(empty))
    return blank


def _lone_cr(content: bytes, start: int) -> int | None:
    """Return the position of the first CR that does not end a line (CRLF), if any."""
    data = _bytes(content)
    for at in range(start, len(content), CHUNK):
        positions = np.flatnonzero(data[at : at + CHUNK] == CR) + at
        following = positions + 1
        lone = (following >= len(content)) | (data[np.minimum(following, len(content) - 1)] != LF)
        if lone.any():
            return int(positions[np.argmax(lone)])
    return None


def _open_quote(content: bytes, start: int) -> int:
    """Return a position in the first line whose quotes do not pair up.

    In a well-quoted file every quote opens or closes a quoted value, or is doubled inside one,
    so when values do not span lines the count of quotes from the start of the file is even at
    the end of every line. The first line where it is odd is the one where a quote was opened
    and not closed. Called only when the file has an odd number of quotes.
    """
    data = _bytes(content)
    parity = 0
    for at in range(start, len(content), CHUNK):
        chunk = data[at : at + CHUNK]
        quotes = np.flatnonzero(chunk == QUOTE)
        breaks = np.flatnonzero(chunk == LF)
        if breaks.size:
            odd = (parity + np.searchsorted(quotes, breaks)) % 2 == 1
            if odd.any():
                return int(breaks[np.argmax(odd)] + at)
        parity = (parity + quotes.size) % 2
    return len(content) - 1  # the last line, which has no line break
