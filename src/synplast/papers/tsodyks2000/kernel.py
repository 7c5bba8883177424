"""Numba kernel of the Tsodyks–Uziel–Markram network, on Brian2's schedule.

One call advances the whole network (LIF neurons, Tsodyks–Markram synapses) by ``n_steps``
clock steps of ``dt``, mutating the state arrays in place, so a run split into calls equals one
continuous call value for value.  Within step ``n`` (time ``n dt``) the order is Brian2's
default schedule ``start -> groups -> thresholds -> synapses -> resets``, the order of the
reference Brian2 simulation:

1. start: record the mean recovered fraction ``x`` over E->E synapses (start of the step);
2. groups: each neuron's drive ``I_X = sum_syn A y`` from the current ``y`` (so a spike at step
   ``n - 1`` acts from step ``n`` on); non-refractory neurons relax exactly towards
   ``v_inf = I_ee + I_ei + I_ie + I_ii + I_b``; every synapse propagates ``(x, y, u)`` exactly;
3. thresholds: spike if ``v > v_thresh`` and not refractory;
4. synapses: ``on_pre`` on every outgoing synapse of the neurons that spiked;
5. resets: ``v = v_reset`` for those neurons.

Units: ``v`` and drives in mV, ``A`` in mV, times in steps; the per-synapse propagators are
precomputed for the step ``dt``.  ``pre_indptr``/``pre_order`` and ``post_indptr``/``post_order``
group the synapses by pre- and by postsynaptic neuron, in stored synapse order within a group
(:func:`synplast.kernels.connectivity.synapse_index`).

Each phase is a small ``@njit(parallel=True)`` function with a ``prange`` over neurons or
synapses, called in schedule order from a serial loop over steps.  Every parallel loop is
element-wise, and each neuron sums its incoming synapses in a fixed (pathway, pre) order, as
Brian2 does, so the numbers do not depend on the thread count; the only reduction across
synapses (the mean ``x`` of E->E) runs serially.

Divergence guard (:mod:`synplast.kernels.guard`): after the groups phase of every step the new
``v`` of every neuron (before any reset, so an overflow to ``+inf`` is seen too) must be
finite.  Every synapse's ``y`` enters some neuron's drive, and ``x`` and ``u`` enter ``y`` at a
presynaptic spike, so a non-finite synaptic state shows there as well; the run then stops, and
the status names the first non-finite of ``x``, ``y``, ``u`` (else ``v``) and the step.  After
the last step of a call, ``x``, ``y`` and ``u`` are scanned once (a synapse whose neurons stay
silent shows nowhere else); what is found there is reported at that last step.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from synplast.kernels.lif import is_refractory, lif_exact_step
from synplast.kernels.spikes import append_spike, new_spike_buffers, trim_spikes
from synplast.kernels.stp import on_pre_depressing, on_pre_facilitating, propagate

VARIABLES = (
    ("v_mV", "membrane potential"),
    ("x", "recovered fraction x"),
    ("y", "active fraction y"),
    ("u", "facilitation variable u"),
)
"""Names of the guarded state variables, indexed by the code of :func:`advance`'s status."""


@njit(cache=True)
def mean_recovered_fraction(x, start, stop):
    """Mean of ``x[start:stop]`` summed in index order (serial, thread-count independent)."""
    total = 0.0
    for syn in range(start, stop):
        total += x[syn]
    return total / (stop - start)


@njit(cache=True)
def diverged_variable(v, x, y, u):
    """Code (index into :data:`VARIABLES`) and value of the first non-finite of ``x``, ``y``,
    ``u`` (synapses in stored order), else of ``v``; ``(-1, 0.0)`` if all are finite."""
    for code, values in ((1, x), (2, y), (3, u), (0, v)):
        for index in range(values.shape[0]):
            if not math.isfinite(values[index]):
                return code, values[index]
    return -1, 0.0


@njit(cache=True, parallel=True)
def update_neurons(
    step,
    v,
    lastspike_step,
    bias_mV,
    membrane_decay,
    v_thresh_mV,
    refractory_steps,
    syn_pathway,
    syn_A_mV,
    y,
    post_indptr,
    post_order,
    spiked,
):
    """Groups + thresholds: summed drive from ``y``, exact LIF step, spike test -> ``spiked``."""
    for k in prange(v.shape[0]):
        drive_ee = 0.0
        drive_ei = 0.0
        drive_ie = 0.0
        drive_ii = 0.0
        for idx in range(post_indptr[k], post_indptr[k + 1]):
            syn = post_order[idx]
            pathway = syn_pathway[syn]
            if pathway == 0:
                drive_ee += syn_A_mV[syn] * y[syn]
            elif pathway == 1:
                drive_ei += syn_A_mV[syn] * y[syn]
            elif pathway == 2:
                drive_ie += syn_A_mV[syn] * y[syn]
            else:
                drive_ii += syn_A_mV[syn] * y[syn]
        refractory = is_refractory(step, lastspike_step[k], refractory_steps[k])
        if not refractory:
            v_inf = drive_ee + drive_ei + drive_ie + drive_ii + bias_mV[k]
            v[k] = lif_exact_step(v[k], v_inf, membrane_decay)
        spiked[k] = (v[k] > v_thresh_mV) and not refractory


@njit(cache=True, parallel=True)
def propagate_synapses(x, y, u, decay_x, coupling_y, decay_y, decay_u):
    """Groups: exact propagation of every synapse's ``(x, y, u)`` over one step."""
    for syn in prange(x.shape[0]):
        x[syn], y[syn], u[syn] = propagate(
            x[syn], y[syn], u[syn], decay_x[syn], coupling_y[syn], decay_y, decay_u[syn]
        )


@njit(cache=True, parallel=True)
def spike_and_reset(
    step,
    spiked,
    v,
    lastspike_step,
    v_reset_mV,
    syn_U,
    syn_facilitating,
    x,
    y,
    u,
    pre_indptr,
    pre_order,
):
    """Synapses + resets: ``on_pre`` on each spiking neuron's synapses, then ``v = v_reset``.

    Each synapse has one presynaptic neuron, so the neurons' loops touch disjoint synapses.
    """
    for j in prange(v.shape[0]):
        if spiked[j]:
            for idx in range(pre_indptr[j], pre_indptr[j + 1]):
                syn = pre_order[idx]
                if syn_facilitating[syn]:
                    x[syn], y[syn], u[syn] = on_pre_facilitating(x[syn], y[syn], u[syn], syn_U[syn])
                else:
                    x[syn], y[syn] = on_pre_depressing(x[syn], y[syn], syn_U[syn])
            lastspike_step[j] = step
            v[j] = v_reset_mV


@njit(cache=True)
def advance(
    n_steps,
    start_step,
    v,
    lastspike_step,
    bias_mV,
    membrane_decay,
    v_thresh_mV,
    v_reset_mV,
    refractory_steps,
    syn_pathway,
    syn_A_mV,
    syn_U,
    syn_facilitating,
    decay_x,
    coupling_y,
    decay_y,
    decay_u,
    x,
    y,
    u,
    pre_indptr,
    pre_order,
    post_indptr,
    post_order,
    ee_start,
    ee_stop,
    record_x_mean,
):
    """Advance the network by ``n_steps`` from ``start_step``, in place.

    Returns ``(spike_step int64, spike_neuron int32, x_mean_ee float64[n_steps], status)``:
    the spikes as a ragged array (:mod:`synplast.kernels.spikes`; clock steps, not ms, neurons
    ascending within a step), the mean E->E ``x`` at the start of each step, empty unless
    ``record_x_mean``, and the divergence status ``(step, code, value)`` of
    :mod:`synplast.kernels.guard` (step -1: none; otherwise the run stopped in that step and
    ``code`` indexes :data:`VARIABLES`).
    """
    n_neurons = v.shape[0]
    spiked = np.zeros(n_neurons, dtype=np.bool_)
    spike_step, spike_neuron = new_spike_buffers(1024)
    n_spikes = 0
    x_mean_ee = np.zeros(n_steps if record_x_mean else 0, dtype=np.float64)
    bad_step, bad_code, bad_value = -1, 0, 0.0
    for offset in range(n_steps):
        step = start_step + offset
        if record_x_mean and ee_stop > ee_start:  # 1. start: StateMonitor
            x_mean_ee[offset] = mean_recovered_fraction(x, ee_start, ee_stop)
        update_neurons(  # 2. groups (neurons) and 3. thresholds
            step,
            v,
            lastspike_step,
            bias_mV,
            membrane_decay,
            v_thresh_mV,
            refractory_steps,
            syn_pathway,
            syn_A_mV,
            y,
            post_indptr,
            post_order,
            spiked,
        )
        for k in range(n_neurons):  # divergence guard: the new v, before any reset
            if not math.isfinite(v[k]):
                bad_step = step
                bad_code, bad_value = diverged_variable(v, x, y, u)
                break
        if bad_step >= 0:
            break
        propagate_synapses(x, y, u, decay_x, coupling_y, decay_y, decay_u)  # 2. groups
        spike_and_reset(  # 4. synapses (on_pre) and 5. resets
            step,
            spiked,
            v,
            lastspike_step,
            v_reset_mV,
            syn_U,
            syn_facilitating,
            x,
            y,
            u,
            pre_indptr,
            pre_order,
        )
        for k in range(n_neurons):  # SpikeMonitor
            if spiked[k]:
                spike_step, spike_neuron = append_spike(spike_step, spike_neuron, n_spikes, step, k)
                n_spikes += 1
    if bad_step < 0 and n_steps > 0:  # the synaptic state the last step left
        bad_code, bad_value = diverged_variable(v, x, y, u)
        if bad_code >= 0:
            bad_step = start_step + n_steps - 1
    spike_step, spike_neuron = trim_spikes(spike_step, spike_neuron, n_spikes)
    return spike_step, spike_neuron, x_mean_ee, (bad_step, bad_code, bad_value)
