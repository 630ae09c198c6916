# SPDX-License-Identifier: Apache-2.0
"""L-BFGS against trust-region Newton on the same TF-IDF features, same process, one thread.

    python benchmarks/compare_solvers.py [--absita ../shared/data/absita2018/train.csv] [--C 5] [--tol 1e-4]

Fits one binary perche.LogisticRegression per label (ABSITA's 8 aspects, or the sample survey's
drivers by default) with solver="lbfgs" and solver="newton" on the DriverClassifier's default
features (word 1–2-grams + char_wb 2–5-grams, sublinear tf, min_df 2), at the classifier's default
C and tol and at a tight tol, and prints the time of each solver, their ratio, the iterations and
how far apart the two minimizers are. This is the benchmark issue #4 asks the solver to be chosen
by; the README quotes it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_sklearn import labelled  # noqa: E402  (the same data loading as the classifier comparison)


def fit_all(X, Y, solver, C, tol, repeat):
    import perche

    best, models = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        fitted = [perche.LogisticRegression(C=C, tol=tol, max_iter=10000, solver=solver).fit(X, Y[:, j])
                  for j in range(Y.shape[1])]
        best = min(best, time.perf_counter() - t0)
        models = fitted
    return best, models


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--absita", type=Path, help="ABSITA 2018 train.csv (default: the sample survey)")
    ap.add_argument("--C", type=float, default=None, help="default: the DriverClassifier's")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    import perche

    texts, Y, names = labelled(args.absita)
    defaults = perche.DriverClassifier(names).options
    C = args.C if args.C is not None else defaults.logistic.C
    X = perche.TfidfVectorizer(tokenizer=perche.Tokenizer(negation=True), analyzer="both", ngram_range=(1, 2),
                               char_ngram_range=(2, 5), sublinear_tf=True, min_df=2).fit_transform(texts)
    print(f"{args.absita or 'sample survey'}: {X.shape[0]} texts × {X.shape[1]} features, "
          f"{len(names)} labels, C = {C}")
    for tol in (defaults.logistic.tol, 1e-8):
        t_l, m_l = fit_all(X, Y, "lbfgs", C, tol, args.repeat)
        t_n, m_n = fit_all(X, Y, "newton", C, tol, args.repeat)
        gap = max(float(np.abs(a.coef_ - b.coef_).max() / np.abs(a.coef_).max()) for a, b in zip(m_l, m_n))
        it_l = sum(m.n_iter_ for m in m_l)
        it_n = sum(m.n_iter_ for m in m_n)
        print(f"  tol {tol:g}: lbfgs {t_l:6.2f} s ({it_l} iterations)   newton {t_n:6.2f} s ({it_n} outer iterations)"
              f"   lbfgs/newton time {t_l / t_n:4.2f}   largest coefficient gap {gap:.1e} relative")
    return 0


if __name__ == "__main__":
    sys.exit(main())
