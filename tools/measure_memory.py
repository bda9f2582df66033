"""Memory of one student on a class hub: JupyterLab with every notebook open and run, measured.

Starts JupyterLab with the course's options (``tools/lab_command.sh``, as ``make lab``
and Binder do) on 127.0.0.1, opens a session (a kernel) for every notebook in
``notebooks/`` as the file browser would, runs each notebook's code cells top to
bottom in its kernel, and then sums the resident memory (RSS) of the server and all
its kernels: what one student's single-user server holds at the end of a class.
Prints a table; the README's section for the person who runs the hub quotes it.

Usage: ``python tools/measure_memory.py`` (``--keep-seconds N`` waits N s before measuring).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _api(base: str, token: str, path: str, method: str = "GET", body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{base}{path}", data=data, method=method,
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        text = response.read()
        return json.loads(text) if text else None


def _run_cells(connection_file: Path, path: Path, timeout: float) -> tuple[float, list[str]]:
    import nbformat
    from jupyter_client import BlockingKernelClient

    client = BlockingKernelClient()
    client.load_connection_file(str(connection_file))
    client.start_channels(hb=False)  # the server watches the kernel; a fresh heartbeat reads as 'dead'
    errors = []
    start = time.perf_counter()
    try:
        client.wait_for_ready(timeout=120)
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            reply = client.execute_interactive(cell.source, timeout=timeout, output_hook=lambda msg: None)
            if reply["content"].get("status") != "ok":
                errors.append(f"cell {index}: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")
    finally:
        client.stop_channels()
    return time.perf_counter() - start, errors


def measure(notebooks: list[Path], *, keep_seconds: float = 2.0, cell_timeout: float = 300.0) -> dict:
    import psutil

    workdir = Path(tempfile.mkdtemp(prefix="gumbel-memory-"))
    token = secrets.token_hex(16)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    env.update(JUPYTER_RUNTIME_DIR=str(workdir / "runtime"), JUPYTER_CONFIG_DIR=str(workdir / "config"))
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    command = [str(ROOT / "tools" / "lab_command.sh"), jupyter, "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]
    log = open(workdir / "server.log", "wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                _api(base, token, "/api/status")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError((workdir / "server.log").read_text(errors="replace")[-3000:])
                time.sleep(0.3)
        idle_rss = psutil.Process(server.pid).memory_info().rss
        runs = {}
        for path in notebooks:
            relative = path.resolve().relative_to(ROOT).as_posix()
            session = _api(base, token, "/api/sessions", "POST",
                           {"path": relative, "name": path.name, "type": "notebook", "kernel": {"name": "python3"}})
            kernel_id = session["kernel"]["id"]
            connection = workdir / "runtime" / f"kernel-{kernel_id}.json"
            for _ in range(100):
                if connection.exists():
                    break
                time.sleep(0.1)
            seconds, errors = _run_cells(connection, path, cell_timeout)
            runs[path.name] = {"kernel": kernel_id, "seconds": seconds, "errors": errors}
        time.sleep(keep_seconds)
        root = psutil.Process(server.pid)
        processes = [root] + root.children(recursive=True)
        rows = []
        for proc in processes:
            try:
                info = proc.memory_full_info()
                cmd = " ".join(proc.cmdline())
            except psutil.Error:
                continue
            kernel = next((name for name, r in runs.items() if r["kernel"] in cmd), None)
            label = f"kernel: {kernel}" if kernel else ("jupyter server" if proc.pid == server.pid else proc.name())
            rows.append({"what": label, "rss": info.rss, "pss": getattr(info, "pss", info.rss)})
        return {"rows": rows, "runs": runs, "idle_server_rss": idle_rss,
                "total_rss": sum(r["rss"] for r in rows), "total_pss": sum(r["pss"] for r in rows)}
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep-seconds", type=float, default=2.0)
    args = parser.parse_args(argv)
    notebooks = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb"))
    result = measure(notebooks, keep_seconds=args.keep_seconds)
    for name, run in result["runs"].items():
        status = "ok" if not run["errors"] else "ERRORS: " + "; ".join(run["errors"][:2])
        print(f"ran {name} in {run['seconds']:.1f} s: {status}")
    print(f"\n{'process':45s} {'RSS MiB':>8s} {'PSS MiB':>8s}")
    for row in sorted(result["rows"], key=lambda r: r["what"]):
        print(f"{row['what']:45s} {row['rss'] / MIB:8.0f} {row['pss'] / MIB:8.0f}")
    print(f"{'total (one student)':45s} {result['total_rss'] / MIB:8.0f} {result['total_pss'] / MIB:8.0f}")
    print(f"(the server alone, before any kernel: {result['idle_server_rss'] / MIB:.0f} MiB RSS)")
    return 1 if any(r["errors"] for r in result["runs"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
