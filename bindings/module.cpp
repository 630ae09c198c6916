// SPDX-License-Identifier: Apache-2.0
// The extension module perche._core: one bind_* function per public header.
#include <pybind11/pybind11.h>

#include <exception>
#include <stdexcept>
#include <string_view>
#include <typeinfo>

namespace py = pybind11;

void bind_metrics(py::module_& m);
void bind_text(py::module_& m);
void bind_classify(py::module_& m);
void bind_drivers(py::module_& m);
void bind_csv(py::module_& m);
void bind_codebook(py::module_& m);
void bind_survey(py::module_& m);
void bind_sentiment(py::module_& m);
void bind_privacy(py::module_& m);
void bind_labelling(py::module_& m);
void bind_discover(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "perche C++ core (use the perche package, which re-exports it)";
  bind_metrics(m);
  bind_text(m);
  bind_classify(m);
  bind_drivers(m);
  bind_csv(m);
  bind_codebook(m);
  bind_sentiment(m);  // before survey: SurveyOptions.set_sentiment_model takes a SentimentClassifier
  bind_survey(m);
  bind_privacy(m);
  bind_labelling(m);
  bind_discover(m);
  // A model used before fit (the core's std::logic_error "... before fit") is perche's
  // NotFittedError (a RuntimeError, ValueError and AttributeError; scikit-learn's too when it is
  // imported), the error every estimator of the package raises then, from Python or from the core.
  // Other logic errors, and the logic_error subclasses (std::invalid_argument: ValueError), keep
  // pybind11's translation.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const std::logic_error& e) {
      if (typeid(e) != typeid(std::logic_error) ||
          std::string_view(e.what()).find(" before fit") == std::string_view::npos)
        throw;
      const py::object error = py::module_::import("perche._estimator").attr("not_fitted")(e.what());
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
    }
  });
}
