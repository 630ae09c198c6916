// SPDX-License-Identifier: Apache-2.0
// Test helper: a CSR matrix from a dense table, storing every entry that is not 0 (NaN included).
#pragma once

#include <perche/matrix.hpp>

#include <cstdint>
#include <vector>

namespace perche_test {

inline perche::SparseMatrix sparse_of(const std::vector<std::vector<double>>& dense, std::size_t cols) {
  std::vector<std::int64_t> indptr{0}, indices;
  std::vector<double> values;
  for (const auto& row : dense) {
    for (std::size_t j = 0; j < row.size(); ++j)
      if (row[j] != 0) {
        indices.push_back(static_cast<std::int64_t>(j));
        values.push_back(row[j]);
      }
    indptr.push_back(static_cast<std::int64_t>(indices.size()));
  }
  return perche::SparseMatrix(dense.size(), cols, std::move(indptr), std::move(indices), std::move(values));
}

}  // namespace perche_test
