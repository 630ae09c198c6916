// SPDX-License-Identifier: Apache-2.0
// Reading a whole file, bounded (src/io/file.hpp). Before this helper each loader opened its file
// its own way and read "until the end": /dev/zero, a FIFO or a file that keeps growing never has
// one, so the read went on until memory ran out.
#include "file.hpp"

#include <perche/error.hpp>

#include "../text/unicode.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <random>

namespace perche::detail {
namespace {

const char* kind(mode_t mode) {
  if (S_ISDIR(mode)) return "directory";
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  if (S_ISFIFO(mode)) return "FIFO";
  if (S_ISSOCK(mode)) return "socket";
  return "special file";
}

IoError not_regular(const std::string& name, mode_t mode) {
  return IoError(name + " is not a regular file (" + kind(mode) + ")");
}

IoError too_large(const std::string& name, std::uint64_t max_bytes, std::uint64_t size) {
  return IoError(name + " is larger than the " + format_bytes(max_bytes) + " limit (" +
                 (size ? std::to_string(size) + " bytes; " : "it grew while being read; ") +
                 "the max_bytes argument raises it)");
}

struct Closer {
  int fd;
  ~Closer() { ::close(fd); }
};

}  // namespace

void write_file(const std::string& path, std::string_view bytes, std::string_view what) {
  const std::string name = std::string(what) + ' ' + display_path(path);
  auto cannot = [&](int e) { return IoError("cannot write " + name + ": " + std::strerror(e)); };
  std::string target = path;
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;  // follows a symbolic link to its file
  if (exists && !S_ISREG(st.st_mode)) throw not_regular(name, st.st_mode);
  struct stat link {};
  if (exists && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free);
    if (!real) throw cannot(errno);
    target = real.get();
  }
  const auto slash = target.rfind('/');
  const std::string dir = slash == std::string::npos ? std::string() : target.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? target : target.substr(slash + 1);

  std::random_device entropy;
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    char suffix[17];
    std::snprintf(suffix, sizeof suffix, "%08x%08x", entropy(), entropy());
    tmp = dir + "." + base + ".tmp-" + suffix;
    do fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);  // umask applies
    while (fd < 0 && errno == EINTR);
    if (fd < 0 && errno != EEXIST) throw cannot(errno);
  }
  if (fd < 0) throw cannot(EEXIST);
  auto fail = [&](int e) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return cannot(e);
  };
  if (exists && ::fchmod(fd, st.st_mode & 07777) != 0) throw fail(errno);
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, std::min<std::size_t>(bytes.size() - done, 1u << 30));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw fail(n < 0 ? errno : EIO);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) throw fail(errno);
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw cannot(e);
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    throw cannot(e);
  }
}

void require_utf8(std::string_view text, std::string_view shown, std::string_view kind) {
  const std::size_t at = text::detail::first_invalid_utf8(text);
  if (at == text.size()) return;
  const auto line = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 1;
  throw FormatError(std::string(shown) + "line " + std::to_string(line) + ": byte " + std::to_string(at) +
                    " is not UTF-8 (a " + std::string(kind) + " is UTF-8 text)");
}

std::string escaped_controls(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

std::string display_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  const auto* p = reinterpret_cast<const unsigned char*>(path.data());
  const auto* end = p + path.size();
  while (p < end) {
    const text::detail::Decoded d = text::detail::decode(p, end);
    if (d.valid) {
      out.append(reinterpret_cast<const char*>(p), d.len);
    } else {
      for (std::uint8_t k = 0; k < d.len; ++k) {
        char hex[5];
        std::snprintf(hex, sizeof hex, "\\x%02X", p[k]);
        out += hex;
      }
    }
    p += d.len;
  }
  return out;
}

std::string format_bytes(std::uint64_t n) {
  static constexpr struct {
    std::uint64_t size;
    const char* unit;
  } kUnits[] = {{1ull << 40, " TiB"}, {1ull << 30, " GiB"}, {1ull << 20, " MiB"}, {1ull << 10, " KiB"}};
  for (const auto& u : kUnits)
    if (n >= u.size && n % u.size == 0) return std::to_string(n / u.size) + u.unit;
  return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

std::string read_file(const std::string& path, std::string_view what, std::uint64_t max_bytes) {
  const std::string name = std::string(what) + ' ' + display_path(path);
  const auto cannot = [&](int e) { return IoError("cannot read " + name + ": " + std::strerror(e)); };
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, maybe forever. It is
  // cleared below once the descriptor is known to be a regular file.
  int fd = -1;
  do fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    const int e = errno;
    struct stat st {};
    // A Unix socket cannot be opened (ENXIO, "No such device or address"): say what the path is.
    if (e == ENXIO && ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) throw not_regular(name, st.st_mode);
    throw cannot(e);
  }
  const Closer closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw cannot(errno);  // the opened file, not the path: no race with a rename
  if (!S_ISREG(st.st_mode)) throw not_regular(name, st.st_mode);
  if (const int flags = ::fcntl(fd, F_GETFL); flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  const auto size = static_cast<std::uint64_t>(std::max<off_t>(st.st_size, 0));
  if (size > max_bytes) throw too_large(name, max_bytes, size);

  // Read to the end, never more than max_bytes + 1 bytes: the extra byte tells a file that grew
  // past the limit (or whose size lied, as in /proc) from one that ends exactly there. The buffer
  // starts one byte past the announced size so that a file that did not grow is read in one go.
  constexpr auto kSizeMax = static_cast<std::uint64_t>(std::numeric_limits<std::size_t>::max());
  const std::uint64_t limit = std::min(max_bytes, kSizeMax - 1) + 1;
  std::string bytes;
  bytes.resize(static_cast<std::size_t>(std::min(size + 1, limit)));
  std::size_t got = 0;
  for (;;) {
    if (got == bytes.size()) {
      if (got >= limit) break;
      bytes.resize(
          static_cast<std::size_t>(std::min<std::uint64_t>(std::max<std::uint64_t>(2ull * got, 1u << 16), limit)));
    }
    const ssize_t k = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (k < 0) {
      if (errno == EINTR) continue;
      throw cannot(errno);
    }
    if (k == 0) break;
    got += static_cast<std::size_t>(k);
  }
  if (got > max_bytes) throw too_large(name, max_bytes, 0);
  bytes.resize(got);
  return bytes;
}

}  // namespace perche::detail
