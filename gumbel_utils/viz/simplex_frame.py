"""The triangle every Notebook 2 figure draws on: the 2-simplex with its vertices e1, e2, e3.

Shared by :mod:`gumbel_utils.viz.relaxation_path`, :mod:`gumbel_utils.viz.concrete_density` and
:mod:`gumbel_utils.viz.mean_drift`; the geometry (barycentric to triangle coordinates) is
:mod:`gumbel_utils.simplex`.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..simplex import TRIANGLE, barycentric_to_cartesian
from .style import CATEGORY_COLORS, PALETTE, course_style, pyplot_axes

__all__ = ["CENTRE", "plot_simplex_frame"]

#: The centre of the triangle, (1/3, 1/3, 1/3), in triangle coordinates.
CENTRE = barycentric_to_cartesian(np.full(3, 1.0 / 3.0))


def plot_simplex_frame(*, ax=None, labels: Sequence[str] | None = None) -> dict[str, Any]:
    """Draw the triangle of the 2-simplex with its vertices labelled e1, e2, e3 (one-hot vectors).

    Sets equal aspect and hides the box axes (the vertex labels are the axes of a ternary plot).

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).
    labels : sequence of 3 str, optional
        The vertex labels.

    Returns
    -------
    dict
        ``outline`` (Line2D), ``labels`` (list of Text).
    """
    ax = pyplot_axes(ax, figsize=(5.5, 5.0))
    labels = labels or [r"$e_1=(1,0,0)$", r"$e_2=(0,1,0)$", r"$e_3=(0,0,1)$"]
    with course_style():
        closed = np.vstack([TRIANGLE, TRIANGLE[:1]])
        (outline,) = ax.plot(closed[:, 0], closed[:, 1], color=PALETTE["black"], lw=2.5, zorder=3)
        # Labels kept clear of a marker sitting on their vertex (the Gumbel-max square, a sample,
        # softmax(x)): below e1 and e2, above e3, with a gap of about 0.05 (a marker's radius).
        offsets = [(-0.02, -0.05, "left", "top"), (1.02, -0.05, "right", "top"), (0.5, 0.92, "center", "bottom")]
        texts = [
            ax.text(ox, oy, lab, ha=ha, va=va, color=CATEGORY_COLORS[k], fontsize=13, fontweight="bold")
            for k, ((ox, oy, ha, va), lab) in enumerate(zip(offsets, labels))
        ]
        ax.set_xlim(-0.08, 1.08)
        ax.set_ylim(-0.13, 1.0)
        ax.set_aspect("equal")
        ax.axis("off")
    return {"outline": outline, "labels": texts}
