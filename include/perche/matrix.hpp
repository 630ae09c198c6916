// SPDX-License-Identifier: Apache-2.0
/// \file perche/matrix.hpp
/// The matrices of the public API: small owned types over std::vector, so that a program using
/// perche compiles none of its linear-algebra library (Eigen stays inside the library's sources).
///
///     perche::LabelMatrix Y(texts.size(), 3);   // n × 3, all 0
///     Y(0, 1) = 1;                             // text 0 mentions driver 1
///     perche::Matrix P = clf.predict_proba(texts);
///     for (double p : P.row(0)) std::cout << p << ' ';
///     perche::SparseMatrix X = vectorizer.fit_transform(texts);
///     for (std::int64_t k = X.indptr()[0]; k < X.indptr()[1]; ++k)   // row 0, CSR
///       std::cout << X.indices()[k] << ':' << X.values()[k] << ' ';
///
/// Storage is row-major and contiguous: data() (dense) and indptr()/indices()/values() (CSR) can be
/// viewed by numpy, scipy.sparse.csr_matrix or Eigen::Map without a copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace perche {

namespace detail {
// The one-line errors of the matrix types (src/common/matrix.cpp).
[[noreturn]] void matrix_out_of_range(std::size_t i, std::size_t j, std::size_t rows, std::size_t cols);
[[noreturn]] void matrix_row_out_of_range(std::size_t i, std::size_t rows);
[[noreturn]] void matrix_bad_size(std::size_t rows, std::size_t cols, std::size_t values);
/// rows × cols, or std::invalid_argument when the product overflows std::size_t.
std::size_t matrix_elements(std::size_t rows, std::size_t cols);
}  // namespace detail

/// A dense rows × cols matrix of T, row-major, owning its elements (one std::vector). Element
/// (i, j) is data()[i * cols() + j]. Indexing with operator() is unchecked (like std::vector's []);
/// at() checks. A moved-from matrix is 0 × 0.
template <typename T>
class DenseMatrix {
 public:
  using value_type = T;

  /// 0 × 0.
  DenseMatrix() = default;
  /// rows × cols of T{} (0). Throws std::invalid_argument when rows × cols overflows std::size_t.
  DenseMatrix(std::size_t rows, std::size_t cols)
      : rows_(rows), cols_(cols), data_(detail::matrix_elements(rows, cols)) {}
  /// rows × cols over `values` in row-major order. Throws std::invalid_argument unless
  /// values.size() == rows × cols.
  DenseMatrix(std::size_t rows, std::size_t cols, std::vector<T> values)
      : rows_(rows), cols_(cols), data_(std::move(values)) {
    if (data_.size() != detail::matrix_elements(rows, cols)) detail::matrix_bad_size(rows, cols, data_.size());
  }
  DenseMatrix(const DenseMatrix&) = default;
  DenseMatrix& operator=(const DenseMatrix&) = default;
  DenseMatrix(DenseMatrix&& o) noexcept
      : rows_(std::exchange(o.rows_, 0)), cols_(std::exchange(o.cols_, 0)), data_(std::move(o.data_)) {
    o.data_.clear();
  }
  DenseMatrix& operator=(DenseMatrix&& o) noexcept {
    rows_ = std::exchange(o.rows_, 0);
    cols_ = std::exchange(o.cols_, 0);
    data_ = std::move(o.data_);
    o.data_.clear();
    return *this;
  }

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t size() const { return data_.size(); }  ///< rows × cols
  bool empty() const { return data_.empty(); }

  /// Element (i, j); i < rows() and j < cols() are the caller's to ensure.
  T& operator()(std::size_t i, std::size_t j) { return data_[i * cols_ + j]; }
  const T& operator()(std::size_t i, std::size_t j) const { return data_[i * cols_ + j]; }
  /// Element (i, j); throws std::out_of_range naming (i, j) and the shape when it is outside.
  T& at(std::size_t i, std::size_t j) {
    if (i >= rows_ || j >= cols_) detail::matrix_out_of_range(i, j, rows_, cols_);
    return (*this)(i, j);
  }
  const T& at(std::size_t i, std::size_t j) const {
    if (i >= rows_ || j >= cols_) detail::matrix_out_of_range(i, j, rows_, cols_);
    return (*this)(i, j);
  }

  /// Row i (cols() elements); throws std::out_of_range when i ≥ rows().
  std::span<T> row(std::size_t i) {
    if (i >= rows_) detail::matrix_row_out_of_range(i, rows_);
    return {data_.data() + i * cols_, cols_};
  }
  std::span<const T> row(std::size_t i) const {
    if (i >= rows_) detail::matrix_row_out_of_range(i, rows_);
    return {data_.data() + i * cols_, cols_};
  }

  /// The rows × cols elements, row-major.
  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  std::span<T> values() { return data_; }
  std::span<const T> values() const { return data_; }

  /// Same shape and elements.
  bool operator==(const DenseMatrix&) const = default;

 private:
  std::size_t rows_ = 0, cols_ = 0;
  std::vector<T> data_;
};

/// n × k 0/1 labels, row-major (one row per text, one column per driver).
using LabelMatrix = DenseMatrix<std::uint8_t>;
/// Dense doubles, row-major: probabilities (texts × classes or drivers), coefficients (rows × features).
using Matrix = DenseMatrix<double>;

/// A sparse rows × cols matrix of doubles in CSR (compressed sparse row) form, as
/// scipy.sparse.csr_matrix holds it: the entries of row i are indices()[k] (column) and values()[k]
/// for k in [indptr()[i], indptr()[i + 1]). Columns within a row are in increasing order in the
/// matrices perche makes; the constructor accepts any order (a column listed twice counts as the
/// sum of its entries, as in scipy). A moved-from matrix is 0 × 0.
class SparseMatrix {
 public:
  /// One row's entries.
  struct Row {
    std::span<const std::int64_t> indices;  ///< columns
    std::span<const double> values;
    std::size_t size() const { return indices.size(); }  ///< stored entries
  };

  /// 0 × 0.
  SparseMatrix() = default;
  /// rows × cols with no entry (all zero).
  SparseMatrix(std::size_t rows, std::size_t cols);
  /// rows × cols from CSR arrays (taken over, not copied). Throws std::invalid_argument naming the
  /// first bad entry unless indptr has rows + 1 entries, starts at 0, never decreases and ends at
  /// indices.size() == values.size(), and every index is in [0, cols).
  SparseMatrix(std::size_t rows, std::size_t cols, std::vector<std::int64_t> indptr, std::vector<std::int64_t> indices,
               std::vector<double> values);
  SparseMatrix(const SparseMatrix&) = default;
  SparseMatrix& operator=(const SparseMatrix&) = default;
  SparseMatrix(SparseMatrix&& o) noexcept { *this = std::move(o); }
  SparseMatrix& operator=(SparseMatrix&& o) noexcept {
    rows_ = std::exchange(o.rows_, 0);
    cols_ = std::exchange(o.cols_, 0);
    indptr_ = std::exchange(o.indptr_, {});
    indices_ = std::exchange(o.indices_, {});
    values_ = std::exchange(o.values_, {});
    return *this;
  }

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  /// Stored entries (explicit zeros included).
  std::size_t nnz() const { return values_.size(); }
  std::size_t nonZeros() const { return nnz(); }  ///< nnz() under Eigen's name

  /// rows() + 1 offsets into indices() and values().
  std::span<const std::int64_t> indptr() const {
    return indptr_.empty() ? std::span<const std::int64_t>(kNoRows, 1) : std::span<const std::int64_t>(indptr_);
  }
  std::span<const std::int64_t> indices() const { return indices_; }  ///< column of each entry
  std::span<const double> values() const { return values_; }
  /// Values can be changed in place (the structure cannot).
  std::span<double> values() { return values_; }

  /// The entries of row i; throws std::out_of_range when i ≥ rows().
  Row row(std::size_t i) const;
  /// Element (i, j): the sum of the entries stored there, 0 when none (a scan of row i). Throws
  /// std::out_of_range naming (i, j) and the shape when it is outside.
  double coeff(std::size_t i, std::size_t j) const;

  /// Same shape and the same stored entries in the same order.
  bool operator==(const SparseMatrix& o) const;

 private:
  static constexpr std::int64_t kNoRows[1] = {0};  // indptr() of a matrix with no storage
  std::size_t rows_ = 0, cols_ = 0;
  std::vector<std::int64_t> indptr_;  // empty, or rows_ + 1 offsets
  std::vector<std::int64_t> indices_;
  std::vector<double> values_;
};

}  // namespace perche
