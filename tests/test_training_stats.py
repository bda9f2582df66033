"""gumbel_utils.training_stats: logit scale along training, REBAR's variance against eta, float32 pitfalls.

The last tests check the numbers Notebook 4 prints and the claims its text makes about these
measurements, with the notebook's own calls (same arguments, same seeds).
"""

from __future__ import annotations

import numpy as np
import pytest

from gumbel_utils.gradient_stats import bias_variance, bias_variance_from_estimates
from gumbel_utils.objectives import OBJECTIVES, Cubic
from gumbel_utils.training import train_logits
from gumbel_utils.training_stats import float32_pitfalls, logit_scale, rebar_eta_variance

NB_X = np.array([1.0, 0.5, 0.0])


def test_logit_scale():
    theta = np.array([[0.0, 0.0, 0.0], [3.0, 1.0, -1.0], [30.0, 0.0, 0.0]])
    norm, frac = logit_scale(theta, 0.5, n_samples=4000, rng=1)
    np.testing.assert_allclose(norm, np.linalg.norm(theta - theta.mean(1, keepdims=True), axis=1))
    assert frac[0] < frac[1] < frac[2] == 1.0
    # shift invariance: adding a constant to every logit changes nothing
    assert np.array_equal(logit_scale(theta + 5.0, 0.5, n_samples=4000, rng=1)[1], frac)
    with pytest.raises(ValueError, match="threshold"):
        logit_scale(theta, 0.5, threshold=1.0)
    with pytest.raises(ValueError, match="tau"):
        logit_scale(theta, 0.0)


def test_float32_pitfalls():
    rows = float32_pitfalls([1.0, 0.5, 0.0], Cubic(), [1.0, 0.1, 0.01], n_samples=20_000, rng=0)
    assert rows[0].naive_nan32 == 0.0 and rows[0].one_hot32 == 0.0 and rows[0].rounds_to_one32 == 0.0
    assert rows[2].naive_nan32 > 0.5 and rows[2].naive_nan64 < 0.05
    assert all(r.stable_nan32 == 0.0 for r in rows)
    assert all(r.one_hot32 >= r.one_hot64 and r.zero_grad32 >= r.zero_grad64 for r in rows)
    # a largest coordinate of exactly 1 is not one-hot: far more samples round to 1 than have a zero gradient
    assert rows[1].rounds_to_one32 > 20 * rows[1].zero_grad32 > 0 and rows[1].zero_grad32 >= rows[1].one_hot32
    # and the float32 mean gradient agrees with float64 far below the Monte Carlo error
    assert all(r.mean_grad_rel_error < 1e-3 * r.mean_grad_rel_se for r in rows)


def test_float32_zero_gradient_means_every_component_underflows():
    """Recount one temperature by hand: exactly-zero gradients are those with every y_k(v_k - <y, v>) = 0."""
    from gumbel_utils import sample_gumbel

    x, tau = np.array([1.0, 0.5, 0.0]), np.float32(0.1)
    s = (sample_gumbel((20_000, 3), rng=0) + x).astype(np.float32)
    z = (s - s.max(axis=1, keepdims=True)) / tau
    y = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    v = Cubic().grad(y).astype(np.float32)
    g = y * (v - (y * v).sum(axis=1, keepdims=True)) / tau
    row = float32_pitfalls(x, Cubic(), [0.1], n_samples=20_000, rng=0)[0]
    assert row.zero_grad32 == pytest.approx(float((g == 0).all(axis=1).mean()), abs=1e-12)
    assert row.rounds_to_one32 == pytest.approx(float((y.max(axis=1) == 1).mean()), abs=1e-12)


def test_logit_scale_bad_input():
    with pytest.raises(ValueError, match="tau"):
        logit_scale(np.zeros(3), [0.5, 1.0])
    with pytest.raises(ValueError, match="theta"):
        logit_scale([0.0], 0.5)
    with pytest.raises(ValueError, match="theta"):
        logit_scale([np.inf, 0.0], 0.5)
    with pytest.raises(TypeError, match="tau"):
        logit_scale(np.zeros(3), "0.5")


def test_rebar_variance_at_any_eta_is_the_parabola_on_the_same_draws():
    taus = np.array([0.1, 1.0])
    r = rebar_eta_variance(NB_X, Cubic(), taus, [0.0, 0.5, 1.0, 2.0], n_samples=3000, rng=5)
    etas = np.linspace(-0.5, 2.5, 7)
    grid = r.variance_at(etas)  # (T, E): one parabola per temperature
    assert grid.shape == (2, 7) and r.variance_at(1.0).shape == (2,)
    for j, eta in enumerate(etas):
        np.testing.assert_allclose(grid[:, j], r.variance_at(eta), rtol=1e-14)
    np.testing.assert_allclose(r.variance_at(r.eta), r.variance, rtol=1e-10)
    # the measured spread is summarize's (trace of the covariance and its standard error), draw for draw
    from gumbel_utils.conditional import rebar

    seed = int(np.random.default_rng(5).integers(2**63))
    s = bias_variance_from_estimates(rebar(NB_X, Cubic(), 3000, tau=taus, rng=seed, eta=0.5), np.zeros(3))
    np.testing.assert_allclose(r.variance[:, 1], s.variance, rtol=1e-10)
    np.testing.assert_allclose(r.variance_se[:, 1], s.variance_se, rtol=1e-6)


# ----------------------------------------------------------------------------- Notebook 4's numbers and claims


@pytest.mark.slow
def test_notebook_section3_rebar_numbers():
    from gumbel_utils.conditional import rebar
    from gumbel_utils.estimators import score_function

    fc = OBJECTIVES["cubic"]
    assert np.array_equal(rebar(NB_X, fc, 10_000, tau=0.3, eta=0.0, rng=1), score_function(NB_X, fc, 10_000, rng=1))
    taus_b = np.geomspace(0.01, 10, 13)
    res = {name: bias_variance(name, NB_X, fc, taus_b, n_samples=30_000, rng=20)
           for name in ("rebar", "gumbel_softmax_grad")}
    z = {k: np.max(np.abs(r.bias) / r.bias_se, axis=1) for k, r in res.items()}
    assert (z["rebar"] < 5).all()
    assert (z["gumbel_softmax_grad"][taus_b >= 0.3] > 5).all()
    for fo in OBJECTIVES.values():
        r = bias_variance("rebar", NB_X, fo, taus_b, n_samples=30_000, rng=22)
        assert np.max(np.abs(r.bias) / r.bias_se) < 5
    taus_v = np.geomspace(0.01, 10, 25)
    rv = rebar_eta_variance(NB_X, fc, taus_v, np.linspace(0, 2, 21), n_samples=20_000, rng=23)
    worse = taus_v[rv.variance_at(1.0) > rv.score_variance]
    assert worse.max() == pytest.approx(0.5623, abs=1e-3) and worse.size == 15  # "for τ <= 0.562 (15 of 25)"
    assert (taus_v[rv.variance_at(1.0) <= rv.score_variance] > worse.max()).all()  # and only there
    assert (rv.variance_opt <= rv.score_variance + 1e-12).all()
    assert rv.variance_opt[-1] < 0.25 * rv.score_variance  # far below it at large tau
    base = bias_variance("score_function_baseline", NB_X, fc, n_samples=20_000, rng=24)
    assert base.variance < rv.score_variance / 2


@pytest.mark.slow
def test_notebook_sections6_7_logit_scale_and_float32():
    every25 = np.arange(0, 1001, 25)
    lin = train_logits("gumbel_softmax_grad", OBJECTIVES["linear"], np.zeros(3), steps=1000, lr=0.05, batch=4, tau=0.5, rng=0)
    quad_ = train_logits("gumbel_softmax_grad", OBJECTIVES["quadratic"], np.zeros(3), steps=1000, lr=0.05, batch=4, tau=0.5,
                    rng=0)
    n_lin, f_lin = logit_scale(lin.theta[0, every25], 0.5, n_samples=2000, rng=26)
    n_quad, f_quad = logit_scale(quad_.theta[0, every25], 0.5, n_samples=2000, rng=26)
    assert f_lin[-1] > 0.95 and f_quad[-1] < 0.4 and n_lin[-1] > 2 * n_quad[-1]
    rows = {r.tau: r for r in float32_pitfalls(NB_X, Cubic(), [1.0, 0.3, 0.1, 0.03, 0.01], n_samples=100_000, rng=27)}
    assert 0.25 < rows[0.03].naive_nan32 < 0.4 and rows[0.03].naive_nan64 == 0.0
    assert rows[0.01].naive_nan64 < 0.01
    assert all(r.stable_nan32 == 0.0 for r in rows.values())
    assert rows[0.1].rounds_to_one32 > 0.25 and rows[0.1].rounds_to_one64 < 0.06  # y.max() == 1 ...
    assert rows[0.1].zero_grad32 < 0.01 and rows[0.1].one_hot32 < 0.001  # ... is not one-hot: few zero gradients


def test_run_band_and_final_gap_by_tau():
    from gumbel_utils.training_stats import final_gap_by_tau, run_band

    tr = train_logits("straight_through", Cubic(), np.zeros(3), steps=30, batch=2, rng=[0, 1, 2])
    band = run_band(tr.objective)
    np.testing.assert_allclose(band.median, np.median(tr.objective, axis=0))
    assert np.all(band.low <= band.median) and np.all(band.median <= band.high)
    np.testing.assert_allclose([band.low, band.high], [tr.objective.min(0), tr.objective.max(0)])
    with pytest.raises(ValueError, match="runs, steps"):
        run_band(np.zeros(3))
    gaps = np.array([[0.3, 0.5, 0.4], [0.1, 0.2, 0.15], [0.4, 0.4, 0.7]])
    g = final_gap_by_tau(gaps)
    np.testing.assert_allclose(g.mean, gaps.mean(1))
    np.testing.assert_allclose(g.se, gaps.std(1, ddof=1) / np.sqrt(3))
    assert g.best == 1
    with pytest.raises(ValueError, match="at least 2 runs"):
        final_gap_by_tau(np.zeros((3, 1)))
