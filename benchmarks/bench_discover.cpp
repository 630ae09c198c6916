// SPDX-License-Identifier: Apache-2.0
// Theme discovery (issue #19 target: 100,000 comments ≤ 5 s on a 2-core machine, peak memory ≤ 1 GB)
// on generated hotel-review comments: 1-3 clauses drawn from 8 themes of 12 phrases each, with
// filler words, from a fixed generator (no data file). Reports comments/s, bytes/s and the peak
// resident memory of the process during the call (VmHWM).
//     build/dev/benchmarks/bench_discover --benchmark_filter=discover/100000
#include <benchmark/benchmark.h>
#include <perche/discover.hpp>

#include "../tests/peak_rss.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace {

std::vector<std::string> generated(std::size_t n) {
  static const std::vector<std::vector<const char*>> themes = {
      {"personale gentile", "reception cortese", "staff disponibile", "personale scortese", "receptionist simpatica",
       "personale cordiale e professionale", "accoglienza calorosa", "staff poco disponibile", "portiere gentilissimo",
       "personale della reception efficiente", "check-in veloce", "attesa lunga al check-in"},
      {"colazione abbondante", "colazione varia", "buffet ricco", "colazione scarsa", "cornetti freschi",
       "caffè pessimo", "dolci fatti in casa", "poca scelta a colazione", "succhi freschi", "sala colazione piccola",
       "colazione inclusa nel prezzo", "prodotti di qualità"},
      {"posizione centrale", "vicino alla stazione", "zona tranquilla", "comodo per il centro", "a due passi dal duomo",
       "lontano dai mezzi", "fermata della metro vicina", "quartiere rumoroso", "facile da raggiungere",
       "parcheggio difficile in zona", "vista sul mare", "centro storico a piedi"},
      {"camera pulita", "bagno sporco", "lenzuola macchiate", "pulizia impeccabile", "polvere ovunque",
       "asciugamani puliti", "odore di muffa", "camera ordinata", "pavimento sporco", "bagno pulitissimo",
       "pulizia scarsa", "igiene perfetta"},
      {"letto comodo", "materasso scomodo", "camera spaziosa", "rumore dalla strada", "aria condizionata rotta",
       "cuscini morbidi", "camera piccola", "insonorizzazione pessima", "riscaldamento assente", "doccia stretta",
       "finestre rumorose", "arredamento datato"},
      {"prezzo onesto", "troppo caro", "rapporto qualità prezzo ottimo", "costo eccessivo", "tassa di soggiorno alta",
       "conveniente", "prezzi del minibar assurdi", "parcheggio a pagamento caro", "economico", "vale il prezzo",
       "supplemento inaspettato", "tariffa conveniente"},
      {"wifi lento", "connessione assente", "wi-fi gratuito", "internet veloce", "rete instabile",
       "wifi solo nella hall", "password del wifi", "segnale debole", "connessione ottima", "wifi a pagamento",
       "internet non funzionava", "rete wifi veloce"},
      {"piscina bellissima", "palestra attrezzata", "parcheggio comodo", "ristorante ottimo", "spa rilassante",
       "ascensore rotto", "navetta per l'aeroporto", "bar sulla terrazza", "piscina fredda", "sauna chiusa",
       "servizio in camera", "garage custodito"}};
  static const char* fillers[] = {"", "davvero ", "molto ", "purtroppo ", "nel complesso ", "secondo me "};
  std::vector<std::string> out;
  out.reserve(n);
  std::uint64_t s = 88172645463325252ull;
  const auto next = [&] {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;  // xorshift64 (Marsaglia 2003)
    return s;
  };
  for (std::size_t i = 0; i < n; ++i) {
    std::string t;
    const std::size_t clauses = 1 + next() % 3;
    for (std::size_t c = 0; c < clauses; ++c) {
      const auto& th = themes[next() % themes.size()];
      if (c) t += ", ";
      t += fillers[next() % 6];
      t += th[next() % th.size()];
    }
    out.push_back(std::move(t));
  }
  return out;
}

void discover(benchmark::State& state) {
  const auto texts = generated(static_cast<std::size_t>(state.range(0)));
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  std::size_t bytes = 0;
  for (auto t : v) bytes += t.size();
  perche_test::reset_peak_rss();
  std::size_t themes = 0;
  for (auto _ : state) {
    const perche::Themes th = perche::discover(v);
    themes = th.themes().size();
    benchmark::DoNotOptimize(themes);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["comments/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * v.size()), benchmark::Counter::kIsRate);
  state.counters["themes"] = static_cast<double>(themes);
  state.counters["peak_MB"] = static_cast<double>(perche_test::peak_rss()) / 1e6;
}
BENCHMARK(discover)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

void assign(benchmark::State& state) {
  const auto texts = generated(100000);
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  const perche::Themes th = perche::discover(std::span(v).first(10000));
  for (auto _ : state) benchmark::DoNotOptimize(th.assign(v));
  state.counters["comments/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * v.size()), benchmark::Counter::kIsRate);
}
BENCHMARK(assign)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
