# SPDX-License-Identifier: Apache-2.0
"""The report tells the story in the reader's language (issue #21, points 2-5): drivers and their
verbatims by impact, pain points and delights with the customer's score, a complaint from a
promoter said so; Italian numbers (decimal comma, thousands point, "< 0,001"), display names and
Italian words in every note, the metric defined in words, round axis ticks, driver names never cut
in the terminal; a notebook fragment whose CSS applies to itself only; --pdf's error without
Chromium; and a report that stays small for a million responses. test_report_browser.py checks
the same pages after layout in headless Chromium."""

import copy
import html
import json
import re

import pandas as pd
import pytest

import perche
from perche import cli, report
from perche.report import format_score, render_html, render_html_fragment, render_text
from test_report_security import Page, assert_inert, report_title


@pytest.fixture(scope="module")
def sample():
    return perche.analyze(bootstrap_samples=100, progress=False)


@pytest.fixture(scope="module")
def data(sample):
    return json.loads(sample.to_json())


def _text(page: str) -> str:
    """The text a reader sees (the style sheet left out)."""
    return " ".join("".join(Page(page[page.index("</style>") + 8:]).text).split())


# --- Italian numbers ---------------------------------------------------------------------------------


def test_numbers_use_a_decimal_comma_and_a_thousands_point_in_italian():
    assert format_score(16.83, "nps", "it") == "+16,8" and format_score(16.83, "nps", "en") == "+16.8"
    assert format_score(86.04, "csat", "it") == "86,0" and format_score(4.737, "ces", "it") == "4,74"
    with report._numbers("it"):
        assert report._pct(0.2834) == "28,3%" and report._n(1234) == "1.234" and report._n(1234567) == "1.234.567"
        assert report._pv(1.9e-112) == "< 0,001" and report._pv(0.0123) == "0,012" and report._p_is(0.5) == "= 0,500"
        # The minus sign U+2212, as the summary in words writes it (C++ format_number).
        assert report._impact(-3.04, "nps") == "\u22123,0" and report._or(12.64) == "12,64"
    with report._numbers("en"):
        assert report._pct(0.2834) == "28.3%" and report._n(1234) == "1,234" and report._pv(1e-9) == "< 0.001"


def test_the_italian_report_prints_no_decimal_point_and_no_exponent(data):
    for page in (render_text(data), _text(render_html(data))):
        assert "+16,8" in page and "2.400" in page and "< 0,001" in page
        # Decimals with a point are English; an exponent is a p-value no manager can read. Version
        # numbers (perche 0.1.0) and file names are not figures.
        figures = page.replace(f"perche {data['perche_version']}", "").replace("survey.csv", "")
        assert not re.search(r"\d\.\d(?!\d\d(\D|$))", figures), re.search(r".{30}\d\.\d.{30}", figures)
        assert not re.search(r"\de-\d", figures)
    english = render_text(data, lang="en")
    assert "+16.8" in english and "2,400" in english and "< 0.001" in english


def test_the_metric_is_defined_in_words_and_csat_is_never_csat_percent_five():
    nps = perche.analyze(bootstrap_samples=50, progress=False)
    assert "NPS = % di promotori (voti 9–10) − % di detrattori (voti 0–6)" in nps.summary()
    assert "NPS = % promoters (scores 9–10) − % detractors (scores 0–6)" in nps.summary(lang="en")
    csat = perche.analyze(metric="csat", score="csat", bootstrap_samples=50, progress=False)
    page, text = _text(csat.to_html()), csat.summary()
    assert "CSAT % = quota di risposte 4–5 su una scala 1–5" in page and "CSAT % = quota di risposte 4–5" in text
    assert not re.search(r"CSAT % [1-5](?![\d,])", page) and "voto 5/5" in page
    assert repr(csat).startswith(f"<perche.Analysis CSAT % {csat.overall['score']:.1f} (n=2400)")
    assert "CSAT +" not in repr(csat) and repr(nps).startswith(f"<perche.Analysis NPS {nps.overall['score']:+.1f}")


def test_axis_ticks_are_round_one_two_five_steps(data):
    assert report._ticks(-12.7, 54.3, 5)[2] == [-20, 0, 20, 40, 60]
    assert report._ticks(-27.8, 5.6, 6)[2] == [-30, -20, -10, 0, 10]
    assert report._ticks(-27.8, 5.6, 8)[2] == [-30, -25, -20, -15, -10, -5, 0, 5, 10]
    assert report._ticks(0.0, 0.31, 6)[2] == [0.0, 0.1, 0.2, 0.3, 0.4]
    assert report._ticks(0.0, 0.31, 8)[2] == [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35]
    page = Page(render_html(data))
    for svg in ("trend", "driver-impact", "priority-matrix"):
        labels = _axis_labels(render_html(data), svg)
        values = sorted(_value(x) for x in labels)
        steps = {round(b - a, 6) for a, b in zip(values, values[1:])}
        assert len(values) >= 3 and len(steps) == 1, (svg, labels)
        step = steps.pop()
        mantissa = step / 10 ** int(f"{step:e}".split("e")[1])
        assert round(mantissa, 6) in (1, 2, 5) and all(round(v / step, 6).is_integer() for v in values), (svg, labels)
    assert page


def test_the_nps_trend_axis_stays_within_minus_and_plus_100(data):
    # One response, or all promoters: the padded axis read up to +150 and +105 (red-team, stop 39).
    for score, low, high in ((100.0, 80.0, 100.0), (-100.0, -100.0, -80.0)):
        doc = json.loads(json.dumps(data))
        for p in doc["trend"]["periods"]:
            p.update(score=score, ci_low=low, ci_high=high)
        values = [_value(x) for x in _axis_labels(render_html(doc), "trend")]
        assert values and all(-100 <= v <= 100 for v in values), values


def _value(label: str) -> float:
    """An Italian axis label as a number: "−1.250,5%" is -1250.5 (the minus sign is U+2212)."""
    return float(label.rstrip("%").replace(".", "").replace(",", ".").replace("\u2212", "-"))


def _axis_labels(page: str, svg_id: str) -> list:
    """The numeric axis labels (class axis) of one chart: the value axis (y of the trend and the
    matrix's impact, x of the impact chart)."""
    svg = page[page.index(f'<svg id="{svg_id}"'):]
    svg = svg[:svg.index("</svg>")]
    texts = re.findall(r'<text class="axis" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>', svg)
    numeric = [(float(x), float(y), t) for x, y, t in texts if re.fullmatch(r"[+\u2212]?[\d.,]+%?", t)]
    if svg_id == "driver-impact":
        return [t for _, _, t in numeric]
    xs = {}
    for x, _, t in numeric:
        xs.setdefault(x, []).append(t)
    return max(xs.values(), key=len)  # the labels of one column: the y axis


# --- order, pain points, delights ----------------------------------------------------------------------


def test_verbatim_sections_follow_the_drivers_impact_in_html_and_terminal(data):
    by_impact = [d["driver"] for d in data["drivers"]]
    assert [d["impact"] for d in data["drivers"]] == sorted(d["impact"] for d in data["drivers"])
    quoted = [d for d in by_impact if any(v["driver"] == d for v in data["verbatims"])]
    page = render_html(data)
    assert re.findall(r'<div class="vgroup" data-driver="([^"]+)"', page) == quoted
    # Alphabetical in the JSON's verbatims ("app" first), by impact in the report.
    assert quoted[0] == by_impact[0] and sorted(set(v["driver"] for v in data["verbatims"]))[0] != by_impact[0]
    text = render_text(data).split("Le parole dei clienti:")[1].split("\nNote:")[0]
    labels = data["model"]["labels"]
    heads = [line.strip()[:-1] for line in text.splitlines() if line.startswith("  ") and not line.startswith("    ")]
    assert heads == [labels[d] for d in quoted]


def test_each_driver_shows_pain_points_then_delights_with_the_score_and_flags_a_promoters_complaint(data):
    page = render_html(data)
    groups = re.findall(r'<div class="vgroup" data-driver="[^"]+">(.*?)</div>', page)
    assert groups
    for g in groups:
        kinds = re.findall(r'<blockquote class="(\w+)">', g)
        assert kinds == sorted(kinds, key=["pain", "delight", "plain"].index)
        assert len(re.findall(r'<span class="score">voto \d+/10</span>', g)) == len(kinds)
    complaints = [v for v in data["verbatims"] if v["score"] >= 9 and v["sentiment"] in ("negative", "mixed")]
    praise = [v for v in data["verbatims"] if v["score"] <= 6 and v["sentiment"] == "positive"]
    assert complaints, "the sample has promoters who complain"
    assert page.count("lamentela di un promotore") == len(complaints)
    assert page.count("apprezzamento di un detrattore") == len(praise)
    # A quote stays masked as the pipeline wrote it (privacy), only shortened past 600 characters.
    for v in data["verbatims"]:
        shown = v["text"] if len(v["text"]) <= report._QUOTE_CHARS else v["text"][:report._QUOTE_CHARS - 1]
        assert report._e(shown[:80]) in page.replace("<mark>", "").replace("</mark>", "")


# --- notes in the report's language, with display names ----------------------------------------------


@pytest.fixture(scope="module")
def noted(tmp_path_factory):
    d = tmp_path_factory.mktemp("notes")
    book = d / "codebook.txt"
    book.write_text("[credito] Gestione del credito e solleciti\nrateizz*\n\n[attesa] Tempi di attesa\nattes*\n\n"
                    "[consegna] Consegna del pacco\nxyzzy*\n", encoding="utf-8")
    rows = [(2, "attesa lunga"), (3, "attesa infinita"), (9, "chiesto una rateizzazione, tutto ok"),
            (10, "rateizzazione concessa"), (4, "rateizzazione negata")] + [(8, "bene")] * 30 + [(3, "attesa")] * 25
    df = pd.DataFrame(rows, columns=["nps", "motivo"])
    return perche.analyze(df, codebook=book, bootstrap_samples=50, progress=False)


def test_notes_carry_the_driver_and_its_figures_as_fields(noted):
    notes = {(n["reason"], n["driver"]): n for n in noted.data["notes"] if n["code"] == "drivers"}
    few = notes[("few_mentions", "credito")]
    assert few["label"] == "Gestione del credito e solleciti" and few["values"] == {"mentions": 3, "min_mentions": 20}
    assert "driver credito: 3 mentions, fewer than 20" in few["message"]  # the documented English message stays
    none = notes[("no_mentions", "consegna")]
    assert none["label"] == "Consegna del pacco" and none["values"] == {}
    for n in noted.data["notes"]:
        assert set(n) == {"code", "message", "reason", "driver", "label", "values"}


def test_every_note_is_worded_in_the_reports_language_with_display_names(noted):
    it, en = noted.summary(), noted.summary(lang="en")
    page = _text(noted.to_html())
    for out in (it, page):
        assert "«Gestione del credito e solleciti»: 3 menzioni, meno di 20 (poche menzioni)" in " ".join(out.split())
        assert "«Consegna del pacco» non è mai citato" in " ".join(out.split())
        assert "driver credito" not in out and "has no mentions" not in out and "Key-driver" not in out
        assert "dati personali mascherati" in " ".join(out.split())
    assert "“Gestione del credito e solleciti”: 3 mentions, fewer than 20" in " ".join(en.split())


def test_a_note_without_fields_shows_its_message():
    doc = {"schema": 3, "metric": "nps", "lang": "it", "overall": None,
           "notes": [{"code": "drivers", "message": "driver x has no mentions: no score or impact"},
                     {"code": "masked", "message": "personal data masked (1 in 1 comments)"}]}
    page = render_html(doc)
    assert "driver x has no mentions" in page and "personal data masked (1 in 1 comments)" in page


# --- the terminal ------------------------------------------------------------------------------------


def test_driver_names_wrap_in_the_terminal_and_are_never_cut(data):
    doc = copy.deepcopy(data)
    long = "Gestione del credito e solleciti di pagamento arretrati"
    doc["drivers"][0]["label"] = long
    text = render_text(doc)
    assert "Gestione del credito e sol\n" not in text and "Gestione del credito e sol " not in text
    table = text.split("Driver: cosa muove")[1]
    lines = table.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("  Gestione"))
    words = " ".join(line[2:20].strip() for line in lines[first:first + 6])
    assert words.startswith(long)
    assert all(len(line) <= 110 for line in text.splitlines() if not line.startswith("    ["))


# --- the notebook fragment -------------------------------------------------------------------------------


def _selectors(css: str) -> list:
    """Every selector of the style sheet (at-rules' preludes excluded, their rules included)."""
    out = []
    for prelude in re.findall(r"([^{}]+)\{", css):
        prelude = prelude.strip()
        if prelude.startswith("@"):
            continue
        out += [s.strip() for s in prelude.split(",")]
    return out


def test_the_notebook_fragment_scopes_every_rule_to_its_own_container(sample):
    frag = sample._repr_html_()
    assert frag == frag.strip() and frag.startswith('<div class="perche-') and frag.endswith("</div>")
    outside_charts = re.sub(r"<svg.*?</svg>", "", frag, flags=re.S)  # a chart's <title> is its text alternative
    for tag in ("html", "head", "body", "meta", "title"):
        assert not re.search(f"<{tag}[\\s>]", outside_charts), tag
    assert "<!DOCTYPE" not in frag
    scope = re.match(r'<div class="(perche-[0-9a-f]{12})"', frag)[1]
    css = re.search(r"<style>(.*?)</style>", frag, re.S)[1]
    selectors = _selectors(css)
    assert len(selectors) > 30
    for s in selectors:
        assert s == f".{scope}" or s.startswith(f".{scope} ") or s.startswith(f".{scope}:"), s
    assert "@page" not in css and "body" not in css and ":root" not in css
    # Two fragments do not share a scope; the page keeps its own container class.
    assert re.match(r'<div class="(perche-[0-9a-f]{12})"', render_html_fragment(sample.data))[1] != scope
    page = sample.to_html()
    assert all(s.startswith(".perche-report") for s in _selectors(re.search(r"<style>(.*?)</style>", page, re.S)[1])
               if s not in ("body",))
    assert_inert(page, report_title("survey.csv"))


# --- print -------------------------------------------------------------------------------------------------


def test_the_page_has_a_print_stylesheet_for_a4_that_keeps_sections_whole(data):
    page = render_html(data)
    css = re.search(r"<style>(.*?)</style>", page, re.S)[1]
    assert "@page{size:A4" in css
    printed = css[css.index("@media print{.perche-report"):]
    assert "section{break-inside:avoid" in printed and "h2,.perche-report h3{break-after:avoid" in printed
    assert ".perche-report .vgroup{break-inside:avoid" in css


def test_pdf_without_chromium_is_one_line_naming_the_program_and_scripts_deps(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium anywhere
    out = tmp_path / "r.pdf"
    assert cli.main(["analyze", "--no-progress", "--pdf", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "chromium" in err[0] and "scripts/deps" in err[0] and "not installed" in err[0]
    assert not out.exists() and list(tmp_path.iterdir()) == []
    with pytest.raises(FileNotFoundError, match="scripts/deps"):
        perche.analyze(bootstrap_samples=20, progress=False).to_pdf(out)


# --- size --------------------------------------------------------------------------------------------------


def big_analysis(data: dict, drivers: int = 40, periods: int = 400, groups: int = 300) -> dict:
    """A million-response analysis as large as a survey makes it: many drivers (each with its
    verbatims at the 2,000-code-point cut), a daily trend over more than a year, three segment
    columns of many values, every driver × segment cell. Figures are copied from the sample: only
    the size matters here."""
    doc = copy.deepcopy(data)
    doc["source"].update(rows=1_000_000, rows_used=1_000_000)
    doc["overall"]["n"] = 1_000_000
    base = doc["drivers"]
    doc["drivers"] = []
    doc["model"]["labels"], doc["model"]["drivers"] = {}, []
    for k in range(drivers):
        d = copy.deepcopy(base[k % len(base)])
        d["driver"], d["label"] = f"d{k}", f"{d['label']} {k}"
        d["impact"] = -30 + 60 * k / drivers
        doc["drivers"].append(d)
        doc["model"]["labels"][d["driver"]] = d["label"]
        doc["model"]["drivers"].append(d["driver"])
    long = ("Ho chiamato il servizio clienti tre volte e ogni volta mi hanno detto una cosa diversa; " * 30)[:1999] + "…"
    doc["verbatims"] = [dict(doc["verbatims"][0], driver=f"d{k}", text=long,
                             sentiment="negative" if j < 3 else "positive",
                             highlights=[{"start": 3 * h, "end": 3 * h + 2, "term": "x", "weight": 1.0}
                                         for h in range(40)])
                        for k in range(drivers) for j in range(6)]
    p0 = doc["trend"]["periods"][0]
    doc["trend"]["freq"] = "D"
    doc["trend"]["periods"] = [dict(p0, period=f"2025-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}",
                                    score=10 + 5 * ((i * 7919) % 13) / 13) for i in range(periods)]
    doc["sentiment"]["trend"] = [dict(doc["sentiment"]["trend"][0], period=p["period"])
                                 for p in doc["trend"]["periods"]]
    g0 = doc["segments"][0]["groups"][0]
    doc["segments"] = [{"column": f"col{c}", "groups": [dict(g0, segment=f"punto vendita {c}-{i}", n=1000 + i,
                                                             significant=i % 17 == 0)
                                                        for i in range(groups)]} for c in range(3)]
    c0 = doc["driver_segments"][0]
    doc["driver_segments"] = [dict(c0, column=f"col{c}", segment=f"punto vendita {c}-{i}", driver=f"d{k}",
                                   significant=True) for c in range(3) for i in range(groups) for k in range(drivers)]
    doc["driver_trend"] = [dict(doc["driver_trend"][0], driver=f"d{k}") for k in range(drivers)]
    return doc


def test_the_report_of_a_million_responses_stays_under_300_kb(data):
    doc = big_analysis(data)
    assert len(json.dumps(doc).encode()) > 1_000_000  # the JSON holds everything
    for lang in ("it", "en"):
        page = render_html(doc, lang=lang)
        assert len(page.encode("utf-8")) < 300_000, len(page.encode("utf-8"))
        assert_inert(page, report_title("survey.csv", lang))
    frag = render_html_fragment(doc)
    assert len(frag.encode("utf-8")) < 300_000
    # What was left out of the page is said, not hidden.
    assert "Altri 275 segmenti" in render_html(doc) and "(ultimi 24)" in render_html(doc)


# --- what the page says it shows, it shows (red-team, stop 42) -------------------------------------------


@pytest.mark.parametrize("lang,used,bad", [("it", "1 riga usata su 2", "1 riga scartata"),
                                           ("en", "1 row used of 2", "1 bad row")])
def test_one_row_is_singular_in_the_page_header_as_in_the_terminal(data, lang, used, bad):
    doc = copy.deepcopy(data)
    doc["source"].update(rows=2, rows_used=1, bad_rows=1)
    meta = re.search(r'<div class="meta">(.*?)</div>', render_html(doc, lang=lang))[1]
    assert meta.endswith(f" · {used} · {bad}"), meta
    assert render_text(doc, lang=lang).splitlines()[0].endswith(f": {used}, {bad}")
    doc["source"].update(rows=5, rows_used=2, bad_rows=3)
    meta = re.search(r'<div class="meta">(.*?)</div>', render_html(doc, lang=lang))[1]
    assert meta.endswith(" · 2 righe usate su 5 · 3 righe scartate" if lang == "it" else " · 2 rows used of 5 · 3 bad rows")


def test_the_csat_and_ces_found_beside_the_nps_are_in_the_page_header_as_in_the_terminal(data):
    others = data["other_metrics"]
    assert [m["metric"] for m in others] == ["csat", "ces"]  # the sample has both columns
    doc = copy.deepcopy(data)
    doc["other_metrics"][1]["column"] = "<b onclick=\"document.title='pwned'\">ces</b>"
    doc["other_metrics"][1]["missing"] = 12
    page = render_html(doc)
    assert_inert(page, report_title("survey.csv"), [doc["other_metrics"][1]["column"]])
    header = " ".join("".join(Page(re.search(r"<header>.*?</header>", page, re.S)[0]).text).split())
    text = render_text(data)
    for m, name in zip(others, ("CSAT %", "CES")):
        score = format_score(m["score"], m["metric"], "it")
        interval = f"[{format_score(m['ci_low'], m['metric'], 'it')}, {format_score(m['ci_high'], m['metric'], 'it')}]"
        assert f"{name} {score} IC 95% {interval}, n = 2.400" in header, header
        assert f"{name} ({m['column']}): {score}  {interval}" in text
    assert "12 mancanti o non validi · colonna «<b onclick" in header
    assert "CSAT" not in render_html(dict(doc, other_metrics=[]))


def test_the_input_problems_the_summary_points_to_are_listed_in_the_page(data):
    # "i dettagli sono tra i problemi dell'input", "sono elencati i primi 100": and they were not.
    doc = copy.deepcopy(data)
    problems = [{"line": 2 + k, "message": f"nps 'n/d' is not an integer in [0, 10]; row left out ({k})"}
                for k in range(130)]
    problems[0]["message"] = "nps '<img src=x onerror=\"document.title='pwned'\">' [telefono] is not a number"
    problems[1] = {"line": 0, "message": "the input ends inside a quoted field"}
    problems[2] = {"row": 7, "message": "nps is missing; row left out"}
    doc["source"].update(problems=problems, problems_total=215)
    page = render_html(doc)
    assert_inert(page, report_title("survey.csv"), [problems[0]["message"]])
    found = re.search(r'<details id="problems"><summary>([^<]*)</summary><ul class="note">(.*?)</ul></details>', page)
    assert found and found[1] == "Problemi dell&#x27;input: 215, elencati i primi 100"
    items = [html.unescape(x) for x in re.findall(r"<li>(.*?)</li>", found[2])]
    assert len(items) == 100 and items[-1] == "riga 101: nps 'n/d' is not an integer in [0, 10]; row left out (99)"
    assert items[:3] == ["riga 2: " + problems[0]["message"], "tutto l'input: the input ends inside a quoted field",
                         "riga 7 del DataFrame: nps is missing; row left out"]
    english = render_html(doc, lang="en")
    assert "<summary>Input problems: 215, the first 100 listed</summary>" in english and "<li>line 5: nps" in english
    doc["source"].update(problems=problems[3:5], problems_total=2)
    assert "<summary>Problemi dell&#x27;input: 2</summary>" in render_html(doc)
    assert "<details" not in render_html(data)  # the sample has no problem


def _impact_chart(page: str) -> str:
    start = page.index('<svg id="driver-impact"')
    return page[start:page.index("</svg>", start)]


def test_two_long_driver_names_that_start_alike_read_apart_in_the_impact_chart(data):
    # Red-team: "Problemi con la consegna del p…" twice, two drivers under one name.
    doc = copy.deepcopy(data)
    names = ["Problemi con la consegna del pacco: ritardo", "Problemi con la consegna del pacco: danneggiato",
             "Tempi di attesa al telefono con il servizio clienti", "Tempi di attesa in chat con il servizio clienti"]
    for d, name in zip(doc["drivers"], names):
        d["label"] = name
    chart = _impact_chart(render_html(doc))
    shown = re.findall(r'<text x="[\d.]+" y="[\d.]+" text-anchor="end"[^>]*>([^<]*)', chart)
    assert len(shown) == len(doc["drivers"]) and len(set(shown)) == len(shown), shown
    for name, label in zip(names, shown):
        assert label != name and label.count("…") >= 1 and f"<title>{html.escape(name)}</title>" in chart
    # However the names differ: by their end, in their middle only, by one letter, by their length.
    cases = [[f"Driver numero {k} con un nome davvero molto molto lungo per il report" for k in range(30)],
             ["A" * 40 + c + "B" * 40 for c in "xyz"] + ["A" * 40 + "y" + "B" * 41],
             ["x" * 50 + "1", "x" * 50 + "1 ", "x" * 50, "x" * 49]]
    for names in cases:
        shown = report._shorten(names, 31)
        assert len(set(shown)) == len(set(names)) and all(len(s) <= 31 for s in shown), shown


def test_a_footnote_is_printed_only_for_a_mark_the_report_shows(data):
    # Red-team: "* l'intervallo esclude lo zero" under a table without a star.
    sig, holm = report._L["it"]["sig"], report._L["it"]["sig_holm"]
    doc = copy.deepcopy(data)
    doc["segments"][0]["groups"][0].update(significant=True, p_holm=0.004)
    page, text = render_html(doc), render_text(doc)
    table = page[page.index("<table>"):page.index("</table>")]
    starred = [d for d in doc["drivers"] if d["impact_significant"]]
    assert starred and table.count("\u00a0*</td>") == len(starred)  # a star beside each significant impact
    assert report._e(sig) in page and report._e(holm) in page and "0,004 *" in page
    assert f"  {sig}" in text and f"  {holm}" in text
    for d in doc["drivers"]:
        d.update(impact_significant=False, quadrant="not_significant")
    for s in doc["segments"]:
        for g in s["groups"]:
            g["significant"] = False
    page, text = render_html(doc), render_text(doc)
    assert not [c for c in re.findall(r"<td[^>]*>([^<]*)</td>", page) if c.endswith("*")]
    assert report._e(sig) not in page and report._e(holm) not in page
    assert sig not in text and holm not in text and " *" not in text


@pytest.mark.parametrize("lang,word", [("it", "poche menzioni"), ("en", "few mentions")])
def test_a_driver_too_rarely_mentioned_to_be_tested_is_not_called_not_significant(data, lang, word):
    doc = copy.deepcopy(data)
    d = doc["drivers"][1]
    d.update(mentions=12, few_mentions=True, impact_ci_low=None, impact_ci_high=None, impact_significant=False,
             quadrant="not_significant")
    page = render_html(doc, lang=lang)
    chart = _impact_chart(page)
    values = re.findall(r'<text class="value[^"]*"[^>]*>([^<]+)</text>', chart)
    assert values[1] == f"{format_score(d['impact'], 'nps', lang)} {word}" and "n.s." in values[3]
    assert f"{d['label']} {format_score(d['impact'], 'nps', lang)} ({word})" in chart  # the text alternative
    assert re.search(f"<title>{re.escape(d['label'])}: [^<]* — {word}</title>", page)  # the tooltips
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page[page.index("<table>"):page.index("</table>")])
    assert word in cells  # the quadrant column: never tested, not "not significant"
    # The chart's right margin holds the longest value (a wide one ran out of the chart).
    width = float(re.search(r'viewBox="0 0 (\d+)', chart)[1])
    for x, text in re.findall(r'<text class="value[^"]*" x="([\d.]+)"[^>]*>([^<]+)</text>', chart):
        assert float(x) + report._CHAR_W * len(text) <= width, (x, text)


def test_no_comment_at_all_draws_no_empty_chart_and_the_summary_says_why():
    # Red-team, stop 42: empty impact chart and matrix frames, ten "never mentioned" notes, and no
    # word in the summary.
    frame = pd.DataFrame({"nps": [10, 9, 3, 7], "motivo": ["", "", None, ""]})
    result = perche.analyze(frame, bootstrap_samples=50, sentiment=False)
    page = result.to_html()
    assert "<svg" not in page
    assert "Nessuna risposta ha un commento" in result.summary()
    assert [n["reason"] for n in result.data["notes"]].count("no_mentions") == 0


def test_the_driver_share_trend_table_shows_the_holm_p_its_flags_follow(data):
    # Review, stop 42: the flags followed the Holm-adjusted p, the column printed the raw one
    # ("—" beside p = 0,039).
    doc = copy.deepcopy(data)
    row = doc["driver_trend"][0]
    row["test"].update(p_value=0.039, increasing=False, declining=False)
    row["p_holm"] = 0.78
    page = render_html(doc)
    section = page[page.index("Quota dei driver nel tempo"):]
    section = section[:section.index("</section>")]
    assert "p Holm" in section and "0,78" in section and "0,039" not in section
