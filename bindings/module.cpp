// SPDX-License-Identifier: Apache-2.0
// The extension module perche._core: one bind_* function per public header.
#include <pybind11/pybind11.h>

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
}
