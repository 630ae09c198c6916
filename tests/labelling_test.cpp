// SPDX-License-Identifier: Apache-2.0
// The labelling loop (perche/labelling.hpp): comments to label, and cross-validation.
#include <doctest/doctest.h>

#include <perche/labelling.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

using namespace perche;

namespace {

// Two drivers in plain words: waiting (attesa) and price (prezzo), 30 comments each, and 20 of neither.
struct Toy {
  std::vector<std::string> owned;
  std::vector<std::string_view> texts;
  LabelMatrix Y;
  Toy() {
    const char* waits[] = {"ho aspettato un'ora al telefono", "attesa lunghissima in linea",
                           "troppa attesa per parlare", "mi hanno fatto aspettare tanto", "tempi di attesa infiniti"};
    const char* prices[] = {"prezzo troppo alto", "costa troppo rispetto agli altri", "tariffa cara e aumentata",
                            "il canone è caro", "prezzi alti e costi nascosti"};
    const char* other[] = {"tutto bene grazie", "nessun problema particolare", "servizio nella norma",
                           "niente da segnalare", "esperienza normale"};
    for (int r = 0; r < 6; ++r) {
      for (const char* w : waits) owned.push_back(std::string(w) + " volta " + std::to_string(r));
      for (const char* p : prices) owned.push_back(std::string(p) + " volta " + std::to_string(r));
      if (r < 4)
        for (const char* o : other) owned.push_back(std::string(o) + " volta " + std::to_string(r));
    }
    for (const auto& s : owned) texts.push_back(s);
    Y = LabelMatrix(owned.size(), 2);
    std::size_t i = 0;
    for (int r = 0; r < 6; ++r) {
      for (int k = 0; k < 5; ++k) Y(i++, 0) = 1;
      for (int k = 0; k < 5; ++k) Y(i++, 1) = 1;
      if (r < 4) i += 5;
    }
  }
};

}  // namespace

TEST_CASE("select_for_labelling skips blank, stopword-only and repeated comments, and repeats itself") {
  const std::vector<std::string_view> texts = {"",
                                               "  ",
                                               "e il di!",
                                               "attesa lunga al telefono",
                                               "Attesa lunga al telefono",
                                               "prezzo troppo alto",
                                               "operatore gentile e preparato"};
  const auto picks = select_for_labelling(texts, 10);
  std::set<std::size_t> chosen;
  for (const auto& p : picks) {
    chosen.insert(p.index);
    CHECK_FALSE(p.uncertainty);
    CHECK(p.suggested.empty());
  }
  CHECK(chosen == std::set<std::size_t>{3, 5, 6});
  const auto again = select_for_labelling(texts, 10);
  REQUIRE(again.size() == picks.size());
  for (std::size_t i = 0; i < picks.size(); ++i) CHECK(again[i].index == picks[i].index);
  CHECK(select_for_labelling(texts, 1).size() == 1);
  CHECK(select_for_labelling(std::vector<std::string_view>{"", "e"}, 5).empty());
  CHECK_THROWS_AS(select_for_labelling(texts, 0), std::invalid_argument);
}

TEST_CASE("select_for_labelling picks a comment about something else before a near-repeat") {
  const std::vector<std::string_view> texts = {"attesa lunga al telefono", "attesa lunga al telefono oggi",
                                               "attesa lunga al telefono ieri", "fattura sbagliata e rimborso negato"};
  const auto picks = select_for_labelling(texts, 2);
  REQUIRE(picks.size() == 2);
  CHECK(picks[0].index < 3);   // the most typical comment first
  CHECK(picks[1].index == 3);  // then the farthest from it
}

TEST_CASE("select_for_labelling with a model starts from its most doubtful comment") {
  const Toy toy;
  DriverClassifier model({"attesa", "prezzo"});
  model.fit(toy.texts, toy.Y);
  const std::vector<std::string_view> texts = {"prezzo troppo alto volta 9", "ho aspettato e costa troppo",
                                               "tutto bene grazie volta 9", "attesa lunghissima in linea volta 9"};
  const auto picks = select_for_labelling(texts, 4, &model);
  REQUIRE(picks.size() == 4);
  const auto P = model.predict_proba(texts);
  double most = -1;
  std::size_t doubtful = 0;
  for (std::size_t i = 0; i < texts.size(); ++i)
    for (std::size_t j = 0; j < 2; ++j) {
      const double t = model.thresholds()[j];
      const double u = 1.0 - std::abs(P(i, j) - t) / std::max(t, 1.0 - t);
      if (u > most) {
        most = u;
        doubtful = i;
      }
    }
  CHECK(picks[0].index == doubtful);
  REQUIRE(picks[0].uncertainty);
  CHECK(*picks[0].uncertainty == doctest::Approx(most));
  for (const auto& p : picks) {
    REQUIRE(p.uncertainty);
    CHECK(*p.uncertainty >= 0.0);
    CHECK(*p.uncertainty <= 1.0);
    for (const auto& s : p.suggested) CHECK((s == "attesa" || s == "prezzo"));
  }
}

TEST_CASE("cross_validate scores separable drivers highly, on folds that repeat for a seed") {
  const Toy toy;
  DriverOptions o;
  o.cv_folds = 3;
  const auto e = cross_validate(toy.texts, toy.Y, {"attesa", "prezzo"}, o, 4);
  REQUIRE(e.drivers.size() == 2);
  CHECK(e.drivers[0].support == 30);
  CHECK(e.drivers[1].support == 30);
  CHECK(e.micro_f1 > 0.9);
  CHECK(e.macro_f1 > 0.9);
  const auto again = cross_validate(toy.texts, toy.Y, {"attesa", "prezzo"}, o, 4);
  CHECK(again.micro_f1 == e.micro_f1);
}

TEST_CASE("cross_validate leaves a driver out of the folds that cannot learn it, and checks its arguments") {
  Toy toy;
  LabelMatrix Y(toy.texts.size(), 3);
  for (std::size_t i = 0; i < toy.texts.size(); ++i)
    for (std::size_t j = 0; j < 2; ++j) Y(i, j) = toy.Y(i, j);
  Y(0, 2) = 1;  // one example of a third driver: never in a training part and its test fold at once
  DriverOptions o;
  o.cv_folds = 0;
  const auto e = cross_validate(toy.texts, Y, {"attesa", "prezzo", "raro"}, o, 3);
  CHECK(e.drivers[2].support == 1);
  CHECK(e.drivers[2].recall == 0.0);
  CHECK(e.drivers[0].f1 > 0.9);
  CHECK_THROWS_AS(cross_validate(toy.texts, Y, {"attesa", "prezzo", "raro"}, o, 1), std::invalid_argument);
  CHECK_THROWS_AS(cross_validate(toy.texts, toy.Y, {"attesa", "prezzo", "raro"}, o, 3), std::invalid_argument);
  CHECK_THROWS_AS(cross_validate(std::span<const std::string_view>(toy.texts).first(2), toy.Y, {"attesa"}, o, 3),
                  std::invalid_argument);
}
