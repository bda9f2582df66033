"""Alt text for figures, read from the figure itself: what a screen reader says instead of the picture.

:func:`describe_figure` is pure: it reads a Matplotlib figure (titles, axis labels and
ranges, scales, what each panel draws, legend entries, colour bars) and, if given, the
settings of the explorer that drew it, and returns one paragraph of plain text. It
draws nothing and changes nothing, so an explorer can describe every frame it shows.

:func:`install_alt_text_formatter` makes IPython attach that text to every Matplotlib
figure a notebook displays, as the output's metadata ``{"image/png": {"alt": ...}}``
(the course's site writes it into the page's ``<img alt=...>``). The package calls it
when it makes a pyplot figure (:func:`gumbel_utils.viz.style.pyplot_axes` and
:func:`~gumbel_utils.viz.style.pyplot_figure`), so a notebook run in JupyterLab and the
same notebook run for the site carry the same outputs.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Mapping

from matplotlib.axes import Axes
from matplotlib.collections import PathCollection, PolyCollection, QuadMesh
from matplotlib.figure import Figure

__all__ = ["describe_figure", "plain_text", "install_alt_text_formatter"]

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "eta": "η",
    "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ",
    "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Sigma": "Σ", "Phi": "Φ", "Omega": "Ω",
}
_SYMBOLS = {
    "to": "→", "rightarrow": "→", "leftarrow": "←", "infty": "∞", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "neq": "≠", "ne": "≠", "approx": "≈", "sim": "~", "propto": "∝", "times": "×", "cdot": "·", "pm": "±",
    "partial": "∂", "nabla": "∇", "sum": "Σ", "in": "∈", "ldots": "…", "dots": "…", "log": "log", "exp": "exp",
    "min": "min", "max": "max", "arg": "arg", "mid": "|", "quad": " ", "qquad": " ", ",": " ", ";": " ", "!": "",
    "%": "%", "$": "$", "_": "_",
}
_SUB = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SUP = str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")
_ACCENT = {"hat": "\u0302", "tilde": "\u0303", "bar": "\u0304", "overline": "\u0304", "dot": "\u0307"}


def _script(text: str, table: dict, marker: str) -> str:
    """``x_0`` -> ``x₀`` when every character has a Unicode subscript (superscript), else ``x_0`` kept."""
    if text and all(ord(c) in table for c in text):
        return text.translate(table)
    return f"{marker}{text}"


def _tex(text: str) -> str:
    """Mathtext (the inside of ``$...$``) as plain Unicode text."""

    def accent(m: re.Match) -> str:
        body = m.group(2)
        return body + _ACCENT[m.group(1)] if len(body) == 1 else body

    text = re.sub(r"\\(hat|tilde|bar|overline|dot)\{([^{}]*)\}", accent, text)
    text = re.sub(r"\\(hat|tilde|bar|dot)\s*([A-Za-z])", accent, text)
    text = re.sub(r"\\(?:mathrm|mathbf|mathit|mathsf|mathcal|mathbb|text|operatorname|boldsymbol)\s*\{([^{}]*)\}",
                  r"\1", text)
    text = re.sub(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"\1/\2", text)
    text = re.sub(r"\\sqrt\s*\{([^{}]*)\}", r"√(\1)", text)
    text = re.sub(r"\\(left|right|big|Big|bigg|Bigg)\b\s*", "", text)

    def command(m: re.Match) -> str:
        name = m.group(1)
        return _GREEK.get(name, _SYMBOLS.get(name, name))

    text = re.sub(r"\\([A-Za-z]+|[,;!%$_])", command, text)
    text = re.sub(r"_\{([^{}]*)\}|_(\S)", lambda m: _script(m.group(1) or m.group(2), _SUB, "_"), text)
    text = re.sub(r"\^\{([^{}]*)\}|\^(\S)", lambda m: _script(m.group(1) or m.group(2), _SUP, "^"), text)
    return text.replace("{", "").replace("}", "")


def plain_text(label: str) -> str:
    """A Matplotlib label (with ``$...$`` mathtext) or a widget description as plain Unicode text.

    Parameters
    ----------
    label : str
        The label; the parts between unescaped ``$`` signs are read as TeX.

    Examples
    --------
    >>> plain_text(r"softmax$((x + g)/\\tau)$, $\\tau \\to 0$")
    'softmax((x + g)/τ), τ → 0'
    >>> plain_text(r"$x_0$ and $\\hat{g}_1$")
    'x₀ and ĝ₁'
    """
    parts = re.split(r"(?<!\\)\$", str(label))
    out = [part if i % 2 == 0 else _tex(part) for i, part in enumerate(parts)]
    text = "".join(out).replace(r"\$", "$")
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _number(value: float) -> str:
    if value == 0 or not (abs(value) < 1e15):
        return f"{value:g}"
    text = f"{value:.3g}"
    return text.replace("e-0", "e-").replace("e+0", "e+").replace("e+", "e")


def _axis(ax: Axes, which: str) -> str:
    axis = ax.xaxis if which == "x" else ax.yaxis
    label = plain_text(axis.get_label_text())
    low, high = ax.get_xlim() if which == "x" else ax.get_ylim()
    scale = axis.get_scale()
    scale_text = f", {scale} scale" if scale != "linear" else ""
    name = f"{which} axis" + (f" “{label}”" if label else "")
    return f"{name} from {_number(low)} to {_number(high)}{scale_text}"


def _contents(ax: Axes) -> str:
    """What the panel draws: counts of lines, points, bars, images, shaded areas."""
    lines = [ln for ln in ax.get_lines() if ln.get_visible() and len(ln.get_xdata()) > 1]
    markers = [ln for ln in ax.get_lines() if ln.get_visible() and len(ln.get_xdata()) == 1]
    points = sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection) and c.get_visible())
    meshes = [c for c in ax.collections if isinstance(c, QuadMesh) and c.get_visible()]
    areas = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_visible()]
    bars = sum(len(c.patches) for c in ax.containers if hasattr(c, "patches"))
    parts = []
    for count, word in ((len(lines), "curve"), (len(markers), "marker"), (points, "point"), (bars, "bar"),
                        (len(ax.images) + len(meshes), "image"), (len(areas), "shaded area")):
        if count:
            parts.append(f"{count} {word}{'s' if count > 1 else ''}")
    return ", ".join(parts)


def _legend(ax: Axes) -> str:
    legend = ax.get_legend()
    if legend is None or not legend.get_visible():
        return ""
    entries = [plain_text(t.get_text()) for t in legend.get_texts() if t.get_visible() and t.get_text().strip()]
    title = plain_text(legend.get_title().get_text())
    return ("legend" + (f" “{title}”" if title else "") + ": " + "; ".join(entries)) if entries else ""


def _panel(ax: Axes) -> str:
    colorbar = getattr(ax, "_colorbar", None)
    if colorbar is not None:
        long_axis = ax.yaxis if colorbar.orientation == "vertical" else ax.xaxis
        low, high = colorbar.norm.vmin, colorbar.norm.vmax
        label = plain_text(long_axis.get_label_text())
        return f"colour scale{f' “{label}”' if label else ''} from {_number(low)} to {_number(high)}"
    title = " ".join(plain_text(ax.get_title(loc)) for loc in ("left", "center", "right") if ax.get_title(loc))
    parts = [f"“{title}”"] if title else []
    if ax.axison:  # an unlabelled axis of an image counts pixels: nothing to read there
        parts += [_axis(ax, which) for which, axis in (("x", ax.xaxis), ("y", ax.yaxis))
                  if axis.get_label_text() or not ax.images]
    shows = _contents(ax)
    if shows:
        parts.append("shows " + shows)
    legend = _legend(ax)
    if legend:
        parts.append(legend)
    texts = [plain_text(t.get_text()) for t in ax.texts if t.get_visible() and t.get_text().strip()]
    if texts:
        parts.append("labels: " + "; ".join(texts[:6]) + ("; …" if len(texts) > 6 else ""))
    return "; ".join(parts) if parts else "an empty panel"


def describe_figure(fig: Figure, values: Mapping[str, Any] | None = None) -> str:
    """A plain-text description of a figure, for an image's ``alt`` text.

    Reads the figure's title, then for each visible panel its title, axis labels and
    ranges (with a log scale named), what it draws (curves, points, bars, images,
    shaded areas), its legend entries and text labels, and each colour bar's label and
    range; the settings in ``values`` come last. Nothing is drawn or changed.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to describe.
    values : mapping of str to object, optional
        The settings that produced it (an explorer's controls: ``{"τ": "0.1"}``), written
        as ``name = value``; names and values are given as the reader should read them.

    Returns
    -------
    str
        One paragraph of plain text.

    Examples
    --------
    >>> from gumbel_utils.viz import new_figure
    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0.01, 10], [0, 1], label="$E[y_1]$"); ax.set_xscale("log")
    >>> _ = ax.set(title=r"$E[y]$ against $\\tau$", xlabel=r"$\\tau$", ylabel="mean", xlim=(0.01, 10), ylim=(0, 1))
    >>> _ = ax.legend()
    >>> describe_figure(fig, {"τ": "0.5"})
    'Figure: “E[y] against τ”; x axis “τ” from 0.01 to 10, log scale; y axis “mean” from 0 to 1; shows 1 curve; legend: E[y₁]. Settings: τ = 0.5.'
    """
    panels = [ax for ax in fig.axes if ax.get_visible()]
    head = plain_text(fig.get_suptitle()) if fig.get_suptitle() else ""
    described = [_panel(ax) for ax in panels]
    texts = [plain_text(t.get_text()) for t in fig.texts if t.get_visible() and t.get_text().strip()
             and t is not getattr(fig, "_suptitle", None)]
    if len(described) == 1:
        body = "Figure: " + (f"“{head}”; " if head else "") + described[0]
    else:
        body = "Figure" + (f" “{head}”" if head else "") + f" with {len(described)} panels. "
        body += " ".join(f"Panel {i}: {d}." for i, d in enumerate(described, 1)).rstrip(".")
    if texts:
        body += ". Notes: " + "; ".join(texts)
    body += "."
    if values:
        body += " Settings: " + ", ".join(f"{plain_text(str(k))} = {v}" for k, v in values.items()) + "."
    return body


def install_alt_text_formatter() -> bool:
    """Make IPython attach :func:`describe_figure`'s text to every Matplotlib figure it displays as PNG.

    Wraps the PNG formatter that Matplotlib's inline backend registered for
    :class:`~matplotlib.figure.Figure`: the image is unchanged, and its output gets the
    metadata ``{"alt": describe_figure(fig)}``. Does nothing outside IPython, before the
    inline backend has registered its formatter, or when already installed (the backend
    replaces the formatter when it is configured again, and the next call wraps the new
    one). Never fails a display: a figure that cannot be described keeps its PNG alone.

    Returns
    -------
    bool
        Whether the formatter is in place now.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    png = shell.display_formatter.formatters.get("image/png")
    if png is None:
        return False
    try:
        base = png.lookup_by_type(Figure)
    except KeyError:
        return False
    if getattr(base, "_gumbel_alt_text", False):
        return True

    def png_with_alt(fig: Figure):
        data = base(fig)
        if data is None:
            return None
        metadata: dict = {}
        if isinstance(data, tuple):
            data, metadata = data[0], dict(data[1] or {})
        try:
            metadata["alt"] = describe_figure(fig)
        except Exception:  # a description must never cost the learner the figure
            return (data, metadata) if metadata else data
        return data, metadata

    png_with_alt._gumbel_alt_text = True  # type: ignore[attr-defined]
    png.for_type(Figure, png_with_alt)
    return True
