// SPDX-License-Identifier: Apache-2.0
#include "unicode.hpp"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace perche::text::detail {
namespace {

Cls classify_icu(char32_t cp) {
  const auto c = static_cast<UChar32>(cp);
  if (cp == 0x200D || cp == 0xFE0E || cp == 0xFE0F || cp == 0x20E3 || (cp >= 0xE0020 && cp <= 0xE007F) ||
      u_hasBinaryProperty(c, UCHAR_EMOJI_MODIFIER))
    return Cls::emoji_ext;
  if (cp == '\'' || cp == 0x2019 || cp == 0x02BC) return Cls::apos;
  // Emoji before letters and symbols: ©, ®, ™ and ↔ are Extended_Pictographic and So.
  if (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) || u_hasBinaryProperty(c, UCHAR_REGIONAL_INDICATOR))
    return cp < 0x80 ? Cls::symbol : Cls::emoji;
  if (u_isUWhiteSpace(c)) return Cls::space;
  const auto type = static_cast<UCharCategory>(u_charType(c));
  switch (type) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_COMBINING_SPACING_MARK:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
    case U_CONNECTOR_PUNCTUATION:
      return Cls::letter;
    case U_DECIMAL_DIGIT_NUMBER:
      return Cls::digit;
    case U_CONTROL_CHAR:
    case U_FORMAT_CHAR:
    case U_UNASSIGNED:
    case U_SURROGATE:
    case U_PRIVATE_USE_CHAR:
    case U_LINE_SEPARATOR:
    case U_PARAGRAPH_SEPARATOR:
    case U_SPACE_SEPARATOR:
      // Only White_Space (handled above) separates tokens. Controls (NUL, ESC, …), format characters
      // (U+200B, U+FEFF, soft hyphen, bidi marks), surrogates, private-use and unassigned code points
      // are symbol tokens: invisible or not, nothing in the input is dropped without a trace.
      return Cls::symbol;
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
    case U_OTHER_PUNCTUATION:
      return Cls::punct;
    default:
      return Cls::symbol;
  }
}

void check(UErrorCode status, const char* what) {
  if (U_FAILURE(status))
    throw std::runtime_error(std::string("perche: ICU ") + what + " failed: " + u_errorName(status));
}

const UNormalizer2* nfc() {
  static const UNormalizer2* n = [] {
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2* r = unorm2_getNFCInstance(&st);
    check(st, "NFC instance");
    return r;
  }();
  return n;
}

const UNormalizer2* nfd() {
  static const UNormalizer2* n = [] {
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2* r = unorm2_getNFDInstance(&st);
    check(st, "NFD instance");
    return r;
  }();
  return n;
}

std::string fold_icu(char32_t cp) {
  UChar src[2], dst[16];
  int32_t n = 0;
  U16_APPEND_UNSAFE(src, n, static_cast<UChar32>(cp));
  UErrorCode st = U_ZERO_ERROR;
  const int32_t m = u_strFoldCase(dst, 16, src, n, U_FOLD_CASE_DEFAULT, &st);
  check(st, "case folding");
  std::string out;
  for (int32_t i = 0; i < m;) {
    UChar32 c;
    U16_NEXT(dst, i, m, c);
    append_utf8(out, static_cast<char32_t>(c));
  }
  return out;
}

std::string unaccent_icu(char32_t cp) {
  UChar src[2], dst[32];
  int32_t n = 0;
  U16_APPEND_UNSAFE(src, n, static_cast<UChar32>(cp));
  UErrorCode st = U_ZERO_ERROR;
  const int32_t m = unorm2_normalize(nfd(), src, n, dst, 32, &st);
  check(st, "NFD");
  std::string out;
  for (int32_t i = 0; i < m;) {
    UChar32 c;
    U16_NEXT(dst, i, m, c);
    if (u_charType(c) != U_NON_SPACING_MARK) append_utf8(out, static_cast<char32_t>(c));
  }
  return out;
}

bool nfc_stable_icu(char32_t cp) {
  const auto c = static_cast<UChar32>(cp);
  return u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) == UNORM_YES && u_getCombiningClass(c) == 0;
}

// A short UTF-8 string stored inline: folding expands a code point to at most 3 (≤ 9 bytes).
struct Small {
  std::uint8_t len = 0;
  char bytes[11] = {};
};

Small small(const std::string& s) {
  Small r;
  r.len = static_cast<std::uint8_t>(s.size());
  for (std::size_t i = 0; i < s.size() && i < sizeof r.bytes; ++i) r.bytes[i] = s[i];
  return r;
}

struct Tables {
  std::array<Cls, kTableLimit> cls;
  std::array<bool, kTableLimit> punct;
  std::array<bool, kTableLimit> stable;
  std::vector<Small> fold, unaccent;

  Tables() : fold(kTableLimit), unaccent(kTableLimit) {
    for (char32_t cp = 0; cp < kTableLimit; ++cp) {
      cls[cp] = classify_icu(cp);
      punct[cp] = U_GET_GC_MASK(static_cast<UChar32>(cp)) & U_GC_P_MASK;
      stable[cp] = nfc_stable_icu(cp);
      if (cp >= 0xD800 && cp <= 0xDFFF) continue;
      fold[cp] = small(fold_icu(cp));
      unaccent[cp] = small(unaccent_icu(cp));
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

Cls classify(char32_t cp) { return cp < kTableLimit ? tables().cls[cp] : classify_icu(cp); }

const Cls* class_table() { return tables().cls.data(); }

bool is_punctuation(char32_t cp) {
  return cp < kTableLimit ? tables().punct[cp] : (U_GET_GC_MASK(static_cast<UChar32>(cp)) & U_GC_P_MASK) != 0;
}

bool nfc_stable(char32_t cp) { return cp < kTableLimit ? tables().stable[cp] : nfc_stable_icu(cp); }

void append_folded(std::string& out, char32_t cp) {
  if (cp < kTableLimit) {
    const Small& s = tables().fold[cp];
    out.append(s.bytes, s.len);
  } else {
    out += fold_icu(cp);
  }
}

void append_unaccented(std::string& out, char32_t cp) {
  if (cp < kTableLimit) {
    const Small& s = tables().unaccent[cp];
    out.append(s.bytes, s.len);
  } else {
    out += unaccent_icu(cp);
  }
}

std::string to_nfc(std::string_view utf8) {
  UErrorCode st = U_ZERO_ERROR;
  std::vector<UChar> src(utf8.size() + 1);
  int32_t n = 0;
  u_strFromUTF8(src.data(), static_cast<int32_t>(src.size()), &n, utf8.data(), static_cast<int32_t>(utf8.size()), &st);
  check(st, "UTF-8 conversion");
  std::vector<UChar> dst(static_cast<std::size_t>(n) * 3 + 16);
  const int32_t m = unorm2_normalize(nfc(), src.data(), n, dst.data(), static_cast<int32_t>(dst.size()), &st);
  check(st, "NFC");
  std::string out;
  out.reserve(static_cast<std::size_t>(m) * 2);
  for (int32_t i = 0; i < m;) {
    UChar32 c;
    U16_NEXT(dst.data(), i, m, c);
    append_utf8(out, static_cast<char32_t>(c));
  }
  return out;
}

}  // namespace perche::text::detail
