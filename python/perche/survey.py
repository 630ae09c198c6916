# SPDX-License-Identifier: Apache-2.0
"""perche.analyze: from a survey export to the drivers that move the score.

    result = perche.analyze("export.csv", score="nps", text="motivo", date="data", by=["canale"])
    result.drivers        # pandas DataFrame: mentions, share, score, impact with CI, odds ratios, quadrant
    result.to_html("report.html"); result.to_json()

A thin shell over the C++ survey pipeline (include/perche/survey.hpp): every row rule, default and
figure is there. This module turns a path or a DataFrame into that call, and its JSON document
(schema 4, docs/schema.md) into an Analysis with pandas views; python/perche/report.py renders it.
"""

from __future__ import annotations

import contextlib
import errno
import datetime
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional

import numpy as np

from . import _core
from .metrics import _integer, _pair, _real

DATA = Path(__file__).with_name("data")
SAMPLE = DATA / "survey.csv"
DEFAULT_MODEL = DATA / "drivers.model"
DEFAULT_CODEBOOK = DATA / "codebook.txt"

_METRICS = ("nps", "csat", "ces")
_FREQS = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}

AnalysisError = _core.AnalysisError  # a ValueError: a missing or ambiguous column, no valid row


class _Status:
    """One line on stderr saying what runs ("perche: analysing FILE…"), drawn only when stderr is a
    terminal and erased when it ends: the analysis is one call into the C++ core."""

    def __init__(self, what: str, enabled: Optional[bool] = None):
        self.on = sys.stderr.isatty() if enabled is None else enabled
        self.what = what

    def __enter__(self):
        if self.on:
            sys.stderr.write(f"perche: {self.what}…")
            sys.stderr.flush()
        return self

    def __exit__(self, *exc):
        if self.on:
            sys.stderr.write("\r\033[K")
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


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str:
    """The headless browser that prints PDFs, or the one-line OSError saying it is missing."""
    import shutil

    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError("--pdf needs the program chromium (headless Chromium prints the HTML report), which is "
                            "not installed: scripts/deps installs it (Debian package chromium)")


def print_pdf(page: str, path, timeout: Optional[float] = None) -> None:
    """Prints an HTML page to the PDF `path` with headless Chromium (its print stylesheet: A4, no
    header or footer), in a private temporary directory; `path` is then written atomically."""
    import subprocess

    browser = chromium_path()
    check_writable(path)
    with tempfile.TemporaryDirectory(prefix="perche-pdf-") as d:
        html_file, pdf_file = Path(d) / "report.html", Path(d) / "report.pdf"
        html_file.write_text(page, encoding="utf-8")
        try:
            proc = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={d}/profile",
                                   f"--print-to-pdf={pdf_file}", "--no-pdf-header-footer", html_file.as_uri()],
                                  capture_output=True, text=True, timeout=300 if timeout is None else timeout)
        except subprocess.TimeoutExpired:
            raise OSError(f"cannot write {os.fspath(path)}: chromium did not print the report in time") from None
        if proc.returncode != 0 or not pdf_file.is_file() or pdf_file.stat().st_size == 0:
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1][:200]
            raise OSError(f"cannot write {os.fspath(path)}: chromium could not print the report "
                          f"(exit status {proc.returncode}: {last})")
        data = pdf_file.read_bytes()
    with atomic_write(path, "wb", encoding=None) as f:
        f.write(data)


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


def read_csv(source, delimiter: Optional[str] = None, encoding: Optional[str] = None):
    """A CSV export as a perche.CsvTable: `,` `;` or tab detected, UTF-8 (BOM or not), UTF-16 with
    BOM or Windows-1252 detected, RFC 4180 quoting. Records with the wrong number of fields are not
    rows: table.problems lists them as (line, message) and table.records_skipped counts them.
    source: a path or bytes."""
    d = "\0" if delimiter is None else delimiter
    if len(d) != 1:
        raise ValueError(f"read_csv: delimiter {delimiter!r} is not one character")
    e = encoding or ""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _core.read_csv_bytes(bytes(source), d, e)
    return _core.read_csv_file(os.fsencode(source), d, e)  # bytes: any file name, UTF-8 or not


def split_labels(values, drivers: Optional[list] = None) -> tuple:
    """Driver names per row from strings like "prezzo|consegna" (separators | ; ,) → (names, n × k
    uint8); perche/survey.hpp's split_labels. A missing value (None, NaN) names no driver."""
    texts = ["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in values]
    return _core.split_labels(texts, list(drivers) if drivers else [])


def _text_cell(v: Any) -> str:
    """A DataFrame cell of an object column as the text the C++ rules read: missing values (None,
    NaN, NA, NaT) empty, a datetime or date its wall-clock date (YYYY-MM-DD), a pandas Period its
    first day, anything else str()."""
    import pandas as pd

    if isinstance(v, str):
        return v
    if isinstance(v, (bytes, bytearray)):
        # UTF-8 text (read as the CSV reader reads it: a byte that is not UTF-8 becomes U+FFFD,
        # counted in source.replaced); its repr "b'attesa'" was quoted as the comment.
        return bytes(v).decode("utf-8", "surrogateescape")
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, datetime.datetime):  # pandas Timestamp too: the date in its own zone
        return v.date().isoformat()
    if isinstance(v, pd.Period):  # its first day, as _frame_columns reads a Period column
        return v.start_time.date().isoformat()
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, np.datetime64):
        return "" if np.isnat(v) else str(v.astype("datetime64[D]"))
    if isinstance(v, (list, tuple, set, frozenset, np.ndarray)):
        # A cell of several values (a labels column of lists, as DriverClassifier.fit takes them):
        # its values joined by |, how a labels cell names several drivers. str() made "['prezzo'"
        # and "'attesa']" driver names.
        if isinstance(v, (set, frozenset)):
            items = sorted(v, key=str)
        else:
            items = list(np.ravel(v)) if isinstance(v, np.ndarray) else list(v)
        return "|".join(t for t in (_text_cell(x) for x in items) if t)
    return str(v)


def _frame_columns(df) -> tuple:
    """(names, kinds, data) of a DataFrame for _core.analyze_survey_columns: numbers as float64
    (NaN missing; booleans and complex numbers are text, so that True is not read as 1 nor 3+4j
    as 3), dates as days since
    1970-01-01 on their own wall clock (a pandas Period, such as a month, as its first day),
    everything else as text."""
    import pandas as pd

    names, kinds, data = [], [], []
    for i in range(df.shape[1]):
        col = df.iloc[:, i]
        names.append(str(df.columns[i]))
        if isinstance(col.dtype, pd.PeriodDtype):  # months as dt.to_period("M") holds them: their first day
            col = col.dt.start_time  # (as text, '2025-12' was no date: every row a problem, no trend)
        dtype = col.dtype
        if pd.api.types.is_datetime64_any_dtype(dtype):
            if getattr(dtype, "tz", None) is not None:
                col = col.dt.tz_localize(None)  # the wall-clock date in each value's own zone
            days = col.to_numpy().astype("datetime64[D]")  # in the column's own unit: no overflow to ns
            out = days.astype(np.int64)
            out[np.isnat(days)] = np.iinfo(np.int32).min
            kinds.append("day")
            data.append(out.astype(np.int32))
        elif (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
              and not pd.api.types.is_complex_dtype(dtype)):
            kinds.append("number")
            data.append(col.to_numpy(dtype=float, na_value=np.nan))
        else:
            kinds.append("text")
            values = col.to_numpy(dtype=object)
            if pd.api.types.infer_dtype(values, skipna=True) == "string":  # text with gaps: no per-cell call
                values = np.where(pd.isna(values), "", values)
                if pd.api.types.infer_dtype(values, skipna=False) == "string":
                    data.append(values)
                    continue
            data.append([_text_cell(v) for v in values])
    return names, kinds, data


def _relabel_rows(data: dict, index) -> None:
    """Row positions in problems and verbatims → the DataFrame's index labels (a RangeIndex from 0
    is its own positions)."""
    import pandas as pd

    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return
    labels = index.to_numpy()

    def label(pos):  # a JSON value: an integer or a string (dates, NaN and tuples as text)
        v = labels[pos]
        v = v.item() if isinstance(v, np.generic) else v
        return v if isinstance(v, (int, str)) and not isinstance(v, bool) else str(v)

    for item in data["source"]["problems"] + data["verbatims"]:
        if "row" in item:
            item["row"] = label(item["row"])


def options(score: Optional[str] = None, text: Optional[str] = None, metric: Optional[str] = None,
            date: Any = None, by: Any = None, model: Any = None, *, codebook: Any = None,
            labels: Any = None, drivers: bool = True, freq: Optional[str] = None,
            confidence: Optional[float] = None, alpha: Optional[float] = None,
            bootstrap_samples: Optional[int] = None, seed: Optional[int] = None, verbatims: Optional[int] = None,
            lang: Optional[str] = None, threshold: Optional[float] = None,
            scale: Any = None, sentiment: Any = None, mask: Optional[bool] = None,
            threads: Optional[int] = None) -> "_core.SurveyOptions":
    """The C++ SurveyOptions of these arguments: those left None keep the C++ defaults."""
    o = _core.SurveyOptions()
    o.data_dir = os.fsencode(DATA)
    if metric is not None:
        if metric not in _METRICS:
            raise AnalysisError(f"metric {metric!r} is not one of 'nps', 'csat', 'ces'")
        o.metric = getattr(_core.Metric, metric)
    if freq is not None:
        if freq not in _FREQS:
            raise AnalysisError(f"freq {freq!r} is not one of 'D', 'W', 'M', 'Q', 'Y'")
        o.freq = getattr(_core.Freq, _FREQS[freq])
    for name, value in (("score", score), ("text", text)):
        if value is not None:
            setattr(o, name, str(value))
    if labels is not None:
        o.labels = [labels] if isinstance(labels, str) else [str(c) for c in labels]
    if date is False:
        o.date = ""
    elif date is not None:
        o.date = str(date)
    if by is not None:
        o.by = [by] if isinstance(by, str) else [str(b) for b in by]
    for name, value, lo, hi in (("bootstrap_samples", bootstrap_samples, 2, 2**31 - 1), ("seed", seed, 0, 2**64 - 1),
                                ("verbatims", verbatims, 0, 2**63 - 1), ("threads", threads, 0, 4096)):
        if value is not None:
            setattr(o, name, _integer(value, name, lo, hi, AnalysisError))
    for name, value in (("confidence", confidence), ("alpha", alpha), ("threshold", threshold)):
        if value is not None:
            setattr(o, name, _real(value, name, AnalysisError))  # its range is checked by the C++ options
    if lang is not None:
        o.lang = str(lang)
    if mask is not None:
        o.mask = bool(mask)
    if scale is not None:
        if o.metric == _core.Metric.nps:
            raise AnalysisError("scale applies to csat and ces; NPS is 0–10")
        try:
            lo, hi = _pair(scale, "scale")  # (1.5, 5) was read as (1, 5)
        except ValueError as e:
            raise AnalysisError(f"{e} (lowest, highest)") from None
        r = _core.CsatOptions() if o.metric == _core.Metric.csat else _core.CesOptions()
        r.scale_min, r.scale_max = lo, hi
        if 0 < hi - lo + 1 < 2 * r.top:  # a 0/1 or 1-3 scale: the top box is half its levels
            r.top = 0  # (the default top 2 refused a 2-level CSAT, and no option sets top)
        o.rating = r
    given = [n for n, v in (("model", model), ("codebook", codebook), ("labels", labels)) if v is not None]
    if len(given) > 1:
        raise AnalysisError(f"{' and '.join(given)} are both given; label the comments with one of them")
    if not drivers:
        if given or threshold is not None:
            raise AnalysisError(f"drivers=False (metrics only) leaves nothing to label: drop "
                                f"{', '.join(given + (['threshold'] if threshold is not None else []))}")
        o.labeller = _core.Labeller.none
    elif labels is not None:
        o.labeller = _core.Labeller.labels
    elif codebook is not None:
        o.labeller = _core.Labeller.codebook
        if isinstance(codebook, _core.Codebook):
            o.set_codebook(codebook)
        elif codebook is not True and codebook != "default":
            o.codebook_path = os.fsencode(codebook)  # bytes: any file name, UTF-8 or not
    elif model is not None:
        if isinstance(model, _core.DriverClassifier):
            o.set_model(model)
        else:
            o.model_path = os.fsencode(model)
    if sentiment is False:
        o.sentiment = False
    elif sentiment is not None and sentiment is not True:
        from .sentiment import SentimentClassifier

        if isinstance(sentiment, SentimentClassifier):
            o.set_sentiment_model(sentiment._model())
        elif isinstance(sentiment, _core.SentimentClassifier):
            o.set_sentiment_model(sentiment)
        else:
            o.sentiment_model_path = os.fsencode(sentiment)
    return o


class Analysis:
    """The result of perche.analyze(): every figure in `.data` (JSON-able), pandas views of it,
    and the renderings."""

    def __init__(self, data: dict):
        self.data = data

    @property
    def drivers(self):
        import pandas as pd

        return pd.DataFrame([{k: v for k, v in d.items() if k != "sentiment"} for d in self.data["drivers"]])

    @property
    def sentiment(self):
        """Sentiment per driver (one row each, in the order of `drivers`): mentions by class, net
        sentiment, and the impact of the negative and of the positive mentions with their intervals.
        The overall figures are in data["sentiment"]."""
        import pandas as pd

        rows = []
        for d in self.data["drivers"]:
            st = d.get("sentiment")
            if st is None:
                continue
            row = {"driver": d["driver"], "label": d["label"], "mentions": st["mentions"], **st["counts"]}
            row.update({k: v for k, v in st.items() if k not in ("mentions", "counts")})
            rows.append(row)
        return pd.DataFrame(rows)

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

        html = render_html(self.data, lang=lang)
        if path is not None:
            with atomic_write(path) as f:
                f.write(html)
        return html

    def to_pdf(self, path, lang: Optional[str] = None) -> None:
        """Prints the HTML report to a PDF (A4, sections kept whole where they fit on a page) through
        headless Chromium; written whole or not at all, like every output. Raises OSError naming the
        missing program when Chromium is not installed (scripts/deps installs it)."""
        print_pdf(self.to_html(lang=lang), path)

    def summary(self, lang: Optional[str] = None) -> str:
        """The terminal report (its first lines: the summary in words)."""
        from .report import render_text

        return render_text(self.data, lang=lang)

    def summary_sentences(self, lang: Optional[str] = None) -> list:
        """The summary in words as sentences, in `lang` ("it" or "en"; default: the analysis's).
        Each comes with the figures it quotes and their JSON Pointers in data["summary"]."""
        from .report import summary_sentences

        if lang is not None and lang not in ("it", "en"):
            raise ValueError(f"summary_sentences: lang {lang!r} is not 'it' or 'en'")
        return summary_sentences(self.data, lang)

    def __repr__(self) -> str:
        from .report import _METRIC, format_score

        o, metric = self.data["overall"], self.data["metric"]
        head = "no valid responses" if o is None else \
            f"{_METRIC.get(metric, metric)} {format_score(o['score'], metric, 'en')} (n={o['n']})"
        return f"<perche.Analysis {head}, {len(self.data['drivers'])} drivers>"

    def _repr_html_(self) -> str:
        """Notebooks show the report inline: a fragment whose styles apply to itself only."""
        from .report import render_html_fragment

        return render_html_fragment(self.data)


def analyze(data=None, score: Optional[str] = None, text: Optional[str] = None, metric: Optional[str] = None,
            date: Any = None, by: Any = None, model: Any = None, *, codebook: Any = None,
            labels: Any = None, drivers: bool = True, freq: Optional[str] = None,
            confidence: Optional[float] = None, alpha: Optional[float] = None,
            bootstrap_samples: Optional[int] = None, seed: Optional[int] = None, verbatims: Optional[int] = None,
            lang: Optional[str] = None, threshold: Optional[float] = None, scale: Any = None,
            sentiment: Any = None, progress: Optional[bool] = None, mask: Optional[bool] = None,
            threads: Optional[int] = None) -> Analysis:
    """Analyse a survey: the score with its CI, its trend, segments, and the drivers behind it.

    data: a pandas DataFrame, a CSV path (`,` `;` or tab; UTF-8, UTF-16 or Windows-1252), or None
    for the sample survey shipped with perche. score: the score column (default: the metric's
    name); text: the open answer (default: motivo/testo/commento/text/comment/verbatim); date: for
    the trend (default: data/date if present; False for none); by: segment column(s) (default: those
    of canale/segmento/fase/channel/segment/stage present; [] for none). Drivers come from `model`
    (a DriverClassifier or a model path; default: the model shipped with perche), or from
    `codebook` (a Codebook, a codebook path, or True for the shipped one), or from gold `labels` (a
    column of driver names joined by | ; or ,, or a list of 0/1 columns, one per driver);
    drivers=False: metrics only. scale: (lowest, highest) of a CSAT or CES question (default 1–5
    and 1–7). threshold: one
    decision threshold for every driver instead of the model's own. sentiment: the sentiment of each
    comment, per driver (pain points and delights) and overall, from the shipped default model
    (None/True), a perche.SentimentClassifier or a model path; False: none. Arguments left None take the
    defaults of the C++ SurveyOptions (perche/survey.hpp), where every row rule is documented:
    column names match ignoring case and surrounding spaces (an ambiguous match is an
    AnalysisError, never a silent pick); a score is an integer in ASCII digits, also written `9.0`
    or `9,0`; a date is `YYYY-MM-DD`, `DD/MM/YYYY`, `DD-MM-YYYY` or `3 marzo 2024`. Rows left out
    are listed with their line (CSV) or index (DataFrame) in result.data["source"]["problems"].
    progress: a status line on stderr while it runs (default: when stderr is a terminal).
    mask: personal data in the quoted comments (phones, e-mails, codici fiscali, IBANs, names...)
    is replaced by tags such as [TEL] (default True; perche.mask); False quotes them as written.
    threads: of the analysis's own work (the shipped or named model, codebook and sentiment model
    it loads, the driver analyses); None/0: every core; a model object passed keeps its own.
    """
    pd = sys.modules.get("pandas")  # a DataFrame exists only once pandas is imported: a path needs no pandas

    o = options(score, text, metric, date, by, model, codebook=codebook, labels=labels, drivers=drivers, freq=freq,
                confidence=confidence, alpha=alpha, bootstrap_samples=bootstrap_samples, seed=seed,
                verbatims=verbatims, lang=lang, threshold=threshold, scale=scale, sentiment=sentiment, mask=mask,
                threads=threads)
    if pd is not None and isinstance(data, pd.DataFrame):
        names, kinds, columns = _frame_columns(data)
        with _Status("analysing the DataFrame", progress):
            result = json.loads(_core.analyze_survey_columns(names, kinds, columns, o))
        _relabel_rows(result, data.index)
        return Analysis(result)
    path = SAMPLE if data is None else os.fspath(data)
    with _Status(f"analysing {os.fsdecode(path)}", progress):
        table = read_csv(path)
        return Analysis(json.loads(_core.analyze_survey(table, o, os.fsencode(path))))
