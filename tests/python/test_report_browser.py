# SPDX-License-Identifier: Apache-2.0
"""The HTML report in a real browser: headless Chromium (Debian `chromium`, installed by
scripts/deps) renders it to a PNG with no console message, and the DOM it built after layout has
one impact bar and one matrix point per driver and shows the JSON's score. Reports built from
hostile CSVs, models, codebooks, labels and result dicts (test_report_security.py) load with no
element or attribute of the data in the DOM, their own title, and no script run; and the page's
Content-Security-Policy alone stops a script that got in."""

import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

import perche
from perche import cli, report as report_module
from perche.report import format_score, render_html
from test_report_security import (PWNED, SAMPLE, FILE_NAME, assert_inert, hostile_codebook, hostile_csv, hostile_dict,
                                  hostile_labels_frame, hostile_model, report_title)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/deps installs it)")


def chromium(tmp_path, url, *args):
    """Runs headless Chromium; returns (stdout, console messages). Chromium logs every console
    message and uncaught exception of the page as INFO:CONSOLE on stderr with --enable-logging."""
    proc = subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
                           *args, url], capture_output=True, text=True, timeout=120)
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, console


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []  # (tag, attrs, parent svg id)
        self.svg = []
        self.score_text = None
        self._in_score = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self.svg.append(a.get("id"))
        self.elements.append((tag, a, self.svg[-1] if self.svg else None))
        self._in_score = a.get("id") == "score-value"

    def handle_endtag(self, tag):
        if tag == "svg" and self.svg:
            self.svg.pop()
        self._in_score = False

    def handle_data(self, data):
        if self._in_score:
            self.score_text = (self.score_text or "") + data


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    d = tmp_path_factory.mktemp("report")
    r = perche.analyze(bootstrap_samples=300)
    (d / "report.html").write_text(r.to_html(), encoding="utf-8")
    return d, json.loads(r.to_json())


def test_the_console_check_is_not_blind(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><p>x</p><script>console.error('boom'); nope();</script>", encoding="utf-8")
    _, console = chromium(tmp_path, page.as_uri(), "--dump-dom")
    assert any("boom" in c for c in console) and any("Uncaught" in c for c in console)


def test_the_report_renders_to_a_png_without_console_messages(report, tmp_path):
    d, _ = report
    png = tmp_path / "report.png"
    _, console = chromium(tmp_path, (d / "report.html").as_uri(), f"--screenshot={png}", "--window-size=1200,4000")
    assert console == []
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000


def test_the_rendered_dom_has_a_bar_and_a_point_per_driver_and_the_json_score(report, tmp_path):
    d, data = report
    dom_text, console = chromium(tmp_path, (d / "report.html").as_uri(), "--dump-dom")
    assert console == []
    dom = Dom()
    dom.feed(dom_text)
    drivers = {x["driver"] for x in data["drivers"] if x["impact"] is not None}
    bars = [a["data-driver"] for t, a, svg in dom.elements if t == "rect" and "impact-bar" in a.get("class", "")]
    assert sorted(bars) == sorted(drivers)
    points = [a["data-driver"] for t, a, svg in dom.elements if t == "circle" and svg == "priority-matrix"]
    assert sorted(points) == sorted(drivers)
    assert dom.score_text == format_score(data["overall"]["score"], data["metric"], "it")
    assert any(t == "path" and "ci-band" in a.get("class", "") for t, a, svg in dom.elements if svg == "trend")
    assert sum(1 for t, a, svg in dom.elements if t == "mark") > 0


class SummaryDom(HTMLParser):
    """The ids of the page's sections in order, and the text of each item of #summary."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections, self.items, self._in = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.sections.append(dict(attrs).get("id"))
        if tag == "li" and self.sections and self.sections[-1] == "summary":
            self._in = True
            self.items.append("")

    def handle_endtag(self, tag):
        if tag == "li":
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.items[-1] += data


def test_the_rendered_summary_comes_first_and_quotes_the_json_score_the_italian_way(report, tmp_path):
    d, data = report
    dom_text, console = chromium(tmp_path, (d / "report.html").as_uri(), "--dump-dom")
    assert console == []
    dom = SummaryDom()
    dom.feed(dom_text)
    assert dom.sections[0] == "summary"
    # Each sentence of the DOM is the JSON's, and the first quotes the overall score with a decimal
    # comma and its sign (the minus sign U+2212), formatted here from the JSON's number.
    assert dom.items == [s["text"]["it"] for s in data["summary"]]
    score = f"{data['overall']['score']:+.1f}".replace(".", ",").replace("-", "\u2212")
    assert f"L'NPS è {score} " in dom.items[0]
    low = f"{data['overall']['ci_low']:+.1f}".replace(".", ",").replace("-", "\u2212")
    assert f"da {low} a " in dom.items[0]


# --- hostile data ----------------------------------------------------------------------------------


class HostilePages:
    """name -> (path of the page, expected title, strings the page must show as text), each built
    on first use so that one failing input does not hide the others."""

    def __init__(self, directory):
        self.d = directory
        self.pages = {}

    def __getitem__(self, name):
        if name not in self.pages:
            page, title, shown = getattr(self, name)()
            (self.d / f"{name}.html").write_text(page, encoding="utf-8")
            self.pages[name] = (self.d / f"{name}.html", title, list(shown))
        return self.pages[name]

    def _csv(self):
        if not hasattr(self, "_csv_result"):
            path, kw, self._csv_shown = hostile_csv(self.d)
            self._csv_result = perche.analyze(path, bootstrap_samples=100, progress=False, **kw)
        return self._csv_result, self._csv_shown

    def csv(self):
        r, shown = self._csv()
        return r.to_html(), report_title(FILE_NAME), shown

    def csv_en(self):
        r, shown = self._csv()
        return r.to_html(lang="en"), report_title(FILE_NAME, "en"), shown

    def model(self):
        path, _ = hostile_model(self.d)
        r = perche.analyze(SAMPLE, model=path, bootstrap_samples=100, progress=False)
        return r.to_html(), report_title("survey.csv"), [v for v in r.data["model"]["labels"].values()
                                                         if v.isprintable()]

    def codebook(self):
        path, labels = hostile_codebook(self.d)
        r = perche.analyze(SAMPLE, codebook=path, bootstrap_samples=100, progress=False)
        return r.to_html(), report_title("survey.csv"), labels

    def labels(self):
        df, _ = hostile_labels_frame()
        r = perche.analyze(df, labels="driver", bootstrap_samples=100, progress=False)
        return r.to_html(), report_title("DataFrame"), r.data["model"]["labels"].values()

    def result_dict(self):
        data = hostile_dict(json.loads(perche.analyze(bootstrap_samples=100, progress=False).to_json()))
        return render_html(data), report_title(data["source"]["file"].rsplit("/", 1)[-1]), ()


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory):
    return HostilePages(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("name", ["csv", "csv_en", "model", "codebook", "labels", "result_dict"])
def test_a_report_of_hostile_data_has_only_the_renderers_markup_in_the_browser(hostile_pages, name, tmp_path):
    path, title, shown = hostile_pages[name]
    dom, console = chromium(tmp_path, path.as_uri(), "--dump-dom", "--virtual-time-budget=2000")
    # No console message: nothing ran, and no script or handler even tried (the policy would have
    # refused it with a console error).
    assert console == []
    # document.title is the expected one: a payload that ran would have made it "pwned".
    assert_inert(dom, title, shown)
    assert f"<title>{PWNED}</title>" not in dom


def _with_injected_script(page: str, keep_policy: bool) -> str:
    if not keep_policy:
        page = page.replace(page[page.index("<meta http-equiv"):page.index("<meta charset")], "")
    payload = ("<script>document.title='pwned'</script>"
               "<img src=x onerror=\"document.title='pwned'\"><svg onload=\"document.title='pwned'\"></svg>")
    main = page.index("<main")
    main = page.index(">", main) + 1
    return page[:main] + payload + page[main:]


def test_the_policy_alone_stops_script_that_got_into_the_page(report, tmp_path):
    d, _ = report
    page = (d / "report.html").read_text(encoding="utf-8")
    blocked, ran = tmp_path / "blocked.html", tmp_path / "ran.html"
    blocked.write_text(_with_injected_script(page, keep_policy=True), encoding="utf-8")
    ran.write_text(_with_injected_script(page, keep_policy=False), encoding="utf-8")
    dom, console = chromium(tmp_path, blocked.as_uri(), "--dump-dom", "--virtual-time-budget=2000")
    assert "<title>Perché? Analisi dei driver — survey.csv</title>" in dom
    assert any("Content Security Policy" in c for c in console)
    # The same page without the policy: the script runs, so the check above is not blind.
    dom, _ = chromium(tmp_path, ran.as_uri(), "--dump-dom", "--virtual-time-budget=2000")
    assert "<title>pwned</title>" in dom


# --- the story after layout (issue #21) ---------------------------------------------------------------


def probe(tmp_path, page: str, script: str, name: str = "probe") -> tuple:
    """(the value of `script`, console messages) once the page is laid out: the script, of this
    test (the report runs none; its policy is removed for the probe), measures the DOM and writes
    its result as JSON into a <pre> that --dump-dom returns."""
    if "<meta http-equiv" in page:
        page = page.replace(page[page.index("<meta http-equiv"):page.index("<meta charset")], "")
    hook = ("<script>window.addEventListener('load', () => { const result = (() => {" + script + "})();"
            "const pre = document.createElement('pre'); pre.id = 'probe-result';"
            "pre.textContent = JSON.stringify(result); document.body.appendChild(pre); });</script>")
    path = tmp_path / f"{name}.html"
    path.write_text(page.replace("</body>", hook + "</body>") if "</body>" in page else page + hook, encoding="utf-8")
    dom, console = chromium(tmp_path, path.as_uri(), "--dump-dom", "--virtual-time-budget=5000",
                            "--window-size=1100,1300")
    found = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S)
    assert found, dom[-500:]
    return json.loads(html.unescape(found[1])), console


_BOXES = """
const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
const svg = document.getElementById('priority-matrix');
return {svg: box(svg),
        labels: [...svg.querySelectorAll('text.mlabel')].map(e => [e.dataset.driver, box(e)]),
        // In the chart's own units: the labels' boxes and the leader lines.
        user_labels: [...svg.querySelectorAll('text.mlabel')].map(e => { const b = e.getBBox();
          return [e.dataset.driver, [b.x, b.y, b.x + b.width, b.y + b.height]]; }),
        leaders: [...svg.querySelectorAll('line.leader')].map(e => [e.dataset.driver,
          ['x1', 'y1', 'x2', 'y2'].map(a => parseFloat(e.getAttribute(a)))]),
        points: [...svg.querySelectorAll('circle.point')].map(e => [e.dataset.driver, box(e)]),
        corners: [...svg.querySelectorAll('text.q')].map(box)};
"""


def _intersect(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _crowded(data: dict) -> dict:
    """Ten drivers within a point of share and a third of a point of impact of each other, with long
    names: the labels cannot sit beside their points without the placement moving them."""
    doc = json.loads(json.dumps(data))
    for k, d in enumerate(doc["drivers"]):
        d.update(share=0.14 + 0.001 * k, impact=-2.0 + 0.03 * k, label=d["label"] + " (canale telefonico)")
    return doc


_LONG = " con un nome davvero molto molto lungo per vedere come si comporta il layout del report"


def _long_names(data: dict) -> dict:
    """The sample's drivers with names of about 110 letters (red-team, stop 42: 17 of 30 such labels
    ran out of the 900-unit chart and 5 pairs overlapped)."""
    doc = json.loads(json.dumps(data))
    for d in doc["drivers"]:
        d["label"] += _LONG
    return doc


def _forty_in_a_corner(data: dict) -> dict:
    """Forty drivers with long names within half a point of share and impact: no placement of their
    names can keep them apart, so the points are numbered and a legend names them."""
    doc = json.loads(json.dumps(data))
    base = doc["drivers"]
    doc["drivers"] = []
    for k in range(40):
        d = dict(base[k % len(base)], driver=f"d{k}", label=f"Driver {k} {base[k % len(base)]['label']}{_LONG}")
        d.update(share=0.14 + 0.0001 * k, impact=-2.0 + 0.01 * k)
        doc["drivers"].append(d)
    return doc


@pytest.mark.parametrize("case", ["sample", "crowded", "long_names", "numbered"])
def test_the_matrix_labels_overlap_neither_each_other_nor_the_points_after_layout(report, tmp_path, case):
    _, data = report
    data = {"sample": data, "crowded": _crowded(data), "long_names": _long_names(data),
            "numbered": _forty_in_a_corner(data)}[case]
    page = render_html(data)
    boxes, console = probe(tmp_path, page, _BOXES)
    assert console == []
    labels, points = boxes["labels"], boxes["points"]
    assert sorted(d for d, _ in labels) == sorted(d["driver"] for d in data["drivers"])
    matrix = page[page.index('<svg id="priority-matrix"'):page.index("</svg>", page.index('<svg id="priority-matrix"'))]
    shown = re.findall(r'<text class="mlabel[^"]*" data-driver="([^"]*)"[^>]*>([^<]*)(?:<title>([^<]*)</title>)?', matrix)
    names = {d["driver"]: d["label"] for d in data["drivers"]}
    legend = re.search(r'<ol class="legend">(.*?)</ol>', page)
    if case == "numbered":
        # Numbers in the order of the drivers' table, and a legend naming each whole.
        order = [d["driver"] for d in data["drivers"]]
        assert sorted((order.index(d), int(t)) for d, t, _ in shown) == [(k, k + 1) for k in range(40)]
        assert legend and re.findall(r"<li>([^<]*)</li>", legend[1]) == [html.escape(names[d]) for d in order]
        assert all(html.unescape(title) == names[d] for d, _, title in shown)
    else:
        # Each label is the name, or its start (at most 32 letters, ending in "…") with the whole
        # name in its <title>; no two drivers read alike; no legend.
        assert legend is None
        for d, text, title in shown:
            text = html.unescape(text)
            assert text == names[d] or (len(text) <= 32 and text.endswith("…") and html.unescape(title) == names[d])
        assert len({t for _, t, _ in shown}) == len(shown)
    for i, (a, ba) in enumerate(labels):
        for b, bb in labels[i + 1:]:
            assert not _intersect(ba, bb), (a, b, ba, bb)
        for p, bp in points:
            assert not _intersect(ba, bp), (a, p, ba, bp)
        for bc in boxes["corners"]:
            assert not _intersect(ba, bc), (a, ba, bc)
        s = boxes["svg"]
        assert s[0] <= ba[0] and ba[2] <= s[2] and s[1] <= ba[1] and ba[3] <= s[3], (a, ba, s)
    # A leader line joins a moved label to its point without running through another label (a
    # preference, not a rule, of the placement: in the crowded case it may have to).
    for driver, seg in boxes["leaders"] if case == "sample" else ():
        for other, bb in boxes["user_labels"]:
            if other != driver:
                assert not report_module._crosses(tuple(seg), tuple(bb)), (driver, other, seg, bb)
    if case == "crowded":
        assert len(boxes["leaders"]) >= 5  # the placement did move labels away from their points
    # Inside the chart's own 900 units too (the SVG scales down in a narrower window).
    for _, b in boxes["user_labels"]:
        assert 0 <= b[0] and b[2] <= 900, b


def test_verbatim_sections_are_laid_out_in_the_order_of_impact(report, tmp_path):
    d, data = report
    script = ("return [...document.querySelectorAll('#verbatims .vgroup')]"
              ".map(e => [e.dataset.driver, e.getBoundingClientRect().top, e.querySelector('h3').textContent]);")
    groups, console = probe(tmp_path, (d / "report.html").read_text("utf-8"), script)
    assert console == []
    tops = [t for _, t, _ in groups]
    assert tops == sorted(tops)
    by_impact = [x["driver"] for x in data["drivers"] if any(v["driver"] == x["driver"] for v in data["verbatims"])]
    assert [g for g, _, _ in groups] == by_impact
    assert [h for _, _, h in groups] == [data["model"]["labels"][g] for g in by_impact]


def test_every_figure_on_the_italian_page_is_in_italian_format(report, tmp_path):
    d, data = report
    script = ("return [...document.querySelectorAll('td, svg text, #score-value, .kpi small')]"
              ".map(e => e.textContent.trim());")
    texts, console = probe(tmp_path, (d / "report.html").read_text("utf-8"), script)
    assert console == []
    number = re.compile(r"[+-]?\d[\d.,]*%?")
    italian = re.compile(r"[+-]?\d{1,3}(\.\d{3})*(,\d+)?%?")
    dates = re.compile(r"\d{4}-\d\d(-\d\d)?")  # periods and dates are not figures
    figures = [t for text in texts for t in number.findall(dates.sub("", text))]
    assert len(figures) > 300
    bad = [t.rstrip(",") for t in figures if not italian.fullmatch(t.rstrip(","))]
    assert bad == [], bad[:10]
    assert "+16,8" in texts and any("< 0,001" in t for t in texts)
    assert not any(re.search(r"\de-\d", t) for t in texts)


_HOST = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
body{background:rgb(250,240,230);font-family:serif;font-size:17px;color:rgb(10,20,30);margin:5px}
h1{color:rgb(200,0,0);font-size:40px;margin:2px}h2,h3{color:rgb(0,120,0)}table{border:3px solid rgb(0,0,255);width:50%}
td,th{padding:1px;text-align:center}p{margin:20px;color:rgb(90,0,90)}section{padding:3px}blockquote{margin:1px}
</style></head><body><h1 id="o-h1">Notebook</h1><p id="o-p">text</p>
<table id="o-table"><tr><th id="o-th">a</th><td id="o-td">1</td></tr></table><section id="o-section">s</section>
<div id="o-div" class="kpi meta note neg">x</div><header id="o-header">h</header><blockquote id="o-q">q</blockquote>
<svg id="o-svg" width="50" height="20"><text id="o-text" x="0" y="10">t</text></svg>
FRAGMENT<h2 id="o-h2">after</h2><h3 id="o-h3">after</h3></body></html>"""

_STYLES = """
const props = ['color', 'background-color', 'font-size', 'font-family', 'font-weight', 'margin-top', 'margin-left',
               'padding-top', 'border-top-width', 'border-top-color', 'text-align', 'box-sizing', 'display', 'width',
               'line-height', 'fill'];
const out = {};
for (const e of document.querySelectorAll('[id^="o-"]')) {
  const s = getComputedStyle(e);
  out[e.id] = props.map(p => s.getPropertyValue(p));
}
out.body = props.map(p => getComputedStyle(document.body).getPropertyValue(p));
const h1 = document.querySelector('[class^="perche-"] h1');
out.fragment_h1 = h1 ? getComputedStyle(h1).getPropertyValue('font-size') : null;
return out;
"""


def test_the_notebook_fragment_leaves_the_notebooks_own_styles_unchanged(report, tmp_path):
    _, data = report
    alone, console = probe(tmp_path, _HOST.replace("FRAGMENT", ""), _STYLES, "alone")
    assert console == [] and alone["fragment_h1"] is None
    fragment = perche.survey.Analysis(data)._repr_html_()
    inline, console = probe(tmp_path, _HOST.replace("FRAGMENT", fragment), _STYLES, "inline")
    assert console == []
    assert inline["fragment_h1"] == "22px"  # the fragment's own rules apply inside it
    changed = {k: (alone[k], inline[k]) for k in alone if k != "fragment_h1" and alone[k] != inline[k]}
    assert changed == {}
    # The check is not blind: the whole page's style sheet (which styles its own body) would change them.
    page_css = re.search(r"<style>(.*?)</style>", render_html(data), re.S)[1]
    leaky, _ = probe(tmp_path, _HOST.replace("FRAGMENT", f"<style>{page_css}</style>"), _STYLES, "leaky")
    assert leaky["body"] != alone["body"]


PDFINFO, PDFTOTEXT = shutil.which("pdfinfo"), shutil.which("pdftotext")


@pytest.mark.skipif(PDFINFO is None or PDFTOTEXT is None, reason="poppler-utils is not installed (scripts/deps installs it)")
def test_pdf_has_at_most_a_page_per_section_and_the_reports_headline(report, tmp_path):
    d, data = report
    out = tmp_path / "report.pdf"
    assert cli.main(["analyze", "--no-progress", "--bootstrap", "300", "--pdf", str(out)]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run([PDFINFO, str(out)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert abs(float(size[1]) - 595.3) < 2 and abs(float(size[2]) - 841.9) < 2  # A4
    sections = (d / "report.html").read_text("utf-8").count("<section")
    assert 1 < pages <= sections, (pages, sections)
    text = " ".join(subprocess.run([PDFTOTEXT, "-layout", str(out), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Perché? Analisi dei driver" in text
    assert f"NPS {format_score(data['overall']['score'], 'nps', 'it')}" in text
    assert "Le parole dei clienti" in text and "lamentela di un promotore" in text
    # No temporary file is left beside it.
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report.pdf")] == []


def test_a_segment_value_of_300_letters_without_a_space_wraps_inside_the_page(tmp_path):
    # Red-team: the segment table grew to 3,145 px in a 1,200 px window, the figures off screen.
    import pandas as pd

    df = pd.DataFrame({"nps": [10, 0, 7, 9] * 25, "motivo": ["ok"] * 100, "canale": ["home", "X" * 300] * 50})
    page = tmp_path / "r.html"
    perche.analyze(df, drivers=False, by=["canale"], progress=False).to_html(page)
    measure = ("window.onload=function(){var d=document.getElementById('f').contentDocument,m=0;"
               "d.querySelectorAll('table').forEach(function(t){m=Math.max(m,t.getBoundingClientRect().right)});"
               "document.getElementById('o').textContent=JSON.stringify({client:d.documentElement.clientWidth,"
               "right:Math.round(m)});};")
    wrapper = tmp_path / "w.html"
    wrapper.write_text(f'<html><body><pre id="o">x</pre><iframe id="f" style="width:1200px;height:3000px" '
                       f'src="{page.as_uri()}"></iframe><script>{measure}</script></body></html>', encoding="utf-8")
    dom, _ = chromium(tmp_path, wrapper.as_uri(), "--allow-file-access-from-files", "--virtual-time-budget=5000",
                      "--dump-dom")
    got = json.loads(html.unescape(re.search(r'<pre id="o">(.*?)</pre>', dom, re.S).group(1)))
    assert 0 < got["right"] <= got["client"], got


def test_a_long_driver_name_ends_in_an_ellipsis_inside_the_impact_chart(tmp_path):
    # Red-team: a 52-letter codebook label started 63 units left of the chart, cut off.
    name = "Qualità percepita del servizio di assistenza clienti"
    (tmp_path / "cb.txt").write_text(f"[attesa] Tempi di attesa\nattes*\n[prezzo] {name}\nprezz*\ncaro\n",
                                     encoding="utf-8")
    page = perche.analyze(None, codebook=str(tmp_path / "cb.txt"), progress=False, sentiment=False).to_html()
    chart = page[page.index('<svg id="driver-impact"'):page.index("</svg>", page.index('<svg id="driver-impact"'))]
    shown = [t for t in re.findall(r"<text[^>]*>([^<]*)", chart) if t.startswith("Qualità")]
    assert shown and shown[0].endswith("…") and len(shown[0]) < len(name)
    assert f"<title>{name}</title>" in chart  # whole in its tooltip


# --- red-team, stop 42: what long names and long words do to the layout ------------------------------------


_NUMBER_CELLS = r"""
// Every number of a table cell on one line: "0,002" was laid out as "0,0" over "02" beside long names.
const split = [];
for (const td of document.querySelectorAll('td')) {
  for (const node of td.childNodes) {
    if (node.nodeType !== 3) continue;
    const re = /[<+\-\u2212]?\s?\d[\d.,]*%?/g;
    let m;
    while ((m = re.exec(node.textContent))) {
      const r = document.createRange(); r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
      if (new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1) split.push(m[0]);
    }
  }
}
const wide = [...document.querySelectorAll('table, blockquote')].filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => [e.tagName, e.scrollWidth, e.clientWidth]);
return {split: split, wide: wide, page: document.documentElement.scrollWidth, window: window.innerWidth};
"""


def test_no_number_of_a_table_is_broken_across_lines_beside_long_names(report, tmp_path):
    _, data = report
    doc = _long_names(data)
    for s in doc["segments"]:
        for g in s["groups"]:
            g["segment"] += " — punto vendita del centro commerciale di Roma Est, ingresso principale"
    found, console = probe(tmp_path, render_html(doc), _NUMBER_CELLS)
    assert console == [] and found["split"] == [], found["split"][:10]
    assert found["wide"] == [] and found["page"] <= found["window"], found


def test_a_quoted_comment_with_a_long_url_wraps_inside_its_box(report, tmp_path):
    # Red-team: a 3,329-pixel quote in a 1,280-pixel window, the page scrolling sideways.
    _, data = report
    doc = json.loads(json.dumps(data))
    v = doc["verbatims"][0]
    v.update(text="attesa infinita, vedi https://assistenza.example.it/ticket/" + "abcdef0123" * 30, highlights=[])
    found, console = probe(tmp_path, render_html(doc), _NUMBER_CELLS)
    assert console == [] and found["wide"] == [] and found["page"] <= found["window"], found
