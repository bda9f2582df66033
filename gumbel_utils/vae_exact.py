r"""The categorical VAE's discrete objective and its gradient, exactly, by enumerating every code (Notebook 6).

With :math:`L` latents of :math:`K` categories there are :math:`C = K^L` one-hot codes :math:`c`; for a small
configuration (2 latents × 8 categories: 64 codes per image) the expectation over :math:`q(c \mid x) =
\prod_l q_{l c_l}` is a finite sum, so the **discrete negative ELBO**

.. math::

    \mathcal{L}(x) = \sum_{c} q(c \mid x)\, F(x, c) + \mathrm{KL}(q(\cdot \mid x) \,\|\, \text{uniform}),
    \qquad F(x, c) = -\log p(x \mid c),

and its gradient with respect to *every* parameter are known exactly (no estimator, no noise):

- **decoder** (through the expectation): :math:`\nabla_\psi \mathcal{L} = \sum_c q(c \mid x)\, \nabla_\psi F(x, c)`;
- **encoder** (through :math:`q`'s probabilities, the score identity summed exactly): with logits
  :math:`\ell_{lk}` and :math:`q_{lk} = \operatorname{softmax}(\ell_l)_k`,

  .. math::

      \frac{\partial}{\partial \ell_{lk}} \sum_c q(c)\, F(c)
      = \sum_c q(c)\, F(c)\, \big([c_l = k] - q_{lk}\big),

  plus the analytic KL's gradient, then backpropagated through the encoder
  (:meth:`~gumbel_utils.vae.CategoricalVAE.encoder_param_grads`).

The decoder's hidden layer of a one-hot code does not depend on the image, so all :math:`C` codes are
decoded once per call and :math:`F` for a batch of :math:`n` images is one :math:`(n, C)` matrix:
:math:`F_{ic} = \sum_d \mathrm{softplus}(o_{cd}) - x_i^\top o_c`. :func:`exact_loss_and_grad` is tested
against central finite differences; :func:`train_exact` trains with it (the reference every estimator is
compared with in :mod:`gumbel_utils.vae_gradient_stats`).

References
----------
.. [1] D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes", ICLR 2014 (the ELBO).
.. [2] E. Jang, S. Gu and B. Poole, "Categorical Reparameterization with Gumbel-Softmax", ICLR 2017
   (the categorical VAE with the analytic KL to a uniform prior).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from ._kernels import one_blas_thread, one_hot_of, sigmoid, softmax_jvp
from ._validation import as_generator, check_count, check_images
from .adam import Adam
from .numerics import log_softmax
from .progress import progress_callback
from .vae import CategoricalVAE, analytic_kl
from .vae_training import History

__all__ = ["MAX_CODES", "enumerate_codes", "exact_negative_elbo", "exact_loss_and_grad", "exact_logit_grad",
           "train_exact"]

#: The largest number of codes K**L enumerated (2 latents x 8 categories = 64; 4096 is already slow).
MAX_CODES = 4096


def enumerate_codes(latents: int, categories: int) -> np.ndarray:
    """Every one-hot code of ``latents`` latents with ``categories`` categories: shape (K**L, L, K).

    Codes are in lexicographic order of their category indices (the last latent changes fastest).

    Parameters
    ----------
    latents, categories : int
        L >= 1 and K >= 2, with K**L <= :data:`MAX_CODES`.

    Returns
    -------
    ndarray, shape (K**L, L, K)

    Examples
    --------
    >>> enumerate_codes(2, 3).shape
    (9, 2, 3)
    >>> enumerate_codes(2, 3)[5].argmax(-1)
    array([1, 2])
    """
    n_lat = check_count(latents, "latents")
    k = check_count(categories, "categories", minimum=2)
    if k**n_lat > MAX_CODES:
        raise ValueError(f"{k}**{n_lat} = {k**n_lat} codes is more than MAX_CODES = {MAX_CODES}: "
                         "choose fewer latents or categories")
    index = np.indices((k,) * n_lat).reshape(n_lat, -1).T  # (C, L)
    return one_hot_of(index, k)


def _model(model: Any) -> CategoricalVAE:
    if not isinstance(model, CategoricalVAE):
        raise TypeError(f"model must be a CategoricalVAE, got {type(model).__name__}")
    return model


def _terms(model: CategoricalVAE, x: np.ndarray) -> dict[str, np.ndarray]:
    """Everything the exact objective and its gradient need, for images x (n, 64)."""
    codes = enumerate_codes(model.latents, model.categories)  # (C, L, K)
    flat = codes.reshape(len(codes), -1)
    a2, h2, out = model.decode_activations(flat)  # (C, H), (C, H), (C, 64): the same for every image
    softplus = np.logaddexp(0.0, out).sum(axis=1)  # (C,)
    nll = softplus[None, :] - x @ out.T  # F_ic = -log p(x_i | c), (n, C)
    logits = model.encode(x)
    log_q = log_softmax(logits)  # (n, L, K)
    index = codes.argmax(axis=-1)  # (C, L)
    log_w = log_q[:, np.arange(model.latents)[None, :], index].sum(axis=-1)  # log q(c | x_i), (n, C)
    w = np.exp(log_w)
    return {"codes": codes, "flat": flat, "a2": a2, "h2": h2, "out": out, "nll": nll, "logits": logits,
            "log_q": log_q, "w": w}


def exact_negative_elbo(model: Any, x: Any) -> np.ndarray:
    r"""The discrete negative ELBO of each image, exactly: :math:`\sum_c q(c \mid x) F(x, c) + \mathrm{KL}`.

    Parameters
    ----------
    model : CategoricalVAE
        With ``categories ** latents`` <= :data:`MAX_CODES`.
    x : array_like, shape (n, 64)
        Images.

    Returns
    -------
    ndarray, shape (n,)
        Nats per image; :meth:`~gumbel_utils.vae.CategoricalVAE.negative_elbo` is its Monte Carlo estimate.

    Examples
    --------
    >>> from gumbel_utils.digits import load_digits_binary
    >>> m = CategoricalVAE(2, 4, 16, rng=0)
    >>> x = load_digits_binary()[1][:3]
    >>> exact_negative_elbo(m, x).shape
    (3,)
    """
    m = _model(model)
    xx = check_images(x)
    if xx.ndim != 2:
        raise ValueError(f"x must have shape (n, 64), got {xx.shape}")
    with one_blas_thread():
        t = _terms(m, xx)
        return (t["w"] * t["nll"]).sum(axis=1) + analytic_kl(t["logits"])


def _logit_grad(model: CategoricalVAE, t: dict[str, np.ndarray], kl_weight: float) -> np.ndarray:
    """d (batch mean of E_q F + kl_weight KL) / d logits, (n, L, K)."""
    n = t["w"].shape[0]
    wf = t["w"] * t["nll"]  # (n, C)
    expected = wf.sum(axis=1)  # E_q F per image
    q = np.exp(t["log_q"])
    grad = np.einsum("ic,clk->ilk", wf, t["codes"]) - q * expected[:, None, None]
    if kl_weight:
        grad += kl_weight * softmax_jvp(q, t["log_q"])
    return grad / n


def exact_logit_grad(model: Any, x: Any, *, kl_weight: float = 1.0) -> np.ndarray:
    r"""The exact gradient of the batch-mean discrete negative ELBO with respect to the encoder logits.

    .. math::

        \frac{1}{n}\Big[\sum_c q(c \mid x_i)\,F(x_i, c)\,([c_l = k] - q_{ilk})
        + \mathrm{kl\_weight}\; q_{il} \odot (\log q_{il} - \langle q_{il}, \log q_{il}\rangle)_k\Big]

    what every estimator of the registry estimates (with ``kl_weight`` as in
    :meth:`~gumbel_utils.vae.CategoricalVAE.logit_grad`).

    Parameters
    ----------
    model : CategoricalVAE
    x : array_like, shape (n, 64)
    kl_weight : float
        Weight of the KL term.

    Returns
    -------
    ndarray, shape (n, L, K)
    """
    m = _model(model)
    xx = check_images(x)
    with one_blas_thread():
        return _logit_grad(m, _terms(m, xx), float(kl_weight))


def exact_loss_and_grad(model: Any, x: Any, *, kl_weight: float = 1.0) -> tuple[float, dict[str, np.ndarray]]:
    r"""The batch-mean discrete negative ELBO and its exact gradient with respect to every parameter.

    Decoder: :math:`\frac1n\sum_i\sum_c q(c \mid x_i)\,\nabla_\psi F(x_i, c)` (backpropagation of
    :math:`\partial F/\partial o_c = \sigma(o_c) - x_i`, weighted by :math:`q`); encoder: the exact logit
    gradient (:func:`exact_logit_grad`) backpropagated through the encoder. The same keys and shapes as
    :meth:`~gumbel_utils.vae.CategoricalVAE.loss_and_grad`, whose estimates it is the expectation of.

    Parameters
    ----------
    model : CategoricalVAE
        With ``categories ** latents`` <= :data:`MAX_CODES`.
    x : array_like, shape (n, 64)
    kl_weight : float
        Weight of the KL term.

    Returns
    -------
    loss, grads : float, dict of ndarray
    """
    m = _model(model)
    xx = check_images(x)
    if xx.ndim != 2:
        raise ValueError(f"x must have shape (n, 64), got {xx.shape}")
    kw = float(kl_weight)
    with one_blas_thread():
        t = _terms(m, xx)
        n = len(xx)
        loss = float(((t["w"] * t["nll"]).sum(axis=1) + kw * analytic_kl(t["logits"])).mean())
        weight = t["w"].sum(axis=0) / n  # (C,): the mean over images of q(c | x_i)
        # d F_ic / d o_c = sigmoid(o_c) - x_i, weighted by q(c | x_i) / n and summed over the images
        d_out = weight[:, None] * sigmoid(t["out"]) - (t["w"].T @ xx) / n  # (C, 64)
        p = m.params
        d_a2 = (d_out @ p["dec_w2"].T) * (t["a2"] > 0)
        grads = {"dec_w2": t["h2"].T @ d_out, "dec_b2": d_out.sum(axis=0),
                 "dec_w1": t["flat"].T @ d_a2, "dec_b1": d_a2.sum(axis=0)}
        grads.update(m.encoder_param_grads(xx, _logit_grad(m, t, kw)))
    return loss, {key: grads[key] for key in p}


def train_exact(model: Any, train_images: Any, test_images: Any, *, epochs: int = 60, batch_size: int = 100,
                lr: float = 1e-3, rng: Any = None, progress: Any = None) -> History:
    """Train ``model`` in place with Adam on the exact gradient of the discrete negative ELBO.

    The same loop as :func:`~gumbel_utils.vae_training.train_vae` (full batches reshuffled each epoch,
    Adam), with :func:`exact_loss_and_grad` in place of an estimator: the reference for what an
    estimator loses by estimating.

    Parameters
    ----------
    model : CategoricalVAE
        With ``categories ** latents`` <= :data:`MAX_CODES`; trained in place.
    train_images, test_images : array_like, shape (n, 64)
    epochs, batch_size, lr : int, int, float
        As in :func:`~gumbel_utils.vae_training.train_vae`.
    rng : None, int or Generator
        The data order.
    progress : None, True or ProgressBar
        Show progress, one step per epoch.

    Returns
    -------
    History
        ``estimator`` is ``"exact"``; ``test_nelbo`` the exact test discrete -ELBO after each epoch
        (:func:`exact_negative_elbo`, no Monte Carlo); ``train_loss`` the mean exact minibatch loss.
    """
    m = _model(model)
    train_x, test_x = check_images(train_images, "train_images"), check_images(test_images, "test_images")
    epochs, batch_size = check_count(epochs, "epochs"), check_count(batch_size, "batch_size")
    gen = as_generator(rng)
    opt = Adam(m.params, lr=lr)
    steps = len(train_x) // batch_size
    train_loss, test_nelbo = np.empty(epochs), np.empty(epochs)
    report = progress_callback(progress, epochs, "exact gradient")
    start, cpu = time.perf_counter(), time.process_time()
    for epoch in range(epochs):
        order = gen.permutation(len(train_x))
        total = 0.0
        for b in range(steps):
            loss, grads = exact_loss_and_grad(m, train_x[order[b * batch_size:(b + 1) * batch_size]])
            opt.step(grads)
            total += loss
        train_loss[epoch] = total / steps
        test_nelbo[epoch] = float(exact_negative_elbo(m, test_x).mean())
        if report is not None:
            report(epoch + 1, epochs)
    return History("exact", np.arange(1, epochs + 1), train_loss, test_nelbo, np.full(epochs, math.nan),
                   None, time.perf_counter() - start, m, {}, time.process_time() - cpu)
