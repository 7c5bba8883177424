"""Shared plotting: one style for every figure, and saving with provenance.

A figure function takes Datasets and returns ``(Figure, Dataset)``: the picture and the exact
numbers it shows.  :func:`save_figure` writes both, once, for every paper:

- ``<stem>.nc`` through :func:`synplast.stagefile.write_stage` (stage ``figure``), with the
  upstream stage files and their hashes in ``inputs_sha256``;
- ``<stem>.png`` and ``<stem>.pdf`` with the same provenance in their metadata (PNG text chunk
  ``synplast_provenance``; PDF ``Keywords``), as JSON, so ``synplast trace`` works on a picture.

Each file is written under a temporary name and renamed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import xarray as xr  # noqa: E402

from synplast.stagefile import provenance_attrs, write_stage  # noqa: E402

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "pdf.fonttype": 42,
    "svg.hashsalt": "synplast",
}
PROVENANCE_KEY = "synplast_provenance"
FIGURE_FORMATS = ("png", "pdf")


def apply_style() -> None:
    """Use the shared style for every figure drawn after this call."""
    plt.rcParams.update(STYLE)


def figure_provenance_json(attrs: dict) -> str:
    """The provenance attributes, minus the bulky config, as compact JSON for image metadata."""
    keep = {key: value for key, value in attrs.items() if key != "config_json"}
    return json.dumps(keep, sort_keys=True, separators=(",", ":"))


def save_figure(fig, data: xr.Dataset, stem: str | Path, **provenance) -> list[Path]:
    """Write ``<stem>.nc``, ``<stem>.png`` and ``<stem>.pdf`` with provenance; close ``fig``.

    ``provenance`` takes the keyword arguments of :func:`synplast.stagefile.provenance_attrs`
    (``stage`` is set to ``figure``).
    """
    stem = Path(stem)
    provenance = {**provenance, "stage": "figure"}
    written = [write_stage(data, stem.with_suffix(".nc"), **provenance)]
    meta_json = figure_provenance_json(provenance_attrs(**provenance))
    title = provenance.get("title") or stem.name
    metadata = {
        "png": {"Title": title, "Software": "synplast", PROVENANCE_KEY: meta_json},
        "pdf": {"Title": title, "Creator": "synplast", "Keywords": meta_json, "CreationDate": None},
    }
    for fmt in FIGURE_FORMATS:
        target = stem.with_suffix(f".{fmt}")
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}.{fmt}")
        try:
            fig.savefig(tmp, format=fmt, metadata=metadata[fmt], bbox_inches="tight")
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        written.append(target)
    plt.close(fig)
    return written


def read_figure_provenance(path: str | Path) -> dict:
    """The provenance stored in a PNG or PDF written by :func:`save_figure`."""
    path = Path(path)
    if path.suffix == ".png":
        from PIL import Image

        with Image.open(path) as image:
            text = image.text.get(PROVENANCE_KEY) if hasattr(image, "text") else None
        if text is None:
            raise ValueError(f"{path}: no {PROVENANCE_KEY} metadata")
        return json.loads(text)
    if path.suffix == ".pdf":
        raw = path.read_bytes()
        marker = b"/Keywords ("
        start = raw.find(marker)
        if start < 0:
            raise ValueError(f"{path}: no Keywords metadata")
        start += len(marker)
        chars, i, depth = [], start, 0
        while i < len(raw):
            byte = raw[i : i + 1]
            if byte == b"\\":
                chars.append(raw[i + 1 : i + 2])
                i += 2
                continue
            if byte == b"(":
                depth += 1
            elif byte == b")":
                if depth == 0:
                    break
                depth -= 1
            chars.append(byte)
            i += 1
        return json.loads(b"".join(chars).decode("latin-1"))
    raise ValueError(f"{path}: not a PNG or PDF figure")
