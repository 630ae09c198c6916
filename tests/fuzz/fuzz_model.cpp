// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: DriverClassifier::from_bytes on arbitrary bytes, and on the same bytes wrapped
// as well-formed files of every version the reader accepts, 1 to 6 (magic, version, size, CRC-32),
// so that mutations get past the checksum and reach the payload parser, each version's fields
// included. Seeds in corpus/model/: valid models (versions 1, 2 and 6) and their bare payloads. Anything but a model or
// perche::FormatError is a bug; a model that loads must classify and explain without crashing.
#include <perche/classify.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "sealed.hpp"

namespace {

void load(std::string_view bytes) {
  try {
    const auto clf = perche::DriverClassifier::from_bytes(bytes);
    const std::string_view texts[] = {"l'operatore è stato gentile ma ho aspettato 40 minuti", "", "😡😡 caro!!!"};
    (void)clf.predict_proba(texts);
    (void)clf.explain(texts[0]);
  } catch (const perche::FormatError&) {}
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  load(raw);
  for (std::uint32_t version = 1; version <= 6; ++version) load(sealed("PERCHEDC", version, raw));  // every layout
  return 0;
}
