// SPDX-License-Identifier: Apache-2.0
// Python bindings of perche/privacy.hpp (private _core functions; python/perche/privacy.py is the
// public surface). Offsets of a str are code points, of bytes are bytes.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <perche/privacy.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "common.hpp"

namespace py = pybind11;
using namespace perche;

namespace {

std::vector<PiiKind> kinds_of(const std::optional<std::vector<std::string>>& names) {
  std::vector<PiiKind> out;
  if (names)
    for (const auto& n : *names) out.push_back(pii_kind_from_name(n));
  return out;
}

// style none: MaskOptions' default.
MaskOptions mask_options(const std::optional<std::vector<std::string>>& kinds, const std::optional<std::string>& style,
                         const std::optional<py::bytes>& key, const std::string& data_dir) {
  MaskOptions o;
  o.kinds = kinds_of(kinds);
  if (style && *style == "tag")
    o.style = MaskStyle::tag;
  else if (style && *style == "pseudonym")
    o.style = MaskStyle::pseudonym;
  else if (style)
    throw std::invalid_argument("mask: style '" + *style + "' is not 'tag' or 'pseudonym'");
  if (key) o.key = std::string(*key);
  o.data_dir = data_dir;
  return o;
}

py::list spans_to_python(std::string_view text, bool code_points, const std::vector<PiiSpan>& spans) {
  py::list out;
  perche_py::CodePoints cp(text);
  for (const auto& s : spans) {
    const std::size_t a = code_points ? cp(s.start) : s.start, b = code_points ? cp(s.end) : s.end;
    out.append(py::make_tuple(a, b, std::string(pii_kind_name(s.kind)), py::str(s.surface), s.verified));
  }
  return out;
}

// A new list of the texts (any iterable), so that they stay alive while the GIL is released.
py::list as_list(const py::handle& texts, const char* what) {
  perche_py::refuse_one_text(texts, what);
  auto items = py::reinterpret_steal<py::list>(PySequence_List(texts.ptr()));
  if (!items) throw py::error_already_set();
  return items;
}

py::object text_result(const std::string& s, bool code_points) {
  if (code_points) return py::str(s);
  return py::bytes(s);
}

}  // namespace

void bind_privacy(py::module_& m) {
  m.def(
      "_find_pii",
      [](const perche_py::Text& text, const std::optional<std::vector<std::string>>& kinds,
         const std::string& data_dir) {
        bool code_points = true;
        std::string storage;
        const std::string_view s =
            perche_py::utf8_text(text, code_points, storage, perche::text::Utf8Policy::replace, "find_pii");
        PiiOptions o;
        o.kinds = kinds_of(kinds);
        o.data_dir = data_dir;
        std::vector<PiiSpan> spans;
        {
          py::gil_scoped_release release;
          spans = find_pii(s, o);
        }
        return spans_to_python(s, code_points, spans);
      },
      py::arg("text"), py::arg("kinds") = py::none(), py::arg("data_dir") = "");
  m.def(
      "_mask",
      [](const perche_py::Text& text, const std::optional<std::vector<std::string>>& kinds,
         const std::optional<std::string>& style, const std::optional<py::bytes>& key, const std::string& data_dir) {
        bool code_points = true;
        std::string storage;
        const std::string_view s =
            perche_py::utf8_text(text, code_points, storage, perche::text::Utf8Policy::replace, "mask");
        const MaskOptions o = mask_options(kinds, style, key, data_dir);
        std::string out;
        {
          py::gil_scoped_release release;
          out = mask(s, o);
        }
        return text_result(out, code_points);
      },
      py::arg("text"), py::arg("kinds") = py::none(), py::arg("style") = py::none(), py::arg("key") = py::none(),
      py::arg("data_dir") = "");
  m.def(
      "_find_pii_batch",
      [](const py::handle& texts, const std::optional<std::vector<std::string>>& kinds, const std::string& data_dir,
         std::optional<perche_py::Threads> threads) {
        const py::list items = as_list(texts, "find_pii_batch: texts");
        const perche_py::Utf8Texts owned(items, "find_pii_batch: texts");
        PiiOptions o;
        o.kinds = kinds_of(kinds);
        o.data_dir = data_dir;
        std::vector<std::vector<PiiSpan>> found;
        {
          py::gil_scoped_release release;
          found = threads ? find_pii_batch(owned.views(), o, *threads) : find_pii_batch(owned.views(), o);
        }
        py::list out;
        for (std::size_t i = 0; i < found.size(); ++i)
          out.append(spans_to_python(owned.views()[i], PyUnicode_Check(items[i].ptr()) != 0, found[i]));
        return out;
      },
      py::arg("texts"), py::arg("kinds") = py::none(), py::arg("data_dir") = "", py::arg("threads") = py::none());
  m.def(
      "_mask_batch",
      [](const py::handle& texts, const std::optional<std::vector<std::string>>& kinds,
         const std::optional<std::string>& style, const std::optional<py::bytes>& key, const std::string& data_dir,
         std::optional<perche_py::Threads> threads) {
        const py::list items = as_list(texts, "mask_batch: texts");
        const perche_py::Utf8Texts owned(items, "mask_batch: texts");
        const MaskOptions o = mask_options(kinds, style, key, data_dir);
        std::vector<std::string> masked;
        {
          py::gil_scoped_release release;
          masked = threads ? mask_batch(owned.views(), o, *threads) : mask_batch(owned.views(), o);
        }
        py::list out;
        for (std::size_t i = 0; i < masked.size(); ++i)
          out.append(text_result(masked[i], PyUnicode_Check(items[i].ptr()) != 0));
        return out;
      },
      py::arg("texts"), py::arg("kinds") = py::none(), py::arg("style") = py::none(), py::arg("key") = py::none(),
      py::arg("data_dir") = "", py::arg("threads") = py::none());
  m.attr("PII_KINDS") = [] {
    py::list names;
    for (std::size_t k = 0; k < kPiiKindCount; ++k) names.append(std::string(pii_kind_name(static_cast<PiiKind>(k))));
    return py::tuple(names);
  }();
}
