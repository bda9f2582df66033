"""Notebook 2, the Concrete density (:mod:`gumbel_utils.viz.concrete_density`): heatmap, samples and shape.

The explorers are driven through their sliders; the heatmap is compared with
:func:`~gumbel_utils.concrete_log_prob`, the samples with :func:`~gumbel_utils.gumbel_softmax` on the
same noise, the shape with :mod:`gumbel_utils.relaxation_stats`.
"""

from __future__ import annotations

import numpy as np
import pytest

from gumbel_utils import TRIANGLE, concrete_log_prob, gumbel_softmax, sample_gumbel, simplex_grid, softmax
from gumbel_utils.relaxation_stats import is_convex_on_grid, log_density_image, simplex_segment
from gumbel_utils.viz import concrete_density as viz
from _viz import drawn_renderer, marker_xy  # noqa: E402


X = np.log([0.2, 0.3, 0.5])
TAUS = [0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0]  # positions of the temperature slider


@pytest.mark.slow
def test_simplex_heatmap_equals_concrete_log_prob_on_grid_and_samples_reuse_noise():
    e = viz.explore_concrete_simplex()
    grid = e.state["grid"]
    noise = e.state["noise"]
    png = e.image.value
    moves = [("tau", t) for t in TAUS] + [("x1", 1.5), ("x2", -2.0), ("x3", 0.7)]
    for name, value in moves:
        e.controls[name].value = value
        x = np.array([e.controls[f"x{k}"].value for k in (1, 2, 3)])
        tau = e.controls["tau"].value
        drawn = np.ma.getdata(e.artists["heatmap"].get_array())
        inside = grid.inside
        np.testing.assert_allclose(drawn[inside], concrete_log_prob(grid.points, x, tau), rtol=1e-12, atol=1e-12)
        assert np.isnan(drawn[~inside]).all()
        y = gumbel_softmax(x, tau, noise=noise)
        k = y.argmax(axis=1)
        for j, line in enumerate(e.artists["points"]):  # one marker line per largest coordinate
            np.testing.assert_allclose(np.column_stack(line.get_data()), (y @ TRIANGLE)[k == j], atol=1e-12)
        # the E[y] marker is the Monte Carlo mean of the plotted samples
        np.testing.assert_allclose(marker_xy(e.artists["mean"]), y.mean(axis=0) @ TRIANGLE, atol=1e-12)
        np.testing.assert_allclose(marker_xy(e.artists["probs"]), softmax(x) @ TRIANGLE, atol=1e-12)
        assert e.image.value != png
        png = e.image.value
    assert sum(len(line.get_xdata()) for line in e.artists["points"]) == 2000


def test_tau_one_is_not_special_smooth_summaries():
    """Summaries of the samples change smoothly through tau = 1 (no jump, no kink)."""
    G = sample_gumbel((20_000, 3), rng=2)
    taus = np.round(np.arange(0.7, 1.31, 0.1), 2)
    largest = np.array([gumbel_softmax(X, t, noise=G).max(axis=1).mean() for t in taus])
    d = np.diff(largest)
    assert (d < 0).all()
    # successive differences shrink by a steady ratio (within 3 %): no kink at tau = 1
    ratios = d[1:] / d[:-1]
    assert np.ptp(ratios) < 0.03


@pytest.mark.slow
def test_density_shape_explorer_draws_log_density_and_marks_mode():
    e = viz.explore_density_shape(mode_threshold=1.0)
    grid = e.state["grid"]
    pts = e.state["points"]
    for tau in [0.1, 0.5, 0.6, 1.5, 3.0]:
        e.controls["tau"].value = tau
        drawn = np.ma.getdata(e.artists["heatmap"].get_array())[grid.inside]
        np.testing.assert_allclose(drawn, concrete_log_prob(grid.points, np.zeros(3), tau), atol=1e-12)
        np.testing.assert_allclose(e.artists["line"].get_ydata(), concrete_log_prob(pts, np.zeros(3), tau))
        assert e.state["convex"] == (tau <= 0.5)
        has_mode = len(e.artists["mode"].get_xdata()) == 1
        assert has_mode == (tau > 1.0)
        if has_mode:
            np.testing.assert_allclose(marker_xy(e.artists["mode"]), TRIANGLE.mean(axis=0), atol=1e-6)
        assert np.asarray(e.artists["marker"].get_xdata())[0] == pytest.approx(tau)


def test_numerics_naive_softmax_nan_and_linear_density_fails_where_log_space_does_not():
    import math

    z, tau = np.array([1.0, 2.0, 3.0]), 1e-3
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(z / tau) / np.exp(z / tau).sum()
    assert np.isnan(naive).all()
    np.testing.assert_array_equal(softmax(z, tau=tau), [0.0, 0.0, 1.0])

    def density_linear(y, x, tau):
        a = np.exp(x)
        return math.factorial(len(y) - 1) * tau ** (len(y) - 1) * np.prod(a * y ** (-tau - 1) / np.sum(a * y ** (-tau)))

    cases = [(np.array([1 - 2e-200, 1e-200, 1e-200]), 3.0), (np.array([0.5, 0.5, 1e-300]), 0.5),
             (np.array([0.6, 0.3, 0.1]), 400.0)]
    for y, tau in cases:
        with np.errstate(all="ignore"):
            assert not np.isfinite(density_linear(y, X, tau))
        assert np.isfinite(concrete_log_prob(y, X, tau))
    assert concrete_log_prob(cases[1][0], X, cases[1][1]) == pytest.approx(np.log(0.96), abs=1e-6)


def test_exercise_solutions():
    # 1: tau * max|y - 1/K| tends to max|z - mean z| / K
    g = sample_gumbel(3, rng=5)
    z = X + g
    dev = np.abs(gumbel_softmax(X, 1e4, noise=g) - 1 / 3).max()
    assert 1e4 * dev == pytest.approx(np.abs(z - z.mean()).max() / 3, rel=1e-3)
    # 3: Eq. 11 integrates to 1 on the heatmap grid
    from gumbel_utils import simplex_grid

    fine = simplex_grid(400)
    pixel_area = (1 / 400) * (fine.extent[3] / fine.bary.shape[0])
    for tau, tol in [(1.0, 2e-3), (2.0, 1e-4), (3.0, 1e-4)]:
        total = np.exp(concrete_log_prob(fine.points, X, tau)).sum() * pixel_area / (np.sqrt(3) / 2)
        assert abs(total - 1) < tol


def test_concrete_simplex_widens_its_logit_sliders_instead_of_clamping():
    """Issue 9: (5, 0, 0) used to start at x1 = 3."""
    e = viz.explore_concrete_simplex((5, 0, 0))
    assert e.controls["x1"].value == 5.0 and e.controls["x1"].max >= 5.0
    np.testing.assert_allclose(e.state["logits"], [5.0, 0.0, 0.0])
    grid = e.state["grid"]
    drawn = np.ma.getdata(e.artists["heatmap"].get_array())[grid.inside]
    np.testing.assert_allclose(drawn, concrete_log_prob(grid.points, [5.0, 0, 0], 0.5), atol=1e-12)


def test_is_convex_on_grid():
    s = np.linspace(-1, 1, 21)
    assert is_convex_on_grid(s**2) == (True, pytest.approx(2 * 0.1**2))
    assert is_convex_on_grid(np.abs(s))[0] and not is_convex_on_grid(-(s**2))[0]
    assert is_convex_on_grid(1e6 * s + 1e-12 * np.sin(40 * s))[0]  # rounding-level wiggles are tolerated
    with pytest.raises(ValueError, match="values"):
        is_convex_on_grid([1.0, 2.0])
    with pytest.raises(ValueError, match="values"):
        is_convex_on_grid([1.0, np.nan, 2.0])


@pytest.mark.slow
def test_density_shape_marker_whole_at_the_ends_and_labels_apart():
    e = viz.explore_density_shape()
    taus = [value for _label, value in e.controls["tau"].options]
    for tau in (taus[0], taus[-1]):
        e.controls["tau"].value = tau
        r = drawn_renderer(e)
        box = e.artists["marker"].get_window_extent(r)
        assert not e.artists["marker"].get_clip_on()
        assert box.x0 >= 0 and box.x1 <= e.fig.bbox.x1
    ax_h, ax_l = e.artists["heatmap"].axes, e.artists["line"].axes
    r = drawn_renderer(e)
    colorbars = [a for a in e.fig.axes if a not in (ax_h, ax_l) and a.get_ylabel()]
    assert colorbars, "the heatmap has a colour key"
    key = colorbars[0].yaxis.label.get_window_extent(r)
    assert not key.overlaps(ax_l.yaxis.label.get_window_extent(r))
    legend = ax_h.get_legend().get_window_extent(r)
    assert not any(legend.overlaps(t.get_window_extent(r)) for t in ax_h.texts)


def test_heatmap_and_samples_panels():
    grid = simplex_grid(40)
    image = log_density_image(grid, X, 0.7)
    heat = viz.plot_concrete_heatmap(grid, image)
    np.testing.assert_array_equal(np.ma.getdata(heat["image"].get_array()), image)
    assert "clipped" in heat["colorbar"].ax.get_ylabel()
    assert heat["image"].get_cmap().name == viz.DENSITY_CMAP  # greys: no category colour in the background
    samples = gumbel_softmax(X, 0.3, noise=sample_gumbel((300, 3), rng=2))
    pts = viz.plot_simplex_samples(samples)["points"]
    assert sum(len(p.get_xdata()) for p in pts) == 300
    assert len({p.get_marker() for p in pts}) == 3  # a marker per category, not a colour only
    assert all(p.get_markeredgecolor() == viz.SAMPLE_EDGE for p in pts)
    moved = gumbel_softmax(X, 3.0, noise=sample_gumbel((300, 3), rng=2))
    viz.set_simplex_samples(pts, moved)
    k = moved.argmax(axis=1)
    for j, line in enumerate(pts):
        np.testing.assert_allclose(np.column_stack(line.get_data()), (moved @ TRIANGLE)[k == j])


def test_density_along_line():
    curves = viz.plot_density_along_line(np.zeros(3), [0.3, 2.0], n=50)["lines"]
    s, pts = simplex_segment((1.0, 0.0, 0.0), (0.0, 0.5, 0.5), 50)
    np.testing.assert_allclose(curves[1].get_xdata(), s)
    np.testing.assert_allclose(curves[1].get_ydata(), concrete_log_prob(pts, np.zeros(3), 2.0))
    assert curves[0].get_linestyle() != curves[1].get_linestyle()  # the temperatures differ in style too


@pytest.mark.parametrize("kwargs, match", [
    ({"logits": (0.0, 1.0, 2.0, 3.0)}, "logits must hold 3 values"),
    ({"tau": 0.0}, "tau"),
    ({"n_samples": 0}, "n_samples must lie in"),
])
def test_concrete_simplex_rejects_wrong_lengths_and_bad_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        viz.explore_concrete_simplex(**kwargs)


def test_density_shape_rejects_bad_logits():
    with pytest.raises(ValueError, match="logits contains NaN"):
        viz.explore_density_shape((0.0, np.nan, 0.0))
