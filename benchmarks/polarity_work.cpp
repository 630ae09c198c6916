// SPDX-License-Identifier: Apache-2.0
// Drivers + polarity against drivers alone, as work to count in instructions: on this shared
// machine times drift by a third from run to run, instruction counts repeat exactly.
//
//   polarity_work MODEL CORPUS MODE      (one thread; CORPUS: one comment a line)
//
// MODE 0: predict; 1: predict twice; 2: predict, then predict_polarity; 3: predict, then
// predict_polarity twice. Under callgrind, (1 − 0) is a warm predict and (3 − 2) a warm
// predict_polarity (each tokenizer's term cache filled by the run before it):
// benchmarks/polarity_instructions.py runs the four and prints the ratio.
#include <perche/classify.hpp>

#include <cstdio>
#include <exception>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 4 || std::string_view(argv[3]).size() != 1 || argv[3][0] < '0' || argv[3][0] > '3') {
    std::fprintf(stderr, "usage: polarity_work MODEL CORPUS MODE (MODE 0-3)\n");
    return 2;
  }
  try {
    auto model = perche::DriverClassifier::load(argv[1]);
    if (!model.has_sentiment()) {
      std::fprintf(stderr, "polarity_work: %s is not a driver + sentiment model\n", argv[1]);
      return 2;
    }
    model.set_threads(1);
    std::ifstream in(argv[2]);
    if (!in) {
      std::fprintf(stderr, "polarity_work: cannot open %s\n", argv[2]);
      return 2;
    }
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    const std::vector<std::string_view> texts(lines.begin(), lines.end());
    const int mode = argv[3][0] - '0';
    std::size_t rows = model.predict(texts).rows();
    if (mode == 1) rows += model.predict(texts).rows();
    if (mode >= 2) rows += model.predict_polarity(texts).positive.rows();
    if (mode == 3) rows += model.predict_polarity(texts).positive.rows();
    std::printf("%zu rows\n", rows);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "polarity_work: %s\n", e.what());
    return 1;
  }
  return 0;
}
