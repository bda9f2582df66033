"""Input validation shared by the whole package.

Every public function validates its arguments here, so that bad input fails
early with a :class:`ValueError` that names the argument, instead of
propagating NaN into a figure in front of a class.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["as_generator", "check_logits", "logits_as_rows", "row_max", "check_tau", "check_size", "check_simplex_points"]


def as_generator(rng: Any = None) -> np.random.Generator:
    """Normalise ``rng`` (None, an int seed or a Generator) to a Generator (SPEC 7).

    >>> as_generator(0).random() == as_generator(0).random()
    True
    """
    if isinstance(rng, np.random.RandomState):
        raise ValueError("rng must be None, an int seed or a np.random.Generator, not a legacy RandomState")
    try:
        return np.random.default_rng(rng)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"rng must be None, an int seed or a np.random.Generator, got {rng!r}") from exc


def check_logits(
    logits: ArrayLike,
    name: str = "logits",
    *,
    ndim: tuple[int, ...] | None = (1, 2),
    allow_neg_inf: bool = True,
    axis: int = -1,
) -> np.ndarray:
    """Return ``logits`` as a float64 array, or raise ValueError naming ``name``.

    Rules: real numbers only; not empty; no NaN; no ``+inf``; ``-inf`` means
    probability zero and is allowed (unless ``allow_neg_inf`` is False), but not
    for every category of a row (the categories lie along ``axis``).
    """
    try:
        arr = np.asarray(logits, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of real numbers") from exc
    if ndim is not None and arr.ndim not in ndim:
        want = " or ".join(f"{d}-D" for d in ndim)
        raise ValueError(f"{name} must be {want} (categories on the last axis), got shape {arr.shape}")
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one axis (the categories)")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if np.isfinite(arr).all():  # fast path: one pass over the data when everything is finite
        return arr
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    if np.isposinf(arr).any():
        raise ValueError(f"{name} contains +inf (a logit must be finite, or -inf for probability zero)")
    if np.isneginf(arr).any():
        if not allow_neg_inf:
            raise ValueError(f"{name} contains -inf, which is not allowed here")
        if np.isneginf(arr).all(axis=axis).any():
            raise ValueError(f"{name} has a row where every logit is -inf (no category has positive probability)")
    return arr


def logits_as_rows(logits: ArrayLike, name: str = "logits") -> np.ndarray:
    """(K,) or (B, K) logits as a float64 (B, K) array, checking type and shape but not values.

    Pair it with :func:`row_max`, which checks the values in the same pass.
    """
    try:
        arr = np.asarray(logits, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of real numbers") from exc
    if arr.ndim not in (1, 2) or arr.size == 0:
        check_logits(arr, name)  # raises with the usual message
    return arr.reshape(-1, arr.shape[-1])


def row_max(x2: np.ndarray, name: str = "logits") -> np.ndarray:
    """Row maxima, shape (B, 1), of (B, K) logits; ValueError (as :func:`check_logits`) for bad values.

    One pass finds the maxima and validates: a row's maximum is finite exactly
    when the row has no NaN (max and argmax propagate it), no ``+inf`` and
    not only ``-inf``.

    >>> row_max(np.array([[0.0, 2.0, -np.inf]]))
    array([[2.]])
    """
    if x2.shape[1] <= 8:  # few categories: column-wise maxima beat a per-row reduction
        top = x2[:, :1].copy()
        for j in range(1, x2.shape[1]):
            np.maximum(top, x2[:, j : j + 1], out=top)
    else:  # argmax (propagating NaN) then a gather: several times faster than x.max(axis=-1)
        top = x2[np.arange(x2.shape[0]), x2.argmax(axis=-1)][:, None]
    if not np.isfinite(top).all():
        check_logits(x2, name)  # raises: NaN, +inf or a row of -inf
        raise ValueError(f"{name} must be finite or -inf, with a finite logit in every row")  # pragma: no cover
    return top


def check_tau(tau: ArrayLike, name: str = "tau") -> float | np.ndarray:
    """Return a temperature (scalar or array) that is finite and > 0, else raise ValueError."""
    try:
        arr = np.asarray(tau, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a positive real number") from exc
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite, got {tau!r}")
    if (arr <= 0).any():
        raise ValueError(f"{name} must be > 0, got {tau!r}")
    return float(arr) if arr.ndim == 0 else arr


def check_size(size: Any, name: str = "size") -> tuple[int, ...]:
    """Normalise ``size`` (None, an int or a tuple of ints >= 0) to a shape tuple."""
    if size is None:
        return ()
    if isinstance(size, numbers.Integral) and not isinstance(size, bool):
        size = (int(size),)
    try:
        shape = tuple(int(s) for s in size)
        ok = all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in size)
    except (TypeError, ValueError) as exc:  # ValueError: int("x")
        raise ValueError(f"{name} must be None, an int or a tuple of ints, got {size!r}") from exc
    if not ok or any(s < 0 for s in shape):
        raise ValueError(f"{name} must be None, an int or a tuple of ints >= 0, got {size!r}")
    return shape


def check_simplex_points(y: ArrayLike, name: str = "y", *, atol: float = 1e-6) -> np.ndarray:
    """Return points of the open simplex (last axis sums to 1, entries > 0), else raise ValueError."""
    try:
        arr = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of real numbers") from exc
    if arr.ndim == 0 or arr.shape[-1] < 2:
        raise ValueError(f"{name} must have at least 2 coordinates on the last axis, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or inf")
    if (arr <= 0).any():
        raise ValueError(f"{name} must lie in the open simplex (every coordinate > 0)")
    if not np.allclose(arr.sum(axis=-1), 1.0, rtol=0.0, atol=atol):
        raise ValueError(f"{name} must lie on the simplex (coordinates summing to 1 within {atol})")
    return arr
