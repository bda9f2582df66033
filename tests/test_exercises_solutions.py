"""Tests of gumbel_utils.exercises.solutions: worked answers are folded, not shown, after Run All."""

from __future__ import annotations

import warnings

import pytest

from gumbel_utils.exercises.solutions import FoldedText, solution_output


def test_folded_text_is_a_closed_details_block_with_escaped_text():
    html = FoldedText("p < 0.05 & done\n", "Answer")._repr_html_()
    assert html.startswith("<details><summary><b>Answer</b>")
    assert "<details open" not in html
    assert "p &lt; 0.05 &amp; done" in html
    assert repr(FoldedText("42\n")) == "42"


def test_solution_output_collects_stdout_into_one_folded_display(monkeypatch):
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    with solution_output("Solution output"):
        print("line 1")
        print("line 2")
    assert len(shown) == 1 and isinstance(shown[0], FoldedText)
    assert shown[0].text == "line 1\nline 2\n"


def test_solution_output_lets_warnings_through(monkeypatch):
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj: None)
    with pytest.warns(UserWarning, match="visible"):
        with solution_output():
            warnings.warn("visible", UserWarning)
