r"""Notebook 2: E[y] of the relaxed samples is not softmax(x); it drifts to the centre as tau grows.

The figure family of the mean drift (Jang et al., Fig. 1): :func:`explore_mean_drift` and the panel
it drives, :func:`plot_mean_vs_tau` (each coordinate of the Monte Carlo E[y] against tau). Every
number drawn comes from :mod:`gumbel_utils.relaxation_stats` and :mod:`gumbel_utils.stats`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_tau
from ..concrete import gumbel_softmax
from ..numerics import softmax
from ..relaxation_stats import mean_vs_tau, monte_carlo_mean
from ..sampling import sample_gumbel
from ..simplex import barycentric_to_cartesian
from ..stats import total_variation
from ._args import check_in_range, check_logit_vector, check_seed, widened_log_range
from .controls import TAU_RANGE, LogTau, make_controls
from .explorer import Explorer, records_call
from .simplex_frame import CENTRE, plot_simplex_frame
from .style import CATEGORY_COLORS, PALETTE, course_style, format_vector, new_figure, pyplot_axes, series_style

__all__ = ["plot_mean_vs_tau", "explore_mean_drift"]

_LEGEND = {"frameon": False, "columnspacing": 1.0, "handletextpad": 0.4}


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
            # category j's colour and marker: the curves stay apart without colour (the dashed levels are softmax(x))
            style = {**series_style(j, points=taus.size), "linestyle": "-"}
            (ln,) = ax.plot(taus, means[:, j], ms=6, label=rf"$E[y_{j + 1}]$", **style)
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
    tau, seed = float(check_tau(tau, scalar=True)), check_seed(seed)
    n = int(check_in_range(n, 10, 100_000, "n"))
    noise = sample_gumbel((n, 3), rng=seed)
    lo, hi = widened_log_range(tau, *np.log10(TAU_RANGE))
    taus = np.logspace(lo, hi, int(round(20 * (hi - lo))) + 1)
    means = mean_vs_tau(x, taus, noise)
    fig, (ax_t, ax_c) = new_figure(1, 2, figsize=(8.4, 4.2), gridspec_kw={"width_ratios": [1.0, 1.1]})
    plot_simplex_frame(ax=ax_t)
    plot_mean_vs_tau(x, taus, noise, ax=ax_c)
    path = barycentric_to_cartesian(means)
    p = softmax(x)
    with course_style():
        ax_t.plot(path[:, 0], path[:, 1], color=PALETTE["black"], alpha=0.4, lw=2,
                  label=rf"$E[y]$, $\tau$: {taus[0]:g} → {taus[-1]:g}")
        ax_t.plot(*barycentric_to_cartesian(p), marker="*", ms=20, color="white", mec=PALETTE["black"], mew=1.5, ls="none",
                  label=r"softmax$(x)$", zorder=5)
        ax_t.plot(*CENTRE, marker="+", ms=14, mew=2, color=PALETTE["black"], ls="none", label="centre")
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
        mxy = barycentric_to_cartesian(m.mean)
        mean.set_data([mxy[0]], [mxy[1]])
        cursor.set_xdata([tau, tau])
        dots.set_offsets(np.column_stack([np.full(3, tau), m.mean]))
        suptitle.set_text(f"τ = {tau:.3g}: TV(E[y], softmax(x)) = {tv:.2f}")  # short: ~0.1 ms a letter
        return (f"τ = {tau:.3g}: E[y] = {format_vector(m.mean)} ± {format_vector(m.se)} (1 s.e., {n:,} samples); "
                f"softmax(x) = {format_vector(p)}")

    return Explorer(fig, make_controls(tau=LogTau(tau)), update, state=state,
                    artists={"mean": mean, "cursor": cursor, "dots": dots, "suptitle": suptitle},
                    dynamic=[mean, cursor, dots, suptitle])
