"""Every ``explore_*`` of ``gumbel_utils.viz``, driven the way a class drives it, and the explorer contract.

Discovered, not listed: a new explorer module is covered without editing this
file. For each explorer: it builds with no arguments into an ``Explorer``,
every control changes the picture, and 200 more moves neither open Matplotlib
figures, nor add artists, nor grow the process memory by 20 MB or more (past the
high-water mark of the first pass through every control's values: bounded caches are not leaks).
The contract of CONTRIBUTING.md is checked for every builder and every ``plot_*``:
keyword-only ``seed`` (never ``rng``) and ``ax``/``axes``, artists only in
``explorer.artists``, settings passed to ``Explorer`` (no function attributes), no
``plt.subplots`` in the viz modules, figures sized and lettered for a lecture hall, controls declared
with ``viz.controls`` (every temperature the one log-tau slider), and no two series of a legend told
apart by colour alone under simulated colour-vision deficiencies (``tests/_cvd.py``).
"""

from __future__ import annotations

import functools
import gc
import importlib
import inspect
import pkgutil
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
#: The specs for the tests that only read a built explorer: one unit of work per spec (tests/conftest.py), so
#: that one worker builds it once for all of them (``_built``).
READ_ONLY = [pytest.param(s, id=s.id, marks=pytest.mark.xdist_group(f"explorer-{s.id}")) for s in SPECS]

#: Moves of the live controls after the warm-up, shared round robin; a live-recompute control (a sweep of up
#: to 1 s, ``Explorer(live_recompute=...)``) goes through LIVE_RECOMPUTE_VALUES values, then moves
#: LIVE_RECOMPUTE_MOVES more times.
LEAK_MOVES = 200
LEAK_RSS_LIMIT = 20 * 2**20
LIVE_RECOMPUTE_VALUES = 4
LIVE_RECOMPUTE_MOVES = 2  # a round trip: the exact artist count catches an adding update on the first move

pytestmark = pytest.mark.skipif(not SPECS, reason="no explore_* builders in gumbel_utils.viz yet")


def _build(spec):
    explorer = spec.build()
    assert isinstance(explorer, Explorer), f"{spec.id}() returned {type(explorer).__name__}, not an Explorer"
    return explorer


@functools.cache
def _built(spec):
    """One explorer per spec and test process, for the tests that only read it (never move a control)."""
    return _build(spec)


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


@pytest.mark.slow
@pytest.mark.parametrize("spec", READ_ONLY)
def test_controls_are_declared_and_every_temperature_is_the_one_tau_slider(spec):
    """One way to declare controls (viz.controls): each widget comes from the factory, each tau is a LogTau."""
    from gumbel_utils.viz.controls import log_grid

    explorer = _built(spec)
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
@pytest.mark.parametrize("spec", READ_ONLY)
def test_explorer_holds_artists_state_and_its_settings(spec):
    explorer = _built(spec)
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
@pytest.mark.parametrize("spec", READ_ONLY)
def test_explorer_is_readable_in_a_lecture_hall(spec):
    """Sizes the browser test then checks on screen: width that JupyterLab shows unshrunk, text >= 14 px."""
    explorer = _built(spec)
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
def test_every_control_changes_the_image_and_moves_leak_nothing(spec):
    """Values spread over every control each redraw the image; then LEAK_MOVES more moves leak nothing.

    The first pass (one control at a time, through its values), then one more round trip of
    each live-recompute control, is also the warm-up: caches, fonts and first-draw allocations.
    A leak is looked for three ways after the moves, with the controls back where the warm-up
    left them: the pyplot figures and the number of artists of the explorer's figure are the
    same (exact: an update that adds artists instead of changing them leaks whatever their
    size), and the RSS has not grown LEAK_RSS_LIMIT past the warm-up's high-water mark (a
    bounded cache, e.g. noise kept for the largest N, comes and goes with the controls; a leak
    of 100 kB or more per move passes the limit within the moves).
    """
    explorer = _build(spec)
    values: dict[str, list] = {}
    unchanged, warm_rss = [], []
    for name, control in explorer.controls.items():
        kind = _qa.control_kind(control)
        if getattr(control, "disabled", False) or kind == "other":
            continue  # a learner cannot move it either (e.g. a logit beyond the chosen K)
        if kind == "button":
            # A button (e.g. "new noise") must redraw without error; some (reset) may leave the picture as it is.
            n_timings = len(explorer.timings)
            control.click()
            assert len(explorer.timings) == n_timings + 1, f"{spec.id}: button {name!r} did not redraw"
            values[name] = [None]
            continue
        values[name] = _qa.control_values(control, LIVE_RECOMPUTE_VALUES if explorer.is_live_recompute(name) else 6)
        assert len(values[name]) >= 2 or kind == "toggle", f"{spec.id}: control {name!r} offers fewer than two values"
        for value in values[name]:
            before = explorer.image.value
            control.value = value
            if explorer.image.value == before:
                unchanged.append(f"{name}={value!r}")
            warm_rss.append(_qa.rss_bytes())
    assert not unchanged, f"{spec.id}: setting these values left the image unchanged: {unchanged}"
    # A live-recompute control (N up to 10^6 samples) allocates large arrays: the first allocation of a size goes
    # to the OS (mmap), and once freed the allocator keeps the next ones on its heap. One more round trip of each
    # such control, still in the warm-up, takes the RSS to that level before the high-water mark is read.
    for name in [n for n in values if explorer.is_live_recompute(n) and len(values[n]) > 1]:
        control = explorer.controls[name]
        end = control.value
        for value in (values[name][0], end):
            control.value = value
            warm_rss.append(_qa.rss_bytes())

    state = {n: c.value for n, c in explorer.controls.items() if n in values and _qa.control_kind(c) != "button"}
    gc.collect()
    figures = plt.get_fignums()
    artists = len(explorer.fig.findobj())
    rss_after_warm_up = _qa.rss_bytes()
    rss_before = max(warm_rss + [rss_after_warm_up])
    # The plan: each live-recompute control moves LIVE_RECOMPUTE_MOVES times, the others share LEAK_MOVES round
    # robin; each control cycles through the values of the first pass.
    slow = [n for n in values if explorer.is_live_recompute(n)]
    fast = [n for n in values if n not in slow]
    plan = slow * LIVE_RECOMPUTE_MOVES + [fast[i % len(fast)] for i in range(LEAK_MOVES if fast else 0)]
    counters = dict.fromkeys(values, 0)
    trajectory = []  # RSS growth (MB) every 50 moves: a leak climbs steadily, a bounded cache saws up and down
    for k, name in enumerate(plan, 1):
        _qa.move(explorer.controls[name], values[name][counters[name] % len(values[name])])
        counters[name] += 1
        if k % 50 == 0:
            trajectory.append(round((_qa.rss_bytes() - rss_before) / 2**20, 1))
    for name, value in state.items():  # back where the warm-up left them, so the artists can be compared
        if explorer.controls[name].value != value:
            _qa.move(explorer.controls[name], value)
    gc.collect()
    growth = _qa.rss_bytes() - rss_before
    done = ", ".join(f"{n}: {k}" for n, k in counters.items() if k) + (f"; live-recompute controls: {slow}" if slow else "")
    assert plt.get_fignums() == figures, f"{spec.id}: pyplot figures {figures} -> {plt.get_fignums()} after moves ({done})"
    assert len(explorer.fig.findobj()) == artists, (
        f"{spec.id}: the figure holds {len(explorer.fig.findobj())} artists after {len(plan)} moves ({done}), "
        f"{artists} before them with the controls where they are now: an update adds artists instead of changing them")
    assert growth < LEAK_RSS_LIMIT, (
        f"{spec.id}: RSS grew by {growth / 2**20:.1f} MB over {len(plan)} moves ({done}), past the warm-up's "
        f"high-water mark ({(rss_before - rss_after_warm_up) / 2**20:.1f} MB above the RSS after warm-up); "
        f"growth every 50 moves (MB): {trajectory}"
    )
    print(
        f"{spec.id}: {len(plan)} moves ({done}), {artists} artists, RSS {growth / 2**20:+.2f} MB vs the warm-up "
        f"high-water mark, {(growth + rss_before - rss_after_warm_up) / 2**20:+.2f} MB vs the RSS after warm-up"
    )
