"""Render one figure of any paper from its stage files (never re-simulating)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from synplast.pipeline import provenance_of_requests, read_requested
from synplast.pipeline.graph import declaration, figure_code_hash, paper_module
from synplast.plotting import save_figure


def render_figure(
    paper: str,
    figure: str,
    *,
    config: Mapping,
    stem: str | Path,
    root: str | Path = "results",
    input_paths: Sequence[str | Path] | None = None,
    code_sha256: str | None = None,
) -> Sequence[Path]:
    """Draw ``figure`` of ``paper`` and write ``<stem>.{nc,png,pdf}`` with provenance."""
    package = importlib.import_module(f"synplast.papers.{paper}")
    targets = importlib.import_module(paper_module(paper, "stages"))
    figures = importlib.import_module(paper_module(paper, declaration(paper).figure_module(figure)))
    requests = targets.figure_requests(config, figure)
    paths, datasets = read_requested(paper, requests, input_paths, root)
    fig, data = figures.FIGURES[figure](datasets, targets.figure_options(config, figure))
    return save_figure(
        fig,
        data,
        stem,
        paper=paper,
        **provenance_of_requests(requests),
        config={"figure": figure, "options": targets.figure_options(config, figure)},
        code_sha256=code_sha256 or figure_code_hash(paper, figure),
        inputs=paths,
        title=f"synplast {paper} {figure}",
        references=package.REFERENCES,
    )
