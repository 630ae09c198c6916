// SPDX-License-Identifier: Apache-2.0
// Theme discovery (include/perche/discover.hpp): a Dirichlet-multinomial mixture over the clauses
// of the comments, fitted by collapsed Gibbs sampling (GSDMM, Yin and Wang, KDD 2014, eq. 4).
//
// Why clauses and this model: benchmarks/eval_discover.py measured, on hotel-review sentences
// (ABSITA 2018), GSDMM per comment at NMI 0.31 / best-match F1 0.40 against the aspects, like
// scikit-learn's NMF on TF-IDF; NMF on word co-occurrence (PPMI) lower (0.22 / 0.35); GSDMM per
// clause gave the best F1, because one sentence often names two aspects ("colazione abbondante,
// personale gentile") while one clause rarely does.
//
// Determinism: every result depends only on the multiset of texts. Texts are put in a canonical
// order (hash of the text, then the text); dictionary ids follow first appearance in that order;
// the sampler runs sequentially with a fixed-seed generator; threads only read texts, each alone.
#include <perche/discover.hpp>
#include <perche/error.hpp>
#include <perche/privacy.hpp>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdio>
#include <tuple>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "../classify/binary.hpp"
#include "../common/hash.hpp"
#include "../common/parallel.hpp"
#include "../io/file.hpp"
#include "../text/term_reader.hpp"
#include "../text/unicode.hpp"

namespace perche {
namespace {

// The comments are read with case folding, accent fixing, elision splitting and elongation
// squashing, and no stopword removal: stopwords are kept inside phrases ("tempi di attesa") and
// left out of the model below.
text::TokenizerOptions reading_options() {
  text::TokenizerOptions o;
  o.stopwords = std::nullopt;
  return o;
}

// Clause boundaries besides punctuation: the coordinating words that join two judgements in a
// review sentence ("camera pulita e personale gentile", "bella ma rumorosa").
const std::unordered_set<std::string_view>& clause_words() {
  static const std::unordered_set<std::string_view> s{"e", "ed", "ma", "però", "con", "mentre", "anche", "oppure"};
  return s;
}

// Words that say how much or how good, not what about: they occur in every theme, so the mixture
// leaves them out (they still count as low/high-score words and inside phrases). The negators and
// polarity words perche keeps out of its stopword list (perche/text.hpp), general verbs of being and
// doing, and the common evaluative adjectives of Italian reviews.
const std::unordered_set<std::string_view>& generic_words() {
  static const std::unordered_set<std::string_view> s{
      "non",           "mai",        "niente",     "nulla",     "nessuno",  "nessuna",    "né",         "senza",
      "nemmeno",       "neanche",    "neppure",    "bene",      "male",     "meglio",     "peggio",     "poco",
      "poca",          "pochi",      "poche",      "troppo",    "troppa",   "troppi",     "troppe",     "molto",
      "molta",         "molti",      "molte",      "purtroppo", "più",      "meno",       "po'",        "tanto",
      "tanta",         "tanti",      "tante",      "davvero",   "proprio",  "veramente",  "abbastanza", "decisamente",
      "assolutamente", "sempre",     "già",        "ancora",    "solo",     "soltanto",   "ben",        "così",
      "quindi",        "comunque",   "invece",     "altro",     "altra",    "altri",      "altre",      "stato",
      "stata",         "stati",      "state",      "essere",    "avere",    "fare",       "fatto",      "può",
      "possono",       "potrebbe",   "ottimo",     "ottima",    "ottimi",   "ottime",     "buono",      "buona",
      "buoni",         "buone",      "buon",       "bello",     "bella",    "belli",      "belle",      "bellissimo",
      "bellissima",    "bellissimi", "bellissime", "pessimo",   "pessima",  "pessimi",    "pessime",    "eccellente",
      "eccellenti",    "perfetto",   "perfetta",   "perfetti",  "perfette", "fantastico", "fantastica", "discreto",
      "discreta",      "scarso",     "scarsa",     "niente",    "top",      "super",      "ok",         "cosa",
      "cose",          "volta",      "tutta",      "tutte",     "ogni",     "qualche",    "stesso",     "stessa"};
  return s;
}

// The common part of a seed word and a form it anchors, in bytes (discover(): "gentile" anchors
// "gentili", "pulito" "pulite").
constexpr std::size_t kInflectionCommon = 4;

// Whether word and seed are forms of one word: a common prefix of `common` bytes or more, after
// which each ends in nothing or an Italian inflectional ending (gentile/gentili, bianco/bianchi).
bool inflects(std::string_view word, std::string_view seed, std::size_t common) {
  std::size_t p = 0;
  while (p < word.size() && p < seed.size() && word[p] == seed[p]) ++p;
  const auto ending = [](std::string_view e) {
    return e.empty() || e == "o" || e == "a" || e == "i" || e == "e" || e == "he" || e == "hi";
  };
  return p >= common && ending(word.substr(p)) && ending(seed.substr(p));
}

bool has_letter(std::string_view s) {
  for (unsigned char c : s)
    if (std::isalpha(c) || c >= 0x80) return true;
  return false;
}

// The model's key of a content word: its forms that differ only in an Italian inflectional ending
// are one word to the mixture (camera and camere, letto and letti, pulito and pulite, servizio
// and servizi, bianco and bianchi), as they are one word to the analyst. The final a, e, i or o
// goes when 4 bytes or more stay, then an i before it (servizio, servizi: serviz) and the h of
// ch or gh (bianchi, bianco: bianc), again keeping 4. Only ASCII bytes go, so a multibyte letter
// is never cut (città, qualità stay). Lighter than the Snowball stem, which joins other words
// (camera and cameriere: camer) and parts plurals (camere: cam). It joins some words too (vista
// and visto, porta and porto) and leaves words of 4 letters as they are (zona, zone).
std::string fold(std::string_view w) {
  const auto vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o'; };
  if (w.size() < 5 || !vowel(w.back())) return std::string(w);
  w.remove_suffix(1);
  if (w.size() >= 5 && w.back() == 'i') w.remove_suffix(1);
  if (w.size() >= 5 && w.back() == 'h' && (w[w.size() - 2] == 'c' || w[w.size() - 2] == 'g')) w.remove_suffix(1);
  return std::string(w);
}

enum class WordKind : std::uint8_t { content, generic, stop };

// The kind of word s whose key is fold(s).
WordKind word_kind(const std::string& s, const std::string& key) {
  static const std::unordered_set<std::string>* const stops = [] {
    auto* set = new std::unordered_set<std::string>();  // never freed: used until exit
    for (auto& w : text::italian_stopwords()) set->insert(w);
    return set;
  }();
  if (stops->count(s) || !has_letter(s) || s.size() < 2) return WordKind::stop;
  static const std::unordered_set<std::string>* const generic_keys = [] {
    auto* set = new std::unordered_set<std::string>();  // never freed: used until exit
    for (std::string_view w : generic_words()) set->insert(fold(w));
    return set;
  }();
  // The other forms of a generic word are generic too (fatto: fatta, fatti, fatte).
  if (generic_words().count(s) || generic_keys->count(key)) return WordKind::generic;
  return WordKind::content;
}

constexpr char kBreak = '\n';  // clause boundary in a text's word stream
constexpr char kSep = '\x1f';  // between words of a clause

// The words of a text as one string: clauses separated by kBreak, words by kSep. A word never holds
// either byte (word tokens are letters, digits, hyphens and apostrophes).
void read_stream(const text::Tokenizer& tokenizer, std::string_view text, std::string& out) {
  out.clear();
  bool open = false;  // a clause has words
  text::detail::TermReader reader(tokenizer);
  reader.tokens(text, [&](const text::Token& token, std::string_view norm) {
    using K = text::TokenKind;
    const bool boundary = token.kind == K::punct || token.kind == K::emoji || token.kind == K::emoticon ||
                          (token.kind == K::word && clause_words().count(norm));
    if (boundary) {
      if (open) out.push_back(kBreak);
      open = false;
      return;
    }
    if (token.kind != K::word || norm.empty()) return;
    if (open) out.push_back(kSep);
    out.append(norm);
    open = true;
  });
}

// Calls clause(words) for each clause of a stream, words a vector of views into the stream.
template <class Fn>
void each_clause(std::string_view stream, std::vector<std::string_view>& words, Fn&& clause) {
  std::size_t i = 0;
  while (i < stream.size()) {
    std::size_t end = stream.find(kBreak, i);
    if (end == std::string_view::npos) end = stream.size();
    words.clear();
    const std::string_view in_clause = stream.substr(0, end);  // a search stops at the clause's end:
    for (std::size_t j = i; j < end;) {                        // one-word clauses made it quadratic
      std::size_t e = in_clause.find(kSep, j);
      if (e == std::string_view::npos) e = end;
      words.push_back(stream.substr(j, e - j));
      j = e + 1;
    }
    clause(words);
    i = end + 1;
  }
}

// splitmix64 (Steele, Lea and Flood, OOPSLA 2014): a small, fixed generator, the same on every
// platform (std::mt19937 is too, but std:: distributions are not).
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

// s as one line of a codebook of at most max_bytes: control characters (newlines, NUL) as spaces,
// bytes that are not UTF-8 as U+FFFD, cut between characters (a cut inside "è" made a codebook
// that load() refused as not UTF-8).
std::string one_line(std::string_view s, std::size_t max_bytes) {
  std::string out;
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size();) {
    const text::detail::Decoded d = text::detail::decode(b + i, b + s.size());
    const std::string_view piece = !d.valid                      ? std::string_view("\xEF\xBF\xBD")
                                   : d.cp < 0x20 || d.cp == 0x7F ? " "
                                                                 : s.substr(i, d.len);
    if (out.size() + piece.size() > max_bytes) break;
    out += piece;
    i += d.valid ? d.len : std::max<std::size_t>(d.len, 1);
  }
  return out;
}

// A codebook code from a theme name: ASCII letters and digits, Italian accented vowels without
// their accent, anything else as one _.
std::string code_of(std::string_view name) {
  static const std::pair<std::string_view, char> accents[] = {
      {"à", 'a'}, {"á", 'a'}, {"è", 'e'}, {"é", 'e'}, {"ì", 'i'}, {"í", 'i'}, {"ò", 'o'}, {"ó", 'o'},
      {"ù", 'u'}, {"ú", 'u'}, {"À", 'a'}, {"È", 'e'}, {"É", 'e'}, {"Ì", 'i'}, {"Ò", 'o'}, {"Ù", 'u'}};
  std::string out;
  for (std::size_t i = 0; i < name.size();) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(std::tolower(c)));
      ++i;
      continue;
    }
    bool done = false;
    for (const auto& [from, to] : accents)
      if (name.substr(i).starts_with(from)) {
        out.push_back(to);
        i += from.size();
        done = true;
        break;
      }
    if (done) continue;
    if (!out.empty() && out.back() != '_') out.push_back('_');
    ++i;
    while (i < name.size() && (static_cast<unsigned char>(name[i]) & 0xC0) == 0x80) ++i;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

}  // namespace

struct Themes::Impl {
  text::Tokenizer tokenizer{reading_options()};
  std::unordered_map<std::string, std::uint32_t> vocab;  // model word's key (fold) → row of log_phi
  std::unordered_set<std::string> exact;                 // seed words that are their own key
  // A theme word's other forms in the comments (camera: camere), for codebook().
  std::unordered_map<std::string, std::vector<std::string>> forms;
  std::size_t k = 0;
  std::vector<float> log_phi;    // vocab.size() × k, word-major: log P(word | theme)
  std::vector<float> log_prior;  // k: log of a theme's clause count + alpha
  std::vector<Theme> themes;
  double unassigned = 0;
  std::size_t n_texts = 0;

  double min_confidence = 0;          // DiscoverOptions::min_confidence
  double seeded_confidence = 0;       // DiscoverOptions::seeded_confidence, for columns < n_seeded
  std::size_t n_seeded = 0;           // the seeded themes are the first columns
  std::vector<std::int32_t> seed_of;  // by model word: the seed theme (column) it anchors, or -1
  // By model word: the seeded theme (column) it is a learned word of, or -1 (empty: no such test,
  // files of version 1).
  std::vector<std::int32_t> learned_of;

  // The most likely theme of a clause of model words (sorted, repeated as often as they occur), or
  // -1 for no word or a posterior probability below min_confidence. Ties go to the lower theme.
  std::int64_t clause_theme(std::span<const std::uint32_t> words, std::vector<double>& score) const {
    if (words.empty() || k == 0) return -1;
    score.assign(log_prior.begin(), log_prior.end());
    for (std::uint32_t w : words) {
      const float* row = log_phi.data() + static_cast<std::size_t>(w) * k;
      for (std::size_t t = 0; t < k; ++t) score[t] += row[t];
    }
    const auto holds = [&](const std::vector<std::int32_t>& marks, std::size_t t) {
      return std::any_of(words.begin(), words.end(),
                         [&](std::uint32_t w) { return static_cast<std::size_t>(marks[w]) == t; });
    };
    // A seeded theme needs one of the words learned from its seed's clauses (learned_of) unless the
    // clause holds one of its seed words. When the most likely theme is a seeded one without
    // either, the clause goes to the most likely theme of the others that do not need them: the
    // unseeded themes and the seeded ones whose seed words it holds (the seeded themes without
    // their seed words, learned words or not, are out of the posterior's sum too: a learned word
    // counts for the theme the mixture found most likely, not for a second choice; letting it
    // took seeded micro-F1 from 0.752 to 0.746, set B 0.793 to 0.786).
    std::size_t best = static_cast<std::size_t>(std::max_element(score.begin(), score.end()) - score.begin());
    if (std::isinf(score[best])) return -1;  // no theme can hold a word (a forged file's −inf row)
    if (!learned_of.empty() && best < n_seeded && !holds(seed_of, best) && !holds(learned_of, best)) {
      for (std::size_t t = 0; t < n_seeded; ++t)
        if (!holds(seed_of, t)) score[t] = -std::numeric_limits<double>::infinity();
      best = static_cast<std::size_t>(std::max_element(score.begin(), score.end()) - score.begin());
      if (std::isinf(score[best])) return -1;  // every theme is a seeded one without its seed words
    }
    // ... and seeded_confidence.
    const bool seeded = best < n_seeded && !holds(seed_of, best);
    const double need = seeded ? std::max(min_confidence, seeded_confidence) : min_confidence;
    if (need > 0) {
      double z = 0;
      for (double x : score) z += std::exp(x - score[best]);
      if (1 / z < need) return -1;
    }
    return static_cast<std::int64_t>(best);
  }

  // Calls fn(theme, weight) for the themes of a clause: its most likely theme (weight: its words)
  // and the seed theme of each seed word in it (weight 1).
  template <class Fn>
  void clause_themes(std::span<const std::uint32_t> ids, std::vector<double>& score, Fn&& fn) const {
    const std::int64_t t = clause_theme(ids, score);
    if (t >= 0) fn(static_cast<std::size_t>(t), ids.size());
    if (!seed_of.empty())
      for (std::uint32_t w : ids)
        if (seed_of[w] >= 0) fn(static_cast<std::size_t>(seed_of[w]), std::size_t{1});
  }

  // Calls fn(theme, weight) for each theme of each clause of text.
  template <class Fn>
  void text_clauses(std::string_view text, std::string& stream, std::vector<std::string_view>& words,
                    std::vector<std::uint32_t>& ids, std::vector<double>& score, Fn&& fn) const {
    read_stream(tokenizer, text, stream);
    each_clause(stream, words, [&](const std::vector<std::string_view>& ws) {
      ids.clear();
      for (std::string_view w : ws) {
        std::string word(w), key = fold(w);
        if (word_kind(word, key) != WordKind::content) continue;
        auto it = vocab.find(!exact.empty() && exact.count(word) ? word : key);
        if (it != vocab.end()) ids.push_back(it->second);
      }
      std::sort(ids.begin(), ids.end());
      clause_themes(ids, score, fn);
    });
  }
};

Themes::Themes(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Themes::Themes(Themes&&) noexcept = default;
Themes& Themes::operator=(Themes&&) noexcept = default;
// A moved-from Themes copies as one (its copy is moved-from too) and refuses every use.
Themes::Themes(const Themes& o) : impl_(o.impl_ ? std::make_unique<Impl>(*o.impl_) : nullptr) {}
Themes& Themes::operator=(const Themes& o) {
  if (this != &o) impl_ = o.impl_ ? std::make_unique<Impl>(*o.impl_) : nullptr;
  return *this;
}
Themes::~Themes() = default;

const Themes::Impl& Themes::impl() const {
  if (!impl_) throw std::logic_error("Themes: used after being moved from");
  return *impl_;
}

const std::vector<Theme>& Themes::themes() const { return impl().themes; }
std::vector<std::string> Themes::names() const {
  std::vector<std::string> out;
  for (const Theme& t : impl().themes) out.push_back(t.name);
  return out;
}
double Themes::unassigned_share() const { return impl().unassigned; }
std::size_t Themes::n_texts() const { return impl().n_texts; }

LabelMatrix Themes::assign(std::span<const std::string_view> texts, unsigned threads) const {
  LabelMatrix Y(texts.size(), impl().k);
  const unsigned blocks = detail::parallel_blocks(texts.size(), threads, 64);
  struct Scratch {
    std::string stream;
    std::vector<std::string_view> words;
    std::vector<std::uint32_t> ids;
    std::vector<double> score;
  };
  std::vector<Scratch> scratch(blocks);
  detail::parallel_for(
      texts.size(), threads, "Themes.assign", "text",
      [&](std::size_t i, unsigned b) {
        Scratch& s = scratch[b];
        impl().text_clauses(texts[i], s.stream, s.words, s.ids, s.score,
                            [&](std::size_t t, std::size_t) { Y(i, t) = 1; });
      },
      64);
  return Y;
}

std::vector<std::int64_t> Themes::primary(std::span<const std::string_view> texts, unsigned threads) const {
  std::vector<std::int64_t> out(texts.size(), -1);
  const unsigned blocks = detail::parallel_blocks(texts.size(), threads, 64);
  struct Scratch {
    std::string stream;
    std::vector<std::string_view> words;
    std::vector<std::uint32_t> ids;
    std::vector<double> score;
    std::vector<std::size_t> weight;
  };
  std::vector<Scratch> scratch(blocks);
  detail::parallel_for(
      texts.size(), threads, "Themes.primary", "text",
      [&](std::size_t i, unsigned b) {
        Scratch& s = scratch[b];
        s.weight.assign(impl().k, 0);
        bool any = false;
        impl().text_clauses(texts[i], s.stream, s.words, s.ids, s.score, [&](std::size_t t, std::size_t n) {
          s.weight[t] += n;
          any = true;
        });
        if (any) out[i] = std::max_element(s.weight.begin(), s.weight.end()) - s.weight.begin();
      },
      64);
  return out;
}

std::string Themes::codebook() const {
  std::string out;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * impl().unassigned);
  out += "# Themes found by perche discover in " + std::to_string(impl().n_texts) + " comments (" + buf +
         " with no theme).\n"
         "# Each [code] Name section is a theme: rename it, add or remove words, merge or split themes,\n"
         "# then label comments with: perche analyze FILE --text COL --codebook THIS_FILE\n"
         "# A word matches that whole word; \"words in quotes\" match those consecutive words; word* a prefix.\n";
  std::vector<std::string> codes;
  for (std::size_t t = 0; t < impl().themes.size(); ++t) {
    const Theme& th = impl().themes[t];
    std::string code = code_of(th.name);
    if (code.empty()) code = "theme";
    std::string unique = code;
    for (int n = 2; std::find(codes.begin(), codes.end(), unique) != codes.end(); ++n)
      unique = code + "_" + std::to_string(n);
    codes.push_back(unique);
    out += "\n";
    std::snprintf(buf, sizeof buf, "# %.1f%% of comments (%zu)", 100.0 * th.share, th.count);
    out += buf;
    if (th.seeded) out += ", seeded";
    if (th.score) {
      std::snprintf(buf, sizeof buf, ", score %.1f", *th.score);
      out += buf;
    }
    if (th.impact) {
      std::snprintf(buf, sizeof buf, ", impact %+.1f", *th.impact);
      out += buf;
    }
    out += "\n";
    auto words_line = [&](const char* what, const std::vector<std::string>& words) {
      if (words.empty()) return;
      std::string s;
      for (const auto& w : words) s += (s.empty() ? "" : ", ") + w;
      out += std::string("# ") + what + ": " + one_line(s, 400) + "\n";
    };
    words_line("low scores", th.low_words);
    words_line("high scores", th.high_words);
    for (const auto& e : th.examples) out += "# e.g. " + one_line(e, 200) + "\n";
    // The label as the analyst wrote it: a ']' is read as part of it (the code ends at the first),
    // a '#' would start a comment, so such a label is written in quotes (Codebook::parse strips them).
    std::string label = one_line(th.name, 200);
    if (label.find('#') != std::string::npos || label.find('"') != std::string::npos) {
      std::replace(label.begin(), label.end(), '"', '\'');
      label = "\"" + label + "\"";
    }
    out += "[" + unique + "] " + label + "\n";
    for (const auto& w : th.words) {
      out += w + "\n";
      if (const auto it = impl().forms.find(w); it != impl().forms.end())
        for (const auto& f : it->second) out += f + "\n";
    }
    for (const auto& p : th.phrases) out += "\"" + p + "\"\n";
  }
  return out;
}

void Themes::to_codebook(const std::string& path) const { detail::write_file(path, codebook(), "codebook"); }

// ---------------------------------------------------------------------------------------------
// File format, version 2 (src/classify/binary.hpp's blocks; little-endian):
//   "PERCHETH" · u32 version · u64 payload size · payload · u32 CRC-32 of payload
// payload: u64 k · the model words by row (strings) · the exact seed words (strings, sorted) ·
// forms (u64 count, then key and its forms, by key) · log P(word | theme), words × k, and the k
// log priors (f32 bits as u32) · k themes (name, seeded u8, share f64, count u64, words, phrases,
// score and impact (u8 present, f64), low_words, high_words, examples) · unassigned share f64 ·
// n_texts u64 · min_confidence f64 · seeded_confidence f64 · n_seeded u64 · seed_of (u64 count,
// 0 or one per model word, each u32: the theme + 1, 0 for none) · since version 2, learned_of (the
// same, 0 or one per seed mark). Version 1 files load without learned words. The reading
// tokenizer is reading_options(): a change of it is a new version.
// ---------------------------------------------------------------------------------------------
namespace {
constexpr std::string_view kThemesMagic = "PERCHETH";
constexpr std::uint32_t kThemesVersion = 2;  // 2 (stop 44): the learned words
constexpr const char* kThemesModel = "Themes model";

void write_f32(detail::Writer& w, float v) { w.u32(std::bit_cast<std::uint32_t>(v)); }
float read_f32(detail::Reader& r, const char* what) {
  const float v = std::bit_cast<float>(r.u32(what));
  if (std::isnan(v) || v == std::numeric_limits<float>::infinity())
    r.fail(std::string(what) + " is NaN or +inf", r.offset() - 4);
  return v;
}
void write_optional(detail::Writer& w, const std::optional<double>& v) {
  w.u8(v.has_value());
  if (v) w.f64(*v);
}
std::optional<double> read_optional(detail::Reader& r, const char* what) {
  if (!r.flag(what)) return std::nullopt;
  const double v = r.f64(what);
  if (!std::isfinite(v)) r.fail(std::string(what) + " is not finite", r.offset() - 8);
  return v;
}
double read_share(detail::Reader& r, const char* what, double high) {
  const double v = r.f64(what);
  if (!(v >= 0 && v <= high))
    r.fail(std::string(what) + " " + std::to_string(v) + " is outside [0, 1]", r.offset() - 8);
  return v;
}
}  // namespace

std::string Themes::to_bytes() const {
  const Impl& m = impl();
  detail::Writer w;
  w.u64(m.k);
  std::vector<std::string> words(m.vocab.size());
  for (const auto& [key, row] : m.vocab) words[row] = key;
  w.strings(words);
  std::vector<std::string> exact(m.exact.begin(), m.exact.end());
  std::sort(exact.begin(), exact.end());
  w.strings(exact);
  std::vector<const std::pair<const std::string, std::vector<std::string>>*> forms;
  for (const auto& f : m.forms) forms.push_back(&f);
  std::sort(forms.begin(), forms.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  w.u64(forms.size());
  for (const auto* f : forms) {
    w.str(f->first);
    w.strings(f->second);
  }
  for (const float v : m.log_phi) write_f32(w, v);
  for (const float v : m.log_prior) write_f32(w, v);
  for (const Theme& t : m.themes) {
    w.str(t.name);
    w.u8(t.seeded);
    w.f64(t.share);
    w.u64(t.count);
    w.strings(t.words);
    w.strings(t.phrases);
    write_optional(w, t.score);
    write_optional(w, t.impact);
    w.strings(t.low_words);
    w.strings(t.high_words);
    w.strings(t.examples);
  }
  w.f64(m.unassigned);
  w.u64(m.n_texts);
  w.f64(m.min_confidence);
  w.f64(m.seeded_confidence);
  w.u64(m.n_seeded);
  w.u64(m.seed_of.size());
  for (const std::int32_t s : m.seed_of) w.u32(static_cast<std::uint32_t>(s + 1));
  w.u64(m.learned_of.size());
  for (const std::int32_t s : m.learned_of) w.u32(static_cast<std::uint32_t>(s + 1));
  return detail::seal(kThemesMagic, kThemesVersion, w.bytes());
}

Themes Themes::from_bytes(std::string_view bytes) {
  std::uint32_t version = 0;
  const std::string_view payload = detail::unseal(bytes, kThemesMagic, kThemesVersion, kThemesModel, version);
  const std::size_t header = kThemesMagic.size() + 4 + 8;  // magic, version, payload size
  detail::Reader r(payload, header, kThemesModel);
  auto m = std::make_unique<Impl>();
  const auto k = r.u64("theme count");
  if (k > DiscoverOptions::kMaxThemes)
    r.fail(std::to_string(k) + " themes (at most " + std::to_string(DiscoverOptions::kMaxThemes) + ")", r.offset() - 8);
  m->k = static_cast<std::size_t>(k);
  const auto words = r.strings("model words");
  for (std::size_t row = 0; row < words.size(); ++row)
    if (!m->vocab.emplace(words[row], static_cast<std::uint32_t>(row)).second)
      r.fail("the model word '" + words[row] + "' is given twice", r.offset());
  for (auto& w : r.strings("exact seed words")) m->exact.insert(std::move(w));
  const auto n_forms = r.count("forms", 16);
  for (std::size_t i = 0; i < n_forms; ++i) {
    std::string key = r.str("form key");
    m->forms[std::move(key)] = r.strings("forms");
  }
  const std::size_t left = payload.size() - (r.offset() - header);
  if (m->k && words.size() > left / 4 / m->k)
    r.fail(std::to_string(words.size()) + " words × " + std::to_string(m->k) +
               " themes of weights need more than the " + std::to_string(left) + " bytes left",
           r.offset());
  m->log_phi.resize(words.size() * m->k);
  for (float& v : m->log_phi) v = read_f32(r, "log P(word | theme)");
  m->log_prior.resize(m->k);
  for (float& v : m->log_prior) v = read_f32(r, "log prior");
  m->themes.resize(m->k);
  for (Theme& t : m->themes) {
    t.name = r.str("theme name");
    t.seeded = r.flag("seeded");
    t.share = read_share(r, "theme share", 1.0);
    t.count = static_cast<std::size_t>(r.u64("theme count of comments"));
    t.words = r.strings("theme words");
    t.phrases = r.strings("theme phrases");
    t.score = read_optional(r, "theme score");
    t.impact = read_optional(r, "theme impact");
    t.low_words = r.strings("low-score words");
    t.high_words = r.strings("high-score words");
    t.examples = r.strings("examples");
  }
  m->unassigned = read_share(r, "unassigned share", 1.0);
  m->n_texts = static_cast<std::size_t>(r.u64("texts"));
  m->min_confidence = read_share(r, "min_confidence", 1.0);
  m->seeded_confidence = read_share(r, "seeded_confidence", 1.0);
  const auto n_seeded = r.u64("seeded themes");
  if (n_seeded > m->k) r.fail(std::to_string(n_seeded) + " seeded themes of " + std::to_string(m->k), r.offset() - 8);
  m->n_seeded = static_cast<std::size_t>(n_seeded);
  const auto n_seed_of = r.count("seed words", 4);
  if ((n_seed_of != 0 || m->n_seeded != 0) && n_seed_of != words.size())
    r.fail(std::to_string(n_seed_of) + " seed marks for " + std::to_string(words.size()) + " model words",
           r.offset() - 8);
  const auto seed_marks = [&](std::vector<std::int32_t>& out, std::uint64_t count, const char* what) {
    out.resize(static_cast<std::size_t>(count));
    for (std::int32_t& s : out) {
      const auto v = r.u32(what);
      if (v > m->n_seeded)
        r.fail(std::string(what) + " " + std::to_string(v) + " of " + std::to_string(m->n_seeded), r.offset() - 4);
      s = static_cast<std::int32_t>(v) - 1;
    }
  };
  seed_marks(m->seed_of, n_seed_of, "seed theme");
  if (version >= 2) {  // version 1: no learned words, no such test
    const auto n_learned = r.count("learned words", 4);
    if (n_learned != 0 && n_learned != n_seed_of)
      r.fail(std::to_string(n_learned) + " learned-word marks for " + std::to_string(n_seed_of) + " seed marks",
             r.offset() - 8);
    seed_marks(m->learned_of, n_learned, "learned word's theme");
  }
  if (!r.done())
    r.fail(std::string("unexpected bytes after the ") + (version >= 2 ? "learned words" : "seed marks"), r.offset());
  return Themes(std::move(m));
}

void Themes::save(const std::string& path) const { detail::write_file(path, to_bytes(), "model"); }

Themes Themes::load(const std::string& path, std::uint64_t max_bytes) {
  return detail::load_model<Themes>(path, max_bytes);
}

// ---------------------------------------------------------------------------------------------
// Seeds
// ---------------------------------------------------------------------------------------------

namespace {
// s without the blanks around it (spaces, tabs, CR, LF): a seeds line, a seed's name.
std::string_view blanks_trimmed(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string_view::npos ? std::string_view() : s.substr(b, e - b + 1);
}
}  // namespace

std::vector<ThemeSeed> parse_seeds(std::string_view text) {
  text = text::detail::without_bom(text);  // a BOM was kept in the first theme's name
  std::vector<ThemeSeed> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    std::string_view line = blanks_trimmed(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty() || line.front() == '#') continue;
    const std::size_t colon = line.find(':');
    const auto fail = [&](const std::string& what) {
      throw FormatError("seeds line " + std::to_string(line_no) + ": " + what);
    };
    if (colon == std::string_view::npos) fail("expected 'name: word word ...', got '" + one_line(line, 80) + "'");
    ThemeSeed seed{std::string(blanks_trimmed(line.substr(0, colon))), {}};
    if (seed.name.empty()) fail("empty theme name before ':'");
    for (const auto& s : out)
      if (s.name == seed.name) fail("theme '" + seed.name + "' is given twice");
    std::string_view rest = line.substr(colon + 1);
    while (!rest.empty()) {
      const std::size_t e = rest.find_first_of(" \t,");
      const std::string_view w = rest.substr(0, e);
      if (!w.empty()) seed.words.emplace_back(w);
      rest.remove_prefix(e == std::string_view::npos ? rest.size() : e + 1);
    }
    if (seed.words.empty()) fail("theme '" + seed.name + "' has no words after ':'");
    out.push_back(std::move(seed));
  }
  return out;
}

std::vector<ThemeSeed> load_seeds(const std::string& path) {
  const std::string text = detail::read_file(path, "seeds", 16u << 20);
  detail::require_utf8(text, "seeds " + detail::display_path(path) + ": ", "seeds file");
  try {
    return parse_seeds(text);
  } catch (const FormatError& e) {
    throw FormatError(detail::display_path(path) + ": " + e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// discover
// ---------------------------------------------------------------------------------------------

namespace {

struct StringViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return detail::hash_bytes(s); }
};

// The dictionary of every word read, ids in first-appearance order.
struct Dictionary {
  std::deque<std::string> words;
  std::vector<WordKind> kind;
  std::unordered_map<std::string_view, std::uint32_t, StringViewHash> index;

  std::uint32_t id(std::string_view w) {
    auto it = index.find(w);
    if (it != index.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(words.size());
    words.emplace_back(w);
    const std::string& s = words.back();
    kind.push_back(word_kind(s, fold(s)));
    index.emplace(std::string_view(s), id);
    return id;
  }
};

double metric_of(std::span<const double> s, bool nps) {
  if (s.empty()) return std::numeric_limits<double>::quiet_NaN();
  if (nps) {
    // Reichheld (2003): promoters 9-10, detractors 0-6 (perche::NpsBreaks).
    double p = 0, d = 0;
    for (double x : s) {
      if (x >= 9) ++p;
      if (x <= 6) ++d;
    }
    return 100.0 * (p - d) / static_cast<double>(s.size());
  }
  return std::accumulate(s.begin(), s.end(), 0.0) / static_cast<double>(s.size());
}

}  // namespace

namespace {
// The clauses with a seed's words a word must come in to be learned from them
// (DiscoverOptions::seeded_lift): fewer is chance. 4 and 2 were within 0.002 of each other on
// the ABSITA sentences (eval_discover.py); 4 is kept as the safer.
constexpr std::int64_t kLearnedClauses = 4;

// The words learned from each seed's clauses (DiscoverOptions::seeded_lift): by model word, the
// seeded theme whose seed words it comes with in at least kLearnedClauses clauses, `lift` times as
// often as clauses hold them overall (the seed with the highest such ratio), or -1. A word
// co-occurring with the seed words in the customers' own clauses is evidence of the seed's theme;
// a word the sampler put into the seeded theme only because it shares company words ("camera",
// "bagno") is not: the cleanliness theme seeded with pulito, sporco, igiene... drew the clauses of
// worn furniture ("arredamento datato") and gave them cleanliness (381 of its 413 clauses beyond
// the seed words were not about cleanliness in ABSITA's labels). Linear in the clauses' words
// times the seeds.
void learned_words(std::vector<std::int32_t>& learned_of, const std::vector<std::int64_t>& seed_of,
                   const std::vector<std::uint32_t>& active, const std::vector<std::uint32_t>& cw,
                   const std::vector<std::size_t>& cw_begin, std::size_t S, double lift) {
  const std::size_t V = seed_of.size();
  learned_of.assign(V, -1);
  std::vector<std::int64_t> n_w(V, 0), n_ws(V * S, 0), n_s(S, 0);  // clauses with w, with w and s's words, with s's
  std::vector<std::uint8_t> has(S);
  for (const std::size_t c : active) {
    std::fill(has.begin(), has.end(), 0);
    for (std::size_t j = cw_begin[c]; j < cw_begin[c + 1]; ++j)
      if (seed_of[cw[j]] >= 0) has[static_cast<std::size_t>(seed_of[cw[j]])] = 1;
    for (std::size_t s = 0; s < S; ++s) n_s[s] += has[s];
    for (std::size_t j = cw_begin[c]; j < cw_begin[c + 1]; ++j) {
      if (j > cw_begin[c] && cw[j] == cw[j - 1]) continue;  // a clause's words are sorted: each once
      ++n_w[cw[j]];
      for (std::size_t s = 0; s < S; ++s) n_ws[cw[j] * S + s] += has[s];
    }
  }
  const auto clauses = static_cast<double>(active.size());
  for (std::size_t w = 0; w < V; ++w) {
    if (seed_of[w] >= 0 || n_w[w] == 0) continue;
    double best = 0;
    for (std::size_t s = 0; s < S; ++s) {
      const std::int64_t both = n_ws[w * S + s];
      if (both < kLearnedClauses) continue;
      const double ratio =
          (static_cast<double>(both) / static_cast<double>(n_w[w])) / (static_cast<double>(n_s[s]) / clauses);
      if (ratio >= lift && ratio > best) best = ratio, learned_of[w] = static_cast<std::int32_t>(s);
    }
  }
}
}  // namespace

Themes discover(std::span<const std::string_view> given, std::span<const double> scores,
                const std::vector<ThemeSeed>& seeds, const DiscoverOptions& options) {
  // With options.mask, the model reads each personal-data span as spaces (its words are no
  // theme's) and the examples quote the masked comment; a text without any is read and quoted as
  // it is.
  std::vector<std::string> blanked, masked;
  std::vector<std::string_view> read(given.begin(), given.end()), quoted(given.begin(), given.end());
  if (options.mask) {
    const auto spans = find_pii_batch(given, {}, options.threads);
    blanked.resize(given.size());
    masked.resize(given.size());
    for (std::size_t i = 0; i < given.size(); ++i) {
      if (spans[i].empty()) continue;
      blanked[i].assign(given[i]);
      for (const PiiSpan& s : spans[i])
        std::fill(blanked[i].begin() + static_cast<std::ptrdiff_t>(s.start),
                  blanked[i].begin() + static_cast<std::ptrdiff_t>(s.end), ' ');
      masked[i] = mask(given[i]);
      read[i] = blanked[i];
      quoted[i] = masked[i];
    }
  }
  const std::span<const std::string_view> texts = read, quotes = quoted;
  const std::size_t n = texts.size();
  if (n == 0) throw std::invalid_argument("discover: no texts");
  if (!scores.empty() && scores.size() != n)
    throw std::invalid_argument("discover: " + std::to_string(scores.size()) + " scores for " + std::to_string(n) +
                                " texts (give one score per text, NaN for none, or no scores)");
  if (options.max_themes < 1) throw std::invalid_argument("discover: max_themes 0 (expected ≥ 1)");
  for (const auto& [what, value] :
       {std::pair{"n_themes", options.n_themes}, std::pair{"max_themes", options.max_themes}})
    if (value > DiscoverOptions::kMaxThemes)
      throw std::invalid_argument(std::string("discover: ") + what + " " + std::to_string(value) + " is more than " +
                                  std::to_string(DiscoverOptions::kMaxThemes) + " themes (a list a person reads)");
  if (options.iterations < 1)
    throw std::invalid_argument("discover: iterations " + std::to_string(options.iterations) + " (expected ≥ 1)");
  if (!(options.alpha > 0) || !(options.beta > 0) || !std::isfinite(options.alpha) || !std::isfinite(options.beta))
    throw std::invalid_argument("discover: alpha " + std::to_string(options.alpha) + " and beta " +
                                std::to_string(options.beta) + " must be finite and > 0");
  if (!(options.min_theme_share >= 0 && options.min_theme_share < 1))
    throw std::invalid_argument("discover: min_theme_share " + std::to_string(options.min_theme_share) +
                                " is outside [0, 1)");
  if (!(options.min_confidence >= 0 && options.min_confidence < 1))
    throw std::invalid_argument("discover: min_confidence " + std::to_string(options.min_confidence) +
                                " is outside [0, 1)");
  if (!(options.seeded_confidence >= 0 && options.seeded_confidence < 1))
    throw std::invalid_argument("discover: seeded_confidence " + std::to_string(options.seeded_confidence) +
                                " is outside [0, 1)");
  if (!(options.seeded_lift >= 0 && std::isfinite(options.seeded_lift)))
    throw std::invalid_argument("discover: seeded_lift " + std::to_string(options.seeded_lift) +
                                " must be finite and ≥ 0 (0: no learned-word test)");
  if (!(options.seed_weight > 0 && options.seed_weight <= 1))
    throw std::invalid_argument("discover: seed_weight " + std::to_string(options.seed_weight) + " is outside (0, 1]");
  if (static_cast<unsigned>(options.metric) > static_cast<unsigned>(ScoreMetric::mean))
    throw std::invalid_argument("discover: metric " + std::to_string(static_cast<int>(options.metric)) +
                                " is not a ScoreMetric (automatic, nps, mean)");
  if (seeds.size() > DiscoverOptions::kMaxThemes)
    throw std::invalid_argument("discover: " + std::to_string(seeds.size()) + " seeds is more than " +
                                std::to_string(DiscoverOptions::kMaxThemes) + " themes (a list a person reads)");
  // Names as the codebook writes them, blanks around them dropped: "a" and "a " were two themes
  // and one label.
  for (std::size_t s = 0; s < seeds.size(); ++s) {
    if (blanks_trimmed(seeds[s].name).empty())
      throw std::invalid_argument("discover: seed " + std::to_string(s) + " has no name");
    if (seeds[s].words.empty()) throw std::invalid_argument("discover: seed '" + seeds[s].name + "' has no words");
    for (std::size_t r = 0; r < s; ++r)
      if (blanks_trimmed(seeds[r].name) == blanks_trimmed(seeds[s].name))
        throw std::invalid_argument("discover: seed '" + seeds[s].name + "' is given twice" +
                                    (seeds[r].name == seeds[s].name ? "" : " (blanks around a name do not count)"));
  }
  bool nps = false;
  std::size_t scored = 0;
  if (!scores.empty()) {
    bool integers = true, above7 = false;
    for (std::size_t i = 0; i < n; ++i) {
      const double x = scores[i];
      if (std::isnan(x)) continue;
      if (!std::isfinite(x))
        throw std::invalid_argument("discover: score at index " + std::to_string(i) + " is infinite");
      ++scored;
      if (x < 0 || x > 10 || x != std::floor(x)) integers = false;
      if (x > 7) above7 = true;
    }
    if (options.metric == ScoreMetric::nps) {
      if (!integers) {
        for (std::size_t i = 0; i < n; ++i)
          if (!std::isnan(scores[i]) && (scores[i] < 0 || scores[i] > 10 || scores[i] != std::floor(scores[i])))
            throw std::invalid_argument("discover: NPS score " + std::to_string(scores[i]) + " at index " +
                                        std::to_string(i) + " is not an integer in [0, 10]");
      }
      nps = true;
    } else {
      nps = options.metric == ScoreMetric::automatic && integers && above7;
    }
  }

  auto impl = std::make_unique<Themes::Impl>();
  impl->n_texts = n;

  // 1. Read every text (in parallel, each alone) into its word stream.
  std::vector<std::string> streams(n);
  detail::parallel_for(
      n, options.threads, "discover", "text",
      [&](std::size_t i) { read_stream(impl->tokenizer, texts[i], streams[i]); }, 64);

  // 2. Canonical order, so that the input order changes nothing.
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  {
    std::vector<std::uint64_t> h(n);
    for (std::size_t i = 0; i < n; ++i) h[i] = detail::hash_bytes(texts[i]);
    // Equal texts by score (NaN last), so that their scores are summed in one order whatever the
    // input's: identical comments with scores 7.5 and 9 gave impacts differing in the last digits.
    auto score_key = [&](std::uint32_t i) {
      const double x = scores.empty() ? 0.0 : scores[i];
      return std::pair{std::isnan(x), std::isnan(x) ? 0.0 : x};
    };
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      if (h[a] != h[b]) return h[a] < h[b];
      if (texts[a] != texts[b]) return texts[a] < texts[b];
      return score_key(a) < score_key(b);
    });
  }

  // 3. Dictionary and clauses (flattened): tokens of each clause, clauses of each text (canonical).
  Dictionary dict;
  std::vector<std::uint32_t> tok;
  std::vector<std::size_t> clause_begin{0};
  std::vector<std::size_t> text_clause(n + 1, 0);  // by canonical position
  {
    std::vector<std::string_view> words;
    for (std::size_t p = 0; p < n; ++p) {
      each_clause(streams[order[p]], words, [&](const std::vector<std::string_view>& ws) {
        if (ws.empty()) return;
        for (std::string_view w : ws) tok.push_back(dict.id(w));
        clause_begin.push_back(tok.size());
      });
      text_clause[p + 1] = clause_begin.size() - 1;
      std::string().swap(streams[order[p]]);
    }
  }
  const std::size_t n_clauses = clause_begin.size() - 1;

  // 4. Model vocabulary: the keys (fold) of content words in at least two texts (one when there are
  // fewer than 20 texts), and every seed word's.
  const std::size_t min_df = n < 20 ? 1 : 2;
  std::vector<std::vector<std::uint32_t>> seed_ids(seeds.size());     // dictionary ids of the typed words
  std::vector<std::vector<std::uint32_t>> inflections(seeds.size());  // ... and of their other forms
  std::vector<bool> typed;                                            // by dictionary id: a typed seed word
  {
    std::string stream;
    std::vector<std::string_view> ws;
    for (std::size_t s = 0; s < seeds.size(); ++s) {
      for (const std::string& w : seeds[s].words) {
        read_stream(impl->tokenizer, w, stream);
        each_clause(stream, ws, [&](const std::vector<std::string_view>& v) {
          for (std::string_view x : v) {
            const std::uint32_t id = dict.id(x);
            if (dict.kind[id] == WordKind::content) seed_ids[s].push_back(id);
          }
        });
      }
      if (seed_ids[s].empty())
        throw std::invalid_argument("discover: seed '" + seeds[s].name +
                                    "' has no word that can name a theme (only stopwords or generic words)");
    }
    typed.assign(dict.words.size(), false);  // the dictionary holds the seed words from here on
    std::vector<std::size_t> typed_by(dict.words.size(), 0);
    for (std::size_t s = 0; s < seeds.size(); ++s) {
      auto& ids = seed_ids[s];
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      for (const std::uint32_t id : ids) {
        // A word anchors one theme: the second seed lost it and was written as a codebook section
        // with no pattern, which --codebook refused.
        if (typed[id])
          throw std::invalid_argument("discover: the word '" + dict.words[id] + "' is in seeds '" +
                                      seeds[typed_by[id]].name + "' and '" + seeds[s].name +
                                      "'; a seed word anchors one theme (keep it in one)");
        typed[id] = true;
        typed_by[id] = s;
      }
    }
    // A seed word anchors its other forms too: the content words of the comments that differ from
    // it only in an inflectional ending after a common part of 4 letters or more ("gentile" also
    // anchors gentili, "camera" camere, "pulito" pulita, pulite and puliti, "bianco" bianchi), as an
    // analyst who types one form means them all. Not the Snowball stem: it joins other words
    // (camera and cameriere) and parts plurals (camera and camere). A form of the words of two
    // seeds anchors neither; the typed words come first. Measured on ABSITA
    // (benchmarks/eval_discover.py): seeded micro-F1 0.712 -> 0.719.
    if (!seeds.empty()) {
      std::unordered_map<std::string_view, std::vector<std::pair<std::size_t, std::uint32_t>>>
          by_prefix;  // typed words by their first letters
      for (std::size_t s = 0; s < seeds.size(); ++s)
        for (const std::uint32_t id : seed_ids[s])
          if (dict.words[id].size() >= kInflectionCommon)
            by_prefix[std::string_view(dict.words[id]).substr(0, kInflectionCommon)].emplace_back(s, id);
      for (std::uint32_t d = 0; d < dict.words.size(); ++d) {
        const std::string& w = dict.words[d];
        if (dict.kind[d] != WordKind::content || typed[d] || w.size() < kInflectionCommon) continue;
        const auto it = by_prefix.find(std::string_view(w).substr(0, kInflectionCommon));
        if (it == by_prefix.end()) continue;
        std::optional<std::size_t> owner;
        bool shared = false;  // a form of the words of two seeds
        for (const auto& [s, id] : it->second)
          if (inflects(w, dict.words[id], kInflectionCommon)) {
            shared = shared || (owner && *owner != s);
            owner = s;
          }
        if (owner && !shared) inflections[*owner].push_back(d);
      }
    }
  }
  std::vector<std::uint32_t> model_id(dict.words.size(), UINT32_MAX);
  std::vector<bool> is_seed_word(dict.words.size(), false);
  for (const auto* list : {&seed_ids, &inflections})
    for (const auto& ids : *list)
      for (auto id : ids) is_seed_word[id] = true;
  // Model words: the keys (fold) of content words, in at least min_df texts or a seed word's;
  // each shown as its form in most texts.
  // Typed words of two seeds that fold together (gentile for one, gentili for another) keep their
  // own keys: the analyst told them apart.
  std::vector<std::uint32_t> key_of(dict.words.size(), UINT32_MAX);
  std::vector<std::string> keys;
  {
    std::unordered_map<std::string, std::size_t> folded_seed;
    std::unordered_set<std::string> clash;
    for (std::size_t s = 0; s < seeds.size(); ++s)
      for (const std::uint32_t id : seed_ids[s])
        if (auto [it, fresh] = folded_seed.try_emplace(fold(dict.words[id]), s); !fresh && it->second != s)
          clash.insert(it->first);
    std::unordered_map<std::string, std::uint32_t> key_index;
    for (std::uint32_t d = 0; d < dict.words.size(); ++d) {
      if (dict.kind[d] != WordKind::content) continue;
      std::string key = fold(dict.words[d]);
      if (typed[d] && clash.count(key)) impl->exact.insert(key = dict.words[d]);
      key_of[d] = key_index.try_emplace(std::move(key), static_cast<std::uint32_t>(key_index.size())).first->second;
    }
    keys.resize(key_index.size());
    for (auto& [k, i] : key_index) keys[i] = k;
  }
  // Texts holding each word (df) and each key (kdf), in one pass.
  std::vector<std::uint32_t> df(dict.words.size(), 0), last(dict.words.size(), UINT32_MAX);
  std::vector<std::uint32_t> kdf(keys.size(), 0), klast(keys.size(), UINT32_MAX);
  for (std::size_t p = 0; p < n; ++p)
    for (std::size_t j = clause_begin[text_clause[p]]; j < clause_begin[text_clause[p + 1]]; ++j) {
      const std::uint32_t d = tok[j], k = key_of[d];
      if (last[d] != p) last[d] = static_cast<std::uint32_t>(p), ++df[d];
      if (k != UINT32_MAX && klast[k] != p) klast[k] = static_cast<std::uint32_t>(p), ++kdf[k];
    }
  // A seed no comment holds (its words, their folded forms and inflections all absent) had nothing
  // to anchor it, and the sampler filled its theme with whatever comments came ("prezzo: costoso"
  // named 20 comments about breakfast).
  for (std::size_t s = 0; s < seeds.size(); ++s) {
    const auto held = [&](std::uint32_t id) { return key_of[id] != UINT32_MAX && kdf[key_of[id]] > 0; };
    if (!inflections[s].empty() || std::any_of(seed_ids[s].begin(), seed_ids[s].end(), held)) continue;
    std::string words;
    for (const auto& w : seeds[s].words) words += (words.empty() ? "" : ", ") + w;
    throw std::invalid_argument("discover: no comment holds a word of seed '" + seeds[s].name + "' (" +
                                one_line(words, 200) +
                                "); write the words customers use (whole words: a seed is not a codebook pattern, "
                                "'*' is no wildcard)");
  }
  std::vector<bool> seed_key(keys.size(), false);
  for (std::uint32_t d = 0; d < dict.words.size(); ++d)
    if (is_seed_word[d] && key_of[d] != UINT32_MAX) seed_key[key_of[d]] = true;
  std::vector<std::uint32_t> key_model(keys.size(), UINT32_MAX);
  std::vector<std::uint32_t> model_word;  // model id → dictionary id of its form in most texts
  std::vector<std::uint32_t> model_key;   // model id → key
  for (std::uint32_t d = 0; d < dict.words.size(); ++d) {
    const std::uint32_t k = key_of[d];
    if (k == UINT32_MAX || (kdf[k] < min_df && !seed_key[k])) continue;
    if (key_model[k] == UINT32_MAX) {
      key_model[k] = static_cast<std::uint32_t>(model_word.size());
      model_word.push_back(d);
      model_key.push_back(k);
    } else if (df[d] > df[model_word[key_model[k]]]) {
      model_word[key_model[k]] = d;
    }
    model_id[d] = key_model[k];
  }
  const std::size_t V = model_word.size();

  // Model words of each clause, sorted (repeats adjacent).
  std::vector<std::uint32_t> cw;
  std::vector<std::size_t> cw_begin(n_clauses + 1, 0);
  for (std::size_t c = 0; c < n_clauses; ++c) {
    const std::size_t b = cw.size();
    for (std::size_t j = clause_begin[c]; j < clause_begin[c + 1]; ++j)
      if (model_id[tok[j]] != UINT32_MAX) cw.push_back(model_id[tok[j]]);
    std::sort(cw.begin() + static_cast<std::ptrdiff_t>(b), cw.end());
    cw_begin[c + 1] = cw.size();
  }
  std::vector<std::uint32_t> active;  // clauses with a model word
  for (std::size_t c = 0; c < n_clauses; ++c)
    if (cw_begin[c + 1] > cw_begin[c]) active.push_back(static_cast<std::uint32_t>(c));
  if (active.empty() && seeds.empty())
    throw std::invalid_argument("discover: no words to learn from in the " + std::to_string(n) +
                                " texts (each is empty, punctuation, numbers, stopwords or words seen once)");

  // 5. Collapsed Gibbs sampling (GSDMM). Themes 0..S-1 are the seeds.
  const std::size_t S = seeds.size();
  std::size_t K = options.n_themes > 0 ? std::max(options.n_themes, S) : S + options.max_themes;
  K = std::max<std::size_t>(K, 1);
  const std::size_t U = active.size();
  const double alpha = options.alpha, beta = options.beta;
  // Seeds anchor their words (as seeded topic models do, e.g. Jagarlamudi, Daumé and Udupa, "Incorporating
  // lexical priors into topic models", EACL 2012): a seed word is seed_weight times less likely in
  // any other theme, so a clause holding it goes to its seed's theme unless its other words say
  // otherwise, and the theme learns the words that come with it.
  std::vector<std::int64_t> seed_of(V, -1);
  for (const auto* list : {&seed_ids, &inflections})  // the typed words first
    for (std::size_t s = 0; s < S; ++s)
      for (auto d : (*list)[s])
        if (seed_of[model_id[d]] < 0) seed_of[model_id[d]] = static_cast<std::int64_t>(s);
  const double elsewhere = options.seed_weight;  // factor of a seed word in the other themes
  std::vector<std::int32_t> nwk(V * K, 0);
  std::vector<std::int64_t> nk(K, 0), mk(K, 0);
  std::vector<std::uint32_t> z(U, 0);
  Rng rng{options.seed};
  const auto add = [&](std::size_t u, std::size_t k, int sign) {
    const std::size_t c = active[u];
    mk[k] += sign;
    nk[k] += sign * static_cast<std::int64_t>(cw_begin[c + 1] - cw_begin[c]);
    for (std::size_t j = cw_begin[c]; j < cw_begin[c + 1]; ++j) nwk[cw[j] * K + k] += sign;
  };
  {
    std::vector<std::size_t> votes(std::max<std::size_t>(S, 1));
    for (std::size_t u = 0; u < U; ++u) {
      const std::size_t c = active[u];
      std::fill(votes.begin(), votes.end(), 0);
      bool seeded = false;
      for (std::size_t j = cw_begin[c]; j < cw_begin[c + 1]; ++j)
        if (seed_of[cw[j]] >= 0) ++votes[static_cast<std::size_t>(seed_of[cw[j]])], seeded = true;
      const std::size_t k = seeded
                                ? static_cast<std::size_t>(std::max_element(votes.begin(), votes.end()) - votes.begin())
                                : static_cast<std::size_t>(rng.next() % K);
      z[u] = static_cast<std::uint32_t>(k);
      add(u, k, +1);
    }
  }
  std::vector<bool> open(K, true);
  std::vector<double> p(K), num(K), den(K), nk_d(K);
  const double beta_v = beta * static_cast<double>(V);
  const auto sweep = [&] {
    for (std::size_t u = 0; u < U; ++u) {
      const std::size_t c = active[u];
      add(u, z[u], -1);
      double* __restrict pp = p.data();
      for (std::size_t k = 0; k < K; ++k) pp[k] = open[k] ? static_cast<double>(mk[k]) + alpha : 0.0;
      // GSDMM's conditional (Yin and Wang 2014, eq. 4) as running products of numerators and
      // denominators, folded into p every 16 words (one division per theme, not one per word),
      // and p rescaled so that a long clause does not underflow.
      // The theme loops run on arrays the compiler knows apart (restrict), so it vectorizes them;
      // each theme's products are the same operations in the same order as one at a time.
      const std::size_t len = cw_begin[c + 1] - cw_begin[c];
      double* __restrict pn = num.data();
      double* __restrict pd = den.data();
      double* __restrict nd = nk_d.data();
      for (std::size_t k = 0; k < K; ++k) pn[k] = pd[k] = 1.0, nd[k] = static_cast<double>(nk[k]);
      std::size_t rep = 0;
      for (std::size_t j = cw_begin[c], i = 0; j < cw_begin[c + 1]; ++j, ++i) {
        rep = (j > cw_begin[c] && cw[j] == cw[j - 1]) ? rep + 1 : 0;
        const std::int32_t* __restrict row = nwk.data() + cw[j] * K;
        const double add_num = beta + static_cast<double>(rep), add_den = beta_v + static_cast<double>(i);
        for (std::size_t k = 0; k < K; ++k) {
          pn[k] *= row[k] + add_num;
          pd[k] *= nd[k] + add_den;
        }
        if (const std::int64_t s = seed_of[cw[j]]; s >= 0)
          for (std::size_t k = 0; k < K; ++k)
            if (k != static_cast<std::size_t>(s)) pn[k] *= elsewhere;
        if (i % 16 == 15 || i + 1 == len) {
          double top = 0;
          for (std::size_t k = 0; k < K; ++k) {
            pp[k] *= pn[k] / pd[k];
            pn[k] = pd[k] = 1.0;
            top = std::max(top, pp[k]);
          }
          if (top > 0 && top < 1e-100)
            for (std::size_t k = 0; k < K; ++k) pp[k] /= top;
        }
      }
      double total = 0;
      for (std::size_t k = 0; k < K; ++k) total += pp[k];
      std::size_t k = z[u];
      if (total > 0 && std::isfinite(total)) {
        double r = rng.uniform() * total;
        for (k = 0; k + 1 < K; ++k) {
          r -= pp[k];
          if (r < 0) break;
        }
        while (!open[k]) --k;  // rounding past the last open theme
      }
      z[u] = static_cast<std::uint32_t>(k);
      add(u, k, +1);
    }
  };
  for (int it = 0; it < options.iterations; ++it) sweep();
  // The automatic number: dissolve small unseeded themes, then let their clauses settle.
  if (options.n_themes == 0 && U > 0) {
    bool closed = false;
    for (std::size_t k = S; k < K; ++k)
      if (static_cast<double>(mk[k]) < options.min_theme_share * static_cast<double>(U)) open[k] = false, closed = true;
    if (std::none_of(open.begin(), open.end(), [](bool o) { return o; })) {
      const std::size_t big = static_cast<std::size_t>(std::max_element(mk.begin(), mk.end()) - mk.begin());
      open[big] = true;
    }
    if (closed)
      for (int it = 0; it < std::max(3, options.iterations / 4); ++it) sweep();
  }

  // Themes whose most frequent word is the same are one theme told apart by other words (an
  // adjective: "personale gentile", "personale scortese"; or the same clauses left in two themes by
  // the sampler): they are merged into the first (a seeded one first), then the clauses settle.
  if (U > 0) {
    std::vector<std::int64_t> head(K, -1);
    for (std::size_t k = 0; k < K; ++k) {
      if (!open[k] || mk[k] == 0) continue;
      std::int32_t best = 0;
      for (std::size_t w = 0; w < V; ++w)
        if (nwk[w * K + k] > best) best = nwk[w * K + k], head[k] = static_cast<std::int64_t>(w);
    }
    bool merged = false;
    for (std::size_t k = 0; k < K; ++k) {
      if (head[k] < 0) continue;
      for (std::size_t j = k + 1; j < K; ++j)
        if (head[j] == head[k] && j >= S) {
          for (std::size_t u = 0; u < U; ++u)
            if (z[u] == j) add(u, j, -1), z[u] = static_cast<std::uint32_t>(k), add(u, k, +1);
          open[j] = false;
          head[j] = -1;
          merged = true;
        }
    }
    if (merged)
      for (int it = 0; it < std::max(3, options.iterations / 4); ++it) sweep();
  }

  // 6-7. The model: themes left with clauses (seeded themes always), word probabilities; then the
  // final assignment of every clause (the rule assign() applies), per text: themes and primary.
  // An unseeded theme that no comment gets (its clauses are more likely elsewhere once the
  // sampler's counts are read as probabilities, or below min_confidence) is closed and the model
  // read again: a theme of no comment would show no words and no examples.
  for (std::uint32_t m = 0; m < V; ++m) impl->vocab.emplace(keys[model_key[m]], m);
  impl->min_confidence = options.min_confidence;
  impl->seeded_confidence = options.seeded_confidence;
  impl->n_seeded = S;  // seeds are always kept, first (keep is ascending) and first in column order
  if (S > 0) {
    impl->seed_of.assign(V, -1);
    for (std::size_t w = 0; w < V; ++w) impl->seed_of[w] = static_cast<std::int32_t>(seed_of[w]);
    if (options.seeded_lift > 0) learned_words(impl->learned_of, seed_of, active, cw, cw_begin, S, options.seeded_lift);
  }
  std::vector<std::size_t> keep;
  std::size_t T0 = 0;
  std::vector<std::int32_t> clause_t(n_clauses, -1);  // main theme of each clause (describes themes)
  std::vector<std::size_t> count;
  std::vector<std::int32_t> primary(n, -1);  // by canonical position
  std::vector<double> purity(n, 0);          // share of the text's theme weight in its primary theme
  std::vector<std::uint8_t> mentions;        // n × T0, by canonical position
  std::size_t unassigned = 0;
  for (;;) {
    keep.clear();
    for (std::size_t k = 0; k < K; ++k)
      if (open[k] && (k < S || mk[k] > 0)) keep.push_back(k);
    T0 = keep.size();
    std::vector<float> log_phi(V * T0), log_prior(T0);
    for (std::size_t t = 0; t < T0; ++t) {
      const std::size_t k = keep[t];
      log_prior[t] = static_cast<float>(std::log(static_cast<double>(mk[k]) + alpha));
      const double denom = static_cast<double>(nk[k]) + beta * static_cast<double>(V);
      for (std::size_t w = 0; w < V; ++w) {
        double x = (nwk[w * K + k] + beta) / denom;
        if (seed_of[w] >= 0 && static_cast<std::size_t>(seed_of[w]) != k) x *= elsewhere;
        log_phi[w * T0 + t] = static_cast<float>(std::log(x));
      }
    }
    impl->k = T0;
    impl->log_phi = std::move(log_phi);
    impl->log_prior = std::move(log_prior);

    std::fill(primary.begin(), primary.end(), -1);
    std::fill(purity.begin(), purity.end(), 0.0);
    count.assign(T0, 0);
    mentions.assign(n * T0, 0);
    unassigned = 0;
    std::vector<double> score;
    std::vector<std::size_t> weight(T0);
    for (std::size_t p = 0; p < n; ++p) {
      std::fill(weight.begin(), weight.end(), 0);
      std::size_t total = 0;
      for (std::size_t c = text_clause[p]; c < text_clause[p + 1]; ++c) {
        const std::span<const std::uint32_t> ids(cw.data() + cw_begin[c], cw_begin[c + 1] - cw_begin[c]);
        clause_t[c] = static_cast<std::int32_t>(impl->clause_theme(ids, score));
        impl->clause_themes(ids, score, [&](std::size_t t, std::size_t w) {
          weight[t] += w;
          total += w;
          mentions[p * T0 + t] = 1;
        });
      }
      if (total == 0) {
        ++unassigned;
        continue;
      }
      const std::size_t best =
          static_cast<std::size_t>(std::max_element(weight.begin(), weight.end()) - weight.begin());
      primary[p] = static_cast<std::int32_t>(best);
      purity[p] = static_cast<double>(weight[best]) / static_cast<double>(total);
      for (std::size_t t = 0; t < T0; ++t) count[t] += mentions[p * T0 + t];
    }
    if (S == 0 && std::all_of(count.begin(), count.end(), [](std::size_t x) { return x == 0; })) {
      // No comment reaches min_confidence: one theme is left, the sampler's largest.
      if (T0 <= 1) break;
      std::size_t big = keep[0];
      for (const std::size_t k : keep)
        if (mk[k] > mk[big]) big = k;
      for (const std::size_t k : keep) open[k] = k == big;
      continue;
    }
    bool closed = false;
    for (std::size_t t = 0; t < T0; ++t)
      if (keep[t] >= S && count[t] == 0) open[keep[t]] = false, closed = true;
    if (!closed) break;
  }
  impl->unassigned = static_cast<double>(unassigned) / static_cast<double>(n);

  // Column order: seeds in their order, then the discovered themes by count (then first clause).
  std::vector<std::size_t> col(T0);
  std::iota(col.begin(), col.end(), 0);
  std::stable_sort(col.begin(), col.end(), [&](std::size_t a, std::size_t b) {
    const bool sa = keep[a] < S, sb = keep[b] < S;
    if (sa != sb) return sa;
    if (sa) return keep[a] < keep[b];
    return count[a] > count[b];
  });
  {
    std::vector<float> lp(V * T0), pr(T0);
    for (std::size_t t = 0; t < T0; ++t) {
      pr[t] = impl->log_prior[col[t]];
      for (std::size_t w = 0; w < V; ++w) lp[w * T0 + t] = impl->log_phi[w * T0 + col[t]];
    }
    impl->log_phi = std::move(lp);
    impl->log_prior = std::move(pr);
  }

  // 8. Describe each theme (internal index col[t] → column t).
  std::vector<std::size_t> total_words(V, 0);
  std::vector<std::vector<std::uint32_t>> wcount(T0, std::vector<std::uint32_t>(V, 0));
  std::vector<std::size_t> theme_words(T0, 0);
  std::vector<std::unordered_map<std::uint64_t, std::uint32_t>> phrases(T0);
  std::vector<std::unordered_map<std::uint32_t, std::uint32_t>> form_count(T0);  // by dictionary id
  const auto content = [&](std::uint32_t d) { return dict.kind[d] == WordKind::content; };
  for (std::size_t c = 0; c < n_clauses; ++c) {
    if (clause_t[c] < 0) continue;
    const auto t = static_cast<std::size_t>(clause_t[c]);
    for (std::size_t j = cw_begin[c]; j < cw_begin[c + 1]; ++j)
      ++wcount[t][cw[j]], ++total_words[cw[j]], ++theme_words[t];
    // Phrases: two content words in a row, or content-stopword-content ("tempi di attesa"), or three
    // content words; ids packed 21 bits each (longer dictionaries leave their later words out).
    const std::size_t b = clause_begin[c], e = clause_begin[c + 1];
    for (std::size_t j = b; j < e; ++j)
      if (model_id[tok[j]] != UINT32_MAX) ++form_count[t][tok[j]];
    constexpr std::uint32_t kMaxId = (1u << 21) - 1;
    for (std::size_t j = b; j + 1 < e; ++j) {
      const std::uint32_t a = tok[j], x = tok[j + 1];
      if (a >= kMaxId || x >= kMaxId || !content(a)) continue;
      if (content(x)) ++phrases[t][(std::uint64_t{a} + 1) << 42 | (std::uint64_t{x} + 1) << 21];
      if (j + 2 < e) {
        const std::uint32_t y = tok[j + 2];
        if (y < kMaxId && content(y) && (content(x) || dict.kind[x] == WordKind::stop))
          ++phrases[t][(std::uint64_t{a} + 1) << 42 | (std::uint64_t{x} + 1) << 21 | (std::uint64_t{y} + 1)];
      }
    }
  }
  std::size_t all_words = 0;
  for (auto v : total_words) all_words += v;
  // The other forms of each model word in min_df texts or more, most texts first (then canonical
  // order): the codebook lists them, as it matches whole words.
  std::vector<std::vector<std::uint32_t>> other_forms(V);
  for (std::uint32_t d = 0; d < dict.words.size(); ++d)
    if (model_id[d] != UINT32_MAX && model_word[model_id[d]] != d && df[d] >= min_df)
      other_forms[model_id[d]].push_back(d);
  for (auto& f : other_forms)
    std::stable_sort(f.begin(), f.end(), [&](std::uint32_t a, std::uint32_t b) { return df[a] > df[b]; });

  // Score groups.
  std::vector<double> all_scores;
  std::vector<std::int8_t> side(n, 0);  // -1 low, +1 high, by canonical position
  double overall = std::numeric_limits<double>::quiet_NaN();
  if (scored > 0) {
    for (std::size_t p = 0; p < n; ++p)
      if (!std::isnan(scores[order[p]])) all_scores.push_back(scores[order[p]]);
    overall = metric_of(all_scores, nps);
    double lo = 6, hi = 9;
    if (!nps) {
      std::vector<double> sorted = all_scores;
      std::sort(sorted.begin(), sorted.end());
      const double median = sorted[sorted.size() / 2];
      lo = std::nextafter(median, -INFINITY);
      hi = std::nextafter(median, INFINITY);
    }
    for (std::size_t p = 0; p < n; ++p) {
      const double x = scores[order[p]];
      if (std::isnan(x)) continue;
      side[p] = x <= lo ? -1 : x >= hi ? 1 : 0;
    }
  }

  std::vector<std::string> used_names;
  for (const auto& s : seeds) used_names.push_back(s.name);
  impl->themes.resize(T0);
  for (std::size_t t = 0; t < T0; ++t) {
    const std::size_t i = col[t];
    Theme& th = impl->themes[t];
    th.count = count[i];
    th.share = static_cast<double>(count[i]) / static_cast<double>(n);
    th.seeded = keep[i] < S;
    // Top words by relevance (Sievert and Shirley 2014, LDAvis), λ = 0.6: λ log P(w|t) + (1 − λ)
    // log lift, over words seen at least twice in the theme (once in a tiny input).
    const std::uint32_t min_count = n < 20 ? 1 : 2;
    std::vector<std::pair<double, std::uint32_t>> ranked;
    for (std::uint32_t w = 0; w < V; ++w) {
      if (wcount[i][w] < min_count) continue;
      const double pw = static_cast<double>(wcount[i][w]) / static_cast<double>(theme_words[i]);
      const double lift = pw / (static_cast<double>(total_words[w]) / static_cast<double>(all_words));
      ranked.push_back({-(0.6 * std::log(pw) + 0.4 * std::log(lift)), w});
    }
    std::sort(ranked.begin(), ranked.end());
    for (std::size_t r = 0; r < ranked.size() && th.words.size() < 12; ++r) {
      const std::uint32_t m = ranked[r].second;
      th.words.push_back(dict.words[model_word[m]]);
      if (!other_forms[m].empty() && !impl->forms.count(th.words.back()))
        for (const std::uint32_t d : other_forms[m]) impl->forms[th.words.back()].push_back(dict.words[d]);
    }
    // A seeded theme's words hold every word the analyst typed for it, with the forms of them it
    // anchored, after its top words: the codebook it writes labels what the seeds matched (a seed
    // word rarer than the top words was left out, and "caro" stopped labelling Prezzo once read
    // back with --codebook: red-team, stop 43).
    if (th.seeded) {
      const std::size_t s = keep[i];
      for (const std::uint32_t id : seed_ids[s]) {
        const std::string& typed_word = dict.words[id];
        if (std::find(th.words.begin(), th.words.end(), typed_word) != th.words.end()) continue;
        th.words.push_back(typed_word);
        if (impl->forms.count(typed_word)) continue;
        for (const std::uint32_t d : inflections[s])
          if (inflects(dict.words[d], typed_word, kInflectionCommon)) impl->forms[typed_word].push_back(dict.words[d]);
      }
    }
    // Phrases: frequent, and a good share of their rarer word's occurrences in the theme.
    std::vector<std::pair<std::int64_t, std::string>> ph;
    for (const auto& [key, cnt] : phrases[i]) {
      const std::uint32_t ids[3] = {static_cast<std::uint32_t>(key >> 42) - 1,
                                    static_cast<std::uint32_t>((key >> 21) & 0x1FFFFF) - 1,
                                    static_cast<std::uint32_t>(key & 0x1FFFFF) - 1};
      const bool three = (key & 0x1FFFFF) != 0;
      if (cnt < std::max<std::uint32_t>(min_count, 3) && n >= 20) continue;
      std::uint32_t rarer = UINT32_MAX;
      for (int q = 0; q < (three ? 3 : 2); ++q)
        if (const auto it = form_count[i].find(ids[q]); content(ids[q]) && it != form_count[i].end())
          rarer = std::min(rarer, it->second);
      if (rarer == UINT32_MAX || cnt * 4 < rarer) continue;
      std::string s = dict.words[ids[0]] + " " + dict.words[ids[1]];
      if (three) s += " " + dict.words[ids[2]];
      ph.push_back({-static_cast<std::int64_t>(cnt), std::move(s)});
    }
    std::sort(ph.begin(), ph.end());
    for (std::size_t r = 0; r < ph.size() && th.phrases.size() < 5; ++r) {
      // A three-word phrase replaces the two-word phrase inside it with the same count.
      bool dup = false;
      for (const auto& q : th.phrases)
        if (q.find(ph[r].second) != std::string::npos || ph[r].second.find(q) != std::string::npos) dup = true;
      if (!dup) th.phrases.push_back(ph[r].second);
    }
    // Name: the seed's, or the most frequent of the 5 most telling words, or the phrase that holds
    // it in at least 40% of its occurrences.
    if (th.seeded) {
      th.name = seeds[keep[i]].name;
    } else {
      std::uint32_t best = UINT32_MAX, best_count = 0;
      for (std::size_t r = 0; r < ranked.size() && r < 5; ++r)
        if (wcount[i][ranked[r].second] > best_count) best = ranked[r].second, best_count = wcount[i][ranked[r].second];
      std::string name = best == UINT32_MAX ? "tema" : dict.words[model_word[best]];
      if (best != UINT32_MAX)
        for (const auto& [negcnt, s] : ph) {
          const std::string& w = dict.words[model_word[best]];
          const bool holds =
              s.starts_with(w + " ") || s.ends_with(" " + w) || s.find(" " + w + " ") != std::string::npos;
          if (holds && static_cast<double>(-negcnt) >= 0.4 * best_count) {
            name = s;
            break;
          }
        }
      std::string unique = name;
      for (std::size_t r = 0; std::find(used_names.begin(), used_names.end(), unique) != used_names.end(); ++r)
        unique = r < th.words.size() && th.words[r] != name ? name + " / " + th.words[r]
                                                            : name + " " + std::to_string(r + 2);
      th.name = unique;
    }
    used_names.push_back(th.name);

    // Scores among mentioners, impact, low/high words.
    if (scored > 0) {
      std::vector<double> in, out;
      std::vector<std::uint32_t> low(dict.words.size(), 0), high(dict.words.size(), 0);
      std::size_t nlow = 0, nhigh = 0;
      for (std::size_t p = 0; p < n; ++p) {
        const double x = scores[order[p]];
        if (std::isnan(x)) continue;
        (mentions[p * T0 + i] ? in : out).push_back(x);
        if (!mentions[p * T0 + i] || side[p] == 0) continue;
        for (std::size_t c = text_clause[p]; c < text_clause[p + 1]; ++c)
          for (std::size_t j = clause_begin[c]; j < clause_begin[c + 1]; ++j)
            if (dict.kind[tok[j]] != WordKind::stop) {
              // A model word's forms count as its shown form (camera, camere: camera).
              const std::uint32_t d = model_id[tok[j]] != UINT32_MAX ? model_word[model_id[tok[j]]] : tok[j];
              if (side[p] < 0)
                ++low[d], ++nlow;
              else
                ++high[d], ++nhigh;
            }
      }
      if (!in.empty()) th.score = metric_of(in, nps);
      if (!in.empty() && !out.empty()) th.impact = overall - metric_of(out, nps);
      // Log-odds with a uniform Dirichlet prior of 0.5 per word, as z-scores (Monroe, Colaresi and
      // Quinn, "Fightin' Words", Political Analysis 2008); |z| > 1.96 and seen at least 3 times.
      std::vector<std::pair<double, std::uint32_t>> zs;
      if (nlow > 0 && nhigh > 0)
        for (std::uint32_t d = 0; d < dict.words.size(); ++d) {
          if (low[d] + high[d] < 3) continue;
          const double a = 0.5, yl = low[d] + a, yh = high[d] + a;
          const double delta = std::log(yl / (static_cast<double>(nlow) + a * 2 - yl)) -
                               std::log(yh / (static_cast<double>(nhigh) + a * 2 - yh));
          const double zz = delta / std::sqrt(1 / yl + 1 / yh);
          if (std::abs(zz) > 1.96) zs.push_back({zz, d});
        }
      std::sort(zs.begin(), zs.end());
      for (auto it = zs.rbegin(); it != zs.rend() && it->first > 0 && th.low_words.size() < 6; ++it)
        th.low_words.push_back(dict.words[it->second]);
      for (auto it = zs.begin(); it != zs.end() && it->first < 0 && th.high_words.size() < 6; ++it)
        th.high_words.push_back(dict.words[it->second]);
    }

    // Representative comments: primary theme t, the largest share of their words in it, then a
    // length near 10 words, then canonical order; then comments that mention t (a theme of short
    // clauses beside longer ones is no comment's primary); at most 1,000 bytes, distinct texts.
    std::vector<std::tuple<bool, double, std::size_t, std::size_t>> cand;
    for (std::size_t p = 0; p < n; ++p) {
      const bool main = primary[p] == static_cast<std::int32_t>(i);
      if ((!main && !mentions[p * T0 + i]) || quotes[order[p]].size() > 1000) continue;
      std::size_t words = clause_begin[text_clause[p + 1]] - clause_begin[text_clause[p]];
      const std::size_t dist = words > 10 ? words - 10 : 10 - words;
      cand.push_back({!main, main ? -purity[p] : 0.0, dist, p});
    }
    std::sort(cand.begin(), cand.end());
    for (const auto& [other, neg, dist, p] : cand) {
      if (th.examples.size() == 3) break;
      const std::string_view s = quotes[order[p]];
      if (std::find(th.examples.begin(), th.examples.end(), s) == th.examples.end()) th.examples.emplace_back(s);
    }
  }
  return Themes(std::move(impl));
}

}  // namespace perche
