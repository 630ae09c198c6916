// SPDX-License-Identifier: Apache-2.0
// The segmenter: one pass over UTF-8 bytes that cuts tokens by the UD Italian conventions.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "perche/text.hpp"

namespace perche::text::detail {

/// Appends the tokens of text to out (norms empty) and returns the number of invalid UTF-8
/// sequences, each of which became a U+FFFD symbol token. Under Utf8Policy::strict the first one
/// throws std::invalid_argument naming its byte offset.
std::size_t segment(std::string_view text, bool split_elisions, Utf8Policy policy, std::vector<Token>& out);

}  // namespace perche::text::detail
