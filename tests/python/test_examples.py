# SPDX-License-Identifier: Apache-2.0
# The Python examples run top to bottom as smoke tests (the C++ ones run under ctest).
import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("name", ["metrics_report.py"])
def test_the_example_runs_on_the_sample_survey(name, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", [name, str(EXAMPLES / "data" / "survey.csv")])
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    out = capsys.readouterr().out
    assert out.startswith("NPS ")
    assert "declining=True" in out  # the sample's built-in decline is found
