"""A throwaway JupyterLab server for the browser tests, and what they do in its page.

The server: free port, random token, no network, always shut down.

The server runs from this virtual environment on 127.0.0.1, serves a temporary
copy of the notebooks (so autosave never writes outputs into the repository),
and keeps its config, runtime files, user settings and workspaces in a
temporary directory. The user settings switch off what would reach the
network (news, update checks) and notebook windowing (every cell stays in the
DOM, so the test sees every output). The page: :func:`open_notebook`, :func:`open_in_app`,
:func:`open_document` and :func:`run_all` (Run > Run All Cells), with the JavaScript predicates they wait on
(``KERNEL_IDLE_JS``, ``ALL_RUN_JS``), :func:`notebook_model` (the notebook and its outputs as
the page holds them) and :func:`hidden_solution_problems` (worked solutions a learner would see
unasked after Run All), shared by ``tests/test_browser.py`` and ``tests/test_lab_workflow.py``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

#: User settings for the test server, by plugin id.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Light"},
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: What ``make lab`` installs as JupyterLab's defaults (``tools/jupyterlab/overrides.json``: no news, code and
#: printed outputs at 15 px); the test server uses it too, so the browser tests see what a class sees.
LAB_OVERRIDES = Path(__file__).resolve().parents[1] / "tools" / "jupyterlab" / "overrides.json"


def _write_settings(settings_dir: Path) -> None:
    settings = json.loads(LAB_OVERRIDES.read_text()) if LAB_OVERRIDES.exists() else {}
    for plugin, values in LAB_SETTINGS.items():
        settings[plugin] = {**settings.get(plugin, {}), **values}
    for plugin, values in settings.items():
        package, name = plugin.rsplit(":", 1)
        path = settings_dir / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


class JupyterLab:
    """``with JupyterLab(notebooks_dir, workdir) as lab: lab.url("01_x.ipynb")``."""

    def __init__(self, notebooks_dir: Path, workdir: Path, *, start_timeout: float = 90.0) -> None:
        self.workdir = Path(workdir)
        self.root = self.workdir / "notebooks"
        shutil.copytree(notebooks_dir, self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        self.token = secrets.token_hex(16)
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.log_path = self.workdir / "jupyterlab.log"

    # -- lifecycle

    def start(self) -> "JupyterLab":
        home = self.workdir / "home"
        settings, workspaces = home / "lab-settings", home / "lab-workspaces"
        _write_settings(settings)
        workspaces.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)  # the kernel must show inline figures as a learner sees them
        env.update(
            PYTHONWARNINGS="default",
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            JUPYTERLAB_WORKSPACES_DIR=str(workspaces),
        )
        jupyter = Path(sys.executable).with_name("jupyter")
        last_error = ""
        for _attempt in range(3):  # the free port may be taken between choosing and binding it
            self.port = free_port()
            args = [
                str(jupyter), "lab",
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}",
                "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.expose_app_in_browser=True",
            ]
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                args.append("--allow-root")
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.root, start_new_session=True
            )
            log.close()
            if self._wait_ready():
                return self
            last_error = self.log_tail()
            self.stop()
        raise RuntimeError(f"JupyterLab did not start:\n{last_error}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + self.start_timeout
        url = f"{self.base_url}/api/status?token={self.token}"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return True
            except OSError:
                pass
            time.sleep(0.3)
        return False

    def stop(self) -> None:
        """Stop the server and its kernels (its own process group), politely then firmly."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # the group this class started (server and kernels)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def __enter__(self) -> "JupyterLab":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def shutdown_kernels(self) -> None:
        """Shut down every kernel of the server (between notebooks: two cores are few)."""
        if self.proc is None:
            return
        try:
            with urllib.request.urlopen(f"{self.base_url}/api/kernels?token={self.token}", timeout=10) as response:
                kernels = json.load(response)
            for kernel in kernels:
                request = urllib.request.Request(
                    f"{self.base_url}/api/kernels/{kernel['id']}?token={self.token}", method="DELETE"
                )
                urllib.request.urlopen(request, timeout=30).close()
        except OSError:
            pass  # the server is going away anyway; stop() ends the kernels with it

    # -- addresses and logs

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, name: str) -> str:
        return f"{self.base_url}/lab/tree/{name}?reset&token={self.token}"

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


# --------------------------------------------------------------------------- in the page (Playwright)

#: The current notebook panel has a kernel, and it is idle.
KERNEL_IDLE_JS = """() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext) return false;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  return true;
}"""

#: Every non-empty code cell of the current notebook ran (an execution count, none running, no '[*]' prompt)
#: and the kernel is idle.
ALL_RUN_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  for (const cell of panel.content.widgets) {
    const m = cell.model;
    if (m.type !== 'code' || m.sharedModel.getSource().trim() === '') continue;
    if (m.executionCount === null || m.executionState === 'running') return false;
  }
  return document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt').length > 0 &&
    ![...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].some(p => p.textContent.includes('*'));
}"""


def open_notebook(page, lab: JupyterLab, relative: str, *, timeout_ms: int = 90_000) -> None:
    """Open ``relative`` (a path under the server's root) and wait until its kernel is idle."""
    page.goto(lab.notebook_url(relative))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout_ms)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=timeout_ms, polling=250)


#: Open a document in the JupyterLab already loaded in the page, as its file browser does (``docmanager:open``).
_OPEN_JS = "(path) => window.jupyterapp.commands.execute('docmanager:open', {path}).then(() => true)"
#: The current widget is the document at ``path``.
_CURRENT_IS_JS = "(path) => { const p = window.jupyterapp.shell.currentWidget; return !!p && !!p.context && p.context.path === path; }"
#: Close the current tab (a saved notebook closes without a dialog).
CLOSE_CURRENT_JS = "() => window.jupyterapp.commands.execute('application:close').then(() => true)"
#: Close the current tab without saving it: its changes (the outputs of a run) are dropped, so no dialog asks.
DISCARD_CURRENT_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (panel && panel.context) panel.context.model.dirty = false;
  return window.jupyterapp.commands.execute('application:close').then(() => true);
}"""


def open_in_app(page, relative: str, *, timeout_ms: int = 90_000) -> None:
    """Open ``relative`` in the JupyterLab the page has loaded (no page load: about 3 s less a notebook than
    :func:`open_notebook`) and wait until it is the current tab and its kernel is idle."""
    page.evaluate(_OPEN_JS, relative)
    page.wait_for_function(_CURRENT_IS_JS, arg=relative, timeout=timeout_ms, polling=100)
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell", timeout=timeout_ms)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=timeout_ms, polling=250)


def open_document(page, lab: JupyterLab, relative: str, *, loaded: bool, timeout_ms: int = 90_000) -> None:
    """Open ``relative`` as a lecturer does: by its URL when the page holds no JupyterLab yet
    (:func:`open_notebook`), else in the JupyterLab already loaded (:func:`open_in_app`)."""
    if loaded:
        open_in_app(page, relative, timeout_ms=timeout_ms)
    else:
        open_notebook(page, lab, relative, timeout_ms=timeout_ms)


def run_all(page, timeout_s: float, *, name: str = "") -> float:
    """Run > Run All Cells from the menu bar; the seconds until every cell ran and the kernel is idle.

    ``name`` (the notebook) goes to the execution log (``_qa.record_execution``, ``QA_EXECUTION_LOG``).
    """
    start = time.perf_counter()
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).first.click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
    page.wait_for_function(ALL_RUN_JS, timeout=timeout_s * 1000, polling=250)
    page.wait_for_timeout(1000)  # let the last widget views render
    page.wait_for_function(ALL_RUN_JS, timeout=timeout_s * 1000, polling=250)
    seconds = time.perf_counter() - start
    import _qa

    _qa.record_execution("jupyterlab", name or page.url, seconds)
    return seconds


#: The current notebook as JupyterLab holds it (nbformat JSON, outputs included): what Ctrl+S would write.
NOTEBOOK_JSON_JS = "() => window.jupyterapp.shell.currentWidget.context.model.toJSON()"


def notebook_model(page):
    """The current notebook with the outputs JupyterLab shows (an ``nbformat`` node), read from the page."""
    import nbformat

    return nbformat.from_dict(page.evaluate(NOTEBOOK_JSON_JS))


#: Worked solutions in the page: every ``<details>`` of the rendered markdown, and what a learner sees unasked
#: of the code solution cells (``codeIndices``).
SOLUTIONS_JS = """(codeIndices) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.widgets;
  const root = panel.content.node;
  // (a) every <details> of the rendered markdown, closed or open
  const details = [...root.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown details')].map(d => {
    const cell = d.closest('.jp-Cell');
    return {cell: cells.findIndex(c => c.node === cell), open: d.open,
            summary: (d.querySelector('summary') || d).innerText.slice(0, 60)};
  });
  // (b) the output areas of the code solution cells (the cell widgets are in notebook order)
  const outputs = codeIndices.map(i => {
    const cell = cells[i];
    if (!cell || cell.model.type !== 'code') return {cell: i, problem: 'not a code cell in JupyterLab'};
    const area = cell.node.querySelector('.jp-Cell-outputArea');
    const shown = [...cell.node.querySelectorAll('.jp-OutputArea-output')].filter(o => o.checkVisibility());
    // what a learner reads without clicking: visible text and pictures outside a closed <details> summary
    const seen = shown.map(o => {
      const summaries = [...o.querySelectorAll('details:not([open]) > summary')].map(s => s.innerText).join('');
      const pictures = [...o.querySelectorAll('img, canvas, svg, video')]
        .filter(e => e.checkVisibility() && !e.closest('summary')).length;
      const text = o.innerText.replace(summaries, '').trim();
      return {text: text.slice(0, 120), pictures};
    }).filter(o => o.text || o.pictures);
    return {cell: i, outputHidden: cell.outputHidden,
            wrapperCollapsed: !!cell.node.querySelector('.jp-Cell-outputWrapper .jp-mod-collapsed, .jp-OutputPlaceholder'),
            areaVisible: !!area && area.checkVisibility(), nOutputs: cell.model.outputs.length,
            metadata: JSON.stringify(cell.model.getMetadata('jupyter') || null), seen};
  });
  return {details, outputs};
}"""


def solution_cells(path) -> tuple[list[int], list[int]]:
    """Indices of the cells tagged ``solution`` in the notebook file ``path``: (markdown, code)."""
    import nbformat

    import _qa

    cells = nbformat.read(path, as_version=4).cells
    tagged = [(i, c.cell_type) for i, c in enumerate(cells) if "solution" in _qa.cell_tags(c)]
    return [i for i, t in tagged if t == "markdown"], [i for i, t in tagged if t == "code"]


#: Why a solution's output must be hidden inside the output itself (added to a failure's message).
HIDDEN_SOLUTIONS_HINT = (
    "\n(JupyterLab 4 sets outputHidden = false whenever it executes a code cell, so `outputs_hidden` metadata "
    "cannot hide a solution's output after Run All; hide it inside the output itself, e.g. a closed <details>.)")


def hidden_solution_problems(page, path) -> list[str]:
    """After Run All: open <details> in the rendered markdown, code solution outputs a learner sees unasked."""
    markdown_cells, code_cells = solution_cells(path)
    found = page.evaluate(SOLUTIONS_JS, code_cells)
    problems = []
    for d in found["details"]:
        if d["open"]:
            problems.append(f"cell {d['cell']}: <details> {d['summary']!r} is open after Run All")
    closed_in = {d["cell"] for d in found["details"] if not d["open"]}
    for i in markdown_cells:
        if i not in closed_in:
            problems.append(f"cell {i}: markdown solution without a closed <details> in the rendered page")
    for o in found["outputs"]:
        if "problem" in o:
            problems.append(f"cell {o['cell']}: {o['problem']}")
        elif o["areaVisible"] and o["seen"]:
            first = o["seen"][0]
            problems.append(
                f"cell {o['cell']} (code solution): output visible after Run All (outputHidden={o['outputHidden']}, "
                f"jupyter metadata now {o['metadata']}, {o['nOutputs']} outputs; first: "
                f"{first['pictures']} pictures, text {first['text']!r})"
            )
    return problems
