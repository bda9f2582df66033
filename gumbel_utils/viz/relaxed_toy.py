r"""Notebook 4: the REBAR/RELAX toy :math:`f(b) = (b - t)^2`, its relaxed objective, minimiser and training.

The figure family of the binary toy: :func:`explore_relaxed_toy` and the panels it drives,
:func:`plot_relaxed_objective` (:math:`R_\tau(p)` against the true objective) and
:func:`plot_relaxed_minimizer` (:math:`p^*` against :math:`\tau`), with the toy's training curves,
:func:`plot_toy_training` (also drawn by :func:`gumbel_utils.viz.annealing.explore_annealing`).
Every number drawn comes from :mod:`gumbel_utils.relaxed_toy` (by quadrature),
:mod:`gumbel_utils.training` and :mod:`gumbel_utils.training_stats`.
"""

from __future__ import annotations

import functools
from typing import Any, Mapping

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_choice, check_tau
from ..relaxed_toy import relaxed_toy_curves, relaxed_toy_minimum, relaxed_toy_threshold
from ..training_stats import run_band
from ._args import check_in_range, check_seed
from .controls import Choice, LogTau, make_controls
from .explorer import Explorer, records_call
from .style import (LEGEND_STYLE, PALETTE, course_style, estimator_label, estimator_style, new_figure, pyplot_axes,
                    series_style)

__all__ = ["plot_toy_training", "plot_relaxed_minimizer", "plot_relaxed_objective", "explore_relaxed_toy"]


def plot_toy_training(trajectories: Mapping[str, Any], *, targets: Mapping[str, ArrayLike] | None = None,
                      p_relaxed: float | None = None, ax=None, title: str | None = None,
                      labels: Mapping[str, str] | None = None) -> dict:
    r"""P(b = 1) = :math:`\sigma(\theta)` against the step on the binary toy (median and range over runs:
    :func:`~gumbel_utils.training_stats.run_band`).

    Parameters
    ----------
    trajectories : mapping of name to :class:`~gumbel_utils.training.ToyTrajectory`
        Keys are estimator names, or any names with ``labels``. Each run has its estimator's registered
        colour, line style and marker; runs of an estimator drawn already (several schedules of one
        estimator) get a series style instead (:func:`~gumbel_utils.viz.style.series_style`, solid).
    targets : mapping of name to array (S + 1,), optional
        A dashed curve per run in the same colour (e.g. the relaxed minimiser at that step's tau).
    p_relaxed : float, optional
        The relaxed minimiser at the (fixed) tau, drawn as a dotted line.
    ax : Axes, optional
        Where to draw; default a new pyplot figure.
    title : str, optional
        Replaces the default title.
    labels : mapping of name to str, optional
        Legend labels replacing the estimators' registry labels.

    Returns
    -------
    dict
        ``{name: {"line", "band"[, "target"]}}``, ``"truth"`` and, if given, ``"relaxed"``.
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.6))
    out: dict[str, Any] = {}
    repeated = len({tr.estimator for tr in trajectories.values()}) < len(trajectories)
    with course_style():
        for i, (name, tr) in enumerate(trajectories.items()):
            label = (labels or {}).get(name, estimator_label(tr.estimator))
            steps = np.arange(tr.p.shape[1])
            style = ({**series_style(i, points=steps.size), "linestyle": "-"} if repeated
                     else estimator_style(tr.estimator, points=steps.size, index=i))
            color = style["color"]
            band = run_band(tr.p)
            fill = ax.fill_between(steps, band.low, band.high, color=color, alpha=0.18, lw=0)
            (line,) = ax.plot(steps, band.median, ms=6, label=label, **style)
            out[name] = {"line": line, "band": fill}
            if targets and name in targets:
                (tgt,) = ax.plot(steps, np.asarray(targets[name]), color=color, ls="--", lw=1.4)
                out[name]["target"] = tgt
        if p_relaxed is not None:
            out["relaxed"] = ax.axhline(p_relaxed, color=PALETTE["blue"], ls=":", lw=1.8,
                                        label=f"relaxed minimiser p* = {p_relaxed:.3f}")
        out["truth"] = ax.axhline(0.0, color=PALETTE["black"], ls=":", lw=1.8, label="true optimum p = 0")
        ax.set_xlabel("step")
        ax.set_ylabel(r"$P(b = 1) = \sigma(\theta)$")
        ax.set_ylim(-0.02, 0.8)  # the curves stay below 0.55: the legend sits above them
        ax.set_yticks(np.arange(0.0, 0.51, 0.1))
        ax.set_title(title or "binary toy: where does each optimiser end?")
        ax.legend(loc="upper center", ncol=3, **LEGEND_STYLE)
    return out


def plot_relaxed_minimizer(taus: ArrayLike, p_star: Mapping[float, ArrayLike], *, ax=None,
                           title: str | None = None) -> dict:
    r"""The exact minimiser :math:`p^* = \sigma(\theta^*)` of the relaxed toy objective against :math:`\tau`.

    Parameters
    ----------
    taus : array_like (T,)
        Temperatures (log x axis).
    p_star : mapping of t to array (T,)
        :func:`~gumbel_utils.relaxed_toy.relaxed_toy_minimizer` at each tau.
    ax : Axes, optional
        Where to draw; default a new pyplot figure.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    dict
        ``{t: {"line": Line2D, "threshold": Line2D}}`` (threshold: the vertical line at tau = 1 - 2t) and ``"truth"``.
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.4))
    tt = np.asarray(taus, dtype=float)
    out: dict[Any, Any] = {}
    with course_style():
        for i, (t, p) in enumerate(p_star.items()):
            style = series_style(i)  # one colour, line style and marker per target
            (line,) = ax.plot(tt, np.asarray(p), ms=4, label=f"t = {t:g}", **style)
            tc = relaxed_toy_threshold(t)
            thr = ax.axvline(tc, color=style["color"], ls=style["linestyle"], lw=1.4,
                             label=rf"$\tau = 1 - 2t$ = {tc:.3g}")
            out[t] = {"line": line, "threshold": thr}
        out["truth"] = ax.axhline(0.0, color=PALETTE["black"], ls=":", lw=1.8, label="true optimum p = 0")
        ax.set_xscale("log")
        ax.set_xlim(tt.min(), tt.max())
        ax.set_ylim(-0.02, 0.75)  # the curves stay below 0.5: the legend sits above them
        ax.set_yticks(np.arange(0.0, 0.51, 0.1))
        ax.set_xlabel(r"temperature $\tau$")
        ax.set_ylabel(r"relaxed minimiser $p^* = \sigma(\theta^*)$")
        ax.set_title(title or r"the relaxed optimum is not the true one (exact, by quadrature)")
        ax.legend(loc="upper center", ncol=2 if len(p_star) > 1 else 1, **LEGEND_STYLE)
    return out


def plot_relaxed_objective(p: ArrayLike, relaxed: ArrayLike, true: ArrayLike, p_star: float, r_star: float, *,
                           t: float, tau: float, ax=None) -> dict:
    r"""The relaxed objective :math:`R_\tau` and the true :math:`t^2 + p(1 - 2t)` against :math:`p = \sigma(\theta)`.

    Parameters
    ----------
    p : array_like, shape (P,)
        Increasing probabilities :math:`P(b = 1)` in [0, 1] (the x axis).
    relaxed : array_like, shape (P,)
        :math:`R_\tau` at each ``p`` (:func:`~gumbel_utils.relaxed_toy.relaxed_toy_curves`).
    true : array_like, shape (P,)
        The true objective at each ``p``.
    p_star, r_star : float
        The relaxed minimiser :math:`p^*` and the minimum :math:`R_\tau(p^*)`
        (:func:`~gumbel_utils.relaxed_toy.relaxed_toy_minimum`): the marker sits there.
    t : float
        The toy's target (keyword-only): the true minimiser is marked at :math:`(0, t^2)`; shown in the title.
    tau : float
        The temperature of ``relaxed`` (keyword-only), shown in the title.
    ax : Axes, optional
        Where to draw; default a new pyplot figure.

    Returns
    -------
    dict
        ``"relaxed"``, ``"true"`` (lines), ``"p_star"`` (marker at the relaxed minimiser), ``"truth"``
        (marker at p = 0), ``"title"``.
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.4))
    pp = np.asarray(p, dtype=float)
    with course_style():
        (rel,) = ax.plot(pp, np.asarray(relaxed), color=PALETTE["blue"], label=r"relaxed $R_\tau = E(y - t)^2$")
        (tru,) = ax.plot(pp, np.asarray(true), color=PALETTE["black"], ls="--", label=r"true $E(b - t)^2$")
        (star,) = ax.plot([p_star], [r_star], "o", ms=10, color=PALETTE["blue"], mec=PALETTE["black"],
                          label="relaxed minimiser")
        (truth,) = ax.plot([0.0], [t * t], "*", ms=16, color=PALETTE["orange"], mec=PALETTE["black"],
                           label="true minimiser", clip_on=False)
        ax.set_xlabel(r"$p = P(b = 1) = \sigma(\theta)$")
        ax.set_ylabel("objective")
        ax.set_xlim(0.0, 1.0)
        title = ax.set_title(f"t = {t:g}, τ = {tau:.3g}: relaxed minimiser p* = {p_star:.3f}")  # no mathtext: faster
        ax.legend(loc="upper left", **LEGEND_STYLE)
    return {"relaxed": rel, "true": tru, "p_star": star, "truth": truth, "title": title}


@functools.lru_cache(maxsize=8)
def _toy_table(t: float, taus: tuple[float, ...], p_grid: tuple[float, ...]) -> tuple[np.ndarray, ...]:
    """p*(tau), R_tau(p*), R_tau(p) and the true objective on the grids, for one t (the explorer's precomputation)."""
    _p, curves, true = relaxed_toy_curves(t, np.asarray(taus), np.asarray(p_grid))
    p_star, minimum = relaxed_toy_minimum(t, np.asarray(taus))
    return p_star, minimum, curves, true


@records_call
def explore_relaxed_toy(t: float = 0.45, *, tau: float = 1.0, seed: int = 0) -> Explorer:
    r"""Live: the relaxed toy objective :math:`R_\tau(p)` against the true one, and the minimiser :math:`p^*(\tau)`.

    Left: :math:`R_\tau` and :math:`t^2 + p(1 - 2t)` against :math:`p = \sigma(\theta)`, with the relaxed
    minimiser (circle) and the truth p = 0 (star). Right: :math:`p^*` against :math:`\tau` (exact), a cursor
    at the current :math:`\tau` and the threshold :math:`\tau = 1 - 2t` below which the two minimisers agree.
    Everything is computed by quadrature (:mod:`gumbel_utils.relaxed_toy`) once per ``t``.

    Parameters
    ----------
    t : {0.3, 0.4, 0.45, 0.49, 0.499}
    tau : float
        Starting temperature (the temperature slider over 0.01..10, widened to hold it; the quadrature
        runs once per ``t`` at every position of the slider).
    seed : int
        Unused (nothing random); kept for the explorer contract.

    Returns
    -------
    Explorer
        Controls ``tau``, ``t``; artists ``relaxed``, ``true``, ``p_star``, ``curve``, ``cursor``,
        ``threshold``, ``title``; state ``t``, ``tau``, ``p_star``, ``p``, ``relaxed``, ``taus``, ``curve``.
    """
    ts = [0.3, 0.4, 0.45, 0.49, 0.499]
    t = check_choice(check_in_range(t, 0.0, 1.0, "t"), ts, "t")
    tau, _ = check_tau(tau, scalar=True), check_seed(seed)
    tau_slider = LogTau(tau)
    taus = tuple(tau_slider.options())  # the quadrature runs at every position of the slider
    p_grid = tuple(np.linspace(0.0005, 0.9995, 161))
    pg = np.asarray(p_grid)
    fig, (ax_o, ax_p) = new_figure(1, 2, figsize=(8.4, 4.2), gridspec_kw={"width_ratios": [1.15, 1.0]})
    p_star, minimum0, curves, true = _toy_table(float(t), taus, p_grid)
    i0 = taus.index(tau)
    art = plot_relaxed_objective(pg, curves[i0], true, p_star[i0], minimum0[i0], t=t, tau=taus[i0], ax=ax_o)
    ax_o.set_ylim(0.0, 0.52)
    curve_art = plot_relaxed_minimizer(taus, {t: p_star}, ax=ax_p, title=r"$p^*$ against $\tau$")
    with course_style():
        cursor = ax_p.axvline(taus[i0], color=PALETTE["black"], lw=1.2)
        ax_p.legend(loc="upper left", **LEGEND_STYLE)
    line, thr = curve_art[t]["line"], curve_art[t]["threshold"]
    state: dict[str, Any] = {"taus": np.asarray(taus), "p": pg}

    def update(tau: float, t: float) -> str:
        p_star, minimum, curves, true = _toy_table(float(t), taus, p_grid)
        k = taus.index(tau)  # the slider's values are the grid's
        ps, rel = float(p_star[k]), curves[k]
        art["relaxed"].set_ydata(rel)
        art["true"].set_ydata(true)
        art["p_star"].set_data([ps], [float(minimum[k])])
        art["truth"].set_data([0.0], [t * t])
        art["title"].set_text(f"t = {t:g}, τ = {tau:.3g}: relaxed minimiser p* = {ps:.3f}")
        line.set_ydata(p_star)
        tc = relaxed_toy_threshold(t)
        thr.set_xdata([tc, tc])
        cursor.set_xdata([tau, tau])
        state.update(t=t, tau=tau, p_star=ps, relaxed=rel, curve=p_star)
        where = "the same as" if ps == 0.0 else "NOT"
        return (f"t = {t:g}, τ = {tau:.3g}: relaxed minimiser p* = {ps:.4f}, {where} the true p = 0 "
                f"(they agree exactly when τ ≤ 1 − 2t = {tc:.3g})")

    controls = make_controls(tau=tau_slider, t=Choice(ts, t, label="target t"))
    dynamic = [art["relaxed"], art["true"], art["p_star"], art["truth"], art["title"], line, thr, cursor]
    artists = {"relaxed": art["relaxed"], "true": art["true"], "p_star": art["p_star"], "truth": art["truth"],
               "title": art["title"], "curve": line, "threshold": thr, "cursor": cursor}
    return Explorer(fig, controls, update, artists=artists, state=state, dynamic=dynamic, live_recompute={"t"},
                    busy_message="quadrature for the new t…")
