# SPDX-License-Identifier: Apache-2.0
"""The `perche` command line.

    perche analyze [FILE] [--score COL] [--text COL] [--metric nps|csat|ces] [--date COL] [--by COL]...
                   [--model PATH | --codebook [PATH] | --labels COL] [--html OUT] [--json OUT] [--lang it|en]
    perche train FILE --text COL (--labels COL... | --codebook [PATH]) --out MODEL
    perche classify FILE --model MODEL [--text COL] [--out OUT.csv]
    perche tokenize [--tokens] [--stem] [--negation] < text
    perche report [FILE] ...          (metrics only, no drivers)

With no FILE, analyze and report read the sample survey shipped with the package.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from pathlib import Path
from typing import Optional

import numpy as np

from . import metrics as m

SAMPLE = Path(__file__).with_name("data") / "survey.csv"
_SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
_DEFAULT_BY = ("canale", "segmento", "fase", "channel", "segment")
_DEFAULT_DATE = ("data", "date")


class CliError(Exception):
    """A problem to report in one line, with exit status 2."""


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise CliError(f"cannot read {path}: {e.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # Italian Excel exports


def read_table(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    """Header and rows (with the line each row starts on) of a CSV; delimiter , ; or tab detected
    from the header line."""
    text = _read_text(path)
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise CliError(f"{path} is empty") from None
    rows = []
    line = reader.line_num + 1
    for record in reader:
        if record:
            rows.append((line, dict(zip([h.lower() for h in header], record))))
        line = reader.line_num + 1
    return header, rows


def _column(header: list[str], name: Optional[str], candidates=(), what="column") -> Optional[str]:
    lower = {h.lower(): h for h in header}
    if name is not None:
        if name.lower() not in lower:
            raise CliError(f"{what} {name!r} not found; columns are: {', '.join(header)}")
        return name.lower()
    return next((c for c in candidates if c in lower), None)


def _fmt_ci(r, digits=1) -> str:
    return f"{r.score:+.{digits}f}  [{r.ci_low:+.{digits}f}, {r.ci_high:+.{digits}f}]"


def report(args) -> int:
    path = Path(args.file) if args.file else SAMPLE
    header, rows = read_table(path)
    metric = args.metric
    score_col = _column(header, args.score, (metric,), "score column")
    if score_col is None:
        raise CliError(f"no {metric!r} column in {path}; name it with --score")
    date_col = _column(header, args.date, _DEFAULT_DATE, "date column")
    by_cols = [_column(header, b, (), "--by column") for b in args.by] if args.by else \
        [c for c in _DEFAULT_BY if c in {h.lower() for h in header}]

    lo, hi = _SCALES[metric]
    scores, dates, keep, bad = [], [], [], []
    for line, row in rows:
        raw = row.get(score_col, "").strip()
        try:
            v = int(raw)
            if not lo <= v <= hi:
                raise ValueError
        except ValueError:
            bad.append((line, f"{score_col} {raw!r} is not an integer in [{lo}, {hi}]"))
            continue
        d = None
        if date_col:
            d = row.get(date_col, "").strip()[:10]
            try:
                np.datetime64(d, "D")
            except ValueError:
                bad.append((line, f"{date_col} {d!r} is not a date YYYY-MM-DD"))
                continue
        scores.append(v)
        dates.append(d)
        keep.append(row)

    out = {"file": str(path), "rows": len(rows), "rows_used": len(scores), "bad_rows": len(bad),
           "metric": metric}
    for line, why in bad[:20]:
        print(f"perche: line {line}: {why}; row skipped", file=sys.stderr)
    if len(bad) > 20:
        print(f"perche: … and {len(bad) - 20} more bad rows", file=sys.stderr)

    s = np.asarray(scores, dtype=np.int32)
    fn = {"nps": m.nps, "csat": m.csat, "ces": m.ces}[metric]
    overall = fn(s)
    print(f"perche report — {path.name}: {len(scores)} of {len(rows)} rows used"
          + (f", {len(bad)} bad rows (see above)" if bad else ""))
    if overall is None:
        print("no valid responses")
        out["overall"] = None
    else:
        out["overall"] = overall.to_dict()
        label = {"nps": "NPS", "csat": "CSAT top-2-box %", "ces": "CES mean"}[metric]
        print(f"\n{label}: {_fmt_ci(overall)}   (95% CI, {overall.method}, n={overall.n})")
        if metric == "nps":
            print(f"  promoters {overall.promoter_share:6.1%}   passives {overall.passive_share:6.1%}   "
                  f"detractors {overall.detractor_share:6.1%}")
            print(f"  margin of error ±{(overall.ci_high - overall.ci_low) / 2:.1f} points; "
                  f"±5 points needs {m.nps_sample_size(5.0, overall.promoter_share, overall.detractor_share)} responses")
        for extra in ("csat", "ces"):
            if extra != metric and extra in {h.lower() for h in header}:
                vals = [r.get(extra, "").strip() for r in keep]
                ok = [int(v) for v in vals if v.lstrip("-").isdigit() and _SCALES[extra][0] <= int(v) <= _SCALES[extra][1]]
                missing = len(vals) - len(ok)
                r = {"csat": m.csat, "ces": m.ces}[extra](ok)
                if r is not None:
                    name = {"csat": "CSAT top-2-box %", "ces": "CES mean (1–7)"}[extra]
                    print(f"{name}: {r.score:.2f}  [{r.ci_low:.2f}, {r.ci_high:.2f}]   (n={r.n}"
                          + (f", {missing} missing or invalid" if missing else "") + ")")
                    out[extra] = r.to_dict()

    if date_col and scores:
        t = m.trend(s, np.asarray(dates, dtype="datetime64[D]"), metric=metric, freq=args.freq)
        out["trend"] = t.to_dict()
        print(f"\nTrend by {'month' if args.freq == 'M' else args.freq} ({date_col}):")
        print(f"  {'period':<10} {'n':>5}  {'score':>7}  {'95% CI':>17}")
        for p in t.periods:
            r = p.result
            print(f"  {str(p.period):<10} {r.n:>5}  {r.score:>+7.1f}  [{r.ci_low:+6.1f}, {r.ci_high:+6.1f}]")
        if t.test is not None:
            verdict = "significant DECLINE" if t.test.declining else (
                "significant increase" if t.test.increasing else "no significant trend")
            print(f"  Mann–Kendall: Sen slope {t.test.slope:+.2f}/period, p={t.test.p_value:.4f} → {verdict}")

    out["segments"] = {}
    for col in by_cols:
        labels = [r.get(col, "").strip() or "(vuoto)" for r in keep]
        segs = m.by_segment(s, np.asarray(labels, dtype=object), metric=metric)
        out["segments"][col] = segs.to_dict()
        print(f"\nBy {col}:")
        print(f"  {'segment':<18} {'n':>5}  {'score':>7}  {'95% CI':>17}  {'vs rest':>8}  {'p':>7}  {'p Holm':>7}")
        for g in segs:
            r = g.result
            vs = g.vs_rest
            print(f"  {str(g.key):<18} {r.n:>5}  {r.score:>+7.1f}  [{r.ci_low:+6.1f}, {r.ci_high:+6.1f}]  "
                  + (f"{vs.diff:>+8.1f}  {vs.p_value:>7.4f}  {g.p_holm:>7.4f}" + (" *" if g.p_holm < 0.05 else "")
                     if vs is not None else f"{'—':>8}"))
    if by_cols:
        print("  (* significant after Holm adjustment across the segments of the column)")

    if args.json:
        text = json.dumps(_json_safe(out), indent=2, ensure_ascii=False, allow_nan=False, default=_json_default)
        Path(args.json).write_text(text + "\n", encoding="utf-8")
        print(f"\nJSON written to {args.json}")
    return 0


def _json_safe(v):
    """Recursively replaces non-finite floats (an infinite SE of a one-response segment) by None:
    JSON (RFC 8259) has no NaN or Infinity token."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: _json_safe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_safe(x) for x in v]
    return v


def _json_default(v):
    return str(v)


def analyze_command(args) -> int:
    from .analysis import analyze

    result = analyze(args.file, score=args.score, text=args.text, metric=args.metric, date=args.date, by=args.by,
                     model=args.model, codebook=args.codebook, labels=args.labels, freq=args.freq,
                     bootstrap_samples=args.bootstrap, verbatims=args.verbatims, lang=args.lang,
                     progress=None if args.progress else False)
    src = result.data["source"]
    for p in src["problems"][:20]:
        where = f"line {p['line']}" if "line" in p else f"row {p['row']}"
        print(f"perche: {where}: {p['message']}", file=sys.stderr)
    if src["problems_total"] > 20:
        print(f"perche: … and {src['problems_total'] - 20} more problems (all of the first 100 are in --json)",
              file=sys.stderr)
    print(result.summary(lang=args.lang))
    if args.json:
        result.to_json(args.json)
        print(f"JSON: {args.json}")
    if args.html:
        result.to_html(args.html, lang=args.lang)
        print(f"HTML: {args.html}")
    return 0


def _label_matrix(table, cols, n):
    """Labels from one column of names joined by | ; , or from several 0/1 columns (one per driver)."""
    from .analysis import split_labels

    if len(cols) == 1:
        return split_labels(table[cols[0]], what=f"labels column {cols[0]!r}")
    Y = np.zeros((n, len(cols)), dtype=np.uint8)
    for j, c in enumerate(cols):
        for i, v in enumerate(table[c]):
            v = str(v).strip()
            if v not in ("0", "1", "0.0", "1.0", ""):
                raise CliError(f"labels column {c!r}, data row {i + 1}: {v!r} is not 0 or 1")
            Y[i, j] = v in ("1", "1.0")
    return list(cols), Y


def _read_columns(path: str):
    from .analysis import AnalysisError, _load, _Progress

    try:
        frame = _load(path, _Progress(False))
    except AnalysisError as e:
        raise CliError(str(e)) from None
    for p in frame.source.get("problems", [])[:20]:
        print(f"perche: line {p['line']}: {p['message']}; row skipped", file=sys.stderr)
    return frame


def train_command(args) -> int:
    import time

    from .classify import DriverClassifier

    frame = _read_columns(args.file)
    text_col = frame.find(args.text, (), "text column")
    texts = ["" if t is None else str(t) for t in frame.columns[text_col]]
    keep = [i for i, t in enumerate(texts) if t.strip()]
    if args.codebook is not None:
        from . import Codebook

        cb = Codebook.default() if args.codebook is True else Codebook.load(args.codebook)
        names = list(cb.drivers)
        Y = np.asarray(cb.predict([texts[i] for i in keep]), dtype=np.uint8)
        source = "codebook " + ("(default)" if args.codebook is True else args.codebook)
    else:
        label_cols = [frame.find(c, (), "labels column") for c in args.labels]
        table = {c: frame.columns[c] for c in label_cols}
        names, Y_all = _label_matrix(table, label_cols, len(texts))
        Y = Y_all[keep]
        source = "labels " + ", ".join(label_cols)
    skipped = len(texts) - len(keep)
    empty = [names[j] for j in range(len(names)) if Y[:, j].sum() == 0]
    if empty:
        raise CliError(f"no comment is labelled with driver(s) {', '.join(empty)}; "
                       "remove them or add examples (a model cannot learn a driver it never sees)")
    opts = {"cv_folds": args.cv_folds} if args.cv_folds is not None else {}
    t0 = time.perf_counter()
    clf = DriverClassifier(names, **opts).fit([texts[i] for i in keep], Y)
    secs = time.perf_counter() - t0
    clf.save(args.out)
    print(f"perche train — {Path(args.file).name}: {len(keep)} comments ({skipped} empty skipped), "
          f"{len(names)} drivers from {source}, {secs:.1f} s")
    width = max(len(n) for n in names)
    print(f"  {'driver':<{width}}  {'examples':>8}  {'threshold':>9}")
    for j, (n, t) in enumerate(zip(names, clf.thresholds)):
        print(f"  {n:<{width}}  {int(Y[:, j].sum()):>8}  {t:>9.3f}")
    print(f"model: {args.out}")
    return 0


def classify_command(args) -> int:
    from .analysis import _labeller

    frame = _read_columns(args.file)
    text_col = frame.find(args.text, ("motivo", "testo", "commento", "text", "comment"), "text column")
    if text_col is None:
        raise CliError("no text column (motivo, testo, commento, text, comment); name it with --text")
    kind, _, obj = _labeller(args.model, args.codebook, None)
    texts = ["" if t is None else str(t) for t in frame.columns[text_col]]
    names = list(obj.drivers)
    if kind == "codebook":
        Y = np.asarray(obj.predict(texts), dtype=np.uint8)
        P = Y.astype(float)
    else:
        P = np.asarray(obj.predict_proba(texts))
        Y = (P >= np.asarray(obj.thresholds)[None, :]).astype(np.uint8)
    out = open(args.out, "w", newline="", encoding="utf-8") if args.out else sys.stdout
    try:
        w = csv.writer(out)
        header = list(frame.columns)
        w.writerow(header + names + [f"p_{n}" for n in names])
        cols = [frame.columns[h] for h in header]
        for i in range(len(texts)):
            w.writerow([c[i] for c in cols] + [int(v) for v in Y[i]] + [f"{p:.4f}" for p in P[i]])
    finally:
        if out is not sys.stdout:
            out.close()
    if args.out:
        print(f"perche classify: {len(texts)} rows, {len(names)} drivers → {args.out}", file=sys.stderr)
    return 0


def tokenize_command(args) -> int:
    from .text import Tokenizer

    tok = Tokenizer(stem=args.stem, negation=args.negation)
    for line in sys.stdin:
        line = line.rstrip("\n")
        if args.tokens:
            for t in tok.tokenize(line):
                print(f"{t.text}\t{t.norm}\t{t.kind.name}\t{t.start}\t{t.end}")
            print()
        else:
            print(" ".join(tok.normalize(line)))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="perche", description="Italian Voice-of-the-Customer analytics")
    sub = parser.add_subparsers(dest="command", required=True)

    an = sub.add_parser("analyze", help="the drivers that move the score: survey CSV → summary, JSON, HTML report")
    an.add_argument("file", nargs="?", help="CSV file (default: the shipped sample survey)")
    an.add_argument("--score", help="score column (default: the metric's name)")
    an.add_argument("--text", help="open-answer column (default: motivo, testo, commento, text or comment)")
    an.add_argument("--metric", choices=sorted(_SCALES), default="nps")
    an.add_argument("--date", help="date column for the trend (default: 'data' or 'date' if present)")
    an.add_argument("--freq", choices=["D", "W", "M", "Q", "Y"], default="M", help="trend period (default M)")
    an.add_argument("--by", action="append", help="segment column (repeatable; default: canale, segmento, fase)")
    src = an.add_mutually_exclusive_group()
    src.add_argument("--model", help="driver model from `perche train` (default: the shipped model)")
    src.add_argument("--codebook", nargs="?", const=True, help="label drivers with a codebook file (no file: the shipped one)")
    src.add_argument("--labels", help="use gold driver labels from this column (names joined by | ; or ,)")
    an.add_argument("--html", help="write the visual report (self-contained HTML) to this file")
    an.add_argument("--json", help="write every figure to this JSON file")
    an.add_argument("--lang", choices=["it", "en"], default="it", help="report language (default it)")
    an.add_argument("--bootstrap", type=int, default=2000, help="bootstrap replicates for impact CIs (default 2000)")
    an.add_argument("--verbatims", type=int, default=3, help="verbatims per driver (default 3)")
    an.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar on stderr")

    tr = sub.add_parser("train", help="train a driver model on labelled comments")
    tr.add_argument("file", help="CSV file")
    tr.add_argument("--text", required=True, help="open-answer column")
    lab = tr.add_mutually_exclusive_group(required=True)
    lab.add_argument("--labels", nargs="+", help="one column of driver names joined by | ; or , — or one 0/1 column per driver")
    lab.add_argument("--codebook", nargs="?", const=True, help="label the comments with a codebook first (no file: the shipped one)")
    tr.add_argument("--out", required=True, help="model file to write")
    tr.add_argument("--cv-folds", type=int, help="folds for the per-driver thresholds (default 5; 0 = fixed 0.5)")

    cl = sub.add_parser("classify", help="label each comment: CSV out with a 0/1 and a probability column per driver")
    cl.add_argument("file", help="CSV file")
    cl.add_argument("--text", help="open-answer column (default: motivo, testo, commento, text or comment)")
    clsrc = cl.add_mutually_exclusive_group()
    clsrc.add_argument("--model", help="driver model (default: the shipped model)")
    clsrc.add_argument("--codebook", nargs="?", const=True, help="use a codebook instead of a model")
    cl.add_argument("--out", help="output CSV (default: stdout)")

    tk = sub.add_parser("tokenize", help="Italian tokenizer: stdin lines → normalized terms (or tokens with --tokens)")
    tk.add_argument("--tokens", action="store_true", help="one token per line: surface, norm, kind, start, end")
    tk.add_argument("--stem", action="store_true", help="Snowball stemming")
    tk.add_argument("--negation", action="store_true", help="NEG_ prefix in negation scope")

    rep = sub.add_parser("report", help="metrics report of a survey export (CSV), without drivers")
    rep.add_argument("file", nargs="?", help="CSV file (default: the shipped sample survey)")
    rep.add_argument("--score", help="score column (default: the metric's name)")
    rep.add_argument("--metric", choices=sorted(_SCALES), default="nps")
    rep.add_argument("--date", help="date column for the trend (default: 'data' or 'date' if present)")
    rep.add_argument("--freq", choices=["D", "W", "M", "Q", "Y"], default="M", help="trend period (default M)")
    rep.add_argument("--by", action="append", help="segment column (repeatable; default: canale, segmento, fase)")
    rep.add_argument("--json", help="write every figure to this JSON file")
    args = parser.parse_args(argv)
    commands = {"analyze": analyze_command, "train": train_command, "classify": classify_command,
                "tokenize": tokenize_command, "report": report}
    try:
        return commands[args.command](args)
    except (CliError, ValueError, OSError) as e:
        print(f"perche: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `perche analyze | head`: the reader left, which is not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("perche: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
