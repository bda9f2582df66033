"""Notebook 2, the mean drift (:mod:`gumbel_utils.viz.mean_drift`): E[y] moves from softmax(x) to the centre.

The marker and the curves are compared with the Monte Carlo mean of :func:`~gumbel_utils.gumbel_softmax`
on the explorer's noise and with :func:`~gumbel_utils.relaxation_stats.mean_vs_tau`.
"""

from __future__ import annotations

import numpy as np
import pytest

from gumbel_utils import TRIANGLE, gumbel_softmax, sample_gumbel, softmax
from gumbel_utils.relaxation_stats import mean_vs_tau
from gumbel_utils.viz import mean_drift as viz
from _viz import drawn_renderer, inside, marker_xy  # noqa: E402


X = np.log([0.2, 0.3, 0.5])
TAUS = [0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0]  # positions of the temperature slider


@pytest.mark.slow
def test_mean_drift_marker_is_monte_carlo_mean_and_moves_to_centre():
    e = viz.explore_mean_drift()
    noise = e.state["noise"]
    x = np.log([0.1, 0.3, 0.6]).round(4)
    p = softmax(x)
    tv = []
    for tau in TAUS:
        e.controls["tau"].value = tau
        m = gumbel_softmax(x, tau, noise=noise).mean(axis=0)
        np.testing.assert_allclose(marker_xy(e.artists["mean"]), m @ TRIANGLE, atol=1e-12)
        np.testing.assert_allclose(e.artists["dots"].get_offsets()[:, 1], m, atol=1e-12)
        tv.append(0.5 * np.abs(m - p).sum())
    assert tv[-1] > 0.15 and tv[0] < 0.03
    assert np.all(np.diff(tv[2:]) > 0)  # grows with tau once past the small-tau noise


@pytest.mark.slow
def test_mean_drift_widens_its_tau_slider_instead_of_clamping():
    """Issue 9: tau = 1e-5 used to start at 0.01."""
    e = viz.explore_mean_drift(tau=1e-5)
    assert e.controls["tau"].value == 1e-5 and e.controls["tau"].options[0][1] <= 1e-5
    x = np.log([0.1, 0.3, 0.6]).round(4)  # the default logits
    np.testing.assert_allclose(e.state["mean"], gumbel_softmax(x, 1e-5, noise=e.state["noise"]).mean(axis=0))
    assert e.state["taus"][0] <= 1e-5  # the E[y] curve reaches the starting tau too


@pytest.mark.slow
def test_mean_drift_legend_above_the_curves():
    e = viz.explore_mean_drift()
    ax = e.artists["cursor"].axes
    r = drawn_renderer(e)
    box = ax.get_legend().get_window_extent(r)
    for line in ax.get_lines():
        xy = np.column_stack(line.get_data()).astype(float)
        if xy.shape[0] > 2:  # the curves and the dashed levels (axhline has 2 points in axes coordinates)
            assert not inside(box, ax.transData.transform(xy)).any(), line.get_label()


def test_mean_vs_tau_panel():
    g = sample_gumbel((500, 3), rng=3)
    taus = np.logspace(-2, 1, 9)
    lines = viz.plot_mean_vs_tau(X, taus, g)["lines"]
    means = mean_vs_tau(X, taus, g)
    for j, line in enumerate(lines):
        np.testing.assert_allclose(line.get_ydata(), means[:, j])
    assert len({line.get_marker() for line in lines}) == 3  # the coordinates differ in marker, not colour only


def test_explorer_rejects_bad_logits():
    with pytest.raises(ValueError, match="logits"):
        viz.explore_mean_drift([[0.0, 1.0, 2.0]])
