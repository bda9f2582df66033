"""Alt text read from a figure (``gumbel_utils.viz.alt_text``): what it says, that it changes nothing, and the formatter.

``describe_figure`` must name what a sighted reader gets from the figure: its titles, each
axis's label and range (and a log scale), what each panel draws, the legend entries, a
colour bar's label and range, and the explorer's settings. It must not change the figure
(an explorer describes every frame it draws). ``install_alt_text_formatter`` must put that
text into the PNG output's metadata, leave the image bytes alone, and never break a display.
"""

from __future__ import annotations

import inspect

import numpy as np
import matplotlib.pyplot as plt
import pytest

from gumbel_utils.viz import figure_png, new_figure
from gumbel_utils.viz.alt_text import describe_figure, install_alt_text_formatter, plain_text


def _line_figure():
    fig, ax = new_figure()
    ax.plot([0.01, 1, 10], [0.2, 0.5, 0.9], label=r"$E[y_1]$")
    ax.plot([0.01, 10], [1 / 3, 1 / 3], ls=":", label="1/K")
    ax.set_xscale("log")
    ax.set(title=r"$E[y]$ moves to the centre as $\tau$ grows", xlabel=r"temperature $\tau$", ylabel="mean",
           xlim=(0.01, 10), ylim=(0, 1))
    ax.legend()
    return fig, ax


def test_describes_title_axes_scale_contents_legend_and_settings():
    fig, _ = _line_figure()
    text = describe_figure(fig, {"τ": "0.03", "noise seed": "2"})
    assert text.startswith("Figure: “E[y] moves to the centre as τ grows”")
    assert "x axis “temperature τ” from 0.01 to 10, log scale" in text
    assert "y axis “mean” from 0 to 1" in text and "y axis “mean” from 0 to 1, log" not in text
    assert "shows 2 curves" in text
    assert "legend: E[y₁]; 1/K" in text
    assert text.endswith("Settings: τ = 0.03, noise seed = 2.")
    assert "$" not in text and "\\" not in text


def test_several_panels_suptitle_bars_points_images_and_colour_bar():
    fig, (left, right) = new_figure(1, 2, figsize=(8, 3.5))
    fig.suptitle("Two views")
    left.bar([1, 2, 3], [0.2, 0.3, 0.5])
    left.scatter(np.arange(5), np.arange(5))
    image = right.imshow(np.arange(12).reshape(3, 4), vmin=0, vmax=11)
    right.axis("off")
    bar = fig.colorbar(image, ax=right)
    bar.set_label(r"$\log p$")
    text = describe_figure(fig)
    assert text.startswith("Figure “Two views” with 3 panels.")
    assert "Panel 1: x axis from" in text and "shows 5 points, 3 bars" in text
    assert "Panel 2: shows 1 image" in text and "x axis" not in text.split("Panel 2:")[1].split("Panel 3")[0]
    assert "Panel 3: colour scale “log p” from 0 to 11" in text
    assert "Settings" not in text


def test_an_image_with_unlabelled_axes_is_not_described_by_pixel_ranges():
    fig, ax = new_figure(figsize=(4, 3))
    ax.imshow(np.zeros((8, 20)))
    ax.set_title("digits")
    assert describe_figure(fig) == "Figure: “digits”; shows 1 image."
    ax.set_xlabel("pixel column")
    assert "x axis “pixel column” from -0.5 to 19.5" in describe_figure(fig)


def test_changes_nothing_in_the_figure():
    fig, ax = _line_figure()
    before = figure_png(fig)
    limits = (ax.get_xlim(), ax.get_ylim())
    describe_figure(fig, {"a": 1})
    assert (ax.get_xlim(), ax.get_ylim()) == limits
    assert figure_png(fig) == before


def test_follows_the_figure_when_an_update_changes_it():
    fig, ax = _line_figure()
    first = describe_figure(fig)
    ax.set_title(r"$\tau = 5$")
    ax.set_ylim(0, 2)
    second = describe_figure(fig)
    assert first != second and "“τ = 5”" in second and "from 0 to 2" in second


@pytest.mark.parametrize("label, text", [
    (r"$\hat{g}_1$", "ĝ₁"),
    (r"$\nabla_x \mathbb{E}[f]$", "∇ₓ E[f]".replace("ₓ", "_x")),
    (r"$\tau \leq 1/(K-1)$", "τ ≤ 1/(K-1)"),
    (r"$x^2$ and $p^*$", "x² and p^*"),
    (r"price \$5", "price $5"),
    ("plain words", "plain words"),
    (r"$\frac{1}{K}$", "1/K"),
])
def test_plain_text_reads_mathtext(label, text):
    assert plain_text(label) == text


@pytest.mark.slow
def test_every_explorer_figure_gets_a_specific_description():
    """Built with no arguments (the contract), every explorer's figure is described by its own text."""
    import importlib
    import pkgutil

    import gumbel_utils.viz as viz

    texts = {}
    for info in pkgutil.iter_modules(viz.__path__):
        module = importlib.import_module(f"{viz.__name__}.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("explore_") and function.__module__ == module.__name__:
                explorer = function()
                text = describe_figure(explorer.fig)
                assert "axis" in text or "shows" in text, (name, text)
                texts[name] = text
                plt.close(explorer.fig)
    assert len(texts) >= 15 and len(set(texts.values())) == len(texts), texts


class _Shell:
    """The part of IPython's shell the formatter uses: ``display_formatter.formatters``."""

    def __init__(self):
        from IPython.core.formatters import DisplayFormatter

        self.display_formatter = DisplayFormatter()


def test_formatter_adds_alt_metadata_and_keeps_the_png(monkeypatch):
    from matplotlib.figure import Figure

    shell = _Shell()
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    assert install_alt_text_formatter() is False  # the inline backend has not registered its formatter yet
    shell.display_formatter.formatters["image/png"].for_type(Figure, lambda fig: figure_png(fig))
    assert install_alt_text_formatter() is True
    assert install_alt_text_formatter() is True  # installed once: the wrapper is not wrapped again
    fig, _ = _line_figure()
    data, metadata = shell.display_formatter.format(fig)
    assert data["image/png"] == figure_png(fig)
    assert metadata["image/png"]["alt"] == describe_figure(fig)


def test_formatter_never_costs_the_figure(monkeypatch):
    from matplotlib.figure import Figure

    import gumbel_utils.viz.alt_text as alt_text

    shell = _Shell()
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    shell.display_formatter.formatters["image/png"].for_type(Figure, lambda fig: figure_png(fig))
    install_alt_text_formatter()
    monkeypatch.setattr(alt_text, "describe_figure", lambda fig, values=None: 1 / 0)
    fig, _ = _line_figure()
    data, metadata = shell.display_formatter.format(fig)
    assert data["image/png"] == figure_png(fig) and "alt" not in metadata.get("image/png", {})


def test_no_formatter_outside_ipython(monkeypatch):
    monkeypatch.setattr("IPython.get_ipython", lambda: None)
    assert install_alt_text_formatter() is False
