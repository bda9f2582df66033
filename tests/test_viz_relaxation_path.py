"""Notebooks 0 and 2, the relaxation path (:mod:`gumbel_utils.viz.relaxation_path`): one noise draw as tau moves.

The explorer is driven through its sliders and the drawn data compared with
:func:`~gumbel_utils.gumbel_softmax` and :func:`~gumbel_utils.relaxation_stats.relaxation_path` on the same noise.
"""

from __future__ import annotations

import numpy as np
import pytest

from gumbel_utils import TRIANGLE, gumbel_softmax, sample_gumbel
from gumbel_utils.relaxation_stats import relaxation_path
from gumbel_utils.viz import relaxation_path as viz
from gumbel_utils.viz.simplex_frame import plot_simplex_frame
from _viz import drawn_renderer, marker_xy  # noqa: E402


X = np.log([0.2, 0.3, 0.5])
TAUS = [0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0]  # positions of the temperature slider


@pytest.mark.slow
def test_relaxation_path_point_is_gumbel_softmax_with_fixed_noise_and_argmax_never_changes():
    e = viz.explore_relaxation_path(X, tau=1.0, seed=3)
    g = sample_gumbel(3, rng=3)
    k_star = int(np.argmax(X + g))
    png0 = e.image.value
    for tau in TAUS:
        e.controls["tau"].value = tau
        y = gumbel_softmax(X, tau, noise=g)
        np.testing.assert_allclose(marker_xy(e.artists["point"]), y @ TRIANGLE, atol=1e-12)
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
        ends = relaxation_path(viz.DEFAULT_LOGITS, g, [0.01, 10.0]) @ TRIANGLE
        np.testing.assert_allclose(path[[0, -1]], ends, atol=1e-12)
        k = int(np.argmax(np.asarray(viz.DEFAULT_LOGITS) + g))
        np.testing.assert_allclose(marker_xy(e.artists["vertex"]), TRIANGLE[k])


def test_argmax_invariance_over_many_draws_and_temperatures():
    """The notebook's check: 500 draws x 301 temperatures, zero argmax changes."""
    G = sample_gumbel((500, 3), rng=1)
    taus = np.logspace(-2, 1, 301)
    changes = sum(int((relaxation_path(X, gi, taus).argmax(axis=1) != np.argmax(X + gi)).sum()) for gi in G)
    assert changes == 0
    ends = np.array([relaxation_path(X, gi, [0.01, 10.0]) for gi in G])
    assert np.median(1 - ends[:, 0].max(axis=1)) < 1e-6  # at the vertex
    assert np.median(np.abs(ends[:, 1] - 1 / 3).max(axis=1)) < 0.1  # near the centre


def test_relaxation_path_seed_slider_widens():
    e = viz.explore_relaxation_path(seed=45)
    assert e.controls["seed"].value == 45 and e.controls["seed"].max >= 45
    np.testing.assert_array_equal(e.state["noise"], sample_gumbel(3, rng=45))


@pytest.mark.slow
def test_relaxation_path_markers_never_cover_the_vertex_labels():
    e = viz.explore_relaxation_path(X, tau=0.01)
    ax = e.artists["point"].axes
    labels = [t for t in ax.texts if t.get_text().startswith("$e_")]
    assert len(labels) == 3
    for seed in range(31):  # every vertex is the Gumbel-max sample for some seed
        e.controls["seed"].value = seed
        r = drawn_renderer(e)
        for marker in (e.artists["vertex"], e.artists["point"]):
            box = marker.get_window_extent(r)
            assert not any(box.overlaps(t.get_window_extent(r)) for t in labels), seed
    title = e.artists["title"].get_window_extent(r)
    assert title.x1 <= e.fig.bbox.x1 and title.x0 >= 0  # the bar panel's title fits the figure


def test_simplex_frame_and_relaxation_path():
    g = sample_gumbel(3, rng=1)
    art = viz.plot_relaxation_path(X, g, 0.5)
    np.testing.assert_allclose(marker_xy(art["point"]), gumbel_softmax(X, 0.5, noise=g) @ TRIANGLE, atol=1e-12)
    path = np.column_stack(art["path"].get_data())
    np.testing.assert_allclose(path, relaxation_path(X, g, np.logspace(-2, 1, 200)) @ TRIANGLE, atol=1e-12)
    np.testing.assert_allclose(marker_xy(art["vertex"]), TRIANGLE[np.argmax(X + g)])
    frame = plot_simplex_frame(ax=art["point"].axes, labels=["a", "b", "c"])
    assert [t.get_text() for t in frame["labels"]] == ["a", "b", "c"]


def test_relaxed_bars():
    y = np.array([0.2, 0.5, 0.3])
    bars = viz.plot_relaxed_bars(y)
    np.testing.assert_allclose([b.get_height() for b in bars["bars"]], y)


def test_explorer_rejects_wrong_lengths_and_types():
    with pytest.raises(ValueError, match="logits must hold 3 values"):
        viz.explore_relaxation_path((0.0, 1.0))
    with pytest.raises(TypeError, match="seed"):
        viz.explore_relaxation_path(seed=None)
