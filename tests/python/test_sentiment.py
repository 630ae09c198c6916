# SPDX-License-Identifier: Apache-2.0
"""perche.SentimentClassifier: the default model, fitting, probabilities against scikit-learn's
multinomial logistic regression on the same features, explanations, persistence and errors."""

import pickle

import numpy as np
import pytest

import perche
from perche.sentiment import CALIBRATION

CLASSES = ["mixed", "negative", "neutral", "positive"]


@pytest.fixture(scope="module")
def default():
    return perche.SentimentClassifier.default()


@pytest.fixture(scope="module")
def calibration():
    table = perche.read_csv(CALIBRATION)
    return table.column("text"), table.column("label")


def test_default_reads_obvious_comments(default):
    texts = [
        "Operatore gentilissimo, problema risolto subito. Grazie!",
        "Servizio pessimo, non mi hanno mai richiamato. Vergogna!",
        "Ho chiamato per cambiare il piano tariffario.",
        "L'operatore è stato gentile ma il problema non è stato risolto.",
        "Non ho avuto nessun problema, tutto perfetto 😍",
        "Non è stato per niente chiaro :(",
    ]
    assert list(default.predict(texts)) == ["positive", "negative", "neutral", "mixed", "positive", "negative"]
    assert list(default.classes_) == CLASSES
    P = default.predict_proba(texts)
    assert P.shape == (6, 4)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_array_equal(default.predict_proba(texts[0]), P[0])
    assert default.predict(texts[1]) == "negative"
    assert isinstance(default.predict(texts), np.ndarray)


def test_default_reads_the_patterns_of_stops_41_and_42(default):
    # A red-team pass on customer Italian the team wrote, and the review of its rules.
    cases = {
        "Mai visto un servizio così lento.": "negative",        # the negated comparison: a superlative
        "Non ho mai visto un personale così gentile.": "positive",
        "Non potrei essere più soddisfatto.": "positive",
        "Non potrei più consigliarlo a nessuno.": "negative",   # "più" after "potrei": no longer
        "Speravo meglio.": "negative",
        "Il check-in lascia davvero a desiderare.": "negative",  # an adverb inside an idiom
        "mi piace troppo": "positive",
        "Voto 2 su 10.": "negative",
        "10/10": "positive",
        "Consegnato!": "neutral",                                # "!" alone says nothing
        "Ho votato due volte.": "neutral",
        # Stop 42: a fraction after a word, a star rating after the verb that gives it.
        "Esperienza 10/10, imballaggio: 10/10": "positive",
        "Consegna prevista 4/10.": "neutral",                    # a date (review of stop 42)
        "Ho dato 1 stella.": "negative",
        "Non darei neanche 1 stella.": "negative",
        "Prenotato dal 10/10 al 15/10.": "neutral",              # dates
        "Albergo 4 stelle in centro.": "neutral",                # a hotel's class
    }
    assert dict(zip(cases, default.predict(list(cases)))) == cases
    assert default.predict("Più o meno soddisfatto.") != "negative"  # "più o meno" is no "poco"


def test_default_reads_the_patterns_of_stop_43(default):
    # A red-team pass on product, app-store and social comments the team wrote.
    cases = {
        "Potrebbe essere migliore.": "negative",                 # a conditional modal and a comparison
        "Servizio migliorabile.": "negative",
        "Avrebbero potuto imballarlo meglio, la scatola era tutta ammaccata.": "negative",
        "L'operatore poteva essere più gentile.": "negative",
        "Non potrebbe essere migliore!": "positive",             # the negated comparison
        "Non poteva andare meglio.": "positive",
        "Il telefono ha smesso di funzionare.": "negative",
        "Non smette di bloccarsi.": "negative",                  # it keeps on: no negation
        "Magari funzionasse.": "negative",                       # a wish for what is missing
        "La bolletta è più cara rispetto al mese scorso.": "negative",  # "rispetto a" is no respect
        "La batteria dura poco.": "negative",
        "Tessuto di qualità scadente.": "negative",
        "Prima era meglio.": "negative",
        "Non vi rispondono mai #vergogna": "negative",           # no negation reaches a hashtag
        "Non hanno capito il mio problema.": "negative",         # the verb's object is not negated
        "Un po' bruttino.": "negative",
    }
    assert dict(zip(cases, default.predict(list(cases)))) == cases
    assert default.predict("Potrebbe essere utile per chi viaggia.") != "negative"  # a guess


def test_default_reads_the_complaints_written_as_facts_of_stop_44(default):
    # Written by the team before a blind set of such comments was read (README).
    cases = {
        "Dopo tre settimane il pacco non è ancora arrivato.": "negative",  # "ancora" with a negation
        "Il tecnico doveva venire martedì, nessuno si è presentato.": "negative",  # "nessuno" + clitic
        "All'arrivo la camera non era pronta.": "negative",          # a missed minimum
        "Il rimborso non è sufficiente.": "negative",
        "Il pacco è arrivato aperto e mancava un pezzo.": "negative",  # "arrivato" is no praise here
        "La consegna è arrivata con una settimana di ritardo.": "negative",
        "Il maglione si è infeltrito al primo lavaggio.": "negative",
        "L'app si chiude appena la apro.": "negative",
        "Ogni volta che chiamo mi dicono una cosa diversa.": "negative",
        "È arrivato in ritardo ma funziona benissimo.": "mixed",         # a contrast keeps both sides
    }
    assert dict(zip(cases, default.predict(list(cases)))) == cases
    # Not every weak positive is a minimum: no surprises is no complaint.
    assert default.predict("Non ci sono state sorprese sul prezzo.") != "negative"
    assert default.predict("Non ho ancora provato tutto, ma per ora funziona bene.") == "positive"


def test_default_reads_a_change_asked_for_as_a_complaint_stop_45(default):
    # Requests and advice read neutral or positive before (migliorare has migliore's stem).
    cases = {
        "La moquette andrebbe sostituita.": "negative",
        "L'app va assolutamente aggiornata.": "negative",
        "Bagno da ristrutturare.": "negative",
        "Migliorare i tempi di attesa.": "negative",
        "Cambierei i materassi.": "negative",
        "Consiglio di rivedere i prezzi del minibar.": "negative",
        "Avrei preferito essere avvisato prima.": "negative",
        "Arredamento un po' datato.": "negative",
        "Un phon in camera non guasterebbe.": "negative",
        "Per quel prezzo mi aspettavo di più.": "negative",
        "Prezzo un po' alto.": "negative",
        "Non cambierei nulla, tutto perfetto.": "positive",  # turned by the negation
        "Il servizio va migliorando.": "positive",            # a progressive asks for nothing
    }
    assert dict(zip(cases, default.predict(list(cases)))) == cases
    # What was due and did not come.
    due = {
        "Il tecnico doveva venire martedì.": "negative",
        "Il pacco doveva arrivare ieri.": "negative",
        "Ho dovuto chiamare tre volte.": "negative",
        "Il modem non funziona da una settimana.": "negative",
        "Cliente da 10 anni.": "neutral",
    }
    assert dict(zip(due, default.predict(list(due)))) == due
    # The customer's own errand and a closing formula are no complaint.
    for text in ("Devo cambiare il metodo di pagamento.", "Niente da aggiungere."):
        assert default.predict(text) == "neutral", text


def test_default_reads_repairs_and_marked_irony_stop_46(default):
    # A repaired fault read mixed; praise beside a complaint with an ironic marker read mixed.
    cases = {
        "Il guasto al modem è stato riparato in giornata.": "positive",
        "Mi hanno corretto subito l'errore in bolletta, gentilissimi.": "positive",
        "L'errore in fattura non è mai stato corretto.": "negative",
        "Consegna in ritardo di tre giorni, bravi eh.": "negative",
        "Ennesimo disservizio, grazie di tutto 🙃": "negative",
        "La linea cade ogni sera. Complimenti.": "negative",
        "Bravissimi ragazzi 👏👏": "positive",
        "Personale gentilissimo, ma la camera era sporca 😒": "mixed",
        # Words with a lexicon word's stem but not its meaning (matched as written).
        "Mi sono rivolto al servizio clienti per un rimborso.": "neutral",  # not "rivoltante"
        "Successivamente mi hanno chiamato per fissare l'appuntamento.": "neutral",  # not "successo"
        "Ho lasciato la bici davanti al cancello.": "neutral",  # not "cancellato"
        "Da un hotel a 4 stelle mi aspetto un servizio migliore.": "negative",  # what was missing
        "Hotel ottimo sotto ogni aspetto.": "positive",  # the noun, not a wait
    }
    assert dict(zip(cases, default.predict(list(cases)))) == cases
    # An errand closed with thanks stays neutral.
    assert default.predict("Vorrei disdire il contratto entro fine mese. Grazie.") != "negative"


def test_default_reads_stop_47_rules_and_entries(default):
    # Each read otherwise before stop 47 (the rules in sentiment_test.cpp; entries and words
    # matched as written in sentiment_it.tsv).
    cases = {
        "ma nn vi vergognate?? 3 settimane per un rimborso": "negative",  # a negative question
        "Prima funzionava benissimo, adesso è inutilizzabile": "negative",  # a past contrasted with now
        "Ho spiegato il problema della bolletta quattro volte.": "negative",  # an errand again and again
        "Il rimborso non è ancora stato accreditato.": "negative",  # not come yet
        "Il prodotto è bello ma la consegna ci ha messo due settimane.": "mixed",  # a plain reservation
        "Ho avuto un incidente e il consulente mi ha seguito con grande umanità, lo ringrazio.": "positive",
        "Il canone era zero, ora sono 7 euro al mese. Bell'inganno.": "negative",  # bello before a complaint
        "Patatine mosce e hamburger crudo dentro.": "negative",
        "Il lavoro del tecnico è tutto da rifare.": "negative",  # "da rifare" alone is no praise
        "Il supporto non risponde da giorni.": "negative",  # supporto, the noun: no praise turned
        "Gentilmente, potreste inviarmi la fattura di marzo?": "neutral",  # the customer's politeness
        "Velocità ridicola, peggio della linea di prima.": "negative",  # velocità as written
    }
    assert dict(zip(cases, default.predict(list(cases)))) == cases


def test_default_reads_stop_48_rules_and_entries(default):
    # Each read otherwise before stop 48 but the neutral questions and the bathroom (the rules in sentiment_test.cpp; "si degna"
    # matched "degnamente").
    cases = {
        "avevo un problema col badge, risolto in 2 minuti alla reception": "positive",  # a story told
        "Mi avevano addebitato due volte la spesa, alla cassa hanno stornato subito. Gentilissimi": "positive",
        "Complimenti davvero, tre giorni senza internet e nessuno che si degna di avvisare 👏👏": "negative",
        "ma i pacchi li lanciate dal furgone? scatola completamente schiacciata": "negative",  # indignant question
        "hanno tolto la modalità scura, perché???": "negative",
        "a che ora chiudete domenica?": "neutral",
        "Ma fate anche consegne a domicilio?": "neutral",  # asks for information
        "Bel modo di trattare i clienti!": "negative",
        "il negozio è stupendo, il personale un po meno": "mixed",  # the comparison left unsaid
        "Avevo il bagno rotto, personale gentilissimo": "mixed",  # nothing put right
        "bel negozio, tanta scelta di prodotti bio": "positive",  # "bel", its own stem
    }
    assert dict(zip(cases, default.predict(list(cases)))) == cases


def test_default_is_deterministic(default):
    assert perche.SentimentClassifier.default().to_bytes() == default.to_bytes()


def test_default_fits_its_calibration_set_well(default, calibration):
    texts, labels = calibration
    accuracy = np.mean(default.predict(texts) == np.array(labels))
    assert accuracy > 0.8, accuracy


def test_probabilities_match_scikit_learn_on_the_same_features(calibration):
    sklearn = pytest.importorskip("sklearn.linear_model")
    texts, labels = calibration
    texts, labels = texts[:800], labels[:800]
    clf = perche.SentimentClassifier(words=False, C=1.0).fit(texts, labels)
    X = clf.lexicon_features(texts)
    # One name a column: the exclamation and question columns are named as such.
    assert len(perche.SentimentClassifier.LEXICON_FEATURES) == X.shape[1]
    assert list(perche.SentimentClassifier.LEXICON_FEATURES[-2:]) == ["exclamation", "question"]
    ref = sklearn.LogisticRegression(C=1.0, tol=1e-10, max_iter=10000).fit(X, labels)
    assert list(ref.classes_) == CLASSES
    np.testing.assert_allclose(clf.predict_proba(texts), ref.predict_proba(X), atol=2e-3)


def test_fit_learns_words_beside_the_lexicon():
    texts = ["la fibra vola", "la fibra è un razzo", "la fibra è una lumaca", "la fibra arranca",
             "ho chiamato ieri", "ho chiamato oggi"] * 5
    labels = ["positive", "positive", "negative", "negative", "neutral", "neutral"] * 5
    clf = perche.SentimentClassifier(C=10.0).fit(texts, labels)
    assert clf.predict(["vola", "lumaca"]).tolist() == ["positive", "negative"]
    e = clf.explain("la fibra è una lumaca")
    assert e["label"] == "negative"
    assert e["words"][0]["term"] == "lumaca" and e["words"][0]["weight"] < 0


def test_explain_spans_are_code_points(default):
    text = "Perché l’operatrice è stata gentilissima 😍 ma lenta"
    e = default.explain(text)
    terms = {c["term"]: c for c in e["lexicon"]}
    for c in e["lexicon"]:
        for s, t in c["spans"]:
            assert text[s:t]  # slices the str
    gentile = [c for c in e["lexicon"] if text[c["spans"][0][0]:c["spans"][0][1]] == "gentilissima"]
    assert gentile and gentile[0]["weight"] > 0
    assert any(text[c["spans"][0][0]:c["spans"][0][1]] == "lenta" and c["weight"] < 0 for c in e["lexicon"])
    assert e["probabilities"].shape == (4,)
    assert terms


def test_pickle_save_load_and_bytes(default, tmp_path):
    back = pickle.loads(pickle.dumps(default))
    texts = ["tutto ok", "che schifo", "gentili ma lenti"]
    np.testing.assert_array_equal(back.predict_proba(texts), default.predict_proba(texts))
    path = tmp_path / "sentiment.model"
    default.save(path)
    np.testing.assert_array_equal(perche.SentimentClassifier.load(path).predict_proba(texts),
                                  default.predict_proba(texts))
    bad = bytearray(default.to_bytes())
    bad[len(bad) // 2] ^= 0x01
    with pytest.raises(perche.FormatError, match="SentimentClassifier model"):
        perche.SentimentClassifier.from_bytes(bytes(bad))


def test_a_model_file_with_huge_coefficients_is_refused_not_read_as_nan(default):
    # Red-team, stop 42: coefficients of 1.7e308 (a valid checksum) loaded and predicted NaN. The
    # last coefficient sits before the four intercepts, at the payload's end (before the CRC).
    import struct
    import zlib

    data = default.to_bytes()
    assert data[:8] == b"PERCHESC"
    version = struct.unpack_from("<I", data, 8)[0]
    payload = bytearray(data[20:-4])
    for where, name in ((-40, "coefficient"), (-8, "intercept")):
        bad = bytearray(payload)
        struct.pack_into("<d", bad, len(bad) + where, 1.7e308)
        sealed = b"PERCHESC" + struct.pack("<IQ", version, len(bad)) + bytes(bad) + struct.pack("<I", zlib.crc32(bad))
        with pytest.raises(perche.FormatError, match=name + r" .*within ±1e100"):
            perche.SentimentClassifier.from_bytes(sealed)


def test_lexicon_terms_its_file_cannot_hold_are_refused():
    # Red-team, stop 42: to_text() wrote them and parse() lost or refused them (a model saved with
    # such a lexicon could not be loaded, or lost the entry).
    for term, why in (("#fail", "starts with '#'"), ("ciao\nbello", "control character"),
                      ("a\tb", "control character"), ("molto  bello", "two blanks")):
        with pytest.raises(ValueError, match=why):
            perche.SentimentLexicon([(term, -1.0)])
    assert perche.SentimentLexicon([("fail", -1.0)]).to_text() == "fail\t-1\n"


def test_params_and_repr():
    clf = perche.SentimentClassifier(C=3.0)
    assert clf.get_params() == {"words": None, "C": 3.0, "lexicon": None, "threads": None}
    assert repr(clf) == "SentimentClassifier(C=3.0)"
    assert clf.set_params(words=False).words is False
    with pytest.raises(ValueError, match="alpha"):
        clf.set_params(alpha=1)


def test_own_lexicon_as_a_dict():
    clf = perche.SentimentClassifier(words=False, lexicon={"strepitoso": 3, "penoso": -3})
    clf.fit(["strepitoso", "penoso", "strepitoso davvero", "penoso davvero"] * 3,
            ["positive", "negative"] * 6)
    assert clf.predict(["servizio strepitoso", "servizio penoso"]).tolist() == ["positive", "negative"]


def test_errors_name_the_value():
    clf = perche.SentimentClassifier(words=False)
    with pytest.raises(ValueError, match="label 1 is 'Positivo', expected one of mixed, negative, neutral, positive"):
        clf.fit(["a", "b"], ["positive", "Positivo"])
    with pytest.raises(perche.NotFittedError, match="fit\\(\\) or SentimentClassifier.default\\(\\) first"):
        clf.predict(["a"])
    with pytest.raises(TypeError, match="expected a list of texts"):
        clf.fit("testo", ["positive"])
    with pytest.raises(ValueError, match="polarity 5 of 'x'"):
        perche.SentimentLexicon.parse("x\t5\n")
    with pytest.raises(TypeError, match="lexicon is a int"):
        perche.SentimentClassifier(lexicon=3).fit(["a", "b"], ["positive", "negative"])


def test_set_threads_changes_threads_not_results(default):
    texts = ["gentile", "pessimo", "ok grazie"] * 200
    clf = perche.SentimentClassifier.from_bytes(default.to_bytes())
    want = clf.predict_proba(texts)
    assert clf.set_threads(1).threads == 1
    np.testing.assert_array_equal(clf.predict_proba(texts), want)
    with pytest.raises(ValueError, match="threads 5000 is more than the limit"):
        clf.set_threads(5000)


def test_a_one_column_dataframe_of_texts_is_its_column(default):
    # Red-team 13/04: df[["motivo"]] was read as the list of its column names (one prediction).
    import pandas as pd

    texts = ["Operatore gentilissimo, problema risolto!", "Non mi hanno mai richiamato.", "ok"]
    df = pd.DataFrame({"motivo": texts, "canale": ["app", "web", "app"]})
    assert list(default.predict(df[["motivo"]])) == list(default.predict(texts))
    with pytest.raises(TypeError, match=r"SentimentClassifier.predict: expected texts, got a DataFrame of 2 columns"):
        default.predict(df)


def test_explain_shows_negated_words_as_the_customer_reads_them():
    """Red-team finding of stop 40: the word list showed the feature names 'NEG_richiamato' and
    'mai NEG_richiamato'; the driver model shows the same feature as 'non richiamato'."""
    import csv
    with open(perche.survey.SAMPLE.parent / "sentiment.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))[:1500]
    s = perche.SentimentClassifier(words=True).fit([r["text"] for r in rows], [r["label"] for r in rows])
    e = s.explain("non mi hanno mai richiamato, pessimo servizio clienti", 20)
    terms = [t["term"] for t in e["words"]]
    assert terms and not [t for t in terms if "NEG_" in t or "\x01" in t]
    assert "non richiamato" in terms or "mai richiamato" in terms
