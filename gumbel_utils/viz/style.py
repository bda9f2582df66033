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
    "MIN_FONT_PT",
    "new_figure",
    "pyplot_axes",
    "pyplot_figure",
    "projector_style",
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


#: Smallest font size (points) any figure may use: at :data:`STYLE`'s 100 dpi a 10.5 pt font is
#: 14.6 pixels high, so text stays >= 14 CSS px when the PNG is shown unshrunk (a lecture hall).
MIN_FONT_PT = 10.5


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
    with mpl.rc_context({**STYLE, **projector_style(None)}):  # projector mode: larger, thicker
        yield


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] = (8.4, 4.4), **subplot_kw):
    """A figure that pyplot does not manage (no global state, never leaks), with its axes.

    The figure has an Agg canvas; explorers draw it to PNG themselves. Created
    under :func:`course_style`, so its artists carry the course look. For a
    lecture hall (1280 x 720, JupyterLab), keep it at most 8.4 inches (840 px)
    wide with the controls above it, or 5.5 inches (550 px) with the controls
    beside it, so that the browser never shrinks its text.

    Parameters
    ----------
    nrows, ncols : int, optional
        The grid of axes, as :meth:`matplotlib.figure.Figure.subplots` makes it.
    figsize : (float, float), optional
        Width and height in inches (100 pixels per inch).
    **subplot_kw
        Passed on to :meth:`~matplotlib.figure.Figure.subplots` (``gridspec_kw``, ``sharey``, ...).

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


def _pyplot_figure(figsize: tuple[float, float]):
    import matplotlib.pyplot as plt

    # Make the figure outside rc_context: the first pyplot figure loads the backend, and the
    # inline backend then turns interactive mode on; inside course_style() that would be undone
    # on exit, and no later figure of the notebook would be shown.
    fig = plt.figure(figsize=figsize, dpi=STYLE["figure.dpi"], layout="constrained")
    # In a notebook, the figure's PNG output then carries alt text read from the figure (viz.alt_text);
    # outside IPython this does nothing. After plt.figure: the inline backend registers its formatter then.
    from .alt_text import install_alt_text_formatter

    install_alt_text_formatter()
    return fig


def pyplot_axes(ax=None, *, figsize: tuple[float, float] = (8.0, 4.5)):
    """Return ``ax`` if given, else the Axes of a new pyplot figure in the course style.

    For static ``plot_*(..., *, ax=None)`` functions: in a notebook the inline
    backend shows (and then closes) the new figure at the end of the cell.
    Draw inside ``with course_style():`` so new artists get the course look.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Returned unchanged when given.
    figsize : (float, float), optional
        Size in inches of the new figure.
    """
    if ax is not None:
        return ax
    fig = _pyplot_figure(figsize)
    with course_style():
        new_ax = fig.add_subplot()
    return new_ax


def pyplot_figure(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float], **subplot_kw):
    """A new pyplot figure in the course style with a grid of axes, for static multi-panel ``plot_*``.

    The one way to make such a figure: never call ``plt.subplots`` inside
    :func:`course_style` (the first pyplot figure of a notebook would switch the
    inline backend on inside the style context and off again on exit, and later
    figures would not show). The figure is made outside the context, its axes
    inside, as :func:`pyplot_axes` does.

    Parameters
    ----------
    nrows, ncols : int, optional
        The grid of axes.
    figsize : (float, float)
        Width and height in inches (keep the width <= 8.4 for a 1280 x 720 screen).
    **subplot_kw
        Passed on to :meth:`~matplotlib.figure.Figure.subplots` (``sharey``, ``gridspec_kw``, ...).

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or ndarray of Axes
    """
    fig = _pyplot_figure(figsize)
    with course_style():
        axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes


_projector: bool | None = None  # set by projector_style(True/False); None: GUMBEL_UTILS_PROJECTOR decides


def projector_style(on: bool | None = True) -> dict:
    """Projector mode (``make present``): larger fonts and thicker lines in every figure made afterwards.

    The one switch of the mode, never applied at import. ``projector_style()`` turns it on
    for this Python process, ``projector_style(False)`` off; until either is called, the
    environment variable ``GUMBEL_UTILS_PROJECTOR`` decides (``1``: on), read each time a
    figure is styled, so a Voila server started with it shows every notebook in this style
    without any change to the notebooks. Colours stay the course's Okabe-Ito palette; the
    pixel size of figures does not change (the 1280 x 720 layout still fits), only text
    (2 pt larger: ticks 14 pt, 19 px) and lines grow. :func:`course_style` applies it.

    Parameters
    ----------
    on : bool or None, optional
        True (default) or False to switch the mode; None to leave it as it is.

    Returns
    -------
    dict
        The rcParams that :func:`course_style` adds to :data:`STYLE` now (empty when off).

    Examples
    --------
    Without the environment variable, and before any call, the mode is off:

    >>> projector_style(None) == {} or "GUMBEL_UTILS_PROJECTOR" in __import__("os").environ
    True
    """
    import os

    global _projector
    if on is not None:
        _projector = bool(on)
    active = _projector
    if active is None:
        active = os.environ.get("GUMBEL_UTILS_PROJECTOR", "").strip().lower() not in ("", "0", "false", "no", "off")
    if not active:
        return {}
    return {
        "font.size": 15,
        "axes.titlesize": 16,
        "axes.labelsize": 15,
        "xtick.labelsize": 14,
        "ytick.labelsize": 14,
        "figure.titlesize": 16,
        "lines.linewidth": 3.2,
        "lines.markersize": 9,
        "axes.linewidth": 1.6,
        "patch.linewidth": 1.6,
        "xtick.major.width": 1.6,
        "ytick.major.width": 1.6,
        "xtick.major.size": 6,
        "ytick.major.size": 6,
        "grid.linewidth": 1.2,
        "grid.alpha": 0.4,
    }
