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
import numpy as np
from scipy import stats

Z95 = stats.norm.ppf(0.975)


def kish_n_eff(w):
    w = np.asarray(w, dtype=float)
    return w.sum() ** 2 / (w**2).sum()


def nps_reference(scores, weights=None, confidence=0.95, detractor_max=6, promoter_min=9):
    """Score, Wald SE/CI and Rocks' adjusted-Wald centre/SE/CI of 0–10 scores, in NPS points."""
    s = np.asarray(scores, dtype=float)
    w = np.ones_like(s) if weights is None else np.asarray(weights, dtype=float)
    total = w.sum()
    p = w[s >= promoter_min].sum() / total
    d = w[s <= detractor_max].sum() / total
    n = kish_n_eff(w)
    z = stats.norm.ppf(0.5 + confidence / 2)
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
        "n_eff": n,
        "wald_se": se,
        "wald_ci": (max(-100.0, score - z * se), min(100.0, score + z * se)),
        "adj_center": center,
        "adj_se": se2,
        "adj_ci": (max(-100.0, center - z * se2), min(100.0, center + z * se2)),
    }


def nps_from_counts(detractors, passives, promoters):
    scores = [0] * detractors + [7] * passives + [10] * promoters
    return scores


def z_test(center_a, se_a, center_b, se_b):
    """Two-sided Wald z test of a difference of independent estimates."""
    z = (center_a - center_b) / np.hypot(se_a, se_b)
    return z, 2 * stats.norm.sf(abs(z))


def weighted_mean_t(x, w=None, confidence=0.95, lo=-np.inf, hi=np.inf):
    """Weighted mean, Kish-corrected SD, SE = s/sqrt(n_eff), Student t CI with n_eff − 1 df."""
    x = np.asarray(x, dtype=float)
    w = np.ones_like(x) if w is None else np.asarray(w, dtype=float)
    n = kish_n_eff(w)
    m = np.average(x, weights=w)
    var = np.average((x - m) ** 2, weights=w) * n / (n - 1)
    se = np.sqrt(var) / np.sqrt(n)
    t = stats.t.ppf(0.5 + confidence / 2, n - 1)
    return m, np.sqrt(var), se, (max(lo, m - t * se), min(hi, m + t * se))


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
