// SPDX-License-Identifier: Apache-2.0
/// \file perche/data_files.hpp
/// Where the data files that ship with perche are: the default driver model (drivers.model,
/// trained on the sample survey) and the default codebook (codebook.txt). `cmake --install`
/// puts them in `<prefix>/share/perche/`; a build tree reads them from the source's examples/data.
///
///     auto clf = perche::DriverClassifier::load(perche::default_model_path());
///     auto book = perche::Codebook::load(perche::default_codebook_path());
///
/// Each function returns the first of these directories that holds the file:
///   1. $PERCHE_DATA_DIR, when set and not empty; then it is the only place looked at, so that a
///      mistyped override is an error rather than a silent fall back to other files;
///   2. share/perche beside the installed library: found from where libperche.so was loaded
///      (`<libdir>/../share/perche`), or for the static library from where the program was
///      loaded (`<bindir>/../share/perche`), so that a prefix moved after install still works;
///   3. the configured install directory (CMAKE_INSTALL_FULL_DATADIR/perche), compiled in;
///   4. the source tree's examples/data, compiled in, so that tests and examples run in a build tree.
/// A static library installed with `cmake --install --prefix` elsewhere than it was configured for,
/// into a program that is not in that prefix's bin/, finds its files through PERCHE_DATA_DIR.
#pragma once

#include <string>

namespace perche {

/// Path of the default driver model (drivers.model), for DriverClassifier::load. Checks that the
/// file exists, not that it is a valid model (load does). Throws IoError (perche/error.hpp), one
/// line naming every directory looked at: "default model drivers.model not found in: /a (from
/// PERCHE_DATA_DIR)" or "... not found in: /opt/p/share/perche, /usr/local/share/perche, /src/examples/data".
std::string default_model_path();

/// Path of the default codebook (codebook.txt), for Codebook::load. Found and thrown as
/// default_model_path().
std::string default_codebook_path();

/// Path of the list of Italian first names that find_pii() reads to recognise a person after a
/// cue (names_it.txt: one lower-case name a line, # comments). Found and thrown as default_model_path().
std::string default_names_path();

}  // namespace perche
