"""Adam, written once (gumbel_utils.adam), against the update of Kingma & Ba (2015)."""

from __future__ import annotations

import numpy as np
import pytest

from gumbel_utils.adam import Adam


def test_adam_against_the_paper():
    p = {"w": np.array([1.0, -2.0])}
    opt = Adam(p, lr=0.1)
    m = v = np.zeros(2)
    w = p["w"].copy()
    for t in range(1, 6):
        g = np.array([2.0 * w[0], 0.5])                       # gradient of w0^2 + w1/2
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w = w - 0.1 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        opt.step({"w": np.array([2.0 * p["w"][0], 0.5])})
        assert np.allclose(p["w"], w, rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match="lr"):
        Adam(p, lr=0.0)


def test_adam_updates_every_array_in_place():
    p = {"a": np.ones((2, 3)), "b": np.zeros(4)}
    ids = {k: id(v) for k, v in p.items()}
    opt = Adam(p, lr=0.5)
    opt.step({"a": np.full((2, 3), 2.0), "b": np.array([1.0, -1.0, 0.0, 3.0])})
    assert {k: id(v) for k, v in p.items()} == ids
    assert np.allclose(p["a"], 0.5) and np.allclose(p["b"], [-0.5, 0.5, 0.0, -0.5])   # first step: lr * sign(g)
