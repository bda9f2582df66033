"""Training the categorical VAE (gumbel_utils.vae_training): every trainable estimator, schedules, progress."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from gumbel_utils.schedules import anneal
from gumbel_utils.vae import CategoricalVAE
from gumbel_utils.vae_training import train_vae

from _vae_fixtures import data  # noqa: F401  (data is a pytest fixture)


#: Measured (3 seeds, 5 epochs, each estimator at tau = 1): the test -ELBO fell from 44.4-45.5 to 25.1-25.5 nats.
FEW_EPOCHS_DROP = 15.0


@pytest.mark.slow
@pytest.mark.parametrize("estimator", CategoricalVAE.trainable_estimators())
def test_a_few_epochs_lower_the_test_negative_elbo(data, estimator):
    train_x, test_x = data
    m = CategoricalVAE(10, 10, 128, rng=0)
    before = m.negative_elbo(test_x, n_samples=10, rng=5)
    hist = train_vae(m, train_x, test_x, estimator=estimator, tau=1.0, epochs=5, rng=0)
    after = m.negative_elbo(test_x, n_samples=10, rng=5)
    assert before - after > FEW_EPOCHS_DROP, f"{estimator}: {before:.2f} -> {after:.2f}"
    assert hist.epoch.tolist() == [1, 2, 3, 4, 5] and hist.estimator == estimator
    assert np.all(np.diff(hist.test_nelbo) < 0) and np.all(hist.tau == 1.0)
    assert hist.model is m and hist.test_relaxed is None


def test_training_is_reproducible_with_a_schedule_and_a_progress_bar(data):
    from gumbel_utils.progress import ProgressBar

    train_x, test_x = data
    schedule = functools.partial(anneal, rate=2e-2, every=10)
    bar = ProgressBar("two runs", parts=2)
    runs = [train_vae(CategoricalVAE(4, 5, 16, rng=1), train_x[:300], test_x[:50], estimator="gumbel_softmax_grad",
                  tau=schedule, epochs=4, batch_size=50, rng=2, track_relaxed=True, progress=bar) for _ in range(2)]
    assert np.array_equal(runs[0].test_nelbo, runs[1].test_nelbo)
    assert np.array_equal(runs[0].train_loss, runs[1].train_loss)
    assert runs[0].tau.tolist() == [schedule(5), schedule(11), schedule(17), schedule(23)]   # 6 steps an epoch
    assert bar.widget.value == bar.widget.max and bar.done_parts == 2 and bar.widget.bar_style == "success"
    calls = []
    sparse = train_vae(CategoricalVAE(4, 5, 16, rng=1), train_x[:300], test_x[:50], estimator="straight_through",
                   epochs=5, batch_size=50, rng=2, eval_every=2, progress=lambda done, total: calls.append((done, total)))
    assert np.isnan(sparse.test_nelbo[[0, 2]]).all() and np.isfinite(sparse.test_nelbo[[1, 3, 4]]).all()
    assert calls == [(e, 5) for e in range(1, 6)]
    assert runs[0].test_relaxed.shape == (4,) and np.all(runs[0].test_relaxed < runs[0].test_nelbo + 5)


def test_training_checks_its_arguments(data):
    train_x, test_x = data
    m = CategoricalVAE(4, 5, 16, rng=0)
    with pytest.raises(ValueError, match="train_images must have shape"):
        train_vae(m, train_x[:, :32], test_x, estimator="straight_through", epochs=1)
    with pytest.raises(ValueError, match="test_images must have shape"):
        train_vae(m, train_x, test_x[:, :32], estimator="straight_through", epochs=1)
    with pytest.raises(ValueError, match="tau"):
        train_vae(m, train_x, test_x, estimator="straight_through", tau=0.0, epochs=1)
    with pytest.raises(ValueError, match="estimator"):
        train_vae(m, train_x, test_x, estimator="gumbel", epochs=1)
    with pytest.raises(ValueError, match="estimator must be one of"):
        train_vae(m, train_x, test_x, estimator="noise_free_grad", epochs=1)   # draws no sample: trains no model
    with pytest.raises(TypeError, match="progress"):
        train_vae(m, train_x, test_x, estimator="straight_through", epochs=1, progress="yes")


def test_options_and_a_tuner_reach_every_step(data):
    """options= sets the estimator's options (recorded per epoch); a tuner sets tau and options before each step."""
    train_x, test_x = data
    h = train_vae(CategoricalVAE(2, 3, 8, rng=0), train_x[:100], test_x[:20], estimator="rebar", tau=0.5, epochs=2,
                  batch_size=50, rng=0, options={"eta": 0.25})
    np.testing.assert_array_equal(h.options["eta"], [0.25, 0.25])
    assert h.cpu_seconds > 0
    seen = []

    def tuner(model, x, *, tau, options, rng):
        seen.append((tau, dict(options), len(x)))
        return tau * 0.5, {**options, "eta": options["eta"] + 1.0}

    h = train_vae(CategoricalVAE(2, 3, 8, rng=0), train_x[:100], test_x[:20], estimator="rebar", tau=0.8, epochs=2,
                  batch_size=50, rng=0, tuner=tuner)
    assert [s[0] for s in seen] == pytest.approx([0.8, 0.4, 0.2, 0.1]) and seen[0][1]["eta"] == 1.0
    np.testing.assert_allclose(h.tau, [0.2, 0.05])
    np.testing.assert_allclose(h.options["eta"], [3.0, 5.0])
    with pytest.raises(TypeError, match="options"):
        train_vae(CategoricalVAE(2, 3, 8, rng=0), train_x[:100], test_x, estimator="rebar", options=3)
