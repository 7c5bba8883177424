"""urbanczik2014 cross-checked against NEST 3.10 on identical input spikes.

The optional ``nest`` stage (``synplast.papers.urbanczik2014.nest_run.run_nest``) runs the
reference example's network in NEST on this seed's frozen pattern and teacher; the tests read
what it wrote (through a stage file, as the workflow does) and compare:

- plasticity off (eta = 0): the somatic and dendritic potentials of both implementations over
  the two presentations before the teacher and two with it agree within 1e-3 mV at every step.
  NEST integrates the six-dimensional state with GSL's adaptive rkf45 at an absolute error of
  1e-3 per step and component (``pp_cond_exp_mc_urbanczik``); this implementation integrates to
  1e-6 mV (``tests/kernels/test_urbanczik2014_kernel.py``); the neuron has no reset and an
  open-loop dendrite, so the potentials depend on neither the somatic spikes nor their random
  stream, and the soma forgets an error within its 0.2-0.5 ms time constant, so errors do not
  accumulate beyond the per-step bound;
- spike replay: this implementation driven by NEST's somatic spike train transmits, at every
  one of NEST's ~40,000 presynaptic spikes, NEST's weight within 1e-3 pA.  A weight is
  ``w0 + c sum PI`` over history entries that are smooth in V_d (|d dPI / dV| <= 15 beta^2 / 4 =
  0.42 per mV at a spike, c = 10.9 pA), so with V_d equal to far better than 1e-6 mV (above)
  the weights agree to better than 1e-3 pA over the ~1,000 somatic spikes of a run;
- NEST's somatic spikes follow the rate function and the dead time: given NEST's own U, the
  spike count equals the sum of the per-step probabilities ``-expm1(-phi(U) dt)`` over the steps
  outside the 30-step dead time, within 4 SD in every seed;
- plasticity on, NEST's random stream: the learning statistics of the two implementations over
  the five seeds differ by less than a paired two-sided t-test at the 1 % level allows (4.60
  standard errors with 4 degrees of freedom): the only difference is the somatic spike noise;
  and every claim holds on NEST's runs as on this implementation's.

Without NEST installed locally the module is skipped (``pip install -e '.[nest]'``); in CI
(``CI`` set) a missing NEST is a failure, as the test extra installs it.
"""

from __future__ import annotations

import importlib
import os

import numpy as np
import pytest

from synplast.papers.urbanczik2014 import claims, inputs, probe
from synplast.papers.urbanczik2014.params import params_from_config
from synplast.pipeline.graph import stage_params
from synplast.stagefile import read_stage, write_stage
from tests.science.helpers import run_chain

PAPER = "urbanczik2014"
SCENARIO = "main"
T_99_4DOF = 4.60
"""Two-sided 1 % quantile of Student's t with 4 degrees of freedom (five paired seeds)."""


@pytest.fixture(scope="module")
def nest_run():
    """The NEST stage module; skipped locally without NEST, a failure in CI."""
    try:
        return importlib.import_module("synplast.papers.urbanczik2014.nest_run")
    except ImportError as error:
        if os.environ.get("CI"):
            pytest.fail(f"NEST is not installed in CI ({error}); the test extra installs it")
        pytest.skip(f"NEST is not installed ({error}): python -m pip install -e '.[nest]'")


@pytest.fixture(scope="module")
def runs(nest_run, main_config, tmp_path_factory):
    """Per seed: the inputs, NEST's stage file, and the test Datasets of both runs."""
    folder = tmp_path_factory.mktemp(f"{PAPER}_nest")

    def params(stage):
        return stage_params(main_config, PAPER, SCENARIO, stage)

    out = {}
    for seed in main_config[PAPER]["scenarios"][SCENARIO]["seeds"]:
        where = {"paper": PAPER, "scenario": SCENARIO, "seed": seed}
        made = inputs.make_inputs(params("inputs"), seed)
        peer_path = folder / f"nest{seed}.nc"
        write_stage(
            nest_run.run_nest(made, params("nest"), seed),
            peer_path,
            stage="nest",
            config=params("nest"),
            code_sha256="science-test",
            **where,
        )
        peer = read_stage(peer_path, stage="nest", variables=nest_run.VARIABLES, **where)
        out[seed] = {
            "inputs": made,
            "nest": peer,
            "nest_test": probe.run_test(made, peer, params("test"), seed),
            "test": run_chain(main_config, PAPER, SCENARIO, seed, folder),
        }
    return out


def test_plasticity_off_potentials_agree_within_nests_error_bound(runs):
    for seed, run in runs.items():
        peer = run["nest"]
        for name in ("V_soma", "V_dend"):
            diff = peer[f"frozen_{name}_nest_mV"].values - peer[f"frozen_{name}_ours_mV"].values
            assert peer.sizes["frozen_time_ms"] == 8000
            assert np.max(np.abs(diff)) < 1e-3, (seed, name, np.max(np.abs(diff)))


def test_replaying_nests_spikes_gives_nests_weights(runs):
    for seed, run in runs.items():
        peer = run["nest"]
        assert peer.sizes["transmission"] > 30_000
        diff = peer["tx_weight_pA"].values - peer["replay_tx_weight_pA"].values
        assert np.max(np.abs(diff)) < 1e-3, (seed, np.max(np.abs(diff)))
        assert np.ptp(peer["tx_weight_pA"].values) > 100.0  # the weights did learn


def test_nests_spikes_follow_the_rate_function_and_the_dead_time(runs, main_config):
    p = params_from_config(stage_params(main_config, PAPER, SCENARIO, "plastic"))
    for seed, run in runs.items():
        U = run["nest"]["V_soma_mV"].values.astype(np.float64)
        spikes = run["nest"]["spike_step"].values
        rate = p.phi_max_per_ms / (1.0 + p.rate_slope * np.exp(p.beta_per_mV * (p.theta_mV - U)))
        prob = -np.expm1(-1000.0 * rate * p.dt_ms * 1e-3)
        dead = np.zeros(U.size, dtype=bool)
        for step in spikes:  # a spike at time index s: steps s .. s + 29 (0-based) are dead
            dead[step : step + p.refractory_steps] = True
        assert np.all(np.diff(spikes) > p.refractory_steps)
        expected, variance = prob[~dead].sum(), (prob * (1 - prob))[~dead].sum()
        assert abs(spikes.size - expected) < 4.0 * np.sqrt(variance), (seed, spikes.size, expected)


STATISTICS = (
    "rmse_star_first_mV",
    "rmse_star_late_mV",
    "corr_star_late",
    "rmse_soma_late_mV",
    "test_rmse_after_mV",
    "rate_taught_Hz",
    "w_final_mean_pA",
    "fraction_active_at_W_min",
)


@pytest.mark.parametrize("statistic", STATISTICS)
def test_learning_statistics_agree_over_seeds(runs, statistic):
    ours = np.array([float(run["test"][statistic]) for run in runs.values()])
    peer = np.array([float(run["nest_test"][statistic]) for run in runs.values()])
    diff = ours - peer
    standard_error = diff.std(ddof=1) / np.sqrt(diff.size)
    assert diff.size == 5
    assert abs(diff.mean()) <= T_99_4DOF * standard_error, (statistic, ours, peer)


def test_every_claim_holds_on_nests_runs(runs, main_config):
    datasets = {(SCENARIO, seed, "test"): run["nest_test"] for seed, run in runs.items()}
    failing = [r.claim_id for r in claims.evaluate(datasets, main_config) if not r.holds]
    assert not failing, failing
