# SPDX-License-Identifier: Apache-2.0
"""Theme discovery in unlabelled Italian comments (perche/discover.hpp does the work).

>>> import perche
>>> texts = ["personale gentile", "colazione abbondante", "personale scortese", "colazione varia"] * 10
>>> themes = perche.discover(texts, n_themes=2)
>>> sorted(themes.names)
['colazione', 'personale']
>>> themes.assign(["il personale era gentile"]).tolist()[0] in ([1, 0], [0, 1])
True

Seeds anchor themes to the analyst's names: seeds={"staff": ["personale", "reception"]} or the
path of a file of `name: word word ...` lines. A seed word also anchors its other forms
(gentile: gentili; camera: camere; not a form of another seed's words). The forms of a word are
one word to the discovery. The result is the same for any order of the comments and any number of
threads.
"""

from __future__ import annotations

import math
import numbers
import os
from typing import Dict, Iterable, Optional, Sequence, Union

from . import _core
from .classify import _documents
from .metrics import _flag, _missing

Themes = _core.Themes
Theme = _core.Theme
ThemeSeed = _core.ThemeSeed
DiscoverOptions = _core.DiscoverOptions


def _seeds(seeds) -> list:
    if seeds is None:
        return []
    if isinstance(seeds, (str, bytes, os.PathLike)):
        return _core.load_seeds(os.fsdecode(seeds))
    if isinstance(seeds, dict):
        out = []
        for name, words in seeds.items():
            if isinstance(words, str):
                words = words.split()
            out.append(_core.ThemeSeed(str(name), [str(w) for w in words]))
        return out
    raise TypeError(f"seeds: expected a dict of name -> words or a file path, got {type(seeds).__name__}")


def _scores(scores, n: int) -> list:
    if scores is None:
        return []
    out = []
    for i, x in enumerate(scores):
        if _missing(x):  # None, NaN and pd.NA (a nullable Int64 column's gap): no score
            out.append(math.nan)
            continue
        try:
            out.append(float(x))
        except (TypeError, ValueError):
            raise ValueError(f"discover: score {x!r} at index {i} is not a number") from None
    return out


def discover(texts: Iterable, scores: Optional[Sequence] = None, n_themes: Optional[int] = None,
             seeds: Union[None, Dict[str, Sequence[str]], str, os.PathLike] = None,
             threads: Optional[int] = None, mask: Optional[bool] = None) -> Themes:
    """Themes of unlabelled comments (perche::discover). texts: str (or bytes) each; scores: one
    number per text (None or NaN for no score), NPS for integers 0-10, else the mean; n_themes:
    a number, or None/"auto" for the method's choice; seeds: {name: [words]} or a seeds file.
    mask: None or True (DiscoverOptions' default), personal data (phones, e-mails, names...) stays
    out of the themes' words and is masked in their examples, as `perche analyze` quotes comments;
    False reads and quotes them as written.
    Returns Themes: .themes, .names, .unassigned_share, .assign(texts), .primary(texts),
    .to_codebook(path). Raises ValueError on no texts or no words to learn from."""
    texts = list(_documents(texts, "discover", "texts"))  # one str was read as one text per character
    options = _core.DiscoverOptions()
    if n_themes is not None and n_themes != "auto":
        if isinstance(n_themes, bool) or not isinstance(n_themes, numbers.Integral) or n_themes < 1:
            raise ValueError(f"discover: n_themes {n_themes!r} is not a positive integer or 'auto'")
        if n_themes > _core.DiscoverOptions.MAX_THEMES:  # as perche::discover says it, for any int
            raise ValueError(f"discover: n_themes {n_themes} is more than {_core.DiscoverOptions.MAX_THEMES} themes "
                             "(a list a person reads)")
        options.n_themes = int(n_themes)
    if threads is not None:
        if isinstance(threads, bool) or not isinstance(threads, int) or not 0 <= threads < 2 ** 32:
            raise ValueError(f"discover: threads {threads!r} is not a count of threads (0: every core)")
        options.threads = threads
    if mask is not None:
        options.mask = _flag(mask, "discover: mask")
    return _core.discover(texts, _scores(scores, len(texts)), _seeds(seeds), options)
