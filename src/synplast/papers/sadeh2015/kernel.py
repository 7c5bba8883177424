"""Numba block kernel of the Sadeh et al. (2015) network: LIF + voltage-based plasticity.

One call of :func:`run_block_sparse` simulates one block (the reference's
``network_simulator._net_sim_``): every state variable starts at 0, the feedforward input ``X``
(int16 event counts, neuron x step) is given, and the weights ``W[pre, post]`` (mV, stored as
:class:`SparseWeights`) are updated in place when ``plastic``.  Per step ``i`` (the reference's
exact LIF integration with delta synapses and a one-step delay, then its voltage-based plasticity
rule; dt = 1 ms at the paper's values):

1. ``V[i] = B*V[i-1] + J_ffw*X[:, i] + sum_j S_j[i-1]*W[j, :]``   (``V[-1] = 0``, ``S[-1] = 0``)
2. ``S[i] = V[i] > V_th``; spiking neurons are reset to ``V_reset`` in the same step.
3. If plastic and ``i >= 1``, traces from the *previous* (post-reset) ``V[i-1]`` and ``S[i-1]``::

       u-[i] = exp(-dt/tau-) u-[i-1] + dt V[i-1]/tau-      u+[i] likewise with tau+
       xbar[i] = exp(-dt/tau_x) xbar[i-1] + dt S[i-1]/tau_x
       ubar[i] = mean(V[max(0, i-n_avg) : i])             (ring buffer, summed afresh each step)

   (the traces u-, u+, xbar are :func:`synplast.kernels.traces.exponential_trace_step`),
   then ``LTD_jk = -ltd_scale S_j[i] ubar_k^2/u_ref^2 [u-_k - theta-]_+`` and
   ``LTP_jk = ltp_scale xbar_j [V_k[i] - theta+]_+ [u+_k - theta-]_+`` with the post-reset
   ``V[i]``, applied in this order:

   a. E rows (pre j < N_E): ``W += (LTD + LTP)`` where ``W != 0`` before the step (absorbing
      zero: the reference's mask makes an E synapse at 0 dead for ever, the quirk behind the
      config flag ``legacy_absorbing_zero``, documented in ``docs/papers/sadeh2015.md``; with
      ``absorbing_zero=False`` every stored synapse is plastic), then
      ``W = w_max if W >= w_max``, then ``W = w_min unless W > w_min`` (clip after the sum).
   b. I->E (pre j >= N_E, post k < N_E): ``W -= (LTP + LTD)``, no mask.
   c. I rows: ``W = w_max_inh if W <= w_max_inh``, then ``W = 0 unless W <= 0``.

Pathway flags switch E->E, E->I and I->E plasticity off (those weights stay static).  Entries
with zero update never leave their bounds, so after one full clip at step 1 (what the reference's
whole-matrix clip does to an out-of-bounds W0) only touched entries are visited: LTD is
event-driven over presynaptic spikes, LTP runs over the posts with a non-zero LTP factor.

The kernel keeps only the structural synapses, stored by post (CSC) with a row index by pre:
see :class:`SparseWeights`.  With the reference's unmasked I->E update (config flag
``legacy_ie_no_mask``, a quirk documented in ``docs/papers/sadeh2015.md``) the caller stores
every I->E pair as a synapse (:func:`.protocol.structural_mask`), so the absent ones grow as in
the reference; without it only existing I->E synapses are updated (the same at the paper's
p_IE = 1).  The tests hold the kernel against a NumPy transliteration of the
reference simulator (identical raster, weights to round-off) and against closed forms.  It draws
no random numbers and uses no threads.

Float constants are passed as the tuple :meth:`SadehParams.kernel_constants`.  Spikes are
recorded with :mod:`synplast.kernels.spikes`.

Divergence guard (:mod:`synplast.kernels.guard`): every step checks each neuron's new ``V``
before the threshold (a reset would hide an overflow to ``+inf``) and, when plastic, its LTD
and LTP factors (a NaN increment would be clipped into a weight bound, silently); at the first
non-finite value the block stops and the kernel returns the step and the variable (see
:data:`VARIABLES`).  The weights are bounded by their clips and enter ``V`` through the
recurrent input, where a non-finite weight shows.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from synplast.kernels.connectivity import group_indices
from synplast.kernels.spikes import append_spike, new_spike_buffers, trim_spikes
from synplast.kernels.traces import exponential_trace_step

__all__ = ["VARIABLES", "SparseWeights", "run_block_sparse"]

VARIABLES = (
    ("V_mV", "membrane potential"),
    ("post_ltd_mV", "LTD factor of the postsynaptic neuron"),
    ("post_ltp_mV", "LTP factor of the postsynaptic neuron"),
)
"""Names of the guarded variables, indexed by the code of the kernel's divergence status."""


@njit(cache=True, nogil=True)
def _membrane_step(V, V_old, X, i, rec, S, B, V_th, V_reset, J_ffw, buf_t, buf_n, count):
    """Steps 1-2: integrate, threshold, reset; record spikes (step ``i``, neuron ``k``) with
    :func:`synplast.kernels.spikes.append_spike`.  Returns the spike buffers
    ``(buf_t, buf_n)``, the count and whether every new ``V`` before the threshold is finite
    (an overflow to ``+inf`` is seen before its reset, a NaN or ``-inf`` in ``V`` after the
    loop, in one pass that vectorises)."""
    N = V.shape[0]
    finite = True
    for k in range(N):
        V_old[k] = V[k]
        v = B * V[k] + J_ffw * X[k, i] + rec[k]
        if v > V_th:
            finite &= v < math.inf
            S[k] = 1
            v = V_reset
            buf_t, buf_n = append_spike(buf_t, buf_n, count, i, k)
            count += 1
        else:
            S[k] = 0
        V[k] = v
    for k in range(N):
        finite &= math.isfinite(V[k])
    return buf_t, buf_n, count, finite


@njit(cache=True, nogil=True)
def _diverged_potential(V):
    """Value of the first non-finite ``V`` after the reset, else ``+inf``: an overflow to
    ``+inf`` crossed the threshold and was reset, so it is the one value a reset hides."""
    for k in range(V.shape[0]):
        if not math.isfinite(V[k]):
            return V[k]
    return math.inf


@njit(cache=True, nogil=True)
def _post_factors(i, V, V_old, S_old, um, up, xb, ring, ubar, post_ltd, post_ltp, consts):
    """Step 3: traces from V[i-1], S[i-1]; boxcar u-bar; per-post LTD and LTP factors.

    Returns whether every factor is finite."""
    (
        dt,
        _tm,
        _vth,
        _vr,
        _jf,
        tau_minus,
        tau_plus,
        tau_x,
        ltd_scale,
        ltp_scale,
        theta_minus,
        theta_plus,
        u_ref_sq,
        _wmin,
        _wmax,
        _wmaxi,
    ) = consts
    N = V.shape[0]
    n_avg = ring.shape[0]
    d_minus = math.exp(-dt / tau_minus)
    d_plus = math.exp(-dt / tau_plus)
    d_x = math.exp(-dt / tau_x)
    slot = (i - 1) % n_avg
    for k in range(N):
        um[k] = exponential_trace_step(um[k], d_minus, dt * V_old[k] / tau_minus)
        up[k] = exponential_trace_step(up[k], d_plus, dt * V_old[k] / tau_plus)
        xb[k] = exponential_trace_step(xb[k], d_x, dt * S_old[k] / tau_x)
        ring[slot, k] = V_old[k]
        ubar[k] = 0.0
    n_filled = min(i, n_avg)
    for r in range(n_filled):
        for k in range(N):
            ubar[k] += ring[r, k]
    finite = True
    for k in range(N):
        ubar[k] /= n_filled
        post_ltd[k] = ltd_scale * (ubar[k] * ubar[k] / u_ref_sq) * max(um[k] - theta_minus, 0.0)
        post_ltp[k] = ltp_scale * max(V[k] - theta_plus, 0.0) * max(up[k] - theta_minus, 0.0)
        finite &= math.isfinite(post_ltd[k]) & math.isfinite(post_ltp[k])
    return finite


@njit(cache=True, nogil=True)
def _diverged_factor(post_ltd, post_ltp):
    """Code (into :data:`VARIABLES`) and value of the first non-finite LTD or LTP factor."""
    for k in range(post_ltd.shape[0]):
        if not math.isfinite(post_ltd[k]):
            return 1, post_ltd[k]
        if not math.isfinite(post_ltp[k]):
            return 2, post_ltp[k]
    return -1, 0.0


@njit(cache=True, nogil=True)
def _update_e(w, dw, mask_ok, w_min, w_max):
    """E-row update: masked sum, then clip at w_max, then at w_min (step 3a above)."""
    if mask_ok:
        w += dw
    if w >= w_max:
        w = w_max
    if not w > w_min:
        w = w_min
    return w


@njit(cache=True, nogil=True)
def _update_ie(w, dw, w_max_inh):
    """I->E update (no mask) and I-row clip (steps 3b-c above)."""
    return _clip_i(w - dw, w_max_inh)


@njit(cache=True, nogil=True)
def _clip_i(w, w_max_inh):
    """I-row clip: at w_max_inh from below, then at 0 from above (step 3c above)."""
    if w <= w_max_inh:
        w = w_max_inh
    if not w <= 0.0:
        w = 0.0
    return w


@njit(cache=True, nogil=True)
def _plastic_range(j, k, n_E, plastic_EE, plastic_EI, plastic_IE):
    """Whether the synapse j -> k is plastic under the pathway flags."""
    if j < n_E:
        return plastic_EE if k < n_E else plastic_EI
    return plastic_IE and k < n_E


class SparseWeights:
    """Existing synapses, stored by post (CSC) with a row index by pre.

    The weights ``w`` are in column order: ``col_ptr[k]:col_ptr[k+1]`` are the synapses onto
    post ``k``, presynaptic neurons ``col_pre`` ascending (so E pres come before I pres;
    ``col_split[k]`` is the first I pre).  LTP, the dominant cost, then runs contiguously per
    active post.  ``row_ptr[j]:row_ptr[j+1]`` lists the synapses of pre ``j`` (``row_post``,
    ascending) and their positions ``row_pos`` in ``w``, for the recurrent input and LTD.

    Duplicate ``(pre, post)`` entries stay distinct synapses, in their given order.  The index
    arrays are built by :func:`synplast.kernels.connectivity.group_indices`.
    """

    def __init__(self, n, n_E, pre, post, w):
        pre = np.asarray(pre, np.int64)
        post = np.asarray(post, np.int64)
        self.n = int(n)
        # by post, pres ascending within a post (np.lexsort((pre, post)))
        self.col_ptr, by_post = group_indices(post, self.n, within=pre)
        self.w = np.asarray(w, np.float64)[by_post].copy()
        self.col_pre = pre[by_post].astype(np.int32)
        col_post = post[by_post]
        n_e_in = np.bincount(col_post[self.col_pre < n_E], minlength=self.n)
        self.col_split = self.col_ptr[:-1] + n_e_in
        # stable grouping of the column order by pre: posts ascending within a pre, because the
        # column order is sorted by post (np.lexsort((col_post, col_pre)))
        self.row_ptr, self.row_pos = group_indices(self.col_pre, self.n)
        self.row_post = col_post[self.row_pos].astype(np.int32)

    @classmethod
    def from_dense(cls, W, n_E, exists=None):
        """From dense ``W[pre, post]``; the synapses are ``exists`` (default ``W != 0``)."""
        pre, post = np.nonzero(W if exists is None else exists)
        return cls(W.shape[0], n_E, pre, post, W[pre, post])

    def coo(self):
        """``(pre, post)`` of every synapse, in the order of ``w``."""
        post = np.repeat(np.arange(self.n), np.diff(self.col_ptr))
        return self.col_pre.astype(np.int64), post

    def to_dense(self, dtype=np.float64):
        W = np.zeros((self.n, self.n), dtype)
        pre, post = self.coo()
        W[pre, post] = self.w
        return W

    def kernel_arrays(self):
        """``(w, col_ptr, col_split, col_pre, row_ptr, row_post, row_pos)``, the kernel's order."""
        return (
            self.w,
            self.col_ptr,
            self.col_split,
            self.col_pre,
            self.row_ptr,
            self.row_post,
            self.row_pos,
        )

    @property
    def nbytes(self):
        return sum(a.nbytes for a in self.kernel_arrays())


def run_block_sparse(
    sw,
    X,
    plastic,
    plastic_EE,
    plastic_EI,
    plastic_IE,
    absorbing_zero,
    ie_ltd_only,
    n_E,
    n_avg,
    consts,
):
    """Simulate one block on :class:`SparseWeights` ``sw`` (``sw.w`` in mV, updated in place).

    ``X``: int16 (N, T) feedforward event counts.  ``plastic`` switches the rule on; the
    pathway flags ``plastic_EE``, ``plastic_EI``, ``plastic_IE`` switch it off per pathway.
    ``absorbing_zero`` (config flag ``legacy_absorbing_zero``, a quirk of the reference documented
    in ``docs/papers/sadeh2015.md``): an E synapse at 0 stays at 0; otherwise every stored E
    synapse is plastic.  ``ie_ltd_only`` drops the LTP term of I->E synapses (config option
    ``spont_inh_rule: ltd_only`` of the spontaneous protocol, documented in the same page).
    ``n_avg``: boxcar length of u-bar in steps; ``consts``:
    :meth:`SadehParams.kernel_constants`.  Returns ``(neuron, step)`` int32 arrays of all
    spikes, in step order (neurons ascending within a step), and the divergence status
    ``(step, code, value)`` of :mod:`synplast.kernels.guard` (step -1: none; otherwise the block
    stopped at that step, ``code`` indexing :data:`VARIABLES`).
    """
    flags = (plastic, plastic_EE, plastic_EI, plastic_IE, absorbing_zero, ie_ltd_only)
    return _run_block_sparse(*sw.kernel_arrays(), X, flags, n_E, n_avg, consts)


@njit(cache=True, nogil=True)
def _apply_sparse(w, pos, j, dw, n_E, absorbing_zero, w_min, w_max, w_max_inh):
    """Add ``dw`` to the synapse at ``pos`` of pre ``j`` with its pathway's mask and clip."""
    if j < n_E:
        ok = w[pos] != 0.0 if absorbing_zero else True
        w[pos] = _update_e(w[pos], dw, ok, w_min, w_max)
    else:
        w[pos] = _update_ie(w[pos], dw, w_max_inh)


@njit(cache=True, nogil=True)
def _ltp_column(w, x_silent, f, q0, q1, is_e_pre, absorbing_zero, w_min, w_max, w_max_inh, col_pre):
    """LTP alone on synapses q0:q1 of one active post.

    ``x_silent`` is xbar with the pres that spiked this step set to 0: their synapses were
    updated (LTD + LTP, then clipped) by the row pass, and adding 0 leaves them unchanged.
    """
    if is_e_pre:
        for q in range(q0, q1):
            w[q] = _update_e(
                w[q], x_silent[col_pre[q]] * f, w[q] != 0.0 or not absorbing_zero, w_min, w_max
            )
    else:
        for q in range(q0, q1):
            w[q] = _update_ie(w[q], x_silent[col_pre[q]] * f, w_max_inh)


@njit(cache=True, nogil=True)
def _clip_stored(w, row_ptr, row_post, row_pos, n_E, plastic_EE, plastic_EI, plastic_IE, consts):
    """The reference's whole-matrix clip at step 1, over the plastic E pathways and all I rows
    (I->I included; I->E only if plastic): what it does to an out-of-bounds W0."""
    w_min, w_max, w_max_inh = consts[13], consts[14], consts[15]
    for j in range(row_ptr.shape[0] - 1):
        for p in range(row_ptr[j], row_ptr[j + 1]):
            k = row_post[p]
            q = row_pos[p]
            if j < n_E:
                if _plastic_range(j, k, n_E, plastic_EE, plastic_EI, plastic_IE):
                    w[q] = _update_e(w[q], 0.0, False, w_min, w_max)
            elif k >= n_E or plastic_IE:
                w[q] = _clip_i(w[q], w_max_inh)


@njit(cache=True, nogil=True)
def _run_block_sparse(
    w,
    col_ptr,
    col_split,
    col_pre,
    row_ptr,
    row_post,
    row_pos,
    X,
    flags,
    n_E,
    n_avg,
    consts,
):
    """The block of :func:`run_block_sparse` on the arrays of :meth:`SparseWeights.kernel_arrays`
    (``flags``: its six switches, in its argument order)."""
    plastic, plastic_EE, plastic_EI, plastic_IE, absorbing_zero, ie_ltd_only = flags
    dt, tau_m, V_th, V_reset, J_ffw = consts[0], consts[1], consts[2], consts[3], consts[4]
    w_min, w_max, w_max_inh = consts[13], consts[14], consts[15]
    N, T = X.shape
    B = math.exp(-dt / tau_m)
    V = np.zeros(N)
    V_old = np.zeros(N)
    S = np.zeros(N, np.uint8)
    S_old = np.zeros(N, np.uint8)
    rec = np.zeros(N)
    um = np.zeros(N)
    up = np.zeros(N)
    xb = np.zeros(N)
    ubar = np.zeros(N)
    ring = np.zeros((n_avg, N))
    post_ltd = np.zeros(N)
    post_ltp = np.zeros(N)
    x_silent = np.zeros(N)
    buf_t, buf_n = new_spike_buffers(max(N * T // 64, 16))
    count = 0
    status = (-1, 0, 0.0)
    for i in range(T):
        for k in range(N):
            rec[k] = 0.0
        for j in range(N):
            if S[j]:
                for p in range(row_ptr[j], row_ptr[j + 1]):
                    rec[row_post[p]] += w[row_pos[p]]
        S_old[:] = S
        buf_t, buf_n, count, finite = _membrane_step(
            V, V_old, X, i, rec, S, B, V_th, V_reset, J_ffw, buf_t, buf_n, count
        )
        if not finite:
            status = (i, 0, _diverged_potential(V))
            break
        if not plastic or i == 0:
            continue
        if i == 1:
            _clip_stored(
                w, row_ptr, row_post, row_pos, n_E, plastic_EE, plastic_EI, plastic_IE, consts
            )
        if not _post_factors(
            i, V, V_old, S_old, um, up, xb, ring, ubar, post_ltd, post_ltp, consts
        ):
            code, bad = _diverged_factor(post_ltd, post_ltp)
            status = (i, code, bad)
            break
        # LTD (+ LTP on the same synapse): rows of the presynaptic spikes of step i
        for j in range(N):
            x_silent[j] = 0.0 if S[j] else xb[j]
            if S[j]:
                xj = 0.0 if (j >= n_E and ie_ltd_only) else xb[j]
                for p in range(row_ptr[j], row_ptr[j + 1]):
                    k = row_post[p]
                    if _plastic_range(j, k, n_E, plastic_EE, plastic_EI, plastic_IE):
                        dw = xj * post_ltp[k] - post_ltd[k]
                        _apply_sparse(
                            w, row_pos[p], j, dw, n_E, absorbing_zero, w_min, w_max, w_max_inh
                        )
        # LTP alone: columns of the active posts, silent pres only
        for k in range(N):
            f = post_ltp[k]
            if f > 0.0:
                if (k < n_E and plastic_EE) or (k >= n_E and plastic_EI):
                    _ltp_column(
                        w,
                        x_silent,
                        f,
                        col_ptr[k],
                        col_split[k],
                        True,
                        absorbing_zero,
                        w_min,
                        w_max,
                        w_max_inh,
                        col_pre,
                    )
                if k < n_E and plastic_IE and not ie_ltd_only:
                    _ltp_column(
                        w,
                        x_silent,
                        f,
                        col_split[k],
                        col_ptr[k + 1],
                        False,
                        absorbing_zero,
                        w_min,
                        w_max,
                        w_max_inh,
                        col_pre,
                    )
    steps, neurons = trim_spikes(buf_t, buf_n, count)
    return neurons, steps.astype(np.int32), status
