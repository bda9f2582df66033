"""Every number in the course's prose has a witness: a printed output, a setting in code, or a cited value.

Usage::

    python tools/prose_numbers.py [--executed DIR] [--docs] [--notebooks DIR] [--cited FILE] [--timing]

reads ``notebooks/*.ipynb`` (the prose) and the executed versions in ``DIR`` (their
outputs; default: the notebooks themselves, which then must hold outputs), and prints
one finding per line::

    06_the_answer.ipynb cell 21: '100' [... for 40 epochs instead of 100 (a few ...] unbacked: ...

(notebook, cell index, the number as written, its context, the kind of finding, why).
``--docs`` also checks ``docs/teaching.md`` and the README's notebook table (line
numbers instead of cells). Exit status 1 when there are findings. The checker never
executes a notebook: ``tests/test_prose_numbers.py`` executes them once and calls
:func:`check_notebook` and :func:`check_document`.

What is read as a number
------------------------
Markdown and LaTeX alike (LaTeX commands become characters first: ``\\tau`` is τ):
decimals, integers, thousands separators (20,000, ``100{,}000``), percentages,
scientific forms (``1e-4``, ``$10^{-4}$``, ``2.5·10⁻³``, ``6 \\times 10^{-8}``, ``10⁶``),
powers of 2 and of e (``2^{-24}``; ``e^{-1141}`` is compared by its exponent), fractions
of two integers (``1/2``), and number words that count a unit (``three seeds``,
``sixteen runs``; "one" never counts) or, after "about" or "over", a ratio (``about
half``, ``over a quarter``: 10 % tolerance). Fenced code, inline code spans and link
targets are not prose. A number inside an identifier (``float32``, ``x_1``) is no number.

Structural numbers (exempt; the list is short on purpose)
-------------------------------------------------------------
* references: Notebook, Section, Exercise, Eq., Table, Figure, Proposition, claim
  numbers, and lists of them ("Notebooks 0 and 1", "Sections 3-4"), ``#77053``; an
  exercise number ``1.2 (`` when that exercise exists; in a table, the notebook-number
  column and "3 REBAR" in a column of sections;
* headings' leading numbers, list enumerators, years (1990-2035, no unit);
* formulas: subscripts, exponents of a symbol (τ², ε^{(K−1)τ−1}), coefficients (2x,
  ``3c_1``), and terms joined to a symbol by an operator (1 − 2t, K − 1, 1/(K−1), (K−1)!);
* the setting K: ``K = 2`` and counts of categories up to 10 ("two categories");
* a precision ("to four digits"); a number word after the/these/both/its refers to
  things already named ("the two estimators");
* numbers in a question (a Predict prompt asks, it reports nothing), and in a table
  column headed "ask" or "Predict";
* a notebook's stated reading time in its own first cell (other prose must repeat
  it: see the time rule), and the lesson plan's clock column ("0-8").

Witnesses (a number passes when it has one)
-------------------------------------------
1. *printed*: a number in a text output (stdout, ``text/plain``, HTML such as folded
   solution outputs and self-checks, a progress bar's label) of the same notebook or of
   a notebook the cell names or links to, matching to the precision written: "0.38"
   matches 0.3770, "4" matches 4.06, "1.00" does not match 1.78, and half-way is no match
   (a printed 0.5 is not "1"); "about 10^{-9}" is an order of magnitude (a factor √10);
   ``2^{-24}`` matches a printed 5.96e-08. "28 %" matches 28.12%, or 0.2812 on a line
   about shares, frequencies, probabilities or rates. A number with a unit word (nats,
   epochs, runs, seeds, steps, samples, draws, images, codes, latents, categories,
   pixels, batches, ..., minutes, s, %, "times" as a ratio) needs a printed line, or the
   first line of that output (a table's header), that carries the same unit: "100
   epochs" is not witnessed by an unrelated printed 100. A count written as an integer
   ("8 × 8 pixels", "16 runs") must be printed or set exactly: a printed 7.9 is no 8. A
   unit carries across "instead of", "or", "to", "against", "×", "+" and commas ("40
   epochs instead of 100": 100 counts epochs; "one colour against four": four counts
   colours), never into a parameter's value ("τ = 0.3, about 1 nat").
2. *set in code*: a literal (or constant expression, ``2.0 ** -24``) of a code cell of
   the same notebook that sets something: an assignment, a keyword argument, a loop's
   values, a positional argument. With a unit the name must say it (``epochs=40``,
   ``EPOCHS = 40``, ``every=500``, ``seed=[0, 1, 2]`` for three seeds), or a comment on
   the line that repeats the number or names the unit of the only number on the line
   (``sample_gumbel((10_000, 3))  # 10,000 noise draws``). A seed's value counts
   nothing. An index or a slice (``test_x[:100]``), a layout argument (``figsize``,
   ``round(x, 3)``) or an f-string format is no setting. A bound ("less than 0.1") is
   also witnessed by the threshold of a comparison in code (``assert d < 0.1``) or by a
   printed value on its side within 25 %.
3. *cited*: on ``docs/cited_values.json`` with one of its words in the same paragraph
   ("Jang" near 101.5). An entry with a ``unit`` also forbids other values: a number of
   that unit in a sentence with those words (and, with ``before``, right after those
   words, e.g. "every") must be one of the cited values (Jang's schedule is updated
   every 500 or 1000 steps: "every 100 steps" next to "Jang" is a finding).
4. *declared time*: minutes and hours must agree with the reading times the notebooks
   state in their first cell ("Time: about 45 minutes"), a "N-minute class" with the
   teaching guide's title, a duration with a row of its lesson plan, and a sum "5 + 30
   + ... minutes" with the notebooks in order.

Other findings
--------------
* *general claim*: a sentence stating a trend or a universal in τ or n ("grows with τ",
  "as n grows", "always", "never", "at every τ", "flatters the larger τ", "Large τ: ...")
  is flagged unless it says where it holds: a number in the sentence that is not a
  reference or a limit (τ → 0), a named estimator, objective or model (straight-through,
  cubic, the toy, the VAE), a report of another notebook's measurement ("Notebook 3
  measured"), "exactly" or an equation, or a proof marker in its paragraph (proof,
  Proposition, invertible, data processing, "the reason"). "Always"/"never" count only
  when their own clause names τ or n; "the same noise at every τ" is the set-up.
  Quotations, the list of claims under test (under a heading naming "claims"),
  questions and learning goals are not claims of the course.
* *range*: a printed range claim ("τ in [0.05, 5]: p* between 0.4821 and 0.4975") must
  contain the values a printed table of the same notebook gives for τ in that interval.
* *quote* (documents): an inline code span of the teaching guide that looks printed (a
  digit, ``=`` or ``:``; not a command, path or identifier) must appear,
  whitespace-normalised (``…`` for any text), in the outputs of the notebook named
  last before it (or another the paragraph names).
* *stale*: the executed notebook's code differs from the source (its outputs prove nothing).

When a number with a unit has no witness, the finding lists the values of that unit
that the searched notebooks do print or set: this is the cross-notebook check ("16 runs
of 100 epochs" in Notebook 6 against Notebook 5's ``EPOCHS = 60``).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import Any, Mapping

_HERE = str(Path(__file__).resolve().parent)
_ADDED = _HERE not in sys.path
if _ADDED:  # the helper modules live next to this file; do not leave tools/ on the path of an importer
    sys.path.insert(0, _HERE)
try:
    from _prose_check import (CitedValue, Finding, check_sentence, find_general_claims, load_cited_values,
                              named_notebooks, unique, witness_indexes)
    from _prose_claims import Declared, declared_times, printed_range_conflicts
    from _prose_docs import check_document
    from _prose_quiz import check_quiz_texts
    from _prose_text import clean_markdown, sentences
    from _prose_witness import WitnessIndex
finally:
    if _ADDED:
        sys.path.remove(_HERE)

__all__ = [
    "CitedValue",
    "Declared",
    "Finding",
    "check_document",
    "check_notebook",
    "declared_times",
    "find_general_claims",
    "find_unbacked_numbers",
    "linked_notebooks",
    "load_cited_values",
    "main",
    "witness_indexes",
]

ROOT = Path(__file__).resolve().parents[1]


def find_unbacked_numbers(source_nb: Any, executed: Mapping[str, Any], *, name: str,
                          cited: list[CitedValue] = (), declared: Declared | None = None,
                          witnesses: Mapping[str, WitnessIndex] | None = None) -> list[Finding]:
    """Numbers of a notebook's markdown cells that have no witness.

    Parameters
    ----------
    source_nb : nbformat.NotebookNode
        The notebook as stored (its prose).
    executed : mapping of str to nbformat.NotebookNode
        File name -> executed notebook; must hold ``name`` and, for witnesses from
        linked notebooks, the notebooks its cells name or link to.
    name : str
        The notebook's file name (``05_categorical_vae.ipynb``).
    cited : list of CitedValue
        The cited literature values (:func:`load_cited_values`).
    declared : Declared, optional
        Stated reading times (:func:`declared_times`); without it every time is a finding.
    witnesses : mapping of str to WitnessIndex, optional
        Prebuilt indexes (:func:`witness_indexes`); built from ``executed`` if omitted.

    Returns
    -------
    list of Finding
    """
    witnesses = witnesses if witnesses is not None else witness_indexes(executed)
    own = int(name[:2]) if name[:2].isdigit() else None
    findings: list[Finding] = []
    first_markdown = next((i for i, c in enumerate(source_nb.cells) if c.cell_type == "markdown"), None)
    for i, cell in enumerate(source_nb.cells):
        if cell.cell_type != "markdown":
            continue
        text, targets, _ = clean_markdown(cell.source)
        named = named_notebooks(text, targets)
        for s in sentences(text, i):
            findings += check_sentence(s, name, own, named, witnesses, cited, declared, i == first_markdown)
    return findings


def linked_notebooks(source_nb: Any) -> set[int]:
    """The notebook numbers that a notebook's markdown cells name or link to (their outputs are witnesses too).

    Parameters
    ----------
    source_nb : nbformat.NotebookNode
        A notebook.

    Returns
    -------
    set of int
    """
    found: set[int] = set()
    for cell in source_nb.cells:
        if cell.cell_type == "markdown":
            text, targets, _ = clean_markdown(cell.source)
            found |= named_notebooks(text, targets)
    return found


def check_notebook(source_nb: Any, executed: Mapping[str, Any], *, name: str, cited: list[CitedValue] = (),
                   declared: Declared | None = None, witnesses: Mapping[str, WitnessIndex] | None = None
                   ) -> list[Finding]:
    """Every rule on one notebook: unbacked numbers, general claims, printed range claims, staleness.

    Parameters
    ----------
    source_nb, executed, name, cited, declared, witnesses
        As for :func:`find_unbacked_numbers`.

    Returns
    -------
    list of Finding
        Sorted by cell.
    """
    witnesses = witnesses if witnesses is not None else witness_indexes(executed)
    findings = []
    ran = executed[name]
    code = [c.source for c in source_nb.cells if c.cell_type == "code"]
    if code != [c.source for c in ran.cells if c.cell_type == "code"]:
        findings.append(Finding(name, 0, "", "", "stale", "the executed notebook's code differs from the source: "
                                "its outputs do not witness this prose"))
    findings += find_unbacked_numbers(source_nb, executed, name=name, cited=cited, declared=declared,
                                      witnesses=witnesses)
    goals = [i for i, c in enumerate(source_nb.cells) if c.cell_type == "markdown" and "Learning goals" in c.source]
    sents = [s for i, c in enumerate(source_nb.cells) if c.cell_type == "markdown"
             for s in sentences(clean_markdown(c.source)[0], i)]
    quoted = [i for i, c in enumerate(source_nb.cells) if c.cell_type == "markdown"
              and re.search(r"^#+ .*\bclaims\b", c.source, flags=re.M | re.I)]
    findings += find_general_claims(sents, name, learning_goal_cells=goals, quoted_list_cells=quoted)
    from gumbel_utils.exercises.quiz import load_quizzes  # the quizzes' feedback: facts, like the prose

    findings += check_quiz_texts(source_nb, witnesses, name=name, quizzes=load_quizzes(), cited=cited, declared=declared)
    for cell, line, why in printed_range_conflicts(ran):
        findings.append(Finding(name, cell, line.split("between")[-1].strip(), line, "range", why))
    return unique(findings)


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """Command line: print the findings, one per line; exit status 1 when there are any.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 without findings, 1 with findings, 2 when an executed notebook is missing.
    """
    import nbformat

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks", help="the source notebooks")
    parser.add_argument("--executed", type=Path, default=None,
                        help="executed versions (same file names); default: the source notebooks' own outputs")
    parser.add_argument("--docs", action="store_true", help="also check docs/teaching.md and the README's table")
    parser.add_argument("--cited", type=Path, default=ROOT / "docs" / "cited_values.json",
                        help="the cited literature values")
    parser.add_argument("--timing", action="store_true", help="print the CPU time of each check")
    args = parser.parse_args(argv)
    executed_dir = args.executed or args.notebooks
    paths = sorted(p for p in args.notebooks.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    sources = {p.name: nbformat.read(p, as_version=4) for p in paths}
    missing = [n for n in sources if not (executed_dir / n).exists()]
    if missing:
        print(f"no executed version in {executed_dir} of: {', '.join(missing)}", file=sys.stderr)
        return 2
    executed = {n: nbformat.read(executed_dir / n, as_version=4) for n in sources}
    if not any(c.get("outputs") for nb in executed.values() for c in nb.cells if c.cell_type == "code"):
        print(f"the notebooks in {executed_dir} hold no outputs: pass --executed DIR", file=sys.stderr)
        return 2
    cited = load_cited_values(args.cited)
    teaching_path = ROOT / "docs" / "teaching.md"
    teaching = teaching_path.read_text(encoding="utf-8") if teaching_path.exists() else None
    declared = declared_times(sources, teaching)
    t0 = time.process_time()
    witnesses = witness_indexes(executed)
    timings = {"(witness indexes)": time.process_time() - t0}
    findings: list[Finding] = []
    for name, nb in sources.items():
        t0 = time.process_time()
        findings += check_notebook(nb, executed, name=name, cited=cited, declared=declared, witnesses=witnesses)
        timings[name] = time.process_time() - t0
    if args.docs:
        docs = [("docs/teaching.md", teaching, None),
                ("README.md", (ROOT / "README.md").read_text(encoding="utf-8"), "The notebooks")]
        for doc_name, text, section in docs:
            if text is None:
                continue
            t0 = time.process_time()
            findings += check_document(text, executed, name=doc_name, cited=cited, declared=declared,
                                       witnesses=witnesses, section=section)
            timings[doc_name] = time.process_time() - t0
    for f in findings:
        print(f.line())
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.source] = counts.get(f.source, 0) + 1
    print(f"# {len(findings)} findings: " + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)
    if args.timing:
        for k, v in timings.items():
            print(f"# CPU time {k}: {v:.3f} s", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
