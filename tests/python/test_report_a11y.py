# SPDX-License-Identifier: Apache-2.0
"""Accessibility of the HTML report (issue #21, point 6): every chart has a text alternative, the
colours pass WCAG 2.x level AA contrast on the backgrounds they are drawn on, and colour is never
the only cue (signs, "n.s." and words carry the same meaning).

Contrast is computed here with WCAG 2.x's own definitions (Web Content Accessibility Guidelines
2.1, W3C Recommendation, "relative luminance" and "contrast ratio" in its glossary; success
criteria 1.4.3 Contrast (Minimum), 4.5:1 for text, and 1.4.11 Non-text Contrast, 3:1 for the
parts of graphics needed to understand them), independently of the renderer's code."""

import json
import re

import pandas as pd
import pytest

import perche
from perche import report
from perche.report import render_html
from test_report_security import Page


def relative_luminance(colour: str) -> float:
    """WCAG 2.x: L = 0.2126 R + 0.7152 G + 0.0722 B, each sRGB channel c/255 linearised as
    c/12.92 when c <= 0.04045 (the WCAG text's 0.03928 differs from sRGB's 0.04045 for no 8-bit
    value), else ((c + 0.055) / 1.055) ** 2.4."""
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(2 * c for c in h)
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio (L1 + 0.05) / (L2 + 0.05), L1 the lighter."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_contrast_formula_gives_the_wcag_reference_values():
    # Black on white is 21:1, a colour on itself 1:1; #767676 on white is the classic lightest grey
    # that passes 4.5:1 (4.54), #777777 the first that fails (4.48).
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#336699", "#336699") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def _variables() -> dict:
    root = report._CSS[report._CSS.index("&{"):]
    return dict(re.findall(r"--(\w+):(#[0-9a-fA-F]{3,6})", root[:root.index("}")]))


# Backgrounds the report draws text on: the page, a section (white), a quote, the domain warning, a
# highlighted word.
def _backgrounds() -> dict:
    v = _variables()
    return {"page": v["bg"], "section": "#fff", "quote": v["bg"], "warning": "#fdf3f2"}


@pytest.mark.parametrize("name", ["ink", "muted", "neg", "pos", "accent"])
def test_every_text_colour_passes_4_5_to_1_on_every_background(name):
    colour = _variables()[name]
    for where, bg in _backgrounds().items():
        assert contrast(colour, bg) >= 4.5, (name, colour, where, bg, round(contrast(colour, bg), 2))


def test_highlighted_words_keep_their_contrast():
    css = report._CSS
    mark = re.search(r"& mark\{background:(#[0-9a-f]{6})", css)[1]
    assert contrast(_variables()["ink"], mark) >= 4.5


def test_chart_colours_pass_3_to_1_against_white(tmp_path):
    for name in ("_NEG", "_POS", "_NS", "_ACCENT", "_AXIS"):
        colour = getattr(report, name)
        assert contrast(colour, "#ffffff") >= 3.0, (name, colour, round(contrast(colour, "#ffffff"), 2))
    # Every colour a chart fills or strokes a mark with is one of those (no translucent point or bar
    # that would fade below them), or a light grid line that carries nothing.
    page = render_html(json.loads(perche.analyze(bootstrap_samples=50, progress=False).to_json()))
    for tag, attrs, svg in Page(page).elements:
        if not svg or tag not in ("circle", "rect"):
            continue
        if tag == "rect" and "class" not in attrs:  # the matrix's shaded quadrant: a background, not a mark
            assert float(attrs["fill-opacity"]) <= 0.1
            continue
        assert "fill-opacity" not in attrs, (tag, attrs)
        assert contrast(attrs["fill"], "#ffffff") >= 3.0, (tag, attrs)


@pytest.fixture(scope="module")
def page():
    return render_html(json.loads(perche.analyze(bootstrap_samples=100, progress=False).to_json()))


def test_every_chart_has_a_text_alternative_with_its_figures(page):
    charts = re.findall(r'<svg id="([\w-]+)" viewBox="[^"]+" role="img" aria-label="([^"]+)"><title>([^<]+)</title>'
                        r'<desc>([^<]+)</desc>', page)
    assert {c[0] for c in charts} == {"trend", "driver-impact", "priority-matrix"}
    assert page.count("<svg ") == 3
    for svg_id, label, title, desc in charts:
        assert label == desc and title
    alt = dict((c[0], c[1]) for c in charts)
    assert "Tempi di attesa \u221225," in alt["driver-impact"] and "n.s." in alt["driver-impact"]
    assert "Priorità" in alt["priority-matrix"] and "NPS per periodo, 12 periodi" in alt["trend"]
    # Each point and bar has its own tooltip title too.
    assert len(re.findall(r'<circle class="point[^"]*"[^>]*><title>', page)) >= 12 + 10


def test_colour_is_never_the_only_cue(page):
    # Every impact bar is followed by its value with a sign (the minus sign U+2212; none for a value
    # that rounds to zero), and "n.s." when grey.
    svg = page[page.index('<svg id="driver-impact"'):]
    svg = svg[:svg.index("</svg>")]
    bars = re.findall(r'<rect class="impact-bar( ns)?"', svg)
    values = re.findall(r'<text class="value( ns)?"[^>]*>([^<]+)</text>', svg)
    assert len(bars) == len(values) == 10
    for (bar_ns,), (value_ns, text) in zip([(b,) for b in bars], values):
        assert re.match(r"[+\u2212]\d|0,0 ", text) and (bar_ns == value_ns) and (("n.s." in text) == bool(bar_ns))
    # Pain points and delights: words and a sign, not only the red and green borders.
    assert '<p class="note neg">− Punti dolenti</p>' in page and '<p class="note pos">+ Cosa piace</p>' in page
    # The matrix names its quadrants in words, the table says "non significativo".
    for word in ("Priorità", "Punti di forza", "Da monitorare", "Secondari", "non significativo"):
        assert word in page


@pytest.mark.parametrize("lang,alt", [("it", "NPS per periodo, 1 periodo, 2026-01: +100,0, intervallo [\u221248,5, +98,5]"),
                                      ("en", "NPS by period, 1 period, 2026-01: +100.0, interval [\u221248.5, +98.5]")])
def test_a_lone_period_shows_its_interval_as_an_error_bar_and_says_one_period(lang, alt):
    # Red-team (stop 42): one period drew its confidence band with no width, so the interval of the
    # one chart of the score was invisible, and its text alternative read "1 periodi".
    df = pd.DataFrame({"nps": [10], "motivo": ["attesa infinita"], "data": ["2026-01-05"]})
    page = perche.analyze(df, bootstrap_samples=20, progress=False, drivers=False).to_html(lang=lang)
    svg = page[page.index('<svg id="trend"'):]
    svg = svg[:svg.index("</svg>")]
    label = re.search(r'aria-label="([^"]*)"', svg)[1].replace("&#x27;", "'")
    assert label.startswith(alt) and "1 periodi" not in label and "1 periods" not in label
    (bar,) = re.findall(r'<path class="ci-band" d="([^"]+)"([^>]*)/>', svg)
    assert 'stroke="none"' not in bar[1] and 'stroke="#' in bar[1]  # a drawn line, not an empty area
    ys = [float(y) for y in re.findall(r"[MV][\d.]+,([\d.]+)|V([\d.]+)", bar[0]) for y in y if y]
    # A vertical line from the interval's high to its low (−48.5 to +98.5 on a −100..+100 axis: 3/4
    # of the plot's height) with a cap at each end.
    assert max(ys) - min(ys) > 100 and len(re.findall(r"H[\d.]+", bar[0])) == 2
    # Two periods or more keep the band.
    df = pd.DataFrame({"nps": [10, 0, 9, 7], "motivo": ["ok"] * 4,
                       "data": ["2026-01-05", "2026-01-06", "2026-02-05", "2026-02-06"]})
    page = perche.analyze(df, bootstrap_samples=20, progress=False, drivers=False).to_html()
    assert re.search(r'<path class="ci-band" d="M[^"]+ Z" fill="#24527a" fill-opacity="0.15" stroke="none"/>', page)
    assert "NPS per periodo, 2 periodi da 2026-01" in page
