"""Exponential synaptic traces, one clock step at a time.

A trace ``tau dx/dt = -x + sum_spikes(...)`` (or driven by a continuous quantity such as the
membrane potential) is advanced over one step ``dt`` as

    ``x[i] = decay * x[i-1] + increment[i]``,   ``decay = exp(-dt / tau)`` (dimensionless),

where ``increment`` is what the step adds, in the trace's own units (e.g. ``dt V[i-1] / tau``
in mV for a low-pass filtered membrane potential, ``dt S[i-1] / tau`` in 1 for a spike trace).
The caller computes ``decay`` once and ``increment`` per step; the multiply-then-add order here
is the order of the reference simulators (no fused multiply-add: results stay bit-identical to a
NumPy transliteration).
"""

from __future__ import annotations

from numba import njit

__all__ = ["exponential_trace_step"]


@njit(cache=True)
def exponential_trace_step(trace, decay, increment):
    """One step of an exponential trace: ``decay * trace + increment``.

    ``trace`` and ``increment`` share their units (mV for a filtered voltage, 1 for a spike
    trace); ``decay = exp(-dt / tau)`` is dimensionless.
    """
    return decay * trace + increment
