# SPDX-License-Identifier: Apache-2.0
# Shared settings of the Python tests. Reference values come from refstats.py (numpy/scipy),
# statsmodels and hand-worked figures cited in each test file, never from perche itself.
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for `import refstats`

# The build machine is small and often busy compiling: no per-example deadline.
settings.register_profile("perche", deadline=None, max_examples=150,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("perche")


@pytest.fixture
def rng():
    return np.random.default_rng(20260301)
