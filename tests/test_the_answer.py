"""The numbers Notebook 6 (the answer) prints, recomputed with the notebook's seeds and checked against their claims.

Tolerances come from standard errors (5 sigma) where the number is a Monte Carlo estimate,
and from the exact values (quadrature, closed forms) where there is one. The last tests
check that every link of the notebook points at a notebook that exists and, for links with
an anchor, at a heading of that notebook (JupyterLab's anchor: the heading text with spaces
replaced by '-'; ASCII only, because the browser percent-encodes other characters in the
fragment and JupyterLab then finds no heading).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from gumbel_utils import gumbel_max, gumbel_softmax, goodness_of_fit, sample_gumbel, softmax, total_variation
from gumbel_utils.binary_exact import exact_binary_moments
from gumbel_utils.estimators import score_function_baseline_exact_mse
from gumbel_utils.gradient_stats import TAU_GRID, bias_variance, bias_variance_sweep, tau_limit_table
from gumbel_utils.tau_star import grid_minimum, mse_optimal_tau
from gumbel_utils.objectives import OBJECTIVES
from gumbel_utils.relaxation_stats import interior_mode_threshold, log_convexity_threshold, monte_carlo_mean, relaxation_path
from gumbel_utils.relaxed_toy import relaxed_toy_minimizer, relaxed_toy_threshold
from gumbel_utils.schedules import anneal
from gumbel_utils.training import train_logits, train_toy
from gumbel_utils.training_stats import float32_pitfalls, logit_scale

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "07_the_answer.ipynb"
X = np.array([1.0, 0.5, 0.0])  # the notebook's logits
P = softmax(X)
N = 100_000
CUBIC = OBJECTIVES["cubic"]
T_TOY = 0.45


def _se(values) -> float:
    v = np.asarray(values, dtype=float)
    return float(v.std(ddof=1) / np.sqrt(v.size))


# ----------------------------------------------------------------------------- Section 1: sampling


def test_argmax_of_softmax_is_a_point_mass_and_gumbel_max_samples_p():
    point_mass = np.eye(3)[np.argmax(softmax(X))]
    assert total_variation(point_mass, P) == pytest.approx(1 - P.max(), abs=1e-12)
    k = gumbel_max(X, size=N, rng=1)
    assert goodness_of_fit(k, P).pvalue > 1e-3
    np.testing.assert_array_equal(k, gumbel_max(X + 5, size=N, rng=1))  # a shift changes no sample
    doubled = gumbel_max(2 * X, size=N, rng=1)
    assert goodness_of_fit(doubled, P).pvalue < 1e-12  # a scale changes the law ...
    assert goodness_of_fit(doubled, softmax(2 * X)).pvalue > 1e-3  # ... to softmax(2x)


def test_probabilities_go_in_as_log_alpha():
    alpha = np.array([0.2, 0.3, 0.5])
    assert goodness_of_fit(gumbel_max(alpha, size=N, rng=2), alpha).pvalue < 1e-12
    assert goodness_of_fit(gumbel_max(np.log(7 * alpha), size=N, rng=2), alpha).pvalue > 1e-3


# ----------------------------------------------------------------------------- Section 2: the relaxation


def test_relaxation_keeps_the_argmax_and_its_mean_drifts_from_p():
    G = sample_gumbel((200, 3), rng=3)
    taus = np.logspace(-2, 1, 61)
    assert sum(int((relaxation_path(X, g, taus).argmax(axis=1) != np.argmax(X + g)).sum()) for g in G) == 0
    G = sample_gumbel((20_000, 3), rng=4)
    means = {tau: monte_carlo_mean(gumbel_softmax(X, tau, noise=G)) for tau in (0.01, 0.1, 1.0, 10.0)}
    m = means[0.01]
    assert np.all(np.abs(m.mean - P) < 5 * m.se)  # E[y] -> p as tau -> 0
    for tau in (1.0, 10.0):  # and it is resolved away from p at larger tau
        assert np.max(np.abs(means[tau].mean - P) / means[tau].se) > 5
    tv = [total_variation(means[tau].mean, P) for tau in (0.1, 1.0, 10.0)]
    assert tv[0] < tv[1] < tv[2]
    assert np.allclose(means[10.0].mean, 1 / 3, atol=0.02)


def test_shape_thresholds_are_not_tau_one_in_general():
    assert log_convexity_threshold(3) == 0.5
    assert interior_mode_threshold(np.zeros(3)) == pytest.approx(1.0, abs=0.01)
    assert interior_mode_threshold(X) > 1.2


# ----------------------------------------------------------------------------- Section 3: gradients


def test_relaxed_bias_vanishes_straight_through_stays_biased():
    rows = {r.estimator: r for r in tau_limit_table(X, {"cubic": CUBIC}, n_samples=100_000, rng=0,
                                                     estimators=["gumbel_softmax_grad", "straight_through"])}
    assert rows["gumbel_softmax_grad"].bias_z < 5
    assert rows["straight_through"].bias_z > 5
    for r in rows.values():  # variance grows like 1/tau
        assert abs(r.variance_slope + 1) < 5 * r.variance_slope_se + 0.1


def test_k2_limits_are_one_and_three_halves():
    taus = [1e-2, 1e-3, 1e-4]
    relaxed = exact_binary_moments([0.5, 0.0], CUBIC, taus)
    st = exact_binary_moments([0.5, 0.0], CUBIC, taus, estimator="straight_through")
    assert relaxed.mean[-1, 0] / relaxed.exact[0] == pytest.approx(1.0, abs=1e-3)
    assert st.mean[-1, 0] / st.exact[0] == pytest.approx(1.5, abs=1e-3)
    # The same temperatures on another grid give the same moments (guards the adaptive quadrature).
    for name, printed in (("gumbel_softmax_grad", relaxed), ("straight_through", st)):
        other = exact_binary_moments([0.5, 0.0], CUBIC, np.geomspace(1e-4, 1e-2, 5), estimator=name)
        np.testing.assert_allclose(printed.mean[::-1, 0], other.mean[::2, 0], rtol=1e-6)


@pytest.fixture(scope="module")
def gradient_sweep():
    five = ["score_function", "score_function_baseline", "gumbel_softmax_grad", "straight_through", "gumbel_rao"]
    return bias_variance_sweep(X, CUBIC, TAU_GRID, estimators=five, n_samples=20_000, batches=(1, 10, 100, 1000), rng=0)


@pytest.mark.slow
def test_best_tau_falls_with_the_batch_and_the_score_function_wins_large_batches(gradient_sweep):
    gs, sf = gradient_sweep["gumbel_softmax_grad"], gradient_sweep["score_function_baseline"]
    stars = [mse_optimal_tau(gs, n) for n in (1, 10, 100, 1000)]
    assert all(a.tau >= b.tau for a, b in zip(stars, stars[1:])) and stars[0].tau_low > stars[-1].tau_high
    assert stars[0].tau == pytest.approx(1.78, rel=0.01) and stars[-1].tau == pytest.approx(0.316, rel=0.01)
    i = list(gs.tau).index(stars[0].tau)
    # one sample: the relaxed estimator wins (the "baseline" of a batch of one is no baseline at all)
    assert gs.mse_at(1)[i] < sf.mse_at(1)[0] - 5 * np.hypot(gs.mse_se_at(1)[i], sf.mse_se_at(1)[0])
    assert sf.mse_at(1)[0] == pytest.approx(score_function_baseline_exact_mse(X, CUBIC, 1), abs=5 * sf.mse_se_at(1)[0])
    for n in (10, 100, 1000):  # a batch: the score function with a baseline beats every temperature of the grid
        g, g_se = gs.mse_at(n), gs.mse_se_at(n)
        s, s_se = sf.mse_at(n)[0], sf.mse_se_at(n)[0]
        assert np.all(g > s + 3 * np.hypot(g_se, s_se)), n


def test_float32_at_small_tau():
    rows = {r.tau: r for r in float32_pitfalls(X, CUBIC, [0.1, 0.03], n_samples=20_000, rng=5)}
    se = np.sqrt(0.25 / 20_000)
    assert rows[0.03].naive_nan32 > 0.2 and rows[0.03].naive_nan64 == 0.0
    assert rows[0.1].stable_nan32 == rows[0.03].stable_nan32 == 0.0
    for r in rows.values():   # a largest coordinate of 1 is common, a zero gradient much rarer, the mean as accurate
        assert r.rounds_to_one32 > r.zero_grad32 + 5 * se and r.rounds_to_one32 > r.rounds_to_one64 + 5 * se
        assert r.mean_grad_rel_error < 1e-3 * r.mean_grad_rel_se


# ----------------------------------------------------------------------------- Section 4: training


def test_relaxed_minimiser_and_threshold():
    p = relaxed_toy_minimizer(T_TOY, np.array([0.05, 0.1, 0.2, 0.5, 1.0, 2.0]))
    assert relaxed_toy_threshold(T_TOY) == pytest.approx(0.1)
    assert p[0] == p[1] == 0.0 and np.all(p[2:] > 0.2)
    assert p[4] == pytest.approx(0.377, abs=2e-3)  # tau = 1 (Notebook 4's table)


@pytest.mark.slow
def test_fixed_tau_training_ends_at_the_relaxed_optimum_unbiased_ones_at_the_truth():
    p_half = relaxed_toy_minimizer(T_TOY, 0.5)
    final = {name: train_toy(name, T_TOY, steps=800, lr=0.05, batch=8, tau=0.5, rng=[0, 1, 2]).final_p(100)
             for name in ("gumbel_softmax_grad", "score_function_baseline", "rebar", "noise_free_grad")}
    relaxed = final["gumbel_softmax_grad"]
    assert abs(relaxed.mean() - p_half) < 5 * _se(relaxed) + 0.01
    assert np.all(final["score_function_baseline"] < 0.05) and np.all(final["rebar"] < 0.05)
    noise_free = 1 / (1 + np.exp(-0.5 * np.log(T_TOY / (1 - T_TOY))))
    np.testing.assert_allclose(final["noise_free_grad"], noise_free, atol=2e-3)


def test_rebar_unbiased_relaxed_biased():
    z = {name: np.max(np.abs(r.bias) / r.bias_se, axis=1)
         for name in ("rebar", "gumbel_softmax_grad")
         for r in [bias_variance(name, X, CUBIC, [0.05, 0.5, 5.0], n_samples=20_000, rng=6)]}
    assert np.all(z["rebar"] < 5)
    assert np.all(z["gumbel_softmax_grad"][1:] > 5)


@pytest.mark.slow
def test_annealing_ends_at_the_relaxed_optimum_of_its_last_tau():
    jang = functools.partial(anneal, tau0=1.0, tau_min=0.5, rate=2.5e-3, every=100)
    run = train_toy("gumbel_softmax_grad", T_TOY, steps=2000, lr=0.05, batch=16, tau=jang, rng=[0, 1, 2])
    assert np.all(run.tau[:, -1] == 0.5)
    final = run.final_p(100)
    assert abs(final.mean() - relaxed_toy_minimizer(T_TOY, 0.5)) < 5 * _se(final) + 0.01
    assert relaxed_toy_minimizer(T_TOY, 0.05) == 0.0


@pytest.mark.slow
def test_more_samples_per_step_smaller_best_tau():
    taus_n = np.geomspace(0.01, 1, 5)
    T_, N_, S_ = np.meshgrid(taus_n, [1, 32], np.arange(4), indexing="ij")
    runs = train_logits("gumbel_softmax_grad", OBJECTIVES["quadratic"], np.zeros(3), steps=300, lr=0.05, batch=N_.ravel(),
                 tau=T_.ravel(), rng=S_.ravel())
    gap = runs.gap(50).reshape(T_.shape)  # (tau, n, seed)
    mean = gap.mean(axis=2)
    best = mean.argmin(axis=0)
    assert taus_n[best[1]] < taus_n[best[0]]   # the printed best moves down; the brackets say it is not resolved
    for j in (0, 1):
        star = grid_minimum(taus_n, mean[:, j], gap[:, j, :].std(axis=1, ddof=1) / 2)
        assert not star.resolved
    # n = 32: the best tau beats tau = 1 (the largest) by more than 5 standard errors over the seeds
    se = gap[:, 1, :].std(axis=1, ddof=1) / 2
    assert mean[-1, 1] - mean[best[1], 1] > 5 * np.hypot(se[-1], se[best[1]])


def test_logits_grow_to_one_hot_for_a_vertex_optimum_only():
    out = {}
    for name_f in ("linear", "quadratic"):
        run = train_logits("gumbel_softmax_grad", OBJECTIVES[name_f], np.zeros(3), steps=1000, lr=0.05, batch=4, tau=0.5, rng=0)
        out[name_f] = logit_scale(run.theta[0, [0, -1]], 0.5, n_samples=2000, rng=7)
    (n_lin, f_lin), (n_quad, f_quad) = out["linear"], out["quadratic"]
    assert n_lin[1] > 5 and f_lin[1] > 0.95
    assert n_quad[1] < 3 and f_quad[1] < 0.5


# ----------------------------------------------------------------------------- Section 5: the VAE


@pytest.mark.slow
def test_vae_relaxation_gap_and_tau_one_worse():
    from gumbel_utils.digits import load_digits_binary
    from gumbel_utils.vae import CategoricalVAE, analytic_kl
    from gumbel_utils.vae_training import train_vae
    from gumbel_utils.vae_stats import relaxed_kl

    train_x, test_x = load_digits_binary(rng=0)
    vae = {tau: train_vae(CategoricalVAE(10, 10, 128, rng=0), train_x, test_x, estimator="gumbel_softmax_grad",
                          tau=tau, epochs=40, rng=0, eval_every=40).model for tau in (1.0, 0.3)}
    nums = {}
    for tau, model in vae.items():
        discrete = model.negative_elbo(test_x, n_samples=20, rng=8)
        relaxed = model.relaxed_loss(test_x, tau=tau, n_samples=20, rng=8)
        tiny = model.relaxed_loss(test_x, tau=1e-3, n_samples=20, rng=8)
        assert abs(tiny - discrete) < 0.05  # a tiny tau decodes one-hot codes
        nums[tau] = (discrete, discrete - relaxed)
    assert nums[1.0][1] > 2.0 and nums[0.3][1] < 1.5  # the decoder exploits soft codes, more at tau = 1
    assert nums[0.3][0] < nums[1.0][0] - 0.5  # tau = 1 ended worse on the discrete -ELBO
    untrained = CategoricalVAE(10, 10, 128, rng=0).encode(test_x)
    for tau, model in vae.items():
        (n0, f0), (n1, f1) = (logit_scale(lg, tau, n_samples=200, rng=9) for lg in (untrained, model.encode(test_x)))
        assert n1.mean() > n0.mean()  # the encoder's logits grow ...
        assert abs(f1.mean() - f0.mean()) < 0.05  # ... but the share of near-one-hot codes hardly moves
    logits = vae[1.0].encode(test_x[:100])
    same = [relaxed_kl(logits, tau, n_samples=50, rng=10) for tau in (0.3, 1.0)]
    assert same[0][0] == pytest.approx(same[1][0], rel=1e-9)  # the same invertible map acts on both laws
    assert same[0][0] > 5 * analytic_kl(logits).mean()
    fixed, fixed_se = relaxed_kl(logits, 0.1, prior_tau=1.0, n_samples=50, rng=10)
    assert fixed - 5 * fixed_se > 10 * same[1][0]


# ----------------------------------------------------------------------------- links


def _headings(path: Path) -> set[str]:
    nb = nbformat.read(path, as_version=4)
    return {line.lstrip("#").strip().replace(" ", "-")
            for cell in nb.cells if cell.cell_type == "markdown"
            for line in cell.source.splitlines() if line.startswith("#")}


def _links(notebook: Path = NOTEBOOK) -> list[tuple[str, str | None]]:
    nb = nbformat.read(notebook, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    # Markdown links to notebooks: [text](NN_name.ipynb) or [text](NN_name.ipynb#anchor); anchors may hold (...)
    found = re.findall(r"\]\(([0-9]{2}_[\w]+\.ipynb)(?:#((?:[^()\s]|\([^()\s]*\))+))?\)", text)
    return [(target, anchor or None) for target, anchor in found]


def test_links_of_every_notebook_point_at_notebooks_and_headings():
    links = _links()
    targets = {t for t, _ in links}
    assert {"00_start_here.ipynb", "01_gumbel_max.ipynb", "02_relaxation_temperature.ipynb",
            "03_gradients_temperature.ipynb", "04_training_temperature.ipynb", "05_categorical_vae.ipynb"} <= targets
    for source in sorted(NOTEBOOK.parent.glob("[0-9][0-9]_*.ipynb")):  # every notebook's links, this one's too
        for target, anchor in _links(source):
            path = NOTEBOOK.parent / target
            assert path.exists(), f"{source.name}: link to a missing notebook: {target}"
            if anchor is not None:
                assert anchor.isascii(), f"{source.name} -> {target}#{anchor}: a non-ASCII anchor does not work in JupyterLab"
                assert anchor in _headings(path), f"{source.name} -> {target}#{anchor}: no such heading in {target}"


def test_readme_lists_the_answer_last():
    rows = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
            if re.match(r"\|\s*\d+\s*\|\s*\[\d{2}_", line)]
    assert rows and "07_the_answer.ipynb" in rows[-1]
