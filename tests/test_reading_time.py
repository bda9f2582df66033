"""Stated times are the estimate of ``tools/reading_time.py`` on the executed notebook (issue 17, item 10)."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import _qa

import reading_time as rt  # tools/ (pyproject.toml: pythonpath)

NOTEBOOKS = _qa.discover_notebooks()


def _notebook() -> nbformat.NotebookNode:
    code = new_code_cell("# a comment\nx = explore_thing(tau=1)\n\ncheck.exercise_9_1(answer_9_1)\n")
    code.outputs = [new_output("stream", name="stdout", text="row 1\nrow 2\n"),
                    new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})]
    return new_notebook(cells=[
        new_markdown_cell("# 9. Demo\n\n**Time:** about 5 minutes.\n\nSome words with $x$ and\n$$y = 1$$\n"),
        code])


def test_features_count_what_a_student_reads():
    counts = rt.features(_notebook())
    assert counts == {"words": 11, "display_equations": 1, "code_lines": 2, "figures": 1, "printed_lines": 2,
                      "explorers": 1, "exercises": 1}


def test_estimate_is_the_weighted_sum_and_rounds_outwards():
    est = rt.estimate(_notebook())
    counts = est.counts
    assert est.low == pytest.approx(sum(counts[k] * rt.RATES[k][0] for k in rt.RATES))
    assert est.high == pytest.approx(sum(counts[k] * rt.RATES[k][1] for k in rt.RATES))
    assert (est.exercises_low, est.exercises_high) == rt.EXERCISE_MINUTES
    low, high, exercises = est.stated()
    assert low <= est.low and high >= est.high and low % 5 == high % 5 == 0 and exercises == 10


def test_write_replaces_the_old_sentence_and_check_passes(tmp_path):
    src, ran = tmp_path / "src", tmp_path / "ran"
    src.mkdir(), ran.mkdir()
    nb = _notebook()
    nbformat.write(nb, ran / "09_demo.ipynb")
    nb.cells[1].outputs = []
    nbformat.write(nb, src / "09_demo.ipynb")
    args = ["--notebooks", str(src), "--executed", str(ran)]
    assert rt.main([*args, "--check"]) == 1
    rt.main([*args, "--write"])
    assert rt.main([*args, "--check"]) == 0
    first = json.loads((src / "09_demo.ipynb").read_text())["cells"][0]["source"]
    assert "about 5 minutes" not in "".join(first)
    assert rt.stated_time(nbformat.read(src / "09_demo.ipynb", as_version=4)) == rt.estimate(nbformat.read(ran / "09_demo.ipynb", as_version=4)).stated()


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stated_time_is_the_estimate(path):
    """The first cell states the estimate on the executed notebook (``python tools/reading_time.py --write``)."""
    stated = rt.stated_time(nbformat.read(path, as_version=4))
    est = rt.estimate(_qa.executed_notebook(path))
    assert stated == est.stated(), (f"{path.name} states {stated}, the estimate is {est.stated()}: "
                                    f"write '{rt.time_sentence(est)}' (python tools/reading_time.py --write)")


TEACHING = _qa.ROOT / "docs" / "teaching.md"


def test_sections_split_cells_at_headings_and_label_by_number():
    nb = new_notebook(cells=[new_markdown_cell("# 9. T\n\nintro\n\n## 1. One\ntext\n## A look\nmore"),
                             new_code_cell("x = 1"), new_markdown_cell("## 2 · Two\nwords here")])
    parts = rt.sections(nb)
    assert list(parts) == ["intro", "1", "A look", "2"]
    assert [c["cell_type"] for c in parts["A look"]] == ["markdown", "code"]
    assert rt.presented_minutes(nb, ["2"]) == pytest.approx(4 * rt.PRESENTED_RATES["words"])
    with pytest.raises(KeyError, match="no section"):
        rt.presented_minutes(nb, ["3"])


def _plan() -> list:
    return rt.plan_rows(TEACHING.read_text(encoding="utf-8"))


def test_plan_is_contiguous_and_fills_the_lesson():
    rows = _plan()
    assert rows, "no plan rows found in docs/teaching.md"
    assert rows[0].start == 0 and all(a.end == b.start for a, b in zip(rows, rows[1:]))
    lesson = int(re.search(r"^#\s.*?(\d+)-minute", TEACHING.read_text(encoding="utf-8"), flags=re.M).group(1))
    assert rows[-1].end == lesson


def test_plan_presents_no_optional_section():
    """A section marked *Optional: skip in a 90-minute class.* is not in the plan."""
    for row in _plan():
        path = next(p for p in NOTEBOOKS if p.name.startswith(f"{row.notebook:02d}_"))
        parts = rt.sections(nbformat.read(path, as_version=4))
        optional = {label for label, cells in parts.items()
                    if any("Optional: skip in a 90-minute class" in c["source"] for c in cells[:2])}
        assert not optional & set(row.labels), f"row {row.start}-{row.end} presents optional {optional & set(row.labels)}"


@pytest.mark.slow
def test_plan_rows_fit_their_presentation_estimate():
    """Each row lasts 0.8 to 1.5 times the presentation estimate of its sections (an exercise: its minutes)."""
    problems = []
    for row in _plan():
        path = next(p for p in NOTEBOOKS if p.name.startswith(f"{row.notebook:02d}_"))
        if row.exercise:
            if not rt.EXERCISE_MINUTES[0] <= row.minutes <= rt.EXERCISE_MINUTES[1]:
                problems.append(f"{row}: an exercise in class takes {rt.EXERCISE_MINUTES} minutes")
            continue
        need = rt.presented_minutes(_qa.executed_notebook(path), list(row.labels))
        if not rt.PLAN_SLACK[0] <= row.minutes / need <= rt.PLAN_SLACK[1]:
            problems.append(f"{row.start}-{row.end} ({path.name}, sections {row.labels}): {row.minutes} minutes "
                            f"for a presentation estimate of {need:.1f}")
    assert not problems, "\n".join(problems)
