"""The panels of Notebook 3 (gradient estimators): ``plot_*(data..., *, ax=None)`` (or ``axes=``).

Each draws data computed by the math layer (:mod:`gumbel_utils.objectives`,
:mod:`gumbel_utils.gradient_stats`, :mod:`gumbel_utils.stats`) and returns a dict of
its artists; labels and colours come from the estimator registry
(:data:`gumbel_utils.registry.ESTIMATORS`). The panels that draw measurements against
the temperature (bias, variance, MSE, the K = 2 curves) live in
:mod:`gumbel_utils.viz.bias_variance_panels`. The explorers of
:mod:`gumbel_utils.viz.gradients` build on both; the notebook imports everything from there.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator
from numpy.typing import ArrayLike

from ..estimate_tails import LOG_MAGNITUDE_EDGES, log_magnitude_histogram
from ..registry import ESTIMATORS
from ..objectives import RelaxedCurve, argmax_objective_curves, exact_gradient, expected_value
from ..stats import running_mean
from .style import CATEGORY_COLORS, PALETTE, course_style, pyplot_axes, pyplot_figure

__all__ = [
    "argmax_steps_ylim",
    "estimator_label",
    "estimator_color",
    "decade_log_axes",
    "plot_argmax_steps",
    "plot_running_mean",
    "plot_estimate_histogram",
    "plot_estimate_histograms",
    "plot_conditional_check",
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
        Estimator name (a key of :data:`~gumbel_utils.registry.ESTIMATORS`, or any other name).
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


# ----------------------------------------------------------------------------- 1. argmax steps


def plot_argmax_steps(logits: ArrayLike, f: Any, noise: ArrayLike, grid: ArrayLike, *, k: int = 0, tau: float = 0.3,
                      ax=None, relaxed: RelaxedCurve | None = None) -> dict:
    r"""f at the Gumbel-max sample as one logit :math:`x_k` moves, with the noise held fixed.

    Draws :func:`~gumbel_utils.objectives.argmax_objective_curves` against :math:`x_k`:
    :math:`f(\operatorname{onehot}(\arg\max(x + g)))` for each fixed noise (flat steps:
    derivative 0 almost everywhere), the relaxed :math:`f(\operatorname{softmax}((x+g)/\tau))`
    for the same noises (dashed, smooth), the expectation :math:`\mathbb{E} f(z)` (black) and
    its tangent with the exact slope; optionally the relaxed objective
    :math:`\mathbb{E}_g f(\operatorname{softmax}((x+g)/\tau))` averaged over many noises
    (:func:`~gumbel_utils.objectives.relaxed_objective_curve`, dash-dotted): the relaxed
    estimator follows *its* slope, so the bias is the difference of the two slopes.
    The legend sits in a band reserved above the curves.

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
    relaxed : RelaxedCurve, optional
        The averaged relaxed objective to draw (its ``grid`` may be coarser than ``grid``).

    Returns
    -------
    dict
        ``hard``, ``soft`` (lists of Line2D), ``mean``, ``tangent``, ``point``, ``relaxed`` (Line2D;
        empty when ``relaxed`` is None, so that an explorer can fill it later).
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
        rx, ry = ([], []) if relaxed is None else (relaxed.grid, relaxed.value)
        (relaxed_line,) = ax.plot(rx, ry, color=PALETTE["vermillion"], lw=2.6, ls="-.",
                                  label="E_g f(softmax((x + g)/τ))")
        ax.set_xlabel(f"logit $x_{k + 1}$ (others fixed)")
        ax.set_ylabel("objective $f$")
        ax.set_title("argmax: flat steps, zero gradient almost everywhere")
        lo, hi = min(hard.min(), mean.min(), soft.min()), max(hard.max(), mean.max(), soft.max())
        ax.set_ylim(*argmax_steps_ylim(lo, hi))
        ax.legend(loc="upper center", ncols=3, fontsize=11, frameon=False, columnspacing=1.0, handlelength=1.8)
    return {"hard": hard_lines, "soft": soft_lines, "mean": mean_line, "tangent": tangent, "point": point,
            "relaxed": relaxed_line}


def argmax_steps_ylim(lo: float, hi: float) -> tuple[float, float]:
    """The y range of :func:`plot_argmax_steps` for curves in ``[lo, hi]``: a margin, and a band on top for the legend.

    Parameters
    ----------
    lo, hi : float
        The lowest and highest value drawn.
    """
    span = hi - lo + 1e-9
    return lo - 0.08 * span, hi + 0.45 * span


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
