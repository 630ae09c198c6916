# SPDX-License-Identifier: Apache-2.0
# perche.churn_rate and perche.response_times.
# Reference values: churn counts from the definition "active at t ⇔ start <= t < end" evaluated in
# numpy, and statsmodels proportion_confint(method="wilson") for the churn and SLA intervals;
# numpy.quantile (default linear, Hyndman & Fan type 7) for median/p90/p95; scipy.stats.t for the
# mean interval (perche clamps its low end at 0, durations being non-negative).
import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

import perche

TIGHT = dict(rel=1e-9, abs=1e-12)


def wilson(count, n, confidence=0.95):
    lo, hi = proportion_confint(count, n, alpha=1 - confidence, method="wilson")
    return max(0.0, lo), min(1.0, hi)


# --- churn -----------------------------------------------------------------------------------------


def test_churn_counts_a_small_hand_worked_cohort():
    # period [10, 20): a active throughout, b leaves at 15, c leaves exactly at 20 (inactive at 20),
    # d joins at 12 and stays, e joins at 13 and leaves at 18, f left before 10, g starts at 20.
    start = [0, 5, 8, 12, 13, 0, 20]
    end = [np.inf, 15, 20, None, 18, 9, np.nan]
    r = perche.churn_rate(start, end, 10, 20)
    assert (r.active_start, r.churned, r.retained) == (3, 2, 1)
    assert (r.joined, r.joined_and_left) == (3, 1)  # d, e and g (start <= period_end)
    assert r.active_end == 3  # a, d, g
    assert r.rate == pytest.approx(2 / 3, **TIGHT)
    assert r.retention == pytest.approx(1 / 3, **TIGHT)
    assert r.se == pytest.approx(math.sqrt(2 / 3 * 1 / 3 / 3), **TIGHT)
    assert (r.ci_low, r.ci_high) == pytest.approx(wilson(2, 3), **TIGHT)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_churn_matches_the_definition_and_statsmodels_wilson_on_random_customers(rng, confidence):
    n = 2000
    start = rng.uniform(0, 100, n)
    end = start + rng.exponential(60, n)
    end[rng.random(n) < 0.3] = np.inf
    p0, p1 = 50.0, 80.0
    at0 = (start <= p0) & (p0 < end)
    at1 = (start <= p1) & (p1 < end)
    joined = (start > p0) & (start <= p1)
    r = perche.churn_rate(start, end, p0, p1, confidence=confidence)
    assert r.active_start == at0.sum()
    assert r.churned == (at0 & ~at1).sum()
    assert r.retained == (at0 & at1).sum()
    assert r.joined == joined.sum()
    assert r.joined_and_left == (joined & ~at1).sum()
    assert r.active_end == at1.sum()
    k, m = int((at0 & ~at1).sum()), int(at0.sum())
    assert r.rate == pytest.approx(k / m, **TIGHT)
    assert (r.ci_low, r.ci_high) == pytest.approx(wilson(k, m, confidence), **TIGHT)


def test_churn_accepts_datetime64_with_nat_for_still_active():
    start = np.array(["2025-01-10", "2025-06-01", "2025-12-20", "2026-02-01"], dtype="datetime64[D]")
    end = np.array(["2026-01-15", "NaT", "NaT", "2026-02-20"], dtype="datetime64[D]")
    r = perche.churn_rate(start, end, np.datetime64("2026-01-01"), np.datetime64("2026-04-01"))
    assert (r.active_start, r.churned, r.joined, r.joined_and_left) == (3, 1, 1, 1)
    assert r.rate == pytest.approx(1 / 3, **TIGHT)


def test_churn_accepts_python_datetimes_iso_strings_and_pandas_series():
    start = [dt.datetime(2025, 1, 1), dt.datetime(2025, 3, 1), dt.datetime(2025, 5, 1)]
    end = [dt.datetime(2025, 7, 1), None, dt.datetime(2026, 1, 1)]
    a = perche.churn_rate(start, end, "2025-06-01", "2025-12-31")
    b = perche.churn_rate(pd.Series(pd.to_datetime(start)), pd.Series(pd.to_datetime(end)),
                          dt.date(2025, 6, 1), dt.date(2025, 12, 31))
    assert (a.active_start, a.churned) == (3, 1)
    assert a.to_dict() == b.to_dict()


@pytest.mark.parametrize("call, message", [
    (lambda: perche.churn_rate(pd.Series(["2023-01-01", "01/02/2023"]), pd.Series([None, "15/03/2024"]),
                               "2024-01-01", "2024-07-01"),
     "start: '01/02/2023' at index 1 is not an ISO date (expected YYYY-MM-DD, optionally with a time: "
     "'2024-03-01 09:30'; pd.to_datetime(x, dayfirst=True) reads DD/MM/YYYY)"),
    (lambda: perche.churn_rate(np.array(["2023-01-01"]), np.array(["31/12/2024"]), "2024-01-01", "2024-07-01"),
     "end: '31/12/2024' at index 0 is not an ISO date (expected YYYY-MM-DD"),
    (lambda: perche.churn_rate(["2023-01-01"], [None], "01/01/2024", "2024-07-01"),
     "period_start '01/01/2024' is not a number or an ISO date (expected YYYY-MM-DD"),
    (lambda: perche.response_times(start=["2024-01-01 10:00", "ieri"], end=["2024-01-01 10:05", "oggi"]),
     "start: 'ieri' at index 1 is not an ISO date (expected YYYY-MM-DD"),
    (lambda: perche.response_times(pd.Series(["00:05:00", "00:10:00"])),
     "response_times: durations '00:05:00' at index 0 is text (expected numbers or timedeltas: "
     "pd.to_timedelta(durations) reads 'HH:MM:SS')"),
    (lambda: perche.response_times(pd.Series(["2024-01-01", "2024-01-02"])),
     "response_times: durations '2024-01-01' at index 0 is text"),  # were read as dates: 1.7e9 s
])
def test_time_text_that_cannot_be_read_is_named_with_its_row_and_the_form_expected(call, message):
    # Red-team 21: numpy's 'Error parsing datetime string "00:05:00" at position 2', whose position
    # counts characters and reads like a row.
    with pytest.raises(ValueError) as e:
        call()
    assert message in str(e.value) and "position" not in str(e.value)


def test_churn_with_nobody_active_at_the_start_gives_none():
    assert perche.churn_rate([5, 6], [7, 8], 0, 10) is None
    assert perche.churn_rate([], [], 0, 10) is None


@pytest.mark.parametrize("start, end, p0, p1, fragment", [
    ([0, 5], [3, 4], 0, 10, "end 4 at index 1 is before start 5"),
    ([0, np.nan], [3, 4], 0, 10, "start nan at index 1 is not finite"),
    ([0, 1, 2], [3, 4], 0, 10, "start has 3 elements but end has 2"),
    ([0, 1], [3, 4], 10, 10, "period [10, 10) is invalid"),
    ([0, 1], [3, -np.inf], 0, 10, "at index 1"),
])
def test_bad_churn_input_raises_value_error_naming_the_problem(start, end, p0, p1, fragment):
    with pytest.raises(ValueError) as e:
        perche.churn_rate(start, end, p0, p1)
    assert str(e.value).startswith("churn_rate: ") and fragment in str(e.value)


@pytest.mark.parametrize("start, end, p0, p1, fragment", [
    ([0, 1], [None, None], "2024-01-01", "2024-02-01",
     "start holds numbers but period_start '2024-01-01' is a date; give both as dates or both as numbers"),
    (pd.to_datetime(["2024-01-01"]), [None], 0, 10,
     "start holds dates but period_start 0 is a number; give both as numbers or both as dates"),
    ([0, 1], pd.to_datetime(["2024-01-05", None]), 0, 10, "start holds numbers but end holds dates"),
    (pd.to_datetime(["2024-01-01"]), [None], "2023-12-01", 10, "period_end 10 is a number"),
    (pd.to_timedelta([0, 5], unit="D"), [None, None], "2024-01-01", "2024-02-01",
     "start holds durations but period_start '2024-01-01' is a date"),
    ([0.0, 1.0], [None, None], np.datetime64("2024-01-01"), pd.Timestamp("2024-02-01"), "is a date"),
])
def test_churn_refuses_numbers_mixed_with_dates_or_durations(start, end, p0, p1, fragment):
    # Numbers were read as seconds since 1970 against the dates (or dates against plain numbers).
    with pytest.raises(ValueError) as e:
        perche.churn_rate(start, end, p0, p1)
    assert str(e.value).startswith("churn_rate: ") and fragment in str(e.value)


def test_churn_of_one_unit_throughout_still_works_and_an_all_missing_end_has_no_unit():
    dates = pd.to_datetime(["2024-01-01", "2024-01-05"])
    by_strings = perche.churn_rate(dates, np.array([np.nan, np.nan]), "2024-01-02", "2024-02-01")
    by_timestamps = perche.churn_rate(dates, [None, None], pd.Timestamp("2024-01-02"), dt.date(2024, 2, 1))
    assert by_strings.to_dict() == by_timestamps.to_dict() and by_strings.active_start == 1
    days = perche.churn_rate(pd.to_timedelta([0, 5], unit="D"), [None, None], pd.Timedelta(days=1),
                             dt.timedelta(days=10))
    assert (days.active_start, days.joined) == (1, 1)
    assert perche.churn_rate([0.0, 5.0], [np.nan, np.nan], 1, 10.0).to_dict() == days.to_dict()
    assert perche.churn_rate([], [], "2024-01-01", "2024-02-01") is None
    # An end column of NaT only tells no unit either (review of stop 41: numbers against it were refused).
    nat = pd.Series(pd.to_datetime([None, None]))
    assert perche.churn_rate([0.0, 5.0], nat, 1, 10.0).to_dict() == days.to_dict()


# --- response times --------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 3, 10, 101, 5000])
def test_response_time_quantiles_match_numpy_quantile(rng, n):
    d = rng.lognormal(4, 1, n)
    r = perche.response_times(d)
    assert r.n == n
    assert (r.median, r.p90, r.p95) == pytest.approx(tuple(np.quantile(d, [0.5, 0.9, 0.95])), **TIGHT)
    assert (r.min, r.max) == (d.min(), d.max())


@pytest.mark.parametrize("confidence", [0.9, 0.95])
def test_response_time_mean_has_a_scipy_t_interval_clamped_at_zero(rng, confidence):
    d = rng.exponential(30, 40)
    m, se = d.mean(), d.std(ddof=1) / math.sqrt(40)
    t = stats.t.ppf(0.5 + confidence / 2, 39)
    r = perche.response_times(d, confidence=confidence)
    assert r.mean == pytest.approx(m, **TIGHT)
    assert (r.mean_ci_low, r.mean_ci_high) == pytest.approx((m - t * se, m + t * se), **TIGHT)


def test_a_mean_interval_below_zero_is_clamped_at_zero():
    d = [0.0, 0.0, 0.0, 10.0]
    m, se = np.mean(d), np.std(d, ddof=1) / 2
    t = stats.t.ppf(0.975, 3)
    assert m - t * se < 0
    r = perche.response_times(d)
    assert r.mean_ci_low == 0.0
    assert r.mean_ci_high == pytest.approx(m + t * se, **TIGHT)


def test_one_duration_gives_an_unbounded_mean_interval():
    r = perche.response_times([42.0])
    assert (r.n, r.mean, r.median, r.p95) == (1, 42.0, 42.0, 42.0)
    assert r.mean_ci_low == 0.0 and math.isinf(r.mean_ci_high)


def test_sla_share_counts_durations_at_or_below_it_with_a_statsmodels_wilson_interval(rng):
    d = np.round(rng.exponential(60, 500))
    k = int((d <= 60).sum())
    r = perche.response_times(d, sla=60)
    assert r.sla == 60.0
    assert r.within_sla == pytest.approx(k / 500, **TIGHT)
    assert (r.within_sla_ci_low, r.within_sla_ci_high) == pytest.approx(wilson(k, 500), **TIGHT)


def test_without_an_sla_the_sla_fields_are_none():
    r = perche.response_times([1.0, 2.0])
    assert r.sla is None and r.within_sla is None and r.within_sla_ci_low is None


def test_timedelta_durations_and_sla_are_converted_to_seconds():
    d = np.array([30, 90, 150, 600], dtype="timedelta64[s]")
    r = perche.response_times(d, sla=np.timedelta64(2, "m"))
    assert r.median == pytest.approx(120.0, **TIGHT)
    assert r.sla == 120.0 and r.within_sla == 0.5
    r2 = perche.response_times(list(pd.to_timedelta(d)), sla=dt.timedelta(minutes=2))
    assert r2.to_dict() == r.to_dict()


def test_start_and_end_timestamps_give_their_differences(rng):
    start = np.datetime64("2026-03-01T08:00:00") + rng.integers(0, 86400, 50).astype("timedelta64[s]")
    secs = rng.integers(0, 3600, 50)
    end = start + secs.astype("timedelta64[s]")
    r = perche.response_times(start=start, end=end, sla=dt.timedelta(minutes=30))
    ref = perche.response_times(secs.astype(float), sla=1800)
    assert r.to_dict() == pytest.approx(ref.to_dict(), **TIGHT)
    assert r.median == pytest.approx(np.quantile(secs, 0.5), **TIGHT)


def test_numeric_start_and_end_keep_their_unit():
    r = perche.response_times(start=[0.0, 10.0, 20.0], end=[5.0, 30.0, 21.0])
    assert r.median == 5.0 and r.max == 20.0


def test_empty_durations_give_none():
    assert perche.response_times([]) is None
    assert perche.response_times(start=[], end=[]) is None


@pytest.mark.parametrize("call, fragment", [
    (lambda: perche.response_times([1.0, -2.0]), "duration -2 at index 1 is invalid"),
    (lambda: perche.response_times([1.0, 2.0, np.nan]), "duration nan at index 2 is invalid"),
    (lambda: perche.response_times([np.inf]), "duration inf at index 0 is invalid"),
    (lambda: perche.response_times(start=[0.0, 5.0], end=[1.0, 4.0]), "end 4 at index 1 is before start 5"),
    (lambda: perche.response_times(start=[0.0], end=[1.0, 2.0]), "start has 1 elements but end has 2"),
    (lambda: perche.response_times([1.0], sla=-1), "sla -1 is invalid"),
    (lambda: perche.response_times([1.0], start=[0.0], end=[1.0]), "not both"),
    (lambda: perche.response_times(start=[0.0]), "both start and end"),
    (lambda: perche.response_times(np.ones((2, 2))), "one-dimensional"),
])
def test_bad_response_times_raise_value_error(call, fragment):
    with pytest.raises(ValueError) as e:
        call()
    assert fragment in str(e.value)


@pytest.mark.parametrize("call, fragment", [
    (lambda: perche.response_times([1, 2], sla=pd.Timedelta(minutes=1)),
     "response_times: durations holds numbers but sla Timedelta('0 days 00:01:00') is a duration; "
     "give both as durations or both as numbers"),
    (lambda: perche.response_times(pd.to_timedelta([60, 120], unit="s"), sla=60),
     "response_times: durations holds durations but sla 60 is a number; give both as numbers or both as durations"),
    (lambda: perche.response_times(start=pd.to_datetime(["2024-01-01 10:00"]),
                                   end=pd.to_datetime(["2024-01-01 10:05"]), sla=60),
     "response_times: start and end hold dates but sla 60 is a number"),
    (lambda: perche.response_times(start=[0.0], end=[5.0], sla=dt.timedelta(minutes=1)),
     "response_times: start and end hold numbers but sla datetime.timedelta(seconds=60) is a duration"),
    (lambda: perche.response_times(start=pd.to_datetime(["2024-01-01 10:00"]), end=[5.0]),
     "response_times: start holds dates but end holds numbers"),
    (lambda: perche.response_times([1.0, 2.0], sla="2024-01-01"), "response_times: sla '2024-01-01' is a date"),
])
def test_response_times_refuse_an_sla_in_another_unit_than_the_durations(call, fragment):
    # A timedelta sla against plain numbers (of an unknown unit) was read as seconds.
    with pytest.raises(ValueError) as e:
        call()
    assert fragment in str(e.value)


def test_response_times_of_one_unit_throughout_still_work():
    assert perche.response_times([30.0, 90.0], sla=60).within_sla == 0.5
    assert perche.response_times(pd.to_timedelta([30, 90], unit="s"), sla=pd.Timedelta(minutes=1)).within_sla == 0.5
    r = perche.response_times(start=pd.to_datetime(["2024-01-01 10:00"]), end=pd.to_datetime(["2024-01-01 10:05"]),
                              sla=np.timedelta64(5, "m"))
    assert r.within_sla == 1.0
    assert perche.response_times(start=[0.0, 1.0], end=[30.0, 91.0], sla=60.0).within_sla == 0.5


# --- repr, to_dict ---------------------------------------------------------------------------------


def test_churn_and_response_time_results_have_a_readable_repr_and_plain_to_dict():
    c = perche.churn_rate([0, 0], [5, None], 1, 10)
    assert repr(c).startswith("ChurnResult(") and "rate=" in repr(c)
    assert json.loads(json.dumps(c.to_dict())) == c.to_dict()
    r = perche.response_times([1.0, 2.0, 4.0], sla=3)
    assert repr(r).startswith("ResponseTimeResult(") and "median=" in repr(r)
    assert all(v is None or isinstance(v, (int, float)) for v in r.to_dict().values())
    assert json.loads(json.dumps(r.to_dict())) == r.to_dict()
