"""Jupyter server configuration of the course's venv (``make setup`` copies it to ``.venv/etc/jupyter/``).

One post-save hook, so that saving a notebook in JupyterLab leaves ``git status``
clean when nothing but outputs changed.

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

import os
import subprocess
import warnings

EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # also what `git add -N` (intent to add) records


def _git(cwd: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=20, check=False)


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
c.ContentsManager.post_save_hook = forget_git_stat
# The server applies its configuration to the contents manager again when extensions load; the hook's
# validator then warns that forget_git_stat replaces itself. Only that self-replacement is silenced.
warnings.filterwarnings(
    "ignore", message=r"Overriding existing post_save_hook \(forget_git_stat\) with a new one \(forget_git_stat\)"
)
