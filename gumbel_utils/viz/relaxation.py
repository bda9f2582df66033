r"""Figures and explorers of notebook 2: relaxing the argmax, temperature on the simplex.

The ``plot_*(data..., *, ax=None)`` panels live in
:mod:`gumbel_utils.viz.relaxation_panels` and are imported here, so the notebook
imports everything from this module. ``explore_*(..., *, seed=0)`` build one
figure, call the ``plot_*`` functions once and return an :class:`~gumbel_utils.viz.explorer.Explorer` whose update only
changes those artists (the explorer contract of CONTRIBUTING.md). Every number
drawn comes from :mod:`gumbel_utils.concrete`, :mod:`gumbel_utils.relaxation_stats`
or :mod:`gumbel_utils.stats`.

The Gumbel noise of an explorer is drawn once per seed and reused while
:math:`\tau` and the logits move: ``gumbel_softmax(x, tau, noise=G)`` then
gives the *same* samples at every temperature, so a slider move follows each
sample along its own path instead of redrawing new ones.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_tau
from .._kernels import sigmoid
from ..concrete import binary_concrete_log_prob, concrete_log_prob, gumbel_softmax, sample_binary_concrete
from ..numerics import softmax
from ..relaxation_stats import (
    fraction_near_one_hot,
    interior_mode,
    interior_mode_threshold,
    is_convex_on_grid,
    log_convexity_threshold,
    log_density_image,
    monte_carlo_mean,
    mean_vs_tau,
    relaxation_path,
    simplex_segment,
)
from ..sampling import sample_gumbel
from ..simplex import TRIANGLE, barycentric_to_cartesian, simplex_grid
from ..stats import frequencies, total_variation
from ._args import check_in_range, check_logit_vector, check_seed, widened_log_range, widened_range
from .explorer import Explorer, records_call
from .relaxation_panels import (
    LOG_DENSITY_RANGE,
    binary_grid,
    plot_binary_concrete,
    plot_concrete_heatmap,
    plot_density_along_line,
    plot_mean_vs_tau,
    plot_relaxation_path,
    plot_relaxed_bars,
    plot_simplex_frame,
    plot_simplex_samples,
    set_simplex_samples,
)
from .style import CATEGORY_COLORS, PALETTE, course_style, new_figure

__all__ = [  # the panels are re-exported: one import place for the notebook
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

_DEFAULT_LOGITS = tuple(np.log([0.2, 0.3, 0.5]).round(4))
_TAU_EXPONENTS = (-2.0, 1.0)  # the tau sliders run from 10^-2 to 10^1 (widened for a tau outside)
_LEGEND = {"frameon": False, "columnspacing": 1.0, "handletextpad": 0.4}


def _tau(tau: Any) -> float:
    t = check_tau(tau, scalar=True)
    return float(t)


def _tau_slider(value: float, description: str = "τ") -> widgets.FloatLogSlider:
    lo, hi = widened_log_range(value, *_TAU_EXPONENTS)
    return widgets.FloatLogSlider(value=value, min=lo, max=hi, step=0.01, base=10.0, description=description,
                                  readout_format=".3g")


def _logit_slider(description: str, value: float, lo: float = -3.0, hi: float = 3.0) -> widgets.FloatSlider:
    lo, hi = widened_range([value], lo, hi)
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=0.1, description=description, readout_format=".1f")


def _fmt(v: ArrayLike, digits: int = 3) -> str:
    return "(" + ", ".join(f"{float(a):.{digits}f}" for a in np.ravel(v)) + ")"


# --------------------------------------------------------------------------- explorers


@records_call
def explore_relaxation_path(logits: ArrayLike = _DEFAULT_LOGITS, *, tau: float = 1.0, seed: int = 0) -> Explorer:
    r"""One Gumbel draw g, one relaxed point ``softmax((x+g)/tau)``: slide tau and watch it move.

    Parameters
    ----------
    logits : array_like, shape (3,), optional
        The logits x (a triangle: 3 values).
    tau : float, optional
        Starting temperature (the slider runs over 0.01..10, widened to hold it).
    seed : int, optional
        Starting noise seed (the seed slider runs over 0..30, widened to hold it).

    Returns
    -------
    Explorer
        Controls ``tau`` and ``seed`` (a new noise draw ``sample_gumbel(3, rng=seed)``).
        Artists ``point``, ``path``, ``vertex``, ``bars`` (the coordinates of y),
        ``title``, ``suptitle``; state ``seed``, ``noise``, ``gumbel_max``, ``y``, ``argmax``.
    """
    x = check_logit_vector(logits, 3)
    tau, seed = _tau(tau), check_seed(seed)
    fig, (ax_t, ax_b) = new_figure(1, 2, figsize=(8.4, 4.3), gridspec_kw={"width_ratios": [1.45, 1.0]})
    g0 = sample_gumbel(3, rng=seed)
    tri = plot_relaxation_path(x, g0, tau, ax=ax_t)
    bars = plot_relaxed_bars(gumbel_softmax(x, tau, noise=g0), ax=ax_b)
    taus = np.logspace(-2, 1, 200)
    state: dict[str, Any] = {"seed": None}
    with course_style():
        title = ax_b.set_title("")
        suptitle = fig.suptitle(r"As $\tau$ grows, $y$ slides from the vertex $\arg\max(x+g)$ (square) to the "
                                "centre", fontsize=13)

    def update(tau: float, seed: int) -> str:
        if state["seed"] != seed:
            state["seed"] = seed
            state["noise"] = sample_gumbel(3, rng=seed)
            state["gumbel_max"] = int(np.argmax(x + state["noise"]))
            path = barycentric_to_cartesian(relaxation_path(x, state["noise"], taus))
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
        title.set_text(f"τ = {tau:.3g}: largest is $y_{k + 1}$")  # short: it must fit above the bars
        same = "yes" if k == state["gumbel_max"] else "NO"
        return (f"τ = {tau:.3g}: y = {_fmt(y)}; argmax y = {k + 1}; Gumbel-max argmax(x + g) = "
                f"{state['gumbel_max'] + 1}; same: {same}")

    controls = {"tau": _tau_slider(tau),
                "seed": widgets.IntSlider(value=seed, min=0, max=max(30, seed), description="noise seed")}
    artists = {"point": tri["point"], "path": tri["path"], "vertex": tri["vertex"], "bars": bars["bars"],
               "title": title, "suptitle": suptitle}
    dynamic = [tri["path"], tri["vertex"], tri["point"], *bars["bars"], bars["uniform"], title]
    return Explorer(fig, controls, update, artists=artists, state=state, dynamic=dynamic)


@records_call
def explore_concrete_simplex(
    logits: ArrayLike = (0.0, 0.0, 0.0), *, tau: float = 0.5, n: int = 2000, seed: int = 0, resolution: int = 140
) -> Explorer:
    r"""Concrete samples on the triangle over the exact log-density heatmap, with E[y] and softmax(x).

    The Gumbel noise ``G`` (shape (n, 3)) is drawn once from ``seed``; the samples are
    ``gumbel_softmax(x, tau, noise=G)``, the heatmap is
    :func:`~gumbel_utils.relaxation_stats.log_density_image`.

    Parameters
    ----------
    logits : array_like, shape (3,), optional
        Starting logits (sliders over -3..3, widened to hold them).
    tau : float, optional
        Starting temperature (slider over 0.01..10, widened to hold it).
    n : int, optional
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
    tau, seed = _tau(tau), check_seed(seed)
    n = int(check_in_range(n, 1, 20_000, "n"))
    grid = simplex_grid(int(check_in_range(resolution, 20, 400, "resolution")))
    noise = sample_gumbel((n, 3), rng=seed)
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
        ax.set_title(f"{n:,} samples over the exact density", fontsize=13)
    state: dict[str, Any] = {"grid": grid, "noise": noise}

    def update(tau: float, x1: float, x2: float, x3: float) -> str:
        x = np.array([x1, x2, x3])
        y = gumbel_softmax(x, tau, noise=noise)
        state["samples"], state["logits"] = y, x
        heat["image"].set_data(log_density_image(grid, x, tau))
        set_simplex_samples(sc["points"], y)
        m = monte_carlo_mean(y)
        p = softmax(x)
        mxy, pxy = m.mean @ TRIANGLE, p @ TRIANGLE
        mean.set_data([mxy[0]], [mxy[1]])
        probs.set_data([pxy[0]], [pxy[1]])
        near = fraction_near_one_hot(y)
        return (f"τ = {tau:.3g}, softmax(x) = {_fmt(p)}; E[y] = {_fmt(m.mean)} ± {_fmt(m.se)} (1 s.e.); "
                f"largest coordinate > 0.99 in {near:.1%} of samples (dot colour: the largest coordinate)")

    controls = {"tau": _tau_slider(tau)}
    controls.update({f"x{k + 1}": _logit_slider(f"logit $x_{k + 1}$", float(x0[k])) for k in range(3)})
    artists = {"heatmap": heat["image"], "points": sc["points"], "mean": mean, "probs": probs}
    return Explorer(fig, controls, update, artists=artists, state=state,
                    dynamic=[heat["image"], frame["outline"], *sc["points"], probs, mean])


@records_call
def explore_mean_drift(
    logits: ArrayLike = tuple(np.log([0.1, 0.3, 0.6]).round(4)), *, tau: float = 0.1, n: int = 10_000, seed: int = 0
) -> Explorer:
    r"""E[y] against softmax(x): a marker that drifts from p to the centre as tau grows (Jang et al., Fig. 1).

    Left: the triangle with p = softmax(x), the centre, the path of the Monte
    Carlo E[y] (:func:`~gumbel_utils.relaxation_stats.mean_vs_tau`) and the marker
    at the current tau. Right: each coordinate of E[y] against tau (log axis) with
    a cursor. The noise (n, 3) is drawn once from ``seed``.

    Parameters
    ----------
    logits : array_like, shape (3,), optional
        The logits x.
    tau : float, optional
        Starting temperature (the slider and the curves run over 0.01..10, widened to hold it).
    n : int, optional
        Number of samples (10 to 100,000).
    seed : int, optional
        Seed of the noise.

    Returns
    -------
    Explorer
        Control ``tau``. Artists ``mean`` (the marker), ``cursor``, ``dots``,
        ``suptitle``; state ``noise``, ``taus``, ``means`` (the curves), ``samples``,
        ``mean``, ``tv`` (total variation between E[y] and softmax(x)).
    """
    x = check_logit_vector(logits, 3)
    tau, seed = _tau(tau), check_seed(seed)
    n = int(check_in_range(n, 10, 100_000, "n"))
    noise = sample_gumbel((n, 3), rng=seed)
    lo, hi = widened_log_range(tau, *_TAU_EXPONENTS)
    taus = np.logspace(lo, hi, int(round(20 * (hi - lo))) + 1)
    means = mean_vs_tau(x, taus, noise)
    fig, (ax_t, ax_c) = new_figure(1, 2, figsize=(8.4, 4.2), gridspec_kw={"width_ratios": [1.0, 1.1]})
    plot_simplex_frame(ax=ax_t)
    plot_mean_vs_tau(x, taus, noise, ax=ax_c)
    path = means @ TRIANGLE
    p = softmax(x)
    with course_style():
        ax_t.plot(path[:, 0], path[:, 1], color=PALETTE["black"], alpha=0.4, lw=2,
                  label=rf"$E[y]$, $\tau$: {taus[0]:g} → {taus[-1]:g}")
        ax_t.plot(*(p @ TRIANGLE), marker="*", ms=20, color="white", mec=PALETTE["black"], mew=1.5, ls="none",
                  label=r"softmax$(x)$", zorder=5)
        ax_t.plot(*TRIANGLE.mean(axis=0), marker="+", ms=14, mew=2, color=PALETTE["black"], ls="none", label="centre")
        (mean,) = ax_t.plot([], [], marker="D", ms=12, color=PALETTE["yellow"], mec=PALETTE["black"], mew=1.5,
                            ls="none", zorder=6, label=r"$E[y]$ at $\tau$")
        ax_t.set_ylim(-0.44, 1.0)
        ax_t.legend(loc="lower center", bbox_to_anchor=(0.5, -0.02), ncol=2, fontsize=11, **_LEGEND)
        cursor = ax_c.axvline(tau, color=PALETTE["black"], lw=1.5, alpha=0.7)
        dots = ax_c.scatter([tau] * 3, np.zeros(3), s=60, c=CATEGORY_COLORS[:3], edgecolors=PALETTE["black"], zorder=5)
        suptitle = fig.suptitle("", fontsize=13)
    state: dict[str, Any] = {"noise": noise, "taus": taus, "means": means}

    def update(tau: float) -> str:
        y = gumbel_softmax(x, tau, noise=noise)
        m = monte_carlo_mean(y)
        tv = total_variation(m.mean, p)
        state.update(samples=y, mean=m.mean, tv=tv)
        mxy = m.mean @ TRIANGLE
        mean.set_data([mxy[0]], [mxy[1]])
        cursor.set_xdata([tau, tau])
        dots.set_offsets(np.column_stack([np.full(3, tau), m.mean]))
        suptitle.set_text(f"τ = {tau:.3g}: TV(E[y], softmax(x)) = {tv:.2f}")  # short: ~0.1 ms a letter
        return f"τ = {tau:.3g}: E[y] = {_fmt(m.mean)} ± {_fmt(m.se)} (1 s.e., {n:,} samples); softmax(x) = {_fmt(p)}"

    return Explorer(fig, {"tau": _tau_slider(tau)}, update, state=state,
                    artists={"mean": mean, "cursor": cursor, "dots": dots, "suptitle": suptitle},
                    dynamic=[mean, cursor, dots, suptitle])


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
    tau = _tau(tau)
    lc = log_convexity_threshold(3)
    mt = interior_mode_threshold(x) if mode_threshold is None else _tau(mode_threshold)
    grid = simplex_grid(int(check_in_range(resolution, 20, 400, "resolution")))
    s, pts = simplex_segment((1.0, 0.0, 0.0), (0.0, 0.5, 0.5), 300, margin=1e-4)
    t_lo, t_hi = (10.0**e for e in widened_log_range(tau, *_TAU_EXPONENTS))
    fig = new_figure(figsize=(8.4, 4.6))[0]
    fig.clear()
    with course_style():
        gs = fig.add_gridspec(2, 2, height_ratios=[1.0, 0.13], width_ratios=[1.05, 1.0])
        ax_h = fig.add_subplot(gs[0, 0])
        ax_l = fig.add_subplot(gs[0, 1])
        ax_s = fig.add_subplot(gs[1, :])
    frame = plot_simplex_frame(ax=ax_h)
    heat = plot_concrete_heatmap(grid, log_density_image(grid, x, tau), ax=ax_h, colorbar=False)
    seg = pts[[0, -1]] @ TRIANGLE
    with course_style():
        # the colour key on the left of the triangle: on its right it would crowd the next panel's label
        cbar = fig.colorbar(heat["image"], ax=ax_h, location="left", shrink=0.7, pad=0.0, extend="both",
                            aspect=15)
        cbar.set_label(r"$\log p(y)$ (clipped)", fontsize=12, labelpad=2)
        (seg_line,) = ax_h.plot(seg[:, 0], seg[:, 1], color="white", lw=2, ls="--", zorder=4)
        (mode,) = ax_h.plot([], [], marker="X", ms=14, color=PALETTE["vermillion"], mec="white", mew=1.5, ls="none",
                            zorder=6, label="interior mode")
        # in the figure's top left corner, above the colour key: clear of the e3 label and of the triangle
        ax_h.legend(loc="upper left", bbox_to_anchor=(0.0, 1.0), bbox_transform=fig.transFigure, fontsize=11,
                    frameon=False, handletextpad=0.2, markerscale=0.8, borderaxespad=0.2).set_in_layout(False)
        (line,) = ax_l.plot(s, concrete_log_prob(pts, x, tau), color=PALETTE["blue"])
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
            mxy = m @ TRIANGLE
            mode.set_data([mxy[0]], [mxy[1]])
        marker.set_xdata([tau])
        side = "≤" if tau <= lc else ">"
        title.set_text(f"τ = {tau:.3g} {side} 1/(K−1):\n" + ("log p convex" if convex else "log p not convex"))
        mode_text = "none" if m is None else _fmt(m)
        return (f"τ = {tau:.3g}: min second difference of log p on the line = {second:+.2e} "
                f"({'convex' if convex else 'not convex'}); interior mode: {mode_text}")

    controls = {"tau": _tau_slider(tau, description="τ")}
    artists = {"heatmap": heat["image"], "line": line, "mode": mode, "marker": marker, "title": title}
    return Explorer(fig, controls, update, artists=artists, state=state,
                    dynamic=[heat["image"], frame["outline"], seg_line, mode, line, title, marker])


@records_call
def explore_binary_concrete(logit: float = 0.5, *, tau: float = 0.5, n: int = 2000, seed: int = 0) -> Explorer:
    r"""K = 2: the binary Concrete density on (0, 1) with the histogram of ``n`` samples over it.

    The samples are ``sample_binary_concrete(logit, tau, size=n, rng=seed)``: the
    same seed, so the same logistic noise at every slider position. The density
    axis is fixed at ``[0, Y_TOP_BINARY]``; an end bin above it shows its height as text.

    Parameters
    ----------
    logit : float, optional
        Starting logit x (slider over -3..3, widened to hold it).
    tau : float, optional
        Starting temperature (slider over 0.01..10, widened to hold it).
    n : int, optional
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
    tau, seed = _tau(tau), check_seed(seed)
    n = int(check_in_range(n, 10, 100_000, "n"))
    fig, ax = new_figure(figsize=(8.4, 4.2))
    y0 = sample_binary_concrete(logit, tau, size=n, rng=seed)
    art = plot_binary_concrete(logit, tau, y0, ax=ax)
    edges, y_curve = binary_grid(40, 400)
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
        y = sample_binary_concrete(logit, tau, size=n, rng=seed)
        heights, _ = np.histogram(y, bins=edges, density=True)
        art["bars"].set_data(heights)
        art["curve"].set_ydata(np.exp(binary_concrete_log_prob(y_curve, logit, tau)))
        for label, h in zip(off_scale, heights[[0, -1]]):
            label.set_text(f"bar height {h:.1f}" if h > Y_TOP_BINARY else "")
        f, se = frequencies((y > 0.5).astype(np.int64), 2)
        state.update(samples=y, heights=heights, above=float(f[1]), above_se=float(se[1]))
        shape = "U-shaped (τ < 1)" if tau < 1 else ("one hump (τ > 1)" if tau > 1 else "τ = 1: the boundary")
        title.set_text(f"x = {logit:.1f}, τ = {tau:.3g}: {shape}")
        sig = float(sigmoid(logit))
        return (f"τ = {tau:.3g}: P(y > 1/2) = {f[1]:.3f} ± {se[1]:.3f} (samples) vs σ(x) = {sig:.3f} "
                f"(exact, every τ)")

    controls = {"tau": _tau_slider(tau, description="τ"), "logit": _logit_slider("logit $x$", logit)}
    return Explorer(fig, controls, update, state=state,
                    artists={"bars": art["bars"], "curve": art["curve"], "title": title, "off_scale": off_scale},
                    dynamic=[art["bars"], half, art["curve"], *off_scale, title])
