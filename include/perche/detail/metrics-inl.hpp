// SPDX-License-Identifier: Apache-2.0
// Bodies of perche/metrics.hpp: the implementation of the metrics, accumulators, trends and segment
// comparisons declared there, with the private helpers only they use (score checks, vectorised
// counting, grouping by key, bootstrap, Rocks' adjusted interval, the trend tests). Kept apart, as
// fmt does with its -inl files, so that metrics.hpp reads as declarations and contracts. Not a
// public header: metrics.hpp includes it at its end, and users include perche/metrics.hpp.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <random>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "perche/detail/stats.hpp"
#include "perche/metrics.hpp"

namespace perche {

// ---------------------------------------------------------------------------------------------
// Implementation details
// ---------------------------------------------------------------------------------------------
namespace detail {

/// Throws the error for a bad score; kept out of line so that the checks stay cheap.
[[noreturn]] inline void bad_score(std::string_view where, const std::string& value, std::size_t index, int lo, int hi,
                                   std::string_view problem) {
  const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  fail(where, "score " + value + " at index " + std::to_string(index) + " " + std::string(problem) +
                  (problem == "is outside " ? range : " (expected an integer in " + range + ")"));
}

/// Checks one score against [lo, hi] and returns it as an int (NaN, non-integral and off-scale
/// values throw naming the index).
template <class T>
inline int checked_level(T x, int lo, int hi, std::string_view where, std::size_t index) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x)) [[unlikely]]
      bad_score(where, "nan", index, lo, hi, "is not a number");
    if (x < lo || x > hi) [[unlikely]]
      bad_score(where, fmt(x), index, lo, hi, "is outside ");
    const int level = static_cast<int>(x);
    if (static_cast<T>(level) != x) [[unlikely]]
      bad_score(where, fmt(x), index, lo, hi, "is not an integer");
    return level;
  } else {
    if (std::cmp_less(x, lo) || std::cmp_greater(x, hi)) [[unlikely]]
      bad_score(where, fmt(x), index, lo, hi, "is outside ");
    return static_cast<int>(x);
  }
}

inline void check_weights(std::string_view where, std::span<const double> weights, std::size_t n) {
  if (weights.empty()) return;
  check_lengths(where, "scores", n, "weights", weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) check_response_weight(where, weights[i], i);
}

struct CountsAccess {
  /// Category of a valid 0–10 score: 0 detractor, 1 passive, 2 promoter.
  static int category(int s, const NpsBreaks& b) { return (s > b.detractor_max) + (s >= b.promoter_min); }

  /// Unweighted counting: branch-free comparisons that the compiler vectorises, in blocks whose
  /// accumulators cannot overflow (uint8 lanes for int8 data, …). A block with a bad value is
  /// rescanned to name the first bad index.
  template <class T>
  static void count_unweighted(const T* s, std::size_t n, std::uint64_t& det, std::uint64_t& pro, const NpsBreaks& b) {
    if constexpr (std::is_floating_point_v<T>) {
      constexpr std::size_t kBlock = 1u << 16;
      for (std::size_t start = 0; start < n; start += kBlock) {
        const std::size_t end = std::min(n, start + kBlock);
        std::uint32_t d = 0, p = 0, bad = 0;
        for (std::size_t i = start; i < end; ++i) {
          const T x = s[i];
          const bool in = (x >= T{0}) & (x <= T{10});  // false for NaN
          const T xc = in ? x : T{0};
          const auto level = static_cast<std::int32_t>(xc);
          bad |= static_cast<std::uint32_t>(!in | (static_cast<T>(level) != xc));
          d += static_cast<std::uint32_t>(level <= b.detractor_max);
          p += static_cast<std::uint32_t>(level >= b.promoter_min);
        }
        if (bad)
          for (std::size_t i = start; i < end; ++i) checked_level(s[i], 0, 10, "nps", i);
        det += d;
        pro += p;
      }
    } else if constexpr (sizeof(T) == 8) {
      // SSE2 has no 64-bit compare. For x in [0, 15], x >= t ⇔ (x + 16 − t) >> 4 = 1, and x >= 16
      // or x < 0 ⇔ (unsigned)x >> 4 != 0: adds, shifts and ORs, which do vectorise.
      constexpr std::size_t kBlock = 1u << 16;
      const std::uint64_t to_passive = 16u - static_cast<std::uint64_t>(b.detractor_max + 1);
      const std::uint64_t to_promoter = 16u - static_cast<std::uint64_t>(b.promoter_min);
      for (std::size_t start = 0; start < n; start += kBlock) {
        const std::size_t end = std::min(n, start + kBlock);
        std::uint64_t above_d = 0, p = 0, over10 = 0, high = 0;
        for (std::size_t i = start; i < end; ++i) {
          const auto x = static_cast<std::uint64_t>(s[i]);
          high |= x >> 4;
          above_d += (x + to_passive) >> 4;
          p += (x + to_promoter) >> 4;
          over10 += (x + 5u) >> 4;
        }
        if (high | over10)
          for (std::size_t i = start; i < end; ++i) checked_level(s[i], 0, 10, "nps", i);
        det += (end - start) - above_d;
        pro += p;
      }
    } else {
      using U = std::make_unsigned_t<T>;
      using Acc = std::conditional_t<sizeof(T) == 1, std::uint8_t,
                                     std::conditional_t<sizeof(T) == 2, std::uint16_t, std::uint32_t>>;
      constexpr std::size_t kBlock = sizeof(T) == 1 ? 255 : (sizeof(T) == 2 ? 65535 : (1u << 20));
      const T dmax = static_cast<T>(b.detractor_max);
      const T pmin = static_cast<T>(b.promoter_min);
      for (std::size_t start = 0; start < n; start += kBlock) {
        const std::size_t end = std::min(n, start + kBlock);
        Acc d = 0, p = 0, bad = 0;
        for (std::size_t i = start; i < end; ++i) {
          const T x = s[i];
          d += static_cast<Acc>(x <= dmax);
          p += static_cast<Acc>(x >= pmin);
          bad |= static_cast<Acc>(static_cast<U>(x) > U{10});
        }
        if (bad)
          for (std::size_t i = start; i < end; ++i) checked_level(s[i], 0, 10, "nps", i);
        det += d;
        pro += p;
      }
    }
  }

  template <class T>
  static void add_nps(NpsCounts& c, const T* s, std::size_t n, std::span<const double> weights) {
    check_weights("nps", weights, n);
    NpsCounts local(c.breaks_);
    if (weights.empty()) {
      std::uint64_t det = 0, pro = 0;
      count_unweighted(s, n, det, pro, c.breaks_);
      local.n_ = {det, n - det - pro, pro};
      for (int k = 0; k < 3; ++k) local.w_[k] = local.w2_[k] = local.w4_[k] = static_cast<double>(local.n_[k]);
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        const int cat = category(checked_level(s[i], 0, 10, "nps", i), c.breaks_);
        const double w = weights.empty() ? 1.0 : weights[i];
        local.n_[cat] += 1;
        local.w_[cat] += w;
        local.w2_[cat] += w * w;
        local.w4_[cat] += w * w * w * w;
      }
    }
    c += local;  // strong guarantee: nothing is added when a score throws
  }

  template <class T>
  static void add_rating(RatingCounts& c, const T* s, std::size_t n, std::span<const double> weights,
                         std::string_view where) {
    check_weights(where, weights, n);
    RatingCounts local(c.min_, c.max_);
    for (std::size_t i = 0; i < n; ++i) {
      const auto k = static_cast<std::size_t>(checked_level(s[i], c.min_, c.max_, where, i) - c.min_);
      const double w = weights.empty() ? 1.0 : weights[i];
      local.n_[k] += 1;
      local.w_[k] += w;
      local.w2_[k] += w * w;
      local.w4_[k] += w * w * w * w;
    }
    c += local;
  }

  static const std::array<std::uint64_t, 3>& n(const NpsCounts& c) { return c.n_; }
  static const std::array<double, 3>& w(const NpsCounts& c) { return c.w_; }
  static const std::vector<double>& w(const RatingCounts& c) { return c.w_; }

  /// Groups rows by key: sorted distinct keys and one accumulator each, built in one pass.
  template <class Counts, class T>
  static std::pair<std::vector<std::int64_t>, std::vector<Counts>> group(const T* s, std::size_t n,
                                                                         std::span<const std::int64_t> keys,
                                                                         std::span<const double> weights,
                                                                         const Counts& proto, std::string_view where);
};

/// Dense codes for keys: codes[i] indexes the sorted distinct keys. A direct table serves compact
/// key ranges (the usual segment ids and period numbers); a hash map the rest.
inline std::vector<std::int64_t> factorize(std::span<const std::int64_t> keys, std::vector<std::uint32_t>& codes) {
  codes.resize(keys.size());
  std::vector<std::int64_t> uniq;
  if (keys.empty()) return uniq;
  const auto [mn, mx] = std::minmax_element(keys.begin(), keys.end());
  const std::int64_t lo = *mn;
  const auto range = static_cast<std::uint64_t>(*mx) - static_cast<std::uint64_t>(lo);
  if (range < (1u << 22) && range <= 4 * keys.size() + 1024) {
    std::vector<std::uint32_t> slot(range + 1, 0);
    for (auto k : keys)
      slot[static_cast<std::size_t>(static_cast<std::uint64_t>(k) - static_cast<std::uint64_t>(lo))] = 1;
    std::uint32_t next = 0;
    for (std::size_t v = 0; v < slot.size(); ++v)
      if (slot[v]) {
        uniq.push_back(static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + v));
        slot[v] = next++;
      }
    for (std::size_t i = 0; i < keys.size(); ++i)
      codes[i] = slot[static_cast<std::size_t>(static_cast<std::uint64_t>(keys[i]) - static_cast<std::uint64_t>(lo))];
  } else {
    std::unordered_map<std::int64_t, std::uint32_t> seen;
    for (auto k : keys) seen.emplace(k, 0);
    uniq.reserve(seen.size());
    for (const auto& kv : seen) uniq.push_back(kv.first);
    std::sort(uniq.begin(), uniq.end());
    for (std::uint32_t j = 0; j < uniq.size(); ++j) seen[uniq[j]] = j;
    for (std::size_t i = 0; i < keys.size(); ++i) codes[i] = seen[keys[i]];
  }
  return uniq;
}

template <class Counts, class T>
std::pair<std::vector<std::int64_t>, std::vector<Counts>> CountsAccess::group(const T* s, std::size_t n,
                                                                              std::span<const std::int64_t> keys,
                                                                              std::span<const double> weights,
                                                                              const Counts& proto,
                                                                              std::string_view where) {
  check_lengths(where, "scores", n, "keys", keys.size());
  check_weights(where, weights, n);
  std::vector<std::uint32_t> codes;
  auto uniq = factorize(keys, codes);
  std::vector<Counts> out(uniq.size(), proto);
  if constexpr (std::is_same_v<Counts, NpsCounts>) {
    const NpsBreaks b = proto.breaks_;
    if (weights.empty()) {
      // Flat table of per-group category counts: one increment per row, no branches.
      std::vector<std::uint64_t> table(uniq.size() * 3, 0);
      for (std::size_t i = 0; i < n; ++i) {
        int level;
        if constexpr (std::is_integral_v<T>) {
          using U = std::make_unsigned_t<T>;
          if (static_cast<U>(s[i]) > U{10}) checked_level(s[i], 0, 10, where, i);
          level = static_cast<int>(s[i]);
        } else {
          level = checked_level(s[i], 0, 10, where, i);
        }
        ++table[codes[i] * 3 + static_cast<std::size_t>(category(level, b))];
      }
      for (std::size_t g = 0; g < uniq.size(); ++g)
        for (int k = 0; k < 3; ++k) {
          out[g].n_[k] = table[g * 3 + k];
          out[g].w_[k] = out[g].w2_[k] = out[g].w4_[k] = static_cast<double>(table[g * 3 + k]);
        }
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        const int cat = category(checked_level(s[i], 0, 10, where, i), b);
        Counts& c = out[codes[i]];
        c.n_[cat] += 1;
        const double w = weights[i];
        c.w_[cat] += w;
        c.w2_[cat] += w * w;
        c.w4_[cat] += w * w * w * w;  // as add() computes it: counts grouped or not compare equal
      }
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      Counts& c = out[codes[i]];
      const auto k = static_cast<std::size_t>(checked_level(s[i], c.min_, c.max_, where, i) - c.min_);
      const double w = weights.empty() ? 1.0 : weights[i];
      c.n_[k] += 1;
      c.w_[k] += w;
      c.w2_[k] += w * w;
      c.w4_[k] += w * w * w * w;
    }
  }
  return {std::move(uniq), std::move(out)};
}

/// The lock every draw of std::binomial_distribution takes: libstdc++ computes them with
/// std::lgamma, whose write of the global `signgam` races between threads (ThreadSanitizer), and
/// analyses that draw may run at once (analyze_survey runs its three driver analyses side by side;
/// a caller may run several). The draws take turns; each comes from its caller's own generator, so
/// the figures do not depend on the order.
inline std::mutex& binomial_lock() {
  static std::mutex m;
  return m;
}

/// A multinomial draw of n over the cells' shares by sequential binomials (each cell given what is
/// left): out[k] = the count of cell k, every cell written. The last cell takes the remainder.
template <class Out>
void multinomial_draw(const std::vector<double>& shares, std::uint64_t n, std::mt19937_64& rng, Out& out) {
  const std::lock_guard lock(binomial_lock());
  std::uint64_t remaining = n;
  double rest = 1.0;
  for (std::size_t k = 0; k < shares.size(); ++k) {
    if (k + 1 == shares.size() || remaining == 0) {
      out[k] = remaining;
      remaining = 0;
      continue;
    }
    const double p = rest > 0.0 ? std::clamp(shares[k] / rest, 0.0, 1.0) : 0.0;
    const std::uint64_t c = std::binomial_distribution<std::uint64_t>(remaining, p)(rng);
    out[k] = c;
    remaining -= c;
    rest -= shares[k];
  }
}

/// Percentile bootstrap of a statistic of a histogram: each replicate draws n responses from the
/// observed level shares (multinomial_draw). With equal weights this is the ordinary nonparametric
/// bootstrap (Efron & Tibshirani 1993, ch. 13), because the statistic depends only on the
/// histogram; with weights, n is the statistic's design effective n (design_n). Returns the
/// replicates.
template <class Stat>
std::vector<double> bootstrap_histogram(const std::vector<double>& shares, double n_eff, int samples,
                                        std::uint64_t seed, Stat stat) {
  const auto n = static_cast<std::uint64_t>(std::max(1.0, std::round(n_eff)));
  std::mt19937_64 rng(seed);
  std::vector<double> reps(static_cast<std::size_t>(samples));
  std::vector<double> draw(shares.size());
  for (auto& rep : reps) {
    multinomial_draw(shares, n, rng, draw);
    rep = stat(draw, static_cast<double>(n));
  }
  return reps;
}

/// The percentile interval of bootstrap replicates (Efron & Tibshirani 1993, §13.3) with each bound
/// at the unbiased order-statistic position (sorted_quantile_unbiased), and their standard deviation.
inline void percentile_interval(std::vector<double> reps, double confidence, double& low, double& high, double& sd) {
  std::sort(reps.begin(), reps.end());
  low = sorted_quantile_unbiased(reps, 0.5 - 0.5 * confidence);
  high = sorted_quantile_unbiased(reps, 0.5 + 0.5 * confidence);
  double mean = 0.0;
  for (double r : reps) mean += r;
  mean /= static_cast<double>(reps.size());
  double ss = 0.0;
  for (double r : reps) ss += (r - mean) * (r - mean);
  sd = reps.size() > 1 ? std::sqrt(ss / static_cast<double>(reps.size() - 1)) : 0.0;
}

/// Whether the weights of a histogram (per category: responses n_k, Σw, Σw²) differ between
/// responses: n·Σw² > (Σw)² (Cauchy–Schwarz, equality iff all weights are equal).
template <class Counts, class Weights>
bool weights_vary(const Counts& n, const Weights& w, const Weights& w2) {
  double N = 0.0, W = 0.0, S2 = 0.0;
  for (std::size_t k = 0; k < w.size(); ++k) {
    N += static_cast<double>(n[k]);
    W += w[k];
    S2 += w2[k];
  }
  return N * S2 > W * W * (1.0 + 1e-12);
}

/// Design effective n of a weighted mean Σw·y/Σw over a histogram (per category: responses n_k,
/// Σw, Σw², value y_k): σ²/V_lin, where σ² = Σw(y − ȳ)²/Σw and
/// V_lin = n/(n − 1)·Σw²(y − ȳ)²/(Σw)² is the Taylor linearization variance of the ratio
/// estimator with the with-replacement factor (Woodruff 1971, JASA 66:411; Wolter 2007, §6.5;
/// exactly R's survey::svymean for svydesign(ids = ~1, weights = ~w), Lumley 2010, §2.2). Unlike
/// Kish's (Σw)²/Σw² it sees whether heavy weights fall on variable or on uniform responses (an
/// under-sampled, polarised stratum). Equal weights (a simple random sample): n, so that the
/// unweighted formulas (Rocks 2016, Wilson 1927) apply unchanged. Falls back to Kish's n_eff when
/// n < 2 or σ² = 0 (one category: no variance to linearize).
template <class Counts, class Weights, class Values>
double design_n(const Counts& n, const Weights& w, const Weights& w2, const Values& y) {
  double N = 0.0, W = 0.0, S2 = 0.0, wy = 0.0;
  for (std::size_t k = 0; k < w.size(); ++k) {
    N += static_cast<double>(n[k]);
    W += w[k];
    S2 += w2[k];
    wy += w[k] * y[k];
  }
  const double kish = S2 > 0.0 ? W * W / S2 : 0.0;
  if (!weights_vary(n, w, w2) || !(W > 0.0) || N < 2.0) return kish;
  const double mean = wy / W;
  double var = 0.0, lin = 0.0;
  for (std::size_t k = 0; k < w.size(); ++k) {
    const double d = y[k] - mean;
    var += w[k] * d * d;
    lin += w2[k] * d * d;
  }
  var /= W;
  lin *= N / (N - 1.0) / (W * W);
  if (!(var > 1e-15) || !(lin > 0.0)) return kish;
  return var / lin;
}

/// Degrees of freedom of the linearization variance of a weighted histogram (per category:
/// responses n_k, Σw², Σw⁴): (n − 1)·n_w/n with n_w = (Σw²)²/Σw⁴. V_lin is a weighted sum
/// Σ w_i²·e_i² of squared residuals, each with one degree of freedom; Satterthwaite's (1946)
/// approximation of such a sum by a scaled χ² gives (Σ a_i)²/Σ a_i² degrees of freedom with
/// a_i = w_i² (for homoscedastic residuals), Kish's effective n of the squared weights. A few heavy
/// weights carry the variance, and its t has their few degrees of freedom: 20 responses of which 4
/// weigh 2.5 and 16 weigh 0.625 have n − 1 = 19 but about 6 (benchmarks/calibration.py,
/// weighted_compare: with 19 the CSAT test of 20 against 400 such responses rejected 7.2% at 5%
/// and the CES difference's interval covered 90.9%; with these the test rejects 3.8% and, with the
/// adjusted centres, the interval covers 96.1%). Equal weights: n − 1. Rows of weight 0 count in n, as
/// they do in the linearization's n/(n − 1) and in R survey's degf(): with a handful of positive
/// weights among many zeros the df is at most one above the positive weights' own.
template <class Counts, class Weights>
double design_df(const Counts& n, const Weights& w2, const Weights& w4) {
  double N = 0.0, S2 = 0.0, S4 = 0.0;
  for (std::size_t k = 0; k < w2.size(); ++k) {
    N += static_cast<double>(n[k]);
    S2 += w2[k];
    S4 += w4[k];
  }
  if (N < 2.0) return 0.0;
  const double df = (N - 1.0) * S2 * S2 / (S4 * N);
  if (!(S4 > 0.0) || !std::isfinite(df)) return N - 1.0;
  return std::clamp(df, std::min(1.0, N - 1.0), N - 1.0);
}

/// Critical value of the intervals: z for a simple random sample; for varying weights Student's t
/// with the design's degrees of freedom `df` (design_df; survey's confint(df = degf(design)),
/// Lumley 2010, §2.3, takes n − 1, which the few heavily weighted responses do not have): the
/// linearization interval's coverage stays >= 94% from n = 10 (benchmarks/calibration.py; with z
/// it was 89-91% at n = 10-20).
template <class Counts, class Weights>
double critical_value(const Counts& n, const Weights& w, const Weights& w2, double df, double confidence) {
  // design_df is 0 below two responses and at least 1 from two on
  if (df >= 1.0 && weights_vary(n, w, w2)) return t_critical(confidence, df);
  return z_critical(confidence);
}

/// Shares smoothed by pseudo-counts: (share_k·n + a_k)/(n + Σa). The bootstrap draws from these, so
/// that a sample of one category does not resample into a zero-width interval (see nps()).
inline std::vector<double> smoothed_shares(const std::vector<double>& shares, double n,
                                           const std::vector<double>& pseudo) {
  double extra = 0.0;
  for (double a : pseudo) extra += a;
  std::vector<double> out(shares.size());
  for (std::size_t k = 0; k < shares.size(); ++k) out[k] = (shares[k] * n + pseudo[k]) / (n + extra);
  return out;
}

/// The pooled score test of Comparison: z = diff/se with se = √(S²·(1/n_a + 1/n_b))·scale, where
/// S² = var_pool·N/(N − 1), N = n_a + n_b, is the variance of the pooled responses with divisor
/// N − 1: the exact permutation variance of a difference of means, and for two shares the 'N − 1'
/// χ² test that Campbell (2007, Stat Med 26:3661) recommends for small samples (E. Pearson 1947).
/// se = 0 only when every response is alike, and then z = 0, p = 1 (never an infinite z).
inline void pooled_test(Comparison& c, double var_pool, double na, double nb, double scale) {
  const double N = na + nb;
  const double s2 = N > 1.0 ? std::max(0.0, var_pool) * N / (N - 1.0) : std::max(0.0, var_pool);
  c.se = scale * std::sqrt(s2 * (1.0 / na + 1.0 / nb));
  if (c.se > 0.0 && std::isfinite(c.se)) {
    c.z = c.diff / c.se;
    c.p_value = normal_two_sided_p(c.z);
  } else {
    c.z = 0.0;
    c.p_value = 1.0;
  }
}

inline void add_warning(std::string& to, std::string_view what) {
  if (!to.empty()) to += "; ";
  to += what;
}

inline constexpr std::string_view kWaldWarning =
    "Wald interval: it undercovers at small n and extreme shares (86-93% for a nominal 95% at n = 20-50 "
    "with NPS 75) and has zero width for a sample of one category; the default adjusted_wald keeps its "
    "coverage";

/// The warnings every interval shares: zero width, or a score outside its own interval.
inline void interval_warnings(std::string& warning, double score, double low, double high,
                              std::string_view outside =
                                  "the interval does not contain the point estimate (it is centred on the adjusted "
                                  "estimate)") {
  if (!(high > low)) add_warning(warning, "zero-width interval");
  const double tol = 1e-9 * (1.0 + std::abs(score));
  if (score < low - tol || score > high + tol) add_warning(warning, outside);
}

inline void check_bootstrap(std::string_view where, int samples) {
  if (samples < 2) fail(where, "bootstrap_samples " + std::to_string(samples) + " is too small (expected >= 2)");
  if (samples > kMaxBootstrapSamples)
    fail(where, "bootstrap_samples " + std::to_string(samples) + " is too large (expected at most " +
                    std::to_string(kMaxBootstrapSamples) + ")");
}

/// Trinomial net score 100·(a − b) with SE 100·√((a + b − (a − b)²)/n): the variance of a
/// difference of two multinomial shares (Rocks 2016, eq. 2; Eskildsen & Kristensen 2011).
inline double net_se(double a, double b, double n) {
  return 100.0 * std::sqrt(std::max(0.0, a + b - (a - b) * (a - b)) / n);
}

/// Rocks (2016), "Interval Estimation for the 'Net Promoter Score'", The American Statistician
/// 70(4): the adjusted Wald interval adds 3/4 to each extreme category and 3/2 to the middle one
/// (3 pseudo-responses), then centres a Wald interval on the adjusted score.
/// Rocks' pseudo-counts (detractors, passives, promoters) of the adjusted Wald interval.
inline std::vector<double> rocks_pseudo() { return {0.75, 1.5, 0.75}; }

inline void adjusted_net(double a, double b, double n, double& center, double& se) {
  const double n2 = n + 3.0;
  const double a2 = (a * n + 0.75) / n2;
  const double b2 = (b * n + 0.75) / n2;
  center = 100.0 * (a2 - b2);
  se = net_se(a2, b2, n2);
}

// An option outside its enum's list (a number cast to it, a stale binary) is refused by name, not
// computed as whichever case a comparison falls to (red-team, stop 42: CiMethod(99) gave a Wald
// interval that called itself method 99, TrendTestKind(9) an OLS test).
inline void check_method(std::string_view where, CiMethod m) {
  if (static_cast<unsigned>(m) > static_cast<unsigned>(CiMethod::bootstrap))
    fail(where, "method " + std::to_string(static_cast<int>(m)) +
                    " is not a CiMethod (wald, adjusted_wald, wilson, wilson_cc, t, adjusted_t, bootstrap)");
}
inline void check_aggregation(std::string_view where, Aggregation a) {
  if (static_cast<unsigned>(a) > static_cast<unsigned>(Aggregation::net))
    fail(where, "aggregation " + std::to_string(static_cast<int>(a)) + " is not an Aggregation (mean, top_box, net)");
}

inline std::string_view method_name(CiMethod m) {
  switch (m) {
    case CiMethod::wald:
      return "wald";
    case CiMethod::adjusted_wald:
      return "adjusted_wald";
    case CiMethod::wilson:
      return "wilson";
    case CiMethod::wilson_cc:
      return "wilson_cc";
    case CiMethod::t:
      return "t";
    case CiMethod::adjusted_t:
      return "adjusted_t";
    case CiMethod::bootstrap:
      return "bootstrap";
  }
  return "?";
}

/// Pairs (i < j) of z with z[j] <= z[i], by merge sort: O(k log k). z is sorted on return.
inline std::uint64_t count_non_rising(std::vector<long double>& z, std::vector<long double>& buffer) {
  const std::size_t k = z.size();
  buffer.resize(k);
  std::uint64_t count = 0;
  for (std::size_t width = 1; width < k; width *= 2) {
    for (std::size_t lo = 0; lo < k; lo += 2 * width) {
      const std::size_t mid = std::min(lo + width, k), hi = std::min(lo + 2 * width, k);
      std::size_t a = lo, b = mid, out = lo;
      while (a < mid && b < hi) {
        if (z[b] <= z[a]) {  // z[b] is at most every left element from a on: each is a pair
          count += mid - a;
          buffer[out++] = z[b++];
        } else {
          buffer[out++] = z[a++];
        }
      }
      while (a < mid) buffer[out++] = z[a++];
      while (b < hi) buffer[out++] = z[b++];
    }
    z.swap(buffer);
  }
  return count;
}

/// A double's place in the order of doubles, as an unsigned integer (monotonic), and back.
inline std::uint64_t double_order(double d) {
  const auto u = std::bit_cast<std::uint64_t>(d);
  return (u >> 63) != 0 ? ~u : u | (std::uint64_t{1} << 63);
}
inline double double_of_order(std::uint64_t key) {
  return std::bit_cast<double>((key >> 63) != 0 ? key & ~(std::uint64_t{1} << 63) : ~key);
}

/// Series up to this long list every pairwise slope for Sen's slope (180,000 slopes); longer
/// ones find its order statistics by bisection, in memory linear in the series.
inline constexpr std::size_t kSenPairsListed = 600;

/// Sen (1968, JASA 63): the median of the slopes (y_j − y_i)/(j − i), i < j (the two middle ones
/// interpolated, as sorted_quantile(·, 0.5)). A series longer than `listed`: each middle order
/// statistic m is the smallest double t with at least m + 1 slopes <= t, found by bisection over the
/// doubles' order (64 steps), the slopes <= t counted as the pairs with z_j <= z_i, z = y − t·x, in
/// long double (count_non_rising). Every slope listed took k² / 2 doubles: 20,000 periods 1.6 GB.
inline double sen_slope(std::span<const double> y, std::size_t listed = kSenPairsListed) {
  const std::size_t k = y.size();
  if (k < 2) return 0.0;
  const std::uint64_t pairs = static_cast<std::uint64_t>(k) * (k - 1) / 2;
  if (k <= listed) {
    std::vector<double> slopes;
    slopes.reserve(static_cast<std::size_t>(pairs));
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = i + 1; j < k; ++j) slopes.push_back((y[j] - y[i]) / static_cast<double>(j - i));
    std::sort(slopes.begin(), slopes.end());
    return sorted_quantile(slopes, 0.5);
  }
  const auto [lo_it, hi_it] = std::minmax_element(y.begin(), y.end());
  const double range = *hi_it - *lo_it;  // every slope lies in [-range, range]
  std::vector<long double> z(k), buffer;
  auto at_most = [&](double t) {  // slopes <= t
    for (std::size_t i = 0; i < k; ++i)
      z[i] = static_cast<long double>(y[i]) - static_cast<long double>(t) * static_cast<long double>(i);
    return count_non_rising(z, buffer);
  };
  auto order_statistic = [&](std::uint64_t m) {  // 0-based
    std::uint64_t lo = double_order(-range), hi = double_order(range);
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      if (at_most(double_of_order(mid)) >= m + 1)
        hi = mid;
      else
        lo = mid + 1;
    }
    return double_of_order(hi);
  };
  const std::uint64_t m = (pairs - 1) / 2;
  const double low = order_statistic(m);
  return ((pairs - 1) % 2 == 0 ? low : (low + order_statistic(m + 1)) / 2) + 0.0;  // + 0.0: no −0
}

/// Rank-based statistics of a series: Mann–Kendall S with tie-corrected variance and Sen's slope.
inline TrendTestResult trend_test_impl(std::span<const double> y, const TrendOptions& opt) {
  const std::size_t k = y.size();
  TrendTestResult r{opt.test, 0.0, 0.0, 1.0, false, false, k};
  if (opt.test == TrendTestKind::mann_kendall) {
    // S = Σ_{i<j} sign(y_j − y_i); Var S = [k(k−1)(2k+5) − Σ t(t−1)(2t+5)]/18 over tie groups t;
    // Z = (S − sign S)/√Var S (continuity correction). Mann (1945), Kendall (1975, Rank
    // Correlation Methods, ch. 4), as in Hipel & McLeod (1994) §23.3. Slope: Sen (1968), JASA 63.
    // S in O(k log k): for each y_j, the earlier values below and above it, by their ranks in a
    // Fenwick tree (every pair was visited: 80,000 periods ran out of memory with the slopes).
    std::vector<double> sorted(y.begin(), y.end());
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::uint32_t> tree(k + 1, 0);  // counts by rank (1-based) of the values seen
    auto prefix = [&](std::size_t rank) {
      std::uint64_t n = 0;
      for (; rank > 0; rank -= rank & (~rank + 1)) n += tree[rank];
      return n;
    };
    double s = 0.0;
    for (std::size_t j = 0; j < k; ++j) {
      const auto first =
          static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), y[j]) - sorted.begin());
      const auto past = static_cast<std::size_t>(std::upper_bound(sorted.begin(), sorted.end(), y[j]) - sorted.begin());
      const std::uint64_t below = prefix(first), not_above = prefix(past);
      s += static_cast<double>(below) - static_cast<double>(j - not_above);
      for (std::size_t rank = first + 1; rank <= k; rank += rank & (~rank + 1)) ++tree[rank];
    }
    const double kk = static_cast<double>(k);
    double var = kk * (kk - 1.0) * (2.0 * kk + 5.0);
    for (std::size_t i = 0; i < k;) {
      std::size_t j = i;
      while (j < k && sorted[j] == sorted[i]) ++j;
      const double t = static_cast<double>(j - i);
      var -= t * (t - 1.0) * (2.0 * t + 5.0);
      i = j;
    }
    var /= 18.0;
    r.slope = sen_slope(y);
    r.statistic = var > 0.0 ? (s - ((s > 0) - (s < 0))) / std::sqrt(var) : 0.0;
    r.p_value = var > 0.0 ? normal_two_sided_p(r.statistic) : 1.0;
  } else {
    // OLS of y on x = 0..k−1: b = Sxy/Sxx, SE(b) = √(RSS/(k−2)/Sxx), t = b/SE(b), k − 2 df.
    // Computed on y / 2^e, 2^e ≥ max|y| (t is scale-free and a power of two divides exactly, so
    // the sums are those of y scaled; the slope is scaled back): the squares of values near 1e200
    // overflowed, and a perfect rising line got t = 0, p = 1.
    double largest = 0.0;
    for (double v : y) largest = std::max(largest, std::abs(v));
    int exponent = 0;
    if (largest > 0.0 && std::isfinite(largest)) std::frexp(largest, &exponent);
    const double scale = std::ldexp(1.0, exponent);
    const double kk = static_cast<double>(k);
    const double xm = (kk - 1.0) / 2.0;
    double ym = 0.0;
    for (double v : y) ym += v / scale;
    ym /= kk;
    double sxx = 0.0, sxy = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
      const double dx = static_cast<double>(i) - xm;
      sxx += dx * dx;
      sxy += dx * (y[i] / scale - ym);
    }
    const double b = sxy / sxx;
    double rss = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
      const double e = y[i] / scale - ym - b * (static_cast<double>(i) - xm);
      rss += e * e;
    }
    r.slope = b * scale;
    const double se = std::sqrt(rss / (kk - 2.0) / sxx);
    if (se > 0.0) {
      r.statistic = b / se;
      r.p_value = student_t_two_sided_p(r.statistic, kk - 2.0);
    } else {  // a perfect line: the slope is certain
      r.statistic = r.slope == 0.0 ? 0.0 : std::copysign(kInf, r.slope);
      r.p_value = r.slope == 0.0 ? 1.0 : 0.0;
    }
  }
  r.declining = r.slope < 0.0 && r.p_value < opt.alpha;
  r.increasing = r.slope > 0.0 && r.p_value < opt.alpha;
  return r;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Accumulators
// ---------------------------------------------------------------------------------------------

inline NpsCounts::NpsCounts(NpsBreaks breaks) : breaks_(breaks) {
  if (!(breaks.detractor_max >= 0 && breaks.detractor_max < breaks.promoter_min && breaks.promoter_min <= 10))
    detail::fail("nps", "breaks detractor_max " + std::to_string(breaks.detractor_max) + ", promoter_min " +
                            std::to_string(breaks.promoter_min) +
                            " are invalid (expected 0 <= detractor_max < promoter_min <= 10)");
}

inline NpsCounts NpsCounts::from_counts(std::uint64_t detractors, std::uint64_t passives, std::uint64_t promoters,
                                        NpsBreaks breaks) {
  NpsCounts c(breaks);
  const std::array<std::uint64_t, 3> k{detractors, passives, promoters};
  for (int i = 0; i < 3; ++i) {
    c.n_[i] = k[i];
    c.w_[i] = static_cast<double>(k[i]);
    c.w2_[i] = static_cast<double>(k[i]);
    c.w4_[i] = static_cast<double>(k[i]);
  }
  return c;
}

namespace detail {
/// Σw⁴ of a category from a state that did not keep it: equal weights within the category,
/// (Σw²)²/n (the least Σw⁴ its Σw² allows, by Cauchy–Schwarz; exact when unweighted).
inline double equal_fourth_power(double squared, std::uint64_t n) {
  return n > 0 ? squared * squared / static_cast<double>(n) : 0.0;
}

/// The relative error a plain sum of n terms may carry, and more (Higham 2002, §4.2: n·u): a
/// state of 1e8 equal weights of 0.3 drifted 4.5e-9 from its bounds and a fixed 1e-9 refused it.
inline double sum_tolerance(std::uint64_t n) {
  return 1e-9 + 4.0 * static_cast<double>(n) * std::numeric_limits<double>::epsilon();
}

/// A state's Σw⁴ of category k against its Σw² and count: (Σw²)²/n <= Σw⁴ <= (Σw²)² (Cauchy–Schwarz
/// and the sum of squares of non-negative terms), both finite.
inline void check_fourth_power(std::string_view where, std::uint64_t n, double squared, double fourth, std::size_t k) {
  const double hi = squared * squared, lo = equal_fourth_power(squared, n), tol = sum_tolerance(n);
  if (!std::isfinite(hi) || !std::isfinite(fourth) || fourth < lo * (1.0 - tol) || fourth > hi * (1.0 + tol))
    fail(where, "state of category " + std::to_string(k) + ": fourth_power_weights " + fmt(fourth) +
                    " does not fit squared_weights " + fmt(squared) + " and count " + std::to_string(n) +
                    " (expected finite sums with (Σw²)²/n <= Σw⁴ <= (Σw²)²)");
}

/// A state's Σw² of category k against its Σw and count: (Σw)²/n <= Σw² <= (Σw)² (Cauchy–Schwarz
/// and the square of a sum of non-negative terms), and no weight without a response. Impossible
/// sums gave intervals from data that cannot exist (one response with n_eff 25).
inline void check_squared(std::string_view where, std::uint64_t n, double weight, double squared, std::size_t k) {
  const double hi = weight * weight, lo = n > 0 ? hi / static_cast<double>(n) : 0.0;
  const double tol = sum_tolerance(n);
  if (n == 0 ? weight != 0.0 || squared != 0.0 : squared < lo * (1.0 - tol) || squared > hi * (1.0 + tol))
    fail(where, "state of category " + std::to_string(k) + ": squared_weights " + fmt(squared) +
                    " does not fit weights " + fmt(weight) + " and count " + std::to_string(n) +
                    " (expected (Σw)²/n <= Σw² <= (Σw)², and no weight without a response)");
}
}  // namespace detail

inline NpsCounts::NpsCounts(NpsBreaks breaks, const std::array<std::uint64_t, 3>& counts,
                            const std::array<double, 3>& weights, const std::array<double, 3>& squared_weights,
                            std::span<const double> fourth_power_weights)
    : NpsCounts(breaks) {
  if (!fourth_power_weights.empty())
    detail::check_lengths("nps", "categories", 3, "fourth_power_weights", fourth_power_weights.size());
  for (int i = 0; i < 3; ++i) {
    const auto k = static_cast<std::size_t>(i);
    detail::check_weight("nps", weights[k], k);
    detail::check_weight("nps", squared_weights[k], k);
    detail::check_squared("nps", counts[k], weights[k], squared_weights[k], k);
    w4_[k] = fourth_power_weights.empty() ? detail::equal_fourth_power(squared_weights[k], counts[k])
                                          : fourth_power_weights[k];
    detail::check_fourth_power("nps", counts[k], squared_weights[k], w4_[k], k);
  }
  n_ = counts;
  w_ = weights;
  w2_ = squared_weights;
}

inline void NpsCounts::add(int score, double weight) {
  const int s = detail::checked_level(score, 0, 10, "nps", 0);
  detail::check_response_weight("nps", weight, 0);
  const int cat = detail::CountsAccess::category(s, breaks_);
  n_[cat] += 1;
  w_[cat] += weight;
  w2_[cat] += weight * weight;
  w4_[cat] += weight * weight * weight * weight;
}

template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
void NpsCounts::add(const R& scores, std::span<const double> weights) {
  detail::CountsAccess::add_nps(*this, std::ranges::data(scores), std::ranges::size(scores), weights);
}

inline NpsCounts& NpsCounts::operator+=(const NpsCounts& other) {
  if (!(breaks_ == other.breaks_)) detail::fail("nps", "cannot merge counts with different breaks");
  for (int i = 0; i < 3; ++i) {
    n_[i] += other.n_[i];
    w_[i] += other.w_[i];
    w2_[i] += other.w2_[i];
    w4_[i] += other.w4_[i];
  }
  return *this;
}

inline double NpsCounts::n_eff() const {
  const double s2 = w2_[0] + w2_[1] + w2_[2];
  return s2 > 0.0 ? total_weight() * total_weight() / s2 : 0.0;
}

inline RatingCounts::RatingCounts(int scale_min, int scale_max) : min_(scale_min), max_(scale_max) {
  if (!(scale_min < scale_max) || static_cast<long long>(scale_max) - scale_min >= 10000)
    detail::fail("rating", "scale [" + std::to_string(scale_min) + ", " + std::to_string(scale_max) +
                               "] is invalid (expected scale_min < scale_max, at most 10000 levels)");
  const auto k = static_cast<std::size_t>(scale_max - scale_min + 1);
  n_.assign(k, 0);
  w_.assign(k, 0.0);
  w2_.assign(k, 0.0);
  w4_.assign(k, 0.0);
}

inline RatingCounts::RatingCounts(int scale_min, int scale_max, std::vector<std::uint64_t> counts,
                                  std::vector<double> weights, std::vector<double> squared_weights,
                                  std::vector<double> fourth_power_weights)
    : RatingCounts(scale_min, scale_max) {
  detail::check_lengths("rating", "levels", n_.size(), "state", counts.size());
  for (const auto* v : {&weights, &squared_weights}) {
    detail::check_lengths("rating", "levels", n_.size(), "state", v->size());
    for (std::size_t i = 0; i < v->size(); ++i) detail::check_weight("rating", (*v)[i], i);
  }
  if (fourth_power_weights.empty()) {
    fourth_power_weights.resize(n_.size());
    for (std::size_t i = 0; i < n_.size(); ++i)
      fourth_power_weights[i] = detail::equal_fourth_power(squared_weights[i], counts[i]);
  }
  detail::check_lengths("rating", "levels", n_.size(), "fourth_power_weights", fourth_power_weights.size());
  for (std::size_t i = 0; i < n_.size(); ++i) {
    detail::check_squared("rating", counts[i], weights[i], squared_weights[i], i);
    detail::check_fourth_power("rating", counts[i], squared_weights[i], fourth_power_weights[i], i);
  }
  n_ = std::move(counts);
  w_ = std::move(weights);
  w2_ = std::move(squared_weights);
  w4_ = std::move(fourth_power_weights);
}

inline void RatingCounts::add(int score, double weight) {
  const int s = detail::checked_level(score, min_, max_, "rating", 0);
  detail::check_response_weight("rating", weight, 0);
  const auto k = static_cast<std::size_t>(s - min_);
  n_[k] += 1;
  w_[k] += weight;
  w2_[k] += weight * weight;
  w4_[k] += weight * weight * weight * weight;
}

template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
void RatingCounts::add(const R& scores, std::span<const double> weights) {
  detail::CountsAccess::add_rating(*this, std::ranges::data(scores), std::ranges::size(scores), weights, "rating");
}

inline RatingCounts& RatingCounts::operator+=(const RatingCounts& other) {
  if (min_ != other.min_ || max_ != other.max_) detail::fail("rating", "cannot merge counts of different scales");
  for (std::size_t i = 0; i < n_.size(); ++i) {
    n_[i] += other.n_[i];
    w_[i] += other.w_[i];
    w2_[i] += other.w2_[i];
    w4_[i] += other.w4_[i];
  }
  return *this;
}

inline RatingCounts RatingCounts::reversed() const {
  RatingCounts r = *this;
  std::reverse(r.n_.begin(), r.n_.end());
  std::reverse(r.w_.begin(), r.w_.end());
  std::reverse(r.w2_.begin(), r.w2_.end());
  std::reverse(r.w4_.begin(), r.w4_.end());
  return r;
}

inline std::uint64_t RatingCounts::n() const {
  std::uint64_t s = 0;
  for (auto v : n_) s += v;
  return s;
}

inline double RatingCounts::total_weight() const {
  double s = 0;
  for (auto v : w_) s += v;
  return s;
}

inline double RatingCounts::n_eff() const {
  double s2 = 0;
  for (auto v : w2_) s2 += v;
  const double s = total_weight();
  return s2 > 0.0 ? s * s / s2 : 0.0;
}

inline std::uint64_t RatingCounts::count(int level) const { return n_.at(index(level)); }

inline double RatingCounts::weight(int level) const { return w_.at(index(level)); }

inline std::size_t RatingCounts::index(int level) const {
  if (level < min_ || level > max_)
    detail::fail("rating", "level " + std::to_string(level) + " is outside [" + std::to_string(min_) + ", " +
                               std::to_string(max_) + "]");
  return static_cast<std::size_t>(level - min_);
}

// ---------------------------------------------------------------------------------------------
// NPS
// ---------------------------------------------------------------------------------------------

inline std::optional<NpsResult> nps(const NpsCounts& counts, const NpsOptions& options) {
  detail::check_confidence("nps", options.confidence);
  detail::check_method("nps", options.method);
  if (options.method == CiMethod::wilson || options.method == CiMethod::wilson_cc || options.method == CiMethod::t ||
      options.method == CiMethod::adjusted_t)
    detail::fail("nps", "method " + std::string(detail::method_name(options.method)) +
                            " does not apply (expected wald, adjusted_wald or bootstrap)");
  if (options.method == CiMethod::bootstrap) detail::check_bootstrap("nps", options.bootstrap_samples);
  const double total = counts.total_weight();
  if (counts.n() == 0 || !(total > 0.0)) return std::nullopt;
  NpsResult r{};
  r.detractors = counts.detractors();
  r.passives = counts.passives();
  r.promoters = counts.promoters();
  r.detractor_share = r.detractors / total;
  r.passive_share = r.passives / total;
  r.promoter_share = r.promoters / total;
  r.n = counts.n();
  r.n_eff = counts.n_eff();
  static constexpr std::array<double, 3> kNetValue{-1.0, 0.0, 1.0};
  r.n_design = detail::design_n(counts.counts(), counts.weights(), counts.squared_weights(), kNetValue);
  r.df = detail::design_df(counts.counts(), counts.squared_weights(), counts.fourth_power_weights());
  r.confidence = options.confidence;
  r.method = options.method;
  r.score = 100.0 * (r.promoter_share - r.detractor_share);
  const double z =
      detail::critical_value(counts.counts(), counts.weights(), counts.squared_weights(), r.df, options.confidence);
  switch (options.method) {
    case CiMethod::adjusted_wald:
      detail::adjusted_net(r.promoter_share, r.detractor_share, r.n_design, r.center, r.se);
      r.ci_low = r.center - z * r.se;
      r.ci_high = r.center + z * r.se;
      break;
    case CiMethod::bootstrap: {
      r.center = r.score;
      auto reps =
          detail::bootstrap_histogram(detail::smoothed_shares({r.detractor_share, r.passive_share, r.promoter_share},
                                                              r.n_design, detail::rocks_pseudo()),
                                      r.n_design, options.bootstrap_samples, options.seed,
                                      [](const std::vector<double>& c, double n) { return 100.0 * (c[2] - c[0]) / n; });
      detail::percentile_interval(std::move(reps), options.confidence, r.ci_low, r.ci_high, r.se);
      break;
    }
    default:
      r.center = r.score;
      r.se = detail::net_se(r.promoter_share, r.detractor_share, r.n_design);
      r.ci_low = r.score - z * r.se;
      r.ci_high = r.score + z * r.se;
      r.warning = detail::kWaldWarning;
  }
  r.ci_low = std::clamp(r.ci_low, -100.0, 100.0);
  r.ci_high = std::clamp(r.ci_high, -100.0, 100.0);
  detail::interval_warnings(r.warning, r.score, r.ci_low, r.ci_high);
  return r;
}

template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::optional<NpsResult> nps(const R& scores, std::span<const double> weights, const NpsOptions& options) {
  NpsCounts c(options.breaks);
  c.add(scores, weights);
  return nps(c, options);
}

template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::optional<NpsResult> nps(const R& scores, const NpsOptions& options) {
  return nps(scores, std::span<const double>{}, options);
}

namespace detail {
/// Wald z-test of the difference of two independent estimates: SE = √(SE_a² + SE_b²),
/// z = (a.center − b.center)/SE, p = 2(1 − Φ(|z|)).
template <class Result>
Comparison wald_compare(const Result& a, const Result& b, double confidence) {
  check_confidence("compare", confidence);
  Comparison c{};
  c.confidence = confidence;
  c.diff = a.score - b.score;
  c.se = std::sqrt(a.se * a.se + b.se * b.se);
  const double d = a.center - b.center;
  if (c.se > 0.0 && std::isfinite(c.se)) {
    c.z = d / c.se;
    c.p_value = normal_two_sided_p(c.z);
  } else if (std::isinf(c.se)) {
    c.z = 0.0;
    c.p_value = 1.0;
  } else {
    c.z = d == 0.0 ? 0.0 : std::copysign(kInf, d);
    c.p_value = d == 0.0 ? 1.0 : 0.0;
  }
  const double zc = z_critical(confidence);
  c.ci_low = d - zc * c.se;
  c.ci_high = d + zc * c.se;
  return c;
}
}  // namespace detail

namespace detail {
/// Warnings of a comparison: too few responses in a group, Wald intervals, and an interval of
/// zero width or one that leaves out the difference of the scores (an interval centred on the
/// adjusted estimates can, at extreme shares).
template <class Result>
void compare_warnings(Comparison& c, const Result& a, const Result& b) {
  if (std::min(a.n_eff, b.n_eff) < kMinTestResponses - 1e-9)
    add_warning(c.warning, "a group has fewer than 5 responses: the test does not hold its level");
  if (a.method == CiMethod::wald || b.method == CiMethod::wald) add_warning(c.warning, kWaldWarning);
  interval_warnings(c.warning, c.diff, c.ci_low, c.ci_high,
                    "the interval does not contain diff (it is centred on the adjusted estimates, or is a "
                    "bootstrap percentile interval)");
}

/// The difference's interval kept within what the difference can be, [lo, hi] (±200 NPS points:
/// a Wald interval of one promoter against one promoter and one detractor reached 238.6); where it
/// is not finite (the SE of a mean of one response is) the difference of the two results' own
/// intervals, which are clamped to the scale, so the interval stays a number.
template <class Result>
void bound_interval(Comparison& c, const Result& a, const Result& b, double lo, double hi) {
  if (!std::isfinite(c.ci_low) || !std::isfinite(c.ci_high)) {
    c.ci_low = a.ci_low - b.ci_high;
    c.ci_high = a.ci_high - b.ci_low;
    add_warning(c.warning,
                "a group's interval has no finite width (one response): the difference's interval is the "
                "difference of the two intervals' ends");
  }
  c.ci_low = std::clamp(c.ci_low, lo, hi);
  c.ci_high = std::clamp(c.ci_high, lo, hi);
}

/// Whether a result's weights vary (Kish's n_eff below its n responses).
template <class Result>
bool weights_vary(const Result& r) {
  return r.n_eff < static_cast<double>(r.n) * (1.0 - 1e-9);
}

/// Welch–Satterthwaite degrees of freedom (Satterthwaite 1946) of a sum of two independent
/// variance estimates va, vb with dfa, dfb degrees of freedom (each group's design_df), each taken
/// as at least 1: a group of one response (df 0) counts as one degree of freedom, as the same
/// response padded with a zero-weight row does.
inline double welch_df(double va, double vb, double dfa, double dfb) {
  const double den = va * va / std::max(1.0, dfa) + vb * vb / std::max(1.0, dfb);
  return den > 0.0 ? std::max(1.0, (va + vb) * (va + vb) / den) : kInf;
}

/// Weighted groups: the comparison on Student's t, as each weighted interval is (critical_value):
/// with a design-based variance from a handful of heavily weighted responses, z made the test
/// liberal (simulated, 20 against 400 responses, a polarised under-sampled stratum: NPS 7.5% at
/// 5% before, 6.0% with t; CSAT 9.1%, 7.7%; CES 7.0%, 5.7%). The test's degrees of freedom come from
/// each group's part of the pooled variance (1/n_design); the interval's, when `se_a`, `se_b` are
/// given, from the groups' own SEs around `diff`. Equal weights: nothing changes.
template <class Result>
void weighted_t(Comparison& c, const Result& a, const Result& b, double confidence, double diff = 0.0,
                double se_a = kNaN, double se_b = kNaN) {
  if (!weights_vary(a) && !weights_vary(b)) return;
  if (c.se > 0.0 && std::isfinite(c.z) && a.n_design > 0.0 && b.n_design > 0.0) {
    const double df = welch_df(1.0 / a.n_design, 1.0 / b.n_design, a.df, b.df);
    if (std::isfinite(df)) c.p_value = student_t_two_sided_p(c.z, df);
  }
  const double v = se_a * se_a + se_b * se_b;
  if (std::isfinite(v) && v > 0.0) {
    const double df = welch_df(se_a * se_a, se_b * se_b, a.df, b.df);
    const double t = std::isfinite(df) ? t_critical(confidence, df) : z_critical(confidence);
    c.ci_low = diff - t * std::sqrt(v);
    c.ci_high = diff + t * std::sqrt(v);
  }
}

/// Pooled trinomial variance of two net scores (shares of the positive and negative category).
inline double pooled_net_var(double pa, double da, double na, double pb, double db, double nb) {
  const double p = (na * pa + nb * pb) / (na + nb), d = (na * da + nb * db) / (na + nb);
  return p + d - (p - d) * (p - d);
}
}  // namespace detail

inline Comparison compare(const NpsResult& a, const NpsResult& b, double confidence) {
  Comparison c = detail::wald_compare(a, b, confidence);  // the interval of the results' method
  detail::pooled_test(c,
                      detail::pooled_net_var(a.promoter_share, a.detractor_share, a.n_design, b.promoter_share,
                                             b.detractor_share, b.n_design),
                      a.n_design, b.n_design, 100.0);
  detail::weighted_t(c, a, b, confidence, a.center - b.center, a.se, b.se);
  detail::bound_interval(c, a, b, -200.0, 200.0);
  detail::compare_warnings(c, a, b);
  return c;
}

inline std::optional<Comparison> nps_compare(const NpsCounts& a, const NpsCounts& b, const NpsOptions& options) {
  // Two samples read with other categories are not one measure (a 7 a promoter in one of them).
  if (!(a.breaks() == b.breaks()))
    detail::fail("nps_compare", "the samples were counted with different breaks (detractor_max " +
                                    std::to_string(a.breaks().detractor_max) + ", promoter_min " +
                                    std::to_string(a.breaks().promoter_min) + " against " +
                                    std::to_string(b.breaks().detractor_max) + ", " +
                                    std::to_string(b.breaks().promoter_min) + ")");
  const auto ra = nps(a, options);
  const auto rb = nps(b, options);
  if (!ra || !rb) return std::nullopt;
  Comparison c = compare(*ra, *rb, options.confidence);
  if (options.method != CiMethod::bootstrap) return c;
  const auto stat = [](const std::vector<double>& h, double n) { return 100.0 * (h[2] - h[0]) / n; };
  const auto draw = [&](const NpsResult& r, std::uint64_t seed) {
    return detail::bootstrap_histogram(detail::smoothed_shares({r.detractor_share, r.passive_share, r.promoter_share},
                                                               r.n_design, detail::rocks_pseudo()),
                                       r.n_design, options.bootstrap_samples, seed, stat);
  };
  auto reps_a = draw(*ra, options.seed);
  const auto reps_b = draw(*rb, options.seed + 1);
  for (std::size_t i = 0; i < reps_a.size(); ++i) reps_a[i] -= reps_b[i];
  double sd = 0.0;
  detail::percentile_interval(std::move(reps_a), options.confidence, c.ci_low, c.ci_high, sd);
  c.warning.clear();  // of the bootstrap interval now
  detail::compare_warnings(c, *ra, *rb);
  return c;
}

inline double nps_margin_of_error(double n, double promoter_share, double detractor_share, double confidence,
                                  std::optional<double> population) {
  detail::check_confidence("nps_margin_of_error", confidence);
  if (!(n >= 1.0) || !std::isfinite(n))
    detail::fail("nps_margin_of_error", "n " + detail::fmt(n) + " is invalid (expected n >= 1)");
  if (!(promoter_share >= 0.0 && detractor_share >= 0.0 && promoter_share + detractor_share <= 1.0 + 1e-12))
    detail::fail("nps_margin_of_error", "shares " + detail::fmt(promoter_share) + ", " + detail::fmt(detractor_share) +
                                            " are invalid (expected fractions >= 0 summing to <= 1)");
  double fpc = 1.0;
  if (population) {
    if (!(*population >= n))
      detail::fail("nps_margin_of_error",
                   "population " + detail::fmt(*population) + " is smaller than n " + detail::fmt(n));
    fpc = *population > 1.0 ? (*population - n) / (*population - 1.0) : 0.0;
  }
  return detail::z_critical(confidence) * detail::net_se(promoter_share, detractor_share, n) * std::sqrt(fpc);
}

inline std::uint64_t nps_sample_size(double margin, double promoter_share, double detractor_share, double confidence,
                                     std::optional<double> population) {
  if (!(margin > 0.0) || !std::isfinite(margin))
    detail::fail("nps_sample_size", "margin " + detail::fmt(margin) + " is invalid (expected > 0 NPS points)");
  detail::check_confidence("nps_sample_size", confidence);
  if (!(promoter_share >= 0.0 && detractor_share >= 0.0 && promoter_share + detractor_share <= 1.0 + 1e-12))
    detail::fail("nps_sample_size", "shares " + detail::fmt(promoter_share) + ", " + detail::fmt(detractor_share) +
                                        " are invalid (expected fractions >= 0 summing to <= 1)");
  const double var = std::max(
      0.0, promoter_share + detractor_share - (promoter_share - detractor_share) * (promoter_share - detractor_share));
  const double z = detail::z_critical(confidence);
  double n0 = z * z * 1e4 * var / (margin * margin);  // +inf when margin² underflows
  if (population) {
    // A whole number: 10.5 asked for 11 responses of a population of 10.
    if (!(*population >= 1.0) || std::floor(*population) != *population)
      detail::fail("nps_sample_size",
                   "population " + detail::fmt(*population) + " is invalid (expected a whole number >= 1)");
    // n₀/(1 + (n₀ − 1)/N) tends to N as n₀ grows: the whole population (inf/inf would be NaN).
    n0 = std::isinf(n0) ? *population : n0 / (1.0 + (n0 - 1.0) / *population);
  }
  // Guard against 1e-13 above an integer turning into one extra response.
  const double n = std::max(1.0, std::ceil(n0 - 1e-9));
  // 2^64 and above (or +inf) has no std::uint64_t: the cast would be undefined (it gave 0).
  if (!(n < 18446744073709551616.0))
    detail::fail("nps_sample_size", "margin " + detail::fmt(margin) + " needs " + detail::fmt(n0) +
                                        " responses, more than a count can hold (2^64)");
  return static_cast<std::uint64_t>(n);
}

// ---------------------------------------------------------------------------------------------
// Ratings: CSAT, CES, mean
// ---------------------------------------------------------------------------------------------

inline std::optional<RatingResult> rating(const RatingCounts& counts_in, const RatingOptions& o) {
  constexpr std::string_view where = "rating";
  detail::check_confidence(where, o.confidence);
  detail::check_aggregation(where, o.aggregation);
  if (o.method) detail::check_method(where, *o.method);
  if (o.scale_min != counts_in.scale_min() || o.scale_max != counts_in.scale_max())
    detail::fail(where, "options scale [" + std::to_string(o.scale_min) + ", " + std::to_string(o.scale_max) +
                            "] differs from the counts' scale [" + std::to_string(counts_in.scale_min()) + ", " +
                            std::to_string(counts_in.scale_max()) + "]");
  const int levels = o.scale_max - o.scale_min + 1;
  const int top = o.top == 0 ? levels / 2 : o.top;
  const int top_limit = o.aggregation == Aggregation::net ? levels / 2 : levels - 1;
  if (top < 1 || top > top_limit)
    detail::fail(where, "top " + std::to_string(o.top) + " is outside [1, " + std::to_string(top_limit) + "] for a " +
                            std::to_string(levels) + "-level scale");
  const CiMethod method = o.method.value_or(o.aggregation == Aggregation::mean      ? CiMethod::adjusted_t
                                            : o.aggregation == Aggregation::top_box ? CiMethod::wilson_cc
                                                                                    : CiMethod::adjusted_wald);
  const bool fits =
      method == CiMethod::wald || method == CiMethod::bootstrap ||
      ((method == CiMethod::t || method == CiMethod::adjusted_t) && o.aggregation == Aggregation::mean) ||
      ((method == CiMethod::wilson || method == CiMethod::wilson_cc) && o.aggregation == Aggregation::top_box) ||
      (method == CiMethod::adjusted_wald && o.aggregation == Aggregation::net);
  if (!fits)
    detail::fail(
        where,
        "method " + std::string(detail::method_name(method)) +
            " does not fit this aggregation (mean: adjusted_t, t, wald, bootstrap; top_box: wilson_cc, wilson, wald, "
            "bootstrap; net: adjusted_wald, wald, bootstrap)");
  if (method == CiMethod::bootstrap) detail::check_bootstrap(where, o.bootstrap_samples);

  const RatingCounts counts = o.reversed ? counts_in.reversed() : counts_in;
  const double total = counts.total_weight();
  if (counts.n() == 0 || !(total > 0.0)) return std::nullopt;
  const auto& w = detail::CountsAccess::w(counts);
  RatingResult r{};
  r.n = counts.n();
  r.n_eff = counts.n_eff();
  r.confidence = o.confidence;
  r.aggregation = o.aggregation;
  r.scale_min = o.scale_min;
  r.scale_max = o.scale_max;
  r.method = method;
  r.top = top;
  std::vector<double> shares(w.size());
  for (std::size_t k = 0; k < w.size(); ++k) shares[k] = w[k] / total;
  double mean = 0.0;
  for (std::size_t k = 0; k < w.size(); ++k) mean += shares[k] * (o.scale_min + static_cast<double>(k));
  double m2 = 0.0;
  for (std::size_t k = 0; k < w.size(); ++k) {
    const double d = o.scale_min + static_cast<double>(k) - mean;
    m2 += shares[k] * d * d;
  }
  for (int k = 0; k < top; ++k) {
    r.top_share += shares[static_cast<std::size_t>(levels - 1 - k)];
    r.bottom_share += shares[static_cast<std::size_t>(k)];
  }
  r.mean = mean;
  // The value of each level for the linearization variance: the level (mean), 1 in the top boxes
  // (top_box), +1/−1 in the top/bottom boxes (net).
  std::vector<double> y_level(w.size()), y_score(w.size(), 0.0);
  for (std::size_t k = 0; k < w.size(); ++k) {
    y_level[k] = o.scale_min + static_cast<double>(k);
    const bool is_top = static_cast<int>(k) >= levels - top, is_bottom = static_cast<int>(k) < top;
    if (o.aggregation == Aggregation::mean)
      y_score[k] = y_level[k];
    else if (o.aggregation == Aggregation::top_box)
      y_score[k] = is_top ? 1.0 : 0.0;
    else
      y_score[k] = is_top ? 1.0 : (is_bottom ? -1.0 : 0.0);
  }
  const auto& w2 = counts.squared_weights();
  const double n_mean = detail::design_n(counts.counts(), w, w2, y_level);
  r.n_design = detail::design_n(counts.counts(), w, w2, y_score);
  r.df = detail::design_df(counts.counts(), w2, counts.fourth_power_weights());
  const double lo = o.scale_min, hi = o.scale_max;
  if (r.n_eff > 1.0 && n_mean > 1.0) {
    r.sd = std::sqrt(m2 * r.n_eff / (r.n_eff - 1.0));
    // Equal weights: s/√n; varying weights: the linearization SE √V_lin = √(m₂/n_design).
    r.mean_se = detail::weights_vary(counts.counts(), w, w2) ? std::sqrt(m2 / n_mean) : r.sd / std::sqrt(r.n_eff);
    const double t = detail::t_critical(o.confidence, r.df);  // n − 1 when unweighted
    r.t_ci_low = std::max(lo, mean - t * r.mean_se);
    r.t_ci_high = std::min(hi, mean + t * r.mean_se);
    // Adjusted t: half a pseudo-response at each end of the scale, then the t interval of the
    // smoothed histogram, SE √(m₂'/n) (n = n_design of the mean), design_df degrees of freedom. The plain t
    // interval covered 85% at n = 10 and 92% at n = 50 for a 1–7 scale with 70% sevens; this one
    // >= 95% (benchmarks/calibration.py), and a sample of one level no longer has SE 0.
    const double nd = n_mean, ends = 0.5 * (lo + hi);
    r.mean_center = (mean * nd + ends) / (nd + 1.0);
    const double dc = mean - r.mean_center;
    const double m2s = (nd * (m2 + dc * dc) + 0.5 * (lo - r.mean_center) * (lo - r.mean_center) +
                        0.5 * (hi - r.mean_center) * (hi - r.mean_center)) /
                       (nd + 1.0);
    r.mean_center_se = std::sqrt(m2s / nd);
    r.mean_ci_low = std::max(lo, r.mean_center - t * r.mean_center_se);
    r.mean_ci_high = std::min(hi, r.mean_center + t * r.mean_center_se);
  } else {  // one response says nothing about spread: the interval is the whole scale
    r.sd = 0.0;
    r.mean_se = r.mean_center_se = detail::kInf;
    r.mean_center = mean;
    r.mean_ci_low = r.t_ci_low = lo;
    r.mean_ci_high = r.t_ci_high = hi;
  }

  const double z = detail::critical_value(counts.counts(), w, w2, r.df, o.confidence);
  const int t_boxes = top;
  const auto stat = [&](const std::vector<double>& c, double n) {
    if (o.aggregation == Aggregation::mean) {
      double s = 0.0;
      for (std::size_t k = 0; k < c.size(); ++k) s += c[k] * (o.scale_min + static_cast<double>(k));
      return s / n;
    }
    double a = 0.0, b = 0.0;
    for (int k = 0; k < t_boxes; ++k) {
      a += c[static_cast<std::size_t>(levels - 1 - k)];
      b += c[static_cast<std::size_t>(k)];
    }
    return o.aggregation == Aggregation::top_box ? 100.0 * a / n : 100.0 * (a - b) / n;
  };
  double range_lo = 0.0, range_hi = 100.0;
  switch (o.aggregation) {
    case Aggregation::mean:
      r.score = mean;
      r.se = r.mean_se;
      range_lo = lo;
      range_hi = hi;
      if (method == CiMethod::adjusted_t) {
        r.center = r.mean_center;
        r.se = r.mean_center_se;
        r.ci_low = r.mean_ci_low;
        r.ci_high = r.mean_ci_high;
      } else if (method == CiMethod::t) {
        r.ci_low = r.t_ci_low;
        r.ci_high = r.t_ci_high;
      } else if (method == CiMethod::wald) {
        r.ci_low = std::isfinite(r.se) ? mean - z * r.se : lo;
        r.ci_high = std::isfinite(r.se) ? mean + z * r.se : hi;
      }
      break;
    case Aggregation::top_box:
      r.score = 100.0 * r.top_share;
      r.se = 100.0 * std::sqrt(r.top_share * (1.0 - r.top_share) / r.n_design);
      if (method == CiMethod::wilson || method == CiMethod::wilson_cc) {
        (method == CiMethod::wilson ? detail::wilson_interval : detail::wilson_cc_interval)(r.top_share, r.n_design, z,
                                                                                            r.ci_low, r.ci_high);
        r.ci_low *= 100.0;
        r.ci_high *= 100.0;
      } else {
        r.ci_low = r.score - z * r.se;
        r.ci_high = r.score + z * r.se;
      }
      break;
    case Aggregation::net:
      r.score = 100.0 * (r.top_share - r.bottom_share);
      range_lo = -100.0;
      if (method == CiMethod::adjusted_wald) {
        detail::adjusted_net(r.top_share, r.bottom_share, r.n_design, r.center, r.se);
        r.ci_low = r.center - z * r.se;
        r.ci_high = r.center + z * r.se;
      } else {
        r.se = detail::net_se(r.top_share, r.bottom_share, r.n_design);
        r.ci_low = r.score - z * r.se;
        r.ci_high = r.score + z * r.se;
      }
      break;
  }
  if (method != CiMethod::adjusted_wald && method != CiMethod::adjusted_t) r.center = r.score;
  if (method == CiMethod::bootstrap) {
    // Pseudo-counts by aggregation (see rating() in metrics.hpp), spread evenly within each group.
    std::vector<double> pseudo(w.size(), 0.0);
    const auto spread = [&](int from, int to, double mass) {  // levels [from, to)
      for (int k = from; k < to; ++k) pseudo[static_cast<std::size_t>(k)] += mass / (to - from);
    };
    if (o.aggregation == Aggregation::mean) {
      pseudo.front() += 0.5;
      pseudo.back() += 0.5;
    } else if (o.aggregation == Aggregation::top_box) {
      spread(levels - top, levels, 1.0);
      spread(0, levels - top, 1.0);
    } else {
      spread(levels - top, levels, 0.75);
      spread(0, top, 0.75);
      if (levels > 2 * top)
        spread(top, levels - top, 1.5);
      else {  // no middle levels: Rocks' middle mass goes half to each side
        spread(levels - top, levels, 0.75);
        spread(0, top, 0.75);
      }
    }
    const double n_boot = o.aggregation == Aggregation::mean ? n_mean : r.n_design;
    auto reps = detail::bootstrap_histogram(detail::smoothed_shares(shares, n_boot, pseudo), n_boot,
                                            o.bootstrap_samples, o.seed, stat);
    detail::percentile_interval(std::move(reps), o.confidence, r.ci_low, r.ci_high, r.se);
  }
  if (method == CiMethod::wald) r.warning = detail::kWaldWarning;
  r.ci_low = std::clamp(r.ci_low, range_lo, range_hi);
  r.ci_high = std::clamp(r.ci_high, range_lo, range_hi);
  detail::interval_warnings(r.warning, r.score, r.ci_low, r.ci_high);
  return r;
}

inline Comparison compare(const RatingResult& a, const RatingResult& b, double confidence) {
  if (a.aggregation != b.aggregation)
    detail::fail("compare", "aggregations differ (a mean, a top-box share and a net score are not comparable)");
  // A 1-5 mean against a 1-10 one is no difference of one measure (red-team, stop 41).
  if (a.scale_min != b.scale_min || a.scale_max != b.scale_max ||
      (a.aggregation != Aggregation::mean && a.top != b.top))
    detail::fail("compare", "the ratings were read on different scales ([" + std::to_string(a.scale_min) + ", " +
                                std::to_string(a.scale_max) + "], top " + std::to_string(a.top) + " against [" +
                                std::to_string(b.scale_min) + ", " + std::to_string(b.scale_max) + "], top " +
                                std::to_string(b.top) + ")");
  Comparison c = detail::wald_compare(a, b, confidence);  // the interval of the other methods
  const double na = a.n_design, nb = b.n_design;
  double var_pool = 0.0;
  switch (a.aggregation) {
    case Aggregation::top_box: {
      const double pool = (na * a.top_share + nb * b.top_share) / (na + nb);
      var_pool = pool * (1.0 - pool);
      break;
    }
    case Aggregation::net:
      var_pool = detail::pooled_net_var(a.top_share, a.bottom_share, na, b.top_share, b.bottom_share, nb);
      break;
    case Aggregation::mean: {
      // Variance of the pooled ratings about their common mean: within + between groups.
      const auto m2 = [](const RatingResult& r) {
        return r.n_eff > 1.0 ? r.sd * r.sd * (r.n_eff - 1.0) / r.n_eff : 0.0;
      };
      const double m = (na * a.mean + nb * b.mean) / (na + nb);
      var_pool = (na * (m2(a) + (a.mean - m) * (a.mean - m)) + nb * (m2(b) + (b.mean - m) * (b.mean - m))) / (na + nb);
      break;
    }
  }
  detail::pooled_test(c, var_pool, na, nb, a.aggregation == Aggregation::mean ? 1.0 : 100.0);
  if (a.aggregation == Aggregation::top_box) {
    // Small unweighted groups: Boschloo's exact test instead (kExactTestBelow).
    const auto count = [](const RatingResult& r, std::uint64_t& x) {
      const double n = static_cast<double>(r.n), e = r.top_share * n;
      x = static_cast<std::uint64_t>(std::llround(e));
      return r.n_design == n && std::abs(e - static_cast<double>(x)) < 1e-6;
    };
    std::uint64_t xa = 0, xb = 0;
    if (std::min(a.n, b.n) > 0 && static_cast<double>(std::min(a.n, b.n)) < kExactTestBelow && count(a, xa) &&
        count(b, xb))
      c.p_value = detail::boschloo_p(xa, a.n, xb, b.n);
  }
  detail::weighted_t(c, a, b, confidence);  // the test; the top-box interval below takes a t too
  const bool weighted = detail::weights_vary(a) || detail::weights_vary(b);
  double zc = detail::z_critical(confidence);
  if (weighted && a.aggregation == Aggregation::top_box) {
    const double df =
        detail::welch_df(a.top_share * (1.0 - a.top_share) / na, b.top_share * (1.0 - b.top_share) / nb, a.df, b.df);
    if (std::isfinite(df)) zc = detail::t_critical(confidence, df);
  }
  const bool score_a = a.method == CiMethod::wilson || a.method == CiMethod::wilson_cc;
  if (a.aggregation == Aggregation::top_box && score_a && b.method == a.method) {
    // Newcombe's (1998) hybrid score interval of a difference from the two groups' intervals:
    // method 10 from Wilson's, method 11 from the continuity-corrected ones.
    const double pa = a.top_share, pb = b.top_share;
    double la, ua, lb, ub;
    const auto interval = a.method == CiMethod::wilson ? detail::wilson_interval : detail::wilson_cc_interval;
    interval(pa, na, zc, la, ua);
    interval(pb, nb, zc, lb, ub);
    const double d = pa - pb;
    c.ci_low = 100.0 * (d - std::sqrt((pa - la) * (pa - la) + (ub - pb) * (ub - pb)));
    c.ci_high = 100.0 * (d + std::sqrt((ua - pa) * (ua - pa) + (pb - lb) * (pb - lb)));
  } else if (a.aggregation == Aggregation::mean && a.method != CiMethod::wald && a.method != CiMethod::bootstrap &&
             b.method != CiMethod::wald && b.method != CiMethod::bootstrap && std::isfinite(a.mean_se) &&
             std::isfinite(b.mean_se)) {
    // Welch (1947) interval: t with Welch–Satterthwaite degrees of freedom from each group's
    // design_df. Of the plain means for method t; for adjusted_t of the adjusted centres and their
    // SEs (the pseudo-responses of each group's own interval): with the plain means and SEs the
    // difference of two weighted CES samples of 20 and 400 covered 92.6%, with these 96.1%
    // (benchmarks/calibration.py, weighted_compare, 4,000 samples).
    const bool adjusted = a.method == CiMethod::adjusted_t && b.method == CiMethod::adjusted_t;
    const double sa = adjusted ? a.mean_center_se : a.mean_se, sb = adjusted ? b.mean_center_se : b.mean_se;
    const double d = adjusted ? a.mean_center - b.mean_center : a.mean - b.mean;
    const double df = detail::welch_df(sa * sa, sb * sb, a.df, b.df);
    if (std::isfinite(df)) {
      const double half = detail::t_critical(confidence, df) * std::sqrt(sa * sa + sb * sb);
      c.ci_low = d - half;
      c.ci_high = d + half;
    }
  }
  // A difference of two means on one scale stays within ±(max − min).
  const double range = a.aggregation == Aggregation::top_box ? 100.0
                       : a.aggregation == Aggregation::net   ? 200.0
                                                             : static_cast<double>(a.scale_max - a.scale_min);

  detail::bound_interval(c, a, b, -range, range);
  detail::compare_warnings(c, a, b);
  return c;
}

namespace detail {
template <class R>
std::optional<RatingResult> rating_of(const R& scores, std::span<const double> weights, const RatingOptions& o,
                                      std::string_view where) {
  RatingCounts c(o.scale_min, o.scale_max);
  CountsAccess::add_rating(c, std::ranges::data(scores), std::ranges::size(scores), weights, where);
  return rating(c, o);
}
}  // namespace detail

template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::optional<RatingResult> csat(const R& scores, std::span<const double> weights, const RatingOptions& options) {
  return detail::rating_of(scores, weights, options, "csat");
}

template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::optional<RatingResult> ces(const R& scores, std::span<const double> weights, const RatingOptions& options) {
  return detail::rating_of(scores, weights, options, "ces");
}

inline double bayesian_average(double mean, double n, double prior_mean, double prior_n) {
  if (!std::isfinite(mean) || !std::isfinite(prior_mean) || !std::isfinite(n) || !std::isfinite(prior_n) || n < 0.0 ||
      !(prior_n > 0.0))
    detail::fail("bayesian_average", "mean " + detail::fmt(mean) + ", n " + detail::fmt(n) + ", prior_mean " +
                                         detail::fmt(prior_mean) + ", prior_n " + detail::fmt(prior_n) +
                                         " are invalid (expected finite values, n >= 0, prior_n > 0)");
  // A convex combination with weights n / (n + prior_n) and prior_n / (n + prior_n), each computed
  // from the ratio of the counts: (mean·n + prior_mean·prior_n) / (n + prior_n) overflowed to NaN
  // for finite inputs near DBL_MAX (red-team, stop 42).
  if (n == 0.0) return prior_mean;
  const double w = 1.0 / (1.0 + prior_n / n);
  // prior_mean + w·(mean − prior_mean) stays between the two means (review of stop 42: two weights
  // rounded apart gave 10.000000000000002 for two means of 10); the difference of two means of
  // opposite signs near DBL_MAX overflows, and then the two weighted terms are summed instead.
  const double diff = mean - prior_mean;
  const double r = std::isfinite(diff) ? prior_mean + w * diff : mean * w + prior_mean * (1.0 / (1.0 + n / prior_n));
  return std::clamp(r, std::min(mean, prior_mean), std::max(mean, prior_mean));
}

// ---------------------------------------------------------------------------------------------
// Churn and response times
// ---------------------------------------------------------------------------------------------

inline std::optional<ChurnResult> churn_rate(std::span<const double> start, std::span<const double> end,
                                             double period_start, double period_end, double confidence) {
  constexpr std::string_view where = "churn_rate";
  detail::check_confidence(where, confidence);
  detail::check_lengths(where, "start", start.size(), "end", end.size());
  if (!std::isfinite(period_start) || !std::isfinite(period_end) || !(period_end > period_start))
    detail::fail(where, "period [" + detail::fmt(period_start) + ", " + detail::fmt(period_end) +
                            ") is invalid (expected finite bounds with start < end)");
  ChurnResult r{};
  r.confidence = confidence;
  for (std::size_t i = 0; i < start.size(); ++i) {
    const double s = start[i], e = end[i];
    if (!std::isfinite(s))
      detail::fail(where, "start " + detail::fmt(s) + " at index " + std::to_string(i) + " is not finite");
    if (std::isnan(e) || e == -detail::kInf)
      detail::fail(where, "end " + detail::fmt(e) + " at index " + std::to_string(i) +
                              " is invalid (expected a time >= start, or +inf while active)");
    if (e < s)
      detail::fail(where,
                   "end " + detail::fmt(e) + " at index " + std::to_string(i) + " is before start " + detail::fmt(s));
    const bool at_start = s <= period_start && period_start < e;
    const bool at_end = s <= period_end && period_end < e;
    if (at_start) {
      ++r.active_start;
      if (at_end)
        ++r.retained;
      else
        ++r.churned;
    } else if (s > period_start && s <= period_end) {
      ++r.joined;
      if (!at_end) ++r.joined_and_left;
    }
    if (at_end) ++r.active_end;
  }
  if (r.active_start == 0) return std::nullopt;
  const double n = static_cast<double>(r.active_start);
  r.rate = static_cast<double>(r.churned) / n;
  r.retention = 1.0 - r.rate;
  r.se = std::sqrt(r.rate * (1.0 - r.rate) / n);
  detail::wilson_interval(r.rate, n, detail::z_critical(confidence), r.ci_low, r.ci_high);
  return r;
}

inline std::optional<ResponseTimeResult> response_times(std::span<const double> durations, std::optional<double> sla,
                                                        double confidence) {
  constexpr std::string_view where = "response_times";
  detail::check_confidence(where, confidence);
  if (sla && !(std::isfinite(*sla) && *sla >= 0.0))
    detail::fail(where, "sla " + detail::fmt(*sla) + " is invalid (expected a finite duration >= 0)");
  for (std::size_t i = 0; i < durations.size(); ++i) {
    const double d = durations[i];
    // Up to 1e100 (of any unit, beyond any clock): a sum of such durations cannot overflow, where
    // two of 1e308 made the mean infinite (red-team, stop 42).
    if (!(d >= 0.0 && d <= 1e100))
      detail::fail(where, "duration " + detail::fmt(d) + " at index " + std::to_string(i) +
                              " is invalid (expected a finite duration in [0, 1e100])");
  }
  if (durations.empty()) return std::nullopt;
  std::vector<double> v(durations.begin(), durations.end());
  std::sort(v.begin(), v.end());
  ResponseTimeResult r{};
  r.confidence = confidence;
  r.n = v.size();
  double sum = 0.0;
  for (double d : v) sum += d;
  r.mean = sum / static_cast<double>(v.size());
  if (v.size() > 1) {
    double ss = 0.0;
    for (double d : v) ss += (d - r.mean) * (d - r.mean);
    const double se = std::sqrt(ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
    const double t = detail::t_critical(confidence, static_cast<double>(v.size() - 1));
    r.mean_ci_low = std::max(0.0, r.mean - t * se);
    r.mean_ci_high = r.mean + t * se;
  } else {
    r.mean_ci_low = 0.0;
    r.mean_ci_high = detail::kInf;
  }
  r.median = detail::sorted_quantile(v, 0.5);
  r.p90 = detail::sorted_quantile(v, 0.9);
  r.p95 = detail::sorted_quantile(v, 0.95);
  r.min = v.front();
  r.max = v.back();
  if (sla) {
    r.sla = sla;
    const auto within = static_cast<double>(std::upper_bound(v.begin(), v.end(), *sla) - v.begin());
    const double share = within / static_cast<double>(v.size());
    double lo = 0.0, hi = 0.0;
    detail::wilson_interval(share, static_cast<double>(v.size()), detail::z_critical(confidence), lo, hi);
    r.within_sla = share;
    r.within_sla_ci_low = lo;
    r.within_sla_ci_high = hi;
  }
  return r;
}

inline std::optional<ResponseTimeResult> response_times(std::span<const double> start, std::span<const double> end,
                                                        std::optional<double> sla, double confidence) {
  constexpr std::string_view where = "response_times";
  detail::check_lengths(where, "start", start.size(), "end", end.size());
  std::vector<double> d(start.size());
  for (std::size_t i = 0; i < start.size(); ++i) {
    if (!std::isfinite(start[i]) || !std::isfinite(end[i]))
      detail::fail(where, "timestamps " + detail::fmt(start[i]) + ", " + detail::fmt(end[i]) + " at index " +
                              std::to_string(i) + " are not finite");
    if (end[i] < start[i])
      detail::fail(where, "end " + detail::fmt(end[i]) + " at index " + std::to_string(i) + " is before start " +
                              detail::fmt(start[i]));
    d[i] = end[i] - start[i];
  }
  return response_times(d, sla, confidence);
}

// ---------------------------------------------------------------------------------------------
// Multiple comparisons, trends, segments
// ---------------------------------------------------------------------------------------------

inline std::vector<double> p_adjust_holm(std::span<const double> p) {
  const std::size_t m = p.size();
  for (std::size_t i = 0; i < m; ++i)
    if (!(p[i] >= 0.0 && p[i] <= 1.0))
      detail::fail("p_adjust_holm",
                   "p-value " + detail::fmt(p[i]) + " at index " + std::to_string(i) + " is outside [0, 1]");
  std::vector<std::size_t> order(m);
  for (std::size_t i = 0; i < m; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return p[a] < p[b]; });
  std::vector<double> out(m);
  double running = 0.0;
  for (std::size_t j = 0; j < m; ++j) {
    running = std::max(running, std::min(1.0, static_cast<double>(m - j) * p[order[j]]));
    out[order[j]] = running;
  }
  return out;
}

namespace detail {
// Holm's adjustment over the p-values given alone, in place: none stays none (a driver without a
// test). The drivers' impacts, their share trends and their pain points are adjusted this way.
inline std::vector<std::optional<double>> p_adjust_holm_given(std::span<const std::optional<double>> p) {
  std::vector<double> given;
  for (const auto& x : p)
    if (x) given.push_back(*x);
  const auto holm = p_adjust_holm(given);
  std::vector<std::optional<double>> out(p.size());
  for (std::size_t i = 0, t = 0; i < p.size(); ++i)
    if (p[i]) out[i] = holm[t++];
  return out;
}
}  // namespace detail

inline std::vector<double> p_adjust_bh(std::span<const double> p) {
  const std::size_t m = p.size();
  for (std::size_t i = 0; i < m; ++i)
    if (!(p[i] >= 0.0 && p[i] <= 1.0))
      detail::fail("p_adjust_bh",
                   "p-value " + detail::fmt(p[i]) + " at index " + std::to_string(i) + " is outside [0, 1]");
  std::vector<std::size_t> order(m);
  for (std::size_t i = 0; i < m; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return p[a] < p[b]; });
  std::vector<double> out(m);
  double running = 1.0;
  for (std::size_t j = m; j-- > 0;) {
    running = std::min(running, std::min(1.0, static_cast<double>(m) / static_cast<double>(j + 1) * p[order[j]]));
    out[order[j]] = running;
  }
  return out;
}

inline std::optional<TrendTestResult> trend_test(std::span<const double> values, const TrendOptions& options) {
  if (!(options.alpha > 0.0 && options.alpha < 1.0))
    detail::fail("trend_test", "alpha " + detail::fmt(options.alpha) + " is outside (0, 1)");
  if (static_cast<unsigned>(options.test) > static_cast<unsigned>(TrendTestKind::ols))
    detail::fail("trend_test", "test " + std::to_string(static_cast<int>(options.test)) +
                                   " is not a TrendTestKind (mann_kendall, ols)");
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i]))
      detail::fail("trend_test",
                   "value " + detail::fmt(values[i]) + " at index " + std::to_string(i) + " is not finite");
    // The tests scale the series by its largest value; a difference of two values within ±1e307
    // stays finite, where the OLS slope of {1e308, −1e308, 1e308} was NaN (red-team, stop 42).
    if (std::abs(values[i]) > 1e307)
      detail::fail("trend_test",
                   "value " + detail::fmt(values[i]) + " at index " + std::to_string(i) + " is beyond ±1e307");
  }
  if (values.size() < 3) return std::nullopt;
  return detail::trend_test_impl(values, options);
}

namespace detail {
template <class Result, class Counts, class Fn>
Trend<Result> make_trend(const std::vector<std::int64_t>& keys, const std::vector<Counts>& counts, Fn result_of,
                         const TrendOptions& options) {
  Trend<Result> t;
  std::vector<double> series;
  for (std::size_t g = 0; g < keys.size(); ++g) {
    if (auto r = result_of(counts[g])) {
      t.periods.push_back({keys[g], *r});
      series.push_back(r->score);
    }
  }
  t.test = trend_test(series, options);
  return t;
}

template <class Result, class Counts, class Fn>
std::vector<SegmentResult<Result>> make_segments(const std::vector<std::int64_t>& keys,
                                                 const std::vector<Counts>& counts, const Counts& proto, Fn result_of,
                                                 double confidence) {
  // Each segment's rest is the segments before it (a running sum) and those after it (sums from
  // the end, kept): linear in the segments, where summing every other segment for each was
  // quadratic (8,000 segments 0.26 s, a million over an hour). Merges only, no subtraction: the
  // counts stay exact.
  std::vector<Counts> after(keys.size() + 1, proto);
  for (std::size_t g = keys.size(); g-- > 0;) {
    after[g] = after[g + 1];
    after[g] += counts[g];
  }
  Counts before = proto;
  std::vector<SegmentResult<Result>> out;
  std::vector<double> pvals;
  std::vector<std::size_t> tested;
  for (std::size_t g = 0; g < keys.size(); before += counts[g], ++g) {
    auto r = result_of(counts[g]);
    if (!r) continue;  // a segment whose rows all weigh 0
    SegmentResult<Result> s{keys[g], *r, std::nullopt, std::nullopt, std::nullopt, false};
    Counts rest = before;
    rest += after[g + 1];
    if (auto rr = result_of(rest)) {
      // Below kMinTestResponses (in the segment or the rest) the test does not hold its level:
      // the segment is shown, not tested.
      if (std::min(r->n_eff, rr->n_eff) < kMinTestResponses - 1e-9) {
        s.too_few = true;
        out.push_back(std::move(s));
        continue;
      }
      s.vs_rest = compare(*r, *rr, confidence);
      pvals.push_back(s.vs_rest->p_value);
      tested.push_back(out.size());
    }
    out.push_back(std::move(s));
  }
  const auto holm = p_adjust_holm(pvals);
  const auto bh = p_adjust_bh(pvals);
  for (std::size_t j = 0; j < tested.size(); ++j) {
    out[tested[j]].p_holm = holm[j];
    out[tested[j]].p_bh = bh[j];
  }
  return out;
}
}  // namespace detail

template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::pair<std::vector<std::int64_t>, std::vector<NpsCounts>> nps_counts_by(const R& scores,
                                                                               std::span<const std::int64_t> keys,
                                                                               std::span<const double> weights,
                                                                               NpsBreaks breaks) {
  return detail::CountsAccess::group(std::ranges::data(scores), std::ranges::size(scores), keys, weights,
                                     NpsCounts(breaks), "nps");
}

template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::pair<std::vector<std::int64_t>, std::vector<RatingCounts>> rating_counts_by(const R& scores,
                                                                                     std::span<const std::int64_t> keys,
                                                                                     std::span<const double> weights,
                                                                                     int scale_min, int scale_max) {
  return detail::CountsAccess::group(std::ranges::data(scores), std::ranges::size(scores), keys, weights,
                                     RatingCounts(scale_min, scale_max), "rating_counts_by");
}

template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>> Trend<NpsResult>
nps_trend(const R& scores, std::span<const std::int64_t> periods, std::span<const double> weights,
          const NpsOptions& options, const TrendOptions& trend) {
  auto [keys, counts] = nps_counts_by(scores, periods, weights, options.breaks);
  return detail::make_trend<NpsResult>(
      keys, counts, [&](const NpsCounts& c) { return nps(c, options); }, trend);
}

template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>> Trend<RatingResult>
rating_trend(const R& scores, std::span<const std::int64_t> periods, std::span<const double> weights,
             const RatingOptions& options, const TrendOptions& trend) {
  auto [keys, counts] =
      detail::CountsAccess::group(std::ranges::data(scores), std::ranges::size(scores), periods, weights,
                                  RatingCounts(options.scale_min, options.scale_max), "rating_trend");
  return detail::make_trend<RatingResult>(
      keys, counts, [&](const RatingCounts& c) { return rating(c, options); }, trend);
}

template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::vector<SegmentResult<NpsResult>> nps_by_segment(const R& scores, std::span<const std::int64_t> segments,
                                                         std::span<const double> weights, const NpsOptions& options) {
  auto [keys, counts] = nps_counts_by(scores, segments, weights, options.breaks);
  return detail::make_segments<NpsResult>(
      keys, counts, NpsCounts(options.breaks), [&](const NpsCounts& c) { return nps(c, options); }, options.confidence);
}

template <class R>
requires std::ranges::contiguous_range<R> && std::is_arithmetic_v<std::ranges::range_value_t<R>>
    std::vector<SegmentResult<RatingResult>> rating_by_segment(const R& scores, std::span<const std::int64_t> segments,
                                                               std::span<const double> weights,
                                                               const RatingOptions& options) {
  const RatingCounts proto(options.scale_min, options.scale_max);
  auto [keys, counts] = detail::CountsAccess::group(std::ranges::data(scores), std::ranges::size(scores), segments,
                                                    weights, proto, "rating_by_segment");
  return detail::make_segments<RatingResult>(
      keys, counts, proto, [&](const RatingCounts& c) { return rating(c, options); }, options.confidence);
}

namespace detail {
/// keys sorted ascending with their accumulators (the order the row functions group in), checked.
template <class Counts>
std::pair<std::vector<std::int64_t>, std::vector<Counts>> sorted_groups(std::span<const std::int64_t> keys,
                                                                        std::span<const Counts> counts,
                                                                        const char* what) {
  if (keys.size() != counts.size())
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(keys.size()) + " keys but " +
                                std::to_string(counts.size()) + " accumulators");
  std::vector<std::size_t> order(keys.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::ranges::sort(order, {}, [&](std::size_t i) { return keys[i]; });
  std::pair<std::vector<std::int64_t>, std::vector<Counts>> out;
  out.first.reserve(keys.size());
  out.second.reserve(keys.size());
  for (const std::size_t i : order) {
    if (!out.first.empty() && out.first.back() == keys[i])
      throw std::invalid_argument(std::string(what) + ": key " + std::to_string(keys[i]) +
                                  " appears twice (merge its accumulators with += first)");
    out.first.push_back(keys[i]);
    out.second.push_back(counts[i]);
  }
  return out;
}
}  // namespace detail

inline std::vector<SegmentResult<NpsResult>> nps_by_segment_of(std::span<const std::int64_t> keys,
                                                               std::span<const NpsCounts> counts,
                                                               const NpsOptions& options) {
  const auto [k, c] = detail::sorted_groups(keys, counts, "nps_by_segment_of");
  for (std::size_t i = 0; i < c.size(); ++i)
    if (!(c[i].breaks() == options.breaks))
      throw std::invalid_argument("nps_by_segment_of: the counts of key " + std::to_string(k[i]) +
                                  " have other breaks than the options");
  return detail::make_segments<NpsResult>(
      k, c, NpsCounts(options.breaks), [&](const NpsCounts& x) { return nps(x, options); }, options.confidence);
}

inline std::vector<SegmentResult<RatingResult>> rating_by_segment_of(std::span<const std::int64_t> keys,
                                                                     std::span<const RatingCounts> counts,
                                                                     const RatingOptions& options) {
  const auto [k, c] = detail::sorted_groups(keys, counts, "rating_by_segment_of");
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c[i].scale_min() != options.scale_min || c[i].scale_max() != options.scale_max)
      throw std::invalid_argument("rating_by_segment_of: the counts of key " + std::to_string(k[i]) + " are on [" +
                                  std::to_string(c[i].scale_min()) + ", " + std::to_string(c[i].scale_max()) +
                                  "], the options' scale is [" + std::to_string(options.scale_min) + ", " +
                                  std::to_string(options.scale_max) + "]");
  return detail::make_segments<RatingResult>(
      k, c, RatingCounts(options.scale_min, options.scale_max),
      [&](const RatingCounts& x) { return rating(x, options); }, options.confidence);
}

}  // namespace perche
