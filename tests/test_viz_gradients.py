"""Explorers of Notebook 3, driven through their controls, with assertions on the drawn data.

The drawn data is compared with the math layer that defines it (objectives, estimators,
gradient_stats). The last section tests the functions gradient_stats gained for these
figures (log-magnitude histogram, spread of the estimates, resolved bias, relative bias)
and that a newly registered estimator appears in the sweep and the explorer's legend.
The static panels are tested in ``test_viz_gradient_panels.py``.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gumbel_utils.conditional import gumbel_rao
from gumbel_utils.estimators import score_function
from gumbel_utils.registry import ESTIMATORS, register_estimator, unregister_estimator
from gumbel_utils.estimate_tails import LOG_MAGNITUDE_EDGES, estimate_spread, log_magnitude_histogram
from gumbel_utils.gradient_stats import bias_variance, bias_variance_sweep, relative_bias, resolved_bias2
from gumbel_utils.objectives import (  # noqa: E402
    OBJECTIVES,
    Cubic,
    Quadratic,
    argmax_objective_curves,
    exact_gradient,
    expected_value,
)
from gumbel_utils.viz import gradients as G  # noqa: E402

X = np.array([1.0, 0.5, 0.0])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------------ explorers


def test_explore_argmax_steps_tau_controls_relaxed_curves():
    ex = G.explore_argmax_steps()
    hard = [np.asarray(line.get_ydata()) for line in ex.artists["hard"]]
    ex.controls["tau"].value = 0.01
    soft = [np.asarray(line.get_ydata()) for line in ex.artists["soft"]]
    for h, s in zip(hard, soft):
        assert np.median(np.abs(h - s)) < 1e-3  # tiny tau: the relaxed curve hugs the steps
    np.testing.assert_array_equal(ex.state["soft"],
                                  argmax_objective_curves(X, OBJECTIVES["cubic"], ex.state["noise"], ex.state["grid"],
                                                          tau=0.01)[1])
    ex.controls["tau"].value = 10.0
    centre = OBJECTIVES["cubic"].value(np.ones(3) / 3)
    for s in (np.asarray(line.get_ydata()) for line in ex.artists["soft"]):
        assert np.abs(s - centre).max() < 0.6  # large tau: near f(centre of the simplex)
    ex.controls["objective"].value = "quadratic"
    assert ex.artists["point"].get_ydata()[0] == pytest.approx(expected_value(X, Quadratic()))
    assert len(ex.timings) == 4 and ex.image.value[:4] == b"\x89PNG"
    assert ex.canvas.full_draws == 1  # one y range for every objective and tau: the background is drawn once


def test_explore_argmax_steps_checks_its_arguments():
    with pytest.raises(ValueError, match="objective.*'linear'.*'quadratic'.*'cubic'"):
        G.explore_argmax_steps(objective="foo")
    with pytest.raises(ValueError, match="logits"):
        G.explore_argmax_steps([1.0])
    e = G.explore_argmax_steps(tau=1e-3)  # below the slider: the slider widens
    assert e.controls["tau"].value == pytest.approx(1e-3) and e.controls["tau"].min <= -3


def test_explore_estimate_histogram_small_tau_spike_and_tail():
    ex = G.explore_estimate_histogram(n=5000)
    ex.controls["tau"].value = 10 ** -2.5
    small_share, tail = ex.state["small"], ex.state["tail_share"]
    assert small_share > 0.9 and tail > 0.5
    values = ex.artists["bars"].get_data().values
    assert values.sum() == pytest.approx(1.0)
    ex.controls["tau"].value = 3.0
    assert ex.state["small"] < small_share and ex.state["tail_share"] < 0.2
    ex.controls["estimator"].value = "gumbel_rao"
    assert ex.state["estimates"].shape == (5000, 3)
    assert matplotlib.colors.to_hex(ex.artists["bars"].get_facecolor()) == ESTIMATORS["gumbel_rao"].color.lower()
    ex.controls["objective"].value = "quadratic"
    assert ex.artists["exact"].get_xdata()[0] == pytest.approx(np.log10(abs(exact_gradient(X, Quadratic())[0])))
    assert [v for _label, v in ex.controls["estimator"].options] == [n for n, s in ESTIMATORS.items()
                                                                     if s.tau_dependent]


def test_explore_estimate_histogram_reused_draws_are_exact():
    """Gumbel-Rao's draws, made once, give exactly gumbel_rao's estimates, for every tau and objective."""
    ex = G.explore_estimate_histogram(n=3000, seed=5)
    ex.controls["estimator"].value = "gumbel_rao"
    m = ESTIMATORS["gumbel_rao"].options["m"]
    for objective in ("quadratic", "cubic"):
        ex.controls["objective"].value = objective
        for tau in (10 ** -2.5, 0.3, 3.0):
            ex.controls["tau"].value = tau
            expected = gumbel_rao(X, OBJECTIVES[objective], 3000, tau=tau, rng=5, m=m)
            np.testing.assert_array_equal(ex.state["estimates"], expected)


@pytest.mark.slow
def test_explore_bias_variance_batch_moves_tau_star_and_logits_recompute():
    ex = G.explore_bias_variance(n_samples=4000)
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
    ex = G.explore_bias_variance((1.0, 0.5, -0.7), n_samples=500, taus=[0.1, 1.0])
    np.testing.assert_allclose(ex.state["results"]["score_function"].exact, exact_gradient([1.0, 0.5, -0.7], Cubic()))
    with pytest.raises(ValueError, match="logits must hold 3 values"):
        G.explore_bias_variance((1, 0.5, 0, 0))
    with pytest.raises(ValueError, match="objective"):
        G.explore_bias_variance(objective="foo")
    ex = G.explore_bias_variance((4.5, 0.5, 0.0), n_samples=500, taus=[0.1, 1.0])  # beyond the slider: widened
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
        ex = G.explore_bias_variance(n_samples=500, taus=[0.1, 1.0])
        labels = [t.get_text() for t in ex.artists["legend"].get_texts()]
        assert "toy: half the score function" in labels
        line = ex.artists["lines"][("toy_half_score", 1)]
        assert matplotlib.colors.to_hex(line.get_color()) == "#123456"
        np.testing.assert_allclose(line.get_ydata(), ex.state["results"]["toy_half_score"].variance)
    finally:
        unregister_estimator("toy_half_score")
    assert "toy_half_score" not in ESTIMATORS


@pytest.mark.slow
@pytest.mark.parametrize("builder", ["explore_argmax_steps", "explore_estimate_histogram"])
def test_single_tau_views_redraw_quickly(builder):
    ex = getattr(G, builder)()
    for t in np.geomspace(0.01, 5, 8):
        ex.controls["tau"].value = t
    # a loose bound for a shared test machine; `make bench` reports the p95 against the 30 ms target
    assert np.percentile(ex.timings[1:], 95) < 0.5
    assert ex.canvas.full_draws == 1  # blitting: the axes were drawn once


@pytest.mark.slow
@pytest.mark.parametrize("builder", ["explore_argmax_steps", "explore_estimate_histogram"])
def test_blitted_frames_equal_full_redraws(builder):
    e = getattr(G, builder)()
    for value in (0.01, 0.3, 5.0):
        e.controls["tau"].value = value
        blitted = np.asarray(e.fig.canvas.buffer_rgba()).copy()
        e.fig.canvas._background = None  # force a full draw of the same state
        e.fig.canvas.draw()
        assert np.array_equal(blitted, np.asarray(e.fig.canvas.buffer_rgba()))


# ------------------------------------------------------------------ math the figures draw (gradient_stats)


def test_estimate_spread_and_resolved_and_relative_bias():
    g = np.vstack([np.zeros((98, 3)), [[10.0, 0, 0], [0.001, 2.0, 0]]])
    s = estimate_spread(g)
    assert s.small_share == pytest.approx(0.99) and s.max_abs == 10.0
    assert s.tail_share == pytest.approx(100 / 104)
    r = bias_variance("straight_through", X, Cubic(), [0.3, 1.0], n_samples=20_000, rng=0)
    b2 = resolved_bias2(r)
    assert np.all(np.isnan(b2) | (b2 == r.bias2))
    assert np.isfinite(b2).all()  # straight-through is biased for a cubic f (Notebook 3)
    u = bias_variance("score_function", X, Cubic(), n_samples=20_000, rng=0)
    assert np.isnan(resolved_bias2(u))  # unbiased: never resolved
    rel, resolution = relative_bias(r)
    np.testing.assert_allclose(rel, np.sqrt(r.bias2) / np.linalg.norm(r.exact))
    assert np.all(resolution > 0)


# ------------------------------------------------------------------ issue 12: the bias made visible


def test_explore_argmax_steps_draws_the_averaged_relaxed_curve():
    """The dash-dotted curve is relaxed_objective_curve over the noises after the three drawn ones."""
    from gumbel_utils.objectives import relaxed_objective_curve
    from gumbel_utils.sampling import sample_gumbel

    ex = G.explore_argmax_steps(seed=2, n_average=300)
    noise = sample_gumbel((303, 3), rng=2)
    np.testing.assert_array_equal(ex.state["noise"], sample_gumbel((3, 3), rng=2))  # the same three curves
    for tau, objective in ((0.3, "cubic"), (3.0, "quadratic")):
        ex.controls["tau"].value = tau
        ex.controls["objective"].value = objective
        c = relaxed_objective_curve(X, OBJECTIVES[objective], noise[3:], ex.state["grid"][::10], tau=tau)
        np.testing.assert_allclose(ex.artists["relaxed"].get_ydata(), c.value, rtol=1e-12)
        np.testing.assert_allclose(ex.state["relaxed"].slope, c.slope, rtol=1e-12)
        assert f"{c.slope[30]:.3f}" in ex.status.value
    with pytest.raises(ValueError, match="n_average"):
        G.explore_argmax_steps(n_average=10)


@pytest.mark.slow
def test_explore_bias_variance_marks_the_unresolved_bias_and_keeps_stars_whole():
    from gumbel_utils.gradient_stats import bias2_upper_bound

    ex = G.explore_bias_variance(n_samples=2000)
    for name, r in ex.state["results"].items():
        np.testing.assert_allclose(ex.artists["bounds"][name].get_ydata(), bias2_upper_bound(r))
        assert not ex.artists["stars"][name].get_clip_on()
    # every mark lies inside the bias panel's y range
    lo, hi = ex.artists["axes"][0].get_ylim()
    marks = np.concatenate([np.asarray(b.get_ydata()) for b in ex.artists["bounds"].values()])
    marks = marks[np.isfinite(marks)]
    assert marks.size and lo <= marks.min() and marks.max() <= hi
