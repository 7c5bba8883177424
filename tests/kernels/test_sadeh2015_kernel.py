"""Kernel tests for sadeh2015: the Numba block kernel against the reference simulator.

``net_sim_reference`` is a direct NumPy transliteration of the reference simulator's
``network_simulator._net_sim_`` (LIF step, traces and plasticity rule as the kernel module's
docstring states them): full (N, T) state arrays, plain loops over time, dense outer
products for LTD and LTP, the E-row mask from W before the step, the clips applied to whole row
blocks in the reference's order.  It is slow (seconds per block) and independent of the kernel.
Two switches the reference does not have are added as plainly as possible, so that the
ablations and the LTD-only inhibitory rule (config option ``spont_inh_rule: ltd_only``,
documented in ``docs/papers/sadeh2015.md``) can be held against it too: pathways that
are not plastic are restored after every step, and ``ie_ltd_only`` zeroes the LTP of I rows.

The kernel runs as the protocol runs it, through :class:`.protocol.Network`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from synplast.papers.sadeh2015 import inputs, protocol
from synplast.papers.sadeh2015.params import SadehParams
from tests.conftest import sadeh_params


def net_sim_reference(W0, x, p: SadehParams, plastic: bool, ie_ltd_only: bool = False):
    """NumPy transliteration of the reference ``_net_sim_`` (dt = 1 ms). Returns (s, W)."""
    n, T = x.shape
    ne = p.N_E
    dt = p.dt_ms
    A = np.exp(-dt / p.tau_m_ms)
    frozen = np.zeros((n, n), bool)  # not in the reference: pathways switched off (ablations)
    frozen[:ne, :ne] = not p.plastic_EE
    frozen[:ne, ne:] = not p.plastic_EI
    frozen[ne:, :ne] = not p.plastic_IE
    W = W0.copy()
    y = np.zeros((n, T))
    s = np.zeros((n, T))
    ym = np.zeros((n, T))
    yp = np.zeros((n, T))
    xb = np.zeros((n, T))
    ya = np.zeros((n, T))
    y0 = np.zeros(n)
    for i in range(T):
        if i == 0:
            y[:, 0] = A * y0 + x[:, 0]
        else:
            y[:, i] = A * y[:, i - 1] + x[:, i] + s[:, i - 1] @ W
        s[:, i] = y[:, i] > p.V_th_mV
        y[s[:, i] > 0, i] = 0.0
        if plastic and i >= 1:
            W_before = W.copy()
            ym[:, i] = np.exp(-dt / p.tau_minus_ms) * ym[:, i - 1] + y[:, i - 1] / p.tau_minus_ms
            yp[:, i] = np.exp(-dt / p.tau_plus_ms) * yp[:, i - 1] + y[:, i - 1] / p.tau_plus_ms
            xb[:, i] = np.exp(-dt / p.tau_x_ms) * xb[:, i - 1] + s[:, i - 1] / p.tau_x_ms
            i_avg = max(0, i - 100)
            ya[:, i] = np.mean(y[:, i_avg:i], 1)
            relu_m = np.maximum(ym[:, i] - p.theta_minus_mV, 0.0)
            relu_p = np.maximum(yp[:, i] - p.theta_minus_mV, 0.0)
            relu_v = np.maximum(y[:, i] - p.theta_plus_mV, 0.0)
            ltd = -dt * p.A_LTD_per_mV * np.outer(s[:, i], ya[:, i] ** 2 / 70.0 * relu_m)
            ltp = dt * p.A_LTP_per_mV2 * np.outer(xb[:, i], relu_v * relu_p)
            if ie_ltd_only:  # not in the reference: spont_inh_rule ltd_only
                ltp[ne:] = 0.0
            W[:ne] = W[:ne] + (ltd + ltp)[:ne] * (W[:ne] != 0)
            W[:ne] = np.where(W[:ne] >= p.w_max_mV, p.w_max_mV, W[:ne])
            W[:ne] = np.where(W[:ne] > 0, W[:ne], 0.0)
            W[ne:, :ne] = W[ne:, :ne] - (ltp + ltd)[ne:, :ne]
            W[ne:] = np.where(W[ne:] <= p.w_max_inh_mV, p.w_max_inh_mV, W[ne:])
            W[ne:] = np.where(W[ne:] <= 0, W[ne:], 0.0)
            W[frozen] = W_before[frozen]
    return s, W


def network(p: SadehParams, W0, exists=None) -> protocol.Network:
    """The protocol's kernel on a copy of ``W0``; the synapses are ``exists`` (default W0 != 0)."""
    return protocol.Network(p, W0, W0 != 0 if exists is None else exists)


def kernel_block(W0, X, p: SadehParams, plastic: bool, ie_ltd_only=False, exists=None):
    """One block of the kernel from ``W0``; returns ``((neuron, step), W_after)``."""
    net = network(p, W0, exists)
    return net.run(X, plastic, ie_ltd_only), net.weights()


def raster(neuron, step, shape):
    r = np.zeros(shape, bool)
    r[neuron, step] = True
    return r


def learning_blocks(p: SadehParams, seed: int, n_blocks: int = 1):
    """W0 of ``seed`` and the inputs of its first ``n_blocks`` learning blocks."""
    po = inputs.preferred_orientations(p)
    stim = inputs.stimulus_sequences(p, seed)
    X = [inputs.block_input(p, po, seed, b, stim[b]) for b in range(n_blocks)]
    return inputs.initial_weights(p, seed), X


@pytest.fixture(scope="module")
def paper_block():
    """W0 of the paper (N = 500) and one 2-s learning-block input, from seed 11."""
    p = sadeh_params()
    W0, (X,) = learning_blocks(p, 11)
    return p, W0, X


@pytest.mark.parametrize("plastic", [False, True], ids=["static", "plastic"])
def test_block_reproduces_reference_simulator(paper_block, plastic):
    """One 2000-step block at paper scale (N = 500): the event-driven kernel the protocol uses
    gives the reference's spike raster exactly and its weights to round-off."""
    p, W0, X = paper_block
    s_ref, W_ref = net_sim_reference(W0, X.astype(float), p, plastic)
    (neuron, step), W = kernel_block(W0, X, p, plastic)
    assert s_ref.sum() > 1000  # the block is active, so the comparison means something
    np.testing.assert_array_equal(raster(neuron, step, X.shape), s_ref > 0)
    assert np.max(np.abs(W - W_ref)) < 1e-10
    if plastic:
        assert np.max(np.abs(W - W0)) > 0.05  # weights really moved in this block
    else:
        np.testing.assert_array_equal(W, W0)


SMALL = sadeh_params(N_E=80, N_I=20, b_Hz=2000.0)


@pytest.mark.parametrize(
    "pathways, ie_ltd_only",
    [
        (["EE", "EI", "IE"], False),
        (["EE"], False),
        (["EE", "IE"], False),
        (["EE", "EI"], False),
        (["EE", "EI", "IE"], True),
    ],
)
def test_ablations_reproduce_reference_over_carried_blocks(pathways, ie_ltd_only):
    """On a small network over three consecutive plastic blocks (weights carried over), for
    every ablation and the LTD-only rule: the reference's rasters exactly and its weights to
    round-off, and exactly the plastic pathways change."""
    p = SMALL.with_pathways(pathways)
    W0, blocks = learning_blocks(p, 3, n_blocks=3)
    net = network(p, W0)
    W_ref = W0
    for X in blocks:
        neuron, step = net.run(X, True, ie_ltd_only)
        s_ref, W_ref = net_sim_reference(W_ref, X.astype(float), p, True, ie_ltd_only)
        np.testing.assert_array_equal(raster(neuron, step, X.shape), s_ref > 0)
        assert np.max(np.abs(net.weights() - W_ref)) < 1e-10
    changed = np.abs(net.weights() - W0) > 0
    assert changed[: p.N_E, : p.N_E].any() == p.plastic_EE
    assert changed[: p.N_E, p.N_E :].any() == p.plastic_EI
    assert changed[p.N_E :, : p.N_E].any() == p.plastic_IE
    assert not changed[p.N_E :, p.N_E :].any()  # I->I never changes


def near_bounds(p: SadehParams, W0, seed: int, width: float = 0.02):
    """A copy of ``W0`` with a third of the existing E synapses just above 0 and a third just
    below ``w_max``, and likewise a third of the I->E synapses just above ``w_max_inh`` and a
    third just below 0 (within ``width`` mV, strictly inside the bounds); the rest keep their
    weights, so the network stays balanced.  I->I is left as it is (it never changes)."""
    rng = np.random.default_rng(seed)
    W = W0.copy()
    ne = p.N_E

    def spread(w, low, high):
        u = rng.uniform(0.0, 1.0, w.size) * width
        side = rng.integers(0, 3, w.size)
        return np.where(side == 0, low + u, np.where(side == 1, high - u, w))

    e_rows, i_to_e = W[:ne], W[ne:, :ne]
    e_rows[e_rows != 0] = spread(e_rows[e_rows != 0], p.w_min_mV, p.w_max_mV)
    i_to_e[i_to_e != 0] = spread(i_to_e[i_to_e != 0], p.w_max_inh_mV, 0.0)
    assert np.all((W[:ne] > p.w_min_mV) | (W0[:ne] == 0)) and np.all(W[:ne] < p.w_max_mV)
    assert np.all(W[ne:] > p.w_max_inh_mV) and np.all(W[ne:] < 0)
    return W


# Two regimes of the rule on the same network: the reference's amplitudes, where LTP drives E
# weights to w_max and I->E weights to w_max_inh (and some E weights still reach 0), and
# LTD x 10, where E and I->E weights are driven to 0.  Together they cross all four bounds.
BOUND_REGIMES = {
    "reference_amplitudes": {"E_at_w_max", "E_at_0", "IE_at_w_max_inh"},
    "ltd_x10": {"E_at_0", "IE_at_0"},
}


@pytest.mark.parametrize("regime", list(BOUND_REGIMES))
def test_weights_driven_through_every_bound_reproduce_reference(regime):
    """Weights driven into every clip (E rows at w_max and at 0, I->E at w_max_inh and at 0)
    equal the reference's, which clips them: identical raster, weights to round-off.

    Real runs put few weights on a bound (a fraction of a percent of E->E, a few percent of
    E->I at w_max after 40 blocks), so this is the test that holds the clips themselves:
    without the clip at w_max or at 0 the kernel's weights leave the bounds and differ from
    the reference's (checked by removing either clip from a copy of the kernel)."""
    p = (
        SMALL
        if regime == "reference_amplitudes"
        else replace(SMALL, A_LTD_per_mV=10 * SMALL.A_LTD_per_mV)
    )
    W0, (X,) = learning_blocks(p, 7)
    W0 = near_bounds(p, W0, seed=0)
    (neuron, step), W = kernel_block(W0, X, p, plastic=True)
    s_ref, W_ref = net_sim_reference(W0, X.astype(float), p, True)
    np.testing.assert_array_equal(raster(neuron, step, X.shape), s_ref > 0)
    assert np.max(np.abs(W - W_ref)) < 1e-10
    ne = p.N_E
    exists = W0 != 0
    e_syn, ie_syn = W[:ne][exists[:ne]], W[ne:, :ne][exists[ne:, :ne]]
    reached = {
        "E_at_w_max": int(np.sum(e_syn == p.w_max_mV)),
        "E_at_0": int(np.sum(e_syn == p.w_min_mV)),
        "IE_at_w_max_inh": int(np.sum(ie_syn == p.w_max_inh_mV)),
        "IE_at_0": int(np.sum(ie_syn == 0.0)),
    }
    for bound in BOUND_REGIMES[regime]:
        assert reached[bound] >= 5, (regime, reached)  # W0 is strictly inside every bound
    np.testing.assert_array_equal(W[ne:, ne:], W0[ne:, ne:])  # I->I never changes


def test_ltd_only_never_strengthens_inhibition():
    """With the LTD-only inhibitory rule (``spont_inh_rule: ltd_only``) I->E weights can only
    move towards 0."""
    p = SMALL
    W0, (X,) = learning_blocks(p, 4)
    _, W = kernel_block(W0, X, p, plastic=True, ie_ltd_only=True)
    d = W[p.N_E :, : p.N_E] - W0[p.N_E :, : p.N_E]
    assert d.min() >= 0.0 and d.max() > 0.0


def test_membrane_recursion_closed_form():
    """No recurrence (W = 0), static: V[i] = B V[i-1] + X[i] until threshold, reset to 0."""
    p = sadeh_params(N_E=4, N_I=1)
    T = 300
    X = np.zeros((p.N, T), np.int16)
    X[0, :] = 1  # constant 1 mV per ms: V -> 1/(1-B) = 50.5 mV, crosses 20 mV periodically
    X[1, 5] = 19  # a single 19 mV kick: decays, never fires
    X[2, 7] = 21  # a single 21 mV kick: fires once at step 7
    W = np.zeros((p.N, p.N))
    (neuron, step), _ = kernel_block(W, X, p, plastic=False)
    B = np.exp(-1.0 / p.tau_m_ms)
    v, expected = 0.0, []
    for i in range(T):
        v = B * v + 1.0
        if v > p.V_th_mV:
            expected.append(i)
            v = 0.0
    # first crossing: 1 + B + ... + B^i > 20  <=>  i > ln(1 - 20 (1 - B)) / ln B - 1
    first = int(np.floor(np.log(1 - 20 * (1 - B)) / np.log(B) - 1)) + 1
    assert expected[0] == first
    np.testing.assert_array_equal(step[neuron == 0], expected)
    assert 1 not in neuron
    np.testing.assert_array_equal(step[neuron == 2], [7])


def test_recurrent_input_has_one_step_delay():
    """A spike of j at step i adds W[j, k] to V_k at step i + 1, not at step i."""
    p = sadeh_params(N_E=2, N_I=1)
    X = np.zeros((p.N, 50), np.int16)
    X[0, 10] = 25  # neuron 0 fires at step 10
    W = np.zeros((p.N, p.N))
    W[0, 1] = 21.0  # enough to make neuron 1 fire on its own
    (neuron, step), _ = kernel_block(W, X, p, plastic=False)
    np.testing.assert_array_equal(neuron, [0, 1])
    np.testing.assert_array_equal(step, [10, 11])


def test_ltd_closed_form_from_boxcar_and_trace():
    """One presynaptic spike at step t onto a post driven by 1 mV/ms: the only weight change is
    LTD = -A_LTD ubar^2/70 [u- + 20]_+ with ubar = mean(V[0:t]) (step t excluded, t < 100
    samples) and u- = sum_m exp(-(t-1-m)/tau-) V[m]/tau- (traces use V up to step t-1)."""
    p = sadeh_params(N_E=2, N_I=1)
    t = 40
    X = np.zeros((p.N, t + 1), np.int16)
    X[1, :] = 1  # post: V[i] = (1 - B^(i+1)) / (1 - B) < 20 mV for i <= t
    X[0, t] = 25  # pre fires at step t (x-bar of the pre is still 0 then: no LTP)
    W = np.zeros((p.N, p.N))
    W[0, 1] = 0.5
    (neuron, _), W_after = kernel_block(W, X, p, plastic=True)
    np.testing.assert_array_equal(neuron, [0])
    B = np.exp(-1.0 / p.tau_m_ms)
    V = (1 - B ** (np.arange(t) + 1)) / (1 - B)
    ubar = V.mean()
    u_minus = np.sum(np.exp(-(t - 1 - np.arange(t)) / p.tau_minus_ms) * V) / p.tau_minus_ms
    ltd = p.A_LTD_per_mV * ubar**2 / p.u_ref_sq_mV2 * max(u_minus - p.theta_minus_mV, 0.0)
    assert ltd > 1e-4
    np.testing.assert_allclose(W_after[0, 1], 0.5 - ltd, rtol=0, atol=1e-13)
    W_after[0, 1] = W[0, 1]
    np.testing.assert_array_equal(W_after, W)


def test_zero_e_synapse_is_absorbing_and_ie_unmasked():
    """Reference quirks (flags documented in docs/papers/sadeh2015.md): with
    legacy_absorbing_zero an absent/zeroed E synapse never grows, while an absent
    I->E entry stored as a synapse (legacy_ie_no_mask) is plastic and can become negative,
    exactly as in the reference simulator."""
    p = SMALL
    W0, (X,) = learning_blocks(p, 5)
    W0[p.N_E :, : p.N_E][::2] = 0.0  # half of the I->E rows absent, but stored (no mask)
    exists = protocol.structural_mask(p, W0)
    W0[: p.N_E, : p.N_E][::2] = 0.0  # half of the E->E rows depressed to 0, still stored
    (neuron, step), W = kernel_block(W0, X, p, True, exists=exists)
    s_ref, W_ref = net_sim_reference(W0, X.astype(float), p, True)
    np.testing.assert_array_equal(raster(neuron, step, X.shape), s_ref > 0)
    assert np.max(np.abs(W - W_ref)) < 1e-10
    assert np.all(W[: p.N_E][W0[: p.N_E] == 0] == 0)
    assert np.any(W[p.N_E :, : p.N_E][::2] < 0)


def test_stored_zero_e_synapse_grows_without_absorbing_zero():
    """The other setting of the absorbing-zero quirk: with legacy_absorbing_zero false a stored
    E synapse at 0 is plastic like any other, so some of the zeroed E->E synapses grow within
    one block."""
    p = sadeh_params(N_E=80, N_I=20, b_Hz=2000.0, legacy_absorbing_zero=False)
    W0, (X,) = learning_blocks(p, 5)
    exists = W0 != 0
    W0[: p.N_E, : p.N_E][::2] = 0.0  # half of the E->E rows zeroed, still stored
    _, W = kernel_block(W0, X, p, True, exists=exists)
    regrown = W[: p.N_E, : p.N_E][::2][exists[: p.N_E, : p.N_E][::2]]
    assert np.any(regrown > 0)
    assert np.all(W[: p.N_E][~exists[: p.N_E]] == 0)  # what is not stored stays absent
