"""Notebook 5: digits, their reconstructions, and decoding from relaxed codes as tau moves.

The figure family of the digit mosaics: :func:`explore_relaxed_decoding` and the panel it drives,
:func:`plot_reconstructions`, with :func:`plot_digits`. The decodes are
:func:`gumbel_utils.vae_stats.relaxed_decodes`, computed once at every position of the temperature
slider, so that a move only swaps images.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping, Sequence

import matplotlib as mpl
import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_tau
from ..digits import load_digits_binary
from ..vae import CategoricalVAE
from ..vae_stats import relaxed_decodes
from ..vae_training import train_vae
from ._args import check_seed
from .controls import Choice, LogTau, make_controls
from .explorer import Explorer, records_call
from .style import PALETTE, course_style, new_figure, pyplot_axes

__all__ = ["plot_digits", "plot_reconstructions", "explore_relaxed_decoding"]

_GAP = 1  # pixels between digits in a mosaic


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
        Starting decoding temperature (the temperature slider over 0.01..10, widened to hold it).
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
    tau = float(check_tau(tau, scalar=True))
    tau_slider = LogTau(tau, name="decoding temperature tau")
    grid = np.asarray(tau_slider.options())  # every decode at every position of the slider, computed once
    decodes = {name: relaxed_decodes(m, x, grid, rng=seed) for name, m in models.items()}

    fig, (ax_img, ax_nll) = new_figure(1, 2, figsize=(8.4, 3.1), gridspec_kw={"width_ratios": [2.4, 1.0]})
    first = next(iter(decodes.values()))
    i0 = int(np.flatnonzero(grid == tau)[0])
    img = plot_reconstructions({"data": x, "one-hot": first.hard, "relaxed τ": first.relaxed[i0]}, ax=ax_img)
    all_nll = np.concatenate([np.r_[d.relaxed_nll, d.hard_nll] for d in decodes.values()])
    pad = 0.05 * (all_nll.max() - all_nll.min() + 1e-9)
    with course_style():
        curve, = ax_nll.semilogx(grid, first.relaxed_nll, color=PALETTE["blue"], label="relaxed code")
        level = ax_nll.axhline(first.hard_nll, color=PALETTE["black"], ls="--", label="one-hot code")
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
        i = int(np.flatnonzero(grid == tau)[0])  # the slider's values are the grid's
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

    controls = make_controls(model=Choice(list(models), next(iter(models)), label="model"), tau=tau_slider)
    artists = {"image": img["image"], "curve": curve, "level": level, "marker": marker, "title": title}
    return Explorer(fig, controls, update, artists=artists, state=state,
                    dynamic=[img["image"], curve, level, marker, title], layout="top")
