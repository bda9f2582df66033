"""Notebook 3, bias, variance and MSE against tau (:mod:`gumbel_utils.viz.bias_variance`).

The explorer is driven through its controls and every panel's data compared with
:mod:`gumbel_utils.gradient_stats` (the MSE and its standard error from ``BiasVariance.mse_at``/``mse_se_at``,
tau* from :func:`~gumbel_utils.tau_star.mse_optimal_tau`); labels, colours AND line styles are the registry's,
and a newly registered estimator appears in the sweep and the legend.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gumbel_utils.binary_exact import exact_binary_moments  # noqa: E402
from gumbel_utils.estimators import score_function  # noqa: E402
from gumbel_utils.gradient_stats import (bias2_upper_bound, bias_variance, bias_variance_sweep, relative_bias,
                                         resolved_bias2)
from gumbel_utils.tau_star import mse_optimal_tau
from gumbel_utils.objectives import OBJECTIVES, Cubic, exact_gradient  # noqa: E402
from gumbel_utils.registry import ESTIMATORS, register_estimator, unregister_estimator  # noqa: E402
from gumbel_utils.viz import bias_variance as B  # noqa: E402


X = np.array([1.0, 0.5, 0.0])


@pytest.mark.slow
def test_explore_bias_variance_batch_moves_tau_star_and_logits_recompute():
    ex = B.explore_bias_variance(n_samples=4000)
    state = ex.state
    star1 = state["tau_star"]["gumbel_softmax_grad"][0]
    draws = ex.canvas.full_draws
    ex.controls["n"].value = 1000
    assert ex.canvas.full_draws == draws  # a batch move redraws only the MSE panel over the cached background
    star1000 = state["tau_star"]["gumbel_softmax_grad"][0]
    assert star1000 < star1
    line = ex.artists["lines"][("gumbel_softmax_grad", 2)]
    r = state["results"]["gumbel_softmax_grad"]
    np.testing.assert_allclose(line.get_ydata(), r.bias2 + r.variance / 1000)
    old = r.variance.copy()
    ex.controls["x1"].value = -1.0
    new = state["results"]["gumbel_softmax_grad"]
    assert not np.allclose(new.variance, old)
    np.testing.assert_allclose(new.exact, exact_gradient([-1.0, 0.5, 0.0], Cubic()))
    ex.controls["objective"].value = "linear"
    np.testing.assert_allclose(state["results"]["straight_through"].mean, state["results"]["gumbel_softmax_grad"].mean,
                               atol=5 * state["results"]["straight_through"].bias_se.max())
    assert ex.controls["x1"].continuous_update is False
    assert ex.live_recompute == {"x1", "x2", "objective"} and not ex.is_live_recompute("n")


@pytest.mark.slow
def test_explore_bias_variance_uses_the_logits_it_is_given():
    """Issue 9: the third logit was documented as 0 but taken from the argument; now documented and checked."""
    ex = B.explore_bias_variance((1.0, 0.5, -0.7), n_samples=500, taus=[0.1, 1.0])
    np.testing.assert_allclose(ex.state["results"]["score_function"].exact, exact_gradient([1.0, 0.5, -0.7], Cubic()))
    with pytest.raises(ValueError, match="logits must hold 3 values"):
        B.explore_bias_variance((1, 0.5, 0, 0))
    with pytest.raises(ValueError, match="objective"):
        B.explore_bias_variance(objective="foo")
    ex = B.explore_bias_variance((4.5, 0.5, 0.0), n_samples=500, taus=[0.1, 1.0])  # beyond the slider: widened
    assert ex.controls["x1"].value == 4.5 and ex.controls["x1"].max >= 4.5


@pytest.mark.slow
def test_a_registered_estimator_appears_in_the_sweep_and_the_legend():
    """Adding an estimator is one function and one registration: sweeps and figures pick it up."""

    def half_score(logits, f, n_samples=None, *, tau=None, rng=None, noise=None):
        return 0.5 * score_function(logits, f, n_samples, tau=tau, rng=rng, noise=noise)

    register_estimator("toy_half_score", half_score, label="toy: half the score function", color="#123456",
                       linestyle=(0, (1, 4)), marker="*", tau_dependent=False)
    try:
        res = bias_variance_sweep(X, Cubic(), [0.1, 1.0], n_samples=500, rng=0)
        assert "toy_half_score" in res
        assert res["toy_half_score"].exact == pytest.approx(exact_gradient(X, Cubic()))
        ex = B.explore_bias_variance(n_samples=500, taus=[0.1, 1.0])
        labels = [t.get_text() for t in ex.artists["legend"].get_texts()]
        assert "toy: half the score function" in labels
        line = ex.artists["lines"][("toy_half_score", 1)]
        assert matplotlib.colors.to_hex(line.get_color()) == "#123456"
        np.testing.assert_allclose(line.get_ydata(), ex.state["results"]["toy_half_score"].variance)
    finally:
        unregister_estimator("toy_half_score")
    assert "toy_half_score" not in ESTIMATORS


@pytest.mark.slow
def test_explore_bias_variance_marks_the_unresolved_bias_and_keeps_stars_whole():
    from gumbel_utils.gradient_stats import bias2_upper_bound

    ex = B.explore_bias_variance(n_samples=2000)
    for name, r in ex.state["results"].items():
        np.testing.assert_allclose(ex.artists["bounds"][name].get_ydata(), bias2_upper_bound(r))
        assert not ex.artists["stars"][name].get_clip_on()
    # every mark lies inside the bias panel's y range
    lo, hi = ex.artists["axes"][0].get_ylim()
    marks = np.concatenate([np.asarray(b.get_ydata()) for b in ex.artists["bounds"].values()])
    marks = marks[np.isfinite(marks)]
    assert marks.size and lo <= marks.min() and marks.max() <= hi


def test_plot_bias_variance_lines_match_results():
    taus = np.geomspace(0.05, 5, 6)
    res = bias_variance_sweep(X, Cubic(), taus, n_samples=3000, batches=[10], rng=0)
    art = B.plot_bias_variance(res, batch=10)
    for name, r in res.items():
        np.testing.assert_allclose(art["lines"][(name, 0)].get_ydata(), resolved_bias2(r))
        np.testing.assert_allclose(art["lines"][(name, 1)].get_ydata(), r.variance)
        np.testing.assert_allclose(art["lines"][(name, 2)].get_ydata(), r.mse_at(10))
        if not ESTIMATORS[name].batch_dependent:
            np.testing.assert_allclose(r.mse_at(10), r.bias2 + r.variance / 10)
        assert matplotlib.colors.to_hex(art["lines"][(name, 1)].get_color()) == ESTIMATORS[name].color.lower()
    star_x = art["stars"]["gumbel_softmax_grad"].get_xdata()[0]
    assert star_x == pytest.approx(mse_optimal_tau(res["gumbel_softmax_grad"], 10)[0])
    assert np.isnan(art["stars"]["score_function"].get_xdata()[0])  # no temperature, no star


def test_plot_bias_variance_draws_the_resolution_where_the_bias_is_not_resolved():
    taus = np.geomspace(0.01, 10, 9)
    res = bias_variance_sweep(X, Cubic(), taus, n_samples=3000, rng=0,
                estimators=["score_function_baseline", "gumbel_softmax_grad"])
    art = B.plot_bias_variance(res, batch=1)
    for name, r in res.items():
        line, bound = art["lines"][(name, 0)].get_ydata(), art["bounds"][name].get_ydata()
        np.testing.assert_allclose(bound, bias2_upper_bound(r))
        assert np.all(np.isnan(line) != np.isnan(bound))  # a curve or a mark at every tau, never both
    assert np.all(np.isfinite(art["bounds"]["score_function_baseline"].get_ydata()))  # unbiased: marks only
    labels = [t.get_text() for t in art["legend"].get_texts()]
    assert any("not resolved" in t for t in labels)


def test_plot_mse_by_batch_shows_which_estimator_wins_at_each_n():
    taus = np.geomspace(0.01, 10, 13)
    res = bias_variance_sweep(X, Cubic(), taus, n_samples=5000, batches=[1, 1000], rng=1,
                              estimators=["score_function_baseline", "gumbel_softmax_grad", "straight_through"])
    art = B.plot_mse_by_batch(res, batches=(1, 1000))
    for n in (1, 1000):
        for name, r in res.items():
            np.testing.assert_allclose(art["lines"][(name, n)].get_ydata(), r.mse_at(n))
        assert ("score_function_baseline", n) not in art["stars"]  # no temperature, no star
        for name in res:  # the registry's colour, line style and marker
            line = art["lines"][(name, n)]
            assert line.get_marker() == ESTIMATORS[name].marker
            assert matplotlib.colors.to_hex(line.get_color()) == ESTIMATORS[name].color.lower()
        ts, ms = mse_optimal_tau(res["gumbel_softmax_grad"], n)[:2]
        star = art["stars"][("gumbel_softmax_grad", n)]
        assert (star.get_xdata()[0], star.get_ydata()[0]) == (ts, ms) and not star.get_clip_on()
    # the claim the figure makes (cubic f, K = 3): one sample, the relaxed estimator at its best beats the score
    # function (which has no baseline then); a batch of 1000, the score function with a baseline beats every tau
    sfb = res["score_function_baseline"]
    assert mse_optimal_tau(res["gumbel_softmax_grad"], 1)[1] < sfb.mse_at(1).min()
    assert sfb.mse_at(1000).max() < min(mse_optimal_tau(res[n], 1000)[1]
                                        for n in ("gumbel_softmax_grad", "straight_through"))
    assert art["axes"][0].figure.get_size_inches()[0] * 100 <= 840
    with pytest.raises(ValueError, match="one Axes per batch"):
        B.plot_mse_by_batch(res, batches=(1, 10), axes=art["axes"][:1])


def test_plot_relative_bias_and_k2():
    taus = np.geomspace(0.05, 5, 5)
    res = {n: bias_variance_sweep(X, f, taus, n_samples=2000, rng=1, estimators=["gumbel_softmax_grad", "straight_through"])
           for n, f in OBJECTIVES.items()}
    art = B.plot_relative_bias(res)
    r = res["cubic"]["straight_through"]
    np.testing.assert_allclose(art[("cubic", "straight_through")].get_ydata(), relative_bias(r)[0])
    x2 = [0.5, 0.0]
    ex = {"gumbel_softmax_grad": exact_binary_moments(x2, Cubic(), taus)}
    mc = {"gumbel_softmax_grad": bias_variance("gumbel_softmax_grad", x2, Cubic(), taus, n_samples=2000, rng=0)}
    art = B.plot_k2_exact(ex, mc)
    np.testing.assert_allclose(art[("gumbel_softmax_grad", "var")].get_ydata(), ex["gumbel_softmax_grad"].variance)
