# SPDX-License-Identifier: Apache-2.0
"""perche — Italian Voice-of-the-Customer analytics.

CX metrics with honest statistics (NPS, CSAT, CES, churn, response times, trends, segments),
computed by the same C++ core that C++ programs link.

>>> import perche
>>> r = perche.nps([10, 9, 7, 3, 10])
>>> round(r.score, 1)
40.0
"""

from ._core import (
    Aggregation,
    ChurnResult,
    CiMethod,
    Comparison,
    NpsBreaks,
    NpsCounts,
    NpsOptions,
    NpsResult,
    RatingCounts,
    RatingOptions,
    RatingResult,
    ResponseTimeResult,
    TrendOptions,
    TrendTestKind,
    TrendTestResult,
    Token,
    TokenKind,
    italian_stopwords,
    negators,
)
from .metrics import (
    Period,
    Segment,
    Trend,
    bayesian_average,
    by_segment,
    ces,
    churn_rate,
    compare,
    csat,
    nps,
    nps_compare,
    nps_margin_of_error,
    nps_sample_size,
    p_adjust,
    response_times,
    trend,
    trend_test,
)

from .text import Tokenizer, Tokens
from .classify import DriverClassifier, FormatError, LogisticRegression, NotFittedError, TfidfVectorizer
from .codebook import Codebook
from .sentiment import SentimentClassifier
from ._core import SentimentLexicon
from .survey import Analysis, AnalysisError, analyze, read_csv
from ._core import CsvTable, IoError
from .privacy import PiiSpan, find_pii, find_pii_batch, mask, mask_batch
from .discover import Theme, Themes, ThemeSeed, discover

__version__ = "0.1.0"

__all__ = [
    "Aggregation", "ChurnResult", "CiMethod", "Comparison", "NpsBreaks", "NpsCounts", "NpsOptions",
    "NpsResult", "Period", "RatingCounts", "RatingOptions", "RatingResult", "ResponseTimeResult",
    "Segment", "Trend", "TrendOptions", "TrendTestKind", "TrendTestResult", "bayesian_average",
    "by_segment", "ces", "churn_rate", "compare", "csat", "nps", "nps_compare", "nps_margin_of_error",
    "nps_sample_size", "p_adjust", "response_times", "trend", "trend_test",
    "Token", "TokenKind", "Tokenizer", "Tokens", "italian_stopwords", "negators",
    "DriverClassifier", "FormatError", "LogisticRegression", "NotFittedError", "TfidfVectorizer",
    "Analysis", "AnalysisError", "analyze", "read_csv", "CsvTable", "IoError", "Codebook",
    "SentimentClassifier",
    "SentimentLexicon",
    "PiiSpan", "find_pii", "find_pii_batch", "mask", "mask_batch",
    "Theme", "Themes", "ThemeSeed", "discover",
]
