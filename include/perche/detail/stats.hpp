// SPDX-License-Identifier: Apache-2.0
// Private helpers of metrics.hpp: distribution functions, error formatting, multiple testing.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace perche::detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

/// Formats a value for an error message: shortest round-trip form ("11", "7.5", "nan", "-inf").
template <class T>
std::string fmt(T value) {
  if constexpr (std::is_floating_point_v<T>) {
    const double v = static_cast<double>(value);
    if (std::isnan(v)) return "nan";
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, res.ptr);
  } else if constexpr (sizeof(T) == 1) {
    return std::to_string(static_cast<int>(value));
  } else {
    return std::to_string(value);
  }
}

/// Throws std::invalid_argument with "<where>: <message>".
[[noreturn]] inline void fail(std::string_view where, const std::string& message) {
  throw std::invalid_argument(std::string(where) + ": " + message);
}

inline void check_confidence(std::string_view where, double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) fail(where, "confidence " + fmt(confidence) + " is outside (0, 1)");
}

inline void check_lengths(std::string_view where, std::string_view a, std::size_t na, std::string_view b,
                          std::size_t nb) {
  if (na != nb)
    fail(where, std::string(a) + " has " + std::to_string(na) + " elements but " + std::string(b) + " has " +
                    std::to_string(nb) + " (expected the same length)");
}

inline void check_weight(std::string_view where, double w, std::size_t index) {
  if (!std::isfinite(w))
    fail(where, "weight " + fmt(w) + " at index " + std::to_string(index) + " is not finite (expected a weight >= 0)");
  if (w < 0.0)
    fail(where, "weight " + fmt(w) + " at index " + std::to_string(index) + " is negative (expected a weight >= 0)");
}

/// Largest and smallest non-zero weight of one response. Σw⁴ must stay a finite, normal double for
/// the degrees of freedom (and Σw² for Kish's n_eff), so weights whose fourth power would overflow
/// or underflow are rejected rather than silently turning them into 0 or NaN. Rescale such weights
/// (every statistic is scale-invariant).
inline constexpr double max_response_weight = 1e50;
inline constexpr double min_response_weight = 1e-50;

inline void check_response_weight(std::string_view where, double w, std::size_t index) {
  check_weight(where, w, index);
  if (w > max_response_weight || (w > 0.0 && w < min_response_weight))
    fail(where, "weight " + fmt(w) + " at index " + std::to_string(index) +
                    " is out of range (expected 0 or a weight in [1e-50, 1e50]; rescale the weights)");
}

/// Standard normal CDF Φ(x) = erfc(−x/√2)/2 (Abramowitz & Stegun 7.1.2, 26.2.2).
inline double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

/// Standard normal density φ(x).
inline double normal_pdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * 3.14159265358979323846); }

/// Standard normal quantile Φ⁻¹(p), p in (0, 1), to full double precision.
/// Start: Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4); then Halley steps on Φ computed by erfc.
inline double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) {
    if (p == 0.0) return -kInf;
    if (p == 1.0) return kInf;
    return kNaN;
  }
  const bool upper = p > 0.5;
  const double q = upper ? 1.0 - p : p;  // tail probability, <= 0.5
  const double t = std::sqrt(-2.0 * std::log(q));
  double x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                       (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (int i = 0; i < 4; ++i) {
    const double err = normal_cdf(x) - q;
    const double u = err / normal_pdf(x);
    x -= u / (1.0 + 0.5 * x * u);
  }
  return upper ? -x : x;
}

/// Two-sided critical value z such that P(|Z| <= z) = confidence.
inline double z_critical(double confidence) { return normal_quantile(0.5 + 0.5 * confidence); }

/// Two-sided p-value of a standard normal statistic.
inline double normal_two_sided_p(double z) {
  if (std::isnan(z)) return kNaN;
  return std::erfc(std::fabs(z) / std::sqrt(2.0));
}

/// log Γ(x) without a data race: std::lgamma also stores the sign of Γ(x) in the global `signgam`
/// (POSIX), a write that two threads computing p-values at once race on (ThreadSanitizer reports
/// it); glibc's lgamma_r returns the sign through its argument instead.
inline double log_gamma(double x) {
#if defined(__GLIBC__)
  int sign = 0;
  return ::lgamma_r(x, &sign);
#else
  return std::lgamma(x);
#endif
}

/// Regularized incomplete beta I_x(a, b) by the continued fraction of DLMF 8.17.22, evaluated with
/// the modified Lentz method (Press et al., Numerical Recipes 3rd ed., §6.4 and §5.2).
inline double incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  // The fraction converges fast for x < (a+1)/(a+b+2); otherwise use I_x(a,b) = 1 − I_{1−x}(b,a).
  if (x > (a + 1.0) / (a + b + 2.0)) return 1.0 - incomplete_beta(b, a, 1.0 - x);
  const double log_front = log_gamma(a + b) - log_gamma(a) - log_gamma(b) + a * std::log(x) + b * std::log1p(-x);
  constexpr double kTiny = 1e-300;
  constexpr double kEps = 1e-16;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));  // even step d_{2m}
    d = 1.0 + num * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + num / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));  // odd step d_{2m+1}
    d = 1.0 + num * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + num / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEps) break;
  }
  return std::exp(log_front) * h / a;
}

/// Student's t CDF with df > 0 (real) degrees of freedom:
/// P(T <= t) = 1 − I_{df/(df+t²)}(df/2, 1/2)/2 for t >= 0 (Abramowitz & Stegun 26.7.1, 26.5.27).
inline double student_t_cdf(double t, double df) {
  if (std::isnan(t) || !(df > 0.0)) return kNaN;
  if (std::isinf(df)) return normal_cdf(t);
  const double tail = 0.5 * incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
  return t >= 0.0 ? 1.0 - tail : tail;
}

/// Two-sided p-value of a t statistic.
inline double student_t_two_sided_p(double t, double df) {
  if (std::isnan(t) || !(df > 0.0)) return kNaN;
  if (std::isinf(t)) return 0.0;
  return incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
}

/// Student's t quantile: Newton on the CDF from the normal quantile, safeguarded by bisection.
inline double student_t_quantile(double p, double df) {
  if (!(p > 0.0 && p < 1.0) || !(df > 0.0)) return kNaN;
  if (std::isinf(df)) return normal_quantile(p);
  if (p == 0.5) return 0.0;
  if (p < 0.5) return -student_t_quantile(1.0 - p, df);
  // Bracket [0, hi] with F(hi) > p.
  double lo = 0.0;
  double hi = std::max(1.0, 2.0 * normal_quantile(p));
  while (student_t_cdf(hi, df) < p) {
    lo = hi;
    hi *= 2.0;
    if (hi > 1e300) return kInf;
  }
  double x = std::clamp(normal_quantile(p), lo, hi);
  for (int i = 0; i < 200; ++i) {
    const double f = student_t_cdf(x, df) - p;
    if (f == 0.0) return x;
    if (f < 0.0)
      lo = x;
    else
      hi = x;
    // Density of t: Γ((ν+1)/2)/(√(νπ) Γ(ν/2)) (1 + x²/ν)^(−(ν+1)/2).
    const double log_pdf = log_gamma(0.5 * (df + 1.0)) - log_gamma(0.5 * df) -
                           0.5 * std::log(df * 3.14159265358979323846) - 0.5 * (df + 1.0) * std::log1p(x * x / df);
    double next = x - f / std::exp(log_pdf);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - x) <= 1e-15 * std::max(1.0, std::fabs(x))) return next;
    x = next;
  }
  return x;
}

/// Two-sided critical value of Student's t with df degrees of freedom.
inline double t_critical(double confidence, double df) { return student_t_quantile(0.5 + 0.5 * confidence, df); }

/// Linear-interpolation quantile of sorted data, Hyndman & Fan (1996) definition 7 (numpy's default).
inline double sorted_quantile(const std::vector<double>& sorted, double q) {
  const double h = (static_cast<double>(sorted.size()) - 1.0) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

/// Quantile of sorted data at position (m + 1)·q, Hyndman & Fan (1996) definition 6 (numpy's
/// method="weibull"): the r-th of m order statistics has expected probability r/(m + 1), so this
/// is the unbiased position for the tails of a bootstrap distribution of m replicates (the
/// ((R + 1)α)-th order statistic of Davison & Hinkley 1997, §5.2.1). Definition 7 sits at
/// 1 + (m − 1)·q instead: with m = 100 replicates its 2.5% and 97.5% bounds are the 3.475-th and
/// 97.525-th order statistics, which enclose about 93% of the distribution, not 95%. Positions
/// outside [1, m] are clamped to the extremes.
inline double sorted_quantile_unbiased(const std::vector<double>& sorted, double q) {
  const double h = static_cast<double>(sorted.size() + 1) * q;  // 1-based position
  if (h <= 1.0) return sorted.front();
  if (h >= static_cast<double>(sorted.size())) return sorted.back();
  const auto lo = static_cast<std::size_t>(std::floor(h));  // 1-based, in [1, m − 1]
  return sorted[lo - 1] + (h - static_cast<double>(lo)) * (sorted[lo] - sorted[lo - 1]);
}

/// Wilson score interval for a proportion (Wilson 1927; Agresti & Coull 1998, eq. 2), on n (or
/// Kish's effective n for weighted data).
inline void wilson_interval(double p, double n, double z, double& low, double& high) {
  const double z2 = z * z;
  const double denom = 1.0 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / denom;
  const double half = z * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom;
  low = std::max(0.0, centre - half);
  high = std::min(1.0, centre + half);
}

/// Wilson score interval with continuity correction for a proportion (Fleiss 1981; Newcombe 1998,
/// "Two-sided confidence intervals for the single proportion", Statistics in Medicine 17, method 4:
/// 81/263 gives [0.2535, 0.3682], 0/20 [0, 0.2005], 1/29 [0.0018, 0.1963]). Its coverage stays at
/// or above the nominal level where the plain Wilson interval's dips to 91-93% at small n
/// (benchmarks/calibration.py). On n (or the design n of weighted data).
inline void wilson_cc_interval(double p, double n, double z, double& low, double& high) {
  const double z2 = z * z, q = 1.0 - p, den = 2.0 * (n + z2);
  low =
      p <= 0.0
          ? 0.0
          : (2.0 * n * p + z2 - 1.0 - z * std::sqrt(std::max(0.0, z2 - 2.0 - 1.0 / n + 4.0 * p * (n * q + 1.0)))) / den;
  high =
      p >= 1.0
          ? 1.0
          : (2.0 * n * p + z2 + 1.0 + z * std::sqrt(std::max(0.0, z2 + 2.0 - 1.0 / n + 4.0 * p * (n * q - 1.0)))) / den;
  low = std::clamp(low, 0.0, 1.0);
  high = std::clamp(high, 0.0, 1.0);
}

/// Boschloo's (1970) exact unconditional test of equal shares for xa events of na against xb of
/// nb: the tables with the same margins are ordered by Fisher's one-sided p-value, and the one-sided
/// p-value is the largest probability, over the common share π, of a table at least as extreme
/// (two binomials); two-sided is twice the smaller one-sided p-value, capped at 1, as
/// scipy.stats.boschloo_exact defines it. Its type-I error never exceeds the level, where the
/// pooled score test reaches 6-9% with a group of 5-12 (benchmarks/calibration.py). Time
/// O(na² log nb + G (na + nb)) for G ≈ 100 values of π: na is the smaller group.
inline double boschloo_p(std::uint64_t xa_in, std::uint64_t na_in, std::uint64_t xb_in, std::uint64_t nb_in) {
  const bool swap = na_in > nb_in;  // the smaller group first: its events index the outer loop
  const std::int64_t na = static_cast<std::int64_t>(swap ? nb_in : na_in),
                     nb = static_cast<std::int64_t>(swap ? na_in : nb_in);
  const std::int64_t xa = static_cast<std::int64_t>(swap ? xb_in : xa_in),
                     xb = static_cast<std::int64_t>(swap ? xa_in : xb_in);
  const std::int64_t N = na + nb;
  if (xa + xb == 0 || xa + xb == N) return 1.0;  // every table with these margins is the same
  // log k!: no table of N entries (a segment of 15 against a rest of a million responses).
  const auto f = [](std::int64_t k) { return log_gamma(static_cast<double>(k) + 1.0); };
  // P(X_a <= x | X_a + X_b = s) and P(X_a >= x | s), hypergeometric.
  const auto tail = [&](std::int64_t x, std::int64_t s, bool lower) {
    const std::int64_t lo = std::max<std::int64_t>(0, s - nb), hi = std::min(na, s);
    const double log_den = f(N) - f(s) - f(N - s);
    double sum = 0.0;
    for (std::int64_t k = lower ? lo : std::max(lo, x); k <= (lower ? std::min(hi, x) : hi); ++k)
      sum += std::exp(f(na) - f(k) - f(na - k) + f(nb) - f(s - k) - f(nb - s + k) - log_den);
    return std::min(1.0, sum);
  };
  const auto one_sided = [&](bool lower) {
    // lower: group a has fewer events than b would say (Fisher's p = P(X_a <= x_a | s)). For a
    // fixed x_a that p falls as x_b grows, so the tables as extreme as the observed one are
    // x_b >= cut[x_a] (lower) or x_b <= cut[x_a] (upper): a binary search each.
    const double observed = tail(xa, xa + xb, lower) * (1.0 + 1e-13);
    std::vector<std::int64_t> cut(static_cast<std::size_t>(na) + 1);
    for (std::int64_t x = 0; x <= na; ++x) {
      std::int64_t a = 0, b = nb + 1;  // lower: the first x_b at or below `observed`; upper: one past the last
      while (a < b) {
        const std::int64_t m = a + (b - a) / 2;
        const bool extreme = tail(x, x + m, lower) <= observed;
        if (lower ? extreme : !extreme)
          b = m;
        else
          a = m + 1;
      }
      cut[static_cast<std::size_t>(x)] = a;
    }
    // Group b's binomial tails from the regularized incomplete beta (DLMF 8.17.5:
    // P(X ≥ c) = I_π(c, n − c + 1), P(X ≤ c − 1) = I_{1−π}(n − c + 1, c)): O(√n_b) per cut-off
    // instead of a sum over every x_b.
    const auto at_least = [&](std::int64_t c, double pi) {
      if (c <= 0) return 1.0;
      if (c > nb) return 0.0;
      return incomplete_beta(static_cast<double>(c), static_cast<double>(nb - c + 1), pi);
    };
    const auto below = [&](std::int64_t c, double pi) {
      if (c <= 0) return 0.0;
      if (c > nb) return 1.0;
      return incomplete_beta(static_cast<double>(nb - c + 1), static_cast<double>(c), 1.0 - pi);
    };
    const auto prob = [&](double pi) {  // P_π(a table as extreme)
      const double lp = std::log(pi), lq = std::log1p(-pi);
      double total = 0.0;
      for (std::int64_t x = 0; x <= na; ++x) {
        const double px =
            std::exp(f(na) - f(x) - f(na - x) + static_cast<double>(x) * lp + static_cast<double>(na - x) * lq);
        const std::int64_t c = cut[static_cast<std::size_t>(x)];
        total += px * (lower ? at_least(c, pi) : below(c, pi));
      }
      return total;
    };
    // The supremum over π: a grid, then golden-section search around its best point.
    constexpr int kGrid = 100;
    double best = 0.0;
    int at = 0;
    for (int i = 0; i < kGrid; ++i) {
      const double v = prob((i + 0.5) / kGrid);
      if (v > best) best = v, at = i;
    }
    double a = std::max(1e-9, (at - 0.5) / kGrid), b = std::min(1.0 - 1e-9, (at + 1.5) / kGrid);
    const double g = (std::sqrt(5.0) - 1.0) / 2.0;
    double c = b - g * (b - a), d = a + g * (b - a), fc = prob(c), fd = prob(d);
    for (int it = 0; it < 40; ++it) {
      if (fc > fd) {
        b = d, d = c, fd = fc, c = b - g * (b - a), fc = prob(c);
      } else {
        a = c, c = d, fc = fd, d = a + g * (b - a), fd = prob(d);
      }
    }
    return std::min(1.0, std::max({best, fc, fd}));
  };
  return std::min(1.0, 2.0 * std::min(one_sided(true), one_sided(false)));
}

}  // namespace perche::detail
