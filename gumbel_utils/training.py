r"""Training with gradient estimators (Notebook 4): the categorical objective and the binary toy, exactly.

Everything here trains on objectives whose true value is known **exactly**, so that no
curve is hidden by Monte Carlo noise:

- the categorical objective :math:`\mathbb{E}_{z \sim \mathrm{Cat}(\mathrm{softmax}\,\theta)} f(z)
  = \mathrm{softmax}(\theta)^\top f_{\mathrm{vec}}` (by enumeration, :func:`exact_objective`);
- the REBAR/RELAX toy: :math:`b \sim \mathrm{Bernoulli}(\sigma(\theta))`, :math:`f(b) = (b - t)^2` with
  target :math:`t`, true objective :math:`t^2 + \sigma(\theta)(1 - 2t)`; its relaxed objective and
  relaxed minimiser (by quadrature) are in :mod:`gumbel_utils.relaxed_toy`.

:func:`train_logits` runs several optimisations at once (seeds, temperatures, learning rates,
samples per step: one run per entry) with any estimator of the registry
(:data:`~gumbel_utils.registry.ESTIMATORS`, the noise-free softmax of
:func:`~gumbel_utils.estimators.noise_free_grad` included) and returns the whole
:class:`Trajectory` with the exact objective at every step. :func:`train_toy` does the same for
the binary toy (the K = 2 case with the second logit fixed at 0). The temperature may follow a
schedule (:func:`gumbel_utils.schedules.anneal`); long runs report to a progress bar
(:mod:`gumbel_utils.progress`). The statistics of the estimators themselves (bias, variance) are
in :mod:`gumbel_utils.gradient_stats`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from numpy.typing import ArrayLike

from ._kernels import one_blas_thread, sigmoid, tempered_softmax
from ._validation import as_real_array, check_choice, check_count, check_logits, check_objective, check_tau
from .adam import Adam
from .objectives import Objective, vertex_values
from .progress import progress_callback
from .registry import EstimatorSpec, get_estimator
from .relaxed_toy import check_target, relaxed_toy_objective, toy_objective_exact

__all__ = [
    "ToyObjective",
    "exact_objective",
    "Trajectory",
    "ToyTrajectory",
    "train_logits",
    "train_toy",
]


# ----------------------------------------------------------------------------- the toy as an objective


class ToyObjective(Objective):
    r"""The REBAR/RELAX toy as an objective of a K = 2 one-hot or relaxed :math:`z`: :math:`f(z) = (z_1 - t)^2`.

    With logits :math:`(\theta, 0)`, :math:`z_1 = b \sim \mathrm{Bernoulli}(\sigma(\theta))` and the relaxed
    :math:`y_1 = \sigma((\theta + L)/\tau)` is binary Concrete, so every estimator of the
    registry works on the toy unchanged.

    Parameters
    ----------
    target : float in [0, 1], default 0.45
        The target :math:`t` (REBAR's toy: 0.45; RELAX's: 0.499).

    >>> ToyObjective(0.45).value([[1.0, 0.0], [0.0, 1.0]])
    array([0.3025, 0.2025])
    """

    name = "toy"
    formula = r"$f(b) = (b - t)^2$"

    def __init__(self, target: float = 0.45) -> None:
        self.target = check_target(target)

    def value(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        return (z[..., 0] - self.target) ** 2

    def grad(self, z: ArrayLike) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        g = np.zeros_like(z)
        g[..., 0] = 2.0 * (z[..., 0] - self.target)
        return g


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
    r"""R training runs of :func:`train_logits` (S steps each): logits and exact objective at every step.

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
    batch : ndarray, shape (R,)
        Samples averaged per step in each run (the batch n of the gradient estimate).
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
    batch: np.ndarray
    seed: np.ndarray
    seconds: float

    @property
    def steps(self) -> int:
        """Optimisation steps per run, S."""
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
    target : float
        The target :math:`t` of :math:`f(b) = (b - t)^2`.
    theta : ndarray, shape (R, S + 1)
        The trained logit :math:`\theta` (of :math:`P(b = 1)`): before step 1, then after every step.
    objective : ndarray, shape (R, S + 1)
        True objective :math:`t^2 + p(1 - 2t)` at every recorded ``theta``.
    relaxed : ndarray, shape (R, S + 1), or None
        Relaxed objective :math:`R_\tau(\theta)` at the step's temperature, if asked for (``relaxed=True``).
    tau : ndarray, shape (R, S)
        Temperature used at each step.
    lr, batch, seed : ndarray, shape (R,)
        Learning rate, samples per step and seed of each run.
    seconds : float
        Wall-clock time of the whole call.
    """

    estimator: str
    target: float
    theta: np.ndarray
    objective: np.ndarray
    relaxed: np.ndarray | None
    tau: np.ndarray
    lr: np.ndarray
    batch: np.ndarray
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


def _optimise(spec: EstimatorSpec, f: Any, theta0: np.ndarray, *, steps: int, lr: np.ndarray, batch: np.ndarray,
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
                g[r] = spec(theta[r], f, int(batch[r]), tau=float(tau_s[r]), rng=gens[r], **options).mean(axis=0)
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


def _seeds(rng: Any) -> np.ndarray:
    """``rng`` of a trainer as the seeds of its runs: an int (shared), a sequence of ints (one per run)."""
    arr = np.asarray(rng)
    if arr.dtype.kind not in "iu" or arr.ndim > 1:
        raise TypeError(f"rng must be an int seed or a 1-D sequence of int seeds (one per run), got {rng!r}")
    if (arr < 0).any():
        raise ValueError(f"rng must hold seeds >= 0, got {rng!r}")
    return arr


def _common_arguments(estimator, steps, lr, batch, tau, rng, optimizer, progress, description, runs_extra=None):
    spec = get_estimator(estimator)
    steps = check_count(steps, "steps")
    optimizer = check_choice(optimizer, ("sgd", "adam"), "optimizer")
    lr_arr = as_real_array(lr, "lr")
    if not np.isfinite(lr_arr).all() or (lr_arr <= 0).any():
        raise ValueError(f"lr must be finite and > 0, got {lr!r}")
    batch_arr = np.asarray(batch)
    if batch_arr.dtype.kind not in "iu":
        raise TypeError(f"batch must be an integer or integers, got {batch!r}")
    if (batch_arr < 1).any():
        raise ValueError(f"batch must be >= 1, got {batch!r}")
    seed_arr = _seeds(rng)
    sized = {"lr": lr_arr, "batch": batch_arr, "rng": seed_arr, **(runs_extra or {})}
    if not callable(tau):
        sized["tau"] = np.asarray(check_tau(tau))
    runs = _runs(**sized)
    report = progress_callback(progress, steps, f"{spec.label}: {runs} run{'s' if runs > 1 else ''} of {steps} steps"
                               if description is None else description)
    return (spec, steps, optimizer, np.broadcast_to(lr_arr, (runs,)).astype(float),
            np.broadcast_to(batch_arr, (runs,)).astype(int), np.broadcast_to(seed_arr, (runs,)).astype(int),
            _tau_function(tau, runs), runs, report)


def train_logits(estimator: Any, f: Any, theta0: ArrayLike, *, steps: int = 500, lr: ArrayLike = 0.05,
                 batch: ArrayLike = 1, tau: Any = 1.0, rng: ArrayLike = 0, optimizer: str = "adam",
                 options: dict | None = None, progress: Any = None, description: str | None = None) -> Trajectory:
    r"""Minimise :math:`\mathbb{E}_{z \sim \mathrm{Cat}(\mathrm{softmax}\,\theta)} f(z)` over the logits with one estimator, R runs at once.

    Each step averages ``batch`` single-sample estimates at the current logits and takes one SGD
    or Adam step. Runs are independent; ``lr``, ``batch``, ``tau`` and ``rng`` may each be a
    scalar (shared) or a 1-D array with one entry per run (they broadcast against each other),
    so one call trains, say, 4 seeds at 6 temperatures.

    Parameters
    ----------
    estimator : str, EstimatorSpec or callable
        A registered name (:data:`~gumbel_utils.registry.ESTIMATORS`, the noise-free
        ``"noise_free_grad"`` included), a spec or a function.
    f : objective
        Anything with ``value`` and ``grad``.
    theta0 : array_like, shape (K,) or (R, K)
        Starting logits.
    steps : int, default 500
        Optimisation steps per run.
    lr : float or (R,), default 0.05
        Learning rate(s).
    batch : int or (R,), default 1
        Samples averaged per step (the batch n of the gradient estimate).
    tau : float, (R,), or callable, default 1.0
        Temperature(s), or a schedule ``step -> tau`` (e.g. ``functools.partial(anneal, ...)``, with
        :func:`gumbel_utils.schedules.anneal`).
    rng : int or sequence of ints, default 0
        Seed of each run's generator (one int: every run uses the same stream, i.e. common random
        numbers when comparing temperatures). The runs of one call need seeds, not Generators, so
        that each run has a stream of its own.
    optimizer : {"adam", "sgd"}, default "adam"
    options : dict, optional
        Extra estimator options (e.g. ``{"eta": 0.5}`` for REBAR); the registry's defaults otherwise.
    progress : None, True or ProgressBar, optional
        Show progress (see :func:`gumbel_utils.progress.progress_callback`): True for a bar of its own,
        or a :class:`~gumbel_utils.progress.ProgressBar` shared by several calls.
    description : str, optional
        The label of a bar made for this call (default: the estimator and the runs).

    Returns
    -------
    Trajectory

    Examples
    --------
    >>> from gumbel_utils.objectives import Linear
    >>> tr = train_logits("score_function", Linear(), [0.0, 0.0, 0.0], steps=200, lr=0.1, batch=4, rng=[0, 1])
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
    spec, steps, optimizer, lr_a, batch_a, seed_a, tau_fn, runs, report = _common_arguments(
        estimator, steps, lr, batch, tau, rng, optimizer, progress, description,
        {"theta0": x0[:, 0]} if x0.ndim == 2 else None)
    x0 = np.broadcast_to(x0, (runs, x0.shape[-1])).astype(float)
    theta, taus = _optimise(spec, f, x0, steps=steps, lr=lr_a, batch=batch_a, tau=tau_fn, seeds=seed_a,
                            optimizer=optimizer, trainable=np.ones(x0.shape[-1]), options=dict(options or {}),
                            progress=report)
    fvec = vertex_values(f, x0.shape[-1])
    # exact_objective's enumeration, without its check: a diverged run records NaN instead of raising
    return Trajectory(spec.name, theta, tempered_softmax(theta) @ fvec, float(fvec.min()), taus, lr_a, batch_a,
                      seed_a, time.perf_counter() - start)


def train_toy(estimator: Any, target: float = 0.45, *, theta0: ArrayLike = 0.0, steps: int = 1000,
              lr: ArrayLike = 0.05, batch: ArrayLike = 1, tau: Any = 0.5, rng: ArrayLike = 0, optimizer: str = "adam",
              options: dict | None = None, relaxed: bool = False, progress: Any = None,
              description: str | None = None) -> ToyTrajectory:
    r"""Train the binary toy :math:`\min_\theta \mathbb{E}[(b - t)^2]`, :math:`b \sim \mathrm{Bernoulli}(\sigma(\theta))`, R runs at once.

    The toy is the K = 2 categorical with logits :math:`(\theta, 0)` and :class:`ToyObjective`;
    only :math:`\theta` is trained, with the estimator's first component. Arguments as in
    :func:`train_logits` (``theta0`` a scalar or one per run). The true objective
    :math:`t^2 + \sigma(\theta)(1 - 2t)` is recorded at every step; with ``relaxed=True`` also the
    relaxed objective :math:`R_\tau(\theta)` at that step's temperature (quadrature).

    Parameters
    ----------
    estimator : str, EstimatorSpec or callable
        A registered name (:data:`~gumbel_utils.registry.ESTIMATORS`), a spec or a function.
    target : float in [0, 1], default 0.45
        The target :math:`t` of :math:`f(b) = (b - t)^2`.
    theta0 : float or (R,), default 0.0
        Starting logit(s) :math:`\theta` (0: :math:`p = 1/2`).
    steps : int, default 1000
        Optimisation steps per run.
    tau : float, (R,), or callable, default 0.5
        Temperature(s), or a schedule ``step -> tau``.
    lr, batch, rng, optimizer, options, progress, description
        As in :func:`train_logits` (same defaults): learning rate(s), samples per step, seed(s) of the
        runs, optimiser, extra estimator options, progress bar and its label.
    relaxed : bool, default False
        Also record the relaxed objective :math:`R_\tau(\theta)` at every step (``ToyTrajectory.relaxed``).

    Returns
    -------
    ToyTrajectory

    Examples
    --------
    >>> tr = train_toy("score_function", 0.45, steps=300, lr=0.1, batch=8, rng=[0, 1, 2])
    >>> tr.theta.shape, bool((tr.final_p() < 0.5).all())
    ((3, 301), True)
    """
    start = time.perf_counter()
    t = check_target(target)
    th0 = as_real_array(theta0, "theta0")
    if th0.ndim > 1 or not np.isfinite(th0).all():
        raise ValueError(f"theta0 must be a finite scalar or one per run, got {theta0!r}")
    spec, steps, optimizer, lr_a, batch_a, seed_a, tau_fn, runs, report = _common_arguments(
        estimator, steps, lr, batch, tau, rng, optimizer, progress, description,
        {"theta0": th0} if th0.ndim else None)
    x0 = np.zeros((runs, 2))
    x0[:, 0] = th0
    theta, taus = _optimise(spec, ToyObjective(t), x0, steps=steps, lr=lr_a, batch=batch_a, tau=tau_fn,
                            seeds=seed_a, optimizer=optimizer, trainable=np.array([1.0, 0.0]),
                            options=dict(options or {}), progress=report)
    th = theta[..., 0]
    rel = None
    if relaxed:
        tau_at = np.concatenate([taus[:, :1], taus], axis=1)  # theta_s is used with the temperature of step s
        rel = relaxed_toy_objective(th, t, tau_at)
    return ToyTrajectory(spec.name, t, th, toy_objective_exact(th, t), rel, taus, lr_a, batch_a, seed_a,
                         time.perf_counter() - start)
