"""Notebook 3: squared bias, variance and MSE of every estimator against the temperature, and tau*.

The figure family of the bias/variance curves: :func:`explore_bias_variance` and the panels it drives,
:func:`plot_bias_variance` and :func:`update_bias_variance`, with the static companions that draw
the same measurements: :func:`plot_mse_by_batch` (which estimator wins at each batch size),
:func:`plot_relative_bias` (where "tau -> 0 is unbiased" holds) and :func:`plot_k2_exact` (exact
K = 2 curves through Monte Carlo points). Every number drawn comes from
:mod:`gumbel_utils.gradient_stats` (the MSE and its standard error: ``BiasVariance.mse_at``,
``BiasVariance.mse_se_at``; tau*: :func:`~gumbel_utils.tau_star.mse_optimal_tau`); every
estimator has its registered label, colour, line style and marker.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from matplotlib.lines import Line2D
from numpy.typing import ArrayLike

from .._validation import check_choice
from ..binary_exact import ExactBinaryMoments
from ..gradient_stats import BiasVariance, bias2_upper_bound, bias_variance_sweep, relative_bias, resolved_bias2
from ..tau_star import mse_optimal_tau
from ..objectives import OBJECTIVES
from ..registry import ESTIMATORS
from ._args import check_in_range, check_logit_vector, check_seed, widened_range
from .controls import Choice, Slider, make_controls
from .explorer import Explorer, axes_key, records_call
from .style import course_style, decade_log_axes, estimator_label, estimator_style, new_figure, pyplot_figure

__all__ = [
    "BATCHES",
    "plot_bias_variance",
    "update_bias_variance",
    "plot_mse_by_batch",
    "plot_relative_bias",
    "plot_k2_exact",
    "explore_bias_variance",
]

#: The batch sizes n of the explorer's MSE slider.
BATCHES = (1, 3, 10, 30, 100, 300, 1000)


def _formula(f: Any, name: str) -> str:
    return getattr(f, "formula", "") or name


def _objective(objective: Any) -> tuple[str, Any]:
    name = check_choice(objective, OBJECTIVES, "objective")
    return name, OBJECTIVES[name]


def _band_verts(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Polygon of a band between ``lo`` and ``hi`` (for ``PolyCollection.set_verts``)."""
    return np.concatenate([np.stack([x, lo], 1), np.stack([x[::-1], hi[::-1]], 1)])


def _positive_band(y: np.ndarray, se: np.ndarray, k: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """``y +- k se`` clipped to stay positive (for log axes)."""
    lo = np.maximum(y - k * se, y / 10.0)
    return np.maximum(lo, 1e-300), np.maximum(y + k * se, 1e-300)



# ----------------------------------------------------------------------------- 4. bias / variance / MSE


def plot_bias_variance(results: Mapping[str, BiasVariance], *, batch: int = 1, axes: Sequence | None = None,
                       labels: Mapping[str, str] | None = None, colors: Mapping[str, str] | None = None,
                       show_star: bool = True) -> dict:
    r"""Squared bias, variance and MSE of an n-sample average against tau, log-log, one curve per estimator.

    Bands are 2 standard errors. Where the run does not resolve a squared bias
    (:func:`~gumbel_utils.gradient_stats.resolved_bias2` is NaN), the curve stops and an
    open downward triangle marks the Monte Carlo resolution instead: the upper bound
    :func:`~gumbel_utils.gradient_stats.bias2_upper_bound` (the squared bias is below it,
    at about 95 %). The MSE-optimal tau (:func:`~gumbel_utils.tau_star.mse_optimal_tau`)
    of each registered temperature-dependent estimator is marked on the MSE panel.

    Parameters
    ----------
    results : mapping of str to BiasVariance
        Measurements over one grid of temperatures, by name (:func:`~gumbel_utils.gradient_stats.bias_variance_sweep`).
    batch : int, optional
        The n of the MSE of an n-sample average.
    axes : sequence of 3 Axes, optional
        Where to draw (default: a new pyplot figure).
    labels, colors : mapping of str to str, optional
        Replace the registry's label or colour of some names (unregistered names need them).
    show_star : bool, optional
        Mark the MSE-optimal temperatures.

    Returns
    -------
    dict
        ``lines`` and ``bands`` ((name, panel) -> artist), ``bounds`` (name -> Line2D of the
        open triangles on the bias panel), ``stars`` (name -> Line2D), ``legend``, ``axes`` (the three Axes).
    """
    if axes is None:
        _fig, axes = pyplot_figure(1, 3, figsize=(8.4, 3.9))
    out: dict = {"lines": {}, "bands": {}, "bounds": {}, "stars": {}}
    with course_style():
        for i, (name, r) in enumerate(results.items()):
            style, lab = estimator_style(name, points=r.tau.size, colors=colors, index=i), estimator_label(name, labels)
            c = style["color"]
            for j, ax in enumerate(axes):
                (line,) = ax.plot(r.tau, np.ones_like(r.tau), ms=5, label=lab if j == 1 else None, **style)
                band = ax.fill_between(r.tau, np.ones_like(r.tau), np.ones_like(r.tau), color=c, alpha=0.2, lw=0)
                out["lines"][(name, j)] = line
                out["bands"][(name, j)] = band
            (bound,) = axes[0].plot(r.tau, np.full_like(r.tau, np.nan), marker="v", ms=6, mfc="none", mec=c,
                                    mew=1.4, ls="none")
            out["bounds"][name] = bound
            # not clipped: a star at the end of the temperature grid would be cut in half
            (star,) = axes[2].plot([np.nan], [np.nan], marker="*", ms=17, color=c, mec="k", ls="none", clip_on=False)
            out["stars"][name] = star
        for ax, title in zip(axes, ("squared bias ‖E ĝ − ∇‖²", "variance tr Cov(ĝ)", "MSE of a batch mean")):
            ax.set_xscale("log")
            ax.set_yscale("log")
            decade_log_axes(ax)
            ax.set_xlabel("temperature τ")
            ax.set_title(title, fontsize=12)
        fig = axes[0].figure
        handles = [out["lines"][(name, 1)] for name in results]
        handles.append(Line2D([], [], marker="v", ms=6, mfc="none", mec="0.25", mew=1.4, ls="none",
                              label="bias² not resolved: below ▽"))
        ncols = min(len(handles), 3)  # four columns of these labels do not fit 840 px
        if fig.get_layout_engine() is not None and "Constrained" in type(fig.get_layout_engine()).__name__:
            out["legend"] = fig.legend(handles=handles, loc="outside lower center", ncols=ncols, fontsize=11)
        else:
            out["legend"] = axes[2].legend(handles=handles, loc="upper right", fontsize=11)
    out["axes"] = list(axes)
    update_bias_variance(out, results, batch=batch, show_star=show_star)
    return out


def update_bias_variance(art: dict, results: Mapping[str, BiasVariance], *, batch: int = 1, show_star: bool = True,
                         limit_batches: Sequence[int] | None = None) -> dict:
    """Move the artists of :func:`plot_bias_variance` to new results and batch size.

    Parameters
    ----------
    art : dict
        What :func:`plot_bias_variance` returned.
    results : mapping of str to BiasVariance
        The measurements.
    batch : int, optional
        The n of the MSE panel.
    show_star : bool, optional
        Mark the MSE-optimal temperatures.
    limit_batches : sequence of int, optional
        Batch sizes whose MSE the y range of the MSE panel must hold (default: ``batch``
        only). An explorer passes every value of its batch slider, so moving the
        slider never changes the axes.

    Returns
    -------
    dict
        name -> (tau*, MSE*) of each starred estimator.
    """
    axes = art["axes"]
    lims = [[np.inf, 0.0] for _ in axes]
    stars = {}
    for name, r in results.items():
        for j, (y, se) in enumerate(((resolved_bias2(r), r.bias2_se), (r.variance, r.variance_se),
                                     (r.mse_at(batch), r.mse_se_at(batch)))):
            art["lines"][(name, j)].set_data(r.tau, y)
            ok = np.isfinite(y) & (y > 0)
            lo, hi = _positive_band(np.where(ok, y, 1e-300), se)
            verts = _band_verts(r.tau[ok], lo[ok], hi[ok]) if ok.any() else np.zeros((0, 2))
            art["bands"][(name, j)].set_verts([verts])
            shown = [r.mse_at(b) for b in (limit_batches or [batch])] if j == 2 else [y]
            if j == 0 and "bounds" in art:  # the resolution marks of the bias panel
                bound = bias2_upper_bound(r)
                art["bounds"][name].set_data(r.tau, bound)
                shown.append(bound)
            for yy in shown:
                good = np.isfinite(yy) & (yy > 0)
                if good.any():
                    lims[j][0] = min(lims[j][0], float(np.min(yy[good])))
                    lims[j][1] = max(lims[j][1], float(np.max(yy[good])))
        star = art["stars"][name]
        if show_star and name in ESTIMATORS and ESTIMATORS[name].tau_dependent:
            stars[name] = mse_optimal_tau(r, batch)[:2]
            star.set_data([stars[name][0]], [stars[name][1]])
        else:
            star.set_data([np.nan], [np.nan])
    r0 = next(iter(results.values()))
    for ax, (lo, hi) in zip(axes, lims):
        if np.isfinite(lo) and hi > 0:
            ax.set_ylim(lo / 3, hi * 3)
        ax.set_xlim(r0.tau.min(), r0.tau.max())
    return stars


def plot_mse_by_batch(results: Mapping[str, BiasVariance], *, batches: Sequence[int] = (1, 1000), axes=None,
                      labels: Mapping[str, str] | None = None, colors: Mapping[str, str] | None = None) -> dict:
    r"""The MSE of an n-sample mean against tau, one panel per batch size n: which estimator wins at each n.

    The static companion of the batch slider of :func:`explore_bias_variance`
    (a slider does not survive an export). Each curve is ``results[name].mse_at(n)``
    (:math:`\lVert\text{bias}\rVert^2 + \operatorname{tr}\Sigma / n`), in the estimator's registered
    colour, line style and marker; estimators without a temperature (registered ``tau_dependent=False``,
    e.g. the score function) are flat lines; each temperature-dependent one gets a star at its MSE-optimal tau
    (:func:`~gumbel_utils.tau_star.mse_optimal_tau`).

    Parameters
    ----------
    results : mapping of str to BiasVariance
        Measurements over one grid of temperatures (:func:`~gumbel_utils.gradient_stats.bias_variance_sweep`).
    batches : sequence of int, optional
        One panel per batch size n.
    axes : sequence of Axes, optional
        One per batch size (default: a new pyplot figure).
    labels, colors : mapping of str to str, optional
        Replace the registry's label or colour of some names.

    Returns
    -------
    dict
        ``lines`` and ``stars`` ((name, n) -> Line2D), ``legend``, ``axes``.
    """
    batches = [int(b) for b in batches]
    if axes is None:
        _fig, axes = pyplot_figure(1, len(batches), figsize=(8.4, 3.9))
    axes = list(np.atleast_1d(axes))
    if len(axes) != len(batches):
        raise ValueError(f"need one Axes per batch size: {len(batches)} batch sizes, {len(axes)} Axes")
    out: dict = {"lines": {}, "stars": {}}
    with course_style():
        for ax, n in zip(axes, batches):
            for i, (name, r) in enumerate(results.items()):
                style = estimator_style(name, points=r.tau.size, colors=colors, index=i)
                lab = estimator_label(name, labels)
                c = style["color"]
                tau_free = name in ESTIMATORS and not ESTIMATORS[name].tau_dependent
                (line,) = ax.plot(r.tau, r.mse_at(n), ms=5, label=lab, **style)
                out["lines"][(name, n)] = line
                if not tau_free:
                    ts, ms = mse_optimal_tau(r, n)[:2]
                    (star,) = ax.plot([ts], [ms], marker="*", ms=17, color=c, mec="k", ls="none", clip_on=False)
                    out["stars"][(name, n)] = star
            ax.set_xscale("log")
            ax.set_yscale("log")
            decade_log_axes(ax)
            ax.set_xlabel("temperature τ")
            ax.set_title(f"MSE of a mean of n = {n:,}", fontsize=12)
        axes[0].set_ylabel(r"$\|\mathrm{bias}\|^2 + \mathrm{tr}\,\mathrm{Cov}/n$")
        handles = [out["lines"][(name, batches[0])] for name in results]
        handles.append(Line2D([], [], marker="*", ms=13, color="0.6", mec="k", ls="none", label="MSE-optimal τ*"))
        fig = axes[0].figure
        ncols = min(len(handles), 3)  # four columns of these labels do not fit 840 px
        if fig.get_layout_engine() is not None and "Constrained" in type(fig.get_layout_engine()).__name__:
            out["legend"] = fig.legend(handles=handles, loc="outside lower center", ncols=ncols, fontsize=11)
        else:
            out["legend"] = axes[-1].legend(handles=handles, loc="upper right", fontsize=11)
    out["axes"] = axes
    return out


# ----------------------------------------------------------------------------- 5. claim


def plot_relative_bias(results_by_objective: Mapping[str, Mapping[str, BiasVariance]], *, axes=None,
                       names: Sequence[str] = ("gumbel_softmax_grad", "straight_through")) -> dict:
    r"""Relative bias :math:`\|\mathbb{E}\hat g - \nabla\| / \|\nabla\|` against tau, one panel per objective.

    Both curves and the grey band (twice the Monte Carlo resolution: what an unbiased
    estimator shows) are :func:`~gumbel_utils.gradient_stats.relative_bias`.

    Parameters
    ----------
    results_by_objective : mapping of str to (mapping of str to BiasVariance)
        ``{objective name: sweep results}``.
    axes : sequence of Axes, optional
        One per objective (default: a new pyplot figure).
    names : sequence of str, optional
        The estimators drawn.

    Returns
    -------
    dict
        ``(objective, name)`` -> Line2D; ``(objective, "floor")`` -> the band.
    """
    k = len(results_by_objective)
    if axes is None:
        _fig, axes = pyplot_figure(1, k, figsize=(8.4, 3.9), sharey=True)
    out = {}
    with course_style():
        for ax, (obj, res) in zip(np.atleast_1d(axes), results_by_objective.items()):
            floor = np.zeros_like(res[names[0]].tau)
            for name in names:
                rel, resolution = relative_bias(res[name])
                (line,) = ax.plot(res[name].tau, rel, label=estimator_label(name), ms=6, **estimator_style(name))
                floor = np.maximum(floor, resolution)
                out[(obj, name)] = line
            out[(obj, "floor")] = ax.fill_between(res[names[0]].tau, 1e-4, floor, color="0.5", alpha=0.3, lw=0,
                                                  label="not resolved")
            ax.set_xscale("log")
            ax.set_yscale("log")
            decade_log_axes(ax)
            ax.set_ylim(1e-3, 3)
            ax.set_xlabel(r"temperature $\tau$")
            ax.set_title(obj, fontsize=13)
        axes[0].set_ylabel(r"$\|\mathrm{bias}\| / \|\nabla\|$")
        axes[0].legend(loc="upper left", fontsize=11)
    return out


# ----------------------------------------------------------------------------- 7. K = 2


def plot_k2_exact(exact: Mapping[str, ExactBinaryMoments], mc: Mapping[str, BiasVariance], *, axes=None) -> dict:
    """Exact K = 2 squared bias and variance (lines, quadrature) through Monte Carlo points (2 se bars).

    Parameters
    ----------
    exact : mapping of str to ExactBinaryMoments
        :func:`~gumbel_utils.gradient_stats.exact_binary_moments` by estimator name.
    mc : mapping of str to BiasVariance
        Monte Carlo measurements of the same estimators (unresolved squared biases are not drawn).
    axes : sequence of 2 Axes, optional
        Where to draw (default: a new pyplot figure).

    Returns
    -------
    dict
        ``(name, "bias2")`` and ``(name, "var")`` -> Line2D.
    """
    if axes is None:
        _fig, axes = pyplot_figure(1, 2, figsize=(8.4, 3.9))
    out = {}
    with course_style():
        for i, (name, q) in enumerate(exact.items()):
            r = mc[name]
            style = estimator_style(name)
            line = {"color": style["color"], "linestyle": style["linestyle"]}  # the quadrature: a curve
            point = {"color": style["color"], "marker": style["marker"], "linestyle": "none"}  # Monte Carlo: points
            out[(name, "bias2")] = axes[0].plot(q.tau, q.bias2, label=f"{estimator_label(name)}, quadrature",
                                                **line)[0]
            b2 = resolved_bias2(r)
            ok = np.isfinite(b2)
            axes[0].errorbar(r.tau[ok], b2[ok], yerr=2 * r.bias2_se[ok], mec="k", ms=6,
                             label=f"{estimator_label(name)}, Monte Carlo (± 2 s.e.)", **point)
            out[(name, "var")] = axes[1].plot(q.tau, q.variance, label=estimator_label(name), **line)[0]
            axes[1].errorbar(r.tau, r.variance, yerr=2 * r.variance_se, mec="k", ms=6, **point)
        for ax, ylab, title in zip(axes, (r"$\|\mathrm{bias}\|^2$", r"$\operatorname{tr}\,\mathrm{Cov}(\hat g)$"),
                                   ("K = 2: squared bias", "K = 2: variance")):
            ax.set_xscale("log")
            ax.set_yscale("log")
            decade_log_axes(ax)
            ax.set_xlabel(r"temperature $\tau$")
            ax.set_ylabel(ylab)
            ax.set_title(title)
        axes[0].legend(loc="best", fontsize=11)
    return out


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
        keeps a recompute of every registered estimator within a second). An estimator whose
        estimates depend on the batch (the leave-one-out baseline) is measured from
        ``max(100, n_samples // 10)`` real batches of each size, the notebook's proportion.
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
    n_batches = max(100, n_samples // 10)  # real batches per size for the baseline: the notebook's 20,000 : 2,000
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
                                             n_samples=n_samples, batches=BATCHES, n_batches=n_batches, rng=seed)
        return cache[key]

    art = plot_bias_variance(results_for(x0[0], x0[1], objective), axes=axes)
    with course_style():
        suptitle = fig.suptitle(" ", fontsize=13)
    mse_title = axes[2].title
    lo, hi = widened_range(x0[:2], -3.0, 3.0, step=0.25)  # one range for both logits
    controls = make_controls(
        x1=Slider(float(x0[0]), lo, hi, step=0.25, label="x₁", name="logit x1", fmt=".2f", continuous=False),
        x2=Slider(float(x0[1]), lo, hi, step=0.25, label="x₂", name="logit x2", fmt=".2f", continuous=False),
        objective=Choice(list(OBJECTIVES), objective, label="f", name="objective f"),
        n=Choice(list(BATCHES), 1, label="batch n", kind="slider", continuous=False),
    )

    def update(x1, x2, objective, n):
        res = results_for(x1, x2, objective)
        stars = update_bias_variance(art, res, batch=n, limit_batches=BATCHES)
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
