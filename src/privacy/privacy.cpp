// SPDX-License-Identifier: Apache-2.0
// Personal data in Italian comments (perche/privacy.hpp). One forward pass over the bytes: a
// 256-entry class table skips everything that is not a letter, digit, '@' or '+'; a word is
// looked at only by its first byte and length (cue words), a number only at its first digit. Each
// matcher reads a bounded number of bytes from where it starts (at most ~300, an e-mail), and the
// scan resumes after a match or after the token it started on, so the whole is linear in the
// text whatever it holds (10 MB of digits is one token rejected at its first byte past 19 digits).
#include <perche/data_files.hpp>
#include <perche/error.hpp>
#include <perche/privacy.hpp>

#include "../common/parallel.hpp"
#include "../text/unicode.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace perche {
namespace {

// ---------------------------------------------------------------------------------------------
// Bytes

enum : std::uint8_t { kOther = 0, kLower = 1, kUpper = 2, kDigit = 3, kAt = 4, kPlus = 5 };

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> c{};
  for (int b = 'a'; b <= 'z'; ++b) c[static_cast<std::size_t>(b)] = kLower;
  for (int b = 'A'; b <= 'Z'; ++b) c[static_cast<std::size_t>(b)] = kUpper;
  for (int b = '0'; b <= '9'; ++b) c[static_cast<std::size_t>(b)] = kDigit;
  c['@'] = kAt;
  c['+'] = kPlus;  // and '(': where a phone number may start ("+39 ...", "(02) ...")
  c['('] = kPlus;
  return c;
}
constexpr auto kClass = make_classes();

inline std::uint8_t cls(char c) { return kClass[static_cast<unsigned char>(c)]; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
inline bool is_alpha(char c) { return is_upper(c) || is_lower(c); }
inline bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
inline char up(char c) { return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c; }
inline char low(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
inline bool at(std::string_view t, std::size_t i, char c) { return i < t.size() && t[i] == c; }

bool eq_ci(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (low(a[i]) != lower[i]) return false;
  return true;
}

// A number or code may start at i: the byte before is not a letter or digit, and not a decimal
// point, comma, slash or dash right after a digit ("1.250", "12/34...": a longer number).
bool starts_clean(std::string_view t, std::size_t i) {
  if (i == 0) return true;
  const char p = t[i - 1];
  if (is_alnum(p)) return false;
  if ((p == '.' || p == ',' || p == '/' || p == '-') && i >= 2 && is_digit(t[i - 2])) return false;
  return true;
}

// A number or code may end at e: the byte after is not a letter or digit, and not a point, comma,
// slash or dash followed by a digit (the number goes on: "12345678901,50", "02-1234-5").
bool ends_clean(std::string_view t, std::size_t e) {
  if (e >= t.size()) return true;
  const char c = t[e];
  if (is_alnum(c)) return false;
  if ((c == '.' || c == ',' || c == '/' || c == '-') && e + 1 < t.size() && is_digit(t[e + 1])) return false;
  return true;
}

// Up to `max` digits from i, with at most one separator (one of `seps`) between two digits.
// ends[k] is the byte after the (k+1)-th digit. Stops at anything else.
std::size_t collect_digits(std::string_view t, std::size_t i, std::size_t max, std::string_view seps, char* digits,
                           std::size_t* ends) {
  std::size_t n = 0;
  while (n < max && i < t.size()) {
    if (is_digit(t[i])) {
      digits[n] = t[i];
      ends[n++] = ++i;
    } else if (n > 0 && seps.find(t[i]) != std::string_view::npos && i + 1 < t.size() && is_digit(t[i + 1])) {
      ++i;
    } else {
      break;
    }
  }
  return n;
}

// Exactly `count` letters or digits from i, with at most one space between two of them; the byte
// after the last must not be a letter or digit. Returns the end, or npos.
std::size_t collect_alnum(std::string_view t, std::size_t i, std::size_t count, char* out,
                          std::string_view seps = " ") {
  std::size_t n = 0;
  while (n < count) {
    if (i < t.size() && is_alnum(t[i])) {
      out[n++] = up(t[i++]);
    } else if (n > 0 && i < t.size() && seps.find(t[i]) != std::string_view::npos && i + 1 < t.size() &&
               is_alnum(t[i + 1])) {
      ++i;
    } else {
      return std::string_view::npos;
    }
  }
  return (i < t.size() && is_alnum(t[i])) ? std::string_view::npos : i;
}

// The Italian month names, in a street named after a date ("via 4 Novembre") and a date of
// birth ("3 marzo 1980").
bool italian_month(std::string_view w) {
  static constexpr std::string_view kMonths[] = {"gennaio", "febbraio", "marzo",     "aprile",  "maggio",   "giugno",
                                                 "luglio",  "agosto",   "settembre", "ottobre", "novembre", "dicembre"};
  return std::any_of(std::begin(kMonths), std::end(kMonths), [&](std::string_view m) { return eq_ci(w, m); });
}

// ---------------------------------------------------------------------------------------------
// What the matchers read of non-ASCII text

// The matchers read ASCII digits, letters, spaces and dashes; a number typed in full-width digits
// (３４７ １２３ ４５６７), broken by zero-width or no-break spaces, or a code in full-width letters
// is the same personal data to its reader. Before matching, each code point is read by its Unicode
// properties (ICU): a decimal digit (General_Category Nd, any script) as its ASCII digit; a
// full-width ASCII form U+FF01–U+FF5E as the ASCII character its NFKC decomposition (<wide>) is;
// White_Space as a space; a hyphen, non-breaking hyphen, figure or en dash (U+2010–2013), a minus
// sign (U+2212) or small hyphen-minus (U+FE63) as '-'; a Default_Ignorable_Code_Point
// (zero-width space and joiners, soft hyphen, word joiner, byte order mark) as nothing. Anything
// else, and invalid UTF-8, is kept as it is. The text's character that folded byte i came from
// is the bytes [start[i], start[i] + len[i]), so that a span found in `text` maps back.
struct Folded {
  std::string text;
  std::vector<std::size_t> start;
  std::vector<std::uint8_t> len;
};

// The ASCII byte cp reads as, -1 for nothing, -2 for itself.
int fold_code_point(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return static_cast<int>(cp - 0xFEE0);
  const auto c = static_cast<UChar32>(cp);
  if (u_charType(c) == U_DECIMAL_DIGIT_NUMBER) return '0' + u_charDigitValue(c);
  if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) return -1;
  if (u_hasBinaryProperty(c, UCHAR_WHITE_SPACE)) return ' ';
  // The hyphens a word processor puts for '-' between digits (an em dash separates phrases).
  if ((cp >= 0x2010 && cp <= 0x2013) || cp == 0x2212 || cp == 0xFE63) return '-';
  return -2;
}

// nullopt when no character of `text` reads otherwise (every ASCII text, most Italian ones).
std::optional<Folded> fold_for_matching(std::string_view text) {
  // Below U+3000 (accented letters, every space and dash but the ideographic ones) from a table
  // ICU filled once; and per byte whether a character starting with it may read otherwise (no
  // continuation byte, not C3, the lead byte of à è é ì ò ù): the loop below skips the others
  // without decoding them, and ASCII eight bytes at a time.
  struct Tables {
    std::array<std::int8_t, text::detail::kTableLimit> fold{};
    std::array<bool, 256> may_fold{};
  };
  static const Tables kTables = [] {
    Tables t;
    for (char32_t cp = 0; cp < t.fold.size(); ++cp) t.fold[cp] = static_cast<std::int8_t>(fold_code_point(cp));
    auto reads_otherwise = [&](char32_t cp) { return (cp < t.fold.size() ? t.fold[cp] : fold_code_point(cp)) != -2; };
    for (unsigned b = 0xC2; b <= 0xEF; ++b) {  // the code points each 2- and 3-byte lead byte starts
      const bool two = b <= 0xDF;
      const char32_t first = two ? (b & 0x1F) << 6 : (b & 0x0F) << 12, count = two ? 64 : 4096;
      for (char32_t cp = std::max<char32_t>(first, 0x80); cp < first + count && !t.may_fold[b]; ++cp)
        t.may_fold[b] = !(cp >= 0xD800 && cp <= 0xDFFF) && reads_otherwise(cp);
    }
    for (unsigned b = 0xF0; b <= 0xFF; ++b) t.may_fold[b] = true;  // other planes (and invalid bytes): asked each time
    return t;
  }();
  auto fold = [](char32_t cp) { return cp < kTables.fold.size() ? kTables.fold[cp] : fold_code_point(cp); };
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  std::optional<Folded> out;
  std::size_t copied = 0;              // bytes of text already in out
  auto keep = [&](std::size_t upto) {  // text's bytes from `copied` to `upto`, as they are
    for (std::size_t b = copied; b < upto;) {
      const std::size_t len = p[b] < 0x80 ? 1 : text::detail::decode(p + b, end).len;
      for (std::size_t k = 0; k < len; ++k) {
        out->text.push_back(text[b + k]);
        out->start.push_back(b);
        out->len.push_back(static_cast<std::uint8_t>(len));
      }
      b += len;
    }
  };
  for (std::size_t i = 0; i < text.size();) {
    if (p[i] < 0x80) {  // ASCII reads as itself: eight bytes at a time while no high bit is set
      std::uint64_t word = 0;
      while (i + 8 <= text.size() && (std::memcpy(&word, p + i, 8), (word & 0x8080808080808080ULL) == 0)) i += 8;
      while (i < text.size() && p[i] < 0x80) ++i;
      continue;
    }
    if (!kTables.may_fold[p[i]]) {
      ++i;
      continue;
    }
    const auto d = text::detail::decode(p + i, end);
    const int r = d.valid ? fold(d.cp) : -2;
    if (r != -2) {
      if (!out) {
        out.emplace();
        out->text.reserve(text.size());
        out->start.reserve(text.size());
        out->len.reserve(text.size());
      }
      keep(i);
      if (r >= 0) {
        out->text.push_back(static_cast<char>(r));
        out->start.push_back(i);
        out->len.push_back(d.len);
      }
      copied = i + d.len;
    }
    i += d.len;
  }
  if (!out) return std::nullopt;
  keep(text.size());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Check algorithms

// Codice fiscale, DM 23 dicembre 1976 n. 13813 ("Sistemi di codificazione dei soggetti da
// iscrivere all'anagrafe tributaria"), allegato: the 15 characters are summed with one table for
// the odd positions (1st, 3rd, ... 15th) and their alphabet rank (digits as A–J) for the even
// ones; the check letter is 'A' + sum mod 26. Omocodia replaces digits 0–9 by L M N P Q R S T U V.
constexpr int kCfOdd[26] = {1,  0,  5, 7, 9, 13, 15, 17, 19, 21, 2,  4,  18,
                            20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};
constexpr std::string_view kOmocodia = "LMNPQRSTUV";
constexpr std::string_view kCfMonths = "ABCDEHLMPRST";

char cf_check_char(const char* c) {
  int sum = 0;
  for (int i = 0; i < 15; ++i) {
    const char ch = c[i];
    const int rank = is_digit(ch) ? ch - '0' : ch - 'A';
    sum += (i % 2 == 0) ? kCfOdd[rank] : rank;
  }
  return static_cast<char>('A' + sum % 26);
}

// A digit, or its omocodia letter, as the digit; -1 otherwise.
int cf_digit(char c) {
  if (is_digit(c)) return c - '0';
  const auto p = kOmocodia.find(c);
  return p == std::string_view::npos ? -1 : static_cast<int>(p);
}

// The layout of a personal codice fiscale (upper case, 16 characters): surname and name letters,
// year, month letter, day (+40 for women), place (letter and three digits), check letter.
bool cf_structure(const char* c) {
  for (int i = 0; i < 6; ++i)
    if (!is_upper(c[i])) return false;
  if (cf_digit(c[6]) < 0 || cf_digit(c[7]) < 0) return false;
  if (kCfMonths.find(c[8]) == std::string_view::npos) return false;
  const int d1 = cf_digit(c[9]), d2 = cf_digit(c[10]);
  if (d1 < 0 || d2 < 0) return false;
  const int day = d1 * 10 + d2;
  if (!((day >= 1 && day <= 31) || (day >= 41 && day <= 71))) return false;
  if (!is_upper(c[11])) return false;
  for (int i = 12; i < 15; ++i)
    if (cf_digit(c[i]) < 0) return false;
  return is_upper(c[15]);
}

// Partita IVA: the same decree's numeric code. Digits in odd positions are summed as they are,
// those in even positions doubled (minus 9 when over 9); the check digit makes the total a
// multiple of 10 (Luhn's scheme). Digits 8–10 are the issuing office: 001–100 for the provincial
// offices, 120 and 121, 888 and 999 for codes assigned centrally.
bool piva_digits_valid(const char* d) {
  bool zero = true;
  for (int i = 0; i < 7; ++i) zero = zero && d[i] == '0';
  if (zero) return false;
  const int office = (d[7] - '0') * 100 + (d[8] - '0') * 10 + (d[9] - '0');
  if (!((office >= 1 && office <= 100) || office == 120 || office == 121 || office == 888 || office == 999))
    return false;
  int sum = 0;
  for (int i = 0; i < 10; ++i) {
    int v = d[i] - '0';
    if (i % 2 == 1) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return (10 - sum % 10) % 10 == d[10] - '0';
}

// Luhn (ISO/IEC 7812-1, annex B): from the rightmost digit, every second digit is doubled (minus 9
// over 9); the total is a multiple of 10.
bool luhn_digits(const char* d, std::size_t n) {
  int sum = 0;
  for (std::size_t k = 0; k < n; ++k) {
    int v = d[n - 1 - k] - '0';
    if (k % 2 == 1) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return sum % 10 == 0;
}

// IBAN lengths of the SEPA countries, from the SWIFT IBAN Registry (the ISO 13616 registration
// authority), release 103.
struct IbanCountry {
  char code[3];
  int length;
};
constexpr IbanCountry kSepa[] = {{"AD", 24}, {"AT", 20}, {"BE", 16}, {"BG", 22}, {"CH", 21}, {"CY", 28}, {"CZ", 24},
                                 {"DE", 22}, {"DK", 18}, {"EE", 20}, {"ES", 24}, {"FI", 18}, {"FR", 27}, {"GB", 22},
                                 {"GI", 23}, {"GR", 27}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IS", 26}, {"IT", 27},
                                 {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MT", 31}, {"NL", 18},
                                 {"NO", 15}, {"PL", 28}, {"PT", 25}, {"RO", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24},
                                 {"SM", 27}, {"VA", 22}};

int iban_length(char a, char b) {
  for (const auto& c : kSepa)
    if (c.code[0] == a && c.code[1] == b) return c.length;
  return 0;
}

// ISO 7064 MOD 97-10 as ISO 13616 applies it: the first four characters moved to the end,
// letters as 10–35, the number mod 97 must be 1. Upper-case input.
bool iban_mod97(const char* c, int n) {
  int r = 0;
  for (int k = 0; k < n; ++k) {
    const char ch = c[(k + 4) % n];
    if (is_digit(ch)) {
      r = (r * 10 + (ch - '0')) % 97;
    } else {
      r = (r * 100 + (ch - 'A' + 10)) % 97;
    }
  }
  return r == 1;
}

// The country's layout, loosely: check digits are digits, the BBAN is letters and digits; Italy
// and San Marino: CIN letter, ABI and CAB (10 digits), 12-character account. Other countries: at
// least 8 digits in the BBAN, so that a word run is not taken for an IBAN with a typo.
bool iban_structure(const char* c, int n) {
  if (!is_digit(c[2]) || !is_digit(c[3])) return false;
  int digits = 0;
  for (int k = 4; k < n; ++k) {
    if (!is_alnum(c[k])) return false;
    digits += is_digit(c[k]);
  }
  if ((c[0] == 'I' && c[1] == 'T') || (c[0] == 'S' && c[1] == 'M')) {
    if (!is_upper(c[4])) return false;
    for (int k = 5; k < 15; ++k)
      if (!is_digit(c[k])) return false;
    return true;
  }
  return digits >= 8;
}

// ---------------------------------------------------------------------------------------------
// Names

struct NameList {
  std::unordered_set<std::string> names;
  bool has(std::string_view word) const {
    if (word.size() < 2 || word.size() > 24) return false;
    char buf[24];
    for (std::size_t i = 0; i < word.size(); ++i) buf[i] = low(word[i]);
    return names.count(std::string(buf, word.size())) != 0;
  }
};

NameList read_names(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("name list " + path + " cannot be read");
  NameList list;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    for (auto& ch : line) ch = low(ch);
    list.names.insert(line);
  }
  return list;
}

// The list of a data directory ("": default_names_path()), read once and kept for the process.
const NameList& names(const std::string& data_dir) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<NameList>> lists;
  std::lock_guard lock(mutex);
  auto& slot = lists[data_dir];
  if (!slot) {
    const std::string path =
        data_dir.empty() ? default_names_path() : (std::filesystem::path(data_dir) / "names_it.txt").string();
    slot = std::make_unique<NameList>(read_names(path));
  }
  return *slot;
}

// ---------------------------------------------------------------------------------------------
// Cue words

// The words after which a name, an address or a date of birth may follow. A word is looked at
// only when its first three letters and its length are those of a cue: one table lookup for
// almost every word of a text, so that the scan runs at the speed of the byte loop.
constexpr std::string_view kCueWords[] = {
    "chiamo",   "sono",    "operatore",  "operatrice", "parlato",  "sig",  "signor", "signora",   "dott",
    "dottor",   "dottore", "dottoressa", "ing",        "avv",      "via",  "viale",  "vicolo",    "piazza",
    "piazzale", "corso",   "largo",      "strada",     "contrada", "nato", "nata",   "lungomare", "nascita"};
// People who serve a customer, named by their role, and a signature (red-team, stop 41): a name of
// the list may follow, as after "operatore". Cues too.
constexpr std::string_view kRoleWords[] = {"addetta",  "addetto", "consulente", "tecnico", "commessa",
                                           "commesso", "collega", "firmato",    "saluti"};

struct CueTable {
  // One bit per three-letter prefix (2.2 KB: stays in L1 beside the text); the length is checked by cue().
  std::array<std::uint64_t, (26 * 26 * 26 + 63) / 64> prefixes{};
  CueTable() {
    const auto add = [&](std::string_view w) {
      prefixes[key(w.data()) / 64] |= std::uint64_t{1} << (key(w.data()) % 64);
    };
    std::ranges::for_each(kCueWords, add);
    std::ranges::for_each(kRoleWords, add);
  }
  // Letters only (the caller's word is ASCII letters): | 0x20 is the lower case.
  static std::size_t key(const char* w) {
    auto r = [](char c) { return static_cast<std::size_t>((c | 0x20) - 'a'); };
    return (r(w[0]) * 26 + r(w[1])) * 26 + r(w[2]);
  }
  bool maybe(const char* w, std::size_t len) const {
    if (len < 3 || len > 10) return false;
    const std::size_t k = key(w);
    return ((prefixes[k / 64] >> (k % 64)) & 1u) != 0;
  }
};
const CueTable kCueTable;

// ---------------------------------------------------------------------------------------------
// The scanner

using Mask = std::uint32_t;
constexpr Mask bit(PiiKind k) { return Mask{1} << static_cast<unsigned>(k); }
constexpr Mask kAll = (Mask{1} << kPiiKindCount) - 1;

struct Scanner {
  std::string_view t;
  Mask kinds;
  std::vector<PiiSpan>& out;
  std::size_t last_end = 0;  // no span may start before it
  const NameList* name_list = nullptr;

  bool want(PiiKind k) const { return (kinds & bit(k)) != 0; }

  void push(std::size_t s, std::size_t e, PiiKind k, bool verified = true) {
    out.push_back({s, e, k, std::string(t.substr(s, e - s)), verified});
    last_end = e;
  }

  // ---- numbers starting with a digit

  std::size_t card(std::size_t i) {
    if (t[i] < '2' || t[i] > '6') return 0;
    char d[20];
    std::size_t ends[20];
    const std::size_t n = collect_digits(t, i, 19, " -", d, ends);
    if (n < 13) return 0;
    // The first group of a spaced card has at least 4 digits ("4111 1111 ...", "3782 822463 10005").
    if (ends[3] != i + 4) return 0;
    for (std::size_t len = n; len >= 13; --len) {
      if (!ends_clean(t, ends[len - 1])) continue;
      if (luhn_digits(d, len)) return ends[len - 1];
    }
    return 0;
  }

  std::size_t partita_iva(std::size_t i) {
    std::size_t e = i;
    while (e < t.size() && e - i <= 11 && is_digit(t[e])) ++e;
    if (e - i != 11 || !ends_clean(t, e)) return 0;
    return piva_digits_valid(t.data() + i) ? e : 0;
  }

  // An order, ticket, invoice or practice number, or an amount, is introduced as such: the 24
  // bytes before the number name it.
  // `mobile`: the number is a mobile phone's (3xx): the bare markers of a number ("n.", "nr",
  // "n°", "#") then do not make it a code ("richiamatemi al nr 3471234567"); a code's own name
  // ("ordine n. 3471234567") still does.
  bool introduced_as_code(std::size_t i, bool mobile = false) const {
    static constexpr std::string_view kCues[] = {
        "ordine",     "pratica",      "ticket",       "fattura",   "protocollo",  "contratto",
        "codice",     "cliente",      "n.",           "nr",        "n°",          "#",
        "€",          "euro",         "importo",      "matricola", "spedizione",  "tracking",
        "seriale",    "ordinativo",   "pp.",          "pag",       "iva",         "partita",
        "reclamo",    "prenotazione", "segnalazione", "richiesta", "riferimento", "rif",
        "intervento", "sinistro",     "polizza",      "utenza",    "bolletta",    "caso",
        "id"};
    const std::size_t from = i > 24 ? i - 24 : 0;
    char buf[24];
    const std::size_t len = i - from;
    for (std::size_t k = 0; k < len; ++k) buf[k] = low(t[from + k]);
    const std::string_view before(buf, len);
    // A cue is a word of its own ("la SIM attiva 348...": "iva" inside "attiva" made the phone an
    // amount), and a phone's own cue wins ("Tel. n. 3471234567", "cellulare nr. 347 ...").
    const auto word_at = [&](std::string_view w) {
      for (auto p = before.rfind(w); p != std::string_view::npos;
           p = p ? before.rfind(w, p - 1) : std::string_view::npos)
        if (p == 0 ? from == 0 || !is_alpha(t[from - 1]) : !is_alpha(before[p - 1])) return p;
      return std::string_view::npos;
    };
    static constexpr std::string_view kPhoneCues[] = {"tel",      "cell",       "telefono", "recapito",
                                                      "whatsapp", "chiamatemi", "chiamami", "contattatemi"};
    for (auto cue : kPhoneCues)
      if (word_at(cue) != std::string_view::npos) return false;
    for (auto cue : kCues) {
      if (mobile && (cue == "n." || cue == "nr" || cue == "n°" || cue == "#")) continue;
      const auto p = word_at(cue);
      if (p == std::string_view::npos) continue;
      // The cue must introduce this number: only spaces, ':', '#', '°', '.' and the word numero
      // (or n, nr, num) in between ("ordine n. 0212345678", "pratica numero 3471234567"), never
      // digits (the cue of an earlier number) or other words ("importo 30 euro e 02 1234 5678").
      bool introduces = true;
      for (std::size_t k = p + cue.size(); k < len && introduces;) {
        const char c = before[k];
        if (c == ' ' || c == ':' || c == '#' || c == '.') {
          ++k;
        } else if (before.substr(k, 2) == "°") {
          k += 2;
        } else if (is_alpha(c)) {
          std::size_t e = k;
          while (e < len && is_alpha(before[e])) ++e;
          const std::string_view w = before.substr(k, e - k);
          introduces = w == "numero" || w == "n" || w == "nr" || w == "num";
          k = e;
        } else {
          introduces = false;
        }
      }
      if (introduces) return true;
    }
    return false;
  }

  bool followed_by_euro(std::size_t e) const {
    std::size_t k = e;
    while (k < t.size() && k - e < 2 && t[k] == ' ') ++k;
    const std::string_view rest = t.substr(k, 4);
    return rest.starts_with("€") || eq_ci(rest, "euro") || eq_ci(t.substr(k, 3), "eur");
  }

  // A date written with separators: d/m/y, d.m.y or d-m-y (2–4 digit year), or d.m / d/m.
  static bool date_like(const std::size_t* groups, std::size_t g, std::string_view digits) {
    if (g < 2 || g > 3) return false;
    std::size_t pos = 0;
    int v[3] = {0, 0, 0};
    for (std::size_t k = 0; k < g; ++k) {
      for (std::size_t j = 0; j < groups[k]; ++j) v[k] = v[k] * 10 + (digits[pos + j] - '0');
      pos += groups[k];
    }
    if (groups[0] > 2 || groups[1] > 2) return false;
    if (g == 3 && groups[2] != 2 && groups[2] != 4) return false;
    return v[0] >= 1 && v[0] <= 31 && v[1] >= 1 && v[1] <= 12;
  }

  std::size_t phone(std::size_t i) {
    // Not the tail of a longer spaced number ("5506 0048 0461 9009": a card failing Luhn); a
    // bracket opens a number of its own ("(02) 1234567 (02) 7654321").
    if (t[i] != '(' && i >= 2 && (t[i - 1] == ' ' || t[i - 1] == '-') && is_digit(t[i - 2])) return 0;
    std::size_t p = i;
    bool international = false;
    if (t[p] == '+') {
      if (!(at(t, p + 1, '3') && at(t, p + 2, '9'))) return 0;
      p += 3;
      international = true;
    } else if (t.substr(p, 4) == "0039") {
      p += 4;
      international = true;
    }
    if (international) {
      if (at(t, p, ' ') || at(t, p, '.') || at(t, p, '-')) ++p;
      if (p >= t.size() || !(is_digit(t[p]) || t[p] == '(')) return 0;
    }
    char d[12];
    std::size_t ends[12];
    std::size_t n = 0, from = p, in_bracket = 0;
    const bool bracket = at(t, p, '(');
    if (bracket) {
      // The area code or its leading 0 in brackets: "(02) 1234567", "(347) 1234567", "+39 (0)2 1234567".
      std::size_t q = p + 1;
      while (q < t.size() && is_digit(t[q]) && n < 5) {
        d[n] = t[q];
        ends[n++] = ++q;
      }
      if (n == 0 || n > 4 || !at(t, q, ')')) return 0;
      in_bracket = n;
      from = q + 1;
      if (at(t, from, ' ') || at(t, from, '.') || at(t, from, '-')) ++from;
      if (from >= t.size() || !is_digit(t[from])) return 0;
    }
    n += collect_digits(t, from, 11 - n, " .-/", d + n, ends + n);
    // A mobile number starts with 3, a landline with 0, and neither with 30 or 00; unbracketed, the
    // first two digits are written together.
    if (n < 2 || (d[0] != '3' && d[0] != '0') || d[1] == '0') return 0;
    if (!bracket && ends[1] != ends[0] + 1) return 0;
    const bool mobile = d[0] == '3';
    const std::size_t lo = mobile ? 9 : (international ? 6 : 8), hi = mobile ? 10 : 11;
    for (std::size_t len = std::min(n, hi); len >= lo; --len) {
      const std::size_t e = ends[len - 1];
      if (!ends_clean(t, e)) continue;
      // The groups (digits between separators), to refuse dates and thousands.
      std::size_t groups[12], g = 0, run = 0;
      bool thousands = true, slash = false, dots = false, spaces = false;
      for (std::size_t k = 0; k < len; ++k) {
        ++run;
        if (k + 1 < len && ends[k + 1] != ends[k] + 1) {
          const char sep = t[ends[k]];
          slash = slash || sep == '/';
          dots = dots || sep == '.';
          spaces = spaces || sep == ' ';
          groups[g++] = run;
          run = 0;
        }
      }
      groups[g++] = run;
      for (std::size_t k = 1; k < g; ++k) thousands = thousands && groups[k] == 3;
      // (A date after a bracketed area code is still a date: "(02) 12/03/2020".)
      const std::size_t b = in_bracket ? 1 : 0;
      if (g > 1 + b && (slash || dots) &&
          date_like(groups + b, g - b, std::string_view(d + in_bracket, len - in_bracket)))
        continue;
      // A date written with spaces, "01 01 2018": day, month and a year of this or the last century
      // (no phone is grouped 2, 2, 4 with a year at its end; found in hotel reviews).
      if (!in_bracket && spaces && g == 3 && groups[2] == 4 &&
          (std::string_view(d + len - 4, 2) == "19" || std::string_view(d + len - 4, 2) == "20") &&
          date_like(groups, g, std::string_view(d, len)))
        continue;
      if (g > 1 && dots && thousands && groups[0] <= 3) continue;  // "345.000.000"
      // Checked last, on a candidate only: the look-behind costs more than the digits.
      if (!international && (followed_by_euro(e) || introduced_as_code(i, mobile))) return 0;
      if (!international && i > 0) {
        // An amount after a currency sign.
        std::size_t k = i;
        while (k > 0 && t[k - 1] == ' ' && i - k < 2) --k;
        if (k >= 3 && t.substr(k - 3, 3) == "€") return 0;
      }
      return e;
    }
    return 0;
  }

  // ---- codes starting with a letter

  std::size_t codice_fiscale(std::size_t i, bool& verified) {
    char c[16];
    const std::size_t e = collect_alnum(t, i, 16, c);
    if (e == std::string_view::npos || !cf_structure(c)) return 0;
    verified = cf_check_char(c) == c[15];
    // Sixteen letters (every digit in omocodia) are a code only with the right check letter:
    // runs of capitals ("MMMMMMMMMMMMMMMM") otherwise pass the layout.
    if (!verified && std::none_of(c, c + 16, is_digit)) return 0;
    return e;
  }

  std::size_t iban(std::size_t i, bool& verified) {
    if (i + 4 > t.size()) return 0;
    const int len = iban_length(up(t[i]), up(t[i + 1]));
    if (len == 0) return 0;
    // Both letters in the same case: "it60x…" or "IT60X…", not "It" starting a sentence.
    if (is_upper(t[i]) != is_upper(t[i + 1])) return 0;
    char c[34];
    const std::size_t e = collect_alnum(t, i, static_cast<std::size_t>(len), c, " -");  // IT60-X054-...
    if (e == std::string_view::npos || !iban_structure(c, len)) return 0;
    verified = iban_mod97(c, len);
    return e;
  }

  std::size_t partita_iva_prefixed(std::size_t i) {
    if (!(up(t[i]) == 'I' && up(t[i + 1]) == 'T')) return 0;
    std::size_t p = i + 2;
    if (at(t, p, ' ')) ++p;
    if (p >= t.size() || !is_digit(t[p])) return 0;
    return partita_iva(p);
  }

  // Italian plates since 1994 (DPR 16 dicembre 1992 n. 495, art. 257 as amended): two letters,
  // three digits, two letters; I, O, Q and U are not used.
  static bool plate_letter(char c) { return is_upper(c) && c != 'I' && c != 'O' && c != 'Q' && c != 'U'; }
  std::size_t plate(std::size_t i) {
    std::size_t p = i;
    if (!(p + 7 <= t.size() && plate_letter(t[p]) && plate_letter(t[p + 1]))) return 0;
    p += 2;
    char sep = 0;
    if (at(t, p, ' ') || at(t, p, '-')) sep = t[p++];
    if (!(p + 3 <= t.size() && is_digit(t[p]) && is_digit(t[p + 1]) && is_digit(t[p + 2]))) return 0;
    p += 3;
    if (sep != 0) {
      if (!at(t, p, sep)) return 0;
      ++p;
    }
    if (!(p + 2 <= t.size() && plate_letter(t[p]) && plate_letter(t[p + 1]))) return 0;
    p += 2;
    return (p < t.size() && is_alnum(t[p])) ? 0 : p;
  }

  // ---- e-mail, from its '@'

  std::size_t email(std::size_t a, std::size_t& start) {
    auto local_char = [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; };
    // The bytes before k as a letter of the local part: an ASCII one, an apostrophe between two
    // letters (o'brien, RFC 5322 atext), or a Latin letter in UTF-8 (josé, RFC 6531; lead bytes
    // C3-C5 as name_word reads them): its length, or 0.
    auto letter_before = [&](std::size_t k) -> std::size_t {
      const auto c = static_cast<unsigned char>(t[k - 1]);
      if (local_char(t[k - 1])) return 1;
      if (t[k - 1] == '\'' && k >= 2 && k < a && is_alnum(t[k - 2]) && is_alnum(t[k])) return 1;
      if (c >= 0x80 && c <= 0xBF && k >= 2 && static_cast<unsigned char>(t[k - 2]) >= 0xC3 &&
          static_cast<unsigned char>(t[k - 2]) <= 0xC5)
        return 2;
      return 0;
    };
    std::size_t s = a;
    while (s > last_end && a - s < 64) {
      const std::size_t len = letter_before(s);
      if (len == 0 || s - len < last_end) break;
      s -= len;
    }
    while (s < a && (t[s] == '.' || t[s] == '-' || t[s] == '+')) ++s;
    if (s == a || t[a - 1] == '.') return 0;
    if (s > 0 && (letter_before(s) || t[s - 1] == '@')) return 0;  // longer than 64: not an address
    std::size_t p = a + 1, labels = 0, last_label = 0, end = 0;
    bool last_alpha = false;
    while (p < t.size() && p - a < 254) {
      const std::size_t ls = p;
      bool alpha = true;
      while (p < t.size() && p - ls < 63) {
        const auto c = static_cast<unsigned char>(t[p]);
        if (is_alnum(t[p]) || t[p] == '-') {
          alpha = alpha && is_alpha(t[p]);
          ++p;
        } else if (c >= 0xC3 && c <= 0xC5 && p + 1 < t.size() &&
                   (static_cast<unsigned char>(t[p + 1]) & 0xC0) == 0x80) {
          p += 2;  // an internationalized domain's letter (exämple.it, IDNA)
        } else {
          break;
        }
      }
      if (p == ls || t[ls] == '-' || t[p - 1] == '-') break;
      ++labels;
      last_label = p - ls;
      last_alpha = alpha;
      end = p;
      if (at(t, p, '.') && p + 1 < t.size() && is_alnum(t[p + 1])) {
        ++p;
        continue;
      }
      break;
    }
    if (labels < 2 || !last_alpha || last_label < 2) return 0;
    if (end < t.size() && (t[end] == '@' || is_alnum(t[end]))) return 0;
    start = s;
    return end;
  }

  // ---- words after cues

  // A name word from p: letters (any UTF-8 letter byte) and inner apostrophes; its end.
  std::size_t name_word(std::size_t p) const {
    std::size_t e = p;
    while (e < t.size()) {
      const auto c = static_cast<unsigned char>(t[e]);
      if (is_alpha(t[e]) || c >= 0x80) {
        // Stop before punctuation written in UTF-8 ("…", "’", quotes, emoji): letters of Italian
        // names are in U+00C0–U+017F, whose lead bytes are C3, C4 and C5.
        if (c >= 0x80 && !(c >= 0xC3 && c <= 0xC5 && e + 1 < t.size())) break;
        e += c >= 0x80 ? 2 : 1;
      } else if (t[e] == '\'' && e > p && e + 1 < t.size() && is_alpha(t[e + 1])) {
        ++e;
      } else {
        break;
      }
    }
    return std::min(e, t.size());
  }

  std::size_t skip_spaces(std::size_t p) const {
    std::size_t k = p;
    while (k < t.size() && k - p < 3 && t[k] == ' ') ++k;
    return k;
  }

  static bool is_title(std::string_view w, std::string_view t, std::size_t end, std::size_t& after) {
    // sig. sig.ra signor signora dott. dott.ssa dottor dottoressa ing. avv. ("Signore" is also the
    // Lord: not a title here.)
    after = end;
    auto dot_suffix = [&](std::string_view suffix) {
      if (t.substr(end, suffix.size()) == suffix &&
          !(end + suffix.size() < t.size() && is_alpha(t[end + suffix.size()])))
        after = end + suffix.size();
    };
    if (eq_ci(w, "sig")) {
      dot_suffix(".");
      dot_suffix(".ra");
      dot_suffix(".na");
      return true;
    }
    if (eq_ci(w, "dott")) {
      dot_suffix(".");
      dot_suffix(".ssa");
      return true;
    }
    if (eq_ci(w, "ing") || eq_ci(w, "avv")) {
      if (at(t, end, '.')) {
        after = end + 1;
        return true;
      }
      return false;
    }
    return eq_ci(w, "signor") || eq_ci(w, "signora") || eq_ci(w, "dottor") || eq_ci(w, "dottore") ||
           eq_ci(w, "dottoressa");
  }

  // Capitalised words after a title that are a role or a form of address, not a name
  // ("Signor Presidente", "signora mia").
  static bool role_word(std::string_view w) {
    static constexpr std::string_view kRoles[] = {
        "presidente",  "ministro",    "primo",         "sindaco",    "prefetto",   "direttore",   "direttrice",
        "giudice",     "tenente",     "capitano",      "generale",   "colonnello", "commissario", "avvocato",
        "dottore",     "professore",  "professoressa", "conte",      "contessa",   "marchese",    "duca",
        "re",          "papa",        "stato",         "chi",        "who",        "dio",         "iddio",
        "onorevole",   "senatore",    "deputato",      "segretario", "podestà",    "vicepodestà", "questore",
        "maresciallo", "governatore", "ambasciatore",  "cardinale",  "vescovo",    "padre",       "ispettore",
        "parroco",     "rettore",     "preside",       "maestro",    "maestra",    "mio",         "mia",
        "caro",        "cara",        "lei",           "voi",        "tu",         "ingegnere",   "architetto"};
    for (auto r : kRoles)
      if (eq_ci(w, r)) return true;
    return false;
  }

  // Capitalised words that end a name rather than continue it.
  static bool stop_word(std::string_view w) {
    static constexpr std::string_view kStop[] = {
        "e",       "ed",       "ma",         "che",        "non",          "mi",           "ci",    "il",
        "la",      "lo",       "le",         "gli",        "un",           "una",          "molto", "grazie",
        "ho",      "è",        "per",        "poi",        "sono",         "della",        "del",   "dal",
        "dalla",   "al",       "alla",       "con",        "in",           "da",           "di",    "a",
        "si",      "ha",       "era",        "gentile",    "gentilissimo", "gentilissima", "bravo", "brava",
        "cortese", "servizio", "assistenza", "buongiorno", "salve"};
    for (auto s : kStop)
      if (eq_ci(w, s)) return true;
    return false;
  }

  // The particles of place names, as in streets and birthplaces ("via della Spiga", "San Donà di
  // Piave").
  static constexpr std::string_view kParticles[] = {"di", "del", "della", "dei",   "degli", "delle", "dello", "de",
                                                    "da", "in",  "sul",   "sulla", "al",    "alla",  "dell'", "d'"};
  static bool place_particle(std::string_view w) { return std::ranges::find(kParticles, w) != std::end(kParticles); }

  // The particles of Italian surnames: De, Di, Del, Della, Dal, Da, Lo, La (De Luca, Lo Bianco).
  static bool surname_particle(std::string_view w) {
    for (const std::string_view x : {"de", "di", "del", "della", "dal", "da", "lo", "la"})
      if (eq_ci(w, x)) return true;
    return false;
  }

  // A surname's particle at [p, e) and the capitalised name after it ("Di Stefano", "Lo Bianco"):
  // the end of the name, or 0.
  std::size_t particle_surname(std::size_t p, std::size_t e) const {
    if (!surname_particle(t.substr(p, e - p)) || !at(t, e, ' ')) return 0;
    const std::size_t r = e + 1, re = name_word(r);
    const std::string_view name = t.substr(r, re - r);
    return name.size() >= 2 && is_upper(name[0]) && !stop_word(name) && !role_word(name) ? re : 0;
  }

  // A person from p (after a cue and its space): an optional article and title, a first name on
  // the list (capitalised unless `any_case`), then up to two capitalised words (second name,
  // surname, with De/Di/Del/Della/Lo/La particles). After a title any capitalised word is a name.
  void person(std::size_t p, bool any_case, bool titled = false) {
    p = skip_spaces(p);
    for (int k = 0; k < 2 && p < t.size(); ++k) {
      const std::size_t e = name_word(p);
      const std::string_view w = t.substr(p, e - p);
      std::size_t after = e;
      // An article before the title ("la sig.ra Bianchi"); after it a capitalised La or Lo is
      // the particle of a surname ("sig. La Rosa").
      if ((eq_ci(w, "il") || eq_ci(w, "la") || eq_ci(w, "lo")) && !(titled && is_upper(w[0]))) {
        p = skip_spaces(e);
        continue;
      }
      if (is_title(w, t, e, after)) {
        titled = true;
        p = skip_spaces(after);
        continue;
      }
      break;
    }
    if (p >= t.size()) return;
    std::size_t e = name_word(p);
    if (e == p || e - p < 2) return;
    const std::string_view first = t.substr(p, e - p);
    const bool capital = is_upper(first[0]);
    // After a title, a surname with its particle, both capitalised: "sig. Di Stefano", "dott. Dal
    // Maso" ("la signora di Molinella", "il Dottore della Guerra" are no one's name).
    if (titled && capital) {
      if (const std::size_t re = particle_surname(p, e)) {
        if (p >= last_end) push(p, re, PiiKind::person);
        return;
      }
    }
    if (titled) {
      if (!capital || stop_word(first) || role_word(first)) return;
    } else {
      if (!capital && !any_case) return;
      if (!name_list->has(first)) return;
    }
    // A double first name joined by a hyphen (Anna-Maria, Maria-Grazia): the list has its first.
    while (at(t, e, '-') && e + 1 < t.size() && (is_alpha(t[e + 1]) || static_cast<unsigned char>(t[e + 1]) >= 0xC3) &&
           (capital ? is_upper(t[e + 1]) : !is_upper(t[e + 1])) && name_word(e + 1) > e + 2)
      e = name_word(e + 1);
    std::size_t end = e;
    if (!capital) {  // (after a title the name is capitalised)
      // Written all in lower case ("mi chiamo mario rossi"): one more lower-case word is the
      // surname when the name ends there (the text, punctuation, or a word that ends a name
      // follows), so that "mi chiamo mario volevo sapere" keeps "volevo".
      if (at(t, e, ' ')) {
        const std::size_t q = e + 1, qe = name_word(q);
        const std::string_view w = t.substr(q, qe - q);
        bool ends = qe >= t.size() || (!is_alpha(t[qe]) && t[qe] != ' ' && static_cast<unsigned char>(t[qe]) < 0x80);
        if (!ends && at(t, qe, ' ')) {
          const std::size_t r = qe + 1, re = name_word(r);
          ends = re > r && stop_word(t.substr(r, re - r));
        }
        if (w.size() >= 2 && is_lower(w[0]) && ends && !stop_word(w) && !role_word(w)) end = qe;
      }
    }
    // Up to two more capitalised words: a second name and/or the surname (with a particle).
    for (int k = 0; k < 2 && capital; ++k) {
      if (!at(t, end, ' ')) break;
      std::size_t q = end + 1;
      std::size_t qe = name_word(q);
      std::string_view w = t.substr(q, qe - q);
      if (w.empty() || !is_upper(w[0])) break;
      // Particles written with a capital: De, Di, Del, Della, Lo, La, Dal, Da.
      if (surname_particle(w)) {
        if (const std::size_t re = particle_surname(q, qe)) end = re;
        break;
      }
      if (w.size() < 2 || stop_word(w)) break;
      end = qe;
    }
    if (p < last_end) return;
    push(p, end, PiiKind::person);
  }

  // Street names after a cue word [s, e): capitalised words (particles between them), then an
  // optional comma and "n." and the house number (digits, an optional letter or /part).
  std::size_t address(std::size_t s, std::size_t e) {
    std::size_t p = e;
    if (!at(t, p, ' ')) return 0;
    std::size_t words = 0, particles = 0;
    bool last_particle = false;
    // "nel corso del ...": corso is a street only when a name follows at once. Public roads
    // ("Strada Statale 99") are no one's address.
    const std::string_view cue_word = t.substr(s, e - s);
    {
      const std::size_t q = skip_spaces(p), qe = name_word(q);
      const std::string_view next = t.substr(q, qe - q);
      // "nel corso del", "durante il corso di": the idiom, not a street.
      if (eq_ci(cue_word, "corso") && (next.empty() || !is_upper(next[0])) && s >= 2) {
        std::size_t ws = s - 1;
        while (ws > 0 && t[ws - 1] == ' ') --ws;
        std::size_t wb = ws;
        while (wb > 0 && is_alpha(t[wb - 1])) --wb;
        const std::string_view prev = t.substr(wb, ws - wb);
        for (auto idiom : {"nel", "durante", "del", "il", "al", "un", "questo", "quel", "dal", "lungo"})
          if (eq_ci(prev, idiom)) return 0;
      }
      if ((eq_ci(cue_word, "strada") || eq_ci(cue_word, "viale")) &&
          (eq_ci(next, "statale") || eq_ci(next, "provinciale") || eq_ci(next, "regionale") ||
           eq_ci(next, "comunale") || eq_ci(next, "europea")))
        return 0;
    }
    // The house number's marker at q ("n.", "n°", "nr.", "civico"): the byte after it, or q.
    auto marker = [&](std::size_t q) {
      if (t.substr(q, 2) == "n.") return q + 2;
      if (t.substr(q, 3) == "n°" || t.substr(q, 3) == "nr.") return q + 3;
      if (eq_ci(t.substr(q, 6), "civico") && at(t, q + 6, ' ')) return q + 6;
      return q;
    };
    while (true) {
      p = skip_spaces(p);
      if (p >= t.size()) return 0;
      if (words == 0 && is_digit(t[p])) {
        // A street named after a date: "via 4 Novembre", "via 25 Aprile", "via 20 Settembre".
        std::size_t d = p;
        while (d < t.size() && is_digit(t[d]) && d - p < 3) ++d;
        if (d - p > 2 || !at(t, d, ' ')) return 0;
        const std::size_t me = name_word(d + 1);
        const std::string_view month = t.substr(d + 1, me - d - 1);
        if (month.empty() || !is_upper(month[0]) || !italian_month(month)) return 0;
        ++words;
        p = me;
        if (!at(t, p, ' ') && !at(t, p, ',')) return 0;
        if (at(t, p, ',') || (p + 1 < t.size() && is_digit(t[p + 1])) || marker(p + 1) != p + 1) break;
        continue;
      }
      const std::size_t we = name_word(p);
      const std::string_view w = t.substr(p, we - p);
      if (w.empty()) break;
      // An elided particle glued to the name: "dell'Indipendenza", "d'Azeglio", "sull'Adige".
      std::size_t glued = 0;
      for (const std::string_view elided : {"dell'", "dall'", "nell'", "sull'", "all'", "d'"})
        if (w.size() > elided.size() + 1 && eq_ci(w.substr(0, elided.size()), elided) && is_upper(w[elided.size()])) {
          glued = elided.size();
          ++particles;
          break;
        }
      // An initial of the person a street is named after: "Via G. Verdi 7", "Corso G. Matteotti".
      if (we == p + 1 && is_upper(w[0]) && at(t, we, '.') && at(t, we + 1, ' ')) {
        if (++particles > 3) return 0;
        last_particle = true;  // a name must follow
        p = we + 1;
        continue;
      }
      if (place_particle(w)) {
        if (++particles > 3) return 0;
        last_particle = true;
        p = we;
        if (at(t, p - 1, '\'')) continue;
        if (!at(t, p, ' ')) return 0;
        continue;
      }
      if (!is_upper(w[glued])) return 0;
      if (++words > 5) return 0;
      last_particle = false;
      p = we;
      if (!at(t, p, ' ') && !at(t, p, ',')) return 0;
      if (at(t, p, ',')) break;
      // A number next, or its marker: the house number.
      if (p + 1 < t.size() && is_digit(t[p + 1])) break;
      if (marker(p + 1) != p + 1) break;
    }
    if (words == 0 || last_particle) return 0;
    if (at(t, p, ',')) ++p;
    p = skip_spaces(p);
    p = skip_spaces(marker(p));
    const std::size_t ns = p;
    while (p < t.size() && is_digit(t[p]) && p - ns < 5) ++p;
    if (p == ns || p - ns > 4) return 0;
    if (at(t, p, '/') && p + 1 < t.size() && is_alnum(t[p + 1])) {
      p += 2;
      if (p < t.size() && is_alnum(t[p])) ++p;
    } else if (p < t.size() && is_alpha(t[p]) && !(p + 1 < t.size() && is_alpha(t[p + 1]))) {
      ++p;
    }
    if (p < t.size() && is_alnum(t[p])) return 0;
    if (!ends_clean(t, p)) return 0;
    (void)s;
    return p;
  }

  // A date of birth after "nato" / "nata" [e: the cue's end]: "nato il 15/07/1968", or the
  // bureaucratic "nata a Napoli il 3 marzo 1980", "nato a San Donà di Piave (VE) il ..." (the
  // place between "a" and "il": at most six items, capitalised words, their particles and a
  // province in brackets).
  void birth_date(std::size_t e) {
    std::size_t p = skip_spaces(e);
    if (p == e) return;
    std::size_t we = name_word(p);
    if (eq_ci(t.substr(p, we - p), "a") || eq_ci(t.substr(p, we - p), "ad")) {
      p = skip_spaces(we);
      for (int items = 0;; ++items) {
        if (items == 6 || p >= t.size()) return;
        const std::size_t qe = name_word(p);
        const std::string_view w = t.substr(p, qe - p);
        if (eq_ci(w, "il")) break;
        if (w.empty()) {
          if (!at(t, p, '(')) return;
          const std::size_t close = t.substr(p, 5).find(')');  // "(VE)": never a search to the end
          if (close == std::string_view::npos) return;
          p = skip_spaces(p + close + 1);
          continue;
        }
        // A place is capitalised, and no month or feast ("il problema è nato a Natale il 24/12").
        if (!is_upper(w[0]) && !place_particle(w)) return;
        if (items == 0 && (italian_month(w) || eq_ci(w, "natale") || eq_ci(w, "pasqua") || eq_ci(w, "capodanno") ||
                           eq_ci(w, "ferragosto")))
          return;
        p = skip_spaces(qe);
      }
      we = name_word(p);
    }
    if (!eq_ci(t.substr(p, we - p), "il")) return;
    date_of_birth(skip_spaces(we));
  }

  // The date of birth at s, when one is written there: d/m/y, d.m.y, d-m-y or "3 marzo 1980".
  void date_of_birth(std::size_t s) {
    std::size_t p = s;
    auto number = [&](std::size_t& q, std::size_t min, std::size_t max) -> int {
      const std::size_t from = q;
      int v = 0;
      while (q < t.size() && is_digit(t[q]) && q - from < max) v = v * 10 + (t[q++] - '0');
      if (q - from < min || (q < t.size() && is_digit(t[q]))) return -1;
      return v;
    };
    const int day = number(p, 1, 2);
    if (day < 1 || day > 31) return;
    if (at(t, p, '/') || at(t, p, '.') || at(t, p, '-')) {
      const char sep = t[p++];
      const int month = number(p, 1, 2);
      if (month < 1 || month > 12 || !at(t, p, sep)) return;
      ++p;
      const std::size_t ys = p;
      if (number(p, 2, 4) < 0 || p - ys == 3) return;
    } else {
      // The first of the month written as an ordinal: "1° marzo", "1º marzo" (degree sign and
      // masculine ordinal indicator, U+00B0 and U+00BA).
      if (t.substr(p, 2) == "\xC2\xB0" || t.substr(p, 2) == "\xC2\xBA") p += 2;
      if (at(t, p, ' '))
        ++p;
      else
        return;
      const std::size_t me = name_word(p);
      if (!italian_month(t.substr(p, me - p))) return;
      p = me;
      if (!at(t, p, ' ')) return;
      ++p;
      const std::size_t ys = p;
      if (number(p, 4, 4) < 0 || p - ys != 4) return;
    }
    if (p < t.size() && is_alnum(t[p])) return;
    push(s, p, PiiKind::birth_date);
  }

  // The word [s, e) may be a cue: handle it. Returns where to resume (e if nothing matched).
  std::size_t cue(std::size_t s, std::size_t e) {
    const std::string_view w = t.substr(s, e - s);
    const std::size_t len = w.size();
    if (len < 3 || len > 10) return e;
    const char f = low(w[0]);
    auto person_here = [&](std::size_t from, bool any_case, bool titled) {
      if (!want(PiiKind::person)) return e;
      const std::size_t before = out.size();
      person(from, any_case, titled);
      return out.size() > before ? last_end : e;
    };
    auto street = [&]() {
      if (!want(PiiKind::address)) return e;
      const std::size_t end = address(s, e);
      if (end == 0) return e;
      push(s, end, PiiKind::address);
      return end;
    };
    // "L'addetta Sara", "il consulente Marco Bianchi", "Firmato: Anna Neri", "Cordiali saluti, Anna
    // Neri": a name of the list (or after a title) may follow, as after "operatore".
    if (std::ranges::any_of(kRoleWords, [&](std::string_view r) { return len == r.size() && eq_ci(w, r); }))
      return person_here(at(t, e, ':') || at(t, e, ',') ? e + 1 : e, false, false);
    switch (f) {
      case 'a':
      case 'i':
      case 'd': {
        std::size_t after = e;
        if (is_title(w, t, e, after)) {
          if (!want(PiiKind::person)) return e;
          const std::size_t before = out.size();
          person(after, false, true);
          return out.size() > before ? last_end : e;
        }
        return e;
      }
      case 'c':
        if (len == 6 && eq_ci(w, "chiamo")) {
          // "mi chiamo"
          if (s >= 3 && t[s - 1] == ' ' && eq_ci(t.substr(s - 3, 2), "mi") && (s == 3 || !is_alpha(t[s - 4])))
            return person_here(e, true, false);
          return e;
        }
        if ((len == 5 && eq_ci(w, "corso")) || (len == 8 && eq_ci(w, "contrada"))) return street();
        return e;
      case 'l':
        if ((len == 5 && eq_ci(w, "largo")) || (len == 9 && eq_ci(w, "lungomare"))) return street();
        return e;
      case 'n':
        if (len == 4 && (eq_ci(w, "nato") || eq_ci(w, "nata")) && want(PiiKind::birth_date)) {
          const std::size_t before = out.size();
          birth_date(e);
          return out.size() > before ? last_end : e;
        }
        if (len == 7 && eq_ci(w, "nascita") && want(PiiKind::birth_date)) {  // "data di nascita: 12/03/1980"
          const std::size_t before = out.size();
          const std::size_t p = skip_spaces(e);
          date_of_birth(at(t, p, ':') ? skip_spaces(p + 1) : p);
          return out.size() > before ? last_end : e;
        }
        return e;
      case 'o':
        if ((len == 9 && eq_ci(w, "operatore")) || (len == 10 && eq_ci(w, "operatrice")))
          return person_here(at(t, e, ':') ? e + 1 : e, false, false);  // "Operatore: Marco Rossi"
        return e;
      case 'p':
        if ((len == 6 && eq_ci(w, "piazza")) || (len == 8 && eq_ci(w, "piazzale"))) return street();
        if (len == 7 && eq_ci(w, "parlato")) {
          std::size_t p = skip_spaces(e);
          const std::size_t ce = name_word(p);
          if (p == e || !eq_ci(t.substr(p, ce - p), "con")) return e;
          return person_here(ce, false, false);
        }
        return e;
      case 's': {
        if (len == 4 && eq_ci(w, "sono")) return person_here(e, false, false);
        if (len == 6 && eq_ci(w, "strada")) return street();
        if (len == 3 && eq_ci(w, "str") && at(t, e, '.') && want(PiiKind::address)) {  // "Str. del Portone 4"
          const std::size_t end = address(s, e + 1);
          if (end == 0) return e;
          push(s, end, PiiKind::address);
          return end;
        }
        std::size_t after = e;
        if (is_title(w, t, e, after)) {
          if (!want(PiiKind::person)) return e;
          const std::size_t before = out.size();
          person(after, false, true);
          return out.size() > before ? last_end : e;
        }
        return e;
      }
      case 'v':
        if ((len == 3 && eq_ci(w, "via")) || (len == 5 && eq_ci(w, "viale")) || (len == 6 && eq_ci(w, "vicolo")))
          return street();
        return e;
      default:
        return e;
    }
  }

  // At a one-letter word and its period: the street types as addresses abbreviate them ("P.zza
  // Duomo 1", "C.so Italia 5", "V.le Mazzini 3"), which the ISTAT rules for the national street
  // archive ask to write in full (nota ISTAT 912/2014, allegato 3: customers do not). The address's
  // end, or 0.
  std::size_t abbreviated_street(std::size_t i) {
    static constexpr std::string_view kAbbreviations[] = {"p.zza", "p.za", "p.le", "c.so",
                                                          "v.le",  "v.lo", "l.go", "c.da"};
    if (i > 0 && is_alnum(t[i - 1])) return 0;
    for (const std::string_view a : kAbbreviations) {
      if (i + a.size() > t.size() || !eq_ci(t.substr(i, a.size()), a)) continue;
      const std::size_t e = i + a.size();
      if (e < t.size() && is_alpha(t[e])) continue;  // "P.zzaX"
      const std::size_t end = address(i, e);
      if (end == 0) return 0;
      push(i, end, PiiKind::address);
      return end;
    }
    return 0;
  }

  // At a letter that starts a word [i, j) followed by a digit or (short word) a space and a
  // digit: IBAN, codice fiscale, partita IVA with IT, plate. Returns the match end or 0.
  std::size_t letter_codes(std::size_t i) {
    bool verified = true;
    if (want(PiiKind::iban)) {
      if (const std::size_t e = iban(i, verified)) {
        push(i, e, PiiKind::iban, verified);
        return e;
      }
    }
    if (want(PiiKind::codice_fiscale)) {
      if (const std::size_t e = codice_fiscale(i, verified)) {
        push(i, e, PiiKind::codice_fiscale, verified);
        return e;
      }
    }
    if (want(PiiKind::partita_iva) && i + 2 < t.size()) {
      if (const std::size_t e = partita_iva_prefixed(i)) {
        push(i, e, PiiKind::partita_iva);
        return e;
      }
    }
    if (want(PiiKind::plate)) {
      if (const std::size_t e = plate(i)) {
        push(i, e, PiiKind::plate);
        return e;
      }
    }
    return 0;
  }

  std::size_t number_codes(std::size_t i) {
    if (!starts_clean(t, i)) return 0;
    if (want(PiiKind::card)) {
      if (const std::size_t e = card(i)) {
        push(i, e, PiiKind::card);
        return e;
      }
    }
    if (want(PiiKind::partita_iva)) {
      if (const std::size_t e = partita_iva(i)) {
        push(i, e, PiiKind::partita_iva);
        return e;
      }
    }
    if (want(PiiKind::phone)) {
      if (const std::size_t e = phone(i)) {
        push(i, e, PiiKind::phone);
        return e;
      }
    }
    return 0;
  }

  void run() {
    const std::size_t n = t.size();
    const char* b = t.data();
    std::size_t i = 0;
    while (i < n) {
      const std::uint8_t c = cls(b[i]);
      if (c == kOther) {
        ++i;
        continue;
      }
      if (c == kLower || c == kUpper) {
        std::size_t j = i + 1;
        while (j < n && is_alpha(b[j])) ++j;
        const std::size_t len = j - i;
        // Codes that start with letters: glued to a digit, a short word before a spaced digit
        // ("AB 123 CD", "RSSMRA 80A01…", "IT 12345678901"), three letters before three more and a
        // digit ("RSS MRA 80A01…"), or 16 letters (a codice fiscale with every digit in omocodia).
        bool code = false;
        if (j < n && is_digit(b[j])) {
          code = len <= 6;
        } else if (j + 1 < n && b[j] == ' ' && len <= 6) {
          code = is_digit(b[j + 1]) || (len == 3 && j + 5 < n && is_alpha(b[j + 1]) && is_alpha(b[j + 2]) &&
                                        is_alpha(b[j + 3]) && b[j + 4] == ' ' && is_digit(b[j + 5]));
        } else if (len == 16 && is_upper(b[i])) {
          code = true;
        }
        if (code && (i == 0 || !is_alnum(b[i - 1]))) {
          if (const std::size_t e = letter_codes(i)) {
            i = e;
            continue;
          }
        }
        if (len == 1 && j < n && b[j] == '.' && want(PiiKind::address)) {
          if (const std::size_t e = abbreviated_street(i)) {
            i = e;
            continue;
          }
        }
        std::size_t next = kCueTable.maybe(b + i, len) ? cue(i, j) : j;
        if (next == j) {
          // Skip the rest of the alphanumeric token ("covid19", "A4").
          while (next < n && is_alnum(b[next])) ++next;
        }
        i = next;
        continue;
      }
      if (c == kDigit) {
        if (const std::size_t e = number_codes(i)) {
          i = e;
          continue;
        }
        std::size_t j = i + 1;
        while (j < n && is_alnum(b[j])) ++j;
        i = j;
        continue;
      }
      if (c == kAt) {
        if (want(PiiKind::email)) {
          std::size_t s = 0;
          if (const std::size_t e = email(i, s)) {
            push(s, e, PiiKind::email);
            i = e;
            continue;
          }
        }
        ++i;
        continue;
      }
      // '+' or '(': an international phone number, or one with its area code in brackets.
      if (want(PiiKind::phone) && i + 1 < n && is_digit(b[i + 1]) && (i == 0 || !is_alnum(b[i - 1]))) {
        if (const std::size_t e = phone(i)) {
          push(i, e, PiiKind::phone);
          i = e;
          continue;
        }
      }
      ++i;
    }
  }
};

Mask mask_of(std::span<const PiiKind> kinds) {
  if (kinds.empty()) return kAll;
  Mask m = 0;
  for (auto k : kinds) {
    if (static_cast<std::size_t>(k) >= kPiiKindCount)
      throw std::invalid_argument("find_pii: kind " + std::to_string(static_cast<int>(k)) + " is not a PiiKind");
    m |= bit(k);
  }
  return m;
}

void scan(std::string_view text, Mask kinds, const NameList* list, std::vector<PiiSpan>& out) {
  const std::size_t first = out.size();
  const auto folded = fold_for_matching(text);
  Scanner s{folded ? std::string_view(folded->text) : text, kinds, out};
  s.name_list = list;
  s.run();
  if (!folded) return;
  for (std::size_t i = first; i < out.size(); ++i) {  // spans of the folded text → of text
    PiiSpan& span = out[i];
    span.start = folded->start[span.start];
    span.end = folded->start[span.end - 1] + folded->len[span.end - 1];
    span.surface.assign(text.substr(span.start, span.end - span.start));
  }
}

const NameList* names_for(Mask kinds, const std::string& data_dir) {
  if ((kinds & bit(PiiKind::person)) == 0) return nullptr;
  if (data_dir.empty()) {
    // The common case without the lock (a static whose initialisation throws is retried).
    static const NameList* const kDefault = &names(std::string());
    return kDefault;
  }
  return &names(data_dir);
}

constexpr std::string_view kNames[kPiiKindCount] = {"codice_fiscale", "partita_iva", "iban",    "card",   "phone",
                                                    "email",          "plate",       "address", "person", "birth_date"};
constexpr std::string_view kTags[kPiiKindCount] = {"CF",    "PIVA",  "IBAN",      "CARTA", "TEL",
                                                   "EMAIL", "TARGA", "INDIRIZZO", "NOME",  "DATA_NASCITA"};

// The surface written one way: letters upper-case, spaces, dots, dashes and slashes dropped; a
// phone without its +39/0039 prefix, a partita IVA without IT.
std::string canonical(PiiKind kind, std::string_view written) {
  const auto folded = fold_for_matching(written);  // ３４７ is 347: one pseudonym
  const std::string_view surface = folded ? std::string_view(folded->text) : written;
  std::string c;
  c.reserve(surface.size());
  for (char ch : surface) {
    if (kind == PiiKind::email) {
      c.push_back(low(ch));
    } else if (kind == PiiKind::person || kind == PiiKind::address) {
      if (ch == ' ' && (c.empty() || c.back() == ' ')) continue;
      c.push_back(up(ch));
    } else if (ch != ' ' && ch != '.' && ch != '-' && ch != '/' && ch != '+' && ch != '(' && ch != ')') {
      c.push_back(up(ch));
    }
  }
  if (kind == PiiKind::phone) {
    if (c.starts_with("0039"))
      c.erase(0, 4);
    else if (surface.starts_with("+39"))
      c.erase(0, 2);
  }
  if (kind == PiiKind::partita_iva && c.starts_with("IT")) c.erase(0, 2);
  return c;
}

}  // namespace

std::string_view pii_kind_name(PiiKind kind) {
  const auto k = static_cast<std::size_t>(kind);
  if (k >= kPiiKindCount) throw std::invalid_argument("pii_kind_name: kind " + std::to_string(k) + " is not a PiiKind");
  return kNames[k];
}

PiiKind pii_kind_from_name(std::string_view name) {
  for (std::size_t k = 0; k < kPiiKindCount; ++k)
    if (kNames[k] == name) return static_cast<PiiKind>(k);
  std::string valid;
  for (auto n : kNames) valid += (valid.empty() ? "" : ", ") + std::string(n);
  throw std::invalid_argument("pii kind '" + std::string(name) + "' is not one of " + valid);
}

std::string_view pii_kind_tag(PiiKind kind) {
  pii_kind_name(kind);  // throws for a value outside the enumeration
  return kTags[static_cast<std::size_t>(kind)];
}

std::vector<PiiSpan> find_pii(std::string_view text, const PiiOptions& options) {
  std::vector<PiiSpan> out;
  const Mask m = mask_of(options.kinds);
  scan(text, m, names_for(m, options.data_dir), out);
  return out;
}

std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view message) {
  std::array<unsigned char, 32> mac{};
  unsigned int len = 0;
  // An empty key is passed as a non-null pointer: OpenSSL 3 reads a null key as "no key given".
  static const unsigned char kEmpty = 0;
  const void* k = key.empty() ? static_cast<const void*>(&kEmpty) : static_cast<const void*>(key.data());
  if (HMAC(EVP_sha256(), k, static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
           message.size(), mac.data(), &len) == nullptr ||
      len != mac.size())
    throw std::runtime_error("hmac_sha256: OpenSSL's HMAC failed");
  return mac;
}

std::string pii_pseudonym(PiiKind kind, std::string_view surface, std::string_view key) {
  if (key.empty()) throw std::invalid_argument("pseudonym: the key is empty; a pseudonym needs a secret key");
  const std::string_view tag = pii_kind_tag(kind);
  const auto mac = hmac_sha256(key, std::string(tag) + ":" + canonical(kind, surface));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "[" + std::string(tag) + "_";
  for (int i = 0; i < 3; ++i) {
    out.push_back(kHex[mac[static_cast<std::size_t>(i)] >> 4]);
    out.push_back(kHex[mac[static_cast<std::size_t>(i)] & 15]);
  }
  out.push_back(']');
  return out;
}

namespace {
// The style is one of MaskStyle's, and a pseudonym has its key.
void check_mask_options(std::string_view where, const MaskOptions& options) {
  if (options.style != MaskStyle::tag && options.style != MaskStyle::pseudonym)
    throw std::invalid_argument(std::string(where) + ": style " + std::to_string(static_cast<int>(options.style)) +
                                " is not a MaskStyle (tag, pseudonym)");
  if (options.style == MaskStyle::pseudonym && options.key.empty())
    throw std::invalid_argument(std::string(where) + ": style pseudonym needs a key (MaskOptions::key is empty)");
}
}  // namespace

std::string mask(std::string_view text, const MaskOptions& options, std::vector<PiiSpan>& spans) {
  check_mask_options("mask", options);
  spans.clear();
  const Mask m = mask_of(options.kinds);
  scan(text, m, names_for(m, options.data_dir), spans);
  if (spans.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16 * spans.size());
  std::size_t pos = 0;
  for (const auto& s : spans) {
    out.append(text.substr(pos, s.start - pos));
    if (options.style == MaskStyle::pseudonym) {
      out += pii_pseudonym(s.kind, s.surface, options.key);
    } else {
      out.push_back('[');
      out += pii_kind_tag(s.kind);
      out.push_back(']');
    }
    pos = s.end;
  }
  out.append(text.substr(pos));
  return out;
}

std::string mask(std::string_view text, const MaskOptions& options) {
  std::vector<PiiSpan> spans;
  return mask(text, options, spans);
}

std::vector<std::vector<PiiSpan>> find_pii_batch(std::span<const std::string_view> texts, const PiiOptions& options,
                                                 unsigned threads) {
  const Mask m = mask_of(options.kinds);
  const NameList* list = names_for(m, options.data_dir);  // read (or fail) once, before the threads
  std::vector<std::vector<PiiSpan>> out(texts.size());
  detail::parallel_for(
      texts.size(), threads, "find_pii_batch", "text", [&](std::size_t i) { scan(texts[i], m, list, out[i]); }, 256);
  return out;
}

std::vector<std::string> mask_batch(std::span<const std::string_view> texts, const MaskOptions& options,
                                    unsigned threads) {
  check_mask_options("mask_batch", options);
  names_for(mask_of(options.kinds), options.data_dir);  // read (or fail) once, before the threads
  std::vector<std::string> out(texts.size());
  detail::parallel_for(
      texts.size(), threads, "mask_batch", "text", [&](std::size_t i) { out[i] = mask(texts[i], options); }, 256);
  return out;
}

bool codice_fiscale_valid(std::string_view code) {
  if (code.size() != 16) return false;
  char c[16];
  for (std::size_t i = 0; i < 16; ++i) {
    if (!is_alnum(code[i])) return false;
    c[i] = up(code[i]);
  }
  return cf_structure(c) && cf_check_char(c) == c[15];
}

bool partita_iva_valid(std::string_view digits) {
  if (digits.size() != 11 || !std::all_of(digits.begin(), digits.end(), is_digit)) return false;
  return piva_digits_valid(digits.data());
}

bool iban_valid(std::string_view iban) {
  if (iban.size() < 5 || iban.size() > 34) return false;
  char c[34];
  for (std::size_t i = 0; i < iban.size(); ++i) {
    if (!is_alnum(iban[i])) return false;
    c[i] = up(iban[i]);
  }
  const int len = iban_length(c[0], c[1]);
  return len == static_cast<int>(iban.size()) && is_digit(c[2]) && is_digit(c[3]) && iban_mod97(c, len);
}

bool luhn_valid(std::string_view digits) {
  if (digits.size() < 2 || !std::all_of(digits.begin(), digits.end(), is_digit)) return false;
  return luhn_digits(digits.data(), digits.size());
}

}  // namespace perche
