"""Input validation helpers in gumbel_utils._validation: accepted input, ValueErrors for bad values and
TypeErrors for wrong types, each naming the argument."""

import numpy as np
import pytest

from gumbel_utils._validation import (
    as_generator,
    check_choice,
    check_count,
    check_logits,
    check_objective,
    check_simplex_points,
    check_size,
    check_tau,
    logits_as_rows,
    row_max,
)


def test_as_generator_accepts_none_int_and_generator():
    gen = np.random.default_rng(3)
    assert as_generator(gen) is gen
    assert as_generator(5).random() == np.random.default_rng(5).random()
    assert isinstance(as_generator(None), np.random.Generator)
    assert as_generator(np.uint8(7)).random() == np.random.default_rng(7).random()


@pytest.mark.parametrize("rng", ["seed", 1.5, True, np.random.RandomState(0), object(), [1.5]])
def test_as_generator_rejects_wrong_types(rng):
    with pytest.raises(TypeError, match="rng"):
        as_generator(rng)


def test_as_generator_rejects_negative_seed():
    with pytest.raises(ValueError, match="rng"):
        as_generator(-3)


def test_check_logits_returns_float64_and_allows_neg_inf():
    x = check_logits([1, 2, -np.inf])
    assert x.dtype == np.float64 and x.tolist() == [1.0, 2.0, -np.inf]
    assert check_logits(np.zeros((2, 3), dtype=np.float32)).dtype == np.float64
    assert check_logits(np.zeros((2, 2, 2)), ndim=None).shape == (2, 2, 2)


@pytest.mark.parametrize(
    "logits, message",
    [
        ([0.0, np.nan], "NaN"),
        ([0.0, np.inf], r"\+inf"),
        ([-np.inf, -np.inf], "every logit is -inf"),
        ([[0.0, 1.0], [-np.inf, -np.inf]], "every logit is -inf"),
        ([], "empty"),
        (np.zeros((0, 2)), "empty"),
        (np.zeros((2, 2, 2)), "1-D or 2-D"),
        (3.0, "1-D or 2-D"),
    ],
)
def test_check_logits_messages_name_the_argument(logits, message):
    with pytest.raises(ValueError, match=message) as info:
        check_logits(logits, name="theta")
    assert str(info.value).startswith("theta")


@pytest.mark.parametrize("logits", [["a"], ["1", "2"], None, [None, 1.0], [True, False], "0.5"])
def test_check_logits_wrong_type_is_a_type_error(logits):
    with pytest.raises(TypeError, match="theta must be real numbers") as info:
        check_logits(logits, name="theta")
    assert str(info.value).startswith("theta")


def test_check_logits_scalar_with_ndim_none():
    with pytest.raises(ValueError, match="logits must have at least one axis"):
        check_logits(2.0, ndim=None)


def test_check_logits_neg_inf_can_be_refused():
    with pytest.raises(ValueError, match="logits contains -inf"):
        check_logits([0.0, -np.inf], allow_neg_inf=False)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("k", [2, 5, 9, 40])
def test_row_max_catches_nan_and_inf_anywhere(bad, k):
    """row_max validates as it reduces: NaN or +inf in any position of any row is reported."""
    for row in (0, 6):
        for col in range(k):
            x = np.random.default_rng(k).normal(size=(7, k))
            x[row, col] = bad
            with pytest.raises(ValueError, match="logits contains"):
                row_max(x)


@pytest.mark.parametrize("k", [2, 5, 9, 40])
def test_row_max_values_and_all_neg_inf_row(k):
    x = np.random.default_rng(k).normal(size=(7, k))
    x[3, : k - 1] = -np.inf
    np.testing.assert_array_equal(row_max(x), x.max(axis=-1, keepdims=True))
    x[5] = -np.inf
    with pytest.raises(ValueError, match="every logit is -inf"):
        row_max(x)


def test_logits_as_rows():
    assert logits_as_rows([1.0, 2.0]).shape == (1, 2)
    assert logits_as_rows(np.zeros((3, 2))).shape == (3, 2)
    for bad in ([], np.zeros((2, 2, 2)), 1.0):
        with pytest.raises(ValueError, match="logits"):
            logits_as_rows(bad)
    with pytest.raises(TypeError, match="logits"):
        logits_as_rows(["a", "b"])


def test_check_tau():
    assert check_tau(0.5) == 0.5 and isinstance(check_tau(1), float)
    np.testing.assert_array_equal(check_tau([0.5, 2.0]), [0.5, 2.0])
    assert check_tau(1e-300) == 1e-300


@pytest.mark.parametrize("tau", [0.0, -0.0, -1.0, np.nan, np.inf, -np.inf, [1.0, 0.0], [1.0, np.nan], []])
def test_check_tau_rejects(tau):
    with pytest.raises(ValueError, match="tau"):
        check_tau(tau)


@pytest.mark.parametrize("tau", ["x", "0.5", None, True, [0.5, "1"]])
def test_check_tau_wrong_type_is_a_type_error(tau):
    with pytest.raises(TypeError, match="tau must be real numbers"):
        check_tau(tau)


@pytest.mark.parametrize(
    "size, shape",
    [(None, ()), (0, (0,)), (3, (3,)), (np.int64(4), (4,)), ((2, 3), (2, 3)), ([2, 3], (2, 3)), ((), ())],
)
def test_check_size(size, shape):
    assert check_size(size) == shape


@pytest.mark.parametrize("size", [-1, (2, -1)])
def test_check_size_rejects_negative(size):
    with pytest.raises(ValueError, match="size"):
        check_size(size)


@pytest.mark.parametrize("size", [2.5, "3", "x", (2, None), True, (True,), [1.5], 2.0])
def test_check_size_wrong_type_is_a_type_error(size):
    with pytest.raises(TypeError, match="size"):
        check_size(size)


def test_check_count():
    assert check_count(np.int64(3)) == 3
    with pytest.raises(TypeError, match="n must be an integer"):
        check_count(2.0)
    with pytest.raises(TypeError, match="n must be an integer"):
        check_count(True)
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        check_count(0)


def test_check_objective_names_what_is_missing():
    class OnlyValue:
        def value(self, z):
            return z.sum(-1)

    with pytest.raises(TypeError, match="OnlyValue has no grad"):
        check_objective(OnlyValue())
    with pytest.raises(TypeError, match="has no value, grad"):
        check_objective(3.0, "objective")


def test_check_choice_lists_valid_options():
    with pytest.raises(ValueError, match=r"objective must be one of \['linear', 'cubic'\], got 'foo'"):
        check_choice("foo", ["linear", "cubic"], "objective")
    with pytest.raises(ValueError, match="must be one of"):
        check_choice([], ["a"], "x")


def test_check_simplex_points():
    y = check_simplex_points([[0.2, 0.8], [0.5, 0.5]])
    assert y.shape == (2, 2)
    check_simplex_points([0.2, 0.3, 0.5 + 5e-7])  # within the default tolerance


@pytest.mark.parametrize(
    "y, message",
    [
        ([0.2, 0.3, 0.6], "summing to 1"),
        ([0.0, 0.5, 0.5], "open simplex"),
        ([-0.5, 0.5, 1.0], "open simplex"),
        ([np.nan, 0.5, 0.5], "NaN or inf"),
        ([1.0], "at least 2 coordinates"),
        (1.0, "at least 2 coordinates"),
    ],
)
def test_check_simplex_points_rejects(y, message):
    with pytest.raises(ValueError, match=message) as info:
        check_simplex_points(y)
    assert str(info.value).startswith("y")
