# SPDX-License-Identifier: Apache-2.0
"""DriverClassifier(sentiment=True) from Python: per-driver polarity on the shipped sample's gold
polarity columns (positivi, negativi), the threshold policies, pickling and bad labels."""

import csv
import pickle
from pathlib import Path

import numpy as np
import pytest

import perche

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "data" / "survey.csv"


@pytest.fixture(scope="module")
def sample():
    with open(SAMPLE, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["motivo"].strip()]
    drivers = sorted({d for r in rows for d in r["driver"].split("|") if d})

    def matrix(col):
        return np.array([[int(d in r[col].split("|")) for d in drivers] for r in rows], dtype=np.uint8)

    return [r["motivo"] for r in rows], drivers, matrix("driver"), matrix("positivi"), matrix("negativi")


@pytest.fixture(scope="module")
def fitted(sample):
    texts, drivers, Y, P, N = sample
    n = len(texts) * 4 // 5
    clf = perche.DriverClassifier(drivers, sentiment=True).fit(texts[:n], Y[:n], positive=P[:n], negative=N[:n])
    return clf, n


def test_held_out_polarity_flags_reach_the_gold_ones(sample, fitted):
    texts, drivers, Y, P, N = sample
    clf, n = fitted
    pos, neg = clf.predict_polarity(texts[n:])
    assert pos.shape == neg.shape == (len(texts) - n, len(drivers)) and pos.dtype == np.uint8
    gold = np.hstack([P[n:], N[n:]]).ravel().astype(bool)
    got = np.hstack([pos, neg]).ravel().astype(bool)
    f1 = 2 * (gold & got).sum() / (gold.sum() + got.sum())
    assert f1 > 0.85  # ABSITA's ACP micro-F1 over the 2 × 10 flags; 0.93 measured
    present = clf.predict(texts[n:])
    assert not ((pos | neg) & (present == 0)).any()  # a driver not found is 0 in both
    P_, N_ = clf.predict_polarity_proba(texts[n:])
    assert P_.shape == (len(texts) - n, len(drivers)) and ((P_ >= 0) & (P_ <= 1)).all()
    assert clf.has_sentiment and 0 < clf.polarity_threshold < 1


def test_presence_and_polarity_in_one_reading_agree_with_the_separate_calls(sample, fitted):
    texts, drivers, *_ = sample
    clf, n = fitted
    held = texts[n:]
    presence, pos, neg = clf.predict_proba_with_polarity(held)
    P, N = clf.predict_polarity_proba(held)
    np.testing.assert_array_equal(presence, clf.predict_proba(held))
    present = presence >= np.asarray(clf.thresholds)[None, :]
    assert present.any() and (~present).any()
    np.testing.assert_allclose(pos[present], P[present], rtol=1e-12)
    np.testing.assert_allclose(neg[present], N[present], rtol=1e-12)
    assert np.isnan(pos[~present]).all() and np.isnan(neg[~present]).all()
    everyone = clf.predict_proba_with_polarity(held, threshold=0.0)
    np.testing.assert_allclose(everyone[1], P, rtol=1e-12)


def test_the_comments_sentiment_from_the_same_reading_is_its_predict_proba(sample, fitted):
    texts, *_ = sample
    clf, n = fitted
    held = texts[n:n + 200] + ["ho chiamato ieri", ""]
    shipped = perche.SentimentClassifier.default()
    own = perche.SentimentClassifier(lexicon={"gentile": 1.0, "lento": -1.0}).fit(
        ["operatore gentile", "servizio lento", "ho chiamato ieri", "gentile ma lento"] * 10,
        ["positive", "negative", "neutral", "mixed"] * 10)
    presence, pos, neg = clf.predict_proba_with_polarity(held)
    for s in (shipped, own):
        p2, pos2, neg2, sent = clf.predict_proba_with_polarity(held, sentiment=s)
        assert sent.shape == (len(held), 4)
        np.testing.assert_array_equal(sent, s.predict_proba(held))
        np.testing.assert_array_equal(p2, presence)
        np.testing.assert_array_equal(pos2, pos)  # NaN where absent, in both
    with pytest.raises(perche.NotFittedError, match="before fit"):
        clf.predict_proba_with_polarity(held, sentiment=perche.SentimentClassifier())
    with pytest.raises(TypeError, match="must be a perche.SentimentClassifier, got builtins.str"):
        clf.predict_proba_with_polarity(held, sentiment="default")
    # A model of the shipped lexicon with word features: the shared lexicon reading, and its words.
    words = perche.SentimentClassifier(words=True).fit(held[:100], shipped.predict(held[:100]))
    *_, sent = clf.predict_proba_with_polarity(held, threshold=0.3, sentiment=words)
    np.testing.assert_array_equal(sent, words.predict_proba(held))


def test_explain_names_each_drivers_polarity(fitted):
    clf, _ = fitted
    ex = clf.explain("Attesa lunghissima ma alla fine l'operatrice è stata cortese e disponibile")
    by = {e["driver"]: e for e in ex}
    assert by["tempi_attesa"]["polarity"] == "negative"
    assert by["cortesia"]["polarity"] in ("positive", "mixed")
    assert 0 <= by["cortesia"]["positive"] <= 1
    plain = perche.DriverClassifier(["a", "b"], min_df=1).fit(["x y", "z w", "x w", "z y"], [[1, 0], [0, 1], [1, 1], [0, 0]])
    assert plain.explain("x")[0]["polarity"] is None and plain.explain("x")[0]["positive"] is None
    with pytest.raises(RuntimeError, match="without sentiment"):
        plain.predict_polarity(["x"])


def test_a_sentiment_model_round_trips_and_pickles(sample, fitted):
    texts = sample[0][:50]
    clf, _ = fitted
    loaded = perche.DriverClassifier.from_bytes(clf.to_bytes())
    assert loaded.get_params()["sentiment"] is True and loaded.get_params()["threshold"] == "global"
    for back in (loaded, pickle.loads(pickle.dumps(clf))):
        assert back.has_sentiment
        for a, b in zip(back.predict_polarity(texts), clf.predict_polarity(texts)):
            np.testing.assert_array_equal(a, b)


def test_threshold_policies(sample):
    texts, drivers, Y, _, _ = sample
    glob = perche.DriverClassifier(drivers, threshold="global").fit(texts[:600], Y[:600])
    assert len(set(glob.thresholds)) == 1
    own = perche.DriverClassifier(drivers, threshold="per_driver").fit(texts[:600], Y[:600])
    assert len(set(own.thresholds)) > 1
    fixed = perche.DriverClassifier(drivers, threshold=0.3).fit(texts[:600], Y[:600])
    assert fixed.thresholds == [0.3] * len(drivers) and fixed.options.cv_folds == 0
    with pytest.raises(ValueError, match="threshold 'best' is unknown"):
        perche.DriverClassifier(drivers, threshold="best").fit(texts[:10], Y[:10])


def test_bad_polarity_labels_name_the_row_and_driver(sample):
    texts, drivers, Y, P, N = sample
    bad = P[:300].copy()
    i = int(np.flatnonzero(Y[:300, 0] == 0)[0])
    bad[i, 0] = 1
    clf = perche.DriverClassifier(drivers, sentiment=True)
    with pytest.raises(ValueError, match=f"row {i} is positive about driver '{drivers[0]}'"):
        clf.fit(texts[:300], Y[:300], positive=bad, negative=N[:300])
    with pytest.raises(ValueError, match="both positive and negative"):
        clf.fit(texts[:300], Y[:300], positive=P[:300])
    with pytest.raises(ValueError, match="needs positive and negative labels"):
        clf.fit(texts[:300], Y[:300])
