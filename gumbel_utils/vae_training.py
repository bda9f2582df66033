r"""Training the categorical VAE of Notebook 5: Adam, any registered estimator, a fixed or annealed temperature.

:func:`train_vae` trains a :class:`~gumbel_utils.vae.CategoricalVAE` in place with Adam
(:mod:`gumbel_utils.adam`) and one estimator of the registry (whatever
:meth:`~gumbel_utils.vae.CategoricalVAE.trainable_estimators` lists), and records a :class:`History`: the
training loss per epoch and the discrete negative ELBO on the test images. The temperature is fixed or
a schedule (:func:`gumbel_utils.schedules.anneal`; Notebook 5's rate is :data:`ANNEAL_RATE`, scaled to
its short runs). Long runs report to a progress bar (:mod:`gumbel_utils.progress`). BLAS runs on one
thread: several times faster for matrices this small.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ._kernels import fill_gumbel, one_blas_thread
from ._validation import as_generator, check_count, check_images, check_tau
from .adam import Adam
from .progress import progress_callback
from .vae import CategoricalVAE

__all__ = ["ANNEAL_RATE", "ANNEAL_EVERY", "History", "train_vae"]

#: Notebook 5's annealing: Jang et al.'s schedule (:func:`gumbel_utils.schedules.anneal`) updated every
#: ``ANNEAL_EVERY`` steps, with the rate scaled to runs of under 1,000 steps (their r = 1e-4 would only
#: reach tau = 0.92 in 840 steps): tau reaches 0.5 after 600 steps.
ANNEAL_RATE, ANNEAL_EVERY = 1.2e-3, 100


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
    """

    estimator: str
    epoch: np.ndarray
    train_loss: np.ndarray
    test_nelbo: np.ndarray
    tau: np.ndarray
    test_relaxed: np.ndarray | None = None
    seconds: float = 0.0
    model: CategoricalVAE | None = field(default=None, repr=False)


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

    Returns
    -------
    History
    """
    spec = model.estimator_spec(estimator)
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
    report = progress_callback(progress, epochs, f"{spec.label}, τ = {'annealed' if schedule else f'{tau:g}'}")
    start, step = time.perf_counter(), 0
    with one_blas_thread():
        for epoch in range(epochs):
            order = gen.permutation(n)
            total = 0.0
            for b in range(steps_per_epoch):
                t = check_tau(schedule(step), "tau", scalar=True) if schedule else tau
                batch = train_x[order[b * batch_size:(b + 1) * batch_size]]
                loss, grads = model.loss_and_grad(batch, estimator=spec, tau=t, noise=fill_gumbel(g, gen),
                                                  rng=gen, kl_weight=kl_weight)
                opt.step(grads)
                total += loss
                step += 1
            hist["train_loss"][epoch] = total / steps_per_epoch
            hist["tau"][epoch] = t
            if (epoch + 1) % eval_every == 0 or epoch + 1 == epochs:
                hist["test_nelbo"][epoch] = model.negative_elbo(test_x, n_samples=eval_samples, rng=eval_seed)
                if track_relaxed:
                    hist["test_relaxed"][epoch] = model.relaxed_loss(test_x, tau=t, n_samples=eval_samples,
                                                                     rng=eval_seed)
            if report is not None:
                report(epoch + 1, epochs)
    return History(spec.name, np.arange(1, epochs + 1), hist["train_loss"], hist["test_nelbo"], hist["tau"],
                   hist["test_relaxed"] if track_relaxed else None, time.perf_counter() - start, model)
