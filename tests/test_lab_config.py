"""The venv's Jupyter server configuration (``tools/jupyterlab/jupyter_server_config.py``), without a browser.

The pre-save hook refuses a save that would undo a ``git pull`` (issue 20: a tab left open across a pull,
then *Overwrite* in the "File Changed" dialog, silently wrote the old version back) and lets every other
save through. Here: a temporary repository whose ``HEAD`` moves from a version to the next, as a pull moves
it, and the hook called as the server calls it. ``tests/test_lab_workflow.py`` runs the same sequence in
a real JupyterLab.
"""

from __future__ import annotations

import json
import logging
import runpy
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from tornado.web import HTTPError

import _qa

CONFIG = _qa.ROOT / "tools" / "jupyterlab" / "jupyter_server_config.py"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


class _Config(SimpleNamespace):
    def __getattr__(self, name):  # c.ContentsManager.pre_save_hook = ...
        value = _Config()
        setattr(self, name, value)
        return value


@pytest.fixture(scope="module")
def config():
    c = _Config()
    namespace = runpy.run_path(str(CONFIG), init_globals={"get_config": lambda: c})
    return c, namespace


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *args],
                          cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


def _notebook(*sources: str) -> dict:
    return {"cells": [{"cell_type": "markdown", "metadata": {}, "source": s} for s in sources],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def pulled(tmp_path):
    """A repository whose notebook went from version 1 (cells a, b, c) to version 2 (a, B, c, d) by a commit."""
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    _git(repo, "init", "-q")
    path = repo / "notebooks" / "n.ipynb"
    path.write_text(json.dumps(_notebook("a", "b", "c")))
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "version 1")
    path.write_text(json.dumps(_notebook("a", "B", "c", "d")))
    _git(repo, "commit", "-q", "-am", "version 2")
    manager = SimpleNamespace(root_dir=str(repo), log=logging.getLogger("test"))
    return repo, manager


def test_config_installs_both_hooks(config):
    c, namespace = config
    assert c.ContentsManager.pre_save_hook is namespace["refuse_undoing_a_pull"]
    assert c.ContentsManager.post_save_hook is namespace["forget_git_stat"]


def test_a_stale_tab_cannot_undo_the_pull(config, pulled):
    _, namespace = config
    repo, manager = pulled
    hook = namespace["refuse_undoing_a_pull"]
    stale = {"type": "notebook", "content": _notebook("a", "b", "c")}
    with pytest.raises(HTTPError) as err:
        hook(model=stale, path="notebooks/n.ipynb", contents_manager=manager)
    assert err.value.status_code == 409
    assert "version 2" in err.value.log_message and "Reload Notebook from Disk" in err.value.log_message
    edited_stale = {"type": "notebook", "content": _notebook("a", "b", "c", "my answer")}
    with pytest.raises(HTTPError):
        hook(model=edited_stale, path="notebooks/n.ipynb", contents_manager=manager)


@pytest.mark.parametrize("cells", [("a", "B", "c", "d"), ("a", "B", "c", "d", "my answer"), ("mine", "B", "c", "d"),
                                   ("a", "my own B", "c", "d")],
                         ids=["the new version", "new version edited", "another cell edited", "a changed cell edited"])
def test_saves_of_the_new_version_pass(config, pulled, cells):
    _, namespace = config
    repo, manager = pulled
    namespace["refuse_undoing_a_pull"](model={"type": "notebook", "content": _notebook(*cells)},
                                       path="notebooks/n.ipynb", contents_manager=manager)


def test_other_files_and_untracked_notebooks_pass(config, pulled):
    _, namespace = config
    repo, manager = pulled
    hook = namespace["refuse_undoing_a_pull"]
    hook(model={"type": "file", "content": "x"}, path="notebooks/n.ipynb", contents_manager=manager)
    (repo / "notebooks" / "new.ipynb").write_text(json.dumps(_notebook("a")))
    hook(model={"type": "notebook", "content": _notebook("z")}, path="notebooks/new.ipynb", contents_manager=manager)
    outside = SimpleNamespace(root_dir=str(repo.parent), log=manager.log)
    (repo.parent / "loose.ipynb").write_text(json.dumps(_notebook("a")))
    hook(model={"type": "notebook", "content": _notebook("b")}, path="loose.ipynb", contents_manager=outside)


def test_without_an_update_nothing_is_refused(config, tmp_path):
    """A repository whose HEAD never moved (a fresh clone): every save passes."""
    _, namespace = config
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "n.ipynb").write_text(json.dumps(_notebook("a", "b")))
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "only")
    manager = SimpleNamespace(root_dir=str(repo), log=logging.getLogger("test"))
    namespace["refuse_undoing_a_pull"](model={"type": "notebook", "content": _notebook("x")}, path="n.ipynb",
                                       contents_manager=manager)
