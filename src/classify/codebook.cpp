// SPDX-License-Identifier: Apache-2.0
// Codebook (include/perche/codebook.hpp). Patterns are compiled into two hash maps keyed by their
// first word: exact words, and prefixes (looked up with each prefix of a token, up to the longest
// pattern prefix). A text is tokenized once; each token is looked up once per prefix length.
#include <perche/codebook.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "../common/parallel.hpp"
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

struct Codebook::Impl {
  text::Tokenizer tokenizer{matching_options()};
  std::vector<std::string> drivers, labels;
  std::vector<Pattern> patterns;
  std::unordered_map<std::string, std::vector<std::size_t>> exact, prefix;
  std::size_t max_prefix = 0;

  void compile(Pattern p) {
    const std::size_t i = patterns.size();
    const Term& first = p.terms.front();
    if (first.prefix) {
      prefix[first.text].push_back(i);
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
Codebook::Codebook(const Codebook& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
Codebook& Codebook::operator=(const Codebook& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
Codebook::~Codebook() = default;

const std::vector<std::string>& Codebook::drivers() const { return impl_->drivers; }
const std::vector<std::string>& Codebook::labels() const { return impl_->labels; }

Codebook Codebook::parse(std::string_view text) {
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
      const std::string label(trim(line.substr(close + 1)));
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
  return parse(detail::read_file(path, "codebook", max_bytes));
}

std::vector<CodebookMatch> Codebook::matches(std::string_view text) const {
  const Impl& m = *impl_;
  const auto toks = m.tokenizer.tokenize(text);
  const auto& t = toks.tokens;
  auto term_ok = [&](std::size_t i, const Term& term) {
    if (!is_wordlike(t[i].kind)) return false;
    const std::string& n = t[i].norm;
    return term.prefix ? n.compare(0, term.text.size(), term.text) == 0 : n == term.text;
  };
  struct Hit {
    std::size_t pattern, first, last;  // token range
  };
  std::vector<Hit> hits;
  auto try_patterns = [&](const std::vector<std::size_t>& cands, std::size_t i) {
    for (std::size_t pi : cands) {
      const auto& terms = m.patterns[pi].terms;
      if (i + terms.size() > t.size()) continue;
      bool ok = true;
      for (std::size_t k = 1; k < terms.size() && ok; ++k) ok = term_ok(i + k, terms[k]);
      if (ok) hits.push_back({pi, i, i + terms.size() - 1});
    }
  };
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!is_wordlike(t[i].kind)) continue;
    const std::string& n = t[i].norm;
    if (const auto it = m.exact.find(n); it != m.exact.end()) try_patterns(it->second, i);
    for (std::size_t len = 1; len <= std::min(n.size(), m.max_prefix); ++len)
      if (const auto it = m.prefix.find(n.substr(0, len)); it != m.prefix.end()) try_patterns(it->second, i);
  }
  // Exclusions of a driver remove its matches that lie inside them.
  std::vector<CodebookMatch> out;
  for (const auto& h : hits) {
    const Pattern& p = m.patterns[h.pattern];
    if (p.exclusion) continue;
    const bool excluded = std::any_of(hits.begin(), hits.end(), [&](const Hit& e) {
      const Pattern& q = m.patterns[e.pattern];
      return q.exclusion && q.driver == p.driver && e.first <= h.first && h.last <= e.last;
    });
    if (!excluded) out.push_back({p.driver, t[h.first].start, t[h.last].end, p.source});
  }
  std::sort(out.begin(), out.end(), [](const CodebookMatch& a, const CodebookMatch& b) {
    return std::tie(a.start, a.end, a.driver) < std::tie(b.start, b.end, b.driver);
  });
  return out;
}

LabelMatrix Codebook::predict(std::span<const std::string_view> texts, int threads) const {
  if (threads < 0) throw std::invalid_argument("Codebook: threads " + std::to_string(threads) + " is negative");
  LabelMatrix Y = LabelMatrix::Zero(static_cast<Eigen::Index>(texts.size()), static_cast<Eigen::Index>(drivers().size()));
  detail::parallel_for(texts.size(), static_cast<unsigned>(threads), "Codebook", "text", [&](std::size_t i) {
    for (const auto& mt : matches(texts[i])) Y(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(mt.driver)) = 1;
  }, 256);
  return Y;
}

}  // namespace perche
