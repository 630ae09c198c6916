# SPDX-License-Identifier: Apache-2.0
"""Issue #23: intervals that cover, tests that do not cry wolf, design-based weighted variance, rare
drivers and Firth's key-driver regression. References: hand computation with scipy.stats.norm,
refstats.py (numpy), scipy's Welch test, and small seeded simulations against a known population
(benchmarks/calibration.py runs the full grid). Each test fails on the code before #23."""
import math
import pickle

import numpy as np
import pytest
from scipy import stats

import perche
from perche import _core
from refstats import adjusted_t, firth_logit, linearized_se_of_mean


def _scores(promoters, passives, detractors):
    return np.array([10] * promoters + [7] * passives + [0] * detractors, dtype=np.int8)


def _counts(c):  # (promoters, passives, detractors)
    return _core.NpsCounts.from_counts(int(c[2]), int(c[1]), int(c[0]))


def _options(method="adjusted_wald", **kw):
    o = _core.NpsOptions()
    o.method = getattr(_core.CiMethod, method)
    for k, v in kw.items():
        setattr(o, k, v)
    return o


# --- tests that do not cry wolf -------------------------------------------------------------------
@pytest.mark.parametrize("method", ["wald", "adjusted_wald", "bootstrap"])
def test_one_promoter_against_one_detractor_is_not_significant(method):
    # Pooled score test by hand: pooled P = D = 1/2, σ² = P + D − (P − D)² = 1, S² = σ²·N/(N − 1) = 2,
    # se = 100·√(2·(1/1 + 1/1)) = 200, z = 200/200 = 1, p = 2·(1 − Φ(1)) = 0.317.
    c = perche.nps_compare([10], [0], method=method)
    assert c.diff == 200
    assert c.se == pytest.approx(200, rel=1e-12)
    assert c.z == pytest.approx(1, rel=1e-12)
    assert c.p_value == pytest.approx(2 * stats.norm.sf(1), rel=1e-12)
    assert "fewer than 5" in c.warning


def test_nps_compare_pooled_test_by_hand():
    # 20/30/50 vs 30/30/40 (detractors/passives/promoters): pooled P = 0.45, D = 0.25, σ² = 0.66,
    # S² = 0.66·200/199, se = 100·√(S²·(1/100 + 1/100)) = 11.518, z = 20/11.518.
    a = _core.NpsCounts.from_counts(20, 30, 50)
    b = _core.NpsCounts.from_counts(30, 30, 40)
    c = _core.nps_compare(a, b, _options())
    se = 100 * math.sqrt(0.66 * 200 / 199 * 0.02)
    assert c.se == pytest.approx(se, rel=1e-12)
    assert c.z == pytest.approx(20 / se, rel=1e-12)
    assert c.p_value == pytest.approx(2 * stats.norm.sf(20 / se), rel=1e-10)
    # The interval stays Rocks' adjusted Wald difference (hand: centres 29.126 and 9.709).
    n2 = 103
    ca = 100 * (50.75 - 20.75) / n2
    cb = 100 * (40.75 - 30.75) / n2
    va = ((50.75 + 20.75) / n2 - ((50.75 - 20.75) / n2) ** 2) / n2
    vb = ((40.75 + 30.75) / n2 - ((40.75 - 30.75) / n2) ** 2) / n2
    half = stats.norm.ppf(0.975) * 100 * math.sqrt(va + vb)
    assert c.ci_low == pytest.approx(ca - cb - half, rel=1e-10)
    assert c.ci_high == pytest.approx(ca - cb + half, rel=1e-10)
    assert c.warning == ""


def test_wald_type_one_error_holds_for_segments_of_five():
    # The Wald test called 34% of 5-response segments of the NPS-75 population "different" from
    # 400 rows of the same population; the pooled score test holds 5% (simulation, seeded).
    rng = np.random.default_rng(23)
    sh = (0.8, 0.15, 0.05)
    o = _options("wald")
    reps = 1500
    a = rng.multinomial(5, sh, size=reps)
    b = rng.multinomial(400, sh, size=reps)
    rej = 0
    for i in range(reps):
        c = _core.nps_compare(_counts(a[i]), _counts(b[i]), o)
        assert math.isfinite(c.z) and c.p_value > 0
        rej += c.p_value < 0.05
    assert rej / reps <= 0.07


def test_segment_below_the_minimum_is_shown_but_not_tested():
    scores = np.concatenate([_scores(1, 0, 2), _scores(30, 20, 10)])
    seg = np.array([1] * 3 + [2] * 60)
    res = perche.by_segment(scores, seg)
    small = [s for s in res if s.key == 1][0]
    assert small.too_few and small.vs_rest is None and small.p_holm is None
    assert small.result.n == 3 and small.result.score == pytest.approx(-100 / 3)
    # The rest of the segments is then tested against a too-small rest: not tested either.
    big = [s for s in res if s.key == 2][0]
    assert big.too_few and big.vs_rest is None
    assert _core.MIN_TEST_RESPONSES == 5
    seg5 = np.array([1] * 5 + [2] * 58)
    res5 = perche.by_segment(scores, seg5)
    assert all(not s.too_few and s.vs_rest is not None for s in res5)


def test_rating_compare_of_means_uses_the_pooled_test_and_welch_interval():
    rng = np.random.default_rng(4)
    a = rng.integers(1, 8, 12)
    b = rng.integers(2, 8, 30)
    ra, rb = perche.ces(a), perche.ces(b)
    c = perche.compare(ra, rb)
    pooled = np.concatenate([a, b])
    se = math.sqrt(pooled.var(ddof=1) * (1 / len(a) + 1 / len(b)))  # permutation variance: pooled, ddof 1
    assert c.se == pytest.approx(se, rel=1e-10)
    assert c.p_value == pytest.approx(2 * stats.norm.sf(abs(a.mean() - b.mean()) / se), rel=1e-9)
    # method t: Welch's (1947) interval of the plain means
    ct = perche.compare(perche.ces(a, method="t"), perche.ces(b, method="t"))
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert ct.ci_low == pytest.approx(ci.low, rel=1e-7)
    assert ct.ci_high == pytest.approx(ci.high, rel=1e-7)
    # the default adjusted_t: Welch's interval of the adjusted centres, each the mean with half a
    # pseudo-rating at each end of the scale, SE s'/√(n + 1) (refstats.adjusted_t)
    (ca, sa, _), (cb, sb, _) = adjusted_t(a, 1, 7), adjusted_t(b, 1, 7)
    df = (sa**2 + sb**2) ** 2 / (sa**4 / (len(a) - 1) + sb**4 / (len(b) - 1))
    half = stats.t.ppf(0.975, df) * math.sqrt(sa**2 + sb**2)
    assert (c.ci_low, c.ci_high) == pytest.approx((ca - cb - half, ca - cb + half), rel=1e-9)


# --- intervals that cover --------------------------------------------------------------------------
def test_all_promoter_sample_gets_no_zero_width_bootstrap_interval():
    for n in (10, 50, 400):
        b = perche.nps([10] * n, method="bootstrap")
        assert b.ci_high - b.ci_low > 0.5
        assert b.ci_high == 100 and b.warning == ""
        w = perche.nps([10] * n, method="wald")
        assert (w.ci_low, w.ci_high) == (100, 100)
        assert "zero-width" in w.warning and "Wald" in w.warning
        aw = perche.nps([10] * n)
        assert aw.ci_high - aw.ci_low > 0.5 and aw.warning == ""


def test_bootstrap_covers_at_n_10_with_an_extreme_score():
    # NPS 75 (80/15/5), n = 10: the plain percentile bootstrap covered 87%; target >= 93.5%.
    rng = np.random.default_rng(10)
    sh = (0.8, 0.15, 0.05)
    reps = 400
    hit = 0
    for i, c in enumerate(rng.multinomial(10, sh, size=reps)):
        r = _core.nps(_counts(c), _options("bootstrap", bootstrap_samples=500, seed=i + 1))
        hit += r.ci_low <= 75 <= r.ci_high
    assert hit / reps >= 0.93


def test_wald_says_it_is_miscalibrated_and_the_defaults_do_not():
    x = _scores(12, 5, 3)
    assert "Wald" in perche.nps(x, method="wald").warning
    assert perche.nps(x).warning == ""
    assert "Wald" in perche.csat([5, 4, 3, 1, 5], method="wald").warning
    assert perche.csat([5, 4, 3, 1, 5]).warning == ""


# --- weighted statistics: design-based variance ----------------------------------------------------
def test_weighted_nps_se_is_the_linearization_se():
    rng = np.random.default_rng(8)
    n = 300
    polar = rng.random(n) < 0.2
    scores = np.where(polar, rng.choice([0, 10], n), rng.choice([0, 7, 10], n, p=[0.1, 0.8, 0.1]))
    w = np.where(polar, 2.5, 0.625)
    y = np.where(scores >= 9, 100.0, np.where(scores <= 6, -100.0, 0.0))
    r = perche.nps(scores, weights=w, method="wald")
    assert r.se == pytest.approx(linearized_se_of_mean(y, w), rel=1e-10)
    # Kish's n_eff stays a diagnostic; n_design is σ²/V_lin.
    assert r.n_eff == pytest.approx(w.sum() ** 2 / (w**2).sum(), rel=1e-12)
    m = (w * y).sum() / w.sum()
    var = (w * (y - m) ** 2).sum() / w.sum()
    assert r.n_design == pytest.approx(var / linearized_se_of_mean(y, w) ** 2, rel=1e-10)
    # Heavy weights on the polarised stratum: the design-based SE is wider than Kish's.
    assert r.se > 100 * math.sqrt((r.promoter_share + r.detractor_share
                                   - (r.promoter_share - r.detractor_share) ** 2) / r.n_eff)


def test_unweighted_and_equal_weights_give_the_srs_figures():
    x = _scores(50, 30, 20)
    r0 = perche.nps(x)
    r1 = perche.nps(x, weights=np.full(len(x), 3.0))
    assert r0.n_design == len(x) and r1.n_design == pytest.approx(len(x), rel=1e-12)
    assert r1.ci_low == pytest.approx(r0.ci_low, rel=1e-12)


def test_weighted_csat_mean_se_is_the_linearization_se():
    rng = np.random.default_rng(9)
    x = rng.integers(1, 6, 200)
    w = rng.uniform(0.2, 3, 200)
    r = perche.csat(x, weights=w, aggregation="mean")
    m = (w * x).sum() / w.sum()
    m2 = (w * (x - m) ** 2).sum() / w.sum()
    n_design = m2 / linearized_se_of_mean(x, w) ** 2
    assert r.mean_se == pytest.approx(math.sqrt(m2 / n_design), rel=1e-10)
    assert r.mean_se == pytest.approx(linearized_se_of_mean(x, w), rel=1e-10)
    top = (x >= 4).astype(float)
    t = perche.csat(x, weights=w)
    assert t.se == pytest.approx(100 * linearized_se_of_mean(top, w), rel=1e-10)


def test_weighted_nps_covers_when_weights_follow_the_variance():
    # Stratum A: half the population, polarised (45/10/45), 20% of the sample (weight 2.5); B: 10/80/10,
    # weight 0.625. True NPS 0. Kish's n_eff gave 89-92% coverage here (issue #23).
    rng = np.random.default_rng(12)
    reps, n = 600, 100
    hit = 0
    for _ in range(reps):
        na = rng.binomial(n, 0.2)
        cat = np.concatenate([rng.choice(3, na, p=(0.45, 0.1, 0.45)), rng.choice(3, n - na, p=(0.1, 0.8, 0.1))])
        w = np.concatenate([np.full(na, 2.5), np.full(n - na, 0.625)])
        s = np.where(cat == 0, 10, np.where(cat == 1, 7, 0))
        r = perche.nps(s, weights=w)
        hit += r.ci_low <= 0 <= r.ci_high
    assert hit / reps >= 0.935


# --- drivers ------------------------------------------------------------------------------------------
def _driver_options(**kw):
    o = _core.DriverAnalysisOptions()
    for k, v in kw.items():
        setattr(o, k, v)
    return o


def test_rare_driver_gets_no_interval_and_no_quadrant():
    rng = np.random.default_rng(2)
    n = 300
    scores = rng.choice([0.0, 7.0, 10.0], n)
    Y = np.zeros((n, 2), np.uint8)
    Y[:3, 0] = 1
    Y[:, 1] = rng.random(n) < 0.3
    a = _core.analyze_drivers(scores, Y, ["raro", "comune"], np.ones(n, np.uint8), np.empty(0), _driver_options())
    rare, common = a.drivers
    assert rare.few_mentions and rare.impact is not None and rare.impact_ci_low is None
    assert rare.quadrant == _core.Quadrant.not_significant and not rare.impact_significant
    assert any("poche menzioni" in note for note in a.notes)
    assert not common.few_mentions and common.impact_ci_low is not None
    assert _core.DriverAnalysisOptions().min_mentions == 20


def _separated():
    rng = np.random.default_rng(31)
    n = 400
    Y = (rng.random((n, 3)) < [0.3, 0.2, 0.05]).astype(np.uint8)
    eta = -1.0 + 1.2 * Y[:, 0] - 0.8 * Y[:, 1]
    det = rng.random(n) < 1 / (1 + np.exp(-eta))
    det[Y[:, 2] == 1] = True  # every mentioner of the third driver is a detractor: separation
    scores = np.where(det, 3.0, rng.choice([7.0, 10.0], n))
    return scores, Y


def test_firth_keeps_a_separated_driver_and_matches_an_independent_fit():
    scores, Y = _separated()
    a = _core.analyze_drivers(scores, Y, ["a", "b", "c"], np.ones(len(scores), np.uint8), np.empty(0), _driver_options())
    X = np.column_stack([np.ones(len(scores)), Y.astype(float)])
    beta, se = firth_logit(X, (scores <= 6).astype(float))
    for j, d in enumerate(a.drivers):
        assert d.negative is not None and math.isfinite(d.negative.odds_ratio)
        assert d.negative.coef == pytest.approx(beta[j + 1], rel=1e-6, abs=1e-8)
        assert d.negative.se == pytest.approx(se[j + 1], rel=1e-5)
    assert a.negative.intercept.coef == pytest.approx(beta[0], rel=1e-6)
    assert not any("left out of the detractor model" in note for note in a.notes)


@pytest.mark.parametrize("outcome", [0.0, 7.0, 10.0])
def test_firth_converges_when_a_driver_has_a_single_mention(outcome):
    # A driver mentioned once: its hat value is near 1, where plain Fisher scoring on Firth's
    # modified score cycles around the root (the model was "not_converged" and lost its odds
    # ratios). Reference: the penalized log-likelihood l(b) + 1/2 log|I(b)| maximized directly by
    # scipy's BFGS, not by scoring.
    optimize = pytest.importorskip("scipy.optimize")
    rng = np.random.default_rng(5)
    n = 600
    scores = rng.choice([0.0, 7.0, 10.0], size=n, p=[0.3, 0.3, 0.4])
    Y = (rng.random((n, 3)) < [0.2, 0.3, 0.0]).astype(np.uint8)
    Y[np.flatnonzero(scores == outcome)[0], 2] = 1
    a = _core.analyze_drivers(scores, Y, ["a", "b", "c"], np.ones(n, np.uint8), np.empty(0), _driver_options())
    assert not any("did not converge" in note for note in a.notes), a.notes
    X = np.column_stack([np.ones(n), Y.astype(float)])
    for model, y in ((a.negative, scores <= 6), (a.positive, scores >= 9)):
        y = y.astype(float)

        def minus_penalized(b):
            eta = X @ b
            mu = 1 / (1 + np.exp(-eta))
            info = X.T @ ((mu * (1 - mu))[:, None] * X)
            ll = -(y * np.logaddexp(0, -eta) + (1 - y) * np.logaddexp(0, eta)).sum()
            return -(ll + 0.5 * np.linalg.slogdet(info)[1])

        def modified_score(b):  # the penalized likelihood's gradient (Firth 1993, eq. 4)
            mu = 1 / (1 + np.exp(-X @ b))
            v = mu * (1 - mu)
            h = v * np.einsum("ij,jk,ik->i", X, np.linalg.inv(X.T @ (v[:, None] * X)), X)
            return X.T @ (y - mu + h * (0.5 - mu))

        start = optimize.minimize(minus_penalized, np.zeros(4), method="BFGS", options={"gtol": 1e-9}).x
        ref = optimize.root(modified_score, start, tol=1e-13).x
        assert np.abs(modified_score(ref)).max() < 1e-9
        assert model.converged
        assert model.intercept.coef == pytest.approx(ref[0], abs=1e-7)
        coefs = [(d.negative if model is a.negative else d.positive).coef for d in a.drivers]
        assert coefs == pytest.approx(ref[1:], abs=1e-7)


def test_without_firth_the_separation_note_says_the_others_are_not_adjusted():
    scores, Y = _separated()
    a = _core.analyze_drivers(scores, Y, ["a", "b", "c"], np.ones(len(scores), np.uint8), np.empty(0), _driver_options(firth=False))
    assert a.drivers[2].negative is None
    note = [n for n in a.notes if "driver c left out of the detractor model" in n]
    assert note and "not adjusted for it" in note[0]


def test_shapley_importance_matches_a_permutation_average_of_statsmodels_fits():
    # Independent: every subset fitted by statsmodels' Logit, the Shapley value as the average over
    # the 3! entry orders of the McFadden R² each driver adds (Shapley 1953; Budescu 1993).
    import itertools

    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(17)
    n = 1500
    Y = (rng.random((n, 3)) < [0.3, 0.2, 0.15]).astype(np.uint8)
    eta = -0.8 + 1.1 * Y[:, 0] - 0.6 * Y[:, 1] + 0.3 * Y[:, 2]
    det = rng.random(n) < 1 / (1 + np.exp(-eta))
    scores = np.where(det, 2.0, rng.choice([7.0, 10.0], n))
    a = _core.analyze_drivers(scores, Y, ["a", "b", "c"], np.ones(n, np.uint8), np.empty(0),
                              _driver_options(firth=False))
    y = (scores <= 6).astype(float)
    ll0 = sm.Logit(y, np.ones((n, 1))).fit(disp=0).llf

    def r2(cols):
        if not cols:
            return 0.0
        X = sm.add_constant(Y[:, sorted(cols)].astype(float))
        return 1 - sm.Logit(y, X).fit(disp=0, tol=1e-12, maxiter=100).llf / ll0

    phi = np.zeros(3)
    for order in itertools.permutations(range(3)):
        entered = []
        for j in order:
            phi[j] += r2(entered + [j]) - r2(entered)
            entered.append(j)
    phi /= 6
    got = [d.importance_negative for d in a.drivers]
    assert got == pytest.approx(list(phi), rel=1e-6)
    assert sum(got) == pytest.approx(a.negative.pseudo_r2, rel=1e-12)
    # Firth (the default): the shares still sum to the model's pseudo-R² exactly.
    f = _core.analyze_drivers(scores, Y, ["a", "b", "c"], np.ones(n, np.uint8), np.empty(0), _driver_options())
    for outcome in ("negative", "positive"):
        shares = [getattr(d, f"importance_{outcome}") for d in f.drivers]
        assert sum(shares) == pytest.approx(getattr(f, outcome).pseudo_r2, rel=1e-12)


def test_shapley_importance_interval_matches_an_independent_bootstrap_of_statsmodels_fits():
    # Independent: respondents resampled with numpy, every subset refitted by statsmodels' Logit,
    # the two-driver Shapley value (R²(a) + R²(ab) − R²(b))/2 per replicate, percentile interval
    # (Efron & Tibshirani 1993, ch. 13). perche (maximum likelihood, 4,000 replicates) must agree
    # within the Monte Carlo error of 300 replicates: centre within 0.3 of the reference's width,
    # width within 25%.
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(23)
    n = 500
    Y = (rng.random((n, 2)) < [0.35, 0.25]).astype(np.uint8)
    eta = -0.6 + 1.0 * Y[:, 0] - 0.5 * Y[:, 1]
    det = rng.random(n) < 1 / (1 + np.exp(-eta))
    scores = np.where(det, 3.0, rng.choice([7.0, 9.0], n))
    a = _core.analyze_drivers(scores, Y, ["a", "b"], np.ones(n, np.uint8), np.empty(0),
                              _driver_options(firth=False, importance_bootstrap_samples=4000))
    y = (scores <= 6).astype(float)

    def ll_groups(yy, groups):  # a saturated model's log-likelihood: each group at its own proportion
        ll = 0.0
        for g in np.unique(groups):
            k, m = yy[groups == g].sum(), (groups == g).sum()
            ll += sum(c * math.log(c / m) for c in (k, m - k) if c > 0)
        return ll

    def shapley(yy, XX):
        # One driver: saturated (two groups), by hand; both: statsmodels' Logit.
        ll0 = ll_groups(yy, np.zeros(len(yy)))
        ra, rb = 1 - ll_groups(yy, XX[:, 0]) / ll0, 1 - ll_groups(yy, XX[:, 1]) / ll0
        rab = 1 - sm.Logit(yy, sm.add_constant(XX.astype(float))).fit(disp=0, tol=1e-10, maxiter=100).llf / ll0
        return np.array([(ra + rab - rb) / 2, (rb + rab - ra) / 2])

    point = shapley(y, Y)
    assert [d.importance_negative for d in a.drivers] == pytest.approx(list(point), rel=1e-6)
    boot = np.array([shapley(y[i], Y[i]) for i in (rng.integers(0, n, n) for _ in range(300))])
    lo, hi = np.percentile(boot, [2.5, 97.5], axis=0)
    for j, d in enumerate(a.drivers):
        width = hi[j] - lo[j]
        got_lo, got_hi = d.importance_negative_ci_low, d.importance_negative_ci_high
        assert got_lo < d.importance_negative < got_hi
        assert abs((got_lo + got_hi) / 2 - (lo[j] + hi[j]) / 2) < 0.3 * width
        assert got_hi - got_lo == pytest.approx(width, rel=0.25)


def test_ces_adjusted_t_covers_a_skewed_scale_at_n_10():
    # 1–7 scale with 70% sevens (mean 6.41): the plain t interval covered 85% at n = 10.
    rng = np.random.default_rng(14)
    sh = (0.01, 0.01, 0.02, 0.03, 0.08, 0.15, 0.70)
    mu = float(np.dot(np.arange(1, 8), sh))
    reps = 600
    hit = plain = 0
    for _ in range(reps):
        r = perche.ces(rng.choice(np.arange(1, 8), 10, p=sh))
        hit += r.ci_low <= mu <= r.ci_high
        plain += r.t_ci_low <= mu <= r.t_ci_high
    assert hit / reps >= 0.935
    assert plain / reps < 0.9  # the reason for the change


def test_weighted_nps_comparison_of_a_small_group_holds_its_level_on_t():
    """A weighted group of 20 against 400 of the same population, heavy weights on a polarised
    stratum: with z the pooled test rejected 7.5% at 5% (3,000 samples); on Student's t with
    Welch–Satterthwaite degrees of freedom from each group's design df, about 3-4%."""
    rng = np.random.default_rng(23)
    sh_a, sh_b = (0.45, 0.10, 0.45), (0.10, 0.80, 0.10)

    def draw(n):
        na = rng.binomial(n, 0.2)
        cat = np.concatenate([rng.choice(3, na, p=sh_a), rng.choice(3, n - na, p=sh_b)])
        return np.array([10, 7, 0])[cat], np.concatenate([np.full(na, 2.5), np.full(n - na, 0.625)])

    reps, rejected = 1500, 0
    for _ in range(reps):
        (a, wa), (b, wb) = draw(20), draw(400)
        rejected += perche.nps_compare(a, b, weights_a=wa, weights_b=wb).p_value < 0.05
    assert rejected / reps <= 0.065, rejected / reps
    # Equal weights change nothing: the unweighted test (z) exactly.
    a, _ = draw(20)
    b, _ = draw(400)
    plain = perche.nps_compare(a, b)
    ones = perche.nps_compare(a, b, weights_a=np.full(len(a), 2.0), weights_b=np.ones(len(b)))
    assert (ones.p_value, ones.ci_low, ones.ci_high) == pytest.approx((plain.p_value, plain.ci_low, plain.ci_high),
                                                                       rel=1e-12)


def test_weighted_rating_comparisons_take_the_degrees_of_freedom_of_the_weights():
    """CSAT and CES groups of 20 (4 responses of a polarised stratum weighing 2.5, 16 weighing 0.625)
    against 400: their variance rests on about 6 responses, not 19. With t on n − 1 the CSAT test
    rejected 7.2% at 5% and the CES difference's interval covered 90.9%; on the design's degrees of
    freedom (Satterthwaite on the squared weights) the test holds its level and the interval, of the
    adjusted centres, covers."""
    rng = np.random.default_rng(31)
    pops = {"csat": ((0.35, 0.10, 0.05, 0.10, 0.40), (0.02, 0.13, 0.50, 0.30, 0.05)),
            "ces": ((0.30, 0.05, 0.05, 0.05, 0.05, 0.10, 0.40), (0.01, 0.04, 0.25, 0.40, 0.25, 0.04, 0.01))}

    def draw(n, sh_a, sh_b):
        levels = np.arange(1, len(sh_a) + 1)
        na = rng.binomial(n, 0.2)
        x = np.concatenate([rng.choice(levels, na, p=sh_a), rng.choice(levels, n - na, p=sh_b)])
        return x, np.concatenate([np.full(na, 2.5), np.full(n - na, 0.625)])

    def welch(va, vb, da, db):
        return (va + vb) ** 2 / (va * va / da + vb * vb / db)

    reps = 1500
    rejected = rejected_n1 = covered = 0
    for _ in range(reps):
        (a, wa), (b, wb) = draw(20, *pops["csat"]), draw(400, *pops["csat"])
        ra, rb = perche.csat(a, weights=wa), perche.csat(b, weights=wb)
        c = perche.compare(ra, rb)
        rejected += c.p_value < 0.05
        df_n1 = welch(1 / ra.n_design, 1 / rb.n_design, ra.n - 1, rb.n - 1)  # the former degrees of freedom
        rejected_n1 += 2 * stats.t.sf(abs(c.z), df_n1) < 0.05
        (a, wa), (b, wb) = draw(20, *pops["ces"]), draw(400, *pops["ces"])
        c = perche.compare(perche.ces(a, weights=wa), perche.ces(b, weights=wb))
        covered += c.ci_low <= 0 <= c.ci_high
    assert rejected / reps <= 0.06, rejected / reps
    assert rejected_n1 / reps > rejected / reps + 0.01  # the reason for the change
    assert covered / reps >= 0.935, covered / reps
    # the degrees of freedom: n − 1 scaled by (Σw²)²/(n·Σw⁴), hand-computed for 4 × 2.5 and 16 × 0.625
    w = np.r_[np.full(4, 2.5), np.full(16, 0.625)]
    r = perche.csat(np.r_[np.full(4, 5), np.full(16, 3)], weights=w)
    assert r.df == pytest.approx(19 * (4 * 6.25 + 16 * 0.390625) ** 2 / (20 * (4 * 39.0625 + 16 * 0.152587890625)))


def test_counts_pickled_before_the_fourth_powers_were_kept_still_load():
    c = perche.RatingCounts(1, 5)
    c._add_array(np.array([1, 1, 5]), np.array([1.0, 3.0, 2.0]))
    assert list(c.fourth_power_weights) == [82.0, 0.0, 0.0, 0.0, 16.0]
    assert pickle.loads(pickle.dumps(c)) == c
    old = perche.RatingCounts.__new__(perche.RatingCounts)
    old.__setstate__(c.__getstate__()[:5])  # a 5-item state, as pickled before
    assert list(old.fourth_power_weights) == pytest.approx([50.0, 0.0, 0.0, 0.0, 16.0])  # (1 + 9)²/2: equal weights
    n = perche.NpsCounts()
    n._add_array(np.array([0, 10, 10]), np.array([1.0, 2.0, 1.0]))
    assert pickle.loads(pickle.dumps(n)) == n
    assert list(n.fourth_power_weights) == [1.0, 0.0, 17.0]
    old = perche.NpsCounts.__new__(perche.NpsCounts)
    old.__setstate__(n.__getstate__()[:5])
    assert list(old.fourth_power_weights) == pytest.approx([1.0, 0.0, 12.5])  # (4 + 1)²/2
    short = perche.NpsCounts.__new__(perche.NpsCounts)
    with pytest.raises(ValueError, match=r"pickled state has 3 items \(expected 5 or 6\)"):
        short.__setstate__(n.__getstate__()[:3])
    # the state constructor: Σw⁴ optional (None = equal weights within a category), and checked
    assert perche.NpsCounts(n.breaks, n.counts, n.weights, n.squared_weights, None) == old
    with pytest.raises(ValueError, match=r"fourth_power_weights 30 does not fit squared_weights 5"):
        perche.NpsCounts(n.breaks, n.counts, n.weights, n.squared_weights, [1.0, 0.0, 30.0])
    with pytest.raises(ValueError, match=r"levels has 5 elements but fourth_power_weights has 2"):
        perche.RatingCounts(1, 5, c.counts, c.weights, c.squared_weights, [1.0, 2.0])


def test_a_comparison_whose_interval_leaves_out_its_difference_says_so():
    # all promoters (20) against all detractors (20), Wald: zero-width intervals give a zero-width
    # difference; adjusted Wald centres move the difference's interval off the scores' difference
    # only at extreme shares, and the warning then says so.
    a = perche.nps([10] * 20, method="wald")
    b = perche.nps([10] * 20, method="wald")
    c = perche.compare(a, b)
    assert "zero-width" in c.warning
    ok = perche.compare(perche.nps([10, 9, 0, 7] * 10), perche.nps([10, 0, 0, 7] * 10))
    assert "leaves out" not in ok.warning and "does not contain" not in ok.warning


def test_a_single_weighted_response_does_not_make_the_test_a_z_test():
    # a group of one response (df 0) and the same response padded with zero-weight rows (df 1)
    # take the same floor of one degree of freedom
    one = perche.nps([10], weights=[1.0])
    padded = perche.nps([10, 0], weights=[1.0, 0.0])
    rest = perche.nps([0, 7, 10, 0, 9, 3] * 5, weights=[1.0, 2.0, 0.5] * 10)
    assert perche.compare(one, rest).p_value == pytest.approx(perche.compare(padded, rest).p_value, rel=1e-9)
