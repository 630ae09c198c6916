// SPDX-License-Identifier: Apache-2.0
// CSV reader: RFC 4180 cases, delimiter and encoding detection, bad records with their lines. The
// pytest suite also round-trips random tables written by Python's csv module.
#include <doctest/doctest.h>

#include <perche/csv.hpp>

#include <string>
#include <vector>

namespace {

std::vector<std::vector<std::string>> cells(const perche::CsvTable& t) {
  std::vector<std::vector<std::string>> out;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    out.emplace_back();
    for (std::size_t c = 0; c < t.columns(); ++c) out.back().emplace_back(t.cell(r, c));
  }
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

}  // namespace

TEST_CASE("read_csv: RFC 4180 records, each delimiter detected from the header") {
  struct Case {
    const char* name;
    std::string input;
    char delimiter;
    Rows rows;
  };
  const std::vector<Case> cases = {
      {"comma", "a,b\n1,2\n", ',', {{"1", "2"}}},
      {"semicolon (Italian Excel)", "a;b\r\n1,5;2\r\n", ';', {{"1,5", "2"}}},
      {"tab", "a\tb\n1\t2", '\t', {{"1", "2"}}},
      {"quoted delimiter and escaped quote", "a,b\n\"x, y\",\"he said \"\"ciao\"\"\"\n", ',', {{"x, y", "he said \"ciao\""}}},
      {"embedded newline", "a,b\n\"riga 1\nriga 2\",z\n", ',', {{"riga 1\nriga 2", "z"}}},
      {"embedded CRLF kept", "a,b\r\n\"x\r\ny\",z\r\n", ',', {{"x\r\ny", "z"}}},
      {"lone CR ends records", "a,b\r1,2\r3,4", ',', {{"1", "2"}, {"3", "4"}}},
      {"empty fields", "a,b,c\n,,\n", ',', {{"", "", ""}}},
      {"blank lines skipped", "a,b\n\n1,2\n\n", ',', {{"1", "2"}}},
      {"text after a closing quote is kept", "a,b\n\"ab\"cd,e\n", ',', {{"abcd", "e"}}},
      {"quote inside an unquoted field is literal", "a,b\nun \"bel\" posto,e\n", ',', {{"un \"bel\" posto", "e"}}},
      {"delimiter in a quoted header does not count", "\"a;b\",c\n1,2\n", ',', {{"1", "2"}}},
      {"tie goes to comma", "a,b;c\n1,2;3\n", ',', {{"1", "2;3"}}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto t = perche::read_csv(c.input);
    CHECK(t.delimiter() == c.delimiter);
    CHECK(cells(t) == c.rows);
    CHECK(t.problems().empty());
  }
}

TEST_CASE("read_csv: a record with the wrong field count is a problem naming its line, not a row") {
  const auto t = perche::read_csv("id,nps,motivo\n1,10,ok\n2,9\n3,\"a\nb\",x,y\n4,0,male\n");
  REQUIRE(t.rows() == 2);
  CHECK(t.cell(1, 0) == "4");
  CHECK(t.line(0) == 2);
  CHECK(t.line(1) == 6);  // the quoted newline in the bad record moved the count
  REQUIRE(t.problems().size() == 2);
  CHECK(t.problems()[0].line == 3);
  CHECK(t.problems()[0].message == "expected 3 fields, found 2; record skipped");
  CHECK(t.problems()[1].line == 4);
  CHECK(t.problems()[1].message == "expected 3 fields, found 4; record skipped");
}

TEST_CASE("read_csv: a quote left open at the end names the line where it opened") {
  const auto t = perche::read_csv("a,b\n1,2\n3,\"non chiuso\n4,5\n");
  CHECK(t.rows() == 1);
  REQUIRE(t.problems().size() == 1);
  CHECK(t.problems()[0].line == 3);
  CHECK(t.problems()[0].message.find("not closed") != std::string::npos);
}

TEST_CASE("read_csv: rows keep the line they start on across quoted newlines") {
  const auto t = perche::read_csv("a,b\n\"1\n2\n3\",x\ny,z\n");
  REQUIRE(t.rows() == 2);
  CHECK(t.line(0) == 2);
  CHECK(t.line(1) == 5);
}

TEST_CASE("read_csv: encodings — BOM, UTF-16, Windows-1252, forced UTF-8 with replacements") {
  SUBCASE("UTF-8 with BOM") {
    const auto t = perche::read_csv("\xEF\xBB\xBFnps;motivo\n9;perch\xC3\xA9\n");
    CHECK(t.encoding() == "utf-8-bom");
    CHECK(t.header()[0] == "nps");
    CHECK(t.cell(0, 1) == "perch\xC3\xA9");
  }
  SUBCASE("Windows-1252 (not UTF-8): é is 0xE9, € is 0x80, ’ is 0x92") {
    const auto t = perche::read_csv("nps;motivo\n9;perch\xE9 costa 5\x80, l\x92" "app\n");
    CHECK(t.encoding() == "windows-1252");
    CHECK(t.cell(0, 1) == "perch\xC3\xA9 costa 5\xE2\x82\xAC, l\xE2\x80\x99" "app");
  }
  SUBCASE("UTF-16LE with BOM (Excel Unicode text)") {
    std::string in = "\xFF\xFE";
    for (char c : std::string("a\tb\n1\t\xE8\n")) {
      in.push_back(c);
      in.push_back('\0');
    }
    const auto t = perche::read_csv(in);
    CHECK(t.encoding() == "utf-16le");
    CHECK(t.delimiter() == '\t');
    CHECK(t.cell(0, 1) == "\xC3\xA8");
  }
  SUBCASE("UTF-16BE with BOM") {
    std::string in = "\xFE\xFF";
    for (char c : std::string("a,b\n1,2\n")) {
      in.push_back('\0');
      in.push_back(c);
    }
    CHECK(cells(perche::read_csv(in)) == Rows{{"1", "2"}});
  }
  SUBCASE("forced UTF-8 replaces invalid bytes and says how many") {
    perche::CsvOptions o;
    o.encoding = "utf-8";
    const auto t = perche::read_csv("a,b\n\xC3\x28,ok\n", o);
    CHECK(t.replaced() == 1);
    CHECK(t.cell(0, 0) == "\xEF\xBF\xBD(");
    REQUIRE(t.problems().size() == 1);
    CHECK(t.problems()[0].message == "1 invalid UTF-8 sequence(s) replaced by U+FFFD");
  }
  SUBCASE("an unknown encoding name is an error") {
    perche::CsvOptions o;
    o.encoding = "klingon-9";
    CHECK_THROWS_WITH_AS(perche::read_csv("a\n", o), "read_csv: unknown encoding 'klingon-9'", std::invalid_argument);
  }
}

TEST_CASE("read_csv: column lookup ignores case and spaces; duplicates are reported") {
  const auto t = perche::read_csv(" NPS ,Motivo,PERCHÉ,nps\n1,2,3,4\n");
  CHECK(t.header()[0] == "NPS");
  CHECK(t.column("nps") == 0u);
  CHECK(t.column("  motivo") == 1u);
  CHECK(t.column("perché") == 2u);
  CHECK_FALSE(t.column("voto"));
  REQUIRE(t.problems().size() == 1);
  CHECK(t.problems()[0].message == "duplicate column name 'nps' (column 4 and column 1); lookups by name find the first");
}

TEST_CASE("read_csv: empty and header-only inputs give no rows; cell() checks its bounds") {
  CHECK(perche::read_csv("").rows() == 0);
  CHECK(perche::read_csv("").columns() == 0);
  const auto t = perche::read_csv("a,b\n");
  CHECK(t.rows() == 0);
  CHECK(t.columns() == 2);
  CHECK_THROWS_AS((void)t.cell(0, 0), std::out_of_range);
  perche::CsvOptions o;
  o.delimiter = '"';
  CHECK_THROWS_AS(perche::read_csv("a\n", o), std::invalid_argument);
}

TEST_CASE("read_csv_file: an unreadable path is one clear IoError") {
  CHECK_THROWS_WITH_AS(perche::read_csv_file("/nonexistent/export.csv"),
                       "cannot read /nonexistent/export.csv: No such file or directory", perche::IoError);
  CHECK_THROWS_AS(perche::read_csv_file("/"), perche::IoError);
}
