"""Figures and the explorer of Notebook 5: the drawn data are the package's numbers."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

from gumbel_utils.registry import ESTIMATORS
from gumbel_utils.gradient_stats import bias_variance_sweep
from gumbel_utils.objectives import OBJECTIVES
from gumbel_utils.digits import load_digits_binary
from gumbel_utils.vae import CategoricalVAE
from gumbel_utils.vae_training import History
from gumbel_utils.vae_stats import code_usage, relaxed_decodes
from gumbel_utils.viz import Explorer, new_figure
from gumbel_utils.viz.vae import (
    _mosaic,
    estimator_style,
    explore_relaxed_decoding,
    plot_code_usage,
    plot_digits,
    plot_gradient_variance,
    plot_kl,
    plot_reconstructions,
    plot_relaxation_gap,
    plot_tau_sweep,
    plot_training_curves,
)


@pytest.fixture(scope="module")
def digits():
    return load_digits_binary()[1][:6]


@pytest.fixture(scope="module")
def models():
    return {"first": CategoricalVAE(10, 10, 32, rng=0), "second": CategoricalVAE(10, 10, 32, rng=1)}


def _history(name, n=5, relaxed=True):
    e = np.arange(1, n + 1)
    return History(name, e, 30 - e, 32 - e * 0.5, np.ones(n), (29 - e).astype(float) if relaxed else None, 0.1)


def _only_artists(d):
    from matplotlib.artist import Artist
    from matplotlib.container import Container

    if isinstance(d, dict):
        return all(_only_artists(v) for v in d.values())
    if isinstance(d, (list, tuple)):
        return all(_only_artists(v) for v in d)
    return isinstance(d, (Artist, Container))


# ------------------------------------------------------------------------- explorer


def test_explorer_draws_the_precomputed_decodes(models, digits):
    ex = explore_relaxed_decoding(models, digits, tau=1.0, seed=4)
    assert isinstance(ex, Explorer) and set(ex.controls) == {"model", "tau"}
    assert not ex.non_artists and ex.size_px[0] <= 840 and ex.min_text_px >= 14
    grid = 10.0 ** np.round(np.arange(-2.0, 1.0 + 0.05, 0.1), 10)
    for name in models:
        ex.controls["model"].value = name
        want = relaxed_decodes(models[name], digits, grid, rng=4)
        for i in (0, 7, 20, 30):
            ex.controls["tau"].value = float(grid[i])
            assert ex.state["model"] == name and ex.state["tau"] == pytest.approx(grid[i])
            assert np.allclose(ex.state["relaxed"], want.relaxed[i])
            assert np.allclose(ex.state["hard"], want.hard)
            assert ex.state["relaxed_nll"] == pytest.approx(want.relaxed_nll[i])
            drawn = ex.artists["image"].get_array()
            assert np.allclose(np.ma.filled(drawn, np.nan), _mosaic(np.stack([digits, want.hard, want.relaxed[i]])),
                               equal_nan=True)
            assert np.allclose(ex.artists["curve"].get_ydata(), want.relaxed_nll)
            assert np.allclose(ex.artists["marker"].get_data(), [[grid[i]], [want.relaxed_nll[i]]])
            assert ex.artists["level"].get_ydata()[0] == pytest.approx(want.hard_nll)
            assert f"{want.relaxed_nll[i]:.2f}" in ex.status.value


def test_explorer_at_tiny_tau_shows_the_one_hot_decode(models, digits):
    ex = explore_relaxed_decoding(models, digits, tau=0.01)
    assert np.abs(ex.state["relaxed"] - ex.state["hard"]).mean() < 2e-3   # (a few codes are near a tie)


def test_explorer_arguments(models, digits):
    wide = explore_relaxed_decoding(models, digits, tau=100.0)
    assert wide.controls["tau"].max == 2.0 and wide.state["tau"] == pytest.approx(100.0)
    with pytest.raises(ValueError, match="models"):
        explore_relaxed_decoding({}, digits)
    with pytest.raises(TypeError, match="models"):
        explore_relaxed_decoding({"a": "not a model"}, digits)
    with pytest.raises(ValueError, match="x must"):
        explore_relaxed_decoding(models, np.zeros((20, 64)))
    with pytest.raises(ValueError, match="x must"):
        explore_relaxed_decoding(models, np.zeros((3, 60)))
    with pytest.raises(ValueError, match="tau"):
        explore_relaxed_decoding(models, digits, tau=0.0)
    with pytest.raises(TypeError, match="tau"):
        explore_relaxed_decoding(models, digits, tau="1")
    with pytest.raises(ValueError, match="seed"):
        explore_relaxed_decoding(models, digits, seed=-1)
    with pytest.raises(TypeError, match="seed"):
        explore_relaxed_decoding(models, digits, seed=1.5)


# ------------------------------------------------------------------------- static figures


def test_estimator_style_comes_from_the_registry():
    for name in ("gumbel_softmax_grad", "straight_through", "score_function_baseline"):
        assert estimator_style(name) == {"label": ESTIMATORS[name].label, "color": ESTIMATORS[name].color}
    with pytest.raises(ValueError, match="straight_through"):
        estimator_style("gumbel")


def test_training_curves_and_gap():
    hs = {"a": _history("gumbel_softmax_grad"), "b": _history("straight_through", relaxed=False)}
    fig, ax = new_figure()
    art = plot_training_curves(hs, ax=ax)
    assert _only_artists(art)
    for label, h in hs.items():
        assert np.array_equal(art["lines"][label].get_ydata(), h.test_nelbo)
        assert to_hex(art["lines"][label].get_color()) == ESTIMATORS[h.estimator].color.lower()
    fig, axes = new_figure(1, 2)
    taus = np.geomspace(0.01, 10, 5)
    art = plot_relaxation_gap(hs["a"], taus, [25, 24, 20, 22, 26], 23.0, axes=axes)
    assert _only_artists(art)
    assert np.array_equal(art["test_relaxed"].get_ydata(), hs["a"].test_relaxed)
    assert np.array_equal(art["curve"].get_ydata(), [25, 24, 20, 22, 26])
    assert art["level"].get_ydata()[0] == 23.0


def test_tau_sweep_kl_usage_and_variance():
    taus = [0.1, 0.3, 1.0, 3.0]
    final = {"gumbel_softmax_grad": np.array([21.0, 20.5, 22.0, 27.0]), "straight_through": np.array([21.2, 20.9, 21.0, 22.0])}
    fig, axes = new_figure(1, 2)
    art = plot_tau_sweep(taus, final, tau_free={"score_function_baseline": 22.3}, annealed={"straight_through": 20.9},
                         relaxed=[20.8, 19.5, 17.0, 16.6], axes=axes)
    assert _only_artists(art)
    assert np.array_equal(art["lines"]["straight_through"].get_ydata(), final["straight_through"])
    assert art["levels"]["score_function_baseline"].get_ydata()[0] == 22.3
    assert art["annealed"]["straight_through"].get_ydata()[0] == 20.9
    assert np.array_equal(art["relaxed"].get_ydata(), [20.8, 19.5, 17.0, 16.6])
    assert "score fn. + baseline (no τ)" in [t.get_text() for t in art["legend"].get_texts()]

    fig, ax = new_figure()
    art = plot_kl(taus, {"same": (np.full(4, 78.0), np.full(4, 0.1))}, 4.4, ax=ax)
    assert _only_artists(art) and np.array_equal(art["lines"]["same"].get_ydata(), np.full(4, 78.0))
    assert art["level"].get_ydata()[0] == 4.4

    m = CategoricalVAE(4, 5, 8, rng=0)
    x = load_digits_binary()[1][:30]
    usage = {"with": code_usage(m, x), "without": code_usage(CategoricalVAE(4, 5, 8, rng=1), x)}
    fig, axes = new_figure(1, 2)
    art = plot_code_usage(usage, 5, axes=axes)
    assert _only_artists(art)
    assert np.allclose([b.get_height() for b in art["bars"]["with"][0]], usage["with"].aggregate)
    assert np.allclose([b.get_height() for b in art["bars"]["without"][1]], usage["without"].per_image)

    toy = bias_variance_sweep(np.array([1.0, 0.5, 0.0]), OBJECTIVES["cubic"], taus,
                estimators=["score_function_baseline", "gumbel_softmax_grad"], n_samples=500, rng=0)
    fig, axes = new_figure(1, 2)
    vae = {"gumbel_softmax_grad": np.array([10.0, 3.0, 1.0, 0.1]), "score_function_baseline": np.array([50.0])}
    art = plot_gradient_variance(taus, vae, toy, axes=axes)
    assert _only_artists(art)
    assert np.array_equal(art["vae"]["gumbel_softmax_grad"].get_ydata(), vae["gumbel_softmax_grad"])
    assert art["vae"]["score_function_baseline"].get_ydata()[0] == 50.0
    assert np.array_equal(art["toy"]["gumbel_softmax_grad"].get_ydata(), toy["gumbel_softmax_grad"].variance)


def test_digit_mosaics(digits):
    fig, ax = new_figure()
    art = plot_reconstructions({"data": digits, "again": 1 - digits}, ax=ax)
    assert np.allclose(np.ma.filled(art["image"].get_array(), np.nan), _mosaic(np.stack([digits, 1 - digits])),
                       equal_nan=True)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["data", "again"]
    fig, ax = new_figure()
    art = plot_digits(digits[:5], ncols=3, ax=ax)
    pic = np.ma.filled(art["image"].get_array(), np.nan)
    assert pic.shape == (17, 26)
    assert np.array_equal(pic[9:17, 9:17], digits[4].reshape(8, 8)) and np.isnan(pic[9:17, 18:26]).all()


def test_plots_without_axes_use_pyplot_figures(digits):
    before = plt.get_fignums()
    plot_digits(digits)
    plot_training_curves({"a": _history("gumbel_softmax_grad")})
    plot_tau_sweep([0.1, 1.0], {"straight_through": [21.0, 22.0]})
    made = [n for n in plt.get_fignums() if n not in before]
    assert len(made) == 3 and all(plt.figure(n).get_figwidth() <= 8.4 for n in made)
    for n in made:
        plt.close(n)
