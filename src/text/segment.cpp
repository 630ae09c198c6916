// SPDX-License-Identifier: Apache-2.0
// Segmentation rules, each taken from the Universal Dependencies Italian treebanks (ISDT, VIT,
// ParTUT, MarkIT, PoSTWITA, TWITTIRO; UD guidelines "Tokenization and word segmentation") and
// checked with benchmarks/eval_ud.py on their dev sets:
// - elisions split after the apostrophe: l' assistenza, dell' ordine, c' è, un' ottima;
// - a final apostrophe stays on its word: po', e', piu', perche' (apocope, accent written as ');
// - numbers keep internal . , : / between digits: 1.200 3,5 10:30 31/10/75 (and 31-10-2025), but a range
//   or a result splits at its hyphen: 2000 - 2006, 2 - 1;
// - hyphenated and slashed compounds stay whole: e-mail, check-in, e/o;
// - abbreviations keep their period: art. n. ecc. sig. dott. s.p.a. and initials M., but not the text's
//   final period (… ecc.);
// - runs of . ! ? are one token (... !!! ?! ?...), emoticons (by a grammar: :-))) xD ^^ T_T) and emoji
//   runs (❤❤❤) too; a word keeps an ellipsis it ends in (nessu…, guida......);
// - URLs, bare domains (tim.it), e-mails, @mentions and #hashtags are single tokens; a URL leaves out a
//   ) or ] it did not open;
// - English clitics split off: King 's, I 'm.
#include "segment.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <iterator>
#include <string>
#include <unordered_set>

#include "unicode.hpp"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace perche::text::detail {
namespace {

// Emoticons are recognised by a grammar, not a list: the Western and Eastern forms of Wikipedia's
// "List of emoticons", as PoSTWITA and TWITTIRO keep them whole (dev sentences with :) :D ;) <3 xD ^^
// *o* *O* ;DD T__T D: c: :3 :*). Characters of each part (ASCII):
// - Western, eyes [nose] mouth: :-) ;)) :-))) :'( :'D :DD :** =) >:( xD XDD. A repeated mouth is part of
//   the emoticon (one token, as PoSTWITA keeps ;DD). The mouths an eye takes:
constexpr std::string_view kMouthsColon = ")(][DPpOo*|/\\3cCSs@";  // :) :( :] :D :P :p :O :o :* :| :/ :\ :3 :c :S :@
constexpr std::string_view kMouthsSemicolon = ")(][DPp*";          // ;) ;( ;D ;P ;*
constexpr std::string_view kMouthsEquals = ")(][DP";               // =) =( =D =P
constexpr std::string_view kMouthsX = "DP";                        // xD XD xP (x is a letter: only before D or P)
constexpr std::string_view kRepeatedMouths = ")(][DP*";            // :))) :((( ;DD :PP :**
// - Reversed, mouth [nose] eyes: (: (-: ): D: c: C: ((: (never right after a word: "(vedi sotto):" is a
//   parenthesis and a colon).
constexpr std::string_view kReversedMouths = "()DcC";
// - Eastern, eye mouth eye: ^_^ ^^ -_- T_T T__T *-* *.* *_* *o* *O* o.o O.o o_O u_u x_x >_< ;_; =_=. The two
//   eyes are equal, or o/O mixed, or > and <. The mouths each eye takes (the mouth may repeat: T__T, ^___^):
struct EasternEye {
  char eye;
  std::string_view mouths;
};
constexpr EasternEye kEasternEyes[] = {{'^', "_.-o"}, {'*', "_.-oO"}, {'-', "_."}, {'T', "_"},
                                       {'o', "_."},   {'O', "_."},    {'u', "_."}, {'x', "_"},
                                       {'X', "_"},    {'>', "_."},    {';', "_"},  {'=', "_"}};

constexpr bool has(std::string_view set, unsigned char c) { return set.find(static_cast<char>(c)) != set.npos; }

constexpr std::string_view eastern_mouths(unsigned char eye) {
  for (const EasternEye& e : kEasternEyes)
    if (static_cast<unsigned char>(e.eye) == eye) return e.mouths;
  return {};
}

constexpr std::string_view western_mouths(unsigned char eye) {
  switch (eye) {
    case ':':
      return kMouthsColon;
    case ';':
      return kMouthsSemicolon;
    case '=':
      return kMouthsEquals;
    case 'x':
    case 'X':
      return kMouthsX;
    default:
      return {};
  }
}

// Whether an emoticon of the grammar above can start with the characters a b (every emoticon has two
// or more): the segmenter's quick test before it runs the grammar.
constexpr bool emoticon_pair(unsigned char a, unsigned char b) {
  const std::string_view w = western_mouths(a);
  if (!w.empty() && (has(w, b) || b == '\'' || (b == '-' && a != 'x' && a != 'X'))) return true;
  if (a == '>' && (b == ':' || b == ';')) return true;
  if (has(kReversedMouths, a) && (b == ':' || b == ';' || b == '-' || b == a)) return true;
  if (a == '<' && (b == '3' || b == '/')) return true;
  const std::string_view e = eastern_mouths(a);
  return !e.empty() && (has(e, b) || (a == '^' && b == '^'));
}

// Lower-case abbreviations that keep their period (UD Italian data, Italian style guides).
constexpr std::string_view kAbbreviations[] = {
    "a.c", "ago", "apr", "arch", "art", "artt", "avv", "ca", "cap", "capp", "cfr", "cit", "cod", "dic", "distr", "dom",
    "dott", "dr", "ecc", "egr", "es", "etc", "fax", "feb", "fig", "figg", "fr", "gen", "gent", "geom", "gio", "giu",
    "ibid", "ing", "int", "jr", "l", "lett", "lug", "lun", "mag", "mar", "max", "mer", "min", "mons", "mr", "mrs", "ms",
    "n", "nn", "nov", "nr", "num", "on", "op", "ott", "p", "pag", "pagg", "pp", "prof", "prop", "pt", "rag", "reg",
    "rep", "s", "sab", "sac", "sen", "set", "sett", "sig", "sigg", "sigra", "sr", "ss", "st", "spett", "spa", "srl",
    "snc", "tab", "tel", "tot", "ult", "v", "vd", "ven", "vol", "voll", "vs", "approx", "cca", "dott.ssa", "prof.ssa",
    "sig.ra", "sig.na", "avv.ssa",
    // Of letters and notices (prontuari delle abbreviazioni della corrispondenza): att. (attenzione,
    // attuale), sec./secc. (secolo, secondi), sez. (sezione), rif. (riferimento), racc. (raccomandata).
    "att", "sec", "secc", "sez", "rif", "racc"};

// Top-level domains that make "word.tld" a URL rather than two words and a period.
constexpr std::string_view kTlds[] = {"it", "com", "org", "net", "eu", "info", "gov", "edu", "uk",  "de",
                                      "fr", "es",  "ch",  "io",  "tv", "mx",   "ly",  "me",  "biz", "sm"};

bool is_word(Cls c) { return c == Cls::letter || c == Cls::digit; }

char lower_ascii(unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); }

class Scanner {
 public:
  Scanner(std::string_view text, bool split_elisions, Utf8Policy policy, std::vector<Token>& out)
      : table_(class_table()),
        b_(reinterpret_cast<const unsigned char*>(text.data())),
        n_(text.size()),
        text_(text),
        split_elisions_(split_elisions),
        policy_(policy),
        out_(out) {}

  // Cuts tokens from byte i until the text ends or max_tokens more are in out_; returns where it
  // stopped (a token boundary). The state a later call resumes from is in the members, so that
  // pieces cut one after another are exactly the tokens of one pass over the text.
  std::size_t run(std::size_t i = 0, std::size_t max_tokens = SIZE_MAX) {
    const unsigned char* const b = b_;
    const std::size_t n = n_;
    const std::size_t limit = max_tokens > SIZE_MAX - out_.size() ? SIZE_MAX : out_.size() + max_tokens;
    while (i < n && out_.size() < limit) {
      const unsigned char c0 = b[i];
      if (c0 < 0x80 && kAsciiSpace[c0]) {  // the common case, without a table call
        ++i;
        after_space_ = true;
        continue;
      }
      if (const std::size_t j = plain_word(i); j > i) {
        emit(i, j, TokenKind::word);
        i = j;
        after_space_ = false;
        continue;
      }
      // A lone comma or period (not the start of ... or ,...): what punct_run() would cut.
      if ((c0 == ',' || c0 == '.') && (i + 1 == n || (b[i + 1] != '.' && b[i + 1] != 0xE2))) {
        emit(i, i + 1, TokenKind::punct);
        ++i;
        after_space_ = false;
        continue;
      }
      const Decoded d = decode(b_ + i, b_ + n_);
      if (!d.valid) {
        invalid(i, d.len);
        i += d.len;
        continue;
      }
      const Cls c = cls_of(d.cp);
      if (c == Cls::space) {
        i += d.len;
        after_space_ = true;
        continue;
      }
      TokenKind kind = TokenKind::symbol;
      const std::size_t j = scan(i, d, c, kind);
      emit(i, j, kind);
      i = j;
      after_space_ = false;
    }
    return i;
  }

  // The state between two pieces (SegmentState) in and out of a Scanner.
  void load(const SegmentState& s) {
    runs_ = s.runs;
    replaced_ = s.replaced;
    quote_open_ = s.quote_open;
    after_space_ = s.after_space;
  }
  void save(SegmentState& s) const {
    s.runs = runs_;
    s.replaced = replaced_;
    s.quote_open = quote_open_;
    s.after_space = after_space_;
  }
  std::size_t replaced() const { return replaced_; }

 private:
  // First two characters of some emoticon (every emoticon has at least two). Built when the
  // program starts, not at compile time: 16,384 evaluations of the grammar exceed clang 14's
  // constexpr step limit (the fuzz build).
  static inline const std::array<std::array<bool, 128>, 128> kEmoticonPair = [] {
    std::array<std::array<bool, 128>, 128> a{};
    for (unsigned c0 = 0; c0 < 128; ++c0)
      for (unsigned c1 = 0; c1 < 128; ++c1)
        a[c0][c1] = emoticon_pair(static_cast<unsigned char>(c0), static_cast<unsigned char>(c1));
    return a;
  }();

  static constexpr std::array<bool, 256> kAsciiLetter = [] {
    std::array<bool, 256> a{};
    for (int c = 'a'; c <= 'z'; ++c) a[static_cast<std::size_t>(c)] = a[static_cast<std::size_t>(c - 32)] = true;
    return a;
  }();

  static constexpr std::array<bool, 128> kAsciiSpace = [] {
    std::array<bool, 128> a{};
    for (char c : {' ', '\t', '\n', '\r', '\f', '\v'}) a[static_cast<unsigned char>(c)] = true;
    return a;
  }();

  // One past the run of ASCII letters from j (16 bytes a step where SSE2 is there: one branch per
  // word instead of one per letter, and no mispredicted loop exit).
  std::size_t ascii_letters_end(std::size_t j) const {
#ifdef __SSE2__
    const __m128i case_bit = _mm_set1_epi8(0x20), a = _mm_set1_epi8('a'), z = _mm_set1_epi8('z' - 'a');
    while (j + 16 <= n_) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b_ + j));
      // (byte | 0x20) - 'a' is at most 25, unsigned, exactly for A-Z and a-z.
      const __m128i off = _mm_sub_epi8(_mm_or_si128(v, case_bit), a);
      const unsigned letters = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(off, z), off)));
      if (letters != 0xFFFF) return j + static_cast<std::size_t>(__builtin_ctz(~letters));
      j += 16;
    }
#endif
    while (j < n_ && kAsciiLetter[b_[j]]) ++j;
    return j;
  }

  // A Latin-1 letter at j (U+00C0..U+00FF but × and ÷, two bytes C3 xx): the accented letters of
  // Italian (à è é ì ò ù).
  bool latin1_letter(std::size_t j) const {
    return b_[j] == 0xC3 && j + 1 < n_ && b_[j + 1] >= 0x80 && b_[j + 1] <= 0xBF && b_[j + 1] != 0x97 &&
           b_[j + 1] != 0xB7;
  }

  // The common token, cut without scan(): ASCII and Latin-1 letters up to a space, a comma or the
  // end, which scan() would make one word as well. Returns i when the token needs scan(): a URL
  // start (ht, ww), an emoticon start (xD), or any other character after the letters (' - . @
  // digits, other scripts).
  std::size_t plain_word(std::size_t i) const {
    const unsigned char c0 = b_[i];
    std::size_t j;
    if (kAsciiLetter[c0]) {
      if (i + 1 >= n_) return i;
      const unsigned char c1 = b_[i + 1];
      const unsigned char l0 = c0 | 0x20, l1 = c1 | 0x20;
      if ((l0 == 'h' && l1 == 't') || (l0 == 'w' && l1 == 'w') || (c1 < 0x80 && kEmoticonPair[c0][c1])) return i;
      j = i + 1;
    } else if (latin1_letter(i)) {
      j = i + 2;
    } else {
      return i;
    }
    while (true) {
      j = ascii_letters_end(j);
      if (j == n_) return j;
      if (!latin1_letter(j)) break;
      j += 2;
    }
    const unsigned char e = b_[j];
    return e < 0x80 && (kAsciiSpace[e] || e == ',') ? j : i;
  }

  // Built in place: a Token assembled on the stack and moved in cost a failed store-to-load
  // forwarding per token (its string_view written as two 8-byte stores, copied as one 16-byte load).
  void emit(std::size_t i, std::size_t j, TokenKind kind) {
    Token& t = out_.emplace_back();
    t.text = std::string_view(text_.data() + i, j - i);
    t.start = i;
    t.end = j;
    t.kind = kind;
  }

  void invalid(std::size_t i, std::size_t len) {
    if (policy_ == Utf8Policy::strict) {
      std::string bytes;
      char buf[8];
      for (std::size_t k = i; k < i + len; ++k) {
        std::snprintf(buf, sizeof buf, "%s0x%02X", k == i ? "" : " ", b_[k]);
        bytes += buf;
      }
      throw std::invalid_argument("tokenize: invalid UTF-8 at byte " + std::to_string(i) + ": " + bytes +
                                  " (expected UTF-8 text; Utf8Policy::replace substitutes U+FFFD)");
    }
    ++replaced_;
    emit(i, i + len, TokenKind::symbol);
  }

  // Class of the code point at byte i (space past the end; symbol for an invalid sequence).
  Cls cls_of(char32_t cp) const { return cp < kTableLimit ? table_[cp] : classify(cp); }
  Cls cls_at(std::size_t i) const {
    if (i >= n_) return Cls::space;
    if (b_[i] < 0x80) return table_[b_[i]];
    const Decoded d = decode(b_ + i, b_ + n_);
    return d.valid ? cls_of(d.cp) : Cls::symbol;
  }
  std::size_t len_at(std::size_t i) const { return i >= n_ ? 0 : decode(b_ + i, b_ + n_).len; }
  char32_t cp_at(std::size_t i) const {
    if (i >= n_) return 0;
    const Decoded d = decode(b_ + i, b_ + n_);
    return d.valid ? d.cp : kReplacement;
  }
  // Start of the code point that ends at byte i (i > 0).
  std::size_t prev_start(std::size_t i) const {
    std::size_t k = i - 1;
    while (k > 0 && i - k < 4 && (b_[k] & 0xC0) == 0x80) --k;
    return k;
  }
  Cls prev_cls(std::size_t i) const { return i == 0 ? Cls::space : cls_at(prev_start(i)); }
  bool prev_is_word(std::size_t i) const { return is_word(prev_cls(i)); }

  bool starts_with(std::size_t i, std::string_view s) const {
    return n_ - i >= s.size() && std::memcmp(b_ + i, s.data(), s.size()) == 0;
  }
  bool starts_with_ci(std::size_t i, std::string_view s) const {
    if (n_ - i < s.size()) return false;
    for (std::size_t k = 0; k < s.size(); ++k)
      if (lower_ascii(b_[i + k]) != s[k]) return false;
    return true;
  }
  bool is_apos(std::size_t i) const { return cls_at(i) == Cls::apos; }
  bool is_ellipsis(std::size_t i) const { return starts_with(i, "\xE2\x80\xA6"); }  // U+2026 …

  std::size_t scan(std::size_t i, const Decoded& d, Cls c, TokenKind& kind) {
    const char32_t cp = d.cp;
    const bool after_word = !after_space_ && prev_is_word(i);
    if ((cp == 'h' || cp == 'H' || cp == 'w' || cp == 'W') && !after_word)
      if (std::size_t j = url(i); j > i) {
        kind = TokenKind::url;
        return j;
      }
    if ((cp == '@' || cp == '#') && !after_word && is_word(cls_at(i + 1))) {
      kind = cp == '@' ? TokenKind::mention : TokenKind::hashtag;
      return word_run_with_hyphens(i + 1);
    }
    if (cp < 0x80 && i + 1 < n_ && b_[i + 1] < 0x80 && kEmoticonPair[cp][b_[i + 1]] &&
        (c != Cls::letter || !after_word))
      if (std::size_t j = emoticon(i, after_word); j > i) {
        kind = TokenKind::emoticon;
        return j;
      }
    if (cp < 0x80 && (c == Cls::digit || cp == '#' || cp == '*')) {  // keycap emoji 1️⃣ #️⃣
      std::size_t k = i + 1;
      if (starts_with(k, "\xEF\xB8\x8F")) k += 3;  // U+FE0F
      if (starts_with(k, "\xE2\x83\xA3")) {        // U+20E3 COMBINING ENCLOSING KEYCAP
        kind = TokenKind::emoji;
        return k + 3;
      }
    }
    if (is_word(c)) {
      const std::size_t j = word(i);
      // An e-mail or a domain continues where the word stops (at @ . + -), or after an
      // abbreviation's period; only then is it worth trying them.
      if ((j < n_ && (b_[j] == '@' || b_[j] == '.' || b_[j] == '+' || b_[j] == '-' || b_[j] == '_')) ||
          b_[j - 1] == '.') {
        if (std::size_t k = email(i); k > i) {
          kind = TokenKind::email;
          return k;
        }
        if (std::size_t k = domain(i); k > i) {
          kind = TokenKind::url;
          return k;
        }
      }
      if (c == Cls::digit && word_has_letter_) {
        if (const std::size_t k = numeral_then_word(i, j); k < j) {
          kind = TokenKind::number;
          return k;
        }
      }
      kind = c == Cls::digit && !word_has_letter_ ? TokenKind::number : TokenKind::word;
      return j;
    }
    if (c == Cls::emoji) {
      kind = TokenKind::emoji;
      return emoji(i);
    }
    if (c == Cls::apos) return apostrophe(i, d.len, kind);
    if (cp == 0x2018) quote_open_ = true;  // ‘…’: the ’ that follows a word closes it
    // UD Italian tags % and ‰ as SYM although Unicode calls them punctuation (Po).
    kind = is_punctuation(cp) && cp != '%' && cp != 0x2030 ? TokenKind::punct : TokenKind::symbol;
    return punct_run(i, cp, d.len, c);
  }

  // http://… https://… www.…: up to the next space, without trailing punctuation.
  std::size_t url(std::size_t i) const {
    std::size_t k = 0;
    if (starts_with_ci(i, "https://"))
      k = 8;
    else if (starts_with_ci(i, "http://"))
      k = 7;
    else if (starts_with_ci(i, "www.") && is_word(cls_at(i + 4)))
      k = 4;
    else
      return i;
    std::size_t j = i + k;
    while (j < n_) {
      const Decoded d = decode(b_ + j, b_ + n_);
      if (!d.valid || cls_of(d.cp) == Cls::space) break;
      j += d.len;
    }
    return trim_trailing(i + k, j);
  }

  // Drops trailing punctuation that closes a sentence or a quotation: . , ; : ! ? " ' » ” ’ …, and a ) or ]
  // that the link did not open: "[… http://t.co/x]" ends its link before the ] (TWITTIRO dev_30, dev_41,
  // dev_62, dev_106, dev_137, dev_138), while a Wikipedia link keeps its own brackets (…/wiki/Roma_(città)).
  std::size_t trim_trailing(std::size_t min, std::size_t j) const {
    // Opened minus closed ( and [ in [min, j), counted once and kept as j moves back (a count from
    // min per trailing bracket made "http://a" + ")" × n quadratic).
    std::ptrdiff_t parens = 0, brackets = 0;
    for (std::size_t m = min; m < j; ++m) {
      parens += b_[m] == '(' ? 1 : b_[m] == ')' ? -1 : 0;
      brackets += b_[m] == '[' ? 1 : b_[m] == ']' ? -1 : 0;
    }
    while (j > min) {
      const std::size_t k = prev_start(j);
      const char32_t c = cp_at(k);
      if (c == ')' || c == ']') {
        std::ptrdiff_t& depth = c == ')' ? parens : brackets;
        if (depth + 1 > 0) break;  // the link opened it: [min, k) has more opened than closed
        ++depth;                   // now the count of [min, k)
        j = k;
      } else if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '"' || c == '\'' ||
                 c == 0xBB || c == 0x201D || c == 0x2019 || c == 0x2026) {
        j = k;
      } else {
        break;
      }
    }
    return j;
  }

  // Letters/digits with single internal hyphens (#ri-creazione).
  std::size_t word_run_with_hyphens(std::size_t j) const {
    while (j < n_) {
      const Cls c = cls_at(j);
      if (is_word(c))
        j += len_at(j);
      else if (b_[j] == '-' && is_word(cls_at(j + 1)))
        ++j;
      else
        break;
    }
    return j;
  }

  // One past the emoticon at i (the grammar above kEmoticonPair), or i. after_word: a word ends right
  // before i, so that "ciao:)" is a word and an emoticon but "(vedi sotto):" no reversed one.
  std::size_t emoticon(std::size_t i, bool after_word) const {
    auto at = [&](std::size_t k) -> unsigned char { return k < n_ ? b_[k] : 0; };
    auto alnum = [](unsigned char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); };
    // An emoticon ending in a letter or digit (:D xD T_T <3) must not run into a word (:Dario, <30);
    // one ending in a bracket or * may (ciao:)grazie), as before.
    auto ends_well = [&](std::size_t j) {
      const unsigned char last = b_[j - 1];
      if (!alnum(last) && last != '|' && last != '\\' && last != '@') return true;
      return !is_word(cls_at(j));
    };
    const unsigned char c0 = b_[i];
    if (alnum(c0) && after_word) return i;
    // Western: [>] eyes ['] [-] mouth+.
    {
      std::size_t k = i;
      if (c0 == '>' && (at(k + 1) == ':' || at(k + 1) == ';')) ++k;
      const unsigned char eyes = at(k);
      const std::string_view mouths = western_mouths(eyes);
      if (!mouths.empty()) {
        ++k;
        if (at(k) == '\'') ++k;                               // a tear :'(
        if (at(k) == '-' && eyes != 'x' && eyes != 'X') ++k;  // a nose :-)
        const unsigned char mouth = at(k);
        if (mouth && has(mouths, mouth) && !(mouth == '/' && at(k + 1) == '/')) {  // not the :// of a URL
          std::size_t j = k + 1;
          if (has(kRepeatedMouths, mouth))
            while (at(j) == mouth) ++j;
          if (ends_well(j)) return j;
        }
      }
    }
    // Reversed: mouth+ [-] eyes.
    if (has(kReversedMouths, c0) && !after_word) {
      std::size_t k = i + 1;
      while (at(k) == c0) ++k;
      if (at(k) == '-') ++k;
      if ((at(k) == ':' || at(k) == ';') && !is_word(cls_at(k + 1))) return k + 1;
    }
    // Hearts: <3 <333 </3.
    if (c0 == '<') {
      std::size_t j = i + 1;
      if (at(j) == '/') ++j;
      if (at(j) == '3') {
        while (at(j) == '3') ++j;
        if (!is_word(cls_at(j))) return j;
      }
      return i;
    }
    // Eastern: eye mouth* eye (^^ alone has no mouth).
    const std::string_view mouths = eastern_mouths(c0);
    if (mouths.empty()) return i;
    std::size_t k = i + 1;
    const unsigned char mouth = at(k);
    if (has(mouths, mouth)) {
      while (at(k) == mouth) ++k;
    } else if (c0 != '^') {
      return i;
    }
    const unsigned char close = at(k);
    const bool pair =
        close == c0 || (c0 == 'o' && close == 'O') || (c0 == 'O' && close == 'o') || (c0 == '>' && close == '<');
    if (!pair) return i;
    std::size_t j = k + 1;
    if (c0 == '^' && k == i + 1)
      while (at(j) == '^') ++j;  // ^^^
    return ends_well(j) ? j : i;
  }

  // local@domain.tld, the local part made of word characters and . + - _.
  std::size_t email(std::size_t i) const {
    // The local part's run ends at the same place from every start inside it: a run scanned once
    // answers the words after its first ("bene..ma..bene.." or "x+x+x+" is one run of the whole
    // text, and a scan per word made the text's tokens quadratic in its length).
    std::size_t j = i;
    if (i >= runs_.email_from && i < runs_.email_end) {
      j = runs_.email_end;
    } else {
      while (j < n_) {
        const Cls c = cls_at(j);
        if (is_word(c))
          j += len_at(j);
        else if (b_[j] == '.' || b_[j] == '+' || b_[j] == '-')
          ++j;
        else
          break;
      }
      runs_.email_from = i;
      runs_.email_end = j;
    }
    if (j >= n_ || b_[j] != '@') return i;
    // The host after the @ is the same for every word of the local part: walked once too (kept
    // apart from host()'s own run, which domain() moves on to each word's).
    if (runs_.after_at != j + 1) {
      runs_.after_at = j + 1;
      runs_.after_at_end = host(j + 1, false);
    }
    const std::size_t end = runs_.after_at_end;
    return end > j + 1 ? end : i;
  }

  // Host name from j: labels of word characters and hyphens separated by dots, at least two labels,
  // the last alphabetic with at least two letters (or in kTlds when require_known_tld). Returns j
  // when there is none, else one past its end.
  std::size_t host(std::size_t j, bool require_known_tld) const {
    const std::size_t start = j;
    std::size_t last = j;
    std::uint8_t tld = 0;
    // From a word character inside a run scanned before, the walk ends at the run's end and its
    // last label (as in email(): "personale.personale." tried as a domain at every word was
    // quadratic); there are two labels or more when the start is before the last. The last
    // label is judged once a run too ("abcd." repeated, then 500 KB of letters, was quadratic).
    if (j >= runs_.host_from && j < runs_.host_end && is_word(cls_at(j))) {
      j = runs_.host_end;
      last = runs_.host_last;
      tld = runs_.host_tld;
    } else {
      while (true) {
        const std::size_t label = j;
        while (j < n_ && (is_word(cls_at(j)) || (b_[j] == '-' && j > label))) j += len_at(j);
        if (j == label) break;
        last = label;
        if (j < n_ && b_[j] == '.' && is_word(cls_at(j + 1)))
          ++j;
        else
          break;
      }
      tld = judge_tld(last, j);
      if (j > start) {
        runs_.host_from = start;
        runs_.host_end = j;
        runs_.host_last = last;
        runs_.host_tld = tld;
      }
    }
    if (last <= start) return start;  // fewer than two labels
    if (!(tld & kTldAlpha) || (require_known_tld && !(tld & kTldKnown))) return start;
    return j;
  }

  // What the label [last, j) is as a host's last label: alphabetic with two letters or more, one
  // of kTlds, capitalised (an upper-case ASCII letter, then lower-case ones: a sentence's first word).
  static constexpr std::uint8_t kTldAlpha = 1, kTldKnown = 2, kTldCapitalised = 4;
  std::uint8_t judge_tld(std::size_t last, std::size_t j) const {
    const std::string_view tld = text_.substr(last, j - last);
    std::uint8_t out = 0;
    if (tld.size() >= 2 &&
        std::all_of(tld.begin(), tld.end(), [](char ch) { return std::isalpha(static_cast<unsigned char>(ch)); })) {
      out |= kTldAlpha;
      std::string lower;
      for (char ch : tld) lower.push_back(lower_ascii(static_cast<unsigned char>(ch)));
      if (std::find(std::begin(kTlds), std::end(kTlds), lower) != std::end(kTlds)) out |= kTldKnown;
    }
    if (!tld.empty() && tld[0] >= 'A' && tld[0] <= 'Z' &&
        std::all_of(tld.begin() + 1, tld.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
      out |= kTldCapitalised;
    return out;
  }

  // A bare domain such as tim.it or Panorama.it, with an optional /path.
  std::size_t domain(std::size_t i) const {
    std::size_t j = host(i, true);
    if (j == i) return i;
    {
      // Two words and a missing space, not a domain: a capitalised last label is the next
      // sentence's first word ("pessimo.Me ne vado", "richiamato.Io ho pagato"); one letter, then
      // a label and a period, is an abbreviation ("p.es.", per esempio).
      // host() left its run's last label and its judgement in runs_ (walking back to the label's
      // start and reading it again was quadratic in a run of many words).
      const std::size_t last = runs_.host_last;
      const bool capitalised = runs_.host_tld & kTldCapitalised;
      if (capitalised && last - 1 > i && b_[last - 2] >= 'a' && b_[last - 2] <= 'z') return i;
      if (last == i + 2 && j < n_ && b_[j] == '.') return i;
    }
    if (j < n_ && b_[j] == '/') {
      while (j < n_) {
        const Decoded d = decode(b_ + j, b_ + n_);
        if (!d.valid || cls_of(d.cp) == Cls::space) break;
        j += d.len;
      }
      j = trim_trailing(i, j);
    }
    return j;
  }

  // A numeral glued to the word after it (39mln, 100mila, 12mld, 3gg, 10euro) is two tokens, as
  // PoSTWITA, TWITTIRO, ISDT and ParTUT annotate it (8 of the 10 such tokens of their dev sets):
  // returns where the digits end when [i, j) is ASCII digits and then two or more letters up to
  // j. Kept whole: one letter (4G, 3D, 1º), ordinals (13esimo) and codes that go on with digits.
  std::size_t numeral_then_word(std::size_t i, std::size_t j) const {
    std::size_t k = i;
    while (k < j && b_[k] >= '0' && b_[k] <= '9') ++k;
    if (k == i || k == j || starts_with_ci(k, "esim")) return j;
    std::size_t letters = 0;
    for (std::size_t m = k; m < j; m += len_at(m)) {
      if (cls_at(m) != Cls::letter) return j;
      ++letters;
    }
    return letters >= 2 ? k : j;
  }

  // Number of word characters from k.
  std::size_t word_chars(std::size_t k) const {
    std::size_t m = 0;
    while (k < n_ && is_word(cls_at(k))) {
      k += len_at(k);
      ++m;
    }
    return m;
  }

  bool abbreviation(std::size_t i, std::size_t j) const {
    const std::size_t len = j - i;
    if (len == 1 && b_[i] >= 'A' && b_[i] <= 'Z') {
      // An initial (M. Molinari), unless it ends the text ("…la lettera C.").
      for (std::size_t k = j + 1; k < n_; ++k)
        if (!(b_[k] < 0x80 && kAsciiSpace[b_[k]])) return true;
      return false;
    }
    if (len > 8) return false;
    char lower[8];
    for (std::size_t k = 0; k < len; ++k) {
      if (b_[i + k] >= 0x80) return false;
      lower[k] = lower_ascii(b_[i + k]);
    }
    static const std::unordered_set<std::string_view> kSet(std::begin(kAbbreviations), std::end(kAbbreviations));
    return kSet.contains(std::string_view(lower, len));
  }

  // s.p.a. U.S.A. a.C.: two or more groups of 1–3 letters each followed by a period.
  std::size_t dotted_abbreviation(std::size_t i) const {
    std::size_t j = i, groups = 0;
    while (true) {
      std::size_t k = j, letters = 0;
      while (k < n_ && cls_at(k) == Cls::letter && letters < 4) {
        k += len_at(k);
        ++letters;
      }
      if (letters == 0 || letters > 3 || k >= n_ || b_[k] != '.') break;
      j = k + 1;
      ++groups;
    }
    return groups >= 2 ? j : i;
  }

  // One past the ellipsis at j (two or more periods, or … U+2026, or a mix: "......", "…", "..…"), or j.
  std::size_t ellipsis_end(std::size_t j) const {
    std::size_t k = j;
    std::size_t dots = 0;
    while (k < n_) {
      if (b_[k] == '.') {
        ++k;
        ++dots;
      } else if (is_ellipsis(k)) {
        k += 3;
        dots += 3;
      } else {
        break;
      }
    }
    return dots >= 2 ? k : j;
  }

  // Whether only whitespace follows byte j.
  bool only_space_after(std::size_t j) const {
    for (std::size_t k = j; k < n_; ++k)
      if (!(b_[k] < 0x80 && kAsciiSpace[b_[k]])) return false;
    return true;
  }

  // English clitic 's 'm 're 've 'll 'd after a word, as UD splits it (King 's).
  std::size_t clitic(std::size_t j) const {
    const std::size_t a = len_at(j);
    for (std::string_view s : {"s", "m", "re", "ve", "ll", "d"})
      if (starts_with_ci(j + a, s) && !is_word(cls_at(j + a + s.size()))) return j + a + s.size();
    return j;
  }

  std::size_t word(std::size_t i) {
    std::size_t j = i;
    Cls last = Cls::letter;
    bool letters = false;
    const unsigned char* const b = b_;  // locals: the compiler need not reload members per byte
    const std::size_t n = n_;
    const Cls* const table = table_;
    while (true) {
      while (j < n) {
        if (kAsciiLetter[b[j]]) {  // the run of ASCII letters
          j = ascii_letters_end(j + 1);
          last = Cls::letter;
          letters = true;
          continue;
        }
        const unsigned char ch = b[j];
        if (ch < 0x80) {
          const Cls c = table[ch];
          if (c == Cls::letter) {
            last = c;
            letters = true;
            ++j;
            continue;
          }
          if (c == Cls::digit) {
            last = c;
            ++j;
            continue;
          }
          break;
        }
        const Decoded d = decode(b_ + j, b_ + n_);
        if (!d.valid) break;
        const Cls c = cls_of(d.cp);
        if (!is_word(c)) break;
        last = c;
        letters |= c == Cls::letter;
        j += d.len;
      }
      word_has_letter_ = letters;
      if (j >= n_) return j;
      const unsigned char c = b_[j];
      if (c < 0x80 && (kAsciiSpace[c] || (c == ',' && last != Cls::digit))) return j;  // the usual word end
      const Cls next = cls_at(j + 1);
      if (c == '-' && is_word(next)) {
        // A range or a result between numbers is three tokens, 2000 - 2006, 3 - 4, 2 - 1: ISDT tut-2991
        // "(137-103)", TWITTIRO dev_74 "ai 40-45 anni" (VIT and MarkIT keep theirs whole: one rule cannot
        // follow both). A date (31-10-2025) stays whole like 31/10/2025.
        if (!letters && last == Cls::digit && next == Cls::digit && std::memchr(b_ + i, '-', j - i) == nullptr) {
          std::size_t k = j + 1;
          while (k < n_ && b_[k] >= '0' && b_[k] <= '9') ++k;
          const bool date = k < n_ && b_[k] == '-' && k + 1 < n_ && b_[k + 1] >= '0' && b_[k + 1] <= '9';
          if (!date && !is_word(cls_at(k))) return j;
        }
        ++j;
        continue;
      }
      if (c == '/' && is_word(next) &&
          (last == Cls::digit || next == Cls::digit || j - i <= 2 || word_chars(j + 1) <= 2)) {
        ++j;
        continue;
      }
      if ((c == '.' || c == ',') && last == Cls::digit && next == Cls::digit) {
        ++j;
        continue;
      }
      // 10:30 and 10:30:45 (the second colon three bytes after the first).
      if (c == ':' && last == Cls::digit && next == Cls::digit && (j - i <= 2 || (j - i <= 5 && b_[j - 3] == ':'))) {
        ++j;
        continue;
      }
      if (cls_at(j) == Cls::apos) {
        const std::size_t a = len_at(j);
        if (clitic(j) > j) return j;
        if (cls_at(j + a) == Cls::letter) {  // elision: l'assistenza
          if (!split_elisions_) {
            j += a;
            continue;
          }
          return j + a;
        }
        // A final apostrophe: apocope or an accent (po', e', piu'), unless it closes a quotation.
        return quote_open_ ? j : j + a;
      }
      // A word cut or trailed by an ellipsis keeps it: PoSTWITA keeps all 22 of its dev set's whole, at the
      // end of a tweet (dev "… e tutti applaudon…", "… Sel e Idv...") and before the link of a tweet its
      // client cut ("… Il mio impegno è rivo... http://…"), as TWITTIRO does (dev_113 "dietro il c…").
      // Not a number's (3...), not between two words (si...no), and an abbreviation takes one
      // period of exactly two (ISDT "M.." is M. and .). normalize() drops the ellipsis from the norm.
      if (letters && (c == '.' || is_ellipsis(j))) {
        const std::size_t k = ellipsis_end(j);
        if (k > j && !is_word(cls_at(k)) && !(k == j + 2 && abbreviation(i, j))) return k;
      }
      if (c == '.') {
        if (j - i <= 12)  // the first group of s.p.a. has at most 3 letters (4 bytes each)
          if (std::size_t k = dotted_abbreviation(i); k > j) return k;
        if (abbreviation(i, j)) {
          // Feminine titles written on the abbreviation: dott.ssa, prof.ssa, sig.ra, sig.na.
          std::size_t k = j + 1;
          while (k < n_ && k - j <= 4 && b_[k] >= 'a' && b_[k] <= 'z') ++k;
          if (k > j + 1 && !is_word(cls_at(k)) && abbreviation(i, k)) return k;
          // The period that ends the text ends the sentence: no treebank keeps a word and the text's
          // final period together (VIT-4296 and VIT-4388 "… ecc." are ecc and .; in the six dev sets,
          // none of the 1,139 texts that end in a letter and a period has the period in a word).
          return only_space_after(j + 1) ? j : j + 1;
        }
        return j;
      }
      return j;
    }
  }

  // An emoji grapheme (with ZWJ sequences, modifiers, variation selectors, flags), or a run of the
  // same one (❤❤❤❤❤ is one token in PoSTWITA).
  std::size_t emoji(std::size_t i) const {
    std::size_t j = i + len_at(i);
    const char32_t first = cp_at(i);
    if (first >= 0x1F1E6 && first <= 0x1F1FF && cp_at(j) >= 0x1F1E6 && cp_at(j) <= 0x1F1FF) {
      j += len_at(j);
    } else {
      while (j < n_) {
        const Cls c = cls_at(j);
        if (c != Cls::emoji_ext) break;
        if (cp_at(j) == 0x200D) {
          const std::size_t k = j + len_at(j);
          if (cls_at(k) != Cls::emoji) break;
          j = k + len_at(k);
        } else {
          j += len_at(j);
        }
      }
    }
    const std::size_t len = j - i;
    while (j + len <= n_ && std::memcmp(b_ + i, b_ + j, len) == 0 && cls_at(j + len) != Cls::emoji_ext) j += len;
    return j;
  }

  std::size_t apostrophe(std::size_t i, std::size_t len, TokenKind& kind) {
    if (prev_is_word(i))
      if (std::size_t j = clitic(i); j > i) {
        kind = TokenKind::word;
        return j;
      }
    if (!prev_is_word(i) && cls_at(i + len) == Cls::digit) {  // '90, '900
      std::size_t j = i + len;
      while (j < n_ && cls_at(j) == Cls::digit) j += len_at(j);
      if (!is_word(cls_at(j))) {
        kind = TokenKind::number;
        return j;
      }
    }
    kind = TokenKind::punct;
    const Cls next = cls_at(i + len);
    if (!prev_is_word(i) && next == Cls::letter)
      quote_open_ = true;
    else if (prev_is_word(i) && !is_word(next))
      quote_open_ = false;
    std::size_t j = i + len;
    while (starts_with(j, text_.substr(i, len))) j += len;  // '' is one token
    return j;
  }

  std::size_t punct_run(std::size_t i, char32_t cp, std::size_t len, Cls c) const {
    std::size_t j = i + len;
    auto dots = [&](std::size_t k) {
      while (k < n_) {
        if (b_[k] == '.')
          ++k;
        else if (is_ellipsis(k))
          k += 3;
        else
          break;
      }
      return k;
    };
    if (cp == '.' || cp == 0x2026) return dots(j);
    if (cp == ',') return j < n_ && (b_[j] == '.' || is_ellipsis(j)) ? dots(j) : j;
    if (cp == '?' || cp == '!') {
      while (j < n_ && (b_[j] == '?' || b_[j] == '!')) ++j;
      if (starts_with(j, "..") || is_ellipsis(j)) j = dots(j);
      return j;
    }
    if (c == Cls::emoji_ext) {  // a stray modifier or joiner
      while (j < n_ && cls_at(j) == Cls::emoji_ext) j += len_at(j);
      return j;
    }
    if (cp == '(' || cp == ')' || cp == '"')
      while (j < n_ && b_[j] == cp) ++j;
    return j;
  }

  const Cls* table_;
  const unsigned char* b_;
  std::size_t n_;
  std::string_view text_;
  bool split_elisions_;
  Utf8Policy policy_;
  std::vector<Token>& out_;
  std::size_t replaced_ = 0;
  bool quote_open_ = false;
  bool after_space_ = true;       // the previous character was a separator (or the start)
  bool word_has_letter_ = false;  // set by word(): the token has a letter (else it is a number)
  mutable RunMemo runs_;          // email() and host() scans (SegmentState::runs)
};

}  // namespace

std::size_t without_final_ellipsis(std::string_view w) {
  std::size_t end = w.size(), dots = 0;
  while (end > 0) {
    if (w[end - 1] == '.') {
      --end;
      ++dots;
    } else if (end >= 3 && w.substr(end - 3, 3) == "\xE2\x80\xA6") {
      end -= 3;
      dots += 3;
    } else {
      break;
    }
  }
  return dots >= 2 && end > 0 ? end : w.size();
}

std::size_t segment(std::string_view text, bool split_elisions, Utf8Policy policy, std::vector<Token>& out) {
  Scanner scanner(text, split_elisions, policy, out);
  scanner.run();
  return scanner.replaced();
}

bool segment_some(std::string_view text, bool split_elisions, Utf8Policy policy, std::vector<Token>& out,
                  SegmentState& state, std::size_t max_tokens) {
  Scanner scanner(text, split_elisions, policy, out);
  scanner.load(state);
  state.pos = scanner.run(state.pos, max_tokens);
  scanner.save(state);
  return state.pos < text.size();
}

}  // namespace perche::text::detail
