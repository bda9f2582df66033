"""Tests of gumbel_utils.relaxation_stats: relaxed-sample paths, Monte Carlo E[y], near-one-hot
fractions, and the shape of the Concrete density (log-convexity threshold, edge exponent, interior mode)."""

from __future__ import annotations

import numpy as np
import pytest

from gumbel_utils import concrete_log_prob, gumbel_softmax, sample_gumbel, softmax
from gumbel_utils.relaxation_stats import (
    fraction_near_one_hot,
    interior_mode,
    interior_mode_threshold,
    log_convexity_threshold,
    monte_carlo_mean,
    mean_vs_tau,
    relaxation_path,
    simplex_segment,
    tau_for_near_one_hot_fraction,
)

X = np.log([0.2, 0.3, 0.5])


def test_relaxation_path_rows_are_gumbel_softmax_and_keep_the_argmax():
    g = sample_gumbel(3, rng=4)
    taus = np.logspace(-2, 1, 50)
    path = relaxation_path(X, g, taus)
    np.testing.assert_allclose(path, [gumbel_softmax(X, t, noise=g) for t in taus], rtol=1e-12)
    assert (path.argmax(axis=1) == np.argmax(X + g)).all()
    with pytest.raises(ValueError, match="noise must be finite with shape"):
        relaxation_path(X, g[:2], taus)
    with pytest.raises(ValueError, match="tau"):
        relaxation_path(X, g, [0.0])


def test_monte_carlo_mean_standard_error():
    m = monte_carlo_mean(np.arange(10.0)[:, None])
    assert m.mean[0] == 4.5 and m.se[0] == pytest.approx(np.std(np.arange(10.0), ddof=1) / np.sqrt(10))
    with pytest.raises(ValueError, match="at least 2 rows"):
        monte_carlo_mean([[1.0]])


def test_log_convexity_threshold_rejects_bad_k():
    assert log_convexity_threshold(5) == 0.25
    with pytest.raises(ValueError, match="num_categories"):
        log_convexity_threshold(1)


def test_mean_of_relaxed_sample_limits_with_standard_errors():
    G = sample_gumbel((20_000, 3), rng=2)
    p = softmax(X)
    small = monte_carlo_mean(gumbel_softmax(X, 0.01, noise=G))
    assert np.all(np.abs(small.mean - p) < 5 * np.sqrt(p * (1 - p) / 20_000))  # E[y] -> p as tau -> 0
    big = monte_carlo_mean(gumbel_softmax(X, 1e4, noise=G))
    assert np.abs(big.mean - 1 / 3).max() < 1e-3  # -> uniform
    # the argmax frequencies stay p at every tau (Proposition 1), whatever E[y] does
    for tau in (0.1, 1.0, 10.0):
        freq = np.bincount(gumbel_softmax(X, tau, noise=G).argmax(axis=1), minlength=3) / 20_000
        assert np.all(np.abs(freq - p) < 5 * np.sqrt(p * (1 - p) / 20_000))


def test_mean_vs_tau_rows_match_gumbel_softmax():
    G = sample_gumbel((300, 3), rng=0)
    taus = [0.1, 1.0, 3.0]
    np.testing.assert_allclose(mean_vs_tau(X, taus, G), [gumbel_softmax(X, t, noise=G).mean(0) for t in taus])


def test_log_convex_below_threshold_and_not_above():
    rng = np.random.default_rng(3)
    ends = rng.dirichlet(np.ones(3), size=(300, 2))
    s = np.linspace(0.02, 0.98, 200)[:, None, None]
    chords = (1 - s) * ends[:, 0] + s * ends[:, 1]
    assert log_convexity_threshold(3) == 0.5
    for tau, convex in [(0.2, True), (0.5, True), (0.6, False), (2.0, False)]:
        second = np.diff(concrete_log_prob(chords, X, tau), 2, axis=0)
        assert (second.min() > -1e-9) == convex


def test_edge_exponent_is_k_minus_one_tau_minus_one():
    eps = np.array([1e-4, 1e-6])
    pts = np.stack([(1 - eps) / 2, (1 - eps) / 2, eps], axis=1)
    for tau in (0.3, 0.5, 0.8, 2.0):
        lp = concrete_log_prob(pts, X, tau)
        assert abs((lp[1] - lp[0]) / np.log(eps[1] / eps[0]) - (2 * tau - 1)) < 0.05


@pytest.mark.slow
def test_interior_mode_thresholds():
    assert abs(interior_mode_threshold(np.zeros(3)) - 1.0) < 2e-3  # analytic: centre Hessian ~ (1 - tau)
    t = interior_mode_threshold(X)
    assert 1.3 < t < 1.7
    assert interior_mode(X, 0.9 * t) is None
    m = interior_mode(X, 1.1 * t)
    assert m is not None and m.min() > 0.05
    np.testing.assert_allclose(interior_mode(np.zeros(3), 2.0), np.full(3, 1 / 3), atol=1e-8)


def test_simplex_segment_stays_inside():
    s, pts = simplex_segment((1, 0, 0), (0, 0.5, 0.5), 50)
    assert pts.shape == (50, 3) and (pts > 0).all()
    np.testing.assert_allclose(pts.sum(1), 1.0)


def test_near_one_hot_fraction_and_bisection():
    G = sample_gumbel((20_000, 3), rng=6)
    tau = tau_for_near_one_hot_fraction(X, G)
    frac = fraction_near_one_hot(gumbel_softmax(X, tau, noise=G))
    assert frac >= 0.9 and fraction_near_one_hot(gumbel_softmax(X, tau * 1.001, noise=G)) < 0.9
    assert 0.02 < tau < 0.06
    # monotone in tau with fixed noise: the reason bisection works
    fracs = [fraction_near_one_hot(gumbel_softmax(X, t, noise=G)) for t in np.logspace(-3, 0, 40)]
    assert np.all(np.diff(fracs) <= 0)


# ------------------------------------------------------------------ the edge exponent at a finite distance


def test_edge_exponent_converges_to_the_prediction_like_eps_to_the_tau():
    from gumbel_utils.gradient_stats import loglog_slope
    from gumbel_utils.relaxation_stats import edge_exponent

    eps = 10.0 ** -np.array([4.0, 8.0, 16.0])
    for logits in (X, np.zeros(3), np.array([1.0, 0.0, -1.0, 0.5])):
        k = logits.size
        for tau in (0.3, 0.5, 0.8):
            a = edge_exponent(logits, tau, eps)
            limit = (k - 1) * tau - 1
            assert abs(edge_exponent(logits, tau, [1e-120])[0] - limit) < 1e-6
            gap = np.abs(a - limit)
            assert gap[0] > gap[1] > gap[2]
            assert loglog_slope(eps, gap)[0] == pytest.approx(tau, abs=0.03)  # the correction ~ eps^tau


def test_edge_exponent_is_the_secant_of_concrete_log_prob():
    from gumbel_utils.relaxation_stats import edge_exponent

    near_edge = np.array([[(1 - e) / 2, (1 - e) / 2, e] for e in (1e-4, 1e-6)])
    lp = concrete_log_prob(near_edge, X, 0.3)
    secant = (lp[1] - lp[0]) / np.log(1e-2)
    assert edge_exponent(X, 0.3, [1e-4])[0] == pytest.approx(secant, rel=1e-12)
    assert round(secant, 3) == -0.436  # what Notebook 2 measured at a finite distance
    with pytest.raises(ValueError, match="eps"):
        edge_exponent(X, 0.3, [0.5])
    with pytest.raises(ValueError, match="ratio"):
        edge_exponent(X, 0.3, [1e-3], ratio=2.0)
    with pytest.raises(ValueError, match="edge"):
        edge_exponent(X, 0.3, [1e-3], edge=3)
    with pytest.raises(ValueError, match="tau"):
        edge_exponent(X, 0.0, [1e-3])


def test_binary_concrete_histogram_density_and_share_above_half():
    from gumbel_utils import sample_binary_concrete
    from gumbel_utils.relaxation_stats import binary_concrete_histogram

    y = sample_binary_concrete(0.5, 0.7, size=20_000, rng=2)
    h = binary_concrete_histogram(y, bins=40)
    ref, edges = np.histogram(y, bins=40, range=(0.0, 1.0), density=True)
    np.testing.assert_allclose(h.heights, ref)
    np.testing.assert_allclose(h.edges, edges)
    q = 1.0 / (1.0 + np.exp(-0.5))  # P(y > 1/2) = sigmoid(x) at every tau
    assert h.above == pytest.approx((y > 0.5).mean()) and abs(h.above - q) < 5 * h.above_se
    assert h.above_se == pytest.approx(np.sqrt(h.above * (1 - h.above) / y.size))
    with pytest.raises(ValueError, match="samples"):
        binary_concrete_histogram([0.5, 1.5])
