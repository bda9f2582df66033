"""The shape of the package, checked: the rules of CONTRIBUTING.md that a reviewer would otherwise police.

- no module imports another module's private (``_underscore``) names, except the two shared
  private modules ``_validation`` and ``_kernels``;
- no module is longer than 600 lines;
- every public module has a test file of its own;
- every public function with two or more parameters documents them in a numpydoc
  ``Parameters`` section;
- ``__all__`` lists exactly what each module defines publicly, and nothing it does not have;
- nothing draws, displays or changes ``rcParams`` at import;
- no module of the package, of ``tools/`` or of the tests defines a top-level function or class
  twice (the second silently replaces the first: a shared ``_qa.executed_notebook`` was once
  shadowed by a per-process one, and every notebook ran again for the prose checks).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import gumbel_utils

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gumbel_utils"
SHARED_PRIVATE = {"_validation", "_kernels"}
MAX_LINES = 600


def _modules() -> list[str]:
    names = ["gumbel_utils"]
    for info in pkgutil.walk_packages(gumbel_utils.__path__, "gumbel_utils."):
        names.append(info.name)
    return sorted(names)


MODULES = _modules()
PUBLIC_MODULES = [m for m in MODULES if not any(part.startswith("_") for part in m.split(".")[1:])]


def _source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", _source_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_crosses_a_module_boundary(path):
    tree = ast.parse(path.read_text())
    offences = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            source = (node.module or "").split(".")[-1]
            if source in SHARED_PRIVATE:
                continue
            for alias in node.names:
                if alias.name.startswith("_"):
                    offences.append(f"from {'.' * node.level}{node.module or ''} import {alias.name}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            base = node.value
            # module.attribute access such as E._perturbed (a Name bound to an imported module)
            if isinstance(base, ast.Name) and base.id.isupper() and len(base.id) <= 2:
                offences.append(f"{base.id}.{node.attr}")
    assert not offences, f"{path.name} reaches into private names of other modules: {offences}"


def _python_files_of_the_project() -> list[Path]:
    return _source_files() + sorted((ROOT / "tools").glob("*.py")) + sorted((ROOT / "tests").glob("*.py"))


def test_no_module_defines_a_function_or_class_twice():
    twice = []
    for path in _python_files_of_the_project():
        seen: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if node.name in seen and not any(isinstance(d, ast.Attribute) or getattr(d, "id", "") == "overload"
                                                 for d in node.decorator_list):
                    twice.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
                seen.add(node.name)
    assert not twice, f"defined a second time (the first definition is dead): {twice}"


@pytest.mark.parametrize("path", _source_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_is_at_most_600_lines(path):
    n = len(path.read_text().splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(ROOT)} has {n} lines: split it by concept"


@pytest.mark.parametrize("module", [m for m in PUBLIC_MODULES if m.count(".") >= 1], ids=str)
def test_every_public_module_has_its_own_test_file(module):
    parts = module.split(".")[1:]
    if parts[-1] in {"__init__"}:
        pytest.skip("package")
    if importlib.import_module(module).__file__.endswith("__init__.py"):
        pytest.skip("package namespace")
    candidates = {f"test_{'_'.join(parts)}.py", f"test_{parts[-1]}.py"}
    found = [c for c in candidates if (ROOT / "tests" / c).exists()]
    assert found, f"{module} has no test file of its own (expected one of {sorted(candidates)})"


def _public_functions():
    """Every public function and class (with an ``__init__`` of its own) of the package, once, under its home module.

    Public: listed in the ``__all__`` of some public module. The object is named after the module that
    defines it (``obj.__module__``), wherever it is listed first: a name re-exported by the package's
    ``__init__`` is still checked, as ``gumbel_utils.stats.frequencies`` (an earlier version marked it seen
    at the re-export and skipped it).
    """
    seen = set()
    for name in PUBLIC_MODULES:
        mod = importlib.import_module(name)
        for attr in getattr(mod, "__all__", []):
            obj = getattr(mod, attr)
            home = getattr(obj, "__module__", None) or ""
            if id(obj) in seen or not (home == "gumbel_utils" or home.startswith("gumbel_utils.")):
                continue
            if inspect.isfunction(obj) or (inspect.isclass(obj) and inspect.isfunction(obj.__dict__.get("__init__"))):
                seen.add(id(obj))
                yield f"{home}.{obj.__qualname__}", obj


@pytest.mark.parametrize("qualname, obj", list(_public_functions()), ids=lambda v: v if isinstance(v, str) else "")
def test_public_functions_with_two_or_more_parameters_document_them(qualname, obj):
    target = obj.__init__ if inspect.isclass(obj) else obj
    params = [p for p in inspect.signature(target).parameters.values()
              if p.name not in {"self", "cls"} and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if len(params) < 2:
        return
    doc = inspect.getdoc(obj) or ""
    if inspect.isclass(obj) and "Attributes\n----------" in doc and obj.__init__.__doc__ is None:
        return  # a record (dataclass / NamedTuple) documents its fields as Attributes
    assert "Parameters\n----------" in doc, f"{qualname}{inspect.signature(target)} has no numpydoc Parameters section"


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=str)
def test_all_lists_only_what_exists(module):
    mod = importlib.import_module(module)
    names = getattr(mod, "__all__", None)
    assert names is not None, f"{module} has no __all__"
    missing = [n for n in names if not hasattr(mod, n)]
    assert not missing, f"{module}.__all__ lists names it does not have: {missing}"
    assert len(names) == len(set(names)), f"{module}.__all__ repeats names"


@pytest.mark.slow
def test_importing_the_package_draws_nothing_and_leaves_rcparams_alone():
    code = (
        "import matplotlib as mpl; before = dict(mpl.rcParams);"
        "import importlib, pkgutil, gumbel_utils;"
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(gumbel_utils.__path__, 'gumbel_utils.')];"
        "import sys; assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported at import time';"
        "changed = [k for k in before if mpl.rcParams[k] != before[k] and k != 'backend'];"
        "assert not changed, changed"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
