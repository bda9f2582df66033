"""``gumbel_utils.vae_tuning``: REBAR's variance gradient, learned tau and eta, and a relaxed-loss tau."""

from __future__ import annotations

import math

import numpy as np
import pytest

from _vae_fixtures import _batch, data  # noqa: F401  (fixture)
from gumbel_utils.conditional import rebar
from gumbel_utils.gradient_stats import TAU_GRID
from gumbel_utils.objectives import OBJECTIVES, Cubic
from gumbel_utils.training_stats import rebar_eta_variance
from gumbel_utils.vae import CategoricalVAE
from gumbel_utils.vae_stats import logit_gradient_variance
from gumbel_utils.vae_training import train_vae
from gumbel_utils.vae_tuning import (TAU_BOUNDS, RebarVarianceTuner, RelaxedTauTuner, learn_rebar,
                                     rebar_variance_gradient, relaxed_tau_gradient, vae_rebar_eta_variance,
                                     variance_gradient)

X = np.array([1.0, 0.5, 0.0])


def test_variance_gradient_checks_shapes_and_masks():
    a = np.ones((4, 3))
    with pytest.raises(ValueError, match="shape"):
        variance_gradient(a, np.ones((2, 4, 3)), 1.0)
    b = np.zeros((3, 4, 3))
    b[1, :, 1] = 1.0
    assert variance_gradient(a, b, 1.0).d_eta == pytest.approx(2 * 2.0)  # g = (1, 2, 1): 2 g.B = 4
    assert variance_gradient(a, b, 1.0, mask=[1.0, 0.0, 1.0]).d_eta == 0.0


@pytest.mark.parametrize("tau, eta", [(0.3, 1.0), (2.0, 0.4)])
def test_eta_derivative_is_the_slope_of_the_parabola(tau, eta):
    """E[2 g.B] = 2 (tr Cov(A, B) + eta tr Var B), the derivative of rebar_eta_variance's parabola."""
    n = 60_000
    v = rebar_variance_gradient(X, Cubic(), n, tau=tau, eta=eta, rng=0)
    seed = int(np.random.default_rng(0).integers(2**63))   # the seed rebar_variance_gradient drew
    a = rebar(X, Cubic(), n, tau=tau, rng=seed, eta=0.0)
    b = rebar(X, Cubic(), n, tau=tau, rng=seed, eta=1.0) - a
    np.testing.assert_allclose(v.estimates, a + eta * b, rtol=1e-12, atol=1e-12)
    per = 2 * np.einsum("nk,nk->n", a + eta * b, b)
    par = rebar_eta_variance(X, Cubic(), [tau], [eta], n_samples=n, rng=1)
    slope = 2 * (par.cov_ab[0] + eta * par.var_b[0])
    assert abs(v.d_eta - slope) < 5 * math.hypot(per.std() / math.sqrt(n), 2 * par.variance_se[0, 0])


def test_log_tau_derivative_is_the_derivative_of_the_variance():
    """On the same draws, the mean of 2 g . dg/dlog tau matches a central difference of the sample variance."""
    n, tau, eta, delta = 100_000, 0.5, 0.8, 0.02
    v = rebar_variance_gradient(X, Cubic(), n, tau=tau, eta=eta, rng=3)
    seed = int(np.random.default_rng(3).integers(2**63))
    g = rebar(X, Cubic(), n, tau=tau * np.exp([-delta, delta]), rng=seed, eta=eta)   # (2, n, K), the same draws
    var = [np.sum(g[i].var(axis=0, ddof=0)) for i in range(2)]
    fd = (var[1] - var[0]) / (2 * delta)
    g_mid = rebar(X, Cubic(), n, tau=tau, rng=seed, eta=eta)
    slope_of_mean = 2 * g_mid.mean(0) @ ((g[1] - g[0]).mean(0) / (2 * delta))   # d||mean||^2: O(1/sqrt(n))
    assert v.d_log_tau == pytest.approx(fd + slope_of_mean, rel=2e-3, abs=1e-4)
    assert abs(v.d_log_tau) > 10 * abs(slope_of_mean)


@pytest.mark.slow
def test_learned_tau_and_eta_reach_the_grid_minimum_on_the_cubic():
    """At fixed logits, variance descent ends where the grid of (tau, eta) is lowest, below any eta in [0, 2]."""
    run = learn_rebar(OBJECTIVES["cubic"], X, steps=2000, batch=16, train=False, tune_lr=0.02, rng=0)
    assert np.all(run.theta == X)
    tau, eta = run.tau[-300:].mean(), run.eta[-300:].mean()
    at = rebar_eta_variance(X, OBJECTIVES["cubic"], [tau], [eta], n_samples=100_000, rng=1)
    grid = rebar_eta_variance(X, OBJECTIVES["cubic"], TAU_GRID, np.linspace(0, 2, 21), n_samples=100_000, rng=2)
    assert at.variance[0, 0] < grid.variance.min()
    assert at.variance[0, 0] < 1.1 * grid.variance_opt.min()


def test_learn_rebar_trains_the_toy_and_keeps_tau_in_bounds():
    from gumbel_utils.training import ToyObjective

    run = learn_rebar(ToyObjective(0.45), [0.0, 0.0], steps=300, batch=8, lr=0.05, trainable=[1.0, 0.0], rng=0)
    assert run.theta[-1, 0] < -2 and np.all(run.theta[:, 1] == 0)
    assert np.all(np.diff(run.objective[::50]) <= 1e-9) or run.objective[-1] < run.objective[0]
    assert TAU_BOUNDS[0] <= run.tau.min() and run.tau.max() <= TAU_BOUNDS[1]
    with pytest.raises(ValueError, match="trainable"):
        learn_rebar(ToyObjective(0.45), [0.0, 0.0], steps=1, trainable=[1.0])


def test_vae_eta_parabola_agrees_with_the_measured_variance(data):
    """The parabola's eta = 1 and eta = 0 values match logit_gradient_variance (independent draws) within 5 s.e."""
    m = CategoricalVAE(2, 3, 8, rng=1)
    x = _batch(data, 4)
    par = vae_rebar_eta_variance(m, x, [0.5], [0.0, 1.0], n_samples=3000, rng=0)
    direct = logit_gradient_variance(m, x, estimator="rebar", taus=[0.5], n_samples=3000, rng=1, options={"eta": 1.0})
    score = logit_gradient_variance(m, x, estimator="score_function", taus=[0.5], n_samples=3000, rng=2)
    # the variance estimate of one image over D draws has a relative s.e. of about sqrt(2 / D) (heavier tails: x3)
    assert par.variance[0, 1] == pytest.approx(direct[0], rel=3 * 5 * math.sqrt(2 / 3000))
    assert par.variance[0, 0] == pytest.approx(score[0], rel=3 * 5 * math.sqrt(2 / 3000))
    assert par.variance_opt[0] <= par.variance[0].min() + 1e-9


def test_rebar_tuner_moves_eta_and_tau_and_can_hold_either(data):
    train_x, test_x = data
    m = CategoricalVAE(2, 3, 8, rng=0)
    tuner = RebarVarianceTuner(lr=0.05)
    h = train_vae(m, train_x[:200], test_x[:50], estimator="rebar", tau=1.0, epochs=2, batch_size=50, rng=0,
                  tuner=tuner)
    assert len(tuner.trace["tau"]) == 8 and h.tau[-1] == tuner.trace["tau"][-1]
    assert h.options["eta"][-1] == tuner.trace["eta"][-1] != 1.0
    held = RebarVarianceTuner(lr=0.05, learn_tau=False)
    train_vae(CategoricalVAE(2, 3, 8, rng=0), train_x[:100], test_x[:50], estimator="rebar", tau=0.7, epochs=1,
              batch_size=50, rng=0, tuner=held)
    assert held.trace["tau"] == [pytest.approx(0.7)] * 2
    with pytest.raises(ValueError, match="schedule"):
        train_vae(m, train_x[:100], test_x, estimator="rebar", tau=lambda s: 1.0, epochs=1, tuner=tuner)


def test_relaxed_tau_gradient_against_finite_differences(data):
    m = CategoricalVAE(3, 4, 8, rng=2)
    x = _batch(data, 6)
    g = np.random.default_rng(0).gumbel(size=(6, 3, 4))
    for tau in (0.2, 1.0, 4.0):
        loss, d = relaxed_tau_gradient(m, x, tau=tau, noise=g)
        h = 1e-5
        up = relaxed_tau_gradient(m, x, tau=tau * math.exp(h), noise=g)[0]
        down = relaxed_tau_gradient(m, x, tau=tau * math.exp(-h), noise=g)[0]
        assert d == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-9)
        assert loss == pytest.approx(m.loss_and_grad(x, estimator="gumbel_softmax_grad", tau=tau, noise=g,
                                                     kl_weight=0.0)[0])


def test_relaxed_tau_tuner_steps_against_the_derivative(data):
    train_x, _ = data
    m = CategoricalVAE(3, 4, 8, rng=2)
    tuner = RelaxedTauTuner(lr=0.1)
    tau, opts = tuner(m, train_x[:20], tau=1.0, options={}, rng=np.random.default_rng(0))
    d = tuner.trace["d_log_tau"][0]
    assert opts == {} and (tau < 1.0) == (d > 0) and tau == pytest.approx(math.exp(-0.1 * np.sign(d)), rel=1e-6)
    with pytest.raises(ValueError, match="lr"):
        RelaxedTauTuner(lr=0.0)
