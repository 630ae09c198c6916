// SPDX-License-Identifier: Apache-2.0
// The byte-string hash of the tokenizer's tables and the vectorizer's feature index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace perche::detail {

// 64-bit hash of a short byte string, eight bytes per step (multiply-xorshift mixing with the
// splitmix64 constants, Steele et al., "Fast splittable pseudorandom number generators", 2014).
// Words are short: one or two steps, against one multiply per byte for FNV-1a.
inline std::uint64_t hash_bytes(std::string_view s, std::uint64_t seed = 0x9E3779B97F4A7C15ull) {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t h = seed ^ n;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    h = (h ^ v) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  // The last 0-7 bytes without a byte loop: two overlapping 4-byte loads, or bytes 0, n/2 and
  // n-1 of a shorter tail; with the length mixed in above, each covers every byte once or more.
  std::uint64_t tail = 0;
  if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    tail = a | static_cast<std::uint64_t>(b) << 32;
  } else if (n > 0) {
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    tail = u[0] | static_cast<std::uint64_t>(u[n / 2]) << 8 | static_cast<std::uint64_t>(u[n - 1]) << 16;
  }
  // Final avalanche (the splitmix64 finalizer): every input bit reaches the low bits, which pick a
  // table slot. A single multiply would leave the low bits blind to the high bytes of the tail, so
  // that parla/parle/parli/parlo all started probing at one slot.
  h ^= tail;
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

// Whether the n bytes at a and b are equal, for short strings (n ≤ 24): overlapping 8- or 4-byte
// loads inside both, instead of a call to memcmp for a few bytes.
inline bool equal_short(const char* a, const char* b, std::size_t n) {
  const auto load8 = [](const char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  };
  const auto load4 = [](const char* p) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  };
  if (n >= 8) {
    if (load8(a) != load8(b) || load8(a + n - 8) != load8(b + n - 8)) return false;
    return n <= 16 || load8(a + 8) == load8(b + 8);
  }
  if (n >= 4) return load4(a) == load4(b) && load4(a + n - 4) == load4(b + n - 4);
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// Whether a and b hold the same bytes: the sizes, then a word's few bytes inline (equal_short)
// instead of a call to memcmp; longer strings by memcmp.
inline bool equal_bytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.size() <= 24 ? equal_short(a.data(), b.data(), a.size()) : a == b;
}

}  // namespace perche::detail
