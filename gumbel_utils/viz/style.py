"""One look for every figure of the course: projector-sized fonts, colour-blind-safe colours.

Nothing here runs at import: :func:`course_style` is a context manager, and
:func:`new_figure` builds a figure inside it, so ``rcParams`` are never changed
globally.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = [
    "PALETTE",
    "CATEGORY_COLORS",
    "SEQUENTIAL_CMAP",
    "DIVERGING_CMAP",
    "STYLE",
    "course_style",
    "new_figure",
    "pyplot_axes",
]

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

#: Colours for categories 1..K (K <= 7), in a fixed order used by every figure.
CATEGORY_COLORS = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow")]

#: Perceptually uniform, colour-blind-safe colour maps.
SEQUENTIAL_CMAP = "viridis"
DIVERGING_CMAP = "PuOr"

#: rcParams for a projector: large text, thick lines, the Okabe-Ito cycle.
STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 11,
    "lines.linewidth": 2.2,
    "lines.markersize": 7,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=CATEGORY_COLORS),
    "image.cmap": SEQUENTIAL_CMAP,
    "figure.constrained_layout.use": True,
}


@contextmanager
def course_style() -> Iterator[None]:
    """Apply :data:`STYLE` inside a ``with`` block only.

    >>> import matplotlib as mpl
    >>> before = mpl.rcParams["font.size"]
    >>> with course_style():
    ...     mpl.rcParams["font.size"]
    13.0
    >>> mpl.rcParams["font.size"] == before
    True
    """
    with mpl.rc_context(STYLE):
        yield


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] = (9.0, 4.5), **subplot_kw):
    """A figure that pyplot does not manage (no global state, never leaks), with its axes.

    The figure has an Agg canvas; explorers draw it to PNG themselves. Created
    under :func:`course_style`, so its artists carry the course look.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or ndarray of Axes (as :func:`matplotlib.pyplot.subplots` returns)
    """
    with course_style():
        fig = Figure(figsize=figsize)
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes


def pyplot_axes(ax=None, *, figsize: tuple[float, float] = (8.0, 4.5)):
    """Return ``ax`` if given, else the Axes of a new pyplot figure in the course style.

    For static ``plot_*(..., ax=None)`` functions: in a notebook the inline
    backend shows (and then closes) the new figure at the end of the cell.
    Draw inside ``with course_style():`` so new artists get the course look.
    """
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    # Make the figure outside rc_context: the first pyplot figure loads the backend, and the
    # inline backend then turns interactive mode on; inside course_style() that would be undone
    # on exit, and no later figure of the notebook would be shown.
    fig = plt.figure(figsize=figsize, dpi=STYLE["figure.dpi"], layout="constrained")
    with course_style():
        new_ax = fig.add_subplot()
    return new_ax
