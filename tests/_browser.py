"""Headless Chromium for the site and projector tests: the OS's browser, no network beyond what a test allows.

Chromium comes from the OS (Debian's ``chromium`` package), never from Playwright's
download. Without it (or without Playwright) a test is skipped with the reason shown,
except under ``CI=true``, where ``.ci/run`` installs it and the test fails instead.
Every request a page makes goes through :func:`guard`: allowed ones continue, the
others are refused and recorded, so a test can assert that nothing left the machine.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from typing import Callable, Iterator

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def unavailable(reason: str, what: str = "browser test"):
    """Skip with ``reason``, or fail under ``CI=true`` (where the browser must be there)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is mandatory under CI=true: {reason}", pytrace=False)
    pytest.skip(f"{what} skipped: {reason}")


def missing() -> str | None:
    """Why no browser test can run here (no ``chromium`` on PATH, no Playwright), or None."""
    if not shutil.which("chromium"):
        return "no `chromium` on PATH (install Debian's chromium package: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        return f"playwright is not installed ({err})"
    return None


def chromium_path(what: str = "browser test") -> str:
    reason = missing()
    if reason:
        unavailable(reason, what)
    return shutil.which("chromium")


@contextmanager
def chromium(what: str = "browser test") -> Iterator:
    """The OS's Chromium, headless, driven by Playwright; closed on exit, also after a failure."""
    path = chromium_path(what)
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        manager.stop()


def guard(context, allowed: Callable[[str], bool]) -> list[str]:
    """Refuse (and record) every request of ``context`` whose URL ``allowed`` rejects; return the record."""
    blocked: list[str] = []

    def route(route_):
        url = route_.request.url
        if allowed(url):
            route_.continue_()
        else:
            blocked.append(url)
            route_.abort()

    context.route("**/*", route)
    return blocked
