# SPDX-License-Identifier: Apache-2.0
"""The survey pipeline (perche/survey.hpp) through its three doors: the C++ example, the CLI and
perche.analyze give the same JSON figures; the document follows docs/schema.md (schema 4)."""

import json
import re
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import perche
from perche import _core, cli
from perche.survey import SAMPLE

from model_files import payload_v5, sealed

ROOT = Path(__file__).resolve().parents[2]

# The documented layout (docs/schema.md): a field added or renamed must be added there too.
TOP = {"schema", "perche_version", "lang", "summary", "rating", "source", "columns", "metric", "scale", "confidence", "alpha", "model",
       "overall", "other_metrics", "trend", "drivers", "key_driver", "priority", "segments", "driver_segments",
       "driver_trend", "verbatims", "sentiment", "comments", "notes"}
SOURCE = {"file", "rows", "encoding", "delimiter", "replaced", "rows_used", "bad_rows", "problems", "problems_total"}
SCORE = {"score", "se", "ci_low", "ci_high", "center", "n", "method"}
DRIVER = {"driver", "label", "mentions", "share", "score", "score_ci_low", "score_ci_high", "impact", "impact_ci_low",
          "impact_ci_high", "impact_p_value", "impact_p_holm", "impact_significant", "few_mentions", "or_negative", "or_negative_ci_low",
          "or_negative_ci_high", "p_negative", "or_positive", "or_positive_ci_low", "or_positive_ci_high", "p_positive",
          "quadrant", "importance_negative", "importance_positive", "importance_negative_ci_low",
          "importance_negative_ci_high", "importance_positive_ci_low", "importance_positive_ci_high", "sentiment"}
VERBATIM = {"driver", "text", "probability", "score", "sentiment", "segment", "date", "line", "highlights"}
SENTIMENT = {"model", "path", "comments", "counts", "net", "promoters", "promoters_negative", "detractors",
             "detractors_positive", "drivers_from", "trend"}
DRIVER_SENTIMENT = {"mentions", "counts", "net", "negative_impact", "negative_ci_low", "negative_ci_high",
                    "positive_impact", "positive_ci_low", "positive_ci_high", "negative_excess",
                    "negative_excess_p_holm", "pain_point"}
MODEL = {"kind", "path", "drivers", "labels", "coverage"}
COVERAGE = {"comments", "known_share", "vocabulary_overlap", "driver_share", "top_probability", "thresholds",
            "out_of_domain"}
TOP_PROBABILITY = {"p25", "median", "p75", "mean_threshold", "training_median", "below_training_p10"}
THRESHOLDS = {"known_terms", "known_share", "vocabulary_overlap", "below_training_p10", "codebook_driver_share",
              "min_comments"}
NOTE = {"code", "message", "reason", "driver", "label", "values"}
SUMMARY = {"code", "figures", "text"}
SUMMARY_FIGURE = {"name", "value", "source"}
SUMMARY_CODES = {"score", "definition", "few_responses", "trend_last", "trend_test", "out_of_domain", "no_comments",
                 "drag", "no_drag",
                 "strengths", "pain_points", "segment_gap", "no_segment_gap", "driver_trend", "rejected_rows"}
RATING = {"aggregation", "top", "reversed"}
# Hotel and product reviews written for the domain guard's tests (not from any data set).
OUT_OF_DOMAIN = ROOT / "tests" / "data" / "out_of_domain.csv"
PERIOD = SCORE | {"period", "promoter_share", "passive_share", "detractor_share", "diff_prev", "p_prev", "p_prev_holm",
                  "significant_drop", "too_few"}


def figures(doc: dict) -> dict:
    """The document without the paths, which name where each door found the same files."""
    doc = json.loads(json.dumps(doc))
    doc["source"]["file"] = doc["model"]["path"] = None
    return doc


def test_the_sample_document_follows_the_schema_field_by_field():
    doc = perche.analyze(by=["canale"], bootstrap_samples=200).data
    assert set(doc) == TOP and doc["schema"] == 4
    assert doc["summary"] and all(set(s) == SUMMARY and set(s["text"]) == {"it", "en"} for s in doc["summary"])
    assert all(set(f) == SUMMARY_FIGURE for s in doc["summary"] for f in s["figures"])
    assert {s["code"] for s in doc["summary"]} <= SUMMARY_CODES
    assert doc["rating"] is None  # NPS
    csat = perche.analyze(metric="csat", drivers=False).data
    assert set(csat["rating"]) == RATING and csat["rating"] == {"aggregation": "top_box", "top": 2, "reversed": False}
    assert perche.analyze(metric="ces", drivers=False).data["rating"] == {"aggregation": "mean", "top": 3,
                                                                           "reversed": False}
    assert set(doc["source"]) == SOURCE
    assert set(doc["model"]) == MODEL and set(doc["model"]["coverage"]) == COVERAGE
    assert set(doc["model"]["coverage"]["top_probability"]) == TOP_PROBABILITY
    assert set(doc["model"]["coverage"]["thresholds"]) == THRESHOLDS
    assert doc["notes"] and all(set(n) == NOTE for n in doc["notes"])
    assert set(doc["overall"]) == SCORE | {"promoter_share", "passive_share", "detractor_share"}
    assert {d["driver"] for d in doc["drivers"]} == set(doc["model"]["drivers"])
    assert all(set(d) == DRIVER for d in doc["drivers"])
    assert all(set(v) == VERBATIM for v in doc["verbatims"])
    assert all(set(p) == PERIOD for p in doc["trend"]["periods"])
    assert set(doc["sentiment"]) == SENTIMENT
    assert all(set(d["sentiment"]) == DRIVER_SENTIMENT for d in doc["drivers"])
    assert [(o["metric"], o["column"]) for o in doc["other_metrics"]] == [("csat", "csat"), ("ces", "ces")]
    # Independent figures of the sample: NPS = 100 (P − D) over all 2,400 rows (pandas).
    df = pd.read_csv(SAMPLE)
    ref = 100 * ((df.nps >= 9).mean() - (df.nps <= 6).mean())
    assert doc["overall"]["score"] == pytest.approx(ref, abs=1e-12)
    assert doc["comments"] == int((df.motivo.fillna("").str.strip() != "").sum())
    months = pd.to_datetime(df.data).dt.strftime("%Y-%m").value_counts().sort_index()
    assert [(p["period"], p["n"]) for p in doc["trend"]["periods"]] == list(months.items())


def test_the_sentiment_figures_of_the_sample_are_those_of_the_sentiment_model():
    """Counts, net, hidden risk, per-driver shares and the trend, recomputed in pandas from
    perche.SentimentClassifier.default() on the same comments and the document's own mentions."""
    doc = perche.analyze(bootstrap_samples=50, verbatims=2).data
    df = pd.read_csv(SAMPLE, keep_default_na=False)
    commented = df[df.motivo.str.strip() != ""].copy()
    commented["feel"] = perche.SentimentClassifier.default().predict(commented.motivo.tolist())
    st = doc["sentiment"]
    counts = commented.feel.value_counts()
    assert st["counts"] == {c: int(counts.get(c, 0)) for c in ("mixed", "negative", "neutral", "positive")}
    assert st["comments"] == len(commented)
    assert st["net"] == pytest.approx(100 * (counts.get("positive", 0) - counts.get("negative", 0)) / len(commented))
    promoters = commented[commented.nps >= 9]
    assert st["promoters"] == len(promoters)
    assert st["promoters_negative"] == pytest.approx(promoters.feel.isin(["negative", "mixed"]).mean())
    detractors = commented[commented.nps <= 6]
    assert st["detractors_positive"] == pytest.approx((detractors.feel == "positive").mean())
    month = pd.to_datetime(commented.data).dt.strftime("%Y-%m")
    neg = commented.feel.isin(["negative", "mixed"]).groupby(month).mean()
    assert [(p["period"], p["share"]) for p in st["trend"]] == pytest.approx(list(neg.items()))
    # Per driver: the mentions are the model's, so check the shares add up and the ordering of verbatims:
    # pain points (negative or mixed) before delights (positive), each with its comment's class.
    for d in doc["drivers"]:
        assert sum(d["sentiment"]["counts"].values()) == d["sentiment"]["mentions"] == d["mentions"]
    # With the shipped driver + sentiment model a verbatim's class is its driver's own polarity.
    assert st["drivers_from"] == "driver"
    model = perche.DriverClassifier.load(perche.survey.DEFAULT_MODEL)
    for v in doc["verbatims"]:
        pos, neg = model.predict_polarity([v["text"]])
        j = list(model.drivers).index(v["driver"])
        assert v["sentiment"] == {(1, 1): "mixed", (1, 0): "positive", (0, 1): "negative", (0, 0): "neutral"}[
            (int(pos[0, j]), int(neg[0, j]))]
    for driver in {v["driver"] for v in doc["verbatims"]}:
        kinds = [v["sentiment"] in ("negative", "mixed") for v in doc["verbatims"] if v["driver"] == driver]
        assert kinds == sorted(kinds, reverse=True)
    assert perche.analyze(sentiment=False, bootstrap_samples=50).data["sentiment"] is None


def test_the_cli_and_python_write_the_same_figures(tmp_path):
    out = tmp_path / "a.json"
    assert cli.main(["analyze", "--no-progress", "--by", "canale", "--json", str(out)]) == 0
    from_cli = json.loads(out.read_text("utf-8"))
    from_python = perche.analyze(by=["canale"]).data
    assert figures(from_cli) == figures(from_python)


def _example() -> Path:
    """The C++ example: $PERCHE_EXAMPLE_SURVEY, else the dev build of scripts/test."""
    env = os.environ.get("PERCHE_EXAMPLE_SURVEY")
    path = Path(env) if env else ROOT / "build" / "dev" / "examples" / "example_survey"
    if not path.exists():
        pytest.skip(f"the C++ example is not built ({path}); scripts/test builds it before pytest")
    return path


def test_the_cpp_example_writes_the_figures_of_the_cli(tmp_path):
    csv = tmp_path / "survey.csv"
    shutil.copy(SAMPLE, csv)
    run = subprocess.run([str(_example()), str(csv)], capture_output=True, timeout=300,
                         env={**os.environ, "PERCHE_DATA_DIR": str(Path(SAMPLE).parent)})
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    from_cpp = json.loads(run.stdout)
    from_python = perche.analyze(csv, score="nps", text="motivo", date="data", by=["canale"]).data
    assert figures(from_cpp) == figures(from_python)


def test_a_dataframe_gives_the_figures_of_the_same_csv():
    df = pd.read_csv(SAMPLE)  # typed columns: nps int64, data text, motivo with NaN for empty
    a = perche.analyze(df, by=["canale"], bootstrap_samples=300).data
    b = perche.analyze(SAMPLE, by=["canale"], bootstrap_samples=300).data
    for key in ("overall", "trend", "drivers", "segments", "driver_segments", "driver_trend", "other_metrics"):
        assert a[key] == b[key], key
    assert [v["text"] for v in a["verbatims"]] == [v["text"] for v in b["verbatims"]]
    assert [v["row"] + 2 for v in a["verbatims"]] == [v["line"] for v in b["verbatims"]]  # header + 1-based


def test_python_options_left_out_are_the_cpp_defaults():
    d = _core.SurveyOptions()
    given = perche.analyze(confidence=d.confidence, alpha=d.alpha, bootstrap_samples=d.bootstrap_samples,
                           seed=d.seed, verbatims=d.verbatims, lang=d.lang, metric="nps", freq="M").data
    assert figures(given) == figures(perche.analyze().data)


def test_a_threshold_for_every_driver_changes_the_mentions_monotonically():
    low = perche.analyze(threshold=0.2, bootstrap_samples=50, verbatims=0).data["drivers"]
    high = perche.analyze(threshold=0.8, bootstrap_samples=50, verbatims=0).data["drivers"]
    by = {d["driver"]: d["mentions"] for d in high}
    assert all(d["mentions"] >= by[d["driver"]] for d in low)
    assert sum(d["mentions"] for d in low) > sum(by.values())


def test_report_is_analyze_without_drivers(tmp_path):
    out = tmp_path / "r.json"
    assert cli.main(["report", "--json", str(out)]) == 0
    doc = json.loads(out.read_text("utf-8"))
    assert doc["model"]["kind"] == "none" and doc["drivers"] == [] and doc["verbatims"] == []
    assert doc["overall"] == perche.analyze(drivers=False).data["overall"]


def test_the_schema_document_names_every_top_level_field():
    text = (ROOT / "docs" / "schema.md").read_text("utf-8")
    missing = [k for k in TOP | MODEL | COVERAGE | TOP_PROBABILITY | THRESHOLDS | NOTE if f"`{k}`" not in text]
    assert not missing


def test_the_domain_guard_fires_on_hotel_and_product_reviews_with_its_figures(tmp_path, capsys):
    doc = perche.analyze(OUT_OF_DOMAIN, bootstrap_samples=50).data
    c = doc["model"]["coverage"]
    assert c["out_of_domain"] is True and c["comments"] == 118
    assert c["known_share"] < c["thresholds"]["known_share"] == 0.5
    assert c["vocabulary_overlap"] < c["thresholds"]["vocabulary_overlap"] == 0.5
    assert c["driver_share"] < 0.5
    tp = c["top_probability"]
    assert tp["p25"] <= tp["median"] <= tp["p75"] and 0 < tp["mean_threshold"] < 1
    assert tp["below_training_p10"] > c["thresholds"]["below_training_p10"] == 0.4
    assert tp["median"] < tp["training_median"]
    assert doc["notes"][0]["code"] == "out_of_domain" and "perche discover" in doc["notes"][0]["message"]
    # The terminal and HTML say so in the report's language, and suggest perche discover.
    def flat(text):  # the terminal wraps the warning
        return " ".join(text.split())

    text_it, text_en = flat(perche.survey.Analysis(doc).summary()), flat(perche.survey.Analysis(doc).summary(lang="en"))
    assert "fuori dal dominio del modello predefinito" in text_it and "perche discover" in text_it
    assert "out of the domain of the default model" in text_en and "perche discover" in text_en
    html = perche.survey.Analysis(doc).to_html()
    assert 'id="domain-warning"' in html and "fuori dal dominio" in html and "perche discover" in html
    assert "out of the domain" in perche.survey.Analysis(doc).to_html(lang="en")
    # The CLI: the same figures in its JSON, the warning on the terminal.
    out = tmp_path / "a.json"
    assert cli.main(["analyze", str(OUT_OF_DOMAIN), "--no-progress", "--lang", "en", "--json", str(out)]) == 0
    printed = flat(capsys.readouterr().out)
    assert "out of the domain of the default model" in printed and "perche discover" in printed
    assert json.loads(out.read_text("utf-8"))["model"]["coverage"] == c
    # The default codebook (contact-centre themes) does not cover them either.
    cb = perche.analyze(OUT_OF_DOMAIN, codebook=True, bootstrap_samples=50).data
    assert cb["model"]["coverage"]["out_of_domain"] and cb["model"]["coverage"]["known_share"] is None
    assert cb["model"]["coverage"]["driver_share"] < cb["model"]["coverage"]["thresholds"]["codebook_driver_share"]
    assert cb["notes"][0]["code"] == "out_of_domain"
    assert "corrisponde ad almeno un tema" in flat(perche.survey.Analysis(cb).summary())


def test_the_domain_guard_compares_the_top_probability_with_the_training_comments(tmp_path):
    """Known words that say nothing about a driver (the sample's filler phrases): the vocabulary
    figures pass, but 85% of the comments are less sure of their drivers than 90% of the training
    comments, and the guard fires on that alone. A model saved before format 5 has no training
    distribution: the figure is null and the guard falls back on the vocabulary."""
    rng = np.random.default_rng(1)
    words = ("sono cliente da anni ho chiamato ieri pomeriggio per la linea di casa dopo il trasloco come al "
             "solito tramite mail").split()
    df = pd.DataFrame({"nps": rng.integers(0, 11, 60), "motivo": [" ".join(rng.choice(words, 8)) for _ in range(60)]})
    c = perche.analyze(df, bootstrap_samples=50).data["model"]["coverage"]
    th = c["thresholds"]
    assert c["known_share"] >= th["known_share"] and c["vocabulary_overlap"] >= th["vocabulary_overlap"]
    assert c["top_probability"]["below_training_p10"] > th["below_training_p10"]
    assert c["out_of_domain"] is True
    doc = perche.analyze(df, bootstrap_samples=50).data
    assert "less sure of their drivers than 90% of its training comments" in doc["notes"][0]["message"]
    assert "meno sicuro dei suoi driver" in perche.survey.Analysis(doc).summary()
    # The same model as a format-4 file: no nb_scale byte (format 6) and no quantiles (the payload's
    # last 8 + 21 × 8 bytes).
    data = (ROOT / "examples" / "data" / "drivers.model").read_bytes()
    lg = perche.DriverClassifier.from_bytes(data).options.logistic
    old = sealed(payload_v5(data, lg.tol, lg.max_iter)[: -(8 + 8 * 21)], 4)
    path = tmp_path / "v4.model"
    path.write_bytes(old)
    assert perche.DriverClassifier.load(str(path)).training_top_quantiles == []
    c4 = perche.analyze(df, model=str(path), bootstrap_samples=50).data["model"]["coverage"]
    assert c4["top_probability"]["training_median"] is None and c4["top_probability"]["below_training_p10"] is None
    assert c4["out_of_domain"] is False  # the vocabulary figures alone pass


def test_the_domain_guard_is_quiet_on_the_sample(capsys):
    for kw in ({}, {"codebook": True}):
        doc = perche.analyze(bootstrap_samples=50, **kw).data
        c = doc["model"]["coverage"]
        assert c["out_of_domain"] is False and c["comments"] == doc["comments"]
        assert c["driver_share"] > 0.6
        assert all(n["code"] != "out_of_domain" for n in doc["notes"])
        assert "dominio" not in perche.survey.Analysis(doc).summary()
        assert "domain-warning" not in perche.survey.Analysis(doc).to_html()
    assert c["known_share"] is None  # the codebook: no vocabulary
    model = perche.analyze(bootstrap_samples=50).data["model"]["coverage"]
    assert model["known_share"] > 0.9 and model["vocabulary_overlap"] > 0.9
    # Gold labels and metrics only: no guard.
    assert perche.analyze(drivers=False).data["model"]["coverage"] is None


def test_a_schema_2_document_with_notes_as_strings_still_renders():
    doc = json.loads(json.dumps(perche.analyze(bootstrap_samples=50).data))
    doc["schema"] = 2
    doc["notes"] = ["una nota", "another note"]
    del doc["model"]["coverage"]
    text = perche.survey.Analysis(doc).summary()
    assert "  - una nota" in text and "  - another note" in text
    assert "<li>una nota</li>" in perche.survey.Analysis(doc).to_html()


def test_the_metrics_only_report_has_no_driver_sections(tmp_path):
    html = perche.analyze(drivers=False).to_html()
    assert "Perché? Metriche" in html and "Segmenti" in html
    for driver_section in ("Matrice delle priorità", "Key-driver", 'id="verbatims"', "impact-bar"):
        assert driver_section not in html
    full = perche.analyze(bootstrap_samples=50).to_html()
    assert "Matrice delle priorità" in full and 'id="verbatims"' in full


def test_dataframe_columns_of_every_dtype_are_read_as_their_csv_would_be():
    df = pd.DataFrame({
        "nps": pd.array([10, None, 3, 9], dtype="Int64"),
        "data": np.array(["2500-01-05", "2024-01-06", "1600-02-01", "NaT"], dtype="datetime64[s]"),
        "canale": pd.Categorical(["app", "app", None, "web"]),
        "motivo": ["ok", "attesa", None, "bravi"]},
        index=pd.date_range("2024-01-01", periods=4))
    r = perche.analyze(df, codebook=True, bootstrap_samples=20)
    assert r.data["source"]["rows_used"] == 3
    assert [p["period"] for p in r.data["trend"]["periods"]] == ["2500-01"]  # no overflow to ns
    # 1600 is before 1900: no response date (the row stays, out of the trend)
    assert any("before 1900" in p["message"] for p in r.data["source"]["problems"])
    assert [g["segment"] for g in r.data["segments"][0]["groups"]] == ["(vuoto)", "app", "web"]
    assert r.data["source"]["problems"][0]["row"] == "2024-01-02 00:00:00"  # the index label, as text
    json.loads(r.to_json())


def test_a_pandas_period_date_column_is_read_as_the_first_day_of_each_period():
    # Red-team 21: df.data.dt.to_period("M") was read as text: every row a problem "'2025-12' is
    # not a date", and no trend.
    df = pd.read_csv(SAMPLE)
    kw = dict(score="nps", text="motivo", date="data", by=["canale"], sentiment=False, drivers=False)
    ref = perche.analyze(df.assign(data=pd.to_datetime(df.data).dt.to_period("M").dt.start_time), **kw).data
    periods = pd.to_datetime(df.data).dt.to_period("M")
    for months in (periods, periods.astype(object)):  # a Period column, and Periods in an object column
        got = perche.analyze(df.assign(data=months), **kw).data
        assert got["source"]["problems"] == [] and got["trend"] == ref["trend"]
        assert len(got["trend"]["periods"]) == 12


@pytest.mark.parametrize("kwargs, message", [
    ({"verbatims": -1}, "verbatims -1 is not an integer"),
    ({"seed": 1.5}, "seed 1.5 is not an integer"),
    ({"bootstrap_samples": 2**40}, "bootstrap_samples 1099511627776 is not an integer"),
    ({"confidence": "x"}, "confidence 'x' is not a number"),
    ({"drivers": False, "codebook": True}, "drivers=False (metrics only) leaves nothing to label: drop codebook"),
    ({"codebook": True, "threshold": 0.5}, "threshold is set but the labeller is not a model"),
    ({"scale": (1,)}, "scale applies to csat and ces"),
    ({"metric": "csat", "scale": (1,)}, "is not a pair of integers (lowest, highest)"),
])
def test_bad_options_are_one_line_errors(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        perche.analyze(**kwargs)


def test_a_csat_scale_from_python_and_the_cli(tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text("csat,motivo\n10,ok\n9,ok\n2,no\n7,mah\n", "utf-8")
    r = perche.analyze(path, metric="csat", scale=(1, 10), drivers=False)
    assert r.data["scale"] == [1, 10] and r.data["source"]["rows_used"] == 4
    assert r.overall["score"] == pytest.approx(50.0)  # top-2-box of 1–10: 10 and 9
    assert cli.main(["report", str(path), "--metric", "csat", "--scale", "1", "10"]) == 0
    assert "4 righe usate su 4" in capsys.readouterr().out


def test_the_italian_warning_puts_the_right_article_before_each_percentage():
    doc = json.loads(json.dumps(perche.analyze(bootstrap_samples=20, sentiment=False).data))
    doc["model"]["coverage"].update(out_of_domain=True, known_share=0.11, vocabulary_overlap=0.2, driver_share=0.8)
    text = " ".join(perche.survey.Analysis(doc).summary().split())
    assert "solo l'11% ha abbastanza parole" in text and "il 20% delle loro parole" in text
    assert "l'80% ha ricevuto almeno un driver" in text
    english = " ".join(perche.survey.Analysis(doc).summary(lang="en").split())
    assert "only 11% of them have enough words" in english and "80% were given a driver" in english


def test_a_customer_code_as_segment_column_is_merged_into_at_most_100_segments_and_said():
    # Red-team: 20,000 rows whose segment column is a customer code made 20,000 segments, 760 MB,
    # a 64 MB JSON and 20,000 lines of terminal report.
    rng = np.random.default_rng(5)
    n = 3000
    df = pd.DataFrame({"nps": rng.integers(0, 11, n), "cliente": [f"C{i:06d}" for i in range(n)]})
    result = perche.analyze(df, by=["cliente"], drivers=False)
    groups = result.data["segments"][0]["groups"]
    assert len(groups) == _core.MAX_SEGMENTS == 100
    assert sum(g["n"] for g in groups) == n  # every row counted
    merged = next(g for g in groups if g["segment"] == "(altri)")
    assert merged["n"] == n - 99
    assert merged["score"] == pytest.approx(perche.nps(df["nps"][99:]).score)  # the 99 kept: first by name
    note = next(x for x in result.data["notes"] if x["code"] == "segments_merged")
    assert note["values"] == {"column": "cliente", "segment": "(altri)", "values": n, "shown": 99, "merged": n - 99,
                              "responses": n - 99}
    text = result.summary(lang="it")
    assert "la colonna di segmento «cliente» ha 3.000 valori: i 99 più frequenti sono segmenti, gli altri 2.901" in \
        " ".join(text.split())
    assert "Altri 75 segmenti" in text and text.count("C0000") <= 25  # the terminal lists 25, as the HTML
    assert "the segment column “cliente” has 3,000 values" in " ".join(result.summary(lang="en").split())


def test_the_domain_guard_reads_no_word_figures_where_training_words_need_not_be_features(tmp_path):
    """Red-team finding of stop 40: a model of word pairs alone, or one whose vocabulary was cut to
    max_features, read its own training comments as 0% and 4% known words, and the guard fired on
    them. Those figures are now none, and the warning of such a model words the figure that fired."""
    df = pd.read_csv(SAMPLE)
    rows = df[df["motivo"].fillna("").str.strip() != ""].head(600)
    texts = rows["motivo"].tolist()
    Y = [d.split("|") if isinstance(d, str) and d else [] for d in rows["driver"]]
    for kw in (dict(ngram_range=(2, 2)), dict(max_features=1000)):
        path = tmp_path / "m.model"
        perche.DriverClassifier(None, **kw).fit(texts, Y).save(str(path))
        c = perche.analyze(rows[["nps", "motivo"]], model=str(path), progress=False, sentiment=False).data["model"]["coverage"]
        assert c["known_share"] is None and c["vocabulary_overlap"] is None, kw
        assert c["out_of_domain"] is False, kw


def test_the_domain_guard_says_only_of_the_figures_under_their_threshold():
    from perche import report
    doc = {"model": {"kind": "model", "coverage": {
        "out_of_domain": True, "known_share": 0.0, "vocabulary_overlap": 0.56, "driver_share": 0.3,
        "top_probability": {"below_training_p10": 0.45},
        "thresholds": {"known_share": 0.5, "vocabulary_overlap": 0.5, "below_training_p10": 0.4,
                       "codebook_driver_share": 0.4}}}}
    it = report._guard(doc, report._L["it"])
    assert "solo lo 0% ha abbastanza parole" in it  # "lo 0%", not "il 0%"
    assert "il 56% delle loro parole" in it and "solo il 56%" not in it
    assert "(soglia 40%, superata)" in it
    en = report._guard(doc, report._L["en"])
    assert "only 0% of them" in en and "only 56%" not in en and "(threshold 40%, exceeded)" in en
    # A model without word figures (char n-grams): the model's wording, never the codebook's.
    doc["model"]["coverage"].update(known_share=None, vocabulary_overlap=None)
    it = report._guard(doc, report._L["it"])
    assert "corrisponde ad almeno un tema" not in it and "meno sicuro dei suoi driver" in it


def test_analyze_takes_a_thread_count_and_gives_the_same_figures():
    # Stop 42: SurveyOptions::threads (a server caps the analysis's threads); the figures do not
    # depend on it.
    one = perche.analyze(bootstrap_samples=100, threads=1).data
    two = perche.analyze(bootstrap_samples=100, threads=2).data
    assert one["drivers"] == two["drivers"] and one["overall"] == two["overall"]
    with pytest.raises(perche.AnalysisError, match="threads"):
        perche.analyze(threads=-1)
    with pytest.raises(perche.AnalysisError, match="threads"):
        perche.analyze(drivers=False, threads=5000)
