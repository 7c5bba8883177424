"""Measure a paper's claims over seeds, and join every paper's claims into the scorecard."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from synplast.pipeline import provenance_of_requests, read_requested
from synplast.pipeline.graph import claims_code_hash, declaration, paper_module
from synplast.scorecard import claims_dataset, render, rows
from synplast.stagefile import read_stage, write_stage


def evaluate_claims(
    paper: str,
    *,
    config: Mapping,
    output: str | Path,
    root: str | Path = "results",
    input_paths: Sequence[str | Path] | None = None,
    code_sha256: str | None = None,
) -> Path:
    """Write ``results/<paper>/claims.nc``: every claim's measurement per seed and verdict."""
    package = importlib.import_module(f"synplast.papers.{paper}")
    targets = importlib.import_module(paper_module(paper, "stages"))
    claims = importlib.import_module(paper_module(paper, declaration(paper).claims_module))
    requests = targets.claim_requests(config)
    paths, datasets = read_requested(paper, requests, input_paths, root)
    results = claims.evaluate(datasets, config)
    return write_stage(
        claims_dataset(results),
        output,
        paper=paper,
        **provenance_of_requests(requests),
        stage="claims",
        config=config[paper]["claims"],
        code_sha256=code_sha256 or claims_code_hash(paper),
        inputs=paths,
        title=f"synplast {paper} claims",
        references=package.REFERENCES,
    )


def build_scorecard(
    claim_files: Sequence[str | Path], markdown: str | Path, json_path: str | Path
) -> None:
    """Join the papers' claims files into the scorecard (Markdown and JSON)."""
    all_rows = []
    for path in claim_files:
        all_rows.extend(rows(read_stage(path, stage="claims"), source=str(path)))
    render(all_rows, markdown, json_path)
