"""Explorers of Notebook 4: training with gradient estimators, and the temperature in practice.

``explore_*(..., *, seed=0)`` build one figure from the panels of
:mod:`gumbel_utils.viz.training_panels` and return an
:class:`~gumbel_utils.viz.explorer.Explorer` (the explorer contract of CONTRIBUTING.md). The
panels (``plot_*``) are re-exported here,
so the notebook imports everything from this module. Every number drawn comes from
:mod:`gumbel_utils.training`, :mod:`gumbel_utils.relaxed_toy` or :mod:`gumbel_utils.training_stats`;
colours and labels from the estimator registry.

- :func:`explore_training`: train every estimator live and watch the exact objective.
- :func:`explore_relaxed_toy`: the relaxed toy objective and its minimiser against tau.
- :func:`explore_rebar_variance`: REBAR's variance against tau and eta, next to the score function.
- :func:`explore_annealing`: edit an annealing schedule and retrain the relaxed estimator with it.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from typing import Any, Sequence

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_choice, check_count, check_tau
from ..objectives import OBJECTIVES, vertex_values
from ..relaxed_toy import relaxed_toy_curves, relaxed_toy_minimizer, relaxed_toy_threshold
from ..registry import ESTIMATORS
from ..schedules import anneal
from ..training import train_logits, train_toy
from ..training_stats import rebar_eta_variance
from ._args import check_in_range, check_logit_vector, check_seed, widened_log_range
from .explorer import Explorer, records_call
from .style import PALETTE, course_style, new_figure
from .training_panels import (
    LEGEND_STYLE,
    plot_batch_tau,
    plot_logit_scale,
    plot_rebar_bias,
    plot_rebar_variance,
    plot_relaxed_minimizer,
    plot_relaxed_objective,
    plot_schedule,
    plot_toy_training,
    plot_training_curves,
)

__all__ = [  # the panels are re-exported: one import place for the notebook
    "plot_training_curves",
    "plot_toy_training",
    "plot_relaxed_minimizer",
    "plot_relaxed_objective",
    "plot_rebar_bias",
    "plot_rebar_variance",
    "plot_schedule",
    "plot_batch_tau",
    "plot_logit_scale",
    "explore_training",
    "explore_relaxed_toy",
    "explore_rebar_variance",
    "explore_annealing",
]


def _sci(v: float) -> str:
    r"""``v`` in mathtext: 0.05, 10^{-5} or 2.5{\times}10^{-3}."""
    if 1e-2 <= v < 1e3:
        return f"{v:.3g}"
    mantissa, exponent = f"{v:.1e}".split("e")
    head = "" if mantissa == "1.0" else mantissa.rstrip("0").rstrip(".") + r"{\times}"
    return f"{head}10^{{{int(exponent)}}}"


def _log_slider(value: float, lo: float, hi: float, step: float, description: str) -> widgets.FloatLogSlider:
    lo, hi = widened_log_range(value, lo, hi)
    return widgets.FloatLogSlider(value=value, min=lo, max=hi, step=step, base=10.0, description=description,
                                  readout_format=".3g")


class _Cache(OrderedDict):
    """A small LRU cache for explorer recomputations (bounded: moving a slider for an hour leaks nothing)."""

    def __init__(self, size: int = 48) -> None:
        super().__init__()
        self.size = size

    def get_or(self, key: Any, make) -> Any:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = make()
        if len(self) > self.size:
            self.popitem(last=False)
        return value


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
    cache = _Cache()

    def run(obj: str, tau_: float, lr_: float, n_: int) -> dict:
        f = OBJECTIVES[obj]
        return {name: train_logits(name, f, np.zeros(3), steps=steps, lr=lr_, batch=n_, tau=tau_, rng=seed)
                for name in names}

    first = cache.get_or((objective, tau, lr, n), lambda: run(objective, tau, lr, n))
    art = plot_training_curves(first, ax=ax)
    for name in names:  # one run each: the bands carry no information here
        art[name]["band"].set_visible(False)
    with course_style():
        title = ax.set_title(" ")
    state: dict[str, Any] = {}

    def update(tau: float, lr: float, n: int, objective: str) -> str:
        res = cache.get_or((objective, tau, lr, n), lambda: run(objective, tau, lr, n))
        state["objective"] = {k: tr.objective[0] for k, tr in res.items()}
        state["final"] = {k: float(tr.objective[0, -1]) for k, tr in res.items()}
        state["optimum"] = opt = float(fv[objective].min())
        for name, tr in res.items():
            art[name]["line"].set_ydata(tr.objective[0])
        art["optimum"].set_ydata([opt, opt])
        vmin, vmax = float(fv[objective].min()), float(fv[objective].max())
        pad = 0.05 * (vmax - vmin)
        ax.set_ylim(vmin - pad, vmax + pad)
        title.set_text(f"{objective} f, τ = {tau:.3g}, lr = {lr:.3g}, n = {n}: exact objective")
        best = min(state["final"], key=state["final"].get)
        return (f"final gap to the optimum {opt:.3f}: " + ", ".join(
            f"{ESTIMATORS[k].label} {v - opt:.3f}" for k, v in state["final"].items())
                + f" (best: {ESTIMATORS[best].label})")

    controls = {
        "tau": _log_slider(tau, -2.0, 1.0, 0.05, "τ"),
        "lr": _log_slider(lr, -2.5, -0.5, 0.05, "learning rate"),
        "n": widgets.SelectionSlider(options=ns, value=n, description="samples n"),
        "objective": widgets.Dropdown(options=list(OBJECTIVES), value=objective, description="f"),
    }
    dynamic = [art[name]["line"] for name in names] + [art["optimum"], title]
    artists = {"lines": {name: art[name]["line"] for name in names}, "optimum": art["optimum"], "title": title}
    return Explorer(fig, controls, update, artists=artists, state=state, dynamic=dynamic,
                    background_key=lambda: ax.get_ylim(), live_recompute=True,
                    busy_message=f"training {len(names)} estimators ({steps} steps each)…")


@functools.lru_cache(maxsize=8)
def _toy_table(t: float, taus: tuple[float, ...], p_grid: tuple[float, ...]) -> tuple[np.ndarray, ...]:
    """p*(tau), R_tau(p) and the true objective on the grids, for one t (cached: the explorer's precomputation)."""
    return relaxed_toy_curves(t, np.asarray(taus), np.asarray(p_grid))


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
        Starting temperature (slider over 10^-2..10^1 in steps of 10^(1/8), widened to hold it).
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
    lo_e, hi_e = widened_log_range(tau, -2.0, 1.0)
    exps = np.arange(lo_e, hi_e + 1e-9, 0.125)
    taus = tuple(float(v) for v in 10.0**exps)
    p_grid = tuple(np.linspace(0.0005, 0.9995, 161))
    pg = np.asarray(p_grid)
    fig, (ax_o, ax_p) = new_figure(1, 2, figsize=(8.4, 4.2), gridspec_kw={"width_ratios": [1.15, 1.0]})
    p_star, curves, true = _toy_table(float(t), taus, p_grid)
    i0 = int(np.argmin(np.abs(np.log(np.asarray(taus) / tau))))
    art = plot_relaxed_objective(pg, curves[i0], true, p_star[i0], t=t, tau=taus[i0], ax=ax_o)
    ax_o.set_ylim(0.0, 0.52)
    curve_art = plot_relaxed_minimizer(taus, {t: p_star}, ax=ax_p, title=r"$p^*$ against $\tau$")
    with course_style():
        cursor = ax_p.axvline(taus[i0], color=PALETTE["black"], lw=1.2)
        ax_p.legend(loc="upper left", **LEGEND_STYLE)
    line, thr = curve_art[t]["line"], curve_art[t]["threshold"]
    state: dict[str, Any] = {"taus": np.asarray(taus), "p": pg}

    def update(tau: float, t: float) -> str:
        p_star, curves, true = _toy_table(float(t), taus, p_grid)
        k = int(np.argmin(np.abs(np.log(np.asarray(taus) / tau))))
        if abs(np.log(taus[k] / tau)) > 1e-9:  # off the slider's grid (set by code): compute it exactly
            one_star, one_curve, _ = relaxed_toy_curves(t, tau, pg)
            ps, rel = float(one_star[0]), one_curve[0]
        else:
            ps, rel = float(p_star[k]), curves[k]
        art["relaxed"].set_ydata(rel)
        art["true"].set_ydata(true)
        art["p_star"].set_data([ps], [float(np.interp(ps, pg, rel))])
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

    controls = {
        "tau": widgets.FloatLogSlider(value=taus[i0], min=float(exps[0]), max=float(exps[-1]), step=0.125,
                                      base=10.0, description="τ", readout_format=".3g"),
        "t": widgets.Dropdown(options=ts, value=t, description="target t"),
    }
    dynamic = [art["relaxed"], art["true"], art["p_star"], art["truth"], art["title"], line, thr, cursor]
    artists = {"relaxed": art["relaxed"], "true": art["true"], "p_star": art["p_star"], "truth": art["truth"],
               "title": art["title"], "curve": line, "threshold": thr, "cursor": cursor}
    return Explorer(fig, controls, update, artists=artists, state=state, dynamic=dynamic, live_recompute={"t"},
                    busy_message="quadrature for the new t…")


def _variance_limits(r: Any, etas: np.ndarray) -> tuple[float, float]:
    """Log-axis limits holding REBAR's variance for every eta of the slider and every tau of ``r``."""
    v = r.variance_at(etas)  # (T, E)
    lo = min(float(v.min()), float(r.variance_opt.min()), r.score_variance)
    return max(lo, 1e-6) / 1.6, float(v.max()) * 1.6


@records_call
def explore_rebar_variance(objective: str = "cubic", *, tau: float = 0.3, eta: float = 1.0,
                           logits: ArrayLike = (1.0, 0.5, 0.0), n_samples: int = 10_000, seed: int = 0) -> Explorer:
    r"""Live: REBAR's variance against :math:`\tau` and :math:`\eta`, next to the score function.

    The estimates are drawn once per objective (:func:`~gumbel_utils.training_stats.rebar_eta_variance`
    on 25 temperatures, the same noise for all); REBAR is linear in :math:`\eta`, so every
    :math:`\eta` is exact on those draws and moving a slider only redraws.

    Parameters
    ----------
    objective : {"linear", "quadratic", "cubic"}
    tau : float
        Starting temperature (a grid of 25 values from 0.01 to 10: the slider snaps to it).
    eta : float
        Starting control-variate weight (slider -0.5..2.5).
    logits : array_like (3,)
    n_samples : int
        Estimates per temperature (1,000 to 100,000).
    seed : int

    Returns
    -------
    Explorer
        Controls ``tau``, ``eta``, ``objective``; artists as :func:`plot_rebar_variance`; state ``result``
        (the :class:`~gumbel_utils.training_stats.RebarEta`), ``tau``, ``eta``, ``variance``, ``score_variance``.
    """
    check_choice(objective, OBJECTIVES, "objective")
    tau, seed = check_tau(tau, scalar=True), check_seed(seed)
    eta = check_in_range(eta, -0.5, 2.5, "eta")
    n_samples = int(check_in_range(n_samples, 1000, 100_000, "n_samples"))
    x = check_logit_vector(logits, 3)
    lo_e, hi_e = widened_log_range(tau, -2.0, 1.0)
    taus = 10.0 ** np.arange(lo_e, hi_e + 1e-9, 0.125)
    cache = _Cache(4)

    def measure(obj: str):
        return rebar_eta_variance(x, OBJECTIVES[obj], taus, [0.0, 1.0], n_samples=n_samples, rng=seed)

    r0 = cache.get_or(objective, lambda: measure(objective))
    fig, axes = new_figure(1, 2, figsize=(8.4, 4.2))
    art = plot_rebar_variance(r0, eta=eta, axes=axes, fixed_label=r"REBAR, $\eta$ of the slider (■)")
    ax_t, ax_e = axes
    state: dict[str, Any] = {}
    etas = art["parabola"].get_xdata()

    def update(tau: float, eta: float, objective: str) -> str:
        r = cache.get_or(objective, lambda: measure(objective))
        i = int(np.argmin(np.abs(np.log(r.tau / tau))))
        var_eta = r.variance_at(eta)
        art["fixed"].set_ydata(var_eta)
        art["optimal"].set_ydata(r.variance_opt)
        art["score"].set_ydata([r.score_variance] * 2)
        art["cursor"].set_xdata([r.tau[i]] * 2)
        art["parabola"].set_ydata(r.variance_at(etas)[i])
        art["score_point"].set_data([0.0], [r.var_a[i]])
        art["eta_mark"].set_data([eta], [var_eta[i]])
        art["eta_opt"].set_data([r.eta_opt[i]], [r.variance_opt[i]])
        art["right_title"].set_text(f"against η at τ = {r.tau[i]:.3g}")
        if state.get("limits_for") is not r:  # fixed limits per objective: moving tau or eta only blits
            lo, hi = _variance_limits(r, etas)
            ax_t.set_ylim(lo, hi)
            ax_e.set_ylim(lo, hi)
            state["limits_for"] = r
        state.update(result=r, tau=float(r.tau[i]), eta=eta, variance=float(var_eta[i]),
                     score_variance=r.score_variance)
        verdict = "lower" if var_eta[i] < r.score_variance else "HIGHER"
        return (f"τ = {r.tau[i]:.3g}, η = {eta:g}: REBAR variance {var_eta[i]:.3f}, {verdict} than the score "
                f"function's {r.score_variance:.3f}; best η* = {r.eta_opt[i]:.2f} gives {r.variance_opt[i]:.3f}")

    i0 = int(np.argmin(np.abs(np.log(taus / tau))))
    controls = {
        "tau": widgets.FloatLogSlider(value=float(taus[i0]), min=float(lo_e), max=float(hi_e), step=0.125, base=10.0,
                                      description="τ", readout_format=".3g"),
        "eta": widgets.FloatSlider(value=eta, min=-0.5, max=2.5, step=0.05, description="η"),
        "objective": widgets.Dropdown(options=list(OBJECTIVES), value=objective, description="f"),
    }
    dynamic = [art[k] for k in ("fixed", "optimal", "score", "cursor", "parabola", "score_point", "eta_mark",
                                "eta_opt", "right_title")]
    return Explorer(fig, controls, update, artists=art, state=state, dynamic=dynamic,
                    background_key=lambda: (ax_t.get_ylim(), ax_e.get_ylim()), live_recompute={"objective"},
                    busy_message="drawing REBAR estimates for the new objective…")


@records_call
def explore_annealing(*, tau0: float = 1.0, tau_min: float = 0.05, rate: float = 2.5e-3, every: int = 100,
                      t: float = 0.45, steps: int = 2000, lr: float = 0.05, n: int = 16, seed: int = 0) -> Explorer:
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
    steps, lr, n : training length (100..5000), learning rate, samples per step
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
    n = int(check_in_range(n, 1, 256, "n"))
    seed = check_seed(seed)
    s = np.arange(steps + 1)
    fig, (ax_s, ax_p) = new_figure(1, 2, figsize=(8.4, 4.2))
    cache = _Cache(32)

    def run(tau0_: float, tau_min_: float, rate_: float, every_: int):
        sched = functools.partial(anneal, tau0=tau0_, tau_min=tau_min_, rate=rate_, every=every_)
        tr = train_toy("gumbel_softmax_grad", t, steps=steps, lr=lr, batch=n, tau=sched, rng=seed)
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
        final = float(tr.p[0, -100:].mean())
        title.set_text(f"t = {t:g}: final P(b = 1) ≈ {final:.3f}")
        schedule_title.set_text(rf"$\tau_t = \max({tau_min:.3g},\ {tau0:.3g}\,e^{{-{_sci(rate)}\cdot {every}"
                                rf"\lfloor t/{every} \rfloor}})$")
        state.update(tau=tau_s, p=tr.p[0], target=target, final_p=final)
        return (f"τ goes from {tau_s[0]:.3g} to {tau_s[-1]:.3g} over {steps} steps; p* at the end "
                f"{target[-1]:.3f}; the run ends at P(b = 1) ≈ {final:.3f} (mean of its last 100 steps)")

    controls = {
        "tau0": _log_slider(tau0, -2.0, 1.0, 0.05, "τ₀"),
        "tau_min": _log_slider(tau_min, -2.0, 1.0, 0.05, "τ_min"),
        "rate": _log_slider(rate, -5.0, -1.0, 0.1, "rate r"),
        "every": widgets.IntSlider(value=every, min=min(10, every), max=max(1000, every), step=10,
                                   description="every N"),
    }
    dynamic = [sched_art["schedule"], p_line, target_line, title, schedule_title]
    artists = {"schedule": sched_art["schedule"], "threshold": thr, "p": p_line, "target": target_line,
               "title": title, "schedule_title": schedule_title}
    return Explorer(fig, controls, update, artists=artists, state=state, dynamic=dynamic, live_recompute=True,
                    busy_message="training with the new schedule…")

