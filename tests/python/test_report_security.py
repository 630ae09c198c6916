# SPDX-License-Identifier: Apache-2.0
"""The report treats every value of the result as data (issue #16, classes 1 and 10).

Injection strings go through every field a user or a file controls (CSV column names and the
values of the score, text, date and segment columns, the file name, driver names of a trained
model, codebook codes and labels, the labels column, and a result dict whose every value, numbers
included, is hostile). The HTML is parsed with html.parser: it may hold only the renderer's own
tags, attributes, classes and ids, its title is the expected one and each payload shows as text.
test_report_browser.py renders the same pages in headless Chromium. Then the figures a manager can
misread: a driver whose impact interval includes zero is never called a priority or a strength,
and a score outside its own interval is never printed without the interval's centre.
"""

import csv
import json
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

import perche
from perche.survey import DEFAULT_CODEBOOK, SAMPLE
from perche import report
from perche.report import render_html, render_text

# Each payload would, if copied as markup, add an element or an attribute, run script (they set
# document.title to PWNED, which the browser test looks for), or break out of the context it lands in.
PWNED = "pwned"
PAYLOADS = [
    "<img src=x onerror=\"document.title='pwned'\">",
    "<td onmouseover=\"document.title='pwned'\">td cell",
    "\"><svg onload=\"document.title='pwned'\">",
    "'><svg onload=document.title='pwned'>",
    "</title><script>document.title='pwned'</script>",
    "'-alert(1)-'",
    "javascript:document.title='pwned'",
    "]]><script>document.title='pwned'</script>",
    "<!--<script>document.title='pwned'</script>-->",
    "<![CDATA[<img src=x onerror=\"document.title='pwned'\">]]>",
    "</text></svg><img src=x onerror=\"document.title='pwned'\">",
    "</style><script>document.title='pwned'</script>",
    "<a href=\"javascript:document.title='pwned'\">link</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"document.title='pwned'\">",
    "&lt;script&gt;document.title='pwned'&lt;/script&gt; &amp;",  # already escaped: must stay as written
    "\uff1cscript\uff1edocument.title='pwned'\uff1c/script\uff1e",  # fullwidth brackets
    "\u202e<b onclick=\"document.title='pwned'\">rtl</b>",  # right-to-left override
    "\x1b]0;pwned\x07\x1b[2Jterminal",  # terminal title and clear-screen escapes
    "line\rCR\x00NUL\x08",
    "{{7*7}} ${7*7} %s %n",
]
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
PRINTABLE = [p for p in PAYLOADS if not _CONTROL.search(p)]

# What the renderer itself writes: anything else in the page came from the data.
TAGS = {"html", "head", "meta", "title", "style", "body", "main", "header", "div", "h1", "h2", "h3", "p", "span",
        "small", "section", "table", "thead", "tbody", "tr", "th", "td", "svg", "line", "text", "path", "circle",
        "rect", "blockquote", "mark", "ul", "ol", "li", "desc", "details", "summary"}
ATTRS = {"lang", "http-equiv", "content", "charset", "name", "class", "id", "viewbox", "role", "aria-label", "x",
         "y", "x1", "x2", "y1", "y2", "stroke", "stroke-width", "stroke-dasharray", "text-anchor", "d", "fill",
         "fill-opacity", "cx", "cy", "r", "width", "height", "data-driver", "transform"}
CLASSES = {"meta", "kpi", "note", "who", "sig", "neg", "pos", "ns", "q", "ci-band", "score-line", "point", "drop",
           "impact-bar", "whisker", "warn", "perche-report", "def", "axis", "drop-mark", "value", "mlabel", "leader",
           "vgroup", "pain", "delight", "plain", "score", "flag", "num", "iv", "others", "other-metric", "other-score",
           "legend"}
IDS = {"score-value", "trend", "driver-impact", "priority-matrix", "sentiment", "verbatims", "domain-warning",
       "summary", "problems"}
FREE_ATTRS = {"content", "aria-label", "data-driver"}  # the only attributes whose value may carry data


class Page(HTMLParser):
    """Tags, attributes, text and title of a page, as a browser's tokenizer reads them."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, {attr: value}, inside svg)
        self.text = []
        self.titles = []
        self._stack = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        names = [a for a, _ in attrs]
        assert len(names) == len(set(names)), f"duplicate attribute in <{tag}>: {names}"
        self.elements.append((tag, dict(attrs), "svg" in self._stack or tag == "svg"))
        if tag != "meta":  # the one void element the renderer writes without />
            self._stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), "svg" in self._stack))

    def handle_endtag(self, tag):
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data):
        if self._stack and self._stack[-1] == "title" and "svg" not in self._stack:
            self.titles.append(data)
        self.text.append(data)

    def handle_comment(self, data):
        raise AssertionError(f"a comment in the page: {data[:60]!r}")

    def handle_pi(self, data):
        raise AssertionError(f"a processing instruction in the page: {data[:60]!r}")

    def unknown_decl(self, data):
        raise AssertionError(f"a declaration in the page: {data[:60]!r}")


def assert_inert(page_html: str, title: str, shown=()) -> Page:
    """The page holds only the renderer's markup; title is its title; every string of shown is text."""
    page = Page(page_html)
    tags = [t for t, _, _ in page.elements]
    assert set(tags) <= TAGS, f"tags not written by the renderer: {set(tags) - TAGS}"
    assert tags[:3] == ["html", "head", "meta"]
    csp = page.elements[2][1]
    assert csp.get("http-equiv") == "Content-Security-Policy" and "default-src 'none'" in csp["content"]
    assert "script-src" not in csp["content"]
    for tag, attrs, _ in page.elements:
        assert set(attrs) <= ATTRS, f"<{tag}> has attributes not written by the renderer: {set(attrs) - ATTRS}"
        assert not any(a.startswith("on") for a in attrs)
        assert set((attrs.get("class") or "").split()) <= CLASSES, f"<{tag} class={attrs['class']!r}>"
        if "id" in attrs:
            assert attrs["id"] in IDS
        for a, v in attrs.items():
            if a not in FREE_ATTRS:
                assert PWNED not in (v or ""), f"data in <{tag} {a}={v!r}>"
    assert sum(1 for t, _, svg in page.elements if t == "title" and not svg) == 1
    assert sum(1 for t in tags if t == "style") == 1
    assert " ".join("".join(page.titles).split()) == " ".join(title.split())
    text = "".join(page.text)
    for s in shown:
        assert s in text, f"{s!r} is not shown as text"
    return page


def report_title(name: str, lang: str = "it") -> str:
    return ("Perché? Analisi dei driver" if lang == "it" else "Why? Driver analysis") + " — " + name


# --- hostile inputs, shared with test_report_browser.py -------------------------------------------

# A file name cannot hold "/" or NUL.
FILE_NAME = PAYLOADS[0] + ".csv"
COLS = {"data": PAYLOADS[1], "canale": PAYLOADS[2], "segmento": PAYLOADS[3], "nps": PAYLOADS[4],
        "motivo": PAYLOADS[12], "driver": PAYLOADS[10]}


def _sample_rows(n: int) -> list:
    with open(SAMPLE, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))[:n]


def hostile_csv(directory, n: int = 600):
    """The sample survey with hostile column names, segment values, comments, dates and scores,
    under a hostile file name. Returns (path, analyze keyword arguments)."""
    rows = _sample_rows(n)
    segments = sorted({r["segmento"] for r in rows})
    segment_of = {c: PAYLOADS[(1 + i) % len(PAYLOADS)] for i, c in enumerate(segments)}
    path = directory / FILE_NAME
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([COLS.get(k, k) for k in rows[0]])
        for i, r in enumerate(rows):  # every payload is a channel
            r = dict(r, canale=PAYLOADS[i % len(PAYLOADS)], segmento=segment_of[r["segmento"]])
            if i % 5 == 0:
                r["motivo"] += " " + PAYLOADS[i // 5 % len(PAYLOADS)]
            if i % 97 == 1:
                r["data"] = PAYLOADS[i % len(PAYLOADS)]
            if i % 89 == 2:
                r["nps"] = PAYLOADS[i % len(PAYLOADS)]
            w.writerow(list(r.values()))
    kw = dict(score=COLS["nps"], text=COLS["motivo"], date=COLS["data"], by=[COLS["canale"], COLS["segmento"]])
    return path, kw, [*PRINTABLE, *segment_of.values(), COLS["canale"], COLS["segmento"]]


# Driver names of a model: payloads, distinct, one per driver of the sample.
DRIVER_NAMES = [p for p in PAYLOADS if "\x00" not in p][:10]


def hostile_model(directory):
    """A DriverClassifier trained on the sample with hostile driver names, saved to a file."""
    rows = _sample_rows(800)
    gold = sorted({g for r in rows for g in r["driver"].split("|") if g})
    name_of = dict(zip(gold, DRIVER_NAMES))
    clf = perche.DriverClassifier([name_of[g] for g in gold], cv_folds=0, threads=1)
    clf.fit([r["motivo"] for r in rows], [[name_of[g] for g in r["driver"].split("|") if g] for r in rows])
    path = directory / "hostile.model"
    clf.save(path)
    return path, [name_of[g] for g in gold]


def hostile_codebook(directory):
    """The shipped codebook with every label replaced by a payload (a code may only use letters,
    digits, _ and -: the parser rejects anything else)."""
    out, k = [], 0
    for line in DEFAULT_CODEBOOK.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            out.append(f"[d{k}] {PRINTABLE[k % len(PRINTABLE)]}")  # not a code of the default taxonomy
            k += 1
        else:
            out.append(line)
    path = directory / "hostile_codebook.txt"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path, [PRINTABLE[i % len(PRINTABLE)] for i in range(k)]


def hostile_labels_frame():
    """The sample with gold driver names replaced by payloads (no separator of the labels column)."""
    rows = _sample_rows(600)
    names = [p for p in PRINTABLE if not set(p) & set("|;,")]
    gold = sorted({g for r in rows for g in r["driver"].split("|") if g})
    name_of = {g: names[i % len(names)] + f" {i}" for i, g in enumerate(gold)}
    df = pd.DataFrame(rows)
    df["driver"] = ["|".join(name_of[g] for g in v.split("|") if g) for v in df["driver"]]
    df["nps"] = df["nps"].astype(int)
    return df, list(name_of.values())


def hostile_dict(data: dict) -> dict:
    """data with every leaf (string, number, boolean) replaced by a payload; metric and lang kept."""
    k = iter(range(10**9))

    def walk(v, key=None):
        if key in ("metric", "lang"):
            return v
        if isinstance(v, dict):
            return {kk: walk(x, kk) for kk, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        if v is None:
            return None
        return PAYLOADS[next(k) % len(PAYLOADS)]

    return walk(data)


@pytest.fixture(scope="module")
def sample():
    return perche.analyze(bootstrap_samples=100, progress=False)


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("hostile")


# --- class 1: nothing of the data becomes markup --------------------------------------------------


def test_the_report_starts_with_a_policy_that_forbids_script(sample):
    page = sample.to_html()
    head = page[:page.index("</head>")]
    assert head.startswith('<!DOCTYPE html><html lang="it"><head><meta http-equiv="Content-Security-Policy" '
                           "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:;")
    assert "script" not in head.lower()
    assert_inert(page, report_title("survey.csv"))


def test_csv_column_names_values_and_file_name_are_text(hostile_dir):
    path, kw, shown = hostile_csv(hostile_dir)
    r = perche.analyze(path, bootstrap_samples=100, progress=False, **kw)
    assert len(r.data["segments"]) == 2 and r.data["trend"] is not None
    assert any(p in v["text"] for v in r.data["verbatims"] for p in PAYLOADS)
    for lang in ("it", "en"):
        assert_inert(r.to_html(lang=lang), report_title(FILE_NAME, lang), shown)


def test_driver_names_of_a_trained_model_are_text(hostile_dir):
    path, names = hostile_model(hostile_dir)
    r = perche.analyze(SAMPLE, model=path, bootstrap_samples=100, progress=False)
    assert [d["driver"] for d in r.data["drivers"]] != [] and set(r.data["model"]["drivers"]) == set(names)
    shown = [n for n in r.data["model"]["labels"].values() if not _CONTROL.search(n)]  # names, capitalised
    assert_inert(r.to_html(), report_title("survey.csv"), shown)


def test_codebook_labels_are_text(hostile_dir):
    path, labels = hostile_codebook(hostile_dir)
    r = perche.analyze(SAMPLE, codebook=path, bootstrap_samples=100, progress=False)
    assert set(r.data["model"]["labels"].values()) == set(labels)
    assert_inert(r.to_html(), report_title("survey.csv"), labels)


def test_the_labels_column_is_text():
    df, names = hostile_labels_frame()
    r = perche.analyze(df, labels="driver", bootstrap_samples=100, progress=False)
    assert set(r.data["model"]["drivers"]) == set(names)
    assert_inert(r.to_html(), report_title("DataFrame"), r.data["model"]["labels"].values())


def test_a_result_whose_every_value_is_hostile_renders_inert(sample):
    data = hostile_dict(json.loads(sample.to_json()))
    data["notes"] = PAYLOADS
    for lang in ("it", "en"):
        page = render_html(data, lang=lang)
        page.encode("utf-8")
        assert_inert(page, report_title(data["source"]["file"].rsplit("/", 1)[-1], lang))
        for p in PRINTABLE:
            assert p in "".join(Page(page).text)  # the notes, as written


def test_coded_notes_and_the_domain_warning_render_inert(sample):
    data = json.loads(sample.to_json())
    data["notes"] = [{"code": p, "message": p} for p in PAYLOADS] + [{"code": "out_of_domain", "message": PWNED}]
    data["model"]["coverage"].update(out_of_domain=True, known_share=0.1, vocabulary_overlap=PAYLOADS[0],
                                     driver_share=1e308, thresholds={"known_share": PAYLOADS[1]})
    data["model"]["kind"] = PAYLOADS[2]
    for lang in ("it", "en"):
        page = render_html(data, lang=lang)
        assert_inert(page, report_title("survey.csv", lang), PRINTABLE)
        assert 'id="domain-warning"' in page and "perche discover" in page
        text = render_text(data, lang=lang)
        assert "perche discover" in text and not _CONTROL.search(text.replace("\n", ""))


def test_hostile_strings_where_numbers_are_expected_print_as_missing(sample):
    data = json.loads(sample.to_json())
    o = data["overall"]
    o.update(score="<b>1</b>", ci_low="-1e999", ci_high=float("nan"), n="<i>3</i>")
    data["drivers"][0].update(impact="<svg onload=x>", share=True, mentions=1.5)
    data["source"].update(rows_used="<img src=x>", rows=10**400)
    data["confidence"] = "<script>"
    page = render_html(data)
    assert_inert(page, report_title("survey.csv"))
    assert '<span id="score-value">—</span>' in page
    text = render_text(data)
    assert "<b>" not in text and "<img" not in text and "<script>" not in text and "<svg" not in text


def test_numbers_out_of_any_real_range_and_containers_where_names_belong_render(sample):
    # Found in review: negative shares divided by zero in the priority matrix, 1e308 made the
    # axes NaN, and a list as metric or lang raised TypeError instead of the one-line ValueError.
    data = json.loads(sample.to_json())
    for d in data["drivers"]:
        d.update(share=-1.12, impact=1e308, impact_ci_low=-1e308, impact_ci_high=1e308)
    data["priority"]["share_threshold"] = -1
    data["trend"]["periods"][0].update(score=1e308, ci_low=-1e308, ci_high=1e308)
    page = render_html(data)
    assert_inert(page, report_title("survey.csv"))
    assert not re.search(r'="[^"]*nan[^"]*"', page.lower()), "a coordinate is NaN"
    for bad in ({"metric": ["nps"]}, {"lang": ["it"]}):
        with pytest.raises(ValueError, match="report: "):
            render_html({**data, **{k: v for k, v in bad.items() if k == "metric"}},
                        lang=bad.get("lang", "it"))


def test_lone_surrogates_and_controls_are_replaced_not_written(sample):
    data = json.loads(sample.to_json())
    data["drivers"][0]["label"] = "a\ud800b\x00c\x1bd"
    data["source"]["file"] = "x\udfff.csv"
    page = render_html(data)
    page.encode("utf-8")
    assert "a\ufffdb\ufffdc\ufffdd" in page and "\x00" not in page and "\x1b" not in page
    render_text(data).encode("utf-8")


def test_an_unknown_metric_or_language_is_a_one_line_error(sample):
    data = json.loads(sample.to_json())
    with pytest.raises(ValueError, match="report: lang 'fr' is not 'it' or 'en'"):
        render_html(data, lang="fr")
    with pytest.raises(ValueError, match="report: metric '<img src=x>' is not one of"):
        render_html(dict(data, metric="<img src=x>"))
    with pytest.raises(ValueError, match="report: the result is a list"):
        render_text([])


def test_the_terminal_summary_prints_no_control_character_of_the_data(hostile_dir):
    path, kw, _ = hostile_csv(hostile_dir)
    r = perche.analyze(path, bootstrap_samples=100, progress=False, **kw)
    data = json.loads(r.to_json())
    data["notes"] = PAYLOADS
    for d in data["drivers"]:
        d["label"] = PAYLOADS[17]
    text = render_text(data)
    assert not _CONTROL.search(text.replace("\n", "")), repr(_CONTROL.search(text.replace("\n", "")))
    assert "\ufffd]0;pwned\ufffd" in text


# --- class 10: figures a manager can misread -------------------------------------------------------


def _one_driver(sample, quadrant, significant, impact=-0.9, lo=-3.0, hi=1.2):
    data = json.loads(sample.to_json())
    d = data["drivers"][0]
    d.update(label="Competenza", quadrant=quadrant, impact=impact, impact_ci_low=lo, impact_ci_high=hi,
             impact_significant=significant, share=0.5)
    data["drivers"] = [d]
    # The summary in words was written from the figures before this edit: a document made by hand
    # carries none (tests/python/test_summary.py checks the summary against its own figures).
    del data["summary"]
    return data


@pytest.mark.parametrize("quadrant", ["not_significant", "fix", "strength", "monitor", "minor"])
def test_a_driver_whose_impact_interval_includes_zero_is_not_significant(sample, quadrant):
    # −0.9 [−3.0, +1.2]: the example. The core names it not_significant; a JSON written
    # before it did says so only through impact_significant, and reads the same.
    data = _one_driver(sample, quadrant, False)
    text = render_text(data)
    row = next(line for line in text.splitlines() if "Competenza" in line)
    assert row.rstrip().endswith("non significativo")
    assert "Priorità" not in text and "Punti di forza" not in text
    assert render_text(data, lang="en").count("not significant") == 1
    page = render_html(data)
    p = assert_inert(page, report_title("survey.csv"))
    cells = [c for c in re.findall(r"<td[^>]*>([^<]*)</td>", page)]
    assert "non significativo" in cells and "Priorità" not in cells and "Punti di forza" not in cells
    (point,) = [a for t, a, svg in p.elements if t == "circle" and "data-driver" in a]
    assert "ns" in point["class"].split() and point["fill"] == report._NS
    (bar,) = [a for t, a, svg in p.elements if t == "rect" and "impact-bar" in (a.get("class") or "")]
    assert bar["fill"] == report._NS
    assert '<td class="ns num">not significant</td>' in render_html(data, lang="en")


def test_a_significant_driver_keeps_its_quadrant_and_colour(sample):
    data = _one_driver(sample, "fix", True, impact=-3.0, lo=-4.0, hi=-2.0)
    row = next(line for line in render_text(data).splitlines() if "Competenza" in line)
    assert row.rstrip().endswith("Priorità")
    p = Page(render_html(data))
    (point,) = [a for t, a, svg in p.elements if t == "circle" and "data-driver" in a]
    assert point["fill"] == report._NEG and "ns" not in point["class"].split()


def test_the_analysis_carries_the_interval_centre():
    df = pd.DataFrame({"nps": [10], "motivo": ["attesa lunga al telefono"], "canale": ["app"]})
    r = perche.analyze(df, bootstrap_samples=50, progress=False)
    o = r.overall
    # One response of 10: adjusted Wald (Rocks 2016) adds three pseudo-responses, ¾ promoter, 1½
    # passive and ¾ detractor, so the interval is centred on (1.75 − 0.75) / 4 = +25, CI [−48.5, +98.5],
    # and the score +100 lies outside it.
    assert o["score"] == 100 and o["center"] == pytest.approx(25.0)
    assert o["ci_high"] == pytest.approx(98.5, abs=0.01) and o["ci_low"] == pytest.approx(-48.5, abs=0.01)
    assert r.data["segments"][0]["groups"][0]["center"] == pytest.approx(25.0)


@pytest.mark.parametrize("lang,word", [("it", "centro dell'intervallo +25,0"), ("en", "interval centre +25.0")])
def test_a_score_outside_its_interval_is_printed_with_the_centre(lang, word):
    df = pd.DataFrame({"nps": [10, 10, 0, 10], "motivo": ["attesa lunga"] * 4, "canale": ["app", "tel", "tel", "tel"],
                       "data": ["2026-01-05", "2026-02-05", "2026-02-06", "2026-02-07"]})
    r = perche.analyze(df, bootstrap_samples=50, progress=False, lang=lang)
    text = r.summary(lang=lang)
    # Negative figures print with the minus sign U+2212, as the summary in words writes them.
    interval = "[\u221248,5, +98,5]" if lang == "it" else "[\u221248.5, +98.5]"
    segment = next(line for line in text.splitlines() if line.lstrip().startswith("app "))
    assert interval in segment and word in segment
    period = next(line for line in text.splitlines() if line.lstrip().startswith("2026-01 "))
    assert interval in period and word in period
    page = r.to_html(lang=lang)
    assert_inert(page, report_title("DataFrame", lang))
    assert page.count(word.replace("'", "&#x27;")) == 2  # the segment's row and the period's tooltip
    # Every printed pair of a score and its interval: the centre whenever the score lies outside.
    for line in text.splitlines():
        m = re.search(r"([+\u2212]?\d+[.,]\d)\s+\[([+\u2212]?\d+[.,]\d), ([+\u2212]?\d+[.,]\d)\]", line)
        x = [float(m[k].replace(",", ".").replace("\u2212", "-")) for k in (1, 2, 3)] if m else None
        if m and not x[1] <= x[0] <= x[2]:
            assert word in line, line


def test_the_overall_score_outside_its_interval_is_printed_with_the_centre(sample):
    data = json.loads(sample.to_json())
    data["overall"].update(score=100.0, ci_low=-48.5, ci_high=98.5, center=25.0, n=1)
    text = render_text(data)
    assert "NPS: +100,0  [\u221248,5, +98,5] centro dell'intervallo +25,0  (IC 95%, n=1)" in text
    page = render_html(data)
    assert "IC 95% [\u221248,5, +98,5], centro dell&#x27;intervallo +25,0, n = 1" in page
    del data["overall"]["center"]  # a JSON written before the result had it: the interval's midpoint
    assert "[\u221248,5, +98,5] centro dell'intervallo +25,0" in render_text(data)
    data["overall"].update(score=50.0)
    assert "centro" not in render_text(data).split("\n\n")[1]


def test_highlight_spans_from_the_data_cost_time_linear_in_the_text(sample):
    # 20,000 spans over a 200,000-character comment: marking them one code point at a time took
    # 4·10⁹ steps; merged first, the page is built in well under a second.
    import time

    data = json.loads(sample.to_json())
    text = "attesa " * 28_572
    data["verbatims"] = [dict(data["verbatims"][0], text=text,
                              highlights=[{"start": 0, "end": len(text)}] * 20_000 + [{"start": "<b>", "end": 3}])]
    t = time.perf_counter()
    page = render_html(data)
    assert time.perf_counter() - t < 1.0
    # The page quotes the first _QUOTE_CHARS code points (the JSON holds the whole comment).
    shown = text[:report._QUOTE_CHARS - 1]
    assert page.count("<mark>") == 1 and f"<mark>{shown}</mark>…" in page
