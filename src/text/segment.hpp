// SPDX-License-Identifier: Apache-2.0
// The segmenter: one pass over UTF-8 bytes that cuts tokens by the UD Italian conventions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "perche/text.hpp"

namespace perche::text::detail {

/// Appends the tokens of text to out (norms empty) and returns the number of invalid UTF-8
/// sequences, each of which became a U+FFFD symbol token. Under Utf8Policy::strict the first one
/// throws std::invalid_argument naming its byte offset.
std::size_t segment(std::string_view text, bool split_elisions, Utf8Policy policy, std::vector<Token>& out);

/// Length of word without the ellipsis it ends in (two or more periods or U+2026, which the segmenter
/// keeps on a word: nessu…, guida......), or word.size() when it ends in none. An abbreviation's one
/// period stays (art.).
std::size_t without_final_ellipsis(std::string_view word);

/// Where segment_some() stopped in a text, and what the next piece needs to know.
/// Runs of a text the scanner walked to their end once (an e-mail's local part, a host name's
/// labels), for the words inside them: empty ranges when none.
struct RunMemo {
  std::size_t email_from = 0, email_end = 0;
  std::size_t host_from = 0, host_end = 0, host_last = 0;
  std::uint8_t host_tld = 0;                   // the run's last label: Segmenter::kTld* flags, judged once a run
  std::size_t after_at = 0, after_at_end = 0;  // host(after_at, false) of an e-mail's @; 0: none
};

struct SegmentState {
  RunMemo runs;
  std::size_t pos = 0;       ///< byte offset to go on from (a token boundary)
  std::size_t replaced = 0;  ///< invalid UTF-8 sequences so far
  bool quote_open = false;
  bool after_space = true;
};

/// segment() piece by piece, so that a long text never holds all its tokens at once: appends the
/// tokens from state.pos until max_tokens were appended or the text ends, and returns whether
/// text remains. Successive calls on one state give exactly segment()'s tokens.
bool segment_some(std::string_view text, bool split_elisions, Utf8Policy policy, std::vector<Token>& out,
                  SegmentState& state, std::size_t max_tokens);

}  // namespace perche::text::detail
