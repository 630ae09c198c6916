// SPDX-License-Identifier: Apache-2.0
// The process's resident high-water mark, for tests and benchmarks that bound what one call adds
// to it (tests/long_text_test.cpp, benchmarks/bench_long_text.cpp). Linux: VmHWM in
// /proc/self/status, reset through /proc/self/clear_refs (Linux >= 4.0).
#pragma once

#include <fstream>
#include <string>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace perche_test {

// VmHWM in bytes, or -1 where it cannot be read.
inline long peak_rss() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6)) * 1024;
  return -1;
}

// Resets VmHWM to the current resident size, after handing freed memory back to the system so
// that earlier work's leftovers cannot hide the next peak; false where that is not allowed.
inline bool reset_peak_rss() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace perche_test
