"""Claims of Sadeh, Clopath & Rotter (2015) at paper scale over the main config's seeds.

Paper scale: N = 500 (400 E, 100 I), exactly 40 learning blocks (specificity has not converged
at 40 blocks, so fewer blocks would test a different network), with the spontaneous and
cardinal protocols on.  Every (scenario, seed) the claims read is simulated once per session
(module fixture) exactly as the workflow does it (:func:`tests.science.helpers.run_chain`), one
after the other, and the claims are those the workflow measures
(:func:`synplast.papers.sadeh2015.claims.evaluate`), whose docstrings justify every tolerance;
here each must hold in every seed.
"""

from __future__ import annotations

import numpy as np
import pytest

from synplast.config import scenario_config
from synplast.papers.sadeh2015 import claims, stages
from synplast.papers.sadeh2015.params import params_from_config
from synplast.pipeline.graph import stage_params
from tests.science.helpers import assert_holds_in_every_seed, run_chain

pytestmark = pytest.mark.slow

PAPER = "sadeh2015"
CLAIM_IDS = [
    "e_rates_fall_test",
    "e_rates_fall_learning",
    "i_rates_stable",
    "sparser_activity",
    "initial_bins_flat",
    "specificity_ordered",
    "bin1_value",
    "weights_follow_tuning",
    "osi_E_rises",
    "osi_I_rises",
    "bidir_w0_chance",
    "bidir_surplus",
    "not_converged",
    "ablation_EE_only",
    "ablation_EE_IE",
    "ablation_EE_EI",
    "spont_stable",
    "cardinal_groups",
]


def main_scenario(config) -> str:
    return config[PAPER]["claims"]["scenario"]


def main_seeds(config) -> list[int]:
    return [int(s) for s in scenario_config(config, PAPER, main_scenario(config))["seeds"]]


@pytest.fixture(scope="module")
def datasets(main_config, tmp_path_factory):
    """The ``test`` Datasets the claims read, freshly simulated for every seed."""
    folder = tmp_path_factory.mktemp(PAPER)
    requests = stages.claim_requests(main_config)
    assert {stage for _, _, stage in requests} == {"test"}
    return {
        (scenario, seed, stage): run_chain(main_config, PAPER, scenario, seed, folder)
        for scenario, seed, stage in requests
    }


@pytest.fixture(scope="module")
def measured(main_config, datasets):
    """Every claim of the main config, as the workflow measures it."""
    return {result.claim_id: result for result in claims.evaluate(datasets, main_config)}


def test_runs_at_paper_scale(main_config):
    """The premise of the tolerances: the paper's network and protocol, both optional
    protocols on (parameters as the workflow's plastic stage builds them)."""
    p = params_from_config(stage_params(main_config, PAPER, main_scenario(main_config), "plastic"))
    assert (p.N_E, p.N_I, p.n_blocks) == (400, 100, 40)
    assert p.spont_act and p.card_act


def test_every_claim_is_measured(measured):
    assert list(measured) == CLAIM_IDS


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_claim_holds_in_every_seed(main_config, measured, claim_id):
    """Every claim scenario runs the main scenario's seeds, so every claim covers them all."""
    assert_holds_in_every_seed(measured[claim_id], main_seeds(main_config))


def test_spontaneous_network_is_active(main_config, datasets):
    """The spontaneous protocol's stability claim is not vacuous: E neurons fire in it."""
    scenario = main_scenario(main_config)
    for seed in main_seeds(main_config):
        rates = datasets[(scenario, seed, "test")]["rate_E_spont_Hz"].values
        assert np.mean(rates) > 0, seed
