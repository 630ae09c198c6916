# SPDX-License-Identifier: Apache-2.0
"""perche.analyze and the `perche analyze/train/classify/tokenize` commands.

References: the sample survey's generator documents its structure (examples/data/README.md:
negative tempi_attesa rising over the year, app_sito over-represented in the app channel), and
every figure of a driver is recomputed here directly from the labels with pandas."""

import io
import json
import sys

import numpy as np
import pandas as pd
import pytest

import perche
from perche import cli
from perche.survey import DEFAULT_MODEL, SAMPLE


def strict_json(text):
    def reject(name):
        raise ValueError(f"{name} is not valid JSON")

    return json.loads(text, parse_constant=reject)


@pytest.fixture(scope="module")
def survey():
    return pd.read_csv(SAMPLE, keep_default_na=False)


@pytest.fixture(scope="module")
def gold(survey):
    return perche.analyze(survey, labels="driver", bootstrap_samples=500)


def _nps(s):
    s = np.asarray(s)
    return 100.0 * ((s >= 9).mean() - (s <= 6).mean())


def test_gold_label_figures_equal_a_direct_pandas_computation(survey, gold):
    with_text = survey[survey.motivo.str.strip() != ""]
    for d in gold.data["drivers"]:
        mention = with_text.driver.str.split("|").apply(lambda xs: d["driver"] in xs)
        assert d["mentions"] == mention.sum()
        assert d["share"] == pytest.approx(mention.mean())
        everyone = survey.driver.str.split("|").apply(lambda xs: d["driver"] in xs)
        assert d["impact"] == pytest.approx(_nps(survey.nps) - _nps(survey.nps[~everyone]))
        assert d["impact_ci_low"] <= d["impact"] <= d["impact_ci_high"]


def test_the_sample_structure_is_found_again(gold):
    drivers = gold.drivers
    assert drivers.iloc[0]["driver"] == "tempi_attesa"  # the biggest drag, by design
    assert drivers.iloc[0]["quadrant"] == "fix"
    rising = {d["driver"] for d in gold.data["driver_trend"] if d["test"] and d["test"]["increasing"]}
    assert "tempi_attesa" in rising
    assert gold.data["trend"]["test"]["declining"]
    app = [c for c in gold.data["driver_segments"]
           if c["column"] == "canale" and c["segment"] == "app" and c["driver"] == "app_sito"][0]
    assert app["significant"] and app["diff"] > 0.1


def test_the_default_model_finds_nearly_the_gold_figures(gold):
    r = perche.analyze(bootstrap_samples=500)
    assert r.data["model"]["kind"] == "default"
    assert r.data["source"]["rows_used"] == 2400
    g = {d["driver"]: d for d in gold.data["drivers"]}
    for d in r.data["drivers"]:
        assert abs(d["share"] - g[d["driver"]]["share"]) < 0.02
        assert abs(d["impact"] - g[d["driver"]]["impact"]) < 1.0


def test_result_views_and_json_are_complete_and_strict(gold, tmp_path):
    data = strict_json(gold.to_json())
    assert set(data) >= {"overall", "trend", "drivers", "key_driver", "priority", "segments", "driver_segments",
                         "driver_trend", "verbatims", "source", "model"}
    assert {"ci_low", "ci_high", "score", "se", "n"} <= set(data["overall"])
    assert list(gold.drivers.columns[:3]) == ["driver", "label", "mentions"]
    assert len(gold.segments) == sum(len(s["groups"]) for s in data["segments"])
    assert len(gold.trend) == 12
    assert set(gold.verbatims.driver) == set(data["model"]["drivers"])
    gold.to_json(tmp_path / "a.json")
    assert strict_json((tmp_path / "a.json").read_text(encoding="utf-8")) == data


def test_verbatim_highlights_point_at_the_explaining_words():
    r = perche.analyze(bootstrap_samples=200, verbatims=2)
    marked = 0
    for v in r.data["verbatims"]:
        for h in v["highlights"]:
            assert 0 <= h["start"] < h["end"] <= len(v["text"])
            marked += 1
    assert marked > 0


def test_bad_scores_are_listed_with_their_row_and_left_out():
    df = pd.DataFrame({"nps": [10, "x", 3, 11, "", 8], "motivo": ["ok", "attesa lunga", "", "caro", "boh", "bravi"]})
    r = perche.analyze(df, date=False, by=[], bootstrap_samples=100)
    src = r.data["source"]
    assert src["rows_used"] == 3 and src["bad_rows"] == 3
    rows = sorted(p["row"] for p in src["problems"])
    assert rows == [1, 3, 4]
    assert any("'x' is not an integer in [0, 10]" in p["message"] for p in src["problems"])


def test_csat_analysis_uses_the_csat_scale(survey):
    r = perche.analyze(survey, score="csat", metric="csat", labels="driver", bootstrap_samples=200)
    assert r.data["scale"] == [1, 5]
    assert r.data["key_driver"]["negative"]["outcome"] == "bottom_box"
    top2 = 100 * (survey.csat >= 4).mean()
    assert r.overall["score"] == pytest.approx(top2)


def test_unknown_columns_and_metrics_raise_clear_errors(survey):
    with pytest.raises(perche.AnalysisError, match="score column 'voto' not found; columns are: id, data"):
        perche.analyze(survey, score="voto")
    with pytest.raises(perche.AnalysisError, match="metric 'foo'"):
        perche.analyze(survey, metric="foo")


# --- the command line ------------------------------------------------------------------------------


def test_perche_analyze_with_no_file_analyses_the_sample(tmp_path, capsys):
    js, html = tmp_path / "a.json", tmp_path / "a.html"
    assert cli.main(["analyze", "--no-progress", "--bootstrap", "300", "--json", str(js), "--html", str(html)]) == 0
    out = capsys.readouterr().out
    data = strict_json(js.read_text(encoding="utf-8"))
    assert data["source"]["rows_used"] == 2400
    assert f"{data['overall']['score']:+.1f}".replace(".", ",") in out  # the Italian summary: decimal comma
    assert html.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_perche_analyze_reads_a_windows_1252_semicolon_export(tmp_path, capsys):
    text = "Data;NPS;Motivo;Canale\r\n2026-01-02;3;perché l'attesa è infinita;telefono\r\n" \
           "2026-01-03;10;operatore gentilissimo;chat\r\n2026-01-04;dieci;boh;chat\r\n" \
           "2026-02-04;9;tutto ok, però caro;chat\r\n"
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp1252"))
    js = tmp_path / "x.json"
    assert cli.main(["analyze", str(path), "--no-progress", "--bootstrap", "100", "--json", str(js)]) == 0
    err = capsys.readouterr().err
    assert "line 4:" in err and "'dieci'" in err
    data = strict_json(js.read_text(encoding="utf-8"))
    assert data["source"]["rows_used"] == 3 and data["source"]["bad_rows"] == 1
    assert data["columns"]["score"] == "NPS" and data["columns"]["text"] == "Motivo"


@pytest.mark.parametrize("args, message", [
    (["--score", "voto"], "score column 'voto' not found"),
    (["--by", "regione"], "by column 'regione' not found"),
])
def test_perche_analyze_unknown_column_is_one_line_and_exit_2(args, message, capsys):
    assert cli.main(["analyze", "--no-progress", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_perche_analyze_unreadable_file_exits_2(tmp_path, capsys):
    assert cli.main(["analyze", str(tmp_path / "nope.csv"), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope.csv" in err[0]


def test_train_then_classify_round_trip(tmp_path, capsys):
    model = tmp_path / "m.model"
    assert cli.main(["train", str(SAMPLE), "--text", "motivo", "--labels", "driver", "--out", str(model),
                     "--cv-folds", "0"]) == 0
    out_csv = tmp_path / "c.csv"
    assert cli.main(["classify", str(SAMPLE), "--model", str(model), "--out", str(out_csv)]) == 0
    capsys.readouterr()
    c = pd.read_csv(out_csv, keep_default_na=False)
    assert len(c) == 2400
    drivers = perche.DriverClassifier.load(model).drivers
    assert all(d in c.columns and f"p_{d}" in c.columns for d in drivers)
    assert set(c["tempi_attesa"].unique()) <= {0, 1}
    gold = c.driver.str.split("|").apply(lambda xs: "tempi_attesa" in xs)
    assert (c.tempi_attesa == gold).mean() > 0.95


def test_the_shipped_model_is_what_the_documented_command_trains(tmp_path, capsys):
    """README/examples/data/README.md: perche train examples/data/survey.csv --text motivo
    --labels driver --positive positivi --negative negativi --out examples/data/drivers.model"""
    model = tmp_path / "drivers.model"
    assert cli.main(["train", str(SAMPLE), "--text", "motivo", "--labels", "driver", "--positive", "positivi",
                     "--negative", "negativi", "--eval-folds", "0", "--out", str(model)]) == 0
    capsys.readouterr()
    assert model.read_bytes() == DEFAULT_MODEL.read_bytes()


def test_perche_tokenize_reads_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("L’assistenza dell'operatore è stata un po' lenta\n"))
    assert cli.main(["tokenize"]) == 0
    assert capsys.readouterr().out.split() == perche.Tokenizer().normalize(
        "L’assistenza dell'operatore è stata un po' lenta")
