"""The answered predictions: quiz data, their display, and the tool that puts them in the notebooks (issue 20).

* the question files load and obey the rules (2-4 options, one right, feedback for every option that
  explains; numeric questions with a right range, wrong ranges and a default); broken files are refused
  with a message naming the quiz;
* a quiz displays as one HTML output: jupyterquiz's box and script, our fallback copy (every option with
  its feedback), the accessible names, the live region and the keyboard attribute; as plain text without
  its feedback (a printed quiz must not witness its own numbers);
* ``tools/insert_quizzes.py``: what a Predict prompt is, what a quiz keys on (the next code cell, the
  heading, an explicit comment), idempotence, exercises placed after their whole solution run, the
  student version keeping the quiz cells, and ``--check`` on the course's notebooks (every Predict prompt has
  its quiz, every quiz id exists).

The claims of the quizzes are recomputed in ``tests/test_quiz_claims.py``; the quizzes in real browsers in
``tests/test_quiz_browser.py``.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from collections import Counter

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import _qa
from gumbel_utils.exercises import quiz as Q

import insert_quizzes as tool  # tools/ (pyproject.toml: pythonpath)
import make_student

QUIZZES = Q.load_quizzes()


# --------------------------------------------------------------------------- the question files


def test_every_notebook_with_a_question_file_is_a_course_notebook_and_the_counts():
    counts = Counter(q.notebook for q in QUIZZES.values())
    numbers = {p.name[:2] for p in _qa.discover_notebooks()}
    assert set(counts) <= numbers, f"question files for notebooks that do not exist: {set(counts) - numbers}"
    kinds = Counter((q.notebook, q.kind) for q in QUIZZES.values())
    print("quizzes per notebook (predict, exercise):",
          {n: (kinds[n, "predict"], kinds[n, "exercise"]) for n in sorted(counts)})
    assert all(kinds[n, "predict"] >= 1 for n in ("00", "01", "02", "03", "04", "05", "07"))


@pytest.mark.parametrize("quiz_id", sorted(QUIZZES))
def test_every_option_has_feedback_that_explains(quiz_id):
    q = QUIZZES[quiz_id]
    assert Q.validate_quiz({"id": q.id, "kind": q.kind, "where": dict(q.where), "questions": list(q.questions)},
                           q.notebook if q.kind == "predict" else None) == []
    for question in q.questions:
        for answer in question["answers"]:
            if answer.get("type") == "default":
                continue  # what to type when the input is no number: not an option
            text = answer.get("feedback", "")
            assert len(text.split()) >= 8, f"{quiz_id}: feedback {text!r} says too little to explain"
            assert not text.lower().startswith(("right", "wrong", "correct", "incorrect", "not quite")), (
                f"{quiz_id}: {text!r}: the display adds 'Right.' or 'Not quite.' itself")


def test_exercise_quizzes_belong_to_exercises_with_a_self_check():
    from gumbel_utils.exercises.check import EXERCISES

    for q in QUIZZES.values():
        if q.kind == "exercise":
            assert q.where["exercise"] in EXERCISES, f"{q.id}: no self-check for exercise {q.where['exercise']}"


def _write(tmp_path, quizzes, notebook="09", name="09_demo.json"):
    (tmp_path / name).write_text(json.dumps({"notebook": notebook, "quizzes": quizzes}), encoding="utf-8")
    return tmp_path


def _mc(n_options=3, right=(0,), **overrides):
    answers = [{"answer": f"option {i}", "correct": i in right, "feedback": f"because of reason number {i} here"}
               for i in range(n_options)]
    question = {"type": "multiple_choice", "question": "Which one?", "answers": answers}
    question.update(overrides)
    return question


def _quiz(qid="09-demo", questions=None, **overrides):
    record = {"id": qid, "kind": "predict", "where": {"code": "explore_demo("}, "questions": questions or [_mc()]}
    record.update(overrides)
    return record


@pytest.mark.parametrize("record, message", [
    (_quiz(questions=[_mc(5)]), "2 to 4 options"),
    (_quiz(questions=[_mc(1)]), "2 to 4 options"),
    (_quiz(questions=[_mc(3, right=())]), "exactly one right option"),
    (_quiz(questions=[_mc(3, right=(0, 1))]), "exactly one right option"),
    (_quiz(questions=[_mc(question="Is $\\tau$ small?")]), "LaTeX"),
    (_quiz(questions=[_mc(question="Is <span>τ</span> small?")]), "not allowed"),
    (_quiz(questions=[_mc(question="Is τ < 1?")]), "bare '<'"),
    (_quiz(qid="Bad id"), "the id must be"),
    (_quiz(qid="08-demo"), "must have an id starting with '09-'"),
    (_quiz(kind="exercise"), "placed by {'exercise'"),
    (_quiz(where={"exercise": "9.1"}), "placed by 'code' and/or 'heading'"),
    (_quiz(questions=[{"type": "numeric", "question": "How many?", "answers": [
        {"type": "range", "range": [0, 1], "correct": True, "feedback": "yes because it is so and so"},
        {"type": "range", "range": [0.5, 2], "correct": False, "feedback": "no because it is not so and so"}]}]),
     "a default feedback"),
    (_quiz(questions=[{"type": "numeric", "question": "How many?", "answers": [
        {"type": "range", "range": [0, 1], "correct": True, "feedback": "yes because it is so and so"},
        {"type": "range", "range": [0.5, 2], "correct": False, "feedback": "no because it is not so and so"},
        {"type": "default", "feedback": "type a number"}]}]),
     "overlaps the right one"),
])
def test_broken_question_files_are_refused_with_a_message(tmp_path, record, message):
    Q._load.cache_clear()
    with pytest.raises(ValueError, match="invalid quiz data") as err:
        Q.load_quizzes(_write(tmp_path, [record]))
    assert message in str(err.value), str(err.value)


def test_a_question_file_must_name_its_notebook_and_ids_are_unique(tmp_path):
    with pytest.raises(ValueError, match="'notebook' must be '09'"):
        Q.load_quizzes(_write(tmp_path, [_quiz()], notebook="08"))
    with pytest.raises(ValueError, match="used twice"):
        Q.load_quizzes(_write(tmp_path, [_quiz(), _quiz()]))


def test_an_unknown_quiz_names_the_ids_of_its_notebook():
    with pytest.raises(KeyError, match="02-relaxation-path"):
        Q.quiz("02-no-such-quiz")


# --------------------------------------------------------------------------- the display


def test_a_quiz_displays_as_one_html_output_with_fallback_and_accessibility():
    view = Q.quiz("02-binary-concrete")
    page = view._repr_html_()
    q = view.quiz
    assert page.count("<script>") == 1 and page.count(f"<script {Q.LIBRARY_ATTRIBUTE}>") == 1
    assert page.startswith('<div class="gu-quiz"')
    shown = Q.quiz("01-samplers")._repr_html_().split("<script>")[1].split("</script>")[0]
    assert "<sub>1<\\/sub>" in shown and "</" not in shown  # texts with tags cannot end the script early
    assert 'role="group"' in page and f'aria-labelledby="{view.root_id}-head"' in page
    assert 'data-lm-suppress-shortcuts="true"' in page and 'aria-live="polite"' in page
    assert "function show_questions" in page and "class MCQuestion" in page  # jupyterquiz's own renderer
    assert "(function (MathJax) {" in page  # its MathJax calls see no MathJax (no CDN, no page error)
    assert "jsdelivr" not in page  # its CDN loader is cut out
    fallback = view.fallback_html()
    for question in q.questions:
        for answer in question["answers"]:
            assert answer["feedback"] in fallback
    assert fallback.count("<details>") == sum(len(x["answers"]) for x in q.questions)
    assert Q.RIGHT_PREFIX + q.questions[0]["answers"][0]["feedback"] in page  # the right option says "Right."
    sizes = [float(v) for v in re.findall(r"font-size:\s*([\d.]+)px", Q._CSS)]
    assert sizes and min(sizes) >= 15  # a projector's back row (issue 20): 15 px or more wherever we set a size


def test_jupyterquiz_still_has_the_cdn_loader_we_cut_out():
    """An upgrade of jupyterquiz that changes its MathJax loader must be looked at (and this string updated)."""
    from importlib.resources import files

    scripts = "".join(f.read_text() for f in files("jupyterquiz").joinpath("js").iterdir() if f.name.endswith(".js"))
    assert scripts.count(Q.CDN_LOADER) == 2  # both branches of show_questions


def test_a_page_of_quizzes_keeps_one_library():
    page = "".join(Q.quiz(qid)._repr_html_() for qid in ("00-first-look", "ex-0.1", "02-binary-concrete"))
    lean = Q.drop_repeated_libraries(page)
    assert page.count("data-gu-quiz-lib") == 3 and lean.count("data-gu-quiz-lib") == 1
    assert len(page) - len(lean) == 2 * len(f"<script {Q.LIBRARY_ATTRIBUTE}>{Q.library_js()}</script>")
    assert lean.index("data-gu-quiz-lib") < lean.index('data-quiz-id="ex-0.1"')  # defined before the others use it


def test_numeric_quiz_fallback_gives_the_accepted_range():
    view = Q.quiz("ex-4.1")
    lo, hi = view.quiz.questions[0]["answers"][0]["range"]
    assert f"from {lo:g} up to (not including) {hi:g}" in view.fallback_html()


def test_plain_text_form_has_the_questions_and_options_but_no_feedback():
    view = Q.quiz("01-shift-scale")
    text = str(view)
    assert text.splitlines()[0].startswith("Quiz 01-shift-scale")
    assert "A. None" in text and "β → ∞" in text
    for question in view.quiz.questions:
        for answer in question["answers"]:
            assert answer["feedback"] not in text


def test_two_displays_of_one_quiz_have_distinct_ids_and_letters_only_for_jupyterquiz():
    a, b = Q.quiz("00-first-look"), Q.quiz("00-first-look")
    assert a.root_id != b.root_id and a.box_id != b.box_id
    assert a.box_id.isalnum() and a.box_id[0].isalpha()  # jupyterquiz makes a JavaScript name of it


def test_colours_keep_contrast_with_white():
    def luminance(hex_colour):
        rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for key in ("--jq-correct-color", "--jq-incorrect-color", "--jq-multiple-choice-bg", "--jq-numeric-bg"):
        ratio = (1.05) / (luminance(Q.COLORS[key]) + 0.05)
        assert ratio >= 4.5, f"{key} {Q.COLORS[key]}: contrast {ratio:.1f} with white text"


# --------------------------------------------------------------------------- the insertion tool


def _demo_notebook():
    cells = [
        new_markdown_cell("# 9. Demo\n\nEach slider comes after a **Predict** prompt: decide first."),
        new_code_cell("import numpy as np"),
        new_markdown_cell("## 1. Paths\n\nText.\n\n**Predict, then move the slider.** Where does it go?"),
        new_code_cell("explore_demo(x)"),
        new_markdown_cell("## 2. Probabilities are not logits: $\\log\\alpha$\n\n**Predict.** How often?"),
        new_code_cell("print(1)"),
        new_markdown_cell("## Exercises\n\n1. First.\n2. Second."),
        new_code_cell("answer_9_1 = 1", metadata={"tags": ["solution"]}),
        new_code_cell("check.exercise_9_1(answer_9_1)", metadata={"tags": ["self-check"]}),
        new_code_cell("answer_9_2 = 2", metadata={"tags": ["solution"]}),
        new_code_cell("check.exercise_9_2(answer_9_2)", metadata={"tags": ["self-check"]}),
        new_markdown_cell("<details><summary>Solution</summary>why</details>", metadata={"tags": ["solution"]}),
    ]
    return new_notebook(cells=cells)


def _demo_quizzes():
    def make(qid, kind, where):
        return Q.Quiz(id=qid, notebook="09", kind=kind, where=where, questions=({},))

    return {q.id: q for q in (make("09-paths", "predict", {"code": "explore_demo("}),
                              make("09-logits", "predict", {"heading": "probabilities are NOT logits"}),
                              make("ex-9.2", "exercise", {"exercise": "9.2"}),
                              make("ex-9.1", "exercise", {"exercise": "9.1"}))}


def _quiz_ids(nb):
    return [tool.QUIZ_CALL.search(c.source).group(1) for c in nb.cells if tool.is_quiz_cell(c)]


def test_prompts_are_bold_predict_at_the_start_of_a_line():
    prompts = tool.find_prompts(_demo_notebook().cells)
    assert [p.cell for p in prompts] == [2, 4]  # not the first cell's "after a **Predict** prompt"
    assert prompts[0].heading == "1. Paths" and prompts[0].next_code == "explore_demo(x)"


def test_insertion_places_each_quiz_after_its_prompt_and_exercises_after_their_run():
    new, plan = tool.apply_plan(_demo_notebook(), _demo_quizzes(), "09")
    assert not plan.problems
    order = [(c.cell_type, tool.QUIZ_CALL.search(c.source).group(1) if tool.is_quiz_cell(c) else c.source[:12])
             for c in new.cells]
    assert order[3] == ("code", "09-paths") and order[6] == ("code", "09-logits")
    assert [o[1] for o in order[-2:]] == ["ex-9.1", "ex-9.2"]  # after the whole run, in exercise order
    cell = new.cells[3]
    assert cell.id == "quiz-09-paths" and cell.metadata["tags"] == ["quiz"]
    assert cell.source == Q.quiz_cell_source("09-paths")
    nbformat.validate(new)


def test_insertion_is_idempotent_and_follows_reworded_prompts():
    quizzes = _demo_quizzes()
    once, _ = tool.apply_plan(_demo_notebook(), quizzes, "09")
    twice, _ = tool.apply_plan(once, quizzes, "09")
    assert nbformat.writes(once) == nbformat.writes(twice)
    assert tool.check_notebook(once, quizzes, "09") == []
    reworded = copy.deepcopy(once)
    reworded.cells[2].source = "## 1 · The path of one draw\n\n**Predict** before you move τ: which way?"
    reworded.cells[5].source = "## 2. Probabilities are not logits!\n\n**Predict, then run.** Half, or less?"
    assert tool.check_notebook(reworded, quizzes, "09") == []  # keyed on the explorer and the heading's words


def test_check_reports_missing_stale_and_unmatched_quizzes():
    quizzes = _demo_quizzes()
    nb = _demo_notebook()
    problems = tool.check_notebook(nb, quizzes, "09")
    assert any("missing" in p for p in problems)
    done, _ = tool.apply_plan(nb, quizzes, "09")
    moved = copy.deepcopy(done)
    moved.cells[3].source = 'from gumbel_utils.exercises.quiz import quiz\nquiz("09-nope")'
    assert any("names no quiz" in p for p in tool.check_notebook(moved, quizzes, "09"))
    orphan = copy.deepcopy(done)
    orphan.cells[5].source = "## 1b. Something else\n\n**Predict.** What now?"  # the heading no longer matches
    problems = tool.check_notebook(orphan, quizzes, "09")
    assert any("without a quiz" in p for p in problems) and any("matches no Predict prompt" in p for p in problems)
    explicit = copy.deepcopy(orphan)
    explicit.cells[5].source += "\n<!-- quiz: 09-logits -->"
    fixed, plan = tool.apply_plan(explicit, quizzes, "09")
    assert not plan.problems and _quiz_ids(fixed) == ["09-paths", "09-logits", "ex-9.1", "ex-9.2"]


def test_student_version_keeps_quiz_cells_and_self_checks():
    done, _ = tool.apply_plan(_demo_notebook(), _demo_quizzes(), "09")
    student = make_student.strip_solutions(done)
    assert _quiz_ids(student) == _quiz_ids(done)
    assert sum("self-check" in c.metadata.get("tags", []) for c in student.cells) == 2
    assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)


def test_every_predict_prompt_of_the_course_has_its_quiz(capsys):
    """``tools/insert_quizzes.py --check`` on notebooks/: run ``tools/insert_quizzes.py`` after editing prose."""
    status = tool.main(["--check"])
    out = capsys.readouterr().out
    print(out)
    assert status == 0, out


def test_every_quiz_cell_of_the_course_runs_and_shows_its_quiz():
    for path in _qa.discover_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            if tool.is_quiz_cell(cell):
                namespace: dict = {}
                exec(compile(cell.source.rsplit("\n", 1)[0], path.name, "exec"), namespace)  # the import line
                qid = tool.QUIZ_CALL.search(cell.source).group(1)
                assert "gu-quiz" in namespace["quiz"](qid)._repr_html_()
