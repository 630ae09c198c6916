// SPDX-License-Identifier: Apache-2.0
// The input of the text benchmarks: the file named by --corpus=PATH or $PERCHE_BENCH_CORPUS, one
// text a line; by default the project's sample (PERCHE_BENCH_DEFAULT_CORPUS, set by CMake).
#pragma once

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef PERCHE_BENCH_DEFAULT_CORPUS
#define PERCHE_BENCH_DEFAULT_CORPUS "benchmarks/data/comments_it.txt"
#endif

namespace perche_bench {

inline std::string& corpus_path() {
  static std::string path = PERCHE_BENCH_DEFAULT_CORPUS;
  return path;
}

struct Corpus {
  std::vector<std::string> lines;
  std::size_t bytes = 0;  // with one newline a line
};

inline const Corpus& corpus() {
  static const Corpus c = [] {
    std::ifstream in(corpus_path(), std::ios::binary);
    if (!in) throw std::runtime_error("cannot read corpus " + corpus_path());
    Corpus r;
    for (std::string line; std::getline(in, line);) {
      r.bytes += line.size() + 1;
      r.lines.push_back(std::move(line));
    }
    return r;
  }();
  return c;
}

// main() of a benchmark program: --corpus=PATH (or the env var), then Google Benchmark's flags.
inline int run(int argc, char** argv) {
  if (const char* env = std::getenv("PERCHE_BENCH_CORPUS")) corpus_path() = env;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--corpus=", 9) == 0)
      corpus_path() = argv[i] + 9;
    else
      rest.push_back(argv[i]);
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 1;
  try {
    std::cerr << "corpus: " << corpus_path() << " (" << corpus().lines.size() << " lines, " << corpus().bytes
              << " bytes)\n";
  } catch (const std::exception& e) {
    std::cerr << e.what() << '\n';
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace perche_bench
