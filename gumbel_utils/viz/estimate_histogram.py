"""Notebook 3: single-sample gradient estimates, their running mean and their distribution on a log axis.

The figure family of the estimates themselves: :func:`explore_estimate_histogram` and the panels it
drives, :func:`plot_estimate_histogram` and :func:`plot_estimate_histograms` (the histogram of
log10 |estimate|: the many near-zero estimates and the rare huge ones that carry the variance),
and :func:`plot_running_mean` (an unbiased estimator's running mean converges to the exact
gradient). Every number drawn comes from :mod:`gumbel_utils.estimate_tails`,
:mod:`gumbel_utils.gradient_stats` and :mod:`gumbel_utils.stats`; labels, colours and line
styles from the estimator registry.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_choice
from ..estimate_tails import LOG_MAGNITUDE_EDGES, estimate_spread, log_magnitude_histogram
from ..gradient_stats import bias_variance_from_estimates
from ..objectives import OBJECTIVES, exact_gradient
from ..registry import ESTIMATORS
from ..stats import running_mean
from ._args import check_in_range, check_logit_vector, check_seed
from .controls import Choice, LogTau, make_controls
from .explorer import Explorer, axes_key, records_call
from .style import (CATEGORY_COLORS, PALETTE, course_style, estimator_label, estimator_style, new_figure, pyplot_axes,
                    pyplot_figure, series_style)

__all__ = ["plot_running_mean", "plot_estimate_histogram", "plot_estimate_histograms", "explore_estimate_histogram"]


def _objective(objective: Any) -> tuple[str, Any]:
    name = check_choice(objective, OBJECTIVES, "objective")
    return name, OBJECTIVES[name]


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
            style = estimator_style(name, points=mean.size - start, index=len(out))
            (line,) = ax.plot(n[start:], mean[start:], ms=6, label=estimator_label(name, labels), **style)
            band = ax.fill_between(n[start:], (mean - 2 * se)[start:], (mean + 2 * se)[start:],
                                   color=style["color"], alpha=0.25, lw=0)
            out[name] = (line, band)
        out["exact"] = ax.axhline(np.asarray(exact)[component], color=PALETTE["black"], ls="--", lw=1.5, label="exact")
        ax.set_xscale("log")
        ax.set_xlabel("number of samples $N$")
        ax.set_ylabel(rf"running mean of $\hat g_{component + 1}$")
        ax.set_title("unbiased: the running mean converges to the exact gradient")
        ax.legend(loc="upper right")
    return out


def plot_estimate_histogram(estimates: ArrayLike, exact: ArrayLike, *, component: int = 0, ax=None,
                            color: str | None = None, label: str | None = None, step: bool = False,
                            linestyle: Any = "-") -> dict:
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
    linestyle : str or tuple, optional
        Line style of the outline (several outlines on one axes differ in style too, not in colour only).

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
            bars = ax.stairs(frac, LOG_MAGNITUDE_EDGES, color=color, lw=2.2, linestyle=linestyle, label=label)
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
    out: dict = {}
    with course_style():
        for ax, (name, g_all) in zip(np.atleast_1d(axes), estimates.items()):
            n = np.asarray(g_all).shape[-2]
            for i, (g, tau) in enumerate(zip(g_all, taus)):
                style = series_style(i)  # one colour AND line style per temperature
                out[(name, tau)] = plot_estimate_histogram(g, exact, component=component, ax=ax, color=style["color"],
                                                           linestyle=style["linestyle"], label=f"τ = {tau:g}",
                                                           step=True)
            ax.set_title(estimator_label(name))
            ax.set_yscale("log")
            ax.set_ylim(0.5 / n, 1.5)
            ax.legend(loc="upper right", fontsize=11)
    return out


@records_call
def explore_estimate_histogram(logits: ArrayLike = (1.0, 0.5, 0.0), objective: str = "cubic", *,
                               tau: float = 0.1, n_samples: int = 10_000, seed: int = 0) -> Explorer:
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
    n_samples : int, optional
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
    n_samples = int(check_in_range(n_samples, 100, 50_000, "n_samples"))
    seed = check_seed(seed)
    names = [name for name, spec in ESTIMATORS.items() if spec.tau_dependent]
    fig, ax = new_figure(figsize=(8.4, 4.2))
    art = plot_estimate_histogram(ESTIMATORS[names[0]](x, f0, n_samples, tau=tau, rng=seed), exact_gradient(x, f0), ax=ax,
                                  color=ESTIMATORS[names[0]].color)
    with course_style():
        title = ax.set_title(" ", fontsize=13)
        ax.set_ylim(0, 1.0)  # fixed: the axes stay a cached background (a fraction is at most 1)
        ax.legend(handles=[art["exact"]], loc="upper right")
    controls = make_controls(
        tau=LogTau(tau, lo=0.003),
        estimator=Choice([(ESTIMATORS[k].label, k) for k in names], names[0], label="estimator"),
        objective=Choice(list(OBJECTIVES), objective, label="f", name="objective f"),
    )
    # Temperature-free draws of the estimators that can reuse them, made once at build time
    # (same numbers as the estimator's own draws from rng=seed).
    draws = {name: ESTIMATORS[name].draws(x, n_samples, rng=seed, **ESTIMATORS[name].options)
             for name in names if ESTIMATORS[name].draws is not None}
    state: dict = {}

    def estimates(name: str, f: Any, tau: float) -> np.ndarray:
        spec = ESTIMATORS[name]
        if name in draws:
            return spec(x, f, n_samples, tau=tau, draws=draws[name])
        return spec(x, f, n_samples, tau=tau, rng=seed)

    def update(tau, estimator, objective):
        f = OBJECTIVES[objective]
        g = estimates(estimator, f, tau)
        frac = log_magnitude_histogram(g)
        spread = estimate_spread(g)
        ex = exact_gradient(x, f)
        moments = bias_variance_from_estimates(g, ex)  # mean, its standard error, variance: the math layer's
        art["bars"].set_data(frac)
        art["bars"].set_facecolor(ESTIMATORS[estimator].color)
        art["exact"].set_xdata([np.log10(abs(ex[0]))] * 2)
        title.set_text(f"{ESTIMATORS[estimator].label}, τ = {tau:.3g}")  # short: a text costs ~0.1 ms a letter
        state.update(estimates=g, small=spread.small_share, tail_share=spread.tail_share, exact_gradient=ex)
        return (f"<b>{100 * spread.small_share:.0f}%</b> of |ĝ₁| < 0.01; the largest 1% carry "
                f"<b>{100 * spread.tail_share:.0f}%</b> of Σ|ĝ|² &nbsp;·&nbsp; mean ĝ₁ = {moments.mean[0]:.3f} ± "
                f"{moments.bias_se[0]:.3f} (exact {ex[0]:.3f}); variance tr Σ = {moments.variance:.3g}")

    return Explorer(fig, controls, update, artists={**art, "title": title}, state=state,
                    dynamic=[art["bars"], art["exact"], title], background_key=axes_key(ax))
