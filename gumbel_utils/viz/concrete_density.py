r"""Notebook 2: the exact Concrete density on the triangle, its samples, and its shape as tau moves.

The figure family of the log-density heatmap: :func:`explore_concrete_simplex` (samples over the
density) and :func:`explore_density_shape` (log-convexity and the interior mode), with the panels
they drive: :func:`plot_concrete_heatmap`, :func:`plot_simplex_samples` and the static
:func:`plot_density_along_line`. The heatmap is drawn in greys (:data:`DENSITY_CMAP`), so that the
samples keep the category colours to themselves; each category also has its own marker, with a
white edge (``tests/test_viz_colours.py`` measures the contrast). Every number drawn comes from
:mod:`gumbel_utils.concrete` and :mod:`gumbel_utils.relaxation_stats`.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from matplotlib.colors import Normalize
from numpy.typing import ArrayLike

from .._validation import check_tau
from ..concrete import concrete_log_prob, gumbel_softmax
from ..numerics import softmax
from ..relaxation_stats import (
    fraction_near_one_hot,
    interior_mode,
    interior_mode_threshold,
    is_convex_on_grid,
    log_convexity_threshold,
    log_density_image,
    monte_carlo_mean,
    simplex_segment,
)
from ..sampling import sample_gumbel
from ..simplex import barycentric_to_cartesian, simplex_grid
from ._args import check_in_range, check_logit_vector, check_seed, widened_log_range
from .controls import TAU_RANGE, LogTau, Slider, make_controls
from .explorer import Explorer, records_call
from .simplex_frame import plot_simplex_frame
from .style import (CATEGORY_COLORS, PALETTE, SERIES_MARKERS, course_style, format_vector, new_figure, pyplot_axes,
                    series_style)

__all__ = [
    "LOG_DENSITY_RANGE",
    "DENSITY_CMAP",
    "SAMPLE_EDGE",
    "plot_concrete_heatmap",
    "plot_simplex_samples",
    "set_simplex_samples",
    "plot_density_along_line",
    "explore_concrete_simplex",
    "explore_density_shape",
]

#: Colour range of every log-density heatmap (natural log), fixed so that colours
#: mean the same at every temperature; values outside are drawn at the ends.
LOG_DENSITY_RANGE = (-6.0, 4.0)

#: Colour map of the log-density: greys from light (low density) to dark (high), so that no
#: category colour of the samples drawn over it appears in the background.
DENSITY_CMAP = "Greys"

#: Edge colour of the sample markers: a white ring keeps a sample visible on the darkest greys.
SAMPLE_EDGE = "white"


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
        im = ax.imshow(np.asarray(image), origin="lower", extent=grid.extent, cmap=DENSITY_CMAP,
                       norm=Normalize(*vrange, clip=False), interpolation="nearest",
                       interpolation_stage="data", zorder=1)  # nearest: the same pixels, half the time of "rgba"
        cbar = None
        if colorbar:
            cbar = ax.figure.colorbar(im, ax=ax, shrink=0.8, pad=0.02, extend="both")
            cbar.set_label(rf"$\log p_{{x,\tau}}(y)$ (clipped to [{vrange[0]:g}, {vrange[1]:g}])")
    return {"image": im, "colorbar": cbar}


def plot_simplex_samples(y: ArrayLike, *, ax=None, markersize: float = 4.0) -> dict[str, Any]:
    """Scatter points of the 2-simplex (shape (N, 3)) on the triangle, by their largest coordinate.

    The samples whose largest coordinate is k get category k's colour AND marker
    (:data:`~gumbel_utils.viz.style.SERIES_MARKERS`), with a white edge (:data:`SAMPLE_EDGE`). One
    marker-only ``Line2D`` per category (Agg stamps line markers several times faster than it
    draws a scatter collection).

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
        points = [ax.plot(xy[k == j, 0], xy[k == j, 1], ls="none", marker=SERIES_MARKERS[j], ms=markersize,
                          mew=0.6, mec=SAMPLE_EDGE, color=CATEGORY_COLORS[j], zorder=4)[0] for j in range(3)]
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
    xy = barycentric_to_cartesian(y)
    k = y.argmax(axis=1)
    for j, line in enumerate(points):
        line.set_data(xy[k == j, 0], xy[k == j, 1])


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
        lines = [ax.plot(s, concrete_log_prob(pts, logits, t), label=rf"$\tau={t:g}$", ms=6,
                         **series_style(i, points=s.size))[0] for i, t in enumerate(taus)]
        ax.set_xlabel(r"position $s$ on the line ($y = (1-s)\,e_1 + s\,(0,\frac{1}{2},\frac{1}{2})$)")
        ax.set_ylabel(r"$\log p(y)$")
        ax.legend(fontsize=11, frameon=False)
    return {"lines": lines}


@records_call
def explore_concrete_simplex(
    logits: ArrayLike = (0.0, 0.0, 0.0), *, tau: float = 0.5, n_samples: int = 2000, seed: int = 0, resolution: int = 140
) -> Explorer:
    r"""Concrete samples on the triangle over the exact log-density heatmap, with E[y] and softmax(x).

    The Gumbel noise ``G`` (shape (n_samples, 3)) is drawn once from ``seed``; the samples are
    ``gumbel_softmax(x, tau, noise=G)``, the heatmap is
    :func:`~gumbel_utils.relaxation_stats.log_density_image`.

    Parameters
    ----------
    logits : array_like, shape (3,), optional
        Starting logits (sliders over -3..3, widened to hold them).
    tau : float, optional
        Starting temperature (slider over 0.01..10, widened to hold it).
    n_samples : int, optional
        Number of samples (1 to 20,000).
    seed : int, optional
        Seed of the noise.
    resolution : int, optional
        Heatmap pixels along the base of the triangle (20 to 400).

    Returns
    -------
    Explorer
        Controls ``tau``, ``x1``, ``x2``, ``x3``. Artists ``heatmap`` (AxesImage),
        ``points`` (one marker line per largest coordinate), ``mean`` (the Monte Carlo
        mean of the samples), ``probs`` (softmax(x)); state ``grid``, ``noise``,
        ``samples``, ``logits``.
    """
    x0 = check_logit_vector(logits, 3)
    tau, seed = float(check_tau(tau, scalar=True)), check_seed(seed)
    n_samples = int(check_in_range(n_samples, 1, 20_000, "n_samples"))
    grid = simplex_grid(int(check_in_range(resolution, 20, 400, "resolution")))
    noise = sample_gumbel((n_samples, 3), rng=seed)
    y0 = gumbel_softmax(x0, tau, noise=noise)
    fig, ax = new_figure(figsize=(5.5, 5.1))  # beside a 290 px control column: 550 px, never shrunk
    frame = plot_simplex_frame(ax=ax)
    heat = plot_concrete_heatmap(grid, log_density_image(grid, x0, tau), ax=ax)
    sc = plot_simplex_samples(y0, ax=ax)
    with course_style():
        (probs,) = ax.plot([], [], marker="*", ms=20, color="white", mec=PALETTE["black"], mew=1.5, ls="none",
                           zorder=6, label=r"softmax$(x)$")
        (mean,) = ax.plot([], [], marker="D", ms=11, color=PALETTE["yellow"], mec=PALETTE["black"], mew=1.5, ls="none",
                          zorder=6, label=r"$E[y]$ (mean)")
        # legend and title are static (drawn once); the heatmap is transparent outside the triangle
        ax.legend(loc="upper left", bbox_to_anchor=(-0.06, 0.99), fontsize=11, frameon=True, framealpha=0.9)
        ax.set_title(f"{n_samples:,} samples over the exact density", fontsize=13)
    state: dict[str, Any] = {"grid": grid, "noise": noise}

    def update(tau: float, x1: float, x2: float, x3: float) -> str:
        x = np.array([x1, x2, x3])
        y = gumbel_softmax(x, tau, noise=noise)
        state["samples"], state["logits"] = y, x
        heat["image"].set_data(log_density_image(grid, x, tau))
        set_simplex_samples(sc["points"], y)
        m = monte_carlo_mean(y)
        p = softmax(x)
        mxy, pxy = barycentric_to_cartesian(m.mean), barycentric_to_cartesian(p)
        mean.set_data([mxy[0]], [mxy[1]])
        probs.set_data([pxy[0]], [pxy[1]])
        near = fraction_near_one_hot(y)
        return (f"τ = {tau:.3g}, softmax(x) = {format_vector(p)}; E[y] = {format_vector(m.mean)} ± "
                f"{format_vector(m.se)} (1 s.e.); largest coordinate > 0.99 in {near:.1%} of samples "
                f"(colour and shape of a dot: its largest coordinate)")

    logits = {f"x{k + 1}": Slider(float(x0[k]), -3.0, 3.0, label=f"logit $x_{k + 1}$") for k in range(3)}
    controls = make_controls(tau=LogTau(tau), **logits)
    artists = {"heatmap": heat["image"], "points": sc["points"], "mean": mean, "probs": probs}
    return Explorer(fig, controls, update, artists=artists, state=state,
                    dynamic=[heat["image"], frame["outline"], *sc["points"], probs, mean])


@records_call
def explore_density_shape(
    logits: ArrayLike = (0.0, 0.0, 0.0), *, tau: float = 0.3, resolution: int = 140, mode_threshold: float | None = None
) -> Explorer:
    r"""Shape of the Concrete density as tau crosses 1/(K-1) = 1/2 and the interior-mode threshold.

    Left: the log-density heatmap with the line from e1 through the centre to the
    middle of the opposite edge, and the interior mode (if any,
    :func:`~gumbel_utils.relaxation_stats.interior_mode`). Right: log p along that
    line and whether it is convex (:func:`~gumbel_utils.relaxation_stats.is_convex_on_grid`).
    Bottom: the tau scale with 1/(K-1) (log-convex at or below) and the temperature
    above which an interior mode exists.

    Parameters
    ----------
    logits : array_like, shape (3,), optional
        The logits x.
    tau : float, optional
        Starting temperature (slider over 0.01..10, widened to hold it).
    resolution : int, optional
        Heatmap pixels along the base of the triangle (20 to 400).
    mode_threshold : float, optional
        The interior-mode temperature (default:
        :func:`~gumbel_utils.relaxation_stats.interior_mode_threshold` of ``logits``).

    Returns
    -------
    Explorer
        Control ``tau``. Artists ``heatmap``, ``line`` (log p along the line),
        ``mode``, ``marker`` (current tau on the scale), ``title``; state ``grid``,
        ``s``, ``points``, ``mode_threshold``, ``values``, ``convex``, ``mode``.
    """
    x = check_logit_vector(logits, 3)
    tau = float(check_tau(tau, scalar=True))
    lc = log_convexity_threshold(3)
    mt = (interior_mode_threshold(x) if mode_threshold is None
          else float(check_tau(mode_threshold, "mode_threshold", scalar=True)))
    grid = simplex_grid(int(check_in_range(resolution, 20, 400, "resolution")))
    s, pts = simplex_segment((1.0, 0.0, 0.0), (0.0, 0.5, 0.5), 300, margin=1e-4)
    t_lo, t_hi = (10.0**e for e in widened_log_range(tau, *np.log10(TAU_RANGE)))
    fig = new_figure(figsize=(8.4, 4.6))[0]
    fig.clear()
    with course_style():
        gs = fig.add_gridspec(2, 2, height_ratios=[1.0, 0.13], width_ratios=[1.05, 1.0])
        ax_h = fig.add_subplot(gs[0, 0])
        ax_l = fig.add_subplot(gs[0, 1])
        ax_s = fig.add_subplot(gs[1, :])
    frame = plot_simplex_frame(ax=ax_h)
    heat = plot_concrete_heatmap(grid, log_density_image(grid, x, tau), ax=ax_h, colorbar=False)
    seg = barycentric_to_cartesian(pts[[0, -1]])
    with course_style():
        # the colour key on the left of the triangle: on its right it would crowd the next panel's label
        cbar = fig.colorbar(heat["image"], ax=ax_h, location="left", shrink=0.7, pad=0.0, extend="both",
                            aspect=15)
        cbar.set_label(r"$\log p(y)$ (clipped)", fontsize=12, labelpad=2)
        # the dashed line and its profile on the right share a colour that no grey of the heatmap has
        (seg_line,) = ax_h.plot(seg[:, 0], seg[:, 1], color=PALETTE["orange"], lw=2.2, ls="--", zorder=4)
        (mode,) = ax_h.plot([], [], marker="X", ms=14, color=PALETTE["vermillion"], mec="white", mew=1.5, ls="none",
                            zorder=6, label="interior mode")
        # in the figure's top left corner, above the colour key: clear of the e3 label and of the triangle
        ax_h.legend(loc="upper left", bbox_to_anchor=(0.0, 1.0), bbox_transform=fig.transFigure, fontsize=11,
                    frameon=False, handletextpad=0.2, markerscale=0.8, borderaxespad=0.2).set_in_layout(False)
        (line,) = ax_l.plot(s, concrete_log_prob(pts, x, tau), color=PALETTE["orange"], ls="--")
        ax_l.axvline(2.0 / 3.0, color=PALETTE["black"], ls=":", lw=1.2)
        ax_l.text(2.0 / 3.0, 0.02, " centre", transform=ax_l.get_xaxis_transform(), fontsize=11)
        ax_l.set_xlim(0, 1)
        ax_l.set_ylim(-15, 12)  # fixed: the background (ticks, labels) is then drawn only once
        ax_l.set_xlabel(r"$s$ on the dashed line")
        ax_l.set_ylabel(r"$\log p(y)$")
        title = ax_l.set_title("\n", fontsize=13)  # two lines, set by update
        # the temperature scale, with both thresholds marked
        ax_s.set_xscale("log")
        ax_s.set_xlim(t_lo, t_hi)
        ax_s.set_ylim(0, 1)
        ax_s.set_yticks([])
        ax_s.grid(False)
        ax_s.axvspan(t_lo, lc, color=PALETTE["sky"], alpha=0.35)
        ax_s.axvspan(mt, t_hi, color=PALETTE["orange"], alpha=0.35)
        ax_s.axvline(lc, color=PALETTE["blue"], lw=2)
        ax_s.axvline(mt, color=PALETTE["vermillion"], lw=2)
        ax_s.text(t_lo * 1.2, 0.7, "log-convex", va="center", fontsize=11)
        ax_s.text(lc * 0.95, 0.7, r"$1/(K-1)$", va="center", ha="right", fontsize=11, color=PALETTE["blue"])
        ax_s.text(t_hi * 0.96, 0.7, f"interior mode (τ > {mt:.2f})", va="center", ha="right", fontsize=11)
        # not clipped: at the ends of the scale the marker would be cut in half
        (marker,) = ax_s.plot([tau], [0.3], marker="^", ms=13, color=PALETTE["black"], ls="none", clip_on=False)
        ax_s.set_xlabel(r"temperature $\tau$")
    state: dict[str, Any] = {"grid": grid, "s": s, "points": pts, "mode_threshold": mt}

    def update(tau: float) -> str:
        heat["image"].set_data(log_density_image(grid, x, tau))
        v = concrete_log_prob(pts, x, tau)
        line.set_ydata(v)
        convex, second = is_convex_on_grid(v)
        # the search is only needed above the threshold (below it, it runs to a corner: slow)
        m = interior_mode(x, tau) if tau > mt else None
        state.update(values=v, convex=convex, mode=m)
        if m is None:
            mode.set_data([], [])
        else:
            mxy = barycentric_to_cartesian(m)
            mode.set_data([mxy[0]], [mxy[1]])
        marker.set_xdata([tau])
        side = "≤" if tau <= lc else ">"
        title.set_text(f"τ = {tau:.3g} {side} 1/(K−1):\n" + ("log p convex" if convex else "log p not convex"))
        mode_text = "none" if m is None else format_vector(m)
        return (f"τ = {tau:.3g}: min second difference of log p on the line = {second:+.2e} "
                f"({'convex' if convex else 'not convex'}); interior mode: {mode_text}")

    controls = make_controls(tau=LogTau(tau))
    artists = {"heatmap": heat["image"], "line": line, "mode": mode, "marker": marker, "title": title}
    return Explorer(fig, controls, update, artists=artists, state=state,
                    dynamic=[heat["image"], frame["outline"], seg_line, mode, line, title, marker])
