"""Notebook 4: Jang et al.'s annealing schedule, edited live, and the relaxed run it drives on the toy.

The figure family of annealing: :func:`explore_annealing` and the panel it drives,
:func:`plot_schedule` (temperature schedules against the step); the run itself is drawn by
:func:`gumbel_utils.viz.relaxed_toy.plot_toy_training`. Every number drawn comes from
:mod:`gumbel_utils.schedules`, :mod:`gumbel_utils.training` and :mod:`gumbel_utils.relaxed_toy`.
"""

from __future__ import annotations

import functools
from typing import Any, Mapping

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_tau
from ..relaxed_toy import relaxed_toy_minimizer, relaxed_toy_threshold
from ..schedules import anneal
from ..training import train_toy
from ._args import check_in_range, check_seed
from ._cache import LruCache
from .controls import IntSlider, LogSlider, LogTau, make_controls
from .explorer import Explorer, records_call
from .relaxed_toy import plot_toy_training
from .style import LEGEND_STYLE, PALETTE, course_style, new_figure, plain_log_labels, pyplot_axes, series_style

__all__ = ["plot_schedule", "explore_annealing"]


def _sci(v: float) -> str:
    r"""``v`` in mathtext: 0.05, 10^{-5} or 2.5{\times}10^{-3}."""
    if 1e-2 <= v < 1e3:
        return f"{v:.3g}"
    mantissa, exponent = f"{v:.1e}".split("e")
    head = "" if mantissa == "1.0" else mantissa.rstrip("0").rstrip(".") + r"{\times}"
    return f"{head}10^{{{int(exponent)}}}"


def plot_schedule(steps: ArrayLike, schedules: Mapping[str, ArrayLike], *, ax=None) -> dict:
    r"""Temperature schedules :math:`\tau_t` against the step (log :math:`\tau` axis).

    Parameters
    ----------
    steps : array_like, shape (S,)
        The steps (x axis).
    schedules : mapping of label to array_like, shape (S,)
        Temperature at each step (e.g. :func:`~gumbel_utils.training.anneal` of ``steps``), one line each,
        drawn as steps (the temperature holds until the next update).
    ax : Axes, optional
        Where to draw; default a new pyplot figure.

    Returns
    -------
    dict
        ``{label: Line2D}``.
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.0))
    s = np.asarray(steps)
    out = {}
    with course_style():
        for i, (label, tau) in enumerate(schedules.items()):
            (out[label],) = ax.plot(s, np.asarray(tau), drawstyle="steps-post", ms=6, label=label,
                                    **series_style(i, points=s.size))
        ax.set_yscale("log")
        plain_log_labels(ax)
        ax.set_xlabel("step")
        ax.set_ylabel(r"temperature $\tau_t$")
        ax.set_title(r"$\tau_t = \max(\tau_{\min}, \tau_0\, e^{-r N \lfloor t/N \rfloor})$")
        ax.legend(loc="upper right", **LEGEND_STYLE)
    return out


@records_call
def explore_annealing(*, tau0: float = 1.0, tau_min: float = 0.05, rate: float = 2.5e-3, every: int = 100,
                      t: float = 0.45, steps: int = 2000, lr: float = 0.05, batch: int = 16, seed: int = 0) -> Explorer:
    r"""Live: edit Jang et al.'s schedule and retrain the relaxed estimator on the binary toy with it.

    Left: the schedule :math:`\tau_t` (:func:`~gumbel_utils.training.anneal`) and the threshold
    :math:`1 - 2t` below which the relaxed minimiser is the true one. Right: :math:`P(b = 1)` along a
    Gumbel-Softmax run (Adam) with that schedule, and the relaxed minimiser :math:`p^*(\tau_t)` it chases.
    Each move retrains (one run, about 0.2-0.5 s, a busy message shows).

    Parameters
    ----------
    tau0, tau_min : float
        Sliders 0.01..10 (log), widened to hold the values.
    rate : float
        Decay rate per step (slider 10^-5..10^-1, log).
    every : int
        Steps between updates N (slider 10..1000).
    t : float in [0, 0.5)
    steps, lr, batch : training length (100..5000), learning rate, samples per step
    seed : int

    Returns
    -------
    Explorer
        Controls ``tau0``, ``tau_min``, ``rate``, ``every``; artists ``schedule``, ``threshold``, ``p``,
        ``target``, ``title``; state ``tau`` (per step), ``p`` (per step), ``target``, ``final_p``.
    """
    tau0, tau_min = check_tau(tau0, "tau0", scalar=True), check_tau(tau_min, "tau_min", scalar=True)
    rate = check_in_range(rate, 1e-6, 1.0, "rate")
    every = int(check_in_range(every, 1, 10_000, "every"))
    t = check_in_range(t, 0.0, 0.4999, "t")
    steps = int(check_in_range(steps, 100, 5000, "steps"))
    lr = check_in_range(lr, 1e-5, 10.0, "lr")
    batch = int(check_in_range(batch, 1, 256, "batch"))
    seed = check_seed(seed)
    s = np.arange(steps + 1)
    fig, (ax_s, ax_p) = new_figure(1, 2, figsize=(8.4, 4.2))
    cache = LruCache(32)

    def run(tau0_: float, tau_min_: float, rate_: float, every_: int):
        sched = functools.partial(anneal, tau0=tau0_, tau_min=tau_min_, rate=rate_, every=every_)
        tr = train_toy("gumbel_softmax_grad", t, steps=steps, lr=lr, batch=batch, tau=sched, rng=seed)
        tau_s = sched(s)
        return tr, tau_s, relaxed_toy_minimizer(t, tau_s)  # p*(tau_t): one quadrature per distinct tau

    tr0, tau_s0, target0 = cache.get_or((tau0, tau_min, rate, every), lambda: run(tau0, tau_min, rate, every))
    sched_art = plot_schedule(s, {"schedule": tau_s0}, ax=ax_s)
    with course_style():
        tc = relaxed_toy_threshold(t)
        thr = ax_s.axhline(tc, color=PALETTE["black"], ls="--", lw=1.4)
        ax_s.text(0.03, tc / 1.2, f"1 − 2t = {tc:.3g}:\nbelow it p* = 0", transform=ax_s.get_yaxis_transform(),
                  ha="left", va="top", fontsize=11)
        ax_s.set_ylim(5e-3, 20.0)
        ax_s.get_legend().remove()
    toy_art = plot_toy_training({"run": tr0}, targets={"run": target0}, ax=ax_p,
                                labels={"run": "relaxed (Gumbel-Softmax)"})
    with course_style():
        ax_p.set_title(" ")
        toy_art["run"]["target"].set_label(r"relaxed minimiser $p^*(\tau_t)$")
        ax_p.legend(loc="upper right", **LEGEND_STYLE)
    toy_art["run"]["band"].set_visible(False)
    p_line, target_line = toy_art["run"]["line"], toy_art["run"]["target"]
    title = ax_p.title
    schedule_title = ax_s.title  # the schedule's formula with the current numbers
    state: dict[str, Any] = {}

    def update(tau0: float, tau_min: float, rate: float, every: int) -> str:
        tr, tau_s, target = cache.get_or((tau0, tau_min, rate, every), lambda: run(tau0, tau_min, rate, every))
        sched_art["schedule"].set_ydata(tau_s)
        p_line.set_ydata(tr.p[0])
        target_line.set_ydata(target)
        final = float(tr.final_p(100)[0])  # P(b = 1) over the last 100 steps (ToyTrajectory.final_p)
        title.set_text(f"t = {t:g}: final P(b = 1) ≈ {final:.3f}")
        schedule_title.set_text(rf"$\tau_t = \max({tau_min:.3g},\ {tau0:.3g}\,e^{{-{_sci(rate)}\cdot {every}"
                                rf"\lfloor t/{every} \rfloor}})$")
        state.update(tau=tau_s, p=tr.p[0], target=target, final_p=final)
        return (f"τ goes from {tau_s[0]:.3g} to {tau_s[-1]:.3g} over {steps} steps; p* at the end "
                f"{target[-1]:.3f}; the run ends at P(b = 1) ≈ {final:.3f} (mean of its last 100 steps)")

    controls = make_controls(
        tau0=LogTau(tau0, label="τ₀", name="starting temperature tau0"),
        tau_min=LogTau(tau_min, label="τ_min", name="smallest temperature tau_min"),
        rate=LogSlider(rate, 1e-5, 0.1, label="rate r", name="decay rate r", fmt=".2g"),
        every=IntSlider(every, 10, 1000, step=10, label="every N", name="steps between updates N"),
    )
    dynamic = [sched_art["schedule"], p_line, target_line, title, schedule_title]
    artists = {"schedule": sched_art["schedule"], "threshold": thr, "p": p_line, "target": target_line,
               "title": title, "schedule_title": schedule_title}
    return Explorer(fig, controls, update, artists=artists, state=state, dynamic=dynamic, live_recompute=True,
                    busy_message="training with the new schedule…")
