r"""The panels of notebook 2 (relaxation and temperature): ``plot_*(data..., *, ax=None)``.

Each draws one panel on an Axes (without ``ax``, a new pyplot one), inside the
course style, and returns a dict of its artists. The explorers of
:mod:`gumbel_utils.viz.relaxation` build their figures from these panels; the
notebook imports both from there. Every number drawn comes from
:mod:`gumbel_utils.concrete` or :mod:`gumbel_utils.relaxation_stats`.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from matplotlib.colors import Normalize
from numpy.typing import ArrayLike

from ..concrete import binary_concrete_log_prob, concrete_log_prob, gumbel_softmax
from ..numerics import softmax
from ..relaxation_stats import mean_vs_tau, relaxation_path, simplex_segment
from ..simplex import TRIANGLE, barycentric_to_cartesian
from .style import CATEGORY_COLORS, PALETTE, SEQUENTIAL_CMAP, course_style, pyplot_axes

__all__ = [
    "LOG_DENSITY_RANGE",
    "binary_grid",
    "set_simplex_samples",
    "plot_simplex_frame",
    "plot_relaxation_path",
    "plot_relaxed_bars",
    "plot_concrete_heatmap",
    "plot_simplex_samples",
    "plot_mean_vs_tau",
    "plot_density_along_line",
    "plot_binary_concrete",
]

#: Colour range of every log-density heatmap (natural log), fixed so that colours
#: mean the same at every temperature; values outside are drawn at the ends.
LOG_DENSITY_RANGE = (-6.0, 4.0)

_LEGEND = {"frameon": False, "columnspacing": 1.0, "handletextpad": 0.4}


def binary_grid(bins: int = 40, n_curve: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Histogram edges on [0, 1] and the open grid of the density curve of :func:`plot_binary_concrete`.

    Parameters
    ----------
    bins : int, optional
        Number of histogram bins.
    n_curve : int, optional
        Number of points of the curve (0 and 1 excluded).
    """
    return np.linspace(0.0, 1.0, bins + 1), np.linspace(0.0, 1.0, n_curve + 2)[1:-1]


# --------------------------------------------------------------------------- static panels


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


def plot_relaxation_path(logits: ArrayLike, noise: ArrayLike, tau: float, *, ax=None,
                         taus: ArrayLike | None = None) -> dict[str, Any]:
    r"""One noise draw on the triangle: the relaxed point at ``tau`` and its path over all ``taus``.

    Parameters
    ----------
    logits, noise : array_like, shape (3,)
        The logits x and one Gumbel draw g.
    tau : float
        Temperature of the marked point ``gumbel_softmax(logits, tau, noise=noise)``.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).
    taus : array_like, optional
        Temperatures of the path (default 200 from 0.01 to 10, log-spaced).

    Returns
    -------
    dict
        ``path``, ``point``, ``vertex`` (the Gumbel-max one-hot), ``centre`` (Line2D each).
    """
    ax = pyplot_axes(ax, figsize=(5.5, 5.0))
    taus = np.logspace(-2, 1, 200) if taus is None else np.asarray(taus, dtype=np.float64)
    plot_simplex_frame(ax=ax)
    path = barycentric_to_cartesian(relaxation_path(logits, noise, taus))
    y = gumbel_softmax(logits, tau, noise=noise)
    k = int(y.argmax())
    xy = barycentric_to_cartesian(y)
    centre = TRIANGLE.mean(axis=0)
    with course_style():
        (path_line,) = ax.plot(path[:, 0], path[:, 1], color=PALETTE["black"], alpha=0.35, lw=2,
                               label=r"path, $\tau$: 0.01 → 10")
        (centre_mark,) = ax.plot(*centre, marker="+", color=PALETTE["black"], ms=14, mew=2, ls="none", label="centre")
        (vertex,) = ax.plot(*TRIANGLE[k], marker="s", ms=13, mfc="none", mec=PALETTE["black"], mew=2, ls="none",
                            label=r"argmax$(x+g)$")
        (point,) = ax.plot(xy[0], xy[1], marker="o", ms=14, color=CATEGORY_COLORS[k], mec=PALETTE["black"], mew=1.5,
                           ls="none", zorder=5)
        # the legend shows a neutral dot: the point itself takes the colour of its largest coordinate
        ax.plot([], [], marker="o", ms=14, color="0.85", mec=PALETTE["black"], mew=1.5, ls="none",
                label=r"$y=\mathrm{softmax}((x+g)/\tau)$")
        ax.set_ylim(-0.44, 1.0)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.02), ncol=2, fontsize=11, **_LEGEND)
    return {"path": path_line, "point": point, "vertex": vertex, "centre": centre_mark}


def plot_relaxed_bars(y: ArrayLike, *, ax=None) -> dict[str, Any]:
    """Bars of the coordinates of one relaxed sample ``y`` (category colours), with the level 1/K.

    Parameters
    ----------
    y : array_like, shape (K,)
        A point of the simplex.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).

    Returns
    -------
    dict
        ``bars`` (BarContainer), ``uniform`` (Line2D at 1/K).
    """
    ax = pyplot_axes(ax, figsize=(4.5, 4.0))
    y = np.asarray(y, dtype=np.float64)
    k = y.size
    with course_style():
        bars = ax.bar(np.arange(1, k + 1), y, color=CATEGORY_COLORS[:k], edgecolor=PALETTE["black"])
        uniform = ax.axhline(1.0 / k, color=PALETTE["black"], ls=":", lw=1.5, label="1/K")
        ax.set_xticks(np.arange(1, k + 1))
        ax.set_xlabel("category k")
        ax.set_ylabel(r"$y_k$")
        ax.set_ylim(0, 1.05)
        ax.legend(loc="upper left", frameon=False)
    return {"bars": bars, "uniform": uniform}


def plot_concrete_heatmap(grid, image: ArrayLike, *, ax=None, vrange: tuple[float, float] = LOG_DENSITY_RANGE,
                          colorbar: bool = True) -> dict[str, Any]:
    """A log-density image on the triangle (``imshow`` over ``grid.extent``), NaN outside.

    Parameters
    ----------
    grid : SimplexGrid
        The grid of :func:`~gumbel_utils.simplex_grid` the image was computed on.
    image : array_like
        ``grid.fill(log p)`` (for example :func:`~gumbel_utils.relaxation_stats.log_density_image`).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).
    vrange : (float, float), optional
        The fixed colour range (values outside are drawn at the ends).
    colorbar : bool, optional
        Add a colour bar that says the range is clipped.

    Returns
    -------
    dict
        ``image`` (AxesImage), ``colorbar`` (Colorbar or None).
    """
    ax = pyplot_axes(ax, figsize=(6.5, 5.0))
    with course_style():
        im = ax.imshow(np.asarray(image), origin="lower", extent=grid.extent, cmap=SEQUENTIAL_CMAP,
                       norm=Normalize(*vrange, clip=False), interpolation="nearest",
                       interpolation_stage="data", zorder=1)  # nearest: the same pixels, half the time of "rgba"
        cbar = None
        if colorbar:
            cbar = ax.figure.colorbar(im, ax=ax, shrink=0.8, pad=0.02, extend="both")
            cbar.set_label(rf"$\log p_{{x,\tau}}(y)$ (clipped to [{vrange[0]:g}, {vrange[1]:g}])")
    return {"image": im, "colorbar": cbar}


def plot_simplex_samples(y: ArrayLike, *, ax=None, markersize: float = 2.8) -> dict[str, Any]:
    """Scatter points of the 2-simplex (shape (N, 3)) on the triangle, coloured by their largest coordinate.

    One marker-only ``Line2D`` per category (Agg stamps line markers several times
    faster than it draws a scatter collection).

    Parameters
    ----------
    y : array_like, shape (N, 3)
        Points of the simplex.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).
    markersize : float, optional
        Marker size in points.

    Returns
    -------
    dict
        ``points``: [Line2D] * 3; ``points[k]`` holds the samples whose largest coordinate is ``k``.
    """
    ax = pyplot_axes(ax, figsize=(5.5, 5.0))
    y = np.asarray(y, dtype=np.float64)
    xy = barycentric_to_cartesian(y)
    k = y.argmax(axis=1)
    with course_style():
        points = [ax.plot(xy[k == j, 0], xy[k == j, 1], ls="none", marker="o", ms=markersize, mew=0,
                          color=CATEGORY_COLORS[j], zorder=4)[0] for j in range(3)]
    return {"points": points}


def set_simplex_samples(points: Sequence[Any], y: np.ndarray) -> None:
    """Move the per-category marker lines of :func:`plot_simplex_samples` to the samples ``y``.

    Parameters
    ----------
    points : sequence of 3 Line2D
        ``plot_simplex_samples(...)["points"]``.
    y : ndarray, shape (N, 3)
        The new points of the simplex.
    """
    xy = y @ TRIANGLE
    k = y.argmax(axis=1)
    for j, line in enumerate(points):
        line.set_data(xy[k == j, 0], xy[k == j, 1])


def plot_mean_vs_tau(logits: ArrayLike, taus: ArrayLike, noise: ArrayLike, *, ax=None) -> dict[str, Any]:
    r"""Each coordinate of the Monte Carlo :math:`E[y]` against :math:`\tau` (log axis), with softmax(x) and 1/K.

    The curves are :func:`~gumbel_utils.relaxation_stats.mean_vs_tau` (``noise`` reused at every ``tau``).

    Parameters
    ----------
    logits : array_like, shape (K,)
        The logits x.
    taus : array_like
        Temperatures (x axis).
    noise : array_like, shape (N, K)
        The Gumbel noise of the N samples.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).

    Returns
    -------
    dict
        ``lines``: one Line2D per coordinate.
    """
    ax = pyplot_axes(ax, figsize=(7.0, 4.5))
    taus = np.asarray(taus, dtype=np.float64)
    means = mean_vs_tau(logits, taus, noise)
    p = softmax(np.asarray(logits, dtype=np.float64))
    k = p.size
    with course_style():
        lines = []
        for j in range(k):
            (ln,) = ax.plot(taus, means[:, j], color=CATEGORY_COLORS[j], label=rf"$E[y_{j + 1}]$")
            ax.axhline(p[j], color=CATEGORY_COLORS[j], ls="--", lw=1.2, alpha=0.8)
            lines.append(ln)
        ax.axhline(1.0 / k, color=PALETTE["black"], ls=":", lw=1.5, label="1/K")
        ax.plot([], [], color="grey", ls="--", lw=1.2, label=r"softmax$(x)_k$")
        ax.set_xscale("log")
        ax.set_xlabel(r"temperature $\tau$ (log scale)")
        ax.set_ylabel(r"$E[y_k]$ (Monte Carlo)")
        # room above the highest curve for the two-row legend, so that no curve runs through it
        ax.set_ylim(0, max(0.75, float(p.max()) + 0.1) + 0.15)
        ax.legend(loc="upper left", ncol=2, fontsize=11, **_LEGEND)
    return {"lines": lines}


def plot_density_along_line(logits: ArrayLike, taus: Sequence[float], *, ax=None, start=(1.0, 0.0, 0.0),
                            end=(0.0, 0.5, 0.5), n: int = 400) -> dict[str, Any]:
    r""":math:`\log p(y(s))` along the segment ``y(s) = (1-s) start + s end`` for several temperatures.

    Parameters
    ----------
    logits : array_like, shape (3,)
        The logits x.
    taus : sequence of float
        One curve per temperature.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).
    start, end : array_like, shape (3,), optional
        Ends of the segment (:func:`~gumbel_utils.relaxation_stats.simplex_segment`).
    n : int, optional
        Points on the segment.

    Returns
    -------
    dict
        ``lines``: one Line2D per temperature (y: :func:`~gumbel_utils.concrete_log_prob`).
    """
    ax = pyplot_axes(ax, figsize=(7.0, 4.5))
    s, pts = simplex_segment(start, end, n)
    with course_style():
        colors = [PALETTE[c] for c in ("blue", "sky", "green", "orange", "vermillion", "purple")]
        lines = [ax.plot(s, concrete_log_prob(pts, logits, t), color=colors[i % len(colors)], label=rf"$\tau={t:g}$")[0]
                 for i, t in enumerate(taus)]
        ax.set_xlabel(r"position $s$ on the line ($y = (1-s)\,e_1 + s\,(0,\frac{1}{2},\frac{1}{2})$)")
        ax.set_ylabel(r"$\log p(y)$")
        ax.legend(fontsize=11, frameon=False)
    return {"lines": lines}


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
        ``bars`` (StepPatch: ``numpy.histogram(samples, density=True)``), ``curve`` (Line2D of the density).
    """
    ax = pyplot_axes(ax, figsize=(7.0, 4.5))
    edges, y = binary_grid(bins, n_curve)
    heights, _ = np.histogram(samples, bins=edges, density=True)
    dens = np.exp(binary_concrete_log_prob(y, logit, tau))
    with course_style():
        # one StepPatch, not 40 rectangles: a live redraw draws one path
        bars = ax.stairs(heights, edges, fill=True, color=PALETTE["sky"], label="histogram of samples")
        (curve,) = ax.plot(y, dens, color=PALETTE["vermillion"], lw=2.5, label=r"exact density $p_{x,\tau}(y)$")
        ax.set_xlim(0, 1)
        ax.set_xlabel(r"$y = \sigma((x + L)/\tau)$")
        ax.set_ylabel("density")
        # left of centre, half-way up: the density's peak (near y = 1/2 at a large tau) and the piles at
        # 0 and 1 (small tau) stay clear of it for every logit in [-3, 3]
        ax.legend(loc="center left", bbox_to_anchor=(0.06, 0.7), fontsize=11, frameon=False)
    return {"bars": bars, "curve": curve}
