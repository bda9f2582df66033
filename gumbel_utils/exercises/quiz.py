r"""Answered predictions: a question before a slider, with feedback that explains every answer.

Every **Predict** prompt of a notebook is followed by a quiz cell (tagged ``quiz``)::

    from gumbel_utils.exercises.quiz import quiz
    quiz("02-relaxation-path")

which shows a multiple-choice or numeric question, answered before the student moves the slider:
each option, once chosen, says whether it is right and *why*, from what the notebook then shows.
Exercises whose answer is a number or a choice get the same (``quiz("ex-2.2")``), so that a student
reading the static site, without Python, can still check a result.

The questions of notebook ``NN`` live in one file, ``gumbel_utils/exercises/quizzes/NN_name.json``
(:data:`QUIZ_DIR`), loaded by id (:func:`load_quizzes`); ``tools/insert_quizzes.py`` puts the cells
in the notebooks and checks that every prompt has its quiz.

Rendering is jupyterquiz's (pip ``jupyterquiz``, MIT): its question boxes, buttons, numeric input and
answer checking, in JavaScript, from the same question format. This module packs them into **one** HTML
output: jupyterquiz's container and styles (from its renderer functions), its JavaScript files as one
library script that defines ``window.guJupyterQuiz`` once per page (:func:`library_js`: in a scope without
MathJax, its CDN loader cut out; a static page can keep the first copy only, :func:`drop_repeated_libraries`),
and a call of its ``show_questions``. It adds:

* a plain-HTML copy of the question with every option's feedback folded in ``<details>``: what a
  reader sees where scripts do not run (a notebook opened *untrusted* in JupyterLab shows outputs
  sanitised; re-running the cell shows the live quiz); the live quiz hides it;
* accessibility: the options form a radio group named by the question, the numeric field is named by
  the question and its label, and the feedback is read out by a polite live region; JupyterLab's
  keyboard shortcuts are suspended inside the quiz (``data-lm-suppress-shortcuts``), so arrow keys,
  Space and Enter answer it;
* every feedback starts with "Right." or "Not quite.", so colour is never the only cue, and colours
  with a contrast of at least 4.5:1 (text of 15 px or more).

Quiz texts are HTML fragments without LaTeX (JupyterLab's MathJax is not reachable from an output's
script, and jupyterquiz would fetch MathJax from a CDN to typeset it): write τ, ≤, x<sub>1</sub>.

Examples
--------
>>> q = quiz("00-probabilities-as-logits")
>>> print(str(q).splitlines()[0])
Quiz 00-probabilities-as-logits (answer it in JupyterLab, in Voilà or on the course site)
>>> "gu-quiz" in q._repr_html_()
True
"""

from __future__ import annotations

import functools
import hashlib
import html
import itertools
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable, Mapping

__all__ = [
    "ALLOWED_TAGS",
    "CDN_LOADER",
    "COLORS",
    "LIBRARY_ATTRIBUTE",
    "QUIZ_DIR",
    "QUIZ_TAG",
    "RIGHT_PREFIX",
    "WRONG_PREFIX",
    "Quiz",
    "QuizView",
    "drop_repeated_libraries",
    "library_js",
    "load_quizzes",
    "quiz",
    "quiz_cell_source",
    "validate_quiz",
]

#: Where the question files live: one ``NN_name.json`` per notebook.
QUIZ_DIR = Path(__file__).resolve().parent / "quizzes"
#: The tag of a quiz cell in a notebook.
QUIZ_TAG = "quiz"
#: HTML tags allowed in quiz texts (jupyterquiz inserts them as HTML).
ALLOWED_TAGS = frozenset({"i", "b", "em", "strong", "code", "sub", "sup", "br"})
#: How each feedback starts, so that colour is not the only cue.
RIGHT_PREFIX, WRONG_PREFIX = "Right. ", "Not quite. "
#: Colours of jupyterquiz's boxes (CSS variables). Feedback text and answered buttons keep a contrast
#: of at least 4.5:1 with white.
COLORS = {
    "--jq-multiple-choice-bg": "#2b1a4f", "--jq-many-choice-bg": "#2b1a4f", "--jq-numeric-bg": "#2b1a4f",
    "--jq-string-bg": "#2b1a4f", "--jq-mc-button-bg": "#fafafa", "--jq-mc-button-border": "#8a8a8a",
    "--jq-mc-button-inset-shadow": "#555555", "--jq-numeric-input-bg": "#ffffff", "--jq-numeric-input-label": "#1a1a1a",
    "--jq-numeric-input-shadow": "#999999", "--jq-text-color": "#ffffff", "--jq-link-color": "#9abafa",
    "--jq-correct-color": "#00692c", "--jq-incorrect-color": "#b3261e",
}
#: jupyterquiz's statement that would load MathJax from a CDN (never reached, see QuizView), and what replaces it.
CDN_LOADER = "script.src = 'https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-svg.js';"
_NO_CDN = "/* MathJax is never fetched from a CDN here */"
_KINDS = ("predict", "exercise")
_WHERE_KEYS = {"code", "heading", "exercise"}
_ID = re.compile(r"^(?:\d\d-[a-z0-9-]+|ex-\d+\.\d+)$")

# Our additions to jupyterquiz's styles, scoped to the quiz: sizes for a projector (>= 15 px), a visible
# keyboard focus, the fallback copy and the screen-reader-only live region.
_CSS = """
.gu-quiz { margin: 8px 0 4px; font-size: 16px; line-height: 1.4; }
.gu-quiz .gu-quiz-head { font-weight: bold; font-size: 16px; margin: 0 0 4px; }
.gu-quiz .Quiz { font-size: 17px; line-height: 1.35; max-width: 820px; margin-left: 0; }
.gu-quiz .MCButton { font-size: 16px; color: #1a1a1a; text-align: left; justify-content: flex-start; gap: 8px; }
.gu-quiz .MCButton input { flex: none; width: 18px; height: 18px; margin: 0; }
.gu-quiz .MCButton:focus-within { outline: 3px solid #e69f00; outline-offset: 2px; }
.gu-quiz .Feedback { font-size: 16px; text-align: left; margin: 6px 2px 10px; }
.gu-quiz .InpLabel { font-size: 16px; float: none; display: block; line-height: 1.4; margin: 4px 0; }
.gu-quiz .Input-text { color: #1a1a1a; font-size: 18px; border: 2px solid #8a8a8a; }
.gu-quiz .Input-text:focus { outline: 3px solid #e69f00; }
.gu-quiz .correctButton, .gu-quiz .incorrectButton { color: #ffffff; }
.gu-quiz .gu-quiz-fallback { font-size: 16px; border-left: 6px solid #2b1a4f; padding: 2px 10px; }
.gu-quiz .gu-quiz-fallback details { display: inline; }
.gu-quiz .gu-quiz-live { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
"""

#: The attribute that marks jupyterquiz's script in a quiz output (:func:`drop_repeated_libraries`).
LIBRARY_ATTRIBUTE = "data-gu-quiz-lib"

# Shows one quiz with jupyterquiz's ``show_questions`` once its box is in the document and the library is there.
_SHOW_JS = """
(function () {
  var questions = %(questions)s, tries = 0;
  function show() {
    var box = document.getElementById(%(box)s);
    if (box && window.guJupyterQuiz) { window.guJupyterQuiz.show(questions, box); }
    else if (tries++ < 300) { setTimeout(show, 100); }
  }
  show();
})();
"""

# Runs after the show call in the same <script>: waits for jupyterquiz's questions, hides the fallback
# and adds the accessible names and the live region (jupyterquiz 2.9 sets neither).
_ENHANCE_JS = """
(function () {
  var root = document.getElementById(%(root)s), box = document.getElementById(%(box)s);
  if (!root || !box) { return; }
  var live = root.querySelector('.gu-quiz-live');
  function announce(fb) {
    live.textContent = '';
    setTimeout(function () { live.textContent = fb.textContent; }, 60);
  }
  function enhance() {
    var quizzes = box.querySelectorAll('.Quiz');
    if (!quizzes.length) { return false; }
    var fallback = root.querySelector('.gu-quiz-fallback');
    if (fallback) { fallback.hidden = true; }
    quizzes.forEach(function (wrap) {
      if (wrap.dataset.guEnhanced) { return; }
      wrap.dataset.guEnhanced = '1';
      var q = wrap.querySelector('[id^="quizQn"]'), answers = wrap.querySelector('.Answer');
      var fb = wrap.querySelector('.Feedback');
      // Lumino stops looking for a shortcut at the first element with this attribute, from the focused one up:
      // it must be on the inputs themselves (JupyterLab's command-mode selectors match any focused element)
      wrap.querySelectorAll('input').forEach(function (i) { i.setAttribute('data-lm-suppress-shortcuts', 'true'); });
      if (q && answers && answers.querySelector('input[type="radio"]')) {
        answers.setAttribute('role', 'radiogroup');
        answers.setAttribute('aria-labelledby', q.id);
      }
      var text = answers && answers.querySelector('input.Input-text');
      if (q && text) {
        var label = answers.querySelector('label.InpLabel');
        label.id = text.id + '-label';
        label.htmlFor = text.id;
        label.textContent = 'Your answer (a number), then press Enter:';
        text.setAttribute('aria-labelledby', q.id + ' ' + label.id);
        text.setAttribute('inputmode', 'decimal');
        text.setAttribute('autocomplete', 'off');
      }
      if (fb) {
        new MutationObserver(function () { announce(fb); }).observe(fb, {childList: true, characterData: true,
                                                                        subtree: true});
      }
    });
    return true;
  }
  if (!enhance()) {
    new MutationObserver(function (m, observer) { if (enhance()) { observer.disconnect(); } })
      .observe(box, {childList: true, subtree: true});
  }
})();
"""


@dataclass(frozen=True)
class Quiz:
    """One quiz: its questions (jupyterquiz's format) and where it belongs in its notebook.

    Attributes
    ----------
    id : str
        ``"NN-name"`` for a Predict prompt of notebook NN, ``"ex-N.M"`` for exercise N.M.
    notebook : str
        The notebook's two-digit number (``"02"``).
    kind : {"predict", "exercise"}
        A prediction before a slider, or a check of an exercise's result.
    where : dict
        How ``tools/insert_quizzes.py`` finds its place: ``{"code": s}`` (the first code cell after
        the prompt contains ``s``), ``{"heading": s}`` (the nearest heading above the prompt contains
        the words of ``s``), both, or ``{"exercise": "N.M"}`` (after the worked solution and
        self-check of exercise N.M).
    questions : tuple of dict
        The questions, each ``{"type": "multiple_choice" | "numeric", "question": ..., "answers": [...]}``.
    source : str
        The file it was read from.
    """

    id: str
    notebook: str
    kind: str
    where: Mapping[str, str]
    questions: tuple
    source: str = ""

    @property
    def title(self) -> str:
        """The line above the questions."""
        if self.kind == "exercise":
            return f"Exercise {self.where['exercise']}: check your result (no Python needed)"
        return "Your prediction: answer before you move the slider"


def _texts(question: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    yield "question", question.get("question", "")
    for answer in question.get("answers", []):
        if "answer" in answer:
            yield "option", answer["answer"]
        if "feedback" in answer:
            yield "feedback", answer["feedback"]


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        if tag != "br":
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(tag)
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.open.append(f"/{tag}")


def _html_problems(text: str) -> list[str]:
    problems = []
    parser = _TagCollector()
    parser.feed(text)
    parser.close()
    bad = sorted(set(parser.tags) - ALLOWED_TAGS)
    if bad:
        problems.append(f"tags {bad} are not allowed (only {sorted(ALLOWED_TAGS)})")
    if parser.open:
        problems.append(f"unbalanced tags {parser.open}")
    if "$" in text:
        problems.append("LaTeX ($) does not render in a quiz: write τ, ≤, x<sub>1</sub>")
    if re.search(r"<(?![/a-z])", text):
        problems.append("a bare '<' (write &lt; or ≤)")
    return problems


def validate_quiz(raw: Mapping[str, Any], notebook: str | None = None) -> list[str]:
    """What is wrong with one quiz record (an empty list when nothing is).

    Checks: an id of the form ``NN-name`` (``NN`` the notebook) or ``ex-N.M``; a known kind and a
    ``where``; 1 to 4 questions; a multiple-choice question has 2 to 4 options, exactly one right,
    and feedback for every option; a numeric question has exactly one right range, wrong ranges
    that do not overlap it, and a default feedback; texts use only :data:`ALLOWED_TAGS`, no LaTeX.

    Parameters
    ----------
    raw : mapping
        The quiz as read from its JSON file.
    notebook : str, optional
        The file's notebook number; the id must belong to it.

    Returns
    -------
    list of str
    """
    qid = raw.get("id", "?")
    problems: list[str] = []

    def bad(message: str) -> None:
        problems.append(f"{qid}: {message}")

    if not isinstance(qid, str) or not _ID.match(qid):
        bad("the id must be 'NN-name' (lower case, digits, dashes) or 'ex-N.M'")
    kind = raw.get("kind")
    if kind not in _KINDS:
        bad(f"kind must be one of {_KINDS}, got {kind!r}")
    where = raw.get("where")
    if not isinstance(where, Mapping) or not where or set(where) - _WHERE_KEYS:
        bad(f"where must be a dict with keys among {sorted(_WHERE_KEYS)}")
    elif kind == "exercise" and set(where) != {"exercise"}:
        bad("an exercise quiz is placed by {'exercise': 'N.M'} alone")
    elif kind == "predict" and "exercise" in where:
        bad("a Predict quiz is placed by 'code' and/or 'heading'")
    if isinstance(qid, str) and notebook is not None:
        own = qid[:2] if kind == "predict" else (where or {}).get("exercise", "").split(".")[0].zfill(2)
        if kind == "exercise" and qid != f"ex-{(where or {}).get('exercise')}":
            bad("an exercise quiz's id is 'ex-' followed by its exercise")
        if kind == "predict" and own != notebook:
            bad(f"a quiz of notebook {notebook} must have an id starting with '{notebook}-'")
    questions = raw.get("questions")
    if not isinstance(questions, list) or not 1 <= len(questions) <= 4:
        bad("1 to 4 questions")
        return problems
    for i, q in enumerate(questions, 1):
        answers = q.get("answers") or []
        if not q.get("question"):
            bad(f"question {i} has no text")
        if q.get("type") == "multiple_choice":
            if not 2 <= len(answers) <= 4:
                bad(f"question {i}: 2 to 4 options, got {len(answers)}")
            if sum(bool(a.get("correct")) for a in answers) != 1:
                bad(f"question {i}: exactly one right option")
            if any(not a.get("answer") or not a.get("feedback") for a in answers):
                bad(f"question {i}: every option needs its text and its feedback")
        elif q.get("type") == "numeric":
            ranges = [a for a in answers if a.get("type") == "range"]
            right = [a for a in ranges if a.get("correct")]
            if len(right) != 1:
                bad(f"question {i}: exactly one right range")
            if not any(a.get("type") == "default" and a.get("feedback") for a in answers):
                bad(f"question {i}: a default feedback (for any other number)")
            for a in ranges:
                lo, hi = a.get("range", (None, None))
                if not (isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and lo < hi):
                    bad(f"question {i}: a range is [low, high) with low < high")
                if not a.get("feedback"):
                    bad(f"question {i}: every range needs its feedback")
            if len(right) == 1:
                lo, hi = right[0]["range"]
                for a in ranges:
                    if a is not right[0] and a["range"][0] < hi and a["range"][1] > lo:
                        bad(f"question {i}: a wrong range overlaps the right one")
        else:
            bad(f"question {i}: type must be 'multiple_choice' or 'numeric'")
        for what, text in _texts(q):
            if not isinstance(text, str):
                bad(f"question {i}: a {what} must be text")
                continue
            problems += [f"{qid}: question {i}, {what}: {p}" for p in _html_problems(text)]
    return problems


@functools.lru_cache(maxsize=None)
def _load(directory: str) -> dict[str, Quiz]:
    found: dict[str, Quiz] = {}
    problems: list[str] = []
    for path in sorted(Path(directory).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        notebook = str(data.get("notebook", ""))
        if notebook != path.name[:2]:
            problems.append(f"{path.name}: 'notebook' must be {path.name[:2]!r} (the file name's number)")
        for raw in data.get("quizzes", []):
            problems += [f"{path.name}: {p}" for p in validate_quiz(raw, notebook)]
            if raw.get("id") in found:
                problems.append(f"{path.name}: the id {raw.get('id')!r} is used twice")
            found[raw.get("id")] = Quiz(id=raw.get("id"), notebook=notebook, kind=raw.get("kind"),
                                        where=dict(raw.get("where") or {}),
                                        questions=tuple(raw.get("questions") or ()), source=path.name)
    if problems:
        raise ValueError("invalid quiz data:\n  " + "\n  ".join(problems))
    return found


def load_quizzes(directory: str | Path | None = None) -> dict[str, Quiz]:
    """Every quiz of the question files, by id (read once, validated).

    Parameters
    ----------
    directory : str or Path, optional
        Folder of ``NN_name.json`` files (default :data:`QUIZ_DIR`).

    Returns
    -------
    dict of str to Quiz

    Raises
    ------
    ValueError
        If a file breaks a rule of :func:`validate_quiz` or an id is used twice.
    """
    return dict(_load(str(Path(directory or QUIZ_DIR).resolve())))


def quiz_cell_source(quiz_id: str) -> str:
    """The source of the notebook cell that shows quiz ``quiz_id``.

    >>> print(quiz_cell_source("ex-2.2"))
    from gumbel_utils.exercises.quiz import quiz
    quiz("ex-2.2")
    """
    return f'from gumbel_utils.exercises.quiz import quiz\nquiz("{quiz_id}")'


def _jupyterquiz_questions(q: Quiz) -> list[dict]:
    """The questions as jupyterquiz reads them, each feedback starting with "Right." or "Not quite."."""
    out = []
    for question in q.questions:
        question = json.loads(json.dumps(question))  # a deep copy
        for answer in question["answers"]:
            if "feedback" in answer:
                prefix = RIGHT_PREFIX if answer.get("correct") else WRONG_PREFIX
                answer["feedback"] = prefix + answer["feedback"]
        out.append(question)
    return out


def _plain(text: str) -> str:
    """A quiz text without its HTML tags (for the plain-text form)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


_COUNTER = itertools.count()


class QuizView:
    """A quiz as a notebook shows it: one HTML output (live quiz + fallback), plain text elsewhere.

    Parameters
    ----------
    q : Quiz
        The quiz.
    number : int
        Makes the element ids unique on a page that shows several quizzes (or one twice).
    """

    def __init__(self, q: Quiz, number: int = 0) -> None:
        self.quiz = q
        digest = hashlib.sha1(f"{q.id}/{number}".encode()).hexdigest()[:10]
        self.root_id = f"gu-quiz-{digest}"
        self.box_id = f"guquiz{digest}"  # jupyterquiz uses it as a JavaScript name: letters and digits only

    def __str__(self) -> str:
        lines = [f"Quiz {self.quiz.id} (answer it in JupyterLab, in Voilà or on the course site)"]
        for i, question in enumerate(self.quiz.questions, 1):
            lines.append(f"{i}. {_plain(question['question'])}")
            if question["type"] == "multiple_choice":
                lines += [f"   {chr(65 + j)}. {_plain(a['answer'])}" for j, a in enumerate(question["answers"])]
            else:
                lines.append("   (a number)")
        return "\n".join(lines)

    __repr__ = __str__

    def fallback_html(self) -> str:
        """The quiz in plain HTML: the questions, and each option's feedback folded in ``<details>``."""
        parts = []
        for i, question in enumerate(_jupyterquiz_questions(self.quiz), 1):
            parts.append(f"<p><b>{i}.</b> {question['question']}</p>")
            if question["type"] == "multiple_choice":
                items = "".join(f"<li>{a['answer']} <details><summary>why?</summary>{a['feedback']}</details></li>"
                                for a in question["answers"])
                parts.append(f"<ol type='A'>{items}</ol>")
            else:
                right = next(a for a in question["answers"] if a.get("correct"))
                lo, hi = right["range"]
                parts.append(f"<details><summary>the accepted range</summary>from {lo:g} up to (not including) "
                             f"{hi:g}. {right['feedback']}</details>")
        note = ("<p><i>This is the quiz without its buttons: the notebook is not trusted, or scripts do not run "
                "here. Run the cell to answer it live.</i></p>")
        return f"<div class='gu-quiz-fallback'>{''.join(parts)}{note}</div>"

    def _repr_html_(self) -> str:
        from jupyterquiz.dynamic.renderer import build_styles, render_div

        box = render_div(self.box_id, False, False, False, 1_000_000, 820, 10, "left") + "</div>"
        styles = build_styles(self.box_id, COLORS)
        questions = json.dumps(_jupyterquiz_questions(self.quiz), ensure_ascii=False).replace("</", "<\\/")
        show = _SHOW_JS % {"questions": questions, "box": json.dumps(self.box_id)}
        enhance = _ENHANCE_JS % {"root": json.dumps(self.root_id), "box": json.dumps(self.box_id)}
        title = html.escape(self.quiz.title)
        return (
            f'<div class="gu-quiz" id="{self.root_id}" data-quiz-id="{html.escape(self.quiz.id)}" role="group" '
            f'aria-labelledby="{self.root_id}-head" data-lm-suppress-shortcuts="true">'
            f'<p class="gu-quiz-head" id="{self.root_id}-head">{title}</p>'
            f"{self.fallback_html()}{box}"
            f'<div class="gu-quiz-live" role="status" aria-live="polite"></div>'
            f"{styles}<style>{_CSS}</style>"
            f"<script {LIBRARY_ATTRIBUTE}>{library_js()}</script><script>{show}\n{enhance}</script></div>"
        )


@functools.lru_cache(maxsize=1)
def library_js() -> str:
    """jupyterquiz's renderer as one script that defines ``window.guJupyterQuiz`` once per page.

    The same JavaScript files that jupyterquiz's own ``display_quiz`` sends (``jupyterquiz/js/*.js``), with
    two changes, both measured (see the report of issue 20): they run in a scope where ``MathJax`` is
    undefined, because with the MathJax 3 loader that JupyterLab 4 and Voila put on ``window`` (no
    ``typeset``) jupyterquiz calls ``MathJax.typeset`` (a page error) or fetches MathJax from
    cdn.jsdelivr.net over ``window.MathJax`` (our texts hold no math); and that fetch statement,
    :data:`CDN_LOADER`, is cut out, so that no page names a CDN. Every quiz output carries this script (an
    output must work alone in JupyterLab); a page that holds several can drop the repeats
    (:func:`drop_repeated_libraries`).

    Returns
    -------
    str
    """
    from importlib.resources import files

    js_dir = files("jupyterquiz").joinpath("js")
    code = "".join(f.read_text(encoding="utf-8") for f in sorted(js_dir.iterdir(), key=lambda f: f.name)
                   if f.name.endswith(".js"))
    code = code.replace(CDN_LOADER, _NO_CDN)
    return ("if (!window.guJupyterQuiz) { (function (MathJax) {\n" + code
            + "\nwindow.guJupyterQuiz = {show: show_questions};\n})(); }")


_LIBRARY_SCRIPT = re.compile(r"<script\s[^>]*\bdata-gu-quiz-lib\b[^>]*>.*?</script>", re.S)


def drop_repeated_libraries(page: str) -> str:
    """A page with jupyterquiz's script kept in its first quiz only (the others find it on ``window``).

    For a static page that shows several quizzes (the course site): each quiz output carries the
    library (:func:`library_js`, about 40 KB); the scripts run in document order, so the first one
    defines ``window.guJupyterQuiz`` for all.

    Parameters
    ----------
    page : str
        An HTML page.

    Returns
    -------
    str

    Examples
    --------
    >>> page = "<script data-gu-quiz-lib>A</script>1<script data-gu-quiz-lib>A</script>2"
    >>> drop_repeated_libraries(page)
    '<script data-gu-quiz-lib>A</script>12'
    """
    found = iter(range(1_000_000))
    return _LIBRARY_SCRIPT.sub(lambda m: m.group(0) if next(found) == 0 else "", page)


def quiz(quiz_id: str) -> QuizView:
    """The quiz ``quiz_id``, shown by the notebook (the cell's last expression).

    Parameters
    ----------
    quiz_id : str
        ``"NN-name"`` (a Predict prompt of notebook NN) or ``"ex-N.M"`` (exercise N.M).

    Returns
    -------
    QuizView
        Displays as the live quiz (HTML and JavaScript) in JupyterLab, Voilà and the static site,
        and as plain text elsewhere.

    Raises
    ------
    KeyError
        If no question file defines ``quiz_id`` (the message lists the ids of its notebook).
    """
    quizzes = load_quizzes()
    if quiz_id not in quizzes:
        prefix = quiz_id.split("-")[0]
        near = sorted(k for k in quizzes if k.startswith(prefix))
        raise KeyError(f"no quiz {quiz_id!r} in {QUIZ_DIR}; quizzes starting with {prefix!r}: {near}")
    return QuizView(quizzes[quiz_id], next(_COUNTER))
