"""Declared controls (:mod:`gumbel_utils.viz.controls`): one factory, one temperature slider.

The log-tau slider moves by about 26 % an arrow key (ten positions a decade: 30 presses from
0.01 to 10, not 300), its value is tau itself (0.03, not 0.029999999999999805), its readout
(which the explorer's page script makes the accessible value) says "0.03", and it has an
accessible name. A starting value outside a range widens it, one between grid points joins the grid.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import pytest

from gumbel_utils.viz.controls import (
    MANTISSAS,
    TAU_RANGE,
    Button,
    Choice,
    IntSlider,
    LogSlider,
    LogTau,
    Slider,
    log_grid,
    make_control,
    make_controls,
)


def test_log_grid_is_round_numbers_ten_a_decade():
    grid = log_grid(*TAU_RANGE)
    assert len(grid) == 31 and grid[0] == 0.01 and grid[-1] == 10.0
    assert all(repr(v) == format(v, ".3g") or repr(v) == format(v, ".1f") for v in grid)  # 0.03, never 0.0300...04
    ratios = [b / a for a, b in zip(grid, grid[1:])]
    assert 1.19 < min(ratios) and max(ratios) < 1.34  # about 10^(1/10) = 1.26 every step
    for tau in (0.01, 0.03, 0.05, 0.1, 0.3, 0.5, 1.0, 2.0, 5.0):  # what the notebooks and the lesson plan name
        assert tau in grid
    assert log_grid(1, 100, per_decade=3) == [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
    assert len(MANTISSAS) == 10
    with pytest.raises(ValueError, match="per_decade"):
        log_grid(1, 10, per_decade=4)
    with pytest.raises(ValueError, match="lo < hi"):
        log_grid(1, 0.1)


def test_the_temperature_slider_moves_in_tau_and_reads_tau():
    w = make_control(LogTau(0.5))
    assert isinstance(w, widgets.SelectionSlider)  # plain ipywidgets: the tests, benchmark and site drive it
    values = [v for _label, v in w.options]
    assert values == log_grid(0.01, 10.0)
    assert w.value == 0.5 and w.label == "0.5"
    # an arrow key moves one option: from 0.01 to 10 in 30 presses (a FloatLogSlider with step 0.01 took 300)
    assert len(values) - 1 == 30
    w.index = values.index(0.025) + 1
    assert w.value == 0.03 and repr(w.value) == "0.03" and w.label == "0.03"
    assert w.tooltip == "temperature τ" and w.description == "τ"  # the accessible name
    assert {"gu-control", "gu-log"} <= set(w._dom_classes)
    assert w.style.description_width == "initial"  # a label is never cut to "learning r…"


def test_a_value_outside_the_range_widens_it_and_one_between_positions_joins_them():
    wide = make_control(LogTau(30.0))
    assert wide.value == 30.0 and wide.options[-1][1] == 100.0 and wide.options[0][1] == 0.01
    low = make_control(LogTau(1e-3))
    assert low.value == 1e-3 and low.options[0][1] == 1e-3
    odd = make_control(LogTau(0.37))
    values = [v for _label, v in odd.options]
    assert odd.value == 0.37 and values[values.index(0.37) - 1] == 0.3 and values[values.index(0.37) + 1] == 0.4
    with pytest.raises(ValueError, match="finite and > 0"):
        make_control(LogTau(0.0))
    with pytest.raises(ValueError, match="finite and > 0"):
        make_control(LogSlider(math.nan))


def test_log_slider_for_other_quantities():
    n = make_control(LogSlider(1000.0, 10.0, 1e6, label="N", fmt=",.0f", continuous=False, width="262px"))
    assert n.value == 1000.0 and n.label == "1,000" and not n.continuous_update and n.layout.width == "262px"
    assert n.tooltip == "N" and n.options[0][1] == 10.0 and n.options[-1][1] == 1e6


def test_linear_int_choice_and_button():
    c = make_controls(
        x=Slider(4.5, -3.0, 3.0, step=0.5, label="logit $x_{1}$"),
        k=IntSlider(45, 0, 30, label="noise seed"),
        f=Choice(["linear", "cubic"], "cubic", label="f", name="objective f"),
        m=Choice([("first model", 1), ("second", 2)], label="model"),
        n=Choice([1, 10, 100], 10, label="batch n", kind="slider", continuous=False),
        K=Choice([3, 4, 5], 4, label="categories K", kind="toggle"),
        go=Button("new noise", icon="refresh"),
    )
    assert list(c) == ["x", "k", "f", "m", "n", "K", "go"]
    assert isinstance(c["x"], widgets.FloatSlider) and c["x"].value == 4.5 and c["x"].max == 4.5  # widened
    assert c["x"].tooltip == "logit x1"  # the accessible name has no LaTeX
    assert isinstance(c["k"], widgets.IntSlider) and c["k"].value == 45 and c["k"].max == 45
    assert isinstance(c["f"], widgets.Dropdown) and c["f"].value == "cubic" and c["f"].tooltip == "objective f"
    assert c["m"].value == 1 and c["m"].label == "first model"
    assert isinstance(c["n"], widgets.SelectionSlider) and c["n"].value == 10 and not c["n"].continuous_update
    assert isinstance(c["K"], widgets.ToggleButtons) and c["K"].value == 4
    assert isinstance(c["go"], widgets.Button) and c["go"].description == "new noise"
    assert all("gu-control" in w._dom_classes for w in c.values())
    with pytest.raises(ValueError, match="kind"):
        make_control(Choice([1, 2], kind="radio"))
    with pytest.raises(TypeError, match="not a declared control"):
        make_control(widgets.FloatSlider())
