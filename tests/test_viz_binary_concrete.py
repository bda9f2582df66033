"""Notebook 2, K = 2 (:mod:`gumbel_utils.viz.binary_concrete`): the binary Concrete density and its samples.

The histogram is :func:`~gumbel_utils.relaxation_stats.binary_concrete_histogram` of
:func:`~gumbel_utils.sample_binary_concrete` draws (the same seed), the curve
:func:`~gumbel_utils.binary_concrete_log_prob`.
"""

from __future__ import annotations

import numpy as np
import pytest

from gumbel_utils import binary_concrete_log_prob, sample_binary_concrete
from gumbel_utils.viz import binary_concrete as viz
from _viz import drawn_renderer, inside  # noqa: E402


X = np.log([0.2, 0.3, 0.5])
TAUS = [0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0]  # positions of the temperature slider


def test_binary_explorer_histogram_and_curve():
    e = viz.explore_binary_concrete()
    edges = np.linspace(0, 1, 41)
    png = e.image.value
    for name, value in [("tau", 0.1), ("tau", 1.0), ("tau", 5.0), ("logit", -2.0), ("logit", 1.0)]:
        e.controls[name].value = value
        tau, logit = e.controls["tau"].value, e.controls["logit"].value
        y = sample_binary_concrete(logit, tau, size=2000, rng=0)
        heights, _ = np.histogram(y, bins=edges, density=True)
        np.testing.assert_allclose(e.artists["bars"].get_data().values, heights)
        yy = e.artists["curve"].get_xdata()
        np.testing.assert_allclose(e.artists["curve"].get_ydata(), np.exp(binary_concrete_log_prob(yy, logit, tau)))
        assert e.image.value != png
        png = e.image.value


def test_binary_argmax_probability_is_sigmoid_at_every_tau():
    for i, tau in enumerate([0.5, 1.0, 3.0]):
        y = sample_binary_concrete(0.5, tau, size=20_000, rng=10 + i)
        q = 1 / (1 + np.exp(-0.5))
        assert abs((y > 0.5).mean() - q) < 5 * np.sqrt(q * (1 - q) / 20_000)


def test_binary_density_integrates_to_one_and_matches_samples():
    from scipy import special, stats

    ends = np.logspace(-14, -2, 20_000)
    yy = np.concatenate([ends, np.linspace(0.01, 0.99, 20_000)[1:-1], 1 - ends[::-1]])
    for i, tau in enumerate([0.5, 1.0, 3.0]):
        mass = np.trapezoid(np.exp(binary_concrete_log_prob(yy, 0.5, tau)), yy)
        assert abs(mass - 1) < 1e-3
        samples = sample_binary_concrete(0.5, tau, size=20_000, rng=10 + i)
        assert stats.kstest(samples, lambda v: special.expit(tau * special.logit(v) - 0.5)).pvalue > 1e-3


@pytest.mark.slow
@pytest.mark.parametrize("logit", [-3.0, 0.5, 3.0])
def test_binary_legend_stays_off_the_curve_and_the_histogram(logit):
    e = viz.explore_binary_concrete(logit)
    ax = e.artists["curve"].axes
    for tau in (0.01, 0.5, 1.2, 3.0, 10.0):
        e.controls["tau"].value = tau
        r = drawn_renderer(e)
        box = ax.get_legend().get_window_extent(r)
        curve = ax.transData.transform(np.column_stack(e.artists["curve"].get_data()))
        assert not inside(box, curve).any(), tau
        edges = np.linspace(0, 1, e.state["heights"].size + 1)
        tops = ax.transData.transform(np.column_stack([0.5 * (edges[1:] + edges[:-1]),
                                                       np.minimum(e.state["heights"], viz.Y_TOP_BINARY)]))
        assert not np.any(tops[:, 1][(tops[:, 0] > box.x0) & (tops[:, 0] < box.x1)] > box.y0), tau


def test_binary_concrete_panel():
    from gumbel_utils.relaxation_stats import binary_concrete_histogram

    rng = np.random.default_rng(4)
    samples = rng.random(1000)
    art = viz.plot_binary_concrete(0.5, 0.7, samples, bins=20, n_curve=50)
    edges = np.linspace(0.0, 1.0, 21)
    np.testing.assert_allclose(art["bars"].get_data().values, np.histogram(samples, bins=edges, density=True)[0])
    np.testing.assert_allclose(art["bars"].get_data().values, binary_concrete_histogram(samples, bins=20).heights)
    yy = art["curve"].get_xdata()
    assert yy.size == 50 and yy.min() > 0 and yy.max() < 1
    np.testing.assert_allclose(art["curve"].get_ydata(), np.exp(binary_concrete_log_prob(yy, 0.5, 0.7)))


def test_explorer_rejects_bad_values_and_types():
    with pytest.raises(ValueError, match="logit"):
        viz.explore_binary_concrete(np.inf)
    with pytest.raises(TypeError, match="tau"):
        viz.explore_binary_concrete(tau="0.5")
