# SPDX-License-Identifier: Apache-2.0
"""Renderings of a perche.analyze() result: an aligned terminal summary and a self-contained
HTML report (inline CSS and SVG, no script, no network). Both read only the result dict
(Analysis.data), so a JSON written yesterday renders the same today. Italian by default,
English with lang="en".
"""

from __future__ import annotations

import html
import math
from typing import Any, Optional

_L = {
    "it": {
        "title": "Perché? Analisi dei driver", "rows": "righe usate", "of": "su", "bad": "righe scartate",
        "score_of": "{m}", "ci": "IC {c:.0%}", "trend": "Andamento per periodo", "period": "periodo",
        "drop": "calo significativo", "mk": "Mann–Kendall: pendenza di Sen {s:+.2f} per periodo, p = {p:.4f} → {v}",
        "declining": "calo significativo", "increasing": "crescita significativa", "flat": "nessun trend significativo",
        "drivers": "Driver: cosa muove il punteggio", "driver": "driver", "mentions": "menzioni", "share": "quota",
        "score_m": "punteggio tra chi lo cita", "impact": "impatto", "or_neg": "OR {neg}", "quadrant": "quadrante",
        "impact_title": "Impatto sul punteggio ({m}, punti)", "matrix": "Matrice delle priorità",
        "fix": "Priorità", "strength": "Punti di forza", "monitor": "Da monitorare", "minor": "Secondari",
        "keydriver": "Key-driver analysis (regressione logistica)", "or_pos": "OR {pos}",
        "segments": "Segmenti", "segment": "segmento", "vs_rest": "vs resto", "p_holm": "p Holm",
        "over": "Driver sovra- o sotto-rappresentati nei segmenti (BH)", "share_trend": "Quota dei driver nel tempo",
        "verbatims": "Le parole dei clienti", "notes": "Note", "method": "Metodo",
        "method_text": ("Impatto = punteggio di tutti − punteggio senza chi cita il driver (definizione di "
                        "Thematic), con intervallo bootstrap percentile sulle risposte. Odds ratio da regressione "
                        "logistica con intervalli di Wald. Segmenti confrontati con il resto, p corretti con Holm "
                        "e Benjamini–Hochberg; confronti tra periodi consecutivi corretti con Holm."),
        "no_data": "nessuna risposta valida", "empty": "(nessun dato)", "n": "n", "rising": "in crescita",
        "falling": "in calo", "share_axis": "quota dei commenti", "model": "Driver da",
        "kinds": {"default": "modello predefinito", "file": "modello", "codebook": "codebook", "labels": "etichette"},
        "neg": {"detractor": "detrattori", "bottom_box": "insoddisfatti"},
        "pos": {"promoter": "promotori", "top_box": "soddisfatti"},
        "sig": "* l'intervallo esclude lo zero", "sig_holm": "* significativo dopo la correzione di Holm",
    },
    "en": {
        "title": "Why? Driver analysis", "rows": "rows used", "of": "of", "bad": "bad rows",
        "score_of": "{m}", "ci": "{c:.0%} CI", "trend": "Trend by period", "period": "period",
        "drop": "significant drop", "mk": "Mann–Kendall: Sen slope {s:+.2f} per period, p = {p:.4f} → {v}",
        "declining": "significant decline", "increasing": "significant increase", "flat": "no significant trend",
        "drivers": "Drivers: what moves the score", "driver": "driver", "mentions": "mentions", "share": "share",
        "score_m": "score among mentioners", "impact": "impact", "or_neg": "OR {neg}", "quadrant": "quadrant",
        "impact_title": "Impact on the score ({m}, points)", "matrix": "Priority matrix",
        "fix": "Fix first", "strength": "Strengths", "monitor": "Monitor", "minor": "Minor",
        "keydriver": "Key-driver analysis (logistic regression)", "or_pos": "OR {pos}",
        "segments": "Segments", "segment": "segment", "vs_rest": "vs rest", "p_holm": "p Holm",
        "over": "Drivers over- or under-represented in segments (BH)", "share_trend": "Driver shares over time",
        "verbatims": "In the customers' words", "notes": "Notes", "method": "Method",
        "method_text": ("Impact = score of all − score without the driver's mentioners (Thematic's definition), "
                        "with a percentile bootstrap interval over responses. Odds ratios from logistic "
                        "regression with Wald intervals. Segments compared with the rest, p-values adjusted "
                        "with Holm and Benjamini–Hochberg; consecutive periods compared with Holm adjustment."),
        "no_data": "no valid responses", "empty": "(no data)", "n": "n", "rising": "rising",
        "falling": "falling", "share_axis": "share of comments", "model": "Drivers from",
        "kinds": {"default": "default model", "file": "model", "codebook": "codebook", "labels": "labels"},
        "neg": {"detractor": "detractors", "bottom_box": "dissatisfied"},
        "pos": {"promoter": "promoters", "top_box": "satisfied"},
        "sig": "* the interval excludes zero", "sig_holm": "* significant after Holm adjustment",
    },
}

_METRIC = {"nps": "NPS", "csat": "CSAT %", "ces": "CES"}


def format_score(value: Optional[float], metric: str) -> str:
    """The one way a score is printed: NPS with sign and 1 decimal, CSAT % with 1, CES with 2."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if metric == "nps":
        return f"{value:+.1f}"
    if metric == "ces":
        return f"{value:.2f}"
    return f"{value:.1f}"


def _impact(v: Optional[float], metric: str) -> str:
    if v is None:
        return "—"
    return f"{v:+.2f}" if metric == "ces" else f"{v:+.1f}"


def _or(v: Optional[float]) -> str:
    return "—" if v is None else (f"{v:.2f}" if v < 100 else f"{v:.0f}")


def _pct(v: Optional[float]) -> str:
    return "—" if v is None else f"{100 * v:.1f}%"


def _table(head: list, rows: list, align: str) -> list:
    """Aligned plain-text table; align has one of < > per column."""
    cells = [[str(c) for c in head]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[j]) for r in cells) for j in range(len(head))]
    out = []
    for i, r in enumerate(cells):
        out.append("  " + "  ".join(f"{c:{a}{w}}" for c, a, w in zip(r, align, widths)))
        if i == 0:
            out.append("  " + "  ".join("─" * w for w in widths))
    return out


def _outcomes(data: dict, L: dict) -> tuple:
    kd = data.get("key_driver", {})
    neg = L["neg"].get(kd.get("negative", {}).get("outcome"), "neg")
    pos = L["pos"].get(kd.get("positive", {}).get("outcome"), "pos")
    return neg, pos


def render_text(data: dict, lang: str = "it") -> str:
    """The terminal summary of an analysis (≤ 110 columns)."""
    L = _L[lang]
    metric = data["metric"]
    M = _METRIC[metric]
    src = data["source"]
    lines = []
    name = (src.get("file") or "DataFrame").rsplit("/", 1)[-1]
    lines.append(f"perche analyze — {name}: {src['rows_used']} {L['rows']} {L['of']} {src['rows']}"
                 + (f", {src['bad_rows']} {L['bad']}" if src.get("bad_rows") else ""))
    o = data["overall"]
    if o is None:
        lines.append(L["no_data"])
        return "\n".join(lines) + "\n"
    ci = L["ci"].format(c=data["confidence"])
    lines.append("")
    lines.append(f"{M}: {format_score(o['score'], metric)}  [{format_score(o['ci_low'], metric)}, "
                 f"{format_score(o['ci_high'], metric)}]  ({ci}, n={o['n']})")
    if metric == "nps":
        lines.append(f"  promotori {_pct(o['promoter_share'])}  passivi {_pct(o['passive_share'])}  "
                     f"detrattori {_pct(o['detractor_share'])}" if lang == "it" else
                     f"  promoters {_pct(o['promoter_share'])}  passives {_pct(o['passive_share'])}  "
                     f"detractors {_pct(o['detractor_share'])}")
    t = data.get("trend")
    if t:
        lines += ["", f"{L['trend']} ({t['column']}, {t['freq']}):"]
        rows = [[p["period"], p["n"], format_score(p["score"], metric),
                 f"[{format_score(p['ci_low'], metric)}, {format_score(p['ci_high'], metric)}]",
                 _impact(p["diff_prev"], metric) if p["diff_prev"] is not None else "",
                 ("▼ " + L["drop"]) if p["significant_drop"] else ""] for p in t["periods"]]
        lines += _table([L["period"], L["n"], M, ci, "Δ", ""], rows, "<>>>><")
        if t.get("test"):
            tt = t["test"]
            verdict = L["declining"] if tt["declining"] else L["increasing"] if tt["increasing"] else L["flat"]
            lines.append("  " + L["mk"].format(s=tt["slope"], p=tt["p_value"], v=verdict))
    neg, pos = _outcomes(data, L)
    lines += ["", L["drivers"] + f" — {L['model']} {L['kinds'].get(data['model']['kind'], '')}:"]
    rows = []
    for d in data["drivers"]:
        imp = _impact(d["impact"], metric)
        if d["impact"] is not None and d["impact_ci_low"] is not None:
            imp += f" [{_impact(d['impact_ci_low'], metric)}, {_impact(d['impact_ci_high'], metric)}]"
            imp += " *" if d["impact_significant"] else "  "
        orn = _or(d["or_negative"])
        if d["or_negative"] is not None:
            orn += f" [{_or(d['or_negative_ci_low'])}, {_or(d['or_negative_ci_high'])}]"
        rows.append([d["label"][:26], d["mentions"], _pct(d["share"]), format_score(d["score"], metric), imp, orn,
                     L.get(d["quadrant"], "—") if d["quadrant"] else "—"])
    lines += _table([L["driver"], L["mentions"], L["share"], M, L["impact"], L["or_neg"].format(neg=neg),
                     L["quadrant"]], rows, "<>>>>><")
    lines.append("  " + L["sig"])
    for s in data.get("segments", []):
        lines += ["", f"{L['segments']}: {s['column']}"]
        rows = [[g["segment"][:24], g["n"], format_score(g["score"], metric),
                 f"[{format_score(g['ci_low'], metric)}, {format_score(g['ci_high'], metric)}]",
                 _impact(g["diff_vs_rest"], metric) if g["diff_vs_rest"] is not None else "—",
                 "—" if g["p_holm"] is None else f"{g['p_holm']:.4f}" + (" *" if g["significant"] else "  ")]
                for g in s["groups"]]
        lines += _table([L["segment"], L["n"], M, ci, L["vs_rest"], L["p_holm"]], rows, "<>>>>>")
    if data.get("segments"):
        lines.append("  " + L["sig_holm"])
    labels = data["model"]["labels"]
    if data.get("verbatims"):
        lines += ["", L["verbatims"] + ":"]
        seen: dict = {}
        for v in data["verbatims"]:
            if seen.get(v["driver"], 0) >= 2:
                continue
            seen[v["driver"]] = seen.get(v["driver"], 0) + 1
            text = " ".join(v["text"].split())
            text = text if len(text) <= 90 else text[:89] + "…"
            lines.append(f"  [{labels.get(v['driver'], v['driver'])[:22]}, {M} {v['score']}] “{text}”")
    if data.get("notes"):
        lines += ["", L["notes"] + ":"] + [f"  - {n}" for n in data["notes"]]
    return "\n".join(lines) + "\n"


# --- HTML ------------------------------------------------------------------------------------------

_CSS = """
:root{--ink:#1f2933;--muted:#616e7c;--line:#d9e2ec;--bg:#f7f9fb;--neg:#c0392b;--pos:#1e8449;--accent:#24527a}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
color:var(--ink);background:var(--bg)}main{max-width:1080px;margin:0 auto;padding:24px}
header{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-end;border-bottom:2px solid var(--line);padding-bottom:16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;color:var(--accent)}
.kpi{font-size:44px;font-weight:700;line-height:1}.kpi small{font-size:15px;font-weight:400;color:var(--muted)}
.meta{color:var(--muted);font-size:13px}section{background:#fff;border:1px solid var(--line);border-radius:8px;
padding:16px 20px;margin-top:16px}table{border-collapse:collapse;width:100%;font-size:13.5px}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}th{color:var(--muted);font-weight:600}
.sig{font-weight:700}.neg{color:var(--neg)}.pos{color:var(--pos)}svg{max-width:100%;height:auto}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;fill:var(--ink)}
blockquote{margin:8px 0;padding:8px 12px;border-left:4px solid var(--line);background:var(--bg)}
blockquote .who{display:block;color:var(--muted);font-size:12px}mark{background:#ffe58a;padding:0 1px}
h3{font-size:15px;margin:16px 0 4px}.note{color:var(--muted);font-size:13px}
@media print{body{background:#fff}section{break-inside:avoid;border:none}}
"""


def _e(s: Any) -> str:
    return html.escape(str(s), quote=True)


def _marked(text: str, spans: list) -> str:
    """text with <mark> around the union of the highlight spans (code-point offsets)."""
    flags = [False] * len(text)
    for h in spans:
        for i in range(max(0, int(h["start"])), min(len(text), int(h["end"]))):
            flags[i] = True
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and flags[j] == flags[i]:
            j += 1
        chunk = _e(text[i:j])
        out.append(f"<mark>{chunk}</mark>" if flags[i] else chunk)
        i = j
    return "".join(out)


def _trend_svg(t: dict, metric: str, L: dict) -> str:
    ps = [p for p in t["periods"] if p["score"] is not None]
    if not ps:
        return f"<p>{L['empty']}</p>"
    W, H, left, right, top, bottom = 900, 280, 56, 36, 16, 40
    lo = min(p["ci_low"] if p["ci_low"] is not None else p["score"] for p in ps)
    hi = max(p["ci_high"] if p["ci_high"] is not None else p["score"] for p in ps)
    pad = (hi - lo) * 0.08 or 1.0
    lo, hi = lo - pad, hi + pad
    n = len(ps)

    def x(i):
        return left + (W - left - right) * (0.5 if n == 1 else i / (n - 1))

    def y(v):
        return top + (H - top - bottom) * (hi - v) / (hi - lo)

    band = " ".join(f"{x(i):.1f},{y(p['ci_high'] if p['ci_high'] is not None else p['score']):.1f}" for i, p in enumerate(ps))
    band += " " + " ".join(f"{x(i):.1f},{y(p['ci_low'] if p['ci_low'] is not None else p['score']):.1f}"
                           for i, p in reversed(list(enumerate(ps))))
    line = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(p['score']):.1f}" for i, p in enumerate(ps))
    parts = [f'<svg id="trend" viewBox="0 0 {W} {H}" role="img" aria-label="{_e(L["trend"])}">']
    for k in range(5):  # grid and axis labels
        v = lo + (hi - lo) * k / 4
        parts.append(f'<line x1="{left}" x2="{W - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eef2f6"/>'
                     f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{_e(format_score(v, metric))}</text>')
    parts.append(f'<path class="ci-band" d="M{band.replace(" ", " L")} Z" fill="#24527a" fill-opacity="0.15" stroke="none"/>')
    parts.append(f'<path class="score-line" d="{line}" fill="none" stroke="#24527a" stroke-width="2"/>')
    step = max(1, n // 12)
    for i, p in enumerate(ps):
        cls = "point drop" if p["significant_drop"] else "point"
        color = "#c0392b" if p["significant_drop"] else "#24527a"
        r = 6 if p["significant_drop"] else 3.5
        tip = f"{p['period']}: {format_score(p['score'], metric)} [{format_score(p['ci_low'], metric)}, " \
              f"{format_score(p['ci_high'], metric)}], n={p['n']}"
        if p["significant_drop"]:
            tip += f" — {L['drop']} ({_impact(p['diff_prev'], metric)})"
        parts.append(f'<circle class="{cls}" cx="{x(i):.1f}" cy="{y(p["score"]):.1f}" r="{r}" fill="{color}">'
                     f"<title>{_e(tip)}</title></circle>")
        if i % step == 0 or i == n - 1:
            parts.append(f'<text x="{x(i):.1f}" y="{H - bottom + 18}" text-anchor="middle">{_e(p["period"])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _impact_svg(drivers: list, metric: str, L: dict) -> str:
    ds = [d for d in drivers if d["impact"] is not None]
    W, row, left, right, top = 900, 30, 250, 30, 24
    H = top + row * len(ds) + 24
    vals = [v for d in ds for v in (d["impact"], d["impact_ci_low"], d["impact_ci_high"]) if v is not None] + [0.0]
    lo, hi = min(vals), max(vals)
    pad = (hi - lo) * 0.06 or 1.0
    lo, hi = lo - pad, hi + pad

    def x(v):
        return left + (W - left - right) * (v - lo) / (hi - lo)

    parts = [f'<svg id="driver-impact" viewBox="0 0 {W} {H}" role="img" aria-label="{_e(L["impact_title"].format(m=_METRIC[metric]))}">',
             f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top - 8}" y2="{H - 16}" stroke="#616e7c"/>',
             f'<text x="{x(0):.1f}" y="{top - 10}" text-anchor="middle">0</text>']
    for i, d in enumerate(ds):
        yc = top + row * i + row / 2
        a, b = sorted((x(0), x(d["impact"])))
        color = "#c0392b" if d["impact"] < 0 else "#1e8449"
        tip = f"{d['label']}: {_impact(d['impact'], metric)} [{_impact(d['impact_ci_low'], metric)}, " \
              f"{_impact(d['impact_ci_high'], metric)}]"
        parts.append(f'<text x="{left - 8}" y="{yc + 4:.1f}" text-anchor="end">{_e(d["label"])}</text>')
        parts.append(f'<rect class="impact-bar" data-driver="{_e(d["driver"])}" x="{a:.1f}" y="{yc - 9:.1f}" '
                     f'width="{max(b - a, 1):.1f}" height="18" fill="{color}" fill-opacity="0.85"><title>{_e(tip)}</title></rect>')
        if d["impact_ci_low"] is not None:
            l, h = x(d["impact_ci_low"]), x(d["impact_ci_high"])
            parts.append(f'<path class="whisker" d="M{l:.1f},{yc:.1f} H{h:.1f} M{l:.1f},{yc - 5:.1f} V{yc + 5:.1f} '
                         f'M{h:.1f},{yc - 5:.1f} V{yc + 5:.1f}" stroke="#1f2933" stroke-width="1.2" fill="none"/>')
    parts.append("</svg>")
    return "".join(parts)


def _matrix_svg(drivers: list, threshold: float, metric: str, L: dict) -> str:
    ds = [d for d in drivers if d["impact"] is not None]
    W, H, left, right, top, bottom = 900, 420, 64, 24, 24, 48
    xs = [d["share"] for d in ds] + [threshold]
    ys = [d["impact"] for d in ds] + [0.0]
    x0, x1 = 0.0, max(xs) * 1.12 or 1.0
    yl, yh = min(ys), max(ys)
    pad = (yh - yl) * 0.12 or 1.0
    yl, yh = yl - pad, yh + pad

    def x(v):
        return left + (W - left - right) * (v - x0) / (x1 - x0)

    def y(v):
        return top + (H - top - bottom) * (yh - v) / (yh - yl)

    parts = [f'<svg id="priority-matrix" viewBox="0 0 {W} {H}" role="img" aria-label="{_e(L["matrix"])}">',
             f'<rect x="{x(threshold):.1f}" y="{y(0):.1f}" width="{x(x1) - x(threshold):.1f}" height="{y(yl) - y(0):.1f}" fill="#c0392b" fill-opacity="0.06"/>',
             f'<line x1="{x(threshold):.1f}" x2="{x(threshold):.1f}" y1="{top}" y2="{H - bottom}" stroke="#9aa5b1" stroke-dasharray="4 4"/>',
             f'<line x1="{left}" x2="{W - right}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#9aa5b1" stroke-dasharray="4 4"/>',
             f'<text x="{W - right - 4}" y="{H - bottom - 8}" text-anchor="end" class="q">{_e(L["fix"])}</text>',
             f'<text x="{left + 4}" y="{H - bottom - 8}" class="q">{_e(L["monitor"])}</text>',
             f'<text x="{W - right - 4}" y="{top + 14}" text-anchor="end" class="q">{_e(L["strength"])}</text>',
             f'<text x="{left + 4}" y="{top + 14}" class="q">{_e(L["minor"])}</text>',
             f'<text x="{(left + W - right) / 2:.1f}" y="{H - 8}" text-anchor="middle">{_e(L["share_axis"])}</text>',
             f'<text x="14" y="{(top + H - bottom) / 2:.1f}" transform="rotate(-90 14 {(top + H - bottom) / 2:.1f})" '
             f'text-anchor="middle">{_e(L["impact"])} ({_e(_METRIC[metric])})</text>']
    for k in range(5):
        v = x0 + (x1 - x0) * k / 4
        parts.append(f'<text x="{x(v):.1f}" y="{H - bottom + 16}" text-anchor="middle">{100 * v:.0f}%</text>')
    for d in ds:
        color = "#c0392b" if d["impact"] < 0 else "#1e8449"
        cx, cy = x(d["share"]), y(d["impact"])
        # Labels right of the point, or left of it near the right edge, so that none is cut off.
        lx, anchor = (cx + 10, "start") if cx < W - 220 else (cx - 10, "end")
        parts.append(f'<circle data-driver="{_e(d["driver"])}" cx="{cx:.1f}" cy="{cy:.1f}" r="7" fill="{color}" '
                     f'fill-opacity="0.8"><title>{_e(d["label"])}: {_pct(d["share"])}, {_impact(d["impact"], metric)}</title></circle>'
                     f'<text x="{lx:.1f}" y="{cy + 4:.1f}" text-anchor="{anchor}">{_e(d["label"])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _html_table(head: list, rows: list) -> str:
    h = "".join(f"<th>{_e(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(c if str(c).startswith("<td") else f"<td>{_e(c)}</td>" for c in r) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def render_html(data: dict, lang: str = "it") -> str:
    """The self-contained HTML report of an analysis."""
    L = _L[lang]
    metric = data["metric"]
    M = _METRIC[metric]
    src = data["source"]
    o = data["overall"]
    ci = L["ci"].format(c=data["confidence"])
    name = (src.get("file") or "DataFrame").rsplit("/", 1)[-1]
    out = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">'
           f"<title>{_e(L['title'])} — {_e(name)}</title><style>{_CSS}</style></head><body><main>"]
    periods = (data.get("trend") or {}).get("periods") or []
    span = f" · {periods[0]['period']} – {periods[-1]['period']}" if periods else ""
    if o is None:
        out.append(f"<header><h1>{_e(L['title'])}</h1><p>{_e(L['no_data'])}</p></header>")
    else:
        out.append(f"<header><div><h1>{_e(L['title'])}</h1><div class=\"meta\">{_e(name)}{_e(span)} · "
                   f"{src['rows_used']} {_e(L['rows'])} {_e(L['of'])} {src['rows']}"
                   + (f" · {src['bad_rows']} {_e(L['bad'])}" if src.get("bad_rows") else "") + "</div></div>"
                   f'<div class="kpi">{_e(M)} <span id="score-value">{_e(format_score(o["score"], metric))}</span> '
                   f"<small>{_e(ci)} [{_e(format_score(o['ci_low'], metric))}, {_e(format_score(o['ci_high'], metric))}]"
                   f", n = {o['n']}</small></div></header>")
    t = data.get("trend")
    if t:
        verdict = ""
        if t.get("test"):
            tt = t["test"]
            v = L["declining"] if tt["declining"] else L["increasing"] if tt["increasing"] else L["flat"]
            verdict = f"<p class=\"note\">{_e(L['mk'].format(s=tt['slope'], p=tt['p_value'], v=v))}</p>"
        out.append(f"<section><h2>{_e(L['trend'])}</h2>{_trend_svg(t, metric, L)}{verdict}</section>")
    neg, pos = _outcomes(data, L)
    drivers = data["drivers"]
    out.append(f"<section><h2>{_e(L['impact_title'].format(m=M))}</h2>{_impact_svg(drivers, metric, L)}")
    rows = []
    for d in drivers:
        imp_cls = "sig " if d["impact_significant"] else ""
        imp_cls += "neg" if (d["impact"] or 0) < 0 else "pos"
        ci_txt = "" if d["impact_ci_low"] is None else \
            f" [{_impact(d['impact_ci_low'], metric)}, {_impact(d['impact_ci_high'], metric)}]"
        rows.append([d["label"], d["mentions"], _pct(d["share"]), format_score(d["score"], metric),
                     f'<td class="{imp_cls}">{_e(_impact(d["impact"], metric) + ci_txt)}</td>',
                     L.get(d["quadrant"], "—") if d["quadrant"] else "—"])
    out.append(_html_table([L["driver"], L["mentions"], L["share"], f"{M} ({L['score_m']})", L["impact"], L["quadrant"]],
                           rows) + f"<p class=\"note\">{_e(L['sig'])}</p></section>")
    out.append(f"<section><h2>{_e(L['matrix'])}</h2>"
               f"{_matrix_svg(drivers, data['priority']['share_threshold'], metric, L)}</section>")
    rows = []
    for d in drivers:
        def orc(prefix):
            v = d[prefix]
            if v is None:
                return "—"
            return f"{_or(v)} [{_or(d[prefix + '_ci_low'])}, {_or(d[prefix + '_ci_high'])}]"
        rows.append([d["label"], orc("or_negative"),
                     "—" if d["p_negative"] is None else f"{d['p_negative']:.2g}", orc("or_positive"),
                     "—" if d["p_positive"] is None else f"{d['p_positive']:.2g}"])
    kd = data.get("key_driver", {})
    r2 = " · ".join(f"{L['neg' if k == 'negative' else 'pos'].get(v['outcome'], v['outcome'])}: n={v['n']}, "
                    f"pseudo-R² {v['pseudo_r2']:.3f}" for k, v in kd.items() if v.get("converged"))
    out.append(f"<section><h2>{_e(L['keydriver'])}</h2>" + _html_table(
        [L["driver"], L["or_neg"].format(neg=neg), "p", L["or_pos"].format(pos=pos), "p"], rows)
        + f"<p class=\"note\">{_e(r2)}</p></section>")
    if data.get("segments"):
        out.append(f"<section><h2>{_e(L['segments'])}</h2>")
        for s in data["segments"]:
            rows = []
            for g in s["groups"]:
                p = "—" if g["p_holm"] is None else f"{g['p_holm']:.4f}" + (" *" if g["significant"] else "")
                rows.append([g["segment"], g["n"], format_score(g["score"], metric),
                             f"[{format_score(g['ci_low'], metric)}, {format_score(g['ci_high'], metric)}]",
                             "—" if g["diff_vs_rest"] is None else _impact(g["diff_vs_rest"], metric),
                             f'<td class="{"sig" if g["significant"] else ""}">{_e(p)}</td>'])
            out.append(f"<h3>{_e(s['column'])}</h3>" + _html_table([L["segment"], L["n"], M, ci, L["vs_rest"], L["p_holm"]], rows))
        out.append(f"<p class=\"note\">{_e(L['sig_holm'])}</p>")
        cells = [c for c in data.get("driver_segments", []) if c["significant"]]
        if cells:
            labels = data["model"]["labels"]
            rows = [[f"{c['column']} = {c['segment']}", labels.get(c["driver"], c["driver"]), _pct(c["share"]),
                     _pct(c["share_rest"]), f'<td class="{"neg" if c["diff"] > 0 else "pos"}">{100 * c["diff"]:+.1f}</td>',
                     f"{c['p_bh']:.2g}"] for c in sorted(cells, key=lambda c: -abs(c["diff"]))[:20]]
            out.append(f"<h3>{_e(L['over'])}</h3>" + _html_table(
                [L["segment"], L["driver"], L["share"], L["vs_rest"], "Δ pp", "p BH"], rows))
        out.append("</section>")
    if data.get("driver_trend"):
        labels = data["model"]["labels"]
        rows = []
        for d in data["driver_trend"]:
            ps = d["periods"]
            if not ps:
                continue
            tt = d.get("test")
            flag = "" if not tt else (L["rising"] if tt["increasing"] else L["falling"] if tt["declining"] else "")
            rows.append([labels.get(d["driver"], d["driver"]), _pct(ps[0]["share"]), _pct(ps[-1]["share"]),
                         f'<td class="{"neg sig" if flag == L["rising"] else "pos sig" if flag else ""}">{_e(flag or "—")}</td>',
                         "—" if not tt else f"{tt['p_value']:.3g}"])
        first = data["driver_trend"][0]["periods"]
        if first:
            out.append(f"<section><h2>{_e(L['share_trend'])}</h2>" + _html_table(
                [L["driver"], first[0]["period"], first[-1]["period"], "Mann–Kendall", "p"], rows) + "</section>")
    if data.get("verbatims"):
        labels = data["model"]["labels"]
        out.append(f'<section id="verbatims"><h2>{_e(L["verbatims"])}</h2>')
        current = None
        for v in data["verbatims"]:
            if v["driver"] != current:
                current = v["driver"]
                out.append(f"<h3>{_e(labels.get(current, current))}</h3>")
            who = " · ".join(str(x) for x in (f"{M} {v['score']}", v.get("segment"), v.get("date")) if x)
            out.append(f"<blockquote>{_marked(v['text'], v.get('highlights', []))}"
                       f"<span class=\"who\">{_e(who)}</span></blockquote>")
        out.append("</section>")
    notes = "".join(f"<li>{_e(n)}</li>" for n in data.get("notes", []))
    out.append(f"<section><h2>{_e(L['method'])}</h2><p class=\"note\">{_e(L['method_text'])}</p>"
               + (f"<h3>{_e(L['notes'])}</h3><ul class=\"note\">{notes}</ul>" if notes else "")
               + f"<p class=\"note\">perche {_e(data.get('perche_version', ''))}</p></section>")
    out.append("</main></body></html>\n")
    return "".join(out)
