"""gumbel_utils.training: the toy as an objective, schedules, the noise-free softmax, the optimisers.

The second half checks the numbers Notebook 4 prints and the claims its text makes about training,
with the notebook's own calls (same arguments, same seeds). The relaxed toy's quadrature is tested in
test_relaxed_toy.py, the measurements around training in test_training_stats.py.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import expit

from gumbel_utils import training as T
from gumbel_utils.training import train_logits, train_toy
from gumbel_utils.registry import ESTIMATORS
from gumbel_utils.gradient_stats import bias_variance
from gumbel_utils.objectives import OBJECTIVES, Linear, Quadratic, expected_value, vertex_values
from gumbel_utils.estimators import noise_free_grad
from gumbel_utils.relaxed_toy import relaxed_toy_argmin, relaxed_toy_minimizer, relaxed_toy_objective
from gumbel_utils.schedules import anneal


@pytest.mark.parametrize("call", [
    lambda: train_toy("score_function", "0.4"),
])
def test_wrong_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call()


# ----------------------------------------------------------------------------- schedules


# ----------------------------------------------------------------------------- training


def test_train_shapes_broadcasting_and_exact_objective():
    f = Quadratic()
    tr = train_logits("gumbel_softmax_grad", f, np.zeros(3), steps=30, lr=0.1, batch=[1, 4, 16], tau=0.5, rng=3)
    assert tr.theta.shape == (3, 31, 3) and tr.objective.shape == (3, 31) and tr.tau.shape == (3, 30)
    assert tr.optimum == pytest.approx(vertex_values(f, 3).min())
    for r in range(3):
        for s in (0, 7, 30):
            assert tr.objective[r, s] == pytest.approx(expected_value(tr.theta[r, s], f), abs=1e-15)
    assert (tr.batch == [1, 4, 16]).all() and (tr.seed == 3).all()
    np.testing.assert_allclose(tr.gap(5), tr.objective[:, -5:].mean(1) - tr.optimum)
    with pytest.raises(ValueError, match="lengths differ"):
        train_logits("score_function", f, np.zeros(3), steps=3, batch=[1, 2], tau=[0.1, 0.2, 0.3])


def test_train_is_reproducible_and_runs_are_independent():
    f = OBJECTIVES["cubic"]
    a = train_logits("rebar", f, [0.5, 0.0, -0.5], steps=20, lr=0.05, batch=2, tau=[0.3, 1.0], rng=[1, 2])
    b = train_logits("rebar", f, [0.5, 0.0, -0.5], steps=20, lr=0.05, batch=2, tau=1.0, rng=2)
    assert np.array_equal(a.theta[1], b.theta[0])
    c = train_logits("rebar", f, [0.5, 0.0, -0.5], steps=20, lr=0.05, batch=2, tau=[0.3, 1.0], rng=[1, 2])
    assert np.array_equal(a.theta, c.theta)


def test_adam_with_one_learning_rate_per_run_equals_separate_runs():
    f = Quadratic()
    both = train_logits("gumbel_softmax_grad", f, np.zeros(3), steps=25, lr=[0.05, 0.2], batch=2, tau=0.5, rng=[4, 4])
    for r, lr in enumerate((0.05, 0.2)):
        one = train_logits("gumbel_softmax_grad", f, np.zeros(3), steps=25, lr=lr, batch=2, tau=0.5, rng=4)
        np.testing.assert_array_equal(both.theta[r], one.theta[0])


def test_train_one_step_is_the_estimators_mean():
    """SGD: theta_1 = theta_0 - lr * mean of n estimates drawn with the run's seed."""
    f, x0 = Linear(), np.array([0.2, -0.1, 0.4])
    tr = train_logits("score_function_baseline", f, x0, steps=1, lr=0.3, batch=64, rng=9, optimizer="sgd")
    g = ESTIMATORS["score_function_baseline"](x0, f, 64, tau=1.0, rng=np.random.default_rng(9)).mean(0)
    np.testing.assert_allclose(tr.theta[0, 1], x0 - 0.3 * g, rtol=1e-15)


def test_schedule_and_progress():
    calls = []
    sched = functools.partial(anneal, tau0=1.0, tau_min=0.2, rate=0.05, every=10)
    tr = train_logits("gumbel_softmax_grad", Linear(), np.zeros(3), steps=100, tau=sched, rng=[0, 1],
                 progress=lambda done, total: calls.append((done, total)))
    np.testing.assert_allclose(tr.tau[0], sched(np.arange(100)))
    assert calls[-1] == (100, 100) and len(calls) == 50
    # one progress API: True shows a bar of its own, a ProgressBar counts the calls that share it
    from gumbel_utils.progress import ProgressBar

    train_logits("score_function", Linear(), np.zeros(3), steps=10, progress=True)
    bar = ProgressBar("three runs", parts=3)
    for seed in range(3):
        train_logits("score_function", Linear(), np.zeros(3), steps=10, rng=seed, progress=bar)
        train_toy("score_function", 0.45, steps=10, rng=seed, progress=None)
    assert bar.done_parts == 3 and bar.widget.bar_style == "success"


def test_noise_free_grad_is_the_gradient_of_f_of_the_softmax():
    f, x, tau = Quadratic(), np.array([0.3, -0.2, 0.1]), 0.7
    g = noise_free_grad(x, f, 2, tau=tau)
    h = 1e-6

    def F(v):
        y = np.exp(v / tau) / np.exp(v / tau).sum()
        return f.value(y)

    fd = np.array([(F(x + h * e) - F(x - h * e)) / (2 * h) for e in np.eye(3)])
    np.testing.assert_allclose(g[0], fd, atol=1e-8)
    assert noise_free_grad(x, f, 3, tau=[0.5, 1.0]).shape == (2, 3, 3)
    assert ESTIMATORS["noise_free_grad"].function is noise_free_grad and not ESTIMATORS["noise_free_grad"].stochastic
    assert list(ESTIMATORS)[-1] == "noise_free_grad"


def test_training_bad_input():
    f = Linear()
    with pytest.raises(ValueError, match="tau"):
        train_logits("score_function", f, np.zeros(3), steps=2, tau=0.0)
    with pytest.raises(ValueError, match="tau"):
        train_logits("score_function", f, np.zeros(3), steps=2, tau=np.nan)
    with pytest.raises(ValueError, match="theta0"):
        train_logits("score_function", f, [np.nan, 0.0], steps=2)
    with pytest.raises(ValueError, match="lr"):
        train_logits("score_function", f, np.zeros(3), steps=2, lr=-1.0)
    with pytest.raises(ValueError, match="estimator"):
        train_logits("nope", f, np.zeros(3), steps=2)
    with pytest.raises(ValueError, match="optimizer"):
        train_logits("score_function", f, np.zeros(3), steps=2, optimizer="rmsprop")
    with pytest.raises(TypeError, match="n"):
        train_logits("score_function", f, np.zeros(3), steps=2, batch=1.5)
    with pytest.raises(TypeError, match="steps"):
        train_logits("score_function", f, np.zeros(3), steps=2.0)
    with pytest.raises(TypeError, match="f"):
        train_logits("score_function", object(), np.zeros(3), steps=2)
    with pytest.raises(ValueError, match="target"):
        train_toy("score_function", 1.5, steps=2)
    with pytest.raises(ValueError, match="target"):
        train_toy("score_function", np.nan, steps=2)
    with pytest.raises(ValueError, match="tau"):
        train_toy("gumbel_softmax_grad", 0.45, steps=2, tau=-0.5)
    with pytest.raises(ValueError, match="tau"):
        train_toy("gumbel_softmax_grad", 0.45, steps=2, tau=lambda s: 0.0)


@pytest.mark.slow
def test_score_function_reaches_the_true_optimum_of_the_toy():
    tr = train_toy("score_function", 0.45, steps=2000, lr=0.1, batch=8, rng=np.arange(4))
    assert (tr.final_p(200) < 0.01).all()
    assert (tr.objective[:, -1] - 0.45**2 < 1e-3).all()


@pytest.mark.slow
@pytest.mark.parametrize("t, tau", [(0.45, 0.5), (0.45, 1.0), (0.499, 0.5)])
def test_relaxed_optimiser_ends_at_the_relaxed_minimiser(t, tau):
    """Polyak average of theta over the second half of each run; across 8 seeds the mean is within 5 se of theta*."""
    tr = train_toy("gumbel_softmax_grad", t, steps=3000, lr=0.3, batch=16, tau=tau, rng=np.arange(8), optimizer="sgd")
    avg = tr.theta[:, 1500:].mean(axis=1)
    se = avg.std(ddof=1) / np.sqrt(avg.size)
    assert abs(avg.mean() - relaxed_toy_argmin(t, tau)) < 5 * se + 0.01
    p = tr.final_p(1500)
    assert abs(p.mean() - relaxed_toy_minimizer(t, tau)) < 5 * p.std(ddof=1) / np.sqrt(p.size) + 0.003


def test_train_toy_records_the_relaxed_objective():
    tr = train_toy("gumbel_softmax_grad", 0.45, steps=50, lr=0.1, batch=4, tau=[0.3, 1.0], rng=0, relaxed=True)
    assert tr.relaxed.shape == (2, 51)
    np.testing.assert_allclose(tr.relaxed[1, 10], relaxed_toy_objective(tr.theta[1, 10], 0.45, 1.0), rtol=1e-14)
    np.testing.assert_allclose(tr.objective, 0.45**2 + expit(tr.theta) * 0.1, rtol=1e-14)
    assert train_toy("score_function", 0.45, steps=5).relaxed is None


def test_deterministic_softmax_on_the_toy_ends_at_tau_logit_t():
    tr = train_toy("noise_free_grad", 0.45, steps=4000, lr=0.05, tau=0.5)
    assert tr.theta[0, -1] == pytest.approx(0.5 * np.log(0.45 / 0.55), abs=1e-3)


# ----------------------------------------------------------------------------- Notebook 4's numbers and claims
# The same calls as notebooks/04_training_temperature.ipynb (same arguments, same seeds): what the notebook
# prints is what the package computes, and the claims of its text hold for those numbers.

@pytest.mark.slow
def test_notebook_section1_unbiased_reach_the_optimum_biased_stall():
    f = OBJECTIVES["quadratic"]
    runs = {name: train_logits(name, f, np.zeros(3), steps=400, lr=0.05, batch=4, tau=0.5, rng=[0, 1, 2])
            for name in list(ESTIMATORS)}
    gap = {name: tr.gap(50) for name, tr in runs.items()}
    for name in ("score_function", "score_function_baseline", "rebar"):
        assert (gap[name] < 0.02).all(), (name, gap[name])
    for name in ("gumbel_softmax_grad", "straight_through", "gumbel_rao", "noise_free_grad"):
        assert (gap[name] > 0.05).all(), (name, gap[name])
    # the noise-free softmax ends where f(softmax(theta / tau)) is smallest (closest simplex point to the target)
    t_vec = np.linspace(0.45, 0.2, 3)
    q = t_vec + (1 - t_vec.sum()) / 3
    predicted = float(T.exact_objective(0.5 * np.log(q), f))
    assert runs["noise_free_grad"].final(50)[0] == pytest.approx(predicted, abs=1e-4)
    assert predicted == pytest.approx(0.6659, abs=1e-4)
    for tr in runs.values():  # "each training run in the notebook takes at most 2 s"
        assert tr.seconds / 3 < 2.0


@pytest.mark.slow
def test_notebook_section2_toy_training():
    # which estimators reach the truth
    toy = {name: train_toy(name, 0.45, steps=800, lr=0.05, batch=8, tau=0.5, rng=[0, 1, 2])
           for name in list(ESTIMATORS)}
    for name in ("score_function", "score_function_baseline", "rebar"):
        assert (toy[name].final_p(100) < 0.05).all(), name
    for name in ("gumbel_softmax_grad", "straight_through", "gumbel_rao", "noise_free_grad"):
        assert (toy[name].final_p(100) > 0.25).all(), name
    assert abs(toy["gumbel_softmax_grad"].final_p(100).mean() - relaxed_toy_minimizer(0.45, 0.5)) < 0.05
    assert toy["noise_free_grad"].final_p(100)[0] == pytest.approx(expit(0.5 * np.log(0.45 / 0.55)), abs=1e-3)
    toy_499 = {name: train_toy(name, 0.499, steps=800, lr=0.05, batch=8, tau=0.5, rng=[0, 1, 2])
               for name in ("score_function", "score_function_baseline", "gumbel_softmax_grad", "rebar")}
    assert (toy_499["score_function_baseline"].final_p(100) < 0.01).all()
    assert toy_499["score_function"].final_p(100).max() > 0.5  # one run climbs towards p = 1
    assert (toy_499["gumbel_softmax_grad"].final_p(100) > 0.4).all()


@pytest.mark.slow
def test_notebook_section4_annealing_ends_at_the_final_relaxed_optimum():
    jang = anneal(np.arange(0, 40_001), tau0=1.0, tau_min=0.5, rate=1e-4, every=500)
    np.testing.assert_allclose(jang[[0, 1000, 5000, 10_000, 40_000]], [1.0, 0.9048, 0.6065, 0.5, 0.5], atol=5e-5)
    schedules = {
        "fixed 0.5": 0.5,
        "jang-style": functools.partial(anneal, tau0=1.0, tau_min=0.5, rate=2.5e-3, every=100),
        "to 0.05": functools.partial(anneal, tau0=1.0, tau_min=0.05, rate=2.5e-3, every=100),
        "fixed 0.05": 0.05,
    }
    ann = {k: train_toy("gumbel_softmax_grad", 0.45, steps=2000, lr=0.05, batch=16, tau=v, rng=[0, 1, 2])
           for k, v in schedules.items()}
    p_half = relaxed_toy_minimizer(0.45, 0.5)
    for k in ("fixed 0.5", "jang-style"):
        assert abs(ann[k].final_p(100).mean() - p_half) < 0.05
    for k in ("to 0.05", "fixed 0.05"):
        assert (ann[k].final_p(100) < 0.05).all()


@pytest.mark.slow
def test_notebook_section5_best_tau_falls_with_the_batch_size():
    f = OBJECTIVES["quadratic"]
    taus_n, batch = np.geomspace(0.01, 1, 7), np.array([1, 4, 32])
    t_, n_, s_ = np.meshgrid(taus_n, batch, np.arange(6), indexing="ij")
    tr = train_logits("gumbel_softmax_grad", f, np.zeros(3), steps=300, lr=0.05, batch=n_.ravel(), tau=t_.ravel(),
                 rng=s_.ravel())
    final = tr.gap(50).reshape(t_.shape)
    best = [taus_n[final[:, j, :].mean(axis=1).argmin()] for j in range(batch.size)]
    assert best[0] >= best[1] >= best[2] and best[0] > best[2]
    r3 = bias_variance("gumbel_softmax_grad", np.zeros(3), f, np.geomspace(0.01, 10, 41), n_samples=20_000, rng=25)
    from gumbel_utils.tau_star import mse_optimal_tau

    star = [mse_optimal_tau(r3, int(n))[0] for n in batch]
    assert star[0] >= star[1] >= star[2] and star[0] > star[2]
    assert all(s > 5 * b for s, b in zip(star, best))  # "the values differ by an order of magnitude"
