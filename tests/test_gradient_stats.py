"""Tests of gumbel_utils.gradient_stats: bias/variance/MSE summaries, sweeps, slopes, the tau -> 0 table."""


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from _estimator_fixtures import LOGITS, OBJS, within
from gumbel_utils import softmax, binary_exact
from gumbel_utils import estimators, gradient_stats, objectives


# ------------------------------------------------------------------ summaries and speed


def test_summary_fields_and_mse():
    r = gradient_stats.bias_variance("straight_through", LOGITS[0], objectives.Cubic(), [0.1, 1.0], n_samples=5000, batch=10, rng=0)
    np.testing.assert_allclose(r.mse, r.bias2 + r.variance / 10)
    np.testing.assert_allclose(r.mse_at(10), r.mse)
    assert r.variance.shape == (2,) and r.bias.shape == (2, 3)
    np.testing.assert_allclose(r.mse_se_at(10), r.mse_se)


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
    true_bias2 = binary_exact.exact_binary_moments(x, f, [tau]).bias2[0]
    covered = []
    for seed in range(40):
        r = gradient_stats.bias_variance("gumbel_softmax_grad", x, f, tau, n_samples=2000, rng=seed)
        covered.append(np.sqrt(true_bias2) <= np.sqrt(r.bias2) + 2 * np.sqrt(r.bias2_floor))
    assert np.mean(covered) >= 0.85  # P(fewer than 34 of 40) < 1e-3 when the coverage is 95 %
