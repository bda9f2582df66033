"""The panels of Notebook 3 (gradient estimators): ``plot_*(data..., *, ax=None)`` (or ``axes=``).

Each draws data computed by the math layer (:mod:`gumbel_utils.objectives`,
:mod:`gumbel_utils.gradient_stats`, :mod:`gumbel_utils.stats`) and returns a dict of
its artists; labels and colours come from the estimator registry
(:data:`gumbel_utils.estimators.ESTIMATORS`). The explorers of
:mod:`gumbel_utils.viz.gradients` build on these panels; the notebook imports both from there.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator
from numpy.typing import ArrayLike

from ..estimators import ESTIMATORS
from ..gradient_stats import (
    LOG_MAGNITUDE_EDGES,
    BiasVariance,
    K2Moments,
    log_magnitude_histogram,
    mse_optimal_tau,
    relative_bias,
    resolved_bias2,
)
from ..objectives import argmax_objective_curves, exact_gradient, expected_value
from ..stats import running_mean
from .style import CATEGORY_COLORS, PALETTE, course_style, pyplot_axes, pyplot_figure

__all__ = [
    "estimator_label",
    "estimator_color",
    "decade_log_axes",
    "plot_argmax_steps",
    "plot_running_mean",
    "plot_estimate_histogram",
    "plot_estimate_histograms",
    "plot_bias_variance",
    "update_bias_variance",
    "plot_relative_bias",
    "plot_conditional_check",
    "plot_k2_exact",
]

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _decade_label(value: float, _pos=None) -> str:
    """``10⁻²`` in plain Unicode: as readable as mathtext and several times cheaper to draw."""
    if value <= 0:
        return ""
    e = np.log10(value)
    if abs(e - round(e)) > 1e-6:
        return ""
    return "1" if round(e) == 0 else "10" + str(int(round(e))).translate(_SUPERSCRIPT)


def decade_log_axes(ax) -> None:
    """Log axes with decade labels in plain text (``10⁻²``) and no minor ticks.

    Halves the redraw time of a live figure and keeps few, large tick labels.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose log-scaled axes get decade ticks.
    """
    for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
        axis.set_minor_locator(NullLocator())
        if scale == "log":
            axis.set_major_locator(LogLocator(base=10, numticks=5))
            axis.set_major_formatter(FuncFormatter(_decade_label))


def estimator_label(name: str, labels: Mapping[str, str] | None = None) -> str:
    """Legend label of an estimator: ``labels[name]`` if given, else the registry's, else the name.

    Parameters
    ----------
    name : str
        Estimator name (a key of :data:`~gumbel_utils.estimators.ESTIMATORS`, or any other name).
    labels : mapping of str to str, optional
        Overrides.
    """
    if labels and name in labels:
        return labels[name]
    return ESTIMATORS[name].label if name in ESTIMATORS else name


def estimator_color(name: str, colors: Mapping[str, str] | None = None) -> str:
    """Colour of an estimator: ``colors[name]`` if given, else the registry's, else black.

    Parameters
    ----------
    name : str
        Estimator name.
    colors : mapping of str to str, optional
        Overrides.
    """
    if colors and name in colors:
        return colors[name]
    return ESTIMATORS[name].color if name in ESTIMATORS else PALETTE["black"]


def _band_verts(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Polygon of a band between ``lo`` and ``hi`` (for ``PolyCollection.set_verts``)."""
    return np.concatenate([np.stack([x, lo], 1), np.stack([x[::-1], hi[::-1]], 1)])


def _positive_band(y: np.ndarray, se: np.ndarray, k: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """``y +- k se`` clipped to stay positive (for log axes)."""
    lo = np.maximum(y - k * se, y / 10.0)
    return np.maximum(lo, 1e-300), np.maximum(y + k * se, 1e-300)



# ----------------------------------------------------------------------------- 1. argmax steps


def plot_argmax_steps(logits: ArrayLike, f: Any, noise: ArrayLike, grid: ArrayLike, *, k: int = 0, tau: float = 0.3,
                      ax=None) -> dict:
    r"""f at the Gumbel-max sample as one logit :math:`x_k` moves, with the noise held fixed.

    Draws :func:`~gumbel_utils.objectives.argmax_objective_curves` against :math:`x_k`:
    :math:`f(\operatorname{onehot}(\arg\max(x + g)))` for each fixed noise (flat steps:
    derivative 0 almost everywhere), the relaxed :math:`f(\operatorname{softmax}((x+g)/\tau))`
    for the same noises (dashed, smooth), the expectation :math:`\mathbb{E} f(z)` (black) and
    its tangent with the exact slope.

    Parameters
    ----------
    logits : array_like, shape (K,)
        The logits x.
    f : objective
        Anything with ``value(z)`` and ``grad(z)``.
    noise : array_like, shape (R, K)
        R fixed Gumbel draws (one staircase each).
    grid : array_like
        Values of the moving logit :math:`x_k`.
    k : int, optional
        Which logit moves.
    tau : float, optional
        Temperature of the relaxed curves.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).

    Returns
    -------
    dict
        ``hard``, ``soft`` (lists of Line2D), ``mean``, ``tangent``, ``point`` (Line2D).
    """
    x = np.asarray(logits, dtype=float)
    grid = np.asarray(grid, dtype=float)
    hard, soft, mean = argmax_objective_curves(x, f, noise, grid, k=k, tau=tau)
    ax = pyplot_axes(ax, figsize=(8.4, 4.2))
    colors = [PALETTE["sky"], PALETTE["orange"], PALETTE["purple"], PALETTE["green"]]
    with course_style():
        hard_lines = [ax.plot(grid, h, color=colors[i % 4], lw=2.5, alpha=0.9,
                              label="f(one-hot argmax(x + g))" if i == 0 else None)[0] for i, h in enumerate(hard)]
        soft_lines = [ax.plot(grid, s, color=colors[i % 4], lw=1.6, ls="--",
                              label="f(softmax((x + g)/τ))" if i == 0 else None)[0] for i, s in enumerate(soft)]
        (mean_line,) = ax.plot(grid, mean, color=PALETTE["black"], lw=2.8, label="E f(z), z ~ Cat(p)")
        slope, e0 = exact_gradient(x, f)[k], expected_value(x, f)
        (tangent,) = ax.plot(grid, e0 + slope * (grid - x[k]), color=PALETTE["black"], lw=1.2, ls=":",
                             label="exact slope")
        (point,) = ax.plot([x[k]], [e0], "o", color=PALETTE["black"])
        ax.set_xlabel(f"logit $x_{k + 1}$ (others fixed)")
        ax.set_ylabel("objective $f$")
        ax.set_title("argmax: flat steps, zero gradient almost everywhere")
        lo, hi = min(hard.min(), mean.min()), max(hard.max(), mean.max())
        pad = 0.1 * (hi - lo + 1e-9)
        ax.set_ylim(lo - pad, hi + pad)
        ax.legend(loc="upper left", fontsize=11)
    return {"hard": hard_lines, "soft": soft_lines, "mean": mean_line, "tangent": tangent, "point": point}


# ----------------------------------------------------------------------------- 2. running means


def plot_running_mean(estimates: Mapping[str, np.ndarray], exact: ArrayLike, *, component: int = 0,
                      ax=None, labels: Mapping[str, str] | None = None) -> dict:
    r"""Running mean of component ``component`` of single-sample estimates, with a band of 2 standard errors.

    The running mean and its standard error are :func:`~gumbel_utils.stats.running_mean`;
    the exact gradient is the dashed line.

    Parameters
    ----------
    estimates : mapping of str to array, shape (N, K)
        Estimates by estimator name (labels and colours from the registry).
    exact : array_like, shape (K,)
        The exact gradient.
    component : int, optional
        Which component k.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).
    labels : mapping of str to str, optional
        Legend labels that replace the registry's.

    Returns
    -------
    dict
        name -> (Line2D, band PolyCollection); ``exact`` -> Line2D.
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.2))
    out = {}
    start = 10
    with course_style():
        for name, g in estimates.items():
            mean, se = running_mean(np.asarray(g)[:, component])
            n = np.arange(1, mean.size + 1)
            (line,) = ax.plot(n[start:], mean[start:], color=estimator_color(name),
                              label=estimator_label(name, labels))
            band = ax.fill_between(n[start:], (mean - 2 * se)[start:], (mean + 2 * se)[start:],
                                   color=estimator_color(name), alpha=0.25, lw=0)
            out[name] = (line, band)
        out["exact"] = ax.axhline(np.asarray(exact)[component], color=PALETTE["black"], ls="--", lw=1.5, label="exact")
        ax.set_xscale("log")
        ax.set_xlabel("number of samples $N$")
        ax.set_ylabel(rf"running mean of $\hat g_{component + 1}$")
        ax.set_title("unbiased: the running mean converges to the exact gradient")
        ax.legend(loc="upper right")
    return out


# ----------------------------------------------------------------------------- 3. histograms


def plot_estimate_histogram(estimates: ArrayLike, exact: ArrayLike, *, component: int = 0, ax=None,
                            color: str | None = None, label: str | None = None, step: bool = False) -> dict:
    r"""Histogram of :math:`\log_{10}|\hat g_k|` for single-sample estimates (N, K).

    The fractions are :func:`~gumbel_utils.gradient_stats.log_magnitude_histogram`: a log
    axis shows both the many near-zero estimates (left) and the rare huge ones (right)
    that carry the variance. The exact :math:`|\nabla_k|` is a dashed line.

    Parameters
    ----------
    estimates : array_like, shape (N, K)
        Single-sample estimates.
    exact : array_like, shape (K,)
        The exact gradient.
    component : int, optional
        Which component k.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).
    color, label : str, optional
        Colour and legend label of the histogram.
    step : bool, optional
        An outline (several histograms on one axes) instead of filled bars.

    Returns
    -------
    dict
        ``bars`` (StepPatch), ``exact`` (Line2D).
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.2))
    frac = log_magnitude_histogram(estimates, component=component)
    color = color or PALETTE["blue"]
    with course_style():
        if step:
            bars = ax.stairs(frac, LOG_MAGNITUDE_EDGES, color=color, lw=2.2, label=label)
        else:
            bars = ax.stairs(frac, LOG_MAGNITUDE_EDGES, fill=True, color=color, alpha=0.8, label=label)
        labelled = any(line.get_label().startswith("exact") for line in ax.get_lines())
        exact_line = ax.axvline(np.log10(abs(np.asarray(exact)[component]) + 1e-300), color=PALETTE["black"], ls="--",
                                lw=1.5, label=None if labelled else rf"exact $|\nabla_{component + 1}|$")
        ax.set_xlabel(rf"$\log_{{10}} |\hat g_{component + 1}|$ (one estimate)")
        ax.set_ylabel("fraction of estimates")
        ax.set_xlim(LOG_MAGNITUDE_EDGES[0], LOG_MAGNITUDE_EDGES[-1])
    return {"bars": bars, "exact": exact_line}


def plot_estimate_histograms(estimates: Mapping[str, np.ndarray], exact: ArrayLike, taus: Sequence[float], *,
                             component: int = 0, axes=None) -> dict:
    r"""One panel per estimator: histograms of :math:`\log_{10}|\hat g_k|` at several temperatures.

    The fraction axis is logarithmic, so that the rare huge estimates (right) show next to
    the pile of near-zero ones (left).

    Parameters
    ----------
    estimates : mapping of str to array, shape (T, N, K)
        Estimates by estimator name, one slice per temperature (the same noise at every tau).
    exact : array_like, shape (K,)
        The exact gradient.
    taus : sequence of T floats
        The temperatures (legend).
    component : int, optional
        Which component k.
    axes : sequence of Axes, optional
        One per estimator (default: a new pyplot figure).

    Returns
    -------
    dict
        ``(name, tau)`` -> the artists of :func:`plot_estimate_histogram`.
    """
    if axes is None:
        _fig, axes = pyplot_figure(1, len(estimates), figsize=(8.4, 3.9), sharey=True)
    colors = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"]]
    out: dict = {}
    with course_style():
        for ax, (name, g_all) in zip(np.atleast_1d(axes), estimates.items()):
            n = np.asarray(g_all).shape[-2]
            for i, (g, tau) in enumerate(zip(g_all, taus)):
                out[(name, tau)] = plot_estimate_histogram(g, exact, component=component, ax=ax,
                                                           color=colors[i % 4], label=f"τ = {tau:g}", step=True)
            ax.set_title(estimator_label(name))
            ax.set_yscale("log")
            ax.set_ylim(0.5 / n, 1.5)
            ax.legend(loc="upper right", fontsize=11)
    return out


# ----------------------------------------------------------------------------- 4. bias / variance / MSE


def plot_bias_variance(results: Mapping[str, BiasVariance], *, batch: int = 1, axes: Sequence | None = None,
                       labels: Mapping[str, str] | None = None, colors: Mapping[str, str] | None = None,
                       show_star: bool = True) -> dict:
    r"""Squared bias, variance and MSE of an n-sample average against tau, log-log, one curve per estimator.

    Bands are 2 standard errors. Squared biases that the run does not resolve
    (:func:`~gumbel_utils.gradient_stats.resolved_bias2`) are not drawn. The MSE-optimal
    tau (:func:`~gumbel_utils.gradient_stats.mse_optimal_tau`) of each registered
    temperature-dependent estimator is marked on the MSE panel.

    Parameters
    ----------
    results : mapping of str to BiasVariance
        Measurements over one grid of temperatures, by name (:func:`~gumbel_utils.gradient_stats.sweep`).
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
        ``lines`` and ``bands`` ((name, panel) -> artist), ``stars`` (name -> Line2D),
        ``legend``, ``axes`` (the three Axes).
    """
    if axes is None:
        _fig, axes = pyplot_figure(1, 3, figsize=(8.4, 3.9))
    out: dict = {"lines": {}, "bands": {}, "stars": {}}
    with course_style():
        for name, r in results.items():
            c, lab = estimator_color(name, colors), estimator_label(name, labels)
            for j, ax in enumerate(axes):
                (line,) = ax.plot(r.tau, np.ones_like(r.tau), color=c, label=lab if j == 1 else None)
                band = ax.fill_between(r.tau, np.ones_like(r.tau), np.ones_like(r.tau), color=c, alpha=0.2, lw=0)
                out["lines"][(name, j)] = line
                out["bands"][(name, j)] = band
            (star,) = axes[2].plot([np.nan], [np.nan], marker="*", ms=17, color=c, mec="k", ls="none")
            out["stars"][name] = star
        for ax, title in zip(axes, ("squared bias ‖E ĝ − ∇‖²", "variance tr Cov(ĝ)", "MSE of a batch mean")):
            ax.set_xscale("log")
            ax.set_yscale("log")
            decade_log_axes(ax)
            ax.set_xlabel("temperature τ")
            ax.set_title(title, fontsize=12)
        fig = axes[0].figure
        ncols = min(len(results), 3)
        if fig.get_layout_engine() is not None and "Constrained" in type(fig.get_layout_engine()).__name__:
            out["legend"] = fig.legend(loc="outside lower center", ncols=ncols, fontsize=11)
        else:
            out["legend"] = axes[2].legend(loc="upper right", fontsize=11)
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
        mse_se = np.sqrt(r.bias2_se**2 + (r.variance_se / batch) ** 2)
        for j, (y, se) in enumerate(((resolved_bias2(r), r.bias2_se), (r.variance, r.variance_se),
                                     (r.mse_at(batch), mse_se))):
            art["lines"][(name, j)].set_data(r.tau, y)
            ok = np.isfinite(y) & (y > 0)
            lo, hi = _positive_band(np.where(ok, y, 1e-300), se)
            verts = _band_verts(r.tau[ok], lo[ok], hi[ok]) if ok.any() else np.zeros((0, 2))
            art["bands"][(name, j)].set_verts([verts])
            for b in ((limit_batches or [batch]) if j == 2 else [None]):
                yy = r.mse_at(b) if b is not None else y
                good = np.isfinite(yy) & (yy > 0)
                if good.any():
                    lims[j][0] = min(lims[j][0], float(np.min(yy[good])))
                    lims[j][1] = max(lims[j][1], float(np.max(yy[good])))
        star = art["stars"][name]
        if show_star and name in ESTIMATORS and ESTIMATORS[name].tau_dependent:
            stars[name] = mse_optimal_tau(r, batch)
            star.set_data([stars[name][0]], [stars[name][1]])
        else:
            star.set_data([np.nan], [np.nan])
    r0 = next(iter(results.values()))
    for ax, (lo, hi) in zip(axes, lims):
        if np.isfinite(lo) and hi > 0:
            ax.set_ylim(lo / 3, hi * 3)
        ax.set_xlim(r0.tau.min(), r0.tau.max())
    return stars


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


# ----------------------------------------------------------------------------- 6. Gumbel-Rao


def plot_conditional_check(rejection: np.ndarray, conditional: np.ndarray, *, ax=None) -> dict:
    """Empirical CDFs of each coordinate of x + g: rejection sampling (solid) vs Eq. 9 (dashed).

    Parameters
    ----------
    rejection, conditional : ndarray, shape (N, K)
        Perturbed logits from rejection sampling and from :func:`~gumbel_utils.estimators.conditional_gumbel`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).

    Returns
    -------
    dict
        ``(j, "rejection" or "Eq. 9")`` -> Line2D (the sorted values against their ranks / N).
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.2))
    out = {}
    with course_style():
        for j in range(rejection.shape[1]):
            for data, ls, tag in ((rejection, "-", "rejection"), (conditional, "--", "Eq. 9")):
                v = np.sort(data[:, j])
                (line,) = ax.plot(v, np.arange(1, v.size + 1) / v.size, ls=ls, color=CATEGORY_COLORS[j],
                                  lw=2.4 if ls == "-" else 1.8, label=f"$x_{j + 1}+g_{j + 1}$, {tag}")
                out[(j, tag)] = line
        ax.set_xlabel("perturbed logit $x_j + g_j$")
        ax.set_ylabel("empirical CDF")
        ax.set_title("conditional Gumbels: Eq. 9 = rejection sampling")
        ax.legend(loc="lower right", fontsize=11)
    return out


# ----------------------------------------------------------------------------- 7. K = 2


def plot_k2_exact(exact: Mapping[str, K2Moments], mc: Mapping[str, BiasVariance], *, axes=None) -> dict:
    """Exact K = 2 squared bias and variance (lines, quadrature) through Monte Carlo points (2 se bars).

    Parameters
    ----------
    exact : mapping of str to K2Moments
        :func:`~gumbel_utils.gradient_stats.k2_moments` by estimator name.
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
