// SPDX-License-Identifier: Apache-2.0
// Python bindings of perche/csv.hpp: read_csv(path or bytes) → CsvTable; columns come out as lists
// of str on request (column(name or position)), so a wide file costs only the columns used; equal
// cells of a column share one str. Also
// _read_file, the library's bounded file reader (src/io/file.hpp), for files Python parses itself.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <perche/csv.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <algorithm>
#include <cstring>
#include <vector>

#include "../src/io/file.hpp"  // read_file (private)

namespace py = pybind11;
using namespace perche;

namespace {

/// Cells read before a column's table of seen values is kept or dropped.
constexpr std::size_t kProbeCells = 4096;
/// How many rows ahead a column's cells are prefetched.
constexpr std::size_t kPrefetchRows = 16;

/// The str of each distinct cell seen in a column: open addressing with linear probing over a
/// power-of-two table kept at most half full. Most repeated cells are short (dates, channels,
/// scores): a cell of at most 16 bytes is known exactly by its size and two words loaded from its
/// ends, so it is hashed and compared without a call to memcpy or memcmp (which were most of the
/// time); a longer one is hashed with std::hash and compared byte by byte. Borrowed references:
/// the column's list holds them.
class SeenCells {
 public:
  /// The slot of `v`'s str: nullptr the first time, where the caller then stores the str it made.
  PyObject*& find(std::string_view v) {
    if (2 * (used_ + 1) > slots_.size()) grow();
    const Key k = key(v);
    for (std::size_t i = k.hash & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& slot = slots_[i];
      if (!slot.str) {
        slot.key = k;
        slot.cell = v;
        ++used_;
        return slot.str;
      }
      if (slot.key.hash == k.hash && slot.key.a == k.a && slot.key.b == k.b && slot.cell.size() == v.size() &&
          (v.size() <= 16 || slot.cell == v))
        return slot.str;
    }
  }

 private:
  struct Key {
    std::uint64_t a = 0, b = 0, hash = 0;
  };
  struct Slot {
    Key key;
    std::string_view cell;
    PyObject* str = nullptr;
  };

  template <typename T>
  static std::uint64_t load(const char* p) {
    T x;
    std::memcpy(&x, p, sizeof x);  // a fixed size: one load, no call
    return x;
  }

  static Key key(std::string_view v) {
    const char* p = v.data();
    const std::size_t n = v.size();
    Key k;
    if (n > 16) {
      k.hash = std::hash<std::string_view>{}(v);
      return k;
    }
    if (n >= 8) {
      k.a = load<std::uint64_t>(p);
      k.b = load<std::uint64_t>(p + n - 8);
    } else if (n >= 4) {
      k.a = load<std::uint32_t>(p);
      k.b = load<std::uint32_t>(p + n - 4);
    } else if (n > 0) {
      k.a = static_cast<unsigned char>(p[0]) | static_cast<unsigned>(static_cast<unsigned char>(p[n / 2])) << 8 |
            static_cast<unsigned>(static_cast<unsigned char>(p[n - 1])) << 16;
    }
    const std::uint64_t h = (k.a * 0x9E3779B97F4A7C15u) ^ (k.b * 0xC2B2AE3D27D4EB4Fu) ^ n;
    k.hash = h ^ (h >> 29);
    return k;
  }

  void grow() {
    std::vector<Slot> old(std::max<std::size_t>(2 * slots_.size(), 2 * kProbeCells));
    old.swap(slots_);
    for (const Slot& slot : old) {
      if (!slot.str) continue;
      std::size_t i = slot.key.hash & (slots_.size() - 1);
      while (slots_[i].str) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = slot;
    }
  }

  std::vector<Slot> slots_;
  std::size_t used_ = 0;
};

/// A column as a list of str. Equal cells share one str object, as pandas.read_csv does: a
/// survey's dates, channels, scores and labels repeat, and making each value once is a fraction of
/// the time and memory of making a million. A column mostly distinct in its first kProbeCells cells
/// (ids, free text) stops looking and makes the rest one by one.
py::list column_list(const CsvTable& t, std::size_t c) {
  const std::size_t n = t.rows();
  auto out = py::reinterpret_steal<py::list>(PyList_New(static_cast<py::ssize_t>(n)));
  if (!out) throw py::error_already_set();
  const auto make = [](std::string_view v) {
    PyObject* s = PyUnicode_DecodeUTF8(v.data(), static_cast<py::ssize_t>(v.size()), "replace");
    if (!s) throw py::error_already_set();  // the list's unset items are NULL, which it frees safely
    return s;
  };
  SeenCells seen;
  std::size_t distinct = 0;
  bool share = true;
  for (std::size_t r = 0; r < n; ++r) {
    const auto v = t.cell(r, c);
#if defined(__GNUC__)
    // A column's cells are a row apart in the text: each is a cache miss unless asked for early.
    if (r + kPrefetchRows < n) __builtin_prefetch(t.cell(r + kPrefetchRows, c).data());
#endif
    PyObject* s;
    if (!share) {
      s = make(v);
    } else if (PyObject*& known = seen.find(v); !known) {
      s = known = make(v);
      ++distinct;
    } else {
      s = known;
      Py_INCREF(s);
    }
    PyList_SET_ITEM(out.ptr(), static_cast<py::ssize_t>(r), s);
    if (r + 1 == kProbeCells && distinct > kProbeCells / 2) {
      share = false;
      seen = {};
    }
  }
  return out;
}

}  // namespace

void bind_csv(py::module_& m) {
  py::register_exception<IoError>(m, "IoError", PyExc_OSError);

  py::class_<CsvTable>(m, "CsvTable")
      .def_property_readonly("header", &CsvTable::header)
      .def_property_readonly("delimiter", [](const CsvTable& t) { return std::string(1, t.delimiter()); })
      .def_property_readonly("encoding", &CsvTable::encoding)
      .def_property_readonly("replaced", &CsvTable::replaced)
      .def("__len__", &CsvTable::rows)
      .def_property_readonly("columns", &CsvTable::columns)
      .def(
          "column",
          [](const CsvTable& t, const std::string& name) {
            const auto c = t.column(name);
            if (!c) {
              std::string cols;
              for (const auto& h : t.header()) cols += (cols.empty() ? "" : ", ") + h;
              throw py::key_error("column '" + name + "' not found; columns are: " + cols);
            }
            return column_list(t, *c);
          },
          py::arg("name"))
      .def(
          "column",
          [](const CsvTable& t, std::size_t position) {
            if (position >= t.columns())
              throw py::index_error("column position " + std::to_string(position) + " is outside the " +
                                    std::to_string(t.columns()) + " columns");
            return column_list(t, position);
          },
          py::arg("position"))
      .def(
          "index", [](const CsvTable& t, const std::string& name) { return t.column(name); }, py::arg("name"))
      .def_property_readonly("lines",
                             [](const CsvTable& t) {
                               py::array_t<std::int64_t> a(static_cast<py::ssize_t>(t.rows()));
                               auto* p = a.mutable_data();
                               for (std::size_t r = 0; r < t.rows(); ++r) p[r] = static_cast<std::int64_t>(t.line(r));
                               return a;
                             })
      .def_property_readonly("problems",
                             [](const CsvTable& t) {
                               py::list out;
                               for (const auto& p : t.problems()) out.append(py::make_tuple(p.line, p.message));
                               return out;
                             })
      .def_property_readonly("records_skipped", [](const CsvTable& t) {
        return std::ranges::count_if(t.problems(), [](const CsvProblem& p) { return p.record_skipped; });
      });

  m.attr("MAX_CSV_BYTES") = kMaxCsvBytes;
  m.def(
      "read_csv_file",
      [](const std::string& path, char delimiter, const std::string& encoding, std::uint64_t max_bytes) {
        py::gil_scoped_release release;
        return read_csv_file(path, CsvOptions{delimiter, encoding, max_bytes});
      },
      py::arg("path"), py::arg("delimiter") = '\0', py::arg("encoding") = "", py::arg("max_bytes") = kMaxCsvBytes);
  m.def(
      "read_csv_bytes",
      [](const py::bytes& data, char delimiter, const std::string& encoding) {
        const std::string_view v = data;
        py::gil_scoped_release release;
        return read_csv(v, CsvOptions{delimiter, encoding});
      },
      py::arg("data"), py::arg("delimiter") = '\0', py::arg("encoding") = "");
  m.def(
      "_read_file",
      [](const std::string& path, const std::string& what, std::uint64_t max_bytes) {
        std::string bytes;
        {
          py::gil_scoped_release release;
          bytes = detail::read_file(path, what, max_bytes);
        }
        return py::bytes(bytes);
      },
      py::arg("path"), py::arg("what"), py::arg("max_bytes"));
}
