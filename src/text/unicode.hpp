// SPDX-License-Identifier: Apache-2.0
// Character properties the scanner and the normalizer need, answered by ICU. Code points below
// kTableLimit are looked up in tables filled once from ICU (the scanner asks per character, so
// a table beats a call); the rest go to ICU directly. ICU stays the source of truth either way.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace perche::text::detail {

enum class Cls : std::uint8_t {
  space,      // White_Space, and controls / format characters (separators, never token text)
  letter,     // L*, M*, Nl, No, and '_' (Pc): the body of words
  digit,      // Nd
  apos,       // ' ’ ʼ
  punct,      // other P*
  symbol,     // S* and anything else
  emoji,      // Extended_Pictographic or Regional_Indicator
  emoji_ext,  // joins or modifies an emoji: ZWJ, VS15/VS16, skin tones, keycap, tags
};

inline constexpr char32_t kTableLimit = 0x3000;
inline constexpr char32_t kReplacement = 0xFFFD;

/// One decoded code point: its value and byte length; valid = false for an invalid sequence, whose
/// length is then its maximal subpart (Unicode 15, §3.9 "U+FFFD substitution of maximal subparts").
struct Decoded {
  char32_t cp;
  std::uint8_t len;
  bool valid;
};

/// Decodes the code point at p (p < end). Rejects overlong forms, surrogates and values above U+10FFFF.
inline Decoded decode(const unsigned char* p, const unsigned char* end) {
  const unsigned char b0 = p[0];
  if (b0 < 0x80) return {b0, 1, true};
  const std::ptrdiff_t avail = end - p;
  auto cont = [&](std::ptrdiff_t k) { return k < avail && (p[k] & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (cont(1)) return {static_cast<char32_t>(((b0 & 0x1F) << 6) | (p[1] & 0x3F)), 2, true};
    return {kReplacement, 1, false};
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    // Second byte ranges exclude overlongs (E0 80..9F) and surrogates (ED A0..BF).
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
    if (!(avail > 1 && p[1] >= lo && p[1] <= hi)) return {kReplacement, 1, false};
    if (!cont(2)) return {kReplacement, 2, false};
    return {static_cast<char32_t>(((b0 & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F)), 3, true};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (!(avail > 1 && p[1] >= lo && p[1] <= hi)) return {kReplacement, 1, false};
    if (!cont(2)) return {kReplacement, 2, false};
    if (!cont(3)) return {kReplacement, 3, false};
    return {static_cast<char32_t>(((b0 & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F)),
            4, true};
  }
  return {kReplacement, 1, false};
}

/// text without a leading UTF-8 byte order mark (Notepad's "UTF-8 with BOM"), which is no part of a
/// file's first line.
inline std::string_view without_bom(std::string_view text) {
  return text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
}

/// The offset of the first byte of text that is not well-formed UTF-8, or text.size().
inline std::size_t first_invalid_utf8(std::string_view text) {
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  for (const unsigned char *p = begin, *end = begin + text.size(); p < end;) {
    const Decoded d = decode(p, end);
    if (!d.valid) return static_cast<std::size_t>(p - begin);
    p += d.len;
  }
  return text.size();
}

/// Appends the UTF-8 encoding of cp.
inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

/// Class of a code point.
Cls classify(char32_t cp);

/// The class table for code points below kTableLimit (hot loops keep this pointer).
const Cls* class_table();

/// True for Unicode punctuation (P*), which makes a non-word character a punct token.
bool is_punctuation(char32_t cp);

/// True if cp can stay as it is in NFC text whatever surrounds it (NFC_Quick_Check = Yes and
/// canonical combining class 0). A word made of such characters is already in NFC.
bool nfc_stable(char32_t cp);

/// Appends the full case folding of cp (ICU u_strFoldCase, default options), e.g. ß → ss.
void append_folded(std::string& out, char32_t cp);

/// Appends cp without its diacritics: the NFD decomposition without nonspacing marks (Mn).
void append_unaccented(std::string& out, char32_t cp);

/// NFC of UTF-8 text (ICU Normalizer2). Input must be valid UTF-8.
std::string to_nfc(std::string_view utf8);

/// Byte offsets of a UTF-8 text → code-point offsets, walking from the last offset asked, forward
/// or back (overlapping spans step back a little; starting over from the text's start each time
/// made a long text's conversion quadratic). byte_of goes the other way.
class CodePoints {
 public:
  explicit CodePoints(std::string_view text) : text_(text) {}
  std::size_t operator()(std::size_t byte) {
    byte = std::min(byte, text_.size());
    for (; byte_ > byte; --byte_) cp_ -= (static_cast<unsigned char>(text_[byte_ - 1]) & 0xC0) != 0x80;
    for (; byte_ < byte; ++byte_) cp_ += (static_cast<unsigned char>(text_[byte_]) & 0xC0) != 0x80;
    return cp_;
  }
  /// The byte where code point `n` starts (text.size() when it has fewer).
  static std::size_t byte_of(std::string_view text, std::size_t n) {
    for (std::size_t b = 0; b < text.size(); ++b)
      if ((static_cast<unsigned char>(text[b]) & 0xC0) != 0x80 && n-- == 0) return b;
    return text.size();
  }

 private:
  std::string_view text_;
  std::size_t byte_ = 0, cp_ = 0;
};

}  // namespace perche::text::detail
