r"""Training the categorical VAE of Notebook 5: Adam, any registered estimator, a fixed or annealed temperature.

:func:`train_vae` trains a :class:`~gumbel_utils.vae.CategoricalVAE` in place with Adam
(:mod:`gumbel_utils.adam`) and one estimator of the registry (whatever
:meth:`~gumbel_utils.vae.CategoricalVAE.trainable_estimators` lists), and records a :class:`History`: the
training loss per epoch and the discrete negative ELBO on the test images. The temperature is fixed or
a schedule (:func:`gumbel_utils.schedules.anneal`; Notebook 5's rate is :data:`ANNEAL_RATE`, scaled to
its short runs), or learned along with the model by a ``tuner`` (Notebook 6:
:mod:`gumbel_utils.vae_tuning` learns REBAR's τ and η by descending the variance of its gradient, and
a Gumbel-Softmax τ by descending the relaxed loss). Estimator options (Gumbel-Rao's ``m``, REBAR's
``eta``) are passed as ``options``. Long runs report to a progress bar (:mod:`gumbel_utils.progress`). BLAS runs on one
thread: several times faster for matrices this small.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol

import numpy as np

from ._kernels import fill_gumbel, one_blas_thread
from ._validation import as_generator, check_count, check_images, check_tau
from .adam import Adam
from .progress import progress_callback
from .vae import CategoricalVAE

__all__ = ["ANNEAL_RATE", "ANNEAL_EVERY", "History", "Tuner", "train_vae"]

#: Notebook 5's annealing: Jang et al.'s schedule (:func:`gumbel_utils.schedules.anneal`) updated every
#: ``ANNEAL_EVERY`` steps, with the rate scaled to runs of under 1,000 steps (their r = 1e-4 would only
#: reach tau = 0.92 in 840 steps): tau reaches 0.5 after 600 steps.
ANNEAL_RATE, ANNEAL_EVERY = 1.2e-3, 100


class Tuner(Protocol):
    """What ``train_vae(..., tuner=...)`` calls before every step: it may change the temperature and the options.

    ``tuner(model, x, *, tau, options, rng) -> (tau, options)``: the minibatch ``x``, the temperature and the
    estimator options of the previous step (the starting values at step 0); it returns those of this step
    (it may learn them, e.g. :class:`gumbel_utils.vae_tuning.VarianceTuner`). ``rng`` is the run's generator.
    """

    def __call__(self, model: CategoricalVAE, x: np.ndarray, *, tau: float, options: dict[str, Any],
                 rng: np.random.Generator) -> tuple[float, dict[str, Any]]: ...


@dataclass
class History:
    """Per-epoch record of one training run (arrays of length ``epochs``).

    Attributes
    ----------
    estimator : str
    epoch : ndarray
        1, 2, ..., epochs.
    train_loss : ndarray
        Mean of the minibatch losses of the epoch (what the estimator optimised: relaxed for Gumbel-Softmax).
    test_nelbo : ndarray
        Discrete negative ELBO on the test set after the epoch (NaN where not measured).
    tau : ndarray
        Temperature at the last step of the epoch.
    test_relaxed : ndarray or None
        Relaxed loss on the test set at that τ (``track_relaxed=True``).
    seconds : float
        Wall-clock time of the run.
    model : CategoricalVAE
        The trained model.
    options : dict of ndarray
        The numeric estimator options at the last step of each epoch (e.g. ``{"eta": ...}``: constant
        unless a tuner learns them).
    cpu_seconds : float
        CPU time of the process during the run (``time.process_time``: less sensitive than the wall
        clock to other jobs on a shared machine).
    """

    estimator: str
    epoch: np.ndarray
    train_loss: np.ndarray
    test_nelbo: np.ndarray
    tau: np.ndarray
    test_relaxed: np.ndarray | None = None
    seconds: float = 0.0
    model: CategoricalVAE | None = field(default=None, repr=False)
    options: dict[str, np.ndarray] = field(default_factory=dict)
    cpu_seconds: float = 0.0


def train_vae(
    model: CategoricalVAE,
    train_images: Any,
    test_images: Any,
    *,
    estimator: Any,
    tau: float | Callable[[int], float] = 1.0,
    epochs: int = 100,
    batch_size: int = 100,
    lr: float = 1e-3,
    kl_weight: float = 1.0,
    eval_samples: int = 4,
    eval_every: int = 1,
    track_relaxed: bool = False,
    rng: Any = None,
    progress: Any = None,
    options: Mapping[str, Any] | None = None,
    tuner: Tuner | None = None,
) -> History:
    """Train ``model`` in place with Adam and one estimator; return the per-epoch :class:`History`.

    Parameters
    ----------
    model : CategoricalVAE
        Trained in place.
    train_images, test_images : array_like, shape (n, 64)
        Training and test images.
    estimator : str or EstimatorSpec
        A registered estimator that a model can train with
        (:meth:`~gumbel_utils.vae.CategoricalVAE.trainable_estimators`).
    tau : float or callable
        A fixed temperature, or a schedule ``tau(step) -> float`` (e.g.
        ``functools.partial(anneal, tau0=1.0, tau_min=0.5, rate=ANNEAL_RATE, every=ANNEAL_EVERY)``).
    epochs, batch_size, lr : int, int, float
        Passes over the data (full batches only, reshuffled each epoch), images per step (the batch
        of the leave-one-out baseline), Adam's step size.
    kl_weight : float
        Weight of the KL term (0: no KL term).
    eval_samples, eval_every : int
        The test set's discrete -ELBO is measured after every ``eval_every``-th and after the
        last epoch (NaN in between) with ``eval_samples`` one-hot codes per image, with the same
        noise every time (smooth curves).
    track_relaxed : bool
        Also measure the relaxed test loss at the current τ (``History.test_relaxed``).
    rng : None, int or Generator
        Data order and noise.
    progress : None, True or ProgressBar
        Show progress, one step per epoch (see :func:`gumbel_utils.progress.progress_callback`).
    options : mapping, optional
        Estimator options overriding the record's defaults (e.g. ``{"m": 4}`` for Gumbel-Rao,
        ``{"eta": 0.3}`` for REBAR), as in :func:`gumbel_utils.training.train_logits`.
    tuner : callable, optional
        Called before every step as ``tuner(model, batch, tau=..., options=..., rng=...)``; returns the
        temperature and options of the step (a :class:`Tuner`, e.g. one that learns them). Only with a
        fixed starting ``tau`` (not a schedule). Without a tuner the runs are those of Notebook 5.

    Returns
    -------
    History
    """
    spec = model.estimator_spec(estimator)
    if options is not None and not isinstance(options, Mapping):
        raise TypeError(f"options must be a mapping of estimator options, got {type(options).__name__}")
    opts = {**spec.options, **dict(options or {})}
    if tuner is not None and not callable(tuner):
        raise TypeError(f"tuner must be callable, got {type(tuner).__name__}")
    if tuner is not None and callable(tau):
        raise ValueError("tau must be a number (the starting temperature) when a tuner learns it, not a schedule")
    train_x, test_x = check_images(train_images, "train_images"), check_images(test_images, "test_images")
    schedule = tau if callable(tau) else None
    if schedule is None:
        tau = check_tau(tau, scalar=True)
    epochs, batch_size = check_count(epochs, "epochs"), check_count(batch_size, "batch_size", minimum=2)
    eval_samples = check_count(eval_samples, "eval_samples")
    eval_every = check_count(eval_every, "eval_every")
    gen = as_generator(rng)
    eval_seed = int(gen.integers(2**63))
    opt = Adam(model.params, lr=lr)
    n = len(train_x)
    steps_per_epoch = n // batch_size            # full batches only: the score function's baseline needs >= 2
    g = np.empty((batch_size, model.latents, model.categories))
    hist = {k: np.full(epochs, np.nan) for k in ("train_loss", "test_nelbo", "tau", "test_relaxed")}
    numeric = [k for k, v in opts.items() if isinstance(v, (int, float, np.number)) and not isinstance(v, bool)]
    opt_hist = {k: np.full(epochs, np.nan) for k in numeric}
    report = progress_callback(progress, epochs, f"{spec.label}, τ = {'annealed' if schedule else f'{tau:g}'}")
    start, cpu_start, step = time.perf_counter(), time.process_time(), 0
    with one_blas_thread():
        for epoch in range(epochs):
            order = gen.permutation(n)
            total = 0.0
            for b in range(steps_per_epoch):
                t = check_tau(schedule(step), "tau", scalar=True) if schedule else tau
                batch = train_x[order[b * batch_size:(b + 1) * batch_size]]
                if tuner is not None:
                    tau, opts = tuner(model, batch, tau=t, options=dict(opts), rng=gen)
                    t = tau = check_tau(tau, "tau", scalar=True)
                loss, grads = model.loss_and_grad(batch, estimator=spec, tau=t, noise=fill_gumbel(g, gen),
                                                  rng=gen, kl_weight=kl_weight, options=opts)
                opt.step(grads)
                total += loss
                step += 1
            hist["train_loss"][epoch] = total / steps_per_epoch
            hist["tau"][epoch] = t
            for k in numeric:
                opt_hist[k][epoch] = float(opts[k])
            if (epoch + 1) % eval_every == 0 or epoch + 1 == epochs:
                hist["test_nelbo"][epoch] = model.negative_elbo(test_x, n_samples=eval_samples, rng=eval_seed)
                if track_relaxed:
                    hist["test_relaxed"][epoch] = model.relaxed_loss(test_x, tau=t, n_samples=eval_samples,
                                                                     rng=eval_seed)
            if report is not None:
                report(epoch + 1, epochs)
    return History(spec.name, np.arange(1, epochs + 1), hist["train_loss"], hist["test_nelbo"], hist["tau"],
                   hist["test_relaxed"] if track_relaxed else None, time.perf_counter() - start, model, opt_hist,
                   time.process_time() - cpu_start)
