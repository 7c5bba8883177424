"""The tsodyks2000 network kernel against a NumPy transliteration of the Brian2 reference step,
against closed-form spike times, and for exact restartability and determinism."""

from __future__ import annotations

import math
from dataclasses import replace

import numba
import numpy as np
import pytest
import xarray as xr

from synplast.papers.tsodyks2000.inputs import make_inputs
from synplast.papers.tsodyks2000.params import ModelParams
from synplast.papers.tsodyks2000.plastic import run_plastic
from synplast.papers.tsodyks2000.probe import run_test
from synplast.papers.tsodyks2000.simulate import (
    advance,
    build_network,
    initial_state,
)
from synplast.stagefile import read_stage, write_stage


def reference_step_run(inputs: xr.Dataset, model: ModelParams, n_steps: int):
    """Direct NumPy transliteration of the Brian2 example's schedule (start, groups,
    thresholds, synapses, resets), one step at a time: summed currents from y, exact LIF and
    synapse updates, threshold, on_pre, reset."""
    n = model.n_neurons
    pre = inputs["syn_pre"].values
    post = inputs["syn_post"].values
    pathway = inputs["syn_pathway"].values
    A, U = inputs["syn_A_mV"].values, inputs["syn_U"].values
    tau_rec, tau_f = inputs["syn_tau_rec_ms"].values, inputs["syn_tau_facil_ms"].values
    facilitating = np.isfinite(tau_f)
    dt, tau_I = model.dt_ms, model.tau_I_ms
    v = inputs["v0_mV"].values.astype(float).copy()
    lastspike = np.full(n, -1e9)
    tau_refrac = np.r_[
        np.full(model.n_exc, model.tau_refrac_exc_ms), np.full(model.n_inh, model.tau_refrac_inh_ms)
    ]
    x, y, u = np.ones(pre.size), np.zeros(pre.size), np.zeros(pre.size)
    ee = pathway == 0
    spikes, x_mean = [], []
    for step in range(n_steps):
        t = step * dt
        x_mean.append(x[ee].mean())
        currents = [
            np.bincount(post[pathway == p], weights=(A * y)[pathway == p], minlength=n)
            for p in range(4)
        ]
        v_inf = currents[0] + currents[1] + currents[2] + currents[3] + inputs["bias_mV"].values
        not_refractory = np.floor((t - lastspike) / dt + 1e-3) >= np.floor(tau_refrac / dt + 1e-3)
        v = np.where(not_refractory, v_inf + (v - v_inf) * math.exp(-dt / model.tau_mem_ms), v)
        e_I, e_rec = math.exp(-dt / tau_I), np.exp(-dt / tau_rec)
        z_new = (1 - x) * e_rec + y * tau_I * (e_I - e_rec) / (tau_I - tau_rec)
        x, y, u = 1 - z_new, y * e_I, u * np.exp(-dt / tau_f)
        spiking = (v > model.v_thresh_mV) & not_refractory
        active = spiking[pre]
        fac, dep = active & facilitating, active & ~facilitating
        u[fac] += U[fac] * (1 - u[fac])
        y[fac] += u[fac] * x[fac]
        x[fac] -= u[fac] * x[fac]
        y[dep] += U[dep] * x[dep]
        x[dep] -= U[dep] * x[dep]
        lastspike[spiking] = t
        v[spiking] = model.v_reset_mV
        spikes += [(step, k) for k in np.flatnonzero(spiking)]
    return np.array(spikes), np.array(x_mean), v, x, y, u


@pytest.fixture(scope="module")
def network(main_config):
    from synplast.config import scenario_config

    params = scenario_config(main_config, "tsodyks2000", "main")
    return make_inputs(params, seed=3), ModelParams.from_config(params["model"]), params


@pytest.mark.parametrize(("dt_ms", "n_steps"), [(1.0, 600), (0.1, 2500)])
def test_kernel_reproduces_numpy_transliteration_of_brian2_schedule(network, dt_ms, n_steps):
    """Identical spike raster and state equal to round-off over the first 600 ms (dt = 1 ms)
    or 250 ms (dt = 0.1 ms, the flag dt_ms's sensitivity step) of paper-scale network: the
    start at v = 0 is synchronous, so both windows hold population spikes."""
    inputs, model, _ = network
    model = replace(model, dt_ms=dt_ms)
    ref_spikes, ref_x_mean, ref_v, ref_x, ref_y, ref_u = reference_step_run(inputs, model, n_steps)
    state = initial_state(inputs)
    steps, neurons, x_mean = advance(build_network(inputs, model), state, n_steps, True)
    assert len(ref_spikes) > 500
    np.testing.assert_array_equal(np.c_[steps, neurons], ref_spikes)
    np.testing.assert_allclose(x_mean, ref_x_mean, rtol=0, atol=1e-12)
    np.testing.assert_allclose(state.v_mV, ref_v, rtol=0, atol=1e-11)
    for ours, ref in ((state.x, ref_x), (state.y, ref_y), (state.u, ref_u)):
        np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12)


def lone_neurons(bias_mV: float, model: ModelParams) -> xr.Dataset:
    """One E and one I neuron, no synapses, constant bias."""
    empty = np.empty(0)
    return xr.Dataset(
        {
            "bias_mV": ("neuron", [bias_mV, bias_mV]),
            "v0_mV": ("neuron", [0.0, 0.0]),
            "syn_pre": ("synapse", empty.astype(np.int32)),
            "syn_post": ("synapse", empty.astype(np.int32)),
            "syn_pathway": ("synapse", empty.astype(np.int8)),
            "syn_A_mV": ("synapse", empty),
            "syn_U": ("synapse", empty),
            "syn_tau_rec_ms": ("synapse", empty),
            "syn_tau_facil_ms": ("synapse", empty),
        }
    )


@pytest.mark.parametrize(("dt_ms", "refractory_steps"), [(1.0, (3, 2)), (0.1, (30, 20))])
@pytest.mark.parametrize("bias_mV", [17.0, 20.0, 25.0])
def test_spike_times_and_refractory_clamp_match_closed_form(
    main_config, bias_mV, dt_ms, refractory_steps
):
    """From v = 0 towards I_b, the first spike comes after ceil((τ/dt) ln(I_b/(I_b-θ))) updates;
    afterwards v is frozen for ref_steps - 1 steps (3 ms E, 2 ms I: 3 and 2 steps at dt = 1 ms,
    30 and 20 at dt = 0.1 ms) and re-integrates from v_reset, crossing θ after
    ceil((τ/dt) ln((I_b - v_reset)/(I_b - θ))) updates."""
    model_cfg = dict(main_config["tsodyks2000"]["model"], n_exc=1, n_inh=1, dt_ms=dt_ms)
    model = ModelParams.from_config(model_cfg)
    assert (model.refractory_steps("E"), model.refractory_steps("I")) == refractory_steps
    inputs = lone_neurons(bias_mV, model)
    state = initial_state(inputs)
    steps, neurons, _ = advance(build_network(inputs, model), state, model.steps(200.0), False)
    tau, theta, reset = model.tau_mem_ms / dt_ms, model.v_thresh_mV, model.v_reset_mV
    first = math.ceil(tau * math.log(bias_mV / (bias_mV - theta))) - 1
    rise = math.ceil(tau * math.log((bias_mV - reset) / (bias_mV - theta)))
    for neuron, ref_steps in zip((0, 1), refractory_steps, strict=True):
        times = steps[neurons == neuron]
        assert times[0] == first
        np.testing.assert_array_equal(np.diff(times), ref_steps - 1 + rise)


def test_split_run_equals_continuous_run_value_for_value(network, tmp_path):
    """Burn-in, checkpoint through a NetCDF file, recording == one continuous run."""
    inputs, model, params = network
    params = {**params, "protocol": {"burn_in_ms": 900.0, "record_ms": 1500.0}}
    plastic = run_plastic(inputs, params, 3)
    write_stage(
        plastic,
        tmp_path / "plastic.nc",
        paper="tsodyks2000",
        scenario="main",
        stage="plastic",
        seed=3,
        config=params,
        code_sha256="test",
    )
    restored = read_stage(tmp_path / "plastic.nc")
    split = run_test(inputs, restored, params, 3)

    state = initial_state(inputs)
    steps, neurons, x_mean = advance(build_network(inputs, model), state, 2400, True)
    recorded = steps >= 900
    np.testing.assert_array_equal(split["spike_time_ms"].values, steps[recorded] * model.dt_ms)
    np.testing.assert_array_equal(split["spike_neuron"].values, neurons[recorded])
    np.testing.assert_array_equal(
        split["recovered_fraction_ee_mean"].values, x_mean[900:].astype(np.float32)
    )


def test_same_seed_and_config_give_identical_numbers_for_any_thread_count(network):
    """1 thread, 1 thread again, 2 threads: bit-identical spikes, traces and final state."""
    inputs, model, _ = network
    assert numba.config.NUMBA_NUM_THREADS >= 2
    results = []
    saved = numba.get_num_threads()
    try:
        for threads in (1, 1, 2):
            numba.set_num_threads(threads)
            state = initial_state(inputs)
            out = advance(build_network(inputs, model), state, 1500, True)
            results.append((*out, state.v_mV, state.x, state.y, state.u))
    finally:
        numba.set_num_threads(saved)
    for other in results[1:]:
        for a, b in zip(results[0], other, strict=True):
            np.testing.assert_array_equal(a, b)


def test_network_draw_is_reproducible_and_seed_dependent(network, main_config):
    from synplast.config import scenario_config

    params = scenario_config(main_config, "tsodyks2000", "main")
    again = make_inputs(params, seed=3)
    other = make_inputs(params, seed=4)
    xr.testing.assert_identical(network[0], again)
    assert not np.array_equal(network[0]["syn_A_mV"].values[:100], other["syn_A_mV"].values[:100])


def test_network_draw_follows_the_spec(network):
    """Bernoulli p = 0.1 per ordered pair (≈ 25k synapses), truncated bounds, I_b range."""
    inputs, model, _ = network
    n_syn = inputs.sizes["synapse"]
    expected = 0.1 * (400 * 400 + 400 * 100 + 100 * 400 + 100 * 100)
    assert abs(n_syn - expected) < 5 * math.sqrt(expected * 0.9)  # 5 binomial SDs
    for code, name in enumerate(("ee", "ei", "ie", "ii")):
        spec = model.pathways[name]
        sel = inputs["syn_pathway"].values == code
        A = inputs["syn_A_mV"].values[sel]
        lo, hi = sorted((0.2 * spec.A_mV, 2 * spec.A_mV))
        assert A.min() >= lo and A.max() <= hi
        U = inputs["syn_U"].values[sel]
        assert U.min() > spec.U_min and U.max() <= spec.U_max
        assert inputs["syn_tau_rec_ms"].values[sel].min() > model.tau_min_ms
    bias = inputs["bias_mV"].values
    assert bias.min() >= 14.5 and bias.max() <= 15.5
