"""Tsodyks–Markram short-term plasticity: exact propagators and presynaptic updates.

Three-state model (recovered ``x``, active ``y``, inactive ``z = 1 - x - y``)::

    dx/dt = z / tau_rec        dy/dt = -y / tau_I        du/dt = -u / tau_facil

Between spikes, over an interval ``delta``, the exact solution is::

    y' = y exp(-delta/tau_I)
    1 - x' = (1 - x) exp(-delta/tau_rec)
             + y tau_I (exp(-delta/tau_I) - exp(-delta/tau_rec)) / (tau_I - tau_rec)
    u' = u exp(-delta/tau_facil)

so ``1 - x`` is propagated by a per-synapse decay and a coupling to ``y``
(:func:`recovery_propagators`).  The two-state model of NEST's ``tsodyks2_synapse``
(``synapse_model: tm2``) has no inactive pool: its ``1 - x`` decays with ``tau_rec`` at once,
i.e. the coupling is zero.

At a presynaptic spike (after propagation to the spike time):

- depressing:    ``y += U x;  x -= U x``            (y first, with x before depletion)
- facilitating:  ``u += U (1 - u);  y += u x;  x -= u x``   (with the freshly updated u)
"""

from __future__ import annotations

import numpy as np
from numba import njit


def recovery_propagators(delta_ms, tau_I_ms, tau_rec_ms, two_state=False):
    """Per-synapse ``(decay_x, coupling_y)`` of ``1 - x`` over ``delta_ms`` (arrays).

    ``1 - x' = (1 - x) * decay_x + y * coupling_y``.  Requires ``tau_I != tau_rec``.
    """
    tau_rec_ms = np.asarray(tau_rec_ms, dtype=np.float64)
    decay_x = np.exp(-delta_ms / tau_rec_ms)
    if two_state:
        return decay_x, np.zeros_like(decay_x)
    if np.any(tau_rec_ms == tau_I_ms):
        raise ValueError("tau_rec equal to tau_I has no three-state propagator of this form")
    coupling = tau_I_ms * (np.exp(-delta_ms / tau_I_ms) - decay_x) / (tau_I_ms - tau_rec_ms)
    return decay_x, coupling


@njit(cache=True)
def propagate(x, y, u, decay_x, coupling_y, decay_y, decay_u):
    """Exact propagation of one synapse's ``(x, y, u)`` over one interval; returns the new state."""
    recovered = 1.0 - ((1.0 - x) * decay_x + y * coupling_y)
    return recovered, y * decay_y, u * decay_u


@njit(cache=True)
def on_pre_depressing(x, y, U):
    """Presynaptic spike at a depressing synapse; returns ``(x, y)``."""
    released = U * x
    return x - released, y + released


@njit(cache=True)
def on_pre_facilitating(x, y, u, U):
    """Presynaptic spike at a facilitating synapse; returns ``(x, y, u)``."""
    u = u + U * (1.0 - u)
    released = u * x
    return x - released, y + released, u
