"""milstein2021 contract (its bad configs are rows of ``tests/workflow/test_bad_configs.py``):
each sub-model reruns alone (its stages declare only its own config and import only its own
code), with B's second induction reading the files its first induction wrote."""

from __future__ import annotations

import copy

import pytest

from synplast.config import validate_config
from synplast.pipeline import graph
from synplast.provenance import code_files
from tests.conftest import SCHEMA

PAPER = "milstein2021"


def merged(config: dict, override: dict) -> dict:
    """``config`` with ``override`` merged into the paper's section."""
    from synplast.config import deep_merge

    out = copy.deepcopy(config)
    out[PAPER] = deep_merge(out[PAPER], override)
    return out


def stages_of(config: dict, submodels: set[str]) -> list[tuple[str, str]]:
    return [
        (scenario, name)
        for scenario, entry in config[PAPER]["scenarios"].items()
        if entry.get("submodel") in submodels
        for name in graph.scenario_stages(config, PAPER, scenario)
    ]


def params_of(config: dict, stages) -> dict:
    return {(s, n): graph.stage_params(config, PAPER, s, n) for s, n in stages}


OWN_MODULES = {
    "A": ("model_a", "a_", "kernel_a", "figures_a"),
    "B": ("model_b", "b_", "figures_b"),
    "C": ("model_c", "c_", "network_kernel", "mt19937", "figures_c"),
}

EDITS = {
    "A": {
        "model": {"A": {"variants": {"nonlinear": {"tau_IS_s": 1.4}}}},
        "protocol": {"A": {"n_passes": 2}},
        "analysis": {"A": {"rate_curve_points": 10}},
    },
    "B": {
        "model": {"B": {"k_dep_per_s": 0.3}},
        "protocol": {"B": {"n_induction_laps": 2}},
        "analysis": {"B": {"edge_fraction": 0.2}},
    },
    "C": {
        "model": {"C": {"n_cells": 50, "k_dep_per_s": 0.3}},
        "protocol": {"C": {"n_reward_laps": 3}},
        "analysis": {"C": {"place_cell_min_range_mV": 3.0}},
    },
}


@pytest.mark.parametrize("edited", ["A", "B", "C"])
def test_editing_one_sub_models_config_changes_only_its_stages(main_config, edited):
    others = {"A", "B", "C", "calibration"} - {edited}
    before_other = params_of(main_config, stages_of(main_config, others))
    before_own = params_of(main_config, stages_of(main_config, {edited}))
    config = validate_config(merged(main_config, EDITS[edited]), SCHEMA)
    assert params_of(config, stages_of(config, others)) == before_other
    after_own = params_of(config, stages_of(config, {edited}))
    assert all(after_own[key] != value for key, value in before_own.items())


@pytest.mark.parametrize("edited", ["A", "B", "C"])
def test_editing_one_sub_models_code_changes_only_its_hashes(main_config, edited):
    """No stage or figure of another sub-model imports a module of the edited one, so its
    code hash (the import closure, ``stage_code_hash``) cannot change."""
    decl = graph.declaration(PAPER)
    own = OWN_MODULES[edited]
    for submodel, stages in decl.submodels.items():
        for stage in stages:
            files = {
                p.stem
                for p in code_files(
                    "synplast.pipeline.stage", graph.paper_module(PAPER, stage.module)
                )
            }
            imports_edited = any(f.startswith(own) or f in own for f in files)
            assert imports_edited == (submodel == edited), (submodel, stage.name, sorted(files))
    for figure, module in decl.module.FIGURE_MODULES.items():
        files = {p.stem for p in code_files(graph.paper_module(PAPER, module))}
        assert any(f in own or f.startswith(own) for f in files) == figure.startswith(edited), (
            figure
        )


def test_second_induction_reads_the_first_inductions_files(main_config):
    request = graph.Request("B-induction2", None, "plastic")
    upstream = graph.upstream_requests(main_config, PAPER, request)
    assert graph.Request("B-induction1", None, "plastic") in upstream
    inputs = graph.upstream_requests(
        main_config, PAPER, graph.Request("B-induction2", None, "inputs")
    )
    assert graph.Request("B-induction1", None, "inputs") in inputs
    assert graph.Request("calibration", None, "calibration") in inputs
    first = graph.upstream_requests(
        main_config, PAPER, graph.Request("B-induction1", None, "plastic")
    )
    assert first == [graph.Request("B-induction1", None, "inputs"), None]


def test_deterministic_and_seeded_stages(main_config):
    for scenario in ("A-ref", "B-induction1", "calibration"):
        for name in graph.scenario_stages(main_config, PAPER, scenario):
            assert graph.stage_requests(main_config, PAPER, scenario, name)[0].seed is None
    seeds = [r.seed for r in graph.stage_requests(main_config, PAPER, "C-network", "network")]
    assert seeds == [0, 1, 2, 3, 4]
    assert graph.stage_requests(main_config, PAPER, "C-network", "inputs")[0].seed is None
