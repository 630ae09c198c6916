// SPDX-License-Identifier: Apache-2.0
// Python bindings of perche/discover.hpp.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <perche/discover.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "common.hpp"
#include "matrix.hpp"

namespace py = pybind11;
using namespace perche;

namespace {
// A path given as str, bytes or os.PathLike, as the file system spells it (os.fsencode).
std::string file_path(const py::object& path) {
  return std::string(py::module_::import("os").attr("fsencode")(path).cast<py::bytes>());
}
}  // namespace

void bind_discover(py::module_& m) {
  py::class_<ThemeSeed>(m, "ThemeSeed")
      .def(py::init<>())
      .def(py::init([](std::string name, std::vector<std::string> words) {
             return ThemeSeed{std::move(name), std::move(words)};
           }),
           py::arg("name"), py::arg("words"))
      .def_readwrite("name", &ThemeSeed::name)
      .def_readwrite("words", &ThemeSeed::words);
  m.def("parse_seeds", &parse_seeds, py::arg("text"));
  m.def("load_seeds", &load_seeds, py::arg("path"), py::call_guard<py::gil_scoped_release>());

  py::enum_<ScoreMetric>(m, "ScoreMetric")
      .value("automatic", ScoreMetric::automatic)
      .value("nps", ScoreMetric::nps)
      .value("mean", ScoreMetric::mean);
  py::class_<DiscoverOptions>(m, "DiscoverOptions")
      .def(py::init<>())
      .def_readonly_static("MAX_THEMES", &DiscoverOptions::kMaxThemes)
      .def_readwrite("n_themes", &DiscoverOptions::n_themes)
      .def_readwrite("max_themes", &DiscoverOptions::max_themes)
      .def_readwrite("min_theme_share", &DiscoverOptions::min_theme_share)
      .def_readwrite("min_confidence", &DiscoverOptions::min_confidence)
      .def_readwrite("seeded_confidence", &DiscoverOptions::seeded_confidence)
      .def_readwrite("seeded_lift", &DiscoverOptions::seeded_lift)
      .def_readwrite("iterations", &DiscoverOptions::iterations)
      .def_readwrite("alpha", &DiscoverOptions::alpha)
      .def_readwrite("beta", &DiscoverOptions::beta)
      .def_readwrite("seed_weight", &DiscoverOptions::seed_weight)
      .def_readwrite("seed", &DiscoverOptions::seed)
      .def_readwrite("threads", &DiscoverOptions::threads)
      .def_readwrite("metric", &DiscoverOptions::metric)
      .def_readwrite("mask", &DiscoverOptions::mask);

  py::class_<Theme>(m, "Theme")
      .def_readonly("name", &Theme::name)
      .def_readonly("seeded", &Theme::seeded)
      .def_readonly("share", &Theme::share)
      .def_readonly("count", &Theme::count)
      .def_readonly("words", &Theme::words)
      .def_readonly("phrases", &Theme::phrases)
      .def_readonly("score", &Theme::score)
      .def_readonly("impact", &Theme::impact)
      .def_readonly("low_words", &Theme::low_words)
      .def_readonly("high_words", &Theme::high_words)
      .def_readonly("examples", &Theme::examples)
      .def("__repr__", [](const Theme& t) {
        return "Theme(" + std::string(py::repr(py::str(t.name))) + ", share=" + std::to_string(t.share) + ")";
      });

  py::class_<Themes>(m, "Themes")
      .def_property_readonly("themes", &Themes::themes)
      .def_property_readonly("names", &Themes::names)
      .def_property_readonly("unassigned_share", &Themes::unassigned_share)
      .def_property_readonly("n_texts", &Themes::n_texts)
      .def(
          "assign",
          [](const Themes& t, const py::iterable& texts, perche_py::Threads threads) {
            const perche_py::Utf8Texts owned(texts, "Themes.assign: texts");
            const auto& v = owned.views();
            py::gil_scoped_release release;
            return t.assign(v, threads);
          },
          py::arg("texts"), py::arg("threads") = 0)
      .def(
          "primary",
          [](const Themes& t, const py::iterable& texts, perche_py::Threads threads) {
            const perche_py::Utf8Texts owned(texts, "Themes.primary: texts");
            const auto& v = owned.views();
            std::vector<std::int64_t> out;
            {
              py::gil_scoped_release release;
              out = t.primary(v, threads);
            }
            return perche_py::numpy_of(std::move(out));
          },
          py::arg("texts"), py::arg("threads") = 0)
      .def("codebook", &Themes::codebook)
      .def(
          "to_codebook",
          [](const Themes& t, const py::object& path) {
            const std::string p = file_path(path);
            py::gil_scoped_release release;
            t.to_codebook(p);
          },
          py::arg("path"))
      .def_readonly_static("MAX_MODEL_BYTES", &Themes::kMaxModelBytes)
      .def("to_bytes",
           [](const Themes& t) {
             std::string bytes;
             {
               py::gil_scoped_release release;
               bytes = t.to_bytes();
             }
             return py::bytes(bytes);
           })
      .def_static(
          "from_bytes",
          [](const py::bytes& b) {
            const std::string bytes(b);
            py::gil_scoped_release release;
            return Themes::from_bytes(bytes);
          },
          py::arg("data"))
      .def(
          "save",
          [](const Themes& t, const py::object& path) {
            const std::string p = file_path(path);
            py::gil_scoped_release release;
            t.save(p);
          },
          py::arg("path"))
      .def_static(
          "load",
          [](const py::object& path, std::uint64_t max_bytes) {
            const std::string p = file_path(path);
            py::gil_scoped_release release;
            return Themes::load(p, max_bytes);
          },
          py::arg("path"), py::arg("max_bytes") = Themes::kMaxModelBytes)
      .def(py::pickle([](const Themes& t) { return py::make_tuple(py::bytes(t.to_bytes())); },
                      [](const py::tuple& state) {
                        if (state.size() != 1)
                          throw std::invalid_argument("Themes: a pickled state has " + std::to_string(state.size()) +
                                                      " items (expected 1)");
                        return Themes::from_bytes(std::string(state[0].cast<py::bytes>()));
                      }));

  m.def(
      "discover",
      [](const py::iterable& texts, const std::vector<double>& scores, const std::vector<ThemeSeed>& seeds,
         const DiscoverOptions& options) {
        const perche_py::Utf8Texts owned(texts, "discover: texts");
        const auto& v = owned.views();
        py::gil_scoped_release release;
        return discover(v, scores, seeds, options);
      },
      py::arg("texts"), py::arg("scores") = std::vector<double>{}, py::arg("seeds") = std::vector<ThemeSeed>{},
      py::arg_v("options", DiscoverOptions{}, "DiscoverOptions()"));
}
