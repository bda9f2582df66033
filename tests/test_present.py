"""Projector mode (``make present``): Voila serves notebook 1 as an app, and a lecture hall can read it.

The server is started with the command line of ``make present``
(``tools/present.py``) on a free port of 127.0.0.1, and notebook 1 is opened in
headless Chromium at 1280 x 720, the lecture-hall screen of issue 13. The test
waits for the explorers, moves a slider of the first one with the keyboard and
checks that its figure changed; then, for every explorer on the page, the
readability acceptance in this mode: figure text renders at >= 14 CSS px (the
PNG's smallest font, from the image's ``gu-min-text-px-*`` class, times the
rendered / natural width), widget labels >= 14 px, and controls + figure fit the
1280 x 720 viewport. Requests off the server are refused, and there must be none (the
projector page drops Voila's links to Font Awesome on a CDN: Voila serves its own copy),
so a hall without network sees the whole page. Screenshots go to ``test-artifacts/present/``.

Fast tests (no browser) check that the projector style is chosen by one call and
by the environment variable that ``make present`` sets, never at import.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import _browser
import _qa

ARTIFACTS = _qa.ARTIFACTS_DIR / "present"
VIEWPORT = {"width": 1280, "height": 720}
MIN_TEXT_PX = 14.0
START_TIMEOUT_S = 90
RENDER_TIMEOUT_S = 180
REDRAW_TIMEOUT_S = 30


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, _qa.ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


present = _load("present")


# ----------------------------------------------------------------------------- fast: the style switch


@pytest.fixture()
def style(monkeypatch):
    from gumbel_utils.viz import style as module

    monkeypatch.setattr(module, "_projector", None)  # as after import: the environment decides
    monkeypatch.delenv("GUMBEL_UTILS_PROJECTOR", raising=False)
    return module


def test_projector_style_is_off_at_import_and_follows_the_environment(style, monkeypatch):
    import matplotlib as mpl

    assert style.projector_style(None) == {}
    with style.course_style():
        normal = mpl.rcParams["font.size"], mpl.rcParams["lines.linewidth"]
    monkeypatch.setenv("GUMBEL_UTILS_PROJECTOR", "1")  # read lazily, when a figure is styled
    with style.course_style():
        projector = mpl.rcParams["font.size"], mpl.rcParams["lines.linewidth"], mpl.rcParams["axes.prop_cycle"]
    assert projector[0] > normal[0] and projector[1] > normal[1]
    assert list(projector[2].by_key()["color"]) == style.CATEGORY_COLORS  # the same colour-blind-safe palette
    assert mpl.rcParams["font.size"] != projector[0]  # nothing leaks out of the context
    style.projector_style(False)  # one call overrides the environment
    assert style.projector_style(None) == {}


@pytest.mark.slow
def test_projector_style_by_one_call_makes_larger_text_in_explorers(style):
    from gumbel_utils.viz.gumbel_max import explore_gumbel_max

    normal = explore_gumbel_max()
    style.projector_style(True)
    try:
        big = explore_gumbel_max()
    finally:
        style.projector_style(False)
    assert big.size_px == normal.size_px, "projector mode keeps the figure's pixel size (the layout still fits)"
    ticks = lambda e: max(t.get_fontsize() for ax in e.fig.axes for t in ax.get_xticklabels())  # noqa: E731
    assert ticks(big) > ticks(normal)
    assert big.min_text_px >= MIN_TEXT_PX


def test_make_present_runs_this_command():
    makefile = (_qa.ROOT / "Makefile").read_text()
    recipe = re.search(r"^present:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "the Makefile has no `present` target"
    assert "tools/present.py" in recipe.group(1)
    command = present.present_command(8866)
    assert "--strip_sources=True" in command and str(_qa.NOTEBOOKS_DIR) in command
    env = present.present_env({"MPLBACKEND": "Agg"})
    assert env["GUMBEL_UTILS_PROJECTOR"] == "1" and "MPLBACKEND" not in env
    assert (Path(env["JUPYTER_PATH"]) / "voila" / "templates" / "projector" / "index.html.j2").exists()


# ----------------------------------------------------------------------------- Voila in Chromium


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    _browser.chromium_path("projector test")
    workdir = tmp_path_factory.mktemp("voila")
    log_path = workdir / "voila.log"
    env = present.present_env()
    env.update(JUPYTER_CONFIG_DIR=str(workdir / "config"), JUPYTER_RUNTIME_DIR=str(workdir / "runtime"),
               PYTHONWARNINGS="default")
    proc, base = None, ""
    for _attempt in range(3):  # the free port may be taken between choosing and binding it
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        command = present.present_command(port, ["--no-browser", "--Voila.ip=127.0.0.1"],
                                          notebooks_dir=_qa.NOTEBOOKS_DIR)
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir,
                                    start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            _stop(proc)
            proc = None
            continue
        break
    if proc is None:
        pytest.fail(f"Voila did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
    try:
        yield base, log_path
    finally:
        _stop(proc)


def _stop(proc) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # the group this fixture started: Voila and its kernels
        proc.wait(timeout=15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


_MEASURE_JS = r"""(explorer) => {
  const img = explorer.querySelector('img.widget-image');
  const cls = [...img.classList].find(c => c.startsWith('gu-min-text-px-'));
  const box = explorer.getBoundingClientRect();
  const imgBox = img.getBoundingClientRect();
  const labels = [...explorer.querySelectorAll('.widget-label, .widget-readout, .widget-button, .widget-toggle-button, .widget-dropdown select, .widget-checkbox label')]
    .filter(e => e.checkVisibility() && e.innerText.trim())
    .map(e => ({text: e.innerText.trim().slice(0, 30), px: parseFloat(getComputedStyle(e).fontSize)}));
  return {
    natural: img.naturalWidth, naturalHeight: img.naturalHeight, rendered: imgBox.width,
    minTextPx: cls ? parseInt(cls.slice('gu-min-text-px-'.length)) / 100 : null,
    width: box.width, height: box.height, labels,
  };
}"""


@pytest.mark.browser
@pytest.mark.slow
def test_notebook_1_as_an_app_at_1280x720(voila):
    base, log_path = voila
    notebook = next((p for p in _qa.discover_notebooks() if p.name.startswith("01_")), None)
    if notebook is None:
        pytest.skip("no notebook 01_* in the notebooks folder")
    with _browser.chromium("projector test") as browser:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(60_000)
        blocked = _browser.guard(context, lambda url: url.startswith((base, "data:", "blob:")))
        page = context.new_page()
        page_errors: list[str] = []
        page.on("pageerror", lambda err: page_errors.append(str(err)))
        try:
            _check_app(page, base, notebook, log_path)
        except Exception:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{notebook.stem}-failure.png"))
            raise
        finally:
            context.close()
        print(f"projector: page errors: {page_errors[:3]}")
        assert not blocked, f"the projector page asked for something off the server (offline it is missing): " \
                            f"{sorted(set(blocked))[:5]}"


def _check_app(page, base: str, notebook: Path, log_path: Path) -> None:
    start = time.perf_counter()
    page.goto(f"{base}/voila/render/{notebook.name}")
    explorers = page.locator(".gu-explorer")
    try:
        explorers.first.locator("img.widget-image[src^='data:image/png'], img.widget-image[src^='blob:']").wait_for(
            timeout=RENDER_TIMEOUT_S * 1000)
        page.wait_for_load_state("networkidle", timeout=RENDER_TIMEOUT_S * 1000)
    except Exception as err:
        raise AssertionError(f"no explorer rendered in Voila within {RENDER_TIMEOUT_S} s; server log:\n"
                             f"{log_path.read_text(errors='replace')[-3000:]}") from err
    page.wait_for_timeout(1500)  # the last widgets of the page
    rendered_s = time.perf_counter() - start
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{notebook.stem}-top.png"))
    code_shown = page.locator(".jp-InputArea-editor:visible, .jp-CodeMirrorEditor:visible").count()
    assert code_shown == 0 and "import numpy" not in page.inner_text("body"), "Voila shows code"
    # Printed numbers (what the lesson plan's misconceptions point to) readable from the back row: >= 15 px.
    printed = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output pre')]
      .filter(e => e.checkVisibility()).map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert printed and min(printed) >= 15, f"printed outputs at {sorted(set(printed))} px in make present (>= 15 px)"

    # A slider moved with the keyboard redraws the figure.
    first = explorers.first
    first.scroll_into_view_if_needed()
    image = first.locator("img.widget-image").first
    before = image.get_attribute("src")
    first.screenshot(path=str(ARTIFACTS / f"{notebook.stem}-explorer0-before.png"))
    handle = first.locator(".widget-slider .noUi-target:not([disabled]) .noUi-handle").first
    handle.focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowRight"):
        page.keyboard.press(key)
        page.wait_for_timeout(150)
    page.wait_for_function("([img, before]) => img.getAttribute('src') !== before",
                           arg=[image.element_handle(), before], timeout=REDRAW_TIMEOUT_S * 1000, polling=200)
    page.wait_for_timeout(300)
    first.screenshot(path=str(ARTIFACTS / f"{notebook.stem}-explorer0-after.png"))
    # a screen reader hears the slider's readout and its name (the Explorer's page script runs in Voila too)
    readout = handle.locator("xpath=ancestor::div[contains(@class,'widget-slider')][1]"
                             "//div[contains(@class,'widget-readout')]").first.inner_text().strip()
    assert handle.get_attribute("aria-valuetext") == readout and handle.get_attribute("aria-label"), (
        f"slider reads {handle.get_attribute('aria-valuetext')!r} (readout {readout!r}), "
        f"named {handle.get_attribute('aria-label')!r}")

    # Readability at 1280 x 720, every explorer of the page.
    problems = []
    count = explorers.count()
    assert count > 0
    for i in range(count):
        explorer = explorers.nth(i)
        explorer.scroll_into_view_if_needed()
        page.wait_for_timeout(200)
        m = explorer.evaluate(_MEASURE_JS)
        explorer.screenshot(path=str(ARTIFACTS / f"{notebook.stem}-explorer{i}.png"))
        if m["minTextPx"] is None:
            problems.append(f"explorer {i}: its image carries no gu-min-text-px-* class")
        else:
            text_px = m["minTextPx"] * m["rendered"] / m["natural"]
            if text_px < MIN_TEXT_PX:
                problems.append(f"explorer {i}: smallest figure text renders at {text_px:.1f} px "
                                f"({m['minTextPx']:.1f} px in the PNG, shown {m['rendered']:.0f} of {m['natural']} px wide)")
        small = [label for label in m["labels"] if label["px"] < MIN_TEXT_PX]
        if small:
            problems.append(f"explorer {i}: widget labels below {MIN_TEXT_PX:.0f} px: {small[:4]}")
        if not m["labels"]:
            problems.append(f"explorer {i}: no visible widget label found")
        if m["height"] > VIEWPORT["height"] or m["width"] > VIEWPORT["width"]:
            problems.append(f"explorer {i}: controls + figure take {m['width']:.0f} x {m['height']:.0f} px, "
                            f"more than the {VIEWPORT['width']} x {VIEWPORT['height']} screen")
        print(f"explorer {i}: figure text {m['minTextPx']} px in the PNG, shown at {m['rendered']:.0f}/{m['natural']} px; "
              f"labels {min((l['px'] for l in m['labels']), default=None)} px; box {m['width']:.0f} x {m['height']:.0f}")
    assert not problems, "\n".join(problems)
    print(f"{notebook.name} in Voila: rendered in {rendered_s:.1f} s, {count} explorers")
