// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: SentimentClassifier::from_bytes (a per-comment sentiment model, as saved and
// pickled) on arbitrary bytes, and on the same bytes wrapped as a well-formed version-1 file
// (magic, version, size, CRC-32), so that mutations get past the checksum and reach the payload
// parser. Seeds in corpus/sentiment/: a model with word features and a five-entry lexicon, and
// its bare payload (the shipped default's lexicon is longer than -max_len). Anything but a model or
// perche::FormatError is a bug; a model that loads must predict finite probabilities that sum to
// 1 and explain without crashing (red-team, stop 42: huge coefficients loaded and predicted NaN).
#include <perche/error.hpp>
#include <perche/sentiment.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sealed.hpp"

namespace {

void load(std::string_view bytes) {
  try {
    const auto clf = perche::SentimentClassifier::from_bytes(bytes);
    for (const std::string_view text : {"il personale gentile, la camera pulita", "", "colazione 😡😡 scarsa!!!"}) {
      const auto p = clf.predict_proba(text);
      double sum = 0;
      for (const double x : p) {
        if (!std::isfinite(x)) std::abort();
        sum += x;
      }
      if (std::abs(sum - 1.0) > 1e-9) std::abort();
      (void)clf.explain(text);
    }
  } catch (const perche::FormatError&) {}
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  load(raw);
  load(sealed("PERCHESC", 1, raw));
  return 0;
}
