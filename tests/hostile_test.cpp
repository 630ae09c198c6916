// SPDX-License-Identifier: Apache-2.0
// Hostile input (issue 6): each row of the table gets a clear error or a documented result, never a
// crash, a hang or silent loss. Run under ASan/UBSan by `ctest --preset asan` and under TSan.
#include <doctest/doctest.h>

#include <perche/classify.hpp>
#include <perche/codebook.hpp>
#include <perche/csv.hpp>
#include <perche/discover.hpp>
#include <perche/drivers.hpp>
#include <perche/metrics.hpp>
#include <perche/privacy.hpp>
#include <perche/sentiment.hpp>
#include <perche/survey.hpp>
#include <perche/text.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using perche::text::Tokenizer;

TEST_CASE("hostile text: invalid UTF-8, overlong forms, encoded surrogates and NUL never lose the rest") {
  const Tokenizer tok;
  struct Case {
    const char* name;
    std::string input;
    std::size_t replaced;
  };
  const std::vector<Case> cases = {
      {"truncated sequence", std::string("caro \xC3") + " servizio", 1},
      {"overlong slash", std::string("caro \xC0\xAF servizio"), 2},
      {"overlong NUL", std::string("caro \xE0\x80\x80 servizio"), 3},
      {"encoded surrogate", std::string("caro \xED\xA0\x80 servizio"), 3},
      {"above U+10FFFF", std::string("caro \xF4\x90\x80\x80 servizio"), 4},
      {"NUL byte", std::string("caro \0 servizio", 15), 0},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto t = tok.tokenize(c.input);
    CHECK(t.replaced == c.replaced);
    REQUIRE(t.size() >= 2);
    CHECK(t[0].norm == "caro");
    CHECK(t.tokens.back().norm == "servizio");  // nothing after the bad bytes is lost
    perche::text::TokenizerOptions strict;
    strict.utf8 = perche::text::Utf8Policy::strict;
    if (c.replaced) CHECK_THROWS_AS(Tokenizer(strict).tokenize(c.input), std::invalid_argument);
  }
}

TEST_CASE("hostile text: a 100 MB single line is tokenized whole") {
  std::string big;
  big.reserve(100u << 20);
  while (big.size() < (100u << 20)) big += "l'attesa è stata lunghissima ma l'operatore gentile ";
  const auto terms = Tokenizer().normalize(big);
  CHECK(terms.size() > 5'000'000);
  CHECK(terms.back() == "gentile");
}

TEST_CASE("hostile CSV: a 100 MB cell, 10 million tiny rows, a NUL inside a field") {
  std::string one = "motivo\n\"";
  one.append(100u << 20, 'a');
  one += "\"\n";
  const auto t = perche::read_csv(one);
  REQUIRE(t.rows() == 1);
  CHECK(t.cell(0, 0).size() == (100u << 20));

  std::string many = "x\n";
  for (int i = 0; i < 10'000'000; ++i) many += "1\n";
  const auto m = perche::read_csv(many);
  CHECK(m.rows() == 10'000'000);
  CHECK(m.line(9'999'999) == 10'000'001);
  CHECK(m.problems().empty());

  const auto z = perche::read_csv(std::string("a,b\nx\0y,2\n", 10));
  REQUIRE(z.rows() == 1);
  CHECK(z.cell(0, 0) == std::string_view("x\0y", 3));
}

TEST_CASE("hostile scores: NaN, infinities and out-of-range values are named by index") {
  const std::vector<std::string> names{"a"};
  perche::LabelMatrix m(3, 1);
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  struct Case {
    double value;
    const char* message;
  };
  const std::vector<Case> cases = {
      {nan, "analyze_drivers: score nan at index 1 is not a number (expected an integer in [0, 10])"},
      {inf, "analyze_drivers: score inf at index 1 is outside [0, 10]"},
      {-inf, "analyze_drivers: score -inf at index 1 is outside [0, 10]"},
      {11, "analyze_drivers: score 11 at index 1 is outside [0, 10]"},
      {-1, "analyze_drivers: score -1 at index 1 is outside [0, 10]"},
      {7.5, "analyze_drivers: score 7.5 at index 1 is not an integer (expected an integer in [0, 10])"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.message);
    const std::vector<double> s{9, c.value, 3};
    CHECK_THROWS_WITH_AS(perche::analyze_drivers(s, m, names), c.message, std::invalid_argument);
    CHECK_THROWS_AS(perche::nps(s), std::invalid_argument);
  }
}

TEST_CASE("hostile weights: negative, NaN and infinite weights are named by index") {
  const std::vector<std::string> names{"a"};
  perche::LabelMatrix m(3, 1);
  const std::vector<double> s{9, 5, 3};
  for (double w : {-1.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    const std::vector<double> weights{1.0, w, 1.0};
    CHECK_THROWS_AS(perche::analyze_drivers(s, m, names, {}, weights), std::invalid_argument);
    CHECK_THROWS_AS(perche::nps(s, weights), std::invalid_argument);
  }
}

TEST_CASE("hostile vocabulary: nothing to learn is an error that says why") {
  perche::TfidfVectorizer v;
  const std::vector<std::string_view> empty{"", "   ", "!!!"};
  CHECK_THROWS_WITH_AS(v.fit_transform(empty), doctest::Contains("empty vocabulary"), std::invalid_argument);
}

TEST_CASE("hostile model file: a header claiming a huge payload is a FormatError, not an allocation") {
  std::string bytes = "PERCHEDC";
  const std::uint32_t version = 1;
  const std::uint64_t size = std::numeric_limits<std::uint64_t>::max() / 2;
  bytes.append(reinterpret_cast<const char*>(&version), 4);
  bytes.append(reinterpret_cast<const char*>(&size), 8);
  bytes.append(64, '\0');
  CHECK_THROWS_AS(perche::DriverClassifier::from_bytes(bytes), perche::FormatError);
}

// Red-team findings of stop 40 (a C++ product embedding the library): misuse through the public
// API is an exception naming what is wrong, never a crash, an allocation without end or a file
// that cannot be read back.
TEST_CASE("hostile API: a moved-from object copies and refuses use with std::logic_error") {
  Tokenizer a;
  Tokenizer b(std::move(a));
  CHECK_THROWS_WITH_AS((void)a.tokenize("ciao"), "Tokenizer: used after being moved from", std::logic_error);
  const Tokenizer c(a);  // a moved-from copy, not a crash
  CHECK_THROWS_AS((void)c.options(), std::logic_error);
  CHECK(b.tokenize("ciao").size() == 1);

  auto book = perche::Codebook::parse("[attesa] Attesa\nattesa\n");
  const auto kept = std::move(book);
  CHECK_THROWS_AS((void)book.drivers(), std::logic_error);
  const perche::Codebook book_copy(book);
  CHECK_THROWS_AS((void)book_copy.matches("attesa"), std::logic_error);
  CHECK(kept.drivers().size() == 1);

  perche::SentimentClassifier s;
  const auto s2 = std::move(s);
  CHECK_THROWS_AS((void)s.lexicon_features(std::string_view("pessimo")), std::logic_error);
  CHECK(s2.lexicon_features(std::string_view("pessimo"))[1] > 0);

  std::vector<std::string> texts;
  for (int i = 0; i < 60; ++i) texts.push_back(i % 2 ? "attesa lunga operatore scortese" : "prezzo alto bolletta cara");
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  auto themes = perche::discover(views);
  const auto themes2 = std::move(themes);
  CHECK_THROWS_AS((void)themes.themes(), std::logic_error);
  CHECK(!themes2.themes().empty());

  perche::DriverClassifier d({"x"});
  const perche::DriverClassifier d2(std::move(d));
  const perche::DriverClassifier d3(d);  // copies its moved-from tokenizer without a crash
  CHECK_THROWS_AS((void)d3.predict(views), std::logic_error);
}

TEST_CASE("hostile API: options out of range are refused where they are given") {
  const std::vector<std::string_view> t{"attesa lunga", "operatore gentile", "attesa infinita", "operatore cortese"};
  perche::LabelMatrix Y(4, 1);
  Y(0, 0) = Y(2, 0) = 1;
  perche::DriverOptions o;
  o.features.min_df = perche::DocFreq::count(1);
  // cv_folds above the number of texts: one text a fold, the same thresholds as cv_folds = n (it
  // was two index lists a fold, until the process ran out of memory).
  o.cv_folds = 1000000000;
  perche::DriverClassifier big({"attesa"}, o);
  big.fit(t, Y);
  o.cv_folds = 4;
  perche::DriverClassifier four({"attesa"}, o);
  four.fit(t, Y);
  CHECK(big.thresholds() == four.thresholds());

  // Enums cast from integers: refused at construction (a model was fitted, saved, and then its file
  // refused by load()).
  auto refused = [](auto&& make) { CHECK_THROWS_AS(make(), std::invalid_argument); };
  refused([] {
    perche::TfidfOptions f;
    f.analyzer = static_cast<perche::Analyzer>(9);
    return perche::TfidfVectorizer(f);
  });
  refused([] {
    perche::TfidfOptions f;
    f.norm = static_cast<perche::Norm>(9);
    return perche::TfidfVectorizer(f);
  });
  refused([] {
    perche::text::TokenizerOptions to;
    to.utf8 = static_cast<perche::text::Utf8Policy>(9);
    return Tokenizer(to);
  });
  refused([] {
    perche::DriverOptions d;
    d.threshold_policy = static_cast<perche::ThresholdPolicy>(9);
    return perche::DriverClassifier({"a"}, d);
  });
  perche::DriverAnalysisOptions da;
  da.metric = static_cast<perche::Metric>(7);  // was read as CES and blamed the data
  const std::vector<double> scores{9, 3};
  perche::LabelMatrix m(2, 1);
  const std::vector<std::string> names{"a"};
  CHECK_THROWS_WITH_AS(perche::analyze_drivers(scores, m, names, {}, {}, da),
                       "DriverAnalysisOptions: metric 7 is not one of nps, csat, ces", std::invalid_argument);
}

TEST_CASE("hostile API: messages name the right argument and position") {
  // evaluate() reads labels as fit() does: 0 or 1.
  perche::LabelMatrix truth(2, 1), pred(2, 1);
  truth(0, 0) = 7;
  CHECK_THROWS_WITH_AS(perche::evaluate(truth, pred, {"x"}),
                       "evaluate: truth label 7 at row 0, driver 'x' (expected 0 or 1)", std::invalid_argument);
  // driver_segments: the length of segments, not of "scores" (it has none).
  const std::vector<std::int64_t> segments{1, 2};
  const perche::LabelMatrix three(3, 1);
  try {
    (void)perche::driver_segments(three, segments);
    FAIL("expected std::invalid_argument");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("segments has 2") != std::string::npos);
  }
  // CsvTable::line out of range: the table's own message.
  const auto table = perche::read_csv("a,b\n1,2\n");
  CHECK_THROWS_WITH_AS((void)table.line(5), "CsvTable::line: row 5 is outside 1 rows", std::out_of_range);
  // L-BFGS on feature values whose products overflow: LogisticRegression names itself and the size.
  const double big = 1e160;
  const perche::SparseMatrix X(4, 2, {0, 1, 2, 3, 4}, {0, 1, 0, 1}, {big, -big, big / 2, 1.0});
  const std::vector<int> y{0, 1, 0, 1};
  try {
    perche::LogisticRegression().fit(X, y);
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).starts_with("LogisticRegression.fit: "));
  }
  // Prediction refuses what fit() refuses (red-team, stop 42: NaN probabilities and class 0).
  const perche::SparseMatrix train(4, 2, {0, 1, 2, 3, 4}, {0, 1, 0, 1}, {1.0, 1.0, 2.0, 0.5});
  const auto fitted = perche::LogisticRegression().fit(train, y);
  const perche::SparseMatrix bad(2, 2, {0, 1, 2}, {0, 1}, {0.5, std::nan("")});
  CHECK_THROWS_WITH_AS(fitted.predict_proba(bad),
                       "LogisticRegression: X holds a non-finite value (nan) at row 1, column 1",
                       std::invalid_argument);
}

TEST_CASE("hostile API: names that cannot be told apart are refused") {
  // analyze_drivers as DriverClassifier: one name per column.
  const std::vector<double> scores{9, 3, 10};
  perche::LabelMatrix m(3, 2);
  m(0, 0) = m(1, 1) = 1;
  const std::vector<std::string> names{"attesa", "attesa"};
  CHECK_THROWS_WITH_AS(perche::analyze_drivers(scores, m, names),
                       "analyze_drivers: driver 'attesa' is named twice (columns 0 and 1)", std::invalid_argument);
  // An encoding name with a NUL inside: ICU read the part before it ("utf-8").
  perche::CsvOptions o;
  o.encoding = std::string("utf-8\0x", 7);
  CHECK_THROWS_WITH_AS(perche::read_csv("a,b\n1,2\n", o), "read_csv: encoding name holds a NUL byte (at byte 5)",
                       std::invalid_argument);
}

TEST_CASE("hostile API: an option outside its enum's list is refused by name, not computed as another") {
  // Red-team, stop 42 (a number cast to an enum, a stale binary): CiMethod(99) gave a Wald interval
  // that called itself method 99, TrendTestKind(9) an OLS test, MaskStyle(7) a tag.
  perche::NpsCounts counts;
  for (const int s : {0, 5, 7, 9, 10, 10}) counts.add(s);
  perche::NpsOptions nps_options;
  nps_options.method = static_cast<perche::CiMethod>(99);
  CHECK_THROWS_WITH_AS(perche::nps(counts, nps_options),
                       "nps: method 99 is not a CiMethod (wald, adjusted_wald, wilson, wilson_cc, t, adjusted_t, "
                       "bootstrap)",
                       std::invalid_argument);
  perche::RatingCounts ratings(1, 5);
  for (const int s : {1, 3, 5, 5}) ratings.add(s);
  perche::RatingOptions rating_options;
  rating_options.scale_min = 1;
  rating_options.scale_max = 5;
  rating_options.aggregation = static_cast<perche::Aggregation>(9);
  CHECK_THROWS_WITH_AS(perche::rating(ratings, rating_options),
                       "rating: aggregation 9 is not an Aggregation (mean, top_box, net)", std::invalid_argument);
  perche::TrendOptions trend_options;
  trend_options.test = static_cast<perche::TrendTestKind>(9);
  const std::vector<double> series{1, 2, 3, 4};
  CHECK_THROWS_WITH_AS(perche::trend_test(series, trend_options),
                       "trend_test: test 9 is not a TrendTestKind (mann_kendall, ols)", std::invalid_argument);
  perche::DiscoverOptions discover_options;
  discover_options.metric = static_cast<perche::ScoreMetric>(9);
  const std::vector<std::string_view> texts{"camera pulita", "personale gentile", "colazione scarsa"};
  const std::vector<double> scores{9, 10, 3};
  CHECK_THROWS_AS(perche::discover(texts, scores, {}, discover_options), std::invalid_argument);
  CHECK_THROWS_AS(perche::text::kind_name(static_cast<perche::text::TokenKind>(99)), std::invalid_argument);
  perche::MaskOptions mask_options;
  mask_options.style = static_cast<perche::MaskStyle>(7);
  CHECK_THROWS_WITH_AS(perche::mask("tel 347 123 4567", mask_options),
                       "mask: style 7 is not a MaskStyle (tag, pseudonym)", std::invalid_argument);
  CHECK_THROWS_AS(perche::period_label(perche::Day{19787}, static_cast<perche::Freq>(9)), std::invalid_argument);
}
