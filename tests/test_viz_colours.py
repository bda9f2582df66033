"""Figures for every eye: no two series of a figure differ in colour alone when a reader cannot tell the colours apart.

Each legend of each multi-series ``plot_*`` (a catalogue below, with small data; a guard fails when a
new ``plot_*`` is missing from it) is checked under normal vision and simulated deuteranopia,
protanopia and tritanopia (Machado et al. 2009, ``tests/_cvd.py``): every pair of series must differ
by a colour difference ΔE76 >= 20, or in line style, marker, fill or hatching. Every explorer is
checked the same way in ``tests/test_explorers_generic.py`` (it builds them anyway). The samples of
the Concrete explorer must stand out from its heatmap: ΔE >= 20 between every pixel of the heatmap
and either a sample's fill or its edge, for every vision.
"""

from __future__ import annotations

import inspect
import itertools
import pkgutil
import importlib

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import _cvd  # noqa: E402
import gumbel_utils.viz as viz  # noqa: E402
from gumbel_utils.registry import ESTIMATORS, estimator_names  # noqa: E402

X = np.array([1.0, 0.5, 0.0])


def test_the_registry_styles_keep_every_pair_of_estimators_apart():
    """Five pairs of registry colours fall below ΔE 20 for some reader; every pair differs in line style and marker."""
    below = []
    for (a, sa), (b, sb) in itertools.combinations(ESTIMATORS.items(), 2):
        d, vision = _cvd.min_delta_e(sa.color, sb.color)
        if d < _cvd.MIN_DELTA_E:
            below.append((a, b, vision))
        assert sa.marker != sb.marker and str(sa.linestyle) != str(sb.linestyle), (a, b)
    # the pairs issue 20 quoted: score fn. + baseline vs Gumbel-Rao (deuteranopia), orange vs vermilion
    assert ("score_function_baseline", "gumbel_rao", "deuteranopia") in below
    assert ("score_function", "straight_through", "deuteranopia") in below


def test_the_simulation_is_machados():
    grey = np.array([0.5, 0.5, 0.5])
    for vision in _cvd.MACHADO:  # every row sums to 1: greys are fixed points (a transcription check)
        np.testing.assert_allclose(_cvd.simulate(grey, vision), grey, atol=1e-6)
    red, green = _cvd.opaque("#FF0000"), _cvd.opaque("#00FF00")
    assert _cvd.delta_e(red, green) > 80 and _cvd.delta_e(red, green, "deuteranopia") < 50  # red-green collapses
    assert _cvd.delta_e(_cvd.opaque("white"), _cvd.opaque("black")) == pytest.approx(100.0, abs=1e-3)


# ------------------------------------------------------------------ every multi-series plot_*


def _catalogue():
    """plot function name -> a call with small data that draws several series."""
    from gumbel_utils.binary_exact import exact_binary_moments
    from gumbel_utils.digits import load_digits_binary
    from gumbel_utils.gradient_stats import bias_variance, bias_variance_sweep
    from gumbel_utils.objectives import OBJECTIVES, Cubic, exact_gradient
    from gumbel_utils.relaxed_toy import relaxed_toy_curves, relaxed_toy_minimizer, relaxed_toy_minimum
    from gumbel_utils.sampling import perturbed_max, sample_categorical, sample_gumbel
    from gumbel_utils.schedules import anneal
    from gumbel_utils.training import train_logits, train_toy
    from gumbel_utils.training_stats import rebar_eta_variance
    from gumbel_utils.vae import CategoricalVAE
    from gumbel_utils.vae_stats import code_usage
    from gumbel_utils.vae_training import History
    from gumbel_utils.viz import (annealing, argmax_steps, bias_variance as bv, binary_concrete, concrete_density,
                                  conditional_noise, estimate_histogram, gumbel_max, gumbel_noise, mean_drift, rebar,
                                  relaxation_path, relaxed_toy, training_curves, vae_estimators, vae_measurements)

    f, taus = Cubic(), np.geomspace(0.05, 5, 5)
    names = estimator_names()
    sweep = bias_variance_sweep(X, f, taus, n_samples=400, batches=[1, 1000], rng=0)
    toy_runs = {n: train_toy(n, 0.45, steps=30, batch=4, tau=0.5, rng=[0, 1]) for n in ESTIMATORS}
    runs = {n: train_logits(n, f, np.zeros(3), steps=30, batch=2, tau=0.5, rng=[0, 1]) for n in ESTIMATORS}
    gs_runs = {k: toy_runs["gumbel_softmax_grad"] for k in ("fixed 0.5", "annealed", "fixed 0.05", "Jang")}

    def history(name):
        e = np.arange(1, 11)
        return History(name, e, 30 - e, 32 - e * 0.5, np.ones(10), (29 - e).astype(float), 0.1)

    x = load_digits_binary()[1][:30]
    p = np.linspace(0.01, 0.99, 30)
    p_star, relaxed, true = relaxed_toy_curves(0.45, [1.0], p)
    est = {n: ESTIMATORS[n](X, f, 400, tau=np.asarray([0.01, 0.1, 1.0, 3.0]), rng=0)
           for n in ("gumbel_softmax_grad", "straight_through")}
    groups = ("encoder logits", "encoder weights", "decoder")

    def entry(name, scale=1.0):
        return {"estimator": name, "tau": taus, "tau_dependent": True,
                "groups": {g: {"bias2": scale * taus, "variance": scale / taus} for g in groups}}

    def star(name, variant, scale):
        return {"estimator": name, "variant": variant, "tau": scale * np.array([1.0, 0.5, 0.3]),
                "low": scale * np.array([0.8, 0.4, 0.2]), "high": scale * np.array([1.3, 0.6, 0.4])}

    def mean_range(name, variant, shift):
        return {"estimator": name, "variant": variant, "mean": taus + shift, "low": taus + shift - 0.1,
                "high": taus + shift + 0.1}

    winner, m = perturbed_max(np.array([1.0, 0.0, -0.5, 0.5]), size=4000, rng=1)
    return {
        "plot_exact_bias_variance": lambda: vae_estimators.plot_exact_bias_variance(
            {"GS": entry("gumbel_softmax_grad"), "ST": entry("straight_through", 2.0), "GR 4": entry("gumbel_rao", 3.0),
             "GR 16": entry("gumbel_rao", 4.0), "REBAR": entry("rebar", 5.0)}, {g: 1.0 for g in groups}),
        "plot_tau_star_codes": lambda: vae_estimators.plot_tau_star_codes(
            [1, 4, 16], {"a": star("gumbel_softmax_grad", 0, 1.0), "b": star("gumbel_softmax_grad", 1, 2.0),
                         "c": star("gumbel_softmax_grad", 2, 3.0), "d": star("straight_through", 0, 4.0)}),
        "plot_seed_sweep": lambda: vae_estimators.plot_seed_sweep(
            taus, {"GS": mean_range("gumbel_softmax_grad", 0, 0.0), "ST": mean_range("straight_through", 0, 1.0),
                   "GR 16": mean_range("gumbel_rao", 2, 2.0), "REBAR": mean_range("rebar", 0, 3.0)}),
        "plot_learned_paths": lambda: vae_estimators.plot_learned_paths(
            {f"seed {i}": {"step": np.arange(5), "tau": taus * (i + 1), "eta": taus + i} for i in range(3)}),
        "plot_relaxed_tau": lambda: vae_estimators.plot_relaxed_tau(
            taus, {f"model {i}": taus + i for i in range(5)}, {f"model {i}": 20.0 + i for i in range(5)},
            {f"model {i}": 1.0 for i in range(5)}),
        "plot_draws": lambda: gumbel_max.plot_draws({"argmax(softmax(x))": np.zeros(30, int),
                                                      "sample": sample_categorical(X, 30, rng=0)}, 3),
        "plot_frequency_bars": lambda: gumbel_max.plot_frequency_bars(
            {"Gumbel-max": (np.full(3, 1 / 3), np.full(3, 0.01)), "inverse CDF": (np.full(3, 1 / 3), np.full(3, 0.01)),
             "exact": (np.full(3, 1 / 3), None)}),
        "plot_convergence": lambda: gumbel_max.plot_convergence(
            np.array([10, 100, 1000]), {"Gumbel-max": np.array([0.1, 0.03, 0.01]),
                                        "inverse CDF": np.array([0.1, 0.03, 0.01])}, [0.5, 0.5]),
        "plot_gumbel_histogram": lambda: gumbel_noise.plot_gumbel_histogram(sample_gumbel(2000, rng=0)),
        "plot_max_stability": lambda: gumbel_noise.plot_max_stability(winner, m, [1.0, 0.0, -0.5, 0.5]),
        "plot_relaxation_path": lambda: relaxation_path.plot_relaxation_path(X, sample_gumbel(3, rng=0), 0.5),
        "plot_density_along_line": lambda: concrete_density.plot_density_along_line(np.zeros(3), [0.3, 0.5, 0.7, 1.5, 3.0]),
        "plot_mean_vs_tau": lambda: mean_drift.plot_mean_vs_tau(X, np.logspace(-2, 1, 31), sample_gumbel((300, 3), rng=0)),
        "plot_binary_concrete": lambda: binary_concrete.plot_binary_concrete(0.5, 0.5, np.linspace(0.01, 0.99, 50)),
        "plot_argmax_steps": lambda: argmax_steps.plot_argmax_steps(X, f, sample_gumbel((3, 3), rng=0),
                                                                    np.linspace(-2, 4, 61)),
        "plot_running_mean": lambda: estimate_histogram.plot_running_mean(
            {n: ESTIMATORS[n](X, f, 300, rng=0) for n in ("score_function", "score_function_baseline")},
            exact_gradient(X, f)),
        "plot_estimate_histograms": lambda: estimate_histogram.plot_estimate_histograms(est, exact_gradient(X, f),
                                                                                        [0.01, 0.1, 1.0, 3.0]),
        "plot_conditional_check": lambda: conditional_noise.plot_conditional_check(
            sample_gumbel((200, 3), rng=0), sample_gumbel((200, 3), rng=1)),
        "plot_bias_variance": lambda: bv.plot_bias_variance(sweep, batch=1),
        "plot_mse_by_batch": lambda: bv.plot_mse_by_batch(sweep, batches=(1, 1000)),
        "plot_relative_bias": lambda: bv.plot_relative_bias({"cubic": sweep, "quadratic": sweep}),
        "plot_k2_exact": lambda: bv.plot_k2_exact(
            {n: exact_binary_moments([0.5, 0.0], f, taus) for n in ("gumbel_softmax_grad", "straight_through")},
            {n: bias_variance(n, [0.5, 0.0], f, taus, n_samples=400, rng=0)
             for n in ("gumbel_softmax_grad", "straight_through")}),
        "plot_objective_curves": lambda: training_curves.plot_objective_curves(runs),
        "plot_batch_tau": lambda: training_curves.plot_batch_tau(
            taus, {1: np.ones((5, 3)) * 0.1, 4: np.ones((5, 3)) * 0.05, 32: np.ones((5, 3)) * 0.02}, tau_star={1: 1.0}),
        "plot_logit_scale": lambda: training_curves.plot_logit_scale(
            np.arange(5), {"linear f": np.arange(5.0), "quadratic f": np.arange(5.0)},
            {"linear f": np.linspace(0, 1, 5), "quadratic f": np.linspace(0, 1, 5)}),
        "plot_toy_training": lambda: relaxed_toy.plot_toy_training(toy_runs, p_relaxed=0.355),
        "plot_toy_training (one estimator, four schedules)": lambda: relaxed_toy.plot_toy_training(
            gs_runs, labels={k: k for k in gs_runs}, targets={k: np.full(31, 0.3) for k in gs_runs}),
        "plot_relaxed_minimizer": lambda: relaxed_toy.plot_relaxed_minimizer(
            taus, {t: relaxed_toy_minimizer(t, taus) for t in (0.3, 0.45, 0.499)}),
        "plot_relaxed_objective": lambda: relaxed_toy.plot_relaxed_objective(
            p, relaxed[0], true, *relaxed_toy_minimum(0.45, 1.0), t=0.45, tau=1.0),
        "plot_rebar_bias": lambda: rebar.plot_rebar_bias(
            {n: bias_variance(n, X, f, taus, n_samples=300, rng=0) for n in ("rebar", "gumbel_softmax_grad")}),
        "plot_rebar_variance": lambda: rebar.plot_rebar_variance(
            rebar_eta_variance(X, f, taus, [0.0, 1.0], n_samples=300, rng=0), baseline=0.3),
        "plot_schedule": lambda: annealing.plot_schedule(
            np.arange(400), {k: anneal(np.arange(400), tau0=1.0, tau_min=v, rate=1e-2, every=20)
                             for k, v in (("a", 0.5), ("b", 0.1), ("c", 0.05))}),
        "plot_vae_loss_curves": lambda: vae_measurements.plot_vae_loss_curves(
            {ESTIMATORS[n].label: history(n) for n in ("gumbel_softmax_grad", "straight_through",
                                                       "score_function_baseline")}),
        "plot_relaxation_gap": lambda: vae_measurements.plot_relaxation_gap(history("gumbel_softmax_grad"), taus,
                                                                            np.arange(5.0), 3.0),
        "plot_tau_sweep": lambda: vae_measurements.plot_tau_sweep(
            taus, {"gumbel_softmax_grad": np.arange(5.0), "straight_through": np.arange(5.0)},
            tau_free={"score_function_baseline": 2.0}, annealed={"gumbel_softmax_grad": 1.0}, relaxed=np.arange(5.0)),
        "plot_kl": lambda: vae_measurements.plot_kl(taus, {"same": (np.ones(5), np.ones(5) * 0.1),
                                                           "fixed": (np.arange(1.0, 6.0), np.ones(5) * 0.1)}, 2.0),
        "plot_code_usage": lambda: vae_measurements.plot_code_usage(
            {"with": code_usage(CategoricalVAE(4, 5, 8, rng=0), x), "without": code_usage(CategoricalVAE(4, 5, 8, rng=1), x)},
            5),
        "plot_gradient_variance": lambda: vae_measurements.plot_gradient_variance(
            taus, {"gumbel_softmax_grad": np.arange(1.0, 6.0), "straight_through": np.arange(2.0, 7.0),
                   "score_function_baseline": np.array([9.0])},
            {n: sweep[n] for n in ("gumbel_softmax_grad", "straight_through", "score_function_baseline")}),
    }


#: plot_* that draw one series (or images): nothing to tell apart.
SINGLE_SERIES = {"plot_relaxed_bars", "plot_concrete_heatmap", "plot_simplex_samples", "plot_simplex_frame",
                 "plot_estimate_histogram", "plot_digits", "plot_reconstructions"}


def _figure(art) -> plt.Figure:
    for value in (art.values() if isinstance(art, dict) else [art]):
        while isinstance(value, (dict, list, tuple)) and value:
            value = next(iter(value.values())) if isinstance(value, dict) else value[0]
        fig = getattr(value, "figure", None) or getattr(value, "get_figure", lambda: None)()
        if fig is not None:
            return fig
    raise AssertionError("no figure in the artists")


@pytest.fixture(scope="module")
def catalogue():
    return _catalogue()


@pytest.mark.slow
def test_every_plot_function_is_in_the_catalogue(catalogue):
    plots = set()
    for info in pkgutil.iter_modules(viz.__path__):
        module = importlib.import_module(f"{viz.__name__}.{info.name}")
        plots |= {n for n, fn in inspect.getmembers(module, inspect.isfunction)
                  if n.startswith("plot_") and fn.__module__ == module.__name__}
    listed = {k.split(" ")[0] for k in catalogue} | SINGLE_SERIES
    assert plots <= listed, f"add these plot_* to the colour catalogue (or SINGLE_SERIES): {sorted(plots - listed)}"


@pytest.mark.slow
def test_every_multi_series_figure_keeps_its_series_apart_for_every_reader(catalogue):
    problems, checked = [], 0
    for name, draw in catalogue.items():
        fig = _figure(draw())
        series = _cvd.legend_series(fig)
        assert any(len(entries) >= 2 for entries in series), f"{name}: no legend with two series to check"
        checked += sum(len(entries) for entries in series)
        problems += _cvd.figure_problems(fig, name)
        plt.close(fig)
    assert not problems, "\n".join(problems)
    assert checked > 100


def test_the_check_fails_on_series_told_apart_by_colour_only():
    fig, ax = plt.subplots()
    ax.plot([0, 1], color="#CC79A7", label="score fn. + baseline")  # the pair, both solid, no marker
    ax.plot([1, 0], color="#009E73", label="Gumbel-Rao")
    ax.legend()
    problems = _cvd.figure_problems(fig, "old style")
    assert len(problems) == 1 and "deuteranopia" in problems[0]
    ax.lines[1].set_marker("D")
    ax.legend()
    assert not _cvd.figure_problems(fig, "new style")


# ------------------------------------------------------------------ samples over the Concrete density


def test_concrete_samples_stand_out_from_the_heatmap_for_every_reader():
    from gumbel_utils.viz.concrete_density import SAMPLE_EDGE, explore_concrete_simplex

    e = explore_concrete_simplex()
    heat = e.artists["heatmap"]
    pixels = []
    for tau in (0.05, 0.5, 5.0):  # the heatmap's colours at small, middle and large temperatures
        e.controls["tau"].value = tau
        rgba = heat.to_rgba(heat.get_array(), bytes=False)
        pixels.append(rgba[~np.ma.getmaskarray(heat.get_array())][:, :3])
    background = np.unique(np.round(np.concatenate(pixels), 3), axis=0)
    worst = {}
    for j, line in enumerate(e.artists["points"]):
        fill, edge = _cvd.opaque(line.get_markerfacecolor()), _cvd.opaque(SAMPLE_EDGE)
        for vision in _cvd.VISIONS:
            d = np.maximum(_cvd.delta_e(fill, background, vision), _cvd.delta_e(edge, background, vision))
            worst[(j, vision)] = float(d.min())
    assert min(worst.values()) >= _cvd.MIN_DELTA_E, {k: round(v, 1) for k, v in worst.items()}
    # and the categories differ in marker, not in colour only
    assert len({line.get_marker() for line in e.artists["points"]}) == 3
