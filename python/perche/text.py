# SPDX-License-Identifier: Apache-2.0
"""Italian tokenizer and normalizer: the C++ Tokenizer with list results."""

from __future__ import annotations

import textwrap
from typing import Any, Dict, Iterable, List, Optional

from . import _core


class Tokens(List[_core.Token]):
    """The tokens of one text (a list of Token), with `replaced`: how many invalid UTF-8 sequences
    became U+FFFD (always 0 for a str without lone surrogates)."""

    replaced: int = 0

    def __init__(self, tokens: Iterable[_core.Token] = (), replaced: int = 0) -> None:
        super().__init__(tokens)
        self.replaced = replaced


class Tokenizer(_core.Tokenizer):
    """Italian tokenizer and normalizer.

    >>> tok = Tokenizer(stem=False)
    >>> [t.text for t in tok.tokenize("L’assistenza è stata un po' lenta!!!")]
    ['L’', 'assistenza', 'è', 'stata', 'un', "po'", 'lenta', '!!!']
    >>> tok.normalize("L’assistenza è stata un po' lenta!!!")
    ['assistenza', 'stata', "po'", 'lenta']

    Options (keyword only): lowercase, strip_accents, fix_accents, split_elisions,
    squash_elongations, stopwords ("italian", a list, or None to keep every term), stem, negation,
    placeholders, keep_punct, utf8 ("replace" or "strict"). Those left out take perche's C++
    defaults (perche::text::TokenizerOptions):
    {defaults}.
    Offsets are code points of a str (bytes of a bytes input).
    """

    def tokenize(self, text: str | bytes) -> Tokens:  # type: ignore[override]  # a Tokens, not (tokens, replaced)
        tokens, replaced = super().tokenize(text)
        return Tokens(tokens, replaced)

    def segment(self, text: str | bytes) -> Tokens:  # type: ignore[override]  # a Tokens, not (tokens, replaced)
        """The tokens of text with their kinds and offsets and no norms: tokenize()'s first step
        (C++ Tokenizer::segment)."""
        tokens, replaced = super().segment(text)
        return Tokens(tokens, replaced)

    def tokenize_batch(self, texts: Iterable[str | bytes],  # type: ignore[override]  # Tokens as in tokenize
                       threads: Optional[int] = None) -> list[Tokens]:
        """tokenize() of each text, on C++ threads without the GIL (threads=0: all cores; None: the
        C++ default)."""
        batch = super().tokenize_batch(texts) if threads is None else super().tokenize_batch(texts, threads)
        return [Tokens(t, r) for t, r in batch]

    def __repr__(self) -> str:
        o: Dict[str, Any] = self.options
        sw = "None" if o["stopwords"] is None else f"[{len(o['stopwords'])} words]"
        opts = ", ".join(f"{k}={v!r}" for k, v in o.items() if k != "stopwords")
        return f"Tokenizer({opts}, stopwords={sw})"


def _shown(options: Dict[str, Any]) -> str:
    """A Tokenizer's options as the keyword arguments that give them (the stopword list by name)."""
    sw = options["stopwords"]
    named = {**options, "stopwords": "italian" if sw is not None and list(sw) == list(_core.italian_stopwords())
             else sw}
    return ", ".join(f"{k}={v!r}" for k, v in named.items())


Tokenizer.__doc__ = (Tokenizer.__doc__ or "").format(defaults=textwrap.fill(
    _shown(_core.Tokenizer().options), 96, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False))
