// SPDX-License-Identifier: Apache-2.0
/// \file perche/classify.hpp
/// TF-IDF features, L2 logistic regression and the multi-label driver classifier.
///
///     perche::DriverClassifier clf({"attesa", "cortesia", "prezzo"});
///     clf.fit(texts, Y);                                  // Y: n × 3 of 0/1
///     auto p = clf.predict_proba({"mi hanno fatto aspettare un'ora"});
///     for (const auto& e : clf.explain("operatore scortese e caro"))
///       std::cout << e.driver << ' ' << e.probability << '\n';
///
/// The formulas follow scikit-learn 1.x (TfidfVectorizer, LogisticRegression), which the test suite
/// checks to 1e-12 (features) and 1e-4 relative (coefficients).
#pragma once

#include <perche/error.hpp>
#include <perche/matrix.hpp>
#include <perche/text.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace perche {

// ---------------------------------------------------------------------------------------------
// TfidfVectorizer
// ---------------------------------------------------------------------------------------------

enum class Analyzer : std::uint8_t {
  word,     ///< word n-grams of the normalized terms, joined by one space ("non funziona")
  char_wb,  ///< character n-grams inside word boundaries: each term padded as " term " (scikit-learn's char_wb)
  both,     ///< word n-grams and char_wb n-grams in one vocabulary (char n-grams prefixed by U+0001)
};

enum class Norm : std::uint8_t { l2, l1, none };

/// A document-frequency bound: a count of documents or a share of them (scikit-learn's int/float).
struct DocFreq {
  double value = 1;
  bool share = false;  ///< value is a proportion in [0, 1] of the documents
  static DocFreq count(double n) { return {n, false}; }
  static DocFreq proportion(double p) { return {p, true}; }
};

struct TfidfOptions {
  text::TokenizerOptions tokenizer{};  ///< how raw texts become terms (pre-tokenized input skips it)
  Analyzer analyzer = Analyzer::word;
  int ngram_min = 1, ngram_max = 1;  ///< word n-gram range, 1 ≤ min ≤ max ≤ 16
  int char_min = 2, char_max = 5;    ///< char_wb n-gram range in code points, 1 ≤ min ≤ max ≤ 32
  DocFreq min_df = DocFreq::count(1);
  DocFreq max_df = DocFreq::proportion(1.0);
  /// Keep the most frequent features (corpus count; ties broken by feature name, where scikit-learn's
  /// order is unspecified); 0 = all.
  std::size_t max_features = 0;
  bool sublinear_tf = false;  ///< tf → 1 + ln(tf)
  bool use_idf = true;
  bool smooth_idf = true;  ///< idf = ln((1 + n) / (1 + df)) + 1, else ln(n / df) + 1
  Norm norm = Norm::l2;
};

/// TF-IDF vectorizer (scikit-learn's TfidfVectorizer: CountVectorizer + TfidfTransformer, same
/// formulas; columns are the features in code-point order, like get_feature_names_out()).
/// Construction validates the options (std::invalid_argument names the bad one). fit_* and
/// transform of raw texts tokenize on `threads` threads (0: all cores).
class TfidfVectorizer {
 public:
  explicit TfidfVectorizer(TfidfOptions options = {});

  const TfidfOptions& options() const { return options_; }

  /// Learn vocabulary and idf from raw texts (tokenized with options().tokenizer) or from term lists.
  /// Throws std::invalid_argument when no feature is left ("empty vocabulary ...").
  SparseMatrix fit_transform(std::span<const std::string_view> texts, unsigned threads = 0);
  SparseMatrix fit_transform(const std::vector<std::vector<std::string>>& docs, unsigned threads = 0);
  void fit(std::span<const std::string_view> texts, unsigned threads = 0) { fit_transform(texts, threads); }
  void fit(const std::vector<std::vector<std::string>>& docs, unsigned threads = 0) { fit_transform(docs, threads); }

  /// Features of new documents (unknown features are ignored). Throws std::logic_error before fit.
  SparseMatrix transform(std::span<const std::string_view> texts, unsigned threads = 0) const;
  SparseMatrix transform(const std::vector<std::vector<std::string>>& docs, unsigned threads = 0) const;

  bool fitted() const { return !features_.empty(); }
  /// Feature names by column: word n-grams as "a b", char n-grams as their characters (with `both`,
  /// char n-grams are prefixed by U+0001 so that they cannot collide with words).
  const std::vector<std::string>& features() const { return features_; }
  /// Inverse document frequency by column (learnt even when options().use_idf is false, then unused).
  const std::vector<double>& idf() const { return idf_; }
  /// Column of a feature, or -1.
  std::int64_t column(std::string_view feature) const;

  /// One document's TF-IDF row: (column, value) by increasing column, normalized as configured.
  /// `row` is overwritten; reusing it avoids allocation (the per-comment path).
  using Row = std::vector<std::pair<std::int64_t, double>>;
  void transform_row(const std::vector<std::string>& terms, Row& row) const;
  /// The same row for a raw text, read through `tokenizer` (built with options().tokenizer) term by
  /// term: memory grows with the text's distinct features, not with its length (a 10 MB comment
  /// holds no list of its terms or features). Same exceptions as Tokenizer::normalize().
  void transform_row(const text::Tokenizer& tokenizer, std::string_view text, Row& row) const;
  /// transform_row, and counts[i]: how many times the feature of row[i] occurs in terms.
  void transform_row(const std::vector<std::string>& terms, Row& row, std::vector<std::int64_t>& counts) const;

  /// Features of one document's terms with, for each, the indices of the terms it came from
  /// (for explanations). Unknown features are skipped.
  struct Occurrence {
    std::int64_t column;
    std::uint32_t first_term, last_term;  ///< inclusive range of term indices
  };
  std::vector<Occurrence> occurrences(const std::vector<std::string>& terms) const;
  /// Calls fn(occurrence) for each element of occurrences(terms), in that order, without storing
  /// them (a long text has some 30 per term).
  template <typename Fn>
  void for_each_occurrence(const std::vector<std::string>& terms, Fn&& fn) const {
    visit_occurrences(
        terms, [](void* f, const Occurrence& o) { (*static_cast<std::remove_reference_t<Fn>*>(f))(o); }, &fn);
  }

  /// Rebuild a fitted vectorizer (model loading). Throws std::invalid_argument on inconsistent sizes.
  static TfidfVectorizer from_parts(TfidfOptions options, std::vector<std::string> features, std::vector<double> idf);

 private:
  // Feature → column: open addressing, power-of-two size, linear probing, 16-byte slots. A slot
  // holds the feature's first 8 bytes, so that a feature body of up to 8 bytes (most char n-grams)
  // is confirmed inside it, a longer one against features_. Flat, so a lookup is one cache line.
  struct Slot {
    std::uint32_t check;  // high bits of the hash, the body's size (capped at 255), marked
    std::int32_t column;  // -1: empty
    std::uint64_t key;    // the body's bytes, packed (vectorizer.cpp: pack())
  };
  std::int64_t find(std::string_view body, bool marked) const;  // marked: the feature is U+0001 + body
  // transform_row(tokenizer, text, row), by increasing column when `sorted`, else in no particular
  // order (no sort: DriverClassifier's prediction path, whose dot product does not need one).
  // With `segmented`, the text's tokens as segmented into it (TermReader::read's `segmented`).
  void read_row(const text::Tokenizer& tokenizer, std::string_view text, Row& row, bool sorted,
                std::vector<text::Token>* segmented = nullptr) const;
  friend class DriverClassifier;
  // (Re)builds table_ from features_ (with their hashes when known); throws on a duplicate.
  void index_features(const std::vector<std::uint64_t>* hashes = nullptr);
  template <typename Fn>
  void for_each_feature(const std::vector<std::string>& terms, std::string& scratch, Fn&& fn) const;
  void visit_occurrences(const std::vector<std::string>& terms, void (*sink)(void*, const Occurrence&), void* fn) const;
  template <typename MakeSource>
  SparseMatrix fit_impl(std::size_t n_docs, unsigned threads, MakeSource&& make_source);
  SparseMatrix build(const std::vector<std::vector<std::string>>& docs, unsigned threads) const;
  struct RowBlock;  // the rows of consecutive documents, CSR-like
  void row_of(const std::vector<std::string>& terms, std::vector<std::int64_t>& cols,
              std::vector<double>& values) const;
  void add_row(const std::vector<std::string>& terms, RowBlock& block) const;
  void weigh(std::vector<std::int64_t>& cols, std::vector<double>& values) const;
  SparseMatrix assemble(std::vector<RowBlock>& blocks) const;

  TfidfOptions options_;
  std::vector<std::string> features_;
  std::vector<Slot> table_;
  std::uint64_t index_id_ = 0;  // which index table_ is, process-wide (read_row's term cache)
  std::vector<double> idf_;
};

// ---------------------------------------------------------------------------------------------
// LogisticRegression
// ---------------------------------------------------------------------------------------------

/// How LogisticRegression minimizes its objective. Both stop at the same gradient tolerance and
/// reach the same minimizer; benchmarks/compare_solvers.py times them on the same features.
enum class Solver : std::uint8_t {
  lbfgs,   ///< L-BFGS (LBFGSpp) with a strong-Wolfe line search
  newton,  ///< trust-region Newton with conjugate gradients (Lin, Weng & Keerthi 2008; liblinear's method)
};

struct LogisticOptions {
  double C = 1.0;             ///< inverse L2 strength: minimize C·Σ wᵢ·lossᵢ + ½‖coef‖² (scikit-learn)
  bool fit_intercept = true;  ///< the intercept is not penalized
  bool balanced = false;      ///< class weights n / (classes · nᶜ), scikit-learn's "balanced"
  double tol = 1e-6;          ///< stop when ‖∇‖∞ of the per-weight objective ≤ tol
  int max_iter = 1000;        ///< iterations of the solver (Newton: outer iterations)
  Solver solver = Solver::lbfgs;
};

/// L2-penalized logistic regression on sparse features, fitted by L-BFGS (LBFGSpp) with a
/// strong-Wolfe line search (Nocedal–Wright) or by trust-region Newton (LogisticOptions::solver). Two classes: one
/// coefficient row (scikit-learn's binary model); more: multinomial (softmax) with one row per class. Classes are the
/// sorted distinct labels.
class LogisticRegression {
 public:
  explicit LogisticRegression(LogisticOptions options = {});

  /// Throws std::invalid_argument on size mismatches, fewer than two classes, negative or
  /// non-finite weights, non-finite features.
  LogisticRegression& fit(const SparseMatrix& X, std::span<const int> y, std::span<const double> sample_weight = {});

  /// n × classes probabilities.
  Matrix predict_proba(const SparseMatrix& X) const;
  /// Labels of the most probable class.
  std::vector<int> predict(const SparseMatrix& X) const;
  /// X·coefᵀ + intercept: n × 1 (binary) or n × classes.
  Matrix decision_function(const SparseMatrix& X) const;

  const LogisticOptions& options() const { return options_; }
  const std::vector<int>& classes() const { return classes_; }
  const Matrix& coef() const { return coef_; }                         ///< rows × features
  const std::vector<double>& intercept() const { return intercept_; }  ///< one per coefficient row
  int n_iter() const { return n_iter_; }

  /// Rebuild a fitted model (model loading): coef is rows × features with rows = 1 for two classes,
  /// else one per class; intercept has one value per row. Throws std::invalid_argument on
  /// inconsistent sizes, unsorted classes or a value beyond ±1e100.
  static LogisticRegression from_parts(LogisticOptions options, std::vector<int> classes, Matrix coef,
                                       std::vector<double> intercept);

 private:
  LogisticOptions options_;
  std::vector<int> classes_;
  Matrix coef_;
  std::vector<double> intercept_;
  int n_iter_ = 0;
};

// ---------------------------------------------------------------------------------------------
// DriverClassifier
// ---------------------------------------------------------------------------------------------

class SentimentClassifier;  // perche/sentiment.hpp: the lexicon that a sentiment model reads

/// How fit() chooses the decision thresholds when DriverOptions::cv_folds ≥ 2, from out-of-fold
/// probabilities.
enum class ThresholdPolicy : std::uint8_t {
  per_driver,  ///< each driver's own threshold maximizing its F1
  /// one threshold for every driver maximizing micro-F1 over all of them: steadier for rare
  /// drivers, whose own thresholds follow a handful of out-of-fold examples
  global,
};

struct DriverOptions {
  /// Features. The default, chosen by 5-fold cross-validation on ABSITA 2018 (benchmarks/
  /// eval_absita.py): words with negation scope (no stemming), word 1–2-grams and char_wb
  /// 2–5-grams, sublinear tf, l2 norm, min_df 2; logistic C = 5, tol 1e-4, trust-region Newton
  /// (faster than L-BFGS here: benchmarks/compare_solvers.py).
  TfidfOptions features = default_features();
  LogisticOptions logistic = default_logistic();
  /// Threshold per driver: chosen by k-fold cross-validation on the training data to maximize F1
  /// (cv_folds ≥ 2; more folds than texts: one text a fold), or this fixed value for every driver
  /// when cv_folds is 0.
  int cv_folds = 5;
  double threshold = 0.5;
  /// Chosen by nested cross-validation on ABSITA 2018 (benchmarks/eval_absita.py --nested).
  ThresholdPolicy threshold_policy = ThresholdPolicy::global;
  /// Naive-Bayes feature scaling of the presence models (after Wang & Manning 2012, whose NBSVM
  /// scales binarized features; here the TF-IDF values): each driver's model reads every feature
  /// scaled by the log-ratio of its document frequency in the driver's comments and in the others, which regularizes
  /// telling features less. Training only: the scaling is folded into the coefficients, so prediction costs the same;
  /// training holds one scaled copy of the TF-IDF matrix per thread. On by nested cross-validation on ABSITA 2018
  /// (benchmarks/eval_absita.py --nested: chosen in 5 of 5 outer folds, ACD 0.8151). The polarity models do not use it
  /// (ACP 0.7775 → 0.7778 when they did).
  bool nb_scale = true;
  /// Aspect-based sentiment: besides whether a driver is present, learn whether it is spoken of
  /// positively and/or negatively (fit with positive and negative labels; predict_polarity).
  bool sentiment = false;
  /// C of the polarity models (their other options are `logistic`'s): 20 by 5-fold cross-validation
  /// on ABSITA 2018 (benchmarks/eval_absita.py --sentiment; 5 scores 0.005 lower).
  double polarity_C = 20.0;
  /// 0: all cores; more than the cores are clamped to them when used; above kMaxThreads the
  /// constructor throws std::invalid_argument (and a model file saying so is a FormatError).
  unsigned threads = 0;
  std::uint64_t seed = 42;  ///< fold assignment
  static constexpr unsigned kMaxThreads = 4096;

  static TfidfOptions default_features();
  static LogisticOptions default_logistic();
};

/// Precision, recall, F1 and support of one driver, and micro/macro averages.
struct DriverScores {
  std::string driver;
  double precision = 0, recall = 0, f1 = 0;
  std::size_t support = 0;  ///< positive examples
};
struct Evaluation {
  std::vector<DriverScores> drivers;
  double micro_precision = 0, micro_recall = 0, micro_f1 = 0;
  double macro_precision = 0, macro_recall = 0, macro_f1 = 0;
};

/// One term that pushed a driver's score, with where it occurs in the text.
struct Contribution {
  std::string term;  ///< the normalized term as a person reads it (a word, "a b" for a bigram, "non x" for a negated x)
  double weight;     ///< Σ coefficient × tf-idf over the term's features (logit units)
  std::vector<std::pair<std::size_t, std::size_t>> spans;  ///< byte ranges in the text
};
struct Explanation {
  std::string driver;
  double probability;
  double threshold;
  std::vector<Contribution> terms;  ///< by decreasing weight; positive first
  /// Sentiment models: "positive", "negative", "mixed" (both) or "neutral" (neither) as
  /// predict_polarity() decides for a present driver, "" for a driver below its threshold or a
  /// model without sentiment; and the probabilities that the driver, present, is spoken of
  /// positively and negatively (NaN without sentiment).
  std::string polarity;
  double positive = std::numeric_limits<double>::quiet_NaN();
  double negative = std::numeric_limits<double>::quiet_NaN();
};

/// The polarity of each driver of each text (DriverClassifier::predict_polarity): n × drivers 0/1
/// each; both 1: mixed; a driver not present is 0 in both (the ABSITA 2018 convention).
struct Polarity {
  LabelMatrix positive;
  LabelMatrix negative;
};

/// Presence probabilities with the polarity of the present drivers
/// (DriverClassifier::predict_proba_with_polarity): n × drivers each.
struct PresencePolarity {
  Matrix presence;
  Matrix positive;  ///< P(positive | present); NaN for a driver not present
  Matrix negative;  ///< P(negative | present); NaN for a driver not present
  /// n × 4: each comment's SentimentClassifier::predict_proba, when a sentiment model was given;
  /// else empty.
  Matrix sentiment;
};

/// Multi-label one-vs-rest driver classifier: one tokenizer + vectorizer, one logistic regression
/// per driver (trained on parallel threads), a decision threshold per driver.
///
/// Threads: const functions may be called from several threads at once. fit(), load into an
/// existing object and assignment are not synchronised (the standard library's contract): to
/// retrain a model that other threads read, fit a new DriverClassifier and publish it, e.g. a
/// std::shared_ptr<const DriverClassifier> swapped under a mutex; readers then see the old model
/// or the new one, never a mix. The Python binding does this for every call on a shared object.
/// save() writes beside the target and renames, so the file on disk is always a whole model.
class DriverClassifier {
 public:
  /// drivers: names (non-empty, distinct). Empty: named by fit() as "driver_0"... .
  explicit DriverClassifier(std::vector<std::string> drivers = {}, DriverOptions options = {});

  /// Y: texts.size() × drivers rows of 0/1. A driver with no positive (or no negative) example
  /// throws std::invalid_argument naming it. Returns *this.
  DriverClassifier& fit(std::span<const std::string_view> texts, const LabelMatrix& Y);
  /// A sentiment model (DriverOptions::sentiment): positive and negative are n × drivers 0/1 like
  /// Y, 1 where the text speaks of the driver positively (negatively); both 1: mixed; both 0 for a
  /// present driver: neutral. Where Y is 0 both must be 0. Besides the presence models this fits,
  /// for each polarity, a logistic regression per driver on the texts that mention it and one
  /// pooled over the drivers, on the TF-IDF features and the sentiment lexicon's
  /// (SentimentClassifier::lexicon_features, the shipped lexicon); P(polarity | driver present) is
  /// their mean (the pooled model alone for a driver whose mentions hold one polarity only). One
  /// polarity threshold for all drivers is chosen by cross-validation as the presence thresholds
  /// are. Throws std::invalid_argument on a shape mismatch, a value other than 0/1, a polarity
  /// without presence (naming row and driver), or when the options say no sentiment.
  DriverClassifier& fit(std::span<const std::string_view> texts, const LabelMatrix& Y, const LabelMatrix& positive,
                        const LabelMatrix& negative);

  bool fitted() const { return !models_.empty(); }
  const std::vector<std::string>& drivers() const { return drivers_; }
  /// Display names of the drivers, one per driver in drivers() order, as a person reads them
  /// ("Qualità del prodotto" for the code "qualita"); empty: none (analyze_survey names the codes
  /// through its built-in taxonomy). Saved with the model (since format version 4).
  const std::vector<std::string>& labels() const { return labels_; }
  /// Sets labels(): one non-empty name per driver, or none. Throws std::invalid_argument otherwise.
  void set_labels(std::vector<std::string> labels);
  const DriverOptions& options() const { return options_; }
  /// Threads of later predict, predict_proba and evaluate calls (0: all cores), e.g. the CPUs of a
  /// Spark task, so that executors are not oversubscribed; predictions do not depend on it. Throws
  /// std::invalid_argument above DriverOptions::kMaxThreads.
  void set_threads(unsigned threads);
  const std::vector<double>& thresholds() const { return thresholds_; }
  /// The distribution of the training comments' highest driver probability, as unseen comments of
  /// the same kind get it: kTopQuantiles quantiles at 0, 1/(kTopQuantiles − 1), …, 1 of the
  /// out-of-fold probabilities (in-sample when fitted with cv_folds < 2). The domain guard compares
  /// new comments with it. Empty for a model saved before format version 5.
  const std::vector<double>& training_top_quantiles() const { return top_quantiles_; }
  static constexpr std::size_t kTopQuantiles = 21;
  const TfidfVectorizer& vectorizer() const { return vectorizer_; }
  const LogisticRegression& model(std::size_t driver) const;

  /// n × drivers probabilities; 0/1 decisions (probability ≥ threshold).
  Matrix predict_proba(std::span<const std::string_view> texts) const;
  LabelMatrix predict(std::span<const std::string_view> texts) const;
  /// One text's probabilities (the per-contact path: no thread start-up).
  std::vector<double> predict_proba(std::string_view text) const;
  /// The k most probable drivers of a text, (driver index, probability), most probable first.
  std::vector<std::pair<std::size_t, double>> top_k(std::string_view text, std::size_t k) const;
  /// For each predicted driver (or the most probable one if none passes its threshold): the terms
  /// that pushed it, with their spans in `text`.
  std::vector<Explanation> explain(std::string_view text, std::size_t max_terms = 10) const;
  /// The k words or phrases of the vocabulary that push a driver most, with their weight: each scored
  /// as a comment of its own (its TF-IDF row, word and character n-grams, times the driver's
  /// coefficients: the logit it adds over the intercept). Shown as a person reads them (lower case,
  /// negated words as "non …"), never as character fragments; a char-n-gram-only model ranks its
  /// n-grams by coefficient.
  std::vector<std::pair<std::string, double>> top_terms(std::size_t driver, std::size_t k) const;
  std::vector<std::pair<std::string, double>> top_terms(std::string_view driver, std::size_t k) const;
  /// Precision/recall/F1 of predict(texts) against Y.
  Evaluation evaluate(std::span<const std::string_view> texts, const LabelMatrix& Y) const;

  /// Whether the model learnt polarities (fitted with DriverOptions::sentiment).
  bool has_sentiment() const { return !polarity_bias_.empty(); }
  /// P(positive | driver present) and P(negative | driver present), n × drivers each (whatever the
  /// presence probability). Throws std::logic_error for a model without sentiment.
  std::pair<Matrix, Matrix> predict_polarity_proba(std::span<const std::string_view> texts) const;
  /// predict_proba and, for each driver it finds present (at its own threshold, or at `threshold`
  /// for every driver when given), predict_polarity_proba's two probabilities, NaN for the other
  /// drivers: one reading of each text where the two calls read it twice, and only the present
  /// drivers' polarity models summed. With `sentiment`, also each comment's
  /// sentiment->predict_proba (PresencePolarity::sentiment) from the same reading: when its lexicon
  /// is this model's (the shipped one), the lexicon features the polarity models read are its
  /// features, and the lexicon reads each comment once instead of twice. Runs on this model's
  /// threads (DriverOptions::threads), not the sentiment model's. Throws std::logic_error for a
  /// model without sentiment or an unfitted `sentiment`, std::invalid_argument for a NaN
  /// `threshold` (0 makes every driver present, above 1 none).
  PresencePolarity predict_proba_with_polarity(std::span<const std::string_view> texts,
                                               std::optional<double> threshold = std::nullopt,
                                               const SentimentClassifier* sentiment = nullptr) const;
  /// For each driver predict() finds present: positive when P(positive | present) ≥
  /// polarity_threshold(), negative likewise (both: mixed; neither: neutral).
  Polarity predict_polarity(std::span<const std::string_view> texts) const;
  double polarity_threshold() const { return polarity_threshold_; }

  /// Versioned binary model (magic "PERCHEDC", format version, CRC-32). Throws FormatError on any
  /// problem reading, std::runtime_error when the file cannot be written.
  std::string to_bytes() const;
  static DriverClassifier from_bytes(std::string_view bytes);
  void save(const std::string& path) const;
  /// Default limit of load(): 1 GiB, about 330 times the shipped model (3.3 MB) and 4 times a
  /// model of a million features and 30 drivers (each feature costs 8 bytes of idf, 8 per driver
  /// and its name); loading holds the file and the model it becomes, about twice its size.
  static constexpr std::uint64_t kMaxModelBytes = 1ull << 30;
  /// Reads a model file. Throws IoError (perche/error.hpp) when the file cannot be read, is not a
  /// regular file (a directory, FIFO, device) or is larger than max_bytes; FormatError (naming
  /// the path) when its content is not a valid model.
  static DriverClassifier load(const std::string& path, std::uint64_t max_bytes = kMaxModelBytes);

 private:
  std::size_t index_of(std::string_view driver) const;
  std::vector<double> probabilities(const TfidfVectorizer::Row& row) const;  // sigmoid(bias + row · weights)
  // P(positive | present) of each driver then P(negative | present) (2k) into `p`: of the drivers
  // whose `want` is nonzero (every driver when want is null), NaN for the others. Returns whether
  // it read the text's lexicon features (not when no driver is wanted), copied to `sentence` when
  // given (SentimentClassifier::kLexiconFeatures values).
  // `segmented`: the text's tokens as read_row() segmented them, when the lexicon's tokenizer
  // segments as the model's does (they are then normalized by the lexicon's tokenizer in place).
  bool polarity_probabilities(std::string_view text, const TfidfVectorizer::Row& row, const std::uint8_t* want,
                              std::span<double> p, double* sentence = nullptr,
                              std::vector<text::Token>* segmented = nullptr) const;
  // Column of polarity q's model of driver j (j == k: the pooled model) in polarity_weights_.
  static std::size_t polarity_column(std::size_t q, std::size_t j, std::size_t k) {
    return 2 * (j < k ? j + 1 : 0) + q;
  }
  LogisticOptions polarity_logistic() const {
    LogisticOptions o = options_.logistic;
    o.C = options_.polarity_C;
    return o;
  }
  void fit_models(std::span<const std::string_view> texts, const LabelMatrix& Y, const LabelMatrix* positive,
                  const LabelMatrix* negative);

  std::vector<std::string> drivers_;
  std::vector<std::string> labels_;  // empty or one per driver
  DriverOptions options_;
  text::Tokenizer tokenizer_;
  TfidfVectorizer vectorizer_;
  std::vector<LogisticRegression> models_;
  std::vector<double> thresholds_;
  std::vector<double> top_quantiles_;  // training_top_quantiles()
  // Dense per-driver weights by feature (features × drivers, row-major: the drivers' weights of a
  // feature are contiguous), for fast scoring.
  std::vector<double> weights_;
  std::vector<double> bias_;
  void finish();  // fills weights_ and bias_ (and the polarity weights) from the models

  // Sentiment models. The lexicon's reader (an unfitted SentimentClassifier over the lexicon),
  // then for positive and negative: a model per driver (unfitted where the driver's mentions hold
  // one polarity only) and the pooled one, over [TF-IDF features | lexicon features].
  std::shared_ptr<const SentimentClassifier> lexicon_;
  std::array<std::vector<LogisticRegression>, 2> polarity_models_;
  std::array<std::optional<LogisticRegression>, 2> pooled_;
  double polarity_threshold_ = 0.5;
  // (drivers + 1) blocks of (features + lexicon features + local features) × 2: the pooled models'
  // block, then each driver's (polarity_column / 2), each holding per feature its (positive,
  // negative) weight pair; the biases by polarity_column. A comment reads the pooled block and its
  // drivers' blocks, one pair per feature of its row: a cache line holds the pairs of 8 features,
  // where a line of the feature-major layout held 16 weights of one feature, most of them of
  // drivers the comment does not mention. Single precision: the loads are the sum's cost (a
  // weight's rounding, 6e-8 relative, moves a probability by less than 1e-6).
  std::vector<float> polarity_weights_;
  std::vector<double> polarity_bias_;
  // The polarity models read the lexicon twice: over the whole text (SentimentClassifier's
  // features) and near each driver: the rules' matches weighed by exp(−distance / kNear) in words
  // to the driver's anchors, its words of largest presence weight (kAnchors a driver, by stem).
  static constexpr std::size_t kLocalFeatures = 3;
  static constexpr std::size_t kAnchors = 25;
  static constexpr double kNear = 3.0;
  struct Anchors;                           // stem → the drivers it anchors (driver.cpp)
  std::shared_ptr<const Anchors> anchors_;  // built by finish(), shared by copies
  std::size_t polarity_columns() const;     // TF-IDF features + lexicon features + local features
  // The lexicon features of a text (`sentence`) and for each driver its local ones (k × kLocalFeatures);
  // with `want` (k flags), only the wanted drivers' local features (the others are left as they are).
  void read_lexicon(std::string_view text, std::span<double> sentence, std::span<double> local,
                    const std::uint8_t* want = nullptr, std::vector<text::Token>* segmented = nullptr) const;
};

/// Precision/recall/F1 of predictions against truth (same shape; names label the columns).
Evaluation evaluate(const LabelMatrix& truth, const LabelMatrix& predicted, const std::vector<std::string>& names);

}  // namespace perche
