# SPDX-License-Identifier: Apache-2.0
"""perche on Apache Spark: classify a text column, and metrics by segment, on a DataFrame.

>>> from perche import spark as ps
>>> out = ps.classify(df, "comment", perche.DriverClassifier.load("drivers.pdc"))   # adds "prediction"
>>> ps.by_segment(df, "nps", "region")      # the figures of perche.by_segment on the whole column

Classification runs in the executors through DataFrame.mapInPandas. The model travels as its bytes
(model.to_bytes(), in a broadcast variable) or as a path every executor can read, and each Python
worker loads it once: a cache keyed by the SHA-256 of the bytes keeps it for the following tasks
(Spark reuses Python workers by default, spark.python.worker.reuse). Any model with predict,
predict_proba, classes_, to_bytes() and a from_bytes() class method plugs in (DriverClassifier; a
sentiment classifier with the same methods); a model with set_threads(n) runs on the task's CPUs
(spark.task.cpus), so that executors are not oversubscribed.

Metrics count per partition in C++ (nps_counts_by, rating_counts_by: perche's mergeable NpsCounts
and RatingCounts) and the driver merges the counts with += and computes the figures from them
(nps_by_segment_of, rating_by_segment_of): the same results as perche.nps, csat, ces and
by_segment on all the rows in one process, exactly for unweighted responses (weighted: Σw to the
rounding of the order of summation). Needs pyspark (pip install "perche[spark]") and Java 17.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import sys
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Union

import numpy as np

from . import _core
from .metrics import (NpsCounts, RatingCounts, Segment, SegmentList, _codes, _label, _lost_by_label, _metric_options,
                      _numbers, _omit, _omitted, _weights)

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

    from .classify import DriverClassifier

__all__ = ["session", "classify", "by_segment", "nps", "csat", "ces", "counts_by", "drivers"]


def session(master: str = "local[2]", app_name: str = "perche", **conf: Any) -> SparkSession:
    """A SparkSession for trying perche.spark on one machine: master local[2], bound to 127.0.0.1,
    no web UI, the Python workers running this interpreter. conf: more settings, with dots written
    as underscores (spark_sql_shuffle_partitions=4). A cluster's session comes from its own set-up."""
    from pyspark.sql import SparkSession

    settings = {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1",
                "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
                "spark.sql.shuffle.partitions": "4",
                "spark.pyspark.python": sys.executable, "spark.pyspark.driver.python": sys.executable,
                "spark.sql.execution.arrow.pyspark.enabled": "true"}
    settings.update({k.replace("_", "."): str(v) for k, v in conf.items()})
    # The Python workers run this interpreter (with perche and pyarrow) unless told otherwise;
    # pyspark reads the variable when the context starts.
    os.environ.setdefault("PYSPARK_PYTHON", settings["spark.pyspark.python"])
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no lookup of the host's own address
    builder = SparkSession.builder.master(master).appName(app_name)
    for k, v in settings.items():
        builder = builder.config(k, v)
    return builder.getOrCreate()


# --- classification -------------------------------------------------------------------------------

# In each Python worker: SHA-256 of the model's bytes -> [model, threads it was set to].
_MODELS: dict = {}
_MAX_MODELS = 4


def _model_class(model) -> tuple:
    cls = type(model)
    if not callable(getattr(cls, "from_bytes", None)) or not callable(getattr(model, "to_bytes", None)):
        raise TypeError(f"perche.spark.classify: model {cls.__name__} has no to_bytes()/from_bytes(); "
                        "expected a perche model such as DriverClassifier")
    return cls.__module__, cls.__qualname__


def _load_class(ref: tuple):
    import importlib

    module, qualname = ref
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _worker_model(blob_of, cls_ref: tuple, threads: int):
    """The model whose bytes blob_of() returns, loaded once per worker process and kept."""
    blob = blob_of()
    key = hashlib.sha256(blob).hexdigest()
    entry = _MODELS.get(key)
    if entry is None:
        entry = [_load_class(cls_ref).from_bytes(blob), None]
        while len(_MODELS) >= _MAX_MODELS:  # a long-lived worker that saw many models keeps the latest
            _MODELS.pop(next(iter(_MODELS)))
        _MODELS[key] = entry
    if threads and entry[1] != threads and hasattr(entry[0], "set_threads"):
        entry[0].set_threads(threads)
        entry[1] = threads
    return entry[0]


def _task_cpus() -> int:
    """spark.task.cpus of the running task (0 outside Spark)."""
    from pyspark import TaskContext

    tc = TaskContext.get()
    if tc is None:
        return 0
    cpus = getattr(tc, "cpus", None)  # pyspark >= 3.3
    return int(cpus()) if cpus is not None else int(tc.getLocalProperty("spark.task.cpus") or 1)


def classify(df: DataFrame, column: str, model: Union[DriverClassifier, Any, str, os.PathLike[str]], *,
             prediction_col: str = "prediction", proba_col: Optional[str] = None,
             threads: Optional[int] = None) -> DataFrame:
    """df with the model's prediction of the texts in `column` (a string column) added as
    prediction_col, and with proba_col (if given) the probabilities in classes_ order (array of
    doubles). A multi-label model (DriverClassifier) predicts the array of its class names that
    apply; a single-label model its class (string or integer, the type of its classes_). A null
    or blank text gives null (no comment, as perche.analyze counts comments). model: the fitted model, shipped as its bytes; or the path of a saved
    DriverClassifier that every executor can read. threads: native threads per task (None: the
    task's spark.task.cpus)."""
    from pyspark.sql.types import ArrayType, DoubleType, LongType, StringType, StructField, StructType

    if not isinstance(model, (str, os.PathLike)):
        _model_class(model)  # a model that cannot travel is refused before anything is shipped
    if isinstance(model, (str, os.PathLike)):
        from .classify import DriverClassifier

        path = os.fspath(model)
        model = DriverClassifier.load(path)  # here for its classes; the executors read the file
        blob_of: Union[_FileBytes, _Broadcast] = _FileBytes(path)
    else:
        blob_of = _Broadcast(df.sparkSession.sparkContext.broadcast(model.to_bytes()))
    cls_ref = _model_class(model)
    classes = np.asarray(model.classes_)
    multi = _is_multi_label(model)
    if prediction_col in df.columns or (proba_col is not None and proba_col in df.columns):
        raise ValueError(f"perche.spark.classify: column {prediction_col!r} or {proba_col!r} is already in the frame")
    if column not in df.columns:
        raise ValueError(f"perche.spark.classify: no column {column!r} (columns: {', '.join(df.columns)})")
    label_type: Union[StringType, LongType]
    if multi or classes.dtype.kind in "OUS":
        label_type = StringType()
    else:
        label_type = LongType()
    fields = list(df.schema.fields) + [StructField(prediction_col, ArrayType(StringType()) if multi else label_type)]
    if proba_col is not None:
        fields.append(StructField(proba_col, ArrayType(DoubleType())))
    names = [str(c) for c in classes] if multi or label_type == StringType() else [int(c) for c in classes]
    run = _Classify(blob_of, cls_ref, column, prediction_col, proba_col, multi, names, threads)
    return df.mapInPandas(run, StructType(fields))


def _is_multi_label(model) -> bool:
    tags = getattr(model, "_more_tags", None)
    return bool(tags and tags().get("multilabel"))


class _Broadcast:
    def __init__(self, bc):
        self.bc = bc

    def __call__(self) -> bytes:
        return self.bc.value


class _FileBytes:
    def __init__(self, path: str):
        self.path = path

    def __call__(self) -> bytes:
        with open(self.path, "rb") as f:
            return f.read()


class _Classify:
    """The function mapInPandas runs on each partition's batches (pickled to the executors)."""

    def __init__(self, blob_of, cls_ref, column, prediction_col, proba_col, multi, names, threads):
        self.blob_of, self.cls_ref, self.column = blob_of, cls_ref, column
        self.prediction_col, self.proba_col, self.multi, self.names = prediction_col, proba_col, multi, names
        self.threads = threads

    def __call__(self, batches):
        model = _worker_model(self.blob_of, self.cls_ref, self.threads if self.threads is not None else _task_cpus())
        names = np.asarray(self.names, dtype=object)
        for pdf in batches:
            texts = pdf[self.column]
            # A blank text is no comment, as analyze counts them: [] made drivers() divide by more
            # comments than the single-process analysis (shares 0.29 against 0.40).
            present = (texts.notna() & texts.astype(str).str.strip().ne("")).to_numpy()
            rows = np.flatnonzero(present)
            todo = [str(t) for t in texts[present]]
            pred: list = [None] * len(pdf)
            proba: list = [None] * len(pdf)
            if todo:
                if self.multi:
                    for i, row in zip(rows, np.asarray(model.predict(todo)).astype(bool)):
                        pred[i] = names[row].tolist()
                else:
                    as_label = str if isinstance(self.names[0], str) else int
                    for i, c in zip(rows, np.asarray(model.predict(todo))):
                        pred[i] = as_label(c)
                if self.proba_col is not None:
                    for i, p in zip(rows, np.asarray(model.predict_proba(todo), dtype=np.float64)):
                        proba[i] = p.tolist()
            out = pdf.copy()
            out[self.prediction_col] = pred
            if self.proba_col is not None:
                out[self.proba_col] = proba
            yield out


# --- metrics ---------------------------------------------------------------------------------------


def _check_columns(df: DataFrame, what: str, **cols: Optional[str]) -> None:
    for role, c in cols.items():
        if c is not None and c not in df.columns:
            raise ValueError(f"perche.spark.{what}: no {role} column {c!r} (columns: {', '.join(df.columns)})")


def counts_by(df: DataFrame, score: str, segment: Optional[str] = None, metric: str = "nps",
              weight: Optional[str] = None, nan_policy: str = "raise",
              **options: Any) -> Tuple[Dict[Any, Union[NpsCounts, RatingCounts]], int, Dict[Any, int]]:
    """The merged accumulators: ({segment label: NpsCounts or RatingCounts}, rows omitted,
    {segment label: rows omitted}), counted per partition in C++ and merged with +=. segment None:
    one group under the label None. options: the metric's (breaks for nps, scale for csat/ces)."""
    from pyspark.sql.types import ArrayType, DoubleType, LongType, StructField, StructType

    _check_columns(df, "counts_by", score=score, segment=segment, weight=weight)
    o = _metric_options(metric, options)
    if metric == "nps":
        shape = ("nps", o.breaks.detractor_max, o.breaks.promoter_min)
    else:
        shape = ("rating", o.scale_min, o.scale_max)
    cols = [c for c in (score, segment, weight) if c is not None]
    label_field = df.schema[segment] if segment is not None else StructField("segment", LongType())
    schema = StructType([StructField("segment", label_field.dataType), StructField("counts", ArrayType(LongType())),
                         StructField("weights", ArrayType(DoubleType())),
                         StructField("squared", ArrayType(DoubleType())),
                         StructField("fourth", ArrayType(DoubleType())), StructField("lost", LongType()),
                         StructField("omitted", LongType())])
    part = _PartitionCounts(score, segment, weight, nan_policy, shape)
    rows = df.select(*cols).mapInPandas(part, schema).collect()
    merged: dict = {}
    lost: dict = {}
    omitted = 0
    for r in rows:
        omitted += r["omitted"] or 0
        if r["counts"] is None:
            continue
        label = r["segment"]
        c = _make_counts(shape, r["counts"], r["weights"], r["squared"], r["fourth"])
        if label in merged:
            merged[label] += c
        else:
            merged[label] = c
        lost[label] = lost.get(label, 0) + (r["lost"] or 0)
    return merged, omitted, lost


def _make_counts(shape, counts, weights, squared, fourth):
    if shape[0] == "nps":
        return NpsCounts(_core.NpsBreaks(shape[1], shape[2]), list(counts), list(weights), list(squared),
                         list(fourth))
    return RatingCounts(shape[1], shape[2], list(counts), list(weights), list(squared), list(fourth))


class _PartitionCounts:
    """Counts of one partition by segment, in C++, merged over its Arrow batches: one output row
    per segment (the state of its accumulator, and the rows it lost to nan_policy="omit"), and a
    row (segment null, no counts) with the partition's omitted rows."""

    def __init__(self, score, segment, weight, nan_policy, shape):
        self.score, self.segment, self.weight, self.nan_policy, self.shape = score, segment, weight, nan_policy, shape

    def _batch(self, pdf, seg):
        """One Arrow batch's counts by segment: (keys, counts, labels, omitted, dropped)."""
        import pandas as pd

        x, omitted, dropped = _omit(self.nan_policy, "perche.spark", {
            "scores": pdf[self.score], "segments": seg,
            "weights": pdf[self.weight] if self.weight is not None else None})
        codes, labels = pd.factorize(np.asarray(x["segments"]), use_na_sentinel=True)
        if (codes < 0).any():  # nan_policy "raise": a null segment
            raise ValueError(f"perche.spark: missing segment in column {self.segment!r} "
                             "(expected a value for every row, or nan_policy='omit')")
        scores = _numbers(x["scores"], "scores")
        w = _weights(x["weights"])
        codes = np.ascontiguousarray(codes, dtype=np.int64)
        if self.shape[0] == "nps":
            keys, counts = _core.nps_counts_by(scores, codes, w, _core.NpsBreaks(self.shape[1], self.shape[2]))
        else:
            keys, counts = _core.rating_counts_by(scores, codes, w, self.shape[1], self.shape[2])
        return keys, counts, labels, omitted, dropped

    def __call__(self, batches):
        import collections

        import pandas as pd

        acc: dict = {}
        lost_all: collections.Counter = collections.Counter()
        omitted_all = 0
        for pdf in batches:
            seg = pdf[self.segment] if self.segment is not None else pd.Series(np.zeros(len(pdf), dtype=np.int64))
            try:
                keys, counts, labels, omitted, dropped = self._batch(pdf, seg)
            except ValueError as e:  # "index 3" counts rows of one Arrow batch: no row a user can find
                if " index " not in str(e):
                    raise
                raise ValueError(f"{e} (the index is a row's place in one Spark batch, not in the DataFrame, whose "
                                 f"rows have no order: df.filter() on column {self.score!r}"
                                 f"{'' if self.weight is None else f' or {self.weight!r}'} finds it; "
                                 "nan_policy='omit' leaves out rows without a value)") from None
            omitted_all += omitted
            if self.segment is not None:
                lost_all.update(_lost_by_label(seg, dropped, lambda k: k, _label))
            for k, c in zip(keys, counts):
                label = _label(labels[k]) if self.segment is not None else None
                if label in acc:
                    acc[label] += c
                else:
                    acc[label] = c
        out: dict = {"segment": [], "counts": [], "weights": [], "squared": [], "fourth": [], "lost": [],
                     "omitted": []}

        def row(label, c, lost, omitted):
            out["segment"].append(label)
            out["counts"].append(None if c is None else [int(v) for v in c.counts])
            out["weights"].append(None if c is None else list(c.weights))
            out["squared"].append(None if c is None else list(c.squared_weights))
            out["fourth"].append(None if c is None else list(c.fourth_power_weights))
            out["lost"].append(lost)
            out["omitted"].append(omitted)
        for label, c in acc.items():
            row(label, c, lost_all.pop(label, 0), 0)
        for label, n in lost_all.items():  # a segment whose every row was omitted
            row(label, None, n, 0)
        row(None, None, 0, omitted_all)
        yield pd.DataFrame(out)


def by_segment(df: DataFrame, score: str, segment: str, metric: str = "nps", weight: Optional[str] = None,
               nan_policy: str = "raise", **options: Any) -> SegmentList:
    """perche.by_segment on the columns score and segment (and weight) of a Spark DataFrame: the
    metric per segment, each compared with all other rows, Holm and Benjamini–Hochberg adjusted
    p-values; the same SegmentList, to the last digit for unweighted responses."""
    merged, omitted, lost = counts_by(df, score, segment, metric, weight, nan_policy, **options)
    o = _metric_options(metric, options)
    out = SegmentList()
    out.n_omitted = omitted
    if not merged:
        return out
    labels = list(merged)
    uniq, codes = _codes(_label_array(labels), "segments")
    of: Any = _core.nps_by_segment_of if metric == "nps" else _core.rating_by_segment_of  # the counts' kind
    res = of(codes, [merged[k] for k in labels], o)
    for s in res:
        key = _label(s.key if uniq is None else uniq[s.key])
        out.append(Segment(key, _omitted(s.result, lost.get(key, 0)), s.vs_rest, s.p_holm, s.p_bh, s.too_few))
    return out


def _label_array(labels: List[Any]) -> np.ndarray:
    """Labels as the array perche.by_segment would see for that column: integers as int64 (their
    own keys), timestamps (TimestampType, collected as datetime) as datetime64 (keys that are
    pandas Timestamps, as perche.by_segment gives them), anything else as objects (sorted distinct
    values)."""
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in labels):
        return np.asarray(labels, dtype=np.int64)
    if all(isinstance(v, datetime.datetime) and v.tzinfo is None for v in labels):
        return np.asarray(labels, dtype="datetime64[ns]")
    a = np.empty(len(labels), dtype=object)
    a[:] = labels
    return a


def _overall(metric: str, df: DataFrame, score: str, weight: Optional[str], nan_policy: str,
             options: Dict[str, Any]) -> Any:
    from . import metrics

    merged, omitted, _ = counts_by(df, score, None, metric, weight, nan_policy, **options)
    if not merged:
        return None
    (counts,) = merged.values()
    return _omitted(getattr(metrics, metric)(counts, **options), omitted)


def nps(df: DataFrame, score: str, weight: Optional[str] = None, nan_policy: str = "raise",
        **options: Any) -> Optional[_core.NpsResult]:
    """perche.nps of a column of a Spark DataFrame (options: those of perche.nps)."""
    return _overall("nps", df, score, weight, nan_policy, options)


def csat(df: DataFrame, score: str, weight: Optional[str] = None, nan_policy: str = "raise",
         **options: Any) -> Optional[_core.RatingResult]:
    """perche.csat of a column of a Spark DataFrame (options: those of perche.csat)."""
    return _overall("csat", df, score, weight, nan_policy, options)


def ces(df: DataFrame, score: str, weight: Optional[str] = None, nan_policy: str = "raise",
        **options: Any) -> Optional[_core.RatingResult]:
    """perche.ces of a column of a Spark DataFrame (options: those of perche.ces)."""
    return _overall("ces", df, score, weight, nan_policy, options)


# --- driver analysis: the mergeable parts -----------------------------------------------------------


SAMPLE_ROWS = 200_000  # drivers(sample=None): rows collected for the bootstrap and the regressions


def drivers(df: DataFrame, score: str, labels: str, names: Optional[List[str]] = None, metric: str = "nps",
            weight: Optional[str] = None, *, sample: Optional[int] = None, **options: Any) -> pd.DataFrame:
    """perche's driver analysis on a Spark DataFrame. labels: a column holding, per response, the
    array of driver names it mentions (classify()'s prediction), null when there is no comment.
    names: the drivers, in the order wanted (default: the sorted names seen). options: the metric's.

    The counting parts come from counts merged across partitions, over every row: per driver the
    mentions, their share of the responses with a comment, the score among the mentioners with its
    interval, and the impact (score of all responses − score of those that do not mention the
    driver). They equal perche's analysis (analyze_drivers) to the last digit for unweighted
    responses; the impact to rounding (a difference of two scores here, of sums there).

    What does not merge, the impact's bootstrap interval (impact_ci_low/high, impact_significant,
    few_mentions) and the key-driver regressions (odds ratios or_negative/or_positive with their
    intervals, Shapley importance with its bootstrap intervals importance_*_ci_low/high), is
    computed by analyze_drivers on a simple random sample of `sample` rows (None: SAMPLE_ROWS =
    200,000; Spark's Bernoulli sampling with the analysis's seed, so about that many), collected to
    the driver; all rows when the frame has no more. The sample's size is attrs["sample_n"]; with
    every row it is the single-process analysis. Returns a pandas DataFrame (one row per driver)
    whose attrs hold n, n_text, the overall score, n_omitted (rows without a score, left out),
    sample_n and the two key-driver models
    (attrs["key_driver"]: outcome, n, events, pseudo_r2, converged)."""
    import pandas as pd
    from pyspark.sql.types import ArrayType, DoubleType, LongType, StringType, StructField, StructType

    from . import metrics

    _check_columns(df, "drivers", score=score, labels=labels, weight=weight)
    o = _metric_options(metric, options)
    shape = ("nps", o.breaks.detractor_max, o.breaks.promoter_min) if metric == "nps" else \
        ("rating", o.scale_min, o.scale_max)
    schema = StructType([StructField("kind", StringType()), StructField("driver", StringType()),
                         StructField("counts", ArrayType(LongType())), StructField("weights", ArrayType(DoubleType())),
                         StructField("squared", ArrayType(DoubleType())),
                         StructField("fourth", ArrayType(DoubleType()))])
    if names is None:  # every partition counts the others of every driver, so the names come first
        from pyspark.sql.functions import explode

        names = sorted(r[0] for r in df.select(explode(labels)).distinct().collect() if r[0] is not None)
    cols = [c for c in (score, labels, weight) if c is not None]
    rows = df.select(*cols).mapInPandas(_PartitionDrivers(score, labels, weight, shape, list(names)),
                                        schema).collect()
    merged: dict = {}
    omitted = 0
    for r in rows:
        if r["kind"] == "omitted":
            omitted += int(r["counts"][0])
            continue
        key = (r["kind"], r["driver"])
        c = _make_counts(shape, r["counts"], r["weights"], r["squared"], r["fourth"])
        if key in merged:
            merged[key] += c
        else:
            merged[key] = c
    fn = getattr(metrics, metric)
    empty = NpsCounts(_core.NpsBreaks(shape[1], shape[2])) if shape[0] == "nps" else RatingCounts(shape[1], shape[2])
    all_ = merged.get(("all", None), empty)
    text = merged.get(("text", None), empty)
    overall = fn(all_, **options) if all_.n else None
    out = []
    for d in names:
        m = merged.get(("mentioned", d), empty)
        rest = merged.get(("rest", d), empty)
        res = fn(m, **options) if m.n else None
        rest_res = fn(rest, **options) if rest.n and m.n else None
        out.append({"driver": d, "mentions": int(m.n),
                    "share": m.total_weight / text.total_weight if text.total_weight > 0 else 0.0,
                    "score": None if res is None else res.score,
                    "score_ci_low": None if res is None else res.ci_low,
                    "score_ci_high": None if res is None else res.ci_high,
                    "impact": None if rest_res is None or overall is None else overall.score - rest_res.score})
    frame = pd.DataFrame(out, columns=["driver", "mentions", "share", "score", "score_ci_low", "score_ci_high",
                                       "impact"])
    frame.attrs.update(n=int(all_.n), n_text=int(text.n), score=None if overall is None else overall.score,
                       n_omitted=omitted)
    _sampled_drivers(df, frame, score, labels, weight, list(names), metric, o, int(all_.n), sample)
    return frame


def _sampled_drivers(df, frame, score, labels, weight, names, metric, o, n, sample) -> None:
    """The bootstrap intervals and regressions of drivers(), on a sample collected to the driver."""
    import numpy as np

    if sample is not None and (isinstance(sample, bool) or not isinstance(sample, int) or sample < 1):
        raise ValueError(f"drivers: sample {sample!r} is not a positive number of rows")
    a = _core.DriverAnalysisOptions()
    a.metric = getattr(_core.Metric, metric)
    if metric == "nps":
        a.nps = o
    else:
        a.rating = o
    a.confidence = o.confidence
    want = SAMPLE_ROWS if sample is None else sample
    cols = [c for c in (score, labels, weight) if c is not None]
    part = df.select(*cols)
    if n > want:
        part = part.sample(withReplacement=False, fraction=want / n, seed=int(a.seed) % (1 << 63))
    rows = part.collect()
    if not rows:
        frame.attrs.update(sample_n=0, key_driver=None)
        return
    index = {d: j for j, d in enumerate(names)}
    Y = np.zeros((len(rows), len(names)), dtype=np.uint8)
    has_text = np.zeros(len(rows), dtype=np.uint8)
    for i, r in enumerate(rows):
        got = r[labels]
        if got is None:
            continue
        has_text[i] = 1
        for d in got:
            if d in index:
                Y[i, index[d]] = 1
    scores = np.array([np.nan if r[score] is None else r[score] for r in rows], dtype=np.float64)
    keep = ~np.isnan(scores)  # the counts above skip rows without a score alike
    w = np.array([r[weight] for r in rows], dtype=np.float64)[keep] if weight is not None else np.empty(0)
    res = _core.analyze_drivers(scores[keep], Y[keep], names, has_text[keep], w, a)
    by_name = {d.driver: d for d in res.drivers}

    def odds(d, side, what):
        r = getattr(d, side) if d is not None else None
        return None if r is None else getattr(r, what)

    for col, get in (("impact_ci_low", lambda d: d.impact_ci_low), ("impact_ci_high", lambda d: d.impact_ci_high),
                     ("impact_p_value", lambda d: d.impact_p_value), ("impact_p_holm", lambda d: d.impact_p_holm),
                     ("impact_significant", lambda d: d.impact_significant),
                     ("few_mentions", lambda d: d.few_mentions),
                     ("or_negative", lambda d: odds(d, "negative", "odds_ratio")),
                     ("or_negative_ci_low", lambda d: odds(d, "negative", "ci_low")),
                     ("or_negative_ci_high", lambda d: odds(d, "negative", "ci_high")),
                     ("or_positive", lambda d: odds(d, "positive", "odds_ratio")),
                     ("or_positive_ci_low", lambda d: odds(d, "positive", "ci_low")),
                     ("or_positive_ci_high", lambda d: odds(d, "positive", "ci_high")),
                     ("importance_negative", lambda d: d.importance_negative),
                     ("importance_positive", lambda d: d.importance_positive),
                     ("importance_negative_ci_low", lambda d: d.importance_negative_ci_low),
                     ("importance_negative_ci_high", lambda d: d.importance_negative_ci_high),
                     ("importance_positive_ci_low", lambda d: d.importance_positive_ci_low),
                     ("importance_positive_ci_high", lambda d: d.importance_positive_ci_high)):
        frame[col] = [None if by_name.get(d) is None else get(by_name[d]) for d in frame["driver"]]

    def model(m):
        return None if m is None else {"outcome": m.outcome, "n": int(m.n), "events": int(m.events),
                                       "pseudo_r2": m.pseudo_r2, "converged": bool(m.converged)}

    frame.attrs.update(sample_n=int(keep.sum()), key_driver={"negative": model(res.negative),
                                                             "positive": model(res.positive)})


class _PartitionDrivers:
    """Per partition: the accumulators of all responses, of those with a comment, and per driver of
    its mentioners and of the other responses; one output row each."""

    def __init__(self, score, labels, weight, shape, names):
        self.score, self.labels, self.weight, self.shape, self.names = score, labels, weight, shape, names

    def _by(self, scores, keys, w):
        if self.shape[0] == "nps":
            return _core.nps_counts_by(scores, keys, w, _core.NpsBreaks(self.shape[1], self.shape[2]))
        return _core.rating_counts_by(scores, keys, w, self.shape[1], self.shape[2])

    def __call__(self, batches):
        import pandas as pd

        acc: dict = {}

        def add(key, c):
            if key in acc:
                acc[key] += c
            else:
                acc[key] = c
        omitted = 0
        for pdf in batches:
            # A row without a score is left out, as analyze leaves it out (one null score ended the
            # job with "score nan at index 1", an index into an Arrow batch); counted in n_omitted.
            keep = pdf[self.score].notna().to_numpy()
            omitted += int((~keep).sum())
            pdf = pdf[keep]
            scores = _numbers(pdf[self.score], "scores")
            w = _weights(pdf[self.weight]) if self.weight is not None else None
            lab = pdf[self.labels]
            has_text = lab.notna().to_numpy()
            lists = [list(v) if t else [] for v, t in zip(lab, has_text)]
            for k, c in zip(*self._by(scores, has_text.astype(np.int64), w)):
                add(("all", None), c)
                if k == 1:
                    add(("text", None), c)
            for d in self.names:
                mentioned = np.fromiter((d in r for r in lists), dtype=np.int64, count=len(lists))
                for k, c in zip(*self._by(scores, mentioned, w)):
                    add(("mentioned" if k == 1 else "rest", d), c)
        if not acc and not omitted:  # an empty partition: no row (its empty columns were float64,
            return                    # which Arrow cannot turn into the schema's arrays)
        out: dict = {"kind": [], "driver": [], "counts": [], "weights": [], "squared": [], "fourth": []}
        for (kind, d), c in acc.items():
            out["kind"].append(kind)
            out["driver"].append(d)
            out["counts"].append([int(v) for v in c.counts])
            out["weights"].append(list(c.weights))
            out["squared"].append(list(c.squared_weights))
            out["fourth"].append(list(c.fourth_power_weights))
        if omitted:
            out["kind"].append("omitted")
            out["driver"].append(None)
            out["counts"].append([omitted])
            for k in ("weights", "squared", "fourth"):
                out[k].append([])
        yield pd.DataFrame(out)
