# SPDX-License-Identifier: Apache-2.0
"""One set of defaults (issue 17, point 2): the Python API takes every option's default from the bound
C++ option structs (or the C++ default arguments), and restates none of them.

- Calling with no options equals calling with the options read from the C++ struct.
- The defaults come from the struct at call time: a struct whose defaults differ (a subclass,
  monkeypatched into _core) changes what a call without options computes.
- Functions over C++ default arguments pass only the arguments the caller gave.
- Static check: no function of python/perche/*.py has a default other than None, save the
  exceptions listed in _NOT_CPP_DEFAULTS (each with its reason).
"""

from __future__ import annotations

import ast
import pathlib

import numpy as np
import pytest

import perche
from perche import _core

SOURCES = pathlib.Path(__file__).resolve().parents[2] / "python" / "perche"

RNG = np.random.default_rng(7)
NPS_SCORES = RNG.integers(0, 11, 300)
CSAT_SCORES = RNG.integers(1, 6, 300)
CES_SCORES = RNG.integers(1, 8, 300)
KEYS = RNG.integers(0, 4, 300)


# --- the struct's defaults as keyword arguments --------------------------------------------------


def nps_kwargs(o=None) -> dict:
    o = o or _core.NpsOptions()
    return dict(method=o.method.name, confidence=o.confidence, breaks=(o.breaks.detractor_max, o.breaks.promoter_min),
                bootstrap_samples=o.bootstrap_samples, seed=o.seed)


def rating_kwargs(o) -> dict:
    return dict(scale=(o.scale_min, o.scale_max), top=o.top, aggregation=o.aggregation.name,
                method=None if o.method is None else o.method.name, confidence=o.confidence, reversed=o.reversed,
                bootstrap_samples=o.bootstrap_samples, seed=o.seed)


def trend_kwargs() -> dict:
    t = _core.TrendOptions()
    return dict(test=t.test.name, alpha=t.alpha)


def _doc_freq(v):
    return v[0] if v[1] else int(v[0])


def tfidf_kwargs(o) -> dict:
    return dict(tokenizer=o.tokenizer, analyzer=o.analyzer.name, ngram_range=(o.ngram_min, o.ngram_max),
                char_ngram_range=(o.char_min, o.char_max), min_df=_doc_freq(o.min_df), max_df=_doc_freq(o.max_df),
                max_features=o.max_features or None, sublinear_tf=o.sublinear_tf, use_idf=o.use_idf,
                smooth_idf=o.smooth_idf, norm=None if o.norm.name == "none" else o.norm.name)


def logistic_kwargs(o) -> dict:
    return dict(C=o.C, fit_intercept=o.fit_intercept, class_weight="balanced" if o.balanced else None, tol=o.tol,
                max_iter=o.max_iter, solver=o.solver)


def same(a, b) -> None:
    assert (None if a is None else a.to_dict()) == (None if b is None else b.to_dict())


# --- (a) no options = the options of the C++ struct ----------------------------------------------


def test_nps_without_options_is_nps_with_the_cpp_nps_options():
    same(perche.nps(NPS_SCORES), perche.nps(NPS_SCORES, **nps_kwargs()))
    boot = {**nps_kwargs(), "method": "bootstrap"}  # bootstrap_samples and seed matter here
    same(perche.nps(NPS_SCORES, method="bootstrap"), perche.nps(NPS_SCORES, **boot))
    same(perche.nps(NPS_SCORES), _core.nps(NPS_SCORES, None, _core.NpsOptions()))


def test_nps_compare_without_options_is_nps_compare_with_the_cpp_nps_options():
    a, b = NPS_SCORES[:150], NPS_SCORES[150:]
    same(perche.nps_compare(a, b), perche.nps_compare(a, b, **nps_kwargs()))
    boot = {**nps_kwargs(), "method": "bootstrap"}
    same(perche.nps_compare(a, b, method="bootstrap"), perche.nps_compare(a, b, **boot))


@pytest.mark.parametrize("metric, scores, struct", [("csat", CSAT_SCORES, _core.CsatOptions),
                                                    ("ces", CES_SCORES, _core.CesOptions)])
def test_ratings_without_options_are_ratings_with_the_cpp_struct_of_the_metric(metric, scores, struct):
    fn = getattr(perche, metric)
    same(fn(scores), fn(scores, **rating_kwargs(struct())))
    same(fn(scores), getattr(_core, metric)(scores, None, struct()))
    boot = {**rating_kwargs(struct()), "method": "bootstrap"}
    same(fn(scores, method="bootstrap"), fn(scores, **boot))


@pytest.mark.parametrize("metric, scores, kwargs", [
    ("nps", NPS_SCORES, nps_kwargs),
    ("csat", CSAT_SCORES, lambda: rating_kwargs(_core.CsatOptions())),
    ("ces", CES_SCORES, lambda: rating_kwargs(_core.CesOptions())),
])
def test_trend_and_by_segment_without_options_use_the_cpp_structs(metric, scores, kwargs):
    got = perche.trend(scores, KEYS, metric=metric)
    want = perche.trend(scores, KEYS, metric=metric, **trend_kwargs(), **kwargs())
    assert got.to_dict() == want.to_dict()
    assert perche.by_segment(scores, KEYS, metric=metric).to_dict() == \
        perche.by_segment(scores, KEYS, metric=metric, **kwargs()).to_dict()


def test_trend_test_without_options_is_trend_test_with_the_cpp_trend_options():
    v = [3.0, 2.0, 2.5, 1.0, 0.5, 0.7]
    same(perche.trend_test(v), perche.trend_test(v, **trend_kwargs()))
    same(perche.trend_test(v), _core.trend_test(np.asarray(v), _core.TrendOptions()))


def test_functions_with_cpp_default_arguments_match_the_bound_defaults():
    level, share = _core.DEFAULT_CONFIDENCE, _core.WORST_CASE_SHARE
    a, b = perche.nps(NPS_SCORES[:150]), perche.nps(NPS_SCORES[150:])
    same(perche.compare(a, b), perche.compare(a, b, confidence=level))
    same(perche.compare(a, b), _core.compare(a, b))
    start, end = [0.0, 1.0, 2.0, 5.0], [np.inf, 4.0, 20.0, np.inf]
    same(perche.churn_rate(start, end, 3, 10), perche.churn_rate(start, end, 3, 10, confidence=level))
    d = [5.0, 7.0, 1.0, 30.0]
    same(perche.response_times(d, sla=6), perche.response_times(d, sla=6, confidence=level))
    same(perche.response_times(start=[0, 1], end=[3, 9]), perche.response_times(start=[0, 1], end=[3, 9],
                                                                                 confidence=level))
    assert perche.nps_sample_size(5) == perche.nps_sample_size(5, promoter_share=share, detractor_share=share,
                                                               confidence=level) == _core.nps_sample_size(5)
    assert perche.nps_margin_of_error(400) == perche.nps_margin_of_error(
        400, promoter_share=share, detractor_share=share, confidence=level) == _core.nps_margin_of_error(400)


TEXTS = ["il servizio clienti è stato lento e scortese", "tempi di attesa lunghissimi al telefono",
         "operatore gentile e competente", "prezzo troppo alto per il servizio", "attesa infinita, mai più",
         "cortesia e professionalità", "costi nascosti in bolletta", "ho aspettato un'ora in linea",
         "personale cortese", "tariffa aumentata senza avviso"] * 3
Y = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 0],
              [0, 0, 1]] * 3, dtype=np.uint8)


def test_tfidf_vectorizer_without_options_is_the_cpp_tfidf_options():
    got = perche.TfidfVectorizer().fit_transform(TEXTS)
    want = perche.TfidfVectorizer(**tfidf_kwargs(_core.TfidfOptions())).fit_transform(TEXTS)
    assert (got != want).nnz == 0
    v = perche.TfidfVectorizer().fit(TEXTS)
    assert v.features == perche.TfidfVectorizer().fit(TEXTS, threads=1).features


def test_logistic_regression_without_options_is_the_cpp_logistic_options():
    X = perche.TfidfVectorizer().fit_transform(TEXTS)
    y = Y[:, 1].astype(np.int64)
    got = perche.LogisticRegression().fit(X, y)
    want = perche.LogisticRegression(**logistic_kwargs(_core.LogisticOptions())).fit(X, y)
    assert np.array_equal(got.coef_, want.coef_) and np.array_equal(got.intercept_, want.intercept_)


def test_driver_classifier_without_options_is_the_cpp_driver_options():
    d = _core.DriverOptions()
    explicit = dict(**tfidf_kwargs(d.features), **logistic_kwargs(d.logistic), cv_folds=d.cv_folds,
                    threshold=perche.classify._threshold_shown(d), nb_scale=d.nb_scale, sentiment=d.sentiment, polarity_C=d.polarity_C,
                    threads=d.threads, seed=d.seed)
    drivers = ["scortesia", "attesa", "prezzo"]
    got = perche.DriverClassifier(drivers).fit(TEXTS, Y)
    want = perche.DriverClassifier(drivers, **explicit).fit(TEXTS, Y)
    assert got.to_bytes() == want.to_bytes()


def test_tokenizer_and_codebook_without_options_are_the_cpp_defaults():
    tok = perche.Tokenizer()
    assert tok.options == perche.Tokenizer(**_core.Tokenizer().options).options
    assert tok.tokenize_batch(TEXTS[:3]) == tok.tokenize_batch(TEXTS[:3], threads=0)
    cb = perche.Codebook.default()
    assert np.array_equal(cb.predict(TEXTS), cb.predict(TEXTS, threads=0))


# --- the defaults are read from the struct, not copied --------------------------------------------


def _shifted(monkeypatch, name, **fields):
    """Replaces _core.<name> by a subclass whose defaults differ in `fields`."""
    base = getattr(_core, name)

    class Shifted(base):
        def __init__(self):
            super().__init__()
            for k, v in fields.items():
                setattr(self, k, v)

    monkeypatch.setattr(_core, name, Shifted)


def test_nps_defaults_follow_the_struct(monkeypatch):
    _shifted(monkeypatch, "NpsOptions", confidence=0.8, breaks=_core.NpsBreaks(5, 8))
    r = perche.nps([5, 6, 8, 10])
    assert r.confidence == 0.8 and (r.detractors, r.passives, r.promoters) == (1, 1, 2)
    assert perche.nps_compare([5, 6], [8, 10]).confidence == 0.8
    assert perche.trend([5, 8, 10, 6], [1, 2, 3, 3]).periods[0].result.confidence == 0.8
    assert perche.by_segment([5, 8, 10, 6], [1, 2, 1, 2])[0].result.confidence == 0.8


@pytest.mark.parametrize("metric, name", [("csat", "CsatOptions"), ("ces", "CesOptions")])
def test_rating_defaults_follow_the_struct_of_the_metric(monkeypatch, metric, name):
    _shifted(monkeypatch, name, confidence=0.8, scale_min=0, scale_max=3)
    r = getattr(perche, metric)([0, 1, 2, 3])
    assert r.confidence == 0.8 and r.n == 4
    assert perche.by_segment([0, 3, 1], [1, 2, 1], metric=metric)[0].result.confidence == 0.8


def test_trend_defaults_follow_the_struct(monkeypatch):
    _shifted(monkeypatch, "TrendOptions", test=_core.TrendTestKind.ols)
    assert perche.trend_test([3.0, 2.0, 1.0, 0.5]).test == "ols"
    assert perche.trend([10, 0, 9, 3], [1, 2, 3, 4]).test.test == "ols"


def test_classifier_defaults_follow_the_structs(monkeypatch):
    _shifted(monkeypatch, "TfidfOptions", ngram_max=2)
    assert "servizio clienti" in perche.TfidfVectorizer().fit(TEXTS).features
    X = perche.TfidfVectorizer().fit_transform(TEXTS)
    y = Y[:, 1].astype(np.int64)
    norm = np.abs(perche.LogisticRegression().fit(X, y).coef_).sum()
    _shifted(monkeypatch, "LogisticOptions", C=1e-3)  # a much stronger penalty
    assert np.abs(perche.LogisticRegression().fit(X, y).coef_).sum() < norm / 10
    _shifted(monkeypatch, "DriverOptions", cv_folds=3, seed=7)
    clf = perche.DriverClassifier(["a"], C=2.0)
    assert (clf.options.cv_folds, clf.options.seed, clf.options.logistic.C) == (3, 7, 2.0)


@pytest.mark.parametrize("call, target", [
    (lambda: perche.nps_sample_size(5), "nps_sample_size"),
    (lambda: perche.nps_margin_of_error(400), "nps_margin_of_error"),
    (lambda: perche.compare(perche.nps([10, 0]), perche.nps([9, 9])), "compare"),
    (lambda: perche.churn_rate([0.0], [5.0], 1, 9), "churn_rate"),
    (lambda: perche.response_times([1.0, 2.0]), "response_times"),
    (lambda: perche.response_times(start=[0.0], end=[2.0]), "response_times"),
])
def test_calls_over_cpp_default_arguments_pass_only_what_was_given(monkeypatch, call, target):
    seen = {}

    def record(*args, **kwargs):
        seen["args"], seen["kwargs"] = args, kwargs

    monkeypatch.setattr(_core, target, record)
    call()
    given = [a for a in seen["args"] if isinstance(a, float) and not isinstance(a, bool)]
    assert "confidence" not in seen["kwargs"] and "promoter_share" not in seen["kwargs"]
    # positional arguments are the data (and the period bounds for churn), never a default level
    assert _core.DEFAULT_CONFIDENCE not in given and _core.WORST_CASE_SHARE not in given


# --- (b) static check: no default restated in the package's sources ------------------------------

# Defaults other than None that are not copies of a C++ default: Python's own choices, values of
# Python-only parameters, or data. (file, function, parameter): reason.
_NOT_CPP_DEFAULTS = {
    ("metrics.py", "*", "nan_policy"): "'raise' or 'omit': Python's handling of NaN/None/pd.NA, no C++ option",
    ("metrics.py", "trend", "metric"): "which C++ function runs (nps_trend or rating_trend); no option struct",
    ("metrics.py", "by_segment", "metric"): "which C++ function runs (nps_ or rating_by_segment); no option struct",
    ("metrics.py", "p_adjust", "method"): "which C++ function runs (p_adjust_holm or p_adjust_bh)",
    ("metrics.py", "_omit", "optional"): "private helper: the inputs that may be missing",
    ("metrics.py", "_naive", "clock"): "private helper: wall clock or instant",
    ("metrics.py", "_seconds", "clock"): "private helper: wall clock or instant",
    ("metrics.py", "_scalar_seconds", "clock"): "private helper: wall clock or instant",
    ("metrics.py", "_seconds", "missing"): "private helper: the value of a missing time",
    ("metrics.py", "_numbers", "what"): "private helper: the name in error messages",
    ("classify.py", "label_matrix", "error"): "the exception type raised",
    ("classify.py", "load", "max_bytes"): "read from C++ (DriverClassifier.MAX_MODEL_BYTES), not a literal",
    ("sentiment.py", "load", "max_bytes"): "read from C++ (DriverClassifier.MAX_MODEL_BYTES), not a literal",
    ("classify.py", "__init__", "norm"): "'default': the C++ default, because None is scikit-learn's no normalization",
    ("_estimator.py", "get_params", "deep"): "scikit-learn's get_params(deep=True) signature",
    ("spark.py", "*", "nan_policy"): "'raise' or 'omit', as perche.nps and by_segment: Python's handling of nulls",
    ("spark.py", "*", "metric"): "which C++ counts and functions run (nps_ or rating_), as perche.by_segment",
    ("spark.py", "session", "master"): "Spark's master URL of the local trial session, no C++ option",
    ("spark.py", "session", "app_name"): "Spark's application name, no C++ option",
    ("spark.py", "classify", "prediction_col"): "the name of the added column, no C++ option",
    ("codebook.py", "load", "max_bytes"): "read from C++ (Codebook.MAX_CODEBOOK_BYTES), not a literal",
    ("text.py", "__init__", "tokens"): "Tokens(list): its items, data",
    ("text.py", "__init__", "replaced"): "Tokens(list): a count, data",
    ("cli.py", "_print_problems", "where_more"): "text of a message",
    ("survey.py", "atomic_write", "mode"): "file mode, as open()",
    ("survey.py", "atomic_write", "encoding"): "file encoding, as open()",
    ("survey.py", "options", "drivers"): "a switch (False: no labeller); the labeller itself is SurveyOptions'",
    ("survey.py", "analyze", "drivers"): "a switch (False: no labeller); the labeller itself is SurveyOptions'",
    ("survey.py", "to_json", "indent"): "JSON layout, no C++ option",
}
# Restated C++ defaults in the survey pipeline's files, which the lead is rewriting on main: the
# report's language is SurveyOptions.lang. Listed so that this test names them; remove when fixed.
_LEFT_TO_THE_LEAD: dict = {}


def _defaults(path: pathlib.Path):
    """(function name, parameter, default source) of every parameter default in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = node.args
            positional = a.posonlyargs + a.args
            pairs = list(zip(positional[len(positional) - len(a.defaults):], a.defaults))
            pairs += [(k, d) for k, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None]
            for arg, d in pairs:
                yield getattr(node, "name", "<lambda>"), arg.arg, d


def _cpp_literals() -> set:
    """The values of the bound option structs' defaults, as literals could write them."""
    values = set()
    for o in (_core.NpsOptions(), _core.CsatOptions(), _core.CesOptions(), _core.TrendOptions(),
              _core.LogisticOptions(), _core.DriverOptions(), _core.TfidfOptions(), _core.DriverOptions().features,
              _core.DriverOptions().logistic):
        for k in dir(o):
            if k.startswith("_"):
                continue
            v = getattr(o, k)
            if isinstance(v, (int, float, str)) and not isinstance(v, bool):
                values.add(v)
            elif hasattr(v, "name") and isinstance(getattr(v, "name"), str):
                values.add(v.name)
    n = _core.NpsOptions()
    values.add((n.breaks.detractor_max, n.breaks.promoter_min))
    for t in (_core.TfidfOptions(), _core.DriverOptions().features):
        values |= {(t.ngram_min, t.ngram_max), (t.char_min, t.char_max), _doc_freq(t.min_df), _doc_freq(t.max_df)}
    for o in (_core.CsatOptions(), _core.CesOptions()):
        values.add((o.scale_min, o.scale_max))
    values |= {_core.DEFAULT_CONFIDENCE, _core.WORST_CASE_SHARE}
    return values


def test_static_no_function_default_other_than_none_in_the_package():
    assert SOURCES.is_dir(), SOURCES
    bad = []
    for path in sorted(SOURCES.glob("*.py")):
        for fn, param, d in _defaults(path):
            if isinstance(d, ast.Constant) and d.value is None:
                continue
            key = (path.name, fn, param)
            if key in _NOT_CPP_DEFAULTS or (path.name, "*", param) in _NOT_CPP_DEFAULTS or key in _LEFT_TO_THE_LEAD:
                continue
            bad.append(f"{path.name}: {fn}({param}={ast.unparse(d)})")
    assert not bad, "defaults other than None (take them from the C++ option structs):\n" + "\n".join(bad)


def test_static_no_known_cpp_default_literal_in_keyword_defaults_or_option_dicts():
    # The known values (0.95, 2000, 12345, (6, 9), (1, 5), "adjusted_wald", "lbfgs", ...) as a
    # function default, or as an option in a dict(...)/{...} of options (as _CSAT_DEFAULTS was).
    known = _cpp_literals()
    names = {k for o in (_core.NpsOptions(), _core.RatingOptions(), _core.TrendOptions(), _core.LogisticOptions(),
                         _core.DriverOptions(), _core.TfidfOptions()) for k in dir(o) if not k.startswith("_")}
    names |= {"breaks", "scale", "ngram_range", "char_ngram_range", "class_weight", "promoter_share",
              "detractor_share", "confidence", "test", "alpha"}

    def literal(node):
        try:
            v = ast.literal_eval(node)
        except (ValueError, SyntaxError, TypeError):
            return None
        return v if not isinstance(v, bool) and isinstance(v, (int, float, str, tuple)) else None

    bad = []
    for path in sorted(SOURCES.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for fn, param, d in _defaults(path):
            v = literal(d)
            if v is not None and v in known and param in names:
                bad.append(f"{path.name}: {fn}({param}={ast.unparse(d)})")
        for node in ast.walk(tree):
            pairs = []
            if isinstance(node, ast.Call):
                pairs = [(k.arg, k.value) for k in node.keywords if k.arg]
            elif isinstance(node, ast.Dict):
                pairs = [(k.value, v) for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant)]
            for name, value in pairs:
                v = literal(value)
                if name in names and v is not None and v in known:
                    bad.append(f"{path.name}:{node.lineno}: {name}={ast.unparse(value)}")
    assert not bad, "C++ defaults restated in Python:\n" + "\n".join(bad)


def test_static_check_catches_a_restated_default(tmp_path):
    # The check itself can fail: the old signature of perche.nps is caught.
    src = tmp_path / "old.py"
    src.write_text("def nps(scores, confidence=0.95, breaks=(6, 9), nan_policy='raise'):\n    pass\n"
                   "_CSAT_DEFAULTS = dict(scale=(1, 5), seed=12345)\n")
    found = [(fn, p) for fn, p, d in _defaults(src) if not (isinstance(d, ast.Constant) and d.value is None)]
    assert ("nps", "confidence") in found and ("nps", "breaks") in found
    assert 0.95 in _cpp_literals() and (6, 9) in _cpp_literals() and 12345 in _cpp_literals()


def test_docstrings_show_the_cpp_defaults():
    o = _core.NpsOptions()
    assert f"confidence {o.confidence}" in perche.nps.__doc__ and "{" not in perche.nps.__doc__
    assert f"seed {_core.CsatOptions().seed}" in perche.csat.__doc__
    assert f"ngram_range=({_core.TfidfOptions().ngram_min}, " in perche.TfidfVectorizer.__doc__
    d = _core.DriverOptions()
    assert f"cv_folds={d.cv_folds}" in perche.DriverClassifier.__doc__
    assert f"max_iter={_core.LogisticOptions().max_iter}" in perche.LogisticRegression.__doc__
    assert "lowercase=" in perche.Tokenizer.__doc__ and "{defaults}" not in perche.Tokenizer.__doc__
