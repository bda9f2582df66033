r"""Notebooks 0 and 2: ONE Gumbel draw g and its relaxed point ``softmax((x + g)/tau)`` as tau moves.

The figure family of the relaxation path: :func:`explore_relaxation_path` and the two panels it
drives, :func:`plot_relaxation_path` (the point and its path on the triangle) and
:func:`plot_relaxed_bars` (its coordinates). The noise is drawn once per seed and reused while
:math:`\tau` moves, so a slider move follows the same sample along its path. Every number drawn
comes from :mod:`gumbel_utils.concrete`, :mod:`gumbel_utils.relaxation_stats` and
:mod:`gumbel_utils.sampling`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_tau
from ..concrete import gumbel_softmax
from ..relaxation_stats import relaxation_path
from ..sampling import gumbel_max_from_noise, sample_gumbel
from ..simplex import TRIANGLE, barycentric_to_cartesian
from ._args import check_logit_vector, check_seed
from .controls import IntSlider, LogTau, make_controls
from .explorer import Explorer, records_call
from .simplex_frame import CENTRE, plot_simplex_frame
from .style import CATEGORY_COLORS, PALETTE, course_style, format_vector, new_figure, pyplot_axes

__all__ = ["DEFAULT_LOGITS", "plot_relaxation_path", "plot_relaxed_bars", "explore_relaxation_path"]

#: The logits of Notebook 2's first figures: log(0.2, 0.3, 0.5).
DEFAULT_LOGITS = tuple(np.log([0.2, 0.3, 0.5]).round(4))

_LEGEND = {"frameon": False, "columnspacing": 1.0, "handletextpad": 0.4}
_SUBSCRIPT = "₀₁₂₃₄₅₆₇₈₉"


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
    with course_style():
        (path_line,) = ax.plot(path[:, 0], path[:, 1], color=PALETTE["black"], alpha=0.35, lw=2,
                               label=r"path, $\tau$: 0.01 → 10")
        (centre_mark,) = ax.plot(*CENTRE, marker="+", color=PALETTE["black"], ms=14, mew=2, ls="none", label="centre")
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


@records_call
def explore_relaxation_path(logits: ArrayLike = DEFAULT_LOGITS, *, tau: float = 1.0, seed: int = 0) -> Explorer:
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
    tau, seed = float(check_tau(tau, scalar=True)), check_seed(seed)
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
            state["gumbel_max"] = int(gumbel_max_from_noise(x, state["noise"]))
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
        # short: it must fit above the bars; plain text, no mathtext: Matplotlib's font objects keep every
        # glyph a new mathtext string loads, so a title with a changing number would grow memory move by move
        title.set_text(f"τ = {tau:.3g}: largest is y{_SUBSCRIPT[k + 1]}")
        same = "yes" if k == state["gumbel_max"] else "NO"
        return (f"τ = {tau:.3g}: y = {format_vector(y)}; argmax y = {k + 1}; Gumbel-max argmax(x + g) = "
                f"{state['gumbel_max'] + 1}; same: {same}")

    controls = make_controls(tau=LogTau(tau), seed=IntSlider(seed, 0, 30, label="noise seed"))
    artists = {"point": tri["point"], "path": tri["path"], "vertex": tri["vertex"], "bars": bars["bars"],
               "title": title, "suptitle": suptitle}
    dynamic = [tri["path"], tri["vertex"], tri["point"], *bars["bars"], bars["uniform"], title]
    return Explorer(fig, controls, update, artists=artists, state=state, dynamic=dynamic)
