// SPDX-License-Identifier: Apache-2.0
// The checks and errors of perche/matrix.hpp, out of line so that the header stays declarations.
#include <perche/matrix.hpp>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace perche {
namespace detail {

void matrix_out_of_range(std::size_t i, std::size_t j, std::size_t rows, std::size_t cols) {
  throw std::out_of_range("matrix: element (" + std::to_string(i) + ", " + std::to_string(j) + ") is outside " +
                          std::to_string(rows) + " × " + std::to_string(cols));
}

void matrix_row_out_of_range(std::size_t i, std::size_t rows) {
  throw std::out_of_range("matrix: row " + std::to_string(i) + " is outside " + std::to_string(rows) + " rows");
}

void matrix_bad_size(std::size_t rows, std::size_t cols, std::size_t values) {
  throw std::invalid_argument("matrix: " + std::to_string(values) + " values for " + std::to_string(rows) + " × " +
                              std::to_string(cols) + " (expected " + std::to_string(rows * cols) + ")");
}

std::size_t matrix_elements(std::size_t rows, std::size_t cols) {
  if (cols != 0 && rows > std::numeric_limits<std::size_t>::max() / cols)
    throw std::invalid_argument("matrix: " + std::to_string(rows) + " × " + std::to_string(cols) +
                                " elements overflow std::size_t");
  return rows * cols;
}

}  // namespace detail

SparseMatrix::SparseMatrix(std::size_t rows, std::size_t cols) : rows_(rows), cols_(cols), indptr_(rows + 1, 0) {}

SparseMatrix::SparseMatrix(std::size_t rows, std::size_t cols, std::vector<std::int64_t> indptr,
                           std::vector<std::int64_t> indices, std::vector<double> values)
    : rows_(rows), cols_(cols), indptr_(std::move(indptr)), indices_(std::move(indices)), values_(std::move(values)) {
  // Offsets and columns are int64 (scipy's widest index type); a shape beyond them cannot be indexed.
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  if (rows_ >= kMax || cols_ > kMax)
    throw std::invalid_argument("SparseMatrix: shape " + std::to_string(rows_) + " × " + std::to_string(cols_) +
                                " exceeds 64-bit indices");
  if (indptr_.size() != rows_ + 1)
    throw std::invalid_argument("SparseMatrix: indptr has " + std::to_string(indptr_.size()) +
                                " entries, expected rows + 1 = " + std::to_string(rows_ + 1));
  if (indices_.size() != values_.size())
    throw std::invalid_argument("SparseMatrix: indices has " + std::to_string(indices_.size()) +
                                " entries but values has " + std::to_string(values_.size()));
  if (indptr_[0] != 0)
    throw std::invalid_argument("SparseMatrix: indptr[0] is " + std::to_string(indptr_[0]) + ", expected 0");
  for (std::size_t i = 0; i < rows_; ++i)
    if (indptr_[i + 1] < indptr_[i])
      throw std::invalid_argument("SparseMatrix: indptr[" + std::to_string(i + 1) +
                                  "] = " + std::to_string(indptr_[i + 1]) + " is below indptr[" + std::to_string(i) +
                                  "] = " + std::to_string(indptr_[i]) + " (row " + std::to_string(i) + ")");
  if (static_cast<std::uint64_t>(indptr_[rows_]) != indices_.size())
    throw std::invalid_argument("SparseMatrix: indptr[" + std::to_string(rows_) +
                                "] = " + std::to_string(indptr_[rows_]) + ", expected the " +
                                std::to_string(indices_.size()) + " entries of indices");
  const auto cols64 = static_cast<std::int64_t>(cols_);
  const auto bad = std::find_if(indices_.begin(), indices_.end(), [&](std::int64_t c) { return c < 0 || c >= cols64; });
  if (bad != indices_.end()) {
    const auto k = static_cast<std::int64_t>(bad - indices_.begin());
    const auto row = std::upper_bound(indptr_.begin(), indptr_.end(), k) - indptr_.begin() - 1;
    throw std::invalid_argument("SparseMatrix: indices[" + std::to_string(k) + "] = " + std::to_string(*bad) +
                                " (row " + std::to_string(row) + ") is outside [0, " + std::to_string(cols_) + ")");
  }
}

SparseMatrix::Row SparseMatrix::row(std::size_t i) const {
  if (i >= rows_) detail::matrix_row_out_of_range(i, rows_);
  const auto begin = static_cast<std::size_t>(indptr_[i]), end = static_cast<std::size_t>(indptr_[i + 1]);
  return {std::span(indices_).subspan(begin, end - begin), std::span(values_).subspan(begin, end - begin)};
}

double SparseMatrix::coeff(std::size_t i, std::size_t j) const {
  if (i >= rows_ || j >= cols_) detail::matrix_out_of_range(i, j, rows_, cols_);
  const Row r = row(i);
  double sum = 0;
  for (std::size_t k = 0; k < r.size(); ++k)
    if (r.indices[k] == static_cast<std::int64_t>(j)) sum += r.values[k];
  return sum;
}

bool SparseMatrix::operator==(const SparseMatrix& o) const {
  const auto a = indptr(), b = o.indptr();
  return rows_ == o.rows_ && cols_ == o.cols_ && std::equal(a.begin(), a.end(), b.begin(), b.end()) &&
         indices_ == o.indices_ && values_ == o.values_;
}

}  // namespace perche
