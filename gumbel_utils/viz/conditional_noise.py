"""Notebook 3, Gumbel-Rao: the noise conditioned on the argmax (Eq. 9 of Paulus et al.) is the right one.

The figure family of the conditional-noise check: :func:`plot_conditional_check` draws the empirical
CDFs (:func:`~gumbel_utils.stats.empirical_cdf`) of perturbed logits drawn by rejection sampling and
by :func:`~gumbel_utils.estimators.conditional_gumbel`.
"""

from __future__ import annotations

import numpy as np

from ..stats import empirical_cdf
from .style import course_style, pyplot_axes, series_style

__all__ = ["plot_conditional_check"]


def plot_conditional_check(rejection: np.ndarray, conditional: np.ndarray, *, ax=None) -> dict:
    """Empirical CDFs of each coordinate of x + g: rejection sampling (solid) vs Eq. 9 (dashed).

    The curves are :func:`~gumbel_utils.stats.empirical_cdf`; each coordinate has its colour and marker.

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
                v, cdf = empirical_cdf(data[:, j])
                # coordinate j's colour AND marker: the coordinates stay apart without colour
                style = {**series_style(j, points=v.size), "linestyle": ls}
                (line,) = ax.plot(v, cdf, lw=2.4 if ls == "-" else 1.8, ms=6, mfc="none" if ls == "--" else None,
                                  label=f"$x_{j + 1}+g_{j + 1}$, {tag}", **style)
                out[(j, tag)] = line
        ax.set_xlabel("perturbed logit $x_j + g_j$")
        ax.set_ylabel("empirical CDF")
        ax.set_title("conditional Gumbels: Eq. 9 = rejection sampling")
        ax.legend(loc="lower right", fontsize=11)
    return out
