r"""Bias, variance and MSE of every estimator inside the categorical VAE, against its exact gradient (Notebook 6).

In a VAE small enough to enumerate (:mod:`gumbel_utils.vae_exact`: 2 latents × 8 categories = 64 codes per
image) the gradient of the discrete negative ELBO is known for every parameter, so the estimators of the
registry are measured as in Notebook 3, in a real model. For one minibatch :math:`x` of :math:`B` images,
an estimator gives :math:`\hat g = \nabla\text{(batch-mean loss)}` from one code per image (the estimate
:meth:`~gumbel_utils.vae.CategoricalVAE.loss_and_grad` trains with); with :math:`R` independent replicates:

.. math::

    \text{bias}^2 = \lVert \bar g - \nabla \rVert^2, \qquad
    \text{variance} = \tfrac{1}{R-1}\sum_r \lVert \hat g_r - \bar g \rVert^2, \qquad
    \mathrm{MSE}_n = \text{bias}^2 + \text{variance}/n,

per **parameter group** (:data:`GROUPS`): the encoder logits of the B images (what the estimator itself
returns), the encoder's weights (a linear map of those) and the decoder's weights (through the code
that the record says it decodes: every estimator that decodes the one-hot code gives the decoder the
same, unbiased gradient). The squared norms are summed over the group's parameters.

**Codes per image.** ``n`` codes per image average ``n`` independent estimates of the same minibatch
gradient, so for an estimator whose estimates are independent the MSE is bias² + variance / n (from one
run of R replicates). The leave-one-out score function (its record says ``batch_dependent``) is
different: its batch is, here, **the n codes of the same image** (the baseline of code s is the mean of
:math:`F(x, c_t)` over the image's other n − 1 codes, so n = 1 is the plain score function and the batch
matches Notebook 3's n samples at one logit vector), and its MSE at n is measured from real batches of
n codes per image (as :func:`gumbel_utils.gradient_stats.batch_mse`), never bias² + variance / n. The
baseline Notebook 5 trains with, the other images of the minibatch, is measured too
(``baseline_batch="images"``, one code per image).

:func:`vae_bias_variance` returns one :class:`~gumbel_utils.gradient_stats.BiasVariance` per group, so
:func:`~gumbel_utils.gradient_stats.mse_optimal_tau` reads the MSE-optimal τ with its resolution.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

import numpy as np

from ._kernels import fill_gumbel, one_blas_thread, one_hot_of, perturb, softmax_jvp, tempered_softmax
from ._validation import as_generator, check_choice, check_count, check_images, check_tau
from .gradient_stats import BiasVariance
from .numerics import log_softmax
from .progress import progress_callback
from .vae import CategoricalVAE, ReconstructionLoss
from .vae_exact import exact_logit_grad, exact_loss_and_grad

__all__ = ["GROUPS", "ENCODER_KEYS", "DECODER_KEYS", "exact_group_gradients", "estimator_gradients",
           "vae_bias_variance"]

#: The parameter groups whose bias, variance and MSE are measured separately.
GROUPS = ("encoder logits", "encoder weights", "decoder")
#: The parameters of the encoder and of the decoder (in this order in the flattened group vectors).
ENCODER_KEYS = ("enc_w1", "enc_b1", "enc_w2", "enc_b2")
DECODER_KEYS = ("dec_w1", "dec_b1", "dec_w2", "dec_b2")
#: Rows (codes decoded) per chunk of replicates: bounds the memory of one chunk (about 60 MB).
_ROWS_PER_CHUNK = 40_000


def _flat(grads: Mapping[str, np.ndarray], keys: Iterable[str], lead: int | None) -> np.ndarray:
    if lead is None:
        return np.concatenate([np.ravel(grads[k]) for k in keys])
    return np.concatenate([np.reshape(grads[k], (lead, -1)) for k in keys], axis=1)


def exact_group_gradients(model: CategoricalVAE, x: Any) -> dict[str, np.ndarray]:
    """The exact gradient of the batch-mean discrete negative ELBO, flattened per group of :data:`GROUPS`.

    Parameters
    ----------
    model : CategoricalVAE
        Small enough to enumerate (:data:`gumbel_utils.vae_exact.MAX_CODES`).
    x : array_like, shape (B, 64)
        The minibatch.

    Returns
    -------
    dict
        ``{group: 1-D array}``: the logits of the B images (B·L·K), the encoder's and the decoder's
        parameters (keys in the order of :data:`ENCODER_KEYS` and :data:`DECODER_KEYS`).
    """
    _, grads = exact_loss_and_grad(model, x)
    return {"encoder logits": exact_logit_grad(model, x).ravel(), "encoder weights": _flat(grads, ENCODER_KEYS, None),
            "decoder": _flat(grads, DECODER_KEYS, None)}


def _layout(baseline_batch: str, codes: int, replicates: int, batch: int) -> tuple[int, int, int]:
    """The shape (axis 0, replicates, axis 2) of one chunk: axis 0 is the estimator's batch."""
    return (codes, replicates, batch) if baseline_batch == "codes" else (batch, replicates, 1)


def estimator_gradients(model: CategoricalVAE, x: Any, *, estimator: Any, tau: float, codes: int = 1,
                        replicates: int = 100, baseline_batch: str = "codes", rng: Any = None,
                        options: Mapping[str, Any] | None = None) -> dict[str, np.ndarray]:
    r"""``replicates`` independent estimates of the minibatch gradient, each from ``codes`` codes per image.

    Each replicate is what one training step would use (the loss is the batch mean, the analytic KL's
    gradient included), averaged over ``codes`` codes per image.

    Parameters
    ----------
    model : CategoricalVAE
    x : array_like, shape (B, 64)
        The minibatch.
    estimator : str or EstimatorSpec
        A registered estimator a model can train with.
    tau : float
        Temperature.
    codes : int
        Codes drawn per image (n).
    replicates : int
        Independent replicates R.
    baseline_batch : {"codes", "images"}
        The batch of a leave-one-out baseline (axis 0 of the estimator's call): the ``codes`` codes of
        the same image (default), or the B images of the minibatch (as Notebook 5 trains; ``codes``
        must then be 1). Estimators without a baseline give the same law either way.
    rng : None, int or Generator
    options : mapping, optional
        Estimator options overriding the record's defaults (e.g. ``{"m": 4}``).

    Returns
    -------
    dict
        ``{group: ndarray of shape (R, P_group)}``, groups as in :func:`exact_group_gradients`.
    """
    spec = model.estimator_spec(estimator)
    xx = check_images(x)
    if xx.ndim != 2:
        raise ValueError(f"x must have shape (B, 64), got {xx.shape}")
    t = check_tau(tau, scalar=True)
    n = check_count(codes, "codes")
    reps = check_count(replicates, "replicates")
    check_choice(baseline_batch, ("codes", "images"), "baseline_batch")
    if baseline_batch == "images" and n != 1:
        raise ValueError(f"codes must be 1 when the baseline's batch is the images, got {codes}")
    if spec.batch_dependent and (n if baseline_batch == "codes" else len(xx)) < 2 and baseline_batch == "images":
        raise ValueError("a leave-one-out baseline over the images needs at least 2 images")
    opts = dict(options or {})
    gen = as_generator(rng)
    b, lat, k = len(xx), model.latents, model.categories
    logits = model.encode(xx)
    log_q = log_softmax(logits)
    kl_grad = softmax_jvp(np.exp(log_q), log_q) / b  # the analytic KL's exact gradient, the same in every replicate
    per_chunk = max(1, min(reps, _ROWS_PER_CHUNK // (n * b)))
    out = {g: [] for g in GROUPS}
    with one_blas_thread():
        for start in range(0, reps, per_chunk):
            r = min(per_chunk, reps - start)
            a0, _, a2 = shape = _layout(baseline_batch, n, r, b)
            if baseline_batch == "codes":
                xs = np.broadcast_to(xx, shape + (xx.shape[1],))
                rows = np.broadcast_to(logits, shape + (lat, k))
            else:
                xs = np.broadcast_to(xx[:, None, None, :], shape + (xx.shape[1],))
                rows = np.broadcast_to(logits[:, None, None], shape + (lat, k))
            g = fill_gumbel(np.empty(shape + (lat, k)), gen)
            f = ReconstructionLoss(model, xs)
            d = np.asarray(spec(rows, f, tau=t, rng=gen, noise=g, **opts))
            s = perturb(rows, None, g)
            if spec.decodes == "relaxed":
                s -= s.max(axis=-1, keepdims=True)
                code = tempered_softmax(s, t, shifted=True)
            else:
                code = one_hot_of(s.argmax(axis=-1), k)
            if baseline_batch == "codes":
                d_logits = d.mean(axis=0) / b  # (r, B, L, K)
            else:
                d_logits = np.moveaxis(d[:, :, 0], 1, 0) / b
            d_logits += kl_grad
            enc = model.encoder_param_grads(xx, d_logits)
            dec = f.param_grads(code, 1.0 / (a0 * a2 if baseline_batch == "codes" else b), axis=1)
            out["encoder logits"].append(d_logits.reshape(r, -1))
            out["encoder weights"].append(_flat(enc, ENCODER_KEYS, r))
            out["decoder"].append(_flat(dec, DECODER_KEYS, r))
    return {grp: np.concatenate(parts) for grp, parts in out.items()}


def _moments(g: np.ndarray, exact: np.ndarray) -> tuple[np.ndarray, ...]:
    """mean, bias, bias_se, bias2, bias2_se, variance, variance_se of replicates g (R, P) against exact (P,)."""
    r = g.shape[0]
    mean = g.mean(axis=0)
    d = g - mean
    q = np.einsum("rp,rp->r", d, d)
    variance = q.sum() / (r - 1)
    variance_se = q.std(ddof=1) / np.sqrt(r)
    bias = mean - exact
    bias_se = np.sqrt((d * d).sum(axis=0) / (r - 1) / r)
    bias2 = float(bias @ bias)
    proj = d @ bias
    bias2_se = 2.0 * np.sqrt(max(float(proj @ proj) / (r - 1), 0.0) / r)
    return mean, bias, bias_se, bias2, bias2_se, float(variance), float(variance_se)


def _squared_errors(g: np.ndarray, exact: np.ndarray) -> tuple[float, float]:
    """Mean squared error of replicates g (R, P) and its standard error."""
    e = g - exact
    s = np.einsum("rp,rp->r", e, e)
    return float(s.mean()), float(s.std(ddof=1) / np.sqrt(len(s)))


def vae_bias_variance(model: CategoricalVAE, x: Any, estimator: Any, taus: Any, *, replicates: int = 1000,
                      codes: Iterable[int] = (1, 4, 16, 64), batch_replicates: int = 200,
                      baseline_batch: str = "codes", rng: Any = None, options: Mapping[str, Any] | None = None,
                      exact: Mapping[str, np.ndarray] | None = None, progress: Any = None) -> dict[str, BiasVariance]:
    r"""Bias², variance and MSE of one estimator against τ, per parameter group, against the exact gradient.

    Parameters
    ----------
    model : CategoricalVAE
        Small enough to enumerate (:mod:`gumbel_utils.vae_exact`).
    x : array_like, shape (B, 64)
        The minibatch whose gradient is estimated.
    estimator : str or EstimatorSpec
        A registered estimator a model can train with.
    taus : float or array_like
        Temperatures (T,); an estimator whose law does not depend on τ is measured once and its numbers
        repeated at every τ.
    replicates : int
        Replicates R of the one-code-per-image estimate (bias, variance).
    codes : iterable of int
        Codes per image n at which :meth:`~gumbel_utils.gradient_stats.BiasVariance.mse_at` must work. For an
        estimator whose estimates depend on the batch (its record says ``batch_dependent``) each is measured
        from ``batch_replicates`` real batches of n codes per image; for the others bias² + variance / n.
    batch_replicates : int
        Replicates of each real batch (relative s.e. of its MSE about :math:`\sqrt{2/R}`).
    baseline_batch : {"codes", "images"}
        The batch of a leave-one-out baseline (see :func:`estimator_gradients`); with ``"images"`` only
        n = 1 is measured.
    rng : None, int or Generator
    options : mapping, optional
        Estimator options overriding the record's defaults.
    exact : mapping, optional
        :func:`exact_group_gradients` of ``model`` and ``x``, if already computed.
    progress : None, True or ProgressBar
        One step per temperature.

    Returns
    -------
    dict
        ``{group: BiasVariance}`` for each group of :data:`GROUPS`, with a leading temperature axis of
        length T in its arrays; ``n_samples`` is R; ``mse`` is the MSE at one code per image.

    Examples
    --------
    >>> from gumbel_utils.digits import load_digits_binary
    >>> m = CategoricalVAE(2, 3, 8, rng=0)
    >>> x = load_digits_binary()[0][:10]
    >>> r = vae_bias_variance(m, x, "straight_through", [0.5, 1.0], replicates=50, codes=[1, 4], rng=0)
    >>> sorted(r), r["decoder"].variance.shape
    (['decoder', 'encoder logits', 'encoder weights'], (2,))
    """
    spec = model.estimator_spec(estimator)
    xx = check_images(x)
    t = np.atleast_1d(np.asarray(check_tau(taus), dtype=np.float64)).reshape(-1)
    reps = check_count(replicates, "replicates", minimum=2)
    brep = check_count(batch_replicates, "batch_replicates", minimum=2)
    sizes = sorted({check_count(c, "codes") for c in codes} | {1})
    if baseline_batch == "images" and sizes != [1]:
        raise ValueError(f"with the images as the baseline's batch only one code per image is measured, got codes={sizes}")
    ex = dict(exact) if exact is not None else exact_group_gradients(model, xx)
    gen = as_generator(rng)
    measured = t if spec.tau_dependent else t[:1]
    report = progress_callback(progress, measured.size, f"{spec.label}: bias and variance")
    fields = {grp: {k: [] for k in ("mean", "bias", "bias_se", "bias2", "bias2_se", "variance", "variance_se")}
              for grp in GROUPS}
    batch = {grp: {n: ([], []) for n in sizes} for grp in GROUPS}
    for i, tau in enumerate(measured):
        g = estimator_gradients(model, xx, estimator=spec, tau=float(tau), codes=1, replicates=reps,
                                baseline_batch=baseline_batch, rng=gen, options=options)
        for grp in GROUPS:
            for key, value in zip(fields[grp], _moments(g[grp], ex[grp])):
                fields[grp][key].append(value)
            if spec.batch_dependent:  # one code per image: no baseline, so the plain MSE of the single estimates
                f = fields[grp]
                batch[grp][1][0].append(f["bias2"][-1] + f["variance"][-1])
                batch[grp][1][1].append(math.hypot(f["bias2_se"][-1], f["variance_se"][-1]))
        del g
        if spec.batch_dependent:
            for n in sizes[1:]:
                gb = estimator_gradients(model, xx, estimator=spec, tau=float(tau), codes=n, replicates=brep,
                                         baseline_batch=baseline_batch, rng=gen, options=options)
                for grp in GROUPS:
                    m_n, s_n = _squared_errors(gb[grp], ex[grp])
                    batch[grp][n][0].append(m_n)
                    batch[grp][n][1].append(s_n)
        if report is not None:
            report(i + 1, measured.size)
    out = {}
    for grp in GROUPS:
        fld = {k: np.asarray(v) for k, v in fields[grp].items()}
        if measured.size != t.size:
            fld = {k: np.broadcast_to(v, (t.size,) + v.shape[1:]).copy() for k, v in fld.items()}
        measured_batches = {}
        if spec.batch_dependent:
            for n, (m_n, s_n) in batch[grp].items():
                m_arr, s_arr = np.asarray(m_n), np.asarray(s_n)
                measured_batches[n] = (np.broadcast_to(m_arr, t.shape).copy(), np.broadcast_to(s_arr, t.shape).copy())
            mse, mse_se = measured_batches[1]
        else:
            mse = fld["bias2"] + fld["variance"]
            mse_se = np.sqrt(fld["bias2_se"] ** 2 + fld["variance_se"] ** 2)
        out[grp] = BiasVariance(t, ex[grp], fld["mean"], fld["bias"], fld["bias_se"], fld["bias2"], fld["bias2_se"],
                                fld["variance"] / reps, fld["variance"], fld["variance_se"], mse, mse_se, 1, reps,
                                bool(spec.batch_dependent), measured_batches)
    return out
