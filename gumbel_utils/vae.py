r"""Notebook 5: a categorical VAE on real digits, trained with each gradient estimator and temperature.

The model, in NumPy with hand-written backpropagation:

- **data**: the 8×8 digits that scikit-learn ships inside its wheel (no download),
  binarised (pixel > 8 of 16), with a fixed seeded train/test split (:func:`load_digits_binary`);
- **encoder**: 64 pixels → ReLU layer → logits of L categorical latents with K categories each;
- **decoder**: the L×K code → ReLU layer → 64 Bernoulli logits; the prior is uniform;
- **loss** per image: :math:`-\log p(x \mid z) + \mathrm{KL}(q(z \mid x) \,\|\, \mathrm{uniform})`
  with the analytic categorical KL, :math:`\sum_{l,k} q_{lk}(\log q_{lk} + \log K)`.

Each estimator of the registry is its own backward path through the code ``z``
(:meth:`CategoricalVAE.loss_and_grad`); all share the package's softmax
Jacobian-vector product :func:`~gumbel_utils._kernels.softmax_jvp`:

- ``"gumbel_softmax_grad"``: decode :math:`y = \mathrm{softmax}((\ell + g)/\tau)`; the exact
  gradient of that relaxed loss;
- ``"straight_through"``: decode the one-hot :math:`D = \mathrm{onehot}(\arg\max(\ell + g))`, backward
  through :math:`y` as if :math:`D` were :math:`y` (PyTorch's ``gumbel_softmax(hard=True)``);
- ``"score_function_baseline"``: decode :math:`D`; the encoder gets
  :math:`(f - b)\,(D - q)` with :math:`f = -\log p(x \mid D)` and the leave-one-out baseline
  :math:`b` (the mean of :math:`f` over the other images of the batch); no backprop through the sample.

The objective every estimator is judged on is the *discrete* negative ELBO
(:meth:`CategoricalVAE.negative_elbo`): one-hot codes drawn from :math:`q`, whatever
the estimator trained with. :func:`train` runs Adam (:mod:`gumbel_utils.adam`) with an
optional progress bar; measurements on trained models (relaxed KL, code usage, gradient
variance, relaxed decodes) are in :mod:`gumbel_utils.vae_stats`.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

import numpy as np

from ._checks import as_generator, check_choice, check_count, check_tau
from ._kernels import fill_gumbel, one_blas_thread, sigmoid, softmax_jvp, tempered_softmax
from .adam import Adam
from .estimators import ESTIMATORS
from .numerics import log_softmax
from .progress import progress_callback
from .training import anneal

__all__ = [
    "ESTIMATOR_NAMES",
    "PIXELS",
    "ANNEAL_RATE",
    "ANNEAL_EVERY",
    "load_digits_binary",
    "bernoulli_nll",
    "analytic_kl",
    "CategoricalVAE",
    "History",
    "anneal_tau",
    "train",
]

#: The registry names of the three estimators the VAE implements, in display order.
ESTIMATOR_NAMES = ("gumbel_softmax_grad", "straight_through", "score_function_baseline")
#: Pixels of one 8×8 image.
PIXELS = 64


# --------------------------------------------------------------------------- data


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits  # shipped inside the scikit-learn wheel: nothing is fetched

    d = load_digits()
    return d.data, d.target


def load_digits_binary(*, seed: int = 0, test_fraction: float = 0.2, return_labels: bool = False) -> tuple:
    """The 1,797 scikit-learn 8×8 digits, binarised (pixel > 8 of 16), split into (train, test).

    Parameters
    ----------
    seed : int
        Seed of the permutation that splits the images (the same split on every call).
    test_fraction : float
        Share of the images in the test set, in (0, 1).
    return_labels : bool
        Also return the digit labels (the model never sees them).

    Returns
    -------
    train, test : ndarray, shape (n, 64)
        New float arrays with values in {0, 1}; with ``return_labels`` followed by
        ``train_labels, test_labels`` (int arrays).

    >>> train, test = load_digits_binary()
    >>> train.shape, test.shape, np.unique(train).tolist()
    ((1438, 64), (359, 64), [0.0, 1.0])
    """
    if not 0.0 < float(test_fraction) < 1.0:
        raise ValueError(f"test_fraction must lie in (0, 1), got {test_fraction!r}")
    pixels, labels = _digits()
    x = (pixels > 8).astype(np.float64)
    order = as_generator(seed).permutation(len(x))
    n_test = int(round(test_fraction * len(x)))
    tr, te = order[n_test:], order[:n_test]
    return (x[tr], x[te], labels[tr].copy(), labels[te].copy()) if return_labels else (x[tr], x[te])


def _one_blas_thread(fn: Callable) -> Callable:
    """Run ``fn`` with BLAS on one thread: for matrices this small, threads cost more than they give
    (several times slower on a shared 2-core machine). 0.02 ms per call (a cached controller)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with one_blas_thread():
            return fn(*args, **kwargs)

    return wrapper


def _check_images(x: Any, name: str = "x") -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != PIXELS or arr.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n, {PIXELS}) (flattened 8x8 images, n >= 1), got shape {arr.shape}")
    if not np.isfinite(arr).all() or arr.min() < 0 or arr.max() > 1:
        raise ValueError(f"{name} must hold pixel values in [0, 1]")
    return arr


def _check_estimator(estimator: Any) -> str:
    name = getattr(estimator, "name", estimator)  # a registry record (EstimatorSpec) or its name
    return check_choice(name, ESTIMATOR_NAMES, "estimator")


def _relu(a: np.ndarray) -> np.ndarray:
    return np.maximum(a, 0.0)


def _softplus(a: np.ndarray) -> np.ndarray:
    """``log(1 + exp(a))``, stably: ``max(a, 0) + log1p(exp(-|a|))`` (4x faster than ``np.logaddexp(0, a)``)."""
    out = np.abs(a)
    np.negative(out, out=out)
    np.exp(out, out=out)
    np.log1p(out, out=out)
    out += np.maximum(a, 0.0)
    return out


def bernoulli_nll(x: np.ndarray, logits: np.ndarray) -> np.ndarray:
    r"""``-log p(x | z)`` per image (n,) of images ``x`` (n, 64) under Bernoulli ``logits`` (n, 64), stably.

    Parameters
    ----------
    x : ndarray, shape (n, 64)
        Pixels in [0, 1].
    logits : ndarray, shape (n, 64)
        Bernoulli logits of the decoder: :math:`\sum_d \mathrm{softplus}(o_d) - x_d o_d`.
    """
    return (_softplus(logits) - x * logits).sum(axis=1)


def _kl_uniform(log_q: np.ndarray) -> np.ndarray:
    """KL(q || uniform) summed over the latents, from log q of shape (..., L, K)."""
    return (np.exp(log_q) * (log_q + math.log(log_q.shape[-1]))).sum(axis=(-2, -1))


def analytic_kl(logits: Any) -> np.ndarray:
    """KL(q || uniform) per image, summed over the latents: encoder logits (n, L, K) -> (n,)."""
    return _kl_uniform(log_softmax(logits))


# --------------------------------------------------------------------------- the model


class CategoricalVAE:
    """A VAE with ``latents`` categorical latent variables of ``categories`` categories each.

    Parameters
    ----------
    latents, categories, hidden : int
        L, K and the width of the one hidden ReLU layer of the encoder and of the decoder.
    rng : None, int or numpy.random.Generator
        Draws the initial weights (Glorot-normal; biases 0).

    Attributes
    ----------
    params : dict of ndarray
        ``enc_w1`` (64, H), ``enc_b1`` (H,), ``enc_w2`` (H, L·K), ``enc_b2`` (L·K,),
        ``dec_w1`` (L·K, H), ``dec_b1`` (H,), ``dec_w2`` (H, 64), ``dec_b2`` (64,).
    """

    def __init__(self, latents: int = 10, categories: int = 10, hidden: int = 128, *, rng=None) -> None:
        self.latents = check_count(latents, "latents")
        self.categories = check_count(categories, "categories", minimum=2)
        self.hidden = check_count(hidden, "hidden")
        gen = as_generator(rng)
        code, h = self.latents * self.categories, self.hidden

        def glorot(n_in: int, n_out: int) -> np.ndarray:
            return gen.normal(0.0, math.sqrt(2.0 / (n_in + n_out)), size=(n_in, n_out))

        self.params = {
            "enc_w1": glorot(PIXELS, h), "enc_b1": np.zeros(h),
            "enc_w2": glorot(h, code), "enc_b2": np.zeros(code),
            "dec_w1": glorot(code, h), "dec_b1": np.zeros(h),
            "dec_w2": glorot(h, PIXELS), "dec_b2": np.zeros(PIXELS),
        }

    def __repr__(self) -> str:
        return f"CategoricalVAE(latents={self.latents}, categories={self.categories}, hidden={self.hidden})"

    @property
    def n_parameters(self) -> int:
        """Number of scalar parameters."""
        return sum(p.size for p in self.params.values())

    # ------------------------------------------------------------ forward pieces

    def _encode(self, x: np.ndarray):
        p = self.params
        a1 = x @ p["enc_w1"] + p["enc_b1"]
        h1 = _relu(a1)
        logits = (h1 @ p["enc_w2"] + p["enc_b2"]).reshape(len(x), self.latents, self.categories)
        return a1, h1, logits

    def _decode(self, code: np.ndarray):
        p = self.params
        a2 = code.reshape(len(code), -1) @ p["dec_w1"] + p["dec_b1"]
        h2 = _relu(a2)
        return a2, h2, h2 @ p["dec_w2"] + p["dec_b2"]

    def encode(self, x: Any) -> np.ndarray:
        """Encoder logits of shape (n, L, K) for images ``x`` of shape (n, 64)."""
        return self._encode(_check_images(x))[2]

    def decoder_logits(self, code: Any) -> np.ndarray:
        """Bernoulli logits (n, 64) of the decoder for codes of shape (n, L, K) (one-hot or relaxed)."""
        z = np.asarray(code, dtype=np.float64)
        if z.ndim != 3 or z.shape[1:] != (self.latents, self.categories):
            raise ValueError(f"code must have shape (n, {self.latents}, {self.categories}), got {z.shape}")
        return self._decode(z)[2]

    def decode(self, code: Any) -> np.ndarray:
        """Bernoulli pixel probabilities (n, 64) for codes of shape (n, L, K) (one-hot or relaxed)."""
        return sigmoid(self.decoder_logits(code))

    def _noise(self, n: int, noise: Any, rng: Any) -> np.ndarray:
        shape = (n, self.latents, self.categories)
        if noise is None:
            return fill_gumbel(np.empty(shape), as_generator(rng))
        g = np.asarray(noise, dtype=np.float64)
        if g.shape != shape:
            raise ValueError(f"noise must have shape {shape} (batch, latents, categories), got {g.shape}")
        if not np.isfinite(g).all():
            raise ValueError("noise must be finite (standard Gumbel draws)")
        return g

    def _one_hot(self, perturbed: np.ndarray) -> np.ndarray:
        """One-hot of the argmax over the categories (argmax then scatter: 3x faster than comparing with the max)."""
        index = perturbed.reshape(-1, self.categories).argmax(axis=1)
        out = np.zeros((index.size, self.categories))
        out[np.arange(index.size), index] = 1.0
        return out.reshape(perturbed.shape)

    # ------------------------------------------------------------ loss and gradients

    def _loss_and_logit_grad(self, x, estimator, tau, g, kl_weight, group):
        """Shared forward/backward: (loss, per-image terms, cached activations, d loss / d logits, decoder grads)."""
        n, k = len(x), self.categories
        a1, h1, logits = self._encode(x)
        log_q = log_softmax(logits)
        q = np.exp(log_q)
        perturbed = logits + g
        y = tempered_softmax(perturbed, tau) if estimator != "score_function_baseline" else None
        code = y if estimator == "gumbel_softmax_grad" else self._one_hot(perturbed)
        a2, h2, out = self._decode(code)
        recon = bernoulli_nll(x, out)                                   # -log p(x | z), per image
        kl = _kl_uniform(log_q)                                          # KL(q || uniform), per image
        loss = float((recon + kl_weight * kl).mean())
        # decoder, backward (the loss is a mean over the n images)
        p = self.params
        d_out = (sigmoid(out) - x) / n
        grads = {"dec_w2": h2.T @ d_out, "dec_b2": d_out.sum(axis=0)}
        d_a2 = (d_out @ p["dec_w2"].T) * (a2 > 0)
        grads["dec_w1"] = code.reshape(n, -1).T @ d_a2
        grads["dec_b1"] = d_a2.sum(axis=0)
        # the estimator's path from the code to the encoder logits
        if estimator == "score_function_baseline":
            f = recon.reshape(-1, group)
            baseline = (f.sum(axis=1, keepdims=True) - f) / (group - 1)   # leave-one-out mean of its group
            d_logits = ((f - baseline).reshape(-1) / n)[:, None, None] * (code - q)
        else:
            d_code = (d_a2 @ p["dec_w1"].T).reshape(n, self.latents, k)
            d_logits = softmax_jvp(y, d_code, tau)
        if kl_weight:
            d_logits += softmax_jvp(q, log_q) * (kl_weight / n)              # d KL / d logits
        return loss, (a1, h1), d_logits, grads

    def _checked(self, x, estimator, tau, noise, rng, groups):
        x = _check_images(x)
        name = _check_estimator(estimator)
        t = check_tau(tau, scalar=True)
        groups = check_count(groups, "baseline_groups")
        if len(x) % groups:
            raise ValueError(f"x must hold a multiple of baseline_groups = {groups} images, got {len(x)}")
        if name == "score_function_baseline" and len(x) // groups < 2:
            raise ValueError("x must hold at least 2 images per baseline group for the leave-one-out baseline")
        return x, name, t, self._noise(len(x), noise, rng)

    @_one_blas_thread
    def logit_grad(self, x: Any, *, estimator: Any, tau: float, noise: Any = None, rng: Any = None,
                   kl_weight: float = 1.0, baseline_groups: int = 1) -> tuple[float, np.ndarray]:
        """The batch loss and the estimator's gradient with respect to the encoder logits, shape (n, L, K).

        Arguments as in :meth:`loss_and_grad`; ``baseline_groups`` splits the batch into that many
        consecutive equal groups, each with its own leave-one-out baseline (independent batches).
        """
        x, name, t, g = self._checked(x, estimator, tau, noise, rng, baseline_groups)
        loss, _, d_logits, _ = self._loss_and_logit_grad(x, name, t, g, float(kl_weight), len(x) // baseline_groups)
        return loss, d_logits

    @_one_blas_thread
    def loss_and_grad(
        self, x: Any, *, estimator: Any, tau: float, noise: Any = None, rng: Any = None, kl_weight: float = 1.0
    ) -> tuple[float, dict[str, np.ndarray]]:
        """The batch loss and the estimator's gradient of every parameter (a dict like :attr:`params`).

        ``x`` (n, 64) images; ``estimator`` one of :data:`ESTIMATOR_NAMES` (or a registry record
        with that ``name``); ``tau`` > 0 (the score function checks but ignores it); ``noise``
        fixed standard Gumbel noise of shape (n, L, K), else drawn from ``rng``; ``kl_weight``
        the weight of the KL term. The loss is the batch mean of -log p(x|z) + kl_weight · KL,
        z the relaxed code (Gumbel-Softmax) or the one-hot code (the others). For
        ``"gumbel_softmax_grad"`` the gradient is the exact gradient of that loss at this noise.
        """
        x, name, t, g = self._checked(x, estimator, tau, noise, rng, 1)
        loss, (a1, h1), d_logits, grads = self._loss_and_logit_grad(x, name, t, g, float(kl_weight), len(x))
        p = self.params
        d_l = d_logits.reshape(len(x), -1)
        grads["enc_w2"] = h1.T @ d_l
        grads["enc_b2"] = d_l.sum(axis=0)
        d_a1 = (d_l @ p["enc_w2"].T) * (a1 > 0)
        grads["enc_w1"] = x.T @ d_a1
        grads["enc_b1"] = d_a1.sum(axis=0)
        return loss, {key: grads[key] for key in p}

    # ------------------------------------------------------------ evaluation

    def _code_loss(self, x: np.ndarray, samples: int, rng: Any, tau: float | None, kl_weight: float = 1.0):
        """Per-sample mean loss (samples,): one-hot codes (tau None) or relaxed codes at ``tau``."""
        gen = as_generator(rng)
        logits = self._encode(x)[2]
        log_q = log_softmax(logits)
        kl = float(_kl_uniform(log_q).mean())
        out = np.empty(samples)
        g = np.empty_like(logits)
        for s in range(samples):
            perturbed = logits + fill_gumbel(g, gen)
            code = self._one_hot(perturbed) if tau is None else tempered_softmax(perturbed, tau)
            o = self._decode(code)[2]
            out[s] = bernoulli_nll(x, o).mean() + kl_weight * kl
        return out

    @_one_blas_thread
    def negative_elbo(self, x: Any, *, samples: int = 10, rng: Any = None) -> float:
        """The discrete negative ELBO (nats per image): one-hot z drawn from q, -log p(x|z) + KL(q || uniform).

        Averaged over the images and over ``samples`` codes per image. This is the
        number the estimators compete on, whatever they trained with.
        """
        x = _check_images(x)
        return float(self._code_loss(x, check_count(samples, "samples"), rng, None).mean())

    @_one_blas_thread
    def relaxed_loss(self, x: Any, *, tau: float, samples: int = 10, rng: Any = None) -> float:
        """The relaxed loss that Gumbel-Softmax optimises: relaxed codes at ``tau`` decoded, plus the analytic KL."""
        x = _check_images(x)
        t = check_tau(tau)
        return float(self._code_loss(x, check_count(samples, "samples"), rng, t).mean())

    @_one_blas_thread
    def reconstruct(self, x: Any, *, tau: float | None = None, noise: Any = None, rng: Any = None) -> np.ndarray:
        """Pixel probabilities (n, 64) decoded from one code per image: one-hot (``tau=None``) or relaxed at ``tau``.

        With the same ``noise`` the one-hot code is the argmax of every relaxed code.
        """
        x = _check_images(x)
        logits = self._encode(x)[2]
        perturbed = logits + self._noise(len(x), noise, rng)
        code = self._one_hot(perturbed) if tau is None else tempered_softmax(perturbed, check_tau(tau))
        return sigmoid(self._decode(code)[2])

    def sample_prior(self, n: int, *, rng: Any = None) -> np.ndarray:
        """Pixel probabilities (n, 64) decoded from one-hot codes drawn from the uniform prior."""
        gen = as_generator(rng)
        index = gen.integers(0, self.categories, size=(check_count(n, "n"), self.latents))
        code = (index[..., None] == np.arange(self.categories)).astype(np.float64)
        return sigmoid(self._decode(code)[2])


# --------------------------------------------------------------------------- training


#: Annealing of Notebook 5: Jang et al.'s schedule with the rate scaled to runs of under 1,000 steps
#: (their r = 1e-4 would only reach tau = 0.92 in 840 steps): tau reaches 0.5 after 600 steps.
ANNEAL_RATE, ANNEAL_EVERY = 1.2e-3, 100


def anneal_tau(step: int, *, tau0: float = 1.0, tau_min: float = 0.5, rate: float = ANNEAL_RATE,
               every: int = ANNEAL_EVERY) -> float:
    """Jang et al.'s annealing at a training step: :func:`gumbel_utils.training.anneal` with Notebook 5's defaults.

    Parameters
    ----------
    step : int
        The training step (from 0).
    tau0, tau_min, rate, every
        ``tau = max(tau_min, tau0 * exp(-rate * t))`` with ``t`` the step rounded down to a
        multiple of ``every``.

    >>> [round(anneal_tau(s, rate=1e-3, every=500), 3) for s in (0, 499, 500, 5000)]
    [1.0, 1.0, 0.607, 0.5]
    """
    return float(anneal(step, tau0=tau0, tau_min=tau_min, rate=rate, every=every))


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


@_one_blas_thread
def train(
    model: CategoricalVAE,
    train: Any,
    test: Any,
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
    rng: Any = 0,
    progress: Any = False,
) -> History:
    """Train ``model`` in place with Adam and one estimator; return the per-epoch :class:`History`.

    Parameters
    ----------
    model : CategoricalVAE
        Trained in place.
    train, test : array_like, shape (n, 64)
        Training and test images.
    estimator : str
        One of :data:`ESTIMATOR_NAMES`.
    tau : float or callable
        A fixed temperature, or a schedule ``tau(step) -> float`` (e.g.
        ``functools.partial(anneal_tau, rate=ANNEAL_RATE, every=ANNEAL_EVERY)``).
    epochs, batch_size, lr : int, int, float
        Passes over the data (full batches only, reshuffled each epoch), images per step, Adam's step size.
    kl_weight : float
        Weight of the KL term (0: no KL term).
    eval_samples, eval_every : int
        The test set's discrete -ELBO is measured after every ``eval_every``-th and after the
        last epoch (NaN in between) with ``eval_samples`` codes per image, with the same noise
        every time (smooth curves).
    track_relaxed : bool
        Also measure the relaxed test loss at the current τ (``History.test_relaxed``).
    rng : None, int or Generator
        Data order and noise.
    progress : bool, ipywidgets.IntProgress or callable
        True: show a new progress bar; an ``IntProgress``: reuse it; a callable (e.g. a
        :class:`~gumbel_utils.progress.ProgressBar`): ``progress(epochs_done, epochs)``
        (as in :func:`gumbel_utils.training.train`; see :func:`gumbel_utils.progress.progress_callback`).

    BLAS runs on one thread: several times faster for matrices this small.
    """
    name = _check_estimator(estimator)
    train_x, test_x = _check_images(train, "train"), _check_images(test, "test")
    schedule = tau if callable(tau) else None
    if schedule is None:
        tau = check_tau(tau)
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
    label = ESTIMATORS[name].label if name in ESTIMATORS else name
    report = progress_callback(progress, epochs, f"{label}, τ = {'annealed' if schedule else f'{tau:g}'}")
    start, step = time.perf_counter(), 0
    for epoch in range(epochs):
        order = gen.permutation(n)
        total = 0.0
        for b in range(steps_per_epoch):
            t = check_tau(schedule(step), "tau") if schedule else tau
            batch = train_x[order[b * batch_size:(b + 1) * batch_size]]
            loss, grads = model.loss_and_grad(batch, estimator=name, tau=t, noise=fill_gumbel(g, gen),
                                              kl_weight=kl_weight)
            opt.step(grads)
            total += loss
            step += 1
        hist["train_loss"][epoch] = total / steps_per_epoch
        hist["tau"][epoch] = t
        if (epoch + 1) % eval_every == 0 or epoch + 1 == epochs:
            hist["test_nelbo"][epoch] = model.negative_elbo(test_x, samples=eval_samples, rng=eval_seed)
            if track_relaxed:
                hist["test_relaxed"][epoch] = model.relaxed_loss(test_x, tau=t, samples=eval_samples, rng=eval_seed)
        if report is not None:
            report(epoch + 1, epochs)
    return History(name, np.arange(1, epochs + 1), hist["train_loss"], hist["test_nelbo"], hist["tau"],
                   hist["test_relaxed"] if track_relaxed else None, time.perf_counter() - start, model)
