// SPDX-License-Identifier: Apache-2.0
// The public matrix types (perche/matrix.hpp): shapes, storage order, bounds, CSR validation, and
// the CSR that fit_transform returns read back through its arrays. Expected layouts follow
// scipy.sparse.csr_matrix's documented definition (indptr, indices, data).
#include <doctest/doctest.h>

#include <perche/classify.hpp>
#include <perche/matrix.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#ifdef EIGEN_WORLD_VERSION
#error "a public perche header included Eigen"
#endif

using perche::LabelMatrix;
using perche::Matrix;
using perche::SparseMatrix;
using I64 = std::vector<std::int64_t>;
using F64 = std::vector<double>;

TEST_CASE("matrix: a new LabelMatrix is zero, row-major, and written through operator() and row()") {
  LabelMatrix Y(3, 2);
  CHECK(Y.rows() == 3);
  CHECK(Y.cols() == 2);
  CHECK(Y.size() == 6);
  for (std::size_t k = 0; k < Y.size(); ++k) CHECK(Y.data()[k] == 0);
  Y(1, 0) = 1;
  Y.row(2)[1] = 1;
  // Row-major: (i, j) is element i·cols + j.
  CHECK(std::vector<std::uint8_t>(Y.data(), Y.data() + Y.size()) == std::vector<std::uint8_t>{0, 0, 1, 0, 0, 1});
  CHECK(Y.at(2, 1) == 1);
  CHECK(Y == LabelMatrix(3, 2, {0, 0, 1, 0, 0, 1}));
  CHECK(Y != LabelMatrix(2, 3, {0, 0, 1, 0, 0, 1}));  // same elements, another shape

  const Matrix P(2, 3, {0.1, 0.2, 0.7, 0.5, 0.25, 0.25});
  CHECK(P(1, 0) == 0.5);
  CHECK(P.row(0)[2] == 0.7);
  CHECK(P.row(1).size() == 3);
  CHECK(Matrix().empty());
  CHECK(Matrix(4, 0).rows() == 4);
}

TEST_CASE("matrix: at() and row() name what is outside; a wrong number of values is named") {
  LabelMatrix Y(3, 2);
  CHECK_THROWS_WITH_AS(Y.at(3, 0), "matrix: element (3, 0) is outside 3 × 2", std::out_of_range);
  CHECK_THROWS_WITH_AS(Y.at(0, 2), "matrix: element (0, 2) is outside 3 × 2", std::out_of_range);
  CHECK_THROWS_WITH_AS(Y.row(5), "matrix: row 5 is outside 3 rows", std::out_of_range);
  CHECK_THROWS_WITH_AS(Matrix(2, 3, F64(5, 0.0)), "matrix: 5 values for 2 × 3 (expected 6)", std::invalid_argument);
  const std::size_t huge = std::numeric_limits<std::size_t>::max() / 2;
  CHECK_THROWS_WITH_AS(LabelMatrix(huge, 3), doctest::Contains("elements overflow std::size_t"), std::invalid_argument);
}

TEST_CASE("matrix: a moved-from matrix is 0 × 0 and the moved-to one keeps the storage") {
  Matrix a(2, 2, {1, 2, 3, 4});
  const double* storage = a.data();
  Matrix b = std::move(a);
  CHECK(b.data() == storage);  // no copy: what numpy views in the bindings
  CHECK(a.rows() == 0);        // NOLINT(bugprone-use-after-move): the documented state
  CHECK(a.cols() == 0);
  CHECK(a.size() == 0);
  SparseMatrix x(2, 2, {0, 1, 2}, {0, 1}, {5.0, 6.0});
  SparseMatrix y = std::move(x);
  CHECK(x.rows() == 0);  // NOLINT(bugprone-use-after-move)
  CHECK(x.indptr().size() == 1);
  CHECK(y.coeff(1, 1) == 6.0);
}

TEST_CASE("sparse matrix: CSR arrays in scipy's layout read back by row and coefficient") {
  // [[1, 0, 2], [0, 0, 0], [0, 3, 0]] with row 0's columns unsorted and row 2's entry twice
  // (scipy sums duplicates): indptr [0, 2, 2, 4].
  const SparseMatrix X(3, 3, {0, 2, 2, 4}, {2, 0, 1, 1}, {2.0, 1.0, 1.0, 2.0});
  CHECK(X.rows() == 3);
  CHECK(X.cols() == 3);
  CHECK(X.nnz() == 4);
  CHECK(X.nonZeros() == 4);
  CHECK(X.coeff(0, 0) == 1.0);
  CHECK(X.coeff(0, 2) == 2.0);
  CHECK(X.coeff(1, 1) == 0.0);
  CHECK(X.coeff(2, 1) == 3.0);
  CHECK(X.row(1).size() == 0);
  CHECK(X.row(0).indices[0] == 2);
  CHECK(X.row(2).values.size() == 2);
  CHECK_THROWS_WITH_AS(X.coeff(0, 3), "matrix: element (0, 3) is outside 3 × 3", std::out_of_range);
  CHECK_THROWS_WITH_AS(X.row(3), "matrix: row 3 is outside 3 rows", std::out_of_range);

  const SparseMatrix empty(4, 7);  // no entry: indptr is rows + 1 zeros
  CHECK(empty.indptr().size() == 5);
  CHECK(empty.nnz() == 0);
  CHECK(empty.coeff(3, 6) == 0.0);
  CHECK(SparseMatrix().indptr().size() == 1);
}

TEST_CASE("sparse matrix: each broken CSR array is named") {
  struct Case {
    const char* name;
    I64 indptr, indices;
    F64 values;
    const char* message;
  };
  // A 3 × 4 matrix with 3 entries when well formed: indptr [0, 1, 1, 3], indices [0, 1, 3].
  const std::vector<Case> cases = {
      {"indptr too short",
       {0, 1, 3},
       {0, 1, 3},
       {1, 1, 1},
       "SparseMatrix: indptr has 3 entries, expected rows + 1 = 4"},
      {"indptr not from 0", {1, 1, 1, 3}, {0, 1, 3}, {1, 1, 1}, "SparseMatrix: indptr[0] is 1, expected 0"},
      {"indptr decreasing",
       {0, 2, 1, 3},
       {0, 1, 3},
       {1, 1, 1},
       "SparseMatrix: indptr[2] = 1 is below indptr[1] = 2 (row 1)"},
      {"indptr past the entries",
       {0, 1, 1, 4},
       {0, 1, 3},
       {1, 1, 1},
       "SparseMatrix: indptr[3] = 4, expected the 3 entries of indices"},
      {"values and indices differ",
       {0, 1, 1, 3},
       {0, 1, 3},
       {1, 1},
       "SparseMatrix: indices has 3 entries but values has 2"},
      {"column past the end",
       {0, 1, 1, 3},
       {0, 1, 4},
       {1, 1, 1},
       "SparseMatrix: indices[2] = 4 (row 2) is outside [0, 4)"},
      {"negative column",
       {0, 1, 1, 3},
       {-1, 1, 3},
       {1, 1, 1},
       "SparseMatrix: indices[0] = -1 (row 0) is outside [0, 4)"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK_THROWS_WITH_AS(SparseMatrix(3, 4, c.indptr, c.indices, c.values), c.message, std::invalid_argument);
  }
  CHECK_NOTHROW(SparseMatrix(3, 4, {0, 1, 1, 3}, {0, 1, 3}, {1, 1, 1}));
}

TEST_CASE("sparse matrix: the CSR of fit_transform rebuilds from its arrays, sorted by column, matching coeff") {
  // Three documents over "a", "b", "c" (columns in that order). Smooth idf with n = 3:
  // df(a) = 3 → 1, df(b) = 2 → ln(4/3) + 1, df(c) = 1 → ln 2 + 1; rows l2-normalized.
  perche::TfidfVectorizer v;
  const SparseMatrix X =
      v.fit_transform(std::vector<std::vector<std::string>>{{"c", "a"}, {"b", "a"}, {"a", "b", "b"}});
  REQUIRE(v.features() == std::vector<std::string>{"a", "b", "c"});
  CHECK(X.rows() == 3);
  CHECK(X.cols() == 3);
  CHECK(I64(X.indptr().begin(), X.indptr().end()) == I64{0, 2, 4, 6});
  CHECK(I64(X.indices().begin(), X.indices().end()) == I64{0, 2, 0, 1, 0, 1});
  const double idf_b = std::log(4.0 / 3.0) + 1, idf_c = std::log(2.0) + 1;
  CHECK(X.coeff(0, 2) == doctest::Approx(idf_c / std::sqrt(1 + idf_c * idf_c)).epsilon(1e-12));
  CHECK(X.coeff(2, 1) == doctest::Approx(2 * idf_b / std::sqrt(1 + 4 * idf_b * idf_b)).epsilon(1e-12));
  CHECK(X.coeff(0, 1) == 0.0);

  const SparseMatrix copy(X.rows(), X.cols(), I64(X.indptr().begin(), X.indptr().end()),
                          I64(X.indices().begin(), X.indices().end()), F64(X.values().begin(), X.values().end()));
  CHECK(copy == X);
  // Transforming the same documents gives the same matrix.
  CHECK(v.transform(std::vector<std::vector<std::string>>{{"c", "a"}, {"b", "a"}, {"a", "b", "b"}}) == X);
}
