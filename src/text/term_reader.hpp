// SPDX-License-Identifier: Apache-2.0
// The terms of many texts read by one thread (private: not installed). Tokenizer::normalize()
// borrows a worker (a mutex, twice) and fills strings per call; a TermReader borrows one for its
// lifetime and hands each term to a callback as a view, for the vectorizer's counting loop.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "perche/text.hpp"

namespace perche::text::detail {

class TermReader {
 public:
  explicit TermReader(const Tokenizer& tokenizer);
  ~TermReader();
  TermReader(const TermReader&) = delete;
  TermReader& operator=(const TermReader&) = delete;

  // Calls fn(term, hash) for each term normalize(text) gives, in order; term is valid only during
  // the call, hash is perche::detail::hash_bytes(term) when the tokenizer computed it anyway (a
  // plain ASCII word), else 0. Same exceptions as normalize().
  template <class Fn>
  void read(std::string_view text, Fn&& fn) {
    read(text, &call<std::remove_reference_t<Fn>>, &fn);
  }

 private:
  template <class Fn>
  static void call(void* fn, std::string_view term, std::uint64_t hash) {
    (*static_cast<Fn*>(fn))(term, hash);
  }
  void read(std::string_view text, void (*sink)(void*, std::string_view, std::uint64_t), void* fn);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace perche::text::detail
