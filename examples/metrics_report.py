# SPDX-License-Identifier: Apache-2.0
"""Weekly CX figures from a survey export with pandas: NPS with its interval, this month against
last month, channels against each other, and whether the trend is going down.

    python examples/metrics_report.py [examples/data/survey.csv]
"""

import sys
from pathlib import Path

import pandas as pd

import perche

path = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "data" / "survey.csv"
df = pd.read_csv(path, parse_dates=["data"])

overall = perche.nps(df.nps)
if overall is None:  # None: no score in the file
    sys.exit(f"{path}: no NPS score")
print(f"NPS {overall.score:+.1f} (95% CI {overall.ci_low:+.1f} … {overall.ci_high:+.1f}, n={overall.n})")

month = df.data.dt.to_period("M")
last, previous = month.max(), month.max() - 1
d = perche.nps_compare(df.nps[month == last], df.nps[month == previous])
if d is not None:  # None when either month has no score
    print(f"{last} vs {previous}: {d.diff:+.1f} points, p={d.p_value:.3f}")

print(perche.by_segment(df.nps, df.canale).to_frame()[["key", "n", "score", "ci_low", "ci_high", "diff", "p_holm"]]
      .round(3).to_string(index=False))

t = perche.trend(df.nps, df.data, freq="M").test
if t is not None:  # None with fewer than 3 months
    print(f"trend: {t.slope:+.2f} points/month, p={t.p_value:.4f}, declining={t.declining}")

csat, ces = perche.csat(df.csat), perche.ces(df.ces)
if csat is not None and ces is not None:
    print(f"CSAT {csat.score:.1f}% top-2-box; CES {ces.score:.2f}/7")
