"""The collection as a class uses it: a real JupyterLab in headless Chromium (Playwright).

The browser window is a 1280 x 720 projector. The server holds the notebooks as
a student gets them: each one's student version (``make student``: worked
solutions removed). For every notebook: open it in JupyterLab, Run > Run All
Cells, wait until the kernel is idle, check that no cell shows an error or a
stderr stream and that every widget rendered. This is the student version's one
run in the test session (``tests/test_notebooks.py`` leaves it to this test): each
self-check says "no answer yet", and every cell it shares with the notebook prints
the same text as the full notebook's run (nbclient, ``_qa.executed_run``): a
second kernel, in a second frontend. Then, for every explorer on the page (the
``gu-explorer`` box of :class:`gumbel_utils.viz.Explorer`):

* readable from the back of the room: its figure is not shrunk below the size at
  which its smallest text is 14 CSS px (the smallest font of the figure, computed
  in the kernel from the figure's text artists, travels as the image's DOM class
  ``gu-min-text-px-<100 x px>``; on screen it is that size times the rendered
  width over the PNG's natural width), every widget label, readout and status line
  is at least 14 px (``getComputedStyle``), and controls plus figure fit in the
  visible notebook area (their height at most the scroll container's height, no
  horizontal overflow);
* nothing cut, everything named: no control label, readout or dropdown value is cut
  (the text's width against its box), every slider handle has an accessible name and
  reads its readout (tau itself, "0.03") as ``aria-valuetext``, before and after the
  arrow keys move it;
* alive: focus one of its sliders, press the arrow keys and check that the figure
  changed.

Printed outputs and code are at least 15 px (``make lab``'s JupyterLab settings,
``tools/jupyterlab/overrides.json``, which the test server uses too). Every
``<details>`` of the rendered markdown is closed after Run All (the full version's
worked solutions are checked hidden in JupyterLab by ``tests/test_lab_workflow.py``).
Screenshots (whole page, the Exercises section, each explorer before and after) go
to ``test-artifacts/``.

Chromium comes from the OS (Debian's ``chromium`` package), never from
Playwright's download. Without it the test is skipped with the reason shown,
except under ``CI=true``, where it fails. The server and the browser are shut
down by fixture finalisers, also when a test fails.
"""

from __future__ import annotations

import json
import shutil
import time

import nbformat
import pytest

import _browser
import _qa
from _jupyterlab import (DISCARD_CURRENT_JS, HIDDEN_SOLUTIONS_HINT, KERNEL_IDLE_JS, JupyterLab, hidden_solution_problems,
                         notebook_model, open_document, run_all)

pytestmark = pytest.mark.browser

NOTEBOOKS = _qa.discover_notebooks()
RUN_ALL_TIMEOUT_S = 240
REDRAW_TIMEOUT_S = 30
#: A lecture-hall projector (issue 13): every explorer must be readable and fit at this size.
VIEWPORT = {"width": 1280, "height": 720}
#: Smallest on-screen text, figure and widgets (CSS px).
MIN_TEXT_CSS_PX = 14.0
#: Printed outputs (the numbers the lesson plan's misconceptions point to) and code: at least the figures' 15 px,
#: from the back row (``make lab``'s tools/jupyterlab/overrides.json sets JupyterLab's code font size).
MIN_OUTPUT_CSS_PX = 15.0

_OUTPUT_FONTS_JS = """() => {
  const px = sel => [...document.querySelectorAll(sel)].filter(e => e.checkVisibility())
    .map(e => parseFloat(getComputedStyle(e).fontSize));
  return {pre: px('.jp-OutputArea-output pre'), code: px('.jp-CodeCell .cm-content')};
}"""


# Module scope, not session: Playwright's sync API runs its own event loop in this thread until
# stopped, and other modules (the lab-workflow, site and projector tests, the site build's
# asyncio.run) need the thread free once this module is done.
@pytest.fixture(scope="module")
def browser():
    with _browser.chromium("browser test") as chromium:
        yield chromium


@pytest.fixture(scope="module")
def lab(tmp_path_factory, browser):
    """The server, on the notebooks as a student gets them: each one's student version (`make student`)."""
    served = tmp_path_factory.mktemp("student")
    for path in NOTEBOOKS:
        shutil.copyfile(_qa.student_notebook(path) if _qa.has_student_version(path) else path, served / path.name)
    server = JupyterLab(served, tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def app_page(browser, lab):
    """One tab holding one JupyterLab for every notebook of the module: it loads once, with the first notebook's
    URL, and opens the others itself (``open_document``, about 3 s a notebook less than loading JupyterLab again)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    blocked: list[str] = []

    def only_local(route):  # the test must not need the network: anything off the server is refused
        url = route.request.url
        if url.startswith((lab.base_url, "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", only_local)
    tab = context.new_page()
    tab.page_errors = []  # uncaught exceptions in the page, reported with a failure
    tab.on("pageerror", lambda err: tab.page_errors.append(str(err)))
    tab.blocked = blocked
    tab.loaded = False  # JupyterLab not loaded yet (or to load again after a failure)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture()
def page(app_page, lab):
    """The module's tab, its errors and refused requests counted from this notebook on; afterwards the
    notebook's tab is closed without saving (the server holds copies) and its kernel shut down."""
    app_page.page_errors.clear()
    app_page.blocked.clear()
    try:
        yield app_page
    finally:
        try:
            app_page.evaluate(DISCARD_CURRENT_JS)
        except Exception:  # noqa: BLE001 - a page in a bad state: the next notebook loads JupyterLab again
            app_page.loaded = False
        lab.shutdown_kernels()


# ------------------------------------------------------------------- JupyterLab interactions

def _error_outputs(page) -> list[str]:
    return page.evaluate(
        """() => {
      const found = [];
      const sel = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]';
      for (const el of document.querySelectorAll(sel)) found.push('stderr/error: ' + el.innerText.slice(0, 400));
      for (const el of document.querySelectorAll('.jp-OutputArea-output')) {
        const text = el.innerText || '';
        if (text.includes('Error displaying widget')) found.push('widget: ' + text.slice(0, 300));
        if (/^(Explorer|VBox|HBox|Image)\\(children=/.test(text.trim()))
          found.push('widget shown as text (no widget manager): ' + text.slice(0, 120));
      }
      return [...new Set(found)];
    }"""
    )


_SCROLL_TO_EXERCISES_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const headings = [...panel.content.node.querySelectorAll('.jp-RenderedMarkdown :is(h1, h2, h3, h4, strong)')];
  const target = headings.find(h => /exercise/i.test(h.innerText))
    || panel.content.node.querySelector('.jp-RenderedMarkdown details');
  if (!target) return false;
  target.scrollIntoView({block: 'start'});
  return true;
}"""


def _explorers(page):
    """Every explorer on the page: the box :class:`gumbel_utils.viz.Explorer` marks with ``gu-explorer``."""
    return page.locator(".jp-OutputArea-output .gu-explorer")


_MEASURE_JS = """(root) => {
  const img = root.querySelector('img.widget-image');
  const cls = [...img.classList].find(c => c.startsWith('gu-min-text-px-'));
  const rect = img.getBoundingClientRect();
  const scale = img.naturalWidth ? rect.width / img.naturalWidth : 0;
  const sel = ['.widget-label', '.widget-readout', '.widget-label-basic', '.widget-html-content', '.widget-button',
               '.widget-toggle-button', '.widget-dropdown select', '.widget-text input'].join(', ');
  const texts = [...root.querySelectorAll(sel)]
    .filter(e => e.checkVisibility() && (e.innerText || e.value || '').trim())
    .map(e => ({text: (e.innerText || e.value).trim().slice(0, 40), px: parseFloat(getComputedStyle(e).fontSize)}));
  let sc = root.parentElement;   // the notebook's scroll container: what the screen shows of the notebook
  while (sc && !(/(auto|scroll)/.test(getComputedStyle(sc).overflowY) && sc.scrollHeight > sc.clientHeight + 1))
    sc = sc.parentElement;
  const box = root.getBoundingClientRect();
  const area = root.closest('.jp-OutputArea-output').getBoundingClientRect();
  const smallest = texts.reduce((a, b) => (b.px < a.px ? b : a), {text: '', px: Infinity});
  // Cut text: a label or readout whose text reaches past its box (an ellipsis), a dropdown whose chosen value is
  // wider than the select less its padding (the arrow). scrollWidth rounds (an overflow of 0.4 px already shows
  // an ellipsis and still reads scrollWidth == clientWidth) and counts MathJax's hidden assistive markup, so the
  // drawn text itself is measured: its text nodes and MathJax's glyphs (mjx-c), outside mjx-assistive-mml.
  const inkRight = el => {
    let right = -Infinity;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim() || n.parentElement.closest('mjx-assistive-mml')) continue;
      const r = document.createRange(); r.selectNodeContents(n);
      for (const rect of r.getClientRects()) right = Math.max(right, rect.right);
    }
    for (const g of el.querySelectorAll('mjx-c'))
      if (!g.closest('mjx-assistive-mml')) right = Math.max(right, g.getBoundingClientRect().right);
    return right;
  };
  const cut = [];
  for (const el of root.querySelectorAll('.widget-label, .widget-readout')) {
    if (!el.checkVisibility() || !el.textContent.trim()) continue;
    const cs = getComputedStyle(el), box = el.getBoundingClientRect();  // fractional (clientWidth is rounded)
    const end = box.right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth);
    const right = inkRight(el);
    if (right > end + 0.05)
      cut.push({text: el.textContent.trim(), width: right - box.left, room: end - box.left});
  }
  const ctx = document.createElement('canvas').getContext('2d');
  for (const sel of root.querySelectorAll('select')) {
    if (!sel.checkVisibility() || sel.selectedIndex < 0) continue;
    const cs = getComputedStyle(sel); ctx.font = cs.font;
    const text = sel.options[sel.selectedIndex].text;
    const room = sel.getBoundingClientRect().width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)
      - parseFloat(cs.borderLeftWidth) - parseFloat(cs.borderRightWidth);
    if (ctx.measureText(text).width > room + 0.05) cut.push({text, width: ctx.measureText(text).width, room});
  }
  // Accessible name and value of every slider handle and dropdown: the readout (tau itself), not the position.
  const aria = [...root.querySelectorAll('.widget-slider')].filter(w => w.checkVisibility()).map(w => {
    const h = w.querySelector('.noUi-handle'), r = w.querySelector('.widget-readout');
    return {name: h.getAttribute('aria-label'), valuetext: h.getAttribute('aria-valuetext'),
            readout: r ? r.textContent.trim() : null, log: w.classList.contains('gu-log')};
  });
  return {figureTextPx: cls ? Number(cls.slice('gu-min-text-px-'.length)) / 100 : null,
          naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, renderedWidth: rect.width, scale,
          labelPx: smallest.px, smallestLabel: smallest.text, nLabels: texts.length,
          height: box.height, width: box.width, visibleHeight: sc ? sc.clientHeight : window.innerHeight,
          outputWidth: area.width, overflowX: root.scrollWidth > root.clientWidth + 1 || box.right > area.right + 1,
          side: !!root.querySelector('.gu-side'), cut, aria,
          unnamedDropdowns: [...root.querySelectorAll('select')].filter(s => !s.getAttribute('aria-label')).length};
}"""


def _readability(explorer) -> dict:
    """Measurements of one explorer as the projector shows it (see the module docstring)."""
    m = explorer.evaluate(_MEASURE_JS)
    m["figureTextCssPx"] = None if m["figureTextPx"] is None else m["figureTextPx"] * m["scale"]
    m["fits"] = m["height"] <= m["visibleHeight"] and not m["overflowX"]
    return m


def _readability_problems(i: int, m: dict) -> list[str]:
    problems = []
    if m["figureTextCssPx"] is None:
        problems.append(f"explorer {i}: its image carries no gu-min-text-px-* class (not a viz.Explorer?)")
    elif m["figureTextCssPx"] < MIN_TEXT_CSS_PX - 0.05:
        problems.append(
            f"explorer {i}: smallest figure text {m['figureTextCssPx']:.1f} CSS px < {MIN_TEXT_CSS_PX} "
            f"({m['figureTextPx']:.1f} px in a {m['naturalWidth']} px PNG shown {m['renderedWidth']:.0f} px wide)"
        )
    if m["nLabels"] and m["labelPx"] < MIN_TEXT_CSS_PX:
        problems.append(f"explorer {i}: widget text {m['smallestLabel']!r} is {m['labelPx']:.1f} px < {MIN_TEXT_CSS_PX}")
    for c in m["cut"]:
        problems.append(f"explorer {i}: {c['text']!r} is cut ({c['width']:.1f} px of text in {c['room']:.1f} px)")
    for a in m["aria"]:
        if not a["name"]:
            problems.append(f"explorer {i}: a slider (readout {a['readout']!r}) has no accessible name (aria-label)")
        if a["readout"] and a["valuetext"] != a["readout"]:
            problems.append(f"explorer {i}: slider {a['name']!r} reads {a['valuetext']!r} to a screen reader, "
                            f"its readout says {a['readout']!r}")
    if m["unnamedDropdowns"]:
        problems.append(f"explorer {i}: {m['unnamedDropdowns']} dropdowns without an accessible name")
    if not m["fits"]:
        problems.append(
            f"explorer {i}: controls + figure {m['width']:.0f} x {m['height']:.0f} px do not fit the visible notebook "
            f"area ({m['outputWidth']:.0f} px wide output, {m['visibleHeight']:.0f} px high)"
        )
    return problems


def _write_measurements(artifacts, stem: str, measured: list[dict]) -> None:
    """Keep the measurements next to the screenshots (test-artifacts/browser/<notebook>-readability.json)."""
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / f"{stem}-readability.json").write_text(json.dumps(measured, indent=1))


def _shot(locator_or_page, path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    locator_or_page.screenshot(path=str(path))


# ------------------------------------------------------------------- the test


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_in_jupyterlab(page, lab, path):
    artifacts = _qa.ARTIFACTS_DIR / "browser"
    stem = path.stem
    t0 = time.perf_counter()
    try:
        open_document(page, lab, path.name, loaded=page.loaded)
        page.loaded = True
        run_seconds = run_all(page, RUN_ALL_TIMEOUT_S, name=path.name)
    except Exception as err:  # a timeout says little by itself: keep the picture and the server log
        page.loaded = False  # the next notebook starts from a fresh JupyterLab
        _shot(page, artifacts / f"{stem}-failure.png")
        raise AssertionError(
            f"{path.name}: opening or Run All failed after {time.perf_counter() - t0:.0f} s "
            f"(screenshot {artifacts / (stem + '-failure.png')}); page errors: {page.page_errors[:3]}\n"
            f"server log:\n{lab.log_tail()}"
        ) from err
    _shot(page, artifacts / f"{stem}-before.png")
    ran = notebook_model(page)  # the student version's outputs, before any slider moves

    errors = _error_outputs(page)
    assert not errors, f"{path.name}: outputs with errors after Run All ({run_seconds:.1f} s):\n" + "\n".join(errors)
    fonts = page.evaluate(_OUTPUT_FONTS_JS)
    small_fonts = {kind: min(sizes) for kind, sizes in fonts.items() if sizes and min(sizes) < MIN_OUTPUT_CSS_PX}

    # Every <details> closed after Run All (a student version has no worked solution left to hide).
    if page.evaluate(_SCROLL_TO_EXERCISES_JS):
        page.wait_for_timeout(300)
        _shot(page, artifacts / f"{stem}-exercises.png")
    hidden = hidden_solution_problems(page, lab.root / path.name)  # asserted at the end, after the sliders too

    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    explorers = _explorers(page)
    count = explorers.count()
    if "explore_" in source:
        assert count > 0, f"{path.name} calls explore_* but no explorer (image widget in a VBox) rendered"

    unchanged, unreadable, measured = [], [], []
    for i in range(count):
        explorer = explorers.nth(i)
        explorer.evaluate("e => e.scrollIntoView({block: 'start'})")  # the explorer at the top of the screen
        page.wait_for_timeout(300)
        m = _readability(explorer)
        measured.append(m)
        unreadable += _readability_problems(i, m)
        _shot(page, artifacts / f"{stem}-explorer{i}-screen.png")  # what the projector shows
        image = explorer.locator("img.widget-image")
        src_before = image.get_attribute("src")
        pixels_before = image.screenshot()
        _shot(explorer, artifacts / f"{stem}-explorer{i}-before.png")
        handles = explorer.locator(".widget-slider .noUi-target:not([disabled]) .noUi-handle")
        if handles.count() == 0:
            unchanged.append(f"explorer {i}: no enabled slider to move")
            continue
        handle = handles.first
        label = handle.locator("xpath=ancestor::div[contains(@class,'widget-slider')][1]//label").first.inner_text()
        value_before = handle.get_attribute("aria-valuenow")
        handle.focus()
        for key in ("ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft"):
            page.keyboard.press(key)
            page.wait_for_timeout(150)
        try:
            page.wait_for_function(
                "([img, before]) => img.getAttribute('src') !== before",
                arg=[image.element_handle(), src_before],
                timeout=REDRAW_TIMEOUT_S * 1000,
                polling=200,
            )
        except Exception:
            pass  # reported below, with the slider's positions
        page.wait_for_function(KERNEL_IDLE_JS, timeout=REDRAW_TIMEOUT_S * 1000, polling=250)
        page.wait_for_timeout(300)
        value_after = handle.get_attribute("aria-valuenow")
        readout = handle.locator("xpath=ancestor::div[contains(@class,'widget-slider')][1]"
                                 "//div[contains(@class,'widget-readout')]").first.inner_text().strip()
        m["keyboard"] = {"slider": label, "aria-valuetext": handle.get_attribute("aria-valuetext"), "readout": readout,
                         "aria-label": handle.get_attribute("aria-label")}
        if m["keyboard"]["aria-valuetext"] != readout:
            unreadable.append(f"explorer {i}: after the arrow keys, slider {label!r} reads "
                              f"{m['keyboard']['aria-valuetext']!r} to a screen reader, its readout {readout!r}")
        if image.get_attribute("src") == src_before or image.screenshot() == pixels_before:
            unchanged.append(
                f"explorer {i}: slider {label!r} moved by the keyboard (position {value_before} -> {value_after}), "
                "figure unchanged"
            )
        _shot(explorer, artifacts / f"{stem}-explorer{i}-after.png")

    _shot(page, artifacts / f"{stem}-after.png")
    _write_measurements(artifacts, stem, measured)
    errors = _error_outputs(page)
    assert not errors, f"{path.name}: outputs with errors after moving sliders:\n" + "\n".join(errors)
    assert not unchanged, f"{path.name}: " + "; ".join(unchanged)
    assert not small_fonts, (f"{path.name}: printed outputs and code below {MIN_OUTPUT_CSS_PX} px (the back row): "
                             f"{small_fonts} (tools/jupyterlab/overrides.json sets code-font-size)")
    assert not unreadable, (
        f"{path.name} at {VIEWPORT['width']} x {VIEWPORT['height']} (screenshots {artifacts}/{stem}-explorer*-screen.png):\n"
        + "\n".join(unreadable)
    )
    assert not hidden, (
        f"{path.name}: worked solutions visible after Run All (screenshot {artifacts / (stem + '-exercises.png')}):\n"
        + "\n".join(hidden) + HIDDEN_SOLUTIONS_HINT
    )
    if _qa.has_student_version(path):  # the student version's own gate, and the same text as the full run
        problems = _qa.student_run_problems(ran)
        assert not problems, f"student {path.name} in JupyterLab:\n" + "\n".join(problems)
        full = _qa.executed_run(path).nb
        pairs = _qa.student_pairs(full, ran)
        differences = _qa.text_differences(full, ran, pairs,
                                           ("the full run (nbclient)", "the student version's run in JupyterLab"))
        assert not differences, f"{path.name}: " + "\n".join(differences[:3])
        print(f"{path.name}: the student version's {len(pairs)} shared cells print what the full run prints")
    print(
        f"{path.name}: Run All {run_seconds:.1f} s in JupyterLab, {count} explorers moved and measured "
        + "; ".join(f"#{i}: text {m['figureTextCssPx']:.1f} px, labels {m['labelPx']:.0f} px, "
                    f"{m['width']:.0f}x{m['height']:.0f}/{m['visibleHeight']:.0f} px" for i, m in enumerate(measured))
        + ", "
        f"{time.perf_counter() - t0:.1f} s in all; printed outputs {min(fonts['pre'], default=None)} px, "
        f"code {min(fonts['code'], default=None)} px; blocked requests: {len(page.blocked)}; "
        f"page errors: {page.page_errors[:3]}"
    )
