"""Fixtures shared by the VAE tests (tests/test_vae.py, tests/test_vae_stats.py): the digits and a tiny model."""

from __future__ import annotations

import pytest

from gumbel_utils.digits import load_digits_binary
from gumbel_utils.vae import CategoricalVAE


@pytest.fixture(scope="module")
def data():
    """The binarised digits, (train, test), loaded once per test module."""
    return load_digits_binary()


def _small(seed=1, latents=3, categories=4, hidden=6):
    """A tiny VAE (3 latents of 4 categories, 6 hidden units): fast enough for finite differences."""
    return CategoricalVAE(latents, categories, hidden, rng=seed)


def _batch(data, n=5):
    """The first ``n`` training images."""
    return data[0][:n]
