# SPDX-License-Identifier: Apache-2.0
"""The default sentiment model's data (examples/data/README.md): the lexicon follows its format,
has one entry per Snowball stem (or a form as written beside it) and no modifier word, and
sentiment.csv is what its generator makes, with the documented labels and class shares."""

import collections
import csv
import subprocess
import sys
from pathlib import Path

import pytest
import snowballstemmer

DATA = Path(__file__).resolve().parents[2] / "examples" / "data"
LEXICON = DATA / "sentiment_it.tsv"

# Handled by the classifier's rules, so never lexicon entries (issue #18).
MODIFIERS = ["non", "mai", "niente", "nulla", "nessuno", "nessuna", "nessun", "né", "senza", "nemmeno",
             "neanche", "neppure", "per niente", "per nulla", "molto", "tanto", "davvero", "veramente",
             "proprio", "assolutamente", "estremamente", "super", "decisamente", "particolarmente",
             "totalmente", "completamente", "così", "troppo", "incredibilmente", "un po'", "abbastanza",
             "piuttosto", "leggermente", "quasi", "poco", "ma", "però", "tuttavia", "invece", "comunque"]
STEM = snowballstemmer.stemmer("italian")


def entries(path):
    """[(line number, term, polarity)]; raises on the first malformed line."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        assert len(parts) == 2, f"{path.name}:{n}: expected term<TAB>polarity, got {line!r}"
        term, pol = parts
        out.append((n, term, float(pol)))
    return out


def key(term):
    return " ".join(STEM.stemWord(w) for w in term.split(" "))


def test_every_lexicon_line_is_a_lowercase_term_and_a_polarity_in_range():
    rows = entries(LEXICON)
    assert 1500 <= len(rows) <= 3500
    stems = collections.Counter(key(term) for _, term, _ in rows if " " not in term)
    for n, term, pol in rows:
        assert -3 <= pol <= 3, f"line {n}: polarity {pol} of {term!r} is outside [-3, 3]"
        assert pol != 0 or " " in term or stems[key(term)] > 1, (
            f"line {n}: {term!r} has polarity 0, which only a phrase or a word sharing its stem with another "
            "entry may have")
        assert pol * 2 == int(pol * 2), f"line {n}: polarity {pol} of {term!r} is not a multiple of 0.5"
        assert term == term.strip() and "  " not in term and term == term.lower(), f"line {n}: {term!r}"
        assert 1 <= len(term.split(" ")) <= 4, f"line {n}: {term!r} has more than 4 words"


def test_the_lexicon_has_one_entry_per_stem_and_no_modifier_word():
    # A later single word with an earlier one's stem is that form as written ("cancello" beside
    # "cancellato"): it must be a word of at most 48 bytes, and no two entries may be the same.
    seen, terms = {}, {}
    modifier_keys = {key(m) for m in MODIFIERS}
    for n, term, _ in entries(LEXICON):
        k = key(term)
        assert term not in terms, f"line {n}: {term!r} is line {terms.get(term)} again"
        terms[term] = n
        if k in seen:
            assert " " not in term, f"line {n}: the phrase {term!r} has the same stems as line {seen[k]}"
            assert len(term.encode()) <= 48, f"line {n}: the form {term!r} is longer than 48 bytes"
        seen.setdefault(k, n)
        assert k not in modifier_keys, f"line {n}: {term!r} is a modifier word, handled by the rules"


def test_the_lexicon_knows_the_words_the_rules_rely_on():
    pol = {term: p for _, term, p in entries(LEXICON)}
    # positive events, so that "non funziona" / "non hanno risolto" become complaints
    for term in ["funziona", "risolto", "richiamato", "aiutato"]:
        assert 0 < pol[term] <= 1.5, term
    # fixed idioms that start with a negator keep their own sign
    assert pol["non vedo l'ora"] > 0 and pol["nulla da eccepire"] > 0 and pol["mai più"] < 0
    assert pol["😍"] > 0 and pol["😡"] < 0
    assert sum(1 for t in pol if not any(c.isalpha() for c in t)) >= 50  # emoji


def test_the_calibration_set_is_what_its_generator_makes(tmp_path):
    out = tmp_path / "sentiment.csv"
    subprocess.run([sys.executable, str(DATA / "make_sentiment.py"), "--out", str(out)], check=True)
    assert out.read_bytes() == (DATA / "sentiment.csv").read_bytes()


def test_the_calibration_set_has_the_documented_labels_and_shares():
    with open(DATA / "sentiment.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3000 and list(rows[0]) == ["text", "label"]
    assert len({r["text"] for r in rows}) == len(rows)
    shares = collections.Counter(r["label"] for r in rows)
    assert set(shares) == {"positive", "negative", "neutral", "mixed"}
    for label, expected in [("positive", 0.35), ("negative", 0.35), ("neutral", 0.15), ("mixed", 0.15)]:
        assert shares[label] / len(rows) == pytest.approx(expected, abs=0.02), label
