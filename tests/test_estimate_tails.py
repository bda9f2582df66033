"""gumbel_utils.estimate_tails: how single-sample estimates spread (tiny ones, and the few that carry the variance)."""

import numpy as np
import pytest

from gumbel_utils.estimate_tails import LOG_MAGNITUDE_EDGES, estimate_spread, log_magnitude_histogram, tail_share


def test_log_magnitude_histogram_counts_every_estimate_once():
    g = np.array([[0.0, 1.0], [1e-9, 0.0], [3e-3, 0.0], [0.5, 0.0], [2e5, 0.0]])
    frac = log_magnitude_histogram(g)
    assert frac.sum() == pytest.approx(1.0)
    assert frac[0] == pytest.approx(0.4)  # 0 and 1e-9 fall below the first edge (1e-6)
    assert frac[-1] == pytest.approx(0.2)  # 2e5 above the last (1e4)
    i = np.searchsorted(LOG_MAGNITUDE_EDGES, np.log10(3e-3), side="right") - 1
    assert frac[i] == pytest.approx(0.2)
    np.testing.assert_array_equal(log_magnitude_histogram(g, component=1)[[0, -1]], [0.8, 0.0])
    with pytest.raises(ValueError, match="component"):
        log_magnitude_histogram(g, component=2)
    with pytest.raises(ValueError, match="edges"):
        log_magnitude_histogram(g, edges=[1.0, 0.0])


def test_tail_share_and_estimate_spread():
    g = np.zeros((100, 2))
    g[-1] = [10.0, 0.0]
    assert tail_share(g) == 1.0 and tail_share(np.zeros((5, 2))) == 0.0
    s = estimate_spread(g)
    assert s == (0.99, 1.0, 10.0)
    g[:, 0] = np.arange(100.0)   # the largest 1 % carries 99^2 of the sum of squares
    assert tail_share(g) == pytest.approx(99.0**2 / (np.arange(100.0) ** 2).sum())
    with pytest.raises(ValueError, match="component"):
        estimate_spread(g, component=5)
    assert LOG_MAGNITUDE_EDGES[0] == -6.0 and LOG_MAGNITUDE_EDGES[-1] == 4.0
