"""The Concrete (Gumbel-Softmax) relaxation: samples, exact density, binary case, input checks.

The density tests integrate ``concrete_log_prob`` numerically (normalisation), compare it with
a direct linear-space evaluation of Maddison et al. (2017) Eq. 11, and compare histograms of
``gumbel_softmax`` samples with bin probabilities obtained by integrating the density.
"""

import math

import numpy as np
import pytest
from scipy import stats
from scipy.integrate import dblquad, quad
from scipy.special import expit, logit

from gumbel_utils import (
    binary_concrete_log_prob,
    concrete_log_prob,
    frequencies,
    gumbel_max,
    goodness_of_fit,
    one_hot,
    sample_binary_concrete,
    gumbel_softmax,
    sample_gumbel,
    softmax,
)

TAUS = [0.3, 0.5, 1.0, 2.0, 5.0]
P_MIN = 1e-6


def eq11_linear(y, logits, tau):
    """Maddison, Mnih & Teh (2017) Eq. 11 evaluated literally, in linear space."""
    y, alpha = np.asarray(y, dtype=float), np.exp(np.asarray(logits, dtype=float))
    k = y.shape[-1]
    denom = (alpha * y**-tau).sum(axis=-1, keepdims=True)
    return math.factorial(k - 1) * tau ** (k - 1) * np.prod(alpha * y ** (-tau - 1) / denom, axis=-1)


def integrate_k2(logits, tau, log_prob=concrete_log_prob):
    """Integral over the 1-simplex of exp(log_prob([a, 1 - a])) da, split at 1/2 for the endpoint singularities."""
    f = lambda a: math.exp(log_prob(np.array([a, 1.0 - a]), logits, tau))  # noqa: E731
    return quad(f, 0.0, 0.5, limit=200)[0] + quad(f, 0.5, 1.0, limit=200)[0]


# ---------------------------------------------------------------------------------------------
# Normalisation


@pytest.mark.slow
@pytest.mark.parametrize("tau", TAUS)
@pytest.mark.parametrize("probs", [(0.3, 0.7), (0.05, 0.95), (0.5, 0.5)])
def test_k2_density_integrates_to_one(tau, probs):
    assert integrate_k2(np.log(probs), tau) == pytest.approx(1.0, abs=1e-7)


@pytest.mark.parametrize("tau", [0.3, 0.5, 2.0, 5.0])
def test_typo_power_of_tau_does_not_integrate_to_one(tau):
    """The summary table's tau^-(K-1) instead of tau^(K-1): the integral becomes tau^(-2(K-1))."""
    x = np.log([0.3, 0.7])
    typo = lambda y, logits, t: concrete_log_prob(y, logits, t) - 2 * (len(y) - 1) * math.log(t)  # noqa: E731
    integral = integrate_k2(x, tau, typo)
    assert integral == pytest.approx(tau**-2, rel=1e-6)
    assert abs(integral - 1.0) > 0.5


def _k3_smooth_integrand(logits, tau, log_prob=concrete_log_prob):
    r"""The K = 3 density in smooth coordinates s in (0, 1)^2, as a ``dblquad`` integrand ``(s2, s1)``.

    The density has integrable singularities on the edges of the simplex when tau < 1, which
    make dblquad on (y1, y2) slow. Instead write y = softmax(t1, t2, 0) (Jacobian y1 y2 y3) and
    t_k = (x_k - x_3 + logit(s_k)) / tau (Jacobian 1 / (tau s_k (1 - s_k))); each t_k is
    logistic, so the integrand over s in (0, 1)^2 is smooth and dblquad converges quickly.
    The inverse map is s_k = expit(tau log(y_k / y_3) - (x_k - x_3)).
    """
    d = np.asarray(logits[:2]) - logits[2]

    def integrand(s2, s1):
        t = (d + logit(np.array([s1, s2]))) / tau
        e = np.exp(np.array([t[0], t[1], 0.0]) - max(t[0], t[1], 0.0))
        y = e / e.sum()
        jac = y.prod() / (tau**2 * s1 * (1 - s1) * s2 * (1 - s2))
        return math.exp(log_prob(y, logits, tau)) * jac

    return integrand


def _k3_integral(logits, tau, log_prob=concrete_log_prob):
    """Integral of the K = 3 density over the simplex (see :func:`_k3_smooth_integrand`)."""
    return dblquad(_k3_smooth_integrand(logits, tau, log_prob), 0.0, 1.0, 0.0, 1.0, epsabs=1e-9, epsrel=1e-9)[0]


@pytest.mark.slow
@pytest.mark.parametrize("tau", TAUS)
def test_k3_density_integrates_to_one(tau):
    x = np.log([0.2, 0.3, 0.5])
    assert _k3_integral(x, tau) == pytest.approx(1.0, abs=1e-7)


@pytest.mark.slow
def test_k3_typo_does_not_integrate_to_one():
    x = np.log([0.6, 0.3, 0.1])
    typo = lambda y, logits, t: concrete_log_prob(y, logits, t) - 4 * math.log(t)  # noqa: E731
    assert _k3_integral(x, 2.0, typo) == pytest.approx(2.0**-4, rel=1e-6)
    assert _k3_integral(x, 2.0) == pytest.approx(1.0, abs=1e-7)


@pytest.mark.slow
def test_k3_density_integrates_to_one_on_the_simplex_directly():
    """The same normalisation without any change of variables (tau = 2: a bounded density)."""
    x = np.log([0.2, 0.3, 0.5])
    tau = 2.0

    def integrand(y2, y1):
        y3 = 1.0 - y1 - y2
        if y3 <= 0.0:
            return 0.0
        return math.exp(concrete_log_prob(np.array([y1, y2, y3]), x, tau))

    total, err = dblquad(integrand, 0.0, 1.0, 0.0, lambda y1: 1.0 - y1, epsabs=1e-5, epsrel=1e-5)
    assert total == pytest.approx(1.0, abs=1e-4)


# ---------------------------------------------------------------------------------------------
# Agreement with Eq. 11


@pytest.mark.parametrize("k", [2, 3, 5])
@pytest.mark.parametrize("tau", TAUS)
def test_log_prob_agrees_with_linear_eq11(k, tau):
    rng = np.random.default_rng(k)
    x = rng.normal(size=k)
    y = rng.dirichlet(np.full(k, 5.0), size=50)
    y = y[(y > 0.02).all(axis=1)]  # moderate points: the linear formula is accurate there
    assert len(y) > 30
    lp = concrete_log_prob(y, x, tau)
    assert lp.shape == (len(y),)
    np.testing.assert_allclose(np.exp(lp), eq11_linear(y, x, tau), rtol=1e-10)


def test_log_prob_is_shift_invariant_in_logits_and_broadcasts_tau():
    y = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    x = np.array([0.1, -0.4, 0.7])
    np.testing.assert_allclose(concrete_log_prob(y, x + 3.0, 0.8), concrete_log_prob(y, x, 0.8), atol=1e-12)
    taus = np.array([0.5, 2.0])
    both = concrete_log_prob(y, x, taus)
    assert both.shape == (2,)
    assert both[0] == pytest.approx(float(concrete_log_prob(y[0], x, 0.5)))
    assert both[1] == pytest.approx(float(concrete_log_prob(y[1], x, 2.0)))


def test_log_prob_is_finite_near_a_vertex():
    x = np.log([0.3, 0.7])
    for tau in (0.3, 3.0):
        for eps in (1e-12, 1e-100, 1e-300):
            assert np.isfinite(concrete_log_prob([eps, 1 - eps], x, tau))
    # in log space the vertex behaviour is the exact power law: log p ~ (tau - 1) log y1 + c as y1 -> 0
    tau = 0.5
    lp = [float(concrete_log_prob([e, 1 - e], x, tau)) for e in (1e-100, 1e-200)]
    assert (lp[1] - lp[0]) / (np.log(1e-200) - np.log(1e-100)) == pytest.approx(tau - 1, rel=1e-9)


# ---------------------------------------------------------------------------------------------
# Samples against the density


def _bin_probs_k2(x, tau, edges):
    f = lambda a: math.exp(concrete_log_prob(np.array([a, 1.0 - a]), x, tau))  # noqa: E731
    probs = np.array([quad(f, lo, hi, limit=200)[0] for lo, hi in zip(edges[:-1], edges[1:])])
    assert probs.sum() == pytest.approx(1.0, abs=1e-7)
    return probs / probs.sum()


def _bin_index(values, edges):
    return np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)


@pytest.mark.slow
@pytest.mark.parametrize("tau", [0.3, 1.0, 3.0])
def test_gumbel_softmax_histogram_matches_density_k2(tau):
    x = np.log([0.3, 0.7])
    y = gumbel_softmax(x, tau, size=60_000, rng=17)
    assert y.shape == (60_000, 2)
    edges = np.linspace(0.0, 1.0, 21)
    samples = _bin_index(y[:, 0], edges)
    assert goodness_of_fit(samples, _bin_probs_k2(x, tau, edges)).pvalue > P_MIN
    # the same test rejects the density at another temperature
    assert goodness_of_fit(samples, _bin_probs_k2(x, 1.5 * tau, edges)).pvalue < 1e-10


@pytest.mark.slow
def test_gumbel_softmax_histogram_matches_density_k3():
    """K = 3: probabilities of 4 x 4 cells in the (logistic) coordinates s, by dblquad of the density."""
    x = np.log([0.2, 0.3, 0.5])
    tau = 0.7
    y = gumbel_softmax(x, tau, size=40_000, rng=23)
    d = x[:2] - x[2]
    s = expit(tau * np.log(y[:, :2] / y[:, 2:]) - d)  # inverse of the map of _k3_smooth_integrand
    edges = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    cells = 4 * _bin_index(s[:, 0], edges) + _bin_index(s[:, 1], edges)
    integrand = _k3_smooth_integrand(x, tau)
    probs = np.array(
        [dblquad(integrand, edges[i], edges[i + 1], edges[j], edges[j + 1], epsabs=1e-8)[0] for i in range(4) for j in range(4)]
    )
    assert probs.sum() == pytest.approx(1.0, abs=1e-6)
    assert goodness_of_fit(cells, probs / probs.sum()).pvalue > P_MIN


@pytest.mark.parametrize("tau", [0.1, 1.0, 4.0])
def test_largest_coordinate_follows_softmax_for_every_tau(tau):
    """Proposition 1 of Maddison et al.: P(y_k is the largest coordinate) = softmax(x)_k."""
    x = np.array([0.5, -0.3, 1.2, -np.inf, 0.0])
    y = gumbel_softmax(x, tau, size=60_000, rng=5)
    k = y.argmax(axis=-1)
    p = softmax(x)
    assert goodness_of_fit(k, p).pvalue > P_MIN
    freq, _ = frequencies(k, x.size)
    assert np.all(np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / k.size) + 1e-12)


def test_mean_of_relaxed_samples_moves_from_softmax_to_uniform():
    x = np.log([0.1, 0.3, 0.6])
    n = 50_000
    cold = gumbel_softmax(x, 0.01, size=n, rng=1)
    se = cold.std(axis=0) / np.sqrt(n)
    assert np.all(np.abs(cold.mean(axis=0) - softmax(x)) <= 5 * se)
    hot = gumbel_softmax(x, 1e4, size=n, rng=1)
    np.testing.assert_allclose(hot, 1 / 3, atol=2e-3)


# ---------------------------------------------------------------------------------------------
# gumbel_softmax: formula, noise, hard, shapes


def test_gumbel_softmax_is_softmax_of_perturbed_logits():
    x = np.array([[0.2, -1.0, 0.5], [0.0, 2.0, -np.inf]])
    g = sample_gumbel((6,) + x.shape, rng=2)
    for tau in (0.1, 0.5, 1.0, 3.0):
        expected = softmax((x + g) / tau)
        np.testing.assert_allclose(gumbel_softmax(x, tau, noise=g), expected, rtol=1e-12, atol=1e-300)
    # with rng=..., the noise is sample_gumbel(size + logits.shape) from the same seed
    np.testing.assert_allclose(gumbel_softmax(x, 0.5, size=6, rng=2), softmax((x + g) / 0.5), rtol=1e-12)


def test_noise_held_still_gives_the_same_sample_and_hard_is_the_gumbel_max_one_hot():
    x = np.log([0.2, 0.3, 0.5])
    g = sample_gumbel((100, 3), rng=4)
    k = np.argmax(x + g, axis=-1)
    for tau in (1e-3, 0.5, 2.0, 100.0):
        np.testing.assert_array_equal(gumbel_softmax(x, tau, noise=g, hard=True), one_hot(k, 3))
        y = gumbel_softmax(x, tau, noise=g)
        np.testing.assert_array_equal(y.argmax(axis=-1), k)
        np.testing.assert_array_equal(y, gumbel_softmax(x, tau, noise=g))
    np.testing.assert_array_equal(gumbel_softmax(x, 1.0, size=100, rng=4, hard=True).argmax(-1), gumbel_max(x, size=100, rng=4))


@pytest.mark.parametrize(
    "logits_shape, size, noise_shape, expected",
    [
        ((3,), None, None, (3,)),
        ((3,), 5, None, (5, 3)),
        ((3,), (2, 4), None, (2, 4, 3)),
        ((4, 3), None, None, (4, 3)),
        ((4, 3), 5, None, (5, 4, 3)),
        ((3,), None, (7, 3), (7, 3)),
        ((4, 3), None, (3,), (4, 3)),
        ((4, 3), None, (2, 4, 3), (2, 4, 3)),
    ],
)
def test_gumbel_softmax_shapes(logits_shape, size, noise_shape, expected):
    noise = None if noise_shape is None else sample_gumbel(noise_shape, rng=0)
    x = np.zeros(logits_shape)
    for hard in (False, True):
        y = gumbel_softmax(x, 0.5, size=size, rng=0, noise=noise, hard=hard)
        assert y.shape == expected
        np.testing.assert_allclose(y.sum(axis=-1), 1.0, atol=1e-12)


def test_neg_inf_logit_gives_exact_zero_coordinate():
    x = np.array([0.0, -np.inf, 1.0])
    for tau in (1e-8, 1.0, 1e4):
        y = gumbel_softmax(x, tau, size=1000, rng=3)
        assert np.all(y[:, 1] == 0.0) and np.isfinite(y).all()
        assert np.all(gumbel_softmax(x, tau, size=1000, rng=3, hard=True)[:, 1] == 0.0)


def test_one_hot():
    np.testing.assert_array_equal(one_hot([[1], [0]], 2), [[[0.0, 1.0]], [[1.0, 0.0]]])
    with pytest.raises(ValueError, match="index"):
        one_hot([3], 3)
    with pytest.raises(ValueError, match="index"):
        one_hot([-1], 3)


# ---------------------------------------------------------------------------------------------
# Binary Concrete


@pytest.mark.parametrize("tau", [0.3, 1.0, 2.5])
@pytest.mark.parametrize("logit_", [-1.5, 0.0, 0.8])
def test_binary_density_equals_k2_concrete_density(tau, logit_):
    a = np.linspace(0.01, 0.99, 41)
    lp2 = concrete_log_prob(np.stack([a, 1 - a], axis=-1), [logit_, 0.0], tau)
    np.testing.assert_allclose(binary_concrete_log_prob(a, logit_, tau), lp2, rtol=1e-12, atol=1e-12)


def binary_cdf(y, logit_, tau):
    """P(Y <= y) for Y = sigmoid((x + L)/tau), L logistic: sigmoid(tau * logit(y) - x)."""
    return expit(tau * logit(y) - logit_)


@pytest.mark.parametrize("tau", [0.3, 1.0, 2.5])
def test_binary_cdf_closed_form_matches_integrated_density(tau):
    x = 0.4
    f = lambda a: math.exp(binary_concrete_log_prob(a, x, tau))  # noqa: E731
    for y in (0.1, 0.5, 0.77):
        assert quad(f, 0.0, y, limit=200)[0] == pytest.approx(binary_cdf(y, x, tau), abs=1e-7)


@pytest.mark.parametrize("tau", [0.3, 1.0, 2.5])
def test_sample_binary_concrete_matches_its_law(tau):
    x = 0.4
    y = sample_binary_concrete(x, tau, size=100_000, rng=31)
    assert y.shape == (100_000,)
    assert np.all((y >= 0) & (y <= 1))
    cdf = lambda v: binary_cdf(np.clip(v, 1e-300, 1 - 1e-16), x, tau)  # noqa: E731
    assert stats.kstest(y, cdf).pvalue > P_MIN
    # first coordinate of the K = 2 Gumbel-Softmax with logits (x, 0): the same law
    y2 = gumbel_softmax([x, 0.0], tau, size=100_000, rng=32)[:, 0]
    assert stats.kstest(y2, cdf).pvalue > P_MIN
    # P(y > 1/2) = sigmoid(x) for every tau
    p = expit(x)
    assert abs((y > 0.5).mean() - p) <= 5 * np.sqrt(p * (1 - p) / y.size)
    # the KS test rejects a wrong logit
    assert stats.kstest(y, lambda v: binary_cdf(np.clip(v, 1e-300, 1 - 1e-16), x + 0.1, tau)).pvalue < 1e-6


def test_sample_binary_concrete_shapes_and_seed():
    assert sample_binary_concrete(0.0, 1.0, rng=0).shape == ()
    assert sample_binary_concrete([0.0, 1.0], 1.0, size=5, rng=0).shape == (5, 2)
    np.testing.assert_array_equal(sample_binary_concrete(0.3, 0.5, size=10, rng=1), sample_binary_concrete(0.3, 0.5, size=10, rng=1))


# ---------------------------------------------------------------------------------------------
# Bad input


BAD_LOGITS = [[0.0, np.nan], [0.0, np.inf], [-np.inf, -np.inf], [], np.zeros((2, 2, 2)), 1.0]
BAD_TAUS = [0.0, -1.0, np.nan, np.inf, -np.inf, []]
#: Temperatures of the wrong type: TypeError, as in NumPy and SciPy.
WRONG_TYPE_TAUS = ["hot", "0.5", None]


@pytest.mark.parametrize("logits", BAD_LOGITS)
def test_gumbel_softmax_bad_logits(logits):
    with pytest.raises(ValueError, match="logits"):
        gumbel_softmax(logits, 1.0, size=3, rng=0)


@pytest.mark.parametrize("tau", BAD_TAUS + [[0.5, 1.0]])
def test_gumbel_softmax_bad_tau(tau):
    with pytest.raises(ValueError, match="tau"):
        gumbel_softmax([0.0, 1.0], tau, size=3, rng=0)


@pytest.mark.parametrize("size, error", [(-1, ValueError), (2.5, TypeError), ("x", TypeError), ((2, -1), ValueError)])
def test_gumbel_softmax_bad_size(size, error):
    with pytest.raises(error, match="size"):
        gumbel_softmax([0.0, 1.0], 1.0, size=size, rng=0)


@pytest.mark.parametrize("rng", ["seed", 1.5, np.random.RandomState(0)])
def test_gumbel_softmax_bad_rng(rng):
    with pytest.raises(TypeError, match="rng"):
        gumbel_softmax([0.0, 1.0], 1.0, size=3, rng=rng)


@pytest.mark.parametrize("tau", WRONG_TYPE_TAUS)
def test_every_concrete_function_rejects_a_tau_of_the_wrong_type(tau):
    with pytest.raises(TypeError, match="logits must be real numbers"):
        gumbel_softmax(["a", "b"], 1.0, size=3, rng=0)
    with pytest.raises(TypeError, match="y must be real numbers"):
        concrete_log_prob(["a", "b", "c"], [0.0, 0.0, 0.0], 1.0)
    with pytest.raises(TypeError, match="logit must be real numbers"):
        sample_binary_concrete("a", 1.0, size=3, rng=0)
    for call in (lambda: gumbel_softmax([0.0, 1.0], tau, size=3, rng=0),
                 lambda: concrete_log_prob([0.2, 0.3, 0.5], [0.0, 0.0, 0.0], tau),
                 lambda: sample_binary_concrete(0.0, tau, size=3, rng=0),
                 lambda: binary_concrete_log_prob(0.5, 0.0, tau)):
        with pytest.raises(TypeError, match="tau must be real numbers"):
            call()


@pytest.mark.parametrize(
    "noise, size",
    [
        (np.zeros(3), None),  # wrong number of categories
        (np.zeros((2, 3)), None),
        (np.float64(0.0), None),  # no category axis
        (np.zeros((5, 2)), None),  # does not broadcast with logits (4, 2)
        ([0.0, np.nan], None),
        ([0.0, np.inf], None),
        (np.zeros(2), 3),  # size with noise
    ],
)
def test_gumbel_softmax_bad_noise(noise, size):
    with pytest.raises(ValueError, match="noise|size"):
        gumbel_softmax(np.zeros((4, 2)), 1.0, size=size, noise=noise)
    with pytest.raises(ValueError) as info:
        gumbel_softmax(np.zeros((4, 2)), 1.0, size=size, noise=noise)
    assert ("noise" in str(info.value)) or (size is not None and "size" in str(info.value))


@pytest.mark.parametrize(
    "y",
    [
        [0.5, 0.6, 0.1],  # sums to 1.2
        [0.5, 0.4, 0.05],  # sums to 0.95
        [0.0, 0.5, 0.5],  # on the boundary
        [-0.1, 0.6, 0.5],
        [np.nan, 0.5, 0.5],
        [np.inf, 0.5, 0.5],
        [1.0],
        0.5,
    ],
)
def test_concrete_log_prob_rejects_points_off_the_open_simplex(y):
    with pytest.raises(ValueError, match="y"):
        concrete_log_prob(y, [0.0, 0.0, 0.0], 1.0)


@pytest.mark.parametrize("logits", [[0.0, np.nan, 0.0], [0.0, -np.inf, 0.0], [0.0, 0.0], [0.0, np.inf, 1.0]])
def test_concrete_log_prob_bad_logits(logits):
    with pytest.raises(ValueError, match="logits"):
        concrete_log_prob([0.2, 0.3, 0.5], logits, 1.0)


@pytest.mark.parametrize("tau", BAD_TAUS)
def test_concrete_log_prob_bad_tau(tau):
    with pytest.raises(ValueError, match="tau"):
        concrete_log_prob([0.2, 0.3, 0.5], [0.0, 0.0, 0.0], tau)


@pytest.mark.parametrize("logit_", [np.nan, np.inf, -np.inf])
def test_binary_concrete_bad_logit(logit_):
    with pytest.raises(ValueError, match="logit"):
        sample_binary_concrete(logit_, 1.0, size=3, rng=0)
    with pytest.raises(ValueError, match="logit"):
        binary_concrete_log_prob(0.5, logit_, 1.0)


@pytest.mark.parametrize("tau", BAD_TAUS)
def test_binary_concrete_bad_tau(tau):
    with pytest.raises(ValueError, match="tau"):
        sample_binary_concrete(0.0, tau, size=3, rng=0)
    with pytest.raises(ValueError, match="tau"):
        binary_concrete_log_prob(0.5, 0.0, tau)


@pytest.mark.parametrize("y", [0.0, 1.0, -0.5, 1.5, np.nan])
def test_binary_concrete_log_prob_bad_y(y):
    with pytest.raises(ValueError, match="y"):
        binary_concrete_log_prob(y, 0.0, 1.0)
