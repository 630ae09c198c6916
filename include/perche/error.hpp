// SPDX-License-Identifier: Apache-2.0
/// \file perche/error.hpp
/// The library's error vocabulary, in one place (issue 17): a broken contract (a bad argument) is
/// std::invalid_argument; a file that cannot be read or written is IoError; content that is not
/// what it claims to be is FormatError. Python maps them to ValueError, perche.IoError (an OSError)
/// and perche.FormatError (a ValueError).
///
///     try {
///       auto clf = perche::DriverClassifier::load(path);
///     } catch (const perche::IoError& e) {        // missing, not a regular file, too large
///       std::cerr << e.what() << '\n';
///     } catch (const perche::FormatError& e) {    // not a model, corrupted, impossible values
///       std::cerr << e.what() << '\n';
///     }
#pragma once

#include <stdexcept>

namespace perche {

/// A file that cannot be read or written: missing, no permission, not a regular file (a directory,
/// FIFO, device or socket), larger than the caller's limit, or a write that failed (disk full).
/// Thrown by read_csv_file, DriverClassifier::load/save and Codebook::load; what() is one line
/// naming the path: "cannot read CSV PATH: reason", "model PATH is not a regular file (character
/// device)", "codebook PATH is larger than the 64 MiB limit (...)", "cannot write model PATH: reason".
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Content that cannot be read as what it claims to be: a model file or buffer with a bad magic,
/// a newer format version, truncation, a wrong checksum, inconsistent sizes or impossible values.
/// what() names the problem, the field and the byte offset (and the path when read from a file).
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace perche
