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
  return 0;
}
