// SPDX-License-Identifier: Apache-2.0
// CSV reader (include/perche/csv.hpp). RFC 4180 (Shafranovich 2005) with the leniencies of real
// exports, matched to Python's csv module where RFC 4180 is silent: text after a closing quote is
// appended to the field, a quote inside an unquoted field is kept literally, CR, LF and CRLF all
// end a record. One pass over the decoded text; unquoting writes each cell back into the same
// buffer (the write position never passes the read position), so memory is the text plus 12 bytes
// per cell.
#include "perche/csv.hpp"

#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "../text/unicode.hpp"

namespace perche {
namespace {

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
  if (U_FAILURE(err)) throw std::invalid_argument(std::string("read_csv: cannot convert from ") + from + ": " + u_errorName(err));
  out.resize(static_cast<std::size_t>(target - out.data()));
  return out;
}

/// The bytes as UTF-8, invalid sequences (maximal subparts) replaced by U+FFFD; counts them.
std::string repair_utf8(std::string_view bytes, std::size_t& replaced) {
  std::string out;
  out.reserve(bytes.size());
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p < end) {
    const auto d = text::detail::decode(p, end);
    if (d.valid) {
      out.append(reinterpret_cast<const char*>(p), d.len);
    } else {
      text::detail::append_utf8(out, text::detail::kReplacement);
      ++replaced;
    }
    p += d.len;
  }
  return out;
}

bool valid_utf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const auto d = text::detail::decode(p, end);
    if (!d.valid) return false;
    p += d.len;
  }
  return true;
}

std::string lower_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

/// Decodes the input and names the encoding used.
std::string decode(std::string_view bytes, const std::string& forced, std::string& encoding, std::size_t& replaced) {
  const auto starts = [&](std::string_view bom) { return bytes.substr(0, bom.size()) == bom; };
  const std::string f = lower_ascii(forced);
  if (f.empty()) {
    if (starts("\xEF\xBB\xBF")) {
      encoding = "utf-8-bom";
      return repair_utf8(bytes.substr(3), replaced);
    }
    if (starts("\xFF\xFE")) {
      encoding = "utf-16le";
      return convert(bytes.substr(2), "UTF-16LE");
    }
    if (starts("\xFE\xFF")) {
      encoding = "utf-16be";
      return convert(bytes.substr(2), "UTF-16BE");
    }
    if (valid_utf8(bytes)) {
      encoding = "utf-8";
      return std::string(bytes);
    }
    encoding = "windows-1252";  // not UTF-8: an Italian Excel export ("CSV (delimitato da separatore)")
    return convert(bytes, "windows-1252");
  }
  encoding = f;
  if (f == "utf-8" || f == "utf8" || f == "utf-8-sig") return repair_utf8(starts("\xEF\xBB\xBF") ? bytes.substr(3) : bytes, replaced);
  if (f == "utf-16" || f == "utf16") {
    if (starts("\xFE\xFF")) return convert(bytes.substr(2), "UTF-16BE");
    return convert(starts("\xFF\xFE") ? bytes.substr(2) : bytes, "UTF-16LE");
  }
  return convert(bytes, forced.c_str());
}

/// The most frequent of , ; tab outside quotes in the first record; ties go to ','.
char detect_delimiter(std::string_view t) {
  std::size_t comma = 0, semi = 0, tab = 0;
  bool quoted = false;
  for (char c : t) {
    if (c == '"') quoted = !quoted;
    else if (!quoted && (c == '\n' || c == '\r')) break;
    else if (!quoted) {
      comma += c == ',';
      semi += c == ';';
      tab += c == '\t';
    }
  }
  if (semi > comma && semi >= tab) return ';';
  if (tab > comma && tab > semi) return '\t';
  return ',';
}

}  // namespace

std::string_view CsvTable::cell(std::size_t row, std::size_t col) const {
  if (row >= rows() || col >= columns())
    throw std::out_of_range("CsvTable::cell: (" + std::to_string(row) + ", " + std::to_string(col) + ") is outside " +
                            std::to_string(rows()) + " rows × " + std::to_string(columns()) + " columns");
  const std::size_t i = row * columns() + col;
  return std::string_view(text_).substr(offset_[i], length_[i]);
}

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
  const auto it = folded_.find(fold(name));
  if (it == folded_.end()) return std::nullopt;
  return it->second;
}

CsvTable read_csv(std::string_view bytes, const CsvOptions& options) {
  const char d0 = options.delimiter;
  if (d0 == '"' || d0 == '\n' || d0 == '\r')
    throw std::invalid_argument(std::string("read_csv: delimiter ") + (d0 == '"' ? "'\"'" : "CR/LF") +
                                " cannot separate fields");
  CsvTable t;
  t.text_ = decode(bytes, options.encoding, t.encoding_, t.replaced_);
  if (t.replaced_)
    t.problems_.push_back({0, std::to_string(t.replaced_) + " invalid UTF-8 sequence(s) replaced by U+FFFD"});
  std::string& s = t.text_;
  t.delimiter_ = d0 ? d0 : detect_delimiter(s);
  const char delim = t.delimiter_;

  const std::size_t n = s.size();
  std::size_t r = 0, w = 0;   // read and write positions
  std::size_t line = 1;       // physical line of r
  std::vector<std::uint64_t> off;
  std::vector<std::uint32_t> len;
  bool have_header = false;
  while (r < n) {
    const std::size_t record_line = line;
    off.clear();
    len.clear();
    bool open_quote = false, end_of_record = false, quoted = false;
    std::size_t quote_line = 0;
    while (!end_of_record) {
      const std::size_t start = w;
      if (r < n && s[r] == '"') {
        quote_line = line;
        open_quote = quoted = true;
        ++r;
        while (r < n) {
          const char c = s[r];
          if (c == '"') {
            if (r + 1 < n && s[r + 1] == '"') {
              s[w++] = '"';
              r += 2;
              continue;
            }
            ++r;
            open_quote = false;
            break;
          }
          if (c == '\n' || (c == '\r' && !(r + 1 < n && s[r + 1] == '\n'))) ++line;
          s[w++] = c;
          ++r;
        }
      }
      // Unquoted part (or text after a closing quote): up to the delimiter or the end of the line.
      while (r < n && !open_quote) {
        const char c = s[r];
        if (c == delim || c == '\n' || c == '\r') break;
        s[w++] = c;
        ++r;
      }
      if (w - start > 0xFFFFFFFFu)
        throw std::invalid_argument("read_csv: a field at line " + std::to_string(record_line) + " exceeds 4 GiB");
      off.push_back(start);
      len.push_back(static_cast<std::uint32_t>(w - start));
      if (open_quote || r >= n) {
        end_of_record = true;
      } else if (s[r] == delim) {
        ++r;
      } else {  // CR, LF or CRLF
        r += (s[r] == '\r' && r + 1 < n && s[r + 1] == '\n') ? 2 : 1;
        ++line;
        end_of_record = true;
      }
    }
    if (open_quote) {
      t.problems_.push_back({quote_line, "quoted field opened here is not closed before the end of the file; "
                                         "record from line " + std::to_string(record_line) + " skipped"});
      break;
    }
    if (off.size() == 1 && len[0] == 0 && !quoted) continue;  // blank line
    if (!have_header) {
      have_header = true;
      for (std::size_t j = 0; j < off.size(); ++j) {
        std::string_view h(s.data() + off[j], len[j]);
        while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
        while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
        t.header_.emplace_back(h);
        const auto [it, fresh] = t.folded_.try_emplace(fold(h), j);
        if (!fresh)
          t.problems_.push_back({record_line, "duplicate column name '" + std::string(h) + "' (column " +
                                                  std::to_string(j + 1) + " and column " + std::to_string(it->second + 1) +
                                                  "); lookups by name find the first"});
      }
      continue;
    }
    if (off.size() != t.header_.size()) {
      t.problems_.push_back({record_line, "expected " + std::to_string(t.header_.size()) + " fields, found " +
                                              std::to_string(off.size()) + "; record skipped"});
      continue;
    }
    t.offset_.insert(t.offset_.end(), off.begin(), off.end());
    t.length_.insert(t.length_.end(), len.begin(), len.end());
    t.lines_.push_back(record_line);
  }
  s.resize(w);
  s.shrink_to_fit();
  return t;
}

CsvTable read_csv_file(const std::string& path, const CsvOptions& options) {
  const auto fail = [&](int e) { return IoError("cannot read " + path + ": " + std::strerror(e)); };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw fail(errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    const int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
    ::close(fd);
    throw fail(e);
  }
  std::string bytes;
  bytes.resize(st.st_size > 0 ? static_cast<std::size_t>(st.st_size) : 0);
  std::size_t got = 0;
  for (;;) {  // sizes can lie (pipes, /proc): read to the end, growing as needed
    if (got == bytes.size()) bytes.resize(std::max<std::size_t>(bytes.size() * 2, 1 << 16));
    const ssize_t k = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (k < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      throw fail(e);
    }
    if (k == 0) break;
    got += static_cast<std::size_t>(k);
  }
  ::close(fd);
  bytes.resize(got);
  return read_csv(bytes, options);
}

}  // namespace perche
