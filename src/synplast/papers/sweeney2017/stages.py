"""The sweeney2017 stage graph, and the stage files its figures and claims read.

``inputs`` draws positions, the diffusion kernel, W(0) and the stimulus epochs; ``plastic`` is
the learning run; ``test`` analyses the learned receptive fields and depends only on the
``analysis`` section, so a change of metric bins or thresholds never reruns the 2.5 million
steps.  Imported by the workflow when it plans, so kept free of heavy imports.
"""

from __future__ import annotations

from synplast.config import scenario_config
from synplast.pipeline.graph import standard_chain

from .params import consistency_errors

PAPER = "sweeney2017"

STAGES = standard_chain(
    inputs=("model", "protocol"),
    plastic=("model", "protocol"),
    test=("analysis", "protocol.sample_every_steps"),
)

check_scenario = consistency_errors
"""Cross-key checks of a resolved scenario, run by the config validation before any job."""


def _all_seeds(config: dict, scenario: str, stage: str = "test") -> list[tuple[str, int, str]]:
    seeds = scenario_config(config, PAPER, scenario)["seeds"]
    return [(scenario, int(seed), stage) for seed in seeds]


def figure_requests(config: dict, figure: str) -> list[tuple[str, int, str]]:
    """Stage files one figure reads."""
    spec = config[PAPER]["figures"][figure]
    if figure == "fig5_receptive_fields":
        return [(scenario, int(spec["seed"]), "plastic") for scenario in spec["scenarios"]]
    return [r for scenario in spec["scenarios"] for r in _all_seeds(config, scenario)]


def figure_options(config: dict, figure: str) -> dict:
    """The options a figure function receives: its config entry, and for the sweep the
    diffusion width of each scenario."""
    options = dict(config[PAPER]["figures"][figure])
    if figure == "sigma_sweep":
        options["sigma_d"] = [
            scenario_config(config, PAPER, s)["model"]["sigma_d"] for s in options["scenarios"]
        ]
    return options


def claim_requests(config: dict) -> list[tuple[str, int, str]]:
    """Every seed's ``test`` file of the claim scenarios."""
    claims = config[PAPER]["claims"]
    names = (claims["scenario"], claims["standard_scenario"], claims["fixed_scenario"])
    return [r for scenario in dict.fromkeys(names) for r in _all_seeds(config, scenario)]
