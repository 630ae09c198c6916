# SPDX-License-Identifier: Apache-2.0
"""perche.read_csv against Python's csv module (the independent reference): random tables written
by csv.writer read back identically, whatever the delimiter, quoting and line endings."""

import csv
import io

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import perche

cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@settings(max_examples=300, deadline=None)
@given(delimiter=st.sampled_from([",", ";", "\t"]), ncols=st.integers(1, 5),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
       newline=st.sampled_from(["\n", "\r\n"]), data=st.data())
def test_random_tables_written_by_python_csv_read_back_identically(delimiter, ncols, quoting, newline, data):
    header = [f"col{j}" for j in range(ncols)]
    rows = data.draw(st.lists(st.lists(cell, min_size=ncols, max_size=ncols), max_size=8))
    # A record whose only field is empty is a blank line for both readers: keep one non-empty cell.
    rows = [r for r in rows if ncols > 1 or r[0] != ""]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=newline)
    w.writerow(header)
    w.writerows(rows)
    text = buf.getvalue()
    # The reference is Python's own reader on the same text: csv.writer leaves a lone CR unquoted
    # under QUOTE_MINIMAL when the line terminator is "\n", and both readers then end the record there.
    ref = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if r]
    assume(all(len(r) == ncols for r in ref))
    t = perche.read_csv(text.encode("utf-8"), delimiter=delimiter)
    assert t.header == ref[0]
    assert t.problems == []
    assert len(t) == len(ref) - 1
    for j, h in enumerate(header):
        assert t.column(h) == [r[j] for r in ref[1:]]
    if not any("\r" in c for r in rows for c in r):
        assert ref[1:] == [list(r) for r in rows]


def test_detection_and_lines_match_python_csv_on_an_excel_export():
    text = "Data;NPS;Motivo\r\n2026-01-02;3;\"attesa\r\ninfinita; davvero\"\r\n2026-01-03;10;ok\r\n"
    t = perche.read_csv(text.encode("cp1252"))
    assert t.delimiter == ";" and t.encoding == "utf-8"
    ref = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert [t.column(h) for h in t.header] == [list(c) for c in zip(*ref[1:])]
    assert list(t.lines) == [2, 4]


def test_windows_1252_bytes_are_decoded():
    t = perche.read_csv("nps;motivo\n9;perché l’attesa costa 5 €\n".encode("cp1252"))
    assert t.encoding == "windows-1252"
    assert t.column("MOTIVO") == ["perché l’attesa costa 5 €"]


def test_bad_records_are_problems_with_their_lines(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n3\n4,5,6\n7,8\n", encoding="utf-8")
    t = perche.read_csv(p)
    assert t.column("a") == ["1", "7"]
    assert list(t.lines) == [2, 5]
    assert t.problems == [(3, "expected 2 fields, found 1; record skipped"),
                          (4, "expected 2 fields, found 3; record skipped")]


def test_unknown_column_and_unreadable_file_errors(tmp_path):
    t = perche.read_csv(b"a,b\n1,2\n")
    with pytest.raises(KeyError, match="column 'c' not found; columns are: a, b"):
        t.column("c")
    with pytest.raises(OSError, match="cannot read .*nope.csv: No such file or directory"):
        perche.read_csv(tmp_path / "nope.csv")
    with pytest.raises(OSError, match=r"is not a regular file \(directory\)"):
        perche.read_csv(tmp_path)
    with pytest.raises(ValueError, match="delimiter"):
        perche.read_csv(b"a\n", delimiter=";;")


def test_equal_cells_of_a_column_share_one_str_and_different_ones_stay_apart():
    # Values alike at both ends (the column's table of seen values knows a cell of up to 16 bytes by
    # its size and its first and last 8 bytes) and longer ones differing only in the middle; each
    # written many times, so that the column keeps sharing. Python's csv module is the reference.
    values = ["", "a", "ab", "aab", "abb", "abcd", "abzcd", "abyycd", "2024-01-02", "2024-11-02",
              "chat", "telefono", "x" * 16, "x" * 7 + "y" + "x" * 8, "x" * 17, "x" * 8 + "y" + "x" * 8, "è€😤"]
    rows = [[values[(i * 7) % len(values)], str(i)] for i in range(5000)]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([["v", "n"]] + rows)
    t = perche.read_csv(buf.getvalue().encode())
    col, ids = t.column("v"), t.column("n")
    assert col == [r[0] for r in rows] and ids == [r[1] for r in rows]
    assert len({id(s) for s in col}) == len(values)  # one str a value
    assert len({id(s) for s in ids}) == len(rows)  # a column of distinct cells: one str a cell
