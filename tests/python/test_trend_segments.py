# SPDX-License-Identifier: Apache-2.0
# perche.p_adjust, perche.trend_test, perche.trend and perche.by_segment.
# Reference values: statsmodels multipletests (holm, fdr_bh) for adjusted p-values;
# scipy.stats.linregress for the OLS trend; refstats.mann_kendall (independent numpy Mann–Kendall
# with tie-corrected variance, continuity correction, normal p, and Sen's median pairwise slope);
# per-period and per-segment figures are checked against perche.nps/csat/ces on the same rows, whose
# own references are in test_nps.py and test_ratings.py.
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests

import perche
from refstats import mann_kendall

TIGHT = dict(rel=1e-9, abs=1e-12)


# --- p_adjust --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method, sm", [("holm", "holm"), ("bh", "fdr_bh")])
@pytest.mark.parametrize("m", [1, 2, 5, 40])
def test_p_adjust_matches_statsmodels_multipletests(rng, method, sm, m):
    p = rng.uniform(0, 0.2, m) ** 2
    assert perche.p_adjust(p, method) == pytest.approx(multipletests(p, method=sm)[1], **TIGHT)


@pytest.mark.parametrize("method, sm", [("holm", "holm"), ("bh", "fdr_bh")])
def test_p_adjust_handles_ties_zeros_and_ones_like_statsmodels(method, sm):
    p = np.array([0.01, 0.04, 0.04, 0.0, 1.0, 0.03, 0.01, 0.5])
    assert perche.p_adjust(p, method) == pytest.approx(multipletests(p, method=sm)[1], **TIGHT)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30), st.sampled_from([("holm", "holm"), ("bh", "fdr_bh")]))
def test_p_adjust_agrees_with_statsmodels_on_any_p_values(p, methods):
    ours, theirs = methods
    assert perche.p_adjust(p, ours) == pytest.approx(multipletests(np.array(p), method=theirs)[1], **TIGHT)


def test_p_adjust_defaults_to_holm_and_accepts_an_empty_list():
    p = [0.01, 0.02, 0.3]
    assert list(perche.p_adjust(p)) == pytest.approx(list(multipletests(p, method="holm")[1]), **TIGHT)
    assert len(perche.p_adjust([])) == 0


@pytest.mark.parametrize("p, method, fragment", [
    ([0.1, 1.5], "holm", "p-value 1.5 at index 1 is outside [0, 1]"),
    ([np.nan], "bh", "p-value nan at index 0 is outside [0, 1]"),
    ([-0.1], "bh", "at index 0"),
    ([0.1], "bonferroni", "method 'bonferroni' is not one of"),
])
def test_bad_p_values_or_methods_raise_value_error(p, method, fragment):
    with pytest.raises(ValueError) as e:
        perche.p_adjust(p, method)
    assert fragment in str(e.value)


# --- trend_test ------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [3, 5, 12, 40])
def test_ols_trend_test_matches_scipy_linregress(rng, k):
    y = 30 - 0.8 * np.arange(k) + rng.normal(0, 3, k)
    ref = stats.linregress(np.arange(k), y)
    r = perche.trend_test(y, test="ols")
    assert r.test == "ols" and r.periods == k
    assert r.slope == pytest.approx(ref.slope, **TIGHT)
    assert r.statistic == pytest.approx(ref.slope / ref.stderr, **TIGHT)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-8, abs=1e-14)
    assert r.declining == (ref.slope < 0 and ref.pvalue < 0.05)


def test_ols_on_a_perfect_line_gives_an_infinite_statistic_and_p_0():
    r = perche.trend_test([5.0, 4.0, 3.0, 2.0], test="ols")
    assert r.slope == pytest.approx(-1.0, **TIGHT)
    assert r.statistic == -np.inf and r.p_value == 0.0 and r.declining


@pytest.mark.parametrize("k", [3, 4, 10, 25])
def test_mann_kendall_matches_the_numpy_reference(rng, k):
    y = 20 - 0.5 * np.arange(k) + rng.normal(0, 2, k)
    s, z, p, slope = mann_kendall(y)
    r = perche.trend_test(y)
    assert r.test == "mann_kendall" and r.periods == k
    assert r.statistic == pytest.approx(z, **TIGHT)
    assert r.p_value == pytest.approx(p, **TIGHT)
    assert r.slope == pytest.approx(slope, **TIGHT)


def test_mann_kendall_corrects_the_variance_for_ties():
    y = [5, 5, 4, 4, 4, 3, 6, 2, 2, 1, 1, 1]
    s, z, p, slope = mann_kendall(y)
    r = perche.trend_test(y)
    assert (r.statistic, r.p_value, r.slope) == pytest.approx((z, p, slope), **TIGHT)
    assert r.declining


@given(st.lists(st.integers(-5, 5), min_size=3, max_size=25))
def test_mann_kendall_agrees_with_the_reference_on_any_series(y):
    s, z, p, slope = mann_kendall(y)
    r = perche.trend_test(y)
    assert r.statistic == pytest.approx(z, rel=1e-9, abs=1e-12)
    assert r.p_value == pytest.approx(p, rel=1e-9, abs=1e-12)
    assert r.slope == pytest.approx(slope, rel=1e-9, abs=1e-12)
    assert r.declining == (slope < 0 and p < 0.05)
    assert r.increasing == (slope > 0 and p < 0.05)


def test_alpha_sets_the_decline_flag():
    y = [10, 9.5, 9.7, 9, 8.8, 9.1, 8.5]
    _, _, p, _ = mann_kendall(y)
    assert 0.01 < p < 0.05
    assert perche.trend_test(y, alpha=0.05).declining
    assert not perche.trend_test(y, alpha=0.01).declining


def test_fewer_than_3_values_give_no_test():
    assert perche.trend_test([1.0, 2.0]) is None
    assert perche.trend_test([]) is None


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(values=[1.0, np.nan, 3.0]), "value nan at index 1 is not finite"),
    (dict(values=[1.0, 2.0, 3.0], alpha=0.0), "alpha 0 is outside (0, 1)"),
    (dict(values=[1.0, 2.0, 3.0], test="spearman"), "test 'spearman' is not one of"),
    (dict(values=[1.0, 2.0, 3.0], alpha="0.1"), "alpha '0.1' is not a number"),  # was read by float()
    (dict(values=[1.0, 2.0, 3.0], alpha=True), "alpha True is not a number"),
])
def test_bad_trend_test_input_raises_value_error(kwargs, fragment):
    with pytest.raises(ValueError) as e:
        perche.trend_test(**kwargs)
    assert fragment in str(e.value)


# --- trend() ---------------------------------------------------------------------------------------


def monthly_survey(rng, promoter_shares, per_month=300, year=2025, first_month=1):
    """Scores and dates: month i has the given promoter share, the rest split evenly."""
    scores, dates = [], []
    for i, p in enumerate(promoter_shares):
        m = first_month - 1 + i
        month = np.datetime64(f"{year + m // 12}-{m % 12 + 1:02d}-01")
        probs = np.r_[np.full(7, (1 - p) / 2 / 7), np.full(2, (1 - p) / 2 / 2), np.full(2, p / 2)]
        scores.append(rng.choice(11, per_month, p=probs))
        dates.append(month + rng.integers(0, 28, per_month).astype("timedelta64[D]"))
    order = rng.permutation(per_month * len(promoter_shares))  # rows need not come in date order
    return np.concatenate(scores)[order], np.concatenate(dates)[order]


def test_monthly_trend_labels_periods_yyyy_mm_in_time_order(rng):
    s, d = monthly_survey(rng, [0.5] * 14, per_month=50, first_month=11)
    t = perche.trend(s, d, freq="M")
    labels = [p.period for p in t.periods]
    assert labels == ["2025-11", "2025-12"] + [f"2026-{m:02d}" for m in range(1, 13)]
    assert perche.trend(s, d).to_dict() == t.to_dict()  # monthly is the default for dates


def test_each_period_equals_nps_of_that_periods_rows_and_the_test_is_on_their_scores(rng):
    s, d = monthly_survey(rng, np.linspace(0.6, 0.4, 8))
    t = perche.trend(s, d, freq="M")
    months = d.astype("datetime64[M]")
    for p in t.periods:
        rows = s[months == np.datetime64(p.period)]
        assert p.result.to_dict() == pytest.approx(perche.nps(rows).to_dict(), **TIGHT)
    y = [p.result.score for p in t.periods]
    _, z, pv, slope = mann_kendall(y)
    assert (t.test.statistic, t.test.p_value, t.test.slope) == pytest.approx((z, pv, slope), **TIGHT)
    assert t.test.periods == 8


def test_a_steady_decline_is_flagged(rng):
    s, d = monthly_survey(rng, np.linspace(0.7, 0.3, 12))
    t = perche.trend(s, d, freq="M")
    assert t.test.declining and not t.test.increasing
    assert t.test.slope < 0 and t.test.p_value < 0.05
    ols = perche.trend(s, d, freq="M", test="ols")
    assert ols.test.test == "ols" and ols.test.declining


def test_a_steady_rise_is_flagged_as_increasing(rng):
    s, d = monthly_survey(rng, np.linspace(0.3, 0.7, 12))
    t = perche.trend(s, d)
    assert t.test.increasing and not t.test.declining


def test_a_flat_series_is_not_flagged():
    block = np.array([0, 3, 6, 7, 8, 9, 10, 10, 9, 5])
    months = np.arange("2026-01", "2027-01", dtype="datetime64[M]")
    s = np.tile(block, 12)
    d = np.repeat(months.astype("datetime64[D]") + 3, len(block))
    t = perche.trend(s, d, freq="M")
    assert len(t.periods) == 12
    assert not t.test.declining and not t.test.increasing
    assert t.test.p_value == pytest.approx(1.0)


def test_a_noisy_flat_series_is_not_flagged(rng):
    s, d = monthly_survey(rng, [0.5] * 12, per_month=400)
    y = [p.result.score for p in perche.trend(s, d).periods]
    t = perche.trend(s, d).test
    assert t.p_value == pytest.approx(mann_kendall(y)[2], **TIGHT)
    assert t.p_value > 0.05 and not t.declining


def test_quarterly_and_daily_periods_are_labelled_by_calendar():
    d = np.array(["2025-12-31", "2026-01-02", "2026-04-15", "2026-01-02"], dtype="datetime64[D]")
    q = perche.trend([10, 9, 3, 0], d, freq="Q")
    assert [p.period for p in q.periods] == ["2025-Q4", "2026-Q1", "2026-Q2"]
    assert [p.result.n for p in q.periods] == [1, 2, 1]
    day = perche.trend([10, 9, 3, 0], d, freq="D")
    assert [p.period for p in day.periods] == ["2025-12-31", "2026-01-02", "2026-04-15"]


def test_numeric_and_text_periods_come_back_as_given_and_sorted():
    t = perche.trend([10, 0, 9, 7], [202603, 202601, 202602, 202601])
    assert [p.period for p in t.periods] == [202601, 202602, 202603]
    assert all(type(p.period) is int for p in t.periods)
    t = perche.trend([10, 0, 9, 7], ["2026-03", "2026-01", "2026-02", "2026-01"])
    assert [p.period for p in t.periods] == ["2026-01", "2026-02", "2026-03"]
    assert t.test is not None and t.test.periods == 3


def test_dates_as_pandas_series_or_python_dates_give_the_same_trend(rng):
    s, d = monthly_survey(rng, [0.5, 0.4, 0.3], per_month=30)
    t = perche.trend(s, d).to_dict()
    assert perche.trend(pd.Series(s), pd.Series(d)).to_dict() == t
    assert perche.trend(list(s), list(d.astype(object))).to_dict() == t


def test_a_categorical_of_periods_keeps_its_categories_order():
    # Red-team 21: Italian months declared in time order were sorted "apr", "feb", "gen", ... and a
    # steady decline came out flat (Mann-Kendall p = 1).
    months = ["gen", "feb", "mar", "apr", "mag", "giu"]
    s = np.concatenate([np.repeat([10, 0], [50 - 8 * i, 8 * i]) for i in range(6)])
    for ordered in (True, False):
        periods = pd.Series(pd.Categorical(np.repeat(months, 50), categories=months, ordered=ordered))
        t = perche.trend(s, periods)
        assert [p.period for p in t.periods] == months
        y = [perche.nps(s[(periods == m).to_numpy()]).score for m in months]
        assert [p.result.score for p in t.periods] == pytest.approx(y, **TIGHT)
        _, z, pv, slope = mann_kendall(y)
        assert (t.test.statistic, t.test.p_value, t.test.slope) == pytest.approx((z, pv, slope), **TIGHT)
        assert t.test.declining
    # Unused categories make no period; a missing one is named, or left out (and counted) under "omit".
    cat = pd.Categorical(["feb", "gen", None, "feb"], categories=["dic", "gen", "feb"])
    with pytest.raises(ValueError, match="periods: missing label at index 2"):
        perche.trend([10, 0, 9, 7], cat)
    t = perche.trend([10, 0, 9, np.nan], cat, nan_policy="omit")
    assert [(p.period, p.result.n, p.result.n_omitted) for p in t.periods] == [("gen", 1, 0), ("feb", 1, 1)]
    segments = pd.Categorical(["b", "a", "c", "a"], categories=["c", "b", "a"])
    assert [g.key for g in perche.by_segment([10, 0, 9, 7], segments)] == ["c", "b", "a"]


def test_iso_date_text_is_bucketed_as_dates():
    # Red-team 21: a date column as pandas.read_csv gives it made one period per day, and freq="M"
    # on it was refused ("freq applies to dates only").
    text = pd.Series(["2025-01-31", "2025-02-01", "2025-02-27", "2025-03-02 09:30:00", "2025-03-31"])
    s = [10, 0, 9, 7, 3]
    dates = pd.to_datetime(text, format="ISO8601")
    assert perche.trend(s, text).to_dict() == perche.trend(s, dates).to_dict()
    assert [p.period for p in perche.trend(s, text).periods] == ["2025-01", "2025-02", "2025-03"]
    assert perche.trend(s, text.to_numpy(dtype=str), freq="Q").to_dict() == perche.trend(s, dates, freq="Q").to_dict()
    assert perche.trend(s, list(text), freq="D").to_dict() == perche.trend(s, dates, freq="D").to_dict()
    gap = pd.Series(["2025-01-31", None, "2025-03-01"])
    assert [p.period for p in perche.trend([10, 0, 9], gap, nan_policy="omit").periods] == ["2025-01", "2025-03"]
    # Text that is not dates throughout stays labels, as given and sorted.
    for labels in (["2026-03", "2026-01", "2026-02", "2026-01"], ["Q2", "Q1", "Q3", "Q1"],
                   ["2026-01-05", "2026-01-06", "dopo", "2026-01-05"]):
        assert [p.period for p in perche.trend([10, 0, 9, 7], labels).periods] == sorted(set(labels))
    with pytest.raises(ValueError, match="freq applies to dates only"):
        perche.trend([10, 0], ["Q1", "Q2"], freq="M")


def test_fewer_than_3_periods_give_no_trend_test():
    t = perche.trend([10, 0, 9], ["2026-01", "2026-01", "2026-02"])
    assert len(t.periods) == 2 and t.test is None
    assert json.loads(json.dumps(t.to_dict()))["test"] is None


@pytest.mark.parametrize("metric, fn, options", [
    ("csat", perche.csat, {}),
    ("csat", perche.csat, {"aggregation": "mean"}),
    ("ces", perche.ces, {"reversed": True}),
])
def test_rating_trends_give_per_period_csat_and_ces(rng, metric, fn, options):
    hi = 5 if metric == "csat" else 7
    s = rng.integers(1, hi + 1, 400)
    periods = rng.integers(1, 6, 400)
    t = perche.trend(s, periods, metric=metric, **options)
    assert [p.period for p in t.periods] == [1, 2, 3, 4, 5]
    for p in t.periods:
        assert p.result.to_dict() == pytest.approx(fn(s[periods == p.period], **options).to_dict(), **TIGHT)


def test_weighted_trend_equals_weighted_nps_per_period(rng):
    s = rng.integers(0, 11, 300)
    w = rng.uniform(0.1, 3.0, 300)
    periods = rng.integers(0, 4, 300)
    t = perche.trend(s, periods, weights=w)
    for p in t.periods:
        m = periods == p.period
        assert p.result.to_dict() == pytest.approx(perche.nps(s[m], weights=w[m]).to_dict(), **TIGHT)


@pytest.mark.parametrize("kwargs, error, fragment", [
    (dict(freq="H"), ValueError, "freq 'H' is not one of"),
    (dict(metric="ces2"), ValueError, "metric 'ces2' is not one of"),
    (dict(test="cox_stuart"), ValueError, "test 'cox_stuart' is not one of"),
    (dict(metric="csat", breaks=(6, 9)), TypeError, "unexpected option"),
])
def test_bad_trend_options_raise(kwargs, error, fragment):
    d = np.array(["2026-01-01", "2026-02-01", "2026-03-01"], dtype="datetime64[D]")
    with pytest.raises(error) as e:
        perche.trend([1, 2, 3], d, **kwargs)
    assert fragment in str(e.value)


def test_trend_errors_name_bad_scores_mismatched_lengths_and_missing_dates():
    with pytest.raises(ValueError, match=r"score 11 at index 1 is outside \[0, 10\]"):
        perche.trend([1, 11, 3], [1, 2, 3])
    with pytest.raises(ValueError, match="scores has 3 elements but keys has 2"):
        perche.trend([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="missing date at index 1"):
        perche.trend([1, 2], np.array(["2026-01-01", "NaT"], dtype="datetime64[D]"))
    with pytest.raises(ValueError, match="freq applies to dates only"):
        perche.trend([1, 2], [1, 2], freq="M")


def test_a_trend_has_a_readable_repr_and_json_ready_to_dict(rng):
    s, d = monthly_survey(rng, [0.5, 0.4, 0.3], per_month=20)
    t = perche.trend(s, d)
    assert repr(t).startswith("Trend(") and "score=" in repr(t)
    assert repr(t.test).startswith("TrendTestResult(") and "p_value=" in repr(t.test)
    doc = json.loads(json.dumps(t.to_dict()))
    assert doc["metric"] == "nps" and [p["period"] for p in doc["periods"]] == ["2025-01", "2025-02", "2025-03"]
    assert doc["test"]["test"] == "mann_kendall"
    frame = t.to_frame()
    assert list(frame["period"]) == ["2025-01", "2025-02", "2025-03"]


# --- by_segment() ----------------------------------------------------------------------------------


def segmented(rng, n=900):
    labels = np.array(["telefono", "chat", "email", "app"])
    seg = labels[rng.integers(0, 4, n)]
    lift = {"telefono": -2, "chat": 0, "email": 0, "app": 1}
    s = np.clip(rng.integers(0, 11, n) + np.vectorize(lift.get)(seg), 0, 10)
    return s, seg


def test_string_segment_labels_come_back_as_sorted_keys(rng):
    s, seg = segmented(rng)
    out = perche.by_segment(s, seg)
    assert [g.key for g in out] == ["app", "chat", "email", "telefono"]
    assert all(type(g.key) is str for g in out)


@pytest.mark.parametrize("method", ["adjusted_wald", "wald"])
def test_each_segment_equals_nps_of_its_rows_and_vs_rest_equals_nps_compare(rng, method):
    s, seg = segmented(rng)
    out = perche.by_segment(s, seg, method=method)
    for g in out:
        mine, rest = s[seg == g.key], s[seg != g.key]
        assert g.result.to_dict() == pytest.approx(perche.nps(mine, method=method).to_dict(), **TIGHT)
        ref = perche.nps_compare(mine, rest, method=method)
        assert (g.vs_rest.diff, g.vs_rest.se) == pytest.approx((ref.diff, ref.se), **TIGHT)
        assert (g.vs_rest.z, g.vs_rest.p_value) == pytest.approx((ref.z, ref.p_value), **TIGHT)


def test_segment_p_values_are_adjusted_with_holm_and_bh_like_statsmodels(rng):
    s, seg = segmented(rng)
    out = perche.by_segment(s, seg)
    p = np.array([g.vs_rest.p_value for g in out])
    assert [g.p_holm for g in out] == pytest.approx(list(multipletests(p, method="holm")[1]), **TIGHT)
    assert [g.p_bh for g in out] == pytest.approx(list(multipletests(p, method="fdr_bh")[1]), **TIGHT)


def test_a_single_segment_has_no_comparison_with_the_rest():
    out = perche.by_segment([10, 9, 3, 7], ["chat"] * 4)
    assert len(out) == 1 and out[0].key == "chat"
    assert out[0].vs_rest is None and out[0].p_holm is None and out[0].p_bh is None
    assert json.loads(json.dumps(out.to_dict()))[0]["z"] is None


def test_integer_and_pandas_segments_work_like_strings(rng):
    s, seg = segmented(rng, 300)
    codes = pd.Series(seg).map({"app": 4, "chat": 1, "email": 2, "telefono": 3})
    by_int = perche.by_segment(s, codes)
    assert [g.key for g in by_int] == [1, 2, 3, 4]
    assert all(type(g.key) is int for g in by_int)
    by_str = perche.by_segment(pd.Series(s), pd.Series(seg))
    assert by_int[0].result.to_dict() == by_str[1].result.to_dict()  # chat


def test_datetime_segment_keys_stay_timestamps_that_join_back_to_the_frame():
    # Red-team 21: keys were str ('2024-01-01T00:00:00.000000'), which match no row of the frame.
    df = pd.DataFrame({"nps": np.tile([10, 3, 9, 7], 5),
                       "giorno": pd.to_datetime(["2024-01-01", "2024-02-01"] * 10)})
    out = perche.by_segment(df.nps, df.giorno)
    assert [s.key for s in out] == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")]
    assert all(type(s.key) is pd.Timestamp for s in out)
    joined = df.merge(out.to_frame()[["key", "score"]], left_on="giorno", right_on="key")
    assert len(joined) == len(df)
    assert out[0].result.to_dict() == perche.nps(df.nps[df.giorno == out[0].key]).to_dict()
    # Under "omit", the rows a date lost count under its Timestamp key.
    omitted = perche.by_segment(df.nps.where(df.index != 2), df.giorno, nan_policy="omit")
    assert [(s.key, s.result.n_omitted) for s in omitted] == [(pd.Timestamp("2024-01-01"), 1),
                                                              (pd.Timestamp("2024-02-01"), 0)]
    rome = perche.by_segment(df.nps, df.giorno.dt.tz_localize("Europe/Rome"))
    assert rome[0].key == pd.Timestamp("2024-01-01", tz="Europe/Rome")
    # A trend's periods of dates keep their text labels.
    assert [p.period for p in perche.trend(df.nps, df.giorno).periods] == ["2024-01", "2024-02"]


def test_weighted_segments_equal_weighted_nps_of_their_rows(rng):
    s, seg = segmented(rng, 400)
    w = rng.uniform(0.2, 2.0, 400)
    for g in perche.by_segment(s, seg, weights=w):
        m = seg == g.key
        assert g.result.to_dict() == pytest.approx(perche.nps(s[m], weights=w[m]).to_dict(), **TIGHT)
        ref = perche.nps_compare(s[m], s[~m], weights_a=w[m], weights_b=w[~m])
        assert (g.vs_rest.z, g.vs_rest.p_value) == pytest.approx((ref.z, ref.p_value), **TIGHT)


@pytest.mark.parametrize("metric, fn, hi", [("csat", perche.csat, 5), ("ces", perche.ces, 7)])
def test_rating_segments_equal_the_metric_of_their_rows_and_compare_with_the_rest(rng, metric, fn, hi):
    s = rng.integers(1, hi + 1, 500)
    seg = np.array(["B2B", "B2C"])[rng.integers(0, 2, 500)]
    out = perche.by_segment(s, seg, metric=metric)
    for g in out:
        mine, rest = fn(s[seg == g.key]), fn(s[seg != g.key])
        assert g.result.to_dict() == pytest.approx(mine.to_dict(), **TIGHT)
        ref = perche.compare(mine, rest)
        assert (g.vs_rest.z, g.vs_rest.p_value) == pytest.approx((ref.z, ref.p_value), **TIGHT)


def test_missing_segment_labels_raise_naming_the_index():
    with pytest.raises(ValueError, match="missing label at index 1"):
        perche.by_segment([1, 2, 3], ["a", None, "b"])
    with pytest.raises(ValueError, match="scores has 3 elements but keys has 2"):
        perche.by_segment([1, 2, 3], ["a", "b"])


def test_segments_have_a_readable_repr_and_json_ready_to_dict(rng):
    s, seg = segmented(rng, 200)
    out = perche.by_segment(s, seg)
    assert repr(out[0]).startswith("Segment(") and "score=" in repr(out[0])
    doc = json.loads(json.dumps(out.to_dict()))
    assert [d["key"] for d in doc] == ["app", "chat", "email", "telefono"]
    assert {"score", "ci_low", "ci_high", "z", "p_value", "p_holm", "p_bh"} <= set(doc[0])
    assert list(out.to_frame()["key"]) == ["app", "chat", "email", "telefono"]


def test_weekly_periods_are_iso_weeks_as_perche_analyze_labels_them():
    # numpy's datetime64[W] starts weeks on Thursday (1970-01-01): Sunday 29 Dec 2024 and Monday
    # 30 Dec fell in one "week" labelled 2024-12-26, where ISO 8601 (and perche analyze) has W52, W01.
    dates = pd.to_datetime(["2024-12-29", "2024-12-30", "2025-01-01", "2025-01-05", "2025-01-06"])
    t = perche.trend([10, 9, 0, 7, 10], dates, freq="W")
    iso = [f"{y}-W{w:02d}" for y, w, _ in (d.isocalendar() for d in dates)]
    assert [p.period for p in t.periods] == sorted(set(iso)) == ["2024-W52", "2025-W01", "2025-W02"]
    assert [p.result.n for p in t.periods] == [iso.count(w) for w in sorted(set(iso))]


def test_periods_under_5_responses_show_their_change_untested():
    # 3 at 10 then 3 at 0 was a "significant drop" (p 0.025; an exact test gives 0.10).
    from perche.report import render_text
    df = pd.DataFrame({"nps": [10, 10, 10, 0, 0, 0],
                       "data": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-02-01", "2024-02-02", "2024-02-03"]})
    doc = json.loads(perche.analyze(df, drivers=False, progress=False).to_json())
    feb = doc["trend"]["periods"][1]
    assert feb["too_few"] and feb["diff_prev"] == -200 and feb["p_prev"] is None and not feb["significant_drop"]
    text = render_text(doc)
    assert "n < 5: non testato" in text and "calo significativo" not in text


def test_blank_period_cells_are_missing_periods_that_omit_leaves_out():
    # Review of stop 42: ISO date text read as dates made a blank cell a missing date that
    # nan_policy="omit" did not leave out ("periods: missing date at index 30").
    periods = np.array(["2025-01-10"] * 30 + [""] * 5 + ["2025-02-10"] * 30 + [" "] * 2 + ["2025-03-10"] * 30,
                       dtype=object)
    scores = np.tile([0, 5, 9, 10, 7], 20)[:len(periods)].astype(float)
    t = perche.trend(scores, periods, nan_policy="omit")
    assert [p.period for p in t.periods] == ["2025-01", "2025-02", "2025-03"]
    assert t.n_omitted == 7
