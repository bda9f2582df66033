"""The Explorer itself (:mod:`gumbel_utils.viz.explorer`): the contract every explorer builds on.

Blitting from ``dynamic=``, the live-recompute declaration read by the benchmark and
the gates, ``state`` kept by identity, the layouts (controls above or beside the
figure), the lecture-hall CSS and the smallest-text measurement the browser test reads.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from gumbel_utils.viz import BlitCanvas, Explorer, axes_key, figure_png, min_text_px, new_figure
from gumbel_utils.viz.explorer import WIDGET_FONT_PX


def _line_explorer(**kwargs):
    fig, ax = new_figure(figsize=kwargs.pop("figsize", (8.4, 4.0)))
    (line,) = ax.plot([0.0, 1.0], [0.0, 1.0])
    ax.set_ylim(-2, 2)
    state: dict = {}

    def update(a):
        line.set_ydata([0.0, a])
        state["a"] = a
        return f"a = {a}"

    controls = {"a": widgets.FloatSlider(value=1.0, min=-1.0, max=1.0, step=0.5)}
    explorer = Explorer(fig, controls, update, artists={"line": line}, state=state, **kwargs)
    return explorer, line, state


def test_dynamic_makes_a_blit_canvas_and_redraws_only_the_changing_artists():
    plain, _line, _state = _line_explorer()
    assert plain.canvas is None and not isinstance(plain.fig.canvas, BlitCanvas)
    fig, ax = new_figure()
    (ln,) = ax.plot([0, 1], [0, 1])
    ex = Explorer(fig, {"a": widgets.FloatSlider(value=0.0, min=0.0, max=1.0)},
                  lambda a: ln.set_ydata([0, a]), artists={"line": ln}, dynamic=[ln])
    assert ex.canvas is fig.canvas and ex.canvas.dynamic == [ln] and ln.get_animated()
    for v in (0.25, 0.5, 1.0):
        ex.controls["a"].value = v
    assert ex.canvas.full_draws == 1 and len(ex.timings) == 4
    blitted = np.asarray(ex.canvas.buffer_rgba()).copy()
    ex.canvas._background = None
    ex.canvas.draw()
    assert np.array_equal(blitted, np.asarray(ex.canvas.buffer_rgba()))


def test_background_key_redraws_the_background_when_it_changes():
    fig, ax = new_figure()
    (ln,) = ax.plot([0, 1], [0, 1])

    def update(top):
        ax.set_ylim(0, top)

    ex = Explorer(fig, {"top": widgets.FloatSlider(value=1.0, min=1.0, max=3.0)}, update, dynamic=[ln],
                  background_key=axes_key(ax))
    ex.controls["top"].value = 2.0
    assert ex.canvas.full_draws == 2
    with pytest.raises(ValueError, match="background_key needs dynamic"):
        Explorer(fig, {}, lambda: None, background_key=axes_key(ax))


def test_state_is_kept_by_identity_and_artists_must_be_artists():
    e, line, state = _line_explorer()
    assert e.state is state and state == {"a": 1.0}
    e.controls["a"].value = 0.5
    assert e.state["a"] == 0.5 and e.status.value == "a = 0.5"
    assert e.non_artists == []
    fig, ax = new_figure()
    (ln,) = ax.plot([0, 1])
    bad = Explorer(fig, {}, lambda: None, artists={"line": ln, "data": np.zeros(3), "nested": {"x": [ln]}})
    assert bad.non_artists == ["data"]


@pytest.mark.slow
@pytest.mark.parametrize("given, normalised", [
    (False, False), (True, True), ("a", frozenset({"a"})), (["a"], frozenset({"a"})), ({"a": 10}, {"a": 10.0}),
])
def test_live_recompute_is_declared_on_the_explorer(given, normalised):
    e, _line, _state = _line_explorer(live_recompute=given, busy_message="working")
    assert e.live_recompute == normalised
    if isinstance(normalised, dict):
        assert not e.is_live_recompute("a", 5) and e.is_live_recompute("a", 50)
        assert e.is_live_recompute("a")  # without a value: the control can recompute
    else:
        assert e.is_live_recompute("a") == bool(normalised)
    assert e.is_live_recompute("other") == (normalised is True)  # True: every control recomputes


def test_layouts_put_the_controls_above_or_beside_the_figure():
    wide, _l, _s = _line_explorer(figsize=(8.4, 4.0))
    tall, _l, _s = _line_explorer(figsize=(5.6, 5.0))
    assert wide.layout_mode == "top" and tall.layout_mode == "side"
    assert wide.children[-1] is wide.image  # controls, status, then the figure
    body = tall.children[-1]
    assert isinstance(body, widgets.HBox) and body.children[-1] is tall.image and "gu-side" in body._dom_classes
    forced, _l, _s = _line_explorer(figsize=(5.6, 5.0), layout="top")
    assert forced.layout_mode == "top"
    custom, _l, _s = _line_explorer(layout=lambda c: widgets.HBox(list(c.values())))
    assert isinstance(custom.children[1], widgets.HBox)
    with pytest.raises(ValueError, match="layout"):
        _line_explorer(layout="bottom")


def test_lecture_hall_css_and_smallest_text_travel_with_the_widget():
    e, _line, _state = _line_explorer()
    assert "gu-explorer" in e._dom_classes
    css = e.children[0]
    assert isinstance(css, widgets.HTML) and css.layout.display == "none"
    assert f"--jp-widgets-font-size: {WIDGET_FONT_PX}px" in css.value and WIDGET_FONT_PX >= 14
    px = e.min_text_px
    assert px == pytest.approx(min_text_px(e.fig))
    assert f"gu-min-text-px-{round(100 * px)}" in e.image._dom_classes
    assert e.size_px == (840, 400)


def test_min_text_px_finds_the_smallest_shown_text():
    fig, ax = new_figure()
    ax.set_title("big", fontsize=20)
    ax.text(0.5, 0.5, "small", fontsize=9)
    hidden = ax.text(0.5, 0.5, "hidden", fontsize=5)
    hidden.set_visible(False)
    empty = ax.text(0.5, 0.5, "", fontsize=7)
    figure_png(fig)
    assert min_text_px(fig) == pytest.approx(9 * fig.dpi / 72)
    assert min_text_px(fig, [empty]) == pytest.approx(7 * fig.dpi / 72)  # a text filled in later counts
    fig2, ax2 = new_figure()
    ax2.axis("off")
    ax2.xaxis.set_tick_params(labelsize=4)  # not drawn: the axes are off
    ax2.text(0, 0, "label", fontsize=12)
    figure_png(fig2)
    assert min_text_px(fig2) == pytest.approx(12 * fig2.dpi / 72)


def test_figure_png_is_rgb_for_an_opaque_figure():
    fig, ax = new_figure(figsize=(2.0, 1.0))
    ax.plot([0, 1])
    img = Image.open(io.BytesIO(figure_png(fig)))
    assert img.mode == "RGB" and img.size == (200, 100)
    fig.patch.set_alpha(0.0)
    assert Image.open(io.BytesIO(figure_png(fig))).mode == "RGBA"


def test_buttons_run_their_action_then_redraw():
    fig, ax = new_figure()
    clicks = []
    ex = Explorer(fig, {"go": widgets.Button(description="go")}, lambda: None, on_click={"go": lambda: clicks.append(1)})
    ex.controls["go"].click()
    assert clicks == [1] and len(ex.timings) == 2


def test_the_explorer_carries_the_accessibility_script():
    """The hidden HTML runs the page script that names every slider and makes its readout its accessible value."""
    explorer, _line, _state = _line_explorer()
    hidden = [c for c in explorer.children if isinstance(c, widgets.HTML) and c.layout.display == "none"][0]
    assert hidden.value.count("onerror=") == 1 and hidden.value.endswith('">')
    script = hidden.value.split('onerror="')[1][:-2]
    assert '"' not in script  # the script is one attribute value: a double quote would end it
    for needed in ("aria-valuetext", "aria-label", "widget-readout", "MutationObserver", "window.guAria"):
        assert needed in hidden.value
