"""Keep notebook outputs out of git: nbstripout as this repository's local clean filter.

``make setup`` (so also ``make lab`` and ``make test``) runs
``.venv/bin/python tools/git_filter.py install``. It writes, with
``git config --local`` (this clone only, nothing global):

* ``filter.nbstripout.clean``: ``"<venv python>" -m nbstripout --keep-id``. Git
  pipes every notebook through it when it reads the working copy (``git add``,
  ``git status``, ``git diff``), so what git stores has no outputs, no execution
  counts, no widget state and no kernel noise, whatever the file on disk holds.
  The file on disk keeps its outputs (the smudge side is ``cat``).
* ``filter.nbstripout.extrakeys``: the metadata that JupyterLab fills in when it
  opens or runs a notebook (``EXTRA_KEYS`` below), so opening a notebook does
  not make it look modified.
* ``filter.nbstripout.required = true``: if the filter cannot run (the venv was
  removed), git stops with an error instead of storing outputs.
* ``diff.ipynb.textconv``: ``git diff`` shows notebooks as they would be stored.

The committed ``.gitattributes`` assigns the filter (``*.ipynb filter=nbstripout``)
and the diff driver (``*.ipynb diff=ipynb``). Outside a git clone of this
repository (a downloaded zip) there is nothing to protect: the step says so
and succeeds.

Usage: ``python tools/git_filter.py install | uninstall | status``

This file uses only the standard library (``make clean`` uninstalls with the
system Python after the venv is gone); ``tests/_gitfilter.py`` imports
``EXTRA_KEYS`` and ``CLEAN_ARGS`` from it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILTER = "nbstripout"

#: Arguments of ``python -m nbstripout`` in the clean filter. Cell ids are kept:
#: JupyterLab keeps them too, and renumbering them (nbstripout's default) would
#: rewrite every id after an inserted cell.
CLEAN_ARGS = ("--keep-id",)

#: Metadata stripped on top of nbstripout's defaults (outputs, execution counts,
#: ``metadata.widgets``, ``metadata.signature``, cell ``execution``/``collapsed``/
#: ``scrolled``/...). JupyterLab fills ``language_info`` from the running kernel
#: (Python version, CodeMirror mode, ...) and un-hides a code cell's outputs when
#: it runs it; the stored notebook keeps ``language_info.name`` only.
EXTRA_KEYS = (
    "metadata.language_info.codemirror_mode",
    "metadata.language_info.file_extension",
    "metadata.language_info.mimetype",
    "metadata.language_info.nbconvert_exporter",
    "metadata.language_info.pygments_lexer",
    "metadata.language_info.version",
    "cell.metadata.jupyter.outputs_hidden",
)


def clean_command(python: str) -> str:
    """The clean filter's command line for the interpreter ``python`` (quoted the way git's shell reads it)."""
    return " ".join([shlex.quote(python), "-m", FILTER, *CLEAN_ARGS])


def desired_config(python: str) -> dict[str, str]:
    clean = clean_command(python)
    return {
        f"filter.{FILTER}.clean": clean,
        f"filter.{FILTER}.smudge": "cat",
        f"filter.{FILTER}.required": "true",
        f"filter.{FILTER}.extrakeys": " ".join(EXTRA_KEYS),
        "diff.ipynb.textconv": f"{clean} --textconv",
    }


def _git(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=check)


def git_clone_root() -> Path | None:
    """This repository's top directory if it is a git work tree of its own, else None.

    A downloaded zip unpacked inside some other git work tree (a home directory
    under version control) must not configure that other repository.
    """
    try:
        top = _git("rev-parse", "--show-toplevel", check=False)
    except FileNotFoundError:  # no git at all
        return None
    if top.returncode != 0 or not top.stdout.strip():
        return None
    return ROOT if Path(top.stdout.strip()).resolve() == ROOT else None


def current_config() -> dict[str, str]:
    values = {}
    for key in desired_config("python"):
        result = _git("config", "--local", "--get", key, check=False)
        if result.returncode == 0:
            values[key] = result.stdout.rstrip("\n")
    return values


def install(python: str) -> int:
    if git_clone_root() is None:
        print(f"{ROOT} is not a git clone (a downloaded zip?): the notebook output filter is not installed; "
              "nothing is committed from here anyway.")
        return 0
    probe = subprocess.run([python, "-m", FILTER, "--version"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        print(f"cannot install the git filter: {python} -m {FILTER} does not run:\n{probe.stderr}", file=sys.stderr)
        return 1
    wanted, have = desired_config(python), current_config()
    changed = [key for key, value in wanted.items() if have.get(key) != value]
    for key in changed:
        _git("config", "--local", key, wanted[key])
    if changed:
        print(f"git filter installed (this clone only): notebooks are stored without outputs, "
              f"execution counts or kernel metadata (nbstripout {probe.stdout.strip()}, {python})")
    return 0


def uninstall() -> int:
    if git_clone_root() is None:
        return 0
    for section in (f"filter.{FILTER}", "diff.ipynb"):
        _git("config", "--local", "--remove-section", section, check=False)
    print("git filter removed: run `make setup` before committing notebooks")
    return 0


def status() -> int:
    if git_clone_root() is None:
        print("not a git clone: no filter")
        return 1
    have = current_config()
    for key, value in have.items():
        print(f"{key} = {value}")
    attribute = _git("check-attr", "filter", "--", "notebooks/x.ipynb").stdout.strip()
    print(attribute)
    return 0 if have.get(f"filter.{FILTER}.clean") and attribute.endswith(f": {FILTER}") else 1


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in ("install", "uninstall", "status"):
        raise SystemExit(__doc__)
    if argv[0] == "install":
        # The venv's interpreter as invoked (a symlink inside .venv), not the base Python it points to.
        return install(os.path.abspath(sys.executable))
    if argv[0] == "uninstall":
        return uninstall()
    return status()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
