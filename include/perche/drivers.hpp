// SPDX-License-Identifier: Apache-2.0
#pragma once
/// Driver analysis: which drivers move the score, with uncertainty.
///
/// Input: one score per response, the drivers each response mentions (a 0/1 matrix, from a
/// DriverClassifier, a Codebook or gold labels) and which responses have a comment at all.
///
///     perche::DriverAnalysisOptions o;                 // NPS, 95%, 2000 bootstrap replicates
///     auto a = perche::analyze_drivers(scores, Y, names, has_text, {}, o);
///     for (const auto& d : a.drivers) std::cout << d.driver << ' ' << d.impact << '\n';
///
/// Populations. Every response with a score counts in the overall score and in impact (a response
/// without a comment mentions no driver). Shares, the key-driver regressions and the breakdowns use
/// the responses with a comment only, so that silence is not read as "mentions nothing".
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "perche/classify.hpp"
#include "perche/metrics.hpp"

namespace perche {

/// The score a driver analysis explains.
enum class Metric {
  nps,   ///< 0–10, Net Promoter Score in points (NpsOptions)
  csat,  ///< CSAT, by default 1–5 top-2-box % (RatingOptions, CsatOptions defaults)
  ces,   ///< CES, by default 1–7 mean (RatingOptions, CesOptions defaults)
};

/// Where a driver falls in the priority matrix (share of comments × impact on the score). A label
/// that implies importance needs evidence: only a driver whose impact is significant
/// (DriverImpact::impact_significant: its interval excludes zero and its Holm-adjusted p-value over
/// the drivers is below 1 − confidence) gets one of the four quadrants; the others are
/// not_significant whatever their share.
enum class Quadrant {
  fix,              ///< share >= threshold, impact < 0: frequent and drags the score down — act first
  monitor,          ///< share < threshold, impact < 0: drags the score down but is rarer
  strength,         ///< share >= threshold, impact > 0: frequent and lifts the score — protect it
  minor,            ///< share < threshold, impact > 0
  not_significant,  ///< the impact is not significant (or has no interval): no claim either way
};

/// Most drivers a key-driver model decomposes into Shapley importance (2^k model fits).
inline constexpr std::size_t kMaxImportanceDrivers = 12;

/// Default DriverAnalysisOptions::importance_bootstrap_samples. bench_drivers on the shipped sample
/// (10 drivers, two models), 2 cores shared with a load of about 4: 0.9 s without intervals,
/// +0.9 s with 50 replicates, +2.5 s (+1.2 s CPU on the calling thread) with 100, +4.8 s with 200.
inline constexpr int kImportanceBootstrapSamples = 100;

/// Most subset fits (replicates × 2^u) the importance bootstrap of one key-driver model makes: 100
/// replicates up to 10 drivers, 50 with 11, 25 with 12.
inline constexpr std::uint64_t kImportanceBootstrapFits = 100 * 1024;

/// Default DriverAnalysisOptions::min_mentions (benchmarks/calibration.py: with fewer mentions the
/// impact's nominal 95% bootstrap interval covered less than 93.5%).
inline constexpr std::uint64_t kMinDriverMentions = 20;

/// Options of analyze_drivers().
struct DriverAnalysisOptions {
  Metric metric = Metric::nps;
  NpsOptions nps{};                         ///< NPS breaks and the CI method of the per-driver scores
  std::optional<RatingOptions> rating{};    ///< CSAT/CES scale and aggregation; none: CsatOptions / CesOptions
  double confidence = 0.95;                 ///< of every interval, in (0, 1)
  int bootstrap_samples = 2000;             ///< impact replicates, in [2, kMaxBootstrapSamples]
  std::uint64_t seed = 12345;               ///< bootstrap seed: results repeat for a given seed
  std::optional<double> share_threshold{};  ///< priority-matrix share split; none: the mean share of the drivers
  /// Mentions below which a driver's impact gets no interval and no quadrant but not_significant
  /// ("poche menzioni"): the percentile bootstrap of a rare driver's impact undercovers (see
  /// DriverImpact::few_mentions).
  std::uint64_t min_mentions = kMinDriverMentions;
  /// Key-driver regressions by Firth's bias-reduced logistic regression (Firth 1993; Heinze &
  /// Schemper 2002): finite odds ratios under separation, so no driver is dropped. false: maximum
  /// likelihood, dropping a separated driver with a note.
  bool firth = true;
  /// Bootstrap replicates of the Shapley importance intervals (DriverImpact::importance_negative_ci_low…);
  /// 0: no intervals. Each replicate resamples the responses with a comment and refits the model's
  /// 2^u subset regressions, so the cost grows as replicates × 2^u; with more than
  /// kImportanceBootstrapFits subset fits in all, the replicates are cut to fit that budget (a note
  /// "importance_bootstrap_reduced" says so). 100 replicates give percentile bounds with a Monte
  /// Carlo error of about a tenth of the interval's width: enough to read, not to split hairs.
  int importance_bootstrap_samples = kImportanceBootstrapSamples;
  /// Threads of the importance bootstrap; 0: every core. The results do not depend on it.
  unsigned threads = 0;
};

/// An odds ratio from a logistic regression: exp(β) with a Wald interval exp(β ± z·SE).
struct OddsRatio {
  double odds_ratio;
  double ci_low;
  double ci_high;
  double coef;     ///< β, log odds
  double se;       ///< SE of β, from the inverse observed information
  double p_value;  ///< two-sided Wald test of β = 0
};

/// One driver's figures.
struct DriverImpact {
  std::string driver;
  std::uint64_t mentions = 0;  ///< responses with a comment that mention the driver
  double share = 0.0;          ///< mentions / responses with a comment, in [0, 1]
  /// The score among the mentioners with its interval (the metric's own method); none without mentions.
  std::optional<double> score, score_ci_low, score_ci_high;
  /// Impact = score of all responses − score of the responses that do not mention the driver, in the
  /// metric's units (Thematic's definition: how much the score would move if the theme's responses
  /// were removed; negative = the driver drags the score down). Percentile bootstrap interval over
  /// responses (Efron & Tibshirani 1993, ch. 13). None without mentions, or when every response does.
  std::optional<double> impact, impact_ci_low, impact_ci_high;
  /// Two-sided p-value of impact = 0 by the bootstrap z-test, 2·Φ(−|impact| / bootstrap SE)
  /// (Efron & Tibshirani 1993, §13.2), and its Holm adjustment over the drivers with an interval
  /// (Holm 1979). None without an interval.
  std::optional<double> impact_p_value, impact_p_holm;
  /// The interval excludes 0 and impact_p_holm < 1 − confidence: a claim that holds for the drivers
  /// together (red-team, stop 42: 30 drivers made of random labels gave 9 "significant" impacts in
  /// 4 runs when each was tested alone).
  bool impact_significant = false;
  /// Fewer mentions than DriverAnalysisOptions::min_mentions: impact without an interval, quadrant
  /// not_significant ("poche menzioni").
  bool few_mentions = false;
  /// Key-driver odds ratios of the negative outcome (detractor / bottom box) and of the positive one
  /// (promoter / top box), from a logistic regression on all driver indicators (Firth's by default).
  /// None when the driver was left out of the model (no mentions, mentioned by every response, or,
  /// with firth = false, every mentioner in the same outcome: separation).
  std::optional<OddsRatio> negative, positive;
  /// Driver importance: the driver's Shapley share of the model's McFadden pseudo-R² (dominance
  /// analysis' general dominance; Budescu 1993, Azen & Traxel 2009), over the drivers in the model;
  /// the shares of a model sum to its pseudo_r2 exactly. None when the driver is not in the model,
  /// the model did not converge or has more than kMaxImportanceDrivers drivers.
  std::optional<double> importance_negative, importance_positive;
  /// Percentile bootstrap interval of each importance at DriverAnalysisOptions::confidence
  /// (Efron & Tibshirani 1993, ch. 13): replicates resample the responses with a comment (with their
  /// weights) and recompute every driver's share; a driver that a replicate leaves without mentions
  /// (or mentioned by every response) explains nothing there and gets 0. None when the importance is
  /// none, importance_bootstrap_samples is 0 or fewer than 2 replicates could be fitted.
  std::optional<double> importance_negative_ci_low, importance_negative_ci_high;
  std::optional<double> importance_positive_ci_low, importance_positive_ci_high;
  std::optional<Quadrant> quadrant;  ///< none when impact is none
};

/// A key-driver logistic regression: outcome ~ intercept + one indicator per estimable driver,
/// fitted by Newton–Raphson on the distinct indicator patterns (Agresti 2013, §5.4 and §4.6).
struct KeyDriverModel {
  std::string outcome;       ///< "detractor", "promoter", "bottom_box" or "top_box"
  std::uint64_t n = 0;       ///< responses with a comment
  std::uint64_t events = 0;  ///< of which with the outcome
  bool converged = false;
  int iterations = 0;
  double log_likelihood = 0.0;
  double null_log_likelihood = 0.0;
  double pseudo_r2 = 0.0;              ///< McFadden (1974): 1 − LL / LL₀
  std::optional<OddsRatio> intercept;  ///< odds of the outcome with no driver mentioned
};

/// A note of analyze_drivers() as fields, for a report to word in its own language with the
/// driver's display name (`message` is the same note in plain English).
struct DriverNote {
  /// What happened: "no_mentions", "all_mention" (every response mentions the driver),
  /// "few_mentions", "bootstrap_undefined" (replicates with no response without the driver),
  /// "left_out_every_response", "left_out_no_outcome", "left_out_every_outcome" (a driver left out
  /// of a key-driver model), "not_fitted_every", "not_fitted_none" (a model not fitted: every or no
  /// response with a comment has the outcome), "not_converged", "no_importance",
  /// "importance_bootstrap_reduced" (fewer importance replicates than asked: the fit budget),
  /// "importance_bootstrap_undefined" (importance replicates left out: every or no response with
  /// the outcome, or a subset model that could not be fitted), "no_text".
  std::string reason;
  std::string driver;   ///< the driver's name; empty for a note about a model or the data
  std::string outcome;  ///< the key-driver model's outcome ("detractor", …); empty otherwise
  /// Named counts: "mentions" and "min_mentions" (few_mentions), "replicates" (bootstrap_undefined),
  /// "drivers" and "max_drivers" (no_importance), "replicates" and "requested"
  /// (importance_bootstrap_reduced), "replicates" (importance_bootstrap_undefined: left out).
  std::vector<std::pair<std::string, std::uint64_t>> figures;
  std::string message;  ///< the note in plain English, as in DriverAnalysis::notes
};

/// Result of analyze_drivers().
struct DriverAnalysis {
  std::vector<DriverImpact> drivers;  ///< in the order of the names given
  KeyDriverModel negative;
  KeyDriverModel positive;
  double share_threshold = 0.0;
  std::uint64_t n = 0;                  ///< responses with a score
  std::uint64_t n_text = 0;             ///< of which with a comment
  double score = 0.0;                   ///< the score of all responses
  std::vector<std::string> notes;       ///< what was left out and why, in plain words
  std::vector<DriverNote> note_fields;  ///< the same notes as fields, in the same order
};

/// Per-driver mentions, share, score among mentioners, impact with bootstrap CI, key-driver odds
/// ratios and priority quadrant.
/// @param scores    one per response, integers on the metric's scale (NPS 0–10; CSAT/CES the rating scale)
/// @param mentions  n × k 0/1 matrix: response i mentions driver j
/// @param drivers   k names
/// @param has_text  n flags (empty span: every response has a comment)
/// @param weights   n non-negative weights, or empty (weights scale the counts; the impact bootstrap
///                  draws the impact's design effective n, from its Taylor linearization variance;
///                  the regressions are weighted by them)
/// @throws std::invalid_argument naming the index and value of a bad score, weight or flag, or the
///         mismatched lengths.
DriverAnalysis analyze_drivers(std::span<const double> scores, const LabelMatrix& mentions,
                               std::span<const std::string> drivers, std::span<const std::uint8_t> has_text = {},
                               std::span<const double> weights = {}, const DriverAnalysisOptions& options = {});

/// A driver's share in one segment against the rest of the responses with a comment.
struct DriverSegmentCell {
  std::int64_t segment;
  std::size_t driver;  ///< column of the mentions matrix
  std::uint64_t n;     ///< responses with a comment in the segment
  std::uint64_t mentions;
  double share;       ///< mentions / n
  double share_rest;  ///< the same outside the segment (0 when the segment is everything)
  double diff;        ///< share − share_rest
  /// Two-proportion z test with pooled variance (Agresti 2013, §2.1.5); Boschloo's (1970) exact
  /// test when the segment or the rest has fewer than kExactTestBelow responses with a comment; 1
  /// if undefined.
  double p_value;
  double p_bh;       ///< Benjamini & Hochberg (1995) over all cells of the call
  bool significant;  ///< p_bh < alpha
};

/// Driver shares by segment: every (segment, driver) cell, segments in key order, drivers in column
/// order. Only responses with has_text set count (empty span: all).
/// @throws std::invalid_argument on mismatched lengths or alpha outside (0, 1).
std::vector<DriverSegmentCell> driver_segments(const LabelMatrix& mentions, std::span<const std::int64_t> segments,
                                               std::span<const std::uint8_t> has_text = {}, double alpha = 0.05);

/// A driver's share of comments in one period.
struct DriverPeriodShare {
  std::int64_t period;
  std::uint64_t n;  ///< responses with a comment in the period
  std::uint64_t mentions;
  double share;  ///< mentions / n (0 when n = 0)
};

/// A driver's share over time and its trend test (Mann–Kendall by default; none with < 3 periods).
struct DriverTrend {
  std::size_t driver;
  std::vector<DriverPeriodShare> periods;  ///< in key order, every period that has responses
  /// The share's trend test; its increasing/declining flags hold after the Holm adjustment of the
  /// p-values over the drivers (p_holm < alpha), as the drivers are tested together.
  std::optional<TrendTestResult> test;
  std::optional<double> p_holm;  ///< test->p_value adjusted by Holm (1979) over the drivers with a test; none without
};

/// Per-driver share trends over periods (e.g. months as yyyymm), one entry per driver column.
std::vector<DriverTrend> driver_trends(const LabelMatrix& mentions, std::span<const std::int64_t> periods,
                                       std::span<const std::uint8_t> has_text = {}, const TrendOptions& options = {});

/// Representative verbatims: for each driver, up to `per_driver` responses that mention it, the most
/// probable first, taken in turn from each segment (the segment of the most probable one first) so
/// that one segment does not fill the list. `probabilities` is n × k row-major (a classifier's
/// predict_proba; a codebook can pass the mentions as 0/1). Ties keep the lower row first.
/// @return k lists of row indices.
std::vector<std::vector<std::size_t>> select_verbatims(const LabelMatrix& mentions,
                                                       std::span<const double> probabilities,
                                                       std::span<const std::int64_t> segments = {},
                                                       std::size_t per_driver = 3);

}  // namespace perche
