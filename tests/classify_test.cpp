// SPDX-License-Identifier: Apache-2.0
// TF-IDF, logistic regression and the driver classifier. Reference values are computed by hand
// (shown in comments) from scikit-learn's documented formulas; the pytest suite compares whole
// matrices and models with scikit-learn itself.
#include <doctest/doctest.h>

#include <perche/classify.hpp>
#include <perche/csv.hpp>  // IoError
#include <perche/detail/stats.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <random>
#include <span>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "../src/classify/binary.hpp"  // seal(): a version 3 file
#include "../src/common/hash.hpp"
#include "crc32_reference.hpp"
#include "sparse_of.hpp"

using doctest::Approx;
using perche::DocFreq;
using perche::SparseMatrix;
using perche_test::sparse_of;

namespace {

using Docs = std::vector<std::vector<std::string>>;

std::set<std::string> feature_set(const perche::TfidfVectorizer& v) {
  return {v.features().begin(), v.features().end()};
}

// A small labelled set: waiting time (attesa) and courtesy (cortesia), some with both.
struct Sample {
  std::vector<std::string> texts;
  perche::LabelMatrix Y;
};
Sample sample() {
  const char* attesa[] = {"attesa lunghissima al telefono",
                          "ho aspettato un'ora in linea",
                          "tempi di attesa infiniti",
                          "troppa attesa per parlare con qualcuno",
                          "mi hanno fatto aspettare 40 minuti",
                          "attesa di mezz'ora prima della risposta",
                          "ho atteso troppo",
                          "lunga attesa e nessuna risposta"};
  const char* cortesia[] = {"operatore gentilissimo",
                            "l'operatrice è stata molto cortese",
                            "personale scortese e maleducato",
                            "operatore sgarbato",
                            "gentili e disponibili",
                            "molto cortesi al telefono",
                            "operatore maleducato",
                            "grande gentilezza dell'operatore"};
  const char* both[] = {"attesa lunga ma operatore gentile", "dopo un'ora di attesa un operatore scortese"};
  const char* none[] = {"la bolletta è sbagliata", "il prezzo è aumentato", "app che non funziona",
                        "consegna in ritardo",     "fattura non chiara",    "costo eccessivo"};
  Sample s;
  std::vector<std::pair<int, int>> labels;
  for (auto t : attesa) s.texts.push_back(t), labels.push_back({1, 0});
  for (auto t : cortesia) s.texts.push_back(t), labels.push_back({0, 1});
  for (auto t : both) s.texts.push_back(t), labels.push_back({1, 1});
  for (auto t : none) s.texts.push_back(t), labels.push_back({0, 0});
  s.Y = perche::LabelMatrix(labels.size(), 2);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    s.Y(i, 0) = static_cast<std::uint8_t>(labels[i].first);
    s.Y(i, 1) = static_cast<std::uint8_t>(labels[i].second);
  }
  return s;
}

std::vector<std::string_view> views(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

// Where a version-6 payload (bytes 20 to the checksum) holds the nb_scale byte, which follows the
// options' polarity_C. Found after the logistic options' tol (f64) and max_iter (u32): solver u8,
// cv_folds u32, threshold f64, threads u32, seed u64, threshold policy u8, sentiment u8,
// polarity_C f64.
std::size_t nb_scale_offset(const std::string& payload, const perche::DriverOptions& o) {
  std::string anchor(12, '\0');
  const double tol = o.logistic.tol;
  const auto max_iter = static_cast<std::uint32_t>(o.logistic.max_iter);
  std::memcpy(anchor.data(), &tol, 8);
  std::memcpy(anchor.data() + 8, &max_iter, 4);
  const std::size_t at = payload.find(anchor);
  REQUIRE(at != std::string::npos);
  return at + anchor.size() + 1 + 4 + 8 + 4 + 8 + 1 + 1 + 8;
}

// A model's payload as format version 5 wrote it: without the nb_scale byte.
std::string payload_v5(const perche::DriverClassifier& clf) {
  const std::string bytes = clf.to_bytes();
  REQUIRE(bytes.substr(8, 4) == std::string("\x06\0\0\0", 4));
  std::string payload = bytes.substr(20, bytes.size() - 24);
  const std::size_t nb = nb_scale_offset(payload, clf.options());
  REQUIRE(payload[nb] == (clf.options().nb_scale ? 1 : 0));
  payload.erase(nb, 1);
  return payload;
}

perche::DriverClassifier fitted_sample(int folds = 2) {
  const auto s = sample();
  perche::DriverOptions o;
  o.cv_folds = folds;
  o.features.min_df = DocFreq::count(1);
  perche::DriverClassifier clf({"attesa", "cortesia"}, o);
  const auto v = views(s.texts);
  clf.fit(v, s.Y);
  return clf;
}

}  // namespace

TEST_CASE("tfidf: two documents by hand with smooth idf and l2 norm") {
  // n = 2; df(a) = 2, df(b) = 1; idf(a) = ln(3/3) + 1 = 1, idf(b) = ln(3/2) + 1 = 1.4054651081.
  // Row 0: [1, 1.4054651] / √(1 + 1.9753321) = [0.5797386716, 0.8148024746]; row 1: [1, 0].
  perche::TfidfVectorizer v;
  const SparseMatrix X = v.fit_transform(Docs{{"a", "b"}, {"a"}});
  REQUIRE(v.features() == std::vector<std::string>{"a", "b"});
  CHECK(v.idf()[1] == Approx(1.4054651081081644).epsilon(1e-14));
  CHECK(X.coeff(0, 0) == Approx(0.5797386715376657).epsilon(1e-12));
  CHECK(X.coeff(0, 1) == Approx(0.8148024746671689).epsilon(1e-12));
  CHECK(X.coeff(1, 0) == Approx(1.0));
  CHECK(X.coeff(1, 1) == 0.0);
}

TEST_CASE("tfidf: raw idf, sublinear tf, l1 norm and no norm") {
  perche::TfidfOptions o;
  o.smooth_idf = false;   // idf(b) = ln(2/1) + 1 = 1.6931471806
  o.sublinear_tf = true;  // tf(a) in doc 0 = 1 + ln 3 = 2.0986122887
  o.norm = perche::Norm::none;
  perche::TfidfVectorizer v(o);
  const SparseMatrix X = v.fit_transform(Docs{{"a", "a", "a", "b"}, {"a"}});
  CHECK(X.coeff(0, 0) == Approx(2.09861228866811).epsilon(1e-12));
  CHECK(X.coeff(0, 1) == Approx(1.6931471805599454).epsilon(1e-12));
  o.norm = perche::Norm::l1;
  const SparseMatrix Y = perche::TfidfVectorizer(o).fit_transform(Docs{{"a", "a", "a", "b"}, {"a"}});
  CHECK(Y.coeff(0, 0) == Approx(2.09861228866811 / (2.09861228866811 + 1.6931471805599454)).epsilon(1e-12));
}

TEST_CASE("tfidf: word bigrams join with a space; char_wb pads each term like scikit-learn") {
  perche::TfidfOptions o;
  o.ngram_max = 2;
  perche::TfidfVectorizer w(o);
  w.fit(Docs{{"non", "funziona", "app"}});
  CHECK(feature_set(w) == std::set<std::string>{"app", "funziona", "funziona app", "non", "non funziona"});

  o.analyzer = perche::Analyzer::char_wb;
  o.char_min = 2;
  o.char_max = 5;
  perche::TfidfVectorizer c(o);
  // " ab " (4 code points): n=2 → " a" "ab" "b "; n=3 → " ab" "ab "; n=4 → " ab " and no larger n.
  // " è " (3 code points): n=2 → " è" "è "; n=3 → " è " once.
  c.fit(Docs{{"ab", "è"}});
  CHECK(feature_set(c) == std::set<std::string>{" a", "ab", "b ", " ab", "ab ", " ab ", " è", "è ", " è "});

  o.analyzer = perche::Analyzer::both;
  perche::TfidfVectorizer b(o);
  b.fit(Docs{{"ab"}});
  CHECK(b.column("ab") >= 0);  // the word
  CHECK(b.column("\x01"
                 "ab") >= 0);  // the char bigram, kept apart
}

TEST_CASE("tfidf: min_df, max_df, max_features and their errors") {
  const Docs docs{{"a", "b", "c"}, {"a", "b"}, {"a", "d", "d", "d"}};
  perche::TfidfOptions o;
  o.min_df = DocFreq::count(2);
  perche::TfidfVectorizer v(o);
  v.fit(docs);
  CHECK(feature_set(v) == std::set<std::string>{"a", "b"});
  o.min_df = DocFreq::count(1);
  o.max_df = DocFreq::proportion(0.9);  // 2.7 documents: drops a (df 3)
  perche::TfidfVectorizer m(o);
  m.fit(docs);
  CHECK(feature_set(m) == std::set<std::string>{"b", "c", "d"});
  o.max_df = DocFreq::proportion(1.0);
  o.max_features = 2;  // corpus counts: a 3, d 3, b 2, c 1
  perche::TfidfVectorizer f(o);
  f.fit(docs);
  CHECK(feature_set(f) == std::set<std::string>{"a", "d"});

  o.max_features = 0;
  o.min_df = DocFreq::count(5);
  CHECK_THROWS_WITH_AS(perche::TfidfVectorizer(o).fit(docs), doctest::Contains("max_df corresponds to"),
                       std::invalid_argument);
  o.min_df = DocFreq::count(4);
  o.max_df = DocFreq::count(10);
  CHECK_THROWS_WITH_AS(perche::TfidfVectorizer(o).fit(docs), doctest::Contains("no feature remains"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(perche::TfidfVectorizer().fit(Docs{{}, {}}), doctest::Contains("empty vocabulary"),
                       std::invalid_argument);
  o.ngram_min = 3;
  o.ngram_max = 2;
  CHECK_THROWS_AS(perche::TfidfVectorizer{o}, std::invalid_argument);
  CHECK_THROWS_AS(perche::TfidfVectorizer().transform(docs), std::logic_error);
}

TEST_CASE("tfidf: raw texts go through the tokenizer; unknown terms are ignored") {
  perche::TfidfVectorizer v;
  const std::vector<std::string_view> texts{"L'attesa è stata lunga", "attesa breve"};
  const SparseMatrix X = v.fit_transform(texts, 1);
  CHECK(feature_set(v) == std::set<std::string>{"attesa", "breve", "lunga", "stata"});
  const std::vector<std::string_view> other{"nulla di noto", "ATTESA"};
  const SparseMatrix Y = v.transform(other, 2);
  CHECK(Y.row(0).size() == 0);
  CHECK(Y.coeff(1, static_cast<std::size_t>(v.column("attesa"))) == Approx(1.0));
  CHECK(X.rows() == 2);
}

TEST_CASE("logistic: intercept-only model gives the logit of the mean, balanced weights give 0") {
  // No informative feature: the optimum has p = mean(y) = 3/4, intercept ln 3 = 1.0986122887.
  const SparseMatrix X(4, 1);
  const std::vector<int> y{1, 1, 1, 0};
  perche::LogisticOptions o;
  o.tol = 1e-10;
  perche::LogisticRegression m(o);
  m.fit(X, y);
  CHECK(m.intercept()[0] == Approx(std::log(3.0)).epsilon(1e-7));
  CHECK(m.predict_proba(X)(0, 1) == Approx(0.75).epsilon(1e-7));
  o.balanced = true;  // class weights 4/(2·3) and 4/(2·1): weighted mean 1/2
  perche::LogisticRegression b(o);
  b.fit(X, y);
  CHECK(b.intercept()[0] == Approx(0.0).scale(1).epsilon(1e-7));
  // Sample weights: weight 3 on the negative is the same as balanced here.
  perche::LogisticRegression w(perche::LogisticOptions{1.0, true, false, 1e-10, 1000});
  const std::vector<double> sw{1, 1, 1, 3};
  w.fit(X, y, sw);
  CHECK(w.intercept()[0] == Approx(0.0).scale(1).epsilon(1e-7));
}

TEST_CASE("logistic: symmetric two-point problem solves w = 2C·σ(−w)") {
  // x = +1 (y=1), x = −1 (y=0): by symmetry b = 0 and the optimum of C·Σ loss + w²/2 satisfies
  // w = 2C·σ(−w). Solved here by bisection, independently of L-BFGS.
  const SparseMatrix X = sparse_of({{1.0}, {-1.0}}, 1);
  for (double C : {0.1, 1.0, 10.0}) {
    double lo = 0, hi = 100;
    for (int i = 0; i < 200; ++i) {
      const double mid = (lo + hi) / 2;
      (mid - 2 * C / (1 + std::exp(mid)) > 0 ? hi : lo) = mid;
    }
    perche::LogisticOptions o;
    o.C = C;
    o.tol = 1e-12;
    perche::LogisticRegression m(o);
    m.fit(X, std::vector<int>{1, 0});
    CAPTURE(C);
    CHECK(m.coef()(0, 0) == Approx(lo).epsilon(1e-6));
    CHECK(std::abs(m.intercept()[0]) < 1e-6);
    CHECK(m.classes() == std::vector<int>{0, 1});
    CHECK(m.predict(X) == std::vector<int>{1, 0});
  }
}

TEST_CASE("logistic: multinomial rows sum to one and labels are the sorted classes") {
  std::vector<std::vector<double>> dense(6, std::vector<double>(3, 0.0));
  for (std::size_t i = 0; i < 6; ++i) dense[i][i % 3] = 1.0;
  const SparseMatrix X = sparse_of(dense, 3);
  const std::vector<int> y{7, 3, 5, 7, 3, 5};
  perche::LogisticRegression m;
  m.fit(X, y);
  CHECK(m.classes() == std::vector<int>{3, 5, 7});
  CHECK(m.coef().rows() == 3);
  CHECK(m.coef().cols() == 3);
  const perche::Matrix P = m.predict_proba(X);
  REQUIRE(P.rows() == 6);
  REQUIRE(P.cols() == 3);
  for (std::size_t i = 0; i < 6; ++i) CHECK(std::accumulate(P.row(i).begin(), P.row(i).end(), 0.0) == Approx(1.0));
  CHECK(m.predict(X) == y);
  // the unpenalized intercepts stay centred
  CHECK(std::abs(std::accumulate(m.intercept().begin(), m.intercept().end(), 0.0)) < 1e-6);
}

TEST_CASE("logistic: bad input is named") {
  const SparseMatrix X = sparse_of({{1.0}, {0.0}}, 1);
  perche::LogisticRegression m;
  CHECK_THROWS_WITH_AS(m.fit(X, std::vector<int>{1}), doctest::Contains("2 rows but y has 1"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(m.fit(X, std::vector<int>{1, 1}), doctest::Contains("at least 2"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(m.fit(X, std::vector<int>{1, 0}, std::vector<double>{1, -1}),
                       doctest::Contains("sample weight -1"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(m.fit(sparse_of({{std::nan("")}, {0.0}}, 1), std::vector<int>{1, 0}),
                       doctest::Contains("non-finite"), std::invalid_argument);
  perche::LogisticOptions o;
  o.C = 0;
  CHECK_THROWS_AS(perche::LogisticRegression{o}, std::invalid_argument);
  CHECK_THROWS_AS(perche::LogisticRegression().predict(X), std::logic_error);
}

TEST_CASE("driver classifier: learns, predicts, explains with spans") {
  const auto clf = fitted_sample();
  CHECK(clf.drivers() == std::vector<std::string>{"attesa", "cortesia"});
  const std::vector<std::string_view> texts{"attesa infinita al telefono", "operatore scortese", ""};
  const auto Y = clf.predict(texts);
  CHECK(Y(0, 0) == 1);
  CHECK(Y(0, 1) == 0);
  CHECK(Y(1, 0) == 0);
  CHECK(Y(1, 1) == 1);
  CHECK(Y(2, 0) == 0);  // an empty text: the intercepts alone
  const auto P = clf.predict_proba(texts);
  const auto one = clf.predict_proba(texts[0]);
  CHECK(one[0] == Approx(P(0, 0)).epsilon(1e-12));
  CHECK(clf.top_k(texts[1], 1).front().first == 1);

  const std::string text = "Un'ATTESA lunghissima, poi l'operatore gentile";
  const auto ex = clf.explain(text);
  REQUIRE(!ex.empty());
  bool found = false;
  for (const auto& e : ex)
    if (e.driver == "attesa") {
      REQUIRE(!e.terms.empty());
      for (const auto& c : e.terms)
        for (const auto& [s, t] : c.spans) {
          if (text.substr(s, t - s) == "ATTESA") found = found || (c.weight > 0 && c.term == "attesa");
        }
    }
  CHECK(found);
  const auto top = clf.top_terms("attesa", 5);
  REQUIRE(top.size() == 5);
  CHECK(top.front().second >= top.back().second);
  CHECK_THROWS_AS(clf.top_terms("prezzo", 5), std::invalid_argument);

  const auto s = sample();
  const auto ev = clf.evaluate(views(s.texts), s.Y);
  CHECK(ev.micro_f1 > 0.9);
  CHECK(ev.drivers.size() == 2);
  CHECK(ev.drivers[0].support == 10);
}

TEST_CASE("evaluate: precision, recall and F1 by hand") {
  const perche::LabelMatrix t(4, 2, {1, 0, 1, 1, 0, 1, 0, 0}), p(4, 2, {1, 1, 0, 1, 0, 0, 1, 0});
  // driver 0: tp 1, fp 1, fn 1 → P = R = F1 = 0.5; driver 1: tp 1, fp 1, fn 1 → 0.5.
  // micro: TP 2, FP 2, FN 2 → 0.5.
  const auto e = perche::evaluate(t, p, {"x", "y"});
  CHECK(e.drivers[0].f1 == Approx(0.5));
  CHECK(e.micro_f1 == Approx(0.5));
  CHECK(e.macro_precision == Approx(0.5));
  CHECK_THROWS_AS(perche::evaluate(t, p, {"x"}), std::invalid_argument);
}

TEST_CASE("driver classifier: bad labels and drivers without examples are named") {
  const auto s = sample();
  const auto v = views(s.texts);
  perche::LabelMatrix Y = s.Y;
  for (std::size_t i = 0; i < Y.rows(); ++i) Y(i, 1) = 0;
  perche::DriverOptions o;
  o.features.min_df = DocFreq::count(1);
  CHECK_THROWS_WITH_AS(perche::DriverClassifier({"attesa", "cortesia"}, o).fit(v, Y),
                       doctest::Contains("driver 'cortesia' has no positive example"), std::invalid_argument);
  Y = s.Y;
  Y(3, 0) = 2;
  CHECK_THROWS_WITH_AS(perche::DriverClassifier({"attesa", "cortesia"}, o).fit(v, Y),
                       doctest::Contains("label 2 at row 3"), std::invalid_argument);
  CHECK_THROWS_AS(perche::DriverClassifier({"a", "a"}), std::invalid_argument);
  CHECK_THROWS_AS(perche::DriverClassifier({"a"}).predict_proba("x"), std::logic_error);
}

TEST_CASE("driver classifier: one example a driver gives no threshold that takes every comment") {
  // A fold without the driver's example predicts its prior 0: the best cut by F1 then took every
  // text, and the model gave every driver to every comment (red-team, stop 43).
  const std::vector<std::string> texts{"ho aspettato un'ora al telefono", "prezzo troppo alto per quello che offre",
                                       "tutto bene grazie", "nulla da segnalare"};
  perche::LabelMatrix Y(4, 2);
  Y(0, 0) = 1;
  Y(1, 1) = 1;
  perche::DriverOptions o;
  o.features.min_df = DocFreq::count(1);
  for (const auto policy : {perche::ThresholdPolicy::per_driver, perche::ThresholdPolicy::global}) {
    o.threshold_policy = policy;
    perche::DriverClassifier clf({"attesa", "prezzo"}, o);
    clf.fit(views(texts), Y);
    for (const double t : clf.thresholds()) CHECK(t == 0.5);
    const auto P = clf.predict(views(texts));
    CHECK(P(2, 0) + P(2, 1) + P(3, 0) + P(3, 1) == 0);
  }
}

TEST_CASE("driver classifier: set_threads changes the threads of predictions, not the predictions") {
  auto clf = fitted_sample();
  const std::vector<std::string_view> texts{"attesa infinita al telefono", "operatore scortese", "", "prezzo"};
  const auto P = clf.predict_proba(texts);
  clf.set_threads(1);
  CHECK(clf.options().threads == 1);
  const auto one = clf.predict_proba(texts);
  for (std::size_t i = 0; i < texts.size(); ++i)
    for (std::size_t j = 0; j < clf.drivers().size(); ++j) CHECK(one(i, j) == P(i, j));
  CHECK_THROWS_AS(clf.set_threads(perche::DriverOptions::kMaxThreads + 1), std::invalid_argument);
}

TEST_CASE("driver classifier: concurrent predictions equal serial ones") {
  const auto clf = fitted_sample();
  const auto s = sample();
  std::vector<std::vector<double>> serial;
  for (const auto& t : s.texts) serial.push_back(clf.predict_proba(t));
  std::atomic<int> mismatches{0};
  std::vector<std::thread> pool;
  for (int w = 0; w < 4; ++w)
    pool.emplace_back([&] {
      for (int rep = 0; rep < 20; ++rep)
        for (std::size_t i = 0; i < s.texts.size(); ++i)
          if (clf.predict_proba(s.texts[i]) != serial[i]) ++mismatches;
    });
  for (auto& t : pool) t.join();
  CHECK(mismatches.load() == 0);
}

TEST_CASE("driver classifier: display labels are checked, saved and loaded; a version 3 file has none") {
  auto clf = fitted_sample();
  CHECK(clf.labels().empty());
  std::vector<std::string> labels;
  for (const auto& d : clf.drivers()) labels.push_back("Qualità — " + d);
  CHECK_THROWS_WITH_AS(clf.set_labels({"uno"}), doctest::Contains("1 labels for"), std::invalid_argument);
  auto with_empty = labels;
  with_empty.back().clear();
  CHECK_THROWS_WITH_AS(clf.set_labels(with_empty), doctest::Contains("is empty"), std::invalid_argument);
  clf.set_labels(labels);
  const auto back = perche::DriverClassifier::from_bytes(clf.to_bytes());
  CHECK(back.labels() == labels);
  CHECK(back.to_bytes() == clf.to_bytes());
  // The same model as a version 4 file: the payload without the trailing top-probability
  // quantiles; as a version 3 file: without the (empty) label list too.
  const auto bare = fitted_sample();
  std::string payload = payload_v5(bare);
  const auto v5 = perche::DriverClassifier::from_bytes(perche::detail::seal("PERCHEDC", 5, payload));
  CHECK_FALSE(v5.options().nb_scale);  // a version-5 file says nothing of it: models before it had none
  {  // a version-6 file whose nb_scale byte is neither 0 nor 1 is a FormatError naming it
    const std::string v6 = bare.to_bytes();
    std::string forged = v6.substr(20, v6.size() - 24);
    forged[nb_scale_offset(forged, bare.options())] = 2;
    CHECK_THROWS_WITH_AS(perche::DriverClassifier::from_bytes(perche::detail::seal("PERCHEDC", 6, forged)),
                         doctest::Contains("nb_scale flag 2 (expected 0 or 1)"), perche::FormatError);
  }
  CHECK(v5.predict_proba(views(sample().texts)) == bare.predict_proba(views(sample().texts)));
  CHECK(payload_v5(v5) == payload);
  const std::size_t quantiles = 8 + 8 * perche::DriverClassifier::kTopQuantiles;
  payload.resize(payload.size() - quantiles);
  const auto v4 = perche::DriverClassifier::from_bytes(perche::detail::seal("PERCHEDC", 4, payload));
  CHECK(v4.training_top_quantiles().empty());
  CHECK(v4.predict_proba(views(sample().texts)) == bare.predict_proba(views(sample().texts)));
  REQUIRE(payload.substr(payload.size() - 8) == std::string(8, '\0'));  // u64 count 0
  payload.resize(payload.size() - 8);
  const std::string v3 = perche::detail::seal("PERCHEDC", 3, payload);
  const auto old = perche::DriverClassifier::from_bytes(v3);
  CHECK(old.labels().empty());
  CHECK(old.training_top_quantiles().empty());
  const std::string resaved = old.to_bytes();  // as version 6, with no quantiles (a count of 0)
  CHECK(resaved.substr(8, 4) == std::string("\x06\0\0\0", 4));
  CHECK(perche::DriverClassifier::from_bytes(resaved).training_top_quantiles().empty());
}

TEST_CASE("driver classifier: the training top-probability quantiles are out of fold, sorted, and saved") {
  const auto clf = fitted_sample();
  const auto& q = clf.training_top_quantiles();
  REQUIRE(q.size() == perche::DriverClassifier::kTopQuantiles);
  CHECK(std::is_sorted(q.begin(), q.end()));
  CHECK(q.front() >= 0.0);
  CHECK(q.back() <= 1.0);
  // Out of fold: below the in-sample highest probabilities of the same comments, whose median a
  // model fitted on them overstates.
  const auto s = sample();
  const auto P = clf.predict_proba(views(s.texts));
  std::vector<double> top(s.texts.size());
  for (std::size_t i = 0; i < top.size(); ++i)
    for (std::size_t j = 0; j < clf.drivers().size(); ++j) top[i] = std::max(top[i], P(i, j));
  std::sort(top.begin(), top.end());
  CHECK(q[10] < perche::detail::sorted_quantile(top, 0.5));
  CHECK(perche::DriverClassifier::from_bytes(clf.to_bytes()).training_top_quantiles() == q);
}

TEST_CASE("model format: bit-exact round trip; truncation, corruption and newer versions throw FormatError") {
  const auto clf = fitted_sample();
  const std::string bytes = clf.to_bytes();
  const auto back = perche::DriverClassifier::from_bytes(bytes);
  CHECK(back.to_bytes() == bytes);
  const auto s = sample();
  CHECK(back.predict_proba(views(s.texts)) == clf.predict_proba(views(s.texts)));
  CHECK(back.thresholds() == clf.thresholds());

  const std::string path = "perche_classify_test.model";
  clf.save(path);
  CHECK(perche::DriverClassifier::load(path).to_bytes() == bytes);
  std::remove(path.c_str());
  CHECK_THROWS_WITH_AS(perche::DriverClassifier::load("/nonexistent/x.model"),
                       "cannot read model /nonexistent/x.model: No such file or directory", perche::IoError);

  CHECK_THROWS_WITH_AS(perche::DriverClassifier::from_bytes(""), doctest::Contains("magic"), perche::FormatError);
  CHECK_THROWS_WITH_AS(perche::DriverClassifier::from_bytes("PNG\r\n\x1a\n...."), doctest::Contains("magic"),
                       perche::FormatError);
  for (std::size_t cut : {std::size_t{8}, std::size_t{12}, std::size_t{20}, bytes.size() / 2, bytes.size() - 1}) {
    CAPTURE(cut);
    CHECK_THROWS_AS(perche::DriverClassifier::from_bytes(bytes.substr(0, cut)), perche::FormatError);
  }
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  CHECK_THROWS_WITH_AS(perche::DriverClassifier::from_bytes(flipped), doctest::Contains("checksum"),
                       perche::FormatError);
  std::string newer = bytes;
  newer[8] = 7;  // format version 7
  CHECK_THROWS_WITH_AS(perche::DriverClassifier::from_bytes(newer), doctest::Contains("newer"), perche::FormatError);
  std::string huge = bytes;
  for (int i = 12; i < 20; ++i) huge[static_cast<std::size_t>(i)] = '\xff';  // payload size 2^64 − 1
  CHECK_THROWS_WITH_AS(perche::DriverClassifier::from_bytes(huge), doctest::Contains("truncated"), perche::FormatError);
  CHECK_THROWS_WITH_AS(perche::DriverClassifier::from_bytes(bytes + "x"), doctest::Contains("unexpected bytes"),
                       perche::FormatError);

  CHECK(crc32_bitwise("123456789") == 0xCBF43926u);  // the standard check value

  // nb_scale (the default) is saved, version 6: a model without it reads back without it, and its
  // probabilities differ from the default model's on the same data.
  REQUIRE(clf.options().nb_scale);
  CHECK(back.options().nb_scale);
  const auto sm = sample();
  perche::DriverOptions o = clf.options();
  o.nb_scale = false;
  perche::DriverClassifier plain({"attesa", "cortesia"}, o);
  plain.fit(views(sm.texts), sm.Y);
  const auto plain_back = perche::DriverClassifier::from_bytes(plain.to_bytes());
  CHECK_FALSE(plain_back.options().nb_scale);
  CHECK(plain_back.predict_proba(views(sm.texts)) == plain.predict_proba(views(sm.texts)));
  CHECK(plain.predict_proba(views(sm.texts)) != clf.predict_proba(views(sm.texts)));
}

TEST_CASE("model format: mutated payloads with a valid checksum never crash") {
  const std::string bytes = fitted_sample().to_bytes();
  const std::size_t header = 20, payload = bytes.size() - header - 4;
  std::mt19937_64 rng(7);
  int errors = 0, loaded = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string m = bytes;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) m[header + rng() % payload] = static_cast<char>(rng());
    const std::uint32_t crc = crc32_bitwise(std::string_view(m).substr(header, payload));
    for (int b = 0; b < 4; ++b)
      m[header + payload + static_cast<std::size_t>(b)] = static_cast<char>((crc >> (8 * b)) & 0xFF);
    try {
      const auto clf = perche::DriverClassifier::from_bytes(m);
      (void)clf.predict_proba("attesa lunga");
      ++loaded;
    } catch (const perche::FormatError&) {
      ++errors;
    }
  }
  CHECK(errors + loaded == 3000);
  CHECK(errors > 0);
}

TEST_CASE("tfidf: counting on several threads gives the same matrix as on one") {
  // ≥ 1024 documents a chunk, so that 2 and 4 threads really split and merge vocabularies.
  Docs docs;
  std::mt19937_64 rng(3);
  const char* words[] = {"attesa", "operatore", "gentile", "prezzo", "bolletta", "app", "non", "funziona", "è", "po'"};
  for (int d = 0; d < 5000; ++d) {
    std::vector<std::string> doc;
    for (int k = 0, n = 1 + static_cast<int>(rng() % 8); k < n; ++k)
      doc.push_back(words[rng() % 10] + std::to_string(rng() % (d < 2500 ? 50 : 200)));
    docs.push_back(doc);
  }
  perche::TfidfOptions o;
  o.analyzer = perche::Analyzer::both;
  o.ngram_max = 2;
  o.min_df = DocFreq::count(2);
  o.max_features = 3000;
  perche::TfidfVectorizer one(o), many(o);
  const SparseMatrix A = one.fit_transform(docs, 1);
  for (unsigned threads : {2U, 4U}) {
    CAPTURE(threads);
    const SparseMatrix B = many.fit_transform(docs, threads);
    CHECK(one.features() == many.features());
    CHECK(one.idf() == many.idf());
    CHECK(A.nonZeros() == B.nonZeros());
    CHECK(A == B);
  }
}

TEST_CASE("tfidf: chunk vocabularies merge in name order past 16 bytes, across prefixes and NUL bytes") {
  // Each chunk sorts its own features on 16-byte keys and sizes; the merge must still find equal
  // names and order names that tie on the keys (long shared prefixes, a name that is the prefix
  // of another, embedded NUL bytes that look like the keys' zero padding).
  const std::vector<std::string> words = {"precipitevolissimevolmente",
                                          "precipitevolissimevolmentE",
                                          "precipitevolissimevol",
                                          "precipitevolissimevolmente!",
                                          "abcdefghijklmnop",
                                          "abcdefghijklmnopq",
                                          "abcdefghijklmno",
                                          std::string("ab\0", 3),
                                          std::string("ab\0\0", 4),
                                          "ab",
                                          std::string("ab\0c", 4),
                                          "a",
                                          "b",
                                          "èèèèèèèèè",
                                          "èèèèèèèèé",
                                          "\x01x",
                                          "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"};
  Docs docs;
  std::mt19937_64 rng(11);
  for (int d = 0; d < 6000; ++d) {
    std::vector<std::string> doc;
    // Some words only in the first or the last chunk, most in all.
    const std::size_t range = d < 2000 ? words.size() - 3 : d > 4000 ? words.size() : words.size() - 1;
    for (int k = 0, n = 1 + static_cast<int>(rng() % 6); k < n; ++k) doc.push_back(words[rng() % range]);
    docs.push_back(doc);
  }
  perche::TfidfOptions o;
  o.ngram_max = 2;
  perche::TfidfVectorizer one(o);
  const SparseMatrix A = one.fit_transform(docs, 1);
  CHECK(std::ranges::is_sorted(one.features()));
  CHECK(std::ranges::adjacent_find(one.features()) == one.features().end());
  for (const auto& w : words) CHECK(one.column(w) >= 0);
  for (unsigned threads : {2U, 3U, 5U}) {
    CAPTURE(threads);
    perche::TfidfVectorizer many(o);
    const SparseMatrix B = many.fit_transform(docs, threads);
    CHECK(one.features() == many.features());
    CHECK(one.idf() == many.idf());
    CHECK(A == B);
  }
}

TEST_CASE("tfidf: raw texts counted on each thread equal their normalized terms; a bad text is named") {
  // 3,000 texts: two chunks of counting on 2 threads, each normalizing its own texts.
  std::vector<std::string> raw;
  std::mt19937_64 rng(5);
  const char* words[] = {
      "L'attesa",   "dell'operatore", "è",        "stata", "LUNGA",      "perchè", "non", "mi", "hanno",
      "richiamato", "bellissimoooo",  "👍🏻", "3,5",   "#delusione", "e'",     "po'", ",",  "delusione"};
  for (int d = 0; d < 3000; ++d) {
    std::string t;
    for (int k = 0, n = 1 + static_cast<int>(rng() % 10); k < n; ++k) t.append(words[rng() % 18]).append(" ");
    raw.push_back(t);
  }
  const std::vector<std::string_view> texts(raw.begin(), raw.end());
  perche::TfidfOptions o;
  o.analyzer = perche::Analyzer::both;
  o.ngram_max = 2;
  // Word unigrams (the default) are counted straight from the tokenizer's terms (with the hash
  // of a plain word), the others from term lists: both paths, with NEG_ terms, stems and kept
  // punctuation. "delusione" comes as a plain word and from "#delusione" (no hash given).
  perche::TfidfOptions negation, punct;
  negation.tokenizer.negation = negation.tokenizer.stem = true;
  punct.tokenizer.keep_punct = true;
  punct.min_df = DocFreq::count(3);
  for (const auto& opt : {o, perche::TfidfOptions{}, negation, punct}) {
    const perche::text::Tokenizer tok(opt.tokenizer);
    perche::TfidfVectorizer from_docs(opt), from_texts(opt), one(opt);
    const SparseMatrix A = from_docs.fit_transform(tok.normalize_batch(texts, 1), 1);
    for (unsigned threads : {1U, 2U}) {
      CAPTURE(threads);
      const SparseMatrix B = from_texts.fit_transform(texts, threads);
      CHECK(from_docs.features() == from_texts.features());
      CHECK(from_docs.idf() == from_texts.idf());
      CHECK(A == B);
      CHECK(from_texts.transform(texts, 2) == A);
    }
  }
  perche::TfidfVectorizer neg(negation), kept(punct);
  neg.fit(texts, 2);
  kept.fit(texts, 2);
  CHECK(std::ranges::any_of(neg.features(), [](const std::string& f) { return f.starts_with("NEG_"); }));
  CHECK(kept.column(",") >= 0);

  // Strict UTF-8: the lowest failing text is named, whichever chunk it is in.
  const std::vector<std::string> good = raw;
  raw[2100] = "ok \xC3\x28";
  raw[2500] = "\xFF";
  const std::vector<std::string_view> bad(raw.begin(), raw.end());
  o.tokenizer.utf8 = perche::text::Utf8Policy::strict;
  perche::TfidfVectorizer strict(o);
  for (unsigned threads : {1U, 2U}) {
    CAPTURE(threads);
    CHECK_THROWS_WITH_AS(strict.fit_transform(bad, threads),
                         doctest::Contains("TfidfVectorizer: text 2100: tokenize: invalid UTF-8 at byte 3"),
                         std::invalid_argument);
  }
  perche::TfidfVectorizer fitted(o);
  fitted.fit_transform(std::vector<std::string_view>(good.begin(), good.end()), 2);
  CHECK_THROWS_WITH_AS(fitted.transform(bad, 2), doctest::Contains("text 2100"), std::invalid_argument);
}

TEST_CASE("logistic: trust-region Newton reaches the L-BFGS minimizer, binary and multinomial, weighted") {
  // A deterministic sparse problem with an informative feature per class and noise features.
  const int n = 240, d = 30;
  std::vector<std::vector<double>> dense(n, std::vector<double>(d, 0.0));
  std::vector<int> y2(n), y3(n);
  std::vector<double> w(n);
  std::uint64_t state = 12345;
  auto next = [&] { return (state = state * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
  for (int i = 0; i < n; ++i) {
    auto& x = dense[static_cast<std::size_t>(i)];
    y3[i] = static_cast<int>(next() % 3);
    y2[i] = y3[i] == 2;
    x[static_cast<std::size_t>(y3[i])] =
        0.5 + static_cast<double>(next() % 100) / 100;  // informative, with overlap below
    for (int k = 0; k < 4; ++k) {
      const auto j = static_cast<std::size_t>(3 + static_cast<int>(next() % (d - 3)));
      if (x[j] == 0) x[j] = static_cast<double>(next() % 100) / 100;
    }
    const auto other = static_cast<std::size_t>((y3[i] + 1) % 3);
    if (next() % 4 == 0 && x[other] == 0) x[other] = 0.7;
    w[i] = 0.5 + static_cast<double>(next() % 10) / 4;
  }
  const SparseMatrix X = sparse_of(dense, d);
  for (bool balanced : {false, true}) {
    for (const auto* y : {&y2, &y3}) {
      perche::LogisticOptions o;
      o.tol = 1e-10;
      o.balanced = balanced;
      perche::LogisticRegression lbfgs(o);
      lbfgs.fit(X, *y, w);
      o.solver = perche::Solver::newton;
      perche::LogisticRegression newton(o);
      newton.fit(X, *y, w);
      CAPTURE(balanced);
      CAPTURE(y->size());
      auto max_abs_diff = [](std::span<const double> a, std::span<const double> b) {
        double m = 0;
        for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - (b.empty() ? 0.0 : b[i])));
        return m;
      };
      REQUIRE(newton.coef().rows() == lbfgs.coef().rows());
      REQUIRE(newton.coef().cols() == lbfgs.coef().cols());
      const double scale = max_abs_diff(lbfgs.coef().values(), {});
      CHECK(max_abs_diff(newton.coef().values(), lbfgs.coef().values()) <= 1e-6 * scale);
      CHECK(max_abs_diff(newton.intercept(), lbfgs.intercept()) <= 1e-6 * std::max(1.0, scale));
      CHECK(newton.n_iter() < 50);  // Newton: a handful of outer iterations
    }
  }
  perche::LogisticOptions bad;
  bad.solver = static_cast<perche::Solver>(7);
  CHECK_THROWS_WITH_AS(perche::LogisticRegression{bad}, doctest::Contains("solver 7 is unknown"),
                       std::invalid_argument);
}

TEST_CASE("the table hash spreads strings that differ only in their last bytes") {
  // Table slots are the hash's low bits: strings of 5-7 bytes that share their first four (parla,
  // parle, parli, parlo) must not all start at one slot (they did with a single final multiply).
  for (std::size_t len : {5u, 6u, 7u, 13u, 15u}) {
    CAPTURE(len);
    std::set<std::uint64_t> slots;
    for (int b = 0; b < 256; ++b) {
      std::string s(len - 1, 'a');
      s.push_back(static_cast<char>(b));
      slots.insert(perche::detail::hash_bytes(s) & 0xFFFF);
    }
    CHECK(slots.size() >= 250);  // 256 random picks from 65,536 slots rarely collide
  }
  std::set<std::uint64_t> verbs;
  for (const char* w : {"parla", "parle", "parli", "parlo", "parlare", "parlato", "parlava", "parlavo", "parlano"})
    verbs.insert(perche::detail::hash_bytes(w) & 0x3FFF);
  CHECK(verbs.size() >= 8);
}

TEST_CASE("tfidf: the feature index finds every feature, marked or not, short or long, and nothing else") {
  // A slot confirms a body of up to 8 bytes by itself and a longer one against its name past the
  // first 8 bytes: near misses at each end of each feature (a byte changed, added or dropped, the
  // mark added or dropped) must not be found. The expected column is the feature's position.
  const std::vector<std::string> words = {"a",
                                          "ab",
                                          std::string("ab\0", 3),
                                          "abc",
                                          "abcd",
                                          "abcdefg",
                                          "abcdefgh",
                                          "abcdefghi",
                                          "abcdefgX",
                                          "abcdefghX",
                                          "abcdefghiXYZ",
                                          "èèèè",
                                          "perché",
                                          "precipitevolissimevolmente"};
  perche::TfidfOptions o;
  o.analyzer = perche::Analyzer::both;
  o.ngram_max = 2;
  perche::TfidfVectorizer v(o);
  v.fit(Docs{words, {words.rbegin(), words.rend()}}, 1);
  const auto& f = v.features();
  REQUIRE(f.size() > 100);
  auto expected = [&](const std::string& x) -> std::int64_t {
    const auto it = std::find(f.begin(), f.end(), x);
    return it == f.end() ? -1 : it - f.begin();
  };
  std::size_t found = 0, missed = 0;
  for (const std::string& name : f) {
    std::vector<std::string> probes = {name, name + "x", name.substr(0, name.size() - 1)};
    for (const std::size_t at : {std::size_t{0}, name.size() / 2, name.size() - 1}) {
      std::string changed = name;
      changed[at] = static_cast<char>(changed[at] ^ 0x04);
      probes.push_back(changed);
    }
    probes.push_back(name[0] == '\x01' ? name.substr(1) : "\x01" + name);
    for (const std::string& x : probes) {
      if (x.empty() || x == "\x01") continue;
      CAPTURE(x);
      const std::int64_t c = expected(x);
      CHECK(v.column(x) == c);
      ++(c >= 0 ? found : missed);
    }
  }
  CHECK(found > f.size());  // each feature, and some near misses that are features too
  CHECK(missed > f.size());
}

TEST_CASE("tfidf: a word longer than 8 bytes whose slot agrees with a feature's is not that feature") {
  // A slot keeps a body's size, first 8 bytes and 23 bits of its hash; a longer body matching all
  // of them is confirmed against the feature's name. Two 12-byte words that agree on all that and
  // on the first slot of a 16-slot table (a one-feature vocabulary), found by the birthday bound
  // (some 2^13.5 words): the second must not be taken for the first.
  std::unordered_map<std::uint64_t, std::string> seen;
  std::string a, b;
  for (std::uint32_t i = 0; a.empty() && i < (1u << 22); ++i) {
    std::string w = "abcdefgh";
    for (std::uint32_t x = i, k = 0; k < 4; ++k, x /= 64) w.push_back(static_cast<char>('0' + x % 64));
    const std::uint64_t h = perche::detail::hash_bytes(w);
    const auto [it, fresh] = seen.emplace((h >> 41) << 4 | (h & 15), w);
    if (!fresh) a = it->second, b = w;
  }
  REQUIRE(!a.empty());
  perche::TfidfVectorizer v;
  v.fit(Docs{{a}}, 1);
  REQUIRE(v.features() == std::vector<std::string>{a});
  CHECK(v.column(a) == 0);
  CHECK(v.column(b) == -1);
}

TEST_CASE("driver classifier: predict_proba of a text is the logistic of its TF-IDF row, repeated terms too") {
  // predict_proba sums the row in its own order (no sort of the columns): the same figures as
  // the documented row, by increasing column, to 1e-12.
  const auto clf = fitted_sample();
  auto texts = sample().texts;
  texts.insert(texts.end(), {"attesa attesa attesa, operatore operatore scortese, attesa", "", "zzz qwerty",
                             "Attesa! ATTESA? attesa... gentile gentile gentilissimo operatore operatrice"});
  const perche::text::Tokenizer tok(clf.options().features.tokenizer);
  perche::TfidfVectorizer::Row row;
  for (const std::string& t : texts) {
    CAPTURE(t);
    clf.vectorizer().transform_row(tok, t, row);
    for (std::size_t i = 1; i < row.size(); ++i) CHECK(row[i - 1].first < row[i].first);
    const auto p = clf.predict_proba(std::string_view(t));
    REQUIRE(p.size() == 2);
    for (std::size_t j = 0; j < 2; ++j) {
      double z = clf.model(j).intercept()[0];
      for (const auto& [c, x] : row) z += x * clf.model(j).coef()(0, c);
      CHECK(p[j] == Approx(1 / (1 + std::exp(-z))).epsilon(1e-12));
    }
  }
}

TEST_CASE("tfidf: a thread's cache of each term's columns gives the rows of the terms themselves, across refits") {
  // read_row keeps, per thread, the columns of each term's unigram and char n-grams; the rows must
  // be those of the term-list path (no cache) when a term is read the first time, when it is read
  // again, after the same object is fitted on another corpus (its columns move: a cache of the old
  // index would give wrong columns), and after the cache has started again past its bounds.
  perche::TfidfOptions o;
  o.analyzer = perche::Analyzer::both;
  o.ngram_max = 2;
  perche::TfidfVectorizer v(o);
  const perche::text::Tokenizer tok(o.tokenizer);
  const std::vector<std::string_view> a{"Operatore gentile, attesa lunga", "attesa breve e operatore cortese",
                                        "L'app si blocca: attesa infinita!", "gentilissimi, grazie"};
  const std::vector<std::string_view> b{"Bolletta alta, addebito doppio", "addebito errato in bolletta",
                                        "app lenta e attesa lunga", "Attesa, attesa, attesa"};
  auto same = [&](std::string_view text) {
    CAPTURE(text);
    perche::TfidfVectorizer::Row cached, plain;
    v.transform_row(tok, text, cached);
    v.transform_row(tok.normalize(text), plain);
    CHECK(cached == plain);
    CHECK(!plain.empty());
  };
  v.fit(a, 1);
  for (int round = 0; round < 2; ++round)
    for (const auto t : a) same(t);
  v.fit(b, 1);  // "addebito", "bolletta" now sort before "attesa": its columns moved
  for (const auto t : b) same(t);
  for (const auto t : a) same(t);
  // 70,000 distinct terms (the cache keeps at most 32,768 before it starts again), then the corpus.
  perche::TfidfVectorizer::Row row;
  std::string many;
  for (int i = 0; i < 70000; ++i) {
    many += "parola" + std::to_string(i) + (i % 1000 == 999 ? "" : " ");
    if (i % 1000 == 999) {
      v.transform_row(tok, many, row);
      many.clear();
    }
  }
  for (const auto t : b) same(t);
  // One text of 40,000 distinct terms: the cache fills within it and takes no more; the row is
  // still the term-list path's.
  many.clear();
  for (int i = 0; i < 40000; ++i) many += "voce" + std::to_string(i) + " attesa ";
  same(many);
  for (const auto t : a) same(t);
  // Words made to collide (red-team: the hash's seed is public): 300 words with one home slot in
  // any table of up to 4,096 slots, the tokenizer's term table and this cache alike. Past
  // kNear slots neither keeps them; the rows and norms stay those of the term-list path.
  std::vector<std::string> colliding;
  std::mt19937_64 rng(20261203);
  while (colliding.size() < 300) {
    std::string w(8, 'a');
    for (char& c : w) c = static_cast<char>('a' + rng() % 26);
    bool run = false;  // three equal letters are an elongation the norm squashes
    for (std::size_t k = 2; k < w.size(); ++k) run = run || (w[k] == w[k - 1] && w[k] == w[k - 2]);
    if (run) continue;
    w += "\xC3\xA0";  // à: not the tokenizer's plain-ASCII path, which has no table
    if ((perche::detail::hash_bytes(w) & 0xFFE) == 0) colliding.push_back(w);
  }
  std::string flood;
  for (int round = 0; round < 2; ++round)
    for (const auto& w : colliding) flood += w + " ";
  same(flood);
  same(flood);
  std::vector<std::string> itself;  // the norm of a lower-case word that is no stopword
  for (int round = 0; round < 2; ++round) itself.insert(itself.end(), colliding.begin(), colliding.end());
  const auto normalized = tok.normalize(flood);
  REQUIRE(normalized.size() == itself.size());
  for (std::size_t i = 0; i < itself.size(); ++i) CHECK(normalized[i] == itself[i]);
}
