r"""The data of Notebook 5: scikit-learn's 8×8 handwritten digits, binarised, with the course's fixed split.

The 1,797 images ship inside the scikit-learn wheel (nothing is downloaded). A pixel (0 to 16) is
binarised as ``pixel > 8``; a seeded permutation keeps 20 % of the images as the test set.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from ._validation import as_generator

__all__ = ["PIXELS", "IMAGE_SHAPE", "GREY_LEVELS", "THRESHOLD", "load_digits_binary"]

#: Pixels of one image, and its shape.
PIXELS, IMAGE_SHAPE = 64, (8, 8)
#: Grey levels of scikit-learn's digits (0 to 16), and the level above which a pixel counts as black.
GREY_LEVELS, THRESHOLD = 16, 8


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits  # shipped inside the scikit-learn wheel: nothing is fetched

    d = load_digits()
    return d.data, d.target


def load_digits_binary(*, rng: Any = 0, test_fraction: float = 0.2, return_labels: bool = False) -> tuple:
    """The 1,797 scikit-learn 8×8 digits, binarised (pixel > 8 of 16), split into (train, test).

    Parameters
    ----------
    rng : int or Generator, default 0
        Draws the permutation that splits the images. The default, 0, is the course's one split,
        the same on every call: the one place where ``rng`` does not default to None (a data set's
        split must not change between calls unless asked to).
    test_fraction : float
        Share of the images in the test set, in (0, 1).
    return_labels : bool
        Also return the digit labels (the model never sees them).

    Returns
    -------
    train, test : ndarray, shape (n, 64)
        New float arrays with values in {0, 1}; with ``return_labels`` followed by
        ``train_labels, test_labels`` (int arrays).

    >>> train, test = load_digits_binary()
    >>> train.shape, test.shape, np.unique(train).tolist()
    ((1438, 64), (359, 64), [0.0, 1.0])
    """
    if not 0.0 < float(test_fraction) < 1.0:
        raise ValueError(f"test_fraction must lie in (0, 1), got {test_fraction!r}")
    pixels, labels = _digits()
    x = (pixels > THRESHOLD).astype(np.float64)
    order = as_generator(rng).permutation(len(x))
    n_test = int(round(test_fraction * len(x)))
    tr, te = order[n_test:], order[:n_test]
    return (x[tr], x[te], labels[tr].copy(), labels[te].copy()) if return_labels else (x[tr], x[te])
