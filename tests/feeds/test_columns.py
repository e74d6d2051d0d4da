"""Cells are trimmed and empty cells become missing, without copying columns that need neither."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from tracker.feeds.columns import text

CELLS = [
    "SYN-1", " leading", "trailing ", "", None, "\u00a0no-break space", "ideographic\u3000",
    "Ø", "Helse Sør-Øst", "\ttab", " ", "\r", "Ålesund", "slutt på ø",
]


def trimmed_reference(array: pa.Array) -> list[str | None]:
    """The rule without shortcuts: trim every value, then empty -> missing."""
    return [None if value is None or value.strip() == "" else value.strip()
            for value in array.to_pylist()]


@pytest.mark.parametrize("cells", [
    CELLS, ["", ""], [None, None], ["x", "y"], ["ab", "", "cd"], ["ø", "æ"], [],
])
def test_text_trims_and_marks_empty_cells_missing(cells: list[str | None]) -> None:
    array = pa.array(cells, pa.string())
    result = text(array)
    result.validate(full=True)
    assert result.to_pylist() == trimmed_reference(array)
    assert result.null_count == sum(1 for value in trimmed_reference(array) if value is None)


def test_slices_and_chunked_columns_are_read_where_they_start() -> None:
    array = pa.array(CELLS, pa.string())
    for start in range(1, 5):
        piece = array.slice(start, len(CELLS) - start - 1)
        result = text(piece)
        result.validate(full=True)
        assert result.to_pylist() == trimmed_reference(piece)
    chunked = pa.chunked_array([pa.array(["a", ""]), pa.array([" b", None])])
    assert text(chunked).to_pylist() == ["a", None, "b", None]


def test_a_clean_column_is_not_copied() -> None:
    array = pa.array(["SYN-1", "", "SYN-3"], pa.string())
    result = text(array)
    assert result.to_pylist() == ["SYN-1", None, "SYN-3"]
    # Same characters buffer: the empty cell was marked missing, nothing was rewritten.
    assert result.buffers()[2].address == array.buffers()[2].address
    spaced = pa.array([" SYN-1"], pa.string())
    assert text(spaced).to_pylist() == pc.utf8_trim_whitespace(spaced).to_pylist()
