"""Everything random the Sadeh et al. (2015) model consumes, drawn from named seeded streams.

- ``w0``: Bernoulli connectivity (autapses included, as the reference) and W0[pre, post]:
  ``J`` for existing E synapses, ``-g J`` for I synapses, 0 for absent ones;
- ``stim``: the 20 orientations of every learning block (U[0, pi));
  ``stim/cardinal``: the cardinal protocol's sequences (10 uniform + 5 x 0 + 5 x pi/2, shuffled);
- ``ffw_bp``: the before-test input at theta_test, reused frozen for the after test (as
  ``x_ap = np.copy(x_bp)`` in the reference);
- ``ffw_blk/<b>``, ``ffw_card/<b>``, ``ffw_spont/<b>``: one stream per block, so a block's input
  is a pure function of (seed, block, orientations) and need not be stored;
- ``tuning/<o>``: 1000 ms at the o-th tuning orientation; the same frozen input is used for the
  before and after tuning curves (a paired comparison, like bp/ap).

Feedforward input: Poisson counts per dt bin with rate ``b (1 + m cos 2(theta - PO))`` Hz
(m = m_E or m_I), added to V as J_ffw mV per event.  The reference draws neuron-major; here each
100-ms segment is one vectorised draw (same statistics; the exact numbers of the reference
cannot be matched anyway).  Nothing reads NumPy's global random state.
"""

from __future__ import annotations

import numpy as np

from synplast.rng import stream
from synplast.stagefile import var_attrs

from .params import SadehParams

__all__ = [
    "block_input",
    "cardinal_input",
    "cardinal_stimuli",
    "connectivity_coo",
    "initial_weights",
    "input_rates_Hz",
    "preferred_orientations",
    "spont_input",
    "stimulus_sequences",
    "test_input",
    "tuning_input",
    "tuning_orientations",
]


def preferred_orientations(p: SadehParams) -> np.ndarray:
    """Input POs (rad): ``arange(0, pi, pi/N_E)`` for E, then ``arange(0, pi, pi/N_I)`` for I."""
    return np.concatenate([np.arange(p.N_E) * (np.pi / p.N_E), np.arange(p.N_I) * (np.pi / p.N_I)])


def connectivity_coo(p: SadehParams, seed: int, chunk_rows: int = 512):
    """Existing synapses ``(pre, post, w0_mV)`` drawn from stream ``w0``.

    Blocks are drawn in the reference's order E->E, E->I, I->E, I->I, each row-chunk by
    row-chunk so that N = 5,000 never needs a dense matrix.  E synapses start at J, I synapses
    at -g J.
    """
    rng = stream(seed, "w0")
    E = (0, p.N_E)
    I_ = (p.N_E, p.N)
    blocks = [
        (E, E, p.p_EE, p.J_mV),
        (E, I_, p.p_EI, p.J_mV),
        (I_, E, p.p_IE, -p.g * p.J_mV),
        (I_, I_, p.p_II, -p.g * p.J_mV),
    ]
    pre_all, post_all, w_all = [], [], []
    for (r0, r1), (c0, c1), prob, w in blocks:
        for start in range(r0, r1, chunk_rows):
            stop = min(start + chunk_rows, r1)
            mask = rng.random((stop - start, c1 - c0)) < prob
            rows, cols = np.nonzero(mask)
            pre_all.append((rows + start).astype(np.int32))
            post_all.append((cols + c0).astype(np.int32))
            w_all.append(np.full(rows.size, w))
    return np.concatenate(pre_all), np.concatenate(post_all), np.concatenate(w_all)


def initial_weights(p: SadehParams, seed: int) -> np.ndarray:
    """Dense W0[pre, post] (float64, mV); zeros are absent synapses."""
    pre, post, w = connectivity_coo(p, seed)
    W0 = np.zeros((p.N, p.N))
    W0[pre, post] = w
    return W0


def input_rates_Hz(p: SadehParams, po: np.ndarray, theta: float) -> np.ndarray:
    """Feedforward rate of every neuron for orientation ``theta`` (rad)."""
    m = np.where(np.arange(p.N) < p.N_E, p.m_E, p.m_I)
    return p.b_Hz * (1.0 + m * np.cos(2.0 * (theta - po)))


def _poisson_segments(p, rng, rates_Hz_by_segment, seg_steps) -> np.ndarray:
    """int16 (N, n_seg*seg_steps) counts; segment s has rates ``rates_Hz_by_segment[s]``."""
    out = np.empty((p.N, len(rates_Hz_by_segment) * seg_steps), np.int16)
    for s, rates in enumerate(rates_Hz_by_segment):
        lam = np.asarray(rates, float) * p.dt_ms / 1000.0
        out[:, s * seg_steps : (s + 1) * seg_steps] = rng.poisson(lam[:, None], (p.N, seg_steps))
    return out


def _oriented_input(p, rng, po, thetas, seg_steps):
    return _poisson_segments(p, rng, [input_rates_Hz(p, po, th) for th in thetas], seg_steps)


def stimulus_sequences(p: SadehParams, seed: int) -> np.ndarray:
    """(n_blocks, n_stim_per_block) orientations ~ U[0, pi) of the learning blocks."""
    return stream(seed, "stim").uniform(0.0, np.pi, (p.n_blocks, p.n_stim_per_block))


def cardinal_stimuli(p: SadehParams, seed: int) -> np.ndarray:
    """(n_blocks_cardinal, n_stim) sequences: uniform + n_card x 0 + n_card x pi/2, shuffled."""
    rng = stream(seed, "stim", "cardinal")
    n_card = p.n_cardinal_per_block
    out = np.empty((p.n_blocks_cardinal, p.n_stim_per_block))
    for b in range(p.n_blocks_cardinal):
        seq = np.concatenate(
            [
                rng.uniform(0.0, np.pi, p.n_stim_per_block - 2 * n_card),
                np.zeros(n_card),
                np.full(n_card, np.pi / 2),
            ]
        )
        rng.shuffle(seq)
        out[b] = seq
    return out


def test_input(p: SadehParams, po: np.ndarray, seed: int) -> np.ndarray:
    """The before-test input (theta_test in all trials); the after test reuses it (frozen)."""
    thetas = [p.theta_test_rad] * p.n_stim_per_block
    return _oriented_input(p, stream(seed, "ffw_bp"), po, thetas, p.trial_steps)


def block_input(p: SadehParams, po: np.ndarray, seed: int, block: int, stimuli) -> np.ndarray:
    """Fresh input of learning block ``block`` for its orientations ``stimuli``."""
    return _oriented_input(p, stream(seed, "ffw_blk", str(block)), po, stimuli, p.trial_steps)


def cardinal_input(p: SadehParams, po: np.ndarray, seed: int, block: int, stimuli) -> np.ndarray:
    """Fresh input of cardinal-protocol block ``block``."""
    return _oriented_input(p, stream(seed, "ffw_card", str(block)), po, stimuli, p.trial_steps)


def spont_input(p: SadehParams, seed: int, block: int) -> np.ndarray:
    """Untuned input at ``spont_rate_factor * b`` (b/2) to every neuron, for one block."""
    rates = np.full(p.N, p.spont_rate_factor * p.b_Hz)
    rng = stream(seed, "ffw_spont", str(block))
    return _poisson_segments(p, rng, [rates] * p.n_stim_per_block, p.trial_steps)


def tuning_orientations(p: SadehParams) -> np.ndarray:
    """``n_ori`` orientations evenly spaced in [0, pi)."""
    return np.arange(p.n_ori) * (np.pi / p.n_ori)


def tuning_input(p: SadehParams, po: np.ndarray, seed: int, ori_index: int) -> np.ndarray:
    """Frozen input of one tuning run (tuning_duration_ms at orientation ``ori_index``)."""
    theta = tuning_orientations(p)[ori_index]
    rng = stream(seed, "tuning", str(ori_index))
    return _oriented_input(p, rng, po, [theta], p.tuning_steps)


# ---------------------------------------------------------------------------- pipeline stage

VARIABLES = ("n_E", "W0", "po_rad", "stimulus_rad", "X_test", "dt_ms")


def make_inputs(params: dict, seed: int):
    """The ``inputs`` stage: W0, POs, learning (and cardinal) orientations, frozen test input.

    The Poisson input of each plastic block is a pure function of (seed, block, orientations)
    through its own stream (``ffw_blk/<b>``, ``ffw_card/<b>``, ``ffw_spont/<b>``) and is drawn
    where it is consumed rather than stored (80 MB per seed); the stream names are recorded in
    the ``input_streams`` attribute.
    """
    import xarray as xr

    from .params import params_from_config

    p = params_from_config(params)
    po = preferred_orientations(p)
    neuron = np.arange(p.N, dtype=np.int32)
    data = {
        "n_E": ((), p.N_E, var_attrs("1", "number of E neurons (indices 0 .. n_E - 1)")),
        "W0": (
            ("pre", "post"),
            initial_weights(p, seed),
            var_attrs("mV", "initial weight W0[pre, post] (0: no synapse)"),
        ),
        "po_rad": (
            "neuron",
            po,
            var_attrs("rad", "preferred orientation of the feedforward input"),
        ),
        "stimulus_rad": (
            ("block", "trial"),
            stimulus_sequences(p, seed),
            var_attrs("rad", "orientation of each 100-ms trial of a learning block"),
        ),
        "X_test": (
            ("neuron", "step"),
            test_input(p, po, seed),
            var_attrs("1", "feedforward events per step of the before/after test"),
        ),
    }
    data["dt_ms"] = ((), p.dt_ms, var_attrs("ms", "time step (time = step x dt_ms)"))
    if p.card_act:
        data["card_stimulus_rad"] = (
            ("card_block", "trial"),
            cardinal_stimuli(p, seed),
            var_attrs("rad", "orientation of each trial of a cardinal-protocol block"),
        )
    coords = {
        "pre": ("pre", neuron, var_attrs("1", "presynaptic neuron index (E first)")),
        "post": ("post", neuron, var_attrs("1", "postsynaptic neuron index (E first)")),
        "neuron": ("neuron", neuron, var_attrs("1", "neuron index (E first)")),
        "block": ("block", np.arange(p.n_blocks, dtype=np.int32), var_attrs("1", "learning block")),
        "trial": (
            "trial",
            np.arange(p.n_stim_per_block, dtype=np.int32),
            var_attrs("1", "trial within a block"),
        ),
        "step": (
            "step",
            np.arange(p.block_steps, dtype=np.int32),
            var_attrs("1", "step within the block (time = step x dt_ms)"),
        ),
    }
    if p.card_act:
        coords["card_block"] = (
            "card_block",
            np.arange(p.n_blocks_cardinal, dtype=np.int32),
            var_attrs("1", "cardinal-protocol block"),
        )
    ds = xr.Dataset(data, coords=coords)
    ds.attrs["input_streams"] = (
        "w0 stim stim/cardinal ffw_bp ffw_blk/<b> ffw_card/<b> ffw_spont/<b> tuning/<o>"
    )
    return ds
