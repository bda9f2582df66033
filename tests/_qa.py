"""Shared helpers of the quality gates: find the notebooks and explorers, drive controls, run notebooks.

Used by ``tests/test_notebooks.py``, ``tests/test_explorers_generic.py``,
``tests/test_browser.py`` and ``benchmarks/bench_widgets.py`` (which puts this
directory on ``sys.path``). Everything is discovered, nothing is listed by hand,
so a notebook or an explorer that lands later is covered without editing a test.

Conventions relied on (see CONTRIBUTING.md):

* every ``explore_*`` function defined in a module of ``gumbel_utils.viz`` works
  with no arguments and returns a :class:`gumbel_utils.viz.Explorer`;
* an explorer whose redraw recomputes a whole sweep (notebook 3) declares it, so that
  it gets the 1 s budget instead of 30 ms, with ``Explorer(..., live_recompute=...)``:
  True, a set of control names or ``{name: limit}``; the gates read
  ``explorer.is_live_recompute(name, value)`` (no function attributes).

Two environment variables help develop the gates against throwaway material:
``QA_NOTEBOOKS_DIR`` replaces ``notebooks/``, and ``QA_EXTRA_EXPLORER_MODULES``
(comma-separated importable module names) adds explorer modules.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = Path(os.environ.get("QA_NOTEBOOKS_DIR") or ROOT / "notebooks")
ARTIFACTS_DIR = ROOT / "test-artifacts"

#: Redraw budget (seconds, p95) of ordinary controls and of live-recompute views. 30 ms here
#: keeps a slower student laptop under 50 ms.
REDRAW_BUDGET_S = 0.030
LIVE_RECOMPUTE_BUDGET_S = 1.0
#: Run time budget (seconds) of one notebook on a fresh kernel, by file name prefix.
NOTEBOOK_BUDGET_S = {"03_": 30.0, "04_": 60.0, "05_": 120.0, "06_": 120.0, "07_": 30.0}  # 05 and 06 train small VAEs from scratch
DEFAULT_NOTEBOOK_BUDGET_S = 20.0
#: Modules of gumbel_utils.viz that hold infrastructure, not topics.
_INFRASTRUCTURE = {"explorer", "style", "controls"}


# --------------------------------------------------------------------------- notebooks


def discover_notebooks() -> list[Path]:
    """Every ``*.ipynb`` of the notebooks directory, sorted (checkpoints excluded)."""
    return sorted(p for p in NOTEBOOKS_DIR.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def notebook_budget(path: Path) -> float:
    for prefix, budget in NOTEBOOK_BUDGET_S.items():
        if path.name.startswith(prefix):
            return budget
    return DEFAULT_NOTEBOOK_BUDGET_S


def kernel_env(**extra: str) -> dict[str, str]:
    """Environment for a notebook kernel: the caller's, warnings printed, no forced Matplotlib backend.

    The test session sets ``MPLBACKEND=Agg`` for itself; a kernel must not inherit
    it (the notebook would lose its inline figures and ``plt.show()`` would warn).
    """
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    env["PYTHONWARNINGS"] = "default"
    env.update(extra)
    return env


@dataclass
class NotebookRun:
    nb: Any  # nbformat.NotebookNode with outputs
    seconds: float


def execute_notebook(path: Path, *, cell_timeout: int = 300, kernel_stderr: Any = None) -> NotebookRun:
    """Execute a notebook top to bottom on a fresh ``python3`` kernel; errors are kept as outputs.

    The kernel runs in the notebook's directory with ``PYTHONWARNINGS=default``,
    so any warning shows up as a stderr stream. The time includes kernel start-up.
    ``kernel_stderr`` (a file or ``subprocess.DEVNULL``) receives the kernel
    process's own log lines (not the notebook's outputs); default: inherited.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=cell_timeout,
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    launch = {"env": kernel_env()}
    if kernel_stderr is not None:
        launch["stderr"] = kernel_stderr
    client.execute(**launch)
    return NotebookRun(nb=nb, seconds=time.perf_counter() - start)


_EXECUTED: dict[Path, Any] = {}


def executed_notebook(path: Path):
    """The notebook at ``path`` executed top to bottom on a fresh kernel, once per test process.

    A small in-process memo around :func:`execute_notebook`: tests that only read an
    executed notebook's outputs (``tests/test_prose_numbers.py``) share one run.

    Parameters
    ----------
    path : Path
        A notebook file.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook, outputs included (errors are kept as outputs).
    """
    key = Path(path).resolve()
    if key not in _EXECUTED:
        _EXECUTED[key] = execute_notebook(key).nb
    return _EXECUTED[key]


def problem_outputs(nb) -> list[str]:
    """Human-readable list of error outputs and stderr streams (warnings) in an executed notebook."""
    problems = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"cell {index}: {out.get('ename')}: {out.get('evalue')}")
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"cell {index}: stderr: {out.get('text', '').strip()[:500]}")
    return problems


_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def text_outputs(nb) -> list[tuple[int, str, str]]:
    """The text a learner reads, by cell: all stdout of the cell joined, then each ``text/plain`` result.

    Joining stdout makes the comparison blind to how the kernel happened to split
    the stream into messages. Images and widget model ids are ignored. Cells
    tagged ``nondeterministic`` (e.g. a printed wall-clock time) are left out.
    """
    texts = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "nondeterministic" in cell.get("metadata", {}).get("tags", []):
            continue
        outputs = cell.get("outputs", [])
        stdout = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stdout")
        if stdout:
            texts.append((index, "stdout", stdout))
        for out in outputs:
            if out.get("output_type") in ("execute_result", "display_data") and "text/plain" in out.get("data", {}):
                texts.append((index, "text/plain", out["data"]["text/plain"]))
    return texts


# --------------------------------------------------------------------------- explorers


@dataclass(frozen=True)
class ExplorerSpec:
    """One discovered ``explore_*`` builder."""

    module: str
    name: str

    @property
    def id(self) -> str:
        return f"{self.module.rsplit('.', 1)[-1]}.{self.name}"

    def builder(self) -> Callable[[], Any]:
        return getattr(importlib.import_module(self.module), self.name)

    def build(self):
        return self.builder()()


def explorer_modules() -> list[str]:
    """Topic modules of ``gumbel_utils.viz`` (plus ``QA_EXTRA_EXPLORER_MODULES``)."""
    import gumbel_utils.viz as viz

    names = [
        f"{viz.__name__}.{info.name}"
        for info in pkgutil.iter_modules(viz.__path__)
        if not info.name.startswith("_") and info.name not in _INFRASTRUCTURE
    ]
    extra = [m.strip() for m in os.environ.get("QA_EXTRA_EXPLORER_MODULES", "").split(",") if m.strip()]
    return sorted(names) + extra


def discover_explorers(*, strict: bool = True):
    """Every public ``explore_*`` function defined (not just imported) in an explorer module.

    With ``strict=False`` (the benchmark) a module that fails to import is skipped and
    returned with its error: ``(specs, {module: exception})``.
    """
    specs, broken = [], {}
    for module_name in explorer_modules():
        try:
            module = importlib.import_module(module_name)
        except Exception as err:  # noqa: BLE001 - reported to the caller
            if strict:
                raise
            broken[module_name] = err
            continue
        for name, obj in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("explore_") and obj.__module__ == module.__name__:
                specs.append(ExplorerSpec(module_name, name))
    return specs if strict else (specs, broken)


def control_kind(control) -> str:
    """'button', 'toggle', 'selection', 'log-slider', 'int', 'float' or 'other'."""
    import ipywidgets as w

    if isinstance(control, w.Button):
        return "button"
    if isinstance(control, (w.Checkbox, w.ToggleButton)):
        return "toggle"
    if isinstance(control, w.widgets.widget_selection._Selection):
        return "selection"
    if isinstance(control, w.widgets.widget_float._BoundedLogFloat):
        return "log-slider"
    if isinstance(control, w.widgets.widget_int._BoundedInt):
        return "int"
    if isinstance(control, w.widgets.widget_float._BoundedFloat):
        return "float"
    return "other"


def is_slider(control) -> bool:
    return control_kind(control) in ("log-slider", "int", "float") or (
        control_kind(control) == "selection" and "Slider" in type(control).__name__
    )


def control_values(control, n: int = 5) -> list[Any]:
    """Up to ``n`` distinct values spread over a control's range, none equal to its current value first.

    Sliders: evenly spaced over ``[min, max]`` snapped to ``step`` (log sliders:
    evenly spaced exponents); selections: every option (``n`` ignored); toggles:
    both states. Consecutive values always differ, so each assignment triggers a
    redraw. Buttons and unknown widgets give an empty list.
    """
    import numpy as np

    kind = control_kind(control)
    if kind == "selection":
        values = list(getattr(control, "_options_values", control.options))
    elif kind == "toggle":
        values = [not control.value, control.value]
    elif kind == "log-slider":
        exponents = np.linspace(control.min, control.max, n)
        if control.step:  # the exponents a learner can reach with the slider
            exponents = [min(control.min + round((e - control.min) / control.step) * control.step, control.max)
                         for e in exponents]
        values = [float(control.base ** round(float(e), 10)) for e in exponents]
    elif kind == "int":
        step = control.step or 1
        raw = np.linspace(control.min, control.max, n)
        values = [int(control.min + round((v - control.min) / step) * step) for v in raw]
        values = [min(max(v, control.min), control.max) for v in values]
    elif kind == "float":
        step = control.step
        raw = np.linspace(control.min, control.max, n)
        if step:
            raw = [control.min + round((v - control.min) / step) * step for v in raw]
        values = [round(float(min(max(v, control.min), control.max)), 10) for v in raw]
    else:
        return []
    distinct: list[Any] = []
    for v in values:
        if not any(_same(v, d) for d in distinct):
            distinct.append(v)
    # Start with a value different from the current one, so the first assignment redraws.
    if distinct and _same(distinct[0], control.value) and len(distinct) > 1:
        distinct = distinct[1:] + distinct[:1]
    return distinct


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return abs(float(a) - float(b)) <= 1e-12 * max(1.0, abs(float(a)), abs(float(b)))
        except (TypeError, ValueError):
            return False
    try:
        return bool(a == b)
    except Exception:  # arrays or odd option values
        return a is b


def move(control, value=None) -> None:
    """Set a value control (or click a button): one redraw of its explorer."""
    if control_kind(control) == "button":
        control.click()
    else:
        control.value = value


def drive_sequence(explorer, n_values: int = 5) -> Iterable[tuple[str, Any]]:
    """(control name, value) pairs moving every control through its values, round-robin, forever."""
    per_control = {
        name: control_values(c, n_values) or [None]
        for name, c in explorer.controls.items()
        if control_kind(c) != "other"
    }
    per_control = {k: v for k, v in per_control.items() if v}
    counters = {name: 0 for name in per_control}
    while per_control:
        for name, values in per_control.items():
            value = values[counters[name] % len(values)]
            counters[name] += 1
            yield name, value


# --------------------------------------------------------------------------- memory


def rss_bytes() -> int:
    """Resident set size of this process now (Linux /proc), else the peak RSS (macOS, BSD), else psutil."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        import psutil  # not a requirement: only needed where neither /proc nor resource exists

        return int(psutil.Process().memory_info().rss)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def percentile(values: list[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else float("nan")


_HEX = re.compile(r"0x[0-9a-fA-F]{6,}")


def has_memory_address(text: str) -> bool:
    """True when a text output shows an object's address (e.g. ``<Line2D at 0x7f...>``): noise for learners."""
    return bool(_HEX.search(text))
