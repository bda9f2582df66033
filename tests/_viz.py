"""Checks shared by the tests of the figure families (``tests/test_viz_*.py``): the explorer contract's artists-only
return value and a figure that fits the projector."""

from __future__ import annotations

from typing import Any

import numpy as np

from matplotlib.artist import Artist
from matplotlib.container import Container


def only_artists(value: Any) -> bool:
    """True when ``value`` (a ``plot_*`` return, nested dicts, lists and tuples) holds Matplotlib artists only."""
    if isinstance(value, dict):
        return all(only_artists(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(only_artists(v) for v in value)
    return isinstance(value, (Artist, Container))


def figure_fits(ex: Any) -> None:
    """An explorer's figure fits its layout at 1280 x 720 (560 px beside its controls, else 840), its smallest text
    is readable from the back row (14 px), and it keeps artists only (the explorer contract)."""
    width, _height = ex.size_px
    assert width <= (560 if ex.layout_mode == "side" else 840)
    assert ex.min_text_px >= 14.0
    assert not ex.non_artists


def marker_xy(line: Any) -> np.ndarray:
    """The single (x, y) point of a one-marker Line2D."""
    return np.array([np.asarray(line.get_xdata())[0], np.asarray(line.get_ydata())[0]])


def drawn_renderer(ex: Any) -> Any:
    """The renderer of an explorer's figure after a full draw (for window extents in pixels)."""
    ex.fig.canvas.draw()
    return ex.fig.canvas.get_renderer()


def inside(box: Any, xy: np.ndarray) -> np.ndarray:
    """Which of the pixel points ``xy`` (shape (N, 2)) lie strictly inside the bounding box ``box``."""
    return (xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1)
