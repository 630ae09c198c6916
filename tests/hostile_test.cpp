// SPDX-License-Identifier: Apache-2.0
// Hostile input (issue 6): each row of the table gets a clear error or a documented result, never a
// crash, a hang or silent loss. Run under ASan/UBSan by `ctest --preset asan` and under TSan.
#include <doctest/doctest.h>

#include <perche/classify.hpp>
#include <perche/csv.hpp>
#include <perche/drivers.hpp>
#include <perche/metrics.hpp>
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
