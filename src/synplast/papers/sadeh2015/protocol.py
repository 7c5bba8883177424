"""Protocols of Sadeh et al. (2015), one function each (as the reference's ``network_run.py``).

- :func:`run_learning`: 40 plastic blocks of 20 random orientations x 100 ms, W carried over,
  all neuron and trace state reset at every block start (the short transient every 2 s is part
  of the model).  Records W after every block (float32), every spike and the orientations.
  Ablations are the same protocol with pathway flags off (:func:`run_ablation`).
- :func:`run_static_test`: one static block; the before (W0) and after (Wf) tests run on the
  same frozen input, as the reference's ``x_ap = np.copy(x_bp)``.
- :func:`run_tuning`: static tuning curves, ``n_ori`` orientations x 1000 ms (not in the
  reference code; defined in docs/papers/sadeh2015.md).
- :func:`run_spontaneous`: 10 plastic blocks of untuned b/2 input starting from Wf.
- :func:`run_cardinal`: 20 plastic blocks from **W0** with 0 and pi/2 over-represented.

Every block runs on the event-driven kernel :func:`.kernel.run_block_sparse`, which the tests
hold against a NumPy transliteration of the reference simulator (identical spike raster, weights
to round-off).  The structural synapses it stores are ``W0 != 0`` plus, with the flag
``legacy_ie_no_mask`` (the reference's unmasked I->E update; see docs/papers/sadeh2015.md),
every I->E pair; at the paper's p_IE = 1 both are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from synplast.kernels.guard import SimulationDiverged, raise_if_diverged

from . import inputs
from .kernel import VARIABLES, SparseWeights, run_block_sparse
from .params import SadehParams

__all__ = [
    "Network",
    "PlasticRun",
    "Spikes",
    "run_ablation",
    "run_cardinal",
    "run_learning",
    "run_spontaneous",
    "run_static_test",
    "run_tuning",
    "structural_mask",
]


@dataclass
class Spikes:
    """Spikes as a ragged list: neuron index, step within its block (dt units), block index."""

    neuron: np.ndarray
    step: np.ndarray
    block: np.ndarray

    @classmethod
    def concat(cls, per_block: list[tuple[np.ndarray, np.ndarray]]) -> Spikes:
        """From ``[(neuron, step), ...]`` of consecutive blocks (int16 neuron and step, to keep
        the stored spikes small)."""
        if not per_block:
            empty = np.zeros(0, np.int16)
            return cls(empty, empty.copy(), empty.copy())
        return cls(
            np.concatenate([n for n, _ in per_block]).astype(np.int16),
            np.concatenate([s for _, s in per_block]).astype(np.int16),
            np.concatenate([np.full(len(n), b, np.int16) for b, (n, _) in enumerate(per_block)]),
        )

    def of_block(self, block: int) -> tuple[np.ndarray, np.ndarray]:
        sel = self.block == block
        return self.neuron[sel], self.step[sel]


@dataclass
class PlasticRun:
    """Result of a sequence of plastic blocks."""

    W_blocks: np.ndarray  # (n_blocks, N, N) float32, W after each block
    W_final: np.ndarray  # (N, N) float64, exact final weights (the next stage starts from it)
    spikes: Spikes
    stimuli: np.ndarray | None  # (n_blocks, n_stim) rad; None for untuned input


def structural_mask(p: SadehParams, W0: np.ndarray) -> np.ndarray:
    """Synapses the kernel stores: existing ones, and all I->E pairs if ``legacy_ie_no_mask``."""
    exists = W0 != 0
    if p.legacy_ie_no_mask:
        exists[p.N_E :, : p.N_E] = True
    return exists


class Network:
    """The recurrent weights of one run, held in the layout of the event-driven kernel."""

    def __init__(self, p: SadehParams, W: np.ndarray, exists: np.ndarray):
        self.p = p
        self.sw = SparseWeights.from_dense(np.asarray(W, np.float64), p.N_E, exists)

    @classmethod
    def from_sparse(cls, p: SadehParams, sw: SparseWeights) -> Network:
        """Wrap existing sparse weights (the N = 5,000 scale scenario never builds dense W)."""
        net = cls.__new__(cls)
        net.p, net.sw = p, sw
        return net

    def run(self, X: np.ndarray, plastic: bool, ie_ltd_only: bool = False):
        """One block on input ``X`` (int16, N x T); returns ``(neuron, step)`` of all spikes.

        A non-finite membrane potential or plasticity factor raises
        :class:`synplast.kernels.guard.SimulationDiverged` naming the step within the block.
        """
        p = self.p
        if X.shape[0] != p.N or X.dtype != np.int16:
            raise ValueError(f"sadeh2015: block input must be int16 with {p.N} rows")
        neuron, step, status = run_block_sparse(
            self.sw,
            X,
            plastic,
            p.plastic_EE,
            p.plastic_EI,
            p.plastic_IE,
            p.legacy_absorbing_zero,
            ie_ltd_only,
            p.N_E,
            p.n_avg_steps,
            p.kernel_constants(),
        )
        raise_if_diverged(status, VARIABLES, lambda i: f"t = {i * p.dt_ms:g} ms into the block")
        return neuron, step

    def weights(self, dtype=np.float64) -> np.ndarray:
        return self.sw.to_dense(dtype)


def _plastic_blocks(
    p: SadehParams,
    W_start,
    exists,
    n_blocks: int,
    block_input: Callable[[int], np.ndarray],
    ie_ltd_only: bool = False,
    stimuli=None,
    name: str = "learning",
) -> PlasticRun:
    """``n_blocks`` plastic blocks from ``W_start`` on the synapses ``exists``; a divergence
    names the block of the ``name`` protocol it happened in."""
    net = Network(p, W_start, exists)
    W_blocks = np.empty((n_blocks, p.N, p.N), np.float32)
    per_block = []
    for b in range(n_blocks):
        try:
            per_block.append(net.run(block_input(b), plastic=True, ie_ltd_only=ie_ltd_only))
        except SimulationDiverged as error:
            error.within(f"{name} block {b}")
            raise
        W_blocks[b] = net.weights(np.float32)
    return PlasticRun(W_blocks, net.weights(), Spikes.concat(per_block), stimuli)


def run_learning(
    p: SadehParams,
    W0: np.ndarray,
    po: np.ndarray,
    seed: int,
    stimuli: np.ndarray | None = None,
    block_input: Callable[[int], np.ndarray] | None = None,
) -> PlasticRun:
    """The learning phase: ``n_blocks`` plastic blocks of randomly oriented stimuli.

    ``stimuli`` default to :func:`.inputs.stimulus_sequences`; ``block_input(b)`` defaults to
    fresh Poisson input of block ``b`` (pass a cache to share inputs between ablations).
    """
    if stimuli is None:
        stimuli = inputs.stimulus_sequences(p, seed)
    if block_input is None:

        def block_input(b):
            return inputs.block_input(p, po, seed, b, stimuli[b])

    return _plastic_blocks(p, W0, structural_mask(p, W0), p.n_blocks, block_input, stimuli=stimuli)


def run_ablation(
    p: SadehParams, pathways, W0, po, seed, stimuli=None, block_input=None
) -> PlasticRun:
    """The learning phase with only ``pathways`` (e.g. ``["EE", "IE"]``) plastic."""
    return run_learning(p.with_pathways(pathways), W0, po, seed, stimuli, block_input)


def run_static_test(p: SadehParams, W: np.ndarray, X: np.ndarray) -> Spikes:
    """One static block on weights ``W`` (the before test with W0, the after test with Wf)."""
    net = Network(p, W, W != 0)
    try:
        return Spikes.concat([net.run(X, plastic=False)])
    except SimulationDiverged as error:
        error.within("static test block")
        raise


def run_tuning(p: SadehParams, W: np.ndarray, po: np.ndarray, seed: int) -> np.ndarray:
    """Rates (Hz, shape N x n_ori) in static runs of ``tuning_duration_ms`` per orientation.

    Each orientation is an independent block from V = 0; its frozen input
    (:func:`.inputs.tuning_input`) is the same before and after learning.
    """
    net = Network(p, W, W != 0)
    rates = np.zeros((p.N, p.n_ori))
    duration_s = p.tuning_steps * p.dt_ms / 1000.0
    for o in range(p.n_ori):
        try:
            neuron, _ = net.run(inputs.tuning_input(p, po, seed, o), plastic=False)
        except SimulationDiverged as error:
            error.within(f"tuning block of orientation {o}")
            raise
        rates[:, o] = np.bincount(neuron, minlength=p.N) / duration_s
    return rates


def run_spontaneous(p: SadehParams, W0: np.ndarray, Wf: np.ndarray, seed: int) -> PlasticRun:
    """Spontaneous activity after learning: ``n_blocks_spont`` plastic blocks from Wf.

    Input is untuned Poisson at ``spont_rate_factor * b`` (b/2) to every neuron.

    The reference calls ``_net_sim_(..., inh_ltd=1)``, an argument the simulator does not
    have (a TypeError), so what it meant is unknown (flag ``spont_inh_rule``, see
    docs/papers/sadeh2015.md).  ``spont_inh_rule: standard`` (default)
    runs the ordinary rule on all pathways, i.e. what the reference computes once the unknown
    argument is dropped.  ``ltd_only`` is our reading of the name: during spontaneous activity
    the I->E synapses keep only their LTD term (inhibition can weaken, not strengthen).
    """
    ltd_only = p.spont_inh_rule == "ltd_only"  # flag spont_inh_rule
    return _plastic_blocks(
        p,
        Wf,
        structural_mask(p, W0),
        p.n_blocks_spont,
        lambda b: inputs.spont_input(p, seed, b),
        ie_ltd_only=ltd_only,
        name="spontaneous",
    )


def run_cardinal(p: SadehParams, W0: np.ndarray, po: np.ndarray, seed: int) -> PlasticRun:
    """Cardinal over-representation: ``n_blocks_cardinal`` plastic blocks from **W0**."""
    stimuli = inputs.cardinal_stimuli(p, seed)
    return _plastic_blocks(
        p,
        W0,
        structural_mask(p, W0),
        p.n_blocks_cardinal,
        lambda b: inputs.cardinal_input(p, po, seed, b, stimuli[b]),
        stimuli=stimuli,
        name="cardinal",
    )
