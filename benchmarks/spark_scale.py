# SPDX-License-Identifier: Apache-2.0
"""perche.spark against perche in one process on generated responses: NPS by segment (and the
overall NPS) on N rows read from Parquet, and driver classification of M comments; wall time,
rows per second, and whether the figures are identical.

    python benchmarks/spark_scale.py --rows 1000000 10000000 --texts 100000 [--master local[2]]

Prints one line per size. The data is generated (numpy, seed 22) into a temporary directory.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import perche
from perche import spark as ps


def responses(n: int, seed: int = 22) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    p = np.r_[np.full(7, 0.05), [0.1, 0.15], [0.2, 0.2]]
    return pd.DataFrame({"nps": rng.choice(11, n, p=p).astype(np.int64),
                         "segment": rng.choice([f"area {i:02d}" for i in range(50)], n)})


def same(a, b) -> bool:
    return [(s.key, s.result.score, s.result.ci_low, s.result.ci_high, s.p_holm, s.p_bh) for s in a] == \
        [(s.key, s.result.score, s.result.ci_low, s.result.ci_high, s.p_holm, s.p_bh) for s in b]


def metrics(spark, n: int, tmp: Path) -> None:
    path = tmp / f"responses_{n}.parquet"
    responses(n).to_parquet(path)
    t = time.perf_counter()
    local = pd.read_parquet(path)
    want = perche.by_segment(local.nps, local.segment)
    want_all = perche.nps(local.nps)
    one = time.perf_counter() - t
    df = spark.read.parquet(str(path))
    t = time.perf_counter()
    got = ps.by_segment(df, "nps", "segment")
    got_all = ps.nps(df, "nps")
    dist = time.perf_counter() - t
    ok = same(got, want) and (got_all.score, got_all.ci_low, got_all.ci_high) == \
        (want_all.score, want_all.ci_low, want_all.ci_high)
    print(f"by_segment + nps, {n:>11,} rows: one process {one:6.2f} s ({n / one / 1e6:5.2f} M rows/s), "
          f"spark {dist:6.2f} s ({n / dist / 1e6:5.2f} M rows/s), identical: {ok}")


def classification(spark, m: int, tmp: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "python"))
    from test_classify import DRIVERS, comments  # the tests' generated Italian comments

    texts, Y = comments(m, 5)
    model = perche.DriverClassifier(list(DRIVERS), cv_folds=0).fit(texts[:2000], Y[:2000])
    path = tmp / f"comments_{m}.parquet"
    pd.DataFrame({"comment": texts}).to_parquet(path)
    t = time.perf_counter()
    want = model.predict(list(pd.read_parquet(path).comment))
    one = time.perf_counter() - t
    df = spark.read.parquet(str(path))
    t = time.perf_counter()
    got = ps.classify(df, "comment", model).select("comment", "prediction").toPandas()
    dist = time.perf_counter() - t
    names = np.asarray(DRIVERS, dtype=object)
    order = {t: i for i, t in enumerate(texts)}
    ok = all(list(p) == list(names[want[order[c]].astype(bool)]) for c, p in zip(got.comment, got.prediction))
    print(f"classify,   {m:>11,} texts: one process {one:6.2f} s ({m / one:9,.0f} texts/s), "
          f"spark {dist:6.2f} s ({m / dist:9,.0f} texts/s), identical: {ok}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="*", default=[1_000_000])
    ap.add_argument("--texts", type=int, nargs="*", default=[100_000])
    ap.add_argument("--master", default="local[2]")
    a = ap.parse_args()
    spark = ps.session(a.master, app_name="perche-bench", spark_driver_memory="2g")
    spark.sparkContext.setLogLevel("ERROR")
    with tempfile.TemporaryDirectory() as tmp:
        for n in a.rows:
            metrics(spark, n, Path(tmp))
        for m in a.texts:
            classification(spark, m, Path(tmp))
    spark.stop()


if __name__ == "__main__":
    main()
