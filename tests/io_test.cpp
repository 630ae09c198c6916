// SPDX-License-Identifier: Apache-2.0
// Files the library reads (models, codebooks, CSV) go through one bounded reader: a device, FIFO,
// directory or socket is one IoError naming the path and what it is; a file larger than the
// caller's limit (or one that grows past it) is one IoError naming the limit. Before, each loader
// read "to the end": /dev/zero ran until memory was gone, a FIFO blocked forever.
#include <doctest/doctest.h>

#include <perche/classify.hpp>
#include <perche/codebook.hpp>
#include <perche/csv.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "../src/io/file.hpp"

namespace {

namespace fs = std::filesystem;

/// A fresh directory under the system's temporary directory, removed with everything in it.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "perche_io_test_XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name, const std::string& content) const {
    const auto p = (path / name).string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
};

/// The three loaders, each reading `path` with its default limit.
const std::vector<std::pair<const char*, std::function<void(const std::string&)>>>& loaders() {
  static const std::vector<std::pair<const char*, std::function<void(const std::string&)>>> all = {
      {"model", [](const std::string& p) { (void)perche::DriverClassifier::load(p); }},
      {"codebook", [](const std::string& p) { (void)perche::Codebook::load(p); }},
      {"CSV", [](const std::string& p) { (void)perche::read_csv_file(p); }},
  };
  return all;
}

}  // namespace

TEST_CASE("read_file: a character device, a directory and a missing path are one IoError naming the path") {
  for (const auto& [what, load] : loaders()) {
    CAPTURE(what);
    const std::string w = what;
    CHECK_THROWS_WITH_AS(load("/dev/zero"), (w + " /dev/zero is not a regular file (character device)").c_str(),
                         perche::IoError);
    CHECK_THROWS_WITH_AS(load("/dev/null"), (w + " /dev/null is not a regular file (character device)").c_str(),
                         perche::IoError);
    CHECK_THROWS_WITH_AS(load("/tmp"), (w + " /tmp is not a regular file (directory)").c_str(), perche::IoError);
    CHECK_THROWS_WITH_AS(load("/nonexistent/x"),
                         ("cannot read " + w + " /nonexistent/x: No such file or directory").c_str(), perche::IoError);
  }
}

TEST_CASE("read_file: a FIFO is refused at once, without waiting for a writer") {
  TempDir dir;
  const std::string fifo = (dir.path / "pipe").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Watchdog: a reader that blocks in open() (as before) is released after 5 s by a writer that
  // closes at once, so that the old behaviour fails this test instead of hanging it.
  std::atomic<bool> done{false};
  std::thread watchdog([&] {
    for (int i = 0; i < 500 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    while (!done) {
      const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
      if (fd >= 0) ::close(fd);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  const auto start = std::chrono::steady_clock::now();
  for (const auto& [what, load] : loaders()) {
    CAPTURE(what);
    CHECK_THROWS_WITH_AS(load(fifo), (std::string(what) + " " + fifo + " is not a regular file (FIFO)").c_str(),
                         perche::IoError);
  }
  done = true;
  watchdog.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("read_file: a Unix socket is named as one") {
  TempDir dir;
  const std::string path = (dir.path / "sock").string();
  const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(s >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  REQUIRE(path.size() < sizeof addr.sun_path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  REQUIRE(::bind(s, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  CHECK_THROWS_WITH_AS(perche::read_csv_file(path), ("CSV " + path + " is not a regular file (socket)").c_str(),
                       perche::IoError);
  ::close(s);
}

TEST_CASE("read_file: a file over the limit is refused before it is read; at the limit it is read whole") {
  TempDir dir;
  const std::string content = "a,b\n1,2\n";  // 8 bytes
  const auto path = dir.file("x.csv", content);
  CHECK(perche::detail::read_file(path, "CSV", 8) == content);
  CHECK(perche::detail::read_file(dir.file("empty", ""), "CSV", 0).empty());
  CHECK_THROWS_WITH_AS(
      perche::detail::read_file(path, "CSV", 7),
      ("CSV " + path + " is larger than the 7 bytes limit (8 bytes; the max_bytes argument raises it)").c_str(),
      perche::IoError);
  perche::CsvOptions o;
  o.max_bytes = 7;
  CHECK_THROWS_AS(perche::read_csv_file(path, o), perche::IoError);
  o.max_bytes = 8;
  CHECK(perche::read_csv_file(path, o).rows() == 1);

  const auto cb = dir.file("c.txt", "[attesa]\nattes*\n");
  CHECK(perche::Codebook::load(cb).drivers() == std::vector<std::string>{"attesa"});
  CHECK_THROWS_WITH_AS(
      perche::Codebook::load(cb, 10),
      ("codebook " + cb + " is larger than the 10 bytes limit (16 bytes; the max_bytes argument raises it)").c_str(),
      perche::IoError);
  CHECK_THROWS_WITH_AS(
      perche::DriverClassifier::load(cb, 1),
      ("model " + cb + " is larger than the 1 byte limit (16 bytes; the max_bytes argument raises it)").c_str(),
      perche::IoError);
}

TEST_CASE("read_file: a file that turns out larger than it claimed stops at the limit") {
  // /proc files say they have 0 bytes and then produce more, as a file that grows while it is
  // read does: the reader stops after limit + 1 bytes.
  CHECK_THROWS_WITH_AS(perche::detail::read_file("/proc/self/maps", "CSV", 16),
                       "CSV /proc/self/maps is larger than the 16 bytes limit (it grew while being read; the max_bytes "
                       "argument raises it)",
                       perche::IoError);
  CHECK_FALSE(perche::detail::read_file("/proc/self/maps", "CSV", 1ull << 30).empty());
}

TEST_CASE("read_file: the default limits are the documented ones and name their unit") {
  CHECK(perche::DriverClassifier::kMaxModelBytes == (1ull << 30));
  CHECK(perche::Codebook::kMaxCodebookBytes == (64ull << 20));
  CHECK(perche::kMaxCsvBytes == (4ull << 30));
  CHECK(perche::detail::format_bytes(1ull << 30) == "1 GiB");
  CHECK(perche::detail::format_bytes(64ull << 20) == "64 MiB");
  CHECK(perche::detail::format_bytes(3072) == "3 KiB");
  CHECK(perche::detail::format_bytes(1000) == "1000 bytes");
  CHECK(perche::detail::format_bytes(0) == "0 bytes");
}

TEST_CASE("read_csv_file: an empty file says so, naming it") {
  TempDir dir;
  const auto path = dir.file("vuoto.csv", "");
  const auto t = perche::read_csv_file(path);
  REQUIRE(t.problems().size() == 1);
  CHECK(t.problems()[0].message == path + " is empty");
}
