"""The one progress bar of the course: an ipywidgets bar that the trainers call as ``progress(done, total)``.

Every long loop of the package (:func:`gumbel_utils.training.train`,
:func:`gumbel_utils.training.train_toy`, :func:`gumbel_utils.vae.train`) reports its
progress through a callable ``progress(done, total)``. :class:`ProgressBar` is that
callable for a notebook; :func:`progress_bar` makes one and shows it;
:func:`progress_callback` turns what a trainer's ``progress=`` argument accepts
(None/False, True, an :class:`ipywidgets.IntProgress`, a :class:`ProgressBar` or any
callable) into that callable.

ipywidgets and IPython are imported when a bar is made, not at import time.
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["ProgressBar", "progress_bar", "progress_callback"]

#: Width of a bar: fits JupyterLab's output area at 1280 px, with or without the file browser.
_BAR_WIDTH = "560px"


class ProgressBar:
    """An ipywidgets progress bar; call it as ``bar(done, total)`` (a trainer's ``progress=``).

    ``bar.widget`` is the :class:`ipywidgets.IntProgress`; :meth:`tick` advances a bar whose
    ``total`` was given (several calls that make up one sweep). The bar turns green
    (``bar_style = "success"``) when ``done`` reaches ``total``.

    Parameters
    ----------
    description : str
        The label shown left of the bar.
    total : int, default 1
        The number of steps of the whole task (a value below 1 counts as 1); each call
        ``bar(done, total)`` sets it again.
    widget : ipywidgets.IntProgress, optional
        An existing bar to drive (its description is replaced and its colour reset), e.g.
        one shared by several trainer calls; default: a new one, 560 px wide.

    Examples
    --------
    >>> bar = ProgressBar("sweep", total=4)
    >>> bar.tick(); bar.tick(3)
    >>> bar.widget.value, bar.widget.bar_style
    (4, 'success')
    """

    def __init__(self, description: str, total: int = 1, *, widget: Any = None) -> None:
        import ipywidgets as widgets

        if widget is None:
            widget = widgets.IntProgress(value=0, min=0, max=max(int(total), 1), description=description,
                                         style={"description_width": "initial"},
                                         layout=widgets.Layout(width=_BAR_WIDTH))
        elif not isinstance(widget, widgets.IntProgress):
            raise TypeError(f"widget must be an ipywidgets.IntProgress, got {type(widget).__name__}")
        else:
            widget.description, widget.bar_style = description, ""
        self.widget = widget
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        self.widget.max, self.widget.value = max(int(total), 1), int(done)
        self.widget.bar_style = "success" if done >= total else ""

    def tick(self, k: int = 1) -> None:
        """Advance by ``k`` (for a sweep of several calls with a known total)."""
        self._done += k
        self(self._done, self.widget.max)


def progress_bar(description: str, total: int = 1) -> ProgressBar:
    """Show a new :class:`ProgressBar` in the notebook and return it (pass it as ``progress=``).

    Parameters
    ----------
    description : str
        The label shown left of the bar.
    total : int, default 1
        The number of steps (for :meth:`ProgressBar.tick`); a trainer that calls the bar sets its own.

    Returns
    -------
    ProgressBar
    """
    from IPython.display import display

    bar = ProgressBar(description, total)
    display(bar.widget)
    return bar


def progress_callback(progress: Any, total: int, description: str) -> Callable[[int, int], Any] | None:
    """What a trainer's ``progress=`` argument asks for, as a callable ``progress(done, total)`` (or None).

    Parameters
    ----------
    progress : None, bool, ProgressBar, ipywidgets.IntProgress or callable
        None or False: no reporting (returns None); True: a new bar, shown now; an
        ``IntProgress``: that bar, reused (its description replaced); a :class:`ProgressBar` or
        any other callable: itself.
    total : int
        The number of steps the trainer will report (the new or reused bar's maximum).
    description : str
        The label of a new or reused bar.

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
    """
    if progress is None or progress is False:
        return None
    if progress is True:
        return progress_bar(description, total)
    if isinstance(progress, ProgressBar):
        return progress
    if callable(progress) and not hasattr(progress, "value"):
        return progress
    bar = ProgressBar(description, total, widget=progress)  # TypeError unless an IntProgress
    bar.widget.max = max(int(total), 1)
    return bar
