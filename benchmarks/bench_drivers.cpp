// SPDX-License-Identifier: Apache-2.0
// analyze_drivers on the shipped sample (examples/data/survey.csv: NPS, the comments labelled by the
// shipped model as analyze_survey labels them), by the replicates of the Shapley importance
// bootstrap (arg; 0: none, the analysis without intervals). The difference to replicates:0 is what
// the intervals cost; the counter `fits` is the subset regressions of both key-driver models.
//     build/dev/benchmarks/bench_drivers --benchmark_min_time=2
#include <benchmark/benchmark.h>
#include <perche/drivers.hpp>
#include <perche/survey.hpp>

#include <bit>
#include <charconv>
#include <string>
#include <vector>

namespace {

const std::string kData = PERCHE_BENCH_DATA;

struct Sample {
  std::vector<double> scores;
  std::vector<std::uint8_t> has_text;
  perche::CommentLabels labels;
};

const Sample& sample() {
  static const Sample s = [] {
    Sample out;
    const auto t = perche::read_csv_file(kData + "/survey.csv");
    const std::size_t text = *t.column("motivo"), nps = *t.column("nps");
    std::vector<std::string_view> texts;
    for (std::size_t r = 0; r < t.rows(); ++r) {
      const auto cell = t.cell(r, nps);
      double v = 0.0;
      if (std::from_chars(cell.data(), cell.data() + cell.size(), v).ec != std::errc{}) continue;
      out.scores.push_back(v);
      texts.push_back(t.cell(r, text));
      out.has_text.push_back(t.cell(r, text).find_first_not_of(" \t") != std::string_view::npos);
    }
    perche::SurveyOptions o;
    o.data_dir = kData;
    out.labels = perche::label_comments(texts, o);
    return out;
  }();
  return s;
}

void BM_drivers_sample(benchmark::State& state) {
  const Sample& s = sample();
  perche::DriverAnalysisOptions o;
  o.importance_bootstrap_samples = static_cast<int>(state.range(0));
  perche::DriverAnalysis a;
  for (auto _ : state) {
    a = perche::analyze_drivers(s.scores, s.labels.mentions, s.labels.drivers, s.has_text, {}, o);
    benchmark::DoNotOptimize(a);
  }
  std::size_t u = 0;
  for (const auto& d : a.drivers) u += d.importance_negative.has_value();
  state.counters["drivers"] = static_cast<double>(u);
  state.counters["fits"] = 2.0 * static_cast<double>(state.range(0)) * static_cast<double>(std::size_t{1} << u);
}
BENCHMARK(BM_drivers_sample)->Arg(0)->Arg(50)->Arg(100)->Arg(200)->ArgName("replicates")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
