"""Notebook 4, annealing (:mod:`gumbel_utils.viz.annealing`): the schedule, edited live, and the run it drives."""

from __future__ import annotations

import functools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gumbel_utils.objectives import OBJECTIVES, vertex_values  # noqa: E402
from gumbel_utils.registry import ESTIMATORS  # noqa: E402

from gumbel_utils.relaxed_toy import relaxed_toy_minimizer  # noqa: E402
from gumbel_utils.schedules import anneal  # noqa: E402
from gumbel_utils.training import train_toy  # noqa: E402
from gumbel_utils.viz import annealing as V  # noqa: E402
from _viz import figure_fits, only_artists  # noqa: E402


X = np.array([1.0, 0.5, 0.0])
TAUS = np.geomspace(0.05, 5, 5)


@pytest.mark.slow
def test_explore_annealing_trains_with_the_schedule():
    ex = V.explore_annealing(steps=300)
    figure_fits(ex)
    ex.controls["tau_min"].value = 0.2
    ex.controls["every"].value = 50
    v = ex.values
    sched = functools.partial(anneal, tau0=v["tau0"], tau_min=v["tau_min"], rate=v["rate"], every=v["every"])
    np.testing.assert_allclose(ex.state["tau"], sched(np.arange(301)))
    tr = train_toy("gumbel_softmax_grad", 0.45, steps=300, lr=0.05, batch=16, tau=sched, rng=0)
    np.testing.assert_array_equal(ex.state["p"], tr.p[0])
    np.testing.assert_array_equal(ex.artists["p"].get_ydata(), tr.p[0])
    np.testing.assert_allclose(ex.state["target"], relaxed_toy_minimizer(0.45, sched(np.arange(301))))


def test_plot_schedule():
    steps = np.arange(0, 2000)
    sched = anneal(steps, tau0=1.0, tau_min=0.5, rate=1e-3, every=100)
    art = V.plot_schedule(steps, {"s": sched, "t": 0.5 * sched})
    np.testing.assert_allclose(art["s"].get_ydata(), sched)
    assert art["s"].get_marker() != art["t"].get_marker()  # the schedules differ in style, not colour only


@pytest.mark.parametrize("call, error", [
    (lambda: V.explore_annealing(tau_min=-1.0), ValueError),
    (lambda: V.explore_annealing(t=0.7), ValueError),
])
def test_explorer_arguments_are_checked(call, error):
    with pytest.raises(error):
        call()
