"""Notebook 4, the binary toy (:mod:`gumbel_utils.viz.relaxed_toy`): relaxed objective, minimiser, training.

The explorer draws :mod:`gumbel_utils.relaxed_toy`'s quadrature at every position of its temperature slider.
"""

from __future__ import annotations

import functools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gumbel_utils.objectives import OBJECTIVES, vertex_values  # noqa: E402
from gumbel_utils.registry import ESTIMATORS  # noqa: E402

from gumbel_utils.relaxed_toy import (  # noqa: E402
    relaxed_toy_curves,
    relaxed_toy_minimizer,
    relaxed_toy_minimum,
    relaxed_toy_objective,
    relaxed_toy_threshold,
)
from gumbel_utils.training import train_toy  # noqa: E402
from gumbel_utils.training_stats import run_band  # noqa: E402
from gumbel_utils.viz import relaxed_toy as V  # noqa: E402
from _viz import figure_fits, only_artists  # noqa: E402


X = np.array([1.0, 0.5, 0.0])
TAUS = np.geomspace(0.05, 5, 5)


@pytest.mark.slow
def test_explore_relaxed_toy_draws_the_quadrature():
    ex = V.explore_relaxed_toy()
    figure_fits(ex)
    assert ex.is_live_recompute("t") and not ex.is_live_recompute("tau")
    for t, tau in [(0.45, 0.1), (0.45, 0.2), (0.499, 1.0), (0.3, 3.0)]:  # positions of the slider
        ex.controls["t"].value = t
        ex.controls["tau"].value = tau
        tau_shown = ex.state["tau"]
        assert ex.state["p_star"] == pytest.approx(relaxed_toy_minimizer(t, tau_shown), abs=1e-12)
        p = ex.state["p"]
        np.testing.assert_allclose(ex.artists["relaxed"].get_ydata(),
                                   relaxed_toy_objective(np.log(p / (1 - p)), t, tau_shown), rtol=1e-12)
        np.testing.assert_allclose(ex.artists["curve"].get_ydata(), relaxed_toy_minimizer(t, ex.state["taus"]))
        assert ex.artists["threshold"].get_xdata()[0] == pytest.approx(relaxed_toy_threshold(t))
        assert ex.artists["p_star"].get_xdata()[0] == pytest.approx(ex.state["p_star"])
        assert ex.artists["p_star"].get_ydata()[0] == pytest.approx(relaxed_toy_minimum(t, tau_shown)[1], rel=1e-12)
    np.testing.assert_array_equal(ex.state["taus"], [v for _label, v in ex.controls["tau"].options])
    # a starting temperature between two positions of the slider becomes a position: computed exactly, not snapped
    ex = V.explore_relaxed_toy(tau=0.37)
    assert ex.controls["tau"].value == 0.37 and 0.37 in ex.state["taus"]
    assert ex.state["p_star"] == pytest.approx(relaxed_toy_minimizer(0.45, 0.37), abs=1e-12)


def test_relaxed_minimizer_and_relaxed_objective():
    p_star = {0.45: relaxed_toy_minimizer(0.45, TAUS)}
    art = V.plot_relaxed_minimizer(TAUS, p_star)
    assert only_artists(art)
    np.testing.assert_allclose(art[0.45]["line"].get_ydata(), p_star[0.45])
    assert art[0.45]["threshold"].get_xdata()[0] == pytest.approx(0.1)

    p = np.linspace(0.01, 0.99, 50)
    stars, relaxed, true = relaxed_toy_curves(0.45, [1.0], p)
    p_star, r_star = relaxed_toy_minimum(0.45, 1.0)
    art = V.plot_relaxed_objective(p, relaxed[0], true, p_star, r_star, t=0.45, tau=1.0)
    assert only_artists(art)
    np.testing.assert_array_equal(art["relaxed"].get_ydata(), relaxed[0])
    np.testing.assert_array_equal(art["true"].get_ydata(), true)
    assert art["p_star"].get_xdata()[0] == stars[0] == p_star and art["p_star"].get_ydata()[0] == r_star
    assert art["truth"].get_ydata()[0] == pytest.approx(0.45**2)


def test_toy_training_draws_the_median_and_range_of_the_runs():
    toy = {"gumbel_softmax_grad": train_toy("gumbel_softmax_grad", 0.45, steps=20, tau=0.5, rng=[0, 1]),
           "straight_through": train_toy("straight_through", 0.45, steps=20, tau=0.5, rng=[0, 1])}
    art = V.plot_toy_training(toy, targets={"gumbel_softmax_grad": np.full(21, 0.3)}, p_relaxed=0.355)
    assert only_artists(art)
    np.testing.assert_allclose(art["gumbel_softmax_grad"]["line"].get_ydata(), run_band(toy["gumbel_softmax_grad"].p).median)
    assert art["straight_through"]["line"].get_marker() == ESTIMATORS["straight_through"].marker
    # several runs of ONE estimator (schedules): each its own colour and marker
    same = {"a": toy["gumbel_softmax_grad"], "b": toy["gumbel_softmax_grad"]}
    art = V.plot_toy_training(same, labels={"a": "a", "b": "b"})
    assert art["a"]["line"].get_marker() != art["b"]["line"].get_marker()
    assert art["a"]["line"].get_color() != art["b"]["line"].get_color()


@pytest.mark.parametrize("call, error", [
    (lambda: V.explore_relaxed_toy(t=0.2), ValueError),
    (lambda: V.explore_relaxed_toy(t="0.45"), TypeError),
])
def test_explorer_arguments_are_checked(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.slow
def test_a_tau_outside_the_slider_widens_it():
    ex = V.explore_relaxed_toy(tau=30.0)
    assert ex.controls["tau"].value == 30.0 and ex.controls["tau"].options[-1][1] >= 30.0
