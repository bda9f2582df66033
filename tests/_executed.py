"""Executed notebooks, shared by every test and every pytest-xdist worker: each one runs once per content.

``_qa.executed_run(path)`` (and ``_qa.executed_notebook(path)``) call :func:`cached_run`,
which keeps each executed notebook under a key that hashes everything its outputs depend on:

* the notebook: each cell's type, source and tags (nbclient reads tags such as
  ``skip-execution``), not its outputs, counts or other metadata, so a notebook saved
  after a run in JupyterLab keeps its key;
* every file of the ``gumbel_utils`` package (wherever it is imported from) and every
  other file of the notebook's folder and its subfolders (data), notebooks excepted;
* the Python that runs the kernel: its version and prefix, the ``python3`` kernel spec,
  the name and version of every installed distribution, libc and libm (path, size, time),
  NumPy's build and CPU features, the platform;
* what configures a kernel from outside: the variables of the kernel's environment that
  Python, NumPy's threads, Matplotlib, IPython, Jupyter or the package read (by prefix;
  not ``PYTHONDONTWRITEBYTECODE``), the IPython profile and startup files, Jupyter's kernel
  configuration files, ``matplotlibrc`` and Matplotlib's font list;
* the code that executes (the source of ``_qa``'s execute function and of the
  environment it gives the kernel) and what runs after the last cell (the site's frames
  export: ``tools/build_site.py`` and ``tools/site_*.py``), passed in by ``_qa`` as a salt.

An entry is the executed notebook (``<key>.ipynb``), its record (``<key>.json``: run
time, kernel CPU time, the notebook's path, whether the run was clean) and the folder of
what the run wrote besides (``<key>.files/``: the site's explorer frames). The folder is
``.pytest_cache/executed/`` (``QA_EXECUTED_DIR`` to move it); ``pytest --cache-clear`` and
``make clean`` empty it. Clean runs (no error, within the budget) are reused by later
sessions too: with the key above, a reused entry is what executing again would give. Other
runs are reused within their own session only (``QA_SESSION_ID``, set once by
``tests/conftest.py`` and inherited by the workers), so a failure is re-examined next time.
A lock file per key (``fcntl``; without it, two workers may both execute, and the last
atomic write wins) makes sure that two workers never execute the same notebook together.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import platform
import shutil
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = Path(os.environ.get("QA_EXECUTED_DIR") or ROOT / ".pytest_cache" / "executed")
#: Raise to invalidate every entry (a change of the store's format).
FORMAT = 1
#: Environment variables, by prefix, that may change what a kernel prints.
_ENV_PREFIXES = ("PYTHON", "MPL", "MATPLOTLIB", "GUMBEL", "OMP_", "OPENBLAS", "MKL_", "NUMEXPR", "NPY_", "NUMPY",
                 "SCIPY", "JUPYTER", "IPYTHON", "JPY_", "LANG", "LC_", "TZ", "HOME", "XDG_CONFIG", "XDG_CACHE")
#: ... except these, which change no output (``make test`` clears the first, a shell may set it).
_ENV_IGNORED = {"PYTHONDONTWRITEBYTECODE"}
#: Kept entries per notebook path (older keys of the same notebook are removed).
_KEEP_PER_NOTEBOOK = 3


@dataclass
class Entry:
    nb: Any  # nbformat.NotebookNode
    record: dict


# --------------------------------------------------------------------------- the key


def _sha(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _tree_digest(folder: Path, *, skip_suffixes: tuple[str, ...] = ()) -> str:
    """Digest of every file below ``folder`` (relative path and bytes), caches and checkpoints left out."""
    parts: list[str] = []
    if folder.is_dir():
        for file in sorted(folder.rglob("*")):
            rel = file.relative_to(folder)
            if (not file.is_file() or file.suffix in skip_suffixes or file.suffix == ".pyc"
                    or any(p in ("__pycache__", ".ipynb_checkpoints") for p in rel.parts)):
                continue
            parts += [rel.as_posix(), _sha(file.read_bytes())]
    return _sha(*parts)


def notebook_digest(path: Path) -> str:
    """What of the notebook file decides its outputs: each cell's type, source and tags, in order."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    cells = [[c.cell_type, c.source, list(c.get("metadata", {}).get("tags", []))] for c in nb.cells]
    return _sha(json.dumps([nb.nbformat, nb.metadata.get("kernelspec", {}).get("name"), cells]))


def _package_dir() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("gumbel_utils")
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) if locations else None


def _config_files() -> list[Path]:
    """Files read by a starting kernel from outside the repository and the environment's packages."""
    files: list[Path] = []
    profile = Path(os.environ.get("IPYTHONDIR") or Path.home() / ".ipython") / "profile_default"
    files += [profile / f"{name}.{ext}" for name in ("ipython_config", "ipython_kernel_config") for ext in ("py", "json")]
    files += sorted(profile.glob("startup/*.py")) + sorted(profile.glob("startup/*.ipy"))  # not the README IPython adds
    with contextlib.suppress(Exception):
        from jupyter_core.paths import jupyter_config_path

        for folder in jupyter_config_path():
            files += sorted(Path(folder).glob("ipython*config*")) + sorted(Path(folder).glob("jupyter_client*config*"))
    with contextlib.suppress(Exception):
        import matplotlib
        import matplotlib.font_manager  # noqa: F401 - builds the font list first if missing (every process sees one)

        files.append(Path(matplotlib.matplotlib_fname()))
        files += sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
    return [f for f in files if f.is_file()]


def _system_libraries() -> list[str]:
    """libc and libm as this process maps them (Linux): path, size and modification time."""
    found = set()
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/maps").read_text().splitlines():
            name = line.split()[-1]
            if name.startswith("/") and Path(name).name.split(".so")[0] in ("libc", "libm"):
                found.add(name)
    described = []
    for name in sorted(found):
        with contextlib.suppress(OSError):
            st = os.stat(name)
            described.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return described


@lru_cache(maxsize=1)
def environment_digest() -> str:
    """Digest of the Python, the installed distributions, the platform and the kernel's outside configuration."""
    import importlib.metadata

    from jupyter_client.kernelspec import KernelSpecManager

    dists = sorted({f"{d.metadata['Name']}=={d.version}".lower() for d in importlib.metadata.distributions()
                    if d.metadata["Name"]})
    spec = KernelSpecManager().get_kernel_spec("python3")
    try:
        import numpy

        numpy_config = json.dumps(numpy.show_config(mode="dicts"), sort_keys=True, default=str)
    except Exception as err:  # noqa: BLE001 - an older NumPy: its version is in `dists`
        numpy_config = repr(err)
    configs = [f"{f}:{_sha(f.read_bytes())}" for f in _config_files()]
    return _sha(
        str(FORMAT), sys.version, sys.prefix, sys.executable,
        json.dumps([spec.argv, spec.env, spec.language, spec.metadata], sort_keys=True, default=str),
        *dists, platform.platform(), platform.machine(), json.dumps(platform.libc_ver()), *_system_libraries(),
        numpy_config, *configs,
    )


def file_digest(*paths: Path) -> str:
    """Digest of files by content (a missing file counts as missing)."""
    return _sha(*[f"{p}:{_sha(p.read_bytes()) if p.is_file() else 'missing'}" for p in paths])


def key(path: Path, env: dict, salt: str) -> str:
    """The content key of executing ``path`` in a kernel with environment ``env`` (see the module docstring).

    ``salt``: what else the caller's execution depends on (the source of its code, of a hook run after
    the last cell and of the files that hook reads).
    """
    package = _package_dir()
    return _sha(
        environment_digest(),
        notebook_digest(path),
        _tree_digest(package) if package else "no gumbel_utils",
        _tree_digest(path.parent, skip_suffixes=(".ipynb",)),
        json.dumps(sorted((k, v) for k, v in env.items() if k.startswith(_ENV_PREFIXES) and k not in _ENV_IGNORED)),
        salt,
    )[:32]


# --------------------------------------------------------------------------- the store


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """An exclusive lock on ``lock_path`` for this process (fcntl), or none where fcntl is missing."""
    try:
        import fcntl
    except ImportError:  # not POSIX: workers may execute the same notebook twice; writes stay atomic
        yield
        return
    with open(lock_path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _load(folder: Path, k: str) -> Entry | None:
    import nbformat

    nb_path, record_path = folder / f"{k}.ipynb", folder / f"{k}.json"
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        nb = nbformat.read(nb_path, as_version=4)
    except (OSError, ValueError):
        return None
    session = os.environ.get("QA_SESSION_ID")
    if record.get("ok") or (session and record.get("session") == session):
        return Entry(nb, record)
    return None


def _store(folder: Path, k: str, nb, record: dict) -> None:
    import nbformat

    _atomic_write(folder / f"{k}.json", json.dumps(record, indent=1))
    _atomic_write(folder / f"{k}.ipynb", nbformat.writes(nb))
    _prune(folder, record, keep=k)


def _prune(folder: Path, record: dict, keep: str) -> None:
    """Remove the oldest entries of the same notebook path and run number beyond the newest few (``keep`` stays)."""
    mine = []
    for record_path in folder.glob("*.json"):
        with contextlib.suppress(OSError, ValueError):
            other = json.loads(record_path.read_text(encoding="utf-8"))
            if (other.get("path"), other.get("run", 0)) == (record["path"], record.get("run", 0)):
                mine.append((record_path.stat().st_mtime, record_path.stem))
    for _, stem in sorted(mine, reverse=True)[_KEEP_PER_NOTEBOOK:]:
        if stem != keep:
            for suffix in (".ipynb", ".json", ".lock"):
                with contextlib.suppress(OSError):
                    (folder / f"{stem}{suffix}").unlink()
            shutil.rmtree(folder / f"{stem}.files", ignore_errors=True)


def graft(current, executed):
    """``current`` (the notebook file as it is now) with the outputs and run metadata of ``executed``.

    The key covers each cell's type, source and tags; the rest of the metadata is taken from
    the file as it is now, so the result is exactly what executing it now would give.
    """
    nb = copy.deepcopy(current)
    for cell, ran in zip(nb.cells, executed.cells):
        if cell.cell_type == "code":
            cell.outputs = ran.get("outputs", [])
            cell.execution_count = ran.get("execution_count")
            if "execution" in ran.get("metadata", {}):
                cell.metadata["execution"] = ran.metadata["execution"]
    for name in ("language_info", "widgets"):
        if name in executed.metadata:
            nb.metadata[name] = executed.metadata[name]
    return nb


def cached_run(path: Path, *, execute: Callable[[Path, Path | None], Any], env: dict, salt: str,
               ok: Callable[[Path, Any], bool], run: int = 0, folder: bool = False) -> tuple[Any, dict]:
    """``(executed notebook, record)`` of ``path``: from the store, or executed now (under the key's lock) and stored.

    ``execute(path, folder)`` returns an object with ``nb``, ``seconds``, ``kernel_cpu_s``,
    ``after_outputs``, ``after_seconds`` and ``after_cpu_s``; ``folder`` is None, or with ``folder=True`` an empty folder of the entry
    (``<key>.files/``, kept with it: ``record["folder"]``) for what the execution writes besides the
    notebook. ``ok(path, run)`` says whether the run may be reused by later sessions (clean and within
    budget). ``run`` numbers independent executions of the same content (``run=1``: a second fresh
    kernel, stored under its own key). The notebook returned is a fresh copy: callers may change it.
    """
    import nbformat

    path = Path(path).resolve()
    k = key(path, env, salt) + (f"-run{run}" if run else "")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    current = nbformat.read(path, as_version=4)
    entry = _load(CACHE_DIR, k)
    if entry is None:
        with _locked(CACHE_DIR / f"{k}.lock"):
            entry = _load(CACHE_DIR, k)  # another worker may have executed it while this one waited
            if entry is None:
                files = CACHE_DIR / f"{k}.files" if folder else None
                if files is not None:
                    shutil.rmtree(files, ignore_errors=True)  # what an interrupted execution left
                    files.mkdir()
                ran = execute(path, files)
                record = {"path": str(path), "notebook": path.name, "run": run, "seconds": ran.seconds,
                          "kernel_cpu_s": ran.kernel_cpu_s, "after_outputs": ran.after_outputs,
                          "after_seconds": ran.after_seconds, "after_cpu_s": ran.after_cpu_s,
                          "folder": str(files) if files else None, "ok": bool(ok(path, ran)),
                          "session": os.environ.get("QA_SESSION_ID"), "created": time.time()}
                _store(CACHE_DIR, k, ran.nb, record)
                entry = Entry(ran.nb, dict(record, executed_now=True))
    return graft(current, entry.nb), entry.record
