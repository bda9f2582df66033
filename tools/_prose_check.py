"""Witnesses of one sentence's numbers: the core of ``tools/prose_numbers.py`` (its docstring has the rules).

:class:`Finding` and :class:`CitedValue` are re-exported by ``prose_numbers``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from _prose_claims import Declared, general_claim
from _prose_text import COUNT_UNITS, ProseNumber, Sentence, scan_numbers
from _prose_witness import WitnessIndex, line_has_unit, setting_has_unit

__all__ = ["CitedValue", "Finding", "check_sentence", "find_general_claims", "load_cited_values", "named_notebooks",
           "notebook_files", "unique", "witness_indexes"]

ROOT = Path(__file__).resolve().parents[1]


_NOTEBOOK_REF = re.compile(
    r"\b[Nn]otebooks?\s+((?:\d{1,2})(?:\s*(?:,|and|or|-|–|to)\s*\d{1,2})*)|(?:^|\|)\s*(0\d)\b|\b(0\d)_\w+\.ipynb"
)


def named_notebooks(text: str, targets: list[str] = ()) -> set[int]:
    """The notebook numbers a piece of prose names: "Notebook 5", "notebooks 04 and 05", links to ``05_*.ipynb``.

    Parameters
    ----------
    text : str
        Cleaned prose (:func:`clean_markdown`).
    targets : list of str
        Link targets of the same prose.

    Returns
    -------
    set of int
        Notebook numbers (the two-digit prefix of the file names).
    """
    found: set[int] = set()
    for m in _NOTEBOOK_REF.finditer(text):
        if m.group(1):
            numbers = [int(n) for n in re.findall(r"\d{1,2}", m.group(1))]
            if re.search(r"\d\s*[-–]\s*\d", m.group(1)) and len(numbers) == 2:
                numbers = list(range(numbers[0], numbers[1] + 1))
            found.update(numbers)
        else:
            found.add(int(m.group(2) or m.group(3)))
    for target in targets:
        m = re.match(r"(?:.*/)?(\d\d)_[\w-]+\.ipynb", target)
        if m:
            found.add(int(m.group(1)))
    return found


@dataclass(frozen=True)
class Finding:
    """One number (or sentence, or quote) without a witness.

    ``cell`` is the cell index in a notebook and the line number in a document;
    ``kind`` is "unbacked", "cited-conflict", "time", "general-claim", "range",
    "quote" or "stale".
    """

    source: str
    cell: int
    number: str
    context: str
    kind: str
    reason: str

    def line(self) -> str:
        """The finding as one line of text."""
        where = "line" if not self.source.endswith(".ipynb") else "cell"
        return f"{self.source} {where} {self.cell}: {self.number!r} [{self.context}] {self.kind}: {self.reason}"


@dataclass(frozen=True)
class CitedValue:
    """A literature value that prose may quote without printing it.

    ``near``: words of which one must be in the same paragraph; ``unit``: when set,
    every number of that unit in a sentence with one of the ``near`` words (and,
    with ``before``, right after words matching that regular expression) must be one
    of ``values``.
    """

    values: tuple[float, ...]
    what: str
    source: str
    near: tuple[str, ...]
    unit: str | None = None
    before: str | None = None  # regex of the words right before a conflicting number ("every")


def load_cited_values(path: str | Path = ROOT / "docs" / "cited_values.json") -> list[CitedValue]:
    """Read the list of cited values.

    Parameters
    ----------
    path : str or Path
        A JSON file: a list of objects with ``values`` (or ``value``), ``what``,
        ``source``, ``near`` and optionally ``unit``.

    Returns
    -------
    list of CitedValue
    """
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    return [CitedValue(tuple(float(v) for v in e.get("values", [e.get("value")])), e["what"], e["source"],
                       tuple(e["near"]), e.get("unit"), e.get("before")) for e in entries]


def witness_indexes(executed: Mapping[str, Any]) -> dict[str, WitnessIndex]:
    """One :class:`WitnessIndex` per executed notebook (build once, share between checks).

    Parameters
    ----------
    executed : mapping of str to nbformat.NotebookNode
        File name -> executed notebook.

    Returns
    -------
    dict of str to WitnessIndex
    """
    return {name: WitnessIndex(name, nb) for name, nb in executed.items()}


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    flat = re.sub(r"\s+", " ", text.replace("$", ""))
    shift = len(text[:start]) - len(re.sub(r"\s+", " ", text[:start].replace("$", "")))
    a, b = max(0, start - shift - width), min(len(flat), end - shift + width)
    return ("..." if a else "") + flat[a:b].strip() + ("..." if b < len(flat) else "")


def notebook_files(witnesses: Mapping[str, WitnessIndex]) -> dict[int, str]:
    return {int(n[:2]): n for n in witnesses if n[:2].isdigit()}


def _describe(w: Any) -> str:
    return f"printed {w.written!r} in cell {w.cell}" if hasattr(w, "line") else f"code {w.source!r} in cell {w.cell}"


def _witness(n: ProseNumber, indexes: list[WitnessIndex]) -> str | None:
    """Where a number is printed or set, or None (rules 1 and 2 of the module docstring)."""
    candidates = [(n.value, n.half_width)] + ([(abs(n.alt_value), n.alt_half_width)] if n.alt_value is not None else [])
    for idx in indexes:
        for value, hw in candidates:
            if value != value or value == float("inf"):
                continue
            if n.magnitude:  # "about 10^{-9}": within a factor sqrt(10)
                value, hw = value * (10 ** 0.5 + 10 ** -0.5) / 2, value * (10 ** 0.5 - 10 ** -0.5) / 2
            printed = idx.printed_near(value, hw, percent=n.percent)
            if n.exact:
                printed += idx.printed_rounding(value)
            settings = idx.settings_near(value / 100 if n.percent else value, hw / 100 if n.percent else hw)
            if n.bound:  # "over a quarter": a value on its side, within 25 %
                lo, hi = (value, value * 1.25) if n.bound == ">" else (value * 0.75, value)
                printed += idx.printed_near((lo + hi) / 2, (hi - lo) / 2, percent=n.percent)
            if n.unit in COUNT_UNITS and not n.approx and not n.bound and value == int(value):
                # a count is exact: a printed integer, not a rounded 7.9
                printed = [p for p in printed if p.value == value and re.fullmatch(r"[\d,]+|\d+e\+?\d+", p.written)]
                settings = [s for s in settings if s.value == value]
            if n.unit and n.unit != "%":
                printed = [p for p in printed if line_has_unit(p, n.unit)]
                settings = [s for s in settings if setting_has_unit(s, n.unit) or (n.bound and s.kind == "compare")]
            else:
                settings = [s for s in settings if s.kind != "length"]
            if not n.bound:
                settings = [s for s in settings if s.kind != "compare"]
            if printed:
                return f"{idx.name}: {_describe(min(printed, key=lambda p: abs(p.value - value)))}"
            if settings:
                return f"{idx.name}: {_describe(min(settings, key=lambda s: abs(s.value - value)))}"
    return None


_SAME_UNIT: dict[tuple[int, str], tuple[WitnessIndex, list[str]]] = {}  # per index and unit


def _same_unit(unit: str, indexes: list[WitnessIndex], limit: int = 4) -> str:
    """The values of ``unit`` that these notebooks print or set (for the reason of a finding)."""
    seen: list[str] = []
    for idx in indexes:
        key = (id(idx), unit)
        if key in _SAME_UNIT and _SAME_UNIT[key][0] is idx:
            seen += _SAME_UNIT[key][1]
            continue
        start = len(seen)
        for s in idx.settings:
            if s.kind in ("literal", "length") and s.name and setting_has_unit(s, unit):
                seen.append(f"Notebook {int(idx.name[:2])} sets {s.name} = {s.value:g}" if s.kind == "literal"
                            else f"Notebook {int(idx.name[:2])}: {s.name} has {s.value:g} values")
        for p in idx.printed:
            if unit in ("%", "times") or not line_has_unit(p, unit):
                continue
            if unit in COUNT_UNITS and not re.fullmatch(r"[\d,]+", p.written):
                continue
            seen.append(f"Notebook {int(idx.name[:2])} prints {p.written}")
        _SAME_UNIT[key] = (idx, seen[start:])
    unique = list(dict.fromkeys(seen))
    return ", ".join(unique[:limit]) + (", ..." if len(unique) > limit else "")


def _cited(n: ProseNumber, sentence: Sentence, cited: Iterable[CitedValue]) -> CitedValue | None:
    for entry in cited:
        if any(abs(n.value - v) <= n.half_width + 1e-9 * max(1.0, abs(v)) for v in entry.values) and any(
                w.lower() in sentence.block.lower() for w in entry.near):
            return entry
    return None


def _cited_conflict(n: ProseNumber, sentence: Sentence, cited: Iterable[CitedValue]) -> CitedValue | None:
    before = sentence.text.replace("$", " ")[:n.start]
    for entry in cited:
        near = any(w.lower() in sentence.text.lower() for w in entry.near)
        cited = any(abs(n.value - v) <= n.half_width + 1e-9 for v in entry.values)
        if entry.unit and n.unit == entry.unit and near and not cited and (
                entry.before is None or re.search(entry.before + r"\s*$", before)):
            return entry
    return None


def _time(n: ProseNumber, sentence: Sentence, flat: str, own: int | None, named: set[int],
          declared: Declared | None) -> tuple[bool, str]:
    """(witnessed, reason) of a number of minutes or hours (rule 4)."""
    if declared is None:
        return False, "no stated reading times to compare with"
    after = flat[n.end:]
    if declared.lesson is not None and (re.match(r"-?\s*minutes?\s+(?:class|lesson|plan)", after) or re.search(
            r"\b(?:class|lesson|cut)\b", flat, flags=re.I)) and n.value == declared.lesson:
        return True, ""
    if declared.lesson is not None and re.match(r"-?\s*minutes?\s+(?:class|lesson|plan)", after):
        return False, f"the teaching guide's title states a {declared.lesson:g}-minute class"
    if n.value in declared.plan:
        return True, ""  # a row of the lesson plan
    if n.unit == "hours":
        lows, highs = zip(declared.total_hours(), declared.total_hours(exercises=True))
        exercises = declared.exercise_hours()
        ok = (min(lows) - n.half_width <= n.value <= max(highs) + n.half_width
              or abs(n.value - exercises) <= max(n.half_width, 0.05))
        return ok, (f"the stated times add up to {lows[0]:.1f} to {highs[0]:.1f} hours "
                    f"({lows[1]:.1f} to {highs[1]:.1f} with the exercises; the exercises alone {exercises:.1f})")
    names = sorted(named) if named else ([own] if own is not None else [])
    for k in names:
        if any(declared.states(k, v) for v in (n.value - n.half_width, n.value, n.value + n.half_width)):
            return True, ""
    stated = ", ".join(f"Notebook {k}: {declared.minutes[k][0]:g} to {declared.minutes[k][1]:g}"
                       for k in names if k in declared.minutes)
    return False, (f"no stated time ({stated or 'none named here'}) nor lesson-plan row is "
                   f"{n.written} {n.unit}, and run times are not printed")


def check_sentence(sentence: Sentence, source: str, own: int | None, named: set[int],
                    witnesses: Mapping[str, WitnessIndex], cited: list[CitedValue],
                    declared: Declared | None, first_cell: bool) -> list[Finding]:
    """The findings of one sentence: its numbers without a witness, cited conflicts, stated times.

    Parameters
    ----------
    sentence : Sentence
        One sentence of prose.
    source : str
        The notebook's file name or the document's name, for the findings.
    own : int or None
        The notebook the sentence belongs to (None for a document).
    named : set of int
        The notebooks its cell (or paragraph) names or links to.
    witnesses : mapping of str to WitnessIndex
        Every executed notebook's index (:func:`witness_indexes`).
    cited : list of CitedValue
        The cited literature values.
    declared : Declared or None
        Stated reading times.
    first_cell : bool
        The sentence is in the notebook's first markdown cell (where it states its time).

    Returns
    -------
    list of Finding
        One per number and reason ("8 × 8 pixels" gives one finding, not two).
    """
    findings: list[Finding] = []
    flat = sentence.text.replace("$", " ")
    numbers = scan_numbers(sentence.text)
    by_number = notebook_files(witnesses)
    exercises = set().union(*(w.exercises for w in witnesses.values()))
    order = ([own] if own is not None else []) + sorted(named - {own})
    indexes = [witnesses[by_number[k]] for k in order if k in by_number]
    for n in numbers:
        if n.structural or sentence.question:
            continue
        ctx = _context(sentence.text, n.start, n.end)
        conflict = _cited_conflict(n, sentence, cited)
        if conflict:
            findings.append(Finding(source, sentence.cell, n.written, ctx, "cited-conflict",
                                    f"the cited value is {' or '.join(f'{v:g}' for v in conflict.values)}: "
                                    f"{conflict.what} ({conflict.source})"))
            continue
        if _cited(n, sentence, cited):
            continue
        if n.unit in ("minutes", "hours"):
            if first_cell and re.search(r"Time", sentence.block) and own in (declared.minutes if declared else {}):
                continue  # the statement itself
            ok, why = _time(n, sentence, flat, own, named, declared)
            if not ok:
                findings.append(Finding(source, sentence.cell, n.written, ctx, "time", why))
            continue
        if sentence.column.strip().lower() == "time" and re.fullmatch(r"\d+", n.written):
            continue  # the lesson plan's clock
        if sentence.column.strip().lower() in ("#", "notebook") and re.fullmatch(r"\d+", n.written):
            continue  # a table's notebook numbers
        if "section" in sentence.column.lower() and re.match(r"\s+[A-Z]", flat[n.end:]):
            continue  # "3 REBAR; 4 Annealing" in a column of sections: references
        if re.fullmatch(r"\d\.\d", n.written) and n.written in exercises and re.match(r"\s*\(", flat[n.end:]):
            continue  # "1.2 (masked categories)": an exercise number
        if _witness(n, indexes):
            continue
        where = ", ".join(f"Notebook {k}" for k in order) or "no notebook"
        unit = f" with the unit '{n.unit}'" if n.unit else ""
        reason = f"not printed{unit} nor set in code by {where}"
        if n.unit and n.unit != "%":
            same = _same_unit(n.unit, indexes)
            reason += f"; {n.unit} there: {same}" if same else f"; nothing there prints or sets {n.unit}"
        if not any(f.number == n.written and f.reason == reason for f in findings):
            findings.append(Finding(source, sentence.cell, n.written, ctx, "unbacked", reason))
    return findings


def unique(findings: list[Finding]) -> list[Finding]:
    """Sorted by cell; exact repeats removed (``check_sentence`` already reports "8 × 8" once)."""
    seen, out = set(), []
    for f in sorted(findings, key=lambda f: (f.cell, f.kind)):
        key = (f.source, f.cell, f.number, f.kind, f.reason, f.context)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def find_general_claims(sents: Iterable[Sentence], source: str, *, learning_goal_cells: Iterable[int] = (),
                        quoted_list_cells: Iterable[int] = ()) -> list[Finding]:
    """Sentences that state a trend or a universal in τ or n without saying where it holds.

    Parameters
    ----------
    sents : iterable of Sentence
        The prose, split by :func:`_prose_text.sentences`.
    source : str
        The notebook or document name, for the findings.
    learning_goal_cells : iterable of int
        Cells whose list items are learning goals (they announce, they do not claim).
    quoted_list_cells : iterable of int
        Cells whose list items are the claims under test (a heading names them "claims").

    Returns
    -------
    list of Finding
    """
    exempt = set(learning_goal_cells) | set(quoted_list_cells)
    out = []
    for s in sents:
        if s.cell in exempt and s.kind == "list":
            continue
        hit = general_claim(s, scan_numbers(s.text))
        if hit:
            out.append(Finding(source, s.cell, re.sub(r"\s+", " ", hit), _context(s.text, 0, len(s.text), 200),
                               "general-claim",
                               "states a trend or universal in τ or n without a measured range, a named setting "
                               "or a proof"))
    return out
