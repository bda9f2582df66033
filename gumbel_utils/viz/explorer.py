"""The one way the course makes a live figure: build once, update artists, redraw.

An :class:`Explorer` is an ``ipywidgets.VBox`` holding the controls (sliders,
dropdowns, buttons), a status line and an ``ipywidgets.Image`` with the figure.
The figure is a plain :class:`matplotlib.figure.Figure` with an Agg canvas (not
managed by pyplot, so nothing leaks and no backend is needed). When a control
changes, the explorer calls ``update(**values)``, which only changes existing
artists (``set_data``, ``set_offsets``, ``set_height``...), then it draws the
canvas once and sends the PNG to the image widget.

The same object serves the notebook (display it), the tests (set
``explorer.controls[name].value``, read ``explorer.artists`` and
``explorer.state``) and the benchmark (``explorer.timings`` holds the time of
every redraw, ``explorer.live_recompute`` says which controls recompute).
See "The explorer contract" in CONTRIBUTING.md.
"""

from __future__ import annotations

import functools
import importlib
import io
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Iterable, Mapping, Sequence

import ipywidgets as widgets
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image as PILImage

__all__ = ["Explorer", "ExplorerCall", "records_call", "BlitCanvas", "figure_png", "axes_key", "min_text_px",
           "WIDGET_FONT_PX"]

#: Font size (CSS px) of widget labels, readouts, buttons and the status line of every explorer:
#: at least the 14 px figure text of a lecture-hall projector (JupyterLab's default is 13 px).
WIDGET_FONT_PX = 15

#: A figure whose height is at least this fraction of its width gets its controls beside it
#: (``layout="auto"``): a 1280 x 720 screen is wide, not tall.
_SIDE_ASPECT = 0.72

# Scoped to explorers (the class ``gu-explorer``): JupyterLab's widget variables, set on the
# explorer's element, cascade to every control inside it and to nothing else on the page.
_CSS = f"""<style>
.gu-explorer {{
  --jp-widgets-font-size: {WIDGET_FONT_PX}px;
  --jp-widgets-inline-height: 30px;
  --jp-widgets-inline-label-width: 96px;
  --jp-widgets-inline-width: 330px;
}}
.gu-explorer .widget-label, .gu-explorer .widget-readout, .gu-explorer .widget-label-basic,
.gu-explorer .widget-html-content, .gu-explorer .widget-button, .gu-explorer .widget-toggle-button,
.gu-explorer .widget-dropdown select {{ font-size: {WIDGET_FONT_PX}px; }}
.gu-explorer .gu-status .widget-html-content {{ line-height: 1.35; white-space: normal; }}
.gu-explorer .gu-controls-top {{ flex-flow: row wrap; column-gap: 12px; }}
.gu-explorer .gu-side {{ align-items: flex-start; }}
.gu-explorer .gu-side-column {{
  --jp-widgets-inline-width: 280px;
  --jp-widgets-inline-label-width: 96px;
  flex: 0 0 290px; width: 290px; justify-content: flex-start;
}}
.gu-explorer .gu-figure {{ flex: 0 1 auto; min-width: 0; }}
.gu-explorer .widget-dropdown {{ width: auto; max-width: 100%; }}
.gu-explorer .widget-dropdown > select {{ flex: 0 1 auto; width: auto; max-width: 100%; }}
</style>"""

# The accessible name and value of every slider and dropdown of an explorer. ipywidgets gives a slider
# handle (noUiSlider) no name, and as its value (aria-valuetext) the slider's internal position: the
# exponent of a FloatLogSlider, the index of a SelectionSlider. This script, run once per page by the
# hidden HTML of every explorer (an image that fails to load runs its onerror: widget HTML runs no
# <script>), copies the readout (what the learner reads, "0.03") into aria-valuetext and the control's
# tooltip (ipywidgets puts it on the label as its title, "null" when unset; else the label's text) into
# aria-label, whenever either changes. tests/test_browser.py measures it.
_ARIA_JS = (
    "if(!window.guAria){window.guAria=function(){"
    "document.querySelectorAll('.gu-explorer .widget-slider, .gu-explorer .widget-dropdown').forEach(function(w){"
    "var c=w.querySelector('.noUi-handle')||w.querySelector('select');if(!c)return;"
    "var r=w.querySelector('.widget-readout'),l=w.querySelector('.widget-label');"
    "var t=l?l.title:'';var n=((t&&t!=='null')?t:(l?l.textContent:'')).trim();"
    "if(n&&c.getAttribute('aria-label')!==n)c.setAttribute('aria-label',n);"
    "var v=r?r.textContent.trim():'';"
    "if(v&&c.getAttribute('aria-valuetext')!==v)c.setAttribute('aria-valuetext',v);});};"
    "new MutationObserver(function(){window.guAria();}).observe(document.body,"
    "{subtree:true,childList:true,characterData:true,attributes:true,attributeFilter:['aria-valuetext','title']});}"
    "window.guAria();"
)
_ARIA = f'<img src="data:," alt="" style="display:none" onerror="{_ARIA_JS}">'


class BlitCanvas(FigureCanvasAgg):
    """An Agg canvas that redraws only the changing artists over a cached background.

    The artists in ``dynamic`` are marked animated, so a full draw leaves them
    out; that background (axes, ticks, labels, legends, colour bars) is drawn
    once and kept as a bitmap. Each later :meth:`draw` restores the bitmap and
    draws the dynamic artists on top, in the given order: a few milliseconds
    instead of a full draw. The result equals a normal draw of the same figure
    pixel for pixel, with the dynamic artists on top of the static ones.

    The background is drawn again when ``static_stale`` is set to True (do it
    after changing anything static, such as axis limits), or when
    ``background_key()`` (if given) returns a new value.

    Explorers do not build one themselves: they pass ``dynamic=`` (and
    ``background_key=``) to :class:`Explorer`, which makes it.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure to draw.
    dynamic : sequence of Artist
        The artists that change between redraws, drawn in this order.
    background_key : callable, optional
        ``background_key()`` returns a hashable value; the background is drawn
        again whenever it changes (for example the axis limits, see :func:`axes_key`).

    Examples
    --------
    >>> from gumbel_utils.viz import BlitCanvas, new_figure
    >>> fig, ax = new_figure()
    >>> line, = ax.plot([0, 1], [0, 1])
    >>> canvas = BlitCanvas(fig, [line])
    >>> canvas.draw(); line.set_ydata([1, 0]); canvas.draw()
    >>> canvas.full_draws
    1
    """

    def __init__(
        self,
        figure: Figure,
        dynamic: Sequence[Any] = (),
        *,
        background_key: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(figure)
        self.dynamic = list(dynamic)
        for artist in self.dynamic:
            artist.set_animated(True)
        self.static_stale = True
        self.full_draws = 0
        self._background_key = background_key
        self._key: Any = None
        self._background = None

    def draw(self) -> None:
        if self._background is None:
            # First draw: lay the figure out with the dynamic artists included (titles need
            # room), then draw the background without them.
            for artist in self.dynamic:
                artist.set_animated(False)
            super().draw()
            for artist in self.dynamic:
                artist.set_animated(True)
        key = self._background_key() if self._background_key is not None else None
        if self.static_stale or self._background is None or key != self._key:
            super().draw()
            self._background, self._key = self.copy_from_bbox(self.figure.bbox), key
            self.static_stale = False
            self.full_draws += 1
        else:
            self.restore_region(self._background)
        renderer = self.get_renderer()
        for artist in self.dynamic:
            if artist.get_visible():
                artist.draw(renderer)


def axes_key(*axes) -> Callable[[], tuple]:
    """A ``background_key`` for :class:`Explorer`: the limits and ticks of ``axes``.

    With it, the cached background is drawn again only when an update changes an
    axis range or its ticks.

    Parameters
    ----------
    *axes : matplotlib.axes.Axes
        The axes whose limits and tick positions make the key.
    """
    return lambda: tuple((a.get_xlim(), a.get_ylim(), tuple(a.get_xticks()), tuple(a.get_yticks())) for a in axes)


def figure_png(fig: Figure, *, compress_level: int = 1) -> bytes:
    """Draw ``fig`` once with Agg and return it as PNG bytes (fast, light compression).

    The PNG is RGB when the figure's background is opaque (every course figure): half
    the encoding time of RGBA, the same pixels.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (its own canvas draws it: a :class:`BlitCanvas` redraws only its dynamic artists).
    compress_level : int, optional
        zlib level of the PNG (1: fast; the image travels to the browser on every redraw).
    """
    canvas = fig.canvas
    canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    image = PILImage.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    if fig.patch.get_alpha() in (None, 1.0) and fig.patch.get_facecolor()[3] == 1.0:
        image = image.convert("RGB")
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=compress_level)
    return buf.getvalue()


def min_text_px(fig: Figure, extra: Iterable[Any] = ()) -> float:
    """Smallest font size, in pixels of the figure's PNG, of the text it shows.

    Every visible :class:`~matplotlib.text.Text` with a non-empty string counts
    (titles, axis labels, tick labels, legend entries, annotations), plus the
    texts in ``extra`` even while empty (texts an update fills in later). A font
    of ``s`` points is ``s * dpi / 72`` pixels high.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, drawn at least once (tick labels exist after a draw).
    extra : iterable of Artist, optional
        Further artists to include although their text may be empty now.
    """
    extra_texts = {id(a) for a in extra if isinstance(a, Text)}
    sizes = [
        t.get_fontsize()
        for t in fig.findobj(Text)
        if _shown(t) and (t.get_text().strip() or id(t) in extra_texts)
    ]
    return min(sizes) * fig.dpi / 72.0 if sizes else math.inf


def _shown(text: Text) -> bool:
    """Drawn when the figure is drawn: visible, in visible axes, and not an axis text of axes turned off."""
    if not text.get_visible():
        return False
    ax = text.axes
    if ax is None:
        return True
    if not ax.get_visible():
        return False
    if not ax.axison:  # ax.axis("off"): tick labels and axis labels are not drawn
        for axis in (ax.xaxis, ax.yaxis):
            hidden = [axis.label, axis.offsetText]
            hidden += [t for tick in axis.majorTicks + axis.minorTicks for t in (tick.label1, tick.label2)]
            if any(text is t for t in hidden):
                return False
    return True


def _only_artists(value: Any) -> bool:
    if isinstance(value, Artist):
        return True
    if isinstance(value, Mapping):
        return all(_only_artists(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_only_artists(v) for v in value)
    return type(value).__name__ in ("BarContainer", "ErrorbarContainer", "StemContainer", "Colorbar")


def _normalise_live(live: bool | str | Collection[str] | Mapping[str, float]) -> bool | frozenset | dict:
    if live is True or live is False:
        return live
    if live is None:
        return False
    if isinstance(live, str):
        return frozenset({live})
    if isinstance(live, Mapping):
        return {str(k): float(v) for k, v in live.items()}
    return frozenset(live)


class Explorer(widgets.VBox):
    """A figure built once and redrawn when its controls change.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, with all its artists already made (see :func:`~gumbel_utils.viz.style.new_figure`).
    controls : mapping of str to ipywidgets widget
        Value widgets (sliders, dropdowns, toggles) by name; ``update`` is called
        with their current values as keyword arguments. Buttons may be included:
        clicking one calls ``on_click[name]`` (if given) and then redraws.
    update : callable
        ``update(**values)`` changes the artists of ``fig``; it must not create
        figures. It may return a string, shown in the status line.
    artists : mapping, optional
        The artists ``update`` changes (only artists, or dicts/lists of them), for
        tests: ``explorer.artists[name]``.
    state : dict, optional
        The data drawn now (samples, curves, measurements), kept up to date by
        ``update``, for tests to compare with the package's computation. The
        explorer keeps this very dict as ``explorer.state``.
    dynamic : sequence of Artist, optional
        The artists that change. When given, the explorer draws the rest once as a
        cached background and redraws only these (:class:`BlitCanvas`).
    background_key : callable, optional
        With ``dynamic``: the background is drawn again whenever
        ``background_key()`` changes (e.g. :func:`axes_key` of axes whose limits move).
    live_recompute : bool, collection of str or mapping of str to float, optional
        Controls whose redraw recomputes (up to a second, not the 30 ms of a live
        slider): True for every control, a set of control names, or a mapping
        ``{name: limit}`` for a control that recomputes only above ``limit``
        (e.g. more samples than are cached). Read by the benchmark and the tests.
    busy_message : str, optional
        Shown in the status line while ``update`` runs (recomputing views).
    layout : {"auto", "side", "top"} or callable, optional
        "top": the controls (in rows that wrap) above the figure; "side": the
        controls in a column beside the figure (for a tall figure, so that both fit
        one 1280 x 720 screen); "auto" (default): "side" when the figure's height
        is at least 0.72 times its width, else "top". A callable
        ``layout(controls) -> widget`` arranges the controls itself, above the figure.
    freeze_layout : bool, optional
        Keep the layout of the first draw (default True): a layout engine
        (constrained layout) costs 10-30 ms on every redraw otherwise. Turn it
        off if an update changes the size of labels.
    on_click : mapping of str to callable, optional
        Actions for buttons in ``controls`` (for example "new noise").

    Attributes
    ----------
    fig, controls, artists, state, live_recompute
        As above (``live_recompute`` normalised to True, False, a frozenset or a dict).
    canvas : BlitCanvas or None
        The blitting canvas made from ``dynamic``.
    image : ipywidgets.Image
        The figure; it carries the DOM class ``gu-min-text-px-<100 x px>`` with
        :attr:`min_text_px`, for the browser test.
    status : ipywidgets.HTML
        The status line.
    layout_mode : str
        "side" or "top".
    timings : list of float
        Seconds taken by each redraw (update + draw + PNG), for the benchmark.
    origin : ExplorerCall or None
        The ``explore_*`` call that built it (set by :func:`records_call`), so that the
        same explorer can be built again elsewhere (the site's browser test does).
    """

    def __init__(
        self,
        fig: Figure,
        controls: Mapping[str, widgets.Widget],
        update: Callable[..., Any],
        *,
        artists: Mapping[str, Any] | None = None,
        state: dict | None = None,
        dynamic: Sequence[Any] | None = None,
        background_key: Callable[[], Any] | None = None,
        live_recompute: bool | str | Collection[str] | Mapping[str, float] = False,
        busy_message: str | None = None,
        layout: str | Callable[[Mapping[str, widgets.Widget]], widgets.Widget] = "auto",
        freeze_layout: bool = True,
        on_click: Mapping[str, Callable[[], Any]] | None = None,
    ) -> None:
        if not callable(layout) and layout not in ("auto", "side", "top"):
            raise ValueError(f"layout must be 'auto', 'side', 'top' or a callable, got {layout!r}")
        self.fig = fig
        self.controls = dict(controls)
        self.artists = dict(artists or {})
        self.state = state if state is not None else {}
        self.live_recompute = _normalise_live(live_recompute)
        self.timings: list[float] = []
        self.origin: ExplorerCall | None = None
        self._update = update
        self._busy_message = busy_message
        self.canvas = None
        self._dynamic = list(dynamic or ())
        if dynamic is not None:
            self.canvas = BlitCanvas(fig, dynamic, background_key=background_key)
        elif background_key is not None:
            raise ValueError("background_key needs dynamic= (the artists that change)")
        for name, control in self.controls.items():
            if isinstance(control, widgets.Button):
                action = (on_click or {}).get(name)
                control.on_click(self._make_click_handler(action))
            else:
                control.observe(self._on_change, names="value")

        width, height = fig.get_size_inches() * fig.dpi
        if callable(layout):
            self.layout_mode = "top"
            box = layout(self.controls)
        else:
            self.layout_mode = layout if layout != "auto" else ("side" if height >= _SIDE_ASPECT * width else "top")
            box = widgets.Box(list(self.controls.values()))
            box.add_class("gu-controls-top" if self.layout_mode == "top" else "gu-controls-column")
            if self.layout_mode == "side":
                box.layout = widgets.Layout(display="flex", flex_flow="column", flex="0 0 auto")
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.image.add_class("gu-figure")
        self.status = widgets.HTML(value="")
        self.status.add_class("gu-status")
        css = widgets.HTML(_CSS + _ARIA, layout=widgets.Layout(display="none"))
        if self.layout_mode == "side":
            column = widgets.VBox([box, self.status])
            column.add_class("gu-side-column")
            body = widgets.HBox([column, self.image])
            body.add_class("gu-side")
            children = [css, body]
        else:
            children = [css, box, self.status, self.image]
        super().__init__(children)
        self.add_class("gu-explorer")
        self.redraw()
        if freeze_layout:
            fig.set_layout_engine("none")
        self.image.add_class(f"gu-min-text-px-{round(100 * self.min_text_px)}")

    # ------------------------------------------------------------------ contract helpers

    @property
    def min_text_px(self) -> float:
        """Smallest font of the figure's text, in pixels of its PNG (see :func:`min_text_px`)."""
        return min_text_px(self.fig, self._dynamic)

    @property
    def size_px(self) -> tuple[int, int]:
        """Width and height of the figure's PNG in pixels."""
        w, h = self.fig.get_size_inches() * self.fig.dpi
        return int(round(w)), int(round(h))

    def is_live_recompute(self, name: str, value: Any = None) -> bool:
        """Whether moving control ``name`` (to ``value``, if given) recomputes (1 s budget) or is live (30 ms).

        Parameters
        ----------
        name : str
            A control name.
        value : optional
            The value it moves to; with ``live_recompute={name: limit}`` only values above
            ``limit`` recompute (without a value: whether the control can recompute at all).
        """
        live = self.live_recompute
        if live is True or live is False:
            return live
        if isinstance(live, dict):
            if name not in live:
                return False
            return value is None or float(value) > live[name]
        return name in live

    @property
    def non_artists(self) -> list[str]:
        """Keys of ``artists`` that hold something other than Matplotlib artists (the contract: none)."""
        return [k for k, v in self.artists.items() if not _only_artists(v)]

    # ------------------------------------------------------------------ redraw

    def _make_click_handler(self, action: Callable[[], Any] | None) -> Callable[[Any], None]:
        def handler(_button: Any) -> None:
            if action is not None:
                action()
            self.redraw()

        return handler

    def _on_change(self, _change: Mapping[str, Any]) -> None:
        self.redraw()

    @property
    def values(self) -> dict[str, Any]:
        """Current values of the value controls (buttons excluded)."""
        return {k: c.value for k, c in self.controls.items() if not isinstance(c, widgets.Button)}

    def redraw(self) -> None:
        """Run ``update`` with the current values, draw the figure once and show it."""
        start = time.perf_counter()
        if self._busy_message:
            self.status.value = f"<i>{self._busy_message}</i>"
        message = self._update(**self.values)
        self.image.value = figure_png(self.fig)
        self.status.value = message if isinstance(message, str) else ""
        self.timings.append(time.perf_counter() - start)


@dataclass(frozen=True)
class ExplorerCall:
    """The call of an ``explore_*`` function that built an explorer: enough to build it again.

    Parameters
    ----------
    module : str
        The module of the function (``"gumbel_utils.viz.binary_concrete"``).
    name : str
        The function's name (``"explore_relaxation_path"``).
    args : tuple
        Its positional arguments, as given (the objects themselves, not copies).
    kwargs : dict
        Its keyword arguments, as given.
    """

    module: str
    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def rebuild(self) -> "Explorer":
        """Call the function again with the same arguments: a new explorer at the same first setting."""
        function = getattr(importlib.import_module(self.module), self.name)
        return function(*self.args, **self.kwargs)


def records_call(function: Callable[..., "Explorer"]) -> Callable[..., "Explorer"]:
    """Decorator of every ``explore_*``: the returned explorer keeps its call as ``explorer.origin``.

    Parameters
    ----------
    function : callable
        An ``explore_*`` function returning an :class:`Explorer`.

    Examples
    --------
    >>> from gumbel_utils.viz.binary_concrete import explore_binary_concrete
    >>> explorer = explore_binary_concrete(0.2, tau=0.3)
    >>> explorer.origin.name, explorer.origin.args, explorer.origin.kwargs
    ('explore_binary_concrete', (0.2,), {'tau': 0.3})
    >>> explorer.origin.rebuild().controls["tau"].value == explorer.controls["tau"].value
    True
    """

    @functools.wraps(function)
    def build(*args: Any, **kwargs: Any) -> "Explorer":
        explorer = function(*args, **kwargs)
        explorer.origin = ExplorerCall(function.__module__, function.__name__, tuple(args), dict(kwargs))
        return explorer

    return build
