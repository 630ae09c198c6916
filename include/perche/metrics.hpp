// SPDX-License-Identifier: Apache-2.0
/// \file perche/metrics.hpp
/// Customer-experience metrics with honest statistics: NPS, CSAT, CES, churn, response times, trends
/// and segment comparisons, each with n, standard error and confidence interval. Header-only
/// (target `perche::metrics`), no dependency beyond the standard library.
///
///     std::vector<int> scores = {10, 9, 7, 3, 10};
///     auto r = perche::nps(scores);               // adjusted Wald 95% CI by default
///     if (r) std::printf("%.1f [%.1f, %.1f]\n", r->score, r->ci_low, r->ci_high);
///
/// Conventions. A broken contract (score off the scale, NaN, negative weight, mismatched lengths,
/// bad option) throws std::invalid_argument whose message names the function, the index and the
/// value. No data gives std::nullopt, never NaN. Scores are reported in the metric's usual unit
/// (NPS points in [−100, 100], CSAT/CES shares in percent, means in scale units); shares of
/// categories are fractions in [0, 1]. Weighted data (weights that vary): standard errors are
/// design-based, by Taylor linearization of the weighted mean (Woodruff 1971, JASA 66; Wolter 2007,
/// Introduction to Variance Estimation, ch. 6; exactly R's survey::svymean, Lumley 2010, Complex
/// Surveys, §2.2), entering the interval formulas through the design effective n,
/// n_design = σ²/V_lin (see detail::design_n), with Student's t in place of z on the design's
/// degrees of freedom, (n − 1)·(Σw²)²/(n·Σw⁴) (Satterthwaite 1946 on the squared weights; see
/// detail::design_df: a few heavy weights carry the variance with few degrees of freedom); Kish's
/// n_eff = (Σw)²/Σw² (Kish 1965, Survey Sampling, §11.7) stays reported as a diagnostic. Unweighted
/// data (or equal weights) have n_design = n_eff = n and the simple-random-sample formulas.
///
/// Calibration. The defaults (adjusted Wald for NPS and net scores, Wilson for shares, t for means,
/// the pooled score test for comparisons) keep their simulated coverage and type-I error at the
/// sample sizes of benchmarks/calibration.py; a method known to be miscalibrated at small n (Wald)
/// stays available by name and says so in the result's `warning`.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace perche {

/// Confidence level of every interval when none is given: the option structs' `confidence` and the
/// `confidence` argument of compare(), churn_rate(), response_times() and the sample-size functions.
inline constexpr double kDefaultConfidence = 0.95;
/// Most bootstrap replicates an option may ask for: a percentile interval is stable to the
/// third decimal long before (Efron & Tibshirani 1993, ch. 19: ~1,000-2,000 for a percentile
/// interval), and int's range would hold 16 GB of replicates.
inline constexpr int kMaxBootstrapSamples = 1'000'000;

/// Expected promoter and detractor shares of nps_margin_of_error() and nps_sample_size() when none
/// are given: P = D = 0.5 maximizes σ² = P + D − (P − D)² at 1, the worst case.
inline constexpr double kWorstCaseShare = 0.5;

/// How a confidence interval is computed.
enum class CiMethod {
  wald,           ///< estimate ± z·SE (normal approximation)
  adjusted_wald,  ///< Rocks (2016) adjusted Wald for a difference of trinomial shares (NPS, CES net)
  wilson,         ///< Wilson (1927) score interval for a share (CSAT/CES top box)
  wilson_cc,      ///< Wilson with continuity correction (Newcombe 1998, method 4): top-box default
  t,              ///< Student's t interval for a mean (undercovers for skewed ratings at small n)
  adjusted_t,     ///< t interval with half a pseudo-response at each end of the scale (mean default)
  bootstrap,      ///< percentile bootstrap from the histogram with pseudo-counts (see nps())
};

/// Segments (and compared groups) with fewer responses than this are reported with their figures
/// but not tested: `SegmentResult::too_few` is set and vs_rest is absent. From 5 responses up the
/// pooled score test keeps its type-I error <= 6% at the 5% level (benchmarks/calibration.py).
inline constexpr double kMinTestResponses = 5.0;

/// Below this many responses in either group, a comparison of top-box shares of unweighted data
/// uses Boschloo's (1970) exact test (see compare()).
inline constexpr double kExactTestBelow = 20.0;

/// How a rating scale (CSAT, CES) is summarised into one score.
enum class Aggregation {
  mean,     ///< mean rating, in scale units
  top_box,  ///< share of the `top` highest levels, in percent ("agree share" for CES)
  net,      ///< % top boxes − % bottom boxes (same number of boxes each side), in points
};

/// Trend test applied to the per-period scores.
enum class TrendTestKind {
  mann_kendall,  ///< Mann (1945)/Kendall (1975) rank test with tie correction; Sen (1968) slope
  ols,           ///< ordinary least-squares slope on the period rank, t test with k − 2 df
};

/// Category breaks of the 0–10 NPS scale: detractors score ≤ detractor_max, promoters
/// ≥ promoter_min, passives in between. Reichheld (2003), "The One Number You Need to Grow",
/// HBR 81(12): detractors 0–6, passives 7–8, promoters 9–10.
struct NpsBreaks {
  int detractor_max = 6;
  int promoter_min = 9;
  friend bool operator==(const NpsBreaks&, const NpsBreaks&) = default;
};

/// Options of nps() and nps_compare().
struct NpsOptions {
  CiMethod method = CiMethod::adjusted_wald;  ///< wald, adjusted_wald or bootstrap
  double confidence = kDefaultConfidence;     ///< in (0, 1)
  NpsBreaks breaks{};                         ///< used when scores are given (counts carry their own)
  int bootstrap_samples = 2000;               ///< replicates for CiMethod::bootstrap, in [2, kMaxBootstrapSamples]
  std::uint64_t seed = 12345;                 ///< bootstrap seed: results repeat for a given seed
};

/// Options of csat(), ces() and rating(); CsatOptions and CesOptions carry each metric's defaults.
struct RatingOptions {
  int scale_min = 1;      ///< lowest level of the integer scale
  int scale_max = 5;      ///< highest level, > scale_min, at most 10,000 levels
  int top = 2;            ///< boxes counted as top (and bottom); 0 = half the levels
  bool reversed = false;  ///< true when scale_min is the best answer
  Aggregation aggregation = Aggregation::top_box;
  std::optional<CiMethod>
      method{};  ///< none: Wilson with continuity correction (top_box), adjusted t (mean), adjusted Wald (net)
  double confidence = kDefaultConfidence;
  int bootstrap_samples = 2000;  ///< in [2, kMaxBootstrapSamples]
  std::uint64_t seed = 12345;
};

/// CSAT defaults: 1–5 scale, top-2-box share ("soddisfatto" + "molto soddisfatto").
struct CsatOptions : RatingOptions {};

/// CES defaults: 1–7 agreement scale ("È stato facile…", 7 = strongly agree), mean rating. For
/// CES 2.0 (Dixon, Freeman & Toman 2010; Gartner 2013) the "agree share" is top 3 of 7.
struct CesOptions : RatingOptions {
  CesOptions() {
    scale_min = 1;
    scale_max = 7;
    top = 0;
    aggregation = Aggregation::mean;
  }
};

/// Options of the trend functions.
struct TrendOptions {
  TrendTestKind test = TrendTestKind::mann_kendall;
  double alpha = 0.05;  ///< significance level that sets `declining` / `increasing`
};

class NpsCounts;
class RatingCounts;
namespace detail {
struct CountsAccess;
}

/// Mergeable NPS accumulator: per category the number of responses, Σw, Σw² and Σw⁴. Every NPS
/// statistic derives from it, so counts built by threads, files or a distributed engine and
/// combined with += give exactly the result on the concatenated data (exactly for unweighted
/// counts; to floating-point rounding of Σw for weighted ones).
class NpsCounts {
 public:
  /// Empty counts. Throws std::invalid_argument unless 0 <= detractor_max < promoter_min <= 10.
  explicit NpsCounts(NpsBreaks breaks = {});

  /// Counts of unweighted responses per category, e.g. NpsCounts::from_counts(20, 30, 50).
  static NpsCounts from_counts(std::uint64_t detractors, std::uint64_t passives, std::uint64_t promoters,
                               NpsBreaks breaks = {});

  /// Rebuilds counts from their state (counts(), weights(), squared_weights(),
  /// fourth_power_weights()), e.g. after serialisation. Throws std::invalid_argument on negative or
  /// non-finite sums. A state without Σw⁴ (empty `fourth_power_weights`, as saved before it was
  /// kept) takes the weights within a category as equal: Σw⁴ = (Σw²)²/n, exact when unweighted.
  NpsCounts(NpsBreaks breaks, const std::array<std::uint64_t, 3>& counts, const std::array<double, 3>& weights,
            const std::array<double, 3>& squared_weights, std::span<const double> fourth_power_weights = {});

  /// Adds one response. Throws std::invalid_argument if the score is outside [0, 10] or the weight
  /// is negative or not finite.
  void add(int score, double weight = 1.0);

  /// Adds 0–10 scores (any arithmetic element type; floating values must be integral). Throws
  /// std::invalid_argument naming the first bad index; then nothing is added.
  template <class R>
  requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
  void add(const R& scores, std::span<const double> weights = {});

  /// Adds another accumulator. Throws std::invalid_argument if the breaks differ.
  NpsCounts& operator+=(const NpsCounts& other);
  friend NpsCounts operator+(NpsCounts a, const NpsCounts& b) { return a += b; }
  friend bool operator==(const NpsCounts&, const NpsCounts&) = default;

  /// Number of responses (rows), weighted or not.
  std::uint64_t n() const { return n_[0] + n_[1] + n_[2]; }
  /// Weighted counts (plain counts when unweighted).
  double detractors() const { return w_[0]; }
  double passives() const { return w_[1]; }
  double promoters() const { return w_[2]; }
  /// Σw over all responses.
  double total_weight() const { return w_[0] + w_[1] + w_[2]; }
  /// Kish effective sample size (Σw)²/Σw²; 0 when empty.
  double n_eff() const;
  const NpsBreaks& breaks() const { return breaks_; }
  /// State per category (detractors, passives, promoters): responses, Σw, Σw², Σw⁴.
  const std::array<std::uint64_t, 3>& counts() const { return n_; }
  const std::array<double, 3>& weights() const { return w_; }
  const std::array<double, 3>& squared_weights() const { return w2_; }
  const std::array<double, 3>& fourth_power_weights() const { return w4_; }

 private:
  friend struct detail::CountsAccess;
  NpsBreaks breaks_;
  std::array<std::uint64_t, 3> n_{};  // detractors, passives, promoters
  std::array<double, 3> w_{};
  std::array<double, 3> w2_{};
  std::array<double, 3> w4_{};
};

/// Mergeable accumulator of an integer rating scale [scale_min, scale_max]: per level the number of
/// responses, Σw, Σw² and Σw⁴. CSAT, CES and mean ratings derive from it.
class RatingCounts {
 public:
  /// Throws std::invalid_argument unless scale_min < scale_max and the scale has <= 10,000 levels.
  explicit RatingCounts(int scale_min = 1, int scale_max = 5);

  /// Rebuilds counts from their state per level (counts(), weights(), squared_weights(),
  /// fourth_power_weights()). Throws std::invalid_argument if a vector's length is not the number
  /// of levels or a sum is invalid. An empty `fourth_power_weights` (a state saved before Σw⁴ was
  /// kept) takes the weights within a level as equal, as NpsCounts does.
  RatingCounts(int scale_min, int scale_max, std::vector<std::uint64_t> counts, std::vector<double> weights,
               std::vector<double> squared_weights, std::vector<double> fourth_power_weights = {});

  /// Adds one rating. Throws std::invalid_argument if it is off the scale or the weight is bad.
  void add(int score, double weight = 1.0);

  /// Adds ratings (integral values of any arithmetic type). Throws std::invalid_argument naming
  /// the first bad index; then nothing is added.
  template <class R>
  requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
  void add(const R& scores, std::span<const double> weights = {});

  /// Adds another accumulator. Throws std::invalid_argument if the scales differ.
  RatingCounts& operator+=(const RatingCounts& other);
  friend RatingCounts operator+(RatingCounts a, const RatingCounts& b) { return a += b; }
  friend bool operator==(const RatingCounts&, const RatingCounts&) = default;

  /// The same responses on the mirrored scale: level x becomes scale_min + scale_max − x.
  RatingCounts reversed() const;

  int scale_min() const { return min_; }
  int scale_max() const { return max_; }
  std::uint64_t n() const;
  double total_weight() const;
  double n_eff() const;
  /// State per level, lowest first: responses, Σw, Σw², Σw⁴.
  const std::vector<std::uint64_t>& counts() const { return n_; }
  const std::vector<double>& weights() const { return w_; }
  const std::vector<double>& squared_weights() const { return w2_; }
  const std::vector<double>& fourth_power_weights() const { return w4_; }
  /// Responses at a level; throws std::invalid_argument if the level is off the scale.
  std::uint64_t count(int level) const;
  /// Σw at a level.
  double weight(int level) const;

 private:
  friend struct detail::CountsAccess;
  std::size_t index(int level) const;
  int min_;
  int max_;
  std::vector<std::uint64_t> n_;
  std::vector<double> w_;
  std::vector<double> w2_;
  std::vector<double> w4_;
};

/// An NPS estimate.
struct NpsResult {
  double score;   ///< 100·(promoter share − detractor share), in [−100, 100]
  double se;      ///< standard error of the chosen method, in NPS points
  double ci_low;  ///< confidence interval, clamped to [−100, 100]
  double ci_high;
  double center;      ///< where the interval is centred: Rocks' adjusted NPS for adjusted_wald, else score
  double detractors;  ///< weighted counts (plain counts when unweighted)
  double passives;
  double promoters;
  double detractor_share;  ///< fractions in [0, 1]
  double passive_share;
  double promoter_share;
  std::uint64_t n;  ///< responses
  double n_eff;     ///< Kish effective sample size (= n when unweighted): a diagnostic
  double n_design;  ///< design effective n σ²/V_lin of the score (= n when unweighted); used by the intervals
  double df;        ///< degrees of freedom of the variance: n − 1, fewer when weights vary (detail::design_df)
  double confidence;
  CiMethod method;
  std::string warning;  ///< empty, or why the interval may not mean what it says (e.g. Wald at small n)
};

/// A CSAT, CES or mean-rating estimate.
struct RatingResult {
  double score;   ///< the aggregation: mean (scale units), top_box (%), net (points)
  double se;      ///< standard error of score (of the adjusted estimate for adjusted_wald)
  double ci_low;  ///< confidence interval, clamped to the aggregation's range
  double ci_high;
  double center;       ///< where the interval is centred (adjusted net for adjusted_wald, else score)
  double mean;         ///< mean rating after reversal, in scale units
  double mean_se;      ///< SE of the plain mean; +inf when n_eff <= 1
  double mean_ci_low;  ///< adjusted t interval (see rating()), clamped to the scale
  double mean_ci_high;
  double mean_center;     ///< centre of the adjusted t interval: the mean with the pseudo-responses
  double mean_center_se;  ///< its SE
  double t_ci_low;        ///< the plain Student t interval of the mean, clamped to the scale
  double t_ci_high;
  double sd;            ///< standard deviation of the ratings (Kish-corrected when weighted); 0 if n_eff <= 1
  double top_share;     ///< fraction in the `top` highest levels (after reversal)
  double bottom_share;  ///< fraction in the `top` lowest levels
  int top;              ///< number of boxes actually used
  std::uint64_t n;
  double n_eff;     ///< Kish effective sample size: a diagnostic
  double n_design;  ///< design effective n σ²/V_lin of the aggregation's score (= n when unweighted)
  double df;        ///< degrees of freedom of the variance: n − 1, fewer when weights vary (detail::design_df)
  double confidence;
  Aggregation aggregation;
  CiMethod method;
  std::string warning;  ///< empty, or why the interval may not mean what it says
  int scale_min = 0;    ///< the scale the ratings were read on (compare() refuses two scales)
  int scale_max = 0;
};

/// Difference of two independent estimates a − b.
///
/// The test is the pooled score test whatever the interval method: the SE of the difference under
/// H0 "both groups come from one population", √(S²(1/n_a + 1/n_b)), with S² the variance of the
/// pooled responses, divisor N − 1 (the normal approximation of the permutation test of the
/// difference of means; for a share the pooled two-proportion test, Agresti 2013, §2.1.5, in its
/// 'N − 1' form, Campbell 2007). Unlike the Wald test it has a positive SE whenever the groups
/// differ (one promoter against one detractor: z = 1, p = 0.32, not z = inf, p = 0) and it holds its
/// level for groups of 5 responses and more (benchmarks/calibration.py). Top-box shares of
/// unweighted groups one of which has fewer than kExactTestBelow responses take their p-value from
/// Boschloo's exact unconditional test instead (the score test's discreteness lets it reach 6-9%
/// there: 5 against 20 responses at a 5% share, 12 against 12 at 50%); `z` stays the score test's.
struct Comparison {
  double diff;     ///< a.score − b.score (plain estimates)
  double se;       ///< pooled SE of the test, in score units; 0 only when every response is the same
  double z;        ///< diff/se; 0 when se = 0 (then diff = 0): never infinite
  double p_value;  ///< two-sided; normal reference distribution, Student's t on Welch–Satterthwaite df for
                   ///< weighted groups (Boschloo's exact test: see above); 1 when se = 0
  double ci_low;   ///< interval of the difference by the results' method (see compare())
  double ci_high;
  double confidence;
  std::string warning;  ///< empty, or why the test or interval may not mean what it says
};

/// Churn over a period [period_start, period_end), comparing each customer's state at the two
/// instants; a customer is active at t when start <= t < end. See churn_rate().
struct ChurnResult {
  std::uint64_t active_start;     ///< active at period_start: the denominator
  std::uint64_t churned;          ///< active at period_start, not at period_end
  std::uint64_t retained;         ///< active at both instants
  std::uint64_t joined;           ///< started inside the period (period_start < start <= period_end)
  std::uint64_t joined_and_left;  ///< started and ended inside it: excluded from the rate
  std::uint64_t active_end;       ///< active at period_end = retained + joined − joined_and_left
  double rate;                    ///< churned / active_start, fraction
  double retention;               ///< 1 − rate
  double se;                      ///< √(rate(1 − rate)/active_start)
  double ci_low;                  ///< Wilson interval of rate
  double ci_high;
  double confidence;
};

/// Response-time KPIs (any unit: seconds, minutes…).
struct ResponseTimeResult {
  std::uint64_t n;
  double mean;
  double mean_ci_low;  ///< Student t interval of the mean
  double mean_ci_high;
  double median;  ///< quantiles by linear interpolation, Hyndman & Fan (1996) definition 7
  double p90;
  double p95;
  double min;
  double max;
  std::optional<double> sla;                ///< the threshold given, if any
  std::optional<double> within_sla;         ///< fraction of durations <= sla
  std::optional<double> within_sla_ci_low;  ///< Wilson interval
  std::optional<double> within_sla_ci_high;
  double confidence;
};

/// Result of a trend test on a series of per-period scores.
struct TrendTestResult {
  TrendTestKind test;
  double slope;      ///< per period: Sen's slope (mann_kendall) or OLS slope
  double statistic;  ///< Mann–Kendall Z (continuity-corrected) or OLS t
  double p_value;    ///< two-sided
  bool declining;    ///< slope < 0 and p_value < alpha
  bool increasing;   ///< slope > 0 and p_value < alpha
  std::size_t periods;
};

/// One period of a trend.
template <class Result>
struct PeriodResult {
  std::int64_t period;  ///< the period key as given (e.g. 202611 or a day number)
  Result result;
};

/// Per-period results in key order, and the trend test (absent with fewer than 3 periods).
template <class Result>
struct Trend {
  std::vector<PeriodResult<Result>> periods;
  std::optional<TrendTestResult> test;
};

/// One segment, compared against all other rows.
template <class Result>
struct SegmentResult {
  std::int64_t key;
  Result result;
  std::optional<Comparison> vs_rest;  ///< absent when the segment holds all rows
  std::optional<double> p_holm;       ///< vs_rest p-value adjusted over all segments (Holm 1979)
  std::optional<double> p_bh;         ///< Benjamini & Hochberg (1995) adjusted p-value
  bool too_few = false;               ///< fewer than kMinTestResponses (Kish n_eff): shown, not tested (no vs_rest)
};

// ---------------------------------------------------------------------------------------------
// NPS
// ---------------------------------------------------------------------------------------------

/// NPS of accumulated counts (their own breaks apply; options.breaks is ignored).
/// score = 100·(P − D) with P, D the promoter and detractor shares; SE = 100·√(σ²/n) with the
/// trinomial variance σ² = P + D − (P − D)² (Rocks 2016, eq. 2), n = n_design (the design effective
/// n of the linearization variance when weighted, see detail::design_n; n when unweighted).
/// Intervals: wald = score ± z·SE (warns: it undercovers at small n and extreme shares, and gives a
/// zero-width interval for a sample of one category); adjusted_wald = Rocks (2016) (see
/// detail::adjusted_net), the default; bootstrap = percentile interval of options.bootstrap_samples
/// replicates of n_design responses drawn from the shares with Rocks' pseudo-counts (3/4, 3/2, 3/4)
/// added: the plain percentile bootstrap covered 87% at n = 10 with NPS 75 and gives [100, 100] for
/// an all-promoter sample; the pseudo-counts (the smoothing of Agresti & Coull 1998 and Rocks 2016,
/// here in the resampled population) keep coverage >= 95% at n >= 10 (benchmarks/calibration.py).
/// An interval that does not contain the score (the adjusted centre moved it) says so in `warning`.
/// Returns std::nullopt when there are no responses or Σw = 0. Throws std::invalid_argument on a
/// bad option (confidence outside (0, 1), method wilson/t, bootstrap_samples < 2).
/// Reference: 20/30/50 → 30.00, SE 7.810, Wald [14.69, 45.31], adjusted Wald [14.05, 44.20].
inline std::optional<NpsResult> nps(const NpsCounts& counts, const NpsOptions& options = {});

/// NPS of 0–10 scores (any arithmetic element type, integral values), optionally weighted
/// (weights >= 0, same length). Throws std::invalid_argument naming the first bad index and value.
template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::optional<NpsResult> nps(const R& scores, std::span<const double> weights, const NpsOptions& options = {});

template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::optional<NpsResult> nps(const R& scores, const NpsOptions& options = {});

/// NPS of a minus NPS of b (independent samples). Test: the pooled score test (see Comparison):
/// se = 100·√(σ²_pool·N/(N − 1)·(1/n_a + 1/n_b)) with σ²_pool = P + D − (P − D)² of the pooled
/// shares, n the n_design of each, N = n_a + n_b, z = diff/se. Interval: (a.center − b.center) ± z_{1−α/2}·√(SE_a² +
/// SE_b²), with the adjusted centres for adjusted_wald results as Rocks (2016, §4) does. Weighted groups: p and
/// the critical value from Student's t with Welch–Satterthwaite df from each group's `df`. Warns when a group has
/// fewer than kMinTestResponses responses, the interval is Wald's, has zero width or leaves out diff. Reference:
/// 20/30/50 vs 30/30/40 → se 11.518, z = 1.736,
/// p = 0.0825 (the Wald tests gave z = 1.754 and, on adjusted centres, 1.732); adjusted Wald interval [−2.55, +41.39].
inline Comparison compare(const NpsResult& a, const NpsResult& b, double confidence = kDefaultConfidence);

/// Compares the NPS of two independent samples a − b (see compare()). With method bootstrap, both
/// samples are resampled independently from their shares with pseudo-counts (see nps()): the
/// interval is the percentile interval of the replicated differences; the test stays the pooled
/// score test. Returns std::nullopt when either sample is empty. Throws std::invalid_argument when
/// the two were counted with different breaks.
inline std::optional<Comparison> nps_compare(const NpsCounts& a, const NpsCounts& b, const NpsOptions& options = {});

/// Margin of error (CI half-width, NPS points) of a simple random sample of n responses with the
/// expected shares, z·100·√(σ²/n) with σ² = P + D − (P − D)²; with a finite population N the
/// variance is multiplied by (N − n)/(N − 1) (Cochran 1977, Sampling Techniques, eq. 2.12).
/// Defaults P = D = 0.5 give the worst case σ² = 1. Throws std::invalid_argument on n < 1, shares
/// outside [0, 1] or summing above 1, or a population smaller than n.
inline double nps_margin_of_error(double n, double promoter_share = kWorstCaseShare,
                                  double detractor_share = kWorstCaseShare, double confidence = kDefaultConfidence,
                                  std::optional<double> population = std::nullopt);

/// Responses needed for an NPS margin of error `margin` (NPS points): n₀ = (z·100)²σ²/margin²,
/// rounded up; with a finite population N, n = n₀/(1 + (n₀ − 1)/N) (Cochran 1977, eq. 4.2 and 2.12).
/// Throws std::invalid_argument on margin <= 0 or bad shares/population.
inline std::uint64_t nps_sample_size(double margin, double promoter_share = kWorstCaseShare,
                                     double detractor_share = kWorstCaseShare, double confidence = kDefaultConfidence,
                                     std::optional<double> population = std::nullopt);

// ---------------------------------------------------------------------------------------------
// Ratings: CSAT, CES, mean
// ---------------------------------------------------------------------------------------------

/// Summary of a rating scale (after `reversed`, if set):
/// - mean: weighted mean; SD with Kish's correction s² = Σw(x − x̄)²/Σw · n_eff/(n_eff − 1);
///   SE = √(m₂/(n_design − 1)) with m₂ = Σw(x − x̄)²/Σw (unweighted: s/√n). Interval: adjusted t
///   (default): half a pseudo-response added at each end of the scale (pseudo-counts in the spirit
///   of Agresti & Coull 1998, chosen by simulation), centre x̄' = (n·x̄ + (lo + hi)/2)/(n + 1),
///   SE' = √(m₂'/n) with m₂' the smoothed histogram's second central moment, t with n − 1 df
///   (weighted: the design's, see `df`);
///   the plain Student t (method t), which covered 85% at n = 10 for a skewed 1–7 scale; or z (wald).
/// - top_box: 100 × share of the `top` highest levels; Wilson (1927) interval (default), Wald.
/// - net: 100 × (top share − bottom share), trinomial SE as NPS; Rocks (2016) adjusted Wald
///   (default) or Wald.
/// n is n_design, the design effective n of the aggregation's score (see detail::design_n).
/// Any aggregation also takes method bootstrap: replicates drawn from the level shares with
/// pseudo-counts (top_box: one response spread over the top levels and one over the others, Agresti
/// & Coull 1998's add-2; net: Rocks' 3/4, 3/2, 3/4 over bottom, middle and top levels; mean: half a
/// response at each end of the scale). Returns std::nullopt when there are no responses or
/// Σw = 0. Throws std::invalid_argument for a scale other than the counts', a method that does not
/// fit the aggregation, `top` outside [1, levels/2] for net or [1, levels − 1] otherwise.
inline std::optional<RatingResult> rating(const RatingCounts& counts_in, const RatingOptions& o);

/// Rating of a minus rating of b (independent samples). Test, for every aggregation: the pooled
/// score test (see Comparison), n = n_design:
/// - top_box: the pooled two-proportion z-test, z = (p_a − p_b)/√(p̄(1 − p̄)·N/(N − 1)·(1/n_a + 1/n_b))
///   with p̄ = (n_a·p_a + n_b·p_b)/N (z² is the 'N − 1' χ² of the 2×2 table, Campbell 2007);
/// - net: as NPS, σ²_pool = T + B − (T − B)² of the pooled top and bottom shares;
/// - mean: σ²_pool = the variance of the pooled ratings about their common mean.
/// Interval: Newcombe's hybrid score interval from the two Wilson intervals for Wilson results
/// (Newcombe 1998, Stat Med 17:873, method 10); for means the Welch interval, t with
/// Welch–Satterthwaite df from each group's `df` (Welch 1947), of the plain means for method t and
/// of the adjusted centres and SEs for adjusted_t; otherwise (a.center − b.center) ± z·√(SE_a² + SE_b²).
/// Weighted groups take the test's p and the top-box interval's critical value from Student's t on
/// the groups' `df` (Welch–Satterthwaite). The `warning` says when the interval leaves out `diff`.
inline Comparison compare(const RatingResult& a, const RatingResult& b, double confidence = kDefaultConfidence);

/// CSAT of integer ratings (default 1–5, top-2-box share with the continuity-corrected Wilson interval; see rating()).
/// Throws std::invalid_argument naming the first off-scale, NaN or non-integral score, or a bad weight.
template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::optional<RatingResult> csat(const R& scores, std::span<const double> weights = {},
                                     const RatingOptions& options = CsatOptions{});

/// Customer Effort Score of integer ratings (default 1–7, higher = easier, mean with adjusted t interval;
/// reversed = true when 1 means "concordo pienamente"; see rating()).
template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::optional<RatingResult> ces(const R& scores, std::span<const double> weights = {},
                                    const RatingOptions& options = CesOptions{});

/// Bayesian (damped) average of a rating: (μ·N + μ_C·k)/(N + k), the item mean μ over N ratings
/// shrunk towards the prior mean μ_C with the weight of k pseudo-ratings (the IMDb Top-250 formula;
/// Evan Miller, "Bayesian Average Ratings", 2012). Throws std::invalid_argument on N < 0, k <= 0
/// or non-finite input.
inline double bayesian_average(double mean, double n, double prior_mean, double prior_n);

// ---------------------------------------------------------------------------------------------
// Churn and response times
// ---------------------------------------------------------------------------------------------

/// Churn rate over [period_start, period_end) from customer records (start[i], end[i]) in any time
/// unit; end = +inf for a customer still active. Active at t ⇔ start <= t < end. Rate = churned /
/// active_start, where churned are active at period_start and not at period_end; customers who
/// joined and left inside the period are counted apart (joined_and_left) and excluded, as the
/// standard customer-churn definition requires (Fader & Hardie 2007; "churn = lost customers /
/// customers at start"). Wilson interval. Returns std::nullopt when nobody is active at
/// period_start. Throws std::invalid_argument naming the index for NaN, an infinite start,
/// end < start, mismatched lengths, or period_end <= period_start.
inline std::optional<ChurnResult> churn_rate(std::span<const double> start, std::span<const double> end,
                                             double period_start, double period_end,
                                             double confidence = kDefaultConfidence);

/// Response-time KPIs of durations (>= 0, finite; any unit). Quantiles by linear interpolation
/// (Hyndman & Fan 1996, definition 7, as numpy.quantile); mean with a Student t interval; with an
/// SLA, the fraction of durations <= sla with a Wilson interval. Returns std::nullopt when empty.
/// Throws std::invalid_argument naming the index of a NaN, infinite or negative duration.
inline std::optional<ResponseTimeResult> response_times(std::span<const double> durations,
                                                        std::optional<double> sla = std::nullopt,
                                                        double confidence = kDefaultConfidence);

/// Response times from timestamp pairs: durations end[i] − start[i] (same unit). Throws
/// std::invalid_argument on mismatched lengths or naming the index where end < start or a
/// timestamp is not finite.
inline std::optional<ResponseTimeResult> response_times(std::span<const double> start, std::span<const double> end,
                                                        std::optional<double> sla = std::nullopt,
                                                        double confidence = kDefaultConfidence);

// ---------------------------------------------------------------------------------------------
// Multiple comparisons, trends, segments
// ---------------------------------------------------------------------------------------------

/// Holm (1979) step-down adjusted p-values: p̃_(i) = max_{j<=i} min(1, (m − j + 1)·p_(j)), in the
/// input order. Throws std::invalid_argument naming a p-value outside [0, 1] or NaN.
inline std::vector<double> p_adjust_holm(std::span<const double> p);

/// Benjamini & Hochberg (1995) step-up adjusted p-values (false discovery rate):
/// p̃_(i) = min_{j>=i} min(1, m/j·p_(j)), in the input order. Throws like p_adjust_holm().
inline std::vector<double> p_adjust_bh(std::span<const double> p);

/// Trend test on a series of per-period values taken as equally spaced in time (Mann–Kendall with
/// Sen's slope, or OLS slope with a t test). Returns std::nullopt with fewer than 3 values. Throws
/// std::invalid_argument on a non-finite value (naming its index) or alpha outside (0, 1).
inline std::optional<TrendTestResult> trend_test(std::span<const double> values, const TrendOptions& options = {});

/// NPS per group of rows sharing a key: sorted distinct keys and their accumulators, in one pass
/// (the building block of nps_trend and nps_by_segment, and of distributed aggregation).
template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::pair<std::vector<std::int64_t>, std::vector<NpsCounts>> nps_counts_by(const R& scores,
                                                                               std::span<const std::int64_t> keys,
                                                                               std::span<const double> weights = {},
                                                                               NpsBreaks breaks = {});

/// Rating accumulators on [scale_min, scale_max] per group of rows sharing a key: sorted distinct
/// keys and their counts, in one pass (the building block of rating_trend and rating_by_segment,
/// and of distributed aggregation). Throws like RatingCounts::add, naming the first bad index.
template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::pair<std::vector<std::int64_t>, std::vector<RatingCounts>> rating_counts_by(const R& scores,
                                                                                     std::span<const std::int64_t> keys,
                                                                                     std::span<const double> weights,
                                                                                     int scale_min, int scale_max);

/// NPS per period (keys sorted ascending, e.g. 202601, 202602…) and a trend test on the period
/// scores (periods taken as equally spaced). Throws like nps() and on mismatched lengths.
template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>> Trend<NpsResult>
nps_trend(const R& scores, std::span<const std::int64_t> periods, std::span<const double> weights = {},
          const NpsOptions& options = {}, const TrendOptions& trend = {});

/// Rating (CSAT, CES, mean) per period and a trend test on the period scores.
template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>> Trend<RatingResult>
rating_trend(const R& scores, std::span<const std::int64_t> periods, std::span<const double> weights = {},
             const RatingOptions& options = CsatOptions{}, const TrendOptions& trend = {});

/// NPS per segment, each compared with all other rows (compare()), with Holm and
/// Benjamini–Hochberg adjusted p-values over the segments. Throws like nps().
template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::vector<SegmentResult<NpsResult>> nps_by_segment(const R& scores, std::span<const std::int64_t> segments,
                                                         std::span<const double> weights = {},
                                                         const NpsOptions& options = {});

/// Rating (CSAT, CES, mean) per segment, compared with the rest, with adjusted p-values.
template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::vector<SegmentResult<RatingResult>> rating_by_segment(const R& scores, std::span<const std::int64_t> segments,
                                                               std::span<const double> weights = {},
                                                               const RatingOptions& options = CsatOptions{});

/// nps_by_segment on accumulators already grouped by key, e.g. counted per partition of a
/// distributed table (nps_counts_by) and merged with +=: the same results as nps_by_segment on the
/// rows (exactly for unweighted counts; weighted Σw to the rounding of their summation order).
/// Keys in any order, each once. Throws std::invalid_argument on mismatched lengths, a repeated key
/// or counts whose breaks are not options.breaks.
inline std::vector<SegmentResult<NpsResult>> nps_by_segment_of(std::span<const std::int64_t> keys,
                                                               std::span<const NpsCounts> counts,
                                                               const NpsOptions& options = {});

/// rating_by_segment on accumulators already grouped by key (see nps_by_segment_of). Throws
/// std::invalid_argument also when a scale is not options' scale.
inline std::vector<SegmentResult<RatingResult>> rating_by_segment_of(std::span<const std::int64_t> keys,
                                                                     std::span<const RatingCounts> counts,
                                                                     const RatingOptions& options = CsatOptions{});

}  // namespace perche

#include "perche/detail/metrics-inl.hpp"
