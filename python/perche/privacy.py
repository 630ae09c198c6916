# SPDX-License-Identifier: Apache-2.0
"""Personal data in Italian comments: find it, mask it (perche/privacy.hpp does the work).

>>> import perche
>>> perche.mask("sono Mario Rossi, cell 347 123 4567")
'sono [NOME], cell [TEL]'
>>> [(s.kind, s.surface) for s in perche.find_pii("scrivete a mario.rossi@example.it")]
[('email', 'mario.rossi@example.it')]

Kinds: codice_fiscale, partita_iva, iban, card (check characters validated: an 11-digit amount is
not a partita IVA), phone, email, plate, address (after via, piazza, corso...), person (a first
name after "mi chiamo", "sono", "l'operatrice", "parlato con", or a name after sig./dott.),
birth_date (after "nato il"). style="pseudonym" with a key gives stable tokens ("[TEL_3f9a2c]",
HMAC-SHA256 of the number under the key): the same number gives the same token across files and
runs, and nobody without the key can compute or reverse it.
"""

from __future__ import annotations

import os
from typing import Iterable, List, NamedTuple, Optional, Sequence, Union

from . import _core
from .survey import DATA

KINDS = tuple(_core.PII_KINDS)


class PiiSpan(NamedTuple):
    """One piece of personal data: text[start:end] == surface (code points of a str, bytes of bytes).
    verified is False for a codice fiscale or IBAN whose check character fails (a likely typo)."""

    start: int
    end: int
    kind: str
    surface: str
    verified: bool


def _data_dir() -> str:
    # The name list installed with the package; else the C++ search (perche/data_files.hpp).
    return os.fsdecode(DATA) if (DATA / "names_it.txt").is_file() else ""


def _kinds(kinds) -> Optional[List[str]]:
    if kinds is None:
        return None
    if isinstance(kinds, str):
        kinds = [kinds]
    out = [str(k) for k in kinds]
    if not out:  # the C++ options read an empty list as every kind: [] masked everything
        raise ValueError("pii kinds is empty (None: every kind; or name some of " + ", ".join(KINDS) + ")")
    for k in out:
        if k not in KINDS:
            raise ValueError(f"pii kind {k!r} is not one of {', '.join(KINDS)}")
    return out


def _key(key) -> Optional[bytes]:
    if key is None:
        return None
    if isinstance(key, str):
        return key.encode("utf-8")
    if isinstance(key, (bytes, bytearray, memoryview)):
        return bytes(key)
    raise TypeError(f"key must be str or bytes, got {type(key).__name__}")


def find_pii(text: Union[str, bytes], kinds: Optional[Iterable[str]] = None) -> List[PiiSpan]:
    """The personal data in `text`, in order, not overlapping (kinds: a subset of KINDS; None: all)."""
    return [PiiSpan(*s) for s in _core._find_pii(text, _kinds(kinds), _data_dir())]


def mask(text: Union[str, bytes], kinds: Optional[Iterable[str]] = None, style: Optional[str] = None,
         key: Union[str, bytes, None] = None) -> Union[str, bytes]:
    """`text` with each span of find_pii replaced by its tag ("[TEL]") or, with style="pseudonym"
    and a key, by a stable token ("[TEL_3f9a2c]"); every other character is kept."""
    return _core._mask(text, _kinds(kinds), style, _key(key), _data_dir())


def find_pii_batch(texts: Sequence[Union[str, bytes]], kinds: Optional[Iterable[str]] = None,
                   threads: Optional[int] = None) -> List[List[PiiSpan]]:
    """find_pii of each text, on `threads` threads (0: all cores), without the GIL."""
    return [[PiiSpan(*s) for s in spans]
            for spans in _core._find_pii_batch(texts, _kinds(kinds), _data_dir(), threads)]


def mask_batch(texts: Sequence[Union[str, bytes]], kinds: Optional[Iterable[str]] = None,
               style: Optional[str] = None,
               key: Union[str, bytes, None] = None, threads: Optional[int] = None) -> List[Union[str, bytes]]:
    """mask of each text, on `threads` threads (0: all cores), without the GIL."""
    return _core._mask_batch(texts, _kinds(kinds), style, _key(key), _data_dir(), threads)
