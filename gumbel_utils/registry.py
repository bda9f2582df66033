"""The one registry of gradient estimators: name -> :class:`EstimatorSpec`.

Each estimator is registered once, as one record that carries its function, legend
label, colour, whether its law depends on the temperature and its default extra
options. Figures (colours, legends, dropdowns), :func:`~gumbel_utils.gradient_stats.sweep`,
tables and benchmarks read :data:`ESTIMATORS`; adding an estimator is one function
plus one :func:`register_estimator` call. The built-in estimators register
themselves in :mod:`gumbel_utils.estimators` and :mod:`gumbel_utils.conditional`
(importing :mod:`gumbel_utils` imports both).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np
from numpy.typing import ArrayLike

from ._checks import check_choice

__all__ = ["EstimatorSpec", "ESTIMATORS", "register_estimator", "unregister_estimator", "get_estimator"]


@dataclass(frozen=True)
class EstimatorSpec:
    """One registered gradient estimator: its function and everything figures and tables need.

    Calling the record calls the function with the default ``options`` merged in:
    ``ESTIMATORS["gumbel_rao"](x, f, n, tau=0.5, rng=0)`` uses ``m = 10``.

    Attributes
    ----------
    name : str
        The registry key.
    function : callable
        ``function(logits, f, n, *, tau=None, rng=None, **options) -> (n, K) or (T, n, K)``.
    label : str
        Legend label.
    color : str
        Hex colour (Okabe-Ito) used by every figure.
    tau_dependent : bool
        Whether the estimator's law depends on the temperature (an MSE-optimal tau exists).
    options : mapping
        Default extra keyword options (e.g. ``{"m": 10}``).
    """

    name: str
    function: Callable[..., np.ndarray]
    label: str
    color: str
    tau_dependent: bool
    options: Mapping[str, Any] = field(default_factory=dict)

    def __call__(self, logits: ArrayLike, f: Any, n: int, *, tau: ArrayLike | None = None, rng: Any = None,
                 **options: Any) -> np.ndarray:
        return self.function(logits, f, n, tau=tau, rng=rng, **{**self.options, **options})


_REGISTRY: dict[str, EstimatorSpec] = {}

#: Read-only view of the registry: name -> :class:`EstimatorSpec`, in registration (display) order.
ESTIMATORS: Mapping[str, EstimatorSpec] = MappingProxyType(_REGISTRY)


def register_estimator(
    name: str, function: Callable[..., np.ndarray], *, label: str, color: str, tau_dependent: bool,
    options: Mapping[str, Any] | None = None, replace: bool = False,
) -> EstimatorSpec:
    """Register a gradient estimator; figures, sweeps and tables pick it up from :data:`ESTIMATORS`.

    Parameters
    ----------
    name : str
        Registry key (also the name sweeps report).
    function : callable
        ``function(logits, f, n, *, tau=None, rng=None, **options)`` returning (n, K) or (T, n, K).
    label, color : str
        Legend label and hex colour.
    tau_dependent : bool
        Whether its law depends on the temperature.
    options : mapping, optional
        Default extra options passed on every call.
    replace : bool
        Allow replacing an existing registration (otherwise ValueError).

    Returns
    -------
    EstimatorSpec

    Examples
    --------
    >>> spec = register_estimator("zero", lambda logits, f, n, *, tau=None, rng=None: np.zeros((n, len(logits))),
    ...                           label="always 0", color="#000000", tau_dependent=False)
    >>> ESTIMATORS["zero"](np.zeros(3), None, 2).shape
    (2, 3)
    >>> unregister_estimator("zero")
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string, got {name!r}")
    if not callable(function):
        raise TypeError(f"function must be callable, got {type(function).__name__}")
    if name in _REGISTRY and not replace:
        raise ValueError(f"an estimator named {name!r} is registered already (pass replace=True)")
    spec = EstimatorSpec(name, function, str(label), str(color), bool(tau_dependent),
                         MappingProxyType(dict(options or {})))
    _REGISTRY[name] = spec
    return spec


def unregister_estimator(name: str) -> None:
    """Remove an estimator from the registry (ValueError listing the registered names if unknown)."""
    del _REGISTRY[check_choice(name, _REGISTRY, "name")]


def get_estimator(estimator: str | EstimatorSpec | Callable[..., np.ndarray]) -> EstimatorSpec:
    """The :class:`EstimatorSpec` for a registered name, a spec, or an unregistered function.

    An unregistered function gets a spec named after it (``tau_dependent`` True, so
    that summaries look for an optimal temperature), grey in figures.

    Parameters
    ----------
    estimator : str, EstimatorSpec or callable

    Examples
    --------
    >>> get_estimator("gumbel_rao").options["m"]
    10
    >>> get_estimator("foo")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: estimator must be one of ['score_function', 'score_function_baseline', ...], got 'foo'
    """
    if isinstance(estimator, EstimatorSpec):
        return estimator
    if isinstance(estimator, str):
        return _REGISTRY[check_choice(estimator, _REGISTRY, "estimator")]
    if callable(estimator):
        name = getattr(estimator, "__name__", "estimator")
        return EstimatorSpec(name, estimator, name, "#7f7f7f", True)
    raise TypeError(f"estimator must be a registered name, an EstimatorSpec or a function, got {type(estimator).__name__}")
