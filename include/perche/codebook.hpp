// SPDX-License-Identifier: Apache-2.0
#pragma once
/// Codebook: drivers defined by Italian keyword, stem and phrase patterns in a small text file, for
/// labelling comments when there are no labelled examples yet (then train a DriverClassifier on
/// the codebook's labels, or analyse with them directly).
///
///     # comment
///     [tempi_attesa] Tempi di attesa        # a driver: code, then the label shown in reports
///     [prezzo_1] "Prezzo #1"                 # a label in quotes may hold a #
///     attes*                                 # a word prefix
///     coda                                   # a whole word
///     "ore al telefono"                      # a phrase: consecutive words, each may end in *
///     !"senza attes*"                        # an exclusion: matches inside it do not count
///
/// Words are compared after the tokenizer's normalization with case folding, accent fixing and
/// stripping (qualità = qualita = QUALITÁ), elision splitting (l'attesa → l' attesa) and elongation
/// squashing (attesaaa → attesa); no stemming and no stopword removal, so patterns read as
/// written. A phrase never spans punctuation. Stopwords matter in phrases: "ore al telefono".
#include <perche/classify.hpp>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace perche {

/// One pattern match in a text.
struct CodebookMatch {
  std::size_t driver;  ///< index into drivers()
  std::size_t start;   ///< byte offsets of the matched words in the text
  std::size_t end;
  std::string pattern;  ///< the pattern as written in the file
};

class Codebook {
 public:
  /// Parses a codebook. Throws FormatError naming the line: "codebook line 7: pattern before any
  /// [driver] section", duplicate driver, empty pattern, unbalanced quote, a driver with no pattern.
  static Codebook parse(std::string_view text);
  /// Default limit of load(): 64 MiB, 15,000 times the shipped codebook (4.4 KB); a generated one
  /// with a million patterns still fits. Raise it with load's max_bytes.
  static constexpr std::uint64_t kMaxCodebookBytes = 64ull << 20;
  /// Reads and parses a file. Throws IoError (perche/error.hpp) when it cannot be read, is not a
  /// regular file (a directory, FIFO, device) or is larger than max_bytes; FormatError as parse().
  static Codebook load(const std::string& path, std::uint64_t max_bytes = kMaxCodebookBytes);

  Codebook(Codebook&&) noexcept;
  Codebook& operator=(Codebook&&) noexcept;
  Codebook(const Codebook&);
  Codebook& operator=(const Codebook&);
  ~Codebook();

  const std::vector<std::string>& drivers() const;  ///< codes, in file order
  const std::vector<std::string>& labels() const;   ///< display labels (the code when none is given)

  /// Every match in a text, in text order (exclusions applied). Thread-safe.
  std::vector<CodebookMatch> matches(std::string_view text) const;
  /// n × k 0/1: text i has at least one match of driver j. `threads` as in DriverClassifier (0: all cores).
  LabelMatrix predict(std::span<const std::string_view> texts, int threads = 0) const;

 private:
  struct Impl;
  explicit Codebook(std::unique_ptr<Impl> impl);
  const Impl& impl() const;  // throws std::logic_error when moved from
  std::unique_ptr<Impl> impl_;
};

}  // namespace perche
