// SPDX-License-Identifier: Apache-2.0
// Thread helpers shared by the compiled parts of the library (private: not installed).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace perche::detail {

inline unsigned resolve_threads(unsigned threads) {
  return threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : threads;
}

// The number of threads, and so of contiguous blocks, parallel_for(n, threads, ..., grain) uses.
inline unsigned parallel_blocks(std::size_t n, unsigned threads, std::size_t grain = 16) {
  return static_cast<unsigned>(std::min<std::size_t>(resolve_threads(threads), std::max<std::size_t>(1, n / grain)));
}

// Runs fn(i) for i in [0, n) on up to `threads` threads (0: all cores), contiguous blocks each, at
// least `grain` items a thread. An item that throws does not stop the others: the first failure
// (lowest index) is rethrown after all ran, as std::invalid_argument "<what>: <item> <i>: <message>".
// fn may also take (i, b): b < parallel_blocks(n, threads, grain) is the block of i, whose items one
// thread runs in increasing order.
template <class Fn>
void parallel_for(std::size_t n, unsigned threads, std::string_view what, std::string_view item, Fn fn,
                  std::size_t grain = 16) {
  threads = parallel_blocks(n, threads, grain);
  std::vector<std::pair<std::size_t, std::string>> errors(threads, {n, {}});
  auto block = [&](unsigned t) {
    const std::size_t lo = n * t / threads, hi = n * (t + 1) / threads;
    for (std::size_t i = lo; i < hi; ++i) {
      try {
        if constexpr (std::is_invocable_v<Fn&, std::size_t, unsigned>)
          fn(i, t);
        else
          fn(i);
      } catch (const std::exception& e) {
        if (errors[t].first == n) errors[t] = {i, e.what()};
      }
    }
  };
  if (threads <= 1) {
    block(0);
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(block, t);
    block(0);
    for (auto& th : pool) th.join();
  }
  for (const auto& [i, msg] : errors)
    if (i < n) throw std::invalid_argument(std::string(what) + ": " + std::string(item) + " " + std::to_string(i) + ": " + msg);
}

// Runs job(j) for j in [0, n) on up to `threads` threads, taking jobs one at a time in order (for
// a few unequal jobs such as one model per driver). The first exception (lowest job) is rethrown
// as is. job may also take (j, w): w < min(threads, n) is the thread that runs it.
template <class Fn>
void parallel_jobs(std::size_t n, unsigned threads, Fn job) {
  threads = static_cast<unsigned>(std::min<std::size_t>(resolve_threads(threads), std::max<std::size_t>(1, n)));
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  auto worker = [&](unsigned w) {
    for (std::size_t j; (j = next.fetch_add(1)) < n;) {
      try {
        if constexpr (std::is_invocable_v<Fn&, std::size_t, unsigned>)
          job(j, w);
        else
          job(j);
      } catch (...) {
        errors[j] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace perche::detail
