# SPDX-License-Identifier: Apache-2.0
"""ABSITA 2018 aspect detection with perche's DriverClassifier at its default options.

    python benchmarks/eval_absita.py TRAIN.csv [TEST.csv] [--folds 5] [--sklearn]

TRAIN/TEST are ABSITA 2018 CSV files (`;`-separated, a `sentence` column and `<aspect>_presence`
columns for cleanliness, comfort, amenities, staff, value, wifi, location, other). Prints micro-
and macro-F1 of 5-fold cross-validation on TRAIN (seeded folds), and of a model trained on TRAIN
and evaluated on TEST when given. --sklearn adds the usual scikit-learn pipeline on the same
folds: word 1–2 + char_wb 2–5 TF-IDF (sublinear tf) and one liblinear LogisticRegression per
aspect, with per-aspect thresholds tuned by inner cross-validation to maximize F1.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

ASPECTS = ["cleanliness", "comfort", "amenities", "staff", "value", "wifi", "location", "other"]


def read(path: Path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    if not rows or "sentence" not in rows[0]:
        raise SystemExit(f"eval_absita: {path} has no 'sentence' column (is it an ABSITA 2018 CSV?)")
    missing = [a for a in ASPECTS if f"{a}_presence" not in rows[0]]
    if missing:
        raise SystemExit(f"eval_absita: {path} lacks the columns {', '.join(a + '_presence' for a in missing)}")
    texts = [r["sentence"] for r in rows]
    Y = np.array([[int(r[f"{a}_presence"]) for a in ASPECTS] for r in rows], dtype=np.uint8)
    return texts, Y


def folds_of(n: int, k: int, seed: int = 0):
    perm = np.random.default_rng(seed).permutation(n)
    return np.array_split(perm, k)


def f1s(Y, P):
    from sklearn.metrics import f1_score

    return f1_score(Y, P, average="micro", zero_division=0), f1_score(Y, P, average="macro", zero_division=0)


class SklearnPipeline:
    """The peer: word + char_wb TF-IDF, liblinear one-vs-rest, F1-tuned thresholds."""

    def __init__(self):
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.hstack = hstack
        self.word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
        self.make = lambda: LogisticRegression(C=10.0, solver="liblinear")

    def features(self, texts, fit=False):
        if fit:
            return self.hstack([self.word.fit_transform(texts), self.char.fit_transform(texts)]).tocsr()
        return self.hstack([self.word.transform(texts), self.char.transform(texts)]).tocsr()

    def fit(self, texts, Y):
        from sklearn.model_selection import cross_val_predict

        X = self.features(texts, fit=True)
        self.models, self.thresholds = [], []
        for j in range(Y.shape[1]):
            p = cross_val_predict(self.make(), X, Y[:, j], cv=5, method="predict_proba")[:, 1]
            cands = np.unique(p)
            best = max(cands, key=lambda t: _f1(Y[:, j], p >= t))
            self.thresholds.append(best)
            self.models.append(self.make().fit(X, Y[:, j]))
        return self

    def predict(self, texts):
        X = self.features(texts)
        return np.column_stack([m.predict_proba(X)[:, 1] >= t for m, t in zip(self.models, self.thresholds)]).astype(np.uint8)


def _f1(y, p):
    tp = np.sum((y == 1) & p)
    return 2 * tp / (np.sum(y) + np.sum(p)) if (np.sum(y) + np.sum(p)) else 0.0


def perche_model():
    import perche

    return perche.DriverClassifier(ASPECTS)


def cross_validate(make, texts, Y, k):
    P = np.zeros_like(Y)
    t0 = time.perf_counter()
    for test in folds_of(len(texts), k):
        train = np.setdiff1d(np.arange(len(texts)), test)
        m = make().fit([texts[i] for i in train], Y[train])
        P[test] = m.predict([texts[i] for i in test])
    return P, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("train", type=Path)
    ap.add_argument("test", type=Path, nargs="?")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--sklearn", action="store_true", help="also run the scikit-learn pipeline on the same folds")
    args = ap.parse_args()
    texts, Y = read(args.train)
    print(f"{args.train}: {len(texts)} sentences, {Y.sum()} aspect labels, "
          f"{(Y.sum(1) > 1).mean():.0%} with more than one aspect")
    systems = {"perche DriverClassifier (defaults)": perche_model}
    if args.sklearn:
        systems["scikit-learn word+char_wb, liblinear, tuned thresholds"] = SklearnPipeline
    print(f"{args.folds}-fold cross-validation (seeded folds):")
    for name, make in systems.items():
        P, secs = cross_validate(make, texts, Y, args.folds)
        micro, macro = f1s(Y, P)
        print(f"  {name:<58} micro-F1 {micro:.4f}  macro-F1 {macro:.4f}  ({secs:.1f} s)")
    if args.test:
        tt, TY = read(args.test)
        print(f"trained on {args.train.name}, evaluated on {args.test} ({len(tt)} sentences):")
        for name, make in systems.items():
            P = make().fit(texts, Y).predict(tt)
            micro, macro = f1s(TY, P)
            print(f"  {name:<58} micro-F1 {micro:.4f}  macro-F1 {macro:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
