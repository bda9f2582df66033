"""Tests of gumbel_utils.estimators: every estimator against the exact gradient, and the one registry."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from _estimator_fixtures import LOGITS, OBJS, within
from gumbel_utils import softmax, registry, binary_exact
from gumbel_utils import estimators, gradient_stats, objectives


# ------------------------------------------------------------------ shapes, registry, numerics


@pytest.mark.parametrize("name", list(registry.ESTIMATORS))
def test_registry_shapes_and_seeding(name):
    fn = registry.ESTIMATORS[name]
    x = LOGITS[0]
    a = fn(x, objectives.Quadratic(), 50, tau=0.5, rng=1)
    assert a.shape == (50, 3)
    b = fn(x, objectives.Quadratic(), 50, tau=np.array([0.1, 0.5, 2.0]), rng=1)
    assert b.shape == (3, 50, 3)
    np.testing.assert_allclose(b[1], a)  # same noise for every tau
    np.testing.assert_array_equal(fn(x, objectives.Quadratic(), 50, tau=0.5, rng=1), a)
    # estimates of d/dx of E f lie in the tangent space: components sum to 0
    np.testing.assert_allclose(b.sum(-1), 0.0, atol=1e-9)


@pytest.mark.parametrize("name", ["gumbel_softmax_grad", "straight_through", "gumbel_rao"])
def test_no_nan_at_extreme_temperatures(name):
    taus = np.array([1e-300, 1e-200, 1e-12, 1e-3, 1e3, 1e12])
    with np.errstate(all="raise", under="ignore"):
        g = registry.ESTIMATORS[name]([3.0, -2.0, 0.0], objectives.Cubic(), 200, tau=taus, rng=0)
    assert np.isfinite(g).all()


def test_neg_inf_logit_gets_no_gradient():
    x = np.array([0.0, -np.inf, 1.0])
    for name, fn in registry.ESTIMATORS.items():
        g = fn(x, objectives.Quadratic(), 100, tau=0.5, rng=0)
        assert np.isfinite(g).all(), name
        np.testing.assert_array_equal(g[:, 1], 0.0)


# ------------------------------------------------------------------ unbiasedness of score functions


@pytest.mark.parametrize("x", LOGITS, ids=str)
@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
@pytest.mark.parametrize("name", ["score_function", "score_function_baseline"])
def test_score_function_unbiased(name, f, x):
    r = gradient_stats.bias_variance(name, x, f, n_samples=100_000, rng=3)
    assert within(r.mean, r.exact, r.bias_se), (r.mean, r.exact, r.bias_se)


@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
def test_baseline_lowers_variance(f):
    x = LOGITS[0]
    plain = gradient_stats.bias_variance("score_function", x, f, n_samples=50_000, rng=0)
    base = gradient_stats.bias_variance("score_function_baseline", x, f, n_samples=50_000, rng=0)
    assert base.variance + 5 * base.variance_se < plain.variance - 5 * plain.variance_se


# ------------------------------------------------------------------ pathwise estimators


@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
@pytest.mark.parametrize("tau", [0.2, 1.0, 3.0])
def test_relaxed_gradient_matches_finite_differences(f, tau):
    rng = np.random.default_rng(5)
    x = np.array([0.3, -0.2, 0.8])
    g = rng.gumbel(size=(6, 3))
    est = estimators.gumbel_softmax_grad(x, f, 6, tau=tau, noise=g)
    h = 1e-6
    for k in range(3):
        e = np.zeros(3)
        e[k] = h
        fd = (f.value(softmax((x + e + g) / tau)) - f.value(softmax((x - e + g) / tau))) / (2 * h)
        np.testing.assert_allclose(est[:, k], fd, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
def test_straight_through_is_gradient_of_surrogate(f):
    """ST = d/dx of grad f(D) . softmax((x+g)/tau) with D held fixed (the stop-gradient surrogate)."""
    rng = np.random.default_rng(6)
    x, tau = np.array([0.3, -0.2, 0.8]), 0.7
    g = rng.gumbel(size=(6, 3))
    est = estimators.straight_through(x, f, 6, tau=tau, noise=g)
    v = f.grad(np.eye(3)[(x + g).argmax(-1)])
    h = 1e-6
    for k in range(3):
        e = np.zeros(3)
        e[k] = h
        fd = ((v * softmax((x + e + g) / tau)).sum(-1) - (v * softmax((x - e + g) / tau)).sum(-1)) / (2 * h)
        np.testing.assert_allclose(est[:, k], fd, rtol=1e-5, atol=1e-8)


@settings(max_examples=30)
@given(
    x=st.lists(st.floats(-5, 5), min_size=2, max_size=5),
    log_tau=st.floats(-3, 1),
    seed=st.integers(0, 2**16),
)
def test_relaxed_is_finite_and_tangent(x, log_tau, seed):
    g = estimators.gumbel_softmax_grad(np.array(x), objectives.Cubic(), 20, tau=10**log_tau, rng=seed)
    assert np.isfinite(g).all()
    np.testing.assert_allclose(g.sum(-1), 0.0, atol=1e-9 * max(1.0, np.abs(g).max()))


def test_relaxed_bias_shrinks_as_tau_decreases():
    x = LOGITS[0]
    taus = np.array([0.03, 0.3, 1.0, 3.0])
    for f in OBJS:
        r = gradient_stats.bias_variance("gumbel_softmax_grad", x, f, taus, n_samples=100_000, rng=2)
        # the bias norm decreases with tau, beyond the noise
        for i in range(1, len(taus) - 1):
            assert r.bias2[i] + 3 * r.bias2_se[i] + 3 * r.bias2_floor[i] < r.bias2[i + 1], (f.name, r.bias2)
        # and at tau = 0.03 it is compatible with zero (within 5 standard errors)
        assert within(r.mean[0], r.exact, r.bias_se[0]), f.name


def test_straight_through_biased_at_small_tau_for_cubic_not_quadratic():
    """ST's tau -> 0 limit averages the gradient at the two ends of each edge (trapezoid rule):
    exact for quadratic f, wrong for cubic f."""
    x = LOGITS[0]
    cubic = gradient_stats.bias_variance("straight_through", x, objectives.Cubic(), 0.03, n_samples=200_000, rng=4)
    quad = gradient_stats.bias_variance("straight_through", x, objectives.Quadratic(), 0.03, n_samples=200_000, rng=4)
    assert np.abs(cubic.bias).max() > 10 * cubic.bias_se.max()
    assert within(quad.mean, quad.exact, quad.bias_se)


def test_straight_through_equals_relaxed_for_linear():
    x = LOGITS[2]
    a = estimators.straight_through(x, objectives.Linear(), 1000, tau=[0.1, 1.0], rng=9)
    b = estimators.gumbel_softmax_grad(x, objectives.Linear(), 1000, tau=[0.1, 1.0], rng=9)
    np.testing.assert_allclose(a, b, atol=1e-12)


def test_variance_grows_like_one_over_tau():
    x = np.array([0.5, 0.0])
    taus = np.geomspace(1e-3, 1e-2, 5)
    q = binary_exact.exact_binary_moments(x, objectives.Quadratic(), taus)
    slope, _se = gradient_stats.loglog_slope(taus, q.variance)
    assert -1.05 < slope < -0.95


def test_relaxed_backward_matches_finite_differences():
    s = np.array([[0.3, -0.2, 0.0], [1.0, 0.0, -1.0]])
    v = np.array([1.0, -2.0, 0.5])
    for tau in (0.3, 2.0):
        jv = estimators.relaxed_backward(s, v, tau)
        h = 1e-6
        for k in range(3):
            e = np.zeros(3)
            e[k] = h
            fd = ((softmax(s + e, tau) - softmax(s - e, tau)) / (2 * h)) @ v
            np.testing.assert_allclose(jv[:, k], fd, rtol=1e-6, atol=1e-9)
    assert estimators.relaxed_backward(s, v, [0.3, 2.0]).shape == (2, 2, 3)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n": 2.5}, TypeError, "n_samples must be an integer"),
    ({"n": 0}, ValueError, "n_samples must be an integer >= 1"),
    ({"tau": "0.5"}, TypeError, "tau must be real numbers"),
    ({"n": None}, ValueError, "logits of shape \\(K,\\) need n_samples"),
    ({"logits": [[0.0, np.nan]]}, ValueError, "logits contains NaN"),
    ({"logits": [0.0]}, ValueError, "at least 2 categories"),
    ({"rng": "seed"}, TypeError, "rng"),
])
def test_estimator_inputs_are_checked(kwargs, error, match):
    args = {"logits": [0.0, 1.0], "f": objectives.Linear(), "n": 3, "tau": 0.5, "rng": 0}
    args.update(kwargs)
    for spec in registry.ESTIMATORS.values():
        with pytest.raises(error, match=match):
            spec(args["logits"], args["f"], args["n"], tau=args["tau"], rng=args["rng"])
