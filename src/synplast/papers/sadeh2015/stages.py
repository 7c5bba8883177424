"""The sadeh2015 stage graph, and the stage files its figures and claims read.

``inputs`` draws W0, the preferred orientations, the stimulus sequences and the frozen test
input; ``plastic`` runs the learning blocks (and the spontaneous and cardinal protocols when
enabled); ``test`` runs the static before/after tests and the tuning curves and measures the
metrics.  Imported by the workflow when it plans, so kept free of heavy imports.

A figure entry with a ``seed`` shows one seed and reads that seed's ``inputs``/``plastic``/
``test`` files as it needs; one with ``scenario`` or ``scenarios`` only reads ``test`` files of
every seed.  Kept free of heavy imports.
"""

from __future__ import annotations

from synplast.config import scenario_config
from synplast.pipeline.graph import standard_chain

from .params import consistency_errors

PAPER = "sadeh2015"

STAGES = standard_chain(
    inputs=("model", "protocol"),
    plastic=("model", "protocol"),
    test=("model", "protocol", "analysis"),
)

check_scenario = consistency_errors
"""Cross-key checks of a resolved scenario, run by the config validation before any job."""

#: single-seed figures -> the stages they read
SINGLE_SEED_STAGES = {
    "fig1_rasters": ("inputs", "plastic", "test"),
    "fig3_weights": ("inputs", "plastic"),
    "fig3_aligned": ("inputs", "plastic"),
}


def _all_seeds(config, scenario):
    return [(scenario, int(s), "test") for s in scenario_config(config, PAPER, scenario)["seeds"]]


def figure_requests(config: dict, figure: str) -> list[tuple[str, int, str]]:
    """Stage files one figure reads."""
    spec = config[PAPER]["figures"][figure]
    if figure in SINGLE_SEED_STAGES:
        return [(spec["scenario"], int(spec["seed"]), st) for st in SINGLE_SEED_STAGES[figure]]
    scenarios = spec.get("scenarios") or [spec["scenario"]]
    return [r for scenario in scenarios for r in _all_seeds(config, scenario)]


def figure_options(config: dict, figure: str) -> dict:
    """The options a figure function receives (its config entry, plus analysis switches)."""
    options = dict(config[PAPER]["figures"][figure])
    options["emulate_py2_rate_text"] = config[PAPER]["analysis"]["emulate_py2_rate_text"]
    return options


def claim_requests(config: dict) -> list[tuple[str, int, str]]:
    """Every seed's ``test`` file of the claim scenarios."""
    claims = config[PAPER]["claims"]
    keys = ("scenario", "ee_only_scenario", "ee_ie_scenario", "ee_ei_scenario")
    return [r for s in dict.fromkeys(claims[k] for k in keys) for r in _all_seeds(config, s)]
