# SPDX-License-Identifier: Apache-2.0
# Issue 16, class 2: from Python no sequence of calls on shared objects may crash or write an
# unloadable file. Before, predict_proba on a DriverClassifier while another thread ran fit on the
# same object ended in SIGSEGV within a second, and save during fit wrote files that failed to
# load. Each scenario runs in a child interpreter, so that a crash fails the test instead of
# killing pytest; the child checks that every reader saw the old model or the new one, never a mix.
import subprocess
import sys
import textwrap

import pytest

_PRELUDE = textwrap.dedent("""
    import os, pickle, sys, threading, time
    import numpy as np
    import perche

    A = ["attesa lunghissima al telefono", "ho aspettato un'ora", "tempi di attesa infiniti",
         "operatore gentilissimo", "personale scortese", "operatore sgarbato e maleducato",
         "attesa lunga ma operatore gentile", "la bolletta è sbagliata", "prezzo aumentato",
         "consegna in ritardo", "mi hanno fatto aspettare", "gentili e disponibili"]
    YA = np.array([[1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [0, 1], [1, 1], [0, 0], [0, 0], [0, 0], [1, 0], [0, 1]],
                  dtype=np.uint8)
    # A second training set with other texts: its model differs from the first in every output.
    B = [t + " davvero" for t in A] + ["nessun problema", "tutto bene"]
    YB = np.vstack([YA, [[0, 0], [0, 0]]]).astype(np.uint8)
    PROBE = ["attesa lunga e operatore scortese", "bolletta sbagliata"]
    DEADLINE = time.monotonic() + float(sys.argv[1])
    errors = []

    def until_deadline(fn):
        def run():
            try:
                while time.monotonic() < DEADLINE:
                    fn()
            except BaseException as e:  # reported by the main thread
                errors.append(repr(e))
        return run

    def run_threads(*fns):
        threads = [threading.Thread(target=until_deadline(f)) for f in fns]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors[:3]
""")

_DRIVER = textwrap.dedent("""
    opts = dict(cv_folds=2, min_df=1, threads=2)
    ref_a = perche.DriverClassifier(["attesa", "cortesia"], **opts).fit(A, YA)
    ref_b = perche.DriverClassifier(["attesa", "cortesia"], **opts).fit(B, YB)
    known = [(ref_a.predict_proba(PROBE), ref_a.to_bytes()), (ref_b.predict_proba(PROBE), ref_b.to_bytes())]
    shared = perche.DriverClassifier(["attesa", "cortesia"], **opts).fit(A, YA)
    flip = [0]
    saved = [0]

    def fitter():
        flip[0] ^= 1
        shared.fit(*( (B, YB) if flip[0] else (A, YA) ))

    def reader():
        p = shared.predict_proba(PROBE)
        assert any(np.array_equal(p, k[0]) for k in known), "predict_proba saw a mix of two models"
        shared.explain(PROBE[0])
        shared.top_k(PROBE[1], 2)
        shared.predict(PROBE)
        assert len(shared.thresholds) == 2 and list(shared.drivers) == ["attesa", "cortesia"]

    def serializer():
        b = shared.to_bytes()
        assert any(b == k[1] for k in known), "to_bytes saw a mix of two models"
        back = pickle.loads(pickle.dumps(shared))
        assert any(np.array_equal(back.predict_proba(PROBE), k[0]) for k in known)

    def saver():
        path = os.path.join(sys.argv[2], f"m{threading.get_ident()}.perche")
        shared.save(path)
        back = perche.DriverClassifier.load(path)
        assert any(back.to_bytes() == k[1] for k in known), "save wrote a mix of two models"
        saved[0] += 1

    run_threads(fitter, reader, reader, serializer, saver)
    assert saved[0] > 0
    print("ok")
""")

_VECTORIZER_LOGISTIC = textwrap.dedent("""
    v = perche.TfidfVectorizer(min_df=1)
    v.fit(A)
    known = [perche.TfidfVectorizer(min_df=1).fit(A).transform(PROBE).toarray(),
             perche.TfidfVectorizer(min_df=1).fit(B).transform(PROBE).toarray()]
    flip = [0]

    def vfit():
        flip[0] ^= 1
        v.fit_transform(B if flip[0] else A)

    def vread():
        X = v.transform(PROBE).toarray()
        assert any(X.shape == k.shape and np.array_equal(X, k) for k in known), "transform saw a mix"
        back = pickle.loads(pickle.dumps(v))  # features and idf of one model, never a mix
        assert any(np.array_equal(back.transform(PROBE).toarray(), k) for k in known), "pickle saw a mix"

    Xa = perche.TfidfVectorizer(min_df=1).fit_transform(A)
    y = YA[:, 0].astype(np.int64)
    lr = perche.LogisticRegression(C=1.0).fit(Xa, y)
    lknown = [perche.LogisticRegression(C=1.0).fit(Xa, y).predict_proba(Xa),
              perche.LogisticRegression(C=1.0).fit(Xa, 1 - y).predict_proba(Xa)]

    def lfit():
        flip[0] ^= 1
        lr.fit(Xa, 1 - y if flip[0] else y)

    def lread():
        P = lr.predict_proba(Xa)
        assert any(np.array_equal(P, k) for k in lknown), "predict_proba saw a mix"
        assert lr.coef.shape == (1, Xa.shape[1])

    run_threads(vfit, vread, vread, lfit, lread, lread)
    print("ok")
""")


def _run(script, tmp_path, seconds=3.0):
    r = subprocess.run([sys.executable, "-c", _PRELUDE + script, str(seconds), str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"exit {r.returncode} (negative: killed by signal)\n{r.stderr[-3000:]}"
    assert r.stdout.strip() == "ok"


def test_fit_against_predict_explain_save_and_pickle_on_one_driver_classifier(tmp_path):
    _run(_DRIVER, tmp_path)


def test_fit_against_transform_and_predict_on_one_vectorizer_and_one_logistic_regression(tmp_path):
    _run(_VECTORIZER_LOGISTIC, tmp_path)


def test_save_leaves_no_temporary_file_and_replaces_the_target(tmp_path):
    import perche

    clf = perche.DriverClassifier(["a", "b"], cv_folds=0, min_df=1).fit(
        ["uno due", "tre quattro", "uno tre", "due quattro"], [[1, 0], [0, 1], [1, 1], [0, 0]])
    target = tmp_path / "m.perche"
    target.write_bytes(b"old")
    clf.save(target)
    assert [p.name for p in tmp_path.iterdir()] == ["m.perche"]
    assert perche.DriverClassifier.load(target).to_bytes() == clf.to_bytes()
    with pytest.raises(OSError, match="is not a regular file"):
        clf.save(tmp_path)  # a directory
    assert [p.name for p in tmp_path.iterdir()] == ["m.perche"]
