"""milstein2021: the network's inputs, every per-lap snapshot, Model B's induction windows and
the seed integrator's upper clip, each against an independent transliteration of the reference
(tests added after planted errors in these places went unnoticed by the other kernel tests)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from synplast.papers.milstein2021 import b_inputs, c_inputs, c_network, calibration, kernel_a
from synplast.pipeline.graph import stage_params
from tests.kernels.test_milstein2021_kernels import (
    PAPER,
    ref_filter,
    ref_network,
    ref_track,
)
from tests.kernels.test_milstein2021_model_a import params_of, ref_q, ref_seed_dW, run_chain


# --- the seed integrator's upper clip [-w0, 1 - w0], without the 3-pass oscillation mask --
@pytest.mark.parametrize("n_passes", [1, 2])
def test_seed_integrator_clips_at_one_minus_w0(main_config, n_passes):
    params = params_of(main_config, "A-seed")
    inputs, _, _ = run_chain(params)
    v = params["plastic"]["model"]["A"]["variants"]["nonlinear"]
    pot_f, dep_f = ref_q(v)
    X = inputs["ET_IS"].values[0]
    W_max, lr = v["W_max"], 40.0  # large enough to clip up, not to oscillate 0 <-> W_max
    W0s = np.linspace(0.05, 0.95 * W_max, 30)  # inside [0, W_max]
    got = kernel_a.trapezoid_passes(
        np.ascontiguousarray(pot_f(X)), np.ascontiguousarray(dep_f(X)), W0s, lr,
        v["dep_ratio"], W_max, 0.01, n_passes,
    )  # fmt: skip
    ref_seed_dW.clipped[:] = 0
    expected = np.empty_like(got)
    for i, w in enumerate(W0s):
        current = np.ones(X.shape[0]) * w
        for _ in range(n_passes):
            current += ref_seed_dW(0.01, X, current, pot_f, dep_f, lr, v["dep_ratio"], W_max)
        expected[i] = current
    assert ref_seed_dW.clipped[1] > 0  # the upper clip binds at some w0 in (0, 1)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


# --- Model C's inputs (ET of the whole run, its normalisation, f_IS and IS peak) ------
def test_network_inputs_equal_the_transliteration(main_config):
    params = stage_params(main_config, PAPER, "C-network", "inputs")
    inputs = c_inputs.make_inputs(params)
    p = params["model"]["C"]
    binned_x, interp_x, maps = ref_track()
    n_laps, lap = 27, 7480
    complete_t = np.arange(-float(lap), (n_laps - 1) * float(lap))
    down_t = np.arange(complete_t[0], complete_t[-1] + 5.0, 10.0)
    span = 6 * max(p["tau_ET_ms"], p["tau_IS_ms"])
    f_ET, f_IS = ref_filter(p["tau_ET_ms"], span), ref_filter(p["tau_IS_ms"], span)
    sub = slice(None)
    ET = np.array(
        [
            np.convolve(
                np.interp(down_t, complete_t, np.tile(np.interp(interp_x, binned_x, m), n_laps))
                / 40.0,
                f_ET,
            )[: down_t.size]
            for m in maps[sub]
        ]
    )
    ET /= np.max(ET)
    np.testing.assert_allclose(inputs["ET"].values[sub], ET, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(inputs["f_IS"].values, f_IS)
    gate_ms = np.zeros(2000)
    gate_ms[0:300] = 1.0
    gate = np.interp(np.arange(200) * 10.0, np.arange(2000.0), gate_ms)
    assert float(inputs["IS_peak"]) == pytest.approx(np.max(np.convolve(gate, f_IS)), rel=1e-14)


# --- every snapshot of the network, not only the last ----------------------------------
def test_every_network_snapshot_equals_the_transliteration(main_config):
    config = copy.deepcopy(main_config)
    config[PAPER]["model"]["C"].update(n_cells=16, k_pot_per_s=0.3)
    config[PAPER]["model"]["C"]["basal"] = {"p_max_per_ms": 2e-4}
    config[PAPER]["model"]["C"]["reward"] = {"p_max_per_ms": 3e-3}
    config[PAPER]["protocol"]["C"] = {"n_explore_laps": 2, "n_reward_laps": 1, "n_familiar_laps": 1}
    from synplast.config import validate_config
    from tests.conftest import SCHEMA

    validate_config(config, SCHEMA)
    params = {s: stage_params(config, PAPER, "C-network", s) for s in ("inputs", "network")}
    inputs = c_inputs.make_inputs(params["inputs"])
    cal = calibration.run_calibration(stage_params(config, PAPER, "calibration", "calibration"))
    network = c_network.run_network(inputs, cal, params["network"], 2)
    binned_x, interp_x, _ = ref_track()
    model, protocol = params["network"]["model"]["C"], params["network"]["protocol"]["C"]
    _, _, W = ref_network(inputs, float(cal["rsf"]), model, protocol, 2, interp_x, binned_x)
    assert np.abs(np.diff(W, axis=0)).max() > 0.1  # weights change between snapshots
    np.testing.assert_allclose(network["W"].values, W.astype(np.float32), rtol=1e-6)


# --- the update windows [T_k, T_k+1), the last one [T_3, down_t[-1]) --------------------
def test_induction_windows_are_the_references(main_config):
    config = copy.deepcopy(main_config)
    config[PAPER]["protocol"]["B"]["lsa"]["max_iterations"] = 0
    config[PAPER]["model"]["calibration"]["max_iterations"] = 0
    cal = calibration.run_calibration(stage_params(config, PAPER, "calibration", "calibration"))
    inputs = b_inputs.make_inputs(cal, None, stage_params(config, PAPER, "B-induction1", "inputs"))
    _, interp_x, _ = ref_track()
    L, lap = 187.0, 7480
    complete_t = np.arange(-float(lap), 4.0 * lap)
    complete_x = np.concatenate([interp_x + (j - 1) * L for j in range(5)])
    T = [complete_t[np.where(complete_x >= 120.0 + k * L)[0][0]] for k in range(3)]
    down_t = np.arange(complete_t[0], complete_t[-1] + 5.0, 10.0)
    ends = [T[1], T[2], None]
    for k in range(3):
        hi = down_t < (ends[k] if ends[k] is not None else down_t[-1])
        idx = np.where((down_t >= T[k]) & hi)[0]
        assert int(inputs["window_start"][k]) == idx[0]
        assert int(inputs["window_stop"][k]) == idx[-1] + 1
