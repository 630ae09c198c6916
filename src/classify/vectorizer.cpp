// SPDX-License-Identifier: Apache-2.0
// TfidfVectorizer. The formulas are scikit-learn's (sklearn/feature_extraction/text.py, 1.x):
//   word n-grams:  " ".join(terms[i:i+n]) for n in [min, max] (_word_ngrams)
//   char_wb:       each term padded " t "; n-grams of code points; a padded term no longer than n
//                  is emitted whole, once (_char_wb_ngrams)
//   df filter:     min_df ≤ df ≤ max_df (counts, or shares × n_docs), then the max_features most
//                  frequent by corpus count (_limit_features); columns in code-point order
//   tf:            raw count, or 1 + ln(count) with sublinear_tf (TfidfTransformer)
//   idf:           ln((1 + n) / (1 + df)) + 1 with smooth_idf, else ln(n / df) + 1
//   norm:          each row scaled to unit l2 (or l1) norm; empty rows stay empty.
#include <perche/classify.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include "../common/hash.hpp"
#include "../common/parallel.hpp"
#include "../common/prefetch.hpp"
#include "../common/string_map.hpp"
#include "../common/thread_scratch.hpp"
#include "../text/term_reader.hpp"

namespace perche {
namespace {

constexpr char kCharPrefix = '\x01';  // marks char n-grams in Analyzer::both

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

std::vector<std::size_t>& cp_scratch() {
  thread_local std::vector<std::size_t> v;
  return v;
}

void check_options(const TfidfOptions& o) {
  auto bad = [](const std::string& what) { throw std::invalid_argument("TfidfOptions: " + what); };
  if (o.ngram_min < 1 || o.ngram_max < o.ngram_min || o.ngram_max > 16)
    bad("ngram range (" + std::to_string(o.ngram_min) + ", " + std::to_string(o.ngram_max) +
        ") is invalid (expected 1 ≤ min ≤ max ≤ 16)");
  if (o.char_min < 1 || o.char_max < o.char_min || o.char_max > 32)
    bad("char n-gram range (" + std::to_string(o.char_min) + ", " + std::to_string(o.char_max) +
        ") is invalid (expected 1 ≤ min ≤ max ≤ 32)");
  if (o.analyzer != Analyzer::word && o.analyzer != Analyzer::char_wb && o.analyzer != Analyzer::both)
    bad("analyzer " + std::to_string(static_cast<int>(o.analyzer)) + " is not one of word, char_wb, both");
  if (o.norm != Norm::l2 && o.norm != Norm::l1 && o.norm != Norm::none)
    bad("norm " + std::to_string(static_cast<int>(o.norm)) + " is not one of l2, l1, none");
  for (const auto& [name, df] : {std::pair{"min_df", o.min_df}, std::pair{"max_df", o.max_df}}) {
    if (!std::isfinite(df.value) || df.value < 0 || (df.share && df.value > 1))
      bad(std::string(name) + " " + std::to_string(df.value) +
          (df.share ? " is not a proportion in [0, 1]" : " is not a document count ≥ 0"));
  }
}

}  // namespace

// The hash of a feature; `marked` hashes it as if it began with U+0001, so that a char n-gram of
// Analyzer::both is looked up without building its string: hash_feature("\x01" + s) equals
// hash_feature(s, true), both hashing s with the marked seed. An unmarked feature hashes with
// hash_bytes' default seed, as the tokenizer hashes words: the hash it hands over with a plain
// word is the word's feature hash (tested: a mismatch duplicates features).
static inline std::uint64_t hash_feature(std::string_view s, bool marked = false) {
  if (!marked && !s.empty() && s[0] == kCharPrefix) {
    s.remove_prefix(1);
    marked = true;
  }
  return detail::hash_bytes(s, marked ? 0xD6E8FEB86659FD93ull : 0x9E3779B97F4A7C15ull);
}

namespace {

// A feature body as the fitted index compares it: every byte when it has at most 8 (overlapping
// loads, as hash_bytes reads its tail: for one size, distinct bodies give distinct keys, and the
// size is in the slot's check), else its first 8.
std::uint64_t pack(std::string_view body) {
  const char* p = body.data();
  const std::size_t n = body.size();
  if (n >= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return a | static_cast<std::uint64_t>(b) << 32;
  }
  if (n == 0) return 0;
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return u[0] | static_cast<std::uint64_t>(u[n / 2]) << 8 | static_cast<std::uint64_t>(u[n - 1]) << 16;
}

// What a slot of the fitted index holds of a feature body (U+0001 + body when marked) with hash h:
// the slot's check (the hash's top 23 bits, the size capped at 255, the mark) and key (pack()).
struct Lookup {
  std::uint64_t hash;
  std::uint32_t check;
  std::uint64_t key;
};
Lookup lookup(std::string_view body, bool marked, std::uint64_t h) {
  const auto size = static_cast<std::uint32_t>(std::min<std::size_t>(body.size(), 255));
  return {h, (static_cast<std::uint32_t>(h >> 32) & ~0x1FFu) | size << 1 | (marked ? 1u : 0u), pack(body)};
}

// The fitted index: open addressing, power-of-two size, linear probing. A body of at most 8 bytes
// is confirmed by the slot alone (check and key hold its size, mark and bytes); a longer one also
// against its name, past the 8 bytes the key matched. Returns the slot holding body, or the empty
// slot (column -1) where it would go. An unmarked body does not begin with U+0001 (the callers
// read that byte as the mark, as hash_feature does).
template <typename Slot>
std::size_t probe(const std::vector<Slot>& table, const std::vector<std::string>& names, const Lookup& k,
                  std::string_view body, bool marked) {
  const std::size_t mask = table.size() - 1;
  std::size_t i = k.hash & mask;
  for (; table[i].column >= 0; i = (i + 1) & mask) {
    const Slot& s = table[i];
    if (s.check != k.check || s.key != k.key) continue;
    if (body.size() <= 8) break;
    const std::string& f = names[static_cast<std::size_t>(s.column)];
    const std::size_t skip = marked ? 1 : 0;
    if (f.size() == body.size() + skip && std::memcmp(f.data() + skip + 8, body.data() + 8, body.size() - 8) == 0)
      break;
  }
  return i;
}

// The column of body (U+0001 + body when marked) in a fitted index, or -1; h is its hash_feature,
// or 0 when not known.
template <typename Slot>
std::int64_t column_in(const std::vector<Slot>& table, const std::vector<std::string>& names, std::string_view body,
                       bool marked, std::uint64_t h = 0) {
  if (table.empty()) return -1;
  if (!marked && !body.empty() && body[0] == kCharPrefix) {  // as hash_feature reads it
    body.remove_prefix(1);
    marked = true;
    h = 0;
  }
  if (h == 0) h = hash_feature(body, marked);
  return table[probe(table, names, lookup(body, marked, h), body, marked)].column;
}

// The vocabulary being counted over a run of documents: provisional ids in first-seen order with
// document frequency and corpus count; `occ` holds every occurrence's id, document by document,
// so that the matrix is built without generating and hashing the features a second time.
struct Vocab {
  // 32 bytes: a feature body of up to kInline bytes is confirmed inside its slot, without a trip
  // to `names` (measured: half of the lookup's time was that second cache miss).
  static constexpr std::size_t kInline = 18;
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    std::uint64_t hash;
    std::uint32_t id;  // the provisional id; kEmpty: an empty slot
    std::uint8_t len;  // the body's size, capped at 255
    std::uint8_t marked;
    char key[kInline];  // the body, when it fits
  };
  static_assert(sizeof(Slot) == 32);
  struct Count {
    std::int64_t df = 0, total = 0, seen_in = -1;  // seen_in: last document counted in df
  };
  std::vector<std::string> names;  // U+0001 + body when marked
  std::vector<Count> counts;       // by id: one cache line per occurrence, not three
  std::vector<std::uint64_t> hashes;
  std::vector<Slot> table = std::vector<Slot>(1 << 14, Slot{0, kEmpty, 0, 0, {}});
  std::vector<std::uint32_t> occ;
  std::vector<std::size_t> doc_start;

  std::uint32_t id_of(std::string_view body, bool marked) { return id_of(body, marked, hash_feature(body, marked)); }
  std::uint32_t id_of(std::string_view body, bool marked, std::uint64_t h) {
    if (!marked && !body.empty() && body[0] == kCharPrefix) {  // as hash_feature reads it
      body.remove_prefix(1);
      marked = true;
    }
    const auto len = static_cast<std::uint8_t>(std::min<std::size_t>(body.size(), 255));
    const std::size_t mask = table.size() - 1;
    std::size_t i = h & mask;
    for (; table[i].id != kEmpty; i = (i + 1) & mask) {
      const Slot& s = table[i];
      if (s.hash != h || s.len != len || s.marked != marked) continue;
      if (body.size() <= kInline ? detail::equal_short(s.key, body.data(), body.size())
                                 : std::string_view(names[s.id]).substr(marked ? 1 : 0) == body)
        return s.id;
    }
    if (names.size() >= kEmpty) throw std::length_error("TfidfVectorizer: more than 2^32 - 1 distinct features");
    const auto id = static_cast<std::uint32_t>(names.size());
    names.emplace_back(marked ? std::string(1, kCharPrefix).append(body) : std::string(body));
    counts.emplace_back();
    hashes.push_back(h);
    Slot& s = table[i];
    s = Slot{h, id, len, static_cast<std::uint8_t>(marked), {}};
    if (body.size() <= kInline) std::memcpy(s.key, body.data(), body.size());
    if (names.size() * 2 > table.size()) grow();
    return id;
  }
  void count(std::uint32_t id, std::size_t doc) {
    Count& c = counts[id];
    occ.push_back(id);
    ++c.total;
    if (c.seen_in != static_cast<std::int64_t>(doc)) {
      c.seen_in = static_cast<std::int64_t>(doc);
      ++c.df;
    }
  }
  void grow() {  // the features are distinct: each goes to the first empty slot of its probe
    std::vector<Slot> bigger(table.size() * 2, Slot{0, kEmpty, 0, 0, {}});
    const std::size_t mask = bigger.size() - 1;
    for (const Slot& s : table) {
      if (s.id == kEmpty) continue;
      std::size_t j = s.hash & mask;
      while (bigger[j].id != kEmpty) j = (j + 1) & mask;
      bigger[j] = s;
    }
    table.swap(bigger);
  }
};

// A feature of one chunk's vocabulary with what ordering and merging need: the first 16 bytes of
// its name as two big-endian numbers (zero-padded), its size, and its counts.
struct Named {
  std::uint64_t key[2];
  std::uint32_t id, size;  // size capped at UINT32_MAX
  std::int64_t df, total;
};

Named named(const std::string& name, std::uint32_t id, const Vocab::Count& c) {
  Named e{{0, 0}, id, static_cast<std::uint32_t>(std::min<std::size_t>(name.size(), UINT32_MAX)), c.df, c.total};
  for (std::size_t i = 0; i < 16; ++i)
    e.key[i / 8] = e.key[i / 8] << 8 | (i < name.size() ? static_cast<unsigned char>(name[i]) : 0u);
  return e;
}

// Compares the names of a and b (read through name_a(), name_b() only when their first 16 bytes
// tie and one is longer) in code-point order, which is UTF-8 byte order: < 0, 0, > 0. Names that
// tie on the padded keys and fit in them differ by their size only: the shorter is a prefix.
template <typename NameA, typename NameB>
int compare(const Named& a, const Named& b, NameA&& name_a, NameB&& name_b) {
  for (int k = 0; k < 2; ++k)
    if (a.key[k] != b.key[k]) return a.key[k] < b.key[k] ? -1 : 1;
  if (a.size <= 16 && b.size <= 16) return a.size == b.size ? 0 : a.size < b.size ? -1 : 1;
  return name_a().compare(name_b());
}

// The features of one chunk's vocabulary in name order.
std::vector<Named> by_name(const Vocab& v) {
  const std::vector<Vocab::Count>& counts = v.counts;
  std::vector<Named> out(v.names.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = named(v.names[i], static_cast<std::uint32_t>(i), counts[i]);
  std::sort(out.begin(), out.end(), [&](const Named& a, const Named& b) {
    return compare(
               a, b, [&]() -> const std::string& { return v.names[a.id]; },
               [&]() -> const std::string& { return v.names[b.id]; }) < 0;
  });
  return out;
}

constexpr std::uint32_t kDropped = UINT32_MAX;  // a feature without a column (pruned by df)

// Calls fn(ngram) for the char_wb n-grams of one term, n from char_min to char_max, in
// scikit-learn's order: " term " padded, w[0:n], then w[k:k+n] while k + n < len(w); a padded
// term no longer than n is emitted whole once, and larger n are skipped. s and cp are scratch.
template <typename Fn>
void char_ngrams(std::string_view term, int char_min, int char_max, std::string& s, std::vector<std::size_t>& cp,
                 Fn&& fn) {
  s.clear();
  s.push_back(' ');
  s.append(term);
  s.push_back(' ');
  cp.clear();  // byte offset of each code point of " term " (and the end)
  for (std::size_t b = 0; b < s.size(); ++b)
    if (!is_continuation(static_cast<unsigned char>(s[b]))) cp.push_back(b);
  const std::size_t len = cp.size();
  cp.push_back(s.size());
  for (int n = char_min; n <= char_max; ++n) {
    const auto un = static_cast<std::size_t>(n);
    std::size_t k = 0;
    for (;; ++k) {
      const std::size_t end = std::min(k + un, len);
      fn(std::string_view(s).substr(cp[k], cp[end] - cp[k]));
      if (k + un >= len) break;
    }
    if (k == 0) break;
  }
}

// The columns of the own features (unigram, char n-grams) of the terms a thread has read through
// one fitted index, for the terms it reads again: a term's some 30 hashes and probes become one
// lookup. Words repeat (a few thousand make most of any Italian text), so most terms of a survey's
// comments are found (perf over example_survey on 1,000,000 responses: TfidfVectorizer's reading
// was some 35% of the run before). Bounded, about 6 MB a thread at most: past kMostTerms terms or
// kMostColumns columns it starts again; terms longer than kLongestTerm bytes are not kept.
struct TermColumns {
  static constexpr std::size_t kLongestTerm = 48, kMostTerms = std::size_t{1} << 15,
                               kMostColumns = std::size_t{1} << 20;
  // Slots a lookup walks from a term's home at most: words made to collide are not kept, instead
  // of making every lookup a walk of their run (an ordinary term is found within a few).
  static constexpr std::size_t kNear = 32;
  using Span = std::pair<std::uint32_t, std::uint32_t>;  // [first, second) in columns
  std::uint64_t index = 0;                               // the index_id the entries belong to
  detail::StringMap<Span> spans;
  std::vector<std::int32_t> columns;
  bool full() const { return spans.size() >= kMostTerms || columns.size() >= kMostColumns; }
};

TermColumns& term_columns(std::uint64_t index) {
  TermColumns& c = detail::thread_scratch<TermColumns>();
  if (c.index != index || c.full()) {
    c.spans.clear();
    c.columns.clear();
    c.index = index;
  }
  return c;
}

// One document's feature occurrences counted by column in bounded memory. A short document's
// columns are only buffered (the caller sorts them: weigh()); past kBuffered occurrences they go
// into a hash table of (column, count), so that a long text costs time linear in its length and
// memory in its distinct features (a buffer of every occurrence took 8 bytes for each of the ~30
// features of every term, and its sort a logarithmic factor).
class ColumnCounter {
 public:
  static constexpr std::size_t kBuffered = std::size_t{1} << 16;
  explicit ColumnCounter(std::vector<std::int64_t>& buffer) : buffer_(buffer) { buffer_.clear(); }

  void add(std::int64_t column) {
    if (table_.empty()) {
      buffer_.push_back(column);
      if (buffer_.size() < kBuffered) return;
      resize(kBuffered);
      for (const std::int64_t c : buffer_) count(c);
      buffer_.clear();
      return;
    }
    count(column);
  }
  // Whether every column is still in the buffer (the short document's path).
  bool buffered() const { return table_.empty(); }
  // The distinct columns, ascending, with their counts (also of a buffered document).
  std::vector<std::pair<std::int64_t, std::int64_t>> counted() {
    for (const std::int64_t c : buffer_) count_any(c);
    buffer_.clear();
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    out.reserve(used_);
    for (const Slot& s : table_)
      if (s.column >= 0) out.emplace_back(s.column, s.count);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  struct Slot {
    std::int64_t column, count;  // column -1: empty
  };
  void count_any(std::int64_t column) {
    if (table_.empty()) resize(64);
    count(column);
  }
  void count(std::int64_t column) {
    Slot* s = &find(column);
    if (s->column < 0) {
      if ((used_ + 1) * 2 > table_.size()) {
        resize(table_.size() * 2);
        s = &find(column);
      }
      s->column = column;
      ++used_;
    }
    ++s->count;
  }
  // Fibonacci hashing: the top bits of column × 2^64/φ pick the slot.
  Slot& find(std::int64_t column) {
    const std::size_t mask = table_.size() - 1;
    std::size_t i = static_cast<std::size_t>((static_cast<std::uint64_t>(column) * 0x9E3779B97F4A7C15ull) >> shift_);
    while (table_[i].column >= 0 && table_[i].column != column) i = (i + 1) & mask;
    return table_[i];
  }
  void resize(std::size_t size) {  // a power of two
    std::vector<Slot> old(size, Slot{-1, 0});
    old.swap(table_);
    shift_ = 64 - static_cast<unsigned>(std::countr_zero(size));
    for (const Slot& s : old)
      if (s.column >= 0) find(s.column) = s;
  }

  std::vector<std::int64_t>& buffer_;
  std::vector<Slot> table_;
  std::size_t used_ = 0;
  unsigned shift_ = 64;
};

// The distinct columns of cols with their counts, in order of first occurrence: a hash table of
// (column, index in out) sized to the document, in place of weigh()'s sort, for a row whose order
// does not matter (prediction): in a profile of examples/survey on a million comments the sort
// was a fifth of the time.
// Up to kDenseColumns columns in all, a per-thread array indexed by column (each entry reset
// after the document) takes the hash table's place: no probing (perf over example_survey on a
// million responses: the probe loop was 40% of read_row's own time).
void tally(const std::vector<std::int64_t>& cols, std::size_t n_columns,
           std::vector<std::pair<std::int64_t, std::int64_t>>& out) {
  constexpr std::size_t kDenseColumns = std::size_t{1} << 20;  // 4 MiB a thread at most
  if (n_columns <= kDenseColumns) {
    struct Dense {
      std::vector<std::int32_t> at;  // a column's place in out, or -1
    };
    std::vector<std::int32_t>& at = detail::thread_scratch<Dense>().at;
    if (at.size() < n_columns) at.resize(n_columns, -1);
    out.clear();
    out.reserve(cols.size());  // before `at` is written: nothing below throws
    for (const std::int64_t c : cols) {
      std::int32_t& a = at[static_cast<std::size_t>(c)];
      if (a < 0) {
        a = static_cast<std::int32_t>(out.size());
        out.emplace_back(c, 1);
      } else {
        ++out[static_cast<std::size_t>(a)].second;
      }
    }
    for (const auto& [c, count] : out) at[static_cast<std::size_t>(c)] = -1;
    return;
  }
  struct Entry {
    std::int64_t column, index;  // column -1: empty
  };
  struct Scratch {
    std::vector<Entry> table;
  };
  std::vector<Entry>& table = detail::thread_scratch<Scratch>().table;
  std::size_t size = 16;
  while (size < 2 * cols.size()) size *= 2;
  table.assign(size, Entry{-1, 0});
  const std::size_t mask = size - 1;
  const unsigned shift = 64 - static_cast<unsigned>(std::countr_zero(size));
  out.clear();
  for (const std::int64_t c : cols) {
    // Fibonacci hashing, as ColumnCounter: the top bits of column × 2^64/φ pick the slot.
    std::size_t i = static_cast<std::size_t>((static_cast<std::uint64_t>(c) * 0x9E3779B97F4A7C15ull) >> shift);
    while (table[i].column >= 0 && table[i].column != c) i = (i + 1) & mask;
    if (table[i].column < 0) {
      table[i] = Entry{c, static_cast<std::int64_t>(out.size())};
      out.emplace_back(c, 1);
    } else {
      ++out[static_cast<std::size_t>(table[i].index)].second;
    }
  }
}

}  // namespace

// The rows of consecutive documents: their entries in order, and where each row ends. Built by
// one thread, without an allocation per row; assemble() copies the blocks into the matrix.
struct TfidfVectorizer::RowBlock {
  std::vector<std::int64_t> inner;
  std::vector<double> values;
  std::vector<std::size_t> ends;  // ends[r]: one past row r's last entry

  void append(const std::vector<std::int64_t>& cols, const std::vector<double>& vals) {
    inner.insert(inner.end(), cols.begin(), cols.end());
    values.insert(values.end(), vals.begin(), vals.end());
    ends.push_back(inner.size());
  }
};

std::int64_t TfidfVectorizer::find(std::string_view body, bool marked) const {
  return column_in(table_, features_, body, marked);
}

void TfidfVectorizer::index_features(const std::vector<std::uint64_t>* hashes) {
  if (features_.size() > static_cast<std::size_t>(INT32_MAX))
    throw std::length_error("TfidfVectorizer: " + std::to_string(features_.size()) +
                            " features (the index holds at most 2^31 - 1)");
  std::size_t size = 16;
  while (size < 2 * features_.size()) size *= 2;
  table_.assign(size, Slot{0, -1, 0});
  static std::atomic<std::uint64_t> indexes{0};
  index_id_ = ++indexes;  // the term caches of read_row() filled from another index do not apply
  for (std::size_t c = 0; c < features_.size(); ++c) {
    std::string_view body = features_[c];
    const bool marked = !body.empty() && body[0] == kCharPrefix;
    if (marked) body.remove_prefix(1);
    const Lookup k = lookup(body, marked, hashes ? (*hashes)[c] : hash_feature(body, marked));
    const std::size_t i = probe(table_, features_, k, body, marked);
    if (table_[i].column >= 0)
      throw std::invalid_argument("TfidfVectorizer: feature '" + features_[c] + "' appears twice");
    table_[i] = Slot{k.check, static_cast<std::int32_t>(c), k.key};
  }
}

TfidfVectorizer::TfidfVectorizer(TfidfOptions options) : options_(std::move(options)) { check_options(options_); }

// Calls fn(body, marked, first_term, last_term) for every feature occurrence of a document; the
// feature is body, or U+0001 + body when marked (a char n-gram of Analyzer::both).
template <typename Fn>
void TfidfVectorizer::for_each_feature(const std::vector<std::string>& terms, std::string& s, Fn&& fn) const {
  const auto& o = options_;
  const auto n_terms = static_cast<std::uint32_t>(terms.size());
  if (o.analyzer != Analyzer::char_wb) {
    for (int n = o.ngram_min; n <= o.ngram_max; ++n) {
      const auto un = static_cast<std::uint32_t>(n);
      for (std::uint32_t i = 0; i + un <= n_terms; ++i) {
        if (n == 1) {
          fn(std::string_view(terms[i]), false, i, i);
          continue;
        }
        s.assign(terms[i]);
        for (std::uint32_t k = 1; k < un; ++k) s.append(1, ' ').append(terms[i + k]);
        fn(std::string_view(s), false, i, i + un - 1);
      }
    }
  }
  if (o.analyzer != Analyzer::word) {
    const bool marked = o.analyzer == Analyzer::both;
    for (std::uint32_t t = 0; t < n_terms; ++t)
      char_ngrams(terms[t], o.char_min, o.char_max, s, cp_scratch(),
                  [&](std::string_view ngram) { fn(ngram, marked, t, t); });
  }
}

std::int64_t TfidfVectorizer::column(std::string_view feature) const { return find(feature, false); }

// A document source for fit_impl, one per counting thread: each(d, fn) calls fn(term, hash) for
// the terms of document d in order (hash: hash_feature(term) when known, else 0); list(d, buffer)
// gives them as a vector (in buffer or elsewhere).
namespace {

struct TextSource {
  std::span<const std::string_view> texts;
  text::detail::TermReader reader;  // one borrowed tokenizer worker for the thread's documents

  template <typename Fn>
  void each(std::size_t d, Fn&& fn) {
    reader.read(texts[d], fn);
  }
  const std::vector<std::string>& list(std::size_t d, std::vector<std::string>& buffer) {
    std::size_t n = 0;
    reader.read(texts[d], [&](std::string_view term, std::uint64_t) {
      if (n < buffer.size())
        buffer[n].assign(term);
      else
        buffer.emplace_back(term);
      ++n;
    });
    buffer.resize(n);
    return buffer;
  }
};

struct DocSource {
  const std::vector<std::vector<std::string>>& docs;

  template <typename Fn>
  void each(std::size_t d, Fn&& fn) {
    for (const std::string& t : docs[d]) fn(std::string_view(t), 0);
  }
  const std::vector<std::string>& list(std::size_t d, std::vector<std::string>&) { return docs[d]; }
};

}  // namespace

SparseMatrix TfidfVectorizer::fit_transform(std::span<const std::string_view> texts, unsigned threads) {
  // Each counting thread reads its texts' terms through one worker of the tokenizer, as views:
  // the terms of the whole corpus are never held at once.
  const text::Tokenizer tok(options_.tokenizer);
  return fit_impl(texts.size(), threads, [&] { return TextSource{texts, text::detail::TermReader(tok)}; });
}

SparseMatrix TfidfVectorizer::fit_transform(const std::vector<std::vector<std::string>>& docs, unsigned threads) {
  return fit_impl(docs.size(), threads, [&] { return DocSource{docs}; });
}

// make_source() gives a document source (TextSource, DocSource) for one counting thread.
template <typename MakeSource>
SparseMatrix TfidfVectorizer::fit_impl(std::size_t n_docs, unsigned threads, MakeSource&& make_source) {
  // Count features in jobs of consecutive documents taken in order by up to `threads` threads,
  // each thread with its own vocabulary (a thread that finishes early takes the next job, instead
  // of waiting at the end of a fixed share). A document that fails (invalid UTF-8 under the strict
  // policy) ends its job; the lowest failing index is reported.
  const std::size_t workers =
      std::min<std::size_t>(detail::resolve_threads(threads), std::max<std::size_t>(1, n_docs / 1024));
  struct Job {
    std::size_t first, last;    // documents [first, last)
    std::size_t worker, start;  // the vocabulary that counted them, and where in its doc_start
  };
  std::vector<Job> jobs;
  for (std::size_t d = 0; d < n_docs || jobs.empty(); d += 1024) jobs.push_back({d, std::min(d + 1024, n_docs), 0, 0});
  std::vector<Vocab> part(workers);
  using Source = decltype(make_source());
  std::vector<std::unique_ptr<Source>> sources(workers);
  std::vector<std::pair<std::size_t, std::string>> errors(jobs.size(), {n_docs, {}});
  // Word unigrams (the default) are the terms themselves: counted as they come, never copied.
  const bool unigrams = options_.analyzer == Analyzer::word && options_.ngram_min == 1 && options_.ngram_max == 1;
  detail::parallel_jobs(jobs.size(), static_cast<unsigned>(workers), [&](std::size_t j, unsigned w) {
    if (!sources[w]) sources[w].reset(new Source(make_source()));
    Source& source = *sources[w];
    std::string scratch;
    std::vector<std::string> buffer;
    struct Pending {
      std::uint64_t hash;
      std::size_t offset, size;  // the term in arena
    };
    std::vector<Pending> pending;
    std::string arena;
    std::vector<std::uint32_t> ids;
    Vocab& v = part[w];
    Job& job = jobs[j];
    job.worker = w;
    job.start = v.doc_start.size();
    v.doc_start.push_back(v.occ.size());
    for (std::size_t d = job.first; d < job.last; ++d) {
      try {
        if (unigrams) {
          // A document's terms are looked up after its last one, their slots prefetched as they
          // come: the cache misses of the vocabulary's long tail then overlap with each other and
          // with the tokenizer's work, instead of stalling one after another (and likewise the
          // counts of the ids found). hash: the tokenizer's hash_bytes of the term, which is
          // hash_feature's for a word (U+0001 marks only char n-grams; no plain word starts with it).
          pending.clear();
          arena.clear();
          source.each(d, [&](std::string_view term, std::uint64_t hash) {
            if (!hash) hash = hash_feature(term);
            __builtin_prefetch(&v.table[hash & (v.table.size() - 1)]);
            pending.push_back({hash, arena.size(), term.size()});
            arena.append(term);
          });
          ids.clear();
          for (const Pending& p : pending) {
            ids.push_back(v.id_of(std::string_view(arena).substr(p.offset, p.size), false, p.hash));
            __builtin_prefetch(&v.counts[ids.back()]);
          }
          for (const std::uint32_t id : ids) v.count(id, d);
        } else {
          for_each_feature(source.list(d, buffer), scratch,
                           [&](std::string_view body, bool marked, std::uint32_t, std::uint32_t) {
                             v.count(v.id_of(body, marked), d);
                           });
        }
      } catch (const std::invalid_argument& e) {  // a bad text (strict UTF-8); others (bad_alloc) pass as they are
        errors[j] = {d, e.what()};
        return;
      }
      v.doc_start.push_back(v.occ.size());
    }
  });
  sources.clear();  // their tokenizer workers go back to the pool
  for (const auto& [d, msg] : errors)
    if (d < n_docs) throw std::invalid_argument("TfidfVectorizer: text " + std::to_string(d) + ": " + msg);
  // Each chunk's features in name order (on the chunk's thread), then one k-way merge: the
  // corpus's features in name order with summed counts, and for each chunk the index in that
  // list of each of its ids. Sorting and merging replaces a serial hash merge of the workers
  // followed by a sort of the result.
  std::vector<std::vector<Named>> sorted(workers);
  detail::parallel_jobs(workers, static_cast<unsigned>(workers), [&](std::size_t t) {
    sorted[t] = by_name(part[t]);
    std::vector<Vocab::Count>().swap(part[t].counts);
    std::vector<Vocab::Slot>().swap(part[t].table);
  });
  struct Merged {
    std::uint32_t chunk, id;  // where its name and hash are (the first chunk that has it)
    std::int64_t df, total;
  };
  std::vector<Merged> merged;
  std::vector<std::vector<std::uint32_t>> index_of(workers);  // then: the column of each id, or kDropped
  {
    std::vector<std::size_t> pos(workers, 0);
    const auto order = [&](std::size_t a, const Named& x, std::size_t b, const Named& y) {
      return compare(
          x, y, [&]() -> const std::string& { return part[a].names[x.id]; },
          [&]() -> const std::string& { return part[b].names[y.id]; });
    };
    const auto after = [&](std::size_t a, std::size_t b) {  // the heap's order: the smallest head on top
      return order(a, sorted[a][pos[a]], b, sorted[b][pos[b]]) > 0;
    };
    std::vector<std::size_t> heap;
    for (std::size_t t = 0; t < workers; ++t) {
      index_of[t].resize(sorted[t].size());
      if (!sorted[t].empty()) heap.push_back(t);
    }
    std::make_heap(heap.begin(), heap.end(), after);
    merged.reserve(sorted[0].size());
    const Named* last = nullptr;  // the entry of merged.back()
    std::size_t last_chunk = 0;
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), after);
      const std::size_t t = heap.back();
      const Named& e = sorted[t][pos[t]];
      if (last && order(last_chunk, *last, t, e) == 0) {  // a feature of an earlier chunk too
        merged.back().df += e.df;
        merged.back().total += e.total;
      } else {
        if (merged.size() >= kDropped) throw std::length_error("TfidfVectorizer: more than 2^32 - 2 distinct features");
        merged.push_back({static_cast<std::uint32_t>(t), e.id, e.df, e.total});
        last = &e;
        last_chunk = t;
      }
      index_of[t][e.id] = static_cast<std::uint32_t>(merged.size() - 1);
      if (++pos[t] < sorted[t].size())
        std::push_heap(heap.begin(), heap.end(), after);
      else
        heap.pop_back();
    }
  }
  sorted = {};
  if (merged.empty())
    throw std::invalid_argument("TfidfVectorizer: empty vocabulary: the " + std::to_string(n_docs) +
                                " documents have no term (only stopwords, punctuation or nothing)");

  const double n = static_cast<double>(n_docs);
  const auto& o = options_;
  const double max_count = o.max_df.share ? o.max_df.value * n : o.max_df.value;
  const double min_count = o.min_df.share ? o.min_df.value * n : o.min_df.value;
  if (max_count < min_count)
    throw std::invalid_argument("TfidfVectorizer: max_df corresponds to " + std::to_string(max_count) +
                                " documents, fewer than min_df's " + std::to_string(min_count));
  std::vector<std::uint32_t> keep;  // indices into merged, so in name order
  for (std::size_t i = 0; i < merged.size(); ++i) {
    const auto c = static_cast<double>(merged[i].df);
    if (c >= min_count && c <= max_count) keep.push_back(static_cast<std::uint32_t>(i));
  }
  if (o.max_features && keep.size() > o.max_features) {
    // Most frequent first; ties by feature name (the index order), so the choice does not depend
    // on input order.
    std::sort(keep.begin(), keep.end(), [&](std::uint32_t a, std::uint32_t b) {
      return merged[a].total != merged[b].total ? merged[a].total > merged[b].total : a < b;
    });
    keep.resize(o.max_features);
    std::sort(keep.begin(), keep.end());
  }
  if (keep.empty())
    throw std::invalid_argument("TfidfVectorizer: after pruning no feature remains (" + std::to_string(merged.size()) +
                                " features before; lower min_df or raise max_df)");

  // The kept features, their idf and hashes, filled in parallel ranges.
  const std::size_t n_features = keep.size();
  features_.assign(n_features, std::string());
  std::vector<std::uint64_t> hashes(n_features);
  idf_.assign(n_features, 0.0);
  std::vector<std::uint32_t> column(merged.size(), kDropped);
  detail::parallel_jobs(workers, static_cast<unsigned>(workers), [&](std::size_t j) {
    for (std::size_t c = n_features * j / workers; c < n_features * (j + 1) / workers; ++c) {
      const Merged& m = merged[keep[c]];
      const auto dfc = static_cast<double>(m.df);
      idf_[c] = o.smooth_idf ? std::log((1 + n) / (1 + dfc)) + 1 : std::log(n / dfc) + 1;
      features_[c] = std::move(part[m.chunk].names[m.id]);
      hashes[c] = part[m.chunk].hashes[m.id];
      column[keep[c]] = static_cast<std::uint32_t>(c);
    }
  });
  merged = {};
  detail::parallel_jobs(workers, static_cast<unsigned>(workers), [&](std::size_t t) {
    for (std::uint32_t& k : index_of[t]) k = column[k];
  });

  // The rows, a block per counting job (so in document order), beside the feature index for
  // transform(), which the rows do not need.
  std::vector<RowBlock> blocks(jobs.size());
  detail::parallel_jobs(jobs.size() + 1, static_cast<unsigned>(workers), [&](std::size_t j) {
    if (j == 0) {
      index_features(&hashes);
      return;
    }
    const Job& job = jobs[j - 1];
    const Vocab& v = part[job.worker];
    const std::vector<std::uint32_t>& col = index_of[job.worker];
    const std::size_t* start = &v.doc_start[job.start];  // start[k]: where document first + k begins in occ
    RowBlock& block = blocks[j - 1];
    const std::size_t occurrences = start[job.last - job.first] - start[0];
    block.inner.reserve(occurrences);  // an upper bound: no regrowth (pages past the end are never touched)
    block.values.reserve(occurrences);
    block.ends.reserve(job.last - job.first);
    std::vector<std::int64_t> cols;
    std::vector<double> values;
    for (std::size_t k = 0; k < job.last - job.first; ++k) {
      cols.clear();
      for (std::size_t i = start[k]; i < start[k + 1]; ++i)
        if (const std::uint32_t c = col[v.occ[i]]; c != kDropped) cols.push_back(c);
      weigh(cols, values);
      block.append(cols, values);
    }
  });
  return assemble(blocks);
}

SparseMatrix TfidfVectorizer::transform(std::span<const std::string_view> texts, unsigned threads) const {
  if (!fitted()) throw std::logic_error("TfidfVectorizer: transform before fit");
  const text::Tokenizer tok(options_.tokenizer);
  std::vector<RowBlock> blocks(detail::parallel_blocks(texts.size(), threads, 64));
  detail::parallel_for(
      texts.size(), threads, "TfidfVectorizer", "text",
      [&](std::size_t d, unsigned b) {
        thread_local Row row;  // each text's terms read as they come (transform_row): no list of them
        thread_local std::vector<std::int64_t> cols;
        thread_local std::vector<double> values;
        transform_row(tok, texts[d], row);
        cols.clear();
        values.clear();
        for (const auto& [c, v] : row) {
          cols.push_back(c);
          values.push_back(v);
        }
        blocks[b].append(cols, values);
      },
      64);
  return assemble(blocks);
}

SparseMatrix TfidfVectorizer::transform(const std::vector<std::vector<std::string>>& docs, unsigned threads) const {
  if (!fitted()) throw std::logic_error("TfidfVectorizer: transform before fit");
  return build(docs, threads);
}

std::vector<TfidfVectorizer::Occurrence> TfidfVectorizer::occurrences(const std::vector<std::string>& terms) const {
  std::vector<Occurrence> out;
  for_each_occurrence(terms, [&](const Occurrence& o) { out.push_back(o); });
  return out;
}

void TfidfVectorizer::visit_occurrences(const std::vector<std::string>& terms, void (*sink)(void*, const Occurrence&),
                                        void* fn) const {
  std::string scratch;
  for_each_feature(terms, scratch, [&](std::string_view f, bool marked, std::uint32_t a, std::uint32_t b) {
    if (const auto c = find(f, marked); c >= 0) sink(fn, Occurrence{c, a, b});
  });
}

namespace {

// The tf-idf of a column that occurs count times in a document, before the row's normalization.
double tf_idf(const TfidfOptions& o, const std::vector<double>& idf, std::int64_t column, std::int64_t count) {
  double v = static_cast<double>(count);
  if (o.sublinear_tf && count > 1) v = 1 + std::log(v);  // 1 + ln 1 = 1: most features occur once
  if (o.use_idf) v *= idf[static_cast<std::size_t>(column)];
  return v;
}

// Scales a row's values to unit norm as the options say (in column order: the sum's rounding is
// the same whichever path built the row).
void normalize_row(const TfidfOptions& o, std::vector<double>& values) {
  if (o.norm == Norm::none) return;
  double s = 0;
  for (const double v : values) s += o.norm == Norm::l2 ? v * v : std::abs(v);
  if (o.norm == Norm::l2) s = std::sqrt(s);
  if (s > 0)
    for (double& v : values) v /= s;
}

// cols/values of a counted document (ColumnCounter), and the counts when asked for.
void counted_row(const TfidfOptions& o, const std::vector<double>& idf,
                 const std::vector<std::pair<std::int64_t, std::int64_t>>& counted, std::vector<std::int64_t>& cols,
                 std::vector<double>& values, std::vector<std::int64_t>* counts) {
  cols.clear();
  values.clear();
  if (counts) counts->clear();
  for (const auto& [c, n] : counted) {
    cols.push_back(c);
    values.push_back(tf_idf(o, idf, c, n));
    if (counts) counts->push_back(n);
  }
  normalize_row(o, values);
}

}  // namespace

// The distinct columns of the features of terms, ascending, in cols, and their tf-idf in values.
void TfidfVectorizer::row_of(const std::vector<std::string>& terms, std::vector<std::int64_t>& cols,
                             std::vector<double>& values) const {
  thread_local std::string scratch;
  thread_local std::vector<std::int64_t> buffer;
  ColumnCounter counter(buffer);
  for_each_feature(terms, scratch, [&](std::string_view f, bool marked, std::uint32_t, std::uint32_t) {
    if (const auto c = find(f, marked); c >= 0) counter.add(c);
  });
  if (counter.buffered()) {
    cols.swap(buffer);
    weigh(cols, values);
  } else {
    counted_row(options_, idf_, counter.counted(), cols, values, nullptr);
  }
}

void TfidfVectorizer::transform_row(const std::vector<std::string>& terms, Row& row) const {
  thread_local std::vector<std::int64_t> cols;
  thread_local std::vector<double> values;
  row_of(terms, cols, values);
  row.clear();
  for (std::size_t i = 0; i < cols.size(); ++i) row.emplace_back(cols[i], values[i]);
}

void TfidfVectorizer::transform_row(const std::vector<std::string>& terms, Row& row,
                                    std::vector<std::int64_t>& counts) const {
  std::string scratch;
  std::vector<std::int64_t> buffer, cols;
  std::vector<double> values;
  ColumnCounter counter(buffer);
  for_each_feature(terms, scratch, [&](std::string_view f, bool marked, std::uint32_t, std::uint32_t) {
    if (const auto c = find(f, marked); c >= 0) counter.add(c);
  });
  counted_row(options_, idf_, counter.counted(), cols, values, &counts);
  row.clear();
  for (std::size_t i = 0; i < cols.size(); ++i) row.emplace_back(cols[i], values[i]);
}

// The features of each term as it comes from the tokenizer: its word n-grams that end with it
// (the n - 1 terms before it kept in a ring), then its char n-grams. Another order than
// for_each_feature's, the same occurrences: the counts, so the row, are the same.
void TfidfVectorizer::transform_row(const text::Tokenizer& tokenizer, std::string_view text, Row& row) const {
  read_row(tokenizer, text, row, true);
}

void TfidfVectorizer::read_row(const text::Tokenizer& tokenizer, std::string_view text, Row& row, bool sorted,
                               std::vector<text::Token>* segmented) const {
  struct Pending {
    Lookup key;
    std::string_view body;  // in term, grams or s, until the next term
    bool marked;
  };
  struct Scratch {  // the thread's (thread_scratch.hpp: not a thread_local used per feature)
    std::vector<std::int64_t> buffer, cols;
    std::vector<double> values;
    std::string s, grams;
    std::vector<std::string> previous;
    std::vector<Pending> pending;
    std::vector<std::pair<std::int64_t, std::int64_t>> counted;
  };
  Scratch& scratch = detail::thread_scratch<Scratch>();
  auto& buffer = scratch.buffer;
  auto& cols = scratch.cols;
  auto& values = scratch.values;
  auto& s = scratch.s;
  auto& grams = scratch.grams;
  auto& previous = scratch.previous;
  auto& pending = scratch.pending;
  pending.clear();  // a text that threw left its views here
  const auto& o = options_;
  const bool words = o.analyzer != Analyzer::char_wb, chars = o.analyzer != Analyzer::word;
  const bool marked = o.analyzer == Analyzer::both;
  const std::size_t keep = words ? static_cast<std::size_t>(o.ngram_max - 1) : 0;
  if (previous.size() < keep) previous.resize(keep);
  ColumnCounter counter(buffer);
  std::size_t seen = 0;  // terms before this one
  text::detail::TermReader reader(tokenizer);
  TermColumns* cache = chars && !table_.empty() ? &term_columns(index_id_) : nullptr;
  std::vector<std::int32_t>* into = nullptr;  // where flush() puts columns: a term's cache entry, else the row
  auto on_term = [&](std::string_view term, std::uint64_t hash) {
    if (!table_.empty()) {
      // The term's features (its own: its unigram and char n-grams, some 30; then its word
      // n-grams that end with it) hashed and their slots prefetched first, then probed: the loads
      // overlap instead of each waiting for the one before (measured: the first load of a slot
      // was most of the lookup). At most kBatch at a time: a 10 MB term does not hold a list of
      // its 40 million n-grams.
      constexpr std::size_t kBatch = 64;
      const std::size_t mask = table_.size() - 1;
      auto flush = [&] {
        for (const Pending& p : pending)
          if (const auto c = table_[probe(table_, features_, p.key, p.body, p.marked)].column; c >= 0) {
            if (into)
              into->push_back(static_cast<std::int32_t>(c));
            else
              counter.add(c);
          }
        pending.clear();
      };
      auto want = [&](std::string_view body, bool m, std::uint64_t h) {
        if (!m && !body.empty() && body[0] == kCharPrefix) {  // as hash_feature reads it
          body.remove_prefix(1);
          m = true;
          h = 0;
        }
        const Lookup k = lookup(body, m, h ? h : hash_feature(body, m));
        detail::prefetch(&table_[k.hash & mask]);
        pending.push_back(Pending{k, body, m});
        if (pending.size() == kBatch) flush();
      };
      auto own_features = [&] {
        // hash: the tokenizer's hash_bytes of a plain word, which is its feature hash
        if (words && o.ngram_min == 1) want(term, false, hash);
        if (chars)
          char_ngrams(term, o.char_min, o.char_max, s, cp_scratch(),
                      [&](std::string_view ngram) { want(ngram, marked, 0); });
      };
      // The term's own features do not depend on the terms around it: their columns come from
      // this thread's cache when it read the term before, in the same order as computed, so that
      // the row is the same whether the term was in the cache or not.
      // A full cache takes no more terms until the next text (term_columns() starts it again):
      // one long text of distinct words does not grow it past its bound.
      // Looked up and kept within TermColumns::kNear slots of the term's home (StringMap::find_near).
      const bool keepable = cache && term.size() <= TermColumns::kLongestTerm;
      bool room = false;
      const TermColumns::Span* cached = keepable ? cache->spans.find_near(term, TermColumns::kNear, room) : nullptr;
      if (!cached && keepable && room && !cache->full()) {
        const auto begin = static_cast<std::uint32_t>(cache->columns.size());
        into = &cache->columns;
        own_features();
        flush();
        into = nullptr;
        const TermColumns::Span span{begin, static_cast<std::uint32_t>(cache->columns.size())};
        for (std::uint32_t i = span.first; i < span.second; ++i) counter.add(cache->columns[i]);
        if (TermColumns::Span* kept = cache->spans.add_near(term, TermColumns::kNear))
          *kept = span;
        else
          cache->columns.resize(begin);  // not kept: its columns neither
      } else if (cached) {
        for (std::uint32_t i = cached->first; i < cached->second; ++i) counter.add(cache->columns[i]);
      } else {
        own_features();
      }
      if (words) {
        const auto first = static_cast<std::size_t>(std::max(o.ngram_min, 2));
        const std::size_t last = std::min(static_cast<std::size_t>(o.ngram_max), seen + 1);
        grams.clear();  // the n-grams of 2 words or more, one after another
        for (std::size_t n = first; n <= last; ++n) {
          for (std::size_t k = seen + 1 - n; k < seen; ++k) grams.append(previous[k % keep]).push_back(' ');
          grams.append(term);
        }
        for (std::size_t n = first, at = 0; n <= last; ++n) {
          std::size_t size = term.size();
          for (std::size_t k = seen + 1 - n; k < seen; ++k) size += previous[k % keep].size() + 1;
          want(std::string_view(grams).substr(at, size), false, 0);
          at += size;
        }
      }
      flush();
    }
    if (keep) previous[seen % keep].assign(term);
    ++seen;
  };
  if (segmented)
    reader.read(text, on_term, *segmented);
  else
    reader.read(text, on_term);
  if (!counter.buffered()) {
    counted_row(o, idf_, counter.counted(), cols, values, nullptr);
  } else if (sorted) {
    cols.swap(buffer);
    weigh(cols, values);
  } else {
    tally(buffer, features_.size(), scratch.counted);
    counted_row(o, idf_, scratch.counted, cols, values, nullptr);
  }
  row.clear();
  for (std::size_t i = 0; i < cols.size(); ++i) row.emplace_back(cols[i], values[i]);
  // A huge term (a 10 MB URL) does not keep its memory in this thread's scratch.
  constexpr std::size_t kKeep = std::size_t{1} << 16;
  if (s.capacity() > kKeep) std::string().swap(s);
  if (grams.capacity() > kKeep) std::string().swap(grams);
  for (std::string& p : previous)
    if (p.capacity() > kKeep) std::string().swap(p);
  if (cp_scratch().capacity() > kKeep) std::vector<std::size_t>().swap(cp_scratch());
}

void TfidfVectorizer::add_row(const std::vector<std::string>& terms, RowBlock& block) const {
  thread_local std::vector<std::int64_t> cols;
  thread_local std::vector<double> values;
  row_of(terms, cols, values);
  block.append(cols, values);
}

// cols: the columns of one document's feature occurrences, a column once per occurrence, in any
// order. Leaves the distinct columns ascending in cols and their tf-idf in values.
void TfidfVectorizer::weigh(std::vector<std::int64_t>& cols, std::vector<double>& values) const {
  values.clear();
  std::sort(cols.begin(), cols.end());
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < cols.size();) {
    std::size_t j = i;
    while (j < cols.size() && cols[j] == cols[i]) ++j;
    values.push_back(tf_idf(options_, idf_, cols[i], static_cast<std::int64_t>(j - i)));
    cols[distinct++] = cols[i];
    i = j;
  }
  cols.resize(distinct);
  normalize_row(options_, values);
}

SparseMatrix TfidfVectorizer::build(const std::vector<std::vector<std::string>>& docs, unsigned threads) const {
  std::vector<RowBlock> blocks(detail::parallel_blocks(docs.size(), threads, 64));
  detail::parallel_for(
      docs.size(), threads, "TfidfVectorizer", "document",
      [&](std::size_t d, unsigned b) { add_row(docs[d], blocks[b]); }, 64);
  return assemble(blocks);
}

// The matrix of the blocks' rows, in block order. Each block is appended and freed before the
// next, so that the blocks and the matrix are held at once only one block at a time (a
// zero-filled matrix written by parallel threads would hold all of both: twice the memory).
SparseMatrix TfidfVectorizer::assemble(std::vector<RowBlock>& blocks) const {
  std::size_t n_rows = 0, nnz = 0;
  for (const RowBlock& block : blocks) {
    n_rows += block.ends.size();
    nnz += block.inner.size();
  }
  std::vector<std::int64_t> indptr, indices;
  std::vector<double> values;
  indptr.reserve(n_rows + 1);
  indices.reserve(nnz);
  values.reserve(nnz);
  indptr.push_back(0);
  for (RowBlock& block : blocks) {
    const auto first = static_cast<std::int64_t>(indices.size());
    for (const std::size_t end : block.ends) indptr.push_back(first + static_cast<std::int64_t>(end));
    indices.insert(indices.end(), block.inner.begin(), block.inner.end());
    values.insert(values.end(), block.values.begin(), block.values.end());
    block = RowBlock();
  }
  return SparseMatrix(n_rows, features_.size(), std::move(indptr), std::move(indices), std::move(values));
}

TfidfVectorizer TfidfVectorizer::from_parts(TfidfOptions options, std::vector<std::string> features,
                                            std::vector<double> idf) {
  TfidfVectorizer v(std::move(options));
  if (static_cast<std::size_t>(idf.size()) != features.size())
    throw std::invalid_argument("TfidfVectorizer: " + std::to_string(features.size()) + " features but " +
                                std::to_string(idf.size()) + " idf values");
  // What fit() can produce, checked so that a corrupted or hand-made model fails here, naming the
  // field, rather than scoring every text NaN: idf = ln((1 + n)/(1 + df)) + 1 (smooth) or
  // ln(n/df) + 1 with df ≤ n is finite and ≥ 1 (scikit-learn's TfidfTransformer definition).
  for (std::size_t c = 0; c < features.size(); ++c) {
    if (features[c].empty() || features[c] == std::string(1, kCharPrefix))
      throw std::invalid_argument("TfidfVectorizer: feature " + std::to_string(c) + " is empty");
    // ... and at most ln(1 + 2^63) + 1 ≈ 44.7 (one document in 2^63): a larger value, even finite,
    // overflows a row's norm and turns every probability into NaN.
    constexpr double kMaxIdf = 64.0;
    const double w = idf[c];
    if (!(w >= 1.0 && w <= kMaxIdf))
      throw std::invalid_argument("TfidfVectorizer: idf of feature " + std::to_string(c) + " ('" + features[c] +
                                  "') is " + std::to_string(w) + ", expected a finite value >= 1 and <= 64");
  }
  v.features_ = std::move(features);
  v.idf_ = std::move(idf);
  v.index_features();
  return v;
}

}  // namespace perche
