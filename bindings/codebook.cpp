// SPDX-License-Identifier: Apache-2.0
// Python bindings of perche/codebook.hpp. Offsets of matches are code points of the str given.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <perche/codebook.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "common.hpp"
#include "matrix.hpp"

namespace py = pybind11;
using namespace perche;

void bind_codebook(py::module_& m) {
  py::class_<Codebook>(m, "Codebook")
      .def(py::init([](const perche_py::Text& text) {
             bool code_points = true;  // a codebook's text gets the policy of every text (see matches)
             std::string storage;
             return Codebook::parse(
                 perche_py::utf8_text(text, code_points, storage, perche::text::Utf8Policy::replace, "Codebook"));
           }),
           py::arg("text"))
      .def_static("load", &Codebook::load, py::arg("path"), py::arg("max_bytes") = Codebook::kMaxCodebookBytes,
                  py::call_guard<py::gil_scoped_release>())
      .def_readonly_static("MAX_CODEBOOK_BYTES", &Codebook::kMaxCodebookBytes)
      .def_property_readonly("drivers", &Codebook::drivers)
      .def_property_readonly("labels", &Codebook::labels)
      .def(
          "matches",
          [](const Codebook& c, const perche_py::Text& text) {
            // Not a std::string argument: pybind11's caster cannot encode a str holding a lone
            // surrogate and answered TypeError; the text gets the UTF-8 policy of every other
            // entry point (U+FFFD, one code point, so offsets stay right).
            bool code_points = true;
            std::string storage;
            const std::string_view s =
                perche_py::utf8_text(text, code_points, storage, perche::text::Utf8Policy::replace, "Codebook.matches");
            std::vector<CodebookMatch> ms;
            {
              py::gil_scoped_release release;
              ms = c.matches(s);
            }
            perche_py::CodePoints cp(s);
            py::list out;
            for (const auto& mt : ms) {
              const std::size_t a = cp(mt.start), b = cp(mt.end);
              out.append(py::make_tuple(c.drivers()[mt.driver], a, b, mt.pattern));
            }
            return out;
          },
          py::arg("text"))
      .def(
          "predict",
          [](const Codebook& c, const perche_py::Texts& texts, int threads) {
            const perche_py::Utf8Texts owned(texts, "Codebook.predict: texts");
            const auto& v = owned.views();
            py::gil_scoped_release release;
            return c.predict(v, threads);
          },
          py::arg("texts"), py::arg("threads") = 0);
}
