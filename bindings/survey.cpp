// SPDX-License-Identifier: Apache-2.0
// Python bindings of perche/survey.hpp: the survey pipeline. Its result crosses as the JSON
// document of to_json (schema 4), which python/perche/survey.py parses into Analysis; columns of
// a DataFrame cross as lists of str (texts), float64 arrays (numbers) or int32 arrays (days).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <perche/survey.hpp>

#include <memory>
#include <string>
#include <vector>

#include "common.hpp"
#include "guard.hpp"

namespace py = pybind11;
using namespace perche;

namespace {

py::array_t<std::uint8_t> to_numpy(const LabelMatrix& Y) {
  py::array_t<std::uint8_t> out({static_cast<py::ssize_t>(Y.rows()), static_cast<py::ssize_t>(Y.cols())});
  std::copy(Y.data(), Y.data() + Y.size(), out.mutable_data());
  return out;
}

// SurveyOptions that own copies of the model and codebook its pointers point to (the C++ struct
// does not own them; a Python object may be retrained by another thread meanwhile).
struct PySurveyOptions : SurveyOptions {
  std::shared_ptr<const DriverClassifier> held_model;
  std::shared_ptr<const Codebook> held_codebook;
  std::shared_ptr<const SentimentClassifier> held_sentiment;
};

// One DataFrame column, held while the GIL is released.
struct HeldColumn {
  std::unique_ptr<perche_py::Utf8Texts> texts;
  py::array_t<double, py::array::c_style | py::array::forcecast> numbers;
  py::array_t<Day, py::array::c_style | py::array::forcecast> days;
};

}  // namespace

void bind_survey(py::module_& m) {
  py::register_exception<AnalysisError>(m, "AnalysisError", PyExc_ValueError);

  py::enum_<Labeller>(m, "Labeller")
      .value("model", Labeller::model)
      .value("codebook", Labeller::codebook)
      .value("labels", Labeller::labels)
      .value("none", Labeller::none);
  py::enum_<Freq>(m, "Freq")
      .value("day", Freq::day)
      .value("week", Freq::week)
      .value("month", Freq::month)
      .value("quarter", Freq::quarter)
      .value("year", Freq::year);

  py::class_<PySurveyOptions>(m, "SurveyOptions")
      .def(py::init<>())
      .def_readwrite("metric", &SurveyOptions::metric)
      .def_readwrite("rating", &SurveyOptions::rating)
      .def_readwrite("score", &SurveyOptions::score)
      .def_readwrite("text", &SurveyOptions::text)
      .def_readwrite("date", &SurveyOptions::date)
      .def_readwrite("freq", &SurveyOptions::freq)
      .def_readwrite("by", &SurveyOptions::by)
      .def_readwrite("labeller", &SurveyOptions::labeller)
      .def_readwrite("model_path", &SurveyOptions::model_path)
      .def_readwrite("codebook_path", &SurveyOptions::codebook_path)
      .def_readwrite("labels", &SurveyOptions::labels)
      .def_readwrite("data_dir", &SurveyOptions::data_dir)
      .def_readwrite("threshold", &SurveyOptions::threshold)
      .def_readwrite("confidence", &SurveyOptions::confidence)
      .def_readwrite("alpha", &SurveyOptions::alpha)
      .def_readwrite("bootstrap_samples", &SurveyOptions::bootstrap_samples)
      .def_readwrite("seed", &SurveyOptions::seed)
      .def_readwrite("verbatims", &SurveyOptions::verbatims)
      .def_readwrite("lang", &SurveyOptions::lang)
      .def_readwrite("max_problems", &SurveyOptions::max_problems)
      .def_readwrite("sentiment", &SurveyOptions::sentiment)
      .def_readwrite("sentiment_model_path", &SurveyOptions::sentiment_model_path)
      .def_readwrite("mask", &SurveyOptions::mask)
      .def_readwrite("threads", &SurveyOptions::threads)
      // A copy of the model (taken under its object's lock): the analysis never sees a model
      // that another thread retrains meanwhile.
      .def(
          "set_model",
          [](PySurveyOptions& o, const DriverClassifier& c) {
            o.held_model = perche_py::read(&c, [&] { return std::make_shared<const DriverClassifier>(c); });
            o.model = o.held_model.get();
          },
          py::arg("model"))
      .def(
          "set_sentiment_model",
          [](PySurveyOptions& o, const SentimentClassifier& c) {
            o.held_sentiment = perche_py::read(&c, [&] { return std::make_shared<const SentimentClassifier>(c); });
            o.sentiment_model = o.held_sentiment.get();
          },
          py::arg("model"))
      .def(
          "set_codebook",
          [](PySurveyOptions& o, const Codebook& c) {
            o.held_codebook = std::make_shared<const Codebook>(c);
            o.codebook = o.held_codebook.get();
          },
          py::arg("codebook"))
      .def_property_readonly_static("TEXT_COLUMNS",
                                    [](const py::object&) {
                                      return std::vector<std::string>(std::begin(SurveyOptions::kTextColumns),
                                                                      std::end(SurveyOptions::kTextColumns));
                                    })
      .def_property_readonly_static("DATE_COLUMNS",
                                    [](const py::object&) {
                                      return std::vector<std::string>(std::begin(SurveyOptions::kDateColumns),
                                                                      std::end(SurveyOptions::kDateColumns));
                                    })
      .def_property_readonly_static("SEGMENT_COLUMNS", [](const py::object&) {
        return std::vector<std::string>(std::begin(SurveyOptions::kSegmentColumns),
                                        std::end(SurveyOptions::kSegmentColumns));
      });

  m.attr("MAX_SEGMENTS") = kMaxSegments;

  m.def(
      "analyze_survey",
      [](const CsvTable& table, const PySurveyOptions& options, const std::string& source_name) {
        py::gil_scoped_release release;
        return to_json(analyze_survey(table, options, source_name));
      },
      py::arg("table"), py::arg("options"), py::arg("source_name") = "",
      "The analysis of a CSV table as its JSON document (schema 4).");

  m.def(
      "analyze_survey_columns",
      [](const std::vector<std::string>& names, const std::vector<std::string>& kinds, const py::list& data,
         const PySurveyOptions& options) {
        if (names.size() != kinds.size() || names.size() != py::len(data))
          throw std::invalid_argument("analyze_survey_columns: names, kinds and data differ in length");
        std::vector<HeldColumn> held(names.size());
        std::vector<SurveyColumn> columns(names.size());
        for (std::size_t c = 0; c < names.size(); ++c) {
          auto& col = columns[c];
          col.name = names[c];
          const py::handle d = data[c];
          if (kinds[c] == "text") {
            held[c].texts = std::make_unique<perche_py::Utf8Texts>(d, "analyze: column");
            col.kind = SurveyColumn::Kind::text;
            col.texts = held[c].texts->views();
          } else if (kinds[c] == "number") {
            held[c].numbers = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(d);
            if (!held[c].numbers) throw py::error_already_set();
            col.kind = SurveyColumn::Kind::number;
            col.numbers = {held[c].numbers.data(), static_cast<std::size_t>(held[c].numbers.size())};
          } else if (kinds[c] == "day") {
            held[c].days = py::array_t<Day, py::array::c_style | py::array::forcecast>::ensure(d);
            if (!held[c].days) throw py::error_already_set();
            col.kind = SurveyColumn::Kind::day;
            col.days = {held[c].days.data(), static_cast<std::size_t>(held[c].days.size())};
          } else {
            throw std::invalid_argument("analyze_survey_columns: kind '" + kinds[c] + "' is not text, number or day");
          }
        }
        py::gil_scoped_release release;
        return to_json(analyze_survey(columns, options));
      },
      py::arg("names"), py::arg("kinds"), py::arg("data"), py::arg("options"));

  m.def(
      "label_comments",
      [](const py::iterable& texts, const PySurveyOptions& options) {
        const perche_py::Utf8Texts owned(texts, "label_comments: texts");
        CommentLabels l;
        {
          py::gil_scoped_release release;
          l = label_comments(owned.views(), options);
        }
        const auto n = static_cast<py::ssize_t>(l.mentions.rows()), k = static_cast<py::ssize_t>(l.drivers.size());
        py::array_t<double> P({n, k});
        std::copy(l.probabilities.begin(), l.probabilities.end(), P.mutable_data());
        py::dict out;
        out["kind"] = l.kind;
        out["path"] = l.path ? py::object(py::str(*l.path)) : py::object(py::none());
        out["drivers"] = l.drivers;
        out["probabilities"] = P;
        out["mentions"] = to_numpy(l.mentions);
        return out;
      },
      py::arg("texts"), py::arg("options"));

  m.def(
      "gold_labels",
      [](const CsvTable& table, const std::vector<std::string>& columns, const std::vector<std::size_t>& rows) {
        std::pair<std::vector<std::string>, LabelMatrix> out;
        {
          py::gil_scoped_release release;
          out = gold_labels(table, columns, rows);
        }
        return py::make_tuple(out.first, to_numpy(out.second));
      },
      py::arg("table"), py::arg("columns"), py::arg("rows") = std::vector<std::size_t>{});
  m.def(
      "split_labels",
      [](const py::iterable& texts, const std::vector<std::string>& drivers) {
        const perche_py::Utf8Texts owned(texts, "split_labels: texts");
        auto [names, Y] = split_labels(owned.views(), drivers);
        return py::make_tuple(names, to_numpy(Y));
      },
      py::arg("texts"), py::arg("drivers") = std::vector<std::string>{});

  m.def(
      "find_column",
      [](const std::vector<std::string>& names, const std::string& name, const std::vector<std::string>& defaults,
         const std::string& what, const std::string& arg) {
        const std::vector<std::string_view> d(defaults.begin(), defaults.end());
        return find_column(names, name, d, what, arg);
      },
      py::arg("names"), py::arg("name") = "", py::arg("defaults") = std::vector<std::string>{},
      py::arg("what") = "column", py::arg("arg") = "column");
  m.def(
      "parse_score", [](std::string_view s) { return parse_score(s); }, py::arg("cell"));
  m.def(
      "parse_date", [](std::string_view s) { return parse_date(s); }, py::arg("cell"));
  m.def("period_label", &period_label, py::arg("day"), py::arg("freq"));
}
