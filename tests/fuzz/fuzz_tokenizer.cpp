// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the tokenizer on arbitrary bytes. The first byte picks the options (both UTF-8
// policies, stemming, negation, accents, placeholders); the rest is the text. Checks the surface
// contract on every input: tokens in order, inside the text, their text the exact slice, and
// normalize() equal to the norms is_term() keeps. Strict mode may only throw std::invalid_argument.
#include <perche/text.hpp>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& tok = tokenizer(data[0]);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const auto tokens = tok.tokenize(text);
    std::size_t last = 0;
    std::vector<std::string> terms;
    for (const auto& t : tokens) {
      check(t.start >= last && t.start < t.end && t.end <= text.size());
      check(t.text == text.substr(t.start, t.end - t.start));
      last = t.end;
      if (tok.is_term(t)) terms.push_back(t.norm);
    }
    check(tok.normalize(text) == terms);
  } catch (const std::invalid_argument&) {
    check(tok.options().utf8 == perche::text::Utf8Policy::strict);
  }
  return 0;
}
