"""Tests of gumbel_utils.registry: one record per estimator, and adding one takes one registration."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from _estimator_fixtures import LOGITS, OBJS, within
from gumbel_utils import softmax
from gumbel_utils import estimators, gradient_stats, objectives


# ------------------------------------------------------------------ the registry


def _toy_estimator(logits, f, n, *, tau=None, rng=None, scale=1.0):
    """A toy estimator: the exact gradient plus scaled Gaussian noise."""
    taus = np.atleast_1d(1.0 if tau is None else tau)
    gen = np.random.default_rng(rng)
    g = objectives.exact_gradient(logits, f) + scale * gen.standard_normal((taus.size, n, len(logits)))
    return g if np.ndim(tau) else g[0]


def test_registering_one_estimator_is_all_it_takes():
    spec = estimators.register_estimator("toy", _toy_estimator, label="toy (exact + noise)", color="#000000",
                                         tau_dependent=False, options={"scale": 0.5})
    try:
        assert estimators.ESTIMATORS["toy"] is spec and list(estimators.ESTIMATORS)[-1] == "toy"
        res = gradient_stats.sweep(LOGITS[0], objectives.Cubic(), [0.1, 1.0], n_samples=20_000, rng=0)
        assert "toy" in res
        # the registered default option reaches the function: variance = K * scale^2
        assert res["toy"].variance == pytest.approx(3 * 0.25, rel=0.05)
        # and the other estimators' numbers do not change when one is added at the end
        estimators.unregister_estimator("toy")
        again = gradient_stats.sweep(LOGITS[0], objectives.Cubic(), [0.1, 1.0], n_samples=20_000, rng=0)
        for name in again:
            np.testing.assert_array_equal(again[name].mean, res[name].mean)
    finally:
        if "toy" in estimators.ESTIMATORS:
            estimators.unregister_estimator("toy")
    assert "toy" not in estimators.ESTIMATORS


def test_registry_rejects_duplicates_and_unknown_names():
    with pytest.raises(ValueError, match="registered already"):
        estimators.register_estimator("straight_through", _toy_estimator, label="x", color="#000000",
                                      tau_dependent=True)
    with pytest.raises(ValueError, match=r"estimator must be one of \['score_function'"):
        estimators.get_estimator("foo")
    with pytest.raises(ValueError, match="name must be one of"):
        estimators.unregister_estimator("foo")
    with pytest.raises(TypeError, match="function must be callable"):
        estimators.register_estimator("bad", 3, label="x", color="#000000", tau_dependent=True)


def test_registry_records_carry_labels_colours_and_options():
    for name, spec in estimators.ESTIMATORS.items():
        assert spec.name == name and spec.label and spec.color.startswith("#")
    assert estimators.ESTIMATORS["gumbel_rao"].options == {"m": 10}
    assert not estimators.ESTIMATORS["score_function"].tau_dependent
    assert estimators.ESTIMATORS["straight_through"].tau_dependent
    with pytest.raises(TypeError):
        estimators.ESTIMATORS["x"] = None  # read-only view: register_estimator is the one way in
