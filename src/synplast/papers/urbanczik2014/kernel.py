"""Numba kernel of urbanczik2014: NEST's ``pp_cond_exp_mc_urbanczik`` neuron with dendritic
``urbanczik_synapse`` connections, one 0.1 ms resolution step at a time.

The neuron has a conductance-based soma (potential U, conductances g_ex and g_in) and a
current-based dendrite (potential V_d, currents I_ex and I_in), coupled by g_sp (dendrite to
soma) and g_ps (soma to dendrite, 0 by default, so the dendrite is open-loop).  It spikes
stochastically with rate phi(U), has a dead time but no reset.  One step ``k`` covers
``(k dt, (k + 1) dt]``, in NEST's order:

1. every presynaptic spike whose current lands at the end of this step (stamp ``S`` with
   ``S + D - 1 == k``, ``D`` the dendritic delay in steps) updates its synapse's weight from the
   dendritic history (:func:`synapse_event`) and adds the new weight to this step's jump of I_ex;
2. the membrane potentials are integrated over the step with the conductances and currents
   decaying exactly (``rk4``: classical Runge-Kutta on ``integrator_substeps`` substeps, the
   decays evaluated in closed form at every stage; ``exponential_euler``: each potential relaxes
   exactly towards its momentary fixed point, coefficients frozen per substep);
3. the jumps of the step are added: the teacher's conductances at the soma, the synaptic weights
   at the dendrite (spikes arrive at the end of a step, after integration);
4. spike generation: outside the dead time one spike with probability
   ``-expm1(-phi(U) dt)`` (a Poisson count when ``t_ref`` is 0), then a dead time of
   ``round(t_ref / dt)`` steps; inside it the counter decreases;
5. the history entry ``m = k + 1`` (time ``m dt``): ``dPI_m = (n - phi(V_w*) dt) h(V_w*)`` with
   ``V_w*`` from the end-of-step dendritic potential (the entry is written during the dead time
   too, with ``n = 0``).

The synapse is NEST's event-driven update: at a presynaptic spike with stamp ``S`` it consumes
the history entries ``S_last - D < m <= S - D`` (every entry exactly once per synapse), pairing
entry ``m`` with the unnormalised PSP kernel ``e^{-s/tau_L} - e^{-s/tau_s}`` evaluated at
``s = (m + D - S_last) dt`` from the presynaptic traces, accumulates the integral and its
``tau_Delta`` low-pass, and transmits the weight ``w0 + (PI - PI_exp) 15 C tau_s eta / (g_L
(tau_L - tau_s))``, clipped to ``[W_min, W_max]`` (the accumulators are not clipped unless the
``clip_mode`` flag says so).  The history is one array indexed by entry, so a synapse walks only
the entries since its own last spike: the cost per step is constant however long the run
(NEST's history is never pruned while any input is silent, and every spike scans it from its
start).  The model and every flag are described in ``docs/papers/urbanczik2014.md``.

Divergence guard (:mod:`synplast.kernels.guard`): every step checks the new somatic and
dendritic potentials and the sum of the weights transmitted in the step (a clip bounds an
infinite weight but lets a NaN through); the conductances, currents and the history all enter
the potentials.  At the first non-finite value the run stops and :func:`simulate` returns the
step and the variable (:data:`VARIABLES`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from synplast.kernels.spikes import append_spike, new_spike_buffers, trim_spikes

# --- indices of the neuron constants array (see neuron_constants in plastic.py)
C_S, C_D, GL_S, GL_D, EL_S, EL_D, EEX_S, EIN_S, G_SP, G_PS = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9
IE_S, IE_D, PHI_MAX, SLOPE, BETA, THETA, DT, T_REF = 10, 11, 12, 13, 14, 15, 16, 17
N_NEURON_CONSTANTS = 18

# --- indices of the synapse constants array (see synapse_constants in plastic.py)
W_MIN, W_MAX, ETA, C_DEND, GL_DEND, TAU_S_EX, TAU_S_IN = 0, 1, 2, 3, 4, 5, 6
N_SYNAPSE_CONSTANTS = 7

# --- indices of the integer options array
PLASTIC, CLIP_MODE, ERROR_SIGNAL, ALIGN_PSP, GATE_FIRST, GATE_LAST = 0, 1, 2, 3, 4, 5
INTEGRATOR, SUBSTEPS, DELAY, REFRACTORY = 6, 7, 8, 9
N_OPTIONS = 10

# --- columns of the recorded traces
U_COL, VD_COL, GEX_COL, GIN_COL, IEX_COL, IIN_COL = 0, 1, 2, 3, 4, 5
N_TRACES = 6

VARIABLES = (
    ("tx_weight_pA", "weight transmitted by a presynaptic spike"),
    ("V_soma_mV", "somatic potential U"),
    ("V_dend_mV", "dendritic potential V_w"),
)
"""Names of the guarded variables, indexed by the code of :func:`simulate`'s status."""


@njit(cache=True)
def phi(u, phi_max, rate_slope, beta, theta):
    """Rate function, ``phi_max / (1 + k exp(beta (theta - u)))``, in 1/ms."""
    return phi_max / (1.0 + rate_slope * math.exp(beta * (theta - u)))


@njit(cache=True)
def h_factor(u, rate_slope, beta, theta):
    """``15 beta / (1 + (1/k) exp(-beta (theta - u)))``: 15 mV times d ln(phi)/du."""
    return 15.0 * beta / (1.0 + (1.0 / rate_slope) * math.exp(-beta * (theta - u)))


@njit(cache=True)
def v_star(v_dend, E_L_soma, g_L_soma, g_sp):
    """Dendritic prediction of the somatic potential, ``(E_L g_L + V_d g_sp)/(g_sp + g_L)``."""
    return (E_L_soma * g_L_soma + v_dend * g_sp) / (g_sp + g_L_soma)


@njit(cache=True)
def poisson_count(mean, u):
    """Poisson count of the given mean by inversion of the uniform draw ``u``."""
    p = math.exp(-mean)
    cumulative = p
    n = 0
    while u > cumulative and n < 10_000:
        n += 1
        p *= mean / n
        cumulative += p
    return n


@njit(cache=True)
def synapse_event(
    S, i, dPI, w, w0, pi_int, pi_exp, tr_L, tr_s, last, EL, ES_ex, ES_in, ED, syn, D, options
):
    """Process the presynaptic spike with stamp ``S`` (in steps) of input ``i``; returns the
    transmitted weight.

    Per-input state, updated in place: weight ``w``, initial weight ``w0``, the accumulated
    integral ``pi_int`` and its low-pass ``pi_exp``, the presynaptic traces ``tr_L`` (decay
    tau_L) and ``tr_s`` (tau_s), and the stamp of the last spike ``last`` (-1: none yet).
    ``dPI[m]`` is the history entry of time ``m dt``; ``EL``, ``ES_ex``, ``ES_in`` and ``ED`` are
    ``exp(-j dt / tau)`` tables of tau_L, tau_syn_ex, tau_syn_in (dendrite) and tau_Delta,
    indexed by a number of steps ``j``; ``D`` is the dendritic delay in steps.  With
    ``options[PLASTIC] == 0`` the weight is frozen.  tau_s is tau_syn_ex while the weight is
    positive, tau_syn_in otherwise (NEST's choice, made before the update).
    """
    if options[PLASTIC] == 0:
        last[i] = S
        return w[i]
    use_ex = w[i] > 0.0
    ES = ES_ex if use_ex else ES_in
    tau_s = syn[TAU_S_EX] if use_ex else syn[TAU_S_IN]
    C_m, g_L = syn[C_DEND], syn[GL_DEND]
    tau_L = C_m / g_L
    S_last = last[i]
    if S_last >= 0:
        align = options[ALIGN_PSP] != 0
        trL, trS = tr_L[i], tr_s[i]
        d_exp = 0.0
        first = S_last - D + 1
        if first < 1:
            first = 1
        for m in range(first, S - D + 1):
            if align:
                s = m - D - S_last  # steps since the last spike arrived at the dendrite
                if s >= 0:
                    psp = trL * EL[s] - trS * ES[s]
                else:  # the last spike has not arrived yet: the earlier ones only
                    psp = (trL - 1.0) / EL[-s] - (trS - 1.0) / ES[-s]
            else:
                j = m + D - S_last  # NEST: the entry's time plus the delay, minus t_last
                psp = trL * EL[j] - trS * ES[j]
            PI = psp * dPI[m]
            pi_int[i] += PI
            d_exp += ED[S - m - D] * PI
        pi_exp[i] = ED[S - S_last] * pi_exp[i] + d_exp
        tr_L[i] = trL * EL[S - S_last] + 1.0
        tr_s[i] = trS * ES[S - S_last] + 1.0
    else:  # first spike: the traces were 0, so the walk adds nothing
        tr_L[i] = 1.0
        tr_s[i] = 1.0
    last[i] = S
    raw = pi_int[i] - pi_exp[i]
    # NEST's expression and evaluation order
    unclipped = w0[i] + raw * 15.0 * C_m * tau_s * syn[ETA] / (g_L * (tau_L - tau_s))
    weight = unclipped
    if weight > syn[W_MAX]:
        weight = syn[W_MAX]
    elif weight < syn[W_MIN]:
        weight = syn[W_MIN]
    if options[CLIP_MODE] == 1 and weight != unclipped:
        factor = 15.0 * C_m * tau_s * syn[ETA] / (g_L * (tau_L - tau_s))
        if factor != 0.0:
            pi_int[i] -= (unclipped - weight) / factor
    w[i] = weight
    return weight


@njit(cache=True)
def _derivatives(U, V, g_ex, g_in, I_ex, I_in, nc):
    """Right-hand side of the two membrane equations (NEST's expressions)."""
    dU = (
        -nc[GL_S] * (U - nc[EL_S])
        - g_ex * (U - nc[EEX_S])
        - g_in * (U - nc[EIN_S])
        + nc[G_SP] * (V - U)
        + nc[IE_S]
    ) / nc[C_S]
    dV = (-nc[GL_D] * (V - nc[EL_D]) + I_ex + I_in + nc[G_PS] * (U - V) + nc[IE_D]) / nc[C_D]
    return dU, dV


@njit(cache=True)
def integrate_step(U, V, g_ex, g_in, I_ex, I_in, nc, decay, integrator, n_sub):
    """Advance (U, V_d) over one step with the synaptic variables decaying exactly.

    ``decay[c, l]`` is ``exp(-l (dt / 2 n_sub) / tau_c)`` for the four synaptic variables
    ``c`` (g_ex, g_in of the soma, I_ex, I_in of the dendrite) at the half-substep grid ``l =
    0 .. 2 n_sub``, so every Runge-Kutta stage sees the exact conductances and currents.
    Returns the new ``(U, V_d)``; the synaptic variables at the end are ``x decay[c, 2 n_sub]``.
    """
    delta = nc[DT] / n_sub
    for sub in range(n_sub):
        l0 = 2 * sub
        if integrator == 0:  # classical RK4
            k1U, k1V = _derivatives(
                U,
                V,
                g_ex * decay[0, l0],
                g_in * decay[1, l0],
                I_ex * decay[2, l0],
                I_in * decay[3, l0],
                nc,
            )
            k2U, k2V = _derivatives(
                U + 0.5 * delta * k1U,
                V + 0.5 * delta * k1V,
                g_ex * decay[0, l0 + 1],
                g_in * decay[1, l0 + 1],
                I_ex * decay[2, l0 + 1],
                I_in * decay[3, l0 + 1],
                nc,
            )
            k3U, k3V = _derivatives(
                U + 0.5 * delta * k2U,
                V + 0.5 * delta * k2V,
                g_ex * decay[0, l0 + 1],
                g_in * decay[1, l0 + 1],
                I_ex * decay[2, l0 + 1],
                I_in * decay[3, l0 + 1],
                nc,
            )
            k4U, k4V = _derivatives(
                U + delta * k3U,
                V + delta * k3V,
                g_ex * decay[0, l0 + 2],
                g_in * decay[1, l0 + 2],
                I_ex * decay[2, l0 + 2],
                I_in * decay[3, l0 + 2],
                nc,
            )
            U = U + delta / 6.0 * (k1U + 2.0 * k2U + 2.0 * k3U + k4U)
            V = V + delta / 6.0 * (k1V + 2.0 * k2V + 2.0 * k3V + k4V)
        else:  # exponential Euler: exact relaxation with the coefficients of the substep start
            gex, gin = g_ex * decay[0, l0], g_in * decay[1, l0]
            Iex, Iin = I_ex * decay[2, l0], I_in * decay[3, l0]
            aU = nc[GL_S] + gex + gin + nc[G_SP]
            U_inf = (
                nc[GL_S] * nc[EL_S] + gex * nc[EEX_S] + gin * nc[EIN_S] + nc[G_SP] * V + nc[IE_S]
            ) / aU
            aV = nc[GL_D] + nc[G_PS]
            V_inf = (nc[GL_D] * nc[EL_D] + Iex + Iin + nc[G_PS] * U + nc[IE_D]) / aV
            U = U_inf + (U - U_inf) * math.exp(-aU * delta / nc[C_S])
            V = V_inf + (V - V_inf) * math.exp(-aV * delta / nc[C_D])
    return U, V


@njit(cache=True)
def simulate(
    n_steps,
    ev_step,
    ev_input,
    w_start,
    w0,
    teacher_ex,
    teacher_in,
    uniforms,
    forced_spikes,
    nc,
    syn,
    options,
    decay,
    EL,
    ES_ex,
    ES_in,
    ED,
    U_init,
    V_init,
    traces,
    tx_weight,
    dPI,
):
    """Run ``n_steps`` steps from rest-like initial potentials ``U_init``, ``V_init`` (synaptic
    variables 0).

    Presynaptic spikes: stamps ``ev_step`` (steps, sorted) of inputs ``ev_input``; a spike whose
    current would land after the run is not processed.  ``w_start`` are the weights at the start
    (copied), ``w0`` the rule's initial weights.  ``teacher_ex[k]``, ``teacher_in[k]``: the
    somatic conductance jumps at the end of step ``k`` (nS).  ``uniforms[k]``: the draw of the
    spike decision of step ``k``; ``forced_spikes`` (empty, or one count per step) replays a
    given somatic spike train instead.  ``nc``, ``syn``, ``options``: constant arrays indexed by
    the module's constants; ``decay`` and the ``exp`` tables: see :func:`integrate_step` and
    :func:`synapse_event`.

    Writes the state at the end of every step into ``traces[k, :]`` (columns ``U, V_d, g_ex,
    g_in, I_ex, I_in``), the transmitted weight of every processed spike into ``tx_weight`` and
    the history into ``dPI``.  Returns ``(weights at the end, spike steps, number of processed
    spikes, status)``; a spike's step is its time index ``k + 1`` (time ``(k + 1) dt``); the
    divergence status ``(step, code, value)`` of :mod:`synplast.kernels.guard` is step -1 if
    every checked value stayed finite, else the step ``k`` at which the run stopped, ``code``
    indexing :data:`VARIABLES`.
    """
    n_in = w_start.shape[0]
    w = w_start.copy()
    pi_int = np.zeros(n_in)
    pi_exp = np.zeros(n_in)
    tr_L = np.zeros(n_in)
    tr_s = np.zeros(n_in)
    last = np.full(n_in, -1, np.int64)
    D = options[DELAY]
    n_sub = options[SUBSTEPS]
    integrator = options[INTEGRATOR]
    gate_first, gate_last = options[GATE_FIRST], options[GATE_LAST]
    error_signal = options[ERROR_SIGNAL]
    dt = nc[DT]
    forced = forced_spikes.shape[0] > 0
    U, V = U_init, V_init
    g_ex = g_in = I_ex = I_in = 0.0
    r = 0
    spike_steps, spike_neurons = new_spike_buffers(1024)
    n_spikes_total = 0
    p = 0
    n_ev = ev_step.shape[0]
    status = (-1, 0, 0.0)
    for k in range(n_steps):
        # 1. presynaptic spikes whose current lands at the end of this step
        jump = 0.0
        while p < n_ev and ev_step[p] + D - 1 <= k:
            weight = synapse_event(
                ev_step[p],
                ev_input[p],
                dPI,
                w,
                w0,
                pi_int,
                pi_exp,
                tr_L,
                tr_s,
                last,
                EL,
                ES_ex,
                ES_in,
                ED,
                syn,
                D,
                options,
            )
            tx_weight[p] = weight
            jump += weight
            p += 1
        if not math.isfinite(jump):  # divergence guard: the weights
            status = (k, 0, jump)
            break
        # 2. integrate the step
        U, V = integrate_step(U, V, g_ex, g_in, I_ex, I_in, nc, decay, integrator, n_sub)
        if not math.isfinite(U):  # divergence guard: the potentials
            status = (k, 1, U)
            break
        if not math.isfinite(V):
            status = (k, 2, V)
            break
        g_ex *= decay[0, 2 * n_sub]
        g_in *= decay[1, 2 * n_sub]
        I_ex *= decay[2, 2 * n_sub]
        I_in *= decay[3, 2 * n_sub]
        # 3. spikes arrive at the end of the step
        g_ex += teacher_ex[k]
        g_in += teacher_in[k]
        I_ex += jump
        # 4. spike generation (no reset)
        n = 0
        if forced:
            n = forced_spikes[k]
        elif r == 0:
            rate = 1000.0 * phi(U, nc[PHI_MAX], nc[SLOPE], nc[BETA], nc[THETA])
            if rate > 0.0:
                if nc[T_REF] > 0.0:
                    if uniforms[k] <= -math.expm1(-rate * dt * 1e-3):
                        n = 1
                else:
                    n = poisson_count(rate * dt * 1e-3, uniforms[k])
                if n > 0:
                    r = options[REFRACTORY]
        else:
            r -= 1
        for _ in range(n):
            spike_steps, spike_neurons = append_spike(
                spike_steps, spike_neurons, n_spikes_total, k + 1, 0
            )
            n_spikes_total += 1
        # 5. the history entry of time (k + 1) dt
        m = k + 1
        vs = v_star(V, nc[EL_S], nc[GL_S], nc[G_SP])
        h_val = h_factor(vs, nc[SLOPE], nc[BETA], nc[THETA])
        if error_signal == 0:
            entry = (n - phi(vs, nc[PHI_MAX], nc[SLOPE], nc[BETA], nc[THETA]) * dt) * h_val
        else:
            entry = n * h_val
        if m <= gate_first or m > gate_last:
            entry = 0.0
        dPI[m] = entry
        traces[k, U_COL] = U
        traces[k, VD_COL] = V
        traces[k, GEX_COL] = g_ex
        traces[k, GIN_COL] = g_in
        traces[k, IEX_COL] = I_ex
        traces[k, IIN_COL] = I_in
    steps, _ = trim_spikes(spike_steps, spike_neurons, n_spikes_total)
    return w, steps, p, status


@njit(cache=True)
def conductance_trace(jumps, decay):
    """``g[k] = g[k - 1] decay + jumps[k]`` from ``g[-1] = 0``: a conductance driven only by the
    jumps, at the end of every step (the same operations as :func:`simulate`)."""
    out = np.empty_like(jumps)
    g = 0.0
    for k in range(jumps.shape[0]):
        g *= decay
        g += jumps[k]
        out[k] = g
    return out
