// SPDX-License-Identifier: Apache-2.0
// A map from short strings to values for lookups per word of a text (private): built once, then
// read on every word. Open addressing with linear probing at load ≤ 1/2, hash_bytes, each slot
// holding the key's full hash beside its entry's index, so that a probe touches one 16-byte slot
// and compares bytes only on a full-hash match. std::unordered_map<std::string, V> costs a
// std::hash call, a division by a prime and a pointer chase per lookup: for the lexicon's key of
// each word, perf put the scorer's find() at 3.8% of drivers + polarity with it and 2.7% with this
// map (bench_classify drivers_and_sentiment/what:1, one thread).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hash.hpp"

namespace perche::detail {

template <class V>
class StringMap {
 public:
  using Entry = std::pair<const std::string, V>;  // the key const: a changed key would lose its slot

  // The value of key, default-constructed when missing. The reference is valid until the next
  // insertion (entries are held in a vector).
  V& operator[](std::string_view key) {
    grow_for_one();
    const std::uint64_t h = hash_bytes(key);
    Slot& s = slots_[probe(h, key)];
    if (s.index == 0) add(s, h, key);
    return entries_[s.index - 1].second;
  }

  // The value of key, or nullptr.
  const V* find(std::string_view key) const {
    if (slots_.empty()) return nullptr;
    const Slot& s = slots_[probe(hash_bytes(key), key)];
    return s.index ? &entries_[s.index - 1].second : nullptr;
  }

  // For a cache, whose keys come from the texts: the hash's seed is fixed and public, so that words
  // made to collide would pile into one run of slots and make each lookup a walk of it. A cache
  // looks only max_probe slots from a key's home: the value found there, or nullptr, with `room`
  // telling whether an empty slot was reached (where add_near() can put the key).
  const V* find_near(std::string_view key, std::size_t max_probe, bool& room) const {
    room = slots_.empty();
    if (room) return nullptr;
    const std::size_t i = probe(hash_bytes(key), key, max_probe);
    if (i == slots_.size()) return nullptr;
    room = slots_[i].index == 0;
    return room ? nullptr : &entries_[slots_[i].index - 1].second;
  }
  // Adds key (absent) when an empty slot is within max_probe slots of its home, after any growth:
  // its default-constructed value, or nullptr when the run there is longer (the key is not kept).
  V* add_near(std::string_view key, std::size_t max_probe) {
    grow_for_one();
    const std::uint64_t h = hash_bytes(key);
    const std::size_t i = probe(h, key, max_probe);
    if (i == slots_.size() || slots_[i].index != 0) return nullptr;
    add(slots_[i], h, key);
    return &entries_.back().second;
  }

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear() {
    entries_.clear();
    slots_.clear();
  }
  // Entries in insertion order.
  auto begin() { return entries_.begin(); }
  auto end() { return entries_.end(); }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t index = 0;  // 1 + the entry's index; 0: empty
  };

  // The slot holding key, or the empty slot where it belongs; slots_.size() when neither is within
  // `limit` slots of its home (the table is at most half full: without a limit there is one).
  std::size_t probe(std::uint64_t h, std::string_view key,
                    std::size_t limit = std::numeric_limits<std::size_t>::max()) const {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = h & mask;
    for (std::size_t step = 0; step < limit; ++step, i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.index == 0 || (s.hash == h && equal_bytes(entries_[s.index - 1].first, key))) return i;
    }
    return slots_.size();
  }

  // Room for one more entry at load ≤ 1/2.
  void grow_for_one() {
    if ((entries_.size() + 1) * 2 > slots_.size()) rehash(slots_.empty() ? 16 : 2 * slots_.size());
  }
  // key as a new entry, in its empty slot s.
  void add(Slot& s, std::uint64_t h, std::string_view key) {
    entries_.emplace_back(std::string(key), V{});
    s = Slot{h, static_cast<std::uint32_t>(entries_.size())};
  }

  void rehash(std::size_t n) {  // n: a power of two
    std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(n));
    for (const Slot& s : old) {
      if (s.index == 0) continue;
      std::size_t i = s.hash & (n - 1);
      while (slots_[i].index) i = (i + 1) & (n - 1);
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::vector<Entry> entries_;
};

}  // namespace perche::detail
