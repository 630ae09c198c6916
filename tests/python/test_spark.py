# SPDX-License-Identifier: Apache-2.0
# perche.spark (issue #22, part 2) in Spark's local mode (local[2], 127.0.0.1), one session shared by
# the module. The reference is perche itself in one process on the same rows (perche.by_segment,
# perche.nps, DriverClassifier.predict): the distributed figures must be identical, digit for digit.
import os
import shutil

import numpy as np
import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install '.[spark]')")
pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install '.[spark]')")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Java is not installed (Debian: openjdk-17-jre-headless)", allow_module_level=True)

import pandas as pd  # noqa: E402
from test_classify import DRIVERS, comments  # noqa: E402

import perche  # noqa: E402
from perche import spark as ps  # noqa: E402

# pyspark warns that its pandas >= 3 support is incomplete, and its toPandas passes pandas 3 a
# deprecated copy= keyword; the "spark" extra pins pandas < 3, the CI machine keeps its pandas 3 for
# the other tests, and these tests check what perche uses (perche.spark itself calls neither).
pytestmark = [pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


@pytest.fixture(scope="module")
def spark():
    s = ps.session("local[2]", app_name="perche-tests", spark_sql_shuffle_partitions=2)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def model():
    texts, Y = comments(300, 101)
    return perche.DriverClassifier(list(DRIVERS), cv_folds=0).fit(texts, Y)


@pytest.fixture(scope="module")
def frame():
    texts, _ = comments(400, 7)
    rng = np.random.default_rng(22)
    n = len(texts)
    return pd.DataFrame({
        "id": np.arange(n, dtype=np.int64),
        "comment": pd.Series([None if i % 37 == 5 else t for i, t in enumerate(texts)], dtype=object),
        "nps": rng.integers(0, 11, n).astype(np.int64),
        "csat": rng.integers(1, 6, n).astype(np.int64),
        "region": pd.Series(rng.choice(["Nord", "Centro", "Sud", "Isole"], n), dtype=object),
        "store": rng.integers(1, 6, n).astype(np.int64),
        "weight": rng.uniform(0.5, 2.0, n),
    })


def same_segments(got, want):
    assert [s.key for s in got] == [s.key for s in want]
    assert got.n_omitted == want.n_omitted
    for a, b in zip(got, want):
        for f in ("score", "se", "ci_low", "ci_high", "n", "n_eff", "n_omitted"):
            assert getattr(a.result, f) == getattr(b.result, f), (a.key, f)
        assert (a.vs_rest is None) == (b.vs_rest is None)
        if a.vs_rest is not None:
            assert (a.vs_rest.diff, a.vs_rest.z, a.vs_rest.p_value) == (b.vs_rest.diff, b.vs_rest.z, b.vs_rest.p_value)
        assert (a.p_holm, a.p_bh) == (b.p_holm, b.p_bh)


def test_classify_equals_predict_in_one_process(spark, model, frame):
    df = spark.createDataFrame(frame).repartition(4)
    out = ps.classify(df, "comment", model, proba_col="proba").toPandas().sort_values("id")
    texts = [t for t in frame["comment"] if t is not None]
    Y = model.predict(texts).astype(bool)
    P = model.predict_proba(texts)
    got = out[out["comment"].notna()]
    assert [list(p) for p in got["prediction"]] == [list(np.asarray(DRIVERS, dtype=object)[r]) for r in Y]
    np.testing.assert_array_equal(np.stack(got["proba"].to_numpy()), P)
    assert out[out["comment"].isna()]["prediction"].isna().all()  # a null text: a null prediction
    assert list(out.columns) == list(frame.columns) + ["prediction", "proba"]


def test_a_single_label_model_plugs_in_the_sentiment_classifier(spark, frame):
    clf = perche.SentimentClassifier.default()
    df = spark.createDataFrame(frame).repartition(3)
    rows = ps.classify(df, "comment", clf, prediction_col="sentiment", proba_col="p").select(
        "id", "comment", "sentiment", "p").collect()
    rows = sorted(rows, key=lambda r: r.id)
    texts = [r.comment for r in rows if r.comment is not None]
    assert [r.sentiment for r in rows if r.comment is not None] == list(clf.predict(texts))
    np.testing.assert_array_equal(np.array([r.p for r in rows if r.comment is not None]), clf.predict_proba(texts))
    assert all(r.sentiment is None for r in rows if r.comment is None)


def test_classify_from_a_path_and_one_load_per_worker_on_the_task_cpus(spark, model, frame, tmp_path):
    path = tmp_path / "drivers.pdc"
    model.save(path)
    df = spark.createDataFrame(frame).repartition(6)
    a = ps.classify(df, "comment", str(path)).toPandas().sort_values("id")
    b = ps.classify(df, "comment", model).toPandas().sort_values("id")
    assert [list(x) if x is not None else None for x in a["prediction"]] == \
        [list(x) if x is not None else None for x in b["prediction"]]

    def probe(batches):
        import os as _os

        import pandas as _pd

        from perche import spark as _ps
        for _ in batches:
            drivers = [m for m, _t in _ps._MODELS.values() if type(m).__name__ == "DriverClassifier"]
            yield _pd.DataFrame({"pid": [_os.getpid()], "models": [len(drivers)],
                                 "threads": [max((m.options.threads for m in drivers), default=-1)]})
    seen = df.mapInPandas(probe, "pid long, models long, threads long").toPandas()
    # Six partitions, two classify jobs (the same bytes from a path and from the driver): each
    # worker process keeps one model, set to spark.task.cpus (1) threads.
    assert (seen["models"] <= 1).all() and (seen["threads"].isin([1, -1])).all()
    assert seen["pid"].nunique() <= 2 * 2  # local[2]: a few reused workers, not one per task


@pytest.mark.parametrize("metric, score, segment", [("nps", "nps", "region"), ("csat", "csat", "store"),
                                                    ("ces", "csat", "region")])
def test_by_segment_equals_perche_by_segment_to_the_last_digit(spark, frame, metric, score, segment):
    df = spark.createDataFrame(frame).repartition(5)
    options = {"scale": (1, 5)} if metric == "ces" else {}
    got = ps.by_segment(df, score, segment, metric=metric, **options)
    want = perche.by_segment(frame[score], frame[segment], metric=metric, **options)
    same_segments(got, want)


def test_by_segment_with_weights_and_omitted_rows(spark, frame):
    f = frame.copy()
    f["nps"] = f["nps"].astype("float64")
    f.loc[f.index % 11 == 3, "nps"] = np.nan
    f.loc[f.index % 29 == 4, "region"] = None
    df = spark.createDataFrame(f).repartition(3)
    got = ps.by_segment(df, "nps", "region", nan_policy="omit")
    want = perche.by_segment(f["nps"], f["region"], nan_policy="omit")
    same_segments(got, want)
    assert got.n_omitted > 0 and any(s.result.n_omitted > 0 for s in got)
    with pytest.raises(Exception, match="missing"):
        ps.by_segment(df, "nps", "region")
    # A null score: its "index" is a place in one Arrow batch; the message says so and how to find
    # the row (red-team, stop 40).
    with pytest.raises(Exception, match=r"index is a row's place in one Spark batch.*df.filter\(\) on column 'nps'"):
        ps.nps(spark.createDataFrame(f[["nps"]].dropna().head(20).assign(nps=lambda d: d["nps"].where(
            d.index % 2 == 0, np.nan))), "nps")
    # Weighted: the sums of weights depend on the order of summation, so equal to rounding.
    w = ps.by_segment(spark.createDataFrame(frame).repartition(4), "nps", "region", weight="weight")
    ref = perche.by_segment(frame["nps"], frame["region"], weights=frame["weight"])
    for a, b in zip(w, ref):
        assert a.key == b.key and a.result.n == b.result.n
        assert a.result.score == pytest.approx(b.result.score, rel=1e-12)
        assert a.p_bh == pytest.approx(b.p_bh, rel=1e-9)


def test_by_segment_on_a_timestamp_column_gives_the_timestamp_keys_of_one_process(spark, frame):
    # Red-team 21: the workers turned each timestamp label into a str, which Arrow refused in the
    # TimestampType column ("perche.by_segment on the same column works").
    days = np.array(["2024-01-01", "2024-02-01 09:30", "2024-03-01"])[frame.index % 3]
    f = frame[["nps"]].astype("float64").assign(giorno=pd.to_datetime(days, format="ISO8601"))
    f.loc[f.index % 13 == 2, "nps"] = np.nan
    df = spark.createDataFrame(f).repartition(3)
    got = ps.by_segment(df, "nps", "giorno", nan_policy="omit")
    want = perche.by_segment(f["nps"], f["giorno"], nan_policy="omit")
    same_segments(got, want)
    assert [s.key for s in got] == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01 09:30"),
                                    pd.Timestamp("2024-03-01")]
    assert all(type(s.key) is pd.Timestamp for s in got) and any(s.result.n_omitted for s in got)


def test_overall_metrics_equal_one_process(spark, frame):
    df = spark.createDataFrame(frame).repartition(4)
    for got, want in ((ps.nps(df, "nps"), perche.nps(frame["nps"])),
                      (ps.nps(df, "nps", method="wald"), perche.nps(frame["nps"], method="wald")),
                      (ps.csat(df, "csat"), perche.csat(frame["csat"]))):
        assert (got.score, got.ci_low, got.ci_high, got.n) == (want.score, want.ci_low, want.ci_high, want.n)


def test_a_million_generated_responses_give_the_single_process_figures(spark):
    n = 1_000_000
    rng = np.random.default_rng(1)
    big = pd.DataFrame({"nps": rng.choice(11, n, p=np.r_[np.full(7, 0.05), [0.1, 0.15], [0.2, 0.2]]),
                        "segment": rng.integers(0, 40, n)})
    df = spark.createDataFrame(big).repartition(8)
    same_segments(ps.by_segment(df, "nps", "segment"), perche.by_segment(big["nps"], big["segment"]))
    got, want = ps.nps(df, "nps"), perche.nps(big["nps"])
    assert (got.score, got.ci_low, got.ci_high, got.n) == (want.score, want.ci_low, want.ci_high, n)


def test_driver_counts_equal_the_single_process_analysis(spark, model, frame):
    from perche import _core

    labelled = ps.classify(spark.createDataFrame(frame).repartition(3), "comment", model).cache()
    got = ps.drivers(labelled, "nps", "prediction")
    rows = labelled.select("nps", "prediction").collect()
    names = sorted({d for r in rows if r.prediction is not None for d in r.prediction})
    assert list(got["driver"]) == names and len(names) == len(DRIVERS)
    Y = np.array([[int(r.prediction is not None and d in r.prediction) for d in names] for r in rows], dtype=np.uint8)
    has_text = np.array([r.prediction is not None for r in rows], dtype=np.uint8)
    want = _core.analyze_drivers(np.array([r.nps for r in rows], dtype=np.float64), Y, names, has_text,
                                 np.empty(0), _core.DriverAnalysisOptions())
    assert got.attrs["n"] == want.n and got.attrs["n_text"] == want.n_text and got.attrs["score"] == want.score
    for (_, g), w in zip(got.iterrows(), want.drivers):
        assert (g.driver, g.mentions, g.share) == (w.driver, w.mentions, w.share)
        assert (g.score, g.score_ci_low, g.score_ci_high) == (w.score, w.score_ci_low, w.score_ci_high)
        assert g.impact == pytest.approx(w.impact, abs=1e-9)
        # Fewer rows than the sample: the bootstrap and the regressions run on every row, as here.
        assert (g.impact_ci_low, g.impact_ci_high, g.impact_p_value, g.impact_p_holm, g.impact_significant,
                g.few_mentions) == \
            (w.impact_ci_low, w.impact_ci_high, w.impact_p_value, w.impact_p_holm, w.impact_significant,
             w.few_mentions)
        assert (g.or_negative, g.or_negative_ci_low, g.or_positive_ci_high) == \
            (w.negative.odds_ratio, w.negative.ci_low, w.positive.ci_high)
        assert (g.importance_negative, g.importance_positive) == (w.importance_negative, w.importance_positive)
        assert (g.importance_negative_ci_low, g.importance_positive_ci_high) == \
            (w.importance_negative_ci_low, w.importance_positive_ci_high)
    assert got.attrs["sample_n"] == want.n
    assert got.attrs["key_driver"]["negative"]["pseudo_r2"] == want.negative.pseudo_r2
    # A sample of about 200 rows: the counts still come from every row; the intervals from the sample.
    part = ps.drivers(labelled, "nps", "prediction", sample=200)
    assert 150 <= part.attrs["sample_n"] <= 250 < want.n
    assert list(part["mentions"]) == list(got["mentions"])
    assert part["impact_ci_low"].notna().any()
    with pytest.raises(ValueError, match="sample 0 is not a positive number of rows"):
        ps.drivers(labelled, "nps", "prediction", sample=0)
    labelled.unpersist()


def test_errors_name_the_column(spark, frame, model):
    df = spark.createDataFrame(frame)
    with pytest.raises(ValueError, match="no score column 'voto'"):
        ps.by_segment(df, "voto", "region")
    with pytest.raises(ValueError, match="no column 'testo'"):
        ps.classify(df, "testo", model)
    with pytest.raises(TypeError, match="to_bytes"):
        ps.classify(df, "comment", perche.LogisticRegression())


def test_drivers_with_blank_comments_empty_partitions_and_null_scores_equal_one_process(spark, model):
    # Red-team, stop 38: a blank comment was a comment with no driver (shares 0.29 against 0.40),
    # an empty partition failed in Arrow, one null score ended the job ("score nan at index 1").
    pdf = pd.DataFrame({"nps": [9, 3, 10, 0, 6, 7, 8, 2, None],
                        "motivo": ["attesa lunghissima", None, "operatore gentile", "   ", "prezzo alto", "",
                                   "bolletta sbagliata", "attesa infinita al telefono", "prezzo alto"]})
    df = spark.createDataFrame(pdf, "nps double, motivo string").repartition(8)
    got = ps.drivers(ps.classify(df, "motivo", model), "nps", "prediction").set_index("driver")
    local = perche.analyze(pdf, score="nps", text="motivo", model=model, by=[], date=False, progress=False,
                           sentiment=False)
    want = local.drivers.set_index("driver")
    assert got.attrs["n_text"] == local.data["comments"] == 5
    assert got.attrs["n_omitted"] == 1 and got.attrs["n"] == 8
    for d in want.index:
        assert got.loc[d, "mentions"] == want.loc[d, "mentions"]
        assert got.loc[d, "share"] == pytest.approx(want.loc[d, "share"], abs=1e-12)


def test_the_spark_example_runs_and_finds_the_single_process_figures(spark, capsys, monkeypatch):
    # Last in this module: the example stops the (shared) session when it ends.
    import runpy
    import sys
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "examples"
    monkeypatch.setattr(sys, "argv", ["spark_analyze.py", str(examples / "data" / "survey.csv")])
    runpy.run_path(str(examples / "spark_analyze.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert out.count("←") == 3 and "NPS " in out and "impact" in out
    assert "identical to perche.by_segment in one process: True" in out

