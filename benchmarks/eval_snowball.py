# SPDX-License-Identifier: Apache-2.0
"""Agreement of perche's stemming with Snowball's own Italian vocabulary (snowball-data:
italian/voc.txt → italian/output.txt, one word and its stem per line).

    python benchmarks/eval_snowball.py ../shared/data/snowball-italian/voc.txt ../shared/data/snowball-italian/output.txt

Every word goes through perche.Tokenizer(stem=True) with the other normalization steps off, so
the figure is the stemmer's, not the tokenizer's: a word the tokenizer would split is stemmed as
one term too (it is passed whole). Prints the agreement and the first disagreements.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("voc", type=Path)
    ap.add_argument("output", type=Path)
    ap.add_argument("--show", type=int, default=10, help="disagreements to print")
    args = ap.parse_args()
    import perche

    words = args.voc.read_text(encoding="utf-8").split("\n")
    stems = args.output.read_text(encoding="utf-8").split("\n")
    if words and words[-1] == "":
        words, stems = words[:-1], stems[:-1]
    if len(words) != len(stems):
        print(f"eval_snowball: {args.voc} has {len(words)} lines but {args.output} has {len(stems)}", file=sys.stderr)
        return 2
    tok = perche.Tokenizer(stem=True, stopwords=None, fix_accents=False, squash_elongations=False,
                           split_elisions=False, lowercase=True)
    bad = 0
    for w, s in zip(words, stems):
        got = tok.stem(w)
        if got != s:
            bad += 1
            if bad <= args.show:
                print(f"  {w!r}: snowball {s!r}, perche {got!r}")
    n = len(words)
    print(f"snowball-italian: {n - bad}/{n} words agree ({100 * (n - bad) / n:.3f}%)")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
