"""The live explorers of the static site: HTML controls over precomputed frames (used by ``tools/build_site.py``).

Each explorer a notebook displays becomes a ``<figure class="site-explorer">`` holding its controls
as HTML controls (a range input for a slider, a select for a dropdown, a radio group for toggle
buttons, a checkbox, a button for "new noise"), the status line, the figure (an ``<img>``) and the
frames' table as JSON; ``_static/explorer.js`` (one small script, no library) swaps the image,
the status line, the readouts and the alt text when a control moves. The frames were computed
in the notebook's kernel by ``tools/site_frames.py`` and are copied to ``_frames/<page>/<explorer>/``.
Other widgets (progress bars) get a one-line static form.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

__all__ = ["live_outputs", "explorer_html", "widget_html", "copy_frames", "EXPLORER_JS", "EXPLORER_CSS"]

FRAMES = "_frames"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _attr(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _control(entry: dict, i: int, spec: dict) -> str:
    uid = f"{entry['dom_id']}-c{i}"
    labels, default, kind = spec["labels"], spec["default"], spec["kind"]
    label = spec["description"]  # may hold TeX ($x_0$): MathJax typesets it like the rest of the page
    name = _attr(spec["label"])  # plain text: the accessible name
    if kind == "range":
        return (f"<div class='site-control site-range' data-control='{i}'><label for='{uid}'>{html.escape(label)}</label>"
                f"<input type='range' id='{uid}' min='0' max='{len(labels) - 1}' step='1' value='{default}' "
                f"aria-label='{name}' aria-valuetext='{_attr(labels[default])}'>"
                f"<output for='{uid}' class='site-readout' aria-hidden='true'>{html.escape(labels[default])}</output></div>")
    if kind == "select":
        options = "".join(f"<option value='{j}'{' selected' if j == default else ''}>{html.escape(text)}</option>"
                          for j, text in enumerate(labels))
        return (f"<div class='site-control site-select' data-control='{i}'><label for='{uid}'>{html.escape(label)}</label>"
                f"<select id='{uid}' aria-label='{name}'>{options}</select></div>")
    if kind == "radio":
        radios = "".join(
            f"<label class='site-radio-option'><input type='radio' name='{uid}' value='{j}'"
            f"{' checked' if j == default else ''}><span>{html.escape(text)}</span></label>"
            for j, text in enumerate(labels))
        return (f"<fieldset class='site-control site-radio' data-control='{i}'>"
                f"<legend>{html.escape(label)}</legend>{radios}</fieldset>")
    if kind == "checkbox":
        return (f"<div class='site-control site-checkbox' data-control='{i}'><input type='checkbox' id='{uid}'"
                f"{' checked' if default else ''}><label for='{uid}'>{html.escape(label)}</label></div>")
    if kind == "button":
        return (f"<div class='site-control site-button' data-control='{i}'><button type='button' id='{uid}'>"
                f"{html.escape(spec['label'])}</button><output for='{uid}' class='site-readout'>"
                f"{html.escape(labels[default])}</output></div>")
    return (f"<div class='site-control site-static' data-control='{i}'>{html.escape(label)} = "
            f"{html.escape(labels[default])}</div>")


def _caption(entry: dict) -> str:
    count = entry["frame_count"]
    thinned = [c["label"] for c in entry["controls"] if c["kind"] == "range" and 1 < len(c["values"]) < c["all_steps"]]
    if entry["mode"] == "grid":
        what = f"the figure for every combination of these controls ({count} figures)"
    else:
        what = (f"the figure for each control over its steps, with the other controls at their first setting "
                f"({count} figures; moving one control sets the others back)")
    fewer = (f" Here {', '.join(thinned)} {'moves' if len(thinned) == 1 else 'move'} in larger steps than in "
             "JupyterLab.") if thinned else ""
    return (f"<figcaption class='site-live-note'><strong>Live on this page:</strong> {what} was computed when "
            f"this site was built, with no Python needed to move it.{html.escape(fewer)} In JupyterLab "
            "(<code>make lab</code>) it computes every setting.</figcaption>")


def explorer_html(entry: dict, page: str) -> str:
    """The live explorer: controls, status line, figure and its frames' table.

    Parameters
    ----------
    entry : dict
        The explorer's manifest entry (``site_frames.export_explorer``).
    page : str
        The page's name without ``.html`` (its frames are in ``_frames/<page>/<explorer id>/``).
    """
    entry = dict(entry, dom_id=f"explorer-{page}-{entry['id']}")
    default = ",".join(str(c["default"]) for c in entry["controls"])
    file_i, status_i, alt_i, hidden, _disabled = entry["frames"][default]
    src = f"{FRAMES}/{page}/{entry['id']}/"
    controls = "".join(_control(entry, i, spec) for i, spec in enumerate(entry["controls"]))
    data = {
        "controls": [{"kind": c["kind"], "labels": c["labels"], "default": c["default"]} for c in entry["controls"]],
        "frames": entry["frames"], "files": entry["files"], "statuses": entry["statuses"], "alts": entry["alts"],
    }
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    width, height = entry["size"]
    return (
        f"<figure class='site-explorer' id='{entry['dom_id']}' data-site-widget='site-explorer' data-live='1' "
        f"data-frames='{_attr(src)}' data-state='{default}' data-function='{_attr(entry['function'])}'>"
        f"<div class='site-controls' role='group' aria-label='Controls of the figure below'>{controls}</div>"
        f"<div class='site-status' aria-live='polite'>{entry['statuses'][status_i]}</div>"
        f"<p class='site-explorer-note' aria-live='polite'></p>"
        f"<img class='site-frame' src='{_attr(src + entry['files'][file_i])}' width='{width}' height='{height}' "
        f"alt='{_attr(entry['alts'][alt_i])}'>"
        f"{_caption(entry)}"
        f"<script type='application/json' class='site-explorer-data'>{payload}</script></figure>"
    )


def widget_html(summary: dict | None) -> str:
    """The static form of a widget that is not an explorer (a progress bar: done when the page was built)."""
    if summary and summary.get("kind") == "progress":
        what = html.escape(summary.get("description") or "a computation")
        return (f"<p class='site-progress' data-site-widget='progress'><em>{what}</em>: done when this page was "
                "built (a progress bar in JupyterLab).</p>")
    return ("<p class='site-live-note' data-site-widget='other'><strong>Live in JupyterLab:</strong> "
            "an interactive widget.</p>")


def copy_frames(entry: dict, frames_dir: Path, out: Path, page: str) -> int:
    """Copy an explorer's frame files into ``out/_frames/<page>/<id>/``; return the bytes copied."""
    source = Path(frames_dir) / entry["id"]
    target = Path(out) / FRAMES / page / entry["id"]
    target.mkdir(parents=True, exist_ok=True)
    total = 0
    for name in entry["files"]:
        shutil.copyfile(source / name, target / name)
        total += (target / name).stat().st_size
    return total


def live_outputs(nb, manifest: dict, frames_dir: Path, out: Path, page: str) -> dict:
    """Make the page's widgets live or static (in place); hide solutions' code; copy the frames.

    Every widget view becomes HTML: an explorer of the manifest a live explorer
    (``explorer_html``), any other widget its static form. Returns counts:
    ``widgets`` (widget outputs), ``explorers``, ``bytes`` (frames copied) and ``shown`` (model ids).
    """
    nb.metadata.pop("widgets", None)
    explorers = {e["model_id"]: e for e in manifest["explorers"]}
    counts: dict = {"widgets": 0, "explorers": 0, "bytes": 0, "shown": set()}
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "<details" in cell.source:
            cell.source = _fold_details(cell.source)
        if cell.cell_type != "code":
            continue
        meta = cell.get("metadata", {})
        if "solution" in meta.get("tags", []) or meta.get("jupyter", {}).get("source_hidden"):
            meta.setdefault("transient", {})["remove_source"] = True  # its output is a closed <details>
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME not in data:
                continue
            model_id = data.pop(WIDGET_MIME)["model_id"]
            data.pop("text/plain", None)
            counts["widgets"] += 1
            counts["shown"].add(model_id)
            if model_id in explorers:
                entry = explorers[model_id]
                data["text/html"] = explorer_html(entry, page)
                counts["bytes"] += copy_frames(entry, frames_dir, out, page)
                counts["explorers"] += 1
            else:
                data["text/html"] = widget_html(manifest["widgets"].get(model_id))
    return counts


_DETAILS = re.compile(r"(<details[^>]*>\s*<summary>.*?</summary>)(.*?)(</details>)", re.DOTALL)


def _fold_details(source: str) -> str:
    """Render the markdown inside each ``<details>`` here, as one HTML block, so that it stays folded.

    nbconvert's markdown renderer ends an HTML block at the first blank line and closes the
    ``<details>`` right after its summary: a worked solution would be open on the page, while
    JupyterLab keeps it folded.
    """

    def fold(match: re.Match) -> str:
        inner = _markdown_block(match.group(2))
        inner = "\n".join(line for line in inner.splitlines() if line.strip())  # no blank line: one block
        return f"{match.group(1)}\n{inner}\n{match.group(3)}"

    return _DETAILS.sub(fold, source)


def _markdown_block(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


EXPLORER_CSS = """
figure.site-explorer { margin: 10px 0 18px; padding: 10px 12px; border: 1px solid #c8d3dc; border-radius: 6px;
  background: #fff; }
.site-controls { display: flex; flex-wrap: wrap; gap: 8px 22px; align-items: center; font-size: 15px; }
.site-control { display: flex; align-items: center; gap: 8px; margin: 0; }
.site-control label, .site-control legend { font-weight: 600; color: #1a1a1a; }
.site-range input[type=range] { width: 220px; accent-color: #0b5f99; }
.site-readout { min-width: 3.5em; font-variant-numeric: tabular-nums; color: #1a1a1a; }
.site-control select { font-size: 15px; padding: 3px 4px; max-width: 420px; }
fieldset.site-radio { border: none; padding: 0; display: flex; gap: 4px; align-items: center; }
fieldset.site-radio legend { float: left; margin-right: 8px; padding: 0; }
.site-radio-option { position: relative; }
.site-radio-option input { position: absolute; opacity: 0; width: 100%; height: 100%; margin: 0; cursor: pointer; }
.site-radio-option span { display: inline-block; padding: 3px 12px; border: 1px solid #59636e; border-radius: 3px;
  background: #f3f5f7; color: #1a1a1a; }
.site-radio-option input:checked + span { background: #0b5f99; color: #fff; border-color: #0b5f99; }
.site-radio-option input:focus-visible + span { outline: 3px solid #e69f00; outline-offset: 1px; }
.site-button button { font-size: 15px; padding: 3px 12px; border: 1px solid #59636e; border-radius: 3px;
  background: #f3f5f7; color: #1a1a1a; cursor: pointer; }
.site-control [hidden], .site-control[hidden] { display: none; }
.site-status { font-size: 15px; color: #1a1a1a; margin: 8px 0 0; line-height: 1.4; }
.site-explorer-note { font-size: 14px; color: #4a3500; margin: 2px 0; min-height: 0; }
.site-explorer-note:empty { display: none; }
figure.site-explorer img.site-frame { display: block; max-width: 100%; height: auto; margin-top: 6px; }
"""

EXPLORER_JS = r"""/* Live explorers of the offline course site: each control shows a figure computed when the site was built. */
(function () {
  'use strict';
  function init(figure) {
    var data = JSON.parse(figure.querySelector('script.site-explorer-data').textContent);
    var base = figure.dataset.frames;
    var img = figure.querySelector('img.site-frame');
    var status = figure.querySelector('.site-status');
    var note = figure.querySelector('.site-explorer-note');
    var boxes = Array.prototype.slice.call(figure.querySelectorAll('[data-control]'));
    var state = data.controls.map(function (c) { return c.default; });
    var cache = {};
    function key(s) { return s.join(','); }
    function preload(k) {
      var f = data.frames[k];
      if (!f || cache[k]) return;
      cache[k] = new Image();
      cache[k].src = base + data.files[f[0]];
    }
    function sync(i) {
      var c = data.controls[i], box = boxes[i], v = state[i];
      var input = box.querySelector('input[type=range], select, input[type=checkbox]');
      if (c.kind === 'radio') {
        box.querySelectorAll('input[type=radio]').forEach(function (r) { r.checked = Number(r.value) === v; });
      } else if (c.kind === 'checkbox') {
        input.checked = v === 1;
      } else if (input) {
        input.value = String(v);
      }
      if (c.kind === 'range') input.setAttribute('aria-valuetext', c.labels[v]);
      var out = box.querySelector('output');
      if (out) out.textContent = c.labels[v];
    }
    function show(changed) {
      var k = key(state), reset = false;
      if (!(k in data.frames)) {
        for (var j = 0; j < state.length; j++) if (j !== changed) state[j] = data.controls[j].default;
        k = key(state); reset = true;
      }
      var f = data.frames[k];
      img.src = base + data.files[f[0]];
      img.alt = data.alts[f[2]];
      status.innerHTML = data.statuses[f[1]];
      for (var i = 0; i < state.length; i++) {
        sync(i);
        boxes[i].hidden = f[3].indexOf(i) >= 0;
        var field = boxes[i].querySelector('input, select, button');
        if (field) field.disabled = f[4].indexOf(i) >= 0;
      }
      note.textContent = reset ? 'The other controls went back to their first setting: this page holds the ' +
        'figures of one control at a time (JupyterLab computes any combination).' : '';
      figure.dataset.state = k;
      if (changed >= 0) {
        [-1, 1].forEach(function (d) {
          var s = state.slice(); s[changed] += d; preload(key(s));
        });
      }
    }
    boxes.forEach(function (box, i) {
      var c = data.controls[i];
      if (c.kind === 'button') {
        box.querySelector('button').addEventListener('click', function () {
          state[i] = (state[i] + 1) % c.labels.length; show(i);
        });
      } else if (c.kind === 'radio') {
        box.querySelectorAll('input[type=radio]').forEach(function (r) {
          r.addEventListener('change', function () { state[i] = Number(r.value); show(i); });
        });
      } else if (c.kind === 'checkbox') {
        box.querySelector('input').addEventListener('change', function (e) { state[i] = e.target.checked ? 1 : 0; show(i); });
      } else if (c.kind === 'range' || c.kind === 'select') {
        box.querySelector('input, select').addEventListener('input', function (e) { state[i] = Number(e.target.value); show(i); });
      }
    });
    show(-1);
    figure.dataset.ready = '1';
  }
  function start() { document.querySelectorAll('figure.site-explorer[data-live]').forEach(init); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
"""
