# SPDX-License-Identifier: Apache-2.0
"""perche's Italian analyzer against scikit-learn's, same lines, same process, one thread.

    python benchmarks/compare_text.py [CORPUS] [--lines N] [--repeat R]

CORPUS is a text file, one text a line (default: the project's sample, benchmarks/data/
comments_it.txt; the README runs it on ../shared/data/corpus/it_sentences.txt). Prints MB/s of
each analyzer and the ratio. scikit-learn's analyzer (CountVectorizer().build_analyzer():
lowercase + the \\b\\w\\w+\\b regex, no stemming, no stopwords) is the peer the issue names; perche
runs its default analyzer (NFC, case folding, accent fixes, Italian stopwords) and then the full
pipeline with Snowball stemming, which scikit-learn does not do at all. The last row, str.split()
per line, is no analyzer: it is the cost of building a list of str objects per line in CPython
(objects, lists and their garbage collection), the floor under any per-line analyzer.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent / "data" / "comments_it.txt"


def best_of(fn, lines, repeat):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(lines)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--lines", type=int, default=0, help="use the first N lines (0: all)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per analyzer; the best counts")
    args = ap.parse_args()
    try:
        from sklearn.feature_extraction.text import CountVectorizer
    except ImportError:
        print("compare_text: scikit-learn is not installed (pip install scikit-learn)", file=sys.stderr)
        return 2
    import perche

    lines = args.corpus.read_text(encoding="utf-8").splitlines()
    if args.lines:
        lines = lines[: args.lines]
    mb = sum(len(s.encode("utf-8")) + 1 for s in lines) / 1e6
    sk = CountVectorizer().build_analyzer()
    default = perche.Tokenizer()
    full = perche.Tokenizer(stem=True)

    runs = {
        "scikit-learn analyzer": lambda ls: [sk(s) for s in ls],
        "perche normalize": lambda ls: [default.normalize(s) for s in ls],
        "perche normalize + stem": lambda ls: [full.normalize(s) for s in ls],
        "perche normalize_batch + stem (threads=1)": lambda ls: full.normalize_batch(ls, threads=1),
        # Not an analyzer: the cheapest way CPython has to return a list of str per line, which
        # bounds what any analyzer called per line can reach.
        "str.split() (floor: no analysis at all)": lambda ls: [s.split() for s in ls],
    }
    print(f"corpus: {args.corpus} ({len(lines)} lines, {mb:.1f} MB)")
    times = {name: best_of(fn, lines, args.repeat) for name, fn in runs.items()}
    base = times["scikit-learn analyzer"]
    for name, t in times.items():
        print(f"  {name:<44} {mb / t:7.1f} MB/s   {base / t:5.1f}× scikit-learn")
    return 0


if __name__ == "__main__":
    sys.exit(main())
