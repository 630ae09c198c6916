// SPDX-License-Identifier: Apache-2.0
// L2-penalized logistic regression, scikit-learn's formulation (sklearn/linear_model/_logistic.py,
// 1.x, solver "lbfgs"): with s = sample weights × class weights and S = Σ s,
//   binary:       f(w, b) = (1/S) Σ sᵢ [ln(1 + e^{zᵢ}) − yᵢ zᵢ] + ‖w‖² / (2 C S),  z = Xw + b
//   multinomial:  f(W, b) = (1/S) Σ sᵢ [logsumexp(zᵢ) − zᵢ,yᵢ] + ‖W‖²_F / (2 C S),  zᵢ = W xᵢ + b
// which has the minimizer of C·Σ sᵢ lossᵢ + ½‖w‖² (the documented objective) and gradients of the
// scale scikit-learn's gtol refers to. "balanced" class weights: S / (K · S_c) (compute_class_weight).
// Minimized from zero by L-BFGS (LBFGSpp, Debian liblbfgspp-dev) with a strong-Wolfe (Nocedal–Wright)
// line search, or by a trust-region Newton method whose steps come from conjugate gradients on
// Hessian-vector products (Steihaug 1983; Lin, Weng & Keerthi, "Trust region Newton method for
// large-scale logistic regression", JMLR 9, 2008, Algorithm 2, with the radius rules of Lin & Moré
// 1999 that the paper uses).
#include <perche/classify.hpp>

#include <LBFGS.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

#include "../common/eigen_view.hpp"
#include "logit.hpp"

namespace perche {
namespace {

using detail::log1pexp;
using detail::sigmoid;

// The objective, remembering the best point evaluated: LBFGSpp throws when a line search cannot
// make progress (at the limit of double precision), and its x may then be a trial point.
struct Objective {
  Eigen::Map<const detail::EigenCsr> X;
  const Eigen::VectorXd& y;  // binary: 0/1; multinomial: class index
  const Eigen::VectorXd& s;  // effective sample weights
  int K;                     // 1 for binary
  bool intercept;
  double S, inv_CS;
  Eigen::VectorXd best_x;
  double best_f = std::numeric_limits<double>::infinity();
  int evaluations = 0;
  bool keep_probabilities = false;  // the Newton solver's Hessian needs them
  Eigen::MatrixXd P;                // n × K probabilities at the last point evaluated

  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& grad) {
    ++evaluations;
    const Eigen::Index d = X.cols(), n = X.rows();
    double f = 0;
    if (K == 1) {
      const auto w = x.head(d);
      const double b = intercept ? x[d] : 0.0;
      Eigen::VectorXd z = X * w;
      Eigen::VectorXd r(n);
      if (keep_probabilities) P.resize(n, 1);
      for (Eigen::Index i = 0; i < n; ++i) {
        const double zi = z[i] + b;
        const double p = sigmoid(zi);
        f += s[i] * (log1pexp(zi) - y[i] * zi);
        r[i] = s[i] * (p - y[i]);
        if (keep_probabilities) P(i, 0) = p;
      }
      f /= S;
      grad.head(d).noalias() = X.transpose() * r;
      grad.head(d) /= S;
      grad.head(d) += inv_CS * w;
      f += 0.5 * inv_CS * w.squaredNorm();
      if (intercept) grad[d] = r.sum() / S;
    } else {
      const Eigen::Map<const Eigen::MatrixXd> W(x.data(), K, d);  // class × feature, column-major
      Eigen::MatrixXd Z = X * W.transpose();                      // n × K
      if (intercept) Z.rowwise() += x.segment(static_cast<Eigen::Index>(K) * d, K).transpose();
      if (keep_probabilities) P.resize(n, K);
      for (Eigen::Index i = 0; i < n; ++i) {
        auto zi = Z.row(i);
        const double m = zi.maxCoeff();
        double sum = 0;
        for (int k = 0; k < K; ++k) sum += std::exp(zi[k] - m);
        const double lse = m + std::log(sum);
        const auto yi = static_cast<Eigen::Index>(y[i]);
        f += s[i] * (lse - zi[yi]);
        for (int k = 0; k < K; ++k) {
          const double p = std::exp(zi[k] - lse);
          if (keep_probabilities) P(i, k) = p;
          zi[k] = s[i] * (p - (k == yi ? 1.0 : 0.0));
        }
      }
      f /= S;
      Eigen::Map<Eigen::MatrixXd> G(grad.data(), K, d);
      G.noalias() = (X.transpose() * Z).transpose();
      G /= S;
      G += inv_CS * W;
      f += 0.5 * inv_CS * W.squaredNorm();
      if (intercept) grad.segment(static_cast<Eigen::Index>(K) * d, K) = Z.colwise().sum().transpose() / S;
    }
    if (f < best_f) {
      best_f = f;
      best_x = x;
    }
    return f;
  }

  // H v at the point whose probabilities are `probs` (as operator() left them in P there):
  //   binary:       H = Xᵀ D X / S + I / (C S), D = diag(sᵢ pᵢ (1 − pᵢ)), intercept as a column of ones
  //   multinomial:  (H v)ᵢ-part = sᵢ (pᵢ ⊙ uᵢ − pᵢ (pᵢ · uᵢ)), uᵢ = V xᵢ + v_b, the softmax Hessian
  // (the intercept is not penalized).
  void hessian_times(const Eigen::MatrixXd& probs, const Eigen::VectorXd& v, Eigen::VectorXd& out) const {
    const Eigen::Index d = X.cols(), n = X.rows();
    out.resize(v.size());
    if (K == 1) {
      Eigen::VectorXd u = X * v.head(d);
      const double vb = intercept ? v[d] : 0.0;
      for (Eigen::Index i = 0; i < n; ++i) {
        const double p = probs(i, 0);
        u[i] = s[i] * p * (1 - p) * (u[i] + vb);
      }
      out.head(d).noalias() = X.transpose() * u;
      out.head(d) /= S;
      out.head(d) += inv_CS * v.head(d);
      if (intercept) out[d] = u.sum() / S;
    } else {
      const Eigen::Map<const Eigen::MatrixXd> V(v.data(), K, d);
      Eigen::MatrixXd U = X * V.transpose();  // n × K
      if (intercept) U.rowwise() += v.segment(static_cast<Eigen::Index>(K) * d, K).transpose();
      for (Eigen::Index i = 0; i < n; ++i) {
        const double a = probs.row(i).dot(U.row(i));
        for (int k = 0; k < K; ++k) U(i, k) = s[i] * probs(i, k) * (U(i, k) - a);
      }
      Eigen::Map<Eigen::MatrixXd> G(out.data(), K, d);
      G.noalias() = (X.transpose() * U).transpose();
      G /= S;
      G += inv_CS * V;
      if (intercept) out.segment(static_cast<Eigen::Index>(K) * d, K) = U.colwise().sum().transpose() / S;
    }
  }
};

// Trust-region Newton (Lin, Weng & Keerthi 2008, Algorithm 2): at x, an approximate minimizer s of
// the quadratic model gᵀs + ½ sᵀHs inside ‖s‖ ≤ Δ by conjugate gradients (stopped at residual
// ≤ 0.1‖g‖ or on the boundary, Steihaug 1983); the step is taken when the actual decrease is more
// than η₀ = 1e-4 of the predicted one, and Δ follows the ratio of the two (σ₁ = 0.25, σ₂ = 0.5,
// σ₃ = 4, η₁ = 0.25, η₂ = 0.75, as in the paper). Stops when ‖∇f‖∞ ≤ tol, like the L-BFGS path.
// Returns the number of outer iterations.
int minimize_newton(Objective& obj, Eigen::VectorXd& x, double tol, int max_iter) {
  constexpr double eta0 = 1e-4, eta1 = 0.25, eta2 = 0.75, sigma1 = 0.25, sigma2 = 0.5, sigma3 = 4;
  const Eigen::Index dim = x.size();
  obj.keep_probabilities = true;
  Eigen::VectorXd g(dim), g_new(dim), step(dim), r(dim), dir(dim), Hd(dim), x_new(dim);
  double f = obj(x, g);
  Eigen::MatrixXd probs = obj.P;
  double delta = g.norm();
  int iter = 0;
  while (iter < max_iter && g.lpNorm<Eigen::Infinity>() > tol) {
    ++iter;
    // Conjugate gradients on H step = −g inside the trust region.
    step.setZero();
    r = -g;
    dir = r;
    double rr = r.squaredNorm();
    const double cg_tol = 0.1 * g.norm();
    for (Eigen::Index cg = 0; cg < dim && std::sqrt(rr) > cg_tol; ++cg) {
      obj.hessian_times(probs, dir, Hd);
      const double alpha = rr / dir.dot(Hd);  // H is positive definite: the L2 term
      const Eigen::VectorXd next = step + alpha * dir;
      if (next.norm() >= delta) {
        // To the boundary: τ ≥ 0 with ‖step + τ dir‖ = Δ.
        const double sd = step.dot(dir), dd = dir.squaredNorm(), ss = step.squaredNorm();
        const double rad = std::sqrt(std::max(0.0, sd * sd + dd * (delta * delta - ss)));
        const double tau = sd >= 0 ? (delta * delta - ss) / (sd + rad) : (rad - sd) / dd;
        step += tau * dir;
        r -= tau * Hd;
        break;
      }
      step = next;
      r -= alpha * Hd;
      const double rr_new = r.squaredNorm();
      dir = r + (rr_new / rr) * dir;
      rr = rr_new;
    }
    const double gs = g.dot(step);
    const double predicted = -0.5 * (gs - step.dot(r));  // −(gᵀs + ½ sᵀHs), with r = −g − Hs
    x_new = x + step;
    const double f_new = obj(x_new, g_new);
    const double actual = f - f_new;
    const double snorm = step.norm();
    if (iter == 1) delta = std::min(delta, snorm);
    // Radius update (Lin & Moré 1999): α minimizes the quadratic through f, gᵀs and f_new.
    const double curvature = f_new - f - gs;
    const double alpha = curvature <= 0 ? sigma3 : std::max(sigma1, -0.5 * gs / curvature);
    if (actual < eta0 * predicted)
      delta = std::min(std::max(alpha, sigma1) * snorm, sigma2 * delta);
    else if (actual < eta1 * predicted)
      delta = std::max(sigma1 * delta, std::min(alpha * snorm, sigma2 * delta));
    else if (actual < eta2 * predicted)
      delta = std::max(sigma1 * delta, std::min(alpha * snorm, sigma3 * delta));
    else
      delta = std::max(delta, std::min(alpha * snorm, sigma3 * delta));
    if (actual > eta0 * predicted) {
      x.swap(x_new);
      g.swap(g_new);
      probs.swap(obj.P);
      f = f_new;
    }
    // No decrease left in double precision: the model and the function agree to rounding.
    const double eps = std::numeric_limits<double>::epsilon();
    if (std::abs(actual) <= eps * std::abs(f) && std::abs(predicted) <= eps * std::abs(f)) break;
    if (delta <= eps * std::max(1.0, x.norm())) break;
  }
  obj.keep_probabilities = false;
  return iter;
}

}  // namespace

LogisticRegression::LogisticRegression(LogisticOptions options) : options_(options) {
  if (!(options_.C > 0) || !std::isfinite(options_.C))
    throw std::invalid_argument("LogisticRegression: C " + std::to_string(options_.C) + " is not a positive number");
  if (!(options_.tol > 0) || !std::isfinite(options_.tol))
    throw std::invalid_argument("LogisticRegression: tol " + std::to_string(options_.tol) +
                                " is not a positive number");
  if (options_.max_iter < 1) throw std::invalid_argument("LogisticRegression: max_iter must be ≥ 1");
  if (options_.solver != Solver::lbfgs && options_.solver != Solver::newton)
    throw std::invalid_argument("LogisticRegression: solver " + std::to_string(static_cast<int>(options_.solver)) +
                                " is unknown (expected lbfgs or newton)");
}

LogisticRegression& LogisticRegression::fit(const SparseMatrix& X, std::span<const int> y,
                                            std::span<const double> sample_weight) {
  const auto n = static_cast<Eigen::Index>(X.rows()), d = static_cast<Eigen::Index>(X.cols());
  if (static_cast<std::size_t>(n) != y.size())
    throw std::invalid_argument("LogisticRegression.fit: X has " + std::to_string(n) + " rows but y has " +
                                std::to_string(y.size()) + " labels");
  if (!sample_weight.empty() && sample_weight.size() != y.size())
    throw std::invalid_argument("LogisticRegression.fit: " + std::to_string(sample_weight.size()) +
                                " sample weights for " + std::to_string(y.size()) + " rows");
  double largest = 0;  // |x| of the largest feature value, for the L-BFGS failure's message
  for (std::size_t r = 0; r < X.rows(); ++r) {
    const auto row = X.row(r);
    for (std::size_t e = 0; e < row.values.size(); ++e) {
      const double v = row.values[e];
      if (!std::isfinite(v))
        throw std::invalid_argument("LogisticRegression.fit: X holds a non-finite value (" + std::to_string(v) +
                                    ") at row " + std::to_string(r) + ", column " + std::to_string(row.indices[e]));
      largest = std::max(largest, std::abs(v));
    }
  }
  std::map<int, Eigen::Index> index;
  for (int v : y) index.emplace(v, 0);
  if (index.size() < 2)
    throw std::invalid_argument("LogisticRegression.fit: y has " + std::to_string(index.size()) +
                                " class; at least 2 are needed");
  classes_.clear();
  for (auto& [label, i] : index) {
    i = static_cast<Eigen::Index>(classes_.size());
    classes_.push_back(label);
  }
  const int K = static_cast<int>(classes_.size());

  Eigen::VectorXd s(n), target(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double w = sample_weight.empty() ? 1.0 : sample_weight[static_cast<std::size_t>(i)];
    if (!(w >= 0) || !std::isfinite(w))
      throw std::invalid_argument("LogisticRegression.fit: sample weight " + std::to_string(w) + " at index " +
                                  std::to_string(i) + " is not a finite number ≥ 0");
    s[i] = w;
    target[i] = static_cast<double>(index[y[static_cast<std::size_t>(i)]]);
  }
  if (options_.balanced) {
    Eigen::VectorXd per_class = Eigen::VectorXd::Zero(K);
    for (Eigen::Index i = 0; i < n; ++i) per_class[static_cast<Eigen::Index>(target[i])] += s[i];
    const double total = per_class.sum();
    for (Eigen::Index i = 0; i < n; ++i) {
      const double c = per_class[static_cast<Eigen::Index>(target[i])];
      s[i] *= c > 0 ? total / (K * c) : 0.0;
    }
  }
  const double S = s.sum();
  if (!(S > 0)) throw std::invalid_argument("LogisticRegression.fit: the sample weights sum to 0");

  const int rows = K == 2 ? 1 : K;
  const Eigen::Index dim = static_cast<Eigen::Index>(rows) * d + (options_.fit_intercept ? rows : 0);
  Objective obj{detail::eigen_view(X),
                target,
                s,
                rows,
                options_.fit_intercept,
                S,
                1.0 / (options_.C * S),
                {},
                std::numeric_limits<double>::infinity(),
                0,
                false,
                {}};
  Eigen::VectorXd x = Eigen::VectorXd::Zero(dim);
  if (options_.solver == Solver::newton) {
    n_iter_ = minimize_newton(obj, x, options_.tol, options_.max_iter);  // f decreases at every accepted step
  } else {
    LBFGSpp::LBFGSParam<double> param;
    param.m = 10;
    param.epsilon = options_.tol;
    param.epsilon_rel = 0;
    param.past = 1;
    param.delta = 64 * std::numeric_limits<double>::epsilon();  // scipy's ftol as scikit-learn sets it
    param.max_iterations = options_.max_iter;
    param.max_linesearch = 50;
    param.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE;
    LBFGSpp::LBFGSSolver<double, LBFGSpp::LineSearchNocedalWright> solver(param);
    double fx = 0;
    try {
      n_iter_ = solver.minimize(obj, x, fx);
    } catch (const std::runtime_error&) {
      // No further decrease possible in double precision: keep the best point seen.
      x = obj.best_x;
      n_iter_ = options_.max_iter;
    } catch (const std::invalid_argument& e) {
      // LBFGSpp's line search refuses a step it cannot take ("'step' must be positive"): seen when
      // products of the feature values overflow double precision.
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3g", largest);
      throw std::invalid_argument(std::string("LogisticRegression.fit: the L-BFGS line search failed (") + e.what() +
                                  ") with feature values as large as " + buf +
                                  "; scale the features, or use the newton solver");
    }
    if (obj.best_f < fx) x = obj.best_x;
  }

  // x holds the class × feature block column-major (a feature's rows together), then the intercepts.
  coef_ = Matrix(static_cast<std::size_t>(rows), static_cast<std::size_t>(d));
  detail::eigen_view(coef_) = Eigen::Map<const Eigen::MatrixXd>(x.data(), rows, d);
  intercept_.assign(static_cast<std::size_t>(rows), 0.0);
  if (options_.fit_intercept)
    for (int k = 0; k < rows; ++k) intercept_[static_cast<std::size_t>(k)] = x[static_cast<Eigen::Index>(rows) * d + k];
  return *this;
}

Matrix LogisticRegression::decision_function(const SparseMatrix& X) const {
  if (classes_.empty()) throw std::logic_error("LogisticRegression: predict before fit");
  if (X.cols() != coef_.cols())
    throw std::invalid_argument("LogisticRegression: X has " + std::to_string(X.cols()) + " features, the model " +
                                std::to_string(coef_.cols()));
  // As fit() refuses them: a NaN or an infinity made every probability of its row NaN (and
  // predict() class 0) without a word (red-team, stop 42).
  for (std::size_t r = 0; r < X.rows(); ++r) {
    const auto row = X.row(r);
    for (std::size_t e = 0; e < row.values.size(); ++e)
      if (!std::isfinite(row.values[e]))
        throw std::invalid_argument("LogisticRegression: X holds a non-finite value (" + std::to_string(row.values[e]) +
                                    ") at row " + std::to_string(r) + ", column " + std::to_string(row.indices[e]));
  }
  Matrix Z(X.rows(), coef_.rows());
  auto z = detail::eigen_view(Z);
  z.noalias() = detail::eigen_view(X) * detail::eigen_view(coef_).transpose();
  z.rowwise() += Eigen::Map<const Eigen::RowVectorXd>(intercept_.data(), static_cast<Eigen::Index>(intercept_.size()));
  return Z;
}

Matrix LogisticRegression::predict_proba(const SparseMatrix& X) const {
  const Matrix Z = decision_function(X);
  Matrix P(Z.rows(), classes_.size());
  if (Z.cols() == 1) {
    for (std::size_t i = 0; i < Z.rows(); ++i) {
      P(i, 1) = sigmoid(Z(i, 0));
      P(i, 0) = 1 - P(i, 1);
    }
  } else {
    const auto z = detail::eigen_view(Z);
    auto p = detail::eigen_view(P);
    for (Eigen::Index i = 0; i < z.rows(); ++i) {
      const double m = z.row(i).maxCoeff();
      p.row(i) = (z.row(i).array() - m).exp();
      p.row(i) /= p.row(i).sum();
    }
  }
  return P;
}

std::vector<int> LogisticRegression::predict(const SparseMatrix& X) const {
  const Matrix P = predict_proba(X);
  std::vector<int> out(P.rows());
  for (std::size_t i = 0; i < P.rows(); ++i) {
    const auto row = P.row(i);
    out[i] = classes_[static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin())];
  }
  return out;
}

LogisticRegression LogisticRegression::from_parts(LogisticOptions options, std::vector<int> classes, Matrix coef,
                                                  std::vector<double> intercept) {
  LogisticRegression m(options);
  const std::size_t rows = classes.size() == 2 ? 1 : classes.size();
  if (classes.size() < 2 || coef.rows() != rows || intercept.size() != rows)
    throw std::invalid_argument("LogisticRegression: " + std::to_string(classes.size()) + " classes with " +
                                std::to_string(coef.rows()) + " coefficient rows and " +
                                std::to_string(intercept.size()) + " intercepts");
  // Classes are sorted and distinct (fit's order), coefficients finite: a corrupted model fails here
  // naming the field instead of giving NaN probabilities.
  for (std::size_t k = 1; k < classes.size(); ++k)
    if (!(classes[k - 1] < classes[k]))
      throw std::invalid_argument("LogisticRegression: classes are not sorted and distinct (class " +
                                  std::to_string(k) + " is " + std::to_string(classes[k]) + " after " +
                                  std::to_string(classes[k - 1]) + ")");
  // |value| ≤ 1e100: no L2-penalized fit comes near it, and a sum of such products cannot overflow
  // to ±inf (whose difference would make a probability NaN).
  constexpr double kMaxMagnitude = 1e100;
  for (std::size_t i = 0; i < coef.size(); ++i)
    if (!(std::abs(coef.data()[i]) <= kMaxMagnitude))
      throw std::invalid_argument("LogisticRegression: coefficient " + std::to_string(i) + " is " +
                                  std::to_string(coef.data()[i]) + ", expected a finite value within ±1e100");
  for (std::size_t i = 0; i < intercept.size(); ++i)
    if (!(std::abs(intercept[i]) <= kMaxMagnitude))
      throw std::invalid_argument("LogisticRegression: intercept " + std::to_string(i) + " is " +
                                  std::to_string(intercept[i]) + ", expected a finite value within ±1e100");
  m.classes_ = std::move(classes);
  m.coef_ = std::move(coef);
  m.intercept_ = std::move(intercept);
  return m;
}

}  // namespace perche
