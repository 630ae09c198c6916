// SPDX-License-Identifier: Apache-2.0
// A TF-IDF feature as a person reads it (private), for every explanation shown to one: the driver
// model's top terms and explanations, the sentiment model's words.
#pragma once

#include <string>
#include <string_view>

namespace perche::detail {

/// A character n-gram: its text without the marker. A word or a phrase: its words with the
/// tokenizer's NEG_ marks turned back into the negation the customer wrote ("NEG_funziona" →
/// "non funziona", "mai NEG_risposto" → "mai risposto"). Defined in driver.cpp.
std::string display_feature(std::string_view feature);

}  // namespace perche::detail
