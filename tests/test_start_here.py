"""The claims Notebook 0 (start here) prints, checked: log(alpha), not alpha, goes into the Gumbel trick."""

from __future__ import annotations

import numpy as np
import pytest

from gumbel_utils import goodness_of_fit, gumbel_max, softmax, total_variation

ALPHA = np.array([0.2, 0.3, 0.5])
N = 100_000


def test_alpha_as_logits_samples_the_flatter_softmax_of_alpha():
    slip = gumbel_max(ALPHA, size=N, rng=1)
    assert goodness_of_fit(slip, ALPHA).pvalue < 1e-12
    assert goodness_of_fit(slip, softmax(ALPHA)).pvalue > 1e-3
    assert softmax(ALPHA).max() < ALPHA.max() and softmax(ALPHA).min() > ALPHA.min()  # flatter
    assert total_variation(softmax(ALPHA), ALPHA) == pytest.approx(0.109, abs=5e-4)


def test_log_alpha_samples_alpha_normalised_or_not():
    trick = gumbel_max(np.log(ALPHA), size=N, rng=2)
    assert goodness_of_fit(trick, ALPHA).pvalue > 1e-3
    assert goodness_of_fit(trick, softmax(ALPHA)).pvalue < 1e-12
    for scale in (7.0, 1e-3, 1e6):
        np.testing.assert_array_equal(gumbel_max(np.log(scale * ALPHA), size=N, rng=2), trick)


def test_no_scale_of_alpha_reproduces_alpha():
    betas = np.linspace(0.1, 20, 400)
    tv = np.array([total_variation(softmax(b * ALPHA), ALPHA) for b in betas])
    assert tv.min() > 0.01
