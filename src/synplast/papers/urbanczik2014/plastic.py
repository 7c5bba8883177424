"""Plastic phase of urbanczik2014 (pipeline stage ``plastic``): the reference example's
protocol, ``n_pre_rep`` presentations of the pattern without teacher, ``n_pattern_rep`` with
it, ``n_post_rep`` without, plasticity on throughout (flag ``plastic_without_teacher``).

Records, at the end of every step, the somatic and dendritic potentials, the dendritic
prediction V_w*, the matching potential of the recorded conductances, the conductances and
currents, the rates phi(U), phi(V_w), phi(V_w*) and h(V_w*); the somatic spikes; and the weight
transmitted by every presynaptic spike (what NEST's weight recorder records).
:func:`simulate_protocol` is the one place that sets up the kernel; the test and the NEST
cross-check stages use it too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from synplast.kernels.guard import raise_if_diverged
from synplast.rng import stream
from synplast.stagefile import var_attrs

from . import kernel as K
from .inputs import matching_potential
from .params import CLIP_MODES, ERROR_SIGNALS, INTEGRATORS, UrbanczikParams, params_from_config

VARIABLES = (
    "V_soma_mV",
    "V_dend_mV",
    "V_star_mV",
    "U_M_mV",
    "g_ex_soma_nS",
    "g_in_soma_nS",
    "I_ex_dend_pA",
    "I_in_dend_pA",
    "phi_soma_per_ms",
    "phi_dend_per_ms",
    "phi_star_per_ms",
    "h_star",
    "spike_step",
    "tx_step",
    "tx_input",
    "tx_weight_pA",
    "w_final_pA",
)


@dataclass
class Run:
    """What one call of the kernel produced."""

    traces: np.ndarray  # (n_steps, 6) float64: U, V_d, g_ex, g_in, I_ex, I_in at step ends
    spike_step: np.ndarray  # time indices of the somatic spikes
    tx_step: np.ndarray  # stamp (steps) of every processed presynaptic spike
    tx_input: np.ndarray
    tx_weight: np.ndarray  # weight it transmitted
    w_final: np.ndarray
    dPI: np.ndarray  # history, indexed by entry (time index)


def presynaptic_spikes(
    pattern_step: np.ndarray, pattern_input: np.ndarray, p: UrbanczikParams, n_presentations: int
) -> tuple[np.ndarray, np.ndarray]:
    """Stamps (steps) and inputs of the relayed pattern spikes of ``n_presentations``
    presentations: pattern time + presentation start + relay latency, sorted by stamp."""
    order = np.lexsort((pattern_input, pattern_step))
    step, inputs = pattern_step[order].astype(np.int64), pattern_input[order].astype(np.int32)
    offsets = np.arange(n_presentations, dtype=np.int64) * p.pattern_steps + p.latency_steps
    stamps = (offsets[:, None] + step[None, :]).ravel()
    return stamps, np.tile(inputs, n_presentations)


def neuron_constants(p: UrbanczikParams) -> np.ndarray:
    nc = np.zeros(K.N_NEURON_CONSTANTS)
    nc[K.C_S], nc[K.C_D] = p.C_soma_pF, p.C_dend_pF
    nc[K.GL_S], nc[K.GL_D] = p.g_L_soma_nS, p.g_L_dend_nS
    nc[K.EL_S], nc[K.EL_D] = p.E_L_soma_mV, p.E_L_dend_mV
    nc[K.EEX_S], nc[K.EIN_S] = p.E_ex_soma_mV, p.E_in_soma_mV
    nc[K.G_SP], nc[K.G_PS] = p.g_sp_nS, p.g_ps_nS
    nc[K.IE_S], nc[K.IE_D] = p.I_e_soma_pA, p.I_e_dend_pA
    nc[K.PHI_MAX], nc[K.SLOPE] = p.phi_max_per_ms, p.rate_slope
    nc[K.BETA], nc[K.THETA] = p.beta_per_mV, p.theta_mV
    nc[K.DT], nc[K.T_REF] = p.dt_ms, p.t_ref_ms
    return nc


def synapse_constants(p: UrbanczikParams, eta: float | None = None) -> np.ndarray:
    syn = np.zeros(K.N_SYNAPSE_CONSTANTS)
    syn[K.W_MIN], syn[K.W_MAX] = p.W_min_pA, p.W_max_pA
    syn[K.ETA] = p.eta if eta is None else eta
    syn[K.C_DEND], syn[K.GL_DEND] = p.C_dend_pF, p.g_L_dend_nS
    syn[K.TAU_S_EX], syn[K.TAU_S_IN] = p.tau_syn_ex_dend_ms, p.tau_syn_in_dend_ms
    return syn


def decay_table(p: UrbanczikParams) -> np.ndarray:
    """``exp(-t / tau)`` of the four synaptic variables on the half-substep grid of one step;
    the last column is exactly ``exp(-dt / tau)``."""
    n_sub = p.integrator_substeps
    taus = (p.tau_syn_ex_soma_ms, p.tau_syn_in_soma_ms, p.tau_syn_ex_dend_ms, p.tau_syn_in_dend_ms)
    grid = np.arange(2 * n_sub + 1) * (p.dt_ms / (2 * n_sub))
    table = np.exp(-grid[None, :] / np.asarray(taus)[:, None])
    table[:, -1] = np.exp(-p.dt_ms / np.asarray(taus))
    return table


def exp_tables(p: UrbanczikParams, n_steps: int) -> tuple[np.ndarray, ...]:
    """``exp(-j dt / tau)`` for ``j = 0 .. n_steps + 2 D`` of tau_L, tau_syn_ex, tau_syn_in (of
    the dendrite) and tau_Delta."""
    j_dt = np.arange(n_steps + 2 * p.delay_steps + 1) * p.dt_ms
    return tuple(
        np.exp(-j_dt / tau)
        for tau in (p.tau_L_dend_ms, p.tau_syn_ex_dend_ms, p.tau_syn_in_dend_ms, p.tau_Delta_ms)
    )


def options_array(p: UrbanczikParams, n_steps: int, plastic: bool) -> np.ndarray:
    options = np.zeros(K.N_OPTIONS, dtype=np.int64)
    options[K.PLASTIC] = int(plastic)
    options[K.CLIP_MODE] = CLIP_MODES[p.clip_mode]
    options[K.ERROR_SIGNAL] = ERROR_SIGNALS[p.error_signal]
    options[K.ALIGN_PSP] = int(p.align_psp_to_arrival)
    if p.plastic_without_teacher:
        options[K.GATE_FIRST], options[K.GATE_LAST] = 0, n_steps
    else:  # history entries of the teaching window only
        options[K.GATE_FIRST] = p.steps(p.t_start_ms)
        options[K.GATE_LAST] = p.steps(p.t_end_ms)
    options[K.INTEGRATOR] = INTEGRATORS[p.integrator]
    options[K.SUBSTEPS] = p.integrator_substeps
    options[K.DELAY] = p.delay_steps
    options[K.REFRACTORY] = p.refractory_steps
    return options


def simulate_protocol(
    p: UrbanczikParams,
    pattern_step: np.ndarray,
    pattern_input: np.ndarray,
    teacher_ex: np.ndarray,
    teacher_in: np.ndarray,
    uniforms: np.ndarray,
    n_presentations: int,
    *,
    w_start: np.ndarray | None = None,
    plastic: bool = True,
    eta: float | None = None,
    forced_spikes: np.ndarray | None = None,
) -> Run:
    """Present the pattern ``n_presentations`` times from rest (potentials ``V0``, synaptic
    variables 0) with the given teacher jumps (one per step, nS) and spike draws.

    ``w_start``: the weights at the start (default: ``init_weight_pA``, also the rule's initial
    weight); ``plastic=False`` freezes them; ``eta`` overrides the learning rate;
    ``forced_spikes`` (one count per step) replays a given somatic spike train.  A non-finite
    potential or weight raises :class:`synplast.kernels.guard.SimulationDiverged`.
    """
    n_steps = n_presentations * p.pattern_steps
    ev_step, ev_input = presynaptic_spikes(pattern_step, pattern_input, p, n_presentations)
    w0 = np.full(p.n_inputs, p.init_weight_pA)
    start = w0 if w_start is None else np.asarray(w_start, dtype=np.float64)
    traces = np.empty((n_steps, K.N_TRACES))
    tx_weight = np.full(ev_step.size, np.nan)
    dPI = np.zeros(n_steps + 1)
    forced = np.zeros(0, np.int64) if forced_spikes is None else forced_spikes.astype(np.int64)
    EL, ES_ex, ES_in, ED = exp_tables(p, n_steps)
    w_final, spikes, processed, status = K.simulate(
        n_steps,
        ev_step,
        ev_input,
        start,
        w0,
        teacher_ex[:n_steps],
        teacher_in[:n_steps],
        uniforms[:n_steps],
        forced,
        neuron_constants(p),
        synapse_constants(p, eta),
        options_array(p, n_steps, plastic),
        decay_table(p),
        EL,
        ES_ex,
        ES_in,
        ED,
        p.V0_soma_mV,
        p.V0_dend_mV,
        traces,
        tx_weight,
        dPI,
    )
    raise_if_diverged(
        status, K.VARIABLES, lambda k: f"t = {(k + 1) * p.dt_ms:g} ms, the end of the step"
    )
    return Run(
        traces,
        spikes,
        ev_step[:processed],
        ev_input[:processed],
        tx_weight[:processed],
        w_final,
        dPI,
    )


def spike_draws(seed: int, purpose: str, n_steps: int) -> np.ndarray:
    """One uniform draw per step for the somatic spike decisions (stream ``purpose``)."""
    return stream(seed, purpose).random(n_steps)


def rates(V: np.ndarray, p: UrbanczikParams) -> np.ndarray:
    """phi(V) in 1/ms, vectorised."""
    return p.phi_max_per_ms / (1.0 + p.rate_slope * np.exp(p.beta_per_mV * (p.theta_mV - V)))


def h_of(V: np.ndarray, p: UrbanczikParams) -> np.ndarray:
    return (
        15.0
        * p.beta_per_mV
        / (1.0 + (1.0 / p.rate_slope) * np.exp(-p.beta_per_mV * (p.theta_mV - V)))
    )


def v_star_of(V_dend: np.ndarray, p: UrbanczikParams) -> np.ndarray:
    return (p.E_L_soma_mV * p.g_L_soma_nS + V_dend * p.g_sp_nS) / (p.g_sp_nS + p.g_L_soma_nS)


def trace_dataset(
    traces: np.ndarray,
    spike_step: np.ndarray,
    tx_step: np.ndarray,
    tx_input: np.ndarray,
    tx_weight: np.ndarray,
    w_final: np.ndarray,
    p: UrbanczikParams,
) -> xr.Dataset:
    """The recorded run as a Dataset (shared with the NEST cross-check, which records the same
    quantities from NEST's multimeter, spike and weight recorders)."""
    U, V = traces[:, K.U_COL], traces[:, K.VD_COL]
    g_ex, g_in = traces[:, K.GEX_COL], traces[:, K.GIN_COL]
    Vs = v_star_of(V, p)
    f32 = np.float32

    def trace(values, units, long_name, **extra):
        return ("time_ms", np.asarray(values, dtype=f32), var_attrs(units, long_name, **extra))

    n_steps = traces.shape[0]
    return xr.Dataset(
        {
            "V_soma_mV": trace(U, "mV", "somatic potential U"),
            "V_dend_mV": trace(V, "mV", "dendritic potential V_w"),
            "V_star_mV": trace(Vs, "mV", "dendritic prediction V_w* of the somatic potential"),
            "U_M_mV": trace(
                matching_potential(g_ex, g_in, p),
                "mV",
                "matching potential of the recorded somatic conductances",
                may_be_nan=True,
            ),
            "g_ex_soma_nS": trace(g_ex, "nS", "somatic excitatory conductance"),
            "g_in_soma_nS": trace(g_in, "nS", "somatic inhibitory conductance"),
            "I_ex_dend_pA": trace(traces[:, K.IEX_COL], "pA", "dendritic excitatory current"),
            "I_in_dend_pA": trace(traces[:, K.IIN_COL], "pA", "dendritic inhibitory current"),
            "phi_soma_per_ms": trace(rates(U, p), "1/ms", "rate phi(U)"),
            "phi_dend_per_ms": trace(rates(V, p), "1/ms", "rate phi(V_w)"),
            "phi_star_per_ms": trace(rates(Vs, p), "1/ms", "rate phi(V_w*)"),
            "h_star": trace(h_of(Vs, p), "1", "sensitivity h(V_w*)"),
            "spike_step": (
                "spike",
                spike_step.astype(np.int64),
                var_attrs("1", "time index of the somatic spike (time = step dt)"),
            ),
            "tx_step": (
                "transmission",
                tx_step.astype(np.int64),
                var_attrs("1", "stamp of the presynaptic spike (time = step dt)"),
            ),
            "tx_input": (
                "transmission",
                tx_input.astype(np.int32),
                var_attrs("1", "input of the presynaptic spike", instance_dimension="input"),
            ),
            "tx_weight_pA": (
                "transmission",
                tx_weight,
                var_attrs("pA", "weight the presynaptic spike transmitted (after its update)"),
            ),
            "w_final_pA": ("input", w_final, var_attrs("pA", "weight at the end of the run")),
            "dt_ms": ((), p.dt_ms, var_attrs("ms", "simulation step")),
        },
        coords={
            "time_ms": (
                "time_ms",
                (np.arange(n_steps) + 1) * p.dt_ms,
                var_attrs("ms", "end of the simulation step"),
            ),
            "input": ("input", np.arange(p.n_inputs, dtype=np.int32), var_attrs("1", "input")),
        },
    )


def run_plastic(inputs: xr.Dataset, params: dict, seed: int) -> xr.Dataset:
    """The learning protocol, from the initial weights."""
    p = params_from_config(params)
    run = simulate_protocol(
        p,
        inputs["pattern_spike_step"].values,
        inputs["pattern_spike_input"].values,
        inputs["teacher_ex_jump_nS"].values,
        inputs["teacher_in_jump_nS"].values,
        spike_draws(seed, "soma_spikes", p.n_steps),
        p.n_presentations,
        w_start=inputs["w0_pA"].values,
    )
    return trace_dataset(
        run.traces, run.spike_step, run.tx_step, run.tx_input, run.tx_weight, run.w_final, p
    )
