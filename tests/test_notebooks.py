"""Every notebook of the collection: stored clean, structured as CONTRIBUTING.md says, runs clean and repeatably.

Parametrised over ``notebooks/*.ipynb``, so a notebook that lands later is
covered without editing this file. Execution uses nbclient on a fresh
``python3`` kernel with ``PYTHONWARNINGS=default``: a warning prints to stderr,
and any stderr output fails. Each notebook is executed once (``_qa.executed_run``,
shared with every other test that reads it): the clean-run gate, the budget, the
self-checks, the folded worked solutions. Its student version is executed once too:
in JupyterLab by ``tests/test_browser.py`` when that test is selected and Chromium is
there, else here with nbclient; that run gives the student gate and the determinism
check (every cell the two versions share prints the same text).
"""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest

import _gitfilter
import _qa
import make_student  # tools/ (pyproject.toml: pythonpath)
import reading_time

NOTEBOOKS = _qa.discover_notebooks()
IDS = [p.stem for p in NOTEBOOKS]

pytestmark = pytest.mark.skipif(not NOTEBOOKS, reason=f"no notebooks in {_qa.NOTEBOOKS_DIR}")


def _read(path):
    return nbformat.read(path, as_version=4)


def _markdown(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


# --------------------------------------------------------------------------- stored form


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_without_outputs(path):
    """What git would commit (the working copy through the clean filter, see tests/_gitfilter.py) is clean.

    The working copy itself may hold outputs: teaching from it must not fail the tests.
    """
    stored = _gitfilter.committed_form(path)
    problems = _gitfilter.stored_notebook_problems(stored.text, f"{path.name} ({stored.how})")
    assert not problems, "\n".join(problems)
    problem = _gitfilter.stored_form_problem(stored)
    assert problem is None, f"{path.name} ({stored.how}): {problem}"


def test_stored_form_rules_catch_what_a_run_leaves():
    """The stored-form rules pass a stored notebook and name each thing a run or an old kernelspec leaves."""
    stored = _gitfilter.committed_form(NOTEBOOKS[0])
    assert _gitfilter.stored_notebook_problems(stored.text, "clean") == []
    nb = nbformat.reads(stored.text, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[0].execution_count = 1
    code[1].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    code[2].metadata["execution"] = {"iopub.execute_input": "2026-12-04T00:00:00Z"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.metadata["kernelspec"]["display_name"] = "Python 3 (old)"
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    problems = _gitfilter.stored_notebook_problems(nbformat.writes(nb), "dirty")
    for words in ("outputs or execution counts", "widget state", "timestamps", "kernelspec", "language_info"):
        assert sum(words in p for p in problems) == 1, (words, problems)
    assert len(problems) == 5, problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_structure(path):
    nb = _read(path)
    assert nb.cells, f"{path.name} is empty"
    first = nb.cells[0]
    assert first.cell_type == "markdown", f"{path.name}: the first cell must be markdown (title, goals, prerequisites)"
    for needed in ("learning goals", "prerequisites"):
        assert needed in first.source.lower(), f"{path.name}: the first cell lacks '{needed}'"

    markdown = _markdown(nb)
    assert any(re.search(r"\bpredict", m, re.IGNORECASE) for m in markdown), (
        f"{path.name}: no 'Predict' prompt before a slider"
    )

    headings = [((i, j), line.lower()) for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                for j, line in enumerate(c.source.splitlines()) if line.lstrip().startswith("#")]
    summary = [at for at, h in headings if "summary" in h]
    exercises = [at for at, h in headings if "exercise" in h]
    assert summary, f"{path.name}: no '# Summary' heading"
    assert exercises, f"{path.name}: no '# Exercises' heading"
    assert min(summary) < max(exercises), f"{path.name}: the summary must come before the exercises"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_solutions_collapsed(path):
    """Worked solutions stay hidden, also after Run All in JupyterLab.

    JupyterLab re-expands a collapsed markdown cell when it renders it, so a
    markdown solution must sit inside a closed ``<details>`` block. Running a
    code cell un-collapses its output too, so a code solution has its source
    collapsed and prints inside ``solution_output()``, which folds the printed
    answer into a closed ``<details>`` block (checked live by the browser test).
    """
    nb = _read(path)
    open_solutions = []
    for i, c in enumerate(nb.cells):
        if "solution" not in _qa.cell_tags(c):
            continue
        hidden = c.get("metadata", {}).get("jupyter", {})
        if c.cell_type == "markdown":
            source = c.source.strip()
            ok = source.startswith("<details>") and source.endswith("</details>") and "<details open" not in source
        else:
            ok = hidden.get("source_hidden", False) and "with solution_output(" in c.source
        if not ok:
            open_solutions.append(i)
    assert not open_solutions, (
        f"{path.name}: solution cells {open_solutions} are not hidden (markdown: wrap in <details>...</details>; "
        "code: metadata.jupyter.source_hidden = true and print inside `with solution_output():`)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_version_has_no_solutions(path):
    nb = _read(path)
    student = make_student.strip_solutions(nb)
    nbformat.validate(student)
    assert not any("solution" in _qa.cell_tags(c) for c in student.cells)
    kept = [c for c in nb.cells if "solution" not in _qa.cell_tags(c)]
    assert [c.source for c in student.cells if not make_student.is_placeholder(c)] == [c.source for c in kept]


OPTIONAL_LINE = "*Optional: skip in a 90-minute class.*"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_long_notebooks_mark_their_optional_sections(path):
    """A notebook of more than 20 minutes says which sections a 90-minute class skips (docs/teaching.md's cut list).

    An optional section keeps its heading (other notebooks link to it) and has the line OPTIONAL_LINE right below it.
    """
    nb = _read(path)
    stated = reading_time.stated_time(nb)
    assert stated, f"{path.name}: the first cells state no '**Time:** N to M minutes' (tools/reading_time.py --write)"
    marked = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = [line for line in cell.source.splitlines() if line.strip()]
        marked += [h for h, nxt in zip(lines, lines[1:]) if h.lstrip().startswith("#") and nxt.strip() == OPTIONAL_LINE]
    stray = sum(c.source.count(OPTIONAL_LINE) for c in nb.cells if c.cell_type == "markdown") - len(marked)
    assert not stray, f"{path.name}: '{OPTIONAL_LINE}' must come right below a section heading"
    if stated[0] > 20:
        assert marked, (f"{path.name} takes {stated[0]} to {stated[1]} minutes: mark the sections a 90-minute class skips "
                        f"with the line '{OPTIONAL_LINE}' below their heading (and list them in docs/teaching.md)")


# --------------------------------------------------------------------------- tools/make_student.py


def _toy_notebook():
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cells = [v4.new_markdown_cell("# T"), v4.new_markdown_cell("## Exercises\n1. do it")]
    for source in ("answer = 42", "print(answer)"):
        cell = v4.new_code_cell(source)
        cell.metadata["tags"] = ["solution"]
        cell.metadata["jupyter"] = {"source_hidden": True}
        cells.append(cell)
    cells.append(v4.new_markdown_cell("2. and this"))
    last = v4.new_markdown_cell("Because ...")
    last.metadata["tags"] = ["solution"]
    cells.append(last)
    nb.cells = cells
    return nb


def test_make_student_strips_solution_runs():
    nb = _toy_notebook()
    out = make_student.strip_solutions(nb)
    sources = [c.source for c in out.cells]
    assert sources == ["# T", "## Exercises\n1. do it", make_student.PLACEHOLDER, "2. and this", make_student.PLACEHOLDER]
    assert len(nb.cells) == 6, "strip_solutions must not modify its input"


@pytest.mark.slow
def test_make_student_command_line(tmp_path):
    src, dst = tmp_path / "nbs", tmp_path / "student"
    src.mkdir()
    nbformat.write(_toy_notebook(), src / "01_toy.ipynb")
    result = subprocess.run(
        [sys.executable, str(_qa.ROOT / "tools" / "make_student.py"), str(src), str(dst)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    out = nbformat.read(dst / "01_toy.ipynb", as_version=4)
    nbformat.validate(out)
    assert not any("solution" in _qa.cell_tags(c) for c in out.cells)
    assert "answer = 42" not in nbformat.writes(out)


# --------------------------------------------------------------------------- execution
#
# Each notebook is executed once (``_qa.executed_run``: shared by every test, worker and, when clean,
# later session), and its student version once (here, or in JupyterLab by tests/test_browser.py: the
# fixture ``student_versions_in_jupyterlab`` says which); both are compared for determinism. The tests of one
# notebook share a pytest-xdist worker (group ``notebook-<stem>``), so no worker waits for another's run.

STUDENT = [p for p in NOTEBOOKS if _qa.has_student_version(p)]


@pytest.mark.slow
@pytest.mark.parametrize("path", _qa.notebook_params(NOTEBOOKS))
def test_runs_clean_and_fast(path):
    run = _qa.executed_run(path)
    problems = _qa.problem_outputs(run.nb)
    assert not problems, f"{path.name} ({run.seconds:.1f} s): errors or stderr/warnings:\n" + "\n".join(problems)
    budget, used = _qa.notebook_budget(path), _qa.budget_seconds(run)
    assert used < budget, (f"{path.name}: Run All used {used:.1f} s of kernel CPU on a fresh kernel (budget {budget:.0f} s; "
                           f"wall time {run.seconds:.1f} s)")
    print(f"{path.name}: kernel CPU {run.kernel_cpu_s:.1f} s, wall {run.seconds:.1f} s (budget {budget:.0f} s)")


_CLOSED_DETAILS = re.compile(r"^\s*<details>.*</details>\s*$", re.DOTALL)


@pytest.mark.slow
@pytest.mark.parametrize("path", _qa.notebook_params(NOTEBOOKS))
def test_worked_solution_outputs_are_folded(path):
    """After the run, everything a code solution shows sits in a closed ``<details>`` (``solution_output()``).

    JupyterLab shows an output's HTML, so a learner sees nothing of the solution without clicking;
    ``tests/test_lab_workflow.py`` checks it in JupyterLab itself for notebook 0.
    """
    run = _qa.executed_run(path)
    shown = []
    for index, cell in enumerate(run.nb.cells):
        if cell.cell_type != "code" or "solution" not in _qa.cell_tags(cell):
            continue
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            if not _CLOSED_DETAILS.match(html) or "<details open" in html:
                shown.append(f"cell {index}: a {out.get('output_type')} output "
                             f"({', '.join(out.get('data', {})) or out.get('name', '')}) outside a closed <details>")
    assert not shown, f"{path.name}: worked solutions visible without a click:\n" + "\n".join(shown)


@pytest.mark.slow
@pytest.mark.parametrize("path", _qa.notebook_params(NOTEBOOKS))
def test_self_checks_pass_on_the_worked_solutions(path):
    """Each exercise's self-check cell (tag `self-check`, see gumbel_utils.exercises.check) says ✓ after its worked solution."""
    run = _qa.executed_run(path)
    failed = []
    for index, cell in enumerate(run.nb.cells):
        if "self-check" in _qa.cell_tags(cell):
            text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))
            if not text.startswith("✓"):
                failed.append(f"cell {index}: {text or 'no output'}")
    assert not failed, f"{path.name}: self-checks that the worked solutions do not pass:\n" + "\n".join(failed)


@pytest.mark.slow
@pytest.mark.parametrize("path", _qa.notebook_params(STUDENT))
def test_student_version_runs_and_every_self_check_says_no_answer_yet(path, student_versions_in_jupyterlab):
    """`make student`'s notebook on a fresh kernel: no error anywhere; each unsolved exercise says so in its check.

    Where this session runs the student version in JupyterLab (``tests/test_browser.py``), that run is
    the one checked, there; otherwise it is executed here with nbclient.
    """
    if path.name in student_versions_in_jupyterlab:
        pytest.skip(f"student {path.name} runs in JupyterLab in this session (tests/test_browser.py checks it)")
    problems = _qa.student_run_problems(_qa.executed_run(_qa.student_notebook(path)).nb)
    assert not problems, f"student {path.name}:\n" + "\n".join(problems)


def _compare(path, first, second, pairs, what: tuple[str, str]) -> None:
    """Assert that the cells ``pairs`` = [(index in first, index in second)] print the same text."""
    differences = _qa.text_differences(first, second, pairs, what)
    assert not differences, f"{path.name}: " + "\n".join(differences[:3])


@pytest.mark.slow
@pytest.mark.parametrize("path", _qa.notebook_params(NOTEBOOKS))
def test_text_outputs_repeat_on_a_fresh_kernel(path, student_versions_in_jupyterlab):
    """Every cell but the worked solutions prints the same text on two fresh kernels.

    The second kernel is the student version's (``make student``, executed anyway for its own gate):
    it runs every cell of the notebook but the worked solutions, in order, so each cell they share is
    compared (the self-checks answer differently by design, and cells tagged `nondeterministic` are
    left out); where the student version runs in JupyterLab, ``tests/test_browser.py`` compares that
    run's outputs with the full run's. A notebook without exercises is compared with a second full run.
    """
    if path.name in student_versions_in_jupyterlab:
        pytest.skip(f"student {path.name} runs in JupyterLab in this session (tests/test_browser.py compares it)")
    full = _qa.executed_run(path).nb
    if path not in STUDENT:
        _compare(path, full, _qa.executed_run(path, run=1).nb, [(i, i) for i in range(len(full.cells))],
                 ("run 1", "run 2"))
        return
    student = _qa.executed_run(_qa.student_notebook(path)).nb
    _compare(path, full, student, _qa.student_pairs(full, student), ("the full run", "the student version's run"))


@pytest.mark.slow
@pytest.mark.parametrize("path", _qa.notebook_params(STUDENT))
def test_worked_solutions_repeat_on_a_fresh_kernel(path):
    """The cells the student version leaves out (worked solutions, self-checks) print the same text on a second run.

    A second full run costs as much as the first, so it is done for the notebooks with the default budget
    (``_qa.DEFAULT_NOTEBOOK_BUDGET_S``, the short ones); in the others, the worked solutions are checked
    for determinism by nothing but their self-checks, which pass on every run.
    """
    budget = _qa.notebook_budget(path)
    if budget > _qa.DEFAULT_NOTEBOOK_BUDGET_S:
        pytest.skip(f"{path.name} has a budget of {budget:.0f} s: its worked solutions are not run twice")
    first = _qa.executed_run(path).nb
    pairs = [(i, i) for i, c in enumerate(first.cells) if {"solution", "self-check"} & set(_qa.cell_tags(c))]
    _compare(path, first, _qa.executed_run(path, run=1).nb, pairs, ("run 1", "run 2"))


@pytest.mark.slow
def test_the_gate_sees_warnings_and_errors(tmp_path):
    """The execution gate itself: a warning, an error and a stray address are caught; inline figures do not warn."""
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        v4.new_code_cell("import numpy as np\nnp.exp(np.float64(1000.0))"),
        v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.show()"),
        v4.new_code_cell("1 / 0"),
        v4.new_code_cell("print('still runs')"),
    ]
    path = tmp_path / "gate.ipynb"
    nbformat.write(nb, path)
    run = _qa.execute_notebook(path)
    problems = _qa.problem_outputs(run.nb)
    assert any("RuntimeWarning" in p and p.startswith("cell 0") for p in problems), problems
    assert any("ZeroDivisionError" in p and p.startswith("cell 2") for p in problems), problems
    assert not any(p.startswith("cell 1") for p in problems), f"an inline figure warned: {problems}"
    assert ("stdout" in [k for _, k, _ in _qa.text_outputs(run.nb)]), "execution stopped at the error"
    assert any(o.get("output_type") == "display_data" and "image/png" in o.get("data", {})
               for o in run.nb.cells[1].outputs), "no inline figure: the kernel inherited a non-inline backend"
