"""The register's statistics reproduce the review's Table 1 and Table 3, read from its text.

The expected numbers are parsed here from the source document itself (000_3134ab22afa02640.txt,
or the verbatim excerpts shipped in seeds/reference/sources/), never typed again, so a slip in
the CSV files or in the loaders cannot hide behind the same slip in the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tracker.analytics.access_rates import grant_rates
from tracker.analytics.access_reference import (
    REFERENCE_DIR,
    load_population,
    load_table3,
    table1_cases,
    table3_cases,
)
from tracker.analytics.access_stats import outcome_counts
from tracker.feeds.columns import REGION_NAMES
from tracker.settings import PROJECT_ROOT

SOURCE_NAME = "000_3134ab22afa02640.txt"
FULL_SOURCE = PROJECT_ROOT.parent / "shared" / "seeds" / SOURCE_NAME
EXCERPTS = {(399, 446): "000_3134ab22afa02640_L399-446.txt",
            (497, 686): "000_3134ab22afa02640_L497-686.txt"}
SHORT_REGION = {"Helse Nord": "Helse Nord", "Helse Midt": "Helse Midt-Norge",
                "Helse Vest": "Helse Vest", "Helse Sør-Øst": "Helse Sør-Øst"}
NUMBER_WORDS = {"to": 2, "åtte": 8, "ti": 10, "fem": 5, "fire": 4, "ett": 1}


def source_lines(first: int, last: int) -> dict[int, str]:
    """Lines first..last (1-based) of the source: from the document where this machine has it,
    else from the verbatim excerpt."""
    if FULL_SOURCE.exists():
        lines = FULL_SOURCE.read_text(encoding="utf-8").splitlines()
        return {i: lines[i - 1] for i in range(first, last + 1)}
    for (start, end), name in EXCERPTS.items():
        if start <= first and last <= end:
            text = (REFERENCE_DIR / "sources" / name).read_text(encoding="utf-8").splitlines()
            return {i: text[i - start] for i in range(first, last + 1)}
    raise AssertionError(f"no excerpt holds L{first}–{last}")


def test_the_excerpts_are_the_source_verbatim() -> None:
    for (start, end), name in EXCERPTS.items():
        excerpt = (REFERENCE_DIR / "sources" / name).read_text(encoding="utf-8")
        assert len(excerpt.splitlines()) == end - start + 1
        if FULL_SOURCE.exists():
            lines = FULL_SOURCE.read_text(encoding="utf-8").splitlines(keepends=True)
            assert excerpt == "".join(lines[start - 1 : end])
        readme = (REFERENCE_DIR / "README.md").read_text(encoding="utf-8")
        assert name in readme


def parse_table1() -> tuple[pd.DataFrame, pd.DataFrame, tuple[int, int, int]]:
    """Table 1 from L403–442: cells (year, region, granted, refused, total), the year totals
    and the overall total. The year label follows its rows in the extracted text."""
    row = re.compile(r"^(Helse (?:Nord|Midt|Vest|Sør-Øst)) (\d+) (\d+) (\d+)\s*$")
    year_line = re.compile(r"^(20\d\d)\s*$")
    year_total = re.compile(r"^Totalt\s+(\d+) (\d+) (\d+)\s*$")
    overall = re.compile(r"^Totalt 2020 - Q3 2022 (\d+) (\d+) (\d+)\s*$")
    cells, totals, pending = [], [], []
    grand: tuple[int, int, int] | None = None
    year = None
    for _, line in sorted(source_lines(403, 442).items()):
        if m := row.match(line):
            pending.append((SHORT_REGION[m[1]], int(m[2]), int(m[3]), int(m[4])))
        elif m := year_line.match(line):
            year = int(m[1])
            cells += [(year, *r) for r in pending]
            pending = []
        elif m := overall.match(line):
            grand = (int(m[1]), int(m[2]), int(m[3]))
        elif m := year_total.match(line):
            totals.append((year, int(m[1]), int(m[2]), int(m[3])))
    assert not pending and grand is not None
    columns = ["granted", "refused", "total"]
    return (pd.DataFrame(cells, columns=["year", "region", *columns]),
            pd.DataFrame(totals, columns=["year", *columns]), grand)


def test_the_source_table_1_adds_up() -> None:
    cells, totals, grand = parse_table1()
    assert len(cells) == 12 and set(cells["region"]) == set(REGION_NAMES)
    assert (cells["granted"] + cells["refused"] == cells["total"]).all()
    by_year = cells.groupby("year")[["granted", "refused", "total"]].sum().reset_index()
    pd.testing.assert_frame_equal(by_year, totals)
    assert tuple(totals[["granted", "refused", "total"]].sum()) == grand == (310, 102, 412)


def test_412_cases_reproduce_table_1_by_year_region_and_outcome() -> None:
    cells, totals, grand = parse_table1()
    cases = table1_cases()
    assert len(cases) == grand[2]
    counts = outcome_counts(cases, ["year", "region"])
    assert list(counts.columns) == [
        "row_type", "level", "year", "region", "granted", "refused", "total",
    ]
    got = counts[counts["row_type"] == "cell"].drop(columns=["row_type", "level"])
    merged = cells.merge(got.astype({"year": int}), on=["year", "region"], suffixes=("", "_got"))
    assert len(merged) == len(cells) == len(got)
    for column in ("granted", "refused", "total"):
        assert (merged[column] == merged[f"{column}_got"]).all(), column
    subtotals = counts[counts["row_type"] == "subtotal"]
    assert subtotals["year"].tolist() == totals["year"].tolist()
    for column in ("granted", "refused", "total"):
        assert subtotals[column].tolist() == totals[column].tolist()
    last = counts.iloc[-1]
    assert last["row_type"] == "total"
    assert (last["granted"], last["refused"], last["total"]) == grand
    # a year's total row follows that year's regions, as in the source
    assert counts["row_type"].tolist()[:5] == ["cell"] * 4 + ["subtotal"]


def test_the_national_grant_rate_of_table_1() -> None:
    _, _, (granted, _, total) = parse_table1()
    rates = grant_rates(table1_cases(), ["region"])
    national = rates.iloc[-1]
    assert national["rate"] == pytest.approx(granted / total)
    assert national["ci_lower"] < granted / total < national["ci_upper"]


def _norm(text: str) -> str:
    """Whitespace collapsed and hyphens dropped: a word split at a line end matches it joined."""
    joined = re.sub(r"-\s*\n\s*", "", text)
    return re.sub(r"\s+", " ", joined.replace("-", "")).strip()


def parse_table3() -> list[dict[str, object]]:
    """The rows of Table 3 (L502–681): start line, year, decision and 'still current'."""
    lines = source_lines(502, 686)
    start = re.compile(r"^\s*(20\d\d) \S")
    end = next(i for i, line in lines.items() if line.startswith("Tabell 3:"))
    starts = [i for i, line in lines.items() if start.match(line) and i < end]
    rows = []
    for first, nxt in zip(starts, [*starts[1:], end], strict=True):
        block = [lines[i] for i in range(first, nxt) if not lines[i].startswith("https://")]
        words = [line.strip() for line in block if line.strip()]
        decision = next(w.split()[0] for w in words if w.startswith(("Innvilget", "Avslått")))
        still = "Ikke aktuelt" if words[-1] == "aktuelt" else words[-1]
        rows.append({"first": first, "year": int(start.match(lines[first])[1]),  # type: ignore[index]
                     "decision": decision, "still_current": still, "text": "\n".join(block)})
    return rows


def test_the_source_says_ten_group_applications_eight_granted() -> None:
    text = re.sub(r"\s+", " ", " ".join(source_lines(497, 498).values()))
    m = re.search(
        r"totalt mottatt (\w+) søknader .*?(\w+) av disse ble innvilget, (\w+) ble avslått",
        text, flags=re.IGNORECASE,
    )
    assert m is not None
    applied, granted, refused = (NUMBER_WORDS[w.lower()] for w in m.groups())
    rows = parse_table3()
    assert len(rows) == applied == 10
    assert sum(r["decision"] == "Innvilget" for r in rows) == granted == 8
    assert sum(r["decision"] == "Avslått" for r in rows) == refused == 2


def test_table_3_is_transcribed_row_by_row() -> None:
    rows = parse_table3()
    table = load_table3()
    assert table["row"].tolist() == list(range(1, 11))
    for parsed, (_, row) in zip(rows, table.iterrows(), strict=True):
        assert row["year"] == parsed["year"]
        assert row["decision_in_source"] == parsed["decision"]
        assert row["still_current_in_source"] == parsed["still_current"]
        assert int(row["source_lines"].split("-")[0]) == parsed["first"]
        block = _norm(str(parsed["text"]))
        for column in ("method_in_source", "indication", "comment"):
            assert _norm(row[column]) in block, (row["row"], column)


def test_ten_group_cases_reproduce_table_3() -> None:
    rows = parse_table3()
    cases = table3_cases()
    assert len(cases) == len(rows) and (cases["scheme"] == "group_exception").all()
    counts = outcome_counts(cases, ["year"])
    cells = counts[counts["row_type"] == "cell"]
    years = pd.Series([r["year"] for r in rows]).value_counts().sort_index()
    assert cells["year"].tolist() == years.index.tolist()
    assert cells["total"].tolist() == years.tolist()
    total = counts.iloc[-1]
    assert (total["granted"], total["refused"], total["total"]) == (8, 2, 10)
    # the publication lists: "Ja" is current, "Nei" previous, a refusal is listed as refused
    published = load_table3()["publication_status"].tolist()
    expected = {"Ja": "current", "Nei": "previous", "Ikke aktuelt": "refused"}
    assert published == [expected[str(r["still_current"])] for r in rows]


def test_four_current_exceptions_as_the_text_after_table_3_says() -> None:
    text = re.sub(r"\s+", " ", " ".join(source_lines(684, 686).values()))
    m = re.search(r"(\w+) av disse er innvilget i den aktuelle perioden", text)
    assert m is not None
    assert (load_table3()["publication_status"] == "current").sum() == NUMBER_WORDS[m[1].lower()]


def test_population_sums_the_counties_in_the_readme() -> None:
    readme = (REFERENCE_DIR / "README.md").read_text(encoding="utf-8")
    population = load_population().set_index("region")["population"]
    for region in REGION_NAMES:
        line = next(li for li in readme.splitlines() if li.startswith(f"| {region} |"))
        _, _, counties, total, _ = line.split("|")
        figures = [int(n.replace(" ", "")) for n in re.findall(r"\d[\d ]*\d", counties)]
        assert sum(figures) == int(total.replace(" ", "")) == population[region]
    assert "without network access" in readme and "07459" in readme


def test_a_table_1_that_does_not_add_up_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "t1.csv"
    text = (REFERENCE_DIR / "unntak_table1.csv").read_text(encoding="utf-8")
    row = "2020,Helse Nord,Helse Nord,1,1,"
    broken.write_text(text.replace(f"{row}2", f"{row}3"), encoding="utf-8")
    with pytest.raises(ValueError, match="granted \\+ refused differs from total"):
        table1_cases(broken)
