"""Speed of the gradient estimators and of the Notebook 3 explorers.

Targets: the full sweep, every registered estimator x 25 temperatures x 20,000 samples at
K = 3, in at most 1 s; single-tau views redraw in p95 <= 30 ms (live sliders).
Every registered estimator is timed (the registry is read, nothing is listed here).

Run: ``.venv/bin/python benchmarks/bench_estimators.py`` (or ``make bench``).
"""

from __future__ import annotations

import os
import time

import numpy as np

os.environ.setdefault("MPLBACKEND", "Agg")

from gumbel_utils.gradient_stats import bias_variance_sweep  # noqa: E402
from gumbel_utils.objectives import Cubic  # noqa: E402
from gumbel_utils.registry import ESTIMATORS  # noqa: E402
from gumbel_utils.viz.argmax_steps import explore_argmax_steps  # noqa: E402
from gumbel_utils.viz.bias_variance import explore_bias_variance  # noqa: E402
from gumbel_utils.viz.controls import log_grid  # noqa: E402
from gumbel_utils.viz.estimate_histogram import explore_estimate_histogram  # noqa: E402
from _timing import print_control_timings  # noqa: E402  (benchmarks/ is the script's folder)

X = np.array([1.0, 0.5, 0.0])
TAUS = np.geomspace(0.01, 10, 25)
N = 20_000


def best_of(fn, repeat: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), float(np.min(times))


def timed_estimators() -> list[str]:
    """Every registered estimator: the benchmark times each (a newly registered one too)."""
    return list(ESTIMATORS)


def main() -> None:
    f = Cubic()
    bias_variance_sweep(X, f, TAUS, n_samples=1000, rng=0)  # warm up
    print(f"## Estimators (K = 3, {TAUS.size} temperatures, {N:,} samples, cubic f)\n")
    print("| what | median | best |")
    print("|---|---|---|")
    for name in timed_estimators():
        spec = ESTIMATORS[name]
        med, best = best_of(lambda spec=spec: spec(X, f, N, tau=TAUS, rng=0))
        print(f"| {name} | {1e3 * med:.0f} ms | {1e3 * best:.0f} ms |")
    med, best = best_of(lambda: bias_variance_sweep(X, f, TAUS, n_samples=N, rng=0))
    verdict = "meets" if med <= 1.0 else "MISSES"
    print(f"| **full sweep with summaries ({len(ESTIMATORS)} x {TAUS.size} x {N:,})** | **{1e3 * med:.0f} ms** | "
          f"{1e3 * best:.0f} ms |")
    print(f"\nFull sweep: {verdict} the 1 s target (median).\n")

    print("## Notebook 3 explorers (update + draw + PNG per control change)\n")
    print("Wall-clock p50/p95 from `explorer.timings`; CPU p95 from `time.process_time` (what the redraw costs")
    print("on an idle core: on a machine shared with other jobs the wall clock is longer).\n")
    cases = [
        (explore_argmax_steps, "tau", log_grid(0.01, 10)[::3] * 2, 0.030),  # positions of the temperature slider
        (explore_estimate_histogram, "tau", log_grid(0.003, 10)[::2] * 2, 0.030),
        (explore_bias_variance, "n", [3, 10, 30, 100, 300, 1000, 1, 3, 10, 30], 1.0),
        (explore_bias_variance, "x1", [0.0, 0.5, 1.5, -1.0, 2.0], 1.0),
    ]
    print_control_timings(cases)


if __name__ == "__main__":
    main()
