r"""Gradient estimators for :math:`\nabla_x \, \mathbb{E}_{z \sim \mathrm{Cat}(\mathrm{softmax}(x))}[f(z)]`.

The quantity every estimator here tries to estimate is known exactly, by
enumeration over the K one-hot vectors :math:`e_k` (:func:`exact_gradient`):

.. math::

    \nabla_x \mathbb{E}[f(z)] = \big(\operatorname{diag}(p) - p p^\top\big) f_{\mathrm{vec}},
    \qquad p = \operatorname{softmax}(x),\quad f_{\mathrm{vec}} = (f(e_1), \dots, f(e_K)).

So bias, variance and mean squared error of each estimator are *measured*, not argued.

Estimators (all ``name(logits, f, n, *, tau=None, rng=None, **options)``, returning
``n`` single-sample estimates, shape ``(n, K)``; with an array of temperatures of
shape ``(T,)`` the shape is ``(T, n, K)`` and all temperatures share the same noise):

- :func:`score_function` (REINFORCE) :math:`f(z)(z - p)`, unbiased, no temperature;
- :func:`score_function_baseline`, :math:`(f(z) - b)(z - p)` with a leave-one-out baseline;
- :func:`gumbel_softmax_grad`, pathwise through :math:`y = \operatorname{softmax}((x+g)/\tau)`:
  :math:`J_y^\top \nabla f(y)` with :math:`J_y = (\operatorname{diag}(y) - y y^\top)/\tau`;
- :func:`straight_through`, forward at the one-hot :math:`D`, backward :math:`J_y^\top \nabla f(D)`;
- :func:`gumbel_rao`, straight-through averaged over ``m`` draws of the noise
  conditioned on the argmax (:func:`conditional_gumbel`).

:func:`bias_variance` summarises one estimator (bias, variance, MSE of an
n-sample average, each with a standard error); :func:`k2_moments` gives the exact
K = 2 curves by one-dimensional quadrature.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit

from ._checks import as_generator, check_logits, check_tau
from .numerics import _softmax_unchecked
from .sampling import _fill_gumbel, _shifted

__all__ = [
    "Linear",
    "Quadratic",
    "Cubic",
    "OBJECTIVES",
    "make_objective",
    "exact_gradient",
    "expected_value",
    "score_function",
    "score_function_baseline",
    "gumbel_softmax_grad",
    "straight_through",
    "gumbel_rao",
    "conditional_gumbel",
    "ESTIMATORS",
    "ESTIMATOR_LABELS",
    "BiasVariance",
    "summarize",
    "bias_variance",
    "sweep",
    "mse_optimal_tau",
    "loglog_slope",
    "K2Moments",
    "k2_moments",
    "tail_share",
    "TAU_DEPENDENT",
    "TauLimit",
    "tau_limit_table",
]

_TINY = np.finfo(np.float64).tiny


# ----------------------------------------------------------------------------- objectives


class _Objective:
    """Base class: subclasses give ``value(z)`` and ``grad(z)`` for z of shape (..., K)."""

    name = "objective"
    formula = ""

    def value(self, z: ArrayLike) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def grad(self, z: ArrayLike) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def vertex_values(self, num_categories: int) -> np.ndarray:
        """:math:`f_{\\mathrm{vec}} = (f(e_1), \\dots, f(e_K))`, shape (K,)."""
        return self.value(np.eye(num_categories))

    def __call__(self, z: ArrayLike) -> np.ndarray:
        return self.value(z)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name}: {self.formula})"


def _default_coefficients(k: int) -> np.ndarray:
    """c = (2, ..., 0) evenly spaced: the default weights of Linear and Cubic."""
    return np.linspace(2.0, 0.0, k)


def _params(given: np.ndarray | None, z: np.ndarray, default: Callable[[int], np.ndarray]) -> np.ndarray:
    k = z.shape[-1]
    if given is None:
        return default(k)
    if given.shape != (k,):
        raise ValueError(f"the objective has {given.shape[0]} coefficients but z has {k} categories")
    return given


class Linear(_Objective):
    r"""Linear objective :math:`f(z) = c^\top z` (default :math:`c` evenly spaced from 2 to 0).

    Its gradient :math:`c` is the same everywhere, so the relaxed and the
    straight-through estimators coincide for it.

    >>> float(Linear([1.0, 0.0, -1.0]).value([0.2, 0.3, 0.5]))
    -0.3
    """

    name = "linear"
    formula = r"$f(z) = c^\top z$"

    def __init__(self, c: ArrayLike | None = None) -> None:
        self.c = None if c is None else np.asarray(c, dtype=np.float64)

    def value(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        return z @ _params(self.c, z, _default_coefficients)

    def grad(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        return np.broadcast_to(_params(self.c, z, _default_coefficients), z.shape)


class Quadratic(_Objective):
    r"""Quadratic objective :math:`f(z) = \lVert z - t \rVert^2` (default target :math:`t` from 0.45 to 0.2).

    A K-category version of the REBAR/RELAX toy problem :math:`(b - t)^2`.

    >>> float(Quadratic([0.5, 0.5]).value([1.0, 0.0]))
    0.5
    """

    name = "quadratic"
    formula = r"$f(z) = \|z - t\|^2$"

    def __init__(self, target: ArrayLike | None = None) -> None:
        self.target = None if target is None else np.asarray(target, dtype=np.float64)

    @staticmethod
    def _default(k: int) -> np.ndarray:
        return np.linspace(0.45, 0.2, k)

    def value(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        d = z - _params(self.target, z, self._default)
        return np.einsum("...k,...k->...", d, d)

    def grad(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        return 2.0 * (z - _params(self.target, z, self._default))


class Cubic(_Objective):
    r"""Cubic objective :math:`f(z) = \sum_k c_k z_k^3` (default :math:`c` as in :class:`Linear`).

    On the vertices it equals the linear :math:`c^\top z` (so the exact gradient
    is the same), but not between them: only estimators that evaluate f off
    the vertices can tell the two apart.

    >>> Cubic([1.0, 0.0, -1.0]).value([[0.0, 0.0, 1.0], [0.5, 0.0, 0.5]])
    array([-1.,  0.])
    """

    name = "cubic"
    formula = r"$f(z) = \sum_k c_k z_k^3$"

    def __init__(self, c: ArrayLike | None = None) -> None:
        self.c = None if c is None else np.asarray(c, dtype=np.float64)

    def value(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        return (z * z * z) @ _params(self.c, z, _default_coefficients)

    def grad(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        return 3.0 * z * z * _params(self.c, z, _default_coefficients)


#: The three objectives of the notebook, with default coefficients (any K).
OBJECTIVES = {"linear": Linear(), "quadratic": Quadratic(), "cubic": Cubic()}


def make_objective(name: str, **params) -> _Objective:
    """An objective by name (``"linear"``, ``"quadratic"``, ``"cubic"``), with optional parameters."""
    classes = {"linear": Linear, "quadratic": Quadratic, "cubic": Cubic}
    if name not in classes:
        raise ValueError(f"objective must be one of {sorted(classes)}, got {name!r}")
    return classes[name](**params)


def _check_objective(f) -> None:
    if not (hasattr(f, "value") and hasattr(f, "grad")):
        raise ValueError("f must be an objective with value(z) and grad(z) methods")


# ----------------------------------------------------------------------------- exact


def _logits_1d(logits: ArrayLike) -> np.ndarray:
    x = check_logits(logits, ndim=(1,))
    if x.shape[0] < 2:
        raise ValueError("logits must have at least 2 categories")
    return x


def expected_value(logits: ArrayLike, f) -> float:
    r""":math:`\mathbb{E}_{z \sim \mathrm{Cat}(p)} f(z) = p^\top f_{\mathrm{vec}}`, exactly."""
    _check_objective(f)
    x = _logits_1d(logits)
    return float(_softmax_unchecked(x) @ f.vertex_values(x.shape[0]))


def exact_gradient(logits: ArrayLike, f) -> np.ndarray:
    r"""The exact gradient :math:`\nabla_x \mathbb{E}_{z \sim \mathrm{Cat}(\mathrm{softmax}(x))}[f(z)]`.

    Parameters
    ----------
    logits : array_like, shape (K,)
    f : objective
        Anything with ``value(z)``; only its values at the K vertices are used.

    Returns
    -------
    ndarray, shape (K,)
        :math:`(\operatorname{diag}(p) - p p^\top) f_{\mathrm{vec}}
        = p \odot (f_{\mathrm{vec}} - p^\top f_{\mathrm{vec}})`, by enumeration.

    Examples
    --------
    >>> import numpy as np
    >>> g = exact_gradient([0.0, 0.0], Linear([1.0, 0.0]))
    >>> g                                   # d/dx1 of sigmoid(x1 - x2) at 0 is 1/4
    array([ 0.25, -0.25])
    """
    _check_objective(f)
    x = _logits_1d(logits)
    p = _softmax_unchecked(x)
    fv = f.vertex_values(x.shape[0])
    return p * (fv - p @ fv)


# ----------------------------------------------------------------------------- helpers


def _taus(tau: ArrayLike | None) -> tuple[np.ndarray, bool]:
    """Temperatures as a 1-D array, and whether the caller gave a scalar."""
    t = 1.0 if tau is None else check_tau(tau)
    arr = np.asarray(t, dtype=np.float64)
    if arr.ndim > 1:
        raise ValueError(f"tau must be a scalar or a 1-D array, got shape {arr.shape}")
    return arr.reshape(-1), arr.ndim == 0


def _check_n(n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    return int(n)


def _perturbed(x: np.ndarray, n: int, gen: np.random.Generator, noise: ArrayLike | None) -> np.ndarray:
    """``x - max(x) + g``, shape (n, K), with fresh Gumbel noise or the given one."""
    k = x.shape[0]
    if noise is None:
        z = np.empty((n, k))
        _fill_gumbel(z, gen)
    else:
        z = np.array(noise, dtype=np.float64)
        if z.shape != (n, k):
            raise ValueError(f"noise must have shape (n, K) = {(n, k)}, got {z.shape}")
        if not np.isfinite(z).all():
            raise ValueError("noise must be finite (standard Gumbel draws)")
    z += _shifted(x)
    return z


def _relaxed_many(s: np.ndarray, taus: np.ndarray) -> np.ndarray:
    """``softmax(s / tau)`` for every tau: shape (T, *s.shape); ``s`` has its row maxima at 0."""
    y = s[None] / taus.reshape((-1,) + (1,) * s.ndim)
    np.exp(y, out=y)
    y /= y.sum(axis=-1, keepdims=True)
    return y


def _jvp(y: np.ndarray, v: np.ndarray, taus: np.ndarray) -> np.ndarray:
    r"""In place on a new array: :math:`J_y^\top v = y \odot (v - y^\top v) / \tau` (J is symmetric).

    Written as ``y * (v - <y, v>)`` so that an exactly one-hot ``y`` gives exact
    zeros (``1 * (v_i - v_i) = 0``, ``0 * (...) = 0``) and the division by a
    tiny tau never meets ``inf * 0``.
    """
    out = v - np.einsum("...k,...k->...", y, v)[..., None]
    out *= y
    out /= taus.reshape((-1,) + (1,) * (y.ndim - 1))
    return out


def _output(g: np.ndarray, scalar: bool) -> np.ndarray:
    return g[0] if scalar else g


# ----------------------------------------------------------------------------- estimators


def _score_function(logits: ArrayLike, f, n: int, tau, rng, *, leave_one_out: bool) -> np.ndarray:
    """``(f(z_s) - b_s)(z_s - p)`` with ``b_s`` 0 or the leave-one-out batch mean of f."""
    _check_objective(f)
    x = _logits_1d(logits)
    n = _check_n(n)
    taus, scalar = _taus(tau)
    k = x.shape[0]
    idx = _perturbed(x, n, as_generator(rng), None).argmax(axis=-1)
    fz = f.vertex_values(k)[idx]
    if leave_one_out:
        fz = fz - ((fz.sum() - fz) / (n - 1) if n > 1 else 0.0)
    g = -np.broadcast_to(_softmax_unchecked(x), (n, k)).copy()
    g[np.arange(n), idx] += 1.0
    g *= fz[:, None]
    return g if scalar else np.broadcast_to(g, (taus.size, n, k))


def score_function(logits: ArrayLike, f, n: int, *, tau: ArrayLike | None = None, rng=None) -> np.ndarray:
    r"""REINFORCE (score-function) estimates :math:`f(z)\,(z - p)`, one per sample.

    :math:`z - p = \nabla_x \log p(z)` for a one-hot :math:`z`, so the mean is the exact
    gradient for every f; no temperature is involved (``tau`` only sets the output
    shape, so the estimators can be looped over alike).

    Returns
    -------
    ndarray, shape (n, K), or (T, n, K) for T temperatures (the same rows repeated)

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 0.5, 0.0])
    >>> g = score_function(x, Linear(), 200_000, rng=0)
    >>> bool(np.all(np.abs(g.mean(0) - exact_gradient(x, Linear())) < 5 * g.std(0) / np.sqrt(len(g))))
    True
    """
    return _score_function(logits, f, n, tau, rng, leave_one_out=False)


def score_function_baseline(
    logits: ArrayLike, f, n: int, *, tau: ArrayLike | None = None, rng=None
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

    Returns
    -------
    ndarray, shape (n, K) or (T, n, K)

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 0.5, 0.0]); f = Quadratic()
    >>> plain, base = score_function(x, f, 50_000, rng=0), score_function_baseline(x, f, 50_000, rng=0)
    >>> bool(base.var(0).sum() < 0.1 * plain.var(0).sum())
    True
    """
    return _score_function(logits, f, n, tau, rng, leave_one_out=True)


def gumbel_softmax_grad(
    logits: ArrayLike, f, n: int, *, tau: ArrayLike | None = None, rng=None, noise: ArrayLike | None = None
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

    Examples
    --------
    >>> import numpy as np
    >>> g = gumbel_softmax_grad([1.0, 0.0, -1.0], Quadratic(), 4, tau=[1e-300, 1.0], rng=0)
    >>> g.shape, bool(np.isfinite(g).all())
    ((2, 4, 3), True)
    """
    _check_objective(f)
    x = _logits_1d(logits)
    n = _check_n(n)
    taus, scalar = _taus(tau)
    s = _perturbed(x, n, as_generator(rng), noise)
    s -= s.max(axis=-1, keepdims=True)
    y = _relaxed_many(s, taus)
    return _output(_jvp(y, f.grad(y), taus), scalar)


def straight_through(
    logits: ArrayLike, f, n: int, *, tau: ArrayLike | None = None, rng=None, noise: ArrayLike | None = None
) -> np.ndarray:
    r"""Straight-through Gumbel-Softmax estimates :math:`J_y^\top \nabla f(D)`.

    The forward pass uses the one-hot :math:`D = \operatorname{onehot}(\arg\max_k (x_k + g_k))`
    (an exact sample); the backward pass "replaces the gradient" of the argmax by
    the Jacobian :math:`J_y` of the relaxed sample (Jang et al. 2017, Sec. 2.2).
    Same arguments and shapes as :func:`gumbel_softmax_grad`.

    Examples
    --------
    >>> import numpy as np
    >>> x = [1.0, 0.0, -1.0]
    >>> a = straight_through(x, Linear(), 5, tau=0.5, rng=3)
    >>> b = gumbel_softmax_grad(x, Linear(), 5, tau=0.5, rng=3)
    >>> bool(np.allclose(a, b))                 # identical for a linear f
    True
    """
    _check_objective(f)
    x = _logits_1d(logits)
    n = _check_n(n)
    taus, scalar = _taus(tau)
    k = x.shape[0]
    s = _perturbed(x, n, as_generator(rng), noise)
    idx = s.argmax(axis=-1)
    s -= s.max(axis=-1, keepdims=True)
    v = f.grad(np.eye(k)[idx])
    y = _relaxed_many(s, taus)
    return _output(_jvp(y, np.broadcast_to(v, y.shape), taus), scalar)


def conditional_gumbel(logits: ArrayLike, index: ArrayLike, m: int | None = None, *, rng=None) -> np.ndarray:
    r"""Perturbed logits :math:`x + g` drawn conditionally on :math:`\arg\max_k (x_k + g_k) = i`.

    Paulus, Maddison & Krause (2021), Eq. 9: with :math:`Z = \sum_k e^{x_k}` and
    independent :math:`E_k \sim \mathrm{Exp}(1)`,

    .. math::

        x_i + g_i = -\log E_i + \log Z, \qquad
        x_j + g_j = -\log\!\big(E_j e^{-x_j} + E_i / Z\big) \quad (j \ne i).

    The top value is the Gumbel(:math:`\log Z`) maximum (independent of which
    index attains it); the others are Gumbels with locations :math:`x_j`
    truncated below it. Computed in log space with ``logaddexp``.

    Parameters
    ----------
    logits : array_like, shape (K,)
    index : int or array_like of ints, shape (n,)
        The argmax to condition on, one per sample.
    m : int, optional
        Number of conditional draws per index (a leading axis); None for one draw without that axis.
    rng : None, int or Generator

    Returns
    -------
    ndarray, shape ``(m,) + index.shape + (K,)`` (``m`` omitted if None)
        Perturbed logits whose argmax is ``index``.

    Examples
    --------
    >>> import numpy as np
    >>> z = conditional_gumbel([0.0, 1.0, 2.0], [0, 1, 2, 0], m=5, rng=0)
    >>> z.shape, bool((z.argmax(-1) == [0, 1, 2, 0]).all())
    ((5, 4, 3), True)
    """
    x = _logits_1d(logits)
    k = x.shape[0]
    idx = np.asarray(index)
    if not np.issubdtype(idx.dtype, np.integer) or (idx.size and (idx.min() < 0 or idx.max() >= k)):
        raise ValueError(f"index must hold integers in [0, {k})")
    lead = () if m is None else (_check_n(m),)
    shape = lead + idx.shape + (k,)
    gen = as_generator(rng)
    log_e = np.log(np.maximum(gen.standard_exponential(shape), _TINY))
    xs = _shifted(x)
    log_z = np.log(np.exp(xs).sum())
    mask = np.broadcast_to(idx[..., None] == np.arange(k), shape)
    log_ei = np.take_along_axis(log_e, np.broadcast_to(idx[..., None], lead + idx.shape + (1,)), axis=-1)
    top = log_z - log_ei
    with np.errstate(divide="ignore"):  # a -inf logit stays -inf: exp(-x_j) = inf
        others = -np.logaddexp(log_e - xs, log_ei - log_z)
    out = np.where(mask, top, others)
    out += x.max()
    if np.isneginf(x).any():
        out[..., np.isneginf(x)] = -np.inf
    return out


def gumbel_rao(
    logits: ArrayLike, f, n: int, *, tau: ArrayLike | None = None, rng=None, m: int = 10
) -> np.ndarray:
    r"""Gumbel-Rao estimates: straight-through averaged over ``m`` conditional noises.

    Paulus, Maddison & Krause (2021): draw :math:`D` (the one-hot argmax), then
    :math:`m` perturbations :math:`x + g^{(j)}` conditioned on that argmax
    (:func:`conditional_gumbel`), and average the straight-through backward
    :math:`J_{y^{(j)}}^\top \nabla f(D)`. This is a Rao-Blackwellisation of
    :func:`straight_through`: the same mean, a variance that is not larger
    (their Propositions 2 and 3), and ``m = 1`` has exactly the law of
    straight-through. Same arguments and shapes as :func:`straight_through`.

    Examples
    --------
    >>> gumbel_rao([1.0, 0.0, -1.0], Cubic(), 7, tau=[0.1, 1.0], m=4, rng=0).shape
    (2, 7, 3)
    """
    _check_objective(f)
    x = _logits_1d(logits)
    n = _check_n(n)
    taus, scalar = _taus(tau)
    m = _check_n(m)
    k = x.shape[0]
    gen = as_generator(rng)
    idx = _perturbed(x, n, gen, None).argmax(axis=-1)
    v = f.grad(np.eye(k)[idx])  # (n, K)
    s = conditional_gumbel(x, idx, m, rng=gen)  # (m, n, K)
    s -= s.max(axis=-1, keepdims=True)
    out = np.empty((taus.size, n, k))
    vb = np.broadcast_to(v, s.shape)
    for t, tau_t in enumerate(taus):  # a loop over temperatures only: (m, n, K) arrays inside
        y = _relaxed_many(s, tau_t.reshape(1))[0]
        out[t] = _jvp(y, vb, tau_t.reshape(1)).mean(axis=0)
    return _output(out, scalar)


#: Registry: estimator name -> function ``(logits, f, n, *, tau, rng, **options) -> (n, K)``.
ESTIMATORS: dict[str, Callable[..., np.ndarray]] = {
    "score_function": score_function,
    "score_function_baseline": score_function_baseline,
    "gumbel_softmax_grad": gumbel_softmax_grad,
    "straight_through": straight_through,
    "gumbel_rao": gumbel_rao,
}

#: Short labels for legends.
ESTIMATOR_LABELS = {
    "score_function": "score function",
    "score_function_baseline": "score fn. + baseline",
    "gumbel_softmax_grad": "Gumbel-Softmax (relaxed)",
    "straight_through": "straight-through",
    "gumbel_rao": "Gumbel-Rao",
}

#: Estimators whose law depends on the temperature.
TAU_DEPENDENT = ("gumbel_softmax_grad", "straight_through", "gumbel_rao")


def _estimator(estimator) -> tuple[str, Callable[..., np.ndarray]]:
    if callable(estimator):
        return getattr(estimator, "__name__", "estimator"), estimator
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {sorted(ESTIMATORS)} or a function, got {estimator!r}")
    return estimator, ESTIMATORS[estimator]


# ----------------------------------------------------------------------------- summaries


class BiasVariance(NamedTuple):
    """Bias, variance and MSE of one estimator at one or more temperatures (see :func:`bias_variance`).

    Arrays have a leading temperature axis of length T when several taus were given.
    """

    tau: np.ndarray  #: temperatures, shape (T,)
    exact: np.ndarray  #: the exact gradient, shape (K,)
    mean: np.ndarray  #: Monte Carlo mean of the single-sample estimates, (T, K)
    bias: np.ndarray  #: mean - exact, (T, K)
    bias_se: np.ndarray  #: standard error of each bias component, (T, K)
    bias2: np.ndarray  #: squared norm of the bias, (T,)
    bias2_se: np.ndarray  #: its standard error (delta method), (T,)
    bias2_floor: np.ndarray  #: E of bias2 for an unbiased estimator: variance / n_samples, (T,)
    variance: np.ndarray  #: trace of the covariance of one estimate, (T,)
    variance_se: np.ndarray  #: its standard error, (T,)
    mse: np.ndarray  #: bias2 + variance / batch: MSE of an average of ``batch`` estimates, (T,)
    mse_se: np.ndarray  #: its standard error, (T,)
    batch: int  #: the batch size n of the MSE
    n_samples: int  #: number of single-sample estimates used

    def mse_at(self, batch: int) -> np.ndarray:
        """MSE of an average of ``batch`` estimates (no new sampling: bias2 + variance / batch)."""
        return self.bias2 + self.variance / batch


def summarize(estimates: ArrayLike, exact: ArrayLike, *, tau: ArrayLike | None = None, batch: int = 1) -> BiasVariance:
    r"""Bias, variance and MSE (with standard errors) from single-sample estimates.

    Parameters
    ----------
    estimates : array_like, shape (N, K) or (T, N, K)
    exact : array_like, shape (K,)
    tau : array_like, optional
        The temperatures, stored in the result.
    batch : int
        The n of "MSE of an n-sample average".

    Notes
    -----
    With :math:`\hat\mu` the sample mean and :math:`q_s = \lVert \hat g_s - \hat\mu \rVert^2`:
    bias :math:`b = \hat\mu - \nabla`, se :math:`\hat\sigma_k / \sqrt N`; variance
    :math:`\operatorname{tr}\hat\Sigma = \frac{1}{N-1}\sum_s q_s`, se
    :math:`\operatorname{sd}(q)/\sqrt N`; :math:`\lVert b\rVert^2` has se
    :math:`2\sqrt{b^\top \hat\Sigma b / N}` and an expected value of
    :math:`\operatorname{tr}\Sigma / N` even when the estimator is unbiased (``bias2_floor``);
    MSE :math:`= \lVert b \rVert^2 + \operatorname{tr}\hat\Sigma / n`.
    """
    g = np.asarray(estimates, dtype=np.float64)
    squeeze = g.ndim == 2
    if squeeze:
        g = g[None]
    if g.ndim != 3:
        raise ValueError(f"estimates must have shape (N, K) or (T, N, K), got {np.shape(estimates)}")
    nn = g.shape[1]
    if nn < 2:
        raise ValueError("need at least 2 estimates")
    batch = _check_n(batch)
    ex = np.asarray(exact, dtype=np.float64)
    mean = g.mean(axis=1)
    d = g - mean[:, None, :]
    cov = np.einsum("tsk,tsl->tkl", d, d) / (nn - 1)
    q = np.einsum("tsk,tsk->ts", d, d)
    variance = q.sum(axis=1) / (nn - 1)
    variance_se = q.std(axis=1, ddof=1) / np.sqrt(nn)
    bias = mean - ex
    bias_se = np.sqrt(np.diagonal(cov, axis1=1, axis2=2) / nn)
    bias2 = np.einsum("tk,tk->t", bias, bias)
    bias2_se = 2.0 * np.sqrt(np.maximum(np.einsum("tk,tkl,tl->t", bias, cov, bias), 0.0) / nn)
    mse = bias2 + variance / batch
    mse_se = np.sqrt(bias2_se**2 + (variance_se / batch) ** 2)
    taus = np.full(g.shape[0], np.nan) if tau is None else np.asarray(tau, dtype=np.float64).reshape(-1)
    res = BiasVariance(taus, ex, mean, bias, bias_se, bias2, bias2_se, variance / nn, variance, variance_se,
                       mse, mse_se, batch, nn)
    if squeeze:
        res = res._replace(**{f: getattr(res, f)[0] for f in ("mean", "bias", "bias_se", "bias2", "bias2_se",
                                                              "bias2_floor", "variance", "variance_se", "mse",
                                                              "mse_se")})
    return res


def bias_variance(
    estimator, logits: ArrayLike, f, tau: ArrayLike | None = None, *, n_samples: int = 20_000, batch: int = 1,
    rng=None, **options
) -> BiasVariance:
    r"""Measure one estimator against :func:`exact_gradient`: bias, variance, MSE, with standard errors.

    Parameters
    ----------
    estimator : str or callable
        A name in :data:`ESTIMATORS` or a function with the same signature.
    logits, f
        The distribution and the objective.
    tau : float or 1-D array, optional
        Temperature(s); an array gives a leading axis of length T in every field (same noise for all).
    n_samples : int
        Number of single-sample estimates N.
    batch : int
        n in "the MSE of an average of n estimates" (``bias2 + variance / n``).
    rng, **options
        Passed to the estimator (for example ``m`` for Gumbel-Rao).

    Examples
    --------
    >>> r = bias_variance("score_function", [1.0, 0.0, -1.0], Linear(), n_samples=50_000, rng=0)
    >>> bool(abs(r.bias).max() < 5 * r.bias_se.max())
    True
    """
    _name, fn = _estimator(estimator)
    n_samples = _check_n(n_samples)
    g = fn(logits, f, n_samples, tau=tau, rng=rng, **options)
    taus, _scalar = _taus(tau)
    return summarize(g, exact_gradient(logits, f), tau=taus if g.ndim == 3 else taus[0], batch=batch)


def sweep(
    logits: ArrayLike, f, taus: ArrayLike, *, estimators=None, n_samples: int = 20_000, batch: int = 1,
    rng=None, m: int = 10
) -> dict[str, BiasVariance]:
    """:func:`bias_variance` of several estimators over a grid of temperatures.

    Each estimator gets its own seeded stream (spawned from ``rng``), so adding or
    removing one does not change the others. Returns ``{name: BiasVariance}``;
    ``m`` is passed to Gumbel-Rao.

    >>> import numpy as np
    >>> res = sweep([1.0, 0.0, -1.0], Quadratic(), np.geomspace(0.1, 1, 3), n_samples=1000, rng=0)
    >>> sorted(res)[0], res["straight_through"].variance.shape
    ('gumbel_rao', (3,))
    """
    names = list(ESTIMATORS) if estimators is None else list(estimators)
    t = np.asarray(check_tau(taus), dtype=np.float64).reshape(-1)
    streams = as_generator(rng).spawn(len(names))
    out = {}
    for name, gen in zip(names, streams):
        options = {"m": m} if name == "gumbel_rao" else {}
        out[name] = bias_variance(name, logits, f, t, n_samples=n_samples, batch=batch, rng=gen, **options)
    return out


def mse_optimal_tau(result: BiasVariance, batch: int | None = None) -> tuple[float, float]:
    """The temperature of the grid with the smallest MSE of a ``batch``-sample average, and that MSE.

    Returns ``(tau_star, mse_star)``; ``batch`` defaults to ``result.batch``.
    """
    mse = result.mse_at(result.batch if batch is None else _check_n(batch))
    i = int(np.nanargmin(mse))
    return float(np.asarray(result.tau).reshape(-1)[i]), float(mse[i])


def loglog_slope(x: ArrayLike, y: ArrayLike, y_se: ArrayLike | None = None) -> tuple[float, float]:
    r"""Slope of :math:`\log y` against :math:`\log x` by (weighted) least squares, and its standard error.

    With ``y_se`` the weights are :math:`(y/\sigma_y)^2` (the variance of
    :math:`\log y` is about :math:`(\sigma_y / y)^2`) and the slope's standard
    error comes from them; without, ordinary least squares and its usual error.

    >>> import numpy as np
    >>> t = np.geomspace(0.01, 1, 10)
    >>> round(loglog_slope(t, 3 * t ** -1.0)[0], 6)
    -1.0
    """
    lx, ly = np.log(np.asarray(x, dtype=np.float64)), np.log(np.asarray(y, dtype=np.float64))
    a = np.stack([np.ones_like(lx), lx], axis=1)
    if y_se is None:
        coef, res, _rank, _sv = np.linalg.lstsq(a, ly, rcond=None)
        dof = max(lx.size - 2, 1)
        s2 = float(res[0]) / dof if res.size else 0.0
        cov = s2 * np.linalg.inv(a.T @ a)
    else:
        w = (np.asarray(y, dtype=np.float64) / np.asarray(y_se, dtype=np.float64)) ** 2
        aw = a * w[:, None]
        cov = np.linalg.inv(a.T @ aw)
        coef = cov @ (aw.T @ ly)
        chi2 = float(((ly - a @ coef) ** 2 * w).sum()) / max(lx.size - 2, 1)
        cov = cov * max(chi2, 1.0)  # inflate when the points scatter more than their errors say
    return float(coef[1]), float(np.sqrt(cov[1, 1]))


# ----------------------------------------------------------------------------- K = 2 exactly


class K2Moments(NamedTuple):
    """Exact moments of a pathwise estimator for K = 2 (see :func:`k2_moments`)."""

    tau: np.ndarray  #: (T,)
    exact: np.ndarray  #: exact gradient, (2,)
    mean: np.ndarray  #: expected estimate, (T, 2)
    bias: np.ndarray  #: (T, 2)
    bias2: np.ndarray  #: (T,)
    variance: np.ndarray  #: trace of the covariance, (T,)


def k2_moments(logits: ArrayLike, f, taus: ArrayLike, *, estimator: str = "gumbel_softmax_grad") -> K2Moments:
    r"""Exact mean and variance of the relaxed or straight-through estimator for K = 2, by quadrature.

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
    >>> r = k2_moments([0.5, 0.0], Linear([1.0, 0.0]), [1e-3])
    >>> bool(np.allclose(r.mean[0], r.exact, rtol=1e-4))    # unbiased as tau -> 0 (linear f)
    True
    """
    from scipy.integrate import quad_vec

    _check_objective(f)
    x = _logits_1d(logits)
    if x.shape[0] != 2 or not np.isfinite(x).all():
        raise ValueError("k2_moments needs 2 finite logits")
    if estimator not in ("gumbel_softmax_grad", "straight_through"):
        raise ValueError("estimator must be 'gumbel_softmax_grad' or 'straight_through'")
    t = np.asarray(check_tau(taus), dtype=np.float64).reshape(-1)
    delta = x[0] - x[1]
    u0 = 1.0 / (1.0 + np.exp(delta))  # where delta + L = 0
    eye = np.eye(2)

    def integrand(u: float) -> np.ndarray:
        u = min(max(u, 1e-300), 1.0 - 1e-16)
        a = (delta + np.log(u) - np.log1p(-u)) / t  # (T,)
        y1 = expit(a)
        y1y2 = y1 * expit(-a)  # sigma(a) sigma(-a), not y1 (1 - y1): no cancellation
        if estimator == "gumbel_softmax_grad":
            v = f.grad(np.stack([y1, 1.0 - y1], axis=-1))
        else:
            v = f.grad(eye[np.where(a > 0, 0, 1)])
        h = y1y2 / t * (v[:, 0] - v[:, 1])
        return np.concatenate([h, h * h])

    opts = {"epsabs": 1e-12, "epsrel": 1e-9, "limit": 2000}
    lo = quad_vec(integrand, 0.0, u0, **opts)[0]
    hi = quad_vec(integrand, u0, 1.0, **opts)[0]
    mom = lo + hi
    eh, eh2 = mom[: t.size], mom[t.size :]
    sign = np.array([1.0, -1.0])
    mean = eh[:, None] * sign
    ex = exact_gradient(x, f)
    bias = mean - ex
    return K2Moments(t, ex, mean, bias, (bias**2).sum(axis=1), 2.0 * np.maximum(eh2 - eh**2, 0.0))


def tail_share(estimates: ArrayLike, top: float = 0.01) -> float:
    r"""Share of :math:`\sum_s \lVert \hat g_s \rVert^2` carried by the largest ``top`` fraction of estimates.

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


class TauLimit(NamedTuple):
    """One row of :func:`tau_limit_table`: what one estimator does as tau -> 0 for one objective."""

    estimator: str
    objective: str
    tau_small: float  #: the small temperature where the bias is measured
    rel_bias: float  #: ||bias|| / ||exact gradient|| at tau_small
    rel_bias_se: float  #: its standard error
    bias_z: float  #: largest |bias_k| / se_k at tau_small (> 5: a bias is resolved)
    variance_slope: float  #: d log Var / d log tau, fitted over ``slope_taus``
    variance_slope_se: float


def tau_limit_table(
    logits: ArrayLike, objectives=None, *, estimators=TAU_DEPENDENT, tau_small: float = 0.02,
    slope_taus: ArrayLike | None = None, n_samples: int = 100_000, rng=0, m: int = 10
) -> list[TauLimit]:
    r"""Test the claim "tau -> 0 gives an unbiased, high-variance estimate", estimator by objective.

    For each estimator and objective: the relative bias
    :math:`\|\mathbb{E}\hat g - \nabla\| / \|\nabla\|` at ``tau_small`` (with its standard
    error and the largest component z-score) and the slope of :math:`\log \operatorname{tr}\Sigma`
    against :math:`\log\tau` fitted over ``slope_taus`` (default 5 values from 0.005 to 0.05).
    ``objectives`` maps names to objectives (default :data:`OBJECTIVES`).
    """
    objectives = OBJECTIVES if objectives is None else objectives
    st = np.geomspace(0.005, 0.05, 5) if slope_taus is None else np.asarray(slope_taus, dtype=np.float64)
    taus = np.concatenate([[float(check_tau(tau_small))], st])
    gen = as_generator(rng)
    rows = []
    for oname, f in objectives.items():
        for name in estimators:
            options = {"m": m} if name == "gumbel_rao" else {}
            r = bias_variance(name, logits, f, taus, n_samples=n_samples, rng=gen, **options)
            norm = float(np.linalg.norm(r.exact))
            b = float(np.sqrt(r.bias2[0]))
            b_se = float(r.bias2_se[0] / (2 * max(b, 1e-300)))
            z = float(np.max(np.abs(r.bias[0]) / r.bias_se[0]))
            slope, slope_se = loglog_slope(st, r.variance[1:], r.variance_se[1:])
            resolution = float(np.sqrt(r.bias2_floor[0]))  # MC noise in the norm of the mean
            rows.append(TauLimit(name, oname, float(taus[0]), b / norm, max(b_se, resolution) / norm, z,
                                 slope, slope_se))
    return rows
