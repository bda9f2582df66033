"""Jupyter server configuration of the course's venv (``make setup`` copies it to ``.venv/etc/jupyter/``).

Two hooks:

* a pre-save hook that refuses a save which would undo a ``git pull`` (:func:`refuse_undoing_a_pull`);
* a post-save hook, so that saving a notebook in JupyterLab leaves ``git status``
  clean when nothing but outputs changed (:func:`forget_git_stat`).

Why the pre-save hook: a notebook left open in JupyterLab across a ``git pull`` still
holds the old version. Its next save (Ctrl+S or the autosave) asks "File Changed:
Overwrite / Revert", and *Overwrite* writes the old version over the pulled one,
silently. The hook compares the cells being saved with the versions of the file that
``HEAD`` held before (its reflog): when the save drops every cell the update added or
changed and keeps those it removed, it answers 409 with a message that names the
update and the two safe ways out (File > Reload Notebook from Disk, File > Save
Notebook As...). Any other save, a student's edits of the new version included, passes.

Why it is needed: the nbstripout clean filter (``tools/git_filter.py``) makes
git *store* a notebook without its outputs, but ``git status`` decides that a
file is modified without running the filter as soon as the file's size differs
from the size recorded in the index, and a save with outputs always changes the
size. After every save of a notebook under the filter, the hook re-records the
notebook's index entry with the very same blob (``git update-index --cacheinfo``),
which only forgets the cached size and time: ``git status`` then compares the
content through the filter (and caches the result). Nothing is staged: the
entry keeps its blob, and a real edit still shows as a modification.
"""

from __future__ import annotations

import json
import os
import subprocess
import warnings

from tornado.web import HTTPError

EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # also what `git add -N` (intent to add) records


def _git(cwd: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=20, check=False)


def _cell_sources(notebook: dict) -> list[str]:
    """The source of every cell, as one string each (outputs and metadata ignored)."""
    return ["".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", "")
            for c in notebook.get("cells", [])]


def _sources_at(root: str, commit: str, path: str) -> list[str] | None:
    shown = _git(root, "show", f"{commit}:{path}")
    if shown.returncode != 0:
        return None
    try:
        return _cell_sources(json.loads(shown.stdout))
    except ValueError:
        return None


def undone_update(saved: list[str], root: str, path: str, *, depth: int = 6) -> str | None:
    """The commit of ``HEAD``'s recent history whose change of ``path`` the ``saved`` cells would undo, or None.

    Parameters
    ----------
    saved : list of str
        The cell sources about to be saved.
    root : str
        The work tree's top folder.
    path : str
        The notebook's path in the repository.
    depth : int
        How many earlier positions of ``HEAD`` (its reflog) to compare with.

    Returns
    -------
    str or None
        ``"<short hash> <subject>"`` of the commit ``HEAD`` moved to, when the save drops every cell
        that the move added or changed and keeps (if any) the cells it removed.
    """
    current = _sources_at(root, "HEAD", path)
    if current is None or saved == current:
        return None
    kept = set(saved)
    reflog = _git(root, "reflog", "show", "--format=%H", f"-n{depth + 1}", "HEAD").stdout.split()
    for commit in dict.fromkeys(reflog[1:]):
        before = _sources_at(root, commit, path)
        if before is None or before == current:
            continue
        added, removed = set(current) - set(before), set(before) - set(current)
        if not kept & added and (not removed or kept & removed):
            return _git(root, "log", "-1", "--format=%h %s", "HEAD").stdout.strip()
        return None  # the nearest earlier version decides
    return None


def refuse_undoing_a_pull(model: dict, path: str, contents_manager=None, **kwargs) -> None:
    """Refuse (HTTP 409) to save a notebook tab that still holds the version before a ``git pull``."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict) or contents_manager is None:
        return
    os_path = os.path.join(contents_manager.root_dir, path.strip("/"))
    folder, name = os.path.split(os_path)
    try:
        top = _git(folder, "rev-parse", "--show-toplevel")
        if top.returncode != 0:
            return
        root = top.stdout.strip()
        tracked = _git(folder, "ls-files", "--full-name", "--", name).stdout.strip()
        if not tracked:
            return
        commit = undone_update(_cell_sources(model["content"]), root, tracked)
    except (OSError, ValueError, subprocess.SubprocessError) as err:  # never fail a save over git
        contents_manager.log.warning("git pre-save hook skipped for %s: %s", os_path, err)
        return
    if commit:
        raise HTTPError(409, (
            f"Not saved: {tracked} was updated on disk by git ({commit}) after this tab opened it, and saving "
            "this tab would undo that update. Choose File > Reload Notebook from Disk to get the new version "
            "(copy your own edits out of this tab first), or File > Save Notebook As... to keep this version "
            "under another name."))


def forget_git_stat(os_path: str, model: dict, contents_manager=None, **kwargs) -> None:
    """Make ``git status`` compare a just-saved notebook by content through its clean filter."""
    if model.get("type") != "notebook":
        return
    folder, name = os.path.split(os_path)
    try:
        top = _git(folder, "rev-parse", "--show-toplevel")
        if top.returncode != 0:
            return  # not in a git work tree
        root = top.stdout.strip()
        attribute = _git(folder, "check-attr", "filter", "--", name).stdout.strip().rsplit(": ", 1)[-1]
        if attribute in ("", "unspecified", "unset", "set"):
            return  # no clean filter: the size check is right
        listed = _git(folder, "ls-files", "--stage", "--full-name", "-z", "--", name)
        records = [r for r in listed.stdout.split("\0") if r]
        if listed.returncode != 0 or len(records) != 1:
            return  # untracked, or a merge conflict (several stages)
        info, path = records[0].split("\t", 1)
        mode, blob, stage = info.split()
        if stage != "0" or blob == EMPTY_BLOB:
            return
        _git(root, "update-index", "--cacheinfo", f"{mode},{blob},{path}")
    except (OSError, ValueError, subprocess.SubprocessError) as err:  # never fail a save over git
        if contents_manager is not None:
            contents_manager.log.warning("git post-save hook skipped for %s: %s", os_path, err)


c = get_config()  # noqa: F821 (provided by the Jupyter config loader)
c.ContentsManager.pre_save_hook = refuse_undoing_a_pull
c.ContentsManager.post_save_hook = forget_git_stat
# The server applies its configuration to the contents manager again when extensions load; the hook's
# validator then warns that forget_git_stat replaces itself. Only that self-replacement is silenced.
for _hook in ("pre_save_hook", "post_save_hook"):
    warnings.filterwarnings("ignore", message=rf"Overriding existing {_hook} \((\w+)\) with a new one \(\1\)")
