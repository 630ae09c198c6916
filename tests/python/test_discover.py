# SPDX-License-Identifier: Apache-2.0
# perche.discover and `perche discover`: planted themes, determinism (runs, threads, shuffled input),
# seeds (dict and file), the codebook round trip through perche.Codebook and `perche analyze
# --codebook`, hostile input. Corpora are generated here (no data set).
import math
import random

import numpy as np
import pytest

import perche
from perche import _core, cli

STAFF = ["personale gentile", "la reception cortese", "staff disponibile", "il personale scortese",
         "receptionist simpatica", "personale della reception cordiale"]
FOOD = ["colazione abbondante", "la colazione varia", "buffet della colazione ricco", "colazione scarsa",
        "cornetti freschi a colazione", "buffet colazione abbondante"]
PLACE = ["posizione centrale", "vicino alla stazione", "zona tranquilla", "posizione comoda per il centro",
         "a due passi dal centro storico", "zona centrale comoda"]


def corpus(n=400, seed=5):
    rng = random.Random(seed)
    texts, scores = [], []
    for _ in range(n):
        a = rng.randrange(3)
        t = rng.choice((STAFF, FOOD, PLACE)[a])
        if rng.random() < 0.5:
            t += ". " + rng.choice((STAFF, FOOD, PLACE)[rng.randrange(3)])
        texts.append(t)
        scores.append(3 if a == 0 else 9)
    return texts, scores


def col(th, word):
    """The theme whose name or first word is `word` (names may be phrases: "posizione centrale")."""
    return next(i for i, t in enumerate(th.themes) if t.name.startswith(word) or t.words[0] == word)


def test_planted_themes_are_found_and_named_in_customers_words():
    texts, _ = corpus()
    th = perche.discover(texts)
    assert all(any(h in t.words[:3] for t in th.themes) for h in ("colazione", "personale", "posizione"))
    assert all(any(t.name in x for x in texts) for t in th.themes)  # words or phrases customers wrote
    assert len(th.names) <= 12
    assert th.unassigned_share < 0.01
    Y = th.assign(["il personale gentile cordiale, la colazione abbondante", ""])
    assert Y.shape == (2, len(th.names)) and Y.dtype == np.uint8
    assert Y[0, col(th, "personale")] == 1 and Y[0, col(th, "colazione")] == 1
    assert Y[1].sum() == 0
    assert list(th.primary(["colazione varia", "boh"])) == [col(th, "colazione"), -1]
    for t in th.themes:
        assert 1 <= len(t.examples) <= 3 and all(e in texts for e in t.examples)
        assert t.score is None and t.impact is None


def test_python_defaults_are_the_cpp_options():
    texts, scores = corpus()
    a = perche.discover(texts, scores)
    b = _core.discover(texts, scores, [], _core.DiscoverOptions())
    assert a.codebook() == b.codebook()


def test_seeded_confidence_and_lift_are_the_cpp_options_and_are_checked():
    # "camera" alone is most likely the seeded theme's but neither sure to be (breakfast clauses say
    # it too) nor a word of the seed's clauses (it comes with pulita in 60 of its 90 clauses, 1.8
    # times the share of all clauses: under 3): no seeded theme with the defaults, the seeded theme
    # when any confidence and any word will do.
    texts = ["camera pulita"] * 60 + ["colazione abbondante in camera"] * 30 + ["colazione varia"] * 30 + \
        ["personale gentile"] * 40
    seeds = [_core.ThemeSeed("pulizia", ["pulita"])]
    sure = _core.discover(texts, np.array([]), seeds, _core.DiscoverOptions())
    loose = _core.DiscoverOptions()
    loose.seeded_confidence, loose.min_confidence, loose.seeded_lift = 0.0, 0.0, 0.0
    anyway = _core.discover(texts, np.array([]), seeds, loose)
    only_lift = _core.DiscoverOptions()
    only_lift.seeded_confidence, only_lift.min_confidence = 0.0, 0.0
    gated = _core.discover(texts, np.array([]), seeds, only_lift)
    assert _core.DiscoverOptions().seeded_confidence == 0.8
    assert _core.DiscoverOptions().seeded_lift == 3.0
    assert np.asarray(sure.assign(["camera"]))[0, 0] == 0
    assert np.asarray(anyway.assign(["camera"]))[0, 0] == 1
    assert np.asarray(gated.assign(["camera"]))[0, 0] == 0  # the learned-word test alone keeps it out
    assert perche.discover(texts, seeds={"pulizia": ["pulita"]}).codebook() == sure.codebook()
    for name, value, message in (("seeded_confidence", 1.0, "seeded_confidence 1"),
                                 ("seeded_lift", -1.0, "seeded_lift -1"),
                                 ("seeded_lift", float("nan"), "seeded_lift nan")):
        bad = _core.DiscoverOptions()
        setattr(bad, name, value)
        with pytest.raises(ValueError, match=message):
            _core.discover(texts, np.array([]), seeds, bad)


def test_identical_for_runs_threads_and_shuffled_input():
    texts, scores = corpus(600, 9)
    a = perche.discover(texts, scores, threads=1)
    b = perche.discover(texts, scores, threads=2)
    order = list(range(len(texts)))
    random.Random(1).shuffle(order)
    c = perche.discover([texts[i] for i in order], [scores[i] for i in order])
    assert a.codebook() == b.codebook() == c.codebook()
    assert [t.impact for t in a.themes] == [t.impact for t in c.themes]
    assert (a.assign(texts, threads=1) == c.assign(texts, threads=2)).all()


def test_scores_give_score_impact_and_low_high_words():
    texts, scores = corpus()
    th = perche.discover(texts, scores)
    staff = th.themes[col(th, "personale")]
    # Reference: NPS recomputed here from the assignment (promoters 9-10, detractors 0-6).
    Y = th.assign(texts)[:, col(th, "personale")].astype(bool)
    s = np.array(scores, float)
    nps = lambda x: 100 * ((x >= 9).mean() - (x <= 6).mean())
    assert staff.score == pytest.approx(nps(s[Y]))
    assert staff.impact == pytest.approx(nps(s) - nps(s[~Y]))
    assert staff.impact < 0
    # Low/high words: what the low scorers among a theme's mentioners wrote more than the high ones.
    th = perche.discover(["personale scortese", "personale gentilissimo"] * 60, [1, 10] * 60)
    assert len(th.themes) == 1
    assert list(th.themes[0].low_words) == ["scortese"] and list(th.themes[0].high_words) == ["gentilissimo"]


def test_seeded_theme_keeps_its_name_and_grows_beyond_its_seed(tmp_path):
    texts, _ = corpus()
    th = perche.discover(texts, seeds={"accoglienza": ["personale"]})
    assert th.names[0] == "accoglienza" and th.themes[0].seeded
    assert "reception" in th.themes[0].words
    assert th.assign(["molto cordiale"])[0, 0] == 1
    f = tmp_path / "seeds.txt"
    f.write_text("# my themes\naccoglienza: personale\ncibo: colazione, buffet\n", encoding="utf-8")
    th2 = perche.discover(texts, seeds=str(f))
    assert list(th2.names[:2]) == ["accoglienza", "cibo"]
    f.write_text("accoglienza personale\n", encoding="utf-8")
    with pytest.raises(perche.FormatError, match="seeds line 1"):
        perche.discover(texts, seeds=str(f))


def test_codebook_round_trip(tmp_path):
    texts, scores = corpus()
    th = perche.discover(texts, scores)
    path = tmp_path / "themes.txt"
    th.to_codebook(str(path))
    cb = perche.Codebook.load(str(path))
    assert list(cb.labels) == list(th.names)
    P = cb.predict([t.words[0] for t in th.themes])
    assert (np.diag(P) == 1).all()


def _same_themes(a, b):
    fields = ("name", "seeded", "share", "count", "words", "phrases", "score", "impact", "low_words", "high_words",
              "examples")
    return [[getattr(t, f) for f in fields] for t in a.themes] == [[getattr(t, f) for f in fields] for t in b.themes]


def test_themes_pickle_save_and_load_keep_the_whole_result(tmp_path):
    # Themes could not be pickled ("cannot pickle 'perche._core.Themes' object"): no joblib cache,
    # no process pool, no way to keep a discovery but the lossy codebook.
    import copy
    import pickle

    texts, scores = corpus()
    th = perche.discover(texts, scores, seeds={"accoglienza": ["personale", "gentili"]})
    probe = corpus(100, seed=8)[0] + ["personali gentili"]
    for back in (pickle.loads(pickle.dumps(th)), copy.deepcopy(th), perche.Themes.from_bytes(th.to_bytes())):
        assert type(back) is perche.Themes
        assert back.names == th.names and _same_themes(back, th)
        assert back.unassigned_share == th.unassigned_share and back.n_texts == th.n_texts
        assert (back.assign(probe) == th.assign(probe)).all()
        assert (back.primary(probe) == th.primary(probe)).all()
        assert back.codebook() == th.codebook()
    th.save(tmp_path / "t.themes")  # str, bytes or os.PathLike
    assert perche.Themes.load(tmp_path / "t.themes").to_bytes() == th.to_bytes()
    th.to_codebook(tmp_path / "t.txt")
    assert perche.Codebook.load(str(tmp_path / "t.txt")).labels == th.names


def test_a_damaged_themes_file_is_one_format_error_naming_the_byte(tmp_path):
    texts, _ = corpus()
    data = bytearray(perche.discover(texts).to_bytes())
    data[len(data) // 2] ^= 0x10
    with pytest.raises(perche.FormatError, match="Themes model: checksum mismatch"):
        perche.Themes.from_bytes(bytes(data))
    with pytest.raises(perche.FormatError, match=r"not a perche model \(no \"PERCHETH\" magic at byte 0\)"):
        perche.Themes.from_bytes(perche.SentimentClassifier.default().to_bytes())
    with pytest.raises(perche.IoError, match="no_such.themes"):
        perche.Themes.load(tmp_path / "no_such.themes")
    with pytest.raises(ValueError, match=r"Themes: a pickled state has 2 items \(expected 1\)"):
        perche.Themes.__new__(perche.Themes).__setstate__((b"", b""))


def test_hostile_input_gets_a_clear_result_or_one_clear_error():
    with pytest.raises(ValueError, match="discover: no texts"):
        perche.discover([])
    with pytest.raises(ValueError, match="no words to learn from"):
        perche.discover(["", " ", "..."])
    one = perche.discover(["Il personale della reception è stato gentilissimo"])
    assert len(one.names) == 1 and one.unassigned_share == 0
    same = perche.discover(["camera molto pulita"] * 100)
    assert len(same.names) == 1 and same.themes[0].share == 1
    big = "la colazione era fredda e il personale lento, " * 25000
    mixed = perche.discover(["posizione centrale vicino alla stazione"] * 30 + [big])
    assert all(len(e) < 1000 for t in mixed.themes for e in t.examples)
    with pytest.raises(ValueError, match="2 scores for 3 texts"):
        perche.discover(["a b", "c d", "e f"], scores=[1, 2])
    with pytest.raises(ValueError, match="n_themes"):
        perche.discover(["a b"], n_themes=0)
    # Red-team: a count past the core's integers was a pybind11 TypeError; 10^5 themes ran minutes.
    for n in (1001, 10 ** 20):
        with pytest.raises(ValueError, match=f"n_themes {n} is more than 1000 themes"):
            perche.discover(["a b"], n_themes=n)
    for t in (-1, 2 ** 40, 1.5):
        with pytest.raises(ValueError, match="threads"):
            perche.discover(["a b"], threads=t)
    with pytest.raises(TypeError, match="seeds"):
        perche.discover(["a b"], seeds=3)
    nan = perche.discover(["personale gentile", "colazione buona"] * 20, scores=[math.nan, None] * 20)
    assert all(t.score is None for t in nan.themes)


def _write(path, rows):
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")


def test_cli_discover_writes_a_codebook_that_analyze_reads(tmp_path, capsys):
    texts, scores = corpus()
    data = tmp_path / "reviews.csv"
    _write(data, [["commento", "voto"]] + [[t, str(s)] for t, s in zip(texts, scores)])
    out = tmp_path / "codebook.txt"
    assert cli.main(["discover", str(data), "--text", "commento", "--score", "voto", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "personale" in printed and "impact" in printed
    cb = perche.Codebook.load(str(out))
    assert list(cb.labels) == list(perche.discover(texts, scores).names)
    assert cli.main(["analyze", str(data), "--text", "commento", "--score", "voto", "--codebook", str(out)]) == 0
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("accoglienza: personale reception\n", encoding="utf-8")
    assert cli.main(["discover", str(data), "--text", "commento", "--themes", "3", "--seeds", str(seeds),
                     "--out", str(out)]) == 0
    assert perche.Codebook.load(str(out)).labels[0] == "accoglienza"


def test_cli_discover_errors_are_one_line(tmp_path, capsys):
    data = tmp_path / "reviews.csv"
    _write(data, [["commento", "voto"], ["personale gentile", "x"], ["colazione", "9"]])
    # A score the survey's rule cannot read is left out, as analyze leaves its row out: one line.
    assert cli.main(["discover", str(data), "--text", "commento", "--score", "voto",
                     "--out", str(tmp_path / "c.txt")]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "line 2 ('x')" in err[0] and "not an integer score" in err[0]
    assert cli.main(["discover", str(data), "--text", "commento", "--themes", "many",
                     "--out", str(tmp_path / "c.txt")]) == 2
    assert "--themes" in capsys.readouterr().err


def test_cli_discover_keeps_personal_data_out_of_the_codebook_unless_told(tmp_path, capsys):
    # Found by a red-team pass: the codebook quoted "tel 347 123 4088" and named a theme after a
    # codice fiscale that every comment carried.
    texts, _ = corpus(300)
    texts = [t + ", mi chiamo Mario Rossi, tel 347 123 4088, CF RSSMRA80A01H501U" for t in texts]
    data = tmp_path / "reviews.csv"
    _write(data, [["id", "commento"]] + [[str(i), t] for i, t in enumerate(texts)])
    out = tmp_path / "codebook.txt"
    assert cli.main(["discover", str(data), "--out", str(out)]) == 0
    written = out.read_text(encoding="utf-8") + capsys.readouterr().out
    for leak in ("4088", "rssmra", "RSSMRA", "Rossi", "rossi"):
        assert leak not in written
    assert "[TEL]" in written
    assert cli.main(["discover", str(data), "--no-mask", "--out", str(out)]) == 0
    assert "347 123 4088" in out.read_text(encoding="utf-8")
    assert perche.discover(texts, mask=False).codebook() == out.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="mask"):
        perche.discover(texts, mask="no")


def test_cli_discover_reads_scores_with_the_survey_rule_and_skips_blank_comments(tmp_path, capsys):
    # Red-team 11/04: float(cell) was discover's own rule. One typo 100 among NPS answers switched
    # every theme's score and impact to mean points without a word; one "n/d" aborted the command,
    # where analyze leaves the row out. Blank comments were counted as comments.
    texts, scores = corpus()
    rows = [[t, str(s)] for t, s in zip(texts, scores)]
    clean, typo = tmp_path / "clean.csv", tmp_path / "typo.csv"
    _write(clean, [["commento", "voto"]] + rows)
    rows[3][1], rows[7][1] = "100", "n/d"
    _write(typo, [["commento", "voto"]] + rows + [["   ", "9"], ["", "0"]])
    assert cli.main(["discover", str(clean), "--text", "commento", "--score", "voto", "--out",
                     str(tmp_path / "a.txt")]) == 0
    want = [line for line in capsys.readouterr().out.splitlines() if "impact" in line]
    assert cli.main(["discover", str(typo), "--text", "commento", "--score", "voto", "--out",
                     str(tmp_path / "b.txt")]) == 0
    out, err = capsys.readouterr()
    got = [line for line in out.splitlines() if "impact" in line]
    # Two scored rows fewer: the figures move a little, but stay NPS points (tens, not tenths).
    assert [line.split()[0] for line in got] == [line.split()[0] for line in want]
    for a, b in zip(want, got):
        assert abs(float(a.rsplit(" ", 1)[1]) - float(b.rsplit(" ", 1)[1])) < 5
    assert err.splitlines()[:2] == [
        "perche: --score voto: 1 cell(s) are not an integer score and are left out: line 9 ('n/d')",
        "perche: --score voto: 1 score(s) outside the NPS scale [0, 10] are left out: line 5 ('100')"]
    assert f"of {len(texts)} comments with no theme (2 empty skipped)" in out
