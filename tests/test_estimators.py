"""Tests of gumbel_utils.estimators: every estimator measured against the exact gradient."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from gumbel_utils import softmax
from gumbel_utils import estimators as E

LOGITS = [np.array([1.0, 0.5, 0.0]), np.array([0.0, 0.0, 0.0]), np.array([2.0, -1.0, 0.3, 0.0]), np.array([0.7, -0.4])]
OBJS = list(E.OBJECTIVES.values())


def within(mean, target, se, k=5.0):
    return np.all(np.abs(mean - target) <= k * se + 1e-12)


# ------------------------------------------------------------------ objectives and exact gradient


@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
def test_objective_grad_matches_finite_differences(f):
    rng = np.random.default_rng(0)
    z = rng.dirichlet(np.ones(3), size=(4, 5))
    v, g = f.value(z), f.grad(z)
    assert v.shape == (4, 5) and g.shape == (4, 5, 3)
    h = 1e-6
    for k in range(3):
        e = np.zeros(3)
        e[k] = h
        fd = (f.value(z + e) - f.value(z - e)) / (2 * h)
        np.testing.assert_allclose(g[..., k], fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("x", LOGITS, ids=str)
@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
def test_exact_gradient_matches_finite_differences_of_expectation(x, f):
    h = 1e-6
    fd = np.array([(E.expected_value(x + h * e, f) - E.expected_value(x - h * e, f)) / (2 * h) for e in np.eye(x.size)])
    np.testing.assert_allclose(E.exact_gradient(x, f), fd, atol=1e-8)
    p = softmax(x)
    fv = f.vertex_values(x.size)
    np.testing.assert_allclose(E.exact_gradient(x, f), (np.diag(p) - np.outer(p, p)) @ fv, atol=1e-14)


def test_cubic_and_linear_share_vertices_hence_exact_gradient():
    x = LOGITS[0]
    np.testing.assert_allclose(E.exact_gradient(x, E.Cubic()), E.exact_gradient(x, E.Linear()))
    assert not np.isclose(E.Cubic().value([0.5, 0.5, 0.0]), E.Linear().value([0.5, 0.5, 0.0]))


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="n must"):
        E.score_function([0.0, 1.0], E.Linear(), 0)
    with pytest.raises(ValueError, match="tau"):
        E.gumbel_softmax_grad([0.0, 1.0], E.Linear(), 3, tau=0.0)
    with pytest.raises(ValueError, match="logits"):
        E.straight_through([0.0, np.nan], E.Linear(), 3)
    with pytest.raises(ValueError, match="estimator"):
        E.bias_variance("nope", [0.0, 1.0], E.Linear())
    with pytest.raises(ValueError, match="objective"):
        E.make_objective("quartic")
    with pytest.raises(ValueError, match="coefficients"):
        E.Linear([1.0, 2.0]).value(np.ones(3) / 3)


# ------------------------------------------------------------------ shapes, registry, numerics


@pytest.mark.parametrize("name", list(E.ESTIMATORS))
def test_registry_shapes_and_seeding(name):
    fn = E.ESTIMATORS[name]
    x = LOGITS[0]
    a = fn(x, E.Quadratic(), 50, tau=0.5, rng=1)
    assert a.shape == (50, 3)
    b = fn(x, E.Quadratic(), 50, tau=np.array([0.1, 0.5, 2.0]), rng=1)
    assert b.shape == (3, 50, 3)
    np.testing.assert_allclose(b[1], a)  # same noise for every tau
    np.testing.assert_array_equal(fn(x, E.Quadratic(), 50, tau=0.5, rng=1), a)
    # estimates of d/dx of E f lie in the tangent space: components sum to 0
    np.testing.assert_allclose(b.sum(-1), 0.0, atol=1e-9)


@pytest.mark.parametrize("name", ["gumbel_softmax_grad", "straight_through", "gumbel_rao"])
def test_no_nan_at_extreme_temperatures(name):
    taus = np.array([1e-300, 1e-200, 1e-12, 1e-3, 1e3, 1e12])
    with np.errstate(all="raise", under="ignore"):
        g = E.ESTIMATORS[name]([3.0, -2.0, 0.0], E.Cubic(), 200, tau=taus, rng=0)
    assert np.isfinite(g).all()


def test_neg_inf_logit_gets_no_gradient():
    x = np.array([0.0, -np.inf, 1.0])
    for name, fn in E.ESTIMATORS.items():
        g = fn(x, E.Quadratic(), 100, tau=0.5, rng=0)
        assert np.isfinite(g).all(), name
        np.testing.assert_array_equal(g[:, 1], 0.0)


# ------------------------------------------------------------------ unbiasedness of score functions


@pytest.mark.parametrize("x", LOGITS, ids=str)
@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
@pytest.mark.parametrize("name", ["score_function", "score_function_baseline"])
def test_score_function_unbiased(name, f, x):
    r = E.bias_variance(name, x, f, n_samples=100_000, rng=3)
    assert within(r.mean, r.exact, r.bias_se), (r.mean, r.exact, r.bias_se)


@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
def test_baseline_lowers_variance(f):
    x = LOGITS[0]
    plain = E.bias_variance("score_function", x, f, n_samples=50_000, rng=0)
    base = E.bias_variance("score_function_baseline", x, f, n_samples=50_000, rng=0)
    assert base.variance + 5 * base.variance_se < plain.variance - 5 * plain.variance_se


# ------------------------------------------------------------------ pathwise estimators


@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
@pytest.mark.parametrize("tau", [0.2, 1.0, 3.0])
def test_relaxed_gradient_matches_finite_differences(f, tau):
    rng = np.random.default_rng(5)
    x = np.array([0.3, -0.2, 0.8])
    g = rng.gumbel(size=(6, 3))
    est = E.gumbel_softmax_grad(x, f, 6, tau=tau, noise=g)
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
    est = E.straight_through(x, f, 6, tau=tau, noise=g)
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
    g = E.gumbel_softmax_grad(np.array(x), E.Cubic(), 20, tau=10**log_tau, rng=seed)
    assert np.isfinite(g).all()
    np.testing.assert_allclose(g.sum(-1), 0.0, atol=1e-9 * max(1.0, np.abs(g).max()))


def test_relaxed_bias_shrinks_as_tau_decreases():
    x = LOGITS[0]
    taus = np.array([0.03, 0.3, 1.0, 3.0])
    for f in OBJS:
        r = E.bias_variance("gumbel_softmax_grad", x, f, taus, n_samples=100_000, rng=2)
        # the bias norm decreases with tau, beyond the noise
        for i in range(1, len(taus) - 1):
            assert r.bias2[i] + 3 * r.bias2_se[i] + 3 * r.bias2_floor[i] < r.bias2[i + 1], (f.name, r.bias2)
        # and at tau = 0.03 it is compatible with zero (within 5 standard errors)
        assert within(r.mean[0], r.exact, r.bias_se[0]), f.name


def test_straight_through_biased_at_small_tau_for_cubic_not_quadratic():
    """ST's tau -> 0 limit averages the gradient at the two ends of each edge (trapezoid rule):
    exact for quadratic f, wrong for cubic f."""
    x = LOGITS[0]
    cubic = E.bias_variance("straight_through", x, E.Cubic(), 0.03, n_samples=200_000, rng=4)
    quad = E.bias_variance("straight_through", x, E.Quadratic(), 0.03, n_samples=200_000, rng=4)
    assert np.abs(cubic.bias).max() > 10 * cubic.bias_se.max()
    assert within(quad.mean, quad.exact, quad.bias_se)


def test_straight_through_equals_relaxed_for_linear():
    x = LOGITS[2]
    a = E.straight_through(x, E.Linear(), 1000, tau=[0.1, 1.0], rng=9)
    b = E.gumbel_softmax_grad(x, E.Linear(), 1000, tau=[0.1, 1.0], rng=9)
    np.testing.assert_allclose(a, b, atol=1e-12)


def test_variance_grows_like_one_over_tau():
    x = np.array([0.5, 0.0])
    taus = np.geomspace(1e-3, 1e-2, 5)
    q = E.k2_moments(x, E.Quadratic(), taus)
    slope, _se = E.loglog_slope(taus, q.variance)
    assert -1.05 < slope < -0.95


# ------------------------------------------------------------------ Gumbel-Rao


@pytest.mark.parametrize("k_index", [0, 1, 2])
def test_conditional_gumbel_matches_rejection_sampling(k_index):
    x = np.array([1.0, 0.5, -0.5])
    rng = np.random.default_rng(11)
    z = x + rng.gumbel(size=(60_000, 3))
    kept = z[z.argmax(-1) == k_index][:8000]
    cond = E.conditional_gumbel(x, np.full(kept.shape[0], k_index), rng=12)
    assert (cond.argmax(-1) == k_index).all()
    for j in range(3):
        assert stats.ks_2samp(kept[:, j], cond[:, j]).pvalue > 1e-3, (k_index, j)


def test_gumbel_rao_m1_has_straight_through_law():
    x, f = LOGITS[0], E.Cubic()
    a = E.straight_through(x, f, 20_000, tau=0.5, rng=1)[:, 0]
    b = E.gumbel_rao(x, f, 20_000, tau=0.5, m=1, rng=2)[:, 0]
    assert stats.ks_2samp(a, b).pvalue > 1e-3


@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
def test_gumbel_rao_same_mean_lower_variance(f):
    x = LOGITS[0]
    taus = np.array([0.1, 0.5, 2.0])
    st_ = E.bias_variance("straight_through", x, f, taus, n_samples=40_000, rng=1)
    gr = E.bias_variance("gumbel_rao", x, f, taus, n_samples=40_000, rng=2, m=10)
    se = np.sqrt(st_.bias_se**2 + gr.bias_se**2)
    assert within(gr.mean, st_.mean, se)
    assert np.all(gr.variance <= st_.variance + 5 * st_.variance_se)
    assert np.all(gr.variance[:2] < 0.7 * st_.variance[:2])


# ------------------------------------------------------------------ K = 2 quadrature


@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
@pytest.mark.parametrize("name", ["gumbel_softmax_grad", "straight_through"])
def test_k2_quadrature_matches_monte_carlo(f, name):
    x = np.array([0.5, 0.0])
    taus = np.geomspace(0.03, 3.0, 5)
    q = E.k2_moments(x, f, taus, estimator=name)
    r = E.bias_variance(name, x, f, taus, n_samples=200_000, rng=7)
    assert within(r.mean, q.mean, r.bias_se)
    assert within(r.variance, q.variance, r.variance_se)
    np.testing.assert_allclose(q.exact, r.exact)


# ------------------------------------------------------------------ summaries and speed


def test_summary_fields_and_mse():
    r = E.bias_variance("straight_through", LOGITS[0], E.Cubic(), [0.1, 1.0], n_samples=5000, batch=10, rng=0)
    np.testing.assert_allclose(r.mse, r.bias2 + r.variance / 10)
    np.testing.assert_allclose(r.mse_at(10), r.mse)
    assert r.variance.shape == (2,) and r.bias.shape == (2, 3)
    tau_star, mse_star = E.mse_optimal_tau(r, batch=1)
    assert tau_star in (0.1, 1.0) and mse_star == pytest.approx(min(r.mse_at(1)))


def test_mse_optimal_tau_moves_down_with_batch():
    taus = np.geomspace(0.01, 10, 25)
    r = E.bias_variance("gumbel_softmax_grad", LOGITS[0], E.Cubic(), taus, n_samples=20_000, rng=0)
    stars = [E.mse_optimal_tau(r, b)[0] for b in (1, 10, 100, 1000)]
    assert all(a >= b for a, b in zip(stars, stars[1:])) and stars[0] > stars[-1]


def test_loglog_slope_weighted():
    t = np.geomspace(0.01, 1, 8)
    y = 2 * t**-0.5
    s, se = E.loglog_slope(t, y, 0.01 * y)
    assert s == pytest.approx(-0.5) and se < 0.01


@pytest.mark.slow
def test_full_sweep_under_one_second():
    taus = np.geomspace(0.01, 10, 25)
    E.sweep(LOGITS[0], E.Cubic(), taus, n_samples=2000, rng=0)  # warm up
    best = np.inf
    for _ in range(3):
        t0 = time.perf_counter()
        E.sweep(LOGITS[0], E.Cubic(), taus, n_samples=20_000, rng=0)
        best = min(best, time.perf_counter() - t0)
    assert best < 1.0, best


def test_tau_limit_table_locates_where_the_claim_fails():
    objs = {"quadratic": E.Quadratic(), "cubic": E.Cubic()}
    rows = E.tau_limit_table(LOGITS[0], objs, estimators=("gumbel_softmax_grad", "straight_through"),
                             n_samples=50_000, rng=0)
    z = {(r.estimator, r.objective): r.bias_z for r in rows}
    assert z[("straight_through", "cubic")] > 5
    assert max(v for k, v in z.items() if k != ("straight_through", "cubic")) < 5
    for r in rows:
        assert -1.15 < r.variance_slope < -0.9, r


@pytest.mark.parametrize("name,order", [("linear", 2.0), ("quadratic", 1.0), ("cubic", 1.0)])
def test_k2_relaxed_bias_vanishes_at_rate(name, order):
    taus = np.geomspace(1e-3, 1e-2, 5)
    q = E.k2_moments([0.5, 0.0], E.OBJECTIVES[name], taus)
    assert E.loglog_slope(taus, np.sqrt(q.bias2))[0] == pytest.approx(order, abs=0.05)


def test_k2_straight_through_limit_for_cubic_is_one_and_a_half():
    q = E.k2_moments([0.5, 0.0], E.Cubic(), [1e-4], estimator="straight_through")
    assert q.mean[0, 0] / q.exact[0] == pytest.approx(1.5, abs=1e-3)
