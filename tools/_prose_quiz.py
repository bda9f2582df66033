"""The quizzes' texts under the rules of ``tools/prose_numbers.py``: their feedback says what the notebook prints.

A quiz (``gumbel_utils/exercises/quizzes/NN_name.json``) belongs to notebook NN. Its **feedback** texts
state facts, so every number in them needs a witness of that notebook (or of the notebooks the text
names), like a sentence of its prose, and a trend in τ or n must say where it holds. Not checked as
claims: the question (a question reports nothing) and the option texts (hypotheses; the wrong ones are
false on purpose, the right one is recomputed by ``tests/test_quiz_claims.py``). A number that the
question or the chosen option already states is *given*: the feedback may repeat it ("below 0.05 with
probability 0.05" answering "how often below 0.05?").

Quiz texts are HTML fragments: ``10<sup>−4</sup>`` is read as 10^{−4}; any other ``<sup>``/``<sub>`` is an
exponent or a subscript of a symbol (structural) and is dropped.
"""

from __future__ import annotations

import html
import re
from typing import Any, Mapping

from _prose_check import Finding, check_sentence, find_general_claims, named_notebooks
from _prose_claims import Declared
from _prose_text import clean_markdown, scan_numbers, sentences
from _prose_witness import WitnessIndex

__all__ = ["check_quiz_texts", "quiz_text_to_prose"]

QUIZ_CALL = re.compile(r"""\bquiz\(\s*["']([^"']+)["']\s*\)""")


def quiz_text_to_prose(text: str) -> str:
    """A quiz text (an HTML fragment) as prose for the number scanner.

    >>> quiz_text_to_prose("at τ = 10<sup>−4</sup>, x<sub>1</sub> &gt; 0")
    'at τ = 10^{−4}, x > 0'
    """
    text = re.sub(r"\b10<sup>([^<]*)</sup>", r"10^{\1}", text)
    for _ in range(4):  # innermost first: e<sup>x<sub>k</sub></sup>
        text = re.sub(r"<(sub|sup)>[^<]*</\1>", "", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _values(text: str) -> list[float]:
    return [n.value for n in scan_numbers(clean_markdown(quiz_text_to_prose(text))[0])]


def _given(number: str, givens: list[float]) -> bool:
    found = scan_numbers(number)
    return bool(found) and any(abs(found[0].value - g) <= 1e-12 * max(1.0, abs(g)) for g in givens)


def check_quiz_texts(source_nb: Any, witnesses: Mapping[str, WitnessIndex], *, name: str, quizzes: Mapping[str, Any],
                     cited: list = (), declared: Declared | None = None) -> list[Finding]:
    """The findings of the feedback texts of every quiz of notebook ``name``.

    Parameters
    ----------
    source_nb : nbformat.NotebookNode
        The notebook; only the quizzes it shows (its quiz cells) are checked, at their cells' indexes.
    witnesses : mapping of str to WitnessIndex
        Every executed notebook's index.
    name : str
        The notebook's file name (``02_relaxation_temperature.ipynb``); its two-digit prefix selects the quizzes.
    quizzes : mapping of str to Quiz
        Every quiz (:func:`gumbel_utils.exercises.quiz.load_quizzes`).
    cited, declared
        As for ``prose_numbers.find_unbacked_numbers``.

    Returns
    -------
    list of Finding
        Each names its quiz in ``source`` (``02_x.ipynb quiz 02-mean-drift``).
    """
    number = name[:2]
    own = int(number) if number.isdigit() else None
    cells = {}
    for i, cell in enumerate(source_nb.cells):
        found = QUIZ_CALL.search(cell.source) if cell.cell_type == "code" else None
        if found:
            cells[found.group(1)] = i
    findings: list[Finding] = []
    for qid, quiz in quizzes.items():
        if quiz.notebook != number or qid not in cells:
            continue  # another notebook's, or not placed here (tools/insert_quizzes.py --check reports those)
        cell = cells[qid]
        source = f"{name} quiz {qid}"
        for question in quiz.questions:
            for answer in question.get("answers", []):
                if not answer.get("feedback"):
                    continue
                givens = _values(question.get("question", "")) + _values(answer.get("answer", ""))
                if "range" in answer:
                    givens += [float(v) for v in answer["range"]]
                text, targets, _ = clean_markdown(quiz_text_to_prose(answer["feedback"]))
                named = named_notebooks(text, targets)
                sents = sentences(text, cell)
                for s in sents:
                    findings += [f for f in check_sentence(s, source, own, named, witnesses, cited, declared, False)
                                 if not _given(f.number, givens)]
                findings += find_general_claims(sents, source)
    return findings
