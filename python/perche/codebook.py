# SPDX-License-Identifier: Apache-2.0
"""perche.Codebook: drivers defined by keyword, stem and phrase patterns (see perche/codebook.hpp
for the file format and examples/data/codebook.txt for the shipped one)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Optional, Tuple, Union

import numpy as np
import numpy.typing as npt

from . import _core

DEFAULT_CODEBOOK = Path(__file__).with_name("data") / "codebook.txt"


class Codebook(_core.Codebook):
    """Codebook(text): parse a codebook (ValueError naming the line when it is malformed).
    Codebook.load(path), Codebook.default() (the shipped ten-driver Italian codebook).
    .drivers, .labels, .predict(texts) -> ndarray (n, k) of 0/1, .matches(text) -> [(driver, start,
    end, pattern)] with code-point offsets."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._text = text

    @classmethod
    def load(cls, path: Union[str, bytes, os.PathLike[str], os.PathLike[bytes]],  # type: ignore[override]
             max_bytes: int = _core.Codebook.MAX_CODEBOOK_BYTES) -> "Codebook":  # path, not str
        """A codebook file (UTF-8). IoError (an OSError) when it cannot be read, is not a regular file
        or is larger than max_bytes (64 MiB by default): read through the library's bounded reader."""
        # bytes: any file name (pybind11's std::string takes bytes too; its signature says str)
        raw = _core._read_file(os.fsencode(path), "codebook", max_bytes)  # type: ignore[arg-type]
        shown = os.fsdecode(path).encode("utf-8", "backslashreplace").decode("utf-8")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw.count(b"\n", 0, e.start) + 1
            raise _core.FormatError(f"codebook {shown}: line {line}: byte {e.start} is not UTF-8 "
                                    "(a codebook is UTF-8 text)") from None
        try:
            return cls(text)
        except ValueError as e:
            raise type(e)(f"codebook {shown}: {e}") from None

    @classmethod
    def default(cls) -> "Codebook":
        return cls.load(DEFAULT_CODEBOOK)

    def predict(self, texts: Iterable[Union[str, bytes]],  # type: ignore[override]  # threads None: the C++ default
                threads: Optional[int] = None) -> npt.NDArray[np.uint8]:
        """(n, k) of 0/1, on C++ threads (threads=0: all cores; None: the C++ default)."""
        if isinstance(texts, str):
            raise TypeError("Codebook.predict: texts is a str; pass a list of texts (or use matches(text))")
        texts = list(texts)
        out = super().predict(texts) if threads is None else super().predict(texts, threads)
        return np.asarray(out, dtype=np.uint8)

    def __reduce__(self) -> Tuple[Any, Tuple[str]]:
        return (Codebook, (self._text,))

    def __repr__(self) -> str:
        # A Codebook whose text failed to parse is still seen by tracebacks and debuggers (the
        # locals of __init__); pybind11 gives its methods uninitialised memory (repr was a
        # SIGSEGV under pytest), so only a constructed one, which has _text, is read.
        if "_text" not in self.__dict__:
            return "Codebook(<not constructed>)"
        return f"Codebook({list(self.drivers)!r})"
