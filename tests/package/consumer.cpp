// SPDX-License-Identifier: Apache-2.0
#ifdef PERCHE_METRICS_ONLY
#include <perche/metrics.hpp>  // perche::metrics is header-only
#else
#include <perche/perche.hpp>
#endif

#include <cmath>
#include <cstdio>
// perche's public headers include none of Eigen (its include directory is not on this program's
// path either: the package does not export it, tests/package/CMakeLists.txt checks).
#ifdef EIGEN_WORLD_VERSION
#error "a public perche header included Eigen"
#endif

#ifndef PERCHE_METRICS_ONLY
#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>
#endif

// argv[1], when given: the directory where default_model_path() and default_codebook_path() must
// find the installed model and codebook (run.cmake: <prefix>/share/perche).
int main(int argc, char** argv) {
  const auto r = perche::nps(perche::NpsCounts::from_counts(20, 30, 50));
  if (!r || std::fabs(r->score - 30.0) > 1e-9) {
    std::puts("consumer: unexpected NPS");
    return 1;
  }
  std::printf("consumer: NPS %.2f [%.2f, %.2f]\n", r->score, r->ci_low, r->ci_high);
#ifndef PERCHE_METRICS_ONLY
  const perche::text::Tokenizer tok;  // links ICU and libstemmer through the installed package
  const auto terms = tok.normalize("L'assistenza è stata un po' lenta");
  if (terms.empty() || terms.front() != "assistenza") {
    std::puts("consumer: unexpected tokens");
    return 1;
  }
  std::printf("consumer: %zu terms\n", terms.size());

  if (argc > 1) {
    namespace fs = std::filesystem;
    const std::string model_path = perche::default_model_path();
    const std::string codebook_path = perche::default_codebook_path();
    if (!fs::equivalent(fs::path(model_path).parent_path(), argv[1]) ||
        !fs::equivalent(fs::path(codebook_path).parent_path(), argv[1])) {
      std::printf("consumer: default data found at %s and %s, not in %s\n", model_path.c_str(), codebook_path.c_str(),
                  argv[1]);
      return 1;
    }
    const auto clf = perche::DriverClassifier::load(model_path);
    const std::vector<std::string_view> comment{"Ho aspettato un'ora al telefono prima di parlare con un operatore"};
    const auto p = clf.predict_proba(comment);
    const auto row = p.row(0);
    const auto best = static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin());
    const auto book = perche::Codebook::load(codebook_path);
    const auto matches = book.matches(comment.front());
    if (clf.drivers()[best] != "tempi_attesa" || matches.empty() ||
        book.drivers()[matches.front().driver] != "tempi_attesa") {
      std::puts("consumer: the default model or codebook does not find tempi_attesa in a waiting comment");
      return 1;
    }
    std::printf("consumer: %s (p = %.2f, default model at %s; codebook: %zu drivers)\n", clf.drivers()[best].c_str(),
                p(0, best), model_path.c_str(), book.drivers().size());
  }
#endif
  return 0;
}
