"""Numerically stable softmax with a temperature.

The naive formula ``exp(x / tau) / sum(exp(x / tau))`` overflows to ``inf / inf
= nan`` as soon as ``x / tau`` exceeds about 709. Subtracting the maximum first
makes every exponent <= 0, so the largest term is exactly ``exp(0) = 1`` and
nothing can overflow; ``-inf`` logits become exact zeros.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validation import check_logits, check_tau
from ._kernels import tempered_softmax

__all__ = ["softmax", "log_softmax"]


def softmax(logits: ArrayLike, tau: ArrayLike = 1.0, axis: int = -1) -> np.ndarray:
    r"""Tempered softmax, computed stably.

    Parameters
    ----------
    logits : array_like
        Real logits; ``-inf`` means probability zero. NaN or ``+inf`` raise ValueError.
    tau : float, optional
        Temperature, finite and > 0. Default 1.
    axis : int, optional
        The axis of categories. Default -1.

    Returns
    -------
    ndarray
        Probabilities of the same shape as ``logits``, summing to 1 along ``axis``.

    Notes
    -----
    .. math::

        \operatorname{softmax}_\tau(x)_k
        = \frac{\exp(x_k / \tau)}{\sum_i \exp(x_i / \tau)}
        = \frac{\exp((x_k - m) / \tau)}{\sum_i \exp((x_i - m) / \tau)},
        \qquad m = \max_i x_i .

    The second form is what is computed: every exponent is <= 0, so no term
    overflows, and the denominator is at least 1. As :math:`\tau \to 0` the
    result tends to the one-hot vector of the argmax; as :math:`\tau \to
    \infty` it tends to the uniform vector over the categories with finite logits.

    References
    ----------
    .. [1] E. Jang, S. Gu and B. Poole, "Categorical Reparameterization with
       Gumbel-Softmax", ICLR 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils import softmax
    >>> softmax([1.0, 2.0, 3.0]).round(4)
    array([0.09  , 0.2447, 0.6652])

    The naive formula fails at a low temperature; this one does not:

    >>> x = np.array([1.0, 2.0, 3.0]); tau = 1e-3
    >>> with np.errstate(over="ignore", invalid="ignore"):
    ...     np.exp(x / tau) / np.exp(x / tau).sum()
    array([nan, nan, nan])
    >>> softmax(x, tau=tau)
    array([0., 0., 1.])

    A ``-inf`` logit is a category of probability zero:

    >>> softmax([0.0, -np.inf, 0.0])
    array([0.5, 0. , 0.5])
    """
    x = check_logits(logits, ndim=None, axis=axis)
    t = check_tau(tau)
    return tempered_softmax(x, t, axis)


def log_softmax(logits: ArrayLike, tau: ArrayLike = 1.0, axis: int = -1) -> np.ndarray:
    r"""Logarithm of the tempered softmax, computed stably.

    Parameters
    ----------
    logits, tau, axis
        As in :func:`softmax`.

    Returns
    -------
    ndarray
        ``log(softmax(logits, tau, axis))`` without underflow: tiny probabilities
        keep their (very negative) logarithm instead of becoming ``-inf``.

    Notes
    -----
    .. math::

        \log \operatorname{softmax}_\tau(x)_k = z_k - \log \sum_i e^{z_i},
        \qquad z_k = (x_k - \max_i x_i) / \tau .

    The sum is at least 1 (its largest term is :math:`e^0`), so its logarithm is finite.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils import log_softmax
    >>> log_softmax([0.0, -1000.0])     # np.log(softmax(...)) would give -inf
    array([    0., -1000.])
    """
    x = check_logits(logits, ndim=None, axis=axis)
    t = check_tau(tau)
    with np.errstate(over="ignore"):  # x - max(x) may overflow to -inf: that logit's probability is 0
        z = x - np.max(x, axis=axis, keepdims=True)
    z /= t
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
