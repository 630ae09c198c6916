# SPDX-License-Identifier: Apache-2.0
# Independent reference implementations the tests compare perche against. Nothing here imports
# perche: the formulas are written from their published sources with numpy and scipy.
#   NPS SE:          Rocks (2016), The American Statistician 70(4), eq. 2:
#                    SE = 100·sqrt((p + d − (p − d)²)/n)
#   Adjusted Wald:   Rocks (2016): add 0.75 detractors, 1.5 passives, 0.75 promoters (n + 3),
#                    centre the Wald interval on the adjusted NPS
#   Weights:         Kish (1965), Survey Sampling §11.7: n_eff = (Σw)²/Σw²
#   Mann–Kendall:    Mann (1945), Kendall (1975) ch. 4; tie-corrected variance, continuity correction
#   Sen slope:       Sen (1968), JASA 63: median of the pairwise slopes
#   Firth logistic:  Firth (1993), Biometrika 80:27; Heinze & Schemper (2002), Stat Med 21:2409:
#                    Newton steps on the modified score X'(y − μ + h(1/2 − μ)), one row per response
#   Linearization:   Woodruff (1971), JASA 66; Lumley (2010), Complex Surveys §2.2: the variance of a
#                    weighted mean Σw·y/Σw is Σw²(y − ȳ)²/(Σw)², times n/(n − 1) in survey::svymean
import numpy as np
from scipy import stats

Z95 = stats.norm.ppf(0.975)


def kish_n_eff(w):
    w = np.asarray(w, dtype=float)
    return w.sum() ** 2 / (w**2).sum()


def design_df(w):
    """Degrees of freedom of a weighted linearization variance from the raw weights: Satterthwaite
    (1946) on Σ w_i²·e_i² with homoscedastic residuals, (Σw²)²/Σw⁴ equivalent responses, scaled to
    n − 1 (equal weights: n − 1)."""
    w = np.asarray(w, dtype=float)
    n = len(w)
    return (n - 1) * (w**2).sum() ** 2 / ((w**4).sum() * n)


def nps_reference(scores, weights=None, confidence=0.95, detractor_max=6, promoter_min=9):
    """Score, Wald SE/CI and Rocks' adjusted-Wald centre/SE/CI of 0–10 scores, in NPS points."""
    s = np.asarray(scores, dtype=float)
    w = np.ones_like(s) if weights is None else np.asarray(weights, dtype=float)
    total = w.sum()
    p = w[s >= promoter_min].sum() / total
    d = w[s <= detractor_max].sum() / total
    # Design effective n: σ²/V_lin of the weighted mean of y = +1/0/−1 (Woodruff 1971); Kish's
    # n_eff when σ² = 0. Equal weights give n.
    y = np.where(s >= promoter_min, 1.0, np.where(s <= detractor_max, -1.0, 0.0))
    m = (w * y).sum() / total
    var = (w * (y - m) ** 2).sum() / total
    rows = len(s)
    vary = rows * (w**2).sum() > total**2 * (1 + 1e-12)
    lin = rows / (rows - 1) * (w**2 * (y - m) ** 2).sum() / total**2 if rows > 1 else 0.0
    n = var / lin if vary and var > 1e-15 and lin > 0 else kish_n_eff(w)
    # varying weights: Student t with the weights' design degrees of freedom
    z = stats.t.ppf(0.5 + confidence / 2, design_df(w)) if vary and rows > 1 else stats.norm.ppf(0.5 + confidence / 2)
    score = 100 * (p - d)
    se = 100 * np.sqrt((p + d - (p - d) ** 2) / n)
    n2 = n + 3
    p2 = (p * n + 0.75) / n2
    d2 = (d * n + 0.75) / n2
    center = 100 * (p2 - d2)
    se2 = 100 * np.sqrt((p2 + d2 - (p2 - d2) ** 2) / n2)
    return {
        "score": score,
        "promoter_share": p,
        "detractor_share": d,
        "passive_share": 1 - p - d,
        "n_eff": kish_n_eff(w),
        "n_design": n,
        "wald_se": se,
        "wald_ci": (max(-100.0, score - z * se), min(100.0, score + z * se)),
        "adj_center": center,
        "adj_se": se2,
        "adj_ci": (max(-100.0, center - z * se2), min(100.0, center + z * se2)),
    }


def nps_from_counts(detractors, passives, promoters):
    scores = [0] * detractors + [7] * passives + [10] * promoters
    return scores


def pooled_z_test(ref_a, ref_b):
    """Pooled score test of two NPS references: se = 100·√(S²(1/n_a + 1/n_b)) with S² the trinomial
    variance of the pooled shares times N/(N − 1), N = n_a + n_b (n = n_design)."""
    na, nb = ref_a["n_design"], ref_b["n_design"]
    N = na + nb
    p = (na * ref_a["promoter_share"] + nb * ref_b["promoter_share"]) / N
    d = (na * ref_a["detractor_share"] + nb * ref_b["detractor_share"]) / N
    se = 100 * np.sqrt((p + d - (p - d) ** 2) * N / (N - 1) * (1 / na + 1 / nb))
    z = (ref_a["score"] - ref_b["score"]) / se
    return se, z, 2 * stats.norm.sf(abs(z))


def z_test(center_a, se_a, center_b, se_b):
    """Two-sided Wald z test of a difference of independent estimates."""
    z = (center_a - center_b) / np.hypot(se_a, se_b)
    return z, 2 * stats.norm.sf(abs(z))


def weighted_mean_t(x, w=None, confidence=0.95, lo=-np.inf, hi=np.inf):
    """Weighted mean, Kish-corrected SD, Student t CI with design_df(w) df (n − 1 unweighted); SE =
    s/sqrt(n) unweighted, else the linearization SE √(m₂/n_design), n_design = m₂/V_lin (Woodruff 1971)."""
    x = np.asarray(x, dtype=float)
    unweighted = w is None
    w = np.ones_like(x) if w is None else np.asarray(w, dtype=float)
    n = kish_n_eff(w)
    m = np.average(x, weights=w)
    m2 = np.average((x - m) ** 2, weights=w)
    var = m2 * n / (n - 1)
    if unweighted:
        se = np.sqrt(var) / np.sqrt(n)
    else:
        n_design = m2 / (len(x) / (len(x) - 1) * np.sum(w**2 * (x - m) ** 2) / w.sum() ** 2)
        se = np.sqrt(m2 / n_design)
    t = stats.t.ppf(0.5 + confidence / 2, design_df(w))
    return m, np.sqrt(var), se, (max(lo, m - t * se), min(hi, m + t * se))


def adjusted_t(x, lo, hi, confidence=0.95):
    """Unweighted adjusted t interval: the ratings plus two pseudo-ratings, lo and hi, of weight 1/2
    each; the t interval (n − 1 df) of that smoothed sample, SE = s'/√(n + 1) with s' its SD about
    the smoothed mean (divisor n). Returns (centre, se, (low, high)) clamped to [lo, hi]."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    v = np.r_[x, lo, hi]
    w = np.r_[np.ones(n), 0.5, 0.5]
    c = (w * v).sum() / w.sum()
    s2 = (w * (v - c) ** 2).sum() / (w.sum() - 1)
    se = np.sqrt(s2 / w.sum())
    t = stats.t.ppf(0.5 + confidence / 2, n - 1)
    return c, se, (max(lo, c - t * se), min(hi, c + t * se))


def mann_kendall(y):
    """S, continuity-corrected Z and two-sided normal p of the Mann–Kendall test, and Sen's slope."""
    y = np.asarray(y, dtype=float)
    k = len(y)
    i, j = np.triu_indices(k, 1)
    s = np.sign(y[j] - y[i]).sum()
    _, t = np.unique(y, return_counts=True)
    var = (k * (k - 1) * (2 * k + 5) - (t * (t - 1) * (2 * t + 5)).sum()) / 18
    z = 0.0 if var == 0 else (s - np.sign(s)) / np.sqrt(var)
    p = 1.0 if var == 0 else 2 * stats.norm.sf(abs(z))
    slope = np.median((y[j] - y[i]) / (j - i))
    return s, z, p, slope


def firth_logit(X, y, w=None, tol=1e-10, max_iter=200):
    """Firth's bias-reduced logistic regression, one row per response (frequency weights w):
    returns (beta, se) with se from the inverse Fisher information at the estimate."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.ones(len(y)) if w is None else np.asarray(w, dtype=float)
    beta = np.zeros(X.shape[1])
    for _ in range(max_iter):
        mu = 1 / (1 + np.exp(-X @ beta))
        v = w * mu * (1 - mu)
        info = X.T @ (v[:, None] * X)
        cov = np.linalg.inv(info)
        h = v * np.einsum("ij,jk,ik->i", X, cov, X)  # hat values of W^1/2 X (X'WX)^-1 X' W^1/2
        score = X.T @ (w * (y - mu) + h * (0.5 - mu))
        step = cov @ score
        beta = beta + step
        if np.abs(step).max() < tol:
            break
    mu = 1 / (1 + np.exp(-X @ beta))
    info = X.T @ ((w * mu * (1 - mu))[:, None] * X)
    return beta, np.sqrt(np.diag(np.linalg.inv(info)))


def linearized_se_of_mean(y, w):
    """SE of the weighted mean Σw·y/Σw by Taylor linearization, as survey::svymean: n/(n − 1) times
    Σw²(y − ȳ)²/(Σw)²."""
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    m = (w * y).sum() / w.sum()
    n = len(y)
    return np.sqrt(n / (n - 1) * (w**2 * (y - m) ** 2).sum()) / w.sum()
