"""axe-core, the accessibility checker, run inside a page that Playwright drives.

axe-core (Deque Systems, MPL-2.0) is JavaScript; the PyPI wheel ``axe-playwright-python``
(requirements.txt) ships its ``axe.min.js``, so the checker needs no Node.js or npm: only
that file is used here, injected into the page and run with ``axe.run``. Nothing is
fetched: the script is evaluated from the installed file.

``python tests/_axe.py SITE_DIR OUT.json`` checks every page of a built site (``make
site``) from ``file://`` with every other request refused, writes the full results and
prints a summary: how the "before/after" record of issue 20 was made.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

#: Impacts that fail the site's test (axe's four levels: minor, moderate, serious, critical).
FAILING_IMPACTS = ("serious", "critical")


def axe_script() -> tuple[str, str]:
    """The text of the installed ``axe.min.js`` and its version (from its banner)."""
    from importlib.resources import files

    text = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    version = text[:200].split("axe v", 1)[-1].split()[0] if "axe v" in text[:200] else "unknown"
    return text, version


def start_axe(page, options: dict | None = None) -> None:
    """Start axe-core on the page as it is now, without waiting: :func:`axe_results` collects the results.

    Started on several pages first, the checks run at once, each in its page's renderer process.

    Parameters
    ----------
    page : playwright.sync_api.Page
        A loaded page.
    options : dict, optional
        axe's run options (default: every rule of axe's default set, violations and
        incomplete results only).
    """
    script, _ = axe_script()
    page.evaluate(script)
    opts = options or {"resultTypes": ["violations", "incomplete"]}
    page.evaluate("(opts) => { window.__axeRun = axe.run(document, opts); }", opts)


def axe_results(page) -> dict[str, Any]:
    """The results of the check :func:`start_axe` started (``violations``, ``incomplete``, ...), once it ends."""
    return page.evaluate("async () => await window.__axeRun")


def run_axe(page, options: dict | None = None) -> dict[str, Any]:
    """Run axe-core on the page as it is now; return its results (:func:`start_axe`, then :func:`axe_results`)."""
    start_axe(page, options)
    return axe_results(page)


def summarize(violations: list[dict]) -> list[dict[str, Any]]:
    """One line per violated rule: id, impact, how many elements, the rule's help text, three targets."""
    return [
        {
            "id": v["id"],
            "impact": v.get("impact"),
            "nodes": len(v.get("nodes", [])),
            "help": v.get("help", ""),
            "targets": [" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])[:3]],
        }
        for v in violations
    ]


def failing(violations: list[dict]) -> list[dict]:
    """The violations whose impact is serious or critical."""
    return [v for v in violations if v.get("impact") in FAILING_IMPACTS]


def check_site(site: Path, out: Path) -> dict[str, Any]:
    """axe on every page of a built site; write ``out`` (JSON) and return ``{page: summary}``."""
    sys.path.insert(0, str(Path(__file__).parent))
    import _browser

    pages = sorted(Path(site).resolve().glob("*.html"))
    report: dict[str, Any] = {"axe_version": axe_script()[1], "pages": {}}
    with _browser.chromium("axe check") as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(120_000)
        blocked = _browser.guard(context, lambda url: url.startswith(("file:", "data:", "blob:")))
        for path in pages:
            page = context.new_page()
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function("document.documentElement.dataset.mathjax === 'typeset'", timeout=120_000)
            results = run_axe(page)
            report["pages"][path.name] = {
                "violations": summarize(results["violations"]),
                "incomplete": summarize(results["incomplete"]),
            }
            page.close()
        context.close()
    report["blocked"] = blocked
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return report


def print_summary(report: dict[str, Any]) -> None:
    """Violations by rule and impact, summed over pages, then per page."""
    total: Counter = Counter()
    impact = {}
    for summary in report["pages"].values():
        for v in summary["violations"]:
            total[v["id"]] += v["nodes"]
            impact[v["id"]] = v["impact"]
    print(f"axe-core {report['axe_version']}, {len(report['pages'])} pages; blocked requests: {len(report['blocked'])}")
    for rule, nodes in total.most_common():
        pages = sum(any(v["id"] == rule for v in s["violations"]) for s in report["pages"].values())
        print(f"  {rule:28s} {impact[rule]:9s} {nodes:5d} elements on {pages} pages")
    if not total:
        print("  no violations")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: python tests/_axe.py SITE_DIR OUT.json")
    print_summary(check_site(Path(sys.argv[1]), Path(sys.argv[2])))
