r"""How single-sample gradient estimates spread: many tiny ones, a few huge ones that carry the variance.

At a small temperature the relaxed and straight-through estimates are almost all near zero, with
rare estimates of size :math:`1/\tau` that carry the second moment (Notebook 3, Section 3):

- :func:`tail_share`: the share of :math:`\sum_s \lVert\hat g_s\rVert^2` in the largest estimates;
- :func:`estimate_spread`: that share, the share of near-zero estimates and the largest one;
- :func:`log_magnitude_histogram`: the fractions per bin of :math:`\log_{10}|\hat g_k|`, for a
  histogram on a log axis.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["tail_share", "LOG_MAGNITUDE_EDGES", "log_magnitude_histogram", "EstimateSpread", "estimate_spread"]


def tail_share(estimates: ArrayLike, top: float = 0.01) -> float:
    r"""Share of :math:`\sum_s \lVert \hat g_s \rVert^2` carried by the largest ``top`` fraction of estimates.

    Parameters
    ----------
    estimates : array_like, shape (..., K)
    top : float
        The fraction of largest estimates, in (0, 1].

    For the pathwise estimators at a small tau, a few huge estimates carry almost
    all of the second moment: that is where their variance comes from.

    >>> import numpy as np
    >>> tail_share(np.r_[np.zeros(99), 10.0][:, None])
    1.0
    """
    g = np.asarray(estimates, dtype=np.float64)
    sq = np.sort(np.einsum("...k,...k->...", g, g).ravel())
    total = sq.sum()
    if total == 0:
        return 0.0
    count = max(1, int(round(top * sq.size)))
    return float(sq[-count:].sum() / total)


#: Bin edges of :func:`log_magnitude_histogram`: :math:`\log_{10}|\hat g_k|` from -6 to 4 in 50 bins.
LOG_MAGNITUDE_EDGES = np.linspace(-6.0, 4.0, 51)


def log_magnitude_histogram(estimates: ArrayLike, *, component: int = 0,
                            edges: ArrayLike | None = None) -> np.ndarray:
    r"""Fraction of single-sample estimates per bin of :math:`\log_{10}|\hat g_k|`.

    A log axis shows both the many near-zero estimates and the rare huge ones that
    carry the variance. Values below the first edge (exact zeros included) count in
    the first bin, values above the last edge in the last, so the fractions sum to 1.

    Parameters
    ----------
    estimates : array_like, shape (..., K)
        Single-sample estimates (for example ``(n, K)``).
    component : int, optional
        Which component k.
    edges : array_like, optional
        Bin edges in :math:`\log_{10}` units (default :data:`LOG_MAGNITUDE_EDGES`).

    Returns
    -------
    ndarray, shape (len(edges) - 1,)

    Examples
    --------
    >>> frac = log_magnitude_histogram(np.array([[0.0], [1e-3], [10.0], [1e9]]))
    >>> float(frac.sum()), float(frac[0]), float(frac[-1])
    (1.0, 0.25, 0.25)
    """
    g = np.asarray(estimates, dtype=np.float64)
    e = LOG_MAGNITUDE_EDGES if edges is None else np.asarray(edges, dtype=np.float64)
    if g.ndim < 1 or not -g.shape[-1] <= component < g.shape[-1]:
        raise ValueError(f"component must index the last axis of estimates (shape {g.shape}), got {component}")
    if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0):
        raise ValueError("edges must be an increasing 1-D array of at least 2 values")
    a = np.abs(g[..., component])
    with np.errstate(divide="ignore"):
        la = np.clip(np.log10(a), e[0], e[-1] - 1e-9 * (e[-1] - e[0]))
    counts, _ = np.histogram(la, bins=e)
    return counts / a.size


class EstimateSpread(NamedTuple):
    """How single-sample estimates spread: many tiny ones, a few huge ones (see :func:`estimate_spread`)."""

    small_share: float  #: share of estimates with |g_k| < ``small``
    tail_share: float  #: share of sum ||g||^2 carried by the largest ``top`` fraction (:func:`tail_share`)
    max_abs: float  #: the largest |g_k|


def estimate_spread(estimates: ArrayLike, *, component: int = 0, small: float = 0.01,
                    top: float = 0.01) -> EstimateSpread:
    r"""Share of near-zero estimates, share of the second moment in the largest ones, and the largest.

    Parameters
    ----------
    estimates : array_like, shape (n, K)
        Single-sample estimates.
    component : int, optional
        The component k of ``small_share`` and ``max_abs``.
    small : float, optional
        Threshold of a "near-zero" estimate :math:`|\hat g_k| <` ``small``.
    top : float, optional
        Fraction of largest estimates for :func:`tail_share`.

    Returns
    -------
    EstimateSpread

    Examples
    --------
    >>> estimate_spread(np.array([[0.0, 0.0]] * 99 + [[10.0, 0.0]]))
    EstimateSpread(small_share=0.99, tail_share=1.0, max_abs=10.0)
    """
    g = np.asarray(estimates, dtype=np.float64)
    if g.ndim != 2 or not -g.shape[1] <= component < g.shape[1]:
        raise ValueError(f"estimates must have shape (n, K) with component < K, got {g.shape} and {component}")
    a = np.abs(g[:, component])
    return EstimateSpread(float(np.mean(a < small)), tail_share(g, top), float(a.max()))
