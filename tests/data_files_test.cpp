// SPDX-License-Identifier: Apache-2.0
// default_model_path / default_codebook_path: the build tree's data, the PERCHE_DATA_DIR override.
#include <doctest/doctest.h>

#include <perche/codebook.hpp>
#include <perche/error.hpp>
#include <perche/data_files.hpp>

#include <stdlib.h>  // setenv, unsetenv (POSIX)

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Sets PERCHE_DATA_DIR (or unsets it for nullopt) for one scope, then puts back what was there.
class DataDirEnv {
 public:
  explicit DataDirEnv(const std::optional<std::string>& value) {
    if (const char* old = std::getenv("PERCHE_DATA_DIR")) old_ = old;
    if (value)
      ::setenv("PERCHE_DATA_DIR", value->c_str(), 1);
    else
      ::unsetenv("PERCHE_DATA_DIR");
  }
  ~DataDirEnv() {
    if (old_)
      ::setenv("PERCHE_DATA_DIR", old_->c_str(), 1);
    else
      ::unsetenv("PERCHE_DATA_DIR");
  }
  DataDirEnv(const DataDirEnv&) = delete;
  DataDirEnv& operator=(const DataDirEnv&) = delete;

 private:
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("default data files: a build tree finds the source's model and codebook, and they load") {
  const DataDirEnv env(std::nullopt);
  const fs::path data = fs::path(PERCHE_TEST_SOURCE_DIR) / "examples" / "data";
  const std::string model = perche::default_model_path();
  const std::string codebook = perche::default_codebook_path();
  CHECK(fs::equivalent(model, data / "drivers.model"));
  CHECK(fs::equivalent(codebook, data / "codebook.txt"));

  const auto clf = perche::DriverClassifier::load(model);
  const std::vector<std::string_view> texts{"ho aspettato un'ora in linea prima di parlare con qualcuno"};
  const auto p = clf.predict_proba(texts);
  CHECK(p.rows() == 1);
  CHECK(static_cast<std::size_t>(p.cols()) == clf.drivers().size());
  CHECK_FALSE(perche::Codebook::load(codebook).drivers().empty());
}

TEST_CASE("default data files: PERCHE_DATA_DIR wins over every other place") {
  const fs::path dir = fs::temp_directory_path() / "perche_data_files_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "drivers.model") << "only the name is checked here";
  std::ofstream(dir / "codebook.txt") << "[a]\na\n";
  {
    const DataDirEnv env(dir.string());
    CHECK(perche::default_model_path() == (dir / "drivers.model").string());
    CHECK(perche::default_codebook_path() == (dir / "codebook.txt").string());
  }
  {
    const DataDirEnv env(std::string{});  // empty: as if unset
    CHECK(fs::equivalent(perche::default_model_path(),
                         fs::path(PERCHE_TEST_SOURCE_DIR) / "examples" / "data" / "drivers.model"));
  }
  fs::remove_all(dir);
}

TEST_CASE("default data files: a PERCHE_DATA_DIR without the file is an IoError naming it, with no fall back") {
  const DataDirEnv env(std::string("/nonexistent/perche-data"));
  CHECK_THROWS_WITH_AS(perche::default_model_path(),
                       "default model drivers.model not found in: /nonexistent/perche-data (from PERCHE_DATA_DIR)",
                       perche::IoError);
  CHECK_THROWS_WITH_AS(perche::default_codebook_path(),
                       "default codebook codebook.txt not found in: /nonexistent/perche-data (from PERCHE_DATA_DIR)",
                       perche::IoError);
}
