"""Argument checks shared by the ``explore_*`` builders (private to ``gumbel_utils.viz``).

Explorers check what they are given like the package does: a value outside a
slider's range widens the range (never a silent clamp), an unknown name raises
``ValueError`` listing the valid ones (:func:`gumbel_utils._validation.check_choice`, the
one choice check of the package), a wrong length raises ``ValueError``, a wrong type
``TypeError``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .._validation import check_logits

__all__ = ["check_seed", "check_logit_vector", "widened_range", "widened_log_range", "check_in_range"]


def check_seed(seed: Any, name: str = "seed") -> int:
    """``seed`` as an int >= 0, or ``TypeError`` (not an integer) / ``ValueError`` (negative)."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"{name} must be >= 0, got {seed}")
    return int(seed)


def check_logit_vector(logits: ArrayLike, length: int | tuple[int, int], name: str = "logits") -> np.ndarray:
    """Finite 1-D logits of the given length (or length range ``(lo, hi)``), else ``ValueError``."""
    x = check_logits(logits, name, ndim=(1,), allow_neg_inf=False)
    lo, hi = (length, length) if isinstance(length, int) else length
    if not lo <= x.size <= hi:
        want = f"{lo}" if lo == hi else f"{lo} to {hi}"
        raise ValueError(f"{name} must hold {want} values (one per slider), got {x.size}")
    return x


def widened_range(values: ArrayLike, lo: float, hi: float, *, step: float = 1.0) -> tuple[float, float]:
    """``(lo, hi)`` widened outward to multiples of ``step`` so that every value lies inside."""
    v = np.asarray(values, dtype=np.float64)
    if v.size:
        lo = min(lo, math.floor(float(v.min()) / step) * step)
        hi = max(hi, math.ceil(float(v.max()) / step) * step)
    return float(lo), float(hi)


def check_in_range(value: Any, lo: float, hi: float, name: str) -> float:
    """A finite real ``value`` in ``[lo, hi]``, else ``ValueError`` naming it (``TypeError`` for a non-number)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not (math.isfinite(value) and lo <= value <= hi):
        raise ValueError(f"{name} must lie in [{lo:g}, {hi:g}] (the slider's range), got {value!r}")
    return float(value)


def widened_log_range(value: float, lo: float, hi: float, *, base: float = 10.0) -> tuple[float, float]:
    """Exponent range ``(lo, hi)`` of a log slider, widened to whole exponents so that ``value`` fits."""
    e = math.log(value, base)
    return float(min(lo, math.floor(e))), float(max(hi, math.ceil(e)))
