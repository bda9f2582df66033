"""Point the notebooks' ``from gumbel_utils.viz.X import ...`` lines at the modules that define the names now.

``gumbel_utils.viz`` is split by figure family (issue 18): ``plot_bias_variance`` lives in
``viz.bias_variance``, ``explore_relaxation_path`` in ``viz.relaxation_path``, and so on. This
script rewrites, in the code cells of every notebook, each import statement from a
``gumbel_utils.viz`` submodule into one statement per defining module (found by importing the
package: each public name is defined by exactly one module), and renames the two plot functions
whose names changed, in the cells of the notebooks that imported them:

- ``plot_training_curves`` from ``viz.training`` -> ``plot_objective_curves`` (``viz.training_curves``);
- ``plot_training_curves`` from ``viz.vae`` -> ``plot_vae_loss_curves`` (``viz.vae_measurements``).

It changes nothing else: markdown cells, outputs and metadata are left as they are, and a code
cell's other lines are untouched (a renamed call is replaced as a whole word only). Running it
again changes nothing. Usage::

    .venv/bin/python tools/rewrite_viz_imports.py [notebooks/*.ipynb]   # default: every notebook
    .venv/bin/python tools/rewrite_viz_imports.py --check               # exit 1 if a notebook would change
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (old module, old name) -> new name, for the names that changed.
RENAMED = {
    ("training", "plot_training_curves"): "plot_objective_curves",
    ("training_panels", "plot_training_curves"): "plot_objective_curves",
    ("vae", "plot_training_curves"): "plot_vae_loss_curves",
}

_IMPORT = re.compile(r"^from gumbel_utils\.viz\.(\w+) import (\([^)]*\)|[^\n(]+)$", re.MULTILINE)
WIDTH = 120


def defining_modules() -> dict[str, str]:
    """Public name -> the ``gumbel_utils.viz`` submodule that defines it (ValueError if two do)."""
    sys.path.insert(0, str(ROOT))
    import gumbel_utils.viz as viz

    home: dict[str, str] = {}
    for info in pkgutil.iter_modules(viz.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{viz.__name__}.{info.name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if getattr(obj, "__module__", module.__name__) != module.__name__:
                continue  # imported there, defined elsewhere (constants have no __module__: defined where listed)
            if name in home:
                raise ValueError(f"{name} is defined in viz.{home[name]} and viz.{info.name}")
            home[name] = info.name
    return home


def _statement(module: str, names: list[str]) -> str:
    """``from gumbel_utils.viz.<module> import ...`` wrapped at :data:`WIDTH`, continuation aligned after ``(``."""
    head = f"from gumbel_utils.viz.{module} import "
    one_line = head + ", ".join(names)
    if len(one_line) <= WIDTH:
        return one_line
    head += "("
    indent = " " * len(head)
    lines, current = [], head
    for i, name in enumerate(names):
        piece = name + (")" if i == len(names) - 1 else ",")
        start = current in (head, indent)
        if not start and len(current) + 1 + len(piece) > WIDTH:
            lines.append(current)
            current = indent + piece
        else:
            current += ("" if start else " ") + piece
    lines.append(current)
    return "\n".join(lines)


def rewrite_source(source: str, home: dict[str, str], renames: dict[str, str]) -> str:
    """One code cell's source with its viz imports rewritten; ``renames`` collects the calls to rename."""

    def replace(match: re.Match) -> str:
        old_module, names_text = match.group(1), match.group(2)
        names = [n.strip() for n in names_text.strip("()").replace("\n", " ").split(",") if n.strip()]
        by_module: dict[str, list[str]] = {}
        for name in names:
            new_name = RENAMED.get((old_module, name), name)
            if new_name != name:
                renames[name] = new_name
            if new_name not in home:
                raise ValueError(f"{name!r} (imported from gumbel_utils.viz.{old_module}) is defined nowhere now")
            by_module.setdefault(home[new_name], []).append(new_name)
        return "\n".join(_statement(m, sorted(ns)) for m, ns in sorted(by_module.items()))

    return _IMPORT.sub(replace, source)


def rewrite_notebook(path: Path, home: dict[str, str], *, write: bool = True) -> bool:
    """Rewrite one notebook in place; returns whether it changed."""
    import nbformat

    raw = path.read_text(encoding="utf-8")
    nb = nbformat.reads(raw, as_version=4)
    renames: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = rewrite_source(cell.source, home, renames)
    for cell in nb.cells:
        if cell.cell_type == "code":
            for old, new in renames.items():
                cell.source = re.sub(rf"\b{old}\b(?=\s*\()", new, cell.source)
    text = nbformat.writes(nb) + "\n"
    if text == raw:
        return False
    if write:
        path.write_text(text, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook would change")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    home = defining_modules()
    changed = [p for p in paths if rewrite_notebook(p, home, write=not args.check)]
    for p in changed:
        print(f"{'would rewrite' if args.check else 'rewrote'} {p}")
    if not changed:
        print("every notebook imports each viz name from the module that defines it")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
