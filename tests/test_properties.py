"""Hypothesis properties of softmax, log_softmax and gumbel_softmax at extreme logits and temperatures.

Logits have entries in [-1e4, 1e4] with some -inf (never a whole row); temperatures lie in
[1e-8, 1e4]; noise is any finite value a standard Gumbel draw can take (about [-6.6, 36.8]).
"""

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gumbel_utils import gumbel_max, gumbel_softmax, log_softmax, softmax

finite_logit = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
logit_or_neg_inf = st.one_of(finite_logit, finite_logit, finite_logit, st.just(-np.inf))
taus = st.one_of(st.floats(min_value=1e-8, max_value=1e4), st.sampled_from([1e-8, 1.0, 1e4]))
gumbel_value = st.floats(min_value=-6.6, max_value=36.8, allow_nan=False)


@st.composite
def logits(draw, max_k=8, k=None):
    k = draw(st.integers(min_value=1, max_value=max_k)) if k is None else k
    x = draw(arrays(np.float64, k, elements=logit_or_neg_inf))
    assume(np.isfinite(x).any())
    return x


@st.composite
def logits_and_noise(draw, k=None):
    x = draw(logits(k=k))
    g = draw(arrays(np.float64, x.shape, elements=gumbel_value))
    return x, g


def assert_on_simplex(y, x):
    assert np.isfinite(y).all()
    assert (y >= 0).all()
    assert abs(y.sum() - 1.0) <= 1e-12
    assert (y[np.isneginf(x)] == 0.0).all()


@given(logits(), taus)
def test_softmax_is_on_the_simplex(x, tau):
    assert_on_simplex(softmax(x, tau), x)


@given(logits(), taus)
def test_log_softmax_is_finite_except_minus_inf_logits(x, tau):
    lp = log_softmax(x, tau)
    finite = np.isfinite(x)
    assert np.isfinite(lp[finite]).all() and (lp[finite] <= 0).all()
    assert (lp[~finite] == -np.inf).all()
    p = np.exp(lp)
    assert_on_simplex(p / p.sum(), x)
    np.testing.assert_allclose(p, softmax(x, tau), rtol=1e-9, atol=1e-300)


@given(logits_and_noise(), taus)
def test_gumbel_softmax_is_on_the_simplex_and_its_largest_coordinate_is_the_gumbel_max(xg, tau):
    x, g = xg
    y = gumbel_softmax(x, tau, noise=g)
    assert_on_simplex(y, x)
    hard = gumbel_softmax(x, tau, noise=g, hard=True)
    assert hard.sum() == 1.0 and set(np.unique(hard)) <= {0.0, 1.0}
    k = int(hard.argmax())  # the Gumbel-max index for the same noise
    assert np.isfinite(x[k])
    assert y[k] == y.max()  # a maximal coordinate (float ties may make np.argmax pick another)
    z = x + g  # without rounding ties, it is also argmax(x + g) computed naively
    top2 = np.sort(z)[-2:] if z.size > 1 else np.array([-np.inf, z[0]])
    if top2[1] - top2[0] > 1e-9 * max(1.0, abs(top2[1])):
        assert k == int(np.argmax(z))


@given(logits_and_noise())
def test_small_tau_gives_the_one_hot_of_the_gumbel_max(xg):
    x, g = xg
    tau = 1e-8
    z = np.sort(x + g)
    gap = z[-1] - z[-2] if z.size > 1 else np.inf
    assume(gap > 1e-6)  # then every other coordinate is below exp(-gap / tau) < exp(-100)
    y = gumbel_softmax(x, tau, noise=g)
    np.testing.assert_array_equal(y, gumbel_softmax(x, tau, noise=g, hard=True))


@given(logits_and_noise(), taus)
def test_relaxed_sample_within_exact_bounds_of_the_uniform(xg, tau):
    """With R the spread of the finite x + g, every nonzero coordinate satisfies |K' y_k - 1| <= expm1(R / tau)."""
    x, g = xg
    finite = np.isfinite(x)
    z = (x + g)[finite]
    spread = z.max() - z.min()
    y = gumbel_softmax(x, tau, noise=g)
    bound = np.expm1(spread / tau) if spread / tau < 700 else np.inf
    assert np.all(np.abs(finite.sum() * y[finite] - 1.0) <= bound * (1 + 1e-9) + 1e-12)


@given(logits_and_noise())
def test_large_tau_gives_the_uniform_vector_on_finite_logits(xg):
    x, g = xg
    tau = 1e9  # spread of x + g is at most 2e4 + 43.4, so |K' y_k - 1| <= expm1(2.01e-5)
    y = gumbel_softmax(x, tau, noise=g)
    kk = np.isfinite(x).sum()
    np.testing.assert_allclose(y[np.isfinite(x)], 1.0 / kk, rtol=2.1e-5)
    assert (y[~np.isfinite(x)] == 0.0).all()


@given(logits(), st.integers(min_value=0, max_value=2**32 - 1))
def test_gumbel_max_never_returns_a_minus_inf_logit_and_equals_hard_gumbel_softmax(x, seed):
    k = gumbel_max(x, size=20, rng=seed)
    assert np.isfinite(x[k]).all()
    hard = gumbel_softmax(x, 1.0, size=20, rng=seed, hard=True)
    np.testing.assert_array_equal(hard.argmax(axis=-1), k)


@given(logits(), st.integers(min_value=-2000, max_value=2000), st.integers(min_value=0, max_value=2**32 - 1))
def test_shift_invariance_for_exactly_representable_shifts(x, c, seed):
    x = np.round(x * 4) / 4  # quarter-integers with |x| <= 1e4: x + c is exact
    assume(np.isfinite(x).any())
    assert np.array_equal(x + c - c, x)
    np.testing.assert_array_equal(gumbel_max(x + c, size=10, rng=seed), gumbel_max(x, size=10, rng=seed))


@given(st.integers(min_value=1, max_value=4), st.data(), taus)
def test_batched_gumbel_softmax_rows_are_on_the_simplex(batch, data, tau):
    rows = [data.draw(logits_and_noise(k=3)) for _ in range(batch)]
    x = np.stack([r[0] for r in rows])
    g = np.stack([r[1] for r in rows])
    y = gumbel_softmax(x, tau, noise=g)
    assert y.shape == x.shape
    for b in range(batch):
        assert_on_simplex(y[b], x[b])
        np.testing.assert_array_equal(y[b], gumbel_softmax(x[b], tau, noise=g[b]))
