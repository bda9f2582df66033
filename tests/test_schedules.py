"""The one temperature schedule: Jang et al.'s annealing (gumbel_utils.schedules)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hypothesis import given
from hypothesis import strategies as st

from gumbel_utils.schedules import anneal


def test_anneal_schedule():
    assert anneal(0) == 1.0
    assert anneal(99, rate=1e-3, every=100) == 1.0
    assert anneal(100, rate=1e-3, every=100) == pytest.approx(math.exp(-0.1))
    assert anneal(10**6) == 0.5
    taus = [anneal(s, rate=7e-4, every=100) for s in range(0, 1400, 50)]
    assert all(a >= b for a, b in zip(taus, taus[1:])) and taus[-1] == 0.5


def test_anneal_is_jangs_formula_on_arrays():
    steps = np.array([0, 499, 500, 1000, 10**6])
    expected = np.maximum(0.5, np.exp(-1e-4 * 500 * np.floor(steps / 500)))
    np.testing.assert_allclose(anneal(steps, tau0=1.0, tau_min=0.5, rate=1e-4, every=500), expected)


@pytest.mark.parametrize("kwargs, match", [({"rate": -1.0}, "rate"), ({"every": 0}, "every"),
                                           ({"tau0": 0.0}, "tau0"), ({"tau_min": -1.0}, "tau_min")])
def test_anneal_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        anneal(10, **kwargs)
    with pytest.raises(ValueError, match="step"):
        anneal(-1)


def test_anneal_formula():
    steps = np.arange(0, 5000, 7)
    got = anneal(steps, tau0=2.0, tau_min=0.3, rate=1e-3, every=250)
    want = np.maximum(0.3, 2.0 * np.exp(-1e-3 * 250 * np.floor(steps / 250)))
    np.testing.assert_allclose(got, want, rtol=1e-15)
    assert anneal(0, tau0=1.0, tau_min=0.5, rate=1e-4, every=500) == 1.0
    assert anneal(10**7, tau0=1.0, tau_min=0.5, rate=1e-4, every=1000) == 0.5  # Jang et al.
    assert anneal(999, tau0=1.0, tau_min=0.5, rate=1e-4, every=1000) == 1.0  # updated every N steps only
    assert anneal(1000, tau0=1.0, tau_min=0.5, rate=1e-4, every=1000) == pytest.approx(np.exp(-0.1))
    assert isinstance(anneal(3), float)


@given(s=st.integers(0, 10**6), every=st.integers(1, 2000), rate=st.floats(0, 1e-2))
def test_anneal_properties(s, every, rate):
    a = anneal(s, tau0=1.0, tau_min=0.5, rate=rate, every=every)
    assert 0.5 <= a <= 1.0
    assert a == anneal(every * (s // every), tau0=1.0, tau_min=0.5, rate=rate, every=every)  # piecewise constant
    assert anneal(s + every, tau0=1.0, tau_min=0.5, rate=rate, every=every) <= a  # non-increasing


@pytest.mark.parametrize("kwargs, name", [
    ({"tau0": 0.0}, "tau0"), ({"tau_min": -1.0}, "tau_min"), ({"rate": -1e-3}, "rate"), ({"rate": np.nan}, "rate"),
    ({"every": 0}, "every"), ({"tau0": np.nan}, "tau0"),
])
def test_anneal_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        anneal(10, **kwargs)
    with pytest.raises(ValueError, match="step"):
        anneal(-1)
    with pytest.raises(ValueError, match="step"):
        anneal(1.5)
