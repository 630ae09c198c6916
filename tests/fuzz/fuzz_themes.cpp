// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: Themes::from_bytes (the result of perche::discover, as saved and pickled) on
// arbitrary bytes, and on the same bytes wrapped as a well-formed version-1 file (magic, version,
// size, CRC-32), so that mutations get past the checksum and reach the payload parser. Seeds in
// corpus/themes/: a saved result of a seeded discovery and its bare payload. Anything but Themes or
// perche::FormatError is a bug; Themes that load must assign, give main themes and write a codebook
// without crashing.
#include <perche/discover.hpp>
#include <perche/error.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "sealed.hpp"

namespace {

void load(std::string_view bytes) {
  try {
    const auto themes = perche::Themes::from_bytes(bytes);
    const std::string_view texts[] = {"il personale gentile, la camera pulita", "", "colazione 😡😡 scarsa!!!"};
    (void)themes.assign(texts, 1);
    (void)themes.primary(texts, 1);
    (void)themes.codebook();
  } catch (const perche::FormatError&) {}
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  load(raw);
  load(sealed("PERCHETH", 1, raw));
  return 0;
}
