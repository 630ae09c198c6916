# SPDX-License-Identifier: Apache-2.0
"""perche.find_pii / perche.mask and their batch forms, `perche mask`, and `perche analyze`
masking the comments it quotes (issue #20). The identifiers are valid by their own check
algorithms, computed by hand in tests/privacy_test.cpp (RSSMRA80A01H501U, IT60X0542811101000000123456
from the SWIFT registry, 12345670017, the Visa test number 4111 1111 1111 1111)."""

import csv
import json

import pytest

import perche
from perche import cli
from perche.survey import SAMPLE

PII = {
    "347 123 4567": "phone",
    "mario.rossi@example.it": "email",
    "RSSMRA80A01H501U": "codice_fiscale",
    "IT60 X054 2811 1010 0000 0123 456": "iban",
    "4111 1111 1111 1111": "card",
    "12345670017": "partita_iva",
    "Giulia": "person",
}
SNIPPETS = [
    "chiamatemi al 347 123 4567",
    "scrivete a mario.rossi@example.it",
    "il mio codice fiscale è RSSMRA80A01H501U",
    "rimborso sull'IBAN IT60 X054 2811 1010 0000 0123 456",
    "addebito doppio sulla carta 4111 1111 1111 1111",
    "fattura alla P.IVA 12345670017",
    "l'operatrice Giulia",
]


def test_find_pii_offsets_are_code_points_of_the_str():
    text = "😀 Perché? Sono Mario Rossi, cell 347 123 4567 — mail mario.rossi@example.it 🙏"
    spans = perche.find_pii(text)
    assert [s.kind for s in spans] == ["person", "phone", "email"]
    for s in spans:
        assert text[s.start:s.end] == s.surface
        assert s.verified


def test_find_pii_of_bytes_gives_byte_offsets():
    data = "è tel 3471234567".encode()
    (s,) = perche.find_pii(data)
    assert data[s.start:s.end] == b"3471234567"


def test_mask_keeps_everything_else_and_accepts_kinds():
    text = "Sono Mario Rossi, cell 347 123 4567; ordine n. 12345678901 da 129,90 €"
    assert perche.mask(text) == "Sono [NOME], cell [TEL]; ordine n. 12345678901 da 129,90 €"
    assert perche.mask(text, kinds=["phone"]) == "Sono Mario Rossi, cell [TEL]; ordine n. 12345678901 da 129,90 €"
    assert perche.mask("niente qui, 14.30 del 12/03/2024") == "niente qui, 14.30 del 12/03/2024"
    with pytest.raises(ValueError, match="telefono"):
        perche.mask(text, kinds=["telefono"])


def test_a_mistyped_codice_fiscale_is_masked_and_unverified():
    (s,) = perche.find_pii("cf RSSMRA80A01H501V")
    assert (s.kind, s.verified) == ("codice_fiscale", False)
    assert perche.mask("cf RSSMRA80A01H501V") == "cf [CF]"


def test_pseudonyms_are_stable_keyed_and_need_a_key():
    a = perche.mask("tel 347 123 4567", style="pseudonym", key="segreto")
    assert a == perche.mask("tel +39 3471234567", style="pseudonym", key=b"segreto")
    assert a.startswith("tel [TEL_") and len(a) == len("tel [TEL_123456]")
    assert a != perche.mask("tel 347 123 4567", style="pseudonym", key="altro")
    with pytest.raises(ValueError, match="key"):
        perche.mask("tel 347 123 4567", style="pseudonym")
    with pytest.raises(ValueError, match="style"):
        perche.mask("x", style="hash")


def test_batch_forms_give_the_single_results():
    texts = SNIPPETS * 40 + ["", "nulla"]
    assert perche.mask_batch(texts, threads=2) == [perche.mask(t) for t in texts]
    assert perche.find_pii_batch(texts, threads=2) == [perche.find_pii(t) for t in texts]


def _fixture(tmp_path):
    """The sample survey with an identifier added to every comment."""
    with open(SAMPLE, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:301]
    col = header.index("motivo")
    for i, row in enumerate(body):
        row[col] = f"{row[col]} {SNIPPETS[i % len(SNIPPETS)]}"
    path = tmp_path / "survey_pii.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header] + body)
    return path


def test_the_report_of_a_survey_with_personal_data_holds_none_of_it(tmp_path):
    path = _fixture(tmp_path)
    result = perche.analyze(path, verbatims=20, bootstrap_samples=50)
    html, js, text = result.to_html(), result.to_json(), result.summary()
    assert result.data["verbatims"], "the fixture's comments are quoted"
    for surface in PII:
        assert surface not in html and surface not in js and surface not in text, surface
    assert any("[TEL]" in v["text"] or "[EMAIL]" in v["text"] for v in result.data["verbatims"])
    assert any(n["code"] == "masked" and "masked" in n["message"] for n in result.data["notes"])
    for v in result.data["verbatims"]:  # highlights index the masked text
        for h in v["highlights"]:
            assert h["end"] <= len(v["text"])
    # Without masking the same report quotes them: the test above can fail.
    raw = perche.analyze(path, verbatims=20, bootstrap_samples=50, mask=False)
    assert any(s in raw.to_html() for s in PII)
    assert not any(n["code"] == "masked" or "masked" in n["message"] for n in raw.data["notes"])


def test_cli_analyze_masks_by_default_and_no_mask_quotes(tmp_path, capsys):
    path = _fixture(tmp_path)
    out = tmp_path / "r.json"
    assert cli.main(["analyze", str(path), "--json", str(out), "--verbatims", "20", "--bootstrap", "50",
                     "--no-progress"]) == 0
    printed = capsys.readouterr().out
    data = out.read_text(encoding="utf-8")
    for surface in PII:
        assert surface not in data and surface not in printed
    assert cli.main(["analyze", str(path), "--json", str(out), "--verbatims", "20", "--bootstrap", "50",
                     "--no-progress", "--no-mask"]) == 0
    capsys.readouterr()
    assert any(s in out.read_text(encoding="utf-8") for s in PII)


def test_cli_mask_writes_the_csv_with_the_text_column_masked(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text("id,motivo,canale\n1,\"chiamatemi al 347 123 4567, grazie\",telefono\n"
                   "2,nessun dato personale,app\n3,mail mario.rossi@example.it,web\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert cli.main(["mask", str(src), "--text", "motivo", "--out", str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows == [["id", "motivo", "canale"], ["1", "chiamatemi al [TEL], grazie", "telefono"],
                    ["2", "nessun dato personale", "app"], ["3", "mail [EMAIL]", "web"]]
    key = tmp_path / "key"
    key.write_bytes(b"segreto\n")
    assert cli.main(["mask", str(src), "--key-file", str(key), "--out", str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[1][1] == "chiamatemi al " + perche.mask("347 123 4567", style="pseudonym", key="segreto") + ", grazie"
    key.write_bytes(b"")
    assert cli.main(["mask", str(src), "--key-file", str(key), "--out", str(out)]) == 2
    assert "key file is empty" in capsys.readouterr().err
