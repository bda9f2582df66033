r"""Estimators built on the Gumbel noise conditioned on the argmax: Gumbel-Rao and REBAR.

Given the Gumbel-max sample :math:`b = \arg\max_k (x_k + g_k)`, the perturbed logits
:math:`x + g` can be drawn again *conditionally on* :math:`b` (:func:`conditional_gumbel`,
Paulus, Maddison & Krause 2021, Eq. 9). Two estimators use this:

- :func:`gumbel_rao` averages the straight-through backward over ``m`` such draws
  (a Rao-Blackwellisation: same mean, lower variance);
- :func:`rebar` uses the relaxation at the conditional draw as a control variate for
  the score function (Tucker et al. 2017): unbiased at every temperature.

Both are registered in :data:`~gumbel_utils.registry.ESTIMATORS` when this module is
imported (through :mod:`gumbel_utils.estimators`) and share the call shape of every
estimator: ``name(logits, f, n_samples=None, *, tau=1.0, rng=None, noise=None, **options)``
(logits (K,) with ``n_samples`` samples, or (B, ..., K) with one sample per row).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._kernels import TINY, expand_values, one_hot_of, perturb, shift_to_max, softmax_jvp, tempered_softmax
from ._validation import as_generator, check_count, check_estimator_args, check_logits
from .registry import register_estimator

__all__ = ["conditional_gumbel", "gumbel_rao_draws", "gumbel_rao", "rebar"]


def conditional_gumbel(logits: ArrayLike, index: ArrayLike, m: int | None = None, *, rng: Any = None) -> np.ndarray:
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
    logits : array_like, shape (K,) or index.shape + (K,)
        One logit vector for every sample, or one per sample.
    index : int or array_like of ints
        The argmax to condition on, one per sample.
    m : int, optional
        Number of conditional draws per index (a leading axis); None for one draw without that axis.
    rng : None, int or Generator

    Returns
    -------
    ndarray, shape ``(m,) + index.shape + (K,)`` (``m`` omitted if None)
        Perturbed logits whose argmax is ``index``.

    References
    ----------
    .. [1] M. B. Paulus, C. J. Maddison and A. Krause, "Rao-Blackwellizing the Straight-Through
       Gumbel-Softmax Gradient Estimator", ICLR 2021, Eq. 9.

    Examples
    --------
    >>> import numpy as np
    >>> z = conditional_gumbel([0.0, 1.0, 2.0], [0, 1, 2, 0], m=5, rng=0)
    >>> z.shape, bool((z.argmax(-1) == [0, 1, 2, 0]).all())
    ((5, 4, 3), True)
    """
    x = check_logits(logits, "logits", ndim=None)
    k = x.shape[-1]
    if k < 2:
        raise ValueError(f"logits must have at least 2 categories, got shape {x.shape}")
    idx = np.asarray(index)
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"index must hold integers, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= k):
        raise ValueError(f"index must hold integers in [0, {k})")
    if x.ndim > 1 and x.shape[:-1] != idx.shape:
        raise ValueError(f"logits must have shape (K,) or index.shape + (K,) = {idx.shape + (k,)}, got {x.shape}")
    lead = () if m is None else (check_count(m, "m"),)
    shape = lead + idx.shape + (k,)
    gen = as_generator(rng)
    log_e = np.log(np.maximum(gen.standard_exponential(shape), TINY))
    xs = shift_to_max(x)
    log_z = np.log(np.exp(xs).sum(axis=-1, keepdims=True))
    mask = np.broadcast_to(idx[..., None] == np.arange(k), shape)
    log_ei = np.take_along_axis(log_e, np.broadcast_to(idx[..., None], lead + idx.shape + (1,)), axis=-1)
    top = log_z - log_ei
    with np.errstate(divide="ignore"):  # a -inf logit stays -inf: exp(-x_j) = inf
        others = -np.logaddexp(log_e - xs, log_ei - log_z)
    out = np.where(mask, top, others)
    out += x.max(axis=-1, keepdims=True)
    if np.isneginf(x).any():
        out[np.broadcast_to(np.isneginf(x), out.shape)] = -np.inf
    return out


def gumbel_rao_draws(logits: ArrayLike, n_samples: int | None = None, m: int = 10, *, rng: Any = None,
                     noise: ArrayLike | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""The temperature- and objective-free part of :func:`gumbel_rao`: argmaxes and conditional noises.

    Parameters
    ----------
    logits : array_like, shape (K,) or (B, ..., K)
    n_samples : int, optional
        With logits of shape (K,): the number of samples (argmaxes); without: one per row.
    m : int
        Conditional noises per sample.
    rng : None, int or Generator
    noise : array_like, optional
        Fixed Gumbel noise of the shape of the sampled logits (it decides the argmaxes).

    Returns
    -------
    index : ndarray of int, shape (n_samples,) or ``logits.shape[:-1]``
        Gumbel-max samples :math:`\arg\max_k (x_k + g_k)`.
    perturbed : ndarray, shape (m,) + index.shape + (K,)
        :math:`x + g^{(j)}` drawn conditionally on ``index`` (:func:`conditional_gumbel`),
        each row shifted so that its maximum is 0.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils.objectives import Cubic
    >>> draws = gumbel_rao_draws([1.0, 0.0, -1.0], 6, m=4, rng=0)
    >>> a = gumbel_rao([1.0, 0.0, -1.0], Cubic(), 6, tau=0.5, m=4, draws=draws)
    >>> bool(np.array_equal(a, gumbel_rao([1.0, 0.0, -1.0], Cubic(), 6, tau=0.5, m=4, rng=0)))
    True
    """
    x = check_logits(logits, "logits", ndim=None)
    if n_samples is None:
        if x.ndim < 2:
            raise ValueError("logits of shape (K,) need n_samples; logits of shape (B, ..., K) get one sample per row")
        rows = x
    else:
        rows = np.broadcast_to(x, (check_count(n_samples, "n_samples"),) + x.shape)
    gen = as_generator(rng)
    idx = perturb(rows, gen, noise).argmax(axis=-1)
    s = conditional_gumbel(rows, idx, check_count(m, "m"), rng=gen)  # (m, ..., K)
    s -= s.max(axis=-1, keepdims=True)
    return idx, s


def gumbel_rao(
    logits: ArrayLike, f: Any, n_samples: int | None = None, *, tau: ArrayLike | None = None, rng: Any = None,
    noise: ArrayLike | None = None, m: int = 10, draws: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    r"""Gumbel-Rao estimates: straight-through averaged over ``m`` conditional noises.

    Paulus, Maddison & Krause (2021): draw :math:`D` (the one-hot argmax), then
    :math:`m` perturbations :math:`x + g^{(j)}` conditioned on that argmax
    (:func:`conditional_gumbel`), and average the straight-through backward
    :math:`J_{y^{(j)}}^\top \nabla f(D)`. This is a Rao-Blackwellisation of
    :func:`~gumbel_utils.estimators.straight_through`: the same mean, a variance that is not
    larger (their Propositions 2 and 3), and ``m = 1`` has exactly the law of straight-through.

    Parameters
    ----------
    logits, f, n_samples, tau, rng, noise
        As in :func:`~gumbel_utils.estimators.straight_through`.
    m : int
        Number of conditional noises averaged per sample (default 10).
    draws : tuple (index, perturbed), optional
        Precomputed :func:`gumbel_rao_draws` (then ``rng`` and ``noise`` are unused): a live figure
        draws the noise once and re-evaluates only the cheap backward pass.

    Returns
    -------
    ndarray, shape (n_samples, K) or that of ``logits``; a leading (T,) for T temperatures

    Examples
    --------
    >>> from gumbel_utils.objectives import Cubic
    >>> gumbel_rao([1.0, 0.0, -1.0], Cubic(), 7, tau=[0.1, 1.0], m=4, rng=0).shape
    (2, 7, 3)
    """
    rows, taus, scalar = check_estimator_args(logits, f, n_samples, tau)
    m = check_count(m, "m")
    k = rows.shape[-1]
    idx, s = gumbel_rao_draws(rows, None, m, rng=rng, noise=noise) if draws is None else draws
    if s.shape != (m,) + rows.shape or idx.shape != rows.shape[:-1]:
        raise ValueError(f"draws must be (index {rows.shape[:-1]}, perturbed {(m,) + rows.shape}), "
                         f"got ({idx.shape}, {s.shape})")
    vb = np.broadcast_to(f.grad(one_hot_of(idx, k)), s.shape)  # grad f at the one-hot sample, (m, ..., K)
    out = np.empty((taus.size,) + rows.shape)
    for t, tau_t in enumerate(taus):  # a loop over temperatures only: (m, ..., K) arrays inside
        out[t] = softmax_jvp(tempered_softmax(s, tau_t, shifted=True), vb, tau_t).mean(axis=0)
    return out[0] if scalar else out


def _finite_eta(eta: Any) -> float:
    eta_arr = np.asarray(eta)
    if eta_arr.ndim != 0 or eta_arr.dtype.kind not in "iuf":
        raise TypeError(f"eta must be a real number, got {type(eta).__name__}")
    if not np.isfinite(eta_arr):
        raise ValueError(f"eta must be finite, got {eta!r}")
    return float(eta_arr)


def rebar(
    logits: ArrayLike, f: Any, n_samples: int | None = None, *, tau: ArrayLike | None = None, rng: Any = None,
    noise: ArrayLike | None = None, eta: float = 1.0, through_sampler: bool = True,
) -> np.ndarray:
    r"""REBAR estimates (Tucker et al. 2017): the score function with a control variate built from the relaxation.

    With :math:`z = x + g`, :math:`D = \operatorname{onehot}(\arg\max z)`, :math:`p = \operatorname{softmax}(x)`,
    :math:`\tilde z` drawn conditionally on the same argmax (:func:`conditional_gumbel`, a
    differentiable function of :math:`x` for fixed exponential noise) and
    :math:`\sigma_\tau(s) = \operatorname{softmax}(s/\tau)`:

    .. math::

        \hat g = \big[f(D) - \eta\, f(\sigma_\tau(\tilde z))\big](D - p)
                 + \eta\, \nabla_x f(\sigma_\tau(z)) - \eta\, \nabla_x f(\sigma_\tau(\tilde z)).

    **Why it is unbiased, and what that needs.** Write :math:`c(x) = \mathbb{E}\, f(\sigma_\tau(z))`.
    Its gradient has two expressions: the pathwise one, :math:`\mathbb{E}\,\nabla_x f(\sigma_\tau(z))`, and,
    splitting :math:`z` into the sample :math:`D` and :math:`\tilde z` given :math:`D`,
    :math:`\mathbb{E}\big[f(\sigma_\tau(\tilde z))(D - p) + \nabla_x f(\sigma_\tau(\tilde z))\big]`, where the second
    term differentiates :math:`\tilde z` *through the conditional sampler*: :math:`\tilde z` depends on
    :math:`x` (Eq. 9 has :math:`x_j` and :math:`Z` in it) for fixed exponential noise. Their
    difference has mean zero, so subtracting :math:`\eta` times it from the score function changes no
    mean, for every :math:`\tau > 0` and every :math:`\eta`. That :math:`(D, \tilde z)` has the law of
    :math:`(D, z)` is not enough: treating :math:`\tilde z` as fixed noise (``through_sampler=False``,
    the Gumbel-Rao way of differentiating) drops part of the second expression and gives a **biased**
    estimator (Notebook 4 measures it). ``eta = 0`` is the score function (the same numbers for the
    same ``rng``).

    The derivative of the conditional sample needs no exponential noise: from Paulus et al.'s
    Eq. 9, :math:`\partial\tilde z_b/\partial x_k = p_k` and, for :math:`j \ne b`,
    :math:`\partial\tilde z_j/\partial x_k = r_j [j = k] + (1 - r_j) p_k` with
    :math:`r_j = 1 - e^{\tilde z_j - \tilde z_b}`, so with :math:`w = \partial f/\partial\tilde z`,
    :math:`\nabla_x f(\sigma_\tau(\tilde z)) = r \odot w + p \,\langle w, e^{\tilde z - \tilde z_b}\rangle`.

    Parameters
    ----------
    logits, f, n_samples, tau, rng, noise
        As in :func:`~gumbel_utils.estimators.gumbel_softmax_grad` (``tau``: one temperature or a 1-D
        array, same noise for all).
    eta : float
        Weight of the control variate (default 1).
    through_sampler : bool
        Differentiate :math:`\tilde z` through the conditional sampler (default True: REBAR). False
        treats it as fixed noise: a biased counter-example, not an estimator to use.

    Returns
    -------
    ndarray, shape (n_samples, K) or that of ``logits``; a leading (T,) for T temperatures

    References
    ----------
    .. [1] G. Tucker, A. Mnih, C. J. Maddison, D. Lawson and J. Sohl-Dickstein, "REBAR: Low-variance,
       unbiased gradient estimates for discrete latent variable models", NeurIPS 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils.objectives import Cubic
    >>> x = [1.0, 0.5, 0.0]
    >>> from gumbel_utils.estimators import score_function
    >>> bool(np.array_equal(rebar(x, Cubic(), 50, tau=0.3, eta=0.0, rng=1), score_function(x, Cubic(), 50, rng=1)))
    True
    """
    rows, taus, scalar = check_estimator_args(logits, f, n_samples, tau)
    eta = _finite_eta(eta)
    k = rows.shape[-1]
    gen = as_generator(rng)
    z = perturb(rows, gen, noise)  # the same draws as score_function: eta = 0 gives its numbers
    idx = z.argmax(axis=-1)
    d = one_hot_of(idx, k)
    p = tempered_softmax(rows)
    zt = conditional_gumbel(rows, idx, rng=gen)  # argmax idx
    zt -= zt.max(axis=-1, keepdims=True)  # z~ - z~_b: 0 at b, < 0 elsewhere
    e = np.exp(zt)  # 1 - r
    lead = () if scalar else (taus.size,)
    tcol = float(taus[0]) if scalar else taus.reshape((-1,) + (1,) * z.ndim)
    y = tempered_softmax(np.broadcast_to(z, lead + z.shape), tcol)
    yt = tempered_softmax(np.broadcast_to(zt, lead + z.shape), tcol)
    w_t = softmax_jvp(yt, f.grad(yt), tcol)  # d f(sigma(z~/tau)) / d z~
    if through_sampler:  # chain rule through z~(x)
        grad_t = (1.0 - e) * w_t + p * np.einsum("...k,...k->...", w_t, np.broadcast_to(e, w_t.shape))[..., None]
    else:
        grad_t = w_t
    fd = expand_values(f.value(d), idx.ndim)
    fyt = expand_values(f.value(yt), len(lead) + idx.ndim)
    out = (d - p) * (fd - eta * fyt)[..., None]
    out += eta * (softmax_jvp(y, f.grad(y), tcol) - grad_t)
    return out


register_estimator("gumbel_rao", gumbel_rao, label="Gumbel-Rao", color="#009E73", linestyle=(0, (3, 1, 1, 1, 1, 1)),
                   marker="D", tau_dependent=True, draws=gumbel_rao_draws, options={"m": 10},
                   reference="Paulus, Maddison & Krause, ICLR 2021")
register_estimator("rebar", rebar, label="REBAR", color="#56B4E9", linestyle=(0, (8, 2, 2, 2)), marker="P",
                   tau_dependent=True, options={"eta": 1.0}, reference="Tucker et al., NeurIPS 2017")
