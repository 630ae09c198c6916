// SPDX-License-Identifier: Apache-2.0
// CRC-32 (ISO-HDLC: reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF) bit by bit,
// written apart from the library's table version so that tests can forge and check model files.
#pragma once

#include <cstdint>
#include <string_view>

inline std::uint32_t crc32_bitwise(std::string_view data) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}
