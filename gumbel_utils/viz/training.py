"""Figures and explorers of Notebook 4: training with gradient estimators, and the temperature in practice.

``plot_*(data..., *, ax=None)`` (or ``axes=None``) draw data computed by the math layer
and return their artists; ``explore_*(..., *, seed=0)`` build one figure and return an
:class:`~gumbel_utils.viz.explorer.Explorer` (the explorer contract of CONTRIBUTING.md).
Every number drawn comes from :mod:`gumbel_utils.training`, :mod:`gumbel_utils.relaxed_toy`,
:mod:`gumbel_utils.training_stats` or :mod:`gumbel_utils.gradient_stats`; colours and labels
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
- :func:`progress_bar`: an ipywidgets progress bar to pass as ``progress=`` to the trainers.
- Explorers: :func:`explore_training`, :func:`explore_relaxed_toy`, :func:`explore_rebar_variance`,
  :func:`explore_annealing`.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from typing import Any, Mapping, Sequence

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike

from .._checks import check_tau
from ..objectives import OBJECTIVES, vertex_values
from ..relaxed_toy import relaxed_toy_minimizer, relaxed_toy_objective, relaxed_toy_threshold, toy_objective_exact
from ..training import anneal, train, train_toy, training_estimator, training_estimator_names
from ..training_stats import rebar_eta_variance
from ._args import check_choice, check_in_range, check_logit_vector, check_seed, widened_log_range
from .explorer import Explorer
from .style import PALETTE, course_style, new_figure, pyplot_axes, pyplot_figure

__all__ = [
    "plot_training_curves",
    "plot_toy_training",
    "plot_relaxed_minimizer",
    "plot_relaxed_objective",
    "plot_rebar_bias",
    "plot_rebar_variance",
    "plot_schedule",
    "plot_batch_tau",
    "plot_logit_scale",
    "ProgressBar",
    "progress_bar",
    "explore_training",
    "explore_relaxed_toy",
    "explore_rebar_variance",
    "explore_annealing",
]

_LEGEND = {"frameon": False, "fontsize": 11, "handlelength": 1.6, "columnspacing": 1.0}
#: Colours of the two toy targets and of the batch sizes (Okabe-Ito).
_SERIES = (PALETTE["blue"], PALETTE["vermillion"], PALETTE["green"], PALETTE["orange"], PALETTE["purple"])


def _style(name: str) -> tuple[str, str]:
    spec = training_estimator(name)
    return spec.label, spec.color


def _dash(name: str) -> str:
    return "--" if name == "deterministic_softmax" else "-"


def _plain_log_labels(ax, axis: str = "y") -> None:
    """Tick labels like 0.5, 2, 10 on a log axis (no 5x10^-1): minor labels only when it spans under a decade."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    which = ax.yaxis if axis == "y" else ax.xaxis
    lo, hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    fmt = FuncFormatter(lambda v, _pos: f"{v:g}")
    which.set_major_formatter(fmt)
    which.set_minor_formatter(fmt if hi / lo < 10 else NullFormatter())


# ----------------------------------------------------------------------------- progress


class ProgressBar:
    """An ipywidgets progress bar; call it as ``bar(done, total)`` (the trainers' ``progress=``).

    ``bar.widget`` is the :class:`ipywidgets.IntProgress`; :meth:`tick` advances a bar whose
    ``total`` was given (several calls that make up one sweep).
    """

    def __init__(self, description: str, total: int = 1) -> None:
        self.widget = widgets.IntProgress(value=0, min=0, max=max(int(total), 1), description=description,
                                          style={"description_width": "initial"},
                                          layout=widgets.Layout(width="560px"))
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        self.widget.max, self.widget.value = max(int(total), 1), int(done)
        if done >= total:
            self.widget.bar_style = "success"

    def tick(self, k: int = 1) -> None:
        """Advance by ``k`` (for a sweep of several calls with a known total)."""
        self._done += k
        self(self._done, self.widget.max)


def progress_bar(description: str, total: int = 1) -> ProgressBar:
    """Show a :class:`ProgressBar` in the notebook and return it (pass it as ``progress=``)."""
    from IPython.display import display

    bar = ProgressBar(description, total)
    display(bar.widget)
    return bar


# ----------------------------------------------------------------------------- plot_*


def plot_training_curves(trajectories: Mapping[str, Any], *, ax=None, title: str | None = None) -> dict:
    r"""Exact objective :math:`\mathbb{E} f(z)` against the step, one colour per estimator; the optimum dashed.

    Parameters
    ----------
    trajectories : mapping of estimator name to :class:`~gumbel_utils.training.Trajectory`
        Several runs each: the median over runs is the line, the band spans the runs.
    ax : Axes, optional
    title : str, optional

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
        ax.legend(loc="upper center", ncol=3, **_LEGEND)
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
    ax, title, labels
        As usual.

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
        ax.legend(loc="upper center", ncol=3, **_LEGEND)
    return out


def plot_relaxed_minimizer(taus: ArrayLike, p_star: Mapping[float, ArrayLike], *, ax=None,
                           title: str | None = None) -> dict:
    r"""The exact minimiser :math:`p^* = \sigma(\theta^*)` of the relaxed toy objective against :math:`\tau`.

    Parameters
    ----------
    taus : array_like (T,)
    p_star : mapping of t to array (T,)
        :func:`~gumbel_utils.relaxed_toy.relaxed_toy_minimizer` at each tau.

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
        ax.legend(loc="upper center", ncol=2 if len(p_star) > 1 else 1, **_LEGEND)
    return out


def plot_relaxed_objective(p: ArrayLike, relaxed: ArrayLike, true: ArrayLike, p_star: float, *, t: float,
                           tau: float, ax=None) -> dict:
    r"""The relaxed objective :math:`R_\tau` and the true :math:`t^2 + p(1 - 2t)` against :math:`p = \sigma(\theta)`.

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
        ax.legend(loc="upper left", **_LEGEND)
    return {"relaxed": rel, "true": tru, "p_star": star, "truth": truth, "title": title}


def plot_rebar_bias(results: Mapping[str, Any], *, component: int = 0, ax=None) -> dict:
    r"""Bias of component ``component`` (with 2-standard-error bars) against :math:`\tau`, one series per estimator.

    Parameters
    ----------
    results : mapping of estimator name to :class:`~gumbel_utils.gradient_stats.BiasVariance` over a tau grid.

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
        ax.legend(loc="best", **_LEGEND)
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
        ax_t.legend(loc="upper right", **_LEGEND)
        vb = r.var_a[i] + 2 * etas * r.cov_ab[i] + etas**2 * r.var_b[i]
        (out["parabola"],) = ax_e.plot(etas, vb, color=sky, label="REBAR")
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
        ax_e.legend(loc="upper left", **_LEGEND)
    return out


def plot_schedule(steps: ArrayLike, schedules: Mapping[str, ArrayLike], *, ax=None) -> dict:
    r"""Temperature schedules :math:`\tau_t` against the step (log :math:`\tau` axis).

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
        ax.legend(loc="upper right", **_LEGEND)
    return out


def plot_batch_tau(taus: ArrayLike, final: Mapping[int, ArrayLike], *, tau_star: Mapping[int, float] | None = None,
                   ax=None) -> dict:
    r"""Final exact objective gap against a fixed :math:`\tau`, one curve per batch size n (mean over runs).

    Parameters
    ----------
    taus : (T,)
    final : mapping of n to array (T, R)
        Gap to the optimum at the end of each run (R runs per tau).
    tau_star : mapping of n to float, optional
        Notebook 3's MSE-optimal tau of the gradient at the start, for the same n (triangles on the axis).

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
            g = np.asarray(gaps, dtype=float)
            mean = g.mean(axis=1)
            se = g.std(axis=1, ddof=1) / np.sqrt(g.shape[1])
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
        ax.legend(loc="upper center", ncol=3, **_LEGEND)
    return out


def plot_logit_scale(steps: ArrayLike, norm: Mapping[str, ArrayLike], near_one_hot: Mapping[str, ArrayLike], *,
                     axes=None) -> dict:
    """Logit norm (left) and fraction of near-one-hot relaxed samples (right) against the step, one line per run.

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
        ax_n.legend(loc="upper left", **_LEGEND)
    return out


# ----------------------------------------------------------------------------- explorers


def _sci(v: float) -> str:
    r"""``v`` in mathtext: 0.05, 10^{-5} or 2.5{\times}10^{-3}."""
    if 1e-2 <= v < 1e3:
        return f"{v:.3g}"
    mantissa, exponent = f"{v:.1e}".split("e")
    head = "" if mantissa == "1.0" else mantissa.rstrip("0").rstrip(".") + r"{\times}"
    return f"{head}10^{{{int(exponent)}}}"


def _tau_arg(tau: Any, name: str = "tau") -> float:
    t = check_tau(tau, name)
    if np.ndim(t):
        raise ValueError(f"{name} must be one temperature")
    return float(t)


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
    tau, seed = _tau_arg(tau), check_seed(seed)
    lr = check_in_range(lr, 1e-6, 10.0, "lr")
    ns = [1, 2, 4, 8, 16, 32, 64]
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    if n not in ns:
        raise ValueError(f"n must be one of {ns}, got {n}")
    steps = int(check_in_range(steps, 10, 1000, "steps"))
    names = list(training_estimator_names() if estimators is None else estimators)
    for name in names:
        check_choice(name, training_estimator_names(), "estimator")
    fig, ax = new_figure(figsize=(8.4, 4.5))
    fv = {k: vertex_values(f, 3) for k, f in OBJECTIVES.items()}
    cache = _Cache()

    def run(obj: str, tau_: float, lr_: float, n_: int) -> dict:
        f = OBJECTIVES[obj]
        return {name: train(name, f, np.zeros(3), steps=steps, lr=lr_, n=n_, tau=tau_, seed=seed)
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
            f"{training_estimator(k).label} {v - opt:.3f}" for k, v in state["final"].items())
                + f" (best: {training_estimator(best).label})")

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
def _toy_table(t: float, taus: tuple[float, ...], p_grid: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """p*(tau) and R_tau(p) on the grids, for one t (cached: the explorer's precomputation)."""
    theta = np.log(np.asarray(p_grid)) - np.log1p(-np.asarray(p_grid))
    p_star = np.array([relaxed_toy_minimizer(t, tau) for tau in taus])
    curves = relaxed_toy_objective(theta[None, :], t, np.asarray(taus)[:, None])
    return p_star, curves


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
    if isinstance(t, bool) or not isinstance(t, (int, float)):
        raise TypeError(f"t must be a number, got {type(t).__name__}")
    if t not in ts:
        raise ValueError(f"t must be one of {ts}, got {t!r}")
    tau, _ = _tau_arg(tau), check_seed(seed)
    lo_e, hi_e = widened_log_range(tau, -2.0, 1.0)
    exps = np.arange(lo_e, hi_e + 1e-9, 0.125)
    taus = tuple(float(v) for v in 10.0**exps)
    p_grid = tuple(np.linspace(0.0005, 0.9995, 161))
    pg = np.asarray(p_grid)
    fig, (ax_o, ax_p) = new_figure(1, 2, figsize=(8.4, 4.2), gridspec_kw={"width_ratios": [1.15, 1.0]})
    p_star, curves = _toy_table(float(t), taus, p_grid)
    i0 = int(np.argmin(np.abs(np.log(np.asarray(taus) / tau))))
    art = plot_relaxed_objective(pg, curves[i0], toy_objective_exact(np.log(pg / (1 - pg)), t), p_star[i0], t=t,
                                 tau=taus[i0], ax=ax_o)
    ax_o.set_ylim(0.0, 0.52)
    curve_art = plot_relaxed_minimizer(taus, {t: p_star}, ax=ax_p, title=r"$p^*$ against $\tau$")
    with course_style():
        cursor = ax_p.axvline(taus[i0], color=PALETTE["black"], lw=1.2)
        ax_p.legend(loc="upper left", **_LEGEND)
    line, thr = curve_art[t]["line"], curve_art[t]["threshold"]
    state: dict[str, Any] = {"taus": np.asarray(taus), "p": pg}

    def update(tau: float, t: float) -> str:
        p_star, curves = _toy_table(float(t), taus, p_grid)
        k = int(np.argmin(np.abs(np.log(np.asarray(taus) / tau))))
        if abs(np.log(taus[k] / tau)) > 1e-9:  # off the slider's grid (set by code): compute it exactly
            ps = relaxed_toy_minimizer(t, tau)
            rel = relaxed_toy_objective(np.log(pg / (1 - pg)), t, tau)
        else:
            ps, rel = float(p_star[k]), curves[k]
        true = toy_objective_exact(np.log(pg / (1 - pg)), t)
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
    v = r.var_a[:, None] + 2 * etas[None, :] * r.cov_ab[:, None] + etas[None, :] ** 2 * r.var_b[:, None]
    lo = min(float(v.min()), float(r.variance_opt.min()), r.score_variance)
    return max(lo, 1e-6) / 1.6, float(v.max()) * 1.6


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
    tau, seed = _tau_arg(tau), check_seed(seed)
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
        par = r.var_a[i] + 2 * etas * r.cov_ab[i] + etas**2 * r.var_b[i]
        art["parabola"].set_ydata(par)
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
    tau0, tau_min = _tau_arg(tau0, "tau0"), _tau_arg(tau_min, "tau_min")
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
        tr = train_toy("gumbel_softmax_grad", t, steps=steps, lr=lr, n=n, tau=sched, seed=seed)
        tau_s = sched(s)
        distinct, where = np.unique(tau_s, return_inverse=True)
        return tr, tau_s, relaxed_toy_minimizer(t, distinct)[where]  # p*(tau_t), one vectorised quadrature

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
        ax_p.legend(loc="upper right", **_LEGEND)
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

