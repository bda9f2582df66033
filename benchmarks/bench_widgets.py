"""Speed of every live figure and of the whole collection (a benchmark, not a test).

For every ``explore_*`` builder of ``gumbel_utils.viz`` (discovered, none listed
by hand): build it with no arguments, then move each control through its range
(about 30 values for a slider, every option of a dropdown or toggle, clicks for
a button), timing each ``control.value = v`` (the whole redraw: update, draw,
PNG). Prints a markdown table of p50/p95 per explorer and control, flags rows
over budget (30 ms; 1 s for a control the explorer declares with
``Explorer(..., live_recompute=...)``, see CONTRIBUTING.md), then the Run All time of each notebook on a fresh kernel
(nbclient) and the total (target: ``COLLECTION_BUDGET_S``, 180 s), and the machine it ran on.

Usage: ``python benchmarks/bench_widgets.py [--values 30] [--only SUBSTRING] [--skip-notebooks] [--clock cpu]``

``--clock cpu`` times the process's CPU time instead of the wall clock: on a machine
shared with other jobs the wall clock includes their load, the CPU time much less so
(the budgets are wall-clock budgets; use it to compare versions, not to pass them).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import _qa  # noqa: E402

BUTTON_CLICKS = 10
#: Dropdowns and toggles with few options are cycled until this many moves.
MIN_MOVES = 12



#: Run All of every notebook, one after the other, on a fresh kernel each: a student who runs the whole
#: course waits at most three minutes. Eight notebooks, two of which train small VAEs from scratch (the
#: per-notebook budgets of tests/_qa.py add up to 420 s).
COLLECTION_BUDGET_S = 180.0

def machine() -> str:
    import matplotlib
    import numpy

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, numpy {numpy.__version__}, matplotlib {matplotlib.__version__}"
    )


CLOCK = time.perf_counter


def bench_explorer(spec: _qa.ExplorerSpec, n_values: int) -> tuple[float, list[dict]]:
    """Build time (s) and one row per control: name, kind, number of moves, timings (s), budget (s)."""
    start = time.perf_counter()
    explorer = spec.build()
    build_s = time.perf_counter() - start
    rows = []
    for name, control in explorer.controls.items():
        kind = _qa.control_kind(control)
        live = explorer.is_live_recompute(name)  # declared on the explorer: Explorer(..., live_recompute=...)
        if kind == "button":
            plan = [None] * BUTTON_CLICKS
        else:
            plan = _qa.control_values(control, n_values)
            if live:  # a sweep per move: fewer moves keep the benchmark short
                plan = _qa.control_values(control, max(5, n_values // 3))
        if not plan:
            continue
        if 2 <= len(plan) < MIN_MOVES and not live:  # few options: cycle through them again for a steadier p95
            plan = (plan * MIN_MOVES)[:MIN_MOVES]
        default = None if kind == "button" else control.value
        _qa.move(control, plan[0])  # warm-up move, not timed
        times, values = [], plan[1:] + plan[:1]
        for value in values:
            t = CLOCK()
            _qa.move(control, value)
            times.append(CLOCK() - t)
        if kind != "button" and not _qa._same(control.value, default):
            _qa.move(control, default)  # back to the default, so the next control is measured there
        row = {
            "control": name,
            "kind": kind,
            "moves": len(times),
            "times": times,
            "budget": _qa.LIVE_RECOMPUTE_BUDGET_S if live else _qa.REDRAW_BUDGET_S,
            "live": live,
            "busy": bool(getattr(explorer, "_busy_message", None)),
        }
        # ``live_recompute={name: limit}``: the control recomputes only above ``limit`` (e.g. more
        # samples than are cached, with a busy state): report those moves in a row of their own.
        limit = explorer.live_recompute.get(name) if isinstance(explorer.live_recompute, dict) else None
        if limit is None or kind == "button":
            rows.append(row)
            continue
        for label, live_part in ((f"{name} <= {limit:g}", False), (f"{name} > {limit:g} (busy state)", True)):
            part = [t for v, t in zip(values, times) if explorer.is_live_recompute(name, v) == live_part]
            budget = _qa.LIVE_RECOMPUTE_BUDGET_S if live_part else _qa.REDRAW_BUDGET_S
            if part:
                rows.append({**row, "control": label, "moves": len(part), "times": part, "budget": budget,
                             "live": live_part})
    return build_s, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=30, help="values per slider (default 30)")
    parser.add_argument("--only", default="", help="only explorers whose id contains this")
    parser.add_argument("--skip-notebooks", action="store_true", help="no Run All timing")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall clock (default; the budgets) or this process's CPU time (comparisons on a busy machine)")
    args = parser.parse_args(argv)
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter

    print("## Widget redraw latency\n")
    print(f"Machine: {machine()}\n")
    print(f"Time ({args.clock} clock) of `explorer.controls[name].value = v` (update + draw + PNG), each control "
          "through its range with the others at their defaults.\n")
    print("| explorer | control | kind | moves | p50 ms | p95 ms | max ms | budget ms | flag |")
    print("|---|---|---|---:|---:|---:|---:|---:|---|")
    over = []
    specs, broken = _qa.discover_explorers(strict=False)
    specs = [s for s in specs if args.only in s.id]
    for module, err in broken.items():  # a module that does not import is reported, the others still measured
        print(f"| `{module}` | (import failed) | | | | | | | **{type(err).__name__}: {err}** |")
        over.append(f"{module}: import failed ({err})")
    builds = {}
    for spec in specs:
        try:
            build_s, rows = bench_explorer(spec, args.values)
        except Exception as err:  # a broken explorer is reported, the others still measured
            print(f"| `{spec.id}` | (failed) | | | | | | | **{type(err).__name__}: {err}** |")
            over.append(f"{spec.id}: failed ({err})")
            continue
        builds[spec.id] = build_s
        for row in rows:
            p50 = 1000 * _qa.percentile(row["times"], 50)
            p95 = 1000 * _qa.percentile(row["times"], 95)
            worst = 1000 * max(row["times"])
            budget = 1000 * row["budget"]
            flag = ""
            if p95 > budget:
                flag = "**OVER**"
                over.append(f"{spec.id}.{row['control']}: p95 {p95:.0f} ms > {budget:.0f} ms")
            if row["live"]:
                flag = (flag + " live recompute").strip()
            elif row["busy"] and p95 > 1000 * _qa.REDRAW_BUDGET_S:
                flag += " (has a busy state, not declared in live_recompute)"
            print(f"| `{spec.id}` | {row['control']} | {row['kind']} | {row['moves']} | {p50:.1f} | {p95:.1f} | "
                  f"{worst:.1f} | {budget:.0f} | {flag} |")
            sys.stdout.flush()
    if builds:
        print("\nBuild time (first figure): " + ", ".join(f"`{k}` {1000 * v:.0f} ms" for k, v in builds.items()))
    if not specs:
        print("| (no explore_* builder found or matched) | | | | | | | | |")

    if not args.skip_notebooks:
        print("\n## Run All (fresh kernel, nbclient)\n")
        print("| notebook | seconds | budget s | flag |")
        print("|---|---:|---:|---|")
        total = 0.0
        for path in _qa.discover_notebooks():
            run = _qa.execute_notebook(path, kernel_stderr=subprocess.DEVNULL)  # kernel log lines off the table
            total += run.seconds
            budget = _qa.notebook_budget(path)
            problems = _qa.problem_outputs(run.nb)
            flag = "**OVER**" if run.seconds > budget else ""
            if problems:
                flag += f" {len(problems)} error/stderr outputs"
            if run.seconds > budget:
                over.append(f"{path.name}: {run.seconds:.1f} s > {budget:.0f} s")
            print(f"| {path.name} | {run.seconds:.1f} | {budget:.0f} | {flag.strip()} |")
            sys.stdout.flush()
        flag = "**OVER**" if total > COLLECTION_BUDGET_S else ""
        if total > COLLECTION_BUDGET_S:
            over.append(f"whole collection: {total:.1f} s > {COLLECTION_BUDGET_S:.0f} s")
        print(f"| **whole collection** | **{total:.1f}** | {COLLECTION_BUDGET_S:.0f} | {flag} |")

    print()
    if over:
        print("Over budget:\n" + "\n".join(f"- {o}" for o in over))
    else:
        print("Every redraw and every notebook within budget.")
    return 0  # a benchmark reports; the tests decide


if __name__ == "__main__":
    sys.exit(main())
