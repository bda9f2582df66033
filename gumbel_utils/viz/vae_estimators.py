"""Figures of Notebook 6: the learner's VAE, deeper (estimators against the exact gradient, seeds, learned τ and η).

Every ``plot_*`` draws numbers computed elsewhere (by :mod:`gumbel_utils.vae_gradient_stats`,
:mod:`gumbel_utils.vae_tuning`, :mod:`gumbel_utils.gradient_stats`, or read from ``make experiments``'
files by :func:`gumbel_utils.experiment_data.load_experiment`) and returns its artists. Each line takes
the colour, line style and marker of its estimator's registry record
(:data:`gumbel_utils.registry.ESTIMATORS`); a variant of an estimator (Gumbel-Rao with another ``m``) gets
a lighter shade of the same colour and its own marker.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import matplotlib.colors as mcolors
import numpy as np
from numpy.typing import ArrayLike

from ..registry import ESTIMATORS
from .style import PALETTE, course_style, pyplot_axes, pyplot_figure, series_style

__all__ = ["variant_style", "plot_exact_bias_variance", "plot_tau_star_codes", "plot_seed_sweep",
           "plot_learned_paths", "plot_relaxed_tau"]

_VARIANT_MARKERS = ("o", "s", "^", "v", "<", ">", "*")


def variant_style(estimator: str, variant: int = 0) -> dict[str, Any]:
    """Colour, line style and marker of an estimator's record; variant v > 0 is lighter with another marker.

    Parameters
    ----------
    estimator : str
        A registered name.
    variant : int
        0 for the record's own style; 1, 2, ... for variants (e.g. Gumbel-Rao with another ``m``).

    Examples
    --------
    >>> variant_style("straight_through")["marker"] == ESTIMATORS["straight_through"].marker
    True
    """
    if estimator not in ESTIMATORS:
        raise ValueError(f"unknown estimator {estimator!r}; valid: {', '.join(map(repr, ESTIMATORS))}")
    style = dict(ESTIMATORS[estimator].style)
    if variant:
        rgb = np.array(mcolors.to_rgb(style["color"]))
        style["color"] = mcolors.to_hex(rgb + (1 - rgb) * min(0.25 * variant, 0.6))
        markers = [m for m in _VARIANT_MARKERS if m != style.get("marker")]  # never the record's own marker
        style["marker"] = markers[(variant - 1) % len(markers)]
    return style


def _style(entry: Mapping[str, Any], variant: int) -> dict[str, Any]:
    return variant_style(entry["estimator"], variant)


def _variants(entries: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """Label -> variant number: the second, third ... entry of one estimator are variants 1, 2 ..."""
    seen: dict[str, int] = {}
    out = {}
    for label, entry in entries.items():
        out[label] = seen.get(entry["estimator"], 0)
        seen[entry["estimator"]] = out[label] + 1
    return out


def _plain_log_ticks(ax) -> None:
    """Y ticks of a log axis as plain numbers (0.2, 1, 5), no minor labels: at 1, 2, 5 x 10^k, or on a short
    axis (fewer than three of those in range, e.g. 0.25 to 1) at 1, 2, 3, 5 x 10^k, then at every 1-9 x 10^k."""
    lo, hi = ax.get_ylim()
    for mantissas in ((1, 2, 5), (1, 2, 3, 5), tuple(range(1, 10))):
        ticks = [m * 10.0**k for k in range(-4, 5) for m in mantissas if lo <= m * 10.0**k <= hi]
        if len(ticks) >= 3:
            break
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.set_yticks([], minor=True)


def plot_exact_bias_variance(entries: Mapping[str, Mapping[str, Any]], exact_norm2: Mapping[str, float], *,
                             groups: Sequence[str] = ("encoder logits", "encoder weights", "decoder"),
                             title: str = "", axes=None) -> dict:
    r"""Relative bias² (top) and variance (bottom) against τ, one column per parameter group.

    The bias² drawn is the measured one minus its Monte Carlo floor (variance / R, what an unbiased
    estimator shows), and only where that excess is resolved (above 2 standard errors): an estimator
    with no resolved bias at some τ has no point there (REBAR has none at all).

    Parameters
    ----------
    entries : mapping of str to mapping
        Label -> ``{"estimator": name, "tau": (T,), "tau_dependent": bool, "groups": {group: {"bias2": (T,),
        "bias2_se": (T,), "bias2_floor": (T,), "variance": (T,), ...}}}`` (an entry of ``exact_vae``'s
        ``checkpoints[...]["estimators"]``; without ``bias2_se`` and ``bias2_floor`` the bias² is drawn as
        given). A τ-free estimator is drawn as a horizontal line.
    exact_norm2 : mapping of str to float
        :math:`\lVert\nabla\rVert^2` of each group: the values are divided by it.
    groups : sequence of str
        The columns.
    title : str
        The figure's title.
    axes : array of Axes, shape (2, len(groups)), optional

    Returns
    -------
    dict
        ``{"lines": {(row, group, label): Line2D}, "title": Text}``.
    """
    if axes is None:
        fig, axes = pyplot_figure(2, len(groups), figsize=(8.4, 5.6), sharex=True)
    else:
        fig = np.asarray(axes).ravel()[0].figure
    axes = np.asarray(axes).reshape(2, len(groups))
    variants = _variants(entries)
    lines = {}
    with course_style():
        for col, grp in enumerate(groups):
            norm = float(exact_norm2[grp])
            for row, (key, name) in enumerate((("bias2", "resolved bias²"), ("variance", "variance"))):
                ax = axes[row, col]
                for label, entry in entries.items():
                    g = entry["groups"][grp]
                    values = np.asarray(g[key], dtype=float).ravel()
                    if key == "bias2" and "bias2_floor" in g and "bias2_se" in g:
                        values = values - np.asarray(g["bias2_floor"], dtype=float).ravel()
                        values = np.where(values > 2 * np.asarray(g["bias2_se"], dtype=float).ravel(), values, np.nan)
                    values = values / norm
                    style = _style(entry, variants[label])
                    if entry["tau_dependent"]:
                        (lines[row, grp, label],) = ax.loglog(entry["tau"], values, label=label, markevery=3,
                                                              **style)
                    else:
                        lines[row, grp, label] = ax.axhline(values[0], label=label, color=style["color"],
                                                            linestyle=style["linestyle"])
                ax.set_xscale("log")
                ax.set_yscale("log")
                if row == 0:
                    ax.set_title(grp)
                else:
                    ax.set_xlabel("temperature τ")
                if col == 0:
                    ax.set_ylabel(f"{name} / ‖∇‖²")
        axes[1, -1].legend(loc="lower left", fontsize=10.5, ncol=1, bbox_to_anchor=(1.02, 0.0))
        t = fig.suptitle(title, fontsize=13)
    return {"lines": lines, "title": t}


def plot_tau_star_codes(codes: ArrayLike, stars: Mapping[str, Mapping[str, ArrayLike]], *, title: str = "",
                        ax=None) -> dict:
    """The MSE-optimal τ* against samples (codes) per estimate, with the range the measurement cannot tell apart.

    Parameters
    ----------
    codes : array_like
        The n of each point (samples per estimate in the toy, codes per image in the VAE).
    stars : mapping of str to mapping
        Curve label -> ``{"tau": (N,), "low": (N,), "high": (N,), "estimator": name, "variant": int,
        "linestyle": str, "color": str}`` (the last three optional): τ* and the ends of its 2-s.e. range
        (:class:`~gumbel_utils.gradient_stats.TauStar`).
    title : str
    ax : Axes, optional

    Returns
    -------
    dict
        ``{"curves": {label: ErrorbarContainer}, "title": Text}``.
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.4))
    n = np.asarray(codes, dtype=float)
    curves = {}
    with course_style():
        for i, (label, s) in enumerate(stars.items()):
            style = variant_style(s["estimator"], int(s.get("variant", 0)))
            style.update({k: s[k] for k in ("linestyle", "color") if k in s})
            tau = np.asarray(s["tau"], dtype=float)
            lo, hi = np.asarray(s["low"], dtype=float), np.asarray(s["high"], dtype=float)
            shift = n * 1.06 ** (i - (len(stars) - 1) / 2)  # side by side, so the ranges do not hide each other
            curves[label] = ax.errorbar(shift, tau, yerr=[tau - lo, hi - tau], capsize=3, label=label, **style)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(n, [f"{v:g}" for v in n])
        _plain_log_ticks(ax)
        ax.set_xlabel("samples per estimate n (toy) / codes per image n (VAE)")
        ax.set_ylabel("MSE-optimal τ*")
        ax.legend(loc="best", fontsize=10.5)
        t = ax.set_title(title)
    return {"curves": curves, "title": t}


def plot_seed_sweep(taus: ArrayLike, sweeps: Mapping[str, Mapping[str, Any]], *,
                    tau_free: Mapping[str, Mapping[str, Any]] | None = None, title: str = "", ylim=None,
                    ax=None) -> dict:
    """Final discrete −ELBO against the training τ: mean over seeds with the seed range as error bars.

    Parameters
    ----------
    taus : array_like
        The training temperatures.
    sweeps : mapping of str to mapping
        Label -> ``{"estimator": name, "variant": int, "mean": (T,), "low": (T,), "high": (T,)}``.
    tau_free : mapping of str to mapping, optional
        Label -> ``{"estimator": name, "mean": float, "low": float, "high": float}``: a horizontal band.
    title : str
    ylim : (float, float), optional
    ax : Axes, optional

    Returns
    -------
    dict
        ``{"curves": {label: ErrorbarContainer}, "bands": {label: (Line2D, PolyCollection)}, "title": Text}``.
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.6))
    t = np.asarray(taus, dtype=float)
    curves, bands = {}, {}
    with course_style():
        for i, (label, s) in enumerate(sweeps.items()):
            style = variant_style(s["estimator"], int(s.get("variant", 0)))
            mean = np.asarray(s["mean"], dtype=float)
            lo, hi = np.asarray(s["low"], dtype=float), np.asarray(s["high"], dtype=float)
            shift = t * 1.03 ** (i - (len(sweeps) - 1) / 2)
            curves[label] = ax.errorbar(shift, mean, yerr=[mean - lo, hi - mean], capsize=3, label=label, **style)
        for label, s in (tau_free or {}).items():
            style = variant_style(s["estimator"], int(s.get("variant", 0)))
            line = ax.axhline(s["mean"], color=style["color"], linestyle=style["linestyle"], label=label)
            band = ax.axhspan(s["low"], s["high"], color=style["color"], alpha=0.15, linewidth=0)
            bands[label] = (line, band)
        ax.set_xscale("log")
        ax.set_xticks(t, [f"{v:g}" for v in t])
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.set_xlabel("training temperature τ")
        ax.set_ylabel("test discrete −ELBO (nats)")
        ax.legend(loc="upper left", fontsize=10.5, ncol=2)
        title_artist = ax.set_title(title)
    return {"curves": curves, "bands": bands, "title": title_artist}


def plot_learned_paths(paths: Mapping[str, Mapping[str, ArrayLike]], *, targets: Mapping[str, tuple] | None = None,
                       xlabel: str = "step", title: str = "", axes=None) -> dict:
    """Learned τ (left) and η (right) along training, one line per run.

    Parameters
    ----------
    paths : mapping of str to mapping
        Run label -> ``{"step": (S,), "tau": (S,), "eta": (S,)}`` (``eta`` may be missing: τ only).
    targets : mapping of str to (float, float), optional
        Label -> (τ, η) drawn as dotted horizontal lines (e.g. the grid's variance-minimising pair).
    xlabel, title : str
    axes : two Axes, optional

    Returns
    -------
    dict
        ``{"tau": {label: Line2D}, "eta": {label: Line2D}, "targets": [...], "title": Text}``.
    """
    if axes is None:
        fig, axes = pyplot_figure(1, 2, figsize=(8.4, 3.8))
    else:
        fig = axes[0].figure
    out: dict[str, Any] = {"tau": {}, "eta": {}, "targets": []}
    with course_style():
        for i, (label, p) in enumerate(paths.items()):
            style = series_style(i, points=len(p["step"]))  # colour and line style and marker
            (out["tau"][label],) = axes[0].plot(p["step"], p["tau"], label=label, **style)
            if "eta" in p:
                (out["eta"][label],) = axes[1].plot(p["step"], p["eta"], label=label, **style)
        for label, (tau, eta) in (targets or {}).items():
            out["targets"].append(axes[0].axhline(tau, color=PALETTE["black"], linestyle=":", label=label))
            out["targets"].append(axes[1].axhline(eta, color=PALETTE["black"], linestyle=":"))
        axes[0].set_yscale("log")
        _plain_log_ticks(axes[0])
        axes[0].set_ylabel("learned τ")
        axes[1].set_ylabel("learned η")
        for ax in axes:
            ax.set_xlabel(xlabel)
        axes[0].legend(loc="best", fontsize=10.5)
        out["title"] = fig.suptitle(title, fontsize=13)
    return out


def plot_relaxed_tau(eval_taus: ArrayLike, relaxed: Mapping[str, ArrayLike], discrete: Mapping[str, float],
                     trained_tau: Mapping[str, float], *, title: str = "", ax=None) -> dict:
    """The relaxed test loss of trained models against the evaluation τ, with the τ each was trained at.

    Parameters
    ----------
    eval_taus : array_like
        Evaluation temperatures.
    relaxed : mapping of str to array_like
        Model label -> relaxed test loss at ``eval_taus``.
    discrete : mapping of str to float
        Model label -> its discrete test −ELBO (a dashed level).
    trained_tau : mapping of str to float
        Model label -> the τ it was trained at (learned or fixed): a marker on its discrete level, at that τ.
    title : str
    ax : Axes, optional

    Returns
    -------
    dict
        ``{"curves", "levels", "markers"}`` (dicts by label) and ``"title"``.
    """
    ax = pyplot_axes(ax, figsize=(8.4, 4.4))
    t = np.asarray(eval_taus, dtype=float)
    out: dict[str, Any] = {"curves": {}, "levels": {}, "markers": {}}
    with course_style():
        for i, (label, values) in enumerate(relaxed.items()):
            style = series_style(i, points=len(t))  # colour and line style and marker
            (out["curves"][label],) = ax.semilogx(t, np.asarray(values, dtype=float), label=label, **style)
            c = style["color"]
            out["levels"][label] = ax.axhline(discrete[label], color=c, linestyle=(0, (2, 2)), linewidth=1.4)
            (out["markers"][label],) = ax.plot([trained_tau[label]], [discrete[label]], style["marker"], color=c,
                                               markersize=11, markeredgecolor=PALETTE["black"])
        ax.set_xlabel("evaluation temperature τ of the relaxed codes")
        ax.set_ylabel("test loss (nats)")
        ax.legend(loc="best", fontsize=10.5)
        out["title"] = ax.set_title(title)
    return out
