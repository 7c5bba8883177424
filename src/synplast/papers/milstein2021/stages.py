"""The milstein2021 stage graph: three models and the calibration they share, and the stage
files its figures and claims read.

- ``calibration`` (scenario ``calibration``): the ramp scaling factor, computed once and read
  by Models B and C;
- ``A``: ``inputs`` (spike and plateau grids, ET, IS, ET*IS) -> ``plastic`` (the induction
  passes) -> ``test`` (equilibrium weights, sign structure), all deterministic;
- ``B``: ``inputs`` (signals, target ramp, starting weights) -> ``plastic`` (the induction
  laps) -> ``test`` (ramp features), deterministic; a second induction reads the first one's
  ``inputs`` and ``plastic`` (the scenario named by ``protocol.B.start_from``);
- ``C``: ``inputs`` (the whole run's eligibility traces; deterministic) -> ``network`` (the
  laps with sampled plateaus; seeded) -> ``readout`` (per-lap measures; seeded).

Each stage declares only its own sub-model's sections (``model.A``, ``protocol.C``, ...), and
each sub-model's code is its own modules (``model_a``, ``a_*``; ``model_b``, ``b_*``;
``model_c``, ``c_*``, ``network_kernel``), so editing one sub-model's code or config reruns only
that sub-model.  The shared parts are the track and the
rule of B and C (``model.track``; ``track.py``, ``fitted_rule.py``, ``rule.py``) and the
sigmoid of all three.
Imported when the workflow plans: no heavy imports.
"""

from __future__ import annotations

from synplast.config import scenario_config
from synplast.pipeline.graph import Read, Stage

from .checks import consistency_errors

PAPER = "milstein2021"
CALIBRATION = "calibration"
"""The scenario whose ``calibration`` stage Models B and C read."""

SUBMODELS = {
    "calibration": (
        Stage(
            "calibration",
            "calibration:run_calibration",
            sections=("model.track", "model.calibration"),
            seeded=False,
            description="the ramp scaling factor",
        ),
    ),
    "A": (
        Stage(
            "inputs",
            "a_inputs:make_inputs",
            sections=("model.A",),
            seeded=False,
            description="spike and plateau grids, ET, IS and ET*IS",
        ),
        Stage(
            "plastic",
            "a_plastic:run_plastic",
            ("inputs",),
            ("model.A", "protocol.A"),
            seeded=False,
            description="the induction passes for every initial weight",
        ),
        Stage(
            "test",
            "a_test:run_test",
            ("inputs", "plastic"),
            ("model.A", "analysis.A"),
            seeded=False,
            description="equilibrium weights, sign structure, dW/dt against ET*IS",
        ),
    ),
    "B": (
        Stage(
            "inputs",
            "b_inputs:make_inputs",
            (
                Read("calibration", scenario=CALIBRATION),
                Read("inputs", scenario_from="protocol.B.start_from"),
            ),
            ("model.track", "model.B", "protocol.B"),
            seeded=False,
            description="signals of the induction run, the target ramp, the starting weights",
        ),
        Stage(
            "plastic",
            "b_plastic:run_plastic",
            ("inputs", Read("plastic", scenario_from="protocol.B.start_from")),
            ("model.B", "protocol.B"),
            seeded=False,
            description="the induction laps, from the state the start scenario left",
        ),
        Stage(
            "test",
            "b_test:run_test",
            ("inputs", "plastic"),
            ("model.track", "protocol.B", "analysis.B"),
            seeded=False,
            description="ramp features, change of ramp and of weights",
        ),
    ),
    "C": (
        Stage(
            "inputs",
            "c_inputs:make_inputs",
            sections=("model.track", "model.C", "protocol.C"),
            seeded=False,
            description="rate maps and the whole run's eligibility traces",
        ),
        Stage(
            "network",
            "c_network:run_network",
            ("inputs", Read("calibration", scenario=CALIBRATION)),
            ("model.track", "model.C", "protocol.C"),
            description="the laps with sampled plateaus",
        ),
        Stage(
            "readout",
            "c_readout:run_readout",
            ("network",),
            ("analysis.C",),
            description="place cells, density and plateaus per lap",
        ),
    ),
}

FIGURE_MODULES = {
    "A_ref_signals": "figures_a",
    "A_ref_maps": "figures_a",
    "A_ref_heatmaps": "figures_a",
    "A_seed_signals": "figures_a",
    "A_seed_maps": "figures_a",
    "A_seed_heatmaps": "figures_a",
    "B_induction": "figures_b",
    "C_network": "figures_c",
}
"""Each figure's module: editing one sub-model's figures redraws only those."""

check_scenario = consistency_errors
"""Cross-key checks of a resolved scenario, run by the config validation before any job."""

CLAIM_SUBMODELS = {
    "scenario": "A",
    "A_seed_scenario": "A",
    "B_induction1_scenario": "B",
    "B_induction2_scenario": "B",
    "C_scenario": "C",
}
"""The sub-model each claims key must name a scenario of."""


def _figure_submodel(figure: str) -> str:
    return {"A": "A", "B": "B", "C": "C"}[figure[0]]


def check_references(config: dict) -> list[tuple[str, str]]:
    """Each figure and each claims key must name scenarios of the sub-model it draws or
    measures (``A_*`` figures Model A, ``B_induction`` Model B, ``C_network`` Model C)."""
    section = config[PAPER]
    named = [
        (
            f"figures.{figure}",
            _figure_submodel(figure),
            spec.get("scenarios", [spec.get("scenario")]),
        )
        for figure, spec in section["figures"].items()
    ]
    named += [
        (f"claims.{key}", submodel, [section["claims"][key]])
        for key, submodel in CLAIM_SUBMODELS.items()
    ]
    errors = []
    for key, submodel, scenarios in named:
        for scenario in scenarios:
            found = section["scenarios"][scenario].get("submodel")
            if found != submodel:
                errors.append((key, f"{scenario!r} runs sub-model {found}, not {submodel}"))
    return errors


def _chain(scenario: str, stages: tuple[str, ...]) -> list[tuple[str, None, str]]:
    return [(scenario, None, stage) for stage in stages]


def _seeds(config: dict, scenario: str, stage: str) -> list[tuple[str, int, str]]:
    seeds = scenario_config(config, PAPER, scenario)["seeds"]
    return [(scenario, int(seed), stage) for seed in seeds]


def figure_requests(config: dict, figure: str) -> list[tuple]:
    """Stage files one figure reads."""
    spec = config[PAPER]["figures"][figure]
    if figure.startswith("A_"):
        return _chain(spec["scenario"], ("inputs", "plastic", "test"))
    if figure == "B_induction":
        requests = [(CALIBRATION, None, "calibration")]
        for scenario in spec["scenarios"]:
            requests += _chain(scenario, ("inputs", "plastic", "test"))
        return requests
    return [r for scenario in spec["scenarios"] for r in _seeds(config, scenario, "readout")]


def figure_options(config: dict, figure: str) -> dict:
    """A figure's config entry; the network figure also gets each scenario's plateau
    probability parameters."""
    options = dict(config[PAPER]["figures"][figure])
    if figure == "C_network":
        model = scenario_config(config, PAPER, options["scenarios"][0])["model"]["C"]
        options["probability"] = {part: dict(model[part]) for part in ("basal", "reward")}
    return options


def claim_requests(config: dict) -> list[tuple]:
    """The ``test`` files of Models A and B and every seed's ``readout`` of Model C."""
    claims = config[PAPER]["claims"]
    requests = []
    for key in ("scenario", "A_seed_scenario", "B_induction1_scenario", "B_induction2_scenario"):
        requests.append((claims[key], None, "test"))
    requests += _seeds(config, claims["C_scenario"], "readout")
    return list(dict.fromkeys(requests))
