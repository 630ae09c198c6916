# SPDX-License-Identifier: Apache-2.0
"""Sentiment of Italian customer comments: a thin shell over perche::SentimentClassifier
(perche/sentiment.hpp). Classes are always ``mixed``, ``negative``, ``neutral``, ``positive``.

>>> import perche
>>> clf = perche.SentimentClassifier.default()
>>> list(clf.predict(["Operatore gentilissimo, problema risolto!", "Non mi hanno mai richiamato."]))
['positive', 'negative']
"""

import functools
import os
from typing import Optional

import numpy as np

from . import _core
from ._estimator import Estimator, not_fitted
from .classify import _accuracy, _documents
from .metrics import _flag, _integer, _real
from .survey import DATA

LEXICON = DATA / "sentiment_it.tsv"
CALIBRATION = DATA / "sentiment.csv"
CLASSES = tuple(_core.SentimentClassifier.CLASSES)


def _lexicon(lexicon) -> "_core.SentimentLexicon":
    """None: the shipped lexicon; a path; a {term: polarity} mapping; a SentimentLexicon."""
    if lexicon is None:
        return _core.SentimentLexicon.load(os.fsencode(LEXICON))
    if isinstance(lexicon, _core.SentimentLexicon):
        return lexicon
    if isinstance(lexicon, dict):
        return _core.SentimentLexicon([(str(k), float(v)) for k, v in lexicon.items()])
    if isinstance(lexicon, (str, bytes, os.PathLike)):
        return _core.SentimentLexicon.load(os.fsencode(lexicon))
    raise TypeError(f"SentimentClassifier: lexicon is a {type(lexicon).__name__}, expected None, a path, "
                    "a {term: polarity} dict or a perche.SentimentLexicon")


@functools.lru_cache(maxsize=1)
def _shipped_entries() -> list:
    return _lexicon(None).entries


@functools.lru_cache(maxsize=1)
def _default_bytes() -> bytes:
    return _core.SentimentClassifier.default_model(os.fsencode(DATA)).to_bytes()


def _texts(texts, what: str) -> list:
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"{what}: expected a list of texts, got one {type(texts).__name__} "
                        "(wrap it in a list, or use the one-text form)")
    texts = _documents(texts, what, "texts")  # a one-column DataFrame is its column
    return texts if isinstance(texts, list) else list(texts)


class SentimentClassifier(Estimator):
    """Per-comment sentiment: positive, negative, neutral or mixed.

    SentimentClassifier(words=None, C=None, lexicon=None, threads=None): a model to fit on your own
    labelled comments. It learns TF-IDF word features (words=None or True) beside the lexicon's
    features, so a few hundred labels go further (words=False: the lexicon's alone); C is the
    inverse L2 strength of its multinomial logistic regression; lexicon None is the shipped one (or
    a path, a {term: polarity} dict, a perche.SentimentLexicon); threads None/0: all cores. None
    takes the C++ default (perche::SentimentOptions in perche/sentiment.hpp).
    SentimentClassifier.default() needs no training: the shipped lexicon and rules, calibrated on
    the team's labelled comments.

    A scikit-learn classifier on raw texts (get_params, set_params, clone, score: accuracy);
    arguments are stored as given and checked by fit.
    """

    classes_ = np.array(CLASSES)
    _estimator_type = "classifier"
    _tag_input = "string"

    def __init__(self, words: Optional[bool] = None, C: Optional[float] = None, lexicon=None,
                 threads: Optional[int] = None):
        self.words = words
        self.C = C
        self.lexicon = lexicon
        self.threads = threads

    # get_params, set_params, repr and scikit-learn's tags: Estimator (_estimator.py).

    # -- fitting -------------------------------------------------------------------------------
    @classmethod
    def default(cls) -> "SentimentClassifier":
        """The untrained default model (deterministic; built once per process)."""
        return cls.from_bytes(_default_bytes())

    def fit(self, texts, labels) -> "SentimentClassifier":
        """labels: one class name per text (mixed, negative, neutral, positive)."""
        texts = _texts(texts, "SentimentClassifier.fit")
        labels = [str(v) for v in np.asarray(labels, dtype=object).ravel()]
        core = _core.SentimentClassifier(None if self.words is None else _flag(self.words, "words"),
                                         None if self.C is None else _real(self.C, "C"),
                                         None if self.threads is None else _integer(self.threads, "threads", 0, 2**32 - 1),
                                         _lexicon(self.lexicon))
        core.fit(texts, labels)
        self._core = core
        return self

    @property
    def fitted(self) -> bool:
        return getattr(self, "_core", None) is not None

    def _model(self) -> "_core.SentimentClassifier":
        core = getattr(self, "_core", None)
        if core is None:
            raise not_fitted("SentimentClassifier: used before fit (fit() or SentimentClassifier.default() first)")
        return core

    # -- prediction ----------------------------------------------------------------------------
    def predict_proba(self, texts) -> np.ndarray:
        """n × 4 probabilities, columns in classes_ order; one text (str) gives 4 values."""
        if isinstance(texts, (str, bytes)):
            return self._model().predict_proba_one(texts)
        return self._model().predict_proba(_texts(texts, "SentimentClassifier.predict_proba"))

    def predict(self, texts):
        """Class names (a numpy array of str); one text (str) gives one name."""
        if isinstance(texts, (str, bytes)):
            return self._model().predict_one(texts)
        return np.array(self._model().predict(_texts(texts, "SentimentClassifier.predict")), dtype=str)

    def score(self, X, y, sample_weight=None) -> float:
        """Mean accuracy of predict(X) against the class names y, as scikit-learn's."""
        pred = self.predict(_texts(X, "SentimentClassifier.score"))
        return _accuracy(pred, np.asarray([str(v) for v in np.asarray(y, dtype=object).ravel()], dtype=object),
                         sample_weight)

    def explain(self, text, max_terms: Optional[int] = None) -> dict:
        """{"label", "probabilities", "lexicon": [{"term", "weight", "spans"}], "words": [...]}: the
        lexicon matches after the rules (weight > 0 pushes positive), and for a model with word
        features the terms that moved it most. Spans are code-point offsets of a str."""
        return self._model().explain(text, *([] if max_terms is None else [max_terms]))

    def lexicon_features(self, texts) -> np.ndarray:
        """n × 9: the lexicon features the model sees (names: LEXICON_FEATURES)."""
        return self._model().lexicon_features(_texts(texts, "SentimentClassifier.lexicon_features"))

    LEXICON_FEATURES = tuple(_core.SentimentClassifier.LEXICON_FEATURES)

    def set_threads(self, threads: int) -> "SentimentClassifier":
        """Threads of later batch calls (0: all cores), e.g. a Spark task's CPUs; results do not
        depend on it."""
        self._model().set_threads(int(threads))
        self.threads = int(threads) or None
        return self

    # -- persistence ---------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        return self._model().to_bytes()

    @classmethod
    def _of(cls, core: "_core.SentimentClassifier") -> "SentimentClassifier":
        """A loaded model whose arguments (get_params) are those it was fitted with: a lexicon other
        than the shipped one is kept (clone() and GridSearchCV of a loaded model refitted with
        the shipped lexicon)."""
        lexicon = core.lexicon
        shipped = lexicon.entries == _shipped_entries()
        obj = cls(words=core.words, C=core.C, lexicon=None if shipped else lexicon, threads=core.threads or None)
        obj._core = core
        return obj

    @classmethod
    def from_bytes(cls, data: bytes) -> "SentimentClassifier":
        return cls._of(_core.SentimentClassifier.from_bytes(bytes(data)))

    def save(self, path) -> None:
        self._model().save(os.fsencode(path))

    @classmethod
    def load(cls, path, max_bytes: int = _core.DriverClassifier.MAX_MODEL_BYTES) -> "SentimentClassifier":
        """A saved model (max_bytes: DriverClassifier's limit, 1 GiB).
        IoError (an OSError) when the file cannot be read; FormatError when it is not a valid model."""
        return cls._of(_core.SentimentClassifier.load(os.fsencode(path), max_bytes))

    def __getstate__(self):
        state = {k: v for k, v in self.__dict__.items() if k != "_core"}
        state["_model_bytes"] = self.to_bytes() if self.fitted else None
        return state

    def __setstate__(self, state):
        data = state.pop("_model_bytes", None)
        self.__dict__.update(state)
        if data is not None:
            self._core = _core.SentimentClassifier.from_bytes(data)
