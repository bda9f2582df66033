"""``gumbel_utils.vae_gradient_stats``: estimators inside the VAE against its exact gradient, per parameter group."""

from __future__ import annotations

import math

import numpy as np
import pytest

from _vae_fixtures import _batch, data  # noqa: F401  (fixture)
from gumbel_utils.tau_star import mse_optimal_tau
from gumbel_utils.vae import CategoricalVAE
from gumbel_utils.vae_gradient_stats import GROUPS, estimator_gradients, exact_group_gradients, vae_bias_variance

TINY = dict(latents=2, categories=3, hidden=8)


@pytest.fixture(scope="module")
def setup(data):
    model = CategoricalVAE(**TINY, rng=4)
    x = _batch(data, 6)
    return model, x, exact_group_gradients(model, x)


def test_shapes_and_groups(setup):
    model, x, exact = setup
    g = estimator_gradients(model, x, estimator="straight_through", tau=0.5, codes=3, replicates=7, rng=0)
    assert list(g) == list(GROUPS)
    for grp in GROUPS:
        assert g[grp].shape == (7, exact[grp].size)
    assert exact["encoder logits"].size == len(x) * 2 * 3


def _z_along_random_directions(g: np.ndarray, exact: np.ndarray, seed: int = 0) -> float:
    """Largest |u.(mean - exact)| / se(u.g) over 4 random directions u."""
    u = np.random.default_rng(seed).normal(size=(4, exact.size))
    proj = g @ u.T
    return float(np.max(np.abs(proj.mean(0) - u @ exact) / (proj.std(0, ddof=1) / math.sqrt(len(g)))))


@pytest.mark.parametrize("estimator, options", [("score_function", {}), ("rebar", {"eta": 1.0}),
                                                ("score_function_baseline", {})])
def test_unbiased_estimators_average_to_the_exact_gradient(setup, estimator, options):
    model, x, exact = setup
    g = estimator_gradients(model, x, estimator=estimator, tau=0.4, codes=2, replicates=3000, rng=1, options=options)
    for grp in GROUPS:
        assert _z_along_random_directions(g[grp], exact[grp]) < 5, grp


def test_the_relaxed_estimator_is_biased_and_the_check_sees_it(setup):
    model, x, exact = setup
    g = estimator_gradients(model, x, estimator="gumbel_softmax_grad", tau=2.0, replicates=3000, rng=2)
    assert _z_along_random_directions(g["decoder"], exact["decoder"]) > 20


def test_every_one_hot_decoder_gets_the_same_decoder_gradient(setup):
    """Straight-through, the score function and Gumbel-Rao decode the same one-hot code for the same noise."""
    model, x, _ = setup
    runs = [estimator_gradients(model, x, estimator=name, tau=0.5, replicates=5, rng=3)["decoder"]
            for name in ("straight_through", "score_function", "gumbel_rao")]
    np.testing.assert_array_equal(runs[0], runs[1])
    np.testing.assert_array_equal(runs[0], runs[2])


def test_mse_of_independent_estimates_from_one_run_matches_real_batches(setup):
    """bias^2 + variance / n from single-code replicates agrees with real batches of n codes per image."""
    model, x, exact = setup
    r = vae_bias_variance(model, x, "straight_through", [0.5], replicates=3000, codes=[1, 4], rng=4, exact=exact)
    g4 = estimator_gradients(model, x, estimator="straight_through", tau=0.5, codes=4, replicates=1500, rng=5)
    for grp in GROUPS:
        err = np.einsum("rp,rp->r", g4[grp] - exact[grp], g4[grp] - exact[grp])
        se = math.hypot(err.std(ddof=1) / math.sqrt(err.size), float(r[grp].mse_se_at(4)[0]))
        assert abs(err.mean() - float(r[grp].mse_at(4)[0])) < 5 * se, grp


def test_leave_one_out_batches_are_real_batches(setup):
    """One code per image: no baseline (the plain score function); more codes: measured, not bias^2 + var/n."""
    model, x, exact = setup
    loo = vae_bias_variance(model, x, "score_function_baseline", [0.3, 1.0], replicates=400, codes=[1, 4],
                            batch_replicates=400, rng=6, exact=exact)
    plain = vae_bias_variance(model, x, "score_function", [0.3, 1.0], replicates=400, codes=[1], rng=6, exact=exact)
    for grp in GROUPS:
        assert loo[grp].batch_dependent and set(loo[grp].batch_mse) == {1, 4}
        np.testing.assert_allclose(loo[grp].mse_at(1), plain[grp].mse_at(1), rtol=1e-12)
        assert np.all(loo[grp].mse_at(4) < loo[grp].mse_at(1))
    with pytest.raises(ValueError, match="batches of 16"):
        loo["decoder"].mse_at(16)


def test_tau_star_reads_the_group_results(setup):
    model, x, exact = setup
    r = vae_bias_variance(model, x, "gumbel_softmax_grad", np.geomspace(0.05, 5, 5), replicates=200, codes=[1, 16],
                          rng=7, exact=exact)
    for grp in GROUPS:
        star = mse_optimal_tau(r[grp], 16)
        assert star.tau_low <= star.tau <= star.tau_high and star.tau in r[grp].tau
        assert r[grp].variance.shape == (5,) and r[grp].n_samples == 200


def test_baseline_over_the_images(setup):
    model, x, _ = setup
    g = estimator_gradients(model, x, estimator="score_function_baseline", tau=1.0, baseline_batch="images",
                            replicates=4, rng=0)
    assert g["decoder"].shape[0] == 4
    with pytest.raises(ValueError, match="codes must be 1"):
        estimator_gradients(model, x, estimator="score_function_baseline", tau=1.0, codes=2, baseline_batch="images")
    with pytest.raises(ValueError, match="baseline_batch"):
        estimator_gradients(model, x, estimator="straight_through", tau=1.0, baseline_batch="pixels")
    with pytest.raises(ValueError, match="estimator"):
        estimator_gradients(model, x, estimator="noise_free_grad", tau=1.0)
