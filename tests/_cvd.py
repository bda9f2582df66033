"""Colour-vision deficiency for the figure tests: simulate, measure colour differences, list a figure's series.

No dependency: the three dichromacies are the matrices of Machado, Oliveira & Fernandes (2009),
"A Physiologically-based Model for Simulation of Color Vision Deficiency", IEEE TVCG 15(6),
severity 1.0 (the full dichromacy: a figure that passes for it passes for the milder, more common
anomalous trichromacies), applied to linear RGB. Colour differences are CIE76 ΔE in CIELAB (D65).

Why ΔE >= 20 (:data:`MIN_DELTA_E`): one ΔE76 unit is about a just-noticeable difference for large
patches side by side; legend keys and curves are thin lines and small markers, seen from across a
lecture hall on a projector that washes colours out, and a reader must *identify* a series (match
a curve to its legend entry), not just notice a difference. Issue 20 measured a pair that readers
could not tell apart at ΔE ≈ 18 (the Okabe-Ito orange and vermilion under deuteranopia); 20 is
the round number just above it, about nine JNDs. Two series below it must differ in line style,
marker or hatching instead.
"""

from __future__ import annotations

import itertools
from typing import Any, Iterable

import numpy as np
from matplotlib.colors import to_rgba

#: Machado et al. (2009), Table 1, severity 1.0: linear RGB -> simulated linear RGB.
MACHADO = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
VISIONS = ("normal", *MACHADO)
MIN_DELTA_E = 20.0

_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])
_D65 = np.array([0.95047, 1.0, 1.08883])


def to_linear(rgb: Any) -> np.ndarray:
    c = np.asarray(rgb, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def to_srgb(linear: Any) -> np.ndarray:
    c = np.clip(np.asarray(linear, dtype=float), 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def opaque(color: Any, background: Any = "white") -> np.ndarray:
    """A Matplotlib colour (with its alpha) as the sRGB it shows over ``background``."""
    r, g, b, a = to_rgba(color)
    bg = np.asarray(to_rgba(background)[:3])
    return a * np.array([r, g, b]) + (1 - a) * bg


def simulate(rgb: Any, vision: str) -> np.ndarray:
    """sRGB (..., 3) as a reader with ``vision`` ("normal" or a key of :data:`MACHADO`) sees it."""
    rgb = np.asarray(rgb, dtype=float)
    if vision == "normal":
        return rgb
    return to_srgb(to_linear(rgb) @ MACHADO[vision].T)


def lab(rgb: Any) -> np.ndarray:
    """CIELAB (D65) of sRGB values in [0, 1], shape (..., 3)."""
    xyz = to_linear(rgb) @ _SRGB_TO_XYZ.T / _D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e(a: Any, b: Any, vision: str = "normal") -> np.ndarray:
    """CIE76 colour difference of two sRGB colours (or arrays of them) as ``vision`` sees them."""
    return np.linalg.norm(lab(simulate(a, vision)) - lab(simulate(b, vision)), axis=-1)


def min_delta_e(a: Any, b: Any) -> tuple[float, str]:
    """The smallest ΔE over normal vision and the three dichromacies, and the vision it occurs for.

    ``a`` and ``b`` are colours, or tuples of the colours of a series (a bar's face and edge): then,
    for each vision, the largest difference of corresponding colours counts (either tells them apart).
    """
    pa, pb = (a, b) if isinstance(a, tuple) and not isinstance(a[0], (int, float)) else ((a,), (b,))
    values = {v: max(float(delta_e(opaque(ca), opaque(cb), v)) for ca, cb in zip(pa, pb)) for v in VISIONS}
    worst = min(values, key=values.get)
    return values[worst], worst


# --------------------------------------------------------------------------- a figure's series


def _dashes(artist) -> tuple:
    """A line's dash pattern (``get_linestyle`` calls every custom pattern "--"); ``("none",)`` for no line."""
    ls = artist.get_linestyle()
    if ls in ("None", "none", " ", "", None):
        return ("none",)
    offset, seq = getattr(artist, "_unscaled_dash_pattern", (0, None))
    return ("solid",) if seq is None else (round(float(offset), 3), tuple(round(float(s), 3) for s in seq))


def series_style(handle) -> dict:
    """What tells a legend entry apart besides its colour: dashes, marker, hatch, fill; and its colour."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if isinstance(handle, Line2D):
        marker = handle.get_marker()
        marker = "" if marker in (None, "None", "none", "", " ") else str(marker)
        dashes = _dashes(handle)
        face = handle.get_markerfacecolor()
        hollow = bool(marker) and (face in ("none", "None") or to_rgba(face)[3] == 0)
        color = handle.get_color() if dashes != ("none",) else (handle.get_markeredgecolor() if hollow else face)
        return {"colors": (color,), "dashes": dashes, "marker": marker, "hollow": hollow, "hatch": ""}
    if isinstance(handle, Patch):
        face, edge = handle.get_facecolor(), handle.get_edgecolor()
        filled = handle.get_fill() and face[3] > 0
        edged = handle.get_linewidth() > 0 and edge[3] > 0
        colors = (face if filled else "white", edge if edged else (face if filled else "white"))
        return {"colors": colors, "dashes": _dashes(handle), "marker": "", "hollow": not filled,
                "hatch": handle.get_hatch() or ""}
    colors = handle.get_facecolor() if len(handle.get_facecolor()) else handle.get_edgecolor()  # a collection
    return {"colors": (tuple(colors[0]),), "dashes": ("collection",), "marker": "", "hollow": False, "hatch": ""}


def legend_series(fig) -> list[list[tuple[str, dict]]]:
    """The series of each legend of ``fig`` (axes legends and figure legends): [(label, style), ...] per legend."""
    from matplotlib.collections import Collection
    from matplotlib.container import Container

    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None] + list(fig.legends)
    # An error-bar series shows in its legend as the bars' LineCollection: look its data line up instead.
    originals = {}
    for ax in fig.axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if isinstance(handle, Container) and getattr(handle, "lines", None) and handle.lines[0] is not None:
                originals[label] = handle.lines[0]
    out = []
    for legend in legends:
        entries = []
        for h, t in zip(legend.legend_handles, legend.get_texts()):
            if isinstance(h, Collection) and t.get_text() in originals:
                h = originals[t.get_text()]
            if h is not None:
                entries.append((t.get_text(), series_style(h)))
        out.append(entries)
    return out


def same_style(a: dict, b: dict) -> bool:
    return all(a[k] == b[k] for k in ("dashes", "marker", "hollow", "hatch"))


def confusable_pairs(entries: Iterable[tuple[str, dict]]) -> list[tuple[str, str, float, str]]:
    """Pairs of series told apart by colour only, with too small a colour difference for some vision."""
    bad = []
    for (la, a), (lb, b) in itertools.combinations(list(entries), 2):
        if not same_style(a, b):
            continue
        d, vision = min_delta_e(a["colors"], b["colors"])
        if d < MIN_DELTA_E:
            bad.append((la, lb, round(d, 1), vision))
    return bad


def figure_problems(fig, name: str) -> list[str]:
    """Every confusable pair of every legend of ``fig``, as readable lines."""
    return [f"{name}: {la!r} and {lb!r} differ by ΔE {d} under {vision} and have the same line style and marker"
            for entries in legend_series(fig) for la, lb, d, vision in confusable_pairs(entries)]
