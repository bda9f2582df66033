"""The offline course site (``make site``, ``tools/build_site.py``), opened as a student would: from the disk, offline.

The whole site is built once (every notebook of ``notebooks/`` executed on a fresh kernel,
then the frames export of its explorers run in the same kernel) into a temporary folder;
then every page is opened in headless Chromium from ``file://`` with every other request
refused and recorded. Each page must show its figures (every ``img`` loaded, with a nonzero
natural size and alt text that describes it), its math typeset by the local MathJax (no raw
``$...$`` left, no MathJax error), keep its worked solutions folded, make no refused request
and log no console error. Every explorer of every notebook must be live: for a sample of
each control's steps, moved as a learner would (Home, End and the arrow keys on a range input), the page must
show the very frame the package renders in this process for that setting, with its status
line, readout and alt text (``tests/_site_live.py``). axe-core finds no serious or critical
accessibility violation on any page, and a jupyterquiz question (a notebook made here)
renders and answers offline. Screenshots and the axe results go to ``test-artifacts/site/``.

The learning path is read from each notebook's first cell; a fast test (no browser)
checks that every notebook states its goals, prerequisites and time there.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest

import _axe
import _browser
import _qa
import _site_live

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
        "'**Prerequisites:** ...', '**Time:** N to M minutes, ...': python tools/reading_time.py --write)"
    )
    assert card.minutes, f"{path.name}: the time ({card.time!r}) should say how many minutes"


def test_discovery_is_the_notebooks_folder():
    assert [p.name for p in build_site.discover(_qa.NOTEBOOKS_DIR)] == [p.name for p in NOTEBOOKS]


# ----------------------------------------------------------------------------- the build, in a browser


def _executed(paths: list[Path]) -> dict:
    """The shared executions of the test session (``_qa.executed_run``): ``{path: (nb, frames_dir)}``.

    Each course notebook's shared run is followed in its kernel by ``build_site.export_code(frames_dir)``,
    so the site is built from the same runs the notebook gates read, with no execution of its own.
    The export must print nothing.
    """
    executed = {}
    for path in paths:
        run = _qa.executed_run(path)
        assert run.folder is not None, f"{path.name}: the shared run has no frames folder (no site export ran)"
        assert not run.after_outputs, f"{path.name}: the site export printed {run.after_outputs}"
        executed[path] = (run.nb, run.folder)
    return executed


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    _browser.chromium_path("site test")  # skip (or fail under CI) before spending the build time
    out = tmp_path_factory.mktemp("site")
    executed = _executed(NOTEBOOKS)
    report = build_site.build(NOTEBOOKS, out, executed=executed)
    frames = {name: sum(e["frame_count"] for e in explorers) for name, explorers in report.explorers.items()}
    print(f"\nsite: {report.site_bytes / 1e6:.1f} MB, pages in {report.seconds:.1f} s; kernel CPU (notebook + frames): "
          + ", ".join(f"{k} {report.kernel_cpu_seconds[k]:.1f} + {report.export_cpu_seconds[k]:.1f} s, "
                      f"{frames[k]} frames" for k in report.explorers))
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
        # A CDN may be named inside a script only as a fallback that never runs here (jupyterquiz's MathJax
        # loader): the browser test below refuses and records every request that would leave file://.
        outside = re.sub(r"<script\b.*?</script>", "", text, flags=re.S | re.I)
        assert not re.search(r"cdnjs|jsdelivr|unpkg", outside), f"{page.name} names a CDN outside its scripts"
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
    ready: f.dataset.ready === '1',
    controls: f.querySelectorAll('[data-control] input, [data-control] select, [data-control] button').length,
  }));
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, .jp-InputArea, textarea').forEach(e => e.remove());
  const text = clone.textContent;
  const raw = [...text.matchAll(/\$[^$\n]{1,80}\$|\\\([^\n]{1,80}?\\\)/g)].map(m => m[0]);
  return {
    images: imgs.map(i => ({src: i.src.slice(0, 40), w: i.naturalWidth, h: i.naturalHeight, complete: i.complete,
                            alt: i.getAttribute('alt') || ''})),
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
            page.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}")
                    if msg.type in ("error", "warning") else None)
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
    undescribed = [i["src"] for i in state["images"] if len(i["alt"]) < 40 or "No description" in i["alt"]]
    if undescribed:
        problems.append(f"{name}: {len(undescribed)} images without alt text that describes them: {undescribed[:3]}")
    for i, explorer in enumerate(state["explorers"]):
        if not explorer["images"] or not all(w > 0 and h > 0 for w, h in explorer["images"]):
            problems.append(f"{name}: explorer {i} has no figure ({explorer['images']})")
        if not explorer["ready"] or not explorer["controls"] or "Live on this page" not in explorer["note"]:
            problems.append(f"{name}: explorer {i} is not live ({explorer['controls']} controls, "
                            f"{explorer['note'][:80]!r})")
    shown = len(report.explorers[path.name])
    if len(state["explorers"]) != shown:
        problems.append(f"{name}: {shown} explorers exported but {len(state['explorers'])} on the page")
    return problems


def _guarded_context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)
    blocked = _browser.guard(context, lambda url: url.startswith(("file:", "data:", "blob:")))
    return context, blocked


def _open(context, path: Path, errors: list[str]):
    page = context.new_page()
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("document.documentElement.dataset.mathjax === 'typeset'", timeout=MATH_TIMEOUT_MS)
    return page


@pytest.mark.slow
@pytest.mark.browser
def test_every_explorer_is_live_and_shows_the_package_frames(site, browser):
    """Each control of every explorer, moved as a learner would, shows the frame the package renders here."""
    out, report = site
    compress = _site_live_compress()
    context, blocked = _guarded_context(browser)
    checks, errors = [], []
    try:
        for path in NOTEBOOKS:
            entries = {e["id"]: e for e in json.loads((report.frames_dirs[path.name] / "manifest.json").read_text())[
                "explorers"]}
            if not report.explorers[path.name]:
                continue
            page = _open(context, out / f"{path.stem}.html", errors)
            for shown in report.explorers[path.name]:
                figure = page.locator(f"figure#explorer-{path.stem}-{shown['id']}")
                figure.scroll_into_view_if_needed()
                check = _site_live.check_explorer(page, figure, out, report.frames_dirs[path.name], entries[shown["id"]],
                                                  path.stem, compress)
                _shot(figure, ARTIFACTS / f"{path.stem}-{shown['id']}-live.png")
                checks.append(check)
                print(f"{path.stem} {check.function}: {check.tried} settings tried, {len(check.problems)} problems")
            page.close()
    finally:
        context.close()
    problems = [p for c in checks for p in c.problems]
    assert sum(c.tried for c in checks) > 0
    assert not blocked, f"requests refused: {blocked[:5]}"
    assert not errors, f"page or console errors: {errors[:5]}"
    assert not problems, f"{len(problems)} mismatches:\n" + "\n".join(problems[:20])


def _site_live_compress():
    sys.path.insert(0, str(_qa.ROOT / "tools"))
    import site_frames

    return site_frames.compress_frame


@pytest.mark.slow
@pytest.mark.browser
def test_no_serious_accessibility_violation(site, browser):
    """axe-core on every page: no violation of serious or critical impact (all findings saved)."""
    out, _ = site
    context, blocked = _guarded_context(browser)
    results, failing, errors = {}, {}, []
    try:
        pages = {}
        for path in sorted(out.glob("*.html")):  # every page checked at once, each in its own renderer
            pages[path.name] = _open(context, path, errors)
            _axe.start_axe(pages[path.name])
        for name, page in pages.items():
            found = _axe.axe_results(page)
            results[name] = _axe.summarize(found["violations"])
            failing[name] = _axe.summarize(_axe.failing(found["violations"]))
            page.close()
    finally:
        context.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    assert not blocked and not errors, (blocked[:3], errors[:3])
    assert not any(failing.values()), json.dumps({k: v for k, v in failing.items() if v}, indent=1, ensure_ascii=False)


#: jupyterquiz's default green and red fail WCAG AA contrast (white text on #009113: 4.1:1; the green feedback
#: on white: 4.2:1); these darker Okabe-Ito hues pass (5.9:1 and 5.8:1): the colours to give every quiz.
QUIZ_COLORS = {"--jq-correct-color": "#00734F", "--jq-incorrect-color": "#A84A00"}
QUIZ_SOURCE = r"""from jupyterquiz import display_quiz
display_quiz([{
    "question": "As $\\tau \\to 0$, what does softmax((x + g)/τ) become?",
    "type": "multiple_choice",
    "answers": [
        {"answer": "a vertex of the simplex (one-hot)", "correct": True, "feedback": "Right: the largest x + g wins."},
        {"answer": "the centre of the simplex", "correct": False, "feedback": "Not quite: that is τ → ∞."},
    ]}], shuffle_answers=False, colors=%r)""" % QUIZ_COLORS


@pytest.mark.slow
@pytest.mark.browser
def test_a_quiz_question_renders_and_answers_offline(tmp_path, browser):
    """A jupyterquiz question (HTML + JavaScript outputs) on a site page: shown, typeset, and it answers a click."""
    import nbformat

    first = ("# 9. Quiz\n\n**Time:** about 1 minute.\n\n**Learning goals.** You can\n1. answer.\n\n"
             "**Prerequisites:** none.")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(first), nbformat.v4.new_code_cell(QUIZ_SOURCE)])
    notebook = tmp_path / "09_quiz.ipynb"
    nbformat.write(nb, notebook)
    build_site.build([notebook], tmp_path / "site", jobs=1)
    context, blocked = _guarded_context(browser)
    errors: list[str] = []
    try:
        page = _open(context, tmp_path / "site" / "09_quiz.html", errors)
        quiz = page.locator("div.Quiz")  # jupyterquiz's question, built by its JavaScript
        quiz.get_by_text("what does softmax((x + g)/τ) become?").wait_for(timeout=10_000)
        page.wait_for_function("document.querySelectorAll('div.Quiz mjx-container').length > 0",
                               timeout=10_000)  # its math typeset by the site's MathJax
        quiz.get_by_text("the centre of the simplex", exact=True).click()
        quiz.get_by_text("Not quite: that is τ → ∞.").wait_for(timeout=5_000)
        quiz.get_by_text("a vertex of the simplex (one-hot)", exact=True).click()
        quiz.get_by_text("Right: the largest x + g wins.").wait_for(timeout=5_000)
        page.wait_for_timeout(1_000)  # the answer's colour fades in over 0.6 s
        _shot(page, ARTIFACTS / "quiz.png", full_page=True)
        axe = _axe.summarize(_axe.failing(_axe.run_axe(page)["violations"]))
    finally:
        context.close()
    assert not blocked, f"the quiz asked the network for {blocked}"
    assert not errors, f"page or console errors: {errors[:5]}"
    assert not axe, f"serious accessibility findings on the answered quiz: {axe}"


def test_builder_doctests():
    import doctest

    result = doctest.testmod(build_site, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
