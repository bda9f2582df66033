"""gumbel_utils: the NumPy package behind the Gumbel-Softmax course.

Modules, by concept:

- :mod:`gumbel_utils.numerics`: stable tempered ``softmax`` and ``log_softmax``.
- :mod:`gumbel_utils.sampling`: Gumbel noise, the Gumbel-max trick and the reference sampler.
- :mod:`gumbel_utils.concrete`: the relaxation ``softmax((x + g)/tau)`` and its exact density.
- :mod:`gumbel_utils.simplex`: ternary (K = 3) geometry and heatmap grids.
- :mod:`gumbel_utils.stats`: frequencies, total variation and goodness of fit.
- :mod:`gumbel_utils.relaxation_stats`: relaxed-sample paths, E[y], density-shape thresholds.
- :mod:`gumbel_utils.objectives`: objectives f(z) (anything with ``value`` and ``grad``), exact gradients.
- :mod:`gumbel_utils.estimators`: gradient estimators (Gumbel-Rao and REBAR from
  :mod:`gumbel_utils.conditional`); :mod:`gumbel_utils.registry`: their one registry, ``ESTIMATORS``.
- :mod:`gumbel_utils.gradient_stats`: bias, variance and MSE against the exact gradient; K = 2 quadrature.
- :mod:`gumbel_utils.viz`: figures (``plot_*``) and live explorers for the notebooks.

Shared private code lives in :mod:`gumbel_utils._validation` (argument checks) and
:mod:`gumbel_utils._kernels` (the one softmax, Gumbel fill, softmax Jacobian-vector
product and inverse-CDF sampler).

Nothing here draws, displays or changes ``rcParams`` at import time.
"""

from .concrete import binary_concrete_log_prob, concrete_log_prob, gumbel_softmax, one_hot, sample_binary_concrete
from .numerics import log_softmax, softmax
from .sampling import gumbel_max, perturbed_max, sample_categorical, sample_gumbel
from .simplex import TRIANGLE, SimplexGrid, barycentric_to_cartesian, cartesian_to_barycentric, simplex_grid
from .stats import GoodnessOfFit, frequencies, goodness_of_fit, total_variation

# Importing the estimators registers them (in display order) in gumbel_utils.registry.ESTIMATORS.
from . import estimators  # noqa: E402, F401

__version__ = "0.1.0"

__all__ = [
    "softmax",
    "log_softmax",
    "sample_gumbel",
    "gumbel_max",
    "perturbed_max",
    "sample_categorical",
    "gumbel_softmax",
    "one_hot",
    "concrete_log_prob",
    "sample_binary_concrete",
    "binary_concrete_log_prob",
    "TRIANGLE",
    "barycentric_to_cartesian",
    "cartesian_to_barycentric",
    "SimplexGrid",
    "simplex_grid",
    "frequencies",
    "total_variation",
    "GoodnessOfFit",
    "goodness_of_fit",
]
