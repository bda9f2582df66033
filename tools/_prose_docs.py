"""Documents (the teaching guide, the README's notebook table): the rules of ``tools/prose_numbers.py`` on markdown.

Every number needs a witness in the notebooks its paragraph, list item or table row
names; every inline code span that quotes printed output must be in those outputs.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from _prose_check import (CitedValue, Finding, check_sentence, find_general_claims, named_notebooks, notebook_files,
                          unique, witness_indexes)
from _prose_claims import Declared
from _prose_text import clean_markdown, sentences
from _prose_witness import WitnessIndex

__all__ = ["check_document"]


_COMMANDISH = re.compile(r"^(?:make\b|python\b|\.venv|tools/|tests/|notebooks/|docs/|student/|site/|--|answer_|check\.|"
                         r"explore_|plot_|git\b|pip\b|jupyter\b)|\.(?:py|ipynb|md|json|toml|txt|sh)\b")


def _looks_printed(span: str) -> bool:
    """An inline code span that quotes printed output (not a command, a path or an identifier)."""
    if _COMMANDISH.search(span.strip()):
        return False
    if re.fullmatch(r"[A-Za-z_][\w.]*(?:\([^)]*\))?|[A-Za-z_]\w*\s*=\s*[\w.()]+", span.strip()):
        return False  # an identifier, a call, or `rng=1`
    return bool(re.search(r"\d|=|:|…|\.\.\.", span))


def _quote_pattern(span: str) -> re.Pattern:
    parts = re.split(r"…|\.\.\.", re.sub(r"\s+", " ", span.strip()))
    return re.compile(".*?".join(re.escape(p.strip()) for p in parts))


def _chunks(markdown: str, section: str | None = None) -> list[tuple[int, str]]:
    """(line number, text) of every paragraph, list item and table row (with its table's header)."""
    lines = markdown.split("\n")
    out: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    header: list[str] = []
    fenced = False
    inside = section is None

    def flush() -> None:
        if current and inside:
            out.append((start + 1, "\n".join(current)))
        current.clear()

    for i, line in enumerate(lines):
        if line.strip().startswith("```"):
            fenced = not fenced
            flush()
            continue
        if fenced:
            continue
        if line.startswith("#"):
            flush()
            if section is not None:
                inside = line.strip("# ").strip() == section
            if inside:
                out.append((i + 1, line))
            continue
        stripped = line.strip()
        if stripped.startswith("|"):
            flush()
            if not header:
                header = [line]
            elif len(header) == 1:
                header.append(line)
            elif inside:
                out.append((i + 1, "\n".join(header + [line])))
            continue
        header = []
        if not stripped:
            flush()
        elif re.match(r"([*-]|\d+[.)])\s", stripped):
            flush()
            start, current = i, [line]
        else:
            if not current:
                start = i
            current.append(line)
    flush()
    return out


def check_document(markdown: str, executed: Mapping[str, Any], *, name: str, cited: list[CitedValue] = (),
                   declared: Declared | None = None, witnesses: Mapping[str, WitnessIndex] | None = None,
                   section: str | None = None) -> list[Finding]:
    """The rules on a markdown document (the teaching guide, the README's notebook table).

    Every number needs a witness in the notebooks its paragraph, list item or table row
    names (all notebooks when it names none); every inline code span that quotes
    printed output must appear in the outputs of the notebook named last before it.

    Parameters
    ----------
    markdown : str
        The document.
    executed : mapping of str to nbformat.NotebookNode
        File name -> executed notebook, for every notebook.
    name : str
        The document's name in the findings (``docs/teaching.md``).
    cited, declared, witnesses
        As for :func:`find_unbacked_numbers`.
    section : str, optional
        Check only the section under this heading (the README: "The notebooks").

    Returns
    -------
    list of Finding
    """
    witnesses = witnesses if witnesses is not None else witness_indexes(executed)
    by_number = notebook_files(witnesses)
    outputs = {k: re.sub(r"\s+", " ", witnesses[n].text) for k, n in by_number.items()}
    findings: list[Finding] = []
    for line, raw in _chunks(markdown, section):
        text, targets, _ = clean_markdown(raw)
        named = named_notebooks(text, targets) or set(by_number)
        sents = sentences(text, line)
        for s in sents:
            findings += check_sentence(s, name, None, named, witnesses, cited, declared, False)
        findings += find_general_claims(sents, name)
        for m in re.finditer(r"`([^`]+)`", raw):
            span = m.group(1)
            if not _looks_printed(span):
                continue
            mentions = named_notebooks(clean_markdown(raw[:m.start()])[0], targets)
            last = [int(x) for x in re.findall(r"[Nn]otebooks?\s+0?(\d)\b|\b0(\d)\b", raw[:m.start()]) for x in x if x]
            first_choice = [last[-1]] if last else []
            pattern = _quote_pattern(span)
            where = [k for k in dict.fromkeys(first_choice + sorted(mentions or named)) if k in outputs]
            if any(pattern.search(outputs[k]) for k in where):
                continue
            elsewhere = [k for k in sorted(outputs) if pattern.search(outputs[k])]
            reason = (f"not in the outputs of {', '.join(f'Notebook {k}' for k in where) or 'the named notebook'}"
                      + (f"; printed by Notebook {', '.join(map(str, elsewhere))}" if elsewhere else ""))
            findings.append(Finding(name, line + raw[:m.start()].count("\n"), span, span, "quote", reason))
    return unique(findings)


