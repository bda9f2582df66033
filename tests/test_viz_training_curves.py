"""Notebook 4, training curves (:mod:`gumbel_utils.viz.training_curves`): the exact objective along training.

The explorer's drawn data is :func:`~gumbel_utils.training.train_logits`'s; the panels draw
:func:`~gumbel_utils.training_stats.run_band` and :func:`~gumbel_utils.training_stats.final_gap_by_tau`.
"""

from __future__ import annotations

import functools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gumbel_utils.objectives import OBJECTIVES, vertex_values  # noqa: E402
from gumbel_utils.registry import ESTIMATORS  # noqa: E402

from gumbel_utils.training import train_logits  # noqa: E402
from gumbel_utils.training_stats import final_gap_by_tau, logit_scale, run_band  # noqa: E402
from gumbel_utils.viz import training_curves as V  # noqa: E402
from _viz import figure_fits, only_artists  # noqa: E402


X = np.array([1.0, 0.5, 0.0])
TAUS = np.geomspace(0.05, 5, 5)


def test_the_progress_bar_has_one_home():
    from gumbel_utils import progress

    assert not hasattr(V, "ProgressBar") and not hasattr(V, "progress_bar")   # no re-export chain
    assert progress.ProgressBar.__module__ == "gumbel_utils.progress"


@pytest.mark.slow
def test_explore_training_draws_what_train_computes():
    ex = V.explore_training(steps=40)
    figure_fits(ex)
    assert ex.live_recompute is True
    ex.controls["tau"].value = 0.1
    ex.controls["n"].value = 8
    ex.controls["objective"].value = "linear"
    f = OBJECTIVES["linear"]
    for name in ("score_function", "gumbel_softmax_grad", "noise_free_grad"):
        tr = train_logits(name, f, np.zeros(3), steps=40, lr=0.05, batch=8, tau=0.1, rng=0)
        np.testing.assert_array_equal(ex.state["objective"][name], tr.objective[0])
        np.testing.assert_array_equal(ex.artists["lines"][name].get_ydata(), tr.objective[0])
    assert ex.state["optimum"] == 0.0
    assert ex.artists["optimum"].get_ydata()[0] == 0.0
    # going back is served from the cache: same numbers
    ex.controls["tau"].value = 0.5
    first = ex.state["objective"]["rebar"].copy()
    ex.controls["tau"].value = 0.1
    ex.controls["tau"].value = 0.5
    np.testing.assert_array_equal(ex.state["objective"]["rebar"], first)


def test_objective_curves_draw_the_median_and_range_of_the_runs():
    f = OBJECTIVES["quadratic"]
    runs = {name: train_logits(name, f, np.zeros(3), steps=20, batch=2, tau=0.5, rng=[0, 1])
            for name in ("score_function", "noise_free_grad")}
    art = V.plot_objective_curves(runs)
    assert only_artists(art)
    band = run_band(runs["score_function"].objective)
    np.testing.assert_allclose(art["score_function"]["line"].get_ydata(), band.median)
    np.testing.assert_allclose(art["score_function"]["band"].get_paths()[0].vertices[:, 1].max(), band.high.max())
    for name in runs:  # the registry's colour, line style and marker
        line = art[name]["line"]
        assert line.get_color() == ESTIMATORS[name].color and line.get_marker() == ESTIMATORS[name].marker
    assert art["optimum"].get_ydata()[0] == pytest.approx(vertex_values(f, 3).min())


def test_batch_tau_and_logit_scale():
    gaps = {1: np.ones((5, 3)) * 0.1, 8: np.arange(15).reshape(5, 3) * 0.01 + 0.01}
    art = V.plot_batch_tau(TAUS, gaps, tau_star={1: 2.0})
    assert only_artists(art)
    assert art[8]["best"].get_xdata()[0] == TAUS[0]
    np.testing.assert_allclose(art[8]["line"].lines[0].get_ydata(), final_gap_by_tau(gaps[8]).mean)
    assert art[8]["best"].get_xdata()[0] == TAUS[final_gap_by_tau(gaps[8]).best]
    assert art[1]["line"].lines[0].get_marker() != art[8]["line"].lines[0].get_marker()  # batch sizes differ in style

    theta = train_logits("gumbel_softmax_grad", OBJECTIVES["linear"], np.zeros(3), steps=40, tau=0.5, rng=0).theta[0]
    norm, frac = logit_scale(theta[::10], 0.5, n_samples=200, rng=0)
    art = V.plot_logit_scale(np.arange(0, 41, 10), {"a": norm}, {"a": frac})
    assert only_artists(art)
    np.testing.assert_array_equal(art["norm"]["a"].get_ydata(), norm)
    np.testing.assert_array_equal(art["one_hot"]["a"].get_ydata(), frac)


@pytest.mark.parametrize("call, error", [
    (lambda: V.explore_training(objective="cosine"), ValueError),
    (lambda: V.explore_training(n=3), ValueError),
    (lambda: V.explore_training(n=2.0), TypeError),
    (lambda: V.explore_training(tau=0.0), ValueError),
    (lambda: V.explore_training(seed=-1), ValueError),
    (lambda: V.explore_training(seed="0"), TypeError),
    (lambda: V.explore_training(estimators=["nope"]), ValueError),
])
def test_explorer_arguments_are_checked(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.slow
def test_a_tau_outside_the_slider_widens_it():
    ex = V.explore_training(tau=0.002, steps=10)
    assert ex.controls["tau"].value == 0.002 and ex.controls["tau"].options[0][1] <= 0.002
