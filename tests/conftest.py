"""Shared test settings, and how the suite runs in parallel (``make test``: ``pytest -n <cores + 1>``).

Matplotlib uses the non-interactive Agg backend in tests, and hypothesis runs a
fixed number of examples with no deadline (the suite is not a benchmark): 200 in
``make test``, 20 in ``make test-fast`` (``--hypothesis-profile=course-fast``).

Parallel runs (pytest-xdist, ``-n N``): a worker receives whole units of work
(:func:`pytest_xdist_make_scheduler`), in the order :func:`pytest_collection_modifyitems`
sorts them, longest first:

* the tests marked ``xdist_group(name)`` form one unit: the tests of one notebook
  (``notebook-<stem>``, see ``_qa.notebook_params``) share the worker that executes it;
* the tests of a module with a module-scoped fixture form one unit, so the fixture is
  built once: a browser module's server and browser (one JupyterLab for every
  notebook), the site build, a trained model;
* any other test is a unit of its own.

The notebooks' units go first (other units, such as the site build, read their
executions), then the others; longest first within each. The estimated length of a unit
is what its tests took in the last run (kept in ``.pytest_cache``), else a guess from
their marks. A serial run keeps pytest's order.
"""

import os
import sys
import uuid

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# jsonschema (imported by nbformat) imports the optional rfc3987-syntax when present, which builds a parser
# at import: about 2 s of CPU in every test process. No test validates IRI formats; the tests go without it.
sys.modules.setdefault("rfc3987_syntax", None)
# One id per test session, inherited by the pytest-xdist workers: executed notebooks of a failed run are
# shared within the session only (tests/_executed.py).
os.environ.setdefault("QA_SESSION_ID", uuid.uuid4().hex)

from hypothesis import HealthCheck, settings  # noqa: E402

_HYPOTHESIS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
settings.register_profile("course", max_examples=200, **_HYPOTHESIS)
settings.register_profile("course-fast", max_examples=20, **_HYPOTHESIS)  # make test-fast
settings.load_profile("course")

_DURATIONS_KEY = "gumbel_utils/test-durations"
#: Guessed seconds of a test without a recorded duration, by mark (the first that applies).
_GUESS_S = {"browser": 60.0, "slow": 10.0}
_GUESS_DEFAULT_S = 0.3


def _group(item) -> str | None:
    names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")})
    return "_".join(names) or None


def _shares_a_module_fixture(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    for defs in (info.name2fixturedefs.values() if info else ()):
        if any(d.scope in ("module", "package", "class") and d.baseid for d in defs):
            return True
    return False


def _guess(item) -> float:
    group = _group(item) or ""
    if group.startswith("notebook-") and "path" in getattr(getattr(item, "callspec", None), "params", {}):
        import _qa

        return _qa.notebook_budget(item.callspec.params["path"]) / 3
    return next((s for mark, s in _GUESS_S.items() if item.get_closest_marker(mark)), _GUESS_DEFAULT_S)


def pytest_configure(config):
    """On the controller of a parallel run: a file where the workers write which unit each test belongs to."""
    if not hasattr(config, "workerinput") and config.getoption("numprocesses", None):
        import tempfile

        handle, path = tempfile.mkstemp(prefix="pytest-units-", suffix=".json")
        os.close(handle)
        os.environ["QA_XDIST_UNITS"] = path  # inherited by the workers, started after this hook
        config.add_cleanup(lambda: os.path.exists(path) and os.unlink(path))


#: The notebooks whose student version this session runs in JupyterLab (``student_versions_in_jupyterlab``).
_STUDENT_IN_LAB = pytest.StashKey[frozenset]()
_IN_LAB_TEST = "tests/test_browser.py::test_notebook_in_jupyterlab["


@pytest.fixture(scope="session")
def student_versions_in_jupyterlab(request) -> frozenset:
    """File names of the notebooks whose student version runs in JupyterLab in this session.

    ``tests/test_browser.py`` runs each notebook's student version there (as a student opens it), when its
    test is selected and Chromium is there; ``tests/test_notebooks.py`` then leaves that version's gates to
    it and runs the others' with nbclient, so each version of a notebook is executed once per session.
    """
    return request.config.stash.get(_STUDENT_IN_LAB, frozenset())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Which student versions run in JupyterLab; on a pytest-xdist worker, the units of work (see above)."""
    import _browser

    import _qa

    in_lab = [i.callspec.params["path"].name for i in items
              if i.nodeid.startswith(_IN_LAB_TEST) and _qa.has_student_version(i.callspec.params["path"])]
    config.stash[_STUDENT_IN_LAB] = frozenset(in_lab if in_lab and _browser.missing() is None else ())
    if not hasattr(config, "workerinput"):
        return
    recorded = config.cache.get(_DURATIONS_KEY, {}) if getattr(config, "cache", None) else {}
    units: dict[str, list] = {}
    for item in items:
        group = _group(item)
        if group is None and _shares_a_module_fixture(item):
            group = f"module-{item.module.__name__}"
        units.setdefault(group or item.nodeid, []).append(item)
    cost = {unit: sum(recorded.get(i.nodeid, _guess(i)) for i in members) for unit, members in units.items()}
    # The notebooks' units first (they execute the notebooks other units read, e.g. the site build), then
    # the rest; longest first within each (stable: equal units keep pytest's order).
    order = sorted(units, key=lambda unit: (not unit.startswith("notebook-"), -cost[unit]))
    items[:] = [item for unit in order for item in units[unit]]
    target = os.environ.get("QA_XDIST_UNITS")
    if target:  # every worker writes the same map; the controller's scheduler reads it (_UnitScheduling)
        import json

        tmp = f"{target}.{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({item.nodeid: unit for unit in order for item in units[unit]}, fh)
        os.replace(tmp, target)


def pytest_xdist_make_scheduler(config, log):
    """``-n N`` (``--dist load`` or ``loadgroup``): whole units of work, in the order the workers sorted them.

    pytest-xdist's own ``loadgroup`` marks a group by a suffix of the test's node id, which pytest 9 no
    longer lets a plugin change; the workers write the units to a file instead (``QA_XDIST_UNITS``).
    """
    if config.getvalue("dist") not in ("load", "loadgroup"):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class _UnitScheduling(LoadScopeScheduling):
        def __init__(self, config, log=None):
            super().__init__(config, log)
            config.option.loadscopereorder = False  # keep the workers' order (longest first)
            self._units: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._units is None:
                import json

                try:
                    with open(os.environ["QA_XDIST_UNITS"], encoding="utf-8") as fh:
                        self._units = json.load(fh)
                except (KeyError, OSError, ValueError):
                    return nodeid  # no map (yet): each test on its own
            return self._units.get(nodeid, nodeid)

    return _UnitScheduling(config, log)


_durations: dict[str, float] = {}
#: A test slower than this without the ``slow`` mark is named at the end of ``make test-fast``.
FAST_TEST_LIMIT_S = 1.0
_unmarked_slow: dict[str, float] = {}


def pytest_runtest_logreport(report):
    """Sum setup, call and teardown per test (on the controller, from every worker's reports)."""
    _durations[report.nodeid] = _durations.get(report.nodeid, 0.0) + report.duration
    if "slow" not in report.keywords and _durations[report.nodeid] > FAST_TEST_LIMIT_S:
        _unmarked_slow[report.nodeid] = _durations[report.nodeid]


def pytest_terminal_summary(terminalreporter, config):
    """In a run without the slow tests (``make test-fast``): the tests that took long enough to deserve the mark."""
    if hasattr(config, "workerinput") or "not slow" not in (config.getoption("markexpr") or "") or not _unmarked_slow:
        return
    terminalreporter.section("tests over 1 s without @pytest.mark.slow (make test-fast should take 30 s)")
    for nodeid, seconds in sorted(_unmarked_slow.items(), key=lambda kv: -kv[1])[:15]:
        terminalreporter.line(f"{seconds:6.2f} s  {nodeid}")


def pytest_sessionfinish(session):
    """Keep this run's durations for the next run's ordering (controller or serial run only)."""
    config = session.config
    if hasattr(config, "workerinput") or not getattr(config, "cache", None) or not _durations:
        return
    recorded = config.cache.get(_DURATIONS_KEY, {})
    recorded.update({k: round(v, 3) for k, v in _durations.items()})
    config.cache.set(_DURATIONS_KEY, recorded)


@pytest.fixture(autouse=True)
def _close_figures():
    """Every test leaves no pyplot figure open (figures made through pyplot stay alive until closed)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
