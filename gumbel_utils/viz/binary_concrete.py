r"""Notebook 2, K = 2: the binary Concrete density on (0, 1) with the histogram of its samples over it.

The figure family of the binary Concrete: :func:`explore_binary_concrete` and the panel it drives,
:func:`plot_binary_concrete`. The histogram and the share of samples above 1/2 are
:func:`~gumbel_utils.relaxation_stats.binary_concrete_histogram`, the curve
:func:`~gumbel_utils.concrete.binary_concrete_log_prob`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._kernels import sigmoid
from .._validation import check_tau
from ..concrete import binary_concrete_log_prob, sample_binary_concrete
from ..relaxation_stats import binary_concrete_histogram
from ._args import check_in_range, check_logit_vector, check_seed
from .controls import LogTau, Slider, make_controls
from .explorer import Explorer, records_call
from .style import PALETTE, course_style, new_figure, pyplot_axes

__all__ = ["Y_TOP_BINARY", "plot_binary_concrete", "explore_binary_concrete"]

#: Top of the density axis of the binary Concrete explorer (bars above it are labelled).
Y_TOP_BINARY = 12.0


def _curve_grid(n_curve: int) -> np.ndarray:
    """The open grid of (0, 1) on which the density curve is drawn (0 and 1 excluded)."""
    return np.linspace(0.0, 1.0, n_curve + 2)[1:-1]


def plot_binary_concrete(logit: float, tau: float, samples: ArrayLike, *, ax=None, bins: int = 40,
                         n_curve: int = 400) -> dict[str, Any]:
    r"""Binary Concrete: the exact density on (0, 1) and the histogram of ``samples`` over it.

    Parameters
    ----------
    logit : float
        The logit x.
    tau : float
        The temperature.
    samples : array_like
        Draws of :func:`~gumbel_utils.sample_binary_concrete`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).
    bins : int, optional
        Histogram bins on [0, 1].
    n_curve : int, optional
        Points of the density curve.

    Returns
    -------
    dict
        ``bars`` (StepPatch: :func:`~gumbel_utils.relaxation_stats.binary_concrete_histogram`),
        ``curve`` (Line2D of the density).
    """
    ax = pyplot_axes(ax, figsize=(7.0, 4.5))
    hist = binary_concrete_histogram(samples, bins=bins)
    y = _curve_grid(n_curve)
    dens = np.exp(binary_concrete_log_prob(y, logit, tau))
    with course_style():
        # one StepPatch, not 40 rectangles: a live redraw draws one path
        bars = ax.stairs(hist.heights, hist.edges, fill=True, color=PALETTE["sky"], label="histogram of samples")
        (curve,) = ax.plot(y, dens, color=PALETTE["vermillion"], lw=2.5, label=r"exact density $p_{x,\tau}(y)$")
        ax.set_xlim(0, 1)
        ax.set_xlabel(r"$y = \sigma((x + L)/\tau)$")
        ax.set_ylabel("density")
        # left of centre, half-way up: the density's peak (near y = 1/2 at a large tau) and the piles at
        # 0 and 1 (small tau) stay clear of it for every logit in [-3, 3]
        ax.legend(loc="center left", bbox_to_anchor=(0.06, 0.7), fontsize=11, frameon=False)
    return {"bars": bars, "curve": curve}


@records_call
def explore_binary_concrete(logit: float = 0.5, *, tau: float = 0.5, n_samples: int = 2000, seed: int = 0) -> Explorer:
    r"""K = 2: the binary Concrete density on (0, 1) with the histogram of ``n_samples`` samples over it.

    The samples are ``sample_binary_concrete(logit, tau, size=n_samples, rng=seed)``: the
    same seed, so the same logistic noise at every slider position. The density
    axis is fixed at ``[0, Y_TOP_BINARY]``; an end bin above it shows its height as text.

    Parameters
    ----------
    logit : float, optional
        Starting logit x (slider over -3..3, widened to hold it).
    tau : float, optional
        Starting temperature (slider over 0.01..10, widened to hold it).
    n_samples : int, optional
        Number of samples (10 to 100,000).
    seed : int, optional
        Seed of the noise.

    Returns
    -------
    Explorer
        Controls ``tau`` and ``logit``. Artists ``bars`` (normalised histogram),
        ``curve`` (exact density), ``title``, ``off_scale``; state ``samples``,
        ``heights``, ``above`` and ``above_se`` (P(y > 1/2) from the samples).
    """
    logit = float(check_logit_vector([logit], 1, "logit")[0])
    tau, seed = float(check_tau(tau, scalar=True)), check_seed(seed)
    n_samples = int(check_in_range(n_samples, 10, 100_000, "n_samples"))
    fig, ax = new_figure(figsize=(8.4, 4.2))
    y0 = sample_binary_concrete(logit, tau, size=n_samples, rng=seed)
    art = plot_binary_concrete(logit, tau, y0, ax=ax)
    y_curve = _curve_grid(400)
    edges = binary_concrete_histogram(y0, bins=40).edges
    with course_style():
        half = ax.axvline(0.5, color=PALETTE["black"], ls=":", lw=1.2)
        title = ax.set_title("")
        # A fixed y-range keeps the axes in the cached background; the two end bins, which can
        # hold half the samples at small tau, get their height written on them when off the scale.
        ax.set_ylim(0, Y_TOP_BINARY)
        width = edges[1] - edges[0]
        off_scale = [ax.text(xc, 0.97 * Y_TOP_BINARY, "", ha=ha, va="top", fontsize=12, color=PALETTE["black"])
                     for xc, ha in ((edges[1] + 0.2 * width, "left"), (edges[-2] - 0.2 * width, "right"))]
    state: dict[str, Any] = {}

    def update(tau: float, logit: float) -> str:
        y = sample_binary_concrete(logit, tau, size=n_samples, rng=seed)
        hist = binary_concrete_histogram(y, bins=40)
        heights = hist.heights
        art["bars"].set_data(heights)
        art["curve"].set_ydata(np.exp(binary_concrete_log_prob(y_curve, logit, tau)))
        for label, h in zip(off_scale, heights[[0, -1]]):
            label.set_text(f"bar height {h:.1f}" if h > Y_TOP_BINARY else "")
        state.update(samples=y, heights=heights, above=hist.above, above_se=hist.above_se)
        shape = "U-shaped (τ < 1)" if tau < 1 else ("one hump (τ > 1)" if tau > 1 else "τ = 1: the boundary")
        title.set_text(f"x = {logit:.1f}, τ = {tau:.3g}: {shape}")
        sig = float(sigmoid(logit))
        return (f"τ = {tau:.3g}: P(y > 1/2) = {hist.above:.3f} ± {hist.above_se:.3f} (samples) vs σ(x) = {sig:.3f} "
                f"(exact, every τ)")

    controls = make_controls(tau=LogTau(tau), logit=Slider(logit, -3.0, 3.0, label="logit $x$"))
    return Explorer(fig, controls, update, state=state,
                    artists={"bars": art["bars"], "curve": art["curve"], "title": title, "off_scale": off_scale},
                    dynamic=[art["bars"], half, art["curve"], *off_scale, title])
