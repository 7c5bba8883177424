"""Numba kernel of the Tsodyks–Uziel–Markram network, on Brian2's schedule.

One call advances the whole network (LIF neurons, Tsodyks–Markram synapses) by ``n_steps``
clock steps of ``dt``, mutating the state arrays in place, so a run split into calls equals one
continuous call value for value.  Within step ``n`` (time ``n dt``) the order is Brian2's
default schedule ``start -> groups -> thresholds -> synapses -> resets`` (spec §2.6):

1. start: record the mean recovered fraction ``x`` over E->E synapses (start of the step);
2. groups: each neuron's drive ``I_X = sum_syn A y`` from the current ``y`` (so a spike at step
   ``n - 1`` acts from step ``n`` on); non-refractory neurons relax exactly towards
   ``v_inf = I_ee + I_ei + I_ie + I_ii + I_b``; every synapse propagates ``(x, y, u)`` exactly;
3. thresholds: spike if ``v > v_thresh`` and not refractory;
4. synapses: ``on_pre`` on every outgoing synapse of the neurons that spiked;
5. resets: ``v = v_reset`` for those neurons.

Units: ``v`` and drives in mV, ``A`` in mV, times in steps; the per-synapse propagators are
precomputed for the step ``dt``.

The same source is compiled twice, serial and parallel (``prange`` over neurons and synapses).
The parallel loops are element-wise with fixed summation order per neuron (incoming synapses
in (pathway, pre) order, as Brian2 sums them), so the result does not depend on the thread
count; the only reduction across synapses (the mean ``x`` of E->E) runs serially.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from synplast.kernels.lif import is_refractory, lif_exact_step
from synplast.kernels.stp import on_pre_depressing, on_pre_facilitating, propagate

PATHWAYS = ("ee", "ei", "ie", "ii")
"""Pathway codes 0-3 of ``syn_pathway``, named source->target as in Brian2 (ei is E->I)."""


def _advance(
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
    n_neurons = v.shape[0]
    n_syn = x.shape[0]
    spiked = np.zeros(n_neurons, dtype=np.bool_)
    capacity = 1024
    spike_step = np.empty(capacity, dtype=np.int64)
    spike_neuron = np.empty(capacity, dtype=np.int32)
    n_spikes = 0
    x_mean_ee = np.zeros(n_steps if record_x_mean else 0, dtype=np.float64)
    n_ee = ee_stop - ee_start
    for offset in range(n_steps):
        step = start_step + offset
        # 1. start: the StateMonitor samples x before anything moves
        if record_x_mean and n_ee > 0:
            total = 0.0
            for s in range(ee_start, ee_stop):
                total += x[s]
            x_mean_ee[offset] = total / n_ee
        # 2a. groups: summed drive from current y, exact LIF step, threshold and reset
        for k in prange(n_neurons):
            drive_ee = 0.0
            drive_ei = 0.0
            drive_ie = 0.0
            drive_ii = 0.0
            for idx in range(post_indptr[k], post_indptr[k + 1]):
                s = post_order[idx]
                pathway = syn_pathway[s]
                if pathway == 0:
                    drive_ee += syn_A_mV[s] * y[s]
                elif pathway == 1:
                    drive_ei += syn_A_mV[s] * y[s]
                elif pathway == 2:
                    drive_ie += syn_A_mV[s] * y[s]
                else:
                    drive_ii += syn_A_mV[s] * y[s]
            refractory = is_refractory(step, lastspike_step[k], refractory_steps[k])
            if not refractory:
                v_inf = drive_ee + drive_ei + drive_ie + drive_ii + bias_mV[k]
                v[k] = lif_exact_step(v[k], v_inf, membrane_decay)
            spiked[k] = (v[k] > v_thresh_mV) and not refractory
        # 2b. groups: exact propagation of every synapse over the step
        for s in prange(n_syn):
            x[s], y[s], u[s] = propagate(
                x[s], y[s], u[s], decay_x[s], coupling_y[s], decay_y, decay_u[s]
            )
        # 3.-5. thresholds, on_pre of spiking neurons' synapses, resets
        for j in prange(n_neurons):
            if spiked[j]:
                for idx in range(pre_indptr[j], pre_indptr[j + 1]):
                    s = pre_order[idx]
                    if syn_facilitating[s]:
                        x[s], y[s], u[s] = on_pre_facilitating(x[s], y[s], u[s], syn_U[s])
                    else:
                        x[s], y[s] = on_pre_depressing(x[s], y[s], syn_U[s])
                lastspike_step[j] = step
                v[j] = v_reset_mV
        for k in range(n_neurons):
            if spiked[k]:
                if n_spikes == capacity:
                    capacity *= 2
                    grown_step = np.empty(capacity, dtype=np.int64)
                    grown_neuron = np.empty(capacity, dtype=np.int32)
                    grown_step[:n_spikes] = spike_step[:n_spikes]
                    grown_neuron[:n_spikes] = spike_neuron[:n_spikes]
                    spike_step, spike_neuron = grown_step, grown_neuron
                spike_step[n_spikes] = step
                spike_neuron[n_spikes] = k
                n_spikes += 1
    return spike_step[:n_spikes].copy(), spike_neuron[:n_spikes].copy(), x_mean_ee


advance_serial = njit(cache=True)(_advance)
advance_parallel = njit(cache=True, parallel=True)(_advance)


def advance(*args, parallel: bool = False):
    """Advance the network; ``parallel`` picks the ``prange`` build (same numbers)."""
    return (advance_parallel if parallel else advance_serial)(*args)
