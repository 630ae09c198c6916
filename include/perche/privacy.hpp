// SPDX-License-Identifier: Apache-2.0
/// \file perche/privacy.hpp
/// Finding and masking personal data in Italian comments, before a report or an export leaves the
/// building (GDPR). Identifiers with a check character are validated, not guessed: an 11-digit
/// amount is not a partita IVA, a 16-digit order number failing Luhn is not a card.
///
///     for (const auto& s : perche::find_pii("sono Mario Rossi, cell. 347 123 4567"))
///       std::cout << perche::pii_kind_name(s.kind) << ' ' << s.surface << '\n';   // person, phone
///     perche::mask("scrivetemi a mario.rossi@example.it");  // "scrivetemi a [EMAIL]"
///     perche::MaskOptions o; o.style = perche::MaskStyle::pseudonym; o.key = "secret";
///     perche::mask("tel 347 123 4567", o);                   // "tel [TEL_3f9a2c]" (stable per key)
///
/// What is recognised (kinds):
/// - codice_fiscale: 16 characters, structure and check character of DM 23/12/1976 n. 13813,
///   omocodia letters accepted, any case, single spaces tolerated. A structurally valid code whose
///   check character fails (a typo) is still found, with verified = false.
/// - partita_iva: 11 digits with the check digit of the same decree, office code 001–100, 120, 121,
///   888 or 999, not all zeros; optional "IT" prefix. A failed check is not a match.
/// - iban: SEPA countries, the registry's length per country (ISO 13616), mod 97 (ISO 7064),
///   glued, spaced or dashed; a failed check with the country's structure intact is found, verified = false.
/// - card: 13–19 digits (first digit 2–6), single spaces or dashes, Luhn (ISO/IEC 7812-1).
/// - phone: Italian mobile (3xx, 9–10 digits) and landline (0x, 6–11 digits; 8 or more without an
///   international prefix), optional +39 / 0039, spaced, dotted, dashed or slashed, the area code
///   or its 0 in brackets ("(02) 1234567", "+39 (0)2 1234567"); not dates, not
///   numbers introduced as orders, tickets, invoices or practices, not amounts in euro.
/// - email: local@domain.tld; an apostrophe inside the local part (o'brien) and Latin letters in
///   UTF-8 (josé@exämple.it) included.
/// - plate: Italian vehicle plates since 1994, AB 123 CD (upper case, no I, O, Q, U).
/// - address: after via, viale, piazza, piazzale, corso, largo, vicolo, strada, contrada: the street
///   name (capitalised words, an elided particle glued to one: dell'Indipendenza; or a day and a
///   month: via 4 Novembre) and its house number (after "n.", "n°", "nr." or "civico" if written),
///   the cue word included.
/// - person: a first name from the shipped list (default_names_path()) after "mi chiamo", "sono",
///   "operatore/operatrice" (a colon after it too), "parlato con", with the following surname (a
///   hyphenated first name whole: Anna-Maria; after "mi chiamo" written all in lower case, one
///   lower-case surname when the name ends there: "mario rossi," but not "mario volevo sapere");
///   any capitalised name after
///   a title (sig., sig.ra, signor, signora, dott., dott.ssa, dottor, dottoressa, ing., avv.).
/// - birth_date: the date after "nato il" / "nata il" (12/03/1980, 12-03-1980, 3 marzo 1980,
///   1° marzo 1980).
/// Digits, spaces and hyphens are read as Unicode defines them: full-width and other scripts'
/// decimal digits (Nd), no-break, thin and zero-width spaces, U+2010–2013 hyphens and dashes.
/// Scanning is one pass, linear in the text; text without digits, '@', '+' or cue words is skipped
/// at a few cycles a byte. Invalid UTF-8 is scanned as bytes and never changed outside a match.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace perche {

/// Kinds of personal data (see the file comment for how each is recognised).
enum class PiiKind : std::uint8_t {
  codice_fiscale,
  partita_iva,
  iban,
  card,
  phone,
  email,
  plate,
  address,
  person,
  birth_date,
};
inline constexpr std::size_t kPiiKindCount = 10;

/// Name of a kind as Python and the JSON use it: "codice_fiscale", "partita_iva", "iban", "card",
/// "phone", "email", "plate", "address", "person", "birth_date".
std::string_view pii_kind_name(PiiKind kind);
/// The kind of a name above; throws std::invalid_argument naming it and the valid names.
PiiKind pii_kind_from_name(std::string_view name);
/// The tag that replaces a span: "CF", "PIVA", "IBAN", "CARTA", "TEL", "EMAIL", "TARGA",
/// "INDIRIZZO", "NOME", "DATA_NASCITA".
std::string_view pii_kind_tag(PiiKind kind);

/// One piece of personal data: byte offsets into the text given, text.substr(start, end - start)
/// == surface.
struct PiiSpan {
  std::size_t start = 0, end = 0;
  PiiKind kind = PiiKind::phone;
  std::string surface;
  /// false for a codice fiscale or IBAN whose check character fails (most likely a typo of a real
  /// one); true for every other span.
  bool verified = true;
};

/// What find_pii() looks for.
struct PiiOptions {
  std::vector<PiiKind> kinds;  ///< empty: every kind
  /// Where names_it.txt is; "": default_names_path() (perche/data_files.hpp). Read once per directory.
  std::string data_dir;
};

/// Finds the personal data of the kinds asked, in text order, not overlapping. Throws IoError
/// when a person is asked for and the name list cannot be read.
std::vector<PiiSpan> find_pii(std::string_view text, const PiiOptions& options = {});

enum class MaskStyle {
  tag,        ///< "[TEL]"
  pseudonym,  ///< "[TEL_3f9a2c]": pii_pseudonym() with MaskOptions::key
};

struct MaskOptions {
  std::vector<PiiKind> kinds;  ///< what to mask; empty: every kind
  MaskStyle style = MaskStyle::tag;
  std::string key;       ///< the HMAC key of MaskStyle::pseudonym (required there, not empty)
  std::string data_dir;  ///< as PiiOptions::data_dir
};

/// The text with every span find_pii() finds replaced by its tag or pseudonym; every other byte is
/// kept as it was. Throws std::invalid_argument for a pseudonym without a key.
std::string mask(std::string_view text, const MaskOptions& options = {});

/// mask() that also returns the spans it replaced (offsets into `text`).
std::string mask(std::string_view text, const MaskOptions& options, std::vector<PiiSpan>& spans);

/// find_pii() of each text on up to `threads` threads (0: all cores).
std::vector<std::vector<PiiSpan>> find_pii_batch(std::span<const std::string_view> texts,
                                                 const PiiOptions& options = {}, unsigned threads = 0);
/// mask() of each text on up to `threads` threads (0: all cores).
std::vector<std::string> mask_batch(std::span<const std::string_view> texts, const MaskOptions& options = {},
                                    unsigned threads = 0);

/// The stable token of a piece of personal data: "[" tag "_" then the first 6 hex digits of
/// HMAC-SHA256(key, tag ":" canonical surface) "]". The canonical surface ignores spaces, dots and
/// dashes, case, a +39/0039 prefix of phones and an IT prefix of a partita IVA, so that
/// "347 123 4567" and "+39 3471234567" give one token. Without the key it cannot be reversed or
/// recomputed. Throws std::invalid_argument for an empty key.
std::string pii_pseudonym(PiiKind kind, std::string_view surface, std::string_view key);

/// HMAC-SHA256 (RFC 2104, FIPS 180-4) of `message` under `key`, by OpenSSL's libcrypto.
std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view message);

/// The check algorithms, exposed for tests and for users validating a single field.
/// Each takes the identifier without spaces; letters in any case.
bool codice_fiscale_valid(std::string_view code);  ///< structure and check character
bool partita_iva_valid(std::string_view digits);   ///< 11 digits, office code, check digit
bool iban_valid(std::string_view iban);            ///< SEPA country, length, mod 97
bool luhn_valid(std::string_view digits);          ///< digits only, any length >= 2

}  // namespace perche
