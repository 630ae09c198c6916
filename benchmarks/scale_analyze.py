#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`perche analyze` at scale: resamples the shipped sample survey to N responses (default
1,000,000), writes it as CSV, runs the command-line analysis on it (default model, JSON and HTML
out) in a child process, and prints the wall time and the child's peak RSS; with --cpp EXE, the
same for the C++ example (examples/survey.cpp, built as build/dev/examples/example_survey).

    python3 benchmarks/scale_analyze.py [--rows 1000000] [--keep DIR] [--cpp build/dev/examples/example_survey]

Target (issue 17): <= 10 s wall and <= 1 GB peak RSS, from the CLI and from the C++ example alike.
"""

import argparse
import os
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
    ap.add_argument("--cpp", help="also run this build of examples/survey.cpp on the same file")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="perche-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    csv = work / f"survey_{args.rows}.csv"
    if not csv.exists():
        t = time.perf_counter()
        make_file(args.rows, csv)
        print(f"wrote {csv} ({csv.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
    runs = [("perche analyze (CLI)", [sys.executable, "-m", "perche.cli", "analyze", str(csv), "--no-progress",
                                      "--json", str(work / "analysis.json"), "--html", str(work / "report.html")])]
    if args.cpp:
        runs.append(("examples/survey.cpp", [args.cpp, str(csv)]))
    cpus = len(os.sched_getaffinity(0))
    met = True
    for name, cmd in runs:
        # Each in its own grandchild, so that ru_maxrss is that run's own peak.
        probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
                 "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE); "
                 "w = time.perf_counter() - t; sys.stderr.write(p.stderr.decode(errors='replace') if p.returncode else ''); "
                 "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, p.returncode)")
        out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True)
        if out.returncode or not out.stdout.strip():
            print(out.stderr, file=sys.stderr)
            return 1
        wall, peak_mb, rc = out.stdout.split()
        if int(rc):
            print(f"{name} failed: {out.stderr}", file=sys.stderr)
            return int(rc)
        wall, peak_mb = float(wall), float(peak_mb)
        ok = wall <= 10 and peak_mb <= 1024
        met &= ok
        print(f"{name}, {args.rows:,} responses: {wall:.1f} s wall, peak RSS {peak_mb:.0f} MB ({cpus} cores) "
              f"-> {'met' if ok else 'NOT met'} (<= 10 s, <= 1024 MB)")
    return 0 if met else 3


if __name__ == "__main__":
    sys.exit(main())
