"""Numba kernels of Model C, the network of independent cells with regulated plateaus.

Per lap iteration the stage walks every cell's sampling window, evaluating the plateau
probability of each 1-ms sample as it goes (:func:`sample_plateaus`), and updates the weights
of the cells that had a plateau (:func:`update_cells`); both run in parallel over cells, each
cell being independent.

The walk is the reference's: ``i`` runs over the window's samples; where ``p[i] > 0`` one
uniform ``U`` is drawn and a plateau starts at ``i`` if ``U < p[i]``, after which ``i`` jumps by
the plateau plus its pause; otherwise ``i`` advances by one.  No uniform is drawn where
``p[i] == 0``, so the number of draws a cell can need is its count of samples with ``p > 0``.

Divergence guard (:mod:`synplast.kernels.guard`): :func:`update_cells` records, per updated
cell, the first input whose new weight is not finite (:func:`.rule.update_weights`).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from . import mt19937
from .rule import update_weights, window_instructive_signal, window_integrals


@njit(cache=True)
def periodic_interp(values, index0, index1, x, x0, x1, out):
    """``numpy.interp(x, xp, fp, period=L)`` for many rows of ``fp`` at once, with the bracket
    indices and abscissae of each ``x`` precomputed (``slope * (x - x0) + y0``)."""
    for c in range(values.shape[0]):
        for k in range(x.shape[0]):
            y0 = values[c, index0[k]]
            y1 = values[c, index1[k]]
            if x[k] == x0[k]:
                out[c, k] = y0
            else:
                out[c, k] = (y1 - y0) / (x1[k] - x0[k]) * (x[k] - x0[k]) + y0


@njit(cache=True)
def plateau_probability(
    c, j, x, basal, reward_base, ramp_reward, reward_lap, reward_lo, reward_hi, gain, scale
):  # fmt: skip
    """Probability of a plateau onset of cell ``c`` at sample ``x`` of lap ``j`` of the window
    (dead time aside).

    ``basal[x]`` and ``reward_base[x]`` are the clipped basal and reward sigmoids of the
    density at lap sample ``x``; inside the reward window (lap samples ``reward_lo <= x <
    reward_hi`` of a lap with ``reward_lap[j]`` true) the basal value is replaced by
    ``reward_base[x] * (1 + gain * clip(ramp / scale, 0, 1))``, with the cell's ramp at the
    sample in ``ramp_reward[c, x - reward_lo]``."""
    if reward_lap[j] and reward_lo <= x < reward_hi:
        r = ramp_reward[c, x - reward_lo] / scale
        if r < 0.0:
            r = 0.0
        elif r > 1.0:
            r = 1.0
        return reward_base[x] * (1.0 + gain * r)
    return basal[x]


@njit(cache=True, parallel=True)
def sample_plateaus(
    basal, reward_base, ramp_reward, reward_lap, reward_lo, reward_hi, gain, scale,
    dead_lo, dead_hi, n_dead, n_sample, jump, seed_base, exact, uniforms, onsets, n_onsets,
):  # fmt: skip
    """The walk of every cell over the window's ``n_sample`` samples.

    Probability 0 in ``[dead_lo[c, m], dead_hi[c, m])`` for ``m < n_dead[c]`` (the previous
    iteration's plateaus, in increasing order).  Uniforms: with ``exact``, the reference's
    stream of the cell, ``random.Random(seed_base + c)`` (``mt19937``, 312 values at a time);
    otherwise ``uniforms[c, k]`` for the cell's ``k``-th draw.  Onsets go to
    ``onsets[c, :n_onsets[c]]``.  The lap ``j`` and lap sample ``x`` of window sample ``i`` are
    carried along rather than divided out.
    """
    lap = basal.shape[0]
    half = mt19937.N // 2
    for c in prange(onsets.shape[0]):
        state = mt19937.new_state_array()
        block = np.empty(half)
        if exact:
            mt19937.seed_state(state, seed_base + c)
        used = half
        i = 0
        j = 0
        x = 0
        k = 0
        m = 0
        found = 0
        while i < n_sample:
            while m < n_dead[c] and dead_hi[c, m] <= i:
                m += 1
            if m < n_dead[c] and dead_lo[c, m] <= i:
                p = 0.0
            else:
                p = plateau_probability(
                    c, j, x, basal, reward_base, ramp_reward, reward_lap, reward_lo, reward_hi,
                    gain, scale,
                )  # fmt: skip
            step = 1
            if p > 0.0:
                if exact:
                    if used == half:
                        mt19937.refill(state, block)
                        used = 0
                    u = block[used]
                    used += 1
                else:
                    u = uniforms[c, k]
                k += 1
                if u < p:
                    onsets[c, found] = i
                    found += 1
                    step = jump
            i += step
            x += step
            while x >= lap:
                x -= lap
                j += 1
        n_onsets[c] = found


@njit(cache=True, parallel=True)
def update_cells(
    ET, lo, hi, cells, onsets, n_onsets, down_dt_ms, gate_ms, f_IS, peak, pot, dep, k_pot, k_dep,
    w, bad_input, bad_value,
):  # fmt: skip
    """The rule over the window ``[lo, hi)`` of the coarse grid for each cell of ``cells``, with
    the IS of its new plateau onsets (ms from the window start); ``w[c]`` updated in place.

    ``bad_input[m]``, ``bad_value[m]``: the first input of cell ``cells[m]`` whose new weight
    is not finite, and that value (-1 and 0: none), as :func:`.rule.update_weights` reports."""
    n = hi - lo
    dx = down_dt_ms / 1000.0
    for m in prange(cells.shape[0]):
        c = cells[m]
        IS = np.empty(n)
        window_instructive_signal(
            onsets[c, : n_onsets[c]], n, int(down_dt_ms), int(gate_ms), f_IS, peak, IS
        )
        P = np.empty(ET.shape[0])
        Q = np.empty(ET.shape[0])
        window_integrals(ET, IS, lo, hi, lo, pot, dep, dx, P, Q)
        bad_input[m], bad_value[m] = update_weights(w[c], P, Q, k_pot, k_dep)
