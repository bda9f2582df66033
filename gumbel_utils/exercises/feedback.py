"""The machinery of the exercises' self-checks: the result a check shows, its registry, answer validation.

The checks themselves, one function per exercise, live in :mod:`gumbel_utils.exercises.check` (what a notebook
calls). A check body is a function ``body(answer) -> str`` registered with :func:`exercise`: it returns a
short message saying what it verified, or raises :class:`WrongAnswer` with a message saying what is
wrong, never the expected value. :func:`exercise` wraps it so that the check always returns a
:class:`CheckResult` and never raises, whatever the answer.

The ``as_*`` helpers turn an answer into the expected type and shape, raising :class:`WrongAnswer` with
a helpful message ("the shape should be (4,), got (3,)") when they cannot.

Examples
--------
>>> @exercise("9.1", "one positive number")
... def exercise_9_1(answer):
...     '''Exercise 9.1 (an example).'''
...     if as_number(answer, "your number") <= 0:
...         raise WrongAnswer("your number should be positive.")
...     return "a positive number."
>>> exercise_9_1(...)
✗ Exercise 9.1: no answer yet. Store your answer in answer_9_1 (it is ... until you do).
>>> exercise_9_1(-1)
✗ Exercise 9.1: your number should be positive.
>>> exercise_9_1(2)
✓ Exercise 9.1: right. A positive number.
>>> exercise_9_1([1, 2])
✗ Exercise 9.1: expected one number (your number), got 2 numbers (shape (2,)).
>>> _ = EXERCISES.pop("9.1")
"""

from __future__ import annotations

import functools
import html
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

__all__ = [
    "CheckResult",
    "WrongAnswer",
    "EXERCISES",
    "exercise",
    "describe",
    "as_number",
    "as_array",
    "as_pair",
    "as_samples",
    "require_law",
    "RIGHT",
    "WRONG",
    "NO_ANSWER",
]

RIGHT, WRONG, NO_ANSWER = "right", "wrong", "no answer"
_SYMBOL = {RIGHT: "✓", WRONG: "✗", NO_ANSWER: "✗"}
_COLOR = {RIGHT: "#009E73", WRONG: "#D55E00", NO_ANSWER: "#E69F00"}  # Okabe-Ito green, vermillion, orange
#: The same hues, darker, for text: a contrast of at least 5:1 on white (WCAG AA; the bars keep _COLOR).
_TEXT_COLOR = {RIGHT: "#00734F", WRONG: "#A84A00", NO_ANSWER: "#8A5D00"}
_HEAD = {RIGHT: "right.", NO_ANSWER: "no answer yet.", WRONG: "not yet right:"}


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one self-check, displayed as one ✓/✗ line (HTML in a notebook, plain text elsewhere).

    Attributes
    ----------
    exercise : str
        The exercise, ``"N.M"`` (notebook N, exercise M).
    status : {"right", "wrong", "no answer"}
        What the check found.
    message : str
        What was checked (right), what is wrong (wrong), or where to put the answer (no answer).

    Examples
    --------
    >>> r = CheckResult("2.1", "wrong", "the shape should be (4,), got (3,).")
    >>> r
    ✗ Exercise 2.1: the shape should be (4,), got (3,).
    >>> r.passed
    False
    >>> "not yet right" in r._repr_html_()
    True
    """

    exercise: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        """True when the answer is right."""
        return self.status == RIGHT

    def _text(self) -> str:
        return self.message if self.status == WRONG else _sentence(self.message)

    def __str__(self) -> str:
        head = "" if self.status == WRONG else f" {_HEAD[self.status]}"
        return f"{_SYMBOL[self.status]} Exercise {self.exercise}:{head} {self._text()}".rstrip()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        color = _COLOR[self.status]
        return (
            f'<div class="gu-self-check gu-self-check-{self.status.replace(" ", "-")}" '
            f'style="border-left: 6px solid {color}; padding: 4px 10px; font-size: 15px; line-height: 1.4;">'
            f'<b style="color: {_TEXT_COLOR[self.status]};">{_SYMBOL[self.status]} Exercise {html.escape(self.exercise)}: '
            f"{_HEAD[self.status]}</b> {html.escape(self._text())}</div>"
        )


class WrongAnswer(Exception):
    """Raised inside a check body: the answer is wrong, and the message says why (never the expected value)."""


#: Every self-check, by exercise ("N.M" -> check function), in the order they were registered.
EXERCISES: dict[str, Callable[[Any], CheckResult]] = {}


def exercise(number: str, expects: str) -> Callable[[Callable[[Any], str]], Callable[[Any], CheckResult]]:
    """Register a check body as the self-check of exercise ``number`` ("N.M").

    The returned check turns a missing answer (``...`` or None) into "no answer yet", a
    :class:`WrongAnswer` into a wrong result with its message, any other exception (an answer of an
    unexpected type) into a "could not check" message naming ``expects``; it silences warnings and
    always returns a :class:`CheckResult`. It is stored in :data:`EXERCISES`.

    Parameters
    ----------
    number : str
        ``"N.M"``: notebook N, exercise M; the notebook's answer variable is ``answer_N_M``.
    expects : str
        What the answer should be, for messages and the docstring (e.g. "the sampled categories").

    Returns
    -------
    callable
        A decorator of ``body(answer) -> str``.
    """
    variable = "answer_" + number.replace(".", "_")

    def decorate(body: Callable[[Any], str]) -> Callable[[Any], CheckResult]:
        @functools.wraps(body)
        def check(answer: Any = ...) -> CheckResult:
            if answer is ... or answer is None:
                return CheckResult(number, NO_ANSWER, f"Store your answer in {variable} (it is ... until you do).")
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    message = body(answer)
            except WrongAnswer as wrong:
                return CheckResult(number, WRONG, str(wrong))
            except Exception as err:  # noqa: BLE001 - a self-check never stops the notebook
                return CheckResult(number, WRONG, f"could not check this answer ({type(err).__name__}: {err}). "
                                                  f"{variable} should be {expects}.")
            return CheckResult(number, RIGHT, message)

        check.__doc__ = (
            f"{(body.__doc__ or '').strip()}\n\n"
            f"    Parameters\n    ----------\n    answer : object\n"
            f"        {_sentence(expects)} (the notebook's ``{variable}``); ``...`` or None: no answer yet.\n\n"
            f"    Returns\n    -------\n    CheckResult\n"
            f"        Right, wrong (saying what is wrong) or no answer yet; never raises.\n"
        )
        EXERCISES[number] = check
        return check

    return decorate


# --------------------------------------------------------------------------- answer validation


def describe(value: Any) -> str:
    """A short description of a value for messages: "an array of shape (3,)", "a str".

    >>> describe([1, 2]), describe(__import__("numpy").zeros(3))
    ('a list', 'an array of shape (3,)')
    """
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"


def as_number(answer: Any, what: str) -> float:
    """One finite real number, or :class:`WrongAnswer`.

    Parameters
    ----------
    answer : object
        The student's value.
    what : str
        Its name in messages ("your temperature").
    """
    if isinstance(answer, (str, bytes)) or callable(answer):
        raise WrongAnswer(f"expected one number ({what}), got {describe(answer)}.")
    try:
        arr = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        raise WrongAnswer(f"expected one number ({what}), got {describe(answer)}.") from None
    if arr.size != 1:
        raise WrongAnswer(f"expected one number ({what}), got {arr.size} numbers (shape {arr.shape}).")
    value = float(arr.reshape(()))
    if not np.isfinite(value):
        raise WrongAnswer(f"expected one finite number ({what}), got {value}.")
    return value


def as_array(answer: Any, shape: tuple[int, ...], what: str) -> np.ndarray:
    """A finite float array of the given shape, or :class:`WrongAnswer` naming the shape.

    Parameters
    ----------
    answer : object
        The student's value.
    shape : tuple of int
        The shape it must have.
    what : str
        Its name in messages ("deviations at tau = 10, 100, 1000, 10^4").
    """
    if isinstance(answer, (str, bytes)) or callable(answer):
        raise WrongAnswer(f"expected {what} (an array of shape {shape}), got {describe(answer)}.")
    try:
        arr = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        raise WrongAnswer(f"expected {what} (an array of shape {shape}), got {describe(answer)}.") from None
    if arr.shape != shape:
        raise WrongAnswer(f"the shape should be {shape} ({what}), got {arr.shape}.")
    if not np.isfinite(arr).all():
        raise WrongAnswer(f"expected finite numbers ({what}), got NaN or infinite values.")
    return arr


def as_pair(answer: Any, what: str) -> tuple[Any, Any]:
    """The two parts of a pair (tuple or list of length 2), or :class:`WrongAnswer`.

    Parameters
    ----------
    answer : object
        The student's value.
    what : str
        What the two parts are, for messages ("beta, smallest total variation").
    """
    if isinstance(answer, (str, bytes, dict)) or not hasattr(answer, "__len__") or len(answer) != 2:
        raise WrongAnswer(f"expected a pair ({what}), got {describe(answer)}.")
    return answer[0], answer[1]


def as_samples(answer: Any, num_categories: int, what: str, min_size: int = 1000) -> np.ndarray:
    """A 1-D integer array of category indices in [0, K), or :class:`WrongAnswer`.

    Parameters
    ----------
    answer : object
        The student's samples (integral floats are accepted).
    num_categories : int
        K.
    what : str
        Their name in messages ("your samples").
    min_size : int
        The fewest samples a test of their law accepts.
    """
    if isinstance(answer, (str, bytes)) or callable(answer) or np.ndim(answer) == 0:
        raise WrongAnswer(f"expected {what} (a 1-D array of category indices), got {describe(answer)}.")
    k = np.asarray(answer)
    if k.ndim != 1:
        hint = " (one-hot rows? take .argmax(axis=1))" if k.ndim == 2 and k.shape[-1] == num_categories else ""
        raise WrongAnswer(f"expected {what} as a 1-D array of category indices, got shape {k.shape}{hint}.")
    if np.issubdtype(k.dtype, np.floating) and np.isfinite(k).all() and np.array_equal(k, np.round(k)):
        k = k.astype(np.int64)
    if not np.issubdtype(k.dtype, np.integer):
        raise WrongAnswer(f"expected {what} as integer category indices, got values of type {k.dtype}.")
    if k.size < min_size:
        raise WrongAnswer(f"only {k.size} samples in {what}: too few to test a law; draw at least {min_size:,}.")
    if k.min() < 0 or k.max() >= num_categories:
        raise WrongAnswer(f"{what} should be categories 0 to {num_categories - 1}, "
                          f"got values from {k.min()} to {k.max()}.")
    return k


def require_law(samples: np.ndarray, probs: np.ndarray, what: str, law: str, alpha: float = 1e-4) -> float:
    """The chi-square p-value of ``samples`` against ``probs``; :class:`WrongAnswer` when it is below ``alpha``.

    Parameters
    ----------
    samples : ndarray
        Category indices (from :func:`as_samples`).
    probs : ndarray, shape (K,)
        The law they should follow.
    what, law : str
        Names of the samples and of the law, for messages (the law is named, not printed).
    alpha : float
        The p-value below which the samples are declared not to follow ``probs``; with a fixed
        seed a right answer's p-value is a fixed number, so this is a one-off false alarm rate.
    """
    from ..stats import goodness_of_fit

    pvalue = goodness_of_fit(samples, probs).pvalue
    if pvalue < alpha:
        raise WrongAnswer(f"chi-square p-value {pvalue:.2g}: {what} do not follow {law}.")
    return pvalue
