# SPDX-License-Identifier: Apache-2.0
"""TF-IDF features, logistic regression and the driver classifier, with scikit-learn's names.

>>> clf = DriverClassifier(["attesa", "cortesia"])
>>> clf.fit(texts, Y)                      # Y: n × 2 array of 0/1, or lists of driver names
>>> clf.predict(["mi hanno fatto aspettare un'ora"])
"""

from __future__ import annotations

import numbers
import os
import textwrap

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


_TFIDF_OPTIONS = ("tokenizer", "analyzer", "ngram_range", "char_ngram_range", "min_df", "max_df", "max_features",
                  "sublinear_tf", "use_idf", "smooth_idf", "norm")
_LOGISTIC_OPTIONS = ("C", "fit_intercept", "class_weight", "tol", "max_iter", "solver")


def _unknown(what, options, known):
    unknown = set(options) - set(known)
    if unknown:
        raise TypeError(f"{what}: unknown option(s) {', '.join(sorted(unknown))}")


def _tfidf_options(options: dict, o=None):
    """o (default: a fresh perche::TfidfOptions) with the options given; those not given keep the
    C++ defaults. A given None has scikit-learn's meaning (norm=None: no normalization,
    max_features=None: every feature, tokenizer=None: the default Tokenizer)."""
    o = _core.TfidfOptions() if o is None else o
    if "tokenizer" in options:
        tokenizer = options["tokenizer"]
        if isinstance(tokenizer, dict):
            tokenizer = Tokenizer(**tokenizer)
        elif tokenizer is None:
            tokenizer = _core.TfidfOptions().tokenizer
        if not isinstance(tokenizer, _core.Tokenizer):
            raise TypeError(f"tokenizer must be a perche.Tokenizer or a dict of its options, got {tokenizer!r}")
        o.tokenizer = tokenizer
    if "analyzer" in options:
        o.analyzer = _enum(_core.Analyzer, "analyzer", options["analyzer"])
    if "ngram_range" in options:
        o.ngram_min, o.ngram_max = _range("ngram_range", options["ngram_range"])
    if "char_ngram_range" in options:
        o.char_min, o.char_max = _range("char_ngram_range", options["char_ngram_range"])
    for name in ("min_df", "max_df"):
        if name in options:
            setattr(o, name, _doc_freq(name, options[name]))
    if "max_features" in options:
        max_features = options["max_features"]
        if max_features is not None and (not isinstance(max_features, numbers.Integral) or max_features < 1):
            raise ValueError(f"max_features must be a positive int or None, got {max_features!r}")
        o.max_features = int(max_features or 0)
    for name in ("sublinear_tf", "use_idf", "smooth_idf"):
        if name in options:
            setattr(o, name, bool(options[name]))
    if "norm" in options:
        o.norm = _enum(_core.Norm, "norm", "none" if options["norm"] is None else options["norm"])
    return o


def _logistic_options(options: dict, o=None):
    """o (default: a fresh perche::LogisticOptions) with the options given; those not given keep
    the C++ defaults. class_weight: "balanced", or a given None: unweighted (scikit-learn's None)."""
    o = _core.LogisticOptions() if o is None else o
    if "C" in options:
        o.C = float(options["C"])
    if "fit_intercept" in options:
        o.fit_intercept = bool(options["fit_intercept"])
    if "class_weight" in options:
        class_weight = options["class_weight"]
        if class_weight not in (None, "balanced"):
            raise ValueError(f"class_weight {class_weight!r} is unknown (expected None or 'balanced')")
        o.balanced = class_weight == "balanced"
    if "tol" in options:
        o.tol = float(options["tol"])
    if "max_iter" in options:
        o.max_iter = int(options["max_iter"])
    if "solver" in options:
        o.solver = options["solver"]
    return o


def _doc_freq_shown(value):
    count_or_share, share = value
    return count_or_share if share else int(count_or_share)


def _tfidf_shown(o) -> str:
    """TfidfOptions o as the keyword arguments that give it, for docstrings."""
    return (f"analyzer={o.analyzer.name!r}, ngram_range=({o.ngram_min}, {o.ngram_max}), "
            f"char_ngram_range=({o.char_min}, {o.char_max}), min_df={_doc_freq_shown(o.min_df)!r}, "
            f"max_df={_doc_freq_shown(o.max_df)!r}, max_features={o.max_features or None!r}, "
            f"sublinear_tf={o.sublinear_tf!r}, use_idf={o.use_idf!r}, smooth_idf={o.smooth_idf!r}, "
            f"norm={None if o.norm.name == 'none' else o.norm.name!r}")


def _logistic_shown(o) -> str:
    """LogisticOptions o as the keyword arguments that give it, for docstrings."""
    return (f"C={o.C!r}, fit_intercept={o.fit_intercept!r}, "
            f"class_weight={'balanced' if o.balanced else None!r}, tol={o.tol!r}, max_iter={o.max_iter!r}, "
            f"solver={o.solver!r}")


def _doc(**values):
    """Fills a docstring's {fields} at import time from the C++ option structs, so that the
    defaults it shows are the C++ ones, never a copy kept by hand (long values wrapped)."""
    values = {k: textwrap.fill(v, 96, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False)
              for k, v in values.items()}

    def fill(obj):
        obj.__doc__ = obj.__doc__.format(**values)
        return obj
    return fill


def _csr(X):
    import scipy.sparse as sp

    if not sp.issparse(X):
        X = sp.csr_matrix(np.asarray(X, dtype=np.float64))
    return X.tocsr().astype(np.float64)


@_doc(defaults=_tfidf_shown(_core.TfidfOptions()))
class TfidfVectorizer(_core.TfidfVectorizer):
    """TF-IDF on perche's Italian terms; the matrix equals scikit-learn's TfidfVectorizer on the same
    terms. Documents are raw texts (tokenized by `tokenizer`, a perche.Tokenizer or a dict of its
    options; default perche.Tokenizer()) or lists of terms.

    Options (keyword only): tokenizer, analyzer ("word", "char_wb" or "both"), ngram_range,
    char_ngram_range, min_df, max_df, max_features, sublinear_tf, use_idf, smooth_idf, norm ("l2",
    "l1" or None). Those left out take perche's C++ defaults (perche::TfidfOptions):
    {defaults}.
    """

    def __init__(self, **options):
        _unknown("TfidfVectorizer", options, _TFIDF_OPTIONS)
        self._kwargs = dict(options)
        super().__init__(_tfidf_options(options))

    def fit(self, docs, threads=None):
        """Learns the vocabulary and idf of docs (threads None: the C++ default, all cores)."""
        if threads is None:
            self.fit_transform(docs)
        else:
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
        opts = _tfidf_options(self._kwargs)
        if state["features"] is None:
            _core.TfidfVectorizer.__init__(self, opts)
        else:
            # Rebuild the fitted C++ object in place from its parts.
            _core.TfidfVectorizer.__init__(self, opts)
            self._adopt(_core.TfidfVectorizer.from_parts(opts, state["features"], state["idf"]))


@_doc(defaults=_logistic_shown(_core.LogisticOptions()))
class LogisticRegression(_core.LogisticRegression):
    """L2 logistic regression with scikit-learn's objective and names (C, class_weight="balanced",
    sample_weight; binary or multinomial); fitted by L-BFGS (solver="lbfgs") or trust-region Newton
    (solver="newton"). X: scipy.sparse or dense. Options left None take perche's C++ defaults
    (perche::LogisticOptions): {defaults}.
    """

    def __init__(self, *, C=None, fit_intercept=None, class_weight=None, tol=None, max_iter=None, solver=None):
        given = dict(C=C, fit_intercept=fit_intercept, class_weight=class_weight, tol=tol, max_iter=max_iter,
                     solver=solver)
        super().__init__(_logistic_options({k: v for k, v in given.items() if v is not None}))

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


def _driver_shown(o) -> str:
    return (f"{_tfidf_shown(o.features)}, {_logistic_shown(o.logistic)}, cv_folds={o.cv_folds!r}, "
            f"threshold={o.threshold!r}, threads={o.threads!r}, seed={o.seed!r}")


@_doc(defaults=_driver_shown(_core.DriverOptions()))
class DriverClassifier(_core.DriverClassifier):
    """Multi-label driver classifier: perche.Tokenizer → TfidfVectorizer → one logistic regression
    per driver, with a per-driver threshold chosen by cross-validation to maximize F1.

    DriverClassifier(drivers=None, **options). Options (keyword only): the TfidfVectorizer options
    (tokenizer, analyzer, ngram_range, char_ngram_range, min_df, max_df, max_features,
    sublinear_tf, use_idf, smooth_idf, norm), the LogisticRegression options (C, class_weight, tol,
    max_iter, solver), cv_folds (0: fixed threshold), threshold, threads (0: all cores), seed.
    Options left out take the tuned C++ defaults (perche::DriverOptions in perche/classify.hpp):
    {defaults}.
    """

    _FEATURES = _TFIDF_OPTIONS
    _LOGISTIC = _LOGISTIC_OPTIONS
    _OWN = ("cv_folds", "threshold", "threads", "seed")

    def __init__(self, drivers=None, **options):
        self._kwargs = dict(options)
        opts = _core.DriverOptions()
        _unknown("DriverClassifier", options, self._FEATURES + self._LOGISTIC + self._OWN)
        f = {k: options[k] for k in self._FEATURES if k in options}
        if f:
            opts.features = _tfidf_options(f, opts.features)
        lg = {k: options[k] for k in self._LOGISTIC if k in options}
        if lg:
            opts.logistic = _logistic_options(lg, opts.logistic)
        for k in self._OWN:
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
