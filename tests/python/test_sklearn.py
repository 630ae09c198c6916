# SPDX-License-Identifier: Apache-2.0
# perche's estimators under scikit-learn's own checks and tools (issue #22, part 1): check_estimator
# (sklearn.utils.estimator_checks) on LogisticRegression, dense and sparse; the API checks that
# need no numeric input on the raw-text estimators, which check_estimator skips entirely (they
# declare no 2-D input); clone, Pipeline, GridSearchCV, cross_val_score and pickling through
# Pipelines. Reference behaviour is scikit-learn's (its checks, its accuracy_score); the package
# must import and work without scikit-learn (a subprocess that cannot import it).
import os
import pickle
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone, is_classifier  # noqa: E402
from sklearn.exceptions import NotFittedError as SkNotFittedError  # noqa: E402
from sklearn.metrics import accuracy_score  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.utils import estimator_checks  # noqa: E402
from test_classify import DRIVERS, comments  # noqa: E402

import perche  # noqa: E402

SK_VERSION = tuple(int(p) for p in sklearn.__version__.split(".")[:2])

# No check_estimator check is expected to fail on LogisticRegression (scikit-learn 1.3 to 1.9); the
# only one not run is check_array_api_input, which scikit-learn itself skips unless SCIPY_ARRAY_API=1.


def _check_name(check) -> str:
    return getattr(check, "func", check).__name__


def _generate(estimator):
    """(estimator, check) pairs of every check scikit-learn runs on estimator, installed version."""
    with warnings.catch_warnings():
        # perche's estimators do not inherit BaseEstimator, on purpose: scikit-learn is optional.
        warnings.filterwarnings("ignore", "Estimator .* does not inherit from `sklearn.base.BaseEstimator`")
        if hasattr(estimator_checks, "estimator_checks_generator"):  # scikit-learn >= 1.6
            return list(estimator_checks.estimator_checks_generator(estimator, legacy=True))
        return list(estimator_checks.check_estimator(estimator, generate_only=True))


def _all_checks(estimator):
    return [(_check_name(c), est, c) for est, c in _generate(estimator)]


LR_CHECKS = _all_checks(perche.LogisticRegression())


@pytest.mark.parametrize("name, estimator, check", LR_CHECKS, ids=[n for n, _, _ in LR_CHECKS])
def test_logistic_regression_passes_check_estimator(name, estimator, check):
    # The checks fit dense and sparse (CSR, CSC, COO, … with 32- and 64-bit indices) input.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", estimator_checks.SkipTestWarning)
        check(estimator)


def test_check_estimator_runs_sparse_and_dense_checks():
    names = {n for n, _, _ in LR_CHECKS}
    sparse = {"check_estimator_sparse_array", "check_estimator_sparse_matrix"} if SK_VERSION >= (1, 4) else \
        {"check_estimator_sparse_data"}  # one check before scikit-learn 1.4
    assert sparse | {"check_classifiers_train", "check_fit2d_predict1d", "check_estimators_pickle"} <= names
    assert len(names) > 40


# The API checks that use no numeric X: what check_estimator would run on the raw-text estimators if
# it did not skip every check for an estimator whose input is text.
TEXT_API_CHECKS = [c for c in ("check_no_attributes_set_in_init", "check_parameters_default_constructible",
                               "check_get_params_invariance", "check_set_params", "check_estimator_cloneable",
                               "check_estimator_repr", "check_estimator_tags_renamed", "check_valid_tag_types",
                               "check_estimators_overwrite_params_text") if hasattr(estimator_checks, c)]


@pytest.mark.parametrize("check", TEXT_API_CHECKS)
@pytest.mark.parametrize("make", [perche.TfidfVectorizer, lambda: perche.DriverClassifier(list(DRIVERS)),
                                  perche.SentimentClassifier],
                         ids=["TfidfVectorizer", "DriverClassifier", "SentimentClassifier"])
def test_raw_text_estimators_pass_the_api_checks(make, check):
    est = make()
    getattr(estimator_checks, check)(type(est).__name__, est)


def test_check_estimator_skips_the_text_estimators_because_their_input_is_text():
    for est in (perche.TfidfVectorizer(), perche.DriverClassifier(), perche.SentimentClassifier()):
        with pytest.warns(estimator_checks.SkipTestWarning, match="requires input"):
            names = {n for n, _, _ in _all_checks(est)}
        assert names <= {"check_estimator_cloneable"}  # hence TEXT_API_CHECKS above, and the Pipelines below


# --- the same estimators as a data scientist uses them --------------------------------------------


@pytest.fixture(scope="module")
def data():
    texts, Y = comments(240, 31)
    # One label per text for the single-label pipeline: its first driver, or "nessuno".
    y = np.array([DRIVERS[int(r.argmax())] if r.any() else "nessuno" for r in Y], dtype=object)
    return texts, Y, y


def test_arguments_are_stored_as_given_and_set_params_changes_them():
    v = perche.TfidfVectorizer(ngram_range=(1, 2), norm=None, min_df=2)
    assert v.get_params()["ngram_range"] == (1, 2) and v.get_params()["norm"] is None
    assert v.get_params()["max_df"] is None and v.get_params()["norm"] is None
    assert perche.TfidfVectorizer().get_params()["norm"] == "default"
    assert v.set_params(min_df=1) is v and v.min_df == 1
    lr = perche.LogisticRegression(C="not a number")  # checked by fit, not by the constructor
    assert lr.C == "not a number"
    with pytest.raises(ValueError, match="invalid parameter 'c'"):
        lr.set_params(c=1.0)
    clf = perche.DriverClassifier(["a", "b"], C=2.0)
    assert clf.get_params(deep=False)["drivers"] == ["a", "b"] and clf.get_params()["C"] == 2.0
    assert sorted(clf.get_params()) == sorted(perche.DriverClassifier._get_param_names())


def test_repr_shows_the_arguments_given():
    assert repr(perche.TfidfVectorizer()) == "TfidfVectorizer()"
    shown = "TfidfVectorizer(ngram_range=(1, 2), norm=None)"
    assert repr(perche.TfidfVectorizer(ngram_range=(1, 2), norm=None)) == shown
    assert repr(perche.LogisticRegression(C=2.0, solver="newton")) == "LogisticRegression(C=2.0, solver='newton')"
    assert repr(perche.DriverClassifier(["a"], cv_folds=3)) == "DriverClassifier(drivers=['a'], cv_folds=3)"
    pipe = make_pipeline(perche.TfidfVectorizer(min_df=2), perche.LogisticRegression())
    assert "TfidfVectorizer(min_df=2)" in repr(pipe)


def test_tags_and_classifier_attributes():
    assert is_classifier(perche.LogisticRegression()) and is_classifier(perche.DriverClassifier())
    assert not is_classifier(perche.TfidfVectorizer())
    if SK_VERSION >= (1, 6):
        from sklearn.utils import get_tags
        assert get_tags(perche.TfidfVectorizer()).input_tags.string
        assert not get_tags(perche.TfidfVectorizer()).input_tags.two_d_array
        assert get_tags(perche.DriverClassifier()).classifier_tags.multi_label
        assert get_tags(perche.LogisticRegression()).input_tags.sparse
    old = perche.TfidfVectorizer()._more_tags()
    assert old["X_types"] == ["string"] and old["requires_y"] is False
    assert perche.DriverClassifier()._more_tags()["multilabel"] is True


def test_a_method_before_fit_raises_scikit_learns_not_fitted_error(data):
    texts = data[0]
    for call in (lambda: perche.TfidfVectorizer().transform(texts),
                 lambda: perche.TfidfVectorizer().get_feature_names_out(),
                 lambda: perche.LogisticRegression().predict(np.eye(3)),
                 lambda: perche.DriverClassifier(["a"]).classes_,
                 # the core's own "before fit" errors (red-team: a bare RuntimeError for these)
                 lambda: perche.DriverClassifier().predict(texts),
                 lambda: perche.DriverClassifier().predict_proba(texts[0]),
                 lambda: perche.DriverClassifier().explain(texts[0]),
                 lambda: perche.DriverClassifier().top_k(texts[0]),
                 lambda: perche.DriverClassifier().save(os.devnull)):
        with pytest.raises(SkNotFittedError, match="before fit"):
            call()
        with pytest.raises(perche.NotFittedError):
            call()


def test_logistic_regression_takes_string_labels_and_scores_accuracy(data):
    texts, _, y = data
    X = perche.TfidfVectorizer().fit_transform(texts)
    lr = perche.LogisticRegression().fit(X, y)
    assert list(lr.classes_) == sorted(set(y)) and lr.n_features_in_ == X.shape[1]
    pred = lr.predict(X)
    assert set(pred) <= set(y)
    assert lr.score(X, y) == pytest.approx(accuracy_score(y, pred))
    w = np.linspace(0.5, 2, len(y))
    assert lr.score(X, y, sample_weight=w) == pytest.approx(accuracy_score(y, pred, sample_weight=w))
    assert lr.predict_proba(X).shape == (len(y), 4)


def test_class_weight_dict_is_sample_weight_per_class(data):
    texts, _, y = data
    X = perche.TfidfVectorizer().fit_transform(texts)
    cw = {"attesa": 3.0, "prezzo": 0.5}
    a = perche.LogisticRegression(class_weight=cw).fit(X, y)
    b = perche.LogisticRegression().fit(X, y, sample_weight=[cw.get(c, 1.0) for c in y])
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert not np.array_equal(a.coef_, perche.LogisticRegression().fit(X, y).coef_)


def test_pipeline_clone_grid_search_cross_val_score_and_pickle(data):
    texts, _, y = data
    pipe = make_pipeline(perche.TfidfVectorizer(), perche.LogisticRegression())
    assert pipe.fit(texts, y) is pipe
    pred = pipe.predict(texts[:20])
    assert pipe.score(texts, y) > 0.8
    twin = clone(pipe)
    assert twin.get_params()["logisticregression__C"] is None and not twin.steps[1][1].fitted
    back = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(back.predict(texts[:20]), pred)
    np.testing.assert_array_equal(back.predict_proba(texts[:20]), pipe.predict_proba(texts[:20]))
    scores = cross_val_score(make_pipeline(perche.TfidfVectorizer(), perche.LogisticRegression()), texts, y, cv=3)
    assert scores.shape == (3,) and (scores > 0.6).all()
    grid = GridSearchCV(make_pipeline(perche.TfidfVectorizer(), perche.LogisticRegression()),
                        {"tfidfvectorizer__ngram_range": [(1, 1), (1, 2)], "logisticregression__C": [0.1, 10.0]},
                        cv=3).fit(texts, y)
    assert set(grid.best_params_) == {"tfidfvectorizer__ngram_range", "logisticregression__C"}
    assert len(grid.cv_results_["mean_test_score"]) == 4
    # The best pipeline was refitted with the best arguments, which its steps show as given.
    best = grid.best_estimator_
    assert best.steps[1][1].C == grid.best_params_["logisticregression__C"]
    assert best.steps[0][1].options.ngram_max == grid.best_params_["tfidfvectorizer__ngram_range"][1]


def test_set_params_after_fit_takes_effect_at_the_next_fit(data):
    texts = data[0]
    v = perche.TfidfVectorizer().fit(texts)
    n = len(v.features)
    v.set_params(ngram_range=(1, 2))
    assert len(v.features) == n  # the fitted model is unchanged until fit
    assert len(v.fit(texts).features) > n


def test_driver_classifier_through_clone_grid_search_cross_val_score_and_pickle(data):
    texts, Y, _ = data
    clf = perche.DriverClassifier(list(DRIVERS), cv_folds=0)
    assert clf.fit(texts, Y) is clf
    assert list(clf.classes_) == list(DRIVERS)
    assert clf.score(texts, Y) == pytest.approx(accuracy_score(Y, clf.predict(texts)))
    twin = clone(clf)
    assert twin.get_params() == clf.get_params() and not twin.fitted
    scores = cross_val_score(perche.DriverClassifier(list(DRIVERS), cv_folds=0), texts, Y, cv=3,
                             scoring="f1_micro")
    assert (scores > 0.7).all()
    grid = GridSearchCV(perche.DriverClassifier(list(DRIVERS), cv_folds=0), {"C": [0.5, 5.0]}, cv=2).fit(texts, Y)
    assert grid.best_params_["C"] in (0.5, 5.0)
    back = pickle.loads(pickle.dumps(grid.best_estimator_))
    assert back.get_params() == grid.best_estimator_.get_params()
    np.testing.assert_array_equal(back.predict_proba(texts[:10]), grid.best_estimator_.predict_proba(texts[:10]))


def test_sentiment_classifier_through_clone_grid_search_cross_val_score_and_pickle():
    table = perche.read_csv(perche.sentiment.CALIBRATION)
    texts, labels = table.column("text")[:600], np.asarray(table.column("label")[:600], dtype=object)
    clf = perche.SentimentClassifier(C=2.0)
    assert repr(clf) == "SentimentClassifier(C=2.0)" and is_classifier(clf)
    assert clf.fit(texts, labels) is clf
    assert clf.score(texts, labels) == pytest.approx(accuracy_score(labels, clf.predict(texts)))
    assert clone(clf).get_params() == clf.get_params() and not clone(clf).fitted
    scores = cross_val_score(perche.SentimentClassifier(), texts, labels, cv=3)
    assert scores.shape == (3,) and (scores > 0.4).all()
    grid = GridSearchCV(perche.SentimentClassifier(), {"C": [0.5, 4.0]}, cv=2).fit(texts, labels)
    back = pickle.loads(pickle.dumps(grid.best_estimator_))
    np.testing.assert_array_equal(back.predict_proba(texts[:20]), grid.best_estimator_.predict_proba(texts[:20]))
    with pytest.raises(SkNotFittedError, match="before fit"):
        perche.SentimentClassifier().predict(texts[:2])


def test_a_loaded_model_shows_its_options_as_arguments(data):
    texts, Y, _ = data
    clf = perche.DriverClassifier(list(DRIVERS), cv_folds=0, C=3.0, min_df=1).fit(texts, Y)
    back = perche.DriverClassifier.from_bytes(clf.to_bytes())
    p = back.get_params()
    assert (p["C"], p["min_df"], p["cv_folds"], p["drivers"]) == (3.0, 1, 0, list(DRIVERS))
    refit = clone(back).fit(texts, Y)
    assert refit.to_bytes() == clf.to_bytes()


def test_sparse_input_formats_give_the_dense_result():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 5))
    y = (X[:, 0] + 0.3 * rng.normal(size=60) > 0).astype(int)
    dense = perche.LogisticRegression().fit(X, y)
    for fmt in ("csr", "csc", "coo", "lil"):
        m = perche.LogisticRegression().fit(sp.csr_matrix(X).asformat(fmt), y)
        np.testing.assert_allclose(m.coef_, dense.coef_, rtol=1e-12)


def test_the_package_works_without_scikit_learn():
    code = textwrap.dedent("""
        import pickle, sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "sklearn" or name.startswith("sklearn."):
                    raise ImportError("scikit-learn is blocked in this test")
        sys.meta_path.insert(0, Block())
        import numpy as np
        import perche
        texts = ["attesa lunga al telefono", "prezzo troppo alto", "operatore gentile", "coda infinita"] * 5
        y = [0, 1, 2, 0] * 5
        v = perche.TfidfVectorizer(norm=None)
        X = v.fit_transform(texts)
        lr = perche.LogisticRegression(C=2.0).set_params(C=3.0).fit(X, y)
        assert lr.get_params()["C"] == 3.0 and repr(lr) == "LogisticRegression(C=3.0)"
        back = pickle.loads(pickle.dumps(lr))
        assert (back.predict(X) == lr.predict(X)).all()
        try:
            perche.LogisticRegression().predict(X)
        except perche.NotFittedError as e:
            assert "before fit" in str(e)
        clf = perche.DriverClassifier(["a"], cv_folds=0).fit(texts, np.array([[1], [0], [0], [1]] * 5))
        assert clf.score(texts, np.array([[1], [0], [0], [1]] * 5)) == 1.0
        assert not any(m == "sklearn" or m.startswith("sklearn.") for m in sys.modules)
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
