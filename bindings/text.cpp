// SPDX-License-Identifier: Apache-2.0
// Python bindings of perche/text.hpp. Offsets become code-point offsets into the Python str (byte
// offsets for bytes input); batch calls and long texts release the GIL, batch calls run on C++ threads.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <perche/text.hpp>

#include "common.hpp"

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace py = pybind11;
using namespace perche::text;
using perche_py::utf8_of;

namespace {

// Texts from this many bytes on are tokenized without the GIL, so that other Python threads run.
constexpr std::size_t kReleaseGil = 2048;

// A token as Python sees it: owned strings, code-point offsets, the kind by name.
struct PyToken {
  py::object text;  // a slice of the input object: str (or bytes for bytes input)
  std::string norm;
  std::size_t start, end;
  TokenKind kind;
};

py::list to_python(const py::handle& obj, std::string_view text, const Tokens& toks, bool code_points) {
  py::list out;
  perche_py::CodePoints to_cp(text);  // tokens come in order
  for (const Token& t : toks) {
    const std::size_t s = code_points ? to_cp(t.start) : t.start;
    const std::size_t e = code_points ? to_cp(t.end) : t.end;
    py::object surface = obj[py::slice(static_cast<py::ssize_t>(s), static_cast<py::ssize_t>(e), 1)];
    out.append(PyToken{std::move(surface), t.norm, s, e, t.kind});
  }
  return out;
}

// A Python str of UTF-8 bytes; an ASCII term (most Italian terms) is copied into a compact str
// without running the UTF-8 decoder.
py::object to_str(std::string_view s) {
  bool ascii = true;
  for (unsigned char c : s) ascii &= c < 0x80;
  PyObject* o;
  if (ascii) {
    o = PyUnicode_New(static_cast<Py_ssize_t>(s.size()), 127);
    if (o) std::memcpy(PyUnicode_1BYTE_DATA(o), s.data(), s.size());
  } else {
    o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "strict");
  }
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(o);
}

// normalize()'s terms as a list of str.
py::list terms_list(const std::vector<std::string>& terms) {
  py::list out(terms.size());
  for (std::size_t i = 0; i < terms.size(); ++i)
    PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i), to_str(terms[i]).release().ptr());
  return out;
}

TokenizerOptions make_options(bool lowercase, bool strip_accents, bool fix_accents, bool split_elisions,
                              bool squash_elongations, const py::object& stopwords, bool stem, bool negation,
                              bool placeholders, bool keep_punct, const std::string& utf8) {
  TokenizerOptions o;
  o.lowercase = lowercase;
  o.strip_accents = strip_accents;
  o.fix_accents = fix_accents;
  o.split_elisions = split_elisions;
  o.squash_elongations = squash_elongations;
  if (stopwords.is_none()) {
    o.stopwords.reset();
  } else if (py::isinstance<py::str>(stopwords)) {
    bool cp = true;
    const auto name = utf8_of(stopwords, cp);
    if (name != "italian")
      throw std::invalid_argument("stopwords '" + name +
                                  "' is unknown (expected \"italian\", a list of words or None)");
    o.stopwords = italian_stopwords();
  } else {
    if (!py::isinstance<py::iterable>(stopwords))
      throw py::type_error("stopwords must be \"italian\", a list of str or None, got " +
                           std::string(py::str(py::type::handle_of(stopwords).attr("__name__"))));
    std::vector<std::string> words;
    std::size_t i = 0;
    for (const auto& w : stopwords) {
      if (!py::isinstance<py::str>(w))
        throw py::type_error("stopwords: element " + std::to_string(i) + " is " +
                             std::string(py::str(py::type::handle_of(w).attr("__name__"))) + ", expected str");
      perche_py::Surrogates bad;
      bool cp = true;
      words.push_back(utf8_of(w, cp, &bad));
      if (bad.count)
        throw py::value_error("stopwords: element " + std::to_string(i) +
                              " holds a lone surrogate (not valid Unicode)");
      ++i;
    }
    o.stopwords = std::move(words);
  }
  o.stem = stem;
  o.negation = negation;
  o.placeholders = placeholders;
  o.keep_punct = keep_punct;
  if (utf8 == "replace")
    o.utf8 = Utf8Policy::replace;
  else if (utf8 == "strict")
    o.utf8 = Utf8Policy::strict;
  else
    throw std::invalid_argument("utf8 '" + utf8 + "' is unknown (expected \"replace\" or \"strict\")");
  return o;
}

py::dict options_dict(const TokenizerOptions& o) {
  py::dict d;
  d["lowercase"] = o.lowercase;
  d["strip_accents"] = o.strip_accents;
  d["fix_accents"] = o.fix_accents;
  d["split_elisions"] = o.split_elisions;
  d["squash_elongations"] = o.squash_elongations;
  d["stopwords"] = o.stopwords ? py::cast(*o.stopwords) : py::none();
  d["stem"] = o.stem;
  d["negation"] = o.negation;
  d["placeholders"] = o.placeholders;
  d["keep_punct"] = o.keep_punct;
  d["utf8"] = o.utf8 == Utf8Policy::strict ? "strict" : "replace";
  return d;
}

// UTF-8 of one text for tokenizer t (a view of Python's own bytes, or of `storage`): a lone
// surrogate is replaced (and counted in `replaced`) or, under the strict policy, a ValueError
// naming its index.
std::string_view text_for(const Tokenizer& t, const py::handle& obj, bool& code_points, std::size_t& replaced,
                          std::string& storage, const std::string& where = "") {
  perche_py::Surrogates bad;
  const std::string_view s = perche_py::utf8_view(obj, code_points, storage, &bad);
  if (bad.count && t.options().utf8 == Utf8Policy::strict) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "U+%04X", bad.first_value);
    throw py::value_error("tokenize: " + where + "lone surrogate " + hex + " at index " +
                          std::to_string(bad.first_index) +
                          " (not valid Unicode; utf8=\"replace\" substitutes U+FFFD)");
  }
  replaced = bad.count;
  return s;
}

// (tokens, replaced) of a str or bytes read by tokenize or segment (`read`), the GIL released for
// a long text.
py::tuple tokens_tuple(const Tokenizer& t, const py::handle& text, Tokens (Tokenizer::*read)(std::string_view) const) {
  bool cp = true;
  std::size_t surrogates = 0;
  std::string storage;
  const std::string_view s = text_for(t, text, cp, surrogates, storage);
  Tokens toks;
  if (s.size() < kReleaseGil) {
    toks = (t.*read)(s);
  } else {
    py::gil_scoped_release release;
    toks = (t.*read)(s);
  }
  return py::make_tuple(to_python(text, s, toks, cp), toks.replaced + surrogates);
}

std::vector<std::string> texts_of(const Tokenizer& t, const py::iterable& texts, std::vector<bool>& code_points,
                                  std::vector<std::size_t>& replaced) {
  std::vector<std::string> out;
  for (const auto& x : texts) {
    bool cp = true;
    std::size_t r = 0;
    std::string storage;
    const std::string_view s = text_for(t, x, cp, r, storage, "text " + std::to_string(out.size()) + ": ");
    out.push_back(s.data() == storage.data() ? std::move(storage) : std::string(s));
    code_points.push_back(cp);
    replaced.push_back(r);
  }
  return out;
}

std::vector<std::string_view> views(const std::vector<std::string>& s) { return {s.begin(), s.end()}; }

}  // namespace

void bind_text(py::module_& m) {
  py::enum_<TokenKind>(m, "TokenKind")
      .value("word", TokenKind::word)
      .value("number", TokenKind::number)
      .value("punct", TokenKind::punct)
      .value("symbol", TokenKind::symbol)
      .value("emoji", TokenKind::emoji)
      .value("emoticon", TokenKind::emoticon)
      .value("url", TokenKind::url)
      .value("email", TokenKind::email)
      .value("mention", TokenKind::mention)
      .value("hashtag", TokenKind::hashtag);

  py::class_<PyToken>(m, "Token", "One token: surface text, normalized form, code-point offsets, kind.")
      .def_readonly("text", &PyToken::text)
      .def_readonly("norm", &PyToken::norm)
      .def_readonly("start", &PyToken::start)
      .def_readonly("end", &PyToken::end)
      .def_property_readonly("kind", [](const PyToken& t) { return std::string(kind_name(t.kind)); })
      .def("__repr__",
           [](const PyToken& t) {
             return "Token(" + std::string(py::repr(t.text)) + ", norm=" + std::string(py::repr(py::str(t.norm))) +
                    ", " + std::to_string(t.start) + ":" + std::to_string(t.end) + ", " +
                    std::string(kind_name(t.kind)) + ")";
           })
      .def("__eq__", [](const PyToken& a, const PyToken& b) {
        return a.text.equal(b.text) && a.norm == b.norm && a.start == b.start && a.end == b.end && a.kind == b.kind;
      });

  const TokenizerOptions kDefaults{};
  py::class_<Tokenizer>(m, "Tokenizer", "Italian tokenizer and normalizer (see perche/text.hpp).")
      .def(py::init([](bool lowercase, bool strip_accents, bool fix_accents, bool split_elisions,
                       bool squash_elongations, const py::object& stopwords, bool stem, bool negation,
                       bool placeholders, bool keep_punct, const std::string& utf8) {
             return Tokenizer(make_options(lowercase, strip_accents, fix_accents, split_elisions, squash_elongations,
                                           stopwords, stem, negation, placeholders, keep_punct, utf8));
           }),
           // Defaults: TokenizerOptions' own (the stopword list by name, the policy by its name).
           py::kw_only(), py::arg("lowercase") = kDefaults.lowercase,
           py::arg("strip_accents") = kDefaults.strip_accents, py::arg("fix_accents") = kDefaults.fix_accents,
           py::arg("split_elisions") = kDefaults.split_elisions,
           py::arg("squash_elongations") = kDefaults.squash_elongations,
           py::arg("stopwords") = kDefaults.stopwords ? py::object(py::str("italian")) : py::object(py::none()),
           py::arg("stem") = kDefaults.stem, py::arg("negation") = kDefaults.negation,
           py::arg("placeholders") = kDefaults.placeholders, py::arg("keep_punct") = kDefaults.keep_punct,
           py::arg("utf8") = kDefaults.utf8 == Utf8Policy::strict ? "strict" : "replace")
      .def_property_readonly("options", [](const Tokenizer& t) { return options_dict(t.options()); })
      .def(
          "tokenize",
          [](const Tokenizer& t, const perche_py::Text& text) { return tokens_tuple(t, text, &Tokenizer::tokenize); },
          py::arg("text"))
      .def(
          "segment",
          [](const Tokenizer& t, const perche_py::Text& text) { return tokens_tuple(t, text, &Tokenizer::segment); },
          py::arg("text"))
      .def(
          "is_term",
          [](const Tokenizer& t, const PyToken& token) {
            perche::text::Token c;
            c.kind = token.kind;
            c.norm = token.norm;
            return t.is_term(c);
          },
          py::arg("token"))
      .def(
          "normalize",
          [](const Tokenizer& t, const perche_py::Text& text) {
            bool cp = true;
            std::size_t surrogates = 0;
            std::string storage;
            const std::string_view s = text_for(t, text, cp, surrogates, storage);
            // One reused buffer per thread, taken out of its slot for the call: building the list
            // can run the garbage collector, and a __del__ that calls normalize on this thread
            // must not overwrite the terms being converted. A short text keeps the GIL:
            // releasing and taking it back costs more than the work.
            thread_local std::vector<std::string> reused;
            std::vector<std::string> terms = std::move(reused);
            if (s.size() < kReleaseGil) {
              t.normalize(s, terms);
            } else {
              py::gil_scoped_release release;
              t.normalize(s, terms);
            }
            py::list out = terms_list(terms);
            if (terms.capacity() <= (std::size_t{1} << 16)) reused = std::move(terms);
            return out;
          },
          py::arg("text"))
      .def(
          "stem",
          [](const Tokenizer& t, const perche_py::Text& word) {
            bool cp = true;  // a str with a lone surrogate: the tokenizer's policy, not a TypeError
            return t.stem(perche_py::utf8_text_of(word, cp, t.options().utf8, "stem"));
          },
          py::arg("word"))
      .def(
          "tokenize_batch",
          [](const Tokenizer& t, const perche_py::Texts& texts, perche_py::Threads threads) {
            perche_py::refuse_one_text(texts, "tokenize_batch: texts");
            std::vector<bool> cps;
            std::vector<py::object> objs;
            for (const auto& x : texts) objs.push_back(py::reinterpret_borrow<py::object>(x));
            std::vector<std::size_t> surrogates;
            const auto owned = texts_of(t, py::cast(objs), cps, surrogates);
            std::vector<Tokens> res;
            {
              py::gil_scoped_release release;
              res = t.tokenize_batch(views(owned), threads);
            }
            py::list out;
            for (std::size_t i = 0; i < res.size(); ++i)
              out.append(py::make_tuple(to_python(objs[i], owned[i], res[i], cps[i]), res[i].replaced + surrogates[i]));
            return out;
          },
          py::arg("texts"), py::arg("threads") = 0)
      .def(
          "normalize_batch",
          [](const Tokenizer& t, const perche_py::Texts& texts, perche_py::Threads threads) {
            perche_py::refuse_one_text(texts, "normalize_batch: texts");
            std::vector<bool> cps;
            std::vector<std::size_t> surrogates;
            const auto owned = texts_of(t, texts, cps, surrogates);
            std::vector<std::vector<std::string>> res;
            {
              py::gil_scoped_release release;
              res = t.normalize_batch(views(owned), threads);
            }
            py::list out(res.size());
            for (std::size_t i = 0; i < res.size(); ++i)
              PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i), terms_list(res[i]).release().ptr());
            return out;
          },
          py::arg("texts"), py::arg("threads") = 0)
      .def(py::pickle([](const Tokenizer& t) { return options_dict(t.options()); },
                      [](const py::dict& d) {
                        return Tokenizer(make_options(
                            d["lowercase"].cast<bool>(), d["strip_accents"].cast<bool>(), d["fix_accents"].cast<bool>(),
                            d["split_elisions"].cast<bool>(), d["squash_elongations"].cast<bool>(), d["stopwords"],
                            d["stem"].cast<bool>(), d["negation"].cast<bool>(), d["placeholders"].cast<bool>(),
                            d["keep_punct"].cast<bool>(), d["utf8"].cast<std::string>()));
                      }));

  m.def("italian_stopwords", &italian_stopwords, "Snowball's Italian stopwords without non and più.");
  m.def("negators", &negators, "Words that open a negation scope.");
}
