"""The data of Notebook 5: scikit-learn's digits, binarised, with the course's fixed split."""

from __future__ import annotations

import numpy as np
import pytest

from gumbel_utils.digits import load_digits_binary

from _vae_fixtures import data  # noqa: F401  (data is a pytest fixture)


def test_digits_binary_split(data):
    train_x, test_x = data
    assert train_x.shape == (1438, 64) and test_x.shape == (359, 64)
    assert train_x.dtype == np.float64
    assert set(np.unique(np.concatenate([train_x, test_x]))) == {0.0, 1.0}
    *_, train_y, test_y = load_digits_binary(return_labels=True)
    assert train_y.shape == (1438,) and sorted(set(test_y)) == list(range(10))
    again = load_digits_binary()
    assert np.array_equal(again[0], train_x) and np.array_equal(again[1], test_x)
    other = load_digits_binary(rng=1)
    assert not np.array_equal(other[1], test_x)
    # the split is a partition of the 1,797 binarised images
    from sklearn.datasets import load_digits

    every = (load_digits().data > 8).astype(float)
    assert sorted(map(bytes, np.concatenate(data).astype(np.uint8))) == sorted(map(bytes, every.astype(np.uint8)))
    again[0][0] = 5.0  # a new array every call
    assert load_digits_binary()[0][0].max() <= 1.0


def test_bad_split_fraction():
    with pytest.raises(ValueError, match="test_fraction"):
        load_digits_binary(test_fraction=1.0)
