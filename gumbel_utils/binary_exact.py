r"""Exact moments of the pathwise estimators for two categories (K = 2), by one-dimensional quadrature.

For K = 2 every relaxed or straight-through estimate is a function of one standard logistic
variable :math:`L = g_1 - g_2` (the difference of two Gumbels), so its mean and variance are
one-dimensional integrals: exact curves, with no Monte Carlo noise, against which Notebook 3
checks its Monte Carlo points and measures limits such as straight-through's 1.5 times the
gradient for the cubic f.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import quad_vec

from ._kernels import sigmoid
from ._validation import check_logits_1d, check_objective, check_tau
from .objectives import exact_gradient

__all__ = ["ExactBinaryMoments", "exact_binary_moments"]


class ExactBinaryMoments(NamedTuple):
    """Exact moments of a pathwise estimator for K = 2 (see :func:`exact_binary_moments`)."""

    tau: np.ndarray  #: (T,)
    exact: np.ndarray  #: exact gradient, (2,)
    mean: np.ndarray  #: expected estimate, (T, 2)
    bias: np.ndarray  #: (T, 2)
    bias2: np.ndarray  #: (T,)
    variance: np.ndarray  #: trace of the covariance, (T,)


def exact_binary_moments(logits: ArrayLike, f: Any, taus: ArrayLike, *,
                         estimator: str = "gumbel_softmax_grad") -> ExactBinaryMoments:
    r"""Exact mean and variance of the relaxed or straight-through estimator for K = 2, by quadrature.

    Parameters
    ----------
    logits : array_like, shape (2,)
        Two finite logits.
    f : objective
        Anything with ``value`` and ``grad``.
    taus : array_like
        Temperatures.
    estimator : {"gumbel_softmax_grad", "straight_through"}
        Which pathwise estimator.

    Returns
    -------
    ExactBinaryMoments
        Temperatures, exact gradient, mean, bias, squared bias and variance (trace) at each temperature.

    For K = 2 the estimate is :math:`h(L)\,(1, -1)` with
    :math:`h = \frac{y_1 y_2}{\tau}\big(\partial_1 f - \partial_2 f\big)`,
    :math:`y_1 = \sigma((x_1 - x_2 + L)/\tau)` and :math:`L = g_1 - g_2`, a standard
    logistic variable (the difference of two Gumbels). The gradient of f is taken at
    :math:`y` (relaxed) or at the one-hot :math:`D` (straight-through). Writing
    :math:`L = \log u - \log(1-u)` with :math:`u \sim U(0, 1)`, the moments
    :math:`\mathbb{E}h = \int_0^1 h\,du` and :math:`\mathbb{E}h^2` are one-dimensional
    integrals, done by adaptive quadrature split at the kink :math:`u_0 = \sigma(x_2 - x_1)`.
    Then mean :math:`= \mathbb{E}h\,(1,-1)` and variance (trace) :math:`= 2\operatorname{Var} h`.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils.objectives import Linear
    >>> r = exact_binary_moments([0.5, 0.0], Linear([1.0, 0.0]), [1e-3])
    >>> bool(np.allclose(r.mean[0], r.exact, rtol=1e-4))    # unbiased as tau -> 0 (linear f)
    True
    """
    check_objective(f)
    x = check_logits_1d(logits)
    if x.shape[0] != 2 or not np.isfinite(x).all():
        raise ValueError("exact_binary_moments needs 2 finite logits")
    if estimator not in ("gumbel_softmax_grad", "straight_through"):
        raise ValueError("estimator must be 'gumbel_softmax_grad' or 'straight_through'")
    t = np.asarray(check_tau(taus), dtype=np.float64).reshape(-1)
    delta = x[0] - x[1]
    u0 = 1.0 / (1.0 + np.exp(delta))  # where delta + L = 0
    eye = np.eye(2)

    def integrand(u: float) -> np.ndarray:
        u = min(max(u, 1e-300), 1.0 - 1e-16)
        a = (delta + np.log(u) - np.log1p(-u)) / t  # (T,)
        y1 = sigmoid(a)
        y1y2 = y1 * sigmoid(-a)  # sigma(a) sigma(-a), not y1 (1 - y1): no cancellation
        if estimator == "gumbel_softmax_grad":
            v = f.grad(np.stack([y1, 1.0 - y1], axis=-1))
        else:
            v = f.grad(eye[np.where(a > 0, 0, 1)])
        h = y1y2 / t * (v[:, 0] - v[:, 1])
        return np.concatenate([h, h * h])

    opts = {"epsabs": 1e-12, "epsrel": 1e-9, "limit": 2000}
    # At a small tau the integrand lives in a window of width ~ tau u0 (1 - u0) around the kink:
    # split the interval there (at 1, 10, 100, ... widths of the smallest tau) so that adaptive
    # quadrature cannot step over the peak.
    width = float(t.min()) * u0 * (1.0 - u0)
    offsets = width * np.array([1.0, 10.0, 100.0, 1e3, 1e4])
    cuts = np.unique(np.clip(np.concatenate([[0.0, u0, 1.0], u0 - offsets, u0 + offsets]), 0.0, 1.0))
    mom = sum(quad_vec(integrand, a, b, **opts)[0] for a, b in zip(cuts[:-1], cuts[1:]) if b > a)
    eh, eh2 = mom[: t.size], mom[t.size :]
    sign = np.array([1.0, -1.0])
    mean = eh[:, None] * sign
    ex = exact_gradient(x, f)
    bias = mean - ex
    return ExactBinaryMoments(t, ex, mean, bias, (bias**2).sum(axis=1), 2.0 * np.maximum(eh2 - eh**2, 0.0))
