"""``viz/`` computes nothing: every number a figure shows comes from a math-layer function with a test.

An AST check of every module of ``gumbel_utils/viz``:

- **statistics are never computed there**: no call of a NumPy reduction or estimator that turns
  data into a number shown (mean, median, std, var, sum, histogram, quantile, percentile,
  covariance, cumulative sums, interpolation, sorting for a CDF, counting) and no
  ``Axes.hist`` (Matplotlib would compute the histogram), no ``.pdf``/``.cdf`` of a law, no
  SciPy import: those live in the math layer (``stats.density_histogram``,
  ``training_stats.run_band``, ...);
- **layout reductions** (``min``, ``max``, ``argmin``, ``argmax`` on arrays) only where
  :data:`LAYOUT` lists the function, with the reason: axis limits that hold the data, the
  slider position nearest a value, the category that colours a sample. A new one elsewhere
  fails until it is listed here (or moved to the math layer).

``test_the_check_finds_what_it_forbids`` shows that the check fails on code that computes.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import gumbel_utils.viz as viz

VIZ = Path(viz.__file__).parent

#: NumPy functions (``np.<name>``) and methods (``array.<name>()``) that compute a statistic of data.
STATISTICS = {
    "mean", "nanmean", "median", "nanmedian", "std", "nanstd", "var", "nanvar", "sum", "nansum", "prod",
    "average", "histogram", "histogram2d", "histogramdd", "bincount", "quantile", "nanquantile", "percentile",
    "nanpercentile", "cov", "corrcoef", "cumsum", "cumprod", "interp", "sort", "count_nonzero", "ptp",
    "polyfit", "trapezoid", "gradient",
}
#: Methods of other objects that compute: a Matplotlib histogram, the density or CDF of a SciPy law.
COMPUTING_METHODS = {"hist", "hist2d", "pdf", "logpdf", "cdf", "ppf", "sf"}
#: Reductions that are layout arithmetic where :data:`LAYOUT` allows them.
LAYOUT_REDUCTIONS = {"min", "max", "nanmin", "nanmax", "argmin", "argmax", "amin", "amax"}

#: (module, top-level function) -> why it may reduce arrays with min/max/argmin/argmax.
LAYOUT = {
    ("_args", "widened_range"): "a slider's range widened to hold the given values",
    ("argmax_steps", "plot_argmax_steps"): "the y range that holds every curve drawn",
    ("argmax_steps", "explore_argmax_steps"): "one y range for every objective and temperature of the controls",
    ("bias_variance", "update_bias_variance"): "the y range of each panel (every batch size of the slider)",
    ("concrete_density", "plot_simplex_samples"): "each sample's largest coordinate picks its colour and marker",
    ("concrete_density", "set_simplex_samples"): "each sample's largest coordinate picks its colour and marker",
    ("gumbel_max", "plot_frequency_bars"): "the y range above the tallest bar and error bar",
    ("mean_drift", "plot_mean_vs_tau"): "room above the highest curve for the legend",
    ("rebar", "plot_rebar_variance"): "the eta axis holds the measured etas; the tau shown is the grid's nearest to 0.3",
    ("rebar", "_variance_limits"): "one y range for every eta of the slider",
    ("rebar", "explore_rebar_variance"): "the grid position of the slider's tau",
    ("relaxation_path", "plot_relaxation_path"): "the largest coordinate colours the point",
    ("relaxation_path", "explore_relaxation_path"): "the largest coordinate colours the point (and is named)",
    ("relaxed_toy", "plot_relaxed_minimizer"): "the x range of the temperature grid",
    ("training_curves", "plot_objective_curves"): "room above the curves for the legend",
    ("training_curves", "explore_training"): "the y range spans the objective's vertex values",
    ("vae_decoding", "explore_relaxed_decoding"): "one y range for every model's decoding losses",
}


def _calls(tree: ast.AST):
    """(top-level function or None, attribute name, base is NumPy, line) of every ``x.name(...)`` call."""
    for top in tree.body if isinstance(tree, ast.Module) else [tree]:
        owner = top.name if isinstance(top, (ast.FunctionDef, ast.ClassDef)) else None
        for node in ast.walk(top):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                base = node.func.value
                numpy = isinstance(base, ast.Name) and base.id in {"np", "numpy"}
                yield owner, node.func.attr, numpy, node.lineno


def offences(source: str, module: str) -> list[str]:
    """What a viz module computes that it should not (see the module docstring)."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        found += [f"{module}:{node.lineno} imports {n}" for n in names if n.split(".")[0] == "scipy"]
    for owner, name, numpy, line in _calls(tree):
        where = f"{module}:{line} ({owner or 'module level'})"
        if name in STATISTICS:
            found.append(f"{where} computes {'np.' if numpy else '.'}{name}(...)")
        elif name in COMPUTING_METHODS and not numpy:
            found.append(f"{where} computes .{name}(...)")
        elif name in LAYOUT_REDUCTIONS and (module, owner) not in LAYOUT:
            found.append(f"{where} reduces with {'np.' if numpy else '.'}{name}(...) outside the LAYOUT list")
    return found


def _modules():
    return sorted(VIZ.glob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.name)
def test_viz_module_computes_no_statistic(path):
    found = offences(path.read_text(), path.stem)
    assert not found, ("viz computes nothing: move these to the math layer (with a test), or list a layout "
                       "reduction in LAYOUT with its reason:\n" + "\n".join(found))


def test_every_layout_exception_is_still_needed():
    used = set()
    for path in _modules():
        for owner, name, _numpy, _line in _calls(ast.parse(path.read_text())):
            if name in LAYOUT_REDUCTIONS:
                used.add((path.stem, owner))
    assert set(LAYOUT) <= used, f"LAYOUT lists functions that no longer reduce: {sorted(set(LAYOUT) - used)}"


def test_the_check_finds_what_it_forbids():
    computing = '''
import numpy as np
from scipy import stats

def plot_thing(g, *, ax=None):
    ax.hist(g, density=True)
    ax.plot(g, stats.norm.pdf(g))
    m = g.mean()
    return np.median(g), np.max(g)
'''
    found = offences(computing, "thing")
    assert len(found) == 6, found
    assert any("imports scipy" in f for f in found) and any(".hist(" in f for f in found)
    assert any("np.median" in f for f in found) and any("np.max" in f and "LAYOUT" in f for f in found)
    assert not offences("def f(ax, lo, hi):\n    ax.set_ylim(min(lo, 0), max(hi, 1))\n", "thing")
