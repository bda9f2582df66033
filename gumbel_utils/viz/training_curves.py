"""Notebook 4: training the logits with every estimator, against the exact objective.

The figure family of the training curves: :func:`explore_training` and the panel it drives,
:func:`plot_objective_curves` (the exact objective against the step, median and range over runs),
with the static companions of the same training: :func:`plot_batch_tau` (the final gap against
a fixed tau, one curve per batch size) and :func:`plot_logit_scale` (how the logits grow). Every
number drawn comes from :mod:`gumbel_utils.training` and :mod:`gumbel_utils.training_stats`;
every estimator has its registered label, colour, line style and marker.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_choice, check_count, check_tau
from ..objectives import OBJECTIVES, vertex_values
from ..registry import ESTIMATORS
from ..training import train_logits
from ..training_stats import final_gap_by_tau, run_band
from ._args import check_in_range, check_seed
from ._cache import LruCache
from .controls import Choice, LogSlider, LogTau, make_controls
from .explorer import Explorer, records_call
from .style import (LEGEND_STYLE, PALETTE, course_style, estimator_label, estimator_style, new_figure, pyplot_axes,
                    pyplot_figure, series_style)

__all__ = ["plot_objective_curves", "plot_batch_tau", "plot_logit_scale", "explore_training"]


def plot_objective_curves(trajectories: Mapping[str, Any], *, ax=None, title: str | None = None) -> dict:
    r"""Exact objective :math:`\mathbb{E} f(z)` against the step, one style per estimator; the optimum dotted.

    Parameters
    ----------
    trajectories : mapping of estimator name to :class:`~gumbel_utils.training.Trajectory`
        Several runs each: the median over runs is the line, the band spans the runs
        (:func:`~gumbel_utils.training_stats.run_band`); the estimator's registered colour, line style and marker.
    ax : Axes, optional
        Where to draw; default a new pyplot figure.
    title : str, optional
        Replaces the default title.

    Returns
    -------
    dict
        ``{name: {"line": Line2D, "band": PolyCollection}}`` and ``"optimum"`` (the dashed line).
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.6))
    out: dict[str, Any] = {}
    with course_style():
        optimum = None
        for i, (name, tr) in enumerate(trajectories.items()):
            steps = np.arange(tr.objective.shape[1])
            band = run_band(tr.objective)
            style = estimator_style(name, points=steps.size, index=i)
            fill = ax.fill_between(steps, band.low, band.high, color=style["color"], alpha=0.18, lw=0)
            (line,) = ax.plot(steps, band.median, ms=6, label=estimator_label(name), **style)
            out[name] = {"line": line, "band": fill}
            optimum = tr.optimum
        if optimum is not None:
            out["optimum"] = ax.axhline(optimum, color=PALETTE["black"], ls="--", lw=1.6,
                                        label="exact optimum (best vertex)")
        ax.set_xlabel("step")
        ax.set_ylabel(r"exact $\mathbb{E}_{z}\, f(z)$")
        ax.set_title(title or "training with each estimator: the exact objective")
        if optimum is not None:  # room above the curves for the legend
            top = max(float(tr.objective.max()) for tr in trajectories.values())
            ax.set_ylim(optimum - 0.05 * (top - optimum), top + 0.6 * (top - optimum))
        ax.legend(loc="upper center", ncol=3, **LEGEND_STYLE)
    return out


def plot_batch_tau(taus: ArrayLike, final: Mapping[int, ArrayLike], *, tau_star: Mapping[int, float] | None = None,
                   ax=None) -> dict:
    r"""Final exact objective gap against a fixed :math:`\tau`, one curve per batch size n (mean over runs).

    The means, their standard errors and the best temperature are
    :func:`~gumbel_utils.training_stats.final_gap_by_tau`; each batch size has its own colour, line
    style and marker (:func:`~gumbel_utils.viz.style.series_style`).

    Parameters
    ----------
    taus : (T,)
        The fixed temperatures (log x axis).
    final : mapping of n to array (T, R)
        Gap to the optimum at the end of each run (R runs per tau).
    tau_star : mapping of n to float, optional
        Notebook 3's MSE-optimal tau of the gradient at the start, for the same n (triangles on the axis).
    ax : Axes, optional
        Where to draw; default a new pyplot figure.

    Returns
    -------
    dict
        ``{n: {"line", "best"[, "tau_star"]}}``.
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.4))
    tt = np.asarray(taus, dtype=float)
    out: dict[Any, Any] = {}
    with course_style():
        for i, (n, gaps) in enumerate(final.items()):
            style = series_style(i)
            color = style["color"]
            g = final_gap_by_tau(gaps)  # over the R runs of each tau
            mean, se, j = g.mean, g.se, g.best
            lower = np.minimum(2 * se, 0.9 * mean)  # a log axis: error bars stop above 0
            line = ax.errorbar(tt, mean, yerr=[lower, 2 * se], ms=6, capsize=3, label=f"n = {n}", **style)
            (best,) = ax.plot([tt[j]], [mean[j]], "*", ms=18, color=color, mec=PALETTE["black"], zorder=5)
            out[n] = {"line": line, "best": best}
            if tau_star and n in tau_star:
                (ts,) = ax.plot([tau_star[n]], [0.0], "^", ms=12, color=color, mec=PALETTE["black"], clip_on=False,
                                transform=ax.get_xaxis_transform(), zorder=6)
                out[n]["tau_star"] = ts
        ax.set_xscale("log")
        ax.set_yscale("log")
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi * 4)  # room for the legend above the curves
        ax.set_xlabel(r"fixed temperature $\tau$")
        ax.set_ylabel(r"final $\mathbb{E} f(z)$ − optimum")
        ax.set_title("more samples per step: a smaller best τ (★); ▲ Notebook 3's τ*")
        ax.legend(loc="upper center", ncol=3, **LEGEND_STYLE)
    return out


def plot_logit_scale(steps: ArrayLike, norm: Mapping[str, ArrayLike], near_one_hot: Mapping[str, ArrayLike], *,
                     axes=None) -> dict:
    """Logit norm (left) and fraction of near-one-hot relaxed samples (right) against the step, one line per run.

    Parameters
    ----------
    steps : array_like, shape (S,)
        The recorded steps (x axis).
    norm : mapping of label to array_like, shape (S,)
        Centred logit norm at each step (:func:`~gumbel_utils.training_stats.logit_scale`), one line per label.
    near_one_hot : mapping of label to array_like, shape (S,)
        Share of near-one-hot relaxed samples at each step, with the same labels as ``norm``.
    axes : two Axes, optional
        Left and right panel; default a new pyplot figure.

    Returns
    -------
    dict
        ``{"norm": {label: Line2D}, "one_hot": {label: Line2D}}``.
    """
    if axes is None:
        _fig, axes = pyplot_figure(1, 2, figsize=(8.4, 3.9))
    ax_n, ax_f = axes
    s = np.asarray(steps)
    out: dict[str, dict] = {"norm": {}, "one_hot": {}}
    with course_style():
        for i, label in enumerate(norm):
            style = series_style(i, points=s.size)
            (out["norm"][label],) = ax_n.plot(s, np.asarray(norm[label]), ms=6, label=label, **style)
            (out["one_hot"][label],) = ax_f.plot(s, np.asarray(near_one_hot[label]), ms=6, label=label, **style)
        ax_n.set_xlabel("step")
        ax_n.set_ylabel(r"$\|\theta - \bar\theta\|$")
        ax_n.set_title("the logits grow")
        ax_f.set_xlabel("step")
        ax_f.set_ylabel("share near one-hot (max y > 0.99)")
        ax_f.set_ylim(0, 1.02)
        ax_f.set_title("relaxed samples at fixed τ")
        ax_n.legend(loc="upper left", **LEGEND_STYLE)
    return out


@records_call
def explore_training(objective: str = "quadratic", *, tau: float = 0.5, lr: float = 0.05, n: int = 4,
                     steps: int = 300, estimators: Sequence[str] | None = None, seed: int = 0) -> Explorer:
    r"""Live: train every estimator on :math:`\mathbb{E} f(z)` (K = 3, :math:`\theta_0 = 0`) and watch the exact objective.

    Each move of a control retrains all estimators (one run each, ``steps`` Adam steps; about
    0.2-0.6 s, a busy message shows) and caches the result, so going back is instant.

    Parameters
    ----------
    objective : {"linear", "quadratic", "cubic"}
    tau, lr : float
        Starting temperature (slider 0.01..10) and learning rate (slider 0.003..0.3), widened to hold them.
    n : int
        Samples per step (slider 1, 2, 4, ..., 64).
    steps : int
        Steps per run (10 to 1000).
    estimators : sequence of str, optional
        Default: every registered estimator and the deterministic softmax.
    seed : int

    Returns
    -------
    Explorer
        Controls ``tau``, ``lr``, ``n``, ``objective``; artists ``lines`` (one per estimator), ``title``;
        state ``objective`` (name -> exact objective per step), ``final`` (name -> last value), ``optimum``.
    """
    check_choice(objective, OBJECTIVES, "objective")
    tau, seed = check_tau(tau, scalar=True), check_seed(seed)
    lr = check_in_range(lr, 1e-6, 10.0, "lr")
    ns = [1, 2, 4, 8, 16, 32, 64]
    n = check_choice(check_count(n, "n"), ns, "n")
    steps = int(check_in_range(steps, 10, 1000, "steps"))
    names = list(ESTIMATORS if estimators is None else estimators)
    for name in names:
        check_choice(name, list(ESTIMATORS), "estimator")
    fig, ax = new_figure(figsize=(8.4, 4.5))
    fv = {k: vertex_values(f, 3) for k, f in OBJECTIVES.items()}
    cache = LruCache()

    def run(obj: str, tau_: float, lr_: float, n_: int) -> dict:
        f = OBJECTIVES[obj]
        return {name: train_logits(name, f, np.zeros(3), steps=steps, lr=lr_, batch=n_, tau=tau_, rng=seed)
                for name in names}

    first = cache.get_or((objective, tau, lr, n), lambda: run(objective, tau, lr, n))
    art = plot_objective_curves(first, ax=ax)
    for name in names:  # one run each: the bands carry no information here
        art[name]["band"].set_visible(False)
    with course_style():
        title = ax.set_title(" ")
    state: dict[str, Any] = {}

    def update(tau: float, lr: float, n: int, objective: str) -> str:
        res = cache.get_or((objective, tau, lr, n), lambda: run(objective, tau, lr, n))
        state["objective"] = {k: tr.objective[0] for k, tr in res.items()}
        state["final"] = {k: float(tr.final()[0]) for k, tr in res.items()}
        state["optimum"] = opt = next(iter(res.values())).optimum  # the best vertex (Trajectory.optimum)
        for name, tr in res.items():
            art[name]["line"].set_ydata(tr.objective[0])
        art["optimum"].set_ydata([opt, opt])
        lo, hi = float(fv[objective].min()), float(fv[objective].max())  # the axis spans the vertex values
        ax.set_ylim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
        title.set_text(f"{objective} f, τ = {tau:.3g}, lr = {lr:.3g}, n = {n}: exact objective")
        best = min(state["final"], key=state["final"].get)
        gaps = {k: float(tr.gap()[0]) for k, tr in res.items()}
        return (f"final gap to the optimum {opt:.3f}: " + ", ".join(
            f"{ESTIMATORS[k].label} {v:.3f}" for k, v in gaps.items())
                + f" (best: {ESTIMATORS[best].label})")

    controls = make_controls(
        tau=LogTau(tau),
        lr=LogSlider(lr, 0.003, 0.3, label="learning rate"),
        n=Choice(ns, n, label="samples n", name="samples per step n", kind="slider"),
        objective=Choice(list(OBJECTIVES), objective, label="f", name="objective f"),
    )
    dynamic = [art[name]["line"] for name in names] + [art["optimum"], title]
    artists = {"lines": {name: art[name]["line"] for name in names}, "optimum": art["optimum"], "title": title}
    return Explorer(fig, controls, update, artists=artists, state=state, dynamic=dynamic,
                    background_key=lambda: ax.get_ylim(), live_recompute=True,
                    busy_message=f"training {len(names)} estimators ({steps} steps each)…")
