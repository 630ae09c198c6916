// SPDX-License-Identifier: Apache-2.0
// The domain guard's cost (issue 19: it must add at most 5% to `perche analyze`): analyze_survey
// on the shipped sample with the default model and every default, and the guard's own step
// (src/survey/coverage.cpp: measure_coverage) on the same comments and verdicts. The ratio of the
// two is what the guard adds.
//     build/dev/benchmarks/bench_guard --benchmark_min_time=2
#include <benchmark/benchmark.h>
#include <perche/survey.hpp>

#include "coverage.hpp"

#include <string>
#include <vector>

namespace {

const std::string kData = PERCHE_BENCH_DATA;

const perche::CsvTable& sample() {
  static const perche::CsvTable t = perche::read_csv_file(kData + "/survey.csv");
  return t;
}

void BM_analyze_sample(benchmark::State& state) {
  perche::SurveyOptions o;
  o.data_dir = kData;
  for (auto _ : state) benchmark::DoNotOptimize(perche::analyze_survey(sample(), o));
}
BENCHMARK(BM_analyze_sample)->Unit(benchmark::kMillisecond);

void BM_guard_sample(benchmark::State& state) {
  const auto& t = sample();
  const std::size_t col = *t.column("motivo");
  std::vector<std::string_view> texts;
  for (std::size_t r = 0; r < t.rows(); ++r)
    if (t.cell(r, col).find_first_not_of(" \t") != std::string_view::npos) texts.push_back(t.cell(r, col));
  const auto model = perche::DriverClassifier::load(kData + "/drivers.model");
  perche::SurveyOptions o;
  o.model = &model;
  const auto labelled = perche::label_comments(texts, o);
  for (auto _ : state)
    benchmark::DoNotOptimize(
        perche::detail::measure_coverage(texts, &model, labelled.probabilities, labelled.mentions, std::nullopt));
  state.counters["comments"] = static_cast<double>(texts.size());
}
BENCHMARK(BM_guard_sample)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
