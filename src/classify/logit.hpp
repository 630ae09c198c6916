// SPDX-License-Identifier: Apache-2.0
// Numerically safe logistic helpers shared by the classifier sources (private).
#pragma once

#include <cmath>

namespace perche::detail {

// ln(1 + e^z) without overflow.
inline double log1pexp(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

// 1 / (1 + e^-z) without overflow for large |z|.
inline double sigmoid(double z) {
  if (z >= 0) return 1 / (1 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1 + e);
}

}  // namespace perche::detail
