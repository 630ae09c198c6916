# SPDX-License-Identifier: Apache-2.0
"""perche.read_csv against pandas.read_csv, same file, same process (issue 17: the CSV reader at
least as fast as pandas.read_csv).

    python benchmarks/compare_csv.py [--rows N] [--file PATH] [--rounds 5]

The file: the shipped sample survey (examples/data/survey.csv: id, date, channel, segment, phase,
NPS/CES/CSAT scores, an Italian comment, drivers) resampled to N rows (default 1,000,000) as
benchmarks/scale_analyze.py does, with a seeded 2% of the comments given a quoted word (a doubled
quote in the CSV) and 1% a line break inside the quoted field, which the sample lacks. --file PATH
reads PATH when it exists and otherwise writes the generated file there (to reuse it).

Contenders, interleaved round by round (a slow spell of the shared machine hits all alike), best
of --rounds:
  perche.read_csv(path)                            the reader: a CsvTable, cells in C++
  perche.read_csv(path) + every column as str      the same, with every cell made a Python str
  pandas.read_csv(path, dtype=str, keep_default_na=False)   like for like: text cells, nothing typed
  pandas.read_csv(path)                            pandas' defaults (numbers typed, "" as NaN)
Ratios are pandas time / perche time (above 1: perche faster), with the spread of the per-round
ratios. Then table.column(i) alone: each column of the table as a list of str.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "examples" / "data" / "survey.csv"


def make_file(rows: int, path: Path, seed: int = 1) -> None:
    import pandas as pd

    df = pd.read_csv(SAMPLE, keep_default_na=False, dtype=str)
    rng = np.random.default_rng(seed)
    big = df.iloc[rng.integers(0, len(df), rows)].reset_index(drop=True)
    big["id"] = np.arange(1, rows + 1).astype(str)
    text = big["motivo"].to_numpy(dtype=object)
    quoted = rng.random(rows) < 0.02
    text[quoted] = [f'il "servizio" {t}' for t in text[quoted]]
    broken = rng.random(rows) < 0.01
    text[broken] = [f"{t}\nGrazie." for t in text[broken]]
    big["motivo"] = text
    big.to_csv(path, index=False)


def interleaved(fns, rounds):
    """Runs the functions in turn, `rounds` times; each one's best time, last result, and per
    round the time of each function (as benchmarks/compare_sklearn.py does)."""
    times = [[] for _ in fns]
    outs = [None] * len(fns)
    for _ in range(rounds):
        for k, fn in enumerate(fns):
            outs[k] = None  # free the previous result first: peak memory stays one result
            t0 = time.perf_counter()
            outs[k] = fn()
            times[k].append(time.perf_counter() - t0)
    return [min(t) for t in times], outs, times


def ratio(times, a, b):
    """Best-time ratio a/b and the spread of the per-round ratios."""
    per_round = [x / y for x, y in zip(times[a], times[b])]
    return min(times[a]) / min(times[b]), min(per_round), max(per_round)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--file", type=Path, help="CSV to read; generated there when it does not exist")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    import pandas as pd

    import perche

    tmp = None
    path = args.file
    if path is None:
        tmp = tempfile.TemporaryDirectory(prefix="perche-csv-")
        path = Path(tmp.name) / f"survey_{args.rows}.csv"
    if not path.exists():
        t0 = time.perf_counter()
        make_file(args.rows, path)
        print(f"wrote {path} in {time.perf_counter() - t0:.1f} s")
    mb = path.stat().st_size / 1e6

    def perche_all():
        t = perche.read_csv(path)
        return t, [t.column(i) for i in range(t.columns)]

    names = ["perche.read_csv", "perche.read_csv + columns as str",
             "pandas.read_csv(dtype=str, keep_default_na=False)", "pandas.read_csv()"]
    best, outs, times = interleaved([lambda: perche.read_csv(path), perche_all,
                                     lambda: pd.read_csv(path, dtype=str, keep_default_na=False),
                                     lambda: pd.read_csv(path)], args.rounds)
    table, frame = outs[0], outs[2]
    if (len(table), table.columns) != frame.shape or outs[1][1][8] != frame.iloc[:, 8].tolist():
        print(f"the readers disagree: perche {len(table)} × {table.columns}, pandas {frame.shape}", file=sys.stderr)
        return 1
    print(f"{path.name}: {mb:.0f} MB, {len(table):,} rows × {table.columns} columns; "
          f"best of {args.rounds} interleaved rounds:")
    for k, name in enumerate(names):
        print(f"  {name:52s} {best[k]:7.3f} s  {mb / best[k]:6.0f} MB/s")
    print("ratios pandas / perche (above 1: perche faster), spread of the per-round ratios:")
    for p, label in ((2, "pandas dtype=str"), (3, "pandas defaults")):
        for q in (0, 1):
            r, lo, hi = ratio(times, p, q)
            print(f"  {label:17s} / {names[q]:33s} {r:5.2f}×  (rounds {lo:.2f}-{hi:.2f}×)")

    del outs, frame
    conv = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for i in range(table.columns):
            table.column(i)
        conv.append(time.perf_counter() - t0)
    cells = len(table) * table.columns
    print(f"table.column(i) for all {table.columns} columns ({cells:,} cells): best {min(conv):.3f} s, "
          f"{min(conv) / cells * 1e9:.0f} ns a cell")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
