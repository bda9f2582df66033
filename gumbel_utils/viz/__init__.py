"""Figures and live explorers of the course.

Each topic module ``viz/<topic>.py`` holds ``plot_*(..., *, ax=None)`` functions
that draw data computed by the math layer and return their artists, and
``explore_*(..., *, seed=0)`` builders that make one figure and return an
:class:`~gumbel_utils.viz.explorer.Explorer` widget updating those artists
(the explorer contract: CONTRIBUTING.md).
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
