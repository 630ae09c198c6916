// SPDX-License-Identifier: Apache-2.0
// A hint that memory will be read soon, for lookups whose addresses are known ahead of their use.
#pragma once

namespace perche::detail {

// Starts loading the cache line of p (no effect where the compiler has no such builtin).
inline void prefetch(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

}  // namespace perche::detail
