r"""The numerical kernels that every module of the package shares (private: no argument checks).

Each piece of arithmetic that more than one module needs lives here exactly once:

- :func:`tempered_softmax`: the one stable softmax body, :math:`\operatorname{softmax}(z/\tau)`;
- :func:`fill_gumbel` / :func:`fill_neg_gumbel`: the one Gumbel fill, with its tiny-uniform guard;
- :func:`softmax_jvp`: the softmax Jacobian-vector product :math:`J^\top v`;
- :func:`inverse_cdf`: the inverse-CDF categorical sampler;
- :func:`shift_to_max`: logits minus their row maximum (exact shift invariance);
- :func:`sigmoid`, :func:`logistic_from_uniform`: the binary (K = 2) case;
- :func:`one_blas_thread`: BLAS on one thread around a training loop of small matrices.

Inputs are assumed valid (the public functions check them with :mod:`._validation`
first), so these run on hot paths without repeated validation.
"""

from __future__ import annotations

import contextlib
import functools

import numpy as np
from scipy.special import expit

__all__ = [
    "TINY",
    "fill_gumbel",
    "fill_neg_gumbel",
    "tempered_softmax",
    "softmax_jvp",
    "shift_to_max",
    "perturb",
    "one_hot_of",
    "expand_values",
    "inverse_cdf",
    "sigmoid",
    "logistic_from_uniform",
    "tau_column",
    "one_blas_thread",
]

#: Smallest positive normal double: uniforms are clipped below at it, so ``-log(-log U)``
#: is never ``-inf`` (it is at least about -6.56).
TINY = np.finfo(np.float64).tiny


def fill_neg_gumbel(out: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Fill ``out`` in place with ``log(-log U) = -g``, ``U`` uniform on ``[TINY, 1)``.

    ``U`` is drawn from ``[0, 1)`` and clipped below at :data:`TINY` only when a 0
    occurs (a minimum is cheaper than clipping every draw), so ``g`` is always finite.
    """
    rng.random(out=out)
    if out.size and out.min() == 0.0:
        np.maximum(out, TINY, out=out)
    np.log(out, out=out)
    np.negative(out, out=out)
    np.log(out, out=out)
    return out


def fill_gumbel(out: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Fill ``out`` in place with standard Gumbel draws ``g = -log(-log U)`` (always finite).

    ``U < 1`` always, so ``g <= -log(-log(1 - 2**-53)) ~ 36.7``; ``U >= TINY``, so ``g >= -6.56``.
    """
    fill_neg_gumbel(out, rng)
    np.negative(out, out=out)
    return out


def shift_to_max(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """``x - max(x)`` along ``axis`` (a new array): the same array for ``x`` and ``x + c``."""
    with np.errstate(over="ignore"):
        return x - np.max(x, axis=axis, keepdims=True)


def perturb(rows: np.ndarray, rng: np.random.Generator, noise: np.ndarray | None = None) -> np.ndarray:
    """``rows - max(rows) + g`` (a new array of the shape of ``rows``, (..., K)), with Gumbel noise
    from ``rng`` or the given ``noise``.

    Every estimator draws its noise here, so estimators with the same ``rng`` see the
    same Gumbel draws (REBAR with eta = 0 reproduces the score function exactly).
    """
    if noise is None:
        z = fill_gumbel(np.empty(rows.shape), rng)
    else:
        z = np.array(noise, dtype=np.float64)
        if z.shape != rows.shape:
            raise ValueError(f"noise must have the shape of the sampled logits {rows.shape}, got {z.shape}")
        if not np.isfinite(z).all():
            raise ValueError("noise must be finite (standard Gumbel draws)")
    z += shift_to_max(rows)
    return z


def one_hot_of(index: np.ndarray, k: int) -> np.ndarray:
    """One-hot vectors (..., K) of integer categories ``index`` (...,) (a new float array)."""
    out = np.zeros(index.shape + (k,))
    np.put_along_axis(out, index[..., None], 1.0, axis=-1)
    return out


def expand_values(values: np.ndarray, ndim: int) -> np.ndarray:
    """Objective values of shape S (a prefix of a code's leading shape) reshaped to broadcast
    against arrays of ``ndim`` axes without the category axis (appending axes of length 1).

    A toy objective gives one value per row (S = the rows' shape); a model's objective gives one
    value per image for codes of shape (B, L, K) (S = (B,)), shared by the image's L latents.
    """
    v = np.asarray(values, dtype=np.float64)
    return v.reshape(v.shape + (1,) * (ndim - v.ndim))


def tau_column(tau: float | np.ndarray, ndim: int) -> float | np.ndarray:
    """A temperature ready to broadcast against an array of ``ndim`` axes with T leading temperatures.

    A scalar stays a scalar; a 1-D array of T temperatures becomes shape ``(T, 1, ..., 1)``.
    """
    t = np.asarray(tau, dtype=np.float64)
    return float(t) if t.ndim == 0 else t.reshape((-1,) + (1,) * (ndim - 1))


def tempered_softmax(
    z: np.ndarray, tau: float | np.ndarray = 1.0, axis: int = -1, *, out: np.ndarray | None = None,
    shifted: bool = False,
) -> np.ndarray:
    r""":math:`\operatorname{softmax}(z/\tau)` along ``axis``, stably: the row maximum is subtracted first.

    ``tau`` is a scalar or an array that broadcasts against ``z`` (the result has the
    broadcast shape). ``out`` may be ``z`` itself (in place). Every exponent is <= 0,
    so nothing overflows; ``-inf`` entries become exact zeros. ``shifted=True`` says
    that every row of ``z`` already has its maximum at exactly 0 (it skips that pass:
    a hot loop over many temperatures shifts once).
    """
    scaled = not (np.ndim(tau) == 0 and tau == 1.0)
    if shifted:
        if out is not None:
            np.divide(z, tau, out=out) if scaled else np.copyto(out, z)
        else:
            out = z / tau if scaled else np.array(z, dtype=np.float64)
        scaled = False
    else:
        with np.errstate(over="ignore"):  # z - max(z) may overflow to -inf for |z| ~ 1e308: probability 0
            if out is None:
                out = z - np.max(z, axis=axis, keepdims=True)
            else:
                np.subtract(z, np.max(z, axis=axis, keepdims=True), out=out)
    if scaled:
        out /= tau
    np.exp(out, out=out)
    out /= out.sum(axis=axis, keepdims=True)
    return out


def softmax_jvp(y: np.ndarray, v: np.ndarray, tau: float | np.ndarray = 1.0) -> np.ndarray:
    r"""The softmax Jacobian-vector product :math:`J_y^\top v = y \odot (v - \langle y, v\rangle)/\tau`.

    :math:`J_y = \partial\,\operatorname{softmax}(s/\tau)/\partial s = (\operatorname{diag} y - y y^\top)/\tau`
    is symmetric, so this is both the forward and the backward product. Categories lie on
    the last axis; ``tau`` is a scalar or broadcasts against ``y``. Written as
    ``y * (v - <y, v>)`` so that an exactly one-hot ``y`` gives exact zeros and a tiny
    ``tau`` never meets ``inf * 0``. Returns a new array.
    """
    out = v - np.einsum("...k,...k->...", y, v)[..., None]
    out *= y
    if not (np.ndim(tau) == 0 and tau == 1.0):
        out /= tau
    return out


def inverse_cdf(x: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Categories of valid logits ``x`` (K,) or (B, K) for uniforms ``u`` of shape ``size + batch``.

    The sample is the smallest k with ``u * C_K < C_k`` (``C`` the cumulative
    probabilities), which equals k with probability ``p_k``; categories of
    probability 0 are never returned.
    """
    p = tempered_softmax(x)
    cdf = np.cumsum(p, axis=-1)
    v = u * cdf[..., -1]
    if x.ndim == 1:
        index = np.searchsorted(cdf, v, side="right")
    else:
        index = (cdf <= v[..., None]).sum(axis=-1)
    # Guard against rounding at the top end: never beyond the last possible category.
    last_possible = (x.shape[-1] - 1) - np.argmax(p[..., ::-1] > 0, axis=-1)
    return np.minimum(index, last_possible).astype(np.int64)


def sigmoid(a: np.ndarray | float) -> np.ndarray:
    r"""The logistic sigmoid :math:`1/(1 + e^{-a})`, stable for any argument (SciPy's ``expit``)."""
    return expit(a)


def logistic_from_uniform(u: np.ndarray) -> np.ndarray:
    """Standard logistic draws ``log U - log(1 - U)`` from uniforms, ``U`` clipped into ``[TINY, 1 - eps/2]``.

    The logistic variable is the difference of two independent standard Gumbels (the K = 2 noise).
    """
    u = np.clip(u, TINY, 1.0 - np.finfo(np.float64).epsneg)
    return np.log(u) - np.log1p(-u)


@functools.lru_cache(maxsize=1)
def _blas_controller():
    from threadpoolctl import ThreadpoolController  # a dependency (it comes with scikit-learn)

    return ThreadpoolController()


def one_blas_thread() -> contextlib.AbstractContextManager:
    """``with one_blas_thread():`` runs BLAS on one thread inside the block.

    For the small matrices of the trainers, threads cost more than they give (several
    times slower on a shared 2-core machine). The controller is made once (about 0.02 ms
    a call afterwards).
    """
    return _blas_controller().limit(limits=1)
