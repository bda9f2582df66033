"""The frames of the site's live explorers (``tools/site_frames.py``) and the export that runs after a notebook.

Fast tests: each kind of ipywidgets control gives the steps the site shows (read from its
generic properties: a log slider's readout is τ, not its exponent), long sliders keep their
first setting and both ends, the grid/one-at-a-time rule and the order of settings (a button's
clicks only go forward), the compression is deterministic, every ``explore_*`` records its
call, and an export of a small explorer writes one frame per setting with the status line and
alt text of that setting, then leaves the explorer at its first setting without sending one
widget message per frame. A kernel test: a notebook run with the export cell has exactly the
outputs of a plain run (model ids aside), and the export finds the explorer it displayed.
"""

from __future__ import annotations

import importlib.util
import inspect
import io
import json
import sys
from pathlib import Path

import ipywidgets as widgets
import nbformat
import pytest
from PIL import Image

import _qa

import gumbel_utils.viz as viz


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, _qa.ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return sys.modules[name]


site_frames = _load("site_frames")


# ----------------------------------------------------------------------------- steps of each control kind


def test_log_slider_reads_tau_not_its_exponent():
    control = widgets.FloatLogSlider(value=0.03, base=10, min=-2, max=1, step=0.01, description=r"$\tau$")
    steps = site_frames.control_steps("tau", control)
    assert steps.kind == "range" and steps.label == "τ"
    assert steps.values[steps.default] == 0.03 and steps.labels[steps.default] == "0.03"
    assert steps.labels[0] == "0.01" and steps.labels[-1] == "10"
    assert len(steps.values) <= site_frames.MAX_STEPS + 2 and steps.all_steps == 302  # 0.03 is off the 0.01 grid


def test_long_slider_keeps_first_setting_ends_and_a_regular_stride():
    control = widgets.FloatSlider(value=1.0, min=-4, max=4, step=0.1)
    steps = site_frames.control_steps("x0", control, cap=21)
    values = steps.values
    assert values[0] == -4.0 and values[-1] == 4.0 and values[steps.default] == 1.0
    inner = values[1:-1]
    gaps = {round(b - a, 9) for a, b in zip(inner, inner[1:])}
    assert gaps == {0.4} and len(values) <= 23
    assert steps.labels[steps.default] == "1.00"  # FloatSlider's readout_format .2f


def test_int_slider_selection_slider_dropdown_toggles_checkbox_button():
    kinds = {
        "n": (widgets.IntSlider(value=3, min=0, max=30, step=3), "range", 11, "3"),
        "batch": (widgets.SelectionSlider(options=[1, 3, 10, 30], value=10), "range", 4, "10"),
        "f": (widgets.Dropdown(options=[("linear f", "linear"), ("cubic f", "cubic")], value="cubic"), "select", 2,
              "cubic f"),
        "K": (widgets.ToggleButtons(options=[3, 4, 5], value=4), "radio", 3, "4"),
        "show": (widgets.Checkbox(value=True), "checkbox", 2, "on"),
        "new noise": (widgets.Button(description="new noise"), "button", site_frames.BUTTON_STATES, "draw 1 of 4"),
    }
    for name, (control, kind, count, label) in kinds.items():
        steps = site_frames.control_steps(name, control)
        assert (steps.kind, len(steps.values), steps.labels[steps.default]) == (kind, count, label), name
    assert site_frames.control_steps("f", kinds["f"][0]).options  # set by index


def test_grid_when_small_else_one_control_at_a_time_buttons_last():
    small = [site_frames.ControlSteps("a", "range", "a", "a", values=[0, 1, 2], default=1),
             site_frames.ControlSteps("b", "select", "b", "b", values=[0, 1], default=0)]
    mode, todo = site_frames.settings(small)
    assert mode == "grid" and sorted(todo) == sorted((i, j) for i in range(3) for j in range(2))
    big = [site_frames.ControlSteps("x", "range", "x", "x", values=list(range(61)), default=20),
           site_frames.ControlSteps("go", "button", "go", "go", values=[0, 1, 2, 3], default=0),
           site_frames.ControlSteps("y", "range", "y", "y", values=list(range(31)), default=0)]
    mode, todo = site_frames.settings(big)
    assert mode == "one at a time" and todo[0] == (20, 0, 0) and len(todo) == 1 + 60 + 3 + 30
    assert all(sum(a != b for a, b in zip(s, todo[0])) == 1 for s in todo[1:])
    assert [s[1] for s in todo if s[1]] == [1, 2, 3] and todo[-3:] == [(20, 1, 0), (20, 2, 0), (20, 3, 0)]


def test_compression_is_deterministic_and_close():
    from gumbel_utils.viz.binary_concrete import explore_binary_concrete

    png = bytes(explore_binary_concrete().image.value)
    once, again = site_frames.compress_frame(png), site_frames.compress_frame(png)
    assert once == again and len(once) < len(png) / 1.5
    with Image.open(io.BytesIO(png)) as a, Image.open(io.BytesIO(once)) as b:
        a, b = a.convert("RGB"), b.convert("RGB")
    import numpy as np

    diff = np.abs(np.asarray(a, dtype=int) - np.asarray(b, dtype=int)).max(axis=2)
    assert (diff > 8).mean() < 0.02  # palette rounding, not a different figure


def test_every_explorer_builder_records_its_call():
    import importlib

    specs = _qa.discover_explorers()
    assert specs
    for spec in specs:
        function = getattr(importlib.import_module(spec.module), spec.name)
        assert getattr(function, "__wrapped__", None) is not None, \
            f"{spec.module}.{spec.name} lacks @records_call (the site test builds it again from explorer.origin)"


# ----------------------------------------------------------------------------- export of one explorer


def _small_explorer():
    """Two controls and a button: a log slider of 7 steps and a dropdown (grid: 7 x 2 x 4 = 56 settings)."""
    fig, ax = viz.new_figure(figsize=(4, 3))
    (line,) = ax.plot([0, 1], [0, 1])
    ax.set(title="demo", xlabel="x", ylabel="y", xlim=(0, 1), ylim=(0, 2))
    noise = {"draw": 0}
    controls = {
        "tau": widgets.FloatLogSlider(value=0.1, base=10, min=-2, max=1, step=0.5, description=r"$\tau$"),
        "shape": widgets.Dropdown(options=["flat", "steep"], value="flat", description="shape"),
        "new noise": widgets.Button(description="new noise"),
    }

    def update(tau, shape):
        slope = 2 * tau / 10 if shape == "steep" else tau / 10
        line.set_ydata([noise["draw"] / 10, noise["draw"] / 10 + slope])
        return f"τ = {tau:.3g}, {shape}, draw {noise['draw']}"

    def click():
        noise["draw"] += 1

    return viz.Explorer(fig, controls, update, on_click={"new noise": click})


class _Comm:
    def __init__(self):
        self.sent = 0
        self.kernel = object()
        self.comm_id = "test-comm"

    def send(self, *args, **kwargs):
        self.sent += 1

    def on_msg(self, *args):
        pass

    def close(self, *args, **kwargs):
        pass


@pytest.mark.slow
def test_export_one_frame_per_setting_with_status_alt_and_no_message_per_frame(tmp_path):
    explorer = _small_explorer()
    comm = _Comm()
    parts = list(site_frames._walk(explorer))
    saved = [widget.comm for widget in parts]
    for widget in parts:
        widget.comm = comm
    try:
        entry = site_frames.export_explorer(explorer, tmp_path, "e0")
    finally:
        for widget, original in zip(parts, saved):
            widget.comm = original
    assert entry["mode"] == "grid" and entry["frame_count"] == 7 * 2 * 4 and not entry["problems"]
    assert comm.sent <= len(parts)  # one state message per widget at most, not one per frame
    assert explorer.controls["tau"].value == 0.1 and explorer.controls["shape"].value == "flat"
    key = lambda t, s, b: f"{t},{s},{b}"  # noqa: E731
    tau = entry["controls"][0]
    first = entry["frames"][key(tau["default"], 0, 0)]
    assert entry["statuses"][first[1]] == "τ = 0.1, flat, draw 0"
    assert "Settings: τ = 0.1, shape = flat." in entry["alts"][first[2]]
    steep_third = entry["frames"][key(tau["values"].index(1.0), 1, 2)]
    assert entry["statuses"][steep_third[1]] == "τ = 1, steep, draw 2"
    files = {p.name for p in (tmp_path / "e0").glob("*.png")}
    assert files == set(entry["files"]) and len(files) == 56  # every frame differs here
    with Image.open(tmp_path / "e0" / entry["files"][first[0]]) as frame:
        assert frame.mode == "P" and frame.size == tuple(entry["size"])
    assert entry["origin"] is None  # built by hand, not by an explore_* function


@pytest.mark.slow
def test_export_all_writes_a_manifest_and_prints_nothing(tmp_path, capsys):
    widgets.Widget.close_all()  # export_all exports every live explorer of the process: only ours
    explorer = _small_explorer()
    manifest = site_frames.export_all(tmp_path)
    assert capsys.readouterr() == ("", "")
    ours = [e for e in manifest["explorers"] if e["model_id"] == explorer.model_id]
    assert len(ours) == 1 and not manifest["problems"]
    assert json.loads((tmp_path / site_frames.MANIFEST).read_text())["explorers"][0]["id"].startswith("e")


# ----------------------------------------------------------------------------- in a kernel: no output added


def _normalised(nb) -> list:
    cells = []
    for cell in nb.cells:
        outs = []
        for out in cell.get("outputs", []):
            out = json.loads(json.dumps(out))
            data = out.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                data["application/vnd.jupyter.widget-view+json"]["model_id"] = "<id>"
                data["text/plain"] = "<widget>"
            outs.append(out)
        cells.append(outs)
    return cells


@pytest.mark.slow
def test_export_cell_changes_no_output_of_the_notebook(tmp_path):
    from nbclient import NotebookClient

    build_site = _load("build_site")
    source = (
        "import numpy as np\n"
        "from gumbel_utils.viz.relaxation_path import explore_relaxation_path\n"
        "print('before', np.round(np.log([0.2, 0.3, 0.5]), 3))\n"
        "explorer = explore_relaxation_path(np.log([0.2, 0.3, 0.5]), tau=1.0, seed=0)\n"
        "explorer.controls['seed'].max = 2  # a small explorer: the full grid, 31 temperatures x 3 seeds\n"
        "display(explorer)"
    )
    runs = []
    for with_export in (False, True):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source), nbformat.v4.new_code_cell("print(1)")])
        if with_export:
            nb.cells.append(build_site.export_cell(tmp_path / "frames"))
        NotebookClient(nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(tmp_path)}}).execute(
            env=_qa.kernel_env())
        if with_export:
            assert build_site.pop_export_cell(nb) == []
        runs.append(nb)
    plain, exported = runs
    assert _normalised(plain) == _normalised(exported)
    manifest = build_site.read_manifest(tmp_path / "frames")
    shown = [o["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] for o in exported.cells[0].outputs
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert [e["model_id"] for e in manifest["explorers"]] == shown
    assert manifest["explorers"][0]["frame_count"] == 31 * 3 and manifest["log"] == ""
