"""Numba kernels of Model A (the didactic single-spike model): the two integrators of the rule

    dW/dt = lr W_max [(1 - w) q+(ET IS) - dep_ratio w q-(ET IS)],   w = W / W_max,

over the 20-s window, for every (initial weight, input) pair; ``q+`` and ``q-`` are given as
matrices of their values per input and sample (``qp``, ``qd``, computed by the stage).

- :func:`euler_passes` (the standalone script): forward Euler, ``W += dW/dt dt`` then
  ``W = clip(W, 0, W_max)`` after every sample, the passes carrying W over;
- :func:`trapezoid_passes` (the seed notebook): per pass, with W fixed, the trapezoid integral
  ``dw = trapz(lr [(1 - w) q+ - dep_ratio w q-], dt)``, clipped to ``[-w, 1 - w]``, then
  ``W += dw W_max``;
- :func:`euler_rates`: the script's dW/dt of one Euler pass (stored before the clip).

Divergence guard (:mod:`synplast.kernels.guard`): the Euler kernels check every new ``W``
before its clip, the trapezoid kernel every pass's ``dw`` before its clip (Numba's ``min`` and
``max`` would turn a NaN into a bound); at the first non-finite value the kernel stops and
returns, with its result, the status ``(step, code, value)`` (step: samples since the start of
the chain for the Euler kernels, ``pass * n_samples + sample``; the pass for the trapezoid one;
code: index into :data:`VARIABLES`) and the chain ``(row, input)`` it happened in.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

VARIABLES = (
    ("W", "weight"),
    ("dW", "weight change of a pass"),
)
"""Names of the guarded variables, indexed by the code of the kernels' divergence status."""


@njit(cache=True)
def euler_passes(qp, qd, W0s, lr, dep_ratio, W_max, dt, n_passes):
    """Final weights ``W[row, input]`` after ``n_passes`` Euler passes from ``W0s[row]``;
    returns ``(W, status, (row, input))`` (see the module's divergence guard)."""
    n_inputs, n_t = qp.shape
    out = np.empty((W0s.shape[0], n_inputs))
    for row in range(W0s.shape[0]):
        for i in range(n_inputs):
            W = W0s[row]
            for n in range(n_passes):
                for k in range(n_t):
                    w0 = W / W_max
                    dWdt = lr * W_max * ((1.0 - w0) * qp[i, k] - dep_ratio * w0 * qd[i, k])
                    W = W + dWdt * dt
                    if not math.isfinite(W):
                        return out, (n * n_t + k, 0, W), (row, i)
                    if W < 0.0:
                        W = 0.0
                    elif W_max < W:
                        W = W_max
            out[row, i] = W
    return out, (-1, 0, 0.0), (0, 0)


@njit(cache=True)
def euler_rates(qp, qd, W0, lr, dep_ratio, W_max, dt):
    """dW/dt per input and sample during one Euler pass from ``W0`` (before each clip);
    returns ``(dW/dt, status, (0, input))`` (see the module's divergence guard)."""
    n_inputs, n_t = qp.shape
    out = np.empty((n_inputs, n_t))
    for i in range(n_inputs):
        W = W0
        for k in range(n_t):
            w0 = W / W_max
            dWdt = lr * W_max * ((1.0 - w0) * qp[i, k] - dep_ratio * w0 * qd[i, k])
            out[i, k] = dWdt
            W = W + dWdt * dt
            if not math.isfinite(W):
                return out, (k, 0, W), (0, i)
            if W < 0.0:
                W = 0.0
            elif W_max < W:
                W = W_max
    return out, (-1, 0, 0.0), (0, 0)


@njit(cache=True)
def _trapezoid(values, dx):
    """``numpy.trapezoid(values, dx=dx)`` as a sequential sum."""
    total = 0.0
    for k in range(values.shape[0] - 1):
        total += dx * (values[k + 1] + values[k]) / 2.0
    return total


@njit(cache=True)
def trapezoid_passes_guarded(qp, qd, W0s, lr, dep_ratio, W_max, dt, n_passes):
    """Final weights after ``n_passes`` passes of the seed notebook's per-pass integral;
    returns ``(W, status, (row, input))`` (see the module's divergence guard)."""
    n_inputs, n_t = qp.shape
    out = np.empty((W0s.shape[0], n_inputs))
    integrand = np.empty(n_t)
    for row in range(W0s.shape[0]):
        for i in range(n_inputs):
            W = W0s[row]
            for n in range(n_passes):
                w0 = W / W_max
                for k in range(n_t):
                    integrand[k] = lr * ((1.0 - w0) * qp[i, k] - dep_ratio * w0 * qd[i, k])
                dw = _trapezoid(integrand, dt)
                if not math.isfinite(dw):
                    return out, (n, 1, dw), (row, i)
                dw = max(-w0, min(1.0 - w0, dw))
                W = W + dw * W_max
                if not math.isfinite(W):
                    return out, (n, 0, W), (row, i)
            out[row, i] = W
    return out, (-1, 0, 0.0), (0, 0)


@njit(cache=True)
def trapezoid_passes(qp, qd, W0s, lr, dep_ratio, W_max, dt, n_passes):
    """Final weights after ``n_passes`` passes of the seed notebook's per-pass integral
    (:func:`trapezoid_passes_guarded` without its divergence status)."""
    return trapezoid_passes_guarded(qp, qd, W0s, lr, dep_ratio, W_max, dt, n_passes)[0]
