# SPDX-License-Identifier: Apache-2.0
"""The HTML report in a real browser: headless Chromium (Debian `chromium`, installed by
scripts/deps) renders it to a PNG with no console message, and the DOM it built after layout has
one impact bar and one matrix point per driver and shows the JSON's score."""

import json
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

import perche
from perche.report import format_score

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
