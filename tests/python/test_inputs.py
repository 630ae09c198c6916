# SPDX-License-Identifier: Apache-2.0
"""Python inputs as real exports and careless users give them (issue #16, class 8): time-zone-aware
dates, big-endian arrays, lone surrogates in str, missing values under nan_policy.

Reference values are worked by hand in each test (wall-clock dates of Europe/Rome, whose UTC offset
is +01:00 in winter and +02:00 in summer, DST ending 2024-10-27 03:00 → 02:00), or come from the
same call on the same data without the hostile feature (native byte order, U+FFFD written out, the
missing rows removed by hand): the property the issue asks for."""

import datetime as dt
import math
import zoneinfo

import numpy as np
import pandas as pd
import pytest

import perche

ROME = zoneinfo.ZoneInfo("Europe/Rome")


def rome(*stamps):
    return pd.Series(pd.to_datetime(list(stamps))).dt.tz_localize("Europe/Rome")


def labels(trend):
    return [(str(p.period), p.result.n) for p in trend.periods]


# --- big-endian arrays -----------------------------------------------------------------------------

SCORES = [10, 9, 0, 6, 7, 8, 3, 10, 9, 9, 2, 5]
RATINGS = [5, 4, 1, 3, 2, 5, 4, 4, 1, 5, 3, 2]
PERIODS = [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]
SEGMENTS = [7, 8, 7, 8, 7, 8, 7, 8, 7, 8, 7, 8]
WEIGHTS = [1.0, 2.0, 0.5, 1.5, 1.0, 1.0, 3.0, 0.25, 1.0, 2.0, 1.0, 1.0]
STARTS = [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]
ENDS = [5.0, 100.0, 25.0, np.inf, 45.0, 80.0]


def swapped(values, dtype):
    """values as a big-endian array (the same numbers, the other byte order)."""
    a = np.array(values, dtype=np.dtype(dtype).newbyteorder(">"))
    assert not a.dtype.isnative
    return a


def native(values, dtype):
    return np.array(values, dtype=np.dtype(dtype).newbyteorder("="))


def as_dict(r):
    if isinstance(r, np.ndarray):
        return r.tolist()
    if isinstance(r, tuple):
        return [list(x) for x in r]
    return r.to_dict()


def counts_dict(cls, arr, w, *args):
    c = cls(*args)
    c.add(arr("scores"), w)
    return c.counts, c.weights


# Every public function that takes arrays: f(a) where a(kind) gives that argument in the byte
# order under test.
CALLS = {
    "nps": lambda a: perche.nps(a("scores"), weights=a("weights")),
    "csat": lambda a: perche.csat(a("ratings"), weights=a("weights")),
    "ces": lambda a: perche.ces(a("ratings"), weights=a("weights"), scale=(1, 5)),
    "nps_compare": lambda a: perche.nps_compare(a("scores"), a("ratings"), weights_a=a("weights")),
    "NpsCounts.add": lambda a: counts_dict(perche.NpsCounts, a, a("weights")),
    "RatingCounts.add": lambda a: counts_dict(perche.RatingCounts, lambda _: a("ratings"), a("weights"), 1, 5),
    "trend nps": lambda a: perche.trend(a("scores"), a("periods"), weights=a("weights")),
    "trend csat": lambda a: perche.trend(a("ratings"), a("periods"), metric="csat"),
    "by_segment nps": lambda a: perche.by_segment(a("scores"), a("segments"), weights=a("weights")),
    "by_segment ces": lambda a: perche.by_segment(a("ratings"), a("segments"), metric="ces", scale=(1, 5)),
}
# These arrays cross as pybind11 array_t<double/int64, forcecast>, which converts a swapped array
# to native order: they were already read right, and stay so.
CONVERTED_CALLS = {
    "churn_rate": lambda a: perche.churn_rate(a("starts"), a("ends"), 0.0, 60.0),
    "response_times": lambda a: perche.response_times(a("durations"), sla=4.0),
    "response_times start/end": lambda a: perche.response_times(start=a("starts"), end=a("starts") + 3),
    "p_adjust": lambda a: perche.p_adjust(a("p"), method="bh"),
    "trend_test": lambda a: perche.trend_test(a("values")),
}


def check_byte_orders(fn, score_dtype):
    data = {"scores": (SCORES, score_dtype), "ratings": (RATINGS, score_dtype), "periods": (PERIODS, "i8"),
            "segments": (SEGMENTS, "i4"), "weights": (WEIGHTS, "f8"), "starts": (STARTS, "f8"),
            "ends": (ENDS, "f8"), "durations": (RATINGS, score_dtype), "p": ([0.01, 0.2, 0.03, 0.5], "f8"),
            "values": (SCORES, score_dtype)}
    big = fn(lambda kind: swapped(*data[kind]))
    ref = fn(lambda kind: native(*data[kind]))
    assert as_dict(big) == as_dict(ref)


DTYPES = ["i2", "i4", "i8", "u2", "u4", "u8", "f4", "f8"]


@pytest.mark.parametrize("score_dtype", DTYPES)
@pytest.mark.parametrize("call", list(CALLS), ids=list(CALLS))
def test_big_endian_scores_give_what_the_same_numbers_in_native_order_give(call, score_dtype):
    check_byte_orders(CALLS[call], score_dtype)


@pytest.mark.parametrize("score_dtype", DTYPES)
@pytest.mark.parametrize("call", list(CONVERTED_CALLS), ids=list(CONVERTED_CALLS))
def test_big_endian_times_p_values_and_values_give_what_native_order_gives(call, score_dtype):
    check_byte_orders(CONVERTED_CALLS[call], score_dtype)


def test_a_big_endian_score_of_10_is_a_promoter_not_a_score_out_of_range():
    # Read in native order, '>i8' 10 was 720575940379279360 (10 << 56).
    r = perche.nps(np.array([10, 10, 0], dtype=">i8"))
    assert (r.promoters, r.detractors) == (2, 1)
