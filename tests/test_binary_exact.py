"""gumbel_utils.binary_exact: exact K = 2 moments of the pathwise estimators, by quadrature."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from _estimator_fixtures import LOGITS, OBJS, within
from gumbel_utils import softmax, binary_exact
from gumbel_utils import estimators, gradient_stats, objectives


# ------------------------------------------------------------------ K = 2 quadrature


@pytest.mark.slow
@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
@pytest.mark.parametrize("name", ["gumbel_softmax_grad", "straight_through"])
def test_exact_binary_quadrature_matches_monte_carlo(f, name):
    x = np.array([0.5, 0.0])
    taus = np.geomspace(0.03, 3.0, 5)
    q = binary_exact.exact_binary_moments(x, f, taus, estimator=name)
    r = gradient_stats.bias_variance(name, x, f, taus, n_samples=200_000, rng=7)
    assert within(r.mean, q.mean, r.bias_se)
    assert within(r.variance, q.variance, r.variance_se)
    np.testing.assert_allclose(q.exact, r.exact)


@pytest.mark.parametrize("name,order", [("linear", 2.0), ("quadratic", 1.0), ("cubic", 1.0)])
def test_exact_binary_relaxed_bias_vanishes_at_rate(name, order):
    taus = np.geomspace(1e-3, 1e-2, 5)
    q = binary_exact.exact_binary_moments([0.5, 0.0], objectives.OBJECTIVES[name], taus)
    assert gradient_stats.loglog_slope(taus, np.sqrt(q.bias2))[0] == pytest.approx(order, abs=0.05)


def test_exact_binary_straight_through_limit_for_cubic_is_one_and_a_half():
    q = binary_exact.exact_binary_moments([0.5, 0.0], objectives.Cubic(), [1e-4], estimator="straight_through")
    assert q.mean[0, 0] / q.exact[0] == pytest.approx(1.5, abs=1e-3)



# ------------------------------------------------------------------ drawing the Monte Carlo resolution


@pytest.mark.parametrize("tau", [1e-4, 1e-6])
def test_exact_binary_quadrature_finds_the_narrow_peak_at_one_small_tau(tau):
    """A single small tau (no larger tau in the grid to guide the adaptive steps) still integrates the peak."""
    f = objectives.Cubic([1.0, 0.0])
    alone = binary_exact.exact_binary_moments([0.5, 0.0], f, [tau])
    in_grid = binary_exact.exact_binary_moments([0.5, 0.0], f, [1e-2, 1e-3, tau])
    np.testing.assert_allclose(alone.mean[0], in_grid.mean[-1], rtol=1e-7)
    np.testing.assert_allclose(alone.variance[0], in_grid.variance[-1], rtol=1e-6)
    assert alone.mean[0, 0] / alone.exact[0] == pytest.approx(1.0, abs=1e-3)  # relaxed: unbiased as tau -> 0
