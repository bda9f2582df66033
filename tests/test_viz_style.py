"""The course style (:mod:`gumbel_utils.viz.style`): scoped rcParams, the figure makers, lecture-hall sizes."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

from gumbel_utils.viz.style import (
    CATEGORY_COLORS,
    MIN_FONT_PT,
    PALETTE,
    STYLE,
    course_style,
    new_figure,
    pyplot_axes,
    pyplot_figure,
)


@pytest.fixture
def closing():
    before = set(plt.get_fignums())
    yield
    for num in set(plt.get_fignums()) - before:
        plt.close(num)


def test_course_style_changes_rcparams_only_inside():
    before = dict(mpl.rcParams)
    with course_style():
        assert mpl.rcParams["font.size"] == STYLE["font.size"]
    assert dict(mpl.rcParams) == before


def test_every_style_font_is_readable_at_14_css_px():
    """At 100 dpi a font of MIN_FONT_PT points is >= 14 px: the lecture-hall floor (issue 13)."""
    assert MIN_FONT_PT * STYLE["figure.dpi"] / 72 >= 14
    sizes = {k: v for k, v in STYLE.items() if k.endswith(("font.size", "titlesize", "labelsize", "legend.fontsize"))}
    assert len(sizes) == 6 and all(v >= MIN_FONT_PT for v in sizes.values()), sizes


def test_new_figure_is_not_managed_by_pyplot(closing):
    before = plt.get_fignums()
    fig, axes = new_figure(1, 2, figsize=(8.4, 4.0))
    assert plt.get_fignums() == before and axes.shape == (2,)
    assert tuple(fig.get_size_inches()) == (8.4, 4.0)


def test_pyplot_figure_and_axes_are_pyplot_figures_in_the_course_style(closing):
    fig, axes = pyplot_figure(1, 3, figsize=(8.4, 3.6), sharey=True)
    assert fig.number in plt.get_fignums() and len(axes) == 3
    assert axes[0].get_shared_y_axes().joined(axes[0], axes[2])
    assert axes[0].xaxis.label.get_fontsize() == STYLE["axes.labelsize"]  # axes made inside the style
    ax = pyplot_axes(figsize=(5.0, 4.0))
    assert ax.figure.number in plt.get_fignums()
    assert pyplot_axes(ax) is ax


def test_pyplot_figure_is_made_outside_the_style_context(closing, monkeypatch):
    """The figure must exist before course_style() is entered (the inline backend's interactive switch)."""
    entered = []
    made = []
    import gumbel_utils.viz.style as style

    real_context, real_figure = style.course_style, plt.figure

    def spy_context():
        entered.append(len(made))
        return real_context()

    def spy_figure(*args, **kwargs):
        made.append(1)
        return real_figure(*args, **kwargs)

    monkeypatch.setattr(style, "course_style", spy_context)
    monkeypatch.setattr(plt, "figure", spy_figure)
    pyplot_figure(1, 2, figsize=(4.0, 2.0))
    assert made == [1] and entered == [1]  # the style was entered after the figure was made


def test_palette_is_okabe_ito():
    assert PALETTE["blue"] == "#0072B2" and PALETTE["vermillion"] == "#D55E00"
    assert len(set(CATEGORY_COLORS)) == len(CATEGORY_COLORS) == 7
