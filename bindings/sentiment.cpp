// SPDX-License-Identifier: Apache-2.0
// Python bindings of perche/sentiment.hpp; python/perche/sentiment.py is the public shell. Texts
// cross as lists of str; offsets in explanations are code points of a str input (bytes of a bytes
// input). Every call on a model releases the GIL and holds the object's lock (guard.hpp).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <perche/sentiment.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common.hpp"
#include "guard.hpp"
#include "matrix.hpp"

namespace py = pybind11;
using namespace perche;

namespace {

using perche_py::read;
using perche_py::replace;
using perche_py::shared;

text::Utf8Policy utf8_policy(const SentimentClassifier& c) {
  return read(&c, [&] { return c.options().features.tokenizer.utf8; });
}

py::array_t<double> probabilities_array(const std::array<double, 4>& p) {
  py::array_t<double> out(4);
  std::copy(p.begin(), p.end(), out.mutable_data());
  return out;
}

}  // namespace

void bind_sentiment(py::module_& m) {
  py::class_<SentimentLexicon>(m, "SentimentLexicon")
      .def(py::init([](const std::vector<std::pair<std::string, double>>& entries) {
             std::vector<LexiconEntry> e;
             e.reserve(entries.size());
             for (const auto& [term, polarity] : entries) e.push_back({term, polarity});
             return SentimentLexicon(std::move(e));
           }),
           py::arg("entries"))
      .def_static("parse", &SentimentLexicon::parse, py::arg("text"), py::arg("source") = "lexicon")
      .def_static(
          "load", [](const py::bytes& path) { return SentimentLexicon::load(std::string(path)); }, py::arg("path"))
      .def_property_readonly("entries",
                             [](const SentimentLexicon& l) {
                               std::vector<std::pair<std::string, double>> out;
                               for (const auto& e : l.entries()) out.emplace_back(e.term, e.polarity);
                               return out;
                             })
      .def("__len__", &SentimentLexicon::size)
      .def("to_text", &SentimentLexicon::to_text)
      .def(py::pickle([](const SentimentLexicon& l) { return py::make_tuple(l.to_text()); },
                      [](const py::tuple& state) {  // as SentimentClassifier(lexicon=...) is cloned and pickled
                        if (state.size() != 1)
                          throw std::invalid_argument("SentimentLexicon: a pickled state has " +
                                                      std::to_string(state.size()) + " items (expected 1)");
                        return SentimentLexicon::parse(state[0].cast<std::string>(), "a pickled lexicon");
                      }));

  py::class_<SentimentClassifier>(m, "SentimentClassifier")
      // None: the C++ default of SentimentOptions.
      .def(py::init([](std::optional<bool> words, std::optional<double> C, std::optional<perche_py::Threads> threads,
                       const SentimentLexicon& lexicon) {
             SentimentOptions o;
             if (words) o.words = *words;
             if (C) o.logistic.C = *C;
             if (threads) o.threads = *threads;
             return SentimentClassifier(o, lexicon);
           }),
           py::arg("words"), py::arg("C"), py::arg("threads"), py::arg("lexicon"))
      .def(
          "fit",
          [](SentimentClassifier& c, const perche_py::Texts& texts,
             const std::vector<std::string>& labels) -> SentimentClassifier& {
            const perche_py::Utf8Texts owned(texts, "SentimentClassifier.fit", utf8_policy(c));
            const auto& v = owned.views();
            py::gil_scoped_release release;
            auto [options, lexicon] = shared(&c, [&] { return std::pair(c.options(), c.lexicon()); });
            SentimentClassifier fresh(options, lexicon);
            fresh.fit(v, labels);
            replace(c, std::move(fresh));
            return c;
          },
          py::arg("texts"), py::arg("labels"), py::return_value_policy::reference)
      .def_property_readonly("fitted",
                             [](const SentimentClassifier& c) { return read(&c, [&] { return c.fitted(); }); })
      .def_property_readonly("words",
                             [](const SentimentClassifier& c) { return read(&c, [&] { return c.options().words; }); })
      .def_property_readonly(
          "C", [](const SentimentClassifier& c) { return read(&c, [&] { return c.options().logistic.C; }); })
      .def_property_readonly("threads",
                             [](const SentimentClassifier& c) { return read(&c, [&] { return c.options().threads; }); })
      .def_property_readonly("lexicon",
                             [](const SentimentClassifier& c) { return read(&c, [&] { return c.lexicon(); }); })
      .def_property_readonly_static("CLASSES", [](const py::object&) { return SentimentClassifier::classes(); })
      .def_property_readonly_static("LEXICON_FEATURES",
                                    [](const py::object&) { return SentimentClassifier::lexicon_feature_names(); })
      .def(
          "predict_proba",
          [](const SentimentClassifier& c, const perche_py::Texts& texts) {
            const perche_py::Utf8Texts owned(texts, "SentimentClassifier.predict_proba", utf8_policy(c));
            const auto& v = owned.views();
            return read(&c, [&] { return c.predict_proba(std::span<const std::string_view>(v)); });
          },
          py::arg("texts"))
      .def(
          "predict_proba_one",
          [](const SentimentClassifier& c, const perche_py::Text& text) {
            bool cp = true;
            const std::string s =
                perche_py::utf8_text_of(text, cp, utf8_policy(c), "SentimentClassifier.predict_proba_one");
            return probabilities_array(read(&c, [&] { return c.predict_proba(std::string_view(s)); }));
          },
          py::arg("text"))
      .def(
          "predict",
          [](const SentimentClassifier& c, const perche_py::Texts& texts) {
            const perche_py::Utf8Texts owned(texts, "SentimentClassifier.predict", utf8_policy(c));
            const auto& v = owned.views();
            return read(&c, [&] { return c.predict(std::span<const std::string_view>(v)); });
          },
          py::arg("texts"))
      .def(
          "predict_one",
          [](const SentimentClassifier& c, const perche_py::Text& text) {
            bool cp = true;
            const std::string s = perche_py::utf8_text_of(text, cp, utf8_policy(c), "SentimentClassifier.predict_one");
            return read(&c, [&] { return c.predict(std::string_view(s)); });
          },
          py::arg("text"))
      .def(
          "lexicon_features",
          [](const SentimentClassifier& c, const perche_py::Texts& texts) {
            const perche_py::Utf8Texts owned(texts, "SentimentClassifier.lexicon_features", utf8_policy(c));
            const auto& v = owned.views();
            return read(&c, [&] { return c.lexicon_features(std::span<const std::string_view>(v)); });
          },
          py::arg("texts"))
      .def(
          "explain",
          [](const SentimentClassifier& c, const perche_py::Text& text, perche_py::MaxTerms max_terms) {
            bool cp = true;
            const std::string s = perche_py::utf8_text_of(text, cp, utf8_policy(c), "SentimentClassifier.explain");
            const SentimentExplanation e = read(&c, [&] { return c.explain(s, max_terms); });
            const auto lists = perche_py::contribution_lists({&e.lexicon, &e.words}, s, cp);
            py::dict d;
            d["label"] = e.label;
            d["probabilities"] = probabilities_array(e.probabilities);
            d["lexicon"] = lists[0];
            d["words"] = lists[1];
            return d;
          },
          py::arg("text"), py::arg("max_terms") = 10)
      .def(
          "set_threads",
          [](SentimentClassifier& c, perche_py::Threads threads) {
            py::gil_scoped_release release;
            SentimentClassifier copy = shared(&c, [&] { return c; });
            copy.set_threads(threads);
            replace(c, std::move(copy));
          },
          py::arg("threads"))
      .def("to_bytes", [](const SentimentClassifier& c) { return py::bytes(read(&c, [&] { return c.to_bytes(); })); })
      .def_static(
          "default_model",
          [](const py::bytes& data_dir) {
            std::string d(data_dir);
            py::gil_scoped_release release;
            return SentimentClassifier::default_model(d);
          },
          py::arg("data_dir"))
      .def_static(
          "from_bytes",
          [](const py::bytes& b) {
            std::string bytes(b);
            py::gil_scoped_release release;
            return SentimentClassifier::from_bytes(bytes);
          },
          py::arg("data"))
      .def(
          "save",
          [](const SentimentClassifier& c, const py::bytes& path) { read(&c, [&] { c.save(std::string(path)); }); },
          py::arg("path"))
      .def_static(
          "load",
          [](const py::bytes& path, std::uint64_t max_bytes) {
            std::string p(path);
            py::gil_scoped_release release;
            return SentimentClassifier::load(p, max_bytes);
          },
          py::arg("path"), py::arg("max_bytes") = DriverClassifier::kMaxModelBytes);
}
