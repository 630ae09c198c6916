# SPDX-License-Identifier: Apache-2.0
# Hostile or careless calls of the Python API and the CLI found by two red-team passes at stop 38:
# each got a silently wrong result, an opaque pybind11 message or a hang before; each now gets the
# right result or one clear error. The figures are checked against independent computations.
import copy
import csv
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import perche
from perche import cli
from perche.report import render_html

ROOT = Path(__file__).resolve().parents[2]
SURVEY = ROOT / "examples" / "data" / "survey.csv"
MODEL = ROOT / "examples" / "data" / "drivers.model"


# --- many texts where one was given -----------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda s: perche.mask_batch(s),
    lambda s: perche.find_pii_batch(s),
    lambda s: perche.Tokenizer().normalize_batch(s),
    lambda s: perche.Tokenizer().tokenize_batch(s),
    lambda s: perche.discover(["personale gentile"] * 30).assign(s),
])
def test_one_str_where_texts_are_expected_is_a_type_error_not_one_text_per_letter(call):
    # mask_batch("... 347 123 4567") returned the text's characters with nothing masked.
    with pytest.raises(TypeError, match="expected an iterable of texts, got one str"):
        call("chiamatemi al 347 123 4567")


def test_driver_names_are_a_list_of_str_a_numpy_array_too():
    texts = [f"attesa lunga {i}" if i % 2 else f"operatore gentile {i}" for i in range(20)]
    Y = np.array([[i % 2, 1 - i % 2] for i in range(20)], dtype=np.uint8)
    clf = perche.DriverClassifier(np.array(["attesa", "cortesia"]), cv_folds=0).fit(texts, Y)
    assert list(clf.drivers) == ["attesa", "cortesia"]
    with pytest.raises(TypeError, match="drivers must be a list of names, got one str 'cost'"):
        perche.DriverClassifier("cost", cv_folds=0).fit(texts, Y)
    with pytest.raises(TypeError, match=r"driver 0 is int \(1\), expected a name"):
        perche.DriverClassifier([1, 2], cv_folds=0).fit(texts, Y)


# --- integer and flag options ---------------------------------------------------------------------


@pytest.mark.parametrize("call, message", [
    (lambda: perche.csat([1, 2, 4, 5], scale=(1.5, 5)), r"scale 1.5 is not an integer"),
    (lambda: perche.csat([1, 2, 4, 5], scale=(1, 5, 7)), r"scale \(1, 5, 7\) is not a pair of integers"),
    (lambda: perche.csat([1, 2, 4, 5], scale="15"), r"scale '15' is not a pair of integers"),
    (lambda: perche.ces([1, 2, 4, 5], reversed="no"), r"reversed 'no' is not True or False"),
    (lambda: perche.nps([1, 9], seed=-1), r"seed -1 is not an integer in \[0, 18446744073709551615\]"),
    (lambda: perche.nps([1, 9], breaks=(2**40, 5)), r"breaks 1099511627776 is not an integer"),
    (lambda: perche.nps([1, 9], confidence="x"), r"confidence 'x' is not a number"),
    (lambda: perche.nps_margin_of_error("100"), r"n '100' is not a number"),
    (lambda: perche.analyze(metric="csat", scale=(1.5, 5), drivers=False), r"scale 1.5 is not an integer"),
    (lambda: perche.Tokenizer().normalize_batch(["a"], threads=-1), r"threads -1 is not an integer in \[0, 4294967295\]"),
    (lambda: perche.mask_batch(["a"], threads=-1), r"threads -1 is not an integer"),
    (lambda: perche.SentimentClassifier.default().set_threads(-1), r"threads -1 is not an integer"),
    (lambda: perche.SentimentClassifier.default().explain("bello", max_terms=-1), r"max_terms -1 is not an integer"),
    (lambda: perche.DriverClassifier(threads=-1).fit(["a b", "c d"] * 5, [[1], [0]] * 5),
     r"threads -1 is not an integer in \[0, 4294967295\]"),
    (lambda: perche.DriverClassifier(seed=-1).fit(["a b", "c d"] * 5, [[1], [0]] * 5), r"seed -1 is not an integer"),
    (lambda: perche.LogisticRegression(max_iter=2**40).fit(np.eye(4), [0, 1, 0, 1]), r"max_iter 1099511627776"),
    (lambda: perche.LogisticRegression(solver=5).fit(np.eye(4), [0, 1, 0, 1]), r"solver 5 is not"),
    (lambda: perche.mask("chiamatemi al 347 123 4567", kinds=[]), r"pii kinds is empty"),
])
def test_a_bad_option_is_one_value_error_naming_it(call, message):
    # Each was pybind11's "incompatible function arguments", or silently read: (1.5, 5) as (1, 5),
    # "15" as (1, 5), reversed="no" as True, kinds=[] as every kind.
    with pytest.raises(ValueError, match=message):
        call()


def test_compare_of_two_metrics_names_them():
    with pytest.raises(TypeError, match="compare: expected two NpsResult or two RatingResult, got NpsResult and "
                                        "RatingResult"):
        perche.compare(perche.nps([1, 9, 10]), perche.csat([1, 2, 5]))


# --- values read as what they are not -----------------------------------------------------------


def test_missing_labels_of_a_pandas_string_array_are_missing_not_a_segment():
    for labels in (pd.array(["a", pd.NA, "a", "b"], dtype="string"), np.array(["a", pd.NA, "a", "b"], dtype=object)):
        with pytest.raises(ValueError, match="missing label at index 1"):
            perche.by_segment([10, 9, 0, 5], labels)
    with pytest.raises(ValueError, match="missing label at index 1"):
        perche.trend([10, 9, 0, 5], pd.array(["2024-01", pd.NA, "2024-02", "2024-03"], dtype="string"))


def test_booleans_are_not_scores_and_float16_scores_are_numbers():
    with pytest.raises(ValueError, match="must be numbers, got dtype bool"):
        perche.nps(pd.Series([True, False]))
    assert perche.nps(np.array([10, 9, 3], dtype=np.float16)).score == pytest.approx(100 * (2 - 1) / 3)


def test_timestamps_are_not_durations():
    with pytest.raises(ValueError, match="durations are dates or times of day"):
        perche.response_times(pd.Series(pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:05"])), sla=60)
    assert perche.response_times(pd.Series(pd.to_timedelta([60, 120], unit="s"))).mean == 90


def test_ols_trend_of_huge_values_is_the_trend_of_the_same_values_scaled():
    y = [40, 38, 39, 33, 30, 31]
    small = perche.trend_test(y, test="ols")
    big = perche.trend_test([v * 1e200 for v in y], test="ols")
    assert big.p_value == pytest.approx(small.p_value, rel=1e-12)
    assert big.slope == pytest.approx(small.slope * 1e200, rel=1e-12)
    assert perche.trend_test([1e200, 2e200, 3e200, 4e200, 5e200], test="ols").increasing


def test_score_refuses_weights_and_labels_of_another_length_or_not_finite():
    sent = perche.SentimentClassifier.default()
    texts = ["servizio ottimo", "pessimo, mai più", "operatore gentilissimo", "attesa infinita, vergogna"]
    with pytest.raises(ValueError, match=r"y has shape \(1,\), predictions have shape \(4,\)"):
        sent.score(texts, ["positive"])  # was broadcast: a silent 0.5
    with pytest.raises(ValueError, match="sample_weight nan at index 0 is not a finite number"):
        sent.score(texts, list(sent.predict(texts)), sample_weight=[np.nan, 1, 1, 1])
    lr = perche.LogisticRegression().fit(np.eye(4), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="sample_weight -1.0 at index 1"):
        lr.score(np.eye(4), [0, 1, 0, 1], sample_weight=[1, -1, 1, 1])
    assert lr.score(np.eye(4), [0, 1, 0, 1], sample_weight=[1, 1, 0, 2]) == 1.0


def test_a_polarity_threshold_of_nan_is_refused():
    clf = perche.DriverClassifier.load(MODEL)
    with pytest.raises(ValueError, match="threshold is NaN"):
        clf.predict_proba_with_polarity(["attesa lunga"], threshold=float("nan"))


def test_a_sentiment_lexicon_clones_copies_and_pickles_with_its_classifier():
    from sklearn.base import clone

    lex = perche.SentimentLexicon([("bello", 2.0), ("brutto", -2.0)])
    texts = ["servizio bello", "servizio brutto", "molto bello", "proprio brutto"] * 5
    labels = ["positive", "negative"] * 10
    fitted = perche.SentimentClassifier(lexicon=lex).fit(texts, labels)
    for back in (clone(perche.SentimentClassifier(lexicon=lex)).fit(texts, labels), copy.deepcopy(fitted),
                 pickle.loads(pickle.dumps(fitted))):
        assert list(back.predict(texts)) == list(fitted.predict(texts))
    assert pickle.loads(pickle.dumps(lex)).entries == lex.entries


# --- analyze: DataFrame cells ---------------------------------------------------------------------


def test_complex_scores_are_problems_not_their_real_part():
    # 3+4j was read as 3, with numpy's ComplexWarning only: now the column is text, no row a score.
    df = pd.DataFrame({"nps": np.array([10, 9, 3 + 4j, 7] * 10, dtype=complex), "motivo": ["ok"] * 40})
    try:
        doc = perche.analyze(df, drivers=False, sentiment=False, date=False, by=[], progress=False).data
    except perche.AnalysisError as e:
        assert "nps" in str(e)
        return
    assert doc["source"]["rows_used"] == 0 and doc["source"]["problems"]


def test_a_labels_column_of_lists_names_drivers_and_a_bool_column_is_0_1():
    n = 60
    lists = pd.DataFrame({"nps": [i % 11 for i in range(n)], "motivo": ["attesa lunga al telefono"] * n,
                          "driver": [["prezzo"], [], ["attesa", "prezzo"]] * (n // 3)})
    doc = perche.analyze(lists, labels="driver", date=False, progress=False, sentiment=False).data
    assert sorted(doc["model"]["labels"]) == ["attesa", "prezzo"]
    mentions = {d["driver"]: d["mentions"] for d in doc["drivers"]}
    assert mentions == {"attesa": n // 3, "prezzo": 2 * n // 3}
    flags = pd.DataFrame({"nps": [i % 11 for i in range(n)], "motivo": ["attesa lunga"] * n,
                          "prezzo": [True, False, False] * (n // 3)})
    doc = perche.analyze(flags, labels=["prezzo"], progress=False, date=False, sentiment=False).data
    assert [(d["driver"], d["mentions"]) for d in doc["drivers"]] == [("prezzo", n // 3)]


def test_discover_takes_pandas_missing_scores_and_numpy_counts():
    texts = ["personale gentile", "colazione abbondante"] * 30
    scores = pd.array([10, pd.NA] * 30, dtype="Int64")
    th = perche.discover(texts, scores=scores, n_themes=np.int64(2))
    assert len(th.names) == 2
    staff = next(t for t in th.themes if "personale" in t.words)
    assert staff.score == 100.0  # the NA scores are no scores


# --- reports --------------------------------------------------------------------------------------


def test_the_priority_matrix_shows_the_40_largest_impacts_and_says_how_many_more():
    doc = perche.analyze(bootstrap_samples=50).data
    base = doc["drivers"][0]
    doc["drivers"] = [dict(base, driver=f"d{k}", label=f"Driver {k}", impact=(k % 50) - 25.0 + k / 1000)
                      for k in range(300)]
    doc["model"]["labels"] = {d["driver"]: d["label"] for d in doc["drivers"]}
    page = render_html(doc)
    matrix = page[page.index('<svg id="priority-matrix"'):page.index("</svg>", page.index('<svg id="priority-matrix"'))]
    assert matrix.count('class="point') == 40
    assert "Altri 260 driver, di impatto minore" in page


def test_bidi_controls_of_the_data_do_not_reach_the_html():
    doc = perche.analyze(bootstrap_samples=50).data
    doc["segments"][0]["groups"][0]["segment"] = "\u202eweb"
    doc["source"]["file"] = "sondaggio\u2066.csv"
    page = render_html(doc)
    assert not any(c in page for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# --- CLI ------------------------------------------------------------------------------------------


def test_evaluate_scores_only_the_drivers_of_the_0_1_columns_given(tmp_path, capsys):
    with open(SURVEY, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))[:300]
    with open(tmp_path / "ev.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["motivo", "prezzo", "cortesia"])
        for r in rows:
            names = r["driver"].split("|")
            w.writerow([r["motivo"], int("prezzo" in names), int("cortesia" in names)])
    assert cli.main(["evaluate", str(tmp_path / "ev.csv"), "--model", str(MODEL), "--labels", "prezzo",
                     "cortesia"]) == 0
    out, err = capsys.readouterr()
    assert "2 drivers" in out and "8 of the model's drivers have no labels column and are not scored" in err
    per = {line.split()[0]: float(line.split()[-1]) for line in out.splitlines() if line.split()[:1] in (["prezzo"],
                                                                                                     ["cortesia"])}
    micro = float(next(line for line in out.splitlines() if "micro F1" in line).split()[2])
    assert min(per.values()) <= micro <= max(per.values()) + 1e-9  # a mean of the two, not of ten


@pytest.mark.parametrize("command", ["mask", "sample"])
def test_mask_and_sample_write_a_semicolon_input_back_with_the_excel_bom(tmp_path, command):
    src = tmp_path / "in.csv"
    src.write_bytes("nps;motivo\r\n9;\"perché è così caro, 333 1234567\"\r\n4;\"attesa lunga\"\r\n".encode())
    assert cli.main([command, str(src), "--out", str(tmp_path / "out.csv")]) == 0
    assert (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    # Excel's "Unicode text" export (UTF-16, tabs) is written back as UTF-8 with tabs: with a BOM
    # too, else Excel shows "perchÃ©" (red-team 18, stop 41).
    src.write_bytes("nps\tmotivo\r\n9\tperché è così caro\r\n4\tattesa lunga\r\n".encode("utf-16"))
    assert cli.main([command, str(src), "--out", str(tmp_path / "out.txt")]) == 0
    out = (tmp_path / "out.txt").read_bytes()
    assert out.startswith(b"\xef\xbb\xbf") and "perché è così caro".encode() in out


def test_a_codebook_and_a_seeds_file_with_a_bom_read_as_without(tmp_path):
    (tmp_path / "cb.txt").write_bytes(b"\xef\xbb\xbf[prezzo] Prezzo\ncaro\n")
    assert list(perche.Codebook.load(tmp_path / "cb.txt").labels) == ["Prezzo"]
    (tmp_path / "seeds.txt").write_bytes(b"\xef\xbb\xbfstaff: personale\n")
    th = perche.discover(["personale gentile", "colazione buona"] * 20, seeds=tmp_path / "seeds.txt")
    assert th.names[0] == "staff"
    (tmp_path / "latin1.txt").write_bytes("qualit\xe0: colazione\n".encode("latin-1"))
    with pytest.raises(perche.FormatError, match=r"latin1.txt: line 1: byte 6 is not UTF-8 \(a seeds file is UTF-8"):
        perche.discover(["colazione buona"] * 20, seeds=tmp_path / "latin1.txt")


def test_a_segment_column_named_twice_is_analysed_once():
    doc = perche.analyze(by=["canale", "CANALE"], bootstrap_samples=50).data
    assert [s["column"] for s in doc["segments"]] == ["canale"]


def test_discover_writes_its_codebook_where_every_command_writes(tmp_path, capsys):
    # --out /dev/null ran the whole discovery, then failed: "not a regular file".
    src = tmp_path / "c.csv"
    src.write_text("motivo\n" + "".join(f"{t}\n" for t in ["personale gentile", "colazione buona"] * 20),
                   encoding="utf-8")
    assert cli.main(["discover", str(src), "--out", "/dev/null"]) == 0
    assert cli.main(["discover", str(src), "--out", str(tmp_path / "cb.txt")]) == 0
    assert "[" in (tmp_path / "cb.txt").read_text(encoding="utf-8")


def test_train_says_how_many_drivers_have_few_examples_and_lists_20(tmp_path, capsys):
    rows = ["motivo,driver"] + [f"commento numero {i} sul tema {i % 60},d{i % 60}" for i in range(240)]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert cli.main(["train", str(tmp_path / "t.csv"), "--text", "motivo", "--labels", "driver", "--out",
                     str(tmp_path / "m.model")]) == 0
    err = capsys.readouterr().err
    assert "60 drivers have fewer than 20 examples" in err
    assert err.count("example(s), fewer than") == 20


class _ClosedPipe:
    """A stdout whose reader has gone (`perche analyze ... | head -1`)."""

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self):
        raise ValueError("no descriptor")


def test_the_files_are_written_when_stdout_is_a_closed_pipe(tmp_path, monkeypatch):
    # `perche analyze F --json J --html H | true` wrote neither file and exited 0: the summary
    # went to stdout first, and the closed pipe ended the command.
    monkeypatch.setattr("sys.stdout", _ClosedPipe())
    assert cli.main(["analyze", "--no-progress", "--no-drivers", "--json", str(tmp_path / "r.json"), "--html",
                     str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.json").stat().st_size > 0 and (tmp_path / "r.html").stat().st_size > 0


def test_a_trend_over_many_periods_is_computed_in_linear_memory():
    # 20,000 monthly periods took 1.6 GB (every pairwise slope kept), 80,000 ran out of memory.
    y = np.arange(30000, dtype=float) * 0.5 + np.sin(np.arange(30000))
    t = perche.trend_test(y)
    assert t.increasing and t.slope == pytest.approx(0.5, rel=1e-3)


def test_bytes_cells_are_utf8_text_not_their_repr():
    df = pd.DataFrame({"nps": [9, 3, 10, 0], "motivo": [b"attesa lunghissima al telefono", "prezzo alto",
                                                        "operatore gentile".encode(), b"\xff\xfe"]})
    doc = perche.analyze(df, by=[], date=False, progress=False, sentiment=False, mask=False).data
    quoted = [v["text"] for v in doc["verbatims"]]
    assert not any(t.startswith("b'") for t in quoted)
    assert "attesa lunghissima al telefono" in quoted


def test_a_scale_from_minus_3_to_3_reads_negative_scores(tmp_path, capsys):
    src = tmp_path / "s.csv"
    src.write_text("csat\n-3\n3\n0\n-1\n2\n", encoding="utf-8")
    assert cli.main(["report", str(src), "--metric", "csat", "--scale", "-3", "3", "--no-progress", "--json",
                     str(tmp_path / "r.json")]) == 0
    import json

    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["overall"]["n"] == 5 and not doc["source"]["problems"]
    assert cli.main(["report", str(src), "--metric", "csat", "--scale", "5", "1", "--no-progress"]) == 2
    assert "scale [5, 1] is invalid" in capsys.readouterr().err


def test_a_two_level_csat_is_analysed_with_its_top_half():
    # A 0/1 CSAT was refused: "rating: top 2 is outside [1, 1] for a 2-level scale", with no option to set top.
    df = pd.DataFrame({"csat": [1, 0, 1, 1], "motivo": ["bello", "brutto", "ok", "bene"]})
    doc = perche.analyze(df, metric="csat", scale=(0, 1), drivers=False, progress=False).data
    assert doc["overall"]["n"] == 4 and doc["overall"]["score"] == pytest.approx(75.0)


def test_one_period_is_no_driver_share_trend_in_the_html():
    df = pd.DataFrame({"nps": [9, 3, 10, 0] * 10, "motivo": ["attesa lunga", "prezzo alto"] * 20,
                       "data": ["2024-01-05"] * 40})
    result = perche.analyze(df, by=[], progress=False, sentiment=False, bootstrap_samples=50)
    page = result.to_html()
    assert "Quota dei driver nel tempo" not in page  # its header named 2024-01 twice


# --- the machine-learning surface (red-team pass, stop 39) ------------------------------------------

_TWO = (["attesa lunga", "operatore gentile"] * 6, [[1, 0], [0, 1]] * 6)


@pytest.mark.parametrize("call, message", [
    (lambda: perche.TfidfVectorizer(sublinear_tf="no").fit(["a b"]), r"sublinear_tf 'no' is not True or False"),
    (lambda: perche.TfidfVectorizer(use_idf="false").fit(["a b"]), r"use_idf 'false' is not True or False"),
    (lambda: perche.TfidfVectorizer(ngram_range=(1.7, 2.9)).fit(["a b"]), r"ngram_range 1.7 is not an integer"),
    (lambda: perche.TfidfVectorizer(ngram_range="12").fit(["a b"]), r"ngram_range must be a pair"),
    (lambda: perche.LogisticRegression(fit_intercept="no").fit(np.eye(4), [0, 1, 0, 1]),
     r"fit_intercept 'no' is not True or False"),
    (lambda: perche.LogisticRegression(class_weight={5: 100.0}).fit(np.eye(4), [0, 1, 0, 1]),
     r"class_weight names \[5\], which are not classes"),
    (lambda: perche.DriverClassifier(["a", "b"], fit_intercept="no").fit(*_TWO), r"fit_intercept 'no'"),
    (lambda: perche.DriverClassifier(["a", "b"], nb_scale="no").fit(*_TWO), r"nb_scale 'no' is not True or False"),
    (lambda: perche.DriverClassifier(["a", "b"], threshold=0.9, cv_folds=5).fit(*_TWO),
     r"threshold=0.9 is a fixed threshold and cv_folds=5"),
    (lambda: perche.SentimentClassifier(words="no").fit(["bello", "brutto"], ["positive", "negative"]),
     r"words 'no' is not True or False"),
    (lambda: perche.SentimentClassifier(threads=2.5).fit(["bello", "brutto"], ["positive", "negative"]),
     r"threads 2.5 is not an integer"),
])
def test_a_bad_model_option_is_one_value_error_not_read_as_another(call, message):
    # Each fitted the model of another value: "no" as True, (1.7, 2.9) and "12" as (1, 2), 2.5 as 2,
    # a class weight for no class ignored, a fixed threshold replaced by the cross-validated one.
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("call", [
    lambda: perche.TfidfVectorizer().fit("il prezzo è caro"),
    lambda: perche.TfidfVectorizer().fit_transform("il prezzo è caro"),
    lambda: perche.TfidfVectorizer().fit(["il prezzo è caro"]).transform("il prezzo"),
    lambda: perche.discover("il prezzo è caro " * 20),
])
def test_one_str_is_no_list_of_documents(call):
    # TfidfVectorizer().fit_transform("il prezzo è caro") had 16 rows of single letters.
    with pytest.raises(TypeError, match="got a single str"):
        call()


@pytest.mark.parametrize("call", [
    lambda: perche.DriverClassifier(["prezzo", "cortesia"]).top_terms("prezzo", 3),
    lambda: perche.DriverClassifier(["prezzo", "cortesia"]).evaluate(["ciao"], [[1, 0]]),
    lambda: perche.TfidfVectorizer().idf_,
    lambda: perche.TfidfVectorizer().vocabulary_,
])
def test_an_unfitted_model_says_so(call):
    # "no driver named 'prezzo'", "labels are 1 × 2, expected 1 × 0", array([]) and {} before.
    with pytest.raises(perche.NotFittedError):
        call()


def test_a_loaded_sentiment_model_keeps_its_lexicon_among_its_arguments(tmp_path):
    from sklearn.base import clone

    lex = {"bello": 2.0, "brutto": -2.0}
    texts = ["servizio bello", "servizio brutto", "molto bello", "proprio brutto", "ok"] * 6
    labels = ["positive", "negative", "positive", "negative", "neutral"] * 6
    fitted = perche.SentimentClassifier(lexicon=lex).fit(texts, labels)
    fitted.save(tmp_path / "s.model")
    for back in (perche.SentimentClassifier.load(tmp_path / "s.model"),
                 perche.SentimentClassifier.from_bytes(fitted.to_bytes())):
        assert back.get_params()["lexicon"] is not None  # was None: refits used the shipped lexicon
        refit = clone(back).fit(texts, labels)
        assert np.allclose(refit.predict_proba(texts), clone(fitted).fit(texts, labels).predict_proba(texts))
    assert perche.SentimentClassifier.default().get_params()["lexicon"] is None  # the shipped one
