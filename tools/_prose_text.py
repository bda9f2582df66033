"""The prose side of ``tools/prose_numbers.py``: markdown to sentences, and the numbers a sentence states.

Everything here is a pure function of the markdown text; the rules are listed in
the docstring of ``tools/prose_numbers.py``.
"""

from __future__ import annotations

import functools
import html
import math
import re
from dataclasses import dataclass, field

__all__ = [
    "COUNT_UNITS",
    "NUMBER_WORDS",
    "UNITS",
    "ProseNumber",
    "Sentence",
    "clean_markdown",
    "latex_to_text",
    "scan_numbers",
    "sentences",
]

#: Canonical unit -> the words that carry it after a number (regular expressions, whole words).
UNITS: dict[str, str] = {
    "nats": r"nats?",
    "epochs": r"epochs?",
    "runs": r"runs?|models?|VAEs?|trainings?",
    "seeds": r"seeds?",
    "steps": r"steps?|updates?|iterations?",
    "samples": r"samples?|estimates?",
    "draws": r"draws?|noises?",
    "images": r"images?|digits?",
    "codes": r"codes?",
    "latents": r"latents?|latent variables?",
    "categories": r"categories|category|classes",
    "pixels": r"pixels?",
    "parameters": r"parameters?",
    "batches": r"batches|batch sizes?",
    "estimators": r"estimators?",
    "temperatures": r"temperatures?",
    "colours": r"colou?rs?",
    "minutes": r"minutes?|min",
    "hours": r"hours?",
    "seconds": r"s|seconds?|ms",
}
_UNIT_RE = re.compile(
    r"^\s+(?P<between>(?:(?!(?:of|at|in|for|to|and|or|the|a|an|with|per|on|by|from|than|as|is|are|was|were|each|its"
    r"|their|more|less|fewer)\b)[a-zA-Z][a-zA-Z-]*\s+){0,2})(?P<unit>"
    + "|".join(f"(?:{v})" for v in UNITS.values()) + r")\b(?![\^_{])"
)
#: "times" is a unit of ratios ("1.5 times the gradient", "50 times smaller"), not of repetitions ("do it 40 times").
_RATIO_TIMES = re.compile(r"\s*(?:×(?!\s*\d)|times\s+(?:the|as|larger|smaller|shorter|longer|more|less|fewer|too"
                          r"|faster|slower|higher|lower|bigger|that|what))", re.I)


def _unit_of(after: str) -> str | None:
    """The unit word right after a number (up to two words in between), or None."""
    m = _UNIT_RE.match(after)
    if not m:
        return None
    if re.search(r"\b(?:sampled|drawn)\b", m.group("between")):
        return "samples"  # "10^5 sampled categories"
    return next(unit for unit, rx in _UNIT_OF if rx.match(m.group("unit")))
_UNIT_OF = [(unit, re.compile(rf"^(?:{forms})$", re.I)) for unit, forms in UNITS.items()]
#: Units that count things: an integer count is exact ("8 × 8 digits" is not witnessed by a printed 7.9).
COUNT_UNITS = frozenset({"epochs", "runs", "seeds", "steps", "samples", "draws", "images", "codes", "latents",
                         "categories", "pixels", "parameters", "batches", "estimators", "temperatures", "colours"})

#: Number words that count things (only read when a unit word follows), and ratio words (only after
#: "about", "over" and the like).
NUMBER_WORDS: dict[str, float] = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "a hundred": 100, "hundred": 100, "a thousand": 1000, "thousand": 1000, "a dozen": 12,
}
_RATIO_WORDS: dict[str, float] = {
    "half": 0.5, "twice": 2.0, "a third": 1 / 3, "a quarter": 0.25, "two thirds": 2 / 3, "three times": 3.0,
}
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_LATEX_SYMBOLS = {
    r"\tau": "τ", r"\eta": "η", r"\alpha": "α", r"\beta": "β", r"\epsilon": "ε", r"\varepsilon": "ε",
    r"\sigma": "σ", r"\theta": "θ", r"\ell": "ℓ", r"\gamma": "γ", r"\pi": "π", r"\lambda": "λ", r"\mu": "μ",
    r"\nabla": "∇", r"\partial": "∂", r"\sum": "∑", r"\prod": "∏", r"\int": "∫", r"\sqrt": "√",
    r"\approx": "≈", r"\leq": "≤", r"\le": "≤", r"\geq": "≥", r"\ge": "≥", r"\neq": "≠", r"\ne": "≠",
    r"\to": "→", r"\infty": "∞", r"\times": "×", r"\cdot": "·", r"\pm": "±", r"\propto": "∝", r"\in": "∈",
    r"\dots": "…", r"\ldots": "…", r"\cdots": "…", r"\odot": "⊙", r"\log": "log", r"\exp": "exp",
    r"\max": "max", r"\min": "min", r"\sim": "~", r"\%": "%",
}
_LATEX_SYMBOL_RE = re.compile("|".join(re.escape(k) + r"(?![a-zA-Z])" for k in sorted(_LATEX_SYMBOLS, key=len)[::-1]))
_LETTERISH = r"A-Za-zα-ωΑ-Ωτηεσθℓγπ∇∂∑∏∫√(\\"


def latex_to_text(text: str) -> str:
    r"""Readable text from LaTeX: ``\tau`` -> τ, ``\frac{a}{b}`` -> (a)/(b), ``\mathrm{X}`` -> X, ``{,}`` -> ``,``.

    Parameters
    ----------
    text : str
        Markdown with LaTeX, inside or outside ``$...$``.

    Returns
    -------
    str
        The same text with the commands the rules need turned into characters; the
        ``$`` delimiters are kept so that the math spans can still be found.
    """
    text = text.replace("{,}", ",").replace(r"\,", " ").replace(r"\;", " ").replace(r"\!", "").replace(r"\ ", " ")
    for _ in range(3):  # nested \mathrm{\hat p}
        text = re.sub(r"\\(?:operatorname|mathrm|text|textbf|mathbf|mathbb|mathcal|textit|boldsymbol|bar|hat|tilde)"
                      r"\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\t?frac(\d)(\d)", r"\1/\2", text)
    for _ in range(2):
        text = re.sub(r"\\[td]?frac\{([^{}]*)\}\{([^{}]*)\}",
                      lambda m: f"{m.group(1)}/{m.group(2)}" if re.fullmatch(r"\d+/\d+", f"{m.group(1)}/{m.group(2)}")
                      else f"({m.group(1)})/({m.group(2)})", text)
    text = _LATEX_SYMBOL_RE.sub(lambda m: _LATEX_SYMBOLS[m.group(0)], text)
    return re.sub(r"\\(?:left|right|big|Big|bigg|Bigg|quad|qquad|lVert|rVert|lvert|rvert|mid)(?![a-zA-Z])", " ", text)


def clean_markdown(source: str) -> tuple[str, list[str], list[str]]:
    """Markdown without code, link targets and HTML tags.

    Parameters
    ----------
    source : str
        A markdown cell or document.

    Returns
    -------
    text : str
        The prose: fenced code blocks removed, inline code spans replaced by ``⟨code⟩``,
        ``[text](target)`` reduced to ``text``, HTML tags removed and entities decoded,
        ``**`` removed, LaTeX commands turned into characters (:func:`latex_to_text`).
    targets : list of str
        The link targets, in order (used to find the notebooks a cell links to).
    code_spans : list of str
        The inline code spans, in order (the teaching guide quotes printed lines in them).
    """
    text = re.sub(r"^```.*?^```[^\n]*$", "", source, flags=re.S | re.M)
    code_spans: list[str] = []

    def _code(m: re.Match) -> str:
        code_spans.append(m.group(1))
        return "⟨code⟩"

    text = re.sub(r"`([^`]+)`", _code, text)
    targets: list[str] = []

    def _link(m: re.Match) -> str:
        targets.append(m.group(2))
        return m.group(1)

    text = re.sub(r"\[([^\]]*)\]\(([^)\s]*)\)", _link, text)
    text = re.sub(r"<[^>\n]+>", " ", text)
    text = html.unescape(text).replace("**", "")
    return latex_to_text(text), targets, code_spans


# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True)
class Sentence:
    """One sentence (or table cell, heading, list item) of prose.

    ``block`` is the enclosing paragraph, list item or table row (for the notebooks it
    names and for the cited-values window); ``column`` is the table column header.
    """

    cell: int
    text: str
    kind: str  # "heading", "table", "list" or "text"
    block: str
    column: str = ""
    question: bool = False


_ABBREV = (r"(?<!\bet al\.)(?<!\bEq\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bFig\.)(?<!\bSec\.)(?<!\bvs\.)(?<!\bcf\.)"
           r"(?<!\bEqs\.)(?<!\bFigs\.)")
_SENTENCE_END = re.compile(_ABBREV + r"(?<=[.?!])(?:\)|\*)?\s+(?=[A-Z*(\[$\"“⟨τ])")


def _split_outside_math(text: str, pattern: re.Pattern) -> list[str]:
    """Split at ``pattern`` but never inside ``$...$``."""
    spans = [m.span() for m in re.finditer(r"\$\$.+?\$\$|\$[^$]+\$", text, flags=re.S)]
    pieces, start = [], 0
    for m in pattern.finditer(text):
        if not any(a < m.start() < b for a, b in spans):
            pieces.append(text[start:m.start() + len(m.group(0).rstrip())])
            start = m.end()
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


def _table_cells(row: str) -> list[str]:
    cells, depth, current = [], False, []
    for ch in row.strip().strip("|"):
        if ch == "$":
            depth = not depth
        if ch == "|" and not depth:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    cells.append("".join(current).strip())
    return cells


def sentences(text: str, cell: int = 0) -> list[Sentence]:
    """Split cleaned markdown into headings, table cells, list items and sentences.

    Parameters
    ----------
    text : str
        Cleaned prose (:func:`clean_markdown`).
    cell : int
        The cell index (or line number) stored in every sentence.

    Returns
    -------
    list of Sentence
    """
    out: list[Sentence] = []
    header: list[str] = []
    paragraph: list[str] = []
    is_list = False

    def flush() -> None:
        nonlocal is_list
        if paragraph:
            item = " ".join(paragraph)
            for piece in _split_outside_math(item, _SENTENCE_END):
                out.append(Sentence(cell, piece, "list" if is_list else "text", item,
                                    question=piece.rstrip(" *)").endswith("?")))
            paragraph.clear()
        is_list = False

    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            flush()
            header = []
        elif stripped.startswith("#"):
            flush()
            out.append(Sentence(cell, stripped, "heading", stripped))
        elif stripped.startswith("|"):
            flush()
            cells = _table_cells(stripped)
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            if not header:
                header = cells
                continue
            for i, c in enumerate(cells):
                col = header[i] if i < len(header) else ""
                for piece in _split_outside_math(c, _SENTENCE_END) or [c]:
                    question = piece.rstrip(" *").endswith("?") or bool(re.search(r"\bask\b|predict", col, re.I))
                    out.append(Sentence(cell, piece, "table", stripped, col, question))
        elif re.match(r"([*-]|\d+[.)])\s", stripped):  # a list item runs until the next one
            flush()
            paragraph.append(stripped)
            is_list = True
        else:
            paragraph.append(stripped)
    flush()
    return out


# --------------------------------------------------------------------------- numbers


@dataclass
class ProseNumber:
    """One number that a sentence states.

    ``value`` is compared with witnesses to within ``half_width`` (half a unit of the
    last written digit, 10 % for number words); ``alt_value`` is a second reading
    (the exponent of ``e^{x}``). ``structural`` names the rule that exempts it.
    """

    written: str
    value: float
    half_width: float
    start: int
    end: int
    unit: str | None = None
    approx: bool = False
    bound: str | None = None  # ">" (over, at least) or "<" (under, below)
    structural: str | None = None
    in_math: bool = False
    alt_value: float | None = None
    alt_half_width: float = 0.0
    exact: bool = False  # 2^{-24}, 10^{-4}: exact, so a printed rounding of it matches to the printed digits
    magnitude: bool = False  # "about 10^{-9}": matches within a factor sqrt(10)
    percent: bool = False
    word: bool = False
    notes: list[str] = field(default_factory=list)


_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_SCI = re.compile(
    rf"(?P<m>{_NUM})\s*(?:×|·|x)\s*10(?:\^\{{?(?P<e1>[-−]?\d+)\}}?|(?P<e2>[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))"
    rf"|(?P<m2>{_NUM})[eE](?P<e3>[+\-−]?\d+)"
    rf"|(?P<base>10|2|e)(?:\^\{{(?P<e4>[-−]?{_NUM})\}}|\^(?P<e5>[-−]?\d)|(?P<e6>[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))"
    rf"|(?P<a>\d+)/(?P<b>\d+)(?![\d.])"
    rf"|(?P<plain>{_NUM})"
)
_APPROX_BEFORE = re.compile(r"(?:about|approximately|roughly|around|nearly|almost|some|≈|~|∼)\s*$", re.I)
_BOUND_BEFORE = {
    ">": re.compile(r"(?:over|more than|above|at least|greater than|exceeds?|beyond|>|≥)\s*(?:about\s+)?$", re.I),
    "<": re.compile(r"(?:under|below|less than|at most|up to|within|no more than|fewer than|<|≤)\s*(?:about\s+)?$",
                    re.I),
}
_REFERENCE_WORDS = (r"(?:\b(?:Notebooks?|Sections?|Sec\.|Exercises?|Eqs?\.|Equations?|Tables?|Figures?|Figs?\.|"
                    r"Propositions?|[Cc]laims?|Theorem|Lemma|Appendix|Chapter|Part|Step|issue|row|column|item|panel)"
                    r"|§|#)")
_REFERENCE_BEFORE = re.compile(_REFERENCE_WORDS + r"\s*$", re.I)
_REFERENCE_LIST_BEFORE = re.compile(_REFERENCE_WORDS + r"\s*\d+(?:\.\d+)?(?:\s*(?:,|and|or|-|–|to)\s*\d+(?:\.\d+)?)*"
                                    r"\s*(?:,|and|or|-|–|to)\s*$", re.I)
_REF_CONTINUE = re.compile(r"^\s*(?:,|and|or|-|–|to)\s*$")
_CONNECTOR = re.compile(
    r"^\s*\$?\s*(?:(?:" + "|".join(f"(?:{v})" for v in UNITS.values()) + r")\s+)?"
    r"(?:,|;|/|-|–|—|×|\+|to|or|and|instead of|rather than|against|vs\.?|versus|then|down to|up to)"
    r"\s*(?:\$|\()?\s*(?:about|≈|~)?\s*$", re.I)


def _decimals_half_width(text: str) -> float:
    text = text.replace(",", "")
    return 0.5 * 10.0 ** -(len(text.split(".")[1]) if "." in text else 0)


def _math_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\$\$.+?\$\$|\$[^$]+\$", text, flags=re.S)]


def _script_spans(math: str, offset: int) -> tuple[list[tuple[int, int]], list[tuple[int, int, int]]]:
    """Subscript spans, and superscript spans with the start of their base, inside one math span."""
    subs, sups = [], []
    i = 0
    while i < len(math):
        ch = math[i]
        if ch in "_^":
            j = i + 1
            if j < len(math) and math[j] == "{":
                depth, k = 0, j
                while k < len(math):
                    depth += {"{": 1, "}": -1}.get(math[k], 0)
                    if depth == 0:
                        break
                    k += 1
                end = k + 1
            else:
                m = re.match(r"[-−]?[\w.]", math[j:]) if ch == "^" else re.match(r"\w", math[j:])
                end = j + (m.end() if m else 0)
            base = i - 1
            while base > 0 and math[base - 1].isdigit():
                base -= 1
            (subs if ch == "_" else sups).append(
                (offset + i, offset + end) if ch == "_" else (offset + i, offset + end, offset + base))
            i = end
        else:
            i += 1
    return subs, [s for s in sups]


def scan_numbers(text: str) -> list[ProseNumber]:
    """The numbers one sentence states, with their unit, precision and structural exemption.

    Parameters
    ----------
    text : str
        One sentence of cleaned prose (:func:`sentences`).

    Returns
    -------
    list of ProseNumber
        In text order. Numbers inside identifiers (``float32``, ``x_1``) are not numbers.
        The same objects for the same text (cached): do not modify them.
    """
    return list(_scan_numbers(text))


@functools.lru_cache(maxsize=4096)
def _scan_numbers(text: str) -> tuple[ProseNumber, ...]:
    maths = _math_spans(text)
    subs: list[tuple[int, int]] = []
    sups: list[tuple[int, int, int]] = []
    for a, b in maths:
        s, u = _script_spans(text[a:b], a)
        subs += s
        sups += u
    flat = text.replace("$", " ")  # same length, for the look-arounds
    found: list[ProseNumber] = []
    for m in _SCI.finditer(text):
        start, end = m.span()
        before, after = flat[:start], flat[end:]
        if start and (text[start - 1].isalnum() or text[start - 1] in "_.'") and not m.group("base"):
            continue
        if re.match(r"_\w", text[end:end + 2]):
            continue  # 05_categorical_vae: a name
        if m.group("base") == "e" and start and (text[start - 1].isalnum() or text[start - 1] == "_"):
            continue
        in_math = any(a <= start < b for a, b in maths)
        written = m.group(0)
        if m.group("m") is not None or m.group("m2") is not None:
            mant = m.group("m") or m.group("m2")
            exp_text = m.group("e1") or m.group("e2") or m.group("e3")
            exp = int(exp_text.translate(_SUPERSCRIPT).replace("−", "-"))
            value = float(mant.replace(",", "")) * 10.0 ** exp
            pn = ProseNumber(written, value, _decimals_half_width(mant) * 10.0 ** exp, start, end, in_math=in_math)
        elif m.group("base"):
            exp_text = (m.group("e4") or m.group("e5") or m.group("e6") or "").translate(_SUPERSCRIPT)
            exp_text = exp_text.replace("−", "-")
            try:
                exp = float(exp_text.replace(",", ""))
            except ValueError:
                continue
            base = m.group("base")
            if base == "e":  # e^{x}: compared by its exponent x, to the precision written
                pn = ProseNumber(written, math.inf, 0.0, start, end, in_math=in_math, alt_value=exp,
                                 alt_half_width=_decimals_half_width(exp_text.lstrip("-")))
            else:
                value = float(base) ** exp
                pn = ProseNumber(written, value, abs(value) * 1e-6, start, end, in_math=in_math, exact=True)
        elif m.group("a") is not None:
            a, b = float(m.group("a")), float(m.group("b"))
            if b == 0:
                continue
            pn = ProseNumber(written, a / b, abs(a / b) * 1e-6 + 0.005 / b, start, end, in_math=in_math)
        else:
            plain = m.group("plain")
            pn = ProseNumber(written, float(plain.replace(",", "")), _decimals_half_width(plain), start, end,
                             in_math=in_math)
        _classify(pn, text, flat, before, after, subs, sups, in_math)
        found.append(pn)
    found += _number_words(text, flat)
    found.sort(key=lambda p: p.start)
    _inherit_units(found, flat)
    return tuple(p for p in found if not ("pending" in p.notes and not p.unit))


_LETTER = r"A-Za-zα-ωΑ-Ωτηεσθℓγπ"
_FORMULA_AFTER = re.compile(rf"\s*\)?\s*[-−+*/×·]\s*\(?\s*(?:[{_LETTERISH}]|\d+(?:\.\d+)?[{_LETTER}(])")
_FORMULA_BEFORE = re.compile(rf"(?:(?<![{_LETTER}])[{_LETTER}]|[)!}}])\s*\)?\s*[-−+*/×·]\s*\(?\s*$")


def _classify(pn: ProseNumber, text: str, flat: str, before: str, after: str,
              subs: list[tuple[int, int]], sups: list[tuple[int, int, int]], in_math: bool) -> None:
    """Unit, approximation, bound and structural exemption of one number (rules: prose_numbers.py)."""
    start = pn.start
    if any(a < start < b for a, b in subs):
        pn.structural = "index (subscript)"
    for a, b, base in sups:
        if a < start < b and not pn.written.startswith(("10^", "2^", "e^")):
            pn.structural = "exponent in a formula"
        if base <= start < a and pn.written == text[base:a] and not re.fullmatch(
                r"[-−]?[\d.,]+", text[a + 1:b].strip("{}")):
            pn.structural = "exponent in a formula"
    compound = re.match(r"-(" + "|".join(f"(?:{v})" for v in UNITS.values()) + r")\b", after)
    if compound:
        pn.unit = next(unit for unit, rx in _UNIT_OF if rx.match(compound.group(1)))
    elif re.match(r"\s*%", after):
        pn.percent, pn.unit = True, "%"
    elif _RATIO_TIMES.match(after):
        pn.unit = "times"
    elif (not in_math or re.match(r"\s*\$", text[pn.end:])) and not _PARAMETER_BEFORE.search(before):
        pn.unit = _unit_of(after)  # "the τ = 0.3 model": a parameter's value, not a count of models
    if pn.written.startswith("10^") and re.search(r"(?:about|≈|~|∼|order of)\s*$", before):
        pn.magnitude = True  # "about 10^{-9}": an order of magnitude
    if _APPROX_BEFORE.search(before):
        pn.approx = True
    for sign, rx in _BOUND_BEFORE.items():
        if rx.search(before):
            pn.bound = sign
    if pn.structural:
        return
    if in_math:  # look only inside the same math span
        span_start = text.rfind("$", 0, start) + 1
        span_end = text.find("$", pn.end)
        m_before, m_after = text[span_start:start], text[pn.end:span_end if span_end >= 0 else len(text)]
    else:
        m_before, m_after = before, after
    whole = math.isfinite(pn.value) and pn.value == int(pn.value)
    if _REFERENCE_BEFORE.search(before) or (whole and _REFERENCE_LIST_BEFORE.search(before)):
        # "Notebook 5", "Sections 3 and 4", "Notebooks 1-3"
        pn.structural = "reference (Notebook, Section, Exercise, Eq., ...)"
    elif re.match(r"^\s*(?:\d+\s*)?$", before) and re.match(r"[.)]\s", after) and not pn.unit:
        pn.structural = "list enumerator"
    elif re.match(r"^\s*#+\s*$", before):
        pn.structural = "heading number"
    elif re.fullmatch(r"\d{4}", pn.written) and 1990 <= pn.value <= 2035 and not pn.unit:
        pn.structural = "year"
    elif whole and pn.value <= 10 and pn.unit == "categories":
        pn.structural = "K = 2/3: the setting"
    elif re.match(r"\s+(?:significant\s+)?(?:digits|decimals)\b", after) and re.search(r"\bto\s*$", before):
        pn.structural = "a precision (to 4 digits)"
    elif whole and pn.value <= 10 and (re.search(r"\bK\s*=\s*$", before) or re.search(
            r"\bK\s*=\s*\d+(?:\s*(?:,|or|and)\s*\d+)*\s*(?:,|or|and)\s*$", before)):
        pn.structural = "K = 2/3: the setting"
    elif pn.unit or pn.written.startswith(("10^", "2^", "e^")):
        return
    elif re.match(rf"[{_LETTER}]", m_after) or (in_math and re.match(rf"\s*[{_LETTERISH}]", m_after)):
        pn.structural = "coefficient in a formula (2x, 3c)"
    elif (_FORMULA_AFTER.match(m_after) and not re.match(r"-[a-z]{2,}", m_after)) or _FORMULA_BEFORE.search(
            m_before) or re.search(r"!\s*$", m_before) or re.match(r"\s*!", m_after):
        pn.structural = "term of a formula (1 − 2t, K − 1, 1/(K−1))"


def _number_words(text: str, flat: str) -> list[ProseNumber]:
    out = []
    words = sorted(NUMBER_WORDS, key=len, reverse=True)
    for m in re.finditer(r"\b(one|" + "|".join(words) + r")\b", flat, flags=re.I):
        after = flat[m.end():]
        unit = _unit_of(after)
        if re.match(r"\s*-", after):
            continue
        value = NUMBER_WORDS.get(m.group(1).lower(), 1.0)
        pn = ProseNumber(m.group(1), value, 0.1 * value, m.start(), m.end(), unit=unit, approx=True, word=True)
        if m.group(1).lower() == "one":
            if not unit:
                continue
            pn.structural = "one (never counts; it can pass its unit on: one colour against four)"
        elif not unit:
            pn.notes.append("pending")  # kept only if a neighbour passes it a unit
        elif re.search(r"\b(?:the|these|those|both|its|their|our|his|her)\s*$", flat[:m.start()], flags=re.I):
            pn.structural = "anaphora (the two estimators: things already named)"
        elif unit == "categories" and value <= 10:
            pn.structural = "K = 2/3: the setting"
        elif re.match(r"\s+(?:significant\s+)?(?:digits|decimals)\b", after):
            pn.structural = "a precision (to 4 digits)"
        out.append(pn)
    for m in re.finditer(r"\b(" + "|".join(_RATIO_WORDS) + r")\b", flat, flags=re.I):
        before = flat[:m.start()]
        if not (_APPROX_BEFORE.search(before) or any(rx.search(before) for rx in _BOUND_BEFORE.values())):
            continue
        value = _RATIO_WORDS[m.group(1).lower()]
        pn = ProseNumber(m.group(1), value, 0.1 * value, m.start(), m.end(), approx=True, word=True)
        for sign, rx in _BOUND_BEFORE.items():
            if rx.search(before):
                pn.bound = sign
        out.append(pn)
    return out


_PARAMETER_BEFORE = re.compile(r"(?:τ\*?|\bn|\bK|\bt|η|β|\bN|\bp\*?|\br)\s*(?:_\S+\s*)?(?:=|≈|≤|<|>|≥)\s*$")


def _inherit_units(found: list[ProseNumber], flat: str) -> None:
    """"40 epochs instead of 100", "0.1 to 1 nats", "500 or 1000 steps": a unit carries across connectors."""
    changed = True
    while changed:
        changed = False
        for left, right in zip(found, found[1:]):
            donor_only = "one (never"
            if not _CONNECTOR.match(flat[left.end:right.start]) or (right.structural or (
                    left.structural and not left.structural.startswith(donor_only))):
                continue
            if _PARAMETER_BEFORE.search(flat[:left.start]) or _PARAMETER_BEFORE.search(flat[:right.start]):
                continue  # "τ = 0.3, about 1 nat": a parameter's value takes no unit
            if left.unit and not right.unit:
                right.unit, right.percent, changed = left.unit, left.percent, True
            elif right.unit and not left.unit:
                left.unit, left.percent, changed = right.unit, right.percent, True
