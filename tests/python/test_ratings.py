# SPDX-License-Identifier: Apache-2.0
# perche.csat, perche.ces, RatingCounts and compare() of rating results.
# Reference values: statsmodels proportion_confint(method="wilson") for top-box intervals (perche
# reports the CSAT score and CI in percent, shares as fractions); stats.t via
# refstats.weighted_mean_t for mean intervals (clamped to the scale, as perche documents); the
# trinomial net score with Rocks (2016) adjusted Wald written out in numpy for aggregation="net".
import json
import math
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

import perche
from refstats import adjusted_t, kish_n_eff, weighted_mean_t

TIGHT = dict(rel=1e-9, abs=1e-9)
quarter_weights = st.integers(0, 400).map(lambda k: k / 4)


def wilson_percent(count, n, confidence=0.95):
    lo, hi = proportion_confint(count, n, alpha=1 - confidence, method="wilson")
    return 100 * max(0.0, lo), 100 * min(1.0, hi)


def rating_counts(scores, weights=None, scale=(1, 5)):
    c = perche.RatingCounts(*scale)
    c.add(np.asarray(scores, dtype=np.int64), weights)
    return c


# --- CSAT top box ---------------------------------------------------------------------------------


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
@pytest.mark.parametrize("n", [1, 3, 40, 1000])
def test_csat_top_2_box_matches_statsmodels_wilson_in_percent(rng, n, confidence):
    s = rng.integers(1, 6, n)
    top = int((s >= 4).sum())
    r = perche.csat(s, confidence=confidence, method="wilson")
    p = top / n
    assert r.aggregation == "top_box" and r.method == "wilson" and r.top == 2
    assert r.score == pytest.approx(100 * p, **TIGHT)
    assert r.top_share == pytest.approx(p, **TIGHT)
    assert r.bottom_share == pytest.approx((s <= 2).sum() / n, **TIGHT)
    assert r.se == pytest.approx(100 * math.sqrt(p * (1 - p) / n), **TIGHT)
    assert (r.ci_low, r.ci_high) == pytest.approx(wilson_percent(top, n, confidence), **TIGHT)


def wilson_cc(x, n, z=stats.norm.ppf(0.975)):
    """Wilson's interval with continuity correction, Newcombe (1998, Stat Med 17:857) method 4, as a
    fraction; written from the paper's closed form."""
    p, q = x / n, 1 - x / n
    lo = 0.0 if x == 0 else (2 * n * p + z * z - 1 - z * math.sqrt(z * z - 2 - 1 / n + 4 * p * (n * q + 1))) / (2 * (n + z * z))
    hi = 1.0 if x == n else (2 * n * p + z * z + 1 + z * math.sqrt(z * z + 2 - 1 / n + 4 * p * (n * q - 1))) / (2 * (n + z * z))
    return max(0.0, lo), min(1.0, hi)


@pytest.mark.parametrize("x, n, low, high", [(81, 263, 0.2535, 0.3682), (15, 148, 0.0598, 0.1644), (0, 20, 0.0, 0.2005),
                                             (1, 29, 0.0018, 0.1963)])
def test_the_default_top_box_interval_is_wilson_with_continuity_correction_as_newcombes_table(x, n, low, high):
    # Newcombe (1998), Table I, method 4; the reference function reproduces the table, perche matches it.
    assert wilson_cc(x, n) == pytest.approx((low, high), abs=6e-5)
    r = perche.csat([5] * x + [1] * (n - x))
    assert r.method == "wilson_cc"
    assert (r.ci_low, r.ci_high) == pytest.approx(tuple(100 * v for v in wilson_cc(x, n)), **TIGHT)


@pytest.mark.parametrize("n", [10, 20, 50])
def test_the_default_top_box_interval_covers_at_least_95_percent_where_wilson_dips(n):
    # Exact coverage over the binomial distribution (no simulation): Wilson dips below 93.5% at some
    # shares for n = 10-50 (Brown, Cai & DasGupta 2001); the continuity-corrected default never does.
    def coverage(method, p):
        hit = 0.0
        for x in range(n + 1):
            r = perche.csat([5] * x + [1] * (n - x), method=method)
            hit += stats.binom.pmf(x, n, p) * (r.ci_low <= 100 * p <= r.ci_high)
        return hit

    shares = np.linspace(0.02, 0.98, 97)
    assert min(coverage("wilson", p) for p in shares) < 0.935
    assert min(coverage("wilson_cc", p) for p in shares) >= 0.95


def test_small_top_box_groups_are_compared_by_boschloos_exact_test_as_scipy():
    for xa, na, xb, nb in [(5, 5, 2, 5), (1, 5, 9, 12), (0, 5, 10, 20), (7, 12, 1, 12), (2, 19, 15, 30)]:
        ref = stats.boschloo_exact([[xa, xb], [na - xa, nb - xb]], n=256).pvalue
        c = perche.compare(perche.csat([5] * xa + [1] * (na - xa)), perche.csat([5] * xb + [1] * (nb - xb)))
        assert c.p_value == pytest.approx(ref, rel=1e-3)
    # The exact test holds its level where the score test does not: 5 vs 5 at a 60% share, exactly.
    n = 5
    level = sum(stats.binom.pmf(xa, n, 0.6) * stats.binom.pmf(xb, n, 0.6)
                for xa in range(n + 1) for xb in range(n + 1)
                if perche.compare(perche.csat([5] * xa + [1] * (n - xa)),
                                  perche.csat([5] * xb + [1] * (n - xb))).p_value < 0.05)
    assert level <= 0.05


def test_csat_of_4_ratings_50_percent_satisfied_has_wilson_ci_15_0_to_85_0():
    # Wilson (1927) for 2 of 4 at 95%: centre 0.5, half-width 1.96·sqrt(0.0625 + 0.96/64)/1.96 ≈ 0.3500
    r = perche.csat([1, 2, 5, 4], method="wilson")
    assert r.score == 50.0
    assert (r.ci_low, r.ci_high) == pytest.approx((15.004, 84.996), abs=1e-3)


@pytest.mark.parametrize("top", [1, 2, 3])
def test_csat_top_k_boxes_on_a_1_to_10_scale(rng, top):
    s = rng.integers(1, 11, 300)
    k = int((s > 10 - top).sum())
    r = perche.csat(s, scale=(1, 10), top=top, method="wilson")
    assert r.score == pytest.approx(100 * k / 300, **TIGHT)
    assert (r.ci_low, r.ci_high) == pytest.approx(wilson_percent(k, 300), **TIGHT)


def test_csat_top_box_wald_interval_is_score_plus_minus_z_se(rng):
    s = rng.integers(1, 6, 200)
    p = (s >= 4).mean()
    se = 100 * math.sqrt(p * (1 - p) / 200)
    z = stats.norm.ppf(0.975)
    r = perche.csat(s, method="wald")
    assert (r.ci_low, r.ci_high, r.se) == pytest.approx((100 * p - z * se, 100 * p + z * se, se), **TIGHT)


def test_weighted_csat_uses_wilson_on_the_design_effective_n(rng):
    s = rng.integers(1, 6, 400)
    w = rng.uniform(0.2, 3.0, 400)
    p = w[s >= 4].sum() / w.sum()
    y = (s >= 4).astype(float)
    n = p * (1 - p) / (400 / 399 * np.sum(w**2 * (y - p) ** 2) / w.sum() ** 2)  # σ²/V_lin (Woodruff 1971)
    r = perche.csat(s, weights=w, method="wilson")
    assert r.n == 400 and r.n_eff == pytest.approx(kish_n_eff(w), **TIGHT)
    assert r.n_design == pytest.approx(n, **TIGHT)
    assert r.score == pytest.approx(100 * p, **TIGHT)
    assert r.se == pytest.approx(100 * math.sqrt(p * (1 - p) / n), **TIGHT)
    # Wilson (1927) with t in place of z (varying weights), on the design's degrees of freedom
    # 399·(Σw²)²/(400·Σw⁴) (Satterthwaite 1946 on the squared weights)
    t = stats.t.ppf(0.975, 399 * (w**2).sum() ** 2 / (400 * (w**4).sum()))
    centre = (p + t * t / (2 * n)) / (1 + t * t / n)
    half = t * math.sqrt(p * (1 - p) / n + t * t / (4 * n * n)) / (1 + t * t / n)
    assert (r.ci_low, r.ci_high) == pytest.approx((100 * (centre - half), 100 * (centre + half)), **TIGHT)


def test_csat_reports_the_mean_with_an_adjusted_t_interval_clamped_to_the_scale(rng):
    s = rng.integers(1, 6, 60)
    m, sd, se, ci = weighted_mean_t(s, lo=1, hi=5)
    r = perche.csat(s)
    assert (r.mean, r.sd, r.mean_se) == pytest.approx((m, sd, se), **TIGHT)
    assert (r.t_ci_low, r.t_ci_high) == pytest.approx(ci, **TIGHT)
    c, cse, aci = adjusted_t(s, 1, 5)
    assert (r.mean_center, r.mean_center_se) == pytest.approx((c, cse), **TIGHT)
    assert (r.mean_ci_low, r.mean_ci_high) == pytest.approx(aci, **TIGHT)


def test_csat_mean_aggregation_matches_scipy_t(rng):
    s = rng.integers(1, 6, 25)
    w = rng.uniform(0.5, 1.5, 25)
    m, sd, se, ci = weighted_mean_t(s, w, confidence=0.9, lo=1, hi=5)
    r = perche.csat(s, weights=w, aggregation="mean", confidence=0.9, method="t")
    assert r.method == "t"
    assert (r.score, r.se, r.sd) == pytest.approx((m, se, sd), **TIGHT)
    assert (r.ci_low, r.ci_high) == pytest.approx(ci, **TIGHT)


def test_a_mean_interval_that_would_leave_the_scale_is_clamped_to_it():
    s = [5, 5, 5, 4, 5]
    m, _, se, _ = weighted_mean_t(s)
    t = stats.t.ppf(0.975, 4)
    assert m + t * se > 5  # the unclamped interval leaves the scale
    r = perche.csat(s, aggregation="mean", method="t")
    assert r.ci_high == 5.0 and r.t_ci_high == 5.0
    assert r.ci_low == pytest.approx(m - t * se, **TIGHT)


def test_one_rating_gives_the_whole_scale_as_mean_interval():
    r = perche.ces([6])
    assert r.n == 1 and r.mean == 6.0
    assert math.isinf(r.mean_se) and r.sd == 0.0
    assert (r.mean_ci_low, r.mean_ci_high) == (1.0, 7.0)


# --- CES -------------------------------------------------------------------------------------------


def test_ces_defaults_to_the_mean_of_a_1_to_7_scale_with_an_adjusted_t_interval(rng):
    s = rng.integers(1, 8, 120)
    m, sd, se, ci = weighted_mean_t(s, lo=1, hi=7)
    c, cse, aci = adjusted_t(s, 1, 7)
    r = perche.ces(s)
    assert (r.aggregation, r.method) == ("mean", "adjusted_t")
    assert (r.score, r.sd, r.mean_se) == pytest.approx((m, sd, se), **TIGHT)
    assert (r.center, r.se) == pytest.approx((c, cse), **TIGHT)
    assert (r.ci_low, r.ci_high) == pytest.approx(aci, **TIGHT)
    assert (r.t_ci_low, r.t_ci_high) == pytest.approx(ci, **TIGHT)


def test_ces_of_one_level_gets_no_zero_width_interval():
    r = perche.ces([7] * 10)
    assert r.ci_high - r.ci_low > 0.5 and r.ci_high == 7.0
    assert r.t_ci_low == r.t_ci_high == 7.0


def test_ces_agree_share_is_the_top_3_of_7_with_wilson(rng):
    s = rng.integers(1, 8, 200)
    k = int((s >= 5).sum())
    r = perche.ces(s, aggregation="agree_share", method="wilson")
    assert r.top == 3
    assert r.score == pytest.approx(100 * k / 200, **TIGHT)
    assert (r.ci_low, r.ci_high) == pytest.approx(wilson_percent(k, 200), **TIGHT)


@pytest.mark.parametrize("method", ["adjusted_wald", "wald"])
def test_ces_net_is_top_minus_bottom_boxes_with_rocks_intervals(rng, method):
    s = rng.integers(1, 8, 150)
    n = 150
    a, b = (s >= 5).mean(), (s <= 3).mean()
    z = stats.norm.ppf(0.975)
    if method == "wald":
        center, se = 100 * (a - b), 100 * math.sqrt((a + b - (a - b) ** 2) / n)
    else:
        a2, b2 = (a * n + 0.75) / (n + 3), (b * n + 0.75) / (n + 3)
        center, se = 100 * (a2 - b2), 100 * math.sqrt((a2 + b2 - (a2 - b2) ** 2) / (n + 3))
    r = perche.ces(s, aggregation="net", method=method)
    assert r.score == pytest.approx(100 * (a - b), **TIGHT)
    assert (r.center, r.se) == pytest.approx((center, se), **TIGHT)
    assert (r.ci_low, r.ci_high) == pytest.approx((max(-100, center - z * se), min(100, center + z * se)), **TIGHT)


def test_reversed_ces_mirrors_the_scale():
    # 1 = "concordo pienamente": reversed, a 1 counts as a 7.
    r = perche.ces([1, 1, 2, 7], reversed=True)
    assert r.mean == pytest.approx((7 + 7 + 6 + 1) / 4, **TIGHT)
    assert r.top_share == pytest.approx(0.75, **TIGHT)


@given(st.lists(st.integers(1, 7), min_size=1, max_size=50))
def test_reversed_ces_mean_is_8_minus_the_plain_mean(s):
    plain = perche.ces(s)
    rev = perche.ces(s, reversed=True)
    assert rev.mean == pytest.approx(1 + 7 - plain.mean, rel=1e-12, abs=1e-12)
    assert rev.sd == pytest.approx(plain.sd, rel=1e-9, abs=1e-12)
    assert rev.top_share == pytest.approx(plain.bottom_share, rel=1e-12, abs=1e-15)


@given(st.lists(st.tuples(st.integers(1, 5), quarter_weights), min_size=1, max_size=50))
def test_reversed_ces_on_a_1_to_5_scale_has_mean_6_minus_the_plain_mean(rows):
    s = [v for v, _ in rows]
    w = [x for _, x in rows]
    plain = perche.ces(s, weights=w, scale=(1, 5))
    rev = perche.ces(s, weights=w, scale=(1, 5), reversed=True)
    if sum(w) == 0:
        assert plain is None and rev is None
        return
    assert rev.mean == pytest.approx(1 + 5 - plain.mean, rel=1e-12, abs=1e-12)


# --- input types and errors ------------------------------------------------------------------------


SAMPLE = [5, 4, 4, 3, 1, 2, 5, 5, 3, 4]


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "float32", "float64"])
def test_every_numeric_dtype_gives_the_same_csat(dtype):
    assert perche.csat(np.asarray(SAMPLE, dtype=dtype)).to_dict() == perche.csat(SAMPLE).to_dict()


def test_pandas_series_and_strided_arrays_give_the_same_csat():
    a = np.repeat(np.asarray(SAMPLE), 2)
    assert perche.csat(pd.Series(SAMPLE)).to_dict() == perche.csat(SAMPLE).to_dict()
    assert perche.csat(a[::2]).to_dict() == perche.csat(SAMPLE).to_dict()


@pytest.mark.parametrize("fn, bad, message", [
    (perche.csat, [1, 2, 6], "csat: score 6 at index 2 is outside [1, 5]"),
    (perche.csat, [0, 2], "csat: score 0 at index 0 is outside [1, 5]"),
    (perche.csat, [1, 2.5], "csat: score 2.5 at index 1 is not an integer (expected an integer in [1, 5])"),
    (perche.csat, [3, float("nan")], "csat: score nan at index 1 is not a number (expected an integer in [1, 5])"),
    (perche.ces, [1, 2, 8], "ces: score 8 at index 2 is outside [1, 7]"),
    (perche.ces, [1, 7.5], "ces: score 7.5 at index 1 is outside [1, 7]"),
])
def test_bad_ratings_raise_value_error_naming_index_value_and_range(fn, bad, message):
    with pytest.raises(ValueError) as e:
        fn(bad)
    assert str(e.value) == message


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(aggregation="median"), "aggregation 'median' is not one of"),
    (dict(method="adjusted_wald"), "does not fit this aggregation"),
    (dict(aggregation="mean", method="wilson"), "does not fit this aggregation"),
    (dict(method="nonsense"), "method 'nonsense' is not one of"),
    (dict(top=5), "top 5 is outside [1, 4]"),
    (dict(aggregation="net", top=3), "top 3 is outside [1, 2]"),
    (dict(scale=(5, 1)), "scale [5, 1] is invalid"),
    (dict(confidence=1.5), "confidence 1.5 is outside (0, 1)"),
])
def test_bad_csat_options_raise_value_error(kwargs, fragment):
    with pytest.raises(ValueError) as e:
        perche.csat([1, 2, 3], **kwargs)
    assert fragment in str(e.value)


@pytest.mark.parametrize("fn, scale", [(perche.csat, (1, 5)), (perche.ces, (1, 7))])
def test_weights_cannot_be_given_with_rating_counts(fn, scale):
    # They were ignored without a word (nps refuses them with NpsCounts).
    with pytest.raises(ValueError) as e:
        fn(perche.RatingCounts(*scale), weights=[1, 2])
    assert str(e.value) == f"{fn.__name__}: weights cannot be given with RatingCounts (they are already in the counts)"


@pytest.mark.parametrize("bad", [
    ["5", "4", "1"],
    np.array(["5", "4", "1"], dtype=object),
    pd.Series(["5", "4", "1"], dtype=object),
    pd.Series(["5", "4", "1"], dtype="string"),
    pd.Series(pd.Categorical(["5", "4", "1"])),
], ids=["list", "object array", "object Series", "string Series", "Categorical of text"])
@pytest.mark.parametrize("fn", [perche.csat, perche.ces])
def test_text_ratings_are_refused_whatever_holds_them(fn, bad):
    # An object array or a Categorical of "5" was read as the number 5; a list of it was refused.
    with pytest.raises(ValueError) as e:
        fn(bad)
    assert str(e.value) == "scores must be numbers, got text '5' at index 0"


def test_numeric_categoricals_and_object_arrays_of_numbers_are_ratings():
    ref = perche.csat([5, 4, 1]).to_dict()
    assert perche.csat(pd.Series(pd.Categorical([5, 4, 1]))).to_dict() == ref
    assert perche.csat(np.array([5, 4, 1], dtype=object)).to_dict() == ref
    assert perche.csat(pd.Series([5, None, 4, 1], dtype=object), nan_policy="omit").n == 3


def test_negative_weights_and_mismatched_lengths_raise():
    with pytest.raises(ValueError, match=r"^csat: weight -1 at index 1 is negative"):
        perche.csat([1, 2], weights=[1, -1])
    with pytest.raises(ValueError, match=r"scores has 2 elements but weights has 3"):
        perche.ces([1, 2], weights=[1, 1, 1])


def test_two_dimensional_ratings_raise():
    with pytest.raises(ValueError, match="one-dimensional"):
        perche.csat(np.ones((2, 3)))


@pytest.mark.parametrize("fn", [perche.csat, perche.ces])
def test_empty_ratings_give_none(fn):
    assert fn([]) is None
    assert fn(np.array([], dtype=np.int16)) is None
    assert fn([3, 4], weights=[0, 0]) is None
    assert fn(perche.RatingCounts(*(1, 5) if fn is perche.csat else (1, 7))) is None


# --- comparisons and bootstrap -----------------------------------------------------------------------


def test_compare_of_two_wilson_csat_results_is_the_n_minus_1_chi2_with_newcombes_interval(rng):
    a, b = rng.integers(1, 6, 300), rng.integers(2, 6, 200)
    c = perche.compare(perche.csat(a, method="wilson"), perche.csat(b, method="wilson"))
    xa, xb = int((a >= 4).sum()), int((b >= 4).sum())
    chi2, _, _, _ = stats.chi2_contingency([[xa, 300 - xa], [xb, 200 - xb]], correction=False)
    chi2 *= 499 / 500  # the 'N − 1' χ² (E. Pearson 1947; Campbell 2007, Stat Med 26:3661)
    assert c.diff == pytest.approx(100 * (xa / 300 - xb / 200), **TIGHT)
    assert (c.z ** 2, c.p_value) == pytest.approx((chi2, stats.chi2.sf(chi2, 1)), **TIGHT)
    assert math.copysign(1, c.z) == math.copysign(1, c.diff)
    # Newcombe (1998) method 10 from the two Wilson intervals, computed here by hand.
    z = stats.norm.ppf(0.975)

    def wilson(x, n):
        p = x / n
        mid, half = (p + z * z / (2 * n)) / (1 + z * z / n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return p, mid - half, mid + half

    (pa, la, ua), (pb, lb, ub) = wilson(xa, 300), wilson(xb, 200)
    lo = pa - pb - math.sqrt((pa - la) ** 2 + (ub - pb) ** 2)
    hi = pa - pb + math.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)
    assert (c.ci_low, c.ci_high) == pytest.approx((100 * lo, 100 * hi), **TIGHT)


def test_a_one_response_top_box_segment_is_not_significant_against_the_rest():
    # A Wald test would use SE 0 for the single response and call 100% vs 80% highly significant.
    one = perche.csat([5])
    rest = perche.csat([5] * 800 + [1] * 200)
    c = perche.compare(one, rest)
    assert c.p_value > 0.5
    assert c.ci_low < 0 < c.ci_high


def test_compare_of_two_wald_csat_results_is_the_pooled_test_with_a_wald_interval(rng):
    a, b = rng.integers(1, 6, 300), rng.integers(2, 6, 200)
    ra, rb = perche.csat(a, method="wald"), perche.csat(b, method="wald")
    c = perche.compare(ra, rb)
    pa, pb = (a >= 4).mean(), (b >= 4).mean()
    pool = (a >= 4).sum() + (b >= 4).sum()
    pool /= 500
    # Agresti 2013, §2.1.5, in the 'N − 1' form (Campbell 2007)
    z = (pa - pb) / math.sqrt(pool * (1 - pool) * 500 / 499 * (1 / 300 + 1 / 200))
    assert c.diff == pytest.approx(ra.score - rb.score, **TIGHT)
    assert (c.z, c.p_value) == pytest.approx((z, 2 * stats.norm.sf(abs(z))), **TIGHT)
    half = 1.959963984540054 * math.hypot(ra.se, rb.se)
    assert (c.ci_low, c.ci_high) == pytest.approx((c.diff - half, c.diff + half), **TIGHT)
    assert "Wald" in c.warning


def test_csat_bootstrap_is_reproducible_and_close_to_wald(rng):
    s = rng.integers(1, 6, 3000)
    a = perche.csat(s, method="bootstrap", seed=5, bootstrap_samples=3000)
    b = perche.csat(s, method="bootstrap", seed=5, bootstrap_samples=3000)
    w = perche.csat(s, method="wald")
    assert a.to_dict() == b.to_dict()
    assert a.score == pytest.approx(w.score, **TIGHT)
    assert a.se == pytest.approx(w.se, rel=0.10)


# --- RatingCounts ----------------------------------------------------------------------------------


def test_csat_of_counts_equals_csat_of_the_scores(rng):
    s = rng.integers(1, 6, 100)
    assert perche.csat(rating_counts(s)).to_dict() == perche.csat(s).to_dict()
    c7 = rating_counts(rng.integers(1, 8, 50), scale=(1, 7))
    assert perche.ces(c7, aggregation="net").n == 50


def test_rating_counts_report_counts_and_weights_per_level():
    c = rating_counts([1, 2, 2, 5], weights=[0.5, 1.0, 2.0, 1.5])
    assert list(c.counts) == [1, 2, 0, 0, 1]
    assert c.count(2) == 2 and c.weight(2) == 3.0 and c.n == 4 and c.total_weight == 5.0
    assert repr(c) == "RatingCounts(scale=(1, 5), counts=[1, 2, 0, 0, 1])"
    with pytest.raises(ValueError, match=r"level 6 is outside \[1, 5\]"):
        c.count(6)


def test_rating_counts_of_different_scales_cannot_be_merged():
    with pytest.raises(ValueError, match="different scales"):
        perche.RatingCounts(1, 5) + perche.RatingCounts(1, 7)


def test_options_on_another_scale_than_the_counts_raise():
    with pytest.raises(ValueError, match="differs from the counts' scale"):
        perche.csat(perche.RatingCounts(1, 7))


@given(st.lists(st.integers(1, 5), max_size=50), st.lists(st.integers(1, 5), max_size=50))
def test_merging_unweighted_rating_counts_equals_counting_the_concatenation(a, b):
    ca, cb = rating_counts(a), rating_counts(b)
    whole = rating_counts(a + b)
    assert ca + cb == whole
    ca += cb
    assert ca == whole


@given(st.lists(st.tuples(st.integers(1, 5), quarter_weights), max_size=50),
       st.lists(st.tuples(st.integers(1, 5), quarter_weights), max_size=50))
def test_merging_weighted_rating_counts_equals_counting_the_concatenation(a, b):
    def counts(rows):
        return rating_counts([s for s, _ in rows], np.array([w for _, w in rows], dtype=float))

    assert counts(a) + counts(b) == counts(a + b)


@given(st.lists(st.tuples(st.integers(-3, 3), quarter_weights), max_size=50))
def test_reversing_rating_counts_twice_is_the_identity(rows):
    c = rating_counts([s for s, _ in rows], np.array([w for _, w in rows], dtype=float), scale=(-3, 3))
    assert c.reversed().reversed() == c
    assert list(c.reversed().counts) == list(c.counts)[::-1]


@given(st.lists(st.tuples(st.integers(1, 7), quarter_weights), max_size=50))
def test_pickling_rating_counts_round_trips(rows):
    c = rating_counts([s for s, _ in rows], np.array([w for _, w in rows], dtype=float), scale=(1, 7))
    back = pickle.loads(pickle.dumps(c))
    assert back == c
    assert (back.scale_min, back.scale_max) == (1, 7)


@given(st.lists(st.integers(1, 5), min_size=1, max_size=40),
       st.sampled_from(["top_box", "mean", "net"]), st.sampled_from([None, "wald", "bootstrap"]))
def test_rating_scores_and_intervals_stay_in_range(s, aggregation, method):
    r = perche.csat(s, aggregation=aggregation, method=method, bootstrap_samples=50)
    lo, hi = {"top_box": (0, 100), "mean": (1, 5), "net": (-100, 100)}[aggregation]
    assert lo <= r.score <= hi
    assert lo <= r.ci_low <= r.ci_high <= hi


# --- repr, to_dict ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [perche.csat, perche.ces])
def test_rating_results_have_a_readable_repr_and_json_ready_to_dict(fn):
    r = fn([1, 2, 3, 4, 5, 5])
    assert repr(r).startswith("RatingResult(") and "score=" in repr(r)
    d = r.to_dict()
    assert all(isinstance(v, (int, float, str)) for v in d.values())
    assert json.loads(json.dumps(d)) == d
