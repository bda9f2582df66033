"""Notebook 5, the VAE's measurements (:mod:`gumbel_utils.viz.vae_measurements`): the drawn data are the package's,
every estimator in its registered colour, line style and marker."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

from gumbel_utils.digits import load_digits_binary
from gumbel_utils.registry import ESTIMATORS
from gumbel_utils.vae import CategoricalVAE
from gumbel_utils.viz import new_figure
from gumbel_utils.gradient_stats import bias_variance_sweep
from gumbel_utils.objectives import OBJECTIVES
from gumbel_utils.vae_stats import code_usage
from gumbel_utils.vae_training import History
from gumbel_utils.viz.vae_decoding import plot_digits
from gumbel_utils.viz.vae_measurements import (
    plot_code_usage,
    plot_gradient_variance,
    plot_kl,
    plot_relaxation_gap,
    plot_tau_sweep,
    plot_vae_loss_curves,
)
from _viz import only_artists  # noqa: E402


@pytest.fixture(scope="module")
def digits():
    return load_digits_binary()[1][:6]


def _history(name, n=5, relaxed=True):
    e = np.arange(1, n + 1)
    return History(name, e, 30 - e, 32 - e * 0.5, np.ones(n), (29 - e).astype(float) if relaxed else None, 0.1)


def test_training_curves_and_gap():
    hs = {"a": _history("gumbel_softmax_grad"), "b": _history("straight_through", relaxed=False)}
    fig, ax = new_figure()
    art = plot_vae_loss_curves(hs, ax=ax)
    assert only_artists(art)
    for label, h in hs.items():
        assert np.array_equal(art["lines"][label].get_ydata(), h.test_nelbo)
        assert to_hex(art["lines"][label].get_color()) == ESTIMATORS[h.estimator].color.lower()
        assert art["lines"][label].get_marker() == ESTIMATORS[h.estimator].marker
    fig, axes = new_figure(1, 2)
    taus = np.geomspace(0.01, 10, 5)
    art = plot_relaxation_gap(hs["a"], taus, [25, 24, 20, 22, 26], 23.0, axes=axes)
    assert only_artists(art)
    assert np.array_equal(art["test_relaxed"].get_ydata(), hs["a"].test_relaxed)
    assert np.array_equal(art["curve"].get_ydata(), [25, 24, 20, 22, 26])
    assert art["level"].get_ydata()[0] == 23.0


def test_tau_sweep_kl_usage_and_variance():
    taus = [0.1, 0.3, 1.0, 3.0]
    final = {"gumbel_softmax_grad": np.array([21.0, 20.5, 22.0, 27.0]), "straight_through": np.array([21.2, 20.9, 21.0, 22.0])}
    fig, axes = new_figure(1, 2)
    art = plot_tau_sweep(taus, final, tau_free={"score_function_baseline": 22.3}, annealed={"straight_through": 20.9},
                         relaxed=[20.8, 19.5, 17.0, 16.6], axes=axes)
    assert only_artists(art)
    assert np.array_equal(art["lines"]["straight_through"].get_ydata(), final["straight_through"])
    assert art["levels"]["score_function_baseline"].get_ydata()[0] == 22.3
    assert art["annealed"]["straight_through"].get_ydata()[0] == 20.9
    assert np.array_equal(art["relaxed"].get_ydata(), [20.8, 19.5, 17.0, 16.6])
    assert "score fn. + baseline (no τ)" in [t.get_text() for t in art["legend"].get_texts()]

    fig, ax = new_figure()
    art = plot_kl(taus, {"same": (np.full(4, 78.0), np.full(4, 0.1))}, 4.4, ax=ax)
    assert only_artists(art) and np.array_equal(art["lines"]["same"].get_ydata(), np.full(4, 78.0))
    assert art["level"].get_ydata()[0] == 4.4

    m = CategoricalVAE(4, 5, 8, rng=0)
    x = load_digits_binary()[1][:30]
    usage = {"with": code_usage(m, x), "without": code_usage(CategoricalVAE(4, 5, 8, rng=1), x)}
    fig, axes = new_figure(1, 2)
    art = plot_code_usage(usage, 5, axes=axes)
    assert only_artists(art)
    assert np.allclose([b.get_height() for b in art["bars"]["with"][0]], usage["with"].aggregate)
    assert np.allclose([b.get_height() for b in art["bars"]["without"][1]], usage["without"].per_image)

    toy = bias_variance_sweep(np.array([1.0, 0.5, 0.0]), OBJECTIVES["cubic"], taus,
                estimators=["score_function_baseline", "gumbel_softmax_grad"], n_samples=500, rng=0)
    fig, axes = new_figure(1, 2)
    vae = {"gumbel_softmax_grad": np.array([10.0, 3.0, 1.0, 0.1]), "score_function_baseline": np.array([50.0])}
    art = plot_gradient_variance(taus, vae, toy, axes=axes)
    assert only_artists(art)
    assert np.array_equal(art["vae"]["gumbel_softmax_grad"].get_ydata(), vae["gumbel_softmax_grad"])
    assert art["vae"]["score_function_baseline"].get_ydata()[0] == 50.0
    assert np.array_equal(art["toy"]["gumbel_softmax_grad"].get_ydata(), toy["gumbel_softmax_grad"].variance)


def test_plots_without_axes_use_pyplot_figures(digits):
    before = plt.get_fignums()
    plot_digits(digits)
    plot_vae_loss_curves({"a": _history("gumbel_softmax_grad")})
    plot_tau_sweep([0.1, 1.0], {"straight_through": [21.0, 22.0]})
    made = [n for n in plt.get_fignums() if n not in before]
    assert len(made) == 3 and all(plt.figure(n).get_figwidth() <= 8.4 for n in made)
    for n in made:
        plt.close(n)


def test_an_unregistered_estimator_is_named():
    with pytest.raises(ValueError, match="straight_through"):
        plot_vae_loss_curves({"a": _history("gumbel")})
