"""REBAR (gumbel_utils.conditional.rebar): unbiased at every tau and eta, eta = 0 is the score function, its derivative.

Statistical checks use 5 standard errors with fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gumbel_utils._kernels import fill_gumbel, softmax_jvp, tempered_softmax
from gumbel_utils.conditional import rebar
from gumbel_utils.estimators import score_function
from gumbel_utils.registry import ESTIMATORS
from gumbel_utils.gradient_stats import bias_variance
from gumbel_utils.objectives import OBJECTIVES, Cubic, exact_gradient
from gumbel_utils.training_stats import rebar_eta_variance
from gumbel_utils.viz.style import PALETTE

X = np.array([1.0, 0.5, 0.0])


class Wavy:
    """A learner's own objective (no base class): f(z) = sum_k sin(3 z_k + k)."""

    def value(self, z):
        z = np.asarray(z, dtype=float)
        return np.sin(3 * z + np.arange(z.shape[-1])).sum(axis=-1)

    def grad(self, z):
        z = np.asarray(z, dtype=float)
        return 3 * np.cos(3 * z + np.arange(z.shape[-1]))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["linear", "quadratic", "cubic", "wavy"])
@pytest.mark.parametrize("eta", [0.5, 1.0, 2.0])
def test_unbiased_at_every_tau(name, eta):
    f = Wavy() if name == "wavy" else OBJECTIVES[name]
    taus = np.array([0.05, 0.3, 1.0, 5.0])
    r = bias_variance("rebar", X, f, taus, n_samples=200_000, rng=11, eta=eta)
    z = np.abs(r.bias) / r.bias_se
    assert z.max() < 5, f"{name}, eta={eta}: |bias|/se per tau = {z.max(axis=1)}"


def test_unbiased_with_a_probability_zero_category():
    x = np.array([0.3, -np.inf, 0.0, -0.5])
    f = Cubic([2.0, 1.0, 0.5, 0.0])
    g = rebar(x, f, 100_000, tau=0.4, rng=3)
    assert np.isfinite(g).all() and (g[:, 1] == 0).all()
    se = g.std(axis=0, ddof=1) / np.sqrt(len(g))
    ok = se > 0
    assert (np.abs(g.mean(0) - exact_gradient(x, f))[ok] < 5 * se[ok]).all()


@pytest.mark.parametrize("tau", [0.3, [0.01, 0.5, 3.0]])
def test_eta_zero_is_the_score_function_bit_for_bit(tau):
    for f in (*OBJECTIVES.values(), Wavy()):
        a = rebar(X, f, 500, tau=tau, rng=7, eta=0.0)
        b = score_function(X, f, 500, tau=tau, rng=7)
        assert np.array_equal(a, b)


def _conditional_explicit(x, idx, e):
    """Paulus et al. Eq. 9 written out: x~_b = -log E_b + log Z; x~_j = -log(E_j e^{-x_j} + E_b / Z)."""
    z = np.exp(x).sum()
    eb = e[np.arange(len(idx)), idx][:, None]
    out = -np.log(e * np.exp(-x) + eb / z)
    out[np.arange(len(idx)), idx] = (-np.log(eb) + np.log(z))[:, 0]
    return out


def test_conditional_derivative_matches_finite_differences():
    """The chain rule through the conditional sample z~(x) (no exponential noise needed) against central differences."""
    f, tau, n, seed = Wavy(), 0.7, 50, 5
    out1 = rebar(X, f, n, tau=tau, rng=seed, eta=1.0)
    out0 = rebar(X, f, n, tau=tau, rng=seed, eta=0.0)
    # Replay the draws: first the Gumbel noise of the sample, then the exponentials of conditional_gumbel.
    gen = np.random.default_rng(seed)
    z = X - X.max() + fill_gumbel(np.empty((n, 3)), gen)
    idx = z.argmax(axis=-1)
    e = gen.standard_exponential((n, 3))
    d, p = np.eye(3)[idx], tempered_softmax(X)
    zt = _conditional_explicit(X, idx, e)
    assert (zt.argmax(-1) == idx).all()
    y, yt = tempered_softmax(z, tau), tempered_softmax(zt, tau)
    w = softmax_jvp(y, f.grad(y), tau)
    grad_h = -(out1 - out0) - (d - p) * f.value(yt)[:, None] + w  # = d/dx f(softmax(z~(x)/tau))

    def h(x):
        return f.value(tempered_softmax(_conditional_explicit(x, idx, e), tau))

    eps = 1e-6
    fd = np.stack([(h(X + eps * u) - h(X - eps * u)) / (2 * eps) for u in np.eye(3)], axis=-1)
    np.testing.assert_allclose(grad_h, fd, atol=1e-7)


def test_shapes_and_registry():
    spec = ESTIMATORS["rebar"]
    assert spec.label == "REBAR" and spec.tau_dependent and spec.options["eta"] == 1.0
    assert spec.color == PALETTE["sky"]
    assert len({s.color for s in ESTIMATORS.values()}) == len(ESTIMATORS), "REBAR's colour must be its own"
    assert spec(X, Cubic(), 7, tau=0.5, rng=0).shape == (7, 3)
    assert spec(X, Cubic(), 7, tau=[0.1, 1.0], rng=0).shape == (2, 7, 3)
    # Several temperatures share the noise: each slice equals the single-tau call.
    many = rebar(X, Cubic(), 9, tau=[0.1, 1.0], rng=4)
    assert np.allclose(many[1], rebar(X, Cubic(), 9, tau=1.0, rng=4))


def test_bad_input():
    with pytest.raises(ValueError, match="eta"):
        rebar(X, Cubic(), 5, eta=np.nan)
    with pytest.raises(TypeError, match="eta"):
        rebar(X, Cubic(), 5, eta="1")
    with pytest.raises(ValueError, match="tau"):
        rebar(X, Cubic(), 5, tau=0.0)
    with pytest.raises(ValueError, match="tau"):
        rebar(X, Cubic(), 5, tau=np.nan)
    with pytest.raises(TypeError, match="f"):
        rebar(X, object(), 5)
    with pytest.raises(ValueError, match="logits"):
        rebar([np.nan, 0.0], Cubic(), 5)


@given(
    x=st.lists(st.floats(-30, 30), min_size=2, max_size=5),
    tau=st.floats(1e-3, 50),
    eta=st.floats(-3, 3),
    seed=st.integers(0, 2**32),
)
def test_finite_and_eta_zero_property(x, tau, eta, seed):
    f = Cubic(np.linspace(2.0, 0.0, len(x)))
    g = rebar(x, f, 8, tau=tau, eta=eta, rng=seed)
    assert np.isfinite(g).all()
    assert np.array_equal(rebar(x, f, 8, tau=tau, eta=0.0, rng=seed), score_function(x, f, 8, rng=seed))


def test_variance_against_eta():
    """The parabola in eta: eta = 0 is the score function, eta* never does worse, eta = 1 equals the direct measurement."""
    taus = np.array([0.05, 0.5, 5.0])
    r = rebar_eta_variance(X, Cubic(), taus, [0.0, 0.5, 1.0], n_samples=20_000, rng=2)
    sf = bias_variance("score_function", X, Cubic(), n_samples=20_000, rng=0)
    assert np.allclose(r.variance[:, 0], r.score_variance)
    assert abs(r.score_variance - sf.variance) < 5 * sf.variance_se
    assert (r.variance_opt <= r.variance.min(axis=1) + 1e-12).all()
    for j, eta in enumerate(r.eta):  # the parabola's coefficients give every eta
        np.testing.assert_allclose(r.variance_at(eta), r.variance[:, j], rtol=1e-10)
    np.testing.assert_allclose(r.var_a + 2 * r.eta_opt * r.cov_ab + r.eta_opt**2 * r.var_b, r.variance_opt, rtol=1e-10)
    seed = int(np.random.default_rng(2).integers(2**63))
    direct = bias_variance("rebar", X, Cubic(), taus, n_samples=20_000, rng=seed, eta=1.0)
    np.testing.assert_allclose(r.variance[:, 2], direct.variance, rtol=1e-9)
    # a fixed eta = 1 is worse than the score function at small tau for the cubic f (the notebook's claim)
    assert r.variance[0, 2] > r.score_variance + 5 * r.variance_se[0, 2]
    with pytest.raises(ValueError, match="etas"):
        rebar_eta_variance(X, Cubic(), taus, [np.nan])


@pytest.mark.parametrize("name_f", ["linear", "cubic"])
def test_rebar_with_the_conditional_draw_as_fixed_noise_is_biased(name_f):
    """(D, z~) having the law of (D, z) is not enough: z~ must be differentiated through its sampler.

    Treated as fixed noise (the Gumbel-Rao way of differentiating), the control variate no longer has
    mean zero: measured bias far beyond Monte Carlo noise on the toy of Notebook 4 (cubic and linear f).
    """
    from gumbel_utils.conditional import rebar
    from gumbel_utils.gradient_stats import bias_variance

    f = OBJECTIVES[name_f]
    fixed = bias_variance(lambda *a, **k: rebar(*a, through_sampler=False, **k), X, f, [0.3, 1.0],
                          n_samples=50_000, rng=0)
    right = bias_variance("rebar", X, f, [0.3, 1.0], n_samples=50_000, rng=0)
    assert (np.abs(fixed.bias) / fixed.bias_se).max() > 20
    assert (np.abs(right.bias) / right.bias_se).max() < 5
