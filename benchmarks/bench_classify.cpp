// SPDX-License-Identifier: Apache-2.0
// The driver classifier's hot paths, one thread unless the name says otherwise: TF-IDF
// fit_transform (bytes/s), DriverClassifier training, batch prediction from raw text, every corpus
// line through the per-comment path, and one short comment end to end (the per-contact path; issue
// #4 target ≤ 10 µs from C++).
//
// Input: --corpus=PATH or $PERCHE_BENCH_CORPUS, one text a line (default: the project's sample,
// benchmarks/data/comments_it.txt). Labels for training are derived from keyword families so the
// benchmark needs no labelled file: the timing does not depend on what the labels mean.
//     build/dev/benchmarks/bench_classify --corpus=../shared/data/corpus/it_sentences.txt
#include <benchmark/benchmark.h>
#include <perche/classify.hpp>
#include <perche/data_files.hpp>

#include "corpus.hpp"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Data {
  std::vector<std::string> lines;
  std::vector<std::string_view> views;
  std::size_t bytes = 0;
  perche::LabelMatrix Y;
};

// Keyword families → 4 pseudo-drivers (a line may have several or none).
const std::vector<std::vector<const char*>> kFamilies = {
    {"attesa", "aspett", "tempo", "ore", "minuti"},
    {"gentil", "cortes", "scortes", "operat"},
    {"prezz", "cost", "car", "eur"},
    {"non ", "mai", "nessun"},
};

const Data& data() {
  static const Data d = [] {
    Data r;
    r.lines = perche_bench::corpus().lines;
    r.bytes = perche_bench::corpus().bytes;
    r.views.assign(r.lines.begin(), r.lines.end());
    r.Y = perche::LabelMatrix(r.lines.size(), kFamilies.size());
    for (std::size_t i = 0; i < r.lines.size(); ++i)
      for (std::size_t j = 0; j < kFamilies.size(); ++j) {
        bool hit = false;
        for (const char* k : kFamilies[j]) hit = hit || r.lines[i].find(k) != std::string::npos;
        r.Y(i, j) = hit;
      }
    return r;
  }();
  return d;
}

// A training subset of at most 5,000 lines (training cost grows with lines × iterations).
std::span<const std::string_view> train_texts() {
  const auto& d = data();
  return {d.views.data(), std::min<std::size_t>(d.views.size(), 5000)};
}
perche::LabelMatrix train_labels() {
  const auto& Y = data().Y;
  const std::size_t n = train_texts().size();
  return perche::LabelMatrix(n, Y.cols(), std::vector<std::uint8_t>(Y.data(), Y.data() + n * Y.cols()));
}

perche::DriverOptions options(int folds, unsigned threads) {
  perche::DriverOptions o;
  o.cv_folds = folds;
  o.threads = threads;
  return o;
}

const perche::DriverClassifier& model() {
  static const perche::DriverClassifier m = [] {
    perche::DriverClassifier c({"attesa", "cortesia", "prezzo", "negazione"}, options(0, 0));
    c.fit(train_texts(), train_labels());
    return c;
  }();
  return m;
}

void BM_tfidf_fit_transform(benchmark::State& state) {
  const auto& d = data();
  const auto threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    perche::TfidfVectorizer v;
    benchmark::DoNotOptimize(v.fit_transform(d.views, threads));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.bytes));
}
BENCHMARK(BM_tfidf_fit_transform)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_driver_fit(benchmark::State& state) {
  const auto texts = train_texts();
  const auto Y = train_labels();
  for (auto _ : state) {
    perche::DriverClassifier c({"attesa", "cortesia", "prezzo", "negazione"},
                               options(static_cast<int>(state.range(0)), static_cast<unsigned>(state.range(1))));
    c.fit(texts, Y);
    benchmark::DoNotOptimize(c.thresholds());
  }
  state.counters["texts"] = static_cast<double>(texts.size());
}
BENCHMARK(BM_driver_fit)
    ->Args({0, 1})
    ->Args({0, 2})
    ->Args({5, 2})
    ->ArgNames({"folds", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

void BM_predict_batch(benchmark::State& state) {
  const auto& d = data();
  const auto& m = model();
  for (auto _ : state) benchmark::DoNotOptimize(m.predict_proba(d.views));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.bytes));
  state.counters["texts/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * d.views.size()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_predict_batch)->Unit(benchmark::kMillisecond)->UseRealTime();

// predict_proba(text) on every line of the corpus in turn, one thread: the per-comment path
// (tokenize, TF-IDF row, logistic) that batch prediction runs on each thread. model:0 is the model
// fitted above (4 drivers), model:1 the shipped default model (what examples/survey.cpp uses).
void BM_predict_each_comment(benchmark::State& state) {
  static const perche::DriverClassifier shipped = perche::DriverClassifier::load(perche::default_model_path());
  const auto& d = data();
  const auto& m = state.range(0) == 0 ? model() : shipped;
  for (auto _ : state)
    for (const std::string_view t : d.views) benchmark::DoNotOptimize(m.predict_proba(t));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.bytes));
  state.counters["texts/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * d.views.size()), benchmark::Counter::kIsRate);
  state.counters["s/text"] = benchmark::Counter(static_cast<double>(state.iterations() * d.views.size()),
                                                benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_predict_each_comment)->Arg(0)->Arg(1)->ArgName("model")->Unit(benchmark::kMillisecond);

// The shipped driver + sentiment model on the corpus, one thread: what:0 the drivers alone
// (predict), what:1 the drivers and their polarity (predict_polarity, which reads the presence
// too), what:2 the presence probabilities with the present drivers' polarity probabilities
// (predict_proba_with_polarity, what analyze_survey calls). Issue #18 target: what:1 ≤ 1.5 × what:0.
void BM_drivers_and_sentiment(benchmark::State& state) {
  static const perche::DriverClassifier shipped = [] {
    auto m = perche::DriverClassifier::load(perche::default_model_path());
    m.set_threads(1);
    return m;
  }();
  const auto& d = data();
  for (auto _ : state) {
    if (state.range(0) == 0)
      benchmark::DoNotOptimize(shipped.predict(d.views));
    else if (state.range(0) == 1)
      benchmark::DoNotOptimize(shipped.predict_polarity(d.views));
    else
      benchmark::DoNotOptimize(shipped.predict_proba_with_polarity(d.views));
  }
  state.counters["texts/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * d.views.size()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_drivers_and_sentiment)->Arg(0)->Arg(1)->Arg(2)->ArgName("what")->Unit(benchmark::kMillisecond);

void BM_predict_one_comment(benchmark::State& state) {
  const auto& m = model();
  const std::string comment = "l'operatore è stato gentile ma ho aspettato 40 minuti";
  for (auto _ : state) benchmark::DoNotOptimize(m.predict_proba(std::string_view(comment)));
}
BENCHMARK(BM_predict_one_comment)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) { return perche_bench::run(argc, argv); }
