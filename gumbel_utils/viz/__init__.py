"""Figures and live explorers of the course, one module per figure family.

A figure family is an ``explore_*`` live explorer with the ``plot_*`` panels it drives, and the
static ``plot_*`` that draw the same kind of figure: changing one figure touches one module.
``plot_*(data..., *, ax=None)`` draw data computed by the math layer and return their artists;
``explore_*(..., *, seed=0)`` make one figure and return an
:class:`~gumbel_utils.viz.explorer.Explorer` updating those artists; their controls are declared
with :mod:`gumbel_utils.viz.controls` (the explorer contract: CONTRIBUTING.md).

======================  ==========================================================================
Notebook 1              ``gumbel_max`` (frequency bars, both samplers, shift and scale),
                        ``gumbel_noise`` (the Gumbel law, max-stability)
Notebooks 0 and 2       ``relaxation_path``, ``concrete_density`` (heatmap, samples, shape),
                        ``mean_drift``, ``binary_concrete``; ``simplex_frame`` (the triangle)
Notebook 3              ``argmax_steps``, ``estimate_histogram`` (and running means),
                        ``bias_variance`` (bias, variance, MSE, tau*, K = 2), ``conditional_noise``
Notebook 4              ``training_curves``, ``relaxed_toy``, ``rebar``, ``annealing``
Notebook 5              ``vae_decoding`` (mosaics, relaxed decoding), ``vae_measurements``
Notebook 6              ``vae_estimators`` (exact bias and variance, tau* against codes, seeds,
                        learned tau and eta)
infrastructure          ``style`` (look, estimator and series styles), ``controls`` (declared
                        controls), ``explorer`` (:class:`Explorer`)
======================  ==========================================================================

Import every figure and explorer from the module that defines it (no topic module re-exports another's
names); the package itself offers only the infrastructure below (:class:`Explorer`, the course style).
"""

from .explorer import BlitCanvas, Explorer, axes_key, figure_png, min_text_px
from .style import CATEGORY_COLORS, MIN_FONT_PT, PALETTE, course_style, new_figure, pyplot_axes, pyplot_figure

__all__ = [
    "Explorer",
    "BlitCanvas",
    "axes_key",
    "figure_png",
    "min_text_px",
    "CATEGORY_COLORS",
    "MIN_FONT_PT",
    "PALETTE",
    "course_style",
    "new_figure",
    "pyplot_axes",
    "pyplot_figure",
]
