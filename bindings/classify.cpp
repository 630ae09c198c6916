// SPDX-License-Identifier: Apache-2.0
// Python bindings of perche/classify.hpp. Sparse matrices cross as scipy.sparse.csr_matrix; texts
// as lists of str; the option structs are plain attribute bags that python/perche/classify.py fills
// from keyword arguments. Offsets in explanations are code points of a str input.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <perche/classify.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common.hpp"

namespace py = pybind11;
using namespace perche;

namespace {

bool is_pretokenized(const py::sequence& docs) {
  return py::len(docs) > 0 && !py::isinstance<py::str>(docs[0]) && !py::isinstance<py::bytes>(docs[0]);
}

// The UTF-8 policy of a model's tokenizer, which a str's lone surrogates get too (common.hpp).
text::Utf8Policy utf8_policy(const TfidfVectorizer& v) { return v.options().tokenizer.utf8; }
text::Utf8Policy utf8_policy(const DriverClassifier& c) { return c.options().features.tokenizer.utf8; }

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

// X as a scipy.sparse.csr_matrix without copying its values: the data array views X, moved to
// the heap and kept alive by a capsule. indices and indptr are converted to int32 when they fit,
// the type scipy gives them anyway. (pybind11's Eigen caster copies all three arrays, and scipy
// then scans the int64 indices and copies them again to int32.)
py::object csr_of(SparseMatrix&& matrix) {
  auto held = std::make_unique<SparseMatrix>(std::move(matrix));
  SparseMatrix* X = held.get();
  const py::capsule owner(X, [](void* p) { delete static_cast<SparseMatrix*>(p); });
  held.release();  // the capsule owns it now
  const auto nnz = static_cast<py::ssize_t>(X->nonZeros());
  const auto rows = static_cast<py::ssize_t>(X->rows());
  const auto cols = static_cast<py::ssize_t>(X->cols());
  const py::array_t<double> data = nnz ? py::array_t<double>(nnz, X->valuePtr(), owner) : py::array_t<double>(0);
  py::object indices, indptr;
  if (std::max<py::ssize_t>(nnz, cols) <= std::numeric_limits<std::int32_t>::max()) {
    py::array_t<std::int32_t> ind(nnz), ptr(rows + 1);
    std::copy(X->innerIndexPtr(), X->innerIndexPtr() + nnz, ind.mutable_data());
    std::copy(X->outerIndexPtr(), X->outerIndexPtr() + rows + 1, ptr.mutable_data());
    indices = std::move(ind);
    indptr = std::move(ptr);
  } else {
    indices = py::array_t<std::int64_t>(nnz, X->innerIndexPtr(), owner);
    indptr = py::array_t<std::int64_t>(rows + 1, X->outerIndexPtr(), owner);
  }
  return py::module_::import("scipy.sparse")
      .attr("csr_matrix")(py::make_tuple(data, indices, indptr), py::arg("shape") = py::make_tuple(rows, cols),
                          py::arg("copy") = false);
}

py::dict explanation_dict(const Explanation& e, const std::string& text, bool code_points) {
  py::list terms;
  for (const auto& c : e.terms) {
    py::list spans;
    for (const auto& [s, t] : c.spans) {
      perche_py::CodePoints cp(text);
      const std::size_t a = code_points ? cp(s) : s;
      const std::size_t b = code_points ? cp(t) : t;
      spans.append(py::make_tuple(a, b));
    }
    py::dict d;
    d["term"] = c.term;
    d["weight"] = c.weight;
    d["spans"] = spans;
    terms.append(d);
  }
  py::dict d;
  d["driver"] = e.driver;
  d["probability"] = e.probability;
  d["threshold"] = e.threshold;
  d["terms"] = terms;
  return d;
}

py::dict evaluation_dict(const Evaluation& e) {
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

}  // namespace

void bind_classify(py::module_& m) {
  py::register_exception<FormatError>(m, "FormatError", PyExc_ValueError);

  py::enum_<Analyzer>(m, "Analyzer").value("word", Analyzer::word).value("char_wb", Analyzer::char_wb).value("both", Analyzer::both);
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
      .def_property("min_df", [](const TfidfOptions& o) { return py::make_tuple(o.min_df.value, o.min_df.share); },
                    [](TfidfOptions& o, std::pair<double, bool> v) { o.min_df = {v.first, v.second}; })
      .def_property("max_df", [](const TfidfOptions& o) { return py::make_tuple(o.max_df.value, o.max_df.share); },
                    [](TfidfOptions& o, std::pair<double, bool> v) { o.max_df = {v.first, v.second}; })
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
      .def_readwrite("threads", &DriverOptions::threads)
      .def_readwrite("seed", &DriverOptions::seed);

  py::class_<TfidfVectorizer>(m, "TfidfVectorizer")
      .def(py::init<TfidfOptions>(), py::arg("options"))
      .def_property_readonly("options", &TfidfVectorizer::options)
      .def(
          "fit_transform",
          [](TfidfVectorizer& v, const py::object& docs, unsigned threads) {
            return csr_of(with_docs(docs, "TfidfVectorizer.fit_transform", utf8_policy(v),
                                    [&](const auto& d) { return v.fit_transform(d, threads); }));
          },
          py::arg("docs"), py::arg("threads") = 0)
      .def(
          "transform",
          [](const TfidfVectorizer& v, const py::object& docs, unsigned threads) {
            return csr_of(with_docs(docs, "TfidfVectorizer.transform", utf8_policy(v),
                                    [&](const auto& d) { return v.transform(d, threads); }));
          },
          py::arg("docs"), py::arg("threads") = 0)
      .def_property_readonly("fitted", &TfidfVectorizer::fitted)
      .def_property_readonly("features", &TfidfVectorizer::features)
      .def_property_readonly("idf", &TfidfVectorizer::idf)
      .def("column", &TfidfVectorizer::column, py::arg("feature"))
      .def_static("from_parts", &TfidfVectorizer::from_parts, py::arg("options"), py::arg("features"), py::arg("idf"))
      .def("_adopt", [](TfidfVectorizer& self, const TfidfVectorizer& other) { self = other; });

  py::class_<LogisticRegression>(m, "LogisticRegression")
      .def(py::init<LogisticOptions>(), py::arg("options"))
      .def_property_readonly("options", &LogisticRegression::options)
      .def(
          "fit",
          [](LogisticRegression& lr, const SparseMatrix& X, const std::vector<int>& y, const std::vector<double>& w) -> LogisticRegression& {
            py::gil_scoped_release release;
            return lr.fit(X, y, w);
          },
          py::arg("X"), py::arg("y"), py::arg("sample_weight") = std::vector<double>{}, py::return_value_policy::reference)
      .def("predict_proba", &LogisticRegression::predict_proba, py::arg("X"), py::call_guard<py::gil_scoped_release>())
      .def("predict", &LogisticRegression::predict, py::arg("X"), py::call_guard<py::gil_scoped_release>())
      .def("decision_function", &LogisticRegression::decision_function, py::arg("X"), py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("classes", &LogisticRegression::classes)
      .def_property_readonly("coef", &LogisticRegression::coef)
      .def_property_readonly("intercept", &LogisticRegression::intercept)
      .def_property_readonly("n_iter", &LogisticRegression::n_iter);

  py::class_<DriverClassifier>(m, "DriverClassifier")
      .def(py::init<std::vector<std::string>, DriverOptions>(), py::arg("drivers"), py::arg("options"))
      .def(
          "fit",
          [](DriverClassifier& c, const py::iterable& texts, const LabelMatrix& Y) -> DriverClassifier& {
            const perche_py::Utf8Texts owned(texts, "DriverClassifier.fit", utf8_policy(c));
            const auto& v = owned.views();
            py::gil_scoped_release release;
            return c.fit(v, Y);
          },
          py::arg("texts"), py::arg("Y"), py::return_value_policy::reference)
      .def_property_readonly("fitted", &DriverClassifier::fitted)
      .def_property_readonly("drivers", &DriverClassifier::drivers)
      .def_property_readonly("options", &DriverClassifier::options)
      .def_property_readonly("thresholds", &DriverClassifier::thresholds)
      .def_property_readonly("vectorizer", &DriverClassifier::vectorizer)
      .def("model", &DriverClassifier::model, py::arg("driver"), py::return_value_policy::copy)
      .def(
          "predict_proba",
          [](const DriverClassifier& c, const py::iterable& texts) {
            const perche_py::Utf8Texts owned(texts, "DriverClassifier.predict_proba", utf8_policy(c));
            const auto& v = owned.views();
            py::gil_scoped_release release;
            return c.predict_proba(std::span<const std::string_view>(v));
          },
          py::arg("texts"))
      .def(
          "predict",
          [](const DriverClassifier& c, const py::iterable& texts) {
            const perche_py::Utf8Texts owned(texts, "DriverClassifier.predict", utf8_policy(c));
            const auto& v = owned.views();
            py::gil_scoped_release release;
            return c.predict(v);
          },
          py::arg("texts"))
      .def(
          "predict_proba_one",
          [](const DriverClassifier& c, const py::handle& text) {
            bool cp = true;
            const std::string s = perche_py::utf8_text_of(text, cp, utf8_policy(c), "DriverClassifier.predict_proba_one");
            std::vector<double> p;
            {
              py::gil_scoped_release release;
              p = c.predict_proba(std::string_view(s));
            }
            py::array_t<double> out(static_cast<py::ssize_t>(p.size()));
            std::copy(p.begin(), p.end(), out.mutable_data());
            return out;
          },
          py::arg("text"))
      .def(
          "top_k",
          [](const DriverClassifier& c, const py::handle& text, std::size_t k) {
            bool cp = true;
            const std::string s = perche_py::utf8_text_of(text, cp, utf8_policy(c), "DriverClassifier.top_k");
            py::list out;
            for (const auto& [j, p] : c.top_k(s, k)) out.append(py::make_tuple(c.drivers()[j], p));
            return out;
          },
          py::arg("text"), py::arg("k") = 3)
      .def(
          "explain",
          [](const DriverClassifier& c, const py::handle& text, std::size_t max_terms) {
            bool cp = true;
            const std::string s = perche_py::utf8_text_of(text, cp, utf8_policy(c), "DriverClassifier.explain");
            std::vector<Explanation> ex;
            {
              py::gil_scoped_release release;
              ex = c.explain(s, max_terms);
            }
            py::list out;
            for (const auto& e : ex) out.append(explanation_dict(e, s, cp));
            return out;
          },
          py::arg("text"), py::arg("max_terms") = 10)
      .def(
          "top_terms",
          [](const DriverClassifier& c, const py::object& driver, std::size_t k) {
            if (py::isinstance<py::str>(driver)) return c.top_terms(driver.cast<std::string>(), k);
            return c.top_terms(driver.cast<std::size_t>(), k);
          },
          py::arg("driver"), py::arg("k") = 20)
      .def(
          "evaluate",
          [](const DriverClassifier& c, const py::iterable& texts, const LabelMatrix& Y) {
            const perche_py::Utf8Texts owned(texts, "DriverClassifier.evaluate", utf8_policy(c));
            const auto& v = owned.views();
            Evaluation e;
            {
              py::gil_scoped_release release;
              e = c.evaluate(v, Y);
            }
            return evaluation_dict(e);
          },
          py::arg("texts"), py::arg("Y"))
      .def("to_bytes", [](const DriverClassifier& c) { return py::bytes(c.to_bytes()); })
      .def_static("from_bytes", [](const py::bytes& b) { return DriverClassifier::from_bytes(std::string(b)); }, py::arg("data"))
      .def("save", &DriverClassifier::save, py::arg("path"), py::call_guard<py::gil_scoped_release>())
      .def_static("load", &DriverClassifier::load, py::arg("path"), py::call_guard<py::gil_scoped_release>())
      .def("_adopt", [](DriverClassifier& self, const DriverClassifier& other) { self = other; });

  m.def(
      "evaluate",
      [](const LabelMatrix& truth, const LabelMatrix& predicted, const std::vector<std::string>& names) {
        return evaluation_dict(evaluate(truth, predicted, names));
      },
      py::arg("truth"), py::arg("predicted"), py::arg("names"));
}
