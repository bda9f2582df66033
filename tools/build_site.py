"""Build the offline course site: ``make site`` writes ``site/index.html`` and one page per notebook.

Every ``*.ipynb`` in ``notebooks/`` is found by itself (nothing is listed here). Each one is
stripped of any stored outputs, executed top to bottom on a fresh kernel, and written as a
static page with its figures, printed numbers and math; ``site/index.html`` holds the learning
path, read from each notebook's first cell (title, learning goals, prerequisites, time).
An explorer (a live ``ipywidgets`` figure) appears as its first figure with a line saying it is
live in JupyterLab: a setup cell, added at the top of the executed copy only, registers an
IPython display formatter that gives every widget a static HTML form (its PNG and its controls)
next to the widget view; the widget view is then dropped. The source notebooks are not touched.

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
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import html
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
TEMPLATE_DIR = Path(__file__).resolve().parent / "site_template"
MATHJAX_PACKAGE = "django-static-mathjax"
MATHJAX_FILE = "es5/tex-svg-full.js"
STATIC = "_static"
SETUP_TAG = "site-setup"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
COURSE_TITLE = "Why does Gumbel-Softmax need a temperature?"

# ----------------------------------------------------------------------------- the learning path


@dataclass
class NotebookCard:
    """What the index says about one notebook, read from its first markdown cell."""

    path: Path
    title: str
    time: str = ""
    minutes: int | None = None
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
    ...     "# 9. Demo\\n\\n**Time:** about 20 minutes.\\n\\n**Learning goals.** You can\\n1. do $a$;\\n"
    ...     "2. do b.\\n\\n**Prerequisites:** notebook 1.\\n"), nbformat.v4.new_markdown_cell("## 1. Part (optional)")])
    >>> card = describe(Path("09_demo.ipynb"), nb)
    >>> card.title, card.time, card.minutes, card.goals, card.prerequisites, card.sections
    ('9. Demo', 'about 20 minutes.', 20, ['do $a$;', 'do b.'], 'notebook 1.', ['1. Part (optional)'])
    """
    nb = nb if nb is not None else nbformat.read(path, as_version=4)
    first = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    title_match = re.search(r"^\s{0,3}#\s+(.+)$", first, re.MULTILINE)
    parts = _labelled(first)
    time_text = parts.get("time", "")
    sentence = re.match(r"(.+?\.)(?:\s|$)", time_text, re.DOTALL)
    time_text = " ".join((sentence.group(1) if sentence else time_text).split())
    minutes = re.search(r"(\d+)\s*min", time_text)
    sections = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            sections += [h.strip() for h in re.findall(r"^\s{0,3}##\s+(.+)$", cell.source, re.MULTILINE)]
    return NotebookCard(
        path=path,
        title=title_match.group(1).strip() if title_match else path.stem,
        time=time_text,
        minutes=int(minutes.group(1)) if minutes else None,
        prerequisites=" ".join(parts.get("prerequisites", "").split()),
        goals=_items(parts.get("learning goals", "")),
        sections=sections,
    )


def discover(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Every notebook of ``notebooks_dir``, sorted by name (checkpoints left out)."""
    return sorted(p for p in Path(notebooks_dir).glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


# ----------------------------------------------------------------------------- execution

#: Runs first in the kernel of the executed copy (never in the source notebook): every widget also
#: gets a static HTML form, its images (an explorer's figure) and a line saying it is live in
#: JupyterLab, with the controls' first values. Nothing is imported from gumbel_utils here, so the
#: notebook's own first cell still does the imports it shows.
SETUP_SOURCE = r'''
def _site_static_widgets():
    import base64, html
    import ipywidgets as w
    from IPython import get_ipython

    def walk(widget):
        yield widget
        for child in getattr(widget, "children", None) or ():
            yield from walk(child)

    def readout(control):
        if hasattr(control, "label") and hasattr(control, "options"):
            return str(control.label)
        value = control.value
        if isinstance(value, bool):
            return "on" if value else "off"
        if isinstance(value, float):
            return f"{value:.4g}"
        if isinstance(value, (tuple, list)):
            return ", ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in value)
        return str(value)

    def static_html(widget):
        parts = list(walk(widget))
        images = [p for p in parts if isinstance(p, w.Image) and p.value]
        if isinstance(widget, (w.IntProgress, w.FloatProgress)):  # shown while a cell computes
            what = html.escape(widget.description or "a computation")
            return (f"<p class='site-progress' data-site-widget='progress'><em>{what}</em>: done when this page was "
                    "built (a progress bar in JupyterLab).</p>")
        controls = []
        for p in parts:
            if isinstance(p, w.Button):
                controls.append(f"<span class='site-control'>[{html.escape(p.description)}]</span>")
            elif p.layout.display == "none" or p.layout.visibility == "hidden" or getattr(p, "disabled", False):
                continue  # a control the explorer hides or disables (e.g. a logit beyond K)
            elif isinstance(p, w.widgets.widget_description.DescriptionWidget) and hasattr(p, "value") \
                    and not isinstance(p, (w.Image, w.HTML, w.HTMLMath, w.Label, w.Text, w.Textarea)):
                name = p.description or type(p).__name__
                controls.append(f"<span class='site-control'>{name} = {html.escape(readout(p))}</span>")
        status = [p.value for p in parts if isinstance(p, w.HTML) and p.value.strip()
                  and p.layout.display != "none" and not p.value.lstrip().startswith("<style")]
        figures = "".join(
            f"<img class='site-widget-image' src='data:image/{p.format};base64,"
            f"{base64.b64encode(bytes(p.value)).decode()}' alt='figure of an interactive explorer'>"
            for p in images
        )
        live = ("<strong>Live in JupyterLab:</strong> run this notebook there and move the controls"
                if controls else "<strong>Live in JupyterLab:</strong> an interactive widget; run this notebook there")
        first = (" &mdash; shown here at its first setting: " + " &middot; ".join(controls)) if controls else ""
        status_html = "".join(f"<div class='site-status'>{s}</div>" for s in status)
        kind = "site-explorer" if images else "site-widget"  # an explorer: a widget holding a figure
        return (f"<figure class='{kind}' data-site-widget='{kind}' data-images='{len(images)}'>{figures}"
                f"<figcaption class='site-live-note'>{live}{first}.</figcaption>{status_html}</figure>")

    def first_png(widget):
        for p in walk(widget):
            if isinstance(p, w.Image) and p.value and p.format == "png":
                return bytes(p.value)
        return None

    formatters = get_ipython().display_formatter.formatters
    formatters["text/html"].for_type(w.Widget, static_html)
    formatters["image/png"].for_type(w.Widget, first_png)


_site_static_widgets()
del _site_static_widgets
'''


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


async def execute(path: Path, *, timeout: int = 600):
    """Strip, add the setup cell, run on a fresh kernel in the notebook's folder; return the notebook."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    strip(nb)
    setup = nbformat.v4.new_code_cell(SETUP_SOURCE.strip())
    setup.metadata["tags"] = [SETUP_TAG]
    nb.cells.insert(0, setup)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        allow_errors=False,
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    await client.async_execute(env=kernel_env(), stderr=subprocess.DEVNULL)  # kernel logs, not cell outputs
    return nb


def static_outputs(nb) -> int:
    """Drop the setup cell and the widget views (keeping their static HTML); hide solutions' code.

    Returns the number of widget outputs replaced by a static form.
    """
    nb.cells = [c for c in nb.cells if SETUP_TAG not in c.get("metadata", {}).get("tags", [])]
    nb.metadata.pop("widgets", None)
    replaced = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "<details" in cell.source:
            cell.source = _fold_details(cell.source)
        if cell.cell_type != "code":
            continue
        meta = cell.get("metadata", {})
        if "solution" in meta.get("tags", []) or meta.get("jupyter", {}).get("source_hidden"):
            meta.setdefault("transient", {})["remove_source"] = True  # its output is a closed <details>
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_MIME in data:
                del data[WIDGET_MIME]
                data.setdefault("text/html", "<p class='site-live-note' data-site-widget='other'><strong>Live in "
                                             "JupyterLab:</strong> an interactive widget.</p>")
                replaced += 1
    return replaced


_DETAILS = re.compile(r"(<details[^>]*>\s*<summary>.*?</summary>)(.*?)(</details>)", re.DOTALL)


def _fold_details(source: str) -> str:
    """Render the markdown inside each ``<details>`` here, as one HTML block, so that it stays folded.

    nbconvert's markdown renderer ends an HTML block at the first blank line and closes the
    ``<details>`` right after its summary: a worked solution would be open on the page, while
    JupyterLab keeps it folded.
    """

    def fold(match: re.Match) -> str:
        inner = _markdown_block(match.group(2))
        inner = "\n".join(line for line in inner.splitlines() if line.strip())  # no blank line: one block
        return f"{match.group(1)}\n{inner}\n{match.group(3)}"

    return _DETAILS.sub(fold, source)


def _markdown_block(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


# ----------------------------------------------------------------------------- pages

SITE_CSS = """
main { max-width: 1040px; margin: 0 auto; padding: 0 16px 32px; }
nav.site-nav { display: flex; gap: 18px; flex-wrap: wrap; font: 15px/1.5 var(--jp-ui-font-family, sans-serif);
  padding: 10px 0; border-bottom: 1px solid #ddd; margin-bottom: 12px; }
nav.site-nav:last-of-type { border-top: 1px solid #ddd; border-bottom: none; margin-top: 24px; }
figure.site-explorer { margin: 8px 0; }
figure.site-explorer img { display: block; max-width: 100%; height: auto; }
.site-live-note { font-size: 15px; color: #333; background: #eef6fb; border-left: 4px solid #0072B2;
  padding: 6px 10px; margin: 6px 0; }
.site-status { font-size: 14px; color: #444; margin: 4px 0 0 14px; }
.site-control { white-space: nowrap; }
.site-progress { font-size: 14px; color: #555; margin: 2px 0; }
"""

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


def _nav(cards: list[NotebookCard], index: int) -> str:
    links = ["<a href='index.html'>Course index</a>"]
    if index > 0:
        links.append(f"<a href='{cards[index - 1].page}'>&larr; {html.escape(cards[index - 1].title)}</a>")
    if index + 1 < len(cards):
        links.append(f"<a href='{cards[index + 1].page}'>{html.escape(cards[index + 1].title)} &rarr;</a>")
    return "<nav class='site-nav'>" + "".join(links) + "</nav>"


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
    head = f"<style>{SITE_CSS}</style>\n{MATHJAX_CONFIG}"
    resources = {"site": {"head": head, "nav": _nav(cards, index)}, "metadata": {"name": cards[index].title}}
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
    total = sum(c.minutes for c in cards if c.minutes)
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
    total_text = f" (about {total} minutes in all)" if total else ""
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
its temperature $\\tau$. These pages are the notebooks run once, with their figures and printed numbers;
each live figure (explorer) is shown at its first setting and moves in JupyterLab
(<code>make lab</code>).</p>
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
    """A notebook failed to execute (the message names each one and its error)."""


@dataclass
class BuildReport:
    pages: list[Path]
    seconds: float
    notebook_seconds: dict[str, float]
    widgets: dict[str, int]


async def _run_all(paths: list[Path], jobs: int) -> dict[Path, tuple]:
    gate = asyncio.Semaphore(max(1, jobs))

    async def one(path: Path):
        async with gate:
            start = time.perf_counter()
            nb = await execute(path)
            return path, nb, time.perf_counter() - start

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
    return {path: (nb, seconds) for path, nb, seconds in done}


def build(paths: list[Path] | None = None, out: Path = ROOT / "site", *, jobs: int = 2) -> BuildReport:
    """Execute the notebooks and write the site into ``out`` (emptied first); return what was built."""
    start = time.perf_counter()
    paths = [Path(p).resolve() for p in (paths or discover())]
    if not paths:
        raise SystemExit("no notebooks to build")
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copy_mathjax(out)
    cards = [describe(p) for p in paths]
    executed = asyncio.run(_run_all(paths, jobs))
    pages, seconds, widgets = [out / "index.html"], {}, {}
    for i, (path, card) in enumerate(zip(paths, cards)):
        nb, seconds[path.name] = executed[path]
        widgets[path.name] = static_outputs(nb)
        page = out / card.page
        page.write_text(notebook_page(nb, cards, i), encoding="utf-8")
        pages.append(page)
    (out / "index.html").write_text(index_page(cards), encoding="utf-8")
    return BuildReport(pages=pages, seconds=time.perf_counter() - start, notebook_seconds=seconds, widgets=widgets)


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
        print(f"  {name}: executed in {sec:.1f} s, {report.widgets[name]} widget outputs made static")
    print(f"site: {len(report.pages)} pages in {args.out} ({report.seconds:.1f} s); open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
