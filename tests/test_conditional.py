"""Tests of gumbel_utils.conditional: the conditional Gumbel draws (Eq. 9) and Gumbel-Rao (REBAR: tests/test_rebar.py)."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from _estimator_fixtures import LOGITS, OBJS, within
from gumbel_utils import softmax, conditional
from gumbel_utils import estimators, gradient_stats, objectives


# ------------------------------------------------------------------ Gumbel-Rao


@pytest.mark.parametrize("k_index", [0, 1, 2])
def test_conditional_gumbel_matches_rejection_sampling(k_index):
    x = np.array([1.0, 0.5, -0.5])
    rng = np.random.default_rng(11)
    z = x + rng.gumbel(size=(60_000, 3))
    kept = z[z.argmax(-1) == k_index][:8000]
    cond = conditional.conditional_gumbel(x, np.full(kept.shape[0], k_index), rng=12)
    assert (cond.argmax(-1) == k_index).all()
    for j in range(3):
        assert stats.ks_2samp(kept[:, j], cond[:, j]).pvalue > 1e-3, (k_index, j)


def test_gumbel_rao_m1_has_straight_through_law():
    x, f = LOGITS[0], objectives.Cubic()
    a = estimators.straight_through(x, f, 20_000, tau=0.5, rng=1)[:, 0]
    b = conditional.gumbel_rao(x, f, 20_000, tau=0.5, m=1, rng=2)[:, 0]
    assert stats.ks_2samp(a, b).pvalue > 1e-3


@pytest.mark.slow
@pytest.mark.parametrize("f", OBJS, ids=lambda f: f.name)
def test_gumbel_rao_same_mean_lower_variance(f):
    x = LOGITS[0]
    taus = np.array([0.1, 0.5, 2.0])
    st_ = gradient_stats.bias_variance("straight_through", x, f, taus, n_samples=40_000, rng=1)
    gr = gradient_stats.bias_variance("gumbel_rao", x, f, taus, n_samples=40_000, rng=2, m=10)
    se = np.sqrt(st_.bias_se**2 + gr.bias_se**2)
    assert within(gr.mean, st_.mean, se)
    assert np.all(gr.variance <= st_.variance + 5 * st_.variance_se)
    assert np.all(gr.variance[:2] < 0.7 * st_.variance[:2])


def test_gumbel_rao_from_precomputed_draws_is_identical():
    x, f = LOGITS[0], objectives.Cubic()
    draws = conditional.gumbel_rao_draws(x, 500, m=7, rng=3)
    a = conditional.gumbel_rao(x, f, 500, tau=[0.1, 1.0], m=7, draws=draws)
    b = conditional.gumbel_rao(x, f, 500, tau=[0.1, 1.0], m=7, rng=3)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="draws must be"):
        conditional.gumbel_rao(x, f, 400, tau=0.1, m=7, draws=draws)
