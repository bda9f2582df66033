"""Notebook 1's sampling figures: argmax is not sampling, Gumbel-max samples softmax(x) exactly.

The figure family of the frequency bars: the two explorers and the static panels that compare
samplers with the exact softmax(x). ``plot_*(data..., *, ax=None)`` draw data they are given
and return their artists; ``explore_*(..., *, seed=0)`` build one figure and return an
:class:`~gumbel_utils.viz.explorer.Explorer` (the explorer contract of CONTRIBUTING.md). Every
number drawn comes from the package: :func:`~gumbel_utils.sampling.gumbel_max_from_noise`,
:func:`~gumbel_utils.stats.frequencies`, :func:`~gumbel_utils.stats.goodness_of_fit`,
:func:`~gumbel_utils.stats.expected_total_variation`, :func:`~gumbel_utils.stats.count_changed`.
The Gumbel law itself (its histogram, max-stability) is drawn by :mod:`gumbel_utils.viz.gumbel_noise`.

- :func:`plot_draws`: the first draws of several procedures, draw by draw.
- :func:`plot_frequency_bars`: side-by-side bars (frequencies with error bars, exact probabilities).
- :func:`plot_convergence`: total variation against N on log-log axes, with the 1/sqrt(N) law.
- :func:`explore_gumbel_max`: sliders for the logits, N and fresh noise; both samplers against softmax(x).
- :func:`explore_shift_scale`: x + c leaves every sample unchanged, beta * x changes the law.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection

from .._kernels import inverse_cdf
from ..numerics import softmax
from ..sampling import gumbel_max_from_noise, sample_gumbel
from ..stats import count_changed, expected_total_variation, frequencies, goodness_of_fit, total_variation
from ._args import check_in_range, check_logit_vector, check_seed, widened_range
from .controls import Button, Choice, LogSlider, Slider, make_controls
from .explorer import Explorer, axes_key, records_call
from .style import CATEGORY_COLORS, PALETTE, course_style, new_figure, pyplot_axes

__all__ = [
    "METHOD_COLORS",
    "METHOD_STYLES",
    "plot_draws",
    "plot_frequency_bars",
    "plot_convergence",
    "explore_gumbel_max",
    "explore_shift_scale",
]

#: One colour per procedure, used by every figure of notebook 1 (Okabe-Ito).
METHOD_COLORS = {
    "gumbel": PALETTE["blue"],
    "reference": PALETTE["orange"],
    "exact": PALETTE["black"],
    "argmax": PALETTE["vermillion"],
}

#: Colour, line style and marker of each procedure's curves: told apart without colour too.
METHOD_STYLES = {
    "gumbel": {"color": METHOD_COLORS["gumbel"], "linestyle": "-", "marker": "o"},
    "reference": {"color": METHOD_COLORS["reference"], "linestyle": "--", "marker": "s"},
    "other": {"color": PALETTE["green"], "linestyle": "-.", "marker": "^"},
    "other2": {"color": PALETTE["purple"], "linestyle": ":", "marker": "D"},
    "argmax": {"color": METHOD_COLORS["argmax"], "linestyle": ":", "marker": "X"},
}


def _method_style(i: int, label: str = "") -> dict:
    if "argmax" in label and "+" not in label:  # argmax(softmax(x)), the deterministic "sampler"
        return METHOD_STYLES["argmax"]
    return METHOD_STYLES[("gumbel", "reference", "other", "other2")[i % 4]]


def _color_cycle(i: int) -> str:
    return _method_style(i)["color"]


# --------------------------------------------------------------------------------------
# plot_* functions
# --------------------------------------------------------------------------------------


def plot_draws(draws: Mapping[str, Sequence[int]], num_categories: int, *, ax=None, title: str | None = None):
    """Category of each draw against the draw number, one marker row per procedure.

    Parameters
    ----------
    draws : mapping of label to int array
        The categories returned by each procedure, in order.
    num_categories : int
        K; the y axis shows the categories 0..K-1.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).
    title : str, optional
        The title (default: the claim of the figure).

    Returns
    -------
    dict
        ``lines``: label -> Line2D (x = draw number 1..n, y = category plus a
        small offset so that the rows do not overlap).
    """
    ax = pyplot_axes(ax, figsize=(9.0, 3.8))
    labels = list(draws)
    offsets = np.linspace(-0.15, 0.15, len(labels)) if len(labels) > 1 else np.zeros(1)
    lines = {}
    with course_style():
        for i, label in enumerate(labels):
            k = np.asarray(draws[label])
            style = _method_style(i, label)
            (line,) = ax.plot(np.arange(1, k.size + 1), k + offsets[i], lw=0.8, ms=6, label=label, alpha=0.9,
                              **{**style, "linestyle": "-"})
            lines[label] = line
        ax.set_yticks(range(num_categories))
        ax.set_ylim(-0.5, num_categories - 0.5)
        ax.set_xlabel("draw number")
        ax.set_ylabel("category $k$")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=len(labels), frameon=False)
        ax.set_title(title or "argmax returns one category every time; sampling varies")
    return {"lines": lines}


def plot_frequency_bars(
    groups: Mapping[str, tuple[np.ndarray, np.ndarray | None]],
    *,
    ax=None,
    title: str | None = None,
    colors: Sequence[str] | None = None,
    ylim: tuple[float, float] | None = None,
):
    """Side-by-side bars per category, with ±1 standard-error bars where given.

    Parameters
    ----------
    groups : mapping of label to (heights, stderr or None)
        One bar per category for each label, in order; ``stderr`` draws error
        bars of ±1 standard error (None for exact probabilities).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).
    title : str, optional
        The title.
    colors : sequence of str, optional
        One colour per group. Default: filled blue, orange... for groups with
        error bars; groups without (exact probabilities) are hollow, the last
        black and any other green.
    ylim : (float, float), optional
        The probability axis range (default: from 0 to a little above the tallest bar).

    Returns
    -------
    dict
        ``bars``: label -> BarContainer; ``errors``: label -> LineCollection
        (vertical segments ``height ± stderr``); ``title``: the title Text.
    """
    ax = pyplot_axes(ax)
    labels = list(groups)
    num_categories = len(np.asarray(groups[labels[0]][0]))
    width = 0.8 / len(labels)
    if colors is None:
        colors = [_color_cycle(i) for i in range(len(labels))]
        hollow = [i for i, label in enumerate(labels) if groups[label][1] is None]
        for i in hollow:
            colors[i] = METHOD_COLORS["exact"] if i == hollow[-1] else PALETTE["green"]
    positions = np.arange(num_categories)
    bars, errors = {}, {}
    top = 0.0
    with course_style():
        for i, label in enumerate(labels):
            heights, err = groups[label]
            heights = np.asarray(heights, dtype=np.float64)
            xs = positions + (i - (len(labels) - 1) / 2) * width
            hollow = err is None
            bars[label] = ax.bar(
                xs,
                heights,
                width=width * 0.95,
                color="white" if hollow else colors[i],
                edgecolor=colors[i],
                linewidth=1.8 if hollow else 0.0,
                label=label,
            )
            if err is not None:
                err = np.asarray(err, dtype=np.float64)
                segs = [((x, h - e), (x, h + e)) for x, h, e in zip(xs, heights, err)]
                errors[label] = ax.add_collection(LineCollection(segs, colors=PALETTE["black"], linewidths=2.0))
                top = max(top, float((heights + err).max()))
            top = max(top, float(heights.max()))
        ax.set_xticks(positions)
        ax.set_xlim(-0.5, num_categories - 0.5)
        ax.set_ylim(*(ylim or (0.0, min(1.0, 1.15 * top + 0.02))))
        ax.set_xlabel("category $k$")
        ax.set_ylabel("probability / frequency")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=min(3, len(labels)), frameon=False)
        text = ax.set_title(title or "")
    return {"bars": bars, "errors": errors, "title": text}


def plot_convergence(
    ns: np.ndarray, tv: Mapping[str, np.ndarray], probs: Sequence[float], *, ax=None, title: str | None = None
):
    """Total variation against the number of samples on log-log axes, with the expected 1/sqrt(N) law.

    Parameters
    ----------
    ns : array of int
        Sample sizes.
    tv : mapping of label to array
        TV distance between the frequencies of the first ``n`` samples and ``probs``, per ``n``.
    probs : array
        The exact distribution (for the reference line
        :func:`~gumbel_utils.stats.expected_total_variation`).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new pyplot figure).
    title : str, optional
        The title.

    Returns
    -------
    dict
        ``lines``: label -> Line2D; ``reference``: the Line2D of the expected TV.
    """
    ax = pyplot_axes(ax)
    ns = np.asarray(ns, dtype=np.float64)
    lines = {}
    with course_style():
        for i, (label, values) in enumerate(tv.items()):
            (lines[label],) = ax.loglog(ns, values, ms=5, label=label, **_method_style(i, label))
        (reference,) = ax.loglog(
            ns,
            expected_total_variation(probs, ns),
            "--",
            color=PALETTE["black"],
            label=r"$\sum_k \sqrt{p_k(1-p_k)/(2\pi N)}\ \propto 1/\sqrt{N}$",
        )
        ax.set_xlabel("number of samples $N$")
        ax.set_ylabel(r"$\mathrm{TV}(\hat p_N, \mathrm{softmax}(x))$")
        ax.legend(loc="lower left")
        ax.set_title(title or r"both samplers converge to softmax$(x)$ like $1/\sqrt{N}$")
    return {"lines": lines, "reference": reference}


# --------------------------------------------------------------------------------------
# explorers
# --------------------------------------------------------------------------------------

_MAX_K = 5
_LIVE_N = 100_000


class _NoiseCache:
    """Noise for the explorer, drawn per (seed, K) as far as N needs and sliced by N.

    ``gumbel(seed, K, n)`` returns the first n rows of standard Gumbel noise of
    shape (n, K) exactly as :func:`gumbel_utils.gumbel_max` draws it from
    ``rng=seed``: a Generator fills arrays in C order, so drawing more rows later
    from the same Generator continues the very same stream. A larger N extends
    the array (at least doubling it), so "new noise" draws only what the current
    N needs. ``uniform(seed, n)`` is the same for the n uniforms
    :func:`gumbel_utils.sample_categorical` draws. Memory stays bounded: at most
    3 streams below the live limit, one above it.
    """

    _MIN_ROWS = 4096

    def __init__(self) -> None:
        self._streams: dict[tuple, tuple[np.random.Generator, np.ndarray]] = {}

    def _take(self, key: tuple, n: int, draw) -> np.ndarray:
        gen, have = self._streams.get(key, (None, None))
        if have is None or have.shape[0] < n:
            if key not in self._streams and (len(self._streams) >= 6 or n > _LIVE_N):
                self._streams.clear()  # bounded memory: a few small streams (3 K x 2 samplers) or one big
            if gen is None:
                gen, have = np.random.default_rng(key[-1]), draw(np.random.default_rng(key[-1]), 0)
            more = max(n - have.shape[0], have.shape[0], self._MIN_ROWS)
            have = np.concatenate([have, draw(gen, more)])
            self._streams[key] = (gen, have)
        return have[:n]

    def gumbel(self, seed: int, k: int, n: int) -> np.ndarray:
        return self._take(("gumbel", k, seed), n, lambda gen, rows: sample_gumbel((rows, k), rng=gen))

    def uniform(self, seed: int, n: int) -> np.ndarray:
        return self._take(("uniform", seed), n, lambda gen, rows: gen.random(rows))


def _set_bar_group(container, heights: np.ndarray, num_visible: int) -> None:
    for i, patch in enumerate(container.patches):
        visible = i < num_visible
        patch.set_visible(visible)
        patch.set_height(float(heights[i]) if visible else 0.0)


@records_call
def explore_gumbel_max(
    logits: Sequence[float] = (1.0, 0.0, -0.5, 0.5, -1.0),
    *,
    num_categories: int | None = None,
    n_samples: int = 1000,
    seed: int = 0,
) -> Explorer:
    """Both samplers against the exact softmax(x): a slider per logit, N on a log scale, new noise.

    Gumbel-max samples come from ``rng=seed`` and the inverse-CDF reference from
    ``rng=seed + 1``; the "new noise" button adds 2 to the seed. The noise for up
    to 1e5 samples is drawn once per seed and K and sliced, so moving a logit
    reuses the same noise: bars move because the law moves, not because the
    noise was redrawn. Above 1e5 samples a move draws new noise (a recompute,
    with a busy message).

    Parameters
    ----------
    logits : sequence of 3 to 5 floats, optional
        Starting logits (one slider each; missing sliders up to 5 start at 0).
        The slider range is -4..4, widened to hold the given values.
    num_categories : {3, 4, 5}, optional
        Starting K (default ``len(logits)``); sliders beyond K are disabled.
    n_samples : int, optional
        Starting number of samples, 10 to 1,000,000 (the N slider's range).
    seed : int, optional
        Seed of the first noise.

    Returns
    -------
    Explorer
        Controls ``K``, ``x0`` .. ``x4``, ``N``, ``new noise``. Artists ``bars``
        (label -> BarContainer of 5 patches, those beyond K hidden), ``errors``
        (label -> LineCollection of ±1 standard-error segments), ``title``. The x axis keeps
        five category slots whatever K (fixed axes: a redraw only repaints the bars).
        State: ``seed``, ``gumbel`` and ``reference`` (the samples), ``probs``,
        ``gof_gumbel``, ``gof_reference``, ``N``, ``K``.
    """
    x0 = check_logit_vector(logits, (3, _MAX_K))
    seed = check_seed(seed)
    if num_categories is None:
        num_categories = x0.size
    if num_categories not in (3, 4, 5):
        raise ValueError(f"num_categories must be 3, 4 or 5, got {num_categories!r}")
    n_samples = check_in_range(n_samples, 10, 10**6, "n_samples")
    x0 = np.concatenate([x0, np.zeros(_MAX_K - x0.size)])
    lo, hi = widened_range(x0, -4.0, 4.0)  # never clamp a given logit: widen the sliders instead
    labels = ("Gumbel-max: argmax(x + g)", "inverse CDF: sample_categorical", "exact softmax(x)")
    cache = _NoiseCache()
    state: dict = {"seed": seed}

    fig, ax = new_figure(figsize=(8.4, 4.0))
    zeros = np.zeros(_MAX_K)
    drawn = plot_frequency_bars(
        {labels[0]: (zeros, zeros), labels[1]: (zeros, zeros), labels[2]: (zeros, None)}, ax=ax, ylim=(0.0, 1.0)
    )
    bars, errors, title = drawn["bars"], drawn["errors"], drawn["title"]
    width = 0.8 / 3
    centers = {lab: np.arange(_MAX_K) + (i - 1) * width for i, lab in enumerate(labels)}

    # three sliders to a row (786 px): the rows of the layout below need this width
    logit = {f"x{i}": Slider(float(x0[i]), lo, hi, step=0.1, label=f"$x_{i}$", name=f"logit x{i}", width="262px")
             for i in range(_MAX_K)}
    controls = make_controls(
        K=Choice([3, 4, 5], num_categories, label="categories K", kind="toggle"),
        **logit,
        N=LogSlider(float(n_samples), 10.0, 1e6, label="N", name="number of samples N", fmt=",.0f", continuous=False,
                    width="262px"),
        **{"new noise": Button("new noise", icon="refresh")},
    )

    def new_noise() -> None:
        state["seed"] += 2

    def update(K, N, **xs) -> str:
        k = int(K)
        num = int(round(N))
        for i in range(_MAX_K):
            controls[f"x{i}"].disabled = i >= k
        x = np.array([xs[f"x{i}"] for i in range(k)], dtype=np.float64)
        p = softmax(x)
        s = state["seed"]
        k_gm = gumbel_max_from_noise(x, cache.gumbel(s, k, num))
        k_ic = inverse_cdf(x, cache.uniform(s + 1, num))
        freqs = {}
        for label, samples in ((labels[0], k_gm), (labels[1], k_ic)):
            f, se = freqs[label] = frequencies(samples, k)
            _set_bar_group(bars[label], f, k)
            xs_c = centers[label][:k]
            errors[label].set_segments([((a, h - e), (a, h + e)) for a, h, e in zip(xs_c, f, se)])
        _set_bar_group(bars[labels[2]], p, k)
        gof_gm, gof_ic = goodness_of_fit(k_gm, p), goodness_of_fit(k_ic, p)
        state.update(gumbel=k_gm, reference=k_ic, probs=p, gof_gumbel=gof_gm, gof_reference=gof_ic, N=num, K=k)
        title.set_text(f"N = {num:,}: χ² p = {gof_gm.pvalue:.2f} (Gumbel-max), {gof_ic.pvalue:.2f} (inverse CDF)")
        tv_gm, tv_ic = (total_variation(freqs[label][0], p) for label in labels[:2])
        return (
            f"seed {s} &nbsp;·&nbsp; softmax(x) = {np.array2string(p, precision=3)} &nbsp;·&nbsp; "
            f"TV to softmax(x): Gumbel-max {tv_gm:.4f}, inverse CDF {tv_ic:.4f} "
            f"(expected about {float(expected_total_variation(p, num)):.4f})"
        )

    def layout(ctrls):
        return widgets.VBox(
            [
                widgets.HBox([ctrls["K"], ctrls["N"], ctrls["new noise"]]),
                widgets.HBox([ctrls[f"x{i}"] for i in range(3)]),
                widgets.HBox([ctrls[f"x{i}"] for i in range(3, _MAX_K)]),
            ]
        )

    return Explorer(
        fig,
        controls,
        update,
        artists={"bars": bars, "errors": errors, "title": title},
        state=state,
        dynamic=[p for b in bars.values() for p in b.patches] + list(errors.values()) + [title],
        background_key=axes_key(ax),
        live_recompute={"N": _LIVE_N},
        on_click={"new noise": new_noise},
        busy_message="drawing samples...",
        layout=layout,
    )


@records_call
def explore_shift_scale(
    logits: Sequence[float] = (1.0, 0.0, -0.5, 0.5), *, n_samples: int = 20_000, seed: int = 0
) -> Explorer:
    r"""Shift the logits by c (nothing changes) or scale them by beta (the law changes).

    The ``n_samples`` Gumbel-max samples of ``beta * x + c`` reuse one noise array drawn
    from ``rng=seed``: exactly what ``gumbel_max(beta * x + c, size=n_samples, rng=seed)``
    returns. Bars: frequencies of those samples (±1 standard error), the exact
    softmax(x) and softmax(beta x). The title says whether the samples are
    identical, one by one, to those of the unchanged logits.

    Parameters
    ----------
    logits : sequence of 2 to 7 floats, optional
        The logits x (finite).
    n_samples : int, optional
        Number of samples (1 to 1,000,000).
    seed : int, optional
        Seed of the noise.

    Returns
    -------
    Explorer
        Controls ``c`` (added to every logit, -10 to 10) and ``beta`` (multiplies
        every logit, 0.25 to 4, log scale). Artists ``bars``, ``errors``,
        ``title``; state ``samples``, ``baseline`` (the samples of x itself),
        ``identical``, ``probs`` (softmax(beta x)), ``gof``.
    """
    x = check_logit_vector(logits, (2, len(CATEGORY_COLORS)))
    seed = check_seed(seed)
    n_samples = int(check_in_range(n_samples, 1, 10**6, "n_samples"))
    k = x.size
    noise = sample_gumbel((n_samples, k), rng=seed)
    baseline = gumbel_max_from_noise(x, noise)
    state: dict = {"baseline": baseline}
    labels = (r"frequencies of argmax($\beta x + c + g$)", r"softmax$(x)$", r"softmax$(\beta x)$")

    fig, ax = new_figure(figsize=(8.4, 4.3))
    zeros = np.zeros(k)
    drawn = plot_frequency_bars(
        {labels[0]: (zeros, zeros), labels[1]: (softmax(x), None), labels[2]: (zeros, None)},
        ax=ax,
        colors=[METHOD_COLORS["gumbel"], PALETTE["green"], METHOD_COLORS["exact"]],
        ylim=(0.0, 1.0),
    )
    bars, errors, title = drawn["bars"], drawn["errors"], drawn["title"]
    centers = np.arange(k) - 0.8 / 3
    controls = make_controls(c=Slider(0.0, -10.0, 10.0, step=0.5, label="shift $c$", name="shift c"),
                             beta=LogSlider(1.0, 0.25, 4.0, label=r"scale $\beta$", name="scale beta"))

    def update(c, beta) -> str:
        z = beta * x + c
        samples = gumbel_max_from_noise(z, noise)
        f, se = frequencies(samples, k)
        q = softmax(beta * x)
        _set_bar_group(bars[labels[0]], f, k)
        errors[labels[0]].set_segments([((a, h - e), (a, h + e)) for a, h, e in zip(centers, f, se)])
        _set_bar_group(bars[labels[2]], q, k)
        identical = bool(np.array_equal(samples, baseline))
        gof = goodness_of_fit(samples, q)
        state.update(samples=samples, identical=identical, probs=q, gof=gof)
        title.set_text(f"c = {c:+.1f}, β = {beta:.3g}: same samples as x: {identical}, χ² p = {gof.pvalue:.2f}")
        return (
            f"N = {n_samples:,}, seed {seed} &nbsp;·&nbsp; {count_changed(baseline, samples):,} of the samples "
            f"differ from those of x &nbsp;·&nbsp; TV(freq, softmax(x)) = {total_variation(f, softmax(x)):.3f}, "
            f"TV(freq, softmax(βx)) = {total_variation(f, q):.3f} &nbsp;·&nbsp; χ² test against softmax(βx)"
        )

    return Explorer(
        fig,
        controls,
        update,
        artists={"bars": bars, "errors": errors, "title": title},
        state=state,
        dynamic=list(bars[labels[0]].patches) + list(bars[labels[2]].patches) + [errors[labels[0]], title],
        background_key=axes_key(ax),
        layout="top",
    )
