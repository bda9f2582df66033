"""The panels of Notebook 4 (:mod:`gumbel_utils.viz.training_panels`): artists only, and the drawn data is the math layer's."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402

from gumbel_utils.gradient_stats import bias_variance  # noqa: E402
from gumbel_utils.objectives import OBJECTIVES, vertex_values  # noqa: E402
from gumbel_utils.relaxation_stats import monte_carlo_mean  # noqa: E402
from gumbel_utils.relaxed_toy import relaxed_toy_curves, relaxed_toy_minimizer  # noqa: E402
from gumbel_utils.registry import ESTIMATORS  # noqa: E402
from gumbel_utils.schedules import anneal  # noqa: E402
from gumbel_utils.training import train_logits, train_toy  # noqa: E402
from gumbel_utils.training_stats import logit_scale, rebar_eta_variance  # noqa: E402
from gumbel_utils.viz import training as V  # noqa: E402
from gumbel_utils.viz import training_panels as P  # noqa: E402

X = np.array([1.0, 0.5, 0.0])
TAUS = np.geomspace(0.05, 5, 5)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _only_artists(value) -> bool:
    if isinstance(value, Artist):
        return True
    if isinstance(value, dict):
        return all(_only_artists(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_only_artists(v) for v in value)
    return type(value).__name__ in ("ErrorbarContainer", "BarContainer")


def test_the_explorer_module_re_exports_every_panel():
    for name in P.__all__:
        if name.startswith("plot_"):
            assert getattr(V, name) is getattr(P, name) and name in V.__all__


def test_training_curves_and_toy_training():
    f = OBJECTIVES["quadratic"]
    runs = {name: train_logits(name, f, np.zeros(3), steps=20, batch=2, tau=0.5, rng=[0, 1])
            for name in ("score_function", "noise_free_grad")}
    art = P.plot_training_curves(runs)
    assert _only_artists(art)
    np.testing.assert_allclose(art["score_function"]["line"].get_ydata(), np.median(runs["score_function"].objective, 0))
    assert art["score_function"]["line"].get_color() == ESTIMATORS["score_function"].color
    assert art["optimum"].get_ydata()[0] == pytest.approx(vertex_values(f, 3).min())

    toy = {"gumbel_softmax_grad": train_toy("gumbel_softmax_grad", 0.45, steps=20, tau=0.5, rng=[0, 1])}
    art = P.plot_toy_training(toy, targets={"gumbel_softmax_grad": np.full(21, 0.3)}, p_relaxed=0.355)
    assert _only_artists(art)
    np.testing.assert_allclose(art["gumbel_softmax_grad"]["line"].get_ydata(), np.median(toy["gumbel_softmax_grad"].p, 0))


def test_relaxed_minimizer_and_relaxed_objective():
    p_star = {0.45: relaxed_toy_minimizer(0.45, TAUS)}
    art = P.plot_relaxed_minimizer(TAUS, p_star)
    assert _only_artists(art)
    np.testing.assert_allclose(art[0.45]["line"].get_ydata(), p_star[0.45])
    assert art[0.45]["threshold"].get_xdata()[0] == pytest.approx(0.1)

    p = np.linspace(0.01, 0.99, 50)
    stars, relaxed, true = relaxed_toy_curves(0.45, [1.0], p)
    art = P.plot_relaxed_objective(p, relaxed[0], true, stars[0], t=0.45, tau=1.0)
    assert _only_artists(art)
    np.testing.assert_array_equal(art["relaxed"].get_ydata(), relaxed[0])
    np.testing.assert_array_equal(art["true"].get_ydata(), true)
    assert art["p_star"].get_xdata()[0] == stars[0]
    assert art["truth"].get_ydata()[0] == pytest.approx(0.45**2)


def test_rebar_bias_and_variance():
    res = {"rebar": bias_variance("rebar", X, OBJECTIVES["cubic"], TAUS, n_samples=2000, rng=0)}
    art = P.plot_rebar_bias(res)
    assert _only_artists(art)
    r = rebar_eta_variance(X, OBJECTIVES["cubic"], TAUS, [0.0, 1.0], n_samples=2000, rng=0)
    art = P.plot_rebar_variance(r, eta=1.0, baseline=0.25, tau_index=2)
    assert _only_artists(art)
    np.testing.assert_allclose(art["fixed"].get_ydata(), r.variance_at(1.0))
    np.testing.assert_allclose(art["optimal"].get_ydata(), r.variance_opt)
    etas = art["parabola"].get_xdata()
    np.testing.assert_allclose(art["parabola"].get_ydata(), r.variance_at(etas)[2])  # the parabola at the third tau
    assert art["score_point"].get_ydata()[0] == r.var_a[2]


def test_schedule_batch_tau_and_logit_scale():
    steps = np.arange(0, 2000)
    sched = anneal(steps, tau0=1.0, tau_min=0.5, rate=1e-3, every=100)
    art = P.plot_schedule(steps, {"s": sched})
    np.testing.assert_allclose(art["s"].get_ydata(), sched)

    gaps = {1: np.ones((5, 3)) * 0.1, 8: np.arange(15).reshape(5, 3) * 0.01 + 0.01}
    art = P.plot_batch_tau(TAUS, gaps, tau_star={1: 2.0})
    assert _only_artists(art)
    assert art[8]["best"].get_xdata()[0] == TAUS[0]
    np.testing.assert_allclose(art[8]["line"].lines[0].get_ydata(), monte_carlo_mean(gaps[8].T).mean)

    theta = train_logits("gumbel_softmax_grad", OBJECTIVES["linear"], np.zeros(3), steps=40, tau=0.5, rng=0).theta[0]
    norm, frac = logit_scale(theta[::10], 0.5, n_samples=200, rng=0)
    art = P.plot_logit_scale(np.arange(0, 41, 10), {"a": norm}, {"a": frac})
    assert _only_artists(art)
    np.testing.assert_array_equal(art["norm"]["a"].get_ydata(), norm)
    np.testing.assert_array_equal(art["one_hot"]["a"].get_ydata(), frac)
