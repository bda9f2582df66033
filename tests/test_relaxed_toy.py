"""gumbel_utils.relaxed_toy: the REBAR/RELAX toy exactly, its relaxed objective by quadrature and its minimiser.

The quadrature is checked against SciPy's adaptive quadrature, the minimiser against a brute-force grid
and the values Notebook 4 quotes.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.special import expit

from gumbel_utils.registry import ESTIMATORS
from gumbel_utils.relaxed_toy import (
    _moments,
    check_target,
    relaxed_toy_argmin,
    relaxed_toy_curves,
    relaxed_toy_gradient,
    relaxed_toy_minimizer,
    relaxed_toy_objective,
    relaxed_toy_threshold,
    toy_objective_exact,
)
from gumbel_utils.training import ToyObjective


def _relaxed_by_quad(theta, t, tau):
    """R_tau(theta) - t^2 by adaptive quadrature over L, split where y switches (independent of the package)."""

    def g(ell):
        y = expit((theta + ell) / tau)
        return y * (y - 2 * t) * expit(ell) * expit(-ell)

    opts = {"epsabs": 0.0, "epsrel": 1e-11, "limit": 1000}
    lo, hi = sorted((0.0, -theta))
    parts = [(-np.inf, lo), (lo, hi), (hi, np.inf)] if hi > lo else [(-np.inf, lo), (lo, np.inf)]
    return sum(quad(g, a, b, **opts)[0] for a, b in parts)


# ----------------------------------------------------------------------------- the relaxed toy, exactly


@pytest.mark.slow
@pytest.mark.parametrize("theta", [-40.0, -8.0, -1.0, -0.2, 0.0, 1.5, 12.0])
@pytest.mark.parametrize("tau", [0.005, 0.05, 0.3, 1.0, 4.0, 30.0])
@pytest.mark.parametrize("t", [0.0, 0.45, 0.499, 0.8])
def test_relaxed_objective_matches_adaptive_quadrature(theta, tau, t):
    ref = _relaxed_by_quad(theta, t, tau)
    assert relaxed_toy_objective(theta, t, tau) == pytest.approx(t * t + ref, rel=1e-10, abs=1e-300)
    # The minimiser works with R - t^2 = E[y(y - 2t)] itself: accurate relative to the terms that cancel in it.
    d, scale = _moments(np.array(theta), t, np.array(tau))
    assert scale == pytest.approx(_relaxed_by_quad(theta, -t, tau), rel=1e-11, abs=1e-300)
    assert abs(d - ref) <= 1e-11 * scale + 1e-300


def test_relaxed_objective_closed_forms_and_limits():
    # tau = 1, theta = 0: y is uniform, R = 1/12 + (1/2 - t)^2
    assert abs(relaxed_toy_objective(0.0, 0.3, 1.0) - (1 / 12 + 0.04)) < 1e-14
    # tau -> 0: y -> b, R -> true objective
    th = np.array([-2.0, 0.0, 1.0])
    np.testing.assert_allclose(relaxed_toy_objective(th, 0.45, 1e-4), toy_objective_exact(th, 0.45), atol=1e-4)
    # theta -> -inf: R -> t^2 ; broadcasting theta against tau
    assert relaxed_toy_objective(-60.0, 0.45, 0.5) == pytest.approx(0.2025, abs=1e-20)
    assert relaxed_toy_objective(np.zeros((2, 3)), 0.45, np.array([0.1, 1.0, 5.0])).shape == (2, 3)


def test_relaxed_gradient_is_the_derivative_and_the_relaxed_estimators_mean():
    for t, tau in [(0.45, 0.2), (0.45, 1.0), (0.499, 3.0), (0.2, 0.05)]:
        for th in (-2.0, -0.5, 0.3):
            h = 1e-5
            fd = (relaxed_toy_objective(th + h, t, tau) - relaxed_toy_objective(th - h, t, tau)) / (2 * h)
            assert relaxed_toy_gradient(th, t, tau) == pytest.approx(fd, rel=1e-6, abs=1e-12)
    # the Gumbel-Softmax estimator on the toy (logits (theta, 0)) has exactly this mean
    g = ESTIMATORS["gumbel_softmax_grad"]([-0.5, 0.0], ToyObjective(0.45), 400_000, tau=0.3, rng=1)[:, 0]
    assert abs(g.mean() - relaxed_toy_gradient(-0.5, 0.45, 0.3)) < 5 * g.std() / np.sqrt(g.size)


@pytest.mark.slow
@pytest.mark.parametrize("t, tau", [(0.45, 0.2), (0.45, 0.5), (0.45, 1.0), (0.45, 5.0), (0.499, 0.05), (0.3, 2.0)])
def test_minimizer_agrees_with_a_brute_force_grid(t, tau):
    grid = np.linspace(-12.0, 6.0, 18_001)  # step 0.001
    values = relaxed_toy_objective(grid, t, tau)
    i = int(np.argmin(values))
    assert 0 < i < grid.size - 1
    assert abs(relaxed_toy_argmin(t, tau) - grid[i]) <= 2e-3
    assert abs(relaxed_toy_minimizer(t, tau) - expit(grid[i])) <= 1e-3
    # and it is the global minimum: nothing on a wide grid is lower
    wide = relaxed_toy_objective(np.linspace(-60, 60, 1201), t, tau)
    assert relaxed_toy_objective(relaxed_toy_argmin(t, tau), t, tau) <= wide.min() + 1e-15


def test_minimizer_table_of_the_issue():
    """Measured independently (quadrature + bounded Brent): the values the issue quotes."""
    p = {tau: relaxed_toy_minimizer(0.45, tau) for tau in (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)}
    assert p[1.0] == pytest.approx(0.377, abs=5e-4)
    assert p[0.5] == pytest.approx(0.355, abs=1e-3)
    assert p[0.2] == pytest.approx(0.233, abs=1e-3)
    assert p[0.1] == 0.0 and p[0.05] == 0.0
    q = [relaxed_toy_minimizer(0.499, tau) for tau in (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)]
    assert all(0.47 < v < 0.5 for v in q)


@pytest.mark.parametrize("t", [0.05, 0.3, 0.45, 0.49])
def test_runaway_threshold_is_one_minus_two_t(t):
    tc = relaxed_toy_threshold(t)
    assert tc == pytest.approx(1 - 2 * t)
    assert relaxed_toy_minimizer(t, 0.9 * tc) == 0.0
    assert relaxed_toy_minimizer(t, 0.5 * tc) == 0.0
    assert relaxed_toy_minimizer(t, 1.1 * tc) > 1e-6
    # no interior pocket below t^2 under the threshold
    grid = np.linspace(-40, 10, 501)
    assert (relaxed_toy_objective(grid, t, 0.9 * tc) >= t * t).all()


def test_minimizer_symmetry_and_edges():
    assert relaxed_toy_minimizer(0.55, 1.0) == pytest.approx(1 - relaxed_toy_minimizer(0.45, 1.0), abs=1e-12)
    assert relaxed_toy_minimizer(0.9, 0.1) == 1.0
    assert relaxed_toy_minimizer(0.5, 0.3) == pytest.approx(0.5, abs=1e-6)
    assert relaxed_toy_minimizer(0.0, 3.0) == 0.0
    assert relaxed_toy_threshold(0.0) == np.inf


@pytest.mark.parametrize("call", [
    lambda: relaxed_toy_minimizer(1.2, 1.0),
    lambda: relaxed_toy_minimizer(-0.1, 1.0),
    lambda: relaxed_toy_minimizer(np.nan, 1.0),
    lambda: relaxed_toy_minimizer(0.45, 0.0),
    lambda: relaxed_toy_minimizer(0.45, -1.0),
    lambda: relaxed_toy_minimizer(0.45, np.nan),
    lambda: relaxed_toy_objective(np.nan, 0.45, 1.0),
    lambda: relaxed_toy_objective(0.0, 1.5, 1.0),
    lambda: relaxed_toy_objective(0.0, 0.45, 0.0),
    lambda: relaxed_toy_gradient(0.0, 0.45, -2.0),
    lambda: toy_objective_exact(0.0, 2.0),
    lambda: check_target([0.4, 0.5]),
    lambda: relaxed_toy_argmin(0.45, 0.0),
    lambda: relaxed_toy_curves(0.45, [1.0], [0.0, 0.5]),
])
def test_bad_values_raise_value_error_naming_the_argument(call):
    with pytest.raises(ValueError, match=r"\b(target|tau|theta|p)\b"):
        call()


@pytest.mark.parametrize("call", [
    lambda: relaxed_toy_minimizer("0.45", 1.0),
    lambda: relaxed_toy_minimizer(0.45, "1"),
    lambda: relaxed_toy_minimizer(None, 1.0),
    lambda: relaxed_toy_objective("0", 0.45, 1.0),
    lambda: relaxed_toy_curves(0.45, [1.0], ["0.5"]),
])
def test_wrong_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call()


@pytest.mark.slow
@settings(max_examples=60)
@given(t=st.floats(0.0, 1.0), tau=st.floats(0.02, 20.0))
def test_minimizer_properties(t, tau):
    p = relaxed_toy_minimizer(t, tau)
    assert 0.0 <= p <= 1.0
    assert p == pytest.approx(1 - relaxed_toy_minimizer(1 - t, tau), abs=1e-7)
    if t < 0.5 and tau < relaxed_toy_threshold(t) * 0.95:
        assert p == 0.0


def test_true_objective_and_check_t():
    th = np.array([-3.0, 0.0, 2.5])
    np.testing.assert_allclose(toy_objective_exact(th, 0.3), 0.09 + expit(th) * 0.4, rtol=1e-15)
    assert isinstance(toy_objective_exact(0.0, 0.3), float)
    assert check_target(np.float32(0.5)) == 0.5 and check_target(1) == 1.0
    with pytest.raises(ValueError, match=r"\bp0\b"):
        check_target(1.5, "p0")
    with pytest.raises(TypeError):
        check_target("0.5")


def test_curves_are_the_minimiser_and_both_objectives_on_the_p_grid():
    taus, p = np.array([0.05, 0.3, 2.0]), np.linspace(0.01, 0.99, 9)
    p_star, relaxed, true = relaxed_toy_curves(0.45, taus, p)
    theta = np.log(p / (1 - p))
    np.testing.assert_allclose(p_star, relaxed_toy_minimizer(0.45, taus), rtol=0, atol=1e-12)
    np.testing.assert_allclose(relaxed, relaxed_toy_objective(theta[None, :], 0.45, taus[:, None]), rtol=1e-12)
    np.testing.assert_allclose(true, 0.45**2 + p * (1 - 0.9), rtol=1e-12)
    assert relaxed.shape == (3, 9) and p_star.shape == (3,)
    one_star, one_curve, _ = relaxed_toy_curves(0.45, 0.3, p)  # one temperature: still (1,) and (1, P)
    np.testing.assert_array_equal(one_curve[0], relaxed[1])
    assert one_star.shape == (1,) and one_star[0] == pytest.approx(p_star[1], abs=1e-12)


# ----------------------------------------------------------------------------- Notebook 4's numbers and claims
# The same calls as notebooks/04_training_temperature.ipynb, Section 2 (same arguments, same seeds).


@pytest.mark.slow
def test_notebook_section2_relaxed_toy_numbers():
    # quadrature against Monte Carlo (the notebook's check)
    t, tau, theta = 0.45, 0.5, -0.6
    u = np.random.default_rng(0).random(400_000)
    mc = (expit((theta + np.log(u) - np.log1p(-u)) / tau) - t) ** 2
    assert abs(mc.mean() - relaxed_toy_objective(theta, t, tau)) < 5 * mc.std() / np.sqrt(mc.size)
    # the printed table (4 decimals)
    row45 = relaxed_toy_minimizer(0.45, np.array([0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0]))
    np.testing.assert_allclose(row45, [0.0, 0.0, 0.2328, 0.3554, 0.3770, 0.3567, 0.2507], atol=5e-5)
    row499 = relaxed_toy_minimizer(0.499, np.array([0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0]))
    np.testing.assert_allclose(row499, [0.4799, 0.4898, 0.4945, 0.4971, 0.4975, 0.4971, 0.4945], atol=5e-5)
    # the curve: zero below 1 - 2t, positive from 1.1 (1 - 2t) up; 0.48-0.50 for t = 0.499 on [0.05, 5]
    taus = np.geomspace(0.001, 10, 49)
    for t in (0.45, 0.499):
        p = relaxed_toy_minimizer(t, taus)
        tc = relaxed_toy_threshold(t)
        assert (p[taus < tc] == 0).all() and (p[taus > 1.1 * tc] > 0).all()
    p = relaxed_toy_minimizer(0.499, taus)
    mid = (taus >= 0.05) & (taus <= 5)
    assert 0.48 < p[mid].min() and p[mid].max() < 0.5


def test_relaxed_toy_minimum_is_the_minimiser_and_its_value():
    from gumbel_utils.relaxed_toy import relaxed_toy_minimum

    for t, tau in [(0.45, 1.0), (0.3, 2.0), (0.499, 0.1)]:
        p, r = relaxed_toy_minimum(t, tau)
        assert p == pytest.approx(relaxed_toy_minimizer(t, tau), abs=1e-15)
        theta = np.log(p / (1 - p))
        assert r == pytest.approx(relaxed_toy_objective(theta, t, tau), rel=1e-12)
        grid = np.linspace(-6, 6, 2001)  # a brute-force grid never goes below it
        assert r <= relaxed_toy_objective(grid, t, tau).min() + 1e-12
    assert relaxed_toy_minimum(0.45, 0.05) == (0.0, 0.45**2)  # runs away to p = 0: R -> t^2
    taus = [0.05, 0.3, 1.0, 3.0]  # an array of temperatures: the same numbers, one by one
    p, r = relaxed_toy_minimum(0.45, taus)
    np.testing.assert_allclose(np.column_stack([p, r]), [relaxed_toy_minimum(0.45, t) for t in taus], rtol=1e-12)
