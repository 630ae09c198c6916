// SPDX-License-Identifier: Apache-2.0
// NPS of two channels from raw 0–10 answers, their difference, and a weekly trend.
#include <perche/perche.hpp>

#include <cstdint>
#include <cstdio>
#include <vector>

int main() {
  const std::vector<int> telefono{10, 9, 9, 8, 7, 6, 3, 10, 9, 2, 8, 9, 10, 5, 9};
  const std::vector<int> chat{10, 10, 9, 9, 8, 9, 10, 7, 9, 10, 6, 9};

  // Counts merge exactly: build them wherever the data lives, then add.
  perche::NpsCounts tel, cht;
  tel.add(telefono);
  cht.add(chat);
  const auto all = perche::nps(tel + cht);
  std::printf("NPS %.1f  95%% CI [%.1f, %.1f]  n=%llu\n", all->score, all->ci_low, all->ci_high,
              static_cast<unsigned long long>(all->n));

  if (const auto d = perche::nps_compare(cht, tel))
    std::printf("chat − telefono: %+.1f points, z=%.2f, p=%.3f\n", d->diff, d->z, d->p_value);

  const std::vector<std::int64_t> week{1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3};
  const auto trend = perche::nps_trend(telefono, week);
  for (const auto& p : trend.periods)
    std::printf("week %lld: NPS %.1f [%.1f, %.1f]\n", static_cast<long long>(p.period), p.result.score, p.result.ci_low,
                p.result.ci_high);
  std::printf("needed for ±5 points: %llu responses\n", static_cast<unsigned long long>(perche::nps_sample_size(5.0)));
  return 0;
}
