r"""Figures and explorers of notebook 2: relaxing the argmax, temperature on the simplex.

``plot_*(..., ax=None)`` draw one panel and return their artists;
``explore_*(...)`` build one figure, call the ``plot_*`` functions once and
return an :class:`~gumbel_utils.viz.explorer.Explorer` whose update only
changes those artists. Every explorer works with no arguments.

The Gumbel noise of an explorer is drawn once per seed and reused while
:math:`\tau` and the logits move: ``gumbel_softmax(x, tau, noise=G)`` then
gives the *same* samples at every temperature, so a slider move follows each
sample along its own path instead of redrawing new ones.
"""

from __future__ import annotations

from typing import Any, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import Normalize
from numpy.typing import ArrayLike
from scipy.special import expit

from ..concrete import binary_concrete_log_prob, concrete_log_prob, gumbel_softmax, sample_binary_concrete
from ..numerics import softmax
from ..relaxation_stats import (
    fraction_near_one_hot,
    interior_mode,
    interior_mode_threshold,
    log_convexity_threshold,
    mc_mean,
    mean_vs_tau,
    relaxation_path,
    simplex_segment,
)
from ..sampling import sample_gumbel
from ..simplex import TRIANGLE, barycentric_to_cartesian, simplex_grid
from .explorer import BlitCanvas, Explorer
from .style import CATEGORY_COLORS, PALETTE, SEQUENTIAL_CMAP, course_style, new_figure, pyplot_axes

__all__ = [
    "LOG_DENSITY_RANGE",
    "Y_TOP_BINARY",
    "plot_simplex_frame",
    "plot_relaxation_path",
    "plot_relaxed_bars",
    "plot_concrete_heatmap",
    "plot_simplex_samples",
    "plot_mean_vs_tau",
    "plot_density_along_line",
    "plot_binary_concrete",
    "explore_relaxation_path",
    "explore_concrete_simplex",
    "explore_mean_drift",
    "explore_density_shape",
    "explore_binary_concrete",
]

#: Top of the density axis of the binary Concrete explorer (bars above it are labelled).
Y_TOP_BINARY = 12.0

#: Colour range of every log-density heatmap (natural log), fixed so that colours
#: mean the same at every temperature; values outside are drawn at the ends.
LOG_DENSITY_RANGE = (-6.0, 4.0)

_DEFAULT_LOGITS = tuple(np.log([0.2, 0.3, 0.5]).round(4))
_TAU_SLIDER = {"min": -2.0, "max": 1.0, "step": 0.01, "base": 10.0}
_SLIDER_LAYOUT = widgets.Layout(width="520px")
_STYLE = {"description_width": "150px"}


def _tau_slider(value: float, description: str = "τ (temperature)") -> widgets.FloatLogSlider:
    return widgets.FloatLogSlider(
        value=value, description=description, readout_format=".3g", continuous_update=True,
        layout=_SLIDER_LAYOUT, style=_STYLE, **_TAU_SLIDER,
    )


def _logit_slider(k: int, value: float) -> widgets.FloatSlider:
    return widgets.FloatSlider(
        value=value, min=-3.0, max=3.0, step=0.1, description=f"logit x{k + 1}", readout_format=".1f",
        layout=_SLIDER_LAYOUT, style=_STYLE,
    )


def _fmt(v: ArrayLike, digits: int = 3) -> str:
    return "(" + ", ".join(f"{float(a):.{digits}f}" for a in np.ravel(v)) + ")"


# --------------------------------------------------------------------------- static panels


def plot_simplex_frame(ax=None, *, labels: Sequence[str] | None = None) -> dict[str, Any]:
    """Draw the triangle of the 2-simplex with its vertices labelled e1, e2, e3 (one-hot vectors).

    Returns ``{"outline": Line2D, "labels": [Text, ...]}``. Sets equal aspect and hides the box axes
    (the vertex labels are the axes of a ternary plot).
    """
    ax = pyplot_axes(ax, figsize=(5.5, 5.0))
    labels = labels or [r"$e_1=(1,0,0)$", r"$e_2=(0,1,0)$", r"$e_3=(0,0,1)$"]
    with course_style():
        closed = np.vstack([TRIANGLE, TRIANGLE[:1]])
        (outline,) = ax.plot(closed[:, 0], closed[:, 1], color=PALETTE["black"], lw=2.5, zorder=3)
        offsets = [(-0.02, -0.06, "left"), (1.02, -0.06, "right"), (0.5, 0.9, "center")]
        texts = [
            ax.text(ox, oy, lab, ha=ha, va="center", color=CATEGORY_COLORS[k], fontsize=13, fontweight="bold")
            for k, ((ox, oy, ha), lab) in enumerate(zip(offsets, labels))
        ]
        ax.set_xlim(-0.08, 1.08)
        ax.set_ylim(-0.11, 0.95)
        ax.set_aspect("equal")
        ax.axis("off")
    return {"outline": outline, "labels": texts}


def plot_relaxation_path(
    logits: ArrayLike, noise: ArrayLike, tau: float, ax=None, *, taus: ArrayLike | None = None
) -> dict[str, Any]:
    r"""One noise draw on the triangle: the relaxed point at ``tau`` and its path over all ``taus``.

    Returns ``{"path": Line2D, "point": Line2D, "vertex": Line2D, "centre": Line2D, "taus": ndarray}``;
    ``point`` is at ``gumbel_softmax(logits, tau, noise=noise)``.
    """
    ax = pyplot_axes(ax, figsize=(5.5, 5.0))
    taus = np.logspace(-2, 1, 200) if taus is None else np.asarray(taus, dtype=np.float64)
    plot_simplex_frame(ax)
    path = barycentric_to_cartesian(relaxation_path(logits, noise, taus))
    y = gumbel_softmax(logits, tau, noise=noise)
    k = int(y.argmax())
    xy = barycentric_to_cartesian(y)
    centre = TRIANGLE.mean(axis=0)
    with course_style():
        (path_line,) = ax.plot(path[:, 0], path[:, 1], color=PALETTE["black"], alpha=0.35, lw=2, label=r"path, $\tau$: 0.01 → 10")
        (centre_mark,) = ax.plot(*centre, marker="+", color=PALETTE["black"], ms=14, mew=2, ls="none", label="centre (1/3, 1/3, 1/3)")
        (vertex,) = ax.plot(*TRIANGLE[k], marker="s", ms=13, mfc="none", mec=PALETTE["black"], mew=2, ls="none",
                            label=r"Gumbel-max one-hot $e_{k^*}$")
        (point,) = ax.plot(xy[0], xy[1], marker="o", ms=14, color=CATEGORY_COLORS[k], mec=PALETTE["black"], mew=1.5,
                           ls="none", label=r"$y=\mathrm{softmax}((x+g)/\tau)$", zorder=5)
        ax.set_ylim(-0.36, 0.92)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=10, frameon=False,
                  columnspacing=1.0, handletextpad=0.4)
    return {"path": path_line, "point": point, "vertex": vertex, "centre": centre_mark, "taus": taus}


def plot_relaxed_bars(y: ArrayLike, ax=None) -> dict[str, Any]:
    """Bars of the coordinates of one relaxed sample ``y`` (category colours), with the level 1/K.

    Returns ``{"bars": BarContainer, "uniform": Line2D}``.
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


def plot_concrete_heatmap(grid, image: ArrayLike, ax=None, *, vrange: tuple[float, float] = LOG_DENSITY_RANGE,
                          colorbar: bool = True) -> dict[str, Any]:
    """A log-density image on the triangle (``imshow`` over ``grid.extent``), NaN outside.

    Returns ``{"image": AxesImage, "colorbar": Colorbar or None}``; the colour bar says the range is clipped.
    """
    ax = pyplot_axes(ax, figsize=(6.5, 5.0))
    with course_style():
        im = ax.imshow(np.asarray(image), origin="lower", extent=grid.extent, cmap=SEQUENTIAL_CMAP,
                       norm=Normalize(*vrange, clip=False), interpolation="nearest",
                       interpolation_stage="rgba", zorder=1)
        cbar = None
        if colorbar:
            cbar = ax.figure.colorbar(im, ax=ax, shrink=0.8, pad=0.02, extend="both")
            cbar.set_label(rf"$\log p_{{x,\tau}}(y)$ (nats; clipped to [{vrange[0]:g}, {vrange[1]:g}])")
    return {"image": im, "colorbar": cbar}


def plot_simplex_samples(y: ArrayLike, ax=None, *, markersize: float = 2.8) -> dict[str, Any]:
    """Scatter points of the 2-simplex (shape (N, 3)) on the triangle, coloured by their largest coordinate.

    One marker-only ``Line2D`` per category (Agg stamps line markers several times
    faster than it draws a scatter collection). Returns ``{"points": [Line2D] * 3}``;
    ``points[k]`` holds the samples whose largest coordinate is ``k``.
    """
    ax = pyplot_axes(ax, figsize=(5.5, 5.0))
    y = np.asarray(y, dtype=np.float64)
    xy = barycentric_to_cartesian(y)
    k = y.argmax(axis=1)
    with course_style():
        points = [ax.plot(xy[k == j, 0], xy[k == j, 1], ls="none", marker="o", ms=markersize, mew=0,
                          color=CATEGORY_COLORS[j], zorder=4)[0] for j in range(3)]
    return {"points": points}


def _set_samples(points: Sequence[Any], y: np.ndarray) -> None:
    """Move the per-category marker lines of :func:`plot_simplex_samples` to the samples ``y``."""
    xy = y @ TRIANGLE
    k = y.argmax(axis=1)
    for j, line in enumerate(points):
        line.set_data(xy[k == j, 0], xy[k == j, 1])


def plot_mean_vs_tau(logits: ArrayLike, taus: ArrayLike, noise: ArrayLike, ax=None) -> dict[str, Any]:
    r"""Each coordinate of the Monte Carlo :math:`E[y]` against :math:`\tau` (log axis), with softmax(x) and 1/K.

    ``noise`` (shape (N, K)) is reused at every ``tau``. Returns
    ``{"lines": [Line2D], "means": ndarray (T, K), "taus": ndarray}``.
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
        ax.set_ylim(0, max(0.75, float(p.max()) + 0.1))
        ax.legend(loc="upper left", ncol=2, fontsize=10, frameon=False)
    return {"lines": lines, "means": means, "taus": taus}


def plot_density_along_line(logits: ArrayLike, taus: Sequence[float], ax=None, *, start=(1.0, 0.0, 0.0),
                            end=(0.0, 0.5, 0.5), n: int = 400) -> dict[str, Any]:
    r""":math:`\log p(y(s))` along the segment ``y(s) = (1-s) start + s end`` for several temperatures.

    Returns ``{"lines": [Line2D], "s": ndarray, "values": ndarray (len(taus), n)}``.
    """
    ax = pyplot_axes(ax, figsize=(7.0, 4.5))
    s, pts = simplex_segment(start, end, n)
    values = np.stack([concrete_log_prob(pts, logits, t) for t in taus])
    with course_style():
        colors = [PALETTE[c] for c in ("blue", "sky", "green", "orange", "vermillion", "purple")]
        lines = [ax.plot(s, v, color=colors[i % len(colors)], label=rf"$\tau={t:g}$")[0]
                 for i, (t, v) in enumerate(zip(taus, values))]
        ax.set_xlabel(r"position $s$ on the line ($y = (1-s)\,e_1 + s\,(0,\frac{1}{2},\frac{1}{2})$)")
        ax.set_ylabel(r"$\log p(y)$")
        ax.legend(fontsize=10, frameon=False)
    return {"lines": lines, "s": s, "values": values}


def plot_binary_concrete(logit: float, tau: float, samples: ArrayLike, ax=None, *, bins: int = 40,
                         n_curve: int = 400) -> dict[str, Any]:
    r"""Binary Concrete: the exact density on (0, 1) and the histogram of ``samples`` over it.

    Returns ``{"bars": BarContainer, "curve": Line2D, "edges": ndarray, "y": ndarray}``;
    the bar heights are the normalised histogram (``density=True``).
    """
    ax = pyplot_axes(ax, figsize=(7.0, 4.5))
    edges = np.linspace(0.0, 1.0, bins + 1)
    heights, _ = np.histogram(samples, bins=edges, density=True)
    y = np.linspace(0.0, 1.0, n_curve + 2)[1:-1]
    dens = np.exp(binary_concrete_log_prob(y, logit, tau))
    with course_style():
        bars = ax.bar(edges[:-1], heights, width=np.diff(edges), align="edge", color=PALETTE["sky"],
                      edgecolor="white", lw=0.5, label="histogram of samples")
        (curve,) = ax.plot(y, dens, color=PALETTE["vermillion"], lw=2.5, label=r"exact density $p_{x,\tau}(y)$")
        ax.set_xlim(0, 1)
        ax.set_xlabel(r"$y = \sigma((x + L)/\tau)$")
        ax.set_ylabel("density")
        ax.legend(loc="upper center", fontsize=11, frameon=False)
    return {"bars": bars, "curve": curve, "edges": edges, "y": y}


# --------------------------------------------------------------------------- explorers


def explore_relaxation_path(logits: ArrayLike = _DEFAULT_LOGITS, *, tau: float = 1.0, seed: int = 0) -> Explorer:
    r"""One Gumbel draw g, one relaxed point ``softmax((x+g)/tau)``: slide tau and watch it move.

    Controls: ``tau`` (log slider 0.01..10) and ``seed`` (a new noise draw). The
    artists ``point`` (the relaxed point), ``path``, ``bars`` (the coordinates
    of y) are in ``explorer.artists``; ``explorer.artists["state"]`` holds the
    current ``noise``, ``y`` and ``argmax``.
    """
    x = np.asarray(logits, dtype=np.float64)
    if x.shape != (3,):
        raise ValueError(f"logits must have 3 entries (a triangle), got shape {x.shape}")
    fig, (ax_t, ax_b) = new_figure(1, 2, figsize=(10.0, 4.6), gridspec_kw={"width_ratios": [1.35, 1.0]})
    g0 = sample_gumbel(3, rng=seed)
    tri = plot_relaxation_path(x, g0, tau, ax_t)
    bars = plot_relaxed_bars(gumbel_softmax(x, tau, noise=g0), ax_b)
    state: dict[str, Any] = {"seed": None}
    title = ax_b.set_title("")
    with course_style():
        suptitle = fig.suptitle("", fontsize=14)

    def update(tau: float, seed: int) -> str:
        if state["seed"] != seed:
            state["seed"] = seed
            state["noise"] = sample_gumbel(3, rng=seed)
            state["gumbel_max"] = int(np.argmax(x + state["noise"]))
            path = barycentric_to_cartesian(relaxation_path(x, state["noise"], tri["taus"]))
            tri["path"].set_data(path[:, 0], path[:, 1])
            tri["vertex"].set_data([TRIANGLE[state["gumbel_max"], 0]], [TRIANGLE[state["gumbel_max"], 1]])
        y = gumbel_softmax(x, tau, noise=state["noise"])
        k = int(y.argmax())
        state["y"], state["argmax"] = y, k
        xy = barycentric_to_cartesian(y)
        tri["point"].set_data([xy[0]], [xy[1]])
        tri["point"].set_color(CATEGORY_COLORS[k])
        tri["point"].set_markeredgecolor(PALETTE["black"])
        for bar, h in zip(bars["bars"], y):
            bar.set_height(h)
        title.set_text(rf"$y$ at $\tau$ = {tau:.3g}: largest is $k$ = {k + 1}")
        k_star = state["gumbel_max"] + 1
        suptitle.set_text(rf"Noise seed {seed}: as $\tau$ grows, $y$ slides from $e_{{{k_star}}}$ to the centre; "
                          rf"its argmax stays {k_star}")
        same = "yes" if k == state["gumbel_max"] else "NO"
        return (f"τ = {tau:.3g}: y = {_fmt(y)}; argmax y = {k + 1}; Gumbel-max argmax(x + g) = "
                f"{state['gumbel_max'] + 1}; same: {same}")

    controls = {"tau": _tau_slider(tau), "seed": widgets.IntSlider(value=seed, min=0, max=30, description="noise seed",
                                                                   layout=_SLIDER_LAYOUT, style=_STYLE)}
    artists = {"point": tri["point"], "path": tri["path"], "vertex": tri["vertex"], "bars": bars["bars"], "state": state}
    BlitCanvas(fig, [tri["path"], tri["vertex"], tri["point"], *bars["bars"], bars["uniform"], title, suptitle])
    return Explorer(fig, controls, update, artists=artists)


def explore_concrete_simplex(
    logits: ArrayLike = (0.0, 0.0, 0.0), *, tau: float = 0.5, n: int = 2000, seed: int = 0, resolution: int = 140
) -> Explorer:
    r"""2,000 Concrete samples on the triangle over the exact log-density heatmap, with E[y] and softmax(x).

    Controls: ``tau`` (log slider), ``x1``, ``x2``, ``x3`` (logits). The Gumbel
    noise ``G`` (shape (n, 3)) is drawn once from ``seed``; the samples are
    ``gumbel_softmax(x, tau, noise=G)``. Artists: ``heatmap`` (AxesImage whose
    array is ``concrete_log_prob`` on ``grid.points``), ``points`` (one marker
    line per category of the largest coordinate), ``mean``
    (the Monte Carlo mean of the plotted samples), ``probs`` (softmax(x)),
    ``grid`` and ``state`` (``noise``, ``samples``).
    """
    x0 = np.asarray(logits, dtype=np.float64)
    if x0.shape != (3,):
        raise ValueError(f"logits must have 3 entries (a triangle), got shape {x0.shape}")
    grid = simplex_grid(resolution)
    noise = sample_gumbel((n, 3), rng=seed)
    y0 = gumbel_softmax(x0, tau, noise=noise)
    fig, ax = new_figure(figsize=(7.6, 5.4))
    frame = plot_simplex_frame(ax)
    heat = plot_concrete_heatmap(grid, grid.fill(concrete_log_prob(grid.points, x0, tau)), ax)
    sc = plot_simplex_samples(y0, ax)
    with course_style():
        (probs,) = ax.plot([], [], marker="*", ms=20, color="white", mec=PALETTE["black"], mew=1.5, ls="none",
                           zorder=6, label=r"softmax$(x)$")
        (mean,) = ax.plot([], [], marker="D", ms=11, color=PALETTE["yellow"], mec=PALETTE["black"], mew=1.5, ls="none",
                          zorder=6, label=r"$E[y]$ (sample mean)")
        # legend and title are static (drawn once); the heatmap is transparent outside the triangle
        ax.legend(loc="upper left", bbox_to_anchor=(-0.04, 1.02), fontsize=11, frameon=True, framealpha=0.9)
        ax.set_title(rf"{n:,} Concrete samples (colour: largest coordinate) over the exact density", fontsize=13)
    state: dict[str, Any] = {"noise": noise}
    BlitCanvas(fig, [heat["image"], frame["outline"], *sc["points"], probs, mean])

    def update(tau: float, x1: float, x2: float, x3: float) -> str:
        x = np.array([x1, x2, x3])
        y = gumbel_softmax(x, tau, noise=noise)
        state["samples"], state["logits"] = y, x
        heat["image"].set_data(grid.fill(concrete_log_prob(grid.points, x, tau)))
        _set_samples(sc["points"], y)
        m = mc_mean(y)
        p = softmax(x)
        mxy, pxy = m.mean @ TRIANGLE, p @ TRIANGLE
        mean.set_data([mxy[0]], [mxy[1]])
        probs.set_data([pxy[0]], [pxy[1]])
        near = fraction_near_one_hot(y)
        return (f"τ = {tau:.3g}, softmax(x) = {_fmt(p)}; E[y] = {_fmt(m.mean)} ± {_fmt(m.se)} (1 s.e.); "
                f"largest coordinate > 0.99 in {near:.1%} of samples")

    controls = {"tau": _tau_slider(tau)}
    controls.update({f"x{k + 1}": _logit_slider(k, float(x0[k])) for k in range(3)})
    artists = {"heatmap": heat["image"], "points": sc["points"], "mean": mean, "probs": probs, "grid": grid,
               "state": state}
    return Explorer(fig, controls, update, artists=artists)


def explore_mean_drift(
    logits: ArrayLike = tuple(np.log([0.1, 0.3, 0.6]).round(4)), *, tau: float = 0.1, n: int = 10_000, seed: int = 0
) -> Explorer:
    r"""E[y] against softmax(x): a marker that drifts from p to the centre as tau grows (Jang et al., Fig. 1).

    Left: the triangle with p = softmax(x), the centre, the path of the Monte
    Carlo E[y] over tau in [0.01, 10] and the marker at the current tau. Right:
    each coordinate of E[y] against tau (log axis) with a cursor. The noise
    (n, 3) is drawn once from ``seed``. Artists: ``mean`` (the marker),
    ``cursor`` and ``state`` (``noise``, ``samples``, ``mean``).
    """
    x = np.asarray(logits, dtype=np.float64)
    if x.shape != (3,):
        raise ValueError(f"logits must have 3 entries (a triangle), got shape {x.shape}")
    noise = sample_gumbel((n, 3), rng=seed)
    taus = np.logspace(-2, 1, 61)
    fig, (ax_t, ax_c) = new_figure(1, 2, figsize=(10.5, 4.7), gridspec_kw={"width_ratios": [1.0, 1.15]})
    plot_simplex_frame(ax_t)
    curves = plot_mean_vs_tau(x, taus, noise, ax_c)
    path = curves["means"] @ TRIANGLE
    p = softmax(x)
    with course_style():
        ax_t.plot(path[:, 0], path[:, 1], color=PALETTE["black"], alpha=0.4, lw=2, label=r"$E[y]$ for $\tau$: 0.01 → 10")
        ax_t.plot(*(p @ TRIANGLE), marker="*", ms=20, color="white", mec=PALETTE["black"], mew=1.5, ls="none",
                  label=r"$p = $softmax$(x)$", zorder=5)
        ax_t.plot(*TRIANGLE.mean(axis=0), marker="+", ms=14, mew=2, color=PALETTE["black"], ls="none",
                  label="centre (uniform)")
        (mean,) = ax_t.plot([], [], marker="D", ms=12, color=PALETTE["yellow"], mec=PALETTE["black"], mew=1.5,
                            ls="none", zorder=6, label=r"$E[y]$ at this $\tau$")
        ax_t.set_ylim(-0.36, 0.92)
        ax_t.legend(loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=10, frameon=False,
                    columnspacing=1.0, handletextpad=0.4)
        cursor = ax_c.axvline(tau, color=PALETTE["black"], lw=1.5, alpha=0.7)
        dots = ax_c.scatter([tau] * 3, np.zeros(3), s=60, c=CATEGORY_COLORS[:3], edgecolors=PALETTE["black"], zorder=5)
        suptitle = fig.suptitle("")
    state: dict[str, Any] = {"noise": noise, "taus": taus, "means": curves["means"]}
    BlitCanvas(fig, [mean, cursor, dots, suptitle])

    def update(tau: float) -> str:
        y = gumbel_softmax(x, tau, noise=noise)
        m = mc_mean(y)
        state["samples"], state["mean"] = y, m.mean
        mxy = m.mean @ TRIANGLE
        mean.set_data([mxy[0]], [mxy[1]])
        cursor.set_xdata([tau, tau])
        dots.set_offsets(np.column_stack([np.full(3, tau), m.mean]))
        dist = 0.5 * np.abs(m.mean - p).sum()
        suptitle.set_text(rf"$\tau$ = {tau:.3g}: $E[y]$ = {_fmt(m.mean, 2)} vs softmax$(x)$ = {_fmt(p, 2)} "
                          rf"(TV distance {dist:.2f})")
        return f"τ = {tau:.3g}: E[y] = {_fmt(m.mean)} ± {_fmt(m.se)} (1 s.e., {n:,} samples); softmax(x) = {_fmt(p)}"

    controls = {"tau": _tau_slider(tau)}
    return Explorer(fig, controls, update, artists={"mean": mean, "cursor": cursor, "dots": dots, "state": state})


def explore_density_shape(
    logits: ArrayLike = (0.0, 0.0, 0.0), *, tau: float = 0.3, resolution: int = 140, mode_threshold: float | None = None
) -> Explorer:
    r"""Shape of the Concrete density as tau crosses 1/(K-1) = 1/2 and the interior-mode threshold.

    Left: the log-density heatmap with the line from e1 through the centre to
    the middle of the opposite edge, and the interior mode (if any). Right: log p
    along that line. Bottom: the tau scale with 1/(K-1) (log-convex at or below)
    and the measured temperature above which an interior mode exists
    (``mode_threshold``; computed with :func:`interior_mode_threshold` when None).
    Artists: ``heatmap``, ``line`` (log p along the line), ``mode``, ``marker``
    (current tau on the scale), ``state`` (``s``, ``values``, ``convex``, ``mode``).
    """
    x = np.asarray(logits, dtype=np.float64)
    if x.shape != (3,):
        raise ValueError(f"logits must have 3 entries (a triangle), got shape {x.shape}")
    lc = log_convexity_threshold(3)
    mt = interior_mode_threshold(x) if mode_threshold is None else float(mode_threshold)
    grid = simplex_grid(resolution)
    s, pts = simplex_segment((1.0, 0.0, 0.0), (0.0, 0.5, 0.5), 300, margin=1e-4)
    fig = new_figure(figsize=(10.5, 5.8))[0]
    fig.clear()
    with course_style():
        gs = fig.add_gridspec(2, 2, height_ratios=[1.0, 0.12], width_ratios=[1.1, 1.0])
        ax_h = fig.add_subplot(gs[0, 0])
        ax_l = fig.add_subplot(gs[0, 1])
        ax_s = fig.add_subplot(gs[1, :])
    frame = plot_simplex_frame(ax_h)
    heat = plot_concrete_heatmap(grid, grid.fill(concrete_log_prob(grid.points, x, tau)), ax_h)
    seg = pts[[0, -1]] @ TRIANGLE
    with course_style():
        (seg_line,) = ax_h.plot(seg[:, 0], seg[:, 1], color="white", lw=2, ls="--", zorder=4)
        (mode,) = ax_h.plot([], [], marker="X", ms=14, color=PALETTE["vermillion"], mec="white", mew=1.5, ls="none",
                            zorder=6, label="interior mode")
        legend = ax_h.legend(loc="upper left", bbox_to_anchor=(-0.12, 1.03), fontsize=10, frameon=False,
                             handletextpad=0.2, markerscale=0.8)
        (line,) = ax_l.plot(s, concrete_log_prob(pts, x, tau), color=PALETTE["blue"])
        ax_l.axvline(2.0 / 3.0, color=PALETTE["black"], ls=":", lw=1.2)
        ax_l.text(2.0 / 3.0, 0.02, " centre", transform=ax_l.get_xaxis_transform(), fontsize=11)
        ax_l.set_xlim(0, 1)
        ax_l.set_ylim(-15, 12)  # fixed: the background (ticks, labels) is then drawn only once
        ax_l.set_xlabel(r"$s$ on the dashed line: $y = (1-s)\,e_1 + s\,(0, \frac{1}{2}, \frac{1}{2})$")
        ax_l.set_ylabel(r"$\log p(y)$")
        title = ax_l.set_title("\n", fontsize=13)  # two lines, set by update
        # the temperature scale, with both thresholds marked
        ax_s.set_xscale("log")
        ax_s.set_xlim(0.01, 10)
        ax_s.set_ylim(0, 1)
        ax_s.set_yticks([])
        ax_s.grid(False)
        ax_s.axvspan(0.01, lc, color=PALETTE["sky"], alpha=0.35)
        ax_s.axvspan(mt, 10, color=PALETTE["orange"], alpha=0.35)
        ax_s.axvline(lc, color=PALETTE["blue"], lw=2)
        ax_s.axvline(mt, color=PALETTE["vermillion"], lw=2)
        ax_s.text(0.012, 0.72, "log-convex", va="center", fontsize=11)
        ax_s.text(lc * 0.95, 0.72, r"$1/(K-1)$", va="center", ha="right", fontsize=11, color=PALETTE["blue"])
        ax_s.text(9.6, 0.72, f"interior mode (τ > {mt:.2f})", va="center", ha="right", fontsize=11)
        if mt / lc > 1.6:
            ax_s.text(np.sqrt(lc * mt), 0.72, "neither", va="center", ha="center", fontsize=11)
        (marker,) = ax_s.plot([tau], [0.3], marker="^", ms=13, color=PALETTE["black"], ls="none")
        ax_s.set_xlabel(r"temperature $\tau$ (the slider's scale)")
    state: dict[str, Any] = {"s": s, "points": pts, "mode_threshold": mt}
    BlitCanvas(fig, [heat["image"], frame["outline"], seg_line, mode, legend, line, title, marker])

    def update(tau: float) -> str:
        heat["image"].set_data(grid.fill(concrete_log_prob(grid.points, x, tau)))
        v = concrete_log_prob(pts, x, tau)
        line.set_ydata(v)
        second = np.diff(v, 2)
        convex = bool(second.min() >= -1e-9 * max(1.0, np.abs(v).max()))
        # the search is only needed above the measured threshold (below it, it runs to a corner: slow)
        m = interior_mode(x, tau) if tau > mt else None
        state.update(values=v, convex=convex, mode=m)
        if m is None:
            mode.set_data([], [])
        else:
            mxy = m @ TRIANGLE
            mode.set_data([mxy[0]], [mxy[1]])
        marker.set_xdata([tau])
        side = "≤" if tau <= lc else ">"
        title.set_text(rf"$\tau$ = {tau:.3g} {side} 1/(K$-$1):" + "\n"
                       + (r"$\log p$ convex on the line" if convex else r"$\log p$ not convex on the line"))
        mode_text = "none" if m is None else _fmt(m)
        return (f"τ = {tau:.3g}: min second difference of log p on the line = {second.min():+.2e} "
                f"({'convex' if convex else 'not convex'}); interior mode: {mode_text}")

    controls = {"tau": _tau_slider(tau, description=f"τ (1/(K−1) = {lc:g})")}
    artists = {"heatmap": heat["image"], "line": line, "mode": mode, "marker": marker, "grid": grid, "state": state}
    return Explorer(fig, controls, update, artists=artists)


def explore_binary_concrete(logit: float = 0.5, *, tau: float = 0.5, n: int = 2000, seed: int = 0) -> Explorer:
    r"""K = 2: the binary Concrete density on (0, 1) with the histogram of ``n`` samples over it.

    Controls: ``tau`` (log slider) and ``logit``. The samples are
    ``sample_binary_concrete(logit, tau, size=n, rng=seed)``: the same seed, so
    the same logistic noise at every slider position. The density axis is fixed
    at ``[0, Y_TOP_BINARY]``; an end bin above it shows its height as text.
    Artists: ``bars`` (normalised histogram), ``curve`` (exact density),
    ``state`` (``samples``, ``heights``).
    """
    fig, ax = new_figure(figsize=(8.0, 4.5))
    y0 = sample_binary_concrete(logit, tau, size=n, rng=seed)
    art = plot_binary_concrete(logit, tau, y0, ax)
    with course_style():
        half = ax.axvline(0.5, color=PALETTE["black"], ls=":", lw=1.2)
        title = ax.set_title("")
        # A fixed y-range keeps the axes in the cached background; the two end bins, which can
        # hold half the samples at small tau, get their height written on them when off the scale.
        ax.set_ylim(0, Y_TOP_BINARY)
        width = art["edges"][1] - art["edges"][0]
        off_scale = [ax.text(xc, 0.97 * Y_TOP_BINARY, "", ha=ha, va="top", fontsize=12, color=PALETTE["black"])
                     for xc, ha in ((art["edges"][1] + 0.2 * width, "left"), (art["edges"][-2] - 0.2 * width, "right"))]
    state: dict[str, Any] = {}
    BlitCanvas(fig, [*art["bars"], half, art["curve"], *off_scale, title])

    def update(tau: float, logit: float) -> str:
        y = sample_binary_concrete(logit, tau, size=n, rng=seed)
        heights, _ = np.histogram(y, bins=art["edges"], density=True)
        for bar, h in zip(art["bars"], heights):
            bar.set_height(h)
        dens = np.exp(binary_concrete_log_prob(art["y"], logit, tau))
        art["curve"].set_ydata(dens)
        for label, h in zip(off_scale, heights[[0, -1]]):
            label.set_text(f"bar height {h:.1f}" if h > Y_TOP_BINARY else "")
        state.update(samples=y, heights=heights)
        above = float((y > 0.5).mean())
        se = np.sqrt(above * (1 - above) / n)
        shape = "U-shaped (τ < 1)" if tau < 1 else ("one hump (τ > 1)" if tau > 1 else "τ = 1: the boundary")
        title.set_text(rf"Binary Concrete, $x$ = {logit:.1f}, $\tau$ = {tau:.3g}: {shape}")
        sig = expit(logit)
        return f"τ = {tau:.3g}: P(y > 1/2) = {above:.3f} ± {se:.3f} (samples) vs σ(x) = {sig:.3f} (exact, every τ)"

    controls = {
        "tau": _tau_slider(tau, description="τ (1/(K−1) = 1)"),
        "logit": widgets.FloatSlider(value=logit, min=-3.0, max=3.0, step=0.1, description="logit x",
                                     layout=_SLIDER_LAYOUT, style=_STYLE),
    }
    return Explorer(fig, controls, update, artists={"bars": art["bars"], "curve": art["curve"], "state": state})
