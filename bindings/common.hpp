// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the binding files: Python text in, offsets out.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/typing.h>

#include <perche/classify.hpp>  // Contribution
#include <perche/text.hpp>      // Utf8Policy

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <deque>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../src/text/unicode.hpp"  // append_utf8 (private, ICU-free)

namespace perche_py {

namespace py = pybind11;

// Integer arguments that Python gives as any int: a negative or huge value is one ValueError
// naming it ("threads -1 is not an integer in [0, 4294967295]"), where an `unsigned` parameter gave
// pybind11's "incompatible function arguments".
template <class Tag>
struct Count {
  typename Tag::type value = 0;
  operator typename Tag::type() const { return value; }  // NOLINT: used as the number it is
};
struct ThreadsTag {  // a number of threads, 0: every core (the C++ calls cap it)
  using type = unsigned;
  static constexpr const char* name = "threads";
  static constexpr unsigned long long max = 0xFFFFFFFFull;
};
struct MaxTermsTag {
  using type = std::size_t;
  static constexpr const char* name = "max_terms";
  static constexpr unsigned long long max = 0x7FFFFFFFFFFFFFFFull;
};
struct KTag {
  using type = std::size_t;
  static constexpr const char* name = "k";
  static constexpr unsigned long long max = 0x7FFFFFFFFFFFFFFFull;
};
using Threads = Count<ThreadsTag>;
using MaxTerms = Count<MaxTermsTag>;
using K = Count<KTag>;

// Pickling of a plain result struct as the tuple of its fields `fields` (list every field, shown to
// Python or not) and its instance __dict__ (n_omitted on a dynamic_attr class): a result made in
// one process is used in another (multiprocessing, joblib, Spark). A state of another length is
// refused naming the class.
template <class T, class... Options, class... M>
void pickle_fields(py::class_<T, Options...>& cls, const std::string& name, M T::*... fields) {
  constexpr std::size_t n = sizeof...(M);
  cls.def(py::pickle(
      [=](const py::object& self) {
        const T& v = self.cast<const T&>();
        return py::make_tuple(v.*fields..., py::getattr(self, "__dict__", py::dict()));
      },
      [=](const py::tuple& t) {
        if (t.size() != n + 1)
          throw std::invalid_argument(name + ": a pickled state has " + std::to_string(t.size()) + " items (expected " +
                                      std::to_string(n + 1) + ")");
        T v{};
        std::size_t i = 0;
        ((v.*fields = t[i++].template cast<M>()), ...);
        return std::make_pair(std::move(v), t[n].cast<py::dict>());
      }));
}

// What a text argument takes, str or bytes (UTF-8): the name the signatures, and so the generated
// perche/_core.pyi, show for it. It checks nothing at the call (utf8_view names a wrong type in its
// TypeError). Not pybind11's typing::Union, whose check takes a reference to the argument's type
// on every call and never gives it back (PyObject_Type).
inline int any_object(PyObject*) { return 1; }
class Text : public py::object {
 public:
  PYBIND11_OBJECT_DEFAULT(Text, py::object, any_object)
};
using Texts = py::typing::Iterable<Text>;  // collections.abc.Iterable[str | bytes]: any iterable

// Lone surrogates found in a str (which is then not valid Unicode): how many, and the first.
struct Surrogates {
  std::size_t count = 0;
  std::size_t first_index = 0;
  unsigned first_value = 0;
};

// UTF-8 bytes of a str, or of a bytes object as it is, without a copy where Python holds them
// already (the view lives as long as obj): a str's cached UTF-8 form, a bytes object's buffer.
// A str with a lone surrogate (not valid Unicode, so Python has no UTF-8 form) is encoded into
// `storage`, each surrogate as U+FFFD (one code point for one, so offsets stay right), and
// counted in `surrogates`. code_points tells how offsets are counted.
inline std::string_view utf8_view(const py::handle& obj, bool& code_points, std::string& storage,
                                  Surrogates* surrogates = nullptr) {
  if (PyBytes_Check(obj.ptr())) {
    code_points = false;
    return {PyBytes_AS_STRING(obj.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(obj.ptr()))};
  }
  if (!PyUnicode_Check(obj.ptr()))
    throw py::type_error("expected str or bytes, got " +
                         std::string(py::str(py::type::handle_of(obj).attr("__name__"))));
  code_points = true;
  Py_ssize_t n = 0;
  if (const char* s = PyUnicode_AsUTF8AndSize(obj.ptr(), &n)) return {s, static_cast<std::size_t>(n)};
  PyErr_Clear();
  storage.clear();
  const Py_ssize_t len = PyUnicode_GET_LENGTH(obj.ptr());
  const int kind = PyUnicode_KIND(obj.ptr());
  const void* data = PyUnicode_DATA(obj.ptr());
  for (Py_ssize_t i = 0; i < len; ++i) {
    char32_t c = PyUnicode_READ(kind, data, i);
    if (c >= 0xD800 && c <= 0xDFFF) {
      if (surrogates && surrogates->count++ == 0) {
        surrogates->first_index = static_cast<std::size_t>(i);
        surrogates->first_value = static_cast<unsigned>(c);
      }
      c = 0xFFFD;
    }
    perche::text::detail::append_utf8(storage, c);
  }
  return storage;
}

// The error for a lone surrogate under Utf8Policy::strict, worded as the tokenizer's:
// "WHAT: text 3: lone surrogate U+D800 at index 5 (...)", the index in code points of the str.
[[noreturn]] inline void surrogate_error(std::string_view what, std::string_view where, const Surrogates& s) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "U+%04X", s.first_value);
  throw py::value_error(std::string(what) + ": " + std::string(where) + "lone surrogate " + hex + " at index " +
                        std::to_string(s.first_index) + " (not valid Unicode; utf8=\"replace\" substitutes U+FFFD)");
}

// utf8_view under a UTF-8 policy, the one rule of every entry point that takes text: each lone
// surrogate becomes one U+FFFD (added to *replaced when given) or, under Utf8Policy::strict, a
// ValueError naming `what`, `where` (e.g. "text 3: ") and the surrogate's code-point index.
inline std::string_view utf8_text(const py::handle& obj, bool& code_points, std::string& storage,
                                  perche::text::Utf8Policy policy, std::string_view what, std::string_view where = "",
                                  std::size_t* replaced = nullptr) {
  Surrogates bad;
  const std::string_view v = utf8_view(obj, code_points, storage, &bad);
  if (bad.count && policy == perche::text::Utf8Policy::strict) surrogate_error(what, where, bad);
  if (replaced) *replaced += bad.count;
  return v;
}

// utf8_text copied into a string the caller owns.
inline std::string utf8_text_of(const py::handle& obj, bool& code_points, perche::text::Utf8Policy policy,
                                std::string_view what) {
  std::string storage;
  const std::string_view v = utf8_text(obj, code_points, storage, policy, what);
  return v.data() == storage.data() ? std::move(storage) : std::string(v);
}

// utf8_view copied into a string the caller owns.
inline std::string utf8_of(const py::handle& obj, bool& code_points, Surrogates* surrogates = nullptr) {
  std::string storage;
  const std::string_view v = utf8_view(obj, code_points, storage, surrogates);
  return v.data() == storage.data() ? std::move(storage) : std::string(v);
}

using perche::text::detail::CodePoints;  // byte offsets → code-point offsets (src/text/unicode.hpp)

// Throws TypeError unless element i of the argument `what` is str or bytes.
inline void check_text(const py::handle& t, const char* what, std::size_t i) {
  if (!py::isinstance<py::str>(t) && !py::isinstance<py::bytes>(t))
    throw py::type_error(std::string(what) + ": element " + std::to_string(i) + " is " +
                         std::string(py::str(py::type::handle_of(t).attr("__name__"))) + ", expected str");
}

// A list of str/bytes as UTF-8 strings; `what` names the argument in the error for another type.
inline std::vector<std::string> utf8_list(const py::iterable& texts, const char* what) {
  std::vector<std::string> out;
  std::size_t i = 0;
  for (const auto& t : texts) {
    check_text(t, what, i);
    bool cp = true;
    out.push_back(utf8_of(t, cp));
    ++i;
  }
  return out;
}

// The UTF-8 bytes of a list of str/bytes as views, without copying the texts: a new list that
// this object owns keeps them alive while the GIL is released (the caller's list may change
// meanwhile); a str with lone surrogates is encoded into owned storage with U+FFFD for each
// (counted in replaced()) or, under Utf8Policy::strict, a ValueError naming the text's index
// (see utf8_text). `what` names the argument in the errors.
// Texts given where many are expected: one str or bytes is refused. Iterated, it gave one "text"
// per character (mask_batch("... 347 123 4567") returned the characters with nothing masked).
inline void refuse_one_text(const py::handle& texts, const char* what) {
  if (PyUnicode_Check(texts.ptr()) || PyBytes_Check(texts.ptr()))
    throw py::type_error(std::string(what) + ": expected an iterable of texts, got one " +
                         (PyUnicode_Check(texts.ptr()) ? "str" : "bytes") + " (pass [text] for one text)");
}

class Utf8Texts {
 public:
  Utf8Texts(const py::handle& texts, const char* what,
            perche::text::Utf8Policy policy = perche::text::Utf8Policy::replace)
      : list_(texts_list(texts, what)) {
    const Py_ssize_t n = PyList_GET_SIZE(list_.ptr());
    views_.reserve(static_cast<std::size_t>(n));
    for (Py_ssize_t i = 0; i < n; ++i) {
      const py::handle t = PyList_GET_ITEM(list_.ptr(), i);
      check_text(t, what, static_cast<std::size_t>(i));
      bool cp = true;
      std::string storage;
      std::string_view v = utf8_view(t, cp, storage, &bad_);
      if (bad_.count) {
        if (policy == perche::text::Utf8Policy::strict) surrogate_error(what, "text " + std::to_string(i) + ": ", bad_);
        replaced_ += bad_.count;
        bad_ = {};
      }
      if (!storage.empty() && v.data() == storage.data()) v = owned_.emplace_back(std::move(storage));
      views_.push_back(v);
    }
  }
  const std::vector<std::string_view>& views() const { return views_; }
  std::size_t replaced() const { return replaced_; }  ///< lone surrogates that became U+FFFD

 private:
  static py::list texts_list(const py::handle& texts, const char* what) {
    refuse_one_text(texts, what);
    auto list = py::reinterpret_steal<py::list>(PySequence_List(texts.ptr()));
    if (!list) throw py::error_already_set();
    return list;
  }

  py::list list_;
  std::deque<std::string> owned_;  // stable addresses for the views
  std::vector<std::string_view> views_;
  Surrogates bad_;
  std::size_t replaced_ = 0;
};

// Lists of Contribution as Python lists of {"term", "weight", "spans"}, one per group, spans in
// code points of `text` when code_points (else bytes). Every offset is converted in one pass over
// the text (converting each span from the text's start was quadratic in a long comment).
inline std::vector<py::list> contribution_lists(const std::vector<const std::vector<perche::Contribution>*>& groups,
                                                const std::string& text, bool code_points) {
  std::vector<std::size_t> offsets;
  if (code_points) {
    for (const auto* group : groups)
      for (const auto& c : *group)
        for (const auto& [s, t] : c.spans) {
          offsets.push_back(s);
          offsets.push_back(t);
        }
    std::sort(offsets.begin(), offsets.end());
    offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
  }
  std::vector<std::size_t> converted(offsets.size());
  CodePoints cp(text);
  for (std::size_t i = 0; i < offsets.size(); ++i) converted[i] = cp(offsets[i]);
  auto to_cp = [&](std::size_t byte) {
    return code_points ? converted[static_cast<std::size_t>(std::lower_bound(offsets.begin(), offsets.end(), byte) -
                                                            offsets.begin())]
                       : byte;
  };
  std::vector<py::list> out;
  for (const auto* group : groups) {
    py::list terms;
    for (const auto& c : *group) {
      py::list spans;
      for (const auto& [s, t] : c.spans) spans.append(py::make_tuple(to_cp(s), to_cp(t)));
      py::dict d;
      d["term"] = c.term;
      d["weight"] = c.weight;
      d["spans"] = spans;
      terms.append(d);
    }
    out.push_back(std::move(terms));
  }
  return out;
}

/// DriverClassifier.evaluate's dict (bindings/classify.cpp): per driver precision, recall, f1,
/// support; micro and macro averages.
py::dict evaluation_dict(const perche::Evaluation& e);

}  // namespace perche_py

template <>
struct pybind11::detail::handle_type_name<perche_py::Text> {
  static constexpr auto name = const_name("str | bytes");
};

namespace pybind11::detail {

// A Python int (not a bool) in [0, Tag::max], else a ValueError naming Tag::name and the value.
template <class Tag>
struct type_caster<perche_py::Count<Tag>> {
  PYBIND11_TYPE_CASTER(perche_py::Count<Tag>, const_name("int"));
  bool load(handle src, bool) {
    if (!src || PyBool_Check(src.ptr()) || !PyLong_Check(src.ptr())) return false;  // a TypeError names the call
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(src.ptr(), &overflow);
    if (v == -1 && PyErr_Occurred()) throw error_already_set();
    if (overflow != 0 || v < 0 || static_cast<unsigned long long>(v) > Tag::max)
      throw value_error(std::string(Tag::name) + " " + std::string(str(src)) + " is not an integer in [0, " +
                        std::to_string(Tag::max) + "]");
    value.value = static_cast<typename Tag::type>(v);
    return true;
  }
  static handle cast(perche_py::Count<Tag> c, return_value_policy, handle) { return PyLong_FromSize_t(c.value); }
};

}  // namespace pybind11::detail
