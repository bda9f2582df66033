"""Every ``explore_*`` of ``gumbel_utils.viz``, driven the way a class drives it, and the explorer contract.

Discovered, not listed: a new explorer module is covered without editing this
file. For each explorer: it builds with no arguments into an ``Explorer``,
every control changes the picture, and 500 moves neither open Matplotlib
figures nor grow the process memory by 20 MB or more (past the high-water mark of a
warm-up that moved every control through its values: bounded caches are not leaks).
The contract of CONTRIBUTING.md is checked for every builder and every ``plot_*``:
keyword-only ``seed`` (never ``rng``) and ``ax``/``axes``, artists only in
``explorer.artists``, settings passed to ``Explorer`` (no function attributes), no
``plt.subplots`` in the viz modules, figures sized and lettered for a lecture hall, controls declared
with ``viz.controls`` (every temperature the one log-tau slider), and no two series of a legend told
apart by colour alone under simulated colour-vision deficiencies (``tests/_cvd.py``).
"""

from __future__ import annotations

import gc
import importlib
import inspect
import itertools
import pkgutil
import time
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

import _cvd
import _qa
import gumbel_utils.viz as viz
from gumbel_utils.viz import Explorer
from gumbel_utils.viz.style import MIN_FONT_PT

SPECS = _qa.discover_explorers()
IDS = [s.id for s in SPECS]

LEAK_MOVES = 500
LEAK_RSS_LIMIT = 20 * 2**20
#: Controls slower than this (live-recompute sweeps) get few leak moves; the rest share the 500.
SLOW_CONTROL_S = 0.15
SLOW_CONTROL_MOVES = 10

pytestmark = pytest.mark.skipif(not SPECS, reason="no explore_* builders in gumbel_utils.viz yet")


def _build(spec):
    explorer = spec.build()
    assert isinstance(explorer, Explorer), f"{spec.id}() returned {type(explorer).__name__}, not an Explorer"
    return explorer


@pytest.mark.slow
@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_builds_with_no_arguments(spec):
    figures_before = plt.get_fignums()
    explorer = _build(spec)
    assert explorer.controls, f"{spec.id}: no controls"
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n", f"{spec.id}: the image widget holds no PNG"
    assert plt.get_fignums() == figures_before, f"{spec.id}: building opened pyplot figures (use new_figure)"
    unknown = [n for n, c in explorer.controls.items() if _qa.control_kind(c) == "other"]
    assert not unknown, f"{spec.id}: controls of a kind the gates cannot drive: {unknown}"
    # figures for every eye (tests/test_viz_colours.py): no two series apart by colour alone under a CVD simulation
    confusable = _cvd.figure_problems(explorer.fig, spec.id)
    assert not confusable, "\n".join(confusable)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_controls_are_declared_and_every_temperature_is_the_one_tau_slider(spec):
    """One way to declare controls (viz.controls): each widget comes from the factory, each tau is a LogTau."""
    from gumbel_utils.viz.controls import log_grid

    explorer = _build(spec)
    by_hand = [n for n, c in explorer.controls.items() if "gu-control" not in c._dom_classes]
    assert not by_hand, f"{spec.id}: controls built by hand, not by viz.controls.make_controls: {by_hand}"
    for name, control in explorer.controls.items():
        if name.startswith("tau") or control.description.startswith("τ"):
            assert "gu-log" in control._dom_classes, f"{spec.id}: {name!r} is not the log-tau slider (LogTau)"
            values = [v for _label, v in control.options]
            grid = log_grid(values[0] * (1 - 1e-12), values[-1] * (1 + 1e-12))
            assert set(grid) <= set(values), f"{spec.id}: {name!r} does not move over the course's tau grid"
            assert "τ" in control.tooltip or "tau" in control.tooltip, f"{spec.id}: {name!r} has no accessible name"
        assert control.tooltip, f"{spec.id}: control {name!r} has no accessible name (tooltip)"


@pytest.mark.slow
@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_every_control_changes_the_image(spec):
    explorer = _build(spec)
    unchanged = []
    for name, control in explorer.controls.items():
        kind = _qa.control_kind(control)
        if getattr(control, "disabled", False):
            continue  # a learner cannot move it either (e.g. a logit beyond the chosen K)
        if kind == "button":
            # A button (e.g. "new noise") must redraw without error; some (reset) may leave the picture as it is.
            n_timings = len(explorer.timings)
            control.click()
            assert len(explorer.timings) == n_timings + 1, f"{spec.id}: button {name!r} did not redraw"
            continue
        values = _qa.control_values(control, 4 if explorer.is_live_recompute(name) else 6)
        assert len(values) >= 2 or kind == "toggle", f"{spec.id}: control {name!r} offers fewer than two values"
        for value in values:
            before = explorer.image.value
            control.value = value
            if explorer.image.value == before:
                unchanged.append(f"{name}={value!r}")
    assert not unchanged, f"{spec.id}: setting these values left the image unchanged: {unchanged}"


# ------------------------------------------------------------------ the explorer contract

#: Widths (PNG pixels) that JupyterLab shows unshrunk at a 1280 x 720 viewport (the browser test
#: measures the real scale); the text of a wider figure would be shrunk below 14 CSS px.
MAX_WIDTH_PX = {"top": 848, "side": 554}
MIN_TEXT_PX = 14.0


def _viz_modules():
    return [importlib.import_module(f"{viz.__name__}.{m.name}") for m in pkgutil.iter_modules(viz.__path__)]


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_builder_signature_follows_the_contract(spec):
    builder = spec.builder()
    params = inspect.signature(builder).parameters
    assert "rng" not in params, f"{spec.id}: the seed argument is called `seed` (an int), not `rng`"
    if "seed" in params:
        seed = params["seed"]
        assert seed.kind is inspect.Parameter.KEYWORD_ONLY, f"{spec.id}: `seed` must be keyword-only"
        assert isinstance(seed.default, int), f"{spec.id}: `seed` must default to an int, got {seed.default!r}"
        with pytest.raises(TypeError, match="seed"):
            builder(seed="0")
        with pytest.raises(TypeError, match="seed"):
            builder(seed=1.5)
    attributes = set(vars(builder)) - {"__wrapped__"}  # @records_call's functools.wraps marks the builder it wraps
    assert not attributes, f"{spec.id}: settings hang on the function ({sorted(attributes)}): pass them to Explorer"


@pytest.mark.slow
@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_explorer_holds_artists_state_and_its_settings(spec):
    explorer = _build(spec)
    assert not explorer.non_artists, f"{spec.id}: explorer.artists[{explorer.non_artists}] are not artists (use state)"
    assert isinstance(explorer.state, dict)
    live = explorer.live_recompute
    assert live is True or live is False or isinstance(live, (frozenset, dict))
    if isinstance(live, (frozenset, dict)):
        assert set(live) <= set(explorer.controls), f"{spec.id}: live_recompute names unknown controls"
    if live is not False:
        assert explorer._busy_message, f"{spec.id}: a recomputing control needs a busy_message"
    assert explorer.canvas is not None, f"{spec.id}: no dynamic= artists, so every redraw is a full draw"


@pytest.mark.slow
@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_explorer_is_readable_in_a_lecture_hall(spec):
    """Sizes the browser test then checks on screen: width that JupyterLab shows unshrunk, text >= 14 px."""
    explorer = _build(spec)
    width, height = explorer.size_px
    assert width <= MAX_WIDTH_PX[explorer.layout_mode], (
        f"{spec.id}: figure {width} px wide with the controls {explorer.layout_mode}: JupyterLab at 1280 px would "
        f"shrink it (and its text); at most {MAX_WIDTH_PX[explorer.layout_mode]} px"
    )
    assert height <= 560, f"{spec.id}: figure {height} px tall: controls and figure must fit a 720 px screen"
    assert explorer.min_text_px >= MIN_TEXT_PX, (
        f"{spec.id}: smallest figure text {explorer.min_text_px:.1f} px < {MIN_TEXT_PX} px "
        f"(use fonts >= viz.style.MIN_FONT_PT = {MIN_FONT_PT} pt)"
    )
    assert any(c.startswith("gu-min-text-px-") for c in explorer.image._dom_classes)


def test_every_plot_function_takes_ax_keyword_only():
    checked = 0
    for module in _viz_modules():
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("plot_") or fn.__module__ != module.__name__:
                continue
            params = inspect.signature(fn).parameters
            targets = [p for p in ("ax", "axes") if p in params]
            assert targets, f"{module.__name__}.{name}: no `ax` (or `axes`) argument"
            for p in targets:
                assert params[p].kind is inspect.Parameter.KEYWORD_ONLY, f"{module.__name__}.{name}: `{p}` keyword-only"
                assert params[p].default is None
            assert "rng" not in params and "seed" not in params, f"{module.__name__}.{name}: draws its own noise"
            checked += 1
    assert checked >= 10


def test_no_pyplot_figure_is_made_inside_the_viz_modules_except_by_the_style_helpers():
    offenders = []
    for path in Path(viz.__file__).parent.glob("*.py"):
        if path.name == "style.py":
            continue
        text = path.read_text()
        for call in ("plt.subplots(", "plt.figure(", "pyplot.subplots("):
            if call in text:
                offenders.append(f"{path.name}: {call}")
    assert not offenders, f"use viz.style.pyplot_figure / pyplot_axes / new_figure: {offenders}"


@pytest.mark.slow
@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_500_moves_leak_neither_figures_nor_memory(spec):
    explorer = _build(spec)
    # Warm-up: every control through its values a few times (caches, fonts, first-draw allocations).
    # Its high-water mark is the baseline: a bounded cache (e.g. noise kept for the largest N) may
    # hold memory that comes and goes with the controls; a leak grows past it with every move.
    sequence = _qa.drive_sequence(explorer, n_values=6)
    cost: dict[str, list[float]] = {}
    warm_rss = []
    drivable = [c for c in explorer.controls.values() if _qa.control_kind(c) != "other"]
    rounds = min(max(len(_qa.control_values(c, 6)) or 1 for c in drivable), 10)  # every value of every control
    n_warm = rounds * len(drivable)
    for name, value in itertools.islice(sequence, n_warm):
        start = time.perf_counter()
        _qa.move(explorer.controls[name], value)
        cost.setdefault(name, []).append(time.perf_counter() - start)
        warm_rss.append(_qa.rss_bytes())
    slow = {name for name, t in cost.items() if min(t) > SLOW_CONTROL_S}
    fast = [name for name in cost if name not in slow]
    # The plan: each slow (live-recompute) control moves SLOW_CONTROL_MOVES times; fast controls share the rest.
    budget = {name: SLOW_CONTROL_MOVES for name in slow}
    for i in range(max(LEAK_MOVES - SLOW_CONTROL_MOVES * len(slow), 0) if fast else 0):
        budget[fast[i % len(fast)]] = budget.get(fast[i % len(fast)], 0) + 1

    gc.collect()
    figures = plt.get_fignums()
    rss_after_warm_up = _qa.rss_bytes()
    rss_before = max(warm_rss + [rss_after_warm_up])
    moves = dict.fromkeys(budget, 0)
    trajectory = []  # RSS growth (MB) every 50 moves: a leak climbs steadily, a bounded cache saws up and down
    while any(moves[n] < budget[n] for n in budget):
        name, value = next(sequence)
        if moves[name] < budget[name]:
            _qa.move(explorer.controls[name], value)
            moves[name] += 1
            if sum(moves.values()) % 50 == 0:
                trajectory.append(round((_qa.rss_bytes() - rss_before) / 2**20, 1))
    gc.collect()
    growth = _qa.rss_bytes() - rss_before
    total = sum(moves.values())
    done = ", ".join(f"{n}: {k}" for n, k in moves.items()) + (f"; slow controls: {sorted(slow)}" if slow else "")
    assert plt.get_fignums() == figures, f"{spec.id}: pyplot figures {figures} -> {plt.get_fignums()} after moves ({done})"
    assert growth < LEAK_RSS_LIMIT, (
        f"{spec.id}: RSS grew by {growth / 2**20:.1f} MB over {total} moves ({done}), past the warm-up's "
        f"high-water mark ({(rss_before - rss_after_warm_up) / 2**20:.1f} MB above the RSS after warm-up); "
        f"growth every 50 moves (MB): {trajectory}"
    )
    print(
        f"{spec.id}: {total} moves ({done}), RSS {growth / 2**20:+.2f} MB vs the warm-up high-water mark, "
        f"{(growth + rss_before - rss_after_warm_up) / 2**20:+.2f} MB vs the RSS after warm-up"
    )
