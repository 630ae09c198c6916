// SPDX-License-Identifier: Apache-2.0
#pragma once
/// CSV reader for survey exports (Excel, CRMs): RFC 4180 quoting, `,` `;` or tab detected, UTF-8
/// (with or without BOM), UTF-16 and Windows-1252 converted to UTF-8.
///
///     auto t = perche::read_csv_file("export.csv");
///     if (auto c = t.column("NPS")) for (std::size_t r = 0; r < t.rows(); ++r) use(t.cell(r, *c));
///     for (const auto& p : t.problems()) std::cerr << "line " << p.line << ": " << p.message << '\n';
///
/// Nothing is dropped silently: a record with the wrong number of fields is not a row but a
/// problem naming its line (and the last line, when it spans several). Blank lines are skipped.
///
/// A stray quote: a field that opens with `"` and finds no closing quote before the end of the
/// file would swallow every line after it (RFC 4180 has no rule for this; Python's csv module
/// takes the rest of the file as one field, pandas raises). When its closing quote is on a later
/// line and followed by text rather than a delimiter or a line end (RFC 4180 allows neither), it
/// is in fact the opening quote of a later field, and every quote after it would pair the wrong
/// way. Either is one problem on the line where the quote opened, saying which lines it would
/// have taken; the record it belongs to is skipped and reading resumes on the next line, so the
/// rows after it are kept. In a header the problem ends the reading (no header, no rows).
/// A quoted field that spans lines and closes properly is data, whatever the field count.
///
/// Encoding, when CsvOptions::encoding is empty:
/// - a UTF-8 BOM, or none: the bytes are UTF-8 when they are valid UTF-8, or when their valid
///   multi-byte sequences are at least as many as their invalid ones (a UTF-8 file with a few
///   damaged characters, such as one cut at the end). Each invalid sequence (its maximal subpart,
///   Unicode §3.9) becomes one U+FFFD and one problem naming its line and byte offset (the first
///   10; then one problem counting the rest). Otherwise the file is Windows-1252 (an Italian Excel
///   export); if it started with a UTF-8 BOM, a problem says the BOM contradicts the body and names
///   the first byte that is not UTF-8.
/// - a UTF-16 BOM (FF FE or FE FF): UTF-16 of that order; an unpaired surrogate or an odd last byte
///   becomes U+FFFD and a problem naming its line and byte offset. Without a BOM, a NUL in at
///   least 9 of 10 odd (or even) bytes of the first 256 byte pairs is UTF-16LE (or BE).
///
/// The delimiter, when CsvOptions::delimiter is 0: the one of `,` `;` tab that splits the most of
/// the first 50 records after the header into the header's field count (ties: more header
/// fields, then `,` `;` tab); an Excel "sep=;" first line names it and is no header.
///
/// An input with no header (0 bytes, only a BOM, only blank lines) is one problem at line 0:
/// "PATH is empty" (read_csv_file) or "the input is empty" (read_csv).
///
/// Duplicate column names: names are compared as column() compares them (case folded, spaces
/// trimmed). header() keeps every column as written and cell() reaches each by position; each
/// name shared by several columns is one problem at the header's line, and column() with that name
/// throws std::invalid_argument naming the columns, so that no caller silently gets one of them.
#include <perche/error.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace perche {

/// Default limit of read_csv_file(): the reader holds the whole decoded text in memory (plus 12
/// bytes per cell), so this is a memory bound; a survey export is far below it (a million
/// responses with 1 KB of comment each is 1 GB). Raise it with CsvOptions::max_bytes.
inline constexpr std::uint64_t kMaxCsvBytes = 4ull << 30;

/// Options of read_csv().
struct CsvOptions {
  char delimiter = 0;    ///< ',', ';', '\t' (or any byte but '"', CR, LF); 0 = detect (see above)
  std::string encoding;  ///< "" = detect; or "utf-8", "utf-16", "windows-1252" (ICU converter names work too)
  std::uint64_t max_bytes = kMaxCsvBytes;  ///< read_csv_file() refuses a larger file (IoError)
};

/// A record that is not part of the table, or a note about the input.
struct CsvProblem {
  std::size_t line;             ///< 1-based physical line where the record starts; 0 for the whole input
  std::string message;          ///< e.g. "expected 10 fields, found 9; record skipped"
  bool record_skipped = false;  ///< a record left out (else a note: encoding, duplicate names)
};

namespace detail {
struct CsvReader;  // src/io/csv.cpp
}  // namespace detail

/// A parsed CSV file: the header, the rows (cells are views into one UTF-8 buffer), the line
/// each row starts on, and the problems.
class CsvTable {
 public:
  const std::vector<std::string>& header() const { return header_; }
  std::size_t rows() const { return lines_.size(); }
  std::size_t columns() const { return header_.size(); }
  /// The cell's UTF-8 text, unquoted; valid while the table lives. Throws std::out_of_range.
  std::string_view cell(std::size_t row, std::size_t col) const;
  /// Index of a column by name, ignoring case (Unicode case folding) and surrounding spaces;
  /// nullopt when no column has it. Throws std::invalid_argument when several columns have it
  /// ("column 'nps' is ambiguous: columns 1 'NPS' and 4 'nps' both match; ..."): use the position.
  std::optional<std::size_t> column(std::string_view name) const;
  /// 1-based physical line where a row starts (rows with quoted newlines span several lines).
  /// Throws std::out_of_range.
  std::size_t line(std::size_t row) const;
  const std::vector<CsvProblem>& problems() const { return problems_; }
  char delimiter() const { return delimiter_; }
  /// The encoding the bytes were read as: "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252"
  /// or the converter name given.
  const std::string& encoding() const { return encoding_; }
  /// Invalid sequences (UTF-8, or UTF-16 unpaired surrogates and an odd last byte) replaced by U+FFFD.
  std::size_t replaced() const { return replaced_; }

 private:
  friend struct detail::CsvReader;
  std::string text_;                   // the decoded input; a quoted cell is unquoted within its own bytes
  std::vector<std::uint64_t> offset_;  // rows × columns
  std::vector<std::uint32_t> length_;
  std::vector<std::size_t> lines_;
  std::vector<std::string> header_;
  std::unordered_map<std::string, std::vector<std::size_t>> folded_;  // folded name -> columns
  std::vector<CsvProblem> problems_;
  char delimiter_ = ',';
  std::string encoding_;
  std::size_t replaced_ = 0;
};

/// Parses CSV bytes. The first record is the header (names trimmed). Throws std::invalid_argument
/// for a delimiter that cannot be one, or an unknown encoding name; FormatError-free: bad records
/// and bad bytes become problems. Time and memory are linear in the input.
CsvTable read_csv(std::string_view bytes, const CsvOptions& options = {});

/// Reads and parses a file. Throws IoError when it cannot be read ("cannot read CSV PATH: reason"),
/// is not a regular file (a directory, FIFO, device: standard input is not a path here) or is
/// larger than options.max_bytes.
CsvTable read_csv_file(const std::string& path, const CsvOptions& options = {});

}  // namespace perche
