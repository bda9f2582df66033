"""Measurements on a trained categorical VAE (Notebook 5): relaxed KL, code usage, gradient variance, relaxed decodes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from gumbel_utils import binary_concrete_log_prob, log_softmax, softmax
from gumbel_utils._kernels import fill_gumbel
from gumbel_utils.vae import CategoricalVAE, analytic_kl
from gumbel_utils.vae_stats import code_usage, logit_gradient_variance, relaxed_decodes, relaxed_kl

from _vae_fixtures import _batch, _small, data  # noqa: F401  (data is a pytest fixture)


def _hard(perturbed):
    return (perturbed == perturbed.max(axis=-1, keepdims=True)).astype(float)


def _nll(x, probs):
    return -(x * np.log(probs) + (1 - x) * np.log1p(-probs)).sum(axis=1)


@pytest.mark.slow
@pytest.mark.parametrize("prior_tau", [None, 1.5])
def test_relaxed_kl_against_quadrature(prior_tau):
    """K = 2: the relaxed KL between two binary Concrete laws is a 1-D integral."""
    a, tau = 1.3, 0.6
    tp = tau if prior_tau is None else prior_tau
    q = lambda u: math.exp(binary_concrete_log_prob(u, a, tau))
    integrand = lambda u: q(u) * (binary_concrete_log_prob(u, a, tau) - binary_concrete_log_prob(u, 0.0, tp))
    kl_exact = integrate.quad(integrand, 0, 1, limit=200, points=[1e-6, 0.5, 1 - 1e-6])[0]
    mean, se = relaxed_kl(np.array([[[a, 0.0]]]), tau, prior_tau=prior_tau, n_samples=40_000, rng=0)
    assert abs(mean - kl_exact) < 5 * se and se < 0.02


def test_relaxed_kl_properties():
    logits = np.random.default_rng(1).normal(size=(6, 3, 5)) * 2
    # the same temperature for posterior and prior: y = softmax(z / tau) is one bijection for both laws,
    # so the KL does not depend on tau (the same noise gives the same estimate to rounding)
    a = relaxed_kl(logits, 0.2, n_samples=200, rng=0)
    b = relaxed_kl(logits, 3.0, n_samples=200, rng=0)
    assert a[0] == pytest.approx(b[0], rel=1e-9)
    # data processing: the argmax is a function of the relaxed sample, so the relaxed KL >= the categorical KL
    assert a[0] - 5 * a[1] > analytic_kl(logits).mean()
    # a prior at a fixed temperature: the KL grows as the posterior's tau falls
    fixed = [relaxed_kl(logits, t, prior_tau=1.0, n_samples=200, rng=0)[0] for t in (0.1, 0.3, 1.0)]
    assert fixed[0] > fixed[1] > fixed[2]
    assert relaxed_kl(np.zeros((3, 2, 4)), 0.5, n_samples=50, rng=0) == (0.0, 0.0)
    with pytest.raises(ValueError, match="logits"):
        relaxed_kl(np.zeros((3, 4)), 0.5)
    with pytest.raises(ValueError, match="prior_tau"):
        relaxed_kl(logits, 0.5, prior_tau=0.0)
    with pytest.raises(ValueError, match="open simplex"):
        relaxed_kl(logits * 50, 1e-3, n_samples=20, rng=0)    # y underflows to exact zeros


def test_relaxed_decodes(data):
    m = _small()
    x = _batch(data)
    d = relaxed_decodes(m, x, [0.5, 2.0], rng=3)
    assert d.relaxed.shape == (2, 5, 64) and d.hard.shape == (5, 64)
    assert np.allclose(d.relaxed[0], m.reconstruct(x, tau=0.5, rng=3))
    assert np.allclose(d.relaxed[1], m.reconstruct(x, tau=2.0, rng=3))
    assert np.allclose(d.hard, m.reconstruct(x, rng=3))
    assert np.allclose(d.relaxed_nll, [_nll(x, p).mean() for p in d.relaxed])
    assert d.hard_nll == pytest.approx(_nll(x, d.hard).mean())


def test_code_usage():
    m = CategoricalVAE(4, 6, 8, rng=0)
    x = np.random.default_rng(0).integers(0, 2, size=(20, 64)).astype(float)
    m.params["enc_w2"][:] = 0.0                                 # every posterior uniform
    u = code_usage(m, x)
    assert np.allclose(u.aggregate, 6) and np.allclose(u.per_image, 6)
    m.params["enc_b2"][:] = np.tile([50.0, 0, 0, 0, 0, 0], 4)   # every image picks category 0
    u = code_usage(m, x)
    assert np.allclose(u.aggregate, 1) and np.allclose(u.per_image, 1)


def test_logit_gradient_variance_against_a_loop(data):
    """One image: the enc_b2 gradient of loss_and_grad is the logit gradient; same noise stream, same variance."""
    m = _small(seed=8)
    x = _batch(data, 1)
    draws = 50
    for name in ("gumbel_softmax_grad", "straight_through"):
        got = logit_gradient_variance(m, x, estimator=name, taus=[0.5, 2.0], n_samples=draws, rng=3)
        gen = np.random.default_rng(3)
        want = []
        for tau in (0.5, 2.0):
            g = fill_gumbel(np.empty((draws, m.latents, m.categories)), gen)
            grads = np.array([m.loss_and_grad(x, estimator=name, tau=tau, noise=g[i:i + 1])[1]["enc_b2"]
                              for i in range(draws)])
            want.append(grads.var(axis=0, ddof=1).sum())
        assert np.allclose(got, want, rtol=1e-10), name
        assert got[0] > got[1]


def test_logit_gradient_variance_of_the_score_function(data):
    """Two images: d loss/d logits of image i = (f_i - f_j)(D_i - q_i) + dKL_i/d logits, from the definition."""
    m = _small(seed=8)
    x = _batch(data, 2)
    draws = 400
    v = logit_gradient_variance(m, x, estimator="score_function_baseline", taus=[1.0], n_samples=draws, rng=4)
    g = fill_gumbel(np.empty((2, draws, m.latents, m.categories)), np.random.default_rng(4))  # images, then draws
    logits = m.encode(x)
    q, log_q = softmax(logits), log_softmax(logits)
    kl_grad = q * (log_q - (q * log_q).sum(-1, keepdims=True))
    est = []
    for i in range(draws):
        d = _hard(logits + g[:, i])
        f = _nll(x, m.decode(d))
        est.append(((f - f[::-1])[:, None, None] * (d - q) + kl_grad).reshape(2, -1))
    assert v[0] == pytest.approx(np.array(est).var(axis=0, ddof=1).sum(axis=-1).mean(), rel=1e-10)
