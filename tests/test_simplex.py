"""Ternary geometry (K = 3) in gumbel_utils.simplex."""

import numpy as np
import pytest

from gumbel_utils import TRIANGLE, barycentric_to_cartesian, cartesian_to_barycentric, simplex_grid


def test_vertices_and_centroid():
    np.testing.assert_allclose(barycentric_to_cartesian(np.eye(3)), TRIANGLE)
    np.testing.assert_allclose(barycentric_to_cartesian([1 / 3, 1 / 3, 1 / 3]), TRIANGLE.mean(axis=0))
    # the triangle is equilateral with side 1
    sides = [np.linalg.norm(TRIANGLE[i] - TRIANGLE[j]) for i, j in [(0, 1), (1, 2), (2, 0)]]
    np.testing.assert_allclose(sides, 1.0, rtol=1e-15)


def test_round_trip():
    y = np.random.default_rng(0).dirichlet([1.0, 2.0, 0.5], size=(4, 50))
    xy = barycentric_to_cartesian(y)
    assert xy.shape == (4, 50, 2)
    np.testing.assert_allclose(cartesian_to_barycentric(xy), y, atol=1e-14)
    pts = np.random.default_rng(1).uniform(-1, 2, size=(100, 2))
    np.testing.assert_allclose(barycentric_to_cartesian(cartesian_to_barycentric(pts)), pts, atol=1e-14)


def test_outside_points_get_a_negative_coordinate():
    b = cartesian_to_barycentric([[0.5, -0.1], [1.2, 0.0], [0.5, 1.0]])
    assert (b.min(axis=-1) < 0).all()
    np.testing.assert_allclose(b.sum(axis=-1), 1.0)


def test_grid():
    g = simplex_grid(60)
    ny, nx = g.inside.shape
    assert nx == 60 and ny == round(60 * np.sqrt(3) / 2)
    assert g.bary.shape == (ny, nx, 3)
    pts = g.points
    assert (pts > 0).all()
    np.testing.assert_allclose(pts.sum(axis=-1), 1.0, atol=1e-12)
    # the inside pixels cover the triangle: fraction of the bounding box close to 1/2
    assert abs(g.inside.mean() - 0.5) < 0.05
    # pixel centres sit where extent says they do
    left, right, bottom, top = g.extent
    xy = barycentric_to_cartesian(g.bary)
    np.testing.assert_allclose(xy[0, :, 0], left + (np.arange(nx) + 0.5) * (right - left) / nx, atol=1e-12)
    np.testing.assert_allclose(xy[:, 0, 1], bottom + (np.arange(ny) + 0.5) * (top - bottom) / ny, atol=1e-12)
    image = g.fill(np.ones(len(pts)))
    assert image.shape == (ny, nx) and np.isnan(image[~g.inside]).all() and (image[g.inside] == 1).all()


@pytest.mark.parametrize("resolution", [1, 0, -5, 2.5, "a"])
def test_grid_bad_resolution(resolution):
    with pytest.raises((ValueError, TypeError)):
        simplex_grid(resolution)


def test_bad_shapes():
    with pytest.raises(ValueError, match="y"):
        barycentric_to_cartesian([0.5, 0.5])
    with pytest.raises(ValueError, match="xy"):
        cartesian_to_barycentric([0.5, 0.5, 0.0])
