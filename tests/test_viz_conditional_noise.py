"""Notebook 3, Gumbel-Rao's conditional noise (:mod:`gumbel_utils.viz.conditional_noise`)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gumbel_utils.conditional import conditional_gumbel  # noqa: E402
from gumbel_utils.stats import empirical_cdf  # noqa: E402
from gumbel_utils.viz import conditional_noise as G  # noqa: E402


X = np.array([1.0, 0.5, 0.0])


def test_plot_conditional_check_draws_both_samplers():
    z = conditional_gumbel(X, np.zeros(500, dtype=int), rng=0)
    art = G.plot_conditional_check(z, z)
    assert len(art) == 6
    x, cdf = empirical_cdf(z[:, 1])
    np.testing.assert_array_equal(art[(1, "Eq. 9")].get_xdata(), x)
    np.testing.assert_array_equal(art[(1, "Eq. 9")].get_ydata(), cdf)
    assert len({art[(j, "rejection")].get_marker() for j in range(3)}) == 3  # coordinates differ by marker too
