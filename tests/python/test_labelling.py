# SPDX-License-Identifier: Apache-2.0
"""The labelling loop (issue 19, part 3): `perche sample`, the cross-validated figures of
`perche train`, `perche evaluate`, and a codebook's display names. Reference values: scikit-learn's
precision/recall/F1 on the same predictions; the sample survey's gold `driver` column."""

import csv
import io

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score, precision_recall_fscore_support

import perche
from perche import _core, cli
from perche.survey import DEFAULT_MODEL, SAMPLE


def read_out(path):
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


def test_sample_picks_distinct_comments_deterministically(tmp_path, capsys):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    # The sample has its gold labels in `driver`: the column to fill in gets another name.
    assert cli.main(["sample", str(SAMPLE), "--n", "50", "--label-column", "etichetta", "--out", str(a)]) == 0
    assert "--labels etichetta" in capsys.readouterr().err
    assert cli.main(["sample", str(SAMPLE), "--n", "50", "--label-column", "etichetta", "--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    rows = read_out(a)
    assert len(rows) == 50
    assert list(rows[0])[:2] == ["line", "id"] and list(rows[0])[-1] == "etichetta"
    assert all(r["etichetta"] == "" and r["motivo"].strip() for r in rows)
    assert len({" ".join(r["motivo"].lower().split()) for r in rows}) == 50
    # Diversity: the 50 picks cover every one of the 10 gold drivers.
    df = pd.read_csv(SAMPLE, keep_default_na=False)
    assert {d for r in rows for d in r["driver"].split("|") if d} == {d for x in df.driver for d in x.split("|") if d}
    # Lines are the input's: line 2 is the first record.
    by_id = {str(i): line for i, line in zip(df.id, range(2, len(df) + 2))}
    assert all(int(r["line"]) == by_id[r["id"]] for r in rows)


def test_sample_with_a_model_picks_its_doubtful_comments(tmp_path):
    out = tmp_path / "s.csv"
    assert cli.main(["sample", str(SAMPLE), "--n", "40", "--model", str(DEFAULT_MODEL), "--label-column", "gold",
                     "--out", str(out)]) == 0
    rows = read_out(out)
    assert len(rows) == 40 and list(rows[0])[-3:] == ["gold", "suggested", "uncertainty"]
    picked = np.array([float(r["uncertainty"]) for r in rows])
    assert ((picked >= 0) & (picked <= 1)).all()
    # Recomputed from the model's probabilities: the first pick is the most doubtful comment, and
    # the picks are far more doubtful than the comments at large.
    model = perche.DriverClassifier.load(DEFAULT_MODEL)
    texts = [t for t in pd.read_csv(SAMPLE, keep_default_na=False).motivo if t.strip()]
    P, t = np.asarray(model.predict_proba(texts)), np.asarray(model.thresholds)
    u = np.clip(1 - np.abs(P - t) / np.maximum(t, 1 - t), 0, 1).max(axis=1)
    assert picked[0] == pytest.approx(u.max(), abs=5e-4)
    assert picked.mean() > np.quantile(u, 0.75)
    for r in rows:
        assert all(s in model.drivers for s in r["suggested"].split("|") if s)


def test_sample_refuses_a_label_column_the_input_has(tmp_path, capsys):
    assert cli.main(["sample", str(SAMPLE), "--out", str(tmp_path / "x.csv")]) == 2
    assert "already has a column 'driver'" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_sample_names_its_own_columns_apart_from_the_inputs(tmp_path):
    # An input with columns line, suggested and uncertainty could not be sampled at all: the message
    # pointed to --label-column, which changes none of them (red-team pass, stop 39).
    df = pd.read_csv(SAMPLE, keep_default_na=False).head(300)
    df = df.rename(columns={"id": "line"}).assign(suggested="x", uncertainty="y", perche_line="z")
    data = tmp_path / "in.csv"
    df.to_csv(data, index=False)
    out = tmp_path / "s.csv"
    assert cli.main(["sample", str(data), "--n", "20", "--model", str(DEFAULT_MODEL), "--label-column", "gold",
                     "--out", str(out)]) == 0
    rows = read_out(out)
    assert list(rows[0])[0] == "perche_line_2" and list(rows[0])[-3:] == ["gold", "perche_suggested",
                                                                          "perche_uncertainty"]
    assert all(r["line"] in set(df.line.astype(str)) and r["suggested"] == "x" for r in rows)


def test_train_prints_cross_validated_figures_and_warns_about_rare_drivers(tmp_path, capsys):
    df = pd.read_csv(SAMPLE, keep_default_na=False)
    df = df[df.motivo.str.strip() != ""].head(600).copy()
    df["driver"] = df.driver.str.split("|").str[0]  # one driver each, as written first
    rare = df.index[df.driver == "consegna"][:5]
    df.loc[df.driver == "consegna", "driver"] = "qualita"
    df.loc[rare, "driver"] = "consegna"  # 5 examples only
    path = tmp_path / "t.csv"
    df.to_csv(path, index=False)
    model = tmp_path / "m.model"
    args = ["train", str(path), "--text", "motivo", "--labels", "driver", "--out", str(model), "--cv-folds", "3"]
    assert cli.main(args + ["--eval-folds", "3"]) == 0
    out, err = capsys.readouterr()
    assert "cross-validated (3 folds" in out and "micro F1" in out and "macro F1" in out
    header = next(line for line in out.splitlines() if "precision" in line)
    assert header.split() == ["driver", "examples", "threshold", "precision", "recall", "F1"]
    assert "driver 'consegna' has 5 example(s), fewer than 20" in err
    assert "driver 'qualita'" not in err
    # The figures are those of perche.cross_validate, which is honest: below the in-sample fit.
    names = sorted(df.driver.unique())
    Y = np.array([[d == n for n in names] for d in df.driver], dtype=np.uint8)
    clf = perche.DriverClassifier.load(model)
    cv = _core.cross_validate(df.motivo.tolist(), Y, names, clf.options, 3)
    assert f"micro F1 {cv['micro_f1']:.3f}" in out and f"macro F1 {cv['macro_f1']:.3f}" in out
    assert cv["micro_f1"] < clf.evaluate(df.motivo.tolist(), Y)["micro_f1"]
    assert cli.main(args + ["--eval-folds", "0"]) == 0
    assert "cross-validated" not in capsys.readouterr().out


def test_evaluate_prints_scikit_learns_figures_for_a_labelled_file(tmp_path, capsys):
    df = pd.read_csv(SAMPLE, keep_default_na=False)
    df = df[df.motivo.str.strip() != ""]
    assert cli.main(["evaluate", str(SAMPLE), "--model", str(DEFAULT_MODEL), "--labels", "driver"]) == 0
    out = capsys.readouterr().out
    model = perche.DriverClassifier.load(DEFAULT_MODEL)
    names = list(model.drivers)
    Y = np.array([[n in d.split("|") for n in names] for d in df.driver], dtype=np.uint8)
    pred = np.asarray(model.predict(df.motivo.tolist()))
    assert f"micro F1 {f1_score(Y, pred, average='micro', zero_division=0):.3f}" in out
    assert f"macro F1 {f1_score(Y, pred, average='macro', zero_division=0):.3f}" in out
    p, r, f, _ = precision_recall_fscore_support(Y, pred, zero_division=0)
    line = next(x for x in out.splitlines() if x.split()[:1] == [names[0]])
    assert line.split()[1:] == [str(int(Y[:, 0].sum())), f"{p[0]:.3f}", f"{r[0]:.3f}", f"{f[0]:.3f}"]
    bad = tmp_path / "bad.csv"
    bad.write_text("motivo,driver\nattesa lunga,attesa_infinita\n", "utf-8")
    assert cli.main(["evaluate", str(bad), "--model", str(DEFAULT_MODEL), "--labels", "driver"]) == 2
    assert "'attesa_infinita' that the model" in capsys.readouterr().err


def test_a_codebooks_display_names_survive_the_taxonomy(tmp_path):
    book = tmp_path / "cb.txt"
    book.write_text("[prezzo] Prezzo\ncar*\n[qualita] Qualità prodotto\nrott*\n", "utf-8")
    doc = perche.analyze(codebook=str(book), bootstrap_samples=20).data
    assert doc["model"]["labels"] == {"prezzo": "Prezzo", "qualita": "Qualità prodotto"}
    default = perche.analyze(codebook=True, bootstrap_samples=20, lang="en").data
    assert default["model"]["labels"]["prezzo"] == "Price and costs"


def test_evaluate_and_train_read_label_spellings_as_the_readme_says(tmp_path, capsys):
    # Red-team 11/07: evaluate (and train --positive/--negative) matched the label names to the
    # model's drivers byte for byte: "Tempi attesa" for tempi_attesa was refused, where every other
    # label reader folds spellings (split_labels' key: ASCII case, '_' for a space).
    df = pd.read_csv(SAMPLE, keep_default_na=False).head(600)
    plain, spelled = tmp_path / "plain.csv", tmp_path / "spelled.csv"
    df.to_csv(plain, index=False)
    respell = {"tempi_attesa": "Tempi attesa", "prezzo": "PREZZO"}
    for col in ("driver", "positivi", "negativi"):
        df[col] = df[col].replace(respell, regex=True)
    df.to_csv(spelled, index=False)
    assert cli.main(["evaluate", str(plain), "--model", str(DEFAULT_MODEL), "--labels", "driver"]) == 0
    want = capsys.readouterr().out
    assert cli.main(["evaluate", str(spelled), "--model", str(DEFAULT_MODEL), "--labels", "driver"]) == 0
    assert capsys.readouterr().out.replace("spelled.csv", "plain.csv") == want
    a, b = tmp_path / "a.model", tmp_path / "b.model"
    args = ["--text", "motivo", "--positive", "positivi", "--negative", "negativi", "--cv-folds", "0", "--eval-folds",
            "0"]
    assert cli.main(["train", str(plain), "--labels", "driver", "--out", str(a)] + args) == 0
    df["driver"] = pd.read_csv(plain, keep_default_na=False).driver  # the drivers as --labels writes them
    df.to_csv(spelled, index=False)
    assert cli.main(["train", str(spelled), "--labels", "driver", "--out", str(b)] + args) == 0, capsys.readouterr().err
    assert a.read_bytes() == b.read_bytes()


def test_train_names_the_files_line_of_a_praised_driver_that_labels_do_not_name(tmp_path, capsys):
    # Red-team 11/03: the row index + 2 was named, not the line: a comment over three lines (quoted
    # line breaks) above put the bad row on line 8, reported as line 5.
    path = tmp_path / "pos.csv"
    path.write_text('motivo,driver,positivi,negativi\n"attesa lunga\ndavvero\nlunghissima",attesa,,attesa\n'
                    'prezzo alto,prezzo,,prezzo\n"personale\ngentile",cortesia,cortesia,\n'
                    'prezzo giusto,prezzo,cortesia,\n', "utf-8")
    assert cli.main(["train", str(path), "--text", "motivo", "--labels", "driver", "--positive", "positivi",
                     "--negative", "negativi", "--out", str(tmp_path / "m.model"), "--eval-folds", "0"]) == 2
    assert capsys.readouterr().err.strip() == "perche: line 8: --positive names driver cortesia but --labels does not"


@pytest.mark.parametrize("option", ["--eval-folds", "--cv-folds"])
def test_one_fold_is_refused_by_the_argument_parser_before_any_work(option, tmp_path, capsys):
    # Red-team 11/09: --eval-folds 1 trained and wrote the model, then failed "folds 1 is below 2".
    model = tmp_path / "m.model"
    with pytest.raises(SystemExit) as e:
        cli.main(["train", str(SAMPLE), "--text", "motivo", "--labels", "driver", "--out", str(model), option, "1"])
    assert e.value.code == 2 and not model.exists()
    assert f"argument {option}: 1 fold is no cross-validation (0: none, or 2 to 1000)" in capsys.readouterr().err


def test_sample_writes_a_decimal_comma_in_a_semicolon_table(tmp_path, capsys):
    # Red-team 11/11: a ';' table (with the BOM for Italian Excel) had uncertainty "0.969", which
    # Italian Excel reads as 969; classify writes "0,969" there.
    df = pd.read_csv(SAMPLE, keep_default_na=False).head(100)[["id", "motivo"]]
    semi, comma = tmp_path / "semi.csv", tmp_path / "comma.csv"
    df.to_csv(semi, sep=";", index=False)
    df.to_csv(comma, index=False)
    for path, delimiter in ((semi, ";"), (comma, ",")):
        out = tmp_path / ("out" + path.name)
        assert cli.main(["sample", str(path), "--n", "3", "--model", str(DEFAULT_MODEL), "--out", str(out)]) == 0
        rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig")), delimiter=delimiter))
        assert rows[0][-1] == "uncertainty" and all(len(r[-1]) == 5 for r in rows[1:])
        assert all(r[-1][1] == ("," if delimiter == ";" else ".") for r in rows[1:])
    capsys.readouterr()
