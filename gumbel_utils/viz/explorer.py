"""The one way the course makes a live figure: build once, update artists, redraw.

An :class:`Explorer` is an ``ipywidgets.VBox`` holding the controls (sliders,
dropdowns, buttons), an optional status line and an ``ipywidgets.Image`` with
the figure. The figure is a plain :class:`matplotlib.figure.Figure` with an Agg
canvas (not managed by pyplot, so nothing leaks and no backend is needed). When
a control changes, the explorer calls ``update(**values)``, which only changes
existing artists (``set_data``, ``set_offsets``, ``set_height``...), then it
draws the canvas once and sends the PNG to the image widget.

The same object serves the notebook (display it), the tests (set
``explorer.controls[name].value`` and read the artists) and the benchmark (the
time of every redraw is kept in ``explorer.timings``).
"""

from __future__ import annotations

import io
import time
from typing import Any, Callable, Mapping, Sequence

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

__all__ = ["Explorer", "BlitCanvas", "figure_png"]


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


def figure_png(fig: Figure, *, compress_level: int = 1) -> bytes:
    """Draw ``fig`` once with Agg and return it as PNG bytes (fast, light compression)."""
    canvas = fig.canvas
    canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    image = PILImage.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=compress_level)
    return buf.getvalue()


class Explorer(widgets.VBox):
    """A figure built once and redrawn when its controls change.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, with all its artists already made (see :func:`~gumbel_utils.viz.style.new_figure`).
    controls : mapping of str to ipywidgets widget
        Value widgets (sliders, dropdowns, checkboxes) by name; ``update`` is
        called with their current values as keyword arguments. Buttons may be
        included: clicking one calls ``on_click[name]`` (if given) and then redraws.
    update : callable
        ``update(**values)`` changes the artists of ``fig``; it must not create
        figures. It may return a string, shown in the status line.
    artists : mapping, optional
        The artists ``update`` changes, kept for tests (``explorer.artists[name]``).
    on_click : mapping of str to callable, optional
        Actions for buttons in ``controls`` (for example "new noise").
    busy_message : str, optional
        If given, shown in the status line while ``update`` runs (for
        computations that take a noticeable time).
    layout_controls : callable, optional
        ``layout_controls(controls) -> widget`` arranges the controls; default a
        vertical box in the given order.
    freeze_layout : bool, optional
        Keep the layout of the first draw (default True): a layout engine
        (constrained layout) costs 10-30 ms on every redraw otherwise. Turn it
        off if an update changes the size of labels.

    Attributes
    ----------
    fig, controls, artists, image, status
        As above; ``image`` is the ``ipywidgets.Image`` showing the figure and
        ``status`` an ``ipywidgets.HTML`` line under the controls.
    timings : list of float
        Seconds taken by each redraw (update + draw + PNG), for the benchmark.
    """

    def __init__(
        self,
        fig: Figure,
        controls: Mapping[str, widgets.Widget],
        update: Callable[..., Any],
        *,
        artists: Mapping[str, Any] | None = None,
        on_click: Mapping[str, Callable[[], Any]] | None = None,
        busy_message: str | None = None,
        layout_controls: Callable[[Mapping[str, widgets.Widget]], widgets.Widget] | None = None,
        freeze_layout: bool = True,
    ) -> None:
        self.fig = fig
        self.controls = dict(controls)
        self.artists = dict(artists or {})
        self.timings: list[float] = []
        self._update = update
        self._busy_message = busy_message
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.status = widgets.HTML(value="")
        for name, control in self.controls.items():
            if isinstance(control, widgets.Button):
                action = (on_click or {}).get(name)
                control.on_click(self._make_click_handler(action))
            else:
                control.observe(self._on_change, names="value")
        box = layout_controls(self.controls) if layout_controls else widgets.VBox(list(self.controls.values()))
        super().__init__([box, self.status, self.image])
        self.redraw()
        if freeze_layout:
            fig.set_layout_engine("none")

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
