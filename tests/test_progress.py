"""gumbel_utils.progress: the one progress bar of the trainers (Notebooks 4 and 5)."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from gumbel_utils.progress import ProgressBar, progress_bar, progress_callback


def test_progress_bar_ticks_and_calls():
    bar = ProgressBar("x", total=4)
    assert isinstance(bar.widget, widgets.IntProgress) and bar.widget.max == 4
    bar.tick()
    assert bar.widget.value == 1 and bar.widget.bar_style == ""
    bar.tick(3)
    assert bar.widget.value == 4 and bar.widget.bar_style == "success"
    bar(5, 10)
    assert (bar.widget.value, bar.widget.max, bar.widget.bar_style) == (5, 10, "")
    bar(0, 0)  # an empty task: max stays >= 1
    assert bar.widget.max == 1


def test_progress_bar_is_shown(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    bar = progress_bar("sweep", total=3)
    assert shown == [bar.widget] and bar.widget.description == "sweep"


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
    assert shown == [new.widget] and new.widget.max == 5 and new.widget.description == "a new bar"

    reused = widgets.IntProgress(bar_style="success", description="old")
    report = progress_callback(reused, 4, "run 2")
    assert report.widget is reused and reused.description == "run 2" and reused.bar_style == ""
    for epoch in range(1, 5):
        report(epoch, 4)
    assert reused.value == reused.max == 4 and reused.bar_style == "success"
    assert len(shown) == 1  # a reused bar is not shown again


def test_bad_progress_argument():
    with pytest.raises(TypeError, match="IntProgress"):
        progress_callback(widgets.FloatSlider(), 5, "a")
    with pytest.raises(TypeError, match="IntProgress"):
        ProgressBar("x", widget="bar")
