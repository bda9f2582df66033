"""Notebook 1's figures of the Gumbel law itself: the noise -log(-log U), and max-stability.

``plot_*(data..., *, ax=None)`` draw what the math layer computes from the draws they are given
(:func:`~gumbel_utils.stats.density_histogram`, :func:`~gumbel_utils.stats.max_stability`,
:func:`~gumbel_utils.stats.gumbel_density`) and return their artists.

- :func:`plot_gumbel_histogram`: a histogram of Gumbel draws against the density.
- :func:`plot_max_stability`: the law of max_k (x_k + g_k) given each winner k, against Gumbel(logsumexp x).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..stats import density_histogram, gumbel_density, max_stability
from .style import PALETTE, course_style, pyplot_axes, series_style

__all__ = ["EULER_GAMMA", "GUMBEL_HISTOGRAM_RANGE", "plot_gumbel_histogram", "plot_max_stability"]

#: Euler-Mascheroni constant: the mean of a standard Gumbel.
EULER_GAMMA = float(np.euler_gamma)

#: The range of :func:`plot_gumbel_histogram`: it holds all but 4e-4 of a standard Gumbel's mass.
GUMBEL_HISTOGRAM_RANGE = (-2.5, 8.0)


def plot_gumbel_histogram(g: np.ndarray, *, bins: int = 80, ax=None, title: str | None = None):
    """Density histogram of draws ``g`` against the standard Gumbel density ``exp(-g - e^{-g})``.

    Parameters
    ----------
    g : array_like
        Gumbel draws.
    bins : int, optional
        Number of bins over :data:`GUMBEL_HISTOGRAM_RANGE`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).
    title : str, optional
        The title.

    Returns
    -------
    dict
        ``hist`` (a StepPatch: :func:`~gumbel_utils.stats.density_histogram` of all the draws),
        ``pdf`` (the Line2D of :func:`~gumbel_utils.stats.gumbel_density`), ``mean`` (the vertical line at γ).
    """
    g = np.asarray(g, dtype=np.float64)
    ax = pyplot_axes(ax)
    edges = np.linspace(*GUMBEL_HISTOGRAM_RANGE, bins + 1)
    grid = np.linspace(edges[0], edges[-1], 400)
    with course_style():
        hist = ax.stairs(density_histogram(g, edges), edges, fill=True, color=PALETTE["sky"], alpha=0.7,
                         label=f"histogram of {g.size:,} draws")
        (pdf,) = ax.plot(grid, gumbel_density(grid), color=PALETTE["black"], label=r"$e^{-g-e^{-g}}$ (Gumbel pdf)")
        mean = ax.axvline(EULER_GAMMA, color=PALETTE["vermillion"], ls="--", lw=1.8, label=r"mean $\gamma \approx 0.577$")
        ax.set_xlabel(r"$g = -\log(-\log U)$")
        ax.set_ylabel("density")
        ax.legend(loc="upper right")
        ax.set_title(title or r"$-\log(-\log U)$ is standard Gumbel")
    return {"hist": hist, "pdf": pdf, "mean": mean}


def plot_max_stability(
    index: np.ndarray, maximum: np.ndarray, logits: Sequence[float], *, bins: int = 60, ax=None, title: str | None = None
):
    r"""Histograms of :math:`M = \max_k (x_k + g_k)` given each winner k, against Gumbel(logsumexp(x)).

    Parameters
    ----------
    index, maximum : arrays
        The winners and the maxima, as :func:`gumbel_utils.perturbed_max` returns them.
    logits : array
        The logits x (the location of the Gumbel law is ``logsumexp(x)``).
    bins : int, optional
        Number of bins over ``[logsumexp(x) - 3, logsumexp(x) + 7]``.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).
    title : str, optional
        The title.

    Returns
    -------
    dict
        ``steps``: k -> the step outline (StepPatch) of :math:`M` given winner k (its heights are
        :func:`~gumbel_utils.stats.max_stability`'s densities); ``pdf`` (Line2D).
    """
    law = max_stability(index, maximum, logits, bins=bins)
    ax = pyplot_axes(ax)
    steps = {}
    grid = np.linspace(law.edges[0], law.edges[-1], 400)
    with course_style():
        for k, heights in law.density.items():
            style = series_style(k)  # one colour AND line style per winner
            steps[k] = ax.stairs(heights, law.edges, lw=2.0, color=style["color"], linestyle=style["linestyle"],
                                 label=f"given winner $k={k}$ ({law.count[k]:,})")
        (pdf,) = ax.plot(grid, gumbel_density(grid, law.loc), color=PALETTE["black"], ls="--", lw=2.4,
                         label=rf"Gumbel(logsumexp $x$ = {law.loc:.2f})")
        ax.set_xlabel(r"$M = \max_k\,(x_k + g_k)$")
        ax.set_ylabel("density")
        ax.legend(loc="upper right")
        ax.set_title(title or r"$M \sim$ Gumbel(logsumexp $x$), whichever $k$ wins")
    return {"steps": steps, "pdf": pdf}
