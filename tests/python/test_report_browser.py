# SPDX-License-Identifier: Apache-2.0
"""The HTML report in a real browser: headless Chromium (Debian `chromium`, installed by
scripts/deps) renders it to a PNG with no console message, and the DOM it built after layout has
one impact bar and one matrix point per driver and shows the JSON's score. Reports built from
hostile CSVs, models, codebooks, labels and result dicts (test_report_security.py) load with no
element or attribute of the data in the DOM, their own title, and no script run; and the page's
Content-Security-Policy alone stops a script that got in."""

import json
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

import perche
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
    assert dom.score_text == format_score(data["overall"]["score"], data["metric"])
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
    return page.replace("<main>", "<main>" + payload, 1)


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
