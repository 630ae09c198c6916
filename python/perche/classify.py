# SPDX-License-Identifier: Apache-2.0
"""TF-IDF features, logistic regression and the driver classifier, with scikit-learn's names.

>>> clf = DriverClassifier(["attesa", "cortesia"])
>>> clf.fit(texts, Y)                      # Y: n × 2 array of 0/1, or lists of driver names
>>> clf.predict(["mi hanno fatto aspettare un'ora"])
"""

from __future__ import annotations

import numbers
import os

import numpy as np

from . import _core
from ._core import FormatError
from .text import Tokenizer

__all__ = ["TfidfVectorizer", "LogisticRegression", "DriverClassifier", "FormatError"]


def _doc_freq(name, value):
    """scikit-learn's convention: an int is a document count, a float a proportion."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an int (documents) or a float (proportion), got {value!r}")
    if isinstance(value, numbers.Integral):
        return (float(value), False)
    return (float(value), True)


def _range(name, value):
    try:
        lo, hi = value
        return int(lo), int(hi)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (min, max), got {value!r}") from None


def _enum(enum, name, value):
    try:
        return getattr(enum, value)
    except (AttributeError, TypeError):
        names = ", ".join(repr(k) for k in enum.__members__)
        raise ValueError(f"{name} {value!r} is unknown (expected one of {names})") from None


def _tfidf_options(tokenizer=None, analyzer="word", ngram_range=(1, 1), char_ngram_range=(2, 5), min_df=1,
                   max_df=1.0, max_features=None, sublinear_tf=False, use_idf=True, smooth_idf=True, norm="l2"):
    o = _core.TfidfOptions()
    if tokenizer is not None:
        if isinstance(tokenizer, dict):
            tokenizer = Tokenizer(**tokenizer)
        if not isinstance(tokenizer, _core.Tokenizer):
            raise TypeError(f"tokenizer must be a perche.Tokenizer or a dict of its options, got {tokenizer!r}")
        o.tokenizer = tokenizer
    o.analyzer = _enum(_core.Analyzer, "analyzer", analyzer)
    o.ngram_min, o.ngram_max = _range("ngram_range", ngram_range)
    o.char_min, o.char_max = _range("char_ngram_range", char_ngram_range)
    o.min_df = _doc_freq("min_df", min_df)
    o.max_df = _doc_freq("max_df", max_df)
    if max_features is not None and (not isinstance(max_features, numbers.Integral) or max_features < 1):
        raise ValueError(f"max_features must be a positive int or None, got {max_features!r}")
    o.max_features = int(max_features or 0)
    o.sublinear_tf, o.use_idf, o.smooth_idf = bool(sublinear_tf), bool(use_idf), bool(smooth_idf)
    o.norm = _enum(_core.Norm, "norm", "none" if norm is None else norm)
    return o


def _logistic_options(C=1.0, fit_intercept=True, class_weight=None, tol=1e-6, max_iter=1000, solver="lbfgs"):
    o = _core.LogisticOptions()
    o.C = float(C)
    o.fit_intercept = bool(fit_intercept)
    if class_weight not in (None, "balanced"):
        raise ValueError(f"class_weight {class_weight!r} is unknown (expected None or 'balanced')")
    o.balanced = class_weight == "balanced"
    o.tol = float(tol)
    o.max_iter = int(max_iter)
    o.solver = solver
    return o


def _csr(X):
    import scipy.sparse as sp

    if not sp.issparse(X):
        X = sp.csr_matrix(np.asarray(X, dtype=np.float64))
    return X.tocsr().astype(np.float64)


class TfidfVectorizer(_core.TfidfVectorizer):
    """TF-IDF on perche's Italian terms; the matrix equals scikit-learn's TfidfVectorizer on the same
    terms. Documents are raw texts (tokenized by `tokenizer`, a perche.Tokenizer or a dict of its
    options; default perche.Tokenizer()) or lists of terms.

    Options (keyword only): tokenizer=None, analyzer="word" | "char_wb" | "both",
    ngram_range=(1, 1), char_ngram_range=(2, 5), min_df=1, max_df=1.0, max_features=None,
    sublinear_tf=False, use_idf=True, smooth_idf=True, norm="l2" | "l1" | None.
    """

    def __init__(self, **options):
        self._kwargs = dict(options)
        super().__init__(_tfidf_options(**options))

    def fit(self, docs, threads: int = 0):
        self.fit_transform(docs, threads)
        return self

    @property
    def vocabulary_(self) -> dict:
        return {f: i for i, f in enumerate(self.features)}

    def get_feature_names_out(self):
        return np.asarray(self.features, dtype=object)

    @property
    def idf_(self):
        return self.idf

    def __getstate__(self):
        parts = self._parts()  # one read: a fit on another thread cannot mix two vocabularies
        return {"kwargs": self._kwargs, "features": None if parts is None else list(parts[0]),
                "idf": None if parts is None else np.asarray(parts[1])}

    def __setstate__(self, state):
        self._kwargs = state["kwargs"]
        opts = _tfidf_options(**self._kwargs)
        if state["features"] is None:
            _core.TfidfVectorizer.__init__(self, opts)
        else:
            # Rebuild the fitted C++ object in place from its parts.
            _core.TfidfVectorizer.__init__(self, opts)
            self._adopt(_core.TfidfVectorizer.from_parts(opts, state["features"], state["idf"]))


class LogisticRegression(_core.LogisticRegression):
    """L2 logistic regression with scikit-learn's objective and names (C, class_weight="balanced",
    sample_weight; binary or multinomial); fitted by L-BFGS (solver="lbfgs") or trust-region Newton
    (solver="newton"). X: scipy.sparse or dense."""

    def __init__(self, *, C=1.0, fit_intercept=True, class_weight=None, tol=1e-6, max_iter=1000, solver="lbfgs"):
        super().__init__(_logistic_options(C, fit_intercept, class_weight, tol, max_iter, solver))

    def fit(self, X, y, sample_weight=None):
        y = np.asarray(y)
        if y.dtype.kind not in "iub":
            raise ValueError(f"y must hold integer class labels, got dtype {y.dtype}")
        w = [] if sample_weight is None else np.asarray(sample_weight, dtype=np.float64).tolist()
        super().fit(_csr(X), y.astype(np.int64).tolist(), w)
        return self

    def predict_proba(self, X):
        return super().predict_proba(_csr(X))

    def predict(self, X):
        return np.asarray(super().predict(_csr(X)))

    def decision_function(self, X):
        d = super().decision_function(_csr(X))
        return d[:, 0] if d.shape[1] == 1 else d

    coef_ = property(lambda self: self.coef)
    intercept_ = property(lambda self: self.intercept)
    classes_ = property(lambda self: np.asarray(self.classes))
    n_iter_ = property(lambda self: self.n_iter)


def _texts(texts, what):
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"{what}: expected a list of texts, got a single {type(texts).__name__}")
    out = list(texts)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"{what}: text {i} is {type(t).__name__} ({t!r}), expected str")
    return out


class DriverClassifier(_core.DriverClassifier):
    """Multi-label driver classifier: perche.Tokenizer → TfidfVectorizer → one logistic regression
    per driver, with a per-driver threshold chosen by cross-validation to maximize F1.

    DriverClassifier(drivers=None, **options). Options (keyword only): the TfidfVectorizer options
    (tokenizer, analyzer, ngram_range, char_ngram_range, min_df, max_df, max_features,
    sublinear_tf, use_idf, smooth_idf, norm), the LogisticRegression options (C, class_weight, tol,
    max_iter, solver), cv_folds=5 (0: fixed threshold), threshold=0.5, threads=0, seed=42. Unset options
    take the tuned defaults (DriverOptions in perche/classify.hpp).
    """

    _FEATURES = ("tokenizer", "analyzer", "ngram_range", "char_ngram_range", "min_df", "max_df", "max_features",
                 "sublinear_tf", "use_idf", "smooth_idf", "norm")
    _LOGISTIC = ("C", "fit_intercept", "class_weight", "tol", "max_iter", "solver")

    def __init__(self, drivers=None, **options):
        self._kwargs = dict(options)
        opts = _core.DriverOptions()
        unknown = set(options) - set(self._FEATURES) - set(self._LOGISTIC) - {"cv_folds", "threshold", "threads", "seed"}
        if unknown:
            raise TypeError(f"DriverClassifier: unknown option(s) {', '.join(sorted(unknown))}")
        f = {k: options[k] for k in self._FEATURES if k in options}
        if f:
            d = opts.features
            base = dict(tokenizer=d.tokenizer, analyzer=d.analyzer.name, ngram_range=(d.ngram_min, d.ngram_max),
                        char_ngram_range=(d.char_min, d.char_max),
                        min_df=int(d.min_df[0]) if not d.min_df[1] else d.min_df[0],
                        max_df=d.max_df[0] if d.max_df[1] else int(d.max_df[0]),
                        max_features=d.max_features or None, sublinear_tf=d.sublinear_tf, use_idf=d.use_idf,
                        smooth_idf=d.smooth_idf, norm=d.norm.name)
            base.update(f)
            opts.features = _tfidf_options(**base)
        lg = {k: options[k] for k in self._LOGISTIC if k in options}
        if lg:
            d = opts.logistic
            base = dict(C=d.C, fit_intercept=d.fit_intercept, class_weight="balanced" if d.balanced else None,
                        tol=d.tol, max_iter=d.max_iter, solver=d.solver)
            base.update(lg)
            opts.logistic = _logistic_options(**base)
        for k in ("cv_folds", "threshold", "threads", "seed"):
            if k in options:
                setattr(opts, k, options[k])
        self._options = opts
        super().__init__(list(drivers or []), opts)
        self._constructed = True

    def fit(self, texts, Y):
        """Y: an n × k array of 0/1 (columns in `drivers` order), or for each text a list of driver
        names (drivers not given at construction are then the sorted names seen)."""
        texts = _texts(texts, "DriverClassifier.fit")
        Y, names = self._labels(Y, len(texts))
        # The names go with the data into one call, which publishes the fitted model at once: a
        # thread reading this object meanwhile sees the old model or the new one, never a mix.
        super().fit(texts, Y, names)
        return self

    def _labels(self, Y, n):
        """(n × k uint8 of 0/1, the driver names when Y named new ones, else None)."""
        names = None
        if not _names_per_text(Y):
            arr = np.asarray(Y)
        else:
            rows = [list(r) for r in Y]
            names = list(self.drivers)
            if not names:
                names = sorted({d for r in rows for d in r})
            arr = label_matrix(rows, names, "DriverClassifier.fit")
        if arr.ndim != 2 or arr.shape[0] != n:
            raise ValueError(f"DriverClassifier.fit: Y has shape {arr.shape}, expected ({n}, drivers)")
        bad = np.argwhere((arr != 0) & (arr != 1))
        if len(bad):
            i, j = bad[0]
            raise ValueError(f"DriverClassifier.fit: Y[{i}, {j}] is {arr[i, j]!r}, expected 0 or 1")
        return np.ascontiguousarray(arr, dtype=np.uint8), names

    def predict(self, texts):
        return super().predict(_texts(texts, "DriverClassifier.predict"))

    def predict_proba(self, texts):
        if isinstance(texts, str):
            return self.predict_proba_one(texts)
        return super().predict_proba(_texts(texts, "DriverClassifier.predict_proba"))

    def evaluate(self, texts, Y):
        texts = _texts(texts, "DriverClassifier.evaluate")
        return super().evaluate(texts, self._labels(Y, len(texts))[0])

    def save(self, path):
        super().save(os.fsencode(path))  # bytes: any file name, UTF-8 or not

    @classmethod
    def load(cls, path, max_bytes: int = _core.DriverClassifier.MAX_MODEL_BYTES):
        """A saved model. IoError (an OSError) when the file cannot be read, is not a regular file or
        is larger than max_bytes (1 GiB by default); FormatError when it is not a valid model."""
        return cls._from_core(_core.DriverClassifier.load(os.fsencode(path), max_bytes))

    @classmethod
    def from_bytes(cls, data):
        return cls._from_core(_core.DriverClassifier.from_bytes(bytes(data)))

    @classmethod
    def _from_core(cls, core):
        obj = cls.__new__(cls)
        obj._kwargs = {}
        obj._options = core.options
        _core.DriverClassifier.__init__(obj, list(core.drivers), core.options)
        obj._constructed = True
        obj._adopt(core)
        return obj

    def __reduce__(self):
        if not self.fitted:
            return (DriverClassifier, (list(self.drivers),), None, None, None) if not self._kwargs else (
                _rebuild_unfitted, (list(self.drivers), self._kwargs))
        return (DriverClassifier.from_bytes, (self.to_bytes(),))

    def __repr__(self):
        if not getattr(self, "_constructed", False):
            # A failed __init__ leaves the C++ object unbuilt; tracebacks and debuggers still show it.
            return "DriverClassifier(<not constructed>)"
        state = "fitted" if self.fitted else "not fitted"
        return f"DriverClassifier({list(self.drivers)!r}, {state})"


def label_matrix(rows, names, what: str, error=ValueError) -> np.ndarray:
    """n × k uint8 of 0/1 from each row's driver names, columns in `names` order; a name not in
    `names` raises `error` naming the row."""
    pos = {d: j for j, d in enumerate(names)}
    Y = np.zeros((len(rows), len(names)), dtype=np.uint8)
    for i, r in enumerate(rows):
        for d in r:
            if d not in pos:
                raise error(f"{what}: row {i} names driver {d!r}, not one of {list(names)}")
            Y[i, pos[d]] = 1
    return Y


def _names_per_text(Y) -> bool:
    """True when Y gives, for each text, a collection of driver names (not an array of 0/1)."""
    if isinstance(Y, np.ndarray) or not hasattr(Y, "__len__"):
        return False
    for row in Y:
        if isinstance(row, (str, bytes)):
            return False
        if not hasattr(row, "__iter__"):
            return False
        for item in row:
            return isinstance(item, str)
    return len(Y) > 0  # every row empty: names, with no driver named yet


def _rebuild_unfitted(drivers, kwargs):
    return DriverClassifier(drivers, **kwargs)
