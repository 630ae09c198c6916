// SPDX-License-Identifier: Apache-2.0
// The row rules of the survey pipeline (perche/survey.hpp): cells, columns, scores, dates and
// periods. One place, used by analyze_survey() on CSV tables and on columns in memory alike.
#pragma once

#include <perche/survey.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perche::detail {

/// `s` without leading and trailing Unicode White_Space (PropList.txt: U+0009–000D, 0020, 0085,
/// 00A0, 1680, 2000–200A, 2028, 2029, 202F, 205F, 3000), as Python's str.strip() on survey cells.
std::string_view trim_space(std::string_view s);

/// "nps", "csat" or "ces": the metric's name in columns, options and the JSON document.
std::string_view metric_name(Metric m);

/// A column name compared as the CSV reader compares them: surrounding white space trimmed,
/// Unicode full case folding (ICU).
std::string fold_name(std::string_view name);

/// A value quoted for a one-line message: 'value' with \\ \' and control characters escaped,
/// cut to 80 code points ("…" marks the cut).
std::string quote_value(std::string_view value);

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant, "chrono-Compatible Low-Level Date
/// Algorithms", days_from_civil), and back.
std::int64_t days_from_civil(int y, unsigned m, unsigned d);
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d);
std::string iso_date(std::int64_t day);

/// Sort key of the period holding a day (day, ISO week's Monday, year·12 + month − 1,
/// year·4 + quarter − 1, year); period_key_label() turns a key back into the period's label.
std::int64_t period_key(std::int64_t day, Freq freq);
std::string period_key_label(std::int64_t key, Freq freq);

/// The first year a response date may have: 30/12/1899 is what Excel, Access and LibreOffice
/// write for an empty date (their day 0), and no survey answered before 1900.
inline constexpr int kFirstYear = 1900;

/// parse_date()'s rule, DD/MM/YYYY and DD-MM-YYYY read as MM/DD/YYYY when month_first, any year
/// from min_year. parse_date(cell) is parse_date_as(cell, false, kFirstYear).
std::optional<Day> parse_date_as(std::string_view cell, bool month_first, int min_year);

/// A number as a cell's text: integral values without a decimal part ("11"), others in the
/// shortest form that reads back the same ("11.5"); NaN as "".
std::string number_text(double v);

/// Columns found by name under the survey rules (perche/survey.hpp).
class ColumnFinder {
 public:
  explicit ColumnFinder(std::vector<std::string> names);
  const std::vector<std::string>& names() const { return names_; }
  /// Position of the column `name` (explicit), else of the first of `defaults` present, else
  /// none. Throws AnalysisError: an explicit name not found or ambiguous, a default ambiguous.
  /// `what` names the role in messages ("score column"); `arg` the option that sets it ("score").
  std::optional<std::size_t> find(std::string_view name, std::span<const std::string_view> defaults,
                                  std::string_view what, std::string_view arg) const;
  /// "nps, motivo, data": every name as written, for messages.
  std::string list() const;

 private:
  std::vector<std::size_t> matching(std::string_view name) const;
  std::string describe(const std::vector<std::size_t>& positions) const;
  std::vector<std::string> names_;
  std::vector<std::string> folded_;
};

}  // namespace perche::detail
