// SPDX-License-Identifier: Apache-2.0
// The DriverClassifier file format, version 2 (version 1 files, without the solver field, still
// load, as solver lbfgs). Little-endian throughout:
//   "PERCHEDC" (8 bytes) · u32 format version · u64 payload size · payload · u32 CRC-32 of payload
// The payload is a sequence of fields (u8/u32/u64/f64, strings as u64 length + bytes, vectors as
// u64 count + items): driver names, every option, the vocabulary and idf, per driver the classes,
// coefficients and intercept, and the thresholds. Doubles are stored bit for bit, so a model
// round-trips exactly. Every count is checked against the bytes left before anything is allocated:
// a file claiming a huge size fails with FormatError, never with an allocation or an overread.
// CRC-32: ISO-HDLC / IEEE 802.3 polynomial 0x04C11DB7, reflected (0xEDB88320), init and xorout
// 0xFFFFFFFF — the zlib/PNG crc32 (check value of "123456789" is 0xCBF43926).
#include <perche/classify.hpp>

#include "../io/file.hpp"
#include "binary.hpp"

namespace perche {
namespace {

using detail::Reader;
using detail::Writer;

constexpr std::string_view kMagic = "PERCHEDC";
constexpr std::uint32_t kVersion = 2;
constexpr const char* kModel = "DriverClassifier model";

void write_options(Writer& w, const DriverOptions& d) {
  write_features(w, d.features);
  write_logistic(w, d.logistic);  // the solver since version 2
  w.u32(static_cast<std::uint32_t>(d.cv_folds));
  w.f64(d.threshold);
  w.u32(d.threads);
  w.u64(d.seed);
}

DriverOptions read_options(Reader& r, std::uint32_t version) {
  DriverOptions d;
  d.features = read_features(r);
  d.logistic = read_logistic(r, version >= 2);  // lbfgs, the only solver before version 2
  d.cv_folds = r.i32("cv_folds");
  d.threshold = r.f64("threshold");
  d.threads = r.u32("threads");
  d.seed = r.u64("seed");
  return d;
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
    const auto& m = models_[j];
    w.u64(m.classes().size());
    for (int c : m.classes()) w.u32(static_cast<std::uint32_t>(c));
    w.u64(static_cast<std::uint64_t>(m.coef().rows()));
    w.u64(static_cast<std::uint64_t>(m.coef().cols()));
    for (const double v : m.coef().values()) w.f64(v);  // row-major (one row: a driver is binary)
    for (const double v : m.intercept()) w.f64(v);
    w.f64(thresholds_[j]);
  }
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
    for (std::size_t j = 0; j < drivers.size(); ++j) {
      const auto n_classes = r.count("classes", 4);
      std::vector<int> classes(n_classes);
      for (auto& c : classes) c = r.i32("class");
      if (classes != std::vector<int>{0, 1})
        r.fail("driver " + std::to_string(j) + " ('" + drivers[j] + "') has classes other than {0, 1}", r.offset());
      const auto rows = r.count("coefficient rows", 8);
      const auto cols = r.u64("coefficient columns");
      if (rows != 1 || cols != clf.vectorizer_.features().size())
        r.fail("driver " + std::to_string(j) + " has a " + std::to_string(rows) + " × " + std::to_string(cols) +
                   " coefficient matrix, expected 1 × " + std::to_string(clf.vectorizer_.features().size()),
               r.offset());
      if (cols > (payload.size()) / 8) r.fail("coefficient matrix larger than the file", r.offset());
      Matrix coef(1, cols);
      for (double& v : coef.values()) v = r.f64("coefficient");
      std::vector<double> intercept{r.f64("intercept")};
      clf.models_.push_back(
          LogisticRegression::from_parts(options.logistic, std::move(classes), std::move(coef), std::move(intercept)));
      const double t = r.f64("threshold");
      if (!(t >= 0.0 && t <= 1.0))  // NaN fails too
        r.fail("threshold of driver " + std::to_string(j) + " ('" + drivers[j] + "') is " + std::to_string(t) +
                   ", expected a probability in [0, 1]",
               r.offset() - 8);
      clf.thresholds_.push_back(t);
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
