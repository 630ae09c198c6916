// SPDX-License-Identifier: Apache-2.0
// A payload wrapped as a well-formed perche model file — magic, u32 format version, u64 payload
// size, payload, u32 CRC-32 of the payload (src/classify/binary.hpp) — so that a fuzzer's mutations
// get past the checksum and reach a payload parser.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "../crc32_reference.hpp"

inline std::string sealed(std::string_view magic, std::uint32_t version, std::string_view payload) {
  const auto put = [](std::string& out, auto v) {
    char b[sizeof v];
    std::memcpy(b, &v, sizeof v);  // little-endian hosts only, like the fuzzing machine
    out.append(b, sizeof b);
  };
  std::string out(magic);
  put(out, version);
  put(out, static_cast<std::uint64_t>(payload.size()));
  out.append(payload);
  put(out, crc32_bitwise(payload));
  return out;
}
