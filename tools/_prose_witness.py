"""The code side of ``tools/prose_numbers.py``: what an executed notebook prints and what its code sets.

A prose number has a witness when one of these matches it (the rules are in the
docstring of ``tools/prose_numbers.py``). Pure functions of an executed notebook.
"""

from __future__ import annotations

import ast
import bisect
import functools
import html
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable

__all__ = [
    "UNIT_NAMES",
    "UNIT_WORDS",
    "Printed",
    "Setting",
    "WitnessIndex",
    "code_settings",
    "output_texts",
    "printed_numbers",
    "line_has_unit",
    "name_has_unit",
    "setting_has_unit",
]

#: Unit -> words of a printed line (or its output's first line) that carry the same unit.
UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "nats": ("nat", "elbo", "loss", " kl"),
    "epochs": ("epoch",),
    "runs": ("run", "seed", "model"),
    "seeds": ("seed", "run"),
    "steps": ("step",),
    "samples": ("sample", "draw", "estimate"),
    "draws": ("draw", "sample", "noise"),
    "images": ("image", "digit"),
    "codes": ("code",),
    "latents": ("latent",),
    "categories": ("categor",),
    "pixels": ("pixel",),
    "parameters": ("parameter",),
    "batches": ("batch",),
    "estimators": ("estimator",),
    "temperatures": ("temperature", "τ", "tau"),
    "colours": ("colour", "color"),
    "seconds": (" s ", " s,", " s)", " s;", "second", " ms"),
    "times": ("/", "ratio", "times", "×", "divides", "factor"),
    "minutes": (" min",),
    "hours": (),
    "%": ("%",),
}
#: Unit -> names (or name parts) of the code variables and keywords that set a count of it.
UNIT_NAMES: dict[str, tuple[str, ...]] = {
    "epochs": ("epoch", "epochs"),
    "steps": ("step", "steps", "every"),
    "runs": ("seed", "runs"),
    "seeds": ("seed",),
    "samples": ("sample", "samples", "size", "n", "draws", "batch"),
    "draws": ("draws", "draw", "size", "n", "samples"),
    "images": ("batch", "images"),
    "codes": ("codes", "samples"),
    "latents": ("l", "latents"),
    "categories": ("k", "categories"),
    "temperatures": ("tau", "taus"),
    "batches": ("batch",),
    "estimators": ("names", "estimators"),
}
#: Keywords and calls whose numbers only lay out a figure or format a number.
_PRESENTATION_KW = {"axis", "ddof", "decimals", "precision", "figsize", "lw", "linewidth", "ls", "ms", "markersize",
                    "fontsize", "dpi", "alpha", "color", "zorder", "width", "ncols", "nrows", "bbox_to_anchor", "loc",
                    "description_width", "max", "ylim", "xlim", "height", "pad", "keepdims", "minlength"}
_PRESENTATION_CALLS = {"round", "ylim", "xlim", "axvline", "axhline", "text", "annotate", "figure", "subplots",
                       "set_ylim", "set_xlim", "legend", "array2string", "format", "IntProgress", "isclose",
                       "allclose", "set_printoptions", "Layout"}


# --------------------------------------------------------------------------- printed


@dataclass(frozen=True)
class Printed:
    """A number in a text output: its value, its line, and the first line of its output (a table's header)."""

    value: float
    written: str
    line: str
    header: str
    cell: int
    percent: bool = False

    @property
    def half_width(self) -> float:
        """Half a unit of the last printed digit (``5.96e-08``: 0.005e-08)."""
        mant, _, exp = self.written.rstrip("% ").replace(",", "").lower().partition("e")
        digits = len(mant.split(".")[1]) if "." in mant else 0
        return 0.5 * 10.0 ** (-digits + (int(exp) if exp else 0))


def output_texts(nb: Any) -> list[tuple[int, str]]:
    """The text a learner reads under each code cell: stdout, ``text/plain`` results, HTML and Markdown outputs as text.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    list of (int, str)
        (cell index, text). Figures' ``<Figure size ...>`` placeholders are left out; of a
        widget only its ``description`` (a progress bar's label) is kept; stderr and
        errors are not text a learner should quote.
    """
    texts = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "quiz" in cell.get("metadata", {}).get("tags", []):
            continue  # a quiz's output holds its own questions and feedback: never a witness of itself
        stdout = "".join(o.get("text", "") for o in cell.get("outputs", [])
                         if o.get("output_type") == "stream" and o.get("name") == "stdout")
        if stdout:
            texts.append((index, stdout))
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if out.get("output_type") not in ("execute_result", "display_data"):
                continue
            if "text/html" in data:
                raw = data["text/html"]
                raw = "".join(raw) if isinstance(raw, list) else raw
                raw = re.sub(r"<(style|script)\b.*?</\1>", " ", raw, flags=re.S)
                texts.append((index, html.unescape(re.sub(r"<[^>]+>", " ", raw))))
            elif "text/markdown" in data:
                md = data["text/markdown"]
                texts.append((index, "".join(md) if isinstance(md, list) else md))
            elif "text/plain" in data:
                plain = data["text/plain"]
                if plain.startswith("<Figure size"):
                    continue
                if "application/vnd.jupyter.widget-view+json" in data:
                    texts += [(index, d) for d in re.findall(r"description='([^']*)'", plain)]
                    continue
                texts.append((index, plain))
    return texts


_PRINTED_NUMBER = re.compile(
    r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+(?![\d])|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)(?:\s?%)?|10([⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def printed_numbers(texts: Iterable[tuple[int, str]]) -> list[Printed]:
    """Every number of the output texts, with its line and its output's first line.

    Parameters
    ----------
    texts : iterable of (int, str)
        (cell index, text), e.g. from :func:`output_texts`.

    Returns
    -------
    list of Printed
        Percentages are kept as printed (``28.12%`` gives 28.12 with ``percent=True``).
    """
    found = []
    for cell, text in texts:
        lines = text.split("\n")
        header = lines[0]
        for line in lines:
            for m in _PRINTED_NUMBER.finditer(line):
                written = m.group(0)
                if m.group(1):
                    value = 10.0 ** int(m.group(1).translate(_SUPERSCRIPT))
                else:
                    try:
                        value = float(written.rstrip("% ").replace(",", ""))
                    except ValueError:
                        continue
                found.append(Printed(abs(value), written, line, header, cell, written.endswith("%")))
    return found


# --------------------------------------------------------------------------- code


@dataclass(frozen=True)
class Setting:
    """A number that a code cell sets: a literal, a constant expression, or the length of a literal list.

    ``name`` is the variable, keyword or loop variable it is given to (``""`` for a
    positional argument: then ``call`` names the function); ``kind`` is "literal",
    "folded" (``2.0 ** -24``), "length" (``seed=[0, 1, 2]`` sets 3 seeds) or "compare"
    (``assert x < 0.1``).
    """

    value: float
    name: str
    kind: str
    cell: int
    source: str
    call: str = ""
    comment: str = ""  # the comment on the literal's line
    alone: bool = False  # the only number literal on its line


def _const(node: ast.AST) -> float | None:
    """The value of a numeric constant expression (``-24``, ``2.0 ** -24``, ``1000 * 100_000``), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _const(node.operand)
        return None if v is None else (-v if isinstance(node.op, ast.USub) else v)
    if isinstance(node, ast.BinOp):
        a, b = _const(node.left), _const(node.right)
        if a is None or b is None:
            return None
        try:
            return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b,
                    ast.Div: a / b if b else math.nan, ast.Pow: a ** b if abs(b) < 400 else math.nan}.get(
                type(node.op), None)
        except (OverflowError, ZeroDivisionError):
            return None
    return None


def _name_of(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, (ast.Tuple, ast.List)):
        return ",".join(_name_of(e) for e in node.elts)
    if isinstance(node, ast.Subscript):
        return _name_of(node.value)
    return ""


def _call_name(node: ast.Call) -> str:
    return _name_of(node.func)


class _Collector(ast.NodeVisitor):
    def __init__(self, cell: int, source: str) -> None:
        self.cell, self.source, self.found = cell, source, []
        self._names: list[str] = [""]
        self._calls: list[str] = [""]

    def _add(self, value: float, kind: str, node: ast.AST) -> None:
        if math.isfinite(value):
            text = ast.get_source_segment(self.source, node) or ""
            line = self.source.split("\n")[node.lineno - 1] if getattr(node, "lineno", None) else ""
            code, _, comment = line.partition("#")
            alone = len(re.findall(r"(?<![\w.])\d[\d_]*\.?\d*(?:e-?\d+)?", code)) == 1
            self.found.append(Setting(abs(value), self._names[-1], kind, self.cell, text, self._calls[-1], comment,
                                      alone))

    def _with_name(self, name: str, node: ast.AST) -> None:
        self._names.append(name)
        self.visit(node)
        self._names.pop()

    def generic_visit(self, node: ast.AST) -> None:
        value = _const(node)
        if value is not None:
            self._add(value, "folded" if isinstance(node, ast.BinOp) else "literal", node)
            if isinstance(node, ast.BinOp):  # the literals of 2.0 ** -24 count too
                super().generic_visit(node)
            return
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and node.elts and all(
                _const(e) is not None for e in node.elts):
            self._add(float(len(node.elts)), "length", node)
        super().generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:  # an index or a slice is not a setting
        self.visit(node.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        names = [_name_of(t) for t in node.targets]
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple) and isinstance(node.value, ast.Tuple):
            for t, v in zip(node.targets[0].elts, node.value.elts):  # L, K, H = 10, 10, 128
                self._with_name(_name_of(t), v)
            return
        self._with_name(",".join(names), node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._with_name(_name_of(node.target), node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._with_name(_name_of(node.target), node.value)

    def visit_For(self, node: ast.For) -> None:
        self._with_name(_name_of(node.target), node.iter)
        for stmt in node.body + node.orelse:
            self.visit(stmt)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._with_name(_name_of(node.target), node.iter)
        for cond in node.ifs:
            self.visit(cond)

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg in _PRESENTATION_KW:
            return
        self._with_name(node.arg or "", node.value)

    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node)
        if name in _PRESENTATION_CALLS:
            return
        self.visit(node.func)
        self._calls.append(name)
        for arg in node.args:  # positional: named after the function
            self._with_name(self._names[-1] if name in ("array", "asarray", "log", "full", "arange", "geomspace",
                                                         "linspace", "logspace", "partial", "tuple", "list")
                            else "", arg)
        for kw in node.keywords:
            self.visit(kw)
        self._calls.pop()

    def visit_Compare(self, node: ast.Compare) -> None:
        self._names.append(_name_of(node.left) or "compare")
        for comp in node.comparators:
            value = _const(comp)
            if value is not None:
                self._add(value, "compare", comp)
            else:
                self.visit(comp)
        self._names.pop()
        self.visit(node.left)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:  # f-string: its format specs are not settings
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                self.visit(v.value)


def code_settings(nb: Any) -> list[Setting]:
    """Every number the code cells of a notebook set (literals, constant expressions, lengths of literal lists).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A notebook (executed or not).

    Returns
    -------
    list of Setting
        Literals used as an index or a slice (``x[:100]``), as a layout or format
        argument (``figsize=``, ``round(x, 3)``) or inside an f-string's format are left
        out: they set nothing a sentence could report.
    """
    found: list[Setting] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.split("\n") if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        collector = _Collector(index, source)
        collector.visit(tree)
        found += collector.found
    return found


# --------------------------------------------------------------------------- index

#: A printed fraction witnesses a prose percentage only on a line about shares ("28 %" and "share 0.28").
_FRACTION_LINE = re.compile(r"frequen|share|fraction|probab|rate|%|proportion|ratio|p-value|one-hot|nan", re.I)


class WitnessIndex:
    """The printed numbers and code settings of one notebook, searchable by value.

    Parameters
    ----------
    name : str
        The notebook's file name.
    nb : nbformat.NotebookNode
        The executed notebook.
    """

    def __init__(self, name: str, nb: Any) -> None:
        self.name = name
        self.printed = printed_numbers(output_texts(nb))
        self.settings = code_settings(nb)
        self._printed = sorted(((p.value, i) for i, p in enumerate(self.printed)))
        self._printed_keys = [v for v, _ in self._printed]
        self._pct = sorted(((p.value / 100.0, i) for i, p in enumerate(self.printed) if p.percent))
        self._pct_keys = [v for v, _ in self._pct]
        self._settings = sorted(((s.value, i) for i, s in enumerate(self.settings)))
        self._settings_keys = [v for v, _ in self._settings]
        self.text = "\n".join(t for _, t in output_texts(nb))
        self.exercises = {f"{a}.{b}" for c in nb.cells if c.cell_type == "code"
                          for a, b in re.findall(r"exercise_(\d+)_(\d+)", c.source)}

    @staticmethod
    def _range(keys: list[float], items: list[tuple[float, int]], lo: float, hi: float) -> list[int]:
        return [i for _, i in items[bisect.bisect_left(keys, lo):bisect.bisect_right(keys, hi)]]

    def printed_near(self, value: float, half_width: float, *, percent: bool = False) -> list[Printed]:
        """Printed numbers within ``half_width`` of ``value`` (a prose percentage also matches fractions).

        Parameters
        ----------
        value, half_width : float
            The prose number and its rounding half-width (in percent when ``percent``).
        percent : bool
            The prose number is a percentage: it matches a printed percentage, or a
            printed fraction times 100.

        Returns
        -------
        list of Printed
        """
        tol = half_width * (1 - 1e-9)  # half-way is not a match: a printed 0.5 is not "1"
        if percent:
            hits = [self.printed[i] for i in self._range(self._printed_keys, self._printed, value - tol, value + tol)
                    if self.printed[i].percent]
            frac = value / 100.0
            hits += [self.printed[i] for i in self._range(self._printed_keys, self._printed,
                                                          frac - tol / 100, frac + tol / 100)
                     if not self.printed[i].percent and _FRACTION_LINE.search(self.printed[i].line)]
            return hits
        hits = [self.printed[i] for i in self._range(self._printed_keys, self._printed, value - tol, value + tol)
                if not self.printed[i].percent]
        return hits + [self.printed[i] for i in self._range(self._pct_keys, self._pct, value - tol, value + tol)]

    def printed_rounding(self, value: float) -> list[Printed]:
        """Printed numbers that are ``value`` rounded to their printed digits (for exact prose: ``2^{-24}``).

        Parameters
        ----------
        value : float
            An exact prose value.

        Returns
        -------
        list of Printed
        """
        near = self._range(self._printed_keys, self._printed, value * (1 - 1e-2), value * (1 + 1e-2))
        return [self.printed[i] for i in near if not self.printed[i].percent
                and abs(self.printed[i].value - value) < self.printed[i].half_width]

    def settings_near(self, value: float, half_width: float) -> list[Setting]:
        """Code settings within ``half_width`` of ``value``.

        Parameters
        ----------
        value, half_width : float
            The prose number and its rounding half-width.

        Returns
        -------
        list of Setting
        """
        tol = half_width * (1 - 1e-9) + 1e-12 * abs(value)
        return [self.settings[i] for i in self._range(self._settings_keys, self._settings, value - tol, value + tol)]


@functools.lru_cache(maxsize=65536)
def name_has_unit(name: str, unit: str) -> bool:
    """True when a code name sets a count of ``unit`` (``EPOCHS`` and ``epochs=`` for epochs, ``seed=`` for seeds).

    Parameters
    ----------
    name : str
        A variable or keyword name (comma-joined for several targets).
    unit : str
        A canonical unit (a key of ``UNIT_NAMES``).

    Returns
    -------
    bool
    """
    stems = UNIT_NAMES.get(unit, ())
    for part in re.split(r"[,_\W]+", name.lower()):
        if part and any(part == s or (len(s) > 2 and part.startswith(s)) for s in stems):
            return True
    return False


def setting_has_unit(setting: Setting, unit: str) -> bool:
    """True when a code setting counts ``unit``: by its name, or by the comment on its line.

    Parameters
    ----------
    setting : Setting
        A number set in code.
    unit : str
        A canonical unit.

    Returns
    -------
    bool
    """
    if setting.name.split(",")[-1] == "rng" or (setting.kind == "literal" and name_has_unit(setting.name, "seeds")
                                                 and unit in ("seeds", "runs")):
        return False  # a seed is an identifier, not a count: seed=[0, 1, 2] (a length) counts three
    comment = f" {setting.comment.lower()} "
    if name_has_unit(setting.name, unit):
        return True
    # a comment names the unit of the only number on its line, or of the number it repeats ("# 10,000 draws")
    repeats = f"{setting.value:,.0f}" in comment or f"{setting.value:g}" in comment
    return (setting.alone or repeats) and any(w in comment for w in UNIT_WORDS.get(unit, ()) if w.strip())


def line_has_unit(printed: Printed, unit: str) -> bool:
    """True when the printed line, or the first line of its output, carries ``unit``.

    Parameters
    ----------
    printed : Printed
        A printed number.
    unit : str
        A canonical unit (a key of ``UNIT_WORDS``).

    Returns
    -------
    bool
    """
    return _text_has_unit(f" {printed.line} {printed.header} ", unit)


@functools.lru_cache(maxsize=65536)
def _text_has_unit(text: str, unit: str) -> bool:
    text = text.lower()
    return any(word in text for word in UNIT_WORDS.get(unit, ()))
