"""The one progress API of the course: a bar that long computations report to as ``progress(done, total)``.

Every long loop of the package (:func:`gumbel_utils.training.train_logits`,
:func:`gumbel_utils.training.train_toy`, :func:`gumbel_utils.vae.train_vae`, the sweeps)
takes a ``progress=`` argument and reports to it with ``progress(done, total)``:

- ``progress=True``: the call shows a bar of its own;
- ``progress=bar``, a :class:`ProgressBar` made by :func:`progress_bar`: several calls share one
  bar. Made with ``parts=P``, the bar counts P calls: each call fills 1/P of it, and the label
  says how many calls are done ("3 of 7"); a call's last report ``progress(total, total)`` ends
  its part.

So a notebook that trains seven estimators writes::

    bar = progress_bar("7 estimators", parts=7)
    for name in names:
        runs[name] = train_logits(name, ..., progress=bar)

and nothing else (:meth:`ProgressBar.tick` ends a part by hand, for a loop of your own code).
ipywidgets and IPython are imported when a bar is made, not at import time.
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["ProgressBar", "progress_bar", "progress_callback"]

#: Width of a bar: fits JupyterLab's output area at 1280 px, with or without the file browser.
_BAR_WIDTH = "560px"
#: Steps of the bar per part.
_RESOLUTION = 100


class ProgressBar:
    """An ipywidgets progress bar that one or several calls report to as ``bar(done, total)``.

    Parameters
    ----------
    description : str
        The label shown left of the bar.
    parts : int, default 1
        How many calls (or loop passes) share the bar; each fills ``1/parts`` of it.

    Attributes
    ----------
    widget : ipywidgets.IntProgress
        The bar; it turns green (``bar_style = "success"``) when every part is done.
    done_parts : int
        Parts completed so far.

    Examples
    --------
    >>> bar = ProgressBar("sweep", parts=2)
    >>> bar(5, 10); bar.widget.value, bar.done_parts
    (50, 0)
    >>> bar(10, 10); bar.done_parts, bar.widget.description
    (1, 'sweep (1 of 2)')
    >>> bar.tick(); bar.widget.value, bar.widget.bar_style
    (200, 'success')
    """

    def __init__(self, description: str, parts: int = 1) -> None:
        import ipywidgets as widgets

        if isinstance(parts, bool) or not isinstance(parts, int) or parts < 1:
            raise ValueError(f"parts must be an integer >= 1, got {parts!r}")
        self.description = str(description)
        self.parts = parts
        self.done_parts = 0
        self.widget = widgets.IntProgress(value=0, min=0, max=parts * _RESOLUTION,
                                          description=self._label(), style={"description_width": "initial"},
                                          layout=widgets.Layout(width=_BAR_WIDTH))

    def _label(self) -> str:
        return self.description if self.parts == 1 else f"{self.description} ({self.done_parts} of {self.parts})"

    def __call__(self, done: int, total: int) -> None:
        if self.done_parts >= self.parts:  # full: nothing more to show
            return
        total = int(total)
        fraction = 1.0 if total <= 0 else min(max(int(done), 0), total) / total  # an empty task is done
        if fraction >= 1.0:
            self.tick()
            return
        self.widget.value = round((self.done_parts + fraction) * _RESOLUTION)

    def tick(self) -> None:
        """End one part (for a loop of your own code; a call that reports ``(total, total)`` does it itself)."""
        self.done_parts = min(self.done_parts + 1, self.parts)
        self.widget.value = self.done_parts * _RESOLUTION
        self.widget.description = self._label()
        self.widget.bar_style = "success" if self.done_parts == self.parts else ""


def progress_bar(description: str, parts: int = 1) -> ProgressBar:
    """Show a new :class:`ProgressBar` in the notebook and return it (pass it as ``progress=``).

    Parameters
    ----------
    description : str
        The label shown left of the bar.
    parts : int, default 1
        How many calls will report to it (each fills ``1/parts`` of the bar).

    Returns
    -------
    ProgressBar
    """
    from IPython.display import display

    bar = ProgressBar(description, parts)
    display(bar.widget)
    return bar


def progress_callback(progress: Any, total: int, description: str) -> Callable[[int, int], Any] | None:
    """What a long call's ``progress=`` argument asks for, as a callable ``progress(done, total)`` (or None).

    Parameters
    ----------
    progress : None, bool, ProgressBar or callable
        None or False: no reporting (returns None); True: a new bar, shown now; a
        :class:`ProgressBar` or any other callable ``progress(done, total)``: itself.
    total : int
        The number of steps the call will report (unused by a shared bar, which counts calls).
    description : str
        The label of a new bar.

    Returns
    -------
    callable or None

    Examples
    --------
    >>> progress_callback(None, 10, "x") is None
    True
    >>> calls = []
    >>> report = progress_callback(lambda done, total: calls.append(done), 10, "x")
    >>> report(3, 10); calls
    [3]
    >>> progress_callback("yes", 10, "x")
    Traceback (most recent call last):
    ...
    TypeError: progress must be None, True, a ProgressBar or a callable progress(done, total), got str
    """
    if progress is None or progress is False:
        return None
    if progress is True:
        return progress_bar(description)
    if callable(progress):
        return progress
    raise TypeError("progress must be None, True, a ProgressBar or a callable progress(done, total), "
                    f"got {type(progress).__name__}")
