# SPDX-License-Identifier: Apache-2.0
# The `perche report` command (perche.cli.main).
# Reference values: the sample survey's NPS recomputed from its CSV with pandas and the independent
# Rocks (2016) adjusted-Wald code in refstats.py; small CSV files written here, whose line numbers
# and row counts are known by construction.
import json

import pandas as pd
import pytest

from perche import cli
from refstats import nps_reference


def strict_json(text):
    """json.loads that rejects NaN and Infinity, which are not JSON (RFC 8259)."""
    def reject(name):
        raise ValueError(f"{name} is not valid JSON")
    return json.loads(text, parse_constant=reject)


def write_csv(path, lines, delimiter=";", bom=True):
    text = "\r\n".join(delimiter.join(cells) for cells in lines) + "\r\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


SMALL = [
    ["id", "data", "canale", "nps", "csat"],
    ["1", "2026-01-05", "chat", "10", "5"],
    ["2", "2026-01-09", "email", "9", "4"],
    ["3", "2026-02-03", "chat", "11", "3"],  # line 4: off the 0–10 scale
    ["4", "2026-02-10", "telefono", "3", "2"],
    ["5", "2026-03-01", "chat", "7", "4"],
    ["6", "2026-03-20", "email", "8", "5"],
]


def test_report_on_the_shipped_sample_prints_nps_trend_and_segments(capsys):
    assert cli.main(["report"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert any(line.startswith("NPS:") for line in lines)
    assert "Andamento per periodo (data, M)" in out
    assert "Segmenti: canale" in out
    assert "Mann–Kendall" in out


def test_the_sample_nps_line_agrees_with_an_independent_computation(capsys):
    df = pd.read_csv(cli.SAMPLE)
    ref = nps_reference(df["nps"].to_numpy())
    assert cli.main(["report"]) == 0
    nps_line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("NPS:"))
    expected = f"NPS: {ref['score']:+.1f}  [{ref['adj_ci'][0]:+.1f}, {ref['adj_ci'][1]:+.1f}]"
    assert nps_line.startswith(expected.replace(".", ","))  # the Italian report: decimal comma
    assert f"n={len(df):,}".replace(",", ".") in nps_line  # and thousands point (2.400)


def test_a_semicolon_csv_with_bom_and_a_bad_row_skips_it_and_names_its_line(tmp_path, capsys):
    path = write_csv(tmp_path / "export.csv", SMALL)
    assert cli.main(["report", str(path)]) == 0
    captured = capsys.readouterr()
    assert "line 4" in captured.err and "'11'" in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert "5 righe usate su 6" in captured.out
    assert "1 riga scartata" in captured.out  # singular (it said "1 righe scartate")
    assert captured.out.startswith("perche — export.csv")  # not "perche analyze": this is perche report
    assert "Segmenti: canale" in captured.out and "Andamento per periodo" in captured.out


def test_json_output_holds_the_overall_result_with_its_interval(tmp_path, capsys):
    path = write_csv(tmp_path / "export.csv", SMALL)
    out = tmp_path / "out.json"
    assert cli.main(["report", str(path), "--json", str(out)]) == 0
    doc = strict_json(out.read_text(encoding="utf-8"))
    overall = doc["overall"]
    assert overall["ci_low"] <= overall["score"] <= overall["ci_high"]
    assert overall["n"] == 5
    assert doc["schema"] == 4 and doc["model"]["kind"] == "none"  # report: analyze without drivers
    assert (doc["source"]["rows"], doc["source"]["rows_used"], doc["source"]["bad_rows"]) == (6, 5, 1)
    assert [p["period"] for p in doc["trend"]["periods"]] == ["2026-01", "2026-02", "2026-03"]
    assert [g["segment"] for g in doc["segments"][0]["groups"]] == ["chat", "email", "telefono"]
    assert "JSON: " in capsys.readouterr().out


def test_json_output_is_strict_json_even_when_a_segment_has_one_response(tmp_path, capsys):
    # A CSAT segment with a single response has an infinite mean SE; JSON has no Infinity token.
    path = write_csv(tmp_path / "export.csv", SMALL)
    out = tmp_path / "out.json"
    assert cli.main(["report", str(path), "--metric", "csat", "--json", str(out)]) == 0
    strict_json(out.read_text(encoding="utf-8"))


def test_a_comma_csv_without_bom_works_too(tmp_path, capsys):
    path = write_csv(tmp_path / "export.csv", SMALL, delimiter=",", bom=False)
    assert cli.main(["report", str(path), "--by", "canale"]) == 0
    assert "5 righe usate su 6" in capsys.readouterr().out


def test_an_unknown_score_column_exits_2_with_a_one_line_error(tmp_path, capsys):
    path = write_csv(tmp_path / "export.csv", SMALL)
    assert cli.main(["report", str(path), "--score", "voto"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "voto" in err and err.startswith("perche: ")


def test_an_unknown_by_column_exits_2(tmp_path, capsys):
    path = write_csv(tmp_path / "export.csv", SMALL)
    assert cli.main(["report", str(path), "--by", "regione"]) == 2
    assert "regione" in capsys.readouterr().err


def test_a_missing_file_exits_2_with_a_one_line_error(tmp_path, capsys):
    assert cli.main(["report", str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "nope.csv" in err


def test_an_empty_file_exits_2(tmp_path, capsys):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert cli.main(["report", str(path)]) == 2
    assert "empty" in capsys.readouterr().err


def test_an_unknown_subcommand_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["rapporto"])
    assert e.value.code == 2


def test_scores_off_the_scale_in_numbers_say_the_metric_or_scale_may_be_wrong(tmp_path, capsys):
    # Red-team 18 (stop 41): a 1-7 CES read on 1-5 left 60 of 200 rows out with no word but the
    # row count; now a note says so, in the report's language and in the JSON.
    rows = [["ces", "motivo"]] + [[str(1 + i % 7), "ok"] for i in range(200)]
    path = write_csv(tmp_path / "ces.csv", rows)
    out = tmp_path / "r.json"
    assert cli.main(["report", str(path), "--metric", "ces", "--scale", "1", "5", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "56 dei 200 punteggi interi della colonna «ces» sono fuori da [1, 5] (da 6 a 7)" in text
    note = [n for n in strict_json(out.read_text(encoding="utf-8"))["notes"] if n["code"] == "off_scale"]
    assert note and note[0]["values"] == {"column": "ces", "range": "[1, 5]", "lowest": "6", "highest": "7",
                                          "off_scale": 56, "scores": 200}
    # One typo in a small file is a problem of its row, not a note.
    assert cli.main(["report", str(write_csv(tmp_path / "s.csv", SMALL)), "--json", str(out)]) == 0
    capsys.readouterr()
    assert not [n for n in strict_json(out.read_text(encoding="utf-8"))["notes"] if n["code"] == "off_scale"]
