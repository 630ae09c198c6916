#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Instructions of drivers + polarity against drivers alone (issue 18's time ratio, counted).

Runs build/dev/benchmarks/polarity_work under valgrind's callgrind in its four modes (one thread)
and prints the instructions of a warm `predict` and a warm `predict_polarity` on the same comments
with their ratio. Instruction counts repeat exactly where this machine's times drift by a third;
they do not count cache misses, so the time ratio is higher (bench_classify's
drivers_and_sentiment gives it).

    python3 benchmarks/polarity_instructions.py [--model M] [--corpus FILE] [--binary PATH]

Needs valgrind (apt; scripts/deps installs it).
"""
import argparse
import pathlib
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = pathlib.Path(__file__).resolve().parent.parent


def instructions(binary, model, corpus, mode, out_dir):
    log = pathlib.Path(out_dir) / f"callgrind.{mode}.log"
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_dir}/callgrind.{mode}.out",
           f"--log-file={log}", str(binary), str(model), str(corpus), str(mode)]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"polarity_instructions: {' '.join(cmd)} failed ({run.returncode}): {run.stderr.strip()}")
    found = re.search(r"Collected : (\d+)", log.read_text())
    if not found:
        sys.exit(f"polarity_instructions: no instruction count in {log}")
    return int(found.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=ROOT / "examples/data/drivers.model")
    ap.add_argument("--corpus", default=ROOT / "benchmarks/data/comments_it.txt")
    ap.add_argument("--binary", default=ROOT / "build/dev/benchmarks/polarity_work")
    args = ap.parse_args()
    if not pathlib.Path(args.binary).exists():
        sys.exit(f"polarity_instructions: {args.binary} not found (cmake --build --preset dev builds it)")
    with tempfile.TemporaryDirectory() as out, ThreadPoolExecutor(2) as pool:
        counts = list(pool.map(lambda m: instructions(args.binary, args.model, args.corpus, m, out), range(4)))
    predict, polarity = counts[1] - counts[0], counts[3] - counts[2]
    comments = sum(1 for _ in open(args.corpus, encoding="utf-8"))
    print(f"{comments} comments, one thread: predict {predict / 1e6:.1f} M instructions, "
          f"predict_polarity {polarity / 1e6:.1f} M: ratio {polarity / predict:.3f}")


if __name__ == "__main__":
    main()
