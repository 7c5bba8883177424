"""Measure a paper's claims over seeds, with its negative controls, and join every paper's
claims into the scorecard."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from synplast.pipeline import provenance_of_requests, read_requested
from synplast.pipeline.graph import claims_code_hash, declaration, paper_module


def claim_requests(config: Mapping, paper: str) -> list[tuple]:
    """The stage files a paper's claims read: those its ``stages.claim_requests`` names, and
    the same with each negative control in place of the scenario it replaces."""
    from synplast.claimkit import control_config

    targets = importlib.import_module(paper_module(paper, "stages"))
    requests = list(targets.claim_requests(config))
    for control in config[paper]["claims"].get("controls", {}):
        requests += targets.claim_requests(control_config(config, paper, control))
    return [tuple(request) for request in dict.fromkeys(tuple(r) for r in requests)]


def claims_config(config: Mapping, paper: str) -> dict:
    """The config the claims depend on: the ``claims`` section (with its controls)."""
    return config[paper]["claims"]


def evaluate_claims(
    paper: str,
    *,
    config: Mapping,
    output: str | Path,
    root: str | Path = "results",
    input_paths: Sequence[str | Path] | None = None,
    code_sha256: str | None = None,
) -> Path:
    """Write ``results/<paper>/claims.nc``: every claim's measurement per seed and verdict,
    and which claims each negative control fails."""
    from synplast.claimkit import evaluate_controls
    from synplast.scorecard import claims_dataset
    from synplast.stagefile import write_stage

    package = importlib.import_module(f"synplast.papers.{paper}")
    claims = importlib.import_module(paper_module(paper, declaration(paper).claims_module))
    requests = claim_requests(config, paper)
    paths, datasets = read_requested(paper, requests, input_paths, root)
    results = claims.evaluate(datasets, config)
    controls = evaluate_controls(claims.evaluate, datasets, config, paper)
    return write_stage(
        claims_dataset(results, controls, config[paper]["claims"].get("controls", {})),
        output,
        paper=paper,
        **provenance_of_requests(requests),
        stage="claims",
        config=claims_config(config, paper),
        code_sha256=code_sha256 or claims_code_hash(paper),
        inputs=paths,
        title=f"synplast {paper} claims",
        references=package.REFERENCES,
    )


def build_scorecard(
    claim_files: Sequence[str | Path], markdown: str | Path, json_path: str | Path
) -> None:
    """Join the papers' claims files into the scorecard (Markdown and JSON)."""
    from synplast.scorecard import control_rows, render, rows
    from synplast.stagefile import read_stage

    all_rows, all_controls = [], []
    for path in claim_files:
        claims = read_stage(path, stage="claims")
        all_rows.extend(rows(claims, source=str(path)))
        all_controls.extend(control_rows(claims, source=str(path)))
    render(all_rows, markdown, json_path, all_controls)
