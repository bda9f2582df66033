"""Generate student versions of the notebooks: the solutions are the source.

A cell tagged ``solution`` (in its metadata ``tags``) is a worked solution. The
student version replaces each run of solution cells by one markdown prompt cell
per exercise that the run answers, and keeps everything else:

* an exercise stated in its own cell (``**Exercise 2.** ...``) and followed by its
  solutions gets one prompt, ``PLACEHOLDER``, right below it;
* several exercises stated together (a numbered list under ``## Exercises``)
  and followed by one run of solutions get one prompt each, labelled
  ``**Exercise N.**`` (see ``placeholder_text``).

An exercise whose solution stores its answer for a *self-check* (a code cell
tagged ``self-check`` after the solution, calling ``check.exercise_N_M(answer_N_M)``,
see ``gumbel_utils.exercises.check``) keeps that cell; its prompt is followed by a code cell
``answer_N_M = ...`` (tag ``answer-stub``), so that the student version runs top to
bottom and each unsolved exercise says "no answer yet" in its own self-check cell.
Self-check cells between or after the solution cells of one run are kept, each with
its stub, after the prompt of its exercise.

Prompt cells (and stubs) carry the tag ``placeholder`` (``is_placeholder``). The student
version is stored the way git stores notebooks (``tools/git_filter.py``): no
outputs, no execution counts, no widget state, no kernel noise, even when the
source notebook was saved after a run.

Usage: ``python tools/make_student.py notebooks student``
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    from git_filter import EXTRA_KEYS  # the keys the git clean filter strips on top of outputs and counts
finally:
    sys.path.pop(0)

SOLUTION_TAG = "solution"
PLACEHOLDER_TAG = "placeholder"
SELF_CHECK_TAG = "self-check"
ANSWER_STUB_TAG = "answer-stub"
PLACEHOLDER = "*Your solution here: add a code cell below this one.*"

#: Metadata that a run or a save adds and a student copy must not carry (nbstripout's defaults plus EXTRA_KEYS).
_STRIPPED_KEYS = (
    "metadata.widgets",
    "metadata.signature",
    "cell.metadata.execution",
    "cell.metadata.ExecuteTime",
    "cell.metadata.collapsed",
    "cell.metadata.scrolled",
    *EXTRA_KEYS,
)

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$", re.MULTILINE)
_EXERCISE_LABEL = re.compile(r"^\s{0,3}(?:\*\*|__)?Exercise\s+(\d+)\b", re.IGNORECASE | re.MULTILINE)
_NUMBERED_ITEM = re.compile(r"^(\d+)[.)]\s", re.MULTILINE)
_CHECKED_ANSWER = re.compile(r"\bexercise_\w+\(\s*([A-Za-z_]\w*)")


def is_solution(cell: nbformat.NotebookNode) -> bool:
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def is_placeholder(cell: nbformat.NotebookNode) -> bool:
    return PLACEHOLDER_TAG in cell.get("metadata", {}).get("tags", [])


def is_self_check(cell: nbformat.NotebookNode) -> bool:
    return SELF_CHECK_TAG in cell.get("metadata", {}).get("tags", [])


def is_answer_stub(cell: nbformat.NotebookNode) -> bool:
    return ANSWER_STUB_TAG in cell.get("metadata", {}).get("tags", [])


def checked_answers(cell: nbformat.NotebookNode) -> list[str]:
    """The answer variables a self-check cell reads: the first argument of each ``exercise_*(...)`` call."""
    return list(dict.fromkeys(_CHECKED_ANSWER.findall(cell.source)))


def answer_stub(names: list[str]) -> str:
    """The student's answer cell: every variable the self-check reads, set to ``...`` (no answer yet)."""
    lines = [f"{name} = ...   # your answer: replace ... (the self-check below reads it)" for name in names]
    return "\n".join(lines)


def placeholder_text(exercise: str | None) -> str:
    """The prompt for one exercise: ``PLACEHOLDER``, labelled when it sits among prompts for other exercises."""
    return PLACEHOLDER if exercise is None else f"**Exercise {exercise}.** {PLACEHOLDER}"


def stated_exercises(markdown: str) -> list[str]:
    """Exercise numbers stated in a piece of markdown: ``**Exercise N.**`` labels, else top-level ``N.`` items."""
    labels = _EXERCISE_LABEL.findall(markdown)
    return labels if labels else _NUMBERED_ITEM.findall(markdown)


def _exercise_part(source: str, in_exercises: bool) -> tuple[str, bool]:
    """The part of a markdown cell inside the exercises section, and whether the section goes on after it."""
    part_start = 0 if in_exercises else None
    for match in _HEADING.finditer(source):
        if "exercise" in match.group(1).lower():
            if part_start is None:
                part_start = match.end()
        elif part_start is not None:  # another section begins: the exercises ended before it
            return source[part_start:match.start()], False
    if part_start is None:
        return "", False
    return source[part_start:], True


def _pop(mapping, dotted: str) -> None:
    head, _, tail = dotted.partition(".")
    if not isinstance(mapping, dict) or head not in mapping:
        return
    if tail:
        _pop(mapping[head], tail)
    else:
        del mapping[head]


def clear_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove (in place) outputs, execution counts and run/save metadata; return ``nb``."""
    for key in _STRIPPED_KEYS:
        namespace, _, rest = key.partition(".")
        if namespace == "metadata":
            _pop(nb.metadata, rest)
        else:
            for cell in nb.cells:
                _pop(cell, rest)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def _prompt_cells(label: str | None, check: nbformat.NotebookNode | None, number: int) -> list:
    """The prompt for one exercise, followed by the answer stub and the self-check cell when there is one."""
    text = placeholder_text(label)
    names = checked_answers(check) if check is not None else []
    if names:
        text += (" Then store your answer in " + ", ".join(f"`{n}`" for n in names)
                 + " (the cell below holds `...` until you do): the self-check after it says whether it is right.")
    prompt = nbformat.v4.new_markdown_cell(text)
    prompt.id = f"placeholder-{number}"  # stable ids: the same student file on every run
    prompt.metadata["tags"] = [PLACEHOLDER_TAG]
    cells = [prompt]
    if names:
        stub = nbformat.v4.new_code_cell(answer_stub(names))
        stub.id = f"answer-stub-{number}"
        stub.metadata["tags"] = [PLACEHOLDER_TAG, ANSWER_STUB_TAG]
        cells.append(stub)
    if check is not None:
        cells.append(copy.deepcopy(check))
    return cells


def strip_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a student copy of ``nb``: solution runs replaced by one prompt per exercise, outputs cleared.

    A run is a sequence of solution cells, with the self-check cells among and right after them.
    Each exercise the run answers gets its prompt; when the run holds one self-check per exercise,
    each prompt is followed by its exercise's answer stub and self-check, else the prompts come first
    and the stubs and self-checks after them, in order. ``nb`` itself is not modified.
    """
    out = nbformat.v4.new_notebook(metadata=copy.deepcopy(nb.metadata))
    out.nbformat, out.nbformat_minor = nb.nbformat, nb.nbformat_minor
    in_exercises = False
    stated: list[str] = []  # exercises stated since the last prompt
    run: list[nbformat.NotebookNode] = []  # the current run of solution and self-check cells
    n_prompts = 0

    def flush() -> None:
        nonlocal n_prompts, stated
        checks = [c for c in run if is_self_check(c)]
        if not any(is_solution(c) for c in run):  # self-checks without a solution: kept as they are
            out.cells.extend(copy.deepcopy(c) for c in checks)
        else:
            labels: list[str | None] = list(stated) if len(stated) > 1 else [None]
            paired = checks if len(checks) == len(labels) else [None] * len(labels)
            for label, check in zip(labels, paired):
                n_prompts += 1
                out.cells.extend(_prompt_cells(label, check, n_prompts))
            if len(checks) != len(labels):
                for check in checks:
                    n_prompts += 1
                    names = checked_answers(check)
                    if names:
                        stub = nbformat.v4.new_code_cell(answer_stub(names))
                        stub.id = f"answer-stub-{n_prompts}"
                        stub.metadata["tags"] = [PLACEHOLDER_TAG, ANSWER_STUB_TAG]
                        out.cells.append(stub)
                    out.cells.append(copy.deepcopy(check))
            stated = []
        run.clear()

    for cell in nb.cells:
        if is_solution(cell) or (is_self_check(cell) and run):
            run.append(cell)
            continue
        if run:
            flush()
        if is_self_check(cell):  # a self-check with no solution before it
            run.append(cell)
            continue
        if cell.cell_type == "markdown":
            part, in_exercises = _exercise_part(cell.source, in_exercises)
            stated += stated_exercises(part)
        out.cells.append(copy.deepcopy(cell))
    if run:
        flush()
    return clear_outputs(out)


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
