// SPDX-License-Identifier: Apache-2.0
// Distribution functions behind the intervals. Reference values: scipy 1.17 (scipy.stats.norm,
// scipy.stats.t, scipy.special.betainc) and statsmodels 0.15 (proportion_confint, multipletests),
// computed outside this code base.
#include <doctest/doctest.h>

#include <perche/metrics.hpp>

#include <cmath>
#include <vector>

using doctest::Approx;
namespace d = perche::detail;

TEST_CASE("normal quantile matches scipy to 1e-12") {
  CHECK(d::normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-13));
  CHECK(d::normal_quantile(0.995) == Approx(2.5758293035489004).epsilon(1e-13));
  CHECK(d::normal_quantile(1e-10) == Approx(-6.361340902404056).epsilon(1e-12));
  CHECK(d::normal_quantile(0.5) == Approx(0.0).epsilon(1e-15));
  CHECK(d::normal_quantile(0.025) == Approx(-1.959963984540054).epsilon(1e-13));
}

TEST_CASE("student t quantile and CDF match scipy") {
  CHECK(d::student_t_quantile(0.975, 10) == Approx(2.228138851986274).epsilon(1e-11));
  CHECK(d::student_t_quantile(0.975, 1) == Approx(12.706204736174694).epsilon(1e-11));
  CHECK(d::student_t_quantile(0.975, 2.5) == Approx(3.5746548420036817).epsilon(1e-11));
  CHECK(d::student_t_quantile(0.9, 30) == Approx(1.3104150253913955).epsilon(1e-11));
  CHECK(d::student_t_cdf(1.5, 7) == Approx(0.911350756505015).epsilon(1e-12));
  CHECK(d::student_t_cdf(-2, 3) == Approx(0.06966298427942152).epsilon(1e-12));
}

TEST_CASE("regularized incomplete beta matches scipy.special.betainc") {
  CHECK(d::incomplete_beta(2.5, 0.5, 0.3) == Approx(0.018927124071945658).epsilon(1e-12));
  CHECK(d::incomplete_beta(50, 60, 0.45) == Approx(0.4642352914306031).epsilon(1e-11));
  CHECK(d::incomplete_beta(3, 4, 0.0) == 0.0);
  CHECK(d::incomplete_beta(3, 4, 1.0) == 1.0);
}

TEST_CASE("wilson interval matches statsmodels proportion_confint") {
  double lo = 0, hi = 0;
  d::wilson_interval(0.8, 100, d::z_critical(0.95), lo, hi);
  CHECK(lo == Approx(0.7111708344068411).epsilon(1e-12));
  CHECK(hi == Approx(0.8666330666689676).epsilon(1e-12));
  d::wilson_interval(0.0, 10, d::z_critical(0.95), lo, hi);
  CHECK(lo == 0.0);
  CHECK(hi == Approx(0.27753279986288926).epsilon(1e-12));
  d::wilson_interval(7.0 / 40.0, 40, d::z_critical(0.90), lo, hi);
  CHECK(lo == Approx(0.09776044308911717).epsilon(1e-12));
  CHECK(hi == Approx(0.2934192985304306).epsilon(1e-12));
}

TEST_CASE("holm and benjamini-hochberg match statsmodels multipletests") {
  const std::vector<double> p{0.01, 0.04, 0.03, 0.20, 0.005};
  const std::vector<double> holm{0.04, 0.09, 0.09, 0.2, 0.025};
  const std::vector<double> bh{0.025, 0.05, 0.05, 0.2, 0.025};
  const auto h = perche::p_adjust_holm(p);
  const auto b = perche::p_adjust_bh(p);
  for (std::size_t i = 0; i < p.size(); ++i) {
    CHECK(h[i] == Approx(holm[i]).epsilon(1e-12));
    CHECK(b[i] == Approx(bh[i]).epsilon(1e-12));
  }
  CHECK(perche::p_adjust_holm(std::vector<double>{}).empty());
  CHECK_THROWS_WITH_AS(perche::p_adjust_bh(std::vector<double>{0.1, 1.5}),
                       "p_adjust_bh: p-value 1.5 at index 1 is outside [0, 1]", std::invalid_argument);
}

TEST_CASE("bootstrap percentile bounds sit at numpy's method='weibull' positions (Hyndman & Fan definition 6)") {
  // References: numpy.quantile(x, q, method="weibull") (numpy 2.x), computed outside this code base.
  std::vector<double> x{1.0, 1.5, 2.0, 3.0, 3.5, 4.0, 5.0, 5.5, 6.0, 9.0};     // sorted
  CHECK(d::sorted_quantile_unbiased(x, 0.025) == Approx(1.0).epsilon(1e-15));  // below position 1: the minimum
  CHECK(d::sorted_quantile_unbiased(x, 0.3) == Approx(2.3).epsilon(1e-14));
  CHECK(d::sorted_quantile_unbiased(x, 0.5) == Approx(3.75).epsilon(1e-14));
  CHECK(d::sorted_quantile_unbiased(x, 0.975) == Approx(9.0).epsilon(1e-15));  // above position m: the maximum
  std::vector<double> y(100);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = std::pow(static_cast<double>(i), 1.5);
  CHECK(d::sorted_quantile_unbiased(y, 0.025) == Approx(1.9599242404917496).epsilon(1e-13));
  CHECK(d::sorted_quantile_unbiased(y, 0.975) == Approx(962.3745728557395).epsilon(1e-13));
  // 100 replicates: definition 7 (numpy's default, 3.9530966412774005 and 948.3400126401182) sat
  // inside, enclosing about 93% of the replicate distribution for a nominal 95%.
  double lo = 0.0, hi = 0.0, sd = 0.0;
  d::percentile_interval(y, 0.95, lo, hi, sd);
  CHECK(lo == Approx(1.9599242404917496).epsilon(1e-13));
  CHECK(hi == Approx(962.3745728557395).epsilon(1e-13));
}
