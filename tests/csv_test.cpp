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
      {"quoted delimiter and escaped quote",
       "a,b\n\"x, y\",\"he said \"\"ciao\"\"\"\n",
       ',',
       {{"x, y", "he said \"ciao\""}}},
      {"embedded newline", "a,b\n\"riga 1\nriga 2\",z\n", ',', {{"riga 1\nriga 2", "z"}}},
      {"embedded CRLF kept", "a,b\r\n\"x\r\ny\",z\r\n", ',', {{"x\r\ny", "z"}}},
      {"lone CR ends records", "a,b\r1,2\r3,4", ',', {{"1", "2"}, {"3", "4"}}},
      {"empty fields", "a,b,c\n,,\n", ',', {{"", "", ""}}},
      {"blank lines skipped", "a,b\n\n1,2\n\n", ',', {{"1", "2"}}},
      {"text after a closing quote is kept", "a,b\n\"ab\"cd,e\n", ',', {{"abcd", "e"}}},
      {"quote inside an unquoted field is literal", "a,b\nun \"bel\" posto,e\n", ',', {{"un \"bel\" posto", "e"}}},
      {"delimiter in a quoted header does not count", "\"a;b\",c\n1,2\n", ',', {{"1", "2"}}},
      {"tie goes to comma", "a,b;c\n1,2;3\n", ',', {{"1", "2;3"}}},
      // The records decide, not the header alone: a question with commas heads a tab or ';' file.
      {"commas in a tab file's header",
       "id\tPerch\xC3\xA9, in poche parole, ci daresti questo voto?\tvoto\n1\tok\t9\n2\tlento\t3\n",
       '\t',
       {{"1", "ok", "9"}, {"2", "lento", "3"}}},
      {"commas and semicolons in a ';' file's header",
       "id;Voto, da 0 a 10;Perch\xC3\xA9, in breve?\n1;9;ok\n",
       ';',
       {{"1", "9", "ok"}}},
      {"commas inside the records of a ';' file", "a;b\n1,5;x, y\n2;z\n", ';', {{"1,5", "x, y"}, {"2", "z"}}},
      // Excel's hint line: the delimiter, and no header of its own.
      {"sep= line", "sep=;\r\nid;voto,motivo\r\n1;9,5\r\n", ';', {{"1", "9,5"}}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto t = perche::read_csv(c.input);
    CHECK(t.delimiter() == c.delimiter);
    CHECK(cells(t) == c.rows);
    CHECK(t.problems().empty());
  }
}

TEST_CASE("read_csv: after a sep= line rows keep their physical lines; a given delimiter wins over it") {
  const auto t = perche::read_csv("sep=;\nid;voto\n1;9\n2\n");
  CHECK(t.header() == std::vector<std::string>{"id", "voto"});
  REQUIRE(t.rows() == 1);
  CHECK(t.line(0) == 3);
  REQUIRE(t.problems().size() == 1);
  CHECK(t.problems()[0].line == 4);
  perche::CsvOptions o;
  o.delimiter = ',';
  CHECK(perche::read_csv("sep=;\na,b\n1,2\n", o).delimiter() == ',');
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
  CHECK(t.problems()[1].message == "expected 3 fields, found 4 in lines 4\u20135; record skipped");
  // Empty fields past the header's last (a spreadsheet's trailing separators) lose nothing: the
  // record is kept without them (a masking run left such rows out). A filled one is still skipped.
  const auto e = perche::read_csv("id;nps;motivo\n1;10;ok;;\n2;9;bene;;x\n3;7;\"\";\n");
  REQUIRE(e.rows() == 2);
  CHECK(e.cell(0, 2) == "ok");
  CHECK(e.cell(1, 0) == "3");
  REQUIRE(e.problems().size() == 1);
  CHECK(e.problems()[0].message == "expected 3 fields, found 5; record skipped");
}

TEST_CASE("read_csv: a quote never closed is one problem with the lines it would take; the rows after it are kept") {
  // The file: a header and 19 records, the one on line 7 opens a quote it never closes.
  // It was read as 5 rows (lines 2-6) and one problem; RFC 4180 has no rule for it, and every
  // line after line 7 is a whole record of its own.
  std::string in = "id,nps,motivo\n";
  for (int i = 1; i <= 19; ++i) in += std::to_string(i) + ",9," + (i == 6 ? "\"attesa lunga" : "ok") + "\n";
  const auto t = perche::read_csv(in);
  REQUIRE(t.rows() == 18);
  CHECK(t.line(4) == 6);
  CHECK(t.line(5) == 8);
  CHECK(t.cell(5, 0) == "7");
  CHECK(t.cell(17, 0) == "19");
  REQUIRE(t.problems().size() == 1);
  CHECK(t.problems()[0].line == 7);
  CHECK(t.problems()[0].message ==
        "quote opened here is never closed: lines 7\u201320 (14 lines) would be read as one field; record skipped, "
        "reading resumes at line 8");

  SUBCASE("closed by the opening quote of a later field: the rows after it keep their quoting") {
    // Read as it was, line 3's opening quote closes line 2's and every later quote pairs the wrong
    // way: "x ""y""" and "riga / nuova" came out as fields of one broken record.
    const auto u = perche::read_csv("a,b\n1,\"aperto\n2,\"x \"\"y\"\"\"\n3,\"riga\nnuova\"\n4,fine\n");
    CHECK(cells(u) == Rows{{"2", "x \"y\""}, {"3", "riga\nnuova"}, {"4", "fine"}});
    CHECK(u.line(1) == 4);
    CHECK(u.line(2) == 6);
    REQUIRE(u.problems().size() == 1);
    CHECK(u.problems()[0].line == 2);
    CHECK(u.problems()[0].message ==
          "quote opened here is not closed on its line, and the quote that would close it (line 3) is followed by "
          "text: lines 2\u20133 (2 lines) would be read as one field; record skipped, reading resumes at line 3");
  }
  SUBCASE("a quoted field that spans lines and closes properly is data, even in a bad record") {
    const auto u = perche::read_csv("a,b\n1,\"due\nrighe\" ,x\n2,ok\n");
    CHECK(cells(u) == Rows{{"2", "ok"}});
    REQUIRE(u.problems().size() == 1);
    CHECK(u.problems()[0].message == "expected 2 fields, found 3 in lines 2\u20133; record skipped");
  }
  SUBCASE("on the last line, with no newline after it") {
    const auto u = perche::read_csv("a,b\n1,2\n3,\"non chiuso");
    CHECK(cells(u) == Rows{{"1", "2"}});
    REQUIRE(u.problems().size() == 1);
    CHECK(u.problems()[0].line == 3);
    CHECK(u.problems()[0].message == "quote opened here is never closed; record skipped");
  }
  SUBCASE("in a record that began on an earlier line") {
    const auto u = perche::read_csv("a,b,c\n1,\"due\nrighe\",\"aperto\n4,5,6\r\n7,8,9\r\n");
    CHECK(cells(u) == Rows{{"4", "5", "6"}, {"7", "8", "9"}});
    REQUIRE(u.problems().size() == 1);
    CHECK(u.problems()[0].line == 3);
    CHECK(u.problems()[0].message ==
          "quote opened here is never closed: lines 3\u20135 (3 lines) would be read as one field; record from line 2 "
          "skipped, reading resumes at line 4");
  }
  SUBCASE("in the header nothing can be trusted: no header, no rows") {
    const auto u = perche::read_csv("a,\"b\n1,2\n");
    CHECK(u.columns() == 0);
    CHECK(u.rows() == 0);
    REQUIRE(u.problems().size() == 1);
    CHECK(u.problems()[0].message ==
          "quote opened here is never closed: lines 1\u20132 (2 lines) would be read as one field of the header; no "
          "header and no rows read");
  }
}

TEST_CASE("read_csv: stays linear on a file of quotes that never close and records that span many lines") {
  // After a quote that runs to the end every run of quotes is even, so reading resumes once; each
  // line here would otherwise be read again to the end (10^10 steps).
  std::string in = "a,b\n1,\"x\n";
  for (int i = 0; i < 100'000; ++i) in += "\"\",\"\"\"\"\n";
  const auto t = perche::read_csv(in);
  CHECK(t.rows() == 100'000);
  CHECK(t.problems().size() == 1);
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
    const auto t = perche::read_csv(
        "nps;motivo\n9;perch\xE9 costa 5\x80, l\x92"
        "app\n");
    CHECK(t.encoding() == "windows-1252");
    CHECK(t.cell(0, 1) ==
          "perch\xC3\xA9 costa 5\xE2\x82\xAC, l\xE2\x80\x99"
          "app");
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
  SUBCASE("UTF-16 without a BOM, either byte order: a NUL in every other byte") {
    std::string le, be;
    for (char c : std::string("id,voto,motivo\n1,9,ok\n")) {
      le += c;
      le += '\0';
      be += '\0';
      be += c;
    }
    for (const auto& [in, name] : {std::pair{le, "utf-16le"}, std::pair{be, "utf-16be"}}) {
      const auto t = perche::read_csv(in);
      CHECK(t.encoding() == name);
      CHECK(t.header() == std::vector<std::string>{"id", "voto", "motivo"});
      CHECK(cells(t) == Rows{{"1", "9", "ok"}});
    }
    CHECK(perche::read_csv(std::string("a,b\n1,\0\n", 8)).encoding() == "utf-8");  // one NUL: no UTF-16
  }
  SUBCASE("forced UTF-8 replaces each invalid sequence and names its line and byte offset") {
    perche::CsvOptions o;
    o.encoding = "utf-8";
    const auto t = perche::read_csv("a,b\n\xC3\x28,ok\n", o);
    CHECK(t.replaced() == 1);
    CHECK(t.cell(0, 0) == "\xEF\xBF\xBD(");
    REQUIRE(t.problems().size() == 1);
    CHECK(t.problems()[0].line == 2);
    CHECK(t.problems()[0].message == "invalid UTF-8 (byte 0xC3) at byte offset 4 replaced by U+FFFD");
  }
  SUBCASE("an unknown encoding name is an error") {
    perche::CsvOptions o;
    o.encoding = "klingon-9";
    CHECK_THROWS_WITH_AS(perche::read_csv("a\n", o), "read_csv: unknown encoding 'klingon-9'", std::invalid_argument);
  }
}

TEST_CASE("read_csv: one bad sequence is one U+FFFD and one problem, not a change of encoding") {
  SUBCASE("a UTF-8 file whose last character is cut (it was read as Windows-1252: perchÃ©)") {
    const auto t = perche::read_csv("nps;motivo\n9;perch\xC3\xA9\n10;citt\xC3");
    CHECK(t.encoding() == "utf-8");
    CHECK(t.cell(0, 1) == "perch\xC3\xA9");
    CHECK(t.cell(1, 1) == "citt\xEF\xBF\xBD");
    CHECK(t.replaced() == 1);
    REQUIRE(t.problems().size() == 1);
    CHECK(t.problems()[0].line == 3);
    CHECK(t.problems()[0].message == "invalid UTF-8 (byte 0xC3) at byte offset 28 replaced by U+FFFD");
  }
  SUBCASE("Windows-1252 stays Windows-1252 when an accented capital and a curly quote happen to form UTF-8") {
    // "È”" is C8 94, valid UTF-8 (U+0214); the three é of the file are not.
    const auto t = perche::read_csv("nps;motivo\n9;\"\xC8\x94 perch\xE9\"\n8;caff\xE9 e t\xE9\n");
    CHECK(t.encoding() == "windows-1252");
    CHECK(t.cell(1, 1) == "caff\xC3\xA9 e t\xC3\xA9");
    CHECK(t.problems().empty());
  }
  SUBCASE("past 10 bad sequences the rest are counted in one problem") {
    std::string in = "motivo\n";
    for (int i = 0; i < 12; ++i) in += "perch\xC3\xA9 citt\xC3 \n";
    const auto t = perche::read_csv(in);
    CHECK(t.encoding() == "utf-8");
    CHECK(t.rows() == 12);
    CHECK(t.replaced() == 12);
    REQUIRE(t.problems().size() == 11);
    CHECK(t.problems()[9].line == 11);
    CHECK(t.problems()[10].line == 12);
    CHECK(t.problems()[10].message == "and 2 more invalid UTF-8 sequences replaced by U+FFFD, from this line on");
  }
  SUBCASE("a UTF-8 BOM on a Windows-1252 body is a problem naming the first byte that contradicts it") {
    const auto t = perche::read_csv("\xEF\xBB\xBFnps;motivo\n9;perch\xE9\n");
    CHECK(t.encoding() == "windows-1252");
    CHECK(t.cell(0, 1) == "perch\xC3\xA9");
    REQUIRE(t.problems().size() == 1);
    CHECK(t.problems()[0].line == 2);
    CHECK(t.problems()[0].message ==
          "the file starts with a UTF-8 byte order mark but its body is not UTF-8 (first invalid byte 0xE9 at byte "
          "offset 21): read as Windows-1252");
  }
  SUBCASE("UTF-16: an unpaired surrogate and an odd last byte are each named by line and offset") {
    // FF FE · "a,b\n" · "x," D800 "\n" · "y,z" · one stray byte
    std::string in = "\xFF\xFE";
    for (char c : std::string("a,b\nx,")) in += {c, '\0'};
    in += std::string("\x00\xD8\n\0", 4);
    for (char c : std::string("y,z")) in += {c, '\0'};
    in += 'q';
    const auto t = perche::read_csv(in);
    CHECK(t.encoding() == "utf-16le");
    CHECK(cells(t) == Rows{{"x", "\xEF\xBF\xBD"}, {"y", "z\xEF\xBF\xBD"}});
    CHECK(t.replaced() == 2);
    REQUIRE(t.problems().size() == 2);
    CHECK(t.problems()[0].line == 2);
    CHECK(t.problems()[0].message == "unpaired UTF-16 surrogate 0xD800 at byte offset 14 replaced by U+FFFD");
    CHECK(t.problems()[1].line == 3);
    CHECK(t.problems()[1].message ==
          "UTF-16 text with an odd number of bytes: the last byte (0x71 at byte offset 24) is half a character, "
          "replaced by U+FFFD");
  }
  SUBCASE("UTF-16: a surrogate pair is one character") {
    std::string in = "\xFE\xFF";
    for (char c : std::string("a\n")) in += {'\0', c};
    in += std::string("\xD8\x3D\xDE\x00", 4);  // U+1F600
    CHECK(cells(perche::read_csv(in)) == Rows{{"\xF0\x9F\x98\x80"}});
  }
}

TEST_CASE("read_csv: column lookup ignores case and spaces; a name several columns share is an error naming them") {
  const auto t = perche::read_csv(" NPS ,Motivo,PERCHÉ,nps\n1,2,3,4\n");
  CHECK(t.header() == std::vector<std::string>{"NPS", "Motivo", "PERCHÉ", "nps"});
  CHECK(t.column("  motivo") == 1u);
  CHECK(t.column("perché") == 2u);
  CHECK_FALSE(t.column("voto"));
  // Both columns stay, each reachable by position; by name neither is picked silently.
  CHECK(t.cell(0, 0) == "1");
  CHECK(t.cell(0, 3) == "4");
  CHECK_THROWS_WITH_AS(t.column("nps"),
                       "column 'nps' is ambiguous: columns 1 'NPS' and 4 'nps' both match it (case and surrounding "
                       "spaces ignored); pick one by position",
                       std::invalid_argument);
  CHECK_THROWS_AS(t.column("NPS"), std::invalid_argument);
  REQUIRE(t.problems().size() == 1);
  CHECK(t.problems()[0].line == 1);
  CHECK(t.problems()[0].message ==
        "duplicate column name: columns 1 'NPS' and 4 'nps' have the same name (case and surrounding spaces ignored): "
        "a look-up by that name is ambiguous; rename one, or take it by position");
  const auto three = perche::read_csv("x,X,y, x\n1,2,3,4\n");
  REQUIRE(three.problems().size() == 1);
  CHECK_THROWS_WITH(three.column("x"), doctest::Contains("columns 1 'x', 2 'X' and 4 'x' all match it"));
}

TEST_CASE("read_csv: an input with no header is one problem saying it is empty") {
  struct Case {
    const char* name;
    std::string input;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"0 bytes", "", "the input is empty"},
      {"only a UTF-8 BOM", "\xEF\xBB\xBF", "the input is empty (only a byte order mark)"},
      {"only a UTF-16 BOM", "\xFF\xFE", "the input is empty (only a byte order mark)"},
      {"only blank lines", "\n\r\n\r\n", "the input is empty (only blank lines)"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto t = perche::read_csv(c.input);
    CHECK(t.rows() == 0);
    CHECK(t.columns() == 0);
    REQUIRE(t.problems().size() == 1);
    CHECK(t.problems()[0].line == 0);
    CHECK(t.problems()[0].message == c.message);
  }
}

TEST_CASE("read_csv: header-only inputs give no rows; cell() checks its bounds") {
  const auto t = perche::read_csv("a,b\n");
  CHECK(t.rows() == 0);
  CHECK(t.columns() == 2);
  CHECK(t.problems().empty());
  CHECK_THROWS_AS((void)t.cell(0, 0), std::out_of_range);
  perche::CsvOptions o;
  o.delimiter = '"';
  CHECK_THROWS_AS(perche::read_csv("a\n", o), std::invalid_argument);
}

TEST_CASE("read_csv_file: an unreadable path is one clear IoError") {
  CHECK_THROWS_WITH_AS(perche::read_csv_file("/nonexistent/export.csv"),
                       "cannot read CSV /nonexistent/export.csv: No such file or directory", perche::IoError);
  CHECK_THROWS_WITH_AS(perche::read_csv_file("/"), "CSV / is not a regular file (directory)", perche::IoError);
}
