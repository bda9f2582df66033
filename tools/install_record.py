"""Write ``.venv/.installed``: what `make setup` built the virtual environment from.

``make setup`` runs ``.venv/bin/python tools/install_record.py .venv/.installed`` after its
``pip install`` succeeded. The file (JSON) says:

* ``new_venv``: whether this install created the environment (``make setup`` leaves the
  marker ``.venv/.new`` when it runs ``python -m venv``; it is removed here) or installed
  into one that was already there (which may hold packages from earlier installs);
* ``commit``: the git commit checked out (``null`` outside a git clone);
* ``changes``: ``git status --porcelain --untracked-files=all`` at that moment: files
  changed or added beside what the commit holds (ignored files such as ``.venv/`` are not
  listed);
* ``python``: the interpreter's version.

``tests/test_class_setup.py`` reads it: an environment created new by ``make setup`` from a
clean clone of the commit still checked out *is* the fresh environment built from the
repository's files alone, so the test checks that one instead of installing a second copy
(about a minute). Anything else (an older environment, local changes, another commit) and the
test builds its own. Make also keeps using the file's time as the install's stamp.

Usage: ``python tools/install_record.py PATH`` (standard library only).
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    return result.stdout if result.returncode == 0 else None


def checkout_state() -> tuple[str | None, list[str] | None]:
    """The commit checked out and the files changed or added beside it (``None, None`` outside a git clone)."""
    commit = _git("rev-parse", "HEAD")
    if commit is None:
        return None, None
    status = _git("status", "--porcelain", "--untracked-files=all")
    return commit.strip(), status.splitlines() if status is not None else None


def record(venv: Path) -> dict:
    """What the install in ``venv`` was built from (see the module docstring)."""
    commit, changes = checkout_state()
    return {"new_venv": (venv / ".new").exists(), "commit": commit, "changes": changes,
            "python": platform.python_version()}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    stamp = Path(argv[0])
    data = record(stamp.parent)
    stamp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    (stamp.parent / ".new").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
