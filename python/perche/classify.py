# SPDX-License-Identifier: Apache-2.0
"""TF-IDF features, logistic regression and the driver classifier, with scikit-learn's names.

>>> clf = DriverClassifier(["attesa", "cortesia"])
>>> clf.fit(texts, Y)                      # Y: n × 2 array of 0/1, or lists of driver names
>>> clf.predict(["mi hanno fatto aspettare un'ora"])
"""

from __future__ import annotations

import numbers
import os
import sys
import textwrap
from typing import Any, Callable, Type, TypeVar, Union

import numpy as np

from . import _core
from .metrics import _INT32, _flag, _integer, _isna, _label, _missing, _real
from ._core import FormatError
from ._estimator import Estimator, NotFittedError, column_vector_warning, not_fitted
from .text import Tokenizer

_F = TypeVar("_F", bound=Callable[..., Any])
_D = TypeVar("_D", bound="DriverClassifier")

__all__ = ["TfidfVectorizer", "LogisticRegression", "DriverClassifier", "FormatError", "NotFittedError"]


def _doc_freq(name, value):
    """scikit-learn's convention: an int is a document count, a float a proportion."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an int (documents) or a float (proportion), got {value!r}")
    if isinstance(value, numbers.Integral):
        return (float(value), False)
    return (float(value), True)


def _range(name, value):
    """A pair of integers: (1.7, 2.9) and "12" were read as (1, 2)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ValueError(f"{name} must be a pair (min, max), got {value!r}")
    return _integer(value[0], name, *_INT32), _integer(value[1], name, *_INT32)


def _enum(enum, name, value):
    try:
        return getattr(enum, value)
    except (AttributeError, TypeError):
        names = ", ".join(repr(k) for k in enum.__members__)
        raise ValueError(f"{name} {value!r} is unknown (expected one of {names})") from None


_TFIDF_OPTIONS = ("tokenizer", "analyzer", "ngram_range", "char_ngram_range", "min_df", "max_df", "max_features",
                  "sublinear_tf", "use_idf", "smooth_idf", "norm")
_LOGISTIC_OPTIONS = ("C", "fit_intercept", "class_weight", "tol", "max_iter", "solver")


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
            setattr(o, name, _flag(options[name], name))  # "no" was read as True
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
        o.fit_intercept = _flag(options["fit_intercept"], "fit_intercept")
    if "class_weight" in options:
        class_weight = options["class_weight"]
        if class_weight not in (None, "balanced"):
            raise ValueError(f"class_weight {class_weight!r} is unknown (expected None or 'balanced')")
        o.balanced = class_weight == "balanced"
    if "tol" in options:
        o.tol = float(options["tol"])
    if "max_iter" in options:
        o.max_iter = _integer(options["max_iter"], "max_iter", *_INT32)  # >= 1: checked in C++
    if "solver" in options:
        if not isinstance(options["solver"], str):
            raise ValueError(f"solver {options['solver']!r} is not 'newton' or 'lbfgs'")
        o.solver = options["solver"]
    return o


# DriverClassifier's integer options and their C++ widths.
_INTEGER_OPTIONS = {"cv_folds": _INT32, "threads": (0, 2**32 - 1), "seed": (0, 2**64 - 1)}


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


def _doc(**values: str) -> Callable[[_F], _F]:
    """Fills a docstring's {fields} at import time from the C++ option structs, so that the
    defaults it shows are the C++ ones, never a copy kept by hand (long values wrapped)."""
    values = {k: textwrap.fill(v, 96, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False)
              for k, v in values.items()}

    def fill(obj: _F) -> _F:
        obj.__doc__ = (obj.__doc__ or "").format(**values)
        return obj
    return fill


def _csr(X, what: str, n_features=None):
    """X (scipy.sparse, or dense 2-D numbers) as a float64 CSR matrix. ValueError, worded as
    scikit-learn's validation (its estimator checks match these words), for 1-D, empty, complex
    or non-finite input and for a number of features other than n_features."""
    import scipy.sparse as sp

    if sp.issparse(X):
        if X.dtype.kind == "c":
            raise ValueError(f"{what}: Complex data not supported: X has dtype {X.dtype}")
        X = sp.csr_matrix(X, dtype=np.float64)
        values = X.data
    else:
        arr = np.asarray(X)
        if arr.dtype.kind == "c":
            raise ValueError(f"{what}: Complex data not supported: X has dtype {arr.dtype}")
        if arr.dtype.kind == "O":  # pd.NA (nullable Float64/Int64 columns) as NaN, reported below
            missing = _isna(arr)
            if missing.any():
                arr = np.where(missing, np.nan, arr)
        arr = np.asarray(arr, dtype=np.float64)
        if arr.ndim != 2:
            raise ValueError(f"{what}: Expected 2D array, got {arr.ndim}D array of shape {arr.shape} instead. "
                             "Reshape your data either using X.reshape(-1, 1) if it has a single feature or "
                             "X.reshape(1, -1) if it contains a single sample")
        values = arr
        X = None
    if not np.isfinite(values).all():
        i = np.flatnonzero(~np.isfinite(np.ravel(values)))[0]
        raise ValueError(f"{what}: Input X contains NaN or infinity (value {np.ravel(values)[i]!r} at flat "
                         f"position {i} of the {'stored values' if X is not None else 'array'})")
    if X is None:
        X = sp.csr_matrix(values)
    if X.shape[0] == 0:
        raise ValueError(f"{what}: Found array with 0 sample(s) (shape={X.shape}) while a minimum of 1 is required.")
    if X.shape[1] == 0:
        raise ValueError(f"{what}: Found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(f"{what}: X has {X.shape[1]} features, but LogisticRegression is expecting "
                         f"{n_features} features as input")
    return X


def _feature_names(X):
    """A DataFrame's column names when they are all str (scikit-learn's feature_names_in_), else None."""
    columns = getattr(X, "columns", None)
    if columns is None or len(getattr(X, "shape", ())) != 2 or not all(isinstance(c, str) for c in columns):
        return None
    return np.asarray(list(columns), dtype=object)


def _given(params: dict) -> dict:
    """The options given: None is "not given" (perche's C++ default), save for norm, where None is
    scikit-learn's "no normalization" and "default" the C++ default."""
    return {k: v for k, v in params.items() if (v is not None or k == "norm") and not (k == "norm" and v == "default")}


def _tfidf_params(o) -> dict:
    """The TfidfVectorizer arguments that give TfidfOptions o."""
    return dict(tokenizer=o.tokenizer, analyzer=o.analyzer.name, ngram_range=(o.ngram_min, o.ngram_max),
                char_ngram_range=(o.char_min, o.char_max), min_df=_doc_freq_shown(o.min_df),
                max_df=_doc_freq_shown(o.max_df), max_features=o.max_features or None, sublinear_tf=o.sublinear_tf,
                use_idf=o.use_idf, smooth_idf=o.smooth_idf, norm=None if o.norm.name == "none" else o.norm.name)


def _logistic_params(o) -> dict:
    """The LogisticRegression arguments that give LogisticOptions o."""
    return dict(C=o.C, fit_intercept=o.fit_intercept, class_weight="balanced" if o.balanced else None, tol=o.tol,
                max_iter=o.max_iter, solver=o.solver)


@_doc(defaults=_tfidf_shown(_core.TfidfOptions()))
class TfidfVectorizer(Estimator, _core.TfidfVectorizer):
    """TF-IDF on perche's Italian terms; the matrix equals scikit-learn's TfidfVectorizer on the same
    terms. Documents are raw texts (tokenized by `tokenizer`, a perche.Tokenizer or a dict of its
    options; default perche.Tokenizer()) or lists of terms. A scikit-learn transformer: get_params,
    set_params, clone, Pipeline; fit(X, y=None) ignores y.

    Options (keyword only): tokenizer, analyzer ("word", "char_wb" or "both"), ngram_range,
    char_ngram_range, min_df, max_df, max_features (None: every feature), sublinear_tf, use_idf,
    smooth_idf, norm ("l2", "l1", None: no normalization, or "default"). They are checked by fit.
    Those left None (norm: "default") take perche's C++ defaults (perche::TfidfOptions):
    {defaults}.
    """

    _estimator_type = "transformer"
    _tag_input = "string"
    _tag_requires_y = False

    def __init__(self, *, tokenizer=None, analyzer=None, ngram_range=None, char_ngram_range=None, min_df=None,
                 max_df=None, max_features=None, sublinear_tf=None, use_idf=None, smooth_idf=None, norm="default"):
        super().__init__(_core.TfidfOptions())  # an unfitted C++ object; fit builds it from the options
        self.tokenizer = tokenizer
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.norm = norm

    def _build_options(self):
        return _tfidf_options(_given(self.get_params(deep=False)))

    @property
    def options(self):
        """The fitted model's TfidfOptions; before fit, those the arguments give."""
        return _core.TfidfVectorizer.options.fget(self) if self.fitted else self._build_options()

    def fit(self, X, y=None, threads=None):
        """Learns the vocabulary and idf of the documents X (threads None: the C++ default, all
        cores); y is ignored. Returns self."""
        self.fit_transform(X, threads=threads)
        return self

    def fit_transform(self, X, y=None, threads=None):
        """fit(X), then the TF-IDF matrix of X (scipy.sparse CSR), in one pass."""
        X = _documents(X, "TfidfVectorizer.fit", "documents")
        fresh = _core.TfidfVectorizer(self._build_options())
        Xt = fresh.fit_transform(X) if threads is None else fresh.fit_transform(X, threads)
        self._adopt(fresh)  # published at once: a reader on another thread sees the old model or this one
        return Xt

    def transform(self, X, threads=None):
        """The TF-IDF matrix of the documents X (scipy.sparse CSR) with the fitted vocabulary."""
        if not self.fitted:
            raise not_fitted("TfidfVectorizer: transform before fit")
        X = _documents(X, "TfidfVectorizer.transform", "documents")
        return super().transform(X) if threads is None else super().transform(X, threads)

    @property
    def vocabulary_(self) -> dict:
        if not self.fitted:  # {} before fit read as an empty vocabulary
            raise not_fitted("TfidfVectorizer: vocabulary_ before fit")
        return {f: i for i, f in enumerate(self.features)}

    def get_feature_names_out(self, input_features=None):
        """The terms, in column order (input_features is ignored: the input is text)."""
        if not self.fitted:
            raise not_fitted("TfidfVectorizer: get_feature_names_out before fit")
        return np.asarray(self.features, dtype=object)

    @property
    def idf_(self):
        if not self.fitted:
            raise not_fitted("TfidfVectorizer: idf_ before fit")
        return self.idf

    def set_output(self, *, transform=None):
        """scikit-learn's set_output: the output is a scipy.sparse matrix, which pandas and polars
        containers cannot hold; "default" (or None) is accepted, other containers raise ValueError."""
        if transform not in (None, "default"):
            raise ValueError(f"TfidfVectorizer.set_output: transform={transform!r} is not supported; the output is "
                             "a scipy.sparse matrix (expected 'default' or None)")
        return self

    def __getstate__(self):
        parts = self._parts()  # one read: a fit on another thread cannot mix two vocabularies
        return {"params": self.get_params(deep=False),
                "options": _tfidf_params(_core.TfidfVectorizer.options.fget(self)) if parts is not None else None,
                "features": None if parts is None else list(parts[0]),
                "idf": None if parts is None else np.asarray(parts[1])}

    def __setstate__(self, state):
        params = state["params"] if "params" in state else _legacy_tfidf_params(state)
        _core.TfidfVectorizer.__init__(self, _core.TfidfOptions())
        self.__dict__.update(params)
        if state["features"] is not None:
            # Rebuild the fitted C++ object from its parts, with the options it was fitted with.
            opts = _tfidf_options(state["options"]) if state.get("options") is not None else self._build_options()
            self._adopt(_core.TfidfVectorizer.from_parts(opts, state["features"], state["idf"]))


def _legacy_tfidf_params(state) -> dict:
    """Arguments of a vectorizer pickled by perche <= 0.1 (state "kwargs": the options given)."""
    params = {k: None for k in _TFIDF_OPTIONS}
    params["norm"] = "default"
    params.update(state["kwargs"])
    return params


@_doc(defaults=_logistic_shown(_core.LogisticOptions()))
class LogisticRegression(Estimator, _core.LogisticRegression):
    """L2 logistic regression with scikit-learn's objective and names (C, class_weight: None,
    "balanced" or a dict {{class: weight}}; sample_weight; binary or multinomial); fitted by L-BFGS
    (solver="lbfgs") or trust-region Newton (solver="newton"). X: scipy.sparse or dense; y: class
    labels of any sortable type (ints, strings…). A scikit-learn classifier: get_params, set_params,
    clone, score (accuracy), classes_, n_features_in_, feature_names_in_ (fitted on a DataFrame of
    named columns: predicting a DataFrame with other columns, or another order, raises ValueError).
    Options are checked by fit; those left None take perche's C++ defaults (perche::LogisticOptions):
    {defaults}.
    """

    _estimator_type = "classifier"

    def __init__(self, *, C=None, fit_intercept=None, class_weight=None, tol=None, max_iter=None, solver=None):
        super().__init__(_core.LogisticOptions())  # an unfitted C++ object; fit builds it from the options
        self.C = C
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver

    def _build_options(self):
        given = _given(self.get_params(deep=False))
        if isinstance(given.get("class_weight"), dict):
            given.pop("class_weight")  # applied as sample weights by fit
        return _logistic_options(given)

    @property
    def options(self):
        """The fitted model's LogisticOptions; before fit, those the arguments give."""
        return _core.LogisticRegression.options.fget(self) if self.fitted else self._build_options()

    @property
    def fitted(self) -> bool:
        return "classes_" in self.__dict__

    def fit(self, X, y=None, sample_weight=None):
        """Fits on X (n × features) and the class labels y (n). Returns self."""
        what = "LogisticRegression.fit"
        if y is None:
            raise ValueError(f"{what}: this estimator requires y to be passed, but the target y is None")
        names = _feature_names(X)
        X = _csr(X, what)
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            column_vector_warning(what)
            y = y.ravel()
        if y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise ValueError(f"{what}: y has shape {y.shape}: expected {X.shape[0]} labels, one class label per "
                             "row of X")
        if y.dtype.kind == "f":
            if not np.isfinite(y).all():
                raise ValueError(f"{what}: y[{np.flatnonzero(~np.isfinite(y))[0]}] is not finite")
            if (y != np.round(y)).any():
                i = np.flatnonzero(y != np.round(y))[0]
                raise ValueError(f"{what}: Unknown label type: continuous (y[{i}] = {float(y[i])!r}; expected "
                                 "integer or string class labels)")
        elif y.dtype.kind not in "iubUSO":
            raise ValueError(f"{what}: Unknown label type: {y.dtype} (expected integer or string class labels)")
        if y.dtype.kind == "O" and _isna(y).any():  # np.unique: "'<' not supported between 'NoneType' and 'str'"
            i = int(np.flatnonzero(_isna(y))[0])
            raise ValueError(f"{what}: y[{i}] is missing ({y[i]!r}); expected a class label for every row")
        try:
            classes, codes = np.unique(y, return_inverse=True)
        except TypeError as e:
            raise ValueError(f"{what}: y mixes labels that cannot be sorted together ({e})") from None
        if len(classes) < 2:
            raise ValueError(f"{what}: y has 1 class ({classes[0]!r}); a classifier needs at least two")
        w = self._weights(sample_weight, classes, codes, what)
        fresh = _core.LogisticRegression(self._build_options())
        fresh.fit(X, codes.astype(np.int64).tolist(), w)
        self._adopt(fresh)
        self.__dict__.pop("_n_iter", None)  # that of an unpickled model
        self.classes_ = classes
        self.n_features_in_ = X.shape[1]
        if names is None:
            self.__dict__.pop("feature_names_in_", None)  # those of an earlier fit on a DataFrame
        else:
            self.feature_names_in_ = names
        return self

    def _weights(self, sample_weight, classes, codes, what) -> list:
        n = len(codes)
        w = None
        if sample_weight is not None:
            w = np.asarray(sample_weight, dtype=np.float64)
            if w.ndim == 0:
                w = np.full(n, float(w))
            if w.shape != (n,):
                raise ValueError(f"{what}: {w.size} sample weights (shape {w.shape}) for {n} rows")
            if np.isfinite(w).all() and (w >= 0).all() and not w.any():
                raise ValueError(f"{what}: all {n} sample weights are zero")
        cw = self.class_weight
        if isinstance(cw, dict):
            keys = [c.item() if hasattr(c, "item") else c for c in classes]
            unknown = [k for k in cw if k not in keys]
            if unknown:  # as scikit-learn: a weight for no class is a mistake, not ignored
                raise ValueError(f"{what}: class_weight names {unknown!r}, which are not classes of y "
                                 f"({sorted(keys, key=str)!r})")
            per_class = np.array([float(cw.get(k, 1.0)) for k in keys])
            w = per_class[codes] * (1.0 if w is None else w)
        return [] if w is None else w.tolist()

    def _X(self, X, what):
        if not self.fitted:
            raise not_fitted(f"LogisticRegression: {what} before fit")
        fitted, names = self.__dict__.get("feature_names_in_"), _feature_names(X)
        if fitted is not None and names is not None and list(names) != list(fitted):
            # As scikit-learn: the same columns in another order put each coefficient on another column.
            seen, given = set(fitted), set(names)
            unseen = [n for n in names if n not in seen]
            missing = [n for n in fitted if n not in given]
            why = (f"unseen at fit: {unseen[:5]!r}; " if unseen else "") + (f"missing: {missing[:5]!r}" if missing else "")
            raise ValueError(f"LogisticRegression.{what}: The feature names should match those that were passed "
                             f"during fit ({why or 'the same names in another order'}; expected "
                             f"{list(fitted)[:10]!r}{' ...' if len(fitted) > 10 else ''})")
        return _csr(X, f"LogisticRegression.{what}", self.n_features_in_)

    def predict_proba(self, X):
        """n × classes probabilities, columns in classes_ order."""
        return super().predict_proba(self._X(X, "predict_proba"))

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable class of each row (a label of classes_)."""
        codes = np.asarray(super().predict(self._X(X, "predict")), dtype=np.intp)
        return self.classes_[codes]

    def decision_function(self, X):
        d = super().decision_function(self._X(X, "decision_function"))
        return d[:, 0] if d.shape[1] == 1 else d

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of predict(X) against y (weighted by sample_weight), as scikit-learn's."""
        return _accuracy(self.predict(X), np.asarray(y), sample_weight)

    def _fitted_attr(name):
        def get(self):
            if not self.fitted:
                raise not_fitted(f"LogisticRegression: {name} before fit")
            return getattr(_core.LogisticRegression, name).fget(self)
        return get

    coef_ = property(_fitted_attr("coef"))
    intercept_ = property(_fitted_attr("intercept"))
    n_iter_ = property(lambda self: self.__dict__.get("_n_iter", _core.LogisticRegression.n_iter.fget(self)))

    @property
    def n_iter(self):
        # Hidden: scikit-learn reads an attribute n_iter as an argument of that name (its checks
        # call set_params(n_iter=…)); the iterations are n_iter_.
        raise AttributeError("LogisticRegression.n_iter: use n_iter_")
    del _fitted_attr

    @property
    def classes(self) -> list:
        """The class labels (classes_ as a list); [] before fit."""
        return list(self.classes_) if self.fitted else []

    def __getstate__(self):
        state = {"params": self.get_params(deep=False)}
        if self.fitted:
            if "feature_names_in_" in self.__dict__:
                state["feature_names_in_"] = self.feature_names_in_
            state.update(classes_=self.classes_, n_features_in_=self.n_features_in_,
                         options=_logistic_params(_core.LogisticRegression.options.fget(self)), coef=self.coef_,
                         intercept=np.asarray(self.intercept_), n_iter=self.n_iter_)
        return state

    def __setstate__(self, state):
        _core.LogisticRegression.__init__(self, _core.LogisticOptions())
        self.__dict__.update(state["params"])
        if "classes_" in state:
            k = len(state["classes_"])
            opts = _logistic_options(state["options"])
            self._adopt(_core.LogisticRegression.from_parts(opts, list(range(k)), state["coef"],
                                                            state["intercept"].tolist()))
            self.classes_ = state["classes_"]
            self.n_features_in_ = state["n_features_in_"]
            self._n_iter = state["n_iter"]
            if "feature_names_in_" in state:
                self.feature_names_in_ = state["feature_names_in_"]


def _accuracy(pred, y, sample_weight=None) -> float:
    """Share of rows predicted right (every label right, for a label matrix), weighted or not:
    scikit-learn's accuracy_score."""
    pred = np.asarray(pred)
    if pred.shape != y.shape:
        raise ValueError(f"score: y has shape {y.shape}, predictions have shape {pred.shape}")
    right = (pred == y) if pred.ndim == 1 else (pred == y).all(axis=1)
    if sample_weight is not None:
        w = np.asarray(sample_weight, dtype=float)
        if w.shape != right.shape:
            raise ValueError(f"score: sample_weight has shape {w.shape}, expected ({len(right)},)")
        bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
        if bad.size:
            raise ValueError(f"score: sample_weight {w[bad[0]]} at index {bad[0]} is not a finite number >= 0")
        if right.size and w.sum() == 0:
            raise ValueError("score: the sample weights sum to zero")
        sample_weight = w
    return float(np.average(right, weights=sample_weight))


def _documents(X, what, noun):
    """X as a sequence of documents. One str (or bytes) was read as one document per character and
    a DataFrame as the list of its column names: a one-column DataFrame (df[["motivo"]], what a
    ColumnTransformer gives) is its column; a str, or a DataFrame of several columns, TypeError."""
    if isinstance(X, (str, bytes)):
        raise TypeError(f"{what}: expected a list of {noun}, got a single {type(X).__name__} (wrap it in a list)")
    if hasattr(X, "columns") and len(getattr(X, "shape", ())) == 2:  # a pandas or polars DataFrame
        columns = list(X.columns)
        if len(columns) != 1:
            shown = ", ".join(map(repr, columns[:10])) + (f" and {len(columns) - 10} more" if len(columns) > 10 else "")
            raise TypeError(f"{what}: expected {noun}, got a DataFrame of {len(columns)} columns ({shown}); pass "
                            "one column (df[\"name\"])")
        return X.iloc[:, 0] if hasattr(X, "iloc") else X[columns[0]]
    return X


def _texts(texts, what):
    out = list(_documents(texts, what, "texts"))
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"{what}: text {i} is {type(t).__name__} ({t!r}), expected str")
    return out


_POLICIES = {"per_driver": _core.ThresholdPolicy.per_driver, "global": _core.ThresholdPolicy.global_}


def _threshold_shown(o):
    """The `threshold` argument that gives these options: the policy's name, or the fixed value."""
    if o.cv_folds == 0:
        return o.threshold
    return "global" if o.threshold_policy == _core.ThresholdPolicy.global_ else "per_driver"


def _driver_shown(o) -> str:
    return (f"{_tfidf_shown(o.features)}, {_logistic_shown(o.logistic)}, cv_folds={o.cv_folds!r}, "
            f"threshold={_threshold_shown(o)!r}, nb_scale={o.nb_scale!r}, sentiment={o.sentiment!r}, "
            f"polarity_C={o.polarity_C!r}, threads={o.threads!r}, seed={o.seed!r}")


@_doc(defaults=_driver_shown(_core.DriverOptions()))
class DriverClassifier(Estimator, _core.DriverClassifier):
    """Multi-label driver classifier: perche.Tokenizer → TfidfVectorizer → one logistic regression
    per driver, with thresholds chosen by cross-validation to maximize F1; with sentiment=True also
    the polarity of each present driver (aspect-based sentiment).

    DriverClassifier(drivers=None, **options). Options (keyword only): the TfidfVectorizer options
    (tokenizer, analyzer, ngram_range, char_ngram_range, min_df, max_df, max_features,
    sublinear_tf, use_idf, smooth_idf, norm), the LogisticRegression options (C, fit_intercept,
    class_weight, tol, max_iter, solver), cv_folds (0: the fixed threshold), threshold ("global":
    one threshold for all drivers, "per_driver": each its own, both chosen by cross-validation; a
    number in (0, 1): that fixed threshold, with cv_folds=0), nb_scale (Naive-Bayes feature scaling of
    the presence models, Wang & Manning 2012; training only), sentiment (fit then takes positive=
    and negative= labels; predict_polarity), polarity_C (C of the polarity models), threads (0: all
    cores), seed. A scikit-learn multi-label classifier on raw texts: get_params, set_params,
    clone, score (subset accuracy), classes_ (the driver names). Options are checked by fit; those
    left None (norm: "default") take the tuned C++ defaults (perche::DriverOptions in
    perche/classify.hpp): {defaults}.
    """

    _FEATURES = _TFIDF_OPTIONS
    _LOGISTIC = _LOGISTIC_OPTIONS
    _OWN = ("cv_folds", "nb_scale", "sentiment", "polarity_C", "threads", "seed")
    _estimator_type = "classifier"
    _tag_input = "string"
    _tag_multi_label = True

    def __init__(self, drivers=None, *, tokenizer=None, analyzer=None, ngram_range=None, char_ngram_range=None,
                 min_df=None, max_df=None, max_features=None, sublinear_tf=None, use_idf=None, smooth_idf=None,
                 norm="default", C=None, fit_intercept=None, class_weight=None, tol=None, max_iter=None, solver=None,
                 cv_folds=None, threshold=None, nb_scale=None, sentiment=None, polarity_C=None, threads=None,
                 seed=None):
        super().__init__([], _core.DriverOptions())  # an unfitted C++ object; fit builds it from the options
        self.drivers = drivers
        self.tokenizer = tokenizer
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.norm = norm
        self.C = C
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.solver = solver
        self.cv_folds = cv_folds
        self.threshold = threshold
        self.nb_scale = nb_scale
        self.sentiment = sentiment
        self.polarity_C = polarity_C
        self.threads = threads
        self.seed = seed

    # `drivers` is an argument (kept as given in the instance dict) and the fitted model's names.
    @property
    def drivers(self) -> list:
        """The fitted model's driver names; before fit, those given."""
        if _core.DriverClassifier.fitted.fget(self):
            return _core.DriverClassifier.drivers.fget(self)
        return self._given_drivers()

    def _given_drivers(self) -> list:
        """The driver names given to the constructor, as a list (any iterable of names: a numpy
        array of str too); one str is refused rather than read as one driver per letter."""
        given = self.__dict__.get("drivers")
        if given is None:
            return []
        if isinstance(given, (str, bytes)):
            raise TypeError(f"DriverClassifier: drivers must be a list of names, got one {type(given).__name__} "
                            f"{given!r} (pass [{given!r}] for one driver)")
        names = list(given)
        for i, name in enumerate(names):
            if not isinstance(name, str):
                raise TypeError(f"DriverClassifier: driver {i} is {type(name).__name__} ({name!r}), expected a name "
                                "(str)")
        return names

    @drivers.setter
    def drivers(self, value):
        self.__dict__["drivers"] = value

    def _get_param(self, name):
        return self.__dict__.get("drivers") if name == "drivers" else getattr(self, name)

    def _build_options(self):
        options = _given({k: v for k, v in self.get_params(deep=False).items() if k != "drivers"})
        opts = _core.DriverOptions()
        f = {k: options[k] for k in self._FEATURES if k in options}
        if f:
            opts.features = _tfidf_options(f, opts.features)
        lg = {k: options[k] for k in self._LOGISTIC if k in options}
        if lg:
            opts.logistic = _logistic_options(lg, opts.logistic)
        for k in self._OWN:
            if k in options:
                v = options[k]
                if k in _INTEGER_OPTIONS:  # a wrong width gave pybind11's "incompatible function arguments"
                    v = _integer(v, f"DriverClassifier: {k}", *_INTEGER_OPTIONS[k])
                elif k in ("nb_scale", "sentiment"):
                    v = _flag(v, f"DriverClassifier: {k}")
                elif k == "polarity_C":
                    v = _real(v, f"DriverClassifier: {k}")
                setattr(opts, k, v)
        t = options.get("threshold")
        if isinstance(t, str):
            if t not in _POLICIES:
                raise ValueError(f"DriverClassifier: threshold {t!r} is unknown (expected \"global\", "
                                 f"\"per_driver\" or a number in (0, 1))")
            opts.threshold_policy = _POLICIES[t]
        elif t is not None:
            opts.threshold = _real(t, "DriverClassifier: threshold")
            if "cv_folds" not in options:
                opts.cv_folds = 0  # a number is the threshold itself, not a start for cross-validation
            elif opts.cv_folds >= 2:  # the number was silently replaced by the cross-validated one
                raise ValueError(f"DriverClassifier: threshold={t!r} is a fixed threshold and cv_folds="
                                 f"{opts.cv_folds} chooses one by cross-validation: give one of them (a fixed "
                                 "threshold needs cv_folds=0)")
        return opts

    @property
    def options(self):
        """The fitted model's DriverOptions; before fit, those the arguments give."""
        if _core.DriverClassifier.fitted.fget(self):
            return _core.DriverClassifier.options.fget(self)
        return self._build_options()

    @property
    def classes_(self):
        """The driver names, the columns of predict and predict_proba."""
        if not self.fitted:
            raise not_fitted("DriverClassifier: classes_ before fit")
        return np.asarray(self.drivers, dtype=object)

    def fit(self, X, y, positive=None, negative=None):
        """X: the texts. y: an n × k array of 0/1 (columns in `drivers` order; scipy.sparse too), a
        DataFrame of 0/1 whose columns are matched to the drivers by name, with split_labels'
        spelling key (drivers not given: its columns name them), or for each text a list of driver
        names (drivers not given at construction are then the sorted names seen).
        With sentiment=True, positive and negative: n × k arrays of 0/1 in the same order (or for
        each text the names of the drivers it praises, blames), 1 where the text speaks of the
        driver positively (negatively); both 1: mixed; both 0 where y is 1: neutral; 0 where y is 0.
        Returns self."""
        texts = _texts(X, "DriverClassifier.fit")
        given = self._given_drivers()
        # Fitted apart and published in one step: a thread reading this object meanwhile sees the
        # old model or the new one, never a mix.
        fresh = _core.DriverClassifier(given, self._build_options())  # checks the arguments
        Y, names = self._labels(y, len(texts), given)
        if (positive is None) != (negative is None):
            raise ValueError("DriverClassifier.fit: give both positive and negative labels, or neither")
        if positive is None:
            fresh.fit(texts, Y, names)
        else:
            order = names or given
            P = self._labels(positive, len(texts), order, "positive")[0]
            N = self._labels(negative, len(texts), order, "negative")[0]
            fresh.fit(texts, Y, names, P, N)
        if self.fitted and self.labels and list(fresh.drivers) == list(self.drivers):
            fresh.labels = list(self.labels)  # a refit on the same drivers keeps their display names
        self._adopt(fresh)
        return self

    def predict_polarity(self, X):
        """(positive, negative): two n × k uint8 arrays of 0/1, columns in `drivers` order; a driver
        that predict() does not find is 0 in both. Needs a model fitted with sentiment=True."""
        return super().predict_polarity(_texts(X, "DriverClassifier.predict_polarity"))

    def predict_polarity_proba(self, X):
        """(P(positive | present), P(negative | present)): two n × k arrays, whatever the presence."""
        return super().predict_polarity_proba(_texts(X, "DriverClassifier.predict_polarity_proba"))

    def predict_proba_with_polarity(self, X, threshold=None, sentiment=None):
        """(presence, P(positive | present), P(negative | present)): three n × k arrays from one
        reading of each text; the polarity of a driver below its threshold (or below `threshold`,
        one for every driver, when given) is NaN. With `sentiment` (a fitted
        perche.SentimentClassifier) a fourth array, n × 4: each comment's
        sentiment.predict_proba from the same reading (the shipped lexicon reads each comment once
        for both). What perche.analyze uses."""
        texts = _texts(X, "DriverClassifier.predict_proba_with_polarity")
        if sentiment is None:
            return super().predict_proba_with_polarity(texts, threshold)
        from .sentiment import SentimentClassifier

        if not isinstance(sentiment, SentimentClassifier):
            raise TypeError("DriverClassifier.predict_proba_with_polarity: sentiment must be a "
                            f"perche.SentimentClassifier, got {type(sentiment).__module__}.{type(sentiment).__name__}")
        return super().predict_proba_with_polarity(texts, threshold, sentiment._model())

    def _labels(self, Y, n, drivers, what=None):
        """(n × k uint8 of 0/1 in `drivers` order, the driver names when Y named new ones, else
        None). A DataFrame's columns are matched to `drivers` by name (with no drivers, they name
        them); a scipy.sparse matrix is read as its dense form."""
        what = what or "Y"
        names = None
        order = None  # a DataFrame's column of each driver
        columns = None  # a DataFrame's column names, when they are names
        sparse = sys.modules.get("scipy.sparse")
        if sparse is not None and sparse.issparse(Y):  # MultiLabelBinarizer(sparse_output=True)
            arr = Y.toarray()
        elif _is_frame(Y):
            arr = Y.to_numpy() if hasattr(Y, "to_numpy") else np.asarray(Y)
            if all(isinstance(c, str) for c in Y.columns):  # a frame from an array has columns 0, 1...: by position
                columns = list(Y.columns)
                if drivers:
                    order = _frame_order(columns, list(drivers), what)
                else:
                    names = columns
        elif not _names_per_text(Y):
            arr = np.asarray(Y)
        else:
            rows = list(Y)
            at = next((i for i, r in enumerate(rows) if _missing(r)), None)
            if at is not None:  # str.split of a missing cell: 'float' object is not iterable
                label = f" (index {_label(Y.index[at])!r})" if hasattr(Y, "iloc") else ""
                raise ValueError(f"DriverClassifier.fit: {what}[{at}]{label} is missing ({rows[at]!r}); expected "
                                 f"its list of driver names, [] for none ({what}.apply(lambda r: r if "
                                 "isinstance(r, list) else [])), or leave the row out")
            rows = [list(r) for r in rows]
            names = list(drivers)
            if not names:
                names = sorted({d for r in rows for d in r})
            arr = label_matrix(rows, names, "DriverClassifier.fit")
        if arr.ndim != 2 or arr.shape[0] != n:
            raise ValueError(f"DriverClassifier.fit: {what} has shape {arr.shape}, expected ({n}, drivers)")
        if arr.dtype.kind == "c":  # 1+0j passed the 0/1 check and lost its imaginary part with a warning
            raise ValueError(f"DriverClassifier.fit: {what} is complex ({arr.dtype}), expected 0/1 numbers")
        bad = np.argwhere(_isna(arr)) if arr.dtype.kind == "O" else ()  # pd.NA: "boolean value of NA is ambiguous"
        if not len(bad):
            bad = np.argwhere((arr != 0) & (arr != 1))
        if len(bad):
            i, j = bad[0]
            column = f" (column {columns[j]!r})" if columns else ""
            raise ValueError(f"DriverClassifier.fit: {what}[{i}, {j}]{column} is {arr[i, j]!r}, expected 0 or 1")
        if order is not None:
            arr = arr[:, order]
        return np.ascontiguousarray(arr, dtype=np.uint8), names

    def predict(self, X):
        return super().predict(_texts(X, "DriverClassifier.predict"))

    def predict_proba(self, X):
        if isinstance(X, str):
            return self.predict_proba_one(X)
        return super().predict_proba(_texts(X, "DriverClassifier.predict_proba"))

    def evaluate(self, texts, Y):
        if not self.fitted:  # the labels' shape was checked against no drivers first
            raise not_fitted("DriverClassifier: evaluate before fit")
        texts = _texts(texts, "DriverClassifier.evaluate")
        return super().evaluate(texts, self._labels(Y, len(texts), self.drivers)[0])

    def score(self, X, y, sample_weight=None):
        """Subset accuracy (every driver of a text right), as scikit-learn's for multi-label
        classifiers; y as for fit. For per-driver precision/recall/F1 see evaluate()."""
        texts = _texts(X, "DriverClassifier.score")
        Y = self._labels(y, len(texts), self.drivers)[0]
        return _accuracy(self.predict(texts), Y, sample_weight)

    def save(self, path):
        super().save(os.fsencode(path))  # bytes: any file name, UTF-8 or not

    @classmethod
    def load(cls: Type[_D], path: Union[str, bytes, os.PathLike[str], os.PathLike[bytes]],
             max_bytes: int = _core.DriverClassifier.MAX_MODEL_BYTES) -> _D:
        """A saved model. IoError (an OSError) when the file cannot be read, is not a regular file or
        is larger than max_bytes (1 GiB by default); FormatError when it is not a valid model."""
        return cls._from_core(_core.DriverClassifier.load(os.fsencode(path), max_bytes))

    @classmethod
    def from_bytes(cls: Type[_D], data: bytes) -> _D:
        """A model from to_bytes(); its arguments (get_params) are the options it was fitted with."""
        return cls._from_core(_core.DriverClassifier.from_bytes(bytes(data)))

    @classmethod
    def _from_core(cls: Type[_D], core: _core.DriverClassifier) -> _D:
        o = core.options
        obj = cls(list(core.drivers), **_tfidf_params(o.features), **_logistic_params(o.logistic),
                  cv_folds=o.cv_folds, threshold=_threshold_shown(o), nb_scale=o.nb_scale, sentiment=o.sentiment,
                  polarity_C=o.polarity_C, threads=o.threads, seed=o.seed)
        obj._adopt(core)
        return obj

    def __reduce__(self):
        params = self.get_params(deep=False)
        return (_rebuild_driver_classifier, (type(self), params, self.to_bytes() if self.fitted else None))


def _rebuild_driver_classifier(cls, params, model):
    obj = cls(**params)
    if model is not None:
        obj._adopt(_core.DriverClassifier.from_bytes(model))
    return obj


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


def _is_frame(Y) -> bool:
    """A pandas or polars DataFrame."""
    return hasattr(Y, "columns") and len(getattr(Y, "shape", ())) == 2


def driver_positions(names, drivers) -> list:
    """For each of `names`, the position in `drivers` of the driver it spells, or None: the same
    name, or the same under split_labels' key (perche/survey.hpp: ASCII case, '_' for a space,
    runs of spaces; "Tempi attesa" is tempi_attesa), which the C++ applies."""
    out = []
    for name in names:
        j = drivers.index(name) if name in drivers else None
        if j is None and isinstance(name, str) and name.strip() and not any(c in name for c in "|;,"):
            try:
                hit = np.flatnonzero(_core.split_labels([name], list(drivers))[1][0])
            except ValueError:  # AnalysisError: not one of the drivers
                hit = ()
            j = int(hit[0]) if len(hit) == 1 else None
        out.append(j)
    return out


def _frame_order(columns, drivers, what) -> list:
    """The position among `columns` of each driver's column, matched by name (driver_positions);
    ValueError naming the columns that name no driver, the drivers with no column, or two columns
    of one driver."""
    at = driver_positions(columns, drivers)
    unmatched = [c for c, j in zip(columns, at) if j is None]
    if unmatched:
        raise ValueError(f"DriverClassifier.fit: {what} has column(s) {', '.join(map(repr, unmatched))} that name no "
                         f"driver (drivers: {', '.join(map(repr, drivers))}); name each column after its driver")
    missing = [d for j, d in enumerate(drivers) if j not in at]
    if missing:
        raise ValueError(f"DriverClassifier.fit: {what} has no column for driver(s) {', '.join(map(repr, missing))} "
                         f"(columns: {', '.join(map(repr, columns))})")
    if len(at) > len(drivers):
        j = next(j for j in at if at.count(j) > 1)
        twins = [c for c, k in zip(columns, at) if k == j]
        raise ValueError(f"DriverClassifier.fit: {what} has columns {', '.join(map(repr, twins))} for one driver "
                         f"{drivers[j]!r}")
    return [at.index(j) for j in range(len(drivers))]


def _names_per_text(Y) -> bool:
    """True when Y gives, for each text, a collection of driver names (not an array of 0/1)."""
    if isinstance(Y, np.ndarray) or not hasattr(Y, "__len__"):
        return False
    for row in Y:
        if _missing(row):  # a row without its list (str.split of a missing cell): refused by _labels
            continue
        if isinstance(row, (str, bytes)):
            return False
        if not hasattr(row, "__iter__"):
            return False
        for item in row:
            return isinstance(item, str)
    return len(Y) > 0  # every row empty: names, with no driver named yet


def _rebuild_unfitted(drivers, kwargs):
    """An unfitted classifier pickled by perche <= 0.1."""
    return DriverClassifier(drivers, **kwargs)
