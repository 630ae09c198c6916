// SPDX-License-Identifier: Apache-2.0
// Python bindings of perche/csv.hpp: read_csv(path or bytes) → CsvTable; columns come out as lists
// of str on request (column(name or position)), so a wide file costs only the columns used. Also
// _read_file, the library's bounded file reader (src/io/file.hpp), for files Python parses itself.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <perche/csv.hpp>

#include <cstdint>
#include <string>

#include "../src/io/file.hpp"  // read_file (private)

namespace py = pybind11;
using namespace perche;

namespace {

py::list column_list(const CsvTable& t, std::size_t c) {
  py::list out(t.rows());
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const auto v = t.cell(r, c);
    out[r] = py::reinterpret_steal<py::object>(PyUnicode_DecodeUTF8(v.data(), static_cast<py::ssize_t>(v.size()), "replace"));
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
      .def("index", [](const CsvTable& t, const std::string& name) { return t.column(name); }, py::arg("name"))
      .def_property_readonly("lines",
                             [](const CsvTable& t) {
                               py::array_t<std::int64_t> a(static_cast<py::ssize_t>(t.rows()));
                               auto* p = a.mutable_data();
                               for (std::size_t r = 0; r < t.rows(); ++r) p[r] = static_cast<std::int64_t>(t.line(r));
                               return a;
                             })
      .def_property_readonly("problems", [](const CsvTable& t) {
        py::list out;
        for (const auto& p : t.problems()) out.append(py::make_tuple(p.line, p.message));
        return out;
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
