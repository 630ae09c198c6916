// SPDX-License-Identifier: Apache-2.0
// The binary model format's building blocks, shared by DriverClassifier (format.cpp) and
// SentimentClassifier (src/sentiment/format.cpp). Private: not installed. Little-endian
// throughout; every model file is
//   magic (8 bytes) · u32 format version · u64 payload size · payload · u32 CRC-32 of payload
// The payload is a sequence of fields (u8/u32/u64/f64, strings as u64 length + bytes, vectors as
// u64 count + items). Doubles are stored bit for bit, so a model round-trips exactly. Every count
// is checked against the bytes left before anything is allocated: a file claiming a huge size
// fails with FormatError, never with an allocation or an overread.
// CRC-32: ISO-HDLC / IEEE 802.3 polynomial 0x04C11DB7, reflected (0xEDB88320), init and xorout
// 0xFFFFFFFF — the zlib/PNG crc32 (check value of "123456789" is 0xCBF43926).
#pragma once

#include <perche/classify.hpp>
#include <perche/error.hpp>

#include "../io/file.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace perche::detail {

inline std::uint32_t crc32(std::string_view data) {
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
  Reader(std::string_view data, std::size_t base, const char* model = "DriverClassifier model")
      : data_(data), base_(base), model_(model) {}

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
    if (v > 1) fail(std::string(what) + " is " + std::to_string(v) + ", expected 0 or 1", offset() - 1);
    return v == 1;
  }
  std::uint32_t u32(const char* what) { return raw<std::uint32_t>(what); }
  std::uint64_t u64(const char* what) { return raw<std::uint64_t>(what); }
  std::int64_t i64(const char* what) { return raw<std::int64_t>(what); }
  double f64(const char* what) { return std::bit_cast<double>(raw<std::uint64_t>(what)); }
  int i32(const char* what) { return static_cast<int>(static_cast<std::int32_t>(u32(what))); }
  // A count of items of at least `min_item` bytes each, checked against what is left.
  std::size_t count(const char* what, std::size_t min_item) {
    const std::size_t at = offset();
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
  // `at`: a byte of the file, as offset() gives it (callers passed offset() and the base was added
  // a second time: every such message named a byte 20 past the right one, review of stop 44).
  [[noreturn]] void fail(const std::string& msg, std::size_t at) const {
    throw FormatError(std::string(model_) + ": " + msg + " (byte " + std::to_string(at) + ")");
  }

 private:
  void need(std::size_t n, const char* what) const {
    if (data_.size() - pos_ < n)
      fail(std::string("truncated: ") + what + " needs " + std::to_string(n) + " bytes, " +
               std::to_string(data_.size() - pos_) + " left",
           offset());
  }
  std::string_view data_;
  std::size_t base_;
  const char* model_;
  std::size_t pos_ = 0;
};

inline void write_tokenizer(Writer& w, const text::TokenizerOptions& o) {
  for (bool b : {o.lowercase, o.strip_accents, o.fix_accents, o.split_elisions, o.squash_elongations, o.stem,
                 o.negation, o.placeholders, o.keep_punct})
    w.u8(b);
  w.u8(static_cast<std::uint8_t>(o.utf8));
  w.u8(o.stopwords.has_value());
  if (o.stopwords) w.strings(*o.stopwords);
}

inline text::TokenizerOptions read_tokenizer(Reader& r) {
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

inline void write_features(Writer& w, const TfidfOptions& f) {
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
}

inline TfidfOptions read_features(Reader& r) {
  TfidfOptions f;
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
  return f;
}

// The solver field exists since DriverClassifier format version 2 (with_solver false: lbfgs).
inline void write_logistic(Writer& w, const LogisticOptions& l) {
  w.f64(l.C);
  w.u8(l.fit_intercept);
  w.u8(l.balanced);
  w.f64(l.tol);
  w.u32(static_cast<std::uint32_t>(l.max_iter));
  w.u8(static_cast<std::uint8_t>(l.solver));
}

inline LogisticOptions read_logistic(Reader& r, bool with_solver = true) {
  LogisticOptions l;
  l.C = r.f64("C");
  l.fit_intercept = r.flag("fit_intercept");
  l.balanced = r.flag("balanced");
  l.tol = r.f64("tol");
  l.max_iter = r.i32("max_iter");
  if (with_solver) {
    const auto solver = r.u8("solver");
    if (solver > 1) r.fail("solver " + std::to_string(solver) + " is unknown", r.offset() - 1);
    l.solver = static_cast<Solver>(solver);
  } else {
    l.solver = Solver::lbfgs;
  }
  return l;
}

// magic · version · size · payload · CRC-32.
inline std::string seal(std::string_view magic, std::uint32_t version, const std::string& payload) {
  Writer file;
  file.bytes().append(magic);
  file.u32(version);
  file.u64(payload.size());
  file.bytes() += payload;
  file.u32(crc32(payload));
  return std::move(file.bytes());
}

// The payload of a sealed file after checking magic, version (1..max_version), size and CRC;
// `version` receives the file's version. `model` names the kind in messages ("DriverClassifier model").
inline std::string_view unseal(std::string_view bytes, std::string_view magic, std::uint32_t max_version,
                               const char* model, std::uint32_t& version) {
  const std::string who(model);
  const std::size_t kHeader = magic.size() + 4 + 8;
  if (bytes.size() < magic.size() || bytes.substr(0, magic.size()) != magic)
    throw FormatError(who + ": not a perche model (no \"" + std::string(magic) + "\" magic at byte 0)");
  Reader head(bytes.substr(magic.size()), magic.size(), model);
  version = head.u32("format version");
  if (version == 0 || version > max_version)
    throw FormatError(who + ": format version " + std::to_string(version) +
                      (version ? " is newer than this perche reads (" : " is invalid (expected ") +
                      std::to_string(max_version) + ")");
  const auto size = head.u64("payload size");
  if (size > bytes.size() - kHeader || bytes.size() - kHeader - size < 4)
    throw FormatError(who + ": truncated: the header announces " + std::to_string(size) +
                      " payload bytes and a checksum, the file has " + std::to_string(bytes.size() - kHeader) +
                      " bytes after the header (byte " + std::to_string(kHeader) + ")");
  if (bytes.size() - kHeader - size > 4)
    throw FormatError(who + ": " + std::to_string(bytes.size() - kHeader - size - 4) +
                      " unexpected bytes after the checksum (byte " + std::to_string(kHeader + size + 4) + ")");
  const std::string_view payload = bytes.substr(kHeader, static_cast<std::size_t>(size));
  Reader tail(bytes.substr(kHeader + static_cast<std::size_t>(size)), kHeader + static_cast<std::size_t>(size), model);
  const auto stored = tail.u32("checksum");
  if (stored != crc32(payload))
    throw FormatError(who + ": checksum mismatch (stored " + std::to_string(stored) + ", computed " +
                      std::to_string(crc32(payload)) + "): the file is corrupted (byte " +
                      std::to_string(kHeader + size) + ")");
  return payload;
}

// Model::from_bytes of the file at `path` (read whole, at most max_bytes); a FormatError names the path.
template <class Model>
Model load_model(const std::string& path, std::uint64_t max_bytes) {
  const std::string bytes = read_file(path, "model", max_bytes);
  try {
    return Model::from_bytes(bytes);
  } catch (const FormatError& e) {
    throw FormatError(std::string(e.what()) + " in '" + display_path(path) + "'");
  }
}

}  // namespace perche::detail
