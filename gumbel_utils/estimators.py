r"""Gradient estimators for :math:`\nabla_x \, \mathbb{E}_{z \sim \mathrm{Cat}(\mathrm{softmax}(x))}[f(z)]`, and their registry.

Every estimator has the same call shape::

    name(logits, f, n, *, tau=None, rng=None, **options) -> ndarray (n, K), or (T, n, K) for T temperatures

``logits`` has shape (K,); ``f`` is an objective (anything with ``value`` and
``grad``, see :mod:`gumbel_utils.objectives`); the ``n`` rows are independent
single-sample estimates; with an array of ``T`` temperatures all of them share
the same noise.

- :func:`score_function` (REINFORCE) :math:`f(z)(z - p)`, unbiased, no temperature;
- :func:`score_function_baseline`, :math:`(f(z) - b)(z - p)` with a leave-one-out baseline;
- :func:`gumbel_softmax_grad`, pathwise through :math:`y = \operatorname{softmax}((x+g)/\tau)`:
  :math:`J_y^\top \nabla f(y)` with :math:`J_y = (\operatorname{diag}(y) - y y^\top)/\tau`;
- :func:`straight_through`, forward at the one-hot :math:`D`, backward :math:`J_y^\top \nabla f(D)`;
- :func:`gumbel_rao`, straight-through averaged over ``m`` draws of the noise
  conditioned on the argmax (:func:`conditional_gumbel`), and :func:`rebar`, the score
  function with a control variate from the relaxation: both live in
  :mod:`gumbel_utils.conditional` (the estimators built on the conditional noise)
  and are re-exported here, so that this module is the one place to find them all.

**One registry** (:mod:`gumbel_utils.registry`, re-exported here): :data:`ESTIMATORS`
maps a name to an :class:`EstimatorSpec` record (function, legend label, colour,
whether its law depends on the temperature, default options such as Gumbel-Rao's
``m``). Figures, dropdowns, sweeps, tables and benchmarks read it, so adding an
estimator is one function plus one :func:`register_estimator` call.

Bias, variance and MSE against the exact gradient live in :mod:`gumbel_utils.gradient_stats`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_generator, check_estimator_args, check_logits, check_tau_grid
from ._kernels import perturb, shift_to_max, softmax_jvp, tempered_softmax
from .registry import ESTIMATORS, EstimatorSpec, get_estimator, register_estimator, unregister_estimator

__all__ = [
    "score_function",
    "score_function_baseline",
    "gumbel_softmax_grad",
    "straight_through",
    "gumbel_rao",
    "gumbel_rao_draws",
    "conditional_gumbel",
    "rebar",
    "relaxed_backward",
    "EstimatorSpec",
    "ESTIMATORS",
    "register_estimator",
    "unregister_estimator",
    "get_estimator",
]


# ----------------------------------------------------------------------------- shared steps


def relaxed_backward(perturbed: ArrayLike, v: ArrayLike, tau: ArrayLike) -> np.ndarray:
    r"""The backward pass of the relaxed sample: :math:`J_y^\top v` with :math:`y = \operatorname{softmax}(s/\tau)`.

    Parameters
    ----------
    perturbed : array_like, shape (..., K)
        Perturbed logits :math:`s = x + g` (finite, or ``-inf`` for a category of probability 0).
    v : array_like, broadcastable to ``perturbed``
        The incoming gradient: :math:`\nabla f(y)` (relaxed) or :math:`\nabla f(D)` (straight-through).
    tau : float or 1-D array of T temperatures
        With T temperatures the result gets a leading axis of length T.

    Returns
    -------
    ndarray, shape ``perturbed.shape`` or ``(T,) + perturbed.shape``
        :math:`J_y^\top v = y \odot (v - \langle y, v \rangle)/\tau`, the gradient with
        respect to the logits :math:`x` (since :math:`\partial s/\partial x = I`).

    Examples
    --------
    >>> import numpy as np
    >>> relaxed_backward([0.0, 0.0], [1.0, 0.0], 1.0)      # softmax = (1/2, 1/2)
    array([ 0.25, -0.25])
    """
    s = check_logits(perturbed, "perturbed", ndim=None)
    vv = np.asarray(v, dtype=np.float64)
    taus, scalar = check_tau_grid(tau)
    s = shift_to_max(s)
    if scalar:
        t = float(taus[0])
        return softmax_jvp(tempered_softmax(s, t, shifted=True), np.broadcast_to(vv, s.shape), t)
    tcol = taus.reshape(taus.shape + (1,) * s.ndim)
    y = tempered_softmax(s, tcol, shifted=True)  # (T, ...): one division makes the temperature axis
    return softmax_jvp(y, np.broadcast_to(vv, y.shape), tcol)


# ----------------------------------------------------------------------------- score function


def _score_function(logits: ArrayLike, f: Any, n: int, tau: Any, rng: Any, *, leave_one_out: bool) -> np.ndarray:
    """``(f(z_s) - b_s)(z_s - p)`` with ``b_s`` 0 or the leave-one-out batch mean of f."""
    x, n, taus, scalar = check_estimator_args(logits, f, n, tau)
    k = x.shape[0]
    idx = perturb(x, n, as_generator(rng)).argmax(axis=-1)
    fz = np.asarray(f.value(np.eye(k)[idx]), dtype=np.float64)
    if leave_one_out:
        fz = fz - ((fz.sum() - fz) / (n - 1) if n > 1 else 0.0)
    g = -np.broadcast_to(tempered_softmax(x), (n, k)).copy()
    g[np.arange(n), idx] += 1.0
    g *= fz[:, None]
    return g if scalar else np.broadcast_to(g, (taus.size, n, k))


def score_function(logits: ArrayLike, f: Any, n: int, *, tau: ArrayLike | None = None, rng: Any = None) -> np.ndarray:
    r"""REINFORCE (score-function) estimates :math:`f(z)\,(z - p)`, one per sample.

    :math:`z - p = \nabla_x \log p(z)` for a one-hot :math:`z`, so the mean is the exact
    gradient for every f; no temperature is involved (``tau`` only sets the output
    shape, so the estimators can be looped over alike).

    Parameters
    ----------
    logits : array_like, shape (K,)
        Logits of the categorical distribution (``-inf``: probability 0).
    f : objective
        Anything with ``value(z)`` and ``grad(z)``; only ``value`` at the vertices is used.
    n : int
        Number of single-sample estimates.
    tau : float or 1-D array, optional
        Only sets the output shape (T, n, K) for T temperatures.
    rng : None, int or numpy.random.Generator
        Source of randomness.

    Returns
    -------
    ndarray, shape (n, K), or (T, n, K) for T temperatures (the same rows repeated)

    References
    ----------
    .. [1] R. J. Williams, "Simple statistical gradient-following algorithms for connectionist
       reinforcement learning", Machine Learning 8, 1992.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils.objectives import Linear, exact_gradient
    >>> x = np.array([1.0, 0.5, 0.0])
    >>> g = score_function(x, Linear(), 200_000, rng=0)
    >>> bool(np.all(np.abs(g.mean(0) - exact_gradient(x, Linear())) < 5 * g.std(0) / np.sqrt(len(g))))
    True
    """
    return _score_function(logits, f, n, tau, rng, leave_one_out=False)


def score_function_baseline(
    logits: ArrayLike, f: Any, n: int, *, tau: ArrayLike | None = None, rng: Any = None
) -> np.ndarray:
    r"""Score function with a leave-one-out baseline: :math:`(f(z_s) - b_s)(z_s - p)`.

    :math:`b_s = \frac{1}{n-1}\sum_{t \ne s} f(z_t)` is the mean of the *other*
    samples of the batch: independent of :math:`z_s`, so
    :math:`\mathbb{E}[b_s (z_s - p)] = \mathbb{E}[b_s]\,\mathbb{E}[z_s - p] = 0` and the
    estimator stays unbiased, while :math:`f(z_s) - b_s` is centred, which removes
    most of the variance (the optimal constant baseline is close to
    :math:`\mathbb{E} f`). It costs nothing extra (no further evaluation of f).
    With ``n = 1`` there is no other sample and :math:`b = 0`. The estimates of
    one batch are slightly correlated through the baseline (by O(1/n)).

    Parameters
    ----------
    logits, f, n, tau, rng
        As in :func:`score_function`.

    Returns
    -------
    ndarray, shape (n, K) or (T, n, K)

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils.objectives import Quadratic
    >>> x = np.array([1.0, 0.5, 0.0]); f = Quadratic()
    >>> plain, base = score_function(x, f, 50_000, rng=0), score_function_baseline(x, f, 50_000, rng=0)
    >>> bool(base.var(0).sum() < 0.1 * plain.var(0).sum())
    True
    """
    return _score_function(logits, f, n, tau, rng, leave_one_out=True)


# ----------------------------------------------------------------------------- pathwise


def gumbel_softmax_grad(
    logits: ArrayLike, f: Any, n: int, *, tau: ArrayLike | None = None, rng: Any = None,
    noise: ArrayLike | None = None,
) -> np.ndarray:
    r"""Relaxed (Gumbel-Softmax, pathwise) estimates :math:`\nabla_x f(\operatorname{softmax}((x+g)/\tau))`.

    .. math::

        \hat g = J_y^\top \nabla f(y), \qquad
        J_y = \frac{\partial y}{\partial x} = \frac{\operatorname{diag}(y) - y y^\top}{\tau},
        \qquad y = \operatorname{softmax}((x + g)/\tau).

    It is the exact gradient of :math:`\mathbb{E}_g f(y_\tau)`, the relaxed
    objective, not of :math:`\mathbb{E} f(z)`: biased at every :math:`\tau > 0`
    unless the two objectives have the same gradient.

    Parameters
    ----------
    logits : array_like, shape (K,)
    f : objective with ``grad``
    n : int
        Number of single-sample estimates.
    tau : float or 1-D array, optional
        Temperature(s) > 0; default 1. All temperatures use the same noise.
    rng : None, int or Generator
    noise : array_like, shape (n, K), optional
        Fixed Gumbel noise (for finite-difference checks).

    Returns
    -------
    ndarray, shape (n, K) for a scalar tau, (T, n, K) for T temperatures

    References
    ----------
    .. [1] E. Jang, S. Gu and B. Poole, "Categorical Reparameterization with Gumbel-Softmax", ICLR 2017.
    .. [2] C. J. Maddison, A. Mnih and Y. W. Teh, "The Concrete Distribution", ICLR 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils.objectives import Quadratic
    >>> g = gumbel_softmax_grad([1.0, 0.0, -1.0], Quadratic(), 4, tau=[1e-300, 1.0], rng=0)
    >>> g.shape, bool(np.isfinite(g).all())
    ((2, 4, 3), True)
    """
    x, n, taus, scalar = check_estimator_args(logits, f, n, tau)
    s = perturb(x, n, as_generator(rng), noise)
    s -= s.max(axis=-1, keepdims=True)
    y = tempered_softmax(s, taus[:, None, None], shifted=True)  # (T, n, K)
    g = softmax_jvp(y, f.grad(y), taus[:, None, None])
    return g[0] if scalar else g


def straight_through(
    logits: ArrayLike, f: Any, n: int, *, tau: ArrayLike | None = None, rng: Any = None,
    noise: ArrayLike | None = None,
) -> np.ndarray:
    r"""Straight-through Gumbel-Softmax estimates :math:`J_y^\top \nabla f(D)`.

    The forward pass uses the one-hot :math:`D = \operatorname{onehot}(\arg\max_k (x_k + g_k))`
    (an exact sample); the backward pass "replaces the gradient" of the argmax by
    the Jacobian :math:`J_y` of the relaxed sample (Jang et al. 2017, Sec. 2.2). This
    is PyTorch's ``F.gumbel_softmax(logits, tau, hard=True)``.

    Parameters
    ----------
    logits, f, n, tau, rng, noise
        As in :func:`gumbel_softmax_grad`.

    Returns
    -------
    ndarray, shape (n, K) or (T, n, K)

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils.objectives import Linear
    >>> x = [1.0, 0.0, -1.0]
    >>> a = straight_through(x, Linear(), 5, tau=0.5, rng=3)
    >>> b = gumbel_softmax_grad(x, Linear(), 5, tau=0.5, rng=3)
    >>> bool(np.allclose(a, b))                 # identical for a linear f
    True
    """
    x, n, taus, scalar = check_estimator_args(logits, f, n, tau)
    k = x.shape[0]
    s = perturb(x, n, as_generator(rng), noise)
    idx = s.argmax(axis=-1)
    v = f.grad(np.eye(k)[idx])
    g = relaxed_backward(s, v, taus)
    return g[0] if scalar else g


# ----------------------------------------------------------------------------- registrations

register_estimator("score_function", score_function, label="score function", color="#E69F00", tau_dependent=False)
register_estimator("score_function_baseline", score_function_baseline, label="score fn. + baseline",
                   color="#CC79A7", tau_dependent=False)
register_estimator("gumbel_softmax_grad", gumbel_softmax_grad, label="Gumbel-Softmax (relaxed)", color="#0072B2",
                   tau_dependent=True)
register_estimator("straight_through", straight_through, label="straight-through", color="#D55E00",
                   tau_dependent=True)

# The conditional-noise estimators register themselves when imported, after the four above
# (registration order is display order, and each estimator's stream in a sweep).
from .conditional import conditional_gumbel, gumbel_rao, gumbel_rao_draws, rebar  # noqa: E402
