// SPDX-License-Identifier: Apache-2.0
// Per-thread scratch for the per-comment paths (private).
#pragma once

namespace perche::detail {

// The calling thread's instance of Scratch (a struct of the buffers one function reuses from one
// text to the next; a type of its own per function, so that no two share one), returned by a call
// the compiler does not see through. A thread_local used in a loop, or a reference bound to it, is
// recomputed at each use, and in a shared library (the Python module) each is a __tls_get_addr
// call: objdump found some 35 such calls in each of TfidfVectorizer::read_row,
// DriverClassifier::read_lexicon and polarity_probabilities, and perf put __tls_get_addr at 6% of
// `perche analyze` on a million responses. The reference this returns stays in a register.
// Callers name its members by plain references (auto& x = scratch.x), not a structured binding,
// which clang 14 cannot capture in a lambda.
template <class Scratch>
#if defined(__GNUC__) || defined(__clang__)
[[gnu::noinline]]
#endif
Scratch&
thread_scratch() {
  thread_local Scratch scratch;
  return scratch;
}

}  // namespace perche::detail
