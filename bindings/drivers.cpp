// SPDX-License-Identifier: Apache-2.0
// Python bindings of perche/drivers.hpp: result structs as read-only attribute bags (optional
// figures become None), numpy arrays in, the GIL released while the analysis runs.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <perche/drivers.hpp>

#include <span>
#include <string>
#include <vector>

#include "matrix.hpp"

namespace py = pybind11;
using namespace perche;

namespace {

template <class T>
std::span<const T> span_of(const py::array_t<T, py::array::c_style | py::array::forcecast>& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Flags = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;
using Keys = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

}  // namespace

void bind_drivers(py::module_& m) {
  py::enum_<Metric>(m, "Metric").value("nps", Metric::nps).value("csat", Metric::csat).value("ces", Metric::ces);
  py::enum_<Quadrant>(m, "Quadrant")
      .value("fix", Quadrant::fix)
      .value("monitor", Quadrant::monitor)
      .value("strength", Quadrant::strength)
      .value("minor", Quadrant::minor)
      .value("not_significant", Quadrant::not_significant);

  py::class_<DriverAnalysisOptions>(m, "DriverAnalysisOptions")
      .def(py::init<>())
      .def_readwrite("metric", &DriverAnalysisOptions::metric)
      .def_readwrite("nps", &DriverAnalysisOptions::nps)
      .def_readwrite("rating", &DriverAnalysisOptions::rating)
      .def_readwrite("confidence", &DriverAnalysisOptions::confidence)
      .def_readwrite("bootstrap_samples", &DriverAnalysisOptions::bootstrap_samples)
      .def_readwrite("seed", &DriverAnalysisOptions::seed)
      .def_readwrite("threads", &DriverAnalysisOptions::threads)
      .def_readwrite("share_threshold", &DriverAnalysisOptions::share_threshold)
      .def_readwrite("min_mentions", &DriverAnalysisOptions::min_mentions)
      .def_readwrite("firth", &DriverAnalysisOptions::firth)
      .def_readwrite("importance_bootstrap_samples", &DriverAnalysisOptions::importance_bootstrap_samples);

  py::class_<OddsRatio>(m, "OddsRatio")
      .def_readonly("odds_ratio", &OddsRatio::odds_ratio)
      .def_readonly("ci_low", &OddsRatio::ci_low)
      .def_readonly("ci_high", &OddsRatio::ci_high)
      .def_readonly("coef", &OddsRatio::coef)
      .def_readonly("se", &OddsRatio::se)
      .def_readonly("p_value", &OddsRatio::p_value);

  py::class_<DriverImpact>(m, "DriverImpact")
      .def_readonly("driver", &DriverImpact::driver)
      .def_readonly("mentions", &DriverImpact::mentions)
      .def_readonly("share", &DriverImpact::share)
      .def_readonly("score", &DriverImpact::score)
      .def_readonly("score_ci_low", &DriverImpact::score_ci_low)
      .def_readonly("score_ci_high", &DriverImpact::score_ci_high)
      .def_readonly("impact", &DriverImpact::impact)
      .def_readonly("impact_ci_low", &DriverImpact::impact_ci_low)
      .def_readonly("impact_ci_high", &DriverImpact::impact_ci_high)
      .def_readonly("impact_p_value", &DriverImpact::impact_p_value)
      .def_readonly("impact_p_holm", &DriverImpact::impact_p_holm)
      .def_readonly("impact_significant", &DriverImpact::impact_significant)
      .def_readonly("few_mentions", &DriverImpact::few_mentions)
      .def_readonly("negative", &DriverImpact::negative)
      .def_readonly("positive", &DriverImpact::positive)
      .def_readonly("importance_negative", &DriverImpact::importance_negative)
      .def_readonly("importance_positive", &DriverImpact::importance_positive)
      .def_readonly("importance_negative_ci_low", &DriverImpact::importance_negative_ci_low)
      .def_readonly("importance_negative_ci_high", &DriverImpact::importance_negative_ci_high)
      .def_readonly("importance_positive_ci_low", &DriverImpact::importance_positive_ci_low)
      .def_readonly("importance_positive_ci_high", &DriverImpact::importance_positive_ci_high)
      .def_readonly("quadrant", &DriverImpact::quadrant);

  py::class_<KeyDriverModel>(m, "KeyDriverModel")
      .def_readonly("outcome", &KeyDriverModel::outcome)
      .def_readonly("n", &KeyDriverModel::n)
      .def_readonly("events", &KeyDriverModel::events)
      .def_readonly("converged", &KeyDriverModel::converged)
      .def_readonly("iterations", &KeyDriverModel::iterations)
      .def_readonly("log_likelihood", &KeyDriverModel::log_likelihood)
      .def_readonly("null_log_likelihood", &KeyDriverModel::null_log_likelihood)
      .def_readonly("pseudo_r2", &KeyDriverModel::pseudo_r2)
      .def_readonly("intercept", &KeyDriverModel::intercept);

  py::class_<DriverAnalysis>(m, "DriverAnalysis")
      .def_readonly("drivers", &DriverAnalysis::drivers)
      .def_readonly("negative", &DriverAnalysis::negative)
      .def_readonly("positive", &DriverAnalysis::positive)
      .def_readonly("share_threshold", &DriverAnalysis::share_threshold)
      .def_readonly("n", &DriverAnalysis::n)
      .def_readonly("n_text", &DriverAnalysis::n_text)
      .def_readonly("score", &DriverAnalysis::score)
      .def_readonly("notes", &DriverAnalysis::notes);

  py::class_<DriverSegmentCell>(m, "DriverSegmentCell")
      .def_readonly("segment", &DriverSegmentCell::segment)
      .def_readonly("driver", &DriverSegmentCell::driver)
      .def_readonly("n", &DriverSegmentCell::n)
      .def_readonly("mentions", &DriverSegmentCell::mentions)
      .def_readonly("share", &DriverSegmentCell::share)
      .def_readonly("share_rest", &DriverSegmentCell::share_rest)
      .def_readonly("diff", &DriverSegmentCell::diff)
      .def_readonly("p_value", &DriverSegmentCell::p_value)
      .def_readonly("p_bh", &DriverSegmentCell::p_bh)
      .def_readonly("significant", &DriverSegmentCell::significant);

  py::class_<DriverPeriodShare>(m, "DriverPeriodShare")
      .def_readonly("period", &DriverPeriodShare::period)
      .def_readonly("n", &DriverPeriodShare::n)
      .def_readonly("mentions", &DriverPeriodShare::mentions)
      .def_readonly("share", &DriverPeriodShare::share);

  py::class_<DriverTrend>(m, "DriverTrend")
      .def_readonly("driver", &DriverTrend::driver)
      .def_readonly("periods", &DriverTrend::periods)
      .def_readonly("p_holm", &DriverTrend::p_holm)
      .def_readonly("test", &DriverTrend::test);

  m.def(
      "analyze_drivers",
      [](const Doubles& scores, const LabelMatrix& mentions, const std::vector<std::string>& drivers,
         const Flags& has_text, const Doubles& weights, const DriverAnalysisOptions& options) {
        py::gil_scoped_release release;
        return analyze_drivers(span_of(scores), mentions, drivers, span_of(has_text), span_of(weights), options);
      },
      py::arg("scores"), py::arg("mentions"), py::arg("drivers"), py::arg("has_text"), py::arg("weights"),
      py::arg("options"));
  m.def(
      "driver_segments",
      [](const LabelMatrix& mentions, const Keys& segments, const Flags& has_text, double alpha) {
        py::gil_scoped_release release;
        return driver_segments(mentions, span_of(segments), span_of(has_text), alpha);
      },
      py::arg("mentions"), py::arg("segments"), py::arg("has_text"), py::arg("alpha") = 0.05);
  m.def(
      "driver_trends",
      [](const LabelMatrix& mentions, const Keys& periods, const Flags& has_text, const TrendOptions& options) {
        py::gil_scoped_release release;
        return driver_trends(mentions, span_of(periods), span_of(has_text), options);
      },
      py::arg("mentions"), py::arg("periods"), py::arg("has_text"), py::arg("options"));
  m.def(
      "select_verbatims",
      [](const LabelMatrix& mentions, const Doubles& probabilities, const Keys& segments, std::size_t per_driver) {
        py::gil_scoped_release release;
        return select_verbatims(mentions, span_of(probabilities), span_of(segments), per_driver);
      },
      py::arg("mentions"), py::arg("probabilities"), py::arg("segments"), py::arg("per_driver") = 3);
}
