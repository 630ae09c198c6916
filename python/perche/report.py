# SPDX-License-Identifier: Apache-2.0
"""Renderings of a perche.analyze() result: an aligned terminal summary and a self-contained
HTML report (inline CSS and SVG, no script, no network). Both read only the result dict
(Analysis.data), so a JSON written yesterday renders the same today. Italian by default,
English with lang="en".

Every value of the dict is data, and data may be hostile (a JSON file anyone can edit; column
names, segment values, comments, driver names and codebook labels typed by anyone): a number is
read through _f/_i (anything else prints "—"), a string reaches the page only through _e (element
text and quoted attribute values alike, in HTML and inline SVG), and markup is built here only, by
type (_Td), never recognised by its content. Class names, ids and colours come from this module.
The page carries a Content-Security-Policy that forbids script, as a second wall. The terminal
summary replaces control characters of the data (terminal escapes, bidi overrides) with U+FFFD.
"""

from __future__ import annotations

import html
import math
import numbers
import re
import textwrap
from typing import Any, NamedTuple, Optional

_L = {
    "it": {
        "title": "Perché? Analisi dei driver", "title_metrics": "Perché? Metriche", "rows": "righe usate", "of": "su", "bad": "righe scartate", "missing": "mancanti o non validi",
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
        "kinds": {"default": "modello predefinito", "model": "modello", "file": "modello", "codebook": "codebook", "labels": "etichette"},
        "neg": {"detractor": "detrattori", "bottom_box": "insoddisfatti"},
        "pos": {"promoter": "promotori", "top_box": "soddisfatti"},
        "sig": "* l'intervallo esclude lo zero", "sig_holm": "* significativo dopo la correzione di Holm",
        "not_significant": "non significativo", "few_mentions": "poche menzioni", "ci_bare": "IC", "centre": "centro dell'intervallo {c}",
        "centre_note": ("Con poche risposte l'intervallo è centrato su una stima corretta per i piccoli campioni, "
                        "non sul punteggio osservato, che può cadere fuori dall'intervallo: in quel caso è "
                        "indicato il centro dell'intervallo."),
        "ns_note": "In grigio i driver il cui impatto ha un intervallo che include lo zero (non significativo).",
        "sentiment": "Sentiment dei commenti", "sent_model": {"default": "lessico predefinito", "model": "modello"},
        "classes": {"positive": "positivi", "negative": "negativi", "mixed": "misti", "neutral": "neutri"},
        "class1": {"positive": "positivo", "negative": "negativo", "mixed": "misto", "neutral": "neutro"},
        "net": "netto", "hidden": "Rischio nascosto: {p} dei promotori con un commento ha scritto un commento negativo o misto",
        "mirror": "{p} dei detrattori con un commento ha scritto un commento positivo",
        "sent_drivers": "Sentiment per driver", "neg_share": "neg. o misti", "pos_share": "positivi",
        "neg_impact": "impatto neg.", "pos_impact": "impatto pos.",
        "pain": "Punti dolenti", "delight": "Cosa piace", "neg_trend": "Quota di commenti negativi o misti per periodo",
        "sent_note_driver": ("Sentiment per driver: il modello legge la polarità di ogni driver nel commento (in "
                             "«gentili, ma ho atteso un'ora» la cortesia è positiva, l'attesa negativa); una menzione "
                             "negativa o mista è un punto dolente, una positiva un punto di forza. Impatto delle "
                             "menzioni negative = punteggio di tutti − punteggio senza chi ne parla in negativo (così "
                             "per le positive), con intervallo bootstrap."),
        "sent_note": ("Sentiment per commento: un commento negativo o misto che cita un driver ne è un punto "
                      "dolente, uno positivo un punto di forza. Impatto delle menzioni negative = punteggio di "
                      "tutti − punteggio senza chi cita il driver in un commento negativo o misto (così per le "
                      "positive), con intervallo bootstrap."),
        "guard": ("Attenzione: questi commenti sembrano fuori dal dominio del {what}: {figures}. I driver di "
                  "questo report sono poco affidabili: trova i temi di questi commenti con `perche discover`, "
                  "oppure etichettane un campione (`perche sample`) e addestra un modello (`perche train`)."),
        "guard_what": {"default": "modello predefinito (addestrato su commenti di contact center)",
                       "model": "modello", "codebook": "codebook"},
        "guard_known": "solo {a}{p} ha abbastanza parole note al modello (soglia {t})",
        "guard_overlap": "{a}{p} delle loro parole è nel suo vocabolario (soglia {t})",
        "guard_driver": "{a}{p} ha ricevuto almeno un driver",
        "guard_codebook": "solo {a}{p} corrisponde ad almeno un tema (soglia {t})",
    },
    "en": {
        "title": "Why? Driver analysis", "title_metrics": "Why? Metrics", "rows": "rows used", "of": "of", "bad": "bad rows", "missing": "missing or invalid",
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
        "kinds": {"default": "default model", "model": "model", "file": "model", "codebook": "codebook", "labels": "labels"},
        "neg": {"detractor": "detractors", "bottom_box": "dissatisfied"},
        "pos": {"promoter": "promoters", "top_box": "satisfied"},
        "sig": "* the interval excludes zero", "sig_holm": "* significant after Holm adjustment",
        "not_significant": "not significant", "few_mentions": "few mentions", "ci_bare": "CI", "centre": "interval centre {c}",
        "centre_note": ("With few responses the interval is centred on a small-sample estimate, not on the "
                        "observed score, which can fall outside it: then the interval centre is shown."),
        "ns_note": "Grey: drivers whose impact interval includes zero (not significant).",
        "sentiment": "Sentiment of the comments", "sent_model": {"default": "default lexicon", "model": "model"},
        "classes": {"positive": "positive", "negative": "negative", "mixed": "mixed", "neutral": "neutral"},
        "class1": {"positive": "positive", "negative": "negative", "mixed": "mixed", "neutral": "neutral"},
        "net": "net", "hidden": "Hidden risk: {p} of the promoters with a comment wrote a negative or mixed one",
        "mirror": "{p} of the detractors with a comment wrote a positive one",
        "sent_drivers": "Sentiment by driver", "neg_share": "neg. or mixed", "pos_share": "positive",
        "neg_impact": "neg. impact", "pos_impact": "pos. impact",
        "pain": "Pain points", "delight": "Delights", "neg_trend": "Share of negative or mixed comments by period",
        "sent_note_driver": ("Sentiment by driver: the model reads the polarity of each driver in the comment (in "
                             "\"kind, but I waited an hour\" courtesy is positive, waiting negative); a negative or "
                             "mixed mention is a pain point, a positive one a delight. Impact of negative mentions = "
                             "score of all − score without those who speak of the driver negatively (likewise for "
                             "positive ones), with a bootstrap interval."),
        "sent_note": ("Sentiment per comment: a negative or mixed comment that mentions a driver is one of its "
                      "pain points, a positive one a delight. Impact of negative mentions = score of all − score "
                      "without those who mention the driver in a negative or mixed comment (likewise for "
                      "positive ones), with a bootstrap interval."),
        "guard": ("Warning: these comments look out of the domain of the {what}: {figures}. The drivers of this "
                  "report are unreliable: find the themes of these comments with `perche discover`, or label a "
                  "sample (`perche sample`) and train a model (`perche train`)."),
        "guard_what": {"default": "default model (trained on contact-centre comments)", "model": "model",
                       "codebook": "codebook"},
        "guard_known": "only {p} of them have enough words the model knows (threshold {t})",
        "guard_overlap": "{p} of their words are in its vocabulary (threshold {t})",
        "guard_driver": "{p} were given a driver",
        "guard_codebook": "only {p} match any of its themes (threshold {t})",
    },
}

_METRIC = {"nps": "NPS", "csat": "CSAT %", "ces": "CES"}
# Schema 3 made each note an object {code, message} and added model.coverage; schema 4 added the
# summary in words; schema-2 documents (notes as strings) and schema-3 ones (no summary) still render.
_SCHEMAS = (2, 3, 4)
_QUADRANTS = ("fix", "monitor", "strength", "minor", "not_significant")


# --- reading the dict: every value is data --------------------------------------------------------


def _f(v: Any) -> Optional[float]:
    """A finite real number from the data, or None (missing, not a number, NaN, infinite)."""
    if v is None or isinstance(v, bool) or not isinstance(v, numbers.Real):
        return None
    try:
        x = float(v)
    except (OverflowError, ValueError, TypeError):
        return None
    return x if math.isfinite(x) else None


def _i(v: Any) -> Optional[int]:
    """A count from the data, or None."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        return None
    if isinstance(v, numbers.Integral):
        return int(v)
    x = _f(v)
    return int(x) if x is not None and x.is_integer() else None


def _n(v: Any) -> str:
    """A count as printed: digits or —."""
    x = _i(v)
    return "—" if x is None else str(x)


def _s(v: Any) -> str:
    return "" if v is None else str(v)


def _d(v: Any) -> dict:
    return v if isinstance(v, dict) else {}


def _l(v: Any) -> list:
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def _b(v: Any) -> bool:
    return v is True


def _label(labels: dict, key: Any) -> str:
    """The display label of a driver: labels[key], else the key itself."""
    v = labels.get(key) if isinstance(key, str) else None
    return _s(v) if isinstance(v, str) and v else _s(key)


def _lang(data: Any, lang: Optional[str]) -> Any:
    """The language asked for, else the document's own (SurveyOptions::lang when it was made)."""
    return data.get("lang") if lang is None and isinstance(data, dict) else lang


def _check(data: Any, lang: Optional[str]) -> tuple:
    if not isinstance(data, dict):
        raise ValueError(f"report: the result is a {type(data).__name__}, expected the dict of perche.analyze()")
    lang = _lang(data, lang)
    if not isinstance(lang, str) or lang not in _L:
        raise ValueError(f"report: lang {lang!r} is not 'it' or 'en'")
    schema = data.get("schema", 3)
    if isinstance(schema, int) and not isinstance(schema, bool) and schema not in _SCHEMAS:
        raise ValueError(f"report: schema {str(schema)[:20]!r} is not 2, 3 or 4, the JSON layouts this perche renders "
                         "(docs/schema.md)")
    metric = data.get("metric")
    if not isinstance(metric, str) or metric not in _METRIC:
        raise ValueError(f"report: metric {str(metric)[:40]!r} is not one of 'nps', 'csat', 'ces'")
    return _L[lang], metric


# --- formatting -----------------------------------------------------------------------------------


def format_score(value: Optional[float], metric: str) -> str:
    """The one way a score is printed: NPS with sign and 1 decimal, CSAT % with 1, CES with 2."""
    v = _f(value)
    if v is None:
        return "—"
    if metric == "nps":
        return f"{v:+.1f}"
    if metric == "ces":
        return f"{v:.2f}"
    return f"{v:.1f}"


def _impact(v: Any, metric: str) -> str:
    x = _f(v)
    if x is None:
        return "—"
    return f"{x:+.2f}" if metric == "ces" else f"{x:+.1f}"


def _or(v: Any) -> str:
    x = _f(v)
    return "—" if x is None else (f"{x:.2f}" if x < 100 else f"{x:.0f}")


def _pct(v: Any) -> str:
    x = _f(v)
    return "—" if x is None else f"{100 * x:.1f}%"


def _p(v: Any, spec: str) -> str:
    x = _f(v)
    return "—" if x is None else format(x, spec)


def _ci_name(data: dict, L: dict) -> str:
    c = _f(data.get("confidence"))
    return L["ci"].format(c=c) if c is not None and 0 < c < 1 else L["ci_bare"]


def _interval(r: dict, metric: str, L: dict) -> tuple:
    """("[low, high]", centre note or "") of a score: the centre of the interval is printed whenever
    the score lies outside its interval (adjusted Wald with few responses: one 10 gives NPS +100
    with CI [−48.5, +98.5]), so that no such pair is ever shown alone."""
    score, lo, hi = _f(r.get("score")), _f(r.get("ci_low")), _f(r.get("ci_high"))
    text = f"[{format_score(lo, metric)}, {format_score(hi, metric)}]"
    if score is None or lo is None or hi is None or lo <= score <= hi:
        return text, ""
    c = _f(r.get("center"))
    return text, L["centre"].format(c=format_score((lo + hi) / 2 if c is None else c, metric))


def _quadrant(d: dict) -> Optional[str]:
    """The driver's quadrant; a label that implies importance (fix, strength, …) only when the
    impact's interval excludes zero: otherwise not_significant, as the core decides (a JSON written
    before the core had not_significant says so through impact_significant)."""
    q = d.get("quadrant")
    if q not in _QUADRANTS:
        return None
    return q if q == "not_significant" or _b(d.get("impact_significant")) else "not_significant"


def _notes(data: dict) -> list:
    """The notes to list, as (code, message): a schema-2 note is a string; the domain guard's is
    worded by _guard instead."""
    out = []
    notes = data.get("notes")
    for n in notes if isinstance(notes, list) else []:
        code, message = (n.get("code"), n.get("message")) if isinstance(n, dict) else (None, n)
        if code != "out_of_domain":
            out.append((code, message))
    return out


def _guard(data: dict, L: dict) -> Optional[str]:
    """The domain guard's warning in the report's language (model.coverage, docs/schema.md), or None
    when the labeller covers the comments."""
    model = _d(data.get("model"))
    c = _d(model.get("coverage"))
    if not _b(c.get("out_of_domain")):
        return None
    th = _d(c.get("thresholds"))

    def pct(v):
        x = _f(v)
        return "—" if x is None or not math.isfinite(100 * x) else f"{100 * x:.0f}%"

    def art(v):  # Italian article of a percentage: l'11%, l'8%, l'80%, il 20% (English: none)
        p = pct(v)
        return "" if L is _L["en"] else "l'" if p in ("1%", "11%") or p.startswith("8") else "il "

    kind = model.get("kind")
    figures = []
    if _f(c.get("known_share")) is not None:
        figures.append(L["guard_known"].format(a=art(c.get("known_share")), p=pct(c.get("known_share")),
                                               t=pct(th.get("known_share"))))
        figures.append(L["guard_overlap"].format(a=art(c.get("vocabulary_overlap")), p=pct(c.get("vocabulary_overlap")),
                                                 t=pct(th.get("vocabulary_overlap"))))
        figures.append(L["guard_driver"].format(a=art(c.get("driver_share")), p=pct(c.get("driver_share"))))
    else:
        figures.append(L["guard_codebook"].format(a=art(c.get("driver_share")), p=pct(c.get("driver_share")),
                                                  t=pct(th.get("codebook_driver_share"))))
    what = L["guard_what"].get(kind, L["guard_what"]["model"]) if isinstance(kind, str) else L["guard_what"]["model"]
    return L["guard"].format(what=what, figures=", ".join(figures))


_SUMMARY_TITLE = {"it": "In sintesi", "en": "In brief"}


def summary_sentences(data: dict, lang: Optional[str] = None) -> list:
    """The summary in words of a document (its `summary`, docs/schema.md), as sentences in `lang`
    (default: the document's); [] for a document without one (schemas 2 and 3)."""
    lang = _lang(data, lang)
    out = []
    for s in _l(data.get("summary")) if isinstance(data, dict) else []:
        text = _d(s.get("text")).get(lang)
        if isinstance(text, str) and text:
            out.append(text)
    return out


def _summary_text(data: dict, lang: str) -> list:
    """The summary's lines for the terminal: a heading, then each sentence wrapped at 106 columns."""
    sentences = summary_sentences(data, lang)
    if not sentences:
        return []
    lines = ["", _SUMMARY_TITLE[lang] + ":"]
    for s in sentences:
        # "p < 0,001" and "p = 0,52" stay on one line (textwrap breaks at ASCII spaces only).
        s = re.sub(r"\bp ([<=]) ", "p\u00a0\\1\u00a0", _t(s))
        lines += [x.replace("\u00a0", " ") for x in
                  textwrap.wrap(s, 106, initial_indent="  • ", subsequent_indent="    ")]
    return lines


def _summary_html(data: dict, lang: str) -> str:
    """The summary's section of the HTML report: one list item per sentence, every one escaped."""
    sentences = summary_sentences(data, lang)
    if not sentences:
        return ""
    items = "".join(f"<li>{_e(s)}</li>" for s in sentences)
    return f'<section id="summary"><h2>{_e(_SUMMARY_TITLE[lang])}</h2><ul>{items}</ul></section>'


def _outcomes(data: dict, L: dict) -> tuple:
    kd = _d(data.get("key_driver"))
    neg = _d(kd.get("negative")).get("outcome")
    pos = _d(kd.get("positive")).get("outcome")
    return (L["neg"].get(neg, "neg") if isinstance(neg, str) else "neg",
            L["pos"].get(pos, "pos") if isinstance(pos, str) else "pos")


# --- terminal -------------------------------------------------------------------------------------

# C0 and C1 controls (terminal escape sequences, carriage returns that overwrite a line), bidi
# embeddings, overrides and isolates, and lone surrogates (not encodable): never printed as they are.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _t(v: Any) -> str:
    """Data as terminal text: one line, no control character."""
    return _UNPRINTABLE.sub("\ufffd", _s(v))


def _table(head: list, rows: list, align: str) -> list:
    """Aligned plain-text table; align has one of < > per column."""
    cells = [[_t(c) for c in head]] + [[_t(c) for c in r] for r in rows]
    widths = [max(len(r[j]) for r in cells) for j in range(len(head))]
    out = []
    for i, r in enumerate(cells):
        out.append("  " + "  ".join(f"{c:{a}{w}}" for c, a, w in zip(r, align, widths)))
        if i == 0:
            out.append("  " + "  ".join("─" * w for w in widths))
    return out


def _sentiment_rows(data: dict) -> list:
    """Per driver with sentiment: (driver dict, its sentiment dict, negative share, positive share)."""
    rows = []
    for d in _l(data.get("drivers")):
        st = d.get("sentiment")
        if not isinstance(st, dict):
            continue
        c, m = _d(st.get("counts")), _i(st.get("mentions")) or 0
        neg = ((_i(c.get("negative")) or 0) + (_i(c.get("mixed")) or 0)) / m if m else None
        pos = (_i(c.get("positive")) or 0) / m if m else None
        rows.append((d, st, neg, pos))
    return rows


def _impact_ci(st: dict, key: str, metric: str) -> str:
    v = _impact(st.get(f"{key}_impact"), metric)
    if _f(st.get(f"{key}_impact")) is not None and _f(st.get(f"{key}_ci_low")) is not None:
        v += f" [{_impact(st.get(f'{key}_ci_low'), metric)}, {_impact(st.get(f'{key}_ci_high'), metric)}]"
    return v


def _sentiment_lines(data: dict, L: dict) -> list:
    """The overall sentiment in words: shares by class, net, hidden risk."""
    st = data.get("sentiment")
    if not isinstance(st, dict) or not _i(st.get("comments")):
        return []
    n, c = _i(st.get("comments")) or 0, _d(st.get("counts"))
    shares = ", ".join(f"{L['classes'][k]} {_pct((_i(c.get(k)) or 0) / n)}"
                       for k in ("positive", "negative", "mixed", "neutral"))
    net = _f(st.get("net"))
    out = [f"{shares}; {L['net']} {'—' if net is None else f'{net:+.0f}'} (n={_n(n)})"]
    if _f(st.get("promoters_negative")) is not None:
        out.append(L["hidden"].format(p=_pct(st.get("promoters_negative"))) + f" (n={_n(st.get('promoters'))})")
    if _f(st.get("detractors_positive")) is not None:
        out.append(L["mirror"].format(p=_pct(st.get("detractors_positive"))) + f" (n={_n(st.get('detractors'))})")
    return out


def _sentiment_text(data: dict, metric: str, L: dict) -> list:
    st = data.get("sentiment")
    if not isinstance(st, dict):
        return []
    kind = L["sent_model"].get(_s(st.get("model")), "")
    lines = ["", f"{L['sentiment']} ({kind}):"] + ["  " + x for x in _sentiment_lines(data, L)]
    rows = [[_s(d.get("label"))[:26], _n(s.get("mentions")), _pct(neg), _pct(pos),
             "—" if _f(s.get("net")) is None else f"{_f(s.get('net')):+.0f}",
             _impact_ci(s, "negative", metric), _impact_ci(s, "positive", metric)]
            for d, s, neg, pos in _sentiment_rows(data)]
    if rows:
        lines += _table([L["driver"], L["mentions"], L["neg_share"], L["pos_share"], L["net"], L["neg_impact"],
                         L["pos_impact"]], rows, "<>>>>>>")
    return lines


def render_text(data: dict, lang: Optional[str] = None) -> str:
    """The terminal summary of an analysis (≤ 110 columns), in `lang` (default: the document's)."""
    L, metric = _check(data, lang)
    lang = _lang(data, lang)
    M = _METRIC[metric]
    src = _d(data.get("source"))
    lines = []
    name = _t(_s(src.get("file")) or "DataFrame").rsplit("/", 1)[-1]
    lines.append(f"perche analyze — {name}: {_n(src.get('rows_used'))} {L['rows']} {L['of']} {_n(src.get('rows'))}"
                 + (f", {_n(src.get('bad_rows'))} {L['bad']}" if _i(src.get("bad_rows")) else ""))
    lines += _summary_text(data, lang)
    o = data.get("overall")
    if not isinstance(o, dict):
        lines.append(L["no_data"])
        return "\n".join(lines) + "\n"
    ci = _ci_name(data, L)
    centred = False
    lines.append("")
    iv, centre = _interval(o, metric, L)
    centred |= bool(centre)
    lines.append(f"{M}: {format_score(o.get('score'), metric)}  {iv}" + (f" {centre}" if centre else "")
                 + f"  ({ci}, n={_n(o.get('n'))})")
    if metric == "nps":
        shares = (_pct(o.get("promoter_share")), _pct(o.get("passive_share")), _pct(o.get("detractor_share")))
        words = ("promotori", "passivi", "detrattori") if lang == "it" else ("promoters", "passives", "detractors")
        lines.append("  " + "  ".join(f"{w} {v}" for w, v in zip(words, shares)))
    for other in _l(data.get("other_metrics")):
        om = _s(other.get("metric"))
        if om in _METRIC:
            iv, _ = _interval(other, om, L)
            missing = _i(other.get("missing"))
            lines.append(f"{_METRIC[om]} ({_t(other.get('column'))}): {format_score(other.get('score'), om)}  {iv}"
                         f"  (n={_n(other.get('n'))}" + (f", {missing} {L['missing']}" if missing else "") + ")")
    guard = _guard(data, L)
    if guard:
        lines += [""] + textwrap.wrap("⚠ " + guard, 106, subsequent_indent="  ")
    t = data.get("trend")
    if isinstance(t, dict):
        lines += ["", f"{L['trend']} ({_t(t.get('column'))}, {_t(t.get('freq'))}):"]
        rows = []
        for p in _l(t.get("periods")):
            iv, centre = _interval(p, metric, L)
            centred |= bool(centre)
            rows.append([_s(p.get("period")), _n(p.get("n")), format_score(p.get("score"), metric),
                         iv + (f" {centre}" if centre else ""),
                         "" if _f(p.get("diff_prev")) is None else _impact(p.get("diff_prev"), metric),
                         ("▼ " + L["drop"]) if _b(p.get("significant_drop")) else ""])
        lines += _table([L["period"], L["n"], M, ci, "Δ", ""], rows, "<>>>><")
        tt = _d(t.get("test"))
        s, pv = _f(tt.get("slope")), _f(tt.get("p_value"))
        if s is not None and pv is not None:
            verdict = L["declining"] if _b(tt.get("declining")) else L["increasing"] if _b(tt.get("increasing")) \
                else L["flat"]
            lines.append("  " + L["mk"].format(s=s, p=pv, v=verdict))
    model = _d(data.get("model"))
    kind = model.get("kind")
    if kind != "none":  # `perche report`: metrics only
        neg, pos = _outcomes(data, L)
        lines += ["", L["drivers"] + f" — {L['model']} {L['kinds'].get(kind, '') if isinstance(kind, str) else ''}:"]
        rows = []
        for d in _l(data.get("drivers")):
            imp = _impact(d.get("impact"), metric)
            if _f(d.get("impact")) is not None and _f(d.get("impact_ci_low")) is not None:
                imp += f" [{_impact(d.get('impact_ci_low'), metric)}, {_impact(d.get('impact_ci_high'), metric)}]"
                imp += " *" if _b(d.get("impact_significant")) else "  "
            elif _b(d.get("few_mentions")):
                imp += f" ({L['few_mentions']})"
            orn = _or(d.get("or_negative"))
            if _f(d.get("or_negative")) is not None:
                orn += f" [{_or(d.get('or_negative_ci_low'))}, {_or(d.get('or_negative_ci_high'))}]"
            q = _quadrant(d)
            rows.append([_s(d.get("label"))[:26], _n(d.get("mentions")), _pct(d.get("share")),
                         format_score(d.get("score"), metric), imp, orn, L[q] if q else "—"])
        lines += _table([L["driver"], L["mentions"], L["share"], M, L["impact"], L["or_neg"].format(neg=neg),
                         L["quadrant"]], rows, "<>>>>><")
        lines.append("  " + L["sig"])
    lines += _sentiment_text(data, metric, L)
    segments = _l(data.get("segments"))
    for s in segments:
        lines += ["", f"{L['segments']}: {_t(s.get('column'))}"]
        rows = []
        for g in _l(s.get("groups")):
            iv, centre = _interval(g, metric, L)
            centred |= bool(centre)
            ph = _f(g.get("p_holm"))
            rows.append([_s(g.get("segment"))[:24], _n(g.get("n")), format_score(g.get("score"), metric),
                         iv + (f" {centre}" if centre else ""),
                         _impact(g.get("diff_vs_rest"), metric),
                         "—" if ph is None else f"{ph:.4f}" + (" *" if _b(g.get("significant")) else "  ")])
        lines += _table([L["segment"], L["n"], M, ci, L["vs_rest"], L["p_holm"]], rows, "<>>>>>")
    if segments:
        lines.append("  " + L["sig_holm"])
    if centred:
        lines += [""] + textwrap.wrap(L["centre_note"], 106, initial_indent="  ", subsequent_indent="  ")
    labels = _d(model.get("labels"))
    verbatims = _l(data.get("verbatims"))
    if verbatims:
        lines += ["", L["verbatims"] + ":"]
        seen: dict = {}
        for v in verbatims:
            key = _s(v.get("driver"))
            if seen.get(key, 0) >= 2:
                continue
            seen[key] = seen.get(key, 0) + 1
            text = " ".join(_t(v.get("text")).split())
            text = text if len(text) <= 90 else text[:89] + "…"
            feel = L["class1"].get(_s(v.get("sentiment")), "")
            lines.append(f"  [{_t(_label(labels, v.get('driver'))[:22])}, {M} {_n(v.get('score'))}"
                         + (f", {feel}" if feel else "") + f"] “{text}”")
    notes = _notes(data)
    if notes:
        lines += ["", L["notes"] + ":"] + [f"  - {_t(m)}" for _, m in notes]
    return "\n".join(lines) + "\n"


# --- HTML ------------------------------------------------------------------------------------------

# The report needs no script, no network and no frame: only its own inline CSS and SVG. The policy
# is the first element of <head>, before anything that comes from the data.
_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")

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
.sig{font-weight:700}.neg{color:var(--neg)}.pos{color:var(--pos)}.ns{color:var(--muted)}svg{max-width:100%;height:auto}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;fill:var(--ink)}
svg text.ns{fill:var(--muted)}
blockquote{margin:8px 0;padding:8px 12px;border-left:4px solid var(--line);background:var(--bg)}
blockquote .who{display:block;color:var(--muted);font-size:12px}mark{background:#ffe58a;padding:0 1px}
h3{font-size:15px;margin:16px 0 4px}.note{color:var(--muted);font-size:13px}
section.warn{border-left:4px solid var(--neg);background:#fdf3f2}
@media print{body{background:#fff}section{break-inside:avoid;border:none}}
"""

_NEG, _POS, _NS = "#c0392b", "#1e8449", "#9aa5b1"

# Characters that are not text in HTML (controls, lone surrogates that cannot be written as UTF-8).
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _e(s: Any) -> str:
    """Data as HTML text or as a double-quoted attribute value (& < > " ' escaped)."""
    return html.escape(_NOT_TEXT.sub("\ufffd", _s(s)), quote=True)


_CLASSES = frozenset({"sig", "neg", "pos", "ns"})


class _Td(NamedTuple):
    """A table cell with classes of this module; its text is data and is escaped like any other."""
    text: Any
    classes: tuple = ()

    def html(self) -> str:
        bad = [c for c in self.classes if c not in _CLASSES]
        if bad:
            raise ValueError(f"report: cell class {bad[0]!r} is not one of the report's own")
        cls = f' class="{" ".join(self.classes)}"' if self.classes else ""
        return f"<td{cls}>{_e(self.text)}</td>"


def _html_table(head: list, rows: list) -> str:
    """head and cells are text (escaped), or _Td for a cell with classes; never markup."""
    h = "".join(f"<th>{_e(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(c.html() if isinstance(c, _Td) else f"<td>{_e(c)}</td>" for c in r) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def _marked(text: str, spans: list) -> str:
    """text with <mark> around the union of the highlight spans (code-point offsets): the spans are
    merged first, so that the time is linear in the text and the number of spans however they overlap."""
    n = len(text)
    cuts = sorted((max(0, a), min(n, b)) for h in spans for a, b in [(_i(h.get("start")), _i(h.get("end")))]
                  if a is not None and b is not None and max(0, a) < min(n, b))
    merged: list = []
    for a, b in cuts:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, i = [], 0
    for a, b in merged:
        out.append(f"{_e(text[i:a])}<mark>{_e(text[a:b])}</mark>")
        i = b
    out.append(_e(text[i:]))
    return "".join(out)


def _plot(v: Optional[float]) -> Optional[float]:
    """A value as a chart coordinate: clamped to ±1e6 (no score or impact comes near it), so that a
    hand-edited JSON cannot make an axis of infinite or NaN length."""
    return None if v is None else min(max(v, -1e6), 1e6)


def _trend_svg(periods: list, metric: str, L: dict) -> str:
    ps = []
    for p in periods:
        s = _plot(_f(p.get("score")))
        if s is None:
            continue
        lo, hi = _plot(_f(p.get("ci_low"))), _plot(_f(p.get("ci_high")))
        ps.append((p, s, s if lo is None else lo, s if hi is None else hi))
    if not ps:
        return f"<p>{_e(L['empty'])}</p>"
    W, H, left, right, top, bottom = 900, 280, 56, 36, 16, 40
    lo = min(q[2] for q in ps)
    hi = max(q[3] for q in ps)
    pad = (hi - lo) * 0.08 or 1.0
    lo, hi = lo - pad, hi + pad
    n = len(ps)

    def x(i):
        return left + (W - left - right) * (0.5 if n == 1 else i / (n - 1))

    def y(v):
        return top + (H - top - bottom) * (hi - v) / (hi - lo)

    band = " ".join(f"{x(i):.1f},{y(q[3]):.1f}" for i, q in enumerate(ps))
    band += " " + " ".join(f"{x(i):.1f},{y(q[2]):.1f}" for i, q in reversed(list(enumerate(ps))))
    line = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(q[1]):.1f}" for i, q in enumerate(ps))
    parts = [f'<svg id="trend" viewBox="0 0 {W} {H}" role="img" aria-label="{_e(L["trend"])}">']
    for k in range(5):  # grid and axis labels
        v = lo + (hi - lo) * k / 4
        parts.append(f'<line x1="{left}" x2="{W - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eef2f6"/>'
                     f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{_e(format_score(v, metric))}</text>')
    parts.append(f'<path class="ci-band" d="M{band.replace(" ", " L")} Z" fill="#24527a" fill-opacity="0.15" stroke="none"/>')
    parts.append(f'<path class="score-line" d="{line}" fill="none" stroke="#24527a" stroke-width="2"/>')
    step = max(1, n // 12)
    for i, (p, s, _, _) in enumerate(ps):
        drop = _b(p.get("significant_drop"))
        cls = "point drop" if drop else "point"
        color = _NEG if drop else "#24527a"
        r = 6 if drop else 3.5
        iv, centre = _interval(p, metric, L)
        tip = f"{_s(p.get('period'))}: {format_score(s, metric)} {iv}" + (f" {centre}" if centre else "") \
            + f", n={_n(p.get('n'))}"
        if drop:
            tip += f" — {L['drop']} ({_impact(p.get('diff_prev'), metric)})"
        parts.append(f'<circle class="{cls}" cx="{x(i):.1f}" cy="{y(s):.1f}" r="{r}" fill="{color}">'
                     f"<title>{_e(tip)}</title></circle>")
        if i % step == 0 or i == n - 1:
            parts.append(f'<text x="{x(i):.1f}" y="{H - bottom + 18}" text-anchor="middle">{_e(p.get("period"))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _impact_svg(drivers: list, metric: str, L: dict) -> str:
    ds = []
    for d in drivers:
        v = _plot(_f(d.get("impact")))
        if v is not None:
            lo, hi = _plot(_f(d.get("impact_ci_low"))), _plot(_f(d.get("impact_ci_high")))
            ds.append((d, v, lo, hi) if lo is not None and hi is not None else (d, v, None, None))
    W, row, left, right, top = 900, 30, 250, 30, 24
    H = top + row * len(ds) + 24
    vals = [v for q in ds for v in q[1:] if v is not None] + [0.0]
    lo, hi = min(vals), max(vals)
    pad = (hi - lo) * 0.06 or 1.0
    lo, hi = lo - pad, hi + pad

    def x(v):
        return left + (W - left - right) * (v - lo) / (hi - lo)

    parts = [f'<svg id="driver-impact" viewBox="0 0 {W} {H}" role="img" aria-label="{_e(L["impact_title"].format(m=_METRIC[metric]))}">',
             f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top - 8}" y2="{H - 16}" stroke="#616e7c"/>',
             f'<text x="{x(0):.1f}" y="{top - 10}" text-anchor="middle">0</text>']
    for i, (d, v, cl, ch) in enumerate(ds):
        yc = top + row * i + row / 2
        a, b = sorted((x(0), x(v)))
        ns = _quadrant(d) == "not_significant" or not _b(d.get("impact_significant"))
        color = _NS if ns else _NEG if v < 0 else _POS
        label = _s(d.get("label"))
        tip = f"{label}: {_impact(v, metric)} [{_impact(cl, metric)}, {_impact(ch, metric)}]" \
              + (f" — {L['not_significant']}" if ns else "")
        muted = ' class="ns"' if ns else ""
        parts.append(f'<text x="{left - 8}" y="{yc + 4:.1f}" text-anchor="end"{muted}>{_e(label)}</text>')
        parts.append(f'<rect class="impact-bar{" ns" if ns else ""}" data-driver="{_e(d.get("driver"))}" x="{a:.1f}" '
                     f'y="{yc - 9:.1f}" width="{max(b - a, 1):.1f}" height="18" fill="{color}" fill-opacity="0.85">'
                     f'<title>{_e(tip)}</title></rect>')
        if cl is not None:
            l, h = x(cl), x(ch)
            parts.append(f'<path class="whisker" d="M{l:.1f},{yc:.1f} H{h:.1f} M{l:.1f},{yc - 5:.1f} V{yc + 5:.1f} '
                         f'M{h:.1f},{yc - 5:.1f} V{yc + 5:.1f}" stroke="#1f2933" stroke-width="1.2" fill="none"/>')
    parts.append("</svg>")
    return "".join(parts)


def _matrix_svg(drivers: list, threshold: Optional[float], metric: str, L: dict) -> str:
    # A share is a proportion and an impact a difference of scores: values outside that (a
    # hand-edited JSON) are clamped, so that the axes always have a positive, finite length.
    ds = [(d, min(max(s, 0.0), 1.0), _plot(v)) for d in drivers
          for s, v in [(_f(d.get("share")), _f(d.get("impact")))] if s is not None and v is not None]
    threshold = 0.0 if threshold is None else min(max(threshold, 0.0), 1.0)
    W, H, left, right, top, bottom = 900, 420, 64, 24, 24, 48
    xs = [q[1] for q in ds] + [threshold]
    ys = [q[2] for q in ds] + [0.0]
    x0, x1 = min(0.0, *xs), max(xs) * 1.12 or 1.0
    yl, yh = min(ys), max(ys)
    pad = (yh - yl) * 0.12 or 1.0
    yl, yh = yl - pad, yh + pad

    def x(v):
        return left + (W - left - right) * (v - x0) / (x1 - x0)

    def y(v):
        return top + (H - top - bottom) * (yh - v) / (yh - yl)

    parts = [f'<svg id="priority-matrix" viewBox="0 0 {W} {H}" role="img" aria-label="{_e(L["matrix"])}">',
             f'<rect x="{x(threshold):.1f}" y="{y(0):.1f}" width="{max(x(x1) - x(threshold), 0):.1f}" '
             f'height="{y(yl) - y(0):.1f}" fill="{_NEG}" fill-opacity="0.06"/>',
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
    for d, share, impact in ds:
        ns = _quadrant(d) == "not_significant" or not _b(d.get("impact_significant"))
        color = _NS if ns else _NEG if impact < 0 else _POS
        cx, cy = x(share), y(impact)
        # Labels right of the point, or left of it near the right edge, so that none is cut off.
        lx, anchor = (cx + 10, "start") if cx < W - 220 else (cx - 10, "end")
        label = _s(d.get("label"))
        tip = f"{label}: {_pct(share)}, {_impact(impact, metric)}" + (f" — {L['not_significant']}" if ns else "")
        muted = ' class="ns"' if ns else ""
        parts.append(f'<circle class="{"point ns" if ns else "point"}" data-driver="{_e(d.get("driver"))}" '
                     f'cx="{cx:.1f}" cy="{cy:.1f}" r="7" fill="{color}" fill-opacity="0.8"><title>{_e(tip)}</title></circle>'
                     f'<text x="{lx:.1f}" y="{cy + 4:.1f}" text-anchor="{anchor}"{muted}>{_e(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(data: dict, lang: Optional[str] = None) -> str:
    """The self-contained HTML report of an analysis, in `lang` (default: the document's)."""
    L, metric = _check(data, lang)
    lang = _lang(data, lang)
    M = _METRIC[metric]
    src = _d(data.get("source"))
    o = data.get("overall")
    ci = _ci_name(data, L)
    name = (_s(src.get("file")) or "DataFrame").rsplit("/", 1)[-1]
    with_drivers = _d(data.get("model")).get("kind") != "none"
    title = L["title"] if with_drivers else L["title_metrics"]
    out = [f'<!DOCTYPE html><html lang="{lang}"><head><meta http-equiv="Content-Security-Policy" content="{_CSP}">'
           f'<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
           f"<title>{_e(title)} — {_e(name)}</title><style>{_CSS}</style></head><body><main>"]
    t = data.get("trend")
    t = t if isinstance(t, dict) else {}
    periods = _l(t.get("periods"))
    span = f" · {_s(periods[0].get('period'))} – {_s(periods[-1].get('period'))}" if periods else ""
    centred = False
    if not isinstance(o, dict):
        out.append(f"<header><h1>{_e(title)}</h1><p>{_e(L['no_data'])}</p></header>")
    else:
        meta = f"{name}{span} · {_n(src.get('rows_used'))} {L['rows']} {L['of']} {_n(src.get('rows'))}" \
            + (f" · {_n(src.get('bad_rows'))} {L['bad']}" if _i(src.get("bad_rows")) else "")
        iv, centre = _interval(o, metric, L)
        centred |= bool(centre)
        out.append(f'<header><div><h1>{_e(title)}</h1><div class="meta">{_e(meta)}</div></div>'
                   f'<div class="kpi">{_e(M)} <span id="score-value">{_e(format_score(o.get("score"), metric))}</span> '
                   f"<small>{_e(ci)} {_e(iv)}{_e(', ' + centre if centre else '')}, n = {_e(_n(o.get('n')))}</small>"
                   f"</div></header>")
    out.append(_summary_html(data, lang))
    guard = _guard(data, L)
    if guard:
        out.append(f'<section id="domain-warning" class="warn"><p>{_e(guard)}</p></section>')
    if t:
        verdict = ""
        tt = _d(t.get("test"))
        s, pv = _f(tt.get("slope")), _f(tt.get("p_value"))
        if s is not None and pv is not None:
            v = L["declining"] if _b(tt.get("declining")) else L["increasing"] if _b(tt.get("increasing")) \
                else L["flat"]
            verdict = f"<p class=\"note\">{_e(L['mk'].format(s=s, p=pv, v=v))}</p>"
        centred |= any(_interval(p, metric, L)[1] for p in periods)
        out.append(f"<section><h2>{_e(L['trend'])}</h2>{_trend_svg(periods, metric, L)}{verdict}</section>")
    if with_drivers:  # `perche report` (metrics only) has no driver sections
        neg, pos = _outcomes(data, L)
        drivers = _l(data.get("drivers"))
        out.append(f"<section><h2>{_e(L['impact_title'].format(m=M))}</h2>{_impact_svg(drivers, metric, L)}")
        rows = []
        any_ns = False
        for d in drivers:
            imp = _f(d.get("impact"))
            # Red and green only for an impact whose interval excludes zero; the others grey, as in the charts.
            classes = (("sig", "neg") if (imp or 0) < 0 else ("sig", "pos")) if _b(d.get("impact_significant")) \
                else ("ns",)
            ci_txt = (f" ({L['few_mentions']})" if _b(d.get("few_mentions")) else "") \
                if _f(d.get("impact_ci_low")) is None else \
                f" [{_impact(d.get('impact_ci_low'), metric)}, {_impact(d.get('impact_ci_high'), metric)}]"
            q = _quadrant(d)
            any_ns |= q == "not_significant"
            rows.append([d.get("label"), _n(d.get("mentions")), _pct(d.get("share")), format_score(d.get("score"), metric),
                         _Td(_impact(imp, metric) + ci_txt, classes),
                         _Td(L[q], ("ns",)) if q == "not_significant" else L[q] if q else "—"])
        out.append(_html_table([L["driver"], L["mentions"], L["share"], f"{M} ({L['score_m']})", L["impact"], L["quadrant"]],
                               rows) + f"<p class=\"note\">{_e(L['sig'])}</p></section>")
        out.append(f"<section><h2>{_e(L['matrix'])}</h2>"
                   f"{_matrix_svg(drivers, _f(_d(data.get('priority')).get('share_threshold')), metric, L)}"
                   + (f"<p class=\"note\">{_e(L['ns_note'])}</p>" if any_ns else "") + "</section>")
        rows = []
        for d in drivers:
            def orc(prefix):
                if _f(d.get(prefix)) is None:
                    return "—"
                return f"{_or(d.get(prefix))} [{_or(d.get(prefix + '_ci_low'))}, {_or(d.get(prefix + '_ci_high'))}]"
            rows.append([d.get("label"), orc("or_negative"), _p(d.get("p_negative"), ".2g"), orc("or_positive"),
                         _p(d.get("p_positive"), ".2g")])
        kd = _d(data.get("key_driver"))
        fits = []
        for k, v in kd.items():
            v = _d(v)
            if not _b(v.get("converged")):
                continue
            outcome = v.get("outcome")
            word = L["neg" if k == "negative" else "pos"].get(outcome, outcome) if isinstance(outcome, str) else outcome
            fits.append(f"{_s(word)}: n={_n(v.get('n'))}, pseudo-R² {_p(v.get('pseudo_r2'), '.3f')}")
        out.append(f"<section><h2>{_e(L['keydriver'])}</h2>" + _html_table(
            [L["driver"], L["or_neg"].format(neg=neg), "p", L["or_pos"].format(pos=pos), "p"], rows)
            + f"<p class=\"note\">{_e(' · '.join(fits))}</p></section>")
    labels = _d(_d(data.get("model")).get("labels"))
    segments = _l(data.get("segments"))
    if segments:
        out.append(f"<section><h2>{_e(L['segments'])}</h2>")
        for s in segments:
            rows = []
            for g in _l(s.get("groups")):
                sig = _b(g.get("significant"))
                ph = _f(g.get("p_holm"))
                p = "—" if ph is None else f"{ph:.4f}" + (" *" if sig else "")
                iv, centre = _interval(g, metric, L)
                centred |= bool(centre)
                rows.append([g.get("segment"), _n(g.get("n")), format_score(g.get("score"), metric),
                             iv + (f" {centre}" if centre else ""), _impact(g.get("diff_vs_rest"), metric),
                             _Td(p, ("sig",) if sig else ())])
            out.append(f"<h3>{_e(s.get('column'))}</h3>"
                       + _html_table([L["segment"], L["n"], M, ci, L["vs_rest"], L["p_holm"]], rows))
        out.append(f"<p class=\"note\">{_e(L['sig_holm'])}</p>")
        cells = [c for c in _l(data.get("driver_segments")) if _b(c.get("significant"))]
        if cells:
            cells.sort(key=lambda c: -abs(_f(c.get("diff")) or 0.0))
            rows = []
            for c in cells[:20]:
                diff = _f(c.get("diff"))
                rows.append([f"{_s(c.get('column'))} = {_s(c.get('segment'))}", _label(labels, c.get("driver")),
                             _pct(c.get("share")), _pct(c.get("share_rest")),
                             _Td("—" if diff is None else f"{100 * diff:+.1f}", ("neg",) if (diff or 0) > 0 else ("pos",)),
                             _p(c.get("p_bh"), ".2g")])
            out.append(f"<h3>{_e(L['over'])}</h3>" + _html_table(
                [L["segment"], L["driver"], L["share"], L["vs_rest"], "Δ pp", "p BH"], rows))
        out.append("</section>")
    driver_trend = _l(data.get("driver_trend"))
    if driver_trend:
        rows = []
        for d in driver_trend:
            ps = _l(d.get("periods"))
            if not ps:
                continue
            tt = d.get("test")
            tt = tt if isinstance(tt, dict) else None
            flag = "" if not tt else (L["rising"] if _b(tt.get("increasing")) else
                                      L["falling"] if _b(tt.get("declining")) else "")
            classes = ("neg", "sig") if flag == L["rising"] else ("pos", "sig") if flag else ()
            rows.append([_label(labels, d.get("driver")), _pct(ps[0].get("share")), _pct(ps[-1].get("share")),
                         _Td(flag or "—", classes), "—" if not tt else _p(tt.get("p_value"), ".3g")])
        first = _l(driver_trend[0].get("periods"))
        if first:
            out.append(f"<section><h2>{_e(L['share_trend'])}</h2>" + _html_table(
                [L["driver"], first[0].get("period"), first[-1].get("period"), "Mann–Kendall", "p"], rows)
                + "</section>")
    st = data.get("sentiment")
    if isinstance(st, dict):
        body = "".join(f"<p>{_e(x)}</p>" for x in _sentiment_lines(data, L))
        rows = [[_label(labels, d.get("driver")), _n(s.get("mentions")), _Td(_pct(neg), ("neg",)),
                 _Td(_pct(pos), ("pos",)), "—" if _f(s.get("net")) is None else f"{_f(s.get('net')):+.0f}",
                 _impact_ci(s, "negative", metric), _impact_ci(s, "positive", metric)]
                for d, s, neg, pos in _sentiment_rows(data)]
        if rows:
            body += f"<h3>{_e(L['sent_drivers'])}</h3>" + _html_table(
                [L["driver"], L["mentions"], L["neg_share"], L["pos_share"], L["net"], L["neg_impact"],
                 L["pos_impact"]], rows)
        tr = _l(st.get("trend"))
        if tr:
            body += f"<h3>{_e(L['neg_trend'])}</h3>" + _html_table(
                [L["period"], L["n"], L["neg_share"]],
                [[_s(p.get("period")), _n(p.get("comments")), _pct(p.get("share"))] for p in tr])
        out.append(f'<section id="sentiment"><h2>{_e(L["sentiment"])}</h2>{body}'
                   f'<p class="note">{_e(L["sent_note_driver" if st.get("drivers_from") == "driver" else "sent_note"])}'
                   f'</p></section>')
    verbatims = _l(data.get("verbatims"))
    if verbatims:
        out.append(f'<section id="verbatims"><h2>{_e(L["verbatims"])}</h2>')
        current, group = object(), None
        for v in verbatims:
            if v.get("driver") != current:
                current, group = v.get("driver"), None
                out.append(f"<h3>{_e(_label(labels, current))}</h3>")
            feel = _s(v.get("sentiment"))
            kind = "pain" if feel in ("negative", "mixed") else "delight" if feel == "positive" else None
            if kind and kind != group:
                group = kind
                out.append(f'<p class="note {"neg" if kind == "pain" else "pos"}">{_e(L[kind])}</p>')
            who = " · ".join(x for x in (f"{M} {_n(v.get('score'))}", L["class1"].get(feel, ""), _s(v.get("segment")),
                                         _s(v.get("date"))) if x)
            out.append(f"<blockquote>{_marked(_s(v.get('text')), _l(v.get('highlights')))}"
                       f"<span class=\"who\">{_e(who)}</span></blockquote>")
        out.append("</section>")
    notes = "".join(f"<li>{_e(m)}</li>" for _, m in _notes(data))
    out.append(f"<section><h2>{_e(L['method'])}</h2><p class=\"note\">{_e(L['method_text'])}</p>"
               + (f"<p class=\"note\">{_e(L['centre_note'])}</p>" if centred else "")
               + (f"<h3>{_e(L['notes'])}</h3><ul class=\"note\">{notes}</ul>" if notes else "")
               + f"<p class=\"note\">perche {_e(data.get('perche_version', ''))}</p></section>")
    out.append("</main></body></html>\n")
    return "".join(out)
