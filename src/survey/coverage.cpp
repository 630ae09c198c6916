// SPDX-License-Identifier: Apache-2.0
// The domain guard (coverage.hpp). A model trained on one kind of comments still gives every text
// probabilities; on another domain its features are mostly unknown, and the few it knows (common
// verbs, "personale", "attesa") carry the decision. The figures below measure that directly from
// the model's vocabulary, without any reference data: a word it has never seen is unknown whatever
// the training set was.
#include "coverage.hpp"

#include <perche/detail/stats.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

namespace perche::detail {
namespace {

using Index = decltype(std::declval<const LabelMatrix&>().rows());

std::string percent(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100.0 * share);
  return buf;
}

}  // namespace

std::optional<SurveyCoverage> measure_coverage(std::span<const std::string_view> texts, const DriverClassifier* model,
                                               std::span<const double> probabilities, const LabelMatrix& mentions,
                                               std::optional<double> threshold) {
  const std::size_t n = texts.size();
  if (n == 0) return std::nullopt;
  const auto k = static_cast<std::size_t>(mentions.cols());
  // Evenly spaced rows: the same comments on every run.
  std::vector<std::size_t> rows(std::min(n, kMaxCoverageComments));
  for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = r * n / rows.size();

  SurveyCoverage c;
  c.comments = rows.size();
  std::size_t given = 0;
  for (const std::size_t i : rows) {
    bool any = false;
    for (std::size_t j = 0; j < k && !any; ++j) any = mentions(static_cast<Index>(i), static_cast<Index>(j)) != 0;
    given += any;
  }
  c.driver_share = static_cast<double>(given) / static_cast<double>(rows.size());

  if (model && k > 0) {
    std::vector<double> top(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const double* p = probabilities.data() + rows[r] * k;
      top[r] = *std::max_element(p, p + k);
    }
    std::sort(top.begin(), top.end());
    if (const auto& train = model->training_top_quantiles(); train.size() == DriverClassifier::kTopQuantiles) {
      const double p10 = train[(DriverClassifier::kTopQuantiles - 1) / 10];
      c.training_top_median = train[(DriverClassifier::kTopQuantiles - 1) / 2];
      c.low_top_share = static_cast<double>(std::lower_bound(top.begin(), top.end(), p10) - top.begin()) /
                        static_cast<double>(top.size());
    }
    c.top_p25 = sorted_quantile(top, 0.25);  // numpy's default quantile (Hyndman & Fan type 7)
    c.top_median = sorted_quantile(top, 0.5);
    c.top_p75 = sorted_quantile(top, 0.75);
    const auto& t = model->thresholds();
    c.mean_threshold =
        threshold ? *threshold : std::accumulate(t.begin(), t.end(), 0.0) / static_cast<double>(t.size());

    // Known words: the comment's terms as the model reads them (its tokenizer: folded, stopwords
    // removed, negation-scoped "NEG_funziona"), looked up as word features. No figure where a word
    // of the training comments need not be a feature: a model of character n-grams alone (any
    // text shares n-grams with any other), of word pairs without single words (ngram_range (2, 2)
    // read its own training comments as 0% known), or with a vocabulary cut to max_features (4%).
    const auto& vectorizer = model->vectorizer();
    const auto& vo = vectorizer.options();
    if (vo.analyzer != Analyzer::char_wb && vo.ngram_min == 1 && vo.max_features == 0) {
      const text::Tokenizer tokenizer(vectorizer.options().tokenizer);
      std::vector<std::string> terms;
      std::size_t judged = 0, enough = 0, all_terms = 0, known_terms = 0;
      for (const std::size_t i : rows) {
        tokenizer.normalize(texts[i], terms);
        if (terms.empty()) continue;  // stopwords or punctuation alone ("ok!"): nothing to judge
        std::size_t known = 0;
        for (const auto& term : terms) known += vectorizer.column(term) >= 0;
        ++judged;
        enough += static_cast<double>(known) >= kMinKnownTerms * static_cast<double>(terms.size());
        all_terms += terms.size();
        known_terms += known;
      }
      if (judged > 0) {
        c.known_share = static_cast<double>(enough) / static_cast<double>(judged);
        c.vocabulary_overlap = static_cast<double>(known_terms) / static_cast<double>(all_terms);
      }
    }
  }

  if (c.comments >= kMinCoverageComments) {
    if (model)
      c.out_of_domain = (c.known_share && *c.known_share < kMinKnownShare) ||
                        (c.vocabulary_overlap && *c.vocabulary_overlap < kMinVocabularyOverlap) ||
                        (c.low_top_share && *c.low_top_share > kMaxLowTopShare);
    else
      c.out_of_domain = c.driver_share < kMinCodebookShare;
  }
  return c;
}

std::string out_of_domain_message(const SurveyCoverage& c, std::string_view kind) {
  std::string what = kind == "codebook" ? "the codebook" : kind == "default" ? "perche's default model" : "the model";
  std::string out = "these comments look out of the domain of " + what + ": ";
  if (c.known_share)
    out += percent(*c.known_share) + " of them have enough words it knows (threshold " + percent(kMinKnownShare) +
           "), " + percent(c.vocabulary_overlap.value_or(0)) + " of their words are in its vocabulary (threshold " +
           percent(kMinVocabularyOverlap) + "), ";
  if (c.low_top_share)
    out += percent(*c.low_top_share) + " of them are less sure of their drivers than 90% of its training comments (" +
           "threshold " + percent(kMaxLowTopShare) + "), ";
  out += percent(c.driver_share) + " were given a driver";
  if (kind == "codebook") out += " (threshold " + percent(kMinCodebookShare) + ")";
  out +=
      "; its drivers are unreliable here: find the themes of these comments with perche discover, or label some "
      "(perche sample) and train a model (perche train)";
  return out;
}

}  // namespace perche::detail
