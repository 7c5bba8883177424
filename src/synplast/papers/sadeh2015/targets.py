"""What the sadeh2015 figures and claims read (imported by the workflow when it plans).

A figure entry with a ``seed`` shows one seed and reads that seed's ``inputs``/``plastic``/
``test`` files as it needs; one with ``scenario`` or ``scenarios`` only reads ``test`` files of
every seed.  Kept free of heavy imports.
"""

from __future__ import annotations

from synplast.config import scenario_config

PAPER = "sadeh2015"

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
