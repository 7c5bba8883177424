"""Numba kernels of the fitted weight-dependent rule shared by Models B and C.

With the weights held fixed over an update window, each input ``i`` integrates

    P_i = trapz(q+(ET_i IS), dx = down_dt),   Q_i = trapz(q-(ET_i IS), dx = down_dt)

over the window's coarse samples, and its normalised weight ``w = W / (1 + peak_delta_weight)``
moves once:

    w_i <- clip(w_i + k_pot P_i (1 - w_i) - k_dep Q_i w_i, 0, 1).

``q+`` and ``q-`` are scaled sigmoids (``sigmoid.py``; constants from ``fitted_rule``);
``IS`` is zero outside the plateaus' reach, where ``q(ET * 0) = q(0)`` is the same for every
sample, so the kernel evaluates the sigmoids only where ``IS`` is non-zero (the sum is
unchanged).  :func:`window_instructive_signal` builds the network's IS of one update window
from its plateau onsets.

Divergence guard (:mod:`synplast.kernels.guard`): :func:`update_weights` checks every new
weight before its clip (an infinity would be clipped into a bound) and reports the first
non-finite one; the callers name the lap.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

VARIABLES = (("w", "normalised weight W / (1 + peak_delta_weight)"),)
"""Name of the guarded variable (code 0 of the divergence status)."""


@njit(cache=True)
def sigmoid_value(value, th, slope, start_val, scale, y0):
    """Scalar ``q(value)`` of ``sigmoid.scaled_sigmoid`` (same expression) for the kernels."""
    return scale * (1.0 / (1.0 + math.exp(-slope * (value - th))) - start_val) + y0


@njit(cache=True)
def window_integrals(ET, IS, lo, hi, is_offset, pot, dep, dx, P, Q):
    """``P[i]``, ``Q[i]``: trapezoid integrals of ``q+`` and ``q-`` of ``ET[i, k] *
    IS[k - is_offset]`` over the samples ``lo <= k < hi``, for every input.  ``pot`` and ``dep``
    are the sigmoid constants ``(th, slope, start_val, scale, y0)``."""
    q0_pot = sigmoid_value(0.0, pot[0], pot[1], pot[2], pot[3], pot[4])
    q0_dep = sigmoid_value(0.0, dep[0], dep[1], dep[2], dep[3], dep[4])
    for i in range(ET.shape[0]):
        p_sum = 0.0
        q_sum = 0.0
        p_prev = 0.0
        q_prev = 0.0
        for k in range(lo, hi):
            s = IS[k - is_offset]
            if s == 0.0:
                p_now = q0_pot
                q_now = q0_dep
            else:
                x = ET[i, k] * s
                p_now = sigmoid_value(x, pot[0], pot[1], pot[2], pot[3], pot[4])
                q_now = sigmoid_value(x, dep[0], dep[1], dep[2], dep[3], dep[4])
            if k > lo:
                p_sum += dx * (p_now + p_prev) / 2.0
                q_sum += dx * (q_now + q_prev) / 2.0
            p_prev = p_now
            q_prev = q_now
        P[i] = p_sum
        Q[i] = q_sum


@njit(cache=True)
def update_weights(w, P, Q, k_pot, k_dep):
    """``w <- clip(w + k_pot P (1 - w) - k_dep Q w, 0, 1)`` in place.

    Returns ``(input, value)`` of the first non-finite new weight (before its clip; the update
    stops there), or ``(-1, 0.0)``."""
    for i in range(w.shape[0]):
        value = w[i] + k_pot * P[i] * (1.0 - w[i]) - k_dep * Q[i] * w[i]
        if not math.isfinite(value):
            return i, value
        if value < 0.0:
            value = 0.0
        elif value > 1.0:
            value = 1.0
        w[i] = value
    return -1, 0.0


@njit(cache=True)
def window_instructive_signal(onsets_ms, n, down_dt_ms, gate_ms, f_IS, peak, out):
    """The IS of one window of ``n`` coarse samples: the plateau gate (1 on the 1-ms samples
    ``[onset, onset + gate_ms)``, picked at the coarse times ``0, down_dt, ...``), convolved with
    ``f_IS`` and truncated to the window, then ``min(., peak) / peak``."""
    gate = np.zeros(n)
    for onset in onsets_ms:
        first = (onset + down_dt_ms - 1) // down_dt_ms
        last = (onset + gate_ms - 1) // down_dt_ms
        for d in range(first, min(last + 1, n)):
            gate[d] = 1.0
    m = f_IS.shape[0]
    for k in range(n):
        total = 0.0
        for j in range(max(0, k - m + 1), k + 1):
            if gate[j] != 0.0:
                total += gate[j] * f_IS[k - j]
        out[k] = min(total, peak) / peak
