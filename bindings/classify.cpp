// SPDX-License-Identifier: Apache-2.0
// Python bindings of perche/classify.hpp. Sparse matrices cross as scipy.sparse.csr_matrix; texts
// as lists of str; the option structs are plain attribute bags that python/perche/classify.py fills
// from keyword arguments. Offsets in explanations are code points of a str input.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <perche/classify.hpp>
#include <perche/sentiment.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common.hpp"
#include "guard.hpp"
#include "matrix.hpp"

namespace py = pybind11;
using namespace perche;
using perche_py::evaluation_dict;

namespace {

using perche_py::numpy_of;
// 1-D float64, any input numpy converts.
using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;

bool is_pretokenized(const py::sequence& docs) {
  return py::len(docs) > 0 && !py::isinstance<py::str>(docs[0]) && !py::isinstance<py::bytes>(docs[0]);
}

// The UTF-8 policy of a model's tokenizer, which a str's lone surrogates get too (common.hpp).
text::Utf8Policy utf8_policy(const TfidfVectorizer& v) {
  return perche_py::read(&v, [&] { return v.options().tokenizer.utf8; });
}
text::Utf8Policy utf8_policy(const DriverClassifier& c) {
  return perche_py::read(&c, [&] { return c.options().features.tokenizer.utf8; });
}

// Runs fn(texts) or fn(term lists) on a list of str or a list of lists of str, without the GIL.
template <typename Fn>
SparseMatrix with_docs(const py::object& obj, const char* what, text::Utf8Policy policy, Fn fn) {
  const py::sequence docs = py::list(obj);
  if (is_pretokenized(docs)) {
    std::vector<std::vector<std::string>> terms;
    terms.reserve(py::len(docs));
    for (const auto& d : docs) terms.push_back(perche_py::utf8_list(py::reinterpret_borrow<py::iterable>(d), what));
    py::gil_scoped_release release;
    return fn(terms);
  }
  const perche_py::Utf8Texts texts(docs, what, policy);
  py::gil_scoped_release release;
  return fn(std::span<const std::string_view>(texts.views()));
}

py::dict explanation_dict(const Explanation& e, const std::string& text, bool code_points) {
  const auto terms = perche_py::contribution_lists({&e.terms}, text, code_points)[0];
  py::dict d;
  d["driver"] = e.driver;
  d["probability"] = e.probability;
  d["threshold"] = e.threshold;
  d["terms"] = terms;
  const bool sentiment = !std::isnan(e.positive);
  d["polarity"] = e.polarity.empty() ? py::object(py::none()) : py::object(py::str(e.polarity));
  d["positive"] = sentiment ? py::object(py::float_(e.positive)) : py::object(py::none());
  d["negative"] = sentiment ? py::object(py::float_(e.negative)) : py::object(py::none());
  return d;
}

}  // namespace

// Shared with bindings/labelling.cpp (cross_validate): the dict of DriverClassifier.evaluate.
py::dict perche_py::evaluation_dict(const Evaluation& e) {
  py::dict per;
  for (const auto& s : e.drivers) {
    py::dict d;
    d["precision"] = s.precision;
    d["recall"] = s.recall;
    d["f1"] = s.f1;
    d["support"] = s.support;
    per[py::str(s.driver)] = d;
  }
  py::dict out;
  out["drivers"] = per;
  out["micro_precision"] = e.micro_precision;
  out["micro_recall"] = e.micro_recall;
  out["micro_f1"] = e.micro_f1;
  out["macro_precision"] = e.macro_precision;
  out["macro_recall"] = e.macro_recall;
  out["macro_f1"] = e.macro_f1;
  return out;
}

void bind_classify(py::module_& m) {
  py::register_exception<FormatError>(m, "FormatError", PyExc_ValueError);

  py::enum_<Analyzer>(m, "Analyzer")
      .value("word", Analyzer::word)
      .value("char_wb", Analyzer::char_wb)
      .value("both", Analyzer::both);
  py::enum_<ThresholdPolicy>(m, "ThresholdPolicy")
      .value("per_driver", ThresholdPolicy::per_driver)
      .value("global_", ThresholdPolicy::global);
  py::enum_<Norm>(m, "Norm").value("l2", Norm::l2).value("l1", Norm::l1).value("none", Norm::none);

  py::class_<TfidfOptions>(m, "TfidfOptions")
      .def(py::init<>())
      .def_property(
          "tokenizer", [](const TfidfOptions& o) { return text::Tokenizer(o.tokenizer); },
          [](TfidfOptions& o, const text::Tokenizer& t) { o.tokenizer = t.options(); })
      .def_readwrite("analyzer", &TfidfOptions::analyzer)
      .def_readwrite("ngram_min", &TfidfOptions::ngram_min)
      .def_readwrite("ngram_max", &TfidfOptions::ngram_max)
      .def_readwrite("char_min", &TfidfOptions::char_min)
      .def_readwrite("char_max", &TfidfOptions::char_max)
      .def_property(
          "min_df", [](const TfidfOptions& o) { return py::make_tuple(o.min_df.value, o.min_df.share); },
          [](TfidfOptions& o, std::pair<double, bool> v) {
            o.min_df = {v.first, v.second};
          })
      .def_property(
          "max_df", [](const TfidfOptions& o) { return py::make_tuple(o.max_df.value, o.max_df.share); },
          [](TfidfOptions& o, std::pair<double, bool> v) {
            o.max_df = {v.first, v.second};
          })
      .def_readwrite("max_features", &TfidfOptions::max_features)
      .def_readwrite("sublinear_tf", &TfidfOptions::sublinear_tf)
      .def_readwrite("use_idf", &TfidfOptions::use_idf)
      .def_readwrite("smooth_idf", &TfidfOptions::smooth_idf)
      .def_readwrite("norm", &TfidfOptions::norm);

  py::class_<LogisticOptions>(m, "LogisticOptions")
      .def(py::init<>())
      .def_readwrite("C", &LogisticOptions::C)
      .def_readwrite("fit_intercept", &LogisticOptions::fit_intercept)
      .def_readwrite("balanced", &LogisticOptions::balanced)
      .def_readwrite("tol", &LogisticOptions::tol)
      .def_readwrite("max_iter", &LogisticOptions::max_iter)
      .def_property(
          "solver", [](const LogisticOptions& o) { return o.solver == Solver::newton ? "newton" : "lbfgs"; },
          [](LogisticOptions& o, const std::string& name) {
            if (name == "lbfgs")
              o.solver = Solver::lbfgs;
            else if (name == "newton")
              o.solver = Solver::newton;
            else
              throw py::value_error("solver '" + name + "' is unknown (expected \"lbfgs\" or \"newton\")");
          });

  py::class_<DriverOptions>(m, "DriverOptions")
      .def(py::init<>())
      .def_readwrite("features", &DriverOptions::features)
      .def_readwrite("logistic", &DriverOptions::logistic)
      .def_readwrite("cv_folds", &DriverOptions::cv_folds)
      .def_readwrite("threshold", &DriverOptions::threshold)
      .def_readwrite("threshold_policy", &DriverOptions::threshold_policy)
      .def_readwrite("sentiment", &DriverOptions::sentiment)
      .def_readwrite("nb_scale", &DriverOptions::nb_scale)
      .def_readwrite("polarity_C", &DriverOptions::polarity_C)
      .def_readwrite("threads", &DriverOptions::threads)
      .def_readwrite("seed", &DriverOptions::seed);

  // Every call on a model object goes through perche_py::read/shared/replace (guard.hpp): fit
  // builds a new object and publishes it, so that threads sharing one object never see a mix.
  using perche_py::read;
  using perche_py::replace;
  using perche_py::shared;

  py::class_<TfidfVectorizer>(m, "TfidfVectorizer")
      .def(py::init<TfidfOptions>(), py::arg("options"))
      .def_property_readonly("options", [](const TfidfVectorizer& v) { return read(&v, [&] { return v.options(); }); })
      .def(
          "fit_transform",
          [](TfidfVectorizer& v, const py::object& docs, perche_py::Threads threads) {
            return perche_py::csr_of(
                with_docs(docs, "TfidfVectorizer.fit_transform", utf8_policy(v), [&](const auto& d) {
                  TfidfVectorizer fresh(shared(&v, [&] { return v.options(); }));
                  SparseMatrix X = fresh.fit_transform(d, threads);
                  replace(v, std::move(fresh));
                  return X;
                }));
          },
          py::arg("docs"), py::arg("threads") = 0)
      .def(
          "transform",
          [](const TfidfVectorizer& v, const py::object& docs, perche_py::Threads threads) {
            return perche_py::csr_of(with_docs(docs, "TfidfVectorizer.transform", utf8_policy(v), [&](const auto& d) {
              return shared(&v, [&] { return v.transform(d, threads); });
            }));
          },
          py::arg("docs"), py::arg("threads") = 0)
      .def_property_readonly("fitted", [](const TfidfVectorizer& v) { return read(&v, [&] { return v.fitted(); }); })
      .def_property_readonly("features",
                             [](const TfidfVectorizer& v) { return read(&v, [&] { return v.features(); }); })
      .def_property_readonly("idf",
                             [](const TfidfVectorizer& v) { return numpy_of(read(&v, [&] { return v.idf(); })); })
      .def(
          "column",
          [](const TfidfVectorizer& v, const std::string& f) { return read(&v, [&] { return v.column(f); }); },
          py::arg("feature"))
      .def("_parts",  // features and idf read together (pickling), None before fit
           [](const TfidfVectorizer& v) -> py::object {
             auto parts =
                 read(&v, [&] { return v.fitted() ? std::optional(std::pair(v.features(), v.idf())) : std::nullopt; });
             if (!parts) return py::none();
             return py::make_tuple(py::cast(std::move(parts->first)), numpy_of(std::move(parts->second)));
           })
      .def_static(
          "from_parts",
          [](const TfidfOptions& options, std::vector<std::string> features, const Doubles& idf) {
            std::vector<double> values(idf.data(), idf.data() + idf.size());
            py::gil_scoped_release release;
            return TfidfVectorizer::from_parts(options, std::move(features), std::move(values));
          },
          py::arg("options"), py::arg("features"), py::arg("idf"))
      .def("_adopt", [](TfidfVectorizer& self, const TfidfVectorizer& other) {
        py::gil_scoped_release release;
        replace(self, shared(&other, [&] { return other; }));
      });

  py::class_<LogisticRegression>(m, "LogisticRegression")
      .def(py::init<LogisticOptions>(), py::arg("options"))
      .def_property_readonly("options",
                             [](const LogisticRegression& lr) { return read(&lr, [&] { return lr.options(); }); })
      .def(
          "fit",
          [](LogisticRegression& lr, const SparseMatrix& X, const std::vector<int>& y,
             const std::vector<double>& w) -> LogisticRegression& {
            py::gil_scoped_release release;
            LogisticRegression fresh(shared(&lr, [&] { return lr.options(); }));
            fresh.fit(X, y, w);
            replace(lr, std::move(fresh));
            return lr;
          },
          py::arg("X"), py::arg("y"), py::arg("sample_weight") = std::vector<double>{},
          py::return_value_policy::reference)
      .def(
          "predict_proba",
          [](const LogisticRegression& lr, const SparseMatrix& X) {
            return read(&lr, [&] { return lr.predict_proba(X); });
          },
          py::arg("X"))
      .def(
          "predict",
          [](const LogisticRegression& lr, const SparseMatrix& X) { return read(&lr, [&] { return lr.predict(X); }); },
          py::arg("X"))
      .def(
          "decision_function",
          [](const LogisticRegression& lr, const SparseMatrix& X) {
            return read(&lr, [&] { return lr.decision_function(X); });
          },
          py::arg("X"))
      .def_property_readonly("classes",
                             [](const LogisticRegression& lr) { return read(&lr, [&] { return lr.classes(); }); })
      .def_property_readonly("coef",
                             [](const LogisticRegression& lr) { return read(&lr, [&] { return Matrix(lr.coef()); }); })
      .def_property_readonly(
          "intercept", [](const LogisticRegression& lr) { return numpy_of(read(&lr, [&] { return lr.intercept(); })); })
      .def_property_readonly("n_iter",
                             [](const LogisticRegression& lr) { return read(&lr, [&] { return lr.n_iter(); }); })
      .def_static("from_parts", &LogisticRegression::from_parts, py::arg("options"), py::arg("classes"),
                  py::arg("coef"), py::arg("intercept"))
      .def("_adopt", [](LogisticRegression& self, const LogisticRegression& other) {
        py::gil_scoped_release release;
        replace(self, shared(&other, [&] { return other; }));
      });

  py::class_<DriverClassifier>(m, "DriverClassifier")
      .def(py::init<std::vector<std::string>, DriverOptions>(), py::arg("drivers"), py::arg("options"))
      .def(
          "fit",
          [](DriverClassifier& c, const py::iterable& texts, const LabelMatrix& Y,
             const std::optional<std::vector<std::string>>& drivers, const std::optional<LabelMatrix>& positive,
             const std::optional<LabelMatrix>& negative) -> DriverClassifier& {
            if (positive.has_value() != negative.has_value())
              throw py::value_error("DriverClassifier.fit: give both positive and negative labels, or neither");
            const perche_py::Utf8Texts owned(texts, "DriverClassifier.fit", utf8_policy(c));
            const auto& v = owned.views();
            py::gil_scoped_release release;
            auto [names, options] = shared(&c, [&] { return std::pair(c.drivers(), c.options()); });
            DriverClassifier fresh(drivers ? *drivers : names, options);
            if (positive)
              fresh.fit(v, Y, *positive, *negative);
            else
              fresh.fit(v, Y);
            replace(c, std::move(fresh));
            return c;
          },
          py::arg("texts"), py::arg("Y"), py::arg("drivers") = py::none(), py::arg("positive") = py::none(),
          py::arg("negative") = py::none(), py::return_value_policy::reference)
      .def_property_readonly("has_sentiment",
                             [](const DriverClassifier& c) { return read(&c, [&] { return c.has_sentiment(); }); })
      .def_property_readonly("polarity_threshold",
                             [](const DriverClassifier& c) { return read(&c, [&] { return c.polarity_threshold(); }); })
      .def(
          "predict_polarity",
          [](const DriverClassifier& c, const py::iterable& texts) {
            const perche_py::Utf8Texts owned(texts, "DriverClassifier.predict_polarity", utf8_policy(c));
            const auto& v = owned.views();
            Polarity p = read(&c, [&] { return c.predict_polarity(v); });
            return py::make_tuple(std::move(p.positive), std::move(p.negative));
          },
          py::arg("texts"))
      .def(
          "predict_polarity_proba",
          [](const DriverClassifier& c, const py::iterable& texts) {
            const perche_py::Utf8Texts owned(texts, "DriverClassifier.predict_polarity_proba", utf8_policy(c));
            const auto& v = owned.views();
            auto p = read(&c, [&] { return c.predict_polarity_proba(v); });
            return py::make_tuple(std::move(p.first), std::move(p.second));
          },
          py::arg("texts"))
      .def(
          "predict_proba_with_polarity",
          [](const DriverClassifier& c, const py::iterable& texts, std::optional<double> threshold,
             const py::object& sentiment_model) -> py::tuple {
            // A py::object, not a pointer argument: this signature is rendered when the method is
            // registered, before SentimentClassifier's binding, and would name the raw C++ type.
            const SentimentClassifier* sentiment = nullptr;
            if (!sentiment_model.is_none()) {
              if (!py::isinstance<SentimentClassifier>(sentiment_model))
                throw py::type_error(
                    "DriverClassifier.predict_proba_with_polarity: sentiment must be a SentimentClassifier");
              sentiment = sentiment_model.cast<const SentimentClassifier*>();
            }
            const perche_py::Utf8Texts owned(texts, "DriverClassifier.predict_proba_with_polarity", utf8_policy(c));
            const auto& v = owned.views();
            // A copy of the sentiment model taken under its own lock: a call holds one lock at a time.
            std::optional<SentimentClassifier> s;
            if (sentiment) {
              py::gil_scoped_release release;
              s = shared(sentiment, [&] { return *sentiment; });
            }
            PresencePolarity p =
                read(&c, [&] { return c.predict_proba_with_polarity(v, threshold, s ? &*s : nullptr); });
            if (s)
              return py::make_tuple(std::move(p.presence), std::move(p.positive), std::move(p.negative),
                                    std::move(p.sentiment));
            return py::make_tuple(std::move(p.presence), std::move(p.positive), std::move(p.negative));
          },
          py::arg("texts"), py::arg("threshold") = py::none(), py::arg("sentiment") = py::none())
      .def_property_readonly("fitted", [](const DriverClassifier& c) { return read(&c, [&] { return c.fitted(); }); })
      .def_property_readonly("drivers", [](const DriverClassifier& c) { return read(&c, [&] { return c.drivers(); }); })
      .def_property(
          "labels", [](const DriverClassifier& c) { return read(&c, [&] { return c.labels(); }); },
          [](DriverClassifier& c, std::vector<std::string> labels) {
            py::gil_scoped_release release;
            DriverClassifier copy = shared(&c, [&] { return c; });
            copy.set_labels(std::move(labels));
            replace(c, std::move(copy));
          },
          "Display names of the drivers, one per driver in `drivers` order ([] : none); saved with the model.")
      .def_property_readonly("options", [](const DriverClassifier& c) { return read(&c, [&] { return c.options(); }); })
      .def_property_readonly("thresholds",
                             [](const DriverClassifier& c) { return read(&c, [&] { return c.thresholds(); }); })
      .def_property_readonly(
          "training_top_quantiles",
          [](const DriverClassifier& c) { return read(&c, [&] { return c.training_top_quantiles(); }); },
          "The training comments' highest driver probability at 21 quantiles (0, 5%, …, 100%), out of fold; "
          "[] for a model saved before format version 5. The domain guard compares new comments with it.")
      .def_property_readonly("vectorizer",
                             [](const DriverClassifier& c) { return read(&c, [&] { return c.vectorizer(); }); })
      .def(
          "model", [](const DriverClassifier& c, std::size_t j) { return read(&c, [&] { return c.model(j); }); },
          py::arg("driver"))
      .def(
          "predict_proba",
          [](const DriverClassifier& c, const py::iterable& texts) {
            const perche_py::Utf8Texts owned(texts, "DriverClassifier.predict_proba", utf8_policy(c));
            const auto& v = owned.views();
            return read(&c, [&] { return c.predict_proba(std::span<const std::string_view>(v)); });
          },
          py::arg("texts"))
      .def(
          "predict",
          [](const DriverClassifier& c, const py::iterable& texts) {
            const perche_py::Utf8Texts owned(texts, "DriverClassifier.predict", utf8_policy(c));
            const auto& v = owned.views();
            return read(&c, [&] { return c.predict(v); });
          },
          py::arg("texts"))
      .def(
          "predict_proba_one",
          [](const DriverClassifier& c, const py::handle& text) {
            bool cp = true;
            const std::string s =
                perche_py::utf8_text_of(text, cp, utf8_policy(c), "DriverClassifier.predict_proba_one");
            const std::vector<double> p = read(&c, [&] { return c.predict_proba(std::string_view(s)); });
            py::array_t<double> out(static_cast<py::ssize_t>(p.size()));
            std::copy(p.begin(), p.end(), out.mutable_data());
            return out;
          },
          py::arg("text"))
      .def(
          "top_k",
          [](const DriverClassifier& c, const py::handle& text, perche_py::K k) {
            bool cp = true;
            const std::string s = perche_py::utf8_text_of(text, cp, utf8_policy(c), "DriverClassifier.top_k");
            const auto top = read(&c, [&] {
              std::vector<std::pair<std::string, double>> named;
              for (const auto& [j, p] : c.top_k(s, k)) named.emplace_back(c.drivers()[j], p);
              return named;
            });
            py::list out;
            for (const auto& [name, p] : top) out.append(py::make_tuple(name, p));
            return out;
          },
          py::arg("text"), py::arg("k") = 3)
      .def(
          "explain",
          [](const DriverClassifier& c, const py::handle& text, perche_py::MaxTerms max_terms) {
            bool cp = true;
            const std::string s = perche_py::utf8_text_of(text, cp, utf8_policy(c), "DriverClassifier.explain");
            const std::vector<Explanation> ex = read(&c, [&] { return c.explain(s, max_terms); });
            py::list out;
            for (const auto& e : ex) out.append(explanation_dict(e, s, cp));
            return out;
          },
          py::arg("text"), py::arg("max_terms") = 10)
      .def(
          "top_terms",
          [](const DriverClassifier& c, const py::object& driver, perche_py::K k) {
            if (py::isinstance<py::str>(driver)) {
              const auto name = driver.cast<std::string>();
              return read(&c, [&] { return c.top_terms(name, k); });
            }
            const auto j = driver.cast<std::size_t>();
            return read(&c, [&] { return c.top_terms(j, k); });
          },
          py::arg("driver"), py::arg("k") = 20)
      .def(
          "evaluate",
          [](const DriverClassifier& c, const py::iterable& texts, const LabelMatrix& Y) {
            const perche_py::Utf8Texts owned(texts, "DriverClassifier.evaluate", utf8_policy(c));
            const auto& v = owned.views();
            return evaluation_dict(read(&c, [&] { return c.evaluate(v, Y); }));
          },
          py::arg("texts"), py::arg("Y"))
      .def(
          "set_threads",
          [](DriverClassifier& c, perche_py::Threads threads) {
            py::gil_scoped_release release;
            DriverClassifier copy = shared(&c, [&] { return c; });
            copy.set_threads(threads);
            replace(c, std::move(copy));
          },
          py::arg("threads"))
      .def("to_bytes", [](const DriverClassifier& c) { return py::bytes(read(&c, [&] { return c.to_bytes(); })); })
      .def_static(
          "from_bytes", [](const py::bytes& b) { return DriverClassifier::from_bytes(std::string(b)); },
          py::arg("data"))
      .def(
          "save", [](const DriverClassifier& c, const std::string& path) { read(&c, [&] { c.save(path); }); },
          py::arg("path"))
      .def_static("load", &DriverClassifier::load, py::arg("path"),
                  py::arg("max_bytes") = DriverClassifier::kMaxModelBytes, py::call_guard<py::gil_scoped_release>())
      .def_readonly_static("MAX_MODEL_BYTES", &DriverClassifier::kMaxModelBytes)
      .def("_adopt", [](DriverClassifier& self, const DriverClassifier& other) {
        py::gil_scoped_release release;
        replace(self, shared(&other, [&] { return other; }));
      });

  m.def(
      "evaluate",
      [](const LabelMatrix& truth, const LabelMatrix& predicted, const std::vector<std::string>& names) {
        return evaluation_dict(evaluate(truth, predicted, names));
      },
      py::arg("truth"), py::arg("predicted"), py::arg("names"));
}
