"""Plastic phase of tsodyks2000: the burn-in (pipeline stage ``plastic``).

The model has no long-term plasticity; this stage runs the ``burn_in_ms`` (900 ms, as the
Brian2 reference's first ``run``) that removes the artificial synchronous start (v = v0, x = 1),
records no spikes (as the reference), and writes the full network state, from which the
``test`` stage resumes exactly (a split run equals a continuous one value for value).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.papers.tsodyks2000.params import ModelParams
from synplast.papers.tsodyks2000.simulate import (
    STATE_VARIABLES,
    advance,
    build_network,
    initial_state,
)

VARIABLES = (*STATE_VARIABLES, "burn_in_spike_count")


def run_plastic(inputs: xr.Dataset, params: dict, seed: int) -> xr.Dataset:
    """Run the burn-in from the initial state; returns the checkpoint Dataset."""
    model = ModelParams.from_config(params["model"])
    network = build_network(inputs, model)
    state = initial_state(inputs)
    spike_step, spike_neuron, _ = advance(
        network, state, model.steps(params["protocol"]["burn_in_ms"]), record_x_mean=False
    )
    ds = state.to_dataset()
    ds["burn_in_spike_count"] = (
        "neuron",
        np.bincount(spike_neuron, minlength=model.n_neurons).astype(np.int32),
        {"units": "1", "long_name": "spikes per neuron during the burn-in"},
    )
    ds["dt_ms"] = ((), model.dt_ms, {"units": "ms", "long_name": "clock step"})
    return ds
