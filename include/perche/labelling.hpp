// SPDX-License-Identifier: Apache-2.0
/// \file perche/labelling.hpp
/// The labelling loop: pick the comments worth labelling, and measure a model honestly.
///
///     auto picked = perche::select_for_labelling(texts, 200);            // diverse
///     auto picked2 = perche::select_for_labelling(texts, 200, &model);    // uncertain and diverse
///     perche::Evaluation cv = perche::cross_validate(texts, Y, {"attesa", "prezzo"});
///     std::cout << cv.micro_f1 << ' ' << cv.macro_f1 << '\n';
///
/// `perche sample`, `perche train` and `perche evaluate` are thin shells over these.
#pragma once

#include <perche/classify.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace perche {

/// A driver with fewer positive examples than this gets a warning from `perche train` and
/// `perche evaluate`: its F1 over a handful of comments moves by tens of points with one label.
inline constexpr std::size_t kMinDriverExamples = 20;

/// One comment chosen for labelling.
struct LabellingPick {
  std::size_t index = 0;  ///< position in the texts given
  /// With a model: how close the comment's most doubtful driver is to its threshold, in [0, 1]
  /// (1: a probability exactly at the threshold; 0: every probability at 0 or 1); none without.
  std::optional<double> uncertainty{};
  std::vector<std::string> suggested;  ///< with a model: the drivers it predicts (a hint, not a label)
};

/// Comments to label, at most n, most useful first, deterministically (the same texts and model
/// give the same picks, whatever the threads).
///
/// Blank comments, comments with no term (stopwords or punctuation alone) and repeats (the same
/// terms in the same order as an earlier comment) are never picked. Diversity: farthest-first
/// traversal (Gonzalez 1985, the greedy 2-approximation of k-center) under cosine distance of
/// word TF-IDF vectors fitted on the comments, starting from the comment nearest their centroid.
/// With a model, the uncertainty sampling of active learning (Lewis & Gale 1994) is folded in:
/// each next pick maximizes (uncertainty + distance to the picks so far) / 2, so the picks are the
/// doubtful comments, spread over what the comments talk about. Throws std::invalid_argument for
/// n = 0 or an unfitted model.
std::vector<LabellingPick> select_for_labelling(std::span<const std::string_view> texts, std::size_t n,
                                                const DriverClassifier* model = nullptr);

/// Cross-validated precision, recall and F1 of a DriverClassifier with `options` on labelled
/// comments: `folds` folds (≥ 2), stratified per driver (each driver's positives, rarest driver
/// first, dealt round-robin over the folds in an order shuffled by options.seed), each fold predicted
/// by a model trained on the others (its thresholds tuned inside the training folds as fit() tunes
/// them). A driver without a positive or a negative example in some training part is left out of
/// that fold's model (its predictions there are 0). Throws std::invalid_argument on size
/// mismatches, folds < 2 or more folds than comments.
Evaluation cross_validate(std::span<const std::string_view> texts, const LabelMatrix& Y,
                          const std::vector<std::string>& drivers, const DriverOptions& options = {}, int folds = 5);

}  // namespace perche
