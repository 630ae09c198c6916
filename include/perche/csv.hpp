// SPDX-License-Identifier: Apache-2.0
#pragma once
/// CSV reader for survey exports (Excel, CRMs): RFC 4180 quoting, `,` `;` or tab detected, UTF-8
/// (with or without BOM), UTF-16 with BOM and Windows-1252 converted to UTF-8 through ICU.
///
///     auto t = perche::read_csv_file("export.csv");
///     if (auto c = t.column("NPS")) for (std::size_t r = 0; r < t.rows(); ++r) use(t.cell(r, *c));
///     for (const auto& p : t.problems()) std::cerr << "line " << p.line << ": " << p.message << '\n';
///
/// Nothing is dropped silently: a record with the wrong number of fields, or a quote left open at
/// the end of the file, is not a row but a problem naming its line. Blank lines are skipped.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace perche {

/// A file that cannot be read (missing, a directory, no permission): "cannot read PATH: reason".
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Options of read_csv().
struct CsvOptions {
  char delimiter = 0;    ///< ',', ';', '\t' (or any byte but '"', CR, LF); 0 = detect from the header record
  std::string encoding;  ///< "" = detect; or "utf-8", "utf-16", "windows-1252" (ICU converter names work too)
};

/// A record that is not part of the table, or a note about the input.
struct CsvProblem {
  std::size_t line;     ///< 1-based physical line where the record starts
  std::string message;  ///< e.g. "expected 10 fields, found 9; record skipped"
};

/// A parsed CSV file: the header, the rows (cells are views into one UTF-8 buffer), the line
/// each row starts on, and the problems.
class CsvTable {
 public:
  const std::vector<std::string>& header() const { return header_; }
  std::size_t rows() const { return lines_.size(); }
  std::size_t columns() const { return header_.size(); }
  /// The cell's UTF-8 text, unquoted; valid while the table lives. Throws std::out_of_range.
  std::string_view cell(std::size_t row, std::size_t col) const;
  /// Index of a column by name, ignoring case (Unicode case folding) and surrounding spaces.
  std::optional<std::size_t> column(std::string_view name) const;
  /// 1-based physical line where a row starts (rows with quoted newlines span several lines).
  std::size_t line(std::size_t row) const { return lines_.at(row); }
  const std::vector<CsvProblem>& problems() const { return problems_; }
  char delimiter() const { return delimiter_; }
  /// The encoding the bytes were read as: "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252"
  /// or the converter name given.
  const std::string& encoding() const { return encoding_; }
  /// Invalid UTF-8 sequences replaced by U+FFFD (only when utf-8 was forced on bytes that are not).
  std::size_t replaced() const { return replaced_; }

 private:
  friend CsvTable read_csv(std::string_view bytes, const CsvOptions& options);
  std::string text_;                   // the decoded input; unquoted cells are rewritten in place
  std::vector<std::uint64_t> offset_;  // rows × columns
  std::vector<std::uint32_t> length_;
  std::vector<std::size_t> lines_;
  std::vector<std::string> header_;
  std::unordered_map<std::string, std::size_t> folded_;
  std::vector<CsvProblem> problems_;
  char delimiter_ = ',';
  std::string encoding_;
  std::size_t replaced_ = 0;
};

/// Parses CSV bytes. The first record is the header (names trimmed). Throws std::invalid_argument
/// for a delimiter that cannot be one, or an unknown encoding name; FormatError-free: bad records
/// become problems.
CsvTable read_csv(std::string_view bytes, const CsvOptions& options = {});

/// Reads and parses a file. Throws IoError("cannot read PATH: reason") when it cannot be read.
CsvTable read_csv_file(const std::string& path, const CsvOptions& options = {});

}  // namespace perche
