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

// The threads a call uses: `threads`, 0 meaning all cores, clamped to the cores there are. More
// threads than cores only adds switching, and an absurd count (threads=1000, or a corrupted model
// field) must not ask the system for that many threads.
inline unsigned resolve_threads(unsigned threads) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return threads == 0 ? cores : std::min(threads, cores);
}

// Runs body(t) for every t in [0, count): t ≥ 1 on new threads where the system gives one, the rest
// (t = 0, and every t whose thread could not be created) on the calling thread, then joins. A
// library linked into a server must not abort: std::thread's constructor throws std::system_error
// when the system refuses a thread (EAGAIN: a process or memory limit), and a std::thread left
// joinable by that exception would call std::terminate when destroyed. body must not throw.
template <class Body>
void run_blocks(unsigned count, Body& body) {
  std::vector<std::thread> pool;
  unsigned started = 1;
  try {
    pool.reserve(count > 0 ? count - 1 : 0);
    for (; started < count; ++started) pool.emplace_back([&body, started] { body(started); });
  } catch (...) {  // std::system_error or std::bad_alloc: the remaining blocks run here
  }
  body(0);
  for (unsigned t = started; t < count; ++t) body(t);
  for (auto& th : pool) th.join();
}

// The number of threads, and so of contiguous blocks, parallel_for(n, threads, ..., grain) uses.
inline unsigned parallel_blocks(std::size_t n, unsigned threads, std::size_t grain = 16) {
  return static_cast<unsigned>(std::min<std::size_t>(resolve_threads(threads), std::max<std::size_t>(1, n / grain)));
}

// Runs fn(i) for i in [0, n) on up to `threads` threads (0: all cores), contiguous blocks each, at
// least `grain` items a thread. An item that throws does not stop the others: the first failure
// (lowest index) is rethrown after all ran, std::invalid_argument as "<what>: <item> <i>: <message>"
// (bad input named by its index), any other exception (std::bad_alloc...) as it was thrown.
// fn may also take (i, b): b < parallel_blocks(n, threads, grain) is the block of i, whose items one
// thread runs in increasing order.
template <class Fn>
void parallel_for(std::size_t n, unsigned threads, std::string_view what, std::string_view item, Fn fn,
                  std::size_t grain = 16) {
  threads = parallel_blocks(n, threads, grain);
  std::vector<std::pair<std::size_t, std::exception_ptr>> errors(threads, {n, nullptr});
  auto block = [&](unsigned t) {
    const std::size_t lo = n * t / threads, hi = n * (t + 1) / threads;
    for (std::size_t i = lo; i < hi; ++i) {
      try {
        if constexpr (std::is_invocable_v<Fn&, std::size_t, unsigned>)
          fn(i, t);
        else
          fn(i);
      } catch (...) {
        if (errors[t].first == n) errors[t] = {i, std::current_exception()};
      }
    }
  };
  run_blocks(threads, block);
  for (const auto& [i, error] : errors) {
    if (i == n) continue;
    try {
      std::rethrow_exception(error);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string(what) + ": " + std::string(item) + " " + std::to_string(i) + ": " +
                                  e.what());
    }
  }
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
  run_blocks(threads, worker);
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace perche::detail
