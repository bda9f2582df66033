"""How long each notebook takes a student: an estimate from its content, and the times the notebooks state.

A notebook states its time in its first cells as ``**Time:** 75 to 110 minutes, plus about 25 minutes for
the exercises.`` Both ranges come from :func:`estimate` on the executed notebook (figures and printed
lines count), rounded outwards to 5 minutes; ``tests/test_reading_time.py`` fails when a stated time
and the estimate disagree, and ``tools/prose_numbers.py`` checks every other mention of a time (the
README's table, the teaching guide) against the stated ones.

The model
---------
Minutes = sum over what a student reads or does of (count x minutes per item), once with the rates
of a fast reader and once with those of a careful one (:data:`RATES`):

* prose words (markdown without LaTeX and code): 110 and 80 words per minute, the speed of
  studying technical text rather than reading it;
* display equations (``$$ ... $$``): 1 and 1.5 minutes each;
* lines of code (non-blank, not comments), read and run: 0.08 and 0.12 minutes each;
* figures (image outputs): 2 and 3 minutes each (most are multi-panel and have a caption to check);
* printed lines (stream output: tables, checks): 0.08 and 0.12 minutes each;
* live explorers (``explore_*`` calls), with their Predict question: 3 and 5 minutes each;
* exercises (self-check cells ``check.exercise_N_M(...)``): 5 and 10 minutes each, stated apart.

Calibration: two readers timed the course of 27 November 2026 (issue 17) at 5.5 to 8 hours in
total and 90 to 120 minutes for Notebook 3. On those notebooks this model gives 6.4 to 9.5 hours and
74 to 108 minutes for Notebook 3 (``python tools/reading_time.py --executed <old executed notebooks>``):
the ranges overlap; the model is a little slower in total and a little faster on Notebook 3, which the
readers found the hardest. It measures length, not difficulty: read its numbers as a plan, not a promise.

Examples
--------
``python tools/reading_time.py`` prints the table from the notebooks' own outputs (after ``make
site`` or a Run All); ``--executed DIR`` reads executed copies; ``--check`` exits 1 when a stated time
differs from the estimate; ``--write`` puts the estimate into the source notebooks.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

__all__ = ["EXERCISE_MINUTES", "PLAN_SLACK", "PRESENTED_RATES", "RATES", "Estimate", "estimate", "features", "main",
           "PlanRow", "plan_rows", "presented_minutes", "sections", "stated_time", "time_sentence", "write_time"]

ROOT = Path(__file__).resolve().parents[1]

#: What a student reads or does -> (minutes per item for a fast reader, for a careful reader).
RATES: dict[str, tuple[float, float]] = {
    "words": (1 / 110, 1 / 80),
    "display_equations": (1.0, 1.5),
    "code_lines": (0.08, 0.12),
    "figures": (2.0, 3.0),
    "printed_lines": (0.08, 0.12),
    "explorers": (3.0, 5.0),
}
#: Minutes per item when a lecturer presents a section to a class (the 90-minute plan of ``docs/teaching.md``):
#: prose at the pace of speech (150 words per minute), code run rather than read, figures and printed lines
#: pointed at, each explorer with its Predict question answered by the room.
PRESENTED_RATES: dict[str, float] = {
    "words": 1 / 150,
    "display_equations": 0.5,
    "code_lines": 0.02,
    "figures": 1.0,
    "printed_lines": 0.04,
    "explorers": 3.0,
}
#: A plan row may last between these multiples of its sections' presented estimate.
PLAN_SLACK: tuple[float, float] = (0.8, 1.5)
#: Minutes per exercise (fast, careful); stated apart from the reading time.
EXERCISE_MINUTES: tuple[float, float] = (5.0, 10.0)
#: Stated times are rounded outwards to this many minutes.
ROUND_TO = 5

_DISPLAY = re.compile(r"\$\$.*?\$\$", flags=re.S)
_INLINE = re.compile(r"\$[^$]+\$")
_FENCE = re.compile(r"```.*?```", flags=re.S)
_WORD = re.compile(r"[A-Za-z0-9][\w'’.-]*")
_EXPLORER = re.compile(r"\bexplore_\w+\(")
_EXERCISE = re.compile(r"\bcheck\.exercise_\d+_\d+\(")
_STATED = re.compile(r"\*\*Time:?\*\*:?\s*(?P<low>\d+)\s+to\s+(?P<high>\d+)\s+minutes"
                     r"(?:,\s*plus\s+about\s+(?P<ex>\d+)\s+minutes\s+for\s+the\s+exercises?)?")


def _source(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def features(nb: Mapping[str, Any]) -> dict[str, int]:
    """Count what a student reads or does in an executed notebook.

    Parameters
    ----------
    nb : mapping
        A notebook (``nbformat`` node or the parsed JSON) with its outputs.

    Returns
    -------
    dict of str to int
        The keys of :data:`RATES` and ``"exercises"``.
    """
    counts = dict.fromkeys([*RATES, "exercises"], 0)
    for cell in nb["cells"]:
        text = _source(cell)
        if cell["cell_type"] == "markdown":
            counts["display_equations"] += len(_DISPLAY.findall(text))
            prose = _FENCE.sub(" ", _INLINE.sub(" X ", _DISPLAY.sub(" ", text)))
            counts["words"] += len(_WORD.findall(prose))
        elif cell["cell_type"] == "code":
            counts["code_lines"] += sum(1 for line in text.splitlines()
                                        if line.strip() and not line.lstrip().startswith("#"))
            counts["explorers"] += len(_EXPLORER.findall(text))
            counts["exercises"] += len(_EXERCISE.findall(text))
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                if "image/png" in data or "image/svg+xml" in data:
                    counts["figures"] += 1
                elif out.get("output_type") == "stream":
                    stream = out.get("text", "")
                    counts["printed_lines"] += len(("".join(stream) if isinstance(stream, list) else stream)
                                                   .splitlines())
    return counts


@dataclass(frozen=True)
class Estimate:
    """A notebook's estimated time in minutes.

    Attributes
    ----------
    low, high : float
        Reading, running and exploring, at the fast and the careful rates of :data:`RATES`.
    exercises_low, exercises_high : float
        The exercises, at :data:`EXERCISE_MINUTES` each.
    counts : dict of str to int
        What was counted (:func:`features`).
    """

    low: float
    high: float
    exercises_low: float
    exercises_high: float
    counts: dict

    def stated(self) -> tuple[int, int, int]:
        """(low, high, exercises) as a notebook states them: outwards to 5 minutes; exercises at their midpoint."""
        low = int(ROUND_TO * math.floor(self.low / ROUND_TO))
        high = int(ROUND_TO * math.ceil(self.high / ROUND_TO))
        exercises = int(ROUND_TO * math.floor((self.exercises_low + self.exercises_high) / 2 / ROUND_TO + 0.5))
        return low, high, exercises


def estimate(nb: Mapping[str, Any]) -> Estimate:
    """Estimate a student's time for an executed notebook (the model of the module docstring).

    .. math::

        T_{\\text{fast}} = \\sum_i c_i \\, r_i^{\\text{fast}}, \\qquad
        T_{\\text{careful}} = \\sum_i c_i \\, r_i^{\\text{careful}}

    with counts :math:`c_i` from :func:`features` and rates :math:`r_i` from :data:`RATES`.

    Parameters
    ----------
    nb : mapping
        The executed notebook.

    Returns
    -------
    Estimate

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "markdown", "source": "word " * 220}]}
    >>> e = estimate(nb)
    >>> round(e.low, 1), round(e.high, 1)
    (2.0, 2.8)
    """
    counts = features(nb)
    low = sum(counts[k] * RATES[k][0] for k in RATES)
    high = sum(counts[k] * RATES[k][1] for k in RATES)
    return Estimate(low, high, counts["exercises"] * EXERCISE_MINUTES[0],
                    counts["exercises"] * EXERCISE_MINUTES[1], counts)


_HEADING = re.compile(r"^##\s+(?P<title>.+)$", flags=re.M)
_SECTION_NUMBER = re.compile(r"^(?P<n>\d+)\s*(?:\.|·)\s")


def sections(nb: Mapping[str, Any]) -> dict[str, list[dict]]:
    """The notebook's cells by level-2 section, keyed by the section's label.

    A label is the section's number when its heading starts with one (``## 3. The trick`` and
    ``## 3 · The mean`` are ``"3"``), else the heading's text (``"A first look"``). The cells before the
    first heading are ``"intro"``. A markdown cell that holds several headings is split at them.

    Parameters
    ----------
    nb : mapping
        A notebook (executed, when the figures and printed lines should count).

    Returns
    -------
    dict of str to list of dict
        Label -> the cells (or parts of a markdown cell) of that section, in order.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "markdown", "source": "# T\\n\\n## 1. One\\ntext\\n## A look\\nmore"}]}
    >>> {k: [c["source"] for c in v] for k, v in sections(nb).items()}
    {'intro': ['# T\\n\\n'], '1': ['## 1. One\\ntext\\n'], 'A look': ['## A look\\nmore']}
    """
    out: dict[str, list[dict]] = {"intro": []}
    label = "intro"
    for cell in nb["cells"]:
        text = _source(cell)
        starts = [m.start() for m in _HEADING.finditer(text)] if cell["cell_type"] == "markdown" else []
        if not starts:
            out[label].append(cell)
            continue
        pieces = [text[a:b] for a, b in zip([0, *starts], [*starts, len(text)])]
        for piece in pieces:
            heading = _HEADING.match(piece)
            if heading:
                title = heading["title"].strip()
                number = _SECTION_NUMBER.match(title)
                label = number["n"] if number else title
                out.setdefault(label, [])
            if piece:
                out[label].append({**cell, "source": piece})
    return {k: v for k, v in out.items() if v}


def presented_minutes(nb: Mapping[str, Any], labels: list[str]) -> float:
    """Minutes a lecturer needs to present these sections of an executed notebook (:data:`PRESENTED_RATES`).

    Parameters
    ----------
    nb : mapping
        The executed notebook.
    labels : list of str
        Section labels as :func:`sections` gives them.

    Returns
    -------
    float
    """
    parts = sections(nb)
    missing = [label for label in labels if label not in parts]
    if missing:
        raise KeyError(f"no section {missing} (the sections are {list(parts)})")
    counts = features({"cells": [c for label in labels for c in parts[label]]})
    return sum(counts[k] * PRESENTED_RATES[k] for k in PRESENTED_RATES)


@dataclass(frozen=True)
class PlanRow:
    """A row of the teaching guide's lesson plan: ``| 8-24 | 01 | 1, 3, 5 | ... |``."""

    start: int
    end: int
    notebook: int
    labels: tuple[str, ...]

    @property
    def minutes(self) -> int:
        """The row's duration."""
        return self.end - self.start

    @property
    def exercise(self) -> bool:
        """Whether the row is an exercise done in class (its sections column reads ``Exercise N.M``)."""
        return len(self.labels) == 1 and self.labels[0].lower().startswith("exercise")


_PLAN_ROW = re.compile(r"^\|\s*(?P<start>\d+)\s*[-–]\s*(?P<end>\d+)\s*\|\s*(?P<nb>\d\d)\s*\|\s*(?P<labels>[^|]+)\|", flags=re.M)


def plan_rows(markdown: str) -> list[PlanRow]:
    """The lesson plan's rows: time span, notebook, section labels (the guide's table, columns 1-3).

    Examples
    --------
    >>> plan_rows("| time | notebook | sections |\\n|---|---|---|\\n| 0-8 | 00 | 1, A first look |\\n")
    [PlanRow(start=0, end=8, notebook=0, labels=('1', 'A first look'))]
    """
    return [PlanRow(int(m["start"]), int(m["end"]), int(m["nb"]),
                    tuple(label.strip() for label in m["labels"].split(",") if label.strip()))
            for m in _PLAN_ROW.finditer(markdown)]


def time_sentence(est: Estimate) -> str:
    """The sentence a notebook states (``**Time:** 75 to 110 minutes, plus about 25 minutes for the exercises.``)."""
    low, high, exercises = est.stated()
    tail = f", plus about {exercises} minutes for the exercises" if exercises else ""
    return f"**Time:** {low} to {high} minutes{tail}."


def stated_time(nb: Mapping[str, Any]) -> tuple[int, int, int | None] | None:
    """The time a notebook states in its first three cells: (low, high, exercises), or None."""
    for cell in nb["cells"][:3]:
        if cell["cell_type"] == "markdown":
            m = _STATED.search(_source(cell))
            if m:
                return int(m["low"]), int(m["high"]), int(m["ex"]) if m["ex"] else None
    return None


_ANY_TIME = re.compile(r"\*\*Time[:.]?\*\*[:.]?\s*.*?minutes.*?\.(?=\s|$)", flags=re.S)


def write_time(path: Path, est: Estimate) -> None:
    """Replace the time sentence of a source notebook's first cells by :func:`time_sentence` (``--write``)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"][:3]:
        text = _source(cell)
        if cell["cell_type"] == "markdown" and _ANY_TIME.search(text):
            text = _ANY_TIME.sub(lambda m: time_sentence(est), text, count=1)
            lines = text.split("\n")
            cell["source"] = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            return
    raise ValueError(f"{path.name}: no '**Time:** ... minutes.' sentence in the first three cells")


def main(argv: list[str] | None = None) -> int:
    """Print each notebook's estimate and stated time; with ``--check``, exit 1 on a difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--executed", type=Path, help="executed copies (same file names); default: the sources")
    parser.add_argument("--check", action="store_true", help="exit 1 when a stated time differs")
    parser.add_argument("--write", action="store_true", help="write the estimate into each source notebook")
    parser.add_argument("--plan", action="store_true",
                        help="also print the teaching guide's plan rows against their presentation estimates")
    args = parser.parse_args(argv)
    bad = 0
    total = [0.0, 0.0, 0.0, 0.0]
    print(f"{'notebook':34s} {'fast':>5s} {'careful':>7s} {'exercises':>9s}  stated / estimate")
    for path in sorted(args.notebooks.glob("[0-9][0-9]_*.ipynb")):
        source = json.loads(path.read_text(encoding="utf-8"))
        run = json.loads((args.executed / path.name).read_text(encoding="utf-8")) if args.executed else source
        est = estimate(run)
        for i, v in enumerate((est.low, est.high, est.exercises_low, est.exercises_high)):
            total[i] += v
        stated = stated_time(source)
        want = est.stated()
        ok = stated is not None and stated[:2] == want[:2] and (stated[2] or 0) == want[2]
        bad += not ok
        if args.write and not ok:
            write_time(path, est)
        print(f"{path.name:34s} {est.low:5.0f} {est.high:7.0f} {est.exercises_low:4.0f}-{est.exercises_high:<4.0f}  "
              f"{stated} / {want}{'' if ok else '  DIFFERS: ' + time_sentence(est)}")
    print(f"{'total (hours)':34s} {total[0] / 60:5.1f} {total[1] / 60:7.1f} "
          f"{total[2] / 60:4.1f}-{total[3] / 60:<4.1f}")
    if args.plan:
        guide = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
        runs = {int(p.name[:2]): p for p in (args.executed or args.notebooks).glob("[0-9][0-9]_*.ipynb")}
        print(f"\n{'plan row':10s} {'notebook':8s} {'minutes':>7s} {'presented':>9s} {'ratio':>5s}  sections")
        for row in plan_rows(guide):
            nb = json.loads(runs[row.notebook].read_text(encoding="utf-8"))
            need = EXERCISE_MINUTES[0] if row.exercise else presented_minutes(nb, list(row.labels))
            ok = row.minutes >= EXERCISE_MINUTES[0] if row.exercise else (
                PLAN_SLACK[0] <= row.minutes / need <= PLAN_SLACK[1])
            bad += not ok
            print(f"{row.start:>3d}-{row.end:<6d} {row.notebook:02d}       {row.minutes:7d} {need:9.1f} "
                  f"{row.minutes / need:5.2f}  {', '.join(row.labels)}{'' if ok else '  OUT OF RANGE'}")
    return 1 if (args.check and bad) else 0


if __name__ == "__main__":
    sys.exit(main())
