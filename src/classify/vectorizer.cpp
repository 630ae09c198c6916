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
#include <cmath>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include "../common/hash.hpp"
#include "../common/parallel.hpp"

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
  for (const auto& [name, df] : {std::pair{"min_df", o.min_df}, std::pair{"max_df", o.max_df}}) {
    if (!std::isfinite(df.value) || df.value < 0 || (df.share && df.value > 1))
      bad(std::string(name) + " " + std::to_string(df.value) +
          (df.share ? " is not a proportion in [0, 1]" : " is not a document count ≥ 0"));
  }
}

}  // namespace

// The hash of a feature; `marked` hashes it as if it began with U+0001, so that a char n-gram of
// Analyzer::both is looked up without building its string: hash_feature("\x01" + s) equals
// hash_feature(s, true), both hashing s with the marked seed.
static std::uint64_t hash_feature(std::string_view s, bool marked = false) {
  if (!marked && !s.empty() && s[0] == kCharPrefix) {
    s.remove_prefix(1);
    marked = true;
  }
  return detail::hash_bytes(s, marked ? 0xD6E8FEB86659FD93ull : 0x9E3779B97F4A7C15ull);
}

namespace {

// Open addressing over (hash, column) slots, shared by the fitted index and the counting
// vocabularies: power-of-two size, linear probing, a hash match confirmed against the names.
// Returns the slot holding body (the feature U+0001 + body when marked), or the empty slot
// (column -1) where it would go.
template <typename Slot>
std::size_t probe(const std::vector<Slot>& table, const std::vector<std::string>& names, std::uint64_t h,
                  std::string_view body, bool marked) {
  const std::size_t mask = table.size() - 1;
  const std::size_t skip = marked ? 1 : 0;
  std::size_t i = h & mask;
  for (; table[i].column >= 0; i = (i + 1) & mask) {
    if (table[i].hash != h) continue;
    const std::string& f = names[static_cast<std::size_t>(table[i].column)];
    if (f.size() == body.size() + skip && (!marked || f[0] == kCharPrefix) &&
        std::memcmp(f.data() + skip, body.data(), body.size()) == 0)
      break;
  }
  return i;
}

// The vocabulary being counted over a run of documents: provisional ids in first-seen order with
// document frequency and corpus count; `occ` holds every occurrence's id, document by document,
// so that the matrix is built without generating and hashing the features a second time.
struct Vocab {
  struct Slot {
    std::uint64_t hash;
    std::int64_t column;  // the provisional id; -1: empty
  };
  struct Count {
    std::int64_t df = 0, total = 0, seen_in = -1;  // seen_in: last document counted in df
  };
  std::vector<std::string> names;
  std::vector<Count> counts;  // by id: one cache line per occurrence, not three
  std::vector<std::uint64_t> hashes;
  std::vector<Slot> table = std::vector<Slot>(1 << 14, Slot{0, -1});
  std::vector<std::uint32_t> occ;
  std::vector<std::size_t> doc_start;

  std::int64_t id_of(std::string_view body, bool marked) {
    const std::uint64_t h = hash_feature(body, marked);
    const std::size_t i = probe(table, names, h, body, marked);
    if (table[i].column >= 0) return table[i].column;
    const auto id = static_cast<std::int64_t>(names.size());
    names.emplace_back(marked ? std::string(1, kCharPrefix).append(body) : std::string(body));
    counts.emplace_back();
    hashes.push_back(h);
    table[i] = Slot{h, id};
    if (names.size() * 2 > table.size()) grow();
    return id;
  }
  void count(std::int64_t id, std::size_t doc) {
    Count& c = counts[static_cast<std::size_t>(id)];
    occ.push_back(static_cast<std::uint32_t>(id));
    ++c.total;
    if (c.seen_in != static_cast<std::int64_t>(doc)) {
      c.seen_in = static_cast<std::int64_t>(doc);
      ++c.df;
    }
  }
  void grow() {  // the names are distinct: each goes to the first empty slot of its probe
    std::vector<Slot> bigger(table.size() * 2, Slot{0, -1});
    const std::size_t mask = bigger.size() - 1;
    for (std::size_t k = 0; k < names.size(); ++k) {
      std::size_t j = hashes[k] & mask;
      while (bigger[j].column >= 0) j = (j + 1) & mask;
      bigger[j] = Slot{hashes[k], static_cast<std::int64_t>(k)};
    }
    table.swap(bigger);
  }
};

}  // namespace

std::int64_t TfidfVectorizer::find(std::string_view body, bool marked) const {
  if (table_.empty()) return -1;
  return table_[probe(table_, features_, hash_feature(body, marked), body, marked)].column;
}

void TfidfVectorizer::index_features() {
  std::size_t size = 16;
  while (size < 2 * features_.size()) size *= 2;
  table_.assign(size, Slot{0, -1});
  for (std::size_t c = 0; c < features_.size(); ++c) {
    const std::uint64_t h = hash_feature(features_[c]);
    const std::size_t i = probe(table_, features_, h, features_[c], false);
    if (table_[i].column >= 0)
      throw std::invalid_argument("TfidfVectorizer: feature '" + features_[c] + "' appears twice");
    table_[i] = Slot{h, static_cast<std::int64_t>(c)};
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
    std::vector<std::size_t>& cp = cp_scratch();  // byte offset of each code point of " term " (and the end)
    for (std::uint32_t t = 0; t < n_terms; ++t) {
      s.clear();
      s.push_back(' ');
      s.append(terms[t]);
      s.push_back(' ');
      cp.clear();
      for (std::size_t b = 0; b < s.size(); ++b)
        if (!is_continuation(static_cast<unsigned char>(s[b]))) cp.push_back(b);
      const std::size_t len = cp.size();
      cp.push_back(s.size());
      for (int n = o.char_min; n <= o.char_max; ++n) {
        const auto un = static_cast<std::size_t>(n);
        // scikit-learn: w[0:n], then w[k:k+n] while k + n < len(w); a word no longer than n is
        // emitted whole once, and larger n are skipped.
        std::size_t k = 0;
        for (;; ++k) {
          const std::size_t end = std::min(k + un, len);
          fn(std::string_view(s).substr(cp[k], cp[end] - cp[k]), marked, t, t);
          if (k + un >= len) break;
        }
        if (k == 0) break;
      }
    }
  }
}

std::int64_t TfidfVectorizer::column(std::string_view feature) const {
  return find(feature, false);
}

SparseMatrix TfidfVectorizer::fit_transform(std::span<const std::string_view> texts, unsigned threads) {
  // Each counting thread normalizes its own texts into one reused buffer: the terms of the whole
  // corpus are never held at once.
  const text::Tokenizer tok(options_.tokenizer);
  return fit_impl(texts.size(), threads, [&](std::size_t d, std::vector<std::string>& buffer) -> const auto& {
    tok.normalize(texts[d], buffer);
    return buffer;
  });
}

SparseMatrix TfidfVectorizer::fit_transform(const std::vector<std::vector<std::string>>& docs, unsigned threads) {
  return fit_impl(docs.size(), threads,
                  [&](std::size_t d, std::vector<std::string>&) -> const std::vector<std::string>& { return docs[d]; });
}

// terms_of(d, buffer) gives the terms of document d (in buffer or elsewhere).
template <typename TermsOf>
SparseMatrix TfidfVectorizer::fit_impl(std::size_t n_docs, unsigned threads, TermsOf&& terms_of) {
  // Count features on up to `threads` chunks of documents, each with its own vocabulary, then
  // merge the chunks' vocabularies into the first one. A document that fails (invalid UTF-8 under
  // the strict policy) ends its chunk; the lowest failing index is reported.
  const std::size_t chunks = std::min<std::size_t>(detail::resolve_threads(threads),
                                                   std::max<std::size_t>(1, n_docs / 1024));
  std::vector<Vocab> part(chunks);
  std::vector<std::size_t> bounds(chunks + 1);
  for (std::size_t t = 0; t <= chunks; ++t) bounds[t] = n_docs * t / chunks;
  std::vector<std::pair<std::size_t, std::string>> errors(chunks, {n_docs, {}});
  detail::parallel_jobs(chunks, static_cast<unsigned>(chunks), [&](std::size_t t) {
    std::string scratch;
    std::vector<std::string> buffer;
    Vocab& v = part[t];
    v.doc_start.push_back(0);
    for (std::size_t d = bounds[t]; d < bounds[t + 1]; ++d) {
      const std::vector<std::string>* terms;
      try {
        terms = &terms_of(d, buffer);
      } catch (const std::exception& e) {
        errors[t] = {d, e.what()};
        return;
      }
      for_each_feature(*terms, scratch, [&](std::string_view body, bool marked, std::uint32_t, std::uint32_t) {
        v.count(v.id_of(body, marked), d);
      });
      v.doc_start.push_back(v.occ.size());
    }
  });
  for (const auto& [d, msg] : errors)
    if (d < n_docs) throw std::invalid_argument("TfidfVectorizer: text " + std::to_string(d) + ": " + msg);
  Vocab& all = part[0];
  std::vector<std::vector<std::uint32_t>> remap(chunks);
  for (std::size_t t = 1; t < chunks; ++t) {
    const Vocab& v = part[t];
    remap[t].resize(v.names.size());
    for (std::size_t k = 0; k < v.names.size(); ++k) {
      const auto g = static_cast<std::size_t>(all.id_of(v.names[k], false));
      all.counts[g].df += v.counts[k].df;
      all.counts[g].total += v.counts[k].total;
      remap[t][k] = static_cast<std::uint32_t>(g);
    }
  }
  std::vector<std::string>& names = all.names;
  const std::vector<Vocab::Count>& counts = all.counts;
  if (names.empty())
    throw std::invalid_argument("TfidfVectorizer: empty vocabulary: the " + std::to_string(n_docs) +
                                " documents have no term (only stopwords, punctuation or nothing)");

  const double n = static_cast<double>(n_docs);
  const auto& o = options_;
  const double max_count = o.max_df.share ? o.max_df.value * n : o.max_df.value;
  const double min_count = o.min_df.share ? o.min_df.value * n : o.min_df.value;
  if (max_count < min_count)
    throw std::invalid_argument("TfidfVectorizer: max_df corresponds to " + std::to_string(max_count) +
                                " documents, fewer than min_df's " + std::to_string(min_count));
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto c = static_cast<double>(counts[i].df);
    if (c >= min_count && c <= max_count) keep.push_back(i);
  }
  if (o.max_features && keep.size() > o.max_features) {
    // Most frequent first; ties by feature name, so the choice does not depend on input order.
    std::sort(keep.begin(), keep.end(), [&](std::size_t a, std::size_t b) {
      return counts[a].total != counts[b].total ? counts[a].total > counts[b].total : names[a] < names[b];
    });
    keep.resize(o.max_features);
  }
  if (keep.empty())
    throw std::invalid_argument("TfidfVectorizer: after pruning no feature remains (" + std::to_string(names.size()) +
                                " features before; lower min_df or raise max_df)");
  std::sort(keep.begin(), keep.end(), [&](std::size_t a, std::size_t b) { return names[a] < names[b]; });

  features_.clear();
  features_.reserve(keep.size());
  idf_.resize(static_cast<Eigen::Index>(keep.size()));
  for (std::size_t c = 0; c < keep.size(); ++c) {
    const auto dfc = static_cast<double>(counts[keep[c]].df);
    idf_[static_cast<Eigen::Index>(c)] =
        o.smooth_idf ? std::log((1 + n) / (1 + dfc)) + 1 : std::log(n / dfc) + 1;
    features_.push_back(std::move(names[keep[c]]));
  }
  index_features();

  std::vector<std::int64_t> col_of(names.size(), -1);
  for (std::size_t c = 0; c < keep.size(); ++c) col_of[keep[c]] = static_cast<std::int64_t>(c);
  std::vector<Row> rows(n_docs);
  detail::parallel_jobs(chunks, static_cast<unsigned>(chunks), [&](std::size_t t) {
    const Vocab& v = part[t];
    std::vector<std::int64_t> cols;
    for (std::size_t d = bounds[t]; d < bounds[t + 1]; ++d) {
      cols.clear();
      const std::size_t local = d - bounds[t];
      for (std::size_t k = v.doc_start[local]; k < v.doc_start[local + 1]; ++k)
        if (const auto c = col_of[t ? remap[t][v.occ[k]] : v.occ[k]]; c >= 0) cols.push_back(c);
      weigh(cols, rows[d]);
    }
  });
  return assemble(rows);
}

SparseMatrix TfidfVectorizer::transform(std::span<const std::string_view> texts, unsigned threads) const {
  if (!fitted()) throw std::logic_error("TfidfVectorizer: transform before fit");
  const text::Tokenizer tok(options_.tokenizer);
  std::vector<Row> rows(texts.size());
  detail::parallel_for(texts.size(), threads, "TfidfVectorizer", "text", [&](std::size_t d) {
    thread_local std::vector<std::string> terms;
    tok.normalize(texts[d], terms);
    transform_row(terms, rows[d]);
  }, 64);
  return assemble(rows);
}

SparseMatrix TfidfVectorizer::transform(const std::vector<std::vector<std::string>>& docs, unsigned threads) const {
  if (!fitted()) throw std::logic_error("TfidfVectorizer: transform before fit");
  return build(docs, threads);
}

std::vector<TfidfVectorizer::Occurrence> TfidfVectorizer::occurrences(const std::vector<std::string>& terms) const {
  std::vector<Occurrence> out;
  std::string scratch;
  for_each_feature(terms, scratch, [&](std::string_view f, bool marked, std::uint32_t a, std::uint32_t b) {
    if (const auto c = find(f, marked); c >= 0) out.push_back({c, a, b});
  });
  return out;
}

void TfidfVectorizer::transform_row(const std::vector<std::string>& terms, Row& row) const {
  thread_local std::vector<std::int64_t> cols;
  thread_local std::string scratch;
  cols.clear();
  for_each_feature(terms, scratch, [&](std::string_view f, bool marked, std::uint32_t, std::uint32_t) {
    if (const auto c = find(f, marked); c >= 0) cols.push_back(c);
  });
  weigh(cols, row);
}

// row = the tf-idf of the columns of one document's feature occurrences (cols is sorted here).
void TfidfVectorizer::weigh(std::vector<std::int64_t>& cols, Row& row) const {
  const auto& o = options_;
  row.clear();
  std::sort(cols.begin(), cols.end());
  for (std::size_t i = 0; i < cols.size();) {
    std::size_t j = i;
    while (j < cols.size() && cols[j] == cols[i]) ++j;
    double v = static_cast<double>(j - i);
    if (o.sublinear_tf && j - i > 1) v = 1 + std::log(v);  // 1 + ln 1 = 1: most features occur once
    if (o.use_idf) v *= idf_[cols[i]];
    row.emplace_back(cols[i], v);
    i = j;
  }
  if (o.norm != Norm::none) {
    double s = 0;
    for (const auto& [c, v] : row) s += o.norm == Norm::l2 ? v * v : std::abs(v);
    if (o.norm == Norm::l2) s = std::sqrt(s);
    if (s > 0)
      for (auto& [c, v] : row) v /= s;
  }
}

SparseMatrix TfidfVectorizer::build(const std::vector<std::vector<std::string>>& docs, unsigned threads) const {
  std::vector<Row> rows(docs.size());
  detail::parallel_for(docs.size(), threads, "TfidfVectorizer", "document",
                       [&](std::size_t d) { transform_row(docs[d], rows[d]); }, 64);
  return assemble(rows);
}

SparseMatrix TfidfVectorizer::assemble(const std::vector<Row>& rows) const {
  const std::size_t n_rows = rows.size();
  SparseMatrix X(static_cast<Eigen::Index>(n_rows), static_cast<Eigen::Index>(features_.size()));
  std::int64_t nnz = 0;
  for (const auto& r : rows) nnz += static_cast<std::int64_t>(r.size());
  X.resizeNonZeros(nnz);
  auto* outer = X.outerIndexPtr();
  auto* inner = X.innerIndexPtr();
  auto* values = X.valuePtr();
  std::int64_t k = 0;
  for (std::size_t d = 0; d < rows.size(); ++d) {
    outer[d] = k;
    for (const auto& [c, v] : rows[d]) {
      inner[k] = c;
      values[k] = v;
      ++k;
    }
  }
  outer[rows.size()] = k;
  return X;
}

TfidfVectorizer TfidfVectorizer::from_parts(TfidfOptions options, std::vector<std::string> features,
                                            Eigen::VectorXd idf) {
  TfidfVectorizer v(std::move(options));
  if (static_cast<std::size_t>(idf.size()) != features.size())
    throw std::invalid_argument("TfidfVectorizer: " + std::to_string(features.size()) + " features but " +
                                std::to_string(idf.size()) + " idf values");
  v.features_ = std::move(features);
  v.idf_ = std::move(idf);
  v.index_features();
  return v;
}

}  // namespace perche
