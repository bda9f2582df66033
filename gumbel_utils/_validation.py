"""Input validation shared by the whole package.

Every public function validates its arguments here, so that bad input fails
early with an error that names the argument, instead of propagating NaN into a
figure in front of a class. As in NumPy and SciPy, a value of the wrong *type*
(a string temperature, ``None`` logits, an objective without ``grad``) raises
:class:`TypeError`; a value of the right type that is not allowed (NaN, ``+inf``,
``tau <= 0``, a wrong shape) raises :class:`ValueError`.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "as_generator",
    "as_real_array",
    "check_logits",
    "check_logits_1d",
    "logits_as_rows",
    "row_max",
    "check_tau",
    "check_tau_grid",
    "check_size",
    "check_count",
    "check_simplex_points",
    "check_objective",
    "check_estimator_args",
    "check_choice",
    "check_images",
]


def as_real_array(value: Any, name: str) -> np.ndarray:
    """``value`` as a float64 array; TypeError naming ``name`` unless it holds real numbers.

    Booleans, strings, ``None`` and other objects are rejected (NumPy would turn
    ``"1.5"`` into 1.5 and ``True`` into 1.0 silently).

    >>> as_real_array([1, 2.5], "x")
    array([1. , 2.5])
    >>> as_real_array("0.5", "tau")
    Traceback (most recent call last):
    ...
    TypeError: tau must be real numbers, got str
    """
    try:
        arr = np.asarray(value)
    except ValueError as exc:  # ragged nested sequences
        raise ValueError(f"{name} must be a rectangular array of real numbers ({exc})") from exc
    if arr.dtype.kind not in "iuf":
        got = type(value).__name__ if arr.ndim == 0 else f"an array of dtype {arr.dtype}"
        raise TypeError(f"{name} must be real numbers, got {got}")
    return arr.astype(np.float64, copy=False)


def as_generator(rng: Any = None) -> np.random.Generator:
    """Normalise ``rng`` (None, an int seed or a Generator) to a Generator (SPEC 7).

    >>> as_generator(0).random() == as_generator(0).random()
    True
    """
    if isinstance(rng, np.random.RandomState):
        raise TypeError("rng must be None, an int seed or a np.random.Generator, not a legacy RandomState")
    if isinstance(rng, (bool, float, str)):
        raise TypeError(f"rng must be None, an int seed or a np.random.Generator, got {type(rng).__name__}")
    try:
        return np.random.default_rng(rng)
    except TypeError as exc:
        raise TypeError(f"rng must be None, an int seed or a np.random.Generator, got {rng!r}") from exc
    except ValueError as exc:  # e.g. a negative seed
        raise ValueError(f"rng must be None, an int seed >= 0 or a np.random.Generator, got {rng!r}") from exc


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
    arr = as_real_array(logits, name)
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


def check_logits_1d(logits: ArrayLike, name: str = "logits") -> np.ndarray:
    """Logits of ONE categorical distribution: shape (K,) with K >= 2 (else ValueError naming ``name``).

    >>> check_logits_1d([0.0, 1.0])
    array([0., 1.])
    """
    x = check_logits(logits, name, ndim=(1,))
    if x.shape[0] < 2:
        raise ValueError(f"{name} must have at least 2 categories, got shape {x.shape}")
    return x


def logits_as_rows(logits: ArrayLike, name: str = "logits") -> np.ndarray:
    """(K,) or (B, K) logits as a float64 (B, K) array, checking type and shape but not values.

    Pair it with :func:`row_max`, which checks the values in the same pass.
    """
    arr = as_real_array(logits, name)
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


def check_tau(tau: ArrayLike, name: str = "tau", *, scalar: bool = False) -> float | np.ndarray:
    """Return a temperature (scalar or array) that is finite and > 0.

    TypeError unless ``tau`` is a real number (or an array of them); ValueError
    if it is empty, NaN, infinite or <= 0, or (with ``scalar=True``) not one temperature.

    >>> check_tau([0.5, 1.0]), check_tau(np.float32(0.5), scalar=True)
    (array([0.5, 1. ]), 0.5)
    """
    arr = as_real_array(tau, name)
    if scalar and arr.ndim != 0:
        raise ValueError(f"{name} must be one temperature, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite, got {tau!r}")
    if (arr <= 0).any():
        raise ValueError(f"{name} must be > 0, got {tau!r}")
    return float(arr) if arr.ndim == 0 else arr


def check_tau_grid(tau: Any, name: str = "tau", *, default: float = 1.0) -> tuple[np.ndarray, bool]:
    """Temperatures as a 1-D float array, and whether the caller gave a scalar (None: ``default``).

    >>> check_tau_grid(0.5)
    (array([0.5]), True)
    >>> check_tau_grid([0.1, 1.0])[0]
    array([0.1, 1. ])
    """
    t = check_tau(default if tau is None else tau, name)
    arr = np.asarray(t, dtype=np.float64)
    if arr.ndim > 1:
        raise ValueError(f"{name} must be a scalar or a 1-D array, got shape {arr.shape}")
    return arr.reshape(-1), arr.ndim == 0


def check_size(size: Any, name: str = "size") -> tuple[int, ...]:
    """Normalise ``size`` (None, an int or a tuple of ints >= 0) to a shape tuple."""
    if size is None:
        return ()
    if isinstance(size, numbers.Integral) and not isinstance(size, bool):
        size = (int(size),)
    if isinstance(size, (str, bytes)) or not hasattr(size, "__iter__"):
        raise TypeError(f"{name} must be None, an int or a tuple of ints, got {type(size).__name__}")
    items = tuple(size)
    if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in items):
        raise TypeError(f"{name} must be None, an int or a tuple of ints, got {size!r}")
    shape = tuple(int(s) for s in items)
    if any(s < 0 for s in shape):
        raise ValueError(f"{name} must be None, an int or a tuple of ints >= 0, got {size!r}")
    return shape


def check_count(n: Any, name: str = "n", *, minimum: int = 1) -> int:
    """An integer >= ``minimum`` (TypeError for a non-integer, ValueError when too small).

    >>> check_count(np.int64(3))
    3
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(n).__name__}")
    if n < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {n!r}")
    return int(n)


def check_objective(f: Any, name: str = "f") -> Any:
    """``f`` itself if it has callable ``value`` and ``grad`` methods; TypeError naming what is missing.

    An objective is anything with ``value(z)`` and ``grad(z)`` for one-hot or
    relaxed ``z`` of shape (..., K); no base class is required.

    >>> check_objective(object())
    Traceback (most recent call last):
    ...
    TypeError: f must be an objective with value(z) and grad(z) methods; object has no value, grad
    """
    missing = [m for m in ("value", "grad") if not callable(getattr(f, m, None))]
    if missing:
        raise TypeError(
            f"{name} must be an objective with value(z) and grad(z) methods; "
            f"{type(f).__name__} has no {', '.join(missing)}"
        )
    return f


def check_estimator_args(logits: ArrayLike, f: Any, n_samples: Any, tau: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    """The common arguments of every gradient estimator, checked.

    ``logits`` of shape (K,) with ``n_samples`` samples become the rows (n_samples, K) (a
    broadcast view); logits of shape (B, ..., K) without ``n_samples`` get one sample per row.
    Returns those rows, the temperatures as a 1-D array (T,) and whether ``tau`` was a scalar
    (then the estimator drops the temperature axis).

    >>> rows, taus, scalar = check_estimator_args([0.0, 1.0], object.__new__(type("F", (), {
    ...     "value": lambda self, z: z, "grad": lambda self, z: z})), 4, 0.5)
    >>> rows.shape, taus, scalar
    ((4, 2), array([0.5]), True)
    """
    check_objective(f)
    x = check_logits(logits, "logits", ndim=None)
    if x.shape[-1] < 2:
        raise ValueError(f"logits must have at least 2 categories on the last axis, got shape {x.shape}")
    if n_samples is None:
        if x.ndim < 2:
            raise ValueError("logits of shape (K,) need n_samples (how many samples to draw); "
                             "logits of shape (B, ..., K) get one sample per row")
        rows = x
    else:
        rows = np.broadcast_to(x, (check_count(n_samples, "n_samples"),) + x.shape)
    taus, scalar = check_tau_grid(tau)
    return rows, taus, scalar


def check_choice(value: Any, options: Any, name: str) -> Any:
    """``value`` if it is one of ``options``, else ValueError listing the valid ones.

    >>> check_choice("cubic", ["linear", "cubic"], "objective")
    'cubic'
    """
    valid = list(options)
    try:
        ok = value in valid
    except TypeError:  # unhashable
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {valid}, got {value!r}")
    return value


def check_simplex_points(y: ArrayLike, name: str = "y", *, atol: float = 1e-6) -> np.ndarray:
    """Return points of the open simplex (last axis sums to 1, entries > 0), else raise ValueError."""
    arr = as_real_array(y, name)
    if arr.ndim == 0 or arr.shape[-1] < 2:
        raise ValueError(f"{name} must have at least 2 coordinates on the last axis, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or inf")
    if (arr <= 0).any():
        raise ValueError(f"{name} must lie in the open simplex (every coordinate > 0)")
    if not np.allclose(arr.sum(axis=-1), 1.0, rtol=0.0, atol=atol):
        raise ValueError(f"{name} must lie on the simplex (coordinates summing to 1 within {atol})")
    return arr


def check_images(x: Any, name: str = "x", *, pixels: int = 64) -> np.ndarray:
    """Images as a float array of shape (..., pixels) with values in [0, 1] (ValueError naming ``name``).

    >>> check_images(np.zeros((2, 64))).shape
    (2, 64)
    """
    arr = as_real_array(x, name)
    if arr.ndim < 2 or arr.shape[-1] != pixels or arr.size == 0:
        raise ValueError(f"{name} must have shape (n, {pixels}) (flattened 8x8 images, n >= 1), got shape {arr.shape}")
    if not np.isfinite(arr).all() or arr.min() < 0 or arr.max() > 1:
        raise ValueError(f"{name} must hold pixel values in [0, 1]")
    return arr
