# SPDX-License-Identifier: Apache-2.0
"""Driver analysis against independent references: statsmodels' Logit for the key-driver odds
ratios, a direct pandas computation for impact and shares, scipy for the two-proportion test."""

import numpy as np
import pytest

import perche
from perche import _core

statsmodels = pytest.importorskip("statsmodels.api")
pd = pytest.importorskip("pandas")


def _options(metric="nps", **kw):
    o = _core.DriverAnalysisOptions()
    o.metric = getattr(_core.Metric, metric)
    for k, v in kw.items():
        setattr(o, k, v)
    return o


def _synthetic(n=4000, k=4, seed=7):
    """Scores driven by k drivers with known effects, like a survey."""
    rng = np.random.default_rng(seed)
    Y = (rng.random((n, k)) < np.array([0.3, 0.15, 0.2, 0.05])[:k]).astype(np.uint8)
    effect = np.array([-3.0, 1.5, -1.0, 0.5])[:k]
    latent = 7.5 + Y @ effect + rng.normal(0, 2.0, n)
    scores = np.clip(np.round(latent), 0, 10)
    return scores, Y


def _nps(s):
    s = np.asarray(s)
    return 100.0 * ((s >= 9).mean() - (s <= 6).mean())


def test_impact_and_share_equal_a_direct_computation():
    scores, Y = _synthetic()
    names = ["a", "b", "c", "d"]
    res = _core.analyze_drivers(scores, Y, names, np.ones(len(scores), np.uint8), np.empty(0), _options())
    assert res.score == pytest.approx(_nps(scores), abs=1e-9)
    for j, d in enumerate(res.drivers):
        mention = Y[:, j] == 1
        assert d.mentions == mention.sum()
        assert d.share == pytest.approx(mention.mean())
        assert d.score == pytest.approx(_nps(scores[mention]))
        assert d.impact == pytest.approx(_nps(scores) - _nps(scores[~mention]), abs=1e-9)
        assert d.impact_ci_low < d.impact < d.impact_ci_high


def test_bootstrap_interval_matches_a_resampling_bootstrap():
    """The multinomial shortcut is the ordinary bootstrap of rows: compare the interval with
    numpy's row resampling (2000 replicates each; percentiles agree to Monte Carlo error)."""
    scores, Y = _synthetic(n=3000)
    res = _core.analyze_drivers(scores, Y, list("abcd"), np.ones(len(scores), np.uint8), np.empty(0), _options())
    rng = np.random.default_rng(1)
    reps = []
    for _ in range(2000):
        idx = rng.integers(0, len(scores), len(scores))
        s, m = scores[idx], Y[idx, 0] == 1
        reps.append(_nps(s) - _nps(s[~m]))
    lo, hi = np.percentile(reps, [2.5, 97.5])
    d = res.drivers[0]
    width = hi - lo
    assert d.impact_ci_low == pytest.approx(lo, abs=0.12 * width)
    assert d.impact_ci_high == pytest.approx(hi, abs=0.12 * width)


def _weighted_impact_linearization_se(scores, m, w):
    """The Taylor linearization SE of the weighted impact NPS(all) − NPS(non-mentioners), row by row
    (Wolter 2007, §6.5; R's survey::svymean with ids = ~1): each response's influence on the two
    ratio estimators, variance with the with-replacement factor n/(n − 1)."""
    y = 100.0 * ((scores >= 9).astype(float) - (scores <= 6))
    W, rest = w.sum(), w[~m].sum()
    ybar, yrest = (w * y).sum() / W, (w * y)[~m].sum() / rest
    z = w * (y - ybar) / W - np.where(~m, w * (y - yrest) / rest, 0.0)
    n = len(y)
    return np.sqrt(n / (n - 1) * ((z - z.mean()) ** 2).sum())


def test_weighted_impact_interval_has_the_linearization_variance():
    """Heavy weights on a polarised stratum: the interval's half-width is z·SE_lin (Kish's n_eff,
    which ignores where the weights fall, gave one about 20% narrower here)."""
    rng = np.random.default_rng(3)
    na, nb = 600, 2400
    cat = np.concatenate([rng.choice(3, na, p=(0.45, 0.10, 0.45)), rng.choice(3, nb, p=(0.1, 0.8, 0.1))])
    scores = np.where(cat == 0, 10.0, np.where(cat == 1, 7.0, 0.0))
    m = np.concatenate([rng.random(na) < 0.3, rng.random(nb) < 0.05])
    w = np.concatenate([np.full(na, 2.5), np.full(nb, 0.625)])
    res = _core.analyze_drivers(scores, m.astype(np.uint8).reshape(-1, 1), ["d"], np.ones(len(scores), np.uint8), w,
                                _options(bootstrap_samples=4000, importance_bootstrap_samples=0))
    d = res.drivers[0]
    y = 100.0 * ((scores >= 9).astype(float) - (scores <= 6))
    truth_impact = (w * y).sum() / w.sum() - (w * y)[~m].sum() / w[~m].sum()
    assert d.impact == pytest.approx(truth_impact, abs=1e-9)
    se = _weighted_impact_linearization_se(scores, m, w)
    kish_se_ratio = np.sqrt((w.sum() ** 2 / (w ** 2).sum()) / len(w))  # for the message only
    half = (d.impact_ci_high - d.impact_ci_low) / 2
    assert half == pytest.approx(1.959964 * se, rel=0.06), (half, se, kish_se_ratio)


def test_a_weighted_driver_score_interval_is_the_metric_on_its_mentioners():
    """The score among a driver's mentioners is the metric's own estimate and interval, degrees of
    freedom of the weights included: 30 mentioners of which a few weigh 6."""
    rng = np.random.default_rng(8)
    n = 200
    scores = rng.integers(0, 11, n).astype(float)
    m = np.zeros(n, bool)
    m[:30] = True
    w = np.where(rng.random(n) < 0.15, 6.0, 0.5)
    res = _core.analyze_drivers(scores, m.astype(np.uint8).reshape(-1, 1), ["d"], np.ones(n, np.uint8), w,
                                _options(importance_bootstrap_samples=0))
    d = res.drivers[0]
    ref = perche.nps(scores[m], weights=w[m])
    assert ref.df < 29 * 0.5  # a few heavy weights: far fewer degrees of freedom than n - 1
    assert (d.score, d.score_ci_low, d.score_ci_high) == pytest.approx((ref.score, ref.ci_low, ref.ci_high), rel=1e-12)


def test_equal_weights_give_the_unweighted_impact_interval():
    scores, Y = _synthetic(n=1500)
    o = _options(importance_bootstrap_samples=0)
    plain = _core.analyze_drivers(scores, Y, list("abcd"), np.ones(len(scores), np.uint8), np.empty(0), o)
    ones = _core.analyze_drivers(scores, Y, list("abcd"), np.ones(len(scores), np.uint8), np.full(len(scores), 3.0), o)
    for a, b in zip(plain.drivers, ones.drivers):
        assert (a.impact_ci_low, a.impact_ci_high) == pytest.approx((b.impact_ci_low, b.impact_ci_high), abs=1e-9)


@pytest.mark.parametrize("outcome", ["negative", "positive"])
def test_key_driver_odds_ratios_match_statsmodels(outcome):
    scores, Y = _synthetic()
    res = _core.analyze_drivers(scores, Y, list("abcd"), np.ones(len(scores), np.uint8), np.empty(0),
                                _options(firth=False))
    y = (scores <= 6) if outcome == "negative" else (scores >= 9)
    X = statsmodels.add_constant(Y.astype(float))
    fit = statsmodels.Logit(y.astype(float), X).fit(disp=0, tol=1e-12, maxiter=100)
    ci = np.exp(fit.conf_int(alpha=0.05))
    model = getattr(res, outcome)
    assert model.converged
    assert model.log_likelihood == pytest.approx(fit.llf, rel=1e-9)
    assert model.pseudo_r2 == pytest.approx(fit.prsquared, rel=1e-7)
    assert model.intercept.odds_ratio == pytest.approx(np.exp(fit.params[0]), rel=1e-7)
    for j, d in enumerate(res.drivers):
        o = getattr(d, outcome)
        assert o.odds_ratio == pytest.approx(np.exp(fit.params[j + 1]), rel=1e-7)
        assert o.se == pytest.approx(fit.bse[j + 1], rel=1e-6)
        assert o.ci_low == pytest.approx(ci[j + 1, 0], rel=1e-6)
        assert o.ci_high == pytest.approx(ci[j + 1, 1], rel=1e-6)
        assert o.p_value == pytest.approx(fit.pvalues[j + 1], rel=1e-5, abs=1e-300)


def test_weighted_key_driver_model_matches_statsmodels_glm_with_frequency_weights():
    scores, Y = _synthetic(n=1500)
    w = np.random.default_rng(3).integers(1, 4, len(scores)).astype(float)
    res = _core.analyze_drivers(scores, Y, list("abcd"), np.ones(len(scores), np.uint8), w, _options(firth=False))
    y = (scores <= 6).astype(float)
    X = statsmodels.add_constant(Y.astype(float))
    fit = statsmodels.GLM(y, X, family=statsmodels.families.Binomial(), freq_weights=w).fit(tol=1e-12)
    for j, d in enumerate(res.drivers):
        assert d.negative.odds_ratio == pytest.approx(np.exp(fit.params[j + 1]), rel=1e-6)
        assert d.negative.se == pytest.approx(fit.bse[j + 1], rel=1e-5)


def test_csat_and_ces_impacts_use_the_metric_units():
    rng = np.random.default_rng(5)
    n = 2000
    Y = (rng.random((n, 2)) < 0.3).astype(np.uint8)
    csat = np.clip(np.round(3.8 - 1.2 * Y[:, 0] + 0.4 * Y[:, 1] + rng.normal(0, 0.8, n)), 1, 5)
    res = _core.analyze_drivers(csat, Y, ["x", "y"], np.ones(n, np.uint8), np.empty(0), _options("csat"))

    def top2(s):
        return 100.0 * (np.asarray(s) >= 4).mean()

    assert res.score == pytest.approx(top2(csat))
    m = Y[:, 0] == 1
    assert res.drivers[0].impact == pytest.approx(top2(csat) - top2(csat[~m]))
    ces = np.clip(np.round(5 - 1.5 * Y[:, 0] + rng.normal(0, 1, n)), 1, 7)
    res = _core.analyze_drivers(ces, Y, ["x", "y"], np.ones(n, np.uint8), np.empty(0), _options("ces"))
    assert res.drivers[0].impact == pytest.approx(ces.mean() - ces[~m].mean())


def test_driver_segments_agree_with_a_two_proportion_z_test():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(11)
    n = 3000
    seg = rng.integers(0, 3, n)
    Y = (rng.random((n, 2)) < np.where(seg[:, None] == 0, 0.3, 0.2)).astype(np.uint8)
    cells = _core.driver_segments(Y, seg.astype(np.int64), np.ones(n, np.uint8), 0.05)
    assert len(cells) == 6
    for c in cells:
        ins = seg == c.segment
        a, b = Y[ins, c.driver], Y[~ins, c.driver]
        pooled = Y[:, c.driver].mean()
        z = (a.mean() - b.mean()) / np.sqrt(pooled * (1 - pooled) * (1 / len(a) + 1 / len(b)))
        assert c.share == pytest.approx(a.mean())
        assert c.p_value == pytest.approx(2 * scipy_stats.norm.sf(abs(z)), rel=1e-9)
    from statsmodels.stats.multitest import multipletests

    bh = multipletests([c.p_value for c in cells], method="fdr_bh")[1]
    assert [c.p_bh for c in cells] == pytest.approx(list(bh))


def test_bad_input_errors_name_the_row():
    scores, Y = _synthetic(n=50)
    bad = scores.copy()
    bad[7] = 12
    with pytest.raises(ValueError, match="score 12 at index 7 is outside"):
        _core.analyze_drivers(bad, Y, list("abcd"), np.ones(50, np.uint8), np.empty(0), _options())
    with pytest.raises(ValueError, match="has_text"):
        _core.analyze_drivers(scores, Y, list("abcd"), np.ones(49, np.uint8), np.empty(0), _options())
    with pytest.raises(ValueError, match="drivers"):
        _core.analyze_drivers(scores, Y, list("abc"), np.ones(50, np.uint8), np.empty(0), _options())
