"""Shared by the benchmarks: time explorer controls and print one Markdown table row per control."""

from __future__ import annotations

import time
from typing import Any, Callable, Sequence

import numpy as np


def print_control_timings(cases: Sequence[tuple[Callable[[], Any], str, Sequence[Any], float]]) -> None:
    """Build each ``builder()``, move ``control`` through ``values`` and print p50/p95 against ``target`` (s).

    Wall-clock p50/p95 come from ``explorer.timings``; the CPU p95 from ``time.process_time``
    (what the redraw costs on an idle core: on a shared machine the wall clock is longer).
    """
    print("| explorer | control | moves | p50 | p95 | CPU p95 | target |")
    print("|---|---|---|---|---|---|---|")
    for builder, control, values, target in cases:
        ex = builder()
        start = len(ex.timings)
        cpu = []
        for v in values:
            c0 = time.process_time()
            ex.controls[control].value = v
            cpu.append(time.process_time() - c0)
        t = np.array(ex.timings[start:])
        p50, p95, c95 = np.percentile(t, 50), np.percentile(t, 95), np.percentile(cpu, 95)
        ok = "ok" if p95 <= target else ("ok on CPU time" if c95 <= target else "over")
        print(f"| {builder.__name__} | {control} | {t.size} | {1e3 * p50:.0f} ms | {1e3 * p95:.0f} ms | {1e3 * c95:.0f} ms | "
              f"{1e3 * target:.0f} ms ({ok}) |")
