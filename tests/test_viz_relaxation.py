"""Notebook 2 (relaxation and temperature): explorers driven through their sliders, and the
measurements the notebook prints.

Each explorer is driven by setting ``explorer.controls[name].value``; the assertions read
the drawn data back from the artists (``explorer.artists``, ``explorer.state``) and compare
it with the package functions that define it. The measurements of
:mod:`gumbel_utils.relaxation_stats` have their own file (``test_relaxation_stats.py``);
:func:`~gumbel_utils.relaxation_stats.is_convex_on_grid`, added for the density-shape
explorer, is tested here with the explorer that uses it.
"""

from __future__ import annotations

import numpy as np
import pytest

from gumbel_utils import (
    TRIANGLE,
    binary_concrete_log_prob,
    concrete_log_prob,
    gumbel_softmax,
    sample_binary_concrete,
    sample_gumbel,
    softmax,
)
from gumbel_utils.relaxation_stats import is_convex_on_grid, relaxation_path
from gumbel_utils.viz import relaxation as viz

X = np.log([0.2, 0.3, 0.5])
TAUS = [0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0]


def _xy(line):
    """The single (x, y) point of a one-marker Line2D."""
    return np.array([np.asarray(line.get_xdata())[0], np.asarray(line.get_ydata())[0]])


# --------------------------------------------------------------------------- section 1


@pytest.mark.slow
def test_relaxation_path_point_is_gumbel_softmax_with_fixed_noise_and_argmax_never_changes():
    e = viz.explore_relaxation_path(X, tau=1.0, seed=3)
    g = sample_gumbel(3, rng=3)
    k_star = int(np.argmax(X + g))
    png0 = e.image.value
    for tau in TAUS:
        e.controls["tau"].value = tau
        y = gumbel_softmax(X, tau, noise=g)
        np.testing.assert_allclose(_xy(e.artists["point"]), y @ TRIANGLE, atol=1e-12)
        np.testing.assert_allclose([b.get_height() for b in e.artists["bars"]], y, atol=1e-12)
        assert e.state["argmax"] == k_star
        assert "same: yes" in e.status.value
    assert e.image.value != png0
    assert len(e.timings) == 1 + len(TAUS)


def test_relaxation_path_runs_from_vertex_to_centre_for_every_seed():
    e = viz.explore_relaxation_path()
    for seed in range(0, 31, 5):
        e.controls["seed"].value = seed
        g = sample_gumbel(3, rng=seed)
        path = np.column_stack(e.artists["path"].get_data())
        ends = relaxation_path(viz._DEFAULT_LOGITS, g, [0.01, 10.0]) @ TRIANGLE
        np.testing.assert_allclose(path[[0, -1]], ends, atol=1e-12)
        k = int(np.argmax(np.asarray(viz._DEFAULT_LOGITS) + g))
        np.testing.assert_allclose(_xy(e.artists["vertex"]), TRIANGLE[k])


def test_argmax_invariance_over_many_draws_and_temperatures():
    """The notebook's check: 500 draws x 301 temperatures, zero argmax changes."""
    G = sample_gumbel((500, 3), rng=1)
    taus = np.logspace(-2, 1, 301)
    changes = sum(int((relaxation_path(X, gi, taus).argmax(axis=1) != np.argmax(X + gi)).sum()) for gi in G)
    assert changes == 0
    ends = np.array([relaxation_path(X, gi, [0.01, 10.0]) for gi in G])
    assert np.median(1 - ends[:, 0].max(axis=1)) < 1e-6  # at the vertex
    assert np.median(np.abs(ends[:, 1] - 1 / 3).max(axis=1)) < 0.1  # near the centre


# --------------------------------------------------------------------------- section 2


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
        np.testing.assert_allclose(_xy(e.artists["mean"]), y.mean(axis=0) @ TRIANGLE, atol=1e-12)
        np.testing.assert_allclose(_xy(e.artists["probs"]), softmax(x) @ TRIANGLE, atol=1e-12)
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


# --------------------------------------------------------------------------- section 3


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
        np.testing.assert_allclose(_xy(e.artists["mean"]), m @ TRIANGLE, atol=1e-12)
        np.testing.assert_allclose(e.artists["dots"].get_offsets()[:, 1], m, atol=1e-12)
        tv.append(0.5 * np.abs(m - p).sum())
    assert tv[-1] > 0.15 and tv[0] < 0.03
    assert np.all(np.diff(tv[2:]) > 0)  # grows with tau once past the small-tau noise


# --------------------------------------------------------------------------- section 4


@pytest.mark.slow
def test_density_shape_explorer_draws_log_density_and_marks_mode():
    e = viz.explore_density_shape(mode_threshold=1.0)
    grid = e.state["grid"]
    pts = e.state["points"]
    for tau in [0.1, 0.5, 0.7, 1.5, 3.0]:
        e.controls["tau"].value = tau
        drawn = np.ma.getdata(e.artists["heatmap"].get_array())[grid.inside]
        np.testing.assert_allclose(drawn, concrete_log_prob(grid.points, np.zeros(3), tau), atol=1e-12)
        np.testing.assert_allclose(e.artists["line"].get_ydata(), concrete_log_prob(pts, np.zeros(3), tau))
        assert e.state["convex"] == (tau <= 0.5)
        has_mode = len(e.artists["mode"].get_xdata()) == 1
        assert has_mode == (tau > 1.0)
        if has_mode:
            np.testing.assert_allclose(_xy(e.artists["mode"]), TRIANGLE.mean(axis=0), atol=1e-6)
        assert np.asarray(e.artists["marker"].get_xdata())[0] == pytest.approx(tau)


# --------------------------------------------------------------------------- section 5


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


# --------------------------------------------------------------------------- section 7


# --------------------------------------------------------------------------- sections 5-7: printed checks


def test_binary_density_integrates_to_one_and_matches_samples():
    from scipy import special, stats

    ends = np.logspace(-14, -2, 20_000)
    yy = np.concatenate([ends, np.linspace(0.01, 0.99, 20_000)[1:-1], 1 - ends[::-1]])
    for i, tau in enumerate([0.5, 1.0, 3.0]):
        mass = np.trapezoid(np.exp(binary_concrete_log_prob(yy, 0.5, tau)), yy)
        assert abs(mass - 1) < 1e-3
        samples = sample_binary_concrete(0.5, tau, size=20_000, rng=10 + i)
        assert stats.kstest(samples, lambda v: special.expit(tau * special.logit(v) - 0.5)).pvalue > 1e-3


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


# --------------------------------------------------------------------------- arguments (issue 9)


def test_concrete_simplex_widens_its_logit_sliders_instead_of_clamping():
    """Issue 9: (5, 0, 0) used to start at x1 = 3."""
    e = viz.explore_concrete_simplex((5, 0, 0))
    assert e.controls["x1"].value == 5.0 and e.controls["x1"].max >= 5.0
    np.testing.assert_allclose(e.state["logits"], [5.0, 0.0, 0.0])
    grid = e.state["grid"]
    drawn = np.ma.getdata(e.artists["heatmap"].get_array())[grid.inside]
    np.testing.assert_allclose(drawn, concrete_log_prob(grid.points, [5.0, 0, 0], 0.5), atol=1e-12)


@pytest.mark.slow
def test_mean_drift_widens_its_tau_slider_instead_of_clamping():
    """Issue 9: tau = 1e-5 used to start at 0.01."""
    e = viz.explore_mean_drift(tau=1e-5)
    assert e.controls["tau"].value == pytest.approx(1e-5) and 10 ** e.controls["tau"].min <= 1e-5
    x = np.log([0.1, 0.3, 0.6]).round(4)  # the default logits
    np.testing.assert_allclose(e.state["mean"], gumbel_softmax(x, 1e-5, noise=e.state["noise"]).mean(axis=0))
    assert e.state["taus"][0] <= 1e-5  # the E[y] curve reaches the starting tau too


@pytest.mark.parametrize("build, kwargs, match", [
    (viz.explore_relaxation_path, {"logits": (0.0, 1.0)}, "logits must hold 3 values"),
    (viz.explore_concrete_simplex, {"logits": (0.0, 1.0, 2.0, 3.0)}, "logits must hold 3 values"),
    (viz.explore_mean_drift, {"logits": [[0.0, 1.0, 2.0]]}, "logits"),
    (viz.explore_density_shape, {"logits": (0.0, np.nan, 0.0)}, "logits contains NaN"),
    (viz.explore_binary_concrete, {"logit": np.inf}, "logit"),
    (viz.explore_concrete_simplex, {"tau": 0.0}, "tau"),
    (viz.explore_concrete_simplex, {"n": 0}, "n must lie in"),
])
def test_explorers_reject_wrong_lengths_and_bad_values(build, kwargs, match):
    with pytest.raises(ValueError, match=match):
        build(**kwargs)


def test_explorers_reject_wrong_types():
    with pytest.raises(TypeError, match="tau"):
        viz.explore_binary_concrete(tau="0.5")
    with pytest.raises(TypeError, match="seed"):
        viz.explore_relaxation_path(seed=None)


def test_relaxation_path_seed_slider_widens():
    e = viz.explore_relaxation_path(seed=45)
    assert e.controls["seed"].value == 45 and e.controls["seed"].max >= 45
    np.testing.assert_array_equal(e.state["noise"], sample_gumbel(3, rng=45))


def test_is_convex_on_grid():
    s = np.linspace(-1, 1, 21)
    assert is_convex_on_grid(s**2) == (True, pytest.approx(2 * 0.1**2))
    assert is_convex_on_grid(np.abs(s))[0] and not is_convex_on_grid(-(s**2))[0]
    assert is_convex_on_grid(1e6 * s + 1e-12 * np.sin(40 * s))[0]  # rounding-level wiggles are tolerated
    with pytest.raises(ValueError, match="values"):
        is_convex_on_grid([1.0, 2.0])
    with pytest.raises(ValueError, match="values"):
        is_convex_on_grid([1.0, np.nan, 2.0])



# --------------------------------------------------------------------------- issue 12: figure glitches


def _renderer(e):
    e.fig.canvas.draw()
    return e.fig.canvas.get_renderer()


def _inside(box, xy):
    return (xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1)


@pytest.mark.slow
def test_relaxation_path_markers_never_cover_the_vertex_labels():
    e = viz.explore_relaxation_path(X, tau=0.01)
    ax = e.artists["point"].axes
    labels = [t for t in ax.texts if t.get_text().startswith("$e_")]
    assert len(labels) == 3
    for seed in range(31):  # every vertex is the Gumbel-max sample for some seed
        e.controls["seed"].value = seed
        r = _renderer(e)
        for marker in (e.artists["vertex"], e.artists["point"]):
            box = marker.get_window_extent(r)
            assert not any(box.overlaps(t.get_window_extent(r)) for t in labels), seed
    title = e.artists["title"].get_window_extent(r)
    assert title.x1 <= e.fig.bbox.x1 and title.x0 >= 0  # the bar panel's title fits the figure


@pytest.mark.slow
def test_density_shape_marker_whole_at_the_ends_and_labels_apart():
    e = viz.explore_density_shape()
    for tau in (e.controls["tau"].min, e.controls["tau"].max):
        e.controls["tau"].value = 10.0**tau
        r = _renderer(e)
        box = e.artists["marker"].get_window_extent(r)
        assert not e.artists["marker"].get_clip_on()
        assert box.x0 >= 0 and box.x1 <= e.fig.bbox.x1
    ax_h, ax_l = e.artists["heatmap"].axes, e.artists["line"].axes
    r = _renderer(e)
    colorbars = [a for a in e.fig.axes if a not in (ax_h, ax_l) and a.get_ylabel()]
    assert colorbars, "the heatmap has a colour key"
    key = colorbars[0].yaxis.label.get_window_extent(r)
    assert not key.overlaps(ax_l.yaxis.label.get_window_extent(r))
    legend = ax_h.get_legend().get_window_extent(r)
    assert not any(legend.overlaps(t.get_window_extent(r)) for t in ax_h.texts)


@pytest.mark.slow
@pytest.mark.parametrize("logit", [-3.0, 0.5, 3.0])
def test_binary_legend_stays_off_the_curve_and_the_histogram(logit):
    e = viz.explore_binary_concrete(logit)
    ax = e.artists["curve"].axes
    for tau in (0.01, 0.5, 1.12, 3.0, 10.0):
        e.controls["tau"].value = tau
        r = _renderer(e)
        box = ax.get_legend().get_window_extent(r)
        curve = ax.transData.transform(np.column_stack(e.artists["curve"].get_data()))
        assert not _inside(box, curve).any(), tau
        edges = np.linspace(0, 1, e.state["heights"].size + 1)
        tops = ax.transData.transform(np.column_stack([0.5 * (edges[1:] + edges[:-1]),
                                                       np.minimum(e.state["heights"], viz.Y_TOP_BINARY)]))
        assert not np.any(tops[:, 1][(tops[:, 0] > box.x0) & (tops[:, 0] < box.x1)] > box.y0), tau


@pytest.mark.slow
def test_mean_drift_legend_above_the_curves():
    e = viz.explore_mean_drift()
    ax = e.artists["cursor"].axes
    r = _renderer(e)
    box = ax.get_legend().get_window_extent(r)
    for line in ax.get_lines():
        xy = np.column_stack(line.get_data()).astype(float)
        if xy.shape[0] > 2:  # the curves and the dashed levels (axhline has 2 points in axes coordinates)
            assert not _inside(box, ax.transData.transform(xy)).any(), line.get_label()
