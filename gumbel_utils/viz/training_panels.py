r"""The panels of Notebook 4 (training with gradient estimators): ``plot_*(data..., *, ax=None)``.

Each draws data computed by the math layer on an Axes (without ``ax``/``axes``, a new pyplot
one), inside the course style, and returns a dict of its artists. The explorers of
:mod:`gumbel_utils.viz.training` build their figures from these panels; the notebook imports
both from there. Every number drawn comes from :mod:`gumbel_utils.training`,
:mod:`gumbel_utils.relaxed_toy`, :mod:`gumbel_utils.training_stats`,
:mod:`gumbel_utils.gradient_stats` or :mod:`gumbel_utils.relaxation_stats`; colours and labels
from the estimator registry.

- :func:`plot_training_curves`: exact objective against the step, one colour per estimator, optimum marked.
- :func:`plot_toy_training`: P(b = 1) against the step on the binary toy, with the relaxed minimiser and the truth.
- :func:`plot_relaxed_minimizer`: the relaxed toy's minimiser p* against tau (exact), with the threshold 1 - 2t.
- :func:`plot_relaxed_objective`: the relaxed toy objective against p, next to the true one.
- :func:`plot_rebar_bias`: REBAR's bias (with error bars) against tau, next to the relaxed estimator's.
- :func:`plot_rebar_variance`: REBAR's variance against tau and against eta, next to the score function.
- :func:`plot_schedule`: temperature schedules against the step.
- :func:`plot_batch_tau`: final exact objective against a fixed tau, one curve per batch size.
- :func:`plot_logit_scale`: logit norm and near-one-hot fraction along training.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
from numpy.typing import ArrayLike

from ..relaxation_stats import monte_carlo_mean
from ..relaxed_toy import relaxed_toy_threshold
from ..registry import ESTIMATORS
from .style import PALETTE, course_style, pyplot_axes, pyplot_figure

__all__ = [
    "LEGEND_STYLE",
    "plot_training_curves",
    "plot_toy_training",
    "plot_relaxed_minimizer",
    "plot_relaxed_objective",
    "plot_rebar_bias",
    "plot_rebar_variance",
    "plot_schedule",
    "plot_batch_tau",
    "plot_logit_scale",
]

#: Legend settings of every Notebook 4 figure (the explorers redraw legends with them).
LEGEND_STYLE = {"frameon": False, "fontsize": 11, "handlelength": 1.6, "columnspacing": 1.0}
#: Colours of the two toy targets and of the batch sizes (Okabe-Ito).
_SERIES = (PALETTE["blue"], PALETTE["vermillion"], PALETTE["green"], PALETTE["orange"], PALETTE["purple"])


def _style(name: str) -> tuple[str, str]:
    spec = ESTIMATORS[name]
    return spec.label, spec.color


def _dash(name: str) -> str:
    return "--" if name == "noise_free_grad" else "-"


def _plain_log_labels(ax, axis: str = "y") -> None:
    """Tick labels like 0.5, 2, 10 on a log axis (no 5x10^-1): minor labels only when it spans under a decade."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    which = ax.yaxis if axis == "y" else ax.xaxis
    lo, hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    fmt = FuncFormatter(lambda v, _pos: f"{v:g}")
    which.set_major_formatter(fmt)
    which.set_minor_formatter(fmt if hi / lo < 10 else NullFormatter())


def plot_training_curves(trajectories: Mapping[str, Any], *, ax=None, title: str | None = None) -> dict:
    r"""Exact objective :math:`\mathbb{E} f(z)` against the step, one colour per estimator; the optimum dashed.

    Parameters
    ----------
    trajectories : mapping of estimator name to :class:`~gumbel_utils.training.Trajectory`
        Several runs each: the median over runs is the line, the band spans the runs.
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
        for name, tr in trajectories.items():
            label, color = _style(name)
            steps = np.arange(tr.objective.shape[1])
            med = np.median(tr.objective, axis=0)
            band = ax.fill_between(steps, tr.objective.min(0), tr.objective.max(0), color=color, alpha=0.18, lw=0)
            (line,) = ax.plot(steps, med, color=color, ls=_dash(name), label=label)
            out[name] = {"line": line, "band": band}
            optimum = tr.optimum
        if optimum is not None:
            out["optimum"] = ax.axhline(optimum, color=PALETTE["black"], ls=":", lw=1.8,
                                        label="exact optimum (best vertex)")
        ax.set_xlabel("step")
        ax.set_ylabel(r"exact $\mathbb{E}_{z}\, f(z)$")
        ax.set_title(title or "training with each estimator: the exact objective")
        if optimum is not None:  # room above the curves for the legend
            top = max(float(tr.objective.max()) for tr in trajectories.values())
            ax.set_ylim(optimum - 0.05 * (top - optimum), top + 0.6 * (top - optimum))
        ax.legend(loc="upper center", ncol=3, **LEGEND_STYLE)
    return out


def plot_toy_training(trajectories: Mapping[str, Any], *, targets: Mapping[str, ArrayLike] | None = None,
                      p_relaxed: float | None = None, ax=None, title: str | None = None,
                      labels: Mapping[str, str] | None = None) -> dict:
    r"""P(b = 1) = :math:`\sigma(\theta)` against the step on the binary toy (median over runs, band over runs).

    Parameters
    ----------
    trajectories : mapping of name to :class:`~gumbel_utils.training.ToyTrajectory`
        Keys are estimator names, or any names with ``labels`` (then the colour is taken from the
        trajectory's estimator, or from a series colour when two keys share one).
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
    used: set[str] = set()
    with course_style():
        for i, (name, tr) in enumerate(trajectories.items()):
            label, color = _style(tr.estimator)
            if color in used:
                color = _SERIES[i % len(_SERIES)]
            used.add(color)
            label = (labels or {}).get(name, label)
            p = tr.p
            steps = np.arange(p.shape[1])
            band = ax.fill_between(steps, p.min(0), p.max(0), color=color, alpha=0.18, lw=0)
            (line,) = ax.plot(steps, np.median(p, axis=0), color=color, ls=_dash(tr.estimator), label=label)
            out[name] = {"line": line, "band": band}
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
            color = _SERIES[i % len(_SERIES)]
            (line,) = ax.plot(tt, np.asarray(p), color=color, marker="o", ms=4, label=f"t = {t:g}")
            tc = relaxed_toy_threshold(t)
            thr = ax.axvline(tc, color=color, ls="--", lw=1.4, label=rf"$\tau = 1 - 2t$ = {tc:.3g}")
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


def plot_relaxed_objective(p: ArrayLike, relaxed: ArrayLike, true: ArrayLike, p_star: float, *, t: float,
                           tau: float, ax=None) -> dict:
    r"""The relaxed objective :math:`R_\tau` and the true :math:`t^2 + p(1 - 2t)` against :math:`p = \sigma(\theta)`.

    Parameters
    ----------
    p : array_like, shape (P,)
        Increasing probabilities :math:`P(b = 1)` in [0, 1] (the x axis).
    relaxed : array_like, shape (P,)
        :math:`R_\tau` at each ``p`` (:func:`~gumbel_utils.relaxed_toy.relaxed_toy_curves`).
    true : array_like, shape (P,)
        The true objective at each ``p``.
    p_star : float
        The relaxed minimiser :math:`p^*` (:func:`~gumbel_utils.relaxed_toy.relaxed_toy_minimizer`); its
        marker sits on the ``relaxed`` curve (interpolated).
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
        r_star = float(np.interp(p_star, pp, np.asarray(relaxed)))
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


def plot_rebar_bias(results: Mapping[str, Any], *, component: int = 0, ax=None) -> dict:
    r"""Bias of component ``component`` (with 2-standard-error bars) against :math:`\tau`, one series per estimator.

    Parameters
    ----------
    results : mapping of estimator name to :class:`~gumbel_utils.gradient_stats.BiasVariance` over a tau grid
        One series each, in the registry's colour.
    component : int, default 0
        Which component of the gradient.
    ax : Axes, optional
        Where to draw; default a new pyplot figure.

    Returns
    -------
    dict
        ``{name: ErrorbarContainer}`` and ``"zero"``.
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.4))
    out: dict[str, Any] = {}
    with course_style():
        for i, (name, r) in enumerate(results.items()):
            label, color = _style(name)
            shift = 1.0 + 0.04 * (i - (len(results) - 1) / 2)  # side by side on the log axis
            out[name] = ax.errorbar(np.asarray(r.tau) * shift, r.bias[:, component], yerr=2 * r.bias_se[:, component],
                                    color=color, marker="os^D"[i % 4], ms=6, capsize=3, lw=1.6, label=label)
        out["zero"] = ax.axhline(0.0, color=PALETTE["black"], lw=1.2)
        ax.set_xscale("log")
        ax.set_xlabel(r"temperature $\tau$")
        ax.set_ylabel(rf"bias of $\hat g_{component + 1}$ ($\pm$ 2 se)")
        ax.set_title("REBAR is unbiased at every τ; the relaxed estimator is not")
        ax.legend(loc="best", **LEGEND_STYLE)
    return out


def plot_rebar_variance(r: Any, *, eta: float = 1.0, tau_index: int | None = None, baseline: float | None = None,
                        fixed_label: str | None = None, axes=None) -> dict:
    r"""REBAR's variance: left against :math:`\tau` (fixed :math:`\eta`, optimal :math:`\eta^*`, the score
    function), right against :math:`\eta` at one :math:`\tau` (a parabola through the score function at 0).

    Parameters
    ----------
    r : :class:`~gumbel_utils.training_stats.RebarEta`
    eta : float
        The fixed weight drawn on the left (and marked on the right).
    tau_index : int, optional
        Which tau of ``r.tau`` the right panel shows (default: the one closest to 0.3).
    baseline : float, optional
        The variance of the score function with a baseline (a horizontal line).
    fixed_label : str, optional
        Legend label of the fixed-eta curve (default "REBAR, eta = <eta>").
    axes : two Axes, optional

    Returns
    -------
    dict
        ``"fixed"``, ``"optimal"``, ``"score"``, ``"cursor"`` (left); ``"parabola"``, ``"eta_mark"``,
        ``"eta_opt"``, ``"score_point"``, ``"right_title"`` (right); ``"baseline"`` if given.
    """
    if axes is None:
        _fig, axes = pyplot_figure(1, 2, figsize=(8.4, 4.2))
    ax_t, ax_e = axes
    taus = np.asarray(r.tau)
    i = int(np.argmin(np.abs(np.log(taus / 0.3)))) if tau_index is None else int(tau_index)
    etas = np.linspace(min(-0.5, float(np.min(r.eta))), max(2.5, float(np.max(r.eta))), 121)
    sky, orange = PALETTE["sky"], PALETTE["orange"]
    out: dict[str, Any] = {}
    with course_style():
        (out["fixed"],) = ax_t.plot(taus, r.variance_at(eta), color=sky,
                                    label=fixed_label or rf"REBAR, $\eta$ = {eta:g}")
        (out["optimal"],) = ax_t.plot(taus, r.variance_opt, color=sky, ls="--", label=r"REBAR, best $\eta^*(\tau)$")
        out["score"] = ax_t.axhline(r.score_variance, color=orange, lw=2.0, label=r"score function ($\eta$ = 0)")
        if baseline is not None:
            out["baseline"] = ax_t.axhline(baseline, color=PALETTE["purple"], lw=2.0, ls="-.",
                                           label="score fn. + baseline")
        out["cursor"] = ax_t.axvline(taus[i], color=PALETTE["black"], lw=1.0, ls=":")
        ax_t.set_xscale("log")
        ax_t.set_yscale("log")
        ax_t.set_xlabel(r"temperature $\tau$")
        ax_t.set_ylabel(r"variance tr Cov($\hat g$)")
        ax_t.set_title("against τ")
        ax_t.legend(loc="upper right", **LEGEND_STYLE)
        (out["parabola"],) = ax_e.plot(etas, r.variance_at(etas)[i], color=sky, label="REBAR")
        (out["score_point"],) = ax_e.plot([0.0], [r.var_a[i]], "o", ms=10, color=orange, mec=PALETTE["black"],
                                          label="η = 0: score function", zorder=5)
        (out["eta_mark"],) = ax_e.plot([eta], [r.variance_at(eta)[i]], "s", ms=9, color=sky, mec=PALETTE["black"],
                                       label=rf"$\eta$ = {eta:g}" if fixed_label is None else "fixed η", zorder=5)
        (out["eta_opt"],) = ax_e.plot([r.eta_opt[i]], [r.variance_opt[i]], "v", ms=10, color=PALETTE["green"],
                                      mec=PALETTE["black"], label=r"$\eta^*$", zorder=5)
        ax_e.set_yscale("log")
        ax_e.set_xlabel(r"control-variate weight $\eta$")
        ax_e.set_ylabel(r"variance tr Cov($\hat g$)")
        out["right_title"] = ax_e.set_title(f"against η at τ = {taus[i]:.3g}")
        ax_e.set_xlim(etas[0], etas[-1])
        _plain_log_labels(ax_e)
        ax_e.legend(loc="upper left", **LEGEND_STYLE)
    return out


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
            (out[label],) = ax.plot(s, np.asarray(tau), color=_SERIES[i % len(_SERIES)], drawstyle="steps-post",
                                    label=label)
        ax.set_yscale("log")
        _plain_log_labels(ax)
        ax.set_xlabel("step")
        ax.set_ylabel(r"temperature $\tau_t$")
        ax.set_title(r"$\tau_t = \max(\tau_{\min}, \tau_0\, e^{-r N \lfloor t/N \rfloor})$")
        ax.legend(loc="upper right", **LEGEND_STYLE)
    return out


def plot_batch_tau(taus: ArrayLike, final: Mapping[int, ArrayLike], *, tau_star: Mapping[int, float] | None = None,
                   ax=None) -> dict:
    r"""Final exact objective gap against a fixed :math:`\tau`, one curve per batch size n (mean over runs).

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
            color = _SERIES[i % len(_SERIES)]
            mean, se = monte_carlo_mean(np.asarray(gaps, dtype=float).T)  # over the R runs of each tau
            lower = np.minimum(2 * se, 0.9 * mean)  # a log axis: error bars stop above 0
            line = ax.errorbar(tt, mean, yerr=[lower, 2 * se], color=color, marker="o", ms=5, capsize=3,
                               label=f"n = {n}")
            j = int(np.argmin(mean))
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
            color = _SERIES[i % len(_SERIES)]
            (out["norm"][label],) = ax_n.plot(s, np.asarray(norm[label]), color=color, label=label)
            (out["one_hot"][label],) = ax_f.plot(s, np.asarray(near_one_hot[label]), color=color, label=label)
        ax_n.set_xlabel("step")
        ax_n.set_ylabel(r"$\|\theta - \bar\theta\|$")
        ax_n.set_title("the logits grow")
        ax_f.set_xlabel("step")
        ax_f.set_ylabel("share near one-hot (max y > 0.99)")
        ax_f.set_ylim(0, 1.02)
        ax_f.set_title("relaxed samples at fixed τ")
        ax_n.legend(loc="upper left", **LEGEND_STYLE)
    return out
