"""Tests of gumbel_utils.tau_star: the best temperature of a measured curve, with its bracket and resolution."""

import numpy as np
import pytest

from _estimator_fixtures import LOGITS
from gumbel_utils import gradient_stats, objectives
from gumbel_utils.tau_star import TauStar, grid_minimum, mse_optimal_tau


def test_mse_optimal_tau_is_the_grid_minimum_of_the_batch_mse():
    r = gradient_stats.bias_variance("straight_through", LOGITS[0], objectives.Cubic(), [0.1, 1.0], n_samples=5000,
                                     batch=10, rng=0)
    star = mse_optimal_tau(r, batch=1)
    assert star.tau in (0.1, 1.0) and star.mse == pytest.approx(min(r.mse_at(1)))
    assert star.tau_low <= star.tau <= star.tau_high and star.step == pytest.approx(10.0)
    assert mse_optimal_tau(r) == mse_optimal_tau(r, batch=10)  # default: the measurement's own batch


@pytest.mark.slow
def test_mse_optimal_tau_moves_down_with_batch():
    r = gradient_stats.bias_variance("gumbel_softmax_grad", LOGITS[0], objectives.Cubic(), gradient_stats.TAU_GRID,
                                     n_samples=20_000, rng=0)
    stars = [mse_optimal_tau(r, b).tau for b in (1, 10, 100, 1000)]
    assert all(a >= b for a, b in zip(stars, stars[1:])) and stars[0] > stars[-1]


def test_grid_minimum_brackets_the_tied_temperatures():
    taus = [0.1, 0.2, 0.4, 0.8, 1.6]
    star = grid_minimum(taus, [3.0, 1.0, 1.05, 2.0, 3.0], [0.1] * 5)   # 0.4 is tied with 0.2 (0.05 < 2 * 0.14)
    assert star == TauStar(0.2, 1.0, 0.1, 0.8, 2.0, True)
    assert star.describe() == "0.2 (bracketed by [0.1, 0.8]; grid step x2.00)"
    sharp = grid_minimum(taus, [3.0, 1.0, 2.0, 2.5, 3.0], [0.01] * 5)
    assert (sharp.tau_low, sharp.tau_high, sharp.resolved) == (0.1, 0.4, True)


def test_a_minimum_at_the_grids_end_is_not_resolved():
    star = grid_minimum([0.1, 0.2, 0.4], [1.0, 2.0, 3.0], [0.01] * 3)
    assert star.tau == 0.1 and not star.resolved and star.describe().endswith("at the grid's end: not resolved)")
    tied_to_end = grid_minimum([0.1, 0.2, 0.4, 0.8], [1.5, 1.0, 2.0, 3.0], [0.3] * 4)   # 0.1 is tied with 0.2
    assert tied_to_end.tau == 0.2 and not tied_to_end.resolved


def test_grid_minimum_checks_its_shapes():
    with pytest.raises(ValueError, match="one entry per temperature"):
        grid_minimum([0.1, 0.2], [1.0, 2.0, 3.0], [0.1, 0.1, 0.1])
