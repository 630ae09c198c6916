# SPDX-License-Identifier: Apache-2.0
"""Renderings of a perche.analyze() result: an aligned terminal summary, a self-contained HTML
report (inline CSS and SVG, no script, no network, a print style sheet for A4) and the same
report as a notebook fragment whose CSS is scoped to its own container. All read only the result
dict (Analysis.data), so a JSON written yesterday renders the same today. Italian by default,
words and numbers alike (decimal comma, thousands point, "< 0,001"), English with lang="en".
Drivers, and the customers' words about them, come in the order of their impact.

Every value of the dict is data, and data may be hostile (a JSON file anyone can edit; column
names, segment values, comments, driver names and codebook labels typed by anyone): a number is
read through _f/_i (anything else prints "—"), a string reaches the page only through _e (element
text and quoted attribute values alike, in HTML and inline SVG), and markup is built here only, by
type (_Td), never recognised by its content. Class names, ids and colours come from this module.
The page carries a Content-Security-Policy that forbids script, as a second wall. The terminal
summary replaces control characters of the data (terminal escapes, bidi overrides) with U+FFFD.
"""

from __future__ import annotations

import contextlib
import contextvars
import html
import math
import numbers
import re
import textwrap
import uuid
from typing import Any, Iterator, NamedTuple, Optional

_L = {
    "it": {
        "title": "Perché? Analisi dei driver", "title_metrics": "Perché? Metriche", "rows": "righe usate", "row": "riga usata", "of": "su", "bad": "righe scartate", "bad_one": "riga scartata", "missing": "mancanti o non validi",
        "column": "colonna",
        "problems": "Problemi dell'input: {total}", "problems_listed": "Problemi dell'input: {total}, elencati i primi {listed}",
        "at_line": "riga {n}", "at_row": "riga {n} del DataFrame", "at_input": "tutto l'input",
        "score_of": "{m}", "ci": "IC {c:.0%}", "trend": "Andamento per periodo", "period": "periodo",
        "drop": "calo significativo", "untested": "n < 5: non testato", "mk": "Mann–Kendall: pendenza di Sen {s} per periodo, p {p} → {v}",
        "declining": "calo significativo", "increasing": "crescita significativa", "flat": "nessun trend significativo",
        "drivers": "Driver: cosa muove il punteggio", "driver": "driver", "mentions": "menzioni", "share": "quota",
        "score_m": "punteggio tra chi lo cita", "impact": "impatto", "or_neg": "OR {neg}", "quadrant": "quadrante",
        "impact_title": "Impatto sul punteggio ({m}, punti)", "matrix": "Matrice delle priorità",
        "fix": "Priorità", "strength": "Punti di forza", "monitor": "Da monitorare", "minor": "Secondari",
        "keydriver": "Fattori chiave di detrattori e promotori (regressione logistica)", "or_pos": "OR {pos}",
        "imp": "importanza {o}", "imp_note": ("importanza = quota di Shapley dello pseudo-R² di McFadden del modello "
                                              "(le quote sommano al suo R²), con intervallo bootstrap percentile"),
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
        "sig": "* significativo: l'intervallo esclude lo zero, anche dopo la correzione di Holm sui driver", "sig_holm": "* significativo dopo la correzione di Holm",
        "not_significant": "non significativo", "few_mentions": "poche menzioni", "ci_bare": "IC", "centre": "centro dell'intervallo {c}",
        "centre_note": ("Con poche risposte l'intervallo è centrato su una stima corretta per i piccoli campioni, "
                        "non sul punteggio osservato, che può cadere fuori dall'intervallo: in quel caso è "
                        "indicato il centro dell'intervallo."),
        "ns_note": ("In grigio i driver il cui impatto non è significativo: l'intervallo include lo zero, o non resta "
                    "significativo dopo la correzione di Holm sui driver."),
        "few_note": "In grigio i driver con poche menzioni: troppo poche per un intervallo e un test.",
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
                             "negativa o mista è un punto dolente, una positiva ciò che piace. Impatto delle "
                             "menzioni negative = punteggio di tutti − punteggio senza chi ne parla in negativo (così "
                             "per le positive; una menzione mista conta in entrambe), con intervallo bootstrap."),
        "sent_note": ("Sentiment per commento: un commento negativo o misto che cita un driver ne è un punto "
                      "dolente, uno positivo ciò che piace. Impatto delle menzioni negative = punteggio di "
                      "tutti − punteggio senza chi cita il driver in un commento negativo o misto (così per le "
                      "positive, misti compresi: un commento misto conta in entrambe), con intervallo bootstrap."),
        "guard": ("Attenzione: questi commenti sembrano fuori dal dominio del {what}: {figures}. I driver di "
                  "questo report sono poco affidabili: trova i temi di questi commenti con `perche discover`, "
                  "oppure etichettane un campione (`perche sample`) e addestra un modello (`perche train`)."),
        "guard_what": {"default": "modello predefinito (addestrato su commenti di contact center)",
                       "model": "modello", "codebook": "codebook"},
        "guard_known": "{only}{a}{p} ha abbastanza parole note al modello (soglia {t})",
        "guard_overlap": "{only}{a}{p} delle loro parole è nel suo vocabolario (soglia {t})",
        "guard_low": "{a}{p} è meno sicuro dei suoi driver del 90% dei commenti di addestramento (soglia {t}{over})",
        "guard_only": "solo ", "guard_over": ", superata",
        "guard_driver": "{a}{p} ha ricevuto almeno un driver",
        "guard_codebook": "solo {a}{p} corrisponde ad almeno un tema (soglia {t})",
        "defs": {"nps": "NPS = % di promotori (voti 9–10) − % di detrattori (voti 0–6), da −100 a +100",
                 "csat": "CSAT % = quota di risposte {a}–{b} su una scala {lo}–{hi}",
                 "ces": "CES = media delle risposte su una scala {lo}–{hi}"},
        "from_top": {"nps": "lamentela di un promotore", "csat": "lamentela di un cliente soddisfatto"},
        "from_bottom": {"nps": "apprezzamento di un detrattore", "csat": "apprezzamento di un cliente insoddisfatto"},
        "vscore": "voto {s}/{hi}", "axis_impact": "impatto sul punteggio ({m}, punti)",
        "ns_short": "n.s.", "ns_legend": "n.s. = non significativo (l'intervallo include lo zero, o non dopo la correzione di Holm sui driver)",
        "trend_alt": "{m} per periodo, {n} periodi da {a} ({sa}) a {b} ({sb}); minimo {lo}, massimo {hi}",
        "trend_alt_one": "{m} per periodo, 1 periodo, {a}: {sa}, intervallo {iv}",
        "impact_alt": "Impatto di ogni driver sul {m}, dal più negativo: {items}",
        "matrix_alt": "Matrice delle priorità, quota dei commenti × impatto: {items}",
        "axis_share": "quota dei commenti (%)", "latest": " (ultimi {n})",
        "more_quotes": "Altri {n} commenti citati sono nel JSON.",
        "more_segments": "Altri {n} segmenti, né significativi né tra i più grandi, sono nel JSON.",
        "more_points": "Altri {n} driver, di impatto minore, sono nella tabella sopra e non nella matrice.",
        "note_text": {
            "default_model": ("driver dal modello predefinito di perche, addestrato sul sondaggio di esempio: per dati "
                              "reali addestra un modello sui tuoi commenti etichettati (perche train)"),
            "masked": ("dati personali mascherati nei commenti citati ({spans} in {comments} commenti: telefoni, "
                       "e-mail, codici fiscali, IBAN, carte, nomi…); --no-mask li cita come scritti"),
            "problems": "{problems} problemi nell'input; sono elencati i primi {listed}",
            "other_metric": "più colonne potrebbero essere il {metric}: non è riportato (indica quale con --score)",
            "no_sentiment": ("sentiment dei commenti non calcolato: più colonne potrebbero essere quella del testo "
                             "(indicala con --text)"),
            "off_scale": ("{off_scale} dei {scores} punteggi interi della colonna «{column}» sono fuori da {range} "
                          "(da {lowest} a {highest}) e sono stati esclusi: controlla la metrica e la sua scala "
                          "(--metric, --scale)"),
            "dates_month_first": ("le date della colonna «{column}» sono scritte col mese prima del giorno ({month_first} "
                                  "hanno un mese oltre 12 al secondo posto, nessuna al primo): lette come MM/GG/AAAA"),
            "segments_merged": ("la colonna di segmento «{column}» ha {values} valori: i {shown} più frequenti sono "
                                "segmenti, gli altri {merged} ({responses} risposte) sono un solo segmento, {segment}"),
            "no_drivers_labels": "nessun driver nella colonna delle etichette: nessuna analisi dei driver",
            "no_drivers": "nessun driver trovato: nessuna analisi dei driver",
            "no_mentions": "«{label}» non è mai citato: né punteggio né impatto",
            "all_mention": "«{label}» è citato da ogni risposta: l'impatto non è definito",
            "few_mentions": ("«{label}»: {mentions} menzioni, meno di {min_mentions} (poche menzioni): impatto senza "
                             "intervallo, non testato"),
            "bootstrap_undefined": ("«{label}»: {replicates} repliche bootstrap senza risposte che non lo citano, "
                                    "escluse"),
            "left_out_every_response": ("«{label}» escluso dal modello dei {outcome}: lo cita ogni risposta; gli odds "
                                        "ratio degli altri driver non ne tengono conto"),
            "left_out_no_outcome": ("«{label}» escluso dal modello dei {outcome}: nessuno di chi lo cita è tra i "
                                    "{outcome}; gli odds ratio degli altri driver non ne tengono conto"),
            "left_out_every_outcome": ("«{label}» escluso dal modello dei {outcome}: tutti quelli che lo citano sono "
                                       "{outcome}; gli odds ratio degli altri driver non ne tengono conto"),
            "not_fitted_every": "modello dei {outcome} non stimato: ogni risposta con un commento è tra i {outcome}",
            "not_fitted_none": "modello dei {outcome} non stimato: nessuna risposta con un commento è tra i {outcome}",
            "not_converged": "il modello dei {outcome} non converge (dati quasi separati): odds ratio omessi",
            "no_importance": ("il modello dei {outcome} ha {drivers} driver, più di {max_drivers}: nessuna importanza "
                              "di Shapley"),
            "importance_bootstrap_reduced": ("intervalli dell'importanza del modello dei {outcome} da {replicates} "
                                             "repliche bootstrap invece di {requested} (troppi driver)"),
            "importance_bootstrap_undefined": ("intervalli dell'importanza del modello dei {outcome}: {replicates} "
                                               "repliche bootstrap escluse (nessuno o tutti tra i {outcome}, o un "
                                               "modello non stimabile)"),
            "no_text": "nessuna risposta ha un commento: né quote né modelli dei driver",
        },
    },
    "en": {
        "title": "Why? Driver analysis", "title_metrics": "Why? Metrics", "rows": "rows used", "row": "row used", "of": "of", "bad": "bad rows", "bad_one": "bad row", "missing": "missing or invalid",
        "column": "column",
        "problems": "Input problems: {total}", "problems_listed": "Input problems: {total}, the first {listed} listed",
        "at_line": "line {n}", "at_row": "DataFrame row {n}", "at_input": "the whole input",
        "score_of": "{m}", "ci": "{c:.0%} CI", "trend": "Trend by period", "period": "period",
        "drop": "significant drop", "untested": "n < 5: not tested", "mk": "Mann–Kendall: Sen slope {s} per period, p {p} → {v}",
        "declining": "significant decline", "increasing": "significant increase", "flat": "no significant trend",
        "drivers": "Drivers: what moves the score", "driver": "driver", "mentions": "mentions", "share": "share",
        "score_m": "score among mentioners", "impact": "impact", "or_neg": "OR {neg}", "quadrant": "quadrant",
        "impact_title": "Impact on the score ({m}, points)", "matrix": "Priority matrix",
        "fix": "Fix first", "strength": "Strengths", "monitor": "Monitor", "minor": "Minor",
        "keydriver": "Key-driver analysis (logistic regression)", "or_pos": "OR {pos}",
        "imp": "importance {o}", "imp_note": ("importance = Shapley share of the model's McFadden pseudo-R² (the "
                                              "shares sum to its R²), with a percentile bootstrap interval"),
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
        "sig": "* significant: the interval excludes zero, also after Holm adjustment over the drivers", "sig_holm": "* significant after Holm adjustment",
        "not_significant": "not significant", "few_mentions": "few mentions", "ci_bare": "CI", "centre": "interval centre {c}",
        "centre_note": ("With few responses the interval is centred on a small-sample estimate, not on the "
                        "observed score, which can fall outside it: then the interval centre is shown."),
        "ns_note": ("Grey: drivers whose impact is not significant: its interval includes zero, or it does not stay "
                    "significant after Holm's adjustment over the drivers."),
        "few_note": "Grey: drivers with few mentions, too few for an interval and a test.",
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
                             "positive ones; a mixed mention counts in both), with a bootstrap interval."),
        "sent_note": ("Sentiment per comment: a negative or mixed comment that mentions a driver is one of its "
                      "pain points, a positive one a delight. Impact of negative mentions = score of all − score "
                      "without those who mention the driver in a negative or mixed comment (likewise for "
                      "positive ones, mixed included: a mixed comment counts in both), with a bootstrap interval."),
        "guard": ("Warning: these comments look out of the domain of the {what}: {figures}. The drivers of this "
                  "report are unreliable: find the themes of these comments with `perche discover`, or label a "
                  "sample (`perche sample`) and train a model (`perche train`)."),
        "guard_what": {"default": "default model (trained on contact-centre comments)", "model": "model",
                       "codebook": "codebook"},
        "guard_known": "{only}{p} of them have enough words the model knows (threshold {t})",
        "guard_overlap": "{only}{p} of their words are in its vocabulary (threshold {t})",
        "guard_low": "{p} are less sure of their drivers than 90% of its training comments (threshold {t}{over})",
        "guard_only": "only ", "guard_over": ", exceeded",
        "guard_driver": "{p} were given a driver",
        "guard_codebook": "only {p} match any of its themes (threshold {t})",
        "defs": {"nps": "NPS = % promoters (scores 9–10) − % detractors (scores 0–6), from −100 to +100",
                 "csat": "CSAT % = share of {a}–{b} answers on a {lo}–{hi} scale",
                 "ces": "CES = mean answer on a {lo}–{hi} scale"},
        "from_top": {"nps": "complaint from a promoter", "csat": "complaint from a satisfied customer"},
        "from_bottom": {"nps": "praise from a detractor", "csat": "praise from a dissatisfied customer"},
        "vscore": "score {s}/{hi}", "axis_impact": "impact on the score ({m}, points)",
        "ns_short": "n.s.", "ns_legend": "n.s. = not significant (the interval includes zero, or not after Holm's adjustment over the drivers)",
        "trend_alt": "{m} by period, {n} periods from {a} ({sa}) to {b} ({sb}); lowest {lo}, highest {hi}",
        "trend_alt_one": "{m} by period, 1 period, {a}: {sa}, interval {iv}",
        "impact_alt": "Impact of each driver on the {m}, most negative first: {items}",
        "matrix_alt": "Priority matrix, share of comments × impact: {items}",
        "axis_share": "share of comments (%)", "latest": " (latest {n})",
        "more_quotes": "{n} more quoted comments are in the JSON.",
        "more_segments": "{n} more segments, neither significant nor among the largest, are in the JSON.",
        "more_points": "{n} more drivers, of smaller impact, are in the table above, not in the matrix.",
        "note_text": {
            "default_model": ("drivers from perche's default model, trained on the synthetic sample survey: train your "
                              "own on labelled comments (perche train) for real data"),
            "masked": ("personal data in the quoted comments is masked ({spans} in {comments} comments: phones, "
                       "e-mails, codici fiscali, IBANs, cards, names...); --no-mask quotes them as written"),
            "problems": "{problems} problems in the input; the first {listed} are listed",
            "other_metric": "several columns could be the {metric}: it is not reported (name one with --score)",
            "no_sentiment": "no sentiment of the comments: several columns could be the text column (name it with --text)",
            "off_scale": ("{off_scale} of the {scores} whole-number scores of column “{column}” are outside {range} "
                          "(from {lowest} to {highest}) and were left out: check the metric and its scale (--metric, "
                          "--scale)"),
            "dates_month_first": ("the dates of column “{column}” are written month first ({month_first} have a month "
                                  "over 12 in second place, none in first): read as MM/DD/YYYY"),
            "segments_merged": ("the segment column “{column}” has {values} values: the {shown} most frequent are "
                                "segments, the other {merged} ({responses} responses) are one segment, {segment}"),
            "no_drivers_labels": "no driver is named in the labels column: no driver analysis",
            "no_drivers": "no driver is named by the labeller: no driver analysis",
            "no_mentions": "“{label}” has no mentions: no score or impact",
            "all_mention": "“{label}” is mentioned by every response: impact is undefined",
            "few_mentions": ("“{label}”: {mentions} mentions, fewer than {min_mentions} (few mentions): impact shown "
                             "without an interval, not tested"),
            "bootstrap_undefined": "“{label}”: {replicates} bootstrap replicates had no response without it and were left out",
            "left_out_every_response": ("“{label}” left out of the {outcome} model: every response mentions it; the "
                                        "other drivers' odds ratios are not adjusted for it"),
            "left_out_no_outcome": ("“{label}” left out of the {outcome} model: none of its mentioners is among the "
                                    "{outcome}; the other drivers' odds ratios are not adjusted for it"),
            "left_out_every_outcome": ("“{label}” left out of the {outcome} model: all its mentioners are {outcome}; "
                                       "the other drivers' odds ratios are not adjusted for it"),
            "not_fitted_every": "the {outcome} model was not fitted: every response with a comment is among the {outcome}",
            "not_fitted_none": "the {outcome} model was not fitted: no response with a comment is among the {outcome}",
            "not_converged": "the {outcome} model did not converge (quasi-separated data); its odds ratios are omitted",
            "no_importance": "the {outcome} model has {drivers} drivers, more than {max_drivers}: no Shapley importance",
            "importance_bootstrap_reduced": ("the {outcome} model's importance intervals use {replicates} bootstrap "
                                             "replicates instead of {requested} (many drivers)"),
            "importance_bootstrap_undefined": ("the {outcome} model's importance intervals left out {replicates} "
                                               "bootstrap replicates (none or all among the {outcome}, or a model "
                                               "that could not be fitted)"),
            "no_text": "no response has a comment: no shares or key-driver models",
        },
    },
}

_METRIC = {"nps": "NPS", "csat": "CSAT %", "ces": "CES"}
# Bounds that keep the HTML report of any survey readable and small (under 300 KB for a million
# responses with many drivers, periods and segments: tests/python/test_report_story.py); the JSON
# holds everything.
_QUOTE_CHARS = 400  # a quoted comment's code points shown (the JSON keeps up to 2,000)
_QUOTES = 120  # quotes in the page: each driver shows max(2, _QUOTES / drivers), pain points and delights alike
_SEGMENT_ROWS = 25  # segments shown per column: the significant ones, then the largest
_MATRIX_POINTS = 40  # drivers in the priority matrix: the largest impacts
_MATRIX_LABEL = 32  # characters of a driver's label in the priority matrix (a longer one is shortened)
_PERIOD_POINTS = 60  # beyond this many periods the trend draws its line without a point per period
_PERIOD_ROWS = 24  # periods of the negative-sentiment table: the latest
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
    """A count as printed: digits grouped by thousands in the report's format, or —."""
    x = _i(v)
    return "—" if x is None else _num(x)


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


# The language whose number format the helpers below print (Italian: decimal comma, thousands
# point, "28,3%", "1.234"): set by render_text and render_html for the length of one call.
_NUMBERS: contextvars.ContextVar = contextvars.ContextVar("perche_report_numbers", default="en")


@contextlib.contextmanager
def _numbers(lang: str) -> Iterator[None]:
    token = _NUMBERS.set(lang)
    try:
        yield
    finally:
        _NUMBERS.reset(token)


_TO_ITALIAN = str.maketrans(",.", ".,")


_MINUS = "\u2212"  # the minus sign of every figure the reports print, as the summary in words (C++ format_number)


def _num(x: float, decimals: Optional[int] = None, sign: Optional[bool] = None, lang: Optional[str] = None,
         zero_sign: Optional[bool] = None) -> str:
    """x with `decimals` decimals (None: 0), thousands grouped, in `lang`'s number format (None: the
    report being rendered's), as the summary in words writes numbers (C++ format_number): a
    negative number starts with the minus sign U+2212, a positive one with "+" when `sign` is asked,
    and a number that rounds to zero has no sign ("0,0", never "-0,0" or "+0,0"), unless
    `zero_sign`: then a non-zero number keeps the side of zero it is on (an interval's bound when
    the interval excludes zero)."""
    text = f"{abs(x):,}" if isinstance(x, int) else f"{abs(x):,.{decimals or 0}f}"
    zero = not any(c in "123456789" for c in text) and not (zero_sign and x != 0)
    text = (_MINUS if x < 0 and not zero else "+" if sign and not zero else "") + text
    return text.translate(_TO_ITALIAN) if (lang or _NUMBERS.get()) == "it" else text


def format_score(value: Optional[float], metric: str, lang: Optional[str] = None) -> str:
    """The one way a score is printed: NPS with sign and 1 decimal, CSAT % with 1, CES with 2; in
    `lang`'s number format (None: the report being rendered's, else English)."""
    v = _f(value)
    if v is None:
        return "—"
    if metric == "nps":
        return _num(v, 1, True, lang)
    if metric == "ces":
        return _num(v, 2, False, lang)
    return _num(v, 1, False, lang)


def _impact(v: Any, metric: str, zero_sign: Optional[bool] = None) -> str:
    x = _f(v)
    if x is None:
        return "—"
    return _num(x, 2 if metric == "ces" else 1, True, zero_sign=zero_sign)


def _impact_iv(low: Any, high: Any, metric: str) -> str:
    """"[low, high]" of an impact's interval. A bound that rounds to zero prints "0,0", except in an
    interval that excludes zero, whose bounds keep their side of it ("[+0,0, +3,2]": the star beside
    it says the interval is above zero, and "0,0" would read as touching it)."""
    lo, hi = _f(low), _f(high)
    side = lo is not None and hi is not None and (lo > 0 or hi < 0)
    return f"[{_impact(lo, metric, side)}, {_impact(hi, metric, side)}]"


def _or(v: Any) -> str:
    x = _f(v)
    return "—" if x is None else _num(x, 2 if x < 100 else 0)


def _pct(v: Any) -> str:
    x = _f(v)
    return "—" if x is None else f"{_num(100 * x, 1)}%"


def _pv(v: Any) -> str:
    """A p-value: "< 0,001" below a thousandth (never 1.9e-112), else 3 decimals."""
    x = _f(v)
    if x is None:
        return "—"
    return f"< {_num(0.001, 3)}" if x < 0.001 else _num(x, 3)


def _p_is(v: Any) -> str:
    """"= 0,012" or "< 0,001": what follows "p" in a sentence."""
    t = _pv(v)
    return t if t.startswith("<") else f"= {t}"


def _nice_step(span: float, count: int) -> float:
    """A 1-2-5 step (…, 0.5, 1, 2, 5, 10, …) giving about `count` intervals over span."""
    raw = span / max(count, 1)
    if not raw > 0 or not math.isfinite(raw):
        return 1.0
    mag = 10 ** math.floor(math.log10(raw))
    return next((m * mag for m in (1, 2, 5) if m * mag >= raw), 10 * mag)


def _ticks(lo: float, hi: float, count: int) -> tuple:
    """(low, high, ticks): the axis range widened to whole 1-2-5 steps and the ticks on them."""
    step = _nice_step(hi - lo, count)
    a, b = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    if a == b:
        b += 1
    ticks = [round(k * step, 10) for k in range(a, b + 1)]
    return ticks[0], ticks[-1], ticks


def _step_decimals(ticks: list) -> int:
    """Decimals enough to tell the ticks apart (0 for whole steps)."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    return max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0


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


def _shown_segments(groups: list) -> tuple:
    """The groups of a segment column a report lists and how many it leaves to the JSON: all of
    them up to _SEGMENT_ROWS; beyond, the significant ones, then the largest, in their order."""
    hidden = max(0, len(groups) - _SEGMENT_ROWS)
    if not hidden:
        return groups, 0
    keep = sorted(range(len(groups)), key=lambda k: (not _b(_d(groups[k]).get("significant")),
                                                    -(_i(_d(groups[k]).get("n")) or 0)))[:_SEGMENT_ROWS]
    return [groups[k] for k in sorted(keep)], hidden


def _notes(data: dict, L: dict) -> list:
    """The notes to list, as (code, text in the report's language). A note with the structured
    fields of docs/schema.md (`reason`, `label`, `values`) is worded here, with the driver's display
    name; a note this renderer does not know (a schema-2 string, a newer code) shows its message.
    The domain guard's is worded by _guard instead."""
    out = []
    notes = data.get("notes")
    labels = _d(_d(data.get("model")).get("labels"))
    for n in notes if isinstance(notes, list) else []:
        if not isinstance(n, dict):
            out.append((None, _s(n)))
            continue
        code = n.get("code")
        if code != "out_of_domain":
            out.append((code, _note_text(n, L, labels)))
    return out


def _note_text(n: dict, L: dict, labels: dict) -> str:
    code, reason = n.get("code"), n.get("reason")
    key = reason if code == "drivers" and isinstance(reason, str) else \
        "no_drivers_labels" if code == "no_drivers" and reason == "labels" else code
    template = L["note_text"].get(key) if isinstance(key, str) else None
    values = _d(n.get("values"))
    if template is None or ("{" in template.replace("{label}", "") and "values" not in n):
        return _s(n.get("message"))  # a document written before notes had their fields
    fields: dict = {}
    for k, v in values.items():
        if isinstance(k, str):
            fields[k] = _n(v) if _i(v) is not None else _s(v)
    outcome = values.get("outcome")
    if isinstance(outcome, str):
        fields["outcome"] = (L["neg"].get(outcome) or L["pos"].get(outcome) or outcome)
    metric = values.get("metric")
    if isinstance(metric, str):
        fields["metric"] = _METRIC.get(metric, metric).replace(" %", "")
    label = n.get("label")
    fields["label"] = label if isinstance(label, str) and label else _label(labels, n.get("driver"))
    try:
        return template.format_map(_Missing(fields))
    except (ValueError, IndexError):
        return _s(n.get("message"))


class _Missing(dict):
    """Fields of a note's template: a figure the document lacks prints —."""

    def __missing__(self, key: str) -> str:
        return "—"


def _definition(data: dict, metric: str, L: dict) -> str:
    """The metric in words (NPS = % promoters − % detractors; CSAT % = share of the top two answers)."""
    scale = data.get("scale")
    lo, hi = (scale if isinstance(scale, list) and len(scale) == 2 and all(_i(x) is not None for x in scale)
              else ((0, 10) if metric == "nps" else (1, 5) if metric == "csat" else (1, 7)))
    return L["defs"][metric].format(lo=_n(lo), hi=_n(hi), a=_n(_i(hi) - 1), b=_n(hi))


def _scale_top(data: dict, metric: str) -> str:
    """The highest answer of the scale, as printed ("10" for NPS)."""
    scale = data.get("scale")
    hi = _i(scale[1]) if isinstance(scale, list) and len(scale) == 2 else None
    return _n(hi if hi is not None else 10 if metric == "nps" else 5 if metric == "csat" else 7)


def _top_bottom(data: dict, metric: str, score: Any) -> Optional[str]:
    """"top" for a promoter (NPS 9–10) or a top-two-box answer (CSAT), "bottom" for a detractor
    (NPS 0–6) or a bottom-two-box answer, else None (passives, CES)."""
    x = _i(score)
    if x is None:
        return None
    if metric == "nps":
        return "top" if x >= 9 else "bottom" if x <= 6 else None
    if metric == "csat":
        scale = data.get("scale")
        lo, hi = (_i(scale[0]), _i(scale[1])) if isinstance(scale, list) and len(scale) == 2 else (1, 5)
        if lo is None or hi is None:
            return None
        return "top" if x >= hi - 1 else "bottom" if x <= lo + 1 else None
    return None


def _feel(v: dict) -> Optional[str]:
    feel = _s(v.get("sentiment"))
    return "pain" if feel in ("negative", "mixed") else "delight" if feel == "positive" else None


def _shown_quotes(groups: list) -> tuple:
    """The verbatim groups as the HTML shows them, within the page's budget of quotes: per driver
    at most max(2, _QUOTES / drivers), half pain points and half delights (the other kind filling
    in where one runs short), each kind the most probable first; and how many were left out."""
    per = max(2, _QUOTES // max(len(groups), 1))
    out, left = [], 0
    for key, vs in groups:
        if len(vs) <= per:
            out.append((key, vs))
            continue
        pain = [v for v in vs if _feel(v) == "pain"]
        other = [v for v in vs if _feel(v) != "pain"]
        take_pain = min(len(pain), max((per + 1) // 2, per - len(other)))
        keep = {id(v) for v in pain[:take_pain] + other[:per - take_pain]}
        out.append((key, [v for v in vs if id(v) in keep]))
        left += len(vs) - len(keep)
    return out, left


def _verbatim_groups(data: dict) -> list:
    """The verbatims by driver, in the drivers' order (by impact: the biggest drag first, as in the
    tables and charts), drivers the list does not hold last; in each, pain points then delights,
    each as the document orders them (the most probable first)."""
    rank = {}
    for k, d in enumerate(_l(data.get("drivers"))):
        if isinstance(d.get("driver"), str):
            rank.setdefault(d.get("driver"), k)
    groups: dict = {}
    for v in _l(data.get("verbatims")):
        key = v.get("driver")
        groups.setdefault(key if isinstance(key, str) else _s(key), []).append(v)
    first = {g: k for k, g in enumerate(groups)}
    order = sorted(groups, key=lambda g: (rank.get(g, len(rank)), first[g]))
    kind = {"pain": 0, "delight": 1}
    return [(g, sorted(groups[g], key=lambda v: kind.get(_feel(v) or "", 2))) for g in order]


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
        return "—" if x is None or not math.isfinite(100 * x) else f"{_num(100 * x)}%"

    def art(v):  # Italian article of a percentage: l'11%, l'8%, l'80%, lo 0%, il 20% (English: none)
        p = pct(v)
        if L is _L["en"]:
            return ""
        return "l'" if p in ("1%", "11%") or p.startswith("8") else "lo " if p.startswith("0") else "il "

    def below(v, t):  # whether a share is under its threshold (the guard's "only")
        x, y = _f(v), _f(t)
        return x is not None and y is not None and x < y

    # The labeller's own wording: a model's figures (each the guard read; "only" where one is under
    # its threshold, "exceeded" where the low-confidence share is over it), or the codebook's.
    kind = model.get("kind")
    figures = []
    if kind != "codebook":
        known, overlap = c.get("known_share"), c.get("vocabulary_overlap")
        if _f(known) is not None:
            figures.append(L["guard_known"].format(
                only=L["guard_only"] if below(known, th.get("known_share")) else "", a=art(known), p=pct(known),
                t=pct(th.get("known_share"))))
        if _f(overlap) is not None:
            figures.append(L["guard_overlap"].format(
                only=L["guard_only"] if below(overlap, th.get("vocabulary_overlap")) else "", a=art(overlap),
                p=pct(overlap), t=pct(th.get("vocabulary_overlap"))))
        low = _d(c.get("top_probability")).get("below_training_p10")
        if _f(low) is not None:
            over = below(th.get("below_training_p10"), low)
            figures.append(L["guard_low"].format(a=art(low), p=pct(low), t=pct(th.get("below_training_p10")),
                                                 over=L["guard_over"] if over else ""))
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
# marks, embeddings, overrides and isolates, line and paragraph separators, and lone surrogates (not
# encodable): never printed as they are. _INVISIBLE is the part beyond the ASCII controls, which the
# CLI's one-line messages and its tables on a terminal (cli._one_line, cli._Screen) use as well.
_INVISIBLE = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNPRINTABLE = re.compile(f"[\x00-\x1f{_INVISIBLE}]")


def _t(v: Any) -> str:
    """Data as terminal text: one line, no control character."""
    return _UNPRINTABLE.sub("\ufffd", _s(v))


def _table(head: list, rows: list, align: str, wrap: Optional[dict] = None) -> list:
    """Aligned plain-text table; align has one of < > per column. wrap: {column: width}: a longer
    cell there continues on the next lines (words are never cut, names never truncated)."""
    wrap = wrap or {}
    lines_of = []
    for r in [head] + rows:
        cols = []
        for j, c in enumerate(r):
            text = _t(c)
            w = wrap.get(j)
            cols.append(textwrap.wrap(text, w, break_long_words=False, break_on_hyphens=False) or [""]
                        if w and len(text) > w else [text])
        lines_of.append(cols)
    widths = [max(len(x) for cols in lines_of for x in cols[j]) for j in range(len(head))]
    out = []
    for i, cols in enumerate(lines_of):
        for k in range(max(len(c) for c in cols)):
            cells = [c[k] if k < len(c) else "" for c in cols]
            out.append(("  " + "  ".join(f"{c:{a}{w}}" for c, a, w in zip(cells, align, widths))).rstrip())
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
        v += " " + _impact_iv(st.get(f"{key}_ci_low"), st.get(f"{key}_ci_high"), metric)
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
    out = [f"{shares}; {L['net']} {'—' if net is None else _num(net, 0, True)} (n={_n(n)})"]
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
    rows = [[_s(d.get("label")), _n(s.get("mentions")), _pct(neg), _pct(pos),
             "—" if _f(s.get("net")) is None else _num(_f(s.get('net')), 0, True),
             _impact_ci(s, "negative", metric), _impact_ci(s, "positive", metric)]
            for d, s, neg, pos in _sentiment_rows(data)]
    if rows:
        lines += _table([L["driver"], L["mentions"], L["neg_share"], L["pos_share"], L["net"], L["neg_impact"],
                         L["pos_impact"]], rows, "<>>>>>>", {0: 18})
    return lines


def render_text(data: dict, lang: Optional[str] = None) -> str:
    """The terminal summary of an analysis (≤ 110 columns), in `lang` (default: the document's),
    numbers in its format (Italian: decimal comma, thousands point)."""
    L, metric = _check(data, lang)
    lang = _lang(data, lang)
    with _numbers(lang):
        return _render_text(data, lang, L, metric)


def _rows_used(src: dict, L: dict) -> str:
    """"2.399 righe usate su 2.400" / "1 riga usata su 2": the rows of the source that count."""
    used = _i(src.get("rows_used"))
    return f"{_n(used)} {L['row'] if used == 1 else L['rows']} {L['of']} {_n(src.get('rows'))}"


def _bad_rows(src: dict, L: dict) -> str:
    """"3 righe scartate" / "1 riga scartata", or "" when no row was left out."""
    bad = _i(src.get("bad_rows"))
    return f"{_n(bad)} {L['bad_one'] if bad == 1 else L['bad']}" if bad else ""


def _render_text(data: dict, lang: str, L: dict, metric: str) -> str:
    M = _METRIC[metric]
    src = _d(data.get("source"))
    lines = []
    name = _t(_s(src.get("file")) or "DataFrame").rsplit("/", 1)[-1]
    bad = _bad_rows(src, L)  # `perche report` and `analyze` alike
    lines.append(f"perche — {name}: {_rows_used(src, L)}" + (f", {bad}" if bad else ""))
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
    lines.append("  " + _definition(data, metric, L))
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
                         ("▼ " + L["drop"]) if _b(p.get("significant_drop")) else
                         L["untested"] if _b(p.get("too_few")) and p.get("diff_prev") is not None else ""])
        lines += _table([L["period"], L["n"], M, ci, "Δ", ""], rows, "<>>>><")
        tt = _d(t.get("test"))
        s, pv = _f(tt.get("slope")), _f(tt.get("p_value"))
        if s is not None and pv is not None:
            verdict = L["declining"] if _b(tt.get("declining")) else L["increasing"] if _b(tt.get("increasing")) \
                else L["flat"]
            lines.append("  " + L["mk"].format(s=_num(s, 2, True), p=_p_is(pv), v=verdict))
    model = _d(data.get("model"))
    kind = model.get("kind")
    if kind != "none":  # `perche report`: metrics only
        neg, pos = _outcomes(data, L)
        lines += ["", L["drivers"] + f" — {L['model']} {L['kinds'].get(kind, '') if isinstance(kind, str) else ''}:"]
        rows, starred = [], False
        for d in _l(data.get("drivers")):
            imp = _impact(d.get("impact"), metric)
            if _f(d.get("impact")) is not None and _f(d.get("impact_ci_low")) is not None:
                imp += " " + _impact_iv(d.get("impact_ci_low"), d.get("impact_ci_high"), metric)
                imp += " *" if _b(d.get("impact_significant")) else "  "
                starred |= _b(d.get("impact_significant"))
            elif _b(d.get("few_mentions")):
                imp += f" ({L['few_mentions']})"
            orn = _or(d.get("or_negative"))
            if _f(d.get("or_negative")) is not None:
                orn += f" [{_or(d.get('or_negative_ci_low'))}, {_or(d.get('or_negative_ci_high'))}]"
            q = _quadrant(d)
            rows.append([_s(d.get("label")), _n(d.get("mentions")), _pct(d.get("share")),
                         format_score(d.get("score"), metric), imp, orn, _quadrant_word(d, L) if q else "—"])
        lines += _table([L["driver"], L["mentions"], L["share"], M, L["impact"], L["or_neg"].format(neg=neg),
                         L["quadrant"]], rows, "<>>>>><", {0: 18})
        if starred:  # a footnote only for a mark the table shows
            lines.append("  " + L["sig"])
    lines += _sentiment_text(data, metric, L)
    segments = _l(data.get("segments"))
    starred = False
    for s in segments:
        lines += ["", f"{L['segments']}: {_t(s.get('column'))}"]
        rows = []
        groups, hidden = _shown_segments(_l(s.get("groups")))
        for g in groups:
            starred |= _b(g.get("significant")) and _f(g.get("p_holm")) is not None
            iv, centre = _interval(g, metric, L)
            centred |= bool(centre)
            ph = _f(g.get("p_holm"))
            rows.append([_s(g.get("segment")), _n(g.get("n")), format_score(g.get("score"), metric),
                         iv + (f" {centre}" if centre else ""),
                         _impact(g.get("diff_vs_rest"), metric),
                         "—" if ph is None else _pv(ph) + (" *" if _b(g.get("significant")) else "  ")])
        lines += _table([L["segment"], L["n"], M, ci, L["vs_rest"], L["p_holm"]], rows, "<>>>>>", {0: 24})
        if hidden:
            lines.append("  " + L["more_segments"].format(n=_n(hidden)))
    if starred:
        lines.append("  " + L["sig_holm"])
    if centred:
        lines += [""] + textwrap.wrap(L["centre_note"], 106, initial_indent="  ", subsequent_indent="  ")
    labels = _d(model.get("labels"))
    groups = _verbatim_groups(data)
    if groups:
        # Per driver, by impact: its first pain point and its first delight (or its first two
        # comments without sentiment), the customer's score beside each.
        lines += ["", L["verbatims"] + ":"]
        for key, vs in groups:
            shown, kinds = [], set()
            for v in vs:
                kind = _feel(v)
                if (kind in kinds if kind else len(shown) >= 2) or len(shown) >= 2:
                    continue
                kinds.add(kind)
                shown.append(v)
            lines.append(f"  {_t(_label(labels, key))}:")
            for v in shown:
                text = " ".join(_t(v.get("text")).split())
                text = text if len(text) <= 90 else text[:89] + "…"
                feel = L["class1"].get(_s(v.get("sentiment")), "")
                tb = _top_bottom(data, metric, v.get("score"))
                who = L["from_top"].get(metric) if tb == "top" and _feel(v) == "pain" else \
                    L["from_bottom"].get(metric) if tb == "bottom" and _feel(v) == "delight" else None
                lines.append(f"    [{L['vscore'].format(s=_n(v.get('score')), hi=_scale_top(data, metric))}" + (f", {feel}" if feel else "")
                             + (f", {who}" if who else "") + f"] “{text}”")
    notes = _notes(data, L)
    if notes:
        lines += ["", L["notes"] + ":"]
        for _, m in notes:
            lines += textwrap.wrap(_t(m), 106, initial_indent="  - ", subsequent_indent="    ") or ["  -"]
    return "\n".join(lines) + "\n"


# --- HTML ------------------------------------------------------------------------------------------

# The report needs no script, no network and no frame: only its own inline CSS and SVG. The policy
# is the first element of <head>, before anything that comes from the data.
_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")

# Every rule of the report is scoped to its container ("&" below: .perche-report in the page, a
# class of its own in a notebook), so that the report restyles nothing around it. Colours pass WCAG
# 2.x AA on the report's backgrounds (text 4.5:1, graphics 3:1: tests/python/test_report_a11y.py).
_CSS = """
&{--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--bg:#f7f9fb;--neg:#b03a2e;--pos:#1b7340;--accent:#24527a;
display:block;max-width:1080px;margin:0 auto;padding:24px;text-align:left;color:var(--ink);background:var(--bg);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
& *{box-sizing:border-box}
& header{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-end;border-bottom:2px solid var(--line);padding-bottom:16px}
& h1{font-size:22px;margin:0 0 4px;color:var(--ink)}& h2{font-size:18px;margin:32px 0 8px;color:var(--accent)}
& h3{font-size:15px;margin:16px 0 4px;color:var(--ink)}& section>h2:first-child{margin-top:0}& p{margin:6px 0}
& .kpi{font-size:44px;font-weight:700;line-height:1}& .kpi small{font-size:15px;font-weight:400;color:var(--muted)}
& .meta,& .def{color:var(--muted);font-size:13px}& .kpi .def{margin-top:6px;font-weight:400;line-height:1.4}
& section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin-top:16px}
& table{border-collapse:collapse;width:100%;font-size:13.5px;margin:0}
& th,& td{padding:4px 8px;border:0;border-bottom:1px solid var(--line);text-align:right;vertical-align:top;background:none}
& th:first-child,& td:first-child{text-align:left}& th{color:var(--muted);font-weight:600}
& td,& th,& h3,& .meta,& li,& p,& summary,& blockquote,& .vgroup{overflow-wrap:anywhere}& td.num,& td.iv{white-space:nowrap}
& th.num{overflow-wrap:break-word}@media (max-width:760px){& td.iv{white-space:normal;overflow-wrap:normal}}
& .others{display:flex;flex-direction:column;gap:2px;color:var(--muted);font-size:13px}
& .other-metric{font-weight:600;color:var(--ink)}& .other-score{font-size:22px;font-weight:700}
& .other-metric small{font-weight:400;color:var(--muted)}
& ol.legend{columns:2;column-gap:56px;margin:8px 0 0;padding-left:28px;font-size:13px}
& details{margin-top:10px}& details summary{cursor:pointer;font-weight:600;color:var(--accent)}
& .sig{font-weight:700}& .neg{color:var(--neg)}& .pos{color:var(--pos)}& .ns{color:var(--muted)}
& svg{max-width:100%;height:auto;display:block}
& svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;fill:var(--ink)}
& svg text.ns,& svg text.axis{fill:var(--muted)}& svg text.q{font-weight:600}
& .vgroup{break-inside:avoid;page-break-inside:avoid}
& blockquote{margin:8px 0;padding:8px 12px;border-left:4px solid var(--line);background:var(--bg)}
& blockquote.pain{border-left-color:var(--neg)}& blockquote.delight{border-left-color:var(--pos)}
& blockquote .who{display:block;color:var(--muted);font-size:12px}& .score{font-weight:700;color:var(--ink)}
& .flag{font-weight:700;color:var(--accent)}& mark{background:#ffe58a;color:var(--ink);padding:0 1px}
& .note{color:var(--muted);font-size:13px}& ul.note{padding-left:20px}
& section.warn{border-left:4px solid var(--neg);background:#fdf3f2}
@media print{&{background:#fff;max-width:none;padding:0;font-size:10.5px;line-height:1.35}
& section{break-inside:avoid;page-break-inside:avoid;border:none;border-radius:0;padding:4px 0;margin-top:6px}
& h2,& h3{break-after:avoid;page-break-after:avoid}& h2{font-size:14px;margin:6px 0 4px}& h3{font-size:12px;margin:8px 0 2px}
& .kpi{font-size:30px}& table{font-size:9.5px}& th,& td{padding:1px 6px}& td.iv{white-space:nowrap}& .note,& .meta,& .def{font-size:9.5px}
& svg text{font-size:12px}& #verbatims{break-inside:auto;column-count:2;column-gap:18px}& #verbatims h2{column-span:all}
& blockquote{margin:4px 0;padding:3px 8px;font-size:9.5px}& blockquote .who{font-size:8.5px}
& #sentiment{break-inside:auto}}
"""
# Only in the page of its own (never in a notebook): the body and the printed page.
_PAGE_CSS = """
body{margin:0;background:#f7f9fb}
@page{size:A4;margin:14mm 12mm}
@media print{body{background:#fff}}
"""

_NEG, _POS, _NS, _ACCENT, _AXIS = "#b03a2e", "#1b7340", "#7b8794", "#24527a", "#7b8794"

# Characters that are not text in HTML (controls, lone surrogates that cannot be written as UTF-8),
# and the bidi embeddings, overrides and isolates, as the terminal report replaces them: a segment
# "\u202eweb" reversed the date shown after it.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _e(s: Any) -> str:
    """Data as HTML text or as a double-quoted attribute value (& < > " ' escaped)."""
    return html.escape(_NOT_TEXT.sub("\ufffd", _s(s)), quote=True)


_CLASSES = frozenset({"sig", "neg", "pos", "ns", "num", "iv"})
_SCOPE = "perche-report"


def _scoped_css(scope: str) -> str:
    """The report's CSS with every selector under the class `scope`."""
    return _CSS.replace("&", "." + scope).strip()


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


def _html_table(head: list, rows: list, names: Optional[tuple] = None, spaced: Optional[tuple] = None) -> str:
    """head and cells are text (escaped), or _Td for a cell with classes; never markup. The columns
    `names` (default: the first) hold names, which wrap anywhere to fit; the others hold figures
    and never wrap (class "num": a number, a p-value, a quadrant's name), except that on a narrow
    screen the columns `spaced`, a figure and its interval (class "iv"), wrap at their spaces. A
    number is never broken: "0,002" was laid out as "0,0" over "02" beside long driver names."""
    names, spaced = (0,) if names is None else names, spaced or ()

    def kind(j: int) -> tuple:
        return () if j in names else ("iv",) if j in spaced else ("num",)

    h = "".join(f"<th>{_e(c)}</th>" if j in names else f'<th class="num">{_e(c)}</th>' for j, c in enumerate(head))
    body = "".join("<tr>" + "".join(
        (c._replace(classes=c.classes + kind(j)) if isinstance(c, _Td) else _Td(c, kind(j))).html()
        for j, c in enumerate(r)) + "</tr>" for r in rows)
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
    W, H, left, right, top, bottom = 900, 290, 64, 36, 16, 50
    lo = min(q[2] for q in ps)
    hi = max(q[3] for q in ps)
    pad = (hi - lo) * 0.04 or 1.0
    lo, hi, ticks = _ticks(lo - pad, hi + pad, 5)
    if metric == "nps":  # no axis past the score's own bounds (an all-promoter trend read up to +105)
        lo, hi = max(lo, -100.0), min(hi, 100.0)
        ticks = [t for t in ticks if lo <= t <= hi]
    n = len(ps)

    def x(i):  # the first and last period 24 units inside the axis, clear of its labels
        return left + 24 + (W - left - right - 48) * (0.5 if n == 1 else i / (n - 1))

    def y(v):
        return top + (H - top - bottom) * (hi - v) / (hi - lo)

    band = " ".join(f"{x(i):.1f},{y(q[3]):.1f}" for i, q in enumerate(ps))
    band += " " + " ".join(f"{x(i):.1f},{y(q[2]):.1f}" for i, q in reversed(list(enumerate(ps))))
    line = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(q[1]):.1f}" for i, q in enumerate(ps))
    first, last = ps[0][0], ps[-1][0]
    if n == 1:
        iv, centre = _interval(first, metric, L)
        summary = L["trend_alt_one"].format(m=_METRIC[metric], a=_s(first.get("period")),
                                            sa=format_score(ps[0][1], metric), iv=iv + (f" {centre}" if centre else ""))
    else:
        summary = L["trend_alt"].format(m=_METRIC[metric], n=_n(n), a=_s(first.get("period")),
                                        b=_s(last.get("period")), sa=format_score(ps[0][1], metric),
                                        sb=format_score(ps[-1][1], metric),
                                        lo=format_score(min(q[1] for q in ps), metric),
                                        hi=format_score(max(q[1] for q in ps), metric))
    parts = [f'<svg id="trend" viewBox="0 0 {W} {H}" role="img" aria-label="{_e(summary)}">'
             f'<title>{_e(L["trend"])}</title><desc>{_e(summary)}</desc>']
    decimals = _step_decimals(ticks)
    for v in ticks:  # grid and axis labels, on round values
        label = _num(v, decimals, metric == "nps" and v != 0)
        parts.append(f'<line x1="{left}" x2="{W - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e4e9ef"/>'
                     f'<text class="axis" x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{_e(label)}</text>')
    parts.append(f'<text class="axis" x="14" y="{(top + H - bottom) / 2:.1f}" '
                 f'transform="rotate(-90 14 {(top + H - bottom) / 2:.1f})" text-anchor="middle">'
                 f'{_e(_METRIC[metric])}</text>')
    if n > 1:
        parts.append(f'<path class="ci-band" d="M{band.replace(" ", " L")} Z" fill="{_ACCENT}" fill-opacity="0.15" '
                     f'stroke="none"/>')
    elif ps[0][2] < ps[0][3]:  # one period: a band of no width would hide the interval; an error bar shows it
        cx, a, b = x(0), y(ps[0][3]), y(ps[0][2])
        parts.append(f'<path class="ci-band" d="M{cx:.1f},{a:.1f} V{b:.1f} M{cx - 8:.1f},{a:.1f} H{cx + 8:.1f} '
                     f'M{cx - 8:.1f},{b:.1f} H{cx + 8:.1f}" fill="none" stroke="{_ACCENT}" stroke-width="1.5"/>')
    parts.append(f'<path class="score-line" d="{line}" fill="none" stroke="{_ACCENT}" stroke-width="2"/>')
    step = max(1, n // 12)
    for i, (p, s, _, _) in enumerate(ps):
        drop = _b(p.get("significant_drop"))
        if n > _PERIOD_POINTS and not drop:  # a long series: the line alone, its drops marked
            if i % step == 0 or i == n - 1:
                parts.append(f'<text class="axis" x="{x(i):.1f}" y="{H - bottom + 18}" text-anchor="middle">'
                             f'{_e(p.get("period"))}</text>')
            continue
        cls = "point drop" if drop else "point"
        color = _NEG if drop else _ACCENT
        r = 6 if drop else 3.5
        iv, centre = _interval(p, metric, L)
        tip = f"{_s(p.get('period'))}: {format_score(s, metric)} {iv}" + (f" {centre}" if centre else "") \
            + f", n={_n(p.get('n'))}"
        if drop:
            tip += f" — {L['drop']} ({_impact(p.get('diff_prev'), metric)})"
        parts.append(f'<circle class="{cls}" cx="{x(i):.1f}" cy="{y(s):.1f}" r="{r}" fill="{color}">'
                     f"<title>{_e(tip)}</title></circle>")
        if drop:  # not by colour alone: a marker and words under the point
            parts.append(f'<text class="drop-mark" x="{x(i):.1f}" y="{y(s) + 20:.1f}" text-anchor="middle" '
                         f'fill="{_NEG}">▼</text>')
        if i % step == 0 or i == n - 1:
            parts.append(f'<text class="axis" x="{x(i):.1f}" y="{H - bottom + 18}" text-anchor="middle">'
                         f'{_e(p.get("period"))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _impact_svg(drivers: list, metric: str, L: dict) -> str:
    ds = []
    for d in drivers:
        v = _plot(_f(d.get("impact")))
        if v is not None:
            lo, hi = _plot(_f(d.get("impact_ci_low"))), _plot(_f(d.get("impact_ci_high")))
            ds.append((d, v, lo, hi) if lo is not None and hi is not None else (d, v, None, None))
    # The value in words beside each bar: its sign, and "n.s." when its interval includes zero (so
    # that neither rests on the colour alone), or "few mentions" when it was never tested.
    values = [_impact(v, metric) + ("" if _b(d.get("impact_significant")) and _quadrant(d) != "not_significant"
                                    else " " + _ns_word(d, L, True)) for d, v, _, _ in ds]
    # The right margin holds the longest value, so that none runs out of the chart.
    W, row, left, top, bottom = 900, 30, 250, 16, 46
    right = max(70.0, max((_CHAR_W * len(t) + 14 for t in values), default=0.0))
    H = top + row * len(ds) + bottom
    vals = [v for q in ds for v in q[1:] if v is not None] + [0.0]
    lo, hi, ticks = _ticks(min(vals), max(vals), 6)

    def x(v):
        return left + (W - left - right) * (v - lo) / (hi - lo)

    M = _METRIC[metric]
    items = "; ".join(f"{_s(d.get('label'))} {_impact(v, metric)}"
                      + (f" ({_ns_word(d, L, True)})" if not _b(d.get("impact_significant")) else "")
                      for d, v, _, _ in ds)
    alt = L["impact_alt"].format(m=M, items=items)
    parts = [f'<svg id="driver-impact" viewBox="0 0 {W} {H}" role="img" aria-label="{_e(alt)}">'
             f'<title>{_e(L["impact_title"].format(m=M))}</title><desc>{_e(alt)}</desc>']
    base = top + row * len(ds)
    decimals = _step_decimals(ticks)
    for v in ticks:  # the impact axis, with round numbers
        parts.append(f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="{top}" y2="{base}" stroke="#e4e9ef"/>'
                     f'<text class="axis" x="{x(v):.1f}" y="{base + 16}" text-anchor="middle">'
                     f'{_e(_num(v, decimals, v != 0))}</text>')
    parts.append(f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top - 4}" y2="{base + 4}" stroke="#52606d"/>'
                 f'<text class="axis" x="{(left + W - right) / 2:.1f}" y="{H - 6}" text-anchor="middle">'
                 f'{_e(L["axis_impact"].format(m=M))}</text>')
    shown_labels = _shorten([_s(d.get("label")) for d, _, _, _ in ds], int((left - 14) / _CHAR_W))
    for i, (d, v, cl, ch) in enumerate(ds):
        yc = top + row * i + row / 2
        a, b = sorted((x(0), x(v)))
        ns = _quadrant(d) == "not_significant" or not _b(d.get("impact_significant"))
        color = _NS if ns else _NEG if v < 0 else _POS
        label = _s(d.get("label"))
        tip = f"{label}: {_impact(v, metric)}" + (f" {_impact_iv(cl, ch, metric)}" if cl is not None else "") \
              + (f" — {_ns_word(d, L)}" if ns else "")
        muted = ' class="ns"' if ns else ""
        # A name longer than the margin ends in "…", whole in its tooltip (and in the chart's
        # description): a 52-letter codebook label started 63 units left of the chart. Two names
        # that start alike are cut so that they still read apart (_shorten).
        shown = shown_labels[i]
        full = f"<title>{_e(label)}</title>" if shown != label else ""
        parts.append(f'<text x="{left - 8}" y="{yc + 4:.1f}" text-anchor="end"{muted}>{_e(shown)}{full}</text>')
        parts.append(f'<rect class="impact-bar{" ns" if ns else ""}" data-driver="{_e(d.get("driver"))}" x="{a:.1f}" '
                     f'y="{yc - 9:.1f}" width="{max(b - a, 1):.1f}" height="18" fill="{color}">'
                     f'<title>{_e(tip)}</title></rect>')
        end = max(x(v), x(ch) if ch is not None else x(v), x(0))
        if cl is not None:
            l, h = x(cl), x(ch)
            parts.append(f'<path class="whisker" d="M{l:.1f},{yc:.1f} H{h:.1f} M{l:.1f},{yc - 5:.1f} V{yc + 5:.1f} '
                         f'M{h:.1f},{yc - 5:.1f} V{yc + 5:.1f}" stroke="#1f2933" stroke-width="1.2" fill="none"/>')
        parts.append(f'<text class="value{" ns" if ns else ""}" x="{end + 6:.1f}" y="{yc + 4:.1f}">'
                     f'{_e(values[i])}</text>')
    parts.append("</svg>")
    return "".join(parts)


# Text width in the charts' 12-unit font, estimated on the wide side (0.62 em a character; the
# average Latin character of system sans-serif fonts is 0.50–0.55 em), so that labels placed apart
# by their estimated boxes stay apart once laid out.
_CHAR_W, _TEXT_H = 7.5, 15.0


def _shorten(names: list, limit: int) -> list:
    """The names as a chart shows them, in at most `limit` characters each: whole when they fit,
    else their start and "…". Different names never show the same text: those whose starts read
    alike ("Problemi con la consegna del p…" twice) keep their start and their end instead
    ("Problemi con la…danneggiato"), failing that the part where they differ, failing that a
    number ("(2)") after their start. The whole name goes in the chart's <title> and tables."""
    limit = max(int(limit), 8)

    def end(t: str, n: int) -> str:
        return t if len(t) <= n else t[:n - 1].rstrip() + "…"

    def ends(t: str, _: int) -> str:
        if len(t) <= limit:
            return t
        head = (limit - 1) // 2
        tail = t[len(t) - (limit - 1 - head):]
        cut = tail.find(" ")  # the tail from the start of a word, when one starts in its first half
        tail = tail[cut + 1:] if 0 <= cut < len(tail) // 2 else tail
        return t[:head].rstrip() + "…" + tail.lstrip()

    def middle(t: str, at: int) -> str:  # the window of t around `at`, where it differs from its twins
        if len(t) <= limit:
            return t
        start = max(0, min(at - (limit - 2) // 2, len(t) - (limit - 1)))
        if start == 0:
            return t[:limit - 1] + "…"
        if start >= len(t) - (limit - 1):
            return "…" + t[len(t) - (limit - 1):]
        return "…" + t[start:start + limit - 2] + "…"

    def differs(a: str, b: str) -> int:
        return next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))

    def twins() -> list:  # groups of indices of different names shown alike
        by: dict = {}
        for i, t in enumerate(shown):
            by.setdefault(t, []).append(i)
        return [g for g in by.values() if len({names[i] for i in g}) > 1]

    shown = [end(t, limit) for t in names]
    for cut in (ends, middle):
        for group in twins():
            for i in group:
                at = min(differs(names[i], names[j]) for j in group if names[j] != names[i])
                shown[i] = cut(names[i], at)
    for group in twins():  # names alike wherever a chart's width can show them: numbered
        seen: dict = {}
        for i in group:
            k = seen.setdefault(names[i], len(seen) + 1)
            if k > 1:
                suffix = f" ({k})"
                shown[i] = end(names[i], limit - len(suffix)) + suffix
    return shown


def _quadrant_word(d: dict, L: dict) -> str:
    """The driver's quadrant in words; "poche menzioni" for one too rarely mentioned to be tested
    (the core files it under not_significant)."""
    q = _quadrant(d) or "not_significant"
    return _ns_word(d, L) if q == "not_significant" else L[q]


def _untested(d: dict) -> bool:
    """Whether the driver has too few mentions for its impact to have an interval and a test."""
    return _b(d.get("few_mentions")) and _f(d.get("impact_ci_low")) is None


def _ns_word(d: dict, L: dict, short: Optional[bool] = None) -> str:
    """What a chart says of a driver whose impact is not significant: "n.s." (short) or "non
    significativo"; "poche menzioni" for one with too few mentions to be tested at all."""
    if _untested(d):
        return L["few_mentions"]
    return L["ns_short"] if short else L["not_significant"]


def _text_box(x: float, y: float, anchor: str, text: str) -> tuple:
    """(x0, y0, x1, y1) of a 12-unit text at baseline y with `anchor`, estimated conservatively."""
    w = _CHAR_W * len(text) + 2
    x0 = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
    return (x0, y - 12.0, x0 + w, y - 12.0 + _TEXT_H)


def _overlap(a: tuple, b: tuple) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _crosses(seg: tuple, box: tuple) -> bool:
    """Whether the segment (x0, y0, x1, y1) passes through the box's interior (Liang–Barsky clipping)."""
    x0, y0, x1, y1 = seg
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        if p == 0:
            if q <= 0:
                return False
        else:
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
    return t1 - t0 > 1e-6


def _leader(cx: float, cy: float, r: float, box: tuple) -> tuple:
    """The leader line from the edge of the point to the nearest point of its label's box."""
    bx, by = min(max(cx, box[0]), box[2]), min(max(cy, box[1]), box[3])
    dist = math.hypot(bx - cx, by - cy) or 1.0
    return (cx + r * (bx - cx) / dist, cy + r * (by - cy) / dist, bx, by)


def _place_labels(points: list, fixed: list, area: tuple) -> list:
    """Greedy label placement: points are (cx, cy, r, text) in priority order; each label takes the
    first candidate position (rings of growing distance around its point: right, left, above,
    below, then the diagonals) whose box overlaps no label placed before, no point and no fixed box,
    inside `area`; failing that, the candidate of least overlap. Returns (x, y, anchor, box, far,
    clear) per point, far when the label sits away from its point (a leader line then joins them),
    clear when its box overlaps nothing and lies inside `area`."""
    obstacles = list(fixed) + [(cx - r - 2, cy - r - 2, cx + r + 2, cy + r + 2) for cx, cy, r, _ in points]
    placed: list = []
    leaders: list = []  # a leader line crossing a label, or a label over a leader line, costs as an overlap
    out = []
    for cx, cy, r, text in points:
        best, best_cost = None, math.inf
        for k, dist in enumerate((r + 4, r + 16, r + 30, r + 48, r + 72, r + 100, r + 135, r + 175, r + 220)):
            d2 = dist * 0.75
            for dx, dy, anchor in ((dist, 4, "start"), (-dist, 4, "end"), (0, -dist + 2, "middle"),
                                   (0, dist + 10, "middle"), (d2, -d2, "start"), (d2, d2 + 8, "start"),
                                   (-d2, -d2, "end"), (-d2, d2 + 8, "end"), (r + 4, -dist, "start"),
                                   (-r - 4, -dist, "end"), (r + 4, dist + 8, "start"), (-r - 4, dist + 8, "end")):
                lx, ly = cx + dx, cy + dy
                box = _text_box(lx, ly, anchor, text)
                outside = max(0.0, area[0] - box[0]) + max(0.0, box[2] - area[2]) \
                    + max(0.0, area[1] - box[1]) + max(0.0, box[3] - area[3])
                # An overlap costs most (labels must stay readable), then leaving the plot, then a
                # leader line through a label, then the distance.
                areas = [a for a in (_overlap(box, o) for o in obstacles + placed) if a > 0]
                clear = not areas and outside == 0.0
                cost = 10_000.0 * len(areas) + sum(areas) + 1000.0 * outside
                cost += 200.0 * sum(_crosses(seg, box) for seg in leaders)
                if k > 0:
                    seg = _leader(cx, cy, r, box)
                    cost += 200.0 * sum(_crosses(seg, o) for o in placed + list(fixed))
                if cost == 0.0:
                    best, best_cost = (lx, ly, anchor, box, k > 0, True), 0.0
                    break
                if cost + k < best_cost:
                    best, best_cost = (lx, ly, anchor, box, k > 0, clear), cost + k
            if best_cost == 0.0:
                break
        placed.append(best[3])
        if best[4]:
            leaders.append(_leader(cx, cy, r, best[3]))
        out.append(best)
    return out


def _matrix_svg(drivers: list, threshold: Optional[float], metric: str, L: dict) -> str:
    # A share is a proportion and an impact a difference of scores: values outside that (a
    # hand-edited JSON) are clamped, so that the axes always have a positive, finite length.
    ds = [(d, min(max(s, 0.0), 1.0), _plot(v)) for d in drivers
          for s, v in [(_f(d.get("share")), _f(d.get("impact")))] if s is not None and v is not None]
    # At most _MATRIX_POINTS points, the largest impacts: a label per point is placed against every
    # label before it, and 1,740 drivers (a labels column of free text) took minutes to place.
    hidden = max(0, len(ds) - _MATRIX_POINTS)
    if hidden:
        keep = sorted(range(len(ds)), key=lambda i: (-abs(ds[i][2]), -ds[i][1]))[:_MATRIX_POINTS]
        ds = [ds[i] for i in sorted(keep)]
    threshold = 0.0 if threshold is None else min(max(threshold, 0.0), 1.0)
    W, left, right, top, bottom = 900, 72, 24, 24, 52
    H = max(440, min(900, 40 * len(ds)))
    x0, x1, xticks = _ticks(0.0, max([q[1] for q in ds] + [threshold]) * 1.08 or 0.1, 6)
    yl, yh, yticks = _ticks(min([q[2] for q in ds] + [0.0]), max([q[2] for q in ds] + [0.0]), 6)
    pad = (yh - yl) * 0.04
    yl, yh = yl - pad, yh + pad

    def x(v):
        return left + (W - left - right) * (v - x0) / (x1 - x0)

    def y(v):
        return top + (H - top - bottom) * (yh - v) / (yh - yl)

    M = _METRIC[metric]
    items = "; ".join(f"{_s(d.get('label'))}: {_pct(sh)}, {_impact(v, metric)}, "
                      f"{_quadrant_word(d, L)}" for d, sh, v in ds)
    alt = L["matrix_alt"].format(items=items)
    parts = [f'<svg id="priority-matrix" viewBox="0 0 {W} {H}" role="img" aria-label="{_e(alt)}">'
             f'<title>{_e(L["matrix"])}</title><desc>{_e(alt)}</desc>',
             f'<rect x="{x(threshold):.1f}" y="{y(0):.1f}" width="{max(x(x1) - x(threshold), 0):.1f}" '
             f'height="{max(y(yl) - y(0), 0):.1f}" fill="{_NEG}" fill-opacity="0.06"/>']
    xd, yd = _step_decimals([100 * t for t in xticks]), _step_decimals(yticks)
    for v in xticks:
        parts.append(f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="{top}" y2="{H - bottom}" stroke="#eef2f6"/>'
                     f'<text class="axis" x="{x(v):.1f}" y="{H - bottom + 16}" text-anchor="middle">'
                     f'{_e(_num(100 * v, xd))}%</text>')
    for v in yticks:
        parts.append(f'<line x1="{left}" x2="{W - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eef2f6"/>'
                     f'<text class="axis" x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">'
                     f'{_e(_num(v, yd, v != 0))}</text>')
    parts += [f'<line x1="{x(threshold):.1f}" x2="{x(threshold):.1f}" y1="{top}" y2="{H - bottom}" stroke="{_AXIS}" '
              f'stroke-dasharray="4 4"/>',
              f'<line x1="{left}" x2="{W - right}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="{_AXIS}" stroke-dasharray="4 4"/>',
              f'<text class="axis" x="{(left + W - right) / 2:.1f}" y="{H - 10}" text-anchor="middle">'
              f'{_e(L["axis_share"])}</text>',
              f'<text class="axis" x="16" y="{(top + H - bottom) / 2:.1f}" '
              f'transform="rotate(-90 16 {(top + H - bottom) / 2:.1f})" text-anchor="middle">'
              f'{_e(L["axis_impact"].format(m=M))}</text>']
    # The quadrants' names in the corners: fixed boxes the driver labels keep clear of.
    corners = [(W - right - 4, H - bottom - 8, "end", L["fix"]), (left + 4, H - bottom - 8, "start", L["monitor"]),
               (W - right - 4, top + 14, "end", L["strength"]), (left + 4, top + 14, "start", L["minor"])]
    fixed = []
    for cx, cy, anchor, text in corners:
        parts.append(f'<text x="{cx}" y="{cy}" text-anchor="{anchor}" class="q">{_e(text)}</text>')
        fixed.append(_text_box(cx, cy, anchor, text))
    # Labels are placed by importance (the largest impact first gets the nearest free spot), each at
    # most _MATRIX_LABEL characters (a longer name is shortened, whole in its <title>, the table and
    # the description). When a label cannot be placed clear of every other label, point and corner
    # name, and inside the plot, the points are numbered instead and a legend names them.
    order = sorted(range(len(ds)), key=lambda i: -abs(ds[i][2]))
    names = [_s(d.get("label")) for d, _, _ in ds]
    area = (left, top, W - right, H - bottom)
    shown = _shorten(names, _MATRIX_LABEL)
    placed = _place_labels([(x(ds[i][1]), y(ds[i][2]), 7.0, shown[i]) for i in order], fixed, area)
    numbered = not all(p[5] for p in placed)
    if numbered:
        shown = [str(k + 1) for k in range(len(ds))]
        placed = _place_labels([(x(ds[i][1]), y(ds[i][2]), 7.0, shown[i]) for i in order], fixed, area)
    spots = dict(zip(order, placed))
    for i, (d, share, impact) in enumerate(ds):
        ns = _quadrant(d) == "not_significant" or not _b(d.get("impact_significant"))
        color = _NS if ns else _NEG if impact < 0 else _POS
        cx, cy = x(share), y(impact)
        lx, ly, anchor, box, far, _ = spots[i]
        label = names[i]
        full = f"<title>{_e(label)}</title>" if shown[i] != label else ""
        tip = f"{label}: {_pct(share)}, {_impact(impact, metric)}" + (f" — {_ns_word(d, L)}" if ns else "")
        if far:  # a leader line from the point's edge to the nearest point of its label's box
            ax, ay, bx, by = _leader(cx, cy, 7.0, box)
            parts.append(f'<line class="leader" data-driver="{_e(d.get("driver"))}" x1="{ax:.1f}" y1="{ay:.1f}" '
                         f'x2="{bx:.1f}" y2="{by:.1f}" stroke="{_AXIS}" stroke-width="0.8"/>')
        parts.append(f'<circle class="{"point ns" if ns else "point"}" data-driver="{_e(d.get("driver"))}" '
                     f'cx="{cx:.1f}" cy="{cy:.1f}" r="7" fill="{color}"><title>{_e(tip)}</title></circle>'
                     f'<text class="{"mlabel ns" if ns else "mlabel"}" data-driver="{_e(d.get("driver"))}" '
                     f'x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{_e(shown[i])}{full}</text>')
    parts.append("</svg>")
    if numbered:
        parts.append('<ol class="legend">' + "".join(f"<li>{_e(t)}</li>" for t in names) + "</ol>")
    if hidden:
        parts.append(f"<p class=\"note\">{_e(L['more_points'].format(n=_n(hidden)))}</p>")
    return "".join(parts)


_PROBLEMS = 100  # input problems listed in the page (the JSON's source.problems: 100 by default)


def _problems_html(src: dict, L: dict) -> str:
    """The input's problems (source.problems, as the JSON has them: personal data masked) that the
    summary and the notes refer to ("i dettagli sono tra i problemi dell'input"), the first
    _PROBLEMS of them, each where it was (line, DataFrame row) and its message; collapsed."""
    problems = _l(src.get("problems"))
    if not problems:
        return ""
    total = max(_i(src.get("problems_total")) or 0, len(problems))
    shown = problems[:_PROBLEMS]
    head = L["problems"].format(total=_n(total)) if len(shown) == total else \
        L["problems_listed"].format(total=_n(total), listed=_n(len(shown)))
    items = []
    for p in shown:
        line, row = _i(p.get("line")), _i(p.get("row"))
        where = L["at_line"].format(n=_n(line)) if line is not None and line > 0 else \
            L["at_input"] if line == 0 else L["at_row"].format(n=_n(row)) if row is not None else ""
        message = _s(p.get("message"))
        message = message if len(message) <= _QUOTE_CHARS else message[:_QUOTE_CHARS - 1] + "…"
        items.append(f"<li>{_e(where + ': ' if where else '')}{_e(message)}</li>")
    return f'<details id="problems"><summary>{_e(head)}</summary><ul class="note">{"".join(items)}</ul></details>'


def render_html(data: dict, lang: Optional[str] = None) -> str:
    """The self-contained HTML report of an analysis, in `lang` (default: the document's), numbers
    in its format (Italian: decimal comma, thousands point)."""
    L, metric = _check(data, lang)
    lang = _lang(data, lang)
    with _numbers(lang):
        title, body = _html_body(data, L, metric, lang)
    name = (_s(_d(data.get("source")).get("file")) or "DataFrame").rsplit("/", 1)[-1]
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            f'<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)} — {_e(name)}</title><style>{_PAGE_CSS.strip()}\n{_scoped_css(_SCOPE)}</style>"
            f'</head><body><main class="{_SCOPE}">{body}</main></body></html>\n')


def render_html_fragment(data: dict, lang: Optional[str] = None) -> str:
    """The report as a fragment for a notebook cell: one <div> holding its own <style>, every rule
    of which is scoped to a class unique to this fragment (no html, head or body; no rule for the
    page around it, which the fragment leaves as it was). A notebook's own sanitiser may drop the
    style; the fragment then reads as plain HTML."""
    L, metric = _check(data, lang)
    lang = _lang(data, lang)
    with _numbers(lang):
        _, body = _html_body(data, L, metric, lang)
    scope = f"perche-{uuid.uuid4().hex[:12]}"
    return f'<div class="{scope}" lang="{lang}"><style>{_scoped_css(scope)}</style>{body}</div>'


def _html_body(data: dict, L: dict, metric: str, lang: str) -> tuple:
    """(title, the report's markup inside its container), in `lang` (L: its strings)."""
    M = _METRIC[metric]
    src = _d(data.get("source"))
    o = data.get("overall")
    ci = _ci_name(data, L)
    name = (_s(src.get("file")) or "DataFrame").rsplit("/", 1)[-1]
    with_drivers = _d(data.get("model")).get("kind") != "none"
    title = L["title"] if with_drivers else L["title_metrics"]
    out = []
    t = data.get("trend")
    t = t if isinstance(t, dict) else {}
    periods = _l(t.get("periods"))
    span = f" · {_s(periods[0].get('period'))} – {_s(periods[-1].get('period'))}" if periods else ""
    centred = False
    if not isinstance(o, dict):
        out.append(f"<header><h1>{_e(title)}</h1><p>{_e(L['no_data'])}</p></header>")
    else:
        bad = _bad_rows(src, L)
        meta = f"{name}{span} · {_rows_used(src, L)}" + (f" · {bad}" if bad else "")
        iv, centre = _interval(o, metric, L)
        centred |= bool(centre)
        # The CSAT and CES found beside the score (other_metrics), as the terminal shows them.
        others = []
        for other in _l(data.get("other_metrics")):
            om = _s(other.get("metric"))
            if om not in _METRIC:
                continue
            oiv, ocentre = _interval(other, om, L)
            centred |= bool(ocentre)
            missing = _i(other.get("missing"))
            others.append(f'<div class="other-metric">{_e(_METRIC[om])} <span class="other-score">'
                          f'{_e(format_score(other.get("score"), om))}</span> <small>{_e(ci)} {_e(oiv)}'
                          f"{_e(', ' + ocentre if ocentre else '')}, n = {_e(_n(other.get('n')))}"
                          + (f", {_e(_n(missing))} {_e(L['missing'])}" if missing else "")
                          + f" · {_e(L['column'])} «{_e(other.get('column'))}»</small></div>")
        out.append(f'<header><div><h1>{_e(title)}</h1><div class="meta">{_e(meta)}</div></div>'
                   f'<div class="kpi">{_e(M)} <span id="score-value">{_e(format_score(o.get("score"), metric))}</span> '
                   f"<small>{_e(ci)} {_e(iv)}{_e(', ' + centre if centre else '')}, n = {_e(_n(o.get('n')))}</small>"
                   f'<div class="def">{_e(_definition(data, metric, L))}</div></div>'
                   + (f'<div class="others">{"".join(others)}</div>' if others else "") + "</header>")
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
            verdict = f"<p class=\"note\">{_e(L['mk'].format(s=_num(s, 2, True), p=_p_is(pv), v=v))}</p>"
        centred |= any(_interval(p, metric, L)[1] for p in periods)
        out.append(f"<section><h2>{_e(L['trend'])}</h2>{_trend_svg(periods, metric, L)}{verdict}</section>")
    if with_drivers:  # `perche report` (metrics only) has no driver sections
        neg, pos = _outcomes(data, L)
        drivers = _l(data.get("drivers"))
        # No driver with an impact (no comment at all): the charts would be empty frames (red-team,
        # stop 42); the table and the summary say why.
        charted = any(_f(d.get("impact")) is not None for d in drivers)
        out.append(f"<section><h2>{_e(L['impact_title'].format(m=M))}</h2>"
                   + (_impact_svg(drivers, metric, L) if charted else ""))
        rows = []
        any_ns = few = starred = False
        for d in drivers:
            imp = _f(d.get("impact"))
            # Red and green only for an impact whose interval excludes zero; the others grey, as in the
            # charts; and a star, as in the terminal, so that the colour is not the only cue.
            sig = _b(d.get("impact_significant"))
            classes = (("sig", "neg") if (imp or 0) < 0 else ("sig", "pos")) if sig else ("ns",)
            ci_txt = (f" ({L['few_mentions']})" if _b(d.get("few_mentions")) else "") \
                if _f(d.get("impact_ci_low")) is None or imp is None else \
                " " + _impact_iv(d.get("impact_ci_low"), d.get("impact_ci_high"), metric) + ("\u00a0*" if sig else "")
            starred |= sig and "*" in ci_txt
            q = _quadrant(d)
            few |= q == "not_significant" and _untested(d)
            any_ns |= q == "not_significant" and not _untested(d)  # "n.s." in the chart
            rows.append([d.get("label"), _n(d.get("mentions")), _pct(d.get("share")), format_score(d.get("score"), metric),
                         _Td(_impact(imp, metric) + ci_txt, classes),
                         _Td(_ns_word(d, L), ("ns",)) if q == "not_significant" else L[q] if q else "—"])
        out.append(_html_table([L["driver"], L["mentions"], L["share"], f"{M} ({L['score_m']})", L["impact"], L["quadrant"]],
                               rows, spaced=(4,)) + (f"<p class=\"note\">{_e(L['sig'])}</p>" if starred else "")
                   + (f"<p class=\"note\">{_e(L['ns_legend'])}</p>" if any_ns else "") + "</section>")
        if charted:
            out.append(f"<section><h2>{_e(L['matrix'])}</h2>"
                       f"{_matrix_svg(drivers, _f(_d(data.get('priority')).get('share_threshold')), metric, L)}"
                       + (f"<p class=\"note\">{_e(L['ns_note'])}</p>" if any_ns else "")
                       + (f"<p class=\"note\">{_e(L['few_note'])}</p>" if few else "") + "</section>")
        rows = []
        for d in drivers:
            def orc(prefix):
                if _f(d.get(prefix)) is None:
                    return "—"
                return f"{_or(d.get(prefix))} [{_or(d.get(prefix + '_ci_low'))}, {_or(d.get(prefix + '_ci_high'))}]"
            def imp(side):
                x = _f(d.get(f"importance_{side}"))
                if x is None:
                    return "—"
                lo, hi = _f(d.get(f"importance_{side}_ci_low")), _f(d.get(f"importance_{side}_ci_high"))
                return _num(x, 3) + ("" if lo is None or hi is None else f" [{_num(lo, 3)}, {_num(hi, 3)}]")
            rows.append([d.get("label"), orc("or_negative"), _pv(d.get("p_negative")), imp("negative"),
                         orc("or_positive"), _pv(d.get("p_positive")), imp("positive")])
        kd = _d(data.get("key_driver"))
        fits = []
        for k, v in kd.items():
            v = _d(v)
            if not _b(v.get("converged")):
                continue
            outcome = v.get("outcome")
            word = L["neg" if k == "negative" else "pos"].get(outcome, outcome) if isinstance(outcome, str) else outcome
            fits.append(f"{_s(word)}: n={_n(v.get('n'))}, pseudo-R² {'—' if _f(v.get('pseudo_r2')) is None else _num(_f(v.get('pseudo_r2')), 3)}")
        out.append(f"<section><h2>{_e(L['keydriver'])}</h2>" + _html_table(
            [L["driver"], L["or_neg"].format(neg=neg), "p", L["imp"].format(o=neg), L["or_pos"].format(pos=pos), "p",
             L["imp"].format(o=pos)], rows, spaced=(1, 3, 4, 6))
            + f"<p class=\"note\">{_e(' · '.join(fits))}</p><p class=\"note\">{_e(L['imp_note'])}</p></section>")
    labels = _d(_d(data.get("model")).get("labels"))
    segments = _l(data.get("segments"))
    if segments:
        out.append(f"<section><h2>{_e(L['segments'])}</h2>")
        starred = False
        for s in segments:
            rows = []
            groups, hidden = _shown_segments(_l(s.get("groups")))
            for g in groups:
                sig = _b(g.get("significant"))
                ph = _f(g.get("p_holm"))
                p = "—" if ph is None else _pv(ph) + (" *" if sig else "")
                starred |= sig and ph is not None
                iv, centre = _interval(g, metric, L)
                centred |= bool(centre)
                rows.append([g.get("segment"), _n(g.get("n")), format_score(g.get("score"), metric),
                             iv + (f" {centre}" if centre else ""), _impact(g.get("diff_vs_rest"), metric),
                             _Td(p, ("sig",) if sig else ())])
            out.append(f"<h3>{_e(s.get('column'))}</h3>"
                       + _html_table([L["segment"], L["n"], M, ci, L["vs_rest"], L["p_holm"]], rows, spaced=(3,))
                       + (f"<p class=\"note\">{_e(L['more_segments'].format(n=_n(hidden)))}</p>" if hidden else ""))
        if starred:  # a footnote only for a mark a cell shows
            out.append(f"<p class=\"note\">{_e(L['sig_holm'])}</p>")
        cells = [c for c in _l(data.get("driver_segments")) if _b(c.get("significant"))]
        if cells:
            cells.sort(key=lambda c: -abs(_f(c.get("diff")) or 0.0))
            rows = []
            for c in cells[:20]:
                diff = _f(c.get("diff"))
                rows.append([f"{_s(c.get('column'))} = {_s(c.get('segment'))}", _label(labels, c.get("driver")),
                             _pct(c.get("share")), _pct(c.get("share_rest")),
                             _Td("—" if diff is None else _num(100 * diff, 1, True), ("neg",) if (diff or 0) > 0 else ("pos",)),
                             _pv(c.get("p_bh"))])
            out.append(f"<h3>{_e(L['over'])}</h3>" + _html_table(
                [L["segment"], L["driver"], L["share"], L["vs_rest"], "Δ pp", "p BH"], rows, (0, 1)))
        out.append("</section>")
    rank = {d.get("driver"): k for k, d in reversed(list(enumerate(_l(data.get("drivers")))))
            if isinstance(d.get("driver"), str)}
    driver_trend = sorted(_l(data.get("driver_trend")),
                          key=lambda d: rank.get(d.get("driver"), len(rank)) if isinstance(d.get("driver"), str)
                          else len(rank))
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
                         _Td(flag or "—", classes),
                         "—" if not tt else _pv(d.get("p_holm") if d.get("p_holm") is not None else tt.get("p_value"))])
        first = _l(driver_trend[0].get("periods"))
        if len(first) >= 2:  # one period is no trend (its header named the period twice)
            out.append(f"<section><h2>{_e(L['share_trend'])}</h2>" + _html_table(
                [L["driver"], first[0].get("period"), first[-1].get("period"), "Mann–Kendall", L["p_holm"]], rows)
                + "</section>")
    st = data.get("sentiment")
    if isinstance(st, dict):
        body = "".join(f"<p>{_e(x)}</p>" for x in _sentiment_lines(data, L))
        rows = [[_label(labels, d.get("driver")), _n(s.get("mentions")), _Td(_pct(neg), ("neg",)),
                 _Td(_pct(pos), ("pos",)), "—" if _f(s.get("net")) is None else _num(_f(s.get('net')), 0, True),
                 _impact_ci(s, "negative", metric), _impact_ci(s, "positive", metric)]
                for d, s, neg, pos in _sentiment_rows(data)]
        if rows:
            body += f"<h3>{_e(L['sent_drivers'])}</h3>" + _html_table(
                [L["driver"], L["mentions"], L["neg_share"], L["pos_share"], L["net"], L["neg_impact"],
                 L["pos_impact"]], rows, spaced=(5, 6))
        tr = _l(st.get("trend"))
        if tr:
            latest = L["latest"].format(n=_n(_PERIOD_ROWS)) if len(tr) > _PERIOD_ROWS else ""
            body += f"<h3>{_e(L['neg_trend'] + latest)}</h3>" + _html_table(
                [L["period"], L["n"], L["neg_share"]],
                [[_s(p.get("period")), _n(p.get("comments")), _pct(p.get("share"))] for p in tr[-_PERIOD_ROWS:]])
        out.append(f'<section id="sentiment"><h2>{_e(L["sentiment"])}</h2>{body}'
                   f'<p class="note">{_e(L["sent_note_driver" if st.get("drivers_from") == "driver" else "sent_note"])}'
                   f'</p></section>')
    groups, left_out = _shown_quotes(_verbatim_groups(data))
    if groups:
        # By driver in the order of impact; in each, pain points then delights, the customer's
        # score beside each comment, and a complaint from a promoter (praise from a detractor) said so.
        out.append(f'<section id="verbatims"><h2>{_e(L["verbatims"])}</h2>')
        for key, vs in groups:
            out.append(f'<div class="vgroup" data-driver="{_e(key)}"><h3>{_e(_label(labels, key))}</h3>')
            group = None
            for v in vs:
                kind = _feel(v)
                if kind and kind != group:
                    group = kind
                    sign = "− " if kind == "pain" else "+ "
                    out.append(f'<p class="note {"neg" if kind == "pain" else "pos"}">{_e(sign + L[kind])}</p>')
                feel = _s(v.get("sentiment"))
                tb = _top_bottom(data, metric, v.get("score"))
                flag = L["from_top"].get(metric) if tb == "top" and kind == "pain" else \
                    L["from_bottom"].get(metric) if tb == "bottom" and kind == "delight" else None
                rest = " · ".join(x for x in (L["class1"].get(feel, ""), _s(v.get("segment")), _s(v.get("date"))) if x)
                text = _s(v.get("text"))
                quote = _marked(text, _l(v.get("highlights"))) if len(text) <= _QUOTE_CHARS else \
                    _marked(text[:_QUOTE_CHARS - 1], _l(v.get("highlights"))) + "…"
                out.append(f'<blockquote class="{kind or "plain"}">{quote}'
                           f'<span class="who"><span class="score">{_e(L["vscore"].format(s=_n(v.get("score")), hi=_scale_top(data, metric)))}</span>'
                           + (f' · <span class="flag">{_e(flag)}</span>' if flag else "")
                           + (f" · {_e(rest)}" if rest else "") + "</span></blockquote>")
            out.append("</div>")
        if left_out:
            out.append(f'<p class="note">{_e(L["more_quotes"].format(n=_n(left_out)))}</p>')
        out.append("</section>")
    notes = "".join(f"<li>{_e(m)}</li>" for _, m in _notes(data, L))
    out.append(f"<section><h2>{_e(L['method'])}</h2><p class=\"note\">{_e(L['method_text'])}</p>"
               + (f"<p class=\"note\">{_e(L['centre_note'])}</p>" if centred else "")
               + (f"<h3>{_e(L['notes'])}</h3><ul class=\"note\">{notes}</ul>" if notes else "")
               + _problems_html(src, L)
               + f"<p class=\"note\">perche {_e(data.get('perche_version', ''))}</p></section>")
    return title, "".join(out)
