"""Figures of Notebook 3: gradient estimators measured against the exact gradient.

``plot_*`` draw one view on an Axes and return their artists; ``explore_*``
build a live figure (an :class:`~gumbel_utils.viz.explorer.Explorer`) whose
controls only update those artists. All numbers come from
:mod:`gumbel_utils.estimators`.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import ipywidgets as widgets
import numpy as np

from .. import estimators as E
from ..concrete import one_hot
from ..numerics import softmax
from ..sampling import sample_gumbel
from .explorer import Explorer
from .style import PALETTE, course_style, new_figure, pyplot_axes

__all__ = [
    "ESTIMATOR_COLORS",
    "plot_argmax_steps",
    "plot_running_mean",
    "plot_estimate_histogram",
    "plot_estimate_histograms",
    "plot_bias_variance",
    "plot_relative_bias",
    "plot_conditional_check",
    "plot_k2_exact",
    "explore_argmax_steps",
    "explore_estimate_histogram",
    "explore_bias_variance",
]

#: One colour per estimator (Okabe-Ito), used by every figure of the notebook.
ESTIMATOR_COLORS = {
    "score_function": PALETTE["orange"],
    "score_function_baseline": PALETTE["purple"],
    "gumbel_softmax_grad": PALETTE["blue"],
    "straight_through": PALETTE["vermillion"],
    "gumbel_rao": PALETTE["green"],
}

#: Conditional noises per sample of the Gumbel-Rao estimates in :func:`explore_estimate_histogram`.
RAO_M = 10
_LOG_BINS = np.linspace(-6.0, 4.0, 51)  # log10 |estimate| bins of the histograms


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _decade_label(value: float, _pos=None) -> str:
    """``10⁻²`` in plain Unicode: as readable as mathtext and several times cheaper to draw."""
    if value <= 0:
        return ""
    e = np.log10(value)
    if abs(e - round(e)) > 1e-6:
        return ""
    return "1" if round(e) == 0 else "10" + str(int(round(e))).translate(_SUPERSCRIPT)


def _no_minor_ticks(ax) -> None:
    """Log axes with decade labels in plain text and no minor ticks (halves the redraw time of a live figure)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
        axis.set_minor_locator(NullLocator())
        if scale == "log":
            axis.set_major_locator(LogLocator(base=10, numticks=8))
            axis.set_major_formatter(FuncFormatter(_decade_label))


def _label(name: str, labels: Mapping[str, str] | None = None) -> str:
    if labels and name in labels:
        return labels[name]
    return E.ESTIMATOR_LABELS.get(name, name)


def _color(name: str, colors: Mapping[str, str] | None = None) -> str:
    if colors and name in colors:
        return colors[name]
    return ESTIMATOR_COLORS.get(name, PALETTE["black"])


def _band_verts(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Polygon of a band between ``lo`` and ``hi`` (for ``PolyCollection.set_verts``)."""
    return np.concatenate([np.stack([x, lo], 1), np.stack([x[::-1], hi[::-1]], 1)])


def _positive_band(y: np.ndarray, se: np.ndarray, k: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """``y +- k se`` clipped to stay positive (for log axes)."""
    lo = np.maximum(y - k * se, y / 10.0)
    return np.maximum(lo, 1e-300), np.maximum(y + k * se, 1e-300)


# ----------------------------------------------------------------------------- 1. argmax steps


def _argmax_curves(logits, f, k, grid, g, tau):
    """f(argmax), f(softmax((x+g)/tau)) for each noise row, and E f(z), as the k-th logit moves."""
    x = np.broadcast_to(np.asarray(logits, float), (grid.size, len(logits))).copy()
    x[:, k] = grid
    pert = x[None] + g[:, None, :]  # (noise, grid, K)
    hard = f.value(one_hot(pert.argmax(-1), x.shape[1]))
    soft = f.value(softmax(pert / tau))
    mean = softmax(x) @ f.vertex_values(x.shape[1])
    return hard, soft, mean


def plot_argmax_steps(logits=(1.0, 0.5, 0.0), f=None, *, k: int = 0, tau: float = 0.3, noises: int = 3,
                      span: float = 3.0, rng=0, ax=None) -> dict:
    r"""f at the Gumbel-max sample as one logit :math:`x_k` moves, with the noise held fixed.

    Draws, against :math:`x_k`: :math:`f(\operatorname{onehot}(\arg\max(x + g)))` for a few
    fixed noises (flat steps: derivative 0 almost everywhere), the relaxed
    :math:`f(\operatorname{softmax}((x+g)/\tau))` for the same noises (dashed, smooth), the
    expectation :math:`\mathbb{E} f(z)` (black) and its tangent with the exact slope.
    """
    f = E.Linear() if f is None else f
    ax = pyplot_axes(ax)
    x = np.asarray(logits, dtype=float)
    grid = np.linspace(x[k] - span, x[k] + span, 601)
    g = sample_gumbel((noises, x.size), rng=rng)
    hard, soft, mean = _argmax_curves(x, f, k, grid, g, tau)
    colors = [PALETTE["sky"], PALETTE["orange"], PALETTE["purple"], PALETTE["green"]]
    with course_style():
        hard_lines = [ax.plot(grid, hard[i], color=colors[i % 4], lw=2.5, alpha=0.9,
                              label="f(one-hot argmax(x + g))" if i == 0 else None)[0]
                      for i in range(noises)]
        soft_lines = [ax.plot(grid, soft[i], color=colors[i % 4], lw=1.6, ls="--",
                              label="f(softmax((x + g)/τ))" if i == 0 else None)[0]
                      for i in range(noises)]
        (mean_line,) = ax.plot(grid, mean, color=PALETTE["black"], lw=2.8, label="E f(z), z ~ Cat(p)")
        slope = E.exact_gradient(x, f)[k]
        e0 = E.expected_value(x, f)
        (tangent,) = ax.plot(grid, e0 + slope * (grid - x[k]), color=PALETTE["black"], lw=1.2, ls=":",
                             label="exact slope")
        (point,) = ax.plot([x[k]], [e0], "o", color=PALETTE["black"])
        ax.set_xlabel(f"logit $x_{k + 1}$ (others fixed)")
        ax.set_ylabel("objective $f$")
        ax.set_title("argmax: flat steps, zero gradient almost everywhere")
        lo, hi = min(hard.min(), mean.min()), max(hard.max(), mean.max())
        pad = 0.1 * (hi - lo + 1e-9)
        ax.set_ylim(lo - pad, hi + pad)
        ax.legend(loc="upper left", fontsize=10)
    return {"hard": hard_lines, "soft": soft_lines, "mean": mean_line, "tangent": tangent, "point": point,
            "grid": grid, "noise": g}


def explore_argmax_steps(logits=(1.0, 0.5, 0.0), objective: str = "cubic", *, rng=0) -> Explorer:
    """Live: move the temperature and watch the relaxed curves smooth the argmax steps."""
    x = np.asarray(logits, dtype=float)
    fig, ax = new_figure(figsize=(9.0, 4.8))
    art = plot_argmax_steps(x, E.OBJECTIVES[objective], tau=0.3, rng=rng, ax=ax)
    controls = {
        "tau": widgets.FloatLogSlider(value=0.3, base=10, min=-2, max=1, step=0.05, description="τ"),
        "objective": widgets.Dropdown(options=list(E.OBJECTIVES), value=objective, description="f"),
    }

    def update(tau, objective):
        f = E.OBJECTIVES[objective]
        hard, soft, mean = _argmax_curves(x, f, 0, art["grid"], art["noise"], tau)
        for line, h, s in zip(art["hard"], hard, soft):
            line.set_ydata(h)
        for line, s in zip(art["soft"], soft):
            line.set_ydata(s)
        art["mean"].set_ydata(mean)
        e0, slope = E.expected_value(x, f), E.exact_gradient(x, f)[0]
        art["tangent"].set_ydata(e0 + slope * (art["grid"] - x[0]))
        art["point"].set_ydata([e0])
        lo, hi = min(hard.min(), soft.min(), mean.min()), max(hard.max(), soft.max(), mean.max())
        pad = 0.1 * (hi - lo + 1e-9)
        ax.set_ylim(lo - pad, hi + pad)
        return f"τ = {tau:.3g}: exact ∂E f/∂x₁ = {slope:.3f}; the steps have slope 0 between their jumps"

    return Explorer(fig, controls, update, artists=art)


# ----------------------------------------------------------------------------- 2. running means


def plot_running_mean(estimates: Mapping[str, np.ndarray], exact: np.ndarray, *, component: int = 0,
                      ax=None, labels=None) -> dict:
    r"""Running mean of component ``component`` of single-sample estimates, with a band of 2 standard errors.

    ``estimates`` maps an estimator name to its (N, K) estimates. The band is
    :math:`\pm 2\,\hat\sigma_N/\sqrt{N}` from the running standard deviation; the
    exact gradient is the dashed line.
    """
    ax = pyplot_axes(ax)
    out = {}
    with course_style():
        for name, g in estimates.items():
            v = np.asarray(g)[:, component]
            n = np.arange(1, v.size + 1)
            mean = np.cumsum(v) / n
            var = np.maximum(np.cumsum(v * v) / n - mean**2, 0.0)
            se = np.sqrt(var / n)
            start = 10
            (line,) = ax.plot(n[start:], mean[start:], color=_color(name), label=_label(name, labels))
            band = ax.fill_between(n[start:], (mean - 2 * se)[start:], (mean + 2 * se)[start:],
                                   color=_color(name), alpha=0.25, lw=0)
            out[name] = (line, band)
        out["exact"] = ax.axhline(exact[component], color=PALETTE["black"], ls="--", lw=1.5, label="exact")
        ax.set_xscale("log")
        ax.set_xlabel("number of samples $N$")
        ax.set_ylabel(rf"running mean of $\hat g_{component + 1}$")
        ax.set_title("unbiased: the running mean converges to the exact gradient")
        ax.legend(loc="upper right")
    return out


# ----------------------------------------------------------------------------- 3. histograms


def _log_hist(g: np.ndarray, component: int) -> tuple[np.ndarray, float]:
    """Fractions of estimates per log10|g_k| bin (zeros and tiny values in the first bin) and the zero share."""
    a = np.abs(g[..., component])
    with np.errstate(divide="ignore"):
        la = np.log10(a)
    la = np.clip(la, _LOG_BINS[0], _LOG_BINS[-1] - 1e-9)
    counts, _ = np.histogram(la, bins=_LOG_BINS)
    return counts / a.size, float(np.mean(a < 1e-2))


def plot_estimate_histogram(estimates: np.ndarray, exact: np.ndarray, *, component: int = 0, ax=None,
                            color: str | None = None, label: str | None = None, step: bool = False) -> dict:
    r"""Histogram of :math:`\log_{10}|\hat g_k|` for single-sample estimates (N, K).

    A log axis shows both the many near-zero estimates (left) and the rare huge
    ones (right) that carry the variance. The exact :math:`|\nabla_k|` is a
    dashed line; values below :math:`10^{-6}` (and exact zeros) sit in the first bin.
    """
    ax = pyplot_axes(ax)
    frac, _ = _log_hist(np.asarray(estimates), component)
    centres = 0.5 * (_LOG_BINS[1:] + _LOG_BINS[:-1])
    color = color or PALETTE["blue"]
    with course_style():
        if step:
            bars = ax.stairs(frac, _LOG_BINS, color=color, lw=2.2, label=label)
        else:
            bars = ax.stairs(frac, _LOG_BINS, fill=True, color=color, alpha=0.8, label=label)
        labelled = any(line.get_label().startswith("exact") for line in ax.get_lines())
        exact_line = ax.axvline(np.log10(abs(exact[component]) + 1e-300), color=PALETTE["black"], ls="--", lw=1.5,
                                label=None if labelled else rf"exact $|\nabla_{component + 1}|$")
        ax.set_xlabel(rf"$\log_{{10}} |\hat g_{component + 1}|$ (single-sample estimate)")
        ax.set_ylabel("fraction of estimates")
        ax.set_xlim(_LOG_BINS[0], _LOG_BINS[-1])
    return {"bars": bars, "exact": exact_line, "centres": centres}


def plot_estimate_histograms(logits=(1.0, 0.5, 0.0), f=None, taus=(0.01, 0.1, 1.0), *,
                             names=("gumbel_softmax_grad", "straight_through"), n: int = 20_000, rng=2,
                             axes=None) -> dict:
    r"""One panel per estimator: histograms of :math:`\log_{10}|\hat g_1|` at several temperatures (same noise).

    The fraction axis is logarithmic, so that the rare huge estimates (right) show next to the
    pile of near-zero ones (left).

    Returns the artists and, under ``"table"``, one row per (estimator, tau):
    ``(name, tau, share of |g_1| < 0.01, share of sum |g|^2 in the largest 1 %, max |g_1|)``.
    """
    f = E.Cubic() if f is None else f
    x = np.asarray(logits, dtype=float)
    if axes is None:
        import matplotlib.pyplot as plt

        with course_style():
            _fig, axes = plt.subplots(1, len(names), figsize=(7 * len(names), 4.6), sharey=True)
    exact = E.exact_gradient(x, f)
    colors = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"]]
    table, out = [], {}
    with course_style():
        for ax, name in zip(np.atleast_1d(axes), names):
            g_all = E.ESTIMATORS[name](x, f, n, tau=np.asarray(taus, dtype=float), rng=rng)  # (T, n, K)
            for i, (g, tau) in enumerate(zip(g_all, taus)):
                out[(name, tau)] = plot_estimate_histogram(g, exact, ax=ax, color=colors[i % 4],
                                                           label=f"τ = {tau:g}", step=True)
                a = np.abs(g[:, 0])
                table.append((name, float(tau), float(np.mean(a < 1e-2)), E.tail_share(g), float(a.max())))
            ax.set_title(f"{E.ESTIMATOR_LABELS[name]}: single-sample estimates")
            ax.set_yscale("log")
            ax.set_ylim(0.5 / n, 1.5)
            ax.legend(loc="upper right")
    out["table"] = table
    return out


def explore_estimate_histogram(logits=(1.0, 0.5, 0.0), objective: str = "cubic", *, n: int = 20_000,
                               rng=0) -> Explorer:
    """Live: the distribution of single-sample relaxed / straight-through / Gumbel-Rao estimates as tau moves.

    Controls: ``tau`` (log slider), ``estimator`` and ``objective``. The status line
    gives the share of estimates below 0.01 in size, the share of the second
    moment carried by the largest 1 %, and the mean against the exact value.
    """
    x = np.asarray(logits, dtype=float)
    fig, ax = new_figure(figsize=(9.0, 4.6))
    names = ["gumbel_softmax_grad", "straight_through", "gumbel_rao"]
    f0 = E.OBJECTIVES[objective]
    g0 = E.gumbel_softmax_grad(x, f0, n, tau=0.1, rng=rng)
    art = plot_estimate_histogram(g0, E.exact_gradient(x, f0), ax=ax, color=ESTIMATOR_COLORS[names[0]])
    text = ax.text(0.02, 0.96, "", transform=ax.transAxes, va="top", fontsize=12)
    art["text"] = text
    art["state"] = {}  # the latest estimates and measurements, for tests
    controls = {
        "tau": widgets.FloatLogSlider(value=0.1, base=10, min=-2.5, max=1, step=0.05, description="τ"),
        "estimator": widgets.Dropdown(options=[(E.ESTIMATOR_LABELS[k], k) for k in names], value=names[0],
                                      description="estimator"),
        "objective": widgets.Dropdown(options=list(E.OBJECTIVES), value=objective, description="f"),
    }

    # Gumbel-Rao's tau- and f-independent part, drawn once at build time (~20 ms, more than the
    # rest of a redraw): the argmaxes and the m conditional noises, with the same generator calls
    # in the same order as E.gumbel_rao, so the estimates are identical to E.gumbel_rao(..., rng=rng).
    gen = np.random.default_rng(rng)
    rao_idx = E._perturbed(x, n, gen, None).argmax(axis=-1)
    rao_s = E.conditional_gumbel(x, rao_idx, RAO_M, rng=gen)  # (m, n, K)
    rao_s -= rao_s.max(axis=-1, keepdims=True)
    rao_onehot = np.eye(x.size)[rao_idx]

    def gumbel_rao(f, tau):
        """``E.gumbel_rao(x, f, n, tau=tau, rng=rng, m=RAO_M)``, bit for bit, without redrawing the noise."""
        s = rao_s
        taus = np.array([tau], dtype=float)
        v = np.broadcast_to(f.grad(rao_onehot), s.shape)
        y = E._relaxed_many(s, taus)[0]
        return E._jvp(y, v, taus).mean(axis=0)

    def update(tau, estimator, objective):
        f = E.OBJECTIVES[objective]
        if estimator == "gumbel_rao":
            g = gumbel_rao(f, tau)
        else:
            g = E.ESTIMATORS[estimator](x, f, n, tau=tau, rng=rng)
        frac, small = _log_hist(g, 0)
        color = ESTIMATOR_COLORS[estimator]
        art["bars"].set_data(frac)
        art["bars"].set_facecolor(color)
        ex = E.exact_gradient(x, f)
        art["exact"].set_xdata([np.log10(abs(ex[0]))] * 2)
        ax.set_ylim(0, max(0.05, 1.1 * frac.max()))
        share = E.tail_share(g)
        text.set_text(f"{100 * small:.0f}% of |ĝ₁| < 0.01\nlargest 1% carry {100 * share:.0f}% of Σ|ĝ|²")
        ax.set_title(f"{E.ESTIMATOR_LABELS[estimator]}, τ = {tau:.3g}")
        art["state"].update(estimates=g, small=small, tail_share=share, exact=ex)
        return (f"mean ĝ₁ = {g[:, 0].mean():.3f} ± {g[:, 0].std() / np.sqrt(n):.3f} (exact {ex[0]:.3f}); "
                f"variance tr Σ = {g.var(0).sum():.3g}")

    return Explorer(fig, controls, update, artists=art)


# ----------------------------------------------------------------------------- 4. bias / variance / MSE


def plot_bias_variance(results: Mapping[str, E.BiasVariance], *, batch: int = 1, axes: Sequence | None = None,
                       labels=None, colors=None, show_star: bool = True) -> dict:
    r"""Squared bias, variance and MSE of an n-sample average against tau, log-log, one curve per estimator.

    ``results`` maps a name to a :class:`~gumbel_utils.estimators.BiasVariance`
    over a grid of temperatures. Bands are 2 standard errors. Squared biases below
    twice their Monte Carlo floor (:math:`\operatorname{tr}\Sigma/N`, what an
    unbiased estimator shows) are not drawn: they are not resolved. The MSE-optimal
    tau of each tau-dependent estimator is marked on the MSE panel.
    """
    if axes is None:
        import matplotlib.pyplot as plt

        with course_style():
            _fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
    out: dict = {"lines": {}, "bands": {}, "stars": {}}
    with course_style():
        for name, r in results.items():
            c, lab = _color(name, colors), _label(name, labels)
            for j, ax in enumerate(axes):
                (line,) = ax.plot(r.tau, np.ones_like(r.tau), color=c, label=lab if j == 1 else None)
                band = ax.fill_between(r.tau, np.ones_like(r.tau), np.ones_like(r.tau), color=c, alpha=0.2, lw=0)
                out["lines"][(name, j)] = line
                out["bands"][(name, j)] = band
            (star,) = axes[2].plot([np.nan], [np.nan], marker="*", ms=17, color=c, mec="k", ls="none")
            out["stars"][name] = star
        for ax, title, ylab in zip(
            axes,
            ("squared bias", "variance of one estimate", "MSE of the average"),
            ("‖E ĝ − ∇‖²", "tr Cov(ĝ)", "‖bias‖² + tr Cov / n"),
        ):
            ax.set_xscale("log")
            ax.set_yscale("log")
            _no_minor_ticks(ax)
            ax.set_xlabel("temperature τ")
            ax.set_ylabel(ylab)
            ax.set_title(title)
        fig = axes[0].figure
        if fig.get_layout_engine() is not None and "Constrained" in type(fig.get_layout_engine()).__name__:
            out["legend"] = fig.legend(loc="outside lower center", ncols=min(len(results), 5), fontsize=12)
        else:
            out["legend"] = axes[2].legend(loc="upper right", fontsize=10)
    out["axes"] = list(axes)
    update_bias_variance(out, results, batch=batch, show_star=show_star)
    return out


def update_bias_variance(art: dict, results: Mapping[str, E.BiasVariance], *, batch: int = 1,
                         show_star: bool = True) -> dict:
    """Move the artists of :func:`plot_bias_variance` to new results; returns ``{name: (tau*, mse*)}``."""
    axes = art["axes"]
    lims = [[np.inf, 0.0] for _ in axes]
    stars = {}
    for name, r in results.items():
        resolved = r.bias2 > 2 * r.bias2_floor + 2 * r.bias2_se
        b2 = np.where(resolved, r.bias2, np.nan)
        mse = r.bias2 + r.variance / batch
        mse_se = np.sqrt(r.bias2_se**2 + (r.variance_se / batch) ** 2)
        for j, (y, se) in enumerate(((b2, r.bias2_se), (r.variance, r.variance_se), (mse, mse_se))):
            art["lines"][(name, j)].set_data(r.tau, y)
            ok = np.isfinite(y) & (y > 0)
            lo, hi = _positive_band(np.where(ok, y, 1e-300), se)
            lo, hi = np.where(ok, lo, np.nan), np.where(ok, hi, np.nan)
            verts = _band_verts(r.tau[ok], lo[ok], hi[ok]) if ok.any() else np.zeros((0, 2))
            art["bands"][(name, j)].set_verts([verts])
            if ok.any():
                lims[j][0] = min(lims[j][0], np.nanmin(y[ok]))
                lims[j][1] = max(lims[j][1], np.nanmax(y[ok]))
        star = art["stars"][name]
        tau_dependent = name in E.TAU_DEPENDENT or (name not in E.ESTIMATORS and np.ptp(r.variance) > 0)
        if show_star and tau_dependent:
            i = int(np.nanargmin(mse))
            star.set_data([r.tau[i]], [mse[i]])
            stars[name] = (float(r.tau[i]), float(mse[i]))
        else:
            star.set_data([np.nan], [np.nan])
    for ax, (lo, hi) in zip(axes, lims):
        if np.isfinite(lo) and hi > 0:
            ax.set_ylim(lo / 3, hi * 3)
        r0 = next(iter(results.values()))
        ax.set_xlim(r0.tau.min(), r0.tau.max())
    return stars


def explore_bias_variance(logits=(1.0, 0.5, 0.0), objective: str = "cubic", *, taus=None,
                          n_samples: int = 20_000, rng=0, m: int = 10) -> Explorer:
    """Live: bias^2, variance and MSE against tau for all five estimators, K = 3.

    Controls: the first two logits (the third is 0), the objective and the batch
    size n of the MSE. A logit or objective change reruns the whole sweep
    (5 estimators x 25 temperatures x ``n_samples``; under a second, with a busy
    message; sliders act on release); a change of n only rescales the variance,
    so the stars marking the MSE-optimal tau move instantly.
    """
    taus = np.geomspace(0.01, 10.0, 25) if taus is None else np.asarray(taus, dtype=float)
    x0 = np.asarray(logits, dtype=float)
    fig, axes = new_figure(1, 3, figsize=(15.0, 4.8))
    cache: dict = {}

    def results_for(x1, x2, objective):
        key = (round(x1, 6), round(x2, 6), objective)
        if key not in cache:
            cache.clear()
            x = np.array([x1, x2, x0[2]])
            cache[key] = E.sweep(x, E.OBJECTIVES[objective], taus, n_samples=n_samples, rng=rng, m=m)
        return cache[key]

    art = plot_bias_variance(results_for(x0[0], x0[1], objective), axes=axes)
    slider = dict(min=-3.0, max=3.0, step=0.25, continuous_update=False)
    controls = {
        "x1": widgets.FloatSlider(value=float(x0[0]), description="x₁", **slider),
        "x2": widgets.FloatSlider(value=float(x0[1]), description="x₂", **slider),
        "objective": widgets.Dropdown(options=list(E.OBJECTIVES), value=objective, description="f"),
        "n": widgets.SelectionSlider(options=[1, 3, 10, 30, 100, 300, 1000], value=1, description="batch n",
                                     continuous_update=False),
    }
    art["state"] = {}  # the latest results and MSE-optimal temperatures, for tests

    def update(x1, x2, objective, n):
        res = results_for(x1, x2, objective)
        stars = update_bias_variance(art, res, batch=n)
        art["state"].update(results=res, tau_star=stars, batch=n)
        fig.suptitle(f"x = ({x1:g}, {x2:g}, 0),  {E.OBJECTIVES[objective].formula},  batch n = {n}", fontsize=14)
        return "MSE-optimal τ*: " + ", ".join(f"{E.ESTIMATOR_LABELS[k]} {v[0]:.3g}" for k, v in stars.items())

    return Explorer(fig, controls, update, artists=art, busy_message="recomputing 5 estimators × 25 τ ...")


# ----------------------------------------------------------------------------- 5. claim


def plot_relative_bias(results_by_objective: Mapping[str, Mapping[str, E.BiasVariance]], *, axes=None,
                       names=("gumbel_softmax_grad", "straight_through")) -> dict:
    r"""Relative bias :math:`\|\mathbb{E}\hat g - \nabla\| / \|\nabla\|` against tau, one panel per objective.

    The grey band is twice the Monte Carlo resolution :math:`\sqrt{\operatorname{tr}\Sigma/N}/\|\nabla\|`
    (what an unbiased estimator shows): a bias inside it is not resolved.
    """
    k = len(results_by_objective)
    if axes is None:
        import matplotlib.pyplot as plt

        with course_style():
            _fig, axes = plt.subplots(1, k, figsize=(5 * k, 4.4), sharey=True)
    out = {}
    with course_style():
        for ax, (obj, res) in zip(axes, results_by_objective.items()):
            floor = np.zeros_like(res[names[0]].tau)
            for name in names:
                r = res[name]
                norm = np.linalg.norm(r.exact)
                rel = np.sqrt(r.bias2) / norm
                (line,) = ax.plot(r.tau, rel, color=_color(name), label=_label(name), marker="o", ms=5)
                floor = np.maximum(floor, 2 * np.sqrt(r.bias2_floor) / norm)
                out[(obj, name)] = line
            out[(obj, "floor")] = ax.fill_between(res[names[0]].tau, 1e-4, floor, color="0.5", alpha=0.3, lw=0,
                                                  label="not resolved (< 2 MC s.e.)")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_ylim(1e-3, 3)
            ax.set_xlabel(r"temperature $\tau$")
            ax.set_title(f"{obj}: {E.OBJECTIVES[obj].formula}", fontsize=13)
        axes[0].set_ylabel(r"relative bias $\|\mathrm{bias}\| / \|\nabla\|$")
        axes[0].legend(loc="upper left", fontsize=10)
    return out


# ----------------------------------------------------------------------------- 6. Gumbel-Rao


def plot_conditional_check(rejection: np.ndarray, conditional: np.ndarray, *, ax=None) -> dict:
    """Empirical CDFs of each coordinate of x + g: rejection sampling (solid) vs Eq. 9 (dashed)."""
    ax = pyplot_axes(ax)
    from .style import CATEGORY_COLORS

    out = {}
    with course_style():
        for j in range(rejection.shape[1]):
            for data, ls, tag in ((rejection, "-", "rejection"), (conditional, "--", "Eq. 9")):
                v = np.sort(data[:, j])
                (line,) = ax.plot(v, np.arange(1, v.size + 1) / v.size, ls=ls, color=CATEGORY_COLORS[j],
                                  lw=2.4 if ls == "-" else 1.8, label=f"$x_{j + 1}+g_{j + 1}$, {tag}")
                out[(j, tag)] = line
        ax.set_xlabel("perturbed logit $x_j + g_j$")
        ax.set_ylabel("empirical CDF")
        ax.set_title("conditional Gumbels: Eq. 9 = rejection sampling")
        ax.legend(loc="lower right", fontsize=10)
    return out


# ----------------------------------------------------------------------------- 7. K = 2


def plot_k2_exact(exact: Mapping[str, E.K2Moments], mc: Mapping[str, E.BiasVariance], *, axes=None) -> dict:
    """Exact K = 2 squared bias and variance (lines, quadrature) through Monte Carlo points (2 se bars)."""
    if axes is None:
        import matplotlib.pyplot as plt

        with course_style():
            _fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    out = {}
    with course_style():
        for i, (name, q) in enumerate(exact.items()):
            r = mc[name]
            c = _color(name)
            out[(name, "bias2")] = axes[0].plot(q.tau, q.bias2, color=c, label=f"{_label(name)}, quadrature")[0]
            resolved = r.bias2 > 2 * r.bias2_floor
            axes[0].errorbar(r.tau[resolved], r.bias2[resolved], yerr=2 * r.bias2_se[resolved], fmt="o", color=c,
                             mec="k", ms=6, label="Monte Carlo (± 2 s.e.)" if i == 0 else None)
            out[(name, "var")] = axes[1].plot(q.tau, q.variance, color=c, label=_label(name))[0]
            axes[1].errorbar(r.tau, r.variance, yerr=2 * r.variance_se, fmt="o", color=c, mec="k", ms=6)
        for ax, ylab, title in zip(axes, (r"$\|\mathrm{bias}\|^2$", r"$\operatorname{tr}\,\mathrm{Cov}(\hat g)$"),
                                   ("K = 2: squared bias", "K = 2: variance")):
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel(r"temperature $\tau$")
            ax.set_ylabel(ylab)
            ax.set_title(title)
        axes[0].legend(loc="best", fontsize=9)
    return out


#: The bias/variance explorer recomputes a whole sweep (5 estimators x 25 tau) on a logit or
#: objective change: it gets the 1 s budget of live-recompute views (see tests/_qa.py).
explore_bias_variance.live_recompute = True
