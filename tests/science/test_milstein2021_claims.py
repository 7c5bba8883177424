"""milstein2021 claims at paper scale: Models A and B (deterministic) and Model C over the main
config's five seeds, and the negative controls that must fail them.

Every stage file is made by the workflow's own runner (``synplast.pipeline.stage.run_stage``,
which also resolves the reads across scenarios: the calibration, and the second induction
reading the first one's files), the claims are those the workflow measures
(``synplast.papers.milstein2021.claims.evaluate``, whose docstrings derive every tolerance from
the model), and the controls are re-measured as the claims rule does
(``synplast.claimkit.evaluate_controls``).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from synplast.claimkit import evaluate_controls
from synplast.papers.milstein2021 import claims
from synplast.pipeline import graph
from synplast.pipeline.claims import claim_requests
from synplast.pipeline.stage import run_stage
from synplast.stagefile import read_stage
from tests.science.helpers import assert_holds_in_every_seed

PAPER = "milstein2021"


@pytest.fixture(scope="module")
def workflow(main_config, tmp_path_factory):
    """Every stage file the claims and their controls need, written by ``run_stage`` under a
    temporary results directory (an upstream file always before the files reading it)."""
    config = copy.deepcopy(main_config)
    config["results_dir"] = str(tmp_path_factory.mktemp(PAPER))
    wanted = [graph.Request(*r) for r in claim_requests(config, PAPER)]
    wanted.append(graph.Request("B-induction2-from-model", None, "test"))
    needed: dict = {}

    def collect(request):
        if request in needed:
            return
        for upstream in graph.upstream_requests(config, PAPER, request):
            if upstream is not None:
                collect(upstream)
        needed[request] = None

    for request in wanted:
        collect(request)
    paths = {}
    for request in needed:  # insertion order: upstream first
        paths[request] = run_stage(
            PAPER, request.stage, config=config, scenario=request.scenario, seed=request.seed
        )
    return config, paths


@pytest.fixture(scope="module")
def datasets(workflow):
    config, paths = workflow
    return {tuple(r): read_stage(paths[graph.Request(*r)]) for r in claim_requests(config, PAPER)}


@pytest.fixture(scope="module")
def measured(main_config, datasets):
    return {result.claim_id: result for result in claims.evaluate(datasets, main_config)}


def test_every_claim_is_measured(measured):
    assert list(measured) == [claim.__name__ for claim in claims.CLAIMS]


@pytest.mark.parametrize("claim", [claim.__name__ for claim in claims.CLAIMS])
def test_claim_is_reproduced(main_config, measured, claim):
    result = measured[claim]
    seeds = [0, 1, 2, 3, 4] if claim.startswith("C_") else [0]
    assert_holds_in_every_seed(result, seeds)


def test_every_control_fails_every_claim_it_is_aimed_at(main_config, datasets):
    controls = main_config[PAPER]["claims"]["controls"]
    assert set(controls) == {"no_depression_A", "no_depression_B", "reward_blind"}
    for name, results in evaluate_controls(claims.evaluate, datasets, main_config, PAPER).items():
        holding = {r.claim_id for r in results if r.holds}
        wrongly = holding & set(controls[name]["aimed_at"])
        assert not wrongly, f"control {name} passes the claims it is aimed at: {wrongly}"


def test_second_induction_starts_from_the_state_the_first_left(workflow):
    """Both readings of the first induction: the least-squares weights of its target (the
    reference) and the weights its model run left."""
    config, paths = workflow
    first_inputs = read_stage(paths[graph.Request("B-induction1", None, "inputs")])
    first = read_stage(paths[graph.Request("B-induction1", None, "plastic")])
    lsa = read_stage(paths[graph.Request("B-induction2", None, "plastic")])
    model = read_stage(paths[graph.Request("B-induction2-from-model", None, "plastic")])
    start = first_inputs["target_delta_W"].values
    np.testing.assert_allclose(lsa["delta_W"].values[0], start, rtol=0, atol=1e-14)
    np.testing.assert_allclose(
        model["delta_W"].values[0], first["delta_W"].values[-1], rtol=0, atol=1e-14
    )
    assert "B-induction1/plastic.nc" in lsa.attrs["inputs_sha256"]


def test_calibrated_scaling_reproduces_the_induction_target_and_the_legacy_constant_does_not(
    workflow,
):
    """The calibrated rsf (the reference's data file is not published) puts induction 1 on its
    8-mV target; the legacy constant, 22 % smaller, would leave it at about 6.2 mV."""
    config, paths = workflow
    cal = read_stage(paths[graph.Request("calibration", None, "calibration")])
    rsf, legacy = float(cal["rsf"]), config[PAPER]["model"]["calibration"]["legacy_rsf"]
    test = read_stage(paths[graph.Request("B-induction1", None, "test")])
    peak = float(test["ramp"].values[-1].max())
    assert 7.5 < peak < 8.5
    assert peak * legacy / rsf < 6.5
