"""The offline course site (``make site``, ``tools/build_site.py``), opened as a student would: from the disk, offline.

The whole site is built once (every notebook of ``notebooks/``, executed on fresh
kernels) into a temporary folder; then every page is opened in headless Chromium
from ``file://`` with every other request refused and recorded. Each page must show
its figures (every ``img`` loaded, with a nonzero natural size; every explorer as its
first figure with the "live in JupyterLab" line), its math typeset by the local
MathJax (no raw ``$...$`` left in the text, no MathJax error), keep its worked
solutions folded (every ``<details>`` closed, nothing of it shown), and make no request
that was refused. Screenshots go to ``test-artifacts/site/``.

The learning path is read from each notebook's first cell; a fast test (no browser)
checks that every notebook states its goals, prerequisites and time there.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest

import _browser
import _qa

ARTIFACTS = _qa.ARTIFACTS_DIR / "site"
NOTEBOOKS = _qa.discover_notebooks()
MATH_TIMEOUT_MS = 60_000


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_site", _qa.ROOT / "tools" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_site", module)
    spec.loader.exec_module(module)
    return module


build_site = _load_builder()


# ----------------------------------------------------------------------------- fast: the learning path


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_first_cell_states_goals_prerequisites_and_time(path):
    card = build_site.describe(path)
    assert not card.missing, (
        f"{path.name}: the first markdown cell must state {', '.join(card.missing)} "
        "(the site's learning path reads them there: '# Title', '**Learning goals.**' with a numbered list, "
        "'**Prerequisites:** ...', '**Time:** about N minutes.')"
    )
    assert card.minutes, f"{path.name}: the time ({card.time!r}) should say how many minutes"


def test_discovery_is_the_notebooks_folder():
    assert [p.name for p in build_site.discover(_qa.NOTEBOOKS_DIR)] == [p.name for p in NOTEBOOKS]


# ----------------------------------------------------------------------------- the build, in a browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    _browser.chromium_path("site test")  # skip (or fail under CI) before spending the build time
    out = tmp_path_factory.mktemp("site")
    report = build_site.build(NOTEBOOKS, out, jobs=2)
    print(f"\nsite build: {len(NOTEBOOKS)} notebooks in {report.seconds:.1f} s "
          + ", ".join(f"{k} {v:.1f} s" for k, v in report.notebook_seconds.items()))
    return out, report


@pytest.fixture(scope="module")
def browser():
    with _browser.chromium("site test") as chromium:
        yield chromium


_EXTERNAL = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


@pytest.mark.slow
@pytest.mark.browser
def test_site_pages_reference_nothing_online(site):
    out, report = site
    pages = sorted(out.glob("*.html"))
    assert {p.name for p in pages} == {"index.html"} | {f"{p.stem}.html" for p in NOTEBOOKS}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        found = _EXTERNAL.findall(text)
        assert not found, f"{page.name} loads something from the network: {found[:3]}"
        assert "cdnjs" not in text and "jsdelivr" not in text and "unpkg" not in text, f"{page.name} names a CDN"
    index = (out / "index.html").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        card = build_site.describe(path)
        assert f"href='{card.page}'" in index, f"the index has no link to {card.page}"


_PAGE_STATE_JS = r"""() => {
  const imgs = [...document.querySelectorAll('img')];
  const widgets = document.querySelectorAll('[data-site-widget]').length;
  const explorers = [...document.querySelectorAll('figure.site-explorer')].map(f => ({
    images: [...f.querySelectorAll('img')].map(i => [i.naturalWidth, i.naturalHeight]),
    note: (f.querySelector('.site-live-note') || {innerText: ''}).innerText,
  }));
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, .jp-InputArea, textarea').forEach(e => e.remove());
  const text = clone.textContent;
  const raw = [...text.matchAll(/\$[^$\n]{1,80}\$|\\\([^\n]{1,80}?\\\)/g)].map(m => m[0]);
  return {
    images: imgs.map(i => ({src: i.src.slice(0, 40), w: i.naturalWidth, h: i.naturalHeight, complete: i.complete})),
    explorers,
    widgets,
    openDetails: [...document.querySelectorAll('details[open]')].map(d => d.innerText.slice(0, 60)),
    shownInClosed: [...document.querySelectorAll('details:not([open]) > :not(summary)')]
      .filter(e => e.checkVisibility()).map(e => e.innerText.slice(0, 60)),
    math: document.querySelectorAll('mjx-container').length,
    mathErrors: [...document.querySelectorAll('mjx-merror, [data-mjx-error]')].map(e => e.getAttribute('data-mjx-error') || e.textContent).slice(0, 5),
    raw: raw.slice(0, 5),
    dollarsInSource: null,
  };
}"""


def _shot(target, path: Path, **kw) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(path), **kw)


@pytest.mark.slow
@pytest.mark.browser
def test_every_page_offline_in_chromium(site, browser):
    out, report = site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    blocked = _browser.guard(context, lambda url: url.startswith(("file:", "data:", "blob:")))
    requested: list[str] = []
    context.on("request", lambda r: requested.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None)
    problems: list[str] = []
    try:
        for page_path in [out / "index.html"] + [out / f"{p.stem}.html" for p in NOTEBOOKS]:
            name = page_path.stem
            page = context.new_page()
            errors: list[str] = []
            failed: list[str] = []
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.on("requestfailed", lambda r: failed.append(f"{r.url[:100]} ({r.failure})"))
            start = time.perf_counter()
            page.goto(page_path.as_uri(), wait_until="load")
            try:
                page.wait_for_function("document.documentElement.dataset.mathjax === 'typeset'", timeout=MATH_TIMEOUT_MS)
            except Exception:
                problems.append(f"{name}: MathJax did not finish typesetting within {MATH_TIMEOUT_MS / 1000:.0f} s")
            state = page.evaluate(_PAGE_STATE_JS)
            seconds = time.perf_counter() - start
            _shot(page, ARTIFACTS / f"{name}-top.png")
            if name == "index":
                _shot(page, ARTIFACTS / f"{name}-full.png", full_page=True)
            else:
                figures = page.locator("figure.site-explorer")
                if figures.count():
                    figures.first.scroll_into_view_if_needed()
                    _shot(figures.first, ARTIFACTS / f"{name}-explorer0.png")
                display = page.locator("mjx-container[display='true']")
                if display.count():
                    display.first.scroll_into_view_if_needed()
                    _shot(page, ARTIFACTS / f"{name}-math.png")
            problems += _page_problems(name, state, report, errors, failed)
            print(f"{page_path.name}: {len(state['images'])} images, {len(state['explorers'])} explorers, "
                  f"{state['math']} formulas, {seconds:.1f} s")
            page.close()
    finally:
        context.close()
    assert not blocked, f"requests refused (the site must work offline): {blocked[:10]}"
    assert not requested, f"requests that left file:// : {requested[:10]}"
    assert not problems, "\n".join(problems)


def _page_problems(name: str, state: dict, report, errors: list[str], failed: list[str]) -> list[str]:
    problems = []
    broken = [i for i in state["images"] if not (i["complete"] and i["w"] > 0 and i["h"] > 0)]
    if broken:
        problems.append(f"{name}: {len(broken)} images not loaded or of zero size: {broken[:3]}")
    if errors:
        problems.append(f"{name}: page errors {errors[:3]}")
    if failed:
        problems.append(f"{name}: requests failed {failed[:3]}")
    if state["mathErrors"]:
        problems.append(f"{name}: MathJax errors {state['mathErrors']}")
    if state["openDetails"] or state["shownInClosed"]:
        problems.append(f"{name}: worked solutions visible without a click: {state['openDetails'][:2]} "
                        f"{state['shownInClosed'][:2]}")
    if state["raw"]:
        problems.append(f"{name}: raw TeX left in the text: {state['raw']}")
    if name == "index":
        if state["math"] == 0:
            problems.append("index: no typeset math (the goals carry formulas)")
        return problems
    path = next(p for p in NOTEBOOKS if p.stem == name)
    nb = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    if "$" in markdown and state["math"] == 0:
        problems.append(f"{name}: the markdown has math but the page has no typeset formula")
    if not state["images"] and ("plot_" in code or "explore_" in code):
        problems.append(f"{name}: the notebook draws figures but the page has no image")
    expected = report.widgets[path.name]
    if state["widgets"] != expected:
        problems.append(f"{name}: {expected} widget outputs but {state['widgets']} static forms of widgets on the page")
    if "explore_" in code and not state["explorers"]:
        problems.append(f"{name}: the notebook calls explore_* but the page shows no explorer figure")
    for i, explorer in enumerate(state["explorers"]):
        if not explorer["images"] or not all(w > 0 and h > 0 for w, h in explorer["images"]):
            problems.append(f"{name}: explorer {i} has no figure ({explorer['images']})")
        if "Live in JupyterLab" not in explorer["note"]:
            problems.append(f"{name}: explorer {i} lacks the 'Live in JupyterLab' line ({explorer['note'][:80]!r})")
    return problems


def test_builder_doctests():
    import doctest

    result = doctest.testmod(build_site, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
