"""Every checkable claim of the quizzes, recomputed with the package (issue 20: "feedback that is true").

For each quiz of ``gumbel_utils/exercises/quizzes/*.json`` one function here computes, from the package and
from the explorers the notebooks show (their ``state`` holds what they draw), which option of each question
is right, and asserts on the way the facts its feedback states ("the status line says same: yes", "the
relaxed minimiser is interior", "n = 64 brings it close"). The test compares the computed answers with the
stored ones, so a question whose right option was chosen by hand without being true fails.

A numeric question's accepted range is compared with its exercise's self-check (``check.exercise_N_M``),
whose tolerance comes from the exercise's Monte Carlo standard error or grid: values just inside both ends
must pass the check, values 5 % of the range's width outside must fail. Where the check cannot take one
number alone, the range is recomputed the way the check computes its reference.

Every quiz must have its function here (a new quiz without recomputed claims fails).
"""

from __future__ import annotations

import functools
import warnings
from typing import Callable

import numpy as np
import pytest

from gumbel_utils import gumbel_max, gumbel_softmax, sample_gumbel, softmax, total_variation
from gumbel_utils.exercises import check
from gumbel_utils.exercises.quiz import load_quizzes

QUIZZES = load_quizzes()
CLAIMS: dict[str, Callable[[], list]] = {}
SLOW = {"05-relaxed-decoding", "01-samplers", "ex-7.2", "04-training", "03-bias-variance", "04-annealing",
        "02-concrete-simplex", "04-relaxed-toy", "04-rebar-variance", "01-shift-scale", "ex-3.3", "02-density-shape",
        "02-mean-drift", "ex-2.2", "ex-6.2"}  # several seconds each (training, sweeps, many redraws)
X0 = np.log([0.2, 0.3, 0.5])  # the logits of Notebooks 0 and 2
X3 = np.array([1.0, 0.5, 0.0])  # Notebooks 3, 4 and 7


def claim(quiz_id: str):
    def register(fn):
        CLAIMS[quiz_id] = fn
        return fn
    return register


class Accepts:
    """A numeric answer checked by a predicate (the exercise's self-check, fed one number)."""

    def __init__(self, accepts: Callable[[float], bool]) -> None:
        self.accepts = accepts


def stored_answers(quiz) -> list:
    """Per question: the index of the right option, or the right range (lo, hi)."""
    out = []
    for q in quiz.questions:
        if q["type"] == "multiple_choice":
            out.append(next(i for i, a in enumerate(q["answers"]) if a.get("correct")))
        else:
            out.append(tuple(next(a for a in q["answers"] if a.get("correct"))["range"]))
    return out


def wrong_range(quiz, question: int, index: int) -> tuple[float, float]:
    """The ``index``-th wrong range of a numeric question."""
    ranges = [a["range"] for a in quiz.questions[question]["answers"] if a.get("type") == "range" and not a.get("correct")]
    return tuple(ranges[index])


@pytest.mark.parametrize("quiz_id", [pytest.param(q, marks=pytest.mark.slow) if q in SLOW else q for q in sorted(QUIZZES)],
                         ids=str)
def test_every_quiz_has_its_claims_recomputed(quiz_id):
    assert quiz_id in CLAIMS, f"{quiz_id}: no function in tests/test_quiz_claims.py recomputes its right answers"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        computed = CLAIMS[quiz_id]()
    stored = stored_answers(QUIZZES[quiz_id])
    assert len(computed) == len(stored), f"{quiz_id}: {len(stored)} questions, {len(computed)} recomputed"
    for i, (c, s) in enumerate(zip(computed, stored), 1):
        if isinstance(c, Accepts):
            lo, hi = s
            width = hi - lo
            inside = [lo + 1e-3 * width, hi - 1e-3 * width]
            outside = [lo - 0.05 * width, hi + 0.05 * width]
            assert all(c.accepts(v) for v in inside), f"{quiz_id} question {i}: the self-check rejects an end of {s}"
            assert not any(c.accepts(v) for v in outside), (
                f"{quiz_id} question {i}: the self-check accepts values outside {s}: the range is narrower than the check")
        elif isinstance(c, tuple):
            assert np.allclose(c, s, rtol=0, atol=2e-3 * max(1.0, abs(s[1] - s[0]))), (
                f"{quiz_id} question {i}: stored range {s}, recomputed {c}")
        else:
            assert c == s, f"{quiz_id} question {i}: the stored right option is {s}, the package says {c}"


# --------------------------------------------------------------------------- notebook 0


def _paths(x, seeds=range(31)):
    from gumbel_utils.relaxation_stats import relaxation_path

    taus = np.logspace(-2, 1, 301)
    return taus, {s: (sample_gumbel(3, rng=s), relaxation_path(x, sample_gumbel(3, rng=s), taus)) for s in seeds}


def _relaxation_path_facts(x):
    """What the relaxation-path explorers show, for every seed of their slider (0..30)."""
    taus, paths = _paths(x)
    towards_centre = all(np.all(np.diff(np.abs(p - 1 / 3).max(axis=1)) <= 1e-12) for _g, p in paths.values())
    same_argmax = all(np.all(p.argmax(axis=1) == np.argmax(x + g)) for g, p in paths.values())
    g0, p0 = paths[0]
    at_vertex = p0[0].max() > 0.99 and p0[0].argmax() == np.argmax(x + g0)
    near_centre = np.abs(p0[-1] - 1 / 3).max() < 0.05
    vertices = {int(np.argmax(x + g)) for g, _p in paths.values()}
    i1 = int(np.argmin(np.abs(taus - 1.0)))
    kink = np.abs(np.diff(p0[i1 - 2:i1 + 3], 2, axis=0)).max() / np.abs(np.diff(p0[i1 - 2:i1 + 3], axis=0)).max()
    y1 = p0[i1]
    return dict(towards_centre=towards_centre, same_argmax=same_argmax, at_vertex=at_vertex, near_centre=near_centre,
                vertices=vertices, smooth_at_1=kink < 0.1, y1_is_softmax=np.allclose(y1, softmax(x), atol=0.01),
                y1_one_hot=y1.max() > 0.99)


@claim("00-first-look")
def _00_first_look():
    f = _relaxation_path_facts(X0)
    assert not f["y1_is_softmax"] and not f["y1_one_hot"]
    return [0 if f["towards_centre"] and f["at_vertex"] else 1, 0 if f["same_argmax"] else 1,
            0 if f["smooth_at_1"] else 1]


@claim("00-probabilities-as-logits")
def _00_alpha():
    alpha = np.array([0.2, 0.3, 0.5])
    q = softmax(alpha)
    assert np.exp(alpha).max() / np.exp(alpha).min() < alpha.max() / alpha.min()  # "closer to each other"
    freq = np.bincount(gumbel_max(alpha, size=100_000, rng=1), minlength=3)[2] / 100_000  # the notebook's slip
    assert abs(freq - q[2]) < 0.01
    return [0 if abs(q[2] - 0.5) < 0.005 else (1 if q[2] < 0.5 else 2)]


@claim("ex-0.1")
def _ex_0_1():
    from scipy.optimize import minimize_scalar

    alpha = np.array([0.2, 0.3, 0.5])
    dist = lambda b: total_variation(softmax(b * alpha), alpha)  # noqa: E731
    grid = np.linspace(0.1, 20, 2000)  # as the self-check searches
    i = int(np.argmin([dist(b) for b in grid]))
    best = minimize_scalar(dist, bounds=(grid[i - 1], grid[i + 1]), method="bounded", options={"xatol": 1e-10})
    assert check.exercise_0_1((best.x, best.fun)).passed and best.fun > 0.01  # never 0: "No"
    # the self-check accepts any tv up to best + 0.003 (at a beta within 0.1): the range starts at the minimum
    return [(np.floor(best.fun * 1e4) / 1e4, best.fun + 0.003), 0]


# --------------------------------------------------------------------------- notebook 1


@claim("01-samplers")
def _01_samplers():
    from gumbel_utils.viz.gumbel_max import explore_gumbel_max

    x = np.array([1.0, 0.0, -0.5, 0.5])
    e = explore_gumbel_max(x)
    p = e.state["probs"]
    assert abs(np.sqrt(p[0] * (1 - p[0]) / 1000) - 0.016) < 0.001 and abs(p[0] - 0.45) < 0.01  # the prompt's data
    ratio = np.sqrt(100_000 / 1000)
    q1 = 0 if abs(ratio - 10) < 1e-9 else 1
    before = e.state["probs"].copy()
    e.controls["x1"].value = 1.0
    meet = np.isclose(e.state["probs"][0], e.state["probs"][1]) and e.state["probs"][0] < before[0]
    others = e.state["probs"][[0, 1, 3]]
    e.controls["x2"].value = -4.0
    after = e.state["probs"][[0, 1, 3]]
    proportional = np.allclose(after / after.sum(), others / others.sum())
    e = explore_gumbel_max(x, n_samples=100)
    pvalues = []
    for _ in range(200):
        pvalues.append(e.state["gof_gumbel"].pvalue)
        e.controls["new noise"].click()
    share = np.mean(np.array(pvalues) < 0.05)
    none_or_one = 0.95 ** 10 + 10 * 0.05 * 0.95 ** 9
    return [q1, 0 if meet else 1, 0 if proportional else 1, 0 if 0.02 < share < 0.1 and none_or_one > 0.9 else 1]


@claim("01-shift-scale")
def _01_shift_scale():
    from gumbel_utils.viz.gumbel_max import explore_shift_scale

    e = explore_shift_scale()
    assert e.state["baseline"].size == 20_000
    identical = []
    for c in np.arange(-10.0, 10.01, 0.5):  # every position of the slider
        e.controls["c"].value = float(c)
        identical.append(e.state["identical"])
    e.controls["c"].value = 0.0
    e.controls["beta"].value = 4.0
    gain = e.state["probs"] - softmax(np.array([1.0, 0.0, -0.5, 0.5]))
    x = np.array([1.0, 0.0, -0.5, 0.5])
    sharp, flat = softmax(1e3 * x), softmax(1e-3 * x)
    limits = sharp[np.argmax(x)] > 0.999 and np.allclose(flat, 0.25, atol=1e-3)
    return [0 if all(identical) else 1, 0 if int(np.argmax(gain)) == int(np.argmax(x)) else 1, 0 if limits else 1]


@claim("ex-1.2")
def _ex_1_2():
    x_masked = np.array([1.0, -np.inf, -0.5, 0.5])
    k = gumbel_max(x_masked, size=100_000, rng=11)  # the worked solution's samples
    assert check.exercise_1_2(k).passed and not np.any(k == 1)

    def with_ones(v: float) -> bool:  # the samples with round(v) of them replaced by category 1
        if v < 0:
            return False
        bad = k.copy()
        bad[: int(round(v))] = 1
        return check.exercise_1_2(bad).passed

    q = softmax(x_masked)
    p = softmax(np.array([1.0, 0.0, -0.5, 0.5]))
    renormalised = np.allclose(q[[0, 2, 3]], p[[0, 2, 3]] / p[[0, 2, 3]].sum()) and q[1] == 0
    return [Accepts(with_ones), 0 if renormalised else 1]


@claim("ex-1.3")
def _ex_1_3():
    from gumbel_utils.stats import goodness_of_fit

    x = np.array([1.0, 0.0, -0.5, 0.5])
    g = sample_gumbel((10_000, 4), rng=12)
    hard = [gumbel_softmax(x, t, noise=g, hard=True).argmax(axis=1) for t in (0.1, 10.0)]
    scaled = np.argmax(x / 0.5 + g, axis=1)
    own_law = goodness_of_fit(scaled, softmax(2 * x)).pvalue > 1e-3 and goodness_of_fit(scaled, softmax(x)).pvalue < 1e-6
    return [0 if np.array_equal(*hard) else 1, 0 if own_law and not np.array_equal(scaled, hard[0]) else 1]


# --------------------------------------------------------------------------- notebook 2


@claim("02-relaxation-path")
def _02_path():
    f = _relaxation_path_facts(X0)
    return [0 if f["at_vertex"] and f["near_centre"] else 1, 0 if f["same_argmax"] else 1,
            0 if len(f["vertices"]) > 1 else 1]


@claim("02-concrete-simplex")
def _02_simplex():
    from gumbel_utils import concrete_log_prob
    from gumbel_utils.relaxation_stats import fraction_near_one_hot, interior_mode_threshold
    from gumbel_utils.viz.concrete_density import explore_concrete_simplex

    e = explore_concrete_simplex(tuple(X0), tau=0.5, seed=0)
    e.controls["tau"].value = 0.05
    most_at_corners = fraction_near_one_hot(e.state["samples"]) > 0.5
    centre, corner, edge = np.array([1 / 3] * 3), np.array([1 - 2e-4, 1e-4, 1e-4]), np.array([0.5 - 5e-5, 0.5 - 5e-5, 1e-4])
    lp = concrete_log_prob(np.stack([centre, corner, edge]), X0, 0.05)
    high_at_corners_edges = lp[1] > lp[0] and lp[2] > lp[0]
    # smooth through tau = 1 (the notebook's own measurement, cell "Is tau = 1 special?")
    G = sample_gumbel((20_000, 3), rng=2)
    taus = np.round(np.arange(0.7, 1.31, 0.1), 2)
    largest = np.array([gumbel_softmax(X0, t, noise=G).max(axis=1).mean() for t in taus])
    d = np.diff(largest)
    smooth = np.all(np.diff(d) > 0) and np.abs(np.diff(d, 2)).max() < 0.2 * np.abs(d).min()
    assert interior_mode_threshold(X0) > 1.2 and abs(interior_mode_threshold(np.zeros(3)) - 1) < 0.01
    counts = []
    for v in (float(e.controls["x1"].value), 0.0, 1.0):
        e.controls["x1"].value = v
        counts.append(np.bincount(e.state["samples"].argmax(axis=1), minlength=3))
    gains = np.diff(np.array(counts), axis=0)
    return [0 if most_at_corners and high_at_corners_edges else 1, 0 if smooth else 1,
            0 if np.all(gains[:, 0] > 0) and np.all(gains[:, 1:] <= 0) else 1]


@claim("02-mean-drift")
def _02_mean_drift():
    from gumbel_utils.viz.mean_drift import explore_mean_drift

    x = np.log([0.1, 0.3, 0.6])
    e = explore_mean_drift(tuple(x), tau=0.1)
    p = softmax(x)
    full = total_variation(np.full(3, 1 / 3), p)
    tv = np.array([total_variation(m, p) for m in e.state["means"]])
    taus = e.state["taus"]
    half = taus[np.argmax(tv >= full / 2)]
    assert tv[np.argmin(np.abs(taus - 0.1))] < 0.1 * full and tv[np.argmin(np.abs(taus - 10))] > 0.85 * full
    freqs = []
    for t in (0.1, 1.0, 10.0):
        e.controls["tau"].value = t
        freqs.append(np.bincount(e.state["samples"].argmax(axis=1), minlength=3))
    return [1 if 1.0 < half <= 2.0 else 0, 0 if all(np.array_equal(freqs[0], f) for f in freqs) else 1]


@claim("02-density-shape")
def _02_density_shape():
    from gumbel_utils.viz.concrete_density import explore_density_shape

    e = explore_density_shape((0.0, 0.0, 0.0), tau=0.3)
    s = e.state["s"]
    centre = int(np.argmin(np.abs(s - 2 / 3)))
    answers = []
    e.controls["tau"].value = 0.3
    v = e.state["values"]
    answers.append(0 if e.state["convex"] and v.argmax() == 0 and abs(s[v.argmin()] - 2 / 3) < 0.01 else 1)
    e.controls["tau"].value = 0.8
    v = e.state["values"]
    bends_down = v[-1] < v[int(np.argmax(v[centre:])) + centre]  # the density vanishes on the edge: the end drops
    answers.append(0 if not e.state["convex"] and e.state["mode"] is None and v.argmax() == 0 and bends_down else 1)
    e.controls["tau"].value = 2.0
    v = e.state["values"]
    answers.append(0 if e.state["mode"] is not None and np.allclose(e.state["mode"], 1 / 3, atol=0.01)
                   and abs(int(v.argmax()) - centre) <= 1 and not e.state["convex"] else 1)
    return answers


@claim("02-binary-concrete")
def _02_binary():
    from gumbel_utils import binary_concrete_log_prob, sample_binary_concrete
    from gumbel_utils.viz.binary_concrete import explore_binary_concrete

    yy = np.linspace(1e-4, 1 - 1e-4, 999)
    flat = np.allclose(np.exp(binary_concrete_log_prob(yy, 0.0, 1.0)), 1.0, atol=1e-6)
    tilted = np.exp(binary_concrete_log_prob(yy, 0.5, 1.0))
    finite_tilted = np.all(np.diff(tilted) > 0) and tilted.max() < 2
    piles = np.exp(binary_concrete_log_prob(yy[[0, -1]], 0.5, 0.5)).min() > 10
    spread = [np.std(sample_binary_concrete(0.5, t, size=20_000, rng=1)) for t in (2.0, 10.0)]
    hump = np.exp(binary_concrete_log_prob(yy[[0, -1]], 0.5, 10.0)).max() < 1e-6 and spread[1] < spread[0]
    e = explore_binary_concrete(0.5, tau=0.5, seed=0)
    above = []
    for t in (0.5, 1.0, 3.0):
        e.controls["tau"].value = t
        above.append(e.state["above"])
    e.controls["tau"].value = 0.5
    ends = []
    for logit in (-1.5, 0.5, 1.5):
        e.controls["logit"].value = logit
        ends.append(e.state["heights"][[0, -1]])
    ends = np.array(ends)
    sigma = 1 / (1 + np.exp(-0.5))
    moves = np.all(np.diff(ends[:, 0]) < 0) and np.all(np.diff(ends[:, 1]) > 0)
    same = len(set(above)) == 1 and abs(above[0] - sigma) < 4 * np.sqrt(sigma * (1 - sigma) / 2000)
    return [0 if flat and finite_tilted and piles and hump else 1, 0 if moves and same else 1]


def _check_accepts(ex: Callable, make: Callable[[float], object]) -> Accepts:
    return Accepts(lambda v: ex(make(v)).passed)


@claim("ex-2.1")
def _ex_2_1():
    taus = np.array([10.0, 100.0, 1e3, 1e4])
    return [_check_accepts(check.exercise_2_1, lambda s: 0.1 * (taus / 10.0) ** s)]


@claim("ex-2.2")
def _ex_2_2():
    return [_check_accepts(check.exercise_2_2, float)]


@claim("ex-2.3")
def _ex_2_3():
    quiz = QUIZZES["ex-2.3"]
    for lo_hi in (wrong_range(quiz, 0, 0), wrong_range(quiz, 0, 1)):  # "Eq. 11 itself", "the other way"
        assert not check.exercise_2_3((np.ones(3), np.array([1.0, np.mean(lo_hi), 3.0 ** -4]))).passed
    return [_check_accepts(check.exercise_2_3, lambda v: (np.ones(3), np.array([1.0, v, 3.0 ** -4])))]


# --------------------------------------------------------------------------- notebook 3


@claim("03-argmax-steps")
def _03_argmax_steps():
    from gumbel_utils.viz.argmax_steps import explore_argmax_steps

    e = explore_argmax_steps(tuple(X3))
    ok_shapes, ok_slopes = True, True
    for objective in ("cubic", "linear"):
        e.controls["objective"].value = objective
        e.controls["tau"].value = 0.01
        tiny, r_tiny = e.state["soft"], e.state["relaxed"]
        staircase = np.abs(tiny - e.state["hard"]).mean() < 0.02
        follows = abs(r_tiny.slope[30] - e.state["slope"]) < 3 * r_tiny.slope_se[30]
        e.controls["tau"].value = 10.0
        large, r_large = e.state["soft"], e.state["relaxed"]
        flat = np.ptp(large, axis=1).max() < 0.25 * np.ptp(tiny, axis=1).min()
        too_small = r_large.slope[30] < e.state["slope"] / 5
        ok_shapes &= staircase and flat
        ok_slopes &= follows and too_small
    e.controls["objective"].value = "cubic"
    e.controls["tau"].value = 1.0
    r1 = e.state["relaxed"]
    assert e.state["slope"] - r1.slope[30] > 5 * r1.slope_se[30]  # "clearly below at τ = 1"
    return [0 if ok_shapes else 1, 0 if ok_slopes else 1]


@claim("03-estimate-histogram")
def _03_histogram():
    from gumbel_utils.viz.estimate_histogram import explore_estimate_histogram

    e = explore_estimate_histogram(tuple(X3))
    seen = {}
    for name in ("gumbel_softmax_grad", "straight_through", "gumbel_rao"):
        e.controls["estimator"].value = name
        for t in (0.01, 1.0, 10.0):
            e.controls["tau"].value = t
            g = e.state["estimates"][:, 0]
            seen[name, t] = dict(small=e.state["small"], tail=e.state["tail_share"], mean=g.mean(),
                                 se=g.std() / np.sqrt(g.size), median=np.median(np.abs(g)),
                                 exact=e.state["exact_gradient"][0])
    r = {t: seen["gumbel_softmax_grad", t] for t in (0.01, 1.0, 10.0)}
    spike = r[0.01]["small"] > 0.9 and r[0.01]["tail"] > 0.5
    bump = r[1.0]["small"] < 0.2 and abs(np.log10(r[1.0]["median"] / r[1.0]["exact"])) < 0.5
    towards_zero = r[10.0]["mean"] < r[10.0]["exact"] / 10
    st, gr = seen["straight_through", 0.01], seen["gumbel_rao", 0.01]
    calmer = gr["small"] < st["small"] - 0.1 and gr["tail"] < st["tail"] / 2
    same_mean = abs(gr["mean"] - st["mean"]) < 3 * np.hypot(gr["se"], st["se"])
    biased = abs(seen["gumbel_rao", 1.0]["mean"] - seen["gumbel_rao", 1.0]["exact"]) > 5 * seen["gumbel_rao", 1.0]["se"]
    return [0 if spike and bump and towards_zero else 1, 0 if calmer and same_mean and biased else 1]


@claim("03-bias-variance")
def _03_bias_variance():
    from gumbel_utils.viz.bias_variance import explore_bias_variance

    e = explore_bias_variance(tuple(X3))
    stars = {}
    for objective in ("cubic", "linear"):
        e.controls["objective"].value = objective
        for n in (1, 1000):
            e.controls["n"].value = n
            stars[objective, n] = {k: v[0] for k, v in e.state["tau_star"].items()}
    left = stars["cubic", 1000]["gumbel_softmax_grad"] < stars["cubic", 1]["gumbel_softmax_grad"]
    together = all(stars["linear", n]["straight_through"] == stars["linear", n]["gumbel_softmax_grad"] for n in (1, 1000))
    return [0 if left else 1, 0 if together else 1]


@functools.lru_cache(maxsize=None)
def _score_function_reference():
    """What Exercise 3.1's self-check compares with (200,000 estimates each, its seeds)."""
    from gumbel_utils.gradient_stats import bias_variance
    from gumbel_utils.objectives import Linear

    f = Linear([1.0, 0.0, -1.0])
    ref = {name: bias_variance(name, X3, f, n_samples=200_000, rng=2026 + i)
           for i, name in enumerate(("score_function", "score_function_baseline"))}
    return {name: (float(r.variance), 5 * float(r.variance_se) * np.sqrt(10)) for name, r in ref.items()}


@claim("ex-3.1")
def _ex_3_1():
    ref = _score_function_reference()
    v_base, tol_base = ref["score_function_baseline"]
    lo, hi = wrong_range(QUIZZES["ex-3.1"], 0, 0)  # "that is the variance with the baseline"
    assert abs(lo - (v_base - tol_base)) < 1e-3 and abs(hi - (v_base + tol_base)) < 1e-3
    raised = ref["score_function_baseline"][0] > ref["score_function"][0]
    return [_check_accepts(check.exercise_3_1, lambda v: (v, v_base)), 0 if raised else 1]


@claim("ex-3.2")
def _ex_3_2():
    from gumbel_utils.binary_exact import exact_binary_moments
    from gumbel_utils.objectives import Quadratic, exact_gradient, vertex_values

    f = Quadratic()
    q = exact_binary_moments([0.5, 0.0], f, [1e-4], estimator="straight_through")
    exact = exact_gradient(np.array([0.5, 0.0]), f)
    unbiased = np.linalg.norm(q.mean[0] - exact) / np.linalg.norm(exact) < 2e-3
    assert vertex_values(f, 2)[0] < vertex_values(f, 2)[1] and exact[0] < 0  # the feedback on the sign
    return [_check_accepts(check.exercise_3_2, lambda v: np.array([v, -v])), 0 if unbiased else 1]


@claim("ex-3.3")
def _ex_3_3():
    from gumbel_utils.gradient_stats import bias_variance, loglog_slope
    from gumbel_utils.tau_star import mse_optimal_tau
    from gumbel_utils.objectives import OBJECTIVES

    ref = bias_variance("gumbel_softmax_grad", X3, OBJECTIVES["cubic"], np.geomspace(0.01, 10, 41), n_samples=50_000,
                        rng=2027)  # the self-check's reference
    ns = np.array([1, 10, 100, 1000, 10_000])
    slope = loglog_slope(ns, [mse_optimal_tau(ref, int(n))[0] for n in ns])[0]
    assert check.exercise_3_3(np.array([1.778, 0.75, 0.447, 0.316, 0.224])).passed  # the worked solution's τ*
    return [(slope - 0.15, slope + 0.15)]  # the check's tolerance on the slope


# --------------------------------------------------------------------------- notebook 4


@claim("04-training")
def _04_training():
    from gumbel_utils.viz.training_curves import explore_training

    e = explore_training()

    def gaps(tau, n):
        e.controls["tau"].value = tau
        e.controls["n"].value = n
        return {k: v - e.state["optimum"] for k, v in e.state["final"].items()}

    small = gaps(0.05, 4)
    farthest = max(small, key=small.get)
    large = gaps(5.0, 4)
    biased = ("gumbel_softmax_grad", "straight_through", "gumbel_rao", "noise_free_grad")
    unbiased = ("score_function", "score_function_baseline", "rebar")
    split = all(large[k] > 0.04 for k in biased) and all(large[k] < 0.02 for k in unbiased)
    largest = e.controls["n"].options[-1]  # "the largest n of the slider"
    stuck = min(gaps(0.5, 4)["gumbel_softmax_grad"], gaps(0.5, largest)["gumbel_softmax_grad"]) > 0.05
    helped = gaps(0.05, largest)["gumbel_softmax_grad"] < 0.02
    return [0 if farthest == "noise_free_grad" else 1, 0 if split else 1, 0 if stuck and helped else 1]


@claim("04-relaxed-toy")
def _04_relaxed_toy():
    from gumbel_utils.relaxed_toy import relaxed_toy_threshold
    from gumbel_utils.viz.relaxed_toy import explore_relaxed_toy

    e = explore_relaxed_toy()
    e.controls["t"].value = 0.45
    e.controls["tau"].value = 0.05
    at_zero = e.state["p_star"] == 0.0
    e.controls["tau"].value = 0.12
    small_interior = 0.0 < e.state["p_star"] < 0.2
    e.controls["t"].value = 0.499
    e.controls["tau"].value = min(e.controls["tau"].options, key=lambda o: o[1])[1]
    off_scale = relaxed_toy_threshold(0.499) < min(e.controls["tau"].options, key=lambda o: o[1])[1] and e.state["p_star"] > 0.3
    return [0 if at_zero else 1, 0 if small_interior else 1, 0 if off_scale else 1]


@claim("04-rebar-variance")
def _04_rebar_variance():
    from gumbel_utils.viz.rebar import explore_rebar_variance

    e = explore_rebar_variance()
    e.controls["eta"].value = 1.0
    e.controls["tau"].value = 0.01
    far_above = e.state["variance"] > 10 * e.state["score_variance"]
    r = e.state["result"]
    grows = r.eta_opt[-1] > 5 * max(r.eta_opt[0], 0.01) and np.all(np.diff(r.eta_opt) > -0.05)
    below = r.variance_opt[-1] < 0.5 * r.score_variance
    e.controls["objective"].value = "linear"
    lin = e.state["result"].eta_opt
    levels_off = np.all(np.diff(lin) >= -1e-9) and 0.9 < lin.max() < 1.0
    return [0 if far_above else 1, 0 if grows and below else 1, 0 if levels_off else 1]


@claim("04-annealing")
def _04_annealing():
    from gumbel_utils.relaxed_toy import relaxed_toy_minimizer
    from gumbel_utils.viz.annealing import explore_annealing

    e = explore_annealing()
    e.controls["tau_min"].value = 0.2
    near = (abs(e.state["tau"][-1] - 0.2) < 1e-12 and relaxed_toy_minimizer(0.45, 0.2) > 0.1
            and abs(e.state["final_p"] - e.state["target"][-1]) < 0.05)
    e.controls["tau_min"].value = 0.05
    e.controls["tau0"].value = 0.05
    flat = True
    for rate in (1e-5, 2.5e-3, 1e-1):
        e.controls["rate"].value = rate
        flat &= np.ptp(e.state["tau"]) == 0 and e.state["final_p"] < 0.05
    return [0 if near else 1, 0 if flat else 1]


@claim("ex-4.1")
def _ex_4_1():
    return [_check_accepts(check.exercise_4_1, float)]


@claim("ex-4.2")
def _ex_4_2():
    from gumbel_utils.relaxed_toy import relaxed_toy_minimizer
    from gumbel_utils.schedules import anneal

    lo, hi = wrong_range(QUIZZES["ex-4.2"], 0, 1)  # "the relaxed minimiser at the first temperature"
    assert lo < relaxed_toy_minimizer(0.45, 1.0) < hi
    final_is_min = float(anneal(50_000, tau0=1.0, tau_min=0.5, rate=1e-4, every=500)) == 0.5
    return [_check_accepts(check.exercise_4_2, float), 0 if final_is_min else 1]


@claim("ex-4.3")
def _ex_4_3():
    from gumbel_utils.objectives import OBJECTIVES
    from gumbel_utils.training import train_logits

    f = OBJECTIVES["quadratic"]
    a, b = (train_logits("noise_free_grad", f, np.zeros(3), steps=50, batch=n, tau=0.5) for n in (1, 32))
    assert check.exercise_4_3((a, b)).passed
    return [0 if np.abs(np.asarray(a.theta) - np.asarray(b.theta)).max() < 1e-12 else 1]


# --------------------------------------------------------------------------- notebooks 5 and 7


@functools.lru_cache(maxsize=None)
def _vae_models():
    """Notebook 5's models: Gumbel-Softmax at τ = 0.3 and 2, straight-through at τ = 1 (60 epochs, its seeds)."""
    from gumbel_utils.digits import load_digits_binary
    from gumbel_utils.vae import CategoricalVAE
    from gumbel_utils.vae_training import train_vae

    train_x, test_x, _train_y, test_y = load_digits_binary(rng=0, return_labels=True)
    digits = test_x[[np.flatnonzero(test_y == d)[0] for d in range(10)]]
    runs = {"gs 0.3": ("gumbel_softmax_grad", 0.3, 60), "gs 2": ("gumbel_softmax_grad", 2.0, 60),
            "st 1": ("straight_through", 1.0, 1)}
    models = {name: train_vae(CategoricalVAE(10, 10, 128, rng=0), train_x, test_x, estimator=est, tau=tau, epochs=60,
                              rng=0, eval_every=every).model for name, (est, tau, every) in runs.items()}
    return models, digits


@claim("05-relaxed-decoding")
def _05_decoding():
    from gumbel_utils.viz.vae_decoding import explore_relaxed_decoding

    models, digits = _vae_models()
    e = explore_relaxed_decoding(models, digits, tau=2.0, seed=3)

    def curve(name):
        e.controls["model"].value = name
        out = {}
        for t in (2.0, 1.0, 0.3, 0.1, 0.01):
            e.controls["tau"].value = t
            out[t] = (float(e.state["relaxed_nll"]), float(e.state["hard_nll"]))
        return out

    gs2 = curve("gs 2")
    worse = all(gs2[a][0] < gs2[b][0] for a, b in ((2.0, 1.0), (1.0, 0.3), (0.3, 0.1), (0.1, 0.01)))
    meet = abs(gs2[0.01][0] - gs2[0.01][1]) < 0.1 and gs2[1.0][1] - gs2[1.0][0] > 3
    close = all(abs(r - h) < 1.0 for name in ("gs 0.3", "st 1") for t, (r, h) in curve(name).items() if t <= 1.0)
    return [0 if worse else 1, 0 if meet else 1, 0 if close else 1]


# --------------------------------------------------------------------------- notebook 6


def _tau_index(taus, tau: float) -> int:
    return int(np.argmin(np.abs(np.log(np.asarray(taus) / tau))))


@claim("06-decoder-bias")
def _06_decoder_bias():
    from gumbel_utils.digits import load_digits_binary
    from gumbel_utils.vae import CategoricalVAE
    from gumbel_utils.vae_gradient_stats import vae_bias_variance

    small, batch = CategoricalVAE(2, 8, 128, rng=0), load_digits_binary(rng=0)[0][:100]
    excess = {}
    for name in ("gumbel_softmax_grad", "straight_through"):  # the notebook's live cell, fewer replicates
        r = vae_bias_variance(small, batch, name, [0.1, 1.0], replicates=100, codes=[1], rng=3)["decoder"]
        excess[name] = (np.asarray(r.bias2) - np.asarray(r.bias2_floor)) / np.asarray(r.bias2_se)  # in s.e.
    gs_biased = bool(np.all(excess["gumbel_softmax_grad"] > 3))
    st_unbiased = bool(np.all(np.abs(excess["straight_through"]) < 3))
    grows = excess["gumbel_softmax_grad"][1] > excess["gumbel_softmax_grad"][0]
    from gumbel_utils.experiment_data import load_experiment  # the 1,000-replicate measurement of Section 3

    gs = load_experiment("exact_vae")["results"]["checkpoints"]["untrained"]["estimators"]["Gumbel-Softmax"]
    d = gs["groups"]["decoder"]
    at = [_tau_index(gs["tau"], t) for t in (0.1, 1.0)]
    grows = grows and d["bias2"][at[1]] - d["bias2_floor"][at[1]] > 10 * (d["bias2"][at[0]] - d["bias2_floor"][at[0]])
    return [0 if gs_biased and st_unbiased else 1, 0 if grows else 1]


@claim("06-tau-star-codes")
def _06_tau_star_codes():
    from gumbel_utils.experiment_data import load_experiment
    from gumbel_utils.gradient_stats import TAU_GRID

    st = load_experiment("exact_vae")["results"]["checkpoints"]["trained"]["estimators"]["straight-through"]
    stars = [st["groups"][g]["tau_star"][n] for g in ("encoder logits", "encoder weights") for n in ("1", "4", "16", "64")]
    at_end = all(s["tau"] == max(TAU_GRID) for s in stars)
    return [0 if at_end else 1]


@claim("06-learned-rebar")
def _06_learned_rebar():
    from gumbel_utils.experiment_data import load_experiment
    from gumbel_utils.gradient_stats import TAU_GRID

    runs = load_experiment("learned")["results"]["cubic"]["runs"]
    beyond = all(r["tau"] > max(TAU_GRID) and r["eta"] > 5 for r in runs)
    return [0 if beyond else 1]


@claim("06-learned-tau")
def _06_learned_tau():
    from gumbel_utils.experiment_data import load_experiment

    runs = [r for r in load_experiment("ordering")["results"]["runs"] if r["label"] == "Gumbel-Softmax, τ learned"]
    starts = {r["tau0"] for r in runs}
    ends = [r["tau_by_epoch"][-1] for r in runs]
    return [0 if starts == {0.3, 1.0, 3.0} and all(1.8 < t < 2.5 for t in ends) else 1]


@claim("ex-6.2")
def _ex_6_2():
    from gumbel_utils.objectives import Cubic
    from gumbel_utils.training_stats import rebar_eta_variance

    par = rebar_eta_variance(np.array([1.0, 0.5, 0.0]), Cubic(), [0.5], [1.0], n_samples=200_000, rng=12345)
    slope = 2.0 * float(par.cov_ab[0] + par.var_b[0])  # the right slope, so that the check judges eta* alone
    return [_check_accepts(check.exercise_6_2, lambda v: (slope, v))]


@claim("ex-5.3")
def _ex_5_3():
    from gumbel_utils.digits import load_digits_binary
    from gumbel_utils.vae import CategoricalVAE

    model = CategoricalVAE(10, 10, 128, rng=0)
    batch = load_digits_binary(rng=0)[1][:100]
    noise = np.random.default_rng(8).gumbel(size=(100, 10, 10))
    losses = {name: tuple(model.loss_and_grad(batch, estimator=name, tau=t, noise=noise)[0] for t in (0.1, 5.0))
              for name in ("straight_through", "gumbel_softmax_grad")}
    assert check.exercise_5_3(losses).passed
    st, gs = losses["straight_through"], losses["gumbel_softmax_grad"]
    return [0 if st[0] == st[1] else 1, 0 if gs[0] != gs[1] else 1]


@claim("07-bias-variance-batch")
def _07_batch():
    from gumbel_utils.binary_exact import exact_binary_moments
    from gumbel_utils.gradient_stats import bias_variance_sweep, resolved_bias2
    from gumbel_utils.tau_star import mse_optimal_tau
    from gumbel_utils.objectives import OBJECTIVES

    taus = np.geomspace(0.01, 10, 13)
    res = bias_variance_sweep(X3, OBJECTIVES["cubic"], taus, n_samples=20_000, batches=(1, 10, 100, 1000), rng=0,
                              estimators=["score_function_baseline", "gumbel_softmax_grad", "straight_through"])
    best = {k: np.nanmin(res[k].mse_at(100)) for k in res}
    lowest = min(best, key=best.get)
    star_100, star_1 = mse_optimal_tau(res["gumbel_softmax_grad"], 100)[0], mse_optimal_tau(res["gumbel_softmax_grad"], 1)[0]
    moderate = 0.1 < star_100 < 1.0 and star_100 < star_1 and star_100 > taus[0]
    # the left panel draws the resolved squared biases (triangles below the Monte Carlo resolution)
    st, gs = (resolved_bias2(res[k]) for k in ("straight_through", "gumbel_softmax_grad"))
    st_small = st[(taus <= 0.2) & np.isfinite(st)]
    flat = st_small.size >= 3 and st_small.max() / st_small.min() < 2
    falls = gs[np.argmin(np.abs(taus - 1.0))] / np.nanmin(gs) > 20
    limits = [exact_binary_moments([0.5, 0.0], OBJECTIVES["cubic"], [1e-4], estimator=k) for k in
              ("straight_through", "gumbel_softmax_grad")]
    ratios = [q.mean[0, 0] / q.exact[0] for q in limits]  # "tends to 3/2 of the exact gradient (exact for K = 2)"
    stays = flat and falls and abs(ratios[0] - 1.5) < 1e-3 and abs(ratios[1] - 1) < 1e-3
    order = ["score_function_baseline", "gumbel_softmax_grad", "straight_through"]
    return [order.index(lowest), 0 if moderate else 1, 0 if stays else 1]


@claim("ex-7.1")
def _ex_7_1():
    return [_check_accepts(check.exercise_7_1, float)]


@claim("ex-7.2")
def _ex_7_2():
    from gumbel_utils.digits import load_digits_binary
    from gumbel_utils.vae import CategoricalVAE
    from gumbel_utils.vae_training import train_vae

    train_x, test_x = load_digits_binary(rng=0)
    measured = {}
    for tau in (1.0, 0.3):  # Notebook 7's two models (40 epochs), measured as its solution does
        model = train_vae(CategoricalVAE(10, 10, 128, rng=0), train_x, test_x, estimator="gumbel_softmax_grad", tau=tau,
                          epochs=40, rng=0, eval_every=40).model
        measured[tau] = (model.negative_elbo(test_x, n_samples=20, rng=8), model.relaxed_loss(test_x, tau=tau, n_samples=20,
                                                                                               rng=8))
    assert check.exercise_7_2(measured).passed
    gap = {t: d - r for t, (d, r) in measured.items()}
    shows = measured[0.3][0] < measured[1.0][0] and gap[1.0] > gap[0.3]
    return [0 if shows else 1]
