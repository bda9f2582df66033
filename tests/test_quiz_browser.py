"""The answered predictions in real browsers: JupyterLab after Run All, Voilà (``make present``), the static site.

Each test takes Notebook 0 with its quiz cells (put in a temporary copy by ``tools/insert_quizzes.py``, so the
test does not depend on the notebooks' state), opens it in headless Chromium at 1280 x 720 with every request
off the server (or, for the site, every non-file request) refused, and then, in that environment:

* every quiz cell shows the live quiz (jupyterquiz's questions), and its plain-HTML fallback is hidden;
* the keyboard answers: focus the first option of a question, press the arrow key, and the feedback of the
  option now selected appears (with "Not quite." or "Right."), is copied to the polite live region, and in
  JupyterLab the arrow did not move the notebook's active cell (its shortcuts are suspended in the quiz);
* a numeric answer typed and confirmed with Enter gets its feedback;
* the options' group and the numeric field have an accessible name (the question), and the quiz text is at
  least 15 px;
* no page error, and no blocked request that comes from a quiz (Voilà's own icon font is listed apart).

In JupyterLab a notebook whose outputs were saved elsewhere opens *untrusted*: its quiz outputs are sanitised
(no script), and the fallback shows each question with its options and their feedback folded; the test checks it.
Screenshots go to ``test-artifacts/quiz/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

import _browser
import _qa
from gumbel_utils.exercises.quiz import RIGHT_PREFIX, WRONG_PREFIX, load_quizzes

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORT = {"width": 1280, "height": 720}
ARTIFACTS = _qa.ARTIFACTS_DIR / "quiz"
MIN_PX = 15.0
QUIZZES = load_quizzes()


def _import_tool(name: str):
    """A module of tools/ (on the path by pyproject.toml's pythonpath), imported by name."""
    import importlib

    return importlib.import_module(name)


def _tool():
    return _import_tool("insert_quizzes")


@pytest.fixture(scope="module")
def notebook_dir(tmp_path_factory) -> Path:
    """A folder with Notebook 0 and its quiz cells."""
    source = next((p for p in _qa.discover_notebooks() if p.name.startswith("00_")), None)
    if source is None:
        pytest.skip("no notebook 00_* in the notebooks folder")
    folder = tmp_path_factory.mktemp("quiz-notebooks")
    target = folder / source.name
    shutil.copy(source, target)
    assert _tool().main([str(target)]) == 0, "tools/insert_quizzes.py found problems in Notebook 0"
    return folder


def _notebook(folder: Path) -> Path:
    return next(folder.glob("00_*.ipynb"))


def _quiz_ids(path: Path) -> list[str]:
    tool = _tool()
    return [tool.QUIZ_CALL.search(c.source).group(1) for c in nbformat.read(path, as_version=4).cells
            if tool.is_quiz_cell(c)]


_MEASURE_JS = """(root) => {
  const px = e => parseFloat(getComputedStyle(e).fontSize);
  const texts = [...root.querySelectorAll('[id^="quizQn"], .MCButton span, .Feedback, .InpLabel, .gu-quiz-head')]
    .filter(e => e.checkVisibility() && e.innerText.trim());
  const groups = [...root.querySelectorAll('.Answer')].map(a => {
    const radio = a.querySelector('input[type="radio"]'), text = a.querySelector('input.Input-text');
    const ids = ((radio ? a : text) && (radio ? a : text).getAttribute('aria-labelledby') || '').split(/\\s+/);
    const name = ids.map(id => { const e = document.getElementById(id); return e ? e.innerText : ''; }).join(' ').trim();
    return {kind: radio ? 'radiogroup' : 'numeric', role: a.getAttribute('role'), name};
  });
  return {minPx: Math.min(...texts.map(px)), smallest: texts.reduce((a, b) => px(b) < px(a) ? b : a).innerText.slice(0, 40),
          groups, live: root.querySelectorAll('.Quiz').length,
          fallbackVisible: !!root.querySelector('.gu-quiz-fallback') && root.querySelector('.gu-quiz-fallback').checkVisibility()};
}"""


def _check_quizzes(page, ids: list[str], shots: str, *, active_cell=None) -> list[str]:
    """Answer the quizzes on a page by keyboard; return the problems found (empty when all is well)."""
    problems = []
    roots = page.locator(".gu-quiz")
    if roots.count() != len(ids):
        return [f"{roots.count()} quizzes on the page, {len(ids)} quiz cells"]
    for i, qid in enumerate(ids):
        root = page.locator(f".gu-quiz[data-quiz-id='{qid}']").first
        root.scroll_into_view_if_needed()
        page.wait_for_function("r => r.querySelectorAll('.Quiz').length > 0", arg=root.element_handle(), timeout=30_000)
        m = root.evaluate(_MEASURE_JS)
        quiz = QUIZZES[qid]
        if m["live"] != len(quiz.questions) or m["fallbackVisible"]:
            problems.append(f"{qid}: {m['live']} live questions of {len(quiz.questions)}, fallback visible "
                            f"{m['fallbackVisible']}")
        if m["minPx"] < MIN_PX:
            problems.append(f"{qid}: text {m['smallest']!r} at {m['minPx']:.1f} px < {MIN_PX}")
        for g, question in zip(m["groups"], quiz.questions):
            plain = re.sub(r"<[^>]+>", "", question["question"]).replace("&gt;", ">")[:20]
            if g["kind"] == "radiogroup" and g["role"] != "radiogroup":
                problems.append(f"{qid}: the options have no radiogroup role")
            if plain not in g["name"]:
                problems.append(f"{qid}: the {g['kind']} is named {g['name'][:60]!r}, not by its question")
        for j, question in enumerate(quiz.questions):
            wrap = root.locator(".Quiz").nth(j)
            feedback = wrap.locator(".Feedback")
            if question["type"] == "multiple_choice":
                wrap.locator("input[type='radio']").first.focus()  # focusing makes the quiz's cell the active one
                before = page.evaluate(active_cell) if active_cell else None
                page.keyboard.press("ArrowDown")  # selects (and answers) the second option
                expected = question["answers"][1]
                prefix = RIGHT_PREFIX if expected.get("correct") else WRONG_PREFIX
            else:
                right = next(a for a in question["answers"] if a.get("correct"))
                lo, hi = right["range"]
                wrap.locator("input.Input-text").focus()
                before = page.evaluate(active_cell) if active_cell else None
                page.keyboard.type(f"{(lo + hi) / 2:.6g}")
                page.keyboard.press("Enter")
                expected, prefix = right, RIGHT_PREFIX
            want = re.sub(r"<[^>]+>", "", expected["feedback"]).replace("&gt;", ">")[:40]
            try:
                page.wait_for_function("([f, w]) => f.innerText.includes(w)", arg=[feedback.element_handle(), want],
                                       timeout=10_000)
            except Exception:
                problems.append(f"{qid} question {j + 1}: feedback {feedback.inner_text()[:80]!r}, wanted {want!r}")
                continue
            shown = feedback.inner_text()
            if not shown.startswith(prefix.strip()):
                problems.append(f"{qid} question {j + 1}: feedback does not start with {prefix.strip()!r}")
            page.wait_for_timeout(150)
            live = root.locator(".gu-quiz-live").inner_text()
            if want not in live:
                problems.append(f"{qid} question {j + 1}: the live region says {live[:60]!r}")
            if active_cell and page.evaluate(active_cell) != before:
                problems.append(f"{qid} question {j + 1}: the key moved JupyterLab's active cell")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        root.screenshot(path=str(ARTIFACTS / f"{shots}-{qid}.png"))
    return problems


def _quiz_requests(blocked: list[str]) -> list[str]:
    """Blocked requests that are not Voilà's own icon font (a known offline gap of Voilà, not of the quizzes)."""
    return [u for u in blocked if "fontawesome" not in u]


# ----------------------------------------------------------------------------- JupyterLab


_ACTIVE_CELL_JS = "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex"
_IDLE_JS = """() => { const p = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = p && p.sessionContext && p.sessionContext.session && p.sessionContext.session.kernel;
  return !!k && k.status === 'idle'; }"""
_ALL_RUN_JS = """() => { const p = window.jupyterapp.shell.currentWidget;
  const k = p.sessionContext.session && p.sessionContext.session.kernel;
  if (!k || k.status !== 'idle') return false;
  return p.content.widgets.every(c => c.model.type !== 'code' || c.model.sharedModel.getSource().trim() === ''
                                      || (c.model.executionCount !== null && c.model.executionState !== 'running')); }"""


def test_quizzes_in_jupyterlab_after_run_all_and_untrusted(notebook_dir, tmp_path):
    from _jupyterlab import JupyterLab

    _browser.chromium_path("quiz browser test")
    path = _notebook(notebook_dir)
    ids = _quiz_ids(path)
    executed = _qa.execute_notebook(path).nb  # saved with outputs elsewhere: JupyterLab opens it untrusted
    nbformat.write(executed, notebook_dir / "untrusted_copy.ipynb")
    with JupyterLab(notebook_dir, tmp_path) as lab, _browser.chromium("quiz browser test") as browser:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(60_000)
        blocked = _browser.guard(context, lambda url: url.startswith((lab.base_url, "data:", "blob:")))
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))

        page.goto(lab.notebook_url("untrusted_copy.ipynb"))
        page.wait_for_selector(".jp-NotebookPanel .gu-quiz", timeout=90_000)
        page.wait_for_timeout(2000)
        fallback = page.locator(".gu-quiz .gu-quiz-fallback")
        n_feedback = sum(len(q["answers"]) for qid in ids for q in QUIZZES[qid].questions
                         if q["type"] == "multiple_choice") + sum(1 for qid in ids for q in QUIZZES[qid].questions
                                                                  if q["type"] == "numeric")
        untrusted = {"fallbacks": fallback.count(), "live": page.locator(".gu-quiz .Quiz").count(),
                     "details": page.locator(".gu-quiz-fallback details").count()}
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.locator(".gu-quiz").first.screenshot(path=str(ARTIFACTS / "jupyterlab-untrusted.png"))
        assert untrusted == {"fallbacks": len(ids), "live": 0, "details": n_feedback}, untrusted

        page.goto(lab.notebook_url(path.name))
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
        page.wait_for_function(_IDLE_JS, timeout=90_000, polling=250)
        page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).first.click()
        page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
        page.wait_for_function(_ALL_RUN_JS, timeout=240_000, polling=500)
        page.wait_for_timeout(1500)
        problems = _check_quizzes(page, ids, "jupyterlab", active_cell=_ACTIVE_CELL_JS)
        context.close()
    print(f"JupyterLab: {len(ids)} quizzes; untrusted copy {untrusted}; blocked {blocked}; page errors {errors[:3]}")
    assert not problems, "\n".join(problems)
    assert not blocked and not errors, (blocked, errors)


# ----------------------------------------------------------------------------- Voila (make present)


def _present(notebooks: Path, workdir: Path):
    present = _import_tool("present")
    env = present.present_env()
    env.update(JUPYTER_CONFIG_DIR=str(workdir / "config"), JUPYTER_RUNTIME_DIR=str(workdir / "runtime"))
    from _jupyterlab import free_port

    port = free_port()
    command = present.present_command(port, ["--no-browser", "--Voila.ip=127.0.0.1"], notebooks_dir=notebooks)
    log = open(workdir / "voila.log", "ab")
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir, start_new_session=True)
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.3)
    _stop(proc)
    pytest.fail(f"Voila did not start:\n{(workdir / 'voila.log').read_text(errors='replace')[-2000:]}")


def _stop(proc) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # the group this test started: Voila and its kernels
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)


def test_quizzes_in_voila_present_mode(notebook_dir, tmp_path):
    _browser.chromium_path("quiz browser test")
    path = _notebook(notebook_dir)
    ids = _quiz_ids(path)
    proc, base = _present(notebook_dir, tmp_path)
    try:
        with _browser.chromium("quiz browser test") as browser:
            context = browser.new_context(viewport=VIEWPORT)
            context.set_default_timeout(60_000)
            blocked = _browser.guard(context, lambda url: url.startswith((base, "data:", "blob:")))
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.goto(f"{base}/voila/render/{path.name}")
            page.locator(".gu-quiz .Quiz").first.wait_for(timeout=180_000)
            page.wait_for_load_state("networkidle", timeout=180_000)
            problems = _check_quizzes(page, ids, "voila")
            context.close()
    finally:
        _stop(proc)
    print(f"Voila: {len(ids)} quizzes; blocked (Voila's icon font) {sorted(set(blocked))}; page errors {errors[:3]}")
    assert not problems, "\n".join(problems)
    assert not _quiz_requests(blocked) and not errors, (blocked, errors)


# ----------------------------------------------------------------------------- the static site


def test_quizzes_on_the_static_site_offline(notebook_dir, tmp_path):
    _browser.chromium_path("quiz browser test")
    site = _import_tool("build_site")
    path = _notebook(notebook_dir)
    ids = _quiz_ids(path)
    report = site.build([path], tmp_path / "site", jobs=1)
    page_path = next(p for p in report.pages if p.name.startswith("00_"))
    html = page_path.read_text(encoding="utf-8")
    assert "jsdelivr" not in html  # jupyterquiz's MathJax loader is cut out of the quizzes
    from gumbel_utils.exercises.quiz import drop_repeated_libraries

    lean_path = page_path.with_name("lean_" + page_path.name)  # jupyterquiz's script kept once (a site can do it)
    lean_path.write_text(drop_repeated_libraries(html), encoding="utf-8")
    problems, guards, errors = [], [], []
    with _browser.chromium("quiz browser test") as browser:
        for label, target in (("site", page_path), ("site-lean", lean_path)):
            context = browser.new_context(viewport=VIEWPORT)
            guards.append(_browser.guard(context, lambda url: url.startswith(("file:", "data:", "blob:"))))
            page = context.new_page()
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.goto(target.as_uri())
            page.wait_for_function("() => document.documentElement.dataset.mathjax === 'typeset'", timeout=60_000)
            page.wait_for_timeout(1000)
            problems += [f"{label}: {p}" for p in _check_quizzes(page, ids, label)]
            context.close()
    blocked = [url for record in guards for url in record]
    from gumbel_utils.exercises.quiz import quiz

    size = {qid: len(quiz(qid)._repr_html_().encode()) for qid in ids}  # bytes each quiz adds to a page
    print(f"site: {len(ids)} quizzes; bytes per quiz output {size}; page {len(html.encode())} bytes, "
          f"{lean_path.stat().st_size} with one copy of jupyterquiz; blocked {blocked}; page errors {errors[:3]}")
    assert not problems, "\n".join(problems)
    assert not blocked and not errors, (blocked, errors)  # no request leaves the disk
    (ARTIFACTS / "site-sizes.json").write_text(json.dumps(size, indent=1))
