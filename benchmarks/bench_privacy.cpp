// SPDX-License-Identifier: Apache-2.0
// Throughput of the personal-data scan (perche/privacy.hpp) in bytes/s, one thread. Target
// (issue #20): find_pii >= 150 MB/s on ordinary Italian text, which holds almost no personal data
// (the common case: most lines have no digit, '@' or cue word to look at). BM_find_pii_dense runs
// on comments that each hold several identifiers, the slow path. Presidio-style regex scanning is
// measured beside it by benchmarks/eval_pii.py (Python re, same machine).
//
//     build/dev/benchmarks/bench_privacy --corpus=../shared/data/corpus/it_sentences.txt
#include <benchmark/benchmark.h>
#include <perche/privacy.hpp>

#include "corpus.hpp"

#include <string>
#include <vector>

namespace {

using perche_bench::corpus;

void BM_find_pii(benchmark::State& state) {
  const auto& c = corpus();
  std::size_t spans = 0;
  for (auto _ : state)
    for (const auto& line : c.lines) spans += perche::find_pii(line).size();
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.bytes));
  state.counters["spans"] = static_cast<double>(spans) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_find_pii)->Unit(benchmark::kMillisecond);

void BM_mask(benchmark::State& state) {
  const auto& c = corpus();
  for (auto _ : state)
    for (const auto& line : c.lines) benchmark::DoNotOptimize(perche::mask(line));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.bytes));
}
BENCHMARK(BM_mask)->Unit(benchmark::kMillisecond);

// Comments full of identifiers: every line has a phone, an e-mail, an IBAN, a codice fiscale and
// a name after a cue.
void BM_find_pii_dense(benchmark::State& state) {
  const std::vector<std::string> lines = {
      "Buongiorno, mi chiamo Mario Rossi, cell 347 123 4567, mail mario.rossi@example.it",
      "IBAN IT60 X054 2811 1010 0000 0123 456 e codice fiscale RSSMRA80A01H501U, grazie",
      "l'operatrice Giulia mi ha dato il ticket 12345678901 e la pratica n. 0212345678",
      "carta 4111 1111 1111 1111 addebitata due volte, abito in via Roma 12, Milano",
  };
  std::size_t bytes = 0;
  for (const auto& l : lines) bytes += l.size() + 1;
  for (auto _ : state)
    for (const auto& line : lines) benchmark::DoNotOptimize(perche::find_pii(line));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_find_pii_dense);

}  // namespace

int main(int argc, char** argv) { return perche_bench::run(argc, argv); }
