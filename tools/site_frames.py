"""Frames of the live explorers for the static site, computed in a notebook's kernel after its last cell.

The site (``tools/build_site.py``) shows every explorer as HTML controls over a figure; moving
a control shows the figure the explorer draws for that setting, precomputed here. This module
runs in the notebook's kernel (``build_site.export_code`` imports it by path) and also in the
test process, which renders frames itself and compares them with the site's.

What is computed, for each explorer the notebook displayed (found through ipywidgets' registry
of live widgets, by model id), read only from generic widget properties:

* each control's steps: a slider's ``min``/``max``/``step`` (a log slider's exponents), the
  options of a dropdown, toggle or selection slider, the two states of a checkbox, and for a
  button (such as "new noise") :data:`BUTTON_STATES` states: 0, 1, 2, 3 clicks. A slider with
  more than :data:`MAX_STEPS` steps (:data:`MAX_RECOMPUTE_STEPS` for a control whose moves
  recompute, ``explorer.is_live_recompute``) keeps its first setting, both ends and every k-th
  step from the first setting, k the smallest stride that fits;
* the settings: every combination of the controls when there are at most :data:`GRID_LIMIT`,
  else each control over its steps with the others at their first setting;
* for each setting: the figure (PNG from the explorer itself, compressed by
  :func:`compress_frame`), its status line, the controls' readouts, which controls it hides
  or disables, and alt text from :func:`gumbel_utils.viz.alt_text.describe_figure`.

Nothing reaches the notebook: widget messages are held while the frames are drawn (one state
message per widget at the end, with the first setting back), and any printed text or warning
is kept in the manifest, not shown. A button's clicks cannot be undone: after the export an
explorer with a "new noise" button holds its last noise draw.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import math
import pickle
import time
import traceback
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

__all__ = [
    "MAX_STEPS", "MAX_RECOMPUTE_STEPS", "GRID_LIMIT", "BUTTON_STATES", "MANIFEST", "ControlSteps", "compress_frame", "control_steps",
    "settings", "apply_setting", "readout", "export_explorer", "export_all",
]

#: At most this many steps of one control are computed (61: a log-τ slider over 3 decades in steps of 0.05).
MAX_STEPS = 61
#: At most this many for a control whose every move recomputes (``explorer.is_live_recompute``: up to 1 s a frame).
MAX_RECOMPUTE_STEPS = 21
#: Every combination of the controls is computed when there are at most this many (Notebook 5: 5 models x 31 τ = 155);
#: else one control at a time.
GRID_LIMIT = 160
#: A button's states on the site: 0 to 3 clicks, then back to 0 (four noise draws for "new noise").
BUTTON_STATES = 4
#: The manifest's file name in the output folder.
MANIFEST = "manifest.json"
#: Colours of a palette PNG (Pillow's fast octree quantizer, no dithering).
PALETTE_COLOURS = 256


def compress_frame(png: bytes) -> bytes:
    """A figure's PNG as a palette PNG of 256 colours (no dithering): about a third of the bytes.

    zlib's default level 6, without Pillow's ``optimize`` (its level 9 and filter search): 7 ms
    a frame instead of 21 ms, for frames 6 % larger (measured over 300 of the site's frames).
    Deterministic: the same PNG gives the same bytes, so the test process reproduces every
    frame of the site exactly.

    Parameters
    ----------
    png : bytes
        The PNG an explorer shows (``explorer.image.value``).
    """
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    quantized = image.quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    quantized.save(out, format="png", compress_level=6)
    return out.getvalue()


@dataclass
class ControlSteps:
    """The steps of one control on the site.

    ``kind`` is the HTML control: "range" (sliders), "select" (dropdowns), "radio"
    (toggle buttons, radio buttons), "checkbox", "button", or "static" (shown, not moved).
    ``values`` are what the explorer's control is set to (a button: the number of clicks),
    ``labels`` the readouts, ``default`` the index of the first setting; ``options`` is True
    when the control is set by ``index`` (dropdowns, toggles, selection sliders).
    """

    name: str
    kind: str
    label: str
    description: str
    values: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    default: int = 0
    options: bool = False
    all_steps: int = 0


def readout(control: Any, value: Any) -> str:
    """The readout of ``value`` on ``control``, as JupyterLab shows it (a log slider: the value, not its exponent).

    Numbers use the control's ``readout_format`` with Python's format rules (``.3g`` of 0.03 is
    "0.03": trailing zeros dropped); booleans read "on"/"off".

    Parameters
    ----------
    control : ipywidgets.Widget
        The control.
    value : object
        A value of the control.
    """
    if isinstance(value, bool):
        return "on" if value else "off"
    fmt = getattr(control, "readout_format", None)
    if isinstance(value, (int, float)) and fmt:
        try:
            return format(value, fmt.replace("~", ""))
        except (ValueError, TypeError):
            return f"{value:.4g}"
    return str(value)


def _thin(n: int, default: int, cap: int = MAX_STEPS) -> list[int]:
    """Indices kept of ``n`` steps: all when n <= cap, else every k-th from the default plus both ends."""
    if n <= cap:
        return list(range(n))
    stride = math.ceil((n - 1) / (cap - 1))
    return sorted({i for i in range(n) if (i - default) % stride == 0} | {0, n - 1})


def control_steps(name: str, control: Any, *, cap: int = MAX_STEPS) -> ControlSteps:
    """The steps of a control, read from its generic ipywidgets properties.

    Parameters
    ----------
    name : str
        The control's name in ``explorer.controls``.
    control : ipywidgets.Widget
        The control.
    cap : int, optional
        At most this many steps of a slider (every k-th step beyond).
    """
    import ipywidgets as widgets

    from gumbel_utils.viz.alt_text import plain_text

    description = getattr(control, "description", "") or name
    base = dict(name=name, label=plain_text(description), description=description)
    if isinstance(control, widgets.Button):
        return ControlSteps(kind="button", values=list(range(BUTTON_STATES)),
                            labels=[f"draw {i + 1} of {BUTTON_STATES}" for i in range(BUTTON_STATES)],
                            default=0, all_steps=BUTTON_STATES, **base)
    if hasattr(control, "_options_labels") and hasattr(control, "index") and isinstance(control.index, int):
        labels = [plain_text(str(label)) for label in control._options_labels]
        if isinstance(control, widgets.SelectionSlider):
            kind = "range"
        elif isinstance(control, (widgets.ToggleButtons, widgets.RadioButtons)):
            kind = "radio"
        else:
            kind = "select"
        keep = _thin(len(labels), control.index, cap) if kind == "range" else list(range(len(labels)))
        values = [_jsonable(control._options_values[i]) for i in keep]
        return ControlSteps(kind=kind, values=keep, labels=[labels[i] for i in keep], default=keep.index(control.index),
                            options=True, all_steps=len(labels), **base)
    if isinstance(getattr(control, "value", None), bool):
        return ControlSteps(kind="checkbox", values=[False, True], labels=["off", "on"],
                            default=int(control.value), all_steps=2, **base)
    if all(hasattr(control, a) for a in ("min", "max", "step", "value")) and isinstance(control.value, (int, float)):
        return _slider_steps(control, base, cap)
    return ControlSteps(kind="static", values=[_jsonable(getattr(control, "value", None))],
                        labels=[readout(control, getattr(control, "value", ""))], all_steps=1, **base)


def _slider_steps(control: Any, base: dict, cap: int) -> ControlSteps:
    log_base = getattr(control, "base", None)
    lo, hi, step, value = control.min, control.max, control.step, control.value
    position = math.log(value, log_base) if log_base else value  # a log slider moves its exponent
    n = int(round((hi - lo) / step)) + 1 if step else 1
    grid = [lo + i * step for i in range(n)]
    default = min(range(n), key=lambda i: abs(grid[i] - position))
    if abs(grid[default] - position) > 1e-9 * max(1.0, abs(step)):  # a first setting off the steps: add it
        grid.insert(default + (grid[default] < position), position)
        n += 1
        default = grid.index(position)
    integer = isinstance(control.value, int) and not isinstance(control.value, bool)

    def as_value(i: int) -> Any:
        if i == default:
            return value  # exactly the first setting, so its frame is the notebook's figure
        if log_base:
            return float(log_base ** grid[i])
        return int(round(grid[i])) if integer else float(round(grid[i], 12))

    keep = _thin(n, default, cap)
    values = [as_value(i) for i in keep]
    return ControlSteps(kind="range", values=values, labels=[readout(control, v) for v in values],
                        default=keep.index(default), all_steps=n, **base)


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)


def settings(steps: list[ControlSteps]) -> tuple[str, list[tuple[int, ...]]]:
    """The settings to compute, as index tuples in a good order, and the mode ("grid" or "one at a time").

    Buttons come first and change slowest (a click cannot be undone), and each setting
    differs from the one before in as few controls as possible.

    Parameters
    ----------
    steps : list of ControlSteps
        The controls, in the explorer's order.
    """
    counts = [len(s.values) for s in steps]
    default = tuple(s.default for s in steps)
    order = sorted(range(len(steps)), key=lambda i: steps[i].kind != "button")  # buttons outermost
    if math.prod(counts) <= GRID_LIMIT:
        out = []
        for combo in itertools.product(*(range(counts[i]) for i in order)):
            setting = [0] * len(steps)
            for i, index in zip(order, combo):
                setting[i] = index
            out.append(tuple(setting))
        return "grid", out
    out = [default]
    for i in order[::-1]:  # buttons last
        for index in range(counts[i]):
            if index != default[i]:
                out.append(default[:i] + (index,) + default[i + 1:])
    return "one at a time", out


def apply_setting(explorer: Any, steps: list[ControlSteps], setting: tuple[int, ...], clicks: list[int]) -> None:
    """Set the explorer's controls to ``setting`` (indices into each control's values); redraws as a learner would.

    ``clicks`` holds the clicks made so far on each control (buttons) and is updated; a
    button is clicked until it reaches its setting (its count only grows).

    Parameters
    ----------
    explorer : gumbel_utils.viz.Explorer
        The explorer.
    steps : list of ControlSteps
        Its controls' steps (:func:`control_steps`).
    setting : tuple of int
        One index per control.
    clicks : list of int
        Clicks made so far per control (0 for non-buttons); updated in place.
    """
    for i, (spec, index) in enumerate(zip(steps, setting)):
        control = explorer.controls[spec.name]
        if spec.kind == "static":
            continue
        if spec.kind == "button":
            if index < clicks[i]:
                raise ValueError(f"{spec.name}: cannot go back from {clicks[i]} clicks to {index}")
            while clicks[i] < index:
                control.click()
                clicks[i] += 1
        elif spec.options:
            control.index = spec.values[index]
        else:
            control.value = spec.values[index]


def _shown(widget: Any) -> bool:
    layout = getattr(widget, "layout", None)
    return not (layout is not None and (layout.display == "none" or layout.visibility == "hidden"))


def _walk(widget: Any) -> Iterator[Any]:
    yield widget
    for child in getattr(widget, "children", None) or ():
        yield from _walk(child)


def export_explorer(explorer: Any, out_dir: Path, ident: str) -> dict[str, Any]:
    """Compute every frame of one explorer into ``out_dir/ident/``; return its manifest entry.

    Parameters
    ----------
    explorer : gumbel_utils.viz.Explorer
        The live explorer (as the notebook left it: its controls' values are the first setting).
    out_dir : Path
        The export folder.
    ident : str
        The explorer's folder name (``e0``, ``e1``, ...).
    """
    from gumbel_utils.viz.alt_text import describe_figure

    start_cpu, start_wall = time.process_time(), time.perf_counter()
    folder = Path(out_dir) / ident
    folder.mkdir(parents=True, exist_ok=True)
    steps = [control_steps(name, control, cap=MAX_RECOMPUTE_STEPS if explorer.is_live_recompute(name) else MAX_STEPS)
             for name, control in explorer.controls.items()]
    for spec in steps:  # a control hidden or disabled at the first setting cannot be moved: its first value only
        control = explorer.controls[spec.name]
        if spec.kind != "button" and (not _shown(control) or getattr(control, "disabled", False)):
            spec.values, spec.labels = [spec.values[spec.default]], [spec.labels[spec.default]]
            spec.default = 0
    mode, todo = settings(steps)
    clicks = [0] * len(steps)
    files: list[str] = []
    statuses: list[str] = []
    alts: list[str] = []
    frames: dict[str, list] = {}
    index_of: dict[str, dict] = {"file": {}, "status": {}, "alt": {}}
    problems: list[str] = []
    total_bytes = 0

    def intern(kind: str, table: list, value: str) -> int:
        if value not in index_of[kind]:
            index_of[kind][value] = len(table)
            table.append(value)
        return index_of[kind][value]

    with contextlib.ExitStack() as stack:
        for widget in _walk(explorer):
            stack.enter_context(widget.hold_sync())  # no message per frame: one state message at the end
        for setting in todo:
            apply_setting(explorer, steps, setting, clicks)
            for spec, index in zip(steps, setting):
                if spec.kind in ("range", "checkbox") and not spec.options:
                    actual = explorer.controls[spec.name].value
                    if actual == spec.values[index]:
                        continue
                    if isinstance(actual, float) and math.isclose(actual, spec.values[index], rel_tol=1e-9):
                        spec.values[index] = actual  # the explorer snaps to its own grid: keep its value
                    else:
                        problems.append(f"{spec.name}: set to {spec.values[index]!r}, the explorer moved it to {actual!r}")
            png = compress_frame(bytes(explorer.image.value))
            digest = hashlib.sha1(png).hexdigest()[:16] + ".png"
            if digest not in index_of["file"]:
                (folder / digest).write_bytes(png)
                total_bytes += len(png)
            shown = {s.label: s.labels[i] for s, i in zip(steps, setting)
                     if s.kind not in ("button", "static") and _shown(explorer.controls[s.name])}
            hidden = [j for j, s in enumerate(steps) if not _shown(explorer.controls[s.name])]
            disabled = [j for j, s in enumerate(steps) if getattr(explorer.controls[s.name], "disabled", False)]
            frames[",".join(map(str, setting))] = [
                intern("file", files, digest),
                intern("status", statuses, explorer.status.value or ""),
                intern("alt", alts, describe_figure(explorer.fig, shown)),
                hidden,
                disabled,
            ]
        # back to the first setting (buttons stay where they are: a click cannot be undone)
        apply_setting(explorer, steps, tuple(s.default if s.kind != "button" else clicks[i]
                                             for i, s in enumerate(steps)), clicks)
    origin = getattr(explorer, "origin", None)
    origin_file = None
    if origin is not None:
        try:
            (folder / "origin.pkl").write_bytes(pickle.dumps(origin))
            origin_file = f"{ident}/origin.pkl"
        except Exception as err:  # arguments that cannot be pickled: the test says so
            problems.append(f"origin not saved: {type(err).__name__}: {err}")
    width, height = explorer.size_px
    return {
        "id": ident,
        "model_id": explorer.model_id,
        "function": f"{origin.module}.{origin.name}" if origin is not None else type(explorer).__name__,
        "origin": origin_file,
        "size": [width, height],
        "mode": mode,
        "controls": [asdict(s) for s in steps],
        "frames": frames,
        "files": files,
        "statuses": statuses,
        "alts": alts,
        "frame_count": len(frames),
        "file_count": len(files),
        "bytes": total_bytes,
        "cpu_seconds": round(time.process_time() - start_cpu, 3),
        "wall_seconds": round(time.perf_counter() - start_wall, 3),
        "problems": problems,
    }


def _summary(widget: Any) -> dict[str, Any]:
    """A widget that is not an explorer (a progress bar, ...): what its static form on the site says."""
    import ipywidgets as widgets

    if isinstance(widget, (widgets.IntProgress, widgets.FloatProgress)):
        return {"kind": "progress", "description": widget.description, "value": widget.value, "max": widget.max}
    return {"kind": "widget", "type": type(widget).__name__, "description": getattr(widget, "description", "")}


def export_all(out_dir: str | Path) -> dict[str, Any]:
    """Export every explorer alive in this kernel, and a summary of every other top-level widget.

    Writes ``out_dir/manifest.json`` and one folder of frames per explorer. Prints nothing
    and raises nothing: what goes wrong is in the manifest's ``problems``.

    Parameters
    ----------
    out_dir : str or Path
        The export folder (made if needed).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"version": 1, "explorers": [], "widgets": {}, "problems": [], "log": ""}
    captured = io.StringIO()
    start_cpu = time.process_time()
    manifest["kernel_cpu_seconds_before"] = round(start_cpu, 3)  # this kernel's CPU to run the notebook
    with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            from ipywidgets.widgets.widget import _instances

            from gumbel_utils.viz import Explorer

            live = {key: w for key, w in _instances.items() if getattr(w, "comm", None) is not None}  # not closed
            children = {id(c) for w in live.values() for c in (getattr(w, "children", None) or ())}
            tops = [w for w in live.values() if id(w) not in children and getattr(w, "_view_name", None)
                    and type(w).__name__ not in ("Layout",) and not type(w).__name__.endswith("Style")]
            explorers = [w for w in tops if isinstance(w, Explorer)]
            for i, explorer in enumerate(explorers):
                try:
                    manifest["explorers"].append(export_explorer(explorer, out, f"e{i}"))
                except Exception:
                    manifest["problems"].append(f"explorer {explorer.model_id}: {traceback.format_exc()}")
            for key, widget in live.items():
                if widget in tops and not isinstance(widget, Explorer):
                    manifest["widgets"][key] = _summary(widget)
        except Exception:
            manifest["problems"].append(traceback.format_exc())
    manifest["log"] = captured.getvalue() + "".join(f"{w.category.__name__}: {w.message}\n" for w in caught)
    manifest["cpu_seconds"] = round(time.process_time() - start_cpu, 3)
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return manifest
