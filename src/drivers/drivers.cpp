// SPDX-License-Identifier: Apache-2.0
// Driver analysis (include/perche/drivers.hpp).
//
// Every supported score is linear in the histogram of its levels: NPS gives each level +100, 0 or
// −100, a top-box share 100 or 0, a net score ±100 or 0, a mean the (reversed) level itself. The
// per-level values are read off the metric functions themselves (one response at that level), so
// they can never disagree with perche::nps() / perche::rating(). With them, impact and its
// bootstrap only need a 2 × levels histogram per driver, whatever the number of responses.
#include "perche/drivers.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <numeric>
#include <random>
#include <span>
#include <string_view>
#include <unordered_map>

#include "../common/parallel.hpp"
#include "perche/detail/stats.hpp"

namespace perche {
namespace {

constexpr std::string_view kWhere = "analyze_drivers";
/// Scoring steps of each subset refit in the importance bootstrap (k_step_loglik).
constexpr int kImportanceSteps = 2;

/// How one metric reads a level: the value it contributes and its outcome flags.
struct Scale {
  int lo = 0, hi = 10;
  std::vector<double> value;  // per level
  std::vector<std::uint8_t> negative, positive;
  std::string negative_name, positive_name;
};

RatingOptions rating_options(const DriverAnalysisOptions& o) {
  if (o.rating) return *o.rating;
  return o.metric == Metric::csat ? RatingOptions(CsatOptions{}) : RatingOptions(CesOptions{});
}

Scale make_scale(const DriverAnalysisOptions& o) {
  if (o.metric != Metric::nps && o.metric != Metric::csat && o.metric != Metric::ces)
    throw std::invalid_argument("DriverAnalysisOptions: metric " + std::to_string(static_cast<int>(o.metric)) +
                                " is not one of nps, csat, ces");
  Scale s;
  if (o.metric == Metric::nps) {
    NpsCounts probe_check(o.nps.breaks);  // validates the breaks
    (void)probe_check;
    s.lo = 0;
    s.hi = 10;
    s.negative_name = "detractor";
    s.positive_name = "promoter";
    NpsOptions wald = o.nps;
    wald.method = CiMethod::wald;
    for (int l = s.lo; l <= s.hi; ++l) {
      NpsCounts c(o.nps.breaks);
      c.add(l);
      s.value.push_back(nps(c, wald)->score);
      s.negative.push_back(l <= o.nps.breaks.detractor_max);
      s.positive.push_back(l >= o.nps.breaks.promoter_min);
    }
  } else {
    RatingOptions r = rating_options(o);
    r.method.reset();
    r.bootstrap_samples = 2;
    s.lo = r.scale_min;
    s.hi = r.scale_max;
    s.negative_name = "bottom_box";
    s.positive_name = "top_box";
    for (int l = s.lo; l <= s.hi; ++l) {
      RatingCounts c(r.scale_min, r.scale_max);
      c.add(l);
      const auto res = rating(c, r);
      s.value.push_back(res->score);
      s.negative.push_back(res->bottom_share > 0.5);
      s.positive.push_back(res->top_share > 0.5);
    }
  }
  return s;
}

/// Weighted histogram of levels: counts, Σw, Σw² and Σw⁴ (the metric's degrees of freedom).
struct Hist {
  std::vector<std::uint64_t> n;
  std::vector<double> w, w2, w4;
  explicit Hist(std::size_t levels = 0) : n(levels, 0), w(levels, 0.0), w2(levels, 0.0), w4(levels, 0.0) {}
  void add(int level, double weight) {
    const auto l = static_cast<std::size_t>(level);
    ++n[l];
    w[l] += weight;
    w2[l] += weight * weight;
    w4[l] += weight * weight * weight * weight;
  }
  double total() const { return std::accumulate(w.begin(), w.end(), 0.0); }
  std::uint64_t count() const { return std::accumulate(n.begin(), n.end(), std::uint64_t{0}); }
  double dot(const std::vector<double>& v) const {
    double s = 0.0;
    for (std::size_t l = 0; l < w.size(); ++l) s += w[l] * v[l];
    return s;
  }
};

/// The draw size of a driver's impact bootstrap, ȳ_all − ȳ_rest over the cells (mentions or not) ×
/// level: the design effective n of that statistic, detail::design_n of its linearized values per
/// cell, b = (y − ȳ_all) − [not mentioned]·(y − ȳ_rest)·W/W_rest (the influence of one response on
/// the difference of two ratio estimators, Wolter 2007, §6.5, times W). A multinomial bootstrap of
/// that many draws has the Taylor linearization variance of the weighted impact; Kish's
/// (Σw)²/Σw² ignored where the heavy weights fall and gave intervals that undercovered when they
/// fell on a polarised stratum (benchmarks/calibration.py, weighted driver impact). Equal weights:
/// n, the ordinary bootstrap. `rest_mean` = ȳ_rest, `mean` = ȳ_all; `kish` when no variance.
double impact_design_n(const Hist& all, const Hist& mentioned, const std::vector<double>& y, double rest_mean,
                       double mean, double kish) {
  const std::size_t L = y.size();
  std::vector<std::uint64_t> n(2 * L);
  std::vector<double> w(2 * L), w2(2 * L), b(2 * L);
  const double W = all.total(), rest = W - mentioned.total();
  for (std::size_t l = 0; l < L; ++l) {
    n[l] = mentioned.n[l];
    w[l] = mentioned.w[l];
    w2[l] = mentioned.w2[l];
    b[l] = y[l] - mean;
    n[L + l] = all.n[l] - mentioned.n[l];
    w[L + l] = all.w[l] - mentioned.w[l];
    w2[L + l] = std::max(0.0, all.w2[l] - mentioned.w2[l]);
    b[L + l] = (y[l] - mean) - (y[l] - rest_mean) * W / rest;
  }
  const double d = detail::design_n(n, w, w2, b);
  return d > 0.0 && std::isfinite(d) ? d : kish;
}

/// The metric's own estimate and interval for the responses of a histogram.
std::optional<std::array<double, 3>> score_of(const Hist& h, const Scale& s, const DriverAnalysisOptions& o) {
  if (h.count() == 0) return std::nullopt;
  if (o.metric == Metric::nps) {
    std::array<std::uint64_t, 3> n{};
    std::array<double, 3> w{}, w2{}, w4{};
    for (int l = s.lo; l <= s.hi; ++l) {
      const auto i = static_cast<std::size_t>(l - s.lo);
      const int cat = s.negative[i] ? 0 : s.positive[i] ? 2 : 1;
      n[cat] += h.n[i];
      w[cat] += h.w[i];
      w2[cat] += h.w2[i];
      w4[cat] += h.w4[i];
    }
    NpsOptions no = o.nps;
    no.confidence = o.confidence;
    const auto r = nps(NpsCounts(o.nps.breaks, n, w, w2, w4), no);
    if (!r) return std::nullopt;
    return std::array<double, 3>{r->score, r->ci_low, r->ci_high};
  }
  RatingOptions ro = rating_options(o);
  ro.confidence = o.confidence;
  const auto r = rating(RatingCounts(s.lo, s.hi, h.n, h.w, h.w2, h.w4), ro);
  if (!r) return std::nullopt;
  return std::array<double, 3>{r->score, r->ci_low, r->ci_high};
}

/// A weighted binary logistic regression on distinct covariate patterns, by Newton–Raphson with
/// step halving (Agresti 2013, §5.4.1; the likelihood is concave, so the steps converge from the
/// null model unless the data are separated, which the caller screens for).
/// With firth, Firth's (1993, Biometrika 80:27) bias-reduced estimate: the root of the modified
/// score U*(β) = Σ_g (e_g − t_g·μ_g + h_g·(1/2 − μ_g))·x_g, h_g the diagonal of the hat matrix
/// W^{1/2}X(XᵀWX)⁻¹XᵀW^{1/2} (a pattern of total t_g carries the hats of its t_g responses), i.e.
/// the maximum of the penalized log-likelihood ℓ(β) + ½·log|I(β)|. It is finite under separation
/// (Heinze & Schemper 2002, Stat Med 21:2409), so no driver has to be dropped. Fisher scoring on
/// U* with step halving on the penalized likelihood; SEs from I(β)⁻¹ at the estimate.
/// I(β) is not the penalized likelihood's curvature: where a pattern's hat is near 1 (a driver
/// mentioned once) the full scoring step overshoots by about twice and the iterates cycle around
/// the root. Each Firth step is therefore scaled by 1/a when a secant estimate of the overshoot,
/// a = (s_{k−1} − s_k)·u_{k−1} / ‖u_{k−1}‖² (s the scoring steps, u the update applied last), exceeds
/// 1 — a Barzilai–Borwein step length (Barzilai & Borwein 1988, IMA J Numer Anal 8:141) in I's
/// metric — and the halving still guards the objective.
/// Every buffer is sized once per fit: the Shapley decomposition and its bootstrap fit thousands
/// of these models.
struct Logit {
  Eigen::VectorXd beta, se;
  bool converged = false;
  int iterations = 0;
  double ll = 0.0, ll0 = 0.0;
};

double log_sigmoid(double t) { return t >= 0 ? -std::log1p(std::exp(-t)) : t - std::log1p(std::exp(t)); }

Logit fit_logit(const Eigen::MatrixXd& X, const Eigen::VectorXd& events, const Eigen::VectorXd& total, bool firth) {
  const Eigen::Index p = X.cols(), G = X.rows();
  Logit f;
  const double e = events.sum(), t = total.sum();
  const double pbar = e / t;
  f.ll0 = e * std::log(pbar) + (t - e) * std::log1p(-pbar);
  f.beta = Eigen::VectorXd::Zero(p);
  f.beta(0) = std::log(pbar / (1.0 - pbar));
  Eigen::VectorXd eta(G), mu(G), w(G), u(G), grad(p), step(p), trial(p), last_step(p), last_update(p);
  Eigen::MatrixXd I(p, p), V(p, G);
  Eigen::LLT<Eigen::MatrixXd> llt(p), llt_trial(p);
  // μ and the weights t_g·μ_g(1 − μ_g) at b, then ℓ(b).
  auto at = [&](const Eigen::VectorXd& b) {
    eta.noalias() = X * b;
    double ll = 0.0;
    for (Eigen::Index g = 0; g < G; ++g) {
      mu(g) = 1.0 / (1.0 + std::exp(-eta(g)));
      w(g) = total(g) * mu(g) * (1.0 - mu(g));
      ll += events(g) * log_sigmoid(eta(g)) + (total(g) - events(g)) * log_sigmoid(-eta(g));
    }
    return ll;
  };
  // The objective: ℓ, or Firth's penalized ℓ + ½·log|I| (−inf when I is singular).
  auto objective = [&](const Eigen::VectorXd& b) {
    const double ll = at(b);
    if (!firth) return ll;
    I.noalias() = X.transpose() * w.asDiagonal() * X;
    llt_trial.compute(I);
    if (llt_trial.info() != Eigen::Success) return -detail::kInf;
    return ll + llt_trial.matrixLLT().diagonal().array().log().sum();  // ½·log|I| = Σ log diag(L)
  };
  double obj = objective(f.beta);
  bool secant = false;  // last_step and last_update hold the previous iteration's
  for (f.iterations = 1; f.iterations <= 100; ++f.iterations) {
    at(f.beta);
    I.noalias() = X.transpose() * w.asDiagonal() * X;
    u = events - total.cwiseProduct(mu);
    if (firth) {
      llt.compute(I);
      if (llt.info() != Eigen::Success) break;
      V = X.transpose();
      llt.matrixL().solveInPlace(V);  // h_g = w_g·x_gᵀI⁻¹x_g = w_g·‖L⁻¹x_g‖²
      u.array() += w.array() * V.colwise().squaredNorm().transpose().array() * (0.5 - mu.array());
      grad.noalias() = X.transpose() * u;
      step = llt.solve(grad);
    } else {
      grad.noalias() = X.transpose() * u;
      step = I.ldlt().solve(grad);
    }
    if (!step.allFinite()) break;
    double scale = 1.0;
    if (firth && secant) {
      const double a = (last_step - step).dot(last_update) / last_update.squaredNorm();
      if (a > 1.0) scale = 1.0 / a;
    }
    trial = f.beta + scale * step;
    double obj_new = objective(trial);
    while (!(obj_new >= obj - 1e-12 * std::abs(obj)) && scale > 1e-6) {
      scale *= 0.5;
      trial = f.beta + scale * step;
      obj_new = objective(trial);
    }
    last_step = step;
    last_update = scale * step;
    secant = last_update.squaredNorm() > 0.0;
    f.beta = trial;
    const double change = std::abs(obj_new - obj);
    obj = obj_new;
    // Firth's scoring steps converge linearly: stop on the step alone, not on a flat objective.
    if (last_update.cwiseAbs().maxCoeff() < (firth ? 1e-10 : 1e-9) ||
        (!firth && change < 1e-13 * (1.0 + std::abs(obj)))) {
      f.converged = true;
      break;
    }
  }
  f.ll = at(f.beta);
  // Standard errors from the inverse information at the estimate.
  I.noalias() = X.transpose() * w.asDiagonal() * X;
  const Eigen::MatrixXd cov = I.ldlt().solve(Eigen::MatrixXd::Identity(p, p));
  f.se = cov.diagonal().cwiseMax(0.0).cwiseSqrt();
  if (!firth && f.converged && f.beta.cwiseAbs().maxCoeff() > 30.0) f.converged = false;  // drifting to infinity
  return f;
}

OddsRatio odds_ratio(double b, double se, double z) {
  return OddsRatio{std::exp(b),
                   std::exp(b - z * se),
                   std::exp(b + z * se),
                   b,
                   se,
                   se > 0.0 ? detail::normal_two_sided_p(b / se) : 1.0};
}

// One note, in words and as fields, in the same place of both lists.
void note(DriverAnalysis& out, DriverNote n) {
  out.notes.push_back(n.message);
  out.note_fields.push_back(std::move(n));
}

// `of`: the argument that gives one value a response (scores, segments or periods), n of them.
void check_mentions(std::string_view where, const LabelMatrix& m, const char* of, std::size_t n,
                    std::span<const std::uint8_t> has_text) {
  detail::check_lengths(where, of, n, "mentions rows", m.rows());
  if (!has_text.empty()) detail::check_lengths(where, "mentions rows", m.rows(), "has_text", has_text.size());
  const std::size_t cols = m.cols();
  const std::uint8_t* p = m.data();
  for (std::size_t i = 0; i < m.size(); ++i)
    if (p[i] > 1)
      detail::fail(where, "mention " + std::to_string(p[i]) + " at row " + std::to_string(i / cols) + ", driver " +
                              std::to_string(i % cols) + " is not 0 or 1");
  for (std::size_t i = 0; i < has_text.size(); ++i)
    if (has_text[i] > 1)
      detail::fail(where,
                   "has_text " + std::to_string(has_text[i]) + " at index " + std::to_string(i) + " is not 0 or 1");
  for (std::size_t i = 0; i < has_text.size(); ++i)
    if (!has_text[i])
      for (std::size_t j = 0; j < cols; ++j)
        if (m(i, j))
          detail::fail(where, "row " + std::to_string(i) + " mentions driver " + std::to_string(j) +
                                  " but has_text says it has no comment");
}

bool text_at(std::span<const std::uint8_t> has_text, std::size_t i) { return has_text.empty() || has_text[i]; }

/// Shapley decomposition of McFadden's pseudo-R² over the u drivers of a model (Shapley 1953): the
/// share of driver j is the average, over the orders in which the drivers can enter the model, of
/// the R² it adds on entering, Σ_{S ∌ j} |S|!(u − |S| − 1)!/u! · (R²(S ∪ j) − R²(S)). This is
/// dominance analysis' general dominance (Budescu 1993, Psychol Bull 114:542; Azen & Traxel 2009,
/// J Educ Behav Stat 34:319 for logistic regression), the exact form of the relative-weights
/// approximation (Johnson 2000). R²(S) = 1 − ℓ_S/ℓ₀ with the model's own estimator (Firth's or ML),
/// R²(∅) = 0 by McFadden's definition, so the shares sum to the full model's R² exactly. 2^u fits
/// of the pattern table: u <= kMaxImportanceDrivers. shapley_of: the values of the game whose worth
/// is r2[mask] over u players (r2[0] = 0); shapley_r2 fits the subsets.
std::vector<double> shapley_of(const std::vector<double>& r2, std::size_t u) {
  const std::size_t subsets = std::size_t{1} << u;
  // weight[s] = s!(u − s − 1)!/u! = 1/(u·C(u − 1, s)) for a subset of size s without j; the
  // binomial coefficient exactly, by products (u <= kMaxImportanceDrivers), and no std::lgamma,
  // whose write of the global signgam races between the bootstrap's threads.
  std::vector<double> weight(u, 0.0);
  for (std::size_t s = 0; s < u; ++s) {
    double c = 1.0;  // C(u − 1, s)
    for (std::size_t i = 1; i <= s; ++i) c = c * static_cast<double>(u - 1 - s + i) / static_cast<double>(i);
    weight[s] = 1.0 / (static_cast<double>(u) * c);
  }
  std::vector<double> phi(u, 0.0);
  for (std::size_t mask = 0; mask < subsets; ++mask) {
    const auto size = static_cast<std::size_t>(std::popcount(mask));
    for (std::size_t j = 0; j < u; ++j)
      if (!(mask >> j & 1u)) phi[j] += weight[size] * (r2[mask | (std::size_t{1} << j)] - r2[mask]);
  }
  return phi;
}

/// `betas[mask]` receives each subset model's estimate (the importance bootstrap starts from them),
/// but the full model's, which is the caller's.
std::vector<double> shapley_r2(const Eigen::MatrixXd& X, const Eigen::VectorXd& e, const Eigen::VectorXd& t, bool firth,
                               double ll0, double full_r2, std::vector<Eigen::VectorXd>& betas) {
  const auto u = static_cast<std::size_t>(X.cols() - 1);
  const std::size_t subsets = std::size_t{1} << u;
  std::vector<double> r2(subsets, 0.0);
  betas.assign(subsets, Eigen::VectorXd());
  for (std::size_t mask = 1; mask < subsets; ++mask) {
    if (mask == subsets - 1) {
      r2[mask] = full_r2;  // the model already fitted: the same numbers, bit for bit
      continue;
    }
    std::vector<Eigen::Index> cols{0};
    for (std::size_t j = 0; j < u; ++j)
      if (mask >> j & 1u) cols.push_back(static_cast<Eigen::Index>(j + 1));
    Eigen::MatrixXd Xs(X.rows(), static_cast<Eigen::Index>(cols.size()));
    for (std::size_t c = 0; c < cols.size(); ++c) Xs.col(static_cast<Eigen::Index>(c)) = X.col(cols[c]);
    Logit fit = fit_logit(Xs, e, t, firth);
    r2[mask] = 1.0 - fit.ll / ll0;
    betas[mask] = std::move(fit.beta);
  }
  return shapley_of(r2, u);
}

/// The log-likelihood after `steps` scoring steps from `beta`, no step halving (the importance
/// bootstrap's k-step estimate, Andrews 2002, Econometrica 70:119; for GLMs Moulton & Zeger 1991,
/// Comput Stat Data Anal 11:53): the same update as fit_logit (Newton for ML, Firth's modified
/// score), started at the subset's estimate on the data, which a replicate moves by O(n^-1/2), so
/// that ML's error after two Newton steps is O(n^-2) in R², far below its bootstrap spread.
/// The model's rows are the patterns keys[q] (bit c: the subset's driver c, beside the intercept)
/// with events e[q] of totals t[q]; every matrix is at most kMaxImportanceDrivers + 1 square and
/// lives on the stack: a replicate fits thousands of these.
/// nullopt when the information is singular or the result not finite.
constexpr int kMaxCoefficients = static_cast<int>(kMaxImportanceDrivers) + 1;
using SmallMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxCoefficients, kMaxCoefficients>;
using SmallVector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kMaxCoefficients, 1>;
static_assert(kMaxImportanceDrivers <= 12, "bootstrap_shapley extracts a subset's bits by two 6-bit tables");

std::optional<double> k_step_loglik(std::span<const std::uint32_t> keys, std::span<const double> e,
                                    std::span<const double> t, std::size_t drivers, bool firth,
                                    const Eigen::VectorXd& start, int steps, std::vector<double>& mu) {
  const auto p = static_cast<Eigen::Index>(drivers + 1);
  SmallVector beta = start, grad(p);
  SmallMatrix I(p, p), inverse(p, p);
  Eigen::LLT<SmallMatrix> llt(p);
  // The covariates are 0/1: a pattern's x has the intercept and its key's bits, so xᵀb, x·xᵀ and
  // xᵀAx are sums over those indices alone.
  std::array<Eigen::Index, kMaxCoefficients> on{};
  auto indices = [&](std::uint32_t key) {
    std::size_t m = 0;
    on[m++] = 0;
    for (std::uint32_t b = key; b; b &= b - 1) on[m++] = std::countr_zero(b) + 1;
    return m;
  };
  mu.resize(keys.size());
  for (int step = 0; step < steps; ++step) {
    I.setZero();
    grad.setZero();
    for (std::size_t q = 0; q < keys.size(); ++q) {
      const std::size_t m = indices(keys[q]);
      double eta = 0.0;
      for (std::size_t a = 0; a < m; ++a) eta += beta(on[a]);
      const double mq = 1.0 / (1.0 + std::exp(-eta)), w = t[q] * mq * (1.0 - mq), u = e[q] - t[q] * mq;
      mu[q] = mq;
      for (std::size_t a = 0; a < m; ++a) {
        grad(on[a]) += u;
        for (std::size_t c = 0; c <= a; ++c) I(on[a], on[c]) += w;  // lower triangle: on[] ascends
      }
    }
    llt.compute(I);  // reads the lower triangle
    if (llt.info() != Eigen::Success) return std::nullopt;
    if (firth) {  // h_q = w_q·x_qᵀI⁻¹x_q
      // I⁻¹ = L⁻ᵀL⁻¹ by plain loops: at this size Eigen's blocked triangular solve is mostly overhead.
      const auto& L = llt.matrixLLT();
      SmallMatrix& Linv = I;  // I is no longer needed this step
      Linv.setZero();
      for (Eigen::Index j = 0; j < p; ++j) {
        Linv(j, j) = 1.0 / L(j, j);
        for (Eigen::Index i = j + 1; i < p; ++i) {
          double sum = 0.0;
          for (Eigen::Index k = j; k < i; ++k) sum += L(i, k) * Linv(k, j);
          Linv(i, j) = -sum / L(i, i);
        }
      }
      for (Eigen::Index i = 0; i < p; ++i)
        for (Eigen::Index j = 0; j <= i; ++j) {
          double sum = 0.0;
          for (Eigen::Index k = i; k < p; ++k) sum += Linv(k, i) * Linv(k, j);
          inverse(i, j) = inverse(j, i) = sum;
        }
      for (std::size_t q = 0; q < keys.size(); ++q) {
        const std::size_t m = indices(keys[q]);
        double quad = 0.0;
        for (std::size_t a = 0; a < m; ++a) {
          quad += inverse(on[a], on[a]);
          for (std::size_t c = 0; c < a; ++c) quad += 2.0 * inverse(on[a], on[c]);
        }
        const double h = t[q] * mu[q] * (1.0 - mu[q]) * quad, u = h * (0.5 - mu[q]);
        for (std::size_t a = 0; a < m; ++a) grad(on[a]) += u;
      }
    }
    beta += llt.solve(grad);
    if (!beta.allFinite()) return std::nullopt;
  }
  double ll = 0.0;
  for (std::size_t q = 0; q < keys.size(); ++q) {
    double eta = beta(0);
    for (std::uint32_t b = keys[q]; b; b &= b - 1) eta += beta(std::countr_zero(b) + 1);
    const double ls = log_sigmoid(eta);  // log σ(−η) = log σ(η) − η
    ll += e[q] * ls + (t[q] - e[q]) * (ls - eta);
  }
  if (!std::isfinite(ll)) return std::nullopt;
  return ll;
}

/// What the importance bootstrap resamples: the responses with a comment, by their pattern (row of
/// X) and outcome, with their weights when weighted.
struct Resample {
  std::uint64_t n = 0;                     // responses with a comment
  std::vector<std::uint32_t> row_pattern;  // weighted only: each response's pattern
  std::vector<std::uint8_t> row_outcome;   // weighted only
  std::vector<double> row_weight;          // weighted only; empty: unweighted
};

/// Percentile bootstrap of the Shapley shares (Efron & Tibshirani 1993, ch. 13). A replicate draws
/// the n responses with replacement: unweighted, a multinomial over the (pattern, outcome) cells with
/// probabilities count/n, which is exactly what resampling responses does to the pattern table;
/// weighted, n responses drawn uniformly, each adding its weight (O(n)). It then refits the 2^u
/// subset models of the same estimator on the replicate's table, collapsed to the distinct patterns
/// of the subset's drivers (the likelihood only depends on those), by kImportanceSteps scoring
/// steps from the subset's estimate on the data (k_step_loglik).
/// A driver without mentions in a replicate (or mentioned by every response) is a null player:
/// R²(S ∪ j) = R²(S), share 0. Replicates where every or no response has the outcome, or a subset
/// fit fails (a singular information: two drivers that a replicate always draws together; maximum
/// likelihood under a driver's separation), are left out and counted. Replicate r is seeded from
/// (seed, r) alone: the result does not depend on the number of threads.
/// @return per driver the replicates' shares (defined replicates only, u × defined), and the count
///         of undefined replicates.
std::pair<std::vector<std::vector<double>>, std::size_t> bootstrap_shapley(
    const Eigen::MatrixXd& X, const Eigen::VectorXd& e, const Eigen::VectorXd& t, bool firth,
    const std::vector<Eigen::VectorXd>& betas, const Resample& rs, int samples, std::uint64_t seed, unsigned threads) {
  const auto u = static_cast<std::size_t>(X.cols() - 1);
  const auto G = static_cast<std::size_t>(X.rows());
  const std::size_t subsets = std::size_t{1} << u, B = static_cast<std::size_t>(samples);
  std::vector<std::uint32_t> bits(G, 0);  // pattern g's drivers as a bit mask
  for (std::size_t g = 0; g < G; ++g)
    for (std::size_t j = 0; j < u; ++j)
      if (X(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(j + 1)) != 0.0) bits[g] |= 1u << j;
  // Unweighted cells: (g, 1) with e_g responses, (g, 0) with t_g − e_g.
  std::vector<double> cell_share(2 * G);
  if (rs.row_weight.empty())
    for (std::size_t g = 0; g < G; ++g) {
      cell_share[2 * g] =
          (t(static_cast<Eigen::Index>(g)) - e(static_cast<Eigen::Index>(g))) / static_cast<double>(rs.n);
      cell_share[2 * g + 1] = e(static_cast<Eigen::Index>(g)) / static_cast<double>(rs.n);
    }
  // The unweighted replicates' multinomial draws, on this thread: std::binomial_distribution
  // computes std::lgamma, whose write of the global signgam races between threads (ThreadSanitizer).
  // Replicate r's draws come from its own generator, so the result is the same on any thread.
  std::vector<std::uint64_t> drawn;
  if (rs.row_weight.empty()) {
    drawn.assign(B * 2 * G, 0);
    for (std::size_t r = 0; r < B; ++r) {
      std::mt19937_64 rng(seed + 0x9E3779B97F4A7C15ull * (r + 1));
      std::uint64_t* counts = drawn.data() + r * 2 * G;
      detail::multinomial_draw(cell_share, rs.n, rng, counts);
    }
  }
  std::vector<double> phis(B * u, 0.0);
  std::vector<std::uint8_t> defined(B, 0);
  detail::parallel_for(
      B, threads, "analyze_drivers", "importance replicate",
      [&](std::size_t r) {
        std::vector<double> er(G, 0.0), tr(G, 0.0);
        if (rs.row_weight.empty()) {
          for (std::size_t c = 0; c < 2 * G; ++c) {
            const auto k = static_cast<double>(drawn[r * 2 * G + c]);
            tr[c / 2] += k;
            if (c % 2) er[c / 2] += k;
          }
        } else {
          std::mt19937_64 rng(seed + 0x9E3779B97F4A7C15ull * (r + 1));
          std::uniform_int_distribution<std::uint64_t> pick(0, rs.n - 1);
          for (std::uint64_t i = 0; i < rs.n; ++i) {
            const auto d = static_cast<std::size_t>(pick(rng));
            const double w = rs.row_weight[d];
            tr[rs.row_pattern[d]] += w;
            if (rs.row_outcome[d]) er[rs.row_pattern[d]] += w;
          }
        }
        const double E = std::accumulate(er.begin(), er.end(), 0.0), T = std::accumulate(tr.begin(), tr.end(), 0.0);
        if (!(E > 0.0 && E < T)) return;
        const double ll0 = E * std::log(E / T) + (T - E) * std::log1p(-E / T);
        std::uint32_t dead = 0;
        for (std::size_t j = 0; j < u; ++j) {
          double m = 0.0, me = 0.0;
          for (std::size_t g = 0; g < G; ++g)
            if (bits[g] >> j & 1u) {
              m += tr[g];
              me += er[g];
            }
          if (!(m > 0.0 && m < T * (1.0 - 1e-12))) dead |= 1u << j;
          // Maximum likelihood has no finite estimate under separation: leave the replicate out.
          else if (!firth && !(me > 0.0 && me < m))
            return;
        }
        std::vector<double> r2(subsets, 0.0);
        std::vector<std::int32_t> slot(std::size_t{1} << u);
        std::vector<std::uint32_t> keys;
        std::vector<double> ev, tv, mu;
        std::array<std::uint32_t, 64> extract_low{}, extract_high{};
        auto extract = [](std::uint32_t v, std::uint32_t m) {  // the bits of v under m, packed
          std::uint32_t out = 0;
          for (int at = 0; m; m &= m - 1, ++at) out |= (v >> std::countr_zero(m) & 1u) << at;
          return out;
        };
        keys.reserve(G);
        ev.reserve(G);
        tv.reserve(G);
        for (std::size_t mask = 1; mask < subsets; ++mask) {
          if (mask & dead) {
            r2[mask] = r2[mask & ~static_cast<std::size_t>(dead)];  // a smaller mask: already done
            continue;
          }
          const auto s = static_cast<std::size_t>(std::popcount(mask));
          // The patterns of the subset's drivers: key = the bits of mask in a pattern, packed in
          // order (a bit-extract, by two 64-entry tables of 6 bits each).
          const auto low_mask = static_cast<std::uint32_t>(mask & 63u),
                     high_mask = static_cast<std::uint32_t>(mask >> 6);
          const int low_bits = std::popcount(low_mask);
          for (std::uint32_t v = 0; v < 64; ++v) {
            extract_low[v] = extract(v, low_mask);
            extract_high[v] = extract(v, high_mask) << low_bits;
          }
          std::fill_n(slot.begin(), std::size_t{1} << s, -1);
          keys.clear();
          ev.clear();
          tv.clear();
          for (std::size_t g = 0; g < G; ++g) {
            if (tr[g] == 0.0) continue;
            const std::uint32_t key = extract_low[bits[g] & 63u] | extract_high[bits[g] >> 6 & 63u];
            if (slot[key] < 0) {
              slot[key] = static_cast<std::int32_t>(keys.size());
              keys.push_back(key);
              ev.push_back(0.0);
              tv.push_back(0.0);
            }
            ev[static_cast<std::size_t>(slot[key])] += er[g];
            tv[static_cast<std::size_t>(slot[key])] += tr[g];
          }
          const auto ll = k_step_loglik(keys, ev, tv, s, firth, betas[mask], kImportanceSteps, mu);
          if (!ll) return;
          r2[mask] = 1.0 - *ll / ll0;
        }
        const auto phi = shapley_of(r2, u);
        std::copy(phi.begin(), phi.end(), phis.begin() + static_cast<std::ptrdiff_t>(r * u));
        defined[r] = 1;
      },
      1);
  std::vector<std::vector<double>> reps(u);
  std::size_t undefined = 0;
  for (std::size_t r = 0; r < B; ++r) {
    if (!defined[r]) {
      ++undefined;
      continue;
    }
    for (std::size_t j = 0; j < u; ++j) reps[j].push_back(phis[r * u + j]);
  }
  return {std::move(reps), undefined};
}

/// Fits one key-driver regression and stores the odds ratios in the drivers.
KeyDriverModel key_driver(const std::vector<int>& levels, const LabelMatrix& m, std::span<const std::uint8_t> has_text,
                          std::span<const double> weights, const std::vector<std::uint8_t>& outcome_of,
                          const std::string& outcome, double z, DriverAnalysis& out, bool negative,
                          const DriverAnalysisOptions& o) {
  const bool firth = o.firth;
  KeyDriverModel model;
  model.outcome = outcome;
  const std::size_t n = levels.size(), k = m.cols();
  std::vector<double> w_events(k, 0.0), w_mentions(k, 0.0);
  double events = 0.0, total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!text_at(has_text, i)) continue;
    const double w = weights.empty() ? 1.0 : weights[i];
    const bool y = outcome_of[static_cast<std::size_t>(levels[i])];
    ++model.n;
    model.events += y;
    total += w;
    events += y * w;
    for (std::size_t j = 0; j < k; ++j)
      if (m(i, j)) {
        w_mentions[j] += w;
        w_events[j] += y * w;
      }
  }
  if (!(events > 0.0 && events < total)) {
    note(out, {events > 0.0 ? "not_fitted_every" : "not_fitted_none",
               "",
               outcome,
               {},
               "the " + outcome + " model was not fitted: " + (events > 0.0 ? "every" : "no") +
                   " response with a comment is a " + outcome});
    return model;
  }
  // Estimable drivers: mentioned, not by everyone, and (maximum likelihood only) with both outcomes
  // among the mentioners; Firth's estimate stays finite under separation, so it keeps those.
  std::vector<std::size_t> used;
  for (std::size_t j = 0; j < k; ++j) {
    const bool separated = !(w_events[j] > 0.0 && w_events[j] < w_mentions[j]);
    const bool ok = w_mentions[j] > 0.0 && w_mentions[j] < total && (firth || !separated);
    if (ok) {
      used.push_back(j);
    } else if (w_mentions[j] > 0.0) {
      const bool everyone = w_mentions[j] >= total, none = w_events[j] == 0.0;
      note(out, {everyone ? "left_out_every_response"
                 : none   ? "left_out_no_outcome"
                          : "left_out_every_outcome",
                 out.drivers[j].driver,
                 outcome,
                 {},
                 "driver " + out.drivers[j].driver + " left out of the " + outcome + " model: " +
                     (everyone ? "every response mentions it"
                      : none   ? "no mentioner is a " + outcome
                               : "every mentioner is a " + outcome) +
                     "; the other drivers' odds ratios are therefore not adjusted for it"});
    }
  }
  // Distinct covariate patterns with their weighted events and totals. Up to 64 drivers a
  // pattern is looked up by its bits (a string key per response was most of this loop's time on
  // a million responses), beyond by its bytes.
  std::unordered_map<std::uint64_t, std::size_t> index_bits;
  std::unordered_map<std::string, std::size_t> index;
  const bool bits = used.size() <= 64;
  std::vector<std::string> patterns;
  std::vector<double> ev, tot;
  std::string key(used.size(), '\0');
  Resample rs;
  rs.n = model.n;
  for (std::size_t i = 0; i < n; ++i) {
    if (!text_at(has_text, i)) continue;
    std::uint64_t code = 0;
    if (bits)
      for (std::size_t u = 0; u < used.size(); ++u) code |= static_cast<std::uint64_t>(m(i, used[u]) != 0) << u;
    else
      for (std::size_t u = 0; u < used.size(); ++u) key[u] = static_cast<char>(m(i, used[u]));
    std::size_t g = patterns.size();
    bool fresh;
    if (bits) {
      const auto r = index_bits.try_emplace(code, g);
      g = r.first->second;
      fresh = r.second;
    } else {
      const auto r = index.try_emplace(key, g);
      g = r.first->second;
      fresh = r.second;
    }
    if (fresh) {
      if (bits)
        for (std::size_t u = 0; u < used.size(); ++u) key[u] = static_cast<char>(m(i, used[u]));
      patterns.push_back(key);
      ev.push_back(0.0);
      tot.push_back(0.0);
    }
    const double w = weights.empty() ? 1.0 : weights[i];
    const std::uint8_t y = outcome_of[static_cast<std::size_t>(levels[i])];
    tot[g] += w;
    ev[g] += y * w;
    if (!weights.empty()) {
      rs.row_pattern.push_back(static_cast<std::uint32_t>(g));
      rs.row_outcome.push_back(y);
      rs.row_weight.push_back(w);
    }
  }
  const auto G = static_cast<Eigen::Index>(patterns.size()), P = static_cast<Eigen::Index>(used.size() + 1);
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(G, P);
  Eigen::VectorXd e(G), t(G);
  for (Eigen::Index g = 0; g < G; ++g) {
    X(g, 0) = 1.0;
    for (std::size_t u = 0; u < used.size(); ++u)
      X(g, static_cast<Eigen::Index>(u + 1)) = patterns[static_cast<std::size_t>(g)][u];
    e(g) = ev[static_cast<std::size_t>(g)];
    t(g) = tot[static_cast<std::size_t>(g)];
  }
  const Logit f = fit_logit(X, e, t, firth);
  model.converged = f.converged;
  model.iterations = f.iterations;
  model.log_likelihood = f.ll;
  model.null_log_likelihood = f.ll0;
  model.pseudo_r2 = f.ll0 < 0.0 ? 1.0 - f.ll / f.ll0 : 0.0;
  model.intercept = odds_ratio(f.beta(0), f.se(0), z);
  if (!f.converged)
    note(out, {"not_converged",
               "",
               outcome,
               {},
               "the " + outcome + " model did not converge (quasi-separated data); its odds ratios are omitted"});
  else
    for (std::size_t u = 0; u < used.size(); ++u) {
      const auto c = static_cast<Eigen::Index>(u + 1);
      (negative ? out.drivers[used[u]].negative : out.drivers[used[u]].positive) = odds_ratio(f.beta(c), f.se(c), z);
    }
  if (f.converged && !used.empty()) {
    if (used.size() <= kMaxImportanceDrivers) {
      std::vector<Eigen::VectorXd> betas;
      const auto phi = shapley_r2(X, e, t, firth, f.ll0, model.pseudo_r2, betas);
      for (std::size_t u = 0; u < used.size(); ++u)
        (negative ? out.drivers[used[u]].importance_negative : out.drivers[used[u]].importance_positive) = phi[u];
      // The budget: replicates × 2^u subset fits at most kImportanceBootstrapFits.
      const std::uint64_t fits = std::uint64_t{1} << used.size();
      const auto samples =
          static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(o.importance_bootstrap_samples),
                                                   std::max<std::uint64_t>(2, kImportanceBootstrapFits / fits)));
      if (samples < o.importance_bootstrap_samples)
        note(out, {"importance_bootstrap_reduced",
                   "",
                   outcome,
                   {{"replicates", static_cast<std::uint64_t>(samples)},
                    {"requested", static_cast<std::uint64_t>(o.importance_bootstrap_samples)}},
                   "the " + outcome + " model's importance intervals use " + std::to_string(samples) +
                       " bootstrap replicates instead of " + std::to_string(o.importance_bootstrap_samples) + " (" +
                       std::to_string(used.size()) + " drivers: " + std::to_string(fits) + " fits a replicate)"});
      if (samples > 0) {
        betas.back() = f.beta;
        auto [reps, undefined] =
            bootstrap_shapley(X, e, t, firth, betas, rs, samples,
                              o.seed ^ (negative ? 0x5851F42D4C957F2Dull : 0x14057B7EF767814Full), o.threads);
        for (std::size_t u = 0; u < used.size() && reps[u].size() >= 2; ++u) {
          double lo = 0.0, hi = 0.0, sd = 0.0;
          detail::percentile_interval(std::move(reps[u]), o.confidence, lo, hi, sd);
          DriverImpact& d = out.drivers[used[u]];
          (negative ? d.importance_negative_ci_low : d.importance_positive_ci_low) = lo;
          (negative ? d.importance_negative_ci_high : d.importance_positive_ci_high) = hi;
        }
        if (undefined > 0)
          note(out, {"importance_bootstrap_undefined",
                     "",
                     outcome,
                     {{"replicates", undefined}},
                     "the " + outcome + " model's importance intervals left out " + std::to_string(undefined) + " of " +
                         std::to_string(samples) +
                         " bootstrap replicates (every or no response with the outcome, or a subset model that "
                         "could not be fitted)"});
      }
    } else {
      note(out, {"no_importance",
                 "",
                 outcome,
                 {{"drivers", used.size()}, {"max_drivers", kMaxImportanceDrivers}},
                 "the " + outcome + " model has " + std::to_string(used.size()) + " drivers, more than " +
                     std::to_string(kMaxImportanceDrivers) + ": no Shapley importance (2^k model fits)"});
    }
  }
  return model;
}

}  // namespace

DriverAnalysis analyze_drivers(std::span<const double> scores, const LabelMatrix& mentions,
                               std::span<const std::string> drivers, std::span<const std::uint8_t> has_text,
                               std::span<const double> weights, const DriverAnalysisOptions& o) {
  detail::check_confidence(kWhere, o.confidence);
  detail::check_bootstrap(kWhere, o.bootstrap_samples);
  if (o.importance_bootstrap_samples != 0 && o.importance_bootstrap_samples < 2)
    detail::fail(kWhere, "importance_bootstrap_samples " + std::to_string(o.importance_bootstrap_samples) +
                             " is not 0 (no intervals) or >= 2");
  const std::size_t n = scores.size(), k = mentions.cols();
  check_mentions(kWhere, mentions, "scores", n, has_text);
  detail::check_lengths(kWhere, "mentions columns", k, "drivers", drivers.size());
  // As DriverClassifier: two columns of one name were two rows of the result no reader can tell apart.
  for (std::size_t j = 1; j < drivers.size(); ++j)
    for (std::size_t i = 0; i < j; ++i)
      if (drivers[i] == drivers[j])
        detail::fail(kWhere, "driver '" + drivers[j] + "' is named twice (columns " + std::to_string(i) + " and " +
                                 std::to_string(j) + ")");
  detail::check_weights(kWhere, weights, n);
  if (o.share_threshold && !(*o.share_threshold >= 0.0 && *o.share_threshold <= 1.0))
    detail::fail(kWhere, "share_threshold " + detail::fmt(*o.share_threshold) + " is outside [0, 1]");
  const Scale s = make_scale(o);
  const auto L = static_cast<std::size_t>(s.hi - s.lo + 1);

  std::vector<int> levels(n);
  Hist all(L);
  std::vector<Hist> mentioned(k, Hist(L));
  std::vector<double> w_mentions(k, 0.0);
  double w_text = 0.0;
  DriverAnalysis out;
  for (std::size_t i = 0; i < n; ++i) {
    const int level = detail::checked_level(scores[i], s.lo, s.hi, kWhere, i) - s.lo;
    levels[i] = level;
    const double w = weights.empty() ? 1.0 : weights[i];
    all.add(level, w);
    if (!text_at(has_text, i)) continue;
    ++out.n_text;
    w_text += w;
    const std::uint8_t* row = mentions.data() + i * k;
    for (std::size_t j = 0; j < k; ++j)
      if (row[j]) {
        mentioned[j].add(level, w);
        w_mentions[j] += w;
      }
  }
  out.n = n;
  const double W = all.total();
  out.score = W > 0.0 ? all.dot(s.value) / W : detail::kNaN;
  double w2_all = std::accumulate(all.w2.begin(), all.w2.end(), 0.0);
  const double n_eff = w2_all > 0.0 ? W * W / w2_all : 0.0;
  const double z = detail::z_critical(o.confidence);

  out.drivers.resize(k);
  for (std::size_t j = 0; j < k; ++j) {
    DriverImpact& d = out.drivers[j];
    d.driver = drivers[j];
    const Hist& h = mentioned[j];
    d.mentions = h.count();
    d.share = w_text > 0.0 ? w_mentions[j] / w_text : 0.0;
    if (const auto r = score_of(h, s, o)) {
      d.score = (*r)[0];
      d.score_ci_low = (*r)[1];
      d.score_ci_high = (*r)[2];
    }
    const double Wm = h.total(), Wrest = W - Wm;
    if (d.mentions == 0 || !(Wm > 0.0)) {
      // Without any comment the one no_text note says it for every driver (red-team, stop 42: ten
      // notes, one a driver, buried it).
      if (out.n_text > 0)
        note(out, {"no_mentions", d.driver, "", {}, "driver " + d.driver + " has no mentions: no score or impact"});
      continue;
    }
    if (!(Wrest > 1e-12 * W)) {
      note(out, {"all_mention",
                 d.driver,
                 "",
                 {},
                 "driver " + d.driver + " is mentioned by every response: impact is undefined"});
      continue;
    }
    d.impact = out.score - (all.dot(s.value) - h.dot(s.value)) / Wrest;
    if (d.mentions < o.min_mentions) {
      // With a handful of mentioners the bootstrap interval undercovers (80% for a nominal 95% with 2
      // mentions, 88% with 4; benchmarks/calibration.py): the impact is shown without an interval.
      d.few_mentions = true;
      note(out,
           {"few_mentions",
            d.driver,
            "",
            {{"mentions", d.mentions}, {"min_mentions", o.min_mentions}},
            "driver " + d.driver + ": " + std::to_string(d.mentions) + " mentions, fewer than " +
                std::to_string(o.min_mentions) + " (poche menzioni): impact shown without an interval, not tested"});
      continue;
    }
    // Bootstrap over responses: a replicate is a multinomial draw over the 2 × L cells
    // (mentions the driver or not) × level, which is what resampling responses does to this statistic.
    std::vector<double> shares(2 * L);
    for (std::size_t l = 0; l < L; ++l) {
      shares[l] = h.w[l] / W;
      shares[L + l] = (all.w[l] - h.w[l]) / W;
    }
    const double draws = impact_design_n(all, h, s.value, out.score - *d.impact, out.score, n_eff);
    std::size_t undefined = 0;
    auto reps =
        detail::bootstrap_histogram(shares, draws, o.bootstrap_samples, o.seed + 0x9E3779B97F4A7C15ull * (j + 1),
                                    [&](const std::vector<double>& draw, double total) {
                                      double sum_all = 0.0, sum_rest = 0.0, n_rest = 0.0;
                                      for (std::size_t l = 0; l < L; ++l) {
                                        sum_all += (draw[l] + draw[L + l]) * s.value[l];
                                        sum_rest += draw[L + l] * s.value[l];
                                        n_rest += draw[L + l];
                                      }
                                      if (n_rest == 0.0) return detail::kNaN;
                                      return sum_all / total - sum_rest / n_rest;
                                    });
    const auto defined_end = std::remove_if(reps.begin(), reps.end(), [](double r) { return std::isnan(r); });
    undefined = static_cast<std::size_t>(reps.end() - defined_end);
    reps.erase(defined_end, reps.end());
    if (reps.size() >= 2) {
      double lo = 0.0, hi = 0.0, sd = 0.0;
      detail::percentile_interval(std::move(reps), o.confidence, lo, hi, sd);
      d.impact_ci_low = lo;
      d.impact_ci_high = hi;
      // The bootstrap z-test: 2·Φ(−|impact| / bootstrap SE), the inversion of the standard
      // bootstrap interval (Efron & Tibshirani 1993, §13.2). A count of replicates beyond zero would
      // floor p at 2 / (R + 1), which Holm's factor then lifts past any α for many drivers.
      d.impact_p_value = sd > 0.0 ? detail::normal_two_sided_p(*d.impact / sd) : (*d.impact != 0.0 ? 0.0 : 1.0);
    }
    if (undefined > 0)
      note(out, {"bootstrap_undefined",
                 d.driver,
                 "",
                 {{"replicates", undefined}},
                 "driver " + d.driver + ": " + std::to_string(undefined) +
                     " bootstrap replicates had no response without it and were left out"});
  }

  // The drivers are tested together: an impact is significant when its interval excludes 0 and its
  // Holm-adjusted p-value is below 1 − confidence.
  {
    std::vector<std::optional<double>> p;
    for (const auto& d : out.drivers) p.push_back(d.impact_p_value);
    const auto holm = detail::p_adjust_holm_given(p);
    for (std::size_t j = 0; j < out.drivers.size(); ++j) {
      DriverImpact& d = out.drivers[j];
      d.impact_p_holm = holm[j];
      d.impact_significant =
          holm[j] && (*d.impact_ci_low > 0.0 || *d.impact_ci_high < 0.0) && *holm[j] < 1.0 - o.confidence;
    }
  }

  // Priority matrix.
  double sum_share = 0.0;
  std::size_t with_impact = 0;
  for (const auto& d : out.drivers)
    if (d.impact) {
      sum_share += d.share;
      ++with_impact;
    }
  out.share_threshold = o.share_threshold.value_or(with_impact ? sum_share / static_cast<double>(with_impact) : 0.0);
  for (auto& d : out.drivers)
    if (d.impact) {
      const bool frequent = d.share >= out.share_threshold;
      if (!d.impact_significant)  // issue 16: "Priorità" for −0.9 [−3.0, +1.2] misleads a manager
        d.quadrant = Quadrant::not_significant;
      else
        d.quadrant = *d.impact < 0.0 ? (frequent ? Quadrant::fix : Quadrant::monitor)
                                     : (frequent ? Quadrant::strength : Quadrant::minor);
    }

  if (out.n_text > 0) {
    out.negative = key_driver(levels, mentions, has_text, weights, s.negative, s.negative_name, z, out, true, o);
    out.positive = key_driver(levels, mentions, has_text, weights, s.positive, s.positive_name, z, out, false, o);
  } else {
    out.negative.outcome = s.negative_name;
    out.positive.outcome = s.positive_name;
    note(out, {"no_text", "", "", {}, "no response has a comment: no shares or key-driver models"});
  }
  return out;
}

std::vector<DriverSegmentCell> driver_segments(const LabelMatrix& mentions, std::span<const std::int64_t> segments,
                                               std::span<const std::uint8_t> has_text, double alpha) {
  constexpr std::string_view where = "driver_segments";
  if (!(alpha > 0.0 && alpha < 1.0)) detail::fail(where, "alpha " + detail::fmt(alpha) + " is outside (0, 1)");
  check_mentions(where, mentions, "segments", segments.size(), has_text);
  const std::size_t n = segments.size(), k = mentions.cols();
  std::vector<std::uint32_t> codes;
  const auto keys = detail::factorize(segments, codes);
  const std::size_t S = keys.size();
  std::vector<std::uint64_t> n_seg(S, 0), m_seg(S * k, 0), m_all(k, 0);
  std::uint64_t N = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!text_at(has_text, i)) continue;
    ++N;
    ++n_seg[codes[i]];
    const std::uint8_t* row = mentions.data() + i * k;
    for (std::size_t j = 0; j < k; ++j)
      if (row[j]) {
        ++m_seg[codes[i] * k + j];
        ++m_all[j];
      }
  }
  std::vector<DriverSegmentCell> cells;
  std::vector<double> p;
  for (std::size_t g = 0; g < S; ++g)
    for (std::size_t j = 0; j < k; ++j) {
      DriverSegmentCell c{};
      c.segment = keys[g];
      c.driver = j;
      c.n = n_seg[g];
      c.mentions = m_seg[g * k + j];
      const std::uint64_t n_rest = N - c.n, m_rest = m_all[j] - c.mentions;
      c.share = c.n ? static_cast<double>(c.mentions) / static_cast<double>(c.n) : 0.0;
      c.share_rest = n_rest ? static_cast<double>(m_rest) / static_cast<double>(n_rest) : 0.0;
      c.diff = c.share - c.share_rest;
      c.p_value = 1.0;
      if (c.n && n_rest && std::min(c.n, n_rest) < kExactTestBelow) {
        // A small segment (or rest): Boschloo's exact test, as compare() tests small groups' top
        // boxes; the z test called one comment's driver in a one-comment segment significant
        // (1 of 1 against 24 of 385: z p = 1.4e-4; Boschloo 0.089, scipy.stats.boschloo_exact).
        c.p_value = detail::boschloo_p(c.mentions, c.n, m_rest, n_rest);
      } else if (c.n && n_rest) {
        const double pooled = static_cast<double>(m_all[j]) / static_cast<double>(N);
        const double se =
            std::sqrt(pooled * (1.0 - pooled) * (1.0 / static_cast<double>(c.n) + 1.0 / static_cast<double>(n_rest)));
        if (se > 0.0) c.p_value = detail::normal_two_sided_p(c.diff / se);
      }
      cells.push_back(c);
      p.push_back(c.p_value);
    }
  const auto bh = p_adjust_bh(p);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    cells[i].p_bh = bh[i];
    cells[i].significant = bh[i] < alpha;
  }
  return cells;
}

std::vector<DriverTrend> driver_trends(const LabelMatrix& mentions, std::span<const std::int64_t> periods,
                                       std::span<const std::uint8_t> has_text, const TrendOptions& options) {
  constexpr std::string_view where = "driver_trends";
  check_mentions(where, mentions, "periods", periods.size(), has_text);
  const std::size_t n = periods.size(), k = mentions.cols();
  std::vector<std::uint32_t> codes;
  const auto keys = detail::factorize(periods, codes);
  const std::size_t T = keys.size();
  std::vector<std::uint64_t> n_per(T, 0), m_per(T * k, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!text_at(has_text, i)) continue;
    ++n_per[codes[i]];
    const std::uint8_t* row = mentions.data() + i * k;
    for (std::size_t j = 0; j < k; ++j) m_per[codes[i] * k + j] += row[j];
  }
  std::vector<DriverTrend> out(k);
  for (std::size_t j = 0; j < k; ++j) {
    out[j].driver = j;
    std::vector<double> series;
    for (std::size_t t = 0; t < T; ++t) {
      if (n_per[t] == 0) continue;
      const double share = static_cast<double>(m_per[t * k + j]) / static_cast<double>(n_per[t]);
      out[j].periods.push_back({keys[t], n_per[t], m_per[t * k + j], share});
      series.push_back(share);
    }
    out[j].test = trend_test(series, options);
  }
  // Holm over the drivers' tests: a rising share is claimed for the drivers together.
  std::vector<std::optional<double>> p;
  for (const auto& t : out) p.push_back(t.test ? std::optional(t.test->p_value) : std::nullopt);
  const auto holm = detail::p_adjust_holm_given(p);
  for (std::size_t j = 0; j < k; ++j) {
    if (!out[j].test) continue;
    out[j].p_holm = holm[j];
    const bool significant = *holm[j] < options.alpha;
    out[j].test->increasing = out[j].test->increasing && significant;
    out[j].test->declining = out[j].test->declining && significant;
  }
  return out;
}

std::vector<std::vector<std::size_t>> select_verbatims(const LabelMatrix& mentions,
                                                       std::span<const double> probabilities,
                                                       std::span<const std::int64_t> segments, std::size_t per_driver) {
  constexpr std::string_view where = "select_verbatims";
  const std::size_t n = mentions.rows(), k = mentions.cols();
  detail::check_lengths(where, "mentions cells", n * k, "probabilities", probabilities.size());
  if (!segments.empty()) detail::check_lengths(where, "mentions rows", n, "segments", segments.size());
  for (std::size_t i = 0; i < probabilities.size(); ++i)
    if (!(probabilities[i] >= 0.0 && probabilities[i] <= 1.0))
      detail::fail(where, "probability " + detail::fmt(probabilities[i]) + " at row " +
                              std::to_string(i / std::max<std::size_t>(k, 1)) + " is outside [0, 1]");
  // Per driver: each segment's best rows (most probable first; of equal probability the earlier
  // row), then one from each segment in turn, the segments in the order of their best row. Only a
  // segment's best per_driver rows are ever taken, so only they are sorted (a sort of every
  // mentioner, ten drivers by two lists, was most of the verbatims' time on a million responses).
  std::vector<std::vector<std::size_t>> out(k);
  per_driver = std::min(per_driver, n);  // no driver has more rows (and 2 · per_driver cannot wrap)
  if (per_driver == 0) return out;
  std::vector<std::int64_t> order;
  std::unordered_map<std::int64_t, std::vector<std::size_t>> queue;
  for (std::size_t j = 0; j < k; ++j) {
    auto before = [&](std::size_t a, std::size_t b) {
      const double pa = probabilities[a * k + j], pb = probabilities[b * k + j];
      return pa > pb || (pa == pb && a < b);
    };
    order.clear();
    for (auto& [g, q] : queue) q.clear();
    for (std::size_t i = 0; i < n; ++i) {
      if (!mentions(i, j)) continue;
      const std::int64_t g = segments.empty() ? 0 : segments[i];
      auto& q = queue[g];
      if (q.empty()) order.push_back(g);
      q.push_back(i);
      if (q.size() >= 2 * std::max<std::size_t>(per_driver, 16)) {  // keep the best per_driver: memory O(segments)
        std::nth_element(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(per_driver), q.end(), before);
        q.resize(per_driver);
      }
    }
    for (const std::int64_t g : order) {
      auto& q = queue[g];
      const std::size_t keep = std::min(q.size(), per_driver);
      std::partial_sort(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(keep), q.end(), before);
      q.resize(keep);
    }
    // Every queue holds at least one row (per_driver >= 1): its best is its first.
    std::stable_sort(order.begin(), order.end(),
                     [&](std::int64_t a, std::int64_t b) { return before(queue[a].front(), queue[b].front()); });
    for (std::size_t round = 0; out[j].size() < per_driver; ++round) {
      bool any = false;
      for (const std::int64_t g : order) {
        const auto& q = queue[g];
        if (round < q.size() && out[j].size() < per_driver) {
          out[j].push_back(q[round]);
          any = true;
        }
      }
      if (!any) break;
    }
  }
  return out;
}

}  // namespace perche
