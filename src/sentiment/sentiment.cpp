// SPDX-License-Identifier: Apache-2.0
// SentimentClassifier: the lexicon features (lexicon.cpp), optional TF-IDF word features, and a
// multinomial logistic regression over both; its file format.
//
// File format, version 1 (src/classify/binary.hpp for the envelope and the field encodings):
//   "PERCHESC" · u32 version · u64 payload size · payload · u32 CRC-32
//   payload: feature options, logistic options, u8 words, u32 threads, the lexicon in its text
//   format, the vocabulary and idf (empty without words), u64 columns, 4 × columns coefficients
//   (column-major: the four classes' weights of a column are contiguous), 4 intercepts (−inf for a
//   class the training labels did not have).
#include <perche/csv.hpp>
#include <perche/detail/stats.hpp>
#include <perche/error.hpp>
#include <perche/sentiment.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <unordered_map>

#include "../classify/binary.hpp"
#include "../classify/display.hpp"
#include "../common/parallel.hpp"
#include "../io/file.hpp"
#include "../text/term_reader.hpp"
#include "scorer.hpp"

namespace perche {
namespace {

constexpr std::string_view kMagic = "PERCHESC";
constexpr std::uint32_t kVersion = 1;
constexpr const char* kModel = "SentimentClassifier model";
constexpr std::size_t kClassCount = SentimentClassifier::kClasses.size();
constexpr std::size_t kPositive = 3, kNegative = 1;  // indices in kClasses
constexpr double kMinusInf = -std::numeric_limits<double>::infinity();

std::size_t class_index(std::string_view label) {
  for (std::size_t c = 0; c < kClassCount; ++c)
    if (SentimentClassifier::kClasses[c] == label) return c;
  return kClassCount;
}

}  // namespace

LogisticOptions SentimentOptions::default_logistic() {
  LogisticOptions l;
  l.C = 2.0;
  l.tol = 1e-4;
  l.solver = Solver::newton;
  return l;
}

SentimentClassifier::SentimentClassifier(SentimentOptions options, SentimentLexicon lexicon)
    : options_(std::move(options)),
      lexicon_(lexicon.size() ? std::move(lexicon) : SentimentLexicon::default_lexicon()),
      tokenizer_(options_.features.tokenizer),
      vectorizer_(options_.features) {
  if (options_.threads > DriverOptions::kMaxThreads)
    throw std::invalid_argument("SentimentClassifier: threads " + std::to_string(options_.threads) +
                                " is more than the limit of " + std::to_string(DriverOptions::kMaxThreads));
  build();
}

void SentimentClassifier::set_threads(unsigned threads) {
  if (threads > DriverOptions::kMaxThreads)
    throw std::invalid_argument("SentimentClassifier: threads " + std::to_string(threads) +
                                " is more than the limit of " + std::to_string(DriverOptions::kMaxThreads));
  options_.threads = threads;
}

void SentimentClassifier::build() { scorer_ = std::make_shared<const Scorer>(lexicon_); }

const SentimentClassifier::Scorer& SentimentClassifier::scorer() const {
  if (!scorer_) throw std::logic_error("SentimentClassifier: used after being moved from");
  return *scorer_;
}

SentimentClassifier SentimentClassifier::default_model(const std::string& data_dir) {
  const auto in_dir = [&](const char* name) { return (std::filesystem::path(data_dir) / name).string(); };
  const std::string path = data_dir.empty() ? default_sentiment_calibration_path() : in_dir("sentiment.csv");
  const CsvTable table = read_csv_file(path);
  const std::string where = "sentiment calibration set '" + detail::display_path(path) + "'";
  if (!table.problems().empty())
    throw FormatError(where + " line " + std::to_string(table.problems().front().line) + ": " +
                      table.problems().front().message);
  const auto text = table.column("text");
  const auto label = table.column("label");
  if (!text || !label) throw FormatError(where + ": expected the columns 'text' and 'label'");
  std::vector<std::string_view> texts(table.rows());
  std::vector<std::string> labels(table.rows());
  for (std::size_t r = 0; r < table.rows(); ++r) {
    texts[r] = table.cell(r, *text);
    labels[r] = std::string(table.cell(r, *label));
  }
  SentimentOptions options;
  options.words = false;
  SentimentClassifier clf(options, data_dir.empty() ? SentimentLexicon::default_lexicon()
                                                    : SentimentLexicon::load(in_dir("sentiment_it.tsv")));
  try {
    clf.fit(texts, labels);
  } catch (const std::invalid_argument& e) {
    throw FormatError(where + ": " + e.what());
  }
  return clf;
}

Matrix SentimentClassifier::lexicon_features(std::span<const std::string_view> texts) const {
  Matrix F(texts.size(), kLexiconFeatures);
  const Scorer& sc = scorer();
  detail::parallel_for(
      texts.size(), options_.threads, "SentimentClassifier", "text",
      [&](std::size_t i) { sc.score(texts[i], F.row(i)); }, 256);
  return F;
}

std::array<double, SentimentClassifier::kLexiconFeatures> SentimentClassifier::lexicon_features(
    std::string_view text) const {
  std::array<double, kLexiconFeatures> f{};
  scorer().score(text, f);
  return f;
}

SentimentClassifier& SentimentClassifier::fit(std::span<const std::string_view> texts,
                                              std::span<const std::string> labels) {
  if (texts.size() != labels.size())
    throw std::invalid_argument("SentimentClassifier.fit: " + std::to_string(texts.size()) + " texts but " +
                                std::to_string(labels.size()) + " labels");
  std::vector<int> y(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto c = class_index(labels[i]);
    if (c == kClassCount)
      throw std::invalid_argument("SentimentClassifier.fit: label " + std::to_string(i) + " is '" + labels[i] +
                                  "', expected one of mixed, negative, neutral, positive");
    y[i] = static_cast<int>(c);
  }
  const Matrix L = lexicon_features(texts);
  TfidfVectorizer vectorizer(options_.features);
  SparseMatrix W;
  if (options_.words) W = vectorizer.fit_transform(texts, options_.threads);
  const std::size_t nw = options_.words ? W.cols() : 0;
  const std::size_t cols = nw + kLexiconFeatures;

  // [word features | lexicon features], row by row.
  std::vector<std::int64_t> indptr{0}, indices;
  std::vector<double> values;
  indptr.reserve(texts.size() + 1);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (options_.words) {
      const auto row = W.row(i);
      indices.insert(indices.end(), row.indices.begin(), row.indices.end());
      values.insert(values.end(), row.values.begin(), row.values.end());
    }
    for (std::size_t f = 0; f < kLexiconFeatures; ++f) {
      if (L(i, f) == 0.0) continue;
      indices.push_back(static_cast<std::int64_t>(nw + f));
      values.push_back(L(i, f));
    }
    indptr.push_back(static_cast<std::int64_t>(indices.size()));
  }
  const SparseMatrix X(texts.size(), cols, std::move(indptr), std::move(indices), std::move(values));
  LogisticRegression lr(options_.logistic);
  lr.fit(X, y);  // throws std::invalid_argument for fewer than two classes

  std::vector<double> coef(cols * kClassCount, 0.0);
  std::array<double, 4> intercept;
  intercept.fill(kMinusInf);
  const auto& classes = lr.classes();
  if (classes.size() == 2) {  // one row: logit of classes[1] against classes[0]
    const auto c0 = static_cast<std::size_t>(classes[0]), c1 = static_cast<std::size_t>(classes[1]);
    intercept[c0] = 0.0;
    intercept[c1] = lr.intercept()[0];
    for (std::size_t f = 0; f < cols; ++f) coef[f * kClassCount + c1] = lr.coef()(0, f);
  } else {
    for (std::size_t r = 0; r < classes.size(); ++r) {
      const auto c = static_cast<std::size_t>(classes[r]);
      intercept[c] = lr.intercept()[r];
      for (std::size_t f = 0; f < cols; ++f) coef[f * kClassCount + c] = lr.coef()(r, f);
    }
  }
  vectorizer_ = std::move(vectorizer);
  coef_ = std::move(coef);
  intercept_ = intercept;
  return *this;
}

std::array<double, 4> SentimentClassifier::probabilities(std::span<const double> lexicon,
                                                         const TfidfVectorizer::Row& row) const {
  std::array<double, 4> z = intercept_;
  const double* w = coef_.data();
  for (const auto& [col, v] : row) {
    const double* c = w + static_cast<std::size_t>(col) * kClassCount;
    for (std::size_t k = 0; k < kClassCount; ++k) z[k] += v * c[k];
  }
  const double* lw = w + n_word_features() * kClassCount;
  for (std::size_t f = 0; f < kLexiconFeatures; ++f)
    for (std::size_t k = 0; k < kClassCount; ++k) z[k] += lexicon[f] * lw[f * kClassCount + k];
  // Softmax; a class the model never saw has z = −inf and probability 0.
  const double top = *std::max_element(z.begin(), z.end());
  double sum = 0;
  for (double& x : z) sum += (x = std::exp(x - top));
  for (double& x : z) x /= sum;
  return z;
}

std::array<double, 4> SentimentClassifier::predict_proba(std::string_view text) const {
  if (!fitted()) throw std::logic_error("SentimentClassifier: predict before fit");
  std::array<double, kLexiconFeatures> f;
  scorer().score(text, f);
  return predict_proba(text, f);
}

std::array<double, 4> SentimentClassifier::predict_proba(std::string_view text, std::span<const double> lexicon) const {
  thread_local TfidfVectorizer::Row row;
  row.clear();
  if (n_word_features()) vectorizer_.transform_row(tokenizer_, text, row);
  return probabilities(lexicon, row);
}

Matrix SentimentClassifier::predict_proba(std::span<const std::string_view> texts) const {
  if (!fitted()) throw std::logic_error("SentimentClassifier: predict before fit");
  Matrix P(texts.size(), kClassCount);
  detail::parallel_for(
      texts.size(), options_.threads, "SentimentClassifier", "text",
      [&](std::size_t i) {
        const auto p = predict_proba(texts[i]);
        std::copy(p.begin(), p.end(), P.data() + i * kClassCount);
      },
      256);
  return P;
}

std::string SentimentClassifier::predict(std::string_view text) const {
  const auto p = predict_proba(text);
  return std::string(kClasses[static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin())]);
}

std::vector<std::string> SentimentClassifier::predict(std::span<const std::string_view> texts) const {
  const Matrix P = predict_proba(texts);
  std::vector<std::string> out(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto r = P.row(i);
    out[i] = std::string(kClasses[static_cast<std::size_t>(std::max_element(r.begin(), r.end()) - r.begin())]);
  }
  return out;
}

SentimentExplanation SentimentClassifier::explain(std::string_view text, std::size_t max_terms) const {
  if (!fitted()) throw std::logic_error("SentimentClassifier: explain before fit");
  SentimentExplanation out;
  std::array<double, kLexiconFeatures> f;
  std::vector<Scorer::Hit> hits;
  scorer().score(text, f, &hits);
  std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  for (const auto& h : hits)
    out.lexicon.push_back(
        {h.entry == Scorer::kNoEntry ? std::string(text.substr(h.start, h.end - h.start)) : scorer().terms[h.entry],
         h.weight,
         {{h.start, h.end}}});

  TfidfVectorizer::Row row;
  if (n_word_features()) {
    std::vector<std::string> terms;
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    text::detail::TermReader reader(tokenizer_);
    reader.read(text, [&](std::string_view term, std::uint64_t, std::size_t start, std::size_t end) {
      terms.emplace_back(term);
      spans.emplace_back(start, end);
    });
    std::vector<std::int64_t> times;
    vectorizer_.transform_row(terms, row, times);
    std::unordered_map<std::int64_t, std::size_t> entry_of;
    for (std::size_t r = 0; r < row.size(); ++r) entry_of.emplace(row[r].first, r);
    // Group by what a reader sees: a word n-gram by its words, a char n-gram by the word it is in.
    std::unordered_map<std::string, std::size_t> key_of;
    const auto& features = vectorizer_.features();
    const bool char_only = vectorizer_.options().analyzer == Analyzer::char_wb;
    vectorizer_.for_each_occurrence(terms, [&](const TfidfVectorizer::Occurrence& o) {
      const std::string& feature = features[static_cast<std::size_t>(o.column)];
      const bool is_char = char_only || (!feature.empty() && feature[0] == '\x01');
      // As the driver model shows it: "non richiamato", not the feature "NEG_richiamato".
      const std::string key =
          detail::display_feature(is_char || o.first_term == o.last_term ? terms[o.first_term] : feature);
      const std::size_t r = entry_of.at(o.column);
      const double* c = coef_.data() + static_cast<std::size_t>(o.column) * kClassCount;
      const double w = row[r].second * (c[kPositive] - c[kNegative]) / static_cast<double>(times[r]);
      const auto [it, added] = key_of.try_emplace(key, out.words.size());
      if (added) out.words.push_back({key, 0.0, {}});
      auto& contribution = out.words[it->second];
      contribution.weight += w;
      const std::pair<std::size_t, std::size_t> span{spans[o.first_term].first, spans[o.last_term].second};
      if (contribution.spans.empty() || contribution.spans.back() != span) contribution.spans.push_back(span);
    });
    for (auto& c : out.words) {
      std::sort(c.spans.begin(), c.spans.end());
      c.spans.erase(std::unique(c.spans.begin(), c.spans.end()), c.spans.end());
    }
    std::stable_sort(out.words.begin(), out.words.end(), [](const Contribution& a, const Contribution& b) {
      return std::abs(a.weight) > std::abs(b.weight);
    });
    if (out.words.size() > max_terms) out.words.resize(max_terms);
  }
  out.probabilities = probabilities(f, row);
  out.label = std::string(kClasses[static_cast<std::size_t>(
      std::max_element(out.probabilities.begin(), out.probabilities.end()) - out.probabilities.begin())]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// File format
// ---------------------------------------------------------------------------------------------

std::string SentimentClassifier::to_bytes() const {
  if (!fitted()) throw std::logic_error("SentimentClassifier: save before fit");
  detail::Writer w;
  detail::write_features(w, options_.features);
  detail::write_logistic(w, options_.logistic);
  w.u8(options_.words);
  w.u32(options_.threads);
  w.str(lexicon_.to_text());
  const auto& features = n_word_features() ? vectorizer_.features() : std::vector<std::string>{};
  w.strings(features);
  w.u64(features.size());
  for (std::size_t i = 0; i < features.size(); ++i) w.f64(vectorizer_.idf()[i]);
  w.u64(coef_.size() / kClassCount);
  for (double v : coef_) w.f64(v);
  for (double v : intercept_) w.f64(v);
  return detail::seal(kMagic, kVersion, w.bytes());
}

SentimentClassifier SentimentClassifier::from_bytes(std::string_view bytes) {
  std::uint32_t version = 0;
  const std::string_view payload = detail::unseal(bytes, kMagic, kVersion, kModel, version);
  const std::size_t header = kMagic.size() + 4 + 8;
  detail::Reader r(payload, header, kModel);
  try {
    SentimentOptions options;
    options.features = detail::read_features(r);
    options.logistic = detail::read_logistic(r);
    options.words = r.flag("words");
    options.threads = r.u32("threads");
    const std::string lexicon_text = r.str("lexicon");
    SentimentLexicon lexicon = SentimentLexicon::parse(lexicon_text, "the model's lexicon");
    if (lexicon.size() == 0) r.fail("the lexicon is empty", r.offset());
    SentimentClassifier clf(options, std::move(lexicon));
    auto features = r.strings("features");
    const auto n_idf = r.count("idf", 8);
    if (n_idf != features.size())
      r.fail(std::to_string(n_idf) + " idf values for " + std::to_string(features.size()) + " features", r.offset());
    std::vector<double> idf(n_idf);
    for (auto& v : idf) v = r.f64("idf");
    if (!features.empty())
      clf.vectorizer_ = TfidfVectorizer::from_parts(options.features, std::move(features), std::move(idf));
    else if (options.words)
      r.fail("the model learns word features but has no vocabulary", r.offset());
    const auto cols = r.count("coefficient columns", 8 * kClassCount);
    if (cols != clf.n_word_features() + kLexiconFeatures)
      r.fail(std::to_string(cols) + " coefficient columns, expected " +
                 std::to_string(clf.n_word_features() + kLexiconFeatures),
             r.offset());
    clf.coef_.resize(cols * kClassCount);
    // Within ±1e100, as LogisticRegression::from_parts bounds its parts: no L2-penalized fit comes
    // near it, and a sum of such terms cannot overflow to a NaN probability (red-team, stop 42: a
    // file with coefficients of 1.7e308 loaded and predicted NaN).
    constexpr double kMaxMagnitude = 1e100;
    for (double& v : clf.coef_) {
      v = r.f64("coefficient");
      if (!(std::abs(v) <= kMaxMagnitude))
        r.fail("coefficient " + detail::fmt(v) + ", expected a finite value within ±1e100", r.offset() - 8);
    }
    bool any = false;
    for (double& v : clf.intercept_) {
      v = r.f64("intercept");
      if (std::isnan(v) || v == std::numeric_limits<double>::infinity() ||
          (std::isfinite(v) && std::abs(v) > kMaxMagnitude))
        r.fail("intercept " + detail::fmt(v) + ", expected −inf (a class never seen) or a value within ±1e100",
               r.offset() - 8);
      any = any || std::isfinite(v);
    }
    if (!any) r.fail("no class has a finite intercept", r.offset());
    if (!r.done()) r.fail("unexpected bytes after the intercepts", r.offset());
    return clf;
  } catch (const FormatError&) {
    throw;
  } catch (const std::exception& e) {  // options, lexicon or sizes that the constructors reject
    throw FormatError(std::string(kModel) + ": inconsistent content: " + e.what() + " (before byte " +
                      std::to_string(r.offset()) + ")");
  }
}

void SentimentClassifier::save(const std::string& path) const { detail::write_file(path, to_bytes(), "model"); }

SentimentClassifier SentimentClassifier::load(const std::string& path, std::uint64_t max_bytes) {
  return detail::load_model<SentimentClassifier>(path, max_bytes);
}

}  // namespace perche
