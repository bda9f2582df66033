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
from gumbel_utils.estimators import ESTIMATORS
from gumbel_utils.gradient_stats import bias_variance
from gumbel_utils.objectives import OBJECTIVES, Linear, Quadratic, expected_value, vertex_values
from gumbel_utils.relaxed_toy import relaxed_toy_argmin


@pytest.mark.parametrize("call", [
    lambda: T.anneal("3"),
    lambda: T.train_toy("score_function", "0.4"),
])
def test_wrong_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call()


# ----------------------------------------------------------------------------- schedules


def test_anneal_formula():
    steps = np.arange(0, 5000, 7)
    got = T.anneal(steps, tau0=2.0, tau_min=0.3, rate=1e-3, every=250)
    want = np.maximum(0.3, 2.0 * np.exp(-1e-3 * 250 * np.floor(steps / 250)))
    np.testing.assert_allclose(got, want, rtol=1e-15)
    assert T.anneal(0, tau0=1.0, tau_min=0.5, rate=1e-4, every=500) == 1.0
    assert T.anneal(10**7, tau0=1.0, tau_min=0.5, rate=1e-4, every=1000) == 0.5  # Jang et al.
    assert T.anneal(999, tau0=1.0, tau_min=0.5, rate=1e-4, every=1000) == 1.0  # updated every N steps only
    assert T.anneal(1000, tau0=1.0, tau_min=0.5, rate=1e-4, every=1000) == pytest.approx(np.exp(-0.1))
    assert isinstance(T.anneal(3), float)


@given(s=st.integers(0, 10**6), every=st.integers(1, 2000), rate=st.floats(0, 1e-2))
def test_anneal_properties(s, every, rate):
    a = T.anneal(s, tau0=1.0, tau_min=0.5, rate=rate, every=every)
    assert 0.5 <= a <= 1.0
    assert a == T.anneal(every * (s // every), tau0=1.0, tau_min=0.5, rate=rate, every=every)  # piecewise constant
    assert T.anneal(s + every, tau0=1.0, tau_min=0.5, rate=rate, every=every) <= a  # non-increasing


@pytest.mark.parametrize("kwargs, name", [
    ({"tau0": 0.0}, "tau0"), ({"tau_min": -1.0}, "tau_min"), ({"rate": -1e-3}, "rate"), ({"rate": np.nan}, "rate"),
    ({"every": 0}, "every"), ({"tau0": np.nan}, "tau0"),
])
def test_anneal_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        T.anneal(10, **kwargs)
    with pytest.raises(ValueError, match="step"):
        T.anneal(-1)
    with pytest.raises(ValueError, match="step"):
        T.anneal(1.5)


# ----------------------------------------------------------------------------- training


def test_train_shapes_broadcasting_and_exact_objective():
    f = Quadratic()
    tr = T.train("gumbel_softmax_grad", f, np.zeros(3), steps=30, lr=0.1, n=[1, 4, 16], tau=0.5, seed=3)
    assert tr.theta.shape == (3, 31, 3) and tr.objective.shape == (3, 31) and tr.tau.shape == (3, 30)
    assert tr.optimum == pytest.approx(vertex_values(f, 3).min())
    for r in range(3):
        for s in (0, 7, 30):
            assert tr.objective[r, s] == pytest.approx(expected_value(tr.theta[r, s], f), abs=1e-15)
    assert (tr.n == [1, 4, 16]).all() and (tr.seed == 3).all()
    np.testing.assert_allclose(tr.gap(5), tr.objective[:, -5:].mean(1) - tr.optimum)
    with pytest.raises(ValueError, match="lengths differ"):
        T.train("score_function", f, np.zeros(3), steps=3, n=[1, 2], tau=[0.1, 0.2, 0.3])


def test_train_is_reproducible_and_runs_are_independent():
    f = OBJECTIVES["cubic"]
    a = T.train("rebar", f, [0.5, 0.0, -0.5], steps=20, lr=0.05, n=2, tau=[0.3, 1.0], seed=[1, 2])
    b = T.train("rebar", f, [0.5, 0.0, -0.5], steps=20, lr=0.05, n=2, tau=1.0, seed=2)
    assert np.array_equal(a.theta[1], b.theta[0])
    c = T.train("rebar", f, [0.5, 0.0, -0.5], steps=20, lr=0.05, n=2, tau=[0.3, 1.0], seed=[1, 2])
    assert np.array_equal(a.theta, c.theta)


def test_adam_with_one_learning_rate_per_run_equals_separate_runs():
    f = Quadratic()
    both = T.train("gumbel_softmax_grad", f, np.zeros(3), steps=25, lr=[0.05, 0.2], n=2, tau=0.5, seed=[4, 4])
    for r, lr in enumerate((0.05, 0.2)):
        one = T.train("gumbel_softmax_grad", f, np.zeros(3), steps=25, lr=lr, n=2, tau=0.5, seed=4)
        np.testing.assert_array_equal(both.theta[r], one.theta[0])


def test_train_one_step_is_the_estimators_mean():
    """SGD: theta_1 = theta_0 - lr * mean of n estimates drawn with the run's seed."""
    f, x0 = Linear(), np.array([0.2, -0.1, 0.4])
    tr = T.train("score_function_baseline", f, x0, steps=1, lr=0.3, n=64, seed=9, optimizer="sgd")
    g = ESTIMATORS["score_function_baseline"](x0, f, 64, tau=1.0, rng=np.random.default_rng(9)).mean(0)
    np.testing.assert_allclose(tr.theta[0, 1], x0 - 0.3 * g, rtol=1e-15)


def test_schedule_and_progress():
    calls = []
    sched = functools.partial(T.anneal, tau0=1.0, tau_min=0.2, rate=0.05, every=10)
    tr = T.train("gumbel_softmax_grad", Linear(), np.zeros(3), steps=100, tau=sched, seed=[0, 1],
                 progress=lambda done, total: calls.append((done, total)))
    np.testing.assert_allclose(tr.tau[0], sched(np.arange(100)))
    assert calls[-1] == (100, 100) and len(calls) == 50


def test_deterministic_softmax_is_the_gradient_of_f_of_the_softmax():
    f, x, tau = Quadratic(), np.array([0.3, -0.2, 0.1]), 0.7
    g = T.deterministic_softmax(x, f, 2, tau=tau)
    h = 1e-6

    def F(v):
        y = np.exp(v / tau) / np.exp(v / tau).sum()
        return f.value(y)

    fd = np.array([(F(x + h * e) - F(x - h * e)) / (2 * h) for e in np.eye(3)])
    np.testing.assert_allclose(g[0], fd, atol=1e-8)
    assert T.deterministic_softmax(x, f, 3, tau=[0.5, 1.0]).shape == (2, 3, 3)
    assert T.training_estimator("deterministic_softmax") is T.DETERMINISTIC_SOFTMAX
    assert T.training_estimator_names()[-1] == "deterministic_softmax"


def test_training_bad_input():
    f = Linear()
    with pytest.raises(ValueError, match="tau"):
        T.train("score_function", f, np.zeros(3), steps=2, tau=0.0)
    with pytest.raises(ValueError, match="tau"):
        T.train("score_function", f, np.zeros(3), steps=2, tau=np.nan)
    with pytest.raises(ValueError, match="theta0"):
        T.train("score_function", f, [np.nan, 0.0], steps=2)
    with pytest.raises(ValueError, match="lr"):
        T.train("score_function", f, np.zeros(3), steps=2, lr=-1.0)
    with pytest.raises(ValueError, match="estimator"):
        T.train("nope", f, np.zeros(3), steps=2)
    with pytest.raises(ValueError, match="optimizer"):
        T.train("score_function", f, np.zeros(3), steps=2, optimizer="rmsprop")
    with pytest.raises(TypeError, match="n"):
        T.train("score_function", f, np.zeros(3), steps=2, n=1.5)
    with pytest.raises(TypeError, match="steps"):
        T.train("score_function", f, np.zeros(3), steps=2.0)
    with pytest.raises(TypeError, match="f"):
        T.train("score_function", object(), np.zeros(3), steps=2)
    with pytest.raises(ValueError, match=r"\bt\b"):
        T.train_toy("score_function", 1.5, steps=2)
    with pytest.raises(ValueError, match=r"\bt\b"):
        T.train_toy("score_function", np.nan, steps=2)
    with pytest.raises(ValueError, match="tau"):
        T.train_toy("gumbel_softmax_grad", 0.45, steps=2, tau=-0.5)
    with pytest.raises(ValueError, match="tau"):
        T.train_toy("gumbel_softmax_grad", 0.45, steps=2, tau=lambda s: 0.0)


@pytest.mark.slow
def test_score_function_reaches_the_true_optimum_of_the_toy():
    tr = T.train_toy("score_function", 0.45, steps=2000, lr=0.1, n=8, seed=np.arange(4))
    assert (tr.final_p(200) < 0.01).all()
    assert (tr.objective[:, -1] - 0.45**2 < 1e-3).all()


@pytest.mark.slow
@pytest.mark.parametrize("t, tau", [(0.45, 0.5), (0.45, 1.0), (0.499, 0.5)])
def test_relaxed_optimiser_ends_at_the_relaxed_minimiser(t, tau):
    """Polyak average of theta over the second half of each run; across 8 seeds the mean is within 5 se of theta*."""
    tr = T.train_toy("gumbel_softmax_grad", t, steps=3000, lr=0.3, n=16, tau=tau, seed=np.arange(8), optimizer="sgd")
    avg = tr.theta[:, 1500:].mean(axis=1)
    se = avg.std(ddof=1) / np.sqrt(avg.size)
    assert abs(avg.mean() - relaxed_toy_argmin(t, tau)) < 5 * se + 0.01
    p = tr.final_p(1500)
    assert abs(p.mean() - T.relaxed_toy_minimizer(t, tau)) < 5 * p.std(ddof=1) / np.sqrt(p.size) + 0.003


def test_train_toy_records_the_relaxed_objective():
    tr = T.train_toy("gumbel_softmax_grad", 0.45, steps=50, lr=0.1, n=4, tau=[0.3, 1.0], seed=0, relaxed=True)
    assert tr.relaxed.shape == (2, 51)
    np.testing.assert_allclose(tr.relaxed[1, 10], T.relaxed_toy_objective(tr.theta[1, 10], 0.45, 1.0), rtol=1e-14)
    np.testing.assert_allclose(tr.objective, 0.45**2 + expit(tr.theta) * 0.1, rtol=1e-14)
    assert T.train_toy("score_function", 0.45, steps=5).relaxed is None


def test_deterministic_softmax_on_the_toy_ends_at_tau_logit_t():
    tr = T.train_toy("deterministic_softmax", 0.45, steps=4000, lr=0.05, tau=0.5)
    assert tr.theta[0, -1] == pytest.approx(0.5 * np.log(0.45 / 0.55), abs=1e-3)


# ----------------------------------------------------------------------------- Notebook 4's numbers and claims
# The same calls as notebooks/04_training_temperature.ipynb (same arguments, same seeds): what the notebook
# prints is what the package computes, and the claims of its text hold for those numbers.

@pytest.mark.slow
def test_notebook_section1_unbiased_reach_the_optimum_biased_stall():
    f = OBJECTIVES["quadratic"]
    runs = {name: T.train(name, f, np.zeros(3), steps=400, lr=0.05, n=4, tau=0.5, seed=[0, 1, 2])
            for name in T.training_estimator_names()}
    gap = {name: tr.gap(50) for name, tr in runs.items()}
    for name in ("score_function", "score_function_baseline", "rebar"):
        assert (gap[name] < 0.02).all(), (name, gap[name])
    for name in ("gumbel_softmax_grad", "straight_through", "gumbel_rao", "deterministic_softmax"):
        assert (gap[name] > 0.05).all(), (name, gap[name])
    # the noise-free softmax ends where f(softmax(theta / tau)) is smallest (closest simplex point to the target)
    t_vec = np.linspace(0.45, 0.2, 3)
    q = t_vec + (1 - t_vec.sum()) / 3
    predicted = float(T.exact_objective(0.5 * np.log(q), f))
    assert runs["deterministic_softmax"].final(50)[0] == pytest.approx(predicted, abs=1e-4)
    assert predicted == pytest.approx(0.6659, abs=1e-4)
    for tr in runs.values():  # "each training run in the notebook takes at most 2 s"
        assert tr.seconds / 3 < 2.0


@pytest.mark.slow
def test_notebook_section2_toy_training():
    # which estimators reach the truth
    toy = {name: T.train_toy(name, 0.45, steps=800, lr=0.05, n=8, tau=0.5, seed=[0, 1, 2])
           for name in T.training_estimator_names()}
    for name in ("score_function", "score_function_baseline", "rebar"):
        assert (toy[name].final_p(100) < 0.05).all(), name
    for name in ("gumbel_softmax_grad", "straight_through", "gumbel_rao", "deterministic_softmax"):
        assert (toy[name].final_p(100) > 0.25).all(), name
    assert abs(toy["gumbel_softmax_grad"].final_p(100).mean() - T.relaxed_toy_minimizer(0.45, 0.5)) < 0.05
    assert toy["deterministic_softmax"].final_p(100)[0] == pytest.approx(expit(0.5 * np.log(0.45 / 0.55)), abs=1e-3)
    toy_499 = {name: T.train_toy(name, 0.499, steps=800, lr=0.05, n=8, tau=0.5, seed=[0, 1, 2])
               for name in ("score_function", "score_function_baseline", "gumbel_softmax_grad", "rebar")}
    assert (toy_499["score_function_baseline"].final_p(100) < 0.01).all()
    assert toy_499["score_function"].final_p(100).max() > 0.5  # one run climbs towards p = 1
    assert (toy_499["gumbel_softmax_grad"].final_p(100) > 0.4).all()


@pytest.mark.slow
def test_notebook_section4_annealing_ends_at_the_final_relaxed_optimum():
    jang = T.anneal(np.arange(0, 40_001), tau0=1.0, tau_min=0.5, rate=1e-4, every=500)
    np.testing.assert_allclose(jang[[0, 1000, 5000, 10_000, 40_000]], [1.0, 0.9048, 0.6065, 0.5, 0.5], atol=5e-5)
    schedules = {
        "fixed 0.5": 0.5,
        "jang-style": functools.partial(T.anneal, tau0=1.0, tau_min=0.5, rate=2.5e-3, every=100),
        "to 0.05": functools.partial(T.anneal, tau0=1.0, tau_min=0.05, rate=2.5e-3, every=100),
        "fixed 0.05": 0.05,
    }
    ann = {k: T.train_toy("gumbel_softmax_grad", 0.45, steps=2000, lr=0.05, n=16, tau=v, seed=[0, 1, 2])
           for k, v in schedules.items()}
    p_half = T.relaxed_toy_minimizer(0.45, 0.5)
    for k in ("fixed 0.5", "jang-style"):
        assert abs(ann[k].final_p(100).mean() - p_half) < 0.05
    for k in ("to 0.05", "fixed 0.05"):
        assert (ann[k].final_p(100) < 0.05).all()


@pytest.mark.slow
def test_notebook_section5_best_tau_falls_with_the_batch_size():
    f = OBJECTIVES["quadratic"]
    taus_n, batch = np.geomspace(0.01, 1, 7), np.array([1, 4, 32])
    t_, n_, s_ = np.meshgrid(taus_n, batch, np.arange(6), indexing="ij")
    tr = T.train("gumbel_softmax_grad", f, np.zeros(3), steps=300, lr=0.05, n=n_.ravel(), tau=t_.ravel(),
                 seed=s_.ravel())
    final = tr.gap(50).reshape(t_.shape)
    best = [taus_n[final[:, j, :].mean(axis=1).argmin()] for j in range(batch.size)]
    assert best[0] >= best[1] >= best[2] and best[0] > best[2]
    r3 = bias_variance("gumbel_softmax_grad", np.zeros(3), f, np.geomspace(0.01, 10, 41), n_samples=20_000, rng=25)
    from gumbel_utils.gradient_stats import mse_optimal_tau

    star = [mse_optimal_tau(r3, int(n))[0] for n in batch]
    assert star[0] >= star[1] >= star[2] and star[0] > star[2]
    assert all(s > 5 * b for s, b in zip(star, best))  # "the values differ by an order of magnitude"
