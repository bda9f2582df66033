"""``gumbel_utils.exercises.feedback``: the result a self-check shows, the registry, and answer validation."""

from __future__ import annotations

import numpy as np
import pytest

from gumbel_utils.exercises import feedback
from gumbel_utils.exercises.feedback import (EXERCISES, NO_ANSWER, RIGHT, WRONG, CheckResult, WrongAnswer, as_array, as_number,
                                    as_pair, as_samples, exercise, require_law)


@pytest.fixture
def toy_check():
    @exercise("98.1", "one positive number")
    def exercise_98_1(answer):
        """Exercise 98.1 (a test)."""
        if as_number(answer, "your number") <= 0:
            raise WrongAnswer("your number should be positive.")
        if answer == 13:
            raise RuntimeError("unlucky")
        return "a positive number."

    yield exercise_98_1
    EXERCISES.pop("98.1")


def test_result_shows_one_line_in_text_and_html():
    right = CheckResult("1.2", RIGHT, "category 1 never appears.")
    wrong = CheckResult("1.2", WRONG, "your frequencies sum to 1.3, not 1 & <b>.")
    missing = CheckResult("1.2", NO_ANSWER, "Store your answer in answer_1_2.")
    assert str(right) == repr(right) == "✓ Exercise 1.2: right. Category 1 never appears."
    assert str(wrong) == "✗ Exercise 1.2: your frequencies sum to 1.3, not 1 & <b>."
    assert str(missing).startswith("✗ Exercise 1.2: no answer yet.")
    assert (right.passed, wrong.passed, missing.passed) == (True, False, False)
    for result in (right, wrong, missing):
        page = result._repr_html_()
        assert "\n" not in page and page.startswith("<div") and f"Exercise {result.exercise}" in page
    assert "&lt;b&gt;" in wrong._repr_html_() and "<b>." not in wrong._repr_html_(), "message not escaped"
    assert "no answer yet" in missing._repr_html_() and "✓" in right._repr_html_()


def test_exercise_registers_a_check_that_never_raises(toy_check):
    assert EXERCISES["98.1"] is toy_check
    assert "Parameters\n    ----------" in toy_check.__doc__ and "answer_98_1" in toy_check.__doc__
    assert toy_check(2).passed
    for missing in (..., None):
        result = toy_check(missing)
        assert result.status == NO_ANSWER and "answer_98_1" in result.message
    assert toy_check().status == NO_ANSWER
    assert toy_check(-1).message == "your number should be positive."
    crashed = toy_check(13)
    assert crashed.status == WRONG
    assert "RuntimeError: unlucky" in crashed.message and "one positive number" in crashed.message
    for junk in ("two", [1, 2], {"a": 1}, object(), np.nan, lambda: 1, np.zeros((2, 2))):
        assert toy_check(junk).status == WRONG


def test_check_silences_warnings(recwarn):
    import warnings

    @exercise("98.2", "anything")
    def exercise_98_2(answer):
        """Exercise 98.2 (a test): warns while checking."""
        warnings.warn("a warning inside a check", UserWarning)
        return f"log(0) = {np.log(np.zeros(1))[0]}"

    try:
        with np.errstate(all="raise"):
            result = exercise_98_2(1)
    finally:
        EXERCISES.pop("98.2")
    assert result.passed and "-inf" in result.message
    assert not recwarn.list


def test_as_number_and_as_array():
    assert as_number(np.array([2.5]), "x") == 2.5
    with pytest.raises(WrongAnswer, match=r"expected one number \(x\), got a str"):
        as_number("2", "x")
    with pytest.raises(WrongAnswer, match="finite"):
        as_number(np.inf, "x")
    assert as_array([1, 2], (2,), "two values").dtype == np.float64
    with pytest.raises(WrongAnswer, match=r"the shape should be \(4,\) \(deviations\), got \(3,\)"):
        as_array(np.ones(3), (4,), "deviations")
    with pytest.raises(WrongAnswer, match="NaN"):
        as_array([1, np.nan], (2,), "values")


def test_as_pair_and_as_samples():
    assert as_pair((1, 2), "a, b") == (1, 2)
    for bad in ((1, 2, 3), "ab", {"a": 1, "b": 2}, 5):
        with pytest.raises(WrongAnswer, match="expected a pair"):
            as_pair(bad, "a, b")
    k = as_samples(np.array([0.0, 1.0, 2.0] * 400), 3, "your samples")
    assert k.dtype == np.int64
    with pytest.raises(WrongAnswer, match="one-hot rows"):
        as_samples(np.eye(3)[k], 3, "your samples")
    with pytest.raises(WrongAnswer, match="too few"):
        as_samples([0, 1], 3, "your samples")
    with pytest.raises(WrongAnswer, match="categories 0 to 2"):
        as_samples(np.arange(1200) % 4, 3, "your samples")
    with pytest.raises(WrongAnswer, match="integer"):
        as_samples(np.full(1200, 0.5), 3, "your samples")


def test_require_law():
    rng = np.random.default_rng(0)
    k = rng.choice(3, size=20_000, p=[0.2, 0.3, 0.5])
    assert require_law(k, np.array([0.2, 0.3, 0.5]), "samples", "p") > 1e-4
    with pytest.raises(WrongAnswer, match="do not follow the uniform law"):
        require_law(k, np.full(3, 1 / 3), "samples", "the uniform law")


def test_all_is_complete():
    public = {n for n in dir(feedback) if not n.startswith("_")}
    assert {"CheckResult", "WrongAnswer", "exercise", "as_number", "as_samples", "require_law"} <= set(feedback.__all__)
    assert set(feedback.__all__) <= public
