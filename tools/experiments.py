"""``make experiments``: the heavy runs behind Notebook 6, written to ``gumbel_utils/data/experiments/*.json``.

Usage::

    python tools/experiments.py [--only STUDY ...] [--out DIR]

Four studies, one JSON file each (``gumbel_utils.experiment_data.load_experiment`` reads them back):

``ordering``
    Notebook 5's VAE (10 × 10 latents, 128 hidden units, 60 epochs of 14 batches of 100 images, Adam 1e-3)
    trained with every estimator at Notebook 5's six temperatures (Gumbel-Rao with m = 1, 4, 16; REBAR with
    η = 1), Jang's annealing, REBAR with τ and η learned by variance descent, Gumbel-Softmax with a learned τ,
    three seeds each (seed s: the model's initial weights and the run's data order and noise; seed 0 is
    Notebook 5's run). Final test discrete −ELBO with 30 one-hot codes per image (Notebook 5's number),
    CPU time per step; the encoder-logit gradient variance of every estimator at one checkpoint
    (Notebook 5's τ = 1 Gumbel-Softmax model), REBAR's η parabola there.
``jang_20x10``
    Jang et al.'s 20 × 10 latents: each estimator at its best τ of the ``ordering`` sweep, three seeds.
``exact_vae``
    A VAE small enough to enumerate (2 × 8 latents: 64 codes per image): bias², variance and MSE of every
    estimator against τ per parameter group at an untrained and a trained checkpoint, τ* against codes per
    image; every estimator trained there against the exact gradient (final exact test −ELBO, three seeds).
``learned``
    REBAR's τ and η learned by variance descent on Notebook 4's toys (the cubic K = 3 objective at fixed
    logits; the t = 0.45 binary toy while training), against the grids of fixed τ and η.

Each file has ``meta`` (configuration, seeds, package version, git commit, CPU and wall time, date) and
``results``. The times are CPU times of this process (``time.process_time``): the machine may be shared.
A test (``tests/test_experiments.py``) reruns a reduced configuration and checks that it agrees.
"""

from __future__ import annotations

import argparse
import functools
import json
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import gumbel_utils  # noqa: E402
from gumbel_utils.digits import load_digits_binary  # noqa: E402
from gumbel_utils.experiment_data import DATA_DIR, STUDIES  # noqa: E402
from gumbel_utils.gradient_stats import TAU_GRID  # noqa: E402
from gumbel_utils.tau_star import mse_optimal_tau  # noqa: E402
from gumbel_utils.objectives import OBJECTIVES  # noqa: E402
from gumbel_utils.schedules import anneal  # noqa: E402
from gumbel_utils.training import ToyObjective, train_toy  # noqa: E402
from gumbel_utils.training_stats import rebar_eta_variance  # noqa: E402
from gumbel_utils.vae import CategoricalVAE  # noqa: E402
from gumbel_utils.vae_exact import exact_negative_elbo, train_exact  # noqa: E402
from gumbel_utils.vae_gradient_stats import GROUPS, exact_group_gradients, vae_bias_variance  # noqa: E402
from gumbel_utils.vae_stats import logit_gradient_variance  # noqa: E402
from gumbel_utils.vae_training import ANNEAL_EVERY, ANNEAL_RATE, train_vae  # noqa: E402
from gumbel_utils.vae_tuning import (RebarVarianceTuner, RelaxedTauTuner, learn_rebar,  # noqa: E402
                                     vae_rebar_eta_variance)

SEEDS = (0, 1, 2)
NB5 = {"latents": 10, "categories": 10, "hidden": 128, "epochs": 60, "batch_size": 100, "lr": 1e-3,
       "final_codes": 30, "final_rng": 1}
TAUS = (0.1, 0.3, 0.5, 1.0, 2.0, 5.0)  # Notebook 5's sweep
#: (estimator, options, label) of the tau sweep; the score function with a baseline has no tau.
SWEPT = (("gumbel_softmax_grad", {}, "Gumbel-Softmax"), ("straight_through", {}, "straight-through"),
         ("rebar", {"eta": 1.0}, "REBAR, η = 1"), ("gumbel_rao", {"m": 1}, "Gumbel-Rao, m = 1"),
         ("gumbel_rao", {"m": 4}, "Gumbel-Rao, m = 4"), ("gumbel_rao", {"m": 16}, "Gumbel-Rao, m = 16"))
TUNER_LR = {"rebar": 0.02, "relaxed": 0.01}
GS_LEARNED_TAU0 = (0.3, 1.0, 3.0)
EVAL_TAUS = tuple(float(t) for t in np.geomspace(0.001, 10, 13))  # Notebook 5's relaxed-loss grid
GRAD_TAUS = tuple(float(t) for t in np.geomspace(0.1, 10, 9))  # Notebook 5's section 6
EXACT = {"latents": 2, "categories": 8, "hidden": 128, "epochs": 60, "batch_size": 100, "lr": 1e-3,
         "batch_images": 100, "replicates": 1000, "batch_replicates": 200, "codes": [1, 4, 16, 64]}
EXACT_TRAIN_TAUS = (0.1, 0.3, 1.0)
#: (estimator, options, label, tau grid) of the exact study.
EXACT_ESTIMATORS = (
    ("gumbel_softmax_grad", {}, "Gumbel-Softmax", "full"), ("straight_through", {}, "straight-through", "full"),
    ("gumbel_rao", {"m": 4}, "Gumbel-Rao, m = 4", "full"), ("gumbel_rao", {"m": 16}, "Gumbel-Rao, m = 16", "half"),
    ("rebar", {"eta": 1.0}, "REBAR, η = 1", "half"), ("score_function", {}, "score function", "none"),
    ("score_function_baseline", {}, "score fn. + baseline (codes)", "none"))
TRAIN_ESTIMATORS_EXACT = (("gumbel_softmax_grad", {}, "Gumbel-Softmax"), ("straight_through", {}, "straight-through"),
                          ("gumbel_rao", {"m": 4}, "Gumbel-Rao, m = 4"), ("rebar", {"eta": 1.0}, "REBAR, η = 1"))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, (np.floating, float)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True)
        return head.stdout.strip() + ("+uncommitted" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


#: The commit of the code this process runs (read once, at start: the code is loaded then).
COMMIT = _commit()


def _meta(config: dict[str, Any], cpu: float, wall: float) -> dict[str, Any]:
    return {"config": config, "package_version": gumbel_utils.__version__, "commit": COMMIT,
            "numpy": np.__version__, "python": platform.python_version(), "machine": platform.machine(),
            "cpu_seconds": cpu, "wall_seconds": wall, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "command": "make experiments (python tools/experiments.py)"}


def _say(text: str) -> None:
    print(text, flush=True)


# ----------------------------------------------------------------------------- ordering


def vae_run(estimator: str, tau: Any, seed: int, *, options: dict | None = None, tuner: Any = None,
            config: dict = NB5, data: tuple | None = None, relaxed_curve: bool = False) -> dict[str, Any]:
    """One training run of Notebook 5's VAE and what it is measured by (final test -ELBO, CPU per step, traces)."""
    train_x, test_x = data if data is not None else load_digits_binary(rng=0)
    model = CategoricalVAE(config["latents"], config["categories"], config["hidden"], rng=seed)
    h = train_vae(model, train_x, test_x, estimator=estimator, tau=tau, epochs=config["epochs"],
                  batch_size=config["batch_size"], lr=config["lr"], rng=seed, eval_every=10, options=options,
                  tuner=tuner)
    steps = config["epochs"] * (len(train_x) // config["batch_size"])
    record = {"estimator": estimator, "options": dict(options or {}), "seed": seed,
              "final_nelbo": model.negative_elbo(test_x, n_samples=config["final_codes"], rng=config["final_rng"]),
              "test_nelbo_every_10": h.test_nelbo[9::10], "cpu_per_step_ms": 1000 * h.cpu_seconds / steps,
              "tau_by_epoch": h.tau, "options_by_epoch": h.options}
    if estimator == "gumbel_softmax_grad":
        final_tau = float(h.tau[-1])
        record["relaxed_final"] = model.relaxed_loss(test_x, tau=final_tau, n_samples=config["final_codes"],
                                                     rng=config["final_rng"])
        if relaxed_curve:
            record["relaxed_by_eval_tau"] = [model.relaxed_loss(test_x, tau=t, n_samples=20, rng=2) for t in EVAL_TAUS]
            record["discrete_same_noise"] = model.negative_elbo(test_x, n_samples=20, rng=2)
    record["model"] = model
    return record


def study_ordering(seeds=SEEDS, taus=TAUS, swept=SWEPT, *, learned: bool = True, checkpoint: bool = True,
                   config: dict = NB5) -> dict[str, Any]:
    """Every estimator on Notebook 5's VAE at its temperatures, three seeds; variances at one checkpoint."""
    data = load_digits_binary(rng=0)
    runs = []
    schedule = functools.partial(anneal, tau0=1.0, tau_min=0.5, rate=ANNEAL_RATE, every=ANNEAL_EVERY)
    for estimator, options, label in swept:
        for tau in taus:
            for seed in seeds:
                r = vae_run(estimator, tau, seed, options=options, config=config, data=data,
                            relaxed_curve=(estimator == "gumbel_softmax_grad" and seed == seeds[0]))
                runs.append({**r, "label": label, "tau": tau, "kind": "fixed"})
                _say(f"  {label:22s} τ = {tau:<4g} seed {seed}: {r['final_nelbo']:.3f} nats, "
                     f"{r['cpu_per_step_ms']:.2f} ms/step")
    for estimator, label in (("gumbel_softmax_grad", "Gumbel-Softmax"), ("straight_through", "straight-through")):
        for seed in seeds:
            r = vae_run(estimator, schedule, seed, config=config, data=data)
            runs.append({**r, "label": label, "tau": "annealed", "kind": "annealed"})
    for seed in seeds:
        r = vae_run("score_function_baseline", 1.0, seed, config=config, data=data)
        runs.append({**r, "label": "score fn. + baseline", "tau": None, "kind": "tau-free"})
    if learned:
        for seed in seeds:
            tuner = RebarVarianceTuner(lr=TUNER_LR["rebar"])
            r = vae_run("rebar", 1.0, seed, options={"eta": 1.0}, tuner=tuner, config=config, data=data)
            runs.append({**r, "label": "REBAR, τ and η learned", "tau": "learned", "kind": "learned", "tau0": 1.0,
                         "eta0": 1.0, "trace_every_14": {k: np.asarray(v)[13::14] for k, v in tuner.trace.items()}})
            _say(f"  REBAR learned seed {seed}: {r['final_nelbo']:.3f}, τ {r['tau_by_epoch'][-1]:.3g}, "
                 f"η {r['options_by_epoch']['eta'][-1]:.3g}")
        for tau0 in GS_LEARNED_TAU0:
            for seed in (seeds if tau0 == 1.0 else seeds[:1]):
                tuner = RelaxedTauTuner(lr=TUNER_LR["relaxed"])
                r = vae_run("gumbel_softmax_grad", tau0, seed, tuner=tuner, config=config, data=data,
                            relaxed_curve=True)
                runs.append({**r, "label": "Gumbel-Softmax, τ learned", "tau": "learned", "kind": "learned",
                             "tau0": tau0})
                _say(f"  GS learned τ0 = {tau0} seed {seed}: {r['final_nelbo']:.3f}, τ {r['tau_by_epoch'][-1]:.3g}")
    results: dict[str, Any] = {"runs": runs}
    if checkpoint:
        results["checkpoint"] = checkpoint_variances(runs, config, data)
    for r in runs:
        r.pop("model", None)
    return results


def checkpoint_variances(runs: list[dict], config: dict, data: tuple) -> dict[str, Any]:
    """The encoder-logit gradient variance of every estimator at Notebook 5's checkpoint (τ = 1 GS, seed 0)."""
    model = next(r["model"] for r in runs if r["estimator"] == "gumbel_softmax_grad" and r["tau"] == 1.0
                 and r["seed"] == 0 and r["kind"] == "fixed")
    batch = data[1][:50]
    out: dict[str, Any] = {"what": "Notebook 5's τ = 1 Gumbel-Softmax model after 60 epochs (seed 0); 50 test "
                                   "digits, 200 noises per τ", "taus": GRAD_TAUS, "variance": {}}
    for estimator, options, label in SWEPT:
        out["variance"][label] = logit_gradient_variance(model, batch, estimator=estimator, taus=GRAD_TAUS,
                                                         n_samples=200, rng=6, options=options)
    for estimator, label in (("score_function_baseline", "score fn. + baseline"), ("score_function", "score function")):
        out["variance"][label] = logit_gradient_variance(model, batch, estimator=estimator, taus=[1.0],
                                                         n_samples=200, rng=6)
    parabola = vae_rebar_eta_variance(model, batch, GRAD_TAUS, np.linspace(0.0, 2.0, 21), n_samples=200, rng=7)
    out["rebar_eta"] = {"eta_opt": parabola.eta_opt, "variance_opt": parabola.variance_opt,
                        "variance_eta1": parabola.variance[:, 10], "score_variance": parabola.score_variance}
    # REBAR with tau and eta learned: at its own final model, the variance at the learned (tau, eta) against the
    # grid there (eta* at each of Notebook 5's temperatures), on the same draws (the eta parabola).
    out["rebar_learned"] = []
    for r in runs:
        if r["estimator"] != "rebar" or r["kind"] != "learned":
            continue
        tau, eta = float(r["tau_by_epoch"][-1]), float(r["options_by_epoch"]["eta"][-1])
        own = vae_rebar_eta_variance(r["model"], batch, (*GRAD_TAUS, tau), [1.0], n_samples=200, rng=9)
        at_learned = own.var_a[-1] + 2 * eta * own.cov_ab[-1] + eta**2 * own.var_b[-1]
        out["rebar_learned"].append({"seed": r["seed"], "tau": tau, "eta": eta, "variance_learned": at_learned,
                                     "grid_eta_opt": own.eta_opt[:-1], "grid_variance_opt": own.variance_opt[:-1],
                                     "grid_variance_eta1": own.variance[:-1, 0],
                                     "eta_opt_at_learned_tau": own.eta_opt[-1],
                                     "variance_opt_at_learned_tau": own.variance_opt[-1],
                                     "score_variance": own.score_variance})
    return out


def study_jang(ordering: dict[str, Any], seeds=SEEDS, base: dict = NB5) -> dict[str, Any]:
    """Jang et al.'s 20 x 10 latents: each estimator at its best tau of the 10 x 10 sweep (mean over seeds)."""
    config = {**base, "latents": 20}
    data = load_digits_binary(rng=0)
    runs, best = [], {}
    fixed = [r for r in ordering["runs"] if r["kind"] == "fixed"]
    for estimator, options, label in SWEPT:
        if label not in ("Gumbel-Softmax", "straight-through", "REBAR, η = 1", "Gumbel-Rao, m = 4"):
            continue
        means = {tau: np.mean([r["final_nelbo"] for r in fixed if r["label"] == label and r["tau"] == tau])
                 for tau in TAUS if any(r["label"] == label and r["tau"] == tau for r in fixed)}
        if not means:
            continue
        best[label] = min(means, key=means.get)
        for seed in seeds:
            r = vae_run(estimator, best[label], seed, options=options, config=config, data=data)
            r.pop("model")
            runs.append({**r, "label": label, "tau": best[label], "kind": "fixed"})
            _say(f"  20 x 10 {label:22s} τ = {best[label]:g} seed {seed}: {r['final_nelbo']:.3f}")
    for seed in seeds:
        r = vae_run("score_function_baseline", 1.0, seed, config=config, data=data)
        r.pop("model")
        runs.append({**r, "label": "score fn. + baseline", "tau": None, "kind": "tau-free"})
    return {"runs": runs, "best_tau_10x10": best, "config": config}


# ----------------------------------------------------------------------------- exact VAE


def _grid(kind: str) -> np.ndarray:
    return {"full": TAU_GRID, "half": TAU_GRID[::2], "none": np.array([1.0])}[kind]


def exact_checkpoints(config: dict = EXACT, seed: int = 0) -> dict[str, CategoricalVAE]:
    """The untrained model and the same model after training on the exact gradient."""
    train_x, test_x = load_digits_binary(rng=0)
    untrained = CategoricalVAE(config["latents"], config["categories"], config["hidden"], rng=seed)
    trained = CategoricalVAE(config["latents"], config["categories"], config["hidden"], rng=seed)
    train_exact(trained, train_x, test_x, epochs=config["epochs"], batch_size=config["batch_size"], lr=config["lr"],
                rng=seed)
    return {"untrained": untrained, "trained": trained}


def exact_bias_variance(model: CategoricalVAE, estimators=EXACT_ESTIMATORS, config: dict = EXACT,
                        rng: int = 0) -> dict[str, Any]:
    """Bias^2, variance and MSE of each estimator against tau per group, and tau* against codes per image."""
    x = load_digits_binary(rng=0)[0][:config["batch_images"]]
    exact = exact_group_gradients(model, x)
    out: dict[str, Any] = {"exact_norm2": {g: float(v @ v) for g, v in exact.items()}, "estimators": {}}
    streams = np.random.default_rng(rng).spawn(len(estimators) + 1)
    entries = list(estimators) + [("score_function_baseline", {}, "score fn. + baseline (images)", "none")]
    for (estimator, options, label, grid), gen in zip(entries, streams):
        start = time.process_time()
        res = vae_bias_variance(model, x, estimator, _grid(grid), replicates=config["replicates"],
                                codes=config["codes"] if "images" not in label else [1],
                                batch_replicates=config["batch_replicates"],
                                baseline_batch="images" if "images" in label else "codes", rng=gen, options=options,
                                exact=exact)
        codes = config["codes"] if "images" not in label else [1]
        entry: dict[str, Any] = {"estimator": estimator, "options": options, "tau": _grid(grid),
                                 "tau_dependent": grid != "none", "groups": {}}
        for grp in GROUPS:
            r = res[grp]
            g: dict[str, Any] = {"bias2": r.bias2, "bias2_se": r.bias2_se, "bias2_floor": r.bias2_floor,
                                 "variance": r.variance, "variance_se": r.variance_se,
                                 "mse": {str(n): r.mse_at(n) for n in codes}, "mse_se": {str(n): r.mse_se_at(n) for n in codes}}
            if grid != "none":
                g["tau_star"] = {str(n): mse_optimal_tau(r, n)._asdict() for n in codes}
            entry["groups"][grp] = g
        entry["cpu_seconds"] = time.process_time() - start
        out["estimators"][label] = entry
        _say(f"  {label:30s} {entry['cpu_seconds']:.0f} s CPU")
    return out


def exact_training(seeds=SEEDS, config: dict = EXACT) -> list[dict[str, Any]]:
    """Every estimator trains the enumerable VAE; the final exact test -ELBO, against the exact gradient."""
    train_x, test_x = load_digits_binary(rng=0)
    runs = []

    def model(seed: int) -> CategoricalVAE:
        return CategoricalVAE(config["latents"], config["categories"], config["hidden"], rng=seed)

    for seed in seeds:
        m = model(seed)
        h = train_exact(m, train_x, test_x, epochs=config["epochs"], batch_size=config["batch_size"], lr=config["lr"],
                        rng=seed)
        runs.append({"label": "exact gradient", "tau": None, "seed": seed, "final_exact": float(h.test_nelbo[-1]),
                     "cpu_per_step_ms": 1000 * h.cpu_seconds / (config["epochs"] * (len(train_x) // config["batch_size"]))})
        for estimator, options, label in TRAIN_ESTIMATORS_EXACT:
            for tau in EXACT_TRAIN_TAUS:
                m = model(seed)
                train_vae(m, train_x, test_x, estimator=estimator, tau=tau, epochs=config["epochs"],
                          batch_size=config["batch_size"], lr=config["lr"], rng=seed, eval_every=config["epochs"],
                          options=options)
                runs.append({"label": label, "tau": tau, "seed": seed,
                             "final_exact": float(exact_negative_elbo(m, test_x).mean())})
        m = model(seed)
        train_vae(m, train_x, test_x, estimator="score_function_baseline", tau=1.0, epochs=config["epochs"],
                  batch_size=config["batch_size"], lr=config["lr"], rng=seed, eval_every=config["epochs"])
        runs.append({"label": "score fn. + baseline", "tau": None, "seed": seed,
                     "final_exact": float(exact_negative_elbo(m, test_x).mean())})
        _say(f"  exact-VAE training, seed {seed} done")
    return runs


def study_exact(config: dict = EXACT) -> dict[str, Any]:
    checkpoints = exact_checkpoints(config)
    test_x = load_digits_binary(rng=0)[1]
    out = {"checkpoints": {}, "training": exact_training(config=config)}
    for name, model in checkpoints.items():
        _say(f" checkpoint {name}")
        out["checkpoints"][name] = {"test_exact_nelbo": float(exact_negative_elbo(model, test_x).mean()),
                                    **exact_bias_variance(model, config=config)}
    return out


# ----------------------------------------------------------------------------- learned tau and eta on the toys


def study_learned(seeds=SEEDS) -> dict[str, Any]:
    cubic, x = OBJECTIVES["cubic"], np.array([1.0, 0.5, 0.0])
    out: dict[str, Any] = {"cubic": {"logits": x, "runs": []}, "toy": {"target": 0.45, "runs": []}}
    for seed in seeds:
        run = learn_rebar(cubic, x, steps=3000, batch=16, train=False, tune_lr=0.02, rng=seed)
        tau, eta = float(run.tau[-500:].mean()), float(run.eta[-500:].mean())
        at = rebar_eta_variance(x, cubic, [tau], [eta], n_samples=200_000, rng=100 + seed)
        out["cubic"]["runs"].append({"seed": seed, "tau": tau, "eta": eta, "variance": float(at.variance[0, 0]),
                                     "variance_se": float(at.variance_se[0, 0]), "tau_path": run.tau[::10],
                                     "eta_path": run.eta[::10]})
    grid = rebar_eta_variance(x, cubic, TAU_GRID, np.linspace(0.0, 2.0, 21), n_samples=200_000, rng=99)
    out["cubic"]["grid"] = {"tau": TAU_GRID, "eta": grid.eta, "variance": grid.variance, "eta_opt": grid.eta_opt,
                            "variance_opt": grid.variance_opt, "score_variance": grid.score_variance}
    toy = ToyObjective(0.45)
    for seed in seeds:
        run = learn_rebar(toy, [0.0, 0.0], steps=800, batch=8, lr=0.05, tune_lr=0.02, trainable=[1.0, 0.0], rng=seed)
        theta_end = np.array([float(run.theta[-1, 0]), 0.0])
        at = rebar_eta_variance(theta_end, toy, [run.tau[-1]], [run.eta[-1]], n_samples=200_000, rng=200 + seed)
        g = rebar_eta_variance(theta_end, toy, TAU_GRID, np.linspace(0.0, 2.0, 21), n_samples=200_000, rng=300 + seed)
        out["toy"]["runs"].append({"seed": seed, "final_p": float(1 / (1 + np.exp(-run.theta[-100:, 0])).mean()),
                                   "theta_end": theta_end[0], "tau": float(run.tau[-1]), "eta": float(run.eta[-1]),
                                   "tau_path": run.tau[::8], "eta_path": run.eta[::8],
                                   "variance_learned": float(at.variance[0, 0]),
                                   "variance_grid_best": float(g.variance.min()),
                                   "variance_eta1_tau05": float(np.interp(np.log(0.5), np.log(g.tau), g.variance[:, 10])),
                                   "variance_score": g.score_variance})
    grid_taus, grid_etas = (0.1, 0.5, 1.0, 5.0), (0.0, 0.5, 1.0, 2.0)
    table = np.empty((len(grid_taus), len(grid_etas), len(seeds)))
    for i, tau in enumerate(grid_taus):
        for j, eta in enumerate(grid_etas):
            tr = train_toy("rebar", 0.45, steps=800, lr=0.05, batch=8, tau=tau, rng=list(seeds), options={"eta": eta})
            table[i, j] = tr.final_p(100)
    out["toy"]["grid"] = {"tau": grid_taus, "eta": grid_etas, "final_p": table}
    return out


# ----------------------------------------------------------------------------- main


def _write(name: str, results: dict, config: dict, cpu: float, wall: float, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / f"{name}.json", "w", encoding="utf-8") as fh:
        json.dump(_jsonable({"meta": _meta(config, cpu, wall), "results": results}), fh, indent=1)
        fh.write("\n")
    _say(f"wrote {out / f'{name}.json'}: {cpu:.0f} s CPU ({wall:.0f} s wall clock)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", choices=STUDIES, default=list(STUDIES))
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    total_cpu, total_wall = time.process_time(), time.perf_counter()
    plans: dict[str, tuple[Callable[[], dict], dict]] = {
        "ordering": (study_ordering, {"vae": NB5, "seeds": SEEDS, "taus": TAUS, "swept": SWEPT,
                                      "annealing": {"tau0": 1.0, "tau_min": 0.5, "rate": ANNEAL_RATE,
                                                    "every": ANNEAL_EVERY},
                                      "tuner_lr": TUNER_LR, "gs_learned_tau0": GS_LEARNED_TAU0,
                                      "eval_taus": EVAL_TAUS, "grad_taus": GRAD_TAUS}),
        "exact_vae": (study_exact, {"vae": EXACT, "seeds": SEEDS, "tau_grid": TAU_GRID,
                                    "estimators": EXACT_ESTIMATORS, "train_taus": EXACT_TRAIN_TAUS}),
        "learned": (study_learned, {"seeds": SEEDS, "cubic": {"steps": 3000, "batch": 16, "tune_lr": 0.02},
                                    "toy": {"steps": 800, "batch": 8, "lr": 0.05, "tune_lr": 0.02}}),
    }
    ordering = None
    for name in STUDIES:
        if name not in args.only:
            continue
        _say(f"{name} ...")
        cpu, wall = time.process_time(), time.perf_counter()
        if name == "jang_20x10":
            if ordering is None:
                from gumbel_utils.experiment_data import load_experiment
                ordering = load_experiment("ordering", directory=args.out)["results"]
            results = study_jang(ordering)
            config = {"vae": results.pop("config"), "seeds": SEEDS, "taus": "each estimator's best τ of the ordering sweep"}
        else:
            study, config = plans[name]
            results = study()
            if name == "ordering":
                ordering = results
        _write(name, results, config, time.process_time() - cpu, time.perf_counter() - wall, args.out)
    _say(f"make experiments: {time.process_time() - total_cpu:.0f} s CPU in all "
         f"({time.perf_counter() - total_wall:.0f} s wall clock)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
