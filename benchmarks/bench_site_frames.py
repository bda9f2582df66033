"""Size and fidelity of the site's frame formats (a measurement, not a test): why palette PNG.

For the first figure of every ``explore_*`` builder (discovered, built with no arguments),
encodes the PNG the explorer sends in each candidate format and prints, summed over all
of them: bytes (and the share of the explorers' own PNGs), the largest channel error (of
255) on any pixel, the largest share of pixels of one figure off by more than 8, and the
CPU time to encode a frame. ``tools/site_frames.compress_frame`` uses the first row.

Usage: ``python benchmarks/bench_site_frames.py``
"""

from __future__ import annotations

import importlib
import io
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import _qa  # noqa: E402

FORMATS = {
    "palette PNG, octree (the site)": lambda img: _palette(img, Image.Quantize.FASTOCTREE),
    "palette PNG, median cut": lambda img: _palette(img, Image.Quantize.MEDIANCUT),
    "palette PNG, max coverage": lambda img: _palette(img, Image.Quantize.MAXCOVERAGE),
    "WebP lossless": lambda img: _save(img, "webp", lossless=True, method=4),
    "WebP lossy, quality 90": lambda img: _save(img, "webp", quality=90, method=4),
}


def _save(img: Image.Image, fmt: str, **kw) -> bytes:
    out = io.BytesIO()
    img.save(out, format=fmt, **kw)
    return out.getvalue()


def _palette(img: Image.Image, method) -> bytes:
    return _save(img.quantize(256, method=method, dither=Image.Dither.NONE), "png", optimize=True)


def main() -> None:
    frames = []
    for spec in _qa.discover_explorers():
        explorer = getattr(importlib.import_module(spec.module), spec.name)()
        frames.append(bytes(explorer.image.value))
    raw = sum(len(f) for f in frames)
    print(f"{len(frames)} first frames; the explorers' own PNGs: {raw / 1e3:.0f} kB\n")
    print("| format | kB | share | max channel error | worst share of pixels off by > 8 | ms a frame (CPU) |")
    print("|---|---|---|---|---|---|")
    for name, encode in FORMATS.items():
        size, worst, share, cpu = 0, 0, 0.0, 0.0
        for png in frames:
            with Image.open(io.BytesIO(png)) as original:
                img = original.convert("RGB")
            start = time.process_time()
            data = encode(img)
            cpu += time.process_time() - start
            with Image.open(io.BytesIO(data)) as decoded:
                error = np.abs(np.asarray(decoded.convert("RGB"), dtype=int) - np.asarray(img, dtype=int)).max(axis=2)
            size += len(data)
            worst, share = max(worst, int(error.max())), max(share, float((error > 8).mean()))
        print(f"| {name} | {size / 1e3:.0f} | {size / raw:.0%} | {worst}/255 | {share:.2%} | "
              f"{cpu / len(frames) * 1000:.0f} |")


if __name__ == "__main__":
    main()
