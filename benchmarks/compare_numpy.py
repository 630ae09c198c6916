# SPDX-License-Identifier: Apache-2.0
"""perche vs numpy/pandas on the same data, in one process: NPS of 10 M scores and NPS per segment
(10 M rows × 1,000 segments). Prints the time of each and the ratio (peer time / perche time).

    python benchmarks/compare_numpy.py [--rows 10000000] [--segments 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import perche


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def numpy_nps(s):
    # The usual notebook computation, with its SE (Wald), validating the range like perche does.
    if s.min() < 0 or s.max() > 10:
        raise ValueError("out of range")
    n = s.size
    p = np.count_nonzero(s >= 9) / n
    d = np.count_nonzero(s <= 6) / n
    return 100 * (p - d), 100 * np.sqrt((p + d - (p - d) ** 2) / n)


def pandas_by_segment(s, g):
    import pandas as pd

    df = pd.DataFrame({"s": s, "g": g})
    df["p"] = df.s >= 9
    df["d"] = df.s <= 6
    agg = df.groupby("g").agg(n=("s", "size"), p=("p", "mean"), d=("d", "mean"))
    agg["nps"] = 100 * (agg.p - agg.d)
    agg["se"] = 100 * np.sqrt((agg.p + agg.d - (agg.p - agg.d) ** 2) / agg.n)
    return agg


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--segments", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rng = np.random.default_rng(42)
    probs = np.array([3, 1, 1, 2, 2, 4, 5, 9, 18, 22, 33], dtype=float)
    for dtype in ("int64", "int32", "int8"):
        s = rng.choice(11, size=args.rows, p=probs / probs.sum()).astype(dtype)
        tp, rp = best(lambda: perche.nps(s, method="wald"), args.repeat)
        tn, rn = best(lambda: numpy_nps(s), args.repeat)
        assert abs(rp.score - rn[0]) < 1e-9 and abs(rp.se - rn[1]) < 1e-9
        print(f"nps {args.rows:,} {dtype:>5}: perche {tp * 1e3:7.2f} ms ({args.rows / tp / 1e9:.2f} G scores/s)   "
              f"numpy {tn * 1e3:7.2f} ms   ratio {tn / tp:5.1f}x")
    s = rng.choice(11, size=args.rows, p=probs / probs.sum()).astype("int32")
    g = rng.integers(0, args.segments, size=args.rows)
    tp, rp = best(lambda: perche.by_segment(s, g, method="wald"), max(1, args.repeat // 2))
    tn, rn = best(lambda: pandas_by_segment(s, g), max(1, args.repeat // 2))
    assert np.allclose([x.result.score for x in rp], rn.nps.to_numpy())
    print(f"nps by {args.segments} segments: perche {tp * 1e3:7.1f} ms (incl. comparisons vs rest, Holm, BH)   "
          f"pandas groupby {tn * 1e3:7.1f} ms   ratio {tn / tp:5.1f}x")


if __name__ == "__main__":
    main()
