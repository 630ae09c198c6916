// SPDX-License-Identifier: Apache-2.0
// numpy and scipy.sparse for the matrix types of perche/matrix.hpp. Results leave C++ without a
// copy: the matrix moves to the heap and a capsule that owns it becomes the base of the numpy
// arrays viewing it. Arguments are copied in (as pybind11's Eigen casters did), so that the GIL
// can be released while C++ reads them. Include this header in every binding file that passes a
// matrix, so that all of them see the same casters.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <perche/matrix.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

namespace perche_py {

namespace py = pybind11;

// A capsule that owns `value`, moved to the heap: the base of arrays that view it.
template <typename T>
std::pair<T*, py::capsule> owned(T&& value) {
  auto held = std::make_unique<T>(std::move(value));
  T* p = held.get();
  py::capsule owner(p, [](void* q) { delete static_cast<T*>(q); });
  held.release();  // the capsule owns it now
  return {p, std::move(owner)};
}

// A 1-D numpy array viewing `v` (no copy).
template <typename T>
py::array_t<T> numpy_of(std::vector<T>&& v) {
  if (v.empty()) return py::array_t<T>(0);
  auto [p, owner] = owned(std::move(v));
  return py::array_t<T>(static_cast<py::ssize_t>(p->size()), p->data(), owner);
}

// X as a scipy.sparse.csr_matrix without copying its values: the data array views X, moved to
// the heap and kept alive by a capsule. indices and indptr are converted to int32 when they fit,
// the type scipy gives them anyway (scipy would otherwise scan the int64 indices and copy them to
// int32 itself).
inline py::object csr_of(perche::SparseMatrix&& matrix) {
  auto [X, owner] = owned(std::move(matrix));
  const auto nnz = static_cast<py::ssize_t>(X->nnz());
  const auto rows = static_cast<py::ssize_t>(X->rows());
  const auto cols = static_cast<py::ssize_t>(X->cols());
  const py::array_t<double> data = nnz ? py::array_t<double>(nnz, X->values().data(), owner) : py::array_t<double>(0);
  py::object indices, indptr;
  if (std::max<py::ssize_t>(nnz, cols) <= std::numeric_limits<std::int32_t>::max()) {
    py::array_t<std::int32_t> ind(nnz), ptr(rows + 1);
    std::copy(X->indices().begin(), X->indices().end(), ind.mutable_data());
    std::copy(X->indptr().begin(), X->indptr().end(), ptr.mutable_data());
    indices = std::move(ind);
    indptr = std::move(ptr);
  } else {
    indices = py::array_t<std::int64_t>(nnz, X->indices().data(), owner);
    indptr = py::array_t<std::int64_t>(rows + 1, X->indptr().data(), owner);
  }
  return py::module_::import("scipy.sparse")
      .attr("csr_matrix")(py::make_tuple(data, indices, indptr), py::arg("shape") = py::make_tuple(rows, cols),
                          py::arg("copy") = false);
}

}  // namespace perche_py

namespace pybind11::detail {

// The names these casters give in signatures, and so in the generated perche/_core.pyi: what an
// argument accepts and what a result is (pybind11 3's io_name; before it, one name for both).
#if PYBIND11_VERSION_MAJOR >= 3
#define PERCHE_PY_IO_NAME(in, out) io_name(in, out)
#else
#define PERCHE_PY_IO_NAME(in, out) const_name(out)
#endif

// perche::DenseMatrix<T> (LabelMatrix, Matrix) ⇄ a 2-D numpy array of T, C order. In: any array
// or nested sequence numpy converts to T (a 1-D one is a single column, as with Eigen's caster);
// out: an array viewing the returned matrix.
template <typename T>
struct type_caster<perche::DenseMatrix<T>> {
  using Matrix = perche::DenseMatrix<T>;
  PYBIND11_TYPE_CASTER(Matrix, PERCHE_PY_IO_NAME("typing.Annotated[numpy.typing.ArrayLike, ", "numpy.typing.NDArray[") +
                                   npy_format_descriptor<T>::name + const_name("]"));

  bool load(handle src, bool convert) {
    if (!convert && !array_t<T>::check_(src)) return false;
    const auto a = array_t<T, array::c_style | array::forcecast>::ensure(src);
    if (!a || a.ndim() < 1 || a.ndim() > 2) return false;
    const auto rows = static_cast<std::size_t>(a.shape(0));
    const auto cols = a.ndim() == 2 ? static_cast<std::size_t>(a.shape(1)) : std::size_t{1};
    value = Matrix(rows, cols, std::vector<T>(a.data(), a.data() + a.size()));
    return true;
  }

  static handle cast(Matrix&& m, return_value_policy, handle) {
    const auto rows = static_cast<ssize_t>(m.rows()), cols = static_cast<ssize_t>(m.cols());
    if (m.empty()) return array_t<T>({rows, cols}).release();
    auto [p, owner] = perche_py::owned(std::move(m));
    return array_t<T>({rows, cols}, p->data(), owner).release();
  }
  static handle cast(const Matrix& m, return_value_policy policy, handle parent) {
    return cast(Matrix(m), policy, parent);
  }
};

// perche::SparseMatrix ⇄ scipy.sparse.csr_matrix. In: a csr_matrix, or anything csr_matrix()
// accepts (another sparse format, a dense array), whose arrays are copied and checked (a
// malformed one is a ValueError naming the bad index); out: csr_of.
template <>
struct type_caster<perche::SparseMatrix> {
  PYBIND11_TYPE_CASTER(perche::SparseMatrix,
                       PERCHE_PY_IO_NAME("scipy.sparse.spmatrix | scipy.sparse.sparray | numpy.typing.ArrayLike",
                                         "scipy.sparse.csr_matrix[numpy.float64]"));

  bool load(handle src, bool) {
    object obj = reinterpret_borrow<object>(src);
    const object csr = module_::import("scipy.sparse").attr("csr_matrix");
    if (!type::handle_of(obj).is(csr)) {
      try {
        obj = csr(obj);
      } catch (const error_already_set&) {
        return false;
      }
    }
    constexpr int kFlags = array::c_style | array::forcecast;
    const auto data = array_t<double, kFlags>::ensure(obj.attr("data"));
    const auto indices = array_t<std::int64_t, kFlags>::ensure(obj.attr("indices"));
    const auto indptr = array_t<std::int64_t, kFlags>::ensure(obj.attr("indptr"));
    if (!data || !indices || !indptr) return false;
    const auto shape = obj.attr("shape").cast<std::pair<std::size_t, std::size_t>>();
    // scipy lets indices and data run past indptr[-1] (the entries are those before it).
    // Otherwise the sizes go as they are, for the constructor to name the inconsistency.
    auto n_indices = static_cast<std::size_t>(indices.size()), n_values = static_cast<std::size_t>(data.size());
    if (const auto last = indptr.size() ? indptr.data()[indptr.size() - 1] : 0;
        last >= 0 && static_cast<std::size_t>(last) <= n_indices && n_values == n_indices)
      n_indices = n_values = static_cast<std::size_t>(last);
    value = perche::SparseMatrix(shape.first, shape.second,
                                 std::vector<std::int64_t>(indptr.data(), indptr.data() + indptr.size()),
                                 std::vector<std::int64_t>(indices.data(), indices.data() + n_indices),
                                 std::vector<double>(data.data(), data.data() + n_values));
    return true;
  }

  static handle cast(perche::SparseMatrix&& m, return_value_policy, handle) {
    return perche_py::csr_of(std::move(m)).release();
  }
  static handle cast(const perche::SparseMatrix& m, return_value_policy policy, handle parent) {
    return cast(perche::SparseMatrix(m), policy, parent);
  }
};

}  // namespace pybind11::detail

#undef PERCHE_PY_IO_NAME
