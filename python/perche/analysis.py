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

import json
import math
import os
import sys
from pathlib import Path
from typing import Any, Optional, Sequence

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


# --- input ---------------------------------------------------------------------------------------


class _Columns(dict):
    """Columns of a CsvTable, converted to numpy object arrays of str on first use."""

    def __init__(self, table):
        super().__init__((h, None) for h in table.header)
        self._table = table

    def __getitem__(self, name):
        v = super().__getitem__(name)
        if v is None:
            v = np.asarray(self._table.column(name), dtype=object)
            super().__setitem__(name, v)
        return v


class _Frame:
    """Columns as numpy arrays, with the source line (CSV) or index (DataFrame) of each row."""

    def __init__(self, columns: dict, rows: np.ndarray, where: str, source: dict):
        self.columns = columns  # exact name -> array
        self.rows = rows
        self.where = where  # "line" or "row"
        self.source = source

    def find(self, name: Optional[str], candidates: Sequence[str] = (), what: str = "column") -> Optional[str]:
        lower = {str(c).strip().lower(): c for c in self.columns}
        if name is not None:
            key = lower.get(str(name).strip().lower())
            if key is None:
                raise AnalysisError(f"{what} {name!r} not found; columns are: {', '.join(map(str, self.columns))}")
            return key
        return next((lower[c] for c in candidates if c in lower), None)


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
    return _core.read_csv_file(os.fspath(source), d, e)


def _load(data: Any, progress: _Progress) -> _Frame:
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        cols = {c: data[c].to_numpy() for c in data.columns}
        return _Frame(cols, np.asarray(data.index), "row",
                      {"file": None, "rows": len(data), "encoding": None, "delimiter": None})
    path = SAMPLE if data is None else Path(os.fspath(data))
    progress(0.0, "reading")
    try:
        table = read_csv(path)
    except OSError as e:
        raise AnalysisError(str(e)) from None
    problems = [{"line": int(line), "message": msg} for line, msg in table.problems]
    bad = sum(1 for p in problems if p["line"] > 0 and "skipped" in p["message"])
    return _Frame(_Columns(table), np.asarray(table.lines, dtype=np.int64), "line",
                  {"file": str(path), "rows": len(table) + bad, "encoding": table.encoding,
                   "delimiter": table.delimiter, "problems": problems, "bad_records": bad, "replaced": table.replaced})


def _scores(frame: _Frame, col: str, metric: str, lo: int, hi: int, problems: list) -> tuple:
    """The valid integer scores and the mask of rows that have one; every other row is a problem."""
    raw = frame.columns[col]
    if raw.dtype.kind in "iuf":
        v = raw.astype(float)
    else:
        import pandas as pd

        v = pd.to_numeric(pd.Series(raw, dtype=object).astype(str).str.strip().str.replace(",", ".", regex=False),
                          errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(v) & (v == np.round(v)) & (v >= lo) & (v <= hi)
    for i in np.flatnonzero(~ok):
        problems.append((frame.rows[i], f"{col} {str(raw[i]).strip()!r} is not an integer in [{lo}, {hi}]; row left out"))
    return v, ok


def _dates(frame: _Frame, col: str, problems: list) -> tuple:
    """Dates (datetime64[D]) parsed as ISO YYYY-MM-DD or, failing that, Italian DD/MM/YYYY."""
    import pandas as pd

    raw = frame.columns[col]
    if raw.dtype.kind == "M":
        d = raw.astype("datetime64[D]")
        ok = ~np.isnat(d)
    else:
        s = pd.Series(raw, dtype=object).astype(str).str.strip()
        d = pd.to_datetime(s.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
        miss = d.isna()
        if miss.any():
            d2 = pd.to_datetime(s[miss].str.slice(0, 10), format="%d/%m/%Y", errors="coerce")
            d = d.where(~miss, d2)
        d = d.to_numpy().astype("datetime64[D]")
        ok = ~np.isnat(d)
    for i in np.flatnonzero(~ok):
        problems.append((frame.rows[i], f"{col} {str(raw[i]).strip()!r} is not a date (YYYY-MM-DD or DD/MM/YYYY); "
                                        "row left out of the trend"))
    return d, ok


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
            raise AnalysisError(f"cannot read codebook {os.fspath(codebook)}: {e.strerror}") from None
    if model is None:
        if not DEFAULT_MODEL.exists():
            raise AnalysisError(f"the default driver model {DEFAULT_MODEL} is missing; reinstall perche or pass model=")
        return "default", str(DEFAULT_MODEL), DriverClassifier.load(DEFAULT_MODEL)
    if isinstance(model, DriverClassifier) or isinstance(model, _core.DriverClassifier):
        return "file", None, model
    try:
        return "file", os.fspath(model), DriverClassifier.load(os.fspath(model))
    except OSError as e:
        raise AnalysisError(f"cannot read model {os.fspath(model)}: {e}") from None


def split_labels(values, drivers: Optional[list] = None, what: str = "labels") -> tuple:
    """Driver names per row from strings like "prezzo|consegna" (separators | ; ,) → (names, n × k uint8)."""
    rows = []
    for v in values:
        s = "" if v is None or (isinstance(v, float) and v != v) else str(v)
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


def _highlights(kind: str, obj: Any, text: str, driver: str) -> list:
    if kind == "codebook":
        return [{"start": int(s), "end": int(e), "term": p, "weight": 1.0}
                for d, s, e, p in obj.matches(text) if d == driver]
    if kind == "labels":
        return []
    out = []
    for e in obj.explain(text):
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
            Path(os.fspath(path)).write_text(text + "\n", encoding="utf-8")
        return text

    def to_html(self, path=None, lang: Optional[str] = None) -> str:
        from .report import render_html

        html = render_html(self.data, lang=lang or self.data.get("lang", "it"))
        if path is not None:
            Path(os.fspath(path)).write_text(html, encoding="utf-8")
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
    score_col = frame.find(score, (metric,), "score column")
    if score_col is None:
        raise AnalysisError(f"no {metric!r} column; name the score column with score= (--score); "
                            f"columns are: {', '.join(map(str, frame.columns))}")
    text_col = frame.find(text, _TEXT, "text column")
    date_col = None if date is False else frame.find(date, _DATE, "date column")
    if by is None:
        by_cols = [c for c in (frame.find(None, (b,)) for b in _BY) if c is not None]
    else:
        by_cols = [frame.find(b, (), "by column") for b in ([by] if isinstance(by, str) else list(by))]
    labels_col = frame.find(labels, (), "labels column") if labels is not None else None
    if text_col is None and labels_col is None:
        raise AnalysisError("no text column (motivo, testo, commento, text, comment); name it with text= (--text)")

    problems: list = []
    raw_scores, ok = _scores(frame, score_col, metric, lo, hi, problems)
    keep = np.flatnonzero(ok)
    if len(keep) == 0:
        raise AnalysisError(f"no row has a valid {score_col} (an integer in [{lo}, {hi}])")
    scores = raw_scores[keep].astype(np.int32)
    rows = frame.rows[keep]

    texts_all = frame.columns[text_col][keep] if text_col is not None else np.full(len(keep), "", dtype=object)
    texts_all = np.asarray(["" if t is None or (isinstance(t, float) and t != t) else str(t) for t in texts_all],
                           dtype=object)
    has_text = np.fromiter((bool(t.strip()) for t in texts_all), dtype=np.uint8, count=len(texts_all))
    text_idx = np.flatnonzero(has_text)

    kind, model_path, obj = _labeller(model, codebook, labels_col)
    bar(0.1, "classifying")
    gold = frame.columns[labels_col][keep][text_idx] if labels_col is not None else None
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
    if date_col is not None:
        dates, dates_ok = _dates(frame, date_col, problems)
        dates, dates_ok = dates[keep], dates_ok[keep]
        sel = np.flatnonzero(dates_ok)
        if len(sel):
            trend = _trend(metric, scores[sel], dates[sel], date_col, freq, confidence, alpha)
            plabels, pcodes = m._codes(m._period_labels(dates[sel], freq), "periods")
            tr = _core.driver_trends(Y[sel], pcodes, has_text[sel], _core.TrendOptions())
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
    for col in by_cols:
        vals = np.asarray([str(v).strip() or "(vuoto)" if v is not None else "(vuoto)" for v in frame.columns[col][keep]],
                          dtype=object)
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
    date_str = None
    if date_col is not None:
        date_str = frame.columns[date_col][keep]
    verbatim_rows = []
    for j, rows_j in enumerate(picks):
        for i in rows_j:
            t = str(texts_all[i])
            verbatim_rows.append({
                "driver": names[j], "text": t, "probability": float(P[i, j]), "score": int(scores[i]),
                "segment": None if first_codes is None else str(first_labels[first_codes[i]]),
                "date": None if date_str is None else str(date_str[i]).strip()[:10],
                frame.where: _plain(rows[i]),
                "highlights": _highlights(kind, obj, t, names[j])})

    problems.sort(key=lambda p: (str(type(p[0])), p[0]))
    src = dict(frame.source)
    csv_problems = src.pop("problems", [])
    listed = csv_problems + [{frame.where: _plain(r), "message": msg} for r, msg in problems]
    bad_rows = src.pop("bad_records", 0) + int((~ok).sum())
    src.update(rows=int(src["rows"]), rows_used=int(len(keep)), bad_rows=bad_rows,
               problems=listed[:_MAX_PROBLEMS], problems_total=len(listed))
    notes = list(a.notes)
    if len(listed) > _MAX_PROBLEMS:
        notes.append(f"{len(listed)} problems in the input; the first {_MAX_PROBLEMS} are listed")
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
