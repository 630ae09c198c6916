// SPDX-License-Identifier: Apache-2.0
// The terms of many texts read by one thread (private: not installed). Tokenizer::normalize()
// borrows a worker (a mutex, twice) and fills strings per call; a TermReader borrows one for its
// lifetime and hands each term to a callback as a view, for the vectorizer's counting loop. A text
// is segmented a piece at a time, so reading a long text holds a few thousand tokens, not all
// (unless the caller asks for every token: read()'s `segmented`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <vector>

#include "perche/text.hpp"

namespace perche::text::detail {

class TermReader {
 public:
  explicit TermReader(const Tokenizer& tokenizer);
  ~TermReader();
  TermReader(const TermReader&) = delete;
  TermReader& operator=(const TermReader&) = delete;

  // Calls fn(term, hash) or fn(term, hash, start, end) for each term normalize(text) gives, in
  // order; term is valid only during the call, hash is perche::detail::hash_bytes(term) when the
  // tokenizer computed it anyway (a plain ASCII word), else 0; [start, end) are the byte offsets of
  // the term's token in text (a word's final ellipsis left out: "nessu…" is highlighted as "nessu").
  // Same exceptions as normalize().
  template <class Fn>
  void read(std::string_view text, Fn&& fn) {
    read(text, &call<std::remove_reference_t<Fn>>, &fn, nullptr);
  }
  // read(text, fn), and every token of text into `segmented` (its contents replaced) as
  // Tokenizer::segment() gives it: norms empty, a word's final ellipsis kept. Another tokenizer
  // with the same split_elisions and utf8 options then normalizes them without segmenting the text
  // again (normalize()).
  template <class Fn>
  void read(std::string_view text, Fn&& fn, std::vector<Token>& segmented) {
    segmented.clear();
    read(text, &call<std::remove_reference_t<Fn>>, &fn, &segmented);
  }

  // The norms of `tokens`, a text's tokens as Tokenizer::segment() gives them under this
  // tokenizer's split_elisions and utf8 options, set as tokenize() sets them (each norm replaced).
  void normalize(std::string_view text, std::vector<Token>& tokens);

  // Calls fn(token, norm) for every token of text in order, norm as tokenize() gives it (token.norm
  // is empty; both are valid only during the call), a word's final ellipsis left out of the token as
  // read() leaves it out. Same exceptions as tokenize().
  template <class Fn>
  void tokens(std::string_view text, Fn&& fn) {
    tokens(text, &call_token<std::remove_reference_t<Fn>>, &fn);
  }

 private:
  using TermSink = void (*)(void*, std::string_view, std::uint64_t, const Token&);
  using TokenSink = void (*)(void*, const Token&, std::string_view);
  template <class Fn>
  static void call(void* fn, std::string_view term, std::uint64_t hash, const Token& token) {
    if constexpr (std::is_invocable_v<Fn&, std::string_view, std::uint64_t, std::size_t, std::size_t>)
      (*static_cast<Fn*>(fn))(term, hash, token.start, token.end);
    else
      (*static_cast<Fn*>(fn))(term, hash);
  }
  template <class Fn>
  static void call_token(void* fn, const Token& token, std::string_view norm) {
    (*static_cast<Fn*>(fn))(token, norm);
  }
  void read(std::string_view text, TermSink sink, void* fn, std::vector<Token>* segmented);
  void tokens(std::string_view text, TokenSink sink, void* fn);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace perche::text::detail
