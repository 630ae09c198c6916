// SPDX-License-Identifier: Apache-2.0
#pragma once
/// The whole survey job: from an export (a CSV table, or columns already in memory) to the score
/// with its interval, its trend, segments, and the drivers behind it, as one result and one
/// versioned JSON document (docs/schema.md). `perche analyze`, `perche report` and
/// perche.analyze() in Python are thin shells over analyze_survey().
///
///     auto table = perche::read_csv_file("survey.csv");
///     perche::SurveyOptions opts;
///     opts.score = "nps"; opts.text = "motivo"; opts.date = "data"; opts.by = {"canale"};
///     perche::SurveyAnalysis a = perche::analyze_survey(table, opts);  // the default model
///     std::cout << perche::to_json(a);
///
/// Row rules (the one place they live):
/// - Columns match by name ignoring case and surrounding spaces. When several columns match, a
///   name given explicitly picks the one written exactly as given; with none or several such, and
///   always for a default name, it is an AnalysisError listing the columns (never a silent pick).
/// - A score is an integer in ASCII digits, optionally negative ("-3" on a scale from -3 to 3) and
///   with a zero decimal part after a point or a decimal comma ("9", "9.0", "9,00": Excel writes
///   them), or followed by its label as survey tools export the scale's points ("10 - Estremamente
///   probabile", "0 – Per niente", "5 (Molto soddisfatto)", "7: Molto facile") or by the top of
///   a 5, 7 or 10 scale ("9/10"), on the metric's scale. Nothing else: no plus, exponent ("1e1"), thousands separator
///   or other script's digits ("١٠"). A row without a valid score is left out, and is a problem naming its line. A
///   scale whose lowest level is not below its highest is an error before any row is read.
/// - A date is YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY (day first, as in Italy), or a day, an Italian
///   month name or its abbreviation and a year ("3 marzo 2024", "3 mar 2024"), each optionally
///   followed by a time of day (13:45:10, or 13.45.10 as the Italian locale writes it) and a UTC
///   offset, which are ignored: the date is the one written, in the data's own zone. A column
///   whose dates read only month first in some rows (12/25/2026) and only day first in none is
///   read MM/DD/YYYY, with a `dates_month_first` note. A year before 1900 is no response date
///   (30/12/1899 is how spreadsheets write an empty one). Anything else ("20240201",
///   "2024/02/01") leaves the row out of the trend only, as a problem naming its line.
/// - A cell is empty when it holds only white space (Unicode White_Space); an empty segment cell
///   is the segment "(vuoto)" ("(vuoto 2)" when the column holds "(vuoto)" itself); a comment that
///   is empty mentions no driver and does not count in
///   the shares of comments.
#include <perche/codebook.hpp>
#include <perche/csv.hpp>
#include <perche/drivers.hpp>
#include <perche/sentiment.hpp>
#include <perche/error.hpp>
#include <perche/metrics.hpp>
#include <perche/privacy.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace perche {

/// Input that cannot be analysed: a missing or ambiguous column, options that contradict each
/// other, no valid row. One line naming the column, the value or the first problems.
class AnalysisError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// The calendar period a trend is cut by.
enum class Freq {
  day,      ///< "2024-03-05"
  week,     ///< ISO 8601 week, Monday to Sunday: "2024-W10" (the ISO week-numbering year)
  month,    ///< "2024-03"
  quarter,  ///< "2024-Q1"
  year,     ///< "2024"
};

/// What labels the comments with drivers (SurveyOptions::labeller).
enum class Labeller { model, codebook, labels, none };

/// Options of analyze_survey(). Every default is here (the Python and command-line shells read
/// them from this struct).
struct SurveyOptions {
  Metric metric = Metric::nps;
  /// Scale and aggregation of CSAT/CES; none: CsatOptions (1–5 top-2-box) or CesOptions (1–7 mean).
  std::optional<RatingOptions> rating{};
  std::string score;  ///< the score column; "": the metric's name ("nps", "csat", "ces")
  std::string text;   ///< the comment column; "": the first of kTextColumns present
  /// The date column of the trend; none: the first of kDateColumns present; "": no trend.
  std::optional<std::string> date{};
  Freq freq = Freq::month;
  /// Segment columns; none: those of kSegmentColumns present; empty: no segments.
  std::optional<std::vector<std::string>> by{};

  /// What labels the comments with drivers: a model (`model`, or the file `model_path`; neither:
  /// the default model, default_model_path() or `data_dir`), a codebook (`codebook`, or the file
  /// `codebook_path`; neither: the default codebook), gold labels (`labels`: one column of driver
  /// names joined by | ; or ,, or several 0/1 columns, one per driver), or nothing (metrics only,
  /// `perche report`).
  /// `model` and `codebook` are not owned: they must outlive the call. Setting an option of another
  /// labeller than `labeller` (a codebook_path with Labeller::model) is a contradiction: std::invalid_argument.
  Labeller labeller = Labeller::model;
  const DriverClassifier* model = nullptr;
  std::string model_path;
  const Codebook* codebook = nullptr;
  std::string codebook_path;
  std::vector<std::string> labels;
  std::string data_dir;  ///< where the default model and codebook are; "": data_files.hpp's search
  /// A model's decision: probability >= each driver's own threshold (tuned when it was trained),
  /// or >= this one value for every driver, in (0, 1] (Labeller::model only).
  std::optional<double> threshold{};

  /// The sentiment of each comment (perche/sentiment.hpp): from `sentiment_model`, or the file
  /// `sentiment_model_path`; neither: the shipped default (SentimentClassifier::default_model(),
  /// from `data_dir` when given). false: no sentiment figures. `sentiment_model` is not owned.
  bool sentiment = true;
  const SentimentClassifier* sentiment_model = nullptr;
  std::string sentiment_model_path;

  double confidence = kDefaultConfidence;  ///< of every interval, in (0, 1)
  double alpha = 0.05;                     ///< significance of tests (Holm/BH-adjusted where several), in (0, 1)
  int bootstrap_samples = 2000;            ///< replicates of the impact intervals, in [2, kMaxBootstrapSamples]
  std::uint64_t seed = 12345;              ///< bootstrap seed: results repeat for a given seed
  std::size_t verbatims = 3;               ///< quoted comments per driver
  std::string lang = "it";                 ///< driver labels of the default taxonomy: "it" or "en"
  std::size_t max_problems = 100;          ///< problems listed in the result (all are counted)
  /// Mask personal data (perche/privacy.hpp, every kind, "[TEL]" tags) in every quoted comment
  /// (Verbatim::text); highlights over a masked span are dropped, the others follow the new text.
  /// A note of the result says so. false: comments are quoted as written.
  bool mask = true;
  /// Threads of the work analyze_survey does itself: the model, codebook and sentiment model it
  /// loads (or the codebook given), the driver analyses and their bootstrap; 0: every core. A
  /// model or sentiment model passed in keeps its own set_threads(). The results do not depend on it.
  unsigned threads = 0;

  static constexpr std::string_view kTextColumns[] = {"motivo", "testo", "commento", "text", "comment", "verbatim"};
  static constexpr std::string_view kDateColumns[] = {"data", "date"};
  static constexpr std::string_view kSegmentColumns[] = {"canale", "segmento", "fase", "channel", "segment", "stage"};
};

/// A day as the number of days since 1970-01-01 (proleptic Gregorian), for date columns in memory.
using Day = std::int32_t;
inline constexpr Day kNoDay = std::numeric_limits<Day>::min();  ///< a missing date

/// One column of data already in memory (a DataFrame's), for the analyze_survey() overload on
/// columns. Exactly one kind of cells: texts (an empty or blank text is a missing value), numbers
/// (NaN: missing) or days (kNoDay: missing). The spans must outlive the call.
struct SurveyColumn {
  enum class Kind { text, number, day };
  std::string name;
  Kind kind = Kind::text;
  std::span<const std::string_view> texts{};
  std::span<const double> numbers{};
  std::span<const Day> days{};
};

/// A problem of the input: a record or row left out of something, or a note about the input.
struct SurveyProblem {
  std::size_t line = 0;              ///< CSV: 1-based line where the record starts (0: the whole input)
  std::optional<std::size_t> row{};  ///< columns in memory: 0-based row position (line is then 0)
  std::string message;
};

/// A score and its interval, for NPS, CSAT and CES alike.
struct ScoreSummary {
  double score = 0, se = 0, ci_low = 0, ci_high = 0;
  double center = 0;  ///< where the interval is centred (an adjusted-Wald score may lie outside it)
  std::uint64_t n = 0;
  CiMethod method = CiMethod::wald;
  /// NPS only: the shares of promoters, passives and detractors.
  std::optional<double> promoter_share{}, passive_share{}, detractor_share{};
};

/// One period of the trend, compared with the period before it.
struct SurveyPeriod {
  std::string period;  ///< its label ("2024-03")
  ScoreSummary result;
  std::optional<double> diff_prev{}, p_prev{}, p_prev_holm{};  ///< vs the previous period; Holm over the trend
  bool significant_drop = false;                               ///< diff_prev < 0 and p_prev_holm < alpha
  /// This period or the one before has fewer than kMinTestResponses (Kish n_eff): diff_prev is shown,
  /// not tested (no p_prev, left out of Holm), as a segment that small is.
  bool too_few = false;
};

struct SurveyTrend {
  std::string column;
  Freq freq = Freq::month;
  std::vector<SurveyPeriod> periods;
  std::optional<TrendTestResult> test;  ///< none with fewer than 3 periods
};

/// One segment of a column, compared with all other rows.
struct SurveySegment {
  std::string segment;
  ScoreSummary result;
  std::optional<double> diff_vs_rest{}, p_value{}, p_holm{}, p_bh{};
  bool significant = false;  ///< p_holm < alpha
  bool too_few = false;      ///< fewer than kMinTestResponses in the segment or the rest: shown, not tested
};

/// Segments a column is split into at most: a column of more values (a customer code, a free-text
/// answer) keeps its kMaxSegments - 1 largest and merges the others into one segment, "(altri)",
/// with a note ("segments_merged").
inline constexpr std::size_t kMaxSegments = 100;

struct SurveySegments {
  std::string column;
  std::vector<SurveySegment> groups;  ///< by segment name (code-point order)
};

/// A driver's share in one segment against the other comments.
struct SurveyDriverSegment {
  std::string column, segment, driver;
  std::uint64_t n = 0;
  double share = 0, share_rest = 0, diff = 0, p_value = 1, p_bh = 1;
  bool significant = false;
};

struct SurveyDriverTrend {
  std::string driver;
  struct Share {
    std::string period;
    std::uint64_t n = 0, mentions = 0;
    double share = 0;
  };
  std::vector<Share> periods;
  std::optional<TrendTestResult> test;  ///< increasing/declining after Holm over the drivers (DriverTrend)
  std::optional<double> p_holm;         ///< test->p_value adjusted by Holm over the drivers; none without a test
};

/// Where a comment says what made a driver fire: offsets in Unicode code points of the text.
struct Highlight {
  std::size_t start = 0, end = 0;
  std::string term;
  double weight = 1.0;  ///< the term's pull in logit units (a codebook match: 1)
};

/// A quoted comment: its first kMaxVerbatimCodePoints code points ("…" marks a cut), with the
/// highlights inside them.
inline constexpr std::size_t kMaxVerbatimCodePoints = 2000;
struct Verbatim {
  std::string driver, text;
  double probability = 1.0;
  int score = 0;
  /// The comment's sentiment (mixed, negative, neutral, positive) when the analysis has one: a
  /// negative or mixed comment is one of the driver's pain points, a positive one a delight.
  std::optional<std::string> sentiment{};
  std::optional<std::string> segment{}, date{};
  std::size_t line = 0;              ///< CSV line (0 for columns in memory)
  std::optional<std::size_t> row{};  ///< row position for columns in memory
  std::vector<Highlight> highlights;
};

/// Sentiment of the analysed comments (SurveyOptions::sentiment).
struct SurveySentiment {
  std::string model = "default";  ///< "default" (the shipped lexicon model) or "model" (a given one)
  std::optional<std::string> path{};
  std::uint64_t comments = 0;
  /// Comments by class, in SentimentClassifier::kClasses order (mixed, negative, neutral, positive).
  std::array<std::uint64_t, 4> counts{};
  /// Net sentiment: (positive − negative) / comments × 100 (mixed and neutral count in the base).
  double net = 0;
  /// The hidden risk and its mirror (NPS only; none for CSAT/CES or without such respondents):
  /// of the promoters with a comment, the share whose comment is negative or mixed; of the
  /// detractors with a comment, the share whose comment is positive.
  std::optional<double> promoters_negative{}, detractors_positive{};
  std::uint64_t promoters = 0, detractors = 0;  ///< with a comment
  /// Where the sentiment of a driver's mention comes from: "driver", the polarity of the driver in
  /// the comment from a driver + sentiment model (DriverOptions::sentiment); "comment", the
  /// sentiment of the whole comment (other labellers).
  std::string drivers_from = "comment";
};

/// Sentiment of one driver's mentions: the class of each mention (SurveySentiment::drivers_from
/// says whether the driver's own polarity or the comment's), and the impact of its
/// negative (negative or mixed) and of its positive (positive or mixed) mentions separately, as
/// DriverImpact defines impact (score of all − score without those mentioners, bootstrap interval).
struct DriverSentiment {
  std::string driver;
  std::uint64_t mentions = 0;
  std::array<std::uint64_t, 4> counts{};  ///< in SentimentClassifier::kClasses order
  double net = 0;                         ///< (positive − negative) / mentions × 100; 0 without mentions
  std::optional<double> negative_impact, negative_ci_low, negative_ci_high;
  std::optional<double> positive_impact, positive_ci_low, positive_ci_high;
  /// Every negative comment lowers the score: the driver's negative (or mixed) mentioners' score −
  /// that of the other responses whose comment is negative or mixed (a two-group comparison as a
  /// segment's against the rest), with its p-value adjusted by Holm over the drivers. None when a
  /// group is too small to test.
  std::optional<double> negative_excess, negative_excess_p_holm;
  /// negative_excess < 0 and negative_excess_p_holm < alpha: the summary's pain points.
  bool pain_point = false;
};

/// The share of negative or mixed comments in one period of the trend.
struct SentimentPeriod {
  std::string period;
  std::uint64_t comments = 0, negative = 0;
  double share = 0;
};

/// Another metric's column found beside the analysed one (an NPS survey with a CSAT question).
struct OtherMetric {
  Metric metric = Metric::csat;
  std::string column;
  ScoreSummary result;
  std::uint64_t missing = 0;  ///< analysed rows whose cell in this column is empty or invalid
};

/// A note of the result: what was left out and why, or a warning, in plain words (English), with a
/// stable code a program can test ("out_of_domain", "default_model", "masked", "drivers",
/// "problems", "other_metric", "no_drivers", "segments_merged") and the fields the HTML and text
/// reports word it from in the report's language, with the driver's display name (docs/schema.md,
/// notes).
struct SurveyNote {
  std::string code;
  std::string message;
  /// A finer code: a "drivers" note's DriverNote::reason; "labels" or "labeller" for "no_drivers";
  /// "ambiguous_column" for "other_metric"; empty for the others.
  std::string reason;
  std::string driver;                                          ///< the driver's code; empty: none
  std::vector<std::pair<std::string, std::string>> words;      ///< named words: "outcome", "metric"
  std::vector<std::pair<std::string, std::uint64_t>> figures;  ///< named counts (docs/schema.md)
};

/// The domain guard's thresholds (docs/schema.md, model.coverage). Chosen by measurement with the
/// default model (tests/survey_test.cpp, tests/python/test_survey.py): the shipped sample gives
/// known_share 1.00, vocabulary_overlap 0.98, driver_share 1.00 (codebook 0.87); 118 hotel and
/// product reviews (tests/data/out_of_domain.csv) 0.11, 0.20, 0.33 (codebook 0.09); 6,337 hotel
/// review sentences (ABSITA 2018, development only) 0.15, 0.26, 0.60 (codebook 0.32).
/// A comment has "enough known features" when at least kMinKnownTerms of its terms (the model's
/// tokenizer's, stopwords removed) are words of the model's vocabulary.
inline constexpr double kMinKnownTerms = 0.5;
/// Out of domain (a model): fewer than this share of the comments have enough known features, or
/// fewer than this share of all their terms are in the vocabulary.
inline constexpr double kMinKnownShare = 0.5;
inline constexpr double kMinVocabularyOverlap = 0.5;
/// Out of domain (a model saved with its training top-probability distribution): more than this
/// share of the comments have a highest driver probability below the training comments' 10th
/// percentile (SurveyCoverage::low_top_share; about 0.10 in domain). Measured with the default
/// model: the shipped sample 0.007 (its training comments), 2,336 unseen comments of the sample's
/// generator (make_survey.py --seed 7) 0.057; tests/data/out_of_domain.csv 0.92, ABSITA 2018
/// hotel sentences 0.75, SENTIPOLC 2016 tweets 0.94 (development only).
inline constexpr double kMaxLowTopShare = 0.4;
/// Out of domain (a codebook): fewer than this share of the comments match any of its drivers.
inline constexpr double kMinCodebookShare = 0.4;
/// Fewer comments than this are measured but never called out of domain (shares of a handful of
/// comments say little).
inline constexpr std::uint64_t kMinCoverageComments = 10;
/// At most this many comments are measured (evenly spaced, so that the result repeats): the
/// figures are shares, and this bounds the guard's cost on a million comments.
inline constexpr std::size_t kMaxCoverageComments = 20000;

/// How well the labeller covers the comments (the domain guard): a model trained on contact-centre
/// comments labels hotel reviews with confident-looking but meaningless drivers; these figures
/// say so. Measured for a model or a codebook, not for gold labels.
struct SurveyCoverage {
  std::uint64_t comments = 0;  ///< comments measured (at most kMaxCoverageComments)
  /// A model with word features: the share of comments with enough known features
  /// (kMinKnownTerms), and the share of all their terms that are in the vocabulary (vocabulary
  /// overlap); none for a codebook or a model of character n-grams alone.
  std::optional<double> known_share{}, vocabulary_overlap{};
  double driver_share = 0;  ///< the share of comments given at least one driver
  /// A model: quartiles of each comment's highest driver probability, and the mean of its driver
  /// thresholds (a comment whose highest probability is below its driver's threshold gets none).
  std::optional<double> top_p25{}, top_median{}, top_p75{}, mean_threshold{};
  /// A model saved with its training comments' top-probability distribution (format version 5,
  /// DriverClassifier::training_top_quantiles): their median highest probability, and the share
  /// of these comments whose highest probability is below the training comments' 10th percentile
  /// (about 0.10 for comments like the training ones; out-of-domain comments, on which the model
  /// knows few words, pile up there). None for a codebook or an older model.
  std::optional<double> training_top_median{}, low_top_share{};
  /// Below the thresholds above (and at least kMinCoverageComments comments): a note with code
  /// "out_of_domain" says so and suggests `perche discover`.
  bool out_of_domain = false;
};

/// Below this many responses the summary warns that every interval is wide (SummarySentence code
/// "few_responses"): at n = 100 the 95% interval of an NPS is ±17 points with the sample's shares
/// (47% promoters, 30% detractors) and ±20 at worst (nps_margin_of_error), wider than most changes
/// a team acts on.
inline constexpr std::uint64_t kFewResponses = 100;

/// One figure a summary sentence quotes: its value exactly as the JSON document (to_json) holds it,
/// and where: `source` is a JSON Pointer (RFC 6901) into that document ("/overall/score",
/// "/drivers/0/impact", "/model/labels/tempi_attesa"). Numbers keep their JSON type (a count is an
/// integer); texts are labels quoted as written (a driver's display name, a segment, a period).
struct SummaryFigure {
  std::string name;    ///< what it is in the sentence: "score", "ci_low", "driver", "p_holm"...
  std::string source;  ///< JSON Pointer of the value in to_json's document
  std::variant<double, std::uint64_t, std::string> value;
};

/// One sentence of the summary in words, in Italian and English, made from the figures it quotes
/// and nothing else: "significant" (significativo) only where a test of the analysis says so (an
/// interval that excludes 0, a Holm-adjusted p below alpha, a Mann–Kendall test), never otherwise.
/// Codes, in the order they come: score, definition (what the metric is: no figures), few_responses,
/// trend_last (last period against the one before), trend_test (Mann–Kendall over the periods),
/// out_of_domain, drag (one per driver that lowers the score, at most 3), no_drag, strengths,
/// pain_points (negative mentions, with per-driver sentiment), segment_gap (at most 3),
/// no_segment_gap, driver_trend (at most 3), rejected_rows.
struct SummarySentence {
  std::string code;
  std::vector<SummaryFigure> figures;  ///< in the order the text quotes them
  std::string text_it, text_en;
};

/// Result of analyze_survey(). Every figure of the JSON document (to_json).
struct SurveyAnalysis {
  struct Source {
    std::optional<std::string> file{};  ///< the CSV read (read_csv_file's path), none for columns in memory
    std::uint64_t rows = 0;             ///< records (CSV, the skipped ones included) or rows
    std::optional<std::string> encoding{};
    std::optional<char> delimiter{};
    std::uint64_t replaced = 0;           ///< invalid byte sequences replaced by U+FFFD
    std::uint64_t rows_used = 0;          ///< with a valid score
    std::uint64_t bad_rows = 0;           ///< records skipped by the reader + rows without a valid score
    std::vector<SurveyProblem> problems;  ///< the first max_problems: the reader's, then the rows' by line
    std::uint64_t problems_total = 0;
  } source;
  struct Columns {
    std::string score;
    std::optional<std::string> text{}, date{};
    std::vector<std::string> by, labels;
  } columns;
  Metric metric = Metric::nps;
  int scale_min = 0, scale_max = 10;
  /// CSAT/CES only (NPS: unused): how the ratings make the score (RatingOptions::aggregation), the
  /// boxes counted as top and as bottom (RatingOptions::top resolved: 0 means half the levels), and
  /// whether scale_min is the best answer.
  Aggregation aggregation = Aggregation::top_box;
  int top = 2;
  bool reversed = false;
  double confidence = kDefaultConfidence, alpha = 0.05;
  std::string lang = "it";
  /// What labelled the comments: "default" (the shipped model), "model", "codebook", "labels",
  /// or "none" (Labeller::none); path of the file read, if any; driver codes and display labels.
  struct Model {
    std::string kind = "none";
    std::optional<std::string> path{};
    std::vector<std::string> drivers, labels;
    std::optional<SurveyCoverage> coverage{};  ///< the domain guard; none for gold labels or no labeller
  } model;
  std::optional<ScoreSummary> overall;  ///< none without a valid row (then analyze_survey throws)
  std::vector<OtherMetric> other_metrics;
  std::optional<SurveyTrend> trend;
  std::vector<DriverImpact> drivers;  ///< by impact, most negative first; no impact last
  std::optional<KeyDriverModel> key_negative, key_positive;
  double share_threshold = 0, impact_threshold = 0;
  std::vector<SurveySegments> segments;
  std::vector<SurveyDriverSegment> driver_segments;
  std::vector<SurveyDriverTrend> driver_trend;
  std::vector<Verbatim> verbatims;
  std::optional<SurveySentiment> sentiment;       ///< none without comments or with sentiment off
  std::vector<DriverSentiment> driver_sentiment;  ///< in the order of `drivers`
  std::vector<SentimentPeriod> sentiment_trend;   ///< by period of the trend
  std::uint64_t comments = 0;                     ///< analysed rows with a comment
  std::vector<SurveyNote> notes;
  std::vector<SummarySentence> summary;  ///< the summary in words (summarize()), filled last
};

/// Analyses a CSV table (read_csv / read_csv_file). Throws AnalysisError (a missing or ambiguous
/// column, no header, no valid row: the message names them and the first problems),
/// std::invalid_argument for bad options, IoError/FormatError for a model or codebook file that
/// cannot be read. `source_name` is the file named in the result (read_csv_file's path).
SurveyAnalysis analyze_survey(const CsvTable& table, const SurveyOptions& options = {},
                              std::string_view source_name = {});

/// Analyses columns already in memory (same rules; problems name 0-based row positions).
SurveyAnalysis analyze_survey(std::span<const SurveyColumn> columns, const SurveyOptions& options = {});

/// Position of a column under the survey's rule: `name` if given, else the first of `defaults`
/// present, else none. Throws AnalysisError for a given name not found, or any ambiguous match;
/// `what` and `arg` name the role and the option in its message ("text column", "text").
std::optional<std::size_t> find_column(std::span<const std::string> names, std::string_view name,
                                       std::span<const std::string_view> defaults = {},
                                       std::string_view what = "column", std::string_view arg = "column");

/// Result of label_comments().
struct CommentLabels {
  std::string kind;  ///< as SurveyAnalysis::Model::kind
  std::optional<std::string> path;
  std::vector<std::string> drivers;
  std::vector<double> probabilities;
  LabelMatrix mentions;
};
/// The labelling step alone, on comments (a blank comment mentions no driver, probability 0):
/// driver codes, n × k probabilities (row-major; a codebook gives 0/1) and the decisions, with
/// options.threshold applied as analyze_survey applies it. Labeller::model or ::codebook only.
CommentLabels label_comments(std::span<const std::string_view> texts, const SurveyOptions& options = {});

/// Gold labels of the rows of a table: from one column of driver names joined by | ; or ,
/// (split_labels), or from several columns of 0/1 (an empty cell is 0; "1.0" and "0,0" are read as
/// the score rule reads numbers), one per driver, named after its column. Columns are found as
/// analyze_survey finds them. `rows`: the rows to read (empty: all). Throws AnalysisError naming
/// the column, the line and the value of a cell that is not 0 or 1, or a name not in `drivers`.
std::pair<std::vector<std::string>, LabelMatrix> gold_labels(const CsvTable& table,
                                                             std::span<const std::string> columns,
                                                             std::span<const std::size_t> rows = {});

/// Driver names per text from strings like "prezzo|consegna" (separators | ; and ,; names
/// trimmed): the sorted distinct names (or `drivers` when given) and the n × k 0/1 matrix. Names
/// that differ only in the case of ASCII letters, '_' for a space or repeated spaces are one
/// driver ("Tempi_attesa", "tempi attesa"), named by its most frequent spelling.
/// Throws AnalysisError naming the row of a name not in `drivers`.
std::pair<std::vector<std::string>, LabelMatrix> split_labels(std::span<const std::string_view> texts,
                                                              std::span<const std::string> drivers = {});

/// The one JSON document of an analysis: `"schema": 4`, described field by field in
/// docs/schema.md. UTF-8, no NaN or infinity (null instead), numbers in the shortest form that
/// reads back to the same double.
std::string to_json(const SurveyAnalysis& analysis, int indent = 2);

/// The summary in words of an analysis (SummarySentence), from its figures alone: analyze_survey()
/// fills SurveyAnalysis::summary with it; call it again on an analysis built or changed by hand.
/// The JSON Pointers of its figures follow to_json's layout of `analysis`.
std::vector<SummarySentence> summarize(const SurveyAnalysis& analysis);

/// `value` with `decimals` decimals as a reader of `lang` writes it: "it" with a decimal comma and
/// a point between thousands ("1.234,5"), "en" with a point and commas ("1,234.5"); `sign`: "+"
/// before a positive value; a negative one always has the minus sign U+2212 ("−8,1"); −0 and
/// values that round to 0 print without a sign. NaN or infinity: "—". Throws
/// std::invalid_argument for decimals outside [0, 6] or another lang.
std::string format_number(double value, int decimals, std::string_view lang, bool sign = false);

/// The analysis's label of a period ("2024-03", "2024-W10"...), for a day.
std::string period_label(Day day, Freq freq);
/// The date a cell holds under the date rule above, or none.
std::optional<Day> parse_date(std::string_view cell);
/// The integer a cell holds under the score rule above (any value, not only the scale's), or none.
std::optional<std::int64_t> parse_score(std::string_view cell);

}  // namespace perche
