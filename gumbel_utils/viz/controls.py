"""Declared controls: every explorer says WHAT its controls are; this module makes the widgets, in one place.

The way mpl-interactions declares ``tau=(0.01, 10)``, an explorer declares its controls as
small records and :func:`make_controls` turns them into plain ipywidgets, with the course's
labels, widths and accessible names::

    controls = make_controls(
        tau=LogTau(0.5),                                     # the one temperature slider
        x1=Slider(0.0, -3.0, 3.0, step=0.1, label="logit $x_1$"),
        seed=IntSlider(0, 0, 30, label="noise seed"),
        objective=Choice(["linear", "quadratic", "cubic"], "cubic", label="f"),
        new_noise=Button("new noise", icon="refresh"),
    )

- :class:`LogTau` is THE temperature slider of the course (every tau of every explorer): a
  ``SelectionSlider`` over :func:`log_grid` values, ten per decade (0.01, 0.012, 0.015, 0.02,
  0.025, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, ...): an arrow key moves one position (30 presses from
  0.01 to 10), the value is tau itself (0.03, never 0.029999999999999805), its readout says
  "0.03", and the explorer's page script (:mod:`gumbel_utils.viz.explorer`) makes that readout the
  slider's accessible value (``aria-valuetext``) and its ``tooltip`` the accessible name.
- :class:`LogSlider` is the same for any positive quantity on a log scale (N, a learning rate, a rate).
- :class:`Slider`, :class:`IntSlider`: linear float and integer sliders.
- :class:`Choice`: a dropdown (or toggle buttons, or a slider over the options).
- :class:`Button`: an action (an explorer's ``on_click`` says what it does).

A starting value outside a declared range widens the range (to whole decades, or to multiples
of the step) instead of being clamped, and a starting value between two grid points of a
log slider is added to its grid: the explorer shows exactly the value it was given.
Widgets stay plain ipywidgets (``min``/``max``/``step``, ``options``), so that the tests, the
benchmark and the static site drive them generically. Each carries the DOM class ``gu-control``
(and ``gu-log`` for the log sliders); ``tests/test_explorers_generic.py`` checks that every
explorer's controls come from here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Sequence

import ipywidgets as widgets

from ._args import widened_log_range, widened_range

__all__ = [
    "TAU_RANGE",
    "MANTISSAS",
    "log_grid",
    "LogSlider",
    "LogTau",
    "Slider",
    "IntSlider",
    "Choice",
    "Button",
    "make_controls",
    "make_control",
]

#: The range of every temperature slider (widened when an explorer is given a tau outside it).
TAU_RANGE = (0.01, 10.0)

#: The ten values of each decade of a log slider: round numbers about 10^(1/10) apart, so that the
#: temperatures the notebooks and the lesson plan name (0.1, 0.3, 0.5, 2, ...) are positions of it.
MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)


def log_grid(lo: float, hi: float, *, per_decade: int = 10) -> list[float]:
    """Round values from ``lo`` to ``hi`` (both included when they are grid values), ``per_decade`` a decade.

    Ten a decade are :data:`MANTISSAS`; fewer take every other (5), or 1, 2, 5 (3), or 1, 3 (2),
    or the powers of ten (1). The values are the nearest floats to the decimals they print as.

    Parameters
    ----------
    lo, hi : float
        The range, 0 < lo < hi.
    per_decade : {1, 2, 3, 5, 10}, optional
        Positions per decade.

    Examples
    --------
    >>> log_grid(0.01, 0.1)
    [0.01, 0.012, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1]
    >>> log_grid(10, 1000, per_decade=3)
    [10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0]
    """
    mantissas = {10: MANTISSAS, 5: MANTISSAS[::2], 3: (1.0, 2.0, 5.0), 2: (1.0, 3.0), 1: (1.0,)}
    if per_decade not in mantissas:
        raise ValueError(f"per_decade must be one of {sorted(mantissas)}, got {per_decade!r}")
    if not (0 < lo < hi and math.isfinite(hi)):
        raise ValueError(f"need 0 < lo < hi, got lo={lo!r}, hi={hi!r}")
    values = []
    for e in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1):
        for m in mantissas[per_decade]:
            v = float(f"{m}e{e}")  # the float nearest to the decimal, e.g. 0.03 (not 3 * 10**-2)
            if lo * (1 - 1e-12) <= v <= hi * (1 + 1e-12):
                values.append(v)
    return values


def _plain(label: str) -> str:
    """A label without its LaTeX markup, for an accessible name: ``logit $x_{1}$`` -> ``logit x1``."""
    return re.sub(r"[$\\{}_^]", "", label).strip()


def _style(label: str) -> dict[str, Any]:
    # The label takes the width it needs: a fixed width cut "learning rate" to "learning r…" (issue 20).
    return {"description_width": "initial"} if label else {}


def _finish(widget: widgets.Widget, name: str, *classes: str, width: str | None = None) -> widgets.Widget:
    widget.add_class("gu-control")
    if width:
        widget.layout.width = width
    for c in classes:
        widget.add_class(c)
    if name:
        widget.tooltip = name  # the accessible name (and a tooltip): the explorer's page script reads it
    return widget


@dataclass(frozen=True)
class LogSlider:
    """A positive quantity on a log scale: a slider over :func:`log_grid` values (its value is the quantity).

    Parameters
    ----------
    value : float
        Starting value (added to the grid if it is not on it; the range widens to hold it).
    lo, hi : float
        The range (widened to whole decades that hold ``value``).
    label : str
        The label shown before the slider (LaTeX allowed).
    name : str, optional
        The accessible name (default: the label without LaTeX).
    per_decade : int, optional
        Positions per decade (10: arrow keys move by about 26 %).
    fmt : str, optional
        Python format of the readout (which is also the accessible value).
    continuous : bool, optional
        Redraw while the handle moves (False: on release, for a control that recomputes).
    width : str, optional
        A CSS width, only where a row of controls needs it (three sliders in a row).
    """

    value: float
    lo: float = 0.01
    hi: float = 10.0
    label: str = ""
    name: str = ""
    per_decade: int = 10
    fmt: str = ".3g"
    continuous: bool = True
    width: str | None = None

    def options(self) -> list[float]:
        """The slider's values: the grid over the (widened) range, with ``value`` in it."""
        if not (math.isfinite(self.value) and self.value > 0):
            raise ValueError(f"a log slider's value must be finite and > 0, got {self.value!r}")
        lo_e, hi_e = widened_log_range(self.value, math.log10(self.lo), math.log10(self.hi))
        lo = self.lo if self.value >= self.lo else 10.0**lo_e  # outside the range: widen to whole decades
        hi = self.hi if self.value <= self.hi else 10.0**hi_e
        grid = log_grid(lo, hi, per_decade=self.per_decade)
        if not any(math.isclose(v, self.value, rel_tol=1e-12) for v in grid):
            grid = sorted(grid + [float(self.value)])
        return grid


@dataclass(frozen=True)
class LogTau(LogSlider):
    """THE temperature slider: :class:`LogSlider` over 0.01..10, ten positions a decade, labelled τ.

    Parameters
    ----------
    value : float
        Starting temperature.
    lo, hi : float, optional
        The range (default :data:`TAU_RANGE`).
    label : str, optional
        Default "τ" (e.g. "τ₀" or "τ_min" for a schedule's temperatures).
    name : str, optional
        Accessible name, default "temperature τ".
    per_decade, fmt, continuous, width
        As :class:`LogSlider`.
    """

    lo: float = TAU_RANGE[0]
    hi: float = TAU_RANGE[1]
    label: str = "τ"
    name: str = "temperature τ"


@dataclass(frozen=True)
class Slider:
    """A linear float slider.

    Parameters
    ----------
    value : float
        Starting value (the range widens, to multiples of ``step``, to hold it).
    lo, hi : float
        The range.
    step : float, optional
        The step (also what an arrow key moves).
    label, name : str, optional
        Label and accessible name, as :class:`LogSlider`.
    fmt : str, optional
        Readout format.
    continuous : bool, optional
        Redraw while the handle moves.
    width : str, optional
        A CSS width, only where a row of controls needs it.
    """

    value: float
    lo: float
    hi: float
    step: float = 0.1
    label: str = ""
    name: str = ""
    fmt: str = ".1f"
    continuous: bool = True
    width: str | None = None


@dataclass(frozen=True)
class IntSlider:
    """An integer slider.

    Parameters
    ----------
    value : int
        Starting value (the range widens to hold it).
    lo, hi : int
        The range.
    step : int, optional
        The step.
    label, name : str, optional
        Label and accessible name.
    continuous : bool, optional
        Redraw while the handle moves.
    width : str, optional
        A CSS width, only where a row of controls needs it.
    """

    value: int
    lo: int
    hi: int
    step: int = 1
    label: str = ""
    name: str = ""
    continuous: bool = True
    width: str | None = None


@dataclass(frozen=True)
class Choice:
    """One of several options: a dropdown, toggle buttons, or a slider over the options.

    Parameters
    ----------
    options : sequence
        The values, or ``(label, value)`` pairs.
    value : optional
        The starting value (default the first).
    label, name : str, optional
        Label and accessible name.
    kind : {"dropdown", "toggle", "slider"}, optional
        How it is shown.
    continuous : bool, optional
        For ``kind="slider"``: redraw while the handle moves.
    width : str, optional
        A CSS width, only where a row of controls needs it.
    """

    options: Sequence[Any]
    value: Any = None
    label: str = ""
    name: str = ""
    kind: str = "dropdown"
    continuous: bool = True
    width: str | None = None


@dataclass(frozen=True)
class Button:
    """A button; the explorer's ``on_click[name]`` says what it does, then the figure redraws.

    Parameters
    ----------
    label : str
        The text on the button.
    icon : str, optional
        A Font Awesome icon name.
    name : str, optional
        Accessible name (default: the label).
    """

    label: str
    icon: str = ""
    name: str = ""


Declared = LogSlider | Slider | IntSlider | Choice | Button


def make_control(declared: Declared) -> widgets.Widget:
    """The ipywidget of one declared control (see the module docstring).

    Parameters
    ----------
    declared : LogSlider, LogTau, Slider, IntSlider, Choice or Button
        What the control is.
    """
    if not isinstance(declared, (LogSlider, Slider, IntSlider, Choice, Button)):
        raise TypeError(f"not a declared control: {type(declared).__name__} (use LogTau, LogSlider, Slider, IntSlider, "
                        "Choice or Button)")
    name = declared.name or _plain(declared.label)
    if isinstance(declared, LogSlider):
        options = declared.options()
        value = next(v for v in options if math.isclose(v, declared.value, rel_tol=1e-12))
        w = widgets.SelectionSlider(options=[(format(v, declared.fmt), v) for v in options], value=value,
                                    description=declared.label, continuous_update=declared.continuous,
                                    style=_style(declared.label))
        return _finish(w, name, "gu-log", width=declared.width)
    if isinstance(declared, Slider):
        lo, hi = widened_range([declared.value], declared.lo, declared.hi, step=declared.step)
        w = widgets.FloatSlider(value=float(declared.value), min=lo, max=hi, step=declared.step,
                                description=declared.label, readout_format=declared.fmt,
                                continuous_update=declared.continuous, style=_style(declared.label))
        return _finish(w, name, width=declared.width)
    if isinstance(declared, IntSlider):
        w = widgets.IntSlider(value=int(declared.value), min=min(declared.lo, declared.value),
                              max=max(declared.hi, declared.value), step=declared.step, description=declared.label,
                              continuous_update=declared.continuous, style=_style(declared.label))
        return _finish(w, name, width=declared.width)
    if isinstance(declared, Choice):
        options = list(declared.options)
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        value = values[0] if declared.value is None else declared.value
        if declared.kind == "dropdown":
            w = widgets.Dropdown(options=options, value=value, description=declared.label,
                                 style=_style(declared.label))
        elif declared.kind == "toggle":
            # ipywidgets 8 puts a ToggleButtons' description above its buttons; a flex row keeps it on the line
            w = widgets.ToggleButtons(options=options, value=value, description=declared.label,
                                      style={**_style(declared.label), "button_width": "52px"},
                                      layout=widgets.Layout(display="flex", align_items="center", width="auto"))
        elif declared.kind == "slider":
            w = widgets.SelectionSlider(options=options, value=value, description=declared.label,
                                        continuous_update=declared.continuous, style=_style(declared.label))
        else:
            raise ValueError(f"kind must be 'dropdown', 'toggle' or 'slider', got {declared.kind!r}")
        return _finish(w, name, width=declared.width)
    return _finish(widgets.Button(description=declared.label, icon=declared.icon), name)


def make_controls(**declared: Declared) -> dict[str, widgets.Widget]:
    """The widgets of an explorer's declared controls, by name, in the order given.

    Parameters
    ----------
    **declared : LogSlider, LogTau, Slider, IntSlider, Choice or Button
        One declaration per control; the keyword is the control's name (``update`` receives its
        value under that name).

    Returns
    -------
    dict of str to ipywidgets.Widget

    Examples
    --------
    >>> c = make_controls(tau=LogTau(0.3), n=Choice([1, 10, 100], 10, label="batch n", kind="slider"))
    >>> c["tau"].value, c["tau"].label, len(c["tau"].options), c["n"].value
    (0.3, '0.3', 31, 10)
    """
    return {key: make_control(d) for key, d in declared.items()}
