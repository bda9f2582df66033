"""Rules of ``tools/prose_numbers.py`` that need no witness index: general claims, stated times, printed ranges.

* :func:`general_claim` flags a sentence that states a trend or a universal in τ or n
  without saying where it holds.
* :func:`declared_times` reads each notebook's stated reading time and the lesson's
  length, which other prose must repeat exactly.
* :func:`printed_range_conflicts` checks a printed range claim against the printed
  table of the same notebook.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable, Mapping

from _prose_text import ProseNumber, Sentence, clean_markdown
from _prose_witness import output_texts
from reading_time import stated_time

__all__ = ["GENERAL_CLAIM_PATTERNS", "PROOF_MARKERS", "QUALIFIERS", "Declared", "declared_times", "general_claim",
           "printed_range_conflicts"]

_TAU = r"(?:τ|the temperature|n\b|the batch(?: size)?|the number of samples(?: per step)?)"
_TREND = (r"(?:grows?|grew|rises?|rose|increas(?:es?|ed)|falls?|fell|decreas(?:es?|ed)|shrinks?|shrank|drops?|dropped"
          r"|vanish(?:es|ed)?|explodes?|exploded|improves?|improved|worsens?|worsened)")
#: A sentence states a trend or a universal in τ or n when one of these matches (case-insensitive).
GENERAL_CLAIM_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("trend", re.compile(rf"\b{_TREND}\s+(?:with|as|in)\s+{_TAU}", re.I)),
    ("trend", re.compile(rf"\bas\s+{_TAU}\s+(?:grows|grew|falls|fell|rises|rose|increases|increased|decreases"
                         r"|decreased|shrinks|shrank)", re.I)),
    ("trend", re.compile(r"\b(?:more|less) so at (?:larger|smaller|large|small|higher|lower) τ", re.I)),
    ("trend", re.compile(r"\b(?:flatters?|favou?rs?|rewards?|penali[sz]es?)\s+(?:the\s+)?(?:larger|smaller|large|small)"
                         r"\s+τ", re.I)),
    ("trend", re.compile(r"^\W*(?:large|small|larger|smaller)\s+τ\s*:", re.I)),
    ("trend", re.compile(r"\b(?:larger|smaller|higher|lower)\s+τ\s+(?:adds|lowers|raises|gives|means|makes|reduces"
                         r"|increases)", re.I)),
    ("universal", re.compile(rf"\b(?:at|for|with|over)\s+(?:every|any|all)\s+(?:{_TAU}|temperatures?)", re.I)),
    ("universal", re.compile(r"\bwhatever\s+τ|\bevery\s+τ\b", re.I)),
    ("universal", re.compile(r"\b(?:always|never)\b", re.I)),
]
_MENTIONS_TAU_N = re.compile(r"τ|\btemperature|\bbatch|\bn\s*[=≤<>]|\bn\b", re.I)
#: Words of the sentence that say where a claim holds: a named estimator, objective or model, or a measurement
#: of another notebook that the sentence reports.
QUALIFIERS = re.compile(
    r"\b(?:Gumbel-Softmax|straight-through|score[- ]functions?|REBAR|RELAX|Gumbel-Rao|relaxed estimator|"
    r"linear|quadratic|cubic|the toy|on (?:our|this|the) grid|over the grid|in the VAE|in the toy|"
    r"Notebook \d+(?:'s \S+)? (?:measured|found|finds|showed|shows|measures))\b", re.I)
#: Words of the sentence ("exactly") or of its paragraph (the others) that mark a proof.
PROOF_MARKERS = re.compile(r"\b(?:proved?|proof|Proposition|by symmetry|by construction|data processing|"
                           r"invertible|the reason)\b", re.I)
_LIMIT_BEFORE = re.compile(r"→\s*$")


def general_claim(sentence: Sentence, numbers: list[ProseNumber]) -> str | None:
    """Why a sentence is a general claim without its range, or None.

    Parameters
    ----------
    sentence : Sentence
        One sentence of prose.
    numbers : list of ProseNumber
        Its numbers (:func:`_prose_text.scan_numbers`).

    Returns
    -------
    str or None
        The matched trend or universal, when the sentence mentions τ or n and carries
        no qualifier: no number other than a reference, a year, an enumerator or a
        limit (τ → 0), no named estimator, objective or model, and no proof marker
        (``exactly``, ``Proposition``, an equation). Questions are never claims.
    """
    text = sentence.text.replace("$", " ")
    if sentence.question or sentence.kind == "heading":
        return None
    unquoted = re.sub(r'"[^"]*"|“[^”]*”', lambda m: " " * len(m.group(0)), text)  # a quotation is not a claim
    hit = None
    for kind, rx in GENERAL_CLAIM_PATTERNS:
        for m in rx.finditer(unquoted):
            a = max(text.rfind(c, 0, m.start()) for c in ",;:()")
            b = min([i for i in (text.find(c, m.end()) for c in ",;:()") if i >= 0] or [len(text)])
            clause = text[a + 1:b]
            if kind == "universal" and re.search(r"\bsame\b", clause):
                continue  # "the same noise at every τ": the set-up, not a result
            if kind == "universal" and rx.pattern.startswith(r"\b(?:always"):
                # "always"/"never" claim something of τ or n only when its clause names them
                if not _MENTIONS_TAU_N.search(clause):
                    continue
            hit = m.group(0).strip()
            break
        if hit:
            break
    if hit is None:
        return None
    flat = text
    for n in numbers:
        if n.structural in (None, "K = 2/3: the setting") and not _LIMIT_BEFORE.search(flat[:n.start]):
            return None
    if (QUALIFIERS.search(text) or PROOF_MARKERS.search(sentence.block) or re.search(r"\bexactly\b", text)
            or re.search(r"\$[^$]*=[^$]*\$", sentence.text)):
        return None
    return hit


class Declared:
    """Stated times: each notebook's time (its first cell's "**Time:** 75 to 110 minutes, plus about 25 minutes for
    the exercises") and the lesson length.

    Parameters
    ----------
    minutes : mapping of int to (float, float, float or None)
        Notebook number -> (low, high, exercises) in minutes, as ``tools/reading_time.py`` states them.
    lesson : float or None
        The lesson length in minutes ("a 90-minute class" in the teaching guide's title).
    plan : iterable of float
        The durations of the lesson plan's rows (a row "30-35" lasts 5 minutes).
    """

    def __init__(self, minutes: Mapping[int, tuple[float, float, float | None]], lesson: float | None = None,
                 plan: Iterable[float] = ()) -> None:
        self.minutes = {k: tuple(v) for k, v in minutes.items()}
        self.lesson = lesson
        self.plan = set(plan)

    def total_hours(self, *, exercises: bool = False) -> tuple[float, float]:
        """(low, high) sum of the stated times in hours, with the exercises' midpoints if asked."""
        extra = sum((v[2] or 0) for v in self.minutes.values()) if exercises else 0.0
        return ((sum(v[0] for v in self.minutes.values()) + extra) / 60.0,
                (sum(v[1] for v in self.minutes.values()) + extra) / 60.0)

    def exercise_hours(self) -> float:
        """The stated exercise times, summed, in hours."""
        return sum((v[2] or 0) for v in self.minutes.values()) / 60.0

    def states(self, notebook: int, value: float) -> bool:
        """Whether ``value`` minutes is a notebook's stated bound, within its range, or its exercise time."""
        if notebook not in self.minutes:
            return False
        low, high, exercises = self.minutes[notebook]
        return low <= value <= high or value == exercises


def declared_times(notebooks: Mapping[str, Any], teaching: str | None = None) -> Declared:
    """Read the stated times of the notebooks and the lesson length of the teaching guide.

    Parameters
    ----------
    notebooks : mapping of str to nbformat.NotebookNode
        File name (``05_categorical_vae.ipynb``) -> notebook.
    teaching : str, optional
        The teaching guide's markdown; its first heading states the lesson length.

    Returns
    -------
    Declared
    """
    minutes = {}
    for name, nb in notebooks.items():
        m_num = re.match(r"(\d\d)_", name)
        stated = stated_time(nb)
        if m_num and stated:
            minutes[int(m_num.group(1))] = stated
    lesson, plan = None, []
    if teaching:
        m = re.search(r"^#\s.*?(\d+)-minute", teaching, flags=re.M)
        lesson = float(m.group(1)) if m else None
        plan = [float(b) - float(a) for a, b in re.findall(r"^\|\s*(\d+)\s*[-–]\s*(\d+)\s*\|", teaching, flags=re.M)]
    return Declared(minutes, lesson, plan)


# --------------------------------------------------------------------------- printed range claims

_COND = re.compile(r"(?P<var>[A-Za-zτη]\w*\*?)\s*=\s*(?P<val>-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)")
_RANGE_CLAIM = re.compile(
    r"(?P<var>τ|tau|n)\s+in\s+\[(?P<lo>[\d.e+-]+),\s*(?P<hi>[\d.e+-]+)\]:?\s*(?P<qty>\S+)\s+between\s+"
    r"(?P<a>-?[\d.]+)\s+and\s+(?P<b>-?[\d.]+)")
_TABLE_HEADER_CELL = re.compile(r"(?P<var>τ|tau|n|t)\s*=\s*(?P<val>-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)")


def _table_facts(cell: int, text: str) -> list[tuple[str, dict[str, float], float, str]]:
    """(title, conditions, value, line) of every cell of a printed aligned table with ``var=value`` columns."""
    facts = []
    lines = text.split("\n")
    for h, header in enumerate(lines):
        cols = [(m.start(), m.group("var").replace("tau", "τ"), float(m.group("val")))
                for m in _TABLE_HEADER_CELL.finditer(header) if m.start() > 0]
        if len(cols) < 3:
            continue
        row_var = header.split()[0]
        title = lines[h - 1] if h else ""
        for row in lines[h + 1:]:
            tokens = [(m.start(), m.group(0)) for m in re.finditer(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?", row)]
            if not tokens or tokens[0][0] > 2:
                break
            label = float(tokens[0][1])
            for start, tok in tokens[1:]:
                near = min(cols, key=lambda c: abs(c[0] - start))
                if abs(near[0] - start) <= 3:
                    facts.append((title + " " + header, {row_var: label, near[1]: near[2]}, float(tok), row))
    return facts


def printed_range_conflicts(nb: Any) -> list[tuple[int, str, str]]:
    """Printed range claims ("τ in [0.05, 5]: p* between 0.4821 and 0.4975") against the notebook's printed tables.

    A printed line that bounds a quantity over an interval of τ (or n) must contain
    every value of that quantity that an aligned table of the same notebook prints
    for a τ inside the interval, under the same other conditions (``t = 0.499``).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    list of (int, str, str)
        (cell of the claim, the claim's line, the reason).
    """
    texts = output_texts(nb)
    facts = [(cell, *fact) for cell, text in texts for fact in _table_facts(cell, text)]
    conflicts = []
    for cell, text in texts:
        for line in text.split("\n"):
            m = _RANGE_CLAIM.search(line)
            if not m:
                continue
            var = m.group("var").replace("tau", "τ")
            lo, hi, a, b = (float(m.group(k)) for k in ("lo", "hi", "a", "b"))
            qty = m.group("qty")
            conds = {c.group("var"): float(c.group("val")) for c in _COND.finditer(line[:m.start()])}
            tol = 0.5 * 10.0 ** -max(len(m.group("a").split(".")[-1]), len(m.group("b").split(".")[-1]))
            for fcell, title, fconds, value, row in facts:
                if qty not in title or var not in fconds or not lo <= fconds[var] <= hi:
                    continue
                if any(k in fconds and not math.isclose(fconds[k], v) for k, v in conds.items()):
                    continue
                if not (min(a, b) - tol <= value <= max(a, b) + tol):
                    conflicts.append((cell, line.strip(), f"the table of cell {fcell} prints {qty} = {value:g} at "
                                      f"{var} = {fconds[var]:g} (inside [{lo:g}, {hi:g}]), outside [{a:g}, {b:g}]"))
    return conflicts
