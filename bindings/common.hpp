// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the binding files: Python text in, offsets out.
#pragma once

#include <pybind11/pybind11.h>

#include <cstddef>
#include <string>
#include <vector>

namespace perche_py {

namespace py = pybind11;

// UTF-8 bytes of a str (lone surrogates pass through as invalid UTF-8, which the tokenizer's
// policy then handles) or of a bytes object as it is. code_points tells how offsets are counted.
inline std::string utf8_of(const py::handle& obj, bool& code_points) {
  if (py::isinstance<py::bytes>(obj)) {
    code_points = false;
    return std::string(obj.cast<py::bytes>());
  }
  if (!py::isinstance<py::str>(obj))
    throw py::type_error("expected str or bytes, got " + std::string(py::str(obj.get_type().attr("__name__"))));
  code_points = true;
  Py_ssize_t n = 0;
  if (const char* s = PyUnicode_AsUTF8AndSize(obj.ptr(), &n)) return std::string(s, static_cast<std::size_t>(n));
  PyErr_Clear();
  py::object b = py::reinterpret_steal<py::object>(PyUnicode_AsEncodedString(obj.ptr(), "utf-8", "surrogatepass"));
  if (!b) throw py::error_already_set();
  return std::string(b.cast<py::bytes>());
}

// Byte offsets of a UTF-8 text → code-point offsets, for offsets that come in increasing order.
class CodePoints {
 public:
  explicit CodePoints(const std::string& text) : text_(text) {}
  std::size_t operator()(std::size_t byte) {
    if (byte < byte_) byte_ = cp_ = 0;  // not increasing: start over
    for (; byte_ < byte && byte_ < text_.size(); ++byte_) cp_ += (static_cast<unsigned char>(text_[byte_]) & 0xC0) != 0x80;
    return cp_;
  }

 private:
  const std::string& text_;
  std::size_t byte_ = 0, cp_ = 0;
};

// A list of str/bytes as UTF-8 strings; `what` names the argument in the error for another type.
inline std::vector<std::string> utf8_list(const py::iterable& texts, const char* what) {
  std::vector<std::string> out;
  std::size_t i = 0;
  for (const auto& t : texts) {
    if (!py::isinstance<py::str>(t) && !py::isinstance<py::bytes>(t))
      throw py::type_error(std::string(what) + ": element " + std::to_string(i) + " is " +
                           std::string(py::str(t.get_type().attr("__name__"))) + ", expected str");
    bool cp = true;
    out.push_back(utf8_of(t, cp));
    ++i;
  }
  return out;
}

}  // namespace perche_py
