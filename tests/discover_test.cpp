// SPDX-License-Identifier: Apache-2.0
// Theme discovery: planted themes found and named in customers' words, determinism (runs, threads,
// input order), seeds, scores, the codebook round trip, hostile input.
#include <doctest/doctest.h>

#include <perche/codebook.hpp>
#include <perche/discover.hpp>
#include <perche/error.hpp>

#include "../src/classify/binary.hpp"  // seal(): a version 1 file

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Three planted themes (staff, breakfast, location), one or two clauses a comment, from a fixed
// linear congruential generator (no file, no data set).
struct Corpus {
  std::vector<std::string> texts;
  std::vector<double> scores;
  std::vector<std::string_view> views() const { return {texts.begin(), texts.end()}; }
};

Corpus planted(std::size_t n, std::uint64_t seed = 1) {
  static const std::vector<std::vector<std::string>> clauses = {
      {"personale gentile", "la reception cortese", "staff disponibile e", "il personale scortese",
       "receptionist simpatica", "personale della reception cordiale", "staff sempre disponibile"},
      {"colazione abbondante", "la colazione varia", "buffet della colazione ricco", "colazione scarsa",
       "cornetti freschi a colazione", "colazione con dolci e salato", "buffet colazione abbondante"},
      {"posizione centrale", "vicino alla stazione", "zona tranquilla", "posizione comoda per il centro",
       "a due passi dal centro storico", "stazione vicina", "zona centrale comoda"}};
  Corpus c;
  std::uint64_t s = seed;
  const auto next = [&] {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::size_t>(s >> 33);
  };
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t a = next() % 3, b = next() % 3;
    std::string t = clauses[a][next() % clauses[a].size()];
    if (next() % 2) t += ". " + clauses[b][next() % clauses[b].size()];
    c.texts.push_back(t);
    c.scores.push_back(a == 0 ? 2.0 : 10.0);  // comments opening on staff score low
  }
  return c;
}

std::int64_t column_with_word(const perche::Themes& th, std::string_view word) {
  for (std::size_t t = 0; t < th.themes().size(); ++t) {
    const auto& ws = th.themes()[t].words;
    if ((!ws.empty() && ws.front() == word) || th.themes()[t].name.starts_with(word))
      return static_cast<std::int64_t>(t);
  }
  return -1;
}

// The column of the theme named `name` in th.names() (names().size() when there is none).
std::size_t column_of(const perche::Themes& th, std::string_view name) {
  const auto names = th.names();
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace

// The planted theme (0, 1, 2) a word comes from, or -1.
int planted_theme(std::string_view word) {
  static const std::vector<std::vector<std::string_view>> words = {
      {"personale", "gentile", "reception", "cortese", "staff", "disponibile", "scortese", "receptionist", "simpatica",
       "cordiale", "sempre"},
      {"colazione", "abbondante", "varia", "buffet", "ricco", "scarsa", "cornetti", "freschi", "dolci", "salato"},
      {"posizione", "centrale", "vicino", "stazione", "zona", "tranquilla", "comoda", "centro", "due", "passi",
       "storico", "vicina"}};
  for (int t = 0; t < 3; ++t)
    if (std::find(words[static_cast<std::size_t>(t)].begin(), words[static_cast<std::size_t>(t)].end(), word) !=
        words[static_cast<std::size_t>(t)].end())
      return t;
  return -1;
}

TEST_CASE("discover: planted themes are found, each pure, named by their words, and assigned") {
  const Corpus c = planted(400);
  const auto v = c.views();
  const perche::Themes th = perche::discover(v);
  CHECK(th.themes().size() >= 3);
  CHECK(th.themes().size() <= 12);
  const std::vector<std::string> names = th.names();
  // The planted head words lead a theme; names are words or phrases customers wrote.
  for (const char* head : {"colazione", "personale", "posizione"})
    CHECK_MESSAGE(std::any_of(th.themes().begin(), th.themes().end(),
                              [&](const perche::Theme& t) {
                                return std::find(t.words.begin(),
                                                 t.words.begin() + std::min<std::size_t>(3, t.words.size()),
                                                 head) != t.words.end();
                              }),
                  head);
  for (const auto& n : names)
    CHECK_MESSAGE(std::any_of(c.texts.begin(), c.texts.end(),
                              [&](const std::string& t) { return t.find(n) != std::string::npos; }),
                  n);
  // Each theme's most telling word and most (2/3) of its words come from one planted theme. (A sampler
  // may leave a few one-word clauses, "dolci" of "colazione con dolci e salato", in another
  // theme: 9 of 25 runs over 5 corpora and 5 sampler seeds did, with folded forms and without.)
  for (const auto& t : th.themes()) {
    const int home = planted_theme(t.words.front());
    CHECK_MESSAGE(home >= 0, t.name);
    std::size_t at_home = 0;
    for (const auto& w : t.words) at_home += planted_theme(w) == home;
    CHECK_MESSAGE(3 * at_home >= 2 * t.words.size(), t.name);
  }
  CHECK(th.unassigned_share() < 0.01);
  const std::int64_t staff = column_with_word(th, "personale"), food = column_with_word(th, "colazione");
  REQUIRE(staff >= 0);
  REQUIRE(food >= 0);
  const std::vector<std::string_view> probe{"il personale gentile cordiale, la colazione abbondante", "colazione varia",
                                            "", "boh"};
  const perche::LabelMatrix Y = th.assign(probe);
  CHECK(Y(0, static_cast<std::size_t>(staff)) == 1);
  CHECK(Y(0, static_cast<std::size_t>(food)) == 1);
  CHECK(Y(1, static_cast<std::size_t>(food)) == 1);
  CHECK(Y(1, static_cast<std::size_t>(staff)) == 0);
  for (std::size_t t = 0; t < Y.cols(); ++t) CHECK(Y(2, t) == 0);
  CHECK(th.primary(probe) == std::vector<std::int64_t>{staff, food, -1, -1});
  // Shares are assign()'s on the input, and every theme shows words and distinct examples.
  const perche::LabelMatrix all = th.assign(v);
  for (std::size_t t = 0; t < th.themes().size(); ++t) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < all.rows(); ++i) count += all(i, t);
    CHECK(th.themes()[t].count == count);
    CHECK(th.themes()[t].share == doctest::Approx(static_cast<double>(count) / 400));
    CHECK(!th.themes()[t].words.empty());
    CHECK(!th.themes()[t].examples.empty());
  }
}

TEST_CASE("discover: phrases are consecutive words customers wrote, stopwords inside kept") {
  const Corpus c = planted(400);
  const perche::Themes th = perche::discover(c.views());
  std::vector<std::string> phrases;
  for (const auto& t : th.themes()) phrases.insert(phrases.end(), t.phrases.begin(), t.phrases.end());
  CHECK(std::find(phrases.begin(), phrases.end(), "centro storico") != phrases.end());
  CHECK(std::find(phrases.begin(), phrases.end(), "buffet della colazione") != phrases.end());
  for (const auto& p : phrases) {
    bool found = false;
    for (const auto& t : c.texts) found = found || t.find(p) != std::string::npos;
    CHECK_MESSAGE(found, p);
  }
}

TEST_CASE("discover: identical output for every run, thread count and input order") {
  Corpus c = planted(600, 3);
  const auto v = c.views();
  perche::DiscoverOptions one;
  one.threads = 1;
  perche::DiscoverOptions two;
  two.threads = 2;
  const perche::Themes a = perche::discover(v, c.scores, {}, one);
  const perche::Themes b = perche::discover(v, c.scores, {}, two);
  // Shuffled input (a fixed permutation), scores permuted with it.
  std::vector<std::size_t> perm(v.size());
  for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = (i * 389) % perm.size();
  std::vector<std::string_view> sv;
  std::vector<double> ss;
  for (std::size_t i : perm) sv.push_back(v[i]), ss.push_back(c.scores[i]);
  const perche::Themes s = perche::discover(sv, ss, {}, two);
  CHECK(a.codebook() == b.codebook());
  CHECK(a.codebook() == s.codebook());
  CHECK(a.names() == s.names());
  for (std::size_t t = 0; t < a.themes().size(); ++t) {
    CHECK(a.themes()[t].words == s.themes()[t].words);
    CHECK(a.themes()[t].examples == s.themes()[t].examples);
    CHECK(a.themes()[t].share == s.themes()[t].share);
    CHECK(a.themes()[t].impact == s.themes()[t].impact);
  }
  CHECK(a.assign(v, 1) == s.assign(v, 2));
}

TEST_CASE("discover: a seeded theme keeps its name and learns words beyond its seed") {
  const Corpus c = planted(400);
  const std::vector<perche::ThemeSeed> seeds{{"accoglienza", {"Personale"}}};
  const perche::Themes th = perche::discover(c.views(), {}, seeds);
  REQUIRE(!th.themes().empty());
  const perche::Theme& t = th.themes()[0];
  CHECK(t.name == "accoglienza");
  CHECK(t.seeded);
  CHECK(std::find(t.words.begin(), t.words.end(), "reception") != t.words.end());
  const std::vector<std::string_view> probe{"molto cordiale"};
  CHECK(th.assign(probe)(0, 0) == 1);  // no seed word in it
}

TEST_CASE("discover: a seed word anchors its other forms (gentile: gentili)") {
  // "gentili" is only ever said beside dirt, so the mixture puts its clauses in the cleanliness
  // theme; the seed "gentile" still names them for the staff theme, as "gentile" itself would be.
  std::vector<std::string> texts;
  for (int i = 0; i < 20; ++i) {
    texts.push_back("camera sporca, polvere ovunque");
    texts.push_back("bagno sporco e asciugamani macchiati");
    texts.push_back("camera sporca gentili");
    texts.push_back("personale cordiale, reception attenta");
  }
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  const std::vector<perche::ThemeSeed> seeds{{"staff", {"gentile"}}, {"pulizia", {"sporca"}}};
  const perche::Themes th = perche::discover(v, {}, seeds);
  const std::size_t staff = column_of(th, "staff"), dirt = column_of(th, "pulizia");
  REQUIRE(staff < th.names().size());
  REQUIRE(dirt < th.names().size());
  const std::vector<std::string_view> probe{"camera sporca gentili", "stanza sporchissima", "molto gentili"};
  const auto A = th.assign(probe);
  CHECK(A(0, staff) == 1);
  CHECK(A(0, dirt) == 1);
  CHECK(A(2, staff) == 1);
  CHECK(A(1, staff) == 0);
}

TEST_CASE("discover: a seed anchors inflections, not every word of its stem; typed words come first") {
  // camera and cameriere share a Snowball stem; cameriere is no form of camera.
  std::vector<std::string> texts;
  for (int i = 0; i < 20; ++i) {
    texts.push_back("camera spaziosa e luminosa");
    texts.push_back("camere spaziose");
    texts.push_back("cameriere simpatico al ristorante");
    texts.push_back("cena ottima, ristorante con cameriere attento");
    texts.push_back("personale gentile");
    texts.push_back("reception gentili");
  }
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  const std::vector<perche::ThemeSeed> seeds{{"stanza", {"camera"}}, {"staff", {"gentile"}}, {"altro", {"gentili"}}};
  const perche::Themes th = perche::discover(v, {}, seeds);
  const std::size_t stanza = column_of(th, "stanza"), staff = column_of(th, "staff"), other = column_of(th, "altro");
  REQUIRE(std::max({stanza, staff, other}) < th.names().size());
  const std::vector<std::string_view> probe{"cameriere simpatico", "camere", "molto gentili", "molto gentile"};
  const auto A = th.assign(probe);
  CHECK(A(0, stanza) == 0);
  CHECK(A(1, stanza) == 1);
  // Each seed keeps the word it was given, whatever the order of the seeds.
  CHECK(A(2, other) == 1);
  CHECK(A(3, staff) == 1);
}

TEST_CASE("discover: a seeded theme's codebook section holds every seed word, rare ones too") {
  // "caro" is in 2 comments: below the price theme's 12 top words (14 words each said 8 times),
  // but the analyst typed it; the codebook read back with --codebook must label what the seed
  // labelled (red-team, stop 43).
  std::vector<std::string> texts;
  for (const char* w : {"alto", "eccessivo", "assurdo", "elevato", "esagerato", "folle", "ingiusto", "salato",
                        "gonfiato", "scandaloso", "spropositato", "inaccettabile", "triplicato", "raddoppiato"})
    for (int i = 0; i < 8; ++i) {
      texts.push_back(std::string("prezzo ") + w);
      texts.push_back("personale gentile e disponibile");
    }
  texts.push_back("davvero caro");
  texts.push_back("troppo caro");
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  const std::vector<perche::ThemeSeed> seeds{{"prezzo", {"prezzo", "caro"}}, {"staff", {"personale"}}};
  const perche::Themes th = perche::discover(v, {}, seeds);
  const std::size_t price = column_of(th, "prezzo");
  REQUIRE(price < th.names().size());
  const auto& words = th.themes()[price].words;
  CHECK(words.size() > 12);  // "caro" came after the top words
  CHECK(std::find(words.begin(), words.end(), "caro") != words.end());
  const perche::Codebook cb = perche::Codebook::parse(th.codebook());
  const std::vector<std::string_view> probe{"davvero caro", "molto cara"};
  const auto A = cb.predict(probe);
  const auto names = cb.drivers();
  const auto at = static_cast<std::size_t>(std::find(names.begin(), names.end(), "prezzo") - names.begin());
  REQUIRE(at < names.size());
  CHECK(A(0, at) == 1);
  CHECK(th.assign(probe)(0, price) == 1);
}

TEST_CASE("discover: the forms of a word are one word to the mixture, a different word is not") {
  // camera and camere, pulita and pulite: one word each (letters then an inflectional ending);
  // cameriere shares camera's Snowball stem but is another word.
  std::vector<std::string> texts;
  for (int i = 0; i < 20; ++i) {
    texts.push_back("camera pulita e luminosa");
    texts.push_back("camere pulite");
    texts.push_back("cameriere simpatico al ristorante, cena ottima");
    texts.push_back("personale gentile");
    texts.push_back("reception cortese e staff gentile");
    texts.push_back("rapporto qualità prezzo");
  }
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  const perche::Themes th = perche::discover(v);
  const std::vector<std::string_view> probe{"camera", "camere", "pulite", "cameriere", "personale"};
  const auto primary = th.primary(probe);
  CHECK(primary[0] >= 0);
  CHECK(primary[1] == primary[0]);
  CHECK(primary[2] == primary[0]);
  CHECK(primary[3] != primary[0]);
  CHECK(primary[4] != primary[0]);
  // A theme shows one form of a word, the one in most texts (camera and camere: 20 each, so the
  // first in the canonical order), never both.
  for (const auto& t : th.themes()) {
    const bool camera = std::find(t.words.begin(), t.words.end(), "camera") != t.words.end();
    const bool camere = std::find(t.words.begin(), t.words.end(), "camere") != t.words.end();
    CHECK(!(camera && camere));
  }
  // A form the comments never wrote still reads as its word.
  const std::vector<std::string_view> unseen{"personali"};
  CHECK(th.primary(unseen)[0] == primary[4]);
  // A word ending in an accented letter stays whole (only ASCII endings go).
  bool quality = false;
  for (const auto& t : th.themes())
    quality = quality || std::find(t.words.begin(), t.words.end(), "qualità") != t.words.end();
  CHECK(quality);
  // The codebook lists every form (it matches whole words): "camere pulite" gets the theme of
  // "camera" through it.
  const std::string cb = th.codebook();
  CHECK(cb.find("\ncamera\n") != std::string::npos);
  CHECK(cb.find("\ncamere\n") != std::string::npos);
  const perche::Codebook book = perche::Codebook::parse(cb);
  const std::vector<std::string_view> forms{"camere", "camera"};
  const perche::LabelMatrix by_book = book.predict(forms);
  const auto col = static_cast<std::size_t>(primary[0]);
  CHECK(by_book(0, col) == 1);
  CHECK(by_book(1, col) == 1);
}

TEST_CASE("discover: a clause without a seed word joins a seeded theme only when it is sure") {
  // "camera" is said with pulita (the seed's word) and in breakfast clauses: a clause of "camera"
  // alone is most likely the cleanliness theme's, but not sure to be.
  std::vector<std::string> texts;
  for (int i = 0; i < 30; ++i) {
    texts.push_back("camera pulita");
    texts.push_back("camera pulita");
    texts.push_back("colazione abbondante in camera");
    texts.push_back("colazione varia");
    texts.push_back(i % 3 ? "personale gentile" : "personale gentile. personale gentile");
  }
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  const std::vector<perche::ThemeSeed> seeds{{"pulizia", {"pulita"}}};
  perche::DiscoverOptions loose;
  loose.seeded_confidence = 0;
  loose.min_confidence = 0;
  loose.seeded_lift = 0;
  const perche::Themes sure = perche::discover(v, {}, seeds), any = perche::discover(v, {}, seeds, loose);
  REQUIRE(column_of(sure, "pulizia") == 0);
  const std::vector<std::string_view> probe{"camera", "camera pulita", "camere pulite"};
  const auto a = sure.assign(probe), b = any.assign(probe);
  for (const auto* th : {&sure, &any})
    for (const auto& t : th->themes()) CHECK(t.count > 0);  // no theme of no comment
  CHECK(a(0, 0) == 0);
  CHECK(b(0, 0) == 1);  // the most likely theme, unsure
  CHECK(a(1, 0) == 1);  // a seed word
  CHECK(a(2, 0) == 1);  // and its forms
  // A theme the sampler left with clauses that no comment gets in the end is not shown (these
  // comments gave one named "tema" with no words, no examples and a count of 0).
  std::vector<std::string> rooms;
  for (int i = 0; i < 40; ++i)
    for (const char* t : {"camera pulita", "camera spaziosa e luminosa, spaziosa davvero",
                          "camera rumorosa, rumore di notte", "personale gentile"})
      rooms.emplace_back(t);
  const perche::Themes r = perche::discover(std::vector<std::string_view>(rooms.begin(), rooms.end()), {}, seeds);
  for (const auto& t : r.themes()) {
    CHECK_MESSAGE(t.count > 0, t.name);
    CHECK_MESSAGE(!t.words.empty(), t.name);
  }
  perche::DiscoverOptions bad;
  bad.seeded_confidence = 1;
  CHECK_THROWS_WITH_AS(perche::discover(v, {}, seeds, bad), doctest::Contains("seeded_confidence 1"),
                       std::invalid_argument);
}

TEST_CASE("discover: a seeded theme grows by the words of its seed's clauses, not by their company") {
  // "profumato" comes with pulito/pulita (the seed's words) in the customers' own clauses; "datato"
  // shares "camera" with them and never comes with them ("e" and "," end a clause). The seed's
  // words are in 90 of the 450 clauses (a word can be learned when they are in fewer than a third).
  std::vector<std::string> texts;
  for (int i = 0; i < 30; ++i)
    for (const char* t :
         {"camera pulita", "bagno pulito profumato", "pavimento pulito profumato", "camera datata",
          "arredamento datato", "mobili datati e vecchi", "camera datata e arredamento vecchio", "personale gentile",
          "reception cortese", "posizione centrale", "vicino alla stazione", "parcheggio comodo", "wifi veloce"})
      texts.emplace_back(t);
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  const std::vector<perche::ThemeSeed> seeds{{"pulizia", {"pulito"}}};
  const std::vector<std::string_view> probe{"profumato", "arredamento datato", "mobili vecchi"};
  // One theme, the seeded one: every clause is the sampler's; the learned-word test decides.
  perche::DiscoverOptions one;
  one.n_themes = 1;
  one.min_confidence = 0;
  one.seeded_confidence = 0;
  const perche::Themes gated = perche::discover(v, {}, seeds, one);
  perche::DiscoverOptions ungated = one;
  ungated.seeded_lift = 0;  // the rule before it (files of version 1)
  const perche::Themes all = perche::discover(v, {}, seeds, ungated);
  REQUIRE(gated.names() == std::vector<std::string>{"pulizia"});
  const auto g = gated.assign(probe), a = all.assign(probe);
  CHECK(g(0, 0) == 1);  // learned: profumato comes with pulito in 60 of its 60 clauses (1 against 0.2)
  CHECK(g(1, 0) == 0);  // the clauses of worn furniture are not cleanliness
  CHECK(g(2, 0) == 0);
  CHECK(a(1, 0) == 1);  // without the test they were
  CHECK(a(2, 0) == 1);
  // A version-2 file keeps the learned words.
  CHECK(perche::Themes::from_bytes(gated.to_bytes()).assign(probe) == g);
  // With the default options the worn furniture goes to a theme of its own, not to none.
  const perche::Themes th = perche::discover(v, {}, seeds);
  const auto d = th.assign(probe);
  REQUIRE(column_of(th, "pulizia") == 0);
  CHECK(d(1, 0) == 0);
  std::size_t other = 0;
  for (std::size_t t = 1; t < d.cols(); ++t) other += d(1, t);
  CHECK(other == 1);
  CHECK(th.unassigned_share() == 0.0);
  for (const double bad : {-1.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    perche::DiscoverOptions o;
    o.seeded_lift = bad;
    CHECK_THROWS_WITH_AS(perche::discover(v, {}, seeds, o), doctest::Contains("seeded_lift"), std::invalid_argument);
  }
  // A file of version 1 (no learned words) loads with the rule it was saved with.
  const std::string bytes = all.to_bytes();
  const std::size_t header = 8 + 4 + 8;
  std::string payload = bytes.substr(header, bytes.size() - header - 4);
  REQUIRE(payload.substr(payload.size() - 8) == std::string(8, '\0'));  // no learned words: a count of 0
  payload.resize(payload.size() - 8);
  const perche::Themes v1 = perche::Themes::from_bytes(perche::detail::seal("PERCHETH", 1, payload));
  CHECK(v1.assign(probe) == a);
  // The byte named is the file's: the header's 20 bytes and the payload (it was 20 past, review of stop 44).
  const std::string extra =
      "unexpected bytes after the seed marks (byte " + std::to_string(header + payload.size()) + ")";
  CHECK_THROWS_WITH_AS(perche::Themes::from_bytes(perche::detail::seal("PERCHETH", 1, payload + std::string(8, '\0'))),
                       doctest::Contains(extra.c_str()), perche::FormatError);
  CHECK_THROWS_WITH_AS(perche::Themes::from_bytes(perche::detail::seal("PERCHETH", 3, payload)),
                       doctest::Contains("format version 3 is newer"), perche::FormatError);
}

TEST_CASE("discover: learned words belong to their own seed's theme, in its column") {
  // Two seeds: "profumato" is learned from pulito's clauses, "cornetti" from colazione's; each
  // brings its own theme, in the seed's column, not the other's.
  std::vector<std::string> texts;
  for (int i = 0; i < 30; ++i)
    for (const char* t : {"bagno pulito profumato", "camera pulita profumata", "colazione cornetti caldi",
                          "cornetti freschi a colazione", "personale gentile", "reception gentile",
                          "posizione centrale", "vicino alla stazione", "parcheggio comodo", "wifi veloce"})
      texts.emplace_back(t);
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  const std::vector<perche::ThemeSeed> seeds{{"pulizia", {"pulito"}}, {"colazione", {"colazione"}}};
  perche::DiscoverOptions o;
  o.min_confidence = 0;
  o.seeded_confidence = 0;
  const perche::Themes th = perche::discover(v, {}, seeds, o);
  REQUIRE(column_of(th, "pulizia") == 0);
  REQUIRE(column_of(th, "colazione") == 1);
  const std::vector<std::string_view> probe{"profumato", "cornetti"};
  const auto m = th.assign(probe);
  CHECK(m(0, 0) == 1);
  CHECK(m(0, 1) == 0);
  CHECK(m(1, 0) == 0);
  CHECK(m(1, 1) == 1);
  CHECK(perche::Themes::from_bytes(th.to_bytes()).assign(probe) == m);
}

TEST_CASE("discover: scores give each theme its NPS among mentioners and its impact") {
  // 100 staff comments scored 0, 100 breakfast comments scored 10: NPS of all 0, of staff -100;
  // impact of staff = 0 - NPS without staff (100) = -100.
  std::vector<std::string> texts;
  std::vector<double> scores;
  for (int i = 0; i < 100; ++i) {
    texts.push_back(i % 2 ? "personale scortese" : "reception maleducata personale");
    scores.push_back(0);
    texts.push_back(i % 2 ? "colazione abbondante" : "colazione ricca buffet");
    scores.push_back(10);
  }
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  perche::DiscoverOptions o;
  o.n_themes = 2;
  const perche::Themes th = perche::discover(v, scores, {}, o);
  REQUIRE(th.themes().size() == 2);
  const std::int64_t staff = column_with_word(th, "personale");
  REQUIRE(staff >= 0);
  const perche::Theme& t = th.themes()[static_cast<std::size_t>(staff)];
  CHECK(t.score == doctest::Approx(-100));
  CHECK(t.impact == doctest::Approx(-100));
  const perche::Theme& u = th.themes()[1 - static_cast<std::size_t>(staff)];
  CHECK(u.score == doctest::Approx(100));
  CHECK(u.impact == doctest::Approx(100));
}

TEST_CASE("discover: low- and high-score words come from the mentioners' comments") {
  std::vector<std::string> texts;
  std::vector<double> scores;
  for (int i = 0; i < 60; ++i) {
    texts.push_back("personale scortese");
    scores.push_back(1);
    texts.push_back("personale gentilissimo");
    scores.push_back(10);
  }
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  const perche::Themes th = perche::discover(v, scores);
  REQUIRE(th.themes().size() == 1);
  CHECK(th.themes()[0].low_words == std::vector<std::string>{"scortese"});
  CHECK(th.themes()[0].high_words == std::vector<std::string>{"gentilissimo"});
}

TEST_CASE("discover: the codebook it writes reads back with the same themes and matches their words") {
  const Corpus c = planted(400);
  const perche::Themes th = perche::discover(c.views(), c.scores);
  const auto path = std::filesystem::temp_directory_path() / "perche_discover_test_codebook.txt";
  th.to_codebook(path.string());
  const perche::Codebook cb = perche::Codebook::load(path.string());
  std::filesystem::remove(path);
  CHECK(cb.labels() == th.names());
  REQUIRE(cb.drivers().size() == th.themes().size());
  for (std::size_t t = 0; t < th.themes().size(); ++t) {
    const std::vector<std::string_view> probe{th.themes()[t].words.front()};
    CHECK(cb.predict(probe)(0, t) == 1);
    for (const auto& e : th.themes()[t].examples) CHECK(th.codebook().find("# e.g. " + e) != std::string::npos);
  }
}

// Every comment signs off with the same personal data: unmasked, the codice fiscale and the
// surname were a theme of 100% of the comments and the codebook's examples quoted the phone.
TEST_CASE("discover: personal data is no theme's word and is masked in the examples and the codebook") {
  Corpus c = planted(300);
  for (auto& t : c.texts) t += ", mi chiamo Mario Rossi, tel 347 123 4567, CF RSSMRA80A01H501U";
  auto words_of = [](const perche::Themes& th) {
    std::string all = th.codebook();
    for (const auto& t : th.themes()) {
      for (const auto& w : t.words) all += " " + w;
      for (const auto& p : t.phrases) all += " " + p;
    }
    return all;
  };
  const perche::Themes th = perche::discover(c.views(), c.scores);
  const std::string masked = words_of(th);
  for (const char* leak : {"rssmra80a01h501u", "RSSMRA80A01H501U", "rossi", "Rossi", "4567"}) {
    CAPTURE(leak);
    CHECK(masked.find(leak) == std::string::npos);
  }
  CHECK(masked.find("[TEL]") != std::string::npos);  // the examples quote the masked comments
  CHECK(column_with_word(th, "colazione") >= 0);     // the planted themes are still found
  perche::DiscoverOptions o;
  o.mask = false;  // read and quoted as written
  const std::string plain = words_of(perche::discover(c.views(), c.scores, {}, o));
  CHECK(plain.find("347 123 4567") != std::string::npos);
}

TEST_CASE("Themes: to_bytes / from_bytes keep the whole result; a damaged file is one FormatError") {
  const Corpus c = planted(300);
  const std::vector<perche::ThemeSeed> seeds{{"accoglienza", {"Personale", "gentili"}}};
  const perche::Themes th = perche::discover(c.views(), c.scores, seeds);
  const std::string bytes = th.to_bytes();
  const perche::Themes back = perche::Themes::from_bytes(bytes);
  CHECK(back.to_bytes() == bytes);
  CHECK(back.names() == th.names());
  CHECK(back.codebook() == th.codebook());
  CHECK(back.unassigned_share() == th.unassigned_share());
  CHECK(back.n_texts() == th.n_texts());
  REQUIRE(back.themes().size() == th.themes().size());
  for (std::size_t t = 0; t < th.themes().size(); ++t) {
    const auto &a = th.themes()[t], &b = back.themes()[t];
    CHECK(b.name == a.name);
    CHECK(b.seeded == a.seeded);
    CHECK(b.share == a.share);
    CHECK(b.count == a.count);
    CHECK(b.words == a.words);
    CHECK(b.phrases == a.phrases);
    CHECK(b.score == a.score);
    CHECK(b.impact == a.impact);
    CHECK(b.low_words == a.low_words);
    CHECK(b.high_words == a.high_words);
    CHECK(b.examples == a.examples);
  }
  // The model too: the same assignments and main themes, a seed's other forms included.
  const Corpus other = planted(200, 9);
  std::vector<std::string_view> probe = other.views();
  probe.push_back("personali gentili");
  CHECK(back.assign(probe) == th.assign(probe));
  CHECK(back.primary(probe) == th.primary(probe));
  const auto path = std::filesystem::temp_directory_path() / "perche_discover_test.themes";
  th.save(path.string());
  CHECK(perche::Themes::load(path.string()).to_bytes() == bytes);
  std::filesystem::remove(path);

  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x20;
  CHECK_THROWS_WITH_AS(perche::Themes::from_bytes(flipped), doctest::Contains("Themes model: checksum mismatch"),
                       perche::FormatError);
  CHECK_THROWS_WITH_AS(perche::Themes::from_bytes(bytes.substr(0, bytes.size() - 9)),
                       doctest::Contains("Themes model: truncated"), perche::FormatError);
  CHECK_THROWS_WITH_AS(perche::Themes::from_bytes("PERCHEDC\x01\0\0\0"),
                       doctest::Contains("not a perche model (no \"PERCHETH\" magic at byte 0)"), perche::FormatError);
  CHECK_THROWS_AS(perche::Themes::load((std::filesystem::temp_directory_path() / "perche_no_such.themes").string()),
                  perche::IoError);
}

TEST_CASE("discover: hostile input gets a clear result or one clear error") {
  CHECK_THROWS_WITH_AS(perche::discover(std::vector<std::string_view>{}), "discover: no texts", std::invalid_argument);
  {
    perche::DiscoverOptions many;
    many.n_themes = perche::DiscoverOptions::kMaxThemes + 1;
    const std::vector<std::string_view> two{"camera pulita", "colazione buona"};
    CHECK_THROWS_WITH_AS(perche::discover(two, {}, {}, many),
                         "discover: n_themes 1001 is more than 1000 themes (a list a person reads)",
                         std::invalid_argument);
    many.n_themes = perche::DiscoverOptions::kMaxThemes;
    CHECK_NOTHROW(perche::discover(two, {}, {}, many));
  }
  const std::vector<std::string_view> blank{"", "  ", "!!!", "e di la"};
  CHECK_THROWS_WITH_AS(perche::discover(blank), doctest::Contains("discover: no words to learn from in the 4 texts"),
                       std::invalid_argument);
  const std::vector<std::string_view> one{"Il personale della reception è stato gentilissimo"};
  const perche::Themes a = perche::discover(one);
  CHECK(a.themes().size() == 1);
  CHECK(a.unassigned_share() == 0);
  CHECK(a.themes()[0].examples == std::vector<std::string>{std::string(one[0])});
  const std::vector<std::string_view> same(200, "camera molto pulita");
  const perche::Themes b = perche::discover(same);
  CHECK(b.themes().size() == 1);
  CHECK(b.themes()[0].share == 1);
  CHECK(b.themes()[0].examples.size() == 1);  // distinct texts only
  // A 1 MB comment among short ones: read in linear time, shown nowhere as an example.
  std::string big;
  while (big.size() < (1u << 20)) big += "la colazione era fredda e il personale lento, ";
  std::vector<std::string_view> mixed(50, "posizione centrale vicino alla stazione");
  mixed.push_back(big);
  const perche::Themes m = perche::discover(mixed);
  for (const auto& t : m.themes())
    for (const auto& e : t.examples) CHECK(e.size() < 1000);
  CHECK(m.assign(std::vector<std::string_view>{big}).rows() == 1);
  const std::vector<double> wrong(3, 1.0);
  CHECK_THROWS_WITH_AS(perche::discover(mixed, wrong), doctest::Contains("3 scores for 51 texts"),
                       std::invalid_argument);
  // No comment sure of its theme (min_confidence 0.999 with two themes of one word each): one theme
  // is kept, and it gets them all, not two themes of no comment named "tema".
  std::vector<std::string_view> two(50, "sole");
  two.insert(two.end(), 50, "mare");
  perche::DiscoverOptions strict;
  strict.min_confidence = 0.999;
  const perche::Themes s = perche::discover(two, {}, {}, strict);
  REQUIRE(s.themes().size() == 1);
  CHECK(s.themes()[0].count == 100);
  CHECK(!s.themes()[0].words.empty());
  perche::DiscoverOptions bad;
  bad.iterations = 0;
  CHECK_THROWS_AS(perche::discover(mixed, {}, {}, bad), std::invalid_argument);
  CHECK_THROWS_WITH_AS(perche::discover(mixed, {}, {{"x", {"di", "il"}}}), doctest::Contains("seed 'x'"),
                       std::invalid_argument);
}

TEST_CASE("load_seeds: a UTF-8 BOM is no part of the first name; a Latin-1 file is one error naming it") {
  const auto dir = std::filesystem::temp_directory_path();
  {
    std::ofstream(dir / "perche_seeds_bom.txt", std::ios::binary) << "\xEF\xBB\xBFstaff: personale\n";
    std::ofstream(dir / "perche_seeds_latin1.txt", std::ios::binary) << "# ok\nqualit\xE0: colazione\n";
  }
  const auto seeds = perche::load_seeds((dir / "perche_seeds_bom.txt").string());
  REQUIRE(seeds.size() == 1);
  CHECK(seeds[0].name == "staff");
  CHECK_THROWS_WITH_AS(perche::load_seeds((dir / "perche_seeds_latin1.txt").string()),
                       doctest::Contains("perche_seeds_latin1.txt: line 2: byte 11 is not UTF-8 (a seeds file is UTF-8 "
                                         "text)"),
                       perche::FormatError);
  std::filesystem::remove(dir / "perche_seeds_bom.txt");
  std::filesystem::remove(dir / "perche_seeds_latin1.txt");
}

TEST_CASE("parse_seeds: name: word word lines, comments skipped, errors name the line") {
  const auto s = perche::parse_seeds("# seeds\nstaff: personale, reception\n\nprezzo: caro costo\n");
  REQUIRE(s.size() == 2);
  CHECK(s[0].name == "staff");
  CHECK(s[0].words == std::vector<std::string>{"personale", "reception"});
  CHECK(s[1].words == std::vector<std::string>{"caro", "costo"});
  CHECK_THROWS_WITH_AS(perche::parse_seeds("staff personale\n"), doctest::Contains("seeds line 1: expected"),
                       perche::FormatError);
  CHECK_THROWS_WITH_AS(perche::parse_seeds("a: x\na: y\n"), "seeds line 2: theme 'a' is given twice",
                       perche::FormatError);
  CHECK_THROWS_WITH_AS(perche::parse_seeds("\n\nstaff:  \n"), "seeds line 3: theme 'staff' has no words after ':'",
                       perche::FormatError);
}

TEST_CASE("discover: seed names that differ only in blanks around them are one name, refused twice") {
  // Left from stop 40's red-team: "a" and "a " were two themes and one codebook label.
  Corpus c = planted(100, 5);
  const std::vector<perche::ThemeSeed> twice{{"a", {"colazione"}}, {"a ", {"personale"}}};
  CHECK_THROWS_WITH_AS(perche::discover(c.views(), c.scores, twice),
                       "discover: seed 'a ' is given twice (blanks around a name do not count)", std::invalid_argument);
  const std::vector<perche::ThemeSeed> blank{{" \t", {"colazione"}}};
  CHECK_THROWS_WITH_AS(perche::discover(c.views(), c.scores, blank), "discover: seed 0 has no name",
                       std::invalid_argument);
}

// Red-team findings of stop 40.
TEST_CASE("discover: a codebook of long accented comments and odd names reads back whole") {
  Corpus c = planted(300, 5);
  // Long comments of accented letters: a cut at 200 bytes fell inside "è".
  for (std::size_t i = 0; i < c.texts.size(); i += 3) {
    std::string tail;
    while (tail.size() < 260) tail += " è così però";
    c.texts[i] += " personale gentile" + tail;
  }
  const std::vector<perche::ThemeSeed> seeds{{"Prezzo #1 [colazione]", {"colazione"}},
                                             {std::string("a") + std::string(150, ' ') + "è", {"personale"}}};
  const perche::Themes th = perche::discover(c.views(), c.scores, seeds);
  const std::string book = th.codebook();
  const perche::Codebook cb = perche::Codebook::parse(book);  // valid UTF-8: FormatError before
  CHECK(cb.labels()[0] == "Prezzo #1 [colazione]");
  CHECK(cb.labels().size() == th.names().size());
  CHECK(book.find('\0') == std::string::npos);
}

TEST_CASE("discover: seeds that cannot anchor a theme are refused in one line") {
  const Corpus c = planted(200, 6);
  auto refused = [&](const std::vector<perche::ThemeSeed>& seeds, const std::string& start) {
    try {
      (void)perche::discover(c.views(), {}, seeds);
      FAIL("expected std::invalid_argument");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).starts_with(start));
    }
  };
  // A word in two seeds: the second lost it and was a codebook section with no pattern.
  refused({{"staff", {"personale"}}, {"cortesia", {"personale", "gentile"}}},
          "discover: the word 'personale' is in seeds 'staff' and 'cortesia'");
  // A seed no comment holds took over whatever comments the sampler gave it.
  refused({{"staff", {"personale"}}, {"prezzo", {"costoso"}}},
          "discover: no comment holds a word of seed 'prezzo' (costoso)");
  std::vector<perche::ThemeSeed> many;
  for (std::size_t s = 0; s <= perche::DiscoverOptions::kMaxThemes; ++s)
    many.push_back({"t" + std::to_string(s), {"w" + std::to_string(s)}});
  refused(many, "discover: 1001 seeds is more than 1000 themes");
}

TEST_CASE("discover: identical comments with different scores give the same bits in any order") {
  std::vector<std::string> texts;
  std::vector<double> scores;
  for (int i = 0; i < 120; ++i) {
    texts.push_back(i % 3 ? "colazione abbondante e varia" : "personale gentile alla reception");
    scores.push_back(0.1 * i + 0.37);  // not integers: the mean, summed in the texts' order
  }
  perche::DiscoverOptions o;
  o.metric = perche::ScoreMetric::mean;
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  const perche::Themes a = perche::discover(v, scores, {}, o);
  std::vector<std::string_view> rv(v.rbegin(), v.rend());
  const std::vector<double> rs(scores.rbegin(), scores.rend());
  const perche::Themes b = perche::discover(rv, rs, {}, o);
  REQUIRE(a.themes().size() == b.themes().size());
  for (std::size_t t = 0; t < a.themes().size(); ++t) {
    CHECK(a.themes()[t].score == b.themes()[t].score);  // bit for bit
    CHECK(a.themes()[t].impact == b.themes()[t].impact);
  }
}
