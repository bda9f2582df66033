"""Figures and explorers of Notebook 3: gradient estimators measured against the exact gradient.

The ``plot_*(data..., *, ax=None)`` panels live in :mod:`gumbel_utils.viz.gradient_panels` and
:mod:`gumbel_utils.viz.bias_variance_panels` and are re-exported here, so the notebook imports
everything from this module. ``explore_*(..., *, seed=0)`` build one live figure (an
:class:`~gumbel_utils.viz.explorer.Explorer`, the contract of CONTRIBUTING.md).
Labels, colours, options and the list of estimators come from the one registry,
:data:`gumbel_utils.registry.ESTIMATORS`: a newly registered estimator shows up in
every legend, dropdown and sweep. Every number drawn comes from
:mod:`gumbel_utils.objectives`, :mod:`gumbel_utils.estimators`,
:mod:`gumbel_utils.gradient_stats` or :mod:`gumbel_utils.stats`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_choice
from ..estimate_tails import estimate_spread, log_magnitude_histogram
from ..gradient_stats import bias_variance_sweep
from ..registry import ESTIMATORS
from ..objectives import OBJECTIVES, argmax_objective_curves, exact_gradient, expected_value, relaxed_objective_curve
from ..sampling import sample_gumbel
from ._args import check_in_range, check_logit_vector, check_seed, widened_log_range, widened_range
from .explorer import Explorer, axes_key, records_call
from .bias_variance_panels import (
    plot_bias_variance,
    plot_k2_exact,
    plot_mse_by_batch,
    plot_relative_bias,
    update_bias_variance,
)
from .gradient_panels import (
    argmax_steps_ylim,
    plot_argmax_steps,
    plot_conditional_check,
    plot_estimate_histogram,
    plot_estimate_histograms,
    plot_running_mean,
)
from .style import CATEGORY_COLORS, course_style, new_figure

__all__ = [  # the panels are re-exported: one import place for the notebook
    "plot_argmax_steps",
    "plot_running_mean",
    "plot_estimate_histogram",
    "plot_estimate_histograms",
    "plot_bias_variance",
    "update_bias_variance",
    "plot_mse_by_batch",
    "plot_relative_bias",
    "plot_conditional_check",
    "plot_k2_exact",
    "explore_argmax_steps",
    "explore_estimate_histogram",
    "explore_bias_variance",
]

_BATCHES = (1, 3, 10, 30, 100, 300, 1000)


def _formula(f: Any, name: str) -> str:
    return getattr(f, "formula", "") or name


def _objective(objective: Any) -> tuple[str, Any]:
    name = check_choice(objective, OBJECTIVES, "objective")
    return name, OBJECTIVES[name]


@records_call
def explore_argmax_steps(logits: ArrayLike = (1.0, 0.5, 0.0), objective: str = "cubic", *, tau: float = 0.3,
                         seed: int = 0, n_average: int = 500) -> Explorer:
    """Live: move the temperature and watch the relaxed curves smooth the argmax steps.

    Three fixed noises (the first rows of ``sample_gumbel((3 + n_average, K), rng=seed)``,
    so the same three as ``sample_gumbel((3, K), rng=seed)``); the first logit moves over
    ``x_1 ± 3``. The dash-dotted curve is the relaxed objective averaged over the other
    ``n_average`` noises (:func:`~gumbel_utils.objectives.relaxed_objective_curve`, on 61
    points): its slope is the relaxed estimator's mean, so the gap between its slope and
    the black curve's is the bias. The y range holds the curves of every objective at
    every temperature of the slider, so the axes are drawn once (a cached background).

    Parameters
    ----------
    logits : array_like, shape (K,), 2 <= K <= 7, optional
        The logits x.
    objective : str, optional
        A name in :data:`~gumbel_utils.objectives.OBJECTIVES` (ValueError listing them otherwise).
    tau : float, optional
        Starting temperature (slider over 0.01..10, widened to hold it).
    seed : int, optional
        Seed of the noises.
    n_average : int, optional
        Noises of the averaged relaxed curve (100 to 5,000; 500 keeps a redraw within 30 ms).

    Returns
    -------
    Explorer
        Controls ``tau`` and ``objective``; artists as :func:`plot_argmax_steps`;
        state ``noise``, ``grid``, ``hard``, ``soft``, ``mean``, ``slope``, ``relaxed``
        (the :class:`~gumbel_utils.objectives.RelaxedCurve` drawn).
    """
    x = check_logit_vector(logits, (2, len(CATEGORY_COLORS)))
    objective, f0 = _objective(objective)
    tau = check_in_range(tau, 1e-6, 1e6, "tau")
    n_average = int(check_in_range(n_average, 100, 5000, "n_average"))
    noise_all = sample_gumbel((3 + n_average, x.size), rng=check_seed(seed))
    g, g_average = noise_all[:3], noise_all[3:]
    grid = np.linspace(x[0] - 3.0, x[0] + 3.0, 601)
    coarse = grid[::10]  # 61 points, x_1 itself at index 30
    fig, ax = new_figure(figsize=(8.4, 4.2))
    art = plot_argmax_steps(x, f0, g, grid, tau=tau, ax=ax,
                            relaxed=relaxed_objective_curve(x, f0, g_average, coarse, tau=tau))
    lo, hi = widened_log_range(tau, -2.0, 1.0)
    controls = {
        "tau": widgets.FloatLogSlider(value=tau, base=10, min=lo, max=hi, step=0.05, description="τ"),
        "objective": widgets.Dropdown(options=list(OBJECTIVES), value=objective, description="f"),
    }
    # One y range for every objective and temperature of the controls: the axes stay a cached background.
    curves = [c for f in OBJECTIVES.values() for t in np.geomspace(10.0**lo, 10.0**hi, 7)
              for c in argmax_objective_curves(x, f, g, grid, tau=t)]
    y_lo, y_hi = min(float(np.min(c)) for c in curves), max(float(np.max(c)) for c in curves)
    ax.set_ylim(*argmax_steps_ylim(y_lo, y_hi))
    state: dict = {"noise": g, "grid": grid}

    def update(tau, objective):
        f = OBJECTIVES[objective]
        hard, soft, mean = argmax_objective_curves(x, f, g, grid, tau=tau)
        for line, h in zip(art["hard"], hard):
            line.set_ydata(h)
        for line, s in zip(art["soft"], soft):
            line.set_ydata(s)
        art["mean"].set_ydata(mean)
        e0, slope = expected_value(x, f), exact_gradient(x, f)[0]
        art["tangent"].set_ydata(e0 + slope * (grid - x[0]))
        art["point"].set_ydata([e0])
        relaxed = relaxed_objective_curve(x, f, g_average, coarse, tau=tau)
        art["relaxed"].set_data(relaxed.grid, relaxed.value)
        state.update(hard=hard, soft=soft, mean=mean, slope=slope, relaxed=relaxed)
        return (f"τ = {tau:.3g}, at x₁ = {x[0]:g}: exact slope ∂E f/∂x₁ = {slope:.3f}; slope of the averaged relaxed "
                f"curve (the relaxed estimator's mean) = {relaxed.slope[30]:.3f} ± {relaxed.slope_se[30]:.3f}")

    dynamic = [*art["hard"], *art["soft"], art["mean"], art["tangent"], art["point"], art["relaxed"]]
    return Explorer(fig, controls, update, artists=art, state=state, dynamic=dynamic, background_key=axes_key(ax))


@records_call
def explore_estimate_histogram(logits: ArrayLike = (1.0, 0.5, 0.0), objective: str = "cubic", *,
                               tau: float = 0.1, n: int = 10_000, seed: int = 0) -> Explorer:
    """Live: the distribution of single-sample estimates of each temperature-dependent estimator as tau moves.

    The dropdown lists every registered estimator whose law depends on tau
    (``ESTIMATORS[name].tau_dependent``), with its registered label, colour and options.
    Each is called with ``rng=seed``; an estimator that can reuse temperature-free draws
    (Gumbel-Rao's argmaxes and conditional noises) gets them drawn once per estimator,
    with identical results. The status line gives the mean against the exact value.

    Parameters
    ----------
    logits : array_like, shape (K,), 2 <= K <= 7, optional
        The logits x.
    objective : str, optional
        A name in :data:`~gumbel_utils.objectives.OBJECTIVES`.
    tau : float, optional
        Starting temperature (slider over 10^-2.5..10, widened to hold it).
    n : int, optional
        Number of single-sample estimates (100 to 50,000).
    seed : int, optional
        Seed of every estimator's noise.

    Returns
    -------
    Explorer
        Controls ``tau``, ``estimator``, ``objective``. Artists ``bars``, ``exact``,
        ``title``. The status line gives the share of tiny estimates and the share of the
        second moment in the largest 1 % (:func:`~gumbel_utils.gradient_stats.estimate_spread`);
        state ``estimates``, ``small``, ``tail_share``, ``exact_gradient``.
    """
    x = check_logit_vector(logits, (2, len(CATEGORY_COLORS)))
    objective, f0 = _objective(objective)
    tau = check_in_range(tau, 1e-6, 1e6, "tau")
    n = int(check_in_range(n, 100, 50_000, "n"))
    seed = check_seed(seed)
    names = [name for name, spec in ESTIMATORS.items() if spec.tau_dependent]
    fig, ax = new_figure(figsize=(8.4, 4.2))
    art = plot_estimate_histogram(ESTIMATORS[names[0]](x, f0, n, tau=tau, rng=seed), exact_gradient(x, f0), ax=ax,
                                  color=ESTIMATORS[names[0]].color)
    with course_style():
        title = ax.set_title(" ", fontsize=13)
        ax.set_ylim(0, 1.0)  # fixed: the axes stay a cached background (a fraction is at most 1)
        ax.legend(handles=[art["exact"]], loc="upper right")
    lo, hi = widened_log_range(tau, -2.5, 1.0)
    controls = {
        "tau": widgets.FloatLogSlider(value=tau, base=10, min=lo, max=hi, step=0.05, description="τ"),
        "estimator": widgets.Dropdown(options=[(ESTIMATORS[k].label, k) for k in names], value=names[0],
                                      description="estimator"),
        "objective": widgets.Dropdown(options=list(OBJECTIVES), value=objective, description="f"),
    }
    # Temperature-free draws of the estimators that can reuse them, made once at build time
    # (same numbers as the estimator's own draws from rng=seed).
    draws = {name: ESTIMATORS[name].draws(x, n, rng=seed, **ESTIMATORS[name].options)
             for name in names if ESTIMATORS[name].draws is not None}
    state: dict = {}

    def estimates(name: str, f: Any, tau: float) -> np.ndarray:
        spec = ESTIMATORS[name]
        if name in draws:
            return spec(x, f, n, tau=tau, draws=draws[name])
        return spec(x, f, n, tau=tau, rng=seed)

    def update(tau, estimator, objective):
        f = OBJECTIVES[objective]
        g = estimates(estimator, f, tau)
        frac = log_magnitude_histogram(g)
        spread = estimate_spread(g)
        art["bars"].set_data(frac)
        art["bars"].set_facecolor(ESTIMATORS[estimator].color)
        ex = exact_gradient(x, f)
        art["exact"].set_xdata([np.log10(abs(ex[0]))] * 2)
        title.set_text(f"{ESTIMATORS[estimator].label}, τ = {tau:.3g}")  # short: a text costs ~0.1 ms a letter
        state.update(estimates=g, small=spread.small_share, tail_share=spread.tail_share, exact_gradient=ex)
        return (f"<b>{100 * spread.small_share:.0f}%</b> of |ĝ₁| < 0.01; the largest 1% carry "
                f"<b>{100 * spread.tail_share:.0f}%</b> of Σ|ĝ|² &nbsp;·&nbsp; mean ĝ₁ = {g[:, 0].mean():.3f} ± "
                f"{g[:, 0].std() / np.sqrt(n):.3f} (exact {ex[0]:.3f}); variance tr Σ = {g.var(0).sum():.3g}")

    return Explorer(fig, controls, update, artists={**art, "title": title}, state=state,
                    dynamic=[art["bars"], art["exact"], title], background_key=axes_key(ax))


@records_call
def explore_bias_variance(logits: ArrayLike = (1.0, 0.5, 0.0), objective: str = "cubic", *,
                          taus: ArrayLike | None = None, n_samples: int = 10_000, seed: int = 0) -> Explorer:
    """Live: bias², variance and MSE against tau for every registered estimator, K = 3.

    Controls: the first two logits ``x1``, ``x2`` (the third stays at ``logits[2]``),
    the objective, and the batch size n of the MSE. A logit or objective change reruns
    :func:`~gumbel_utils.gradient_stats.bias_variance_sweep` over every registered estimator (each
    with its registered options; under a second, with a busy message; sliders act on
    release): those controls are declared ``live_recompute``. A change of n only
    rescales the variance: the curves and the stars marking the MSE-optimal tau move at once.

    Parameters
    ----------
    logits : array_like, shape (3,), optional
        The logits x (sliders over -3..3 for the first two, widened to hold them).
    objective : str, optional
        A name in :data:`~gumbel_utils.objectives.OBJECTIVES`.
    taus : array_like, optional
        The temperature grid (default 25 values from 0.01 to 10).
    n_samples : int, optional
        Single-sample estimates per estimator and tau (100 to 100,000; the default 10,000
        keeps a recompute of every registered estimator within a second).
    seed : int, optional
        Seed of the sweep.

    Returns
    -------
    Explorer
        Controls ``x1``, ``x2``, ``objective``, ``n``. Artists as :func:`plot_bias_variance`
        plus ``suptitle`` and ``mse_title``; state ``results`` (name -> BiasVariance), ``tau_star``,
        ``batch``, ``logits``, ``sweeps`` (how many sweeps ran).
    """
    x0 = check_logit_vector(logits, 3)
    objective, _f = _objective(objective)
    taus = np.geomspace(0.01, 10.0, 25) if taus is None else np.asarray(taus, dtype=float)
    n_samples = int(check_in_range(n_samples, 100, 100_000, "n_samples"))
    seed = check_seed(seed)
    fig, axes = new_figure(1, 3, figsize=(8.4, 4.1))
    cache: dict = {}
    state: dict = {"sweeps": 0}

    def results_for(x1, x2, objective):
        key = (round(x1, 6), round(x2, 6), objective)
        if key not in cache:
            cache.clear()
            state["sweeps"] += 1  # new results: the cached background (bias and variance panels) is redrawn
            cache[key] = bias_variance_sweep(np.array([x1, x2, x0[2]]), OBJECTIVES[objective], taus,
                                             n_samples=n_samples, batches=_BATCHES, rng=seed)
        return cache[key]

    art = plot_bias_variance(results_for(x0[0], x0[1], objective), axes=axes)
    with course_style():
        suptitle = fig.suptitle(" ", fontsize=13)
    mse_title = axes[2].title
    lo, hi = widened_range(x0[:2], -3.0, 3.0)
    slider = dict(min=lo, max=hi, step=0.25, continuous_update=False)
    controls = {
        "x1": widgets.FloatSlider(value=float(x0[0]), description="x₁", **slider),
        "x2": widgets.FloatSlider(value=float(x0[1]), description="x₂", **slider),
        "objective": widgets.Dropdown(options=list(OBJECTIVES), value=objective, description="f"),
        "n": widgets.SelectionSlider(options=list(_BATCHES), value=1, description="batch n", continuous_update=False),
    }

    def update(x1, x2, objective, n):
        res = results_for(x1, x2, objective)
        stars = update_bias_variance(art, res, batch=n, limit_batches=_BATCHES)
        state.update(results=res, tau_star=stars, batch=n, logits=np.array([x1, x2, x0[2]]))
        suptitle.set_text(f"x = ({x1:g}, {x2:g}, {x0[2]:g}),  {_formula(OBJECTIVES[objective], objective)}")
        mse_title.set_text(f"MSE of a mean of n = {n}")
        return "MSE-optimal τ*: " + ", ".join(f"{ESTIMATORS[k].label} {v[0]:.3g}" for k, v in stars.items())

    # Only the MSE panel and its title move with n; the bias and variance panels and the suptitle
    # are the cached background, drawn again when a recompute brings new results (the key below).
    dynamic = [*(a for (_name, j), a in art["lines"].items() if j == 2),
               *(a for (_name, j), a in art["bands"].items() if j == 2), *art["stars"].values(), mse_title]
    key = axes_key(*axes)
    return Explorer(fig, controls, update, artists={**art, "suptitle": suptitle, "mse_title": mse_title},
                    state=state, dynamic=dynamic, background_key=lambda: (state["sweeps"], key()),
                    live_recompute={"x1", "x2", "objective"},
                    busy_message=f"recomputing {len(ESTIMATORS)} estimators × {taus.size} τ ...")
