// SPDX-License-Identifier: Apache-2.0
// Throughput of the Italian tokenizer in bytes/s, one thread, next to its peers measured on the
// same lines in the same process: ICU's word BreakIterator, libstemmer without a cache, and a
// naive ASCII whitespace split. Targets (issue #3): segmentation >= 150 MB/s, the full normalize
// pipeline (stopwords + stemming) >= 60 MB/s.
//
// Input: the file named by --corpus=PATH or $PERCHE_BENCH_CORPUS, one text a line; by default the
// project's own sample (benchmarks/data/comments_it.txt, the comments of the sample survey).
//     build/dev/benchmarks/bench_text --corpus=../shared/data/corpus/it_sentences.txt
#include <benchmark/benchmark.h>
#include <libstemmer.h>
#include <perche/text.hpp>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include "corpus.hpp"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using perche_bench::Corpus;
using perche_bench::corpus;

void run_lines(benchmark::State& state, auto&& fn) {
  const Corpus& c = corpus();
  std::size_t items = 0;
  for (auto _ : state) {
    for (const auto& line : c.lines) items += fn(line);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.bytes));
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate);
}

perche::text::TokenizerOptions plain() {
  perche::text::TokenizerOptions o;
  o.stopwords.reset();
  return o;
}

// One pass over the corpus before timing, as a long-running process has: the tokenizer's term
// table (and stem cache) then holds the corpus vocabulary. Without it, a benchmark of two or three
// iterations would charge one cold pass to the steady state; BM_normalize_stem_first_pass measures
// that cold pass on its own.
void warm(const perche::text::Tokenizer& tok) {
  for (const auto& line : corpus().lines) benchmark::DoNotOptimize(tok.normalize(line));
}

void BM_segment(benchmark::State& state) {
  const perche::text::Tokenizer tok(plain());
  run_lines(state, [&](const std::string& s) { return tok.segment(s).size(); });
}
BENCHMARK(BM_segment)->Unit(benchmark::kMillisecond);

void BM_tokenize(benchmark::State& state) {
  const perche::text::Tokenizer tok;
  warm(tok);
  run_lines(state, [&](const std::string& s) { return tok.tokenize(s).size(); });
}
BENCHMARK(BM_tokenize)->Unit(benchmark::kMillisecond);

void BM_normalize(benchmark::State& state) {  // lowercase, accents, stopwords; no stemming
  const perche::text::Tokenizer tok;
  warm(tok);
  run_lines(state, [&](const std::string& s) { return tok.normalize(s).size(); });
}
BENCHMARK(BM_normalize)->Unit(benchmark::kMillisecond);

void BM_normalize_stem(benchmark::State& state) {  // the full pipeline: stopwords + stemming
  perche::text::TokenizerOptions o;
  o.stem = true;
  const perche::text::Tokenizer tok(o);
  warm(tok);
  run_lines(state, [&](const std::string& s) { return tok.normalize(s).size(); });
}
BENCHMARK(BM_normalize_stem)->Unit(benchmark::kMillisecond);

// The same pipeline on a new tokenizer each iteration: every word of the corpus is folded and
// stemmed once (Snowball through libstemmer) before its later occurrences hit the term table.
void BM_normalize_stem_first_pass(benchmark::State& state) {
  perche::text::TokenizerOptions o;
  o.stem = true;
  const Corpus& c = corpus();
  for (auto _ : state) {
    const perche::text::Tokenizer tok(o);
    for (const auto& line : c.lines) benchmark::DoNotOptimize(tok.normalize(line));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.bytes));
}
BENCHMARK(BM_normalize_stem_first_pass)->Unit(benchmark::kMillisecond);

void BM_normalize_batch_2threads(benchmark::State& state) {
  perche::text::TokenizerOptions o;
  o.stem = true;
  const perche::text::Tokenizer tok(o);
  const Corpus& c = corpus();
  const std::vector<std::string_view> views(c.lines.begin(), c.lines.end());
  // Warm both workers' stem caches first, as the single-thread benchmarks are by their repetitions
  // (one iteration of this one lasts long enough to be the only one).
  benchmark::DoNotOptimize(tok.normalize_batch(views, 2));
  for (auto _ : state) benchmark::DoNotOptimize(tok.normalize_batch(views, 2));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.bytes));
}
BENCHMARK(BM_normalize_batch_2threads)->Unit(benchmark::kMillisecond)->UseRealTime();

// Peer: ICU's word BreakIterator over UTF-8 (UText, no conversion to UTF-16), counting the
// boundaries of non-space segments.
void BM_peer_icu_word_break(benchmark::State& state) {
  UErrorCode st = U_ZERO_ERROR;
  UBreakIterator* bi = ubrk_open(UBRK_WORD, "it", nullptr, 0, &st);
  if (U_FAILURE(st)) {
    state.SkipWithError("ubrk_open failed");
    return;
  }
  run_lines(state, [&](const std::string& s) {
    UErrorCode e = U_ZERO_ERROR;
    UText* ut = utext_openUTF8(nullptr, s.data(), static_cast<int64_t>(s.size()), &e);
    ubrk_setUText(bi, ut, &e);
    std::size_t n = 0;
    for (int32_t b = ubrk_next(bi); b != UBRK_DONE; b = ubrk_next(bi))
      if (ubrk_getRuleStatus(bi) != UBRK_WORD_NONE) ++n;
    utext_close(ut);
    return n;
  });
  ubrk_close(bi);
}
BENCHMARK(BM_peer_icu_word_break)->Unit(benchmark::kMillisecond);

// Peer: Snowball's C stemmer without a cache on the words of perche's segmentation (words only).
void BM_peer_snowball_uncached(benchmark::State& state) {
  const perche::text::Tokenizer tok(plain());
  std::vector<std::string> words;
  for (const auto& line : corpus().lines)
    for (const auto& t : tok.tokenize(line))
      if (t.kind == perche::text::TokenKind::word) words.push_back(t.norm);
  sb_stemmer* st = sb_stemmer_new("italian", "UTF_8");
  for (auto _ : state)
    for (const auto& w : words)
      benchmark::DoNotOptimize(
          sb_stemmer_stem(st, reinterpret_cast<const sb_symbol*>(w.data()), static_cast<int>(w.size())));
  sb_stemmer_delete(st);
  state.counters["words/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * words.size()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_peer_snowball_uncached)->Unit(benchmark::kMillisecond);

// Peer: the naive ASCII split on spaces (what "fast" means without any Unicode).
void BM_peer_ascii_split(benchmark::State& state) {
  run_lines(state, [](const std::string& s) {
    std::size_t n = 0;
    bool in = false;
    for (char c : s) {
      const bool sp = c == ' ' || c == '\t';
      n += !sp && !in;
      in = !sp;
    }
    return n;
  });
}
BENCHMARK(BM_peer_ascii_split)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) { return perche_bench::run(argc, argv); }
