"""Speed of Notebook 4: REBAR, the training runs, the relaxed-toy quadrature and the Notebook 4 explorers.

Targets: each training run of the notebook <= 2 s; a live slider p95 <= 30 ms; a control
that retrains (live-recompute, busy message) <= 1 s. Every estimator the trainer accepts
is timed (the registry is read, nothing is listed here).

Run: ``.venv/bin/python benchmarks/bench_training.py`` (or ``make bench``).
"""

from __future__ import annotations

import functools
import os
import time

import numpy as np

os.environ.setdefault("MPLBACKEND", "Agg")

from gumbel_utils.conditional import rebar  # noqa: E402
from gumbel_utils.estimators import score_function  # noqa: E402
from gumbel_utils.objectives import OBJECTIVES  # noqa: E402
from gumbel_utils.registry import ESTIMATORS  # noqa: E402
from gumbel_utils.relaxed_toy import relaxed_toy_minimizer  # noqa: E402
from gumbel_utils.schedules import anneal  # noqa: E402
from gumbel_utils.training import train_logits, train_toy  # noqa: E402
from gumbel_utils.viz.annealing import explore_annealing  # noqa: E402
from gumbel_utils.viz.controls import log_grid  # noqa: E402
from gumbel_utils.viz.rebar import explore_rebar_variance  # noqa: E402
from gumbel_utils.viz.relaxed_toy import explore_relaxed_toy  # noqa: E402
from gumbel_utils.viz.training_curves import explore_training  # noqa: E402
from _timing import print_control_timings  # noqa: E402  (benchmarks/ is the script's folder)

X = np.array([1.0, 0.5, 0.0])


def timed(fn, repeat: int = 3) -> tuple[float, float, float]:
    """Median wall clock, best wall clock and median CPU time of ``fn()``."""
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return float(np.median(wall)), float(np.min(wall)), float(np.median(cpu))


def main() -> None:
    f = OBJECTIVES["cubic"]
    print("## REBAR against the score function (K = 3, cubic f, one call)\n")
    print("| estimator | samples | temperatures | median | best |")
    print("|---|---|---|---|---|")
    for n, taus in ((16, 0.5), (20_000, 0.5), (20_000, np.geomspace(0.01, 10, 25))):
        for name, fn in (("score_function", score_function), ("rebar", rebar)):
            med, best, _ = timed(lambda fn=fn, n=n, taus=taus: fn(X, f, n, tau=taus, rng=0), repeat=5)
            print(f"| {name} | {n:,} | {np.size(taus)} | {1e3 * med:.2f} ms | {1e3 * best:.2f} ms |")

    print("\n## Training runs (the notebook's settings; target <= 2 s per run)\n")
    print("| run | runs x steps | median | per run | CPU per run |")
    print("|---|---|---|---|---|")
    q = OBJECTIVES["quadratic"]
    for name in ESTIMATORS:
        med, _, cpu = timed(lambda name=name: train_logits(name, q, np.zeros(3), steps=400, lr=0.05, batch=4,
                                                            tau=0.5, rng=[0, 1, 2]))
        print(f"| section 1, {name} | 3 x 400 | {med:.2f} s | {med / 3:.2f} s | {cpu / 3:.2f} s |")
    for name in ESTIMATORS:
        med, _, cpu = timed(lambda name=name: train_toy(name, 0.45, steps=800, lr=0.05, batch=8, tau=0.5,
                                                         rng=[0, 1, 2]))
        print(f"| toy t = 0.45, {name} | 3 x 800 | {med:.2f} s | {med / 3:.2f} s | {cpu / 3:.2f} s |")
    sched = functools.partial(anneal, tau0=1.0, tau_min=0.05, rate=2.5e-3, every=100)
    med, _, cpu = timed(lambda: train_toy("gumbel_softmax_grad", 0.45, steps=2000, lr=0.05, batch=16, tau=sched,
                                          rng=[0, 1, 2]))
    print(f"| toy, annealed 1 -> 0.05 | 3 x 2000 | {med:.2f} s | {med / 3:.2f} s | {cpu / 3:.2f} s |")
    taus_n, batch = np.geomspace(0.01, 1, 7), np.array([1, 4, 32])
    t_, n_, s_ = np.meshgrid(taus_n, batch, np.arange(6), indexing="ij")
    med, _, cpu = timed(lambda: train_logits("gumbel_softmax_grad", q, np.zeros(3), steps=300, lr=0.05,
                                             batch=n_.ravel(), tau=t_.ravel(), rng=s_.ravel()), repeat=1)
    print(f"| batch-size sweep (one vectorised call) | {t_.size} x 300 | {med:.2f} s | {med / t_.size:.3f} s | "
          f"{cpu / t_.size:.3f} s |")

    print("\n## Relaxed-toy minimiser (quadrature + bracketed search)\n")
    print("| call | median | best |")
    print("|---|---|---|")
    grid = np.geomspace(0.001, 10, 49)  # an array of temperatures is never cached: every call computes
    med, best, _ = timed(lambda: relaxed_toy_minimizer(0.45, grid), repeat=3)
    print(f"| 49 temperatures, one call | {1e3 * med:.0f} ms | {1e3 * best:.0f} ms |")

    print("\n## Notebook 4 explorers (update + draw + PNG per control change)\n")
    cases = [
        (explore_relaxed_toy, "tau", log_grid(0.01, 10), 0.030),  # every position of the temperature slider
        (explore_rebar_variance, "tau", log_grid(0.01, 10), 0.030),
        (explore_rebar_variance, "eta", list(np.round(np.arange(-0.5, 2.51, 0.1), 2)), 0.030),
        (explore_relaxed_toy, "t", [0.499, 0.3, 0.4, 0.49], 1.0),
        (explore_training, "tau", [0.1, 0.2, 1.0, 3.0, 0.05], 1.0),
        (explore_training, "n", [1, 16, 64], 1.0),
        (explore_annealing, "tau_min", [0.2, 0.5, 0.01, 0.1], 1.0),
    ]
    print_control_timings(cases)


if __name__ == "__main__":
    main()
