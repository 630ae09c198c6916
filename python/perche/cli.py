# SPDX-License-Identifier: Apache-2.0
"""The `perche` command line.

    perche report [FILE] [--score COL] [--metric nps|csat|ces] [--date COL] [--by COL ...] [--json OUT]

With no FILE it reads the sample survey shipped with the package.
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="perche", description="Italian Voice-of-the-Customer analytics")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="metrics report of a survey export (CSV)")
    rep.add_argument("file", nargs="?", help="CSV file (default: the shipped sample survey)")
    rep.add_argument("--score", help="score column (default: the metric's name)")
    rep.add_argument("--metric", choices=sorted(_SCALES), default="nps")
    rep.add_argument("--date", help="date column for the trend (default: 'data' or 'date' if present)")
    rep.add_argument("--freq", choices=["D", "W", "M", "Q", "Y"], default="M", help="trend period (default M)")
    rep.add_argument("--by", action="append", help="segment column (repeatable; default: canale, segmento, fase)")
    rep.add_argument("--json", help="write every figure to this JSON file")
    args = parser.parse_args(argv)
    try:
        return report(args)
    except CliError as e:
        print(f"perche: {e}", file=sys.stderr)
        return 2
    except ValueError as e:
        print(f"perche: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `perche report | head`: the reader left, which is not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
