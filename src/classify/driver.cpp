// SPDX-License-Identifier: Apache-2.0
// DriverClassifier: one vectorizer, one binary logistic regression per driver (one-vs-rest), and a
// per-driver threshold chosen on out-of-fold probabilities to maximize F1 (the "plug-in" rule of
// Lipton, Elkan & Naryanaswamy 2014, "Optimal thresholding of classifiers to maximize F1").
#include <perche/classify.hpp>
#include <perche/detail/stats.hpp>
#include <perche/sentiment.hpp>

#include <algorithm>
#include <cctype>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "../common/parallel.hpp"
#include "../common/prefetch.hpp"
#include "../common/string_map.hpp"
#include "../common/thread_scratch.hpp"
#include "../sentiment/scorer.hpp"
#include "../text/term_reader.hpp"
#include "display.hpp"
#include "logit.hpp"

namespace perche {

// Stem → the drivers whose anchor it is (finish()), looked up for every word of a polarity reading.
struct DriverClassifier::Anchors : detail::StringMap<std::vector<std::uint32_t>> {};

namespace {

using detail::sigmoid;

// How many row entries ahead of the sums their weights are fetched (the presence and polarity
// sums: a row's features are scattered over the weights, and the loads are most of the time).
constexpr std::size_t kAhead = 8;

// Rows `rows` of X, in that order.
SparseMatrix take_rows(const SparseMatrix& X, const std::vector<std::size_t>& rows) {
  const auto ptr = X.indptr();
  std::vector<std::int64_t> indptr(rows.size() + 1, 0);
  for (std::size_t i = 0; i < rows.size(); ++i) indptr[i + 1] = indptr[i] + ptr[rows[i] + 1] - ptr[rows[i]];
  std::vector<std::int64_t> indices;
  std::vector<double> values;
  indices.reserve(static_cast<std::size_t>(indptr.back()));
  values.reserve(static_cast<std::size_t>(indptr.back()));
  for (const std::size_t r : rows) {
    const auto row = X.row(r);
    indices.insert(indices.end(), row.indices.begin(), row.indices.end());
    values.insert(values.end(), row.values.begin(), row.values.end());
  }
  return SparseMatrix(rows.size(), X.cols(), std::move(indptr), std::move(indices), std::move(values));
}

// A presence model fitted on X with Naive-Bayes feature scaling (after Wang & Manning 2012,
// "Baselines and Bigrams: Simple, Good Sentiment and Topic Classification", ACL, §2.1, whose NBSVM
// scales binarized features; here the TF-IDF values, with a logistic loss and no interpolation): r = log((p / ‖p‖₁) /
// (q / ‖q‖₁)), p = α + Σ of the binarized rows with y = 1, q = α + Σ of those with y = 0, α = 1; the model is fitted on
// X·diag(r) and its coefficients w become w ⊙ r, so that it reads X itself (the same cost to predict). With L2
// regularization this penalizes Σ (w_c / r_c)²: features that tell the classes apart are penalized less. Without `nb`,
// a plain fit.
LogisticRegression fit_presence(const LogisticOptions& options, bool nb, const SparseMatrix& X,
                                std::span<const int> y) {
  LogisticRegression m(options);
  if (!nb) {
    m.fit(X, y);
    return m;
  }
  const std::size_t d = X.cols();
  std::vector<double> p(d, 1.0), q(d, 1.0);  // α = 1
  for (std::size_t i = 0; i < X.rows(); ++i) {
    auto& counts = y[i] == 1 ? p : q;
    const auto row = X.row(i);
    for (std::size_t e = 0; e < row.size(); ++e)
      if (row.values[e] != 0) counts[static_cast<std::size_t>(row.indices[e])] += 1;
  }
  const double sp = std::accumulate(p.begin(), p.end(), 0.0), sq = std::accumulate(q.begin(), q.end(), 0.0);
  std::vector<double> r(d);
  for (std::size_t c = 0; c < d; ++c) r[c] = std::log((p[c] / sp) / (q[c] / sq));
  const auto ptr = X.indptr();
  const auto idx = X.indices();
  std::vector<double> values(X.values().begin(), X.values().end());
  for (std::size_t e = 0; e < values.size(); ++e) values[e] *= r[static_cast<std::size_t>(idx[e])];
  const SparseMatrix scaled(X.rows(), d, {ptr.begin(), ptr.end()}, {idx.begin(), idx.end()}, std::move(values));
  m.fit(scaled, y);
  Matrix coef = m.coef();
  for (std::size_t c = 0; c < d; ++c) coef(0, c) *= r[c];
  return LogisticRegression::from_parts(options, m.classes(), std::move(coef), m.intercept());
}

// The threshold maximizing F1 of (p ≥ t) against truth: sweep the distinct probabilities from the
// top; the cut lies halfway to the next lower probability. When the best cut takes every text (a
// driver with one or two examples, whose folds without one predict their prior 0), it is no
// classifier: every comment would get the driver (red-team, stop 43: `perche train` on a handful of
// labels wrote such a model); the 0.5 of a probability is kept instead.
// `missed`: positives outside p that no threshold can find (they count in the recall).
double best_threshold(const std::vector<double>& p, const std::vector<std::uint8_t>& truth, std::size_t missed = 0) {
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
  const double positives = static_cast<double>(std::count(truth.begin(), truth.end(), 1) + missed);
  double best_f1 = -1, best_t = 0.5, tp = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && p[order[j]] == p[order[i]]) tp += truth[order[j++]];
    const double predicted = static_cast<double>(j);
    const double f1 = 2 * tp / (predicted + positives);
    if (f1 > best_f1) {
      best_f1 = f1;
      best_t = j < order.size() ? (p[order[i]] + p[order[j]]) / 2 : 0.5;
    }
    i = j;
  }
  return best_t;
}

// What the polarity models read of a set of texts: the TF-IDF rows, the lexicon features of each
// text and the local lexicon features of each (text, driver).
struct PolarityData {
  const SparseMatrix& X;
  const Matrix& L;                   // n × kLexiconFeatures
  const std::vector<double>& local;  // n × k × n_local
  std::size_t k, n_local;
};
using Cells = std::vector<std::pair<std::size_t, std::size_t>>;  // (text, driver)

// One row a cell: [X_r | L_r | local_rj].
SparseMatrix cell_rows(const PolarityData& d, const Cells& cells) {
  const std::size_t cols = d.X.cols() + d.L.cols() + d.n_local;
  std::vector<std::int64_t> indptr(cells.size() + 1, 0), indices;
  std::vector<double> values;
  auto put = [&](std::size_t column, double v) {
    indices.push_back(static_cast<std::int64_t>(column));
    values.push_back(v);
  };
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const auto [r, j] = cells[c];
    const auto row = d.X.row(r);
    indices.insert(indices.end(), row.indices.begin(), row.indices.end());
    values.insert(values.end(), row.values.begin(), row.values.end());
    for (std::size_t l = 0; l < d.L.cols(); ++l) put(d.X.cols() + l, d.L(r, l));
    for (std::size_t l = 0; l < d.n_local; ++l)
      put(d.X.cols() + d.L.cols() + l, d.local[(r * d.k + j) * d.n_local + l]);
    indptr[c + 1] = static_cast<std::int64_t>(indices.size());
  }
  return SparseMatrix(cells.size(), cols, std::move(indptr), std::move(indices), std::move(values));
}

// The polarity models of one polarity (flags: n × drivers 0/1) fitted on the texts `rows`: per
// driver on its mentions, unfitted (no classes) when those hold one class only; pooled over every
// mention of every driver. No pooled model when the pooled mentions hold one class only.
struct PolarityFit {
  std::vector<LogisticRegression> own;
  std::optional<LogisticRegression> pooled;
};

PolarityFit fit_polarity(const PolarityData& d, const LabelMatrix& Y, const LabelMatrix& flags,
                         const std::vector<std::size_t>& rows, const LogisticOptions& options, unsigned threads) {
  const std::size_t k = d.k;
  PolarityFit out;
  out.own.assign(k + 1, LogisticRegression(options));  // the last: pooled
  std::vector<std::uint8_t> fitted(k + 1, 0);
  detail::parallel_jobs(k + 1, threads, [&](std::size_t job) {
    Cells cells;
    std::vector<int> y;
    for (const std::size_t r : rows)
      for (std::size_t j = job < k ? job : 0; j < (job < k ? job + 1 : k); ++j)
        if (Y(r, j)) {
          cells.emplace_back(r, j);
          y.push_back(flags(r, j));
        }
    const auto ones = std::count(y.begin(), y.end(), 1);
    if (ones == 0 || ones == static_cast<std::ptrdiff_t>(y.size())) return;
    out.own[job].fit(cell_rows(d, cells), y);
    fitted[job] = 1;
  });
  if (fitted[k]) out.pooled = std::move(out.own[k]);
  out.own.pop_back();
  for (std::size_t j = 0; j < k; ++j)
    if (!fitted[j]) out.own[j] = LogisticRegression(options);
  return out;
}

// P(polarity | present) of the texts `rows` for every driver: the mean of the driver's model and
// the pooled one (the pooled alone where the driver has none; `prior` without a pooled model).
Matrix polarity_proba(const PolarityFit& fit, const PolarityData& d, const std::vector<std::size_t>& rows,
                      double prior) {
  const std::size_t k = d.k, n = rows.size();
  Matrix P(n, k);
  for (std::size_t j = 0; j < k; ++j) {
    Cells cells;
    for (const std::size_t r : rows) cells.emplace_back(r, j);
    const SparseMatrix Xc = cell_rows(d, cells);
    std::vector<double> pooled(n, prior);
    if (fit.pooled) {
      const Matrix p = fit.pooled->predict_proba(Xc);
      for (std::size_t i = 0; i < n; ++i) pooled[i] = p(i, 1);
    }
    const bool own = !fit.own[j].classes().empty();
    const Matrix p = own ? fit.own[j].predict_proba(Xc) : Matrix();
    for (std::size_t i = 0; i < n; ++i) P(i, j) = own ? (p(i, 1) + pooled[i]) / 2 : pooled[i];
  }
  return P;
}

/// Calls fn(word) for each space-separated word of a word feature ("a b" for a bigram).
template <class Fn>
void each_word(std::string_view feature, Fn&& fn) {
  for (std::size_t at = 0; at <= feature.size();) {
    const std::size_t end = std::min(feature.find(' ', at), feature.size());
    fn(feature.substr(at, end - at));
    at = end + 1;
  }
}

}  // namespace

/// A feature as a person reads it. A character n-gram: its text without the marker. A word or a
/// phrase: its words with the tokenizer's NEG_ marks turned back into the negation the customer
/// wrote — "non" before the phrase unless a negator already precedes its first negated word
/// ("NEG_funziona" → "non funziona", "non NEG_funziona" → "non funziona", "mai NEG_risposto" stays
/// "mai risposto").
std::string detail::display_feature(std::string_view feature) {
  if (!feature.empty() && feature[0] == '\x01') return std::string(feature.substr(1));
  static constexpr std::string_view kNeg = "NEG_";
  if (feature.find(kNeg) == std::string_view::npos) return std::string(feature);
  static const std::vector<std::string> negators = text::negators();
  std::string words;
  bool negated = false, negator_before = false;
  each_word(feature, [&](std::string_view word) {
    if (word.starts_with(kNeg)) {
      word.remove_prefix(kNeg.size());
      negated = true;
    } else if (!negated && std::ranges::find(negators, word) != negators.end()) {
      negator_before = true;
    }
    if (!words.empty()) words += ' ';
    words += word;
  });
  return negated && !negator_before ? "non " + words : words;
}

TfidfOptions DriverOptions::default_features() {
  // Chosen by 5-fold CV on ABSITA 2018 (benchmarks/eval_absita.py; grid in the issue #4 note):
  // stemming costs 0.5 point there (char n-grams already share the stems' information).
  TfidfOptions o;
  o.tokenizer.stem = false;
  o.tokenizer.negation = true;
  o.analyzer = Analyzer::both;
  o.ngram_min = 1;
  o.ngram_max = 2;
  o.char_min = 2;
  o.char_max = 5;
  o.min_df = DocFreq::count(2);
  o.sublinear_tf = true;
  return o;
}

LogisticOptions DriverOptions::default_logistic() {
  LogisticOptions o;
  o.C = 5.0;
  o.balanced = false;
  o.tol = 1e-4;
  o.max_iter = 500;
  // Trust-region Newton: 1.2–1.4× faster than L-BFGS to this tol on the sample survey and ABSITA,
  // 1.7–2.2× at tol 1e-8, same minimizer (benchmarks/compare_solvers.py).
  o.solver = Solver::newton;
  return o;
}

DriverClassifier::DriverClassifier(std::vector<std::string> drivers, DriverOptions options)
    : drivers_(std::move(drivers)),
      options_(std::move(options)),
      tokenizer_(options_.features.tokenizer),
      vectorizer_(options_.features) {
  std::map<std::string, std::size_t> seen;
  for (std::size_t j = 0; j < drivers_.size(); ++j) {
    if (drivers_[j].empty())
      throw std::invalid_argument("DriverClassifier: driver " + std::to_string(j) + " has no name");
    if (!seen.emplace(drivers_[j], j).second)
      throw std::invalid_argument("DriverClassifier: driver '" + drivers_[j] + "' is named twice");
  }
  if (options_.threshold_policy != ThresholdPolicy::per_driver && options_.threshold_policy != ThresholdPolicy::global)
    throw std::invalid_argument("DriverClassifier: threshold_policy " +
                                std::to_string(static_cast<int>(options_.threshold_policy)) +
                                " is not one of per_driver, global");
  if (options_.cv_folds == 1 || options_.cv_folds < 0)
    throw std::invalid_argument("DriverClassifier: cv_folds " + std::to_string(options_.cv_folds) +
                                " (expected 0 for a fixed threshold, or ≥ 2)");
  if (!(options_.threshold > 0 && options_.threshold < 1))
    throw std::invalid_argument("DriverClassifier: threshold " + std::to_string(options_.threshold) +
                                " is not in (0, 1)");
  if (options_.threads > DriverOptions::kMaxThreads)
    throw std::invalid_argument("DriverClassifier: threads " + std::to_string(options_.threads) +
                                " is absurd (at most " + std::to_string(DriverOptions::kMaxThreads) + ")");
  LogisticRegression check(options_.logistic);  // validates C, tol, max_iter now
  if (!(options_.polarity_C > 0 && std::isfinite(options_.polarity_C)))
    throw std::invalid_argument("DriverClassifier: polarity_C " + std::to_string(options_.polarity_C) +
                                " (expected a positive number)");
  (void)check;
}

DriverClassifier& DriverClassifier::fit(std::span<const std::string_view> texts, const LabelMatrix& Y) {
  if (options_.sentiment)
    throw std::invalid_argument(
        "DriverClassifier.fit: a sentiment model (sentiment = true) needs positive and negative labels too");
  fit_models(texts, Y, nullptr, nullptr);
  return *this;
}

DriverClassifier& DriverClassifier::fit(std::span<const std::string_view> texts, const LabelMatrix& Y,
                                        const LabelMatrix& positive, const LabelMatrix& negative) {
  if (!options_.sentiment)
    throw std::invalid_argument(
        "DriverClassifier.fit: positive and negative labels given to a model without sentiment (set sentiment = "
        "true)");
  fit_models(texts, Y, &positive, &negative);
  return *this;
}

void DriverClassifier::fit_models(std::span<const std::string_view> texts, const LabelMatrix& Y,
                                  const LabelMatrix* positive, const LabelMatrix* negative) {
  const std::size_t n = texts.size();
  if (Y.rows() != n)
    throw std::invalid_argument("DriverClassifier.fit: " + std::to_string(n) + " texts but " +
                                std::to_string(Y.rows()) + " label rows");
  if (drivers_.empty())
    for (std::size_t j = 0; j < Y.cols(); ++j) drivers_.push_back("driver_" + std::to_string(j));
  const std::size_t k = drivers_.size();
  if (Y.cols() != k)
    throw std::invalid_argument("DriverClassifier.fit: " + std::to_string(k) + " drivers but " +
                                std::to_string(Y.cols()) + " label columns");
  if (k == 0) throw std::invalid_argument("DriverClassifier.fit: no driver to learn");
  std::vector<std::size_t> positives(k, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < k; ++j) {
      if (Y(i, j) > 1)
        throw std::invalid_argument("DriverClassifier.fit: label " + std::to_string(Y(i, j)) + " at row " +
                                    std::to_string(i) + ", driver '" + drivers_[j] + "' (expected 0 or 1)");
      positives[j] += Y(i, j);
    }
  for (std::size_t j = 0; j < k; ++j) {
    const std::size_t pos = positives[j];
    if (pos == 0 || pos == n)
      throw std::invalid_argument("DriverClassifier.fit: driver '" + drivers_[j] + "' has " +
                                  (pos == 0 ? "no positive" : "no negative") + " example among the " +
                                  std::to_string(n) + " texts; remove it or add examples");
  }
  const bool sentiment = positive != nullptr;
  const std::array<const LabelMatrix*, 2> flags{positive, negative};
  if (sentiment) {
    constexpr std::array<const char*, 2> kName{"positive", "negative"};
    for (std::size_t q = 0; q < 2; ++q) {
      const LabelMatrix& F = *flags[q];
      if (F.rows() != n || F.cols() != k)
        throw std::invalid_argument(std::string("DriverClassifier.fit: ") + kName[q] + " labels are " +
                                    std::to_string(F.rows()) + " × " + std::to_string(F.cols()) + ", expected " +
                                    std::to_string(n) + " × " + std::to_string(k) + " like Y");
      std::size_t flagged = 0;
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < k; ++j) {
          if (F(i, j) > 1)
            throw std::invalid_argument(std::string("DriverClassifier.fit: ") + kName[q] + " label " +
                                        std::to_string(F(i, j)) + " at row " + std::to_string(i) + ", driver '" +
                                        drivers_[j] + "' (expected 0 or 1)");
          if (F(i, j) && !Y(i, j))
            throw std::invalid_argument(std::string("DriverClassifier.fit: row ") + std::to_string(i) + " is " +
                                        kName[q] + " about driver '" + drivers_[j] +
                                        "' but does not mention it (Y is 0 there)");
          flagged += F(i, j);
        }
      std::size_t mentions = std::accumulate(positives.begin(), positives.end(), std::size_t{0});
      if (flagged == 0 || flagged == mentions)
        throw std::invalid_argument(std::string("DriverClassifier.fit: ") + (flagged ? "every" : "no") +
                                    " driver mention is labelled " + kName[q] +
                                    "; a sentiment model needs mentions with and without each polarity");
    }
  }

  tokenizer_ = text::Tokenizer(options_.features.tokenizer);
  const auto docs = tokenizer_.normalize_batch({texts.begin(), texts.end()}, options_.threads);
  vectorizer_ = TfidfVectorizer(options_.features);
  const SparseMatrix X = vectorizer_.fit_transform(docs, options_.threads);
  auto labels_of = [&](std::size_t j, const std::vector<std::size_t>& rows) {
    std::vector<int> y(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) y[i] = Y(rows[i], j);
    return y;
  };
  // The presence models first: the polarity models' anchors come from them.
  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  models_.assign(k, LogisticRegression(options_.logistic));
  detail::parallel_jobs(k, options_.threads, [&](std::size_t j) {
    models_[j] = fit_presence(options_.logistic, options_.nb_scale, X, labels_of(j, all));
  });
  for (auto& m : polarity_models_) m.clear();
  for (auto& m : pooled_) m.reset();
  lexicon_.reset();
  Matrix L;
  std::vector<double> local;
  if (sentiment) {
    SentimentOptions lexicon_options;
    lexicon_options.threads = options_.threads;
    lexicon_ = std::make_shared<SentimentClassifier>(lexicon_options);  // the shipped lexicon
    finish();                                                           // the anchors
    L = Matrix(n, SentimentClassifier::kLexiconFeatures);
    local.assign(n * k * kLocalFeatures, 0.0);
    detail::parallel_for(
        n, options_.threads, "DriverClassifier", "text",
        [&](std::size_t i) {
          read_lexicon(texts[i], L.row(i),
                       std::span<double>(local).subspan(i * k * kLocalFeatures, k * kLocalFeatures));
        },
        256);
  }
  const PolarityData pd{X, L, local, k, kLocalFeatures};

  thresholds_.assign(k, options_.threshold);
  polarity_threshold_ = 0.5;
  // Each training comment's highest driver probability: out of fold when the thresholds are
  // cross-validated (what a comment the model has not seen gets), else in sample.
  std::vector<double> top(n, 0.0);
  auto top_quantiles = [&] {
    std::sort(top.begin(), top.end());
    top_quantiles_.resize(kTopQuantiles);
    for (std::size_t q = 0; q < kTopQuantiles; ++q)
      top_quantiles_[q] = detail::sorted_quantile(top, static_cast<double>(q) / (kTopQuantiles - 1));
  };
  if (options_.cv_folds >= 2) {
    // More folds than texts: one text a fold (leave-one-out). A fold without a text to predict was
    // a model fitted for nothing, and cv_folds 1e9 allocated two index lists a fold until the
    // process was killed.
    const auto folds = std::min(static_cast<std::size_t>(options_.cv_folds), n);
    std::vector<std::size_t> perm(n);
    std::iota(perm.begin(), perm.end(), 0);
    std::mt19937_64 rng(options_.seed);
    std::shuffle(perm.begin(), perm.end(), rng);
    std::vector<std::vector<std::size_t>> train(folds), test(folds);
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t f = 0; f < folds; ++f) (r % folds == f ? test : train)[f].push_back(perm[r]);
    std::vector<SparseMatrix> Xtrain(folds), Xtest(folds);
    for (std::size_t f = 0; f < folds; ++f) {
      std::sort(train[f].begin(), train[f].end());
      std::sort(test[f].begin(), test[f].end());
      Xtrain[f] = take_rows(X, train[f]);
      Xtest[f] = take_rows(X, test[f]);
    }
    std::vector<std::vector<double>> oof(k, std::vector<double>(n, 0.0));
    detail::parallel_jobs(k * folds, options_.threads, [&](std::size_t job) {
      const std::size_t j = job / folds, f = job % folds;
      const auto y = labels_of(j, train[f]);
      const auto pos = std::count(y.begin(), y.end(), 1);
      if (pos == 0 || pos == static_cast<std::ptrdiff_t>(y.size())) {  // a fold without one class: its prior
        for (std::size_t r : test[f]) oof[j][r] = pos ? 1.0 : 0.0;
        return;
      }
      const Matrix P = fit_presence(options_.logistic, options_.nb_scale, Xtrain[f], y).predict_proba(Xtest[f]);
      for (std::size_t i = 0; i < test[f].size(); ++i) oof[j][test[f][i]] = P(i, 1);
    });
    for (std::size_t j = 0; j < k; ++j)
      for (std::size_t i = 0; i < n; ++i) top[i] = std::max(top[i], oof[j][i]);
    std::vector<std::uint8_t> truth(n * k);
    for (std::size_t j = 0; j < k; ++j)
      for (std::size_t i = 0; i < n; ++i) truth[j * n + i] = Y(i, j);
    if (options_.threshold_policy == ThresholdPolicy::global) {
      std::vector<double> all;
      all.reserve(n * k);
      for (const auto& p : oof) all.insert(all.end(), p.begin(), p.end());
      thresholds_.assign(k, best_threshold(all, truth));
    } else {
      for (std::size_t j = 0; j < k; ++j)
        thresholds_[j] =
            best_threshold(oof[j], std::vector<std::uint8_t>(truth.begin() + static_cast<std::ptrdiff_t>(j * n),
                                                             truth.begin() + static_cast<std::ptrdiff_t>((j + 1) * n)));
    }
    if (sentiment) {
      // Out-of-fold P(polarity | present) where the out-of-fold presence passes its threshold; the
      // flags of mentions it misses count as missed in the polarity threshold's F1.
      std::vector<double> scores;
      std::vector<std::uint8_t> flagged;
      std::size_t missed = 0;
      for (std::size_t f = 0; f < folds; ++f) {
        for (std::size_t q = 0; q < 2; ++q) {
          const PolarityFit pf = fit_polarity(pd, Y, *flags[q], train[f], polarity_logistic(), options_.threads);
          const Matrix P = polarity_proba(pf, pd, test[f], 0.5);
          for (std::size_t i = 0; i < test[f].size(); ++i)
            for (std::size_t j = 0; j < k; ++j) {
              const std::size_t r = test[f][i];
              const bool truth_flag = (*flags[q])(r, j) != 0;
              if (oof[j][r] >= thresholds_[j]) {
                scores.push_back(P(i, j));
                flagged.push_back(truth_flag);
              } else {
                missed += truth_flag;
              }
            }
        }
      }
      polarity_threshold_ = best_threshold(scores, flagged, missed);
    }
  } else {
    for (std::size_t j = 0; j < k; ++j) {
      const Matrix P = models_[j].predict_proba(X);
      for (std::size_t i = 0; i < n; ++i) top[i] = std::max(top[i], P(i, 1));
    }
  }
  top_quantiles();

  for (std::size_t q = 0; q < 2 && sentiment; ++q) {
    PolarityFit pf = fit_polarity(pd, Y, *flags[q], all, polarity_logistic(), options_.threads);
    polarity_models_[q] = std::move(pf.own);
    pooled_[q] = std::move(pf.pooled);  // both classes are there: checked above
  }
  finish();
}

void DriverClassifier::finish() {
  const std::size_t d = vectorizer_.features().size(), k = models_.size();
  weights_.assign(d * k, 0.0);
  bias_.assign(k, 0.0);
  for (std::size_t j = 0; j < k; ++j) {
    const auto& m = models_[j];
    if (m.coef().cols() != d || m.coef().rows() != 1)
      throw std::invalid_argument("DriverClassifier: model of driver " + std::to_string(j) + " has " +
                                  std::to_string(m.coef().cols()) + " features, the vectorizer " + std::to_string(d));
    const auto coef = m.coef().row(0);
    for (std::size_t c = 0; c < d; ++c) weights_[c * k + j] = coef[c];
    bias_[j] = m.intercept()[0];
  }
  polarity_weights_.clear();
  polarity_bias_.clear();
  anchors_.reset();
  if (!lexicon_) return;
  auto anchors = std::make_shared<Anchors>();
  // Anchors: per driver its kAnchors single words of largest positive presence weight, by the
  // stem the lexicon's rules see (char n-grams, word pairs and NEG_ terms are not words of a place).
  const auto& features = vectorizer_.features();
  for (std::size_t j = 0; j < k; ++j) {
    std::vector<std::pair<double, std::size_t>> best;
    for (std::size_t c = 0; c < d; ++c) {
      const double w = weights_[c * k + j];
      const std::string& f = features[c];
      if (w <= 0 || f.empty() || f[0] == '\x01' || f.find(' ') != std::string::npos || f.starts_with("NEG_")) continue;
      best.emplace_back(w, c);
    }
    const std::size_t m = std::min(best.size(), kAnchors);
    std::partial_sort(
        best.begin(), best.begin() + static_cast<std::ptrdiff_t>(m), best.end(),
        [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    for (std::size_t i = 0; i < m; ++i)
      (*anchors)[lexicon_->scorer_->tokenizer.stem(features[best[i].second])].push_back(static_cast<std::uint32_t>(j));
  }
  anchors_ = std::move(anchors);
  if (polarity_models_[0].empty()) return;  // fit(): the polarity models come next
  const std::size_t cols = 2 * (k + 1), rows = polarity_columns();
  polarity_weights_.assign(rows * cols, 0.0f);
  polarity_bias_.assign(cols, 0.0);
  for (std::size_t q = 0; q < 2; ++q) {
    if (polarity_models_[q].size() != k || !pooled_[q])
      throw std::invalid_argument("DriverClassifier: the sentiment model lacks polarity models");
    for (std::size_t j = 0; j <= k; ++j) {
      const LogisticRegression& m = j < k ? polarity_models_[q][j] : *pooled_[q];
      if (m.classes().empty()) continue;  // a driver without its own model: the pooled one alone
      if (m.coef().cols() != rows || m.coef().rows() != 1)
        throw std::invalid_argument("DriverClassifier: polarity model of driver " + std::to_string(j) + " has " +
                                    std::to_string(m.coef().cols()) + " features, expected " + std::to_string(rows));
      const auto coef = m.coef().row(0);
      const std::size_t col = polarity_column(q, j, k);
      float* block = polarity_weights_.data() + (col / 2) * rows * 2;
      for (std::size_t c = 0; c < rows; ++c) block[2 * c + q] = static_cast<float>(coef[c]);
      polarity_bias_[col] = m.intercept()[0];
    }
  }
}

std::size_t DriverClassifier::polarity_columns() const {
  return vectorizer_.features().size() + SentimentClassifier::kLexiconFeatures + kLocalFeatures;
}

namespace {
// A thread's token scratch does not keep the memory of a long text (a 10 MB comment's 2 M tokens).
void release_long(std::vector<text::Token>& tokens) {
  if (tokens.capacity() > (std::size_t{1} << 16)) std::vector<text::Token>().swap(tokens);
}

// exp(−d / kNear) for the word distances d < 64 (beyond, below 6e-10), computed once by the same
// expression, so that a table entry is the value std::exp gives.
template <int N>
struct NearTable {
  std::array<double, N> v{};
  explicit NearTable(double near) {
    for (int d = 0; d < N; ++d) v[static_cast<std::size_t>(d)] = std::exp(-static_cast<double>(d) / near);
  }
};
}  // namespace

void DriverClassifier::read_lexicon(std::string_view text, std::span<double> sentence, std::span<double> local,
                                    const std::uint8_t* want, std::vector<text::Token>* segmented) const {
  static const NearTable<64> kNearness(kNear);
  using Hit = SentimentClassifier::Scorer::Hit;
  struct Scratch {  // the thread's (thread_scratch.hpp)
    std::vector<Hit> hits;
    std::vector<text::Token> own;
    std::vector<std::vector<std::size_t>> anchor_at;
    std::vector<std::size_t> starts;  // byte start of each word
    std::vector<double> pos, neg;
    std::vector<std::size_t> wanted;
  };
  Scratch& scratch = detail::thread_scratch<Scratch>();
  auto& hits = scratch.hits;
  auto& own = scratch.own;
  auto& anchor_at = scratch.anchor_at;
  auto& starts = scratch.starts;
  auto& pos = scratch.pos;
  auto& neg = scratch.neg;
  std::vector<text::Token>& tokens = segmented ? *segmented : own;
  const auto& scorer = *lexicon_->scorer_;
  scorer.score(text, sentence, &hits, &tokens, segmented != nullptr);
  const std::size_t k = drivers_.size();
  // Word positions: each driver's anchors (in text order), and where each hit is. A hit's
  // distance to a driver is a binary search in its anchors: linear in the text for a fixed model.
  anchor_at.resize(k);
  for (auto& a : anchor_at) a.clear();
  starts.clear();
  const Anchors* anchors = anchors_.get();
  for (const auto& t : tokens) {
    if (t.kind != text::TokenKind::word && t.kind != text::TokenKind::hashtag && t.kind != text::TokenKind::emoji &&
        t.kind != text::TokenKind::emoticon)
      continue;
    if (const auto* drivers = anchors ? anchors->find(t.norm) : nullptr)
      for (const std::uint32_t j : *drivers)
        if (!want || want[j]) anchor_at[j].push_back(starts.size());
    starts.push_back(t.start);
  }
  pos.assign(k, 0.0);
  neg.assign(k, 0.0);
  // The wanted drivers, listed once: a comment mentions one or two of them, and a test of every
  // driver for every hit was a branch the processor could not foresee.
  auto& wanted = scratch.wanted;
  wanted.clear();
  for (std::size_t j = 0; j < k; ++j)
    if (!want || want[j]) wanted.push_back(j);
  for (const Hit& h : hits) {
    const auto where =
        static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), h.start) - starts.begin());
    const std::size_t at = where ? where - 1 : 0;
    for (const std::size_t j : wanted) {
      double near = 1.0;  // no anchor: the whole text
      const auto& a = anchor_at[j];
      if (!a.empty()) {
        const auto it = std::lower_bound(a.begin(), a.end(), at);
        std::size_t d = std::numeric_limits<std::size_t>::max();
        if (it != a.end()) d = *it - at;
        if (it != a.begin()) d = std::min(d, at - *(it - 1));
        near = d < kNearness.v.size() ? kNearness.v[d] : std::exp(-static_cast<double>(d) / kNear);
      }
      (h.weight > 0 ? pos[j] : neg[j]) += near * std::abs(h.weight);
    }
  }
  for (const std::size_t j : wanted) {
    local[j * kLocalFeatures + 0] = std::log1p(pos[j]);
    local[j * kLocalFeatures + 1] = std::log1p(neg[j]);
    local[j * kLocalFeatures + 2] = (pos[j] - neg[j]) / (pos[j] + neg[j] + 1.0);
  }
  release_long(own);
}

bool DriverClassifier::polarity_probabilities(std::string_view text, const TfidfVectorizer::Row& row,
                                              const std::uint8_t* want, std::span<double> p, double* sentence_out,
                                              std::vector<text::Token>* segmented) const {
  const std::size_t k = drivers_.size(), d = vectorizer_.features().size();
  constexpr std::size_t nl = SentimentClassifier::kLexiconFeatures;
  // The column pairs (positive, negative) to sum: the pooled one (0) and each wanted driver's
  // (1 + j). A comment mentions one or two of the drivers: summing their pairs alone, not all
  // 2 (k + 1) columns of each feature, is most of what predict_polarity saves over
  // predict_polarity_proba.
  struct Scratch {  // the thread's (thread_scratch.hpp)
    std::vector<std::size_t> pairs;
    std::vector<double> z, local;
  };
  Scratch& scratch = detail::thread_scratch<Scratch>();
  auto& pairs = scratch.pairs;
  auto& z = scratch.z;
  auto& local = scratch.local;
  pairs.clear();
  for (std::size_t j = 0; j < k; ++j)
    if (!want || want[j]) pairs.push_back(1 + j);
  std::fill(p.begin(), p.end(), std::numeric_limits<double>::quiet_NaN());
  if (pairs.empty()) return false;
  pairs.insert(pairs.begin(), 0);
  z.assign(polarity_bias_.begin(), polarity_bias_.end());
  local.assign(k * kLocalFeatures, 0.0);
  std::array<double, nl> sentence{};
  read_lexicon(text, sentence, local, want, segmented);
  if (sentence_out) std::copy(sentence.begin(), sentence.end(), sentence_out);
  const std::size_t rows = polarity_columns();
  // Pair s's (positive, negative) weights of feature f.
  auto weight = [&](std::size_t s, std::size_t f) { return polarity_weights_.data() + (s * rows + f) * 2; };
  // The pairs up to three at a time (the pooled pair and a comment's one or two drivers: one pass
  // over the row), each column summed in a register in the row's order, then the lexicon features.
  for (std::size_t first = 0; first < pairs.size(); first += 3) {
    const std::size_t m = std::min<std::size_t>(3, pairs.size() - first);
    std::array<const float*, 3> block{};
    std::array<double, 6> acc{};
    for (std::size_t t = 0; t < 3; ++t) {
      const std::size_t s = pairs[first + std::min(t, m - 1)];  // a short chunk repeats its last pair
      block[t] = weight(s, 0);
      acc[2 * t] = z[2 * s];
      acc[2 * t + 1] = z[2 * s + 1];
    }
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i + kAhead < row.size()) {
        const auto next = static_cast<std::size_t>(row[i + kAhead].first) * 2;
        for (std::size_t t = 0; t < m; ++t) detail::prefetch(block[t] + next);
      }
      const auto [feature, v] = row[i];
      const auto f = static_cast<std::size_t>(feature) * 2;
      acc[0] += v * block[0][f];
      acc[1] += v * block[0][f + 1];
      acc[2] += v * block[1][f];
      acc[3] += v * block[1][f + 1];
      acc[4] += v * block[2][f];
      acc[5] += v * block[2][f + 1];
    }
    for (std::size_t t = 0; t < m; ++t) {
      const std::size_t s = pairs[first + t];
      z[2 * s] = acc[2 * t];
      z[2 * s + 1] = acc[2 * t + 1];
    }
  }
  for (std::size_t l = 0; l < nl; ++l)
    for (const std::size_t s : pairs) {
      const float* w = weight(s, d + l);
      z[2 * s] += sentence[l] * w[0];
      z[2 * s + 1] += sentence[l] * w[1];
    }
  for (std::size_t q = 0; q < 2; ++q)
    for (std::size_t j = 0; j < k; ++j) {
      if (want && !want[j]) continue;
      const std::size_t own = polarity_column(q, j, k), pooled = polarity_column(q, k, k);
      double z_own = z[own], z_pooled = z[pooled];
      for (std::size_t l = 0; l < kLocalFeatures; ++l) {
        z_own += local[j * kLocalFeatures + l] * weight(own / 2, d + nl + l)[q];
        z_pooled += local[j * kLocalFeatures + l] * weight(pooled / 2, d + nl + l)[q];
      }
      p[q * k + j] =
          polarity_models_[q][j].classes().empty() ? sigmoid(z_pooled) : (sigmoid(z_own) + sigmoid(z_pooled)) / 2;
    }
  return true;
}

std::pair<Matrix, Matrix> DriverClassifier::predict_polarity_proba(std::span<const std::string_view> texts) const {
  if (!fitted()) throw std::logic_error("DriverClassifier: predict before fit");
  if (!has_sentiment()) throw std::logic_error("DriverClassifier: predict_polarity of a model without sentiment");
  const std::size_t k = drivers_.size();
  std::pair<Matrix, Matrix> out{Matrix(texts.size(), k), Matrix(texts.size(), k)};
  const bool one_segmentation = lexicon_->scorer_->shares_segmentation(tokenizer_);  // as below
  detail::parallel_for(
      texts.size(), options_.threads, "DriverClassifier", "text",
      [&](std::size_t i) {
        struct Scratch {  // the thread's (thread_scratch.hpp)
          TfidfVectorizer::Row row;
          std::vector<double> p;
          std::vector<text::Token> segmented;
        };
        Scratch& scratch = detail::thread_scratch<Scratch>();
        auto& row = scratch.row;
        auto& p = scratch.p;
        auto& segmented = scratch.segmented;
        std::vector<text::Token>* seg = one_segmentation ? &segmented : nullptr;
        vectorizer_.read_row(tokenizer_, texts[i], row, false, seg);
        p.resize(2 * k);
        polarity_probabilities(texts[i], row, nullptr, p, nullptr, seg);
        release_long(segmented);
        std::copy(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(k), out.first.data() + i * k);
        std::copy(p.begin() + static_cast<std::ptrdiff_t>(k), p.end(), out.second.data() + i * k);
      },
      256);
  return out;
}

namespace {
bool same_lexicon(const SentimentLexicon& a, const SentimentLexicon& b) {
  if (&a == &b) return true;
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto &x = a.entries()[i], &y = b.entries()[i];
    if (x.term != y.term || x.polarity != y.polarity) return false;
  }
  return true;
}
}  // namespace

PresencePolarity DriverClassifier::predict_proba_with_polarity(std::span<const std::string_view> texts,
                                                               std::optional<double> threshold,
                                                               const SentimentClassifier* sentiment) const {
  if (!fitted()) throw std::logic_error("DriverClassifier: predict before fit");
  if (!has_sentiment()) throw std::logic_error("DriverClassifier: predict_polarity of a model without sentiment");
  if (sentiment && !sentiment->fitted())
    throw std::logic_error("DriverClassifier: predict_proba_with_polarity with an unfitted sentiment model");
  if (threshold && std::isnan(*threshold))  // it made every polarity NaN, as if no driver were found
    throw std::invalid_argument(
        "DriverClassifier: predict_proba_with_polarity threshold is NaN (a probability: "
        "0 makes every driver present, above 1 none)");
  const std::size_t k = drivers_.size();
  constexpr std::size_t nl = SentimentClassifier::kLexiconFeatures, nc = SentimentClassifier::kClasses.size();
  PresencePolarity out{Matrix(texts.size(), k), Matrix(texts.size(), k), Matrix(texts.size(), k),
                       sentiment ? Matrix(texts.size(), nc) : Matrix()};
  // The lexicon features the polarity models read are the sentiment model's when both read the
  // same lexicon (the same rules over the same entries give the same features).
  const bool shared = sentiment && same_lexicon(lexicon_->lexicon(), sentiment->lexicon());
  // The text is segmented once, for the features and the lexicon's rules, when both segment alike.
  const bool one_segmentation = lexicon_->scorer_->shares_segmentation(tokenizer_);
  detail::parallel_for(
      texts.size(), options_.threads, "DriverClassifier", "text",
      [&](std::size_t i) {
        struct Scratch {  // the thread's (thread_scratch.hpp)
          TfidfVectorizer::Row row;
          std::vector<double> p;
          std::vector<std::uint8_t> present;
          std::vector<text::Token> segmented;
        };
        Scratch& scratch = detail::thread_scratch<Scratch>();
        auto& row = scratch.row;
        auto& p = scratch.p;
        auto& present = scratch.present;
        auto& segmented = scratch.segmented;
        std::vector<text::Token>* seg = one_segmentation ? &segmented : nullptr;
        vectorizer_.read_row(tokenizer_, texts[i], row, false, seg);
        const auto presence = probabilities(row);
        present.resize(k);
        for (std::size_t j = 0; j < k; ++j) present[j] = presence[j] >= (threshold ? *threshold : thresholds_[j]);
        p.resize(2 * k);
        std::array<double, nl> sentence;
        const bool read =
            polarity_probabilities(texts[i], row, present.data(), p, shared ? sentence.data() : nullptr, seg);
        if (sentiment) {
          if (!shared || !read) sentiment->scorer_->score(texts[i], sentence);
          const auto s = sentiment->predict_proba(texts[i], sentence);
          std::copy(s.begin(), s.end(), out.sentiment.data() + i * nc);
        }
        release_long(segmented);
        std::copy(presence.begin(), presence.end(), out.presence.data() + i * k);
        std::copy(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(k), out.positive.data() + i * k);
        std::copy(p.begin() + static_cast<std::ptrdiff_t>(k), p.end(), out.negative.data() + i * k);
      },
      256);
  return out;
}

Polarity DriverClassifier::predict_polarity(std::span<const std::string_view> texts) const {
  // The present drivers' polarity probabilities, NaN for the others (NaN >= t is false: 0 in both).
  const PresencePolarity p = predict_proba_with_polarity(texts);
  const std::size_t n = texts.size(), k = drivers_.size();
  Polarity out{LabelMatrix(n, k), LabelMatrix(n, k)};
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < k; ++j) {
      out.positive(i, j) = p.positive(i, j) >= polarity_threshold_;
      out.negative(i, j) = p.negative(i, j) >= polarity_threshold_;
    }
  return out;
}

const LogisticRegression& DriverClassifier::model(std::size_t driver) const {
  if (driver >= models_.size())
    throw std::out_of_range("DriverClassifier: driver index " + std::to_string(driver) + " (have " +
                            std::to_string(models_.size()) + ")");
  return models_[driver];
}

std::size_t DriverClassifier::index_of(std::string_view driver) const {
  for (std::size_t j = 0; j < drivers_.size(); ++j)
    if (drivers_[j] == driver) return j;
  throw std::invalid_argument("DriverClassifier: no driver named '" + std::string(driver) + "'");
}

void DriverClassifier::set_labels(std::vector<std::string> labels) {
  if (!labels.empty() && labels.size() != drivers_.size())
    throw std::invalid_argument("DriverClassifier: " + std::to_string(labels.size()) + " labels for " +
                                std::to_string(drivers_.size()) + " drivers (give one per driver, or none)");
  for (std::size_t j = 0; j < labels.size(); ++j)
    if (labels[j].empty())
      throw std::invalid_argument("DriverClassifier: the label of driver " + std::to_string(j) + " ('" + drivers_[j] +
                                  "') is empty");
  labels_ = std::move(labels);
}

void DriverClassifier::set_threads(unsigned threads) {
  if (threads > DriverOptions::kMaxThreads)
    throw std::invalid_argument("DriverClassifier: threads " + std::to_string(threads) + " is absurd (at most " +
                                std::to_string(DriverOptions::kMaxThreads) + ")");
  options_.threads = threads;
}

Matrix DriverClassifier::predict_proba(std::span<const std::string_view> texts) const {
  if (!fitted()) throw std::logic_error("DriverClassifier: predict before fit");
  Matrix P(texts.size(), models_.size());
  detail::parallel_for(
      texts.size(), options_.threads, "DriverClassifier", "text",
      [&](std::size_t i) {
        const auto p = predict_proba(texts[i]);
        std::copy(p.begin(), p.end(), P.data() + i * P.cols());
      },
      256);
  return P;
}

std::vector<double> DriverClassifier::predict_proba(std::string_view text) const {
  if (!fitted()) throw std::logic_error("DriverClassifier: predict before fit");
  // The terms go from the tokenizer to the features one at a time: no list of a text's terms.
  // The row's order does not matter to the dot product: no sort of its columns.
  thread_local TfidfVectorizer::Row row;
  vectorizer_.read_row(tokenizer_, text, row, false);
  return probabilities(row);
}

std::vector<double> DriverClassifier::probabilities(const TfidfVectorizer::Row& row) const {
  const auto k = static_cast<std::size_t>(bias_.size());
  std::vector<double> z(bias_.data(), bias_.data() + k);
  // The k weights of a feature are contiguous; a row's features are scattered over the matrix, so
  // the weights of the entry kAhead places on are fetched while this one is summed (measured: the
  // loads were most of this loop's time).
  const double* weights = weights_.data();
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i + kAhead < row.size()) {
      const double* next = weights + static_cast<std::size_t>(row[i + kAhead].first) * k;
      detail::prefetch(next);
      detail::prefetch(next + k - 1);
    }
    const double v = row[i].second;
    const double* w = weights + static_cast<std::size_t>(row[i].first) * k;
    for (std::size_t j = 0; j < k; ++j) z[j] += v * w[j];
  }
  for (double& x : z) x = sigmoid(x);
  return z;
}

LabelMatrix DriverClassifier::predict(std::span<const std::string_view> texts) const {
  const Matrix P = predict_proba(texts);
  LabelMatrix out(P.rows(), P.cols());
  for (std::size_t i = 0; i < P.rows(); ++i)
    for (std::size_t j = 0; j < P.cols(); ++j) out(i, j) = P(i, j) >= thresholds_[j];
  return out;
}

std::vector<std::pair<std::size_t, double>> DriverClassifier::top_k(std::string_view text, std::size_t k) const {
  const auto p = predict_proba(text);
  std::vector<std::pair<std::size_t, double>> out;
  for (std::size_t j = 0; j < p.size(); ++j) out.emplace_back(j, p[j]);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (out.size() > k) out.resize(k);
  return out;
}

// One pass over the feature occurrences in occurrences()' order, each adding its share to its
// key's weight for every explained driver and its term range to the key's list: time and memory
// linear in the text (a list of every occurrence, a std::map per driver and a linear search of a
// key's spans per occurrence made a 1 MB comment take seconds, tens of them from Python).
std::vector<Explanation> DriverClassifier::explain(std::string_view text, std::size_t max_terms) const {
  if (!fitted()) throw std::logic_error("DriverClassifier: explain before fit");
  std::vector<std::string> terms;  // normalize(text), with the byte range of each term's token
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  {
    text::detail::TermReader reader(tokenizer_);
    reader.read(text, [&](std::string_view term, std::uint64_t, std::size_t start, std::size_t end) {
      terms.emplace_back(term);
      spans.emplace_back(start, end);
    });
  }
  TfidfVectorizer::Row row;
  std::vector<std::int64_t> times;  // occurrences per column share its contribution equally
  vectorizer_.transform_row(terms, row, times);

  const auto p = probabilities(row);  // the terms are normalize(text): no second tokenization
  std::vector<double> polarity;
  if (has_sentiment()) {
    polarity.resize(2 * p.size());
    polarity_probabilities(text, row, nullptr, polarity);
  }
  std::vector<std::size_t> chosen;
  for (std::size_t j = 0; j < p.size(); ++j)
    if (p[j] >= thresholds_[j]) chosen.push_back(j);
  if (chosen.empty() && !p.empty())
    chosen.push_back(static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin()));
  std::sort(chosen.begin(), chosen.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
  const std::size_t m = chosen.size();

  // Group by what a reader sees: a word n-gram by its text, a char n-gram by the word it is in.
  // Keys are views of the terms and of the vectorizer's features.
  std::vector<std::string_view> keys;
  std::unordered_map<std::string_view, std::uint32_t> key_of;
  std::vector<double> weight;  // key × chosen driver, summed in occurrence order
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> ranges;  // of terms, per key
  auto intern = [&](std::string_view key) {
    const auto [it, added] = key_of.try_emplace(key, static_cast<std::uint32_t>(keys.size()));
    if (added) {
      keys.push_back(key);
      weight.resize(weight.size() + m, 0.0);
      ranges.emplace_back();
    }
    return it->second;
  };
  std::vector<std::uint32_t> term_key(terms.size());
  for (std::size_t t = 0; t < terms.size(); ++t) term_key[t] = intern(terms[t]);
  // The row's entry of a column: open addressing over the row's columns (a binary search of the
  // row per occurrence was half of a long text's time).
  std::vector<std::pair<std::int64_t, std::size_t>> entry_of(std::bit_ceil(2 * row.size() + 2), {-1, 0});
  const std::size_t mask = entry_of.size() - 1;
  auto slot = [&](std::int64_t column) {
    std::size_t i = static_cast<std::size_t>(static_cast<std::uint64_t>(column) * 0x9E3779B97F4A7C15ull >> 32) & mask;
    while (entry_of[i].first >= 0 && entry_of[i].first != column) i = (i + 1) & mask;
    return i;
  };
  for (std::size_t r = 0; r < row.size(); ++r) entry_of[slot(row[r].first)] = {row[r].first, r};
  const auto& features = vectorizer_.features();
  const bool char_only = vectorizer_.options().analyzer == Analyzer::char_wb;
  vectorizer_.for_each_occurrence(terms, [&](const TfidfVectorizer::Occurrence& o) {
    const std::string& feature = features[static_cast<std::size_t>(o.column)];
    const bool is_char = char_only || (!feature.empty() && feature[0] == '\x01');
    // A word n-gram's feature is its terms joined by spaces: its key.
    const std::uint32_t k = is_char || o.first_term == o.last_term ? term_key[o.first_term] : intern(feature);
    const std::size_t r = entry_of[slot(o.column)].second;
    const double value = row[r].second;
    const auto n = static_cast<double>(times[r]);
    const double* coef =
        weights_.data() + static_cast<std::size_t>(o.column) * drivers_.size();  // contiguous per feature
    double* w = &weight[std::size_t{k} * m];
    for (std::size_t c = 0; c < m; ++c) w[c] += coef[chosen[c]] * value / n;
    auto& list = ranges[k];
    // The char n-grams of a term come one after another: most repeats are the last range.
    if (list.empty() || list.back() != std::pair{o.first_term, o.last_term})
      list.emplace_back(o.first_term, o.last_term);
  });

  // Keys a person reads alike are one term: NEG_funziona and the phrase "non NEG_funziona" are both
  // "non funziona" (their weights add up, their spans join).
  std::vector<std::string> shown(keys.size());
  std::unordered_map<std::string, std::uint32_t> first_shown;
  std::vector<std::uint32_t> by_text;  // the keys that occur, in text order (a std::map's)
  // A stemming model's keys are stems ("richiam"): it shows a key as its first occurrence was
  // written ("richiamato"; "non richiamato" in a negation scope).
  const bool stems = options_.features.tokenizer.stem;
  for (std::uint32_t k = 0; k < keys.size(); ++k) {
    if (ranges[k].empty()) continue;
    shown[k] = detail::display_feature(keys[k]);
    if (stems) {
      const auto [first, last] = *std::min_element(ranges[k].begin(), ranges[k].end());
      std::string written(text.substr(spans[first].first, spans[last].second - spans[first].first));
      // Negated unless the words as written open with their negator ("senza problemi").
      static const std::vector<std::string> negators = text::negators();
      std::string opening = written.substr(0, written.find(' '));
      for (char& ch : opening) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      const bool negated =
          keys[k].find("NEG_") != std::string_view::npos && std::ranges::find(negators, opening) == negators.end();
      shown[k] = negated ? "non " + written : std::move(written);
    }
    const auto [it, added] = first_shown.try_emplace(shown[k], k);
    if (added) {
      by_text.push_back(k);
      continue;
    }
    for (std::size_t c = 0; c < m; ++c) weight[it->second * m + c] += weight[k * m + c];
    ranges[it->second].insert(ranges[it->second].end(), ranges[k].begin(), ranges[k].end());
  }
  std::sort(by_text.begin(), by_text.end(), [&](std::uint32_t a, std::uint32_t b) { return shown[a] < shown[b]; });
  std::vector<Explanation> out;
  for (std::size_t c = 0; c < m; ++c) {
    std::vector<std::uint32_t> order = by_text;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return weight[a * m + c] > weight[b * m + c]; });
    if (order.size() > max_terms) order.resize(max_terms);
    const std::size_t j = chosen[c];
    Explanation e{drivers_[j], p[j], thresholds_[j], {}, {}};
    if (has_sentiment()) {
      e.positive = polarity[j];
      e.negative = polarity[drivers_.size() + j];
      if (p[j] >= thresholds_[j]) {
        const bool pos = e.positive >= polarity_threshold_, neg = e.negative >= polarity_threshold_;
        e.polarity = pos && neg ? "mixed" : pos ? "positive" : neg ? "negative" : "neutral";
      }
    }
    for (const std::uint32_t k : order) {
      auto& list = ranges[k];
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
      Contribution contribution{shown[k], weight[k * m + c], {}};
      contribution.spans.reserve(list.size());
      for (const auto& [first, last] : list) contribution.spans.emplace_back(spans[first].first, spans[last].second);
      e.terms.push_back(std::move(contribution));
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::pair<std::string, double>> DriverClassifier::top_terms(std::size_t driver, std::size_t k) const {
  if (!fitted()) throw std::logic_error("DriverClassifier: top_terms before fit");
  if (driver >= models_.size())
    throw std::out_of_range("DriverClassifier: driver index " + std::to_string(driver) + " (have " +
                            std::to_string(models_.size()) + ")");
  const auto& features = vectorizer_.features();
  const std::size_t drivers = drivers_.size();
  // Each word or phrase of the vocabulary scored as a comment of its own: the TF-IDF row of its
  // terms (the word feature with the character n-grams of its words, L2-normalized as any comment)
  // times the driver's coefficients. A model with character n-grams alone has no words: its
  // features are ranked by their own coefficient.
  const bool words = vectorizer_.options().analyzer != Analyzer::char_wb;
  std::vector<std::pair<std::string, double>> scored;
  TfidfVectorizer::Row row;
  std::vector<std::string> terms;
  for (std::size_t f = 0; f < features.size(); ++f) {
    const std::string& feature = features[f];
    const bool is_char = !feature.empty() && feature[0] == '\x01';
    double z = 0.0;
    if (!words) {
      z = weights_[f * drivers + driver];
    } else if (is_char) {
      continue;
    } else {
      terms.clear();
      each_word(feature, [&](std::string_view word) { terms.emplace_back(word); });
      vectorizer_.transform_row(terms, row);
      for (const auto& [column, value] : row)
        z += value * weights_[static_cast<std::size_t>(column) * drivers + driver];
    }
    scored.emplace_back(detail::display_feature(feature), z);
  }
  // One entry per text a person reads ("non funziona" can be NEG_funziona and non NEG_funziona):
  // the highest.
  std::sort(scored.begin(), scored.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first < b.first : a.second > b.second; });
  scored.erase(
      std::unique(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
      scored.end());
  k = std::min(k, scored.size());
  std::partial_sort(
      scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(k), scored.end(),
      [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  scored.resize(k);
  return scored;
}

std::vector<std::pair<std::string, double>> DriverClassifier::top_terms(std::string_view driver, std::size_t k) const {
  // Before fit a name was "no driver named ...": the model knows its names, not yet its terms.
  if (!fitted()) throw std::logic_error("DriverClassifier: top_terms before fit");
  return top_terms(index_of(driver), k);
}

Evaluation DriverClassifier::evaluate(std::span<const std::string_view> texts, const LabelMatrix& Y) const {
  if (!fitted()) throw std::logic_error("DriverClassifier: evaluate before fit");
  if (Y.rows() != texts.size() || Y.cols() != drivers_.size())
    throw std::invalid_argument("DriverClassifier.evaluate: labels are " + std::to_string(Y.rows()) + " × " +
                                std::to_string(Y.cols()) + ", expected " + std::to_string(texts.size()) + " × " +
                                std::to_string(drivers_.size()));
  return perche::evaluate(Y, predict(texts), drivers_);
}

Evaluation evaluate(const LabelMatrix& truth, const LabelMatrix& predicted, const std::vector<std::string>& names) {
  if (truth.rows() != predicted.rows() || truth.cols() != predicted.cols() || truth.cols() != names.size())
    throw std::invalid_argument("evaluate: truth is " + std::to_string(truth.rows()) + " × " +
                                std::to_string(truth.cols()) + ", predictions " + std::to_string(predicted.rows()) +
                                " × " + std::to_string(predicted.cols()) + ", with " + std::to_string(names.size()) +
                                " names");
  // As fit(): a label is 0 or 1 (a 7 was counted as a mention).
  for (const auto& [M, what] : {std::pair{&truth, "truth"}, std::pair{&predicted, "predicted"}})
    for (std::size_t i = 0; i < M->rows(); ++i)
      for (std::size_t j = 0; j < M->cols(); ++j)
        if ((*M)(i, j) > 1)
          throw std::invalid_argument("evaluate: " + std::string(what) + " label " + std::to_string((*M)(i, j)) +
                                      " at row " + std::to_string(i) + ", driver '" + names[j] + "' (expected 0 or 1)");
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  auto f1 = [](double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0.0; };
  Evaluation e;
  double TP = 0, FP = 0, FN = 0;
  for (std::size_t j = 0; j < truth.cols(); ++j) {
    double tp = 0, fp = 0, fn = 0;
    for (std::size_t i = 0; i < truth.rows(); ++i) {
      const bool t = truth(i, j) != 0, p = predicted(i, j) != 0;
      tp += t && p;
      fp += !t && p;
      fn += t && !p;
    }
    DriverScores s;
    s.driver = names[j];
    s.precision = ratio(tp, tp + fp);
    s.recall = ratio(tp, tp + fn);
    s.f1 = f1(s.precision, s.recall);
    s.support = static_cast<std::size_t>(tp + fn);
    e.macro_precision += s.precision;
    e.macro_recall += s.recall;
    e.macro_f1 += s.f1;
    TP += tp;
    FP += fp;
    FN += fn;
    e.drivers.push_back(std::move(s));
  }
  const double k = static_cast<double>(std::max<std::size_t>(1, truth.cols()));
  e.macro_precision /= k;
  e.macro_recall /= k;
  e.macro_f1 /= k;
  e.micro_precision = ratio(TP, TP + FP);
  e.micro_recall = ratio(TP, TP + FN);
  e.micro_f1 = f1(e.micro_precision, e.micro_recall);
  return e;
}

}  // namespace perche
