"""What git would commit for a notebook: the working copy as this clone's clean filter turns it into a blob.

Used by ``tests/test_notebooks.py`` (the stored-form test) and
``tests/test_lab_workflow.py``. A lecturer's working copy may hold outputs
(JupyterLab autosaves them); what matters is what ``git add`` would store:

* in a git clone with the nbstripout filter installed (``make setup``): the
  working file piped through the configured ``filter.nbstripout.clean``
  command, exactly as git runs it (through the shell, from the top of the
  work tree, ``%f`` replaced by the path);
* in a git clone without the filter: the file as it is (git would store it so);
* outside git (a downloaded zip): nothing is committed; the file as the
  filter would store it (``tools/git_filter.py`` options), so that running a
  notebook never fails the tests there.

``stored_form_problem`` then says whether that form is a fixed point of the
repository's filter: a committed notebook that the filter would still change
shows as modified as soon as JupyterLab saves it. ``stored_notebook_problems``
holds the rules for the stored text itself (no outputs, counts, widget state or
timestamps; the kernelspec JupyterLab saves), for a working copy's committed form
and for a blob already in git alike.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import _qa
import git_filter  # tools/ (pyproject.toml: pythonpath)


@dataclass(frozen=True)
class CommittedForm:
    text: str
    how: str  # a phrase for failure messages: where the text came from
    by_repository_filter: bool = False  # made by the filter tools/git_filter.py installs (so in the stored form)


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def work_tree(path: Path) -> Path | None:
    """The top of the git work tree holding ``path``, or None (no git, or not in a work tree)."""
    try:
        result = _git(path.parent, "rev-parse", "--show-toplevel")
    except FileNotFoundError:
        return None
    return Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None


def clean_filter(top: Path, relative: str) -> tuple[str, str] | None:
    """(filter name, clean command) that git applies to ``relative`` in the work tree ``top``, or None."""
    attribute = _git(top, "check-attr", "filter", "--", relative).stdout.strip().rsplit(": ", 1)[-1]
    if attribute in ("", "unspecified", "unset", "set"):
        return None
    command = _git(top, "config", "--get", f"filter.{attribute}.clean").stdout.strip()
    return (attribute, command) if command else None


def _is_repository_filter(top: Path, attribute: str, command: str) -> bool:
    """Whether the configured filter is the one ``tools/git_filter.py`` installs (any interpreter)."""
    expected_tail = " ".join(["-m", git_filter.FILTER, *git_filter.CLEAN_ARGS])
    keys = _git(top, "config", "--get", f"filter.{attribute}.extrakeys").stdout.split()
    return (attribute == git_filter.FILTER and command.endswith(" " + expected_tail)
            and sorted(keys) == sorted(git_filter.EXTRA_KEYS))


def _run(command: str | list[str], data: bytes, cwd: Path, *, shell: bool) -> str:
    result = subprocess.run(command, input=data, cwd=cwd, capture_output=True, shell=shell, check=False)
    if result.returncode != 0:
        raise AssertionError(f"the clean filter `{command}` failed ({result.returncode}):\n"
                             f"{result.stderr.decode(errors='replace')}")
    return result.stdout.decode("utf-8")


def strip(text: str) -> str:
    """``text`` (a notebook) as the repository's filter stores it, whether or not a filter is installed."""
    command = [sys.executable, "-m", git_filter.FILTER, *git_filter.CLEAN_ARGS,
               "--extra-keys", " ".join(git_filter.EXTRA_KEYS)]
    # (nbstripout also reads `filter.nbstripout.extrakeys` from git config here: the same keys once installed)
    return _run(command, text.encode("utf-8"), _qa.ROOT, shell=False)


def committed_form(path: Path) -> CommittedForm:
    path = Path(path).resolve()
    data = path.read_bytes()
    top = work_tree(path)
    if top is None:
        return CommittedForm(strip(data.decode("utf-8")),
                             "not in a git clone: the file as the nbstripout filter would store it",
                             by_repository_filter=True)
    relative = path.relative_to(top.resolve()).as_posix()
    configured = clean_filter(top, relative)
    if configured is None:
        return CommittedForm(data.decode("utf-8"),
                             "the working copy as it is: no clean filter installed in this clone (run `make setup`)")
    attribute, command = configured
    ours = _is_repository_filter(top, attribute, command)
    text = _run(command.replace("%f", shlex.quote(relative)), data, top, shell=True)
    return CommittedForm(text, "the working copy through the git clean filter", by_repository_filter=ours)


def stored_notebook_problems(text: str, where: str) -> list[str]:
    """What keeps a notebook's stored text (what git commits) from being clean; ``where`` starts each message.

    Outputs, execution counts, widget state and execution timestamps are not stored; the kernelspec
    is exactly what JupyterLab writes when it saves (the running ``python3`` kernel's), and
    ``language_info`` holds the name only (JupyterLab fills in the rest; the filter keeps the name).
    """
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager

    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    problems = []
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    if dirty:
        problems.append(f"{where}: cells {dirty} are saved with outputs or execution counts (clear them before saving)")
    if "widgets" in nb.metadata:
        problems.append(f"{where}: saved widget state in metadata.widgets (clear it)")
    timed = [i for i, c in enumerate(nb.cells) if "execution" in c.get("metadata", {})]
    if timed:
        problems.append(f"{where}: cells {timed} carry execution timestamps in metadata.execution (clear them)")
    spec = KernelSpecManager().get_kernel_spec("python3")
    expected = {"display_name": spec.display_name, "language": spec.language, "name": "python3"}
    if dict(nb.metadata.get("kernelspec", {})) != expected:
        problems.append(f"{where}: kernelspec must be {expected} (what JupyterLab saves), "
                        f"not {dict(nb.metadata.get('kernelspec', {}))}")
    if nb.metadata.get("language_info") != {"name": "python"}:
        problems.append(f"{where}: metadata.language_info must be {{'name': 'python'}} (JupyterLab fills it in; "
                        "the filter keeps the name)")
    return problems


def stored_form_problem(form: CommittedForm) -> str | None:
    """None if ``form.text`` is a fixed point of the repository's filter (else git would keep changing it)."""
    if form.by_repository_filter:
        return None  # nbstripout's output is a fixed point of the same nbstripout
    if strip(form.text) != form.text:
        return ("not in the stored form (the repository's git filter would still change it): "
                "run `make setup`, then `git add` it")
    return None
