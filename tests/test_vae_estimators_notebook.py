"""The claims Notebook 6 (the learner's VAE, deeper) makes, checked against the data it reads and recomputed.

Each test names the section whose prose it checks. The heavy numbers come from ``gumbel_utils/data/experiments/*.json``
(written by ``make experiments``; ``tests/test_experiments.py`` reruns parts of it); the claims are
recomputed from those files with the package's functions, and the live computations of the notebook with
its own seeds. The last (slow) test executes the notebook and compares printed lines with recomputation.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from gumbel_utils.digits import load_digits_binary
from gumbel_utils.experiment_data import best_tau, load_experiment, run_values, seed_spread
from gumbel_utils.gradient_stats import TAU_GRID, bias_variance_sweep, loglog_slope
from gumbel_utils.tau_star import mse_optimal_tau
from gumbel_utils.objectives import OBJECTIVES
from gumbel_utils.vae import CategoricalVAE
from gumbel_utils.vae_gradient_stats import GROUPS, vae_bias_variance
from gumbel_utils.vae_tuning import learn_rebar

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "06_vae_estimators.ipynb"
TAUS = [0.1, 0.3, 0.5, 1.0, 2.0, 5.0]
CODES = [1, 4, 16, 64]
ONE_HOT = ("straight-through", "Gumbel-Rao, m = 4", "Gumbel-Rao, m = 16", "REBAR, η = 1")


@pytest.fixture(scope="module")
def data():
    return {name: load_experiment(name)["results"] for name in ("ordering", "jang_20x10", "exact_vae", "learned")}


def _excess(entry, grp):
    g = entry["groups"][grp]
    excess = g["bias2"] - g["bias2_floor"]
    return excess, excess > 2 * g["bias2_se"]


def _at(entry, tau):
    return int(np.argmin(np.abs(np.log(entry["tau"] / tau))))


# ----------------------------------------------------------------------------- Section 2 (live)


@pytest.mark.slow
def test_section_2_straight_through_decoder_is_unbiased_and_gumbel_softmax_decoder_is_not():
    small, batch = CategoricalVAE(2, 8, 128, rng=0), load_digits_binary(rng=0)[0][:100]
    live = {name: vae_bias_variance(small, batch, name, [0.1, 1.0], replicates=300, codes=[1], rng=3)
            for name in ("gumbel_softmax_grad", "straight_through")}
    st, gs = live["straight_through"]["decoder"], live["gumbel_softmax_grad"]["decoder"]
    assert np.all(st.bias2 - st.bias2_floor < 2 * st.bias2_se)
    assert np.all(gs.bias2 - gs.bias2_floor > 5 * gs.bias2_se) and gs.bias2[1] > 10 * gs.bias2[0]
    for name in live:
        w = live[name]["encoder weights"]
        assert w.bias2[1] - w.bias2_floor[1] > 5 * w.bias2_se[1]  # both biased in the encoder at tau = 1


# ----------------------------------------------------------------------------- Section 3


@pytest.mark.parametrize("checkpoint", ["untrained", "trained"])
def test_section_3_decoders_encoders_and_slopes(data, checkpoint):
    cp = data["exact_vae"]["checkpoints"][checkpoint]
    est = cp["estimators"]
    for label in ONE_HOT:
        excess, resolved = _excess(est[label], "decoder")
        assert not resolved.any(), label
        assert np.all(np.abs(excess) <= 0.00025 * cp["exact_norm2"]["decoder"]), label
    excess, resolved = _excess(est["Gumbel-Softmax"], "decoder")
    grows = excess[resolved]
    assert resolved[_at(est["Gumbel-Softmax"], 0.1):].all() and np.all(np.diff(grows) > 0)
    for grp in ("encoder logits", "encoder weights"):
        gs = est["Gumbel-Softmax"]
        assert not _excess(gs, grp)[1][:_at(gs, 0.1) + 1].any(), grp  # below the resolution at tau <= 0.1
        for label in ("straight-through", "Gumbel-Rao, m = 16"):
            assert _excess(est[label], grp)[1][_at(est[label], 0.1)], (grp, label)
        assert not _excess(est["REBAR, η = 1"], grp)[1].any()
        for label, (lo, hi) in {"Gumbel-Softmax": (-1.22, -1.09), "straight-through": (-1.22, -1.09),
                                "Gumbel-Rao, m = 16": (-0.74, -0.54), "REBAR, η = 1": (-0.87, -0.73)}.items():
            e = est[label]
            low = e["tau"] <= 1.0
            assert lo <= loglog_slope(e["tau"][low], e["groups"][grp]["variance"][low])[0] <= hi, (grp, label)
    if checkpoint == "trained":
        for label in ("straight-through", "Gumbel-Rao, m = 16"):
            e = est[label]
            assert _excess(e, "encoder weights")[0][_at(e, 0.1)] > 2 * cp["exact_norm2"]["encoder weights"]


# ----------------------------------------------------------------------------- Section 4


def test_section_4_tau_star_falls_with_codes_where_the_estimate_is_not_all_bias(data):
    for checkpoint, cp in data["exact_vae"]["checkpoints"].items():
        for grp in ("encoder logits", "encoder weights"):
            stars = [cp["estimators"]["Gumbel-Softmax"]["groups"][grp]["tau_star"][str(n)] for n in CODES]
            taus = [s["tau"] for s in stars]
            assert np.all(np.diff(taus) <= 0) and taus[-1] < taus[0], (checkpoint, grp)
            if checkpoint == "trained":
                st = [cp["estimators"]["straight-through"]["groups"][grp]["tau_star"][str(n)] for n in CODES]
                assert all(s["tau"] == TAU_GRID[-1] and not s["resolved"] for s in st)


def test_section_4_the_toy_and_the_crossover_of_the_leave_one_out_baseline(data):
    toy = bias_variance_sweep(np.array([1.0, 0.5, 0.0]), OBJECTIVES["cubic"], TAU_GRID, n_samples=20_000, batches=CODES,
                              estimators=["gumbel_softmax_grad", "straight_through", "gumbel_rao",
                                          "score_function_baseline"], options={"gumbel_rao": {"m": 16}}, rng=0)
    gs = [mse_optimal_tau(toy["gumbel_softmax_grad"], n).tau for n in CODES]
    np.testing.assert_allclose(gs, [1.778, 1.0, 0.75, 0.562], rtol=2e-3)  # the printed 1.8, 1, 0.75, 0.56

    def sf_wins(n):
        best = min(mse_optimal_tau(toy[k], n).mse for k in ("gumbel_softmax_grad", "straight_through", "gumbel_rao"))
        return toy["score_function_baseline"].mse_at(n)[0] < best

    assert [sf_wins(n) for n in CODES] == [False, False, True, True]
    crossover = {"untrained": [False, False, False, True], "trained": [False, False, True, True]}
    for checkpoint, cp in data["exact_vae"]["checkpoints"].items():
        sf = cp["estimators"]["score fn. + baseline (codes)"]["groups"]["encoder weights"]["mse"]
        wins = []
        for n in CODES:
            best = min(e["groups"]["encoder weights"]["tau_star"][str(n)]["mse"] for label, e in cp["estimators"].items()
                       if e["tau_dependent"] and label != "REBAR, η = 1")
            wins.append(bool(sf[str(n)][0] < best))
        assert wins == crossover[checkpoint], checkpoint


# ----------------------------------------------------------------------------- Section 5


def test_section_5_the_enumerable_vae_trained_with_every_estimator(data):
    final = {}
    for r in data["exact_vae"]["training"]:
        final.setdefault((r["label"], r["tau"]), []).append(r["final_exact"])
    exact = np.mean(final["exact gradient", None])
    estimators = {k: np.mean(v) for k, v in final.items() if k[0] != "exact gradient"}
    assert min(estimators.values()) - exact == pytest.approx(1.14, abs=0.005)
    assert min(estimators, key=estimators.get) == ("Gumbel-Softmax", 0.3)
    rebar, gs = seed_spread(final["REBAR, η = 1", 1.0]), seed_spread(final["Gumbel-Softmax", 0.3])
    assert abs(rebar.mean - gs.mean) < min(rebar.sd, gs.sd)  # tied within the seed spread
    assert max(estimators, key=estimators.get) == ("score fn. + baseline", None)


def test_section_5_notebook_5s_vae_with_every_estimator(data):
    runs = data["ordering"]["runs"]
    labels = ["Gumbel-Softmax", "straight-through", "REBAR, η = 1", "Gumbel-Rao, m = 1", "Gumbel-Rao, m = 4",
              "Gumbel-Rao, m = 16"]
    best = {label: best_tau(runs, label, TAUS) for label in labels}
    assert min(best, key=lambda k: best[k][1].mean) == "Gumbel-Rao, m = 16" and best["Gumbel-Rao, m = 16"][0] == 0.1
    gs = best["Gumbel-Softmax"][1].mean
    assert best["Gumbel-Rao, m = 16"][1].mean - gs == pytest.approx(-0.13, abs=0.005)
    assert best["REBAR, η = 1"][1].mean - gs == pytest.approx(0.23, abs=0.005)
    sf = seed_spread(run_values(runs, "score fn. + baseline", None))
    assert sf.mean > max(b.mean for _, b in best.values())
    for label in ("Gumbel-Softmax", "straight-through"):
        assert seed_spread(run_values(runs, label, "annealed")).mean - best[label][1].mean < 0.1
    cp = data["ordering"]["checkpoint"]
    assert 0.82 <= cp["rebar_eta"]["eta_opt"].min() and cp["rebar_eta"]["eta_opt"].max() <= 1.28
    var = cp["variance"]
    assert var["Gumbel-Rao, m = 16"][0] < var["straight-through"][0] / 5
    assert var["REBAR, η = 1"][4] < var["score fn. + baseline"][0] < var["score function"][0]


# ----------------------------------------------------------------------------- Section 6


def test_section_6_seeds_and_jangs_latents(data):
    runs = data["ordering"]["runs"]
    gs = {t: seed_spread(run_values(runs, "Gumbel-Softmax", t)).mean for t in TAUS}
    assert min(gs, key=gs.get) == 0.3 and max(gs, key=gs.get) == 2.0
    sds = [seed_spread(run_values(runs, label, t)).sd for label in ("Gumbel-Softmax", "straight-through",
                                                                     "REBAR, η = 1", "Gumbel-Rao, m = 16") for t in TAUS]
    assert 0.005 <= min(sds) and max(sds) <= 0.155
    spreads = [best_tau(runs, "Gumbel-Softmax", TAUS)[1], best_tau(runs, "straight-through", TAUS)[1],
               seed_spread(run_values(runs, "score fn. + baseline", None))]
    assert spreads[0].high < spreads[1].low and spreads[1].high < spreads[2].low   # ranges do not overlap
    jang = data["jang_20x10"]
    means = {label: seed_spread(run_values(jang["runs"], label, jang["best_tau_10x10"].get(label))).mean
             for label in {r["label"] for r in jang["runs"]}}
    assert means["Gumbel-Softmax"] < means["straight-through"] < means["score fn. + baseline"]
    for label, mean in means.items():
        tau = jang["best_tau_10x10"].get(label)
        assert mean > seed_spread(run_values(runs, label, tau, kind="fixed" if tau else "tau-free")).mean


# ----------------------------------------------------------------------------- Section 7


def test_section_7_learned_tau_and_eta(data):
    cubic = data["learned"]["cubic"]
    grid = cubic["grid"]
    for r in cubic["runs"]:
        assert 12.5 <= r["tau"] <= 13.5 and 8.5 <= r["eta"] <= 8.75
        assert r["variance"] < grid["variance"].min() / 3 and r["variance"] <= grid["variance_opt"].min()
    assert grid["tau"][np.argmin(grid["variance_opt"])] == TAU_GRID[-1]   # the grid's best is at its end
    toy = data["learned"]["toy"]
    for r in toy["runs"]:
        assert abs(r["eta"]) < 0.2 and r["variance_learned"] < 0.6 * r["variance_eta1_tau05"]
        assert r["final_p"] >= toy["grid"]["final_p"][:, 0].mean(axis=-1).min() - 1e-9   # no better than eta = 0
    runs = data["ordering"]["runs"]
    learned = seed_spread(run_values(runs, "REBAR, τ and η learned", "learned"))
    fixed = seed_spread(run_values(runs, "REBAR, η = 1", 0.3))
    assert abs(learned.mean - fixed.mean) < 0.05
    for r in data["ordering"]["checkpoint"]["rebar_learned"]:
        assert 0.25 <= r["tau"] <= 0.35 and 1.03 <= r["eta"] <= 1.05
        assert r["variance_learned"] <= r["grid_variance_opt"].min() < r["grid_variance_eta1"].min()


@pytest.mark.slow
def test_section_7_live_run_of_the_notebook():
    run = learn_rebar(OBJECTIVES["cubic"], np.array([1.0, 0.5, 0.0]), steps=1500, batch=16, train=False,
                      tune_lr=0.02, rng=0)
    assert 11 < run.tau[-300:].mean() < 15 and 8 < run.eta[-300:].mean() < 9.5


# ----------------------------------------------------------------------------- Section 8


def test_section_8_a_tau_learned_from_the_relaxed_loss_drifts_to_about_2(data):
    runs = data["ordering"]["runs"]
    eval_taus = np.geomspace(0.001, 10, 13)
    learned = [r for r in runs if r["label"] == "Gumbel-Softmax, τ learned"]
    assert {r["tau0"] for r in learned} == {0.3, 1.0, 3.0}
    fixed = {t: next(r for r in runs if r["label"] == "Gumbel-Softmax" and r["tau"] == t and r["seed"] == 0)
             for t in (1.0, 2.0)}
    for r in learned:
        assert 2.0 <= r["tau_by_epoch"][-1] <= 2.2
        assert r["final_nelbo"] > 26.5 and 8.9 <= r["final_nelbo"] - r["relaxed_final"] <= 10.2
    for r in (x for x in learned if x["seed"] == 0):
        curve = r["relaxed_by_eval_tau"]
        assert eval_taus[np.argmin(curve)] == pytest.approx(2.154, rel=1e-3)
        assert curve.min() < min(f["relaxed_by_eval_tau"].min() for f in fixed.values())


# ----------------------------------------------------------------------------- the executed notebook


@pytest.mark.slow
def test_printed_lines_match_the_recomputation():
    import _qa

    nb = _qa.executed_notebook(NOTEBOOK)
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                     if o.get("output_type") == "stream")
    assert "Traceback" not in text
    assert re.search(r"ends 1\.14 nats above the exact gradient", text)
    m = re.search(r"live run, mean of the last 300 steps: τ = ([\d.]+), η = ([\d.]+)", text)
    run = learn_rebar(OBJECTIVES["cubic"], np.array([1.0, 0.5, 0.0]), steps=1500, batch=16, train=False,
                      tune_lr=0.02, rng=0)
    assert float(m.group(1)) == pytest.approx(run.tau[-300:].mean(), abs=0.005)
    assert float(m.group(2)) == pytest.approx(run.eta[-300:].mean(), abs=0.005)
    assert "Gumbel-Rao (m = 16) − Gumbel-Softmax: -0.13 nats, at 4.8 times" in text
    for number in ("6.1", "6.2", "6.3"):
        assert f"✓ Exercise {number}: right." in "\n".join(
            o.get("data", {}).get("text/plain", "") for c in nb.cells for o in c.get("outputs", []))
