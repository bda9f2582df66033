"""``gumbel_utils.exercises.check``: every exercise's self-check, against its worked solution and against wrong answers.

* every solution passes its own check (answers computed here as the solutions compute them; the
  slow notebook tests also run the solution notebooks and read each self-check's output);
* a deliberately wrong answer fails each check with a message saying what is wrong, and the
  message never contains the expected value;
* no check raises, whatever the answer; a missing answer (``...``) says "no answer yet";
* every exercise of every notebook of ``notebooks/`` (present and future) has a self-check cell
  after its solution, and the solution stores the answer the check reads;
* every student notebook (``make student``) runs top to bottom on a fresh kernel without an error,
  each self-check cell saying "no answer yet": ``tests/test_notebooks.py``, with the notebook's other
  execution gates (it shares their executions).
"""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

import _qa
from gumbel_utils.exercises import check
from gumbel_utils.exercises.feedback import NO_ANSWER, CheckResult
import make_student  # tools/ (pyproject.toml: pythonpath)

NOTEBOOKS = [p for p in _qa.discover_notebooks() if re.match(r"\d{2}_", p.name)]  # NN_name.ipynb: notebook NN
IDS = [p.stem for p in NOTEBOOKS]


# --------------------------------------------------------------------------- answers computed like the solutions


def _solution_0_1():
    from gumbel_utils import softmax, total_variation

    alpha = np.array([0.2, 0.3, 0.5])
    betas = np.linspace(0.1, 20, 400)
    tv = np.array([total_variation(softmax(b * alpha), alpha) for b in betas])
    return betas[tv.argmin()], tv.min()


def _p_wins(x, j):
    from scipy import stats
    from scipy.integrate import quad

    def integrand(t):
        return stats.gumbel_r.pdf(t) * np.prod([stats.gumbel_r.cdf(t + x[j] - x[i]) for i in range(x.size) if i != j])

    return quad(integrand, -10, 40)[0]


X1 = np.array([1.0, 0.0, -0.5, 0.5])
X2 = np.log([0.2, 0.3, 0.5])
X3 = np.array([1.0, 0.5, 0.0])


def _solution_1_2():
    from gumbel_utils import gumbel_max

    return gumbel_max(np.array([1.0, -np.inf, -0.5, 0.5]), size=100_000, rng=11)


def _solution_1_3(scale=0.5):
    from gumbel_utils import gumbel_softmax, sample_gumbel

    g = sample_gumbel((10_000, 4), rng=12)
    hard = [gumbel_softmax(X1, tau, noise=g, hard=True).argmax(axis=1) for tau in (0.1, 10.0)]
    return hard[0], hard[1], np.argmax(X1 / scale + g, axis=1)


def _solution_2_1(taus=(10.0, 100.0, 1e3, 1e4)):
    from gumbel_utils import gumbel_softmax, sample_gumbel

    g = sample_gumbel(3, rng=5)
    return np.array([np.abs(gumbel_softmax(X2, tau, noise=g) - 1 / 3).max() for tau in taus])


def _solution_2_2(logits=X2, rng=6):
    from gumbel_utils import sample_gumbel
    from gumbel_utils.relaxation_stats import tau_for_near_one_hot_fraction

    return tau_for_near_one_hot_fraction(logits, sample_gumbel((20_000, 3), rng=rng))


def _solution_2_3(power=-4):
    from gumbel_utils import concrete_log_prob, simplex_grid

    grid = simplex_grid(400)
    pixel = (1 / 400) * (grid.extent[3] / grid.bary.shape[0])
    taus = np.array([1.0, 2.0, 3.0])
    totals = np.array([np.exp(concrete_log_prob(grid.points, X2, t)).sum() * pixel / (np.sqrt(3) / 2) for t in taus])
    return totals, totals * taus ** power


def _solution_3_1(objective=None):
    from gumbel_utils.gradient_stats import bias_variance
    from gumbel_utils.objectives import Linear

    f = Linear([1.0, 0.0, -1.0]) if objective is None else objective
    return tuple(bias_variance(name, X3, f, n_samples=50_000, rng=10).variance
                 for name in ("score_function", "score_function_baseline"))


def _solution_3_2(f=None, tau=1e-4):
    from gumbel_utils.binary_exact import exact_binary_moments
    from gumbel_utils.objectives import Quadratic

    return exact_binary_moments([0.5, 0.0], Quadratic() if f is None else f, [tau], estimator="straight_through").mean[0]


def _solution_3_3(estimator="gumbel_softmax_grad"):
    from gumbel_utils.gradient_stats import TAU_GRID, bias_variance
    from gumbel_utils.tau_star import mse_optimal_tau
    from gumbel_utils.objectives import OBJECTIVES

    r = bias_variance(estimator, X3, OBJECTIVES["cubic"], TAU_GRID, n_samples=20_000, rng=11)
    return np.array([mse_optimal_tau(r, n)[0] for n in (1, 10, 100, 1000, 10_000)])


def _expected_4_2():
    from gumbel_utils.relaxed_toy import relaxed_toy_minimizer
    from gumbel_utils.schedules import anneal

    return relaxed_toy_minimizer(0.45, anneal(50_000, tau0=1.0, tau_min=0.5, rate=1e-4, every=500))


def _solution_4_3(second="noise_free_grad", n=32, tau=0.5):
    from gumbel_utils.objectives import OBJECTIVES
    from gumbel_utils.training import train_logits

    f = OBJECTIVES["quadratic"]
    return (train_logits("noise_free_grad", f, np.zeros(3), steps=50, batch=1, tau=0.5),
            train_logits(second, f, np.zeros(3), steps=50, batch=n, tau=tau))


def _kl_grad(logits):
    from gumbel_utils import log_softmax

    log_q = log_softmax(logits)
    q = np.exp(log_q)
    return q * (log_q - (q * log_q).sum(-1, keepdims=True))


def _solution_5_3():
    from gumbel_utils.digits import load_digits_binary
    from gumbel_utils.vae import CategoricalVAE

    model, test_x = CategoricalVAE(10, 10, 128, rng=0), load_digits_binary(rng=0)[1]
    g = np.random.default_rng(8).gumbel(size=(100, 10, 10))
    return {name: tuple(model.loss_and_grad(test_x[:100], estimator=name, tau=t, noise=g)[0] for t in (0.1, 5.0))
            for name in ("straight_through", "gumbel_softmax_grad")}


def _solution_6_1(sign=1.0, scale=1.0):
    import itertools

    from gumbel_utils.digits import load_digits_binary
    from gumbel_utils.numerics import softmax
    from gumbel_utils.vae import CategoricalVAE, bernoulli_nll

    m, x = CategoricalVAE(2, 3, 8, rng=0), load_digits_binary()[0][:4]
    q, grad = softmax(m.encode(x)), np.zeros((4, 2, 3))
    for i, j in itertools.product(range(3), range(3)):
        code = np.zeros((4, 2, 3))
        code[:, 0, i] = code[:, 1, j] = 1.0
        grad += (q[:, 0, i] * q[:, 1, j] * bernoulli_nll(x, m.decoder_logits(code)))[:, None, None] * (code - q)
    return sign * scale * grad / 4


def _solution_6_2():
    from gumbel_utils.conditional import rebar
    from gumbel_utils.objectives import Cubic

    x = np.array([1.0, 0.5, 0.0])
    a = rebar(x, Cubic(), 200_000, tau=0.5, rng=0, eta=0.0)
    b = rebar(x, Cubic(), 200_000, tau=0.5, rng=0, eta=1.0) - a
    da, db = a - a.mean(0), b - b.mean(0)
    return float(np.mean(2 * np.einsum("nk,nk->n", a + b, b))), float(-np.sum(da * db) / np.sum(db * db))


def _solution_6_3(formula=False):
    from gumbel_utils.digits import load_digits_binary
    from gumbel_utils.vae import CategoricalVAE
    from gumbel_utils.vae_gradient_stats import estimator_gradients, exact_group_gradients

    m, x = CategoricalVAE(2, 8, 128, rng=0), load_digits_binary()[0][:20]
    exact = exact_group_gradients(m, x)["encoder weights"]
    if formula:  # bias^2 + variance / n from one code per image: the wrong way
        g = estimator_gradients(m, x, estimator="score_function_baseline", tau=1.0, replicates=300, rng=1)
        g = g["encoder weights"]
        return {n: float(np.sum((g.mean(0) - exact) ** 2) + np.sum(g.var(0, ddof=1)) / n) for n in (2, 8)}
    out = {}
    for n in (2, 8):
        g = estimator_gradients(m, x, estimator="score_function_baseline", tau=1.0, codes=n, replicates=300, rng=n)
        out[n] = float(np.mean(np.sum((g["encoder weights"] - exact) ** 2, axis=1)))
    return out


def _training_threshold():
    from gumbel_utils.relaxed_toy import relaxed_toy_threshold

    return relaxed_toy_threshold(0.3)


SOLUTIONS = {
    "0.1": _solution_0_1,
    "1.1": lambda: _p_wins,
    "1.2": _solution_1_2,
    "1.3": _solution_1_3,
    "2.1": _solution_2_1,
    "2.2": _solution_2_2,
    "2.3": _solution_2_3,
    "3.1": _solution_3_1,
    "3.2": _solution_3_2,
    "3.3": _solution_3_3,
    "4.1": _training_threshold,
    "4.2": _expected_4_2,
    "4.3": _solution_4_3,
    "5.1": lambda: np.array([[21.52, 21.58], [21.70, 21.66]]),  # plausible values: retraining takes minutes
    "5.2": lambda: _kl_grad,
    "5.3": _solution_5_3,
    "6.1": _solution_6_1,
    "6.2": _solution_6_2,
    "6.3": _solution_6_3,
    "7.1": lambda: (1 - 0.5) / 2,
    "7.2": lambda: {1.0: (23.19, 19.86), 0.3: (22.01, 21.22)},  # measured in notebook 7 (40-epoch VAEs)
}


def test_every_check_has_a_solution_here():
    assert set(SOLUTIONS) == set(check.EXERCISES), "add the answer of each new exercise to SOLUTIONS"


#: Checks that recompute their expected answer for seconds (200,000 REBAR draws, 300 batches of VAE codes).
SLOW_CHECKS = {"6.2", "6.3"}


def _tiered(number, *rest, id=None):
    return pytest.param(number, *rest, id=id, marks=[pytest.mark.slow] if number in SLOW_CHECKS else [])


@pytest.mark.parametrize("number", [_tiered(n) for n in sorted(SOLUTIONS)])
def test_solution_passes_its_check(number):
    result = check.EXERCISES[number](SOLUTIONS[number]())
    assert isinstance(result, CheckResult) and result.exercise == number
    assert result.passed, str(result)
    assert str(result).startswith(f"✓ Exercise {number}: right.")


# --------------------------------------------------------------------------- wrong answers


def _frequencies(k):
    from gumbel_utils import frequencies

    return frequencies(k, 4)[0]


WRONG = [
    ("0.1", lambda: (1.0, 0.1093), "not TV(softmax(beta alpha), alpha)"),
    ("0.1", lambda: (5.0, float(np.abs(np.exp(5 * np.array([.2, .3, .5])) / np.exp(5 * np.array([.2, .3, .5])).sum()
                                       - [.2, .3, .5]).sum() / 2)), "a beta with a smaller total variation"),
    ("1.1", lambda: (lambda x, j: 1 / x.size), "is off by"),
    ("1.1", lambda: (lambda x, j: np.exp(x[j])), "sum to"),
    ("1.1", lambda: np.array([0.46, 0.17, 0.1, 0.27]), "your function p(x, j) itself"),
    ("1.2", lambda: _solution_1_2()[:500], "too few"),
    ("1.2", lambda: np.arange(100_000) % 4, "category 1 appears"),
    ("1.2", lambda: _frequencies(_solution_1_2()) * 1.3, "your frequencies sum to 1.3"),
    ("1.2", lambda: np.where(_solution_1_2() == 2, 3, _solution_1_2()), "chi-square p-value"),
    ("1.2", lambda: np.eye(4)[_solution_1_2()], "one-hot rows"),
    ("1.3", lambda: (_solution_1_3()[0], _solution_1_3()[2], _solution_1_3()[2]), "differ in"),
    ("1.3", lambda: _solution_1_3(scale=1.0), "do not follow the law of the scaled logits"),
    ("1.3", lambda: _solution_1_3()[0], "expected three arrays"),
    ("2.1", lambda: _solution_2_1()[:3], "the shape should be (4,)"),
    ("2.1", lambda: _solution_2_1()[::-1], "do not shrink"),
    ("2.1", lambda: _solution_2_1() ** 0.5, "shrink like tau^-0.50"),
    ("2.2", lambda: 0.1, "too large"),
    ("2.2", lambda: 0.005, "too small"),
    ("2.2", lambda: -1.0, "must be > 0"),
    ("2.2", lambda: _solution_2_2(np.array([0.2, 0.3, 0.5])), "the pitfall of Notebook 0"),
    ("2.2", lambda: _solution_2_2(rng=7), "rng=6"),
    ("2.3", lambda: (_solution_2_3()[0] * np.sqrt(3) / 2, _solution_2_3()[1]), "Jacobian of the triangle"),
    ("2.3", lambda: _solution_2_3(power=-2), "which power of tau"),
    ("2.3", lambda: _solution_2_3()[0], "expected a pair"),
    ("3.1", lambda: _solution_3_1()[::-1], "swapped"),
    ("3.1", lambda: (_solution_3_1()[0], 0.1), "with the baseline is not"),
    ("3.2", lambda: _solution_3_2(tau=0.3), "away from the exact gradient"),
    ("3.2", lambda: _solution_3_2()[:1], "the shape should be (2,)"),
    ("3.3", lambda: _solution_3_3()[::-1], "grows"),
    ("3.3", lambda: _solution_3_3("straight_through"), "far from the MSE minimiser"),
    ("4.1", lambda: 0.2, "too low"),
    ("4.1", lambda: 0.5, "too high"),
    ("4.1", lambda: "0.4", "expected one number"),
    ("4.1", lambda: float("inf"), "expected one finite number (temperature), got inf."),
    ("4.2", lambda: 0.0, "p = 0 is the true optimum"),
    ("4.2", lambda: 0.3769767641588171, "first temperature"),
    ("4.2", lambda: 0.2, "not where the relaxed estimator ends"),
    ("4.2", lambda: 1.5, "lies in [0, 1]"),
    ("4.3", lambda: _solution_4_3(n=1), "same number of samples"),
    ("4.3", lambda: _solution_4_3(second="gumbel_softmax_grad"), "'gumbel_softmax_grad'"),
    ("4.3", lambda: _solution_4_3(tau=0.3), "differ by up to"),
    ("4.3", lambda: tuple(t.theta for t in _solution_4_3()), "Trajectory objects"),
    ("5.1", lambda: np.array([[21.5, 24.6], [21.3, 21.4]]), "differ by 3.10 nats"),
    ("5.1", lambda: np.array([[21.5, 21.6], [21.3, 90.0]]), "below an untrained model's"),
    ("5.1", lambda: np.array([21.5, 21.6]), "the shape should be (2, 2)"),
    ("5.2", lambda: (lambda ell: np.exp(ell) * ell), "finite differences"),
    ("5.2", lambda: (lambda ell: _kl_grad(ell)[0]), "the shape should be"),
    ("5.3", lambda: {"straight_through": _solution_5_3()["gumbel_softmax_grad"],
                     "gumbel_softmax_grad": _solution_5_3()["gumbel_softmax_grad"]}, "straight-through losses differ"),
    ("5.3", lambda: {"straight_through": (40.0, 40.0), "gumbel_softmax_grad": (41.0, 41.0)}, "are equal"),
    ("5.3", lambda: [1, 2], 'expected a dict with the keys "straight_through"'),
    ("6.1", lambda: _solution_6_1(sign=-1.0), "wrong sign"),
    ("6.1", lambda: _solution_6_1(scale=4.0), "batch mean"),
    ("6.1", lambda: _solution_6_1()[:2], "the shape should be (4, 2, 3)"),
    ("6.2", lambda: (_solution_6_2()[0] / 2, _solution_6_2()[1]), "half the derivative"),
    ("6.2", lambda: (_solution_6_2()[0], -_solution_6_2()[1]), "wrong sign"),
    ("6.2", lambda: (-_solution_6_2()[0], _solution_6_2()[1]), "wrong sign"),
    ("6.3", lambda: _solution_6_3(formula=True), "no baseline at all"),
    ("6.3", lambda: {2: 0.5, 8: 0.6}, "does not fall"),
    ("6.3", lambda: {2: 0.5}, "expected a dict with the keys [2, 8]"),
    ("7.1", lambda: 0.24, "too small"),
    ("7.1", lambda: 0.26, "too large"),
    ("7.1", lambda: 0.7, "between 0 and 1/2"),
    ("7.2", lambda: {1.0: (19.86, 23.19), 0.3: (21.22, 22.01)}, "are the two swapped"),
    ("7.2", lambda: {1.0: (23.19, 22.86), 0.3: (22.01, 20.22)}, "not larger at tau = 1"),
    ("7.2", lambda: {1.0: (23.19, 19.86), 0.3: (24.01, 21.22)}, "has the better discrete -ELBO"),
    ("7.2", lambda: {1.0: (23.19, 19.86), 0.5: (22.01, 21.22)}, "no entry for tau = 0.3"),
]


@pytest.mark.parametrize("number, answer, expected", [_tiered(*w, id=f"{w[0]}-{i}") for i, w in enumerate(WRONG)])
def test_wrong_answer_fails_with_a_helpful_message(number, answer, expected):
    result = check.EXERCISES[number](answer())
    assert result.status == "wrong", str(result)
    assert expected in result.message, f"{result}\n(expected the message to mention {expected!r})"
    assert str(result).startswith(f"✗ Exercise {number}: ")


def test_every_check_has_a_wrong_answer_test():
    assert {n for n, _, _ in WRONG} == set(check.EXERCISES)


@pytest.mark.parametrize("number, value", [("0.1", lambda: _solution_0_1()[1]), ("2.2", _solution_2_2),
                                           ("4.1", _training_threshold), ("4.2", _expected_4_2),
                                           ("7.1", lambda: 0.25)])
@pytest.mark.slow
def test_messages_never_give_the_expected_number(number, value):
    expected = float(value())
    shown = {f"{expected:.{d}g}" for d in (2, 3, 4)} | {f"{expected:.{d}f}" for d in (2, 3, 4)}
    for factor in (0.3, 0.8, 1.25, 3.0):
        answer = (_solution_0_1()[0], expected * factor) if number == "0.1" else expected * factor
        message = check.EXERCISES[number](answer).message
        assert not any(s in message for s in shown if s not in f"{expected * factor}"), message


JUNK = [..., None, "an answer", 3, -1.5, np.nan, [], {}, [[1, 2], [3]], np.zeros((3, 3, 3)), object(), len,
        (np.zeros(4), np.zeros(5), None)]


@pytest.mark.parametrize("number", sorted(check.EXERCISES))
def test_no_check_raises_and_a_missing_answer_says_so(number):
    for junk in JUNK:
        result = check.EXERCISES[number](junk)
        assert isinstance(result, CheckResult) and not result.passed, (junk, result)
        text = str(result) + result._repr_html_()
        assert "Exercise " + number in text
    for missing in (..., None):
        result = check.EXERCISES[number](missing)
        assert result.status == NO_ANSWER and "no answer yet" in str(result)
        assert "answer_" + number.replace(".", "_") in str(result)


def test_module_api():
    assert set(check.__all__) == {"CheckResult", "EXERCISES"} | {f"exercise_{n.replace('.', '_')}"
                                                                  for n in check.EXERCISES}
    for number, function in check.EXERCISES.items():
        assert getattr(check, "exercise_" + number.replace(".", "_")) is function
        assert "Parameters" in function.__doc__ and function.__doc__.startswith(f"Exercise {number}")


# --------------------------------------------------------------------------- the notebooks' self-check cells

_LABEL = re.compile(r"\*\*Exercise (\d+)\.\*\*")
_CALL = re.compile(r"check\.exercise_(\d+)_(\d+)\((answer_\d+_\d+)\)")


def _prompts(student) -> list[tuple[int, str]]:
    """(index, exercise number M) of each exercise prompt of a student notebook, in order."""
    out, last_stated = [], None
    for index, cell in enumerate(student.cells):
        if make_student.is_placeholder(cell) and not make_student.is_answer_stub(cell):
            label = re.match(r"\*\*Exercise (\d+)\.\*\*", cell.source)
            out.append((index, label.group(1) if label else last_stated))
        elif cell.cell_type == "markdown" and (found := _LABEL.findall(cell.source)):
            last_stated = found[-1]
    return out


@pytest.mark.skipif(not NOTEBOOKS, reason=f"no notebooks in {_qa.NOTEBOOKS_DIR}")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_exercise_has_a_self_check_after_its_solution(path):
    nb = nbformat.read(path, as_version=4)
    notebook = int(path.name[:2])
    student = make_student.strip_solutions(nb)
    prompts = _prompts(student)
    assert prompts, f"{path.name}: no exercise prompt in the student version"
    problems = []
    for index, number in prompts:
        exercise = f"{notebook}.{number}"
        stub, self_check = student.cells[index + 1:index + 3] if index + 2 < len(student.cells) else (None, None)
        call = _CALL.search(self_check.source) if self_check is not None else None
        if (stub is None or not make_student.is_answer_stub(stub) or "self-check" not in _qa.cell_tags(self_check)
                or not call):
            problems.append(f"exercise {exercise} has no self-check cell after its solution (tag `self-check`, "
                            f"calling check.exercise_{notebook}_{number}(answer_{notebook}_{number}); add the check "
                            "to gumbel_utils/exercises/check.py)")
            continue
        if (call.group(1), call.group(2)) != (str(notebook), number) or call.group(3) != f"answer_{notebook}_{number}":
            problems.append(f"exercise {exercise}: its self-check calls {call.group(0)}")
        if exercise not in check.EXERCISES:
            problems.append(f"exercise {exercise}: no check.exercise_{notebook}_{number} in gumbel_utils/exercises/check.py")
        if stub.source.split("=")[0].strip() != call.group(3) or "= ..." not in stub.source:
            problems.append(f"exercise {exercise}: the answer stub is {stub.source!r}")
    # The worked solutions store every answer their self-checks read, before the self-check.
    assigned = set()
    for cell in nb.cells:
        if "solution" in _qa.cell_tags(cell) and cell.cell_type == "code":
            assigned |= set(re.findall(r"^\s*(answer_\d+_\d+)\s*=", cell.source, re.MULTILINE))
        elif "self-check" in _qa.cell_tags(cell):
            for call in _CALL.finditer(cell.source):
                if call.group(3) not in assigned:
                    problems.append(f"no solution cell before the self-check assigns {call.group(3)}")
    assert not problems, f"{path.name}: " + "; ".join(problems)
