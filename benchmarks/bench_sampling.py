"""Speed of the categorical samplers (run by `make bench`; never part of the test suite).

Compares ``gumbel_utils.gumbel_max`` with a plain in-place NumPy Gumbel-max reference,

    u = np.empty_like(x); rng.random(out=u); np.log(u, out=u); np.negative(u, out=u)
    np.log(u, out=u); np.subtract(x, u, out=u); u.argmax(-1)

(the buffer is allocated inside the call, as any function returning fresh samples must),
with ``sample_categorical`` and, when PyTorch is importable, with ``torch.multinomial`` on
CPU. Each row is the median of several repeats; the table gives samples per second (one
sample = one category index for one row of logits) and the ratio to the NumPy reference.

Usage: python benchmarks/bench_sampling.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

from gumbel_utils import gumbel_max, sample_categorical

SHAPES = [(100_000, 100), (1_000_000, 3)]


def reference_gumbel_max(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """argmax(x - log(-log U)) with in-place NumPy operations (no guard against U = 0)."""
    u = np.empty_like(x)
    rng.random(out=u)
    np.log(u, out=u)
    np.negative(u, out=u)
    np.log(u, out=u)
    np.subtract(x, u, out=u)
    return u.argmax(axis=-1)


def median_seconds(fns: dict, repeats: int) -> dict:
    """Median wall time of each function; the functions take turns in every round, so a change
    of load on a shared machine hits all of them alike instead of biasing their ratios."""
    for fn in fns.values():
        fn()  # warm-up (page faults, lazy imports, thread pools)
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(t) for name, t in times.items()}


def torch_sampler(x: np.ndarray):
    """torch.multinomial(softmax(x), 1) on CPU, float64, from the same logits; (None, reason) without torch."""
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the machine
        return None, f"torch not importable ({exc.__class__.__name__}: {exc})"
    xt = torch.from_numpy(x)
    gen = torch.Generator().manual_seed(0)

    def run():
        probs = torch.softmax(xt, dim=-1)
        return torch.multinomial(probs, 1, generator=gen)

    return run, f"torch {torch.__version__}, {torch.get_num_threads()} threads"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()

    print(f"# Sampler speed: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"NumPy {np.__version__}, median of {args.repeats} interleaved repeats, "
          f"load average {os.getloadavg()[0]:.1f}\n")
    print("| logits shape | sampler | time (ms) | samples/s | ratio to NumPy reference |")
    print("|---|---|---:|---:|---:|")
    notes = []
    verdicts = []
    for shape in SHAPES:
        x = np.random.default_rng(0).normal(size=shape)
        n = shape[0]
        rng = np.random.default_rng(1)
        fns = {
            "NumPy in-place reference": lambda: reference_gumbel_max(x, rng),
            "`gumbel_max`": lambda: gumbel_max(x, rng=rng),
            "`sample_categorical`": lambda: sample_categorical(x, rng=rng),
        }
        torch_run, note = torch_sampler(x)
        if torch_run is None:
            notes.append(f"torch.multinomial skipped for {shape}: {note}")
        else:
            fns["`torch.multinomial` (CPU)"] = torch_run
            notes.append(f"{shape}: {note}")
        times = median_seconds(fns, args.repeats)
        t_ref, t_gm = times["NumPy in-place reference"], times["`gumbel_max`"]
        t_torch = times.get("`torch.multinomial` (CPU)")
        rows = list(times.items())
        for name, t in rows:
            print(f"| {shape[0]:,} x {shape[1]} | {name} | {t * 1e3:.1f} | {n / t / 1e6:.2f} M | {t_ref / t:.2f}x |")
        verdicts.append(
            f"{shape}: gumbel_max at {t_ref / t_gm:.2f}x the reference speed (target >= 0.8x)"
            + ("" if t_torch is None else f", {t_torch / t_gm:.1f}x torch.multinomial (target >= 3x)")
        )
    print()
    for line in notes + verdicts:
        print(f"- {line}")


if __name__ == "__main__":
    main()
