// SPDX-License-Identifier: Apache-2.0
// One long comment (issue #16, class 4): predict_proba, explain and codebook matching of a single
// text of 10 KB, 100 KB, 1 MB and 10 MB, made of the corpus's lines joined by spaces (a realistic
// mix of Italian words, punctuation, emoji and repeats). Google Benchmark fits the times against
// the size (BigO line; "N" is linear, "N^2" quadratic) and each run reports its peak resident
// memory over the text's size (peak_rss/byte: what the call added to the process's high-water mark,
// per byte of text; absent where /proc/self/clear_refs cannot reset the mark).
//
// BM_long_run_tokenize: the tokenizer on one run of a pattern (bene..ma.., x+, ...) that e-mail and
// domain candidates walk, 10 KB to 1 MB: its time per byte is flat when the scan is linear.
//
// Model and codebook: the ones perche ships (examples/data/drivers.model, codebook.txt).
//     build/dev/benchmarks/bench_long_text --benchmark_filter=explain
#include <benchmark/benchmark.h>
#include <perche/classify.hpp>
#include <perche/codebook.hpp>
#include <perche/text.hpp>

#include "../tests/peak_rss.hpp"

#include "corpus.hpp"

#include <fstream>
#include <string>

#ifndef PERCHE_BENCH_DATA
#define PERCHE_BENCH_DATA "examples/data"
#endif

namespace {

// size bytes of the corpus's lines joined by single spaces, cut at a line boundary (then padded
// with spaces to the size).
std::string long_text(std::size_t size) {
  const auto& lines = perche_bench::corpus().lines;
  std::string s;
  s.reserve(size);
  for (std::size_t i = 0;; i = (i + 1) % lines.size()) {
    if (s.size() + lines[i].size() + 1 > size) break;
    s.append(lines[i]).push_back(' ');
  }
  s.resize(size, ' ');
  return s;
}

const perche::DriverClassifier& model() {
  static const perche::DriverClassifier m = perche::DriverClassifier::load(PERCHE_BENCH_DATA "/drivers.model");
  return m;
}

const perche::Codebook& codebook() {
  static const perche::Codebook c = perche::Codebook::load(PERCHE_BENCH_DATA "/codebook.txt");
  return c;
}

// Runs the benchmark loop over fn(text) and adds the size, bytes/s and the peak memory per byte.
template <typename Fn>
void run(benchmark::State& state, Fn&& fn) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const std::string text = long_text(size);
  (void)model();
  (void)codebook();
  std::ifstream("/proc/self/status").peek();  // the stream's own buffers before the baseline
  const bool measured = perche_test::reset_peak_rss();
  const long base = perche_test::peak_rss();
  for (auto _ : state) benchmark::DoNotOptimize(fn(std::string_view(text)));
  const long peak = perche_test::peak_rss();
  state.SetComplexityN(static_cast<std::int64_t>(size));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  if (measured && base >= 0 && peak >= 0)
    state.counters["peak_rss/byte"] = static_cast<double>(peak - base) / static_cast<double>(size);
}

void BM_long_predict_proba(benchmark::State& state) {
  run(state, [](std::string_view t) { return model().predict_proba(t); });
}
void BM_long_explain(benchmark::State& state) {
  run(state, [](std::string_view t) { return model().explain(t); });
}
void BM_long_codebook_matches(benchmark::State& state) {
  run(state, [](std::string_view t) { return codebook().matches(t); });
}

// One long run that e-mail and domain candidates walk (issue: every word of such a run scanned
// it to its end, so the text's tokens took time quadratic in its length): the pattern repeated.
void BM_long_run_tokenize(benchmark::State& state) {
  static const char* const kPatterns[] = {"bene..ma..", "personale.", "x+", "a.b@", "ab-cd_"};
  const std::string_view pattern = kPatterns[state.range(1)];
  const auto size = static_cast<std::size_t>(state.range(0));
  std::string text;
  while (text.size() + pattern.size() <= size) text.append(pattern);
  static const perche::text::Tokenizer tokenizer;
  for (auto _ : state) benchmark::DoNotOptimize(tokenizer.tokenize(text));
  state.SetComplexityN(static_cast<std::int64_t>(size));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  state.SetLabel(std::string(pattern));
}
BENCHMARK(BM_long_run_tokenize)
    ->ArgsProduct({{10'000, 100'000, 1'000'000}, {0, 1, 2, 3, 4}})
    ->Unit(benchmark::kMillisecond);

#define PERCHE_LONG_TEXT(fn) \
  BENCHMARK(fn)->RangeMultiplier(10)->Range(10'000, 10'000'000)->Unit(benchmark::kMillisecond)->Complexity()

PERCHE_LONG_TEXT(BM_long_predict_proba);
PERCHE_LONG_TEXT(BM_long_explain);
PERCHE_LONG_TEXT(BM_long_codebook_matches);

}  // namespace

int main(int argc, char** argv) { return perche_bench::run(argc, argv); }
