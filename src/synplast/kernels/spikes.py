"""Ragged spike recording with growing buffers, for use inside Numba kernels.

A spike raster is stored as a CF-style ragged array ("contiguous ragged array" in the CF
conventions' terms, without the count variable): two parallel 1-D arrays, one entry per spike,

- ``steps``: the clock step at which the spike occurred (an integer step index, *not* a time
  in ms; multiply by ``dt`` to get a time), int64;
- ``neurons``: the index of the neuron that spiked (0-based, in the network's neuron order),
  int32.

Spikes are appended in the order the kernel detects them (step ascending, and within a step in
the order the neurons are visited).  The buffers start at a caller-chosen capacity and double
whenever they are full, so appending is amortised O(1); the kernel keeps a ``count`` of the
entries written and trims the buffers once at the end with :func:`trim_spikes`.

Typical use inside an ``@njit`` kernel::

    steps, neurons = new_spike_buffers(1024)
    count = 0
    for step in range(n_steps):
        ...
        if spiked:
            steps, neurons = append_spike(steps, neurons, count, step, k)
            count += 1
    return trim_spikes(steps, neurons, count)

Growing does not change the recorded values: only the capacity of the buffers changes.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["append_spike", "new_spike_buffers", "trim_spikes"]


@njit(cache=True, nogil=True)
def new_spike_buffers(capacity):
    """Empty ``(steps int64[capacity], neurons int32[capacity])`` buffers (contents undefined).

    ``capacity`` is the number of spikes the buffers hold before they first grow; a guess of the
    number of spikes avoids copies, but any value >= 0 is correct.
    """
    return np.empty(capacity, np.int64), np.empty(capacity, np.int32)


@njit(cache=True, nogil=True)
def append_spike(steps, neurons, count, step, neuron):
    """Write the spike ``(step, neuron)`` at position ``count``; returns ``(steps, neurons)``.

    ``count`` is the number of spikes already recorded (the caller increments it after the
    call).  When the buffers are full (``count == capacity``) they are replaced by buffers of
    twice the capacity (at least 1), of the same dtypes, holding the first ``count`` entries;
    always use the returned arrays.  ``step`` is a clock-step index, ``neuron`` a neuron index.
    """
    if count == steps.shape[0]:
        capacity = max(2 * steps.shape[0], 1)
        grown_steps = np.empty(capacity, steps.dtype)
        grown_neurons = np.empty(capacity, neurons.dtype)
        grown_steps[:count] = steps[:count]
        grown_neurons[:count] = neurons[:count]
        steps, neurons = grown_steps, grown_neurons
    steps[count] = step
    neurons[count] = neuron
    return steps, neurons


@njit(cache=True, nogil=True)
def trim_spikes(steps, neurons, count):
    """The ``count`` recorded spikes as fresh arrays ``(steps, neurons)`` of exactly that length."""
    return steps[:count].copy(), neurons[:count].copy()
