"""``gumbel_utils.exercises.check_vae_deeper``: Notebook 6's checks are registered, re-exported, and keep their secret."""

from __future__ import annotations

import numpy as np
import pytest

from gumbel_utils.exercises import check, check_vae_deeper
from gumbel_utils.exercises.feedback import EXERCISES


def test_the_checks_are_registered_and_re_exported_by_check():
    for number in ("6.1", "6.2", "6.3"):
        name = "exercise_" + number.replace(".", "_")
        assert EXERCISES[number] is getattr(check_vae_deeper, name) is getattr(check, name)
        assert name in check.__all__ and name in check_vae_deeper.__all__


@pytest.mark.slow
def test_exercise_6_2_never_shows_the_expected_values():
    from gumbel_utils.objectives import Cubic
    from gumbel_utils.training_stats import rebar_eta_variance

    par = rebar_eta_variance(np.array([1.0, 0.5, 0.0]), Cubic(), [0.5], [1.0], n_samples=200_000, rng=12345)
    slope, eta = 2 * (par.cov_ab[0] + par.var_b[0]), float(par.eta_opt[0])
    for answer in ((slope * 0.7, eta), (slope, eta * 1.3), (slope * 3, eta * 0.2)):
        message = check.exercise_6_2(answer).message
        assert not any(f"{v:.{d}f}" in message for v in (slope, eta) for d in (2, 3))
        assert not check.exercise_6_2(answer).passed
