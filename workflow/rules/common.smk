# ---------------------------------------------------------------------------------------------
# common.smk: config validation, the paper registry, target lists, code hashes and resources.
# ---------------------------------------------------------------------------------------------

import importlib
import sys
from pathlib import Path

from synplast.config import ConfigError, validate_config
from synplast.pipeline import code_hash, figure_stem, stage_path
from synplast.pipeline.stage import stage_params
from synplast.stagefile import config_sha256

SCHEMA = Path(workflow.current_basedir).parent / "schemas" / "config.schema.yaml"

try:
    validate_config(config, SCHEMA)
except ConfigError as error:
    # one line naming the key, and no job planned
    sys.exit(f"synplast: {error}")

RESULTS = config["results_dir"]
PAPERS = [name for name, section in config.items() if isinstance(section, dict)]
ENABLED = [paper for paper in PAPERS if config[paper]["enabled"]]
STAGES = ("inputs", "plastic", "test")
RULE_KINDS = (*STAGES, "figure", "claims")

# Content hash of the code each kind of rule runs, per paper (a params entry of every rule), so an
# edit in src/synplast reruns exactly the jobs whose code changed (and nothing once reverted).
CODE_SHA256 = {
    (paper, kind): code_hash(paper, kind) for paper in PAPERS for kind in RULE_KINDS
}


def targets_module(paper):
    return importlib.import_module(f"synplast.papers.{paper}.targets")


def stage_file(paper, scenario, seed, stage):
    return str(stage_path(paper, scenario, seed, stage, RESULTS))


def figure_files(paper, figure):
    stem = figure_stem(paper, figure, RESULTS)
    return [f"{stem}.{ext}" for ext in ("png", "pdf", "nc")]


def all_targets():
    """Every scenario's test file, every figure, every claims file and the scorecard."""
    targets = []
    for paper in ENABLED:
        for scenario, spec in config[paper]["scenarios"].items():
            targets += [
                stage_file(paper, scenario, seed, "test") for seed in spec["seeds"]
            ]
        for figure in config[paper]["figures"]:
            targets += figure_files(paper, figure)
    targets += [f"{RESULTS}/scorecard.md", f"{RESULTS}/scorecard.json"]
    return targets


# --- input functions -------------------------------------------------------------------------


def upstream_stage_files(stage):
    """Input function: the upstream stage files of ``stage`` for the job's paper/scenario/seed."""
    upstream = {"inputs": [], "plastic": ["inputs"], "test": ["inputs", "plastic"]}[
        stage
    ]

    def files(wildcards):
        check_scenario(wildcards)
        return {
            name: stage_file(wildcards.paper, wildcards.scenario, wildcards.seed, name)
            for name in upstream
        }

    return files


def check_scenario(wildcards):
    """A requested scenario and seed must be in the config (fail while planning otherwise)."""
    scenarios = config[wildcards.paper]["scenarios"]
    if wildcards.scenario not in scenarios:
        raise ValueError(
            f"{wildcards.paper}: no scenario {wildcards.scenario!r} in the config "
            f"(defined: {', '.join(scenarios)})"
        )
    if int(wildcards.seed) not in scenarios[wildcards.scenario]["seeds"]:
        raise ValueError(
            f"{wildcards.paper}.{wildcards.scenario}: seed {wildcards.seed} is not in its seeds"
        )


def figure_inputs(wildcards):
    if wildcards.figure not in config[wildcards.paper]["figures"]:
        raise ValueError(
            f"{wildcards.paper}: no figure {wildcards.figure!r} in the config"
        )
    requests = targets_module(wildcards.paper).figure_requests(config, wildcards.figure)
    return [stage_file(wildcards.paper, *request) for request in requests]


def claim_inputs(wildcards):
    requests = targets_module(wildcards.paper).claim_requests(config)
    return [stage_file(wildcards.paper, *request) for request in requests]


def claims_files(wildcards):
    return [f"{RESULTS}/{paper}/claims.nc" for paper in ENABLED]


# --- params ----------------------------------------------------------------------------------


def code_sha256_of(kind):
    """Params function: the code hash of rule kind ``kind`` for the job's paper."""

    def get(wildcards):
        return CODE_SHA256[(wildcards.paper, kind)]

    return get


def scenario_sha256(wildcards):
    """Params function: hash of the exact parameters of the job's scenario."""
    return config_sha256(stage_params(config, wildcards.paper, wildcards.scenario))


def figure_config_sha256(wildcards):
    targets = targets_module(wildcards.paper)
    return config_sha256(targets.figure_options(config, wildcards.figure))


def claims_config_sha256(wildcards):
    return config_sha256(config[wildcards.paper]["claims"])


# --- resources -------------------------------------------------------------------------------


def resource(kind, key):
    """Resource function of rule kind ``kind`` from the paper's ``resources`` config section.

    ``runtime`` (minutes) grows with the attempt number, so a job that SLURM killed at its time
    limit is retried with more time when ``--retries`` is set.
    """

    def get(wildcards, attempt):
        spec = config[wildcards.paper]["resources"][kind]
        if key == "runtime":
            return spec["runtime_min"] * attempt
        return spec[key]

    return get


def threads_of(kind):
    def get(wildcards):
        return config[wildcards.paper]["resources"][kind]["threads"]

    return get
