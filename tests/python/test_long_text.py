# SPDX-License-Identifier: Apache-2.0
# One long comment (issue #16, class 4). explain, the codebook matcher and the conversion of
# their offsets to code points were quadratic in a comment's length: a 1 MB comment took
# `perche analyze` about 40 s, 5 MB hours. Each test runs in a subprocess under a generous timeout
# (a quadratic path blows through it; linear work takes seconds); speed itself is measured by
# benchmarks/bench_long_text.cpp. Offsets are checked against the text, not against perche.
import json
import subprocess
import sys
import textwrap

import pytest

# Sentences with accents, an emoji and a curly apostrophe, so that code points and UTF-8 bytes
# differ, and with words of the shipped model and codebook.
_SENTENCES = textwrap.dedent("""
    SENTENCES = [
        "Ho aspettato 40 minuti in linea, però l’operatore è stato gentilissimo 😊",
        "il prezzo è troppo caro e la fattura è sbagliata, perché?",
        "attesa infinita, nessuno risponde: pessimo servizio 😡",
        "città piccola, tecnico puntuale e competente",
        "tempi di attesa lunghi ma personale cortese e disponibile",
        "l'app non funziona, impossibile pagare la bolletta",
    ]

    def long_text(size, sep=" "):
        parts, n, i = [], 0, 0
        while n < size:
            s = SENTENCES[i % len(SENTENCES)] + f" giro {i}"
            parts.append(s)
            n += len(s.encode()) + len(sep)
            i += 1
        return sep.join(parts), parts
""")


def _run(body: str, timeout: float) -> dict:
    """Runs body (which prints one JSON line last) in a fresh interpreter; fails on a timeout."""
    code = _SENTENCES + textwrap.dedent(body)
    try:
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"no result within {timeout:.0f} s: a per-text path is not linear in the text's length")
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("source", ["model", "codebook"])
def test_analyze_of_one_5mb_comment_finishes_and_highlights_its_words(source):
    out = _run(f"""
        import json
        import pandas as pd
        import perche
        text, _ = long_text(5_000_000)
        df = pd.DataFrame({{"nps": [2, 9, 10, 6], "motivo": [text, "ottimo servizio", "attesa lunga", "caro"]}})
        r = perche.analyze(df, progress=False, **({{"codebook": True}} if "{source}" == "codebook" else {{}}))
        checked = bad = 0
        for v in r.data["verbatims"]:
            if v["row"] != 0:
                continue
            for h in v["highlights"]:
                word = v["text"][h["start"]:h["end"]].lower()
                terms = h["term"].rstrip("*").strip('"').split()  # "non x": a negated x, highlighted on x
                if all(t.isascii() and t.isalpha() for t in terms):
                    checked += 1
                    bad += not any(word.startswith(t) for t in terms)
        longest = max(len(v["text"]) for v in r.data["verbatims"])
        print(json.dumps({{"rows": r.data["source"]["rows_used"], "checked": checked, "bad": bad, "longest": longest}}))
    """, timeout=120)
    assert out["rows"] == 4
    assert out["checked"] > 50  # the quote is the comment's first 2,000 code points (kMaxVerbatimCodePoints)
    assert out["bad"] == 0
    assert out["longest"] == 2001  # and "…"


def test_explain_of_a_long_comment_gives_code_point_spans_of_every_occurrence():
    out = _run("""
        import json, re
        import perche
        from perche.survey import DEFAULT_MODEL
        m = perche.DriverClassifier.load(DEFAULT_MODEL)
        text, _ = long_text(2_000_000)
        checked = bad = 0
        for e in m.explain(text, max_terms=50):
            for t in e["terms"]:
                if not (t["term"].isascii() and t["term"].isalpha()):
                    continue
                checked += 1
                # Elisions split: l’operatore holds the term operatore.
                occurrences = len(re.findall(r"(?<!\\w)" + t["term"] + r"(?!\\w)", text, flags=re.I))
                bad += len(t["spans"]) != occurrences
                bad += any(text[a:b].lower() != t["term"] for a, b in t["spans"])
        print(json.dumps({"checked": checked, "bad": bad}))
    """, timeout=120)
    assert out["checked"] > 20
    assert out["bad"] == 0


def test_codebook_matches_of_a_long_comment_are_those_of_its_sentences_in_code_points():
    out = _run("""
        import json
        import perche
        from perche.codebook import DEFAULT_CODEBOOK
        cb = perche.Codebook.load(DEFAULT_CODEBOOK)
        sep = " . "  # no phrase spans punctuation
        text, parts = long_text(2_000_000, sep)
        expected, offset = [], 0
        for p in parts:
            expected += [(d, s + offset, e + offset, pat) for d, s, e, pat in cb.matches(p)]
            offset += len(p) + len(sep)
        got = [tuple(m) for m in cb.matches(text)]
        print(json.dumps({"n": len(got), "same": got == expected}))
    """, timeout=120)
    assert out["n"] > 10_000
    assert out["same"]
