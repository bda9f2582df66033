"""The triangle of Notebook 2's figures (:mod:`gumbel_utils.viz.simplex_frame`)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gumbel_utils import TRIANGLE
from gumbel_utils.viz.simplex_frame import CENTRE, plot_simplex_frame
from gumbel_utils.viz.style import CATEGORY_COLORS


def test_frame_is_the_triangle_with_its_vertices_labelled():
    art = plot_simplex_frame()
    try:
        np.testing.assert_allclose(np.column_stack(art["outline"].get_data()), np.vstack([TRIANGLE, TRIANGLE[:1]]))
        assert [t.get_text() for t in art["labels"]] == [r"$e_1=(1,0,0)$", r"$e_2=(0,1,0)$", r"$e_3=(0,0,1)$"]
        assert [t.get_color() for t in art["labels"]] == CATEGORY_COLORS[:3]
        assert not art["outline"].axes.axison
        other = plot_simplex_frame(ax=art["outline"].axes, labels=["a", "b", "c"])
        assert [t.get_text() for t in other["labels"]] == ["a", "b", "c"]
    finally:
        plt.close(art["outline"].figure)
    np.testing.assert_allclose(CENTRE, TRIANGLE.mean(axis=0))  # the centre (1/3, 1/3, 1/3)
