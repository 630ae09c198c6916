// SPDX-License-Identifier: Apache-2.0
// The domain guard of the survey pipeline (issue 19): how well a model or a codebook covers the
// comments it labels (SurveyCoverage, perche/survey.hpp).
#pragma once

#include <perche/classify.hpp>
#include <perche/survey.hpp>

#include <optional>
#include <span>
#include <string_view>

namespace perche::detail {

/// The coverage figures of `texts` (non-blank comments) labelled by `model` (null: a codebook),
/// with their n × k probabilities (row-major) and decisions; `threshold`: the one threshold the
/// analysis applied to every driver, none for the model's own. out_of_domain is set from the
/// thresholds of perche/survey.hpp. No text: none.
std::optional<SurveyCoverage> measure_coverage(std::span<const std::string_view> texts, const DriverClassifier* model,
                                               std::span<const double> probabilities, const LabelMatrix& mentions,
                                               std::optional<double> threshold);

/// The note of an out-of-domain analysis, in plain words (English): the figures against their
/// thresholds, and what to do instead.
std::string out_of_domain_message(const SurveyCoverage& c, std::string_view kind);

}  // namespace perche::detail
