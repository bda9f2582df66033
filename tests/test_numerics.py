"""Stable tempered softmax and log_softmax (gumbel_utils.numerics)."""

import numpy as np
import pytest

from gumbel_utils import log_softmax, softmax


def naive_softmax(x, tau=1.0):
    e = np.exp(np.asarray(x) / tau)
    return e / e.sum(axis=-1, keepdims=True)


def test_matches_the_naive_formula_where_it_is_safe():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 6))
    for tau in (0.3, 1.0, 7.0):
        np.testing.assert_allclose(softmax(x, tau), naive_softmax(x, tau), rtol=1e-13)
        np.testing.assert_allclose(log_softmax(x, tau), np.log(naive_softmax(x, tau)), rtol=1e-12, atol=1e-14)


def test_known_values():
    np.testing.assert_allclose(softmax([0.0, np.log(3.0)]), [0.25, 0.75], rtol=1e-15)
    np.testing.assert_allclose(softmax([1.0, 1.0, 1.0, 1.0]), 0.25)
    assert softmax([5.0]).tolist() == [1.0]


@pytest.mark.parametrize("tau", [1e-8, 1e-3, 1.0, 1e4])
@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_extreme_logits_and_temperatures_stay_finite(tau, scale):
    x = scale * np.array([[1.0, -1.0, 0.5, -0.25], [-1.0, -1.0, -1.0, 1.0]])
    p = softmax(x, tau)
    assert np.isfinite(p).all() and (p >= 0).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, atol=1e-12)
    lp = log_softmax(x, tau)
    assert np.isfinite(lp).all() and (lp <= 0).all()
    np.testing.assert_allclose(np.exp(lp), p, rtol=1e-12, atol=1e-300)


def test_naive_formula_fails_where_the_stable_one_does_not():
    x = np.array([1e4, -1e4, 0.0])
    with np.errstate(all="ignore"):
        assert np.isnan(naive_softmax(x, 1e-8)).any()
    np.testing.assert_array_equal(softmax(x, 1e-8), [1.0, 0.0, 0.0])


def test_log_softmax_keeps_tiny_probabilities():
    lp = log_softmax([0.0, -1000.0, -5000.0])
    np.testing.assert_allclose(lp, [0.0, -1000.0, -5000.0], atol=1e-12)
    assert softmax([0.0, -1000.0])[1] == 0.0  # underflows in linear space, not in log space


def test_neg_inf_gives_exact_zero_and_log_minus_inf():
    x = np.array([0.0, -np.inf, 2.0, -np.inf])
    for tau in (1e-8, 1.0, 1e4):
        p = softmax(x, tau)
        assert p[1] == 0.0 and p[3] == 0.0
        np.testing.assert_allclose(p.sum(), 1.0, atol=1e-15)
        lp = log_softmax(x, tau)
        assert lp[1] == -np.inf and lp[3] == -np.inf and np.isfinite(lp[[0, 2]]).all()


def test_temperature_limits():
    x = np.array([0.3, 1.7, -2.0, 1.2])
    np.testing.assert_array_equal(softmax(x, 1e-6), [0.0, 1.0, 0.0, 0.0])
    np.testing.assert_allclose(softmax(x, 1e8), 0.25, atol=1e-8)
    np.testing.assert_allclose(softmax([0.0, -np.inf, 5.0], 1e9), [0.5, 0.0, 0.5], atol=1e-8)


def test_shift_invariance_and_scaling():
    x = np.array([0.5, -0.25, 2.0])
    np.testing.assert_allclose(softmax(x + 1000.0), softmax(x), rtol=1e-13)
    np.testing.assert_allclose(softmax(x, tau=0.5), softmax(2 * x), rtol=1e-13)
    assert not np.allclose(softmax(2 * x), softmax(x))


def test_axis_and_array_tau():
    x = np.random.default_rng(1).normal(size=(3, 4))
    np.testing.assert_allclose(softmax(x, axis=0), softmax(x.T).T, rtol=1e-14)
    np.testing.assert_allclose(log_softmax(x, axis=0), log_softmax(x.T).T, rtol=1e-14)
    taus = np.array([[0.5], [1.0], [2.0]])
    p = softmax(x, taus)
    for i in range(3):
        np.testing.assert_allclose(p[i], softmax(x[i], taus[i, 0]), rtol=1e-14)
    assert softmax(np.zeros((2, 3, 4))).shape == (2, 3, 4)


@pytest.mark.parametrize("fn", [softmax, log_softmax])
@pytest.mark.parametrize("logits", [[0.0, np.nan], [np.inf, 0.0], [-np.inf, -np.inf], [], 3.0])
def test_bad_logits(fn, logits):
    with pytest.raises(ValueError, match="logits"):
        fn(logits)


@pytest.mark.parametrize("fn", [softmax, log_softmax])
@pytest.mark.parametrize("logits", [["a"], None, [True, False]])
def test_logits_of_the_wrong_type(fn, logits):
    with pytest.raises(TypeError, match="logits must be real numbers"):
        fn(logits)


@pytest.mark.parametrize("fn", [softmax, log_softmax])
@pytest.mark.parametrize("tau", [0.0, -1.0, np.nan, np.inf, [1.0, -1.0]])
def test_bad_tau(fn, tau):
    with pytest.raises(ValueError, match="tau"):
        fn([0.0, 1.0], tau)


@pytest.mark.parametrize("fn", [softmax, log_softmax])
@pytest.mark.parametrize("tau", ["x", "0.5", None])
def test_tau_of_the_wrong_type(fn, tau):
    with pytest.raises(TypeError, match="tau must be real numbers"):
        fn([0.0, 1.0], tau)


@pytest.mark.parametrize("fn", [softmax, log_softmax])
def test_all_neg_inf_check_follows_the_axis_of_categories(fn):
    x = np.array([[-np.inf, 0.0], [-np.inf, 1.0]])  # column 0 is all -inf, no row is
    with pytest.raises(ValueError, match="logits"):
        fn(x, axis=0)
    out = fn(x.T, axis=0)  # rows all -inf would be wrong on axis -1, fine along axis 0
    assert not np.isnan(out).any()
    np.testing.assert_allclose(np.exp(out) if fn is log_softmax else out, [[0.0, 0.0], [1.0, 1.0]])
    np.testing.assert_allclose(softmax(x.T, axis=0), softmax(x, axis=1).T)
