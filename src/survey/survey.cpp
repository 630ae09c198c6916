// SPDX-License-Identifier: Apache-2.0
// The survey pipeline (perche/survey.hpp): which rows count, labelling, the score, its trend,
// segments, driver impact and verbatims, for a CSV table or columns in memory alike.
#include <perche/data_files.hpp>
#include <perche/survey.hpp>

#include <algorithm>
#include <map>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <memory>
#include <numeric>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "../common/parallel.hpp"
#include "../io/file.hpp"
#include "../text/unicode.hpp"
#include "coverage.hpp"
#include "rules.hpp"

namespace perche {
namespace {

using detail::metric_name;
using detail::quote_value;
// LabelMatrix's index type (rows(), cols() and operator() take it).
using Index = decltype(std::declval<const LabelMatrix&>().rows());
using detail::trim_space;

constexpr std::string_view kDateForms = "YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or '3 marzo 2024'";
constexpr std::string_view kEmptySegment = "(vuoto)";
constexpr std::string_view kOtherSegments = "(altri)";

RatingOptions rating_options(Metric metric, const std::optional<RatingOptions>& given, double confidence) {
  RatingOptions r = given                    ? *given
                    : metric == Metric::csat ? RatingOptions(CsatOptions{})
                                             : RatingOptions(CesOptions{});
  r.confidence = confidence;
  return r;
}

// The input, a CSV table or columns in memory, seen one way: named columns of cells, each row
// located by its CSV line or its position.
class Input {
 public:
  explicit Input(const CsvTable& table) : table_(&table), names_(table.header()), rows_(table.rows()) {}

  explicit Input(std::span<const SurveyColumn> columns) : columns_(columns) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const auto& col = columns[c];
      if (static_cast<unsigned>(col.kind) > static_cast<unsigned>(SurveyColumn::Kind::day))
        throw std::invalid_argument("analyze_survey: column " + std::to_string(c + 1) + " " + quote_value(col.name) +
                                    " has kind " + std::to_string(static_cast<int>(col.kind)) +
                                    ", not a SurveyColumn::Kind (text, number, day)");
      const std::size_t n = col.kind == SurveyColumn::Kind::text     ? col.texts.size()
                            : col.kind == SurveyColumn::Kind::number ? col.numbers.size()
                                                                     : col.days.size();
      if (c == 0) rows_ = n;
      if (n != rows_)
        throw std::invalid_argument("analyze_survey: column " + std::to_string(c + 1) + " " + quote_value(col.name) +
                                    " has " + std::to_string(n) + " rows, column 1 has " + std::to_string(rows_));
      names_.push_back(col.name);
    }
  }

  bool csv() const { return table_ != nullptr; }
  std::size_t rows() const { return rows_; }
  const std::vector<std::string>& names() const { return names_; }
  SurveyColumn::Kind kind(std::size_t col) const { return table_ ? SurveyColumn::Kind::text : columns_[col].kind; }
  std::string_view text(std::size_t col, std::size_t row) const {
    return table_ ? table_->cell(row, col) : columns_[col].texts[row];
  }
  double number(std::size_t col, std::size_t row) const { return columns_[col].numbers[row]; }
  Day day(std::size_t col, std::size_t row) const { return columns_[col].days[row]; }

  /// The cell as text: a text trimmed, a number in its shortest form, a day as YYYY-MM-DD; "" when missing.
  std::string display(std::size_t col, std::size_t row) const {
    switch (kind(col)) {
      case SurveyColumn::Kind::text:
        return std::string(trim_space(text(col, row)));
      case SurveyColumn::Kind::number:
        return detail::number_text(number(col, row));
      case SurveyColumn::Kind::day:
        return day(col, row) == kNoDay ? std::string() : detail::iso_date(day(col, row));
    }
    return {};
  }
  bool missing(std::size_t col, std::size_t row) const {
    switch (kind(col)) {
      case SurveyColumn::Kind::text:
        return trim_space(text(col, row)).empty();
      case SurveyColumn::Kind::number:
        return std::isnan(number(col, row));
      case SurveyColumn::Kind::day:
        return day(col, row) == kNoDay;
    }
    return true;
  }
  SurveyProblem problem(std::size_t row, std::string message) const {
    SurveyProblem p;
    if (table_)
      p.line = table_->line(row);
    else
      p.row = row;
    p.message = std::move(message);
    return p;
  }

 private:
  const CsvTable* table_ = nullptr;
  std::span<const SurveyColumn> columns_;
  std::vector<std::string> names_;
  std::size_t rows_ = 0;
};

// "line 2: expected 5 fields, found 1; record skipped | …" for the first `limit` problems.
std::string first_problems(const std::vector<SurveyProblem>& problems, std::size_t limit = 3) {
  std::string out;
  for (std::size_t i = 0; i < problems.size() && i < limit; ++i) {
    const auto& p = problems[i];
    if (i) out += " | ";
    if (p.row)
      out += "row " + std::to_string(*p.row) + ": ";
    else if (p.line)
      out += "line " + std::to_string(p.line) + ": ";
    out += p.message;
  }
  if (problems.size() > limit) out += " (and " + std::to_string(problems.size() - limit) + " more)";
  return out;
}

ScoreSummary summary(const NpsResult& r) {
  ScoreSummary s{r.score, r.se, r.ci_low, r.ci_high, r.center, r.n, r.method, {}, {}, {}};
  s.promoter_share = r.promoter_share;
  s.passive_share = r.passive_share;
  s.detractor_share = r.detractor_share;
  return s;
}
ScoreSummary summary(const RatingResult& r) {
  return {r.score, r.se, r.ci_low, r.ci_high, r.center, r.n, r.method, {}, {}, {}};
}

// The metric's figures of a set of scores, whichever the metric.
struct Scorer {
  Metric metric;
  NpsOptions nps;
  RatingOptions rating;
  int lo, hi;

  Scorer(Metric m, const std::optional<RatingOptions>& given, double confidence)
      : metric(m), rating(rating_options(m, given, confidence)) {
    nps.confidence = confidence;
    lo = m == Metric::nps ? 0 : rating.scale_min;
    hi = m == Metric::nps ? 10 : rating.scale_max;
    // A scale like [5, 1] is refused here, once, rather than every row as "not an integer in [5, 1]".
    if (m != Metric::nps) RatingCounts check(rating.scale_min, rating.scale_max);
  }

  std::optional<ScoreSummary> overall(std::span<const int> scores) const {
    if (metric == Metric::nps) {
      const auto r = perche::nps(scores, nps);
      return r ? std::optional(summary(*r)) : std::nullopt;
    }
    RatingCounts c(rating.scale_min, rating.scale_max);
    c.add(scores);
    const auto r = perche::rating(c, rating);
    return r ? std::optional(summary(*r)) : std::nullopt;
  }

  template <class Fn>
  void trend(std::span<const int> scores, std::span<const std::int64_t> keys, const TrendOptions& to, Fn&& fn) const {
    if (metric == Metric::nps)
      fn(nps_trend(scores, keys, {}, nps, to));
    else
      fn(rating_trend(scores, keys, {}, rating, to));
  }

  template <class Fn>
  void by_segment(std::span<const int> scores, std::span<const std::int64_t> codes, Fn&& fn) const {
    if (metric == Metric::nps)
      fn(nps_by_segment(scores, codes, {}, nps));
    else
      fn(rating_by_segment(scores, codes, {}, rating));
  }
};

// Display names of the default taxonomy (the shipped model and codebook), Italian and English.
std::string display_label(const std::string& code, const std::string& codebook_label, const std::string& lang) {
  static const std::unordered_map<std::string_view, std::array<std::string_view, 2>> kTaxonomy = {
      {"tempi_attesa", {"Tempi di attesa", "Waiting times"}},
      {"cortesia", {"Cortesia ed empatia", "Courtesy and empathy"}},
      {"competenza", {"Competenza e risoluzione", "Competence and resolution"}},
      {"chiarezza", {"Chiarezza delle informazioni", "Clarity of information"}},
      {"prezzo", {"Prezzo e costi", "Price and costs"}},
      {"fatturazione", {"Fatturazione e pagamenti", "Billing and payments"}},
      {"qualita", {"Qualità del prodotto/servizio", "Product/service quality"}},
      {"app_sito", {"App e sito", "App and website"}},
      {"consegna", {"Consegna", "Delivery"}},
      {"credito", {"Gestione del credito e solleciti", "Credit management and reminders"}},
  };
  // A codebook's own label is the analyst's word: it wins over the built-in taxonomy, whose names
  // are only for codes that come without one (the shipped model, a model trained on its codes).
  // The shipped codebook's labels are the taxonomy's Italian names, so with lang "en" the
  // taxonomy's English name is shown for them.
  // A label equal to its code is shown as written too ("[camera] camera", as `perche discover`
  // writes its themes: "camera" beside "qualità prezzo", not "Camera"), but for a taxonomy code and
  // a code with an underscore, which read as codes ("[tempi_attesa]" shows "Tempi attesa").
  const auto it = kTaxonomy.find(code);
  if (!codebook_label.empty() && (it == kTaxonomy.end() || codebook_label != it->second[0]) &&
      (codebook_label != code || (it == kTaxonomy.end() && code.find('_') == std::string::npos)))
    return codebook_label;
  if (it != kTaxonomy.end()) return std::string(it->second[lang == "en" ? 1 : 0]);
  std::string out = code;  // "tempi_attesa" → "Tempi attesa"
  std::replace(out.begin(), out.end(), '_', ' ');
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

void validate(const SurveyOptions& o) {
  auto text = [](double v) { return std::isnan(v) ? std::string("nan") : detail::number_text(v); };
  auto unit = [&](double v, const char* name) {
    if (!(v > 0.0 && v < 1.0))
      throw std::invalid_argument(std::string("SurveyOptions: ") + name + " " + text(v) + " is not in (0, 1)");
  };
  unit(o.confidence, "confidence");
  unit(o.alpha, "alpha");
  if (o.bootstrap_samples < 2 || o.bootstrap_samples > kMaxBootstrapSamples)
    throw std::invalid_argument("SurveyOptions: bootstrap_samples " + std::to_string(o.bootstrap_samples) +
                                " is outside [2, " + std::to_string(kMaxBootstrapSamples) + "]");
  if (o.lang != "it" && o.lang != "en")
    throw std::invalid_argument("SurveyOptions: lang " + quote_value(o.lang) + " is not 'it' or 'en'");
  // One bound, whatever the labeller (review of stop 42: 5000 was refused by the model it loads,
  // in its words, and accepted with a codebook or metrics only).
  if (o.threads > DriverOptions::kMaxThreads)
    throw std::invalid_argument("SurveyOptions: threads " + std::to_string(o.threads) + " is more than " +
                                std::to_string(DriverOptions::kMaxThreads) + " (0: every core)");
  // An enum option cast from an out-of-range integer (a binding, a stored config) is named here,
  // not found later as a logic error or a trend of unlabelled periods.
  auto one_of = [](int v, int n, const char* name, const char* names) {
    if (v < 0 || v >= n)
      throw std::invalid_argument(std::string("SurveyOptions: ") + name + " " + std::to_string(v) + " is not one of " +
                                  names);
  };
  one_of(static_cast<int>(o.metric), 3, "metric", "nps, csat, ces");
  one_of(static_cast<int>(o.freq), 5, "freq", "day, week, month, quarter, year");
  one_of(static_cast<int>(o.labeller), 4, "labeller", "model, codebook, labels, none");
  if (o.threshold && !(*o.threshold > 0.0 && *o.threshold <= 1.0))
    throw std::invalid_argument("SurveyOptions: threshold " + text(*o.threshold) + " is not in (0, 1]");
  // An option of another labeller than the one chosen would be silently ignored: say so instead.
  auto other = [&](bool set, Labeller owner, const char* name, const char* needs) {
    if (set && o.labeller != owner)
      throw std::invalid_argument(std::string("SurveyOptions: ") + name + " is set but the labeller is not " + needs +
                                  "; set labeller too, or leave it out");
  };
  other(o.model != nullptr, Labeller::model, "model", "a model");
  other(!o.model_path.empty(), Labeller::model, "model_path", "a model");
  other(o.threshold.has_value(), Labeller::model, "threshold", "a model (a threshold cuts a model's probabilities)");
  other(o.codebook != nullptr, Labeller::codebook, "codebook", "a codebook");
  other(!o.codebook_path.empty(), Labeller::codebook, "codebook_path", "a codebook");
  other(!o.labels.empty(), Labeller::labels, "labels", "gold labels");
  if (o.model && !o.model_path.empty())
    throw std::invalid_argument("SurveyOptions: both a model and a model_path are set; set one");
  if (o.codebook && !o.codebook_path.empty())
    throw std::invalid_argument("SurveyOptions: both a codebook and a codebook_path are set; set one");
  if (!o.sentiment && (o.sentiment_model || !o.sentiment_model_path.empty()))
    throw std::invalid_argument(
        "SurveyOptions: a sentiment model is set but sentiment is off; turn it on, or leave the model out");
  if (o.sentiment_model && !o.sentiment_model_path.empty())
    throw std::invalid_argument("SurveyOptions: both a sentiment_model and a sentiment_model_path are set; set one");
}

std::string data_file(const SurveyOptions& o, const char* name, std::string (*search)()) {
  if (o.data_dir.empty()) return search();
  return (std::filesystem::path(o.data_dir) / name).string();
}

// What labelled the comments, and its verdicts.
struct Labelled {
  std::string kind = "none";
  std::optional<std::string> path;
  std::vector<std::string> drivers, codebook_labels;
  std::vector<double> probabilities;  // n × k row-major
  LabelMatrix mentions;
  // With a driver + sentiment model (and SurveyOptions::sentiment): n × k, the class
  // (SentimentClassifier::kClasses index) of each mention from the driver's own polarity, -1
  // where the driver is not mentioned; empty otherwise.
  std::vector<std::int8_t> polarity;
  // With a driver + sentiment model and a comment sentiment model: each comment's sentiment class
  // (SentimentClassifier::kClasses index, its most probable) from the same reading
  // (DriverClassifier::predict_proba_with_polarity); else empty.
  std::vector<std::int8_t> sentiment;
  const DriverClassifier* model = nullptr;  // options.model, or the one loaded into owned_model
  const Codebook* codebook = nullptr;
  std::unique_ptr<const DriverClassifier> owned_model;
  std::unique_ptr<const Codebook> owned_codebook;
};

LabelMatrix zeros(std::size_t n, std::size_t k) {
  LabelMatrix m(static_cast<Index>(n), static_cast<Index>(k));
  std::fill(m.data(), m.data() + m.size(), std::uint8_t{0});
  return m;
}

// The index of the largest of a comment's class probabilities (the first on a tie).
std::int8_t most_probable(std::span<const double> p) {
  return static_cast<std::int8_t>(std::max_element(p.begin(), p.end()) - p.begin());
}

Labelled label(std::span<const std::string_view> texts, const SurveyOptions& o, const SentimentClassifier* sentiment) {
  Labelled out;
  const std::size_t n = texts.size();
  if (o.labeller == Labeller::codebook) {
    out.kind = "codebook";
    if (o.codebook) {
      out.codebook = o.codebook;
    } else {
      out.path = o.codebook_path.empty() ? data_file(o, "codebook.txt", default_codebook_path) : o.codebook_path;
      out.owned_codebook = std::make_unique<const Codebook>(Codebook::load(*out.path));
      out.codebook = out.owned_codebook.get();
    }
    out.drivers = out.codebook->drivers();
    out.codebook_labels = out.codebook->labels();
    out.mentions = out.codebook->predict(texts, static_cast<int>(o.threads));  // at most kMaxThreads (validate)
    out.probabilities.assign(out.mentions.data(), out.mentions.data() + out.mentions.size());
    return out;
  }
  if (o.labeller != Labeller::model) throw std::logic_error("label: not a model or codebook");
  if (o.model) {
    out.kind = "model";
    out.model = o.model;
  } else {
    out.kind = o.model_path.empty() ? "default" : "model";
    out.path = o.model_path.empty() ? data_file(o, "drivers.model", default_model_path) : o.model_path;
    auto loaded = DriverClassifier::load(*out.path);
    loaded.set_threads(o.threads);
    out.owned_model = std::make_unique<const DriverClassifier>(std::move(loaded));
    out.model = out.owned_model.get();
  }
  if (!out.model->fitted()) throw std::invalid_argument("analyze_survey: the model is not trained (fit it first)");
  out.drivers = out.model->drivers();
  out.codebook_labels = out.model->labels();  // a model trained from a codebook keeps its names
  const std::size_t k = out.drivers.size();
  out.probabilities.resize(n * k);
  out.mentions = zeros(n, k);
  const auto& thresholds = out.model->thresholds();
  const bool polarity = o.sentiment && out.model->has_sentiment();
  if (polarity) out.polarity.assign(n * k, -1);
  if (!polarity) sentiment = nullptr;
  if (sentiment) out.sentiment.resize(n);
  const double t = out.model->polarity_threshold();
  constexpr std::size_t kChunk = 1 << 17;  // bounds the dense block predict_proba returns
  for (std::size_t a = 0; a < n; a += kChunk) {
    const std::size_t b = std::min(n, a + kChunk);
    // With polarity, one reading of each comment gives both.
    PresencePolarity PN;
    if (polarity)
      PN = out.model->predict_proba_with_polarity(texts.subspan(a, b - a), o.threshold, sentiment);
    else
      PN.presence = out.model->predict_proba(texts.subspan(a, b - a));
    const Matrix& P = PN.presence;
    if (sentiment)
      for (std::size_t i = a; i < b; ++i) out.sentiment[i] = most_probable(PN.sentiment.row(i - a));
    for (std::size_t i = a; i < b; ++i)
      for (std::size_t j = 0; j < k; ++j) {
        const auto r = static_cast<Index>(i - a), c = static_cast<Index>(j);
        const double p = P(r, c);
        out.probabilities[i * k + j] = p;
        const bool mentioned = p >= (o.threshold ? *o.threshold : thresholds[j]);
        out.mentions(static_cast<Index>(i), c) = mentioned;
        if (polarity && mentioned) {
          const bool pos = PN.positive(r, c) >= t, neg = PN.negative(r, c) >= t;
          out.polarity[i * k + j] = static_cast<std::int8_t>(pos && neg ? 0 : neg ? 1 : pos ? 3 : 2);  // kClasses
        }
      }
  }
  return out;
}

using text::detail::CodePoints;

// A comment with its personal data masked (mask()), and its highlights (code points) moved to
// the masked text; a highlight over a masked span is dropped. Tags are ASCII: one code point a byte.
std::string mask_comment(std::string_view text, std::vector<Highlight>& highlights, const MaskOptions& options,
                         std::uint64_t& count) {
  std::vector<PiiSpan> spans;
  std::string masked = mask(text, options, spans);
  if (spans.empty()) return masked;
  count += spans.size();
  CodePoints cp(text);
  struct Moved {
    std::size_t start, end;  // code points of the original
    std::ptrdiff_t shift;    // code points added (or removed) by this span
  };
  std::vector<Moved> moved;
  for (const auto& s : spans) {
    const std::size_t a = cp(s.start), b = cp(s.end);
    const std::size_t tag = pii_kind_tag(s.kind).size() + 2;
    moved.push_back({a, b, static_cast<std::ptrdiff_t>(tag) - static_cast<std::ptrdiff_t>(b - a)});
  }
  std::vector<Highlight> kept;
  for (auto& h : highlights) {
    std::ptrdiff_t shift = 0;
    bool over = false;
    for (const auto& m : moved) {
      if (h.start < m.end && m.start < h.end) over = true;
      if (m.end <= h.start) shift += m.shift;
    }
    if (over) continue;
    h.start = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(h.start) + shift);
    h.end = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(h.end) + shift);
    kept.push_back(std::move(h));
  }
  highlights = std::move(kept);
  return masked;
}

// The spans that made `driver` fire in `text`, in code points; `cache` keeps each text's
// explanation (a comment quoted under several drivers is explained once).
std::vector<Highlight> highlights(const Labelled& l, std::size_t driver, std::string_view text,
                                  std::unordered_map<std::string_view, std::vector<Explanation>>& explained) {
  std::vector<std::tuple<std::size_t, std::size_t, std::string, double>> spans;  // bytes
  if (l.codebook) {
    for (auto& m : l.codebook->matches(text))
      if (m.driver == driver) spans.emplace_back(m.start, m.end, std::move(m.pattern), 1.0);
  } else if (l.model) {
    auto it = explained.find(text);
    if (it == explained.end()) it = explained.emplace(text, l.model->explain(text)).first;
    for (const auto& e : it->second) {
      if (e.driver != l.drivers[driver]) continue;
      for (const auto& t : e.terms)
        if (t.weight > 0)
          for (const auto& [s, f] : t.spans) spans.emplace_back(s, f, t.term, t.weight);
    }
  }
  std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  std::vector<Highlight> out;
  CodePoints cp(text);
  for (auto& [s, f, term, w] : spans) {
    const std::size_t start = cp(s);
    out.push_back({start, cp(f), std::move(term), w});
  }
  return out;
}

// Codes of labels: the distinct labels, sorted, and each row's index among them. The distinct labels are found by
// hashing and only they are sorted (sorting a copy of a million labels was a third of the
// segments' time).
std::pair<std::vector<std::string>, std::vector<std::int64_t>> codes_of(const std::vector<std::string>& labels) {
  std::unordered_map<std::string_view, std::int64_t> first;  // label → its place in order of first occurrence
  std::vector<std::string_view> seen;
  std::vector<std::int64_t> codes(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto [it, fresh] = first.try_emplace(labels[i], static_cast<std::int64_t>(seen.size()));
    if (fresh) seen.emplace_back(labels[i]);
    codes[i] = it->second;
  }
  std::vector<std::size_t> order(seen.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return seen[a] < seen[b]; });
  std::vector<std::string> distinct(seen.size());
  std::vector<std::int64_t> rank(seen.size());
  for (std::size_t r = 0; r < order.size(); ++r) {
    distinct[r] = std::string(seen[order[r]]);
    rank[order[r]] = static_cast<std::int64_t>(r);
  }
  for (auto& c : codes) c = rank[static_cast<std::size_t>(c)];
  return {std::move(distinct), std::move(codes)};
}

// `base` ("(vuoto)") when no label is it, else the first of "(vuoto 2)", "(vuoto 3)", ... that none is.
template <class Labels>
std::string free_label(std::string_view base, const Labels& taken) {
  std::string label(base);
  for (int k = 2; taken.contains(label); ++k)
    label = std::string(base.substr(0, base.size() - 1)) + " " + std::to_string(k) + ")";
  return label;
}

struct MergedSegments {
  std::uint64_t values = 0, merged_values = 0, merged_rows = 0;
  std::string label;  // of the merged segment
};

// A segment column of more than kMaxSegments values (a customer code, a free-text answer): its
// kMaxSegments - 1 largest segments are kept (ties: the first in code-point order) and the rows of
// the others relabelled as one segment, "(altri)" (or "(altri 2)", ... when a kept value is that).
// Bounds the segments' tests, memory and report; every row is still counted.
std::optional<MergedSegments> merge_small_segments(std::vector<std::string>& labels) {
  std::unordered_map<std::string_view, std::uint64_t> count;
  for (const auto& l : labels) ++count[l];
  if (count.size() <= kMaxSegments) return std::nullopt;
  std::vector<std::pair<std::string_view, std::uint64_t>> by_size(count.begin(), count.end());
  std::sort(by_size.begin(), by_size.end(), [](const auto& x, const auto& y) {
    return x.second != y.second ? x.second > y.second : x.first < y.first;
  });
  std::unordered_set<std::string> kept;
  for (std::size_t s = 0; s + 1 < kMaxSegments; ++s) kept.emplace(by_size[s].first);
  MergedSegments m;
  m.values = count.size();
  m.merged_values = count.size() - kept.size();
  m.label = free_label(kOtherSegments, kept);
  for (auto& l : labels)  // count's views end here
    if (!kept.contains(l)) {
      l = m.label;
      ++m.merged_rows;
    }
  return m;
}

LabelMatrix rows_of(const LabelMatrix& m, const std::vector<std::size_t>& rows) {
  LabelMatrix out = zeros(rows.size(), static_cast<std::size_t>(m.cols()));
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (Index j = 0; j < m.cols(); ++j) out(static_cast<Index>(r), j) = m(static_cast<Index>(rows[r]), j);
  return out;
}

// A cell of a 0/1 labels column: 0 or 1 as a number or as text, or true/false in any case (a
// pandas bool column, a spreadsheet's TRUE/FALSE: read as names, they made drivers "True" and
// "False"); nullopt for anything else.
std::optional<std::int64_t> flag_of(const Input& in, std::size_t c, std::size_t r) {
  if (in.kind(c) == SurveyColumn::Kind::number) {
    const double x = in.number(c, r);
    return x == 0.0 || x == 1.0 ? std::optional<std::int64_t>(static_cast<std::int64_t>(x)) : std::nullopt;
  }
  if (in.kind(c) != SurveyColumn::Kind::text) return std::nullopt;
  const std::string_view t = trim_space(in.text(c, r));
  const auto is = [&](std::string_view word) {
    return t.size() == word.size() && std::equal(t.begin(), t.end(), word.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  };
  if (is("true")) return 1;
  if (is("false")) return 0;
  const auto v = parse_score(t);
  return v && (*v == 0 || *v == 1) ? v : std::nullopt;
}

// Gold labels of `rows`: one column of names (split_labels) or several 0/1 columns.
std::pair<std::vector<std::string>, LabelMatrix> gold(const Input& in, const std::vector<std::size_t>& columns,
                                                      const std::vector<std::size_t>& rows) {
  const auto& names = in.names();
  // One column of 0/1 (no other value) is one driver named after it, not drivers "0" and "1".
  auto binary = [&](std::size_t c) {
    bool any = false;
    for (const auto r : rows) {
      if (in.missing(c, r)) continue;
      if (!flag_of(in, c, r)) return false;
      any = true;
    }
    return any;
  };
  if (columns.size() == 1 && !binary(columns[0])) {
    std::vector<std::string> owned;
    std::vector<std::string_view> cells(rows.size());
    if (in.kind(columns[0]) != SurveyColumn::Kind::text) owned.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
      cells[i] = in.kind(columns[0]) == SurveyColumn::Kind::text
                     ? in.text(columns[0], rows[i])
                     : std::string_view(owned.emplace_back(in.display(columns[0], rows[i])));
    return split_labels(cells);
  }
  std::vector<std::string> drivers;
  LabelMatrix Y = zeros(rows.size(), columns.size());
  for (std::size_t j = 0; j < columns.size(); ++j) {
    const std::size_t c = columns[j];
    drivers.push_back(names[c]);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (in.missing(c, rows[i])) continue;
      const std::optional<std::int64_t> v = flag_of(in, c, rows[i]);
      if (!v) {
        const auto where = in.problem(rows[i], {});
        throw AnalysisError("labels column " + quote_value(names[c]) + ", " +
                            (where.row ? "row " + std::to_string(*where.row) : "line " + std::to_string(where.line)) +
                            ": " + quote_value(in.display(c, rows[i])) + " is not 0 or 1");
      }
      Y(static_cast<Index>(i), static_cast<Index>(j)) = static_cast<std::uint8_t>(*v);
    }
  }
  return {std::move(drivers), std::move(Y)};
}

// Metadata of a CSV table for the result's source, and its reading problems.
struct CsvMeta {
  std::vector<SurveyProblem> problems;
  std::uint64_t skipped = 0;
};

SurveyAnalysis run(const Input& in, const SurveyOptions& o, SurveyAnalysis::Source source, const CsvMeta& meta) {
  validate(o);
  SurveyAnalysis a;
  a.metric = o.metric;
  a.confidence = o.confidence;
  a.alpha = o.alpha;
  a.lang = o.lang;
  const Scorer scorer(o.metric, o.rating, o.confidence);
  a.scale_min = scorer.lo;
  a.scale_max = scorer.hi;
  if (o.metric != Metric::nps) {
    a.aggregation = scorer.rating.aggregation;
    // RatingOptions::top 0 means half the levels (rating() resolves it the same way).
    a.top = scorer.rating.top == 0 ? (scorer.hi - scorer.lo + 1) / 2 : scorer.rating.top;
    a.reversed = scorer.rating.reversed;
  }
  const std::string metric(metric_name(o.metric));

  // Columns.
  const detail::ColumnFinder finder(in.names());
  const std::array<std::string_view, 1> metric_default = {metric};
  const auto score_i = finder.find(o.score, metric_default, "score column", "score");
  if (!score_i)
    throw AnalysisError("no " + quote_value(metric) +
                        " column; name the score column with score= (--score); columns are: " + finder.list());
  std::optional<std::size_t> text_i, date_i;
  std::vector<std::size_t> labels_i;
  // Comments are read for the drivers and for their sentiment: metrics only (Labeller::none) with
  // sentiment on reads them too (red-team, stop 42: the sentiment was dropped without a word).
  if (o.labeller != Labeller::none || !o.text.empty()) {
    text_i = finder.find(o.text, SurveyOptions::kTextColumns, "text column", "text");
  } else if (o.sentiment) {
    // Looked for only for the sentiment of a metrics-only run: two columns that could both be it
    // leave the sentiment out with a note, not the run failed (review of stop 42).
    try {
      text_i = finder.find(o.text, SurveyOptions::kTextColumns, "text column", "text");
    } catch (const AnalysisError& e) {
      a.notes.push_back({"no_sentiment",
                         std::string(e.what()) + "; no sentiment (name it with text=, --text)",
                         "text_column",
                         "",
                         {},
                         {}});
    }
  }
  if (o.labeller == Labeller::labels) {
    if (o.labels.empty()) throw AnalysisError("labels: name the column(s) of gold driver labels (labels= or --labels)");
    for (const auto& l : o.labels) {
      if (l.empty()) throw AnalysisError("labels: an empty column name");
      labels_i.push_back(*finder.find(l, {}, "labels column", "labels"));
    }
  } else if (o.labeller != Labeller::none && !text_i) {
    throw AnalysisError(
        "no text column (motivo, testo, commento, text, comment, verbatim); name it with text= (--text)");
  }
  if (!o.date)
    date_i = finder.find({}, SurveyOptions::kDateColumns, "date column", "date");
  else if (!o.date->empty())
    date_i = finder.find(*o.date, {}, "date column", "date");
  std::vector<std::size_t> by_i;
  if (!o.by) {
    for (const auto b : SurveyOptions::kSegmentColumns) {
      const std::array<std::string_view, 1> one = {b};
      if (const auto c = finder.find({}, one, "segment column", "by")) by_i.push_back(*c);
    }
  } else {
    for (const auto& b : *o.by) {
      if (b.empty()) throw AnalysisError("by: an empty column name");
      const std::size_t c = *finder.find(b, {}, "by column", "by");
      // A column named twice (--by canale --by CANALE) is analysed once: its segments twice
      // filled two of the summary's three segment sentences with the same one.
      if (std::find(by_i.begin(), by_i.end(), c) == by_i.end()) by_i.push_back(c);
    }
  }
  const auto& names = in.names();
  a.columns.score = names[*score_i];
  if (text_i) a.columns.text = names[*text_i];
  if (date_i) a.columns.date = names[*date_i];
  for (const auto c : labels_i) a.columns.labels.push_back(names[c]);
  for (const auto c : by_i) a.columns.by.push_back(names[c]);

  // Rows: a valid score.
  // The rows' problems: all counted, the first `cap` of each kind (scores, then dates) kept, each
  // kind in row order, so that a million bad dates cost a counter, not a million messages.
  std::vector<SurveyProblem> row_problems;
  std::uint64_t row_problems_total = 0;
  const std::size_t cap = std::max<std::size_t>(o.max_problems, 3);
  std::size_t kept_of_kind = 0;
  auto problem = [&](std::size_t r, auto&& message) {
    ++row_problems_total;
    if (kept_of_kind < cap) {
      row_problems.push_back(in.problem(r, message()));
      ++kept_of_kind;
    }
  };
  // A cell a problem quotes, its personal data masked when the analysis masks: a comment pasted
  // into the score column ("richiamatemi al 3471239876") reached the JSON and stderr as written.
  MaskOptions mask_options;
  mask_options.data_dir = o.data_dir;
  auto shown = [&](std::size_t col, std::size_t r) {
    std::string cell = in.display(col, r);
    return o.mask ? mask(cell, mask_options) : cell;
  };
  std::vector<std::size_t> keep;
  std::vector<int> scores;
  keep.reserve(in.rows());
  scores.reserve(in.rows());
  const std::string& score_name = names[*score_i];
  auto score_of = [&](std::size_t col, std::size_t r) -> std::optional<std::int64_t> {
    if (in.kind(col) == SurveyColumn::Kind::text) return parse_score(in.text(col, r));
    if (in.kind(col) == SurveyColumn::Kind::number) {
      const double v = in.number(col, r);
      if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 1e18) return static_cast<std::int64_t>(v);
    }
    return std::nullopt;
  };
  const std::string range = "[" + std::to_string(scorer.lo) + ", " + std::to_string(scorer.hi) + "]";
  std::uint64_t off_scale = 0;  // whole numbers outside the scale: a wrong metric or scale drops them all
  std::int64_t off_lo = 0, off_hi = 0;
  for (std::size_t r = 0; r < in.rows(); ++r) {
    const auto v = score_of(*score_i, r);
    if (v && *v >= scorer.lo && *v <= scorer.hi) {
      keep.push_back(r);
      scores.push_back(static_cast<int>(*v));
    } else if (!v && in.missing(*score_i, r)) {
      problem(r, [&] { return score_name + " is empty; row left out"; });
    } else {
      if (v) {
        off_lo = off_scale ? std::min(off_lo, *v) : *v;
        off_hi = off_scale ? std::max(off_hi, *v) : *v;
        ++off_scale;
      }
      problem(r, [&] {
        return score_name + " " + quote_value(shown(*score_i, r)) + " is not an integer in " + range + "; row left out";
      });
    }
  }
  const std::uint64_t bad_scores = row_problems_total;
  // Three or more whole-number scores off the scale, one in 20 or more, are no typo: the metric or
  // its scale is likely wrong (a 1-7 CES read on 1-5 left 44% of the rows out, and the report
  // looked as sure as ever).
  if (off_scale >= 3 && off_scale * 20 >= off_scale + keep.size())
    a.notes.push_back({"off_scale",
                       std::to_string(off_scale) + " of the " + std::to_string(off_scale + keep.size()) +
                           " whole-number scores are outside " + range + " (from " + std::to_string(off_lo) + " to " +
                           std::to_string(off_hi) + ") and were left out: check the metric and its scale",
                       "",
                       "",
                       {{"column", score_name},
                        {"range", range},
                        {"lowest", std::to_string(off_lo)},
                        {"highest", std::to_string(off_hi)}},
                       {{"off_scale", off_scale}, {"scores", off_scale + keep.size()}}});
  kept_of_kind = 0;
  if (keep.empty()) {
    std::vector<SurveyProblem> first;
    for (const auto& p : meta.problems)
      if (p.line > 0 && p.message.find("skipped") != std::string::npos) first.push_back(p);
    first.insert(first.end(), row_problems.begin(), row_problems.end());
    if (in.csv())
      std::stable_sort(first.begin(), first.end(), [](const auto& x, const auto& y) { return x.line < y.line; });
    throw AnalysisError("no row has a valid " + score_name + " (an integer in " + range + ")" +
                        (first.empty() ? std::string() : ": " + first_problems(first)));
  }
  const std::size_t n = keep.size();

  // Dates, for the trend.
  std::vector<Day> days;
  if (date_i) {
    days.resize(n, kNoDay);
    const std::string& date_name = names[*date_i];
    const bool text_dates = in.kind(*date_i) == SurveyColumn::Kind::text;
    // Each row's date of any year first (days), day first. A column written month first
    // (12/25/2026, as US tools export): some dates read only month first and none only day first.
    // Read day first, its 12/25 was no date and its 12/03 the 12th of March, a trend over two
    // dozen false months.
    bool month_first = false;
    if (text_dates) {
      std::size_t only_month_first = 0, only_day_first = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const std::string_view cell = in.text(*date_i, keep[i]);
        const auto dm = detail::parse_date_as(cell, false, 1), md = detail::parse_date_as(cell, true, 1);
        only_month_first += md && !dm;
        only_day_first += dm && !md;
        days[i] = dm.value_or(kNoDay);
      }
      month_first = only_month_first > 0 && only_day_first == 0;
      if (month_first) {
        for (std::size_t i = 0; i < n; ++i)
          days[i] = detail::parse_date_as(in.text(*date_i, keep[i]), true, 1).value_or(kNoDay);
        a.notes.push_back({"dates_month_first",
                           "the dates of column '" + date_name + "' are written month first (" +
                               std::to_string(only_month_first) +
                               " of them have a month over 12 in second place and none in first): read as "
                               "MM/DD/YYYY",
                           "",
                           "",
                           {{"column", date_name}},
                           {{"month_first", only_month_first}}});
      }
    } else if (in.kind(*date_i) == SurveyColumn::Kind::day) {
      for (std::size_t i = 0; i < n; ++i) days[i] = in.day(*date_i, keep[i]);
    }
    const auto min_day = detail::days_from_civil(detail::kFirstYear, 1, 1);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t r = keep[i];
      if (days[i] != kNoDay && days[i] >= min_day) continue;
      const bool dated = days[i] != kNoDay;
      days[i] = kNoDay;
      if (in.missing(*date_i, r)) {
        problem(r, [&] { return date_name + " is empty; row left out of the trend"; });
      } else if (dated) {
        problem(r, [&] {
          return date_name + " " + quote_value(shown(*date_i, r)) +
                 " is before 1900: no response date (30/12/1899 is how spreadsheets write an empty one); row left "
                 "out of the trend";
        });
      } else {
        problem(r, [&] {
          return date_name + " " + quote_value(shown(*date_i, r)) + " is not a date (" + std::string(kDateForms) +
                 "); row left out of the trend";
        });
      }
    }
  }

  // Comments, and what they mention.
  std::vector<std::string> owned;  // a comment column of numbers or dates, as text
  std::vector<std::string_view> texts(n);
  std::vector<std::uint8_t> has_text(n, 1);
  if (text_i) {
    if (in.kind(*text_i) != SurveyColumn::Kind::text) {
      owned.reserve(n);
      for (std::size_t i = 0; i < n; ++i) owned.push_back(in.display(*text_i, keep[i]));
    }
    for (std::size_t i = 0; i < n; ++i) {
      texts[i] = owned.empty() ? in.text(*text_i, keep[i]) : std::string_view(owned[i]);
      has_text[i] = !trim_space(texts[i]).empty();
    }
  }
  std::vector<std::size_t> commented;
  for (std::size_t i = 0; i < n; ++i)
    if (has_text[i]) commented.push_back(i);
  // Without a comment column (metrics only) no row has a comment; gold labels alone are comments.
  a.comments = text_i || o.labeller == Labeller::labels ? commented.size() : 0;

  // The comments' sentiment model, before labelling: a driver + sentiment model reads each
  // comment's sentiment in the same pass as its drivers.
  std::optional<SentimentClassifier> loaded_sentiment;
  const SentimentClassifier* sentiment_model = nullptr;
  std::string sentiment_kind = "default";
  std::optional<std::string> sentiment_path;
  if (o.sentiment && text_i && !commented.empty()) {
    sentiment_model = o.sentiment_model;
    if (sentiment_model) {
      sentiment_kind = "model";
    } else if (!o.sentiment_model_path.empty()) {
      loaded_sentiment = SentimentClassifier::load(o.sentiment_model_path);
      loaded_sentiment->set_threads(o.threads);
      sentiment_model = &*loaded_sentiment;
      sentiment_kind = "model";
      sentiment_path = o.sentiment_model_path;
    } else {
      loaded_sentiment = SentimentClassifier::default_model(o.data_dir);
      loaded_sentiment->set_threads(o.threads);
      sentiment_model = &*loaded_sentiment;
    }
    if (!sentiment_model->fitted())
      throw std::invalid_argument("analyze_survey: the sentiment model is not trained (fit it first)");
  }

  Labelled labelled;
  if (o.labeller == Labeller::labels) {
    std::vector<std::size_t> rows(commented.size());
    for (std::size_t c = 0; c < commented.size(); ++c) rows[c] = keep[commented[c]];
    auto [drivers, Y] = gold(in, labels_i, rows);
    labelled.kind = "labels";
    labelled.drivers = std::move(drivers);
    labelled.mentions = std::move(Y);
    labelled.probabilities.assign(labelled.mentions.data(), labelled.mentions.data() + labelled.mentions.size());
  } else if (o.labeller != Labeller::none) {
    std::vector<std::string_view> comment_texts(commented.size());
    for (std::size_t c = 0; c < commented.size(); ++c) comment_texts[c] = texts[commented[c]];
    labelled = label(comment_texts, o, sentiment_model);
    a.model.coverage =
        detail::measure_coverage(comment_texts, labelled.model, labelled.probabilities, labelled.mentions, o.threshold);
  }
  const std::size_t k = labelled.drivers.size();
  a.model.kind = labelled.kind;
  a.model.path = labelled.path;
  a.model.drivers = labelled.drivers;
  for (std::size_t j = 0; j < k; ++j)
    a.model.labels.push_back(display_label(
        labelled.drivers[j], j < labelled.codebook_labels.size() ? labelled.codebook_labels[j] : "", o.lang));
  // Every analysed row: a row without a comment mentions nothing.
  LabelMatrix Y = zeros(n, k);
  std::vector<double> P(n * k, 0.0);
  for (std::size_t c = 0; c < commented.size(); ++c)
    for (std::size_t j = 0; j < k; ++j) {
      Y(static_cast<Index>(commented[c]), static_cast<Index>(j)) =
          labelled.mentions(static_cast<Index>(c), static_cast<Index>(j));
      P[commented[c] * k + j] = labelled.probabilities[c * k + j];
    }

  // The score.
  a.overall = scorer.overall(scores);

  // The sentiment of each comment: a class index of SentimentClassifier::kClasses, -1 without one.
  constexpr int kMixed = 0, kNegative = 1, kPositive = 3;
  std::vector<std::int8_t> feeling(n, -1);
  if (sentiment_model) {
    SurveySentiment s;
    s.model = std::move(sentiment_kind);
    s.path = std::move(sentiment_path);
    // The class of each comment: from the labelling pass, else read now.
    std::vector<std::int8_t> classes = std::move(labelled.sentiment);
    if (classes.empty()) {
      std::vector<std::string_view> comment_texts(commented.size());
      for (std::size_t c = 0; c < commented.size(); ++c) comment_texts[c] = texts[commented[c]];
      const Matrix probabilities = sentiment_model->predict_proba(comment_texts);
      classes.resize(commented.size());
      for (std::size_t c = 0; c < commented.size(); ++c) classes[c] = most_probable(probabilities.row(c));
    }
    for (std::size_t c = 0; c < commented.size(); ++c) {
      feeling[commented[c]] = classes[c];
      ++s.counts[static_cast<std::size_t>(classes[c])];
    }
    s.comments = commented.size();
    s.net = 100.0 * (static_cast<double>(s.counts[kPositive]) - static_cast<double>(s.counts[kNegative])) /
            static_cast<double>(s.comments);
    if (o.metric == Metric::nps) {
      std::uint64_t promoters_negative = 0, detractors_positive = 0;
      for (const std::size_t i : commented) {
        if (scores[i] >= scorer.nps.breaks.promoter_min) {
          ++s.promoters;
          promoters_negative += feeling[i] == kNegative || feeling[i] == kMixed;
        } else if (scores[i] <= scorer.nps.breaks.detractor_max) {
          ++s.detractors;
          detractors_positive += feeling[i] == kPositive;
        }
      }
      if (s.promoters)
        s.promoters_negative = static_cast<double>(promoters_negative) / static_cast<double>(s.promoters);
      if (s.detractors)
        s.detractors_positive = static_cast<double>(detractors_positive) / static_cast<double>(s.detractors);
    }
    a.sentiment = std::move(s);
  }
  // The sentiment of a mention: the driver's own polarity from a driver + sentiment model, else
  // the comment's (-1: none).
  std::vector<std::int8_t> mention_class;
  if (a.sentiment && !labelled.polarity.empty()) {
    mention_class.assign(n * k, -1);
    for (std::size_t c = 0; c < commented.size(); ++c)
      std::copy_n(labelled.polarity.begin() + static_cast<std::ptrdiff_t>(c * k), k,
                  mention_class.begin() + static_cast<std::ptrdiff_t>(commented[c] * k));
    a.sentiment->drivers_from = "driver";
  }
  auto class_of = [&](std::size_t i, std::size_t j) -> int {
    return mention_class.empty() ? feeling[i] : mention_class[i * k + j];
  };
  // Mentions whose sentiment is of the kept classes: pain points (negative or mixed), delights.
  auto mentions_where = [&](auto keep_class) {
    LabelMatrix M = zeros(n, k);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < k; ++j) {
        const int c = class_of(i, j);
        if (c >= 0 && keep_class(c))
          M(static_cast<Index>(i), static_cast<Index>(j)) = Y(static_cast<Index>(i), static_cast<Index>(j));
      }
    return M;
  };

  // Drivers.
  if (k > 0) {
    DriverAnalysisOptions d;
    d.metric = o.metric;
    d.confidence = o.confidence;
    d.bootstrap_samples = o.bootstrap_samples;
    d.seed = o.seed;
    d.threads = o.threads;
    d.nps = scorer.nps;
    if (o.metric != Metric::nps) d.rating = scorer.rating;
    std::vector<double> score_values(scores.begin(), scores.end());
    // With sentiment, the impact of the negative and of the positive mentions separately: the same
    // analysis on the mentions of comments of that polarity (a mixed comment counts for both).
    // Only their impacts are read: no importance bootstrap (it would refit 2^u models per
    // replicate). The three analyses run side by side (on a million responses they took 1.5 s one
    // after the other, the first half of it).
    DriverAnalysis result, negative, positive;
    LabelMatrix negative_mentions, positive_mentions;
    if (a.sentiment) {
      negative_mentions = mentions_where([](int c) { return c == kNegative || c == kMixed; });
      positive_mentions = mentions_where([](int c) { return c == kPositive || c == kMixed; });
    }
    DriverAnalysisOptions d_split = d;
    d_split.importance_bootstrap_samples = 0;
    detail::parallel_jobs(a.sentiment ? 3 : 1, o.threads, [&](std::size_t job) {
      if (job == 0)
        result = analyze_drivers(score_values, Y, labelled.drivers, has_text, {}, d);
      else
        (job == 1 ? negative : positive) = analyze_drivers(
            score_values, job == 1 ? negative_mentions : positive_mentions, labelled.drivers, has_text, {}, d_split);
    });
    a.drivers = std::move(result.drivers);
    std::stable_sort(a.drivers.begin(), a.drivers.end(), [](const DriverImpact& x, const DriverImpact& y) {
      if (x.impact.has_value() != y.impact.has_value()) return x.impact.has_value();
      return x.impact && *x.impact < *y.impact;
    });
    a.key_negative = std::move(result.negative);
    a.key_positive = std::move(result.positive);
    a.share_threshold = result.share_threshold;
    for (auto& n : result.note_fields) {
      SurveyNote note{"drivers", std::move(n.message), std::move(n.reason), std::move(n.driver),
                      {},        std::move(n.figures)};
      if (!n.outcome.empty()) note.words.emplace_back("outcome", std::move(n.outcome));
      a.notes.push_back(std::move(note));
    }
    if (a.sentiment) {
      std::unordered_map<std::string_view, std::size_t> column;
      for (std::size_t j = 0; j < k; ++j) column.emplace(labelled.drivers[j], j);
      auto impact_of = [](const DriverAnalysis& r, std::string_view driver) -> const DriverImpact* {
        for (const auto& x : r.drivers)
          if (x.driver == driver) return &x;
        return nullptr;
      };
      for (const auto& di : a.drivers) {
        DriverSentiment ds;
        ds.driver = di.driver;
        const std::size_t j = column.at(di.driver);
        for (std::size_t i = 0; i < n; ++i)
          if (class_of(i, j) >= 0 && Y(static_cast<Index>(i), static_cast<Index>(j))) {
            ++ds.mentions;
            ++ds.counts[static_cast<std::size_t>(class_of(i, j))];
          }
        if (ds.mentions)
          ds.net = 100.0 * (static_cast<double>(ds.counts[kPositive]) - static_cast<double>(ds.counts[kNegative])) /
                   static_cast<double>(ds.mentions);
        if (const auto* x = impact_of(negative, di.driver)) {
          ds.negative_impact = x->impact;
          ds.negative_ci_low = x->impact_ci_low;
          ds.negative_ci_high = x->impact_ci_high;
        }
        if (const auto* x = impact_of(positive, di.driver)) {
          ds.positive_impact = x->impact;
          ds.positive_ci_low = x->impact_ci_low;
          ds.positive_ci_high = x->impact_ci_high;
        }
        a.driver_sentiment.push_back(std::move(ds));
      }
      // Pain points beyond the sentiment: a driver's negative mentioners against the other
      // responses whose comment is negative or mixed; Holm over the drivers (review, stop 42: the
      // negative mentions of 30 random labels each "lowered" NPS, as any negative comments do).
      std::vector<std::optional<double>> p(a.driver_sentiment.size());
      for (std::size_t d = 0; d < a.driver_sentiment.size(); ++d) {
        auto& ds = a.driver_sentiment[d];
        const std::size_t j = column.at(ds.driver);
        std::vector<int> group_scores;
        std::vector<std::int64_t> group;
        for (std::size_t i = 0; i < n; ++i) {
          const int c = class_of(i, j);
          const bool own = Y(static_cast<Index>(i), static_cast<Index>(j)) && (c == kNegative || c == kMixed);
          if (own || feeling[i] == kNegative || feeling[i] == kMixed) {
            group_scores.push_back(scores[i]);
            group.push_back(own ? 1 : 0);
          }
        }
        scorer.by_segment(group_scores, group, [&](const auto& segments) {
          for (const auto& s : segments)
            if (s.key == 1 && s.vs_rest) {
              ds.negative_excess = s.vs_rest->diff;
              p[d] = s.vs_rest->p_value;
            }
        });
      }
      const auto holm = detail::p_adjust_holm_given(p);
      for (std::size_t d = 0; d < a.driver_sentiment.size(); ++d) {
        auto& ds = a.driver_sentiment[d];
        ds.negative_excess_p_holm = holm[d];
        ds.pain_point = holm[d] && *ds.negative_excess < 0 && *holm[d] < o.alpha;
      }
    }
  } else if (o.labeller != Labeller::none) {
    a.notes.push_back({"no_drivers",
                       "no driver is named in the " +
                           std::string(o.labeller == Labeller::labels ? "labels column" : "labeller") +
                           ": no driver analysis",
                       o.labeller == Labeller::labels ? "labels" : "labeller",
                       "",
                       {},
                       {}});
  }

  // Trend of the score and of each driver's share.
  const TrendOptions trend_options{TrendTestKind::mann_kendall, o.alpha};
  if (date_i) {
    std::vector<std::size_t> dated;
    for (std::size_t i = 0; i < n; ++i)
      if (days[i] != kNoDay) dated.push_back(i);
    if (!dated.empty()) {
      std::vector<int> s(dated.size());
      std::vector<std::int64_t> keys(dated.size());
      std::vector<std::uint8_t> ht(dated.size());
      for (std::size_t t = 0; t < dated.size(); ++t) {
        s[t] = scores[dated[t]];
        keys[t] = detail::period_key(days[dated[t]], o.freq);
        ht[t] = has_text[dated[t]];
      }
      SurveyTrend trend;
      trend.column = names[*date_i];
      trend.freq = o.freq;
      scorer.trend(s, keys, trend_options, [&](const auto& t) {
        std::vector<double> p_prev;
        std::vector<std::size_t> tested;  // the periods with a p-value, in order
        for (std::size_t i = 0; i < t.periods.size(); ++i) {
          SurveyPeriod p;
          p.period = detail::period_key_label(t.periods[i].period, o.freq);
          p.result = summary(t.periods[i].result);
          if (i > 0) {
            const auto c = compare(t.periods[i].result, t.periods[i - 1].result, o.confidence);
            p.diff_prev = c.diff;
            // As for segments: below kMinTestResponses in either period the test does not hold
            // its level (3 responses at 10, then 3 at 0, gave p = 0.025 "significant"; Fisher's
            // exact test: 0.10). The difference is shown, not tested.
            if (std::min(t.periods[i].result.n_eff, t.periods[i - 1].result.n_eff) < kMinTestResponses - 1e-9) {
              p.too_few = true;
            } else {
              p.p_prev = c.p_value;
              p_prev.push_back(c.p_value);
              tested.push_back(i);
            }
          }
          trend.periods.push_back(std::move(p));
        }
        const auto holm = p_adjust_holm(p_prev);
        for (std::size_t k = 0; k < holm.size(); ++k) {
          auto& p = trend.periods[tested[k]];
          p.p_prev_holm = holm[k];
          p.significant_drop = *p.diff_prev < 0 && holm[k] < o.alpha;
        }
        trend.test = t.test;
      });
      a.trend = std::move(trend);
      if (a.sentiment) {  // the share of negative or mixed comments by period
        std::map<std::int64_t, std::pair<std::uint64_t, std::uint64_t>> by_period;
        for (std::size_t t = 0; t < dated.size(); ++t) {
          const int c = feeling[dated[t]];
          if (c < 0) continue;
          auto& [comments, negative] = by_period[keys[t]];
          ++comments;
          negative += c == kNegative || c == kMixed;
        }
        for (const auto& [key, counts] : by_period)
          a.sentiment_trend.push_back({detail::period_key_label(key, o.freq), counts.first, counts.second,
                                       static_cast<double>(counts.second) / static_cast<double>(counts.first)});
      }
      if (k > 0) {
        const LabelMatrix Yd = dated.size() == n ? Y : rows_of(Y, dated);
        for (const auto& dt : driver_trends(Yd, keys, ht, trend_options)) {
          SurveyDriverTrend out;
          out.driver = labelled.drivers[dt.driver];
          for (const auto& p : dt.periods)
            out.periods.push_back({detail::period_key_label(p.period, o.freq), p.n, p.mentions, p.share});
          out.test = dt.test;
          out.p_holm = dt.p_holm;
          a.driver_trend.push_back(std::move(out));
        }
      }
    }
  }

  // Segments: the score by segment, and the drivers over- or under-represented in each.
  std::vector<std::int64_t> first_codes;
  std::vector<std::string> first_labels;
  for (const auto col : by_i) {
    std::vector<std::string> labels(n);
    std::unordered_set<std::string_view> values;
    for (std::size_t i = 0; i < n; ++i) {
      labels[i] = in.display(col, keep[i]);
      if (!labels[i].empty()) values.insert(labels[i]);
    }
    // Empty cells are one group, "(vuoto)", or "(vuoto 2)", ... when the column holds that value
    // itself: a real "(vuoto)" segment is not merged with the empty cells.
    const std::string empty_label = free_label(kEmptySegment, values);
    for (auto& l : labels)
      if (l.empty()) l = empty_label;
    if (const auto m = merge_small_segments(labels)) {
      a.notes.push_back({"segments_merged",
                         "segment column '" + names[col] + "' has " + std::to_string(m->values) + " values: the " +
                             std::to_string(kMaxSegments - 1) + " largest are segments, the other " +
                             std::to_string(m->merged_values) + " (" + std::to_string(m->merged_rows) +
                             " responses) are one, '" + m->label + "'",
                         "",
                         "",
                         {{"column", names[col]}, {"segment", m->label}},
                         {{"values", m->values},
                          {"shown", kMaxSegments - 1},
                          {"merged", m->merged_values},
                          {"responses", m->merged_rows}}});
    }
    auto coded = codes_of(labels);  // not a structured binding: clang 14 cannot capture one in a lambda
    auto& distinct = coded.first;
    auto& codes = coded.second;
    SurveySegments seg;
    seg.column = names[col];
    scorer.by_segment(scores, codes, [&](const auto& groups) {
      for (const auto& g : groups) {
        SurveySegment s;
        s.segment = distinct[static_cast<std::size_t>(g.key)];
        s.result = summary(g.result);
        if (g.vs_rest) {
          s.diff_vs_rest = g.vs_rest->diff;
          s.p_value = g.vs_rest->p_value;
        }
        s.p_holm = g.p_holm;
        s.p_bh = g.p_bh;
        s.significant = g.p_holm && *g.p_holm < o.alpha;
        s.too_few = g.too_few;
        seg.groups.push_back(std::move(s));
      }
    });
    a.segments.push_back(std::move(seg));
    if (k > 0)
      for (const auto& c : driver_segments(Y, codes, has_text, o.alpha))
        a.driver_segments.push_back({names[col], distinct[static_cast<std::size_t>(c.segment)],
                                     labelled.drivers[c.driver], c.n, c.share, c.share_rest, c.diff, c.p_value, c.p_bh,
                                     c.significant});
    if (first_codes.empty()) {
      first_codes = std::move(codes);
      first_labels = std::move(distinct);
    }
  }

  // Verbatims: the most probable comments per driver, spread over the first segment column.
  // With sentiment: per driver its pain points (negative or mixed comments), then its delights
  // (positive ones), each the most probable first.
  if (k > 0 && o.verbatims > 0) {
    // A comment repeated word for word (a template answer, a copy sent twice) is quoted once per
    // driver: of the rows that mention the driver with that text, only the first may be picked; its
    // copies have its probability (red-team, stop 42: one comment filled up to 3 of a driver's
    // quotes). Per driver: with gold labels copies of one text may name other drivers.
    auto first_copies = [&](LabelMatrix M) {
      std::unordered_set<std::string_view> seen;
      for (std::size_t j = 0; j < k; ++j) {
        seen.clear();
        for (const std::size_t i : commented)
          if (M(i, j) && !seen.insert(trim_space(texts[i])).second) M(i, j) = 0;
      }
      return M;
    };
    std::vector<std::vector<std::vector<std::size_t>>> lists;
    if (a.sentiment) {
      lists.push_back(
          select_verbatims(first_copies(mentions_where([](int c) { return c == kNegative || c == kMixed; })), P,
                           first_codes, o.verbatims));
      lists.push_back(select_verbatims(first_copies(mentions_where([](int c) { return c == kPositive; })), P,
                                       first_codes, o.verbatims));
    } else {
      lists.push_back(select_verbatims(first_copies(Y), P, first_codes, o.verbatims));
    }
    std::vector<std::vector<std::size_t>> picks(k);
    for (std::size_t j = 0; j < k; ++j)
      for (const auto& list : lists) picks[j].insert(picks[j].end(), list[j].begin(), list[j].end());
    std::unordered_map<std::string_view, std::vector<Explanation>> explained;
    std::uint64_t masked_spans = 0, masked_comments = 0;
    for (std::size_t j = 0; j < picks.size(); ++j)
      for (const std::size_t i : picks[j]) {
        Verbatim v;
        v.driver = labelled.drivers[j];
        v.probability = P[i * k + j];
        v.score = scores[i];
        if (class_of(i, j) >= 0)
          v.sentiment = std::string(SentimentClassifier::kClasses[static_cast<std::size_t>(class_of(i, j))]);
        if (!first_codes.empty()) v.segment = first_labels[static_cast<std::size_t>(first_codes[i])];
        if (date_i && days[i] != kNoDay) v.date = detail::iso_date(days[i]);
        const auto where = in.problem(keep[i], {});
        v.line = where.line;
        v.row = where.row;
        v.highlights = highlights(labelled, j, texts[i], explained);
        std::string_view quoted = texts[i];
        std::string masked;
        if (o.mask) {
          // The whole comment is masked before the cut, so that an identifier across the cut is
          // still recognised.
          masked = mask_comment(texts[i], v.highlights, mask_options, masked_spans);
          masked_comments += masked != texts[i];
          quoted = masked;
        }
        if (const std::size_t cut = CodePoints::byte_of(quoted, kMaxVerbatimCodePoints); cut < quoted.size()) {
          v.text = std::string(quoted.substr(0, cut)) + "…";
          std::erase_if(v.highlights, [](const Highlight& h) { return h.end > kMaxVerbatimCodePoints; });
        } else {
          v.text = std::string(quoted);
        }
        a.verbatims.push_back(std::move(v));
      }
    if (o.mask)
      a.notes.push_back({"masked",
                         "personal data in the quoted comments is masked (" + std::to_string(masked_spans) + " in " +
                             std::to_string(masked_comments) +
                             " comments: phones, e-mails, codici fiscali, IBANs, cards, names...); "
                             "mask=false (--no-mask) quotes them as written",
                         "",
                         "",
                         {},
                         {{"spans", masked_spans}, {"comments", masked_comments}}});
  }

  // Other metrics' columns beside the analysed one (a CSAT question in an NPS survey).
  for (const Metric m : {Metric::nps, Metric::csat, Metric::ces}) {
    if (m == o.metric) continue;
    const std::string other(metric_name(m));
    const std::array<std::string_view, 1> one = {other};
    std::optional<std::size_t> col;
    try {
      col = finder.find({}, one, "score column", other);
    } catch (const AnalysisError& e) {
      a.notes.push_back({"other_metric",
                         std::string(e.what()) + "; its " + other + " is not reported",
                         "ambiguous_column",
                         "",
                         {{"metric", other}},
                         {}});
      continue;
    }
    if (!col || *col == *score_i) continue;
    const Scorer s(m, std::nullopt, o.confidence);
    std::vector<int> values;
    for (const std::size_t r : keep)
      if (const auto v = score_of(*col, r); v && *v >= s.lo && *v <= s.hi) values.push_back(static_cast<int>(*v));
    if (const auto r = s.overall(values))
      a.other_metrics.push_back({m, names[*col], *r, static_cast<std::uint64_t>(n - values.size())});
  }

  // The input and its problems: the reader's, then the rows' by line.
  if (in.csv())
    std::stable_sort(row_problems.begin(), row_problems.end(),
                     [](const auto& x, const auto& y) { return x.line < y.line; });
  else
    std::stable_sort(row_problems.begin(), row_problems.end(),
                     [](const auto& x, const auto& y) { return *x.row < *y.row; });
  a.source = std::move(source);
  a.source.rows_used = n;
  a.source.bad_rows = meta.skipped + bad_scores;
  a.source.problems_total = meta.problems.size() + row_problems_total;
  for (const std::vector<SurveyProblem>* list : {&meta.problems, &std::as_const(row_problems)})
    for (const auto& p : *list)
      if (a.source.problems.size() < o.max_problems) a.source.problems.push_back(p);
  if (a.source.problems_total > o.max_problems)
    a.notes.push_back({"problems",
                       std::to_string(a.source.problems_total) + " problems in the input; the first " +
                           std::to_string(o.max_problems) + " are listed",
                       "",
                       "",
                       {},
                       {{"problems", a.source.problems_total}, {"listed", o.max_problems}}});
  if (labelled.kind == "default")
    a.notes.push_back(
        {"default_model",
         "drivers from perche's default model, trained on the synthetic sample survey: train your own on labelled "
         "comments (perche train) for real data",
         "",
         "",
         {},
         {}});
  // The domain guard's warning comes first: it says how far to trust everything else.
  if (a.model.coverage && a.model.coverage->out_of_domain)
    a.notes.insert(
        a.notes.begin(),
        SurveyNote{"out_of_domain", detail::out_of_domain_message(*a.model.coverage, a.model.kind), "", "", {}, {}});
  a.summary = summarize(a);
  return a;
}

}  // namespace

SurveyAnalysis analyze_survey(const CsvTable& table, const SurveyOptions& options, std::string_view source_name) {
  const std::string shown = source_name.empty() ? std::string("the input") : detail::display_path(source_name);
  CsvMeta meta;
  for (const auto& p : table.problems()) {
    meta.problems.push_back({p.line, std::nullopt, p.message});
    if (p.line > 0 && p.record_skipped) ++meta.skipped;
  }
  if (table.header().empty()) {
    const bool empty = table.problems().empty() ||
                       std::any_of(table.problems().begin(), table.problems().end(), [](const CsvProblem& p) {
                         return p.line == 0 && p.message.find("empty") != std::string::npos;
                       });
    if (empty) throw AnalysisError(shown + " is empty");
    throw AnalysisError(shown + ": no header could be read: " + first_problems(meta.problems));
  }
  if (table.rows() == 0) {
    std::vector<SurveyProblem> skipped;
    for (const auto& p : table.problems())
      if (p.line > 0 && p.record_skipped) skipped.push_back({p.line, std::nullopt, p.message});
    if (skipped.empty()) throw AnalysisError(shown + " is empty: it has a header and no rows");
    throw AnalysisError(shown + ": no record could be read as a row: " + first_problems(skipped));
  }
  SurveyAnalysis::Source source;
  if (!source_name.empty()) source.file = detail::display_path(source_name);
  source.rows = table.rows() + meta.skipped;
  source.encoding = table.encoding();
  source.delimiter = table.delimiter();
  source.replaced = table.replaced();
  return run(Input(table), options, std::move(source), meta);
}

SurveyAnalysis analyze_survey(std::span<const SurveyColumn> columns, const SurveyOptions& options) {
  const Input in(columns);
  if (columns.empty()) throw AnalysisError("the input has no columns");
  if (in.rows() == 0) throw AnalysisError("the input has no rows");
  SurveyAnalysis::Source source;
  source.rows = in.rows();
  return run(in, options, std::move(source), {});
}

std::optional<std::size_t> find_column(std::span<const std::string> names, std::string_view name,
                                       std::span<const std::string_view> defaults, std::string_view what,
                                       std::string_view arg) {
  return detail::ColumnFinder(std::vector<std::string>(names.begin(), names.end())).find(name, defaults, what, arg);
}

CommentLabels label_comments(std::span<const std::string_view> texts, const SurveyOptions& options) {
  validate(options);
  if (options.labeller != Labeller::model && options.labeller != Labeller::codebook)
    throw std::invalid_argument("label_comments: the labeller is not a model or a codebook");
  std::vector<std::size_t> commented;
  std::vector<std::string_view> comment_texts;
  for (std::size_t i = 0; i < texts.size(); ++i)
    if (!trim_space(texts[i]).empty()) {
      commented.push_back(i);
      comment_texts.push_back(texts[i]);
    }
  auto l = label(comment_texts, options, nullptr);
  const std::size_t k = l.drivers.size();
  CommentLabels out{std::move(l.kind), std::move(l.path), std::move(l.drivers),
                    std::vector<double>(texts.size() * k, 0.0), zeros(texts.size(), k)};
  for (std::size_t c = 0; c < commented.size(); ++c)
    for (std::size_t j = 0; j < k; ++j) {
      out.probabilities[commented[c] * k + j] = l.probabilities[c * k + j];
      out.mentions(static_cast<Index>(commented[c]), static_cast<Index>(j)) =
          l.mentions(static_cast<Index>(c), static_cast<Index>(j));
    }
  return out;
}

std::pair<std::vector<std::string>, LabelMatrix> gold_labels(const CsvTable& table,
                                                             std::span<const std::string> columns,
                                                             std::span<const std::size_t> rows) {
  const Input in(table);
  const detail::ColumnFinder finder(in.names());
  std::vector<std::size_t> cols;
  for (const auto& c : columns) {
    if (c.empty()) throw AnalysisError("labels: an empty column name");
    cols.push_back(*finder.find(c, {}, "labels column", "labels"));
  }
  if (cols.empty()) throw AnalysisError("labels: name the column(s) of gold driver labels");
  std::vector<std::size_t> all(rows.begin(), rows.end());
  if (rows.empty()) {
    all.resize(table.rows());
    std::iota(all.begin(), all.end(), std::size_t{0});
  }
  for (const auto r : all)
    if (r >= table.rows())
      throw std::invalid_argument("gold_labels: row " + std::to_string(r) + " is outside the table's " +
                                  std::to_string(table.rows()) + " rows");
  return gold(in, cols, all);
}

std::pair<std::vector<std::string>, LabelMatrix> split_labels(std::span<const std::string_view> texts,
                                                              std::span<const std::string> drivers) {
  std::vector<std::vector<std::string_view>> rows(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::string_view s = texts[i];
    std::size_t start = 0;
    for (std::size_t p = 0; p <= s.size(); ++p) {
      if (p == s.size() || s[p] == '|' || s[p] == ';' || s[p] == ',') {
        const auto name = trim_space(s.substr(start, p - start));
        if (!name.empty()) rows[i].push_back(name);
        start = p + 1;
      }
    }
  }
  // A name's key: ASCII letters in lower case, '_' as a space, runs of spaces as one. Spellings of
  // one key are one driver ("Tempi_attesa", "tempi attesa" and "tempi_attesa" were three, two of
  // them shown with the same display name), named by its most frequent spelling (ties: the first
  // in code-point order).
  const auto key = [](std::string_view name) {
    std::string k;
    for (const char c : name) {
      const char d = c == '_' ? ' ' : c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
      if (d != ' ' || (!k.empty() && k.back() != ' ')) k.push_back(d);
    }
    while (!k.empty() && k.back() == ' ') k.pop_back();
    return k;
  };
  std::vector<std::string> names(drivers.begin(), drivers.end());
  if (names.empty()) {
    std::map<std::string_view, std::size_t> spellings;  // in code-point order
    for (const auto& r : rows)
      for (const auto name : r) ++spellings[name];
    std::unordered_map<std::string, std::pair<std::string_view, std::size_t>> best;  // key → spelling, count
    for (const auto& [name, count] : spellings) {
      auto [it, fresh] = best.try_emplace(key(name), name, count);
      if (!fresh && count > it->second.second) it->second = {name, count};
    }
    for (const auto& [k, spelling] : best) names.emplace_back(spelling.first);
    std::sort(names.begin(), names.end());
  }
  std::unordered_map<std::string, std::size_t> column;
  for (std::size_t j = 0; j < names.size(); ++j) column.emplace(key(names[j]), j);
  LabelMatrix Y = zeros(texts.size(), names.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (const auto name : rows[i]) {
      const auto it = column.find(key(name));
      if (it == column.end()) {
        std::string known;
        for (const auto& d : names) known += (known.empty() ? "" : ", ") + quote_value(d);
        throw AnalysisError("labels: row " + std::to_string(i) + " names driver " + quote_value(name) +
                            ", not one of [" + known + "]");
      }
      Y(static_cast<Index>(i), static_cast<Index>(it->second)) = 1;
    }
  return {std::move(names), std::move(Y)};
}

}  // namespace perche
