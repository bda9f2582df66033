"""Notebook 5: the categorical VAE's measurements: losses while training, the relaxation gap, tau sweeps, KL,
code usage and gradient variance.

``plot_*`` draw numbers computed by :mod:`gumbel_utils.vae_training` (training histories),
:mod:`gumbel_utils.vae` and :mod:`gumbel_utils.vae_stats` (negative ELBOs, KL terms, code usage,
gradient variances) and return their artists. Every estimator has its registered label, colour,
line style and marker (:data:`gumbel_utils.registry.ESTIMATORS`); other curves (KL variants, models)
get a series style. The digit mosaics and the decoding explorer are :mod:`gumbel_utils.viz.vae_decoding`.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
from numpy.typing import ArrayLike

from ..registry import ESTIMATORS
from ..vae_stats import CodeUsage
from ..vae_training import History
from .style import PALETTE, course_style, estimator_label, estimator_style, pyplot_axes, pyplot_figure, series_style

__all__ = [
    "plot_vae_loss_curves",
    "plot_relaxation_gap",
    "plot_tau_sweep",
    "plot_kl",
    "plot_code_usage",
    "plot_gradient_variance",
]


def _style(name: str, **kwargs: Any) -> dict:
    """The registered style of an estimator (``ValueError`` listing the names if it is not registered)."""
    if name not in ESTIMATORS:
        raise ValueError(f"unknown estimator {name!r}; valid: {', '.join(map(repr, ESTIMATORS))}")
    return estimator_style(name, **kwargs)


def plot_vae_loss_curves(histories: Mapping[str, History], *, key: str = "test_nelbo", ax=None,
                         linestyles: Mapping[str, str] | None = None, ylim: tuple[float, float] | None = None,
                         title: str = "Test discrete negative ELBO while training") -> dict:
    """A loss of each VAE training run (a :class:`~gumbel_utils.vae_training.History` field) against the epoch.

    Parameters
    ----------
    histories : mapping of str to History
        Legend label -> run; the run's estimator's registered colour, line style and marker.
    key : str
        The field drawn (default the test discrete −ELBO).
    ax : Axes, optional
    linestyles : mapping of str to str, optional
        Line style by label (replacing the estimator's).
    ylim : (float, float), optional
    title : str
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.2))
    lines = {}
    with course_style():
        for i, (label, h) in enumerate(histories.items()):
            style = _style(h.estimator, points=len(h.epoch), index=i)
            if linestyles and label in linestyles:
                style["linestyle"] = linestyles[label]
            (lines[label],) = ax.plot(h.epoch, getattr(h, key), ms=6, label=label, **style)
        ax.set_xlabel("epoch")
        ax.set_ylabel("test discrete −ELBO (nats)")
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.legend(loc="upper right")
        t = ax.set_title(title)
    return {"lines": lines, "title": t}


def plot_relaxation_gap(history: History, eval_taus: ArrayLike, relaxed: ArrayLike, discrete: float, *,
                        axes=None) -> dict:
    """The relaxation gap of one run, during training (left) and against the evaluation τ (right).

    Parameters
    ----------
    history : History
        A run with ``track_relaxed=True``: its relaxed training loss, relaxed and discrete test losses.
    eval_taus : array_like
        Temperatures at which the final model's relaxed test loss was measured.
    relaxed : array_like
        Those relaxed test losses.
    discrete : float
        The final model's discrete test loss.
    axes : two Axes, optional
    """
    if axes is None:
        _, axes = pyplot_figure(1, 2, figsize=(8.4, 3.9))
    ax_e, ax_t = axes
    color = _style(history.estimator)["color"]
    with course_style():
        train_line, = ax_e.plot(history.epoch, history.train_loss, color=color, alpha=0.5, label="relaxed, training batches")
        relaxed_line, = ax_e.plot(history.epoch, history.test_relaxed, color=color, linestyle="--", label="relaxed, test")
        discrete_line, = ax_e.plot(history.epoch, history.test_nelbo, color=PALETTE["black"], label="discrete, test")
        ax_e.set_xlabel("epoch")
        ax_e.set_ylabel("loss (nats per image)")
        ax_e.set_ylim(top=min(45.0, ax_e.get_ylim()[1]))
        ax_e.legend(loc="upper right")
        ax_e.set_title(f"Training at τ = {history.tau[-1]:g}")
        curve, = ax_t.semilogx(eval_taus, relaxed, color=color, linestyle="--", label="relaxed, test")
        level = ax_t.axhline(discrete, color=PALETTE["black"], label="discrete, test")
        ax_t.set_xlabel("τ used to evaluate")
        ax_t.set_ylabel("loss (nats per image)")
        ax_t.legend(loc="upper left")
        ax_t.set_title("The same final model")
    return {"train": train_line, "test_relaxed": relaxed_line, "test_discrete": discrete_line, "curve": curve,
            "level": level}


def plot_tau_sweep(taus: ArrayLike, final: Mapping[str, ArrayLike], *, tau_free: Mapping[str, float] | None = None,
                   annealed: Mapping[str, float] | None = None, relaxed: ArrayLike | None = None,
                   relaxed_estimator: str = "gumbel_softmax_grad", axes=None) -> dict:
    """The final test discrete −ELBO against the training τ, and the relaxation gap of the relaxed estimator.

    Parameters
    ----------
    taus : array_like
        Training temperatures.
    final : mapping of str to array_like
        Estimator name -> final discrete −ELBO at each τ (one line each).
    tau_free : mapping of str to float, optional
        τ-free estimators (horizontal lines).
    annealed : mapping of str to float, optional
        Estimator name -> final value of its annealed run (dashed lines).
    relaxed : array_like, optional
        The relaxed test loss of ``relaxed_estimator``'s models at their training τ: a second panel
        with it and the discrete −ELBO (the gap).
    relaxed_estimator : str
    axes : Axes or two Axes, optional
    """
    from matplotlib.lines import Line2D

    ncols = 2 if relaxed is not None else 1
    if axes is None:
        _, axes = pyplot_figure(1, ncols, figsize=(8.4, 4.6))
    axes = np.atleast_1d(axes)
    ax = axes[0]
    taus = np.asarray(taus, dtype=float)
    art: dict[str, Any] = {"lines": {}, "levels": {}, "annealed": {}}
    with course_style():
        for name, values in final.items():
            (art["lines"][name],) = ax.semilogx(taus, values, label=estimator_label(name), **_style(name))
        for name, value in (tau_free or {}).items():
            style = _style(name)
            art["levels"][name] = ax.axhline(value, color=style["color"], linestyle=style["linestyle"],
                                             label=f"{estimator_label(name)} (no τ)")
        for name, value in (annealed or {}).items():
            art["annealed"][name] = ax.axhline(value, color=_style(name)["color"], linestyle="--", linewidth=1.6)
        handles, labels = ax.get_legend_handles_labels()
        if annealed:
            handles.append(Line2D([], [], color=PALETTE["black"], linestyle="--", linewidth=1.6))
            labels.append("annealed τ: 1 → 0.5 (dashed, same colour)")
        art["legend"] = ax.figure.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=11)
        ax.set_xlabel("training temperature τ")
        ax.set_ylabel("final test discrete −ELBO (nats)")
        ax.set_title("Which τ trains the best model?")
        if relaxed is not None:
            ax_g = axes[1]
            style = _style(relaxed_estimator)
            ax_g.semilogx(taus, final[relaxed_estimator], "o-", color=PALETTE["black"], label="discrete −ELBO")
            (art["relaxed"],) = ax_g.semilogx(taus, relaxed, "s--", color=style["color"], label="relaxed loss")
            art["gap"] = ax_g.fill_between(taus, relaxed, final[relaxed_estimator], color=style["color"], alpha=0.15)
            ax_g.set_xlabel("training temperature τ")
            ax_g.set_ylabel("test loss (nats)")
            ax_g.legend(loc="upper left", fontsize=11)
            ax_g.set_title(f"{estimator_label(relaxed_estimator).split(' (')[0]}: the gap")
    return art


def plot_kl(taus: ArrayLike, relaxed: Mapping[str, tuple[ArrayLike, ArrayLike]], analytic: float, *, ax=None) -> dict:
    """Relaxed KL curves against τ (±2 standard-error bands) and the analytic categorical KL as a line.

    Parameters
    ----------
    taus : array_like
    relaxed : mapping of str to (array_like, array_like)
        Label -> (mean, standard error) at each τ (:func:`gumbel_utils.vae_stats.relaxed_kl`).
    analytic : float
    ax : Axes, optional
    """
    ax = pyplot_axes(ax, figsize=(8.4, 3.9))
    taus = np.asarray(taus, dtype=float)
    lines, bands = {}, {}
    with course_style():
        for i, (label, (mean, se)) in enumerate(relaxed.items()):
            m, e = np.asarray(mean, dtype=float), np.asarray(se, dtype=float)
            style = series_style(i)  # one colour, line style and marker per curve
            bands[label] = ax.fill_between(taus, m - 2 * e, m + 2 * e, color=style["color"], alpha=0.25)
            (lines[label],) = ax.loglog(taus, m, label=label, **style)
        level = ax.axhline(analytic, color=PALETTE["black"], ls=":", label="analytic KL(q ‖ uniform)")
        ax.set_xlabel("temperature τ of the relaxed posterior")
        ax.set_ylabel("KL per image (nats)")
        ax.legend(loc="upper right", fontsize=10.5)
        t = ax.set_title("Relaxed KL (Monte Carlo, ±2 se) against the analytic KL")
    return {"lines": lines, "bands": bands, "level": level, "title": t}


def plot_code_usage(usage: Mapping[str, CodeUsage], categories: int, *, axes=None) -> dict:
    """Per latent, grouped bars per model: perplexity of the average posterior (left) and of one image's (right).

    Parameters
    ----------
    usage : mapping of str to CodeUsage
        Label -> :func:`gumbel_utils.vae_stats.code_usage`.
    categories : int
        K (a dotted line: every category used equally).
    axes : two Axes, optional
    """
    if axes is None:
        _, axes = pyplot_figure(1, 2, figsize=(8.4, 3.8), sharey=True)
    bars: dict[str, list] = {}
    hatches = ["", "//", "..", "xx"]  # the models differ in hatching too, not in colour only
    width = 0.8 / len(usage)
    with course_style():
        for ax, field, title in zip(axes, ("aggregate", "per_image"),
                                    ("categories used over the test set", "categories per image")):
            for i, (label, u) in enumerate(usage.items()):
                values = getattr(u, field)
                idx = np.arange(1, len(values) + 1) + (i - (len(usage) - 1) / 2) * width
                color = series_style(i)["color"]
                bars.setdefault(label, []).append(ax.bar(idx, values, width=width, color=color, label=label,
                                                         hatch=hatches[i % 4], edgecolor="white", linewidth=0))
            ax.axhline(categories, color=PALETTE["black"], linewidth=1.2, linestyle=":")
            ax.set_xlabel("latent l")
            ax.set_xticks(np.arange(1, len(values) + 1))
            ax.set_title(title)
        axes[0].set_ylabel("perplexity (1 to K)")
        axes[1].legend(loc="upper right", fontsize=10.5)
    return {"bars": bars}


def plot_gradient_variance(taus: ArrayLike, vae: Mapping[str, ArrayLike], toy: Mapping[str, Any], *,
                           toy_title: str = "Notebook 3: K = 3, cubic f", axes=None) -> dict:
    """Gradient variance against τ: the VAE's encoder-logit gradient (left) next to Notebook 3's curves (right).

    Parameters
    ----------
    taus : array_like
    vae : mapping of str to array_like
        Estimator -> :func:`gumbel_utils.vae_stats.logit_gradient_variance` at ``taus`` (one value:
        a τ-free horizontal line).
    toy : mapping of str to BiasVariance
        Estimator -> :func:`gumbel_utils.gradient_stats.bias_variance_sweep` result (the variance measured at each τ).
    toy_title : str
    axes : two Axes, optional
    """
    if axes is None:
        _, axes = pyplot_figure(1, 2, figsize=(8.4, 4.0))
    taus = np.asarray(taus, dtype=float)
    art: dict[str, dict] = {"vae": {}, "toy": {}}
    with course_style():
        for name, v in vae.items():
            style = _style(name)
            v = np.asarray(v, dtype=float)
            if v.size == 1:  # a tau-free estimator: one measurement, a level
                art["vae"][name] = axes[0].axhline(float(v.ravel()[0]), color=style["color"],
                                                   linestyle=style["linestyle"], label=estimator_label(name))
            else:
                (art["vae"][name],) = axes[0].loglog(taus, v, label=estimator_label(name), **style)
        for name, res in toy.items():  # measured at every tau (a tau-free estimator's curve is flat, up to noise)
            (art["toy"][name],) = axes[1].loglog(res.tau, res.variance, label=estimator_label(name), **_style(name))
        axes[0].set_yscale("log")
        axes[1].set_yscale("log")
        axes[0].set_title("VAE: encoder-logit gradient")
        axes[1].set_title(toy_title)
        for ax in axes:
            ax.set_xscale("log")
            ax.set_xlabel("temperature τ")
        axes[0].set_ylabel("variance (trace of covariance)")
        axes[0].legend(loc="lower left", fontsize=10.5)
    return art
