"""Helpers of the science tests, imported as ``tests.science.helpers``.

The science tests run exactly what the workflow runs: the paper's stage functions with the
parameters the workflow gives them, their results written and read back as stage files, then
the paper's ``claims.evaluate``.  :func:`run_chain` is the one place that knows how a stage is
called; adapt it (only it) when the pipeline's stage API changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import xarray as xr

from synplast.claimkit import ClaimResult, summary
from synplast.pipeline.graph import stage_params
from synplast.stagefile import read_stage, write_stage


def run_chain(
    config: Mapping, paper: str, scenario: str, seed: int, tmp_path: str | Path
) -> xr.Dataset:
    """Run ``inputs -> plastic -> test`` of one scenario and seed as the workflow does.

    The paper's ``inputs.make_inputs``, ``plastic.run_plastic`` and ``probe.run_test`` get the
    parameters the workflow passes them (``stage_params``) and the upstream Datasets as read
    back from their stage files: every result goes through ``write_stage`` / ``read_stage``
    (under ``tmp_path``), so the checks the workflow applies to a stage file apply here too.
    Returns the ``test`` Dataset as the claims rule reads it; only its file is kept.
    """
    seed = int(seed)
    folder = Path(tmp_path) / paper / scenario / f"seed{seed}"
    inputs_module, plastic_module, probe_module = (
        importlib.import_module(f"synplast.papers.{paper}.{name}")
        for name in ("inputs", "plastic", "probe")
    )

    def params(stage: str) -> dict:
        return stage_params(config, paper, scenario, stage)

    def stored(stage: str, module, result: xr.Dataset) -> xr.Dataset:
        where = {"paper": paper, "scenario": scenario, "stage": stage, "seed": seed}
        path = folder / f"{stage}.nc"
        write_stage(result, path, config=params(stage), code_sha256="science-test", **where)
        return read_stage(path, variables=getattr(module, "VARIABLES", ()), **where)

    inputs = stored("inputs", inputs_module, inputs_module.make_inputs(params("inputs"), seed))
    plastic = stored(
        "plastic", plastic_module, plastic_module.run_plastic(inputs, params("plastic"), seed)
    )
    test = stored(
        "test", probe_module, probe_module.run_test(inputs, plastic, params("test"), seed)
    )
    for stage in ("inputs", "plastic"):  # in memory already; hundreds of MB at paper scale
        (folder / f"{stage}.nc").unlink()
    return test


def assert_holds_in_every_seed(result: ClaimResult, seeds: Iterable[int]) -> None:
    """The claim was measured in exactly ``seeds`` and its criterion holds in each."""
    assert list(result.seeds) == list(seeds), f"{result.claim_id}: measured seeds {result.seeds}"
    failing = failing_seeds(result)
    stats = summary(result.values)
    assert result.holds and not failing, (
        f"{result.claim_id}: {result.statement}: expected {result.expectation}; "
        f"{result.measure} failing in (seed, value) {failing}; over seeds mean "
        f"{stats['mean']:.3g}, min {stats['min']:.3g}, max {stats['max']:.3g} ({result.units})"
    )


def failing_seeds(result: ClaimResult) -> list[tuple[int, float]]:
    """``(seed, value)`` of the seeds where a claim's criterion does not hold."""
    return [
        (seed, value)
        for seed, value, ok in zip(result.seeds, result.values, result.passed, strict=True)
        if not ok
    ]


def claim_datasets(config: Mapping, paper: str, tmp_path: str | Path) -> dict:
    """The ``test`` Datasets a paper's claims and its controls read (the files the claims rule
    is given), each simulated with :func:`run_chain`, keyed by ``(scenario, seed, stage)``."""
    from synplast.pipeline.claims import claim_requests

    return {
        (scenario, seed, stage): run_chain(config, paper, scenario, seed, tmp_path)
        for scenario, seed, stage in claim_requests(config, paper)
    }


def controls_failing_their_claims(
    claims_module, datasets: Mapping, config: Mapping, paper: str, in_every_seed: bool = False
):
    """``{control: claims it is aimed at but passes}`` (all empty when every control is
    rejected), re-measured as the claims rule does.  A control passes a claim when the claim
    holds in all its seeds, or, with ``in_every_seed``, in any one of them (the stricter test:
    the control must fail the claim in every seed)."""
    from synplast.claimkit import evaluate_controls

    def passes(result) -> bool:
        return any(result.passed) if in_every_seed else result.holds

    controls = config[paper]["claims"]["controls"]
    return {
        name: {r.claim_id for r in results if passes(r)} & set(controls[name]["aimed_at"])
        for name, results in evaluate_controls(
            claims_module.evaluate, datasets, config, paper
        ).items()
    }
