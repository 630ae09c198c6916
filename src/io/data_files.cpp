// SPDX-License-Identifier: Apache-2.0
// Finding the data files installed with perche (perche/data_files.hpp). The order follows PROJ and
// GDAL: an environment override, then a place relative to the binary (so that an installed prefix
// can be moved), then the configured prefix; the source tree last, for build trees. CMake passes
// the compiled-in places as PERCHE_* definitions to this file only (CMakeLists.txt).
#include <perche/data_files.hpp>
#include <perche/sentiment.hpp>
#include <perche/error.hpp>

#include "file.hpp"

#if PERCHE_SHARED_LIBRARY && __has_include(<dlfcn.h>)
#include <dlfcn.h>
#endif

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace perche {
namespace {

namespace fs = std::filesystem;

struct Place {
  fs::path dir;
  const char* why;  // shown after the directory in the error message, or nullptr
};

// The file this code was loaded from: libperche.so itself when shared (dladdr of an object that
// lives in it), else the program it is linked into (/proc/self/exe; dladdr would give argv[0]).
fs::path loaded_from() {
  std::error_code ec;
#if PERCHE_SHARED_LIBRARY && __has_include(<dlfcn.h>)
  static const char anchor = 0;
  Dl_info info{};
  if (dladdr(&anchor, &info) != 0 && info.dli_fname != nullptr && *info.dli_fname != '\0') {
    auto p = fs::canonical(info.dli_fname, ec);
    return ec ? fs::path() : p;
  }
  return {};
#elif defined(__linux__)
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : p;
#else
  return {};
#endif
}

std::vector<Place> places() {
  if (const char* env = std::getenv("PERCHE_DATA_DIR"); env != nullptr && *env != '\0')
    return {{fs::path(env), "from PERCHE_DATA_DIR"}};
  std::vector<Place> out;
  auto add = [&](fs::path dir) {
    dir = dir.lexically_normal();
    if (!dir.empty() && std::none_of(out.begin(), out.end(), [&](const Place& p) { return p.dir == dir; }))
      out.push_back({std::move(dir), nullptr});
  };
  if (auto self = loaded_from(); !self.empty()) add(self.parent_path() / PERCHE_DATA_FROM_BINARY);
  add(PERCHE_INSTALL_DATA_DIR);
  add(PERCHE_SOURCE_DATA_DIR);
  return out;
}

std::string find(const char* name, const char* what) {
  const auto where = places();
  for (const auto& place : where) {
    std::error_code ec;
    if (fs::is_regular_file(place.dir / name, ec)) return (place.dir / name).string();
  }
  std::string message = std::string("default ") + what + " " + name + " not found in: ";
  for (std::size_t i = 0; i < where.size(); ++i) {
    if (i > 0) message += ", ";
    message += detail::display_path(where[i].dir.string());
    if (where[i].why != nullptr) message += std::string(" (") + where[i].why + ")";
  }
  throw IoError(message);
}

}  // namespace

std::string default_model_path() { return find("drivers.model", "model"); }

std::string default_codebook_path() { return find("codebook.txt", "codebook"); }

std::string default_sentiment_lexicon_path() { return find("sentiment_it.tsv", "sentiment lexicon"); }

std::string default_sentiment_calibration_path() { return find("sentiment.csv", "sentiment calibration set"); }

std::string default_names_path() { return find("names_it.txt", "name list"); }

}  // namespace perche
