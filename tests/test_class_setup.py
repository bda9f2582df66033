"""A class of fifty: the repository runs unchanged on Binder and on a class JupyterHub.

- The Binder start command is the one ``make lab`` uses: both go through
  ``tools/lab_command.sh`` (the one place the JupyterLab options are written). The
  test runs the Makefile's ``lab`` recipe (as ``make -n`` prints it) and
  ``binder/start`` with a stand-in ``jupyter`` that prints what it receives, and
  compares the two command lines.
- A fresh virtual environment built from the repository's files alone (a copy of
  what git tracks, no ``.venv``) installs with ``make setup``'s command and imports
  everything; Binder's ``binder/requirements.txt`` then asks for nothing more than
  nbgitpuller. Slow (a minute or two with pip's cache; it needs the package index).
  Where the session already runs in one (``make test`` from a fresh clone, as CI does:
  ``make setup`` created ``.venv`` new, from a clean clone of the commit still checked
  out, which ``.venv/.installed`` records, see ``tools/install_record.py``), the test
  checks that environment instead of installing a second copy of it.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import _qa
import install_record  # tools/ (pyproject.toml: pythonpath)

ROOT = _qa.ROOT
LAB_COMMAND = ROOT / "tools" / "lab_command.sh"
BINDER = ROOT / "binder"


def _fake_server(tmp_path: Path, name: str) -> Path:
    """An executable called ``name`` that prints its arguments, one per line."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / name
    fake.write_text("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n")
    fake.chmod(0o755)
    return fake


def _run(args: list[str], **kw) -> list[str]:
    result = subprocess.run(args, capture_output=True, text=True, timeout=60, **kw)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout.splitlines()


def _make_lab_command(fake_bin: Path) -> list[str]:
    """The command line of ``make lab`` (from ``make -n``), with BIN pointing at the stand-in."""
    lines = _run(["make", "--no-print-directory", "-n", "-C", str(ROOT), "lab", f"BIN={fake_bin}"])
    commands = [line for line in lines if "lab_command.sh" in line]
    assert len(commands) == 1, f"`make -n lab` should run tools/lab_command.sh once:\n" + "\n".join(lines)
    return shlex.split(commands[0])


def test_binder_start_runs_the_command_of_make_lab(tmp_path):
    jupyter = _fake_server(tmp_path, "jupyter")
    options = _run([str(LAB_COMMAND), "--print"])
    assert f"--ServerApp.root_dir={ROOT}" in options and "--LabApp.default_url=/lab/tree/notebooks" in options
    assert ("--allow-root" in options) == (os.geteuid() == 0)

    make_lab = _make_lab_command(jupyter.parent)
    assert Path(make_lab[0]).resolve() == LAB_COMMAND.resolve() and make_lab[1:3] == [str(jupyter), "lab"], make_lab
    from_make = _run(make_lab, cwd=ROOT)  # what the server receives under `make lab`
    # Binder: repo2docker runs binder/start with the server command it chose (here: jupyter lab + its own flags).
    binder_args = ["lab", "--ip=0.0.0.0", "--port=8888"]
    from_binder = _run([str(BINDER / "start"), str(jupyter), *binder_args], cwd=ROOT)
    assert from_make[0] == from_binder[0] == "lab"
    assert from_make[-len(options):] == options, f"make lab: {from_make}"
    assert from_binder == binder_args + options, f"binder/start: {from_binder}"
    # Same for a hub's single-user server; any other command passes through untouched.
    singleuser = _fake_server(tmp_path, "jupyterhub-singleuser")
    assert _run([str(BINDER / "start"), str(singleuser), "--port=8888"], cwd=ROOT) == ["--port=8888", *options]
    assert _run([str(BINDER / "start"), "echo", "hello"], cwd=ROOT) == ["hello"]


def test_binder_installs_what_make_setup_installs():
    lines = [line.split("#", 1)[0].strip() for line in (BINDER / "requirements.txt").read_text().splitlines()]
    lines = [line for line in lines if line]
    assert "-r ../requirements.txt" in lines and "-c ../constraints.txt" in lines
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert runtime.startswith("python-3."), runtime
    assert os.access(BINDER / "start", os.X_OK) and os.access(LAB_COMMAND, os.X_OK)


# ----------------------------------------------------------------------------- a fresh environment


def _repository_files() -> list[str]:
    """What git tracks, plus new files not ignored (the repository as a clone will have it)."""
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                             capture_output=True, check=True, timeout=60).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: cannot tell the repository's files from local ones")
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


IMPORT_CHECK = textwrap.dedent("""
    import importlib, importlib.metadata, pkgutil
    import gumbel_utils
    modules = [m.name for m in pkgutil.walk_packages(gumbel_utils.__path__, "gumbel_utils.")]
    for name in modules:
        importlib.import_module(name)
    for name in ["ipywidgets", "matplotlib", "scipy", "sklearn", "nbclient", "nbconvert", "nbformat",
                 "ipykernel", "jupyterlab", "voila", "playwright.sync_api", "nbstripout", "pytest", "hypothesis"]:
        importlib.import_module(name)
    files = importlib.metadata.files("django-static-mathjax")
    assert any(str(f).endswith("es5/tex-svg-full.js") for f in files), "MathJax for make site is missing"
    print(len(modules), "modules of gumbel_utils imported from", gumbel_utils.__file__)
""")


def fresh_by_make_setup(record: dict, commit: str | None, changes: list[str] | None) -> bool:
    """Whether an install record (``.venv/.installed``) describes a fresh environment of this checkout as it is.

    True only when ``make setup`` created the environment new (not an install into an older
    one), from a clean tree (no changed or untracked file) of ``commit``, and the checkout is
    still that commit with no change (``commit, changes``: ``install_record.checkout_state()`` now).
    """
    return (record.get("new_venv") is True and commit is not None and record.get("commit") == commit
            and record.get("changes") == [] and changes == [])


def _pip(venv: Path) -> list[str]:
    return [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]


def _this_session_environment() -> Path | None:
    """``.venv`` when this session runs in it and it is fresh (:func:`fresh_by_make_setup`), else None."""
    venv = ROOT / ".venv"
    if Path(sys.prefix).resolve() != venv.resolve():
        return None
    try:
        record = json.loads((venv / ".installed").read_text(encoding="utf-8"))
    except (OSError, ValueError):  # no record, or an older stamp (an empty file)
        return None
    return venv if fresh_by_make_setup(record, *install_record.checkout_state()) else None


@pytest.mark.parametrize("record, commit, changes, fresh", [
    ({"new_venv": True, "commit": "abc", "changes": []}, "abc", [], True),
    ({"new_venv": False, "commit": "abc", "changes": []}, "abc", [], False),         # installed into an older venv
    ({"new_venv": True, "commit": "abc", "changes": ["?? x.py"]}, "abc", [], False),  # an untracked file then
    ({"new_venv": True, "commit": "abc", "changes": []}, "abc", [" M Makefile"], False),  # a change since
    ({"new_venv": True, "commit": "abc", "changes": []}, "def", [], False),          # another commit since
    ({"new_venv": True, "commit": None, "changes": None}, None, None, False),        # not a git clone
    ({}, "abc", [], False),                                                          # an older, empty stamp
])
def test_only_a_new_environment_of_this_clean_checkout_counts_as_fresh(record, commit, changes, fresh):
    assert fresh_by_make_setup(record, commit, changes) is fresh


@pytest.mark.slow
def test_fresh_environment_from_the_repository_files_alone(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV")}
    venv = _this_session_environment()
    if venv is not None:  # `make setup` just built it from a clean clone of this commit: that is the check
        repo = ROOT
        how = f"the session's own {venv.name}, new from a clean clone (.venv/.installed)"
    else:
        repo = tmp_path / "repo"
        for name in _repository_files():
            target = repo / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
        venv = tmp_path / "venv"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
        # --no-compile: the environment is thrown away after one import check; compiling every module at install
        # time (what `make setup` does) costs about 30 s of CPU more and checks nothing that importing does not.
        install = subprocess.run([*_pip(venv), "install", "--quiet", "--no-compile", "-r", "requirements.txt", "-c",
                                  "constraints.txt"], cwd=repo, env=env, capture_output=True, text=True, timeout=1500)
        assert install.returncode == 0, (
            f"`pip install -r requirements.txt -c constraints.txt` failed:\n{install.stderr[-4000:]}")
        how = f"installed in {time.perf_counter() - start:.0f} s"
    check = subprocess.run([str(venv / "bin" / "python"), "-c", IMPORT_CHECK], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=600)
    assert check.returncode == 0, f"imports failed in the fresh environment:\n{check.stderr[-4000:]}"
    assert str(repo) in check.stdout, f"gumbel_utils was not imported from {repo}: {check.stdout}"
    for tool in ("jupyter-lab", "voila"):
        version = subprocess.run([str(venv / "bin" / tool), "--version"], env=env, capture_output=True, text=True,
                                 timeout=120)
        assert version.returncode == 0, f"{tool} --version failed: {version.stderr[-2000:]}"
    # Binder installs binder/requirements.txt: the same set, plus nbgitpuller for class hubs.
    dry = subprocess.run([*_pip(venv), "install", "--dry-run", "-r", "binder/requirements.txt"], cwd=repo, env=env,
                         capture_output=True, text=True, timeout=600)
    assert dry.returncode == 0, f"binder/requirements.txt does not resolve:\n{dry.stderr[-4000:]}"
    would = [line for line in dry.stdout.splitlines() if line.startswith("Would install")]
    extra = would[0].split()[2:] if would else []
    assert all(p.lower().startswith("nbgitpuller-") or p.lower().startswith("gumbel_utils-")
               or p.lower().startswith("gumbel-utils-") for p in extra), f"Binder would install more: {extra}"
    print(f"fresh environment: {how}; {check.stdout.strip()}")
