"""Laws, shapes, shift invariance and input checks of the samplers in gumbel_utils.sampling.

Statistical tests use fixed seeds, a chi-square p-value (``goodness_of_fit``) and a 5-sigma
bound per category; each has a companion showing the same check rejects a wrong law.
"""

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp

from gumbel_utils import (
    frequencies,
    gumbel_max,
    gumbel_softmax,
    goodness_of_fit,
    perturbed_max,
    sample_categorical,
    sample_gumbel,
    softmax,
)

SAMPLERS = [gumbel_max, sample_categorical]
P_MIN = 1e-6  # seeded p-values: a correct sampler passes with these seeds, a wrong law gives ~0


class ZeroUniforms(np.random.Generator):
    """A Generator whose uniforms are all exactly 0.0 (the one value that breaks -log(-log U))."""

    def random(self, size=None, dtype=np.float64, out=None):
        if out is None:
            return np.zeros(() if size is None else size, dtype=dtype)
        out[...] = 0.0
        return out


def assert_law(samples, probs, n_sigma=5.0):
    """Chi-square p-value above P_MIN, no sample in a zero-probability category, and every
    frequency within n_sigma standard errors where the normal approximation holds (expected
    count >= 10; the chi-square test pools the rarer categories)."""
    probs = np.asarray(probs)
    res = goodness_of_fit(samples, probs)
    assert res.impossible == 0
    assert res.pvalue > P_MIN, res
    freq, _ = frequencies(samples, probs.size)
    n = np.asarray(samples).size
    se = np.sqrt(probs * (1 - probs) / n)
    checked = n * probs >= 10
    assert checked.sum() >= min(2, probs.size)
    z = np.abs(freq - probs)[checked] / se[checked]
    assert np.all(z <= n_sigma), z.max()


def logits_for(k, seed):
    return np.random.default_rng(seed).normal(scale=1.5, size=k)


# ---------------------------------------------------------------------------------------------
# The law of the samples


@pytest.mark.parametrize("sampler", SAMPLERS)
@pytest.mark.parametrize("k, n", [(2, 100_000), (3, 100_000), (10, 100_000), (1000, 40_000)])
def test_frequencies_match_softmax(sampler, k, n):
    x = logits_for(k, seed=k)
    samples = sampler(x, size=n, rng=100 + k)
    assert samples.shape == (n,) and samples.dtype.kind == "i"
    assert_law(samples, softmax(x))


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_wrong_law_is_rejected(sampler):
    """The same check fails when the sampled law is not softmax(x) (here softmax(2x))."""
    x = np.array([0.0, 0.5, 1.0])
    samples = sampler(2 * x, size=50_000, rng=1)
    assert goodness_of_fit(samples, softmax(x)).pvalue < 1e-30
    with pytest.raises(AssertionError):
        assert_law(samples, softmax(x))


@pytest.mark.parametrize("sampler", SAMPLERS)
@pytest.mark.parametrize("position", [0, 2, 4])
def test_neg_inf_logit_is_never_sampled(sampler, position):
    x = np.array([0.3, -0.2, 1.0, 0.0, -1.0])
    x[position] = -np.inf
    samples = sampler(x, size=100_000, rng=7)
    assert not np.any(samples == position)
    p = softmax(x)
    assert p[position] == 0.0
    assert_law(samples, p)


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_single_finite_logit_is_always_sampled(sampler):
    x = np.array([-np.inf, -np.inf, 5.0, -np.inf])
    assert np.all(sampler(x, size=1000, rng=0) == 2)


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_batched_rows_follow_their_own_law(sampler):
    x = np.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0], [0.0, -np.inf, 0.0], [5.0, 0.0, 0.0]])
    n = 60_000
    samples = sampler(x, size=n, rng=3)
    assert samples.shape == (n, 4)
    for b in range(x.shape[0]):
        assert_law(samples[:, b], softmax(x[b]))


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_samples_are_independent_across_draws(sampler):
    """Consecutive draws are independent: the pair (k_t, k_{t+1}) has the product law."""
    x = np.array([0.0, 0.7, -0.4])
    k = sampler(x, size=90_001, rng=11)
    pairs = 3 * k[:-1:2] + k[1::2]
    p = softmax(x)
    assert_law(pairs, np.outer(p, p).ravel())


def test_gumbel_max_is_argmax_of_logits_plus_sample_gumbel():
    """gumbel_max uses exactly the draws of sample_gumbel(size + logits.shape) with the same rng."""
    x = np.array([[0.5, -1.0, 2.0, 0.25], [0.0, 0.0, -np.inf, 1.0]])
    for size in [None, 5, (3, 2)]:
        shape = () if size is None else np.atleast_1d(size)
        g = sample_gumbel(tuple(shape) + x.shape, rng=42)
        expected = np.argmax((x - x.max(axis=-1, keepdims=True)) + g, axis=-1)
        np.testing.assert_array_equal(gumbel_max(x, size=size, rng=42), expected)


def test_gumbel_max_blocks_match_one_big_fill(monkeypatch):
    """Samples do not depend on the internal block size (the blocks only change the cache use)."""
    import gumbel_utils.sampling as sampling

    cases = [(np.random.default_rng(0).normal(size=(50, 7)), 13), (np.random.default_rng(1).normal(size=30), 41)]
    reference = [gumbel_max(x, size=n, rng=5) for x, n in cases]
    for block in (1, 5, 64, 1000):
        monkeypatch.setattr(sampling, "_BLOCK", block)
        for (x, n), ref in zip(cases, reference):
            np.testing.assert_array_equal(gumbel_max(x, size=n, rng=5), ref)


def test_gumbel_max_equals_hard_gumbel_softmax():
    x = np.array([[0.1, 0.2, -0.3], [1.0, -np.inf, 0.0]])
    k = gumbel_max(x, size=200, rng=9)
    hard = gumbel_softmax(x, 0.7, size=200, rng=9, hard=True)
    np.testing.assert_array_equal(hard.argmax(axis=-1), k)
    np.testing.assert_array_equal(hard.sum(axis=-1), 1.0)


# ---------------------------------------------------------------------------------------------
# Shapes


@pytest.mark.parametrize("sampler", SAMPLERS)
@pytest.mark.parametrize(
    "logits_shape, size, expected",
    [
        ((4,), None, ()),
        ((4,), 7, (7,)),
        ((4,), (2, 3), (2, 3)),
        ((4,), 0, (0,)),
        ((5, 4), None, (5,)),
        ((5, 4), 7, (7, 5)),
        ((5, 4), (2, 3), (2, 3, 5)),
        ((1, 4), 3, (3, 1)),
    ],
)
def test_output_shapes(sampler, logits_shape, size, expected):
    out = np.asarray(sampler(np.zeros(logits_shape), size=size, rng=0))
    assert out.shape == expected
    assert out.dtype.kind == "i"
    assert np.all((out >= 0) & (out < logits_shape[-1]))


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_same_seed_same_samples_and_generator_advances(sampler):
    x = np.array([0.0, 1.0, 2.0])
    np.testing.assert_array_equal(sampler(x, size=100, rng=3), sampler(x, size=100, rng=3))
    gen = np.random.default_rng(3)
    first, second = sampler(x, size=100, rng=gen), sampler(x, size=100, rng=gen)
    assert np.any(first != second)


def test_samplers_do_not_touch_global_numpy_state():
    state = np.random.get_state()[1].copy()
    gumbel_max([0.0, 1.0], size=10)
    sample_categorical([0.0, 1.0], size=10)
    sample_gumbel(10)
    np.testing.assert_array_equal(np.random.get_state()[1], state)


# ---------------------------------------------------------------------------------------------
# Shift invariance and scaling


SHIFT_LOGITS = [
    np.array([0.5, -1.25, 2.0, 0.0, -np.inf, 0.75]),
    np.array([[0.5, -0.5, 1.5], [-3.0, -np.inf, 2.25]]),
]


@pytest.mark.parametrize("x", SHIFT_LOGITS)
@pytest.mark.parametrize("c", [1.0, -7.0, 1024.0, -3.0e6])
def test_shift_invariance_is_exact(x, c):
    assert np.array_equal(x + c - c, x)  # dyadic logits, integer c: x + c is exact
    for size in [None, 1, 500]:
        np.testing.assert_array_equal(gumbel_max(x + c, size=size, rng=4), gumbel_max(x, size=size, rng=4))
        np.testing.assert_array_equal(
            sample_categorical(x + c, size=size, rng=4), sample_categorical(x, size=size, rng=4)
        )
        np.testing.assert_array_equal(
            gumbel_softmax(x + c, 0.5, size=size, rng=4, hard=True), gumbel_softmax(x, 0.5, size=size, rng=4, hard=True)
        )
        np.testing.assert_array_equal(gumbel_softmax(x + c, 0.5, size=size, rng=4), gumbel_softmax(x, 0.5, size=size, rng=4))


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_scaling_changes_the_law(sampler):
    x = np.array([0.0, 0.5, 1.0, 1.5])
    for scale in (0.5, 2.0):
        samples = sampler(scale * x, size=50_000, rng=8)
        assert goodness_of_fit(samples, softmax(x)).pvalue < 1e-20
        assert_law(samples, softmax(scale * x))


# ---------------------------------------------------------------------------------------------
# Gumbel noise


def test_sample_gumbel_matches_scipy_gumbel_r():
    g = sample_gumbel(200_000, rng=0)
    assert g.shape == (200_000,) and g.dtype == np.float64
    res = stats.kstest(g, stats.gumbel_r.cdf)
    assert res.pvalue > P_MIN
    assert abs(g.mean() - np.euler_gamma) < 5 * (np.pi / np.sqrt(6)) / np.sqrt(g.size)
    # the same test detects a shifted law
    assert stats.kstest(g + 0.02, stats.gumbel_r.cdf).pvalue < 1e-6


@pytest.mark.parametrize("shape, expected", [(None, ()), (3, (3,)), ((2, 5), (2, 5)), (0, (0,))])
def test_sample_gumbel_shapes(shape, expected):
    assert sample_gumbel(shape, rng=1).shape == expected


def test_sample_gumbel_is_finite_when_uniforms_are_zero():
    gen = ZeroUniforms(np.random.PCG64(0))
    assert gen.random(3).tolist() == [0.0, 0.0, 0.0]  # the stub really returns zeros
    with np.errstate(divide="ignore"):
        assert np.isinf(-np.log(-np.log(gen.random(3)))).all()  # the unguarded formula breaks
    g = sample_gumbel((4, 3), rng=gen)
    assert np.isfinite(g).all()
    np.testing.assert_allclose(g, -np.log(-np.log(np.finfo(np.float64).tiny)))


def test_samplers_are_finite_and_valid_when_uniforms_are_zero():
    x = np.array([0.0, 2.0, -np.inf, 1.0])
    k = gumbel_max(x, size=10, rng=ZeroUniforms(np.random.PCG64(0)))
    np.testing.assert_array_equal(k, 1)  # equal noise everywhere: the largest logit wins
    y = gumbel_softmax(x, 0.5, size=10, rng=ZeroUniforms(np.random.PCG64(0)))
    assert np.isfinite(y).all() and np.allclose(y.sum(axis=-1), 1.0) and np.all(y[:, 2] == 0)
    idx, m = perturbed_max(x, size=10, rng=ZeroUniforms(np.random.PCG64(0)))
    assert np.isfinite(m).all() and np.all(idx == 1)


def test_sample_gumbel_upper_end_is_finite():
    """U = 1 - 2**-53, the largest uniform, gives the largest Gumbel value, about 36.7."""

    class MaxUniforms(ZeroUniforms):
        def random(self, size=None, dtype=np.float64, out=None):
            out = super().random(size, dtype, out)
            out[...] = 1 - 2.0**-53
            return out

    g = sample_gumbel(3, rng=MaxUniforms(np.random.PCG64(0)))
    assert np.isfinite(g).all() and 36 < g[0] < 37


# ---------------------------------------------------------------------------------------------
# The perturbed maximum


def test_perturbed_max_follows_gumbel_at_logsumexp_independently_of_the_index():
    x = np.array([1.0, -0.5, 0.3, -np.inf, 2.0])
    n = 100_000
    index, m = perturbed_max(x, size=n, rng=12)
    assert index.shape == m.shape == (n,)
    law = stats.gumbel_r(loc=logsumexp(x))
    assert stats.kstest(m, law.cdf).pvalue > P_MIN
    assert_law(index, softmax(x))
    # independence: the maximum given each index has the same Gumbel(logsumexp) law
    for k in np.flatnonzero(np.isfinite(x)):
        assert stats.kstest(m[index == k], law.cdf).pvalue > P_MIN
    # the maximum is the value x_k + g_k at the returned index, so it exceeds x_k - 6.6
    assert np.all(m >= x[index] - 6.6)
    # the test can fail: the law at location max(x) (not logsumexp) is rejected
    assert stats.kstest(m, stats.gumbel_r(loc=x.max()).cdf).pvalue < 1e-6


def test_perturbed_max_index_agrees_with_gumbel_max():
    x = np.array([[0.0, 1.0, 2.0], [3.0, 0.0, -np.inf]])
    index, m = perturbed_max(x, size=300, rng=21)
    np.testing.assert_array_equal(index, gumbel_max(x, size=300, rng=21))
    g = sample_gumbel((300,) + x.shape, rng=21)
    np.testing.assert_allclose(m, np.max(x + g, axis=-1))


# ---------------------------------------------------------------------------------------------
# Bad input


ALL_SAMPLERS = [gumbel_max, sample_categorical, perturbed_max]


@pytest.mark.parametrize("sampler", ALL_SAMPLERS)
@pytest.mark.parametrize(
    "logits",
    [
        [0.0, np.nan, 1.0],
        [[0.0, 1.0], [np.nan, 0.0]],
        [0.0, np.inf],
        [[np.inf, np.nan]],
        [-np.inf, -np.inf],
        [[0.0, 1.0], [-np.inf, -np.inf]],
        [],
        np.zeros((3, 0)),
        np.zeros((0, 3)),
        5.0,
        np.zeros((2, 2, 2)),
        [[0.0, 1.0], [2.0]],
    ],
)
def test_bad_logits_raise_naming_logits(sampler, logits):
    with pytest.raises(ValueError, match="logits"):
        sampler(logits, size=3, rng=0)


@pytest.mark.parametrize("sampler", ALL_SAMPLERS)
@pytest.mark.parametrize("logits", [["a", "b"], None, [0.0, None]])
def test_logits_of_the_wrong_type_raise_type_error(sampler, logits):
    with pytest.raises(TypeError, match="logits must be real numbers"):
        sampler(logits, size=3, rng=0)


@pytest.mark.parametrize("sampler", ALL_SAMPLERS)
def test_bad_logits_are_found_in_every_block(sampler, monkeypatch):
    """A NaN far from the start of a large batch is still caught (gumbel_max validates per block)."""
    import gumbel_utils.sampling as sampling

    monkeypatch.setattr(sampling, "_BLOCK", 64)
    for bad in (np.nan, np.inf):
        x = np.zeros((500, 12))
        x[377, 5] = bad
        with pytest.raises(ValueError, match="logits"):
            sampler(x, rng=0)
    x = np.zeros((500, 12))
    x[499] = -np.inf
    with pytest.raises(ValueError, match="logits"):
        sampler(x, rng=0)
    with pytest.raises(ValueError, match="logits"):
        sampler(x, size=0, rng=0)  # no sample drawn, the input is still checked


@pytest.mark.parametrize("sampler", ALL_SAMPLERS)
@pytest.mark.parametrize("size, error", [(-1, ValueError), ((2, -3), ValueError), (2.5, TypeError),
                                         ("3", TypeError), ((2, None), TypeError), (True, TypeError),
                                         ([1.5], TypeError)])
def test_bad_size_raises_naming_size(sampler, size, error):
    with pytest.raises(error, match="size"):
        sampler([0.0, 1.0], size=size, rng=0)


@pytest.mark.parametrize("shape, error", [(-2, ValueError), (1.5, TypeError), ("x", TypeError), ((3, -1), ValueError)])
def test_bad_shape_for_sample_gumbel(shape, error):
    with pytest.raises(error, match="shape"):
        sample_gumbel(shape, rng=0)


@pytest.mark.parametrize("sampler", ALL_SAMPLERS + [lambda x, size, rng: sample_gumbel(size, rng=rng)])
@pytest.mark.parametrize("rng, error", [("seed", TypeError), (1.5, TypeError), (-1, ValueError),
                                        (np.random.RandomState(0), TypeError), (object(), TypeError)])
def test_bad_rng_raises_naming_rng(sampler, rng, error):
    with pytest.raises(error, match="rng"):
        sampler([0.0, 1.0], size=3, rng=rng)


def test_rng_accepts_none_int_and_generator():
    for rng in (None, 0, np.int64(5), np.random.default_rng(1)):
        assert gumbel_max([0.0, 1.0], size=4, rng=rng).shape == (4,)
