"""Figures and explorers of notebook 1: sampling is not argmax (the Gumbel-max trick).

``plot_*`` functions draw data they are given on an Axes (``ax=None`` makes a new
pyplot one) and return their artists; the notebook computes the data in its own
cells, so the math stays visible. ``explore_*`` builders make one figure and
return an :class:`~gumbel_utils.viz.explorer.Explorer`.

- :func:`plot_draws`: the first draws of several procedures, draw by draw.
- :func:`plot_gumbel_histogram`: a histogram of Gumbel draws against the density.
- :func:`plot_frequency_bars`: side-by-side bars (frequencies with error bars, exact probabilities).
- :func:`plot_convergence`: total variation against N on log-log axes, with the 1/sqrt(N) law.
- :func:`plot_max_stability`: the law of max_k (x_k + g_k), overall and given the winner.
- :func:`explore_gumbel_max`: sliders for the logits, N and fresh noise; both samplers against softmax(x).
- :func:`explore_shift_scale`: x + c leaves every sample unchanged, beta * x changes the law.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from scipy import stats
from scipy.special import logsumexp

from .._checks import check_logits
from ..numerics import softmax
from ..sampling import _inverse_cdf, sample_gumbel
from ..stats import frequencies, goodness_of_fit, total_variation
from .explorer import BlitCanvas, Explorer
from .style import CATEGORY_COLORS, PALETTE, course_style, new_figure, pyplot_axes

__all__ = [
    "METHOD_COLORS",
    "expected_total_variation",
    "plot_draws",
    "plot_gumbel_histogram",
    "plot_frequency_bars",
    "plot_convergence",
    "plot_max_stability",
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

#: Euler-Mascheroni constant: the mean of a standard Gumbel.
EULER_GAMMA = float(np.euler_gamma)


def _color_cycle(i: int) -> str:
    order = (METHOD_COLORS["gumbel"], METHOD_COLORS["reference"], PALETTE["green"], PALETTE["purple"])
    return order[i % len(order)]


def expected_total_variation(probs: Sequence[float], n: np.ndarray | float) -> np.ndarray:
    r"""Large-N expected total variation of the frequencies of ``n`` samples from ``probs``.

    Each :math:`\hat p_k - p_k` is nearly normal with standard deviation
    :math:`\sigma_k = \sqrt{p_k(1-p_k)/N}` and :math:`E|Z| = \sigma\sqrt{2/\pi}`, so

    .. math:: E\,\mathrm{TV} \approx \tfrac12 \sum_k \sigma_k \sqrt{2/\pi}
              = \sum_k \sqrt{\frac{p_k (1 - p_k)}{2\pi N}} .

    >>> round(float(expected_total_variation([0.5, 0.5], 100)), 4)
    0.0399
    """
    p = np.asarray(probs, dtype=np.float64)
    return np.sqrt(p * (1.0 - p) / (2.0 * np.pi)).sum() / np.sqrt(np.asarray(n, dtype=np.float64))


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

    Returns
    -------
    dict
        ``lines``: label -> Line2D (x = draw number 1..n, y = category plus a
        small offset so that the rows do not overlap; ``categories`` keeps the
        values without offset).
    """
    ax = pyplot_axes(ax, figsize=(9.0, 3.8))
    labels = list(draws)
    offsets = np.linspace(-0.15, 0.15, len(labels)) if len(labels) > 1 else np.zeros(1)
    lines = {}
    with course_style():
        for i, label in enumerate(labels):
            k = np.asarray(draws[label])
            color = METHOD_COLORS["argmax"] if "argmax" in label else _color_cycle(i)
            (line,) = ax.plot(
                np.arange(1, k.size + 1), k + offsets[i], "o-", lw=0.8, ms=6, color=color, label=label, alpha=0.9
            )
            lines[label] = line
        ax.set_yticks(range(num_categories))
        ax.set_ylim(-0.5, num_categories - 0.5)
        ax.set_xlabel("draw number")
        ax.set_ylabel("category $k$")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=len(labels), frameon=False)
        ax.set_title(title or "argmax returns one category every time; sampling varies")
    return {"lines": lines, "categories": {label: np.asarray(draws[label]) for label in labels}}


def plot_gumbel_histogram(g: np.ndarray, *, bins: int = 80, ax=None, title: str | None = None):
    """Density histogram of draws ``g`` against the standard Gumbel density ``exp(-g - e^{-g})``.

    Returns
    -------
    dict
        ``hist`` (the bar patches), ``density`` (histogram heights), ``edges``,
        ``pdf`` (the Line2D of :func:`scipy.stats.gumbel_r.pdf`), ``mean`` (the vertical line).
    """
    g = np.asarray(g, dtype=np.float64)
    ax = pyplot_axes(ax)
    lo, hi = np.quantile(g, [0.0005, 0.9995])
    edges = np.linspace(min(lo, -2.5), max(hi, 8.0), bins + 1)
    with course_style():
        density, edges, patches = ax.hist(
            g, bins=edges, density=True, color=PALETTE["sky"], alpha=0.7, label=f"histogram of {g.size:,} draws"
        )
        grid = np.linspace(edges[0], edges[-1], 400)
        (pdf,) = ax.plot(grid, stats.gumbel_r.pdf(grid), color=PALETTE["black"], label=r"$e^{-g-e^{-g}}$ (Gumbel pdf)")
        mean = ax.axvline(EULER_GAMMA, color=PALETTE["vermillion"], ls="--", lw=1.8, label=r"mean $\gamma \approx 0.577$")
        ax.set_xlabel(r"$g = -\log(-\log U)$")
        ax.set_ylabel("density")
        ax.legend(loc="upper right")
        ax.set_title(title or r"$-\log(-\log U)$ is standard Gumbel")
    return {"hist": patches, "density": density, "edges": edges, "pdf": pdf, "mean": mean}


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
    colors : sequence of str, optional
        One colour per group. Default: filled blue, orange... for groups with
        error bars; groups without (exact probabilities) are hollow, the last
        black and any other green.

    Returns
    -------
    dict
        ``bars``: label -> BarContainer; ``errors``: label -> LineCollection
        (vertical segments ``height ± stderr``); ``title``: the title Text;
        ``ax``.
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
    return {"bars": bars, "errors": errors, "title": text, "ax": ax}


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
        The exact distribution (for the reference line :func:`expected_total_variation`).

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
            (lines[label],) = ax.loglog(ns, values, "o-", ms=5, color=_color_cycle(i), label=label)
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


def plot_max_stability(
    index: np.ndarray, maximum: np.ndarray, logits: Sequence[float], *, bins: int = 60, ax=None, title: str | None = None
):
    r"""Histograms of :math:`M = \max_k (x_k + g_k)` given each winner k, against Gumbel(logsumexp(x)).

    Parameters
    ----------
    index, maximum : arrays
        The winners and the maxima, as :func:`gumbel_utils.perturbed_max` returns them.
    logits : array
        The logits x (the location of the Gumbel law is ``logsumexp(x)``).

    Returns
    -------
    dict
        ``steps``: k -> the step-histogram patch of :math:`M` given winner k;
        ``density``: k -> the histogram heights; ``edges``; ``pdf`` (Line2D).
    """
    x = check_logits(logits, ndim=(1,))
    index, maximum = np.asarray(index), np.asarray(maximum, dtype=np.float64)
    loc = float(logsumexp(x))
    ax = pyplot_axes(ax)
    edges = np.linspace(loc - 3.0, loc + 7.0, bins + 1)
    steps, densities = {}, {}
    with course_style():
        for k in range(x.size):
            mk = maximum[index == k]
            if mk.size == 0:
                continue
            dens, _, patches = ax.hist(
                mk,
                bins=edges,
                density=True,
                histtype="step",
                lw=2.0,
                color=CATEGORY_COLORS[k % len(CATEGORY_COLORS)],
                label=f"given winner $k={k}$ ({mk.size:,})",
            )
            steps[k], densities[k] = patches[0], dens
        grid = np.linspace(edges[0], edges[-1], 400)
        (pdf,) = ax.plot(
            grid,
            stats.gumbel_r.pdf(grid, loc=loc),
            color=PALETTE["black"],
            ls="--",
            lw=2.4,
            label=rf"Gumbel(logsumexp $x$ = {loc:.2f})",
        )
        ax.set_xlabel(r"$M = \max_k\,(x_k + g_k)$")
        ax.set_ylabel("density")
        ax.legend(loc="upper right", fontsize=10.5)
        ax.set_title(title or r"$M \sim$ Gumbel(logsumexp $x$), whichever $k$ wins")
    return {"steps": steps, "density": densities, "edges": edges, "pdf": pdf}


# --------------------------------------------------------------------------------------
# explorers
# --------------------------------------------------------------------------------------

_MAX_K = 5
_LIVE_N = 100_000


class _NoiseCache:
    """Noise for the explorer, drawn once per (seed, K) and sliced by N.

    ``gumbel(seed, K, n)`` returns the first n rows of standard Gumbel noise of
    shape (n, K) exactly as :func:`gumbel_utils.gumbel_max` draws it from
    ``rng=seed`` (a Generator fills arrays in C order, so the first rows of a
    longer draw are the same numbers). ``uniform(seed, n)`` is the same for
    the n uniforms :func:`gumbel_utils.sample_categorical` draws.
    """

    def __init__(self) -> None:
        self._gumbel: dict[tuple[int, int], np.ndarray] = {}
        self._uniform: dict[int, np.ndarray] = {}

    def gumbel(self, seed: int, k: int, n: int) -> np.ndarray:
        key = (seed, k)
        have = self._gumbel.get(key)
        if have is None or have.shape[0] < n:
            if len(self._gumbel) >= 3 or n > _LIVE_N:  # bounded memory: 3 small arrays (one per K) or 1 big
                self._gumbel.clear()
            have = sample_gumbel((max(n, _LIVE_N), k), rng=seed)
            self._gumbel[key] = have
        return have[:n]

    def uniform(self, seed: int, n: int) -> np.ndarray:
        have = self._uniform.get(seed)
        if have is None or have.size < n:
            if len(self._uniform) >= 3 or n > _LIVE_N:
                self._uniform.clear()
            have = np.random.default_rng(seed).random(max(n, _LIVE_N))
            self._uniform[seed] = have
        return have[:n]


def _gumbel_max_from_noise(x: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """``argmax(x + g)`` with the same floating-point steps as :func:`gumbel_utils.gumbel_max`."""
    z = noise + (x - x.max())
    return z.argmax(axis=-1)


def _blit(fig, ax, animated) -> BlitCanvas:
    """Redraw only ``animated`` over a cached background, redrawn when ``ax``'s limits or ticks change."""
    return BlitCanvas(fig, animated, background_key=lambda: (ax.get_xlim(), ax.get_ylim(), tuple(ax.get_xticks())))


def _set_bar_group(container, heights: np.ndarray, num_visible: int) -> None:
    for i, patch in enumerate(container.patches):
        visible = i < num_visible
        patch.set_visible(visible)
        patch.set_height(float(heights[i]) if visible else 0.0)


def explore_gumbel_max(
    logits: Sequence[float] = (1.0, 0.0, -0.5, 0.5, -1.0),
    num_categories: int | None = None,
    n: int = 1000,
    seed: int = 0,
) -> Explorer:
    """Both samplers against the exact softmax(x): a slider per logit, N on a log scale, new noise.

    Controls: ``K`` (3, 4 or 5 categories; default ``len(logits)`` clipped to
    3..5), ``x0`` .. ``x4`` (logits, starting at ``logits`` padded with zeros;
    those beyond K are disabled), ``N`` (number of samples, 10 to 1e6, log scale),
    ``new noise`` (a button: the next seed). Gumbel-max samples come from
    ``rng=seed`` and the inverse-CDF reference from ``rng=seed + 1``; the button
    adds 2 to ``seed``. The noise for up to 1e5 samples is drawn once per seed
    and K and sliced, so moving a logit reuses the same noise: bars move
    because the law moves, not because the noise was redrawn.

    Artists (``explorer.artists``): ``bars`` (label -> BarContainer of 5
    patches, those beyond K hidden), ``errors`` (label -> LineCollection of
    ±1 standard-error segments), ``title``; ``state`` is a dict with the
    current ``seed``, the samples ``gumbel`` and ``reference``, ``probs`` and
    the two :class:`~gumbel_utils.GoodnessOfFit` results.
    """
    x0 = check_logits(logits, ndim=(1,))
    if x0.size > _MAX_K or np.isinf(x0).any():
        raise ValueError(f"logits must hold at most {_MAX_K} finite values (one per slider), got {x0.size}")
    if num_categories is None:
        num_categories = min(max(x0.size, 3), _MAX_K)
    x0 = np.concatenate([x0, np.zeros(_MAX_K - x0.size)])
    if num_categories not in (3, 4, 5):
        raise ValueError(f"num_categories must be 3, 4 or 5, got {num_categories!r}")
    labels = ("Gumbel-max: argmax(x + g)", "inverse CDF: sample_categorical", "exact softmax(x)")
    cache = _NoiseCache()
    state: dict = {"seed": int(seed)}

    fig, ax = new_figure(figsize=(9.0, 4.6))
    zeros = np.zeros(_MAX_K)
    drawn = plot_frequency_bars(
        {labels[0]: (zeros, zeros), labels[1]: (zeros, zeros), labels[2]: (zeros, None)}, ax=ax, ylim=(0.0, 1.0)
    )
    bars, errors, title = drawn["bars"], drawn["errors"], drawn["title"]
    _blit(fig, ax, [p for b in bars.values() for p in b.patches] + list(errors.values()) + [title])
    width = 0.8 / 3
    centers = {lab: np.arange(_MAX_K) + (i - 1) * width for i, lab in enumerate(labels)}

    # ipywidgets 8 renders a ToggleButtons' description as a block above its buttons; a flex
    # layout puts it on the same line, like the sliders' descriptions.
    controls: dict[str, widgets.Widget] = {
        "K": widgets.ToggleButtons(
            options=[3, 4, 5], value=num_categories, description="categories K", tooltips=["K = 3", "K = 4", "K = 5"],
            style={"description_width": "initial", "button_width": "64px"},
            layout=widgets.Layout(display="flex", align_items="center", width="auto"),
        ),
    }
    for i in range(_MAX_K):
        controls[f"x{i}"] = widgets.FloatSlider(
            value=float(x0[i]), min=-4.0, max=4.0, step=0.1, description=f"$x_{i}$", readout_format=".1f"
        )
    controls["N"] = widgets.FloatLogSlider(
        value=float(n), base=10, min=1, max=6, step=0.1, description="N", readout_format=",.0f",
        continuous_update=False,
    )
    controls["new noise"] = widgets.Button(description="new noise", icon="refresh")

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
        k_gm = _gumbel_max_from_noise(x, cache.gumbel(s, k, num))
        k_ic = _inverse_cdf(x, cache.uniform(s + 1, num))
        for label, samples in ((labels[0], k_gm), (labels[1], k_ic)):
            f, se = frequencies(samples, k)
            _set_bar_group(bars[label], f, k)
            xs_c = centers[label][:k]
            errors[label].set_segments([((a, h - e), (a, h + e)) for a, h, e in zip(xs_c, f, se)])
        _set_bar_group(bars[labels[2]], p, k)
        gof_gm, gof_ic = goodness_of_fit(k_gm, p), goodness_of_fit(k_ic, p)
        state.update(gumbel=k_gm, reference=k_ic, probs=p, gof_gumbel=gof_gm, gof_reference=gof_ic, N=num, K=k)
        ax.set_xlim(-0.5, k - 0.5)
        ax.set_xticks(range(k))
        title.set_text(
            f"N = {num:,}: Gumbel-max vs softmax(x), χ² p = {gof_gm.pvalue:.2f} "
            f"(inverse CDF: p = {gof_ic.pvalue:.2f})"
        )
        tv_gm, tv_ic = total_variation(frequencies(k_gm, k)[0], p), total_variation(frequencies(k_ic, k)[0], p)
        return (
            f"seed {s} &nbsp;·&nbsp; softmax(x) = {np.array2string(p, precision=3)} &nbsp;·&nbsp; "
            f"TV to softmax(x): Gumbel-max {tv_gm:.4f}, inverse CDF {tv_ic:.4f} "
            f"(expected about {float(expected_total_variation(p, num)):.4f})"
        )

    def layout(ctrls):
        sliders = [ctrls[f"x{i}"] for i in range(_MAX_K)]
        return widgets.VBox(
            [
                widgets.HBox([ctrls["K"], ctrls["new noise"]]),
                widgets.HBox(sliders[:3]),
                widgets.HBox(sliders[3:] + [ctrls["N"]]),
            ]
        )

    explorer = Explorer(
        fig,
        controls,
        update,
        artists={"bars": bars, "errors": errors, "title": title, "state": state, "ax": ax},
        on_click={"new noise": new_noise},
        busy_message="drawing samples...",
        layout_controls=layout,
    )
    return explorer


def explore_shift_scale(
    logits: Sequence[float] = (1.0, 0.0, -0.5, 0.5), n: int = 20_000, seed: int = 0
) -> Explorer:
    r"""Shift the logits by c (nothing changes) or scale them by beta (the law changes).

    Controls: ``c`` (added to every logit, -10 to 10) and ``beta`` (multiplies
    every logit, 0.25 to 4, log scale). The ``n`` Gumbel-max samples of
    ``beta * x + c`` reuse one noise array drawn from ``rng=seed``, exactly
    what ``gumbel_max(beta * x + c, size=n, rng=seed)`` returns.

    Bars: frequencies of those samples (±1 standard error), the exact
    softmax(x) and softmax(beta x). The title says whether the samples are
    identical, one by one, to those of the unchanged logits.

    Artists: ``bars``, ``errors``, ``title``, and ``state`` with ``samples``,
    ``baseline`` (the samples of x itself) and ``identical``.
    """
    x = check_logits(logits, ndim=(1,), allow_neg_inf=False)
    k = x.size
    noise = sample_gumbel((int(n), k), rng=seed)
    baseline = _gumbel_max_from_noise(x, noise)
    state: dict = {"baseline": baseline}
    labels = (r"frequencies of argmax($\beta x + c + g$)", r"softmax$(x)$", r"softmax$(\beta x)$")

    fig, ax = new_figure(figsize=(9.0, 4.6))
    zeros = np.zeros(k)
    drawn = plot_frequency_bars(
        {labels[0]: (zeros, zeros), labels[1]: (softmax(x), None), labels[2]: (zeros, None)},
        ax=ax,
        colors=[METHOD_COLORS["gumbel"], PALETTE["green"], METHOD_COLORS["exact"]],
        ylim=(0.0, 1.0),
    )
    bars, errors, title = drawn["bars"], drawn["errors"], drawn["title"]
    _blit(fig, ax, list(bars[labels[0]].patches) + list(bars[labels[2]].patches) + [errors[labels[0]], title])
    centers = np.arange(k) - 0.8 / 3
    controls = {
        "c": widgets.FloatSlider(value=0.0, min=-10.0, max=10.0, step=0.5, description="shift $c$"),
        "beta": widgets.FloatLogSlider(
            value=1.0, base=2, min=-2, max=2, step=0.125, description=r"scale $\beta$", readout_format=".3g"
        ),
    }

    def update(c, beta) -> str:
        z = beta * x + c
        samples = _gumbel_max_from_noise(z, noise)
        f, se = frequencies(samples, k)
        q = softmax(beta * x)
        _set_bar_group(bars[labels[0]], f, k)
        errors[labels[0]].set_segments([((a, h - e), (a, h + e)) for a, h, e in zip(centers, f, se)])
        _set_bar_group(bars[labels[2]], q, k)
        identical = bool(np.array_equal(samples, baseline))
        gof = goodness_of_fit(samples, q)
        state.update(samples=samples, identical=identical, probs=q, gof=gof)
        title.set_text(
            f"c = {c:+.1f}, β = {beta:.3g}: samples identical to those of x: {identical}; "
            f"vs softmax(βx) χ² p = {gof.pvalue:.2f}"
        )
        return (
            f"N = {int(n):,}, seed {seed} &nbsp;·&nbsp; {int((samples != baseline).sum()):,} of the samples "
            f"differ from those of x &nbsp;·&nbsp; TV(freq, softmax(x)) = {total_variation(f, softmax(x)):.3f}, "
            f"TV(freq, softmax(βx)) = {total_variation(f, q):.3f}"
        )

    explorer = Explorer(
        fig,
        controls,
        update,
        artists={"bars": bars, "errors": errors, "title": title, "state": state, "ax": ax},
        layout_controls=lambda c: widgets.HBox(list(c.values())),
    )
    return explorer


#: Up to this N the explorer redraws live (p95 <= 50 ms); above it, it draws new samples
#: with a busy message (read by ``benchmarks/bench_widgets.py``).
explore_gumbel_max.live_limit = {"N": _LIVE_N}
