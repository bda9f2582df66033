"""Notebook 4: REBAR is unbiased at every temperature; its variance depends on tau and on eta.

The figure family of REBAR: :func:`explore_rebar_variance` and the panel it drives,
:func:`plot_rebar_variance` (the variance against tau and against eta, next to the score function),
with the static :func:`plot_rebar_bias` (its bias, with error bars, next to the relaxed estimator's).
Every number drawn comes from :func:`~gumbel_utils.training_stats.rebar_eta_variance` and
:mod:`gumbel_utils.gradient_stats`; REBAR and the score functions have their registered styles.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_choice, check_tau
from ..objectives import OBJECTIVES
from ..training_stats import rebar_eta_variance
from ._args import check_in_range, check_logit_vector, check_seed
from ._cache import LruCache
from .controls import Choice, LogTau, Slider, make_controls
from .explorer import Explorer, records_call
from .style import (LEGEND_STYLE, PALETTE, course_style, estimator_label, estimator_style, new_figure, plain_log_labels,
                    pyplot_axes, pyplot_figure)

__all__ = ["plot_rebar_bias", "plot_rebar_variance", "explore_rebar_variance"]


def plot_rebar_bias(results: Mapping[str, Any], *, component: int = 0, ax=None) -> dict:
    r"""Bias of component ``component`` (with 2-standard-error bars) against :math:`\tau`, one series per estimator.

    Parameters
    ----------
    results : mapping of estimator name to :class:`~gumbel_utils.gradient_stats.BiasVariance` over a tau grid
        One series each, in the registry's colour, line style and marker.
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
            shift = 1.0 + 0.04 * (i - (len(results) - 1) / 2)  # side by side on the log axis
            out[name] = ax.errorbar(np.asarray(r.tau) * shift, r.bias[:, component], yerr=2 * r.bias_se[:, component],
                                    ms=7, capsize=3, lw=1.6, label=estimator_label(name), **estimator_style(name))
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
    rebar, score, base = (estimator_style(n) for n in ("rebar", "score_function", "score_function_baseline"))
    sky, orange = rebar["color"], score["color"]
    out: dict[str, Any] = {}
    with course_style():
        # the registry's REBAR style for the fixed eta; the best eta* solid, without markers; the score
        # functions in their registered colours and line styles
        (out["fixed"],) = ax_t.plot(taus, r.variance_at(eta), ms=6, label=fixed_label or rf"REBAR, $\eta$ = {eta:g}",
                                    **rebar)
        (out["optimal"],) = ax_t.plot(taus, r.variance_opt, color=sky, ls="-", label=r"REBAR, best $\eta^*(\tau)$")
        out["score"] = ax_t.axhline(r.score_variance, color=orange, ls=score["linestyle"], lw=2.2,
                                    label=r"score function ($\eta$ = 0)")
        if baseline is not None:
            out["baseline"] = ax_t.axhline(baseline, color=base["color"], lw=2.2, ls=base["linestyle"],
                                           label="score fn. + baseline")
        out["cursor"] = ax_t.axvline(taus[i], color=PALETTE["black"], lw=1.0, ls=":")
        ax_t.set_xscale("log")
        ax_t.set_yscale("log")
        ax_t.set_xlabel(r"temperature $\tau$")
        ax_t.set_ylabel(r"variance tr Cov($\hat g$)")
        ax_t.set_title("against τ")
        ax_t.legend(loc="upper right", **LEGEND_STYLE)
        (out["parabola"],) = ax_e.plot(etas, r.variance_at(etas)[i], color=sky, ls=rebar["linestyle"], label="REBAR")
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
        plain_log_labels(ax_e)
        ax_e.legend(loc="upper left", **LEGEND_STYLE)
    return out


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
        Starting temperature (the temperature slider over 0.01..10, widened to hold it; the estimates
        are drawn at every position of the slider).
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
    tau_slider = LogTau(tau)
    taus = np.asarray(tau_slider.options())  # REBAR's estimates at every position of the slider
    cache = LruCache(4)

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
            plain_log_labels(ax_e)  # decade labels only once the axis spans a decade (it does now)
            state["limits_for"] = r
        state.update(result=r, tau=float(r.tau[i]), eta=eta, variance=float(var_eta[i]),
                     score_variance=r.score_variance)
        verdict = "lower" if var_eta[i] < r.score_variance else "HIGHER"
        return (f"τ = {r.tau[i]:.3g}, η = {eta:g}: REBAR variance {var_eta[i]:.3f}, {verdict} than the score "
                f"function's {r.score_variance:.3f}; best η* = {r.eta_opt[i]:.2f} gives {r.variance_opt[i]:.3f}")

    controls = make_controls(
        tau=tau_slider,
        eta=Slider(eta, -0.5, 2.5, step=0.05, label="η", name="control-variate weight eta", fmt=".2f"),
        objective=Choice(list(OBJECTIVES), objective, label="f", name="objective f"),
    )
    dynamic = [art[k] for k in ("fixed", "optimal", "score", "cursor", "parabola", "score_point", "eta_mark",
                                "eta_opt", "right_title")]
    return Explorer(fig, controls, update, artists=art, state=state, dynamic=dynamic,
                    background_key=lambda: (ax_t.get_ylim(), ax_e.get_ylim()), live_recompute={"objective"},
                    busy_message="drawing REBAR estimates for the new objective…")
