"""Render one figure of any paper from its stage files (never re-simulating)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from synplast.pipeline import code_hash, paper_module, stage_path
from synplast.plotting import save_figure
from synplast.stagefile import read_stage


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
    targets = importlib.import_module(paper_module(paper, "targets"))
    figures = importlib.import_module(paper_module(paper, "figures"))
    requests = targets.figure_requests(config, figure)
    paths = (
        [Path(p) for p in input_paths]
        if input_paths is not None
        else [stage_path(paper, scenario, seed, stage, root) for scenario, seed, stage in requests]
    )
    if len(paths) != len(requests):
        raise ValueError(f"{paper}: expected {len(requests)} input files, got {len(paths)}")
    datasets = {
        request: read_stage(
            path, paper=paper, stage=request[2], scenario=request[0], seed=request[1]
        )
        for request, path in zip(requests, paths, strict=True)
    }
    fig, data = figures.FIGURES[figure](datasets, targets.figure_options(config, figure))
    seeds = sorted({seed for _, seed, _ in requests})
    return save_figure(
        fig,
        data,
        stem,
        paper=paper,
        scenario=",".join(dict.fromkeys(scenario for scenario, _, _ in requests)),
        seed=seeds[0] if len(seeds) == 1 else -1,
        config={"figure": figure, "options": targets.figure_options(config, figure)},
        code_sha256=code_sha256 or code_hash(paper, "figure"),
        inputs=paths,
        title=f"synplast {paper} {figure}",
        references=package.REFERENCES,
    )
