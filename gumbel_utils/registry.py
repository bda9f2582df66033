"""The one registry of gradient estimators: name -> :class:`EstimatorSpec`.

Each estimator is registered once, as one record that carries everything the course
needs to know about it: its function, legend label, colour AND line style and marker
(so that every figure tells the estimators apart without colour, too), whether its law
depends on the temperature, whether its estimates depend on the other samples of the
batch (the leave-one-out baseline: its MSE at batch n is measured from real batches of
n), what a model's forward pass decodes when it trains with it (a relaxed or a one-hot
code: this is all the categorical VAE needs to train with it), which draws a live figure
may make once and pass back, and its default options.

Every estimator has one call shape (see :mod:`gumbel_utils.estimators`)::

    function(logits, f, n_samples=None, *, tau=1.0, rng=None, noise=None, **options)

with ``logits`` of shape (..., K) and one sample per row, or (K,) with ``n_samples``
samples; so the same function serves the toy problems of Notebooks 3 and 4 (one logit
vector, many samples) and the VAE of Notebook 5 (one sample per image and latent).

Figures (colours, styles, legends, dropdowns),
:func:`~gumbel_utils.gradient_stats.bias_variance_sweep`, tables, training
(:func:`~gumbel_utils.training.train_logits`), the VAE
(:meth:`~gumbel_utils.vae.CategoricalVAE.loss_and_grad`) and the benchmarks read
:data:`ESTIMATORS`; adding an estimator is one function plus one
:func:`register_estimator` call. The built-in estimators register themselves in
:mod:`gumbel_utils.estimators`, :mod:`gumbel_utils.conditional` and
:mod:`gumbel_utils.training` (importing :mod:`gumbel_utils` imports all three).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np
from numpy.typing import ArrayLike

from ._validation import check_choice

__all__ = [
    "EstimatorSpec",
    "ESTIMATORS",
    "DECODES",
    "register_estimator",
    "unregister_estimator",
    "get_estimator",
    "estimator_names",
]

#: What a model's forward pass decodes when it trains with an estimator: the one-hot sample
#: ``D = onehot(argmax(logits + g))``, or the relaxed ``y = softmax((logits + g)/tau)``.
#: ``None`` (an estimator that draws no sample) cannot train a VAE.
DECODES = ("one_hot", "relaxed")


@dataclass(frozen=True)
class EstimatorSpec:
    """One registered gradient estimator: its function and everything figures, tables and models need.

    Calling the record calls the function with the default ``options`` merged in:
    ``ESTIMATORS["gumbel_rao"](x, f, n, tau=0.5, rng=0)`` uses ``m = 10``.

    Attributes
    ----------
    name : str
        The registry key.
    function : callable
        ``function(logits, f, n_samples=None, *, tau=1.0, rng=None, noise=None, **options)``; see
        :mod:`gumbel_utils.estimators` for the call shape.
    label : str
        Legend label.
    color : str
        Hex colour (Okabe-Ito) used by every figure.
    linestyle : str or tuple
        Matplotlib line style of its curves: with ``marker``, it tells the estimators apart
        for readers who cannot tell the colours apart.
    marker : str
        Matplotlib marker of its points (and of its curves, every few points).
    tau_dependent : bool
        Whether the estimator's law depends on the temperature (an MSE-optimal tau exists).
    batch_dependent : bool
        Whether an estimate depends on the other samples of its batch (a leave-one-out
        baseline): then the MSE of a batch mean of n estimates is measured from real batches
        of n, never as bias^2 + variance / n from a long run.
    decodes : {"one_hot", "relaxed"} or None
        What a model's forward pass decodes when it trains with this estimator (the loss it
        reports and the decoder's gradient); None: it cannot train a model (it draws no sample).
    stochastic : bool
        Whether it draws the categorical sample (an estimator of the gradient of E f(z)); the
        noise-free softmax of Notebook 4 is registered for comparison with ``stochastic=False``,
        and the gradient sweeps and figures leave it out by default.
    draws : callable or None
        ``draws(logits, n_samples, *, rng=None, **options)``: the temperature- and objective-free
        draws of the estimator, which a live figure computes once and passes back as ``draws=``.
    options : mapping
        Default extra keyword options (e.g. ``{"m": 10}``).
    reference : str
        Where the estimator comes from (shown in docs and tables).
    """

    name: str
    function: Callable[..., np.ndarray]
    label: str
    color: str
    linestyle: Any
    marker: str
    tau_dependent: bool
    batch_dependent: bool = False
    decodes: str | None = "one_hot"
    stochastic: bool = True
    draws: Callable[..., Any] | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    reference: str = ""

    def __call__(self, logits: ArrayLike, f: Any, n_samples: int | None = None, *, tau: ArrayLike | None = None,
                 rng: Any = None, **options: Any) -> np.ndarray:
        return self.function(logits, f, n_samples, tau=tau, rng=rng, **{**self.options, **options})

    @property
    def style(self) -> dict[str, Any]:
        """Keyword arguments of a Matplotlib line of this estimator: colour, line style, marker."""
        return {"color": self.color, "linestyle": self.linestyle, "marker": self.marker}


_REGISTRY: dict[str, EstimatorSpec] = {}

#: Read-only view of the registry: name -> :class:`EstimatorSpec`, in registration (display) order.
ESTIMATORS: Mapping[str, EstimatorSpec] = MappingProxyType(_REGISTRY)


def register_estimator(
    name: str, function: Callable[..., np.ndarray], *, label: str, color: str, linestyle: Any, marker: str,
    tau_dependent: bool, batch_dependent: bool = False, decodes: str | None = "one_hot", stochastic: bool = True,
    draws: Callable[..., Any] | None = None, options: Mapping[str, Any] | None = None, reference: str = "",
    replace: bool = False,
) -> EstimatorSpec:
    """Register a gradient estimator; sweeps, figures, training, the VAE and benchmarks pick it up.

    Parameters
    ----------
    name : str
        Registry key (also the name sweeps report).
    function : callable
        ``function(logits, f, n_samples=None, *, tau=1.0, rng=None, noise=None, **options)`` returning
        estimates of the shape of the (sampled) logits, with a leading axis of T for T temperatures.
    label, color : str
        Legend label and hex colour.
    linestyle : str or tuple
        Matplotlib line style (distinct from the other estimators').
    marker : str
        Matplotlib marker (distinct from the other estimators').
    tau_dependent : bool
        Whether its law depends on the temperature.
    batch_dependent : bool, default False
        Whether an estimate depends on the other samples of its batch (see :class:`EstimatorSpec`).
    decodes : {"one_hot", "relaxed"} or None, default "one_hot"
        What a model's forward pass decodes when it trains with it; None: it cannot train a model.
    stochastic : bool, default True
        Whether it draws the categorical sample.
    draws : callable, optional
        Reusable temperature-free draws for live figures (see :class:`EstimatorSpec`).
    options : mapping, optional
        Default extra options passed on every call.
    reference : str, optional
        Where it comes from.
    replace : bool
        Allow replacing an existing registration (otherwise ValueError).

    Returns
    -------
    EstimatorSpec

    Examples
    --------
    >>> spec = register_estimator("zero", lambda logits, f, n_samples=None, *, tau=None, rng=None:
    ...                           np.zeros((n_samples, len(logits))), label="always 0", color="#000000",
    ...                           linestyle=(0, (1, 3)), marker="x", tau_dependent=False, decodes=None)
    >>> ESTIMATORS["zero"](np.zeros(3), None, 2).shape
    (2, 3)
    >>> unregister_estimator("zero")
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string, got {name!r}")
    if not callable(function):
        raise TypeError(f"function must be callable, got {type(function).__name__}")
    if draws is not None and not callable(draws):
        raise TypeError(f"draws must be callable or None, got {type(draws).__name__}")
    if decodes is not None:
        check_choice(decodes, DECODES, "decodes")
    if not isinstance(marker, str) or not marker:
        raise TypeError(f"marker must be a Matplotlib marker string, got {marker!r}")
    if name in _REGISTRY and not replace:
        raise ValueError(f"an estimator named {name!r} is registered already (pass replace=True)")
    taken = {(s.linestyle, s.marker) for n, s in _REGISTRY.items() if n != name}
    if (linestyle, marker) in taken:
        raise ValueError(f"line style {linestyle!r} with marker {marker!r} is taken by another estimator: "
                         "give every estimator a style of its own (colour is not enough for every reader)")
    spec = EstimatorSpec(name, function, str(label), str(color), linestyle, marker, bool(tau_dependent),
                         bool(batch_dependent), decodes, bool(stochastic), draws,
                         MappingProxyType(dict(options or {})), str(reference))
    _REGISTRY[name] = spec
    return spec


def unregister_estimator(name: str) -> None:
    """Remove an estimator from the registry (ValueError listing the registered names if unknown).

    Parameters
    ----------
    name : str
        A registered name.
    """
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
        return EstimatorSpec(name, estimator, name, "#7f7f7f", "-", ".", True)
    raise TypeError(f"estimator must be a registered name, an EstimatorSpec or a function, got {type(estimator).__name__}")


def estimator_names(*, stochastic: bool | None = True, tau_dependent: bool | None = None,
                    trains_models: bool | None = None) -> list[str]:
    """Registered names in display order, filtered by what their records say.

    Parameters
    ----------
    stochastic : bool or None, default True
        Keep the estimators that draw the categorical sample (True, the default: the gradient
        estimators proper), the others (False), or all (None).
    tau_dependent : bool or None
        Keep only the temperature-dependent ones (True), the others (False), or all (None).
    trains_models : bool or None
        Keep only those a model can train with (``decodes`` not None: the VAE), or all (None).

    Examples
    --------
    >>> estimator_names(tau_dependent=False)
    ['score_function', 'score_function_baseline']
    """
    return [n for n, s in _REGISTRY.items()
            if (stochastic is None or s.stochastic == stochastic)
            and (tau_dependent is None or s.tau_dependent == tau_dependent)
            and (trains_models is None or (s.decodes is not None) == trains_models)]
