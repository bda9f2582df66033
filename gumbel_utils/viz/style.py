"""One look for every figure of the course: projector-sized fonts, colour-blind-safe colours.

Nothing here runs at import: :func:`course_style` is a context manager, and
:func:`new_figure` builds a figure inside it, so ``rcParams`` are never changed
globally.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Mapping

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, NullLocator

from ..registry import ESTIMATORS

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
    "SERIES_LINESTYLES",
    "SERIES_MARKERS",
    "LEGEND_STYLE",
    "series_style",
    "estimator_label",
    "estimator_style",
    "decade_log_axes",
    "plain_log_labels",
    "format_vector",
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

#: Line styles and markers of the i-th series that is not an estimator (categories, batch sizes,
#: targets, temperatures): with its colour, every series differs in style too, so that a reader who
#: cannot tell two colours apart still tells the series apart (:func:`series_style`).
SERIES_LINESTYLES = ["-", "--", "-.", ":", (0, (6, 1.5, 1, 1.5, 1, 1.5)), (0, (10, 2)), (0, (2, 1))]
SERIES_MARKERS = ["o", "s", "^", "D", "v", "P", "X"]

#: Legend settings of the figures with many series (Notebooks 3 and 4).
LEGEND_STYLE = {"frameon": False, "fontsize": 11, "handlelength": 2.4, "columnspacing": 1.0}

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


# ----------------------------------------------------------------------------- series and estimators


def _markevery(points: int | None, index: int) -> Any:
    """Markers every few points of a long curve (at most about 10), staggered by series so they do not stack."""
    if points is None or points <= 12:
        return None
    step = int(np.ceil(points / 10))
    return (index % step, step)


def series_style(i: int, *, points: int | None = None, colors: list[str] | None = None) -> dict[str, Any]:
    """Colour, line style and marker of the i-th series of a figure that is not an estimator.

    Categories, batch sizes, targets or temperatures: the colour is ``colors[i]`` (default
    :data:`CATEGORY_COLORS`, category k is always the same colour), the line style
    :data:`SERIES_LINESTYLES` ``[i]`` and the marker :data:`SERIES_MARKERS` ``[i]``, so that no two
    series of a figure differ in colour alone.

    Parameters
    ----------
    i : int
        Index of the series (cycles after seven).
    points : int, optional
        Number of points of the curve: a long curve gets a marker every few points only.
    colors : list of str, optional
        The colour cycle (default :data:`CATEGORY_COLORS`).
    """
    colors = colors or CATEGORY_COLORS
    style: dict[str, Any] = {"color": colors[i % len(colors)],
                             "linestyle": SERIES_LINESTYLES[i % len(SERIES_LINESTYLES)],
                             "marker": SERIES_MARKERS[i % len(SERIES_MARKERS)]}
    every = _markevery(points, i)
    if every is not None:
        style["markevery"] = every
    return style


def estimator_label(name: str, labels: Mapping[str, str] | None = None) -> str:
    """Legend label of an estimator: ``labels[name]`` if given, else the registry's, else the name.

    Parameters
    ----------
    name : str
        Estimator name (a key of :data:`~gumbel_utils.registry.ESTIMATORS`, or any other name).
    labels : mapping of str to str, optional
        Overrides.
    """
    if labels and name in labels:
        return labels[name]
    return ESTIMATORS[name].label if name in ESTIMATORS else name


def estimator_style(name: str, *, points: int | None = None, colors: Mapping[str, str] | None = None,
                    index: int = 0) -> dict[str, Any]:
    """Colour, line style and marker of an estimator's curve, from its registry record.

    Every figure that draws an estimator draws it with these (``ax.plot(x, y, **estimator_style(name))``):
    its colour AND its line style and marker, so that the estimators stay apart under any
    colour-vision deficiency (``tests/test_viz_colours.py`` checks every figure).

    Parameters
    ----------
    name : str
        A registered estimator (an unregistered name gets black, solid, no marker, unless ``colors`` names it).
    points : int, optional
        Number of points of the curve: a long curve (training steps) gets a marker every few points.
    colors : mapping of str to str, optional
        Colour overrides by name (the look of a figure that compares variants of one estimator).
    index : int, optional
        The curve's position among the figure's curves (staggers the markers of long curves).
    """
    spec = ESTIMATORS.get(name)
    style: dict[str, Any] = (dict(spec.style) if spec is not None
                             else {"color": PALETTE["black"], "linestyle": "-", "marker": ""})
    if colors and name in colors:
        style["color"] = colors[name]
    every = _markevery(points, index)
    if every is not None:
        style["markevery"] = every
    return style


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _decade_label(value: float, _pos=None) -> str:
    """``10⁻²`` in plain Unicode: as readable as mathtext and several times cheaper to draw."""
    if value <= 0:
        return ""
    e = np.log10(value)
    if abs(e - round(e)) > 1e-6:
        return ""
    return "1" if round(e) == 0 else "10" + str(int(round(e))).translate(_SUPERSCRIPT)


def decade_log_axes(ax) -> None:
    """Log axes with decade labels in plain text (``10⁻²``) and no minor ticks.

    Halves the redraw time of a live figure and keeps few, large tick labels.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose log-scaled axes get decade ticks.
    """
    for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
        axis.set_minor_locator(NullLocator())
        if scale == "log":
            axis.set_major_locator(LogLocator(base=10, numticks=5))
            axis.set_major_formatter(FuncFormatter(_decade_label))


def plain_log_labels(ax, axis: str = "y") -> None:
    """Tick labels like 0.5, 2, 10 on a log axis (no 5x10^-1): minor labels only when it spans under a decade.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes.
    axis : {"x", "y"}, optional
        Which axis.
    """
    which = ax.yaxis if axis == "y" else ax.xaxis
    lo, hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    fmt = FuncFormatter(lambda v, _pos: f"{v:g}")
    which.set_major_formatter(fmt)
    which.set_minor_formatter(fmt if hi / lo < 10 else NullFormatter())


def format_vector(v: Any, digits: int = 3) -> str:
    """A vector as the status lines print it: ``(0.200, 0.300, 0.500)``.

    Parameters
    ----------
    v : array_like
        The numbers.
    digits : int, optional
        Digits after the decimal point.
    """
    return "(" + ", ".join(f"{float(a):.{digits}f}" for a in np.ravel(v)) + ")"
