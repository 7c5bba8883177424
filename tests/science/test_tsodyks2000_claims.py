"""tsodyks2000 claims at paper scale (400 E + 100 I, dt = 1 ms) over the main config's seeds.

The network "spontaneously self-organized to produce highly synchronous bursts involving
virtually the entire network", separated by quiet periods in which the depressed E->E resources
recover on the tau_rec scale; a narrower background-current spread bursts more often.  The
stage files are made exactly as the workflow makes them (:func:`tests.science.helpers.run_chain`)
and the claims are those the workflow measures (:func:`synplast.papers.tsodyks2000.claims.
evaluate`), whose docstrings derive every tolerance from the model; here each must hold in every
seed.
"""

from __future__ import annotations

import numpy as np
import pytest

from synplast.config import scenario_config
from synplast.papers.tsodyks2000 import claims, stages
from tests.science.helpers import assert_holds_in_every_seed, run_chain

PAPER = "tsodyks2000"
CLAIM_IDS = [
    "repeated_ps",
    "whole_network",
    "quiet_periods",
    "resources_deplete",
    "recovery_timescale",
    "ibi_timescale",
    "ib_spread_sensitivity",
]


def seeds(config, scenario):
    return [int(seed) for seed in scenario_config(config, PAPER, scenario)["seeds"]]


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


def test_every_claim_is_measured(measured):
    assert list(measured) == CLAIM_IDS


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_claim_holds_in_every_seed(main_config, measured, claim_id):
    names = main_config[PAPER]["claims"]
    expected_seeds = seeds(main_config, names["scenario"])
    if claim_id == "ib_spread_sensitivity":
        narrow = seeds(main_config, names["narrow_spread_scenario"])
        wide = seeds(main_config, names["wide_spread_scenario"])
        expected_seeds = [seed for seed in narrow if seed in wide]
    assert_holds_in_every_seed(measured[claim_id], expected_seeds)


def test_population_spikes_are_synchronous_events_not_rate_fluctuations(main_config, datasets):
    """Most spikes of the recording fall inside full PS windows (+-10 ms), far more than the
    windows' share of time: activity is organised into bursts (first three seeds)."""
    scenario = main_config[PAPER]["claims"]["scenario"]
    for seed in seeds(main_config, scenario)[:3]:
        test = datasets[(scenario, seed, "test")]
        full = test["ps_peak_time_ms"].values[test["ps_full"].values.astype(bool)]
        t = test["spike_time_ms"].values
        inside = np.zeros(t.size, bool)
        for peak in full:
            inside |= np.abs(t - peak) <= 10.0
        duration = float(test["record_stop_ms"] - test["record_start_ms"])
        time_share = min(1.0, full.size * 21.0 / duration)
        assert inside.mean() > 3 * time_share, seed
