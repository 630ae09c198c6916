// SPDX-License-Identifier: Apache-2.0
/// \file perche/sentiment.hpp
/// Sentiment of Italian customer comments: positive, negative, neutral or mixed.
///
///     auto clf = perche::SentimentClassifier::default_model();      // lexicon + rules, no training
///     std::string_view texts[] = {"Operatore gentilissimo, problema risolto!",
///                                 "Non mi hanno mai richiamato, vergognoso"};
///     auto labels = clf.predict(texts);                              // {"positive", "negative"}
///     perche::Matrix p = clf.predict_proba(texts);                   // n × 4, columns in classes() order
///
/// The default model is the team's own Italian lexicon (sentiment_it.tsv: words, phrases, emoji
/// with a polarity in [-3, 3]) read through rules: negation scope, intensifiers and downtoners,
/// contrast (the clause after "ma", "però", ... weighs more), emoticons, elongations, "!!!". The
/// rules give each comment nine lexicon features; a multinomial logistic regression turns them into
/// probabilities, calibrated on the team's labelled comments (sentiment.csv). fit() on a user's
/// labelled comments learns word features (TF-IDF, as DriverClassifier's) beside the lexicon's.
#pragma once

#include <perche/classify.hpp>
#include <perche/matrix.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace perche {

/// A word or phrase (up to kMaxPhraseWords words) with its polarity: the sign says which way,
/// the size how strongly (1 mild, 2 clear, 3 strong). Polarity 0 marks a neutral phrase whose
/// words must not count ("gentile cliente", "sala d'attesa").
struct LexiconEntry {
  std::string term;
  double polarity = 0;
};

/// The words a SentimentClassifier knows. Terms are matched after the tokenizer's normalization
/// (case folding, accent fixing, elisions split) by their Snowball stem, so "pulito" also matches
/// "pulite" (the first entry with a stem decides); a later single word with the same stem is
/// matched as written and wins for that spelling ("cancello 0" after "cancellato -1": the gate is
/// no cancellation); a phrase matches its words' stems in a row, and the longest phrase starting
/// at a word wins.
class SentimentLexicon {
 public:
  static constexpr std::size_t kMaxPhraseWords = 6;
  static constexpr double kMaxPolarity = 3.0;
  /// Default limit of load(): the shipped lexicon is about 50 KB.
  static constexpr std::uint64_t kMaxLexiconBytes = 64ull << 20;

  SentimentLexicon() = default;
  /// Throws std::invalid_argument naming the entry: an empty term or one of more than
  /// kMaxPhraseWords words, a polarity that is not finite or beyond ±kMaxPolarity, a term listed
  /// twice.
  explicit SentimentLexicon(std::vector<LexiconEntry> entries);

  /// The text format: one `term<TAB>polarity` per line, `#` comment lines and blank lines ignored,
  /// UTF-8. Throws FormatError naming the source and line ("lexicon line 12: polarity 'x' is not a
  /// number").
  static SentimentLexicon parse(std::string_view text, std::string_view source = "lexicon");
  /// Reads a lexicon file (IoError when it cannot be read, FormatError naming the path and line).
  static SentimentLexicon load(const std::string& path, std::uint64_t max_bytes = kMaxLexiconBytes);
  /// The shipped Italian lexicon (default_sentiment_lexicon_path()).
  static SentimentLexicon default_lexicon();

  const std::vector<LexiconEntry>& entries() const { return entries_; }
  std::size_t size() const { return entries_.size(); }
  /// The entries in the text format (parse(to_text()) gives the same lexicon).
  std::string to_text() const;

 private:
  std::vector<LexiconEntry> entries_;
};

/// Path of the shipped lexicon (sentiment_it.tsv) and of the labelled comments that calibrate the
/// default model (sentiment.csv: columns text, label). Found as default_model_path()
/// (perche/data_files.hpp); throw IoError naming every directory looked at.
std::string default_sentiment_lexicon_path();
std::string default_sentiment_calibration_path();

struct SentimentOptions {
  /// Learn word features (TF-IDF with `features`) beside the lexicon's when fitted; false: the
  /// lexicon features alone (the default model).
  bool words = true;
  TfidfOptions features = DriverOptions::default_features();
  /// Multinomial logistic regression over [word features | lexicon features].
  LogisticOptions logistic = default_logistic();
  /// 0: all cores (tokenizing in fit/predict_proba of many texts); above
  /// DriverOptions::kMaxThreads the constructor throws std::invalid_argument.
  unsigned threads = 0;

  static LogisticOptions default_logistic();
};

/// Why a comment got its sentiment.
struct SentimentExplanation {
  std::string label;                    ///< the predicted class
  std::array<double, 4> probabilities;  ///< in SentimentClassifier::classes() order
  /// Lexicon matches in text order, after the rules: weight is the polarity that counted (negated,
  /// intensified, weighed by contrast), positive for positive sentiment; term is the lexicon's entry
  /// (or the emoticon); spans are byte ranges in the text.
  std::vector<Contribution> lexicon;
  /// Fitted models with word features: the terms that moved the decision most, by decreasing
  /// |weight|, weight = the term's contribution to logit(positive) − logit(negative).
  std::vector<Contribution> words;
};

/// Per-comment sentiment. Classes are always the four of classes(), in that (sorted) order.
/// Threads: const functions may be called from several threads at once (see DriverClassifier).
class SentimentClassifier {
 public:
  static constexpr std::array<std::string_view, 4> kClasses{"mixed", "negative", "neutral", "positive"};
  static constexpr std::size_t kLexiconFeatures = 9;

  /// An unfitted classifier over `lexicon` (empty: the shipped one).
  explicit SentimentClassifier(SentimentOptions options = {}, SentimentLexicon lexicon = {});

  /// The untrained default: the shipped lexicon, lexicon features only, calibrated on the shipped
  /// labelled comments (about 60 ms). Deterministic. The files are read from `data_dir` when given,
  /// else found as default_sentiment_lexicon_path() says. Throws IoError when they cannot be read.
  static SentimentClassifier default_model(const std::string& data_dir = {});

  /// labels: one of classes() per text. A class may be missing from the labels (its probability
  /// is then 0); fewer than two classes throws std::invalid_argument, as does an unknown label
  /// (naming its index and value) or a size mismatch.
  SentimentClassifier& fit(std::span<const std::string_view> texts, std::span<const std::string> labels);

  bool fitted() const { return !coef_.empty(); }
  static std::vector<std::string> classes() { return {kClasses.begin(), kClasses.end()}; }
  const SentimentOptions& options() const { return options_; }
  /// Threads of later batch calls (0: all cores), e.g. the CPUs of a Spark task; results do not
  /// depend on it. Throws std::invalid_argument above DriverOptions::kMaxThreads.
  void set_threads(unsigned threads);
  const SentimentLexicon& lexicon() const { return lexicon_; }
  /// Names of the lexicon features (the last kLexiconFeatures columns of the model).
  static std::vector<std::string> lexicon_feature_names();

  /// n × kLexiconFeatures: the lexicon features of each text (what the model sees of the lexicon).
  Matrix lexicon_features(std::span<const std::string_view> texts) const;
  std::array<double, kLexiconFeatures> lexicon_features(std::string_view text) const;

  /// n × 4 probabilities in classes() order.
  Matrix predict_proba(std::span<const std::string_view> texts) const;
  /// One text's probabilities (the per-comment path: no thread start-up).
  std::array<double, 4> predict_proba(std::string_view text) const;
  std::vector<std::string> predict(std::span<const std::string_view> texts) const;
  std::string predict(std::string_view text) const;
  SentimentExplanation explain(std::string_view text, std::size_t max_terms = 10) const;

  /// Versioned binary model (magic "PERCHESC", format version, CRC-32), holding the lexicon.
  /// Throws FormatError on any problem reading.
  std::string to_bytes() const;
  static SentimentClassifier from_bytes(std::string_view bytes);
  void save(const std::string& path) const;
  static SentimentClassifier load(const std::string& path, std::uint64_t max_bytes = DriverClassifier::kMaxModelBytes);

 private:
  struct Scorer;                  // the lexicon's index and rules (src/sentiment/lexicon.cpp)
  friend class DriverClassifier;  // reads the rules' matches near each driver (aspect sentiment)
  std::size_t n_word_features() const { return vectorizer_.fitted() ? vectorizer_.features().size() : 0; }
  void build();                  // scorer_ from lexicon_
  const Scorer& scorer() const;  // throws std::logic_error when moved from
  // Probabilities from the lexicon features and a TF-IDF row (empty without words).
  std::array<double, 4> probabilities(std::span<const double> lexicon, const TfidfVectorizer::Row& row) const;
  // predict_proba(text) with the text's lexicon features already read (kLexiconFeatures values).
  std::array<double, 4> predict_proba(std::string_view text, std::span<const double> lexicon) const;

  SentimentOptions options_;
  SentimentLexicon lexicon_;
  std::shared_ptr<const Scorer> scorer_;
  text::Tokenizer tokenizer_;  // the word features' tokenizer
  TfidfVectorizer vectorizer_;
  // 4 × (word features + kLexiconFeatures), row-major, and the intercepts: classes absent from
  // the training labels have -inf intercepts (probability 0).
  std::vector<double> coef_;
  std::array<double, 4> intercept_{};
};

}  // namespace perche
