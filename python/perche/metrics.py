# SPDX-License-Identifier: Apache-2.0
"""Pythonic front of the metric calculators in perche/metrics.hpp.

Here only what Python users need on top of the C++ API: string options, lists/pandas/numpy input
(contiguous numeric arrays pass through without a copy), dates and durations, labels of periods
and segments. Every statistic is computed in C++.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any, Optional, Sequence

import numpy as np

from . import _core
from ._core import NpsCounts, RatingCounts

_METHODS = {
    "wald": _core.CiMethod.wald,
    "adjusted_wald": _core.CiMethod.adjusted_wald,
    "wilson": _core.CiMethod.wilson,
    "t": _core.CiMethod.t,
    "bootstrap": _core.CiMethod.bootstrap,
}
_AGGREGATIONS = {
    "mean": _core.Aggregation.mean,
    "top_box": _core.Aggregation.top_box,
    "agree_share": _core.Aggregation.top_box,
    "net": _core.Aggregation.net,
}
_TESTS = {"mann_kendall": _core.TrendTestKind.mann_kendall, "ols": _core.TrendTestKind.ols}


def _choice(table: dict, value: Any, what: str):
    try:
        return table[value]
    except (KeyError, TypeError):
        raise ValueError(f"{what} {value!r} is not one of {', '.join(map(repr, table))}") from None


# --- input conversion ------------------------------------------------------------------------


def _numbers(x: Any, what: str = "scores") -> np.ndarray:
    """A 1-D contiguous numeric array; numeric numpy arrays pass through without a copy."""
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):  # pandas: NA becomes NaN, then an error
        dtype = getattr(x, "dtype", None)
        x = x.to_numpy(dtype="float64", na_value=np.nan) if getattr(dtype, "kind", "O") not in "iuf" else x.to_numpy()
    a = np.asarray(x)
    if a.dtype.kind == "O":
        try:
            a = np.array([np.nan if v is None else v for v in a.ravel()], dtype="float64").reshape(a.shape)
        except (TypeError, ValueError):
            raise ValueError(f"{what} must be numbers, got {a.dtype} with non-numeric values") from None
    if a.dtype.kind not in "iuf":
        raise ValueError(f"{what} must be numbers, got dtype {a.dtype}")
    if a.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, got shape {a.shape}")
    return np.ascontiguousarray(a)


def _weights(w: Any) -> Optional[np.ndarray]:
    return None if w is None else _numbers(w, "weights").astype("float64", copy=False)


def _seconds(x: Any, what: str, missing: float = np.nan) -> np.ndarray:
    """Times or durations as float seconds: datetime64/timedelta64 (NaT → `missing`), Python
    datetimes, or plain numbers (None/NaN → `missing`)."""
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):
        x = x.to_numpy()
    a = np.asarray(x)
    if a.dtype.kind == "O":
        items = list(a.ravel())
        sample = next((v for v in items if v is not None and v == v), None)
        if isinstance(sample, (_dt.datetime, _dt.date, np.datetime64, str)):
            a = np.array([np.datetime64("NaT") if v is None else v for v in items], dtype="datetime64[ns]")
        elif isinstance(sample, (_dt.timedelta, np.timedelta64)):
            a = np.array([np.timedelta64("NaT") if v is None else v for v in items], dtype="timedelta64[ns]")
        else:
            a = _numbers(a, what)
    if a.dtype.kind in "US":  # ISO dates as text
        try:
            a = a.astype("datetime64[ns]")
        except ValueError:
            raise ValueError(f"{what} must be numbers or dates, got text that is not an ISO date") from None
    if a.dtype.kind in "Mm":
        unit = "datetime64[ns]" if a.dtype.kind == "M" else "timedelta64[ns]"
        a = a.astype(unit)
        nat = np.isnat(a)
        out = a.astype("int64").astype("float64") / 1e9
        out[nat] = np.nan
        a = out
    a = _numbers(a, what).astype("float64", copy=False)
    if not np.isnan(missing):
        a = np.where(np.isnan(a), missing, a)
    return a


def _scalar_seconds(x: Any, what: str) -> float:
    if isinstance(x, (_dt.date, np.datetime64)):
        a = np.array([x], dtype="datetime64[ns]")
    elif isinstance(x, (_dt.timedelta, np.timedelta64)):
        a = np.array([x], dtype="timedelta64[ns]")
    elif isinstance(x, str):
        try:
            a = np.array([x], dtype="datetime64[ns]")
        except ValueError:
            raise ValueError(f"{what} {x!r} is not a number or an ISO date") from None
    else:
        a = np.array([x], dtype="float64")
    return float(_seconds(a, what)[0])


def _codes(labels: Any, what: str):
    """Sorted distinct labels and each row's code (int64) into them."""
    if hasattr(labels, "to_numpy") and not isinstance(labels, np.ndarray):
        labels = labels.to_numpy()
    a = np.asarray(labels)
    if a.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, got shape {a.shape}")
    if a.dtype.kind == "O":
        bad = [i for i, v in enumerate(a) if v is None or (isinstance(v, float) and v != v)]
        if bad:
            raise ValueError(f"{what}: missing label at index {bad[0]} (expected a value for every row)")
    elif a.dtype.kind == "f" and np.isnan(a).any():
        raise ValueError(f"{what}: missing label at index {int(np.flatnonzero(np.isnan(a))[0])}")
    elif a.dtype.kind == "M" and np.isnat(a).any():
        raise ValueError(f"{what}: missing date at index {int(np.flatnonzero(np.isnat(a))[0])}")
    if a.dtype.kind in "iu" and (a.dtype.kind == "i" or a.dtype.itemsize < 8 or a.max(initial=0) < 2**63):
        return None, np.ascontiguousarray(a, dtype="int64")  # integers are their own codes
    try:
        try:
            import pandas as pd  # hash-based factorize: much faster than sorting for many rows
        except ImportError:
            uniq, codes = np.unique(a, return_inverse=True)
        else:
            codes, uniq = pd.factorize(a, sort=True, use_na_sentinel=False)
            uniq = np.asarray(uniq)
    except TypeError:
        raise ValueError(f"{what}: labels of mixed types cannot be ordered") from None
    return uniq, np.ascontiguousarray(codes, dtype="int64").ravel()


def _label(v: Any) -> Any:
    if isinstance(v, np.datetime64):
        return str(v)
    return v.item() if isinstance(v, np.generic) else v


# --- options -----------------------------------------------------------------------------------


def _nps_options(method="adjusted_wald", confidence=0.95, breaks=(6, 9), bootstrap_samples=2000, seed=12345):
    o = _core.NpsOptions()
    o.method = _choice(_METHODS, method, "method")
    o.confidence = float(confidence)
    o.breaks = _core.NpsBreaks(int(breaks[0]), int(breaks[1]))
    o.bootstrap_samples = int(bootstrap_samples)
    o.seed = int(seed)
    return o


def _rating_options(scale, top, aggregation, method, confidence, reversed, bootstrap_samples, seed):
    o = _core.RatingOptions()
    o.scale_min, o.scale_max = int(scale[0]), int(scale[1])
    o.top = 0 if top is None else int(top)
    o.aggregation = _choice(_AGGREGATIONS, aggregation, "aggregation")
    o.method = None if method is None else _choice(_METHODS, method, "method")
    o.confidence = float(confidence)
    o.reversed = bool(reversed)
    o.bootstrap_samples = int(bootstrap_samples)
    o.seed = int(seed)
    return o


_CSAT_DEFAULTS = dict(scale=(1, 5), top=2, aggregation="top_box", method=None, confidence=0.95, reversed=False,
                      bootstrap_samples=2000, seed=12345)
_CES_DEFAULTS = dict(scale=(1, 7), top=None, aggregation="mean", method=None, confidence=0.95, reversed=False,
                     bootstrap_samples=2000, seed=12345)


def _metric_options(metric: str, options: dict):
    if metric == "nps":
        return _nps_options(**options)
    defaults = {"csat": _CSAT_DEFAULTS, "ces": _CES_DEFAULTS}.get(metric)
    if defaults is None:
        raise ValueError(f"metric {metric!r} is not one of 'nps', 'csat', 'ces'")
    unknown = set(options) - set(defaults)
    if unknown:
        raise TypeError(f"{metric}: unexpected option(s) {', '.join(sorted(unknown))}")
    return _rating_options(**{**defaults, **options})


# --- metrics -----------------------------------------------------------------------------------


def nps(scores, weights=None, method="adjusted_wald", confidence=0.95, breaks=(6, 9), bootstrap_samples=2000,
        seed=12345) -> Optional[_core.NpsResult]:
    """Net Promoter Score of 0–10 scores (list, numpy array, pandas Series) or of an NpsCounts.

    method: "adjusted_wald" (Rocks 2016, default), "wald" or "bootstrap". breaks=(6, 9): detractors
    score <= 6, promoters >= 9. Weights use Kish's effective n. Returns None for no data; raises
    ValueError naming the index of a score outside [0, 10], NaN, or a negative weight.
    """
    o = _nps_options(method, confidence, breaks, bootstrap_samples, seed)
    if isinstance(scores, NpsCounts):
        if weights is not None:
            raise ValueError("nps: weights cannot be given with NpsCounts (they are already in the counts)")
        return _core.nps(scores, o)
    return _core.nps(_numbers(scores), _weights(weights), o)


def _nps_counts(x, weights, breaks) -> NpsCounts:
    if isinstance(x, NpsCounts):
        return x
    c = NpsCounts(_core.NpsBreaks(int(breaks[0]), int(breaks[1])))
    c.add(x, weights)
    return c


def nps_compare(a, b, weights_a=None, weights_b=None, method="adjusted_wald", confidence=0.95, breaks=(6, 9),
                bootstrap_samples=2000, seed=12345) -> Optional[_core.Comparison]:
    """NPS of sample a minus NPS of sample b (independent samples): diff, se, z, p_value, CI.

    a and b are scores or NpsCounts. Returns None when either is empty.
    """
    o = _nps_options(method, confidence, breaks, bootstrap_samples, seed)
    return _core.nps_compare(_nps_counts(a, weights_a, breaks), _nps_counts(b, weights_b, breaks), o)


def compare(a, b, confidence=0.95) -> _core.Comparison:
    """Difference a − b of two independent results (NpsResult or RatingResult): a Wald z-test, or for
    top-box shares with Wilson intervals (the CSAT default) the pooled two-proportion z-test with
    Newcombe's hybrid score interval."""
    return _core.compare(a, b, confidence)


def csat(scores, weights=None, scale=(1, 5), top=2, aggregation="top_box", method=None, confidence=0.95,
         reversed=False, bootstrap_samples=2000, seed=12345) -> Optional[_core.RatingResult]:
    """Customer satisfaction on an integer scale: by default the top-2-box share of 1–5 in percent,
    with Wilson interval, plus the mean with a t interval. Accepts a RatingCounts too."""
    o = _rating_options(scale, top, aggregation, method, confidence, reversed, bootstrap_samples, seed)
    if isinstance(scores, RatingCounts):
        return _core.rating(scores, o)
    return _core.csat(_numbers(scores), _weights(weights), o)


def ces(scores, weights=None, scale=(1, 7), reversed=False, aggregation="mean", top=None, method=None,
        confidence=0.95, bootstrap_samples=2000, seed=12345) -> Optional[_core.RatingResult]:
    """Customer Effort Score on a 1–7 (or 1–5) agreement scale, higher = easier.

    reversed=True when 1 means "concordo pienamente" / effortless. aggregation: "mean" (default),
    "agree_share" (top boxes, 3 of 7 by default) or "net" (% easy − % hard)."""
    o = _rating_options(scale, top, aggregation, method, confidence, reversed, bootstrap_samples, seed)
    if isinstance(scores, RatingCounts):
        return _core.rating(scores, o)
    return _core.ces(_numbers(scores), _weights(weights), o)


def churn_rate(start, end, period_start, period_end, confidence=0.95) -> Optional[_core.ChurnResult]:
    """Churn over [period_start, period_end) from customer start/end times (numbers, datetimes,
    datetime64). A missing end (None, NaN, NaT) means the customer is still active."""
    s = _seconds(start, "start")
    e = _seconds(end, "end", missing=np.inf)
    return _core.churn_rate(s, e, _scalar_seconds(period_start, "period_start"),
                            _scalar_seconds(period_end, "period_end"), confidence)


def response_times(durations=None, *, start=None, end=None, sla=None, confidence=0.95):
    """Response-time KPIs (n, mean, median, p90, p95, share within the SLA) from durations or from
    start/end timestamp pairs. timedelta64/datetime64 inputs are converted to seconds (and so is a
    timedelta sla); plain numbers keep their unit."""
    sla_s = None if sla is None else _scalar_seconds(sla, "sla")
    if durations is not None:
        if start is not None or end is not None:
            raise ValueError("response_times: give durations or start and end, not both")
        return _core.response_times(_seconds(durations, "durations"), sla_s, confidence)
    if start is None or end is None:
        raise ValueError("response_times: give durations, or both start and end")
    return _core.response_times(_seconds(start, "start"), _seconds(end, "end"), sla_s, confidence)


def bayesian_average(mean, n, prior_mean, prior_n) -> float:
    """(mean·n + prior_mean·prior_n) / (n + prior_n): a rating shrunk towards the prior."""
    return _core.bayesian_average(mean, n, prior_mean, prior_n)


def nps_sample_size(margin, promoter_share=0.5, detractor_share=0.5, confidence=0.95, population=None) -> int:
    """Responses needed for an NPS margin of error of `margin` points (worst case by default)."""
    return _core.nps_sample_size(margin, promoter_share, detractor_share, confidence, population)


def nps_margin_of_error(n, promoter_share=0.5, detractor_share=0.5, confidence=0.95, population=None) -> float:
    """Half-width in NPS points of the CI of a sample of n with the given expected shares."""
    return _core.nps_margin_of_error(n, promoter_share, detractor_share, confidence, population)


def p_adjust(p, method="holm") -> np.ndarray:
    """Adjusted p-values: "holm" (Holm 1979) or "bh" (Benjamini–Hochberg 1995)."""
    fn = _choice({"holm": _core.p_adjust_holm, "bh": _core.p_adjust_bh}, method, "method")
    return np.asarray(fn(_numbers(p, "p").astype("float64", copy=False)))


def trend_test(values, test="mann_kendall", alpha=0.05) -> Optional[_core.TrendTestResult]:
    """Trend test on equally spaced values: Mann–Kendall with Sen's slope, or OLS slope."""
    o = _core.TrendOptions()
    o.test = _choice(_TESTS, test, "test")
    o.alpha = float(alpha)
    return _core.trend_test(_numbers(values, "values").astype("float64", copy=False), o)


# --- trends and segments -----------------------------------------------------------------------


def _to_dict(obj: Any) -> Any:
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if isinstance(obj, list):
        return [_to_dict(v) for v in obj]
    return obj


@dataclasses.dataclass
class Period:
    """One period of a trend: its label and the metric's result."""

    period: Any
    result: Any

    def to_dict(self) -> dict:
        return {"period": self.period, **self.result.to_dict()}


@dataclasses.dataclass
class Trend:
    """Per-period results in period order and the trend test (None with fewer than 3 periods)."""

    metric: str
    periods: list
    test: Optional[_core.TrendTestResult]

    def to_dict(self) -> dict:
        return {"metric": self.metric, "periods": [p.to_dict() for p in self.periods],
                "test": None if self.test is None else self.test.to_dict()}

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([p.to_dict() for p in self.periods])


@dataclasses.dataclass
class Segment:
    """A segment's result, its comparison with all other rows, and adjusted p-values."""

    key: Any
    result: Any
    vs_rest: Optional[_core.Comparison]
    p_holm: Optional[float]
    p_bh: Optional[float]

    def to_dict(self) -> dict:
        d = {"key": self.key, **self.result.to_dict()}
        vs = self.vs_rest
        d.update({"diff": None if vs is None else vs.diff, "diff_se": None if vs is None else vs.se,
                  "z": None if vs is None else vs.z, "p_value": None if vs is None else vs.p_value,
                  "p_holm": self.p_holm, "p_bh": self.p_bh})
        return d


class SegmentList(list):
    """The list returned by by_segment(), with to_dict() and to_frame()."""

    def to_dict(self) -> list:
        return [s.to_dict() for s in self]

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(self.to_dict())


def _period_labels(periods: Any, freq: Optional[str]):
    if hasattr(periods, "to_numpy") and not isinstance(periods, np.ndarray):
        periods = periods.to_numpy()
    a = np.asarray(periods)
    if a.dtype.kind == "O" and len(a) and isinstance(a[0], (_dt.date, np.datetime64)):
        a = a.astype("datetime64[ns]")
    if a.dtype.kind == "M":
        f = freq or "M"
        if f not in ("D", "W", "M", "Q", "Y"):
            raise ValueError(f"freq {f!r} is not one of 'D', 'W', 'M', 'Q', 'Y'")
        if np.isnat(a).any():
            raise ValueError(f"periods: missing date at index {int(np.flatnonzero(np.isnat(a))[0])}")
        if f == "Q":
            months = a.astype("datetime64[M]").astype("int64")
            q = months // 3
            labels = np.array([f"{1970 + v // 4}-Q{v % 4 + 1}" for v in q])
            return labels
        return a.astype(f"datetime64[{f}]")
    elif freq is not None:
        raise ValueError("freq applies to dates only")
    return a


def trend(scores, periods, metric="nps", weights=None, freq=None, test="mann_kendall", alpha=0.05,
          **options) -> Trend:
    """The metric per period and a trend test that flags a significant decline.

    periods: labels that sort in time order (numbers, "2026-03", dates). Dates are bucketed by
    freq ("D", "W", "M" — default —, "Q", "Y"). options: those of nps(), csat() or ces()."""
    labels, codes = _codes(_period_labels(periods, freq), "periods")
    t = _core.TrendOptions()
    t.test = _choice(_TESTS, test, "test")
    t.alpha = float(alpha)
    o = _metric_options(metric, options)
    fn = _core.nps_trend if metric == "nps" else _core.rating_trend
    res = fn(_numbers(scores), codes, _weights(weights), o, t)
    return Trend(metric, [Period(_label(p.period if labels is None else labels[p.period]), p.result)
                          for p in res.periods], res.test)


def by_segment(scores, segments, metric="nps", weights=None, **options) -> SegmentList:
    """The metric per segment, each compared with all other rows, with Holm and Benjamini–Hochberg
    adjusted p-values. options: those of nps(), csat() or ces()."""
    labels, codes = _codes(segments, "segments")
    o = _metric_options(metric, options)
    fn = _core.nps_by_segment if metric == "nps" else _core.rating_by_segment
    res = fn(_numbers(scores), codes, _weights(weights), o)
    return SegmentList(Segment(_label(s.key if labels is None else labels[s.key]), s.result, s.vs_rest, s.p_holm,
                               s.p_bh) for s in res)


# --- repr and to_dict for the C++ result types -------------------------------------------------


def _fields(cls) -> list:
    return [k for k, v in vars(cls).items() if isinstance(v, property)]


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return repr(v)


def _install(cls) -> None:
    names = _fields(cls)

    def to_dict(self) -> dict:
        return {k: _to_dict(getattr(self, k)) for k in names}

    def __repr__(self) -> str:
        return f"{cls.__name__}(" + ", ".join(f"{k}={_fmt(getattr(self, k))}" for k in names) + ")"

    cls.to_dict = to_dict
    cls.__repr__ = __repr__


for _cls in (_core.NpsResult, _core.RatingResult, _core.Comparison, _core.ChurnResult, _core.ResponseTimeResult,
             _core.TrendTestResult):
    _install(_cls)


def _counts_repr(self) -> str:
    if isinstance(self, NpsCounts):
        return (f"NpsCounts(detractors={self.detractors:g}, passives={self.passives:g}, "
                f"promoters={self.promoters:g}, n={self.n})")
    return f"RatingCounts(scale=({self.scale_min}, {self.scale_max}), counts={list(self.counts)})"


def _counts_add(self, scores, weights=None) -> None:
    """Adds one score or many (list, numpy array, pandas Series), optionally weighted. Raises
    ValueError naming the first bad index; then nothing is added."""
    scores = np.atleast_1d(scores) if np.ndim(scores) == 0 else scores
    weights = None if weights is None else (np.atleast_1d(weights) if np.ndim(weights) == 0 else weights)
    self._add_array(_numbers(scores), _weights(weights))


for _cls in (NpsCounts, RatingCounts):
    _cls.__repr__ = _counts_repr
    _cls.add = _counts_add
