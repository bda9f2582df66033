r"""Notebook 5: a categorical VAE on real digits, with hand-written backpropagation, for every estimator.

The model, in NumPy:

- **data**: scikit-learn's 8×8 digits, binarised (:func:`gumbel_utils.digits.load_digits_binary`);
- **encoder**: 64 pixels → ReLU layer → logits of L categorical latents with K categories each;
- **decoder**: the L×K code → ReLU layer → 64 Bernoulli logits; the prior is uniform;
- **loss** per image: :math:`-\log p(x \mid z) + \mathrm{KL}(q(z \mid x) \,\|\, \mathrm{uniform})`
  with the analytic categorical KL, :math:`\sum_{l,k} q_{lk}(\log q_{lk} + \log K)`.

**Every registered estimator trains it, with no code of its own here.** The decoder's loss
:math:`-\log p(x \mid z)` is an *objective of the code* :math:`z` (:class:`ReconstructionLoss`: a value and
a gradient, by backpropagation through the decoder), exactly like the objectives f of Notebooks 3 and 4.
So :meth:`CategoricalVAE.loss_and_grad` calls the estimator's own function from its registry record
(:data:`~gumbel_utils.registry.ESTIMATORS`) on the encoder logits of shape (B, L, K), one sample per
image and latent, with the batch of images as the batch of the leave-one-out baseline. The record's
``decodes`` says which code the forward pass decodes (the relaxed :math:`y = \mathrm{softmax}((\ell + g)/\tau)`
for Gumbel-Softmax; the one-hot :math:`D` for straight-through, the score functions, Gumbel-Rao and
REBAR): that code gives the reported loss and the decoder's gradient.

The objective every estimator is judged on is the *discrete* negative ELBO
(:meth:`CategoricalVAE.negative_elbo`): one-hot codes drawn from :math:`q`, whatever
the estimator trained with. Training is :func:`gumbel_utils.vae_training.train_vae`; measurements on
trained models are in :mod:`gumbel_utils.vae_stats`.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable, Mapping

import numpy as np

from ._kernels import fill_gumbel, one_blas_thread, one_hot_of, perturb, sigmoid, softmax_jvp, tempered_softmax
from ._validation import as_generator, check_choice, check_count, check_images, check_tau
from .digits import PIXELS
from .numerics import log_softmax
from .registry import EstimatorSpec, estimator_names, get_estimator

__all__ = ["bernoulli_nll", "analytic_kl", "ReconstructionLoss", "CategoricalVAE"]


def _one_blas_thread(fn: Callable) -> Callable:
    """Run ``fn`` with BLAS on one thread: for matrices this small, threads cost more than they give
    (several times slower on a shared 2-core machine). 0.02 ms per call (a cached controller)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with one_blas_thread():
            return fn(*args, **kwargs)

    return wrapper


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
    """KL(q || uniform) per image, summed over the latents: encoder logits (n, L, K) -> (n,).

    Parameters
    ----------
    logits : array_like, shape (n, L, K)
        Encoder logits.
    """
    return _kl_uniform(log_softmax(logits))


class ReconstructionLoss:
    r"""The decoder's loss :math:`-\log p(x \mid z)` as an objective of the code :math:`z` (one value per image).

    Like the objectives of :mod:`gumbel_utils.objectives`, it has ``value(z)`` and ``grad(z)``, so every
    gradient estimator of the registry applies to it unchanged: codes ``z`` of shape (..., L, K), one-hot
    or relaxed, for images ``x`` of shape (..., 64) with the same leading shape; ``value`` returns one
    number per image (shape (...)), ``grad`` its derivative with respect to the code (by backpropagation
    through the decoder). The last few codes are remembered (compared by value), so a code the estimator
    and the model both need is decoded once; :meth:`param_grads` gives the decoder's parameter gradients
    at a code.

    Parameters
    ----------
    model : CategoricalVAE
        Its decoder is used (not changed).
    x : ndarray, shape (..., 64)
        The images.
    """

    _REMEMBER = 4

    def __init__(self, model: "CategoricalVAE", x: np.ndarray) -> None:
        self.model = model
        self.x = x
        self._cache: list[dict[str, Any]] = []

    def _entry(self, code: np.ndarray) -> dict[str, Any]:
        for entry in self._cache:
            if entry["code"].shape == code.shape and np.array_equal(entry["code"], code):
                return entry
        lead = code.shape[:-2]
        flat = code.reshape(-1, self.model.latents * self.model.categories)
        a2, h2, out = self.model.decode_activations(flat)
        entry = {"code": code.copy(), "a2": a2, "h2": h2, "out": out, "lead": lead,
                 "nll": bernoulli_nll(self.x.reshape(-1, PIXELS), out).reshape(lead)}
        self._cache = [entry] + self._cache[: self._REMEMBER - 1]
        return entry

    def _backward(self, entry: dict[str, Any]) -> dict[str, Any]:
        if "d_a2" not in entry:
            p = self.model.params
            entry["d_out"] = sigmoid(entry["out"]) - self.x.reshape(-1, PIXELS)
            entry["d_a2"] = (entry["d_out"] @ p["dec_w2"].T) * (entry["a2"] > 0)
        return entry

    def value(self, z: np.ndarray) -> np.ndarray:
        """``-log p(x | z)`` per image, shape ``z.shape[:-2]``."""
        return self._entry(np.asarray(z, dtype=np.float64))["nll"]

    def grad(self, z: np.ndarray) -> np.ndarray:
        """The derivative of ``value`` with respect to the code, shape of ``z``."""
        entry = self._backward(self._entry(np.asarray(z, dtype=np.float64)))
        return (entry["d_a2"] @ self.model.params["dec_w1"].T).reshape(entry["code"].shape)

    def param_grads(self, z: np.ndarray, weight: float, *, axis: int | None = None) -> dict[str, np.ndarray]:
        """Gradients of ``weight * sum(value(z))`` with respect to the decoder's parameters.

        Parameters
        ----------
        z : ndarray, shape (..., L, K)
            The code the forward pass decoded.
        weight : float
            The factor of the sum (``1 / n`` for a batch mean).
        axis : int, optional
            A leading axis of ``z`` to keep: one gradient per index along it (independent replicates of
            a measurement, :mod:`gumbel_utils.vae_gradient_stats`), the sum over the other axes. Each
            gradient then has that axis first.
        """
        entry = self._backward(self._entry(np.asarray(z, dtype=np.float64)))
        d_out, d_a2 = entry["d_out"] * weight, entry["d_a2"] * weight
        code_size = self.model.latents * self.model.categories
        flat = entry["code"].reshape(-1, code_size)
        if axis is None:
            return {"dec_w2": entry["h2"].T @ d_out, "dec_b2": d_out.sum(axis=0),
                    "dec_w1": flat.T @ d_a2, "dec_b1": d_a2.sum(axis=0)}
        lead = entry["lead"]
        keep = range(len(lead))[axis]

        def grouped(a: np.ndarray) -> np.ndarray:  # (N, d) -> (lead[keep], N / lead[keep], d)
            return np.moveaxis(a.reshape(lead + a.shape[-1:]), keep, 0).reshape(lead[keep], -1, a.shape[-1])

        h2, d_out, code, d_a2 = (grouped(a) for a in (entry["h2"], d_out, flat, d_a2))
        return {"dec_w2": np.matmul(h2.transpose(0, 2, 1), d_out), "dec_b2": d_out.sum(axis=1),
                "dec_w1": np.matmul(code.transpose(0, 2, 1), d_a2), "dec_b1": d_a2.sum(axis=1)}


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

    def __init__(self, latents: int = 10, categories: int = 10, hidden: int = 128, *, rng: Any = None) -> None:
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

    def decode_activations(self, code: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The decoder's pre-activation, hidden layer and Bernoulli logits for flat codes (n, L·K).

        Parameters
        ----------
        code : ndarray, shape (n, L·K)
            One-hot or relaxed codes, flattened.
        """
        p = self.params
        a2 = code @ p["dec_w1"] + p["dec_b1"]
        h2 = _relu(a2)
        return a2, h2, h2 @ p["dec_w2"] + p["dec_b2"]

    def encode(self, x: Any) -> np.ndarray:
        """Encoder logits of shape (n, L, K) for images ``x`` of shape (n, 64)."""
        return self._encode(check_images(x).reshape(-1, PIXELS))[2]

    def decoder_logits(self, code: Any) -> np.ndarray:
        """Bernoulli logits (n, 64) of the decoder for codes of shape (n, L, K) (one-hot or relaxed)."""
        z = np.asarray(code, dtype=np.float64)
        if z.ndim != 3 or z.shape[1:] != (self.latents, self.categories):
            raise ValueError(f"code must have shape (n, {self.latents}, {self.categories}), got {z.shape}")
        return self.decode_activations(z.reshape(len(z), -1))[2]

    def decode(self, code: Any) -> np.ndarray:
        """Bernoulli pixel probabilities (n, 64) for codes of shape (n, L, K) (one-hot or relaxed)."""
        return sigmoid(self.decoder_logits(code))

    def _noise(self, shape: tuple[int, ...], noise: Any, rng: Any) -> np.ndarray:
        if noise is None:
            return fill_gumbel(np.empty(shape), as_generator(rng))
        g = np.asarray(noise, dtype=np.float64)
        if g.shape != shape:
            raise ValueError(f"noise must have shape {shape} (images, latents, categories), got {g.shape}")
        if not np.isfinite(g).all():
            raise ValueError("noise must be finite (standard Gumbel draws)")
        return g

    # ------------------------------------------------------------ loss and gradients

    @staticmethod
    def trainable_estimators() -> list[str]:
        """The registered estimators a model can train with (their records say what they decode)."""
        return estimator_names(stochastic=None, trains_models=True)

    def estimator_spec(self, estimator: Any) -> EstimatorSpec:
        """The registry record of ``estimator`` if a model can train with it, else ValueError listing those that can.

        Parameters
        ----------
        estimator : str or EstimatorSpec
            A registered name or record.
        """
        spec = get_estimator(estimator)
        if spec.decodes is None:
            check_choice(spec.name, self.trainable_estimators(), "estimator")
        return spec

    def _forward_backward(self, x, spec, tau, g, rng, kl_weight, options):
        """Loss, per-image encoder-logit gradients (leading shape of x), decoder grads and cached activations."""
        lead = x.shape[:-1]
        flat_x = x.reshape(-1, PIXELS)
        n = flat_x.shape[0]
        a1, h1, flat_logits = self._encode(flat_x)
        logits = flat_logits.reshape(lead + (self.latents, self.categories))
        log_q = log_softmax(logits)
        f = ReconstructionLoss(self, x)
        s = perturb(logits, None, g)  # the estimator's own perturbed logits: the same codes
        if spec.decodes == "relaxed":
            s -= s.max(axis=-1, keepdims=True)
            code = tempered_softmax(s, tau, shifted=True)
        else:
            code = one_hot_of(s.argmax(axis=-1), self.categories)
        kl = _kl_uniform(log_q)
        loss = float((f.value(code) + kl_weight * kl).mean())
        d_logits = spec(logits, f, tau=tau, rng=rng, noise=g, **options) / n   # the estimator, from its record
        if kl_weight:
            d_logits = d_logits + softmax_jvp(np.exp(log_q), log_q) * (kl_weight / n)   # d KL / d logits
        return loss, (a1, h1), d_logits, f.param_grads(code, 1.0 / n)

    def _checked(self, x, estimator, tau, noise, gen, options):
        x = check_images(x)
        if options is None:
            options = {}
        elif not isinstance(options, Mapping):
            raise TypeError(f"options must be a mapping of estimator options (e.g. {{'eta': 0.5}}), "
                            f"got {type(options).__name__}")
        spec = self.estimator_spec(estimator)
        t = check_tau(tau, scalar=True)
        if spec.batch_dependent and x.shape[0] < 2:
            raise ValueError(f"x must hold at least 2 images along its first axis: {spec.name}'s estimates "
                             "depend on the other images of the batch")
        return x, spec, t, self._noise(x.shape[:-1] + (self.latents, self.categories), noise, gen), dict(options)

    @_one_blas_thread
    def logit_grad(self, x: Any, *, estimator: Any, tau: float, noise: Any = None, rng: Any = None,
                   kl_weight: float = 1.0, options: Mapping[str, Any] | None = None) -> tuple[float, np.ndarray]:
        """The batch loss and the estimator's gradient with respect to the encoder logits.

        Arguments (``options`` included) as in :meth:`loss_and_grad`, except that ``x`` may have several leading axes
        (..., 64): the first is the batch (of the leave-one-out baseline), the others independent
        copies (e.g. the draws of a variance measurement, :func:`gumbel_utils.vae_stats.logit_gradient_variance`).
        The gradient has shape (..., L, K) and is that of the mean loss over all images.
        """
        gen = as_generator(rng)  # one stream: the noise first, then the estimator's own draws
        x, spec, t, g, opts = self._checked(x, estimator, tau, noise, gen, options)
        loss, _, d_logits, _ = self._forward_backward(x, spec, t, g, gen, float(kl_weight), opts)
        return loss, d_logits

    @_one_blas_thread
    def loss_and_grad(
        self, x: Any, *, estimator: Any, tau: float, noise: Any = None, rng: Any = None, kl_weight: float = 1.0,
        options: Mapping[str, Any] | None = None,
    ) -> tuple[float, dict[str, np.ndarray]]:
        """The batch loss and the estimator's gradient of every parameter (a dict like :attr:`params`).

        Parameters
        ----------
        x : array_like, shape (n, 64)
            Images (n >= 2 for an estimator whose estimates depend on the batch).
        estimator : str or EstimatorSpec
            Any registered estimator whose record says what it decodes
            (:meth:`trainable_estimators`), with its registered default options (e.g. REBAR's ``eta``,
            Gumbel-Rao's ``m``).
        tau : float
            Temperature > 0 (an estimator whose law does not depend on it ignores it).
        noise : array_like, shape (n, L, K), optional
            Fixed standard Gumbel noise; else drawn from ``rng``.
        rng : None, int or Generator
            The noise, and any further randomness of the estimator (REBAR's and Gumbel-Rao's
            conditional draws).
        kl_weight : float
            The weight of the KL term.
        options : mapping, optional
            Estimator options overriding the record's defaults, e.g. ``{"m": 4}`` for Gumbel-Rao or
            ``{"eta": 0.3}`` for REBAR (like :func:`gumbel_utils.training.train_logits`'s ``options``).

        Returns
        -------
        loss, grads : float, dict
            The batch mean of -log p(x|z) + kl_weight · KL, with z the code the record says the
            estimator decodes; and the gradient of every parameter. For ``"gumbel_softmax_grad"`` it is
            the exact gradient of that loss at this noise.
        """
        gen = as_generator(rng)  # one stream: the noise first, then the estimator's own draws
        x, spec, t, g, opts = self._checked(x, estimator, tau, noise, gen, options)
        if x.ndim != 2:
            raise ValueError(f"x must have shape (n, 64), got {x.shape}")
        loss, (a1, h1), d_logits, grads = self._forward_backward(x, spec, t, g, gen, float(kl_weight), opts)
        grads.update(self._encoder_backward(x, a1, h1, d_logits))
        return loss, {key: grads[key] for key in self.params}

    def _encoder_backward(self, x, a1, h1, d_logits):
        """Encoder gradients from d loss / d logits (..., n, L, K): one gradient per leading index."""
        d_l = d_logits.reshape(d_logits.shape[:-2] + (-1,))
        d_a1 = (d_l @ self.params["enc_w2"].T) * (a1 > 0)
        return {"enc_w2": np.matmul(h1.T, d_l), "enc_b2": d_l.sum(axis=-2),
                "enc_w1": np.matmul(x.T, d_a1), "enc_b1": d_a1.sum(axis=-2)}

    @_one_blas_thread
    def encoder_param_grads(self, x: Any, d_logits: Any) -> dict[str, np.ndarray]:
        r"""The encoder's parameter gradients, by backpropagation of a gradient with respect to its logits.

        The encoder is deterministic, so every gradient reaching its weights is a linear map of
        :math:`\partial\mathcal{L}/\partial\ell` (what an estimator gives): this is that map.

        Parameters
        ----------
        x : array_like, shape (n, 64)
            The images.
        d_logits : array_like, shape (..., n, L, K)
            The gradient of the loss with respect to the encoder logits of each image; leading axes
            (independent replicates) are kept: one set of gradients per leading index.

        Returns
        -------
        dict
            ``enc_w1``, ``enc_b1``, ``enc_w2``, ``enc_b2``, each with the leading axes of ``d_logits``.
        """
        x = check_images(x)
        if x.ndim != 2:
            raise ValueError(f"x must have shape (n, 64), got {x.shape}")
        d = np.asarray(d_logits, dtype=np.float64)
        if d.shape[-3:] != (len(x), self.latents, self.categories):
            raise ValueError(f"d_logits must have shape (..., {len(x)}, {self.latents}, {self.categories}), "
                             f"got {d.shape}")
        a1, h1, _ = self._encode(x)
        return self._encoder_backward(x, a1, h1, d)

    # ------------------------------------------------------------ evaluation

    def _code_loss(self, x: np.ndarray, n_samples: int, rng: Any, tau: float | None, kl_weight: float = 1.0):
        """Per-sample mean loss (n_samples,): one-hot codes (tau None) or relaxed codes at ``tau``."""
        gen = as_generator(rng)
        logits = self._encode(x)[2]
        log_q = log_softmax(logits)
        kl = float(_kl_uniform(log_q).mean())
        out = np.empty(n_samples)
        g = np.empty_like(logits)
        for s in range(n_samples):
            perturbed = logits + fill_gumbel(g, gen)
            code = one_hot_of(perturbed.argmax(axis=-1), self.categories) if tau is None else tempered_softmax(
                perturbed, tau)
            o = self.decode_activations(code.reshape(len(code), -1))[2]
            out[s] = bernoulli_nll(x, o).mean() + kl_weight * kl
        return out

    @_one_blas_thread
    def negative_elbo(self, x: Any, *, n_samples: int = 10, rng: Any = None) -> float:
        """The discrete negative ELBO (nats per image): one-hot z drawn from q, -log p(x|z) + KL(q || uniform).

        Averaged over the images and over ``n_samples`` codes per image. This is the
        number the estimators compete on, whatever they trained with.

        Parameters
        ----------
        x : array_like, shape (n, 64)
        n_samples : int
            One-hot codes drawn per image.
        rng : None, int or Generator
        """
        x = check_images(x)
        return float(self._code_loss(x, check_count(n_samples, "n_samples"), rng, None).mean())

    @_one_blas_thread
    def relaxed_loss(self, x: Any, *, tau: float, n_samples: int = 10, rng: Any = None) -> float:
        """The relaxed loss that Gumbel-Softmax optimises: relaxed codes at ``tau`` decoded, plus the analytic KL.

        Parameters
        ----------
        x : array_like, shape (n, 64)
        tau : float
            The temperature of the relaxed codes.
        n_samples : int
            Relaxed codes drawn per image.
        rng : None, int or Generator
        """
        x = check_images(x)
        t = check_tau(tau)
        return float(self._code_loss(x, check_count(n_samples, "n_samples"), rng, t).mean())

    @_one_blas_thread
    def reconstruct(self, x: Any, *, tau: float | None = None, noise: Any = None, rng: Any = None) -> np.ndarray:
        """Pixel probabilities (n, 64) decoded from one code per image: one-hot (``tau=None``) or relaxed at ``tau``.

        With the same ``noise`` the one-hot code is the argmax of every relaxed code.

        Parameters
        ----------
        x : array_like, shape (n, 64)
        tau : float, optional
            None for the one-hot code.
        noise : array_like, shape (n, L, K), optional
        rng : None, int or Generator
        """
        x = check_images(x)
        logits = self._encode(x)[2]
        perturbed = logits + self._noise(logits.shape, noise, rng)
        code = (one_hot_of(perturbed.argmax(axis=-1), self.categories) if tau is None
                else tempered_softmax(perturbed, check_tau(tau)))
        return sigmoid(self.decode_activations(code.reshape(len(code), -1))[2])

    @_one_blas_thread
    def importance_weighted_bound(self, x: Any, *, n_samples: int = 1000, rng: Any = None) -> float:
        r"""A Monte Carlo upper bound on :math:`-\log p(x)` (nats per image) from ``n_samples`` codes per image.

        .. math::

            -\log p(x) \le -\log \frac{1}{S}\sum_{s=1}^{S} \frac{p(x \mid z_s)\, p(z_s)}{q(z_s \mid x)},
            \qquad z_s \sim q(z \mid x),

        the importance-weighted bound of Burda, Grosse & Salakhutdinov (2016): :math:`S = 1` gives the discrete
        negative ELBO in expectation, and the bound tightens as S grows. Jang et al. (2017, Table 1) report
        their MNIST numbers with S = 1,000 codes, so this is the number to set against theirs, not the ELBO.

        Parameters
        ----------
        x : array_like, shape (n, 64)
        n_samples : int
            Codes S drawn per image.
        rng : None, int or Generator

        References
        ----------
        .. [1] Y. Burda, R. Grosse and R. Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016.
        """
        from scipy.special import logsumexp

        x = check_images(x)
        s_count = check_count(n_samples, "n_samples")
        gen = as_generator(rng)
        logits = self._encode(x)[2]
        log_q = log_softmax(logits)
        log_prior = -self.latents * math.log(self.categories)
        log_w = np.empty((s_count, len(x)))
        g = np.empty_like(logits)
        for s in range(s_count):
            index = (logits + fill_gumbel(g, gen)).argmax(axis=-1)
            code = one_hot_of(index, self.categories)
            out = self.decode_activations(code.reshape(len(x), -1))[2]
            log_q_z = np.take_along_axis(log_q, index[..., None], axis=-1)[..., 0].sum(axis=-1)
            log_w[s] = -bernoulli_nll(x, out) + log_prior - log_q_z
        return float(-(logsumexp(log_w, axis=0) - math.log(s_count)).mean())

    def sample_prior(self, n: int, *, rng: Any = None) -> np.ndarray:
        """Pixel probabilities (n, 64) decoded from one-hot codes drawn from the uniform prior.

        Parameters
        ----------
        n : int
            Number of codes.
        rng : None, int or Generator
        """
        gen = as_generator(rng)
        index = gen.integers(0, self.categories, size=(check_count(n, "n"), self.latents))
        code = one_hot_of(index, self.categories)
        return sigmoid(self.decode_activations(code.reshape(len(code), -1))[2])

