# SPDX-License-Identifier: Apache-2.0
"""The summary in words (docs/schema.md, `summary`) on the shipped sample, through `perche analyze`
as the README runs it: every figure a sentence quotes is the JSON's value at the pointer it names,
every number written in a sentence is one of its figures, drivers and segments are named only as
their tests allow, and the summary leads the terminal output and the HTML, in Italian or English."""

import contextlib
import html
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import perche
from perche import cli
from perche.report import render_html, render_text
from test_report_security import Page


def resolve(doc, pointer: str):
    """The value at a JSON Pointer (RFC 6901), written here independently of the C++ code."""
    assert pointer.startswith("/"), pointer
    v = doc
    for token in pointer[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        v = v[int(token)] if isinstance(v, list) else v[token]
    return v


def run(*args) -> tuple:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["analyze", "--no-progress", *args]) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    d = tmp_path_factory.mktemp("summary")
    text = run("--json", str(d / "a.json"), "--html", str(d / "a.html"))
    text_en = run("--lang", "en", "--json", str(d / "en.json"))
    return (json.loads((d / "a.json").read_text("utf-8")), text, (d / "a.html").read_text("utf-8"),
            json.loads((d / "en.json").read_text("utf-8")), text_en)


def test_every_figure_of_a_sentence_is_the_json_value_at_its_source(sample):
    doc = sample[0]
    assert doc["schema"] == 4 and doc["summary"]
    codes = [s["code"] for s in doc["summary"]]
    # The sample (examples/data/README.md) has a dragging driver, a strength, a trend and segments.
    assert codes[:2] == ["score", "definition"] and "drag" in codes and "strengths" in codes
    assert "trend_last" in codes and "trend_test" in codes
    check_figures(doc)


def check_figures(doc: dict) -> None:
    for s in doc["summary"]:
        assert set(s) == {"code", "figures", "text"} and set(s["text"]) == {"it", "en"}
        for f in s["figures"]:
            assert set(f) == {"name", "value", "source"}
            found = resolve(doc, f["source"])
            assert found == f["value"] and type(found) is type(f["value"]), (s["code"], f)


_NUMBER = {"it": re.compile(r"(<\s)?[−+]?\d+(?:\.\d{3})*(?:,\d+)?"),
           "en": re.compile(r"(<\s)?[−+]?\d+(?:,\d{3})*(?:\.\d+)?")}


def numbers(text: str, lang: str) -> list:
    """(value, half a unit of its last digit, written after "<") of every number in the text."""
    out = []
    for m in _NUMBER[lang].finditer(text):
        token = m.group(0)
        below = token.startswith("<")
        token = token.lstrip("< ").replace("−", "-")
        whole, _, decimals = token.partition("," if lang == "it" else ".")
        whole = whole.replace("." if lang == "it" else ",", "")
        value = float(whole + ("." + decimals if decimals else ""))
        out.append((value, 0.5 * 10 ** -len(decimals) + 1e-9, below))
    return out


def matches(written: tuple, figure: float) -> bool:
    value, half, below = written
    for scale in (1, 100):  # a share or a confidence level is written as a percentage
        if below and figure * scale < value:
            return True
        if not below and abs(figure * scale - value) <= half:
            return True
    return False


@pytest.mark.parametrize("lang", ["it", "en"])
def test_every_number_written_in_a_sentence_is_one_of_its_figures_and_back(sample, lang):
    check_numbers(sample[0], lang)


def check_numbers(doc: dict, lang: str) -> None:
    for s in doc["summary"]:
        if s["code"] == "definition":  # a definition quotes the scale, not a figure
            continue
        text = s["text"][lang]
        figures = [f["value"] for f in s["figures"] if not isinstance(f["value"], str)]
        for f in s["figures"]:  # labels, segments and periods are quoted as written
            if isinstance(f["value"], str):
                assert f["value"] in text, (s["code"], f)
                text = text.replace(f["value"], " ")
        written = numbers(text, lang)
        for w in written:
            assert any(matches(w, v) for v in figures), (lang, s["code"], w, s["text"][lang])
        for v in figures:
            assert any(matches(w, v) for w in written), (lang, s["code"], v, s["text"][lang])


def test_italian_sentences_write_numbers_the_italian_way(sample):
    doc = sample[0]
    o = doc["overall"]
    first = doc["summary"][0]["text"]["it"]
    score = f"{o['score']:+.1f}".replace(".", ",").replace("-", "−")
    assert first.startswith(f"L'NPS è {score} (IC 95% da ")
    assert f"su {o['n']:,} risposte".replace(",", ".") in first
    en = doc["summary"][0]["text"]["en"]
    assert f"{o['score']:+.1f}".replace("-", "−") in en and f"from {o['n']:,} responses" in en
    for s in doc["summary"]:
        # No decimal point in the Italian figures (2.400 is a thousands separator: three digits follow).
        assert not re.search(r"\d\.\d{1,2}(?!\d)", s["text"]["it"]), s["text"]["it"]


def test_drivers_are_named_only_as_their_impact_interval_allows(sample):
    doc = sample[0]
    drivers = doc["drivers"]
    for s in doc["summary"]:
        for f in s["figures"]:
            m = re.fullmatch(r"/drivers/(\d+)/label", f["source"])
            if not m:
                continue
            d = drivers[int(m.group(1))]
            if s["code"] == "drag":
                assert d["impact_significant"] and d["impact_ci_high"] < 0 and not d["few_mentions"]
            if s["code"] == "strengths":
                assert d["impact_significant"] and d["impact_ci_low"] > 0
            if s["code"] == "pain_points":
                assert d["sentiment"]["negative_ci_high"] < 0
    named = {f["value"] for s in doc["summary"] if s["code"] in ("drag", "strengths") for f in s["figures"]
             if f["name"] == "driver"}
    for d in drivers:
        if not d["impact_significant"]:
            assert d["label"] not in named
    drags = [s for s in doc["summary"] if s["code"] == "drag"]
    expected = [d["label"] for d in drivers if d["impact_significant"] and (d["impact"] or 0) < 0
                and not d["few_mentions"]][:3]
    assert [s["figures"][0]["value"] for s in drags] == expected


def test_significance_is_claimed_only_where_a_test_of_the_json_says_so(sample):
    doc = sample[0]
    alpha = doc["alpha"]
    tested = {"trend_last", "trend_test", "segment_gap", "no_segment_gap", "driver_trend"}
    for s in doc["summary"]:
        it, en = s["text"]["it"], s["text"]["en"]
        if s["code"] not in tested:
            assert "significativ" not in it and "significant" not in en, s
        if s["code"] == "trend_last":
            p = resolve(doc, next(f["source"] for f in s["figures"] if f["name"] == "p_prev_holm"))
            assert ("non significativa" in it) == (p >= alpha) and ("not a significant" in en) == (p >= alpha)
        if s["code"] == "trend_test":
            t = doc["trend"]["test"]
            assert ("non ha un trend significativo" in it) == (not t["declining"] and not t["increasing"])
        if s["code"] == "segment_gap":
            g = resolve(doc, next(f["source"] for f in s["figures"] if f["name"] == "p_holm").rsplit("/", 1)[0])
            assert g["significant"] and g["p_holm"] < alpha


def test_the_summary_leads_the_terminal_output(sample):
    doc, text = sample[0], sample[1]
    lines = text.splitlines()
    assert lines[1:3] == ["", "In sintesi:"]
    body = []
    for line in lines[3:]:
        if not line.startswith("  "):
            break
        body.append(line)
    joined = " ".join(x.strip() for x in body)
    assert joined == " ".join("• " + s["text"]["it"] for s in doc["summary"])
    assert text.index("In sintesi:") < text.index("NPS:")
    assert max(len(line) for line in body) <= 110


def test_the_summary_is_the_first_section_of_the_html(sample):
    doc, page = sample[0], sample[2]

    class Sections(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.ids, self.items, self._li = [], [], False

        def handle_starttag(self, tag, attrs):
            if tag == "section":
                self.ids.append(dict(attrs).get("id"))
            if tag == "li" and self.ids == ["summary"]:
                self._li = True
                self.items.append("")

        def handle_endtag(self, tag):
            self._li = self._li and tag != "li"

        def handle_data(self, data):
            if self._li:
                self.items[-1] += data

    p = Sections()
    p.feed(page)
    assert p.ids[0] == "summary"
    assert p.items == [s["text"]["it"] for s in doc["summary"]]
    assert "<h2>In sintesi</h2>" in page


def test_lang_en_gives_the_english_summary(sample):
    doc, text = sample[3], sample[4]
    assert text.splitlines()[1:3] == ["", "In brief:"]
    assert text.split("\n\n")[1].startswith("In brief:\n  • NPS is ")
    page = render_html(doc, lang="en")
    assert f"<li>{html.escape(doc['summary'][0]['text']['en'])}</li>" in page
    # The Italian document rendered in English: the same sentences, English text.
    r = perche.survey.Analysis(sample[0])
    assert r.summary_sentences("en") == [s["text"]["en"] for s in sample[0]["summary"]]
    assert r.summary_sentences() == [s["text"]["it"] for s in sample[0]["summary"]]
    with pytest.raises(ValueError, match="lang 'de'"):
        r.summary_sentences("de")


def test_a_schema_3_document_without_a_summary_renders_without_one(sample):
    doc = json.loads(json.dumps(sample[0]))
    doc["schema"] = 3
    del doc["summary"], doc["rating"]
    text = render_text(doc)
    assert "In sintesi" not in text and text.splitlines()[2].startswith("NPS: ")
    assert 'id="summary"' not in render_html(doc)
    assert perche.survey.Analysis(doc).summary_sentences() == []


@pytest.mark.parametrize("case", ["out_of_domain", "rejected_rows", "csat", "ces"])
def test_warnings_and_other_metrics_hold_the_same_checks(case, tmp_path):
    """The warnings on real inputs (hotel reviews for the guard; a small export with a bad score),
    and CSAT and CES: each sentence's figures are the JSON's and its numbers are its figures."""
    root = Path(__file__).resolve().parents[2]
    if case == "out_of_domain":
        doc = perche.analyze(root / "tests" / "data" / "out_of_domain.csv", bootstrap_samples=50).data
        expected = {"out_of_domain"}
    elif case == "rejected_rows":
        path = tmp_path / "export.csv"
        path.write_text("nps,motivo\n10,ottimo\n9,bravi\nnove,ok\n3,attesa lunga\n\n0,pessimo\n", "utf-8")
        doc = perche.analyze(path, bootstrap_samples=50).data
        expected = {"few_responses", "rejected_rows"}
    else:
        doc = perche.analyze(metric=case, bootstrap_samples=50).data
        expected = {"score", "definition"}
    codes = {s["code"] for s in doc["summary"]}
    assert expected <= codes, codes
    check_figures(doc)
    for lang in ("it", "en"):
        check_numbers(doc, lang)
    texts = {s["code"]: s["text"]["it"] for s in doc["summary"]}
    if case == "rejected_rows":
        bad, rows = doc["source"]["bad_rows"], doc["source"]["rows"]
        assert texts["rejected_rows"].startswith(f"{bad} {'riga' if bad == 1 else 'righe'} su {rows} ")
        assert texts["few_responses"] == (f"Le risposte sono solo {doc['overall']['n']}: gli intervalli sono ampi e "
                                          "le differenze vanno lette con cautela.")
    if case == "out_of_domain":
        c = doc["model"]["coverage"]
        assert f"{100 * c['known_share']:.0f}%, soglia 50%" in texts["out_of_domain"]
    if case == "csat":
        lo, hi = doc["scale"]
        assert texts["definition"] == f"Il CSAT è la quota di risposte {hi - 1}–{hi} sulla scala {lo}–{hi}, in percentuale."
    if case == "ces":
        assert texts["definition"].startswith("Il CES è il voto medio sulla scala 1–7")


def test_the_tables_charts_and_terminal_write_a_figure_as_the_summary_does(sample):
    # Red-team (stop 42): the summary wrote "−25,2" (U+2212, C++ format_number), the tables, the
    # charts, the headline and the terminal "-25,2", and a zero "-0,0". One convention everywhere:
    # the minus sign U+2212, "+" when a sign is asked, none on a figure that rounds to zero.
    doc, text, page, _, text_en = sample
    drag = next(s for s in doc["summary"] if s["code"] == "drag")
    impact = next(f["value"] for f in drag["figures"] if f["name"] == "impact")
    written = f"{impact:+.1f}".replace("-", "\u2212")
    assert written.startswith("\u2212") and written.replace(".", ",") in drag["text"]["it"]
    shown = " ".join(" ".join(Page(page[page.index("</style>"):]).text).split())
    for out, decimal in ((shown, ","), (text, ","), (text_en, ".")):
        assert written.replace(".", decimal) + " [" in out  # the drivers table: the impact and its interval
        # No hyphen-minus before a figure, in tables, chart axes and values, tooltips, the headline (dates
        # like 2025-12 and options like --no-mask are not figures).
        assert not re.search(r"(?<![\w-])-\d", out), re.search(r".{30}(?<![\w-])-\d.{30}", out)[0]
    # A figure that rounds to zero has no sign; a bound of an interval that excludes zero keeps its side.
    edited = json.loads(json.dumps(doc))
    edited["drivers"][6].update(impact=-0.04, impact_ci_low=-1.2, impact_ci_high=1.1, impact_significant=False)
    edited["drivers"][8].update(impact=1.5, impact_ci_low=0.02, impact_ci_high=2.9, impact_significant=True)
    for out in (render_text(edited), render_html(edited)):
        assert not re.search(r"[\u2212-]0,0(?!\d)", out)
        assert "0,0 [\u22121,2, +1,1]" in out and "+1,5 [+0,0, +2,9]" in out
        assert [m.start() for m in re.finditer(r"\+0,0(?!\d)", out)] == \
            [m.start() + 1 for m in re.finditer(r"\[\+0,0(?!\d)", out)]
    # The JSON stays plain numbers.
    assert "\u2212" not in json.dumps(doc["drivers"]) and isinstance(doc["drivers"][0]["impact"], float)


def test_random_driver_labels_make_no_drag_strength_or_pain_point():
    # Red-team and review, stop 42: 30 labels drawn at random, unrelated to the score, were named
    # drags and strengths (each driver tested alone) and pain points (any negative comments lower
    # the score). The drivers are now tested together (Holm), and a pain point's negative mentions
    # must lower the score more than the other negative comments do.
    import numpy as np
    import pandas as pd

    from perche.survey import SAMPLE

    frame = pd.read_csv(SAMPLE)
    rng = np.random.default_rng(1)
    names = [f"r{i:02d}" for i in range(30)]
    frame["rand"] = [";".join(n for n in names if rng.random() < 0.08) for _ in range(len(frame))]
    doc = perche.analyze(frame, score="nps", text="motivo", labels="rand", date="data", bootstrap_samples=500).data
    codes = {s["code"] for s in doc["summary"]}
    assert not codes & {"drag", "strengths", "pain_points"}, codes
    assert not any(d["impact_significant"] for d in doc["drivers"])
    assert not any(d["sentiment"]["pain_point"] for d in doc["drivers"] if d["sentiment"])
