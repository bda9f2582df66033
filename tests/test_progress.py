"""gumbel_utils.progress: the one progress API (a bar that one or several long calls report to)."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from gumbel_utils.progress import ProgressBar, progress_bar, progress_callback


def test_one_call_fills_the_bar():
    bar = ProgressBar("x")
    assert isinstance(bar.widget, widgets.IntProgress) and bar.widget.max == 100
    bar(5, 10)
    assert bar.widget.value == 50 and bar.widget.bar_style == "" and bar.done_parts == 0
    bar(10, 10)
    assert bar.widget.value == 100 and bar.widget.bar_style == "success" and bar.done_parts == 1
    bar(0, 0)  # an empty task counts as done, and nothing goes past the end
    assert bar.widget.value == 100


def test_several_calls_share_one_bar_and_the_label_counts_them():
    bar = ProgressBar("sweep", parts=3)
    for part in range(3):
        for step in range(1, 5):
            bar(step, 4)
        assert bar.done_parts == part + 1
    assert bar.widget.description == "sweep (3 of 3)" and bar.widget.bar_style == "success"
    assert bar.widget.value == bar.widget.max == 300
    bar.tick()  # nothing beyond the last part
    assert bar.done_parts == 3 and bar.widget.value == 300


def test_tick_ends_a_part_of_your_own_loop():
    bar = ProgressBar("loop", parts=2)
    bar.tick()
    assert (bar.done_parts, bar.widget.value, bar.widget.bar_style) == (1, 100, "")
    bar(1, 2)
    assert bar.widget.value == 150


def test_progress_bar_is_shown(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    bar = progress_bar("sweep", parts=3)
    assert shown == [bar.widget] and bar.widget.description == "sweep (0 of 3)"


def test_progress_callback_accepts_what_the_trainers_accept(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    assert progress_callback(None, 5, "a") is None and progress_callback(False, 5, "a") is None
    assert shown == []

    def fn(done, total):
        return None

    assert progress_callback(fn, 5, "a") is fn
    bar = ProgressBar("mine")
    assert progress_callback(bar, 5, "a") is bar
    new = progress_callback(True, 5, "a new bar")
    assert shown == [new.widget] and new.widget.description == "a new bar"


def test_bad_progress_argument():
    with pytest.raises(TypeError, match="progress must be None, True, a ProgressBar"):
        progress_callback(widgets.IntProgress(), 5, "a")   # a bare widget: pass a ProgressBar (one API)
    with pytest.raises(TypeError, match="progress"):
        progress_callback("yes", 5, "a")
    with pytest.raises(ValueError, match="parts"):
        ProgressBar("x", parts=0)
