"""Tests of gumbel_utils.gradient_stats: bias/variance/MSE summaries, sweeps, slopes and the exact K = 2 quadrature."""


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from _estimator_fixtures import LOGITS, OBJS, within
from gumbel_utils import softmax
from gumbel_utils import estimators, gradient_stats, objectives


# ------------------------------------------------------------------ K = 2 quadrature


@pytest.mark.slow
@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
@pytest.mark.parametrize("name", ["gumbel_softmax_grad", "straight_through"])
def test_k2_quadrature_matches_monte_carlo(f, name):
    x = np.array([0.5, 0.0])
    taus = np.geomspace(0.03, 3.0, 5)
    q = gradient_stats.k2_moments(x, f, taus, estimator=name)
    r = gradient_stats.bias_variance(name, x, f, taus, n_samples=200_000, rng=7)
    assert within(r.mean, q.mean, r.bias_se)
    assert within(r.variance, q.variance, r.variance_se)
    np.testing.assert_allclose(q.exact, r.exact)


# ------------------------------------------------------------------ summaries and speed


def test_summary_fields_and_mse():
    r = gradient_stats.bias_variance("straight_through", LOGITS[0], objectives.Cubic(), [0.1, 1.0], n_samples=5000, batch=10, rng=0)
    np.testing.assert_allclose(r.mse, r.bias2 + r.variance / 10)
    np.testing.assert_allclose(r.mse_at(10), r.mse)
    assert r.variance.shape == (2,) and r.bias.shape == (2, 3)
    tau_star, mse_star = gradient_stats.mse_optimal_tau(r, batch=1)
    assert tau_star in (0.1, 1.0) and mse_star == pytest.approx(min(r.mse_at(1)))


def test_mse_optimal_tau_moves_down_with_batch():
    taus = np.geomspace(0.01, 10, 25)
    r = gradient_stats.bias_variance("gumbel_softmax_grad", LOGITS[0], objectives.Cubic(), taus, n_samples=20_000, rng=0)
    stars = [gradient_stats.mse_optimal_tau(r, b)[0] for b in (1, 10, 100, 1000)]
    assert all(a >= b for a, b in zip(stars, stars[1:])) and stars[0] > stars[-1]


def test_loglog_slope_weighted():
    t = np.geomspace(0.01, 1, 8)
    y = 2 * t**-0.5
    s, se = gradient_stats.loglog_slope(t, y, 0.01 * y)
    assert s == pytest.approx(-0.5) and se < 0.01


def test_tau_limit_table_locates_where_the_claim_fails():
    objs = {"quadratic": objectives.Quadratic(), "cubic": objectives.Cubic()}
    rows = gradient_stats.tau_limit_table(LOGITS[0], objs, estimators=("gumbel_softmax_grad", "straight_through"),
                             n_samples=50_000, rng=0)
    z = {(r.estimator, r.objective): r.bias_z for r in rows}
    assert z[("straight_through", "cubic")] > 5
    assert max(v for k, v in z.items() if k != ("straight_through", "cubic")) < 5
    for r in rows:
        assert -1.15 < r.variance_slope < -0.9, r


@pytest.mark.parametrize("name,order", [("linear", 2.0), ("quadratic", 1.0), ("cubic", 1.0)])
def test_k2_relaxed_bias_vanishes_at_rate(name, order):
    taus = np.geomspace(1e-3, 1e-2, 5)
    q = gradient_stats.k2_moments([0.5, 0.0], objectives.OBJECTIVES[name], taus)
    assert gradient_stats.loglog_slope(taus, np.sqrt(q.bias2))[0] == pytest.approx(order, abs=0.05)


def test_k2_straight_through_limit_for_cubic_is_one_and_a_half():
    q = gradient_stats.k2_moments([0.5, 0.0], objectives.Cubic(), [1e-4], estimator="straight_through")
    assert q.mean[0, 0] / q.exact[0] == pytest.approx(1.5, abs=1e-3)



# ------------------------------------------------------------------ drawing the Monte Carlo resolution


def test_bias2_upper_bound_complements_resolved_bias2():
    taus = np.geomspace(0.01, 10, 9)
    r = gradient_stats.bias_variance("gumbel_softmax_grad", LOGITS[0], objectives.Cubic(), taus, n_samples=5000, rng=0)
    resolved, bound = gradient_stats.resolved_bias2(r), gradient_stats.bias2_upper_bound(r)
    assert np.all(np.isnan(resolved) != np.isnan(bound))  # exactly one of the two at each tau
    assert np.isnan(bound[-1]) and not np.isnan(bound[0])  # resolved at tau = 10, not at tau = 0.01
    shown = ~np.isnan(bound)
    assert np.all(bound[shown] >= r.bias2[shown])
    np.testing.assert_allclose(bound[shown], (np.sqrt(r.bias2) + 2 * np.sqrt(r.bias2_floor))[shown] ** 2)
    sf = gradient_stats.bias_variance("score_function", LOGITS[0], objectives.Cubic(), taus[:3], n_samples=5000, rng=0)
    assert np.all(np.isnan(gradient_stats.resolved_bias2(sf))) and np.all(gradient_stats.bias2_upper_bound(sf) > 0)


def test_bias2_upper_bound_covers_the_true_bias():
    """K = 2, where the exact bias is known (quadrature): ||b|| <= ||b_hat|| + 2 sqrt(floor) in >= 95 % of runs."""
    x, f, tau = [0.5, 0.0], objectives.Cubic(), 0.05
    true_bias2 = gradient_stats.k2_moments(x, f, [tau]).bias2[0]
    covered = []
    for seed in range(40):
        r = gradient_stats.bias_variance("gumbel_softmax_grad", x, f, tau, n_samples=2000, rng=seed)
        covered.append(np.sqrt(true_bias2) <= np.sqrt(r.bias2) + 2 * np.sqrt(r.bias2_floor))
    assert np.mean(covered) >= 0.85  # P(fewer than 34 of 40) < 1e-3 when the coverage is 95 %


@pytest.mark.parametrize("tau", [1e-4, 1e-6])
def test_k2_quadrature_finds_the_narrow_peak_at_one_small_tau(tau):
    """A single small tau (no larger tau in the grid to guide the adaptive steps) still integrates the peak."""
    f = objectives.Cubic([1.0, 0.0])
    alone = gradient_stats.k2_moments([0.5, 0.0], f, [tau])
    in_grid = gradient_stats.k2_moments([0.5, 0.0], f, [1e-2, 1e-3, tau])
    np.testing.assert_allclose(alone.mean[0], in_grid.mean[-1], rtol=1e-7)
    np.testing.assert_allclose(alone.variance[0], in_grid.variance[-1], rtol=1e-6)
    assert alone.mean[0, 0] / alone.exact[0] == pytest.approx(1.0, abs=1e-3)  # relaxed: unbiased as tau -> 0
