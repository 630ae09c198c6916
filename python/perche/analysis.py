# SPDX-License-Identifier: Apache-2.0
"""perche.analyze: from a survey export to the drivers that move the score.

    result = perche.analyze("export.csv", score="nps", text="motivo", date="data", by=["canale"])
    result.drivers        # pandas DataFrame: mentions, share, score, impact with CI, odds ratios, quadrant
    result.to_html("report.html"); result.to_json()

The figures come from the C++ core (perche/drivers.hpp and perche/metrics.hpp); this module reads
the data, classifies the comments and assembles one JSON-able dict, whose layout
python/perche/report.py documents and renders.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import json
import math
import numbers
import os
import re
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any, NamedTuple, Optional, Sequence

import numpy as np

from . import _core
from . import metrics as m

DATA = Path(__file__).with_name("data")
SAMPLE = DATA / "survey.csv"
DEFAULT_MODEL = DATA / "drivers.model"
DEFAULT_CODEBOOK = DATA / "codebook.txt"

_SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
_TEXT = ("motivo", "testo", "commento", "text", "comment", "verbatim")
_DATE = ("data", "date")
_BY = ("canale", "segmento", "fase", "channel", "segment", "stage")
_MAX_PROBLEMS = 100

# Display names of the default taxonomy (the shipped model and codebook), Italian and English.
TAXONOMY = {
    "tempi_attesa": ("Tempi di attesa", "Waiting times"),
    "cortesia": ("Cortesia ed empatia", "Courtesy and empathy"),
    "competenza": ("Competenza e risoluzione", "Competence and resolution"),
    "chiarezza": ("Chiarezza delle informazioni", "Clarity of information"),
    "prezzo": ("Prezzo e costi", "Price and costs"),
    "fatturazione": ("Fatturazione e pagamenti", "Billing and payments"),
    "qualita": ("Qualità del prodotto/servizio", "Product/service quality"),
    "app_sito": ("App e sito", "App and website"),
    "consegna": ("Consegna", "Delivery"),
    "credito": ("Gestione del credito e solleciti", "Credit management and reminders"),
}


class AnalysisError(ValueError):
    """Input that cannot be analysed: a missing column, an unreadable file, no valid rows."""


class _Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, enabled: Optional[bool] = None):
        self.on = sys.stderr.isatty() if enabled is None else enabled

    def __call__(self, fraction: float, what: str) -> None:
        if self.on:
            done = int(30 * fraction)
            sys.stderr.write(f"\r[{'#' * done}{'.' * (30 - done)}] {100 * fraction:3.0f}% {what:<24}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.on:
            sys.stderr.write("\r" + " " * 64 + "\r")
            sys.stderr.flush()


# --- output --------------------------------------------------------------------------------------


def _umask() -> int:
    """The process umask, read without changing it (os.umask() sets it, racing other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def _write_error(shown: str, e: BaseException) -> OSError:
    reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
    err = OSError(f"cannot write {shown}: {reason}")
    err.errno = getattr(e, "errno", None)
    return err


def _target(path) -> tuple:
    """(path as given, the file to replace, its stat or None) of an output; a directory is an error."""
    shown = os.fspath(path)
    target = os.path.realpath(shown)  # a symbolic link: replace the file it points to, keep the link
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise _write_error(shown, e) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise _write_error(shown, OSError(errno.EISDIR, "it is a directory")) from None
    return shown, target, st


def _temporary(shown: str, target: str) -> tuple:
    """(fd, path) of a new temporary file beside target, or the one-line OSError naming `shown`."""
    directory = os.path.dirname(target)
    try:
        return tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    except OSError as e:
        err = _write_error(shown, e)
        err.args = (f"{err.args[0]} (a temporary file in {directory} is written first, then renamed)",)
        raise err from None


def check_writable(path) -> None:
    """Raises the OSError atomic_write(path) would raise for where it writes (a missing or read-only
    directory, a directory as target), by creating and removing a temporary file beside `path`;
    for a command to fail before hours of work rather than after."""
    shown, target, st = _target(path)
    if st is not None and not stat.S_ISREG(st.st_mode):
        return  # written in place (/dev/null, a FIFO)
    fd, tmp = _temporary(shown, target)
    os.close(fd)
    os.unlink(tmp)


@contextlib.contextmanager
def atomic_write(path, mode: str = "w", *, encoding: Optional[str] = "utf-8", newline: Optional[str] = None):
    """A file object that writes `path` all at once, for every file perche writes (JSON, HTML, CSV,
    models).

    The bytes go to a temporary file beside `path` (same directory, so the rename cannot cross file
    systems), which is flushed to disk and renamed over `path` only when the `with` block ends
    without error. On any failure (disk full, file size limit, an exception in the block) the
    temporary file is removed and `path` is left as it was: never a truncated file. Errors are one
    OSError line naming `path`: "cannot write PATH: reason"; a directory is refused before the block
    runs. The new file keeps the mode of the file it replaces (a new one: 0666 less the umask). A
    symbolic link is followed (the file it points to is replaced, the link stays); a path that is
    not a regular file (/dev/null, a FIFO, a terminal) is written in place, as there is nothing to
    replace. Yields the open file; its .name is the temporary path, for writers that take a path
    (they may replace that file too).
    """
    shown, target, st = _target(path)
    text_args = {} if "b" in mode else {"encoding": encoding, "newline": newline}
    if st is not None and not stat.S_ISREG(st.st_mode):
        try:
            with open(target, mode, **text_args) as f:
                yield f
        except OSError as e:
            raise _write_error(shown, e) from None
        return
    fd, tmp = _temporary(shown, target)
    try:
        os.close(fd)
        with open(tmp, mode, **text_args) as f:  # by name: f.name is the temporary path
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise _write_error(shown, e) from None
        raise


# --- input ---------------------------------------------------------------------------------------


def _fold(name: Any) -> str:
    return str(name).strip().casefold()


class _Frame:
    """The input's columns by position (names as written, duplicates kept), each a numpy array made
    on first use, with the source line (CSV) or index (DataFrame) of each row."""

    def __init__(self, names: list, get, rows: np.ndarray, where: str, source: dict):
        self.names = list(names)
        self._get = get  # position -> sequence of the column's values
        self._cache: dict = {}
        self.rows = rows
        self.where = where  # "line" or "row"
        self.source = source

    def column(self, i: int) -> np.ndarray:
        if i not in self._cache:
            v = self._get(i)
            self._cache[i] = v if isinstance(v, np.ndarray) else np.asarray(v, dtype=object)
        return self._cache[i]

    def find(self, name: Any, candidates: Sequence[str] = (), what: str = "column",
             arg: Optional[str] = None) -> Optional[int]:
        """Position of the column `name`, else of the first of `candidates` present, else None.

        One rule for CSV files and DataFrames: names match ignoring case and surrounding spaces.
        When several columns match (`NPS` and `nps`, or the same name twice), a name given
        explicitly picks the one column written exactly as given; if there is none or more than
        one, and always for a default (`candidates`), it is an error listing the columns, never
        a silent choice of the first or the last."""
        hint = f"; say which one with {arg}= (--{arg.replace('_', '-')})" if arg else ""
        if name is not None:
            hits = [i for i, n in enumerate(self.names) if _fold(n) == _fold(name)]
            if not hits:
                raise AnalysisError(f"{what} {name!r} not found; columns are: {', '.join(map(str, self.names))}")
            if len(hits) > 1:
                exact = [i for i in hits if str(self.names[i]) == str(name)]
                if len(exact) == 1:
                    return exact[0]
                advice = "rename one of them" if exact else "name it exactly as written, or rename one of them"
                raise AnalysisError(f"{what} {name!r} is ambiguous: {self._describe(hits)} match it (case and "
                                    f"surrounding spaces ignored); {advice}")
            return hits[0]
        for c in candidates:
            hits = [i for i, n in enumerate(self.names) if _fold(n) == _fold(c)]
            if len(hits) > 1:
                raise AnalysisError(f"several columns could be the {what} {c!r}: {self._describe(hits)} (case and "
                                    f"surrounding spaces ignored){hint}")
            if hits:
                return hits[0]
        return None

    def _describe(self, positions: list) -> str:
        return ", ".join(f"column {i + 1} {str(self.names[i])!r}" for i in positions)


def read_csv(source, delimiter: Optional[str] = None, encoding: Optional[str] = None):
    """A CSV export as a perche.CsvTable: `,` `;` or tab detected, UTF-8 (BOM or not), UTF-16 with
    BOM or Windows-1252 detected, RFC 4180 quoting. Records with the wrong number of fields are not
    rows: table.problems lists them as (line, message). source: a path or bytes."""
    d = "\0" if delimiter is None else delimiter
    if len(d) != 1:
        raise ValueError(f"read_csv: delimiter {delimiter!r} is not one character")
    e = encoding or ""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _core.read_csv_bytes(bytes(source), d, e)
    return _core.read_csv_file(os.fsencode(source), d, e)  # bytes: any file name, UTF-8 or not


def _skips_record(message: str) -> bool:
    """A CSV problem that stands for a record left out (the others are notes: encoding, duplicate
    names)."""
    return "skipped" in message


def _first_problems(problems: list, limit: int = 3) -> str:
    """The first problems as one line: "line 2: expected 5 fields, found 1; record skipped | …"."""
    def one(p: dict) -> str:
        where = p.get("where", "line")
        return p["message"] if where == "line" and p["at"] == 0 else f"{where} {p['at']}: {p['message']}"

    shown = " | ".join(one(p) for p in problems[:limit])
    more = f" (and {len(problems) - limit} more)" if len(problems) > limit else ""
    return shown + more


def _load(data: Any, progress: _Progress) -> _Frame:
    """The input as a _Frame. A CSV path is read by the C++ reader (perche/csv.hpp), the one reader
    of every command; an input with no header, or with no record that is a row, is an error
    that shows the first problems."""
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return _Frame(list(data.columns), lambda i: data.iloc[:, i].to_numpy(), np.asarray(data.index), "row",
                      {"file": None, "rows": len(data), "encoding": None, "delimiter": None})
    path = SAMPLE if data is None else Path(os.fspath(data))
    progress(0.0, "reading")
    try:
        table = read_csv(path)
    except OSError as e:
        raise AnalysisError(str(e)) from None
    problems = [{"line": int(line), "message": msg} for line, msg in table.problems]
    listed = [{"at": p["line"], "message": p["message"]} for p in problems]
    if not table.header:
        if not problems or any(p["line"] == 0 and "empty" in p["message"] for p in problems):
            raise AnalysisError(f"{path} is empty")
        raise AnalysisError(f"{path}: no header could be read: {_first_problems(listed)}")
    bad = sum(1 for p in problems if p["line"] > 0 and _skips_record(p["message"]))
    if len(table) == 0:
        skipped = [p for p in listed if p["at"] > 0 and _skips_record(p["message"])]
        if not skipped:
            raise AnalysisError(f"{path} is empty: it has a header and no rows")
        raise AnalysisError(f"{path}: no record could be read as a row: {_first_problems(skipped)}")
    return _Frame(list(table.header), table.column, np.asarray(table.lines, dtype=np.int64), "line",
                  {"file": str(path), "rows": len(table) + bad, "encoding": table.encoding,
                   "delimiter": table.delimiter, "problems": problems, "bad_records": bad, "replaced": table.replaced})


# --- row rules: which rows count (one place, shared by perche.analyze and `perche report`) ---------

# A score is an integer written in ASCII digits, optionally with a zero decimal part after a point
# or a decimal comma (Excel writes 9 as "9,0" or "9.00"). Nothing else: no sign, no exponent
# ("1e1"), no hexadecimal, no other script's digits ("١٠", which float() accepts), no thousands
# separators; those are problems naming their row, not guesses.
_SCORE = re.compile(r"([0-9]+)(?:[.,]0+)?", re.ASCII)

# A date is ISO YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY (day first, as in Italy), or a day, an Italian
# month name or its abbreviation, and a year ("3 marzo 2024", "3 mar 2024"); each may be followed
# by a time of day (and a UTC offset), which is ignored: the date is the one written, in the data's
# own zone. Anything else ("20240201", "2024/02/01", "02-01-24") is a problem naming its row.
_TIME = r"(?:[ T](?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]+)?)?(?: ?(?:Z|[+-][0-9]{2}:?[0-9]{2}))?)?"
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})" + _TIME, re.ASCII)
_DMY_DATE = re.compile(r"([0-9]{1,2})([/-])([0-9]{1,2})\2([0-9]{4})" + _TIME, re.ASCII)
_NAMED_DATE = re.compile(r"([0-9]{1,2}) ([a-z]+)\.? ([0-9]{4})" + _TIME, re.ASCII | re.IGNORECASE)
_MONTHS = {name: i + 1 for i, names in enumerate([
    ("gennaio", "gen"), ("febbraio", "feb"), ("marzo", "mar"), ("aprile", "apr"), ("maggio", "mag"),
    ("giugno", "giu"), ("luglio", "lug"), ("agosto", "ago"), ("settembre", "set", "sett"), ("ottobre", "ott"),
    ("novembre", "nov"), ("dicembre", "dic")]) for name in names}
_DATE_FORMS = "YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or '3 marzo 2024'"


def _missing(v: Any) -> bool:
    """An empty cell: blank text, None, NaN, pandas' NA or NaT."""
    import pandas as pd

    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v) or \
        (isinstance(v, str) and not v.strip())


def _score_value(v: Any) -> Optional[int]:
    """The integer a cell holds under the score rule above, or None."""
    if isinstance(v, str):
        hit = _SCORE.fullmatch(v.strip())
        return int(hit.group(1)) if hit and len(hit.group(1)) <= 18 else None  # int() refuses 4301 digits
    if isinstance(v, (bool, np.bool_)):
        return None
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real):
        f = float(v)
        return int(f) if math.isfinite(f) and f == int(f) else None
    return None


def _date_value(v: Any) -> Optional[datetime.date]:
    """The date a cell holds under the date rule above, or None."""
    if isinstance(v, str):
        s = v.strip()
        try:
            if hit := _ISO_DATE.fullmatch(s):
                return datetime.date(int(hit.group(1)), int(hit.group(2)), int(hit.group(3)))
            if hit := _DMY_DATE.fullmatch(s):
                return datetime.date(int(hit.group(4)), int(hit.group(3)), int(hit.group(1)))
            if (hit := _NAMED_DATE.fullmatch(s)) and hit.group(2).lower() in _MONTHS:
                return datetime.date(int(hit.group(3)), _MONTHS[hit.group(2).lower()], int(hit.group(1)))
        except ValueError:  # 31/02/2024
            return None
        return None
    if isinstance(v, datetime.datetime):  # pandas Timestamp too: the wall date in its own zone
        return None if v != v else v.date()
    if isinstance(v, datetime.date):
        return v
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else v.astype("datetime64[D]").item()
    return None


def _each(raw: np.ndarray, parse, empty) -> np.ndarray:
    """parse(x) of every cell as an array; a column of text (a CSV's always) is parsed once per
    distinct value (a million scores hold a dozen), other columns cell by cell (pandas would take
    True for 1). parse returns None for an invalid cell, which becomes `empty`."""
    import pandas as pd

    if pd.api.types.infer_dtype(raw, skipna=False) == "string":
        codes, uniques = pd.factorize(raw)
        return np.asarray([empty if v is None else v for v in map(parse, uniques)] + [empty])[codes]
    return np.asarray([empty if v is None else v for v in map(parse, raw)] + [empty])[:-1]


def _scores(frame: _Frame, col: int, lo: int, hi: int, problems: Optional[list] = None) -> tuple:
    """The scores (float, NaN where invalid) and the mask of rows with a valid one; each other row
    is a problem (row, message) appended to `problems`."""
    raw = frame.column(col)
    if raw.dtype.kind in "iuf":
        v = raw.astype(float)
        v[~(np.isfinite(v) & (v == np.round(v)))] = np.nan
    else:
        v = _each(raw, _score_value, np.nan).astype(float)
    ok = np.isfinite(v) & (v >= lo) & (v <= hi)
    if problems is not None:
        name = frame.names[col]
        for i in np.flatnonzero(~ok):
            x = raw[i]
            problems.append((frame.rows[i], f"{name} is empty; row left out" if _missing(x) else
                             f"{name} {str(x).strip()!r} is not an integer in [{lo}, {hi}]; row left out"))
    return v, ok


def _dates(frame: _Frame, col: int, keep: np.ndarray, problems: list) -> np.ndarray:
    """The dates (datetime64[D], NaT where invalid) of the rows `keep`; each invalid one is a problem."""
    raw = frame.column(col)[keep]
    if raw.dtype.kind == "M":
        d = raw.astype("datetime64[D]")
    else:
        def parse(x):
            day = _date_value(x)
            return None if day is None else np.datetime64(day, "D")

        d = _each(raw, parse, np.datetime64("NaT", "D")).astype("datetime64[D]")
    name = frame.names[col]
    for i in np.flatnonzero(np.isnat(d)):
        x = raw[i]
        problems.append((frame.rows[keep[i]], f"{name} is empty; row left out of the trend" if _missing(x) else
                         f"{name} {str(x).strip()!r} is not a date ({_DATE_FORMS}); row left out of the trend"))
    return d


class _Rows(NamedTuple):
    keep: np.ndarray  # positions of the rows used (a valid score)
    scores: np.ndarray  # int32, one per kept row
    dates: Optional[np.ndarray]  # datetime64[D] per kept row (NaT: left out of the trend), or None
    problems: list  # (line or index, message) of every row left out of something
    bad: int  # rows left out for their score


def _select(frame: _Frame, score_col: int, metric: str, date_col: Optional[int]) -> _Rows:
    """The rows that count: a valid score; a valid date for the trend. The one place of these rules
    for perche.analyze and `perche report`."""
    lo, hi = _SCALES[metric]
    problems: list = []
    v, ok = _scores(frame, score_col, lo, hi, problems)
    keep = np.flatnonzero(ok)
    if len(keep) == 0:
        csv = [{"at": p["line"], "message": p["message"]} for p in frame.source.get("problems", [])
               if p["line"] > 0 and _skips_record(p["message"])]
        rows = [{"at": _plain(r), "where": frame.where, "message": msg} for r, msg in problems]
        first = sorted(csv + rows, key=lambda p: p["at"]) if frame.where == "line" else csv + rows
        raise AnalysisError(f"no row has a valid {frame.names[score_col]} (an integer in [{lo}, {hi}])"
                            + (f": {_first_problems(first)}" if first else ""))
    dates = None if date_col is None else _dates(frame, date_col, keep, problems)
    return _Rows(keep, v[keep].astype(np.int32), dates, problems, int((~ok).sum()))


def _source(frame: _Frame, rows: _Rows) -> dict:
    """result["source"]: the input, how many rows were used, and every problem (the first 100)."""
    problems = sorted(rows.problems, key=lambda p: (str(type(p[0])), p[0]))
    src = dict(frame.source)
    listed = src.pop("problems", []) + [{frame.where: _plain(r), "message": msg} for r, msg in problems]
    bad_rows = src.pop("bad_records", 0) + rows.bad
    src.update(rows=int(src["rows"]), rows_used=int(len(rows.keep)), bad_rows=bad_rows,
               problems=listed[:_MAX_PROBLEMS], problems_total=len(listed))
    return src


def _score_column(frame: _Frame, score: Any, metric: str) -> int:
    i = frame.find(score, (metric,), "score column", "score")
    if i is None:
        raise AnalysisError(f"no {metric!r} column; name the score column with score= (--score); "
                            f"columns are: {', '.join(map(str, frame.names))}")
    return i


def _by_columns(frame: _Frame, by: Any) -> list:
    """Positions of the segment columns: those named, or those of _BY present."""
    if by is None:
        return [c for c in (frame.find(None, (b,), "segment column", "by") for b in _BY) if c is not None]
    return [frame.find(b, (), "by column", "by") for b in ([by] if isinstance(by, str) else list(by))]


def _segment_values(frame: _Frame, col: int, keep: np.ndarray) -> np.ndarray:
    """The segment of each kept row as text; an empty cell is the segment "(vuoto)"."""
    return np.asarray(["(vuoto)" if _missing(v) else str(v).strip() for v in frame.column(col)[keep]], dtype=object)


# --- the model -----------------------------------------------------------------------------------


def _labeller(model: Any, codebook: Any, labels_col: Optional[str]):
    """(kind, path, object) of what labels the comments."""
    from .classify import DriverClassifier

    if labels_col is not None:
        return "labels", None, None
    if codebook is not None:
        from . import Codebook

        if isinstance(codebook, Codebook):
            return "codebook", None, codebook
        if codebook is True or codebook == "default":
            return "codebook", str(DEFAULT_CODEBOOK), Codebook.default()
        try:
            return "codebook", os.fspath(codebook), Codebook.load(codebook)
        except OSError as e:
            raise AnalysisError(str(e)) from None  # IoError names the codebook and the reason
    if model is None:
        if not DEFAULT_MODEL.exists():
            raise AnalysisError(f"the default driver model {DEFAULT_MODEL} is missing; reinstall perche or pass model=")
        return "default", str(DEFAULT_MODEL), DriverClassifier.load(DEFAULT_MODEL)
    if isinstance(model, DriverClassifier) or isinstance(model, _core.DriverClassifier):
        return "file", None, model
    try:
        return "file", os.fspath(model), DriverClassifier.load(os.fspath(model))
    except OSError as e:
        raise AnalysisError(str(e)) from None  # IoError names the model and the reason


def split_labels(values, drivers: Optional[list] = None, what: str = "labels") -> tuple:
    """Driver names per row from strings like "prezzo|consegna" (separators | ; ,) → (names, n × k uint8)."""
    rows = []
    for v in values:
        s = "" if v is None or (isinstance(v, float) and v != v) else str(v)
        # A lone surrogate (not encodable) becomes U+FFFD, as in every text (the UTF-8 policy).
        s = s.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        for sep in (";", ","):
            s = s.replace(sep, "|")
        rows.append([p.strip() for p in s.split("|") if p.strip()])
    from .classify import label_matrix

    names = list(drivers) if drivers else sorted({d for r in rows for d in r})
    return names, label_matrix(rows, names, what, AnalysisError)


def _classify(kind: str, obj: Any, texts: list, progress: _Progress, labels=None):
    """(drivers, probabilities n × k, mentions n × k) for the comments."""
    if kind == "labels":
        names, Y = split_labels(labels, what="labels column")
        return names, Y.astype(float), Y
    if kind == "codebook":
        names = list(obj.drivers)
        Y = np.asarray(obj.predict(texts), dtype=np.uint8).reshape(len(texts), len(names))
        return names, Y.astype(float), Y
    names = list(obj.drivers)
    chunk = 100_000
    P = np.empty((len(texts), len(names)))
    for a in range(0, len(texts), chunk):
        progress(0.1 + 0.7 * a / max(1, len(texts)), "classifying")
        P[a:a + chunk] = obj.predict_proba(texts[a:a + chunk])
    Y = (P >= np.asarray(obj.thresholds)[None, :]).astype(np.uint8)
    return names, P, Y


def _highlights(kind: str, obj: Any, text: str, driver: str, seen: dict) -> list:
    """The spans that made `driver` fire in `text`. seen caches the explanation (or the codebook
    matches) of each text: a comment quoted under several drivers is explained once."""
    if kind == "labels":
        return []
    if text not in seen:
        seen[text] = obj.matches(text) if kind == "codebook" else obj.explain(text)
    if kind == "codebook":
        return [{"start": int(s), "end": int(e), "term": p, "weight": 1.0}
                for d, s, e, p in seen[text] if d == driver]
    out = []
    for e in seen[text]:
        if e["driver"] != driver:
            continue
        for t in e["terms"]:
            if t["weight"] > 0:
                out.extend({"start": int(s), "end": int(f), "term": t["term"], "weight": float(t["weight"])}
                           for s, f in t["spans"])
    return sorted(out, key=lambda h: (h["start"], h["end"]))


# --- the analysis --------------------------------------------------------------------------------


def _finite(v: Any) -> Any:
    """JSON (RFC 8259) has no NaN or Infinity: non-finite floats become None; numpy scalars plain."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {str(k): _finite(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_finite(x) for x in v]
    return v


def _or(o, prefix: str) -> dict:
    if o is None:
        return {prefix: None, prefix + "_ci_low": None, prefix + "_ci_high": None, "p_" + prefix[3:]: None}
    return {prefix: o.odds_ratio, prefix + "_ci_low": o.ci_low, prefix + "_ci_high": o.ci_high,
            "p_" + prefix[3:]: o.p_value}


def _overall(metric: str, scores: np.ndarray, confidence: float) -> Optional[dict]:
    fn = {"nps": m.nps, "csat": m.csat, "ces": m.ces}[metric]
    r = fn(scores, confidence=confidence)
    if r is None:
        return None
    # center: where the interval is centred; an adjusted-Wald score can lie outside it (one 10: +100, CI [−48.5, 98.5])
    d = {"score": r.score, "se": r.se, "ci_low": r.ci_low, "ci_high": r.ci_high, "center": r.center, "n": int(r.n),
         "method": str(r.method)}
    if metric == "nps":
        d.update(promoter_share=r.promoter_share, passive_share=r.passive_share, detractor_share=r.detractor_share)
    return d


def _trend(metric, scores, dates, col, freq, confidence, alpha) -> Optional[dict]:
    t = m.trend(scores, dates, metric=metric, freq=freq, alpha=alpha, confidence=confidence)
    periods, p_prev = [], []
    for i, p in enumerate(t.periods):
        r = p.result
        row = {"period": str(p.period), "n": int(r.n), "score": r.score, "se": r.se, "ci_low": r.ci_low,
               "ci_high": r.ci_high, "center": r.center, "diff_prev": None, "p_prev": None, "p_prev_holm": None,
               "significant_drop": False}
        if i:
            c = m.compare(r, t.periods[i - 1].result, confidence=confidence)
            row["diff_prev"], row["p_prev"] = c.diff, c.p_value
            p_prev.append(c.p_value)
        periods.append(row)
    if p_prev:
        holm = m.p_adjust(np.asarray(p_prev, dtype=float), "holm")
        for row, ph in zip(periods[1:], holm):
            row["p_prev_holm"] = float(ph)
            row["significant_drop"] = bool(row["diff_prev"] < 0 and ph < alpha)
    test = None if t.test is None else {"method": t.test.test, "slope": t.test.slope, "p_value": t.test.p_value,
                                        "declining": bool(t.test.declining), "increasing": bool(t.test.increasing)}
    return {"column": col, "freq": freq, "periods": periods, "test": test}


class Analysis:
    """The result of perche.analyze(): every figure in `.data` (JSON-able), pandas views of it,
    and the renderings."""

    def __init__(self, data: dict):
        self.data = data

    @property
    def drivers(self):
        import pandas as pd

        return pd.DataFrame(self.data["drivers"])

    @property
    def segments(self):
        import pandas as pd

        rows = [{"column": s["column"], **g} for s in self.data["segments"] for g in s["groups"]]
        return pd.DataFrame(rows, columns=["column", "segment", "n", "score", "ci_low", "ci_high", "diff_vs_rest",
                                           "p_value", "p_holm", "p_bh", "significant"])

    @property
    def driver_segments(self):
        import pandas as pd

        return pd.DataFrame(self.data["driver_segments"])

    @property
    def trend(self):
        import pandas as pd

        t = self.data["trend"]
        return pd.DataFrame(t["periods"] if t else [])

    @property
    def verbatims(self):
        import pandas as pd

        return pd.DataFrame(self.data["verbatims"])

    @property
    def overall(self) -> Optional[dict]:
        return self.data["overall"]

    def to_dict(self) -> dict:
        return self.data

    def to_json(self, path=None, indent: int = 2) -> str:
        text = json.dumps(self.data, indent=indent, ensure_ascii=False, allow_nan=False)
        if path is not None:
            with atomic_write(path) as f:
                f.write(text + "\n")
        return text

    def to_html(self, path=None, lang: Optional[str] = None) -> str:
        from .report import render_html

        html = render_html(self.data, lang=lang or self.data.get("lang", "it"))
        if path is not None:
            with atomic_write(path) as f:
                f.write(html)
        return html

    def summary(self, lang: Optional[str] = None) -> str:
        from .report import render_text

        return render_text(self.data, lang=lang or self.data.get("lang", "it"))

    def __repr__(self) -> str:
        o = self.data["overall"]
        head = "no valid responses" if o is None else f"{self.data['metric'].upper()} {o['score']:+.1f} (n={o['n']})"
        return f"<perche.Analysis {head}, {len(self.data['drivers'])} drivers>"

    def _repr_html_(self) -> str:  # notebooks show the report inline
        return self.to_html()


def analyze(data=None, score: Optional[str] = None, text: Optional[str] = None, metric: str = "nps",
            date: Optional[str] = None, by: Any = None, model: Any = None, *, codebook: Any = None,
            labels: Optional[str] = None, freq: str = "M", confidence: float = 0.95, alpha: float = 0.05,
            bootstrap_samples: int = 2000, seed: int = 12345, verbatims: int = 3, lang: str = "it",
            progress: Optional[bool] = None) -> Analysis:
    """Analyse a survey: the score with its CI, its trend, segments, and the drivers behind it.

    data: a pandas DataFrame, a CSV path (`,` `;` or tab; UTF-8, UTF-16 or Windows-1252), or None
    for the sample survey shipped with perche. score: the score column (default: the metric's
    name); text: the open answer (default: motivo/testo/commento/text/comment); date: for the
    trend (default: data/date if present; False for none); by: segment column(s) (default: those of
    canale/segmento/fase/channel/segment present; [] for none). Drivers come from `model` (a
    DriverClassifier or a model path; default: the model shipped with perche), or from `codebook`
    (a Codebook, a codebook path, or True for the shipped one), or from gold `labels` (a column of
    driver names joined by | ; or ,). Rows whose score is missing or invalid are left out and
    listed with their line (CSV) or index (DataFrame) in result.data["source"]["problems"].

    Column names match ignoring case and surrounding spaces. If a name (given or default) matches
    several columns (`NPS` and `nps`), a name given explicitly picks the one written exactly as
    given; otherwise AnalysisError lists the columns and asks which one is meant. A score is an
    integer in ASCII digits, also written with a zero decimal part (`9.0`, `9,0`); `1e1`, `+9`,
    `0x9` or other scripts' digits are not scores. A date is `YYYY-MM-DD`, `DD/MM/YYYY`,
    `DD-MM-YYYY` or `3 marzo 2024` / `3 mar 2024`, optionally followed by a time (the date as
    written is kept); anything else (`20240201`) leaves the row out of the trend, named in problems.
    The same rules hold for `perche report` (they live in _select).
    """
    if metric not in _SCALES:
        raise AnalysisError(f"metric {metric!r} is not one of 'nps', 'csat', 'ces'")
    if lang not in ("it", "en"):
        raise AnalysisError(f"lang {lang!r} is not 'it' or 'en'")
    bar = _Progress(progress)
    try:
        return _analyze(data, score, text, metric, date, by, model, codebook, labels, freq, confidence, alpha,
                        bootstrap_samples, seed, verbatims, lang, bar)
    finally:
        bar.close()


def _analyze(data, score, text, metric, date, by, model, codebook, labels, freq, confidence, alpha,
             bootstrap_samples, seed, n_verbatims, lang, bar) -> Analysis:
    frame = _load(data, bar)
    lo, hi = _SCALES[metric]
    score_i = _score_column(frame, score, metric)
    text_i = frame.find(text, _TEXT, "text column", "text")
    date_i = None if date is False else frame.find(date, _DATE, "date column", "date")
    by_is = _by_columns(frame, by)
    labels_i = frame.find(labels, (), "labels column", "labels") if labels is not None else None
    if text_i is None and labels_i is None:
        raise AnalysisError("no text column (motivo, testo, commento, text, comment); name it with text= (--text)")
    score_col, text_col, date_col, labels_col = (None if i is None else frame.names[i]
                                                 for i in (score_i, text_i, date_i, labels_i))
    by_cols = [frame.names[i] for i in by_is]

    sel = _select(frame, score_i, metric, date_i)
    keep, scores = sel.keep, sel.scores
    rows = frame.rows[keep]

    texts_all = frame.column(text_i)[keep] if text_i is not None else np.full(len(keep), "", dtype=object)
    texts_all = np.asarray(["" if t is None or (isinstance(t, float) and t != t) else str(t) for t in texts_all],
                           dtype=object)
    has_text = np.fromiter((bool(t.strip()) for t in texts_all), dtype=np.uint8, count=len(texts_all))
    text_idx = np.flatnonzero(has_text)

    kind, model_path, obj = _labeller(model, codebook, labels_col)
    bar(0.1, "classifying")
    gold = frame.column(labels_i)[keep][text_idx] if labels_i is not None else None
    names, P_text, Y_text = _classify(kind, obj, list(texts_all[text_idx]), bar, gold)
    k = len(names)
    P = np.zeros((len(keep), k))
    Y = np.zeros((len(keep), k), dtype=np.uint8)
    P[text_idx] = P_text
    Y[text_idx] = Y_text

    bar(0.85, "analysing")
    o = _core.DriverAnalysisOptions()
    o.metric = getattr(_core.Metric, metric)
    o.confidence = float(confidence)
    o.bootstrap_samples = int(bootstrap_samples)
    o.seed = int(seed)
    if metric == "nps":
        o.nps = m._nps_options(confidence=confidence)
    else:
        o.rating = m._metric_options(metric, {"confidence": confidence})
    a = _core.analyze_drivers(scores.astype(float), Y, names, has_text, np.empty(0), o)

    labels_it_en = _display_labels(names, obj if kind == "codebook" else None, lang)
    drivers = []
    for d in a.drivers:
        row = {"driver": d.driver, "label": labels_it_en[d.driver], "mentions": int(d.mentions), "share": d.share,
               "score": d.score, "score_ci_low": d.score_ci_low, "score_ci_high": d.score_ci_high,
               "impact": d.impact, "impact_ci_low": d.impact_ci_low, "impact_ci_high": d.impact_ci_high,
               "impact_significant": bool(d.impact_significant)}
        row.update(_or(d.negative, "or_negative"))
        row.update(_or(d.positive, "or_positive"))
        row["quadrant"] = None if d.quadrant is None else d.quadrant.name
        drivers.append(row)
    drivers.sort(key=lambda r: (r["impact"] is None, r["impact"] if r["impact"] is not None else 0.0))

    def model_dict(md):
        return {"outcome": md.outcome, "n": int(md.n), "events": int(md.events), "converged": bool(md.converged),
                "pseudo_r2": md.pseudo_r2}

    # Trend and per-driver share trend.
    trend = None
    driver_trend = []
    if sel.dates is not None:
        dated = np.flatnonzero(~np.isnat(sel.dates))
        if len(dated):
            dates = sel.dates[dated]
            trend = _trend(metric, scores[dated], dates, date_col, freq, confidence, alpha)
            plabels, pcodes = m._codes(m._period_labels(dates, freq), "periods")
            tr = _core.driver_trends(Y[dated], pcodes, has_text[dated], _core.TrendOptions())
            for j, dt in enumerate(tr):
                driver_trend.append({
                    "driver": names[j],
                    "periods": [{"period": str(plabels[p.period]), "n": int(p.n), "mentions": int(p.mentions),
                                 "share": p.share} for p in dt.periods],
                    "test": None if dt.test is None else {
                        "method": dt.test.test, "slope": dt.test.slope, "p_value": dt.test.p_value,
                        "declining": bool(dt.test.declining), "increasing": bool(dt.test.increasing)}})

    # Segments: the score by segment, and drivers over-/under-represented in a segment.
    segments, driver_segments, first_codes, first_labels = [], [], None, None
    for col_i, col in zip(by_is, by_cols):
        vals = _segment_values(frame, col_i, keep)
        segs = m.by_segment(scores, vals, metric=metric, confidence=confidence)
        groups = []
        for g in segs:
            r, vs = g.result, g.vs_rest
            groups.append({"segment": str(g.key), "n": int(r.n), "score": r.score, "ci_low": r.ci_low,
                           "ci_high": r.ci_high, "center": r.center, "diff_vs_rest": None if vs is None else vs.diff,
                           "p_value": None if vs is None else vs.p_value, "p_holm": g.p_holm, "p_bh": g.p_bh,
                           "significant": bool(g.p_holm is not None and g.p_holm < alpha)})
        segments.append({"column": col, "groups": groups})
        slabels, scodes = m._codes(vals, col)
        if first_codes is None:
            first_codes, first_labels = scodes, slabels
        for c in _core.driver_segments(Y, scodes, has_text, alpha):
            driver_segments.append({"column": col, "segment": str(slabels[c.segment]), "driver": names[c.driver],
                                    "n": int(c.n), "share": c.share, "share_rest": c.share_rest, "diff": c.diff,
                                    "p_value": c.p_value, "p_bh": c.p_bh, "significant": bool(c.significant)})

    # Verbatims: the most probable comments per driver, spread over the first segment column.
    bar(0.95, "verbatims")
    picks = _core.select_verbatims(Y, P, first_codes if first_codes is not None else np.empty(0, dtype=np.int64),
                                   int(n_verbatims))
    verbatim_rows = []
    explained: dict = {}
    for j, rows_j in enumerate(picks):
        for i in rows_j:
            t = str(texts_all[i])
            verbatim_rows.append({
                "driver": names[j], "text": t, "probability": float(P[i, j]), "score": int(scores[i]),
                "segment": None if first_codes is None else str(first_labels[first_codes[i]]),
                "date": None if sel.dates is None or np.isnat(sel.dates[i]) else str(sel.dates[i]),
                frame.where: _plain(rows[i]),
                "highlights": _highlights(kind, obj, t, names[j], explained)})

    src = _source(frame, sel)
    notes = list(a.notes)
    if src["problems_total"] > _MAX_PROBLEMS:
        notes.append(f"{src['problems_total']} problems in the input; the first {_MAX_PROBLEMS} are listed")
    if kind == "default":
        notes.append("drivers from perche's default model, trained on the synthetic sample survey: "
                     "train your own on labelled comments (perche train) for real data")

    from . import __version__

    result = {
        "perche_version": __version__, "lang": lang, "source": src,
        "columns": {"score": score_col, "text": text_col, "date": date_col, "by": by_cols, "labels": labels_col},
        "metric": metric, "scale": [lo, hi], "confidence": confidence, "alpha": alpha,
        "model": {"kind": kind, "path": model_path, "drivers": names, "labels": labels_it_en},
        "overall": _overall(metric, scores, confidence),
        "trend": trend,
        "drivers": drivers,
        "key_driver": {"negative": model_dict(a.negative), "positive": model_dict(a.positive)},
        "priority": {"share_threshold": a.share_threshold, "impact_threshold": 0.0},
        "segments": segments, "driver_segments": driver_segments, "driver_trend": driver_trend,
        "verbatims": verbatim_rows, "comments": int(a.n_text), "notes": notes,
    }
    return Analysis(_finite(result))


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return v if isinstance(v, (int, float, str)) or v is None else str(v)


def _display_labels(names: list, codebook: Any, lang: str) -> dict:
    out = {}
    cb = dict(zip(codebook.drivers, codebook.labels)) if codebook is not None else {}
    for n in names:
        if n in TAXONOMY:
            out[n] = TAXONOMY[n][0 if lang == "it" else 1]
        elif n in cb and cb[n]:
            out[n] = cb[n]
        else:
            out[n] = n.replace("_", " ").capitalize()
    return out
