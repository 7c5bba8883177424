"""Run one simulation stage (``inputs``, ``plastic`` or ``test``) of any paper.

Reads and checks the upstream stage files, calls the paper's stage function with the resolved
scenario parameters, and writes the result with its provenance.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path

from synplast.config import scenario_config
from synplast.pipeline import STAGE_MODULES, UPSTREAM, code_hash, paper_module
from synplast.stagefile import read_stage, write_stage


def stage_params(config: Mapping, paper: str, scenario: str) -> dict:
    """The exact parameters a stage runs with (recorded in its file as ``config_json``)."""
    params = scenario_config(config, paper, scenario)
    params.pop("seeds", None)
    return params


def run_stage(
    paper: str,
    stage: str,
    *,
    config: Mapping,
    scenario: str,
    seed: int,
    upstream: Mapping[str, str | Path],
    output: str | Path,
    code_sha256: str | None = None,
) -> Path:
    """Run ``stage`` of ``paper`` for one scenario and seed; returns the written path."""
    module_name, function_name = STAGE_MODULES[stage]
    package = importlib.import_module(f"synplast.papers.{paper}")
    module = importlib.import_module(paper_module(paper, module_name))
    datasets = []
    for name in UPSTREAM[stage]:
        upstream_module = importlib.import_module(paper_module(paper, STAGE_MODULES[name][0]))
        datasets.append(
            read_stage(
                upstream[name],
                paper=paper,
                stage=name,
                scenario=scenario,
                seed=int(seed),
                variables=upstream_module.VARIABLES,
            )
        )
    params = stage_params(config, paper, scenario)
    result = getattr(module, function_name)(*datasets, params, int(seed))
    return write_stage(
        result,
        output,
        paper=paper,
        scenario=scenario,
        stage=stage,
        seed=int(seed),
        config=params,
        code_sha256=code_sha256 or code_hash(paper, stage),
        inputs=[upstream[name] for name in UPSTREAM[stage]],
        references=package.REFERENCES,
    )
