# SPDX-License-Identifier: Apache-2.0
"""The survey on Apache Spark: driver labels of the comments by perche's model in the executors,
drivers' mentions and scores, NPS by channel from counts merged across partitions, and the proof
that the figures are those of perche in one process. Needs pyspark and Java 17 (pip install "perche[spark]").

    python examples/spark_analyze.py [examples/data/survey.csv] [model]
"""

import sys
from pathlib import Path

import pandas as pd

import perche
from perche import spark as ps

data = Path(__file__).parent / "data"
path = sys.argv[1] if len(sys.argv) > 1 else data / "survey.csv"
model = perche.DriverClassifier.load(sys.argv[2] if len(sys.argv) > 2 else data / "drivers.model")

spark = ps.session("local[2]")  # on a cluster: the cluster's SparkSession
# The comments hold commas, quotes and line breaks: Spark's CSV reader with RFC 4180 quoting.
df = spark.read.csv(str(path), header=True, inferSchema=True, multiLine=True, escape='"').repartition(4)

labelled = ps.classify(df, "motivo", model, proba_col="proba")
for row in labelled.select("id", "motivo", "prediction").orderBy("id").limit(3).collect():
    print(f"{row.id}: {row.prediction} ← {row.motivo[:60]!r}")

# Mentions, shares, NPS among mentioners and impact per driver, from counts merged across partitions.
print(ps.drivers(labelled, "nps", "prediction").round(3).to_string(index=False))

overall = ps.nps(df, "nps")
if overall is None:  # None: no score in the file
    sys.exit(f"{path}: no NPS score")
print(f"NPS {overall.score:+.1f} (95% CI {overall.ci_low:+.1f} … {overall.ci_high:+.1f}, n={overall.n})")
segments = ps.by_segment(df, "nps", "canale")
print(segments.to_frame()[["key", "n", "score", "ci_low", "ci_high", "p_holm"]].round(3).to_string(index=False))

# The same figures in one process, on the same rows.
local = pd.read_csv(path)
same = [(s.key, s.result.score, s.result.ci_low, s.p_holm) for s in segments] == \
    [(s.key, s.result.score, s.result.ci_low, s.p_holm) for s in perche.by_segment(local.nps, local.canale)]
print(f"identical to perche.by_segment in one process: {same}")
spark.stop()
