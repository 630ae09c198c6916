// SPDX-License-Identifier: Apache-2.0
// The labelling loop (perche/labelling.hpp): which comments to label next, and cross-validation.
#include <perche/labelling.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <tuple>
#include <string>
#include <unordered_set>
#include <vector>

namespace perche {
namespace {

// A permutation of 0..n-1 from a seed: Fisher–Yates with mt19937_64, whose output the standard
// fixes (std::shuffle and the distributions are implementation-defined, so they would pick other
// folds under another standard library).
std::vector<std::size_t> permutation(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> p(n);
  std::iota(p.begin(), p.end(), std::size_t{0});
  std::mt19937_64 rng(seed);
  for (std::size_t i = n; i > 1; --i) std::swap(p[i - 1], p[static_cast<std::size_t>(rng() % i)]);
  return p;
}

}  // namespace

std::vector<LabellingPick> select_for_labelling(std::span<const std::string_view> texts, std::size_t n,
                                                const DriverClassifier* model) {
  if (n == 0) throw std::invalid_argument("select_for_labelling: n is 0; ask for at least one comment");
  if (model && !model->fitted())
    throw std::invalid_argument("select_for_labelling: the model is not trained (fit it first)");

  // Candidates: comments with terms, each distinct sequence of terms once.
  const text::Tokenizer tokenizer;
  std::vector<std::vector<std::string>> docs;
  std::vector<std::size_t> where;
  std::unordered_set<std::string> seen;
  std::vector<std::string> terms;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    tokenizer.normalize(texts[i], terms);
    if (terms.empty()) continue;
    std::string key;
    for (const auto& t : terms) (key += t) += ' ';
    if (!seen.insert(std::move(key)).second) continue;
    docs.push_back(terms);
    where.push_back(i);
  }
  const std::size_t m = docs.size();
  if (m == 0) return {};

  // Word TF-IDF, l2-normalized: the dot product of two rows is their cosine.
  TfidfOptions fo;
  fo.analyzer = Analyzer::word;
  fo.sublinear_tf = true;
  TfidfVectorizer vectorizer(fo);
  const SparseMatrix X = vectorizer.fit_transform(docs);
  const auto indptr = X.indptr();
  const auto indices = X.indices();
  const auto values = X.values();

  std::vector<double> uncertainty(m, 0.0);
  std::vector<std::vector<std::string>> suggested(m);
  if (model) {
    std::vector<std::string_view> candidates(m);
    for (std::size_t c = 0; c < m; ++c) candidates[c] = texts[where[c]];
    const Matrix P = model->predict_proba(candidates);
    const auto& t = model->thresholds();
    for (std::size_t c = 0; c < m; ++c)
      for (std::size_t j = 0; j < P.cols(); ++j) {
        const double p = P(c, j);
        // Distance to the threshold, scaled so that 0 and 1 are as far as that side allows.
        const double u = 1.0 - std::fabs(p - t[j]) / std::max(t[j], 1.0 - t[j]);
        uncertainty[c] = std::max(uncertainty[c], std::clamp(u, 0.0, 1.0));
        if (p >= t[j]) suggested[c].push_back(model->drivers()[j]);
      }
  }

  // The first pick: the most uncertain (with a model), ties and the no-model case broken by the
  // most typical comment, the one nearest the centroid.
  std::vector<double> centroid(X.cols(), 0.0);
  for (std::size_t e = 0; e < values.size(); ++e) centroid[static_cast<std::size_t>(indices[e])] += values[e];
  std::vector<double> typical(m, 0.0);
  for (std::size_t c = 0; c < m; ++c)
    for (auto e = indptr[c]; e < indptr[c + 1]; ++e)
      typical[c] += values[static_cast<std::size_t>(e)] * centroid[static_cast<std::size_t>(indices[e])];
  std::size_t first = 0;
  for (std::size_t c = 1; c < m; ++c)
    if (std::tie(uncertainty[c], typical[c]) > std::tie(uncertainty[first], typical[first])) first = c;

  // Farthest-first traversal: distance[c] = 1 − the largest cosine to a pick so far.
  std::vector<double> distance(m, 1.0);
  std::vector<std::uint8_t> picked(m, 0);
  std::vector<double> dense(X.cols(), 0.0);
  std::vector<LabellingPick> out;
  std::size_t next = first;
  while (true) {
    picked[next] = 1;
    LabellingPick pick;
    pick.index = where[next];
    if (model) pick.uncertainty = uncertainty[next];
    pick.suggested = std::move(suggested[next]);
    out.push_back(std::move(pick));
    if (out.size() == n || out.size() == m) break;
    for (auto e = indptr[next]; e < indptr[next + 1]; ++e)
      dense[static_cast<std::size_t>(indices[e])] = values[static_cast<std::size_t>(e)];
    double best = -1;
    std::size_t best_c = 0;
    for (std::size_t c = 0; c < m; ++c) {
      if (picked[c]) continue;
      double dot = 0;
      for (auto e = indptr[c]; e < indptr[c + 1]; ++e)
        dot += values[static_cast<std::size_t>(e)] * dense[static_cast<std::size_t>(indices[e])];
      distance[c] = std::min(distance[c], std::max(0.0, 1.0 - dot));
      const double score = model ? (uncertainty[c] + distance[c]) / 2 : distance[c];
      if (score > best) {  // ties: the earlier comment
        best = score;
        best_c = c;
      }
    }
    for (auto e = indptr[next]; e < indptr[next + 1]; ++e) dense[static_cast<std::size_t>(indices[e])] = 0.0;
    next = best_c;
  }
  return out;
}

Evaluation cross_validate(std::span<const std::string_view> texts, const LabelMatrix& Y,
                          const std::vector<std::string>& drivers, const DriverOptions& options, int folds) {
  const std::size_t n = texts.size(), k = drivers.size();
  if (Y.rows() != n || Y.cols() != k)
    throw std::invalid_argument("cross_validate: labels are " + std::to_string(Y.rows()) + " × " +
                                std::to_string(Y.cols()) + ", expected " + std::to_string(n) + " texts × " +
                                std::to_string(k) + " drivers");
  if (folds < 2) throw std::invalid_argument("cross_validate: folds " + std::to_string(folds) + " is below 2");
  const auto f_count = static_cast<std::size_t>(folds);
  if (f_count > n)
    throw std::invalid_argument("cross_validate: " + std::to_string(folds) + " folds but only " + std::to_string(n) +
                                " comments");
  if (k == 0) throw std::invalid_argument("cross_validate: no driver to evaluate");

  // Folds stratified per driver, rarest first (in the spirit of Sechidis, Tsoumakas & Vlahavas
  // 2011, iterative stratification): each positive goes to the fold holding fewest of that
  // driver's positives, then fewest rows; comments without a driver fill the smallest folds.
  const auto order = permutation(n, options.seed);
  std::vector<std::size_t> positives(k, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < k; ++j) positives[j] += Y(i, j) != 0;
  std::vector<std::size_t> by_rarity(k);
  std::iota(by_rarity.begin(), by_rarity.end(), std::size_t{0});
  std::stable_sort(by_rarity.begin(), by_rarity.end(),
                   [&](std::size_t a, std::size_t b) { return positives[a] < positives[b]; });
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> fold(n, kNone), rows_in(f_count, 0);
  auto smallest = [&](const std::vector<std::size_t>& first_key) {
    std::size_t best = 0;
    for (std::size_t f = 1; f < f_count; ++f)
      if (std::tie(first_key[f], rows_in[f]) < std::tie(first_key[best], rows_in[best])) best = f;
    return best;
  };
  for (const std::size_t j : by_rarity) {
    std::vector<std::size_t> held(f_count, 0);
    for (std::size_t i = 0; i < n; ++i)
      if (fold[i] != kNone && Y(i, j)) ++held[fold[i]];
    for (const std::size_t i : order) {
      if (fold[i] != kNone || !Y(i, j)) continue;
      const std::size_t f = smallest(held);
      fold[i] = f;
      ++held[f];
      ++rows_in[f];
    }
  }
  const std::vector<std::size_t> zeros(f_count, 0);
  for (const std::size_t i : order)
    if (fold[i] == kNone) {
      fold[i] = smallest(zeros);
      ++rows_in[fold[i]];
    }

  LabelMatrix predicted(n, k);
  std::fill(predicted.data(), predicted.data() + predicted.size(), std::uint8_t{0});
  for (std::size_t f = 0; f < f_count; ++f) {
    std::vector<std::size_t> train, test;
    for (std::size_t i = 0; i < n; ++i) (fold[i] == f ? test : train).push_back(i);
    std::vector<std::size_t> learnt;  // drivers with both classes in the training part
    for (std::size_t j = 0; j < k; ++j) {
      std::size_t pos = 0;
      for (const std::size_t i : train) pos += Y(i, j) != 0;
      if (pos > 0 && pos < train.size()) learnt.push_back(j);
    }
    if (learnt.empty() || test.empty()) continue;
    std::vector<std::string_view> train_texts, test_texts;
    for (const std::size_t i : train) train_texts.push_back(texts[i]);
    for (const std::size_t i : test) test_texts.push_back(texts[i]);
    LabelMatrix Yt(train.size(), learnt.size());
    std::vector<std::string> names;
    for (std::size_t c = 0; c < learnt.size(); ++c) {
      names.push_back(drivers[learnt[c]]);
      for (std::size_t r = 0; r < train.size(); ++r) Yt(r, c) = Y(train[r], learnt[c]) != 0;
    }
    DriverClassifier model(names, options);
    model.fit(train_texts, Yt);
    const LabelMatrix p = model.predict(test_texts);
    for (std::size_t r = 0; r < test.size(); ++r)
      for (std::size_t c = 0; c < learnt.size(); ++c) predicted(test[r], learnt[c]) = p(r, c);
  }
  return evaluate(Y, predicted, drivers);
}

}  // namespace perche
