# ---------------------------------------------------------------------------------------------
# common.smk: config validation, targets, input functions, params (hashes) and resources.
# Everything paper-specific comes from the stage graphs the papers declare
# (synplast/papers/<paper>/stages.py, read through synplast.pipeline.graph); no rule names a paper.
# ---------------------------------------------------------------------------------------------

import importlib
import sys
from pathlib import Path

from synplast.config import ConfigError, validate_config
from synplast.registry import REGISTRY
from synplast.pipeline import graph
from synplast.pipeline.claims import claim_requests
from synplast.stagefile import config_sha256

REPO = Path(workflow.current_basedir).parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"

try:
    validate_config(config, SCHEMA)
except ConfigError as error:
    # one line naming the key, and no job planned
    sys.exit(f"synplast: {error}")

RESULTS = config["results_dir"]
PAPERS = list(REGISTRY)
ENABLED = [paper for paper in PAPERS if config[paper]["enabled"]]
STAGE_NAMES = sorted(
    {name for paper in PAPERS for name in graph.declaration(paper).all_stages()}
)


def targets_module(paper):
    """The paper's ``stages`` module: which stage files its figures and claims read."""
    return importlib.import_module(f"synplast.papers.{paper}.stages")


def request_file(paper, request):
    """Path of one requested stage file ``(scenario, seed or None, stage)``."""
    return str(graph.stage_path(paper, *request, RESULTS))


def figure_files(paper, figure):
    stem = graph.figure_stem(paper, figure, RESULTS)
    return [f"{stem}.{ext}" for ext in ("png", "pdf", "nc")]


def is_optional(paper, requests):
    """Whether any requested stage file is of an optional stage or scenario (then the figure
    reading it is outside ``all``)."""
    return any(
        graph.stage_of(config, paper, scenario, stage).optional
        or config[paper]["scenarios"][scenario].get("optional", False)
        for scenario, _, stage in requests
    )


def all_targets():
    """Every stage file of every scenario, except optional stages and scenarios; every figure
    that reads none of those; every claims file and the scorecard."""
    targets = []
    for paper in ENABLED:
        for scenario, entry in config[paper]["scenarios"].items():
            if entry.get("optional", False):
                continue
            for name, stage in graph.scenario_stages(config, paper, scenario).items():
                if not stage.optional:
                    targets += [
                        request_file(paper, request)
                        for request in graph.stage_requests(
                            config, paper, scenario, name
                        )
                    ]
        for figure in config[paper]["figures"]:
            requests = targets_module(paper).figure_requests(config, figure)
            if not is_optional(paper, requests):
                targets += figure_files(paper, figure)
    targets += [f"{RESULTS}/scorecard.md", f"{RESULTS}/scorecard.json"]
    return targets


# --- input functions -------------------------------------------------------------------------


def job_request(wildcards):
    """The stage file a stage job writes; an undeclared one fails while planning."""
    seed = int(wildcards.seed) if "seed" in wildcards.keys() else None
    request = graph.Request(wildcards.scenario, seed, wildcards.stage)
    graph.check_request(config, wildcards.paper, request)
    return request


def stage_inputs(wildcards):
    """Input function: the stage files the job's stage declares it reads, in call order."""
    upstream = graph.upstream_requests(config, wildcards.paper, job_request(wildcards))
    return [request_file(wildcards.paper, r) for r in upstream if r is not None]


def figure_inputs(wildcards):
    if wildcards.figure not in config[wildcards.paper]["figures"]:
        raise ValueError(
            f"{wildcards.paper}: no figure {wildcards.figure!r} in the config"
        )
    requests = targets_module(wildcards.paper).figure_requests(config, wildcards.figure)
    return [request_file(wildcards.paper, request) for request in requests]


def claim_inputs(wildcards):
    requests = claim_requests(config, wildcards.paper)
    return [request_file(wildcards.paper, request) for request in requests]


def claims_files(wildcards):
    return [f"{RESULTS}/{paper}/claims.nc" for paper in ENABLED]


# --- params: what a job depends on besides its input files ------------------------------------
# Content hashes of the code a job runs (the import closure of its module) and of exactly the
# config it reads, so a job reruns when, and only when, one of them changes.

_CODE_SHA256 = {}


def _cached(key, compute):
    if key not in _CODE_SHA256:
        _CODE_SHA256[key] = compute()
    return _CODE_SHA256[key]


def stage_code_sha256(wildcards):
    stage = graph.check_request(config, wildcards.paper, job_request(wildcards))
    return _cached(
        ("stage", wildcards.paper, stage.module),
        lambda: graph.stage_code_hash(wildcards.paper, stage),
    )


def stage_config_sha256(wildcards):
    params = graph.stage_params(
        config, wildcards.paper, wildcards.scenario, wildcards.stage
    )
    return config_sha256(params)


def figure_code_sha256(wildcards):
    return _cached(
        ("figure", wildcards.paper, wildcards.figure),
        lambda: graph.figure_code_hash(wildcards.paper, wildcards.figure),
    )


def figure_config_sha256(wildcards):
    targets = targets_module(wildcards.paper)
    return config_sha256(targets.figure_options(config, wildcards.figure))


def claims_code_sha256(wildcards):
    return _cached(
        ("claims", wildcards.paper), lambda: graph.claims_code_hash(wildcards.paper)
    )


def claims_config_sha256(wildcards):
    return config_sha256(config[wildcards.paper]["claims"])


# --- software environment and resources ------------------------------------------------------


def stage_conda_env(wildcards):
    """The conda environment the stage declares (the project's own by default)."""
    stage = graph.check_request(config, wildcards.paper, job_request(wildcards))
    return str(REPO / stage.conda)


def _resources_entry(wildcards, kind):
    entry = kind if kind != "stage" else wildcards.stage
    return config[wildcards.paper]["resources"][entry]


def resource(kind, key):
    """Resource function of rule kind ``kind`` (``stage``, ``figure``, ``claims``) from the
    paper's ``resources`` config section (a stage's entry is named after the stage).

    ``runtime`` (minutes) grows with the attempt number, so a job that SLURM killed at its time
    limit is retried with more time when ``--retries`` is set.
    """

    def get(wildcards, attempt):
        spec = _resources_entry(wildcards, kind)
        if key == "runtime":
            return spec["runtime_min"] * attempt
        return spec[key]

    return get


def threads_of(kind):
    def get(wildcards):
        return _resources_entry(wildcards, kind)["threads"]

    return get
