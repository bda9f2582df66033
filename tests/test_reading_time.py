"""Stated times are the estimate of ``tools/reading_time.py`` on the executed notebook (issue 17, item 10)."""

from __future__ import annotations

import json
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import _qa

sys.path.insert(0, str(_qa.ROOT / "tools"))
try:
    import reading_time as rt
finally:
    sys.path.pop(0)

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
