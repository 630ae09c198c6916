# SPDX-License-Identifier: Apache-2.0
"""Surface-token F1 of a tokenizer against Universal Dependencies gold (CoNLL-U files), with the
CoNLL 2018 shared-task metric: tokens are compared as character spans over the sentence text with
whitespace removed (Zeman et al. 2018, §3; conll18_ud_eval.py). Multiword ranges such as
`1-2 nel` count as one surface token.

    python benchmarks/eval_ud.py ../shared/data/ud-italian-dev/*.conllu [--tokenizer perche|regex] [--errors 20]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path


def read_conllu(path: Path):
    """Yields (text, gold surface tokens) per sentence."""
    text, tokens, skip_until = None, [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# text = "):
            text = line[len("# text = "):]
        elif not line.strip():
            if tokens:
                yield text if text is not None else " ".join(tokens), tokens
            text, tokens, skip_until = None, [], 0
        elif not line.startswith("#"):
            cols = line.split("\t")
            ident = cols[0]
            if "." in ident:
                continue  # empty nodes
            if "-" in ident:
                start, end = (int(x) for x in ident.split("-"))
                skip_until = end
                tokens.append(cols[1])
            elif int(ident) > skip_until:
                tokens.append(cols[1])
    if tokens:
        yield text if text is not None else " ".join(tokens), tokens


def spans(tokens: list[str]) -> set[tuple[int, int]]:
    """Character spans of tokens over their concatenation without whitespace."""
    out, pos = set(), 0
    for t in tokens:
        n = len(re.sub(r"\s+", "", t))
        out.add((pos, pos + n))
        pos += n
    return out


_REGEX = re.compile(r"\w+['’]?|[^\w\s]")


def regex_tokenizer(text: str) -> list[str]:
    """The one-line baseline: words with a trailing apostrophe (elisions), single other characters."""
    return _REGEX.findall(text)


def make_tokenizer(name: str):
    if name == "regex":
        return regex_tokenizer
    import perche

    if not hasattr(perche, "Tokenizer"):
        sys.exit("eval_ud: this perche has no Tokenizer yet; use --tokenizer regex")
    tok = perche.Tokenizer(lowercase=False, stopwords=None, stem=False)
    return lambda text: [t.text for t in tok.tokenize(text)]


def evaluate(path: Path, tokenize, errors: int):
    tp = n_gold = n_sys = 0
    shown = 0
    for text, gold in read_conllu(path):
        system = tokenize(text)
        g, s = spans(gold), spans(system)
        if "".join(gold).replace(" ", "") != "".join(system).replace(" ", ""):
            # The gold forms do not spell the text (rare annotation quirks): compare spans anyway.
            pass
        tp += len(g & s)
        n_gold += len(g)
        n_sys += len(s)
        if g != s and shown < errors:
            shown += 1
            print(f"  {path.name}: {text}\n    gold: {' | '.join(gold)}\n    sys:  {' | '.join(system)}", file=sys.stderr)
    p = tp / n_sys if n_sys else 0.0
    r = tp / n_gold if n_gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0, n_gold


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--tokenizer", choices=["perche", "regex"], default="perche")
    ap.add_argument("--errors", type=int, default=0, help="print this many mismatching sentences per file")
    args = ap.parse_args()
    tokenize = make_tokenizer(args.tokenizer)
    print(f"{'treebank':<32} {'gold tokens':>11} {'F1':>7}")
    for path in args.files:
        f1, n = evaluate(path, tokenize, args.errors)
        print(f"{path.name:<32} {n:>11} {100 * f1:>7.2f}")


if __name__ == "__main__":
    main()
