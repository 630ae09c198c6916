# SPDX-License-Identifier: Apache-2.0
"""Italian tokenizer and normalizer: the C++ Tokenizer with list results."""

from __future__ import annotations

from . import _core


class Tokens(list):
    """The tokens of one text (a list of Token), with `replaced`: how many invalid UTF-8 sequences
    became U+FFFD (always 0 for a str without lone surrogates)."""

    replaced: int = 0

    def __init__(self, tokens=(), replaced: int = 0):
        super().__init__(tokens)
        self.replaced = replaced


class Tokenizer(_core.Tokenizer):
    """Italian tokenizer and normalizer.

    >>> tok = Tokenizer(stem=False)
    >>> [t.text for t in tok.tokenize("L’assistenza è stata un po' lenta!!!")]
    ['L’', 'assistenza', 'è', 'stata', 'un', "po'", 'lenta', '!!!']
    >>> tok.normalize("L’assistenza è stata un po' lenta!!!")
    ['assistenza', 'stata', "po'", 'lenta']

    Options (keyword only): lowercase=True, strip_accents=False, fix_accents=True,
    split_elisions=True, squash_elongations=True, stopwords="italian" (a list, or None to keep
    every term), stem=False, negation=False, placeholders=False, keep_punct=False,
    utf8="replace" (or "strict"). Offsets are code points of a str (bytes of a bytes input).
    """

    def tokenize(self, text) -> Tokens:
        tokens, replaced = super().tokenize(text)
        return Tokens(tokens, replaced)

    def tokenize_batch(self, texts, threads: int = 0) -> list[Tokens]:
        """tokenize() of each text, on C++ threads without the GIL (threads=0: all cores)."""
        return [Tokens(t, r) for t, r in super().tokenize_batch(texts, threads)]

    def __repr__(self) -> str:
        o = self.options
        sw = "None" if o["stopwords"] is None else f"[{len(o['stopwords'])} words]"
        opts = ", ".join(f"{k}={v!r}" for k, v in o.items() if k != "stopwords")
        return f"Tokenizer({opts}, stopwords={sw})"
