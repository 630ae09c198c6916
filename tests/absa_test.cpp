// SPDX-License-Identifier: Apache-2.0
// Aspect-based sentiment in DriverClassifier (DriverOptions::sentiment) and the global threshold
// policy. The comments are the team's own, built from phrases whose polarity is known.
#include <doctest/doctest.h>

#include <perche/classify.hpp>
#include <perche/error.hpp>
#include <perche/sentiment.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

struct Labelled {
  std::vector<std::string> texts;
  perche::LabelMatrix Y, positive, negative;
};

// Drivers 0 "attesa" and 1 "cortesia", each praised or blamed, alone or together, plus comments
// about neither. Deterministic.
Labelled labelled(std::size_t n, std::uint64_t seed) {
  const std::vector<std::string> attesa_good = {"risposta immediata", "nessuna attesa", "mi hanno risposto subito",
                                                "tempi di attesa brevissimi", "linea libera in un attimo"};
  const std::vector<std::string> attesa_bad = {"attesa infinita", "ho aspettato un'ora in linea",
                                               "tempi di attesa lunghissimi", "mi hanno fatto aspettare troppo",
                                               "sempre in coda al telefono"};
  const std::vector<std::string> cortesia_good = {"operatore gentilissimo", "personale cortese e disponibile",
                                                  "l'operatrice è stata molto gentile", "grande cortesia",
                                                  "operatore educato e simpatico"};
  const std::vector<std::string> cortesia_bad = {"operatore scortese", "personale maleducato",
                                                 "l'operatrice è stata sgarbata", "nessuna educazione",
                                                 "operatore arrogante e antipatico"};
  const std::vector<std::string> other = {"la bolletta è arrivata", "ho cambiato tariffa", "uso l'app",
                                          "ho chiamato per la fattura", "cliente da anni"};
  std::mt19937_64 rng(seed);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  Labelled out;
  out.Y = perche::LabelMatrix(n, 2);
  out.positive = perche::LabelMatrix(n, 2);
  out.negative = perche::LabelMatrix(n, 2);
  for (std::size_t i = 0; i < n; ++i) {
    const int kind = static_cast<int>(rng() % 7);
    std::string t;
    auto mention = [&](std::size_t j, bool good) {
      const auto& phrases = j == 0 ? (good ? attesa_good : attesa_bad) : (good ? cortesia_good : cortesia_bad);
      if (!t.empty()) t += good ? ", e " : ", ma ";
      t += pick(phrases);
      out.Y(i, j) = 1;
      (good ? out.positive : out.negative)(i, j) = 1;
    };
    switch (kind) {
      case 0:
        mention(0, true);
        break;
      case 1:
        mention(0, false);
        break;
      case 2:
        mention(1, true);
        break;
      case 3:
        mention(1, false);
        break;
      case 4:
        mention(0, rng() % 2 == 0);
        mention(1, rng() % 2 == 0);
        break;
      default:
        t = pick(other);
    }
    if (rng() % 3 == 0) t = pick(other) + ". " + t;
    out.texts.push_back(t);
  }
  return out;
}

std::vector<std::string_view> views(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

perche::DriverOptions sentiment_options() {
  perche::DriverOptions o;
  o.sentiment = true;
  o.cv_folds = 3;
  o.features.min_df = perche::DocFreq::count(1);
  return o;
}

}  // namespace

TEST_CASE("aspect sentiment: each present driver gets the polarity of its own words") {
  const auto train = labelled(400, 1);
  perche::DriverClassifier clf({"attesa", "cortesia"}, sentiment_options());
  clf.fit(views(train.texts), train.Y, train.positive, train.negative);
  REQUIRE(clf.has_sentiment());
  CHECK(clf.polarity_threshold() > 0.0);
  CHECK(clf.polarity_threshold() < 1.0);

  const std::vector<std::string> texts = {"operatore gentilissimo, ma attesa infinita", "attesa infinita",
                                          "la bolletta è arrivata",
                                          "risposta immediata, e operatore educato e simpatico"};
  const auto pol = clf.predict_polarity(views(texts));
  const auto present = clf.predict(views(texts));
  // 0: courtesy praised, waiting blamed: each driver carries the polarity of the words near it
  // (the whole comment, read at once, would be negative for both after "ma").
  CHECK(pol.positive(0, 1) == 1);
  CHECK(pol.negative(0, 0) == 1);
  CHECK(pol.positive(0, 0) == 0);
  // 1: only waiting, blamed; courtesy absent is 0 in both.
  CHECK(pol.negative(1, 0) == 1);
  CHECK(pol.positive(1, 1) + pol.negative(1, 1) == 0);
  // 2: no driver: nothing.
  CHECK(pol.positive(2, 0) + pol.negative(2, 0) + pol.positive(2, 1) + pol.negative(2, 1) == 0);
  // 3: both praised.
  CHECK(pol.positive(3, 0) == 1);
  CHECK(pol.positive(3, 1) == 1);
  for (std::size_t i = 0; i < texts.size(); ++i)
    for (std::size_t j = 0; j < 2; ++j)
      if (!present(i, j)) CHECK(pol.positive(i, j) + pol.negative(i, j) == 0);

  // Held-out accuracy of the 4 flags of each text (a learnable task: well above chance).
  const auto test = labelled(300, 2);
  const auto p = clf.predict_polarity(views(test.texts));
  std::size_t right = 0;
  for (std::size_t i = 0; i < test.texts.size(); ++i)
    for (std::size_t j = 0; j < 2; ++j)
      right += (p.positive(i, j) == test.positive(i, j)) + (p.negative(i, j) == test.negative(i, j));
  CHECK(static_cast<double>(right) / (4.0 * static_cast<double>(test.texts.size())) > 0.95);

  // The probabilities behind the flags, and the explanation that reads them.
  const auto [P, N] = clf.predict_polarity_proba(views(texts));
  CHECK(P(0, 1) - N(0, 1) > P(0, 0) - N(0, 0));
  CHECK(N(0, 0) > P(0, 0));
  const auto ex = clf.explain(texts[0]);
  REQUIRE(ex.size() == 2);
  for (const auto& e : ex) {
    if (e.driver == "attesa")
      CHECK(e.polarity == "negative");
    else
      CHECK((e.polarity == "positive" || e.polarity == "mixed"));
    CHECK(e.positive == doctest::Approx(e.driver == "attesa" ? P(0, 0) : P(0, 1)));
  }
}

TEST_CASE("aspect sentiment: a model round-trips through its file and predicts the same") {
  const auto train = labelled(200, 3);
  perche::DriverClassifier clf({"attesa", "cortesia"}, sentiment_options());
  clf.fit(views(train.texts), train.Y, train.positive, train.negative);
  const std::string bytes = clf.to_bytes();
  const auto back = perche::DriverClassifier::from_bytes(bytes);
  CHECK(back.to_bytes() == bytes);
  CHECK(back.has_sentiment());
  CHECK(back.options().sentiment);
  CHECK(back.polarity_threshold() == clf.polarity_threshold());
  const auto test = labelled(50, 4);
  const auto a = clf.predict_polarity_proba(views(test.texts));
  const auto b = back.predict_polarity_proba(views(test.texts));
  CHECK(std::ranges::equal(a.first.values(), b.first.values()));
  CHECK(std::ranges::equal(a.second.values(), b.second.values()));
  // Truncated anywhere in the polarity part: a FormatError, never a crash.
  for (std::size_t cut = bytes.size() - 200; cut < bytes.size(); cut += 37)
    CHECK_THROWS_AS(perche::DriverClassifier::from_bytes(bytes.substr(0, cut)), perche::FormatError);
}

TEST_CASE("aspect sentiment: presence and polarity in one reading agree with the two calls") {
  const auto train = labelled(200, 3);
  perche::DriverClassifier clf({"attesa", "cortesia"}, sentiment_options());
  clf.fit(views(train.texts), train.Y, train.positive, train.negative);
  const auto test = labelled(80, 6);
  const auto v = views(test.texts);
  const auto presence = clf.predict_proba(v);
  const auto [P, N] = clf.predict_polarity_proba(v);  // every driver's columns summed
  const auto labels = clf.predict_polarity(v);
  const auto both = clf.predict_proba_with_polarity(v);  // the present drivers' columns alone
  CHECK(std::ranges::equal(both.presence.values(), presence.values()));
  std::size_t present = 0, absent = 0;
  for (std::size_t i = 0; i < v.size(); ++i)
    for (std::size_t j = 0; j < 2; ++j) {
      if (presence(i, j) >= clf.thresholds()[j]) {
        ++present;
        CHECK(both.positive(i, j) == doctest::Approx(P(i, j)).epsilon(1e-12));
        CHECK(both.negative(i, j) == doctest::Approx(N(i, j)).epsilon(1e-12));
        CHECK(labels.positive(i, j) == (both.positive(i, j) >= clf.polarity_threshold()));
        CHECK(labels.negative(i, j) == (both.negative(i, j) >= clf.polarity_threshold()));
      } else {
        ++absent;
        CHECK(std::isnan(both.positive(i, j)));
        CHECK(std::isnan(both.negative(i, j)));
        CHECK(labels.positive(i, j) == 0);
        CHECK(labels.negative(i, j) == 0);
      }
    }
  CHECK(present > 0);
  CHECK(absent > 0);
  // One threshold for every driver: 0 makes every driver present, above 1 none.
  const auto all = clf.predict_proba_with_polarity(v, 0.0);
  for (std::size_t i = 0; i < v.size(); ++i)
    for (std::size_t j = 0; j < 2; ++j) CHECK(all.positive(i, j) == doctest::Approx(P(i, j)).epsilon(1e-12));
  const auto none = clf.predict_proba_with_polarity(v, 1.5);
  CHECK(std::ranges::all_of(none.negative.values(), [](double x) { return std::isnan(x); }));
  perche::DriverClassifier plain({"attesa", "cortesia"});
  plain.fit(views(train.texts), train.Y);
  CHECK_THROWS_AS(plain.predict_proba_with_polarity(v), std::logic_error);
}

TEST_CASE("aspect sentiment: a text segmented once for the features and the lexicon reads as segmented twice") {
  // predict_polarity_proba hands the lexicon the tokens its vectorizer segmented; explain() lets the
  // lexicon segment the text itself. A model whose tokenizer keeps elisions whole segments otherwise:
  // the lexicon then segments on its own in both.
  const auto train = labelled(200, 3);
  std::string long_text;
  for (int i = 0; i < 1500; ++i)
    long_text += "l'attesa... infinita, operatore sgarbato :-(( ";  // > 2 pieces of 4,096 tokens
  const std::vector<std::string> texts = {
      "L’operatore è stato gentilissimo :-))) ma l'attesa... nessu… #delusione http://t.co/x] guida......",
      "attesa infinita!!! \xF0\x9F\x98\xA1\xF0\x9F\x98\xA1 operatore scortese, non gentile",
      "operatore gentile \xC3\x28 ma attesa lunghissima dell'operatrice",
      "nessuna attesa. ma l'operatrice è stata sgarbata :'D xD",
      long_text,
  };
  for (const bool split : {true, false}) {
    CAPTURE(split);
    auto o = sentiment_options();
    o.features.tokenizer.split_elisions = split;
    perche::DriverClassifier clf({"attesa", "cortesia"}, o);
    clf.fit(views(train.texts), train.Y, train.positive, train.negative);
    const auto [P, N] = clf.predict_polarity_proba(views(texts));
    const auto both = clf.predict_proba_with_polarity(views(texts), 0.0);  // every driver present
    std::size_t compared = 0;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      CAPTURE(i);
      for (const auto& e : clf.explain(texts[i])) {
        const std::size_t j = e.driver == "attesa" ? 0 : 1;
        CHECK(e.positive == doctest::Approx(P(i, j)).epsilon(1e-12));
        CHECK(e.negative == doctest::Approx(N(i, j)).epsilon(1e-12));
        CHECK(both.positive(i, j) == doctest::Approx(P(i, j)).epsilon(1e-12));
        ++compared;
      }
    }
    CHECK(compared >= texts.size());
  }
}

TEST_CASE("aspect sentiment: the comments' sentiment from the same reading is predict_proba's") {
  const auto train = labelled(200, 3);
  perche::DriverClassifier clf({"attesa", "cortesia"}, sentiment_options());
  clf.fit(views(train.texts), train.Y, train.positive, train.negative);
  auto test = labelled(80, 6);
  test.texts.push_back("ho chiamato ieri");  // no driver: the lexicon reads it for the sentiment alone
  test.texts.push_back("");
  const auto v = views(test.texts);
  // The shipped lexicon's model (the features are shared with the polarity models), and a model
  // over a lexicon of its own with word features (read apart): each as its own predict_proba.
  const auto shipped = perche::SentimentClassifier::default_model();
  perche::SentimentOptions o;
  o.features.min_df = {1, false};
  perche::SentimentClassifier own(o, perche::SentimentLexicon({{"gentile", 1.0}, {"lento", -1.0}}));
  std::vector<std::string_view> texts;
  std::vector<std::string> labels;
  for (int i = 0; i < 10; ++i) {
    texts.insert(texts.end(), {"operatore gentile", "servizio lento", "ho chiamato ieri", "gentile ma lento"});
    labels.insert(labels.end(), {"positive", "negative", "neutral", "mixed"});
  }
  own.fit(texts, labels);
  perche::SentimentClassifier words(o);  // the shipped lexicon (shared reading) and word features
  words.fit(texts, labels);
  const auto plain = clf.predict_proba_with_polarity(v);
  CHECK(plain.sentiment.size() == 0);
  for (const perche::SentimentClassifier* s : std::vector<const perche::SentimentClassifier*>{&shipped, &own, &words}) {
    const auto both = clf.predict_proba_with_polarity(v, std::nullopt, s);
    CHECK(std::ranges::equal(both.sentiment.values(), s->predict_proba(v).values()));
    CHECK(std::ranges::equal(both.presence.values(), plain.presence.values()));
    CHECK(std::ranges::equal(both.positive.values(), plain.positive.values(),
                             [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }));
  }
  CHECK(!std::ranges::equal(shipped.predict_proba(v).values(), own.predict_proba(v).values()));  // two cases
  // A threshold for every driver: the same sentiment, more drivers' polarity.
  const auto low = clf.predict_proba_with_polarity(v, 0.2, &words);
  CHECK(std::ranges::equal(low.sentiment.values(), words.predict_proba(v).values()));
  const perche::SentimentClassifier unfitted;
  CHECK_THROWS_AS(clf.predict_proba_with_polarity(v, std::nullopt, &unfitted), std::logic_error);
}

TEST_CASE("aspect sentiment: wrong labels are refused with the row and driver named") {
  const auto train = labelled(60, 5);
  const auto v = views(train.texts);
  perche::DriverClassifier clf({"attesa", "cortesia"}, sentiment_options());
  CHECK_THROWS_WITH_AS(clf.fit(v, train.Y), doctest::Contains("needs positive and negative labels"),
                       std::invalid_argument);
  auto bad = train.positive;
  std::size_t row = 0;
  while (train.Y(row, 1)) ++row;
  bad(row, 1) = 1;
  const std::string expected = "row " + std::to_string(row) + " is positive about driver 'cortesia'";
  CHECK_THROWS_WITH_AS(clf.fit(v, train.Y, bad, train.negative), doctest::Contains(expected.c_str()),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(clf.fit(v, train.Y, perche::LabelMatrix(3, 2), train.negative),
                       doctest::Contains("positive labels are 3 × 2, expected 60 × 2"), std::invalid_argument);
  const perche::LabelMatrix none(train.Y.rows(), 2);
  CHECK_THROWS_WITH_AS(clf.fit(v, train.Y, train.positive, none),
                       doctest::Contains("no driver mention is labelled negative"), std::invalid_argument);
  perche::DriverClassifier plain({"attesa", "cortesia"});
  CHECK_THROWS_WITH_AS(plain.fit(v, train.Y, train.positive, train.negative), doctest::Contains("without sentiment"),
                       std::invalid_argument);
  perche::DriverOptions o = sentiment_options();
  o.polarity_C = -1;
  CHECK_THROWS_WITH_AS(perche::DriverClassifier({"a"}, o), doctest::Contains("polarity_C"), std::invalid_argument);
  o = {};
  o.features.min_df = perche::DocFreq::count(1);
  perche::DriverClassifier presence_only({"attesa", "cortesia"}, o);
  presence_only.fit(v, train.Y);
  CHECK_FALSE(presence_only.has_sentiment());
  CHECK_THROWS_AS(presence_only.predict_polarity(v), std::logic_error);
  CHECK(std::isnan(presence_only.explain(train.texts[0]).front().positive));
}

TEST_CASE("global threshold policy: one threshold for every driver; per_driver keeps each its own") {
  const auto train = labelled(300, 6);
  perche::DriverOptions o;
  o.features.min_df = perche::DocFreq::count(1);
  o.threshold_policy = perche::ThresholdPolicy::global;
  perche::DriverClassifier global({"attesa", "cortesia"}, o);
  global.fit(views(train.texts), train.Y);
  CHECK(global.thresholds()[0] == global.thresholds()[1]);
  o.threshold_policy = perche::ThresholdPolicy::per_driver;
  perche::DriverClassifier own({"attesa", "cortesia"}, o);
  own.fit(views(train.texts), train.Y);
  const auto back = perche::DriverClassifier::from_bytes(own.to_bytes());
  CHECK(back.options().threshold_policy == perche::ThresholdPolicy::per_driver);
  CHECK(back.thresholds() == own.thresholds());
}

TEST_CASE("model format: a version 2 file (perche 0.2, no sentiment) still loads and predicts") {
  // tests/data/driver_v2.model: written by perche 0.2 from the classify_test sample (two drivers,
  // cv_folds 2, min_df 1); its probabilities for these two texts, printed by that version.
  std::ifstream in(std::string(PERCHE_TEST_SOURCE_DIR) + "/tests/data/driver_v2.model", std::ios::binary);
  REQUIRE(in);
  const std::string bytes{std::istreambuf_iterator<char>(in), {}};
  REQUIRE(bytes.substr(8, 4) == std::string("\x02\0\0\0", 4));
  const auto clf = perche::DriverClassifier::from_bytes(bytes);
  CHECK_FALSE(clf.has_sentiment());
  CHECK(clf.options().threshold_policy == perche::ThresholdPolicy::per_driver);
  CHECK(clf.drivers() == std::vector<std::string>{"attesa", "cortesia"});
  const auto p = clf.predict_proba("attesa lunga");
  CHECK(p[0] == doctest::Approx(0.89588866).epsilon(1e-7));
  CHECK(p[1] == doctest::Approx(0.22354435).epsilon(1e-7));
  CHECK(clf.thresholds()[0] == doctest::Approx(0.40897006168699834));
  CHECK(clf.labels().empty());
  CHECK(clf.to_bytes().substr(8, 4) == std::string("\x06\0\0\0", 4));  // saved again: the current version
}
