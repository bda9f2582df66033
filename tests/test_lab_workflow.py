"""A lecturer's day, end to end: teaching from a clone never dirties the repository.

In a temporary git clone of this repository (its HEAD plus the current working
tree, committed there through the filter as a commit here would be), the
set-up's own steps install the git filter and the venv's Jupyter configuration
(``make git-filter lab-config``, both run by ``make setup``; the configuration
holds the post-save hook without which ``git status`` would report every saved
notebook as modified), then a real JupyterLab in headless Chromium serves the
clone from its top, as ``make lab`` does. Notebook 0 (the shortest Run All with an explorer, quizzes and worked solutions,
so widget state too) is opened, Run > Run All Cells, and saved (Ctrl+S) after the
kernel is idle; every other notebook is opened (JupyterLab fills in the kernel's
metadata) and saved. Then:

* the worked solutions of notebook 0, the full version an instructor opens, are
  hidden after Run All: every ``<details>`` of the rendered markdown closed, and no
  output of a code solution visible unasked (``_jupyterlab.hidden_solution_problems``;
  the other notebooks' solution outputs are checked folded in their executed runs by
  ``tests/test_notebooks.py``);
* the saved notebook 0 on disk holds outputs (the save really happened);
* ``git status --porcelain`` in the clone is empty;
* what git stores of every notebook, now the commit's blob, keeps the stored-form rules of
  ``tests/test_notebooks.py`` (``_gitfilter.stored_notebook_problems``).

Without the filter the ``git status`` check fails (the saved outputs show as a
modification). Chromium and the skip rules are those of ``tests/test_browser.py``
(skipped without ``chromium`` unless ``CI=true``); the server is
``tests/_jupyterlab.py``'s, rooted at the clone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

import _browser
import _gitfilter
import _qa
from _jupyterlab import (CLOSE_CURRENT_JS, HIDDEN_SOLUTIONS_HINT, JupyterLab, hidden_solution_problems, open_document,
                         run_all)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RUN_FIRST = "00_"  # run before it is saved (the others are opened and saved): the shortest notebook with an explorer and quizzes
VIEWPORT = {"width": 1280, "height": 720}
RUN_ALL_TIMEOUT_S = 180
ARTIFACTS = _qa.ARTIFACTS_DIR / "lab-workflow"


def _unavailable(reason: str):
    _browser.unavailable(reason, "the lab workflow test")


def git(repo: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {repo}:\n{result.stderr}")
    return result.stdout


# ------------------------------------------------------------------- the clone


def changed_files(repo: Path) -> tuple[list[str], list[str]]:
    """(files differing from HEAD or untracked and not ignored, tracked files deleted) of a work tree."""
    changed = [p for p in git(repo, "diff", "--name-only", "-z", "HEAD").split("\0") if p]
    untracked = [p for p in git(repo, "ls-files", "-z", "--others", "--exclude-standard").split("\0") if p]
    present = [p for p in changed + untracked if (repo / p).is_file() and not (repo / p).is_symlink()]
    deleted = [p for p in changed if not (repo / p).exists()]
    return sorted(set(present)), sorted(deleted)


def clone_working_tree(source: Path, target: Path) -> None:
    """``git clone`` of ``source``'s HEAD, then its uncommitted changes copied over (not committed yet)."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(source), str(target)], check=True)
    present, deleted = changed_files(source)
    for name in present:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target / name)
    for name in deleted:
        (target / name).unlink(missing_ok=True)


def settle_index(clone: Path) -> None:
    """Date the fresh checkout's index after its files, so that git trusts their stat data.

    Files written in the same instant as the index are "racily clean" to git: every command
    would read each one through the clean filter again (one nbstripout process a notebook, about
    13 s for eight). Nothing has changed them since the checkout, so after a second the index's
    time is set to now; a later change of a file (a save) still changes its stat data.
    """
    time.sleep(1.0)
    os.utime(clone / ".git" / "index")


def install_filter(clone: Path) -> None:
    """The set-up's steps for git and Jupyter in the clone, with the venv that runs this test (no reinstall).

    ``make setup`` runs both: ``git-filter`` (the clean filter, in the clone's .git/config) and
    ``lab-config`` (the venv's Jupyter configuration with the post-save hook; rewritten only if it differs).
    """
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(clone), "git-filter", "lab-config", f"VENV={sys.prefix}"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, f"`make git-filter lab-config` failed:\n{result.stdout}\n{result.stderr}"


def commit_everything(clone: Path) -> None:
    """Commit the copied working tree in the clone (through the filter, as a commit in the repository would be)."""
    git(clone, "add", "-A")
    if git(clone, "status", "--porcelain").strip():
        git(clone, "-c", "user.name=lab workflow test", "-c", "user.email=test@localhost",
            "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "-m", "working tree")


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if shutil.which("git") is None or shutil.which("make") is None:
        _unavailable("needs `git` and `make`")
    if git(_qa.ROOT, "rev-parse", "--show-toplevel", check=False).strip() != str(_qa.ROOT):
        _unavailable(f"{_qa.ROOT} is not a git clone")
    if sys.prefix == sys.base_prefix:  # `make lab-config` writes into the venv's Jupyter configuration
        _unavailable(f"runs in the project's virtual environment only (this Python: {sys.prefix})")
    repo = tmp_path_factory.mktemp("lab-workflow") / "repo"
    clone_working_tree(_qa.ROOT, repo)
    settle_index(repo)
    install_filter(repo)
    commit_everything(repo)
    status = git(repo, "status", "--porcelain")
    assert not status.strip(), f"the fresh clone is not clean before JupyterLab touched it:\n{status}"
    return repo


@pytest.fixture(scope="module")
def browser():
    with _browser.chromium("lab workflow test") as chromium:
        yield chromium


@pytest.fixture(scope="module")
def lab(clone, tmp_path_factory):
    """JupyterLab rooted at the clone's top (as `make lab` is at the repository's), its own settings and runtime."""
    workdir = tmp_path_factory.mktemp("lab-workflow-server")
    empty = workdir / "empty"
    empty.mkdir()
    server = JupyterLab(empty, workdir)  # copies the empty folder; the server then serves the clone itself
    server.root = clone
    try:
        server.start()
        yield server
    finally:
        server.stop()


# ------------------------------------------------------------------- JupyterLab interactions

_SAVED_JS = "() => { const p = window.jupyterapp.shell.currentWidget; return !!p && !p.context.model.dirty; }"


def _open(page, lab, relative: str, *, first: bool) -> None:
    """The first notebook by its URL (JupyterLab loads), the others from the same JupyterLab, as a lecturer would."""
    open_document(page, lab, relative, loaded=not first)
    page.wait_for_timeout(500)  # the kernel's info reply fills in language_info


def _save(page, path: Path) -> None:
    """Ctrl+S in the notebook, then wait until JupyterLab reports it saved and the file on disk changed."""
    before = path.stat().st_mtime_ns
    page.keyboard.press("Control+s")  # JupyterLab's save shortcut (the notebook has the focus after open / Run All)
    page.wait_for_function(_SAVED_JS, timeout=30_000, polling=250)
    deadline = time.monotonic() + 30
    while path.stat().st_mtime_ns == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert path.stat().st_mtime_ns != before, f"{path.name}: Ctrl+S did not write the file"


def _outputs(path: Path) -> tuple[int, int]:
    """(code cells with outputs, code cells with an execution count) in a notebook file."""
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    return sum(bool(c.outputs) for c in cells), sum(c.execution_count is not None for c in cells)


# ------------------------------------------------------------------- the test


def test_run_save_leaves_git_clean(clone, lab, browser):
    t0 = time.perf_counter()
    notebooks = sorted((clone / "notebooks").glob("*.ipynb"))
    assert notebooks, "no notebooks in the clone"
    ran = [p for p in notebooks if p.name.startswith(RUN_FIRST)] or notebooks[:1]
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        (lab.base_url, "data:", "blob:")) else route.abort())  # no network beyond the server
    page = context.new_page()
    timings, hidden = [], []
    try:
        for k, path in enumerate(ran + [p for p in notebooks if p not in ran]):
            start = time.perf_counter()
            relative = path.relative_to(clone).as_posix()
            try:
                _open(page, lab, relative, first=k == 0)
                if path in ran:
                    run_all(page, RUN_ALL_TIMEOUT_S, name=path.name)
                    hidden += [f"{path.name}: {p}" for p in hidden_solution_problems(page, path)]
                _save(page, path)
                page.evaluate(CLOSE_CURRENT_JS)  # saved: the tab closes without a dialog
            except Exception as err:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"{path.stem}-failure.png"))
                raise AssertionError(f"{relative}: open/run/save failed ({err}); server log:\n{lab.log_tail()}") from err
            lab.shutdown_kernels()
            timings.append(f"{path.stem} {time.perf_counter() - start:.1f} s")
    finally:
        context.close()

    assert not hidden, "worked solutions visible after Run All:\n" + "\n".join(hidden) + HIDDEN_SOLUTIONS_HINT
    for path in ran:
        with_outputs, counted = _outputs(path)
        assert with_outputs > 0 and counted > 0, (
            f"{path.name}: no outputs on disk after Run All and Ctrl+S ({with_outputs} cells with outputs, "
            f"{counted} with execution counts): the save did not happen, so the test proves nothing"
        )

    status = git(clone, "status", "--porcelain")
    assert not status.strip(), (
        f"after run + save in JupyterLab, `git status` in the clone is not clean:\n{status}\n"
        f"stored-form diff (git diff, through the filter):\n{git(clone, 'diff', check=False)[:4000]}"
    )

    # `git status` is clean, so what git would store of each saved notebook is the commit's blob: the stored-form
    # rules of tests/test_notebooks.py hold for it (read from git, no filter run needed).
    stored = []
    for path in notebooks:
        relative = path.relative_to(clone).as_posix()
        stored += _gitfilter.stored_notebook_problems(git(clone, "show", f"HEAD:{relative}"), f"{relative} (stored)")
    assert not stored, "after run + save, the stored form is not clean:\n" + "\n".join(stored)
    print(f"lab workflow: {', '.join(timings)}; git status clean; {len(notebooks)} notebooks stored clean; "
          f"{time.perf_counter() - t0:.1f} s")


_DIALOG = ".jp-Dialog"
_FIRST_CELL_HAS_JS = """(text) => {
  const panel = window.jupyterapp.shell.currentWidget;
  return !!panel && panel.content.widgets.length > 0
    && panel.content.widgets[0].model.sharedModel.getSource().includes(text);
}"""


def test_a_tab_open_across_a_pull_cannot_undo_it(clone, lab, browser):
    """Issue 20: a notebook open across `git pull`, then Ctrl+S and *Overwrite*: refused, and the safe path works.

    The pull is what it does to the clone: a new version of the notebook on disk and ``HEAD`` moved to a commit
    holding it. The server's pre-save hook (``tools/jupyterlab/jupyter_server_config.py``) must refuse the stale
    tab's save with a message that names the way out; File > Reload Notebook from Disk then shows the new
    version, and a save of it passes and leaves ``git status`` clean.
    """
    path = sorted((clone / "notebooks").glob("0*.ipynb"))[0]
    relative = path.relative_to(clone).as_posix()
    marker = "A sentence that the update added."
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        _open(page, lab, relative, first=True)
        nb = nbformat.read(path, as_version=4)
        nb.cells[0].source += f"\n\n{marker}"
        time.sleep(1.0)  # the update is newer than the tab's copy by more than JupyterLab's 0.5 s margin
        nbformat.write(nb, path)
        git(clone, "-c", "user.name=Course", "-c", "user.email=course@example.org", "-c", "commit.gpgsign=false",
            "commit", "--quiet", "--no-verify", "-am", "the update the pull brings")

        page.keyboard.press("Control+s")
        dialog = page.locator(_DIALOG)
        dialog.wait_for()
        assert "changed on disk" in dialog.inner_text(), dialog.inner_text()
        dialog.locator("button", has_text="Overwrite").click()
        error = page.locator(_DIALOG, has_text="Not saved")
        error.wait_for(timeout=30_000)
        text = error.inner_text()
        assert "Reload Notebook from Disk" in text and "the update the pull brings" in text, text
        assert marker in path.read_text(encoding="utf-8"), "Overwrite wrote the old version over the update"
        error.locator("button").last.click()
        page.locator(_DIALOG).wait_for(state="detached")

        page.locator(".lm-MenuBar-item", has_text=re.compile(r"^File$")).first.click()
        page.locator(".lm-Menu-item[data-command='docmanager:reload']").click()
        revert = page.locator(_DIALOG)
        if revert.count():  # JupyterLab asks before discarding the tab's copy
            revert.locator("button", has_text=re.compile(r"Reload|Revert")).click()
        page.wait_for_function(_FIRST_CELL_HAS_JS, arg=marker, timeout=30_000, polling=250)
        _save(page, path)
    except Exception as err:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "pull-with-open-tab-failure.png"))
        raise AssertionError(f"{relative}: {err}; server log:\n{lab.log_tail()}") from err
    finally:
        context.close()
        lab.shutdown_kernels()
    assert marker in path.read_text(encoding="utf-8")
    status = git(clone, "status", "--porcelain")
    assert not status.strip(), f"after reload and save, `git status` is not clean:\n{status}"
