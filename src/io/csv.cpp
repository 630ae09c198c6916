// SPDX-License-Identifier: Apache-2.0
// CSV reader (include/perche/csv.hpp). RFC 4180 (Shafranovich 2005) with the leniencies of real
// exports, matched to Python's csv module where RFC 4180 is silent: text after a closing quote is
// appended to the field, a quote inside an unquoted field is kept literally, CR, LF and CRLF all
// end a record. One pass over the decoded text, which the table keeps: a cell is a view of its own
// bytes, and only a quoted one is rewritten, in place and within its own bytes (the quotes dropped,
// a doubled quote made one), so memory is the text plus 12 bytes per cell and an ordinary cell is
// never copied. Fields are found by scanning 8 or 16 bytes at a time for the few bytes that end
// them (find_any). A quoted field is first scanned for its closing quote and only then unquoted:
// when the quote is stray (never closed, or closed on a later line by a quote followed by text)
// nothing after it has been overwritten, and reading resumes on the line after the one where it
// opened. Still linear: between a quote and its closing one every run of quotes has even length,
// so the lines read again cannot open a quoted field before that closing quote; each byte is read
// at most twice by the record loop.
#include "perche/csv.hpp"

#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <memory>
#if defined(__SSE2__)
#include <emmintrin.h>  // part of every x86-64 CPU: no -march flag needed
#endif

#include "../text/unicode.hpp"
#include "file.hpp"

namespace perche {
namespace {

constexpr std::size_t kNpos = std::string::npos;
/// Bad byte sequences listed one by one; the rest are counted in one more problem.
constexpr std::size_t kListedReplacements = 10;
/// Rows read before the table's vectors are sized for the whole input.
constexpr std::size_t kSampleRows = 4096;

constexpr std::uint64_t kHigh = 0x8080808080808080u;

std::uint64_t load64(const void* p) {
  std::uint64_t x;
  std::memcpy(&x, p, 8);
  return x;
}

/// The first byte of [p, end) equal to a, b or c; end when there is none. The bytes that end a
/// field are few and the fields long enough that testing 16 (SSE2) or 8 bytes (a word) at a time
/// is most of the reader's speed.
const char* find_any(const char* p, const char* end, char a, char b, char c) {
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
  for (; end - p >= 16; p += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)), _mm_cmpeq_epi8(x, vc));
    if (const int mask = _mm_movemask_epi8(hit)) return p + std::countr_zero(static_cast<unsigned>(mask));
  }
#else
  if constexpr (std::endian::native == std::endian::little) {
    // A zero byte of x ^ broadcast(a) is a byte equal to a. (v - 1) & ~v & 0x80 flags every zero
    // byte and may flag bytes above one, never below: the lowest flag is always a true match.
    constexpr std::uint64_t kOnes = 0x0101010101010101u;
    const std::uint64_t ma = kOnes * static_cast<unsigned char>(a), mb = kOnes * static_cast<unsigned char>(b),
                        mc = kOnes * static_cast<unsigned char>(c);
    const auto zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    for (; end - p >= 8; p += 8) {
      const std::uint64_t x = load64(p);
      if (const std::uint64_t hit = zero(x ^ ma) | zero(x ^ mb) | zero(x ^ mc)) return p + std::countr_zero(hit) / 8;
    }
  }
#endif
  for (; p < end; ++p)
    if (*p == a || *p == b || *p == c) return p;
  return end;
}

/// The first byte of [p, end) that is not ASCII; end when there is none.
const unsigned char* skip_ascii(const unsigned char* p, const unsigned char* end) {
  for (; end - p >= 16; p += 16)
    if ((load64(p) | load64(p + 8)) & kHigh) break;
  while (p < end && *p < 0x80) ++p;
  return p;
}

std::string fold(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  std::string out;
  icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size()))).foldCase().toUTF8String(out);
  return out;
}

/// Converts bytes in an ICU converter's encoding to UTF-8.
std::string convert(std::string_view bytes, const char* from) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> conv(ucnv_open(from, &err), &ucnv_close);
  if (U_FAILURE(err)) throw std::invalid_argument(std::string("read_csv: unknown encoding '") + from + "'");
  std::string out;
  out.resize(bytes.size() * 3 + 16);  // UTF-8 needs at most 3 bytes per UTF-16 unit or single byte
  err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> utf8(ucnv_open("UTF-8", &err), &ucnv_close);
  char* target = out.data();
  const char* source = bytes.data();
  ucnv_convertEx(utf8.get(), conv.get(), &target, out.data() + out.size(), &source, bytes.data() + bytes.size(),
                 nullptr, nullptr, nullptr, nullptr, true, true, &err);
  if (U_FAILURE(err))
    throw std::invalid_argument(std::string("read_csv: cannot convert from ") + from + ": " + u_errorName(err));
  out.resize(static_cast<std::size_t>(target - out.data()));
  return out;
}

/// Windows-1252 to UTF-8 through a table of the 256 bytes, each converted once by ICU's converter:
/// the same result as ICU on the whole text (a single-byte code page has no state), at the speed of
/// a table look-up; Italian Excel exports are read this way.
std::string decode_cp1252(std::string_view bytes) {
  struct Entry {
    std::array<char, 4> utf8;
    std::uint8_t size;
  };
  static const std::array<Entry, 256> kTable = [] {
    std::array<Entry, 256> table{};
    for (unsigned b = 0; b < 256; ++b) {
      const char byte = static_cast<char>(b);
      const std::string u = convert(std::string_view(&byte, 1), "windows-1252");
      if (u.size() > 4) throw std::logic_error("windows-1252: byte " + std::to_string(b) + " gives more than 4 bytes");
      std::memcpy(table[b].utf8.data(), u.data(), u.size());
      table[b].size = static_cast<std::uint8_t>(u.size());
    }
    return table;
  }();
  const auto* begin = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = begin + bytes.size();
  std::size_t size = 0;
  for (const auto* p = begin; p < end; ++p) size += kTable[*p].size;
  std::string out(size + 3, '\0');  // room for the last entry's fixed-size copy
  char* w = out.data();
  for (const auto* p = begin; p < end;) {
    const auto* q = skip_ascii(p, end);
    std::memcpy(w, p, static_cast<std::size_t>(q - p));
    w += q - p;
    for (p = q; p < end && *p >= 0x80; ++p) {
      std::memcpy(w, kTable[*p].utf8.data(), 4);  // a fixed-size copy; only the entry's bytes count
      w += kTable[*p].size;
    }
  }
  out.resize(size);
  return out;
}

/// True when s[i] ends a physical line: LF, the LF of CR LF, or a lone CR (as the parser counts).
bool ends_line(std::string_view s, std::size_t i) {
  return s[i] == '\n' || (s[i] == '\r' && !(i + 1 < s.size() && s[i + 1] == '\n'));
}

/// 1-based physical line of byte i.
std::size_t line_of(std::string_view s, std::size_t i) {
  std::size_t line = 1;
  for (std::size_t k = 0; k < i && k < s.size(); ++k) line += ends_line(s, k);
  return line;
}

std::string hex(unsigned value, int digits) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out = "0x";
  for (int k = digits - 1; k >= 0; --k) out.push_back(kDigits[(value >> (4 * k)) & 15]);
  return out;
}

/// "byte 0xC3" or "bytes 0xE2 0x82".
std::string describe_bytes(const unsigned char* p, std::size_t n) {
  std::string out = n == 1 ? "byte" : "bytes";
  for (std::size_t k = 0; k < n; ++k) out += " " + hex(p[k], 2);
  return out;
}

/// Bad sequences replaced by U+FFFD: the first few are problems naming line and byte offset, the
/// rest one problem counting them (a file in the wrong encoding would otherwise list every accent).
class Replacements {
 public:
  Replacements(std::vector<CsvProblem>& problems, std::size_t& count) : problems_(problems), count_(count) {}
  void add(std::size_t line, std::string message) {
    if (++count_ <= kListedReplacements)
      problems_.push_back({line, std::move(message)});
    else if (count_ == kListedReplacements + 1)
      first_unlisted_ = line;
  }
  void finish(std::string_view what) {
    if (count_ > kListedReplacements)
      problems_.push_back({first_unlisted_, "and " + std::to_string(count_ - kListedReplacements) + " more invalid " +
                                                std::string(what) + " sequence" +
                                                (count_ > kListedReplacements + 1 ? "s" : "") +
                                                " replaced by U+FFFD, from this line on"});
  }

 private:
  std::vector<CsvProblem>& problems_;
  std::size_t& count_;
  std::size_t first_unlisted_ = 0;
};

struct Utf8Census {
  std::size_t multibyte = 0;  // valid sequences of 2 to 4 bytes
  std::size_t invalid = 0;    // maximal subparts of invalid sequences
  std::size_t first_invalid = kNpos;
};

Utf8Census utf8_census(std::string_view bytes) {
  Utf8Census c;
  const auto* begin = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = begin + bytes.size();
  for (const auto* p = skip_ascii(begin, end); p < end; p = skip_ascii(p, end)) {
    const auto d = text::detail::decode(p, end);
    if (d.valid)
      ++c.multibyte;
    else if (c.invalid++ == 0)
      c.first_invalid = static_cast<std::size_t>(p - begin);
    p += d.len;
  }
  return c;
}

/// Plausibly UTF-8: valid, or damaged in fewer places than it shows UTF-8's multi-byte sequences.
/// Windows-1252 text almost never forms one (an accented capital followed by a symbol such as ”),
/// and shows an invalid sequence at nearly every accented letter.
bool plausibly_utf8(const Utf8Census& c) { return c.multibyte >= c.invalid; }

/// The bytes as UTF-8, each invalid sequence (maximal subpart) replaced by U+FFFD and reported.
/// `base` is the offset of bytes[0] in the file (after a BOM).
std::string repair_utf8(std::string_view bytes, std::size_t base, Replacements& rep) {
  std::string out;
  out.reserve(bytes.size() + 16);
  const auto* begin = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = begin + bytes.size();
  std::size_t line = 1;
  for (const auto* p = begin; p < end;) {
    if (*p < 0x80) {
      const auto* q = skip_ascii(p, end);
      out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(q - p));
      for (; p < q; ++p) line += *p == '\n' || (*p == '\r' && !(p + 1 < end && p[1] == '\n'));
      continue;
    }
    const auto d = text::detail::decode(p, end);
    if (d.valid) {
      out.append(reinterpret_cast<const char*>(p), d.len);
    } else {
      text::detail::append_utf8(out, text::detail::kReplacement);
      rep.add(line, "invalid UTF-8 (" + describe_bytes(p, d.len) + ") at byte offset " +
                        std::to_string(base + static_cast<std::size_t>(p - begin)) + " replaced by U+FFFD");
    }
    p += d.len;
  }
  return out;
}

/// UTF-16 of the given byte order to UTF-8; an unpaired surrogate or an odd last byte becomes
/// U+FFFD and a problem. `base` is the offset of bytes[0] in the file (after a BOM).
std::string decode_utf16(std::string_view bytes, bool big_endian, std::size_t base, Replacements& rep) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2 + 16);
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t units = bytes.size() / 2;
  const auto unit = [&](std::size_t i) -> char32_t {
    return big_endian ? (char32_t{b[2 * i]} << 8) | b[2 * i + 1] : (char32_t{b[2 * i + 1]} << 8) | b[2 * i];
  };
  std::size_t line = 1;
  for (std::size_t i = 0; i < units; ++i) {
    const char32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units && unit(i + 1) >= 0xDC00 && unit(i + 1) <= 0xDFFF) {
      text::detail::append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (unit(i + 1) - 0xDC00));
      ++i;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      text::detail::append_utf8(out, text::detail::kReplacement);
      rep.add(line, "unpaired UTF-16 surrogate " + hex(u, 4) + " at byte offset " + std::to_string(base + 2 * i) +
                        " replaced by U+FFFD");
    } else {
      text::detail::append_utf8(out, u);
      line += u == '\n' || (u == '\r' && !(i + 1 < units && unit(i + 1) == '\n'));
    }
  }
  if (bytes.size() % 2) {
    text::detail::append_utf8(out, text::detail::kReplacement);
    rep.add(line, "UTF-16 text with an odd number of bytes: the last byte (" + hex(b[bytes.size() - 1], 2) +
                      " at byte offset " + std::to_string(base + bytes.size() - 1) +
                      ") is half a character, replaced by U+FFFD");
  }
  return out;
}

std::string lower_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

/// Of , ; and tab, the one that splits the most of the first records after the header (up to 50)
/// into as many fields as the header: a header whose question text holds commas ("Perché, in poche
/// parole, ...") in a tab or ';' file made every record one field short when the header alone
/// chose. Ties: more header fields, then ',' before ';' before tab. Counted outside quotes.
char detect_delimiter(std::string_view t) {
  constexpr char kCandidates[] = {',', ';', '\t'};
  constexpr std::size_t kRecords = 50;
  std::array<std::size_t, 3> header{}, agree{}, count{};
  std::size_t records = 0;  // 0: the header
  bool quoted = false, blank = true;
  auto end_record = [&] {
    if (!blank) {
      for (std::size_t k = 0; k < 3; ++k) {
        if (records == 0)
          header[k] = count[k];
        else if (count[k] == header[k])
          ++agree[k];
      }
      ++records;
    }
    count = {};
    blank = true;
  };
  for (std::size_t i = 0; i < t.size() && records <= kRecords; ++i) {
    const char c = t[i];
    if (c == '"') {
      quoted = !quoted;
      blank = false;
    } else if (!quoted && (c == '\n' || c == '\r')) {
      end_record();
    } else if (!quoted) {
      blank = blank && c == ' ';  // a tab is a field (of a tab file)
      for (std::size_t k = 0; k < 3; ++k) count[k] += c == kCandidates[k];
    } else {
      blank = false;
    }
  }
  if (records <= kRecords) end_record();
  std::size_t best = 0;
  for (std::size_t k = 1; k < 3; ++k)
    if (header[k] > 0 &&
        (header[best] == 0 || agree[k] > agree[best] || (agree[k] == agree[best] && header[k] > header[best])))
      best = k;
  return kCandidates[best];
}

/// "columns 1 'NPS' and 4 'nps'" (1-based positions).
std::string describe_columns(const std::vector<std::string>& header, const std::vector<std::size_t>& cols) {
  std::string out = "columns ";
  for (std::size_t k = 0; k < cols.size(); ++k) {
    if (k) out += k + 1 == cols.size() ? " and " : ", ";
    out += std::to_string(cols[k] + 1) + " '" + header[cols[k]] + "'";
  }
  return out;
}

std::string lines_span(std::size_t first, std::size_t last) {
  return first == last ? "line " + std::to_string(first)
                       : "lines " + std::to_string(first) + "\xE2\x80\x93" + std::to_string(last);  // en dash
}

}  // namespace

namespace detail {

struct CsvReader {
  /// Decodes the input to UTF-8 into t.text_, naming the encoding and reporting bad bytes. Returns
  /// the offset in t.text_ where the text starts (past a UTF-8 BOM kept in place). `owned`, when
  /// given, holds `bytes` and may be moved into the table instead of copied.
  static std::size_t decode(CsvTable& t, std::string_view bytes, const std::string& forced, std::string* owned) {
    const auto starts = [&](std::string_view bom) { return bytes.substr(0, bom.size()) == bom; };
    Replacements rep(t.problems_, t.replaced_);
    const auto utf8 = [&](std::size_t base, const Utf8Census& c) -> std::size_t {
      const auto body = bytes.substr(base);
      if (c.invalid) {
        t.text_ = repair_utf8(body, base, rep);
        rep.finish("UTF-8");
        return 0;
      }
      if (owned)
        t.text_ = std::move(*owned);  // `bytes` views it: not used past this point
      else
        t.text_.assign(bytes);
      return base;
    };
    const auto utf16 = [&](std::string_view body, std::size_t base, bool big) -> std::size_t {
      t.text_ = decode_utf16(body, big, base, rep);
      rep.finish("UTF-16");
      return 0;
    };
    const std::string f = lower_ascii(forced);
    t.encoding_ = f;
    if (f.empty()) {
      if (starts("\xEF\xBB\xBF")) {
        const auto body = bytes.substr(3);
        const auto c = utf8_census(body);
        if (plausibly_utf8(c)) {
          t.encoding_ = "utf-8-bom";
          return utf8(3, c);
        }
        const auto bad = static_cast<unsigned char>(body[c.first_invalid]);
        t.problems_.push_back({line_of(body, c.first_invalid),
                               "the file starts with a UTF-8 byte order mark but its body is not UTF-8 (first invalid "
                               "byte " +
                                   hex(bad, 2) + " at byte offset " + std::to_string(3 + c.first_invalid) +
                                   "): read as Windows-1252"});
        t.encoding_ = "windows-1252";
        t.text_ = decode_cp1252(body);
        return 0;
      }
      if (starts("\xFF\xFE") || starts("\xFE\xFF")) {
        const bool big = starts("\xFE\xFF");
        t.encoding_ = big ? "utf-16be" : "utf-16le";
        return utf16(bytes.substr(2), 2, big);
      }
      // UTF-16 without a byte order mark (some exporters write none): ASCII text in UTF-16 has a
      // NUL in every other byte; on the odd bytes little-endian, on the even ones big-endian. Read
      // as UTF-8 it was one column named "d" and nothing else.
      if (const std::size_t pairs = std::min<std::size_t>(bytes.size() / 2, 256); pairs >= 2) {
        std::size_t le = 0, be = 0;
        for (std::size_t k = 0; k < pairs; ++k) {
          const bool lo = bytes[2 * k] == '\0', hi = bytes[2 * k + 1] == '\0';
          le += hi && !lo;
          be += lo && !hi;
        }
        if (le * 10 >= pairs * 9 || be * 10 >= pairs * 9) {
          const bool big = be > le;
          t.encoding_ = big ? "utf-16be" : "utf-16le";
          return utf16(bytes, 0, big);
        }
      }
      const auto c = utf8_census(bytes);
      if (plausibly_utf8(c)) {
        t.encoding_ = "utf-8";
        return utf8(0, c);
      }
      t.encoding_ = "windows-1252";  // not UTF-8: an Italian Excel export ("CSV (delimitato da separatore)")
      t.text_ = decode_cp1252(bytes);
      return 0;
    }
    if (f == "utf-8" || f == "utf8" || f == "utf-8-sig") {
      const std::size_t base = starts("\xEF\xBB\xBF") ? 3 : 0;
      return utf8(base, utf8_census(bytes.substr(base)));
    }
    if (f == "utf-16" || f == "utf16") {
      const bool big = starts("\xFE\xFF");
      const std::size_t base = big || starts("\xFF\xFE") ? 2 : 0;  // no BOM: little-endian, as Windows writes it
      return utf16(bytes.substr(base), base, big);
    }
    if (f == "utf-16le" || f == "utf-16be" || f == "utf16le" || f == "utf16be") {
      const bool big = f.ends_with("be");
      const std::size_t base = starts(big ? "\xFE\xFF" : "\xFF\xFE") ? 2 : 0;
      return utf16(bytes.substr(base), base, big);
    }
    // A NUL inside the name ends it for ICU ("utf-8\0x" was read as utf-8): refused whole.
    if (forced.find('\0') != std::string::npos)
      throw std::invalid_argument("read_csv: encoding name holds a NUL byte (at byte " +
                                  std::to_string(forced.find('\0')) + ")");
    t.text_ = f == "windows-1252" || f == "cp1252" ? decode_cp1252(bytes) : convert(bytes, forced.c_str());
    return 0;
  }

  static CsvTable read(std::string_view bytes, const CsvOptions& options, std::string_view name, std::string* owned) {
    const char d0 = options.delimiter;
    if (d0 == '"' || d0 == '\n' || d0 == '\r')
      throw std::invalid_argument(std::string("read_csv: delimiter ") + (d0 == '"' ? "'\"'" : "CR/LF") +
                                  " cannot separate fields");
    const bool no_bytes = bytes.empty();
    CsvTable t;
    const std::size_t begin = decode(t, bytes, options.encoding, owned);
    std::string& s = t.text_;
    const std::size_t n = s.size();
    // Excel's hint line "sep=;" before the header (it writes and honours it): the delimiter, and
    // not a header of its own. A delimiter given in the options wins over it.
    std::size_t from = begin, first_line = 1;
    char hinted = 0;
    if (std::string_view(s).substr(begin, 4) == "sep=" && n > begin + 4) {
      const char hint = s[begin + 4];
      std::size_t e = begin + 5;
      if (e < n && s[e] == '\r') ++e;
      if (hint != '"' && hint != '\n' && hint != '\r' && (e == n || s[e] == '\n')) {
        hinted = hint;
        from = e < n ? e + 1 : n;
        first_line = 2;
      }
    }
    t.delimiter_ = d0 ? d0 : hinted ? hinted : detect_delimiter(std::string_view(s).substr(from));
    const char delim = t.delimiter_;

    char* const d = s.data();
    const auto next_of = [&](std::size_t from, char a, char b, char c) {
      return static_cast<std::size_t>(find_any(d + from, d + n, a, b, c) - d);
    };
    auto& off = t.offset_;
    auto& len = t.length_;
    std::size_t r = from;           // read position
    std::size_t line = first_line;  // physical line of r
    std::size_t rows_from = 0;      // where the rows start (after the header), for the size estimate
    bool have_header = false, header_lost = false;
    while (r < n) {
      const std::size_t record_line = line, first = off.size();  // the record's cells are off[first..]
      std::size_t last_line = line;                              // of the record, set when it ends
      const auto drop_cells = [&] {
        off.resize(first);
        len.resize(first);
      };
      bool end_of_record = false, quoted = false;
      // A stray quote: one that opens a field and is never closed, or whose closing quote is on a
      // later line and followed by text (so it is the opening quote of a later field, or a quote
      // typed inside one). `stray` is where it opened, `stray_end` where its field would end.
      std::size_t stray = kNpos, stray_end = kNpos;
      while (!end_of_record) {
        std::size_t start = r, w = r;  // the cell is d[start, w), written over its own bytes: w <= r
        if (r < n && d[r] == '"') {
          quoted = true;
          // The closing quote is the first '"' not followed by another (a doubled quote is one
          // quote); the line ends on the way are counted, and only kept if the field is.
          std::size_t close = kNpos, lines = 0;
          bool multiline = false, doubled = false;
          for (std::size_t p = next_of(r + 1, '"', '\n', '\r'); p < n; p = next_of(p, '"', '\n', '\r')) {
            if (d[p] != '"') {
              multiline = true;
              lines += ends_line(s, p++);
            } else if (p + 1 < n && d[p + 1] == '"') {
              doubled = true;
              p += 2;
            } else {
              close = p;
              break;
            }
          }
          if (close == kNpos) {
            stray = r;
            stray_end = n;
            break;
          }
          std::size_t after = close + 1;  // spaces before the delimiter are a common slip, not a sign
          while (after < n && (d[after] == ' ' || d[after] == '\t') && d[after] != delim) ++after;
          if (multiline && after < n && d[after] != delim && d[after] != '\n' && d[after] != '\r') {
            stray = r;
            stray_end = close + 1;
            break;
          }
          start = w = r + 1;  // the cell starts after the opening quote
          if (!doubled) {
            w = close;
          } else {  // keep one quote of each pair: the only quotes before `close` are pairs
            for (std::size_t from = r + 1; from < close;) {
              const auto* q = static_cast<const char*>(std::memchr(d + from, '"', close - from));
              const std::size_t to = q ? static_cast<std::size_t>(q - d) + 1 : close;  // a run and its one quote
              std::memmove(d + w, d + from, to - from);
              w += to - from;
              from = q ? to + 1 : close;
            }
          }
          line += lines;
          r = close + 1;
        }
        // Unquoted part (or text after a closing quote): up to the delimiter or the end of the line.
        const std::size_t stop = next_of(r, delim, '\n', '\r');
        if (w != r) std::memmove(d + w, d + r, stop - r);
        w += stop - r;
        r = stop;
        if (w - start > 0xFFFFFFFFu)
          throw std::invalid_argument("read_csv: a field at line " + std::to_string(record_line) + " exceeds 4 GiB");
        off.push_back(start);
        len.push_back(static_cast<std::uint32_t>(w - start));
        last_line = line;
        if (r >= n) {
          end_of_record = true;
        } else if (d[r] == delim) {
          ++r;
        } else {  // CR, LF or CRLF
          r += (d[r] == '\r' && r + 1 < n && d[r + 1] == '\n') ? 2 : 1;
          ++line;
          end_of_record = true;
        }
      }
      if (stray != kNpos) {
        // Nothing from `stray` on has been overwritten: count the lines the quote would take,
        // then read again from the line after the one where it opened.
        drop_cells();
        const std::size_t quote_line = line;
        std::size_t last = quote_line;
        for (std::size_t i = stray; i < stray_end; ++i) last += ends_line(s, i);
        if (stray_end == n && (d[n - 1] == '\n' || d[n - 1] == '\r')) --last;
        std::string msg = stray_end == n
                              ? "quote opened here is never closed"
                              : "quote opened here is not closed on its line, and the quote that would close "
                                "it (line " +
                                    std::to_string(last) + ") is followed by text";
        if (last > quote_line)
          msg += ": " + lines_span(quote_line, last) + " (" + std::to_string(last - quote_line + 1) +
                 " lines) would be read as one field";
        if (!have_header) {
          t.problems_.push_back({quote_line, msg + " of the header; no header and no rows read"});
          header_lost = true;
          break;
        }
        std::size_t next = next_of(stray, '\n', '\r', '\r');
        if (next < n) next += (d[next] == '\r' && next + 1 < n && d[next + 1] == '\n') ? 2 : 1;
        msg += record_line == quote_line ? "; record skipped"
                                         : "; record from line " + std::to_string(record_line) + " skipped";
        if (next < n) msg += ", reading resumes at line " + std::to_string(quote_line + 1);
        t.problems_.push_back({quote_line, std::move(msg), true});
        r = next;
        line = quote_line + 1;
        continue;
      }
      const std::size_t cells = off.size() - first;
      if (cells == 1 && len[first] == 0 && !quoted) {  // blank line
        drop_cells();
        continue;
      }
      if (!have_header) {
        have_header = true;
        std::vector<std::string> keys;
        for (std::size_t j = 0; j < cells; ++j) {
          std::string_view h(d + off[first + j], len[first + j]);
          while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
          while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
          t.header_.emplace_back(h);
          keys.push_back(fold(h));
          t.folded_[keys.back()].push_back(j);
        }
        for (std::size_t j = 0; j < keys.size(); ++j)
          // Nameless columns (Excel's trailing separators: "data;nps;;") are no name to look up.
          if (const auto& cols = t.folded_[keys[j]]; cols.size() > 1 && cols[0] == j && !keys[j].empty())
            t.problems_.push_back(
                {record_line, "duplicate column name: " + describe_columns(t.header_, cols) +
                                  " have the same name (case and surrounding spaces ignored): a look-up by that "
                                  "name is ambiguous; rename one, or take it by position"});
        drop_cells();  // the header names are copies
        rows_from = r;
        continue;
      }
      // Empty fields past the header's last (a spreadsheet's trailing separators: "7;ok;;;") hold
      // nothing to lose: the record is kept without them. Any other count is a record skipped.
      if (cells > t.header_.size()) {
        bool empty_tail = true;
        for (std::size_t c = first + t.header_.size(); c < off.size() && empty_tail; ++c) empty_tail = len[c] == 0;
        if (empty_tail) {
          off.resize(first + t.header_.size());
          len.resize(first + t.header_.size());
        }
      }
      if (off.size() - first != t.header_.size()) {
        t.problems_.push_back(
            {record_line,
             "expected " + std::to_string(t.header_.size()) + " fields, found " + std::to_string(cells) +
                 (last_line > record_line ? " in " + lines_span(record_line, last_line) : "") + "; record skipped",
             true});
        drop_cells();
        continue;
      }
      t.lines_.push_back(record_line);
      if (t.lines_.size() == kSampleRows) {
        // Room for the rows to come, estimated from the first ones (with a margin): the vectors
        // then grow once instead of doubling through the file, copying themselves each time. A
        // capacity never filled costs address space only (the pages are never touched).
        const std::size_t rows = kSampleRows + kSampleRows * (n - r) / std::max<std::size_t>(r - rows_from, 1) * 9 / 8;
        t.lines_.reserve(rows);
        off.reserve(rows * cells);
        len.reserve(rows * cells);
      }
    }
    if (!have_header && !header_lost) {
      const std::string what = name.empty() ? "the input" : std::string(name);
      t.problems_.push_back({0, what + " is empty" +
                                    (no_bytes     ? ""
                                     : n == begin ? " (only a byte order mark)"
                                                  : " (only blank lines)")});
    }
    return t;
  }
};

}  // namespace detail

std::string_view CsvTable::cell(std::size_t row, std::size_t col) const {
  if (row >= rows() || col >= columns())
    throw std::out_of_range("CsvTable::cell: (" + std::to_string(row) + ", " + std::to_string(col) + ") is outside " +
                            std::to_string(rows()) + " rows × " + std::to_string(columns()) + " columns");
  const std::size_t i = row * columns() + col;
  return std::string_view(text_).substr(offset_[i], length_[i]);
}

std::size_t CsvTable::line(std::size_t row) const {
  if (row >= rows())
    throw std::out_of_range("CsvTable::line: row " + std::to_string(row) + " is outside " + std::to_string(rows()) +
                            " rows");
  return lines_[row];
}

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
  const auto it = folded_.find(fold(name));
  if (it == folded_.end()) return std::nullopt;
  if (it->second.size() > 1)
    throw std::invalid_argument("column '" + std::string(name) + "' is ambiguous: " +
                                describe_columns(header_, it->second) + (it->second.size() == 2 ? " both" : " all") +
                                " match it (case and surrounding spaces ignored); pick one by position");
  return it->second.front();
}

CsvTable read_csv(std::string_view bytes, const CsvOptions& options) {
  return detail::CsvReader::read(bytes, options, {}, nullptr);
}

CsvTable read_csv_file(const std::string& path, const CsvOptions& options) {
  std::string bytes = detail::read_file(path, "CSV", options.max_bytes);
  return detail::CsvReader::read(bytes, options, detail::display_path(path), &bytes);
}

}  // namespace perche
