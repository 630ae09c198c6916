# SPDX-License-Identifier: Apache-2.0
"""perche against scikit-learn, same data, same process: vectorizer, training, prediction, latency.

    python benchmarks/compare_sklearn.py [--corpus TXT] [--absita CSV] [--repeat R]

--corpus: one text a line, for TfidfVectorizer.fit_transform (default: benchmarks/data/
comments_it.txt; the README uses ../shared/data/corpus/it_sentences.txt).
--absita: an ABSITA 2018 CSV for the classifier parts (8 aspects); without it the project's
sample survey (examples/data/survey.csv, `driver` column) is used.

Peers: sklearn TfidfVectorizer() with its default analyzer; OneVsRestClassifier(LogisticRegression(
solver="liblinear")) on the same kind of features (word 1–2 + char_wb 2–5 TF-IDF, sublinear tf,
min_df 2) and the same C, against perche.DriverClassifier with a fixed 0.5 threshold (cv_folds=0,
the comparable model) and with its defaults (CV-tuned thresholds). Quality: micro-F1 on a seeded
80/20 split. Peak memory: VmHWM of a child process that only trains (and of it before training).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ASPECTS = ["cleanliness", "comfort", "amenities", "staff", "value", "wifi", "location", "other"]
C = 10.0


def labelled(absita: Path | None):
    if absita:
        with open(absita, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter=";"))
        texts = [r["sentence"] for r in rows]
        Y = np.array([[int(r[f"{a}_presence"]) for a in ASPECTS] for r in rows], dtype=np.uint8)
        return texts, Y, ASPECTS
    with open(HERE.parent / "examples" / "data" / "survey.csv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["motivo"].strip()]
    names = sorted({d for r in rows for d in r["driver"].split("|") if d})
    texts = [r["motivo"] for r in rows]
    Y = np.array([[int(n in r["driver"].split("|")) for n in names] for r in rows], dtype=np.uint8)
    return texts, Y, names


def best(fn, repeat):
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def interleaved(fns, repeat):
    """Runs the functions in turn, `repeat` rounds: a slow spell of this shared machine then
    hits every contender alike. Returns each one's best time and last result, and the ratios
    time(fns[0]) / time(fns[k]) of each round."""
    times = [[] for _ in fns]
    outs = [None] * len(fns)
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            t0 = time.perf_counter()
            outs[k] = fn()
            times[k].append(time.perf_counter() - t0)
    rounds = [[times[0][r] / times[k][r] for r in range(repeat)] for k in range(len(fns))]
    return [min(t) for t in times], outs, rounds


def spread(ratios):
    return f"rounds {min(ratios):.1f}-{max(ratios):.1f}×"


def sklearn_pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                          TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2))
    return make_pipeline(features, OneVsRestClassifier(LogisticRegression(C=C, solver="liblinear")))


def perche_fixed(names):
    import perche

    # Like for like with the scikit-learn pipeline: the same features and loss, no Naive-Bayes scaling.
    return perche.DriverClassifier(names, cv_folds=0, tokenizer=perche.Tokenizer(), analyzer="both",
                                   ngram_range=(1, 2), char_ngram_range=(2, 5), sublinear_tf=True, min_df=2, C=C,
                                   nb_scale=False)


def micro_f1(Y, P):
    tp = np.sum((Y == 1) & (P == 1))
    return 2 * tp / (Y.sum() + P.sum())


def peak_rss(which: str, absita: Path | None) -> float:
    """MB of peak resident memory of a child process that loads the data and trains one model."""
    # VmHWM of /proc/self/status (ru_maxrss survives execve on Linux and would report the parent's).
    code = (
        "import sys; sys.path.insert(0, %r); import compare_sklearn as c; from pathlib import Path;"
        "hwm = lambda: int([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]);"
        "import perche, sklearn.linear_model, sklearn.pipeline;"
        "t, Y, n = c.labelled(%s); base = hwm();"
        "m = c.perche_fixed(n) if %r == 'perche' else c.sklearn_pipeline(); m.fit(t, Y);"
        "print(hwm(), base)"
    ) % (str(HERE), f"Path({str(absita)!r})" if absita else "None", which)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]) / 1024, int(out[1]) / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=HERE / "data" / "comments_it.txt")
    ap.add_argument("--absita", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    import perche
    from sklearn.feature_extraction.text import TfidfVectorizer

    fig = {}
    lines = args.corpus.read_text(encoding="utf-8").splitlines()
    mb = sum(len(s.encode()) + 1 for s in lines) / 1e6
    (t_sk, t_pc, t_pc1), _, r = interleaved([lambda: TfidfVectorizer().fit_transform(lines),
                                             lambda: perche.TfidfVectorizer().fit_transform(lines),
                                             lambda: perche.TfidfVectorizer().fit_transform(lines, threads=1)],
                                            args.repeat)
    print(f"TfidfVectorizer.fit_transform, {args.corpus.name} ({len(lines)} lines, {mb:.1f} MB), "
          f"best of {args.repeat} interleaved rounds:")
    print(f"  scikit-learn            {t_sk:7.3f} s")
    print(f"  perche, 1 thread        {t_pc1:7.3f} s   {t_sk / t_pc1:5.1f}× scikit-learn ({spread(r[2])})")
    print(f"  perche, all cores       {t_pc:7.3f} s   {t_sk / t_pc:5.1f}× scikit-learn ({spread(r[1])})")
    fig["vectorizer_ratio"], fig["vectorizer_ratio_1thread"] = t_sk / t_pc, t_sk / t_pc1

    texts, Y, names = labelled(args.absita)
    perm = np.random.default_rng(0).permutation(len(texts))
    cut = int(0.8 * len(texts))
    tr, te = perm[:cut], perm[cut:]
    Xtr, Xte = [texts[i] for i in tr], [texts[i] for i in te]
    src = args.absita.name if args.absita else "examples/data/survey.csv"
    print(f"\nclassifier: {src}, {len(names)} labels, train {len(tr)} / test {len(te)}")
    (t_skfit, t_pfit), (sk, pc), r_fit = interleaved([lambda: sklearn_pipeline().fit(Xtr, Y[tr]),
                                                      lambda: perche_fixed(names).fit(Xtr, Y[tr])], args.repeat)
    t_dfit, dc = best(lambda: perche.DriverClassifier(names).fit(Xtr, Y[tr]), 1)
    f_sk, f_pc, f_dc = (micro_f1(Y[te], m.predict(Xte)) for m in (sk, pc, dc))
    print(f"  fit, scikit-learn OvR liblinear   {t_skfit:7.3f} s   micro-F1 {f_sk:.4f}")
    print(f"  fit, perche (threshold 0.5)       {t_pfit:7.3f} s   micro-F1 {f_pc:.4f}   {t_skfit / t_pfit:5.1f}× faster ({spread(r_fit[1])})")
    print(f"  fit, perche defaults (CV thresholds) {t_dfit:4.3f} s   micro-F1 {f_dc:.4f}")
    fig.update(fit_ratio=t_skfit / t_pfit, f1_sklearn=f_sk, f1_perche=f_pc, f1_perche_default=f_dc)

    batch = Xte * max(1, 20000 // len(Xte))
    (t_skp, t_pp), _, r_p = interleaved([lambda: sk.predict_proba(batch), lambda: pc.predict_proba(batch)], args.repeat)
    print(f"  batch predict_proba of {len(batch)} raw texts: scikit-learn {t_skp:.3f} s, perche {t_pp:.3f} s "
          f"= {t_skp / t_pp:.1f}× ({spread(r_p[1])})")
    fig["batch_ratio"] = t_skp / t_pp

    one = "l'operatore è stato gentile ma ho aspettato 40 minuti"
    def latency(fn, n):
        ts = []
        for _ in range(n):
            t0 = time.perf_counter_ns()
            fn()
            ts.append(time.perf_counter_ns() - t0)
        return statistics.median(ts) / 1000
    l_sk = latency(lambda: sk.predict_proba([one]), 300)
    l_pc = latency(lambda: pc.predict_proba(one), 5000)
    print(f"  one short comment, median: scikit-learn {l_sk:.0f} µs, perche {l_pc:.1f} µs = {l_sk / l_pc:.0f}×")
    fig.update(latency_sklearn_us=l_sk, latency_perche_us=l_pc)

    rss_p, base_p = peak_rss("perche", args.absita)
    rss_s, base_s = peak_rss("sklearn", args.absita)
    print(f"  peak RSS of a training process: perche {rss_p:.0f} MB (data loaded: {base_p:.0f} MB), "
          f"scikit-learn {rss_s:.0f} MB (data loaded: {base_s:.0f} MB)")
    fig.update(peak_rss_perche_mb=rss_p, peak_rss_sklearn_mb=rss_s)
    if args.json:
        args.json.write_text(json.dumps(fig, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
