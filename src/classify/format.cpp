// SPDX-License-Identifier: Apache-2.0
// The DriverClassifier file format, version 6 (version 5 files, without the nb_scale option byte,
// load as models without it; version 4 files, without the training comments'
// top-probability quantiles, load without them; version 3 files, without the display labels, load
// without them; version 2 files, without the threshold policy, the sentiment flag and the polarity
// models, as per-driver thresholds without sentiment; version 1 files, without the solver field,
// as solver lbfgs too). Little-endian throughout:
//   "PERCHEDC" (8 bytes) · u32 format version · u64 payload size · payload · u32 CRC-32 of payload
// The payload is a sequence of fields (u8/u32/u64/f64, strings as u64 length + bytes, vectors as
// u64 count + items): driver names, every option (version 6 adds nb_scale, a u8 after polarity_C), the vocabulary and
// idf, per driver the classes, coefficients and intercept, and the thresholds; for a sentiment model (version 3) then
// the lexicon (its text format), the polarity threshold and per polarity (positive, negative) the pooled model and per
// driver a u8 (1: its own model follows) and the model; last (version 4) the display labels, none or one per driver;
// last (version 5) the training comments' highest driver probability at kTopQuantiles quantiles (a count, 0 or
// kTopQuantiles, then the values, non-decreasing in [0, 1]). Doubles are stored bit for bit, so a model round-trips
// exactly. Every count is checked against the bytes left before anything is allocated: a file claiming a huge size
// fails with FormatError, never with an allocation or an overread. CRC-32: ISO-HDLC / IEEE 802.3 polynomial 0x04C11DB7,
// reflected (0xEDB88320), init and xorout 0xFFFFFFFF — the zlib/PNG crc32 (check value of "123456789" is 0xCBF43926).
#include <perche/classify.hpp>
#include <perche/sentiment.hpp>

#include "../io/file.hpp"
#include "binary.hpp"

namespace perche {
namespace {

using detail::Reader;
using detail::Writer;

constexpr std::string_view kMagic = "PERCHEDC";
constexpr std::uint32_t kVersion = 6;
constexpr const char* kModel = "DriverClassifier model";

void write_options(Writer& w, const DriverOptions& d) {
  write_features(w, d.features);
  write_logistic(w, d.logistic);  // the solver since version 2
  w.u32(static_cast<std::uint32_t>(d.cv_folds));
  w.f64(d.threshold);
  w.u32(d.threads);
  w.u64(d.seed);
  w.u8(static_cast<std::uint8_t>(d.threshold_policy));  // since version 3
  w.u8(d.sentiment ? 1 : 0);
  w.f64(d.polarity_C);
  w.u8(d.nb_scale ? 1 : 0);  // since version 6
}

// A u8 that must be 0 or 1, else a FormatError naming it and its byte.
bool read_flag(Reader& r, const char* name) {
  const auto v = r.u8(name);
  if (v > 1) r.fail(std::string(name) + " flag " + std::to_string(v) + " (expected 0 or 1)", r.offset() - 1);
  return v == 1;
}

DriverOptions read_options(Reader& r, std::uint32_t version) {
  DriverOptions d;
  d.features = read_features(r);
  d.logistic = read_logistic(r, version >= 2);  // lbfgs, the only solver before version 2
  d.cv_folds = r.i32("cv_folds");
  d.threshold = r.f64("threshold");
  d.threads = r.u32("threads");
  d.seed = r.u64("seed");
  d.threshold_policy = ThresholdPolicy::per_driver;  // the only policy before version 3
  d.sentiment = false;
  if (version >= 3) {
    const auto policy = r.u8("threshold policy");
    if (policy > static_cast<std::uint8_t>(ThresholdPolicy::global))
      r.fail("threshold policy " + std::to_string(policy) + " (expected 0 or 1)", r.offset() - 1);
    d.threshold_policy = static_cast<ThresholdPolicy>(policy);
    d.sentiment = read_flag(r, "sentiment");
    d.polarity_C = r.f64("polarity C");
  }
  d.nb_scale = false;  // none before version 6
  if (version >= 6) d.nb_scale = read_flag(r, "nb_scale");
  return d;
}

// A binary logistic regression over `cols` features: classes, coefficient shape and values, intercept.
void write_binary(Writer& w, const LogisticRegression& m) {
  w.u64(m.classes().size());
  for (int c : m.classes()) w.u32(static_cast<std::uint32_t>(c));
  w.u64(static_cast<std::uint64_t>(m.coef().rows()));
  w.u64(static_cast<std::uint64_t>(m.coef().cols()));
  for (const double v : m.coef().values()) w.f64(v);  // row-major (one row: binary)
  for (const double v : m.intercept()) w.f64(v);
}

LogisticRegression read_binary(Reader& r, const LogisticOptions& options, std::size_t expected_cols,
                               std::size_t payload_size, const std::string& what) {
  const auto n_classes = r.count("classes", 4);
  std::vector<int> classes(n_classes);
  for (auto& c : classes) c = r.i32("class");
  if (classes != std::vector<int>{0, 1}) r.fail(what + " has classes other than {0, 1}", r.offset());
  const auto rows = r.count("coefficient rows", 8);
  const auto cols = r.u64("coefficient columns");
  if (rows != 1 || cols != expected_cols)
    r.fail(what + " has a " + std::to_string(rows) + " × " + std::to_string(cols) +
               " coefficient matrix, expected 1 × " + std::to_string(expected_cols),
           r.offset());
  if (cols > payload_size / 8) r.fail("coefficient matrix larger than the file", r.offset());
  Matrix coef(1, cols);
  for (double& v : coef.values()) v = r.f64("coefficient");
  std::vector<double> intercept{r.f64("intercept")};
  return LogisticRegression::from_parts(options, std::move(classes), std::move(coef), std::move(intercept));
}

}  // namespace

std::string DriverClassifier::to_bytes() const {
  if (!fitted()) throw std::logic_error("DriverClassifier: save before fit");
  Writer w;
  w.strings(drivers_);
  write_options(w, options_);
  w.strings(vectorizer_.features());
  w.u64(static_cast<std::uint64_t>(vectorizer_.idf().size()));
  for (double v : vectorizer_.idf()) w.f64(v);
  for (std::size_t j = 0; j < models_.size(); ++j) {
    write_binary(w, models_[j]);
    w.f64(thresholds_[j]);
  }
  if (options_.sentiment) {
    w.str(lexicon_->lexicon().to_text());
    w.f64(polarity_threshold_);
    for (std::size_t q = 0; q < 2; ++q) {
      write_binary(w, *pooled_[q]);
      for (const auto& m : polarity_models_[q]) {
        w.u8(m.classes().empty() ? 0 : 1);
        if (!m.classes().empty()) write_binary(w, m);
      }
    }
  }
  w.strings(labels_);                                        // since version 4
  w.u64(static_cast<std::uint64_t>(top_quantiles_.size()));  // since version 5
  for (double v : top_quantiles_) w.f64(v);
  return detail::seal(kMagic, kVersion, w.bytes());
}

DriverClassifier DriverClassifier::from_bytes(std::string_view bytes) {
  std::uint32_t version = 0;
  const std::string_view payload = detail::unseal(bytes, kMagic, kVersion, kModel, version);
  const std::size_t kHeader = kMagic.size() + 4 + 8;
  Reader r(payload, kHeader);
  try {
    auto drivers = r.strings("driver names");
    if (drivers.empty()) r.fail("the model has no drivers", r.offset());
    DriverOptions options = read_options(r, version);
    DriverClassifier clf(drivers, options);
    auto features = r.strings("features");
    const auto n_idf = r.count("idf", 8);
    if (n_idf != features.size())
      r.fail(std::to_string(n_idf) + " idf values for " + std::to_string(features.size()) + " features", r.offset());
    std::vector<double> idf(n_idf);
    for (auto& v : idf) v = r.f64("idf");
    clf.vectorizer_ = TfidfVectorizer::from_parts(options.features, std::move(features), std::move(idf));
    const std::size_t n_features = clf.vectorizer_.features().size();
    for (std::size_t j = 0; j < drivers.size(); ++j) {
      clf.models_.push_back(read_binary(r, options.logistic, n_features, payload.size(),
                                        "driver " + std::to_string(j) + " ('" + drivers[j] + "')"));
      const double t = r.f64("threshold");
      if (!(t >= 0.0 && t <= 1.0))  // NaN fails too
        r.fail("threshold of driver " + std::to_string(j) + " ('" + drivers[j] + "') is " + std::to_string(t) +
                   ", expected a probability in [0, 1]",
               r.offset() - 8);
      clf.thresholds_.push_back(t);
    }
    if (options.sentiment) {
      SentimentOptions lexicon_options;
      lexicon_options.threads = options.threads;
      clf.lexicon_ = std::make_shared<SentimentClassifier>(
          lexicon_options, SentimentLexicon::parse(r.str("lexicon"), "the model's sentiment lexicon"));
      const double t = r.f64("polarity threshold");
      if (!(t >= 0.0 && t <= 1.0))
        r.fail("polarity threshold " + std::to_string(t) + ", expected a probability in [0, 1]", r.offset() - 8);
      clf.polarity_threshold_ = t;
      const LogisticOptions polarity_options = clf.polarity_logistic();
      const std::size_t cols = clf.polarity_columns();
      for (std::size_t q = 0; q < 2; ++q) {
        const std::string polarity = q == 0 ? "positive" : "negative";
        clf.pooled_[q] = read_binary(r, polarity_options, cols, payload.size(), "the pooled " + polarity + " model");
        for (std::size_t j = 0; j < drivers.size(); ++j) {
          const auto own = r.u8("polarity model flag");
          if (own > 1) r.fail("polarity model flag " + std::to_string(own) + " (expected 0 or 1)", r.offset() - 1);
          clf.polarity_models_[q].push_back(
              own ? read_binary(r, polarity_options, cols, payload.size(),
                                "the " + polarity + " model of driver " + std::to_string(j) + " ('" + drivers[j] + "')")
                  : LogisticRegression(polarity_options));
        }
      }
    }
    if (version >= 4) {
      const std::size_t at = r.offset();
      auto labels = r.strings("labels");
      if (!labels.empty() && labels.size() != drivers.size())
        r.fail(std::to_string(labels.size()) + " labels for " + std::to_string(drivers.size()) +
                   " drivers (expected none or one per driver)",
               at);
      for (std::size_t j = 0; j < labels.size(); ++j)
        if (labels[j].empty()) r.fail("the label of driver " + std::to_string(j) + " is empty", at);
      clf.labels_ = std::move(labels);
    }
    if (version >= 5) {
      const std::size_t at = r.offset();
      const auto count = r.count("training top-probability quantiles", 8);
      if (count != 0 && count != kTopQuantiles)
        r.fail(std::to_string(count) + " training top-probability quantiles (expected 0 or " +
                   std::to_string(kTopQuantiles) + ")",
               at);
      std::vector<double> quantiles(count);
      for (std::size_t q = 0; q < count; ++q) {
        quantiles[q] = r.f64("training top-probability quantile");
        if (!(quantiles[q] >= (q ? quantiles[q - 1] : 0.0) && quantiles[q] <= 1.0))  // NaN fails too
          r.fail("training top-probability quantile " + std::to_string(q) + " is " + std::to_string(quantiles[q]) +
                     ", expected a probability not below the one before",
                 r.offset() - 8);
      }
      clf.top_quantiles_ = std::move(quantiles);
    }
    if (!r.done()) r.fail("unexpected bytes after the last driver", r.offset());
    clf.finish();
    return clf;
  } catch (const FormatError&) {
    throw;
  } catch (const std::exception& e) {  // options or sizes that the constructors reject
    throw FormatError(std::string("DriverClassifier model: inconsistent content: ") + e.what() + " (before byte " +
                      std::to_string(r.offset()) + ")");
  }
}

void DriverClassifier::save(const std::string& path) const {
  // Whole or not at all (detail::write_file): a full disk, a size limit or a crash half-way leaves
  // the old file, never a truncated model that then fails to load.
  detail::write_file(path, to_bytes(), "model");
}

DriverClassifier DriverClassifier::load(const std::string& path, std::uint64_t max_bytes) {
  return detail::load_model<DriverClassifier>(path, max_bytes);
}

}  // namespace perche
