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

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>

#include "../io/file.hpp"

namespace perche {
namespace {

constexpr char kMagic[8] = {'P', 'E', 'R', 'C', 'H', 'E', 'D', 'C'};
constexpr std::uint32_t kVersion = 2;

std::uint32_t crc32(std::string_view data) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

template <typename T>
T to_little(T v) {
  if constexpr (std::endian::native == std::endian::big) {
    auto bytes = std::bit_cast<std::array<unsigned char, sizeof(T)>>(v);
    std::reverse(bytes.begin(), bytes.end());
    return std::bit_cast<T>(bytes);
  }
  return v;
}

class Writer {
 public:
  template <typename T>
  void raw(T v) {
    v = to_little(v);
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void u8(std::uint8_t v) { raw(v); }
  void u32(std::uint32_t v) { raw(v); }
  void u64(std::uint64_t v) { raw(v); }
  void i64(std::int64_t v) { raw(v); }
  void f64(double v) { raw(std::bit_cast<std::uint64_t>(v)); }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  void strings(const std::vector<std::string>& v) {
    u64(v.size());
    for (const auto& s : v) str(s);
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(std::string_view data, std::size_t base) : data_(data), base_(base) {}

  template <typename T>
  T raw(const char* what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, data_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return to_little(v);
  }
  std::uint8_t u8(const char* what) { return raw<std::uint8_t>(what); }
  bool flag(const char* what) {
    const auto v = u8(what);
    if (v > 1) fail(std::string(what) + " is " + std::to_string(v) + ", expected 0 or 1", pos_ - 1);
    return v == 1;
  }
  std::uint32_t u32(const char* what) { return raw<std::uint32_t>(what); }
  std::uint64_t u64(const char* what) { return raw<std::uint64_t>(what); }
  std::int64_t i64(const char* what) { return raw<std::int64_t>(what); }
  double f64(const char* what) { return std::bit_cast<double>(raw<std::uint64_t>(what)); }
  int i32(const char* what) { return static_cast<int>(static_cast<std::int32_t>(u32(what))); }
  // A count of items of at least `min_item` bytes each, checked against what is left.
  std::size_t count(const char* what, std::size_t min_item) {
    const std::size_t at = pos_;
    const auto n = u64(what);
    if (min_item && n > (data_.size() - pos_) / min_item)
      fail(std::string(what) + " claims " + std::to_string(n) + " items but only " +
               std::to_string(data_.size() - pos_) + " bytes are left",
           at);
    return static_cast<std::size_t>(n);
  }
  std::string str(const char* what) {
    const auto n = count(what, 1);
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::vector<std::string> strings(const char* what) {
    const auto n = count(what, 8);
    std::vector<std::string> v;
    v.reserve(n);
    for (std::size_t i = 0; i < n; ++i) v.push_back(str(what));
    return v;
  }
  bool done() const { return pos_ == data_.size(); }
  std::size_t offset() const { return base_ + pos_; }
  [[noreturn]] void fail(const std::string& msg, std::size_t at) const {
    throw FormatError("DriverClassifier model: " + msg + " (byte " + std::to_string(base_ + at) + ")");
  }

 private:
  void need(std::size_t n, const char* what) const {
    if (data_.size() - pos_ < n)
      fail(std::string("truncated: ") + what + " needs " + std::to_string(n) + " bytes, " +
               std::to_string(data_.size() - pos_) + " left",
           pos_);
  }
  std::string_view data_;
  std::size_t base_;
  std::size_t pos_ = 0;
};

void write_tokenizer(Writer& w, const text::TokenizerOptions& o) {
  for (bool b : {o.lowercase, o.strip_accents, o.fix_accents, o.split_elisions, o.squash_elongations, o.stem,
                 o.negation, o.placeholders, o.keep_punct})
    w.u8(b);
  w.u8(static_cast<std::uint8_t>(o.utf8));
  w.u8(o.stopwords.has_value());
  if (o.stopwords) w.strings(*o.stopwords);
}

text::TokenizerOptions read_tokenizer(Reader& r) {
  text::TokenizerOptions o;
  for (bool* b : {&o.lowercase, &o.strip_accents, &o.fix_accents, &o.split_elisions, &o.squash_elongations, &o.stem,
                  &o.negation, &o.placeholders, &o.keep_punct})
    *b = r.flag("tokenizer option");
  const auto policy = r.u8("utf8 policy");
  if (policy > 1) r.fail("utf8 policy " + std::to_string(policy) + " is unknown", r.offset() - 1);
  o.utf8 = static_cast<text::Utf8Policy>(policy);
  if (r.flag("stopwords present"))
    o.stopwords = r.strings("stopwords");
  else
    o.stopwords.reset();
  return o;
}

void write_options(Writer& w, const DriverOptions& d) {
  const auto& f = d.features;
  write_tokenizer(w, f.tokenizer);
  w.u8(static_cast<std::uint8_t>(f.analyzer));
  for (int v : {f.ngram_min, f.ngram_max, f.char_min, f.char_max}) w.u32(static_cast<std::uint32_t>(v));
  w.f64(f.min_df.value);
  w.u8(f.min_df.share);
  w.f64(f.max_df.value);
  w.u8(f.max_df.share);
  w.u64(f.max_features);
  for (bool b : {f.sublinear_tf, f.use_idf, f.smooth_idf}) w.u8(b);
  w.u8(static_cast<std::uint8_t>(f.norm));
  const auto& l = d.logistic;
  w.f64(l.C);
  w.u8(l.fit_intercept);
  w.u8(l.balanced);
  w.f64(l.tol);
  w.u32(static_cast<std::uint32_t>(l.max_iter));
  w.u8(static_cast<std::uint8_t>(l.solver));  // since version 2
  w.u32(static_cast<std::uint32_t>(d.cv_folds));
  w.f64(d.threshold);
  w.u32(d.threads);
  w.u64(d.seed);
}

DriverOptions read_options(Reader& r, std::uint32_t version) {
  DriverOptions d;
  auto& f = d.features;
  f.tokenizer = read_tokenizer(r);
  const auto analyzer = r.u8("analyzer");
  if (analyzer > 2) r.fail("analyzer " + std::to_string(analyzer) + " is unknown", r.offset() - 1);
  f.analyzer = static_cast<Analyzer>(analyzer);
  f.ngram_min = r.i32("ngram_min");
  f.ngram_max = r.i32("ngram_max");
  f.char_min = r.i32("char_min");
  f.char_max = r.i32("char_max");
  f.min_df.value = r.f64("min_df");
  f.min_df.share = r.flag("min_df share");
  f.max_df.value = r.f64("max_df");
  f.max_df.share = r.flag("max_df share");
  f.max_features = static_cast<std::size_t>(r.u64("max_features"));
  f.sublinear_tf = r.flag("sublinear_tf");
  f.use_idf = r.flag("use_idf");
  f.smooth_idf = r.flag("smooth_idf");
  const auto norm = r.u8("norm");
  if (norm > 2) r.fail("norm " + std::to_string(norm) + " is unknown", r.offset() - 1);
  f.norm = static_cast<Norm>(norm);
  auto& l = d.logistic;
  l.C = r.f64("C");
  l.fit_intercept = r.flag("fit_intercept");
  l.balanced = r.flag("balanced");
  l.tol = r.f64("tol");
  l.max_iter = r.i32("max_iter");
  if (version >= 2) {
    const auto solver = r.u8("solver");
    if (solver > 1) r.fail("solver " + std::to_string(solver) + " is unknown", r.offset() - 1);
    l.solver = static_cast<Solver>(solver);
  } else {
    l.solver = Solver::lbfgs;  // the only solver before version 2
  }
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
  const std::string payload = std::move(w.bytes());
  Writer file;
  file.bytes().append(kMagic, sizeof kMagic);
  file.u32(kVersion);
  file.u64(payload.size());
  file.bytes() += payload;
  file.u32(crc32(payload));
  return std::move(file.bytes());
}

DriverClassifier DriverClassifier::from_bytes(std::string_view bytes) {
  constexpr std::size_t kHeader = sizeof kMagic + 4 + 8;
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw FormatError("DriverClassifier model: not a perche model (no \"PERCHEDC\" magic at byte 0)");
  Reader head(bytes.substr(sizeof kMagic), sizeof kMagic);
  const auto version = head.u32("format version");
  if (version == 0 || version > kVersion)
    throw FormatError("DriverClassifier model: format version " + std::to_string(version) +
                      (version ? " is newer than this perche reads (" : " is invalid (expected ") +
                      std::to_string(kVersion) + ")");
  const auto size = head.u64("payload size");
  if (size > bytes.size() - kHeader || bytes.size() - kHeader - size < 4)
    throw FormatError("DriverClassifier model: truncated: the header announces " + std::to_string(size) +
                      " payload bytes and a checksum, the file has " + std::to_string(bytes.size() - kHeader) +
                      " bytes after the header (byte " + std::to_string(kHeader) + ")");
  if (bytes.size() - kHeader - size > 4)
    throw FormatError("DriverClassifier model: " + std::to_string(bytes.size() - kHeader - size - 4) +
                      " unexpected bytes after the checksum (byte " + std::to_string(kHeader + size + 4) + ")");
  const std::string_view payload = bytes.substr(kHeader, static_cast<std::size_t>(size));
  Reader tail(bytes.substr(kHeader + static_cast<std::size_t>(size)), kHeader + static_cast<std::size_t>(size));
  const auto stored = tail.u32("checksum");
  if (stored != crc32(payload))
    throw FormatError("DriverClassifier model: checksum mismatch (stored " + std::to_string(stored) + ", computed " +
                      std::to_string(crc32(payload)) + "): the file is corrupted (byte " +
                      std::to_string(kHeader + size) + ")");

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
  const std::string bytes = detail::read_file(path, "model", max_bytes);
  try {
    return from_bytes(bytes);
  } catch (const FormatError& e) {
    throw FormatError(std::string(e.what()) + " in '" + detail::display_path(path) + "'");
  }
}

}  // namespace perche
