"""The tsodyks2000 stage graph, and the stage files its figures and claims read.

There is no long-term plasticity: ``plastic`` is the burn-in, which writes the full network
state, and ``test`` resumes from that state and records (a split run equals a continuous one).
Each request is a ``(scenario, seed, stage)`` triple; the workflow turns it into the path
``results/tsodyks2000/<scenario>/seed<seed>/<stage>.nc``.  Imported by the workflow when it
plans, so kept free of heavy imports.
"""

from __future__ import annotations

from synplast.config import scenario_config
from synplast.pipeline.graph import standard_chain

from .params import consistency_errors

PAPER = "tsodyks2000"

STAGES = standard_chain(
    inputs=("model",),
    plastic=("model", "protocol.burn_in_ms"),
    test=("model", "protocol.record_ms", "analysis"),
)

check_scenario = consistency_errors
"""Cross-key checks of a resolved scenario, run by the config validation before any job."""


def figure_requests(config: dict, figure: str) -> list[tuple[str, int, str]]:
    """Stage files one figure reads."""
    spec = config[PAPER]["figures"][figure]
    if figure == "fig1":
        return [(spec["scenario"], int(spec["seed"]), "test")]
    if figure == "ibi_vs_ib_spread":
        return [
            (scenario, int(seed), "test")
            for scenario in spec["scenarios"]
            for seed in scenario_config(config, PAPER, scenario)["seeds"]
        ]
    raise KeyError(f"unknown tsodyks2000 figure {figure!r}")


def figure_options(config: dict, figure: str) -> dict:
    """The options a figure function receives (its config entry, resolved)."""
    options = dict(config[PAPER]["figures"][figure])
    if figure == "ibi_vs_ib_spread":
        options["half_widths_mV"] = [
            scenario_config(config, PAPER, s)["model"]["ib_half_width_mV"]
            for s in options["scenarios"]
        ]
        options["burst_participation"] = config[PAPER]["claims"]["burst_participation"]
    return options


def claim_requests(config: dict) -> list[tuple[str, int, str]]:
    """Stage files the claims read: every seed of the claim scenarios (the reference network,
    the narrow and the wide background spread, the fine clock step)."""
    claims = config[PAPER]["claims"]
    scenarios = [
        claims["scenario"],
        claims["narrow_spread_scenario"],
        claims["wide_spread_scenario"],
        claims["fine_dt_scenario"],
    ]
    return [
        (scenario, int(seed), "test")
        for scenario in dict.fromkeys(scenarios)
        for seed in scenario_config(config, PAPER, scenario)["seeds"]
    ]
