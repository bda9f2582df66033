"""Shared test settings.

Matplotlib uses the non-interactive Agg backend in tests, and hypothesis runs a
fixed number of examples with no deadline (the suite is not a benchmark).
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "course", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.load_profile("course")
