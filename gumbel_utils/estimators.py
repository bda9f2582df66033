r"""Gradient estimators for :math:`\nabla_x \, \mathbb{E}_{z \sim \mathrm{Cat}(\mathrm{softmax}(x))}[f(z)]`.

Every estimator has the same call shape::

    name(logits, f, n_samples=None, *, tau=1.0, rng=None, noise=None, **options) -> ndarray

- ``logits`` of shape (K,) and ``n_samples``: ``n_samples`` independent single-sample estimates at
  one logit vector, shape (n_samples, K) (the toy problems of Notebooks 3 and 4);
- ``logits`` of shape (B, ..., K) and no ``n_samples``: one sample per row, estimates of the same
  shape (a model: B images, each with L latent variables of K categories, Notebook 5).

``f`` is an objective: anything with ``value(z)`` and ``grad(z)`` for codes ``z`` of shape (..., K),
one-hot or relaxed (see :mod:`gumbel_utils.objectives`). ``value`` returns one number per row (a toy
objective) or per leading index (a model's loss per image, shared by its latents): the estimators
broadcast it. With an array of ``T`` temperatures the result gets a leading axis of length T and all
temperatures share the same noise. ``noise`` fixes the Gumbel noise (shape of the sampled logits).

The axis 0 of the sampled logits is the **batch**: the leave-one-out baseline of
:func:`score_function_baseline` is the mean of f over the *other* samples along it (so its estimates
depend on the batch, and its registry record says so).

- :func:`score_function` (REINFORCE) :math:`f(z)(z - p)`, unbiased, no temperature;
- :func:`score_function_baseline`, :math:`(f(z) - b)(z - p)` with a leave-one-out baseline;
- :func:`gumbel_softmax_grad`, pathwise through :math:`y = \operatorname{softmax}((x+g)/\tau)`:
  :math:`J_y^\top \nabla f(y)` with :math:`J_y = (\operatorname{diag}(y) - y y^\top)/\tau`;
- :func:`straight_through`, forward at the one-hot :math:`D`, backward :math:`J_y^\top \nabla f(D)`;
- :mod:`gumbel_utils.conditional` holds the two estimators built on the noise conditioned on the
  argmax: Gumbel-Rao and REBAR.

Each is registered (with its label, colour, line style, marker and what its records say) in
:data:`gumbel_utils.registry.ESTIMATORS`. Bias, variance and MSE against the exact gradient live in
:mod:`gumbel_utils.gradient_stats`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._kernels import expand_values, one_hot_of, perturb, shift_to_max, softmax_jvp, tempered_softmax
from ._validation import as_generator, check_count, check_estimator_args, check_logits, check_tau_grid
from .registry import register_estimator

__all__ = [
    "score_function",
    "score_function_baseline",
    "score_function_baseline_exact_mse",
    "gumbel_softmax_grad",
    "straight_through",
    "noise_free_grad",
    "relaxed_backward",
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


def _with_temperatures(g: np.ndarray, taus: np.ndarray, scalar: bool) -> np.ndarray:
    """A temperature-free estimate, shaped like the temperature-dependent ones: (T, ...) unless scalar."""
    return g if scalar else np.broadcast_to(g, (taus.size,) + g.shape)


# ----------------------------------------------------------------------------- score function


def _score_function(logits: ArrayLike, f: Any, n_samples: int | None, tau: Any, rng: Any, noise: Any, *,
                    leave_one_out: bool) -> np.ndarray:
    """``(f(z_s) - b_s)(z_s - p)`` with ``b_s`` 0 or the leave-one-out mean of f along the batch axis 0."""
    rows, taus, scalar = check_estimator_args(logits, f, n_samples, tau)
    k = rows.shape[-1]
    idx = perturb(rows, as_generator(rng), noise).argmax(axis=-1)
    d = one_hot_of(idx, k)
    fz = expand_values(f.value(d), idx.ndim)
    if leave_one_out:
        n = fz.shape[0]
        fz = fz - ((fz.sum(axis=0, keepdims=True) - fz) / (n - 1) if n > 1 else 0.0)
    g = d - tempered_softmax(rows)
    g *= fz[..., None]
    return _with_temperatures(g, taus, scalar)


def score_function(logits: ArrayLike, f: Any, n_samples: int | None = None, *, tau: ArrayLike | None = None,
                   rng: Any = None, noise: ArrayLike | None = None) -> np.ndarray:
    r"""REINFORCE (score-function) estimates :math:`f(z)\,(z - p)`, one per sample.

    :math:`z - p = \nabla_x \log p(z)` for a one-hot :math:`z`, so the mean is the exact
    gradient for every f; no temperature is involved (``tau`` only sets the output
    shape, so the estimators can be looped over alike).

    Parameters
    ----------
    logits : array_like, shape (K,) or (B, ..., K)
        Logits of the categorical distribution(s) (``-inf``: probability 0).
    f : objective
        Anything with ``value(z)`` and ``grad(z)``; only ``value`` at one-hot codes is used.
    n_samples : int, optional
        With logits of shape (K,): the number of single-sample estimates; without: one per row.
    tau : float or 1-D array, optional
        Only sets the output shape (T, ...) for T temperatures.
    rng : None, int or numpy.random.Generator
        Source of randomness.
    noise : array_like, optional
        Fixed Gumbel noise of the shape of the sampled logits (the categories are its Gumbel-max).

    Returns
    -------
    ndarray, shape (n_samples, K) or that of ``logits``; a leading (T,) for T temperatures

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
    return _score_function(logits, f, n_samples, tau, rng, noise, leave_one_out=False)


def score_function_baseline(
    logits: ArrayLike, f: Any, n_samples: int | None = None, *, tau: ArrayLike | None = None, rng: Any = None,
    noise: ArrayLike | None = None,
) -> np.ndarray:
    r"""Score function with a leave-one-out baseline: :math:`(f(z_s) - b_s)(z_s - p)`.

    :math:`b_s = \frac{1}{n-1}\sum_{t \ne s} f(z_t)` is the mean of the *other* samples of
    the batch (axis 0): independent of :math:`z_s`, so
    :math:`\mathbb{E}[b_s (z_s - p)] = \mathbb{E}[b_s]\,\mathbb{E}[z_s - p] = 0` and the
    estimator stays unbiased, while :math:`f(z_s) - b_s` is centred, which removes
    most of the variance (the optimal constant baseline is close to
    :math:`\mathbb{E} f`). It costs nothing extra (no further evaluation of f).

    **Its estimates depend on the batch.** With a batch of ``n`` the baseline is the mean of
    ``n - 1`` others (a noisy one for a small ``n``), and ``n = 1`` has none: it is then the
    plain score function. The batch mean of its ``n`` estimates is the U-statistic
    :math:`\frac{1}{n(n-1)}\sum_{s \ne t} (f(z_s) - f(z_t))(z_s - p)`, whose variance is not
    :math:`\operatorname{tr}\Sigma/n` for the per-sample variance :math:`\Sigma` of a long run:
    the MSE of a batch of ``n`` must be measured from batches of ``n``
    (:func:`~gumbel_utils.gradient_stats.batch_mse`; its registry record says
    ``batch_dependent=True``).

    Parameters
    ----------
    logits, f, n_samples, tau, rng, noise
        As in :func:`score_function`; the batch is axis 0 of the sampled logits.

    Returns
    -------
    ndarray, shape (n_samples, K) or that of ``logits``; a leading (T,) for T temperatures

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils.objectives import Quadratic
    >>> x = np.array([1.0, 0.5, 0.0]); f = Quadratic()
    >>> plain, base = score_function(x, f, 50_000, rng=0), score_function_baseline(x, f, 50_000, rng=0)
    >>> bool(base.var(0).sum() < 0.1 * plain.var(0).sum())
    True
    """
    return _score_function(logits, f, n_samples, tau, rng, noise, leave_one_out=True)


def score_function_baseline_exact_mse(logits: ArrayLike, f: Any, batch: int) -> float:
    r"""The exact MSE of the batch mean of ``batch`` leave-one-out estimates, by enumeration of the categories.

    The batch mean of :func:`score_function_baseline` is a U-statistic of order 2,

    .. math::

        \bar g_n = \binom{n}{2}^{-1} \sum_{s < t} h(z_s, z_t), \qquad
        h(a, b) = \tfrac12\,(f(a) - f(b))\,(a - b),

    with :math:`\mathbb{E}\,h = \nabla` (unbiased), so its MSE is its variance (Hoeffding 1948):

    .. math::

        \operatorname{tr}\operatorname{Var}\bar g_n = \binom{n}{2}^{-1}\big(2(n-2)\,\zeta_1 + \zeta_2\big),
        \qquad \zeta_1 = \operatorname{tr}\operatorname{Var}\,\mathbb{E}[h(a, b) \mid a],
        \quad \zeta_2 = \operatorname{tr}\operatorname{Var}\,h(a, b),

    both finite sums over the K x K pairs of categories. A batch of 1 has no baseline: it is the plain
    score function, :math:`\operatorname{tr}\operatorname{Var}[f(z)(z - p)]`. For large n the MSE is
    :math:`4\zeta_1/n` (the variance of one estimate with a perfect baseline :math:`\mathbb{E} f`, over n),
    which is what bias^2 + variance / n of a long run gives; for small n it is larger.

    Parameters
    ----------
    logits : array_like, shape (K,)
        Finite logits.
    f : objective
        Only its values at the vertices are used.
    batch : int
        The batch size n >= 1.

    Returns
    -------
    float

    References
    ----------
    .. [1] W. Hoeffding, "A class of statistics with asymptotically normal distribution",
       Annals of Mathematical Statistics 19, 1948.

    Examples
    --------
    >>> from gumbel_utils.objectives import Cubic
    >>> [round(score_function_baseline_exact_mse([1.0, 0.5, 0.0], Cubic(), n), 3) for n in (1, 2, 4, 10)]
    [0.803, 0.402, 0.109, 0.031]
    """
    from .objectives import exact_gradient, vertex_values

    x = check_logits(logits, "logits", ndim=(1,), allow_neg_inf=False)
    n = check_count(batch, "batch")
    p = tempered_softmax(x)
    k = p.size
    fv = vertex_values(f, k)
    eye = np.eye(k)
    if n == 1:
        d = fv[:, None] * (eye - p) - exact_gradient(x, f)
        return float((p[:, None] * d**2).sum())
    h = 0.5 * (fv[:, None, None] - fv[None, :, None]) * (eye[:, None, :] - eye[None, :, :])  # (a, b, K)
    w = p[:, None] * p[None, :]
    mean = np.einsum("ab,abk->k", w, h)
    zeta2 = float(np.einsum("ab,abk->", w, (h - mean) ** 2))
    h1 = np.einsum("b,abk->ak", p, h)  # E[h(a, b) | a]
    zeta1 = float(np.einsum("a,ak->", p, (h1 - mean) ** 2))
    return (2.0 * (n - 2) * zeta1 + zeta2) / (n * (n - 1) / 2.0)


# ----------------------------------------------------------------------------- pathwise


def gumbel_softmax_grad(
    logits: ArrayLike, f: Any, n_samples: int | None = None, *, tau: ArrayLike | None = None, rng: Any = None,
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
    logits : array_like, shape (K,) or (B, ..., K)
    f : objective with ``grad``
    n_samples : int, optional
        With logits of shape (K,): the number of single-sample estimates; without: one per row.
    tau : float or 1-D array, optional
        Temperature(s) > 0; default 1. All temperatures use the same noise.
    rng : None, int or Generator
    noise : array_like, optional
        Fixed Gumbel noise of the shape of the sampled logits (for finite-difference checks).

    Returns
    -------
    ndarray, shape (n_samples, K) or that of ``logits``; a leading (T,) for T temperatures

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
    rows, taus, scalar = check_estimator_args(logits, f, n_samples, tau)
    s = perturb(rows, as_generator(rng), noise)
    s -= s.max(axis=-1, keepdims=True)
    if scalar:
        t = float(taus[0])
        y = tempered_softmax(s, t, shifted=True)
        return softmax_jvp(y, f.grad(y), t)
    tcol = taus.reshape((-1,) + (1,) * s.ndim)
    y = tempered_softmax(s, tcol, shifted=True)  # (T, ..., K)
    return softmax_jvp(y, f.grad(y), tcol)


def straight_through(
    logits: ArrayLike, f: Any, n_samples: int | None = None, *, tau: ArrayLike | None = None, rng: Any = None,
    noise: ArrayLike | None = None,
) -> np.ndarray:
    r"""Straight-through Gumbel-Softmax estimates :math:`J_y^\top \nabla f(D)`.

    The forward pass uses the one-hot :math:`D = \operatorname{onehot}(\arg\max_k (x_k + g_k))`
    (an exact sample); the backward pass "replaces the gradient" of the argmax by
    the Jacobian :math:`J_y` of the relaxed sample (Jang et al. 2017, Sec. 2.2). This
    is PyTorch's ``F.gumbel_softmax(logits, tau, hard=True)``.

    Parameters
    ----------
    logits, f, n_samples, tau, rng, noise
        As in :func:`gumbel_softmax_grad`.

    Returns
    -------
    ndarray, shape (n_samples, K) or that of ``logits``; a leading (T,) for T temperatures

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
    rows, taus, scalar = check_estimator_args(logits, f, n_samples, tau)
    s = perturb(rows, as_generator(rng), noise)
    v = f.grad(one_hot_of(s.argmax(axis=-1), rows.shape[-1]))
    g = relaxed_backward(s, v, taus)
    return g[0] if scalar else g


def noise_free_grad(logits: ArrayLike, f: Any, n_samples: int | None = None, *, tau: ArrayLike | None = None,
                    rng: Any = None, noise: Any = None) -> np.ndarray:
    r"""The gradient of :math:`f(\operatorname{softmax}(\theta/\tau))`: "why not just feed the probabilities?".

    Not an estimator of :math:`\nabla\,\mathbb{E} f(z)`, and registered only for comparison (its record
    says ``stochastic=False``): no noise and no sample, the same gradient
    :math:`J^\top \nabla f(y)` with :math:`y = \operatorname{softmax}(\theta/\tau)` for every row. It descends
    :math:`f(\operatorname{softmax}(\theta/\tau))`, whose minimiser can be far from that of
    :math:`\mathbb{E} f(z)` (for a quadratic f it is an interior point, not a vertex: Notebook 4).

    Parameters
    ----------
    logits, f, n_samples, tau
        As in :func:`gumbel_softmax_grad`; ``grad`` is used at :math:`y`.
    rng, noise : ignored
        Accepted for the estimators' call shape; nothing is random.

    Returns
    -------
    ndarray, shape (n_samples, K) or that of ``logits``; a leading (T,) for T temperatures

    Examples
    --------
    >>> from gumbel_utils.objectives import Linear
    >>> noise_free_grad([0.0, 0.0], Linear([1.0, 0.0]), 2)
    array([[ 0.25, -0.25],
           [ 0.25, -0.25]])
    """
    rows, taus, scalar = check_estimator_args(logits, f, n_samples, tau)
    as_generator(rng)  # checked, like every estimator's (nothing is drawn)
    tcol = float(taus[0]) if scalar else taus.reshape((-1,) + (1,) * rows.ndim)
    lead = () if scalar else (taus.size,)
    y = tempered_softmax(np.broadcast_to(rows, lead + rows.shape), tcol)
    return softmax_jvp(y, f.grad(y), tcol)


# ----------------------------------------------------------------------------- registrations

_JANG = "Jang, Gu & Poole, ICLR 2017"
register_estimator("score_function", score_function, label="score function", color="#E69F00",
                   linestyle=(0, (1, 1.5)), marker="v", tau_dependent=False,
                   reference="Williams 1992 (REINFORCE)")
register_estimator("score_function_baseline", score_function_baseline, label="score fn. + baseline",
                   color="#CC79A7", linestyle=(0, (6, 2)), marker="s", tau_dependent=False, batch_dependent=True,
                   reference="leave-one-out baseline (Kool, van Hoof & Welling 2019)")
register_estimator("gumbel_softmax_grad", gumbel_softmax_grad, label="Gumbel-Softmax (relaxed)", color="#0072B2",
                   linestyle="-", marker="o", tau_dependent=True, decodes="relaxed",
                   reference=f"{_JANG}; Maddison, Mnih & Teh, ICLR 2017")
register_estimator("straight_through", straight_through, label="straight-through", color="#D55E00",
                   linestyle=(0, (5, 1.5, 1, 1.5)), marker="^", tau_dependent=True,
                   reference=f"{_JANG}, Sec. 2.2")

# The conditional-noise estimators register themselves when imported, after the four above
# (registration order is display order, and each estimator's stream in a sweep).
from . import conditional  # noqa: E402, F401

register_estimator("noise_free_grad", noise_free_grad, label="softmax, no noise", color="#000000",
                   linestyle=(0, (1, 1)), marker="x", tau_dependent=True, decodes=None, stochastic=False,
                   reference="the learner's first idea (Notebook 4, Section 1)")
