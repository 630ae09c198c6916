// SPDX-License-Identifier: Apache-2.0
// The one door through which the library reads a file (models, codebooks, CSV). Private: the
// public contracts are the loaders' (DriverClassifier::load, Codebook::load, read_csv_file).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace perche::detail {

/// The whole content of the regular file at `path`, at most `max_bytes` bytes. `what` names the
/// file's role in messages ("model", "codebook", "CSV"). Throws IoError (perche/error.hpp), one line:
///   "cannot read model /x/m.model: No such file or directory"           (open or read failed)
///   "model /dev/zero is not a regular file (character device)"          (directory, FIFO, device, socket)
///   "codebook /x/c.txt is larger than the 64 MiB limit (the max_bytes argument raises it)"
/// The type is checked on the opened descriptor (fstat after open, no race with a rename), and
/// the open cannot block on a FIFO without a writer. A file that grows while it is read is read
/// to its end, and still fails once it passes max_bytes: at most max_bytes + 1 bytes are read.
std::string read_file(const std::string& path, std::string_view what, std::uint64_t max_bytes);

/// Writes `bytes` to `path` whole or not at all: into a new file beside the target (created with
/// O_EXCL | O_NOFOLLOW under an unpredictable name, so that nothing planted there is followed or
/// reused), fsync'd, then renamed over the target (rename(2) is atomic within a file system). A
/// target that is a symbolic link keeps its link (the file it names is replaced); an existing
/// target keeps its permission bits, a new one gets 0666 less the umask. Throws IoError naming
/// `what` and `path` when the target exists and is not a regular file (a directory, a FIFO, a
/// device) or when any step fails; the temporary file is then removed and the target untouched.
void write_file(const std::string& path, std::string_view bytes, std::string_view what);

/// A path as it may appear in a message: bytes that are not UTF-8 (a file name from a Latin-1
/// file system) become \xNN, so that the message stays valid UTF-8 (Python could not raise it
/// otherwise).
std::string display_path(std::string_view path);

/// s with its control bytes (below 0x20, and 0x7F) as \xNN: a name or a term on one line of a
/// message (a NUL ended Python's exception text there, a line break split the line).
std::string escaped_controls(std::string_view s);

/// Throws FormatError "<shown>line 3: byte 57 is not UTF-8 (a <kind> is UTF-8 text)" at the first
/// byte of text that is not well-formed UTF-8 (a Latin-1 file): kept, it would become U+FFFD in a
/// name shown in every report, or fail in Python with a codec error naming no file.
void require_utf8(std::string_view text, std::string_view shown, std::string_view kind);

/// A size in the largest binary unit that divides it: "512 bytes", "3 KiB", "64 MiB", "1 GiB".
std::string format_bytes(std::uint64_t n);

}  // namespace perche::detail
