r"""Geometry of the 2-simplex (K = 3) for ternary plots.

A point :math:`y = (y_1, y_2, y_3)` of the simplex is drawn at
:math:`y_1 v_1 + y_2 v_2 + y_3 v_3`, where the vertices of an equilateral
triangle are :math:`v_1 = (0, 0)`, :math:`v_2 = (1, 0)` and
:math:`v_3 = (1/2, \sqrt{3}/2)`. A one-hot vector is a vertex, the uniform
vector is the centroid.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["TRIANGLE", "barycentric_to_cartesian", "cartesian_to_barycentric", "SimplexGrid", "simplex_grid"]

#: Vertices of the triangle, one per row: category k sits at ``TRIANGLE[k]``.
TRIANGLE = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3.0) / 2.0]])


def barycentric_to_cartesian(y: ArrayLike) -> np.ndarray:
    """Map points of the 2-simplex, shape (..., 3), to the plane, shape (..., 2).

    >>> barycentric_to_cartesian([1/3, 1/3, 1/3]).round(4)
    array([0.5   , 0.2887])
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 0 or y.shape[-1] != 3:
        raise ValueError(f"y must have 3 barycentric coordinates on its last axis, got shape {y.shape}")
    return y @ TRIANGLE


def cartesian_to_barycentric(xy: ArrayLike) -> np.ndarray:
    """Inverse of :func:`barycentric_to_cartesian`: shape (..., 2) to (..., 3).

    Points outside the triangle get a negative coordinate.

    >>> cartesian_to_barycentric([0.5, np.sqrt(3) / 2]).round(12)
    array([0., 0., 1.])
    """
    xy = np.asarray(xy, dtype=np.float64)
    if xy.ndim == 0 or xy.shape[-1] != 2:
        raise ValueError(f"xy must have 2 coordinates on its last axis, got shape {xy.shape}")
    y3 = xy[..., 1] / TRIANGLE[2, 1]
    y2 = xy[..., 0] - 0.5 * y3
    return np.stack([1.0 - y2 - y3, y2, y3], axis=-1)


class SimplexGrid(NamedTuple):
    """A regular pixel grid over the triangle's bounding box, for ``imshow`` heatmaps.

    Attributes
    ----------
    bary : ndarray, shape (ny, nx, 3)
        Barycentric coordinates of each pixel centre (rows go up in y).
    inside : ndarray of bool, shape (ny, nx)
        True where the pixel centre lies strictly inside the triangle.
    extent : tuple of 4 floats
        ``(left, right, bottom, top)`` for ``imshow(..., origin="lower", extent=extent)``.
    """

    bary: np.ndarray
    inside: np.ndarray
    extent: tuple[float, float, float, float]

    @property
    def points(self) -> np.ndarray:
        """Barycentric coordinates of the inside pixels, shape (n_inside, 3)."""
        return self.bary[self.inside]

    def fill(self, values: ArrayLike, outside: float = np.nan) -> np.ndarray:
        """Scatter ``values`` at the inside pixels into an (ny, nx) image, ``outside`` elsewhere."""
        image = np.full(self.inside.shape, outside, dtype=np.float64)
        image[self.inside] = values
        return image


def simplex_grid(resolution: int = 200) -> SimplexGrid:
    """Pixel centres over the triangle: ``resolution`` columns and proportional rows.

    >>> g = simplex_grid(100)
    >>> g.bary.shape, g.inside.shape
    ((87, 100, 3), (87, 100))
    >>> bool(np.allclose(g.points.sum(axis=1), 1.0) and (g.points > 0).all())
    True
    """
    if int(resolution) != resolution or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    nx = int(resolution)
    height = TRIANGLE[2, 1]
    ny = max(2, int(round(nx * height)))
    xs = (np.arange(nx) + 0.5) / nx
    ys = (np.arange(ny) + 0.5) / ny * height
    xy = np.stack(np.meshgrid(xs, ys), axis=-1)
    bary = cartesian_to_barycentric(xy)
    inside = (bary > 0).all(axis=-1)
    return SimplexGrid(bary=bary, inside=inside, extent=(0.0, 1.0, 0.0, float(height)))
