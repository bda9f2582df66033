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
from dataclasses import dataclass, field
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


def notebook_params(paths: Iterable[Path] | None = None) -> list:
    """One ``pytest.param`` per notebook (id: its stem) in the pytest-xdist group ``notebook-<stem>``.

    Parametrise every test that reads a notebook's outputs (:func:`executed_notebook`) with it:
    the tests of one notebook then run on the worker that executes it, and none waits for another.
    """
    import pytest

    return [pytest.param(p, id=p.stem, marks=pytest.mark.xdist_group(f"notebook-{p.stem}"))
            for p in (discover_notebooks() if paths is None else paths)]


def notebook_budget(path: Path) -> float:
    for prefix, budget in NOTEBOOK_BUDGET_S.items():
        if path.name.startswith(prefix):
            return budget
    return DEFAULT_NOTEBOOK_BUDGET_S


def budget_seconds(run: "NotebookRun") -> float:
    """The time a notebook's budget limits: its kernel's CPU time (the wall time where it is not measured).

    On an idle machine, Run All takes about its kernel's CPU time (``make bench`` reports the wall
    time there). In the test suite other jobs share the cores (``make test`` runs one worker more
    than there are cores), and the wall time says more about them than about the notebook: 03 took
    24 s of wall time for 15 s of CPU there. The kernel's CPU time is the same either way.
    """
    import math

    return run.kernel_cpu_s if math.isfinite(run.kernel_cpu_s) else run.seconds


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
    seconds: float  # wall clock of the notebook's cells, kernel start-up included
    kernel_cpu_s: float = float("nan")  # CPU time of the kernel process (less sensitive to other jobs' load)
    after_outputs: list[str] = field(default_factory=list)  # what the code run after the last cell printed
    after_seconds: float = 0.0  # wall clock of that code
    after_cpu_s: float = 0.0  # and the kernel's CPU time for it
    folder: Path | None = None  # what that code wrote (executed_run: the site's explorer frames)


#: Tag of the cell :func:`execute_notebook` appends for ``after=`` (removed again once it ran).
AFTER_TAG = "qa-after-last-cell"


def execute_notebook(path: Path, *, cell_timeout: int = 300, kernel_stderr: Any = None,
                     after: str | None = None) -> NotebookRun:
    """Execute a notebook top to bottom on a fresh ``python3`` kernel; errors are kept as outputs.

    The kernel runs in the notebook's directory with ``PYTHONWARNINGS=default``,
    so any warning shows up as a stderr stream. The time includes kernel start-up.
    ``kernel_stderr`` (a file or ``subprocess.DEVNULL``) receives the kernel
    process's own log lines (not the notebook's outputs); default: inherited.
    ``after``: code run in the same kernel after the last cell, as one more cell that is
    removed again (its outputs go to ``after_outputs``; its time is not in ``seconds``).
    Tests call :func:`executed_notebook` (or :func:`executed_run`) instead, which
    execute each notebook once and share the result.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    marks: dict[str, float] = {}
    if after is not None:
        cell = nbformat.v4.new_code_cell(after)
        cell.metadata["tags"] = [AFTER_TAG]
        nb.cells.append(cell)

    def before_cell(cell, cell_index, **_):  # the notebook's time and CPU end where the appended cell starts
        if AFTER_TAG in cell_tags(cell):
            marks["seconds"], marks["cpu"] = time.perf_counter() - start, _kernel_cpu_s(client)

    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=cell_timeout,
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_execute=before_cell if after is not None else None,
    )
    start, cpu = time.perf_counter(), _children_cpu_s()
    launch = {"env": kernel_env()}
    if kernel_stderr is not None:
        launch["stderr"] = kernel_stderr
    client.execute(**launch)
    seconds, kernel_cpu = time.perf_counter() - start, _children_cpu_s() - cpu
    after_outputs = []
    for cell in [c for c in nb.cells if AFTER_TAG in cell_tags(c)]:
        after_outputs += [o.get("evalue") or o.get("text") or str(o.get("data", o))[:500] for o in cell.outputs]
        nb.cells.remove(cell)
    after_seconds = after_cpu = 0.0
    if "seconds" in marks:
        seconds, after_seconds = marks["seconds"], seconds - marks["seconds"]
        if marks["cpu"] == marks["cpu"]:  # NaN: not measurable here, the total stays
            kernel_cpu, after_cpu = marks["cpu"], kernel_cpu - marks["cpu"]
    run = NotebookRun(nb=nb, seconds=seconds, kernel_cpu_s=kernel_cpu, after_outputs=after_outputs,
                      after_seconds=after_seconds, after_cpu_s=after_cpu)
    record_execution("nbclient", path, run.seconds, run.kernel_cpu_s)
    return run


def _kernel_cpu_s(client) -> float:
    """CPU time the running kernel has used so far (Linux ``/proc``); NaN elsewhere."""
    try:
        pid = client.km.provisioner.pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    except Exception:  # noqa: BLE001 - another platform or provisioner: the caller keeps its total
        return float("nan")


def _children_cpu_s() -> float:
    """CPU time of this process's finished children (the kernel, once shut down); NaN where unknown."""
    try:
        import resource
    except ImportError:  # Windows
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def record_execution(kind: str, path: Path | str, seconds: float, cpu_s: float = float("nan")) -> None:
    """Append one line to the file named by ``QA_EXECUTION_LOG`` (if set): a notebook was executed.

    ``kind``: ``nbclient`` (:func:`execute_notebook`), ``jupyterlab`` (a Run All in the
    browser tests), ... One JSON object a line, written by every xdist worker; count them
    with ``wc -l``. Nothing happens when the variable is not set.
    """
    log = os.environ.get("QA_EXECUTION_LOG")
    if not log:
        return
    import json

    line = json.dumps({"kind": kind, "notebook": Path(path).name, "path": str(path), "seconds": round(seconds, 2),
                       "cpu_s": round(cpu_s, 2), "worker": os.environ.get("PYTEST_XDIST_WORKER", "main")})
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def executed_run(path: Path, *, run: int = 0) -> NotebookRun:
    """``path`` executed top to bottom on a fresh kernel (:func:`execute_notebook`), once per content, shared.

    The first call for a given content executes the notebook and stores it under a key that
    hashes everything its outputs depend on (``tests/_executed.py``: the notebook's cells, the
    package's files, the notebook folder's data files, the Python, the installed versions, the
    kernel's configuration); every later call, in this process, another pytest-xdist worker or
    a later session, reads it back. Only clean runs (no error, within the budget) outlive their
    session. ``seconds`` and ``kernel_cpu_s`` are those of the run that produced the outputs.
    ``run=1`` is a second, independent execution of the same content (the determinism check).

    A notebook of the course (in :data:`NOTEBOOKS_DIR`, ``run=0``) is followed in the same kernel
    by the site's frames export when ``tools/build_site.py`` has one (``export_code(folder)``),
    so that the site build needs no execution of its own: the frames are in ``folder``, what the
    export printed (nothing, when all went well) in ``after_outputs``. The notebook's outputs,
    ``seconds`` and ``kernel_cpu_s`` are those of its own cells.
    """
    import _executed

    path = Path(path).resolve()
    hook = _site_export(path) if run == 0 else None
    salt = "\n".join([inspect.getsource(execute_notebook), inspect.getsource(_kernel_cpu_s),
                      inspect.getsource(kernel_env), hook[1] if hook else "no hook"])

    def execute(p: Path, folder: Path | None) -> NotebookRun:
        return execute_notebook(p, after=hook[0](folder) if hook and folder else None)

    nb, record = _executed.cached_run(path, execute=execute, env=kernel_env(), salt=salt, ok=_reusable, run=run,
                                      folder=hook is not None)
    return NotebookRun(nb=nb, seconds=record["seconds"], kernel_cpu_s=record.get("kernel_cpu_s", float("nan")),
                       after_outputs=record.get("after_outputs", []), after_seconds=record.get("after_seconds", 0.0),
                       after_cpu_s=record.get("after_cpu_s", 0.0),
                       folder=Path(record["folder"]) if record.get("folder") else None)


def _site_export(path: Path):
    """``(export_code, digest of the files it runs)`` of ``tools/build_site.py`` for a course notebook, else None."""
    tools = ROOT / "tools"
    if path.parent != NOTEBOOKS_DIR.resolve() or "def export_code(" not in _read(tools / "build_site.py"):
        return None
    import _executed

    try:
        import build_site  # tools/ is on the tests' path (pyproject.toml: pythonpath)
    except Exception:  # noqa: BLE001 - a broken builder fails the site tests, not every notebook gate
        return None
    return build_site.export_code, _executed.file_digest(tools / "build_site.py", *sorted(tools.glob("site_*.py")))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def executed_notebook(path: Path):
    """The notebook at ``path`` with the outputs of one top-to-bottom run on a fresh ``python3`` kernel.

    Shared by every test that needs a notebook's outputs (see :func:`executed_run`); a new copy
    on each call, so a caller may change it. Errors and stderr streams are kept as outputs
    (:func:`problem_outputs` lists them); the widget state is in ``metadata.widgets``.
    """
    return executed_run(path).nb


def cell_tags(cell) -> list[str]:
    """A notebook cell's tags (``metadata.tags``; none: an empty list)."""
    return cell.get("metadata", {}).get("tags", [])


def has_student_version(path: Path) -> bool:
    """``NN_name.ipynb``: a course notebook with exercises, whose student version (`make student`) the tests run."""
    return re.match(r"\d{2}_", Path(path).name) is not None


def student_notebook(path: Path) -> Path:
    """The student version of ``path`` (``tools/make_student.py``), written under the executed-notebook store.

    Its file name is the notebook's; its folder, ``student/`` of the store, holds nothing else, as
    ``make student``'s does. Pass it to :func:`executed_run` to execute it once, shared.
    """
    import nbformat

    import _executed
    import make_student  # tools/ is on the tests' path (pyproject.toml: pythonpath)

    folder = _executed.CACHE_DIR / "student"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(path).name
    text = nbformat.writes(make_student.strip_solutions(nbformat.read(path, as_version=4)))
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)  # atomic: another worker may write the same text at the same time
    return target


def shared_cells(full, student) -> list[tuple[int, int]]:
    """(index in ``full``, index in ``student``) of every cell the student version keeps from the notebook.

    ``make_student`` keeps every cell not tagged ``solution``, in order, and adds prompt cells
    tagged ``placeholder``; ``tests/test_notebooks.py`` checks that the kept sources are the same.
    """
    kept = [i for i, c in enumerate(full.cells) if "solution" not in cell_tags(c)]
    own = [j for j, c in enumerate(student.cells) if "placeholder" not in cell_tags(c)]
    if [full.cells[i].source for i in kept] != [student.cells[j].source for j in own]:
        raise ValueError("the student version does not keep the notebook's non-solution cells in order")
    return list(zip(kept, own))


def _reusable(path: Path, run: NotebookRun) -> bool:
    """A run later sessions may reuse: no error or warning, within the notebook's budget, a silent export."""
    return not problem_outputs(run.nb) and budget_seconds(run) < notebook_budget(path) and not run.after_outputs


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
        if cell.cell_type != "code" or "nondeterministic" in cell_tags(cell):
            continue
        outputs = cell.get("outputs", [])
        stdout = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stdout")
        if stdout:
            texts.append((index, "stdout", stdout))
        for out in outputs:
            if out.get("output_type") in ("execute_result", "display_data") and "text/plain" in out.get("data", {}):
                texts.append((index, "text/plain", out["data"]["text/plain"]))
    return texts


def text_outputs_by_cell(nb) -> dict[int, list[tuple[str, str]]]:
    """:func:`text_outputs` by cell index: ``{index: [(kind, text), ...]}``."""
    by_cell: dict[int, list[tuple[str, str]]] = {}
    for index, kind, text in text_outputs(nb):
        by_cell.setdefault(index, []).append((kind, text))
    return by_cell


def student_run_problems(nb) -> list[str]:
    """What the run of a student version must not show: an error or warning, or a self-check that has an answer.

    Each unsolved exercise's self-check cell (tag ``self-check``) says "✗ Exercise ... no answer yet".
    """
    problems = problem_outputs(nb)
    checks = [(i, c) for i, c in enumerate(nb.cells) if "self-check" in cell_tags(c)]
    if not checks:
        problems.append("no self-check cell")
    for index, cell in checks:
        text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))
        if not (text.startswith("✗ Exercise") and "no answer yet" in text):
            problems.append(f"cell {index}: the self-check says {text[:200]!r}, not '✗ Exercise ... no answer yet'")
    return problems


def student_pairs(full, student) -> list[tuple[int, int]]:
    """:func:`shared_cells` without the self-checks (they answer differently by design): the cells to compare."""
    return [(i, j) for i, j in shared_cells(full, student) if "self-check" not in cell_tags(full.cells[i])]


def text_differences(first, second, pairs, what: tuple[str, str] = ("run 1", "run 2")) -> list[str]:
    """Where the cells ``pairs`` = [(index in first, index in second)] print different text (:func:`text_outputs`).

    One message per differing cell, naming the two runs ``what`` and showing both texts.
    """
    a, b = text_outputs_by_cell(first), text_outputs_by_cell(second)
    found = []
    for i, j in pairs:
        text1, text2 = a.get(i, []), b.get(j, [])
        if text1 == text2:
            continue
        if [k for k, _ in text1] != [k for k, _ in text2]:
            found.append(f"cell {i} shows {[k for k, _ in text1]} in {what[0]} but {[k for k, _ in text2]} in {what[1]}")
            continue
        for (kind, t1), (_, t2) in zip(text1, text2):
            if t1 != t2:
                hint = " (it prints a memory address: end the line with ';' or assign the result)" if has_memory_address(
                    t1) else ""
                found.append(f"cell {i} {kind} differs between {what[0]} and {what[1]}{hint}:\n"
                             f"--- {what[0]}\n{t1[:800]}\n--- {what[1]}\n{t2[:800]}")
    return found


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
    evenly spaced exponents; a selection slider, such as the log-tau slider: ``n`` of
    its options evenly spaced by position, both ends included); other selections
    (dropdowns, toggle buttons): every option (``n`` ignored); toggles: both states.
    Consecutive values always differ, so each assignment triggers a redraw. Buttons
    and unknown widgets give an empty list.
    """
    import numpy as np

    kind = control_kind(control)
    if kind == "selection":
        values = list(getattr(control, "_options_values", control.options))
        if is_slider(control) and len(values) > n:
            values = [values[int(round(i))] for i in np.linspace(0, len(values) - 1, n)]
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
