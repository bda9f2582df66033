"""Generate student versions of the notebooks: the solutions are the source.

A cell tagged ``solution`` (in its metadata ``tags``) is a worked solution. The
student version replaces each run of solution cells by one markdown cell
inviting the student to write their own, and keeps everything else.

Usage: ``python tools/make_student.py notebooks student``
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

SOLUTION_TAG = "solution"
PLACEHOLDER = "*Your solution here: add a code cell below this one.*"


def is_solution(cell: nbformat.NotebookNode) -> bool:
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def strip_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` with each run of solution cells replaced by one prompt cell."""
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    previous_was_solution = False
    for cell in nb.cells:
        if is_solution(cell):
            if not previous_was_solution:
                out.cells.append(nbformat.v4.new_markdown_cell(PLACEHOLDER))
            previous_was_solution = True
            continue
        previous_was_solution = False
        out.cells.append(cell)
    return out


def main(src: str, dst: str) -> None:
    Path(dst).mkdir(parents=True, exist_ok=True)
    for path in sorted(Path(src).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nbformat.write(strip_solutions(nb), Path(dst) / path.name)
        print(f"{path} -> {Path(dst) / path.name}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
