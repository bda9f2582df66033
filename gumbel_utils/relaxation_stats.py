r"""Measurements behind notebook 2: what the temperature does to the relaxed sample.

Pure NumPy helpers (no plotting): the path of one relaxed sample as
:math:`\tau` moves, Monte Carlo means with standard errors, the fraction of
near-one-hot samples, the exact log-density on a heatmap grid, and the shape of
the Concrete density (log-convexity and interior modes).

Every function that draws randomness takes a keyword ``rng``; the functions
that take ``noise`` reuse a fixed Gumbel draw, so that the *same* samples can be
followed as :math:`\tau` changes (``gumbel_softmax(x, tau, noise=G)``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._validation import check_logits, check_tau
from .concrete import concrete_log_prob, gumbel_softmax
from .numerics import softmax
from .simplex import SimplexGrid
from .stats import density_histogram, frequencies

__all__ = [
    "relaxation_path",
    "MeanEstimate",
    "monte_carlo_mean",
    "mean_vs_tau",
    "fraction_near_one_hot",
    "tau_for_near_one_hot_fraction",
    "log_density_image",
    "log_convexity_threshold",
    "simplex_segment",
    "interior_mode",
    "interior_mode_threshold",
    "is_convex_on_grid",
    "edge_exponent",
    "BinaryHistogram",
    "binary_concrete_histogram",
]


def relaxation_path(logits: ArrayLike, noise: ArrayLike, taus: ArrayLike) -> np.ndarray:
    r"""The relaxed points ``softmax((x + g)/tau)`` of ONE noise draw ``g``, for every ``tau``.

    Parameters
    ----------
    logits : array_like, shape (K,)
    noise : array_like, shape (K,)
        One fixed standard Gumbel draw.
    taus : array_like, shape (T,)
        Temperatures > 0.

    Returns
    -------
    ndarray, shape (T, K)
        Row ``t`` equals ``gumbel_softmax(logits, taus[t], noise=noise)``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.log([0.2, 0.3, 0.5]); g = np.array([1.0, 0.0, 0.0])
    >>> relaxation_path(x, g, [0.01, 1e4]).round(3)
    array([[1.   , 0.   , 0.   ],
           [0.333, 0.333, 0.333]])
    """
    x = check_logits(logits, ndim=(1,))
    g = np.asarray(noise, dtype=np.float64)
    if g.shape != x.shape or not np.isfinite(g).all():
        raise ValueError(f"noise must be finite with shape {x.shape}, got {g.shape}")
    t = np.atleast_1d(np.asarray(check_tau(taus), dtype=np.float64))
    z = np.broadcast_to(x + g, (t.size, x.size))
    return softmax(z, tau=t[:, None])


class MeanEstimate(NamedTuple):
    """A Monte Carlo mean over the first axis, with its standard error."""

    mean: np.ndarray
    se: np.ndarray


def monte_carlo_mean(samples: ArrayLike) -> MeanEstimate:
    """Mean over the first axis of ``samples`` and its standard error ``std / sqrt(n)``.

    >>> m = monte_carlo_mean([[0.0, 1.0], [1.0, 0.0]])
    >>> m.mean, m.se.round(3)
    (array([0.5, 0.5]), array([0.5, 0.5]))
    """
    s = np.asarray(samples, dtype=np.float64)
    if s.ndim == 0 or s.shape[0] < 2:
        raise ValueError("samples must have at least 2 rows")
    return MeanEstimate(s.mean(axis=0), s.std(axis=0, ddof=1) / np.sqrt(s.shape[0]))


def mean_vs_tau(logits: ArrayLike, taus: ArrayLike, noise: ArrayLike) -> np.ndarray:
    r"""Monte Carlo :math:`E[y]` at every ``tau``, from the SAME Gumbel noise ``noise`` (shape (N, K)).

    Parameters
    ----------
    logits : array_like, shape (K,)
    taus : array_like, shape (T,)
        Temperatures > 0.
    noise : array_like, shape (N, K)
        Fixed standard Gumbel draws, shared by every temperature.

    Returns
    -------
    ndarray, shape (T, K)
        Row ``t`` is ``gumbel_softmax(logits, taus[t], noise=noise).mean(axis=0)``.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils import sample_gumbel
    >>> m = mean_vs_tau(np.log([0.2, 0.3, 0.5]), [1e-3, 1e3], sample_gumbel((20_000, 3), rng=0))
    >>> m.round(1)                 # tau -> 0: softmax(x); tau -> infinity: the centre
    array([[0.2, 0.3, 0.5],
           [0.3, 0.3, 0.3]])
    """
    t = np.atleast_1d(np.asarray(check_tau(taus), dtype=np.float64))
    return np.stack([gumbel_softmax(logits, float(tau), noise=noise).mean(axis=0) for tau in t])


def _bisect_log(holds, lo: float, hi: float, iterations: int) -> tuple[float, float]:
    """Bisection on log tau for a predicate true at ``lo`` and false at ``hi``: the final (lo, hi)."""
    a, b = np.log(lo), np.log(hi)
    for _ in range(iterations):
        m = 0.5 * (a + b)
        if holds(float(np.exp(m))):
            a = m
        else:
            b = m
    return float(np.exp(a)), float(np.exp(b))


def fraction_near_one_hot(y: ArrayLike, threshold: float = 0.99) -> float:
    """Fraction of the samples ``y`` (shape (N, K)) whose largest coordinate exceeds ``threshold``.

    Parameters
    ----------
    y : array_like, shape (N, K)
        Relaxed samples.
    threshold : float
        A sample counts as near one-hot when its largest coordinate exceeds it.

    Examples
    --------
    >>> fraction_near_one_hot([[0.995, 0.005], [0.6, 0.4]])
    0.5
    """
    arr = np.asarray(y, dtype=np.float64)
    return float((arr.max(axis=-1) > threshold).mean())


def tau_for_near_one_hot_fraction(
    logits: ArrayLike,
    noise: ArrayLike,
    target: float = 0.9,
    threshold: float = 0.99,
    *,
    lo: float = 1e-4,
    hi: float = 10.0,
    iterations: int = 60,
) -> float:
    r"""The largest ``tau`` at which a fraction ``target`` of the samples is near one-hot.

    With the noise held fixed, each sample's largest coordinate
    :math:`1 / (1 + \sum_{j \ne k^*} e^{(z_j - z_{k^*})/\tau})` decreases as
    :math:`\tau` grows, so the fraction above ``threshold`` is a non-increasing
    step function of :math:`\tau` and bisection (on :math:`\log\tau`) finds its crossing.

    Parameters
    ----------
    logits : array_like, shape (K,)
    noise : array_like, shape (N, K)
        Fixed Gumbel draws.
    target : float
        The fraction of near-one-hot samples to reach.
    threshold : float
        As in :func:`fraction_near_one_hot`.
    lo, hi : float
        The bracket of temperatures (the fraction must cross ``target`` between them).
    iterations : int
        Bisection steps on log tau.

    Returns
    -------
    float
    """
    def frac(tau: float) -> float:
        return fraction_near_one_hot(gumbel_softmax(logits, tau, noise=noise), threshold)

    if frac(lo) < target or frac(hi) >= target:
        raise ValueError(f"the fraction does not cross {target} between tau={lo} and tau={hi}")
    return _bisect_log(lambda tau: frac(tau) >= target, lo, hi, iterations)[0]


def log_density_image(grid: SimplexGrid, logits: ArrayLike, tau: float) -> np.ndarray:
    """``concrete_log_prob`` at the inside pixels of ``grid``, as an (ny, nx) image (NaN outside).

    Vectorised over all pixels at once (no Python loop).

    Parameters
    ----------
    grid : SimplexGrid
        From :func:`~gumbel_utils.simplex.simplex_grid`.
    logits : array_like, shape (3,)
    tau : float
    """
    return grid.fill(concrete_log_prob(grid.points, logits, tau))


def log_convexity_threshold(num_categories: int) -> float:
    r"""The temperature :math:`1/(K-1)` at or below which the Concrete density is log-convex.

    Maddison et al. (2017), Proposition 1(d) ("convex eventually"). It is also the temperature at
    which the density on the faces of the simplex switches from :math:`+\infty`
    (near a face :math:`p \propto y_j^{(K-1)\tau - 1}`) to 0.

    >>> log_convexity_threshold(3)
    0.5
    """
    if int(num_categories) != num_categories or num_categories < 2:
        raise ValueError(f"num_categories must be an integer >= 2, got {num_categories!r}")
    return 1.0 / (num_categories - 1)


def simplex_segment(start: ArrayLike, end: ArrayLike, n: int = 400, *, margin: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """Points ``(1 - s) start + s end`` for ``n`` values of ``s`` in ``[margin, 1 - margin]``.

    Parameters
    ----------
    start, end : array_like, shape (K,)
        End points, on the boundary of the simplex or inside it.
    n : int
        Number of points.
    margin : float
        Keeps every point in the open simplex.

    Returns
    -------
    s : ndarray, shape (n,)
    points : ndarray, shape (n, K)

    Examples
    --------
    >>> s, pts = simplex_segment([1.0, 0.0, 0.0], [0.0, 0.5, 0.5], n=3, margin=0.0)
    >>> pts
    array([[1.  , 0.  , 0.  ],
           [0.5 , 0.25, 0.25],
           [0.  , 0.5 , 0.5 ]])
    """
    a = np.asarray(start, dtype=np.float64)
    b = np.asarray(end, dtype=np.float64)
    s = np.linspace(margin, 1.0 - margin, int(n))
    return s, (1.0 - s)[:, None] * a + s[:, None] * b


def _neg_log_density_u(u: np.ndarray, x: np.ndarray, tau: float) -> tuple[float, np.ndarray]:
    r"""``-log p(softmax((u, 0)))`` and its gradient in ``u``, stable for any real ``u``.

    With :math:`v = \log y` (exact, no underflow) and :math:`q = \operatorname{softmax}(x - \tau v)`:
    :math:`\log p = c + \sum_k x_k - (\tau + 1)\sum_k v_k - K\,\mathrm{lse}(x - \tau v)` and
    :math:`\partial \log p / \partial \tilde u_k = K(\tau q_k + y_k) - (\tau + 1)`.
    """
    k = x.size
    ut = np.append(u, 0.0)
    m = ut.max()
    v = ut - (m + math.log(np.exp(ut - m).sum()))  # log y, exact (plain NumPy: these arrays are tiny)
    s = x - tau * v
    m = s.max()
    lse = m + math.log(np.exp(s - m).sum())
    logp = math.lgamma(k) + (k - 1) * np.log(tau) + x.sum() - (tau + 1) * v.sum() - k * lse
    grad = k * (tau * np.exp(s - lse) + np.exp(v)) - (tau + 1)
    return -float(logp), -grad[:-1]


def _hessian(u: np.ndarray, x: np.ndarray, tau: float, h: float = 1e-5) -> np.ndarray:
    """Hessian of ``-log p`` in ``u`` by central differences of the exact gradient."""
    n = u.size
    hess = np.empty((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = h
        hess[i] = (_neg_log_density_u(u + e, x, tau)[1] - _neg_log_density_u(u - e, x, tau)[1]) / (2 * h)
    return 0.5 * (hess + hess.T)


def _ascend(u: np.ndarray, x: np.ndarray, tau: float, iterations: int = 300) -> np.ndarray | None:
    """Minimise ``-log p`` from ``u``: Newton steps where the Hessian is positive definite, else
    gradient steps, both with backtracking. Returns the point if it converged to a zero gradient
    with a positive-definite Hessian inside ``|u| < 39``, None if it ran to the boundary or stalled."""
    f, g = _neg_log_density_u(u, x, tau)
    for _ in range(iterations):
        if np.abs(g).max() < 1e-10 or np.abs(u).max() > 39:
            break
        hess = _hessian(u, x, tau)
        if np.linalg.eigvalsh(hess).min() > 1e-10:
            step, t = np.linalg.solve(hess, g), 1.0
        else:
            step, t = g / np.linalg.norm(g), 4.0
        while t > 1e-12:
            f_new, g_new = _neg_log_density_u(u - t * step, x, tau)
            if f_new < f or (f_new == f and np.abs(g_new).max() < np.abs(g).max()):
                break
            t *= 0.5
        else:
            break
        u, f, g = u - t * step, f_new, g_new
    if np.abs(u).max() > 39 or np.abs(g).max() > 1e-6 or np.linalg.eigvalsh(_hessian(u, x, tau)).min() <= 1e-10:
        return None
    return u


def interior_mode(logits: ArrayLike, tau: float, *, starts: int = 2, tol: float = 1e-6) -> np.ndarray | None:
    r"""A local maximum of the Concrete density inside the open simplex, or None.

    Maximises :math:`\log p(\operatorname{softmax}(u))` over unconstrained
    :math:`u` (a change of variable does not move a local maximum) with the
    exact gradient: Newton steps where :math:`\log p` is locally concave,
    gradient steps elsewhere, from points between the centre and
    :math:`\operatorname{softmax}(x)`. A stationary point satisfies
    :math:`\tau q_k + y_k = (\tau + 1)/K` for every k, with
    :math:`q = \operatorname{softmax}(x - \tau \log y)`. When no interior mode
    exists the search runs to the boundary (a corner, where the density is
    infinite for :math:`\tau < K - 1`) and None is returned. A numerical
    check, not a proof.

    Parameters
    ----------
    logits : array_like, shape (K,)
        Finite logits.
    tau : float
    starts : int
        Number of starting points between the centre and softmax(x).
    tol : float
        A mode closer than this to the boundary is not reported.

    Returns
    -------
    ndarray of shape (K,), or None

    Examples
    --------
    >>> interior_mode([0.0, 0.0, 0.0], 2.0).round(6)
    array([0.333333, 0.333333, 0.333333])
    >>> interior_mode([0.0, 0.0, 0.0], 0.8) is None
    True
    """
    x = check_logits(logits, ndim=(1,), allow_neg_inf=False)
    t = check_tau(tau)
    k = x.size
    p = softmax(x)
    u_starts = []
    for w in np.linspace(0.0, 1.0, starts):
        y0 = (1 - w) / k + w * p + 1e-3 * np.arange(k) / k  # off any symmetric critical point
        y0 /= y0.sum()
        u_starts.append(np.log(y0[:-1]) - np.log(y0[-1]))
    for u0 in u_starts:
        u = _ascend(u0, x, t)
        if u is not None:
            y = softmax(np.append(u, 0.0))
            if y.min() > tol:
                return y
    return None


def interior_mode_threshold(logits: ArrayLike, *, hi: float = 20.0, iterations: int = 16) -> float:
    """The smallest ``tau`` at which :func:`interior_mode` finds a mode, by bisection on log tau.

    Starts from ``1/(K-1)`` (log-convex there, so no interior mode) and ``hi``;
    assumes a single crossing. ``iterations=16`` gives about 0.01 % relative precision.

    Parameters
    ----------
    logits : array_like, shape (K,)
    hi : float
        A temperature with an interior mode.
    iterations : int
        Bisection steps on log tau.

    Examples
    --------
    >>> round(interior_mode_threshold([0.0, 0.0, 0.0]), 3)      # equal logits: tau = 1
    1.0
    """
    x = check_logits(logits, ndim=(1,), allow_neg_inf=False)
    lo = log_convexity_threshold(x.size)
    if interior_mode(x, hi) is None:
        raise ValueError(f"no interior mode at tau={hi}")
    return _bisect_log(lambda tau: interior_mode(x, tau) is None, lo, hi, iterations)[1]


# --- added for the density-shape explorer (viz helper, issue 9)


def is_convex_on_grid(values: ArrayLike, *, rtol: float = 1e-9) -> tuple[bool, float]:
    r"""Whether values on an evenly spaced grid are convex, and their smallest second difference.

    A function sampled at evenly spaced points is convex on the grid when every
    second difference :math:`v_{i+1} - 2 v_i + v_{i-1}` is :math:`\ge 0`; rounding is
    tolerated down to :math:`-\mathrm{rtol}\cdot\max(1, \max|v|)`. Used on
    :math:`\log p` along a segment of the simplex (log-convex or not).

    Parameters
    ----------
    values : array_like, shape (n,)
        Finite values at n >= 3 evenly spaced points.
    rtol : float, optional
        Relative tolerance for negative second differences.

    Returns
    -------
    convex : bool
    min_second_difference : float

    Examples
    --------
    >>> is_convex_on_grid([4.0, 1.0, 0.0, 1.0, 4.0])
    (True, 2.0)
    >>> is_convex_on_grid([0.0, 1.0, 0.0])
    (False, -2.0)
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 1 or v.size < 3 or not np.isfinite(v).all():
        raise ValueError(f"values must be a 1-D array of at least 3 finite numbers, got shape {v.shape}")
    second = float(np.diff(v, 2).min())
    return bool(second >= -rtol * max(1.0, float(np.abs(v).max()))), second


def edge_exponent(logits: ArrayLike, tau: float, eps: ArrayLike, *, ratio: float = 1e-2,
                  edge: int = -1) -> np.ndarray:
    r"""The exponent :math:`a` of :math:`p(y) \propto \epsilon^{a}` near the middle of an edge, measured at distance ``eps``.

    On the segment :math:`y(\epsilon)` with :math:`y_j = \epsilon` (``j = edge``) and the other
    coordinates equal to :math:`(1 - \epsilon)/(K - 1)`, the secant slope of
    :math:`\log p` against :math:`\log\epsilon` between :math:`\epsilon` and
    :math:`\epsilon\cdot` ``ratio``, computed with :func:`~gumbel_utils.concrete_log_prob`.
    As :math:`\epsilon \to 0` it tends to :math:`(K-1)\tau - 1`; at a finite distance the
    sum in the density's denominator adds a correction of order :math:`\epsilon^{\tau}`
    (:math:`\log p = c + ((K-1)\tau - 1)\log\epsilon - K\log(1 + C\epsilon^{\tau}) + O(\epsilon)`),
    which shrinks slowly when :math:`\tau` is small.

    Parameters
    ----------
    logits : array_like, shape (K,)
        Finite logits.
    tau : float
        The temperature.
    eps : array_like
        Distances from the edge, in (0, 1/K).
    ratio : float, optional
        The secant runs from ``eps`` to ``eps * ratio`` (in (0, 1)).
    edge : int, optional
        The coordinate that goes to 0.

    Returns
    -------
    ndarray, shape of ``eps``

    Examples
    --------
    >>> import numpy as np
    >>> edge_exponent(np.zeros(3), 0.3, [1e-4, 1e-40]).round(4)      # (K - 1) tau - 1 = -0.4
    array([-0.4691, -0.4   ])
    """
    x = check_logits(logits, ndim=(1,), allow_neg_inf=False)
    t = check_tau(tau, scalar=True)
    k = x.size
    if not -k <= edge < k:
        raise ValueError(f"edge must index one of the {k} coordinates, got {edge}")
    if not 0.0 < float(ratio) < 1.0:
        raise ValueError(f"ratio must lie in (0, 1), got {ratio!r}")
    e = np.asarray(eps, dtype=np.float64)
    if not np.all((e > 0) & (e < 1.0 / k)) or np.any(e * ratio < np.finfo(np.float64).tiny):
        raise ValueError(f"eps must lie in (0, 1/K) with eps * ratio a normal float, got {eps!r}")

    def log_p(d: np.ndarray) -> np.ndarray:
        y = np.repeat(((1.0 - d) / (k - 1))[..., None], k, axis=-1)
        y[..., edge] = d
        return concrete_log_prob(y, x, t)

    return (log_p(e * ratio) - log_p(e)) / math.log(ratio)


class BinaryHistogram(NamedTuple):
    """Binary Concrete samples on (0, 1) as a density histogram, and their share above 1/2."""

    edges: np.ndarray  #: bin edges on [0, 1], (B + 1,)
    heights: np.ndarray  #: density of each bin (:func:`~gumbel_utils.stats.density_histogram`), (B,)
    above: float  #: share of the samples above 1/2 (an estimate of P(y > 1/2) = sigmoid(x) at every tau)
    above_se: float  #: its binomial standard error


def binary_concrete_histogram(samples: ArrayLike, *, bins: int = 40) -> BinaryHistogram:
    r"""Density histogram of binary Concrete samples on ``bins`` equal bins of [0, 1], and :math:`\hat P(y > 1/2)`.

    Parameters
    ----------
    samples : array_like, shape (N,)
        Draws of :func:`~gumbel_utils.concrete.sample_binary_concrete` (values in [0, 1]).
    bins : int, optional
        Number of bins.

    Examples
    --------
    >>> h = binary_concrete_histogram([0.1, 0.2, 0.7, 0.9], bins=2)
    >>> h.heights, h.above
    (array([1., 1.]), 0.5)
    """
    y = np.asarray(samples, dtype=np.float64).ravel()
    if y.size == 0 or not np.isfinite(y).all() or (y < 0).any() or (y > 1).any():
        raise ValueError("samples must be a non-empty array of numbers in [0, 1]")
    edges = np.linspace(0.0, 1.0, int(bins) + 1)
    share, se = frequencies((y > 0.5).astype(np.int64), 2)
    return BinaryHistogram(edges, density_histogram(y, edges), float(share[1]), float(se[1]))
