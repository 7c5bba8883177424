"""Leaky integrate-and-fire building blocks (exact integration over one clock step).

For ``tau dv/dt = -v + v_inf`` with ``v_inf`` held constant over the step (all drive in mV),
the exact solution over ``dt`` is ``v' = v_inf + (v - v_inf) * exp(-dt / tau)``.

Refractoriness follows Brian2: a neuron that spiked at step ``n_spike`` is refractory while
``n - n_spike < refractory_steps``, where ``refractory_steps = timestep(tau_refrac, dt)``; during
that time ``v`` is frozen (at the reset value) and the neuron cannot spike.
"""

from __future__ import annotations

import math

from numba import njit

NEVER_SPIKED = -(2**40)
"""``lastspike_step`` of a neuron that has not spiked yet (Brian2 uses ``lastspike = -1e4 s``)."""


def timestep(duration_ms: float, dt_ms: float) -> int:
    """Whole clock steps in ``duration_ms``, as Brian2's ``timestep``: int((t + 1e-3 dt) / dt)."""
    return int((duration_ms + 1e-3 * dt_ms) / dt_ms)


def membrane_decay(dt_ms: float, tau_mem_ms: float) -> float:
    """Propagator ``exp(-dt / tau_mem)`` of the membrane over one step."""
    return math.exp(-dt_ms / tau_mem_ms)


@njit(cache=True)
def lif_exact_step(v_mV, v_inf_mV, decay):
    """One exact step of ``tau dv/dt = -v + v_inf``: relax towards ``v_inf`` by ``decay``."""
    return v_inf_mV + (v_mV - v_inf_mV) * decay


@njit(cache=True)
def is_refractory(step, lastspike_step, refractory_steps):
    """True while fewer than ``refractory_steps`` steps have passed since the last spike."""
    return step - lastspike_step < refractory_steps
