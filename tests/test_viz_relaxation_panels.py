"""The panels of Notebook 2 (:mod:`gumbel_utils.viz.relaxation_panels`): the drawn data is the math layer's."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from gumbel_utils import TRIANGLE, binary_concrete_log_prob, concrete_log_prob, gumbel_softmax, sample_gumbel, simplex_grid
from gumbel_utils.relaxation_stats import log_density_image, mean_vs_tau, relaxation_path, simplex_segment
from gumbel_utils.viz import relaxation_panels as P

X = np.log([0.2, 0.3, 0.5])


@pytest.fixture(autouse=True)
def _close_figures():
    before = set(plt.get_fignums())
    yield
    for num in set(plt.get_fignums()) - before:
        plt.close(num)


def _xy(line):
    return np.array([np.asarray(line.get_xdata())[0], np.asarray(line.get_ydata())[0]])


def test_simplex_frame_and_relaxation_path():
    g = sample_gumbel(3, rng=1)
    art = P.plot_relaxation_path(X, g, 0.5)
    np.testing.assert_allclose(_xy(art["point"]), gumbel_softmax(X, 0.5, noise=g) @ TRIANGLE, atol=1e-12)
    path = np.column_stack(art["path"].get_data())
    np.testing.assert_allclose(path, relaxation_path(X, g, np.logspace(-2, 1, 200)) @ TRIANGLE, atol=1e-12)
    np.testing.assert_allclose(_xy(art["vertex"]), TRIANGLE[np.argmax(X + g)])
    frame = P.plot_simplex_frame(ax=art["point"].axes, labels=["a", "b", "c"])
    assert [t.get_text() for t in frame["labels"]] == ["a", "b", "c"]


def test_bars_heatmap_and_samples():
    y = np.array([0.2, 0.5, 0.3])
    bars = P.plot_relaxed_bars(y)
    np.testing.assert_allclose([b.get_height() for b in bars["bars"]], y)
    grid = simplex_grid(40)
    image = log_density_image(grid, X, 0.7)
    heat = P.plot_concrete_heatmap(grid, image)
    np.testing.assert_array_equal(np.ma.getdata(heat["image"].get_array()), image)
    assert "clipped" in heat["colorbar"].ax.get_ylabel()
    samples = gumbel_softmax(X, 0.3, noise=sample_gumbel((300, 3), rng=2))
    pts = P.plot_simplex_samples(samples)["points"]
    assert sum(len(p.get_xdata()) for p in pts) == 300
    moved = gumbel_softmax(X, 3.0, noise=sample_gumbel((300, 3), rng=2))
    P.set_simplex_samples(pts, moved)
    k = moved.argmax(axis=1)
    for j, line in enumerate(pts):
        np.testing.assert_allclose(np.column_stack(line.get_data()), (moved @ TRIANGLE)[k == j])


def test_mean_vs_tau_and_density_along_line():
    g = sample_gumbel((500, 3), rng=3)
    taus = np.logspace(-2, 1, 9)
    lines = P.plot_mean_vs_tau(X, taus, g)["lines"]
    means = mean_vs_tau(X, taus, g)
    for j, line in enumerate(lines):
        np.testing.assert_allclose(line.get_ydata(), means[:, j])
    curves = P.plot_density_along_line(np.zeros(3), [0.3, 2.0], n=50)["lines"]
    s, pts = simplex_segment((1.0, 0.0, 0.0), (0.0, 0.5, 0.5), 50)
    np.testing.assert_allclose(curves[1].get_xdata(), s)
    np.testing.assert_allclose(curves[1].get_ydata(), concrete_log_prob(pts, np.zeros(3), 2.0))


def test_binary_concrete_panel():
    rng = np.random.default_rng(4)
    samples = rng.random(1000)
    art = P.plot_binary_concrete(0.5, 0.7, samples, bins=20, n_curve=50)
    edges, yy = P.binary_grid(20, 50)
    np.testing.assert_allclose(art["bars"].get_data().values, np.histogram(samples, bins=edges, density=True)[0])
    np.testing.assert_allclose(art["curve"].get_xdata(), yy)
    np.testing.assert_allclose(art["curve"].get_ydata(), np.exp(binary_concrete_log_prob(yy, 0.5, 0.7)))
    assert yy.min() > 0 and yy.max() < 1 and edges[0] == 0 and edges[-1] == 1
