"""The quizzes' feedback under the prose-number rules (``tools/_prose_quiz.py``, called by ``prose_numbers``).

A feedback text states facts: its numbers need a witness of the quiz's notebook, as prose does; a number the
question or the chosen option already gives may be repeated; a trend in τ must say where it holds; and a
quiz's own output (its questions and feedback, its script) never witnesses anything.
"""

from __future__ import annotations


from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import _qa
from gumbel_utils.exercises.quiz import Quiz, QuizView

import prose_numbers as pn  # tools/ (pyproject.toml: pythonpath)
from _prose_quiz import check_quiz_texts, quiz_text_to_prose


def _quiz(feedback: str, question: str = "Where is it?", option: str = "Here") -> dict:
    q = Quiz(id="09-demo", notebook="09", kind="predict", where={"code": "explore_demo("},
             questions=({"type": "multiple_choice", "question": question, "answers": [
                 {"answer": option, "correct": True, "feedback": feedback},
                 {"answer": "There", "correct": False, "feedback": "It is not there, for a reason we print."}]},))
    return {q.id: q}


def _notebook(printed: str = "p* = 0.3554", with_quiz_output: bool = False):
    cells = [new_markdown_cell("# 9. Demo"),
             new_code_cell("print('p* =', 0.3554)", outputs=[new_output("stream", name="stdout", text=printed + "\n")])]
    quiz_cell = new_code_cell('from gumbel_utils.exercises.quiz import quiz\nquiz("09-demo")', metadata={"tags": ["quiz"]})
    if with_quiz_output:
        html = QuizView(next(iter(_quiz("It ends at p* = 0.77, see 1234.").values())))._repr_html_()
        quiz_cell.outputs = [new_output("display_data", data={"text/html": html, "text/plain": "Quiz 09-demo"})]
    cells.append(quiz_cell)
    return new_notebook(cells=cells)


def _findings(feedback: str, nb=None, **kw):
    nb = nb or _notebook()
    witnesses = pn.witness_indexes({"09_demo.ipynb": nb})
    return check_quiz_texts(nb, witnesses, name="09_demo.ipynb", quizzes=_quiz(feedback, **kw))


def test_a_printed_number_passes_and_an_unprinted_one_fails():
    assert _findings("The run ends near the relaxed minimiser, p* ≈ 0.36 (printed above).") == []
    bad = _findings("The run ends near the relaxed minimiser, p* ≈ 0.41.")
    assert [f.number for f in bad] == ["0.41"] and bad[0].cell == 2 and "quiz 09-demo" in bad[0].source


def test_a_number_given_by_the_question_or_option_may_be_repeated():
    assert [f.number for f in _findings("Below 0.05 with probability 0.07.", question="How often below 0.05?")] == ["0.07"]
    assert _findings("It falls below 0.05 with probability 0.05.", question="How often below 0.05?") == []
    assert _findings("Yes: between τ = 1 and 2 for these logits.", option="Between τ = 1 and τ = 2") == []


def test_a_trend_in_tau_must_say_where_it_holds():
    found = _findings("The mean drifts to the centre as τ grows.")
    assert [f.kind for f in found] == ["general-claim"]
    assert _findings("The mean drifts to the centre between τ = 0.3554 and larger τ.") == []


def test_a_quiz_output_witnesses_nothing():
    nb = _notebook(with_quiz_output=True)
    assert [f.number for f in _findings("It ends at p* = 0.77.", nb=nb)] == ["0.77"]


def test_html_exponents_and_subscripts():
    assert quiz_text_to_prose("τ = 10<sup>−4</sup> and e<sup>x<sub>k</sub></sup>, x<sub>1</sub> &gt; 0") == \
        "τ = 10^{−4} and e, x > 0"
