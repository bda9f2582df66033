"""Notebook 5, digits and relaxed decoding (:mod:`gumbel_utils.viz.vae_decoding`): the drawn data are the package's."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.colors import to_hex

from gumbel_utils.digits import load_digits_binary
from gumbel_utils.registry import ESTIMATORS
from gumbel_utils.vae import CategoricalVAE
from gumbel_utils.viz import Explorer, new_figure
from gumbel_utils.vae_stats import relaxed_decodes
from gumbel_utils.viz.controls import log_grid
from gumbel_utils.viz.vae_decoding import _mosaic, explore_relaxed_decoding, plot_digits, plot_reconstructions


@pytest.fixture(scope="module")
def digits():
    return load_digits_binary()[1][:6]


@pytest.fixture(scope="module")
def models():
    return {"first": CategoricalVAE(10, 10, 32, rng=0), "second": CategoricalVAE(10, 10, 32, rng=1)}


def test_explorer_draws_the_precomputed_decodes(models, digits):
    ex = explore_relaxed_decoding(models, digits, tau=1.0, seed=4)
    assert isinstance(ex, Explorer) and set(ex.controls) == {"model", "tau"}
    assert not ex.non_artists and ex.size_px[0] <= 840 and ex.min_text_px >= 14
    grid = np.array(log_grid(0.01, 10.0))  # the positions of the temperature slider
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
    assert wide.controls["tau"].options[-1][1] == 100.0 and wide.state["tau"] == 100.0
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
