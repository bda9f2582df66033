"""``tools/rewrite_viz_imports.py``: the notebooks import every viz name from the module that defines it.

The script the lead reruns after merging: it rewrites old ``from gumbel_utils.viz.<module> import ...``
lines (one statement per defining module, the two renamed plot functions renamed in the calls too),
changes nothing else, and changes nothing the second time. The last test runs it in ``--check``
mode on the real notebooks: a notebook that imports a name from a module that does not define it fails.
"""

from __future__ import annotations


import nbformat

import _qa

import rewrite_viz_imports as rv  # tools/ (pyproject.toml: pythonpath)

OLD_CELL = '''import numpy as np
from gumbel_utils.viz.training import (explore_annealing, explore_rebar_variance, explore_relaxed_toy,
                                       explore_training, plot_toy_training, plot_training_curves)
from gumbel_utils.viz.gradients import plot_bias_variance
runs = {}
plot_training_curves(runs, title="plot_training_curves stays in this string")'''


def test_old_imports_are_split_by_defining_module_and_renamed_calls_follow(tmp_path):
    home = rv.defining_modules()
    assert home["plot_bias_variance"] == "bias_variance" and home["explore_relaxation_path"] == "relaxation_path"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("plot_training_curves( in markdown is left alone"),
                nbformat.v4.new_code_cell(OLD_CELL)]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    assert rv.rewrite_notebook(path, home)
    cells = nbformat.read(path, as_version=4).cells
    code = cells[1].source
    assert "from gumbel_utils.viz.annealing import explore_annealing\n" in code
    assert "from gumbel_utils.viz.relaxed_toy import explore_relaxed_toy, plot_toy_training\n" in code
    assert "from gumbel_utils.viz.training_curves import explore_training, plot_objective_curves\n" in code
    assert "from gumbel_utils.viz.bias_variance import plot_bias_variance\n" in code
    assert "plot_objective_curves(runs, title=\"plot_training_curves stays in this string\")" in code
    assert code.startswith("import numpy as np\n") and "runs = {}" in code
    assert cells[0].source == "plot_training_curves( in markdown is left alone"
    assert not rv.rewrite_notebook(path, home)  # a second run changes nothing
    assert all(len(line) <= rv.WIDTH for line in code.splitlines())


def test_the_notebooks_import_each_viz_name_from_its_module():
    assert rv.main(["--check", *map(str, _qa.discover_notebooks())]) == 0
