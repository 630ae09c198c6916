// SPDX-License-Identifier: Apache-2.0
// Tokenizer: segmentation (segment.cpp) followed by per-token normalization. The normalizer
// works on UTF-8 directly: ASCII words take a byte loop; other words ask unicode.cpp (ICU) for
// NFC stability, full case folding and accent stripping per code point.
#include <libstemmer.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "perche/text.hpp"
#include "../common/hash.hpp"
#include "../common/parallel.hpp"
#include "../common/thread_scratch.hpp"
#include "segment.hpp"
#include "term_reader.hpp"
#include "unicode.hpp"

namespace perche::text {

std::string_view kind_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::word:
      return "word";
    case TokenKind::number:
      return "number";
    case TokenKind::punct:
      return "punct";
    case TokenKind::symbol:
      return "symbol";
    case TokenKind::emoji:
      return "emoji";
    case TokenKind::emoticon:
      return "emoticon";
    case TokenKind::url:
      return "url";
    case TokenKind::email:
      return "email";
    case TokenKind::mention:
      return "mention";
    case TokenKind::hashtag:
      return "hashtag";
  }
  throw std::invalid_argument("kind_name: " + std::to_string(static_cast<int>(kind)) + " is not a TokenKind");
}

namespace {

using detail::Cls;
using detail::Decoded;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

// Stopwords and negators in one open-addressing table (power-of-two size, linear probing,
// hash_bytes stored per slot): one probe per word and no division, unlike std::unordered_set.
class WordFlags {
 public:
  static constexpr std::uint8_t kStop = 1, kNegator = 2;

  void add(std::string_view w, std::uint8_t flag) {
    if ((count_ + 1) * 4 > slots_.size()) grow();
    const std::uint64_t h = perche::detail::hash_bytes(w);
    Slot& s = find_slot(w, h);
    if (s.flags == 0) {
      s.hash = h;
      s.key.assign(w);
      ++count_;
    }
    s.flags |= flag;
  }
  std::uint8_t get(std::string_view w) const { return get(w, perche::detail::hash_bytes(w)); }
  // h: hash_bytes(w)
  std::uint8_t get(std::string_view w, std::uint64_t h) const {
    if (slots_.empty()) return 0;
    for (std::size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& s = slots_[i];
      if (s.flags == 0) return 0;
      if (s.hash == h && perche::detail::equal_bytes(s.key, w)) return s.flags;
    }
  }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::string key;
    std::uint8_t flags = 0;  // 0: empty
  };
  Slot& find_slot(std::string_view w, std::uint64_t h) {
    for (std::size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& s = slots_[i];
      if (s.flags == 0 || (s.hash == h && perche::detail::equal_bytes(s.key, w))) return s;
    }
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<std::size_t>(64, old.size() * 2), Slot{});
    count_ = 0;
    for (Slot& o : old)
      if (o.flags) {
        Slot& s = find_slot(o.key, o.hash);
        s = std::move(o);
        ++count_;
      }
  }
  std::vector<Slot> slots_;
  std::size_t count_ = 0;
};

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// The accented vowel an Italian writer means by "vowel + apostrophe" at the end of a word
// (piu' → più, perche' → perché, citta' → città). Final -é only in the -ché compounds, né, sé
// and -tré (Treccani, "accento"); every other final e takes the grave accent.
std::string_view accented(char vowel, bool upper, std::string_view word_without_vowel) {
  const bool acute = vowel == 'e' && (word_without_vowel.ends_with("ch") || word_without_vowel.ends_with("CH") ||
                                      word_without_vowel == "n" || word_without_vowel == "N" ||
                                      word_without_vowel == "s" || word_without_vowel == "S" ||
                                      word_without_vowel.ends_with("tr") || word_without_vowel.ends_with("TR"));
  switch (vowel) {
    case 'a':
      return upper ? "À" : "à";
    case 'e':
      return acute ? (upper ? "É" : "é") : (upper ? "È" : "è");
    case 'i':
      return upper ? "Ì" : "ì";
    case 'o':
      return upper ? "Ò" : "ò";
    default:
      return upper ? "Ù" : "ù";
  }
}

// Canonical spellings of common accent mistakes. `w` is the word after case folding (or not).
void fix_accents(std::string& w) {
  if (w.size() >= 2 && w.back() == '\'') {
    std::string_view stem(w.data(), w.size() - 1);
    const char last = stem.back();
    const char lower = static_cast<char>(last >= 'A' && last <= 'Z' ? last + 32 : last);
    if (!is_vowel(lower)) return;
    std::string_view body = stem.substr(0, stem.size() - 1);
    std::string lower_stem;
    for (char c : stem) lower_stem.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    // Apocopes and imperatives keep their apostrophe: po' mo' da' fa' va' sta' di' be' to'.
    static const StringSet kKeep = {"po", "mo", "da", "fa", "va", "sta", "di", "be", "to", "ca", "pie"};
    if (kKeep.contains(lower_stem)) return;
    static const StringSet kShort = {"e", "si", "li", "la", "ne", "se", "gia", "piu", "puo", "fu"};
    if (stem.size() < 3 && !kShort.contains(lower_stem)) return;
    std::string out(body);
    out += accented(lower, last != lower, body);
    w = std::move(out);
    return;
  }
  // -chè → -ché (perchè, poichè, benchè), nè → né, pò → po', é (verb) → è.
  // Upper-case forms too, for lowercase=false (PERCHÈ → PERCHÉ).
  if (w.ends_with("chè") || w.ends_with("CHÈ")) {
    const bool upper = w.ends_with("CHÈ");
    w.replace(w.size() - 2, 2, upper ? "É" : "é");
  } else if (w == "nè" || w == "Nè") {
    w = w[0] == 'N' ? "Né" : "né";
  } else if (w == "NÈ") {
    w = "NÉ";
  } else if (w == "pò" || w == "Pò") {
    w = w[0] == 'P' ? "Po'" : "po'";
  } else if (w == "PÒ") {
    w = "PO'";
  } else if (w == "é") {
    w = "è";
  } else if (w == "É") {
    w = "È";
  }
}

// Vowels of Italian words (and y, elongated like one in "heyyy"), plain or accented, either case.
bool is_vowel(char32_t c) {
  switch (c) {
    case U'a':
    case U'e':
    case U'i':
    case U'o':
    case U'u':
    case U'y':
    case U'A':
    case U'E':
    case U'I':
    case U'O':
    case U'U':
    case U'Y':
    case U'à':
    case U'è':
    case U'é':
    case U'ì':
    case U'í':
    case U'ò':
    case U'ó':
    case U'ù':
    case U'ú':
    case U'À':
    case U'È':
    case U'É':
    case U'Ì':
    case U'Í':
    case U'Ò':
    case U'Ó':
    case U'Ù':
    case U'Ú':
      return true;
    default:
      return false;
  }
}

// Italian writes no letter three times in a row, so a run of 3+ equal letters is an elongation:
// a vowel run shrinks to one (bellissimoooo → bellissimo, siii → si), a consonant run to two,
// since Italian doubles consonants and an elongated double must keep its double (grupppo → gruppo,
// acccordi → accordi, tuttttto → tutto). Double letters (mamma, bello) stay.
void squash_letters(std::string& w) {
  std::string out;
  out.reserve(w.size());
  const auto* b = reinterpret_cast<const unsigned char*>(w.data());
  const auto* e = b + w.size();
  std::size_t i = 0;
  bool changed = false;
  while (i < w.size()) {
    const Decoded d = detail::decode(b + i, e);
    std::size_t j = i + d.len, run = 1;
    while (j + d.len <= w.size() && std::equal(b + i, b + i + d.len, b + j)) {
      j += d.len;
      ++run;
    }
    if (run >= 3 && detail::classify(d.cp) == Cls::letter) {
      out.append(w, i, d.len);
      if (!is_vowel(d.cp)) out.append(w, i, d.len);
      changed = true;
    } else {
      out.append(w, i, j - i);
    }
    i = j;
  }
  if (changed) w = std::move(out);
}

// A word without the ellipsis the segmenter keeps on it (nessu… → nessu, guida...... → guida, A... → A).
std::string_view without_ellipsis(std::string_view w) { return w.substr(0, detail::without_final_ellipsis(w)); }

// An emoticon with each run of one character shrunk to one, its repeated mouth: :))) → :), ;DD → ;D,
// :-((( → :-(, T__T → T_T, <333 → <3; ^^ (two eyes) stays, ^^^^ → ^^. Empty when nothing changes.
std::string squash_emoticon(std::string_view e) {
  bool runs = false;
  for (std::size_t k = 1; k < e.size() && !runs; ++k) runs = e[k] == e[k - 1];
  if (!runs || e == "^^") return {};
  if (e.find_first_not_of('^') == std::string_view::npos) return "^^";
  std::string out;
  for (std::size_t k = 0; k < e.size(); ++k)
    if (k == 0 || e[k] != e[k - 1]) out.push_back(e[k]);
  return out;
}

// Punctuation runs longer than 3 of the same character shrink to 3: !!!!! → !!!.
std::string squash_punct(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = i + 1;
    while (j < s.size() && s[j] == s[i]) ++j;
    out.append(std::min<std::size_t>(j - i, 3), s[i]);
    i = j;
  }
  return out;
}

std::string strip_accents(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size();) {
    if (b[i] < 0x80) {
      out.push_back(s[i++]);
      continue;
    }
    const Decoded d = detail::decode(b + i, b + s.size());
    detail::append_unaccented(out, d.cp);
    i += d.len;
  }
  return out;
}

// What a word's surface form normalizes to, under one tokenizer's options.
struct Term {
  std::string norm;
  bool stop = false;     // a stopword: the token's norm is empty
  bool negator = false;  // opens a negation scope
};

// A libstemmer object with its caches; libstemmer objects are not thread-safe, so each thread
// borrows one Worker.
struct Worker {
  sb_stemmer* stemmer = nullptr;
  std::unordered_map<std::string, std::pair<std::string, std::uint32_t>, StringHash, std::equal_to<>> cache;

  // Surface form → its norm and flags, for every word and hashtag token, so that a word seen
  // before costs one hash and one cache line instead of folding, accent fixing, stopword lookup
  // and stemming (word frequencies are Zipfian). Open addressing, linear probing, load ≤ 1/2, the
  // surface and the norm inline in the slot: normalize_tokens hashes the tokens of a text first
  // and prefetches each slot a few tokens ahead, so that the long tail of a large vocabulary does
  // not stall on memory. Surfaces over 24 bytes or norms over 29 go to `long_terms`. The
  // elision context (a final apostrophe before a letter) is part of the key: it is mixed into the
  // hash (its bit 0) and the slot's context bit.
  struct alignas(64) Slot {
    std::uint64_t hash;
    std::uint8_t key_len, norm_len, flags;  // flags: kUsed, kStop, kNegator, kElided
    char key[24];
    char norm[29];
  };
  static_assert(sizeof(Slot) == 64);
  static constexpr std::uint8_t kUsed = 1, kStop = 2, kNegator = 4, kElided = 8;
  static constexpr std::size_t kInitialSlots = 4096, kMaxSlots = std::size_t{1} << 18;  // 256 KiB .. 16 MiB
  struct Free {
    void operator()(Slot* p) const { std::free(p); }
  };
  std::unique_ptr<Slot[], Free> table = allocate(kInitialSlots);
  std::size_t slots = kInitialSlots, used = 0;

  // n zeroed (empty) slots. A table of 2 MiB or more is aligned to 2 MiB and, on Linux, advised
  // to transparent huge pages: the large vocabulary of a corpus then costs a few TLB entries
  // instead of one per 4 KiB page (measured: the slot loads stalled on page walks).
  static std::unique_ptr<Slot[], Free> allocate(std::size_t n) {
    constexpr std::size_t kHuge = std::size_t{2} << 20;
    const std::size_t bytes = n * sizeof(Slot);
    void* p = std::aligned_alloc(bytes >= kHuge ? kHuge : alignof(Slot), bytes);
    if (!p) throw std::bad_alloc();
#ifdef __linux__
    if (bytes >= kHuge) madvise(p, bytes, MADV_HUGEPAGE);  // advice only: failure changes nothing
#endif
    std::memset(p, 0, bytes);
    return std::unique_ptr<Slot[], Free>(static_cast<Slot*>(p));
  }
  std::unordered_map<std::string, Term, StringHash, std::equal_to<>> long_terms[2];  // [elided]
  // long_terms keeps surfaces of up to kLongestKept bytes, at most kMaxLong of them: its memory is
  // bounded per worker (each 1 MB word of a hostile stream was kept, with its norm, until 100,000
  // of them: a server grew by 2 MB a comment, red-team stop 42). A longer surface, which no
  // customer repeats, is normalized each time it comes (linear in its length, as its reading is).
  static constexpr std::size_t kLongestKept = 128, kMaxLong = 100000;
  // Keeps term for surface (absent); the kept term, or nullptr when the surface is too long to keep.
  const Term* keep_long(bool elided, std::string_view surface, Term term) {
    if (surface.size() > kLongestKept) return nullptr;
    auto& map = long_terms[elided];
    if (map.size() >= kMaxLong) map.clear();  // bounded memory on endless streams
    return &map.emplace(std::string(surface), std::move(term)).first->second;
  }
  std::vector<std::uint64_t> hashes;  // normalize_tokens' scratch: one hash per token (0: none)
  std::vector<Token> tokens;          // normalize's scratch
  std::string scratch;                // normalize_tokens' scratch: a norm computed for one token

  // The slot holding (key, elided), or the empty slot where it belongs, within kNear slots of its
  // home; past them `beyond`, an unused slot that is never stored to. The hash's seed is fixed and
  // public: words made to collide piled into one run, and each lookup walked it (100,000 such
  // words took 22 s to normalize, 66 ms for random words); such a word is now normalized each
  // time instead of kept.
  static constexpr std::size_t kNear = 32;
  Slot beyond{};
  Slot& find(std::uint64_t h, std::string_view key, bool elided) {
    const std::size_t mask = slots - 1;
    const std::uint8_t ctx = elided ? kElided : 0;
    std::size_t i = h & mask;
    for (std::size_t step = 0; step < kNear; ++step, i = (i + 1) & mask) {
      Slot& s = table[i];
      if (!(s.flags & kUsed)) return s;
      if (s.hash == h && s.key_len == key.size() && (s.flags & kElided) == ctx &&
          perche::detail::equal_short(s.key, key.data(), key.size()))  // key.size() <= 24 here
        return s;
    }
    beyond = Slot{};
    return beyond;
  }

  // Stores a new entry (the caller found it missing); doubles the table past load 1/2, and starts
  // over empty at kMaxSlots (bounded memory on endless streams of new words).
  void insert(std::uint64_t h, std::string_view key, bool elided, const Term& term) {
    if ((used + 1) * 2 > slots) {
      if (slots >= kMaxSlots) {
        std::memset(static_cast<void*>(table.get()), 0, slots * sizeof(Slot));
        used = 0;
      } else {
        std::unique_ptr<Slot[], Free> old = std::exchange(table, allocate(slots * 2));
        const std::size_t old_slots = std::exchange(slots, slots * 2);
        const std::size_t mask = slots - 1;
        for (std::size_t k = 0; k < old_slots; ++k) {
          const Slot& o = old[k];
          if (!(o.flags & kUsed)) continue;
          std::size_t i = o.hash & mask;
          while (table[i].flags & kUsed) i = (i + 1) & mask;
          table[i] = o;
        }
      }
    }
    Slot& s = find(h, key, elided);
    if (&s == &beyond) return;  // its run is too long: not kept
    s.hash = h;
    s.key_len = static_cast<std::uint8_t>(key.size());
    std::memcpy(s.key, key.data(), key.size());
    s.norm_len = static_cast<std::uint8_t>(term.norm.size());
    std::memcpy(s.norm, term.norm.data(), term.norm.size());
    s.flags = static_cast<std::uint8_t>(kUsed | (term.stop ? kStop : 0) | (term.negator ? kNegator : 0) |
                                        (elided ? kElided : 0));
    ++used;
  }

  Worker() {
    stemmer = sb_stemmer_new("italian", "UTF_8");
    if (!stemmer) throw std::runtime_error("perche: libstemmer has no Italian UTF-8 stemmer");
  }
  ~Worker() { sb_stemmer_delete(stemmer); }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  std::string stem_uncached(std::string_view w) {
    const sb_symbol* s =
        sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(w.data()), static_cast<int>(w.size()));
    if (!s) throw std::bad_alloc();
    std::string out(reinterpret_cast<const char*>(s), static_cast<std::size_t>(sb_stemmer_length(stemmer)));
    // Snowball 3.0 (italian.sbl, mark_regions) starts RV after a leading "divan", so that divano
    // and divani stem to "divan" rather than joining diva/dive as "div". Debian 12 ships
    // libstemmer 2.2, which predates the rule: where it cuts into the leading "divan", no suffix
    // could be removed under 3.0 but the final vowel, which leaves "divan".
    if (w.starts_with("divan") && out.size() < 5) out = "divan";
    return out;
  }

  const std::string& stem(std::string_view w) { return stem_entry(w).first; }

  // The cached stem of w with its number of lookups; a word over kLongestKept bytes is stemmed
  // each time (into `uncached`, valid until the next call), as long_terms does.
  std::pair<std::string, std::uint32_t> uncached;
  std::pair<std::string, std::uint32_t>& stem_entry(std::string_view w) {
    if (w.size() > kLongestKept) {
      uncached = {stem_uncached(w), 1};
      return uncached;
    }
    auto it = cache.find(w);
    if (it == cache.end()) {
      if (cache.size() >= 200000) cache.clear();  // bounded memory on endless streams
      it = cache.emplace(std::string(w), std::pair<std::string, std::uint32_t>{stem_uncached(w), 0}).first;
    }
    ++it->second.second;
    return it->second;
  }
};

}  // namespace

// The idle workers of one tokenizer. Shared with the threads that keep one of its workers
// (ThreadWorkers), so that a worker can go back to it when its thread ends, also after the
// tokenizer is gone: the tokenizer's end frees the idle workers and marks the pool closed, and a
// worker given back to a closed pool is freed.
struct WorkerPool {
  std::mutex mutex;
  std::vector<std::unique_ptr<Worker>> idle;
  bool closed = false;

  void close() {
    std::vector<std::unique_ptr<Worker>> gone;  // freed after the lock is released
    {
      std::lock_guard lock(mutex);
      closed = true;
      gone.swap(idle);
    }
  }

  std::unique_ptr<Worker> take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        std::unique_ptr<Worker> w = std::move(idle.back());
        idle.pop_back();
        return w;
      }
    }
    return std::make_unique<Worker>();
  }
  void give(std::unique_ptr<Worker> w) {
    std::lock_guard lock(mutex);
    if (!closed) idle.push_back(std::move(w));
  }
};

// The workers a thread used last, of up to kKept tokenizers, kept between borrows: borrowing per
// text (a TermReader per comment, the lexicon's reading after the features') then takes no lock
// and allocates nothing (perf over example_survey on 1,000,000 responses put the pool's lock and
// the borrow at some 4% of the run, the two threads contending for one mutex). When the thread
// ends, its workers go back to their pools, warm, for the next threads. A kept worker of a
// tokenizer that is gone stays until the thread gives back a worker of another tokenizer (or ends):
// at most kKept a thread.
class ThreadWorkers {
 public:
  ThreadWorkers() = default;
  ThreadWorkers(const ThreadWorkers&) = delete;
  ThreadWorkers& operator=(const ThreadWorkers&) = delete;
  ~ThreadWorkers() {
    for (Kept& k : kept_)
      if (k.worker) k.pool->give(std::move(k.worker));
  }

  // A place keeps its pool while its worker is out, so that borrowing and giving back the
  // worker of the same tokenizer copies no shared_ptr (an atomic count the threads would share).
  std::unique_ptr<Worker> take(const std::shared_ptr<WorkerPool>& pool) {
    for (Kept& k : kept_)
      if (k.worker && k.pool == pool) return std::move(k.worker);
    return pool->take();
  }

  // Keeps w in its tokenizer's place, or in a new place as the most recent: the least recent
  // kept worker then goes back to its pool. Places of tokenizers nobody else holds are freed.
  void give(const std::shared_ptr<WorkerPool>& pool, std::unique_ptr<Worker> w) {
    for (Kept& k : kept_)
      if (!k.worker && k.pool == pool) {
        k.worker = std::move(w);
        return;
      }
    for (Kept& k : kept_)
      if (k.pool && k.pool.use_count() == 1) k = Kept{};
    Kept last = std::move(kept_.back());
    for (std::size_t i = kept_.size() - 1; i > 0; --i) kept_[i] = std::move(kept_[i - 1]);
    kept_.front() = Kept{pool, std::move(w)};
    if (last.worker) last.pool->give(std::move(last.worker));
  }

 private:
  struct Kept {
    std::shared_ptr<WorkerPool> pool;  // null: the place is free
    std::unique_ptr<Worker> worker;    // null: out (borrowed), or the place is free
  };
  static constexpr std::size_t kKept = 4;
  std::array<Kept, kKept> kept_;
};

ThreadWorkers& thread_workers() { return perche::detail::thread_scratch<ThreadWorkers>(); }

struct Tokenizer::Impl {
  TokenizerOptions options;
  WordFlags words;  // stopwords (matched on key_of) and negators
  std::shared_ptr<WorkerPool> pool = std::make_shared<WorkerPool>();
  ~Impl() { pool->close(); }  // its idle workers go now, not when the last thread keeping one ends

  explicit Impl(TokenizerOptions o) : options(std::move(o)) {
    if (options.utf8 != Utf8Policy::replace && options.utf8 != Utf8Policy::strict)
      throw std::invalid_argument("Tokenizer: utf8 policy " + std::to_string(static_cast<int>(options.utf8)) +
                                  " is not one of replace, strict");
    if (options.stopwords) {
      for (std::size_t i = 0; i < options.stopwords->size(); ++i) {
        const std::string& w = (*options.stopwords)[i];
        check_word(w, i);
        words.add(key_of(w), WordFlags::kStop);
      }
    }
    for (const auto& w : text::negators()) words.add(w, WordFlags::kNegator);
  }

  static void check_word(const std::string& w, std::size_t i) {
    if (w.empty()) throw std::invalid_argument("Tokenizer: stopword at index " + std::to_string(i) + " is empty");
    const auto* b = reinterpret_cast<const unsigned char*>(w.data());
    for (std::size_t k = 0; k < w.size();) {
      const Decoded d = detail::decode(b + k, b + w.size());
      if (!d.valid)
        throw std::invalid_argument("Tokenizer: stopword at index " + std::to_string(i) + " is not UTF-8 (byte " +
                                    std::to_string(k) + ")");
      k += d.len;
    }
  }

  // The form stopwords are matched on: folded, accents fixed (and stripped when the options say so).
  std::string key_of(std::string_view w) const {
    std::string k = fold(w, true);
    if (options.fix_accents) fix_accents(k);
    if (options.strip_accents) k = strip_accents(k);
    return k;
  }

  // NFC, optional full case folding, apostrophes unified to '.
  static std::string fold(std::string_view s, bool lowercase) {
    std::string out;
    out.reserve(s.size());
    const auto* b = reinterpret_cast<const unsigned char*>(s.data());
    bool ascii = true;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const unsigned char c = b[i];
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      out.push_back(static_cast<char>(lowercase && c >= 'A' && c <= 'Z' ? c + 32 : c));
    }
    if (ascii) return out;
    out.clear();
    std::string nfc;
    for (std::size_t i = 0; i < s.size();) {
      const Decoded d = detail::decode(b + i, b + s.size());
      if (!d.valid || !detail::nfc_stable(d.cp)) {
        nfc = detail::to_nfc(s);
        break;
      }
      i += d.len;
    }
    const std::string_view src = nfc.empty() ? s : std::string_view(nfc);
    const auto* p = reinterpret_cast<const unsigned char*>(src.data());
    for (std::size_t i = 0; i < src.size();) {
      const Decoded d = detail::decode(p + i, p + src.size());
      i += d.len;
      if (d.cp == 0x2019 || d.cp == 0x02BC)
        out.push_back('\'');
      else if (lowercase)
        detail::append_folded(out, d.cp);
      else
        detail::append_utf8(out, d.cp);
    }
    return out;
  }

  struct Borrowed {
    Impl& impl;
    std::unique_ptr<Worker> worker;
    explicit Borrowed(Impl& i) : impl(i), worker(thread_workers().take(i.pool)) {}
    ~Borrowed() {
      if (worker) thread_workers().give(impl.pool, std::move(worker));
    }
  };

  // Fills the norms of tokens of text.
  // The Term of a word or hashtag token (the slow path behind Worker::terms).
  Term make_term(const Token& t, Worker& worker) const {
    const TokenizerOptions& o = options;
    const std::string_view body = t.kind == TokenKind::hashtag ? t.text.substr(1) : without_ellipsis(t.text);
    std::string key = fold(body, true);
    // An elided article or preposition (dell'ordine) loses its apostrophe, so that it matches the
    // stopword list (dell) and every elided form of a word is one term. Elided: a consonant before
    // the apostrophe (l'uomo, quest'anno, l' uomo in pre-tokenized text): an elision drops a final
    // vowel. A vowel before it is an apocope or an accent (po', piu'), also when the next word is
    // glued to it: "perche'non" read "perche" (a term) where "perche' non" read the stopword perché.
    const bool elided = key.ends_with('\'') && key.size() >= 2 && !is_vowel(key[key.size() - 2]);
    auto finish = [&](std::string& w) {
      if (elided && w.ends_with('\''))
        w.pop_back();
      else if (o.fix_accents)
        fix_accents(w);
      if (o.squash_elongations) squash_letters(w);
    };
    finish(key);
    Term term;
    term.negator = t.kind == TokenKind::word && (words.get(key) & WordFlags::kNegator);
    std::string norm;
    if (o.lowercase) {
      norm = key;
    } else {
      norm = fold(body, false);
      finish(norm);
    }
    if (o.strip_accents) {
      key = strip_accents(key);
      norm = strip_accents(norm);
    }
    if (t.kind == TokenKind::word && (words.get(key) & WordFlags::kStop)) {
      term.stop = true;
      return term;
    }
    // `terms` caches the result per surface form, so a second stem cache would only cost inserts.
    term.norm = o.stem ? worker.stem_uncached(o.lowercase ? norm : key) : std::move(norm);
    return term;
  }

  // Whether a word token ending in an apostrophe is an elision (a letter follows: l'uomo).
  static bool elided_at(std::string_view text, const Token& t) {
    const std::string_view sv = t.text;
    if (!(sv.ends_with('\'') || sv.ends_with("\xE2\x80\x99") || sv.ends_with("\xCA\xBC")) || t.end >= text.size())
      return false;
    const auto* tb = reinterpret_cast<const unsigned char*>(text.data());
    return detail::classify(detail::decode(tb + t.end, tb + text.size()).cp) == Cls::letter;
  }

  // Whether t is a word the term table can be skipped for: stemming off, ASCII letters and digits
  // only, at most kPlainMax bytes, and no run of three equal letters to squash. Its lower-case
  // form is left in low.
  static constexpr std::size_t kPlainMax = 32;
  bool plain_word(const Token& t, char (&low)[kPlainMax]) const {
    const std::string_view sv = t.text;
    if (options.stem || t.kind != TokenKind::word || sv.size() > kPlainMax) return false;
    for (std::size_t k = 0; k < sv.size(); ++k) {
      const unsigned char c = static_cast<unsigned char>(sv[k]);
      const bool upper = c >= 'A' && c <= 'Z';
      if (!((c >= 'a' && c <= 'z') || upper || (c >= '0' && c <= '9'))) return false;
      low[k] = static_cast<char>(upper ? c + 32 : c);
      if (k >= 2 && low[k] == low[k - 1] && low[k] == low[k - 2] && options.squash_elongations) return false;
    }
    return true;
  }

  // Calls sink(token, norm, negated, hash) for each token of text in order, with its normalized
  // form (empty when removed), whether it takes the NEG_ prefix, and hash_bytes(norm) when it was
  // computed anyway (else 0: a plain word's, for the vectorizer). norm is a view into the term table,
  // the text or a scratch string: valid only during the call. tokenize() stores it in the token,
  // normalize() appends the terms straight to its output. tokens may be a piece of text's tokens:
  // `negated` carries the negation scope from one piece to the next (false at the text's start).
  template <typename Sink>
  void normalize_tokens(std::string_view text, std::vector<Token>& tokens, Worker& worker, bool& negated,
                        Sink&& sink) const {
    const TokenizerOptions& o = options;
    // Hash every word first, so that the loop below can prefetch the table slot of the word
    // kPrefetch tokens ahead while it handles this one.
    constexpr std::size_t kPrefetch = 8;
    std::vector<std::uint64_t>& hashes = worker.hashes;
    // Without stemming, most words take the plain_word path and never touch the table.
    const bool prefetch = o.stem;
    auto term_hash = [&](const Token& t) {
      return (perche::detail::hash_bytes(t.text) & ~std::uint64_t{1}) | (elided_at(text, t) ? 1 : 0);
    };
    if (prefetch) {
      hashes.resize(tokens.size());
      for (std::size_t k = 0; k < tokens.size(); ++k) {
        const Token& t = tokens[k];
        hashes[k] = t.kind == TokenKind::word || t.kind == TokenKind::hashtag ? term_hash(t) : 0;
      }
    }
    char low[kPlainMax];
    std::string& tmp = worker.scratch;
    for (std::size_t k = 0; k < tokens.size(); ++k) {
      if (prefetch && k + kPrefetch < tokens.size() && hashes[k + kPrefetch])
        __builtin_prefetch(&worker.table[hashes[k + kPrefetch] & (worker.slots - 1)]);
      Token& t = tokens[k];
      std::string_view norm;
      switch (t.kind) {
        case TokenKind::word:
        case TokenKind::hashtag: {
          const std::string_view sv = t.text;
          bool stop, negator;
          std::uint64_t hash = 0;  // hash_bytes(norm), when computed on the way
          if (plain_word(t, low)) {
            // Without stemming, a plain ASCII word needs only lower-casing and the small
            // stopword/negator table: cheaper than a trip to the term table (measured: 1.5× on
            // the benchmark corpus, whose long tail of words does not fit in cache).
            const std::string_view key(low, sv.size());
            const std::uint64_t h = perche::detail::hash_bytes(key);
            const std::uint8_t flags = words.get(key, h);
            stop = flags & WordFlags::kStop;
            negator = flags & WordFlags::kNegator;
            norm = o.lowercase ? key : sv;
            if (o.lowercase) hash = h;
          } else if (sv.size() <= sizeof Worker::Slot::key) {
            const std::uint64_t h = prefetch ? hashes[k] : term_hash(t);
            const bool elided = h & 1;
            Worker::Slot& slot = worker.find(h, sv, elided);
            const Term* kept = nullptr;
            if (!(slot.flags & Worker::kUsed) && !worker.long_terms[elided].empty()) {
              // A short surface whose norm is too long for a slot (folding can expand: ß → ss).
              const auto it = worker.long_terms[elided].find(sv);
              if (it != worker.long_terms[elided].end()) kept = &it->second;
            }
            if (kept) {
              stop = kept->stop;
              negator = kept->negator;
              norm = kept->norm;
            } else if (!(slot.flags & Worker::kUsed)) {
              Term term = make_term(t, worker);
              stop = term.stop;
              negator = term.negator;
              tmp.assign(term.norm);
              norm = tmp;
              if (term.norm.size() <= sizeof slot.norm) {
                worker.insert(h, sv, elided, term);
              } else {
                worker.keep_long(elided, sv, std::move(term));
              }
            } else {
              stop = slot.flags & Worker::kStop;
              negator = slot.flags & Worker::kNegator;
              norm = std::string_view(slot.norm, slot.norm_len);
            }
          } else {
            const bool elided = elided_at(text, t);
            const auto& map = worker.long_terms[elided];
            const auto it = map.find(sv);
            const Term* kept = it != map.end() ? &it->second : nullptr;
            if (!kept) {
              Term term = make_term(t, worker);
              stop = term.stop;
              negator = term.negator;
              tmp.assign(term.norm);
              kept = worker.keep_long(elided, sv, std::move(term));
            }
            if (kept) {
              stop = kept->stop;
              negator = kept->negator;
              norm = kept->norm;
            } else {
              norm = tmp;  // a surface too long to keep: normalized again when it comes back
            }
          }
          // An ellipsis the word keeps (nessu…, guida......) ends the negation scope as the punctuation
          // token it was before did.
          const bool closes = (sv.back() == '.' || sv.back() == '\xA6') && without_ellipsis(sv).size() < sv.size();
          if (stop) {
            sink(t, std::string_view(), false, 0);
            if (closes) negated = false;
            continue;
          }
          const bool neg = negated && !negator && o.negation;
          sink(t, norm, neg, neg ? 0 : hash);  // "NEG_" + norm has another hash
          if (negator) negated = true;
          if (closes) negated = false;
          continue;
        }
        case TokenKind::number:
          norm = o.placeholders ? "<num>" : t.text;
          break;
        case TokenKind::url:
          norm = o.placeholders ? "<url>" : t.text;
          break;
        case TokenKind::email:
        case TokenKind::mention:
          if (o.placeholders) {
            norm = t.kind == TokenKind::email ? "<email>" : "<user>";
          } else {
            tmp = fold(t.text, o.lowercase);
            norm = tmp;
          }
          break;
        case TokenKind::emoticon:
          norm = t.text;
          if (o.squash_elongations)
            if (tmp = squash_emoticon(t.text); !tmp.empty()) norm = tmp;
          break;
        case TokenKind::emoji:
          tmp = emoji_norm(t.text);
          norm = tmp;
          break;
        case TokenKind::punct:
          negated = false;
          norm = t.text;
          if (o.squash_elongations && t.text.size() > 3) {
            tmp = squash_punct(t.text);
            norm = tmp;
          }
          break;
        case TokenKind::symbol: {
          const auto* b = reinterpret_cast<const unsigned char*>(t.text.data());
          const bool valid = detail::decode(b, b + t.text.size()).valid;
          norm = valid ? t.text : std::string_view("\xEF\xBF\xBD");
          break;
        }
      }
      sink(t, norm, false, 0);
    }
    if (tmp.capacity() > (std::size_t{1} << 16)) std::string().swap(tmp);  // bounded memory per worker
  }

  // Tokens a long text is segmented and normalized by: at most this many are held at once (72
  // bytes each), so that a text's memory does not grow with its length; a comment of a few
  // thousand words is still one piece.
  static constexpr std::size_t kPiece = 4096;

  // Calls sink(token, norm, negated, hash) for every token of text in order, as normalize_tokens
  // does, segmenting the text a piece at a time into the worker's token buffer; before each piece,
  // piece(number of its tokens).
  template <typename Piece, typename Sink>
  void stream(std::string_view text, Worker& worker, Piece&& piece, Sink&& sink) const {
    std::vector<Token>& toks = worker.tokens;
    detail::SegmentState state;
    bool negated = false, more = true;
    while (more) {
      toks.clear();
      more = detail::segment_some(text, options.split_elisions, options.utf8, toks, state, kPiece);
      piece(toks.size());
      normalize_tokens(text, toks, worker, negated, sink);
    }
  }

  // Calls reserve(number of tokens) for each piece of text, then term(norm, negated, hash, token)
  // for each term normalize() keeps, in order (norm valid during the call; hash as
  // normalize_tokens gives it).
  template <typename Reserve, typename Term>
  void terms(std::string_view text, Worker& worker, Reserve&& reserve, Term&& term) const {
    stream(text, worker, reserve, [&](const Token& t, std::string_view norm, bool negated, std::uint64_t hash) {
      if (kept(t.kind, norm)) term(norm, negated, hash, t);
    });
  }

  // Whether normalize() keeps a token of this kind with this norm.
  bool kept(TokenKind kind, std::string_view norm) const {
    if (norm.empty()) return false;
    return options.keep_punct || (kind != TokenKind::punct && kind != TokenKind::symbol);
  }

  // One instance of a repeated emoji, without skin tones and variation selectors (👍🏻 → 👍).
  static std::string emoji_norm(std::string_view s) {
    const auto* b = reinterpret_cast<const unsigned char*>(s.data());
    std::string first;
    std::size_t unit = s.size();
    for (std::size_t k = 1; k < s.size(); ++k) {
      if ((b[k] & 0xC0) == 0x80 || s.size() % k) continue;
      bool repeats = true;
      for (std::size_t r = k; r < s.size() && repeats; r += k) repeats = s.substr(r, k) == s.substr(0, k);
      if (repeats) {
        unit = k;
        break;
      }
    }
    for (std::size_t i = 0; i < unit;) {
      const Decoded d = detail::decode(b + i, b + unit);
      if (!(d.cp == 0xFE0E || d.cp == 0xFE0F || (d.cp >= 0x1F3FB && d.cp <= 0x1F3FF))) first.append(s.substr(i, d.len));
      i += d.len;
    }
    return first.empty() ? std::string(s.substr(0, unit)) : first;
  }
};

Tokenizer::Tokenizer(TokenizerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
// A moved-from tokenizer copies as one (its copy is moved-from too) and refuses every use.
Tokenizer::Tokenizer(const Tokenizer& other)
    : impl_(other.impl_ ? std::make_unique<Impl>(other.impl_->options) : nullptr) {}
Tokenizer& Tokenizer::operator=(const Tokenizer& other) {
  if (this != &other) impl_ = other.impl_ ? std::make_unique<Impl>(other.impl_->options) : nullptr;
  return *this;
}

Tokenizer::Impl& Tokenizer::impl() const {
  if (!impl_) throw std::logic_error("Tokenizer: used after being moved from");
  return *impl_;
}

const TokenizerOptions& Tokenizer::options() const { return impl().options; }

Tokens Tokenizer::segment(std::string_view text) const {
  Tokens out;
  // ~1 token per 5 bytes of Italian: a comment's tokens rarely regrow. Past 64 Ki tokens the
  // vector doubles as they come, so that a long text (or 10 MB of spaces) does not reserve 24
  // bytes for each of its bytes up front.
  out.tokens.reserve(std::min<std::size_t>(text.size() / 3 + 8, std::size_t{1} << 16));
  out.replaced = detail::segment(text, impl().options.split_elisions, impl().options.utf8, out.tokens);
  return out;
}

namespace {
// tokenize()'s norm of a token: "NEG_" + norm in a negation scope. A word whose norm is empty (a lone
// combining accent under strip_accents) is removed, not "NEG_": normalize() drops it too.
void set_norm(Token& t, std::string_view norm, bool negated, std::uint64_t) {
  t.norm.clear();
  if (negated && !norm.empty()) t.norm.assign("NEG_");
  t.norm.append(norm);
}
}  // namespace

Tokens Tokenizer::tokenize(std::string_view text) const {
  Tokens out = segment(text);
  Impl::Borrowed w(impl());
  bool negated_scope = false;
  impl_->normalize_tokens(text, out.tokens, *w.worker, negated_scope, set_norm);
  return out;
}

std::vector<std::string> Tokenizer::normalize(std::string_view text) const {
  std::vector<std::string> out;
  normalize(text, out);
  return out;
}

void Tokenizer::normalize(std::string_view text, std::vector<std::string>& out) const {
  Impl::Borrowed w(impl());
  // Terms are assigned over out's previous strings, whose buffers are reused, and the rest is
  // cut at the end (also when a strict-mode error leaves early: out is then empty).
  std::size_t n = 0;
  struct Trim {
    std::vector<std::string>& out;
    std::size_t& n;
    int unwinding = std::uncaught_exceptions();
    ~Trim() { out.resize(std::uncaught_exceptions() > unwinding ? 0 : n); }  // the pieces read before an error too
  } trim{out, n};
  impl_->terms(
      text, *w.worker,
      [&](std::size_t tokens) {
        // At most one term per token: no regrowth while a piece's terms come (and, for a long text
        // of many pieces, the usual doubling, not a reallocation per piece).
        if (n + tokens > out.capacity()) out.reserve(std::max(n + tokens, 2 * out.capacity()));
      },
      [&](std::string_view norm, bool negated, std::uint64_t, const Token&) {
        std::string& term = n < out.size() ? out[n] : out.emplace_back();
        ++n;
        // A buffer that once held a long term (a 10 MB URL) does not keep that memory for short ones.
        if (term.capacity() > 1024 && norm.size() < 256) std::string().swap(term);
        if (negated) {
          term.assign("NEG_");
          term.append(norm);
        } else {
          term.assign(norm);
        }
      });
}

struct detail::TermReader::State {
  Tokenizer::Impl::Borrowed borrowed;
  std::string negated;  // "NEG_" + norm
};

detail::TermReader::TermReader(const Tokenizer& tokenizer)
    : state_(new State{Tokenizer::Impl::Borrowed(tokenizer.impl()), {}}) {}
detail::TermReader::~TermReader() = default;

namespace {
// A word token without the ellipsis it keeps (nessu… → nessu), for the byte ranges a reader of terms
// highlights; other tokens as they are. Returns whether it changed.
bool may_end_in_ellipsis(const Token& t) {
  return t.kind == TokenKind::word && !t.text.empty() && (t.text.back() == '.' || t.text.back() == '\xA6');
}
bool trim_ellipsis(const Token& t, Token& out) {
  const std::string_view w = without_ellipsis(t.text);
  if (w.size() == t.text.size()) return false;
  out.text = w;
  out.start = t.start;
  out.end = t.start + w.size();
  out.kind = t.kind;
  return true;
}
}  // namespace

void detail::TermReader::read(std::string_view text, TermSink sink, void* fn, std::vector<Token>* segmented) {
  State& s = *state_;
  const Tokenizer::Impl& impl = s.borrowed.impl;
  impl.stream(
      text, *s.borrowed.worker,
      [&](std::size_t tokens) {
        if (segmented && segmented->size() + tokens > segmented->capacity())
          segmented->reserve(std::max(segmented->size() + tokens, 2 * segmented->capacity()));
      },
      [&](const Token& t, std::string_view norm, bool negated, std::uint64_t hash) {
        if (segmented) {  // as segmented: the norm left empty (not a copy of one)
          Token& kept = segmented->emplace_back();
          kept.text = t.text;
          kept.start = t.start;
          kept.end = t.end;
          kept.kind = t.kind;
        }
        if (!impl.kept(t.kind, norm)) return;
        if (negated) {
          s.negated.assign("NEG_").append(norm);
          norm = s.negated;
          hash = 0;
        }
        if (may_end_in_ellipsis(t)) {
          Token trimmed;
          if (trim_ellipsis(t, trimmed)) return sink(fn, norm, hash, trimmed);
        }
        sink(fn, norm, hash, t);
      });
}

void detail::TermReader::tokens(std::string_view text, TokenSink sink, void* fn) {
  State& s = *state_;
  s.borrowed.impl.stream(
      text, *s.borrowed.worker, [](std::size_t) {},
      [&](const Token& t, std::string_view norm, bool negated, std::uint64_t) {
        if (negated && !norm.empty()) {  // as tokenize() sets the token's norm
          s.negated.assign("NEG_").append(norm);
          norm = s.negated;
        }
        if (may_end_in_ellipsis(t)) {
          Token trimmed;
          if (trim_ellipsis(t, trimmed)) return sink(fn, trimmed, norm);
        }
        sink(fn, t, norm);
      });
}

void detail::TermReader::normalize(std::string_view text, std::vector<Token>& tokens) {
  State& s = *state_;
  bool negated_scope = false;
  s.borrowed.impl.normalize_tokens(text, tokens, *s.borrowed.worker, negated_scope, set_norm);
}

bool Tokenizer::is_term(const Token& token) const { return impl().kept(token.kind, token.norm); }

std::string Tokenizer::stem(std::string_view word) const {
  Impl::Borrowed w(impl());
  // Bytes that are not UTF-8 as tokenize() reads them: each maximal invalid subsequence a U+FFFD
  // (replace), or an error naming the byte (strict); they went through and came back invalid.
  if (const std::size_t bad = detail::first_invalid_utf8(word); bad < word.size()) {
    if (impl().options.utf8 == Utf8Policy::strict)
      throw std::invalid_argument("Tokenizer.stem: invalid UTF-8 at byte " + std::to_string(bad));
    std::string valid;
    const auto* b = reinterpret_cast<const unsigned char*>(word.data());
    for (std::size_t i = 0; i < word.size();) {
      const Decoded d = detail::decode(b + i, b + word.size());
      if (d.valid)
        valid.append(word.substr(i, d.len));
      else
        detail::append_utf8(valid, detail::kReplacement);
      i += d.len;
    }
    return w.worker->stem(valid);
  }
  return w.worker->stem(word);
}

std::vector<Tokens> Tokenizer::tokenize_batch(const std::vector<std::string_view>& texts, unsigned threads) const {
  std::vector<Tokens> out(texts.size());
  perche::detail::parallel_for(texts.size(), threads, "tokenize_batch", "text",
                               [&](std::size_t i) { out[i] = tokenize(texts[i]); });
  return out;
}

std::vector<std::vector<std::string>> Tokenizer::normalize_batch(const std::vector<std::string_view>& texts,
                                                                 unsigned threads) const {
  std::vector<std::vector<std::string>> out(texts.size());
  perche::detail::parallel_for(texts.size(), threads, "normalize_batch", "text",
                               [&](std::size_t i) { out[i] = normalize(texts[i]); });
  return out;
}

}  // namespace perche::text
