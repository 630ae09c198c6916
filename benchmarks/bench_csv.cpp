// SPDX-License-Identifier: Apache-2.0
// CSV reader throughput in bytes/s (issue #17: at least as fast as pandas.read_csv; the peer runs
// in benchmarks/compare_csv.py). The input is made in memory: survey-like rows (id, date, channel,
// segment, NPS, the corpus's comments quoted, 2% with a doubled quote, 1% with a line break inside
// the quotes), as UTF-8 and, converted byte for byte where it can be, as Windows-1252; and one
// quoted field of 64 KB to 16 MB, whose time must grow linearly (BigO).
//     build/dev/benchmarks/bench_csv [--corpus=PATH] [--benchmark_filter=utf8]
#include <benchmark/benchmark.h>
#include <perche/csv.hpp>

#include "corpus.hpp"

#include <string>

namespace {

/// `rows` survey rows cycling through the corpus; the header is the sample survey's.
std::string survey_csv(std::size_t rows) {
  static constexpr const char* kChannels[] = {"telefono", "chat", "email", "app", "negozio"};
  const auto& lines = perche_bench::corpus().lines;
  std::string out = "id,data,canale,segmento,nps,motivo\n";
  for (std::size_t i = 0; i < rows; ++i) {
    out += std::to_string(i + 1);
    out += ",2025-";
    out += std::to_string(10 + i % 3);
    out += '-';
    out += std::to_string(10 + i % 19);
    out += ',';
    out += kChannels[i % 5];
    out += i % 4 ? ",B2C," : ",B2B,";
    out += std::to_string(i * 7 % 11);
    out += ",\"";
    if (i % 50 == 7) out += "il \"\"servizio\"\" ";
    out += lines[i % lines.size()];
    if (i % 100 == 3) out += "\nGrazie.";
    out += "\"\n";
  }
  return out;
}

/// UTF-8 to Windows-1252 for the Latin-1 range; other characters become '?'.
std::string to_cp1252(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
      const unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[++i]) & 0x3Fu);
      out += cp < 0x100 ? static_cast<char>(cp) : '?';
    } else {
      while (i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) ++i;
      out += '?';
    }
  }
  return out;
}

void run(benchmark::State& state, const std::string& csv) {
  std::size_t rows = 0;
  for (auto _ : state) {
    const auto t = perche::read_csv(csv);
    rows += t.rows();
    benchmark::DoNotOptimize(t.cell(0, 0).data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * csv.size()));
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}

void BM_read_csv_utf8(benchmark::State& state) { run(state, survey_csv(static_cast<std::size_t>(state.range(0)))); }
BENCHMARK(BM_read_csv_utf8)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

void BM_read_csv_cp1252(benchmark::State& state) {
  run(state, to_cp1252(survey_csv(static_cast<std::size_t>(state.range(0)))));
}
BENCHMARK(BM_read_csv_cp1252)->Arg(100'000)->Unit(benchmark::kMillisecond);

// One quoted comment of N bytes with a doubled quote and a line break every few hundred bytes.
void BM_read_csv_long_field(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::string csv = "id,motivo\n1,\"";
  for (std::size_t i = 0; csv.size() < n; ++i) {
    csv += perche_bench::corpus().lines[i % perche_bench::corpus().lines.size()];
    csv += i % 5 ? " \"\"ok\"\" " : "\n";
  }
  csv += "\"\n";
  run(state, csv);
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_read_csv_long_field)
    ->RangeMultiplier(4)
    ->Range(64 << 10, 16 << 20)
    ->Complexity(benchmark::oN)
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) { return perche_bench::run(argc, argv); }
