// SPDX-License-Identifier: Apache-2.0
// Codebook (include/perche/codebook.hpp). Patterns are compiled into two hash maps keyed by their
// first word: exact words, and prefixes (by a hash of each prefix of a token up to the longest
// pattern prefix, extended a byte at a time). A text is read once, token by token: linear in it.
#include <perche/codebook.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "../common/parallel.hpp"
#include "../common/thread_scratch.hpp"
#include "../text/term_reader.hpp"
#include "../text/unicode.hpp"
#include "../io/file.hpp"

namespace perche {
namespace {

struct Term {
  std::string text;  // normalized
  bool prefix = false;
};

struct Pattern {
  std::size_t driver;
  std::vector<Term> terms;
  std::string source;  // as written
  bool exclusion = false;
};

text::TokenizerOptions matching_options() {
  text::TokenizerOptions o;
  o.lowercase = true;
  o.fix_accents = true;
  o.strip_accents = true;
  o.split_elisions = true;
  o.squash_elongations = true;
  o.stopwords = std::nullopt;
  o.stem = false;
  o.negation = false;
  return o;
}

bool is_wordlike(text::TokenKind k) { return k == text::TokenKind::word || k == text::TokenKind::number; }

[[noreturn]] void parse_error(std::size_t line, const std::string& message) {
  throw FormatError("codebook line " + std::to_string(line) + ": " + message);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

// FNV-1a (64-bit) one byte at a time: the hash of a prefix extends to the next byte's.
constexpr std::uint64_t kPrefixSeed = 14695981039346656037ull;
constexpr std::uint64_t prefix_step(std::uint64_t h, char c) {
  return (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
}

// Lookups by a token's norm or a prefix of it, as views: no string built per lookup.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using PatternIndex = std::unordered_map<std::string, std::vector<std::size_t>, StringHash, std::equal_to<>>;

struct Codebook::Impl {
  text::Tokenizer tokenizer{matching_options()};
  std::vector<std::string> drivers, labels;
  std::vector<Pattern> patterns;
  PatternIndex exact;
  // Prefix patterns by the hash of their first word's prefix (prefix_step over its bytes): a
  // token's prefixes are hashed in one pass, where looking up each prefix as a string hashed it
  // from its first byte again (a 128 KB word against a long `word*` took 1 s, 4x per 2x).
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> prefix;
  std::size_t max_prefix = 0;
  std::size_t max_words = 1;  // of a pattern

  // Calls fn(pattern, start, end) for each match in text, exclusions applied, in text order
  // (by start, then end, then driver). The text is read token by token through a window of the
  // last max_words tokens, which is all a match starting at the oldest of them can need; an
  // exclusion is kept while a later match could lie inside it. Time and memory are linear in the
  // text: every match was once checked against every exclusion match, and the text's tokens
  // held at once.
  template <typename Fn>
  void visit(std::string_view text, Fn&& fn) const;

  void compile(Pattern p) {
    const std::size_t i = patterns.size();
    max_words = std::max(max_words, p.terms.size());
    const Term& first = p.terms.front();
    if (first.prefix) {
      std::uint64_t h = kPrefixSeed;
      for (const char c : first.text) h = prefix_step(h, c);
      prefix[h].push_back(i);
      max_prefix = std::max(max_prefix, first.text.size());
    } else {
      exact[first.text].push_back(i);
    }
    patterns.push_back(std::move(p));
  }

  /// Normalized words of a pattern; `*` at the end of a word makes it a prefix.
  std::vector<Term> terms_of(std::string_view body, std::size_t line) const {
    std::vector<Term> out;
    std::size_t pos = 0;
    while (pos < body.size()) {
      while (pos < body.size() && body[pos] == ' ') ++pos;
      std::size_t end = body.find(' ', pos);
      if (end == std::string_view::npos) end = body.size();
      std::string_view word = body.substr(pos, end - pos);
      pos = end;
      if (word.empty()) continue;
      const bool star = word.back() == '*';
      if (star) word.remove_suffix(1);
      const auto toks = tokenizer.tokenize(word);
      std::vector<std::string> norms;
      for (const auto& t : toks)
        if (is_wordlike(t.kind) && !t.norm.empty()) norms.push_back(t.norm);
      if (norms.empty()) parse_error(line, "'" + std::string(word) + "' has no word to match");
      for (std::size_t k = 0; k < norms.size(); ++k) out.push_back({norms[k], star && k + 1 == norms.size()});
    }
    if (out.empty()) parse_error(line, "empty pattern");
    return out;
  }
};

Codebook::Codebook(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Codebook::Codebook(Codebook&&) noexcept = default;
Codebook& Codebook::operator=(Codebook&&) noexcept = default;
// A moved-from codebook copies as one (its copy is moved-from too) and refuses every use.
Codebook::Codebook(const Codebook& o) : impl_(o.impl_ ? std::make_unique<Impl>(*o.impl_) : nullptr) {}
Codebook& Codebook::operator=(const Codebook& o) {
  if (this != &o) impl_ = o.impl_ ? std::make_unique<Impl>(*o.impl_) : nullptr;
  return *this;
}
Codebook::~Codebook() = default;

const Codebook::Impl& Codebook::impl() const {
  if (!impl_) throw std::logic_error("Codebook: used after being moved from");
  return *impl_;
}

const std::vector<std::string>& Codebook::drivers() const { return impl().drivers; }
const std::vector<std::string>& Codebook::labels() const { return impl().labels; }

Codebook Codebook::parse(std::string_view text) {
  // Kept, a BOM made "[prezzo] Prezzo" on line 1 "pattern before any [driver] section".
  text = text::detail::without_bom(text);
  auto impl = std::make_unique<Impl>();
  std::vector<std::size_t> patterns_of;  // per driver
  std::vector<std::size_t> header_line;
  std::size_t line_no = 0, pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    // A comment starts at a # outside quotes.
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '"') quoted = !quoted;
      if (line[i] == '#' && !quoted) {
        line = line.substr(0, i);
        break;
      }
    }
    line = trim(line);
    if (line.empty()) continue;
    if (line.front() == '[') {
      const std::size_t close = line.find(']');
      if (close == std::string_view::npos) parse_error(line_no, "'[' without ']'");
      const std::string code(trim(line.substr(1, close - 1)));
      if (code.empty()) parse_error(line_no, "empty driver code");
      for (char c : code)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
          parse_error(line_no, "driver code '" + code + "' may only use letters, digits, _ and -");
      if (std::find(impl->drivers.begin(), impl->drivers.end(), code) != impl->drivers.end())
        parse_error(line_no, "driver '" + code + "' is defined twice");
      // A label in double quotes may hold a '#' (outside quotes it starts a comment).
      std::string_view written = trim(line.substr(close + 1));
      if (written.size() >= 2 && written.front() == '"' && written.back() == '"')
        written = trim(written.substr(1, written.size() - 2));
      const std::string label(written);
      impl->drivers.push_back(code);
      impl->labels.push_back(label.empty() ? code : label);
      patterns_of.push_back(0);
      header_line.push_back(line_no);
      continue;
    }
    if (impl->drivers.empty()) parse_error(line_no, "pattern before any [driver] section");
    Pattern p;
    p.driver = impl->drivers.size() - 1;
    p.source = std::string(line);
    std::string_view body = line;
    if (body.front() == '!') {
      p.exclusion = true;
      body = trim(body.substr(1));
    }
    if (!body.empty() && body.front() == '"') {
      if (body.size() < 2 || body.back() != '"' || body.substr(1, body.size() - 2).find('"') != std::string_view::npos)
        parse_error(line_no, "unbalanced quotes in " + std::string(line));
      body = body.substr(1, body.size() - 2);
    } else if (body.find('"') != std::string_view::npos) {
      parse_error(line_no, "unbalanced quotes in " + std::string(line));
    } else if (body.find(' ') != std::string_view::npos) {
      parse_error(line_no, "several words need quotes: \"" + std::string(body) + "\"");
    }
    p.terms = impl->terms_of(body, line_no);
    if (!p.exclusion) ++patterns_of.back();
    impl->compile(std::move(p));
  }
  if (impl->drivers.empty()) throw FormatError("codebook: no [driver] section");
  for (std::size_t j = 0; j < impl->drivers.size(); ++j)
    if (patterns_of[j] == 0) parse_error(header_line[j], "driver '" + impl->drivers[j] + "' has no pattern");
  return Codebook(std::move(impl));
}

Codebook Codebook::load(const std::string& path, std::uint64_t max_bytes) {
  const std::string text = detail::read_file(path, "codebook", max_bytes);
  const std::string shown = "codebook " + detail::display_path(path) + ": ";
  // A codebook is UTF-8 text: a byte that is not (a Latin-1 file) would become U+FFFD in a label
  // shown in every report, so it is refused here, as Python's Codebook.load refuses it.
  detail::require_utf8(text, shown, "codebook");
  try {
    return parse(text);
  } catch (const FormatError& e) {
    throw FormatError(shown + e.what());
  }
}

template <typename Fn>
void Codebook::Impl::visit(std::string_view text, Fn&& fn) const {
  struct Tok {
    std::string norm;  // of a word or number; a token of another kind ends phrases
    std::size_t start = 0, end = 0;
    bool wordlike = false;
  };
  struct Hit {
    std::size_t pattern, first, last;  // token range
  };
  const std::size_t window = max_words;
  // The thread's ring, kept from text to text: a codebook with a phrase of 100,000 words made
  // every comment allocate (and free) a ring that long.
  struct Scratch {
    std::vector<Tok> ring;
    std::vector<std::size_t> same_prefix;
  };
  Scratch& scratch = detail::thread_scratch<Scratch>();
  std::vector<Tok>& ring = scratch.ring;          // token i in ring[i % window]; entries from an earlier text are
  if (ring.size() < window) ring.resize(window);  // written before they are read
  std::vector<std::size_t>& same_prefix = scratch.same_prefix;
  std::vector<Hit> at, exclusions;  // the hits of one token; the exclusions that may still apply
  auto term_ok = [&](std::size_t i, const Term& term) {
    const Tok& t = ring[i % window];
    if (!t.wordlike) return false;
    return term.prefix ? t.norm.compare(0, term.text.size(), term.text) == 0 : t.norm == term.text;
  };
  // The matches that start at token i, when tokens [0, available) are known and i + window ≤
  // available or the text ended there.
  auto match_at = [&](std::size_t i, std::size_t available) {
    const Tok& ti = ring[i % window];
    if (!ti.wordlike) return;
    at.clear();
    auto try_patterns = [&](const std::vector<std::size_t>& candidates) {
      for (const std::size_t pi : candidates) {
        const auto& terms = patterns[pi].terms;
        if (i + terms.size() > available) continue;
        bool ok = true;
        for (std::size_t k = 1; k < terms.size() && ok; ++k) ok = term_ok(i + k, terms[k]);
        if (ok) at.push_back({pi, i, i + terms.size() - 1});
      }
    };
    const std::string_view n = ti.norm;
    if (const auto it = exact.find(n); it != exact.end()) try_patterns(it->second);
    std::uint64_t h = kPrefixSeed;
    for (std::size_t len = 1; len <= std::min(n.size(), max_prefix); ++len) {
      h = prefix_step(h, n[len - 1]);
      const auto it = prefix.find(h);
      if (it == prefix.end()) continue;
      same_prefix.clear();  // the patterns whose prefix is this one, not another of the same hash
      for (const std::size_t pi : it->second)
        if (patterns[pi].terms.front().text == n.substr(0, len)) same_prefix.push_back(pi);
      try_patterns(same_prefix);
    }
    if (at.empty()) return;
    // Exclusions of a driver remove its matches that lie inside them; one that ends before token i
    // can hold no match from here on.
    std::erase_if(exclusions, [&](const Hit& e) { return e.last < i; });
    for (const Hit& h : at)
      if (patterns[h.pattern].exclusion) exclusions.push_back(h);
    std::size_t kept = 0;
    for (const Hit& h : at) {
      const Pattern& p = patterns[h.pattern];
      if (p.exclusion) continue;
      const bool excluded = std::any_of(exclusions.begin(), exclusions.end(), [&](const Hit& e) {
        return patterns[e.pattern].driver == p.driver && e.first <= h.first && h.last <= e.last;
      });
      if (!excluded) at[kept++] = h;
    }
    at.resize(kept);
    // All start at token i: in order of end, then driver; equal ones as found.
    std::stable_sort(at.begin(), at.end(), [&](const Hit& a, const Hit& b) {
      return std::pair(a.last, patterns[a.pattern].driver) < std::pair(b.last, patterns[b.pattern].driver);
    });
    for (const Hit& h : at) fn(patterns[h.pattern], ti.start, ring[h.last % window].end);
  };
  std::size_t count = 0;  // tokens read
  text::detail::TermReader reader(tokenizer);
  reader.tokens(text, [&](const text::Token& token, std::string_view norm) {
    Tok& t = ring[count % window];
    t.wordlike = is_wordlike(token.kind);
    if (t.wordlike) t.norm.assign(norm);
    t.start = token.start;
    t.end = token.end;
    ++count;
    if (count >= window) match_at(count - window, count);
  });
  for (std::size_t i = count >= window ? count - window + 1 : 0; i < count; ++i) match_at(i, count);
}

std::vector<CodebookMatch> Codebook::matches(std::string_view text) const {
  std::vector<CodebookMatch> out;
  impl().visit(text, [&](const Pattern& p, std::size_t start, std::size_t end) {
    out.push_back({p.driver, start, end, p.source});
  });
  return out;
}

LabelMatrix Codebook::predict(std::span<const std::string_view> texts, int threads) const {
  if (threads < 0) throw std::invalid_argument("Codebook: threads " + std::to_string(threads) + " is negative");
  LabelMatrix Y(texts.size(), drivers().size());
  detail::parallel_for(
      texts.size(), static_cast<unsigned>(threads), "Codebook", "text",
      [&](std::size_t i) {
        impl().visit(texts[i], [&](const Pattern& p, std::size_t, std::size_t) { Y(i, p.driver) = 1; });
      },
      256);
  return Y;
}

}  // namespace perche
