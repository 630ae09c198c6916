# SPDX-License-Identifier: Apache-2.0
"""Calibration of perche's intervals and tests by simulation against known populations (issue #23).

For each cell of the grid it draws `--reps` samples from a population whose true value is known,
runs perche on each and prints, method by method:
  - coverage: the share of nominal 95% intervals that contain the true value (target >= 93.5%);
  - type-I error: the share of comparisons of two samples of ONE population called significant at
    p < 0.05 (target <= 6%);
  - zero-width: the share of intervals of zero width.
Grid: NPS shares (promoters, passives, detractors) (0.5, 0.3, 0.2), (0.2, 0.3, 0.5), (0.8, 0.15, 0.05)
(NPS +30, −30, +75); n = 10, 20, 50, 100, 400; equal and unequal group sizes for comparisons;
weights correlated and uncorrelated with the variance; driver shares 2–25%.

Seeded: the same --seed and --reps print the same table. Run from an environment where `perche`
is installed:
    python benchmarks/calibration.py --reps 2000
(about 4 minutes at 2000 reps on one core; --reps 200 for a quick look). Python tests
(tests/python/test_calibration.py) run a small seeded subset.
"""
from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np

import perche
from perche import _core

SHARES = [(0.5, 0.3, 0.2), (0.2, 0.3, 0.5), (0.8, 0.15, 0.05)]  # promoters, passives, detractors
NS = [10, 20, 50, 100, 400]
Z95 = 1.959963984540054


def true_nps(sh):
    return 100.0 * (sh[0] - sh[2])


def nps_options(method, bootstrap_samples=1000, seed=1):
    o = _core.NpsOptions()
    o.method = getattr(_core.CiMethod, method)
    o.bootstrap_samples = bootstrap_samples
    o.seed = seed
    return o


def counts_of(c):
    """NpsCounts from (promoters, passives, detractors) counts."""
    return _core.NpsCounts.from_counts(int(c[2]), int(c[1]), int(c[0]))


def pct(x):
    return f"{100.0 * x:.1f}"


def table(title, header, rows):
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
    for r in rows:
        print("| " + " | ".join(str(v) for v in r) + " |")
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------------
# NPS intervals
# ---------------------------------------------------------------------------------------------
def nps_coverage(rng, reps, boot):
    methods = ["adjusted_wald", "bootstrap", "wald"]
    rows = []
    worst = {m: 1.0 for m in methods}
    for sh in SHARES:
        t = true_nps(sh)
        for n in NS:
            draws = rng.multinomial(n, sh, size=reps)
            cells = []
            for m in methods:
                o = nps_options(m, boot)
                hit = zero = 0
                for i, c in enumerate(draws):
                    o.seed = i + 1
                    r = _core.nps(counts_of(c), o)
                    hit += r.ci_low <= t <= r.ci_high
                    zero += r.ci_high <= r.ci_low
                cov = hit / reps
                worst[m] = min(worst[m], cov)
                cells.append(pct(cov) + (f" ({pct(zero / reps)}% zero-width)" if zero else ""))
            rows.append([f"NPS {t:+.0f}", n, *cells])
    table("NPS: coverage of nominal 95% intervals, % (default: adjusted_wald)", ["population", "n", *methods], rows)
    return worst


def all_promoters():
    rows = []
    for n in (10, 50, 400):
        c = (n, 0, 0)
        cells = []
        for m in ("adjusted_wald", "bootstrap", "wald"):
            r = _core.nps(counts_of(c), nps_options(m))
            cells.append(f"[{r.ci_low:+.1f}, {r.ci_high:+.1f}]" + (" (warning)" if r.warning else ""))
        rows.append([n, *cells])
    table("NPS of an all-promoter sample: the interval per method", ["n", "adjusted_wald", "bootstrap", "wald"], rows)


# ---------------------------------------------------------------------------------------------
# Comparisons
# ---------------------------------------------------------------------------------------------
PAIRS = [(5, 400), (10, 400), (20, 400), (5, 5), (10, 10), (20, 20), (10, 50), (50, 50), (100, 100)]


def old_wald_p(ca, cb):
    """The Wald z test perche used before (SE from each sample; z = inf when both SEs are 0)."""
    def est(c):
        n = sum(c)
        p, d = c[0] / n, c[2] / n
        return 100 * (p - d), 100 * math.sqrt(max(0.0, p + d - (p - d) ** 2) / n)

    (a, sa), (b, sb) = est(ca), est(cb)
    se = math.hypot(sa, sb)
    if se == 0:
        return 0.0 if a != b else 1.0
    return math.erfc(abs(a - b) / se / math.sqrt(2))


def nps_comparisons(rng, reps, boot):
    rows = []
    worst_t1, worst_cov = 0.0, {m: 1.0 for m in ("adjusted_wald", "bootstrap", "wald")}
    for sh in SHARES:
        for na, nb in PAIRS:
            da = rng.multinomial(na, sh, size=reps)
            db = rng.multinomial(nb, sh, size=reps)
            rej = {m: 0 for m in worst_cov}
            cov = {m: 0 for m in worst_cov}
            old = 0
            for m in worst_cov:
                o = nps_options(m, boot)
                for i in range(reps):
                    o.seed = 2 * i + 1
                    c = _core.nps_compare(counts_of(da[i]), counts_of(db[i]), o)
                    rej[m] += c.p_value < 0.05
                    cov[m] += c.ci_low <= 0.0 <= c.ci_high
                    assert math.isfinite(c.z) and c.p_value > 0.0
            for i in range(reps):
                old += old_wald_p(da[i], db[i]) < 0.05
            t1 = rej["adjusted_wald"] / reps  # the test is the same pooled score test for every method
            if na >= _core.MIN_TEST_RESPONSES:
                worst_t1 = max(worst_t1, t1)
            for m in cov:
                worst_cov[m] = min(worst_cov[m], cov[m] / reps)
            rows.append([f"NPS {true_nps(sh):+.0f}", f"{na} vs {nb}", pct(t1), pct(old / reps),
                         *(pct(cov[m] / reps) for m in ("adjusted_wald", "bootstrap", "wald"))])
    table("NPS comparisons of two samples of one population: type-I error at 5% and coverage of the "
          "difference's 95% interval, %",
          ["population", "sizes", "type-I (pooled score test)", "type-I (old Wald test)",
           "coverage adjusted_wald", "coverage bootstrap", "coverage wald"], rows)
    return worst_t1, worst_cov


def _nps_states(n, sh):
    """Every (promoters, detractors) outcome of n responses with its multinomial probability."""
    from scipy import stats

    P, D = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    keep = P + D <= n
    P, D = P[keep], D[keep]
    w = np.exp(stats.multinomial.logpmf(np.stack([P, n - P - D, D], 1), n, sh))
    return P, D, w


def nps_exact_type1():
    """Type-I error of the NPS comparison at 5%, exactly: every outcome of both groups is enumerated
    with its probability (no simulation noise). The pooled score test is written out here in numpy
    (Campbell's 'N − 1' form of the pooled variance of responses in {−1, 0, 1}) and checked against
    perche's own p-values on a few hundred outcome pairs first."""
    from scipy import stats

    def p_values(pa, da, na, Pb, Db, nb):
        N = na + nb
        P, D = (pa + Pb) / N, (da + Db) / N
        var = (P + D - (P - D) ** 2) * N / (N - 1)
        se = np.sqrt(var * (1 / na + 1 / nb))
        diff = (pa - da) / na - (Pb - Db) / nb
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(se > 0, 2 * stats.norm.sf(np.abs(diff) / np.where(se > 0, se, 1)), 1.0)

    check = np.random.default_rng(5)
    o = nps_options("adjusted_wald")
    for _ in range(300):
        na, nb = int(check.integers(5, 60)), int(check.integers(5, 400))
        a, b = check.multinomial(na, SHARES[0]), check.multinomial(nb, SHARES[2])
        want = _core.nps_compare(counts_of(a), counts_of(b), o).p_value
        got = float(p_values(a[0], a[2], na, np.array([b[0]]), np.array([b[2]]), nb)[0])
        assert abs(got - want) <= 1e-9 * max(1.0, want), (a, b, got, want)
    rows, worst = [], 0.0
    for sh in SHARES:
        for na, nb in PAIRS:
            Pa, Da, wa = _nps_states(na, sh)
            Pb, Db, wb = _nps_states(nb, sh)
            keep = wb > 1e-15
            Pb, Db, wb = Pb[keep], Db[keep], wb[keep]
            level = sum(w * float((wb * (p_values(pa, da, na, Pb, Db, nb) < 0.05)).sum())
                        for pa, da, w in zip(Pa, Da, wa))
            if na >= _core.MIN_TEST_RESPONSES:
                worst = max(worst, level)
            rows.append([f"NPS {true_nps(sh):+.0f}", f"{na} vs {nb}", f"{100 * level:.2f}"])
    table("NPS comparisons of one population: exact type-I error at 5% (every outcome enumerated), %",
          ["population", "sizes", "type-I"], rows)
    return worst


def segments_type1(rng, reps):
    """nps_by_segment: one small segment among 400 other rows of the same population."""
    rows = []
    for sh in SHARES:
        for small in (3, 5, 10):
            rej = few = 0
            for _ in range(reps):
                n = small + 400
                cat = rng.choice(3, size=n, p=sh)
                scores = np.where(cat == 0, 10, np.where(cat == 1, 7, 0)).astype(np.int8)
                seg = np.zeros(n, dtype=np.int64)
                seg[:small] = 1
                res = perche.by_segment(scores, seg)
                s = [g for g in res if g.key == 1][0]
                few += s.too_few
                rej += s.vs_rest is not None and s.vs_rest.p_value < 0.05
            rows.append([f"NPS {true_nps(sh):+.0f}", small, pct(rej / reps), pct(few / reps)])
    table("nps_by_segment: a segment of n among 400 rows of the same population",
          ["population", "segment n", "called significant, %", "marked too_few, %"], rows)


# ---------------------------------------------------------------------------------------------
# Weighted NPS
# ---------------------------------------------------------------------------------------------
def weighted(rng, reps):
    """Two strata: A, 50% of the population, polarised (45% promoters, 10% passives, 45% detractors)
    and under-sampled (20% of the sample, weight 2.5); B, uniform-ish (10/80/10), weight 0.625.
    'correlated': weights as the design gives them; 'uncorrelated': the same weights shuffled over a
    single population (10% of weight variance unrelated to the score)."""
    sh_a, sh_b = (0.45, 0.10, 0.45), (0.10, 0.80, 0.10)
    t_corr = 0.5 * true_nps(sh_a) + 0.5 * true_nps(sh_b)
    rows = []
    worst = 1.0
    for kind in ("correlated", "uncorrelated"):
        for n in NS:
            hit = {"linearization (now)": 0, "Kish n_eff (before)": 0}
            for _ in range(reps):
                if kind == "correlated":
                    na = rng.binomial(n, 0.2)
                    nb = n - na
                    ca = rng.choice(3, size=na, p=sh_a)
                    cb = rng.choice(3, size=nb, p=sh_b)
                    cat = np.concatenate([ca, cb])
                    w = np.concatenate([np.full(na, 2.5), np.full(nb, 0.625)])
                    t = t_corr
                else:
                    sh = (0.5, 0.3, 0.2)
                    cat = rng.choice(3, size=n, p=sh)
                    w = np.where(rng.random(n) < 0.2, 2.5, 0.625)
                    t = true_nps(sh)
                if w.sum() == 0 or len(cat) == 0:
                    continue
                scores = np.where(cat == 0, 10, np.where(cat == 1, 7, 0)).astype(np.int8)
                r = perche.nps(scores, weights=w)
                hit["linearization (now)"] += r.ci_low <= t <= r.ci_high
                # The previous default: Rocks' adjusted Wald with Kish's n_eff.
                p, d, ne = r.promoter_share, r.detractor_share, r.n_eff
                n2 = ne + 3
                p2, d2 = (p * ne + 0.75) / n2, (d * ne + 0.75) / n2
                c = 100 * (p2 - d2)
                se = 100 * math.sqrt(max(0.0, p2 + d2 - (p2 - d2) ** 2) / n2)
                hit["Kish n_eff (before)"] += c - Z95 * se <= t <= c + Z95 * se
            worst = min(worst, hit["linearization (now)"] / reps)
            rows.append([kind, n, *(pct(v / reps) for v in hit.values())])
    table("Weighted NPS (adjusted Wald): coverage of nominal 95% intervals, %",
          ["weights vs variance", "n", "linearization (now)", "Kish n_eff (before)"], rows)
    return worst


# ---------------------------------------------------------------------------------------------
# CSAT and CES
# ---------------------------------------------------------------------------------------------
RATING_POPS = {  # 1–5 CSAT and 1–7 CES level shares
    "csat": [(0.05, 0.10, 0.25, 0.35, 0.25), (0.30, 0.25, 0.20, 0.15, 0.10), (0.02, 0.03, 0.05, 0.15, 0.75)],
    "ces": [(0.05, 0.05, 0.10, 0.20, 0.25, 0.20, 0.15), (0.25, 0.20, 0.15, 0.15, 0.10, 0.10, 0.05),
            (0.01, 0.01, 0.02, 0.03, 0.08, 0.15, 0.70)],
}


def ratings(rng, reps, boot):
    rows = []
    worst = 1.0
    for metric, pops in RATING_POPS.items():
        lo = 1
        for sh in pops:
            sh = np.array(sh)
            levels = np.arange(lo, lo + len(sh))
            if metric == "csat":
                truth = 100 * sh[-2:].sum()
                methods = ["wilson_cc", "bootstrap", "wald", "wilson"]
            else:
                truth = float((levels * sh).sum())
                methods = ["adjusted_t", "bootstrap", "wald", "t"]
            for n in NS:
                draws = [rng.choice(levels, size=n, p=sh) for _ in range(reps)]
                cells = []
                for m in methods:
                    hit = 0
                    for i, x in enumerate(draws):
                        f = perche.csat if metric == "csat" else perche.ces
                        r = f(x, method=m, bootstrap_samples=boot, seed=i + 1)
                        hit += r.ci_low <= truth <= r.ci_high
                    if m == methods[0]:
                        worst = min(worst, hit / reps)
                    cells.append(pct(hit / reps))
                label = f"{metric.upper()} {truth:.1f}" + ("%" if metric == "csat" else "")
                rows.append([label, n, *cells])
    table("CSAT (top-2-box %, default Wilson with continuity correction) and CES (mean, default adjusted t): "
          "coverage of nominal 95%, %", ["population", "n", "default", "bootstrap", "wald", "plain Wilson / plain t"],
          rows)
    return worst


def weighted_ratings(rng, reps):
    """Weighted CSAT and CES in the design of weighted(): stratum A, half the population, polarised
    (ratings at both ends) and under-sampled (20% of the sample, weight 2.5); B, weight 0.625,
    ratings in the middle. Default methods (Wilson with continuity correction, adjusted t) on the
    design effective n of the linearization variance."""
    pops = {  # per metric: (A's shares, B's shares) over the scale
        "csat": ((0.35, 0.10, 0.05, 0.10, 0.40), (0.02, 0.13, 0.50, 0.30, 0.05)),
        "ces": ((0.30, 0.05, 0.05, 0.05, 0.05, 0.10, 0.40), (0.01, 0.04, 0.25, 0.40, 0.25, 0.04, 0.01)),
    }
    rows = []
    worst = 1.0
    for metric, (sh_a, sh_b) in pops.items():
        levels = np.arange(1, len(sh_a) + 1)
        if metric == "csat":
            truth = 100 * (0.5 * sum(sh_a[-2:]) + 0.5 * sum(sh_b[-2:]))
        else:
            truth = float(0.5 * (levels * np.array(sh_a)).sum() + 0.5 * (levels * np.array(sh_b)).sum())
        f = perche.csat if metric == "csat" else perche.ces
        for n in NS:
            hit = 0
            for _ in range(reps):
                na = rng.binomial(n, 0.2)
                x = np.concatenate([rng.choice(levels, size=na, p=sh_a), rng.choice(levels, size=n - na, p=sh_b)])
                w = np.concatenate([np.full(na, 2.5), np.full(n - na, 0.625)])
                r = f(x, weights=w)
                hit += r.ci_low <= truth <= r.ci_high
            worst = min(worst, hit / reps)
            rows.append([f"{metric.upper()} {truth:.2f}", n, pct(hit / reps)])
    table("Weighted CSAT (top-2-box %) and CES (mean), correlated weights: coverage of the default nominal 95% "
          "interval, %", ["population", "n", "coverage"], rows)
    return worst


def weighted_compare(rng, reps):
    """Comparisons of two weighted samples of one population (the two-strata design of weighted():
    20% of each sample from the polarised stratum A, weight 2.5): type-I error of the default test
    at 5% and coverage of the difference's default interval (true difference 0)."""
    nps_pops = ((0.45, 0.10, 0.45), (0.10, 0.80, 0.10))  # promoters, passives, detractors
    rating_pops = {"csat": ((0.35, 0.10, 0.05, 0.10, 0.40), (0.02, 0.13, 0.50, 0.30, 0.05)),
                   "ces": ((0.30, 0.05, 0.05, 0.05, 0.05, 0.10, 0.40), (0.01, 0.04, 0.25, 0.40, 0.25, 0.04, 0.01))}

    def draw(n, levels, sh_a, sh_b):
        na = rng.binomial(n, 0.2)
        x = np.concatenate([rng.choice(levels, size=na, p=sh_a), rng.choice(levels, size=n - na, p=sh_b)])
        return x, np.concatenate([np.full(na, 2.5), np.full(n - na, 0.625)])

    rows = []
    worst_t1, worst_cov = 0.0, 1.0
    for metric in ("nps", "csat", "ces"):
        if metric == "nps":
            levels, (sh_a, sh_b) = np.array([10, 7, 0]), nps_pops
        else:
            sh_a, sh_b = rating_pops[metric]
            levels = np.arange(1, len(sh_a) + 1)
        for n1, n2 in ((20, 20), (50, 50), (20, 400), (100, 400)):
            sig = cov = 0
            for _ in range(reps):
                a, wa = draw(n1, levels, sh_a, sh_b)
                b, wb = draw(n2, levels, sh_a, sh_b)
                if metric == "nps":
                    c = perche.nps_compare(a, b, weights_a=wa, weights_b=wb)
                else:
                    f = perche.csat if metric == "csat" else perche.ces
                    c = perche.compare(f(a, weights=wa), f(b, weights=wb))
                sig += c.p_value < 0.05
                cov += c.ci_low <= 0 <= c.ci_high
            worst_t1, worst_cov = max(worst_t1, sig / reps), min(worst_cov, cov / reps)
            rows.append([metric.upper(), f"{n1} vs {n2}", pct(sig / reps), pct(cov / reps)])
    table("Weighted comparisons of one population (correlated weights): type-I error at 5% and coverage of "
          "the difference's 95% interval, %", ["metric", "sizes", "type-I", "coverage"], rows)
    return worst_t1, worst_cov


def rating_type1(rng, reps):
    rows = []
    worst = 0.0
    for metric, pops in RATING_POPS.items():
        for sh in pops:
            levels = np.arange(1, 1 + len(sh))
            for na, nb in ((5, 400), (10, 400), (5, 5), (5, 20), (10, 10), (12, 12), (20, 20)):
                rej = 0
                f = perche.csat if metric == "csat" else perche.ces
                for _ in range(reps):
                    a = f(rng.choice(levels, size=na, p=sh))
                    b = f(rng.choice(levels, size=nb, p=sh))
                    c = perche.compare(a, b)
                    rej += c.p_value < 0.05
                worst = max(worst, rej / reps)
                rows.append([metric.upper(), str(sh), f"{na} vs {nb}", pct(rej / reps)])
    table("CSAT/CES comparisons of one population: type-I error at 5%, %", ["metric", "levels", "sizes", "type-I"],
          rows)
    return worst


# ---------------------------------------------------------------------------------------------
# Driver impact
# ---------------------------------------------------------------------------------------------
def drivers(rng, reps, boot):
    """One driver mentioned with probability s; mentioners 20/20/60 (promoters/passives/detractors),
    the others 50/30/20. True impact = NPS(all) − NPS(non-mentioners) = s·(−40 − 30) = −70·s.
    Coverage is printed with its simulation SE: at 500 samples a cell's SE is about 1 point, so a
    single cell at 91.6% (stop 28) was noise; with 2,000 samples a cell the percentile interval
    covers 94.2-95.9% over the cells where most drivers get one (`--only drivers --reps 4000`)."""
    mention_sh, rest_sh = (0.2, 0.2, 0.6), (0.5, 0.3, 0.2)
    rows = []
    worst_given = 1.0
    for s in (0.02, 0.05, 0.10, 0.25):
        truth = -70.0 * s
        for n in (100, 200, 500, 1000):
            hit_all = hit_given = given = 0
            for i in range(reps):
                m = rng.random(n) < s
                cat = np.where(m, rng.choice(3, size=n, p=mention_sh), rng.choice(3, size=n, p=rest_sh))
                scores = np.where(cat == 0, 10.0, np.where(cat == 1, 7.0, 0.0))
                mentions = m.astype(np.uint8).reshape(-1, 1)
                o = _core.DriverAnalysisOptions()
                o.bootstrap_samples = boot
                o.seed = i + 1
                o.min_mentions = 0
                a = _core.analyze_drivers(scores, mentions, ["d"], np.ones(n, np.uint8), np.empty(0), o)
                d = a.drivers[0]
                if d.impact_ci_low is None:
                    continue
                ok = d.impact_ci_low <= truth <= d.impact_ci_high
                hit_all += ok
                if d.mentions >= _core.DriverAnalysisOptions().min_mentions:
                    given += 1
                    hit_given += ok
            cov_given = hit_given / given if given else float("nan")
            if given >= 0.2 * reps:
                worst_given = min(worst_given, cov_given)
            se_given = math.sqrt(cov_given * (1 - cov_given) / given) if given else float("nan")
            rows.append([f"{100 * s:.0f}%", n, pct(hit_all / reps),
                         pct(given / reps), "–" if not given else pct(cov_given), "–" if not given else pct(se_given)])
    table("Driver impact: coverage of the nominal 95% percentile bootstrap interval, %",
          ["driver share", "n", "every driver (min_mentions 0)", "drivers with an interval (>= 20 mentions)",
           "coverage of those", "its simulation SE"], rows)
    return worst_given


def weighted_drivers(rng, reps, boot):
    """Weighted driver impact. Two strata as in weighted(): A, half the population, under-sampled
    (20% of the sample, weight 2.5) and polarised; B, weight 0.625. The driver is mentioned by 20%
    in A and 5% in B; A's mentioners are 10/10/80 (promoters/passives/detractors), its others
    45/10/45; B's mentioners 10/60/30, its others 10/80/10. The true impact, NPS(all) −
    NPS(non-mentioners), is computed from the population shares. Heavy weights fall on the
    polarised stratum, where Kish's n_eff (the bootstrap's draw size before stop 30) is too
    optimistic."""
    strata = {  # population share, sample share, mention rate, mentioners' and others' shares (P, passive, D)
        "A": (0.5, 0.2, 0.20, (0.10, 0.10, 0.80), (0.45, 0.10, 0.45)),
        "B": (0.5, 0.8, 0.05, (0.10, 0.60, 0.30), (0.10, 0.80, 0.10)),
    }

    def nps_of(sh):
        return 100.0 * (sh[0] - sh[2])

    all_nps = sum(pop * (m * nps_of(ms) + (1 - m) * nps_of(os)) for pop, _, m, ms, os in strata.values())
    rest_w = sum(pop * (1 - m) for pop, _, m, _, _ in strata.values())
    rest_nps = sum(pop * (1 - m) * nps_of(os) for pop, _, m, _, os in strata.values()) / rest_w
    truth = all_nps - rest_nps
    rows = []
    worst = 1.0
    for n in (200, 500, 1000, 3000):
        hit = given = 0
        for i in range(reps):
            na = rng.binomial(n, strata["A"][1])
            parts_s, parts_m, parts_w = [], [], []
            for name, size in (("A", na), ("B", n - na)):
                pop, samp, m_rate, ms, os = strata[name]
                m = rng.random(size) < m_rate
                cat = np.where(m, rng.choice(3, size=size, p=ms), rng.choice(3, size=size, p=os))
                parts_s.append(np.where(cat == 0, 10.0, np.where(cat == 1, 7.0, 0.0)))
                parts_m.append(m)
                parts_w.append(np.full(size, pop / samp))
            scores, m, w = np.concatenate(parts_s), np.concatenate(parts_m), np.concatenate(parts_w)
            o = _core.DriverAnalysisOptions()
            o.bootstrap_samples = boot
            o.seed = i + 1
            o.importance_bootstrap_samples = 0
            a = _core.analyze_drivers(scores, m.astype(np.uint8).reshape(-1, 1), ["d"], np.ones(n, np.uint8), w, o)
            d = a.drivers[0]
            if d.impact_ci_low is None:
                continue
            given += 1
            hit += d.impact_ci_low <= truth <= d.impact_ci_high
        cov = hit / given if given else float("nan")
        if given >= 0.2 * reps:  # as in drivers(): a cell where few samples reach min_mentions selects them
            worst = min(worst, cov)
        rows.append([n, pct(given / reps), pct(cov), pct(math.sqrt(cov * (1 - cov) / max(given, 1)))])
    table(f"Weighted driver impact (true impact {truth:+.2f}): coverage of the nominal 95% interval, %",
          ["n", "with an interval (>= 20 mentions)", "coverage of those", "its simulation SE"], rows)
    return worst


# ---------------------------------------------------------------------------------------------
# Driver importance (Shapley shares of the key-driver model's McFadden R²)
# ---------------------------------------------------------------------------------------------
IMPORTANCE_MENTIONS = (0.3, 0.2, 0.1)  # three drivers, mentioned independently
IMPORTANCE_LOGIT = (-1.0, 1.2, -0.8, 0.5)  # P(detractor | mentions): intercept, then per driver


def importance_truth():
    """The population's Shapley shares of the detractor model's McFadden R², computed exactly from
    the 8 mention patterns: each subset model maximizes the expected log-likelihood per response
    (scipy, not perche), R²(S) = 1 − ℓ_S/ℓ₀, and the shares average what a driver adds over the
    orders of entry (Shapley 1953)."""
    import itertools

    from scipy import optimize

    pats = np.array(list(itertools.product([0, 1], repeat=3)), dtype=float)
    prob = np.prod(np.where(pats == 1, IMPORTANCE_MENTIONS, 1 - np.array(IMPORTANCE_MENTIONS)), axis=1)
    y = 1 / (1 + np.exp(-(IMPORTANCE_LOGIT[0] + pats @ np.array(IMPORTANCE_LOGIT[1:]))))
    ybar = (prob * y).sum()
    ll0 = ybar * math.log(ybar) + (1 - ybar) * math.log(1 - ybar)

    def r2(subset):
        if not subset:
            return 0.0
        X = np.column_stack([np.ones(8), pats[:, list(subset)]])

        def minus_ll(b):
            eta = X @ b
            return (prob * (y * np.logaddexp(0, -eta) + (1 - y) * np.logaddexp(0, eta))).sum()

        return 1 + optimize.minimize(minus_ll, np.zeros(X.shape[1]), method="BFGS", options={"gtol": 1e-12}).fun / ll0

    phi = np.zeros(3)
    orders = list(itertools.permutations(range(3)))
    for order in orders:
        for i, j in enumerate(order):
            phi[j] += r2(tuple(sorted(order[: i + 1]))) - r2(tuple(sorted(order[:i])))
    return phi / len(orders)


def importance(rng, reps):
    """Coverage of the Shapley shares' nominal 95% percentile-bootstrap intervals (100 replicates,
    the default) of the detractor model, against the population's shares (importance_truth)."""
    truth = importance_truth()
    rows = []
    worst = 1.0
    for n in (300, 1000, 3000):
        hit = np.zeros(3)
        given = np.zeros(3)
        for i in range(reps):
            Y = (rng.random((n, 3)) < IMPORTANCE_MENTIONS).astype(np.uint8)
            p = 1 / (1 + np.exp(-(IMPORTANCE_LOGIT[0] + Y @ np.array(IMPORTANCE_LOGIT[1:]))))
            det = rng.random(n) < p
            scores = np.where(det, 3.0, rng.choice([7.0, 10.0], n))
            o = _core.DriverAnalysisOptions()
            o.bootstrap_samples = 2
            o.seed = i + 1
            a = _core.analyze_drivers(scores, Y, ["a", "b", "c"], np.ones(n, np.uint8), np.empty(0), o)
            for j, d in enumerate(a.drivers):
                if d.importance_negative_ci_low is None:
                    continue
                given[j] += 1
                hit[j] += d.importance_negative_ci_low <= truth[j] <= d.importance_negative_ci_high
        cov = hit / np.maximum(given, 1)
        worst = min(worst, cov.min())
        rows.append([n] + [f"{truth[j]:.4f}: {pct(cov[j])}" for j in range(3)])
    table("Driver importance: coverage of the Shapley shares' nominal 95% bootstrap interval (detractor model), %",
          ["n"] + [f"driver {j + 1} ({100 * IMPORTANCE_MENTIONS[j]:.0f}% mention), true share: coverage"
                   for j in range(3)], rows)
    return worst


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=1000, help="samples per cell (default 1000)")
    ap.add_argument("--bootstrap-samples", type=int, default=500, help="replicates per bootstrap interval")
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--only", default="", help="comma-separated sections: nps,compare,exact,segments,weighted,weighted_ratings,weighted_compare,ratings,drivers,weighted_drivers,importance")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    only = set(filter(None, args.only.split(",")))
    want = lambda k: not only or k in only  # noqa: E731
    t0 = time.time()
    print(f"perche {perche.__version__}, reps {args.reps}, bootstrap samples {args.bootstrap_samples}, seed {args.seed}")
    summary = []
    if want("nps"):
        w = nps_coverage(rng, args.reps, args.bootstrap_samples)
        all_promoters()
        summary.append(("NPS coverage, worst cell", {k: pct(v) for k, v in w.items()}))
    if want("compare"):
        t1, cov = nps_comparisons(rng, args.reps, args.bootstrap_samples)
        summary.append(("NPS comparison type-I, worst cell with n >= 5", pct(t1)))
        summary.append(("NPS difference coverage, worst cell", {k: pct(v) for k, v in cov.items()}))
    if want("exact"):
        summary.append(("NPS comparison type-I, exact, worst cell with n >= 5", f"{100 * nps_exact_type1():.2f}"))
    if want("segments"):
        segments_type1(rng, args.reps)
    if want("weighted"):
        summary.append(("weighted NPS coverage (linearization), worst cell", pct(weighted(rng, args.reps))))
    if want("weighted_compare"):
        t1, cov = weighted_compare(rng, args.reps)
        summary.append(("weighted comparisons, worst type-I / worst coverage", f"{pct(t1)} / {pct(cov)}"))
    if want("weighted_ratings"):
        summary.append(("weighted CSAT/CES default coverage, worst cell", pct(weighted_ratings(rng, args.reps))))
    if want("ratings"):
        summary.append(("CSAT/CES default coverage, worst cell", pct(ratings(rng, args.reps, args.bootstrap_samples))))
        summary.append(("CSAT/CES comparison type-I, worst cell", pct(rating_type1(rng, args.reps))))
    if want("drivers"):
        summary.append(("driver impact coverage with an interval, worst cell",
                        pct(drivers(rng, max(1, args.reps // 2), args.bootstrap_samples))))
    if want("weighted_drivers"):
        summary.append(("weighted driver impact coverage, worst cell",
                        pct(weighted_drivers(rng, max(1, args.reps // 2), args.bootstrap_samples))))
    if want("importance"):
        summary.append(("driver importance (Shapley share) coverage, worst cell",
                        pct(importance(rng, max(1, args.reps // 2)))))
    print("\n### Summary\n")
    for k, v in summary:
        print(f"- {k}: {v}")
    print(f"\n({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
