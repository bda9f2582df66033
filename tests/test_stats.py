"""frequencies, total_variation and goodness_of_fit (gumbel_utils.stats)."""

import numpy as np
import pytest
from scipy import stats

from gumbel_utils import frequencies, goodness_of_fit, total_variation


def test_frequencies_and_standard_errors():
    freq, se = frequencies([0, 0, 1, 3], 4)
    np.testing.assert_allclose(freq, [0.5, 0.25, 0.0, 0.25])
    np.testing.assert_allclose(se, np.sqrt(freq * (1 - freq) / 4))
    freq, _ = frequencies(np.array([[1, 1], [0, 1]]), 2)
    np.testing.assert_allclose(freq, [0.25, 0.75])


@pytest.mark.parametrize("samples", [[], [0, 3], [-1, 0], [0.5, 1.0]])
def test_frequencies_bad_samples(samples):
    with pytest.raises(ValueError, match="samples"):
        frequencies(samples, 3)


def test_total_variation():
    assert total_variation([0.5, 0.5], [0.9, 0.1]) == pytest.approx(0.4)
    assert total_variation([1.0, 0.0], [0.0, 1.0]) == 1.0
    assert total_variation([0.2, 0.8], [0.2, 0.8]) == 0.0
    with pytest.raises(ValueError, match="shape"):
        total_variation([0.5, 0.5], [1.0])


@pytest.mark.parametrize("p, q, name", [([2.0, 3.0], [0.5, 0.5], "p"), ([0.5, 0.5], [0.7, 0.7], "q"),
                                         ([1.5, -0.5], [0.5, 0.5], "p"), ([0.5, 0.5], [np.nan, 1.0], "q")])
def test_total_variation_checks_that_its_inputs_are_distributions(p, q, name):
    with pytest.raises(ValueError, match=f"{name} must be finite, >= 0 and sum to 1"):
        total_variation(p, q)
    with pytest.raises(TypeError, match="p must be real numbers"):
        total_variation(["a", "b"], [0.5, 0.5])


def test_total_variation_of_empirical_frequencies_shrinks_like_one_over_sqrt_n():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    rng = np.random.default_rng(0)
    tv = [np.mean([total_variation(rng.multinomial(n, p) / n, p) for _ in range(200)]) for n in (1_000, 100_000)]
    assert tv[0] / tv[1] == pytest.approx(10.0, rel=0.15)


def test_goodness_of_fit_matches_scipy_chisquare():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    samples = np.random.default_rng(1).choice(4, size=5000, p=p)
    res = goodness_of_fit(samples, p)
    ref = stats.chisquare(np.bincount(samples, minlength=4), 5000 * p)
    assert res.statistic == pytest.approx(ref.statistic) and res.pvalue == pytest.approx(ref.pvalue)
    assert res.dof == 3 and res.impossible == 0


def test_goodness_of_fit_p_values_are_uniform_under_the_null():
    """Under the null the p-value is ~Uniform(0, 1): its calibration is what makes a seeded test meaningful."""
    p = np.array([0.05, 0.15, 0.3, 0.5])
    rng = np.random.default_rng(2)
    pvals = [goodness_of_fit(rng.choice(4, size=2000, p=p), p).pvalue for _ in range(400)]
    assert stats.kstest(pvals, "uniform").pvalue > 1e-4


def test_goodness_of_fit_rejects_a_wrong_law():
    samples = np.random.default_rng(3).choice(3, size=20_000, p=[0.3, 0.3, 0.4])
    assert goodness_of_fit(samples, [1 / 3, 1 / 3, 1 / 3]).pvalue < 1e-10


def test_goodness_of_fit_pools_small_expected_counts():
    p = np.array([0.9, 0.05, 0.03, 0.01, 0.005, 0.005])
    samples = np.random.default_rng(4).choice(6, size=200, p=p)
    res = goodness_of_fit(samples, p)
    # expected 180, 10, 6, 2, 1, 1: the last three (4 in all) are pooled, then folded into the smallest bin
    assert res.dof == 2
    assert 0 <= res.pvalue <= 1


def test_goodness_of_fit_impossible_category():
    res = goodness_of_fit([0, 1, 2, 2], [0.5, 0.5, 0.0])
    assert res.pvalue == 0.0 and res.impossible == 2
    ok = goodness_of_fit(np.random.default_rng(5).choice(2, size=1000), [0.5, 0.5, 0.0])
    assert ok.impossible == 0 and ok.dof == 1


def test_goodness_of_fit_single_possible_category():
    res = goodness_of_fit([1, 1, 1], [0.0, 1.0])
    assert res.pvalue == 1.0 and res.dof == 0


@pytest.mark.parametrize("probs", [[0.5, 0.6], [1.5, -0.5], [np.nan, 1.0], [], [[0.5, 0.5]]])
def test_goodness_of_fit_bad_probs(probs):
    with pytest.raises(ValueError, match="probs"):
        goodness_of_fit([0, 1], probs)


# --------------------------------------------------------------------------- what the figures draw (moved out of viz)


def test_density_histogram_estimates_the_density_over_all_values():
    from gumbel_utils.sampling import sample_gumbel
    from gumbel_utils.stats import density_histogram, gumbel_density

    g = sample_gumbel(200_000, rng=0)
    edges = np.linspace(-2.0, 6.0, 41)
    heights = density_histogram(g, edges)
    centres = 0.5 * (edges[1:] + edges[:-1])
    # a bin's mass is a binomial share: 5 standard errors
    se = np.sqrt(gumbel_density(centres) * np.diff(edges) / g.size) / np.diff(edges)
    assert np.all(np.abs(heights - gumbel_density(centres)) < 5 * se + 2e-3)
    # normalised by all values (some fall outside the edges), not by those inside
    inside = (g >= edges[0]) & (g <= edges[-1])
    assert (heights * np.diff(edges)).sum() == pytest.approx(inside.mean())
    ref, _ = np.histogram(g, bins=edges, density=True)
    np.testing.assert_allclose(heights, ref * inside.mean())
    with pytest.raises(ValueError, match="edges"):
        density_histogram(g, [1.0, 0.0])
    with pytest.raises(ValueError, match="values"):
        density_histogram([np.nan], edges)


def test_empirical_cdf_count_changed_and_gumbel_density():
    from scipy import stats as sps

    from gumbel_utils.stats import count_changed, empirical_cdf, gumbel_density

    x, cdf = empirical_cdf([2.0, -1.0, 5.0])
    np.testing.assert_array_equal(x, [-1.0, 2.0, 5.0])
    np.testing.assert_allclose(cdf, [1 / 3, 2 / 3, 1.0])
    with pytest.raises(ValueError, match="values"):
        empirical_cdf(np.zeros((2, 2)))
    assert count_changed([1, 2, 3], [1, 2, 3]) == 0 and count_changed(np.arange(4), [0, 0, 0, 0]) == 3
    with pytest.raises(ValueError, match="same shape"):
        count_changed([1, 2], [1])
    g = np.linspace(-3, 8, 12)
    np.testing.assert_allclose(gumbel_density(g, loc=1.5), sps.gumbel_r.pdf(g, loc=1.5))
    np.testing.assert_allclose(gumbel_density(g), np.exp(-g - np.exp(-g)))


def test_max_stability_every_winner_sees_the_same_gumbel_law():
    from gumbel_utils.sampling import perturbed_max
    from gumbel_utils.stats import density_histogram, gumbel_density, max_stability

    x = np.array([1.0, 0.0, -0.5])
    index, maximum = perturbed_max(x, 100_000, rng=3)
    r = max_stability(index, maximum, x, bins=40)
    assert r.loc == pytest.approx(np.log(np.exp(x).sum()))
    assert sorted(r.count) == [0, 1, 2] and sum(r.count.values()) == 100_000
    centres = 0.5 * (r.edges[1:] + r.edges[:-1])
    width = np.diff(r.edges)
    for k, heights in r.density.items():
        np.testing.assert_array_equal(heights, density_histogram(maximum[index == k], r.edges))
        pdf = gumbel_density(centres, r.loc)
        se = np.sqrt(pdf * width / r.count[k]) / width
        assert np.all(np.abs(heights - pdf) < 5 * se + 3e-3)  # the law of M does not depend on who won
    assert max_stability([0, 0], [1.0, 2.0], [0.0, 0.0]).count == {0: 2}  # k = 1 never won: left out
