// SPDX-License-Identifier: Apache-2.0
// The sentiment classifier's hot paths, one thread: the shipped default model (lexicon + rules) on
// every corpus line through the per-comment path, one short comment end to end, and a model with
// word features fitted on the corpus (labels derived from the default model's own predictions, so
// that the benchmark needs no labelled file: the timing does not depend on what they mean).
// Issue #18 target: the default model ≥ 50,000 comments/s single-threaded one call at a time from
// Python (benchmarks/eval_sentiment.py --speed measures that path).
//     build/dev/benchmarks/bench_sentiment --corpus=../shared/data/corpus/it_sentences.txt
#include <benchmark/benchmark.h>
#include <perche/sentiment.hpp>

#include "corpus.hpp"

#include <string>
#include <vector>

namespace {

const perche::SentimentClassifier& default_model() {
  static const perche::SentimentClassifier m = perche::SentimentClassifier::default_model();
  return m;
}

const std::vector<std::string_view>& texts() {
  static const std::vector<std::string_view> v = [] {
    std::vector<std::string_view> out;
    for (const auto& l : perche_bench::corpus().lines) out.push_back(l);
    if (out.size() > 20000) out.resize(20000);
    return out;
  }();
  return v;
}

std::size_t bytes_of(const std::vector<std::string_view>& v) {
  std::size_t n = 0;
  for (auto t : v) n += t.size();
  return n;
}

const perche::SentimentClassifier& word_model() {
  static const perche::SentimentClassifier m = [] {
    const auto& t = texts();
    perche::SentimentOptions o;
    o.threads = 1;
    perche::SentimentClassifier clf(o, default_model().lexicon());
    clf.fit(t, default_model().predict(t));
    return clf;
  }();
  return m;
}

void each_comment(benchmark::State& state, const perche::SentimentClassifier& m) {
  const auto& t = texts();
  for (auto _ : state)
    for (const std::string_view s : t) benchmark::DoNotOptimize(m.predict_proba(s));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes_of(t)));
  state.counters["texts/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * t.size()), benchmark::Counter::kIsRate);
}

// model:0 the shipped default (lexicon features only), model:1 with word features.
void BM_sentiment_each_comment(benchmark::State& state) {
  each_comment(state, state.range(0) == 0 ? default_model() : word_model());
}
BENCHMARK(BM_sentiment_each_comment)->Arg(0)->Arg(1)->ArgName("model")->Unit(benchmark::kMillisecond);

void BM_sentiment_one_comment(benchmark::State& state) {
  const auto& m = default_model();
  const std::string comment = "l'operatore è stato gentile ma ho aspettato 40 minuti, non va bene!";
  for (auto _ : state) benchmark::DoNotOptimize(m.predict_proba(std::string_view(comment)));
}
BENCHMARK(BM_sentiment_one_comment)->Unit(benchmark::kMicrosecond);

void BM_sentiment_default_model(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(perche::SentimentClassifier::default_model());
}
BENCHMARK(BM_sentiment_default_model)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) { return perche_bench::run(argc, argv); }
