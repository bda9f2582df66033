"""Projector mode: ``make present`` serves the notebooks as apps with Voila, in the projector style.

Voila runs each notebook on its own kernel and shows its markdown, figures and live
widgets, never its code. The kernels get ``GUMBEL_UTILS_PROJECTOR=1``, which
``gumbel_utils.viz.style.projector_style`` reads when a figure is styled (larger text,
thicker lines, the course's Okabe-Ito colours): the notebooks themselves are not changed.
The notebook list opens in the browser; pick a notebook to present it.

Usage: ``python tools/present.py [--port 8866] [VOILA_ARGS ...]`` (``make present PRESENT_PORT=...``).
Voila needs no ``--allow-root`` flag (it refuses nothing as root); it listens on
localhost only unless ``--Voila.ip=...`` is given.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
#: Holds voila/templates/projector: Voila's `lab` page with larger text and unstretched figures.
TEMPLATES = Path(__file__).resolve().parent / "projector"
PROJECTOR_ENV = {"GUMBEL_UTILS_PROJECTOR": "1"}


def present_command(port: int = 8866, extra: list[str] | None = None, *, notebooks_dir: Path = NOTEBOOKS_DIR,
                    python: str = sys.executable) -> list[str]:
    """The Voila command line of ``make present`` (the browser test runs the same one).

    Parameters
    ----------
    port : int
        Port of the server.
    extra : list of str, optional
        Further Voila arguments (``--no-browser``, ``--Voila.ip=...``).
    notebooks_dir : Path
        The folder served (every notebook in it is listed).
    python : str
        The Python whose Voila runs (the course's virtual environment).
    """
    return [
        python, "-m", "voila", str(notebooks_dir),
        f"--port={port}",
        "--Voila.port_retries=0",
        "--strip_sources=True",  # apps: markdown, figures and widgets, no code
        "--theme=light",
        "--template=projector",
        *(extra or []),
    ]


def present_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the server and its kernels: projector mode on, the projector page, no forced backend."""
    env = dict(os.environ if base is None else base)
    env.pop("MPLBACKEND", None)
    env.update(PROJECTOR_ENV)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATES), env.get("JUPYTER_PATH", "")) if p)
    return env


def main(argv: list[str]) -> None:
    port = 8866
    rest = []
    for arg in argv:
        if arg.startswith("--port="):
            port = int(arg.split("=", 1)[1])
        else:
            rest.append(arg)
    command = present_command(port, rest)
    print("projector mode (GUMBEL_UTILS_PROJECTOR=1):", " ".join(command[2:]), flush=True)
    os.execve(command[0], command, present_env())


if __name__ == "__main__":
    main(sys.argv[1:])
