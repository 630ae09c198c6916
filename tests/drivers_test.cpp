// SPDX-License-Identifier: Apache-2.0
// Driver analysis. Reference values are computed by hand in the comments; the pytest suite checks
// the key-driver regressions against statsmodels and impact against a direct pandas computation.
#include <doctest/doctest.h>

#include <perche/drivers.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using doctest::Approx;
using perche::LabelMatrix;

namespace {

LabelMatrix matrix(std::size_t rows, std::size_t cols, const std::vector<std::pair<std::size_t, std::size_t>>& ones) {
  LabelMatrix m(rows, cols);
  for (auto [i, j] : ones) m(i, j) = 1;
  return m;
}

const std::vector<std::string> kAB{"attesa", "cortesia"};

// Scores 0 2 5 7 8 9 10 10 9 6: 4 promoters, 4 detractors, NPS 0.
// "attesa" is mentioned by the 0, 2 and 5; "cortesia" by the two 10s.
const std::vector<double> kScores{0, 2, 5, 7, 8, 9, 10, 10, 9, 6};
LabelMatrix ten_rows() { return matrix(10, 2, {{0, 0}, {1, 0}, {2, 0}, {6, 1}, {7, 1}}); }

}  // namespace

TEST_CASE("analyze_drivers: impact is the score of all minus the score without the mentioners") {
  const auto a = perche::analyze_drivers(kScores, ten_rows(), kAB);
  REQUIRE(a.drivers.size() == 2);
  CHECK(a.score == Approx(0.0));
  CHECK(a.n == 10);
  CHECK(a.n_text == 10);
  const auto& attesa = a.drivers[0];
  CHECK(attesa.mentions == 3);
  CHECK(attesa.share == Approx(0.3));
  CHECK(*attesa.score == Approx(-100.0));  // three detractors
  // Without them: 7 8 9 10 10 9 6 → 4 promoters, 1 detractor of 7 → NPS 300/7.
  CHECK(*attesa.impact == Approx(0.0 - 300.0 / 7.0));
  const auto& cortesia = a.drivers[1];
  // Without the two 10s: 0 2 5 7 8 9 9 6 → 2 promoters, 4 detractors of 8 → NPS −25.
  CHECK(*cortesia.impact == Approx(25.0));
  CHECK(*cortesia.score == Approx(100.0));
  // Priority matrix: mean share 0.25. Ten responses leave the intervals wide: a driver whose
  // interval includes zero is not_significant, whatever its share (issue 16).
  CHECK(a.share_threshold == Approx(0.25));
  for (const auto& d : a.drivers) {
    CAPTURE(d.driver);
    if (!d.impact_significant) CHECK(*d.quadrant == perche::Quadrant::not_significant);
  }
}

TEST_CASE("analyze_drivers: only a driver whose impact interval excludes zero gets an important-sounding quadrant") {
  // The ten rows twenty times: the same shares and impacts (attesa 0.3, −300/7; cortesia 0.2, +25),
  // with intervals narrow enough to exclude zero. attesa 0.3 ≥ 0.25 and negative → fix;
  // cortesia 0.2 < 0.25 and positive → minor.
  std::vector<double> scores;
  std::vector<std::pair<std::size_t, std::size_t>> ones;
  for (std::size_t r = 0; r < 20; ++r) {
    for (std::size_t i = 0; i < 10; ++i) scores.push_back(kScores[i]);
    for (auto [i, j] : std::vector<std::pair<std::size_t, std::size_t>>{{0, 0}, {1, 0}, {2, 0}, {6, 1}, {7, 1}})
      ones.push_back({10 * r + i, j});
  }
  const auto a = perche::analyze_drivers(scores, matrix(200, 2, ones), kAB);
  REQUIRE(a.drivers[0].impact_significant);
  REQUIRE(a.drivers[1].impact_significant);
  CHECK(*a.drivers[0].quadrant == perche::Quadrant::fix);
  CHECK(*a.drivers[1].quadrant == perche::Quadrant::minor);

  // A frequent driver with a small negative impact and an interval across zero (the issue's
  // −0.9 [−3.0, +1.2]): mentioned by half of the responses, whose scores match the others' but one.
  std::vector<double> flat;
  std::vector<std::pair<std::size_t, std::size_t>> half;
  for (std::size_t i = 0; i < 200; ++i) {
    flat.push_back(static_cast<double>(i % 11));
    if (i % 2 == 0) half.push_back({i, 0});
  }
  const auto b = perche::analyze_drivers(flat, matrix(200, 2, half), kAB);
  REQUIRE(b.drivers[0].impact);
  CHECK(b.drivers[0].share >= b.share_threshold);
  CHECK_FALSE(b.drivers[0].impact_significant);
  CHECK(*b.drivers[0].quadrant == perche::Quadrant::not_significant);
}

TEST_CASE("analyze_drivers: the bootstrap interval holds the impact, repeats for a seed and narrows with n") {
  std::vector<double> scores;
  std::vector<std::pair<std::size_t, std::size_t>> ones;
  for (std::size_t r = 0; r < 50; ++r)
    for (std::size_t i = 0; i < kScores.size(); ++i) {
      if (i < 3) ones.push_back({scores.size(), 0});
      if (i == 6 || i == 7) ones.push_back({scores.size(), 1});
      scores.push_back(kScores[i]);
    }
  const auto m = matrix(scores.size(), 2, ones);
  const auto a = perche::analyze_drivers(scores, m, kAB);
  const auto b = perche::analyze_drivers(scores, m, kAB);
  perche::DriverAnalysisOptions every;
  every.min_mentions = 0;  // ten rows: 3 and 2 mentions, intervals only on request
  const auto small = perche::analyze_drivers(kScores, ten_rows(), kAB, {}, {}, every);
  for (std::size_t j = 0; j < 2; ++j) {
    const auto& d = a.drivers[j];
    CHECK(*d.impact_ci_low <= *d.impact);
    CHECK(*d.impact >= *d.impact_ci_low);
    CHECK(*d.impact <= *d.impact_ci_high);
    CHECK(*d.impact_ci_low == b.drivers[j].impact_ci_low);
    CHECK(*d.impact_ci_high == b.drivers[j].impact_ci_high);
    CHECK(d.impact_significant);
    CHECK(*d.impact_ci_high - *d.impact_ci_low < *small.drivers[j].impact_ci_high - *small.drivers[j].impact_ci_low);
  }
  // Same impact at any n: the statistic depends on shares only.
  CHECK(*a.drivers[0].impact == Approx(*small.drivers[0].impact));
}

TEST_CASE("analyze_drivers: a single driver's odds ratio is the 2x2 table's cross product, SE Woolf's") {
  // Mentioners: 30 detractors (score 0), 10 promoters (10). Others: 20 detractors, 40 promoters.
  // OR = 30·40 / (10·20) = 6; SE(log OR) = √(1/30 + 1/10 + 1/20 + 1/40) = 0.456435 (Woolf 1955).
  std::vector<double> scores;
  std::vector<std::pair<std::size_t, std::size_t>> ones;
  auto add = [&](int count, double score, bool mention) {
    for (int c = 0; c < count; ++c) {
      if (mention) ones.push_back({scores.size(), 0});
      scores.push_back(score);
    }
  };
  add(30, 0, true);
  add(10, 10, true);
  add(20, 0, false);
  add(40, 10, false);
  const std::vector<std::string> one{"attesa"};
  perche::DriverAnalysisOptions ml;
  ml.firth = false;
  const auto a = perche::analyze_drivers(scores, matrix(scores.size(), 1, ones), one, {}, {}, ml);
  REQUIRE(a.drivers[0].negative);
  const auto& o = *a.drivers[0].negative;
  CHECK(o.odds_ratio == Approx(6.0).epsilon(1e-9));
  CHECK(o.se == Approx(0.456435).epsilon(1e-6));
  CHECK(o.ci_low == Approx(std::exp(std::log(6.0) - 1.959964 * 0.4564355)).epsilon(1e-6));
  CHECK(o.ci_high == Approx(std::exp(std::log(6.0) + 1.959964 * 0.4564355)).epsilon(1e-6));
  CHECK(a.negative.converged);
  CHECK(a.negative.outcome == "detractor");
  CHECK(a.negative.events == 50);
  // Promoters are the complement here: OR 1/6.
  REQUIRE(a.drivers[0].positive);
  CHECK(a.drivers[0].positive->odds_ratio == Approx(1.0 / 6.0).epsilon(1e-9));
  // Intercept: odds of a detractor among non-mentioners, 20/40.
  CHECK(a.negative.intercept->odds_ratio == Approx(0.5).epsilon(1e-9));

  // Firth's estimate of a saturated 2×2 model adds 1/2 to every cell (Firth 1993, §3; Heinze &
  // Schemper 2002): OR (30.5·40.5)/(10.5·20.5) = 5.73868; SE from the information at it,
  // √(1/(40·μ₁(1 − μ₁)) + 1/(60·μ₀(1 − μ₀))) with μ₁ = 30.5/41, μ₀ = 20.5/61.
  const auto f = perche::analyze_drivers(scores, matrix(scores.size(), 1, ones), one);
  REQUIRE(f.drivers[0].negative);
  CHECK(f.drivers[0].negative->odds_ratio == Approx(30.5 * 40.5 / (10.5 * 20.5)).epsilon(1e-9));
  const double m1 = 30.5 / 41.0, m0 = 20.5 / 61.0;
  CHECK(f.drivers[0].negative->se ==
        Approx(std::sqrt(1.0 / (40.0 * m1 * (1.0 - m1)) + 1.0 / (60.0 * m0 * (1.0 - m0)))).epsilon(1e-9));
  CHECK(f.negative.intercept->odds_ratio == Approx(20.5 / 40.5).epsilon(1e-9));
}

TEST_CASE("analyze_drivers: responses without a comment count in impact but not in shares or models") {
  std::vector<std::uint8_t> has_text{1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
  const auto a = perche::analyze_drivers(kScores, ten_rows(), kAB, has_text);
  CHECK(a.n == 10);
  CHECK(a.n_text == 8);
  CHECK(a.drivers[0].share == Approx(3.0 / 8.0));
  CHECK(*a.drivers[0].impact == Approx(-300.0 / 7.0));
  CHECK(a.negative.n == 8);
}

TEST_CASE("analyze_drivers: CSAT top-box and CES mean impacts in their own units") {
  // CSAT 1–5 top-2-box: scores 1 1 5 5 4 2, driver on the two 1s. All: 3/6 = 50%; without: 3/4 = 75%.
  const std::vector<double> csat{1, 1, 5, 5, 4, 2};
  const std::vector<std::string> one{"prezzo"};
  perche::DriverAnalysisOptions o;
  o.metric = perche::Metric::csat;
  const auto a = perche::analyze_drivers(csat, matrix(6, 1, {{0, 0}, {1, 0}}), one, {}, {}, o);
  CHECK(a.score == Approx(50.0));
  CHECK(*a.drivers[0].impact == Approx(-25.0));
  CHECK(a.negative.outcome == "bottom_box");
  // CES 1–7 mean: scores 2 4 6 7, driver on the 2. All 4.75; without 17/3.
  o.metric = perche::Metric::ces;
  const std::vector<double> ces{2, 4, 6, 7};
  const auto c = perche::analyze_drivers(ces, matrix(4, 1, {{0, 0}}), one, {}, {}, o);
  CHECK(c.score == Approx(4.75));
  CHECK(*c.drivers[0].impact == Approx(4.75 - 17.0 / 3.0));
  CHECK(*c.drivers[0].score == Approx(2.0));
}

TEST_CASE("analyze_drivers: weights scale the counts") {
  // Weight 2 on the three detractors mentioning attesa: all = (4 − 2·3 − 1)… computed directly.
  std::vector<double> w(10, 1.0);
  w[0] = w[1] = w[2] = 2.0;
  const auto a = perche::analyze_drivers(kScores, ten_rows(), kAB, {}, w);
  // Total weight 13; promoters 4, detractors 2·3 + 1 = 7 → NPS −300/13. Without attesa: 300/7.
  CHECK(a.score == Approx(-300.0 / 13.0));
  CHECK(*a.drivers[0].impact == Approx(-300.0 / 13.0 - 300.0 / 7.0));
  CHECK(a.drivers[0].share == Approx(6.0 / 13.0));
}

TEST_CASE("analyze_drivers: drivers without mentions are reported; separated ones fitted by Firth, or noted") {
  const std::vector<std::string> three{"attesa", "cortesia", "consegna"};
  const auto m = matrix(10, 3, {{0, 0}, {1, 0}, {2, 0}, {6, 1}, {7, 1}});
  perche::DriverAnalysisOptions ml;
  ml.firth = false;
  const auto a = perche::analyze_drivers(kScores, m, three, {}, {}, ml);
  CHECK_FALSE(a.drivers[2].impact);
  CHECK_FALSE(a.drivers[2].quadrant);
  CHECK_FALSE(a.drivers[2].negative);
  // attesa: every mentioner is a detractor → separation, left out of the ML detractor model, and
  // the note says what that does to the others.
  CHECK_FALSE(a.drivers[0].negative);
  bool noted = false, unadjusted = false;
  for (const auto& n : a.notes) {
    noted = noted || n.find("consegna has no mentions") != std::string::npos;
    unadjusted = unadjusted || (n.find("attesa left out of the detractor model") != std::string::npos &&
                                n.find("not adjusted for it") != std::string::npos);
  }
  CHECK(noted);
  CHECK(unadjusted);
  // The same notes as fields, in the same order, for a report to word in its own language.
  REQUIRE(a.note_fields.size() == a.notes.size());
  bool no_mentions = false, left_out = false;
  for (std::size_t i = 0; i < a.notes.size(); ++i) {
    const auto& n = a.note_fields[i];
    CHECK(n.message == a.notes[i]);
    no_mentions = no_mentions || (n.reason == "no_mentions" && n.driver == "consegna" && n.outcome.empty());
    left_out = left_out || (n.reason == "left_out_every_outcome" && n.driver == "attesa" && n.outcome == "detractor");
  }
  CHECK(no_mentions);
  CHECK(left_out);
  // Firth (the default): attesa keeps a finite odds ratio, and the model converges.
  const auto f = perche::analyze_drivers(kScores, m, three);
  REQUIRE(f.drivers[0].negative);
  CHECK(std::isfinite(f.drivers[0].negative->odds_ratio));
  CHECK(f.drivers[0].negative->odds_ratio > 1.0);
  CHECK(f.negative.converged);
  CHECK_FALSE(f.drivers[2].negative);
}

TEST_CASE("analyze_drivers: Firth converges when a driver has a single mention") {
  // Scores 0..10 cycling over 200 rows; a on every 5th row, b on every 7th, c on row 11 alone (a
  // detractor). Plain Fisher scoring on Firth's modified score cycled around the root here (hat
  // value near 1) and the model was "not_converged". Reference: the root of the modified score by
  // scipy.optimize.root (hybr), |U*| < 1e-14 at it.
  std::vector<double> scores(200);
  perche::LabelMatrix m(200, 3);
  for (std::size_t i = 0; i < 200; ++i) {
    scores[i] = static_cast<double>(i % 11);
    m(i, 0) = i % 5 == 0;
    m(i, 1) = i % 7 == 0;
  }
  m(11, 2) = 1;
  perche::DriverAnalysisOptions o;
  o.min_mentions = 0;
  o.bootstrap_samples = 2;
  const std::vector<std::string> names{"a", "b", "c"};
  const auto a = perche::analyze_drivers(scores, m, names, {}, {}, o);
  REQUIRE(a.negative.converged);
  REQUIRE(a.positive.converged);
  REQUIRE(a.negative.intercept);
  REQUIRE(a.positive.intercept);
  const double negative[] = {0.59012227, -0.07933511, -0.10041126, 0.50849002};
  const double positive[] = {-1.55635099, 0.18568142, 0.23964565, 0.4577387};
  CHECK(a.negative.intercept->coef == Approx(negative[0]).epsilon(1e-7));
  CHECK(a.positive.intercept->coef == Approx(positive[0]).epsilon(1e-7));
  for (std::size_t j = 0; j < 3; ++j) {
    REQUIRE(a.drivers[j].negative);
    REQUIRE(a.drivers[j].positive);
    CHECK(a.drivers[j].negative->coef == Approx(negative[j + 1]).epsilon(1e-7));
    CHECK(a.drivers[j].positive->coef == Approx(positive[j + 1]).epsilon(1e-7));
  }
}

TEST_CASE("analyze_drivers: a driver under min_mentions shows its impact without an interval") {
  const auto a = perche::analyze_drivers(kScores, ten_rows(), kAB);
  const auto& attesa = a.drivers[0];
  CHECK(attesa.few_mentions);
  REQUIRE(attesa.impact);
  CHECK(*attesa.impact == Approx(-300.0 / 7.0));
  CHECK_FALSE(attesa.impact_ci_low);
  CHECK_FALSE(attesa.impact_significant);
  CHECK(*attesa.quadrant == perche::Quadrant::not_significant);
  bool noted = false;
  for (const auto& n : a.notes) noted = noted || n.find("attesa: 3 mentions, fewer than 20") != std::string::npos;
  CHECK(noted);
  using Figures = std::vector<std::pair<std::string, std::uint64_t>>;
  bool fields = false;
  for (const auto& n : a.note_fields)
    fields = fields || (n.reason == "few_mentions" && n.driver == "attesa" &&
                        n.figures == Figures{{"mentions", 3}, {"min_mentions", 20}});
  CHECK(fields);
}

TEST_CASE("analyze_drivers: bad input names the index and the value") {
  std::vector<double> bad = kScores;
  bad[4] = 11;
  CHECK_THROWS_WITH_AS(perche::analyze_drivers(bad, ten_rows(), kAB),
                       "analyze_drivers: score 11 at index 4 is outside [0, 10]", std::invalid_argument);
  bad[4] = std::nan("");
  CHECK_THROWS_AS(perche::analyze_drivers(bad, ten_rows(), kAB), std::invalid_argument);
  auto m = ten_rows();
  m(3, 1) = 2;
  CHECK_THROWS_WITH_AS(perche::analyze_drivers(kScores, m, kAB),
                       "analyze_drivers: mention 2 at row 3, driver 1 is not 0 or 1", std::invalid_argument);
  const std::vector<std::string> one{"attesa"};
  CHECK_THROWS_AS(perche::analyze_drivers(kScores, ten_rows(), one), std::invalid_argument);
  std::vector<std::uint8_t> has_text(10, 1);
  has_text[0] = 0;  // row 0 mentions attesa
  CHECK_THROWS_WITH_AS(perche::analyze_drivers(kScores, ten_rows(), kAB, has_text),
                       "analyze_drivers: row 0 mentions driver 0 but has_text says it has no comment",
                       std::invalid_argument);
  std::vector<double> w(10, 1.0);
  w[5] = -1;
  CHECK_THROWS_AS(perche::analyze_drivers(kScores, ten_rows(), kAB, {}, w), std::invalid_argument);
}

TEST_CASE("driver_segments: two-proportion z test against the rest, BH adjusted") {
  // Segment 1: 50 comments, 20 mention; segment 2: 50 comments, 10 mention.
  // Pooled 0.3, SE √(0.3·0.7·(1/50 + 1/50)) = 0.0916515, z = 0.2/0.0916515 = 2.18218, p = 0.029090.
  std::vector<std::int64_t> seg(100);
  std::vector<std::pair<std::size_t, std::size_t>> ones;
  for (std::size_t i = 0; i < 100; ++i) {
    seg[i] = i < 50 ? 1 : 2;
    if ((i < 50 && i < 20) || (i >= 50 && i < 60)) ones.push_back({i, 0});
  }
  const auto cells = perche::driver_segments(matrix(100, 1, ones), seg);
  REQUIRE(cells.size() == 2);
  CHECK(cells[0].segment == 1);
  CHECK(cells[0].share == Approx(0.4));
  CHECK(cells[0].share_rest == Approx(0.2));
  CHECK(cells[0].p_value == Approx(0.029090).epsilon(1e-4));
  CHECK(cells[1].p_value == Approx(0.029090).epsilon(1e-4));
  CHECK(cells[0].p_bh == Approx(0.029090).epsilon(1e-4));
  CHECK(cells[0].significant);
}

TEST_CASE("driver_segments: a small segment gets Boschloo's exact test, not the z test") {
  // One comment that mentions the driver, alone in its segment, against 24 of 385: the z test gave
  // p = 1.4e-4 ("significant"). scipy.stats.boschloo_exact([[1, 24], [0, 361]]).pvalue = 0.0887586.
  std::vector<std::int64_t> seg(386, 2);
  seg[0] = 1;
  std::vector<std::pair<std::size_t, std::size_t>> ones = {{0, 0}};
  for (std::size_t i = 1; i <= 24; ++i) ones.push_back({i, 0});
  const auto cells = perche::driver_segments(matrix(386, 1, ones), seg);
  REQUIRE(cells.size() == 2);
  CHECK(cells[0].n == 1);
  CHECK(cells[0].share == Approx(1.0));
  CHECK(cells[0].p_value == Approx(0.0887586).epsilon(1e-4));
  CHECK_FALSE(cells[0].significant);
}

TEST_CASE("driver_trends: a rising share is flagged increasing") {
  std::vector<std::int64_t> period;
  std::vector<std::pair<std::size_t, std::size_t>> ones;
  for (int t = 0; t < 8; ++t)
    for (int i = 0; i < 20; ++i) {
      if (i < 2 + 2 * t) ones.push_back({period.size(), 0});
      period.push_back(202601 + t);
    }
  const auto tr = perche::driver_trends(matrix(period.size(), 1, ones), period);
  REQUIRE(tr.size() == 1);
  REQUIRE(tr[0].periods.size() == 8);
  CHECK(tr[0].periods[0].share == Approx(0.1));
  CHECK(tr[0].periods[7].share == Approx(0.8));
  REQUIRE(tr[0].test);
  CHECK(tr[0].test->increasing);
}

TEST_CASE("select_verbatims: the most probable first, one segment at a time") {
  const auto m = matrix(5, 1, {{0, 0}, {1, 0}, {2, 0}, {3, 0}});
  const std::vector<double> p{0.9, 0.8, 0.7, 0.95, 0.99};  // row 4 does not mention the driver
  const std::vector<std::int64_t> seg{1, 1, 1, 2, 2};
  const auto v = perche::select_verbatims(m, p, seg, 3);
  REQUIRE(v.size() == 1);
  CHECK(v[0] == std::vector<std::size_t>{3, 0, 1});
  CHECK(perche::select_verbatims(m, p, {}, 2)[0] == std::vector<std::size_t>{3, 0});
  const std::vector<double> bad{0.9, 0.8, 1.5, 0.95, 0.99};
  CHECK_THROWS_AS(perche::select_verbatims(m, bad, seg, 3), std::invalid_argument);
}

TEST_CASE("select_verbatims: equals sorting every mentioner, with ties, many rows a segment, any count") {
  // The reference is the definition: every mentioner sorted by probability (stable: of equal
  // probability the earlier row), a queue per segment in the order its best row comes, then one
  // from each queue in turn.
  auto reference = [](const perche::LabelMatrix& m, const std::vector<double>& p, const std::vector<std::int64_t>& seg,
                      std::size_t per, std::size_t j) {
    const std::size_t n = static_cast<std::size_t>(m.rows()), k = static_cast<std::size_t>(m.cols());
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < n; ++i)
      if (m(static_cast<long>(i), static_cast<long>(j))) rows.push_back(i);
    std::stable_sort(rows.begin(), rows.end(),
                     [&](std::size_t a, std::size_t b) { return p[a * k + j] > p[b * k + j]; });
    std::vector<std::int64_t> order;
    std::vector<std::vector<std::size_t>> queues;
    for (const std::size_t r : rows) {
      const std::int64_t g = seg.empty() ? 0 : seg[r];
      const auto at = std::find(order.begin(), order.end(), g);
      if (at == order.end()) {
        order.push_back(g);
        queues.emplace_back();
      }
      queues[static_cast<std::size_t>(std::find(order.begin(), order.end(), g) - order.begin())].push_back(r);
    }
    std::vector<std::size_t> out;
    for (std::size_t round = 0; out.size() < per; ++round) {
      bool any = false;
      for (const auto& q : queues)
        if (round < q.size() && out.size() < per) {
          out.push_back(q[round]);
          any = true;
        }
      if (!any) break;
    }
    return out;
  };
  std::mt19937_64 rng(7);
  for (const std::size_t segments : {0, 1, 3, 50})
    for (const std::size_t per : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{5}, std::size_t{40},
                                  SIZE_MAX / 2 + 1, SIZE_MAX}) {
      const std::size_t n = 2000, k = 3;
      std::vector<std::pair<std::size_t, std::size_t>> cells;
      std::vector<double> p(n * k);
      std::vector<std::int64_t> seg;
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < k; ++j) {
          if (rng() % (j + 2) == 0) cells.emplace_back(i, j);
          p[i * k + j] = static_cast<double>(rng() % 7) / 6.0;  // few values: many ties
        }
        if (segments) seg.push_back(static_cast<std::int64_t>(rng() % segments) * 10 - 7);
      }
      const auto m = matrix(n, k, cells);
      const auto got = perche::select_verbatims(m, p, seg, per);
      REQUIRE(got.size() == k);
      for (std::size_t j = 0; j < k; ++j) {
        CAPTURE(segments);
        CAPTURE(per);
        CAPTURE(j);
        CHECK(got[j] == reference(m, p, seg, per, j));
      }
    }
}

TEST_CASE("analyze_drivers: concurrent analyses give the figures of the same analyses one after the other") {
  // analyze_survey runs its three driver analyses side by side; their bootstraps draw binomials,
  // which take turns on one lock (std::lgamma writes the global signgam). Each analysis has its
  // own generators: the figures are those of the serial runs, to the bit.
  std::mt19937_64 rng(3);
  const std::size_t n = 3000, k = 4;
  std::vector<double> scores(n);
  std::vector<std::pair<std::size_t, std::size_t>> cells;
  for (std::size_t i = 0; i < n; ++i) {
    scores[i] = static_cast<double>(rng() % 11);
    for (std::size_t j = 0; j < k; ++j)
      if (rng() % (j + 3) == 0) cells.emplace_back(i, j);
  }
  const auto m = matrix(n, k, cells);
  const std::vector<std::string> names{"a", "b", "c", "d"};
  perche::DriverAnalysisOptions o;
  o.bootstrap_samples = 400;
  o.importance_bootstrap_samples = 20;
  std::vector<perche::DriverAnalysis> serial, side(3);
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    o.seed = seed;
    serial.push_back(perche::analyze_drivers(scores, m, names, {}, {}, o));
  }
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      perche::DriverAnalysisOptions mine = o;
      mine.seed = t + 1;
      side[t] = perche::analyze_drivers(scores, m, names, {}, {}, mine);
    });
  for (auto& t : threads) t.join();
  for (std::size_t t = 0; t < 3; ++t)
    for (std::size_t j = 0; j < k; ++j) {
      CAPTURE(t);
      CAPTURE(j);
      const auto &x = serial[t].drivers[j], &y = side[t].drivers[j];
      REQUIRE(x.impact_ci_low.has_value());
      CHECK(*x.impact_ci_low == *y.impact_ci_low);
      CHECK(*x.impact_ci_high == *y.impact_ci_high);
      CHECK(x.importance_negative_ci_low == y.importance_negative_ci_low);
    }
  CHECK(*serial[0].drivers[0].impact_ci_low != *serial[1].drivers[0].impact_ci_low);  // the seeds matter
}

TEST_CASE("analyze_drivers: Shapley importance shares sum to each model's pseudo-R2") {
  // One driver: its share is the whole McFadden R². Two: the shares sum to it (Shapley efficiency).
  std::vector<double> scores;
  std::vector<std::pair<std::size_t, std::size_t>> ones;
  for (std::size_t r = 0; r < 30; ++r)
    for (std::size_t i = 0; i < kScores.size(); ++i) {
      if (i < 3 || i == 9) ones.push_back({scores.size(), 0});
      if (i == 6 || i == 7 || i == 3) ones.push_back({scores.size(), 1});
      scores.push_back(kScores[i]);
    }
  const auto a = perche::analyze_drivers(scores, matrix(scores.size(), 2, ones), kAB);
  for (const auto* m : {&a.negative, &a.positive}) {
    const bool neg = m == &a.negative;
    double sum = 0.0;
    for (const auto& d : a.drivers) {
      const auto& imp = neg ? d.importance_negative : d.importance_positive;
      REQUIRE(imp);
      sum += *imp;
    }
    CHECK(sum == Approx(m->pseudo_r2).epsilon(1e-12));
  }
  const std::vector<std::string> one{"attesa"};
  std::vector<std::pair<std::size_t, std::size_t>> first;
  for (auto [i, j] : ones)
    if (j == 0) first.push_back({i, 0});
  const auto b = perche::analyze_drivers(scores, matrix(scores.size(), 1, first), one);
  REQUIRE(b.drivers[0].importance_negative);
  CHECK(*b.drivers[0].importance_negative == Approx(b.negative.pseudo_r2).epsilon(1e-12));
}

namespace {

// 300 responses: the ten above, thirty times; "attesa" by the 0, 2, 5 and 6, "cortesia" by the 7
// and the two 10s (the Shapley case above).
struct Thirty {
  std::vector<double> scores;
  LabelMatrix mentions;
};
Thirty thirty() {
  Thirty t;
  std::vector<std::pair<std::size_t, std::size_t>> ones;
  for (std::size_t r = 0; r < 30; ++r)
    for (std::size_t i = 0; i < kScores.size(); ++i) {
      if (i < 3 || i == 9) ones.push_back({t.scores.size(), 0});
      if (i == 6 || i == 7 || i == 3) ones.push_back({t.scores.size(), 1});
      t.scores.push_back(kScores[i]);
    }
  t.mentions = matrix(t.scores.size(), 2, ones);
  return t;
}

bool has_note(const perche::DriverAnalysis& a, const std::string& reason) {
  for (const auto& n : a.note_fields)
    if (n.reason == reason) return true;
  return false;
}

}  // namespace

TEST_CASE("analyze_drivers: Shapley importance intervals contain the estimate and repeat for a seed") {
  const auto t = thirty();
  perche::DriverAnalysisOptions o;
  o.importance_bootstrap_samples = 100;
  const auto a = perche::analyze_drivers(t.scores, t.mentions, kAB, {}, {}, o);
  for (const auto& d : a.drivers)
    for (const bool neg : {true, false}) {
      const auto& imp = neg ? d.importance_negative : d.importance_positive;
      const auto& lo = neg ? d.importance_negative_ci_low : d.importance_positive_ci_low;
      const auto& hi = neg ? d.importance_negative_ci_high : d.importance_positive_ci_high;
      CAPTURE(d.driver);
      CAPTURE(neg);
      REQUIRE(imp);
      REQUIRE(lo);
      REQUIRE(hi);
      // A clear case (R² shares 0.05–0.3 at n = 300): the interval holds the estimate and has width.
      CHECK(*lo < *imp);
      CHECK(*imp < *hi);
      CHECK(*lo >= 0.0);
    }
  CHECK_FALSE(has_note(a, "importance_bootstrap_undefined"));
  const auto b = perche::analyze_drivers(t.scores, t.mentions, kAB, {}, {}, o);
  o.seed = 54321;
  const auto c = perche::analyze_drivers(t.scores, t.mentions, kAB, {}, {}, o);
  bool differs = false;
  for (std::size_t j = 0; j < 2; ++j) {
    CHECK(b.drivers[j].importance_negative_ci_low == a.drivers[j].importance_negative_ci_low);
    CHECK(b.drivers[j].importance_positive_ci_high == a.drivers[j].importance_positive_ci_high);
    // The point estimates do not depend on the bootstrap.
    CHECK(c.drivers[j].importance_negative == a.drivers[j].importance_negative);
    differs |= c.drivers[j].importance_negative_ci_low != a.drivers[j].importance_negative_ci_low;
  }
  CHECK(differs);
}

TEST_CASE("analyze_drivers: weighted Shapley importance intervals resample responses with their weights") {
  const auto t = thirty();
  std::vector<double> w(t.scores.size());
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = 0.5 + static_cast<double>(i % 7) / 4.0;
  perche::DriverAnalysisOptions o;
  o.importance_bootstrap_samples = 60;
  const auto a = perche::analyze_drivers(t.scores, t.mentions, kAB, {}, w, o);
  const auto b = perche::analyze_drivers(t.scores, t.mentions, kAB, {}, w, o);
  for (std::size_t j = 0; j < 2; ++j) {
    const auto& d = a.drivers[j];
    REQUIRE(d.importance_negative);
    REQUIRE(d.importance_negative_ci_low);
    CHECK(*d.importance_negative_ci_low < *d.importance_negative);
    CHECK(*d.importance_negative < *d.importance_negative_ci_high);
    CHECK(b.drivers[j].importance_negative_ci_high == d.importance_negative_ci_high);
  }
}

TEST_CASE("analyze_drivers: no Shapley importance interval without a fitted model, replicates or importance") {
  const auto t = thirty();
  perche::DriverAnalysisOptions o;
  o.importance_bootstrap_samples = 0;
  const auto none = perche::analyze_drivers(t.scores, t.mentions, kAB, {}, {}, o);
  for (const auto& d : none.drivers) {
    CHECK(d.importance_negative);  // the shares stay
    CHECK_FALSE(d.importance_negative_ci_low);
    CHECK_FALSE(d.importance_positive_ci_high);
  }
  o.importance_bootstrap_samples = 1;
  CHECK_THROWS_AS(perche::analyze_drivers(t.scores, t.mentions, kAB, {}, {}, o), std::invalid_argument);
  o.importance_bootstrap_samples = 0;
  o.bootstrap_samples = perche::kMaxBootstrapSamples + 1;  // refused before any replicate is drawn
  CHECK_THROWS_WITH_AS(perche::analyze_drivers(t.scores, t.mentions, kAB, {}, {}, o),
                       doctest::Contains("bootstrap_samples 1000001 is too large (expected at most 1000000)"),
                       std::invalid_argument);
  o.bootstrap_samples = 2000;
  // No detractor: the negative model is not fitted, the positive one has its intervals.
  o.importance_bootstrap_samples = 20;
  std::vector<double> high(t.scores.size());
  for (std::size_t i = 0; i < high.size(); ++i) high[i] = t.scores[i] < 7 ? 7 : t.scores[i];
  const auto pos = perche::analyze_drivers(high, t.mentions, kAB, {}, {}, o);
  for (const auto& d : pos.drivers) {
    CHECK_FALSE(d.importance_negative);
    CHECK_FALSE(d.importance_negative_ci_low);
    CHECK(d.importance_positive_ci_low);
  }
  // More drivers than kMaxImportanceDrivers: no shares and no intervals.
  const std::size_t k = perche::kMaxImportanceDrivers + 1;
  std::vector<std::string> names;
  std::vector<std::pair<std::size_t, std::size_t>> ones;
  for (std::size_t j = 0; j < k; ++j) {
    names.push_back("d" + std::to_string(j));
    for (std::size_t i = 0; i < t.scores.size(); ++i)
      if (i % (j + 2) == 0) ones.push_back({i, j});
  }
  const auto many = perche::analyze_drivers(t.scores, matrix(t.scores.size(), k, ones), names, {}, {}, o);
  CHECK(has_note(many, "no_importance"));
  for (const auto& d : many.drivers) {
    CHECK_FALSE(d.importance_negative);
    CHECK_FALSE(d.importance_negative_ci_low);
    CHECK_FALSE(d.importance_positive_ci_high);
  }
}

TEST_CASE("analyze_drivers: a driver that a replicate leaves unmentioned gets share 0 there") {
  // "cortesia" mentioned by 2 of 200 responses, both detractors: many replicates draw neither (e^-2 = 14%),
  // so the interval reaches 0 while the estimate is positive; no replicate is left out (Firth).
  std::vector<double> scores;
  std::vector<std::pair<std::size_t, std::size_t>> ones;
  for (std::size_t i = 0; i < 200; ++i) {
    scores.push_back(static_cast<double>(i % 11));
    if (i % 3 == 0 && i % 11 < 7) ones.push_back({i, 0});
    if (i == 1 || i == 2) ones.push_back({i, 1});
  }
  perche::DriverAnalysisOptions o;
  o.importance_bootstrap_samples = 100;
  const auto a = perche::analyze_drivers(scores, matrix(scores.size(), 2, ones), kAB, {}, {}, o);
  const auto& rare = a.drivers[1];
  REQUIRE(rare.importance_negative);
  REQUIRE(rare.importance_negative_ci_low);
  CHECK(*rare.importance_negative > 0.0);
  CHECK(*rare.importance_negative_ci_low == 0.0);
  CHECK_FALSE(has_note(a, "importance_bootstrap_undefined"));
}

TEST_CASE("analyze_drivers: the drivers are tested together (Holm), so random labels make no claims") {
  // Red-team, stop 42: 30 driver labels drawn at random, unrelated to the score, gave 9
  // "significant" impacts and driver trends over 4 runs when each driver was tested alone.
  std::mt19937_64 rng(42);
  const std::size_t n = 1500, k = 31;
  std::vector<double> scores(n);
  LabelMatrix m(n, k);
  std::uniform_int_distribution<int> score(0, 10);
  std::bernoulli_distribution mention(0.1), strong(0.4);
  for (std::size_t i = 0; i < n; ++i) {
    scores[i] = score(rng);
    for (std::size_t j = 0; j + 1 < k; ++j) m(i, j) = mention(rng);
    // The last driver: mentioned by detractors only, a drag no correction hides.
    m(i, k - 1) = scores[i] <= 6 && strong(rng);
  }
  std::vector<std::string> names;
  for (std::size_t j = 0; j < k; ++j) names.push_back("d" + std::to_string(j));
  perche::DriverAnalysisOptions o;
  o.bootstrap_samples = 1000;
  o.importance_bootstrap_samples = 0;
  const auto a = perche::analyze_drivers(scores, m, names, {}, {}, o);
  std::size_t alone = 0, together = 0;
  for (std::size_t j = 0; j + 1 < k; ++j) {
    const auto& d = a.drivers[j];
    REQUIRE(d.impact_p_value);
    REQUIRE(d.impact_p_holm);
    CHECK(*d.impact_p_holm >= *d.impact_p_value);
    alone += *d.impact_ci_low > 0 || *d.impact_ci_high < 0;  // what each driver's own interval says
    together += d.impact_significant;
  }
  MESSAGE("random drivers whose own interval excludes 0: " << alone << ", significant after Holm: " << together);
  CHECK(alone >= 1);  // with this seed: the claims the correction removes
  CHECK(together == 0);
  const auto& drag = a.drivers[k - 1];
  CHECK(drag.impact_significant);
  CHECK(*drag.impact_p_holm < 0.05);
  CHECK(*drag.quadrant == perche::Quadrant::fix);
}
