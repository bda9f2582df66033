"""Notebook 4, REBAR (:mod:`gumbel_utils.viz.rebar`): its bias, and its variance against tau and eta.

The explorer's numbers are :func:`~gumbel_utils.training_stats.rebar_eta_variance` at every position of its
temperature slider.
"""

from __future__ import annotations

import functools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gumbel_utils.objectives import OBJECTIVES, vertex_values  # noqa: E402
from gumbel_utils.registry import ESTIMATORS  # noqa: E402

from gumbel_utils.gradient_stats import bias_variance  # noqa: E402
from gumbel_utils.training_stats import rebar_eta_variance  # noqa: E402
from gumbel_utils.viz import rebar as V  # noqa: E402
from _viz import figure_fits, only_artists  # noqa: E402


X = np.array([1.0, 0.5, 0.0])
TAUS = np.geomspace(0.05, 5, 5)


@pytest.mark.slow
def test_explore_rebar_variance_matches_the_measurement():
    ex = V.explore_rebar_variance(n_samples=4000)
    figure_fits(ex)
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


def test_rebar_bias_and_variance():
    res = {"rebar": bias_variance("rebar", X, OBJECTIVES["cubic"], TAUS, n_samples=2000, rng=0)}
    art = V.plot_rebar_bias(res)
    assert only_artists(art)
    r = rebar_eta_variance(X, OBJECTIVES["cubic"], TAUS, [0.0, 1.0], n_samples=2000, rng=0)
    art = V.plot_rebar_variance(r, eta=1.0, baseline=0.25, tau_index=2)
    assert only_artists(art)
    np.testing.assert_allclose(art["fixed"].get_ydata(), r.variance_at(1.0))
    np.testing.assert_allclose(art["optimal"].get_ydata(), r.variance_opt)
    etas = art["parabola"].get_xdata()
    np.testing.assert_allclose(art["parabola"].get_ydata(), r.variance_at(etas)[2])  # the parabola at the third tau
    assert art["score_point"].get_ydata()[0] == r.var_a[2]


@pytest.mark.parametrize("call, error", [
    (lambda: V.explore_rebar_variance(eta=5.0), ValueError),
    (lambda: V.explore_rebar_variance(logits=[1.0, 2.0]), ValueError),
])
def test_explorer_arguments_are_checked(call, error):
    with pytest.raises(error):
        call()
