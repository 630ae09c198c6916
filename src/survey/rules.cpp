// SPDX-License-Identifier: Apache-2.0
// Row rules of the survey pipeline: see rules.hpp and perche/survey.hpp.
#include "rules.hpp"

#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "../io/file.hpp"
#include "../text/unicode.hpp"

namespace perche {
namespace detail {
namespace {

bool is_white_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at s[i]; advances i.
bool digits(std::string_view s, std::size_t& i, std::size_t n, int& value) {
  if (i + n > s.size()) return false;
  value = 0;
  for (std::size_t k = 0; k < n; ++k) {
    if (!digit(s[i + k])) return false;
    value = value * 10 + (s[i + k] - '0');
  }
  i += n;
  return true;
}

// Reads one or two digits at s[i]; advances i.
bool one_or_two(std::string_view s, std::size_t& i, int& value) {
  if (i >= s.size() || !digit(s[i])) return false;
  value = s[i++] - '0';
  if (i < s.size() && digit(s[i])) value = value * 10 + (s[i++] - '0');
  return true;
}

// The time of day that may follow a date (ignored: the date is the one written):
// [ T]H(H):MM(:SS([.,]F+)?)?( ?(Z|±HH:?MM))?, hours 0–23.
bool time_suffix(std::string_view s, std::size_t i) {
  if (i == s.size()) return true;
  if (s[i] != ' ' && s[i] != 'T') return false;
  ++i;
  int h = 0, m = 0;
  const std::size_t h0 = i;
  if (!one_or_two(s, i, h) || (i - h0 == 2 && (s[h0] > '2' || h > 23))) return false;
  // "13:45:10", or "13.45.10" as the Italian locale writes it (Google Forms' timestamps).
  if (i >= s.size() || (s[i] != ':' && s[i] != '.')) return false;
  const char sep = s[i++];
  if (!digits(s, i, 2, m) || m > 59) return false;
  if (i < s.size() && s[i] == sep) {
    ++i;
    int sec = 0;
    if (!digits(s, i, 2, sec) || sec > 59) return false;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      const std::size_t f = i;
      while (i < s.size() && digit(s[i])) ++i;
      if (i == f) return false;
    }
  }
  if (i == s.size()) return true;
  if (s[i] == ' ') ++i;
  if (i < s.size() && s[i] == 'Z') return i + 1 == s.size();
  if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return false;
  ++i;
  int oh = 0, om = 0;
  if (!digits(s, i, 2, oh)) return false;
  if (i < s.size() && s[i] == ':') ++i;
  return digits(s, i, 2, om) && i == s.size();
}

unsigned days_in_month(int y, unsigned m) {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

std::optional<Day> make_day(int y, int m, int d) {
  if (y < 1 || m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > days_in_month(y, static_cast<unsigned>(m)))
    return std::nullopt;  // 31/02/2024, year 0
  return static_cast<Day>(days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
}

// Italian month names and abbreviations (Treccani's "abbreviazioni dei mesi": gen, feb, mar, apr,
// mag, giu, lug, ago, set/sett, ott, nov, dic), compared in ASCII lower case.
int italian_month(std::string_view word) {
  static constexpr std::array<std::array<std::string_view, 3>, 12> kMonths = {{{"gennaio", "gen", ""},
                                                                               {"febbraio", "feb", ""},
                                                                               {"marzo", "mar", ""},
                                                                               {"aprile", "apr", ""},
                                                                               {"maggio", "mag", ""},
                                                                               {"giugno", "giu", ""},
                                                                               {"luglio", "lug", ""},
                                                                               {"agosto", "ago", ""},
                                                                               {"settembre", "set", "sett"},
                                                                               {"ottobre", "ott", ""},
                                                                               {"novembre", "nov", ""},
                                                                               {"dicembre", "dic", ""}}};
  if (word.size() > 9) return 0;
  char lower[10] = {};
  for (std::size_t k = 0; k < word.size(); ++k) {
    const char c = word[k];
    lower[k] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view w(lower, word.size());
  for (std::size_t m = 0; m < kMonths.size(); ++m)
    for (const auto name : kMonths[m])
      if (!name.empty() && name == w) return static_cast<int>(m) + 1;
  return 0;
}

bool letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::string_view trim_space(std::string_view s) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const auto* e = b + s.size();
  while (b < e) {
    if (*b < 0x80) {
      if (!is_white_space(*b)) break;
      ++b;
      continue;
    }
    const auto d = text::detail::decode(b, e);
    if (!d.valid || !is_white_space(d.cp)) break;
    b += d.len;
  }
  while (e > b) {
    if (e[-1] < 0x80) {
      if (!is_white_space(e[-1])) break;
      --e;
      continue;
    }
    const auto* p = e - 1;  // the start of the last sequence: at most 3 continuation bytes back
    while (p > b && (*p & 0xC0) == 0x80 && e - p < 4) --p;
    const auto d = text::detail::decode(p, e);
    if (!d.valid || p + d.len != e || !is_white_space(d.cp)) break;
    e = p;
  }
  return {reinterpret_cast<const char*>(b), static_cast<std::size_t>(e - b)};
}

std::string_view metric_name(Metric m) {
  switch (m) {
    case Metric::nps:
      return "nps";
    case Metric::csat:
      return "csat";
    case Metric::ces:
      return "ces";
  }
  return "nps";
}

std::string fold_name(std::string_view name) {
  name = trim_space(name);
  std::string out;
  icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())))
      .foldCase()
      .toUTF8String(out);
  return out;
}

std::string quote_value(std::string_view value) {
  constexpr std::size_t kMaxCodePoints = 80;
  std::string out = "'";
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  const auto* end = p + value.size();
  std::size_t shown = 0;
  while (p < end) {
    if (shown == kMaxCodePoints) {
      out += "…";
      break;
    }
    const auto d = text::detail::decode(p, end);
    const char32_t c = d.valid ? d.cp : text::detail::kReplacement;
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0x2028 || c == 0x2029) {
      char buf[12];
      std::snprintf(buf, sizeof buf, c < 0x100 ? "\\x%02x" : "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      text::detail::append_utf8(out, c);
    }
    p += d.len;
    ++shown;
  }
  return out + "'";
}

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

std::string iso_date(std::int64_t day) {
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(day, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::int64_t period_key(std::int64_t day, Freq freq) {
  int y = 0;
  unsigned m = 0, d = 0;
  switch (freq) {
    case Freq::day:
      return day;
    case Freq::week:  // ISO 8601: weeks start on Monday; 1970-01-01 was a Thursday
      return day - ((day % 7 + 7 + 3) % 7);
    case Freq::month:
      civil_from_days(day, y, m, d);
      return std::int64_t{y} * 12 + (m - 1);
    case Freq::quarter:
      civil_from_days(day, y, m, d);
      return std::int64_t{y} * 4 + (m - 1) / 3;
    case Freq::year:
      civil_from_days(day, y, m, d);
      return y;
  }
  return day;
}

std::string period_key_label(std::int64_t key, Freq freq) {
  char buf[32];
  switch (freq) {
    case Freq::day:
      return iso_date(key);
    case Freq::week: {
      // The ISO week-numbering year is the year of the week's Thursday (ISO 8601-1:2019, 3.2.2);
      // week 1 is the one holding that year's first Thursday.
      int y = 0;
      unsigned m = 0, d = 0;
      civil_from_days(key + 3, y, m, d);
      const std::int64_t week = (key + 3 - days_from_civil(y, 1, 1)) / 7 + 1;
      std::snprintf(buf, sizeof buf, "%04d-W%02lld", y, static_cast<long long>(week));
      return buf;
    }
    case Freq::month:
      std::snprintf(buf, sizeof buf, "%04lld-%02lld", static_cast<long long>(key / 12),
                    static_cast<long long>(key % 12 + 1));
      return buf;
    case Freq::quarter:
      std::snprintf(buf, sizeof buf, "%04lld-Q%lld", static_cast<long long>(key / 4),
                    static_cast<long long>(key % 4 + 1));
      return buf;
    case Freq::year:
      std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(key));
      return buf;
  }
  return {};
}

std::string number_text(double v) {
  if (std::isnan(v)) return {};
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  if (v == std::trunc(v) && std::fabs(v) < 1e18) {
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    return {buf, r.ptr};
  }
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return {buf, r.ptr};
}

ColumnFinder::ColumnFinder(std::vector<std::string> names) : names_(std::move(names)) {
  folded_.reserve(names_.size());
  for (const auto& n : names_) folded_.push_back(fold_name(n));
}

std::vector<std::size_t> ColumnFinder::matching(std::string_view name) const {
  const std::string key = fold_name(name);
  std::vector<std::size_t> hits;
  for (std::size_t i = 0; i < folded_.size(); ++i)
    if (folded_[i] == key) hits.push_back(i);
  return hits;
}

std::string ColumnFinder::describe(const std::vector<std::size_t>& positions) const {
  std::string out;
  for (const auto i : positions) {
    if (!out.empty()) out += ", ";
    out += "column " + std::to_string(i + 1) + " " + quote_value(names_[i]);
  }
  return out;
}

std::string ColumnFinder::list() const {
  std::string out;
  for (const auto& n : names_) {
    if (!out.empty()) out += ", ";
    // Names as written, control bytes escaped: a NUL in a header name ended the message there
    // (Python's exception text is a C string), and the columns after it were not listed.
    out += detail::escaped_controls(n);
  }
  return out;
}

std::optional<std::size_t> ColumnFinder::find(std::string_view name, std::span<const std::string_view> defaults,
                                              std::string_view what, std::string_view arg) const {
  if (!name.empty()) {
    const auto hits = matching(name);
    if (hits.empty())
      throw AnalysisError(std::string(what) + " " + quote_value(name) + " not found; columns are: " + list());
    if (hits.size() == 1) return hits.front();
    std::vector<std::size_t> exact;
    for (const auto i : hits)
      if (names_[i] == name) exact.push_back(i);
    if (exact.size() == 1) return exact.front();
    // Names written alike ("Motivo ", "Motivo ") cannot be told apart by writing one exactly.
    bool alike = true;
    for (const auto i : hits) alike = alike && names_[i] == names_[hits.front()];
    throw AnalysisError(
        std::string(what) + " " + quote_value(name) + " is ambiguous: " + describe(hits) +
        " match it (case and surrounding spaces ignored); " +
        (exact.empty() && !alike ? "name it exactly as written, or rename one of them" : "rename one of them"));
  }
  for (const auto candidate : defaults) {
    const auto hits = matching(candidate);
    if (hits.size() > 1) {
      // Columns written alike (motivo, motivo) cannot be told apart by a name: only a rename helps.
      bool alike = true;
      for (const auto i : hits) alike = alike && names_[i] == names_[hits.front()];
      throw AnalysisError("several columns could be the " + std::string(what) + " " + quote_value(candidate) + ": " +
                          describe(hits) + " (case and surrounding spaces ignored); " +
                          (alike ? std::string("rename one of them")
                                 : "say which one with " + std::string(arg) + "= (--" + std::string(arg) +
                                       ") as written in the header"));
    }
    if (!hits.empty()) return hits.front();
  }
  return std::nullopt;
}

}  // namespace detail

namespace detail {
namespace {
// After a score's digits: a label as survey tools export the scale's points ("10 - Estremamente
// probabile", "0 – Per niente", "5 (Molto soddisfatto)", "7: Molto facile"), or the top of a 5, 7
// or 10 scale ("9/10"). Every end point of such an export was a rejected row, and the score was
// computed from the middle of the scale.
bool scale_point_label(std::string_view rest, std::int64_t value, bool negative) {
  if (rest.front() == '/') {
    rest.remove_prefix(1);
    return !negative && (rest == "5" || rest == "7" || rest == "10") && value <= (rest == "10" ? 10 : rest[0] - '0');
  }
  rest = trim_space(rest);
  bool opened = false;
  if (rest.starts_with("\xE2\x80\x93") || rest.starts_with("\xE2\x80\x94"))  // en or em dash
    rest.remove_prefix(3);
  else if (!rest.empty() && (rest.front() == '-' || rest.front() == ':'))
    rest.remove_prefix(1);
  else if (!rest.empty() && rest.front() == '(')
    opened = true;
  else
    return false;
  // The label: letters follow (not another number: "9 - 10" is no score).
  const auto letter = std::find_if(rest.begin(), rest.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0xC0;
  });
  return letter != rest.end() && std::none_of(rest.begin(), letter, [](char c) { return digit(c); }) &&
         (!opened || rest.ends_with(')'));
}
}  // namespace
}  // namespace detail

std::optional<std::int64_t> parse_score(std::string_view cell) {
  auto s = detail::trim_space(cell);
  // A minus: a scale may run from -3 to 3 (a "-3" was "not an integer in [-3, 3]"). No plus,
  // which no export writes before a score.
  const bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  std::size_t i = 0;
  std::int64_t value = 0;
  while (i < s.size() && detail::digit(s[i])) {
    if (i == 18) return std::nullopt;  // more than 18 digits: no survey scale, and it would overflow
    value = value * 10 + (s[i] - '0');
    ++i;
  }
  if (i == 0) return std::nullopt;
  if (i < s.size() && (s[i] == ' ' || s[i] == '(' || s[i] == ':' || s[i] == '/')) {
    if (!detail::scale_point_label(s.substr(i), value, negative)) return std::nullopt;
  } else if (i < s.size()) {  // a zero decimal part: "9.0", "9,00"
    if (s[i] != '.' && s[i] != ',') return std::nullopt;
    // Three digits after it are a thousands separator as often ("1.000" is a thousand in Italian,
    // "1,000" in English): not a score, rather than a 1.
    if (s.size() - i == 4) return std::nullopt;
    if (++i == s.size()) return std::nullopt;
    for (; i < s.size(); ++i)
      if (s[i] != '0') return std::nullopt;
  }
  if (negative && value == 0) return std::nullopt;  // "-0" is no score anyone wrote
  return negative ? -value : value;
}

std::optional<Day> parse_date(std::string_view cell) { return detail::parse_date_as(cell, false, detail::kFirstYear); }

std::optional<Day> detail::parse_date_as(std::string_view cell, bool month_first, int min_year) {
  const auto s = trim_space(cell);
  std::size_t i = 0;
  int y = 0, m = 0, d = 0;
  const auto make_day = [&](int year, int month, int day) -> std::optional<Day> {
    return year < min_year ? std::nullopt : detail::make_day(year, month, day);
  };
  // YYYY-MM-DD
  if (digits(s, i, 4, y) && i < s.size() && s[i] == '-' && digits(s, ++i, 2, m) && i < s.size() && s[i] == '-' &&
      digits(s, ++i, 2, d)) {
    return time_suffix(s, i) ? make_day(y, m, d) : std::nullopt;
  }
  // DD/MM/YYYY or DD-MM-YYYY (the same separator twice)
  i = 0;
  if (one_or_two(s, i, d) && i < s.size() && (s[i] == '/' || s[i] == '-')) {
    const char sep = s[i++];
    if (one_or_two(s, i, m) && i < s.size() && s[i] == sep && digits(s, ++i, 4, y) && (i == s.size() || !digit(s[i])))
      return time_suffix(s, i) ? (month_first ? make_day(y, d, m) : make_day(y, m, d)) : std::nullopt;
    return std::nullopt;
  }
  // D month YYYY, D mon. YYYY
  i = 0;
  if (one_or_two(s, i, d) && i < s.size() && s[i] == ' ') {
    const std::size_t w = ++i;
    while (i < s.size() && letter(s[i])) ++i;
    const int month = italian_month(s.substr(w, i - w));
    if (i == w || month == 0) return std::nullopt;
    if (i < s.size() && s[i] == '.') ++i;
    if (i < s.size() && s[i] == ' ' && digits(s, ++i, 4, y) && (i == s.size() || !digit(s[i])))
      return time_suffix(s, i) ? make_day(y, month, d) : std::nullopt;
  }
  return std::nullopt;
}

std::string period_label(Day day, Freq freq) {
  if (day == kNoDay) throw std::invalid_argument("period_label: kNoDay is a missing date, not a day");
  if (static_cast<unsigned>(freq) > static_cast<unsigned>(Freq::year))
    throw std::invalid_argument("period_label: freq " + std::to_string(static_cast<int>(freq)) +
                                " is not a Freq (day, week, month, quarter, year)");
  return detail::period_key_label(detail::period_key(day, freq), freq);
}

}  // namespace perche
