"""``gumbel_utils.vae_exact``: the discrete -ELBO and its gradient by enumeration, against finite differences and Monte Carlo."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from _vae_fixtures import _batch, data  # noqa: F401  (fixture)
from gumbel_utils.numerics import softmax
from gumbel_utils.vae import CategoricalVAE, analytic_kl, bernoulli_nll
from gumbel_utils.vae_exact import (MAX_CODES, enumerate_codes, exact_logit_grad, exact_loss_and_grad,
                                    exact_negative_elbo, train_exact)


def test_enumerate_codes_lists_every_code_once():
    codes = enumerate_codes(3, 4)
    assert codes.shape == (64, 3, 4)
    assert np.all(codes.sum(axis=-1) == 1)
    assert len({tuple(c.argmax(-1)) for c in codes}) == 64
    with pytest.raises(ValueError, match="MAX_CODES"):
        enumerate_codes(13, 2)  # 8192 > MAX_CODES
    assert 2**12 <= MAX_CODES


def test_exact_negative_elbo_is_the_sum_over_codes(data):
    """Against a loop over the 9 codes of a 2 x 3 model, and against Monte Carlo within 5 s.e."""
    m = CategoricalVAE(2, 3, 8, rng=7)
    x = _batch(data, 4)
    q = softmax(m.encode(x))
    loop = np.zeros(len(x))
    for i, j in itertools.product(range(3), range(3)):
        code = np.zeros((len(x), 2, 3))
        code[:, 0, i] = code[:, 1, j] = 1.0
        loop += q[:, 0, i] * q[:, 1, j] * bernoulli_nll(x, m.decoder_logits(code))
    loop += analytic_kl(m.encode(x))
    np.testing.assert_allclose(exact_negative_elbo(m, x), loop, rtol=1e-12)
    mc = np.array([m.negative_elbo(x, n_samples=1, rng=s) for s in range(1000)])
    assert abs(mc.mean() - loop.mean()) < 5 * mc.std(ddof=1) / math.sqrt(mc.size)


@pytest.mark.parametrize("kl_weight", [1.0, 0.0])
def test_exact_gradient_against_central_finite_differences(data, kl_weight):
    """Every parameter array of a 2 x 4 model, 12 entries each, to a relative 1e-6."""
    m = CategoricalVAE(2, 4, 6, rng=3)
    x = _batch(data, 5)
    loss, grads = exact_loss_and_grad(m, x, kl_weight=kl_weight)
    assert set(grads) == set(m.params)
    assert loss == pytest.approx(float(exact_negative_elbo(m, x).mean()) if kl_weight else loss)
    rng = np.random.default_rng(0)
    for key, w in m.params.items():
        assert grads[key].shape == w.shape
        for flat in rng.choice(w.size, size=min(12, w.size), replace=False):
            idx = np.unravel_index(flat, w.shape)
            h = 1e-6
            w[idx] += h
            up = exact_loss_and_grad(m, x, kl_weight=kl_weight)[0]
            w[idx] -= 2 * h
            down = exact_loss_and_grad(m, x, kl_weight=kl_weight)[0]
            w[idx] += h
            fd = (up - down) / (2 * h)
            assert abs(fd - grads[key][idx]) <= 1e-6 * max(1.0, abs(fd)), (key, idx, fd, grads[key][idx])


def test_a_wrong_sign_would_be_caught(data):
    """The finite-difference check can fail: the score identity with the sign of q flipped is far off."""
    m = CategoricalVAE(2, 4, 6, rng=3)
    x = _batch(data, 5)
    d = exact_logit_grad(m, x)
    _, grads = exact_loss_and_grad(m, x)
    np.testing.assert_allclose(grads["enc_b2"], d.reshape(len(x), -1).sum(axis=0), rtol=1e-12)
    wrong = m.encoder_param_grads(x, -d)["enc_b2"]
    assert np.abs(wrong - grads["enc_b2"]).max() > 1e-3


def test_exact_logit_grad_is_what_the_estimators_estimate(data):
    """The mean of many score-function logit gradients equals the exact one within 5 s.e."""
    m = CategoricalVAE(2, 3, 8, rng=5)
    x = _batch(data, 3)
    draws = 4000
    copies = np.broadcast_to(x[:, None, :], (3, draws, 64))
    est = m.logit_grad(copies, estimator="score_function", tau=1.0, rng=1)[1] * draws   # (3, draws, L, K)
    mean, se = est.mean(axis=1), est.std(axis=1, ddof=1) / math.sqrt(draws)
    z = np.abs(mean - exact_logit_grad(m, x)) / np.maximum(se, 1e-12)
    assert z.max() < 5, z.max()


def test_train_exact_lowers_the_exact_test_elbo(data):
    train_x, test_x = data
    m = CategoricalVAE(2, 4, 16, rng=0)
    before = float(exact_negative_elbo(m, test_x).mean())
    h = train_exact(m, train_x[:300], test_x, epochs=3, batch_size=50, rng=0)
    assert h.estimator == "exact" and h.test_nelbo.shape == (3,)
    assert h.test_nelbo[-1] < before - 1.0
    assert h.test_nelbo[-1] == pytest.approx(float(exact_negative_elbo(m, test_x).mean()))


def test_bad_input(data):
    m = CategoricalVAE(2, 3, 4, rng=0)
    with pytest.raises(TypeError, match="CategoricalVAE"):
        exact_negative_elbo("model", _batch(data))
    with pytest.raises(ValueError, match="shape"):
        exact_loss_and_grad(m, np.zeros((2, 3, 64)))
    with pytest.raises(ValueError, match="MAX_CODES"):
        exact_negative_elbo(CategoricalVAE(13, 2, 4, rng=0), _batch(data))
