"""Figures of Notebook 6: they draw the numbers they are given, in the registry's styles."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

from gumbel_utils.registry import ESTIMATORS
from gumbel_utils.viz.vae_estimators import (plot_exact_bias_variance, plot_learned_paths, plot_relaxed_tau,
                                             plot_seed_sweep, plot_tau_star_codes, variant_style)
from _viz import only_artists  # noqa: E402

GROUPS = ("encoder logits", "encoder weights", "decoder")
TAUS = np.geomspace(0.1, 10, 5)


def _entry(name, dependent=True, scale=1.0):
    t = TAUS if dependent else np.array([1.0])
    return {"estimator": name, "tau": t, "tau_dependent": dependent,
            "groups": {g: {"bias2": scale * t, "variance": scale / t} for g in GROUPS}}


def test_variant_style_keeps_the_records_style_and_lightens_variants():
    base = variant_style("gumbel_rao")
    assert base == dict(ESTIMATORS["gumbel_rao"].style)
    light = variant_style("gumbel_rao", 2)
    assert light["marker"] != base["marker"] and light["color"] != base["color"]
    assert light["linestyle"] == base["linestyle"]
    with pytest.raises(ValueError, match="unknown estimator"):
        variant_style("nope")


@pytest.mark.slow
def test_exact_bias_variance_draws_relative_values():
    entries = {"GS": _entry("gumbel_softmax_grad"), "GR 4": _entry("gumbel_rao"), "GR 16": _entry("gumbel_rao", scale=2),
               "SF": _entry("score_function", dependent=False)}
    art = plot_exact_bias_variance(entries, {g: 2.0 for g in GROUPS}, title="t")
    assert only_artists(art)
    line = art["lines"][0, "decoder", "GS"]
    np.testing.assert_allclose(line.get_ydata(), TAUS / 2.0)
    np.testing.assert_allclose(art["lines"][1, "encoder logits", "GR 16"].get_ydata(), 2 / TAUS / 2.0)
    assert to_hex(line.get_color()) == ESTIMATORS["gumbel_softmax_grad"].color.lower()
    assert art["lines"][0, "decoder", "GR 16"].get_marker() != art["lines"][0, "decoder", "GR 4"].get_marker()
    np.testing.assert_allclose(art["lines"][0, "decoder", "SF"].get_ydata(), [0.5, 0.5])
    plt.close("all")


def test_other_figures_draw_their_data():
    n = np.array([1, 4, 16, 64])
    stars = {"toy": {"estimator": "gumbel_softmax_grad", "tau": [1.0, 0.5, 0.3, 0.2], "low": [0.8, 0.4, 0.2, 0.1],
                     "high": [1.3, 0.6, 0.4, 0.3], "linestyle": ":"},
             "VAE": {"estimator": "gumbel_softmax_grad", "variant": 1, "tau": [2.0, 1.0, 0.5, 0.5],
                     "low": [1.0, 1.0, 0.4, 0.3], "high": [3.0, 1.3, 0.6, 0.7]}}
    art = plot_tau_star_codes(n, stars)
    assert only_artists(art)
    np.testing.assert_allclose(art["curves"]["VAE"].lines[0].get_ydata(), [2.0, 1.0, 0.5, 0.5])
    assert art["curves"]["toy"].lines[0].get_linestyle() == ":"
    sweep = plot_seed_sweep([0.1, 1.0], {"GS": {"estimator": "gumbel_softmax_grad", "mean": [22.0, 23.0],
                                                  "low": [21.9, 22.8], "high": [22.1, 23.1]}},
                            tau_free={"SF": {"estimator": "score_function_baseline", "mean": 24.0, "low": 23.5,
                                             "high": 24.5}})
    assert only_artists(sweep)
    np.testing.assert_allclose(sweep["curves"]["GS"].lines[0].get_ydata(), [22.0, 23.0])
    paths = plot_learned_paths({"seed 0": {"step": [0, 1, 2], "tau": [1.0, 2.0, 3.0], "eta": [1.0, 1.5, 2.0]},
                                "τ only": {"step": [0, 1], "tau": [1.0, 0.5]}}, targets={"grid": (3.0, 2.0)})
    assert only_artists(paths) and "τ only" not in paths["eta"]
    np.testing.assert_allclose(paths["eta"]["seed 0"].get_ydata(), [1.0, 1.5, 2.0])
    rel = plot_relaxed_tau(TAUS, {"m": TAUS + 20}, {"m": 25.0}, {"m": 1.0})
    assert only_artists(rel)
    np.testing.assert_allclose(rel["markers"]["m"].get_xydata(), [[1.0, 25.0]])  # trained τ, on its discrete level
    plt.close("all")


@pytest.mark.parametrize("path, labels", [
    ([0.25, 0.5, 1.0], ["0.3", "0.5", "1"]),  # a short axis: 1-2-5 alone would label only 0.5 and 1
    ([0.01, 1.0, 10.0], ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10"]),  # 1-2-5 is enough
])
def test_learned_tau_axis_labels_at_least_three_plain_ticks(path, labels):
    paths = plot_learned_paths({"seed 0": {"step": [0, 1, 2], "tau": path, "eta": [1.0, 1.0, 1.0]}})
    ax = paths["tau"]["seed 0"].axes
    ax.figure.canvas.draw()
    lo, hi = ax.get_ylim()
    shown = [t.get_text() for t, v in zip(ax.get_yticklabels(), ax.get_yticks()) if lo <= v <= hi]
    assert shown == labels and not ax.get_yticks(minor=True).size
    plt.close("all")


def test_the_bias_drawn_is_the_resolved_excess_over_the_floor():
    entry = _entry("straight_through")
    for g in GROUPS:
        entry["groups"][g].update(bias2_floor=0.5 * TAUS, bias2_se=np.where(TAUS > 1, 0.01, 10.0))
    art = plot_exact_bias_variance({"ST": entry}, {g: 1.0 for g in GROUPS})
    y = art["lines"][0, "encoder weights", "ST"].get_ydata()
    assert np.all(np.isnan(y[TAUS <= 1])) and np.allclose(y[TAUS > 1], 0.5 * TAUS[TAUS > 1])
    plt.close("all")
