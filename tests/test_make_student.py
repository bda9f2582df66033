"""``tools/make_student.py``: one "Your solution here" cell per exercise, no solution left, nothing from a run.

Checked on every notebook of ``notebooks/`` (present and future) and on small
made-up notebooks for the two exercise layouts the course uses: an exercise
per cell followed by its solutions (notebook 1), and a numbered list of
exercises followed by one run of solutions (notebooks 2 and 3).
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys

import nbformat
import pytest

import _gitfilter
import _qa
import make_student  # tools/ (pyproject.toml: pythonpath)

NOTEBOOKS = _qa.discover_notebooks()
IDS = [p.stem for p in NOTEBOOKS]
v4 = nbformat.v4

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
_LABEL = re.compile(r"^\s{0,3}(?:\*\*)?Exercise\s+(\d+)", re.IGNORECASE)
_ITEM = re.compile(r"^(\d+)[.)]\s")
_PLACEHOLDER_LABEL = re.compile(r"^\*\*Exercise (\d+)\.\*\* ")


def _read(path):
    return nbformat.read(path, as_version=4)


def _exercise_lines(cell, in_section: bool) -> tuple[list[str], bool]:
    """Exercise numbers a markdown cell states inside the exercises section, and whether the section goes on."""
    labels, items = [], []
    for line in cell.source.splitlines():
        heading = _HEADING.match(line)
        if heading:
            in_section = "exercise" in heading.group(1).lower()
            continue
        if in_section:
            if (m := _LABEL.match(line)):
                labels.append(m.group(1))
            elif (m := _ITEM.match(line)):
                items.append(m.group(1))
    return (labels or items), in_section


def placeholder_claims(student) -> tuple[list[str], list[str], list[str]]:
    """Walk a student notebook: (exercises stated, exercises claimed by a placeholder in order, problems)."""
    stated, claimed, problems = [], [], []
    in_section = False
    for index, cell in enumerate(student.cells):
        if make_student.is_answer_stub(cell):  # the code cell after a prompt that sets answer_N_M = ...
            continue
        if make_student.is_placeholder(cell):
            label = _PLACEHOLDER_LABEL.match(cell.source)
            if label:
                number = label.group(1)
            else:
                open_ = [n for n in stated if n not in claimed]
                if not open_:
                    problems.append(f"cell {index}: a placeholder with no exercise stated before it")
                    continue
                number = open_[-1]
            if number not in stated:
                problems.append(f"cell {index}: placeholder for exercise {number}, which is not stated before it")
            elif number in claimed:
                problems.append(f"cell {index}: a second placeholder for exercise {number}")
            claimed.append(number)
            if make_student.PLACEHOLDER not in cell.source:
                problems.append(f"cell {index}: placeholder without the prompt text")
        elif cell.cell_type == "markdown":
            numbers, in_section = _exercise_lines(cell, in_section)
            stated += numbers
    return stated, claimed, problems


def _with_outputs(nb):
    """A copy of ``nb`` as JupyterLab saves it after Run All: outputs, counts, widget state, kernel details."""
    nb = copy.deepcopy(nb)
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        cell.outputs = [
            v4.new_output("stream", name="stdout", text=f"printed by cell {count}: answer = 42\n"),
            v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}),
            v4.new_output("execute_result", data={"text/plain": "42"}, execution_count=count),
        ]
        cell.metadata["execution"] = {"iopub.status.busy": "2026-11-27T10:00:00.000Z"}
        cell.metadata["collapsed"] = False
        cell.metadata.setdefault("jupyter", {})["outputs_hidden"] = False
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2,
                                                                             "version_minor": 0}}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python",
                                    "codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                                    "nbconvert_exporter": "python", "pygments_lexer": "ipython3"}
    return nb


def _run_problems(nb) -> list[str]:
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            problems.append(f"cell {index}: outputs or an execution count")
        metadata = cell.get("metadata", {})
        for key in ("execution", "collapsed", "ExecuteTime", "scrolled"):
            if key in metadata:
                problems.append(f"cell {index}: metadata.{key}")
        if "outputs_hidden" in metadata.get("jupyter", {}):
            problems.append(f"cell {index}: metadata.jupyter.outputs_hidden")
    if "widgets" in nb.metadata:
        problems.append("metadata.widgets (saved widget state)")
    if set(nb.metadata.get("language_info", {})) - {"name"}:
        problems.append(f"metadata.language_info has {sorted(nb.metadata['language_info'])}")
    return problems


def _distinctive_solution_lines(nb) -> list[str]:
    """Lines of solution cells that appear in no other cell (so finding one in a student version is a leak)."""
    others = "\n".join(c.source for c in nb.cells if "solution" not in _qa.cell_tags(c))
    lines = []
    for cell in nb.cells:
        if "solution" in _qa.cell_tags(cell):
            for line in cell.source.splitlines():
                text = line.strip()
                if len(text) >= 12 and text not in others and not text.startswith(("<details", "</details", "<summary")):
                    lines.append(text)
    return lines


# --------------------------------------------------------------------------- every notebook of the course


@pytest.mark.skipif(not NOTEBOOKS, reason=f"no notebooks in {_qa.NOTEBOOKS_DIR}")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_exercise_gets_its_own_placeholder(path):
    nb = _read(path)
    student = make_student.strip_solutions(nb)
    nbformat.validate(student)
    stated, claimed, problems = placeholder_claims(student)
    assert not problems, f"{path.name}: " + "; ".join(problems)
    assert stated, f"{path.name}: no exercise found under the '## Exercises' heading"
    missing = [n for n in stated if n not in claimed]
    assert not missing, (
        f"{path.name}: exercises {missing} get no 'Your solution here' cell in the student version "
        "(give each exercise a worked solution: cells tagged `solution` after it)"
    )
    assert len(claimed) == len(stated), f"{path.name}: {len(claimed)} placeholders for exercises {stated}"


@pytest.mark.skipif(not NOTEBOOKS, reason=f"no notebooks in {_qa.NOTEBOOKS_DIR}")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_solution_survives(path):
    nb = _with_outputs(_read(path))  # as saved after a run: solution outputs too
    student = make_student.strip_solutions(nb)
    text = nbformat.writes(student)
    assert not any("solution" in _qa.cell_tags(c) for c in student.cells)
    leaked = [line for line in _distinctive_solution_lines(nb) if line in text]
    assert not leaked, f"{path.name}: solution text in the student version: {leaked[:3]}"
    assert "answer = 42" not in text, f"{path.name}: an output survived"


@pytest.mark.skipif(not NOTEBOOKS, reason=f"no notebooks in {_qa.NOTEBOOKS_DIR}")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_and_counts_stripped_from_a_run_notebook(path):
    nb = _with_outputs(_read(path))
    before = nbformat.writes(nb)
    student = make_student.strip_solutions(nb)
    problems = _run_problems(student)
    assert not problems, f"{path.name} (saved after a run) -> student version with: " + "; ".join(problems[:5])
    assert nbformat.writes(nb) == before, "strip_solutions modified its input"


# --------------------------------------------------------------------------- the two layouts


def _solution(source: str, cell_type: str = "code"):
    cell = v4.new_code_cell(source) if cell_type == "code" else v4.new_markdown_cell(source)
    cell.metadata["tags"] = ["solution"]
    if cell_type == "code":
        cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


def _notebook(cells):
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = cells
    return nb


def _list_layout():
    return _notebook([
        v4.new_markdown_cell("# T\n\nLearning goals ...\n\n## Summary\n\n1. not an exercise\n2. nor this"),
        v4.new_markdown_cell("## Exercises\n\n1. First.\n   1. a sub-item, not an exercise\n2. Second.\n3. Third."),
        _solution("# Solution 1\nfirst_answer = 1"),
        _solution("*Why:* the first reason", "markdown"),
        _solution("# Solution 2\nsecond_answer = 2"),
        _solution("# Solution 3\nthird_answer = 3"),
        v4.new_markdown_cell("## Further reading\n\n1. a paper"),
    ])


def _cell_layout():
    return _notebook([
        v4.new_markdown_cell("# T"),
        v4.new_markdown_cell("## Exercises\n\n**Exercise 1.** Derive it.\n1. step one\n2. step two"),
        _solution("derived = True"),
        _solution("Because ...", "markdown"),
        v4.new_markdown_cell("**Exercise 2.** Measure it."),
        _solution("measured = 2"),
    ])


def test_list_of_exercises_gets_one_labelled_placeholder_each():
    student = make_student.strip_solutions(_list_layout())
    sources = [c.source for c in student.cells]
    assert sources[2:5] == [make_student.placeholder_text(n) for n in ("1", "2", "3")]
    assert [c.source for c in student.cells if not make_student.is_placeholder(c)] == [
        c.source for c in _list_layout().cells if "solution" not in _qa.cell_tags(c)
    ]
    stated, claimed, problems = placeholder_claims(student)
    assert (stated, claimed, problems) == (["1", "2", "3"], ["1", "2", "3"], [])


def test_exercise_per_cell_gets_one_plain_placeholder_below_it():
    student = make_student.strip_solutions(_cell_layout())
    sources = [c.source for c in student.cells]
    assert sources == ["# T", _cell_layout().cells[1].source, make_student.PLACEHOLDER,
                       "**Exercise 2.** Measure it.", make_student.PLACEHOLDER]
    assert placeholder_claims(student) == (["1", "2"], ["1", "2"], [])


def test_same_student_file_every_time():
    nb = _list_layout()
    first = nbformat.writes(make_student.strip_solutions(nb))
    assert nbformat.writes(make_student.strip_solutions(nb)) == first, "placeholder ids must be stable"


@pytest.mark.slow
def test_command_line_strips_a_notebook_saved_after_a_run(tmp_path):
    """`make student` on notebooks saved with outputs: student files without them, in the stored form git keeps."""
    src, dst = tmp_path / "notebooks", tmp_path / "student"
    src.mkdir()
    nbformat.write(_with_outputs(_list_layout()), src / "01_list.ipynb")
    nbformat.write(_with_outputs(_cell_layout()), src / "02_cells.ipynb")
    result = subprocess.run([sys.executable, str(_qa.ROOT / "tools" / "make_student.py"), str(src), str(dst)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    for name in ("01_list.ipynb", "02_cells.ipynb"):
        text = (dst / name).read_text(encoding="utf-8")
        out = nbformat.reads(text, as_version=4)
        nbformat.validate(out)
        assert not _run_problems(out), f"{name}: {_run_problems(out)}"
        assert "answer = 42" not in text and "_answer = " not in text and "measured = 2" not in text
        assert _gitfilter.strip(text) == text, f"{name}: the git filter would still change the student file"


# --------------------------------------------------------------------------- self-check cells (gumbel_utils.exercises.check)


def _self_check(exercise: str):
    cell = v4.new_code_cell(f"from gumbel_utils.exercises import check\ncheck.exercise_{exercise}(answer_{exercise})")
    cell.metadata["tags"] = ["self-check"]
    return cell


def test_each_prompt_gets_an_answer_stub_and_keeps_its_self_check():
    """Prompt, `answer_N_M = ...`, self-check: in both layouts, so the student version runs top to bottom."""
    listed = _list_layout()
    listed.cells[3:3] = [_self_check("9_1")]  # after solution 1's code cell, before its markdown
    listed.cells.insert(6, _self_check("9_2"))
    listed.cells.insert(8, _self_check("9_3"))
    per_cell = _cell_layout()
    per_cell.cells.insert(3, _self_check("8_1"))
    per_cell.cells.append(_self_check("8_2"))
    for nb, exercises in ((listed, ["9_1", "9_2", "9_3"]), (per_cell, ["8_1", "8_2"])):
        student = make_student.strip_solutions(nb)
        kinds = ["stub" if make_student.is_answer_stub(c) else "prompt" if make_student.is_placeholder(c)
                 else "check" if make_student.is_self_check(c) else "other" for c in student.cells]
        body = [k for k in kinds if k != "other"]
        assert body == ["prompt", "stub", "check"] * len(exercises), kinds
        stubs = [c.source for c in student.cells if make_student.is_answer_stub(c)]
        assert [s.split(" = ")[0] for s in stubs] == [f"answer_{e}" for e in exercises]
        assert all(" = ...   #" in s for s in stubs)
        prompts = [c.source for c in student.cells if make_student.is_placeholder(c) and not make_student.is_answer_stub(c)]
        assert all(f"`answer_{e}`" in p for p, e in zip(prompts, exercises))
        stated, claimed, problems = placeholder_claims(student)
        assert not problems and claimed == stated
        checks = [c.source for c in nb.cells if "self-check" in _qa.cell_tags(c)]
        assert [c.source for c in student.cells if make_student.is_self_check(c)] == checks
        assert nbformat.writes(make_student.strip_solutions(nb)) == nbformat.writes(student), "stable ids"
