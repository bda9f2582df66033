"""Sampling a categorical distribution: the Gumbel-max trick and the reference sampler.

Shapes follow one rule everywhere in the package: ``logits`` has shape
``(*batch, K)`` with the K categories on the last axis (``batch`` is empty or
one axis), and ``size`` adds leading axes, so that ``gumbel_max(logits,
size=n)`` has shape ``(n, *batch)``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_generator, check_logits, check_size, logits_as_rows, row_max
from ._kernels import fill_gumbel, fill_neg_gumbel, inverse_cdf, shift_to_max

__all__ = ["sample_gumbel", "gumbel_max", "sample_categorical", "perturbed_max", "gumbel_max_from_noise"]

#: Numbers per block in :func:`gumbel_max` (scratch buffers that stay in the CPU cache).
_BLOCK = 1 << 16


def sample_gumbel(shape: int | tuple[int, ...] | None = None, *, rng=None) -> np.ndarray:
    r"""Standard Gumbel(0, 1) draws, always finite.

    Parameters
    ----------
    shape : int or tuple of ints, optional
        Output shape; None gives a 0-d array.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (normalised with :func:`numpy.random.default_rng`).

    Returns
    -------
    ndarray of float64

    Notes
    -----
    .. math:: g = -\log(-\log U), \qquad U \sim \mathrm{Uniform}(0, 1),

    has CDF :math:`F(g) = \exp(-e^{-g})`. NumPy's uniforms lie in
    :math:`[0, 1)`, and :math:`U = 0` (probability :math:`2^{-53}` per draw in
    float64, about :math:`2^{-24}` in float32) would give :math:`g = -\infty`;
    here :math:`U` is clipped below at the smallest normal double, as
    TensorFlow Probability draws from ``[tiny, 1)``.

    References
    ----------
    .. [1] E. J. Gumbel, "Statistical theory of extreme values and some
       practical applications", NBS Applied Mathematics Series 33, 1954.

    Examples
    --------
    >>> from gumbel_utils import sample_gumbel
    >>> g = sample_gumbel(100_000, rng=0)
    >>> round(float(g.mean()), 2)   # Euler-Mascheroni constant 0.5772...
    0.58

    The unguarded formula at the one uniform that breaks it:

    >>> import numpy as np
    >>> with np.errstate(divide="ignore"):
    ...     -np.log(-np.log(np.float64(0.0)))
    np.float64(-inf)
    """
    out = np.empty(check_size(shape, "shape"), dtype=np.float64)
    return fill_gumbel(out, as_generator(rng))


def gumbel_max(logits: ArrayLike, size: int | tuple[int, ...] | None = None, *, rng=None) -> np.ndarray:
    r"""Sample categories by the Gumbel-max trick, ``argmax(logits + g)``.

    Parameters
    ----------
    logits : array_like, shape (K,) or (B, K)
        Unnormalised log-probabilities (logits or log-probabilities: a
        constant shift changes nothing). ``-inf`` marks a category of
        probability zero, which is never returned.
    size : int or tuple of ints, optional
        Number (or shape) of independent samples. None draws one.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness.

    Returns
    -------
    ndarray of int64, shape ``size + batch``
        ``()`` or ``(n,)`` for 1-D logits; ``(B,)`` or ``(n, B)`` for logits
        of shape (B, K), one category per row of ``logits``.

    Notes
    -----
    With :math:`g_k` independent standard Gumbel,

    .. math::

        P\Big(\arg\max_k (x_k + g_k) = k\Big)
        = \frac{e^{x_k}}{\sum_i e^{x_i}} = \operatorname{softmax}(x)_k ,

    and :math:`\max_k (x_k + g_k) \sim \mathrm{Gumbel}(\log\sum_i e^{x_i})`,
    independently of which :math:`k` attains it (see :func:`perturbed_max`).
    The logits are shifted by their maximum before the noise is added, so
    ``logits`` and ``logits + c`` give identical samples from the same ``rng``
    (whenever ``logits + c`` is exact in floating point).

    References
    ----------
    .. [1] C. J. Maddison, D. Tarlow and T. Minka, "A* Sampling", NeurIPS 2014.
    .. [2] C. J. Maddison, A. Mnih and Y. W. Teh, "The Concrete Distribution",
       ICLR 2017, Section 3.1.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils import gumbel_max, softmax
    >>> x = np.log([0.2, 0.3, 0.5])
    >>> k = gumbel_max(x, size=100_000, rng=0)
    >>> np.bincount(k, minlength=3) / k.size    # close to [0.2, 0.3, 0.5]
    array([0.20286, 0.29896, 0.49818])
    >>> bool((gumbel_max(x + 7.0, size=10, rng=1) == gumbel_max(x, size=10, rng=1)).all())
    True
    >>> gumbel_max(np.zeros((4, 2)), size=3, rng=0).shape      # (n, B)
    (3, 4)
    """
    x2 = logits_as_rows(logits)
    batch = np.shape(logits)[:-1]
    shape = check_size(size)
    gen = as_generator(rng)
    n_rows, k = x2.shape
    n_samples = math.prod(shape)
    # Work in blocks of about _BLOCK numbers that stay in the CPU cache, filled in C order,
    # so the draws are exactly those of one big ``fill_gumbel`` over ``size + logits.shape``.
    if n_rows * k <= _BLOCK:
        step_s, step_b = max(1, _BLOCK // (n_rows * k)), n_rows
        # Logits minus their row maximum: the same array for logits + c (exact shift invariance).
        shifted = (x2 - row_max(x2))[None]
    else:
        step_s, step_b = 1, max(1, _BLOCK // k)
        shifted = None  # shift each block of rows while it is in cache
        if n_samples == 0:
            row_max(x2)  # validate the values even when no block runs
    u_buf = np.empty(step_s * step_b * k)
    z_buf = np.empty_like(u_buf)
    out = np.empty((n_samples, n_rows), dtype=np.intp)
    flat = out.reshape(-1)
    for s0 in range(0, n_samples, step_s):
        s1 = min(s0 + step_s, n_samples)
        for b0 in range(0, n_rows, step_b):
            b1 = min(b0 + step_b, n_rows)
            blk = (s1 - s0, b1 - b0, k)
            u = u_buf[: math.prod(blk)].reshape(blk)
            z = z_buf[: u.size].reshape(blk)
            if shifted is None:
                xb = x2[b0:b1]
                np.subtract(xb, row_max(xb), out=z[0])
                np.subtract(z, fill_neg_gumbel(u, gen), out=z)  # (x - max x) + g
            else:
                np.subtract(shifted, fill_neg_gumbel(u, gen), out=z)
            # the block is contiguous in ``out`` (whole rows, or one sample): write through a flat view
            _argmax_last(z.reshape(-1, k), flat[s0 * n_rows + b0 : (s1 - 1) * n_rows + b1])
    out = out.reshape(shape + batch)
    return out[()] if out.ndim == 0 else out


def _argmax_last(z: np.ndarray, out: np.ndarray) -> None:
    """``out[:] = z.argmax(axis=-1)`` for a finite-or--inf (n, K) array; column by column when K is small."""
    k = z.shape[1]
    if k > 8:
        out[:] = z.argmax(axis=-1)
        return
    best = z[:, 0].copy()
    out[:] = 0
    for j in range(1, k):
        better = z[:, j] > best  # strict: ties keep the first index, as argmax does
        out[better] = j
        np.maximum(best, z[:, j], out=best)


def perturbed_max(logits: ArrayLike, size: int | tuple[int, ...] | None = None, *, rng=None) -> tuple[np.ndarray, np.ndarray]:
    r"""The Gumbel-max sample together with the maximum it attains.

    Parameters
    ----------
    logits, size, rng
        As in :func:`gumbel_max`.

    Returns
    -------
    index : ndarray of int64, shape ``size + batch``
        :math:`\arg\max_k (x_k + g_k)`.
    maximum : ndarray of float64, shape ``size + batch``
        :math:`\max_k (x_k + g_k)`, which is Gumbel with location
        :math:`\log\sum_k e^{x_k}` and independent of ``index`` (max-stability).

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils import perturbed_max
    >>> k, m = perturbed_max(np.log([0.5, 0.5]), size=200_000, rng=0)
    >>> round(float(m.mean()), 2)     # log(1) + Euler-Mascheroni constant
    0.58
    """
    x = check_logits(logits)
    noise = np.empty(check_size(size) + x.shape, dtype=np.float64)
    fill_gumbel(noise, as_generator(rng))
    noise += x
    index = noise.argmax(axis=-1)
    return index, np.take_along_axis(noise, index[..., None], axis=-1)[..., 0]


def sample_categorical(logits: ArrayLike, size: int | tuple[int, ...] | None = None, *, rng=None) -> np.ndarray:
    r"""Reference sampler: inverse CDF of ``softmax(logits)``.

    Same arguments, shapes and ``-inf`` rule as :func:`gumbel_max`; it uses one
    uniform per sample instead of K Gumbels, and exists so that notebooks and
    tests can show that both samplers have the same law.

    Parameters
    ----------
    logits : array_like, shape (K,) or (B, K)
        Unnormalised log-probabilities; ``-inf`` marks a category of
        probability zero, which is never returned.
    size : int or tuple of ints, optional
        Number (or shape) of independent samples. None draws one.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness.

    Returns
    -------
    ndarray of int64, shape ``size + batch``
        As for :func:`gumbel_max`.

    Notes
    -----
    With :math:`p = \operatorname{softmax}(x)`, :math:`C_k = \sum_{i \le k} p_i`
    and :math:`U \sim \mathrm{Uniform}(0, 1)`, the sample is the smallest
    :math:`k` with :math:`U C_K < C_k`; it equals :math:`k` with probability
    :math:`C_k - C_{k-1} = p_k`. A category with :math:`p_k = 0` adds an empty
    interval and is never returned.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils import sample_categorical
    >>> k = sample_categorical(np.log([0.2, 0.3, 0.5]), size=100_000, rng=0)
    >>> np.bincount(k, minlength=3) / k.size
    array([0.20127, 0.29971, 0.49902])
    """
    x = check_logits(logits)
    u = as_generator(rng).random(check_size(size) + x.shape[:-1])
    return inverse_cdf(x, u)


# --- added for the explorers (viz helper, issue 9): the Gumbel-max step for noise drawn once


def gumbel_max_from_noise(logits: ArrayLike, noise: ArrayLike) -> np.ndarray:
    r"""Gumbel-max samples :math:`\arg\max_k (x_k + g_k)` for given noise ``g`` (no random draw).

    The same floating-point steps as :func:`gumbel_max` (the logits minus their
    maximum, plus the noise), so with ``noise = sample_gumbel(size + (K,), rng=s)``
    the samples equal ``gumbel_max(logits, size=size, rng=s)`` exactly, and
    ``logits + c`` gives the very same samples for any constant ``c``. Explorers
    draw the noise once and call this as a slider moves.

    Parameters
    ----------
    logits : array_like, shape (K,) or (B, K)
        Finite or ``-inf`` logits (categories on the last axis).
    noise : array_like, shape (..., K) or (..., B, K)
        Standard Gumbel draws, broadcast against ``logits``.

    Returns
    -------
    ndarray of int64, shape ``noise.shape[:-1]``
        The winning category of each noise row.

    Examples
    --------
    >>> import numpy as np
    >>> from gumbel_utils.sampling import gumbel_max, gumbel_max_from_noise, sample_gumbel
    >>> x = np.log([0.2, 0.3, 0.5])
    >>> g = sample_gumbel((1000, 3), rng=0)
    >>> bool(np.array_equal(gumbel_max_from_noise(x, g), gumbel_max(x, size=1000, rng=0)))
    True
    """
    x = check_logits(logits)
    g = np.asarray(noise, dtype=np.float64)
    if g.ndim < x.ndim or g.shape[g.ndim - x.ndim:] != x.shape:
        raise ValueError(f"noise must end with the logits' shape {x.shape}, got shape {g.shape}")
    return np.argmax(g + shift_to_max(x), axis=-1)
