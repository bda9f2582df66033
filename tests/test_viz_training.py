"""Explorers of Notebook 4 (gumbel_utils.viz.training), driven through their controls.

Each explorer's drawn data (``explorer.state`` and the artists) are compared with the
package's own computation. The panels are tested in test_viz_training_panels.py.
"""

from __future__ import annotations

import functools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gumbel_utils.objectives import OBJECTIVES  # noqa: E402
from gumbel_utils.relaxed_toy import relaxed_toy_minimizer, relaxed_toy_objective, relaxed_toy_threshold
from gumbel_utils.schedules import anneal
from gumbel_utils.training import train_logits, train_toy
from gumbel_utils.training_stats import rebar_eta_variance  # noqa: E402
from gumbel_utils.viz import Explorer  # noqa: E402
from gumbel_utils.viz import training as V  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_the_progress_bar_has_one_home():
    from gumbel_utils import progress

    assert not hasattr(V, "ProgressBar") and not hasattr(V, "progress_bar")   # no re-export chain
    assert progress.ProgressBar.__module__ == "gumbel_utils.progress"


# ----------------------------------------------------------------------------- explorers


def _figure_fits(ex: Explorer) -> None:
    width, _height = ex.size_px
    assert width <= (560 if ex.layout_mode == "side" else 840)
    assert ex.min_text_px >= 14.0
    assert not ex.non_artists  # artists only (the explorer contract)


@pytest.mark.slow
def test_explore_training_draws_what_train_computes():
    ex = V.explore_training(steps=40)
    _figure_fits(ex)
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


@pytest.mark.slow
def test_explore_relaxed_toy_draws_the_quadrature():
    ex = V.explore_relaxed_toy()
    _figure_fits(ex)
    assert ex.is_live_recompute("t") and not ex.is_live_recompute("tau")
    for t, tau in [(0.45, 0.1), (0.45, 10 ** -0.75), (0.499, 1.0), (0.3, 10 ** 0.5)]:
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
    # a temperature off the slider's grid (set by code) is computed exactly, not snapped
    ex.controls["tau"].value = 0.37
    assert ex.state["p_star"] == pytest.approx(relaxed_toy_minimizer(0.3, ex.controls["tau"].value), abs=1e-12)


@pytest.mark.slow
def test_explore_rebar_variance_matches_the_measurement():
    ex = V.explore_rebar_variance(n_samples=4000)
    _figure_fits(ex)
    x = np.array([1.0, 0.5, 0.0])
    for objective, tau, eta in [("cubic", 0.01, 1.0), ("cubic", 3.0, 0.5), ("linear", 0.3, 0.0)]:
        ex.controls["objective"].value = objective
        ex.controls["tau"].value = tau
        ex.controls["eta"].value = eta
        r = rebar_eta_variance(x, OBJECTIVES[objective], ex.state["result"].tau, [0.0, 1.0], n_samples=4000, rng=0)
        i = int(np.argmin(np.abs(np.log(r.tau / ex.state["tau"]))))
        assert ex.state["variance"] == pytest.approx(float(r.variance_at(eta)[i]), rel=1e-12)
        assert ex.state["score_variance"] == pytest.approx(r.score_variance, rel=1e-12)
        np.testing.assert_allclose(ex.artists["fixed"].get_ydata(), r.variance_at(eta), rtol=1e-12)
        assert ex.artists["eta_mark"].get_xdata()[0] == eta
    # eta = 0 is the score function: its marker sits on the score function's line
    assert ex.state["variance"] == pytest.approx(ex.state["score_variance"], rel=1e-12)


@pytest.mark.slow
def test_explore_annealing_trains_with_the_schedule():
    ex = V.explore_annealing(steps=300)
    _figure_fits(ex)
    ex.controls["tau_min"].value = 0.2
    ex.controls["every"].value = 50
    v = ex.values
    sched = functools.partial(anneal, tau0=v["tau0"], tau_min=v["tau_min"], rate=v["rate"], every=v["every"])
    np.testing.assert_allclose(ex.state["tau"], sched(np.arange(301)))
    tr = train_toy("gumbel_softmax_grad", 0.45, steps=300, lr=0.05, batch=16, tau=sched, rng=0)
    np.testing.assert_array_equal(ex.state["p"], tr.p[0])
    np.testing.assert_array_equal(ex.artists["p"].get_ydata(), tr.p[0])
    np.testing.assert_allclose(ex.state["target"], relaxed_toy_minimizer(0.45, sched(np.arange(301))))


@pytest.mark.parametrize("call, error", [
    (lambda: V.explore_training(objective="cosine"), ValueError),
    (lambda: V.explore_training(n=3), ValueError),
    (lambda: V.explore_training(n=2.0), TypeError),
    (lambda: V.explore_training(tau=0.0), ValueError),
    (lambda: V.explore_training(seed=-1), ValueError),
    (lambda: V.explore_training(seed="0"), TypeError),
    (lambda: V.explore_training(estimators=["nope"]), ValueError),
    (lambda: V.explore_relaxed_toy(t=0.2), ValueError),
    (lambda: V.explore_relaxed_toy(t="0.45"), TypeError),
    (lambda: V.explore_rebar_variance(eta=5.0), ValueError),
    (lambda: V.explore_rebar_variance(logits=[1.0, 2.0]), ValueError),
    (lambda: V.explore_annealing(tau_min=-1.0), ValueError),
    (lambda: V.explore_annealing(t=0.7), ValueError),
])
def test_explorer_arguments_are_checked(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.slow
def test_a_tau_outside_the_slider_widens_it():
    ex = V.explore_relaxed_toy(tau=30.0)
    assert ex.controls["tau"].max >= np.log10(30.0)
    ex = V.explore_training(tau=0.002, steps=10)
    assert ex.controls["tau"].min <= np.log10(0.002)
