"""The urbanczik2014 stage graph, and the stage files its figures and claims read.

``inputs`` draws the frozen pattern and builds the teacher; ``plastic`` is the learning
protocol; ``test`` measures the learning curve and runs the frozen tests.  ``nest`` is the
optional cross-check: the same protocol in NEST on identical input spikes (pip extra ``nest``,
conda environment ``envs/nest.yaml``), outside ``all``, like the figure that reads it; it exists
in the sub-model ``main`` only, as scenarios of the sub-model ``variant`` set flags NEST does
not implement.
Imported by the workflow when it plans, so kept free of heavy imports.
"""

from __future__ import annotations

from synplast.config import scenario_config
from synplast.pipeline.graph import Stage, standard_chain

from .params import consistency_errors

PAPER = "urbanczik2014"

CHAIN = standard_chain(
    inputs=("model", "protocol"),
    plastic=("model", "protocol"),
    test=("model", "protocol", "analysis"),
)

NEST = Stage(
    "nest",
    "nest_run:run_nest",
    ("inputs",),
    ("model", "protocol"),
    optional=True,
    extra="nest",
    conda="envs/nest.yaml",
    description="the protocol in NEST on identical input spikes (cross-check)",
)

SUBMODELS = {
    "main": (*CHAIN, NEST),
    "variant": CHAIN,
}
"""``main``: the reference semantics, which NEST can cross-check; ``variant``: a scenario with a
flag NEST does not implement (``nest_run.REFERENCE_FLAGS``), so it has no ``nest`` stage."""

check_scenario = consistency_errors
"""Cross-key checks of a resolved scenario, run by the config validation before any job."""


def _seeds(config: dict, scenario: str) -> list[int]:
    return [int(seed) for seed in scenario_config(config, PAPER, scenario)["seeds"]]


def figure_requests(config: dict, figure: str) -> list[tuple[str, int, str]]:
    """Stage files one figure reads."""
    entry = config[PAPER]["figures"][figure]
    if figure in ("fig1b_traces", "fig1b_weights"):
        return [(entry["scenario"], int(entry["seed"]), "plastic")]
    if figure in ("learning_curve", "learning_curve_variants"):
        return [(s, seed, "test") for s in entry["scenarios"] for seed in _seeds(config, s)]
    if figure == "nest_comparison":
        scenario = entry["scenario"]
        return [
            (scenario, int(seed), stage) for seed in entry["seeds"] for stage in ("test", "nest")
        ]
    raise KeyError(f"{PAPER}: no figure {figure!r}")


def figure_options(config: dict, figure: str) -> dict:
    """The options a figure function receives: its config entry, and the protocol and analysis
    of the scenario it shows (for time axes and smoothing)."""
    options = dict(config[PAPER]["figures"][figure])
    scenario = options.get("scenario") or options["scenarios"][0]
    resolved = scenario_config(config, PAPER, scenario)
    options["protocol"] = resolved["protocol"]
    options["analysis"] = resolved["analysis"]
    options["W_max_pA"] = resolved["model"]["W_max_pA"]
    options["beta_per_mV"] = resolved["model"]["beta_per_mV"]
    return options


def claim_requests(config: dict) -> list[tuple[str, int, str]]:
    """Every seed's ``test`` file of the claims scenario."""
    scenario = config[PAPER]["claims"]["scenario"]
    return [(scenario, seed, "test") for seed in _seeds(config, scenario)]
