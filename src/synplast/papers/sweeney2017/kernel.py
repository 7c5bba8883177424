"""Numba kernel of the sweeney2017 rate network with sliding-threshold BCM plasticity.

One Euler step, in the reference's order (``update_state_sliding_threshold`` followed by
``update_weights`` and ``update_theta_BCM`` of the authors' module):

1. inputs   ``x <- x + dt (-x + H)``, with ``H_k = H_max`` for the epoch's stimulated input and
   ``H_min`` for the others (plus an optional Ornstein-Uhlenbeck term);
2. outputs  ``y <- y + dt (-y + g(W x))``, using the already updated ``x``;
3. rectify  ``x <- max(x, 0)``, ``y <- max(y, 0)``;
4. spatial average ``y_hat = (D y) / colsum(D)`` (when the rule or the threshold uses it);
5. weights  ``W <- W + dW`` (twice the 'inner' increment in the reference's diffusive variant,
   flag ``legacy_double_update``), then clipped to ``[0, W_max]`` and multiplied by ``lambda``;
6. threshold ``theta <- theta + eta (y^2 / y0 - theta)`` (or with ``y_hat``);
7. every ``sample_every_steps`` steps (step index ``j % sample_every == 0``, after the update)
   a snapshot of W, theta and y.

Each increment is evaluated as the reference's NumPy expression does,
``((alpha * x_k) * y_i) * (y_hat_i - theta_i)``, so the kernel equals a transliteration of the
reference to round-off (only the summation order of the matrix-vector products may differ).
The run is advanced in chunks (the plastic stage draws the optional noise per chunk); the state
arrays are updated in place.

Divergence guard (:mod:`synplast.kernels.guard`): every step checks the new ``x`` and ``y``
(before the rectification, which would turn ``-inf`` into 0), ``y_hat`` and the new ``theta``;
at the first non-finite value the run stops and :func:`advance` returns the step and the
variable.  The weights are not scanned every step: their clip bounds an infinity and lets a
NaN through, and a NaN weight makes its output's ``y`` NaN in the next step (the product with
any input, 0 included, is NaN), where a non-finite ``y`` with a NaN weight is reported as the
weight, in the step before; after the last step of a call the weights are scanned once.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

NO_AVERAGING, INNER, OUTER, BOTH = 0, 1, 2, 3

VARIABLES = (
    ("x", "input rate"),
    ("y", "output rate"),
    ("y_hat", "spatially averaged output rate"),
    ("W", "weight W[output, input]"),
    ("theta", "sliding BCM threshold"),
)
"""Names of the guarded state variables, indexed by the code of :func:`advance`'s status."""


@njit(cache=True)
def transfer(u, r0, r_max):
    """Rate transfer function: ``r0 tanh(u / r0)`` below 0, ``(r_max - r0) tanh(u / (r_max -
    r0))`` above (a ceiling of ``r_max - r0``)."""
    if u <= 0.0:
        return r0 * math.tanh(u / r0)
    top = r_max - r0
    return top * math.tanh(u / top)


@njit(cache=True)
def spatial_average(D_transposed, colsum, y, out):
    """``out_i = (sum_m D_im y_m) / colsum_i``, summing over m in increasing order (``D`` is
    passed transposed so the inner loop over i reads contiguous memory)."""
    n = y.shape[0]
    for i in range(n):
        out[i] = 0.0
    for m in range(n):
        ym = y[m]
        for i in range(n):
            out[i] += D_transposed[m, i] * ym
    for i in range(n):
        out[i] = out[i] / colsum[i]


@njit(cache=True)
def _first_nonfinite(values):
    """The first non-finite entry of ``values``, else ``-inf``: the one value a rectification
    at 0 hides."""
    for index in range(values.shape[0]):
        if not math.isfinite(values[index]):
            return values[index]
    return -math.inf


@njit(cache=True)
def _diverged_output(W, j, y_value):
    """Status of a non-finite output rate ``y_value`` at step ``j``: the weight, at step
    ``j - 1``, if a weight is NaN (the update of step ``j - 1`` made it so), else ``y``."""
    for i in range(W.shape[0]):
        for k in range(W.shape[1]):
            if not math.isfinite(W[i, k]):
                return j - 1, 3, W[i, k]
    return j, 1, y_value


@njit(cache=True)
def advance(
    x,
    y,
    W,
    theta,
    ou,
    D_transposed,
    colsum,
    epochs,
    epoch_steps,
    noise,
    first_step,
    n_steps,
    consts,
    averaging,
    legacy_double_update,
    spatial_theta,
    sample_every,
    W_snapshots,
    theta_snapshots,
    y_snapshots,
):
    """Advance the network ``n_steps`` Euler steps from global step ``first_step``.

    State (updated in place): inputs ``x[n_in]``, outputs ``y[n_out]``, weights
    ``W[n_out, n_in]``, thresholds ``theta[n_out]`` and the inputs' OU terms ``ou[n_in]``.
    ``epochs[e]`` is the input stimulated in epoch ``e`` (``epoch_steps`` steps each);
    ``noise`` holds ``(n_steps, n_in)`` standard normals for the OU terms (unused, and may be
    empty, when their sigma is 0); ``consts`` is ``(dt, r0, r_max, H_min, H_max, alpha, y0,
    eta_theta, W_max, lambda, ou_sigma, ou_tau)``; ``averaging`` is a code of
    :data:`synplast.papers.sweeney2017.params.AVERAGING`.  Snapshots go to index
    ``j // sample_every`` of the snapshot arrays, for global steps ``j`` divisible by it.

    Returns the divergence status ``(step, code, value)`` of :mod:`synplast.kernels.guard`:
    step -1 if every checked value stayed finite, else the global step at which the run
    stopped, ``code`` indexing :data:`VARIABLES`.
    """
    dt, r0, r_max, H_min, H_max = consts[0], consts[1], consts[2], consts[3], consts[4]
    alpha, y0, eta_theta, W_max, lam = consts[5], consts[6], consts[7], consts[8], consts[9]
    ou_sigma, ou_tau = consts[10], consts[11]
    ou_decay = 1.0 - dt / ou_tau
    ou_kick = math.sqrt(2.0 * dt / ou_tau) * ou_sigma
    n_out, n_in = W.shape
    y_hat = np.zeros(n_out)
    need_average = averaging != NO_AVERAGING or spatial_theta
    for s in range(n_steps):
        j = first_step + s
        stimulated = epochs[j // epoch_steps]
        # 1. inputs (the OU term is added to this step's drive only: it does not accumulate)
        for k in range(n_in):
            drive = H_max if k == stimulated else H_min
            if ou_sigma > 0.0:
                ou[k] = ou[k] * ou_decay + ou_kick * noise[s, k]
                drive = drive + ou[k]
            x[k] += dt * (-x[k] + drive)
        # 2. outputs, from the updated inputs
        for i in range(n_out):
            u = 0.0
            for k in range(n_in):
                u += W[i, k] * x[k]
            y[i] += dt * (-y[i] + transfer(u, r0, r_max))
        # 3. rates are rectified (checked before: the rectification would hide -inf)
        finite_x = True
        for k in range(n_in):
            finite_x &= math.isfinite(x[k])
            if x[k] < 0.0:
                x[k] = 0.0
        if not finite_x:
            return j, 0, _first_nonfinite(x)
        finite_y = True
        for i in range(n_out):
            finite_y &= math.isfinite(y[i])
            if y[i] < 0.0:
                y[i] = 0.0
        if not finite_y:
            return _diverged_output(W, j, _first_nonfinite(y))
        # 4. the diffused rate
        if need_average:
            spatial_average(D_transposed, colsum, y, y_hat)
            finite_y_hat = True
            for i in range(n_out):
                finite_y_hat &= math.isfinite(y_hat[i])
            if not finite_y_hat:
                return j, 2, _first_nonfinite(y_hat)
        # 5. weights
        for i in range(n_out):
            for k in range(n_in):
                ax = alpha * x[k]
                if averaging == NO_AVERAGING:
                    W[i, k] += (ax * y[i]) * (y[i] - theta[i])
                else:
                    inner = (ax * y[i]) * (y_hat[i] - theta[i])
                    if legacy_double_update:
                        W[i, k] += inner
                    if averaging == INNER:
                        W[i, k] += inner
                    elif averaging == OUTER:
                        W[i, k] += (ax * y_hat[i]) * (y[i] - theta[i])
                    else:
                        W[i, k] += (ax * y_hat[i]) * (y_hat[i] - theta[i])
                if W[i, k] < 0.0:
                    W[i, k] = 0.0
                if W[i, k] > W_max:
                    W[i, k] = W_max
                W[i, k] = W[i, k] * lam
        # 6. sliding thresholds
        finite_theta = True
        for i in range(n_out):
            driver = y_hat[i] if spatial_theta else y[i]
            theta[i] += eta_theta * ((driver / y0) * driver - theta[i])
            finite_theta &= math.isfinite(theta[i])
        if not finite_theta:
            return j, 4, _first_nonfinite(theta)
        # 7. snapshots
        if j % sample_every == 0:
            snap = j // sample_every
            for i in range(n_out):
                theta_snapshots[snap, i] = theta[i]
                y_snapshots[snap, i] = y[i]
                for k in range(n_in):
                    W_snapshots[snap, i, k] = W[i, k]
    for i in range(n_out):  # the weights the last step made, which no later y shows
        for k in range(n_in):
            if not math.isfinite(W[i, k]):
                return first_step + n_steps - 1, 3, W[i, k]
    return -1, 0, 0.0
