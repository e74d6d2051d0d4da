"""Fixed limits on an uploaded extract, checked before its body is parsed.

A hostile or broken file must be refused at once and with memory bounded by its size: parsing a
20,000-column file took 19 s, and a 300 MB line took the server from 650 MB to 2.65 GB before it
was refused. Each limit is far above what a real registry extract needs.
"""

from __future__ import annotations

# The format has 16 columns and registries add a few of their own; 200 leaves room for any real
# extract while per-column work (parsing, the identifier search) stays cheap.
MAX_COLUMNS = 200

# A row of the format takes well under 1 KB (the longest text cell holds 120 characters). 64 KiB
# leaves room for long extra columns, and catches a missing line break or a runaway quote within
# the first 64 KiB instead of after the whole file has been parsed into one cell.
MAX_LINE_BYTES = 64 * 1024

# A column name is a word or two; a longer one is not a header (and would be echoed in warnings).
MAX_NAME_CHARS = 100

# One row is one treatment course; Norway has 5.5 million inhabitants, and the largest extracts
# expected hold hundreds of thousands of courses (the benchmark uses 1,000,000).
MAX_ROWS = 5_000_000

# Parquet is compressed, so its size does not bound the memory it takes once read: a small file
# can expand to gigabytes (long repeated strings, millions of empty rows). The decoded columns
# may take EXPANSION times the file, or MIN_PARQUET_BUDGET_BYTES for small files; a real extract
# expands 5-10 times.
PARQUET_EXPANSION = 16
MIN_PARQUET_BUDGET_BYTES = 256 * 1024 * 1024
