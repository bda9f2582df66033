"""The panels of measurements against the temperature (:mod:`gumbel_utils.viz.bias_variance_panels`).

Bias, variance and MSE with the Monte Carlo resolution drawn, the MSE at two batch sizes, the relative
bias and the exact K = 2 curves: the drawn data is the math layer's (:mod:`gumbel_utils.gradient_stats`).
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gumbel_utils.registry import ESTIMATORS  # noqa: E402
from gumbel_utils.binary_exact import exact_binary_moments
from gumbel_utils.gradient_stats import bias2_upper_bound, bias_variance, bias_variance_sweep, mse_optimal_tau, relative_bias, resolved_bias2
from gumbel_utils.objectives import OBJECTIVES, Cubic  # noqa: E402
from gumbel_utils.viz import bias_variance_panels as B  # noqa: E402

X = np.array([1.0, 0.5, 0.0])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


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
        assert art["lines"][("score_function_baseline", n)].get_linestyle() == "--"
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
