# SPDX-License-Identifier: Apache-2.0
"""ABSITA 2018 aspect detection (ACD) and aspect polarity (ACP) with perche's DriverClassifier.

    python benchmarks/eval_absita.py TRAIN.csv [TEST.csv] [--folds 5] [--sklearn] [--variants] [--sentiment] [--nested]

TRAIN/TEST are ABSITA 2018 CSV files (`;`-separated, a `sentence` column and `<aspect>_presence`,
`<aspect>_positive`, `<aspect>_negative` columns for cleanliness, comfort, amenities, staff,
value, wifi, location, other). Prints micro- and macro-F1 of 5-fold cross-validation on TRAIN
(seeded folds), and of a model trained on TRAIN and evaluated on TEST when given. --sklearn adds
the usual scikit-learn pipeline on the same folds: word 1–2 + char_wb 2–5 TF-IDF (sublinear tf)
and one liblinear LogisticRegression per aspect, with per-aspect thresholds tuned by inner
cross-validation to maximize F1.

--sentiment adds ACP, the task's official polarity metric (Basile et al. 2018, "Overview of the
EVALITA 2018 Aspect-based Sentiment Analysis task (ABSITA)", §4): micro-F1 over the 16 flags
<aspect>_positive and <aspect>_negative of every sentence (`other` included), of
DriverClassifier(sentiment=True) fitted with the positive/negative flags; with --sklearn, a
scikit-learn two-stage peer (the presence pipeline above, then per aspect and polarity a liblinear
LogisticRegression on the sentences that mention the aspect, at 0.5).

--variants adds perche with per-driver thresholds and perche without Naive-Bayes scaling
(nb_scale=False) on the same folds.

--nested reports the figures with the defaults chosen inside each outer training part by an inner
3-fold cross-validation, so that no figure is tuned on the folds it is judged on: ACD over
nb_scale (off, on) × threshold ("per_driver", "global") × C (2, 5, 10); ACP over polarity_C (5, 20).
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


def read_polarity(path: Path):
    """n × 8 positive and negative flags."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    flags = []
    for q in ("positive", "negative"):
        missing = [a for a in ASPECTS if f"{a}_{q}" not in rows[0]]
        if missing:
            raise SystemExit(f"eval_absita: {path} lacks the columns {', '.join(a + '_' + q for a in missing)}")
        flags.append(np.array([[int(r[f"{a}_{q}"]) for a in ASPECTS] for r in rows], dtype=np.uint8))
    return flags[0], flags[1]


def acp(POS, NEG, PP, PN) -> float:
    """ABSITA's ACP: micro-F1 over the 16 polarity flags of every sentence."""
    return _f1(np.hstack([POS, NEG]).ravel(), np.hstack([PP, PN]).ravel().astype(bool))


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


def perche_model(**params):
    import perche

    return perche.DriverClassifier(ASPECTS, **params)


class SklearnTwoStage:
    """The ACP peer: SklearnPipeline's presence, then polarity models on the mentioning sentences."""

    def fit(self, texts, Y, POS, NEG):
        from sklearn.linear_model import LogisticRegression

        self.presence = SklearnPipeline().fit(texts, Y)
        X = self.presence.features(texts)
        self.polarity = []
        for flags in (POS, NEG):
            models = []
            for j in range(Y.shape[1]):
                rows = np.flatnonzero(Y[:, j])
                y = flags[rows, j]
                models.append(LogisticRegression(C=10.0, solver="liblinear").fit(X[rows], y)
                              if 0 < y.sum() < len(y) else float(y.mean() if len(y) else 0.0))
            self.polarity.append(models)
        return self

    def predict_polarity(self, texts):
        present = self.presence.predict(texts)
        X = self.presence.features(texts)
        out = []
        for models in self.polarity:
            P = np.column_stack([m.predict_proba(X)[:, 1] if not isinstance(m, float) else np.full(X.shape[0], m)
                                 for m in models])
            out.append(((P >= 0.5) & (present == 1)).astype(np.uint8))
        return out[0], out[1]


ACD_GRID = [dict(nb_scale=nb, threshold=t, C=c) for nb in (False, True) for t in ("per_driver", "global")
            for c in (2.0, 5.0, 10.0)]
ACP_GRID = [dict(polarity_C=c) for c in (5.0, 20.0)]


def choose(grid, score, idx, seed):
    """The grid point with the best inner 3-fold score on the rows idx."""
    best, best_score = None, -1.0
    for params in grid:
        total = 0.0
        for inner in folds_of(len(idx), 3, seed + 1):
            total += score(params, idx[np.setdiff1d(np.arange(len(idx)), inner)], idx[inner])
        if total > best_score:
            best, best_score = params, total
    return best


def nested(grid, score, n, k):
    """Outer k-fold figure of the configuration chosen on each outer training part; the choices."""
    got, chosen = [], []
    for f, test in enumerate(folds_of(n, k)):
        train = np.setdiff1d(np.arange(n), test)
        params = choose(grid, score, train, f)
        chosen.append(params)
        got.append(score(params, train, test))
    return float(np.mean(got)), chosen


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
    ap.add_argument("--variants", action="store_true", help="also perche per-driver thresholds and nb_scale=False")
    ap.add_argument("--sentiment", action="store_true", help="also aspect polarity (ACP)")
    ap.add_argument("--nested", action="store_true", help="defaults chosen by nested cross-validation")
    args = ap.parse_args()
    texts, Y = read(args.train)
    print(f"{args.train}: {len(texts)} sentences, {Y.sum()} aspect labels, "
          f"{(Y.sum(1) > 1).mean():.0%} with more than one aspect")
    systems = {"perche DriverClassifier (defaults)": perche_model}
    if args.variants:
        systems['perche threshold="per_driver"'] = lambda: perche_model(threshold="per_driver")
        systems["perche nb_scale=False"] = lambda: perche_model(nb_scale=False)
    if args.sklearn:
        systems["scikit-learn word+char_wb, liblinear, tuned thresholds"] = SklearnPipeline
    print(f"{args.folds}-fold cross-validation (seeded folds):")
    for name, make in systems.items():
        P, secs = cross_validate(make, texts, Y, args.folds)
        micro, macro = f1s(Y, P)
        print(f"  {name:<58} micro-F1 {micro:.4f}  macro-F1 {macro:.4f}  ({secs:.1f} s)")
    T = np.array(texts, dtype=object)
    if args.nested:
        def acd_score(params, tr, te):
            m = perche_model(**params).fit(list(T[tr]), Y[tr])
            return _f1(Y[te].ravel(), m.predict(list(T[te])).ravel().astype(bool))

        t0 = time.perf_counter()
        got, chosen = nested(ACD_GRID, acd_score, len(texts), args.folds)
        print(f"  {'perche ACD, nested (mean of folds)':<58} micro-F1 {got:.4f}  ({time.perf_counter() - t0:.0f} s)")
        print(f"    chosen per fold: {chosen}")
    if args.sentiment:
        POS, NEG = read_polarity(args.train)
        print(f"ACP, {args.folds}-fold cross-validation ({POS.sum()} positive, {NEG.sum()} negative flags):")

        def acp_of(make, tr, te):
            m = make().fit(list(T[tr]), Y[tr], positive=POS[tr], negative=NEG[tr])
            PP, PN = m.predict_polarity(list(T[te]))
            return acp(POS[te], NEG[te], PP, PN), m

        peers = {"perche DriverClassifier(sentiment=True)": lambda: perche_model(sentiment=True)}
        if args.sklearn:
            peers["scikit-learn two-stage"] = SklearnTwoStage
        for name, make in peers.items():
            t0 = time.perf_counter()
            PP, PN = np.zeros_like(POS), np.zeros_like(NEG)
            for test in folds_of(len(texts), args.folds):
                train = np.setdiff1d(np.arange(len(texts)), test)
                m = make()
                m = m.fit(list(T[train]), Y[train], POS[train], NEG[train]) if isinstance(m, SklearnTwoStage) else \
                    m.fit(list(T[train]), Y[train], positive=POS[train], negative=NEG[train])
                PP[test], PN[test] = m.predict_polarity(list(T[test]))
            print(f"  {name:<58} ACP micro-F1 {acp(POS, NEG, PP, PN):.4f}  ({time.perf_counter() - t0:.1f} s)")
        if args.nested:
            t0 = time.perf_counter()
            got, chosen = nested(ACP_GRID, lambda p, tr, te: acp_of(lambda: perche_model(sentiment=True, **p), tr, te)[0],
                                 len(texts), args.folds)
            print(f"  {'perche ACP, nested (mean of folds)':<58} ACP micro-F1 {got:.4f}  "
                  f"({time.perf_counter() - t0:.0f} s)")
            print(f"    chosen per fold: {chosen}")
    if args.test:
        tt, TY = read(args.test)
        print(f"trained on {args.train.name}, evaluated on {args.test} ({len(tt)} sentences):")
        for name, make in systems.items():
            P = make().fit(texts, Y).predict(tt)
            micro, macro = f1s(TY, P)
            print(f"  {name:<58} micro-F1 {micro:.4f}  macro-F1 {macro:.4f}")
        if args.sentiment:
            TP, TN = read_polarity(args.test)
            m = perche_model(sentiment=True).fit(texts, Y, positive=POS, negative=NEG)
            print(f"  {'perche DriverClassifier(sentiment=True)':<58} ACP micro-F1 "
                  f"{acp(TP, TN, *m.predict_polarity(tt)):.4f}")
            if args.sklearn:
                m = SklearnTwoStage().fit(texts, Y, POS, NEG)
                print(f"  {'scikit-learn two-stage':<58} ACP micro-F1 {acp(TP, TN, *m.predict_polarity(tt)):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
