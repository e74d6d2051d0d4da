"""A pathological extract is refused with memory bounded by its size (peak below 3x the file).

Each case runs in a fresh process so that Arrow's peak allocation is the refusal's own; numpy
and Python allocations are counted by tracemalloc, started once the file is in memory.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SIZE = 48 * 1024 * 1024

CASES = {
    "single line": "content = b'patient_id,treatment_start,last_followup\\n' + b'9' * SIZE",
    "unterminated quote": (
        "row = b'PSN-1,2024-01-01,2024-02-01\\n'\n"
        "content = (b'patient_id,treatment_start,last_followup\\n' + row + b'\"' + row\n"
        "           + row * (SIZE // len(row)))"),
    "many columns": "content = b','.join(b'c%d' % i for i in range(SIZE // 8)) + b'\\n'",
    "rows of garbage": (  # 3 million rows of one field each: fewer than MAX_ROWS
        "content = (b'patient_id,treatment_start,last_followup\\n'\n"
        "           + b'garbage-garbage\\n' * (SIZE // 16))"),
    "too many rows": (
        "content = b'patient_id,treatment_start,last_followup\\n' + b',,\\n' * (SIZE // 3)"),
    "invalid UTF-8 at the end": (
        "row = b'PSN-1,2024-01-01,2024-02-01\\n'\n"
        "content = b'patient_id,treatment_start,last_followup\\n' + row * (SIZE // len(row))"
        " + b'\\xff,2024-01-01,2024-02-01\\n'"),
}

SCRIPT = """
import json, tracemalloc
from datetime import date
import pyarrow as pa
from tracker.feeds.problems import ExtractRejected
from tracker.feeds.validation import validate_extract
SIZE = {size}
{build}
tracemalloc.start()
try:
    validate_extract(content, data_cut=date(2025, 12, 31))
    outcome = "accepted"
except ExtractRejected as exc:
    outcome = exc.details[0]["field"] + ": " + exc.details[0]["message"]
_, python_peak = tracemalloc.get_traced_memory()
print(json.dumps({{"size": len(content), "python": python_peak,
                  "arrow": pa.default_memory_pool().max_memory(), "outcome": outcome}}))
"""


@pytest.mark.parametrize("case", list(CASES))
def test_refusal_takes_less_than_twice_the_file_on_top_of_it(case):
    script = SCRIPT.format(size=SIZE, build=CASES[case])
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True, timeout=300)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["outcome"] != "accepted"
    extra = figures["python"] + (figures["arrow"] or 0)
    assert figures["size"] + extra < 3 * figures["size"], figures
