"""Statistics the notebooks use to compare samples with exact probabilities."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from ._validation import as_real_array

__all__ = [
    "frequencies",
    "total_variation",
    "GoodnessOfFit",
    "goodness_of_fit",
    "expected_total_variation",
    "running_mean",
    "density_histogram",
    "empirical_cdf",
    "count_changed",
    "gumbel_density",
    "MaxStability",
    "max_stability",
]


def _check_probs(probs: ArrayLike, name: str = "probs") -> np.ndarray:
    p = as_real_array(probs, name)
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {p.shape}")
    if not np.isfinite(p).all() or (p < 0).any() or not np.isclose(p.sum(), 1.0, atol=1e-9):
        raise ValueError(f"{name} must be finite, >= 0 and sum to 1")
    return p


def _counts(samples: ArrayLike, num_categories: int) -> np.ndarray:
    k = np.asarray(samples)
    if k.size == 0:
        raise ValueError("samples must not be empty")
    if not np.issubdtype(k.dtype, np.integer) or k.min() < 0 or k.max() >= num_categories:
        raise ValueError(f"samples must be integers in [0, {num_categories})")
    return np.bincount(k.ravel(), minlength=num_categories)


def frequencies(samples: ArrayLike, num_categories: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Empirical frequencies of category indices and their standard errors.

    Parameters
    ----------
    samples : array_like of int, any shape
        Sampled category indices, each in ``[0, num_categories)``; not empty
        (ValueError otherwise).
    num_categories : int
        Number of categories K.

    Returns
    -------
    freq : ndarray, shape (K,)
        :math:`\hat p_k = n_k / N`.
    stderr : ndarray, shape (K,)
        :math:`\sqrt{\hat p_k (1 - \hat p_k) / N}`, the binomial standard error.

    Examples
    --------
    >>> frequencies([0, 2, 2, 2], 3)[0]
    array([0.25, 0.  , 0.75])
    """
    n = _counts(samples, num_categories)
    freq = n / n.sum()
    return freq, np.sqrt(freq * (1.0 - freq) / n.sum())


def total_variation(p: ArrayLike, q: ArrayLike) -> float:
    r"""Total-variation distance :math:`\tfrac12 \sum_k |p_k - q_k|` between two distributions.

    It is the largest difference in probability the two give to any event; for
    empirical frequencies of N samples it shrinks like :math:`1/\sqrt{N}`.

    Parameters
    ----------
    p, q : array_like, shape (K,)
        Probability vectors: finite, >= 0, summing to 1 (ValueError naming the argument otherwise).

    Examples
    --------
    >>> total_variation([0.5, 0.5], [0.9, 0.1])
    0.4
    >>> total_variation([2, 3], [0.5, 0.5])
    Traceback (most recent call last):
    ...
    ValueError: p must be finite, >= 0 and sum to 1
    """
    p, q = _check_probs(p, "p"), _check_probs(q, "q")
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got {p.shape} and {q.shape}")
    return float(0.5 * np.abs(p - q).sum())


class GoodnessOfFit(NamedTuple):
    """Result of :func:`goodness_of_fit`."""

    statistic: float
    pvalue: float
    dof: int
    impossible: int


def goodness_of_fit(samples: ArrayLike, probs: ArrayLike, *, min_expected: float = 5.0) -> GoodnessOfFit:
    r"""Pearson chi-square test of sampled category indices against probabilities.

    Categories whose expected count :math:`N p_k` is below ``min_expected`` are
    pooled into one bin (the chi-square approximation needs about 5 expected
    per bin). Categories with :math:`p_k = 0` are left out of the test; if any
    sample landed in one, the p-value is 0 and ``impossible`` counts them.

    Parameters
    ----------
    samples : array_like of int, any shape
        Sampled category indices, each in ``[0, K)``; not empty.
    probs : array_like, shape (K,)
        The probabilities to test against: finite, >= 0, summing to 1.
    min_expected : float, optional
        Smallest expected count of a bin; smaller ones are pooled (default 5).

    Returns
    -------
    GoodnessOfFit
        ``statistic``, ``pvalue`` (from :func:`scipy.stats.chisquare`), degrees of
        freedom and the number of samples in impossible categories.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils import gumbel_max, goodness_of_fit, softmax
    >>> x = np.array([0.0, 1.0, 2.0])
    >>> r = goodness_of_fit(gumbel_max(x, size=10_000, rng=0), softmax(x))
    >>> bool(r.pvalue > 0.001), r.dof
    (True, 2)
    """
    p = _check_probs(probs)
    n = _counts(samples, p.size)
    total = n.sum()
    impossible = int(n[p == 0].sum())
    if impossible:
        return GoodnessOfFit(np.inf, 0.0, 0, impossible)
    possible = p > 0
    obs, exp = n[possible], total * p[possible]
    small = exp < min_expected
    if small.any():
        obs = np.append(obs[~small], obs[small].sum())
        exp = np.append(exp[~small], exp[small].sum())
        if exp[-1] < min_expected and exp.size > 1:  # fold a still-small pool into the smallest bin
            i = np.argmin(exp[:-1])
            obs[i] += obs[-1]
            exp[i] += exp[-1]
            obs, exp = obs[:-1], exp[:-1]
    if exp.size < 2:
        return GoodnessOfFit(0.0, 1.0, 0, 0)
    res = stats.chisquare(obs, exp * (obs.sum() / exp.sum()))
    return GoodnessOfFit(float(res.statistic), float(res.pvalue), int(exp.size - 1), 0)


# --- added for the figures (viz helper, issue 9): numbers the figures draw, computed here


def expected_total_variation(probs: ArrayLike, n: ArrayLike) -> np.ndarray:
    r"""Large-N expected total variation between the frequencies of ``n`` samples and ``probs``.

    Each :math:`\hat p_k - p_k` is nearly normal with standard deviation
    :math:`\sigma_k = \sqrt{p_k(1-p_k)/N}`, and :math:`E|Z| = \sigma\sqrt{2/\pi}`, so

    .. math:: E\,\mathrm{TV} \approx \tfrac12 \sum_k \sigma_k \sqrt{2/\pi}
              = \sum_k \sqrt{\frac{p_k (1 - p_k)}{2\pi N}} \propto \frac{1}{\sqrt N}.

    Parameters
    ----------
    probs : array_like, shape (K,)
        The exact distribution (finite, >= 0, sums to 1).
    n : int or array_like of int
        Sample sizes (>= 1).

    Returns
    -------
    ndarray
        The expected TV for each ``n`` (shape of ``n``).

    Examples
    --------
    >>> round(float(expected_total_variation([0.5, 0.5], 100)), 4)
    0.0399
    """
    p = _check_probs(probs)
    sizes = np.asarray(n, dtype=np.float64)
    if not np.isfinite(sizes).all() or (sizes < 1).any():
        raise ValueError("n must be finite sample sizes >= 1")
    return np.sqrt(p * (1.0 - p) / (2.0 * np.pi)).sum() / np.sqrt(sizes)


def running_mean(values: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    r"""Running mean of a sequence and its standard error after each value.

    After :math:`N` values: :math:`\bar v_N = \frac1N\sum_{i\le N} v_i` and
    :math:`\hat\sigma_N/\sqrt N` with :math:`\hat\sigma_N^2 = \frac1N\sum_{i\le N} v_i^2 - \bar v_N^2`
    (the plug-in variance, clipped at 0 against rounding).

    Parameters
    ----------
    values : array_like, shape (N,)
        Finite numbers, in order (for example single-sample gradient estimates).

    Returns
    -------
    mean, se : ndarray, shape (N,)

    Examples
    --------
    >>> mean, se = running_mean([1.0, 3.0, 2.0])
    >>> mean.tolist(), se.round(4).tolist()
    ([1.0, 2.0, 2.0], [0.0, 0.7071, 0.4714])
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 1 or v.size == 0 or not np.isfinite(v).all():
        raise ValueError(f"values must be a non-empty 1-D array of finite numbers, got shape {v.shape}")
    n = np.arange(1, v.size + 1)
    mean = np.cumsum(v) / n
    var = np.maximum(np.cumsum(v * v) / n - mean**2, 0.0)
    return mean, np.sqrt(var / n)


def density_histogram(values: ArrayLike, edges: ArrayLike) -> np.ndarray:
    r"""Histogram of ``values`` as a density over all of them: heights :math:`n_j / (N\,\Delta_j)`.

    Unlike ``numpy.histogram(..., density=True)``, the heights are divided by the number of
    all values N, also those outside ``edges``: so the bars estimate the density itself (drawn
    against an exact density, they agree in expectation), not the density given the range.

    Parameters
    ----------
    values : array_like
        Finite numbers (any shape; flattened).
    edges : array_like, shape (B + 1,)
        Increasing bin edges.

    Returns
    -------
    ndarray, shape (B,)
        The height of each bin (the last bin holds its right edge, as in ``numpy.histogram``).

    Examples
    --------
    >>> density_histogram([0.1, 0.2, 0.7, 5.0], [0.0, 0.5, 1.0])
    array([1. , 0.5])
    """
    v = as_real_array(values, "values").ravel()
    e = as_real_array(edges, "edges")
    if v.size == 0 or not np.isfinite(v).all():
        raise ValueError("values must be a non-empty array of finite numbers")
    if e.ndim != 1 or e.size < 2 or not np.isfinite(e).all() or (np.diff(e) <= 0).any():
        raise ValueError("edges must be a 1-D increasing array of at least 2 finite numbers")
    counts, _ = np.histogram(v, bins=e)
    return counts / (v.size * np.diff(e))


def empirical_cdf(values: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    r"""The empirical CDF of ``values``: the sorted values and :math:`\hat F = i / N` at the i-th of them.

    Parameters
    ----------
    values : array_like, shape (N,)
        Finite numbers.

    Returns
    -------
    x, cdf : ndarray, shape (N,)

    Examples
    --------
    >>> x, F = empirical_cdf([3.0, 1.0, 2.0, 2.0])
    >>> x.tolist(), F.tolist()
    ([1.0, 2.0, 2.0, 3.0], [0.25, 0.5, 0.75, 1.0])
    """
    v = as_real_array(values, "values")
    if v.ndim != 1 or v.size == 0 or not np.isfinite(v).all():
        raise ValueError(f"values must be a non-empty 1-D array of finite numbers, got shape {v.shape}")
    return np.sort(v), np.arange(1, v.size + 1) / v.size


def count_changed(before: ArrayLike, after: ArrayLike) -> int:
    """How many entries differ between two arrays of samples of the same shape (e.g. before and after a shift).

    Parameters
    ----------
    before, after : array_like
        Samples of equal shape.

    Examples
    --------
    >>> count_changed([0, 1, 2, 2], [0, 2, 2, 1])
    2
    """
    a, b = np.asarray(before), np.asarray(after)
    if a.shape != b.shape:
        raise ValueError(f"before and after must have the same shape, got {a.shape} and {b.shape}")
    return int(np.count_nonzero(a != b))


def gumbel_density(g: ArrayLike, loc: float = 0.0) -> np.ndarray:
    r"""Density of the Gumbel law with location ``loc`` (scale 1): :math:`e^{-(g - \mu) - e^{-(g - \mu)}}`.

    Parameters
    ----------
    g : array_like
        Where to evaluate it.
    loc : float, optional
        The location :math:`\mu` (the law of :math:`\max_k (x_k + g_k)` has :math:`\mu = \operatorname{logsumexp}(x)`).

    Examples
    --------
    >>> round(float(gumbel_density(0.0)), 4)   # e^{-1}
    0.3679
    """
    return stats.gumbel_r.pdf(as_real_array(g, "g"), loc=float(loc))


class MaxStability(NamedTuple):
    r"""Histograms of :math:`M = \max_k (x_k + g_k)` given each winner k, and the Gumbel law they share."""

    loc: float  #: the location logsumexp(x) of the law of M
    edges: np.ndarray  #: bin edges, (B + 1,)
    density: dict  #: winner k -> density of M given k (:func:`density_histogram` of those maxima), (B,)
    count: dict  #: winner k -> how many draws k won


def max_stability(index: ArrayLike, maximum: ArrayLike, logits: ArrayLike, *, bins: int = 60) -> MaxStability:
    r"""The max-stability check: the law of :math:`M = \max_k (x_k + g_k)` given each winner k.

    Whichever k wins, :math:`M \sim \mathrm{Gumbel}(\operatorname{logsumexp}(x))`; the histograms are
    :func:`density_histogram` of the maxima won by each k, on ``bins`` bins over
    :math:`[\mu - 3, \mu + 7]`. Winners that never won are left out.

    Parameters
    ----------
    index, maximum : array_like, shape (N,)
        The winners and the maxima, as :func:`gumbel_utils.perturbed_max` returns them.
    logits : array_like, shape (K,)
        The logits x.
    bins : int, optional
        Number of bins.

    Examples
    --------
    >>> r = max_stability([0, 1, 1], [0.5, 1.0, 2.0], [0.0, 0.0], bins=10)
    >>> round(r.loc, 4), sorted(r.count.items())
    (0.6931, [(0, 1), (1, 2)])
    """
    from scipy.special import logsumexp

    x = as_real_array(logits, "logits")
    k = np.asarray(index)
    m = as_real_array(maximum, "maximum")
    if x.ndim != 1 or k.shape != m.shape or m.ndim != 1:
        raise ValueError("logits must be 1-D and index, maximum 1-D arrays of the same length")
    loc = float(logsumexp(x))
    edges = np.linspace(loc - 3.0, loc + 7.0, int(bins) + 1)
    density, count = {}, {}
    for j in range(x.size):
        won = m[k == j]
        if won.size:
            density[j], count[j] = density_histogram(won, edges), int(won.size)
    return MaxStability(loc, edges, density, count)
