# SPDX-License-Identifier: Apache-2.0
"""Per-comment sentiment: perche.SentimentClassifier against scikit-learn, in one run.

    python benchmarks/eval_sentiment.py --absita ABSITA_TRAIN.csv --sentipolc SENTIPOLC_TRAIN.csv
                                        [--folds 5] [--nested] [--speed N]

Scores are SENTIPOLC 2016's official polarity score (Barbieri et al. 2016, "Overview of the
Evalita 2016 SENTiment POLarity Classification Task", §5): the mean of the F1 of the classes 0 and
1 of the positive flag and of the negative flag (four F1 values). A class maps to the flags as
positive (1, 0), negative (0, 1), mixed (1, 1), neutral (0, 0).

- The untrained default, out of domain: on ABSITA 2018 sentences, whose flags are "some aspect is
  positive" / "some aspect is negative" (the sentence-level reading of the aspect polarities).
  Beside it, perche and scikit-learn models trained on the SENTIPOLC tweets (the issue's "models
  trained on tweets").
- SENTIPOLC 2016 trained: k-fold cross-validation (seeded folds) of perche (word + lexicon
  features) and of scikit-learn (word 1–2 + char_wb 2–5 TF-IDF, multinomial LogisticRegression)
  on the same folds. --nested chooses perche's C by an inner 3-fold CV on each outer training
  part (the reported figure is then not tuned on the folds it is judged on); scikit-learn keeps
  C = 2 (a nested search of it takes half an hour here).
- --speed N: the default model, one comment per call from Python, on N ABSITA sentences
  (single-threaded by construction), in comments per second.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

CLASSES = ["mixed", "negative", "neutral", "positive"]
FLAGS = {"positive": (1, 0), "negative": (0, 1), "mixed": (1, 1), "neutral": (0, 0)}
C_GRID = [0.5, 1.0, 2.0, 5.0, 10.0]


def label_of(pos: int, neg: int) -> str:
    return {(1, 0): "positive", (0, 1): "negative", (1, 1): "mixed", (0, 0): "neutral"}[(pos, neg)]


def read_absita(path: Path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    if not rows or "sentence" not in rows[0]:
        raise SystemExit(f"eval_sentiment: {path} has no 'sentence' column (is it an ABSITA 2018 CSV?)")
    texts = [r["sentence"] for r in rows]
    labels = []
    for r in rows:
        pos = int(any(r[k] == "1" for k in r if k.endswith("_positive")))
        neg = int(any(r[k] == "1" for k in r if k.endswith("_negative")))
        labels.append(label_of(pos, neg))
    return texts, labels


def read_sentipolc(path: Path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or "text" not in rows[0] or "opos" not in rows[0]:
        raise SystemExit(f"eval_sentiment: {path} lacks the columns text, opos, oneg (is it SENTIPOLC 2016?)")
    return [r["text"] for r in rows], [label_of(int(r["opos"]), int(r["oneg"])) for r in rows]


def polarity_score(truth, predicted) -> float:
    """SENTIPOLC 2016 official: mean F1 over {pos, neg} × {0, 1}."""
    from sklearn.metrics import f1_score

    t = np.array([FLAGS[x] for x in truth])
    p = np.array([FLAGS[x] for x in predicted])
    scores = []
    for flag in (0, 1):
        for cls in (0, 1):
            scores.append(f1_score(t[:, flag] == cls, p[:, flag] == cls, zero_division=0))
    return float(np.mean(scores))


def folds_of(n: int, k: int, seed: int = 0):
    perm = np.random.default_rng(seed).permutation(n)
    return np.array_split(perm, k)


class Sklearn:
    """The peer: word 1–2 + char_wb 2–5 TF-IDF (sublinear tf, min_df 2), multinomial LR."""

    def __init__(self, C: float = 2.0):
        self.C = C

    def fit(self, texts, labels):
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.hstack = hstack
        self.word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
        X = hstack([self.word.fit_transform(texts), self.char.fit_transform(texts)]).tocsr()
        self.lr = LogisticRegression(C=self.C, max_iter=2000).fit(X, labels)
        return self

    def predict(self, texts):
        X = self.hstack([self.word.transform(texts), self.char.transform(texts)]).tocsr()
        return list(self.lr.predict(X))


def perche_model(C):
    import perche

    return perche.SentimentClassifier(C=C)


def choose_C(make, texts, labels, seed: int):
    """C of C_GRID with the best inner 3-fold polarity score."""
    best = None
    texts = list(texts)
    labels = list(labels)
    for C in C_GRID:
        preds = [None] * len(texts)
        for part in folds_of(len(texts), 3, seed + 1):
            test = set(part.tolist())
            tr = [i for i in range(len(texts)) if i not in test]
            m = make(C).fit([texts[i] for i in tr], [labels[i] for i in tr])
            for i, p in zip(part, m.predict([texts[i] for i in part])):
                preds[i] = p
        s = polarity_score(labels, preds)
        if best is None or s > best[0]:
            best = (s, C)
    return best[1]


def cross_validate(make, texts, labels, k: int, nested: bool, name: str):
    preds = [None] * len(texts)
    chosen = []
    t0 = time.perf_counter()
    for part in folds_of(len(texts), k):
        test = set(part.tolist())
        tr = [i for i in range(len(texts)) if i not in test]
        tr_texts, tr_labels = [texts[i] for i in tr], [labels[i] for i in tr]
        C = choose_C(make, tr_texts, tr_labels, seed=len(chosen)) if nested else None
        chosen.append(C)
        m = make(C).fit(tr_texts, tr_labels)
        for i, p in zip(part, m.predict([texts[i] for i in part])):
            preds[i] = p
    score = polarity_score(labels, preds)
    extra = f"  C per fold {chosen}" if nested else ""
    print(f"  {name:<34} {score:.4f}   ({time.perf_counter() - t0:.1f} s){extra}")
    return score


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--absita", type=Path, help="ABSITA 2018 CSV (e.g. ../shared/data/absita2018/train.csv)")
    ap.add_argument("--sentipolc", type=Path, help="SENTIPOLC 2016 CSV (e.g. ../shared/data/sentipolc2016/train.csv)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--nested", action="store_true", help="choose C by inner 3-fold CV on each training part")
    ap.add_argument("--speed", type=int, default=0, metavar="N", help="time the default model on N sentences")
    args = ap.parse_args()
    if not args.absita and not args.sentipolc:
        ap.error("give --absita and/or --sentipolc")

    import perche

    default = perche.SentimentClassifier.default()
    absita = read_absita(args.absita) if args.absita else None
    tweets = read_sentipolc(args.sentipolc) if args.sentipolc else None

    if absita:
        texts, labels = absita
        shares = {c: labels.count(c) / len(labels) for c in CLASSES}
        print(f"ABSITA 2018 sentences, out of domain ({len(texts)} sentences; "
              + ", ".join(f"{c} {s:.0%}" for c, s in shares.items()) + ")")
        print(f"  {'perche default (untrained)':<34} {polarity_score(labels, list(default.predict(texts))):.4f}")
        if tweets:
            m = perche.SentimentClassifier().fit(*tweets)
            print(f"  {'perche trained on SENTIPOLC':<34} {polarity_score(labels, list(m.predict(texts))):.4f}")
            s = Sklearn().fit(*tweets)
            print(f"  {'scikit-learn trained on SENTIPOLC':<34} {polarity_score(labels, s.predict(texts)):.4f}")
    if tweets:
        texts, labels = tweets
        print(f"SENTIPOLC 2016 polarity, {args.folds}-fold CV ({len(texts)} tweets)"
              + (", C by nested 3-fold CV" if args.nested else ""))
        print(f"  {'perche default (untrained)':<34} {polarity_score(labels, list(default.predict(texts))):.4f}")
        cross_validate(lambda C: perche_model(C), texts, labels, args.folds, args.nested, "perche (words + lexicon)")
        cross_validate(lambda C: Sklearn(C if C is not None else 2.0), texts, labels, args.folds, False,
                       "scikit-learn (TF-IDF + LR, C = 2)")
    if args.speed:
        if not absita:
            ap.error("--speed needs --absita")
        sample = (absita[0] * (args.speed // len(absita[0]) + 1))[: args.speed]
        one = default.predict_proba
        t0 = time.perf_counter()
        for s in sample:
            one(s)
        dt = time.perf_counter() - t0
        print(f"default model, one comment per call from Python: {len(sample) / dt:,.0f} comments/s "
              f"({dt / len(sample) * 1e6:.1f} µs a call)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
