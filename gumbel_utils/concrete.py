"""The relaxation: Gumbel-Softmax (Concrete) samples and their exact density.

``y = softmax((x + g) / tau)`` replaces the one-hot ``argmax(x + g)`` by a point
of the simplex. Its law is the Concrete distribution (Maddison, Mnih & Teh
2017), also called Gumbel-Softmax (Jang, Gu & Poole 2017).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import logsumexp

from ._validation import as_generator, check_logits, check_simplex_points, check_size, check_tau
from ._kernels import fill_gumbel, logistic_from_uniform, shift_to_max, sigmoid, tempered_softmax

__all__ = [
    "gumbel_softmax",
    "concrete_log_prob",
    "sample_binary_concrete",
    "binary_concrete_log_prob",
    "one_hot",
]


def one_hot(index: ArrayLike, num_categories: int) -> np.ndarray:
    """One-hot float vectors of ``index`` (any shape) with ``num_categories`` entries.

    Parameters
    ----------
    index : array_like of int, any shape
        Category indices, each in ``[0, num_categories)`` (ValueError otherwise).
    num_categories : int
        Number of categories K, the length of each vector.

    Returns
    -------
    ndarray of float64, shape ``shape(index) + (K,)``
        1.0 at each index, 0.0 elsewhere.

    Examples
    --------
    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    index = np.asarray(index)
    if index.size and (index.min() < 0 or index.max() >= num_categories):
        raise ValueError(f"index must lie in [0, {num_categories}), got values outside")
    return (index[..., None] == np.arange(num_categories)).astype(np.float64)


def gumbel_softmax(
    logits: ArrayLike,
    tau: float,
    size: int | tuple[int, ...] | None = None,
    *,
    rng=None,
    hard: bool = False,
    noise: ArrayLike | None = None,
) -> np.ndarray:
    r"""Relaxed one-hot samples ``softmax((logits + g) / tau)`` (Gumbel-Softmax / Concrete).

    Parameters
    ----------
    logits : array_like, shape (K,) or (B, K)
        Logits; ``-inf`` marks a category of probability zero (its coordinate is exactly 0).
    tau : float
        Temperature, finite and > 0.
    size : int or tuple of ints, optional
        Number (or shape) of samples; the output has shape ``size + logits.shape``.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (unused when ``noise`` is given).
    hard : bool, optional
        If True, return the one-hot vector of the argmax instead: exactly the
        Gumbel-max sample for the same noise.
    noise : array_like, optional
        Fixed standard Gumbel noise ``g`` whose shape broadcasts with
        ``logits``; then ``size`` must be None. Holding ``noise`` still while
        ``tau`` moves shows one relaxed sample sliding along its path.

    Returns
    -------
    ndarray of float64
        Points of the simplex, shape ``size + logits.shape`` (or the broadcast
        of ``noise`` and ``logits``).

    Notes
    -----
    .. math::

        y_k = \frac{\exp((x_k + g_k)/\tau)}{\sum_i \exp((x_i + g_i)/\tau)},
        \qquad g_k \sim \mathrm{Gumbel}(0, 1) \text{ i.i.d.}

    The largest coordinate of :math:`y` is always the Gumbel-max category
    :math:`\arg\max_k (x_k + g_k)`, whatever :math:`\tau` (Maddison et al.,
    Proposition 1), so :math:`P(y_k \text{ is largest}) = \operatorname{softmax}(x)_k`.
    As :math:`\tau \to 0`, :math:`y` tends to that one-hot vector; as
    :math:`\tau \to \infty`, to the centre of the simplex. The computation
    subtracts the row maximum before dividing by :math:`\tau`, so it stays
    finite down to :math:`\tau = 10^{-8}` and beyond.

    References
    ----------
    .. [1] E. Jang, S. Gu and B. Poole, "Categorical Reparameterization with
       Gumbel-Softmax", ICLR 2017, Eq. 1.
    .. [2] C. J. Maddison, A. Mnih and Y. W. Teh, "The Concrete Distribution: A
       Continuous Relaxation of Discrete Random Variables", ICLR 2017, Definition 1.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils import gumbel_softmax, sample_gumbel
    >>> x = np.log([0.2, 0.3, 0.5])
    >>> g = sample_gumbel(3, rng=0)
    >>> for tau in (0.01, 1.0, 100.0):
    ...     print(tau, gumbel_softmax(x, tau, noise=g).round(3))
    0.01 [1. 0. 0.]
    1.0 [0.535 0.276 0.189]
    100.0 [0.335 0.333 0.332]
    >>> gumbel_softmax(x, 0.5, noise=g, hard=True)
    array([1., 0., 0.])
    """
    x = check_logits(logits)
    t = check_tau(tau, scalar=True)
    if noise is None:
        z = np.empty(check_size(size) + x.shape, dtype=np.float64)
        fill_gumbel(z, as_generator(rng))
    else:
        if size is not None:
            raise ValueError("size must be None when noise is given (the noise fixes the shape)")
        z = np.asarray(noise, dtype=np.float64)
        if z.ndim == 0 or z.shape[-1] != x.shape[-1]:
            raise ValueError(f"noise must have {x.shape[-1]} categories on its last axis, got shape {z.shape}")
        if not np.isfinite(z).all():
            raise ValueError("noise must be finite (standard Gumbel draws)")
        try:
            z = np.array(np.broadcast_to(z, np.broadcast_shapes(z.shape, x.shape)))
        except ValueError as exc:
            raise ValueError(f"noise of shape {z.shape} does not broadcast with logits of shape {x.shape}") from exc
    z += shift_to_max(x)
    if hard:
        return one_hot(z.argmax(axis=-1), x.shape[-1])
    return tempered_softmax(z, t, out=z)


def concrete_log_prob(y: ArrayLike, logits: ArrayLike, tau: ArrayLike) -> np.ndarray:
    r"""Log-density of the Concrete (Gumbel-Softmax) distribution, in log space.

    Parameters
    ----------
    y : array_like, shape (..., K)
        Points of the open simplex (coordinates > 0 summing to 1).
    logits : array_like, shape (K,) or broadcastable to ``y``
        Finite logits :math:`x_k = \log \alpha_k` (a ``-inf`` logit puts all the
        mass on a face of the simplex, where this density does not exist).
    tau : float or array_like
        Temperature(s) > 0, broadcast against ``y.shape[:-1]``.

    Returns
    -------
    ndarray, shape ``y.shape[:-1]``
        :math:`\log p_{\alpha,\tau}(y)`, the density with respect to Lebesgue
        measure on the first K-1 coordinates.

    Notes
    -----
    Maddison, Mnih & Teh (2017), Eq. 11 (and Jang et al. 2017, Eq. 3):

    .. math::

        p_{\alpha,\tau}(y) = (K-1)!\,\tau^{K-1} \prod_{k=1}^{K}
        \frac{\alpha_k\, y_k^{-\tau-1}}{\sum_{i=1}^{K} \alpha_i\, y_i^{-\tau}} .

    With :math:`v = \log y` it is computed as

    .. math::

        \log p = \log (K-1)! + (K-1)\log\tau + \sum_k (x_k - \tau v_k)
        - K \operatorname{logsumexp}_k (x_k - \tau v_k) - \sum_k v_k ,

    which stays finite where the linear-space product under- or overflows.
    The summary table of the Concrete paper prints :math:`\tau^{-(K-1)}`:
    a typo, as normalisation to 1 shows (tested in the suite).

    References
    ----------
    .. [1] C. J. Maddison, A. Mnih and Y. W. Teh, "The Concrete Distribution",
       ICLR 2017, Eq. 11.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.integrate import quad
    >>> from gumbel_utils import concrete_log_prob
    >>> x = np.log([0.3, 0.7])
    >>> dens = lambda a: np.exp(concrete_log_prob([a, 1 - a], x, 0.5))
    >>> round(quad(dens, 0, 1)[0], 6)
    1.0

    Near a vertex the linear-space formula underflows to 0/0; log space does not:

    >>> y = np.array([1e-200, 1 - 1e-200]); tau = 3.0
    >>> with np.errstate(all="ignore"):
    ...     a = np.exp(x); a * y ** (-tau - 1) / (a * y ** -tau).sum()
    array([nan,  0.])
    >>> bool(np.isfinite(concrete_log_prob(y, x, tau)))
    True
    """
    v = np.log(check_simplex_points(y))
    x = check_logits(logits, ndim=None, allow_neg_inf=False)
    t = np.asarray(check_tau(tau))
    k = v.shape[-1]
    if x.shape[-1] != k:
        raise ValueError(f"logits must have {k} categories to match y, got shape {x.shape}")
    s = x - t[..., None] * v
    return (
        math.lgamma(k)
        + (k - 1) * np.log(t)
        + s.sum(axis=-1)
        - k * logsumexp(s, axis=-1)
        - v.sum(axis=-1)
    )


def sample_binary_concrete(
    logit: ArrayLike, tau: float, size: int | tuple[int, ...] | None = None, *, rng=None
) -> np.ndarray:
    r"""Binary Concrete samples :math:`y = \sigma((x + L)/\tau)` in (0, 1).

    The K = 2 case of :func:`gumbel_softmax` with logits ``(x, 0)``, reported by
    its first coordinate: the difference of two independent Gumbels is a
    logistic variable :math:`L = \log U - \log(1 - U)`.

    Parameters
    ----------
    logit : float or array_like
        :math:`x = \log \alpha`; :math:`P(y > 1/2) = \sigma(x)` for every tau.
    tau : float
        Temperature > 0.
    size, rng
        As in :func:`gumbel_max`; the output has shape ``size + shape(logit)``.

    References
    ----------
    .. [1] C. J. Maddison, A. Mnih and Y. W. Teh, "The Concrete Distribution", ICLR 2017, Section 3.3.

    Examples
    --------
    >>> from gumbel_utils import sample_binary_concrete
    >>> y = sample_binary_concrete(0.0, 0.5, size=100_000, rng=0)
    >>> round(float((y > 0.5).mean()), 2)
    0.5
    """
    x = np.asarray(check_logits(np.atleast_1d(logit), "logit", ndim=None, allow_neg_inf=False))
    x = x.reshape(np.shape(logit))
    t = check_tau(tau)
    gen = as_generator(rng)
    u = gen.random(check_size(size) + x.shape)
    return sigmoid((x + logistic_from_uniform(u)) / t)


def binary_concrete_log_prob(y: ArrayLike, logit: ArrayLike, tau: ArrayLike) -> np.ndarray:
    r"""Log-density of the binary Concrete distribution on (0, 1).

    Parameters
    ----------
    y : float or array_like
        Points of the open interval (0, 1) (ValueError otherwise).
    logit : float or array_like
        :math:`x = \log \alpha`, finite; broadcast against ``y``.
    tau : float or array_like
        Temperature > 0; broadcast against ``y``.

    Returns
    -------
    ndarray of float64
        :math:`\log p(y)`, of the broadcast shape of ``y``, ``logit`` and ``tau``.

    Notes
    -----
    .. math::

        p(y) = \frac{\tau\, \alpha\, y^{-\tau-1} (1-y)^{-\tau-1}}
                    {\left(\alpha y^{-\tau} + (1-y)^{-\tau}\right)^2},
        \qquad \alpha = e^{x},

    the K = 2 case of :func:`concrete_log_prob` (Maddison et al. 2017,
    Section 3.3). It is log-convex (no interior mode) for :math:`\tau \le 1`.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils import binary_concrete_log_prob, concrete_log_prob
    >>> a = 0.3
    >>> bool(np.isclose(binary_concrete_log_prob(a, 0.4, 0.7),
    ...                 concrete_log_prob([a, 1 - a], [0.4, 0.0], 0.7)))
    True
    """
    yy = np.asarray(y, dtype=np.float64)
    if not np.isfinite(yy).all() or (yy <= 0).any() or (yy >= 1).any():
        raise ValueError("y must lie in the open interval (0, 1)")
    x = np.asarray(check_logits(np.atleast_1d(logit), "logit", ndim=None, allow_neg_inf=False)).reshape(np.shape(logit))
    t = np.asarray(check_tau(tau))
    ly, l1y = np.log(yy), np.log1p(-yy)
    return (
        np.log(t) + x - (t + 1) * (ly + l1y)
        - 2 * np.logaddexp(x - t * ly, -t * l1y)
    )
