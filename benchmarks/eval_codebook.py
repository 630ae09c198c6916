#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""How well a codebook labels comments: precision, recall and F1 per driver, micro and macro,
against gold labels, and its throughput.

    python3 benchmarks/eval_codebook.py [CSV] [--codebook FILE] [--text motivo] [--labels driver]

Defaults: the shipped sample survey and the shipped codebook (gold labels: driver codes joined by |).
"""

import argparse
import sys
import time

import numpy as np
import pandas as pd

import perche
from perche.survey import SAMPLE, split_labels


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv", nargs="?", default=str(SAMPLE))
    ap.add_argument("--codebook")
    ap.add_argument("--text", default="motivo")
    ap.add_argument("--labels", default="driver")
    a = ap.parse_args()
    cb = perche.Codebook.load(a.codebook) if a.codebook else perche.Codebook.default()
    df = pd.read_csv(a.csv, keep_default_na=False, dtype=str)
    df = df[df[a.text].str.strip() != ""]
    texts = list(df[a.text])
    _, gold = split_labels(df[a.labels], drivers=list(cb.drivers))
    t = time.perf_counter()
    Y = cb.predict(texts)
    secs = time.perf_counter() - t
    tp, fp, fn = (Y & gold).sum(0), (Y & (1 - gold)).sum(0), ((1 - Y) & gold).sum(0)
    f1 = 2 * tp / np.maximum(1, 2 * tp + fp + fn)
    print(f"{'driver':<14} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>7}")
    for j, d in enumerate(cb.drivers):
        p = tp[j] / max(1, tp[j] + fp[j])
        r = tp[j] / max(1, tp[j] + fn[j])
        print(f"{d:<14} {p:>9.3f} {r:>7.3f} {f1[j]:>6.3f} {int(gold[:, j].sum()):>7}")
    T, F, N = tp.sum(), fp.sum(), fn.sum()
    print(f"micro-F1 {2 * T / (2 * T + F + N):.4f}   macro-F1 {f1.mean():.4f}   "
          f"{len(texts)} comments, {len(texts) / secs:,.0f} comments/s (all cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
