"""urbanczik2014 kernel against closed forms and NumPy transliterations written from the model.

- phi, h and V_w* against direct NumPy expressions of NEST's ``pp_cond_exp_mc_urbanczik``
  formulas, and h against its definition ``15 d ln(phi)/du``;
- the synapse's event-driven update on a hand-made history against the closed form
  ``w = w0 + c sum_e PI_e (1 - exp(-(t_sp - t_up,e) / tau_Delta))`` with ``PI_e`` the entry
  times the unnormalised PSP of the earlier presynaptic spikes at ``t_up = t_e + d``; the
  transmitted weight clipped while the integral is not (``output_only``), and a direct
  transliteration of the recursive update for the ``accumulator`` clip and the switch of
  tau_s to tau_syn_in once a weight reaches 0; the arrival-aligned pairing against its closed
  form;
- the membrane integration against the matrix exponential of the linear system, and a fine
  reference for teacher-sized decaying conductances (RK4 and exponential Euler);
- a whole run (neuron, teacher, 20 plastic synapses, stochastic spikes) against a step loop
  transliterated from NEST's update order with SciPy's adaptive integrator over every step:
  identical spikes and weights to the integrators' accuracy;
- refractoriness (the 30-step dead time, no reset), Poisson counts without dead time, frozen
  weights, the teacher window's floating-point edges and the pattern statistics.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.linalg import expm

from synplast.config import scenario_config
from synplast.papers.urbanczik2014 import inputs, plastic
from synplast.papers.urbanczik2014 import kernel as K
from synplast.papers.urbanczik2014.params import params_from_config

PAPER = "urbanczik2014"


@pytest.fixture(scope="module")
def p(main_config):
    return params_from_config(scenario_config(main_config, PAPER, "main"))


# ------------------------------------------------------------------------- phi, h, V_w*


def phi_np(u, p):
    return p.phi_max_per_ms / (1.0 + p.rate_slope * np.exp(p.beta_per_mV * (p.theta_mV - u)))


def h_np(u, p):
    return 15.0 * p.beta_per_mV / (1.0 + np.exp(-p.beta_per_mV * (p.theta_mV - u)) / p.rate_slope)


def test_phi_h_and_v_star_equal_their_formulas(p):
    u = np.linspace(-120.0, 40.0, 1601)
    phi = np.array([K.phi(x, p.phi_max_per_ms, p.rate_slope, p.beta_per_mV, p.theta_mV) for x in u])
    h = np.array([K.h_factor(x, p.rate_slope, p.beta_per_mV, p.theta_mV) for x in u])
    vs = np.array([K.v_star(x, p.E_L_soma_mV, p.g_L_soma_nS, p.g_sp_nS) for x in u])
    np.testing.assert_allclose(phi, phi_np(u, p), rtol=1e-15, atol=0)
    np.testing.assert_allclose(h, h_np(u, p), rtol=1e-15, atol=0)
    np.testing.assert_allclose(vs, (-2100.0 + 600.0 * u) / 630.0, rtol=1e-14, atol=1e-13)
    # the paper's constants: phi(theta) = phi_max / (1 + k), h = 15 d ln(phi) / du
    assert phi_np(p.theta_mV, p) == pytest.approx(0.1)
    dlnphi = np.gradient(np.log(phi_np(u, p)), u)
    np.testing.assert_allclose(h_np(u, p)[1:-1], 15.0 * dlnphi[1:-1], rtol=2e-4, atol=1e-9)
    assert h_np(-200.0, p) == pytest.approx(15.0 * p.beta_per_mV)  # 5: the paper's beta


# ------------------------------------------------------------------------- the synapse

D = 1


def synapse_state(n_inputs, w0):
    return (
        np.full(n_inputs, w0, dtype=float),  # w
        np.full(n_inputs, w0, dtype=float),  # w0
        np.zeros(n_inputs),  # PI integral
        np.zeros(n_inputs),  # its low-pass
        np.zeros(n_inputs),  # trace tau_L
        np.zeros(n_inputs),  # trace tau_s
        np.full(n_inputs, -1, np.int64),  # last stamp
    )


def drive_synapse(p, stamps, dPI, options=None, n_inputs=1, inputs_of=None):
    """Call the kernel's synapse update for every stamp; returns the transmitted weights."""
    n_steps = dPI.size + 10
    tables = plastic.exp_tables(p, n_steps)
    syn = plastic.synapse_constants(p)
    if options is None:
        options = plastic.options_array(p, n_steps, True)
    state = synapse_state(n_inputs, p.init_weight_pA)
    inputs_of = np.zeros(len(stamps), np.int64) if inputs_of is None else inputs_of
    return np.array(
        [
            K.synapse_event(S, int(i), dPI, *state, *tables, syn, D, options)
            for S, i in zip(stamps, inputs_of, strict=True)
        ]
    )


def psp(x_ms, tau_L, tau_s):
    return np.exp(-x_ms / tau_L) - np.exp(-x_ms / tau_s)


def closed_form_weights(p, stamps, dPI, align=False):
    """``w0 + c sum_e PI_e (1 - exp(-(t_sp - t_up) / tau_Delta))`` at every stamp, unclipped."""
    dt, tau_L, tau_s = p.dt_ms, p.tau_L_dend_ms, p.tau_syn_ex_dend_ms
    c = 15.0 * p.C_dend_pF * tau_s * p.eta / (p.g_L_dend_nS * (tau_L - tau_s))
    stamps = np.asarray(stamps)
    out = []
    for S in stamps:
        total = 0.0
        for m in range(1, S - D + 1):  # every entry consumed by the spikes up to S
            consumer = np.searchsorted(stamps - D, m)  # first spike with S - D >= m
            earlier = stamps[:consumer]
            if align:  # the PSP the dendrite has at the entry: spikes arrived by t_e
                x = (m - D - earlier) * dt
                value = psp(x[x >= 0], tau_L, tau_s).sum()
            else:  # NEST: the earlier stamps' PSP evaluated at t_up = t_e + d
                value = psp((m + D - earlier) * dt, tau_L, tau_s).sum()
            t_up = (m + D) * dt
            total += value * dPI[m] * (1.0 - np.exp(-(S * dt - t_up) / p.tau_Delta_ms))
        out.append(p.init_weight_pA + c * total)
    return np.array(out)


def hand_made_history(n_steps, seed=0):
    rng = np.random.default_rng(seed)
    dPI = rng.normal(0.0, 0.3, n_steps + 1)
    dPI[0] = 0.0
    return dPI


@pytest.mark.parametrize("align", [False, True])
def test_weight_update_on_a_hand_made_history_equals_the_closed_form(p, align):
    p = replace(p, W_min_pA=-1e9, W_max_pA=1e9, align_psp_to_arrival=align)
    dPI = hand_made_history(1200)
    stamps = [5, 37, 38, 40, 150, 151, 420, 421, 900, 1100]
    if not align:
        stamps += [1100, 1101]  # a repeated stamp (two spikes of one step), as NEST sends them
    stamps = sorted(stamps)
    if align:  # the arrival-aligned form is exact for spikes at least 2 delays apart
        stamps = [s for k, s in enumerate(stamps) if k == 0 or s - stamps[k - 1] >= 2 * D]
    got = drive_synapse(p, stamps, dPI)
    np.testing.assert_allclose(got, closed_form_weights(p, stamps, dPI, align), rtol=1e-11)


def test_clip_acts_on_the_output_only(p):
    """Transmitted weights are the closed form clipped; the integral behind them is not, so
    a weight pinned at a bound leaves it only when the unclipped value returns inside."""
    p = replace(p, eta=p.eta * 40, W_min_pA=0.0, W_max_pA=200.0)
    dPI = hand_made_history(3000, seed=3)
    dPI[1:1000] = np.abs(dPI[1:1000])  # potentiation, then stronger depression
    dPI[1000:] = -3.0 * np.abs(dPI[1000:])
    stamps = list(range(20, 3000, 60))
    got = drive_synapse(p, stamps, dPI)
    unclipped = closed_form_weights(p, stamps, dPI)
    np.testing.assert_allclose(got, np.clip(unclipped, 0.0, 200.0), rtol=1e-11, atol=1e-9)
    assert (got == 200.0).any() and (got == 0.0).any() and (unclipped > 200.0).any()


def recursive_update(p, stamps, dPI, clip_mode):
    """The synapse's recursion transliterated (state per spike), with both clip modes."""
    dt, tau_L, tau_D = p.dt_ms, p.tau_L_dend_ms, p.tau_Delta_ms
    w, pi_int, pi_exp, trL, trS, last = p.init_weight_pA, 0.0, 0.0, 0.0, 0.0, None
    out = []
    for S in stamps:
        tau_s = p.tau_syn_ex_dend_ms if w > 0 else p.tau_syn_in_dend_ms
        if last is not None:
            d_exp = 0.0
            for m in range(max(last - D + 1, 1), S - D + 1):
                t_up = (m + D) * dt
                PI = (
                    trL * math.exp((last * dt - t_up) / tau_L)
                    - trS * math.exp((last * dt - t_up) / tau_s)
                ) * dPI[m]
                pi_int += PI
                d_exp += math.exp((t_up - S * dt) / tau_D) * PI
            pi_exp = math.exp((last - S) * dt / tau_D) * pi_exp + d_exp
            trL = trL * math.exp((last - S) * dt / tau_L) + 1.0
            trS = trS * math.exp((last - S) * dt / tau_s) + 1.0
        else:
            trL = trS = 1.0
        factor = 15.0 * p.C_dend_pF * tau_s * p.eta / (p.g_L_dend_nS * (tau_L - tau_s))
        raw = p.init_weight_pA + (pi_int - pi_exp) * factor
        w = min(max(raw, p.W_min_pA), p.W_max_pA)
        if clip_mode == "accumulator" and w != raw:
            pi_int -= (raw - w) / factor
        out.append(w)
        last = S
    return np.array(out)


@pytest.mark.parametrize("clip_mode", ["output_only", "accumulator"])
def test_recursion_with_both_clip_modes_and_the_switch_of_tau_s(p, clip_mode):
    p = replace(p, eta=p.eta * 40, W_max_pA=150.0, clip_mode=clip_mode, tau_syn_in_dend_ms=2.0)
    dPI = hand_made_history(3000, seed=5)
    dPI[1:1200] = -np.abs(dPI[1:1200])  # depression to W_min = 0 (tau_s switches), then back
    dPI[1200:] = np.abs(dPI[1200:]) * 3
    stamps = list(range(15, 3000, 45))
    got = drive_synapse(p, stamps, dPI)
    expected = recursive_update(p, stamps, dPI, clip_mode)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-9)
    assert (got == 0.0).any() and (got == 150.0).any()
    if clip_mode == "accumulator":  # leaves the bounds as soon as the rule reverses
        other = recursive_update(p, stamps, dPI, "output_only")
        assert not np.allclose(got, other)


def test_frozen_synapse_transmits_its_weight(p):
    dPI = hand_made_history(500)
    options = plastic.options_array(p, 510, plastic=False)
    got = drive_synapse(p, [10, 200, 400], dPI, options=options)
    assert (got == p.init_weight_pA).all()


# ------------------------------------------------------------------------- integration


def one_step(p, state, substeps, integrator):
    q = replace(p, integrator_substeps=substeps, integrator=integrator)
    U, V, g_ex, g_in, I_ex, I_in = state
    return K.integrate_step(
        U,
        V,
        g_ex,
        g_in,
        I_ex,
        I_in,
        plastic.neuron_constants(q),
        plastic.decay_table(q),
        0 if integrator == "rk4" else 1,
        substeps,
    )


def test_integration_equals_the_matrix_exponential_for_constant_coefficients(p):
    """No synaptic input, constant currents, both couplings on: the 2-d linear system's exact
    step (the affine system embedded in 3 dimensions) against RK4 on 10 substeps."""
    q = replace(p, g_ps_nS=50.0, I_e_soma_pA=300.0, I_e_dend_pA=-150.0)
    A = np.array(
        [
            [
                -(q.g_L_soma_nS + q.g_sp_nS) / q.C_soma_pF,
                q.g_sp_nS / q.C_soma_pF,
                (q.g_L_soma_nS * q.E_L_soma_mV + q.I_e_soma_pA) / q.C_soma_pF,
            ],
            [
                q.g_ps_nS / q.C_dend_pF,
                -(q.g_L_dend_nS + q.g_ps_nS) / q.C_dend_pF,
                (q.g_L_dend_nS * q.E_L_dend_mV + q.I_e_dend_pA) / q.C_dend_pF,
            ],
            [0.0, 0.0, 0.0],
        ]
    )
    exact = expm(A * q.dt_ms) @ np.array([-60.0, -65.0, 1.0])
    U, V = one_step(q, (-60.0, -65.0, 0.0, 0.0, 0.0, 0.0), 10, "rk4")
    assert abs(U - exact[0]) < 1e-8 and abs(V - exact[1]) < 1e-8
    U, V = one_step(q, (-60.0, -65.0, 0.0, 0.0, 0.0, 0.0), 10, "exponential_euler")
    assert abs(U - exact[0]) < 0.05 and abs(V - exact[1]) < 0.05


def test_integration_with_decaying_conductances_converges(p):
    """Teacher-sized conductances (the stiff case) and a dendritic current: RK4 on 10
    substeps within 1e-6 mV of 1000 substeps (NEST's own integrator allows 1e-3 per step);
    exponential Euler within 0.05 mV."""
    state = (-55.0, -50.0, 300.0, 550.0, 400.0, -20.0)
    fine = one_step(p, state, 1000, "rk4")
    coarse = one_step(p, state, 10, "rk4")
    euler = one_step(p, state, 10, "exponential_euler")
    assert np.max(np.abs(np.subtract(coarse, fine))) < 1e-6
    assert np.max(np.abs(np.subtract(euler, fine))) < 0.05


# ------------------------------------------------------------------------- a whole run


def transliterated_run(p, pattern_step, pattern_input, teacher_ex, teacher_in, uniforms, n_pres):
    """NEST's update order, written out step by step, with SciPy's adaptive RK45 over each
    step on the full six-dimensional system (NEST integrates it with GSL's rkf45)."""
    dt = p.dt_ms
    stamps, who = plastic.presynaptic_spikes(pattern_step, pattern_input, p, n_pres)
    n_steps = n_pres * p.pattern_steps
    y = np.array([p.V0_soma_mV, 0.0, 0.0, p.V0_dend_mV, 0.0, 0.0])  # U g_ex g_in V_d I_ex I_in

    def rhs(_, y):
        U, g_ex, g_in, V, I_ex, I_in = y
        dU = (
            -p.g_L_soma_nS * (U - p.E_L_soma_mV)
            - g_ex * (U - p.E_ex_soma_mV)
            - g_in * (U - p.E_in_soma_mV)
            + p.g_sp_nS * (V - U)
            + p.I_e_soma_pA
        ) / p.C_soma_pF
        dV = (
            -p.g_L_dend_nS * (V - p.E_L_dend_mV) + I_ex + I_in + p.g_ps_nS * (U - V) + p.I_e_dend_pA
        ) / p.C_dend_pF
        return [
            dU,
            -g_ex / p.tau_syn_ex_soma_ms,
            -g_in / p.tau_syn_in_soma_ms,
            dV,
            -I_ex / p.tau_syn_ex_dend_ms,
            -I_in / p.tau_syn_in_dend_ms,
        ]

    history = np.zeros(n_steps + 1)
    w = np.full(p.n_inputs, p.init_weight_pA)
    weights, spikes, r, e = [], [], 0, 0
    tau_L, tau_s, c = p.tau_L_dend_ms, p.tau_syn_ex_dend_ms, None
    c = 15.0 * p.C_dend_pF * tau_s * p.eta / (p.g_L_dend_nS * (tau_L - tau_s))
    for k in range(n_steps):
        jump = 0.0
        while e < stamps.size and stamps[e] + D - 1 <= k:  # closed form per spike
            i, S = who[e], stamps[e]
            earlier = stamps[:e][who[:e] == i]
            total = 0.0
            for m in range(1, S - D + 1):
                before = earlier[earlier - D < m]
                total += (
                    psp((m + D - before) * dt, tau_L, tau_s).sum()
                    * history[m]
                    * (1.0 - math.exp(-(S - m - D) * dt / p.tau_Delta_ms))
                )
            w[i] = min(max(p.init_weight_pA + c * total, p.W_min_pA), p.W_max_pA)
            weights.append(w[i])
            jump += w[i]
            e += 1
        y = solve_ivp(rhs, (0.0, dt), y, method="RK45", rtol=1e-11, atol=1e-11).y[:, -1]
        y[1] += teacher_ex[k]
        y[2] += teacher_in[k]
        y[4] += jump
        n = 0
        if r == 0:
            if uniforms[k] <= -math.expm1(-1000.0 * phi_np(y[0], p) * dt * 1e-3):
                n, r = 1, p.refractory_steps
                spikes.append(k + 1)
        else:
            r -= 1
        vs = (p.E_L_soma_mV * p.g_L_soma_nS + y[3] * p.g_sp_nS) / (p.g_sp_nS + p.g_L_soma_nS)
        history[k + 1] = (n - phi_np(vs, p) * dt) * h_np(vs, p)
    return np.array(spikes), np.array(weights), y


def test_whole_run_equals_a_transliteration_of_the_reference_step(p):
    q = replace(
        p,
        n_inputs=20,
        eta=p.eta * 5,
        pattern_duration_ms=60.0,
        n_pre_rep=1,
        n_pattern_rep=2,
        n_post_rep=0,
        input_rate_Hz=40.0,
        init_weight_pA=500.0,
    )
    steps, who = inputs.draw_pattern(q, 7)
    teacher_ex, teacher_in = inputs.teacher_jumps(q)
    uniforms = np.random.default_rng(11).random(q.n_steps)
    run = plastic.simulate_protocol(
        q, steps, who, teacher_ex, teacher_in, uniforms, q.n_presentations
    )
    spikes, weights, final = transliterated_run(
        q, steps, who, teacher_ex, teacher_in, uniforms, q.n_presentations
    )
    assert spikes.size > 5 and np.array_equal(run.spike_step, spikes)
    assert np.ptp(weights) > 1.0  # the weights did learn
    np.testing.assert_allclose(run.tx_weight, weights, rtol=0, atol=1e-6)
    end = run.traces[-1]
    np.testing.assert_allclose(
        [end[K.U_COL], end[K.VD_COL], end[K.GEX_COL], end[K.IEX_COL]],
        [final[0], final[3], final[1], final[4]],
        rtol=0,
        atol=1e-7,
    )


# ------------------------------------------------------------------------- spiking


def test_dead_time_is_30_steps_and_there_is_no_reset(p):
    """With phi at its maximum and every draw 0, the neuron spikes exactly every 31 steps
    (one spike, 30 dead steps); U keeps rising through the spikes."""
    q = replace(
        p,
        I_e_soma_pA=60000.0,
        n_inputs=1,
        pattern_duration_ms=100.0,
        n_pre_rep=1,
        n_pattern_rep=0,
        n_post_rep=0,
    )
    zeros = np.zeros(q.n_steps)
    run = plastic.simulate_protocol(
        q, np.zeros(0, np.int32), np.zeros(0, np.int32), zeros, zeros, zeros, 1
    )
    assert q.refractory_steps == 30
    assert np.all(np.diff(run.spike_step) == 31)
    U = run.traces[:, K.U_COL]
    assert np.all(np.diff(U) > -1e-9) and U[-1] > 20.0  # no reset: U stays up


def test_poisson_counts_without_dead_time(p):
    """t_ref = 0: the count of a step is the inverse Poisson CDF of its draw."""
    from scipy.stats import poisson

    for mean in (1e-4, 0.015, 0.7, 3.0):
        for u in (1e-12, 0.3, 0.9, 0.999999):
            assert K.poisson_count(mean, u) == int(poisson.ppf(u, mean))


# ------------------------------------------------------------------------- inputs


def test_teacher_window_follows_the_floating_point_grid(p):
    """The example's ``arange(0.1, 20800, 0.1)`` holds 400.00000000000006 (inside the window)
    and 20400.0 (outside), so the first jump lands at the end of the step ending at 400.1 ms and
    the last at 20400.0 ms; U_M stays within the closed-form range."""
    jumps_ex, jumps_in = inputs.teacher_jumps(p)
    on = np.flatnonzero(jumps_in)
    assert (on[0] + 1) * p.dt_ms == pytest.approx(400.1)
    assert (on[-1] + 1) * p.dt_ms == pytest.approx(20400.0)
    assert on.size == 200_000 and np.all(jumps_in[on] == 18.0)
    g_ex = K.conductance_trace(jumps_ex, math.exp(-p.dt_ms / p.tau_syn_ex_soma_ms))
    g_in = K.conductance_trace(jumps_in, math.exp(-p.dt_ms / p.tau_syn_in_soma_ms))
    U_M = inputs.matching_potential(g_ex, g_in, p)[on[0] + 300 : on[-1]]
    assert -72.7 < U_M.min() < -72.0 and -48.5 < U_M.max() < -47.5
    assert 18.0 / (1 - math.exp(-p.dt_ms / 3.0)) == pytest.approx(g_in[on[-1]], rel=1e-9)


def test_pattern_spikes_lie_after_the_relay_latency(p):
    counts = []
    for seed in range(1, 6):
        steps, who = inputs.draw_pattern(p, seed)
        assert steps.min() > p.latency_steps and steps.max() <= p.pattern_steps
        assert np.all(np.diff(steps) >= 0) and who.max() < p.n_inputs
        counts.append(steps.size)
    expected = p.n_inputs * p.input_rate_Hz * (p.pattern_duration_ms - p.pattern_latency_ms) * 1e-3
    assert abs(np.mean(counts) - expected) < 4 * math.sqrt(expected / 5)


def test_history_gating_and_the_spikes_only_control(p):
    """``plastic_without_teacher: false`` zeroes the history outside the teaching window;
    ``error_signal: spikes_only`` writes S h(V_w*), nonzero only at somatic spikes."""
    q = replace(p, pattern_duration_ms=50.0, n_pre_rep=1, n_pattern_rep=2, n_post_rep=1)
    steps, who = inputs.draw_pattern(q, 3)
    teacher_ex, teacher_in = inputs.teacher_jumps(q)
    uniforms = np.random.default_rng(5).random(q.n_steps)
    args = (steps, who, teacher_ex, teacher_in, uniforms, q.n_presentations)
    gated = plastic.simulate_protocol(replace(q, plastic_without_teacher=False), *args)
    window = np.zeros(q.n_steps + 1, dtype=bool)
    window[q.steps(q.t_start_ms) + 1 : q.steps(q.t_end_ms) + 1] = True
    assert np.all(gated.dPI[~window] == 0.0) and np.all(gated.dPI[window] != 0.0)
    spikes_only = plastic.simulate_protocol(replace(q, error_signal="spikes_only"), *args)
    entries = np.flatnonzero(spikes_only.dPI)
    assert np.array_equal(entries, spikes_only.spike_step) and entries.size > 0
    vs = (-2100.0 + 600.0 * spikes_only.traces[entries - 1, K.VD_COL]) / 630.0
    np.testing.assert_allclose(spikes_only.dPI[entries], h_np(vs, q), rtol=1e-12)
