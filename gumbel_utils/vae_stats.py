r"""Measurements on a trained categorical VAE (Notebook 5): relaxed KL, code usage, gradient noise, relaxed decodes.

Everything here is computed from the public interface of
:class:`gumbel_utils.vae.CategoricalVAE` (``encode``, ``decoder_logits``, ``logit_grad``):

- :func:`relaxed_kl`: the Monte Carlo KL between Concrete laws of the relaxed codes, in log space
  (:func:`~gumbel_utils.concrete.concrete_log_prob`), to compare with the analytic categorical KL;
- :func:`code_usage`: how many categories each latent uses, over the data and per image;
- :func:`logit_gradient_variance`: the variance of an estimator's encoder-logit gradient against τ;
- :func:`relaxed_decodes`: the same images decoded from relaxed codes at several τ and from the one-hot code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validation import as_generator, check_count, check_tau
from ._kernels import fill_gumbel, sigmoid, tempered_softmax
from .concrete import concrete_log_prob, gumbel_softmax, one_hot
from .numerics import log_softmax
from .vae import CategoricalVAE, bernoulli_nll

__all__ = ["relaxed_kl", "CodeUsage", "code_usage", "decoder_code_dependence", "independent_pixels_nll",
           "logit_gradient_variance", "RelaxedDecodes", "relaxed_decodes"]


def relaxed_kl(logits: Any, tau: float, *, prior_tau: float | None = None, n_samples: int = 100,
               rng: Any = None) -> tuple[float, float]:
    r"""Monte Carlo relaxed KL, Concrete(q, τ) against Concrete(uniform, τ_p), per image, and its standard error.

    Parameters
    ----------
    logits : array_like, shape (n, L, K)
        Encoder logits of n images.
    tau : float
        Temperature of the relaxed posterior.
    prior_tau : float, optional
        Temperature of the Concrete prior with uniform logits (default: ``tau``).
    n_samples : int
        Relaxed samples per latent and image (>= 2).
    rng : None, int or Generator

    Returns
    -------
    mean, se : float
        :math:`\mathbb{E}_{y}[\log q_\tau(y) - \log p_{\tau_p}(y)]`, ``y`` drawn from the Concrete
        posterior, both log-densities from :func:`~gumbel_utils.concrete.concrete_log_prob`,
        summed over the latents and averaged over the images; and its standard error over the samples.

    Raises ValueError when a coordinate of a relaxed sample underflows to exactly 0 (small τ):
    its density is then not defined in floating point.
    """
    x = np.asarray(logits, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"logits must have shape (n, L, K), got {x.shape}")
    n, n_lat, k = x.shape
    t = check_tau(tau)
    tp = t if prior_tau is None else check_tau(prior_tau, "prior_tau")
    rows = x.reshape(-1, k)
    y = gumbel_softmax(rows, t, size=check_count(n_samples, "n_samples", minimum=2), rng=rng)   # (S, n L, K)
    ratio = concrete_log_prob(y, rows, t) - concrete_log_prob(y, np.zeros(k), tp)           # (S, n L)
    per_sample = ratio.reshape(len(y), n, n_lat).sum(axis=2).mean(axis=1)
    return float(per_sample.mean()), float(per_sample.std(ddof=1) / math.sqrt(len(y)))


@dataclass(frozen=True)
class CodeUsage:
    """Per latent (arrays of length L): how many categories the codes use over a set of images.

    Attributes
    ----------
    aggregate : ndarray
        exp(entropy of the average posterior): categories used across the images (1 to K).
    per_image : ndarray
        exp(mean entropy of q(z_l | x)): how undecided one image's code is (1 to K).
    """

    aggregate: np.ndarray
    per_image: np.ndarray


def code_usage(model: CategoricalVAE, x: Any) -> CodeUsage:
    """Perplexities of each latent's categories over the images ``x`` (1 = one category, K = all equally).

    Parameters
    ----------
    model : CategoricalVAE
    x : array_like, shape (n, 64)
    """
    log_q = log_softmax(model.encode(x))
    q = np.exp(log_q)
    mean_q = q.mean(axis=0)
    aggregate = np.exp(-(mean_q * np.log(np.maximum(mean_q, 1e-300))).sum(axis=-1))
    per_image = np.exp(-(q * log_q).sum(axis=-1).mean(axis=0))
    return CodeUsage(aggregate, per_image)


def logit_gradient_variance(
    model: CategoricalVAE, x: Any, *, estimator: Any, taus: Any, n_samples: int = 200, rng: Any = None,
    options: Any = None,
) -> np.ndarray:
    """Variance of an estimator's gradient with respect to the encoder logits, one number per τ.

    Parameters
    ----------
    model : CategoricalVAE
        The checkpoint.
    x : array_like, shape (n, 64)
        A fixed batch.
    estimator : str or EstimatorSpec
        A registered estimator a model can train with
        (:meth:`~gumbel_utils.vae.CategoricalVAE.trainable_estimators`).
    taus : float or array_like
        Temperatures.
    n_samples : int
        Independent noises per τ (>= 2): independent copies of the batch.
    rng : None, int or Generator
    options : mapping, optional
        Estimator options overriding the record's defaults (e.g. ``{"m": 4}``, ``{"eta": 0.5}``).

    Returns
    -------
    ndarray, shape (T,)
        For each τ: the trace of the covariance, over the draws, of d loss / d logits of each
        image (the loss summed over the batch, so per image), averaged over the images. The
        score function's baseline uses the other images of the same draw.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (n, 64), got {x.shape}")
    taus = np.atleast_1d(check_tau(taus))
    draws = check_count(n_samples, "n_samples", minimum=2)
    gen = as_generator(rng)
    copies = np.broadcast_to(x[:, None, :], (len(x), draws, x.shape[1]))  # the batch on axis 0, copies on axis 1
    out = np.empty(len(taus))
    for i, t in enumerate(taus):
        d = model.logit_grad(copies, estimator=estimator, tau=float(t), rng=gen, options=options)[1]  # (n, draws, L, K)
        per_image = d * (len(x) * draws)  # the gradient of each image's own loss
        out[i] = per_image.reshape(len(x), draws, -1).var(axis=1, ddof=1).sum(axis=-1).mean()
    return out


@dataclass(frozen=True)
class RelaxedDecodes:
    """The same images decoded with one noise draw per image, from relaxed codes at each τ and from the one-hot code.

    Attributes
    ----------
    taus : ndarray, shape (T,)
    relaxed : ndarray, shape (T, n, 64)
        Pixel probabilities decoded from ``softmax((logits + g)/τ)``.
    hard : ndarray, shape (n, 64)
        Pixel probabilities decoded from ``onehot(argmax(logits + g))``.
    relaxed_nll : ndarray, shape (T,)
        Mean -log p(x | relaxed code) over the n images.
    hard_nll : float
        Mean -log p(x | one-hot code).
    """

    taus: np.ndarray
    relaxed: np.ndarray
    hard: np.ndarray
    relaxed_nll: np.ndarray
    hard_nll: float


def relaxed_decodes(model: CategoricalVAE, x: Any, taus: Any, *, rng: Any = None) -> RelaxedDecodes:
    """Decode ``x`` from relaxed codes at every τ and from the one-hot code, with one noise draw per image.

    Parameters
    ----------
    model : CategoricalVAE
    x : array_like, shape (n, 64)
    taus : float or array_like
        Decoding temperatures.
    rng : None, int or Generator
        The noise (the same draws as ``model.reconstruct(x, rng=rng)``).
    """
    x = np.asarray(x, dtype=np.float64)
    taus = np.atleast_1d(check_tau(taus)).astype(np.float64)
    logits = model.encode(x)
    perturbed = logits + fill_gumbel(np.empty(logits.shape), as_generator(rng))
    hard = model.decoder_logits(one_hot(perturbed.argmax(axis=-1), model.categories))
    relaxed = np.stack([model.decoder_logits(tempered_softmax(perturbed, float(t))) for t in taus])
    nll = np.array([bernoulli_nll(x, o).mean() for o in relaxed])
    return RelaxedDecodes(taus, sigmoid(relaxed), sigmoid(hard), nll, float(bernoulli_nll(x, hard).mean()))


def decoder_code_dependence(model: CategoricalVAE, n_codes: int = 200, *, rng: Any = None) -> float:
    """How much the decoder listens to its code: the spread of its pixel probabilities over random one-hot codes.

    Decodes ``n_codes`` codes drawn from the uniform prior and returns the standard deviation of each pixel's
    probability over the codes, averaged over the 64 pixels: 0 for a decoder that ignores its code (it
    outputs one image whatever the code), up to 0.5.

    Parameters
    ----------
    model : CategoricalVAE
    n_codes : int
        Codes drawn from the prior (>= 2).
    rng : None, int or Generator
    """
    probs = model.sample_prior(check_count(n_codes, "n_codes", minimum=2), rng=rng)
    return float(probs.std(axis=0).mean())


def independent_pixels_nll(train: Any, test: Any) -> float:
    """-log p(x) per test image under independent Bernoulli pixels fitted to the training images: the code-free model.

    The best a VAE can do while ignoring its code is close to this (its decoder then outputs one
    probability per pixel); a model whose negative ELBO sits at this value has stopped using its latents.

    Parameters
    ----------
    train, test : array_like, shape (n, 64)
        Binary images; the training images' mean (clipped to [1e-3, 1 - 1e-3]) is the model.
    """
    tr, te = np.asarray(train, dtype=np.float64), np.asarray(test, dtype=np.float64)
    p = np.clip(tr.mean(axis=0), 1e-3, 1 - 1e-3)
    return float(-(te * np.log(p) + (1 - te) * np.log1p(-p)).sum(axis=1).mean())
