"""Run one declared stage of any paper, for one scenario (and seed, if the stage is seeded).

Reads and checks the stage files the declaration says it reads, calls the stage function with
exactly the config sections it declares, and writes the result with its provenance.  A
simulation that diverges (:class:`synplast.kernels.guard.SimulationDiverged`) stops the job
with one line naming the paper, scenario, seed, stage, step and variable, and writes nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from synplast.kernels.guard import SimulationDiverged
from synplast.pipeline.graph import (
    Request,
    check_request,
    paper_module,
    stage_code_hash,
    stage_params,
    stage_path,
    upstream_requests,
)
from synplast.stagefile import read_stage, write_stage


def _stage_function(paper: str, declared):
    """The stage function, with a one-line hint when an optional stage's peer is missing."""
    try:
        module = importlib.import_module(paper_module(paper, declared.module))
    except ModuleNotFoundError as error:
        if declared.extra and not (error.name or "").startswith("synplast"):
            raise ModuleNotFoundError(
                f"{paper}.{declared.name} needs {error.name!r}: install the extra with "
                f"`pip install -e '.[{declared.extra}]'` or run with --use-conda"
            ) from None
        raise
    return getattr(module, declared.function_name)


def run_stage(
    paper: str,
    stage: str,
    *,
    config: Mapping,
    scenario: str,
    seed: int | None,
    output: str | Path | None = None,
    input_paths: Sequence[str | Path] | None = None,
    code_sha256: str | None = None,
) -> Path:
    """Run ``stage`` of ``paper`` for one scenario (and seed); returns the written path.

    ``input_paths`` are the files the rule was given, in the order the stage declares its
    reads (default: their standard paths under ``config["results_dir"]``); ``output``
    defaults to the stage's standard path.  A diverging simulation raises
    :class:`~synplast.kernels.guard.SimulationDiverged` naming this job, and no file is written.
    """
    root = config.get("results_dir", "results")
    request = Request(scenario, None if seed is None else int(seed), stage)
    declared = check_request(config, paper, request)
    upstream = upstream_requests(config, paper, request)
    present = [r for r in upstream if r is not None]
    if input_paths is None:
        input_paths = [stage_path(paper, *r, root) for r in present]
    if len(input_paths) != len(present):
        raise ValueError(
            f"{paper}.{stage}: expected {len(present)} input files, got {len(input_paths)}"
        )
    paths = iter(input_paths)
    datasets = []
    for read in upstream:
        if read is None:
            datasets.append(None)
            continue
        reader = importlib.import_module(
            paper_module(paper, check_request(config, paper, read).module)
        )
        datasets.append(
            read_stage(
                next(paths),
                paper=paper,
                stage=read.stage,
                scenario=read.scenario,
                seed=read.seed,
                variables=getattr(reader, "VARIABLES", ()),
            )
        )
    params = stage_params(config, paper, scenario, stage)
    function = _stage_function(paper, declared)
    seeded = (request.seed,) if declared.seeded else ()
    try:
        result = function(*datasets, params, *seeded)
    except SimulationDiverged as error:
        error.locate(paper, scenario, request.seed, stage)
        raise
    package = importlib.import_module(f"synplast.papers.{paper}")
    return write_stage(
        result,
        output or stage_path(paper, *request, root),
        paper=paper,
        scenario=scenario,
        stage=stage,
        seed=request.seed,
        config=params,
        code_sha256=code_sha256 or stage_code_hash(paper, declared),
        inputs=list(input_paths),
        references=package.REFERENCES,
    )
