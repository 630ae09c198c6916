// SPDX-License-Identifier: Apache-2.0
#ifdef PERCHE_METRICS_ONLY
#include <perche/metrics.hpp>  // perche::metrics is header-only
#else
#include <perche/perche.hpp>
#endif

#include <cmath>
#include <cstdio>

int main() {
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
#endif
  return 0;
}
