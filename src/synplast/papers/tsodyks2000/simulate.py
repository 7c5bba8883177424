"""Assemble the network from an ``inputs`` Dataset and advance it (shared by both stages).

:class:`Network` holds the constant arrays the kernel needs (propagators for the step ``dt``,
pre- and post-ordered synapse indices); :class:`NetworkState` holds everything that evolves
(``v``, last spike step, ``x``, ``y``, ``u``, the step counter) and round-trips through a
Dataset, which is the checkpoint the ``plastic`` stage writes and the ``test`` stage resumes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import xarray as xr

from synplast.kernels.connectivity import synapse_index
from synplast.kernels.guard import raise_if_diverged
from synplast.kernels.lif import NEVER_SPIKED, membrane_decay
from synplast.kernels.stp import recovery_propagators
from synplast.papers.tsodyks2000 import kernel
from synplast.papers.tsodyks2000.params import PATHWAYS, ModelParams

STATE_VARIABLES = ("v_mV", "lastspike_step", "x", "y", "u", "step")


@dataclass(frozen=True)
class Network:
    """Constant arrays of one network draw, ready for the kernel."""

    bias_mV: np.ndarray
    membrane_decay: float
    v_thresh_mV: float
    v_reset_mV: float
    refractory_steps: np.ndarray
    syn_pathway: np.ndarray
    syn_A_mV: np.ndarray
    syn_U: np.ndarray
    syn_facilitating: np.ndarray
    decay_x: np.ndarray
    coupling_y: np.ndarray
    decay_y: float
    decay_u: np.ndarray
    pre_indptr: np.ndarray
    pre_order: np.ndarray
    post_indptr: np.ndarray
    post_order: np.ndarray
    ee_start: int
    ee_stop: int
    dt_ms: float


@dataclass
class NetworkState:
    """Everything that evolves; mutated in place by :func:`advance`."""

    v_mV: np.ndarray
    lastspike_step: np.ndarray
    x: np.ndarray
    y: np.ndarray
    u: np.ndarray
    step: int

    def to_dataset(self) -> xr.Dataset:
        """The state as the checkpoint Dataset the ``plastic`` stage writes."""
        return xr.Dataset(
            {
                "v_mV": ("neuron", self.v_mV, {"units": "mV", "long_name": "membrane potential"}),
                "lastspike_step": (
                    "neuron",
                    self.lastspike_step,
                    {
                        "units": "1",
                        "long_name": f"clock step of the last spike ({NEVER_SPIKED}: never spiked)",
                    },
                ),
                "x": ("synapse", self.x, {"units": "1", "long_name": "recovered fraction x"}),
                "y": ("synapse", self.y, {"units": "1", "long_name": "active fraction y"}),
                "u": ("synapse", self.u, {"units": "1", "long_name": "facilitation variable u"}),
                "step": (
                    (),
                    np.int64(self.step),
                    {"units": "1", "long_name": "clock steps simulated so far"},
                ),
            }
        )

    @classmethod
    def from_dataset(cls, ds: xr.Dataset) -> NetworkState:
        """The state of a checkpoint Dataset (copies, so the run does not alter ``ds``)."""
        return cls(
            v_mV=ds["v_mV"].values.astype(np.float64).copy(),
            lastspike_step=ds["lastspike_step"].values.astype(np.int64).copy(),
            x=ds["x"].values.astype(np.float64).copy(),
            y=ds["y"].values.astype(np.float64).copy(),
            u=ds["u"].values.astype(np.float64).copy(),
            step=int(ds["step"].values),
        )


def build_network(inputs: xr.Dataset, model: ModelParams) -> Network:
    """Precompute the kernel's constant arrays for the step ``model.dt_ms``."""
    dt = model.dt_ms
    pathway = inputs["syn_pathway"].values.astype(np.int8)
    tau_rec = inputs["syn_tau_rec_ms"].values
    tau_facil = inputs["syn_tau_facil_ms"].values
    decay_x, coupling_y = recovery_propagators(
        dt, model.tau_I_ms, tau_rec, two_state=model.synapse_model == "tm2"
    )
    n = model.n_neurons
    # stored synapse order within each group: the drive sums run in that order
    index = synapse_index(inputs["syn_pre"].values, inputs["syn_post"].values, n)
    ee = np.flatnonzero(pathway == PATHWAYS.index("ee"))
    refractory = np.r_[
        np.full(model.n_exc, model.refractory_steps("E")),
        np.full(model.n_inh, model.refractory_steps("I")),
    ].astype(np.int64)
    return Network(
        bias_mV=inputs["bias_mV"].values.astype(np.float64),
        membrane_decay=membrane_decay(dt, model.tau_mem_ms),
        v_thresh_mV=model.v_thresh_mV,
        v_reset_mV=model.v_reset_mV,
        refractory_steps=refractory,
        syn_pathway=pathway,
        syn_A_mV=inputs["syn_A_mV"].values.astype(np.float64),
        syn_U=inputs["syn_U"].values.astype(np.float64),
        syn_facilitating=np.isfinite(tau_facil),
        decay_x=decay_x,
        coupling_y=coupling_y,
        decay_y=math.exp(-dt / model.tau_I_ms),
        decay_u=np.exp(-dt / tau_facil),
        pre_indptr=index.pre_indptr,
        pre_order=index.pre_order,
        post_indptr=index.post_indptr,
        post_order=index.post_order,
        ee_start=int(ee[0]) if ee.size else 0,
        ee_stop=int(ee[-1]) + 1 if ee.size else 0,
        dt_ms=dt,
    )


def initial_state(inputs: xr.Dataset) -> NetworkState:
    """Brian2's initial state: ``v = v0``, never spiked, ``x = 1``, ``y = u = 0``."""
    n_syn = inputs.sizes["synapse"]
    return NetworkState(
        v_mV=inputs["v0_mV"].values.astype(np.float64).copy(),
        lastspike_step=np.full(inputs.sizes["neuron"], NEVER_SPIKED, dtype=np.int64),
        x=np.ones(n_syn),
        y=np.zeros(n_syn),
        u=np.zeros(n_syn),
        step=0,
    )


def advance(
    network: Network, state: NetworkState, n_steps: int, record_x_mean: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Advance ``state`` by ``n_steps``; returns (spike steps, spike neurons, mean E->E x).

    The kernel's parallel phases use Numba's current thread count; the numbers do not depend
    on it.  A non-finite state raises :class:`synplast.kernels.guard.SimulationDiverged`
    naming the variable and the clock step.
    """
    *out, status = kernel.advance(
        n_steps,
        state.step,
        state.v_mV,
        state.lastspike_step,
        network.bias_mV,
        network.membrane_decay,
        network.v_thresh_mV,
        network.v_reset_mV,
        network.refractory_steps,
        network.syn_pathway,
        network.syn_A_mV,
        network.syn_U,
        network.syn_facilitating,
        network.decay_x,
        network.coupling_y,
        network.decay_y,
        network.decay_u,
        state.x,
        state.y,
        state.u,
        network.pre_indptr,
        network.pre_order,
        network.post_indptr,
        network.post_order,
        network.ee_start,
        network.ee_stop,
        record_x_mean,
    )
    raise_if_diverged(status, kernel.VARIABLES, lambda step: f"t = {step * network.dt_ms:g} ms")
    state.step += n_steps
    return tuple(out)
