# SPDX-License-Identifier: Apache-2.0
"""Pythonic front of the metric calculators in perche/metrics.hpp.

Here only what Python users need on top of the C++ API: string options, lists/pandas/numpy input
(contiguous numeric arrays pass through without a copy), dates and durations, labels of periods
and segments. Every statistic is computed in C++.

Conventions for Python inputs:

- Missing values. Functions that take scores (nps, csat, ces, nps_compare, trend, by_segment,
  churn_rate, response_times) take nan_policy="raise" (the default: a ValueError naming the index
  of the first NaN) or "omit", as scipy.stats does: rows where a value is missing (NaN, None,
  pd.NA, NaT) are left out, and parallel inputs (weights, periods, segments, start/end) lose the
  same rows. The result's n_omitted says how many rows were left out (0 under "raise"); when no
  row is left the result is None, as for empty input.
- Time zones. A date is cut into days, weeks, months... on its own wall clock: a tz-aware pandas
  Series/DatetimeIndex, or tz-aware datetime objects, are read in the zone they carry
  (2024-03-01 00:30+01:00 in Rome is in March, not in February as in UTC). In a column mixing
  zones or offsets (as pandas gives for a Rome column across a DST change) each value is read in
  its own; naive values are taken as they are. Only durations between two timestamps
  (response_times(start=, end=)) use the instants themselves, so that a DST change does not add
  or remove an hour.
- Byte order. Big-endian arrays ('>i4', '>f8') are read in their own byte order.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as _dt
import sys
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple, TypeVar, Union

import numpy as np
import numpy.typing as npt

from . import _core
from ._core import NpsCounts, RatingCounts

if TYPE_CHECKING:
    import pandas as pd

# What the metric functions take (see the module's notes): scores, weights, dates, labels as a
# list, a numpy array or a pandas Series; the results of the C++ calculators.
Values = npt.ArrayLike
Result = Union[_core.NpsResult, _core.RatingResult]
_T = TypeVar("_T")
_F = TypeVar("_F", bound=Callable[..., Any])

_METHODS = {
    "wald": _core.CiMethod.wald,
    "adjusted_wald": _core.CiMethod.adjusted_wald,
    "wilson": _core.CiMethod.wilson,
    "wilson_cc": _core.CiMethod.wilson_cc,
    "t": _core.CiMethod.t,
    "adjusted_t": _core.CiMethod.adjusted_t,
    "bootstrap": _core.CiMethod.bootstrap,
}
_AGGREGATIONS = {
    "mean": _core.Aggregation.mean,
    "top_box": _core.Aggregation.top_box,
    "agree_share": _core.Aggregation.top_box,
    "net": _core.Aggregation.net,
}
_TESTS = {"mann_kendall": _core.TrendTestKind.mann_kendall, "ols": _core.TrendTestKind.ols}


def _choice(table: Dict[Any, _T], value: Any, what: str) -> _T:
    try:
        return table[value]
    except (KeyError, TypeError):
        raise ValueError(f"{what} {value!r} is not one of {', '.join(map(repr, table))}") from None


# --- input conversion ------------------------------------------------------------------------


def _missing(v: Any) -> bool:
    """True for None, NaN, NaT and pd.NA (whose comparisons give NA, not a bool)."""
    if v is None:
        return True
    pd = sys.modules.get("pandas")  # pd.NA exists only when pandas has been imported
    if pd is not None and v is pd.NA:
        return True
    try:
        return bool(v != v)
    except (TypeError, ValueError):
        return False


def _isna(x: Any) -> np.ndarray:
    """The rows of a 1-D input whose value is missing (None, NaN, NaT, pd.NA), as a bool array."""
    if hasattr(x, "isna") and not isinstance(x, np.ndarray):  # pandas Series, Index or extension array
        return np.asarray(x.isna(), dtype=bool)
    a = np.asarray(x)
    if a.dtype.kind == "f":
        return np.isnan(a)
    if a.dtype.kind in "Mm":
        return np.isnat(a)
    if a.dtype.kind == "O":
        return np.fromiter((_missing(v) for v in a.ravel()), dtype=bool, count=a.size).reshape(a.shape)
    return np.zeros(a.shape, dtype=bool)


def _take(x: Any, keep: np.ndarray) -> Any:
    """The rows of x where keep is True, x's type kept where it matters (a tz-aware Series stays one)."""
    if x is None:
        return None
    if hasattr(x, "iloc"):
        return x.iloc[keep]
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):  # pandas Index or extension array
        return x[keep]
    return np.asarray(x)[keep]


_NAN_POLICIES = ("raise", "omit")


def _nan_policy(value: Any) -> str:
    if not isinstance(value, str) or value not in _NAN_POLICIES:
        raise ValueError(f"nan_policy {value!r} is not one of {', '.join(map(repr, _NAN_POLICIES))}")
    return value


def _same_rows(what: str, inputs: Dict[str, Any]) -> None:
    """Parallel inputs are paired by position: pandas Series of one length with different indexes,
    such as a column of a re-sorted frame, would pair other rows without a word. ValueError naming
    them; perche does not realign (reindex one on the other, or pass .to_numpy())."""
    indexed = [(k, v.index) for k, v in inputs.items() if v is not None and hasattr(v, "iloc") and hasattr(v, "index")
               and np.ndim(v) == 1]
    for (k0, i0), (k, i) in zip(indexed, indexed[1:]):
        if len(i0) == len(i) and not i0.equals(i):  # other lengths: the length check names them
            at = next((p for p, (a, b) in enumerate(zip(i0, i)) if not (a == b or (_missing(a) and _missing(b)))),
                      None)
            if at is None:  # the same labels in indexes of other dtypes
                continue
            raise ValueError(f"{what}: {k0} and {k} are pandas Series with different indexes (position {at}: "
                             f"{_label(i0[at])!r} and {_label(i[at])!r}); they are paired by position: take them "
                             f"from one frame, {k}.reindex({k0}.index), or pass .to_numpy()")


def _omit(nan_policy: Any, what: str, inputs: Dict[str, Any],
          optional: Tuple[str, ...] = ()) -> Tuple[Dict[str, Any], int, Optional[np.ndarray]]:
    """nan_policy applied to inputs of the same rows ({name: input}, the first the main one;
    None: not given): returns ({name: input}, n_omitted, dropped), as given under "raise", under
    "omit" without the rows where any input not named in `optional` is missing (the optional
    ones lose the same rows); dropped is the bool mask of those rows (None when there are none).
    Inputs that are not 1-D are left to the usual checks. Pandas inputs of one length must have
    one index (_same_rows)."""
    _same_rows(what, inputs)
    if _nan_policy(nan_policy) == "raise":
        return inputs, 0, None
    given = {k: v for k, v in inputs.items() if v is not None and np.ndim(v) == 1}
    if not given:
        return inputs, 0, None
    (first, x0), *rest = given.items()
    n = len(x0)
    for name, x in rest:
        if len(x) != n:
            raise ValueError(f"{what}: {first} has {n} elements but {name} has {len(x)} (expected the same length)")
    drop = np.zeros(n, dtype=bool)
    for name, x in given.items():
        if name not in optional:
            drop |= _isna(x)
    if not drop.any():
        return inputs, 0, None
    keep = ~drop
    return {k: (_take(v, keep) if k in given else v) for k, v in inputs.items()}, int(drop.sum()), drop


def _omitted(result: _T, n: int) -> _T:
    """result with its n_omitted set (None stays None: no row was left)."""
    if result is not None:
        result.n_omitted = n  # type: ignore[attr-defined]  # the result classes take attributes (py::dynamic_attr)
    return result


def _naive(x: Any, what: str, clock: str = "wall") -> Any:
    """x with time-zone-aware datetimes made naive: each on its own wall clock (clock="wall"; the
    local time it was recorded in, which calendar periods are cut on) or as the UTC instant
    (clock="instant"; for durations). numpy has no zones: given aware datetimes, it converts them
    to UTC with a warning, which put Rome's 1 March 00:30 in February. Naive values stay as they
    are; a mix of naive and aware values cannot give instants (ValueError naming both)."""
    if getattr(getattr(x, "dtype", None), "tz", None) is not None:  # pandas tz-aware Series, Index or array
        acc = x.dt if hasattr(x, "dt") else x
        if clock == "instant":
            x = acc.tz_convert("UTC")
            acc = x.dt if hasattr(x, "dt") else x
        return np.asarray(acc.tz_localize(None))
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):
        x = x.to_numpy()
    a = np.asarray(x)
    if a.dtype.kind != "O" or a.ndim != 1:
        return a
    aware = [getattr(v, "tzinfo", None) is not None for v in a]
    if not any(aware):
        return a
    if clock == "instant":
        for i, v in enumerate(a):
            if not aware[i] and isinstance(v, (_dt.datetime, np.datetime64)) and not _missing(v):
                j = aware.index(True)
                raise ValueError(f"{what}: {v!r} at index {i} has no time zone but {a[j]!r} at index {j} has one "
                                 "(expected all or none)")
    out = np.empty(len(a), dtype=object)
    for i, v in enumerate(a):
        if aware[i]:
            v = (v.astimezone(_dt.timezone.utc) if clock == "instant" else v).replace(tzinfo=None)
        out[i] = v
    return out


def _zoned(x: Any) -> bool:
    """Whether x holds time-zone-aware datetimes."""
    if getattr(getattr(x, "dtype", None), "tz", None) is not None:
        return True
    if getattr(x, "tzinfo", None) is not None:
        return True
    a = np.asarray(x.to_numpy() if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray) else x)
    return a.dtype.kind == "O" and any(getattr(v, "tzinfo", None) is not None for v in a.ravel())


def _dates(x: Any) -> bool:
    """Whether x holds instants (datetime64, aware pandas datetimes, datetime/date objects)."""
    if _zoned(x):
        return True
    a = np.asarray(x.to_numpy() if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray) else x)
    if a.dtype.kind == "M":
        return True
    return a.dtype.kind == "O" and any(isinstance(v, (_dt.date, _dt.time)) for v in a.ravel())


def _no_text(a: np.ndarray, what: str) -> None:
    """ValueError naming the first str or bytes in a (object or text array): "10" in an object
    array or a Categorical was read as the number 10, while a list of it was refused."""
    at = _first_text(a)
    if at is not None:
        raise ValueError(f"{what} must be numbers, got text {_label(a.ravel()[at])!r} at index {at}")


def _first_text(a: np.ndarray) -> Optional[int]:
    """The flat index of the first str or bytes in a, None when there is none."""
    flat = a.ravel()
    if a.dtype.kind in "US":
        return 0 if flat.size else None
    return next((i for i, v in enumerate(flat) if isinstance(v, (str, bytes))), None) if a.dtype.kind == "O" else None


def _numbers(x: Any, what: str = "scores") -> np.ndarray:
    """A 1-D contiguous numeric array; numeric numpy arrays pass through without a copy."""
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):  # pandas: NA becomes NaN, then an error
        dtype = getattr(x, "dtype", None)
        kind = getattr(dtype, "kind", "O")
        if kind == "b":  # as a numpy bool array (True was read as the score 1)
            raise ValueError(f"{what} must be numbers, got dtype {dtype}")
        categories = getattr(dtype, "categories", None)
        if kind == "O" and (categories is None or categories.dtype.kind not in "iuf"):  # object, string, Categorical
            _no_text(x.to_numpy(dtype=object), what)
        x = x.to_numpy(dtype="float64", na_value=np.nan) if kind not in "iuf" else x.to_numpy()
    a = np.asarray(x)
    if a.dtype.kind == "f" and a.dtype.itemsize not in (4, 8):  # float16, long double: read as float64
        a = a.astype("float64")
    if a.dtype.kind in "OUS":
        _no_text(a, what)
    if a.dtype.kind == "O":
        try:
            a = np.array([np.nan if _missing(v) else v for v in a.ravel()], dtype="float64").reshape(a.shape)
        except (TypeError, ValueError):
            raise ValueError(f"{what} must be numbers, got {a.dtype} with non-numeric values") from None
    if a.dtype.kind not in "iuf":
        raise ValueError(f"{what} must be numbers, got dtype {a.dtype}")
    if a.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, got shape {a.shape}")
    return np.ascontiguousarray(a)


def _weights(w: Any) -> Optional[np.ndarray]:
    return None if w is None else _numbers(w, "weights").astype("float64", copy=False)


# What times hold, as _timed and _scalar_unit name it: (plural, with an article).
_UNITS = {"date": ("dates", "a date"), "duration": ("durations", "a duration"), "number": ("numbers", "a number")}


def _seconds(x: Any, what: str, missing: float = np.nan, clock: str = "wall") -> np.ndarray:
    """Times or durations as float seconds: datetime64/timedelta64 (NaT → `missing`), Python
    datetimes, or plain numbers (None/NaN → `missing`). Aware datetimes are read on their own
    wall clock or as instants (see _naive)."""
    return _timed(x, what, missing, clock)[0]


def _timed(x: Any, what: str, missing: float, clock: str) -> Tuple[np.ndarray, Optional[str]]:
    """_seconds(x), and what x held: "date" (datetimes, ISO text), "duration" (timedeltas),
    "number", or None when no value tells (empty, or every value missing in a float or object
    array, as pandas gives for a column with no end yet)."""
    a = _naive(x, what, clock)
    unit: Optional[str] = "number"
    if a.dtype.kind == "O":
        items = list(a.ravel())
        sample = next((v for v in items if not _missing(v)), None)
        if isinstance(sample, (_dt.datetime, _dt.date, np.datetime64, str)):
            a = _iso_dates(a, what)
        elif isinstance(sample, (_dt.timedelta, np.timedelta64)):
            a = np.array([np.timedelta64("NaT") if _missing(v) else v for v in items], dtype="timedelta64[ns]")
        else:
            a = _numbers(a, what)
            unit = None if sample is None else "number"
    elif a.dtype.kind == "f" and np.isnan(a).all():
        unit = None
    if a.dtype.kind in "US":  # ISO dates as text
        a = _iso_dates(a, what)
    if a.dtype.kind in "Mm":
        unit = "date" if a.dtype.kind == "M" else "duration"
        a = a.astype("datetime64[ns]" if a.dtype.kind == "M" else "timedelta64[ns]")
        nat = np.isnat(a)
        if nat.all():  # no value tells the unit: an end column of NaT only, as pandas gives one
            unit = None
        out = a.astype("int64").astype("float64") / 1e9
        out[nat] = np.nan
        a = out
    a = _numbers(a, what).astype("float64", copy=False)
    if not np.isnan(missing):
        a = np.where(np.isnan(a), missing, a)
    return a, (unit if a.size else None)


# The form _iso_dates reads, as its errors say it.
_ISO_FORM = ("YYYY-MM-DD, optionally with a time: '2024-03-01 09:30'; "
             "pd.to_datetime(x, dayfirst=True) reads DD/MM/YYYY")


def _text(a: np.ndarray) -> bool:
    """Whether a 1-D array holds text only (missing values aside)."""
    if a.dtype.kind in "US":
        return True
    import pandas as pd

    return a.dtype.kind == "O" and pd.api.types.infer_dtype(a, skipna=True) == "string"


def _iso_dates(a: np.ndarray, what: str) -> np.ndarray:
    """The reader of dates as text (churn_rate, response_times, trend): a 1-D text or object array
    of ISO 8601 dates ("2024-03-01", "2024-03-01 09:30:00"; datetimes and dates too; None, NaN,
    NaT, pd.NA → NaT) as datetime64 in the coarsest unit that holds them all. ValueError naming the
    first value that is not one, its index and the form expected (numpy's own message said "at
    position 2", a count of characters that read like a row)."""
    try:
        return np.array(a, dtype="datetime64")
    except (TypeError, ValueError):
        pass
    items = [np.datetime64("NaT") if _missing(v) else v for v in a] if a.dtype.kind == "O" else list(a)
    try:
        return np.array(items, dtype="datetime64")
    except (TypeError, ValueError) as e:
        error = e
    for i, v in enumerate(items):
        try:
            np.datetime64(v)
        except (TypeError, ValueError):
            raise ValueError(f"{what}: {_label(v)!r} at index {i} is not an ISO date "
                             f"(expected {_ISO_FORM})") from None
    raise ValueError(f"{what}: {error}")


def _scalar_seconds(x: Any, what: str, clock: str = "wall") -> float:
    if getattr(x, "tzinfo", None) is not None:
        x = (x.astimezone(_dt.timezone.utc) if clock == "instant" else x).replace(tzinfo=None)
    if isinstance(x, (_dt.date, np.datetime64)):
        a = np.array([x], dtype="datetime64[ns]")
    elif isinstance(x, (_dt.timedelta, np.timedelta64)):
        a = np.array([x], dtype="timedelta64[ns]")
    elif isinstance(x, str):
        try:
            a = np.array([x], dtype="datetime64[ns]")
        except ValueError:
            raise ValueError(f"{what} {x!r} is not a number or an ISO date (expected {_ISO_FORM})") from None
    else:
        a = np.array([x], dtype="float64")
    return float(_seconds(a, what)[0])


def _scalar_unit(x: Any) -> str:
    """What a scalar time holds, as _scalar_seconds reads it: "date" (ISO text too), "duration" or "number"."""
    if isinstance(x, (_dt.date, np.datetime64, str)):
        return "date"
    if isinstance(x, (_dt.timedelta, np.timedelta64)):
        return "duration"
    return "number"


def _same_unit(what: str, inputs: Sequence[Tuple[str, Optional[str], Any]]) -> None:
    """ValueError naming the first two inputs, (name, unit, value), whose units differ: numbers
    were read as seconds since 1970 against dates, or as seconds against a timedelta. An array
    input has value None; a unit None (no value to tell) goes with any."""
    known = [(name, unit, value) for name, unit, value in inputs if unit is not None]
    for name, unit, value in known[1:]:
        name0, unit0, value0 = known[0]
        if unit != unit0:
            raise ValueError(f"{what}: {_holds(name0, unit0, value0)} but {_holds(name, unit, value)}; "
                             f"give both as {_UNITS[unit][0]} or both as {_UNITS[unit0][0]}")


def _holds(name: str, unit: str, value: Any) -> str:
    return f"{name} holds {_UNITS[unit][0]}" if value is None else f"{name} {value!r} is {_UNITS[unit][1]}"


def _categorical(x: Any) -> Any:
    """x's pandas Categorical (x a Categorical, or a Series or Index of one), else None."""
    if getattr(getattr(x, "dtype", None), "name", None) != "category":
        return None
    return getattr(x, "array", x)


def _codes(labels: Any, what: str) -> Tuple[Optional[np.ndarray], np.ndarray]:
    """Sorted distinct labels and each row's code (int64) into them; a pandas Categorical's labels
    are its categories in their own order (months declared "gen", "feb", ... sorted to "apr", "feb")."""
    cat = _categorical(labels)
    if cat is not None:
        codes = np.ascontiguousarray(cat.codes, dtype="int64")
        if (codes < 0).any():
            raise ValueError(f"{what}: missing label at index {int(np.flatnonzero(codes < 0)[0])} "
                             "(expected a value for every row)")
        return np.asarray(cat.categories), codes
    if hasattr(labels, "to_numpy") and not isinstance(labels, np.ndarray):
        labels = labels.to_numpy()
    a = np.asarray(labels)
    if a.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, got shape {a.shape}")
    if a.dtype.kind == "O":  # None, NaN, NaT and pd.NA (a pandas "string" array's missing value)
        bad = [i for i, v in enumerate(a) if _missing(v)]
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
    """A label of a segment (or a value in a message) as a Python value: a datetime64 as a pandas
    Timestamp, which joins back to its frame (str gave '2024-01-01T00:00:00.000000'; .item() of
    nanoseconds an int)."""
    if isinstance(v, np.datetime64):
        import pandas as pd

        return pd.Timestamp(v)
    return v.item() if isinstance(v, np.generic) else v


def _period_name(v: Any) -> Any:
    """A trend period's label: a date bucket as its text ("2026-03", "2026-03-01"), else _label(v)."""
    return str(v) if isinstance(v, np.datetime64) else _label(v)


# --- options -----------------------------------------------------------------------------------


def _given(**kwargs: Any) -> Dict[str, Any]:
    """The keyword arguments the caller gave (not None): the others are left to the C++ default
    arguments, which the bindings expose."""
    return {k: v for k, v in kwargs.items() if v is not None}


def _doc(**defaults: Any) -> Callable[[_F], _F]:
    """Fills the {name.field} fields of a docstring from C++ option structs (or values) at import
    time, so that the defaults it shows are the C++ ones, never a copy kept by hand."""
    def fill(obj: _F) -> _F:
        obj.__doc__ = (obj.__doc__ or "").format(**defaults)
        return obj
    return fill


_NPS_OPTIONS = ("method", "confidence", "breaks", "bootstrap_samples", "seed")
_RATING_OPTIONS = ("scale", "top", "aggregation", "method", "confidence", "reversed", "bootstrap_samples", "seed")


_INT32 = (-2**31, 2**31 - 1)


def _integer(value: Any, name: str, lo: int, hi: int, error: Optional[type] = None) -> int:
    """value as an int when it is an integer (not a bool, not 1.5) in [lo, hi]; else `error`
    (ValueError when None) naming it (the C++ options' fixed widths gave pybind11's "incompatible
    function arguments")."""
    import numbers

    if not isinstance(value, numbers.Integral) or isinstance(value, (bool, np.bool_)) or not lo <= value <= hi:
        raise (error or ValueError)(f"{name} {value!r} is not an integer in [{lo}, {hi}]")
    return int(value)


def _real(value: Any, name: str, error: Optional[type] = None) -> float:
    """value as a float when it is a real number (not a bool); else `error` (ValueError when None)."""
    import numbers

    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise (error or ValueError)(f"{name} {value!r} is not a number")
    return float(value)  # its range is checked by the C++ options


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):  # "no" was read as True
        raise ValueError(f"{name} {value!r} is not True or False")
    return bool(value)


def _pair(value: Any, name: str) -> Tuple[int, int]:
    """Two integers (a scale's ends, NPS breaks), each an int32."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ValueError(f"{name} {value!r} is not a pair of integers")
    return _integer(value[0], name, *_INT32), _integer(value[1], name, *_INT32)


def _nps_options(method: Optional[str] = None, confidence: Optional[float] = None,
                 breaks: Optional[Tuple[int, int]] = None, bootstrap_samples: Optional[int] = None,
                 seed: Optional[int] = None) -> _core.NpsOptions:
    """NpsOptions: those left None keep the C++ defaults (perche::NpsOptions)."""
    o = _core.NpsOptions()
    if method is not None:
        o.method = _choice(_METHODS, method, "method")
    if confidence is not None:
        o.confidence = _real(confidence, "confidence")
    if breaks is not None:
        o.breaks = _core.NpsBreaks(*_pair(breaks, "breaks"))
    _sampling(o, bootstrap_samples, seed)
    return o


def _sampling(o: Any, bootstrap_samples: Optional[int], seed: Optional[int]) -> None:
    if bootstrap_samples is not None:
        o.bootstrap_samples = _integer(bootstrap_samples, "bootstrap_samples", *_INT32)  # >= 2: checked in C++
    if seed is not None:
        o.seed = _integer(seed, "seed", 0, 2**64 - 1)


def _rating_options(o: _core.RatingOptions, scale: Optional[Tuple[int, int]] = None, top: Optional[int] = None,
                    aggregation: Optional[str] = None, method: Optional[str] = None,
                    confidence: Optional[float] = None, reversed: Optional[bool] = None,
                    bootstrap_samples: Optional[int] = None, seed: Optional[int] = None) -> _core.RatingOptions:
    """o (a fresh CsatOptions or CesOptions) with the options given; those left None keep the
    metric's C++ defaults. method None keeps the C++ choice, which follows the aggregation."""
    if scale is not None:
        o.scale_min, o.scale_max = _pair(scale, "scale")
    if top is not None:
        o.top = _integer(top, "top", *_INT32)
    if aggregation is not None:
        o.aggregation = _choice(_AGGREGATIONS, aggregation, "aggregation")
    if method is not None:
        o.method = _choice(_METHODS, method, "method")
    if confidence is not None:
        o.confidence = _real(confidence, "confidence")
    if reversed is not None:
        o.reversed = _flag(reversed, "reversed")
    _sampling(o, bootstrap_samples, seed)
    return o


_RATING_DEFAULTS = {"csat": "CsatOptions", "ces": "CesOptions"}  # the C++ struct of each metric's defaults


def _metric_options(metric: str, options: Dict[str, Any]) -> Any:
    names: Tuple[str, ...]
    make: Callable[..., Any]
    if metric == "nps":
        names, make = _NPS_OPTIONS, _nps_options
    elif metric in _RATING_DEFAULTS:
        names = _RATING_OPTIONS
        make = lambda **o: _rating_options(getattr(_core, _RATING_DEFAULTS[metric])(), **o)  # noqa: E731
    else:
        raise ValueError(f"metric {metric!r} is not one of 'nps', 'csat', 'ces'")
    unknown = set(options) - set(names)
    if unknown:
        raise TypeError(f"{metric}: unexpected option(s) {', '.join(sorted(unknown))}")
    return make(**options)


def _trend_options(test: Optional[str] = None, alpha: Optional[float] = None) -> _core.TrendOptions:
    """TrendOptions: those left None keep the C++ defaults (perche::TrendOptions)."""
    t = _core.TrendOptions()
    if test is not None:
        t.test = _choice(_TESTS, test, "test")
    if alpha is not None:
        t.alpha = _real(alpha, "alpha")  # its range is checked by the C++ options
    return t


_NPS = _core.NpsOptions()
_CSAT = _core.CsatOptions()
_CES = _core.CesOptions()
_TREND = _core.TrendOptions()
_LEVEL = _core.DEFAULT_CONFIDENCE
_SHARE = _core.WORST_CASE_SHARE


# --- metrics -----------------------------------------------------------------------------------


@_doc(o=_NPS)
def nps(scores: Union[Values, NpsCounts], weights: Optional[Values] = None, method: Optional[str] = None,
        confidence: Optional[float] = None, breaks: Optional[Tuple[int, int]] = None,
        bootstrap_samples: Optional[int] = None, seed: Optional[int] = None,
        nan_policy: str = "raise") -> Optional[_core.NpsResult]:
    """Net Promoter Score of 0–10 scores (list, numpy array, pandas Series) or of an NpsCounts.

    method: "adjusted_wald" (Rocks 2016), "wald" or "bootstrap". breaks=(d, p): detractors score
    <= d, promoters >= p. Options left None take perche's C++ defaults (perche.NpsOptions()):
    method "{o.method.name}", confidence {o.confidence}, breaks ({o.breaks.detractor_max}, {o.breaks.promoter_min}),
    bootstrap_samples {o.bootstrap_samples}, seed {o.seed}.

    Weights: design-based (Taylor linearization) standard errors through the design effective n
    (n_design) and Student's t on the design's degrees of freedom (df); Kish's n_eff is reported as a
    diagnostic. Returns None for no data; raises ValueError naming the index
    of a score outside [0, 10], NaN, or a negative weight. nan_policy="omit" leaves out the rows
    whose score or weight is missing (NaN, None, pd.NA) and counts them in the result's
    n_omitted: nps([10, nan, 0, 9], nan_policy="omit") is nps([10, 0, 9]) with n_omitted 1.
    """
    o = _nps_options(method, confidence, breaks, bootstrap_samples, seed)
    x, omitted, _ = _omit(nan_policy, "nps", {"scores": scores, "weights": weights})
    if isinstance(scores, NpsCounts):
        if weights is not None:
            raise ValueError("nps: weights cannot be given with NpsCounts (they are already in the counts)")
        if breaks is not None:
            _check_breaks("nps", "the counts", scores, o.breaks)
        o.breaks = scores.breaks  # the counts were sorted with their own breaks
        return _omitted(_core.nps(scores, o), 0)
    return _omitted(_core.nps(_numbers(x["scores"]), _weights(x["weights"]), o), omitted)


def _breaks(b: _core.NpsBreaks) -> Tuple[int, int]:
    return (b.detractor_max, b.promoter_min)


def _check_breaks(what: str, name: str, counts: NpsCounts, breaks: _core.NpsBreaks) -> None:
    """NpsCounts hold detractors, passives and promoters already sorted by their breaks: other
    breaks cannot apply to them (as rating() refuses counts of another scale)."""
    if _breaks(counts.breaks) != _breaks(breaks):
        raise ValueError(f"{what}: breaks {_breaks(breaks)} differ from the breaks of {name}, "
                         f"{_breaks(counts.breaks)} (counts keep each score's group, not the score: count the scores "
                         f"again with NpsCounts(NpsBreaks{_breaks(breaks)}))")


def _nps_counts(x: Any, weights: Any, breaks: _core.NpsBreaks) -> NpsCounts:
    if isinstance(x, NpsCounts):
        return x
    c = NpsCounts(breaks)
    c.add(x, weights)
    return c


def nps_compare(a: Union[Values, NpsCounts], b: Union[Values, NpsCounts], weights_a: Optional[Values] = None,
                weights_b: Optional[Values] = None, method: Optional[str] = None, confidence: Optional[float] = None,
                breaks: Optional[Tuple[int, int]] = None, bootstrap_samples: Optional[int] = None,
                seed: Optional[int] = None, nan_policy: str = "raise") -> Optional[_core.Comparison]:
    """NPS of sample a minus NPS of sample b (independent samples): diff, se, z, p_value, CI, warning.
    The test is the pooled score test (never z = inf from a zero SE); the interval is the method's.

    a and b are scores or NpsCounts. Options as in nps() (None: perche's C++ default). Returns
    None when either is empty. nan_policy="omit" leaves out the missing rows of each sample (with
    their weights); n_omitted counts both samples'.
    """
    o = _nps_options(method, confidence, breaks, bootstrap_samples, seed)
    xa, na, _ = _omit(nan_policy, "nps_compare", {"a": a, "weights_a": weights_a})
    xb, nb, _ = _omit(nan_policy, "nps_compare", {"b": b, "weights_b": weights_b})
    counts_a = _nps_counts(xa["a"], xa["weights_a"], o.breaks)
    counts_b = _nps_counts(xb["b"], xb["weights_b"], o.breaks)
    if breaks is not None:
        _check_breaks("nps_compare", "a", counts_a, o.breaks)
        _check_breaks("nps_compare", "b", counts_b, o.breaks)
    elif _breaks(counts_a.breaks) != _breaks(counts_b.breaks):
        raise ValueError(f"nps_compare: a was counted with breaks {_breaks(counts_a.breaks)} and b with "
                         f"{_breaks(counts_b.breaks)}: NPS of other breaks are not comparable")
    o.breaks = counts_a.breaks
    return _omitted(_core.nps_compare(counts_a, counts_b, o), na + nb)


@_doc(level=_LEVEL)
def compare(a: Result, b: Result, confidence: Optional[float] = None) -> _core.Comparison:
    """Difference a − b of two independent results (NpsResult or RatingResult), both of one metric.
    Test: the pooled score test (the variance of the pooled responses under H0, as the pooled
    two-proportion test; a single promoter against a single detractor gives p = 0.32, not 0); for
    top-box shares of unweighted groups, one under 20 responses, Boschloo's exact test.
    Interval: Newcombe's hybrid score interval for (continuity-corrected) Wilson top-box shares,
    Welch's for means (of the plain means for method "t", of the adjusted centres for "adjusted_t"),
    else (centre_a − centre_b) ± z·√(SE_a² + SE_b²). Weighted groups: Student's t with
    Welch–Satterthwaite degrees of freedom from the groups' df, for the test and the intervals.
    `warning` says when a group has fewer than 5 responses, an interval is Wald's, has zero width or
    leaves out diff. confidence None: perche's C++ default ({level})."""
    # Two results of one metric pick one of the two C++ overloads.
    kinds = (_core.NpsResult, _core.RatingResult)
    if not isinstance(a, kinds) or not isinstance(b, kinds) or type(a) is not type(b):
        raise TypeError(f"compare: expected two NpsResult or two RatingResult, got {type(a).__name__} and "
                        f"{type(b).__name__}")
    if confidence is not None:
        confidence = _real(confidence, "confidence")
    return _core.compare(a, b, **_given(confidence=confidence))  # type: ignore[arg-type]


@_doc(o=_CSAT)
def csat(scores: Union[Values, RatingCounts], weights: Optional[Values] = None, scale: Optional[Tuple[int, int]] = None,
         top: Optional[int] = None, aggregation: Optional[str] = None, method: Optional[str] = None,
         confidence: Optional[float] = None, reversed: Optional[bool] = None, bootstrap_samples: Optional[int] = None,
         seed: Optional[int] = None, nan_policy: str = "raise") -> Optional[_core.RatingResult]:
    """Customer satisfaction on an integer scale, plus the mean with an adjusted t interval. Accepts a
    RatingCounts too.

    Options left None take perche's C++ defaults (perche.CsatOptions()): scale ({o.scale_min},
    {o.scale_max}), top {o.top} (0: half the levels), aggregation "{o.aggregation.name}" ("mean",
    "top_box" or "net"), method chosen by the aggregation ("wilson_cc", Wilson with continuity
    correction, for top_box; adjusted t for mean; adjusted Wald for net; or "wilson", "wald", "bootstrap"), confidence {o.confidence}, reversed {o.reversed},
    bootstrap_samples {o.bootstrap_samples}, seed {o.seed}. nan_policy: "raise" (default) or
    "omit", as in nps()."""
    o = _rating_options(_core.CsatOptions(), scale, top, aggregation, method, confidence, reversed,
                        bootstrap_samples, seed)
    x, omitted, _ = _omit(nan_policy, "csat", {"scores": scores, "weights": weights})
    if isinstance(scores, RatingCounts):
        if weights is not None:
            raise ValueError("csat: weights cannot be given with RatingCounts (they are already in the counts)")
        return _omitted(_core.rating(scores, o), 0)
    return _omitted(_core.csat(_numbers(x["scores"]), _weights(x["weights"]), o), omitted)


@_doc(o=_CES)
def ces(scores: Union[Values, RatingCounts], weights: Optional[Values] = None, scale: Optional[Tuple[int, int]] = None,
        reversed: Optional[bool] = None, aggregation: Optional[str] = None, top: Optional[int] = None,
        method: Optional[str] = None, confidence: Optional[float] = None, bootstrap_samples: Optional[int] = None,
        seed: Optional[int] = None, nan_policy: str = "raise") -> Optional[_core.RatingResult]:
    """Customer Effort Score on an agreement scale, higher = easier.

    reversed=True when 1 means "concordo pienamente" / effortless. aggregation: "mean",
    "agree_share" (top boxes) or "net" (% easy − % hard). Options left None take perche's C++
    defaults (perche.CesOptions()): scale ({o.scale_min}, {o.scale_max}), reversed {o.reversed},
    aggregation "{o.aggregation.name}", top {o.top} (0: half the levels), method chosen by the
    aggregation, confidence {o.confidence}, bootstrap_samples {o.bootstrap_samples}, seed {o.seed}.
    nan_policy: "raise" (default) or "omit", as in nps()."""
    o = _rating_options(_core.CesOptions(), scale, top, aggregation, method, confidence, reversed,
                        bootstrap_samples, seed)
    x, omitted, _ = _omit(nan_policy, "ces", {"scores": scores, "weights": weights})
    if isinstance(scores, RatingCounts):
        if weights is not None:
            raise ValueError("ces: weights cannot be given with RatingCounts (they are already in the counts)")
        return _omitted(_core.rating(scores, o), 0)
    return _omitted(_core.ces(_numbers(x["scores"]), _weights(x["weights"]), o), omitted)


@_doc(level=_LEVEL)
def churn_rate(start: Values, end: Values, period_start: Any, period_end: Any, confidence: Optional[float] = None,
               nan_policy: str = "raise") -> Optional[_core.ChurnResult]:
    """Churn over [period_start, period_end) from customer start/end times (numbers, datetimes,
    datetime64). A missing end (None, NaN, NaT) means the customer is still active; a missing
    start is an error, or with nan_policy="omit" a row left out (counted in n_omitted). Aware
    datetimes, and aware bounds, are read on their own wall clock (see the module's notes). start,
    end and the bounds are all dates (ISO text too), all timedeltas or all numbers: a ValueError
    names the two that differ. confidence None: perche's C++ default ({level})."""
    x, omitted, _ = _omit(nan_policy, "churn_rate", {"start": start, "end": end}, optional=("end",))
    s, s_unit = _timed(x["start"], "start", np.nan, "wall")
    e, e_unit = _timed(x["end"], "end", np.inf, "wall")
    p0 = _scalar_seconds(period_start, "period_start")
    p1 = _scalar_seconds(period_end, "period_end")
    _same_unit("churn_rate", [("start", s_unit, None), ("end", e_unit, None),
                              ("period_start", _scalar_unit(period_start), period_start),
                              ("period_end", _scalar_unit(period_end), period_end)])
    return _omitted(_core.churn_rate(s, e, p0, p1, **_given(confidence=confidence)), omitted)


@_doc(level=_LEVEL)
def response_times(durations: Optional[Values] = None, *, start: Optional[Values] = None, end: Optional[Values] = None,
                   sla: Any = None, confidence: Optional[float] = None,
                   nan_policy: str = "raise") -> Optional[_core.ResponseTimeResult]:
    """Response-time KPIs (n, mean, median, p90, p95, share within the SLA) from durations or from
    start/end timestamp pairs. timedelta64/datetime64 inputs are converted to seconds (and so is a
    timedelta sla); plain numbers keep their unit, and so take a number sla in that unit (a
    ValueError names the mix of either with the other). Aware start/end timestamps are taken as instants
    (a reply across a DST change lasts what it lasted); start and end must both be aware or both
    naive. nan_policy="omit" leaves out the rows whose duration, start or end is missing.
    confidence None: perche's C++ default ({level})."""
    sla_s = None if sla is None else _scalar_seconds(sla, "sla")
    sla_unit = None if sla is None else _scalar_unit(sla)
    level = _given(confidence=confidence)
    if durations is not None:
        if start is not None or end is not None:
            raise ValueError("response_times: give durations or start and end, not both")
        if _dates(durations):  # read as seconds since 1970 they gave a mean of 1.7e9 s
            raise ValueError("response_times: durations are dates or times of day, not durations "
                             "(give start= and end= timestamps, or timedeltas or numbers)")
        _sla_not_a_date(sla, sla_unit)
        x, omitted, _ = _omit(nan_policy, "response_times", {"durations": durations})
        a = _naive(x["durations"], "durations")
        at = _first_text(a)
        if at is not None:  # was read as an ISO date: numpy's 'Error parsing "00:05:00" at position 2'
            raise ValueError(f"response_times: durations {_label(a.ravel()[at])!r} at index {at} is text (expected "
                             "numbers or timedeltas: pd.to_timedelta(durations) reads 'HH:MM:SS')")
        d, d_unit = _timed(a, "durations", np.nan, "wall")
        _same_unit("response_times", [("durations", d_unit, None), ("sla", sla_unit, sla)])
        return _omitted(_core.response_times(d, sla_s, **level), omitted)
    if start is None or end is None:
        raise ValueError("response_times: give durations, or both start and end")
    if _zoned(start) != _zoned(end):
        which = "start" if _zoned(start) else "end"
        other = "end" if which == "start" else "start"
        raise ValueError(f"response_times: {which} has a time zone and {other} has none "
                         "(expected both aware or both naive: the durations would be off by the zone's offset)")
    _sla_not_a_date(sla, sla_unit)
    x, omitted, _ = _omit(nan_policy, "response_times", {"start": start, "end": end})
    s, s_unit = _timed(x["start"], "start", np.nan, "instant")
    e, e_unit = _timed(x["end"], "end", np.nan, "instant")
    _same_unit("response_times", [("start", s_unit, None), ("end", e_unit, None)])
    unit = s_unit or e_unit
    gap = "number" if unit == "number" else "duration"  # end − start of dates: a duration
    if sla_unit is not None and unit is not None and sla_unit != gap:
        other = "as dates or timedeltas" if gap == "number" else "as numbers"
        raise ValueError(f"response_times: start and end hold {_UNITS[unit][0]} but {_holds('sla', sla_unit, sla)}; "
                         f"give sla as {_UNITS[gap][1]} or start and end {other}")
    return _omitted(_core.response_times(s, e, sla_s, **level), omitted)


def _sla_not_a_date(sla: Any, unit: Optional[str]) -> None:
    if unit == "date":  # read as seconds since 1970
        raise ValueError(f"response_times: sla {sla!r} is a date, not a duration (give a timedelta, or a number "
                         "in the unit of the durations)")


def bayesian_average(mean: float, n: float, prior_mean: float, prior_n: float) -> float:
    """(mean·n + prior_mean·prior_n) / (n + prior_n): a rating shrunk towards the prior."""
    return _core.bayesian_average(mean, n, prior_mean, prior_n)


@_doc(level=_LEVEL, share=_SHARE)
def nps_sample_size(margin: float, promoter_share: Optional[float] = None, detractor_share: Optional[float] = None,
                    confidence: Optional[float] = None, population: Optional[float] = None) -> int:
    """Responses needed for an NPS margin of error of `margin` points. Left None: perche's C++
    defaults, the worst case promoter_share = detractor_share = {share} and confidence {level};
    population None: an infinite population."""
    given = {k: _real(v, k) for k, v in (("promoter_share", promoter_share), ("detractor_share", detractor_share),
                                         ("confidence", confidence), ("population", population)) if v is not None}
    return _core.nps_sample_size(_real(margin, "margin"), **given)


@_doc(level=_LEVEL, share=_SHARE)
def nps_margin_of_error(n: float, promoter_share: Optional[float] = None, detractor_share: Optional[float] = None,
                        confidence: Optional[float] = None, population: Optional[float] = None) -> float:
    """Half-width in NPS points of the CI of a sample of n with the given expected shares. Left
    None: perche's C++ defaults, the worst case promoter_share = detractor_share = {share} and
    confidence {level}; population None: an infinite population."""
    given = {k: _real(v, k) for k, v in (("promoter_share", promoter_share), ("detractor_share", detractor_share),
                                         ("confidence", confidence), ("population", population)) if v is not None}
    return _core.nps_margin_of_error(_real(n, "n"), **given)


def p_adjust(p: Values, method: str = "holm") -> npt.NDArray[np.float64]:
    """Adjusted p-values: "holm" (Holm 1979) or "bh" (Benjamini–Hochberg 1995)."""
    fn = _choice({"holm": _core.p_adjust_holm, "bh": _core.p_adjust_bh}, method, "method")
    return np.asarray(fn(_numbers(p, "p").astype("float64", copy=False)), dtype=np.float64)


@_doc(t=_TREND)
def trend_test(values: Values, test: Optional[str] = None, alpha: Optional[float] = None) -> Optional[_core.TrendTestResult]:
    """Trend test on equally spaced values: Mann–Kendall with Sen's slope ("mann_kendall"), or OLS
    slope ("ols"). Left None: perche's C++ defaults (perche.TrendOptions()), test "{t.test.name}",
    alpha {t.alpha}."""
    return _core.trend_test(_numbers(values, "values").astype("float64", copy=False), _trend_options(test, alpha))


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
    result: Result

    def to_dict(self) -> Dict[str, Any]:
        return {"period": self.period, **self.result.to_dict()}


@dataclasses.dataclass
class Trend:
    """Per-period results in period order and the trend test (None with fewer than 3 periods)."""

    metric: str
    periods: List[Period]
    test: Optional[_core.TrendTestResult]
    n_omitted: int = 0  #: rows left out under nan_policy="omit" (each period's result has its own)

    def to_dict(self) -> Dict[str, Any]:
        return {"metric": self.metric, "periods": [p.to_dict() for p in self.periods],
                "test": None if self.test is None else self.test.to_dict()}

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([p.to_dict() for p in self.periods])


@dataclasses.dataclass
class Segment:
    """A segment's result, its comparison with all other rows, and adjusted p-values. too_few: fewer
    than MIN_TEST_RESPONSES responses (in the segment or the rest): shown, not tested."""

    key: Any
    result: Result
    vs_rest: Optional[_core.Comparison]
    p_holm: Optional[float]
    p_bh: Optional[float]
    too_few: bool = False

    def to_dict(self) -> Dict[str, Any]:
        d = {"key": self.key, **self.result.to_dict()}
        vs = self.vs_rest
        d.update({"diff": None if vs is None else vs.diff, "diff_se": None if vs is None else vs.se,
                  "z": None if vs is None else vs.z, "p_value": None if vs is None else vs.p_value,
                  "p_holm": self.p_holm, "p_bh": self.p_bh, "too_few": self.too_few})
        return d


class SegmentList(List[Segment]):
    """The list returned by by_segment(), with to_dict() and to_frame(); n_omitted: rows left out
    under nan_policy="omit" (each segment's result has its own)."""

    n_omitted = 0

    def to_dict(self) -> List[Dict[str, Any]]:
        return [s.to_dict() for s in self]

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.to_dict())


def _period_labels(periods: Any, freq: Optional[str]) -> Any:
    """Each row's period: dates (ISO date text too) bucketed by freq, other labels as given (a
    pandas Categorical of them kept, for its categories' order)."""
    cat = _categorical(periods)
    if cat is not None and cat.categories.dtype.kind != "M":
        if freq is not None:
            raise ValueError("freq applies to dates only")
        return periods
    a = _naive(periods, "periods")  # dates on their own wall clock: a period is a local calendar day, month...
    if a.dtype.kind == "O" and len(a) and isinstance(a[0], (_dt.date, np.datetime64)):
        a = a.astype("datetime64[ns]")
    elif _text(a):  # ISO dates as pandas.read_csv gives them: dates, as churn_rate reads them
        try:
            d = _iso_dates(a, "periods")
        except ValueError:  # labels
            d = None
        if d is not None and np.datetime_data(d.dtype)[0] not in ("generic", "Y", "M", "W"):  # "2026-03": a label
            a = d
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
        if f == "W":
            # ISO 8601 weeks, Monday to Sunday, labelled "2025-W01" by the C++ rule perche analyze
            # uses (numpy's datetime64[W] counts weeks from 1970-01-01, a Thursday).
            days, back = np.unique(a.astype("datetime64[D]").astype("int64"), return_inverse=True)
            labels = [_core.period_label(int(d), _core.Freq.week) for d in days]
            return np.array(labels)[back.ravel()]
        return a.astype(f"datetime64[{f}]")
    elif freq is not None:
        raise ValueError("freq applies to dates only")
    return a


def _lost_by_label(keys: Any, dropped: Optional[np.ndarray], to_labels: Callable[[Any], Any],
                   name: Callable[[Any], Any]) -> "collections.Counter[Any]":
    """How many omitted rows each label (of a period or segment) lost: rows left out for a missing
    score or weight whose own label is known, counted under name(label) (_period_name or _label)."""
    if dropped is None:
        return collections.Counter()
    lost = dropped & ~_isna(keys)
    if not lost.any():
        return collections.Counter()
    return collections.Counter(name(v) for v in np.asarray(to_labels(_take(keys, lost))))


def _blank_as_missing(periods: Any) -> Any:
    """Periods given as text with blank cells ("" or spaces, as read_csv keeps them with
    keep_default_na=False): those cells are missing periods, which nan_policy="omit" leaves out
    (the date reader read "" as a missing date that omit did not know; review of stop 42)."""
    a = periods.to_numpy() if hasattr(periods, "to_numpy") and _categorical(periods) is None else periods
    if not isinstance(a, np.ndarray) or a.dtype.kind not in "OU" or a.ndim != 1:
        return periods
    blank = np.array([isinstance(v, str) and not v.strip() for v in a], dtype=bool)
    if not blank.any():
        return periods
    out = a.astype(object)
    out[blank] = None
    return out


@_doc(t=_TREND)
def trend(scores: Values, periods: Values, metric: str = "nps", weights: Optional[Values] = None,
          freq: Optional[str] = None, test: Optional[str] = None, alpha: Optional[float] = None,
          nan_policy: str = "raise", **options: Any) -> Trend:
    """The metric per period and a trend test that flags a significant decline.

    periods: labels that sort in time order (numbers, "2026-03", dates), or a pandas Categorical,
    whose categories' order is the periods' order (months "gen", "feb", ... as declared). Dates
    are bucketed by freq ("D", "W", "M" — default —, "Q", "Y") on their own wall clock: a tz-aware
    Series or datetimes are cut in the zone they carry, each value in its own (see the module's
    notes). Text that is entirely ISO dates ("2025-01-31", optionally with a time; a date column
    as pandas.read_csv gives it) is read as dates, as churn_rate reads it, and so bucketed by
    month unless freq says otherwise; other text ("2026-03", "Q1") stays labels.
    nan_policy="omit" leaves out the rows whose score, period or weight is missing; n_omitted of
    the Trend counts them, and each period's result those of its own. test and alpha as in
    trend_test() (None: perche's C++ defaults, "{t.test.name}" and {t.alpha}). options: those of
    nps(), csat() or ces(), left out: the metric's C++ defaults."""
    periods = _blank_as_missing(periods)
    x, omitted, dropped = _omit(nan_policy, "trend", {"scores": scores, "periods": periods, "weights": weights})
    labels, codes = _codes(_period_labels(x["periods"], freq), "periods")
    t = _trend_options(test, alpha)
    o = _metric_options(metric, options)
    fn = _core.nps_trend if metric == "nps" else _core.rating_trend
    res = fn(_numbers(x["scores"]), codes, _weights(x["weights"]), o, t)
    lost = _lost_by_label(periods, dropped, lambda p: _period_labels(p, freq), _period_name)
    out = []
    for p in res.periods:
        label = _period_name(p.period if labels is None else labels[p.period])
        out.append(Period(label, _omitted(p.result, lost[label])))
    return Trend(metric, out, res.test, omitted)


def by_segment(scores: Values, segments: Values, metric: str = "nps", weights: Optional[Values] = None,
               nan_policy: str = "raise", **options: Any) -> SegmentList:
    """The metric per segment, each compared with all other rows, with Holm and Benjamini–Hochberg
    adjusted p-values. nan_policy="omit" leaves out the rows whose score, segment or weight is
    missing; n_omitted of the list counts them, and each segment's result those of its own.
    options: those of nps(), csat() or ces(), left out: the metric's C++ defaults."""
    x, omitted, dropped = _omit(nan_policy, "by_segment", {"scores": scores, "segments": segments, "weights": weights})
    labels, codes = _codes(x["segments"], "segments")
    o = _metric_options(metric, options)
    fn = _core.nps_by_segment if metric == "nps" else _core.rating_by_segment
    res = fn(_numbers(x["scores"]), codes, _weights(x["weights"]), o)
    lost = _lost_by_label(segments, dropped, lambda k: k, _label)
    out = SegmentList()
    for s in res:
        key = _label(s.key if labels is None else labels[s.key])
        out.append(Segment(key, _omitted(s.result, lost[key]), s.vs_rest, s.p_holm, s.p_bh, s.too_few))
    out.n_omitted = omitted
    return out


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
        items = [f"{k}={_fmt(getattr(self, k))}" for k in names]
        if getattr(self, "n_omitted", 0):
            items.append(f"n_omitted={self.n_omitted}")
        return f"{cls.__name__}(" + ", ".join(items) + ")"

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
    _same_rows(f"{type(self).__name__}.add", {"scores": scores, "weights": weights})
    self._add_array(_numbers(scores), _weights(weights))


for _counts_cls in (NpsCounts, RatingCounts):
    setattr(_counts_cls, "__repr__", _counts_repr)
    setattr(_counts_cls, "add", _counts_add)
