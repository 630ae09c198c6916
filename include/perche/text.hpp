// SPDX-License-Identifier: Apache-2.0
/// \file perche/text.hpp
/// Italian tokenizer and normalizer. ICU and libstemmer live behind a pimpl in src/text/: nothing
/// here needs their headers.
///
///     perche::text::Tokenizer tok;                       // lowercase, Italian stopwords
///     for (const auto& t : tok.tokenize("L’assistenza è stata un po' lenta!!! 😡"))
///       std::cout << t.text << " → " << t.norm << '\n';
///     std::vector<std::string> terms = tok.normalize("non mi hanno MAI richiamato");
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perche::text {

/// What a token is. Segmentation follows the Universal Dependencies Italian treebanks: elisions
/// split after the apostrophe (`l'` `assistenza`), numbers keep their decimal comma and thousands
/// dot, runs of `!`/`?`/`.` are one token, a word keeps an ellipsis it ends in (`nessu…`: the norm drops
/// it), ranges between numbers split (`2000` `-` `2006`), and web-text units stay whole.
enum class TokenKind : std::uint8_t {
  word,      ///< letters, possibly with digits, internal hyphens, elision or apocope apostrophe, final ellipsis
  number,    ///< 3,5 · 1.200 · 10:30 · 31/10/2025 · 31-10-2025 (digits with internal . , : / -; 3-4 is 3 - 4)
  punct,     ///< Unicode punctuation, runs such as ... !!! ?!
  symbol,    ///< € % + = and any other character, U+FFFD for replaced bytes
  emoji,     ///< one emoji grapheme (ZWJ sequences, skin tones, flags) or a run of the same one
  emoticon,  ///< :-) :( <3 ;) :D xD :'( ^^ *-* o.O T_T and repeated mouths (:))) ;DD) as one token
  url,       ///< http(s)://..., www...., or a bare domain such as tim.it
  email,     ///< name@domain.tld
  mention,   ///< @user
  hashtag,   ///< #delusione
};

/// Name of a kind ("word", "number", ...), as Python shows it.
std::string_view kind_name(TokenKind kind);

/// What to do with bytes that are not UTF-8.
enum class Utf8Policy : std::uint8_t {
  replace,  ///< each maximal invalid subsequence becomes U+FFFD (a symbol token); counted
  strict,   ///< throw std::invalid_argument naming the byte offset
};

/// Snowball's Italian stopword list (snowballstem.org, BSD-3) without the words that carry
/// polarity in customer comments: non, mai, niente, nessuno, senza, né, bene, male, meglio,
/// peggio, poco, troppo, molto, purtroppo, più.
std::vector<std::string> italian_stopwords();

/// The words that open a negation scope: non, mai, niente, nulla, nessuno, nessuna, né, senza,
/// nemmeno, neanche, neppure.
std::vector<std::string> negators();

/// Tokenizer options. Every normalization step is switchable; the defaults suit a bag-of-words
/// model of Italian customer comments.
struct TokenizerOptions {
  bool lowercase = true;       ///< full Unicode case folding (ICU), e.g. MAI → mai, STRASSE ß → ss
  bool strip_accents = false;  ///< perché → perche (after fix_accents)
  bool fix_accents = true;     ///< common misspellings: perchè → perché, e' → è, piu' → più, pò → po'
  bool split_elisions = true;  ///< false keeps "l'assistenza" as one word token
  /// bellissimoooo → bellissimo (3+ equal letters → 1), !!!!! → !!!, and an emoticon's repeated mouth
  /// to one: :))) → :), ;DD → ;D, T__T → T_T.
  bool squash_elongations = true;
  /// Terms removed from normalize() (their norm is empty). Default: Snowball's Italian list minus the
  /// negations and sentiment words (italian_stopwords()); std::nullopt keeps every term. Words are
  /// matched after folding and accent fixing; elided forms match without their apostrophe (dell).
  std::optional<std::vector<std::string>> stopwords = italian_stopwords();
  bool stem = false;          ///< Snowball Italian stemmer (libstemmer), cached per tokenizer
  bool negation = false;      ///< prefix NEG_ to terms after a negator until punctuation
  bool placeholders = false;  ///< norms <num>, <url>, <email>, <user> for those kinds
  bool keep_punct = false;    ///< normalize() keeps punctuation and symbol tokens
  Utf8Policy utf8 = Utf8Policy::replace;
};

/// One token of a text.
struct Token {
  std::string_view text;  ///< the exact slice of the input (a view: valid while the input lives)
  std::string norm;       ///< normalized form; empty when the token is removed (stopword, punct)
  std::size_t start;      ///< byte offset of text in the input
  std::size_t end;        ///< one past its last byte
  TokenKind kind;
};

/// Tokens of one text, with the number of invalid UTF-8 sequences replaced by U+FFFD.
struct Tokens {
  std::vector<Token> tokens;
  std::size_t replaced = 0;

  auto begin() const { return tokens.begin(); }
  auto end() const { return tokens.end(); }
  std::size_t size() const { return tokens.size(); }
  const Token& operator[](std::size_t i) const { return tokens[i]; }
};

namespace detail {
class TermReader;  // the library's own reader of many texts' terms (src/text/term_reader.hpp)
}

/// Italian tokenizer and normalizer. Construction validates the options; a constructed Tokenizer
/// is immutable, and its const member functions may be called from several threads at once.
class Tokenizer {
 public:
  /// Throws std::invalid_argument if a stopword is empty or not valid UTF-8.
  explicit Tokenizer(TokenizerOptions options = {});
  ~Tokenizer();
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  Tokenizer(const Tokenizer& other);
  Tokenizer& operator=(const Tokenizer& other);

  const TokenizerOptions& options() const;

  /// Tokens of text without normalization (norms empty): segmentation alone. Same exceptions as
  /// tokenize().
  Tokens segment(std::string_view text) const;

  /// Every token of text with its normalized form. Throws std::invalid_argument under
  /// Utf8Policy::strict when text is not UTF-8 ("invalid UTF-8 at byte 12: 0xC3 0x28").
  Tokens tokenize(std::string_view text) const;

  /// The terms a vectorizer consumes: the non-empty norms of the tokens (punctuation only with
  /// keep_punct). Same exceptions as tokenize().
  std::vector<std::string> normalize(std::string_view text) const;
  /// The same terms into out (its previous contents replaced, its capacity reused): for loops
  /// over many texts that should not allocate a vector per text.
  void normalize(std::string_view text, std::vector<std::string>& out) const;

  /// Whether normalize() keeps this token of tokenize(): a non-empty norm, and punctuation or
  /// symbols only with keep_punct. normalize(text) are the norms of the tokens that pass.
  bool is_term(const Token& token) const;

  /// Snowball Italian stem of one word as given (libstemmer expects lower-case UTF-8), through
  /// this tokenizer's cache, whatever the `stem` option says: "richiamato" → "richiam". Bytes that
  /// are not UTF-8 follow the utf8 option: U+FFFD (replace) or std::invalid_argument (strict).
  std::string stem(std::string_view word) const;

  /// tokenize()/normalize() of many texts on `threads` threads (0: hardware concurrency). Results
  /// are in input order. A text that fails under the strict policy does not stop the others: the
  /// first failure is rethrown after all texts ran, as std::invalid_argument naming its index.
  std::vector<Tokens> tokenize_batch(const std::vector<std::string_view>& texts, unsigned threads = 0) const;
  std::vector<std::vector<std::string>> normalize_batch(const std::vector<std::string_view>& texts,
                                                        unsigned threads = 0) const;

 private:
  friend class detail::TermReader;
  struct Impl;
  Impl& impl() const;  // throws std::logic_error when moved from
  std::unique_ptr<Impl> impl_;
};

}  // namespace perche::text
