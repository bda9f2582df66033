"""The categorical VAE of Notebook 5: data, hand-written gradients against their definitions, evaluation, training."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from gumbel_utils import log_softmax, softmax
from gumbel_utils.vae import CategoricalVAE, analytic_kl, bernoulli_nll

from _vae_fixtures import _batch, _small, data  # noqa: F401  (data is a pytest fixture)


def _noise(model, n, seed=2):
    return np.random.default_rng(seed).gumbel(size=(n, model.latents, model.categories))


def _central_differences(model, fun, h=1e-6):
    """Central finite differences of ``fun()`` with respect to every entry of every parameter."""
    fd = {}
    for key, p in model.params.items():
        d = np.empty_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up = fun()
            p[idx] = old - h
            down = fun()
            p[idx] = old
            d[idx] = (up - down) / (2 * h)
        fd[key] = d
    return fd


def _assert_grads_close(grads, fd, rtol=1e-6):
    for key in fd:
        scale = max(np.abs(fd[key]).max(), 1e-3)
        err = np.abs(grads[key] - fd[key]).max() / scale
        assert err < rtol, f"{key}: relative error {err:.2e} against finite differences"


# ------------------------------------------------------------------------- data


# ------------------------------------------------------------------------- gradients


def test_model_shapes():
    m = CategoricalVAE(10, 10, 128, rng=0)
    shapes = {k: v.shape for k, v in m.params.items()}
    assert shapes == {"enc_w1": (64, 128), "enc_b1": (128,), "enc_w2": (128, 100), "enc_b2": (100,),
                      "dec_w1": (100, 128), "dec_b1": (128,), "dec_w2": (128, 64), "dec_b2": (64,)}
    assert m.n_parameters == 42_404
    assert np.array_equal(CategoricalVAE(10, 10, 128, rng=0).params["enc_w1"], m.params["enc_w1"])


@pytest.mark.slow
@pytest.mark.parametrize("tau,kl_weight", [(0.5, 1.0), (2.0, 1.0), (1.0, 0.0)])
def test_relaxed_gradient_is_exact_for_every_parameter(data, tau, kl_weight):
    m = _small()
    x = _batch(data)
    g = _noise(m, len(x))

    def loss():
        return m.loss_and_grad(x, estimator="gumbel_softmax_grad", tau=tau, noise=g, kl_weight=kl_weight)[0]

    value, grads = m.loss_and_grad(x, estimator="gumbel_softmax_grad", tau=tau, noise=g, kl_weight=kl_weight)
    assert set(grads) == set(m.params) and all(grads[k].shape == m.params[k].shape for k in grads)
    _assert_grads_close(grads, _central_differences(m, loss))
    # the value is the relaxed loss, computed here from its definition
    y = softmax(m.encode(x) + g, tau)
    probs = m.decode(y)
    recon = -(x * np.log(probs) + (1 - x) * np.log1p(-probs)).sum(axis=1)
    assert value == pytest.approx(float((recon + kl_weight * analytic_kl(m.encode(x))).mean()), rel=1e-10)


def _hard(perturbed):
    return (perturbed == perturbed.max(axis=-1, keepdims=True)).astype(float)


def _nll(x, probs):
    return -(x * np.log(probs) + (1 - x) * np.log1p(-probs)).sum(axis=1)


def test_straight_through_is_the_hard_forward_relaxed_backward(data):
    """PyTorch's hard=True: the decoder sees D + y - stop(y); its gradient is the straight-through one."""
    m = _small(seed=3)
    x = _batch(data)
    g = _noise(m, len(x), seed=4)
    tau = 0.7
    y0 = softmax(m.encode(x) + g, tau)
    d0 = _hard(m.encode(x) + g)

    def surrogate():
        logits = m.encode(x)
        code = d0 + softmax(logits + g, tau) - y0   # equals D in value, has y's derivative
        return float((_nll(x, m.decode(code)) + analytic_kl(logits)).mean())

    value, grads = m.loss_and_grad(x, estimator="straight_through", tau=tau, noise=g)
    assert value == pytest.approx(surrogate(), rel=1e-10)   # the loss is the discrete (one-hot) one
    _assert_grads_close(grads, _central_differences(m, surrogate))


def test_score_function_matches_its_definition(data):
    """grad = d/dθ mean[(f - b) log q(D) + f(D) + KL] with f - b held fixed and D not differentiated."""
    m = _small(seed=5)
    x = _batch(data, 6)
    g = _noise(m, len(x), seed=6)
    d0 = _hard(m.encode(x) + g)
    f0 = _nll(x, m.decode(d0))
    b0 = (f0.sum() - f0) / (len(x) - 1)                      # leave-one-out baseline

    def surrogate():
        logits = m.encode(x)
        log_q_d = (log_softmax(logits) * d0).sum(axis=(1, 2))
        return float(((f0 - b0) * log_q_d + _nll(x, m.decode(d0)) + analytic_kl(logits)).mean())

    value, grads = m.loss_and_grad(x, estimator="score_function_baseline", tau=3.0, noise=g)
    assert value == pytest.approx(float((f0 + analytic_kl(m.encode(x))).mean()), rel=1e-10)
    _assert_grads_close(grads, _central_differences(m, surrogate))
    # tau plays no role in the score function
    _, grads2 = m.loss_and_grad(x, estimator="score_function_baseline", tau=0.1, noise=g)
    assert all(np.array_equal(grads[k], grads2[k]) for k in grads)


def test_estimator_accepts_a_registry_record(data):
    from gumbel_utils.registry import ESTIMATORS

    m = _small()
    x = _batch(data)
    g = _noise(m, len(x))
    a = m.loss_and_grad(x, estimator=ESTIMATORS["straight_through"], tau=1.0, noise=g)
    b = m.loss_and_grad(x, estimator="straight_through", tau=1.0, noise=g)
    assert a[0] == b[0] and all(np.array_equal(a[1][k], b[1][k]) for k in a[1])


def test_every_estimator_that_draws_a_sample_trains_the_model():
    from gumbel_utils.registry import ESTIMATORS

    trainable = CategoricalVAE.trainable_estimators()
    assert trainable == [n for n, s in ESTIMATORS.items() if s.decodes is not None]
    assert {"score_function", "score_function_baseline", "gumbel_softmax_grad", "straight_through", "gumbel_rao",
            "rebar"} <= set(trainable) and "noise_free_grad" not in trainable


def test_logit_grad_is_the_gradient_reaching_the_encoder_logits(data):
    m = _small(seed=9)
    x = _batch(data, 6)
    g = _noise(m, 6, seed=10)
    for name in CategoricalVAE.trainable_estimators():
        loss, d_logits = m.logit_grad(x, estimator=name, tau=0.8, noise=g, rng=3)
        loss2, grads = m.loss_and_grad(x, estimator=name, tau=0.8, noise=g, rng=3)
        assert loss == loss2 and d_logits.shape == (6, m.latents, m.categories)
        assert np.allclose(d_logits.reshape(6, -1).sum(axis=0), grads["enc_b2"], rtol=1e-12, atol=1e-15), name
    # independent copies on a second axis: each copy's baseline uses only the images of its own copy
    copies = np.stack([x[:3], x[3:]], axis=1)                                   # (3 images, 2 copies, 64)
    noise = np.stack([g[:3], g[3:]], axis=1)
    _, both = m.logit_grad(copies, estimator="score_function_baseline", tau=1.0, noise=noise)
    _, first = m.logit_grad(x[:3], estimator="score_function_baseline", tau=1.0, noise=g[:3])
    assert both.shape == (3, 2, m.latents, m.categories)
    assert np.allclose(both[:, 0] * 6, first * 3)                               # gradients of mean losses
    with pytest.raises(ValueError, match="at least 2 images"):
        m.logit_grad(x[:1], estimator="score_function_baseline", tau=1.0)


def test_gumbel_rao_in_the_model_is_straight_through_averaged_over_conditional_draws(data):
    """m = 1 has the law of straight-through; with a fixed noise its mean over many draws is the ST mean."""
    m = _small(seed=11)
    x = _batch(data, 4)
    g = _noise(m, 4, seed=12)
    st = m.logit_grad(x, estimator="straight_through", tau=0.5, noise=g)[1]
    gr = np.mean([m.logit_grad(x, estimator="gumbel_rao", tau=0.5, noise=g, rng=s)[1] for s in range(400)], axis=0)
    # the conditional noise is redrawn given the same argmax: the mean over it is E[ST | D], not ST itself,
    # but both decode the same one-hot codes, so the losses agree exactly
    assert m.logit_grad(x, estimator="gumbel_rao", tau=0.5, noise=g, rng=0)[0] == m.logit_grad(
        x, estimator="straight_through", tau=0.5, noise=g)[0]
    assert gr.shape == st.shape and np.isfinite(gr).all()


@pytest.mark.slow
def test_rebar_in_the_model_is_unbiased(data):
    """The mean of REBAR's encoder gradients over many noise draws equals the score function's, within 5 s.e."""
    m = CategoricalVAE(2, 3, 8, rng=7)
    x = _batch(data, 4)
    draws = 4000

    def encoder_grads(name, rng):
        gen = np.random.default_rng(rng)
        return np.array([m.loss_and_grad(x, estimator=name, tau=0.5, rng=gen)[1]["enc_b2"] for _ in range(draws)])

    rebar, sf = encoder_grads("rebar", 1), encoder_grads("score_function", 2)
    diff = rebar.mean(0) - sf.mean(0)
    se = np.sqrt(rebar.var(0, ddof=1) / draws + sf.var(0, ddof=1) / draws)
    assert np.all(np.abs(diff) < 5 * se), np.abs(diff / se).max()


def test_bernoulli_nll_and_decoder_logits(data):
    m = _small()
    code = np.eye(m.categories)[np.random.default_rng(0).integers(0, m.categories, size=(5, m.latents))]
    out = m.decoder_logits(code)
    x = _batch(data)
    assert np.allclose(m.decode(code), 1 / (1 + np.exp(-out)))
    assert np.allclose(bernoulli_nll(x, out), _nll(x, m.decode(code)))
    assert np.isfinite(bernoulli_nll(x, np.full((5, 64), 800.0))).all()


# ------------------------------------------------------------------------- objectives


def test_negative_elbo_against_exact_enumeration(data):
    """L = 2, K = 3: the discrete -ELBO is a finite sum over the 9 codes; Monte Carlo agrees within 5 SE."""
    m = CategoricalVAE(2, 3, 8, rng=7)
    x = _batch(data, 4)
    q = softmax(m.encode(x))                                   # (4, 2, 3)
    exact = np.zeros(len(x))
    for i, j in itertools.product(range(3), range(3)):
        code = np.zeros((len(x), 2, 3))
        code[:, 0, i] = code[:, 1, j] = 1.0
        exact += q[:, 0, i] * q[:, 1, j] * _nll(x, m.decode(code))
    exact = float((exact + analytic_kl(m.encode(x))).mean())
    per_sample = np.array([m.negative_elbo(x, n_samples=1, rng=s) for s in range(2000)])
    se = per_sample.std(ddof=1) / math.sqrt(len(per_sample))
    assert abs(per_sample.mean() - exact) < 5 * se
    assert m.negative_elbo(x, n_samples=20, rng=3) == m.negative_elbo(x, n_samples=20, rng=3)


def test_relaxed_loss_tends_to_the_discrete_one_at_small_tau(data):
    m = CategoricalVAE(10, 10, 32, rng=0)
    x = data[1][:50]
    hard = m.negative_elbo(x, n_samples=5, rng=9)
    assert m.relaxed_loss(x, tau=1e-4, n_samples=5, rng=9) == pytest.approx(hard, abs=1e-6)
    assert abs(m.relaxed_loss(x, tau=1.0, n_samples=5, rng=9) - hard) > 1e-3


def test_reconstruct_and_prior_samples(data):
    m = _small()
    x = _batch(data)
    g = _noise(m, len(x))
    hard = m.reconstruct(x, noise=g)
    assert hard.shape == (5, 64) and np.all((hard > 0) & (hard < 1))
    assert np.allclose(m.reconstruct(x, tau=1e-6, noise=g), hard)
    assert np.allclose(hard, m.decode(_hard(m.encode(x) + g)))
    s = m.sample_prior(7, rng=0)
    assert s.shape == (7, 64) and np.array_equal(s, m.sample_prior(7, rng=0))


def test_analytic_kl():
    logits = np.random.default_rng(0).normal(size=(4, 3, 5))
    q = softmax(logits)
    assert np.allclose(analytic_kl(logits), (q * np.log(q * 5)).sum(axis=(1, 2)))
    assert np.allclose(analytic_kl(np.zeros((2, 3, 5))), 0.0)
    assert np.all(np.isfinite(analytic_kl(np.array([[[0.0, -1e4, 5.0]]]))))


# ------------------------------------------------------------------------- optimiser and training


# ------------------------------------------------------------------------- bad input


def test_bad_input_names_the_argument(data):
    m = _small()
    x = _batch(data)
    with pytest.raises(ValueError, match="x must have shape"):
        m.loss_and_grad(np.zeros((5, 63)), estimator="straight_through", tau=1.0)
    with pytest.raises(ValueError, match="x must"):
        m.negative_elbo(np.zeros(64), n_samples=2)
    with pytest.raises(ValueError, match="x must hold pixel"):
        m.loss_and_grad(x * 3, estimator="straight_through", tau=1.0)
    for tau in (0.0, -1.0, np.inf, np.nan):
        with pytest.raises(ValueError, match="tau"):
            m.loss_and_grad(x, estimator="gumbel_softmax_grad", tau=tau)
    with pytest.raises(ValueError, match="tau"):
        m.relaxed_loss(x, tau=0.0)
    with pytest.raises(ValueError, match="estimator must be one of .*gumbel_softmax_grad"):
        m.loss_and_grad(x, estimator="reinforce", tau=1.0)
    with pytest.raises(ValueError, match="noise"):
        m.loss_and_grad(x, estimator="straight_through", tau=1.0, noise=np.zeros((5, 3, 5)))
    with pytest.raises(ValueError, match="x must hold at least 2"):
        m.loss_and_grad(x[:1], estimator="score_function_baseline", tau=1.0)
    with pytest.raises(ValueError, match="code"):
        m.decode(np.zeros((2, 4, 3)))
    with pytest.raises(ValueError, match="latents"):
        CategoricalVAE(0, 10, 10)
    with pytest.raises(ValueError, match="categories"):
        CategoricalVAE(3, 1, 10)



def test_options_reach_the_estimator(data):
    """REBAR with options={"eta": 0} is the score function (same noise); a bad mapping or option is refused."""
    m = _small(seed=5)
    x = _batch(data, 6)
    g = _noise(m, 6, seed=9)
    _, sf = m.loss_and_grad(x, estimator="score_function", tau=0.5, noise=g, rng=1)
    _, rebar0 = m.loss_and_grad(x, estimator="rebar", tau=0.5, noise=g, rng=1, options={"eta": 0.0})
    _, rebar1 = m.loss_and_grad(x, estimator="rebar", tau=0.5, noise=g, rng=1)
    for key in m.params:
        np.testing.assert_allclose(rebar0[key], sf[key], rtol=1e-12, atol=1e-15)
    assert not np.allclose(rebar1["enc_w2"], sf["enc_w2"])
    _, d1 = m.logit_grad(x, estimator="gumbel_rao", tau=0.5, noise=g, rng=3, options={"m": 1})
    _, d8 = m.logit_grad(x, estimator="gumbel_rao", tau=0.5, noise=g, rng=3, options={"m": 8})
    assert d1.shape == d8.shape and not np.allclose(d1, d8)
    with pytest.raises(TypeError, match="options must be a mapping"):
        m.loss_and_grad(x, estimator="rebar", tau=0.5, options=[("eta", 0.0)])
    with pytest.raises(TypeError):
        m.loss_and_grad(x, estimator="straight_through", tau=0.5, options={"eta": 0.0})


def test_encoder_param_grads_keep_leading_axes(data):
    m = _small(seed=6)
    x = _batch(data, 4)
    d = np.random.default_rng(0).normal(size=(3, 4, m.latents, m.categories))
    many = m.encoder_param_grads(x, d)
    for r in range(3):
        one = m.encoder_param_grads(x, d[r])
        for key, value in one.items():
            np.testing.assert_allclose(many[key][r], value, rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match="d_logits"):
        m.encoder_param_grads(x, d[:, :3])
