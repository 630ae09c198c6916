// SPDX-License-Identifier: Apache-2.0
/// \file perche/perche.hpp
/// Umbrella header: includes the public headers of perche, nothing else.
#pragma once

#include "perche/error.hpp"
#include "perche/matrix.hpp"
#include "perche/metrics.hpp"
#include "perche/text.hpp"
#include "perche/classify.hpp"
#include "perche/drivers.hpp"
#include "perche/csv.hpp"
#include "perche/codebook.hpp"
#include "perche/data_files.hpp"
#include "perche/survey.hpp"
#include "perche/discover.hpp"
#include "perche/labelling.hpp"
