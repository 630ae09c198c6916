// SPDX-License-Identifier: Apache-2.0
// Issue 16, classes 2, 3 and 6: a model file whose fields parse but make no sense is a FormatError
// naming the field; thread creation failure and exceptions thrown on worker threads never abort the
// host; readers of a model see the old or the new one while it is replaced; save() never leaves a
// truncated file. Run by `ctest --preset dev`, under ASan+UBSan (`--preset asan`) and under
// ThreadSanitizer (`--preset tsan`, the "concurrency:" cases).
#include <doctest/doctest.h>

#include <perche/classify.hpp>
#include <perche/csv.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../src/common/parallel.hpp"
#include "crc32_reference.hpp"

namespace {

std::vector<std::string_view> views(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

const std::vector<std::string>& texts() {
  static const std::vector<std::string> t = {"attesa lunghissima al telefono",
                                             "ho aspettato un'ora in linea",
                                             "tempi di attesa infiniti",
                                             "mi hanno fatto aspettare",
                                             "operatore gentilissimo",
                                             "personale scortese e maleducato",
                                             "operatore sgarbato",
                                             "gentili e disponibili",
                                             "attesa lunga ma operatore gentile",
                                             "la bolletta è sbagliata",
                                             "il prezzo è aumentato",
                                             "consegna in ritardo"};
  return t;
}

perche::DriverClassifier fitted(std::uint64_t seed = 42) {
  perche::LabelMatrix Y(12, 2);
  const int labels[12][2] = {{1, 0}, {1, 0}, {1, 0}, {1, 0}, {0, 1}, {0, 1},
                             {0, 1}, {0, 1}, {1, 1}, {0, 0}, {0, 0}, {0, 0}};
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 2; ++j) Y(i, j) = static_cast<std::uint8_t>(labels[i][j]);
  perche::DriverOptions o;
  o.cv_folds = 2;
  o.seed = seed;
  o.features.min_df = perche::DocFreq::count(1);
  perche::DriverClassifier clf({"attesa", "cortesia"}, o);
  clf.fit(views(texts()), Y);
  return clf;
}

// The model bytes with `size` bytes at `at` replaced by `value`'s, and the checksum made valid again.
template <class T>
std::string forge(std::string bytes, std::size_t at, T value) {
  std::memcpy(bytes.data() + at, &value, sizeof value);  // the format is little-endian, as x86 and arm64
  const std::size_t header = 20, payload = bytes.size() - header - 4;
  const std::uint32_t crc = crc32_bitwise(std::string_view(bytes).substr(header, payload));
  std::memcpy(bytes.data() + header + payload, &crc, 4);
  return bytes;
}

std::size_t find_double(const std::string& bytes, double v) {
  const auto raw = std::bit_cast<std::array<char, 8>>(v);
  return bytes.find(std::string_view(raw.data(), 8), 20);
}

}  // namespace

TEST_CASE("model fields that parse but make no sense are a FormatError naming the field") {
  const auto clf = fitted();
  const std::string bytes = clf.to_bytes();
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  // Layout (src/classify/format.cpp): each driver ends with its coefficients, intercept and
  // threshold, and the payload with the display labels (none here: a u64 count of 0) and the
  // training top-probability quantiles (a u64 count and kTopQuantiles doubles), so the 8 bytes
  // before those are the last driver's threshold.
  REQUIRE(clf.labels().empty());
  REQUIRE(clf.training_top_quantiles().size() == perche::DriverClassifier::kTopQuantiles);
  const std::size_t tail = 8 + 8 + 8 * perche::DriverClassifier::kTopQuantiles;
  const std::size_t threshold = bytes.size() - 4 - tail - 8, intercept = threshold - 8, coefficient = intercept - 8;
  const std::size_t last_quantile = bytes.size() - 4 - 8, median = last_quantile - 8 * 10;
  const auto& idf = clf.vectorizer().idf();
  // The largest idf value occurs once in the file: in the idf table.
  const std::size_t idf_at = find_double(bytes, *std::max_element(idf.begin(), idf.end()));
  REQUIRE(idf_at != std::string::npos);

  struct Case {
    const char* name;
    std::string bytes;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"NaN threshold", forge(bytes, threshold, nan), "threshold of driver 1 ('cortesia') is nan"},
      {"threshold above 1", forge(bytes, threshold, 1.5), "expected a probability in [0, 1]"},
      {"negative threshold", forge(bytes, threshold, -0.25), "threshold of driver 1"},
      {"NaN intercept", forge(bytes, intercept, nan), "intercept 0 is nan"},
      {"infinite coefficient", forge(bytes, coefficient, inf), "is inf, expected a finite value"},
      {"huge intercept", forge(bytes, intercept, 1e200), "intercept 0 is"},
      {"NaN idf", forge(bytes, idf_at, nan), "idf of feature"},
      {"infinite idf", forge(bytes, idf_at, inf), "expected a finite value >= 1"},
      {"idf below 1", forge(bytes, idf_at, 0.5), "expected a finite value >= 1"},
      {"finite but impossible idf", forge(bytes, idf_at, 1e308), "expected a finite value >= 1 and <= 64"},
      {"finite but impossible coefficient", forge(bytes, coefficient, -1e300), "within ±1e100"},
      {"top-probability quantile above 1", forge(bytes, last_quantile, 1.5),
       "training top-probability quantile 20 is 1.500000"},
      {"NaN top-probability quantile", forge(bytes, median, nan), "training top-probability quantile 10 is nan"},
      {"decreasing top-probability quantiles", forge(bytes, median, 0.0), "not below the one before"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK_THROWS_WITH_AS(perche::DriverClassifier::from_bytes(c.bytes), doctest::Contains(c.message),
                         perche::FormatError);
  }

  // The thread count: u32 threads then u64 seed; a distinctive seed finds the field.
  const std::uint64_t seed = 0x5EED5EED5EED5EEDull;
  const std::string seeded = fitted(seed).to_bytes();
  const std::size_t threads_at = seeded.find(std::string_view(reinterpret_cast<const char*>(&seed), 8)) - 4;
  CHECK_THROWS_WITH_AS(perche::DriverClassifier::from_bytes(forge(seeded, threads_at, std::uint32_t{4000000000u})),
                       doctest::Contains("threads 4000000000 is absurd"), perche::FormatError);
  // A plausible count from a bigger machine loads, and is clamped to this one's cores when used.
  const auto big = perche::DriverClassifier::from_bytes(forge(seeded, threads_at, std::uint32_t{256}));
  CHECK(big.options().threads == 256);
  CHECK(big.predict(views(texts())).rows() == 12);

  // No drivers at all: the driver-name list is the payload's first field (a u64 count).
  CHECK_THROWS_WITH_AS(perche::DriverClassifier::from_bytes(forge(bytes, 20, std::uint64_t{0})),
                       doctest::Contains("no drivers"), perche::FormatError);
}

TEST_CASE("threads: absurd counts are clamped to the cores there are") {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  CHECK(perche::detail::resolve_threads(0) == cores);
  CHECK(perche::detail::resolve_threads(1) == 1);
  CHECK(perche::detail::resolve_threads(1000) == cores);
  CHECK(perche::detail::resolve_threads(std::numeric_limits<unsigned>::max()) == cores);
  std::atomic<unsigned> seen{0};
  perche::detail::parallel_for(1000, 1000, "t", "item", [&](std::size_t, unsigned b) {
    unsigned prev = seen.load();
    while (prev < b + 1 && !seen.compare_exchange_weak(prev, b + 1)) {}
  });
  CHECK(seen.load() <= cores);
}

TEST_CASE("threads: an exception other than invalid_argument on a worker keeps its type; the lowest item wins") {
  CHECK_THROWS_AS(perche::detail::parallel_for(64, 2, "t", "item",
                                               [](std::size_t i) {
                                                 if (i == 40) throw std::bad_alloc();
                                               }),
                  std::bad_alloc);
  CHECK_THROWS_WITH_AS(perche::detail::parallel_for(64, 2, "job", "text",
                                                    [](std::size_t i) {
                                                      if (i == 7 || i == 50) throw std::invalid_argument("bad");
                                                    }),
                       "job: text 7: bad", std::invalid_argument);
  CHECK_THROWS_AS(perche::detail::parallel_jobs(8, 2,
                                                [](std::size_t j) {
                                                  if (j == 5) throw std::length_error("too long");
                                                }),
                  std::length_error);
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
// A child process whose address space is nearly full cannot create a thread (its stack does not
// fit: pthread_create fails with EAGAIN, std::thread throws std::system_error). Before, the
// joinable threads destroyed by that exception called std::terminate. Sanitizers reserve terabytes
// of address space, so this runs in the plain builds only.
TEST_CASE("threads: when the system refuses a thread the work runs on the caller, without aborting") {
  if (std::thread::hardware_concurrency() < 2) return;  // one core: no thread is ever started
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::ifstream status("/proc/self/status");
    std::string key;
    long kb = 0;
    while (status >> key)
      if (key == "VmSize:") {
        status >> kb;
        break;
      }
    // 3 MiB above what is mapped now: less than one thread stack (8 MiB by default).
    const rlim_t limit = static_cast<rlim_t>(kb + 3 * 1024) * 1024;
    const rlimit rl{limit, limit};
    if (kb == 0 || setrlimit(RLIMIT_AS, &rl) != 0) _exit(3);
    std::vector<int> out(20000, 0);
    perche::detail::parallel_for(out.size(), 0, "t", "item", [&](std::size_t i) { out[i] = static_cast<int>(i); });
    for (std::size_t i = 0; i < out.size(); ++i)
      if (out[i] != static_cast<int>(i)) _exit(1);
    std::vector<int> jobs(64, 0);
    perche::detail::parallel_jobs(jobs.size(), 0, [&](std::size_t j) { jobs[j] = 1; });
    for (int v : jobs)
      if (v != 1) _exit(2);
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK_FALSE(WIFSIGNALED(status));  // SIGABRT from std::terminate before the fix
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
#endif

TEST_CASE("concurrency: readers of a published model see the old or the new one while it is replaced") {
  // The contract of perche/classify.hpp: const calls may overlap; to replace a model that others
  // read, fit a new object and publish it: here a shared_ptr swapped under a mutex (libstdc++ 12's
  // std::atomic<std::shared_ptr> works too, but its lock bit is opaque to ThreadSanitizer).
  const auto a = std::make_shared<const perche::DriverClassifier>(fitted(1));
  const auto b = std::make_shared<const perche::DriverClassifier>(fitted(2));
  const auto t = views(texts());
  const perche::Matrix pa = a->predict_proba(t), pb = b->predict_proba(t);
  const std::string ba = a->to_bytes(), bb = b->to_bytes();
  std::mutex publish;
  std::shared_ptr<const perche::DriverClassifier> current = a;
  auto load = [&] {
    std::lock_guard lock(publish);
    return current;
  };
  std::atomic<bool> stop{false};
  std::atomic<int> mixed{0}, reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r)
    readers.emplace_back([&] {
      while (!stop.load()) {
        const auto m = load();
        const perche::Matrix p = m->predict_proba(t);
        const std::string bytes = m->to_bytes();
        (void)m->explain("attesa lunga e operatore scortese");
        if (!((p == pa && bytes == ba) || (p == pb && bytes == bb))) ++mixed;
        ++reads;
      }
    });
  for (int i = 0; i < 6; ++i) {
    auto fresh = std::make_shared<const perche::DriverClassifier>(fitted(i % 2 ? 1 : 2));
    std::lock_guard lock(publish);
    current = std::move(fresh);
  }
  while (reads.load() < 20) std::this_thread::yield();
  stop = true;
  for (auto& th : readers) th.join();
  CHECK(mixed.load() == 0);
}

TEST_CASE("save: the target is replaced only when the new file is complete") {
  const auto clf = fitted();
  const std::string dir = "perche_robustness_save";
  ::mkdir(dir.c_str(), 0755);
  const std::string path = dir + "/model.perche";
  clf.save(path);
  const std::string first = clf.to_bytes();
  CHECK(perche::DriverClassifier::load(path).to_bytes() == first);
  // A target that is a directory or a FIFO is refused (without blocking on the FIFO), naming it.
  const std::string names_dir = "model " + dir + " is not a regular file (directory)";
  CHECK_THROWS_WITH_AS(clf.save(dir), names_dir.c_str(), perche::IoError);
  const std::string fifo = dir + "/fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH_AS(clf.save(fifo), doctest::Contains("is not a regular file (FIFO)"), perche::IoError);
  std::remove(fifo.c_str());
  // A symbolic link stays a link to the file it names, which gets the new model; an existing
  // file keeps its permission bits.
  const std::string real = dir + "/real.perche", alias = dir + "/alias.perche";
  { std::ofstream(real) << "old"; }
  REQUIRE(::chmod(real.c_str(), 0640) == 0);
  REQUIRE(::symlink("real.perche", alias.c_str()) == 0);
  clf.save(alias);
  struct stat link {
  }, file{};
  REQUIRE(::lstat(alias.c_str(), &link) == 0);
  CHECK(S_ISLNK(link.st_mode));
  REQUIRE(::stat(real.c_str(), &file) == 0);
  CHECK((file.st_mode & 0777) == 0640);
  CHECK(perche::DriverClassifier::load(real).to_bytes() == first);
  std::remove(alias.c_str());
  std::remove(real.c_str());
  // A file size limit smaller than the model (RLIMIT_FSIZE) makes the write fail half-way; the old
  // model must survive intact. (SIGXFSZ is ignored so that write() reports EFBIG instead.)
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit rl{1024, 1024};
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(3);
    try {
      fitted(7).save(path);
    } catch (const std::runtime_error&) {
      _exit(0);
    }
    _exit(1);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(perche::DriverClassifier::load(path).to_bytes() == first);
  std::remove(path.c_str());
  ::rmdir(dir.c_str());  // fails, so the test fails below, if a temporary file was left
  struct stat st {};
  CHECK(::stat(dir.c_str(), &st) != 0);
}
