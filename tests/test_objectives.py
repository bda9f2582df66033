"""Tests of gumbel_utils.objectives: objectives, the protocol, and the exact gradient."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from _estimator_fixtures import LOGITS, OBJS, within
from gumbel_utils import softmax
from gumbel_utils import objectives, estimators, gradient_stats


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
    fd = np.array([(objectives.expected_value(x + h * e, f) - objectives.expected_value(x - h * e, f)) / (2 * h) for e in np.eye(x.size)])
    np.testing.assert_allclose(objectives.exact_gradient(x, f), fd, atol=1e-8)
    p = softmax(x)
    fv = objectives.vertex_values(f, x.size)
    np.testing.assert_allclose(objectives.exact_gradient(x, f), (np.diag(p) - np.outer(p, p)) @ fv, atol=1e-14)


def test_cubic_and_linear_share_vertices_hence_exact_gradient():
    x = LOGITS[0]
    np.testing.assert_allclose(objectives.exact_gradient(x, objectives.Cubic()), objectives.exact_gradient(x, objectives.Linear()))
    assert not np.isclose(objectives.Cubic().value([0.5, 0.5, 0.0]), objectives.Linear().value([0.5, 0.5, 0.0]))


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="n must"):
        estimators.score_function([0.0, 1.0], objectives.Linear(), 0)
    with pytest.raises(ValueError, match="tau"):
        estimators.gumbel_softmax_grad([0.0, 1.0], objectives.Linear(), 3, tau=0.0)
    with pytest.raises(ValueError, match="logits"):
        estimators.straight_through([0.0, np.nan], objectives.Linear(), 3)
    with pytest.raises(ValueError, match="estimator"):
        gradient_stats.bias_variance("nope", [0.0, 1.0], objectives.Linear())
    with pytest.raises(ValueError, match=r"name must be one of \['linear', 'quadratic', 'cubic'\], got 'quartic'"):
        objectives.make_objective("quartic")
    with pytest.raises(ValueError, match="coefficients"):
        objectives.Linear([1.0, 2.0]).value(np.ones(3) / 3)




# ------------------------------------------------------------------ the objective protocol


class PlainQuadratic:
    """A learner's own objective: no base class, just value and grad (f(z) = z_1^2 + 0.5 z_2)."""

    def value(self, z):
        z = np.asarray(z, dtype=float)
        return z[..., 0] ** 2 + 0.5 * z[..., 1]

    def grad(self, z):
        z = np.asarray(z, dtype=float)
        g = np.zeros_like(z)
        g[..., 0] = 2 * z[..., 0]
        g[..., 1] = 0.5
        return g


def test_any_object_with_value_and_grad_is_an_objective_everywhere():
    x = LOGITS[0]
    f = PlainQuadratic()
    p = softmax(x)
    fvec = np.array([1.0, 0.5, 0.0])
    np.testing.assert_allclose(objectives.vertex_values(f, 3), fvec)
    np.testing.assert_allclose(objectives.exact_gradient(x, f), p * (fvec - p @ fvec), atol=1e-15)
    assert objectives.expected_value(x, f) == pytest.approx(p @ fvec)
    for name, spec in estimators.ESTIMATORS.items():
        g = spec(x, f, 50, tau=0.5, rng=0)
        assert g.shape == (50, 3) and np.isfinite(g).all(), name
    r = gradient_stats.bias_variance("score_function", x, f, n_samples=40_000, rng=1)
    assert within(r.mean, r.exact, r.bias_se)
    res = gradient_stats.sweep(x, f, [0.5, 1.0], n_samples=500, rng=0)
    assert set(res) == set(estimators.ESTIMATORS)


@pytest.mark.parametrize("bad, missing", [(object(), "value, grad"), (objectives.Linear().value, "value, grad")])
def test_object_without_value_or_grad_gets_a_type_error(bad, missing):
    with pytest.raises(TypeError, match=f"f must be an objective with value\\(z\\) and grad\\(z\\) methods.*{missing}"):
        objectives.exact_gradient(LOGITS[0], bad)
    with pytest.raises(TypeError, match="f must be an objective"):
        estimators.gumbel_softmax_grad(LOGITS[0], bad, 3)


def test_value_only_object_names_grad_as_missing():
    class OnlyValue:
        def value(self, z):
            return np.asarray(z)[..., 0]

    with pytest.raises(TypeError, match="OnlyValue has no grad"):
        objectives.exact_gradient(LOGITS[0], OnlyValue())


def test_value_with_wrong_shape_is_reported():
    class Wrong:
        def value(self, z):
            return np.zeros(2)

        def grad(self, z):
            return np.zeros_like(z)

    with pytest.raises(ValueError, match="one value per row"):
        objectives.vertex_values(Wrong(), 3)


def test_argmax_objective_curves_are_steps_and_smooth_curves():
    x = LOGITS[0]
    f = objectives.Cubic()
    g = np.random.default_rng(0).gumbel(size=(3, 3))
    grid = np.linspace(-2, 4, 301)
    hard, soft, mean = objectives.argmax_objective_curves(x, f, g, grid, tau=0.3)
    assert hard.shape == soft.shape == (3, 301) and mean.shape == (301,)
    # the staircase takes only vertex values; its slope is 0 between jumps
    assert set(np.unique(hard)) <= set(objectives.vertex_values(f, 3))
    assert np.mean(np.diff(hard, axis=1) == 0) > 0.95
    # the mean curve is E f at each grid point
    i = 150
    xi = x.copy()
    xi[0] = grid[i]
    assert mean[i] == pytest.approx(objectives.expected_value(xi, f))
    with pytest.raises(ValueError, match="noise must have shape"):
        objectives.argmax_objective_curves(x, f, g[:, :2], grid)
