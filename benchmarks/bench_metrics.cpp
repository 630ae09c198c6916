// SPDX-License-Identifier: Apache-2.0
// Throughput of the metric calculators, reported as scores/s (Google Benchmark counters).
// Plain NPS is a histogram: the target is >= 1e9 scores/s on one thread (issue #2).
#include <benchmark/benchmark.h>
#include <perche/metrics.hpp>

#include <cstdint>
#include <random>
#include <vector>

namespace {

constexpr std::size_t kRows = 10'000'000;

template <class T>
const std::vector<T>& scores() {
  static const std::vector<T> data = [] {
    std::mt19937_64 rng(42);
    // A realistic NPS mix: many 8–10, a long tail of low scores.
    std::discrete_distribution<int> dist({3, 1, 1, 2, 2, 4, 5, 9, 18, 22, 33});
    std::vector<T> v(kRows);
    for (auto& x : v) x = static_cast<T>(dist(rng));
    return v;
  }();
  return data;
}

const std::vector<std::int64_t>& segments() {
  static const std::vector<std::int64_t> data = [] {
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<std::int64_t> seg(0, 999);
    std::vector<std::int64_t> v(kRows);
    for (auto& x : v) x = seg(rng);
    return v;
  }();
  return data;
}

void report(benchmark::State& state, std::size_t n) {
  state.counters["scores/s"] =
      benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}

template <class T>
void BM_NpsPlain(benchmark::State& state) {
  const auto& s = scores<T>();
  for (auto _ : state) {
    auto r = perche::nps(s);
    benchmark::DoNotOptimize(r);
  }
  report(state, s.size());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.size() * sizeof(T)));
}
BENCHMARK(BM_NpsPlain<std::int32_t>)->Name("nps/10M/int32")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NpsPlain<std::int8_t>)->Name("nps/10M/int8")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NpsPlain<std::int64_t>)->Name("nps/10M/int64")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NpsPlain<double>)->Name("nps/10M/double")->Unit(benchmark::kMillisecond);

void BM_NpsWeighted(benchmark::State& state) {
  const auto& s = scores<std::int32_t>();
  static const std::vector<double> w(kRows, 1.5);
  for (auto _ : state) {
    auto r = perche::nps(s, w);
    benchmark::DoNotOptimize(r);
  }
  report(state, s.size());
}
BENCHMARK(BM_NpsWeighted)->Name("nps/10M/int32/weighted")->Unit(benchmark::kMillisecond);

void BM_NpsBySegment(benchmark::State& state) {
  const auto& s = scores<std::int32_t>();
  const auto& g = segments();
  for (auto _ : state) {
    auto r = perche::nps_by_segment(s, g);
    benchmark::DoNotOptimize(r);
  }
  report(state, s.size());
}
BENCHMARK(BM_NpsBySegment)->Name("nps_by_segment/10M/1000")->Unit(benchmark::kMillisecond);

void BM_CsatPlain(benchmark::State& state) {
  static const std::vector<std::int32_t> s = [] {
    std::vector<std::int32_t> v(scores<std::int32_t>().begin(), scores<std::int32_t>().end());
    for (auto& x : v) x = 1 + x * 4 / 10;  // 0..10 mapped onto 1..5
    return v;
  }();
  for (auto _ : state) {
    auto r = perche::csat(s);
    benchmark::DoNotOptimize(r);
  }
  report(state, s.size());
}
BENCHMARK(BM_CsatPlain)->Name("csat/10M/int32")->Unit(benchmark::kMillisecond);

// Boschloo's exact test of a small CSAT segment (15 responses) against the rest of the survey
// (arg: the rest's size). Group b's binomial tails come from the incomplete beta: the cost grows
// with √n_b, not n_b (a sum over every x_b took about a second at a million).
void BM_BoschlooSmallVsLarge(benchmark::State& state) {
  const auto nb = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    double p = perche::detail::boschloo_p(3, 15, nb * 3 / 5, nb);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_BoschlooSmallVsLarge)->Name("boschloo/15_vs")->Arg(1000)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace

// Mann-Kendall test and Sen's slope of a series of k periods: listed pairs up to 600, bisection
// beyond (O(k log k) per step, 128 steps): time and memory near linear in k.
void BM_TrendTest(benchmark::State& state) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0, 5);
  std::vector<double> y(static_cast<std::size_t>(state.range(0)));
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = 0.01 * static_cast<double>(i) + noise(rng);
  for (auto _ : state) benchmark::DoNotOptimize(perche::trend_test(y));
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_TrendTest)
    ->Name("trend_test")
    ->Arg(1000)
    ->Arg(2000)
    ->Arg(4000)
    ->Arg(16000)
    ->Arg(64000)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
