# SPDX-License-Identifier: Apache-2.0
"""Files perche reads (models, codebooks, CSV) go through one bounded reader (src/io/file.hpp):
a device, FIFO or directory is one IoError (an OSError) naming the path and what it is, a file
over its limit one IoError naming the limit; the limits are keyword arguments. Before, `--model
/dev/zero` read until memory ran out and a FIFO blocked forever."""

import os
import threading
import time

import pytest

import perche
from perche import _core, cli

LOADERS = {
    "model": perche.DriverClassifier.load,
    "codebook": perche.Codebook.load,
    "CSV": perche.read_csv,
}


@pytest.mark.parametrize("what", LOADERS)
@pytest.mark.parametrize("path, kind", [("/dev/zero", "character device"), ("/dev/null", "character device"),
                                        ("/tmp", "directory")])
def test_a_path_that_is_not_a_regular_file_is_one_io_error(what, path, kind):
    with pytest.raises(perche.IoError, match=f"^{what} {path} is not a regular file \\({kind}\\)$"):
        LOADERS[what](path)


@pytest.fixture
def fifo(tmp_path):
    """A FIFO, with a watchdog that releases a reader blocked in open() after 5 s (so that a
    blocking reader fails the test instead of hanging it)."""
    path = tmp_path / "pipe"
    os.mkfifo(path)
    done = threading.Event()

    def release():
        if done.wait(5):
            return
        while not done.is_set():
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
            time.sleep(0.01)

    watchdog = threading.Thread(target=release, daemon=True)
    watchdog.start()
    yield path
    done.set()
    watchdog.join()


@pytest.mark.parametrize("what", LOADERS)
def test_a_fifo_is_refused_at_once(what, fifo):
    start = time.monotonic()
    with pytest.raises(perche.IoError, match=f"^{what} .*pipe is not a regular file \\(FIFO\\)$"):
        LOADERS[what](fifo)
    assert time.monotonic() - start < 2


def test_the_limits_are_keyword_arguments_with_documented_defaults(tmp_path):
    assert perche.DriverClassifier.MAX_MODEL_BYTES == 1 << 30
    assert perche.Codebook.MAX_CODEBOOK_BYTES == 64 << 20
    assert _core.MAX_CSV_BYTES == 4 << 30
    cb = tmp_path / "c.txt"
    cb.write_text("[attesa]\nattes*\n", encoding="utf-8")  # 16 bytes
    assert perche.Codebook.load(cb, max_bytes=16).drivers == ["attesa"]
    with pytest.raises(perche.IoError, match=r"^codebook .*c.txt is larger than the 15 bytes limit \(16 bytes; "):
        perche.Codebook.load(cb, max_bytes=15)
    with pytest.raises(perche.IoError, match=r"^model .*c.txt is larger than the 8 bytes limit"):
        perche.DriverClassifier.load(cb, max_bytes=8)
    with pytest.raises(perche.IoError, match=r"^CSV .*c.txt is larger than the 3 bytes limit"):
        _core.read_csv_file(str(cb), max_bytes=3)


def test_a_model_still_loads_and_a_codebook_still_pickles(tmp_path):
    import pickle

    path = tmp_path / "m.model"
    clf = perche.DriverClassifier(["a"]).fit(["attesa lunga", "ottimo"] * 5, [[1], [0]] * 5)
    clf.save(path)
    assert perche.DriverClassifier.load(path).to_bytes() == clf.to_bytes()
    cb = perche.Codebook.default()
    assert pickle.loads(pickle.dumps(cb)).drivers == cb.drivers


@pytest.mark.parametrize("option", ["--model", "--codebook"])
def test_the_cli_says_it_in_one_line_and_exits_2(option, capsys):
    assert cli.main(["analyze", option, "/dev/zero"]) == 2
    err = capsys.readouterr().err.strip()
    what = "model" if option == "--model" else "codebook"
    assert err.splitlines() == [err] and f"{what} /dev/zero is not a regular file (character device)" in err


def test_a_column_name_two_columns_share_is_an_error_and_each_is_reachable_by_position():
    t = perche.read_csv(b"NPS,motivo,nps\n9,ok,3\n")
    assert t.problems[0][0] == 1 and "columns 1 'NPS' and 3 'nps'" in t.problems[0][1]
    with pytest.raises(ValueError, match="column 'nps' is ambiguous: columns 1 'NPS' and 3 'nps' both match it"):
        t.column("nps")
    assert (t.column(0), t.column(2), t.column("motivo")) == (["9"], ["3"], ["ok"])
    with pytest.raises(IndexError, match="column position 3 is outside the 3 columns"):
        t.column(3)
