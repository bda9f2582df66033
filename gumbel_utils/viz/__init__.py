"""Figures and live explorers of the course.

Each topic module offers three layers: pure computation (in the main package),
``plot_*(..., ax=None)`` functions that draw on an Axes and return the artists,
and ``explore_*`` builders that make one figure and return an
:class:`~gumbel_utils.viz.explorer.Explorer` widget updating those artists.
"""

from .explorer import BlitCanvas, Explorer, figure_png
from .style import CATEGORY_COLORS, PALETTE, course_style, new_figure, pyplot_axes

__all__ = ["Explorer", "BlitCanvas", "figure_png", "CATEGORY_COLORS", "PALETTE", "course_style", "new_figure", "pyplot_axes"]
