"""Drive the site's live explorers in Chromium and compare what they show with frames rendered here.

Used by ``tests/test_site.py``. For one explorer of a page: its manifest entry (written in the
notebook's kernel by ``tools/site_frames.py``) says which controls it has and their steps; the
explorer is built again in the test process from the call the notebook made (``explorer.origin``,
pickled by the export); then for a sample of each control's steps the page's control is moved
as a learner would (arrow keys on a range input, a choice in a select, a click on a radio
button or on "new noise"), and the figure the page shows must be the frame this process
renders for the same setting, compressed the same way, pixel for pixel; the status line, the
readout, ``aria-valuetext`` and the alt text must match too.
"""

from __future__ import annotations

import io
import math
import pickle
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np
from PIL import Image

#: Steps tried per control (besides its first setting): the ends and one in between.
SAMPLES = 3


@dataclass
class ExplorerCheck:
    """What one explorer of the site showed: the settings tried and what did not match."""

    page: str
    explorer: str
    function: str
    tried: int = 0
    problems: list[str] = field(default_factory=list)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(status_html: str) -> str:
    """The text a reader sees of a status line, as a browser parses it (a bare "<" stays text), spaces collapsed."""
    parser = _Text()
    parser.feed(status_html)
    parser.close()
    return " ".join("".join(parser.parts).replace("\xa0", " ").split())


def pixels(data: bytes | Path) -> np.ndarray:
    raw = data.read_bytes() if isinstance(data, Path) else data
    with Image.open(io.BytesIO(raw)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def sample_indices(spec: dict) -> list[int]:
    """Up to SAMPLES steps other than the first setting: both ends and the middle (all of a short list)."""
    n, default = len(spec["values"]), spec["default"]
    if spec["kind"] == "button":
        return [i for i in range(1, n)]
    picks = [0, n - 1, (default + n - 1) // 2 if default < n // 2 else default // 2]
    out = []
    for i in picks:
        if i != default and i not in out and 0 <= i < n:
            out.append(i)
    return out[:SAMPLES] or [i for i in range(n) if i != default][:SAMPLES]


def rebuild(frames_dir: Path, entry: dict):
    """The explorer, built again in this process from the notebook's call."""
    with open(Path(frames_dir) / entry["origin"], "rb") as handle:
        return pickle.load(handle).rebuild()


def set_control(explorer, spec: dict, index: int, clicks: int = 0) -> None:
    control = explorer.controls[spec["name"]]
    if spec["kind"] == "button":
        for _ in range(index - clicks):
            control.click()
    elif spec["options"]:
        control.index = spec["values"][index]
    else:
        control.value = spec["values"][index]


_READ_JS = r"""(figure) => {
  const img = figure.querySelector('img.site-frame');
  return {state: figure.dataset.state, src: img.getAttribute('src'), alt: img.alt,
          status: figure.querySelector('.site-status').innerText,
          note: figure.querySelector('.site-explorer-note').innerText,
          controls: [...figure.querySelectorAll('[data-control]')].map(box => {
            const input = box.querySelector('input[type=range]');
            const out = box.querySelector('output');
            return {valuetext: input ? input.getAttribute('aria-valuetext') : null, readout: out ? out.textContent : null};
          })};
}"""


def move(page, figure, i: int, spec: dict, index: int) -> None:
    """Move control ``i`` of the figure to step ``index`` as a learner would."""
    box = figure.locator(f"[data-control='{i}']")
    kind = spec["kind"]
    if kind == "range":
        field_ = box.locator("input[type=range]")
        field_.focus()
        current, last = int(field_.input_value()), len(spec["values"]) - 1
        # the fewest keys a keyboard user needs: Home or End when an end is nearer, then the arrows
        if index < abs(index - current):
            page.keyboard.press("Home")
            current = 0
        if last - index < abs(index - current):
            page.keyboard.press("End")
            current = last
        key = "ArrowRight" if index > current else "ArrowLeft"
        for _ in range(abs(index - current)):
            page.keyboard.press(key)
    elif kind == "select":
        box.locator("select").select_option(str(index))
    elif kind == "radio":
        box.locator(f"input[type=radio][value='{index}']").check()
    elif kind == "checkbox":
        box.locator("input[type=checkbox]").set_checked(bool(index))
    elif kind == "button":
        box.locator("button").click()


def check_explorer(page, figure, site: Path, frames_dir: Path, entry: dict, page_name: str,
                   compress) -> ExplorerCheck:
    """Move each control of one explorer over a sample of its steps; compare every frame shown with ours."""
    result = ExplorerCheck(page_name, entry["id"], entry["function"].rsplit(".", 1)[-1])
    specs = entry["controls"]
    default = [s["default"] for s in specs]
    if not entry.get("origin"):
        result.problems.append(f"{result.function}: no origin saved, cannot build it here ({entry['problems']})")
        return result
    explorer = rebuild(frames_dir, entry)
    first = entry["frames"][",".join(map(str, default))]
    for i, spec in enumerate(specs):
        if spec["kind"] == "static" or i in first[3] or i in first[4]:
            continue  # a control the explorer hides or disables at its first setting cannot be moved
        if spec["kind"] == "button":
            explorer = rebuild(frames_dir, entry)  # clicks only go forward: a fresh explorer
        clicks = 0
        for index in sample_indices(spec):
            move(page, figure, i, spec, index)
            set_control(explorer, spec, index, clicks)
            clicks = index
            setting = default.copy()
            setting[i] = index
            result.tried += 1
            _compare(page, figure, site, explorer, entry, setting, compress, result, f"{spec['name']} = "
                     f"{spec['labels'][index]}")
        if spec["kind"] == "button":
            move(page, figure, i, spec, 0)  # the cycle returns to the first draw
            explorer = rebuild(frames_dir, entry)
        else:
            move(page, figure, i, spec, spec["default"])
            set_control(explorer, spec, spec["default"])
    return result


def _compare(page, figure, site: Path, explorer, entry: dict, setting: list[int], compress,
             result: ExplorerCheck, what: str) -> None:
    shown = figure.evaluate(_READ_JS)
    key = ",".join(map(str, setting))
    where = f"{result.page} {result.function} ({what})"
    if shown["state"] != key:
        result.problems.append(f"{where}: the page is at setting {shown['state']}, expected {key}")
        return
    path = site / unquote(urlparse(shown["src"]).path) if "://" in shown["src"] else site / shown["src"]
    theirs = pixels(path)
    ours = pixels(compress(bytes(explorer.image.value)))
    if theirs.shape != ours.shape or not np.array_equal(theirs, ours):
        diff = (np.abs(theirs - ours).max(axis=2) > 0).mean() if theirs.shape == ours.shape else math.nan
        result.problems.append(f"{where}: the figure differs from the package's frame ({diff:.2%} of pixels, "
                               f"shapes {theirs.shape} vs {ours.shape})")
    if text_of(shown["status"]) != text_of(explorer.status.value or ""):
        result.problems.append(f"{where}: status {shown['status'][:80]!r} != {text_of(explorer.status.value)[:80]!r}")
    frame = entry["frames"][key]
    if shown["alt"] != entry["alts"][frame[2]] or len(shown["alt"]) < 40:
        result.problems.append(f"{where}: alt text {shown['alt'][:60]!r} is not the frame's description")
    for j, spec in enumerate(entry["controls"]):
        label = spec["labels"][setting[j]]
        got = shown["controls"][j]
        if spec["kind"] == "range" and (got["valuetext"] != label or got["readout"] != label):
            result.problems.append(f"{where}: {spec['name']} reads {got} instead of {label!r}")
        if spec["kind"] == "range" and not spec["options"] and isinstance(spec["values"][setting[j]], (int, float)):
            value = spec["values"][setting[j]]
            try:
                read = float(label.replace(",", ""))
            except ValueError:
                read = math.nan
            if not math.isclose(read, value, rel_tol=0.06, abs_tol=0.051):
                result.problems.append(f"{where}: {spec['name']} reads {label!r} for the value {value!r}")
