"""Helpers for the notebooks themselves (not for figures).

JupyterLab shows the output of every cell it runs, even one whose output was
collapsed when the notebook was saved (running a cell un-collapses it), so a
worked solution's printed answer would be on screen after "Run All". A solution
cell therefore prints inside :func:`solution_output`, which shows what was
printed folded in a closed ``<details>`` block that the student opens on purpose.
"""

from __future__ import annotations

import contextlib
import html
import io
from typing import Iterator

__all__ = ["FoldedText", "solution_output"]


class FoldedText:
    """Text shown folded (closed ``<details>``) in a notebook, and as plain text elsewhere.

    Parameters
    ----------
    text : str
        What was printed.
    title : str
        The summary line of the folded block.

    Examples
    --------
    >>> FoldedText("42\\n")
    42
    >>> print(FoldedText("a < b")._repr_html_())
    <details><summary><b>Solution output</b> (click to open)</summary><pre>a &lt; b</pre></details>
    """

    def __init__(self, text: str, title: str = "Solution output") -> None:
        self.text = text
        self.title = title

    def _repr_html_(self) -> str:
        return (
            f"<details><summary><b>{html.escape(self.title)}</b> (click to open)</summary>"
            f"<pre>{html.escape(self.text.rstrip())}</pre></details>"
        )

    def __repr__(self) -> str:
        return self.text.rstrip()


@contextlib.contextmanager
def solution_output(title: str = "Solution output") -> Iterator[None]:
    """Collect what the block prints and show it folded, as one :class:`FoldedText`.

    Only standard output is collected: warnings and errors still appear at once
    (and fail the notebook tests).

    >>> with solution_output():
    ...     print("the answer is", 6 * 7)
    the answer is 42
    """
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        yield
    from IPython.display import display

    display(FoldedText(buffer.getvalue(), title))
