"""milstein2021 Models B and C against direct NumPy/Python transliterations of the reference.

The transliterations below are written from the reference's description and share no code with
the package: the track grids and rate maps, the per-lap weight update of one induction (rates
on the 1-ms grid of the concatenated laps, ``np.interp`` onto the 10-ms grid, ``np.convolve``,
``np.trapezoid`` over each lap's window, ``np.clip``), and the network loop of a small network
(the plateau probability as an array, the walk with ``random.Random(9e10 + 1e8 trial + 1e6 lap
+ cell)`` drawing only where ``p > 0``, the IS of the new plateaus, dead time from the previous
iteration).  Also: the Numba MT19937 against ``random.Random`` itself, the sigmoid's fixed
points and errors, both clips of the weight update, and the IS clip of overlapping plateaus.
"""

from __future__ import annotations

import copy
import random

import numpy as np
import pytest

from synplast.papers.milstein2021 import (
    b_inputs,
    b_plastic,
    c_inputs,
    c_network,
    calibration,
    mt19937,
    rule,
    track,
)
from synplast.papers.milstein2021.sigmoid import scaled_sigmoid, sigmoid_constants
from synplast.pipeline.graph import stage_params

PAPER = "milstein2021"


def ref_sigmoid(th, peak, x=(0.0, 1.0), ylim=(0.0, 1.0)):
    slope = 2.0 / (peak - th)

    def y(v):
        return 1.0 / (1.0 + np.exp(-slope * (v - th)))

    start_val, end_val = y(x[0]), y(x[-1])
    amp, target_amp = end_val - start_val, ylim[1] - ylim[0]
    return lambda xi: (
        (target_amp / amp) * (1.0 / (1.0 + np.exp(-slope * (xi - th))) - start_val) + ylim[0]
    )


def ref_track():
    """The reference's grids and rate maps for the default track."""
    L = 187.0
    binned_x = (np.arange(100) + 0.5) * L / 100
    generic_x = np.arange(0.0, L, 0.0187)
    dt = 0.0187 / 25.0 * 1000.0
    generic_t = np.arange(0.0, len(generic_x) * dt, dt)[: len(generic_x)]
    interp_t = np.arange(0.0, generic_t[-1], 1.0)
    interp_x = np.interp(interp_t, generic_t, generic_x)
    peak_locs = np.arange(L / 400.0, L, L / 200.0)
    sigma = 90.0 / 3.0 / np.sqrt(2.0)
    extended = np.concatenate([binned_x - L, binned_x, binned_x + L])
    maps = []
    for p in peak_locs:
        r = 40.0 * np.exp(-(((extended - p) / sigma) ** 2))
        maps.append(r[:100] + r[100:200] + r[200:])
    return binned_x, interp_x, np.array(maps)


def ref_filter(tau, span, dt=10.0):
    s = np.arange(0.0, span, dt)
    f = np.exp(-s / tau)
    cut = np.where(f < 0.001 * np.max(f))[0]
    if len(cut):
        f = f[: cut[0]]
    return f / np.sum(f)


@pytest.fixture(scope="module")
def the_track(main_config):
    return track.Track(
        stage_params(main_config, PAPER, "calibration", "calibration")["model"]["track"]
    )


# --- shared pieces ---------------------------------------------------------------------------


def test_sigmoid_fixed_points_expression_and_errors():
    for th, peak, x, ylim in [
        (0.5, 1.0, (0, 1), (0, 1)),
        (0.5, 0.5 + 0.5 / 3, (0, 0.5), (7.5e-6, 0)),
    ]:
        constants = sigmoid_constants(th, peak, x, ylim)
        values = np.linspace(-0.5, 1.5, 101)
        np.testing.assert_allclose(
            scaled_sigmoid(values, constants),
            ref_sigmoid(th, peak, x, ylim)(values),
            rtol=1e-14,
            atol=1e-20,
        )
        assert scaled_sigmoid(np.array([x[0], x[1]]), constants) == pytest.approx(ylim, abs=1e-15)
    with pytest.raises(ValueError):
        sigmoid_constants(1.5, 2.0)
    with pytest.raises(ValueError):
        sigmoid_constants(0.5, 0.5)


def test_track_grids_and_rate_maps(the_track):
    binned_x, interp_x, maps = ref_track()
    assert the_track.generic_x.size == 10000 and the_track.lap_ms == 7480
    np.testing.assert_array_equal(the_track.binned_x, binned_x)
    np.testing.assert_array_equal(the_track.interp_x, interp_x)
    np.testing.assert_allclose(the_track.rate_maps, maps, rtol=1e-14)
    # the time step 0.0187 / 25 * 1000 is 0.7480000000000001 ms, so x reaches 120 cm at 4801
    assert the_track.first_sample_at(120.0) == np.where(interp_x >= 120.0)[0][0] == 4801


def test_coarse_rates_equal_numpy_interp_on_the_concatenated_laps(the_track):
    lap_rates = the_track.lap_rates()[:7]
    n_laps = 5
    complete_t = np.arange(-7480.0, (n_laps - 1) * 7480.0)
    down_t = np.arange(complete_t[0], complete_t[-1] + 5.0, 10.0)
    expected = np.array([np.interp(down_t, complete_t, np.tile(r, n_laps)) for r in lap_rates])
    np.testing.assert_array_equal(track.coarse_rates(lap_rates, n_laps, 10.0), expected)


def test_filters_and_fft_convolution(the_track):
    f_ET = ref_filter(1664.103, 6 * 1664.103)
    f_IS = ref_filter(437.0065, 6 * 1664.103)
    assert f_ET.size == 999 and f_IS.size == 302
    np.testing.assert_array_equal(track.exp_decay_filter(437.0065, 6 * 1664.103, 10.0, 0.001), f_IS)
    rates = track.coarse_rates(the_track.lap_rates()[::40], 5, 10.0) / 40.0
    direct = np.array([np.convolve(r, f_ET)[: rates.shape[1]] for r in rates])
    np.testing.assert_allclose(track.convolve_rows(rates, f_ET), direct, rtol=1e-12, atol=1e-15)


def test_synthetic_ramp_and_its_features(main_config, the_track):
    ramp = track.synthetic_ramp(the_track, 120.0, 8.0, 2.2, -12.5, 160.0)
    assert ramp.max() == pytest.approx(8.0) and ramp.min() == 0.0
    analysis = stage_params(main_config, PAPER, "B-induction1", "test")["analysis"]["B"]
    features = track.ramp_features(the_track, ramp, 120.0, analysis)
    assert features["peak_shift_cm"] == pytest.approx(-12.5, abs=0.05)
    assert features["peak_mV"] == pytest.approx(8.0, abs=1e-3)
    assert features["start_cm"] < 107.5 < features["end_cm"]
    assert features["asymmetry"] > 1.0
    wrapped = track.synthetic_ramp(the_track, 12.5, 11.2, 2.2, -12.5, 160.0)
    peak_at = the_track.binned_x[np.argmax(wrapped)]
    assert wrapped.max() == pytest.approx(11.2) and abs(the_track.wrapped_distance(peak_at)) < 1.0


def test_window_integrals_and_update_against_numpy():
    rng = np.random.default_rng(3)
    ET = rng.random((7, 120))
    IS = np.zeros(120)
    IS[30:70] = rng.random(40)
    pot = np.asarray(sigmoid_constants(0.4150117, 0.4150117 + 0.4541096))
    dep = np.asarray(sigmoid_constants(0.02618154, 0.02618154 + 0.09977173))
    P, Q = np.empty(7), np.empty(7)
    rule.window_integrals(ET, IS, 10, 100, 0, pot, dep, 0.01, P, Q)
    q_pot = ref_sigmoid(0.4150117, 0.4150117 + 0.4541096)
    q_dep = ref_sigmoid(0.02618154, 0.02618154 + 0.09977173)
    X = ET[:, 10:100] * IS[10:100]
    np.testing.assert_allclose(P, np.trapezoid(q_pot(X), dx=0.01), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(Q, np.trapezoid(q_dep(X), dx=0.01), rtol=1e-12, atol=1e-15)
    rule.window_integrals(ET, IS[10:100].copy(), 10, 100, 10, pot, dep, 0.01, P, Q)
    np.testing.assert_allclose(P, np.trapezoid(q_pot(X), dx=0.01), rtol=1e-12, atol=1e-15)
    # both clips: a large potentiation to 1, a large depression to 0
    w = np.array([0.9, 0.1, 0.5])
    rule.update_weights(w, np.array([5.0, 0.0, 0.1]), np.array([0.0, 5.0, 0.1]), 1.1, 0.4)
    assert w[0] == 1.0 and w[1] == 0.0
    assert w[2] == pytest.approx(np.clip(0.5 + 1.1 * 0.1 * 0.5 - 0.4 * 0.1 * 0.5, 0, 1))


def test_window_instructive_signal_clips_overlapping_plateaus_and_truncates():
    f_IS = ref_filter(437.0065, 6 * 1664.103)
    peak = float(np.max(np.convolve(np.ones(30), f_IS)))
    n = 400
    onsets = np.array([1003, 1803, 3850], dtype=np.int64)
    out = np.empty(n)
    rule.window_instructive_signal(onsets, n, 10, 300, f_IS, peak, out)
    gate_ms = np.zeros(n * 10)
    for s in onsets:
        gate_ms[s : s + 300] = 1.0
    gate = np.interp(np.arange(n) * 10.0, np.arange(n * 10.0), gate_ms)
    expected = np.minimum(np.convolve(gate, f_IS)[:n], peak) / peak
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-15)
    assert (out == 1.0).sum() >= 3  # the second plateau rides on the first one's tail: clipped


@pytest.mark.parametrize(
    "value", [9e10 + 1e8 * 4 + 1e6 * 25 + 499, 9e10, 12345.0, 0.0, 2.0**40 + 7]
)
def test_mt19937_is_cpythons_random(value):
    state = mt19937.new_state_array()
    mt19937.seed_state(state, int(value))
    ours = [mt19937.random(state) for _ in range(1500)]
    reference = random.Random(value)
    assert ours == [reference.random() for _ in range(1500)]
    mt19937.seed_state(state, int(value))
    block, blocks = np.empty(312), []
    for _ in range(5):  # 1560 values: the first five twists
        mt19937.refill(state, block)
        blocks += block.tolist()
    assert blocks[:1500] == ours


# --- Model B ---------------------------------------------------------------------------------


def ref_induction(dW0, loc, maps, interp_x, rsf, p, n_ind=3):
    """One induction as the reference computes it; returns ET, IS and the weights after each
    lap."""
    L, lap = 187.0, 7480
    n_laps = n_ind + 2
    complete_t = np.arange(-float(lap), (n_laps - 1) * float(lap))
    complete_x = np.concatenate([interp_x + (j - 1) * L for j in range(n_laps)])
    binned_x = (np.arange(100) + 0.5) * L / 100
    rates = [np.tile(np.interp(interp_x, binned_x, m), n_laps) for m in maps]
    gate = np.zeros_like(complete_t)
    T = []
    for k in range(n_ind):
        i0 = np.where(complete_x >= loc + k * L)[0][0]
        gate[i0 : i0 + 300] = 1.0
        T.append(complete_t[i0])
    down_t = np.arange(complete_t[0], complete_t[-1] + 5.0, 10.0)
    n = len(down_t)
    span = 6 * max(p["tau_ET_ms"], p["tau_IS_ms"])
    f_ET, f_IS = ref_filter(p["tau_ET_ms"], span), ref_filter(p["tau_IS_ms"], span)
    IS = np.convolve(np.interp(down_t, complete_t, gate), f_IS)[:n]
    IS /= np.max(IS)
    ET = np.array([np.convolve(np.interp(down_t, complete_t, r) / 40.0, f_ET)[:n] for r in rates])
    ET /= np.max(ET)
    q_pot = ref_sigmoid(p["f_pot_th"], p["f_pot_th"] + p["f_pot_half_width"])
    q_dep = ref_sigmoid(p["f_dep_th"], p["f_dep_th"] + p["f_dep_half_width"])
    peak_weight = 1.0 + p["peak_delta_weight"]
    w = (1.0 + dW0) / peak_weight
    states = [w.copy()]
    for k in range(n_ind):
        if k < n_ind - 1:
            idx = np.where((down_t >= T[k]) & (down_t < T[k + 1]))[0]
        else:
            idx = np.where((down_t >= T[k]) & (down_t < down_t[-1]))[0]
        X = ET[:, idx] * IS[idx]
        P = np.trapezoid(q_pot(X), dx=0.01)
        Q = np.trapezoid(q_dep(X), dx=0.01)
        w = np.clip(w + p["k_pot_per_s"] * P * (1.0 - w) - p["k_dep_per_s"] * Q * w, 0.0, 1.0)
        states.append(w.copy())
    return ET, IS, np.array(states) * peak_weight - 1.0


@pytest.fixture(scope="module")
def b_runs(main_config):
    """Induction 1 and 2 (least-squares fits cut to 2 iterations: only the start weights of
    induction 2 depend on them, and they are read from the stage file)."""
    config = copy.deepcopy(main_config)
    config[PAPER]["protocol"]["B"]["lsa"]["max_iterations"] = 2
    config[PAPER]["model"]["calibration"]["max_iterations"] = 2
    cal = calibration.run_calibration(stage_params(config, PAPER, "calibration", "calibration"))
    runs = {}
    start_inputs = start_plastic = None
    for scenario in ("B-induction1", "B-induction2"):
        params = {s: stage_params(config, PAPER, scenario, s) for s in ("inputs", "plastic")}
        inputs = b_inputs.make_inputs(cal, start_inputs, params["inputs"])
        plastic = b_plastic.run_plastic(inputs, start_plastic, params["plastic"])
        runs[scenario] = (params, inputs, plastic)
        start_inputs, start_plastic = inputs, plastic
    return cal, runs


@pytest.mark.parametrize("scenario", ["B-induction1", "B-induction2"])
def test_induction_equals_the_transliteration(b_runs, scenario):
    cal, runs = b_runs
    params, inputs, plastic = runs[scenario]
    _, interp_x, maps = ref_track()
    p, loc = params["plastic"]["model"]["B"], params["plastic"]["protocol"]["B"]["induction_loc_cm"]
    dW0 = plastic["delta_W"].values[0]
    ET, IS, states = ref_induction(dW0, loc, maps, interp_x, float(cal["rsf"]), p)
    np.testing.assert_allclose(inputs["ET"].values, ET, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(inputs["IS"].values, IS, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(plastic["delta_W"].values, states, rtol=1e-10, atol=1e-12)
    if scenario == "B-induction2":
        start = runs["B-induction1"][1]
        np.testing.assert_allclose(dW0, start["target_delta_W"].values, rtol=0, atol=1e-14)


def test_weights_stay_within_their_bounds_and_the_ramp_is_linear_in_rsf(b_runs):
    cal, runs = b_runs
    for _, _, plastic in runs.values():
        w = plastic["w_norm"].values
        assert w.min() >= 0.0 and w.max() <= 1.0
        np.testing.assert_allclose(
            plastic["ramp"].values,
            float(cal["rsf"]) * plastic["delta_W"].values @ cal["rate_maps"].values,
        )


def test_lsa_score_is_the_reference_residual(the_track):
    target = track.synthetic_ramp(the_track, 120.0, 8.0, 2.2, -12.5, 160.0)
    weights = np.full(the_track.n_inputs, 0.5)
    model = 0.003 * weights @ the_track.rate_maps
    k_min, k_peak = np.argmin(target), np.argmax(target)
    expected = (
        np.sum(((target - model) / 0.1) ** 2)
        + ((model[k_min] - target[k_min]) / 0.01) ** 2
        + ((np.min(model) - target[k_min]) / 0.01) ** 2
        + ((model[k_peak] - target[k_peak]) / 0.01) ** 2
    )
    got = track.residual_score(weights, target, the_track.rate_maps, 0.003, (-0.2, 3.0))
    assert got == pytest.approx(expected, rel=1e-12)
    weights[3] = 3.5
    assert track.residual_score(weights, target, the_track.rate_maps, 0.003, (-0.2, 3.0)) == 1e9


# --- Model C ---------------------------------------------------------------------------------


def ref_network(inputs, rsf, model, protocol, trial, interp_x, binned_x):
    """The reference's network loop for a small network, in plain NumPy and Python; returns
    the final weights, the plateaus and W at the start of every lap and at the end."""
    L, lap = 187.0, 7480
    n_cells = model["n_cells"]
    maps = inputs["rate_maps"].values
    ET = inputs["ET"].values
    f_IS, peak = inputs["f_IS"].values, float(inputs["IS_peak"])
    phases = inputs["lap_phase"].values
    n_phase = len(phases) - 2
    q_pot = ref_sigmoid(model["f_pot_th"], model["f_pot_th"] + model["f_pot_half_width"])
    q_dep = ref_sigmoid(model["f_dep_th"], model["f_dep_th"] + model["f_dep_half_width"])
    b, r = model["basal"], model["reward"]
    sig_b = ref_sigmoid(b["th"], b["peak"], (0.0, b["x_max"]), (b["p_max_per_ms"], 0.0))
    sig_r = ref_sigmoid(r["th"], r["peak"], (0.0, r["x_max"]), (r["p_max_per_ms"], 0.0))

    def f_I(ramp):
        return np.where(ramp < 2.0, 0.0, (ramp - 2.0) * 40.0 / (11.2 - 2.0))

    norm = n_cells * float(inputs["reference_mean_rate"])
    reward0 = np.where(interp_x >= protocol["reward_loc_cm"])[0][0]
    peak_weight = 1.0 + model["peak_delta_weight"]
    w = np.full((n_cells, maps.shape[0]), 1.0 / peak_weight)
    previous = [[] for _ in range(n_cells)]
    plateaus, snapshots = [], []
    for lap_index in range(1, n_phase + 1):
        snapshots.append(w * peak_weight)
        ramps = rsf * ((w * peak_weight - 1.0) @ maps)
        density = np.interp(interp_x, binned_x, f_I(ramps).sum(axis=0), period=L) / norm
        basal = np.clip(sig_b(density), 0.0, 1.0)
        new = []
        for c in range(n_cells):
            p = np.tile(basal, 2)
            ramp_x = np.interp(interp_x, binned_x, ramps[c], period=L)
            for j in range(2):
                if phases[lap_index + j] == 2:
                    window = slice(j * lap + reward0, j * lap + reward0 + 500)
                    local = slice(reward0, reward0 + 500)
                    p[window] = np.clip(sig_r(density[local]), 0.0, 1.0) * (
                        1.0 + 2.0 * np.clip(ramp_x[local] / 10.0, 0.0, 1.0)
                    )
            for s in previous[c]:
                p[max(s - lap, 0) : max(s - lap + 800, 0)] = 0.0
            stream = random.Random(9e10 + 1e8 * trial + 1e6 * lap_index + c)
            found, i = [], 0
            while i < 2 * lap:
                if p[i] > 0 and stream.random() < p[i]:
                    found.append(i)
                    i += 800
                else:
                    i += 1
            new.append(found)
            if found:
                gate_ms = np.zeros(2 * lap)
                for s in found:
                    gate_ms[s : s + 300] = 1.0
                gate = gate_ms[::10]
                IS = np.minimum(np.convolve(gate, f_IS)[: gate.size], peak) / peak
                lo = lap_index * 748
                X = ET[:, lo : lo + 1496] * IS
                P = np.trapezoid(q_pot(X), dx=0.01)
                Q = np.trapezoid(q_dep(X), dx=0.01)
                w[c] = np.clip(
                    w[c] + model["k_pot_per_s"] * P * (1 - w[c]) - model["k_dep_per_s"] * Q * w[c],
                    0,
                    1,
                )
            plateaus += [(lap_index, c, (lap_index - 1) * lap + s) for s in found]
        previous = new
    snapshots.append(w * peak_weight)
    return w * peak_weight, plateaus, np.array(snapshots)


@pytest.fixture(scope="module")
def small_network(main_config):
    config = copy.deepcopy(main_config)
    config[PAPER]["model"]["C"]["n_cells"] = 24
    config[PAPER]["protocol"]["C"] = {"n_explore_laps": 2, "n_reward_laps": 2, "n_familiar_laps": 1}
    config[PAPER]["model"]["C"]["basal"] = {"p_max_per_ms": 2e-4}
    config[PAPER]["model"]["C"]["reward"] = {"p_max_per_ms": 3e-3}
    config[PAPER]["model"]["C"]["k_pot_per_s"] = 0.3  # smaller fields: plateaus in every lap
    from synplast.config import validate_config
    from tests.conftest import SCHEMA

    validate_config(config, SCHEMA)
    params = {s: stage_params(config, PAPER, "C-network", s) for s in ("inputs", "network")}
    inputs = c_inputs.make_inputs(params["inputs"])
    cal = calibration.run_calibration(stage_params(config, PAPER, "calibration", "calibration"))
    return config, params, inputs, cal


def test_network_equals_the_transliteration(small_network):
    """Plateau onsets, their cells and laps, and the final weights of every cell (with plateau
    probabilities raised so that dead time, overlapping plateaus and the reward window all
    occur in 24 cells and 5 laps)."""
    _, params, inputs, cal = small_network
    network = c_network.run_network(inputs, cal, params["network"], 3)
    binned_x, interp_x, _ = ref_track()
    model, protocol = params["network"]["model"]["C"], params["network"]["protocol"]["C"]
    W, plateaus, _ = ref_network(inputs, float(cal["rsf"]), model, protocol, 3, interp_x, binned_x)
    ours = list(
        zip(
            network["plateau_lap"].values.tolist(),
            network["plateau_cell"].values.tolist(),
            network["plateau_time_ms"].values.astype(int).tolist(),
            strict=True,
        )
    )
    assert ours == plateaus
    assert len(plateaus) > 40
    pairs = [(lap, cell) for lap, cell, _ in plateaus]
    assert max(pairs.count(pair) for pair in set(pairs)) >= 2  # jumps within a window
    # onsets in a window's second lap: the next iteration starts with their dead time
    assert any(t - (lap - 1) * 7480 >= 7480 for lap, _, t in plateaus)
    assert any(lap in (2, 3, 4) for lap, _ in pairs)  # windows reaching the reward laps
    np.testing.assert_allclose(network["W"].values[-1], W.astype(np.float32), rtol=1e-6)


def test_network_variants_of_the_sampling(small_network):
    """One-lap sampling windows put every onset in the lap's first half of the window; the
    project's streams give other plateaus than the reference's; a fixed seed repeats."""
    config, params, inputs, cal = small_network
    base = c_network.run_network(inputs, cal, params["network"], 1)
    again = c_network.run_network(inputs, cal, params["network"], 1)
    np.testing.assert_array_equal(base["plateau_time_ms"].values, again["plateau_time_ms"].values)
    single = copy.deepcopy(params["network"])
    single["model"]["C"]["legacy_overlapping_windows"] = False
    one = c_network.run_network(inputs, cal, single, 1)
    start = (one["plateau_lap"].values - 1) * 7480.0
    assert np.all(one["plateau_time_ms"].values - start < 7480.0)
    fast = copy.deepcopy(params["network"])
    fast["model"]["C"]["rng"] = "numpy_fast"
    other = c_network.run_network(inputs, cal, fast, 1)
    assert other.sizes["plateau"] > 0
    assert not np.array_equal(other["plateau_time_ms"].values, base["plateau_time_ms"].values)
