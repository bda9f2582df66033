"""Tests of gumbel_utils.registry: one record per estimator, and adding one takes one registration."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from _estimator_fixtures import LOGITS, OBJS, within
from gumbel_utils import softmax, registry
from gumbel_utils import estimators, gradient_stats, objectives


# ------------------------------------------------------------------ the registry


def _constant_baseline(logits, f, n_samples=None, *, tau=None, rng=None, noise=None, b=1.0):
    """A toy estimator in the registry's call shape: the score function with a constant baseline b.

    Unbiased for every b (E[b (z - p)] = 0); written only with what every estimator may use, so that it
    runs at one logit vector (Notebooks 3 and 4) and on a model's (B, L, K) logits (the VAE).
    """
    from gumbel_utils._kernels import expand_values, one_hot_of, perturb, tempered_softmax
    from gumbel_utils._validation import as_generator, check_estimator_args

    rows, taus, scalar = check_estimator_args(logits, f, n_samples, tau)
    idx = perturb(rows, as_generator(rng), noise).argmax(axis=-1)
    d = one_hot_of(idx, rows.shape[-1])
    g = (d - tempered_softmax(rows)) * (expand_values(f.value(d), idx.ndim) - b)[..., None]
    return g if scalar else np.broadcast_to(g, (taus.size,) + g.shape)


@pytest.mark.slow
def test_registering_one_estimator_is_all_it_takes():
    """One function and one registration: sweeps, figures, training, the VAE and the benchmark pick it up."""
    spec = registry.register_estimator("toy", _constant_baseline, label="toy (constant baseline)", color="#999999",
                                       linestyle=(0, (1, 4)), marker="*", tau_dependent=False, options={"b": 1.3})
    try:
        assert registry.ESTIMATORS["toy"] is spec and list(registry.ESTIMATORS)[-2:] == ["noise_free_grad", "toy"]
        # sweeps (its registered default option reaches the function: unbiased, another variance than b = 0)
        res = gradient_stats.bias_variance_sweep(LOGITS[0], objectives.Cubic(), [0.1, 1.0], n_samples=20_000, rng=0)
        assert "toy" in res and np.all(np.abs(res["toy"].bias) < 5 * res["toy"].bias_se)
        plain = gradient_stats.bias_variance("toy", LOGITS[0], objectives.Cubic(), [0.1, 1.0], b=0.0,
                                             n_samples=20_000, rng=0)
        assert not np.allclose(plain.variance, res["toy"].variance)
        # training on E f(z) and on the binary toy
        from gumbel_utils.training import train_logits, train_toy

        tr = train_logits("toy", objectives.Linear(), np.zeros(3), steps=100, lr=0.1, batch=4, rng=0)
        assert tr.estimator == "toy" and tr.final(10)[0] < tr.objective[0, 0]
        assert train_toy("toy", 0.45, steps=200, batch=8, rng=0).final_p(20)[0] < 0.5
        # the VAE: it decodes one-hot codes (the record's default) and trains the model
        from gumbel_utils.digits import load_digits_binary
        from gumbel_utils.vae import CategoricalVAE
        from gumbel_utils.vae_training import train_vae

        assert "toy" in CategoricalVAE.trainable_estimators()
        train_x, test_x = load_digits_binary()
        hist = train_vae(CategoricalVAE(4, 5, 16, rng=0), train_x[:200], test_x[:50], estimator="toy", epochs=2,
                         batch_size=50, rng=0)
        assert hist.estimator == "toy" and np.isfinite(hist.test_nelbo[-1])
        # figures: the bias/variance explorer draws it with its own style, and the training explorer lists it
        from gumbel_utils.viz import bias_variance, training_curves

        bv = bias_variance.explore_bias_variance(n_samples=2000)
        legends = [ax.get_legend() for ax in bv.fig.axes if ax.get_legend()] + list(bv.fig.legends)
        labels = [t.get_text() for legend in legends for t in legend.get_texts()]
        assert "toy (constant baseline)" in labels
        assert "toy" in training_curves.explore_training(steps=20).state["final"]
        # the benchmark times every registered estimator
        import importlib
        import sys
        from pathlib import Path

        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
        try:
            assert "toy" in importlib.import_module("bench_estimators").timed_estimators()
        finally:
            sys.path.pop(0)
        # and the other estimators' numbers do not change when one is added at the end
        registry.unregister_estimator("toy")
        again = gradient_stats.bias_variance_sweep(LOGITS[0], objectives.Cubic(), [0.1, 1.0], n_samples=20_000, rng=0)
        for name in again:
            np.testing.assert_array_equal(again[name].mean, res[name].mean)
    finally:
        if "toy" in registry.ESTIMATORS:
            registry.unregister_estimator("toy")
    assert "toy" not in registry.ESTIMATORS


def test_registry_rejects_duplicates_and_unknown_names():
    with pytest.raises(ValueError, match="registered already"):
        registry.register_estimator("straight_through", _constant_baseline, label="x", color="#000000",
                                    linestyle=":", marker="1", tau_dependent=True)
    with pytest.raises(ValueError, match="style"):
        registry.register_estimator("same_look", _constant_baseline, label="x", color="#000000",
                                    linestyle="-", marker="o", tau_dependent=True)   # Gumbel-Softmax's style
    with pytest.raises(ValueError, match=r"estimator must be one of \['score_function'"):
        registry.get_estimator("foo")
    with pytest.raises(ValueError, match="name must be one of"):
        registry.unregister_estimator("foo")
    with pytest.raises(TypeError, match="function must be callable"):
        registry.register_estimator("bad", 3, label="x", color="#000000", linestyle=":", marker="1",
                                    tau_dependent=True)


def test_registry_records_carry_labels_colours_and_options():
    for name, spec in registry.ESTIMATORS.items():
        assert spec.name == name and spec.label and spec.color.startswith("#")
    assert registry.ESTIMATORS["gumbel_rao"].options == {"m": 10}
    assert not registry.ESTIMATORS["score_function"].tau_dependent
    assert registry.ESTIMATORS["straight_through"].tau_dependent
    styles = [(s.linestyle, s.marker) for s in registry.ESTIMATORS.values()]
    assert len(set(map(str, styles))) == len(styles)   # every estimator looks different without colour
    assert registry.ESTIMATORS["score_function_baseline"].batch_dependent
    assert not any(s.batch_dependent for n, s in registry.ESTIMATORS.items() if n != "score_function_baseline")
    assert registry.ESTIMATORS["gumbel_softmax_grad"].decodes == "relaxed"
    assert registry.ESTIMATORS["noise_free_grad"].decodes is None and not registry.ESTIMATORS["noise_free_grad"].stochastic
    assert registry.ESTIMATORS["gumbel_rao"].draws is not None
    with pytest.raises(TypeError):
        registry.ESTIMATORS["x"] = None  # read-only view: register_estimator is the one way in
