// SPDX-License-Identifier: Apache-2.0
/// \file perche/discover.hpp
/// Theme discovery for short Italian comments without labels (issue 19, part 2): which themes the
/// customers talk about, in their own words, how many mention each, and (given scores) how each
/// theme moves the score. The result labels new comments and writes a codebook to edit.
///
///     std::vector<std::string_view> texts = ...;                  // 5,000 comments, no labels
///     perche::Themes themes = perche::discover(texts);
///     for (const auto& t : themes.themes()) std::cout << t.name << ' ' << t.share << '\n';
///     perche::LabelMatrix Y = themes.assign(texts);               // n × T, several per comment
///     themes.to_codebook("codebook.txt");                         // perche analyze --codebook
///
/// Method: a Dirichlet-multinomial mixture fitted by collapsed Gibbs sampling (GSDMM: Yin and Wang,
/// "A Dirichlet Multinomial Mixture Model-based Approach for Short Text Clustering", KDD 2014) over
/// the clauses of the comments (a comment splits at punctuation and at e, ma, però, con, mentre,
/// anche), so that "colazione abbondante, personale gentile" gives two themes. A clause holds one
/// theme, which suits clauses of a few words where a mixture of topics per document (LDA, NMF) has
/// too few words to estimate. The forms of a word (camera, camere; servizio, servizi) are one word
/// to the mixture; a theme shows the form most comments wrote. Deterministic: the comments are put in a canonical order
/// (by a hash of their text), the sampler is sequential with a fixed seed, and only tokenization and assignment run on
/// several threads, each comment on its own: identical output for any input order and thread count. Time and memory are
/// linear in the words of the input.
#pragma once

#include <perche/matrix.hpp>
#include <perche/text.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace perche {

/// A theme the analyst names in advance, with the words that define it ("staff": personale,
/// reception). Discovery keeps the name and adds the words that come with the seed's in the data.
/// A seed word also anchors its other forms, seen in the comments or not: the words with its key
/// (the word less a final a, e, i or o, then an i and the h of ch/gh, keeping 4 bytes: gentile and
/// gentili, camera and camere, servizio and servizi) and the comments' words that differ from it
/// only in such an ending after 4 common letters; not a form of another seed's words too. Typed
/// words of two seeds that share a key (gentile for one, gentili for another) keep their own.
struct ThemeSeed {
  std::string name;                ///< non-empty; the theme's name in Themes::names()
  std::vector<std::string> words;  ///< at least one; normalized as the comments are (case, accents)
};

/// Seeds from text, one theme per line as `name: word word ...` (blank lines and lines starting
/// with # are skipped; words are separated by spaces or commas). Throws FormatError naming the line:
/// "seeds line 3: expected 'name: word word ...'", a name given twice, a name with no words.
std::vector<ThemeSeed> parse_seeds(std::string_view text);
/// parse_seeds of a file. Throws IoError when it cannot be read (or is over 16 MiB), FormatError as
/// parse_seeds with the path.
std::vector<ThemeSeed> load_seeds(const std::string& path);

/// How a theme's score is summarised when scores are given.
enum class ScoreMetric : std::uint8_t {
  automatic,  ///< nps when every score is an integer in [0, 10] and one is above 7, else mean
  nps,        ///< Net Promoter Score: % promoters (9-10) − % detractors (0-6), in [-100, 100]
  mean,       ///< the mean score
};

/// Options of discover(). Defaults suit a few hundred to a million short comments.
struct DiscoverOptions {
  /// Number of themes; 0 chooses: the sampler starts from max_themes (plus one per seed) and themes
  /// left with fewer than min_theme_share of the clauses are dissolved into the others. A given
  /// number is kept unless themes end up empty. Either way an unseeded theme that no comment gets
  /// in the end (its clauses more likely elsewhere, or under min_confidence) is not returned.
  std::size_t n_themes = 0;
  /// The most themes n_themes and max_themes may ask for: a list a person reads (the sampler's work
  /// grows with the number of themes: 100,000 themes on 2,400 comments ran for minutes).
  static constexpr std::size_t kMaxThemes = 1000;
  /// The automatic choice's starting point (≥ 1). 24 and 0.015 below were chosen on one half of
  /// the ABSITA 2018 training sentences' aspect labels and measured on the other (both halves chose
  /// them from 16/24/32 × 0.01/0.015/0.02 by NMI + best-match F1, the mean of 8 sampler seeds;
  /// `benchmarks/eval_discover.py --select`, README).
  std::size_t max_themes = 24;
  double min_theme_share = 0.015;  ///< automatic choice: smallest share of clauses a theme keeps, in [0, 1)
  int iterations = 20;             ///< Gibbs sweeps over the clauses (≥ 1)
  double alpha = 0.1;              ///< Dirichlet prior on theme sizes (> 0)
  double beta = 0.1;               ///< Dirichlet prior on a theme's words (> 0)
  /// How much less likely a seed word is in any theme but its seed's, in (0, 1]: 1 lets the data
  /// move seed words freely, small values hold each seed word to its theme.
  double seed_weight = 0.01;
  /// A clause gets its most likely theme only when that theme's posterior probability is at least
  /// this, in [0, 1) (0: always; among the candidate themes, Themes::assign); a seed word always
  /// gives its seed's theme.
  double min_confidence = 0.5;
  /// ... and a seeded theme, when the clause holds none of its seed words, only when its posterior
  /// probability is at least this (and min_confidence), in [0, 1), and the clause holds a word
  /// learned from the seed's clauses (seeded_lift): a seeded theme also draws clauses that share
  /// only its common words (camera, bagno) with its seed's clauses, and an analyst who named it
  /// wants what it names. A clause with the seed's words joins it whatever these are. Chosen with
  /// seeded_lift on one half of the ABSITA 2018 training sentences' aspect labels and measured on
  /// the other, for two seed sets (`eval_discover.py --select`, README).
  double seeded_confidence = 0.8;
  /// A word is learned from a seed's clauses when it comes with the seed's words in at least 4
  /// clauses and in a share of its clauses at least seeded_lift times the share of the clauses
  /// (those with a word the model keeps) that hold them (≥ 0; 0: no such test, the rule of files
  /// saved before it). A word is learned for one seed at most (the highest ratio) and a seed word
  /// is never learned. A seeded theme grows by these words ("muffa" with "sporco"), not by the
  /// clauses the sampler gave it for the company they keep ("arredamento datato" in the
  /// cleanliness theme). So a seed whose words are in more than 1/seeded_lift of the clauses, or
  /// a survey too small for 4 clauses, learns no word: its theme is its seed words' clauses.
  double seeded_lift = 3;
  std::uint64_t seed = 20140824;  ///< the sampler's seed (the same seed gives the same themes)
  unsigned threads = 0;           ///< tokenization and assignment threads (0: all cores); never changes the result
  ScoreMetric metric = ScoreMetric::automatic;
  /// Personal data (perche/privacy.hpp, every kind) stays out of the themes: its words are left out
  /// of the model (no theme named after a codice fiscale or a surname) and the examples quote the
  /// comments masked with "[TEL]" tags, as `perche analyze` quotes them (the codebook carries
  /// them). false: the comments are read and quoted as written.
  bool mask = true;
};

/// One discovered (or seeded) theme.
struct Theme {
  std::string name;       ///< its seed's name, or its most telling word or phrase ("wi fi")
  bool seeded = false;    ///< from a ThemeSeed
  double share = 0;       ///< share of the comments assign() gives this theme, in [0, 1]
  std::size_t count = 0;  ///< number of those comments
  /// top words, most telling first (whole words customers wrote); a seeded theme's then every
  /// word its seed gave that is not among them
  std::vector<std::string> words;
  std::vector<std::string> phrases;  ///< top 2-3-word phrases ("tempi di attesa"), most frequent first
  /// Mean score (or NPS) of the comments that mention the theme; nullopt without scores.
  std::optional<double> score;
  /// Score of all comments − score of the comments that do not mention it (points of NPS or of the
  /// mean): negative when the theme pulls the score down. nullopt without scores or when every
  /// scored comment mentions it.
  std::optional<double> impact;
  std::vector<std::string> low_words;   ///< words telling low from high scores among mentioners (low side)
  std::vector<std::string> high_words;  ///< ... and the high side (empty without scores)
  /// Up to 3 representative comments, as given (of at most 1,000 bytes): those whose words lie most in
  /// this theme, of about 10 words; then, for a theme that is no comment's main theme, comments
  /// that mention it.
  std::vector<std::string> examples;
};

/// The result of discover(): themes, and the model that assigns them to any comment.
class Themes {
 public:
  Themes(Themes&&) noexcept;
  Themes& operator=(Themes&&) noexcept;
  Themes(const Themes&);
  Themes& operator=(const Themes&);
  ~Themes();

  const std::vector<Theme>& themes() const;
  std::vector<std::string> names() const;  ///< theme names, in the order of assign()'s columns
  /// Share of the input comments given no theme: empty, only words never seen twice, or no clause
  /// sure enough of its theme (min_confidence, seeded_confidence).
  double unassigned_share() const;
  std::size_t n_texts() const;  ///< number of comments discovered from

  /// n × T 0/1: comment i mentions theme j: one of its clauses is most likely theme j (with
  /// DiscoverOptions::min_confidence, and for a seeded theme seeded_confidence), or holds a seed
  /// word of theme j or one of its forms (ThemeSeed). A seeded theme most likely for a clause that
  /// holds neither its seed words nor a word learned from them (seeded_lift) is no candidate: the
  /// clause's theme is then the most likely of the unseeded themes and of the seeded ones whose
  /// seed words it holds, its probability (min_confidence) taken among those. A word is read by its key, so a form the
  /// comments discovered from never wrote (personali) counts as its word. Thread-safe;
  /// `threads` as in DiscoverOptions.
  LabelMatrix assign(std::span<const std::string_view> texts, unsigned threads = 0) const;
  /// The main theme of each comment (the theme of most of its words), or -1 when it has none.
  std::vector<std::int64_t> primary(std::span<const std::string_view> texts, unsigned threads = 0) const;

  /// A commented codebook (perche/codebook.hpp format): one [code] Name section per theme, its
  /// words (each with its other forms in the comments: camera, camere) and quoted phrases as
  /// patterns, its share and examples as comments.
  std::string codebook() const;
  /// Writes codebook() to path. Throws IoError naming the path when it cannot be written.
  void to_codebook(const std::string& path) const;

  /// The whole result, model included, in the versioned binary format ("PERCHETH", CRC-checked):
  /// from_bytes(to_bytes()) assigns, names and writes codebooks as this does. from_bytes throws
  /// FormatError naming the byte of what is wrong (not a Themes model, truncated, corrupted,
  /// impossible values); load also IoError naming the path. Themes are pickled this way in Python.
  std::string to_bytes() const;
  static Themes from_bytes(std::string_view bytes);
  void save(const std::string& path) const;
  static Themes load(const std::string& path, std::uint64_t max_bytes = kMaxModelBytes);
  static constexpr std::uint64_t kMaxModelBytes = std::uint64_t{1} << 30;  ///< load()'s default limit

  struct Impl;

 private:
  friend Themes discover(std::span<const std::string_view>, std::span<const double>, const std::vector<ThemeSeed>&,
                         const DiscoverOptions&);
  explicit Themes(std::unique_ptr<Impl> impl);
  const Impl& impl() const;  // throws std::logic_error when moved from
  std::unique_ptr<Impl> impl_;
};

/// Discovers the themes of texts. scores: empty, or one per text (NaN: no score). Throws
/// std::invalid_argument for no texts, scores of another length, an option out of its range, a
/// seed with no name or no word, or texts with no word to learn from ("discover: no words in the 3
/// texts (each is empty, punctuation or stopwords)").
Themes discover(std::span<const std::string_view> texts, std::span<const double> scores = {},
                const std::vector<ThemeSeed>& seeds = {}, const DiscoverOptions& options = {});

}  // namespace perche
