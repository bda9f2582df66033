"""Figures of Notebook 5: a categorical VAE on the 8×8 digits, trained with each estimator and temperature.

``plot_*`` draw numbers computed by :mod:`gumbel_utils.vae` (training histories,
negative ELBOs, KL terms, code usage, gradient variances) and return their artists;
:func:`explore_relaxed_decoding` re-decodes the same digits from relaxed codes as τ
moves, from decodes computed once (:func:`gumbel_utils.vae_stats.relaxed_decodes`).
Labels and colours of the estimators come from the registry
(:data:`gumbel_utils.registry.ESTIMATORS`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping, Sequence

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from numpy.typing import ArrayLike

from ..digits import load_digits_binary
from ..registry import ESTIMATORS
from ..vae import CategoricalVAE
from ..vae_training import History, train_vae
from ..vae_stats import CodeUsage, relaxed_decodes
from ._args import check_seed, widened_log_range
from .explorer import Explorer, records_call
from .style import PALETTE, course_style, new_figure, pyplot_axes, pyplot_figure

__all__ = [
    "estimator_style",
    "plot_digits",
    "plot_reconstructions",
    "plot_training_curves",
    "plot_relaxation_gap",
    "plot_tau_sweep",
    "plot_kl",
    "plot_code_usage",
    "plot_gradient_variance",
    "explore_relaxed_decoding",
]

_GAP = 1  # pixels between digits in a mosaic


def estimator_style(name: str) -> dict:
    """Legend label and colour of a registered estimator (``ValueError`` listing the names if unknown)."""
    if name not in ESTIMATORS:
        raise ValueError(f"unknown estimator {name!r}; valid: {', '.join(map(repr, ESTIMATORS))}")
    return {"label": ESTIMATORS[name].label, "color": ESTIMATORS[name].color}


def _mosaic(rows: np.ndarray) -> np.ndarray:
    """(R, n, 64) images -> one (R·9 - 1, n·9 - 1) picture with a gap of NaN (drawn white) between digits."""
    r, n = rows.shape[:2]
    out = np.full((r * (8 + _GAP) - _GAP, n * (8 + _GAP) - _GAP), np.nan)
    for i in range(r):
        for j in range(n):
            out[i * 9:i * 9 + 8, j * 9:j * 9 + 8] = rows[i, j].reshape(8, 8)
    return out


def _image_axes(ax, rows: Sequence[str]) -> None:
    ax.set_xticks([])
    ax.set_yticks([i * (8 + _GAP) + 3.5 for i in range(len(rows))], list(rows))
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _draw_mosaic(ax, pictures: np.ndarray, labels: Sequence[str]):
    """Draw (R, n, 64) pixel probabilities as one image (black = 1), rows labelled on the left."""
    cmap = mpl.colormaps["gray_r"].with_extremes(bad="white")
    image = ax.imshow(_mosaic(pictures), cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
    _image_axes(ax, labels)
    return image


def plot_digits(images: ArrayLike, *, title: str | None = None, ncols: int = 12, ax=None) -> dict:
    """Images as a mosaic of 8×8 digits (pixel probabilities: black = 1).

    Parameters
    ----------
    images : array_like, shape (n, 64)
    title : str, optional
    ncols : int
        Digits per row.
    ax : Axes, optional
    """
    x = np.asarray(images, dtype=float).reshape(-1, 64)
    n_rows = -(-len(x) // ncols)
    padded = np.full((n_rows * ncols, 64), np.nan)
    padded[:len(x)] = x
    ax = pyplot_axes(ax, figsize=(8.4, 0.7 * n_rows + 0.6))
    with course_style():
        image = _draw_mosaic(ax, padded.reshape(n_rows, ncols, 64), [""] * n_rows)
        ax.set_yticks([])
        t = ax.set_title(title or "")
    return {"image": image, "title": t}


def plot_reconstructions(rows: Mapping[str, ArrayLike], *, title: str | None = None, ax=None) -> dict:
    """Rows of images one above the other, each labelled (data, one-hot decodes, relaxed decodes...).

    Parameters
    ----------
    rows : mapping of str to array_like, each of shape (n, 64)
        Row label -> images (pixel probabilities), the same n in every row.
    title : str, optional
    ax : Axes, optional
    """
    n = len(next(iter(rows.values())))
    ax = pyplot_axes(ax, figsize=(min(8.4, 2.2 + 0.62 * n), 0.75 * len(rows) + 0.9))
    pictures = np.stack([np.asarray(v, dtype=float).reshape(-1, 64) for v in rows.values()])
    with course_style():
        image = _draw_mosaic(ax, pictures, list(rows))
        t = ax.set_title(title or "")
    return {"image": image, "title": t}


def plot_training_curves(histories: Mapping[str, History], *, key: str = "test_nelbo", ax=None,
                         linestyles: Mapping[str, str] | None = None, ylim: tuple[float, float] | None = None,
                         title: str = "Test discrete negative ELBO while training") -> dict:
    """One line per training run of a :class:`~gumbel_utils.vae.History` field against epochs.

    Parameters
    ----------
    histories : mapping of str to History
        Legend label -> run; the colour is the run's estimator's (registry).
    key : str
        The field drawn (default the test discrete −ELBO).
    ax : Axes, optional
    linestyles : mapping of str to str, optional
        Line style by label.
    ylim : (float, float), optional
    title : str
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.2))
    lines = {}
    with course_style():
        for label, h in histories.items():
            style = estimator_style(h.estimator)
            (lines[label],) = ax.plot(h.epoch, getattr(h, key), color=style["color"], label=label,
                                      linestyle=(linestyles or {}).get(label, "-"))
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
    color = estimator_style(history.estimator)["color"]
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
            style = estimator_style(name)
            (art["lines"][name],) = ax.semilogx(taus, values, "o-", **style)
        for name, value in (tau_free or {}).items():
            style = estimator_style(name)
            art["levels"][name] = ax.axhline(value, color=style["color"], label=f"{style['label']} (no τ)")
        for name, value in (annealed or {}).items():
            art["annealed"][name] = ax.axhline(value, color=estimator_style(name)["color"], linestyle="--",
                                               linewidth=1.6)
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
            style = estimator_style(relaxed_estimator)
            ax_g.semilogx(taus, final[relaxed_estimator], "o-", color=PALETTE["black"], label="discrete −ELBO")
            (art["relaxed"],) = ax_g.semilogx(taus, relaxed, "s--", color=style["color"], label="relaxed loss")
            art["gap"] = ax_g.fill_between(taus, relaxed, final[relaxed_estimator], color=style["color"], alpha=0.15)
            ax_g.set_xlabel("training temperature τ")
            ax_g.set_ylabel("test loss (nats)")
            ax_g.legend(loc="upper left", fontsize=11)
            ax_g.set_title(f"{style['label'].split(' (')[0]}: the gap")
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
    colors = [PALETTE["blue"], PALETTE["vermillion"], PALETTE["green"]]
    lines, bands = {}, {}
    with course_style():
        for i, (label, (mean, se)) in enumerate(relaxed.items()):
            m, e = np.asarray(mean, dtype=float), np.asarray(se, dtype=float)
            bands[label] = ax.fill_between(taus, m - 2 * e, m + 2 * e, color=colors[i % 3], alpha=0.25)
            (lines[label],) = ax.loglog(taus, m, "o-", color=colors[i % 3], label=label)
        level = ax.axhline(analytic, color=PALETTE["black"], label="analytic KL(q ‖ uniform)")
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
    colors = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"]]
    bars: dict[str, list] = {}
    width = 0.8 / len(usage)
    with course_style():
        for ax, field, title in zip(axes, ("aggregate", "per_image"),
                                    ("categories used over the test set", "categories per image")):
            for i, (label, u) in enumerate(usage.items()):
                values = getattr(u, field)
                idx = np.arange(1, len(values) + 1) + (i - (len(usage) - 1) / 2) * width
                bars.setdefault(label, []).append(ax.bar(idx, values, width=width, color=colors[i % 4], label=label))
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
        Estimator -> :func:`gumbel_utils.gradient_stats.bias_variance_sweep` result (τ-free: a horizontal line).
    toy_title : str
    axes : two Axes, optional
    """
    if axes is None:
        _, axes = pyplot_figure(1, 2, figsize=(8.4, 4.0))
    taus = np.asarray(taus, dtype=float)
    art: dict[str, dict] = {"vae": {}, "toy": {}}
    with course_style():
        for name, v in vae.items():
            style = estimator_style(name)
            v = np.asarray(v, dtype=float)
            if v.size == 1:
                art["vae"][name] = axes[0].axhline(float(v.ravel()[0]), **style)
            else:
                (art["vae"][name],) = axes[0].loglog(taus, v, "o-", **style)
        for name, res in toy.items():
            style = estimator_style(name)
            if not ESTIMATORS[name].tau_dependent:
                art["toy"][name] = axes[1].axhline(float(np.mean(res.variance)), **style)
            else:
                (art["toy"][name],) = axes[1].loglog(res.tau, res.variance, "o-", **style)
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


# --------------------------------------------------------------------------- explorer


@lru_cache(maxsize=1)
def _default_models() -> tuple[dict[str, CategoricalVAE], np.ndarray]:
    """Two models trained for 30 epochs with Gumbel-Softmax at τ = 0.3 and τ = 2 (about 2 s), and one test digit per class."""
    train_x, test_x, _, test_y = load_digits_binary(return_labels=True)
    models = {}
    for tau in (0.3, 2.0):
        model = CategoricalVAE(10, 10, 128, rng=0)
        train_vae(model, train_x, test_x, estimator="gumbel_softmax_grad", tau=tau, epochs=30, rng=0)
        models[f"Gumbel-Softmax, trained at τ = {tau:g} (30 epochs)"] = model
    return models, test_x[[int(np.flatnonzero(test_y == d)[0]) for d in range(10)]]


@records_call
def explore_relaxed_decoding(models: Mapping[str, CategoricalVAE] | None = None, x: ArrayLike | None = None, *,
                             tau: float = 1.0, seed: int = 0) -> Explorer:
    """Move τ: the same digits decoded from relaxed codes ``softmax((logits + g)/τ)``, against their one-hot decodes.

    Parameters
    ----------
    models : mapping of str to CategoricalVAE, optional
        Trained models by name (a dropdown); default two models trained for 30 epochs at τ = 0.3 and 2.
    x : array_like, shape (n, 64), optional
        The digits (default: the first test digit of each class), 1 to 12 of them.
    tau : float, optional
        Starting decoding temperature (slider over 0.01..10 in steps of 10^0.1, widened to hold it).
    seed : int, optional
        Seed of the one Gumbel draw per digit (the same for every τ and model).

    Returns
    -------
    Explorer
        Controls ``model`` and ``tau``. Every decode is computed once at build time
        (:func:`gumbel_utils.vae_stats.relaxed_decodes` at the slider's grid), so a move only
        swaps images. Artists ``image`` (the mosaic), ``curve``, ``level``, ``marker``,
        ``title``; state ``model``, ``tau``, ``relaxed`` (n, 64), ``hard`` (n, 64),
        ``relaxed_nll``, ``hard_nll``.
    """
    seed = check_seed(seed)
    if models is None:
        models, default_x = _default_models()
        x = default_x if x is None else x
    if not isinstance(models, Mapping) or not models:
        raise ValueError("models must be a non-empty mapping of names to CategoricalVAE")
    for name, m in models.items():
        if not isinstance(m, CategoricalVAE):
            raise TypeError(f"models[{name!r}] must be a CategoricalVAE, got {type(m).__name__}")
    if x is None:
        x = load_digits_binary()[1][:10]
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or not 1 <= len(x) <= 12:
        raise ValueError(f"x must hold 1 to 12 images of shape (n, 64), got shape {x.shape}")
    if not (isinstance(tau, (int, float)) and not isinstance(tau, bool)):
        raise TypeError(f"tau must be a real number, got {type(tau).__name__}")
    if not (np.isfinite(tau) and tau > 0):
        raise ValueError(f"tau must be finite and > 0, got {tau!r}")
    lo, hi = widened_log_range(tau, -2.0, 1.0)
    step = 0.1
    exponents = np.round(np.arange(lo, hi + step / 2, step), 10)
    grid = 10.0 ** exponents
    decodes = {name: relaxed_decodes(m, x, grid, rng=seed) for name, m in models.items()}

    fig, (ax_img, ax_nll) = new_figure(1, 2, figsize=(8.4, 3.1), gridspec_kw={"width_ratios": [2.4, 1.0]})
    first = next(iter(decodes.values()))
    i0 = int(np.argmin(np.abs(exponents - np.log10(tau))))
    img = plot_reconstructions({"data": x, "one-hot": first.hard, "relaxed τ": first.relaxed[i0]}, ax=ax_img)
    all_nll = np.concatenate([np.r_[d.relaxed_nll, d.hard_nll] for d in decodes.values()])
    pad = 0.05 * (all_nll.max() - all_nll.min() + 1e-9)
    with course_style():
        curve, = ax_nll.semilogx(grid, first.relaxed_nll, color=PALETTE["blue"], label="relaxed code")
        level = ax_nll.axhline(first.hard_nll, color=PALETTE["black"], label="one-hot code")
        marker, = ax_nll.plot([grid[i0]], [first.relaxed_nll[i0]], "o", color=PALETTE["vermillion"], markersize=9,
                              clip_on=False)
        ax_nll.set_ylim(all_nll.min() - pad, all_nll.max() + pad)
        ax_nll.set_xlim(grid[0], grid[-1])
        ax_nll.set_xlabel("decoding temperature τ")
        ax_nll.set_ylabel("−log p(x | code) (nats)")
        ax_nll.legend(loc="best", fontsize=10.5)
        title = fig.suptitle("", fontsize=13)
    state: dict[str, Any] = {}

    def update(model: str, tau: float) -> str:
        d = decodes[model]
        i = int(np.argmin(np.abs(exponents - np.log10(tau))))
        rows = np.stack([x, d.hard, d.relaxed[i]])
        img["image"].set_data(_mosaic(rows))
        curve.set_data(grid, d.relaxed_nll)
        level.set_ydata([d.hard_nll, d.hard_nll])
        marker.set_data([grid[i]], [d.relaxed_nll[i]])
        title.set_text(f"{model}: decoded at τ = {grid[i]:.3g}")
        state.update(model=model, tau=float(grid[i]), relaxed=d.relaxed[i], hard=d.hard,
                     relaxed_nll=float(d.relaxed_nll[i]), hard_nll=d.hard_nll)
        return (f"τ = {grid[i]:.3g}: −log p(x | relaxed code) = {d.relaxed_nll[i]:.2f} nats, "
                f"−log p(x | one-hot code) = {d.hard_nll:.2f} nats (mean over the {len(x)} digits)")

    controls = {
        "model": widgets.Dropdown(options=list(models), value=next(iter(models)), description="model"),
        "tau": widgets.FloatLogSlider(value=float(grid[i0]), base=10.0, min=float(exponents[0]),
                                      max=float(exponents[-1]), step=step, description="τ", readout_format=".3g"),
    }
    artists = {"image": img["image"], "curve": curve, "level": level, "marker": marker, "title": title}
    return Explorer(fig, controls, update, artists=artists, state=state,
                    dynamic=[img["image"], curve, level, marker, title], layout="top")
