// SPDX-License-Identifier: Apache-2.0
// The whole survey job from C++: read a CSV export, analyse it (score with its interval, trend,
// segments, the drivers behind the score, verbatims) and print the JSON document, the same one
// `perche analyze --json` writes.
//
//     example_survey [FILE.csv]        (default: the sample survey installed with perche)
#include <perche/data_files.hpp>
#include <perche/survey.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

int main(int argc, char** argv) {
  try {
    // The sample survey lives beside the default model (share/perche, or examples/data in a build tree).
    const std::string path =
        argc > 1 ? argv[1]
                 : (std::filesystem::path(perche::default_model_path()).parent_path() / "survey.csv").string();
    const auto table = perche::read_csv_file(path);
    perche::SurveyOptions opts;
    opts.score = "nps";
    opts.text = "motivo";
    opts.date = "data";
    opts.by = {"canale"};
    const perche::SurveyAnalysis a = perche::analyze_survey(table, opts, path);  // the default model
    std::fputs(perche::to_json(a).c_str(), stdout);
    if (a.overall)
      std::fprintf(stderr, "NPS %+.1f [%+.1f, %+.1f], n=%llu; %zu drivers; %llu problems\n", a.overall->score,
                   a.overall->ci_low, a.overall->ci_high, static_cast<unsigned long long>(a.overall->n),
                   a.drivers.size(), static_cast<unsigned long long>(a.source.problems_total));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "example_survey: %s\n", e.what());
    return 2;
  }
}
