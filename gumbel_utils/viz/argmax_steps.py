"""Notebook 3: the argmax is a staircase in the logits; its relaxation is smooth, and its mean has its own slope.

The figure family of the argmax steps: :func:`explore_argmax_steps` and the panel it drives,
:func:`plot_argmax_steps`. Every curve is :func:`~gumbel_utils.objectives.argmax_objective_curves`
or :func:`~gumbel_utils.objectives.relaxed_objective_curve`; the exact value and slope are
:func:`~gumbel_utils.objectives.expected_value` and :func:`~gumbel_utils.objectives.exact_gradient`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_choice
from ..objectives import (OBJECTIVES, RelaxedCurve, argmax_objective_curves, exact_gradient, expected_value,
                          relaxed_objective_curve)
from ..sampling import sample_gumbel
from ._args import check_in_range, check_logit_vector, check_seed
from .controls import Choice, LogTau, make_controls
from .explorer import Explorer, axes_key, records_call
from .style import CATEGORY_COLORS, PALETTE, course_style, new_figure, pyplot_axes

__all__ = ["argmax_steps_ylim", "plot_argmax_steps", "explore_argmax_steps"]


def _objective(objective: Any) -> tuple[str, Any]:
    name = check_choice(objective, OBJECTIVES, "objective")
    return name, OBJECTIVES[name]


def plot_argmax_steps(logits: ArrayLike, f: Any, noise: ArrayLike, grid: ArrayLike, *, k: int = 0, tau: float = 0.3,
                      ax=None, relaxed: RelaxedCurve | None = None) -> dict:
    r"""f at the Gumbel-max sample as one logit :math:`x_k` moves, with the noise held fixed.

    Draws :func:`~gumbel_utils.objectives.argmax_objective_curves` against :math:`x_k`:
    :math:`f(\operatorname{onehot}(\arg\max(x + g)))` for each fixed noise (flat steps:
    derivative 0 almost everywhere), the relaxed :math:`f(\operatorname{softmax}((x+g)/\tau))`
    for the same noises (dashed, smooth), the expectation :math:`\mathbb{E} f(z)` (black) and
    its tangent with the exact slope; optionally the relaxed objective
    :math:`\mathbb{E}_g f(\operatorname{softmax}((x+g)/\tau))` averaged over many noises
    (:func:`~gumbel_utils.objectives.relaxed_objective_curve`, dash-dotted): the relaxed
    estimator follows *its* slope, so the bias is the difference of the two slopes.
    The legend sits in a band reserved above the curves.

    Parameters
    ----------
    logits : array_like, shape (K,)
        The logits x.
    f : objective
        Anything with ``value(z)`` and ``grad(z)``.
    noise : array_like, shape (R, K)
        R fixed Gumbel draws (one staircase each).
    grid : array_like
        Values of the moving logit :math:`x_k`.
    k : int, optional
        Which logit moves.
    tau : float, optional
        Temperature of the relaxed curves.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).
    relaxed : RelaxedCurve, optional
        The averaged relaxed objective to draw (its ``grid`` may be coarser than ``grid``).

    Returns
    -------
    dict
        ``hard``, ``soft`` (lists of Line2D), ``mean``, ``tangent``, ``point``, ``relaxed`` (Line2D;
        empty when ``relaxed`` is None, so that an explorer can fill it later).
    """
    x = np.asarray(logits, dtype=float)
    grid = np.asarray(grid, dtype=float)
    hard, soft, mean = argmax_objective_curves(x, f, noise, grid, k=k, tau=tau)
    ax = pyplot_axes(ax, figsize=(8.4, 4.2))
    colors = [PALETTE["sky"], PALETTE["orange"], PALETTE["purple"], PALETTE["green"]]
    with course_style():
        hard_lines = [ax.plot(grid, h, color=colors[i % 4], lw=2.5, alpha=0.9,
                              label="f(one-hot argmax(x + g))" if i == 0 else None)[0] for i, h in enumerate(hard)]
        soft_lines = [ax.plot(grid, s, color=colors[i % 4], lw=1.6, ls="--",
                              label="f(softmax((x + g)/τ))" if i == 0 else None)[0] for i, s in enumerate(soft)]
        (mean_line,) = ax.plot(grid, mean, color=PALETTE["black"], lw=2.8, label="E f(z), z ~ Cat(p)")
        slope, e0 = exact_gradient(x, f)[k], expected_value(x, f)
        (tangent,) = ax.plot(grid, e0 + slope * (grid - x[k]), color=PALETTE["black"], lw=1.2, ls=":",
                             label="exact slope")
        (point,) = ax.plot([x[k]], [e0], "o", color=PALETTE["black"])
        rx, ry = ([], []) if relaxed is None else (relaxed.grid, relaxed.value)
        (relaxed_line,) = ax.plot(rx, ry, color=PALETTE["vermillion"], lw=2.6, ls="-.",
                                  label="E_g f(softmax((x + g)/τ))")
        ax.set_xlabel(f"logit $x_{k + 1}$ (others fixed)")
        ax.set_ylabel("objective $f$")
        ax.set_title("argmax: flat steps, zero gradient almost everywhere")
        lo, hi = min(hard.min(), mean.min(), soft.min()), max(hard.max(), mean.max(), soft.max())
        ax.set_ylim(*argmax_steps_ylim(lo, hi))
        ax.legend(loc="upper center", ncols=3, fontsize=11, frameon=False, columnspacing=1.0, handlelength=1.8)
    return {"hard": hard_lines, "soft": soft_lines, "mean": mean_line, "tangent": tangent, "point": point,
            "relaxed": relaxed_line}


def argmax_steps_ylim(lo: float, hi: float) -> tuple[float, float]:
    """The y range of :func:`plot_argmax_steps` for curves in ``[lo, hi]``: a margin, and a band on top for the legend.

    Parameters
    ----------
    lo, hi : float
        The lowest and highest value drawn.
    """
    span = hi - lo + 1e-9
    return lo - 0.08 * span, hi + 0.45 * span


@records_call
def explore_argmax_steps(logits: ArrayLike = (1.0, 0.5, 0.0), objective: str = "cubic", *, tau: float = 0.3,
                         seed: int = 0, n_average: int = 500) -> Explorer:
    """Live: move the temperature and watch the relaxed curves smooth the argmax steps.

    Three fixed noises (the first rows of ``sample_gumbel((3 + n_average, K), rng=seed)``,
    so the same three as ``sample_gumbel((3, K), rng=seed)``); the first logit moves over
    ``x_1 ± 3``. The dash-dotted curve is the relaxed objective averaged over the other
    ``n_average`` noises (:func:`~gumbel_utils.objectives.relaxed_objective_curve`, on 61
    points): its slope is the relaxed estimator's mean, so the gap between its slope and
    the black curve's is the bias. The y range holds the curves of every objective at
    every temperature of the slider, so the axes are drawn once (a cached background).

    Parameters
    ----------
    logits : array_like, shape (K,), 2 <= K <= 7, optional
        The logits x.
    objective : str, optional
        A name in :data:`~gumbel_utils.objectives.OBJECTIVES` (ValueError listing them otherwise).
    tau : float, optional
        Starting temperature (slider over 0.01..10, widened to hold it).
    seed : int, optional
        Seed of the noises.
    n_average : int, optional
        Noises of the averaged relaxed curve (100 to 5,000; 500 keeps a redraw within 30 ms).

    Returns
    -------
    Explorer
        Controls ``tau`` and ``objective``; artists as :func:`plot_argmax_steps`;
        state ``noise``, ``grid``, ``hard``, ``soft``, ``mean``, ``slope``, ``relaxed``
        (the :class:`~gumbel_utils.objectives.RelaxedCurve` drawn).
    """
    x = check_logit_vector(logits, (2, len(CATEGORY_COLORS)))
    objective, f0 = _objective(objective)
    tau = check_in_range(tau, 1e-6, 1e6, "tau")
    n_average = int(check_in_range(n_average, 100, 5000, "n_average"))
    noise_all = sample_gumbel((3 + n_average, x.size), rng=check_seed(seed))
    g, g_average = noise_all[:3], noise_all[3:]
    grid = np.linspace(x[0] - 3.0, x[0] + 3.0, 601)
    coarse = grid[::10]  # 61 points, x_1 itself at index 30
    fig, ax = new_figure(figsize=(8.4, 4.2))
    art = plot_argmax_steps(x, f0, g, grid, tau=tau, ax=ax,
                            relaxed=relaxed_objective_curve(x, f0, g_average, coarse, tau=tau))
    tau_slider = LogTau(tau)
    controls = make_controls(tau=tau_slider, objective=Choice(list(OBJECTIVES), objective, label="f",
                                                              name="objective f"))
    taus = tau_slider.options()
    # One y range for every objective and temperature of the controls: the axes stay a cached background.
    curves = [c for f in OBJECTIVES.values() for t in np.geomspace(taus[0], taus[-1], 7)
              for c in argmax_objective_curves(x, f, g, grid, tau=t)]
    y_lo, y_hi = min(float(np.min(c)) for c in curves), max(float(np.max(c)) for c in curves)
    ax.set_ylim(*argmax_steps_ylim(y_lo, y_hi))
    state: dict = {"noise": g, "grid": grid}

    def update(tau, objective):
        f = OBJECTIVES[objective]
        hard, soft, mean = argmax_objective_curves(x, f, g, grid, tau=tau)
        for line, h in zip(art["hard"], hard):
            line.set_ydata(h)
        for line, s in zip(art["soft"], soft):
            line.set_ydata(s)
        art["mean"].set_ydata(mean)
        e0, slope = expected_value(x, f), exact_gradient(x, f)[0]
        art["tangent"].set_ydata(e0 + slope * (grid - x[0]))
        art["point"].set_ydata([e0])
        relaxed = relaxed_objective_curve(x, f, g_average, coarse, tau=tau)
        art["relaxed"].set_data(relaxed.grid, relaxed.value)
        state.update(hard=hard, soft=soft, mean=mean, slope=slope, relaxed=relaxed)
        return (f"τ = {tau:.3g}, at x₁ = {x[0]:g}: exact slope ∂E f/∂x₁ = {slope:.3f}; slope of the averaged relaxed "
                f"curve (the relaxed estimator's mean) = {relaxed.slope[30]:.3f} ± {relaxed.slope_se[30]:.3f}")

    dynamic = [*art["hard"], *art["soft"], art["mean"], art["tangent"], art["point"], art["relaxed"]]
    return Explorer(fig, controls, update, artists=art, state=state, dynamic=dynamic, background_key=axes_key(ax))
