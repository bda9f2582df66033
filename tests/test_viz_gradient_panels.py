"""The static panels of Notebook 3 (:mod:`gumbel_utils.viz.gradient_panels`): the drawn data is the math layer's.

The panels of measurements against the temperature are tested in ``test_viz_bias_variance_panels.py``."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gumbel_utils import softmax  # noqa: E402
from gumbel_utils.conditional import conditional_gumbel  # noqa: E402
from gumbel_utils.estimators import gumbel_softmax_grad, score_function  # noqa: E402
from gumbel_utils.registry import ESTIMATORS  # noqa: E402
from gumbel_utils.estimate_tails import estimate_spread, log_magnitude_histogram  # noqa: E402
from gumbel_utils.objectives import (  # noqa: E402
    Cubic,
    Quadratic,
    argmax_objective_curves,
    exact_gradient,
    vertex_values,
)
from gumbel_utils.sampling import sample_gumbel  # noqa: E402
from gumbel_utils.stats import running_mean  # noqa: E402
from gumbel_utils.viz import gradient_panels as G  # noqa: E402

X = np.array([1.0, 0.5, 0.0])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_labels_and_colours_come_from_the_registry():
    for name, spec in ESTIMATORS.items():
        assert G.estimator_label(name) == spec.label and G.estimator_color(name) == spec.color
    assert G.estimator_label("unregistered") == "unregistered"
    assert G.estimator_label("gumbel_rao", {"gumbel_rao": "GR"}) == "GR"
    assert G.estimator_color("unregistered", {"unregistered": "#123456"}) == "#123456"


def test_static_multi_panel_figures_are_pyplot_figures_of_a_lecture_hall_width():
    taus = (0.01, 1.0)
    est = {n: ESTIMATORS[n](X, Cubic(), 500, tau=np.asarray(taus), rng=0) for n in ("gumbel_softmax_grad",)}
    before = set(plt.get_fignums())
    out = G.plot_estimate_histograms(est, exact_gradient(X, Cubic()), taus)
    fig = out[("gumbel_softmax_grad", 0.01)]["bars"].figure
    assert set(plt.get_fignums()) - before == {fig.number}  # shown by the inline backend, closed by it
    assert fig.get_size_inches()[0] * fig.dpi <= 840


def test_plot_argmax_steps_draws_steps_and_expectation():
    f = Cubic()
    g = sample_gumbel((3, 3), rng=0)
    grid = np.linspace(0.0, 2.0, 201)
    art = G.plot_argmax_steps(X, f, g, grid, tau=0.3)
    xx = np.tile(X, (grid.size, 1))
    xx[:, 0] = grid
    np.testing.assert_allclose(art["mean"].get_ydata(), softmax(xx) @ vertex_values(f, 3))
    hard, soft, _mean = argmax_objective_curves(X, f, g, grid, tau=0.3)
    for line, h, s_line, s in zip(art["hard"], hard, art["soft"], soft):
        np.testing.assert_array_equal(line.get_ydata(), h)
        np.testing.assert_array_equal(s_line.get_ydata(), s)
        assert set(np.round(h, 9)) <= set(np.round(vertex_values(f, 3), 9))  # only vertex values: steps
    slope = (art["tangent"].get_ydata()[-1] - art["tangent"].get_ydata()[0]) / (grid[-1] - grid[0])
    assert slope == pytest.approx(exact_gradient(X, f)[0])


def test_plot_running_mean_and_histogram():
    f = Quadratic()
    g = {"score_function": score_function(X, f, 2000, rng=0)}
    art = G.plot_running_mean(g, exact_gradient(X, f))
    line, _band = art["score_function"]
    mean, _se = running_mean(g["score_function"][:, 0])
    np.testing.assert_allclose(line.get_ydata(), mean[10:])
    assert line.get_ydata()[-1] == pytest.approx(g["score_function"][:, 0].mean())
    assert line.get_label() == ESTIMATORS["score_function"].label
    est = gumbel_softmax_grad(X, f, 5000, tau=0.01, rng=0)
    h = G.plot_estimate_histogram(est, exact_gradient(X, f))
    values = h["bars"].get_data().values
    np.testing.assert_array_equal(values, log_magnitude_histogram(est))
    assert values[0] > 0.5  # at tau = 0.01 most estimates are below 1e-6




def test_plot_estimate_histograms_draws_each_estimator_and_tau():
    taus = (0.01, 1.0)
    est = {name: ESTIMATORS[name](X, Cubic(), 4000, tau=np.asarray(taus), rng=0)
           for name in ("gumbel_softmax_grad", "straight_through")}
    out = G.plot_estimate_histograms(est, exact_gradient(X, Cubic()), taus)
    for name, g in est.items():
        for i, tau in enumerate(taus):
            np.testing.assert_array_equal(out[(name, tau)]["bars"].get_data().values, log_magnitude_histogram(g[i]))
    small = {(n, t): estimate_spread(est[n][i]).small_share for n in est for i, t in enumerate(taus)}
    assert small[("gumbel_softmax_grad", 0.01)] > 0.9 > small[("gumbel_softmax_grad", 1.0)]




def test_plot_argmax_steps_draws_the_averaged_relaxed_curve_and_keeps_the_legend_above_the_curves():
    from gumbel_utils.objectives import relaxed_objective_curve

    f = Cubic()
    grid = np.linspace(-2.0, 4.0, 121)
    c = relaxed_objective_curve(X, f, sample_gumbel((500, 3), rng=1), grid[::4], tau=0.3)
    art = G.plot_argmax_steps(X, f, sample_gumbel((3, 3), rng=0), grid, tau=0.3, relaxed=c)
    np.testing.assert_array_equal(art["relaxed"].get_ydata(), c.value)
    ax = art["mean"].axes
    fig = ax.figure
    fig.canvas.draw()
    legend_box = ax.get_legend().get_window_extent()
    for line in [*art["hard"], *art["soft"], art["mean"], art["relaxed"]]:
        xy = ax.transData.transform(np.column_stack(line.get_data()))
        inside = ((xy[:, 0] > legend_box.x0) & (xy[:, 0] < legend_box.x1) & (xy[:, 1] > legend_box.y0)
                  & (xy[:, 1] < legend_box.y1))
        assert not inside.any(), line.get_label()
    empty = G.plot_argmax_steps(X, f, sample_gumbel((3, 3), rng=0), grid, tau=0.3)
    assert len(empty["relaxed"].get_xdata()) == 0


def test_plot_conditional_check_draws_both_samplers():
    z = conditional_gumbel(X, np.zeros(500, dtype=int), rng=0)
    art = G.plot_conditional_check(z, z)
    assert len(art) == 6
    np.testing.assert_array_equal(art[(1, "Eq. 9")].get_xdata(), np.sort(z[:, 1]))
