"""Build the offline course site: ``make site`` writes ``site/index.html`` and one page per notebook.

Every ``*.ipynb`` in ``notebooks/`` is found by itself (nothing is listed here). Each one is
stripped of any stored outputs, executed top to bottom on a fresh kernel, and written as a
static page with its figures, printed numbers and math; ``site/index.html`` holds the learning
path, read from each notebook's first cell (title, learning goals, prerequisites, time).
The source notebooks are not touched.

Live explorers. After a notebook's last cell, :func:`export_code` runs in the same kernel: it
finds every explorer the notebook displayed and computes its frames, one per setting a
learner can reach on the site (``tools/site_frames.py``: the steps of each control with the
others at their first setting, or every combination when there are few), with the status
line, readouts and alt text of each. It adds no output, so a notebook executed for the site
has the same outputs as a plain run, and the tests can share one execution per notebook
(:func:`build` takes executed notebooks with ``executed=``). On the page each explorer becomes
HTML controls over those frames (``tools/site_live.py``, ``_static/explorer.js``); no kernel
and no network. Static figures carry alt text that the package writes into their outputs
(``gumbel_utils.viz.alt_text``).

Technology, and why. nbconvert (already installed with JupyterLab: no new package for the pages)
with a template of our own (``tools/site_template/course``) that extends nbconvert's ``lab`` page
and removes every script that page would fetch from a CDN (RequireJS, the widget manager,
Mermaid, MathJax 2). Math is typeset in the browser by MathJax 3, the engine JupyterLab itself
uses, so a formula looks as it does in the notebook and every macro that works there works here.
Its ``tex-svg-full.js`` is copied to ``site/_static/``: SVG output needs no web fonts (Chromium
does not load fonts for ``file://`` pages) and the "full" build carries every TeX extension, so
nothing is loaded later. It comes from the pinned PyPI package ``django-static-mathjax`` (MathJax
3.2.2 as plain static files; Django is not needed or installed). Not chosen: Sphinx + MyST-NB
(about twenty more packages and a slower build for the same pages); MathML rendered at build time
with latex2mathml (it does not know ``\\arg``, which the notebooks use 28 times, and it renders
differently from JupyterLab); nbconvert's default page or Jupyter Book 2 (they fetch MathJax,
RequireJS or a theme from the network).

Usage::

    python tools/build_site.py [--out site] [--jobs 2] [NOTEBOOK.ipynb ...]

Without notebooks it builds every notebook of ``notebooks/``. ``--jobs`` kernels run at once.
It prints the size of the site, and the wall and CPU time of the build (the builder's CPU, and
each kernel's CPU to run its notebook and to compute its frames).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import copy
import html
import importlib.metadata
import os
import re
import shutil
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/: the kernel-side and page-side helpers
import site_frames  # noqa: E402
import site_live  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
TEMPLATE_DIR = Path(__file__).resolve().parent / "site_template"
MATHJAX_PACKAGE = "django-static-mathjax"
MATHJAX_FILE = "es5/tex-svg-full.js"
STATIC = "_static"
COURSE_TITLE = "Why does Gumbel-Softmax need a temperature?"

# ----------------------------------------------------------------------------- the learning path


@dataclass
class NotebookCard:
    """What the index says about one notebook, read from its first markdown cell."""

    path: Path
    title: str
    time: str = ""
    minutes: tuple[int, int] | None = None
    prerequisites: str = ""
    goals: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    @property
    def page(self) -> str:
        return f"{self.path.stem}.html"

    @property
    def missing(self) -> list[str]:
        """What the first cell should state and does not (CONTRIBUTING.md: goals, prerequisites, time)."""
        wanted = {"title": self.title, "learning goals": self.goals, "prerequisites": self.prerequisites, "time": self.time}
        return [name for name, value in wanted.items() if not value]


_LABEL = re.compile(r"\*\*\s*(learning goals|prerequisites|time)\b[^*]*\*\*", re.IGNORECASE)
_BOLD_AT_LINE_START = re.compile(r"^\s*\*\*", re.MULTILINE)
_ITEM = re.compile(r"^\s{0,3}(?:\d+[.)]|[-*])\s+", re.MULTILINE)


def _labelled(text: str) -> dict[str, str]:
    """``{"time": ..., "prerequisites": ..., "learning goals": ...}``: the text after each bold label.

    A labelled part ends at a blank line, at a line that starts with bold text (the next
    label), or at the next label on the same line.
    """
    found = {}
    matches = list(_LABEL.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[match.end():end]
        body = re.split(r"\n\s*\n", body, maxsplit=1)[0]
        next_bold = _BOLD_AT_LINE_START.search(body, 1)
        if next_bold and body[: next_bold.start()].strip():
            body = body[: next_bold.start()]
        found.setdefault(match.group(1).lower(), body.strip())
    return found


def _items(text: str) -> list[str]:
    """The items of the first list in ``text`` (numbered or bulleted), continuation lines joined."""
    starts = list(_ITEM.finditer(text))
    items = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        items.append(" ".join(text[match.end():end].split()))
    return items


def describe(path: Path, nb=None) -> NotebookCard:
    """Read a notebook's title, goals, prerequisites, time and section headings.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
    ...     "# 9. Demo\\n\\n**Time:** 15 to 25 minutes, plus about 10 minutes for the exercises.\\n\\n"
    ...     "**Learning goals.** You can\\n1. do $a$;\\n"
    ...     "2. do b.\\n\\n**Prerequisites:** notebook 1.\\n"), nbformat.v4.new_markdown_cell("## 1. Part (optional)")])
    >>> card = describe(Path("09_demo.ipynb"), nb)
    >>> card.title, card.time, card.minutes, card.goals, card.prerequisites, card.sections
    ('9. Demo', '15 to 25 minutes, plus about 10 minutes for the exercises.', (15, 25), ['do $a$;', 'do b.'],
     'notebook 1.', ['1. Part (optional)'])
    """
    nb = nb if nb is not None else nbformat.read(path, as_version=4)
    first = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    title_match = re.search(r"^\s{0,3}#\s+(.+)$", first, re.MULTILINE)
    parts = _labelled(first)
    time_text = parts.get("time", "")
    sentence = re.match(r"(.+?\.)(?:\s|$)", time_text, re.DOTALL)
    time_text = " ".join((sentence.group(1) if sentence else time_text).split())
    minutes = re.search(r"(\d+)\s+to\s+(\d+)\s*min", time_text)  # tools/reading_time.py's sentence
    sections = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            sections += [h.strip() for h in re.findall(r"^\s{0,3}##\s+(.+)$", cell.source, re.MULTILINE)]
    return NotebookCard(
        path=path,
        title=title_match.group(1).strip() if title_match else path.stem,
        time=time_text,
        minutes=(int(minutes.group(1)), int(minutes.group(2))) if minutes else None,
        prerequisites=" ".join(parts.get("prerequisites", "").split()),
        goals=_items(parts.get("learning goals", "")),
        sections=sections,
    )


def discover(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Every notebook of ``notebooks_dir``, sorted by name (checkpoints left out)."""
    return sorted(p for p in Path(notebooks_dir).glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


# ----------------------------------------------------------------------------- execution

EXPORT_TAG = "site-export"


def export_code(out_dir: Path) -> str:
    """Python source to run in a notebook's kernel after its last cell: exports its explorers' frames to ``out_dir``.

    It finds every explorer alive in the kernel (ipywidgets' registry of live widgets, by model
    id), computes its frames, status lines, readouts and alt texts (``tools/site_frames.py``),
    and writes them with ``manifest.json`` into ``out_dir``. It prints nothing, holds the
    widgets' messages while it draws, sets every control back to its first setting, and leaves
    no name behind: the notebook's cells keep exactly the outputs of a plain run. Problems
    are written into the manifest (``problems``), never raised.

    Parameters
    ----------
    out_dir : Path
        The export folder (made if needed).
    """
    module = Path(__file__).resolve().parent / "site_frames.py"
    return (
        "def _site_export():\n"
        "    import importlib.util\n"
        f"    spec = importlib.util.spec_from_file_location('_site_frames', {str(module)!r})\n"
        "    module = importlib.util.module_from_spec(spec)\n"
        "    __import__('sys').modules[spec.name] = module\n"
        "    spec.loader.exec_module(module)\n"
        f"    module.export_all({str(Path(out_dir).resolve())!r})\n"
        "_site_export()\n"
        "del _site_export\n"
    )


def export_cell(out_dir: Path):
    """A code cell running :func:`export_code`, tagged ``site-export``: append it, execute, then :func:`pop_export_cell`."""
    cell = nbformat.v4.new_code_cell(export_code(out_dir))
    cell.metadata["tags"] = [EXPORT_TAG]
    return cell


def pop_export_cell(nb) -> list[str]:
    """Remove the export cell(s) from an executed notebook; return what they output (nothing, when all went well)."""
    outputs = []
    for cell in [c for c in nb.cells if EXPORT_TAG in c.get("metadata", {}).get("tags", [])]:
        for out in cell.get("outputs", []):
            outputs.append(out.get("evalue") or out.get("text") or str(out.get("data", out))[:300])
        nb.cells.remove(cell)
    return outputs


def strip(nb) -> None:
    """Remove (in place) stored outputs, execution counts and widget state."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def kernel_env() -> dict[str, str]:
    """The caller's environment without a forced Matplotlib backend or projector mode."""
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the kernel must show inline figures as a learner sees them
    env.pop("GUMBEL_UTILS_PROJECTOR", None)
    return env


async def execute(path: Path, frames_dir: Path, *, timeout: int = 600):
    """Strip, run on a fresh kernel in the notebook's folder, then export the explorers' frames; return the notebook.

    The export runs as one more cell (:func:`export_cell`), removed again afterwards.
    """
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    strip(nb)
    nb.cells.append(export_cell(frames_dir))
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        allow_errors=False,
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    await client.async_execute(env=kernel_env(), stderr=subprocess.DEVNULL)  # kernel logs, not cell outputs
    leftover = pop_export_cell(nb)
    if leftover:
        raise BuildError(f"{path.name}: the frames export printed {leftover}")
    return nb


def read_manifest(frames_dir: Path) -> dict:
    """The manifest an export wrote; raises :class:`BuildError` when it is missing, names problems or caught output."""
    path = Path(frames_dir) / site_frames.MANIFEST
    if not path.exists():
        raise BuildError(f"no {site_frames.MANIFEST} in {frames_dir}: was export_code run after the notebook?")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    problems = manifest["problems"] + [f"{e['function']}: {p}" for e in manifest["explorers"] for p in e["problems"]]
    if manifest.get("log"):
        problems.append(f"printed or warned while computing frames: {manifest['log'][:2000]}")
    if problems:
        raise BuildError(f"the frames export in {frames_dir} reports: " + "\n".join(problems))
    return manifest


# ----------------------------------------------------------------------------- pages

SITE_CSS = """
main { max-width: 1040px; margin: 0 auto; padding: 0 16px 32px; }
nav.site-nav { display: flex; gap: 18px; flex-wrap: wrap; font: 15px/1.5 var(--jp-ui-font-family, sans-serif);
  padding: 10px 0; border-bottom: 1px solid #ddd; margin-bottom: 12px; }
nav.site-nav:last-of-type { border-top: 1px solid #ddd; border-bottom: none; margin-top: 24px; }
main a, .jp-RenderedHTMLCommon a:link, .jp-RenderedHTMLCommon a:visited { text-decoration: underline; }
.site-live-note { font-size: 15px; color: #1a1a1a; background: #eef6fb; border-left: 4px solid #0072B2;
  padding: 6px 10px; margin: 6px 0; }
.site-progress { font-size: 14px; color: #404040; margin: 2px 0; }
/* code colours with a contrast of at least 4.5:1 on the code background (WCAG AA; JupyterLab's are 4.2-4.4) */
.highlight .m, .highlight .mi, .highlight .mf, .highlight .mh, .highlight .mo, .highlight .il { color: #006B00; }
.highlight .c, .highlight .c1, .highlight .cm, .highlight .ch, .highlight .cs, .highlight .cp { color: #2F6F6F; }
.highlight .ow { color: #7A1FD0; }
""" + site_live.EXPLORER_CSS

INDEX_CSS = """
body { font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1a1a1a;
  margin: 0; background: #fafafa; }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 30px; margin-bottom: 4px; }
.lead { font-size: 18px; color: #333; }
ol.path { list-style: none; padding: 0; counter-reset: step; }
ol.path > li { background: #fff; border: 1px solid #ddd; border-left: 6px solid #0072B2; border-radius: 6px;
  padding: 14px 18px; margin: 14px 0; }
ol.path h2 { font-size: 22px; margin: 0 0 6px; }
ol.path h2 a { color: #0b4f88; text-decoration: none; }
ol.path h2 a:hover { text-decoration: underline; }
.meta { color: #444; margin: 4px 0; }
.meta b { color: #1a1a1a; }
details { margin-top: 6px; color: #333; }
footer { color: #555; font-size: 15px; margin-top: 30px; }
"""

MATHJAX_CONFIG = r"""<script>
window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\(', '\\)']], displayMath: [['$$', '$$'], ['\\[', '\\]']],
        processEscapes: true, processEnvironments: true},
  svg: {fontCache: 'global'},
  options: {skipHtmlTags: ['script', 'noscript', 'style', 'textarea', 'pre', 'code']},
  startup: {pageReady() {
    return MathJax.startup.defaultPageReady().then(() => { document.documentElement.dataset.mathjax = 'typeset'; });
  }}
};
</script>
<script src="_static/mathjax/tex-svg-full.js" defer></script>"""


def _nav(cards: list[NotebookCard], index: int, where: str) -> str:
    links = ["<a href='index.html'>Course index</a>"]
    if index > 0:
        links.append(f"<a href='{cards[index - 1].page}'>&larr; {html.escape(cards[index - 1].title)}</a>")
    if index + 1 < len(cards):
        links.append(f"<a href='{cards[index + 1].page}'>{html.escape(cards[index + 1].title)} &rarr;</a>")
    return f"<nav class='site-nav' aria-label='Course pages ({where})'>" + "".join(links) + "</nav>"


def notebook_page(nb, cards: list[NotebookCard], index: int) -> str:
    """The HTML page of one executed notebook."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="course",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    head = f"<style>{SITE_CSS}</style>\n{MATHJAX_CONFIG}\n<script src='{STATIC}/explorer.js' defer></script>"
    resources = {"site": {"head": head, "nav": _nav(cards, index, "top"), "nav_end": _nav(cards, index, "bottom")},
                 "metadata": {"name": cards[index].title}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return _link_pages(body, {c.path.name for c in cards})


def _link_pages(page: str, built: set[str]) -> str:
    """Links between notebooks (``02_x.ipynb#part``) point to their pages on the site."""

    def swap(match: re.Match) -> str:
        name = match.group(2)
        if Path(name).name != name or name not in built:
            return match.group(0)
        return f"{match.group(1)}{Path(name).stem}.html{match.group(3) or ''}{match.group(1)[-1]}"

    return re.sub(r"""(href=["'])([^"'#:]+\.ipynb)(#[^"']*)?["']""", swap, page)


def _markdown(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    text = re.sub(r"^(\s*\d+)([.)])", r"\1\\\2", text)  # "1. Title" is a heading here, not a list
    rendered = markdown2html_mistune(text).strip()
    return re.sub(r"^<p>(.*)</p>$", r"\1", rendered, flags=re.DOTALL)  # inline: no paragraph around it


def index_page(cards: list[NotebookCard]) -> str:
    """The learning path: each notebook with what it teaches, its time and its prerequisites."""
    low = sum(c.minutes[0] for c in cards if c.minutes) / 60
    high = sum(c.minutes[1] for c in cards if c.minutes) / 60
    items = []
    for card in cards:
        goals = "".join(f"<li>{_markdown(g)}</li>" for g in card.goals) or "<li>(not stated)</li>"
        sections = "".join(f"<li>{_markdown(s)}</li>" for s in card.sections)
        items.append(
            f"<li><h2><a href='{card.page}'>{_markdown(card.title)}</a></h2>"
            f"<p class='meta'><b>Time:</b> {_markdown(card.time) or '(not stated)'}</p>"
            f"<p class='meta'><b>Prerequisites:</b> {_markdown(card.prerequisites) or '(not stated)'}</p>"
            f"<p class='meta'><b>What it teaches:</b></p><ol>{goals}</ol>"
            + (f"<details><summary>Sections</summary><ul>{sections}</ul></details>" if sections else "")
            + f"<p class='meta'>Runs in JupyterLab as <code>notebooks/{html.escape(card.path.name)}</code>.</p></li>"
        )
    total_text = (f" ({low:.1f} to {high:.1f} hours of reading, running and exploring in all, "
                  "with the exercises apart)") if high else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(COURSE_TITLE)}: the course</title>
<style>{INDEX_CSS}</style>
{MATHJAX_CONFIG}
</head>
<body>
<main>
<h1>{html.escape(COURSE_TITLE)}</h1>
<p class="lead">An interactive course on the Gumbel-max trick, the Gumbel-Softmax (Concrete) relaxation and
its temperature $\\tau$. These pages are the notebooks run once, with their figures and printed numbers.
Their explorers move here too, with no Python: each setting's figure was computed when the site was built
(in JupyterLab, <code>make lab</code>, they compute any setting).</p>
<h2>The learning path{total_text}</h2>
<ol class="path">
{"".join(items)}
</ol>
<footer>Built from the notebooks in <code>notebooks/</code> by <code>make site</code>; opens from the file
system with no network.</footer>
</main>
</body>
</html>
"""


def copy_mathjax(out: Path) -> Path:
    """Copy MathJax 3's single-file SVG build (and its licence) into ``out/_static/mathjax/``."""
    files = importlib.metadata.files(MATHJAX_PACKAGE) or []
    found = {str(f).split("static/mathjax/", 1)[-1]: f for f in files if "static/mathjax/" in str(f)}
    if MATHJAX_FILE not in found:
        raise SystemExit(f"{MATHJAX_PACKAGE} has no {MATHJAX_FILE}: run `make setup` (requirements.txt)")
    target = out / STATIC / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(found[MATHJAX_FILE].locate(), target / Path(MATHJAX_FILE).name)
    if "LICENSE" in found:
        shutil.copyfile(found["LICENSE"].locate(), target / "LICENSE")
    return target / Path(MATHJAX_FILE).name


# ----------------------------------------------------------------------------- the build


class BuildError(RuntimeError):
    """A notebook failed to execute, or its frames export reported a problem (the message says which)."""


@dataclass
class BuildReport:
    """What a build made: pages, times (wall and CPU), widgets and explorers per notebook, sizes."""

    pages: list[Path]
    seconds: float
    cpu_seconds: float
    notebook_seconds: dict[str, float]
    widgets: dict[str, int]
    explorers: dict[str, list[dict]]
    frames_dirs: dict[str, Path]
    kernel_cpu_seconds: dict[str, float]
    export_cpu_seconds: dict[str, float]
    site_bytes: int = 0


async def _run_all(paths: list[Path], frames_root: Path, jobs: int) -> dict[Path, tuple]:
    gate = asyncio.Semaphore(max(1, jobs))

    async def one(path: Path):
        async with gate:
            start = time.perf_counter()
            frames_dir = frames_root / path.stem
            nb = await execute(path, frames_dir)
            return path, nb, frames_dir, time.perf_counter() - start

    # Later notebooks build on earlier ones and run longer: start them first, so that the kernels
    # finish at about the same time (the build takes about max(longest, total / jobs)).
    order = list(reversed(paths))
    done = await asyncio.gather(*(one(p) for p in order), return_exceptions=True)
    failed = [
        f"{path.name}: {getattr(err, 'ename', type(err).__name__)}: {getattr(err, 'evalue', err)}"
        for path, err in zip(order, done)
        if isinstance(err, BaseException)
    ]
    if failed:
        raise BuildError("notebooks that did not run top to bottom:\n  " + "\n  ".join(failed))
    return {path: (nb, frames_dir, seconds) for path, nb, frames_dir, seconds in done}


def _run(make_coroutine):
    """``asyncio.run`` of a new coroutine; in a worker thread when this thread already runs an event loop
    (Playwright's sync API in a test does)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def execute_all(paths: list[Path], frames_root: Path, *, jobs: int = 2) -> dict[Path, tuple]:
    """Execute notebooks with the frames export, ``jobs`` kernels at once: ``{path: (nb, frames_dir)}``.

    The frames of ``NN_name.ipynb`` go to ``frames_root/NN_name/``. The result is what
    :func:`build` accepts as ``executed=``.
    """
    done = _run(lambda: _run_all([Path(p).resolve() for p in paths], Path(frames_root), jobs))
    return {path: (nb, frames_dir) for path, (nb, frames_dir, _) in done.items()}


def build(paths: list[Path] | None = None, out: Path = ROOT / "site", *, jobs: int = 2,
          executed: dict[Path, tuple] | None = None) -> BuildReport:
    """Write the site into ``out`` (emptied first); return what was built.

    Parameters
    ----------
    paths : list of Path, optional
        The notebooks (default: every notebook of ``notebooks/``).
    out : Path
        The site's folder.
    jobs : int
        Kernels at once for the notebooks this call executes.
    executed : dict, optional
        ``{path: (nb, frames_dir)}``: notebooks already executed, each followed by
        :func:`export_code` ``(frames_dir)`` in its kernel (the test suite shares one
        execution per notebook). A copy of ``nb`` is used; the others are executed here.
    """
    start, start_cpu = time.perf_counter(), time.process_time()
    paths = [Path(p).resolve() for p in (paths or discover())]
    if not paths:
        raise SystemExit("no notebooks to build")
    given = {Path(p).resolve(): (copy.deepcopy(nb), Path(d)) for p, (nb, d) in (executed or {}).items()}
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copy_mathjax(out)
    (out / STATIC / "explorer.js").write_text(site_live.EXPLORER_JS, encoding="utf-8")
    cards = [describe(p) for p in paths]
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="site-frames-") as tmp:
        todo = [p for p in paths if p not in given]
        if todo:
            ran = _run(lambda: _run_all(todo, Path(tmp), jobs))
            given.update({p: (nb, d) for p, (nb, d, _) in ran.items()})
            seconds.update({p.name: s for p, (_, _, s) in ran.items()})
        report = BuildReport(pages=[out / "index.html"], seconds=0.0, cpu_seconds=0.0, notebook_seconds=seconds,
                             widgets={}, explorers={}, frames_dirs={}, kernel_cpu_seconds={}, export_cpu_seconds={})
        for i, (path, card) in enumerate(zip(paths, cards)):
            nb, frames_dir = given[path]
            manifest = read_manifest(frames_dir)
            counts = site_live.live_outputs(nb, manifest, frames_dir, out, path.stem)
            report.widgets[path.name] = counts["widgets"]
            report.explorers[path.name] = [
                {k: e[k] for k in ("id", "function", "mode", "frame_count", "file_count", "bytes", "cpu_seconds")}
                for e in manifest["explorers"] if e["model_id"] in counts["shown"]
            ]
            report.frames_dirs[path.name] = Path(frames_dir) if path in (executed or {}) else None
            report.kernel_cpu_seconds[path.name] = manifest.get("kernel_cpu_seconds_before", 0.0)
            report.export_cpu_seconds[path.name] = manifest.get("cpu_seconds", 0.0)
            page = out / card.page
            page.write_text(notebook_page(nb, cards, i), encoding="utf-8")
            report.pages.append(page)
    (out / "index.html").write_text(index_page(cards), encoding="utf-8")
    report.site_bytes = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    report.seconds, report.cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to build (default: all of notebooks/)")
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="output folder (emptied first)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="kernels at once")
    args = parser.parse_args(argv)
    try:
        report = build(args.notebooks or None, args.out, jobs=args.jobs)
    except BuildError as err:
        print(f"site: build failed, {err}", file=sys.stderr)
        return 1
    for name, sec in report.notebook_seconds.items():
        explorers = report.explorers[name]
        frames = sum(e["frame_count"] for e in explorers)
        size = sum(e["bytes"] for e in explorers) / 1e6
        print(f"  {name}: {sec:.1f} s wall; kernel CPU {report.kernel_cpu_seconds[name]:.1f} s to run the notebook, "
              f"{report.export_cpu_seconds[name]:.1f} s for {len(explorers)} explorers ({frames} frames, {size:.1f} MB)")
        for e in explorers:
            print(f"    {e['function'].rsplit('.', 1)[-1]:28s} {e['mode']:13s} {e['frame_count']:4d} frames "
                  f"{e['bytes'] / 1e6:5.2f} MB  {e['cpu_seconds']:5.1f} s CPU")
    print(f"site: {len(report.pages)} pages, {report.site_bytes / 1e6:.1f} MB in {args.out}; {report.seconds:.1f} s wall, "
          f"builder CPU {report.cpu_seconds:.1f} s + kernels {sum(report.kernel_cpu_seconds.values()):.1f} s "
          f"(notebooks) + {sum(report.export_cpu_seconds.values()):.1f} s (frames); open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
