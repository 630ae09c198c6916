// SPDX-License-Identifier: Apache-2.0
// L2-penalized logistic regression, scikit-learn's formulation (sklearn/linear_model/_logistic.py,
// 1.x, solver "lbfgs"): with s = sample weights × class weights and S = Σ s,
//   binary:       f(w, b) = (1/S) Σ sᵢ [ln(1 + e^{zᵢ}) − yᵢ zᵢ] + ‖w‖² / (2 C S),  z = Xw + b
//   multinomial:  f(W, b) = (1/S) Σ sᵢ [logsumexp(zᵢ) − zᵢ,yᵢ] + ‖W‖²_F / (2 C S),  zᵢ = W xᵢ + b
// which has the minimizer of C·Σ sᵢ lossᵢ + ½‖w‖² (the documented objective) and gradients of the
// scale scikit-learn's gtol refers to. "balanced" class weights: S / (K · S_c) (compute_class_weight).
// Minimized by L-BFGS (LBFGSpp, Debian liblbfgspp-dev) with a strong-Wolfe (Nocedal–Wright) line search, from zero.
#include <perche/classify.hpp>

#include <LBFGS.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

#include "logit.hpp"

namespace perche {
namespace {

using detail::log1pexp;
using detail::sigmoid;

// The objective, remembering the best point evaluated: LBFGSpp throws when a line search cannot
// make progress (at the limit of double precision), and its x may then be a trial point.
struct Objective {
  const SparseMatrix& X;
  const Eigen::VectorXd& y;  // binary: 0/1; multinomial: class index
  const Eigen::VectorXd& s;  // effective sample weights
  int K;                     // 1 for binary
  bool intercept;
  double S, inv_CS;
  Eigen::VectorXd best_x;
  double best_f = std::numeric_limits<double>::infinity();
  int evaluations = 0;

  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& grad) {
    ++evaluations;
    const Eigen::Index d = X.cols(), n = X.rows();
    double f = 0;
    if (K == 1) {
      const auto w = x.head(d);
      const double b = intercept ? x[d] : 0.0;
      Eigen::VectorXd z = X * w;
      Eigen::VectorXd r(n);
      for (Eigen::Index i = 0; i < n; ++i) {
        const double zi = z[i] + b;
        f += s[i] * (log1pexp(zi) - y[i] * zi);
        r[i] = s[i] * (sigmoid(zi) - y[i]);
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
      for (Eigen::Index i = 0; i < n; ++i) {
        auto zi = Z.row(i);
        const double m = zi.maxCoeff();
        double sum = 0;
        for (int k = 0; k < K; ++k) sum += std::exp(zi[k] - m);
        const double lse = m + std::log(sum);
        const auto yi = static_cast<Eigen::Index>(y[i]);
        f += s[i] * (lse - zi[yi]);
        for (int k = 0; k < K; ++k) zi[k] = s[i] * (std::exp(zi[k] - lse) - (k == yi ? 1.0 : 0.0));
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
};

}  // namespace

LogisticRegression::LogisticRegression(LogisticOptions options) : options_(options) {
  if (!(options_.C > 0) || !std::isfinite(options_.C))
    throw std::invalid_argument("LogisticRegression: C " + std::to_string(options_.C) + " is not a positive number");
  if (!(options_.tol > 0)) throw std::invalid_argument("LogisticRegression: tol must be positive");
  if (options_.max_iter < 1) throw std::invalid_argument("LogisticRegression: max_iter must be ≥ 1");
}

LogisticRegression& LogisticRegression::fit(const SparseMatrix& X, std::span<const int> y,
                                            std::span<const double> sample_weight) {
  const Eigen::Index n = X.rows(), d = X.cols();
  if (static_cast<std::size_t>(n) != y.size())
    throw std::invalid_argument("LogisticRegression.fit: X has " + std::to_string(n) + " rows but y has " +
                                std::to_string(y.size()) + " labels");
  if (!sample_weight.empty() && sample_weight.size() != y.size())
    throw std::invalid_argument("LogisticRegression.fit: " + std::to_string(sample_weight.size()) +
                                " sample weights for " + std::to_string(y.size()) + " rows");
  for (Eigen::Index k = 0; k < X.nonZeros(); ++k)
    if (!std::isfinite(X.valuePtr()[k]))
      throw std::invalid_argument("LogisticRegression.fit: X holds a non-finite value (" +
                                  std::to_string(X.valuePtr()[k]) + ")");
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
  Objective obj{X, target, s, rows, options_.fit_intercept, S, 1.0 / (options_.C * S), {}, 
                std::numeric_limits<double>::infinity(), 0};
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
  Eigen::VectorXd x = Eigen::VectorXd::Zero(dim);
  double fx = 0;
  try {
    n_iter_ = solver.minimize(obj, x, fx);
  } catch (const std::runtime_error&) {
    // No further decrease possible in double precision: keep the best point seen.
    x = obj.best_x;
    n_iter_ = options_.max_iter;
  }
  if (obj.best_f < fx) x = obj.best_x;

  coef_.resize(rows, d);
  intercept_ = Eigen::VectorXd::Zero(rows);
  if (rows == 1) {
    coef_.row(0) = x.head(d).transpose();
    if (options_.fit_intercept) intercept_[0] = x[d];
  } else {
    coef_ = Eigen::Map<const Eigen::MatrixXd>(x.data(), rows, d);
    if (options_.fit_intercept) intercept_ = x.segment(static_cast<Eigen::Index>(rows) * d, rows);
  }
  return *this;
}

Eigen::MatrixXd LogisticRegression::decision_function(const SparseMatrix& X) const {
  if (classes_.empty()) throw std::logic_error("LogisticRegression: predict before fit");
  if (X.cols() != coef_.cols())
    throw std::invalid_argument("LogisticRegression: X has " + std::to_string(X.cols()) + " features, the model " +
                                std::to_string(coef_.cols()));
  Eigen::MatrixXd Z = X * coef_.transpose();
  Z.rowwise() += intercept_.transpose();
  return Z;
}

Eigen::MatrixXd LogisticRegression::predict_proba(const SparseMatrix& X) const {
  const Eigen::MatrixXd Z = decision_function(X);
  Eigen::MatrixXd P(Z.rows(), static_cast<Eigen::Index>(classes_.size()));
  if (Z.cols() == 1) {
    for (Eigen::Index i = 0; i < Z.rows(); ++i) {
      P(i, 1) = sigmoid(Z(i, 0));
      P(i, 0) = 1 - P(i, 1);
    }
  } else {
    for (Eigen::Index i = 0; i < Z.rows(); ++i) {
      const double m = Z.row(i).maxCoeff();
      P.row(i) = (Z.row(i).array() - m).exp();
      P.row(i) /= P.row(i).sum();
    }
  }
  return P;
}

std::vector<int> LogisticRegression::predict(const SparseMatrix& X) const {
  const Eigen::MatrixXd P = predict_proba(X);
  std::vector<int> out(static_cast<std::size_t>(P.rows()));
  for (Eigen::Index i = 0; i < P.rows(); ++i) {
    Eigen::Index k = 0;
    P.row(i).maxCoeff(&k);
    out[static_cast<std::size_t>(i)] = classes_[static_cast<std::size_t>(k)];
  }
  return out;
}

LogisticRegression LogisticRegression::from_parts(LogisticOptions options, std::vector<int> classes,
                                                  Eigen::MatrixXd coef, Eigen::VectorXd intercept) {
  LogisticRegression m(options);
  const Eigen::Index rows = classes.size() == 2 ? 1 : static_cast<Eigen::Index>(classes.size());
  if (classes.size() < 2 || coef.rows() != rows || intercept.size() != rows)
    throw std::invalid_argument("LogisticRegression: " + std::to_string(classes.size()) + " classes with " +
                                std::to_string(coef.rows()) + " coefficient rows and " +
                                std::to_string(intercept.size()) + " intercepts");
  m.classes_ = std::move(classes);
  m.coef_ = std::move(coef);
  m.intercept_ = std::move(intercept);
  return m;
}

}  // namespace perche
