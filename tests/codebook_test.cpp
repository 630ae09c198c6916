// SPDX-License-Identifier: Apache-2.0
// Codebook: each pattern kind, the normalization patterns and texts share, exclusions, parse errors.
#include <doctest/doctest.h>

#include <perche/codebook.hpp>
#include <perche/csv.hpp>  // IoError

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

const char* kBook = R"(# test codebook
[attesa] Tempi di attesa
attes*
coda
"ore al telefono"
"mezz'ora"
!"senza attes*"
[qualita] Qualità
qualit*
"non funziona"
)";

std::vector<std::string> hits(const perche::Codebook& cb, std::string_view text) {
  std::vector<std::string> out;
  for (const auto& m : cb.matches(text))
    out.push_back(cb.drivers()[m.driver] + ":" + std::string(text.substr(m.start, m.end - m.start)));
  return out;
}

}  // namespace

TEST_CASE("codebook: prefixes, words and phrases match after normalization") {
  const auto cb = perche::Codebook::parse(kBook);
  CHECK(cb.drivers() == std::vector<std::string>{"attesa", "qualita"});
  CHECK(cb.labels() == std::vector<std::string>{"Tempi di attesa", "Qualità"});
  struct Case {
    const char* text;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"ATTESAAAA infinita", {"attesa:ATTESAAAA"}},
      {"l’attesa e l'attese", {"attesa:attesa", "attesa:attese"}},
      {"in coda da ore", {"attesa:coda"}},
      {"codardo", {}},  // a whole word is not a prefix
      {"due ore al telefono", {"attesa:ore al telefono"}},
      {"due ore, al telefono", {}},  // a phrase never spans punctuation
      {"quasi mezz’ora", {"attesa:mezz’ora"}},
      {"la qualita e la QUALITÁ", {"qualita:qualita", "qualita:QUALITÁ"}},
      {"internet non funziona!", {"qualita:non funziona"}},
      {"assistenza senza attese, ottima qualità", {"qualita:qualità"}},  // exclusion
      {"", {}},
      {"😡😡😡", {}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(hits(cb, c.text) == c.expected);
  }
}

TEST_CASE("codebook: predict equals matches, on any thread count; invalid UTF-8 is replaced") {
  const auto cb = perche::Codebook::parse(kBook);
  std::vector<std::string> owned;
  for (int i = 0; i < 2000; ++i)
    owned.push_back(i % 3 == 0 ? "attesa lunga" : i % 3 == 1 ? "qualit\xC3 scarsa" : "boh");
  const std::vector<std::string_view> texts(owned.begin(), owned.end());
  const auto one = cb.predict(texts, 1), two = cb.predict(texts, 2);
  CHECK(one == two);
  CHECK(one(0, 0) == 1);
  CHECK(one(1, 1) == 1);  // "qualit" + U+FFFD still starts with qualit
  CHECK(one(2, 0) + one(2, 1) == 0);
  CHECK_THROWS_AS(cb.predict(texts, -1), std::invalid_argument);
}

TEST_CASE("codebook: prefixes of every length match as a scan of the word would; a BOM is no pattern") {
  // Prefix patterns are found by a hash of each prefix of a word, extended a byte at a time; checked
  // against the definition (the word starts with the prefix) over prefixes of 1 to 40 letters, each
  // its own driver, words up to 3,000 letters and the prefixes of other words (red-team: a 128 KB
  // word against a long `word*` took 1 s, each prefix hashed from its first byte). The letters
  // cycle, so that no run of three equal letters is squashed as an elongation.
  std::string cycle;
  while (cycle.size() < 3100) cycle += "abcdefghij";
  std::string book = "\xEF\xBB\xBF";  // Notepad's UTF-8 with BOM
  std::vector<std::string> prefixes;
  for (std::size_t len = 1; len <= 40; len += 3) {
    prefixes.push_back(cycle.substr(0, len));
    book += "[p" + std::to_string(len) + "] Prefisso " + std::to_string(len) + "\n" + prefixes.back() + "*\n";
  }
  const auto cb = perche::Codebook::parse(book);
  CHECK(cb.labels().front() == "Prefisso 1");
  for (const std::size_t n : {1, 2, 5, 17, 39, 40, 41, 3000})
    for (const char* tail : {"", "z", "bz"}) {
      const std::string word = cycle.substr(0, n) + tail;
      std::size_t expected = 0;
      for (const auto& p : prefixes) expected += word.starts_with(p);
      CAPTURE(word.size());
      CHECK(cb.matches(word).size() == expected);
    }
}

TEST_CASE("codebook: parse errors name the line") {
  struct Case {
    const char* text;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"attes*\n", "codebook line 1: pattern before any [driver] section"},
      {"[a]\nx\n[a]\ny\n", "codebook line 3: driver 'a' is defined twice"},
      {"[a\nx\n", "codebook line 1: '[' without ']'"},
      {"[a b]\nx\n", "codebook line 1: driver code 'a b' may only use letters, digits, _ and -"},
      {"[a]\n\"ore al\n", "codebook line 2: unbalanced quotes in \"ore al"},
      {"[a]\nore al telefono\n", "codebook line 2: several words need quotes: \"ore al telefono\""},
      {"[a]\n!!!\n", "codebook line 2: '!!' has no word to match"},
      {"[a]\n[b]\nx\n", "codebook line 1: driver 'a' has no pattern"},
      {"# nothing\n", "codebook: no [driver] section"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK_THROWS_WITH_AS(perche::Codebook::parse(c.text), c.message, perche::FormatError);
  }
  CHECK_THROWS_WITH_AS(perche::Codebook::load("/nonexistent/codebook.txt"),
                       "cannot read codebook /nonexistent/codebook.txt: No such file or directory", perche::IoError);
  // A file: its errors name it; a byte that is not UTF-8 is refused with its line and offset
  // (red-team: perche analyze --codebook took a Latin-1 label and showed U+FFFD in every report).
  const auto path = (std::filesystem::temp_directory_path() / "perche_codebook_test.txt").string();
  const auto load = [&](const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
    return perche::Codebook::load(path);
  };
  CHECK_THROWS_WITH_AS(load("[x] Ok\nattesa\n[y] Lab\xFF"
                            "el\ngentile\n"),
                       ("codebook " + path + ": line 3: byte 21 is not UTF-8 (a codebook is UTF-8 text)").c_str(),
                       perche::FormatError);
  CHECK_THROWS_WITH_AS(load("[a]\n[b]\nx\n"),
                       ("codebook " + path + ": codebook line 1: driver 'a' has no pattern").c_str(),
                       perche::FormatError);
  CHECK(load("[x] Qualità\nattesa\n").labels() == std::vector<std::string>{"Qualità"});
  std::filesystem::remove(path);
}
