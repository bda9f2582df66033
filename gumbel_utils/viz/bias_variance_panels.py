"""The panels of Notebook 3 that draw measurements against the temperature: bias, variance, MSE.

``plot_*(data..., *, axes=None)`` panels (split from :mod:`gumbel_utils.viz.gradient_panels`,
which keeps the argmax steps, running means, histograms and the conditional-noise check):
squared bias, variance and MSE against tau with the Monte Carlo resolution drawn
(:func:`plot_bias_variance`, :func:`update_bias_variance`), the MSE at two batch sizes
(:func:`plot_mse_by_batch`), the relative bias per objective (:func:`plot_relative_bias`)
and the exact K = 2 curves (:func:`plot_k2_exact`). Every number drawn comes from
:mod:`gumbel_utils.gradient_stats`; labels and colours from the estimator registry.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.lines import Line2D

from ..registry import ESTIMATORS
from ..binary_exact import ExactBinaryMoments
from ..gradient_stats import (
    BiasVariance,
    bias2_upper_bound,
    mse_optimal_tau,
    relative_bias,
    resolved_bias2,
)
from .gradient_panels import decade_log_axes, estimator_color, estimator_label
from .style import course_style, pyplot_figure

__all__ = [
    "plot_bias_variance",
    "update_bias_variance",
    "plot_mse_by_batch",
    "plot_relative_bias",
    "plot_k2_exact",
]


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
    at about 95 %). The MSE-optimal tau (:func:`~gumbel_utils.gradient_stats.mse_optimal_tau`)
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
        for name, r in results.items():
            c, lab = estimator_color(name, colors), estimator_label(name, labels)
            for j, ax in enumerate(axes):
                (line,) = ax.plot(r.tau, np.ones_like(r.tau), color=c, label=lab if j == 1 else None)
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

    The static companion of the batch slider of :func:`~gumbel_utils.viz.gradients.explore_bias_variance`
    (a slider does not survive an export). Each curve is ``results[name].mse_at(n)``
    (:math:`\lVert\text{bias}\rVert^2 + \operatorname{tr}\Sigma / n`); estimators without a
    temperature (registered ``tau_dependent=False``, e.g. the score function) are dashed flat
    lines; each temperature-dependent one gets a star at its MSE-optimal tau
    (:func:`~gumbel_utils.gradient_stats.mse_optimal_tau`).

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
            for name, r in results.items():
                c, lab = estimator_color(name, colors), estimator_label(name, labels)
                tau_free = name in ESTIMATORS and not ESTIMATORS[name].tau_dependent
                (line,) = ax.plot(r.tau, r.mse_at(n), color=c, ls="--" if tau_free else "-", label=lab)
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
                (line,) = ax.plot(res[name].tau, rel, color=estimator_color(name), label=estimator_label(name),
                                  marker="o", ms=5)
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
            c = estimator_color(name)
            out[(name, "bias2")] = axes[0].plot(q.tau, q.bias2, color=c,
                                                label=f"{estimator_label(name)}, quadrature")[0]
            b2 = resolved_bias2(r)
            ok = np.isfinite(b2)
            axes[0].errorbar(r.tau[ok], b2[ok], yerr=2 * r.bias2_se[ok], fmt="o", color=c, mec="k", ms=6,
                             label="Monte Carlo (± 2 s.e.)" if i == 0 else None)
            out[(name, "var")] = axes[1].plot(q.tau, q.variance, color=c, label=estimator_label(name))[0]
            axes[1].errorbar(r.tau, r.variance, yerr=2 * r.variance_se, fmt="o", color=c, mec="k", ms=6)
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
