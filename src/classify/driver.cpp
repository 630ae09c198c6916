// SPDX-License-Identifier: Apache-2.0
// DriverClassifier: one vectorizer, one binary logistic regression per driver (one-vs-rest), and a
// per-driver threshold chosen on out-of-fold probabilities to maximize F1 (the "plug-in" rule of
// Lipton, Elkan & Naryanaswamy 2014, "Optimal thresholding of classifiers to maximize F1").
#include <perche/classify.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "../common/parallel.hpp"
#include "../common/prefetch.hpp"
#include "../text/term_reader.hpp"
#include "logit.hpp"

namespace perche {
namespace {

using detail::sigmoid;

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

// The threshold maximizing F1 of (p ≥ t) against truth: sweep the distinct probabilities from the
// top; the cut lies halfway to the next lower probability.
double best_threshold(const std::vector<double>& p, const std::vector<std::uint8_t>& truth) {
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
  const double positives = static_cast<double>(std::count(truth.begin(), truth.end(), 1));
  double best_f1 = -1, best_t = 0.5, tp = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && p[order[j]] == p[order[i]]) tp += truth[order[j++]];
    const double predicted = static_cast<double>(j);
    const double f1 = 2 * tp / (predicted + positives);
    if (f1 > best_f1) {
      best_f1 = f1;
      best_t = j < order.size() ? (p[order[i]] + p[order[j]]) / 2 : p[order[i]];
    }
    i = j;
  }
  return best_t;
}

std::string display(const std::string& feature) {
  return !feature.empty() && feature[0] == '\x01' ? feature.substr(1) : feature;
}

}  // namespace

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
  (void)check;
}

DriverClassifier& DriverClassifier::fit(std::span<const std::string_view> texts, const LabelMatrix& Y) {
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

  tokenizer_ = text::Tokenizer(options_.features.tokenizer);
  const auto docs = tokenizer_.normalize_batch({texts.begin(), texts.end()}, options_.threads);
  vectorizer_ = TfidfVectorizer(options_.features);
  const SparseMatrix X = vectorizer_.fit_transform(docs, options_.threads);

  auto labels_of = [&](std::size_t j, const std::vector<std::size_t>& rows) {
    std::vector<int> y(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) y[i] = Y(rows[i], j);
    return y;
  };

  thresholds_.assign(k, options_.threshold);
  if (options_.cv_folds >= 2) {
    const auto folds = static_cast<std::size_t>(options_.cv_folds);
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
      LogisticRegression m(options_.logistic);
      m.fit(Xtrain[f], y);
      const Matrix P = m.predict_proba(Xtest[f]);
      for (std::size_t i = 0; i < test[f].size(); ++i) oof[j][test[f][i]] = P(i, 1);
    });
    for (std::size_t j = 0; j < k; ++j) {
      std::vector<std::uint8_t> truth(n);
      for (std::size_t i = 0; i < n; ++i) truth[i] = Y(i, j);
      thresholds_[j] = best_threshold(oof[j], truth);
    }
  }

  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  models_.assign(k, LogisticRegression(options_.logistic));
  detail::parallel_jobs(k, options_.threads, [&](std::size_t j) { models_[j].fit(X, labels_of(j, all)); });
  finish();
  return *this;
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
  constexpr std::size_t kAhead = 8;
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

  std::vector<std::uint32_t> by_text;  // the keys that occur, in text order (a std::map's)
  for (std::uint32_t k = 0; k < keys.size(); ++k)
    if (!ranges[k].empty()) by_text.push_back(k);
  std::sort(by_text.begin(), by_text.end(), [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
  std::vector<Explanation> out;
  for (std::size_t c = 0; c < m; ++c) {
    std::vector<std::uint32_t> order = by_text;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return weight[a * m + c] > weight[b * m + c]; });
    if (order.size() > max_terms) order.resize(max_terms);
    const std::size_t j = chosen[c];
    Explanation e{drivers_[j], p[j], thresholds_[j], {}};
    for (const std::uint32_t k : order) {
      auto& list = ranges[k];
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
      Contribution contribution{std::string(keys[k]), weight[k * m + c], {}};
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
  const auto row = models_[driver].coef().row(0);  // weights_ holds the same values, feature by feature
  std::vector<std::size_t> cols(row.size());
  std::iota(cols.begin(), cols.end(), 0);
  k = std::min<std::size_t>(k, cols.size());
  std::partial_sort(cols.begin(), cols.begin() + static_cast<std::ptrdiff_t>(k), cols.end(),
                    [&](std::size_t a, std::size_t b) { return row[a] > row[b]; });
  std::vector<std::pair<std::string, double>> out;
  for (std::size_t i = 0; i < k; ++i) out.emplace_back(display(vectorizer_.features()[cols[i]]), row[cols[i]]);
  return out;
}

std::vector<std::pair<std::string, double>> DriverClassifier::top_terms(std::string_view driver, std::size_t k) const {
  return top_terms(index_of(driver), k);
}

Evaluation DriverClassifier::evaluate(std::span<const std::string_view> texts, const LabelMatrix& Y) const {
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
