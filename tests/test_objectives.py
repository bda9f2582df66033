"""Tests of gumbel_utils.objectives: objectives, the protocol, and the exact gradient."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from _estimator_fixtures import LOGITS, OBJS, within
from gumbel_utils import softmax, registry
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
    with pytest.raises(ValueError, match="n_samples must"):
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
    for name, spec in registry.ESTIMATORS.items():
        g = spec(x, f, 50, tau=0.5, rng=0)
        assert g.shape == (50, 3) and np.isfinite(g).all(), name
    r = gradient_stats.bias_variance("score_function", x, f, n_samples=40_000, rng=1)
    assert within(r.mean, r.exact, r.bias_se)
    res = gradient_stats.bias_variance_sweep(x, f, [0.5, 1.0], n_samples=500, rng=0)
    assert set(res) == set(registry.estimator_names())   # every estimator that samples (not the noise-free one)


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


# ------------------------------------------------------------------ the slopes behind Notebook 3, Section 1


@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
def test_argmax_objective_slopes_are_relaxed_estimates_and_exact_gradients(f):
    x = LOGITS[0]
    g = np.random.default_rng(1).gumbel(size=(4, 3))
    grid = np.linspace(-1.0, 2.0, 7)
    relaxed, exact = objectives.argmax_objective_slopes(x, f, g, grid, k=1, tau=0.4)
    assert relaxed.shape == (4, 7) and exact.shape == (7,)
    for j, v in enumerate(grid):
        xj = x.copy()
        xj[1] = v
        # the slope of one dashed curve is the relaxed estimate for that noise
        est = estimators.gumbel_softmax_grad(xj, f, 4, tau=0.4, noise=g)[:, 1]
        np.testing.assert_allclose(relaxed[:, j], est, rtol=1e-12, atol=1e-14)
        assert exact[j] == pytest.approx(objectives.exact_gradient(xj, f)[1], rel=1e-12)
    # and the derivative of the curves argmax_objective_curves draws (central differences)
    h = 1e-5
    _, up, mean_up = objectives.argmax_objective_curves(x, f, g, grid + h, k=1, tau=0.4)
    _, down, mean_down = objectives.argmax_objective_curves(x, f, g, grid - h, k=1, tau=0.4)
    np.testing.assert_allclose(relaxed, (up - down) / (2 * h), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(exact, (mean_up - mean_down) / (2 * h), rtol=1e-5, atol=1e-7)


def test_relaxed_objective_curve_averages_the_curves_and_their_slopes():
    x, f = LOGITS[0], objectives.Cubic()
    g = np.random.default_rng(2).gumbel(size=(300, 3))
    grid = np.linspace(-2.0, 4.0, 13)
    c = objectives.relaxed_objective_curve(x, f, g, grid, tau=0.3)
    _, soft, mean = objectives.argmax_objective_curves(x, f, g, grid, tau=0.3)
    relaxed, exact = objectives.argmax_objective_slopes(x, f, g, grid, tau=0.3)
    np.testing.assert_allclose(c.value, soft.mean(0), rtol=1e-12)
    np.testing.assert_allclose(c.value_se, soft.std(0, ddof=1) / np.sqrt(300), rtol=1e-10)
    np.testing.assert_allclose(c.slope, relaxed.mean(0), rtol=1e-12)
    np.testing.assert_allclose(c.slope_se, relaxed.std(0, ddof=1) / np.sqrt(300), rtol=1e-10)
    np.testing.assert_allclose(c.exact_value, mean, rtol=1e-12)
    np.testing.assert_allclose(c.exact_slope, exact, rtol=1e-12)
    assert (c.tau, c.n_noise) == (0.3, 300)
    # many noises: processed in chunks of the grid, same numbers
    big = np.random.default_rng(3).gumbel(size=(200_000, 3))
    chunked = objectives.relaxed_objective_curve(x, f, big, grid[:5], tau=0.3)
    direct = objectives.argmax_objective_slopes(x, f, big[:1000], grid[:5], tau=0.3)[0].mean(0)
    np.testing.assert_allclose(objectives.relaxed_objective_curve(x, f, big[:1000], grid[:5], tau=0.3).slope, direct)
    assert chunked.slope.shape == (5,)


def test_relaxed_objective_curve_slope_is_the_relaxed_estimators_mean():
    """Its slope is the mean of the Gumbel-Softmax estimator (independent noise, 5 sigma), biased vs the exact slope."""
    x, f = LOGITS[0], objectives.Cubic()
    grid = np.array([-2.0, 4.0])
    c = objectives.relaxed_objective_curve(x, f, np.random.default_rng(4).gumbel(size=(100_000, 3)), grid, tau=0.3)
    for j, v in enumerate(grid):
        xj = x.copy()
        xj[0] = v
        r = gradient_stats.bias_variance("gumbel_softmax_grad", xj, f, 0.3, n_samples=100_000, rng=5)
        assert abs(c.slope[j] - r.mean[0]) < 5 * np.hypot(c.slope_se[j], r.bias_se[0])
    # the bias of Section 1: right sign, wrong size (about half at x1 = -2, about twice at x1 = 4)
    ratio = c.slope / c.exact_slope
    assert 0.35 < ratio[0] < 0.6 and 1.7 < ratio[1] < 2.2
    # a linear f at a small tau: no bias
    lin = objectives.relaxed_objective_curve(x, objectives.Linear(), np.random.default_rng(6).gumbel(size=(50_000, 3)),
                                             grid, tau=0.02)
    assert within(lin.slope, lin.exact_slope, lin.slope_se)


def test_notebook_3_section_1_wrong_signs_are_single_estimates_not_the_mean():
    """The drawn dashed curves (noise rng=0) slope the wrong way over ranges of x1; their average does not."""
    from gumbel_utils import sample_gumbel

    x, f = LOGITS[0], objectives.Cubic()
    grid = np.linspace(-2.0, 4.0, 601)
    relaxed, exact = objectives.argmax_objective_slopes(x, f, sample_gumbel((3, 3), rng=0), grid, tau=0.3)
    assert np.all(exact > 0)
    ranges = objectives.wrong_sign_ranges(grid, relaxed, exact)
    assert len(ranges) == 3 and all(r for r in ranges)
    assert ranges[1][0][0] == -2.0 and ranges[1][0][1] > 3.0
    c = objectives.relaxed_objective_curve(x, f, sample_gumbel((10_000, 3), rng=1), grid[::10], tau=0.3)
    assert objectives.wrong_sign_ranges(c.grid, c.slope, c.exact_slope, se=c.slope_se) == []


def test_wrong_sign_ranges():
    g = np.arange(6.0)
    assert objectives.wrong_sign_ranges(g, [1, 1, 1, 1, 1, 1], np.ones(6)) == []
    assert objectives.wrong_sign_ranges(g, [-1, 1, -1, -1, 1, -1], np.ones(6)) == [(0.0, 0.0), (2.0, 3.0), (5.0, 5.0)]
    assert objectives.wrong_sign_ranges(g, [1, -1, 1, 1, 1, 1], -np.ones(6)) == [(0.0, 0.0), (2.0, 5.0)]
    # zeros are no wrong sign; a standard error hides unresolved ones
    assert objectives.wrong_sign_ranges(g, [0, -1, -0.1, -1, 1, 1], np.ones(6), se=np.full(6, 0.3), z=5) == []
    assert objectives.wrong_sign_ranges(g, [0, -1, -0.1, -1, 1, 1], np.ones(6), se=np.full(6, 0.3), z=2) == [
        (1.0, 1.0), (3.0, 3.0)]
    rows = objectives.wrong_sign_ranges(g, np.array([[1.0] * 6, [-1.0] * 6]), np.ones(6))
    assert rows == [[], [(0.0, 5.0)]]
    with pytest.raises(ValueError, match="one per grid point"):
        objectives.wrong_sign_ranges(g, np.ones(5), np.ones(6))
    with pytest.raises(ValueError, match="increasing"):
        objectives.wrong_sign_ranges(g[::-1], np.ones(6), np.ones(6))


def test_curve_arguments_are_checked():
    x, f = LOGITS[0], objectives.Cubic()
    g = np.zeros((2, 3))
    with pytest.raises(ValueError, match="noise must have shape"):
        objectives.argmax_objective_slopes(x, f, g[:, :2], [0.0])
    with pytest.raises(ValueError, match="k must lie"):
        objectives.relaxed_objective_curve(x, f, g, [0.0], k=3)
    with pytest.raises(ValueError, match="one temperature"):
        objectives.relaxed_objective_curve(x, f, g, [0.0], tau=[0.1, 1.0])
    with pytest.raises(ValueError, match="at least 2 rows"):
        objectives.relaxed_objective_curve(x, f, g[:1], [0.0])
    with pytest.raises(TypeError):
        objectives.argmax_objective_slopes(x, object(), g, [0.0])
