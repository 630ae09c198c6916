// SPDX-License-Identifier: Apache-2.0
// Eigen views of the public matrix types (perche/matrix.hpp), for the library's sources only: the
// public headers carry no Eigen, and a Map over the owned storage costs no copy.
#pragma once

#include <perche/matrix.hpp>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <cstdint>

namespace perche::detail {

using EigenCsr = Eigen::SparseMatrix<double, Eigen::RowMajor, std::int64_t>;
using EigenRowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

inline Eigen::Map<const EigenCsr> eigen_view(const SparseMatrix& X) {
  return {static_cast<Eigen::Index>(X.rows()),
          static_cast<Eigen::Index>(X.cols()),
          static_cast<Eigen::Index>(X.nnz()),
          X.indptr().data(),
          X.indices().data(),
          X.values().data()};
}

inline Eigen::Map<const EigenRowMajor> eigen_view(const Matrix& M) {
  return {M.data(), static_cast<Eigen::Index>(M.rows()), static_cast<Eigen::Index>(M.cols())};
}

inline Eigen::Map<EigenRowMajor> eigen_view(Matrix& M) {
  return {M.data(), static_cast<Eigen::Index>(M.rows()), static_cast<Eigen::Index>(M.cols())};
}

}  // namespace perche::detail
