"""Fixtures shared by the estimator tests: logits, objectives and a 5-sigma comparison."""

import numpy as np

from gumbel_utils.objectives import OBJECTIVES

#: Logits of the estimator tests: K = 3 (uneven and equal), K = 4, K = 2.
LOGITS = [np.array([1.0, 0.5, 0.0]), np.array([0.0, 0.0, 0.0]), np.array([2.0, -1.0, 0.3, 0.0]), np.array([0.7, -0.4])]
#: The three objectives of the notebooks.
OBJS = list(OBJECTIVES.values())


def within(mean, target, se, k=5.0):
    """Every component of ``mean`` within ``k`` standard errors of ``target``."""
    return np.all(np.abs(mean - target) <= k * se + 1e-12)
