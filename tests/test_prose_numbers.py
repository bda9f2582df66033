"""Every number in the course's prose has a witness (issue 17, "the mechanism, so that it stays true").

``tools/prose_numbers.py`` holds the rules (its module docstring). Here:

* each notebook (discovered, not listed) against its own executed outputs and those of
  the notebooks it links to; ``docs/teaching.md`` and the README's notebook table
  against all executed notebooks. Executed notebooks come from one function,
  ``_qa.executed_notebook`` (one run per notebook per test process);
* small synthetic notebooks that test the matcher itself: a printed number passes, an
  unprinted one fails, rounding, units, settings in code, cited values, structural
  numbers, general claims, printed range claims, quotes, stated times, speed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import _qa

import prose_numbers as pn  # tools/ (pyproject.toml: pythonpath)

NOTEBOOKS = _qa.discover_notebooks()
IDS = [p.stem for p in NOTEBOOKS]
CITED = pn.load_cited_values(_qa.ROOT / "docs" / "cited_values.json")
TEACHING = _qa.ROOT / "docs" / "teaching.md"


def _executed(numbers: set[int] | None = None) -> dict:
    """The notebooks of the collection with these numbers (default: all), executed."""
    return {p.name: _qa.executed_notebook(p) for p in NOTEBOOKS
            if numbers is None or (p.name[:2].isdigit() and int(p.name[:2]) in numbers)}


def _declared() -> pn.Declared:
    sources = {p.name: nbformat.read(p, as_version=4) for p in NOTEBOOKS}
    return pn.declared_times(sources, TEACHING.read_text(encoding="utf-8") if TEACHING.exists() else None)


def _report(findings: list) -> str:
    return f"{len(findings)} numbers or claims without a witness:\n" + "\n".join(f.line() for f in findings)


# --------------------------------------------------------------------------- the course


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_numbers_have_witnesses(path):
    """Every number of the notebook's prose is printed, set in code, structural or cited; no general claim."""
    source = nbformat.read(path, as_version=4)
    executed = {**_executed(pn.linked_notebooks(source)), path.name: _qa.executed_notebook(path)}
    findings = pn.check_notebook(source, executed, name=path.name, cited=CITED, declared=_declared())
    assert not findings, _report(findings)


@pytest.mark.slow
@pytest.mark.skipif(not TEACHING.exists(), reason="no teaching guide")
def test_teaching_guide_quotes_printed_lines_and_numbers():
    """Each printed line the teaching guide quotes is in the named notebook's outputs; its numbers have witnesses."""
    findings = pn.check_document(TEACHING.read_text(encoding="utf-8"), _executed(), name="docs/teaching.md",
                                 cited=CITED, declared=_declared())
    assert not findings, _report(findings)


@pytest.mark.slow
def test_readme_notebook_table_numbers():
    """The README's notebook table states only numbers that its notebooks print."""
    findings = pn.check_document((_qa.ROOT / "README.md").read_text(encoding="utf-8"), _executed(),
                                 name="README.md", cited=CITED, declared=_declared(), section="The notebooks")
    assert not findings, _report(findings)


def test_cited_values_are_well_formed():
    """Each cited value has its source and the words that must stand near it; no duplicates."""
    assert CITED, "docs/cited_values.json is empty"
    for entry in CITED:
        assert entry.values and entry.source and entry.near and entry.what, entry
    keys = [(v, w) for e in CITED for v in e.values for w in e.near]
    assert len(keys) == len(set(keys)), "a value is cited twice with the same words"


# --------------------------------------------------------------------------- the matcher, on tiny notebooks


def _nb(markdown: list[str], code: list[tuple[str, str]] = ()) -> nbformat.NotebookNode:
    """A notebook: the markdown cells, then code cells (source, printed stdout)."""
    cells = [new_markdown_cell(m) for m in markdown]
    for source, printed in code:
        cell = new_code_cell(source)
        if printed:
            cell.outputs = [new_output("stream", name="stdout", text=printed)]
        cells.append(cell)
    return new_notebook(cells=cells)


def _findings(markdown: list[str], code: list[tuple[str, str]] = (), *, cited=(), others=None,
              name: str = "03_test.ipynb", declared=None) -> list:
    nb = _nb(markdown, code)
    executed = {name: nb, **(others or {})}
    return pn.check_notebook(nb, executed, name=name, cited=list(cited), declared=declared)


def _flagged(findings: list) -> list[str]:
    return [f.number for f in findings]


def test_a_printed_number_passes_and_an_unprinted_one_fails():
    assert _findings(["The gap is 4.06 nats."], [("print(gap)", "gap: 4.06 nats\n")]) == []
    assert _flagged(_findings(["The gap is 5.12 nats."], [("print(gap)", "gap: 4.06 nats\n")])) == ["5.12"]


@pytest.mark.parametrize("prose, printed, passes", [
    ("p* ≈ 0.38 at τ = 1", "p* = 0.3770 at tau = 1", True),      # rounded to the digits written
    ("a ratio of about 4", "ratio 4.06", True),
    ("a ratio of 1.00", "ratio 1.78", False),                    # a printed 1.78 is not "1.00"
    ("a ratio of 1", "ratio 0.5", False),                        # half-way is no match
    ("28 % of the samples are one-hot", "one-hot: 28.12%", True),
    ("28 % of the samples are one-hot", "share one-hot 0.2812", True),
    ("29 % of the samples are one-hot", "one-hot: 28.12%", False),
    ("an error of about 10^{-9}", "error 5.4e-10", True),        # "about 10^k": an order of magnitude
    ("$2^{-24} \\approx 6 \\times 10^{-8}$ per draw", "rate 5.96e-08", True),
    ("below $e^{-1141}$", "log p = -1140.88", True),            # e^x is compared by its exponent
    ("20,000 samples", "20,000 samples drawn", True),
])
def test_rounding_rules(prose, printed, passes):
    findings = _findings([prose + "."], [("print(x)", printed + "\n")])
    assert (findings == []) is passes, _report(findings)


def test_a_unit_needs_a_printed_line_or_a_setting_of_the_same_unit():
    """"100 epochs" is not witnessed by an unrelated printed 100 (issue 17, item 3)."""
    assert _flagged(_findings(["We train 100 epochs."], [("print(n)", "batch of 100 images\n")])) == ["100"]
    assert _findings(["We train 100 epochs."], [("print(n)", "100 epochs in 2.7 s\n")]) == []
    assert _findings(["We train 100 epochs."], [("EPOCHS = 100", "")]) == []
    assert _findings(["We train 100 epochs."], [("h = train(model, epochs=100)", "")]) == []
    assert _flagged(_findings(["We train 100 epochs."], [("h = train(model, steps=100)", "")])) == ["100"]
    # the unit carries across "instead of": 100 counts epochs too; two sentences, two findings
    assert _flagged(_findings(["Here 40 epochs instead of 100."], [("train(m, epochs=40)", "")])) == ["100"]
    assert _flagged(_findings(["It trains 100 epochs. Here 40 epochs instead of 100."],
                              [("train(m, epochs=40)", "")])) == ["100", "100"]
    # counts are exact: a printed 7.9 is not "8 × 8 pixels"
    assert _flagged(_findings(["Images of 8 × 8 pixels."], [("print(s)", "pixels per image: 7.9\n")])) == ["8"]


def test_settings_in_code_and_what_is_not_a_setting():
    assert _findings(["At τ = 0.5 the samples are soft."], [("y = gumbel_softmax(x, tau=0.5)", "")]) == []
    assert _findings(["Three seeds each."], [("run = train(f, seed=[0, 1, 2])", "")]) == []
    assert _flagged(_findings(["Four seeds each."], [("run = train(f, seed=[0, 1, 2])", "")])) == ["Four"]
    # an index or a slice sets nothing: "100 test digits" needs more than test_x[:100]
    assert _flagged(_findings(["We encode 100 test digits."], [("z = encode(test_x[:100])", "")])) == ["100"]
    # a comment names the unit of the only number on its line
    draws = "g = sample((10_000, 3))  # 10,000 noise draws"
    assert _findings(["An average over 10,000 noise draws."], [(draws, "")]) == []
    assert _flagged(_findings(["An average over 10,000 noise draws."], [("g = sample((10_000, 3))  # noise", "")])) == [
        "10,000"]  # the comment names a unit, but of which of the two numbers?
    # a bound is witnessed by the threshold an assert checks
    assert _findings(["A new seed moves it by less than 0.1 nat."], [("assert abs(a - b) < 0.1", "")]) == []


def test_cited_values_need_their_words_nearby_and_forbid_other_values():
    cited = [pn.CitedValue((101.5,), "Jang et al.'s GS bound", "Jang et al. 2017, Table 1", ("Jang",)),
             pn.CitedValue((500.0, 1000.0), "Jang's annealing interval", "Jang et al. 2017", ("Jang",), "steps",
                           r"every")]
    assert _findings(["Jang et al. report 101.5 nats."], cited=cited) == []
    assert _flagged(_findings(["The paper reports 101.5 nats."], cited=cited)) == ["101.5"]
    findings = _findings(["Jang et al.'s schedule is updated every 100 steps."], [("print(s)", "100 steps\n")],
                         cited=cited)
    assert [(f.number, f.kind) for f in findings] == [("100", "cited-conflict")]
    assert _findings(["Jang et al. update it every 500 steps."], cited=cited) == []


def test_structural_numbers_are_exempt():
    prose = ["## 4. Section heading", "See Notebook 5, Section 3 and Exercise 2.1, Eq. 11 and Table 1 "
             "(Jang et al. 2017; Maddison et al. 2017, Proposition 1).",
             "1. first item\n2. second item",
             "With $x_1$, $\\tau^2$, $1/(K-1)$, $1 - 2t$ and $(K-1)!$ for $K = 3$.",
             "**Predict.** Will τ = 0.13 change it?"]
    assert _findings(prose) == []


def test_general_claims_need_their_range():
    """A trend or universal in τ without a range, a named setting or a proof is flagged (issue 17, item 2)."""
    assert [f.kind for f in _findings(["The relaxation gap grows with τ."])] == ["general-claim"]
    assert [f.kind for f in _findings(["The relaxed loss always flatters the larger τ."])] == ["general-claim"]
    assert _findings(["For Gumbel-Softmax the gap grows with τ from 0.1 to 2."],
                     [("print(g)", "gap at 0.1: 1\ngap at 2: 9\n")]) == []
    assert _findings(["Its argmax is the sample at every τ (Proposition 1)."]) == []
    assert _findings(["Straight-through stays biased at every τ."]) == []
    assert _findings(['The claim reads: "larger τ adds bias".']) == []          # a quotation is not a claim
    assert _findings(["The noise is the same at every τ."]) == []              # the set-up, not a result


def test_printed_range_claims_agree_with_printed_tables():
    """"p* = 0.4799 at τ = 0.05" and then "between 0.4821 and 0.4975" over τ in [0.05, 5] (issue 17, item 9)."""
    table = ("relaxed minimiser p*:\n"
             "t       τ=0.05   τ=0.1    τ=5    \n"
             "0.45    0.0000   0.0000   0.2507 \n"
             "0.499   0.4799   0.4898   0.4945 \n")
    claim = "t = 0.499, τ in [0.05, 5]: p* between 0.4821 and 0.4975\n"
    findings = _findings([], [("print(table)", table), ("print(claim)", claim)])
    assert [f.kind for f in findings] == ["range"] and "0.4799" in findings[0].reason
    assert _findings([], [("print(table)", table), ("print(claim)", claim.replace("0.4821", "0.4799"))]) == []


def test_linked_notebooks_witness_and_report_their_values():
    """A cell that names Notebook 5 may quote its outputs; a wrong count says what Notebook 5 sets (item 3)."""
    nb5 = _nb([], [("EPOCHS = 60", "60 epochs in 2.7 s\n")])
    others = {"05_vae.ipynb": nb5}
    assert _findings(["Notebook 5 trains 60 epochs."], others=others, name="06_answer.ipynb") == []
    findings = _findings(["Notebook 5 trains 100 epochs."], others=others, name="06_answer.ipynb")
    assert _flagged(findings) == ["100"] and "EPOCHS = 60" in findings[0].reason


def test_stated_times_agree():
    """A time is a notebook's stated range or exercise time, a lesson-plan row, the lesson, or the total's range."""
    declared = pn.Declared({0: (15, 25, 10), 3: (80, 125, 20)}, lesson=90, plan=[8])
    assert _findings(["**Time:** 80 to 125 minutes, plus about 20 minutes for the exercises."], declared=declared) == []
    assert _findings(["Skip in a 90-minute class."], declared=declared) == []
    assert _findings(["Notebook 3 takes about 100 minutes."], declared=declared) == []
    assert [f.kind for f in _findings(["Notebook 0 takes 45 minutes."], declared=declared)] == ["time"]
    doc = "Both notebooks take 1.6 to 2.5 hours; not 4 hours.\n"
    findings = pn.check_document(doc, {"00_a.ipynb": _nb([]), "03_b.ipynb": _nb([])}, name="t.md", declared=declared)
    assert _flagged(findings) == ["4"]


def test_documents_quote_printed_lines_of_the_named_notebook():
    nb1 = _nb([], [("print(tv)", "TV distance to p:    0.545\n")])
    executed = {"01_a.ipynb": nb1, "02_b.ipynb": _nb([])}
    good = "1. Notebook 1 prints `TV distance to p: 0.545` and `TV distance … 0.545`.\n"
    assert pn.check_document(good, executed, name="t.md") == []
    bad = pn.check_document(good.replace("0.545`", "0.546`"), executed, name="t.md")
    assert [f.kind for f in bad] == ["quote", "quote"]


def test_stale_executed_notebook_is_reported():
    nb = _nb(["Text."], [("x = 1", "")])
    ran = _nb(["Text."], [("x = 2", "")])
    findings = pn.check_notebook(nb, {"03_t.ipynb": ran}, name="03_t.ipynb")
    assert [f.kind for f in findings] == ["stale"]


def test_checker_is_fast():
    """Well under a second of CPU time for a notebook larger than the course's largest."""
    prose = [f"The gap is {i}.06 nats at τ = 1, and 8.78 nats at τ = 2; 16 runs of 60 epochs; p* ≈ 0.38 at "
             f"τ = 0.{i}. " * 4 for i in range(40)]   # 40 cells, 640 numbers: twice Notebook 5's prose
    code = [(f"x{i} = train(m, epochs=60, tau={i / 10})", "\n".join(f"row {j}: {j * 0.37:.3f} nats" for j in range(40)))
            for i in range(40)]
    nb = _nb(prose, code)
    start = time.process_time()
    pn.check_notebook(nb, {"03_t.ipynb": nb}, name="03_t.ipynb")
    assert time.process_time() - start < 1.0


def test_command_line(tmp_path: Path, capsys):
    """The command line prints one finding per line and exits 1 with findings, 0 without."""
    source = tmp_path / "src"
    source.mkdir()
    nb = _nb(["The gap is 4.06 nats, and 5.5 nats."], [("print(g)", "gap 4.06 nats\n")])
    nbformat.write(nb, source / "05_t.ipynb")
    cited = tmp_path / "cited.json"
    cited.write_text("[]")
    assert pn.main(["--notebooks", str(source), "--cited", str(cited)]) == 1
    out = capsys.readouterr().out.strip().split("\n")
    assert len(out) == 1 and out[0].startswith("05_t.ipynb cell 0: '5.5'")
    nbformat.write(_nb(["The gap is 4.06 nats."], [("print(g)", "gap 4.06 nats\n")]), source / "05_t.ipynb")
    assert pn.main(["--notebooks", str(source), "--cited", str(cited)]) == 0
