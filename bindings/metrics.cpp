// SPDX-License-Identifier: Apache-2.0
// Python bindings of perche/metrics.hpp. Thin: the C++ names as they are; string options, label
// coding and date handling live in python/perche/metrics.py.
#include <pybind11/numpy.h>
#include <pybind11/operators.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <perche/metrics.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "common.hpp"

namespace py = pybind11;
using namespace perche;

namespace {

using Weights = std::optional<py::array_t<double, py::array::c_style | py::array::forcecast>>;
using Keys = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::span<const double> span_of(const Weights& w) {
  if (!w) return {};
  if (w->ndim() != 1)
    throw std::invalid_argument("weights must be one-dimensional, got " + std::to_string(w->ndim()) + " dimensions");
  return {w->data(), static_cast<std::size_t>(w->size())};
}
std::span<const double> span_of(const Doubles& a, const char* what) {
  if (a.ndim() != 1)
    throw std::invalid_argument(std::string(what) + " must be one-dimensional, got " + std::to_string(a.ndim()) +
                                " dimensions");
  return {a.data(), static_cast<std::size_t>(a.size())};
}
std::span<const std::int64_t> span_of(const Keys& a) {
  if (a.ndim() != 1)
    throw std::invalid_argument("keys must be one-dimensional, got " + std::to_string(a.ndim()) + " dimensions");
  return {a.data(), static_cast<std::size_t>(a.size())};
}

/// Calls f with a span over a 1-D numeric array, with the GIL released: without a copy when the
/// array is C-contiguous in the machine's byte order. The buffer is read as the C++ type that
/// the dtype's kind and size name, which is right only in native order: a byte-swapped array
/// ('>i4' on a little-endian machine, as from a big-endian file or np.dtype('>f8')) read that
/// way gave "score 720575940379279360" for 10. Such an array, or a strided one, is first copied
/// into a native, contiguous array of the same type.
template <class F>
auto with_scores(const py::array& in, F&& f) {
  if (in.ndim() != 1)
    throw std::invalid_argument("scores must be one-dimensional, got " + std::to_string(in.ndim()) + " dimensions");
  py::array a = in;
  if (!a.dtype().attr("isnative").cast<bool>() || !(a.flags() & py::array::c_style))
    a = py::module_::import("numpy").attr("ascontiguousarray")(a, a.dtype().attr("newbyteorder")("="));
  const auto n = static_cast<std::size_t>(a.size());
  const char kind = a.dtype().kind();
  const auto size = a.dtype().itemsize();
  auto call = [&](auto tag) {
    using T = decltype(tag);
    std::span<const T> s(static_cast<const T*>(a.data()), n);
    py::gil_scoped_release release;
    return f(s);
  };
  if (kind == 'i') {
    if (size == 1) return call(std::int8_t{});
    if (size == 2) return call(std::int16_t{});
    if (size == 4) return call(std::int32_t{});
    if (size == 8) return call(std::int64_t{});
  } else if (kind == 'u') {
    if (size == 1) return call(std::uint8_t{});
    if (size == 2) return call(std::uint16_t{});
    if (size == 4) return call(std::uint32_t{});
    if (size == 8) return call(std::uint64_t{});
  } else if (kind == 'f') {
    if (size == 4) return call(float{});
    if (size == 8) return call(double{});
  }
  throw std::invalid_argument("scores have dtype " + std::string(py::str(a.dtype())) +
                              " (expected integer or floating-point numbers)");
}

template <class T>
std::string enum_name(T v) {
  return py::str(py::cast(v).attr("name"));
}

}  // namespace

void bind_metrics(py::module_& m) {
  m.attr("DEFAULT_CONFIDENCE") = kDefaultConfidence;
  m.attr("WORST_CASE_SHARE") = kWorstCaseShare;
  m.attr("MIN_TEST_RESPONSES") = kMinTestResponses;
  py::enum_<CiMethod>(m, "CiMethod")
      .value("wald", CiMethod::wald)
      .value("adjusted_wald", CiMethod::adjusted_wald)
      .value("wilson", CiMethod::wilson)
      .value("wilson_cc", CiMethod::wilson_cc)
      .value("t", CiMethod::t)
      .value("adjusted_t", CiMethod::adjusted_t)
      .value("bootstrap", CiMethod::bootstrap);
  py::enum_<Aggregation>(m, "Aggregation")
      .value("mean", Aggregation::mean)
      .value("top_box", Aggregation::top_box)
      .value("net", Aggregation::net);
  py::enum_<TrendTestKind>(m, "TrendTestKind")
      .value("mann_kendall", TrendTestKind::mann_kendall)
      .value("ols", TrendTestKind::ols);

  py::class_<NpsBreaks>(m, "NpsBreaks")
      .def(py::init<>())
      .def(py::init([](int d, int p) {
             return NpsBreaks{d, p};
           }),
           py::arg("detractor_max"), py::arg("promoter_min"))
      .def_readwrite("detractor_max", &NpsBreaks::detractor_max)
      .def_readwrite("promoter_min", &NpsBreaks::promoter_min)
      .def(py::self == py::self);

  py::class_<NpsOptions>(m, "NpsOptions")
      .def(py::init<>())
      .def_readwrite("method", &NpsOptions::method)
      .def_readwrite("confidence", &NpsOptions::confidence)
      .def_readwrite("breaks", &NpsOptions::breaks)
      .def_readwrite("bootstrap_samples", &NpsOptions::bootstrap_samples)
      .def_readwrite("seed", &NpsOptions::seed);

  py::class_<RatingOptions>(m, "RatingOptions")
      .def(py::init<>())
      .def_readwrite("scale_min", &RatingOptions::scale_min)
      .def_readwrite("scale_max", &RatingOptions::scale_max)
      .def_readwrite("top", &RatingOptions::top)
      .def_readwrite("reversed", &RatingOptions::reversed)
      .def_readwrite("aggregation", &RatingOptions::aggregation)
      .def_readwrite("method", &RatingOptions::method)
      .def_readwrite("confidence", &RatingOptions::confidence)
      .def_readwrite("bootstrap_samples", &RatingOptions::bootstrap_samples)
      .def_readwrite("seed", &RatingOptions::seed);

  // The metrics' own defaults, as C++ sets them (python/perche/metrics.py starts from these).
  py::class_<CsatOptions, RatingOptions>(m, "CsatOptions").def(py::init<>());
  py::class_<CesOptions, RatingOptions>(m, "CesOptions").def(py::init<>());

  py::class_<TrendOptions>(m, "TrendOptions")
      .def(py::init<>())
      .def_readwrite("test", &TrendOptions::test)
      .def_readwrite("alpha", &TrendOptions::alpha);

  py::class_<NpsCounts>(m, "NpsCounts")
      .def(py::init<NpsBreaks>(), py::arg_v("breaks", NpsBreaks{}, "NpsBreaks()"))
      .def(py::init([](NpsBreaks b, const std::array<std::uint64_t, 3>& n, const std::array<double, 3>& w,
                       const std::array<double, 3>& w2, const std::optional<std::vector<double>>& w4) {
             return NpsCounts(b, n, w, w2, w4 ? std::span<const double>(*w4) : std::span<const double>{});
           }),
           py::arg("breaks"), py::arg("counts"), py::arg("weights"), py::arg("squared_weights"),
           py::arg("fourth_power_weights") = py::none())
      .def_static("from_counts", &NpsCounts::from_counts, py::arg("detractors"), py::arg("passives"),
                  py::arg("promoters"), py::arg_v("breaks", NpsBreaks{}, "NpsBreaks()"))
      .def(
          "_add_array",
          [](NpsCounts& c, const py::array& s, const Weights& w) {
            with_scores(s, [&](auto span) {
              c.add(span, span_of(w));
              return 0;
            });
          },
          py::arg("scores"), py::arg("weights") = py::none())
      .def(py::self += py::self)
      .def(py::self + py::self)
      .def(py::self == py::self)
      .def_property_readonly("n", &NpsCounts::n)
      .def_property_readonly("detractors", &NpsCounts::detractors)
      .def_property_readonly("passives", &NpsCounts::passives)
      .def_property_readonly("promoters", &NpsCounts::promoters)
      .def_property_readonly("total_weight", &NpsCounts::total_weight)
      .def_property_readonly("n_eff", &NpsCounts::n_eff)
      .def_property_readonly("breaks", &NpsCounts::breaks)
      .def_property_readonly("counts", &NpsCounts::counts)
      .def_property_readonly("weights", &NpsCounts::weights)
      .def_property_readonly("squared_weights", &NpsCounts::squared_weights)
      .def_property_readonly("fourth_power_weights", &NpsCounts::fourth_power_weights)
      .def(py::pickle(
          [](const NpsCounts& c) {
            return py::make_tuple(c.breaks().detractor_max, c.breaks().promoter_min, c.counts(), c.weights(),
                                  c.squared_weights(), c.fourth_power_weights());
          },
          [](const py::tuple& t) {  // a 5-item state is from before Σw⁴ was kept
            if (t.size() < 5 || t.size() > 6)
              throw std::invalid_argument("NpsCounts: a pickled state has " + std::to_string(t.size()) +
                                          " items (expected 5 or 6)");
            const auto w4 = t.size() > 5 ? t[5].cast<std::vector<double>>() : std::vector<double>{};
            return NpsCounts(NpsBreaks{t[0].cast<int>(), t[1].cast<int>()}, t[2].cast<std::array<std::uint64_t, 3>>(),
                             t[3].cast<std::array<double, 3>>(), t[4].cast<std::array<double, 3>>(), w4);
          }));

  py::class_<RatingCounts>(m, "RatingCounts")
      .def(py::init<int, int>(), py::arg("scale_min") = RatingCounts().scale_min(),
           py::arg("scale_max") = RatingCounts().scale_max())
      .def(py::init([](int lo, int hi, std::vector<std::uint64_t> n, std::vector<double> w, std::vector<double> w2,
                       std::optional<std::vector<double>> w4) {
             return RatingCounts(lo, hi, std::move(n), std::move(w), std::move(w2),
                                 w4 ? std::move(*w4) : std::vector<double>{});
           }),
           py::arg("scale_min"), py::arg("scale_max"), py::arg("counts"), py::arg("weights"),
           py::arg("squared_weights"), py::arg("fourth_power_weights") = py::none())
      .def(
          "_add_array",
          [](RatingCounts& c, const py::array& s, const Weights& w) {
            with_scores(s, [&](auto span) {
              c.add(span, span_of(w));
              return 0;
            });
          },
          py::arg("scores"), py::arg("weights") = py::none())
      .def("reversed", &RatingCounts::reversed)
      .def(py::self += py::self)
      .def(py::self + py::self)
      .def(py::self == py::self)
      .def_property_readonly("scale_min", &RatingCounts::scale_min)
      .def_property_readonly("scale_max", &RatingCounts::scale_max)
      .def_property_readonly("n", &RatingCounts::n)
      .def_property_readonly("total_weight", &RatingCounts::total_weight)
      .def_property_readonly("n_eff", &RatingCounts::n_eff)
      .def_property_readonly("counts", &RatingCounts::counts)
      .def_property_readonly("weights", &RatingCounts::weights)
      .def_property_readonly("squared_weights", &RatingCounts::squared_weights)
      .def_property_readonly("fourth_power_weights", &RatingCounts::fourth_power_weights)
      .def("count", &RatingCounts::count, py::arg("level"))
      .def("weight", &RatingCounts::weight, py::arg("level"))
      .def(py::pickle(
          [](const RatingCounts& c) {
            return py::make_tuple(c.scale_min(), c.scale_max(), c.counts(), c.weights(), c.squared_weights(),
                                  c.fourth_power_weights());
          },
          [](const py::tuple& t) {  // a 5-item state is from before Σw⁴ was kept
            if (t.size() < 5 || t.size() > 6)
              throw std::invalid_argument("RatingCounts: a pickled state has " + std::to_string(t.size()) +
                                          " items (expected 5 or 6)");
            const auto w4 = t.size() > 5 ? t[5].cast<std::vector<double>>() : std::vector<double>{};
            return RatingCounts(t[0].cast<int>(), t[1].cast<int>(), t[2].cast<std::vector<std::uint64_t>>(),
                                t[3].cast<std::vector<double>>(), t[4].cast<std::vector<double>>(), w4);
          }));

  auto nps_result = py::class_<NpsResult>(m, "NpsResult", py::dynamic_attr());
  nps_result.def_readonly("score", &NpsResult::score)
      .def_readonly("se", &NpsResult::se)
      .def_readonly("ci_low", &NpsResult::ci_low)
      .def_readonly("ci_high", &NpsResult::ci_high)
      .def_readonly("center", &NpsResult::center)
      .def_readonly("detractors", &NpsResult::detractors)
      .def_readonly("passives", &NpsResult::passives)
      .def_readonly("promoters", &NpsResult::promoters)
      .def_readonly("detractor_share", &NpsResult::detractor_share)
      .def_readonly("passive_share", &NpsResult::passive_share)
      .def_readonly("promoter_share", &NpsResult::promoter_share)
      .def_readonly("n", &NpsResult::n)
      .def_readonly("n_eff", &NpsResult::n_eff)
      .def_readonly("n_design", &NpsResult::n_design)
      .def_readonly("df", &NpsResult::df)
      .def_readonly("warning", &NpsResult::warning)
      .def_readonly("confidence", &NpsResult::confidence)
      .def_property_readonly("method", [](const NpsResult& r) { return enum_name(r.method); });

  auto rating_result = py::class_<RatingResult>(m, "RatingResult", py::dynamic_attr());
  rating_result.def_readonly("score", &RatingResult::score)
      .def_readonly("se", &RatingResult::se)
      .def_readonly("ci_low", &RatingResult::ci_low)
      .def_readonly("ci_high", &RatingResult::ci_high)
      .def_readonly("center", &RatingResult::center)
      .def_readonly("mean", &RatingResult::mean)
      .def_readonly("mean_se", &RatingResult::mean_se)
      .def_readonly("mean_ci_low", &RatingResult::mean_ci_low)
      .def_readonly("mean_ci_high", &RatingResult::mean_ci_high)
      .def_readonly("mean_center", &RatingResult::mean_center)
      .def_readonly("mean_center_se", &RatingResult::mean_center_se)
      .def_readonly("t_ci_low", &RatingResult::t_ci_low)
      .def_readonly("t_ci_high", &RatingResult::t_ci_high)
      .def_readonly("sd", &RatingResult::sd)
      .def_readonly("top_share", &RatingResult::top_share)
      .def_readonly("bottom_share", &RatingResult::bottom_share)
      .def_readonly("top", &RatingResult::top)
      .def_readonly("n", &RatingResult::n)
      .def_readonly("n_eff", &RatingResult::n_eff)
      .def_readonly("n_design", &RatingResult::n_design)
      .def_readonly("df", &RatingResult::df)
      .def_readonly("warning", &RatingResult::warning)
      .def_readonly("confidence", &RatingResult::confidence)
      .def_readonly("scale_min", &RatingResult::scale_min)
      .def_readonly("scale_max", &RatingResult::scale_max)
      .def_property_readonly("aggregation", [](const RatingResult& r) { return enum_name(r.aggregation); })
      .def_property_readonly("method", [](const RatingResult& r) { return enum_name(r.method); });

  auto comparison = py::class_<Comparison>(m, "Comparison", py::dynamic_attr());
  comparison.def_readonly("diff", &Comparison::diff)
      .def_readonly("se", &Comparison::se)
      .def_readonly("z", &Comparison::z)
      .def_readonly("p_value", &Comparison::p_value)
      .def_readonly("ci_low", &Comparison::ci_low)
      .def_readonly("ci_high", &Comparison::ci_high)
      .def_readonly("confidence", &Comparison::confidence)
      .def_readonly("warning", &Comparison::warning);

  auto churn = py::class_<ChurnResult>(m, "ChurnResult", py::dynamic_attr());
  churn.def_readonly("rate", &ChurnResult::rate)
      .def_readonly("retention", &ChurnResult::retention)
      .def_readonly("se", &ChurnResult::se)
      .def_readonly("ci_low", &ChurnResult::ci_low)
      .def_readonly("ci_high", &ChurnResult::ci_high)
      .def_readonly("active_start", &ChurnResult::active_start)
      .def_readonly("churned", &ChurnResult::churned)
      .def_readonly("retained", &ChurnResult::retained)
      .def_readonly("joined", &ChurnResult::joined)
      .def_readonly("joined_and_left", &ChurnResult::joined_and_left)
      .def_readonly("active_end", &ChurnResult::active_end)
      .def_readonly("confidence", &ChurnResult::confidence);

  auto times = py::class_<ResponseTimeResult>(m, "ResponseTimeResult", py::dynamic_attr());
  times.def_readonly("n", &ResponseTimeResult::n)
      .def_readonly("mean", &ResponseTimeResult::mean)
      .def_readonly("mean_ci_low", &ResponseTimeResult::mean_ci_low)
      .def_readonly("mean_ci_high", &ResponseTimeResult::mean_ci_high)
      .def_readonly("median", &ResponseTimeResult::median)
      .def_readonly("p90", &ResponseTimeResult::p90)
      .def_readonly("p95", &ResponseTimeResult::p95)
      .def_readonly("min", &ResponseTimeResult::min)
      .def_readonly("max", &ResponseTimeResult::max)
      .def_readonly("sla", &ResponseTimeResult::sla)
      .def_readonly("within_sla", &ResponseTimeResult::within_sla)
      .def_readonly("within_sla_ci_low", &ResponseTimeResult::within_sla_ci_low)
      .def_readonly("within_sla_ci_high", &ResponseTimeResult::within_sla_ci_high)
      .def_readonly("confidence", &ResponseTimeResult::confidence);

  using perche_py::pickle_fields;
  pickle_fields(nps_result, "NpsResult", &NpsResult::score, &NpsResult::se, &NpsResult::ci_low, &NpsResult::ci_high,
                &NpsResult::center, &NpsResult::detractors, &NpsResult::passives, &NpsResult::promoters,
                &NpsResult::detractor_share, &NpsResult::passive_share, &NpsResult::promoter_share, &NpsResult::n,
                &NpsResult::n_eff, &NpsResult::n_design, &NpsResult::df, &NpsResult::confidence, &NpsResult::method,
                &NpsResult::warning);
  pickle_fields(rating_result, "RatingResult", &RatingResult::score, &RatingResult::se, &RatingResult::ci_low,
                &RatingResult::ci_high, &RatingResult::center, &RatingResult::mean, &RatingResult::mean_se,
                &RatingResult::mean_ci_low, &RatingResult::mean_ci_high, &RatingResult::mean_center,
                &RatingResult::mean_center_se, &RatingResult::t_ci_low, &RatingResult::t_ci_high, &RatingResult::sd,
                &RatingResult::top_share, &RatingResult::bottom_share, &RatingResult::top, &RatingResult::n,
                &RatingResult::n_eff, &RatingResult::n_design, &RatingResult::df, &RatingResult::confidence,
                &RatingResult::aggregation, &RatingResult::method, &RatingResult::warning, &RatingResult::scale_min,
                &RatingResult::scale_max);
  pickle_fields(comparison, "Comparison", &Comparison::diff, &Comparison::se, &Comparison::z, &Comparison::p_value,
                &Comparison::ci_low, &Comparison::ci_high, &Comparison::confidence, &Comparison::warning);
  pickle_fields(churn, "ChurnResult", &ChurnResult::active_start, &ChurnResult::churned, &ChurnResult::retained,
                &ChurnResult::joined, &ChurnResult::joined_and_left, &ChurnResult::active_end, &ChurnResult::rate,
                &ChurnResult::retention, &ChurnResult::se, &ChurnResult::ci_low, &ChurnResult::ci_high,
                &ChurnResult::confidence);
  pickle_fields(times, "ResponseTimeResult", &ResponseTimeResult::n, &ResponseTimeResult::mean,
                &ResponseTimeResult::mean_ci_low, &ResponseTimeResult::mean_ci_high, &ResponseTimeResult::median,
                &ResponseTimeResult::p90, &ResponseTimeResult::p95, &ResponseTimeResult::min, &ResponseTimeResult::max,
                &ResponseTimeResult::sla, &ResponseTimeResult::within_sla, &ResponseTimeResult::within_sla_ci_low,
                &ResponseTimeResult::within_sla_ci_high, &ResponseTimeResult::confidence);

  // The results of calls that take scores carry n_omitted: the rows left out under
  // nan_policy="omit" (python/perche/metrics.py sets it on each result it returns; 0 otherwise).
  for (const char* name : {"NpsResult", "RatingResult", "Comparison", "ChurnResult", "ResponseTimeResult"})
    m.attr(name).attr("n_omitted") = 0;

  auto trend_test_result = py::class_<TrendTestResult>(m, "TrendTestResult");
  trend_test_result.def_property_readonly("test", [](const TrendTestResult& r) { return enum_name(r.test); })
      .def_readonly("slope", &TrendTestResult::slope)
      .def_readonly("statistic", &TrendTestResult::statistic)
      .def_readonly("p_value", &TrendTestResult::p_value)
      .def_readonly("declining", &TrendTestResult::declining)
      .def_readonly("increasing", &TrendTestResult::increasing)
      .def_readonly("periods", &TrendTestResult::periods);

  pickle_fields(trend_test_result, "TrendTestResult", &TrendTestResult::test, &TrendTestResult::slope,
                &TrendTestResult::statistic, &TrendTestResult::p_value, &TrendTestResult::declining,
                &TrendTestResult::increasing, &TrendTestResult::periods);
  // Per-period and per-segment results of NpsResult and of RatingResult, alike.
  auto bind_over = [&m]<class R>(const std::string& kind, std::type_identity<R>) {
    using P = PeriodResult<R>;
    using T = Trend<R>;
    using S = SegmentResult<R>;
    auto period = py::class_<P>(m, (kind + "Period").c_str());
    period.def_readonly("period", &P::period).def_readonly("result", &P::result);
    pickle_fields(period, kind + "Period", &P::period, &P::result);
    auto trend = py::class_<T>(m, (kind + "Trend").c_str());
    trend.def_readonly("periods", &T::periods).def_readonly("test", &T::test);
    pickle_fields(trend, kind + "Trend", &T::periods, &T::test);
    auto segment = py::class_<S>(m, (kind + "Segment").c_str());
    segment.def_readonly("key", &S::key)
        .def_readonly("result", &S::result)
        .def_readonly("vs_rest", &S::vs_rest)
        .def_readonly("p_holm", &S::p_holm)
        .def_readonly("p_bh", &S::p_bh)
        .def_readonly("too_few", &S::too_few);
    pickle_fields(segment, kind + "Segment", &S::key, &S::result, &S::vs_rest, &S::p_holm, &S::p_bh, &S::too_few);
  };
  bind_over("Nps", std::type_identity<NpsResult>{});
  bind_over("Rating", std::type_identity<RatingResult>{});

  m.def(
      "nps", [](const NpsCounts& c, const NpsOptions& o) { return nps(c, o); }, py::arg("counts"), py::arg("options"));
  m.def(
      "nps",
      [](const py::array& s, const Weights& w, const NpsOptions& o) {
        return with_scores(s, [&](auto span) { return nps(span, span_of(w), o); });
      },
      py::arg("scores"), py::arg("weights"), py::arg("options"));
  m.def("nps_compare", &nps_compare, py::arg("a"), py::arg("b"), py::arg("options"));
  m.def("compare", py::overload_cast<const NpsResult&, const NpsResult&, double>(&compare), py::arg("a"), py::arg("b"),
        py::arg("confidence") = kDefaultConfidence);
  m.def("compare", py::overload_cast<const RatingResult&, const RatingResult&, double>(&compare), py::arg("a"),
        py::arg("b"), py::arg("confidence") = kDefaultConfidence);
  m.def("rating", &rating, py::arg("counts"), py::arg("options"));
  m.def(
      "csat",
      [](const py::array& s, const Weights& w, const RatingOptions& o) {
        return with_scores(s, [&](auto span) { return csat(span, span_of(w), o); });
      },
      py::arg("scores"), py::arg("weights"), py::arg("options"));
  m.def(
      "ces",
      [](const py::array& s, const Weights& w, const RatingOptions& o) {
        return with_scores(s, [&](auto span) { return ces(span, span_of(w), o); });
      },
      py::arg("scores"), py::arg("weights"), py::arg("options"));
  m.def(
      "churn_rate",
      [](const Doubles& start, const Doubles& end, double p0, double p1, double confidence) {
        return churn_rate(span_of(start, "start"), span_of(end, "end"), p0, p1, confidence);
      },
      py::arg("start"), py::arg("end"), py::arg("period_start"), py::arg("period_end"),
      py::arg("confidence") = kDefaultConfidence);
  m.def(
      "response_times",
      [](const Doubles& d, std::optional<double> sla, double confidence) {
        return response_times(span_of(d, "durations"), sla, confidence);
      },
      py::arg("durations"), py::arg("sla") = py::none(), py::arg("confidence") = kDefaultConfidence);
  m.def(
      "response_times",
      [](const Doubles& start, const Doubles& end, std::optional<double> sla, double confidence) {
        return response_times(span_of(start, "start"), span_of(end, "end"), sla, confidence);
      },
      py::arg("start"), py::arg("end"), py::arg("sla") = py::none(), py::arg("confidence") = kDefaultConfidence);
  m.def(
      "nps_trend",
      [](const py::array& s, const Keys& periods, const Weights& w, const NpsOptions& o, const TrendOptions& t) {
        return with_scores(s, [&](auto span) { return nps_trend(span, span_of(periods), span_of(w), o, t); });
      },
      py::arg("scores"), py::arg("periods"), py::arg("weights"), py::arg("options"), py::arg("trend"));
  m.def(
      "rating_trend",
      [](const py::array& s, const Keys& periods, const Weights& w, const RatingOptions& o, const TrendOptions& t) {
        return with_scores(s, [&](auto span) { return rating_trend(span, span_of(periods), span_of(w), o, t); });
      },
      py::arg("scores"), py::arg("periods"), py::arg("weights"), py::arg("options"), py::arg("trend"));
  m.def(
      "nps_by_segment",
      [](const py::array& s, const Keys& keys, const Weights& w, const NpsOptions& o) {
        return with_scores(s, [&](auto span) { return nps_by_segment(span, span_of(keys), span_of(w), o); });
      },
      py::arg("scores"), py::arg("segments"), py::arg("weights"), py::arg("options"));
  m.def(
      "rating_by_segment",
      [](const py::array& s, const Keys& keys, const Weights& w, const RatingOptions& o) {
        return with_scores(s, [&](auto span) { return rating_by_segment(span, span_of(keys), span_of(w), o); });
      },
      py::arg("scores"), py::arg("segments"), py::arg("weights"), py::arg("options"));
  m.def(
      "nps_counts_by",
      [](const py::array& s, const Keys& keys, const Weights& w, const NpsBreaks& b) {
        return with_scores(s, [&](auto span) { return nps_counts_by(span, span_of(keys), span_of(w), b); });
      },
      py::arg("scores"), py::arg("keys"), py::arg("weights"), py::arg("breaks"));
  m.def(
      "rating_counts_by",
      [](const py::array& s, const Keys& keys, const Weights& w, int scale_min, int scale_max) {
        return with_scores(
            s, [&](auto span) { return rating_counts_by(span, span_of(keys), span_of(w), scale_min, scale_max); });
      },
      py::arg("scores"), py::arg("keys"), py::arg("weights"), py::arg("scale_min"), py::arg("scale_max"));
  m.def(
      "nps_by_segment_of",
      [](const Keys& keys, const std::vector<NpsCounts>& counts, const NpsOptions& o) {
        return nps_by_segment_of(span_of(keys), counts, o);
      },
      py::arg("keys"), py::arg("counts"), py::arg("options"));
  m.def(
      "rating_by_segment_of",
      [](const Keys& keys, const std::vector<RatingCounts>& counts, const RatingOptions& o) {
        return rating_by_segment_of(span_of(keys), counts, o);
      },
      py::arg("keys"), py::arg("counts"), py::arg("options"));
  m.def(
      "trend_test", [](const Doubles& v, const TrendOptions& t) { return trend_test(span_of(v, "values"), t); },
      py::arg("values"), py::arg("options"));
  m.def(
      "p_adjust_holm", [](const Doubles& p) { return p_adjust_holm(span_of(p, "p")); }, py::arg("p"));
  m.def(
      "p_adjust_bh", [](const Doubles& p) { return p_adjust_bh(span_of(p, "p")); }, py::arg("p"));
  m.def("bayesian_average", &bayesian_average, py::arg("mean"), py::arg("n"), py::arg("prior_mean"),
        py::arg("prior_n"));
  m.def("nps_sample_size", &nps_sample_size, py::arg("margin"), py::arg("promoter_share") = kWorstCaseShare,
        py::arg("detractor_share") = kWorstCaseShare, py::arg("confidence") = kDefaultConfidence,
        py::arg("population") = py::none());
  m.def("nps_margin_of_error", &nps_margin_of_error, py::arg("n"), py::arg("promoter_share") = kWorstCaseShare,
        py::arg("detractor_share") = kWorstCaseShare, py::arg("confidence") = kDefaultConfidence,
        py::arg("population") = py::none());
}
