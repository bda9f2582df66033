r"""Training with gradient estimators (Notebook 4): toy objectives, their exact relaxed versions, schedules, optimisers.

Everything here trains on objectives whose true value is known **exactly**, so that no
curve is hidden by Monte Carlo noise:

- the categorical objective :math:`\mathbb{E}_{z \sim \mathrm{Cat}(\mathrm{softmax}\,\theta)} f(z)
  = \mathrm{softmax}(\theta)^\top f_{\mathrm{vec}}` (by enumeration, :func:`exact_objective`);
- the REBAR/RELAX toy: :math:`b \sim \mathrm{Bernoulli}(\sigma(\theta))`, :math:`f(b) = (b - t)^2`, with true
  objective :math:`t^2 + \sigma(\theta)(1 - 2t)` (minimised by :math:`p = \sigma(\theta) \to 0` for
  :math:`t < 1/2`) and **relaxed** objective :math:`R_\tau(\theta) = \mathbb{E}[(y - t)^2]`,
  :math:`y = \sigma((\theta + L)/\tau)`, :math:`L` standard logistic (:func:`relaxed_toy_objective`,
  a one-dimensional integral done by quadrature), whose minimiser (:func:`relaxed_toy_minimizer`)
  is where a relaxed optimiser at fixed :math:`\tau` ends.

:func:`train` runs several optimisations at once (seeds, temperatures, learning rates,
samples per step: one run per entry) with any estimator of the registry
(:data:`~gumbel_utils.registry.ESTIMATORS`) or the noise-free
:func:`deterministic_softmax`, and returns the whole :class:`Trajectory` with the exact
objective at every step. :func:`train_toy` does the same for the binary toy (the K = 2
case with the second logit fixed at 0). :func:`anneal` is Jang et al.'s temperature schedule.
The statistics of the estimators themselves (bias, variance) are in
:mod:`gumbel_utils.gradient_stats`; :mod:`gumbel_utils.relaxed_toy` holds the quadrature.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from numpy.typing import ArrayLike

from ._checks import (as_real_array, check_choice, check_count, check_estimator_args, check_logits, check_objective,
                      check_tau)
from ._kernels import one_blas_thread, sigmoid, softmax_jvp, tempered_softmax
from .adam import Adam
from .registry import ESTIMATORS, EstimatorSpec, get_estimator
from .objectives import Objective, vertex_values
from .relaxed_toy import (
    check_t,
    relaxed_toy_gradient,
    relaxed_toy_minimizer,
    relaxed_toy_objective,
    relaxed_toy_threshold,
    toy_objective_exact,
)

__all__ = [
    "ToyObjective",
    "toy_objective_exact",
    "relaxed_toy_objective",
    "relaxed_toy_gradient",
    "relaxed_toy_minimizer",
    "relaxed_toy_threshold",
    "anneal",
    "deterministic_softmax",
    "DETERMINISTIC_SOFTMAX",
    "training_estimator_names",
    "training_estimator",
    "exact_objective",
    "Trajectory",
    "ToyTrajectory",
    "train",
    "train_toy",
]


# ----------------------------------------------------------------------------- the toy as an objective


class ToyObjective(Objective):
    r"""The REBAR/RELAX toy as an objective of a K = 2 one-hot or relaxed :math:`z`: :math:`f(z) = (z_1 - t)^2`.

    With logits :math:`(\theta, 0)`, :math:`z_1 = b \sim \mathrm{Bernoulli}(\sigma(\theta))` and the relaxed
    :math:`y_1 = \sigma((\theta + L)/\tau)` is binary Concrete, so every estimator of the
    registry works on the toy unchanged.

    >>> ToyObjective(0.45).value([[1.0, 0.0], [0.0, 1.0]])
    array([0.3025, 0.2025])
    """

    name = "toy"
    formula = r"$f(b) = (b - t)^2$"

    def __init__(self, t: float = 0.45) -> None:
        self.t = check_t(t)

    def value(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        return (z[..., 0] - self.t) ** 2

    def grad(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        g = np.zeros_like(z)
        g[..., 0] = 2.0 * (z[..., 0] - self.t)
        return g


# ----------------------------------------------------------------------------- schedules


def anneal(step: ArrayLike, *, tau0: float = 1.0, tau_min: float = 0.5, rate: float = 1e-4,
           every: int = 500) -> float | np.ndarray:
    r"""Jang et al.'s (2017) annealing: :math:`\tau = \max(\tau_{\min}, \tau_0 e^{-r N \lfloor s/N \rfloor})`.

    The temperature is updated every ``every`` (N) steps only; Jang et al. used
    :math:`\tau_0 = 1`, :math:`\tau_{\min} = 0.5`, :math:`r \in \{10^{-5}, 10^{-4}\}`, N = 500 or 1000.

    Parameters
    ----------
    step : int or array of ints >= 0
        The training step(s), from 0.
    tau0, tau_min : float > 0, default 1.0 and 0.5
        The starting temperature and the floor the schedule never goes below.
    rate : float >= 0, default 1e-4
        The decay rate :math:`r` per step.
    every : int >= 1, default 500
        :math:`N`: the temperature changes only every ``every`` steps.

    Returns
    -------
    float for a scalar step, else an array of the shape of ``step``.

    Examples
    --------
    >>> anneal([0, 499, 500, 10**6], tau0=1.0, tau_min=0.5, rate=1e-4, every=500)
    array([1.        , 1.        , 0.95122942, 0.5       ])
    """
    s = as_real_array(step, "step")
    if not np.isfinite(s).all() or (s < 0).any() or (s != np.floor(s)).any():
        raise ValueError(f"step must hold integers >= 0, got {step!r}")
    tau0, tau_min = check_tau(tau0, "tau0", scalar=True), check_tau(tau_min, "tau_min", scalar=True)
    r = as_real_array(rate, "rate")
    if r.ndim or not np.isfinite(r) or r < 0:
        raise ValueError(f"rate must be a finite number >= 0, got {rate!r}")
    every = check_count(every, "every")
    out = np.maximum(tau_min, tau0 * np.exp(-float(r) * (every * np.floor(s / every))))
    return float(out) if out.ndim == 0 else out


# ----------------------------------------------------------------------------- the noise-free "estimator"


def deterministic_softmax(logits: ArrayLike, f: Any, n: int, *, tau: ArrayLike | None = None,
                          rng: Any = None) -> np.ndarray:
    r"""The gradient of :math:`f(\operatorname{softmax}(\theta/\tau))`: "why not just feed the probabilities?".

    No noise at all: the same gradient :math:`J^\top \nabla f(y)`, :math:`y = \operatorname{softmax}(\theta/\tau)`,
    repeated ``n`` times (same call shape as the registered estimators). It descends
    :math:`f(\operatorname{softmax}(\theta/\tau))`, whose minimiser can be far from that of
    :math:`\mathbb{E} f(z)` (for a quadratic f it is an interior point, not a vertex).

    Parameters
    ----------
    logits : array_like, shape (K,)
        The logits :math:`\theta`.
    f : objective
        Anything with ``value(z)`` and ``grad(z)``; ``grad`` is used at :math:`y`.
    n : int
        How many (identical) rows to return, as the estimators return ``n`` samples.
    tau : float or 1-D array of T temperatures, optional
        Default 1.0; with T temperatures the result gets a leading axis of length T.
    rng : ignored
        Accepted for the estimators' call signature; nothing is random.

    Returns
    -------
    ndarray, shape (n, K), or (T, n, K) for T temperatures

    Examples
    --------
    >>> from gumbel_utils.objectives import Linear
    >>> deterministic_softmax([0.0, 0.0], Linear([1.0, 0.0]), 2)
    array([[ 0.25, -0.25],
           [ 0.25, -0.25]])
    """
    x, n, taus, scalar = check_estimator_args(logits, f, n, tau)
    y = tempered_softmax(np.broadcast_to(x, (taus.size, x.size)), taus[:, None])
    g = softmax_jvp(y, f.grad(y), taus[:, None])  # (T, K)
    out = np.broadcast_to(g[:, None, :], (taus.size, n, x.size)).copy()
    return out[0] if scalar else out


#: The deterministic softmax as an (unregistered) estimator record: black in every figure.
DETERMINISTIC_SOFTMAX = EstimatorSpec("deterministic_softmax", deterministic_softmax,
                                      "softmax, no noise", "#000000", True, {})


def training_estimator(estimator: Any) -> EstimatorSpec:
    """A registered estimator (name, spec or function, see :func:`~gumbel_utils.registry.get_estimator`)
    or ``"deterministic_softmax"``."""
    if isinstance(estimator, str) and estimator == DETERMINISTIC_SOFTMAX.name:
        return DETERMINISTIC_SOFTMAX
    return get_estimator(estimator)


def training_estimator_names() -> list[str]:
    """The names :func:`train` accepts by name, in display order: the registry, then the deterministic softmax."""
    return [*ESTIMATORS, DETERMINISTIC_SOFTMAX.name]


# ----------------------------------------------------------------------------- trajectories


def exact_objective(theta: ArrayLike, f: Any) -> np.ndarray:
    r""":math:`\mathbb{E}_{z \sim \mathrm{Cat}(\mathrm{softmax}\,\theta)} f(z)` for logits of shape (..., K), by enumeration.

    :math:`\mathrm{softmax}(\theta)^\top f_{\mathrm{vec}}` with :math:`f_{\mathrm{vec}}` the values of f at the K
    vertices (:func:`~gumbel_utils.objectives.vertex_values`): exact, no sampling.

    Parameters
    ----------
    theta : array_like, shape (..., K)
        Logits, K >= 2 (finite, or ``-inf`` for a category of probability 0), e.g. ``Trajectory.theta``.
    f : objective
        Anything with ``value(z)`` and ``grad(z)``; only its values at the vertices are used.

    Returns
    -------
    ndarray, shape (...)

    Examples
    --------
    >>> from gumbel_utils.objectives import Linear
    >>> exact_objective([[0.0, 0.0], [0.0, -np.inf]], Linear([1.0, 0.0]))
    array([0.5, 1. ])
    """
    th = check_logits(theta, "theta", ndim=None)
    if th.shape[-1] < 2:
        raise ValueError(f"theta must have shape (..., K) with K >= 2, got shape {th.shape}")
    return tempered_softmax(th) @ vertex_values(f, th.shape[-1])


@dataclass(frozen=True)
class Trajectory:
    r"""R training runs of :func:`train` (S steps each): logits and exact objective at every step.

    Attributes
    ----------
    estimator : str
        Name of the estimator.
    theta : ndarray, shape (R, S + 1, K)
        Logits: before step 1, then after every step.
    objective : ndarray, shape (R, S + 1)
        Exact :math:`\mathbb{E} f(z)` at every recorded ``theta`` (:func:`exact_objective`).
    optimum : float
        The exact minimum of :math:`\mathbb{E} f(z)`: the smallest vertex value (reached as theta -> infinity).
    tau : ndarray, shape (R, S)
        Temperature used at each step.
    lr : ndarray, shape (R,)
        Learning rate of each run.
    n : ndarray, shape (R,)
        Samples averaged per step in each run.
    seed : ndarray, shape (R,)
        Seed of each run's generator.
    seconds : float
        Wall-clock time of the whole call.
    """

    estimator: str
    theta: np.ndarray
    objective: np.ndarray
    optimum: float
    tau: np.ndarray
    lr: np.ndarray
    n: np.ndarray
    seed: np.ndarray
    seconds: float

    @property
    def steps(self) -> int:
        return self.theta.shape[1] - 1

    def final(self, window: int = 1) -> np.ndarray:
        """Exact objective averaged over the last ``window`` recorded steps, per run, (R,)."""
        return self.objective[:, -check_count(window, "window"):].mean(axis=1)

    def gap(self, window: int = 1) -> np.ndarray:
        """:meth:`final` minus the optimum: how far each run ended from the truth, (R,)."""
        return self.final(window) - self.optimum


@dataclass(frozen=True)
class ToyTrajectory:
    r"""R runs of :func:`train_toy` on the binary toy (S steps each).

    Attributes
    ----------
    estimator : str
        Name of the estimator.
    t : float
        The target of :math:`f(b) = (b - t)^2`.
    theta : ndarray, shape (R, S + 1)
        The trained logit :math:`\theta` (of :math:`P(b = 1)`): before step 1, then after every step.
    objective : ndarray, shape (R, S + 1)
        True objective :math:`t^2 + p(1 - 2t)` at every recorded ``theta``.
    relaxed : ndarray, shape (R, S + 1), or None
        Relaxed objective :math:`R_\tau(\theta)` at the step's temperature, if asked for (``relaxed=True``).
    tau : ndarray, shape (R, S)
        Temperature used at each step.
    lr, n, seed : ndarray, shape (R,)
        Learning rate, samples per step and seed of each run.
    seconds : float
        Wall-clock time of the whole call.
    """

    estimator: str
    t: float
    theta: np.ndarray
    objective: np.ndarray
    relaxed: np.ndarray | None
    tau: np.ndarray
    lr: np.ndarray
    n: np.ndarray
    seed: np.ndarray
    seconds: float

    @property
    def p(self) -> np.ndarray:
        """P(b = 1) = sigmoid(theta), (R, S + 1)."""
        return sigmoid(self.theta)

    def final_p(self, window: int = 1) -> np.ndarray:
        """P(b = 1) averaged over the last ``window`` steps, per run, (R,)."""
        return self.p[:, -check_count(window, "window"):].mean(axis=1)


# ----------------------------------------------------------------------------- the optimisation loop


def _runs(**values: Any) -> int:
    """The common number of runs R of 1-D (or scalar) arguments; ValueError naming a mismatch."""
    sizes = {k: np.size(v) for k, v in values.items() if np.ndim(v) > 0}
    for k, v in values.items():
        if np.ndim(v) > 1:
            raise ValueError(f"{k} must be a scalar or a 1-D array (one entry per run), got shape {np.shape(v)}")
    lengths = set(sizes.values()) - {1}
    if len(lengths) > 1:
        raise ValueError(f"one entry per run: the lengths differ: {sizes}")
    return lengths.pop() if lengths else 1


def _tau_function(tau: Any, runs: int) -> Callable[[int], np.ndarray]:
    """``tau`` (scalar, (R,) or a schedule ``step -> tau``) as a function ``step -> (R,) temperatures``."""
    if callable(tau):
        def schedule(step: int) -> np.ndarray:
            return np.broadcast_to(np.asarray(check_tau(tau(step)), dtype=np.float64), (runs,))
        return schedule
    t = np.broadcast_to(np.asarray(check_tau(tau), dtype=np.float64), (runs,))
    return lambda step: t


def _optimise(spec: EstimatorSpec, f: Any, theta0: np.ndarray, *, steps: int, lr: np.ndarray, n: np.ndarray,
              tau: Callable[[int], np.ndarray], seeds: np.ndarray, optimizer: str, trainable: np.ndarray,
              options: dict, progress: Callable[[int, int], Any] | None) -> tuple[np.ndarray, np.ndarray]:
    """The shared loop: one estimator call per run and step, then one SGD or Adam step per run."""
    runs, k = theta0.shape
    theta = theta0.copy()
    out = np.empty((runs, steps + 1, k))
    out[:, 0] = theta
    taus = np.empty((runs, steps))
    gens = [np.random.default_rng(int(s)) for s in seeds]
    g = np.empty((runs, k))
    # Adam (gumbel_utils.adam, written once): one optimiser over all runs when they share the learning
    # rate (elementwise, so the same numbers), else one per run on its row (theta[r] is a view).
    if optimizer != "adam":
        adams = None
    elif (lr == lr[0]).all():
        adams = [Adam({"theta": theta}, lr=float(lr[0]))]
    else:
        adams = [Adam({"theta": theta[r]}, lr=float(lr[r])) for r in range(runs)]
    report = max(1, steps // 50)
    with one_blas_thread():  # the machine's cores are shared; these matrices are tiny
        for s in range(steps):
            tau_s = tau(s)
            taus[:, s] = tau_s
            for r in range(runs):
                g[r] = spec(theta[r], f, int(n[r]), tau=float(tau_s[r]), rng=gens[r], **options).mean(axis=0)
            g *= trainable
            if adams is None:
                theta -= lr[:, None] * g
            elif len(adams) == 1 and adams[0].params["theta"] is theta:
                adams[0].step({"theta": g})
            else:
                for r, opt in enumerate(adams):
                    opt.step({"theta": g[r]})
            out[:, s + 1] = theta
            if progress is not None and ((s + 1) % report == 0 or s + 1 == steps):
                progress(s + 1, steps)
    return out, taus


def _common_arguments(estimator, steps, lr, n, tau, seed, optimizer, runs_extra=None):
    spec = training_estimator(estimator)
    steps = check_count(steps, "steps")
    optimizer = check_choice(optimizer, ("sgd", "adam"), "optimizer")
    lr_arr = as_real_array(lr, "lr")
    if not np.isfinite(lr_arr).all() or (lr_arr <= 0).any():
        raise ValueError(f"lr must be finite and > 0, got {lr!r}")
    n_arr = np.asarray(n)
    if n_arr.dtype.kind not in "iu":
        raise TypeError(f"n must be an integer or integers, got {n!r}")
    if (n_arr < 1).any():
        raise ValueError(f"n must be >= 1, got {n!r}")
    seed_arr = np.asarray(seed)
    if seed_arr.dtype.kind not in "iu":
        raise TypeError(f"seed must be an integer or integers, got {seed!r}")
    if (seed_arr < 0).any():
        raise ValueError(f"seed must be >= 0, got {seed!r}")
    sized = {"lr": lr_arr, "n": n_arr, "seed": seed_arr, **(runs_extra or {})}
    if not callable(tau):
        sized["tau"] = np.asarray(check_tau(tau))
    runs = _runs(**sized)
    return (spec, steps, optimizer, np.broadcast_to(lr_arr, (runs,)).astype(float),
            np.broadcast_to(n_arr, (runs,)).astype(int), np.broadcast_to(seed_arr, (runs,)).astype(int),
            _tau_function(tau, runs), runs)


def train(estimator: Any, f: Any, theta0: ArrayLike, *, steps: int = 500, lr: ArrayLike = 0.05, n: ArrayLike = 1,
          tau: Any = 1.0, seed: ArrayLike = 0, optimizer: str = "adam", options: dict | None = None,
          progress: Callable[[int, int], Any] | None = None) -> Trajectory:
    r"""Minimise :math:`\mathbb{E}_{z \sim \mathrm{Cat}(\mathrm{softmax}\,\theta)} f(z)` with one gradient estimator, R runs at once.

    Each step averages ``n`` single-sample estimates at the current logits and takes one SGD
    or Adam step. Runs are independent; ``lr``, ``n``, ``tau`` and ``seed`` may each be a
    scalar (shared) or a 1-D array with one entry per run (they broadcast against each other),
    so one call trains, say, 4 seeds at 6 temperatures.

    Parameters
    ----------
    estimator : str, EstimatorSpec or callable
        A registered name (:data:`~gumbel_utils.registry.ESTIMATORS`), ``"deterministic_softmax"``, a spec or a function.
    f : objective
        Anything with ``value`` and ``grad``.
    theta0 : array_like, shape (K,) or (R, K)
        Starting logits.
    steps : int, default 500
        Optimisation steps per run.
    lr : float or (R,), default 0.05
        Learning rate(s).
    n : int or (R,), default 1
        Samples averaged per step.
    tau : float, (R,), or callable, default 1.0
        Temperature(s), or a schedule ``step -> tau`` (e.g. ``functools.partial(anneal, ...)``).
    seed : int or (R,), default 0
        Seed of each run's generator (one int: every run uses the same stream, i.e. common
        random numbers when comparing temperatures).
    optimizer : {"adam", "sgd"}, default "adam"
    options : dict, optional
        Extra estimator options (e.g. ``{"eta": 0.5}`` for REBAR); the registry's defaults otherwise.
    progress : callable, optional
        ``progress(done, total)`` called about 50 times (e.g. a :class:`~gumbel_utils.progress.ProgressBar`).

    Returns
    -------
    Trajectory

    Examples
    --------
    >>> from gumbel_utils.objectives import Linear
    >>> tr = train("score_function", Linear(), [0.0, 0.0, 0.0], steps=200, lr=0.1, n=4, seed=[0, 1])
    >>> tr.theta.shape, tr.objective.shape, tr.optimum
    ((2, 201, 3), (2, 201), 0.0)
    >>> bool((tr.objective[:, -1] < tr.objective[:, 0]).all())
    True
    """
    start = time.perf_counter()
    check_objective(f)
    x0 = check_logits(theta0, "theta0", ndim=(1, 2), allow_neg_inf=False)
    if x0.shape[-1] < 2:
        raise ValueError(f"theta0 must be logits of shape (K,) or (R, K) with K >= 2, got shape {x0.shape}")
    spec, steps, optimizer, lr_a, n_a, seed_a, tau_fn, runs = _common_arguments(
        estimator, steps, lr, n, tau, seed, optimizer, {"theta0": x0[:, 0]} if x0.ndim == 2 else None)
    x0 = np.broadcast_to(x0, (runs, x0.shape[-1])).astype(float)
    theta, taus = _optimise(spec, f, x0, steps=steps, lr=lr_a, n=n_a, tau=tau_fn, seeds=seed_a,
                            optimizer=optimizer, trainable=np.ones(x0.shape[-1]), options=dict(options or {}),
                            progress=progress)
    fvec = vertex_values(f, x0.shape[-1])
    # exact_objective's enumeration, without its check: a diverged run records NaN instead of raising
    return Trajectory(spec.name, theta, tempered_softmax(theta) @ fvec, float(fvec.min()), taus, lr_a, n_a,
                      seed_a, time.perf_counter() - start)


def train_toy(estimator: Any, t: float = 0.45, *, theta0: ArrayLike = 0.0, steps: int = 1000, lr: ArrayLike = 0.05,
              n: ArrayLike = 1, tau: Any = 0.5, seed: ArrayLike = 0, optimizer: str = "adam",
              options: dict | None = None, relaxed: bool = False,
              progress: Callable[[int, int], Any] | None = None) -> ToyTrajectory:
    r"""Train the binary toy :math:`\min_\theta \mathbb{E}[(b - t)^2]`, :math:`b \sim \mathrm{Bernoulli}(\sigma(\theta))`, R runs at once.

    The toy is the K = 2 categorical with logits :math:`(\theta, 0)` and :class:`ToyObjective`;
    only :math:`\theta` is trained, with the estimator's first component. Arguments as in
    :func:`train` (``theta0`` a scalar or one per run). The true objective
    :math:`t^2 + \sigma(\theta)(1 - 2t)` is recorded at every step; with ``relaxed=True`` also the
    relaxed objective :math:`R_\tau(\theta)` at that step's temperature (quadrature).

    Parameters
    ----------
    estimator : str, EstimatorSpec or callable
        A registered name (:data:`~gumbel_utils.registry.ESTIMATORS`), ``"deterministic_softmax"``, a spec or a function.
    t : float in [0, 1], default 0.45
        The target of :math:`f(b) = (b - t)^2`.
    theta0 : float or (R,), default 0.0
        Starting logit(s) :math:`\theta` (0: :math:`p = 1/2`).
    steps : int, default 1000
        Optimisation steps per run.
    tau : float, (R,), or callable, default 0.5
        Temperature(s), or a schedule ``step -> tau``.
    lr, n, seed, optimizer, options, progress
        As in :func:`train` (same defaults: 0.05, 1, 0, ``"adam"``, None, None): learning rate(s),
        samples per step, seed(s) of the runs, optimiser, extra estimator options, ``progress(done, total)``.
    relaxed : bool, default False
        Also record the relaxed objective :math:`R_\tau(\theta)` at every step (``ToyTrajectory.relaxed``).

    Returns
    -------
    ToyTrajectory

    Examples
    --------
    >>> tr = train_toy("score_function", 0.45, steps=300, lr=0.1, n=8, seed=[0, 1, 2])
    >>> tr.theta.shape, bool((tr.final_p() < 0.5).all())
    ((3, 301), True)
    """
    start = time.perf_counter()
    t = check_t(t)
    th0 = as_real_array(theta0, "theta0")
    if th0.ndim > 1 or not np.isfinite(th0).all():
        raise ValueError(f"theta0 must be a finite scalar or one per run, got {theta0!r}")
    spec, steps, optimizer, lr_a, n_a, seed_a, tau_fn, runs = _common_arguments(
        estimator, steps, lr, n, tau, seed, optimizer, {"theta0": th0} if th0.ndim else None)
    x0 = np.zeros((runs, 2))
    x0[:, 0] = th0
    theta, taus = _optimise(spec, ToyObjective(t), x0, steps=steps, lr=lr_a, n=n_a, tau=tau_fn, seeds=seed_a,
                            optimizer=optimizer, trainable=np.array([1.0, 0.0]), options=dict(options or {}),
                            progress=progress)
    th = theta[..., 0]
    rel = None
    if relaxed:
        tau_at = np.concatenate([taus[:, :1], taus], axis=1)  # theta_s is used with the temperature of step s
        rel = relaxed_toy_objective(th, t, tau_at)
    return ToyTrajectory(spec.name, t, th, toy_objective_exact(th, t), rel, taus, lr_a, n_a, seed_a,
                         time.perf_counter() - start)
