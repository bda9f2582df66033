r"""The REBAR/RELAX toy problem, exactly: its true objective and its relaxed objective by quadrature.

:math:`b \sim \mathrm{Bernoulli}(p)`, :math:`p = \sigma(\theta)`, :math:`f(b) = (b - t)^2`. The true
objective :math:`\mathbb{E} f(b) = t^2 + p\,(1 - 2t)` is minimised at :math:`p = 0` for :math:`t < 1/2`
(:math:`\theta \to -\infty`). A relaxed estimator at a fixed temperature descends instead

.. math::

    R_\tau(\theta) = \mathbb{E}\big[(y - t)^2\big], \qquad y = \sigma\big((\theta + L)/\tau\big),
    \qquad L \sim \mathrm{Logistic}(0, 1),

a one-dimensional integral over the logistic noise. We compute :math:`R_\tau - t^2 = \mathbb{E}[y(y - 2t)]`
(exactly zero at :math:`\theta = -\infty`) with the trapezoid rule after the substitution
:math:`L = -\theta + \tau \sinh v`, which puts nodes densely where :math:`y` switches (width
:math:`\tau` around :math:`L = -\theta`) and sparsely in the exponential tails; for this analytic
integrand the rule converges exponentially (checked against adaptive quadrature in the tests,
relative error ~1e-14).

**Where the relaxed minimiser is.** As :math:`\theta \to -\infty` with :math:`\tau < 1`,
:math:`R_\tau(\theta) - t^2 \approx e^{\theta}\,\frac{\pi\tau}{\sin \pi\tau}\,(1 - \tau - 2t)`
(integrate :math:`\mathbb{E}[y^2]` by parts: its constant is :math:`1 - \tau` times that of
:math:`\mathbb{E}[y]`). So for :math:`0 < t < 1/2`: if :math:`\tau < 1 - 2t` the objective approaches
its infimum :math:`t^2` from above and the minimiser runs away to :math:`p = 0`, the true answer;
if :math:`\tau > 1 - 2t` it dips below :math:`t^2` at a finite :math:`\theta^*`: the relaxed optimiser
stops at a wrong :math:`p^* > 0` (:func:`relaxed_toy_threshold`, :func:`relaxed_toy_minimizer`).
:func:`relaxed_toy_curves` gives the curves Notebook 4's explorer draws, for many :math:`\tau` at once.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_real_array, check_tau, check_tau_grid
from ._kernels import logistic_from_uniform, sigmoid

__all__ = [
    "check_target",
    "toy_objective_exact",
    "relaxed_toy_objective",
    "relaxed_toy_gradient",
    "relaxed_toy_minimizer",
    "relaxed_toy_argmin",
    "relaxed_toy_threshold",
    "relaxed_toy_curves",
    "relaxed_toy_minimum",
]

#: Trapezoid nodes in v (L = -theta + tau sinh v), on [-V, V] with V = asinh((|theta| + 50) / tau).
_NODES = np.linspace(-1.0, 1.0, 1601)
_BLOCK = 128
#: The minimiser counts as "runs away to p = 0" unless it lowers R below t^2 by more than this (relative).
_RUNAWAY_RTOL = 1e-9


def check_target(target: ArrayLike, name: str = "target") -> float:
    """The toy's target, checked: a real scalar in [0, 1] (TypeError for a non-number, ValueError otherwise).

    Parameters
    ----------
    target : float
        The target :math:`t` of :math:`f(b) = (b - t)^2`; NaN, an array or a value outside [0, 1] is a ValueError.
    name : str, default "target"
        The argument's name in the error messages.

    Returns
    -------
    float

    Examples
    --------
    >>> check_target(0.45)
    0.45
    """
    arr = as_real_array(target, name)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a scalar, got shape {arr.shape}")
    value = float(arr)
    if not 0.0 <= value <= 1.0:  # NaN fails too
        raise ValueError(f"{name} must lie in [0, 1], got {target!r}")
    return value


def _check_theta(theta: ArrayLike) -> np.ndarray:
    th = as_real_array(theta, "theta")
    if not np.isfinite(th).all():
        raise ValueError("theta must be finite (no NaN or inf)")
    return th


def toy_objective_exact(theta: ArrayLike, target: float) -> np.ndarray | float:
    r"""The true objective :math:`\mathbb{E}[(b - t)^2] = t^2 + \sigma(\theta)(1 - 2t)`, :math:`b \sim \mathrm{Bernoulli}(\sigma(\theta))`.

    Parameters
    ----------
    theta : float or array_like
        Finite logit(s) :math:`\theta` of :math:`P(b = 1) = \sigma(\theta)`, any shape.
    target : float in [0, 1]
        The target :math:`t` of :math:`f(b) = (b - t)^2`.

    Returns
    -------
    float for a scalar ``theta``, else an array of its shape.

    Examples
    --------
    >>> toy_objective_exact(0.0, 0.45)
    0.2525
    """
    th, t = _check_theta(theta), check_target(target)
    out = t * t + sigmoid(th) * (1.0 - 2.0 * t)
    return float(out) if np.ndim(out) == 0 else out


def _moments(theta: np.ndarray, t: float, tau: np.ndarray, gradient: bool = False) -> tuple[np.ndarray, ...]:
    r""":math:`D = \mathbb{E}[y(y - 2t)] = R_\tau - t^2`, its scale :math:`\mathbb{E}[y(y + 2t)]` and, if asked,
    :math:`dR_\tau/d\theta = \mathbb{E}[2(y - t)\,y(1 - y)]/\tau`, broadcasting ``theta`` against ``tau``."""
    th, ta = np.broadcast_arrays(np.asarray(theta, dtype=np.float64), np.asarray(tau, dtype=np.float64))
    shape = th.shape
    th, ta = th.ravel(), ta.ravel()
    d, scale, grad = np.empty(th.size), np.empty(th.size), np.empty(th.size) if gradient else None
    du = _NODES[1] - _NODES[0]
    for i in range(0, th.size, _BLOCK):
        a, b = th[i:i + _BLOCK, None], ta[i:i + _BLOCK, None]
        big_v = np.arcsinh((np.abs(a) + 50.0) / b)
        v = big_v * _NODES
        s = np.sinh(v)  # the argument of y = sigmoid(s); L = tau s - theta
        ell = b * s - a
        w = sigmoid(ell) * sigmoid(-ell) * (b * np.cosh(v)) * (big_v * du)  # logistic density x dL/dv x step
        y = sigmoid(s)
        yw = y * w
        d[i:i + _BLOCK] = (yw * (y - 2.0 * t)).sum(axis=1)
        scale[i:i + _BLOCK] = (yw * (y + 2.0 * t)).sum(axis=1)
        if gradient:
            grad[i:i + _BLOCK] = (yw * (2.0 * (y - t)) * sigmoid(-s)).sum(axis=1) / b[:, 0]
    out = (d.reshape(shape), scale.reshape(shape))
    return out + (grad.reshape(shape),) if gradient else out


def _shape_out(x: np.ndarray) -> np.ndarray | float:
    return float(x) if x.ndim == 0 else x


def relaxed_toy_objective(theta: ArrayLike, target: float, tau: ArrayLike) -> np.ndarray | float:
    r"""The relaxed toy objective :math:`R_\tau(\theta) = \mathbb{E}[(\sigma((\theta + L)/\tau) - t)^2]`, by quadrature.

    Parameters
    ----------
    theta : float or array
        Finite logit(s) of :math:`P(b = 1)`.
    target : float in [0, 1]
        The target :math:`t` of :math:`f(b) = (b - t)^2`.
    tau : float or array > 0
        Temperature(s); broadcasts against ``theta``.

    Returns
    -------
    float when ``theta`` and ``tau`` are scalars, else an array of their broadcast shape.

    Examples
    --------
    >>> v = relaxed_toy_objective(0.0, 0.45, 1.0)    # y is uniform on (0, 1) at theta = 0, tau = 1
    >>> abs(v - (1 / 12 + 0.05**2)) < 1e-14
    True
    """
    th, t, ta = _check_theta(theta), check_target(target), check_tau(tau)
    d, _ = _moments(th, t, np.asarray(ta))
    return _shape_out(t * t + d)


def relaxed_toy_gradient(theta: ArrayLike, target: float, tau: ArrayLike) -> np.ndarray | float:
    r""":math:`dR_\tau/d\theta = \mathbb{E}[2(y - t)\,y(1 - y)]/\tau`: the mean of the relaxed estimator on the toy.

    Parameters
    ----------
    theta, target, tau : float or array, float in [0, 1], float or array > 0
        As in :func:`relaxed_toy_objective`: the logit(s), the target and the temperature(s), which
        broadcast against each other; the same quadrature, and the same return shape.

    Examples
    --------
    >>> g = relaxed_toy_gradient(0.0, 0.5, 2.0)     # symmetric: theta = 0 is stationary for t = 1/2
    >>> abs(g) < 1e-15
    True
    """
    th, t, ta = _check_theta(theta), check_target(target), check_tau(tau)
    return _shape_out(_moments(th, t, np.asarray(ta), gradient=True)[2])


def relaxed_toy_threshold(target: float) -> float:
    r"""The temperature below which the relaxed minimiser is the true one: :math:`|1 - 2t|` (``inf`` for t = 0 or 1).

    For :math:`0 < t < 1/2`: :math:`p^* = 0` for :math:`\tau < 1 - 2t` and :math:`p^* > 0` above (module notes).

    >>> relaxed_toy_threshold(0.45), relaxed_toy_threshold(0.499)
    (0.09999999999999998, 0.0020000000000000018)
    """
    t = check_target(target)
    return float("inf") if t in (0.0, 1.0) else abs(1.0 - 2.0 * t)


_GRID_STEP = 1.0
_GRID_LO, _GRID_HI = -60.0, 1.0  # 0 inside the grid (t = 1/2: theta* = 0)


def _argmins_low(t: float, taus: np.ndarray, lo: float = _GRID_LO, hi: float = _GRID_HI) -> np.ndarray:
    """theta* for t <= 1/2 at each tau (``-inf`` where the minimiser runs away), all temperatures at once.

    For t < 1/2, R(theta) - R(-theta) = (1 - 2t)(2 E[y] - 1) > 0 when theta > 0, so theta* <= 0:
    a grid over [lo, hi] (step 1) brackets the global minimum, then bisection on the sign of
    dR/dtheta (the same quadrature) shrinks each bracket to ~1e-13.
    """
    grid = np.arange(lo, hi + 0.5 * _GRID_STEP, _GRID_STEP)
    d, scale = _moments(grid[None, :], t, taus[:, None])  # (T, G)
    rows = np.arange(taus.size)
    i = d.argmin(axis=1)
    out = np.full(taus.size, -np.inf)  # runaway: nothing beats the theta -> -inf limit t^2
    found = d[rows, i] < -_RUNAWAY_RTOL * scale[rows, i]
    left = found & (i == 0)  # the minimum lies further left than the grid: look there (rare)
    if left.any():
        out[left] = _argmins_low(t, taus[left], lo - 120.0, lo + 1.0) if lo > -600.0 else lo
    inner = found & (i > 0)
    a = grid[np.maximum(i - 1, 0)][inner]
    b = grid[np.minimum(i + 1, grid.size - 1)][inner]
    tau_in = taus[inner]
    for _ in range(64):  # bisection: R decreases left of theta*, increases right of it
        if not a.size or (b - a).max() < 1e-13:
            break
        m = 0.5 * (a + b)
        neg = _moments(m, t, tau_in, gradient=True)[2] < 0.0
        a, b = np.where(neg, m, a), np.where(neg, b, m)
    out[inner] = 0.5 * (a + b)
    return out


@functools.lru_cache(maxsize=4096)
def _argmin_low(t: float, tau: float) -> float:
    return float(_argmins_low(t, np.array([tau]))[0])


def _argmin(t: float, tau: float | np.ndarray) -> float | np.ndarray:
    low, sign = (t, 1.0) if t <= 0.5 else (1.0 - t, -1.0)
    if np.ndim(tau) == 0:
        return sign * _argmin_low(low, float(tau))
    taus = np.asarray(tau, dtype=np.float64)
    distinct, where = np.unique(taus, return_inverse=True)  # a schedule repeats each temperature many times
    return sign * _argmins_low(low, distinct)[where].reshape(taus.shape)


def relaxed_toy_argmin(target: float, tau: ArrayLike) -> float | np.ndarray:
    r"""The global minimiser :math:`\theta^*` of :math:`R_\tau` (``-inf``/``+inf`` when it runs away).

    How it is found, and its accuracy: :func:`relaxed_toy_minimizer`, which returns
    :math:`\sigma(\theta^*)`.

    Parameters
    ----------
    target : float in [0, 1]
        The target :math:`t` of :math:`f(b) = (b - t)^2`.
    tau : float > 0, or an array of them
        As in :func:`relaxed_toy_minimizer` (an array: all temperatures at once).

    Returns
    -------
    float, or an array of the shape of ``tau``
        :math:`\theta^*`; ``-inf`` (``+inf`` for :math:`t > 1/2`) where the minimiser runs away to
        :math:`p = 0` (1).

    Examples
    --------
    >>> round(relaxed_toy_argmin(0.45, 1.0), 4)
    -0.5024
    """
    return _argmin(check_target(target), check_tau(tau))


def relaxed_toy_minimizer(target: float, tau: ArrayLike) -> float | np.ndarray:
    r""":math:`p^* = \sigma(\theta^*)` at the global minimiser of the relaxed toy objective :math:`R_\tau`.

    Exact up to quadrature and bisection tolerances (~1e-13 in :math:`\theta`): the objective is
    evaluated by quadrature over the logistic noise (:func:`relaxed_toy_objective`) on a grid of
    :math:`\theta` (step 1, from -60 to 1: for :math:`t < 1/2`, :math:`R_\tau(\theta) > R_\tau(-\theta)`
    when :math:`\theta > 0`), whose lowest point brackets the global minimum; a bounded search, bisection
    on the sign of :math:`dR_\tau/d\theta` (the same quadrature), then shrinks the bracket. When no finite
    :math:`\theta` lowers :math:`R_\tau` below its limit :math:`t^2` (at :math:`\theta \to -\infty`) by more than
    a relative 1e-9, the minimiser runs away and the result is exactly 0 (1 for :math:`t > 1/2`,
    by the symmetry :math:`b \to 1 - b`). A true :math:`p^*` below about 1e-9 is therefore reported as 0.

    Parameters
    ----------
    target : float in [0, 1]
        The target :math:`t` of :math:`f(b) = (b - t)^2`.
    tau : float > 0, or an array of them
        Temperature(s): an array is done all at once (one vectorised quadrature per distinct value).

    Returns
    -------
    float, or an array of the shape of ``tau``

    Examples
    --------
    >>> round(relaxed_toy_minimizer(0.45, 1.0), 3), relaxed_toy_minimizer(0.45, 0.05)
    (0.377, 0.0)
    >>> relaxed_toy_minimizer(0.499, [0.1, 1.0]).round(4)
    array([0.4898, 0.4975])
    """
    p = sigmoid(relaxed_toy_argmin(target, tau))
    return float(p) if np.ndim(p) == 0 else p


def relaxed_toy_curves(target: float, taus: ArrayLike, p: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The relaxed toy on a grid of :math:`p = \sigma(\theta)`, for several temperatures at once.

    What Notebook 4's relaxed-toy explorer draws: the minimiser :math:`p^*(\tau)`
    (:func:`relaxed_toy_minimizer`), the relaxed objective :math:`R_\tau` at
    :math:`\theta = \operatorname{logit} p` (:func:`relaxed_toy_objective`) and the true objective
    :math:`t^2 + p\,(1 - 2t)` (:func:`toy_objective_exact`).

    Parameters
    ----------
    target : float in [0, 1]
        The target :math:`t` of :math:`f(b) = (b - t)^2`.
    taus : float or array_like, shape (T,)
        Temperatures > 0.
    p : array_like, shape (P,)
        Probabilities :math:`P(b = 1)`, strictly between 0 and 1.

    Returns
    -------
    p_star : ndarray, shape (T,)
        The relaxed minimiser at each temperature.
    relaxed : ndarray, shape (T, P)
        :math:`R_\tau` at each temperature and each ``p``.
    true : ndarray, shape (P,)
        The true objective at each ``p``.

    Examples
    --------
    >>> p_star, relaxed, true = relaxed_toy_curves(0.45, [0.05, 1.0], [0.25, 0.5])
    >>> p_star.round(3), relaxed.shape, true
    (array([0.   , 0.377]), (2, 2), array([0.2275, 0.2525]))
    """
    t = check_target(target)
    tt, _ = check_tau_grid(taus, "taus")
    pp = as_real_array(p, "p")
    if pp.ndim != 1 or pp.size == 0 or not ((pp > 0.0) & (pp < 1.0)).all():
        raise ValueError("p must be a non-empty 1-D array of probabilities strictly between 0 and 1")
    theta = logistic_from_uniform(pp)  # logit p: the logistic quantile (pp is never clipped: 0 < pp < 1)
    p_star = np.asarray(relaxed_toy_minimizer(t, tt), dtype=np.float64)
    return p_star, np.asarray(relaxed_toy_objective(theta[None, :], t, tt[:, None])), toy_objective_exact(theta, t)


def relaxed_toy_minimum(target: float, tau: ArrayLike) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    r"""The relaxed minimiser :math:`p^*` and the relaxed objective there, :math:`R_\tau(p^*)`, at each temperature.

    Where the minimiser runs away to :math:`p^* = 0` (:math:`\theta \to -\infty`, every relaxed
    sample at 0) the minimum is the limit :math:`R_\tau \to t^2`.

    Parameters
    ----------
    target : float in [0, 1]
        The target :math:`t` of :math:`f(b) = (b - t)^2`.
    tau : float or array_like, shape (T,)
        Temperatures > 0.

    Returns
    -------
    p_star, minimum : float, or ndarray of shape (T,) for an array of temperatures

    Examples
    --------
    >>> p, r = relaxed_toy_minimum(0.45, 1.0)
    >>> round(p, 3), round(r, 4)
    (0.377, 0.0817)
    >>> relaxed_toy_minimum(0.45, 0.05)
    (0.0, 0.2025)
    """
    t = check_target(target)
    tt, scalar = check_tau_grid(tau, "tau")
    theta = np.asarray(relaxed_toy_argmin(t, tt), dtype=np.float64).reshape(-1)
    finite = np.isfinite(theta)
    p_star = np.where(finite, sigmoid(np.where(finite, theta, 0.0)), 0.0)
    minimum = np.full(tt.shape, t * t)
    if finite.any():
        minimum[finite] = relaxed_toy_objective(theta[finite], t, tt[finite])
    if scalar:
        return float(p_star[0]), float(minimum[0])
    return p_star, minimum
