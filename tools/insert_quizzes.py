"""Put a quiz cell after every Predict prompt and exercise that has one, or check that they are there.

Usage::

    python tools/insert_quizzes.py [--check] [--quiz-dir DIR] [NOTEBOOK.ipynb ...]

Without notebooks it works on every ``notebooks/*.ipynb``. It writes a notebook only when something
changed (a second run changes nothing) and prints one line per notebook. ``--check`` changes nothing
and exits with status 1, listing each problem, when a Predict prompt has no quiz, a quiz cell names an
unknown quiz, a quiz is missing from its place, or a quiz of the question files finds no place.

The questions live in ``gumbel_utils/exercises/quizzes/NN_name.json`` (one file per notebook, matched by
the number ``NN``; see :mod:`gumbel_utils.exercises.quiz`). A quiz cell is a code cell tagged ``quiz``
whose source is :func:`~gumbel_utils.exercises.quiz.quiz_cell_source` (``quiz("02-relaxation-path")``),
with the stable cell id ``quiz-<id>``.

What it keys on (so that prose can be rewritten freely):

* **A Predict prompt** is a markdown cell with a line that starts with ``**Predict`` (bold: "**Predict,
  then move the slider.**", "**Predict.**", "**Predict** before you move τ"); the word in the middle of a
  sentence ("after a **Predict** prompt") is not a prompt. Its quiz goes right after that cell.
* **Which quiz**: an explicit ``<!-- quiz: ID -->`` anywhere in the prompt's cell wins. Otherwise each
  quiz of that notebook says where it belongs: ``{"code": s}``, the first code cell after the prompt (quiz
  cells skipped) contains ``s``, typically the explorer it asks about (``"explore_relaxation_path("``);
  ``{"heading": s}``, the nearest heading above the prompt (in its own cell or before) contains the words
  of ``s``, case, punctuation and LaTeX ignored; or both. Exactly one quiz must match a prompt.
* **An exercise quiz** (``{"exercise": "N.M"}``) goes after the run of cells tagged ``solution`` or
  ``self-check`` that holds the self-check ``check.exercise_N_M(...)``: after the whole run, so that
  ``tools/make_student.py`` still sees one run per exercise block (several quizzes after one run come in
  exercise order).

So rewording a prompt, a heading's number or the text around them changes nothing; renaming the explorer
a prompt precedes or rewriting the heading a ``heading`` key quotes needs the question file's ``where`` (or
an explicit comment) updated, and ``--check`` says so.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
if str(ROOT) not in sys.path:  # run from a checkout without the package installed
    sys.path.insert(0, str(ROOT))

from gumbel_utils.exercises.quiz import QUIZ_TAG, Quiz, load_quizzes, quiz_cell_source  # noqa: E402

__all__ = ["Prompt", "Plan", "find_prompts", "plan_notebook", "apply_plan", "check_notebook", "main"]

PROMPT = re.compile(r"^\s{0,3}(?:[-*]\s+)?\*\*Predict\b", re.MULTILINE)
EXPLICIT = re.compile(r"<!--\s*quiz:\s*([\w.-]+)\s*-->")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+)$", re.MULTILINE)
QUIZ_CALL = re.compile(r"""\bquiz\(\s*["']([^"']+)["']\s*\)""")
SELF_CHECK = "self-check"
SOLUTION = "solution"


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def is_quiz_cell(cell: Any) -> bool:
    """A code cell tagged ``quiz``."""
    return cell.cell_type == "code" and QUIZ_TAG in _tags(cell)


def _words(text: str) -> list[str]:
    """Lower-case words of a heading or key, without markdown, LaTeX commands or punctuation."""
    text = re.sub(r"\\[a-zA-Z]+", " ", text)
    return re.findall(r"[a-z0-9]+", text.lower())


def _contains(words: list[str], key: list[str]) -> bool:
    n = len(key)
    return n > 0 and any(words[i:i + n] == key for i in range(len(words) - n + 1))


def cell_id(quiz_id: str) -> str:
    """The notebook cell id of a quiz cell (nbformat ids allow letters, digits, ``-`` and ``_``)."""
    return "quiz-" + re.sub(r"[^A-Za-z0-9_-]", "-", quiz_id)


@dataclass
class Prompt:
    """A Predict prompt: its cell, the heading it sits under, the code cell it precedes."""

    cell: int
    heading: str
    next_code: str
    explicit: str | None = None

    def describe(self) -> str:
        return f"cell {self.cell} (under '{self.heading[:60]}')"


@dataclass
class Plan:
    """Where each quiz of one notebook goes: after which cell (index in the notebook without quiz cells)."""

    after: dict[int, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    matched: dict[str, str] = field(default_factory=dict)  # quiz id -> what it keyed on

    def place(self, index: int, quiz_id: str) -> None:
        self.after.setdefault(index, []).append(quiz_id)


def find_prompts(cells: list[Any]) -> list[Prompt]:
    """The Predict prompts of a list of cells (quiz cells are not skipped here: pass cells without them)."""
    prompts, heading = [], ""
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        source = cell.source
        match = PROMPT.search(source)
        if match:
            above = HEADING.findall(source[: match.start()])
            here = above[-1] if above else heading
            nxt = next((c.source for c in cells[i + 1:] if c.cell_type == "code" and not is_quiz_cell(c)), "")
            explicit = EXPLICIT.search(source)
            prompts.append(Prompt(i, here.strip(), nxt, explicit.group(1) if explicit else None))
        found = HEADING.findall(source)
        if found:
            heading = found[-1]
    return prompts


def _matches(prompt: Prompt, quiz: Quiz) -> bool:
    where = quiz.where
    if quiz.kind != "predict":
        return False
    if "code" in where and where["code"] not in prompt.next_code:
        return False
    if "heading" in where and not _contains(_words(prompt.heading), _words(where["heading"])):
        return False
    return True


def _exercise_anchor(cells: list[Any], exercise: str) -> int | None:
    """Index of the last cell of the solution/self-check run that holds ``exercise_N_M(``."""
    call = re.compile(rf"\bexercise_{exercise.replace('.', '_')}\(")
    for i, cell in enumerate(cells):
        if cell.cell_type == "code" and SELF_CHECK in _tags(cell) and call.search(cell.source):
            j = i
            while j + 1 < len(cells) and {SOLUTION, SELF_CHECK} & set(_tags(cells[j + 1])):
                j += 1
            return j
    return None


def plan_notebook(cells: list[Any], quizzes: Mapping[str, Quiz], number: str) -> Plan:
    """Where the quizzes of notebook ``number`` go among ``cells`` (the notebook without its quiz cells).

    Parameters
    ----------
    cells : list of nbformat.NotebookNode
        The notebook's cells, quiz cells removed.
    quizzes : mapping of str to Quiz
        Every quiz (:func:`~gumbel_utils.exercises.quiz.load_quizzes`); those of notebook ``number`` are placed.
    number : str
        The notebook's two-digit number.

    Returns
    -------
    Plan
        The placements, what each quiz keyed on, and the problems (a prompt without a quiz, two quizzes for
        one prompt, a quiz without a place).
    """
    plan = Plan()
    own = {qid: q for qid, q in quizzes.items() if q.notebook == number}
    for prompt in find_prompts(cells):
        if prompt.explicit:
            if prompt.explicit not in quizzes:
                plan.problems.append(f"{prompt.describe()}: <!-- quiz: {prompt.explicit} --> names no quiz")
                continue
            hits = [prompt.explicit]
            how = "explicit comment"
        else:
            hits = [qid for qid, q in own.items() if _matches(prompt, q)]
            how = "where " + "; ".join(f"{k}={v!r}" for k, v in own[hits[0]].where.items()) if len(hits) == 1 else ""
        if not hits:
            plan.problems.append(f"{prompt.describe()}: a Predict prompt without a quiz (no quiz of notebook {number} "
                                 f"matches; the next code cell starts {prompt.next_code[:50]!r})")
        elif len(hits) > 1:
            plan.problems.append(f"{prompt.describe()}: several quizzes match ({', '.join(hits)}): make a 'where' "
                                 "more specific or add <!-- quiz: ID --> to the prompt")
        elif hits[0] in plan.matched:
            plan.problems.append(f"{prompt.describe()}: quiz {hits[0]} already placed after another prompt")
        else:
            plan.place(prompt.cell, hits[0])
            plan.matched[hits[0]] = how
    for qid, q in sorted(own.items(), key=lambda kv: kv[1].where.get("exercise", "")):
        if q.kind != "exercise":
            continue
        anchor = _exercise_anchor(cells, q.where["exercise"])
        if anchor is None:
            plan.problems.append(f"quiz {qid}: no self-check cell calls exercise_{q.where['exercise'].replace('.', '_')}(...)")
            continue
        plan.place(anchor, qid)
        plan.matched[qid] = f"after the self-check of exercise {q.where['exercise']}"
    for qid in own:
        if qid not in plan.matched and not any(f"quiz {qid}:" in p for p in plan.problems):
            plan.problems.append(f"quiz {qid}: matches no Predict prompt of notebook {number} (where {dict(own[qid].where)})")
    return plan


def _quiz_cell(quiz_id: str, existing: Mapping[str, Any]) -> Any:
    source = quiz_cell_source(quiz_id)
    old = existing.get(quiz_id)
    if old is not None and old.source == source and old.get("id") == cell_id(quiz_id):
        return old  # unchanged: keep it as it is (and any outputs of the working copy)
    cell = nbformat.v4.new_code_cell(source)
    cell.id = cell_id(quiz_id)
    cell.metadata["tags"] = [QUIZ_TAG]
    return cell


def apply_plan(nb: Any, quizzes: Mapping[str, Quiz], number: str) -> tuple[Any, Plan]:
    """A copy of ``nb`` with exactly the planned quiz cells, each right after its prompt or exercise.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    quizzes : mapping of str to Quiz
    number : str
        The notebook's two-digit number.

    Returns
    -------
    (nbformat.NotebookNode, Plan)
    """
    existing = {}
    for cell in nb.cells:
        if is_quiz_cell(cell):
            found = QUIZ_CALL.search(cell.source)
            if found:
                existing.setdefault(found.group(1), cell)
    cells = [c for c in nb.cells if not is_quiz_cell(c)]
    plan = plan_notebook(cells, quizzes, number)
    out = copy.deepcopy(nb)
    out.cells = []
    for i, cell in enumerate(cells):
        out.cells.append(cell)
        out.cells += [_quiz_cell(qid, existing) for qid in plan.after.get(i, [])]
    return out, plan


def check_notebook(nb: Any, quizzes: Mapping[str, Quiz], number: str) -> list[str]:
    """The problems of a notebook: what ``--check`` reports (an empty list when every prompt has its quiz).

    Parameters
    ----------
    nb : nbformat.NotebookNode
    quizzes : mapping of str to Quiz
    number : str

    Returns
    -------
    list of str
    """
    problems = []
    for i, cell in enumerate(nb.cells):
        if is_quiz_cell(cell):
            found = QUIZ_CALL.search(cell.source)
            if not found:
                problems.append(f"cell {i}: a quiz cell without quiz(\"ID\")")
            elif found.group(1) not in quizzes:
                problems.append(f"cell {i}: quiz({found.group(1)!r}) names no quiz of the question files")
    wanted, plan = apply_plan(nb, quizzes, number)
    problems += plan.problems
    have = [QUIZ_CALL.search(c.source).group(1) if QUIZ_CALL.search(c.source) else "?" for c in nb.cells
            if is_quiz_cell(c)]
    want = [QUIZ_CALL.search(c.source).group(1) for c in wanted.cells if is_quiz_cell(c)]
    if [c.source for c in nb.cells] != [c.source for c in wanted.cells] or have != want:
        missing = [q for q in want if q not in have]
        extra = [q for q in have if q not in want]
        what = []
        if missing:
            what.append(f"missing {missing}")
        if extra:
            what.append(f"not planned {extra}")
        if not what:
            what.append("quiz cells out of place")
        problems.append("quiz cells differ from the plan (" + "; ".join(what) + "): run tools/insert_quizzes.py")
    return problems


def _number(path: Path) -> str:
    return path.name[:2] if path.name[:2].isdigit() else ""


def main(argv: list[str] | None = None) -> int:
    """Command line; returns the exit status (1 when ``--check`` finds problems or a plan has problems).

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*.ipynb")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 listing the problems")
    parser.add_argument("--quiz-dir", type=Path, default=None, help="the question files (default: the package's)")
    args = parser.parse_args(argv)
    quizzes = load_quizzes(args.quiz_dir)
    paths = args.notebooks or sorted(p for p in NOTEBOOKS_DIR.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    status = 0
    placed: set[str] = set()
    for path in paths:
        number = _number(path)
        nb = nbformat.read(path, as_version=4)
        if args.check:
            problems = check_notebook(nb, quizzes, number)
            n = sum(is_quiz_cell(c) for c in nb.cells)
            placed |= {QUIZ_CALL.search(c.source).group(1) for c in nb.cells if is_quiz_cell(c) and QUIZ_CALL.search(c.source)}
            print(f"{path.name}: {n} quiz cells" + ("" if not problems else f", {len(problems)} problems"))
            for p in problems:
                print(f"  {p}")
            status |= bool(problems)
            continue
        new, plan = apply_plan(nb, quizzes, number)
        placed |= {qid for ids in plan.after.values() for qid in ids}
        changed = nbformat.writes(new) != nbformat.writes(nb)
        if changed:
            nbformat.validate(new)
            nbformat.write(new, path)
        n = sum(len(v) for v in plan.after.values())
        print(f"{path.name}: {n} quizzes ({'updated' if changed else 'unchanged'})")
        for qid, how in plan.matched.items():
            print(f"  {qid}: {how}")
        for p in plan.problems:
            print(f"  PROBLEM {p}")
        status |= bool(plan.problems)
    numbers = {_number(p) for p in paths}
    unplaced = sorted(q for q, v in quizzes.items() if v.notebook in numbers and q not in placed)
    if unplaced and not args.notebooks:
        print(f"quizzes with no place in any notebook: {unplaced}")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
