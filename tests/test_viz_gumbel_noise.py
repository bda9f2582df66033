"""Notebook 1's figures of the Gumbel law (:mod:`gumbel_utils.viz.gumbel_noise`): the noise and max-stability.

The drawn histograms are :func:`~gumbel_utils.stats.density_histogram` and
:func:`~gumbel_utils.stats.max_stability` of the draws, the curves :func:`~gumbel_utils.stats.gumbel_density`;
the notebook's printed claims about the noise are recomputed with its seeds.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp

from gumbel_utils import perturbed_max, sample_gumbel
from gumbel_utils.stats import density_histogram
from gumbel_utils.viz.gumbel_noise import GUMBEL_HISTOGRAM_RANGE, plot_gumbel_histogram, plot_max_stability

X = np.array([1.0, 0.0, -0.5, 0.5])
PVALUE_FLOOR = 1e-3


@pytest.fixture
def closing():
    """Close the pyplot figures a plot_* test makes."""
    before = set(plt.get_fignums())
    yield
    for num in set(plt.get_fignums()) - before:
        plt.close(num)


def test_plot_gumbel_histogram_matches_density(closing):
    g = sample_gumbel(50_000, rng=2)
    art = plot_gumbel_histogram(g)
    density, edges = art["hist"].get_data().values, art["hist"].get_data().edges
    np.testing.assert_allclose(edges, np.linspace(*GUMBEL_HISTOGRAM_RANGE, 81))
    np.testing.assert_array_equal(density, density_histogram(g, edges))
    widths = np.diff(edges)
    inside = np.mean((g >= edges[0]) & (g <= edges[-1]))
    assert np.sum(density * widths) == pytest.approx(inside, rel=1e-9)  # a density over ALL the draws
    xs, ys = art["pdf"].get_data()
    assert np.allclose(ys, stats.gumbel_r.pdf(xs))
    # Histogram against the density at the bin centres: within 5 standard errors per bin.
    centres = (edges[:-1] + edges[1:]) / 2
    expected = stats.gumbel_r.pdf(centres)
    se = np.sqrt(expected / (g.size * widths)) + 1e-3
    assert np.all(np.abs(density - expected) < 5 * se + 0.02 * expected)


@pytest.mark.slow
def test_plot_max_stability_histograms(closing):
    winner, m = perturbed_max(X, size=40_000, rng=10)
    art = plot_max_stability(winner, m, X)
    edges = np.linspace(logsumexp(X) - 3.0, logsumexp(X) + 7.0, 61)
    for k in range(4):
        mk = m[winner == k]
        np.testing.assert_array_equal(art["steps"][k].get_data().values, density_histogram(mk, edges))
        inside = np.mean((mk >= edges[0]) & (mk <= edges[-1]))  # numpy's density is given the range
        np.testing.assert_allclose(art["steps"][k].get_data().values,
                                   np.histogram(mk, bins=edges, density=True)[0] * inside)
    assert len({art["steps"][k].get_linestyle() for k in range(4)}) == 4  # winners differ in style, not colour only
    xs, ys = art["pdf"].get_data()
    assert np.allclose(ys, stats.gumbel_r.pdf(xs, loc=logsumexp(X)))


def test_nb_section2_gumbel_noise():
    u = np.random.default_rng(2).random(100_000)
    g = -np.log(-np.log(u))
    assert abs(g.mean() - np.euler_gamma) < 5 * g.std() / np.sqrt(g.size)
    assert stats.kstest(g, stats.gumbel_r.cdf).pvalue > PVALUE_FLOOR
    with np.errstate(divide="ignore"):
        assert -np.log(-np.log(0.0)) == -np.inf
    assert 1 - (1 - 2.0**-24) ** 1e8 == pytest.approx(0.9974, abs=1e-4)
    g_pkg = sample_gumbel(1_000_000, rng=0)
    assert np.isfinite(g_pkg).all()
    assert g_pkg.min() >= -np.log(-np.log(np.finfo(np.float64).tiny)) == pytest.approx(-6.563, abs=1e-3)


def test_nb_section6_max_stability():
    winner, m = perturbed_max(X, size=200_000, rng=10)
    lse = logsumexp(X)
    assert stats.kstest(m, stats.gumbel_r(loc=lse).cdf).pvalue > PVALUE_FLOOR
    for k in range(4):
        mk = m[winner == k]
        assert abs(mk.mean() - (lse + np.euler_gamma)) < 5 * mk.std() / np.sqrt(mk.size)
    quartile = np.searchsorted(np.quantile(m, [0.25, 0.5, 0.75]), m)
    table = np.array([[np.sum((winner == k) & (quartile == q)) for q in range(4)] for k in range(4)])
    assert stats.chi2_contingency(table).pvalue > PVALUE_FLOOR
