#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`perche analyze` at scale: resamples the shipped sample survey to N responses (default
1,000,000), writes it as CSV, runs the command-line analysis on it (default model, JSON and HTML
out) in a child process, and prints the wall time and the child's peak RSS.

    python3 benchmarks/scale_analyze.py [--rows 1000000] [--keep DIR]

Target (issue 5): <= 60 s wall and <= 2 GB peak RSS on the 2-core development machine.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def make_file(rows: int, path: Path, seed: int = 1) -> None:
    from perche.survey import SAMPLE

    df = pd.read_csv(SAMPLE, keep_default_na=False, dtype=str)
    idx = np.random.default_rng(seed).integers(0, len(df), rows)
    big = df.iloc[idx].reset_index(drop=True)
    big["id"] = np.arange(1, rows + 1).astype(str)
    big.to_csv(path, index=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--keep", help="directory for the CSV and the outputs (default: a temporary one)")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="perche-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    csv = work / f"survey_{args.rows}.csv"
    if not csv.exists():
        t = time.perf_counter()
        make_file(args.rows, csv)
        print(f"wrote {csv} ({csv.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
    cmd = [sys.executable, "-m", "perche.cli", "analyze", str(csv), "--no-progress",
           "--json", str(work / "analysis.json"), "--html", str(work / "report.html")]
    t = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode:
        print(proc.stderr, file=sys.stderr)
        return proc.returncode
    cpus = len(os.sched_getaffinity(0))
    print(f"perche analyze, {args.rows:,} responses: {wall:.1f} s wall, peak RSS {peak_mb:.0f} MB ({cpus} cores)")
    print(f"targets: <= 60 s, <= 2048 MB -> {'met' if wall <= 60 and peak_mb <= 2048 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
