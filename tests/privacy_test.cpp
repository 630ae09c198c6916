// SPDX-License-Identifier: Apache-2.0
// perche/privacy.hpp: each kind, table-driven (valid, near misses, spaced and glued, at the start
// and end of a text, next to punctuation and emoji); the check algorithms against hand-computed
// cases; offsets slice the original; masking keeps every other byte; hostile input stays linear.
#include <doctest/doctest.h>
#include <perche/privacy.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace {

using perche::PiiKind;

struct Case {
  const char* text;
  PiiKind kind;
  const char* surface;  // nullptr: no span of `kind` (nor of any other kind) expected
  bool verified = true;
};

// The first span of any kind; checks that it slices the text.
std::vector<perche::PiiSpan> spans_of(std::string_view text) {
  auto spans = perche::find_pii(text);
  for (const auto& s : spans) {
    REQUIRE(s.start < s.end);
    REQUIRE(s.end <= text.size());
    CHECK(text.substr(s.start, s.end - s.start) == s.surface);
  }
  for (std::size_t k = 1; k < spans.size(); ++k) CHECK(spans[k - 1].end <= spans[k].start);
  return spans;
}

void run_table(const std::vector<Case>& table) {
  for (const auto& c : table) {
    const std::string text = c.text;
    CAPTURE(text);
    const auto spans = spans_of(c.text);
    if (c.surface == nullptr) {
      std::string found;
      for (const auto& s : spans) found += s.surface + " | ";
      CAPTURE(found);
      CHECK(spans.empty());
      continue;
    }
    REQUIRE(spans.size() == 1);
    CHECK(spans[0].kind == c.kind);
    CHECK(spans[0].surface == std::string(c.surface));
    CHECK(spans[0].verified == c.verified);
  }
}

}  // namespace

// Hand-computed (odd-position table of DM 23/12/1976): RSSMRA80A01H501 sums to 98, 98 mod 26 = 20
// → 'U'; BNCGLI85M45F205 sums to 118 → 14 → 'O'; VRDLGU75T10L219 sums to 156 → 0 → 'A'; the omocode
// RSSMRA80A01H50M (1 → M) sums to 116 → 12 → 'M'.
TEST_CASE("privacy: the codice fiscale check character matches hand-computed cases") {
  CHECK(perche::codice_fiscale_valid("RSSMRA80A01H501U"));
  CHECK(perche::codice_fiscale_valid("rssmra80a01h501u"));
  CHECK(perche::codice_fiscale_valid("BNCGLI85M45F205O"));
  CHECK(perche::codice_fiscale_valid("VRDLGU75T10L219A"));
  CHECK(perche::codice_fiscale_valid("RSSMRA80A01H50MM"));
  CHECK_FALSE(perche::codice_fiscale_valid("RSSMRA80A01H501V"));
  CHECK_FALSE(perche::codice_fiscale_valid("RSSMRA80Z01H501U"));  // Z is no month
  CHECK_FALSE(perche::codice_fiscale_valid("RSSMRA80A35H501U"));  // day 35
  CHECK_FALSE(perche::codice_fiscale_valid("RSSMRA80A01H501"));
}

// Hand-computed: 1234567001 → odd digits 1+3+5+7+0 = 16, even digits doubled 4+8+(12-9)+0+2 = 17,
// 33 → check (10 - 3) mod 10 = 7. 0089999001 → 0+8+9+9+0 = 26, 0+(18-9)+(18-9)+0+2 = 20, 46 → 4.
TEST_CASE("privacy: the partita IVA check digit and office code match hand-computed cases") {
  CHECK(perche::partita_iva_valid("12345670017"));
  CHECK(perche::partita_iva_valid("00899990014"));
  CHECK_FALSE(perche::partita_iva_valid("12345670018"));
  CHECK_FALSE(perche::partita_iva_valid("00000000000"));  // all zeros passes Luhn, not the decree
  CHECK_FALSE(perche::partita_iva_valid("01234567897"));  // check right, office 789 does not exist
  CHECK_FALSE(perche::partita_iva_valid("1234567001"));
}

// IBAN examples of the SWIFT registry (IT, GB) and of the ECBS (DE); their mod 97 is 1.
TEST_CASE("privacy: IBAN mod 97 and country lengths match the registry's examples") {
  CHECK(perche::iban_valid("IT60X0542811101000000123456"));
  CHECK(perche::iban_valid("GB82WEST12345698765432"));
  CHECK(perche::iban_valid("DE89370400440532013000"));
  CHECK(perche::iban_valid("it60x0542811101000000123456"));
  CHECK_FALSE(perche::iban_valid("IT60X0542811101000000123457"));
  CHECK_FALSE(perche::iban_valid("IT60X054281110100000012345"));   // 26 characters, Italy has 27
  CHECK_FALSE(perche::iban_valid("US60X0542811101000000123456"));  // not a SEPA country
}

// Luhn test numbers published by the card schemes (Visa 4111…, Amex 378282246310005, Mastercard 5555…4444).
TEST_CASE("privacy: Luhn accepts the schemes' test numbers and refuses a changed digit") {
  CHECK(perche::luhn_valid("4111111111111111"));
  CHECK(perche::luhn_valid("378282246310005"));
  CHECK(perche::luhn_valid("5555555555554444"));
  CHECK_FALSE(perche::luhn_valid("4111111111111112"));
  CHECK_FALSE(perche::luhn_valid("41111x1111111111"));
}

// RFC 4231, test cases 1, 2 and 6 (HMAC-SHA-256).
TEST_CASE("privacy: HMAC-SHA256 gives the RFC 4231 test vectors") {
  auto hex = [](const std::array<unsigned char, 32>& mac) {
    std::string s;
    static const char* digits = "0123456789abcdef";
    for (unsigned char b : mac) {
      s.push_back(digits[b >> 4]);
      s.push_back(digits[b & 15]);
    }
    return s;
  };
  CHECK(hex(perche::hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(hex(perche::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hex(perche::hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("privacy: codici fiscali are found glued, spaced, in any case and with one typo unverified") {
  run_table({
      {"il mio codice fiscale è RSSMRA80A01H501U grazie", PiiKind::codice_fiscale, "RSSMRA80A01H501U"},
      {"RSSMRA80A01H501U", PiiKind::codice_fiscale, "RSSMRA80A01H501U"},
      {"cf: rssmra80a01h501u.", PiiKind::codice_fiscale, "rssmra80a01h501u"},
      {"CF RSS MRA 80A01 H501U, grazie", PiiKind::codice_fiscale, "RSS MRA 80A01 H501U"},
      {"(BNCGLI85M45F205O)", PiiKind::codice_fiscale, "BNCGLI85M45F205O"},
      {"omocodia RSSMRA80A01H50MM!", PiiKind::codice_fiscale, "RSSMRA80A01H50MM"},
      {"😡VRDLGU75T10L219A😡", PiiKind::codice_fiscale, "VRDLGU75T10L219A"},
      {"codice RSSMRA80A01H501V sbagliato", PiiKind::codice_fiscale, "RSSMRA80A01H501V", false},
      {"RSSMRA80Z01H501U", PiiKind::codice_fiscale, nullptr},   // no month Z
      {"RSSMRA80A01H501UX", PiiKind::codice_fiscale, nullptr},  // 17 characters
      {"prodotto AB12CD34EF56GH78", PiiKind::codice_fiscale, nullptr},
  });
}

TEST_CASE("privacy: a partita IVA is found only with its check digit") {
  run_table({
      {"P.IVA 12345670017", PiiKind::partita_iva, "12345670017"},
      {"partita iva IT12345670017.", PiiKind::partita_iva, "IT12345670017"},
      {"IT 00899990014", PiiKind::partita_iva, "IT 00899990014"},
      {"12345670017", PiiKind::partita_iva, "12345670017"},
      {"importo 12345670018 euro", PiiKind::partita_iva, nullptr},  // wrong check digit
      {"00000000000", PiiKind::partita_iva, nullptr},
      {"ordine 01234567897", PiiKind::partita_iva, nullptr},  // office 789
      {"123456700171", PiiKind::partita_iva, nullptr},        // 12 digits
      {"12345670017,50 €", PiiKind::partita_iva, nullptr},    // an amount with decimals
  });
}

TEST_CASE("privacy: IBANs are found spaced or glued, one typo unverified") {
  run_table({
      {"IBAN IT60X0542811101000000123456 grazie", PiiKind::iban, "IT60X0542811101000000123456"},
      {"IT60 X054 2811 1010 0000 0123 456", PiiKind::iban, "IT60 X054 2811 1010 0000 0123 456"},
      {"bonifico su DE89 3704 0044 0532 0130 00.", PiiKind::iban, "DE89 3704 0044 0532 0130 00"},
      {"GB82WEST12345698765432", PiiKind::iban, "GB82WEST12345698765432"},
      {"iban: IT60X0542811101000000123457!", PiiKind::iban, "IT60X0542811101000000123457", false},
      {"US60X0542811101000000123456", PiiKind::iban, nullptr},
  });
}

TEST_CASE("privacy: card numbers need Luhn and 13 to 19 digits") {
  run_table({
      {"carta 4111 1111 1111 1111 scaduta", PiiKind::card, "4111 1111 1111 1111"},
      {"4111-1111-1111-1111", PiiKind::card, "4111-1111-1111-1111"},
      {"amex 378282246310005.", PiiKind::card, "378282246310005"},
      {"5555555555554444😀", PiiKind::card, "5555555555554444"},
      {"carta 4111 1111 1111 1111 12/25", PiiKind::card, "4111 1111 1111 1111"},
      {"ordine 4111111111111112", PiiKind::card, nullptr},
      {"codice 41111111111111111111111", PiiKind::card, nullptr},
  });
}

TEST_CASE("privacy: Italian phone numbers in their written forms, and numbers that are not phones") {
  run_table({
      {"chiamatemi al 347 123 4567", PiiKind::phone, "347 123 4567"},
      {"3471234567", PiiKind::phone, "3471234567"},
      {"+39 347 1234567.", PiiKind::phone, "+39 347 1234567"},
      {"0039 347-123-4567", PiiKind::phone, "0039 347-123-4567"},
      {"+393471234567", PiiKind::phone, "+393471234567"},
      {"tel. 02 1234 5678, grazie", PiiKind::phone, "02 1234 5678"},
      {"(06.12345678)", PiiKind::phone, "06.12345678"},
      {"0422/123456", PiiKind::phone, "0422/123456"},
      {"interno 02/1234", PiiKind::phone, nullptr},  // 6 digits without a prefix: too short
      {"fisso 0422/1234567", PiiKind::phone, "0422/1234567"},
      {"347.123.4567🙂", PiiKind::phone, "347.123.4567"},
      {"ordine n. 3471234567", PiiKind::phone, nullptr},
      {"pratica 0212345678", PiiKind::phone, nullptr},
      {"01.02.2024", PiiKind::phone, nullptr},
      {"ore 14.30", PiiKind::phone, nullptr},
      {"CAP 00184 Roma", PiiKind::phone, nullptr},
      {"costo 3.450.000,00", PiiKind::phone, nullptr},
      {"3000000000 euro", PiiKind::phone, nullptr},
      {"34712345678901", PiiKind::phone, nullptr},
      // Red-team of stop 41: a cue is a word of its own ("attiva" holds "iva"), and a phone's own
      // cue wins over "n." ("Tel. n. ...").
      {"la SIM attiva 3481234567", PiiKind::phone, "3481234567"},
      {"Tel. n. 3471234567", PiiKind::phone, "3471234567"},
      {"cellulare nr. 347 123 4567", PiiKind::phone, "347 123 4567"},
      {"codice cliente 3471234567", PiiKind::phone, nullptr},
  });
}

TEST_CASE("privacy: e-mail addresses") {
  run_table({
      {"scrivete a mario.rossi@example.it.", PiiKind::email, "mario.rossi@example.it"},
      {"mario+voc@posta.example.com", PiiKind::email, "mario+voc@posta.example.com"},
      {"(info@azienda.it)", PiiKind::email, "info@azienda.it"},
      {"email:a_b-c@x-y.eu😀", PiiKind::email, "a_b-c@x-y.eu"},
      {"@mario non è un indirizzo", PiiKind::email, nullptr},
      {"mario@localhost", PiiKind::email, nullptr},
      {"prezzo 5 @ 10 euro", PiiKind::email, nullptr},
  });
}

TEST_CASE("privacy: plates, addresses after cues and dates of birth") {
  run_table({
      {"targa AB 123 CD", PiiKind::plate, "AB 123 CD"},
      {"EZ456FG rigata", PiiKind::plate, "EZ456FG"},
      {"AI 123 CD", PiiKind::plate, nullptr},  // I is not used
      {"abito in via Roma 12, Milano", PiiKind::address, "via Roma 12"},
      {"Via Giuseppe Garibaldi, 15/B", PiiKind::address, "Via Giuseppe Garibaldi, 15/B"},
      {"in piazza dei Martiri 3", PiiKind::address, "piazza dei Martiri 3"},
      {"corso Vittorio Emanuele II n. 45", PiiKind::address, "corso Vittorio Emanuele II n. 45"},
      {"ho scritto via email 2 volte", PiiKind::address, nullptr},
      {"un corso di formazione 3 giorni", PiiKind::address, nullptr},
      {"sono nato il 12/03/1980 a Roma", PiiKind::birth_date, "12/03/1980"},
      {"nata il 3 marzo 1975.", PiiKind::birth_date, "3 marzo 1975"},
      {"nato il 31.12.99", PiiKind::birth_date, "31.12.99"},
      {"nato il giorno sbagliato", PiiKind::birth_date, nullptr},
  });
}

TEST_CASE("privacy: names after cues, from the list or after a title") {
  run_table({
      {"Buongiorno, mi chiamo Mario Rossi e ho un problema", PiiKind::person, "Mario Rossi"},
      {"mi chiamo giulia", PiiKind::person, "giulia"},
      {"l'operatrice Giulia è stata gentile", PiiKind::person, "Giulia"},
      {"l’operatore Marco Della Valle, bravissimo", PiiKind::person, "Marco Della Valle"},
      {"ho parlato con Francesca.", PiiKind::person, "Francesca"},
      {"Sono Anna Maria Bianchi", PiiKind::person, "Anna Maria Bianchi"},
      {"il sig. Rossi mi ha risposto", PiiKind::person, "Rossi"},
      {"la dott.ssa Ferri", PiiKind::person, "Ferri"},
      {"sono Nicolò😀", PiiKind::person, "Nicolò"},
      {"sono molto deluso", PiiKind::person, nullptr},
      {"sono Deluso", PiiKind::person, nullptr},
      {"l'operatore è stato scortese", PiiKind::person, nullptr},
      {"sono mario", PiiKind::person, nullptr},  // after "sono" a name needs its capital
      // A role or a signature before a name of the list (red-team, stop 41)
      {"L'addetta Sara mi ha aiutato", PiiKind::person, "Sara"},
      {"il consulente Marco Bianchi", PiiKind::person, "Marco Bianchi"},
      {"Cordiali saluti, Roberta Gallo", PiiKind::person, "Roberta Gallo"},
      {"Firmato: Anna Neri", PiiKind::person, "Anna Neri"},
      {"il tecnico è arrivato tardi", PiiKind::person, nullptr},
      {"supporto tecnico Inesistente", PiiKind::person, nullptr},  // not a name of the list
  });
}

TEST_CASE("privacy: masking replaces the spans and keeps every other byte") {
  const std::string text = "Sono Mario Rossi, cell 347 123 4567, mail mario@example.it 😀 fine";
  std::vector<perche::PiiSpan> spans;
  const std::string masked = perche::mask(text, {}, spans);
  CHECK(masked == "Sono [NOME], cell [TEL], mail [EMAIL] 😀 fine");
  REQUIRE(spans.size() == 3);
  // Rebuild the original from the masked text and the spans: the rest is unchanged.
  std::string rebuilt;
  std::size_t pos = 0, mpos = 0;
  for (const auto& s : spans) {
    const std::size_t keep = s.start - pos;
    CHECK(masked.substr(mpos, keep) == text.substr(pos, keep));
    rebuilt += text.substr(pos, keep) + s.surface;
    mpos += keep + std::string("[").size() + perche::pii_kind_tag(s.kind).size() + 1;
    pos = s.end;
  }
  rebuilt += text.substr(pos);
  CHECK(rebuilt == text);
  CHECK(perche::mask("niente da nascondere: 12 euro, ore 14.30") == "niente da nascondere: 12 euro, ore 14.30");
}

TEST_CASE("privacy: masking only the kinds asked") {
  perche::MaskOptions o;
  o.kinds = {PiiKind::email};
  CHECK(perche::mask("tel 3471234567 mail a@b.it", o) == "tel 3471234567 mail [EMAIL]");
}

TEST_CASE("privacy: pseudonyms are stable across spellings, differ by key and need a key") {
  perche::MaskOptions o;
  o.style = perche::MaskStyle::pseudonym;
  o.key = "chiave segreta";
  const auto a = perche::mask("tel 347 123 4567", o);
  const auto b = perche::mask("tel +39 3471234567", o);
  CHECK(a == b);
  CHECK(a.size() == std::string("tel [TEL_123456]").size());
  CHECK(a.starts_with("tel [TEL_"));
  o.key = "altra chiave";
  CHECK(perche::mask("tel 347 123 4567", o) != a);
  o.key.clear();
  CHECK_THROWS_AS(perche::mask("tel 347 123 4567", o), std::invalid_argument);
  CHECK(perche::pii_pseudonym(PiiKind::email, "A@B.it", "k") == perche::pii_pseudonym(PiiKind::email, "a@b.IT", "k"));
}

TEST_CASE("privacy: kind names round-trip and unknown names are refused") {
  for (std::size_t k = 0; k < perche::kPiiKindCount; ++k) {
    const auto kind = static_cast<PiiKind>(k);
    CHECK(perche::pii_kind_from_name(perche::pii_kind_name(kind)) == kind);
  }
  CHECK_THROWS_AS(perche::pii_kind_from_name("telefono"), std::invalid_argument);
}

TEST_CASE("privacy: the batch forms give what the single calls give") {
  const std::vector<std::string> texts = {"mi chiamo Luca", "niente", "IBAN IT60X0542811101000000123456", ""};
  std::vector<std::string_view> views(texts.begin(), texts.end());
  std::vector<std::string_view> many;
  for (int r = 0; r < 300; ++r) many.insert(many.end(), views.begin(), views.end());
  const auto found = perche::find_pii_batch(many, {}, 2);
  const auto masked = perche::mask_batch(many, {}, 2);
  REQUIRE(found.size() == many.size());
  for (std::size_t i = 0; i < many.size(); ++i) {
    CHECK(found[i].size() == perche::find_pii(many[i]).size());
    CHECK(masked[i] == perche::mask(many[i]));
  }
}

// Hostile input: invalid UTF-8 is scanned as bytes and left as it is; 10 MB of digits or of
// separated digit groups is scanned in time proportional to its size. Growth is measured as the
// ratio of times for 1 MB and 10 MB (linear: ~10; a quadratic scan would give ~100), the best of
// three runs each, like tests/long_text_test.cpp measures memory rather than asserting a time.
TEST_CASE("privacy: invalid UTF-8 is kept byte for byte and found around") {
  const std::string text = std::string("\xff\xfe tel 3471234567 \xc3") + "\x80\x80" + " mi chiamo Luca\xe2\x82";
  const auto masked = perche::mask(text);
  CHECK(masked == std::string("\xff\xfe tel [TEL] \xc3") + "\x80\x80" + " mi chiamo [NOME]\xe2\x82");
}

// Found by a red-team pass (stop 39), each left wholly or partly in the clear before.
TEST_CASE("privacy: written forms a red-team pass found unmasked") {
  run_table({
      {"mi chiamo mario rossi", PiiKind::person, "mario rossi"},  // all lower case: the surname too
      {"mi chiamo mario rossi, grazie", PiiKind::person, "mario rossi"},
      {"mi chiamo mario rossi e vorrei sapere", PiiKind::person, "mario rossi"},
      {"mi chiamo mario volevo sapere", PiiKind::person, "mario"},  // a verb is no surname
      {"sono Anna-Maria Rossi", PiiKind::person, "Anna-Maria Rossi"},
      {"sono Maria-Grazia Bianchi, ciao", PiiKind::person, "Maria-Grazia Bianchi"},
      {"Operatore: Marco Rossi, molto gentile", PiiKind::person, "Marco Rossi"},
      {"abito in via dell'Indipendenza 5, Bologna", PiiKind::address, "via dell'Indipendenza 5"},
      {"abito in via 4 Novembre 12", PiiKind::address, "via 4 Novembre 12"},
      {"abito in via 25 Aprile 8", PiiKind::address, "via 25 Aprile 8"},
      {"abito in via Roma civico 12", PiiKind::address, "via Roma civico 12"},
      // Stop 42: the abbreviated street types, "Str.", and "lungomare".
      {"abito in P.zza Garibaldi 5, Milano", PiiKind::address, "P.zza Garibaldi 5"},
      {"spedite in c.so Italia 12/A", PiiKind::address, "c.so Italia 12/A"},
      {"V.le Mazzini n. 3", PiiKind::address, "V.le Mazzini n. 3"},
      {"in L.go Augusto 1", PiiKind::address, "L.go Augusto 1"},
      {"Str. del Portone 4", PiiKind::address, "Str. del Portone 4"},
      {"sul lungomare Caracciolo 10", PiiKind::address, "lungomare Caracciolo 10"},
      {"la P.zza era bella", PiiKind::address, nullptr},  // no name and number: no address
      {"il lungomare 2 volte", PiiKind::address, nullptr},
      {"fisso (02) 1234567", PiiKind::phone, "(02) 1234567"},
      {"cell (347) 1234567.", PiiKind::phone, "(347) 1234567"},
      {"tel +39 (0)2 1234567", PiiKind::phone, "+39 (0)2 1234567"},
      {"tel (02)1234567", PiiKind::phone, "(02)1234567"},
      {"il (02) 12/03/2020", PiiKind::phone, nullptr},              // a date after a bracketed number
      {"prezzo (10) 1234567", PiiKind::phone, nullptr},             // no area code starts with 1
      {"arrivati il 01 01 2018 alle 10", PiiKind::phone, nullptr},  // a date with spaces, not 0101 2018
      {"chiamate lo 02 12 3456", PiiKind::phone, "02 12 3456"},     // no year at its end: a phone
      {"scrivete a o'brien@example.com", PiiKind::email, "o'brien@example.com"},
      {"scrivete a jos\xC3\xA9@ex\xC3\xA4mple.it", PiiKind::email, "jos\xC3\xA9@ex\xC3\xA4mple.it"},
      {"scrivi a \xE2\x80\x9Cmario@example.it\xE2\x80\x9D", PiiKind::email, "mario@example.it"},  // “ ” stay out
      {"Nata il 1\xC2\xB0 marzo 1980", PiiKind::birth_date, "1\xC2\xB0 marzo 1980"},
      {"IBAN IT60-X054-2811-1010-0000-0123-456", PiiKind::iban, "IT60-X054-2811-1010-0000-0123-456"},
  });
  // A bracket opens a number of its own: the second was taken for the tail of the first.
  CHECK(perche::mask("(02) 1234567 (02) 7654321") == "[TEL] [TEL]");
}

TEST_CASE("privacy: written forms the stop-43 red-team pass found unmasked") {
  run_table({
      // A mobile number after the bare markers of a number: a phone; a code's own name still wins.
      {"richiamatemi al nr 3471234567", PiiKind::phone, "3471234567"},
      {"potete chiamarmi al n. 333 1234567?", PiiKind::phone, "333 1234567"},
      {"mio n\xC2\xB0 3471234567", PiiKind::phone, "3471234567"},
      {"ordine n. 3471234567", PiiKind::phone, nullptr},
      {"pratica nr 3471234567", PiiKind::phone, nullptr},
      {"ordine n. 0212345678", PiiKind::phone, nullptr},  // a landline-shaped code: as before
      // A surname's particle after a title, both capitalised.
      {"ho parlato con il sig. Di Stefano", PiiKind::person, "Di Stefano"},
      {"la sig.ra Del Vecchio \xC3\xA8 gentile", PiiKind::person, "Del Vecchio"},
      {"sig. La Rosa, grazie", PiiKind::person, "La Rosa"},
      {"il dott. Lo Bianco", PiiKind::person, "Lo Bianco"},
      {"una signora di Molinella", PiiKind::person, nullptr},  // a lady from a town
      {"il Dottore della Guerra", PiiKind::person, nullptr},
      // Streets named with an initial.
      {"abito in Via G. Verdi 7", PiiKind::address, "Via G. Verdi 7"},
      {"spedito in Corso G. Matteotti 15, Torino", PiiKind::address, "Corso G. Matteotti 15"},
      {"via A. Moro 12", PiiKind::address, "via A. Moro 12"},
      {"in via G. 7", PiiKind::address, nullptr},  // an initial and no name
      // Dates of birth as the forms write them.
      {"sono nato a Roma il 15/07/1968", PiiKind::birth_date, "15/07/1968"},
      {"nata a Napoli il 3 marzo 1980", PiiKind::birth_date, "3 marzo 1980"},
      {"nato a San Don\xC3\xA0 di Piave (VE) il 1/2/1970", PiiKind::birth_date, "1/2/1970"},
      {"nato ad Asti il 25.11.1950", PiiKind::birth_date, "25.11.1950"},
      {"data di nascita 12/03/1980", PiiKind::birth_date, "12/03/1980"},
      {"data di nascita: 3 marzo 1980", PiiKind::birth_date, "3 marzo 1980"},
      {"nato a Roma e cresciuto il 15/07/1968", PiiKind::birth_date, nullptr},  // "e": no place
      {"la nascita del sito", PiiKind::birth_date, nullptr},
      {"il problema è nato a Natale il 24/12/2023", PiiKind::birth_date, nullptr},  // a feast, no place
      {"nato a Ottobre il 3/10", PiiKind::birth_date, nullptr},
      // Review of stop 43: a reference number has its own name before the bare marker.
      {"reclamo n. 3471234567", PiiKind::phone, nullptr},
      {"prenotazione nr 3401234567", PiiKind::phone, nullptr},
      {"segnalazione n\xC2\xB0 3331234567", PiiKind::phone, nullptr},
  });
  // The same number with its area code in brackets, or its trunk 0 after +39: one pseudonym.
  perche::MaskOptions o;
  o.style = perche::MaskStyle::pseudonym;
  o.key = "chiave";
  const auto plain = perche::mask("tel 06 1234567", o);
  CHECK(perche::mask("tel (06) 1234567", o) == plain);
  CHECK(perche::mask("tel +39 (0)6 1234567", o) == plain);
  CHECK(perche::mask("tel +39 (347) 1234567", o) == perche::mask("tel 347 1234567", o));
}

// Unicode's other ways of writing the same digits and spaces (UCD: General_Category Nd,
// White_Space, Default_Ignorable_Code_Point; U+FF01–FF5E decompose <wide> to ASCII). Each was left
// unmasked before: the scanner read ASCII bytes only.
TEST_CASE("privacy: full-width digits, no-break and zero-width spaces are read as the ASCII they show") {
  const std::string phone = "3471234567";
  const std::vector<Case> table = {
      {"chiamatemi al \xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x97 \xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93 "
       "\xEF\xBC\x94\xEF\xBC\x95\xEF\xBC\x96\xEF\xBC\x97 grazie",  // ３４７ １２３ ４５６７
       PiiKind::phone,
       "\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x97 \xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93 "
       "\xEF\xBC\x94\xEF\xBC\x95\xEF\xBC\x96\xEF\xBC\x97"},
      {"tel 347\xE2\x80\x8B"
       "123\xE2\x80\x8B"
       "4567.",
       PiiKind::phone,
       "347\xE2\x80\x8B"
       "123\xE2\x80\x8B"
       "4567"},  // zero-width spaces
      {"tel 347\xC2\xA0"
       "123\xC2\xA0"
       "4567",
       PiiKind::phone,
       "347\xC2\xA0"
       "123\xC2\xA0"
       "4567"},  // no-break
      {"tel 347\xE2\x80\xAF"
       "1234567",
       PiiKind::phone,
       "347\xE2\x80\xAF"
       "1234567"},  // narrow no-break
      {"tel 347\xE2\x80\x90"
       "1234567",
       PiiKind::phone,
       "347\xE2\x80\x90"
       "1234567"},                                                                                      // U+2010 hyphen
      {"scrivete a mario\xC2\xAD.rossi@example.it", PiiKind::email, "mario\xC2\xAD.rossi@example.it"},  // soft hyphen
      {"cf \xEF\xBC\xB2SSMRA80A01H501U", PiiKind::codice_fiscale, "\xEF\xBC\xB2SSMRA80A01H501U"},       // Ｒ
      {"tel \xD9\xA3"
       "471234567",
       PiiKind::phone,
       "\xD9\xA3"
       "471234567"},  // ARABIC-INDIC DIGIT THREE
      {"citt\xC3\xA0 e perch\xC3\xA9: 347 1234567", PiiKind::phone, "347 1234567"},
  };
  run_table(table);
  // One pseudonym for one number however its digits are written.
  perche::MaskOptions o;
  o.style = perche::MaskStyle::pseudonym;
  o.key = "k";
  CHECK(perche::mask(table[0].text, o) == perche::mask("chiamatemi al 347 123 4567 grazie", o));
  CHECK(perche::mask(table[1].text, o) == perche::mask("tel " + phone + ".", o));
  // Spans map back to the text's own bytes: masking keeps every other byte.
  CHECK(perche::mask("\xE2\x80\x8B"
                     "tel 347\xE2\x80\x8B"
                     "1234567\xE2\x80\x8B!") ==
        "\xE2\x80\x8B"
        "tel [TEL]\xE2\x80\x8B!");
}

TEST_CASE("privacy: 10 MB of digits and of digit groups is scanned in linear time") {
  auto best = [](const std::string& s) {
    double t = 1e9;
    for (int r = 0; r < 3; ++r) {
      const auto a = std::chrono::steady_clock::now();
      const auto spans = perche::find_pii(s);
      const auto b = std::chrono::steady_clock::now();
      CHECK(spans.size() < s.size());
      t = std::min(t, std::chrono::duration<double>(b - a).count());
    }
    return t;
  };
  const std::string digits_small(1'000'000, '7'), digits_big(10'000'000, '7');
  CHECK(perche::find_pii(digits_big).empty());
  std::string groups_small, groups_big;
  while (groups_small.size() < 1'000'000) groups_small += "1234 5678 ";
  while (groups_big.size() < 10'000'000) groups_big += "1234 5678 ";
  const double r1 = best(digits_big) / std::max(best(digits_small), 1e-6);
  const double r2 = best(groups_big) / std::max(best(groups_small), 1e-6);
  CAPTURE(r1);
  CAPTURE(r2);
  CHECK(r1 < 30);
  CHECK(r2 < 30);
  // A birthplace's province in brackets is looked for within its few bytes (review of stop 43:
  // "nato a (" repeated with no ')' searched to the end of the text each time).
  std::string open_small, open_big;
  while (open_small.size() < 400'000) open_small += "nato a (";
  while (open_big.size() < 4'000'000) open_big += "nato a (";
  const double r3 = best(open_big) / std::max(best(open_small), 1e-6);
  CAPTURE(r3);
  CHECK(r3 < 30);
}
