"""Figures and explorers of notebook 1, and every number the notebook prints.

The explorers are driven through their controls and the drawn data is compared
with the package's own computation (same seeds): bar heights are the
frequencies of ``gumbel_max`` / ``sample_categorical`` samples, error bars
their standard errors, the title's p-value ``goodness_of_fit``. The second half
recomputes, with the notebook's seeds, each claim ``01_gumbel_max.ipynb``
prints, with tolerances of 5 standard errors or p-value floors of 1e-3.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import stats

import _qa

from gumbel_utils import (
    frequencies,
    goodness_of_fit,
    gumbel_max,
    gumbel_softmax,
    log_softmax,
    perturbed_max,
    sample_categorical,
    sample_gumbel,
    softmax,
    total_variation,
)
from gumbel_utils.sampling import gumbel_max_from_noise
from gumbel_utils.stats import expected_total_variation
from gumbel_utils.viz import Explorer
from gumbel_utils.viz.gumbel_max import (
    explore_gumbel_max,
    explore_shift_scale,
    plot_convergence,
    plot_draws,
    plot_frequency_bars,
)

#: The notebook's logits.
X = np.array([1.0, 0.0, -0.5, 0.5])
P = softmax(X)
#: PNGs of the figures, to look at (set GUMBEL_FIGURE_DIR to keep them elsewhere).
FIGURE_DIR = Path(os.environ.get("GUMBEL_FIGURE_DIR") or _qa.ARTIFACTS_DIR / "figures-nb1")
PVALUE_FLOOR = 1e-3


def _save(fig_or_explorer, name: str) -> None:
    FIGURE_DIR.mkdir(parents=True, exist_ok=True)
    if isinstance(fig_or_explorer, Explorer):
        (FIGURE_DIR / f"{name}.png").write_bytes(fig_or_explorer.image.value)
    else:
        fig_or_explorer.savefig(FIGURE_DIR / f"{name}.png")


@pytest.fixture
def closing():
    """Close the pyplot figures a plot_* test makes."""
    before = set(plt.get_fignums())
    yield
    for num in set(plt.get_fignums()) - before:
        plt.close(num)


def _heights(container, k=None):
    patches = container.patches if k is None else container.patches[:k]
    return np.array([p.get_height() for p in patches])


def _segments(collection):
    return [np.asarray(s) for s in collection.get_segments()]


# --------------------------------------------------------------------------- plot_*


def test_plot_draws_shows_the_categories(closing):
    argmax_draws = np.array([np.argmax(softmax(X))] * 40)
    sampled = sample_categorical(X, size=40, rng=1)
    art = plot_draws({"argmax(softmax(x))": argmax_draws, "sample": sampled}, 4)
    line = art["lines"]["sample"]
    assert np.array_equal(line.get_xdata(), np.arange(1, 41))
    assert np.allclose(np.round(line.get_ydata()), sampled)
    assert np.ptp(art["lines"]["argmax(softmax(x))"].get_ydata()) == 0
    _save(line.figure, "plot_draws")


def test_plot_frequency_bars_heights_and_error_bars(closing):
    k = gumbel_max(X, size=5000, rng=3)
    f, se = frequencies(k, 4)
    art = plot_frequency_bars({"Gumbel-max": (f, se), "exact": (P, None)}, title="t")
    assert np.allclose(_heights(art["bars"]["Gumbel-max"]), f)
    assert np.allclose(_heights(art["bars"]["exact"]), P)
    segs = _segments(art["errors"]["Gumbel-max"])
    assert np.allclose([s[0, 1] for s in segs], f - se)
    assert np.allclose([s[1, 1] for s in segs], f + se)
    assert "exact" not in art["errors"]
    assert art["title"].get_text() == "t"


def test_plot_convergence_draws_the_tv_curves(closing):
    ns = np.array([10, 100, 1000, 10_000])
    k = gumbel_max(X, size=10_000, rng=5)
    tv = {"Gumbel-max": np.array([total_variation(frequencies(k[:n], 4)[0], P) for n in ns])}
    art = plot_convergence(ns, tv, P)
    assert np.allclose(art["lines"]["Gumbel-max"].get_ydata(), tv["Gumbel-max"])
    assert np.allclose(art["reference"].get_ydata(), expected_total_variation(P, ns))
    assert art["reference"].axes.get_xscale() == "log" and art["reference"].axes.get_yscale() == "log"
    _save(art["reference"].figure, "plot_convergence")


def test_expected_total_variation_matches_simulation():
    n, reps = 400, 2000
    k = sample_categorical(X, size=(reps, n), rng=20)
    tvs = np.array([total_variation(frequencies(row, 4)[0], P) for row in k])
    assert abs(tvs.mean() - expected_total_variation(P, n)) < 5 * tvs.std() / np.sqrt(reps) + 0.02 * tvs.mean()


# --------------------------------------------------------------------------- explore_gumbel_max


def _check_gumbel_explorer(e: Explorer) -> None:
    """The drawn bars, error bars and title are the package's computation for the current controls."""
    v = e.values
    k, n, seed = v["K"], int(round(v["N"])), e.state["seed"]
    x = np.array([v[f"x{i}"] for i in range(k)])
    p = softmax(x)
    k_gm = gumbel_max(x, size=n, rng=seed)
    k_ic = sample_categorical(x, size=n, rng=seed + 1)
    bars, errors = e.artists["bars"], e.artists["errors"]
    labels = list(bars)
    for label, samples in zip(labels[:2], (k_gm, k_ic)):
        f, se = frequencies(samples, k)
        assert np.array_equal(_heights(bars[label], k), f), label
        assert all(not patch.get_visible() for patch in bars[label].patches[k:])
        segs = _segments(errors[label])
        assert len(segs) == k
        assert np.allclose([s[0, 1] for s in segs], f - se) and np.allclose([s[1, 1] for s in segs], f + se)
    assert np.allclose(_heights(bars[labels[2]], k), p)
    title = e.artists["title"].get_text()
    assert f"N = {n:,}" in title
    assert f"p = {goodness_of_fit(k_gm, p).pvalue:.2f} (Gumbel-max)" in title
    assert f"{goodness_of_fit(k_ic, p).pvalue:.2f} (inverse CDF)" in title
    assert np.array_equal(e.state["gumbel"], k_gm) and np.array_equal(e.state["reference"], k_ic)
    assert e.fig.axes[0].get_xlim() == (-0.5, 4.5)  # five fixed slots: the axes stay a cached background


@pytest.mark.slow
def test_explore_gumbel_max_bars_are_the_samplers_frequencies():
    e = explore_gumbel_max()
    assert e.values["K"] == 5
    _check_gumbel_explorer(e)
    _save(e, "explore_gumbel_max_default")
    for value in np.linspace(-3.0, 3.0, 9):
        before = e.image.value
        e.controls["x2"].value = round(float(value), 1)
        _check_gumbel_explorer(e)
        assert e.image.value != before
    for n in (10.0, 100.0, 3000.0, 100_000.0):  # positions of the N slider
        before = e.image.value
        e.controls["N"].value = n
        _check_gumbel_explorer(e)
        assert e.image.value != before
    _save(e, "explore_gumbel_max_N1e5")


def test_explore_gumbel_max_k_selector_and_new_noise():
    e = explore_gumbel_max(X, n_samples=2000)
    assert e.values["K"] == 4 and e.controls["x4"].disabled and not e.controls["x3"].disabled
    _check_gumbel_explorer(e)
    for k in (3, 5, 4):
        e.controls["K"].value = k
        _check_gumbel_explorer(e)
        assert [e.controls[f"x{i}"].disabled for i in range(5)] == [i >= k for i in range(5)]
    seeds = [e.state["seed"]]
    for _ in range(3):
        before = e.image.value
        e.controls["new noise"].click()
        seeds.append(e.state["seed"])
        assert e.image.value != before
        _check_gumbel_explorer(e)
    assert len(set(seeds)) == 4
    e.controls["K"].value = 3
    _save(e, "explore_gumbel_max_K3")


def test_explore_gumbel_max_noise_grows_with_n_and_stays_the_samplers_stream():
    """The noise is drawn as far as N needs and extended from the same Generator: always gumbel_max's samples."""
    e = explore_gumbel_max(X, n_samples=100)
    for n in (5000, 100, 60_000, 300_000, 2000):  # up, down, past the live limit, back
        e.controls["N"].value = float(n)
        _check_gumbel_explorer(e)
    e.controls["new noise"].click()
    _check_gumbel_explorer(e)
    assert e.is_live_recompute("N", 300_000) and not e.is_live_recompute("N", 2000)


def test_explore_gumbel_max_reuses_noise_when_a_logit_moves():
    """Moving a logit up can only move samples *to* that category (same noise, monotone argmax)."""
    e = explore_gumbel_max(X, n_samples=5000)
    before = e.state["gumbel"].copy()
    e.controls["x1"].value = e.controls["x1"].value + 1.0
    after = e.state["gumbel"]
    changed = before != after
    assert changed.any() and np.all(after[changed] == 1)


def test_explore_gumbel_max_rejects_bad_arguments():
    with pytest.raises(ValueError, match="num_categories"):
        explore_gumbel_max(num_categories=7)
    with pytest.raises(ValueError, match="logits"):
        explore_gumbel_max(np.zeros(6))  # a sixth logit has no slider
    with pytest.raises(ValueError, match="logits"):
        explore_gumbel_max([1.0, 0.0])  # K = 2 is not offered: no silent padding
    with pytest.raises(ValueError, match="n_samples"):
        explore_gumbel_max(n_samples=5)
    with pytest.raises(TypeError, match="seed"):
        explore_gumbel_max(seed=0.5)
    with pytest.raises(TypeError):
        explore_gumbel_max(X, None, 1000, 0)  # num_categories, n and seed are keyword-only


@pytest.mark.slow
def test_explore_gumbel_max_widens_the_slider_range_instead_of_clamping():
    """Issue 9: (10, 0, 0, 0) used to be drawn as softmax((4, 0, 0, 0))."""
    x = np.array([10.0, 0, 0, 0])
    e = explore_gumbel_max(x)
    assert e.controls["x0"].value == 10.0 and e.controls["x0"].max >= 10.0
    assert np.allclose(e.state["probs"], softmax(x))
    _check_gumbel_explorer(e)
    e = explore_gumbel_max([-7.5, 0, 0])
    assert e.controls["x0"].value == -7.5 and e.controls["x0"].min <= -7.5
    assert np.allclose(e.state["probs"], softmax([-7.5, 0, 0]))


def test_gumbel_max_from_noise_equals_gumbel_max():
    for x in (X, np.array([1e3, 1e3 + 1, -np.inf, 0.0])):
        g = sample_gumbel((5000, 4), rng=3)
        k = gumbel_max_from_noise(x, g)
        assert np.array_equal(k, gumbel_max(x, size=5000, rng=3))
        assert np.array_equal(k, gumbel_max_from_noise(x + 123.25, g))  # exact shift invariance
    batch = np.stack([X, -X])
    g = sample_gumbel((10, 2, 4), rng=4)
    assert np.array_equal(gumbel_max_from_noise(batch, g), gumbel_max(batch, size=10, rng=4))
    with pytest.raises(ValueError, match="noise"):
        gumbel_max_from_noise(X, np.zeros((5, 3)))
    with pytest.raises(ValueError, match="logits"):
        gumbel_max_from_noise([np.nan, 0.0], np.zeros((5, 2)))


def test_expected_total_variation_checks_its_arguments():
    assert expected_total_variation([0.5, 0.5], [100, 400]) == pytest.approx([0.0399, 0.01995], abs=1e-4)
    with pytest.raises(ValueError, match="probs"):
        expected_total_variation([0.5, 0.6], 100)
    with pytest.raises(ValueError, match="n"):
        expected_total_variation([0.5, 0.5], 0)


# --------------------------------------------------------------------------- explore_shift_scale


def test_explore_shift_scale_shift_changes_no_sample():
    e = explore_shift_scale()
    n = e.state["baseline"].size
    x = np.array([1.0, 0.0, -0.5, 0.5])
    assert np.array_equal(e.state["baseline"], gumbel_max(x, size=n, rng=0))
    images = set()
    for c in np.linspace(-10, 10, 9):
        e.controls["c"].value = float(c)
        state = e.state
        assert state["identical"] is True
        assert np.array_equal(state["samples"], gumbel_max(x + c, size=n, rng=0))
        assert "same samples as x: True" in e.artists["title"].get_text()
        images.add(e.image.value)
    assert len(images) > 1  # the title shows c


def test_explore_shift_scale_scale_changes_the_law():
    e = explore_shift_scale()
    x, labels = np.array([1.0, 0.0, -0.5, 0.5]), list(e.artists["bars"])
    n = e.state["baseline"].size
    for beta in (0.25, 0.5, 2.0, 4.0):
        before = e.image.value
        e.controls["beta"].value = beta
        state = e.state
        samples = gumbel_max(beta * x, size=n, rng=0)
        assert np.array_equal(state["samples"], samples)
        assert state["identical"] is False
        assert np.array_equal(_heights(e.artists["bars"][labels[0]]), frequencies(samples, 4)[0])
        assert np.allclose(_heights(e.artists["bars"][labels[2]]), softmax(beta * x))
        assert goodness_of_fit(samples, softmax(beta * x)).pvalue > PVALUE_FLOOR
        assert goodness_of_fit(samples, softmax(x)).pvalue < 1e-6
        assert e.image.value != before
    _save(e, "explore_shift_scale_beta4")


# --------------------------------------------------------------------------- the notebook's printed claims


def test_nb_section1_argmax_is_deterministic():
    draws = np.array([np.argmax(softmax(X)) for _ in range(40)])
    assert np.array_equal(np.unique(draws), [0])
    assert np.array_equal(np.unique(sample_categorical(X, size=40, rng=1)), [0, 1, 2, 3])
    assert total_variation(frequencies(draws, 4)[0], P) == pytest.approx(1 - P.max())


def test_nb_section3_the_trick():
    rng = np.random.default_rng(3)
    u = rng.random((100_000, 4))
    k_hand = np.argmax(X + -np.log(-np.log(u)), axis=1)
    assert np.array_equal(k_hand, gumbel_max(X, size=100_000, rng=3))
    k_gm, k_ic = gumbel_max(X, size=10_000, rng=3), sample_categorical(X, size=10_000, rng=4)
    for k in (k_gm, k_ic):
        assert goodness_of_fit(k, P).pvalue > PVALUE_FLOOR
        f, se = frequencies(k, 4)
        assert np.all(np.abs(f - P) < 5 * se)


def test_nb_section4_convergence_slopes():
    ns = np.unique(np.logspace(1, 6, 26).astype(int))
    runs = {"gm": gumbel_max(X, size=10**6, rng=5), "ic": sample_categorical(X, size=10**6, rng=6)}
    for k in runs.values():
        tv = np.array([total_variation(frequencies(k[:n], 4)[0], P) for n in ns])
        slope = np.polyfit(np.log(ns), np.log(tv), 1)[0]
        assert -0.65 < slope < -0.35
        # Ratio to the expected TV stays within a factor 4 at every N (one run, so only loosely).
        ratio = tv / expected_total_variation(P, ns)
        assert np.all((ratio > 0.15) & (ratio < 4))


def test_nb_section5_shift_and_scale():
    a = gumbel_max(X, size=10_000, rng=7)
    assert np.array_equal(a, gumbel_max(X + 100.0, size=10_000, rng=7))
    assert np.array_equal(a, gumbel_max(log_softmax(X), size=10_000, rng=7))
    g4 = sample_gumbel((5, 4), rng=8)
    assert np.allclose(gumbel_softmax(X, 0.5, noise=g4), gumbel_softmax(log_softmax(X), 0.5, noise=g4), rtol=0, atol=1e-12)
    k2 = gumbel_max(2 * X, size=100_000, rng=9)
    assert goodness_of_fit(k2, softmax(2 * X)).pvalue > PVALUE_FLOOR
    assert goodness_of_fit(k2, P).pvalue < 1e-10


def test_nb_exercises():
    from scipy.integrate import quad

    def p_wins(x, j):
        def integrand(t):
            others = [stats.gumbel_r.cdf(t + x[j] - x[i]) for i in range(x.size) if i != j]
            return stats.gumbel_r.pdf(t) * np.prod(others)

        return quad(integrand, -10, 40)[0]

    assert np.allclose([p_wins(X, j) for j in range(4)], P, atol=1e-6)

    x_masked = np.array([1.0, -np.inf, -0.5, 0.5])
    k_masked = gumbel_max(x_masked, size=100_000, rng=11)
    assert not np.any(k_masked == 1)
    assert goodness_of_fit(k_masked, softmax(x_masked)).pvalue > PVALUE_FLOOR

    g_ex = sample_gumbel((10_000, 4), rng=12)
    base = gumbel_max(X, size=10_000, rng=12)
    for tau in (0.1, 10.0):
        assert np.array_equal(gumbel_softmax(X, tau, noise=g_ex, hard=True).argmax(axis=1), base)
    k_scaled = np.argmax(X / 0.5 + g_ex, axis=1)
    assert not np.array_equal(k_scaled, base)
    assert goodness_of_fit(k_scaled, softmax(2 * X)).pvalue > PVALUE_FLOOR


@pytest.mark.parametrize("build, control, values", [
    (explore_gumbel_max, "x0", (-2.0, 0.5, 3.0)),
    (explore_shift_scale, "beta", (0.25, 2.0, 4.0)),
])
@pytest.mark.slow
def test_blitted_frames_equal_full_redraws(build, control, values):
    """The explorers redraw only bars and title over a cached background: no stale pixels."""
    e = build()
    for value in values:
        e.controls[control].value = value
        blitted = np.asarray(e.fig.canvas.buffer_rgba()).copy()
        e.fig.canvas._background = None  # force a full draw of the same state
        e.fig.canvas.draw()
        assert np.array_equal(blitted, np.asarray(e.fig.canvas.buffer_rgba()))
