"""milstein2021 Model A against a direct NumPy transliteration of the two references.

The transliteration below follows the seed notebook's cells and the standalone script's
functions as written (``np.convolve`` per input, the sigmoid lambda of
``scaled_single_sigmoid``, ``np.trapezoid`` per pass with the ``[-w0, 1 - w0]`` clip, a vectorised
forward-Euler loop with ``np.clip`` after every sample); it shares no code with the package.
Every intermediate is compared: ET, IS, ET*IS, W_eq, the weight changes and dW/dt, for every
variant of both sources; plus closed forms, the sign structure of the heatmaps against the
equilibrium curve, and a learning rate large enough to reach both clips of both integrators.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from synplast.config import scenario_config
from synplast.papers.milstein2021 import a_inputs, a_plastic, a_test
from synplast.pipeline.graph import stage_params

PAPER = "milstein2021"
RTOL = 1e-12


# --- the transliteration ---------------------------------------------------------------------


def ref_sigmoid(th, peak, x=(0.0, 1.0), ylim=(0.0, 1.0)):
    slope = 2.0 / (peak - th)

    def y(v):
        return 1.0 / (1.0 + np.exp(-slope * (v - th)))

    start_val, end_val = y(x[0]), y(x[-1])
    amp, target_amp = end_val - start_val, ylim[1] - ylim[0]
    return lambda xi: (
        (target_amp / amp) * (1.0 / (1.0 + np.exp(-slope * (xi - th))) - start_val) + ylim[0]
    )


def ref_signals(model, variant, seed):
    """ET, IS and ET*IS as the notebook (``seed``) or the script computes them."""
    t = np.arange(-10.0, 10.0, 0.01)
    input_locs = np.linspace(-5.0, 5.0, 50)
    pre_activity = np.zeros((50, len(t)))
    for i in range(50):
        index = np.where(t >= input_locs[i])[0][0]
        pre_activity[i, index] = 1.0
    plateau = np.zeros_like(t)
    plateau[np.where((t >= 0.0) & (t < 0.3))[0]] = 1.0
    filter_t = t if seed else np.arange(0.0, 20.0, 0.01)
    filter_ET = np.exp(-filter_t / variant["tau_ET_s"])
    filter_ET /= np.sum(filter_ET)
    filter_IS = np.exp(-filter_t / variant["tau_IS_s"])
    filter_IS /= np.sum(filter_IS)
    single = pre_activity[0 if seed else 25]
    ET_norm_factor = np.max(np.convolve(single, filter_ET)[: len(t)]) / (1.0 if seed else 0.3)
    ET = np.empty_like(pre_activity)
    for i in range(50):
        ET[i, :] = np.convolve(pre_activity[i, :], filter_ET)[: len(t)] / ET_norm_factor
    IS = np.convolve(plateau, filter_IS)[: len(t)]
    IS /= np.max(IS)
    return ET, IS, ET * IS


def ref_q(variant):
    if variant["linear_q"]:
        return (lambda x: x), (lambda x: x)
    pot = ref_sigmoid(variant["q_pot_th"], variant["q_pot_peak"])
    dep = ref_sigmoid(variant["q_dep_th"], variant["q_dep_peak"])
    return pot, dep


def ref_seed_dW(dt, ET_IS, w, pot_f, dep_f, learning_rate, dep_ratio, max_weight):
    """The notebook's ``get_sig_dW``."""
    w0 = w / max_weight
    dWdt = learning_rate * (
        (1.0 - w0[:, None]) * pot_f(ET_IS) - dep_ratio * w0[:, None] * dep_f(ET_IS)
    )
    dW = np.trapezoid(dWdt, dx=dt)
    ref_seed_dW.clipped += [np.sum(dW < -w0), np.sum(dW > 1.0 - w0)]
    dW = np.maximum(-w0, np.minimum(1.0 - w0, dW))
    return dW * max_weight


ref_seed_dW.clipped = np.zeros(2, dtype=int)


def ref_seed_W_eq(dt, ET_IS, pot_f, dep_f, dep_ratio, max_weight, linear):
    if linear:
        return np.ones(ET_IS.shape[0]) * 1.0 / (1.0 + dep_ratio) * max_weight
    W_eq = np.full(ET_IS.shape[0], np.nan)
    numer = np.trapezoid(pot_f(ET_IS), dx=dt)
    denom = np.trapezoid(pot_f(ET_IS) + dep_ratio * dep_f(ET_IS), dx=dt)
    indexes = np.where(denom >= 0.0005)
    W_eq[indexes] = numer[indexes] / denom[indexes] * max_weight
    return W_eq


def ref_script_W_eq(dt, ET_IS, pot_f, dep_f, dep_ratio, max_weight):
    pot = np.trapezoid(pot_f(ET_IS), dx=dt)
    dep = np.trapezoid(dep_f(ET_IS), dx=dt)
    denom = pot + dep_ratio * dep
    W_eq = np.full(ET_IS.shape[0], np.nan)
    ok = denom >= 0.001
    W_eq[ok] = max_weight * pot[ok] / denom[ok]
    return W_eq


def ref_script_passes(ET_IS, W0s, pot_f, dep_f, lr, dep_ratio, W_max, dt, n_passes):
    """``update_W_cont``: Euler over the samples, clip after every step; all (W0, input) pairs
    at once.  Returns the final W and dW/dt of the first pass from the first row."""
    P, D = pot_f(ET_IS), dep_f(ET_IS)
    W = np.repeat(W0s[:, None], ET_IS.shape[0], axis=1)
    rates = np.empty((ET_IS.shape[0], ET_IS.shape[1]))
    clipped = np.zeros(2, dtype=int)
    for p in range(n_passes):
        for k in range(ET_IS.shape[1]):
            w0 = W / W_max
            dWdt = lr * W_max * ((1.0 - w0) * P[:, k] - dep_ratio * w0 * D[:, k])
            if p == 0:
                rates[:, k] = dWdt[0]
            clipped += [np.sum(W + dWdt * dt < 0.0), np.sum(W + dWdt * dt > W_max)]
            W = np.clip(W + dWdt * dt, 0.0, W_max)
    ref_script_passes.clipped = clipped
    return W, rates


# --- fixtures --------------------------------------------------------------------------------


def params_of(config, scenario, **overrides):
    out = {s: stage_params(config, PAPER, scenario, s) for s in ("inputs", "plastic", "test")}
    for params in out.values():
        for key, value in overrides.items():
            section, part, name = key.split(".")
            if section in params:
                params[section]["A"][name] = value
    return out


def run_chain(params):
    inputs = a_inputs.make_inputs(params["inputs"])
    plastic = a_plastic.run_plastic(inputs, params["plastic"])
    return inputs, plastic, a_test.run_test(inputs, plastic, params["test"])


@pytest.fixture(scope="module", params=["A-ref", "A-seed"])
def chain(request, main_config):
    params = params_of(main_config, request.param)
    return request.param, params, run_chain(params)


# --- tests -----------------------------------------------------------------------------------


def test_grid_spikes_and_plateau_are_the_references(chain):
    _, _, (inputs, _, _) = chain
    t = inputs["time_ms"].values / 1e3
    assert t.size == 2000 and t[1000] == pytest.approx(-2.1e-13, abs=1e-14) and t[1000] < 0
    assert np.flatnonzero(inputs["plateau"].values).tolist() == list(range(1001, 1031))
    # t[500] falls just below -5 on this grid, so the first spike is one sample later
    locs = np.linspace(-5.0, 5.0, 50)
    expected = [np.where(t >= loc)[0][0] for loc in locs]
    assert inputs["spike_step"].values.tolist() == expected and expected[0] == 501


def test_signals_equal_the_transliteration(chain):
    scenario, params, (inputs, _, _) = chain
    model = params["inputs"]["model"]["A"]
    for j, name in enumerate(inputs["variant"].values):
        ET, IS, ET_IS = ref_signals(model, model["variants"][str(name)], scenario == "A-seed")
        np.testing.assert_allclose(inputs["ET"].values[j], ET, rtol=RTOL, atol=1e-300)
        np.testing.assert_allclose(inputs["IS"].values[j], IS, rtol=RTOL, atol=1e-300)
        np.testing.assert_allclose(inputs["ET_IS"].values[j], ET_IS, rtol=RTOL, atol=1e-300)


def test_single_spike_et_is_the_closed_form(chain):
    """One spike's ET is ``et_peak exp(-(t - t_i) / tau_ET)`` from its sample on, IS peaks at 1."""
    scenario, params, (inputs, _, _) = chain
    peak = 1.0 if scenario == "A-seed" else 0.3
    t = inputs["time_ms"].values / 1e3
    for j, name in enumerate(inputs["variant"].values):
        tau = params["inputs"]["model"]["A"]["variants"][str(name)]["tau_ET_s"]
        k = int(inputs["spike_step"].values[25])
        expected = peak * np.exp(-(t[k:] - t[k]) / tau)
        np.testing.assert_allclose(inputs["ET"].values[j, 25, k:], expected, rtol=1e-9)
        assert np.all(inputs["ET"].values[j, 25, :k] == 0.0)
        assert inputs["IS"].values[j].max() == pytest.approx(1.0, abs=1e-15)


def test_weight_changes_equilibrium_and_rates_equal_the_transliteration(chain):
    scenario, params, (inputs, plastic, test) = chain
    model, protocol = params["plastic"]["model"]["A"], params["plastic"]["protocol"]["A"]
    W0s = np.linspace(protocol["W0_min"], protocol["W0_max"], protocol["n_W0"])
    for j, name in enumerate(inputs["variant"].values):
        v = model["variants"][str(name)]
        pot_f, dep_f = ref_q(v)
        X = inputs["ET_IS"].values[j]
        lr, ratio, W_max = v["learning_rate_per_s"], v["dep_ratio"], v["W_max"]
        if scenario == "A-seed":
            dW = np.empty((50, 50))
            for i, w in enumerate(W0s):
                current = np.ones(50) * w
                for _ in range(3):
                    current += ref_seed_dW(0.01, X, current, pot_f, dep_f, lr, ratio, W_max)
                dW[i] = current - w
            W_eq = ref_seed_W_eq(0.01, X, pot_f, dep_f, ratio, W_max, v["linear_q"])
        else:
            final, _ = ref_script_passes(X, W0s, pot_f, dep_f, lr, ratio, W_max, 0.01, 3)
            dW = final - W0s[:, None]
            _, rates = ref_script_passes(
                X, np.array([1.5]), pot_f, dep_f, lr, ratio, W_max, 0.01, 1
            )
            np.testing.assert_allclose(plastic["dWdt"].values[j], rates, rtol=1e-9, atol=1e-12)
            W_eq = ref_script_W_eq(0.01, X, pot_f, dep_f, ratio, W_max)
        np.testing.assert_allclose(plastic["dW"].values[j], dW, rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(test["W_eq"].values[j], W_eq, rtol=RTOL, equal_nan=True)


def test_linear_equilibrium_closed_form_and_sign_structure(chain):
    """Linear q: W_eq = W_max / (1 + dep_ratio) = 2 and sign(dW) = sign(2 - W0) exactly; every
    variant: the heatmap changes sign at W_eq for every decisive entry."""
    _, _, (_, _, test) = chain
    j = list(test["variant"].values).index("linear")
    np.testing.assert_allclose(test["W_eq"].values[j], 2.0, rtol=1e-12)
    W0 = test["W0"].values
    dW = test["dW"].values[j]
    off = np.abs(W0 - 2.0) > 1e-9
    assert np.all(np.sign(dW[off]) == np.sign(2.0 - W0[off])[:, None])
    for j in range(test.sizes["variant"]):
        agree = test["sign_agrees"].values[j]
        assert (agree[agree >= 0] == 1).all()
        assert (agree >= 0).sum() > 0.5 * np.isfinite(test["W_eq"].values[j]).sum() * W0.size


def test_zero_crossings_lie_within_the_excursion_of_the_equilibrium(chain):
    _, _, (_, _, test) = chain
    for j in range(test.sizes["variant"]):
        crossing, W_eq = test["zero_crossing"].values[j], test["W_eq"].values[j]
        both = np.isfinite(crossing) & np.isfinite(W_eq)
        step = test["W0"].values[1] - test["W0"].values[0]
        tolerance = test["excursion"].values[j][both] + step
        assert np.all(np.abs(crossing[both] - W_eq[both]) <= tolerance)


@pytest.mark.parametrize("scenario", ["A-ref", "A-seed"])
def test_both_clips_of_both_integrators(main_config, scenario):
    """A learning rate of 4000/s drives weights to 0 and to W_max within a pass (script) and
    the per-pass change to both ends of its clip (notebook): both equal the transliteration."""
    config = copy.deepcopy(main_config)
    variants = config[PAPER]["scenarios"][scenario].setdefault("model", {}).setdefault("A", {})
    variants = variants.setdefault("variants", {})
    variants.setdefault("nonlinear", {}).update(learning_rate_per_s=4000.0, dep_ratio=0.5)
    params = params_of(config, scenario)
    for p in params.values():
        if "protocol" in p:
            p["protocol"]["A"].update(W0_min=0.05, W0_max=4.95)
    inputs, plastic, _ = run_chain(params)
    model = params["plastic"]["model"]["A"]
    v = model["variants"]["nonlinear"]
    pot_f, dep_f = ref_q(v)
    X = inputs["ET_IS"].values[0]
    W0s = plastic["W0"].values
    W_max = v["W_max"]
    dW = plastic["dW"].values[0]
    if scenario == "A-seed":
        ref_seed_dW.clipped[:] = 0
        expected = np.empty_like(dW)
        for i, w in enumerate(W0s):
            current = np.ones(50) * w
            for _ in range(3):
                current += ref_seed_dW(0.01, X, current, pot_f, dep_f, 4000.0, 0.5, W_max)
            expected[i] = current - w
    else:
        final_ref, _ = ref_script_passes(X, W0s, pot_f, dep_f, 4000.0, 0.5, W_max, 0.01, 3)
        expected = final_ref - W0s[:, None]
    clipped = ref_seed_dW.clipped if scenario == "A-seed" else ref_script_passes.clipped
    assert clipped[0] > 0 and clipped[1] > 0, clipped
    np.testing.assert_allclose(dW, expected, rtol=1e-9, atol=1e-11)


def test_scenario_config_reaches_the_stage_unchanged(main_config):
    """The seed scenario's overrides reach the stage (the notebook's parameter sets)."""
    resolved = scenario_config(main_config, PAPER, "A-seed")["model"]["A"]
    assert resolved["source"] == "seed_notebook"
    assert resolved["variants"]["nonlinear"]["W_max"] == 4.0
    assert resolved["variants"]["short"]["learning_rate_per_s"] == 9.0
