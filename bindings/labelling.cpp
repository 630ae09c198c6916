// SPDX-License-Identifier: Apache-2.0
// Python bindings of perche/labelling.hpp: the comments to label next, and cross-validation.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <perche/labelling.hpp>

#include <string>
#include <vector>

#include "common.hpp"
#include "guard.hpp"
#include "matrix.hpp"

namespace py = pybind11;
using namespace perche;

void bind_labelling(py::module_& m) {
  m.attr("MIN_DRIVER_EXAMPLES") = kMinDriverExamples;
  m.def(
      "select_for_labelling",
      [](const py::iterable& texts, std::size_t n, const DriverClassifier* model) {
        const perche_py::Utf8Texts owned(texts, "select_for_labelling: texts");
        const auto& v = owned.views();
        // Under the model's shared lock (guard.hpp), which read() takes with the GIL released.
        const std::vector<LabellingPick> picks =
            model ? perche_py::read(model, [&] { return select_for_labelling(v, n, model); })
                  : perche_py::read(&owned, [&] { return select_for_labelling(v, n, nullptr); });
        py::list out;
        for (const auto& p : picks) {
          py::object u = p.uncertainty ? py::object(py::float_(*p.uncertainty)) : py::object(py::none());
          out.append(py::make_tuple(p.index, u, p.suggested));
        }
        return out;
      },
      py::arg("texts"), py::arg("n"), py::arg("model") = nullptr,
      "[(index, uncertainty or None, suggested drivers)] of at most n comments to label, most useful first.");
  m.def(
      "cross_validate",
      [](const py::iterable& texts, const LabelMatrix& Y, const std::vector<std::string>& drivers,
         const DriverOptions& options, int folds) {
        const perche_py::Utf8Texts owned(texts, "cross_validate: texts");
        const auto& v = owned.views();
        Evaluation e;
        {
          py::gil_scoped_release release;
          e = cross_validate(v, Y, drivers, options, folds);
        }
        return perche_py::evaluation_dict(e);
      },
      py::arg("texts"), py::arg("Y"), py::arg("drivers"), py::arg("options"), py::arg("folds") = 5);
}
