// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the tokenizer on arbitrary bytes. The first byte picks the options (both UTF-8
// policies, stemming, negation, accents, placeholders); the rest is the text. Checks the surface
// contract on every input: tokens in order, inside the text, their text the exact slice, and
// normalize() equal to the norms is_term() keeps. On well-formed UTF-8 (checked by a validator of
// its own, not the tokenizer's decoder) nothing is replaced, no token boundary falls inside a
// character and strict mode does not throw; otherwise strict mode may only throw
// std::invalid_argument.
#include <perche/text.hpp>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace {

const perche::text::Tokenizer& tokenizer(std::uint8_t bits) {
  static const std::array<perche::text::Tokenizer, 64> all = [] {
    std::array<perche::text::Tokenizer, 64> t;
    for (unsigned b = 0; b < 64; ++b) {
      perche::text::TokenizerOptions o;
      o.utf8 = (b & 1) ? perche::text::Utf8Policy::strict : perche::text::Utf8Policy::replace;
      o.stem = b & 2;
      o.negation = b & 4;
      o.strip_accents = b & 8;
      o.placeholders = b & 16;
      o.lowercase = !(b & 32);
      t[b] = perche::text::Tokenizer(o);
    }
    return t;
  }();
  return all[bits & 63];
}

void check(bool ok) {
  if (!ok) std::abort();  // a broken invariant: libFuzzer reports the input
}

// Well-formed UTF-8 by the Unicode Standard's Table 3-7 (Unicode 15, §3.9).
bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0, n = s.size(); i < n;) {
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      lo = c == 0xE0 ? 0xA0 : 0x80;
      hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      lo = c == 0xF0 ? 0x90 : 0x80;
      hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
      return false;
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k)
      if ((p[i + k] & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

bool continuation(std::string_view s, std::size_t at) {
  return at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& tok = tokenizer(data[0]);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const bool valid = valid_utf8(text);
  try {
    const auto tokens = tok.tokenize(text);
    check(!valid || tokens.replaced == 0);
    std::size_t last = 0;
    std::vector<std::string> terms;
    for (const auto& t : tokens) {
      check(t.start >= last && t.start < t.end && t.end <= text.size());
      check(t.text == text.substr(t.start, t.end - t.start));
      check(!valid || (!continuation(text, t.start) && !continuation(text, t.end)));
      last = t.end;
      if (tok.is_term(t)) terms.push_back(t.norm);
    }
    check(tok.normalize(text) == terms);
  } catch (const std::invalid_argument&) {
    check(tok.options().utf8 == perche::text::Utf8Policy::strict && !valid);
  }
  return 0;
}
